// pages/inspection.js — #/inspections/ID (the API decides whose: the assigned inspector, the
// company inspected, the association). The sampled booking (service, time, worker, customer), the
// plan it was drawn by; for the inspector a sample to score — each of the category's quality
// indicators 0–100 with a note, a phone or home visit and when (the household's telephone and
// address opened on request, each opening on the record), the findings; the result against
// the pass mark — previewed as the scores are typed (the mean rounded down against the pass mark
// the server judges by, pass_score in the inspection's answer), and a result that would order a
// rectification is sent only once the inspector confirms it; after a failure the rectification
// order and its deadline, which the company answers and the inspector accepts or sends back with a
// note; the timeline.
import { h, fill } from '../dom.js';
import { t, label } from '../i18n.js';
import { api, errorText } from '../api.js';
import { loading, notice, messages, section, badge, field, input, form, clearErrors, showError } from '../ui.js';
import { fmtAt, radios, wallNow } from '../services.js';
import { localToIso } from '../workforce.js';
import { facts } from './worker.js';
import { send } from '../complaint-ui.js';
import { inspectionBadge, inspectionTimeline, bookingLine, indicatorName } from '../inspection-ui.js';

const pad = (n) => String(n).padStart(2, '0');
// The platform's wall clock now as a datetime-local value.
function nowLocal() {
  const d = wallNow();
  return `${d.getUTCFullYear()}-${pad(d.getUTCMonth() + 1)}-${pad(d.getUTCDate())}T${pad(d.getUTCHours())}:${pad(d.getUTCMinutes())}`;
}

