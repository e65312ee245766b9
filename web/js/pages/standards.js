// pages/standards.js — #/standards (cert.manage or standards.manage): the certificate policy of each
// trade (validity, credits needed to renew, required courses; cert.manage edits them) and every
// standard of the association (the workforce's, services', complaints', personal data's and the
// audit chain's; standards.manage edits them), grouped, each with its range.
import { h, fill } from '../dom.js';
import { t, has } from '../i18n.js';
import { api, errorText, listAll } from '../api.js';
import {
  pageHead, loading, empty, table, messages, notice, button, field, input, form, clearErrors,
  showError, busy, section, besideNote,
} from '../ui.js';
import { tradeName, choices } from '../workforce.js';
import { courseName } from './training.js';

// The standards in groups. The page shows every standard the API lists (GET /api/public/standards
// carries each key with its range): those named here in their group, any other in the last group.
// A standard's label is the catalog's standards.<key> (the key itself when the catalog has none);
// its unit comes from the key's ending.
const GROUPS = [
  { key: 'workforce', items: ['health_valid_months', 'background_valid_months', 'refresher_grace_days',
    'lapse_warning_days', 'training_pass_target'] },
  { key: 'services', items: ['punctuality_tolerance_minutes', 'checkout_tolerance_minutes', 'checkin_early_minutes',
    'review_new_account_days', 'review_quick_minutes', 'live_named_bookings_max', 'request_confirm_hours', 'no_show_answer_hours', 'hourly_from_hour', 'hourly_until_hour', 'day_start_from_hour', 'day_start_until_hour', 'address_visible_hours', 'satisfaction_target',
    'punctuality_target'] },
  { key: 'complaints', items: ['complaint_feedback_hours', 'complaint_resolve_days', 'complaint_reopen_days',
    'complaint_pause_max_hours', 'complaint_pauses_max', 'complaint_text_min', 'complaint_verify_hours',
    'unbooked_complaints_max', 'unbooked_complaint_days', 'claim_decision_days', 'claim_accept_days', 'claim_payment_days', 'claim_reference_min', 'rectification_days', 'spot_check_pass_score', 'spot_check_share_percent', 'spot_check_min_per_company', 'spot_check_draw_day'] },
  { key: 'privacy', items: ['booking_contact_retention_days', 'complaint_contact_retention_days',
    'session_detail_retention_days', 'data_request_days', 'registry_lookups_per_hour', 'record_grant_max_days'] },
  { key: 'audit', items: ['audit_checkpoint_minutes'] },
];
const UNITS = [['_per_hour', 'per_hour'], ['_months', 'months'], ['_days', 'days'], ['_hours', 'hours'],
  ['_minutes', 'minutes'], ['_target', 'percent'], ['_score', 'score']];

// The unit of a standard from its key ("complaint_feedback_hours" → hours); null when none fits.
export function standardUnit(key) {
  const u = UNITS.find(([end]) => key.endsWith(end));
  return u ? u[1] : null;
}
// The label of a standard: the catalog's words, or the key when the catalog has none.
export function standardLabel(key) {
  return has(`standards.${key}`) ? t(`standards.${key}`) : key;
}
// The groups holding every key the API lists, in the order above; unknown keys in "other".
function grouped(keys) {
  const known = new Set(GROUPS.flatMap((g) => g.items));
  const out = GROUPS.map((g) => ({ key: g.key, items: g.items.filter((k) => keys.includes(k)) }));
  const other = keys.filter((k) => !known.has(k));
  if (other.length) out.push({ key: 'other', items: other });
  return out.filter((g) => g.items.length);
}