export function render(slot, ctx) {
  const id = Number(ctx.params.id);
  const role = ctx.me.user.role;
  const inspector = role === 'inspector';
  const company = role === 'company_admin' || role === 'company_staff';
  const msg = messages();
  const head = h('header', { class: 'page-head' }, h('h1', { class: 'page-title', tabindex: '-1' }, t('inspections.no', { id })));
  const body = h('div', { class: 'inspection-body' }, loading());
  fill(slot, h('section', { class: 'page page-inspection', dataset: { inspection: id } },
    h('p', { class: 'back' }, h('a', { href: '#/inspections' }, t('inspections.back'))), head, msg, body));

  const done = (x, text) => { if (text) msg.show('success', text); draw(x); };

  async function load() {
    let x;
    try {
      x = await api('GET', `/api/inspections/${id}`);
    } catch (err) {
      if (err.status === 401 || !ctx.current()) return;
      fill(body, notice('error', err.status === 404 ? t('inspections.not_found') : errorText(err)));
      slot.querySelector('.page-inspection').dataset.state = 'not-found';
      return;
    }
    if (!ctx.current()) return;
    draw(x);
  }
  // the pass mark the server judges a result by (the standard, as the inspection's answer gives it)
  let pass = null;
  // the household's contact, once the inspector has opened it on this page
  let opened = null;
  // the result form's time of the call or visit: it cannot be before the contact was opened
  let visitAt = null;

  function contactCell(x) {
    if (opened) {
      return h('span', { class: 'contact-opened' },
        opened.contact_phone ? h('a', { class: 'phone', href: `tel:${opened.contact_phone}` }, opened.contact_phone) : h('span', { class: 'muted' }, t('inspections.contact_none')),
        h('br'), h('span', { class: 'address' }, opened.address));
    }
    if (!inspector || x.status !== 'assigned') return null;
    const b = h('button', { type: 'button', class: 'btn contact-open' }, t('inspections.contact_open'));
    b.addEventListener('click', async () => {
      b.disabled = true;
      try {
        opened = await api('POST', `/api/inspections/${id}/contact`);
        // the call is made now, with the contact in hand: the form's time follows unless typed
        if (visitAt) {
          if (!visitAt.dataset.touched) visitAt.value = nowLocal();
          visitAt.min = nowLocal();
          visitAt.max = nowLocal();
        }
        // shown in place, and the opening added to the timeline, so a half-filled result stays as typed
        const cell = b.closest('dd');
        if (cell) fill(cell, contactCell(x));
        const again = await api('GET', `/api/inspections/${id}`);
        const tl = slot.querySelector('.inspection-timeline');
        if (tl && ctx.current()) tl.replaceWith(inspectionTimeline(again.timeline));
      } catch (err) {
        b.disabled = false;
        if (err.status !== 401) msg.show('error', errorText(err));
      }
    });
    return [b, h('span', { class: 'field-hint' }, t('inspections.contact_hint'))];
  }

  function resultForm(x) {
    const inds = (x.booking.category && x.booking.category.indicators) || [];
    const rows = inds.map((i) => {
      const score = input({ type: 'number', name: `score-${i.id}`, min: '0', max: '100', step: '1', inputmode: 'numeric', class: 'input input-score', required: true });
      const note = input({ name: `note-${i.id}`, maxlength: '200', placeholder: t('inspections.note_placeholder'), 'aria-label': t('inspections.note_label', { name: indicatorName(i) }) });
      return { i, score, note, el: h('div', { class: 'score-row', dataset: { indicator: i.id } },
        field({ label: indicatorName(i), control: score, name: `score-${i.id}`, hint: t('inspections.score_hint') }), note) };
    });
    const kind = radios({ legend: t('inspections.visit_kind'), name: 'visit_kind', value: 'phone', options: ['phone', 'home'].map((v) => ({ value: v, label: label('visit_kinds', v) })) });
    const at = input({ type: 'datetime-local', name: 'visited_at', value: nowLocal(), max: nowLocal() });
    at.addEventListener('input', () => { at.dataset.touched = '1'; });
    visitAt = at;
    const findings = h('textarea', { class: 'input', name: 'findings', rows: '4', maxlength: '4000' });
    // the result as the server will compute it: every indicator scored, their mean rounded down,
    // at or above the pass mark a pass
    const valid = (v) => /^\d{1,3}$/.test(v) && Number(v) <= 100;
    const computed = () => {
      const vals = rows.map((r) => r.score.value.trim());
      if (!vals.length || !vals.every(valid)) return null;
      const mean = Math.floor(vals.reduce((a, v) => a + Number(v), 0) / vals.length);
      return { mean, passed: mean >= x.pass_score };
    };
    const preview = h('p', { class: 'result-preview', 'aria-live': 'polite', dataset: { verdict: 'incomplete' } });
    const showPreview = () => {
      const c = computed();
      preview.dataset.verdict = c ? (c.passed ? 'pass' : 'fail') : 'incomplete';
      preview.dataset.score = c ? String(c.mean) : '';
      if (!c) {
        fill(preview, h('span', { class: 'muted' }, t('preview.incomplete', { n: rows.length })));
        return;
      }
      fill(preview, t('preview.mean', { n: c.mean }), ' ',
        badge(c.passed ? t('inspections.pass') : t('inspections.fail'), c.passed ? 'ok' : 'danger'),
        h('span', { class: 'muted' }, ` ${t('inspections.pass_mark', { pass: x.pass_score })}`),
        c.passed ? null : h('span', { class: 'preview-order' }, ` ${t('preview.order', { days: x.rectification_days })}`));
    };
    // a result that orders a rectification is sent only after the inspector confirms it
    const confirm = h('div', { class: 'result-confirm notice notice-warning', role: 'alertdialog', 'aria-labelledby': `confirm-${x.id}`, hidden: true });
    let confirmedFor = null;
    const f = form({ class: 'form result-form' },
      h('div', { class: 'field checklist', dataset: { field: 'scores' } },
        h('p', { class: 'field-label' }, t('inspections.scores_title', { pass: x.pass_score })),
        inds.length ? h('div', { class: 'score-rows' }, rows.map((r) => r.el)) : h('p', { class: 'muted' }, t('errors.no_indicators')),
        h('p', { class: 'field-error', hidden: true })),
      inds.length ? preview : null,
      kind,
      field({ label: t('inspections.visited_at'), control: at, name: 'visited_at' }),
      field({ label: t('inspections.findings'), control: findings, name: 'findings', wide: true }),
      confirm,
      h('div', { class: 'form-actions' }, h('button', { type: 'submit', class: 'btn btn-primary btn-big result-submit' }, t('inspections.result_submit'))));
    for (const r of rows) {
      r.score.addEventListener('input', () => {
        showPreview();
        // the scores changed: what was confirmed is not what would be sent
        confirm.hidden = true;
        confirmedFor = null;
      });
    }
    showPreview();
    const sendResult = (body) => send(f, `/api/inspections/${x.id}/result`, body,
      (y) => done(y, t(y.status === 'passed' ? 'inspections.passed_done' : 'inspections.failed_done', { score: y.score })));
    f.addEventListener('submit', (e) => {
      e.preventDefault();
      clearErrors(f);
      const scores = [];
      for (const r of rows) {
        const v = r.score.value.trim();
        if (!valid(v)) return showError(f, t('inspections.score_invalid', { name: indicatorName(r.i) }), `score-${r.i.id}`);
        const o = { indicator_id: r.i.id, score: Number(v) };
        if (r.note.value.trim()) o.note = r.note.value.trim();
        scores.push(o);
      }
      const visited = localToIso(at.value);
      if (!visited) return showError(f, t('inspections.visited_required'), 'visited_at');
      if (!findings.value.trim()) return showError(f, t('inspections.findings_required'), 'findings');
      const b = { visit_kind: kind.value(), visited_at: visited, scores, findings: findings.value.trim() };
      const c = computed();
      const key = JSON.stringify(scores);
      if (c && !c.passed && confirmedFor !== key) {
        const yes = h('button', { type: 'button', class: 'btn btn-danger confirm-submit' }, t('preview.confirm'));
        const back = h('button', { type: 'button', class: 'btn btn-secondary confirm-back' }, t('preview.back'));
        fill(confirm,
          h('p', { class: 'strong', id: `confirm-${x.id}` }, t('preview.confirm_title', { n: c.mean, pass: x.pass_score })),
          h('p', null, t('preview.confirm_text', { days: x.rectification_days })),
          h('div', { class: 'form-actions' }, yes, back));
        confirm.hidden = false;
        yes.addEventListener('click', () => {
          confirmedFor = key;
          confirm.hidden = true;
          sendResult(b);
        });
        back.addEventListener('click', () => {
          confirm.hidden = true;
          rows[0].score.focus();
        });
        yes.focus();
        return;
      }
      sendResult(b);
    });
    return f;
  }

  function answerForm(x) {
    const text = h('textarea', { class: 'input', name: 'text', rows: '4', maxlength: '4000' });
    const f = form({ class: 'form rectification-form' },
      field({ label: t('inspections.answer_label'), control: text, name: 'text', hint: t('inspections.answer_hint'), wide: true }),
      h('div', { class: 'form-actions' }, h('button', { type: 'submit', class: 'btn btn-primary' }, t('inspections.answer_submit'))));
    f.addEventListener('submit', (e) => {
      e.preventDefault();
      clearErrors(f);
      if (text.value.trim().length < 2) return showError(f, t('inspections.answer_required'), 'text');
      send(f, `/api/inspections/${x.id}/rectification`, { text: text.value.trim() }, (y) => done(y, t('inspections.answered_done')));
    });
    return f;
  }

  function verifyForm(x) {
    const verdict = radios({ legend: t('inspections.verdict'), name: 'accepted', options: [
      { value: 'yes', label: t('inspections.accept') }, { value: 'no', label: t('inspections.reject') }] });
    const note = h('textarea', { class: 'input', name: 'note', rows: '2', maxlength: '1000' });
    const f = form({ class: 'form verify-form' },
      verdict,
      field({ label: t('inspections.verify_note'), control: note, name: 'note', hint: t('inspections.verify_note_hint'), wide: true }),
      h('div', { class: 'form-actions' }, h('button', { type: 'submit', class: 'btn btn-primary' }, t('inspections.verify_submit'))));
    f.addEventListener('submit', (e) => {
      e.preventDefault();
      clearErrors(f);
      const v = verdict.value();
      if (!v) return showError(f, t('inspections.verdict_required'), 'accepted');
      if (v === 'no' && !note.value.trim()) return showError(f, t('errors.note_required'), 'note');
      const b = { accepted: v === 'yes' };
      if (note.value.trim()) b.note = note.value.trim();
      send(f, `/api/inspections/${x.id}/verify`, b, (y) => done(y, t(v === 'yes' ? 'inspections.verified_done' : 'inspections.rejected_done')));
    });
    return f;
  }

  function draw(x) {
    pass = x.pass_score;
    const page = slot.querySelector('.page-inspection');
    page.dataset.status = x.status;
    page.dataset.state = 'loaded';
    fill(head, h('h1', { class: 'page-title', tabindex: '-1' }, t('inspections.no', { id: x.id }), ' ', inspectionBadge(x.status)),
      h('p', { class: 'page-intro' }, x.company.name, ' · ', bookingLine(x.booking)));
    const b = x.booking;
    const scored = x.score !== null && x.score !== undefined;
    const result = scored ? section(t('inspections.result'),
      h('p', { class: ['inspection-score', x.score >= pass ? 'score-pass' : 'score-fail'] },
        t('inspections.score_of', { n: x.score }), ' ', badge(x.score >= pass ? t('inspections.pass') : t('inspections.fail'), x.score >= pass ? 'ok' : 'danger'),
        h('span', { class: 'muted' }, ` ${t('inspections.pass_mark', { pass })}`)),
      h('ul', { class: 'plain-list score-list' }, (x.scores || []).map((s) => h('li', { class: 'score-item', dataset: { indicator: s.indicator_id } },
        h('span', null, indicatorName(s)), h('strong', { class: 'num' }, String(s.score)),
        s.note ? h('span', { class: 'muted' }, s.note) : null))),
      facts([
        [t('inspections.visit_kind'), x.visit_kind ? label('visit_kinds', x.visit_kind) : null],
        [t('inspections.visited_at'), x.visited_at ? fmtAt(x.visited_at) : null],
        [t('inspections.recorded_at'), x.recorded_at ? fmtAt(x.recorded_at) : null],
      ]),
      x.findings ? [h('h3', { class: 'sub-title' }, t('inspections.findings')), h('p', { class: 'findings' }, x.findings)] : null) : null;
    const failed = ['rectifying', 'answered', 'verified'].includes(x.status) || (scored && x.score < pass);
    const order = failed ? section(t('inspections.order'),
      h('p', { class: ['rectify-due', x.rectify_breached ? 'late-note' : null] },
        t(x.status === 'rectifying' ? 'inspections.rectify_by' : 'inspections.rectify_due_was', { at: x.rectify_due ? fmtAt(x.rectify_due) : t('common.none') }),
        x.rectify_breached ? [' ', badge(t('inspections.overdue'), 'danger')] : null),
      x.answer ? [h('h3', { class: 'sub-title' }, t('inspections.answer')), h('p', { class: 'rectification-answer' }, x.answer),
        h('p', { class: 'muted' }, x.answered_at ? fmtAt(x.answered_at) : '')] : null,
      // the inspector's word on the last answer: while it is being worked on again, or as accepted (a
      // new answer waiting for the inspector is not judged yet; the timeline keeps every note)
      x.verify_note && x.status !== 'answered' ? h('p', { class: 'verify-note' }, h('span', { class: 'muted' }, t('inspections.verify_note_is')), x.verify_note) : null,
      x.status === 'verified' ? notice('success', t('inspections.verified_at', { at: fmtAt(x.verified_at) })) : null,
      x.status === 'rectifying' && (company || ctx.can('sampling.manage')) ? answerForm(x) : null,
      x.status === 'answered' && inspector ? verifyForm(x) : null,
      x.status === 'rectifying' && inspector ? h('p', { class: 'muted' }, t('inspections.waiting_company')) : null) : null;
    fill(body,
      x.status === 'assigned' && inspector ? section(t('inspections.score_title'), resultForm(x)) : null,
      x.status === 'assigned' && !inspector ? notice('info', t('inspections.waiting_inspector')) : null,
      order,
      result,
      h('div', { class: 'columns' },
        section(t('inspections.sample'), facts([
          [t('inspections.booking'), [h('span', { class: 'mono' }, `#${b.id} `), bookingLine(b)], 'booking'],
          [t('bookings.service'), b.service_item ? b.service_item.title : null],
          [t('bookings.customer'), b.customer ? b.customer.name : null, 'customer'],
          [t('inspections.contact'), contactCell(x), 'contact'],
          [t('bookings.worker'), x.worker ? x.worker.name : null, 'worker'],
          [t('figures.company'), x.company.name, 'company'],
          [t('plan.body'), x.inspection_body ? x.inspection_body.name : null],
          [t('inspections.inspector'), x.inspector ? x.inspector.name : null, 'inspector'],
          [t('inspections.plan'), h('a', { href: `#/sampling-plans/${x.plan.id}` }, t('plan.title', { month: x.plan.month })), 'plan'],
        ])),
        section(t('inspections.timeline'), inspectionTimeline(x.timeline))));
  }

  load();
}