export function render(slot, ctx) {
  const certManage = ctx.can('cert.manage');
  const stdManage = ctx.can('standards.manage');
  const msg = messages();
  const policies = h('div', { class: 'list policies-list' }, loading());
  const editSlot = h('div', { class: 'edit-slot' });
  const stdBox = h('div', { class: 'standards-box' }, loading());
  let courses = null;
  const loadCourses = () => {
    if (!courses) courses = listAll('/api/courses').catch(() => []);
    return courses;
  };

  async function loadPolicies(highlight) {
    fill(policies, loading());
    try {
      const r = await api('GET', '/api/cert-policies');
      if (!ctx.current()) return;
      const items = Array.isArray(r) ? r : (r.items || []);
      if (!items.length) { fill(policies, empty(t('policies.empty'))); return; }
      const columns = [
        { label: t('policies.trade'), cell: (p) => h('span', { class: 'strong' }, tradeName(p.trade)) },
        { label: t('policies.validity_months'), class: 'num', cell: (p) => t('policies.months', { n: p.validity_months }) },
        { label: t('policies.renewal_credits'), class: 'num', cell: (p) => String(p.renewal_credits) },
        { label: t('policies.required_courses'), cell: (p) => ((p.required_courses || []).length
          ? h('ul', { class: 'plain-list' }, p.required_courses.map((c) => h('li', null, courseName(c))))
          : t('policies.none_required')) },
      ];
      if (certManage) {
        columns.push({ label: t('common.actions'), class: 'actions', cell: (p) => button(t('common.edit'), {
          onClick: () => editPolicy(p), attrs: { 'aria-label': t('policies.edit_label', { trade: tradeName(p.trade) }) },
        }) });
      }
      fill(policies, table({
        caption: t('policies.title'), columns, rows: items,
        rowAttrs: (p) => ({ class: p.trade === highlight ? 'row-new' : null, dataset: { trade: p.trade } }),
      }));
    } catch (err) {
      if (err.status !== 401 && ctx.current()) fill(policies, notice('error', errorText(err)));
    }
  }

  async function editPolicy(p) {
    const months = input({ type: 'number', min: '1', max: '60', step: '1', value: String(p.validity_months), inputmode: 'numeric' });
    const credits = input({ type: 'number', min: '0', max: '200', step: '1', value: String(p.renewal_credits), inputmode: 'numeric' });
    const courseSlot = h('div', { class: 'field-wide' }, loading());
    const pf = form({ class: 'form form-grid policy-form' },
      field({ label: t('policies.validity_months'), control: months, name: 'validity_months', hint: t('policies.months_hint') }),
      field({ label: t('policies.renewal_credits'), control: credits, name: 'renewal_credits', hint: t('policies.credits_hint') }),
      courseSlot,
      h('div', { class: 'form-actions' },
        h('button', { type: 'submit', class: 'btn btn-primary' }, t('common.save')),
        button(t('common.cancel'), { onClick: () => fill(editSlot) })));
    const panel = section(t('policies.edit_title', { trade: tradeName(p.trade) }), pf);
    panel.classList.add('panel-edit');
    fill(editSlot, panel);
    panel.scrollIntoView({ block: 'nearest' });
    months.focus();
    const before = (p.required_courses || []).map((c) => String(c.id));
    const all = await loadCourses();
    // the courses that may be required: this trade's skills and every general course
    const options = all.filter((c) => c.kind !== 'skill' || c.trade === p.trade || before.includes(String(c.id)));
    const picks = choices({
      legend: t('policies.required_courses'), name: 'required_course_ids', values: before,
      options: options.map((c) => ({ value: String(c.id), label: `${courseName(c)}${c.active ? '' : ` ${t('policies.inactive')}`}` })),
      hint: t('policies.required_hint'),
    });
    fill(courseSlot, options.length ? picks : empty(t('courses.empty')));
    pf.addEventListener('submit', async (e) => {
      e.preventDefault();
      clearErrors(pf);
      const b = {};
      const m = Number(months.value);
      const c = Number(credits.value);
      if (months.value === '' || !Number.isInteger(m) || m < 1 || m > 60) return showError(pf, t('common.range', { min: 1, max: 60 }), 'validity_months');
      if (credits.value === '' || !Number.isInteger(c) || c < 0 || c > 200) return showError(pf, t('common.range', { min: 0, max: 200 }), 'renewal_credits');
      if (m !== p.validity_months) b.validity_months = m;
      if (c !== p.renewal_credits) b.renewal_credits = c;
      const ids = picks.values();
      if ([...ids].sort().join() !== [...before].sort().join()) b.required_course_ids = ids.map(Number);
      if (!Object.keys(b).length) return showError(pf, t('common.unchanged'));
      await busy(pf, async () => {
        try {
          await api('PATCH', `/api/cert-policies/${encodeURIComponent(p.trade)}`, { body: b });
          fill(editSlot);
          msg.show('success', t('policies.saved', { trade: tradeName(p.trade) }));
          loadPolicies(p.trade);
        } catch (err) {
          if (err.status !== 401) showError(pf, errorText(err), err.field);
        }
      });
    });
  }

  async function loadStandards() {
    fill(stdBox, loading());
    try {
      const s = await api('GET', '/api/public/standards');
      if (!ctx.current()) return;
      const controls = {};
      const keys = Object.keys(s.limits || {});
      const groups = grouped(keys).map((g) => h('fieldset', { class: 'field-wide standards-group', dataset: { group: g.key } },
        h('legend', { class: 'sub-title' }, t(`standards.group_${g.key}`)),
        h('div', { class: 'form-grid' }, g.items.map((key) => {
          const { min, max } = s.limits[key];
          const unit = standardUnit(key);
          controls[key] = input({
            type: 'number', min: String(min), max: String(max), step: '1', inputmode: 'numeric',
            value: s[key] === undefined ? '' : String(s[key]), readOnly: !stdManage,
          });
          return field({ label: standardLabel(key), control: controls[key], name: key,
            hint: unit ? t(`standards.unit_${unit}`, { min, max }) : t('standards.unit_none', { min, max }) });
        }))));
      const note = besideNote();
      const sf = form({ class: 'form standards-form' }, ...groups,
        stdManage ? h('div', { class: 'form-actions' }, h('button', { type: 'submit', class: 'btn btn-primary' }, t('common.save')), note) : null);
      sf.addEventListener('input', () => note.clear());
      sf.addEventListener('submit', async (e) => {
        e.preventDefault();
        clearErrors(sf);
        if (!stdManage) return;
        const b = {};
        for (const key of keys) {
          const raw = controls[key].value;
          const v = Number(raw);
          const { min, max } = s.limits[key];
          if (raw === '' || !Number.isInteger(v) || v < min || v > max) return showError(sf, t('common.range', { min, max }), key);
          if (v !== s[key]) b[key] = v;
        }
        if (!Object.keys(b).length) return showError(sf, t('common.unchanged'));
        await busy(sf, async () => {
          try {
            const saved = await api('PATCH', '/api/standards', { body: b });
            Object.assign(s, saved);
            note.show(t('standards.saved'));
          } catch (err) {
            if (err.status !== 401) showError(sf, errorText(err), err.field);
          }
        });
      });
      fill(stdBox, stdManage ? null : h('p', { class: 'muted' }, t('standards.read_only')), sf);
    } catch (err) {
      if (err.status !== 401 && ctx.current()) fill(stdBox, notice('error', errorText(err)));
    }
  }

  fill(slot, h('section', { class: 'page page-standards' },
    pageHead(t('nav.standards'), t('standards.intro')),
    msg, editSlot,
    section(t('policies.title'), h('p', { class: 'muted' }, t('policies.intro')), policies),
    section(t('standards.title'), stdBox)));
  loadPolicies();
  loadStandards();
}
