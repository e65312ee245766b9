// workforce.js — what the worker pages share, signed in and public: the trades and levels, the
// green/yellow/red "may serve now" colours, eligibility reasons in words, dates in the platform's
// zone (Asia/Shanghai, +08:00), pass rates, and groups of checkboxes.
import { h, uid } from './dom.js';
import { t, has, label, getLang } from './i18n.js';
import { api } from './api.js';
import { share } from './percent.js';

// The contract's codes, in its order; the lists the server sends (GET /api/public/trades, levels)
// are used where it answers, these where it does not.
export const TRADES = ['household', 'maternity', 'childcare', 'elderly_care', 'cleaning', 'cooking'];
export const LEVELS = ['junior', 'intermediate', 'senior', 'technician', 'senior_technician'];
export const COLOURS = ['green', 'yellow', 'red'];
export const CHECK_KINDS = ['identity', 'background', 'health', 'insurance'];
export const COURSE_KINDS = ['skill', 'safety_first_aid', 'safety_fire', 'safety_protection', 'communication',
  'privacy', 'emergency', 'ethics'];
export const CERT_STATUSES = ['valid', 'expired', 'revoked', 'renewed'];
export const PLATFORM_OFFSET = '+08:00';

const refs = new Map();
// [{ code, name_zh, name_en }] of /api/public/trades or /levels, once per page load; the
// contract's codes when the server cannot say.
export function reference(kind) {
  if (!refs.has(kind)) {
    const fallback = (kind === 'trades' ? TRADES : LEVELS).map((code) => ({ code }));
    refs.set(kind, api('GET', `/api/public/${kind}`)
      .then((r) => (r && Array.isArray(r.items) && r.items.length ? r.items : fallback))
      .catch(() => fallback));
  }
  return refs.get(kind);
}

// A code's name: the catalog's, else the server's name in the current language, else the code.
function named(prefix, code, item) {
  if (has(`${prefix}.${code}`)) return label(prefix, code);
  if (item) return (getLang() === 'en' ? item.name_en : item.name_zh) || item.name_zh || code;
  return String(code ?? '');
}
export const tradeName = (code, item) => named('trades', code, item);
export const levelName = (code, item) => named('levels', code, item);
export const tradeList = (codes) => (codes || []).map((c) => tradeName(c)).join(getLang() === 'en' ? ', ' : '、');

// A coloured dot with its word (可服务 / 需关注 / 不可服务): the colour is never the only sign.
export function colour(c, text) {
  const known = COLOURS.includes(c) ? c : 'none';
  return h('span', { class: `status status-${known}`, dataset: { status: known } },
    h('span', { class: 'dot', 'aria-hidden': 'true' }), text || label('colours', c || 'none'));
}

// A trade with the dot of its own colour.
export function tradeColour(trade, c) {
  const known = COLOURS.includes(c) ? c : 'none';
  return h('span', { class: `trade-chip status-${known}`, dataset: { trade, status: known },
    title: `${tradeName(trade)}: ${label('colours', known)}` },
  h('span', { class: 'dot', 'aria-hidden': 'true' }), tradeName(trade),
  h('span', { class: 'visually-hidden' }, t('common.paren', { text: label('colours', known) })));
}

// "2026-11-28" of a date or time.
export function fmtDate(v) {
  const m = /^\d{4}-\d{2}-\d{2}/.exec(v || '');
  return m ? m[0] : (v || '');
}

// Today in the platform's zone, as "YYYY-MM-DD".
export function today() {
  return new Date(Date.now() + 8 * 3600 * 1000).toISOString().slice(0, 10);
}

// The quarter of a date "2026-11-28" → "2026-Q4"; shift moves by whole quarters.
export function quarterOf(date, shift = 0) {
  const y = Number(date.slice(0, 4));
  const q = Math.floor((Number(date.slice(5, 7)) - 1) / 3) + shift;
  const yy = y + Math.floor(q / 4);
  return `${yy}-Q${((q % 4) + 4) % 4 + 1}`;
}

// A datetime-local value "2026-12-01T09:00" as ISO 8601 in the platform's zone.
export function localToIso(v) {
  if (!/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2})?$/.test(v || '')) return null;
  return `${v.length === 16 ? `${v}:00` : v}${PLATFORM_OFFSET}`;
}

// The same the other way round, for a form's initial value.
export function isoToLocal(iso) {
  const m = /^(\d{4}-\d{2}-\d{2}T\d{2}:\d{2})/.exec(iso || '');
  return m ? m[1] : '';
}

// "97.5% (39/40)": the pass rate as every share is shown (percent.js); the "none examined" words
// when nobody was examined. Whether it meets the target is judged from the counts (meetsTarget).
export function fmtRate(passed, examined) {
  return share(passed, examined) ?? t('rates.none_examined');
}

// Whether passed/examined reaches num/den, in integers.
export function meetsTarget(passed, examined, target) {
  if (!examined) return true;
  const num = target && target.num !== undefined ? target.num : 98;
  const den = target && target.den ? target.den : 100;
  return passed * den >= num * examined;
}

// What a reason's or an error's detail says, in words: a course, a list, have/need of credits.
export function fmtDetail(d) {
  if (d === null || d === undefined || d === '') return '';
  const sep = getLang() === 'en' ? ', ' : '、';
  if (Array.isArray(d)) return d.map(fmtDetail).filter(Boolean).join(sep);
  if (typeof d === 'object') {
    if ('have' in d && 'need' in d) return t('certs.have_need', { have: d.have, need: d.need });
    if (d.code || d.title) return [d.code, d.title].filter(Boolean).join(' ');
    if (d.kind) return label('course_kinds', d.kind);
    return Object.values(d).filter((v) => v !== null && typeof v !== 'object').join(' ');
  }
  const text = String(d);
  // "0/8": credits earned / needed (a renewal)
  const m = /^(\d+)\/(\d+)$/.exec(text);
  if (m) return t('certs.have_need', { have: m[1], need: m[2] });
  // "safety_first_aid,safety_fire": the course kinds still missing
  if (text.includes(',')) return text.split(',').map((x) => fmtDetail(x.trim())).filter(Boolean).join(sep);
  if (has(`course_kinds.${text}`)) return label('course_kinds', text);
  return text;
}

// One eligibility reason in words: the catalog's sentence for its code, with its date and detail.
export function reasonText(r) {
  const code = typeof r === 'string' ? r : r.code;
  const date = r && r.date ? fmtDate(r.date) : '';
  let text;
  if (date && has(`eligibility.dated.${code}`)) text = t(`eligibility.dated.${code}`, { date });
  else if (has(`eligibility.reasons.${code}`)) text = t(`eligibility.reasons.${code}`) + (date ? ` (${date})` : '');
  else text = (r && r.message) || code;
  const detail = r && typeof r === 'object' ? fmtDetail(r.detail) : '';
  return detail ? t('eligibility.with_detail', { text, detail }) : text;
}

// A list of reasons, each marked red (may not serve) or yellow (may serve, attention).
export function reasonList(reasons) {
  return h('ul', { class: 'reasons' }, (reasons || []).map((r) => {
    const sev = (r && r.severity) || 'red';
    return h('li', { class: `reason reason-${sev}`, dataset: { code: typeof r === 'string' ? r : r.code } },
      h('span', { class: 'visually-hidden' }, `${label('severities', sev)}: `), reasonText(r));
  }));
}

// A labelled group of checkboxes (a fieldset); .values() gives the ticked ones, .set(list) ticks.
// name is the API field the errors name (showError finds its .field-error).
export function choices({ legend, name, options, values = [], hint }) {
  const errId = uid('err');
  const hintId = hint ? uid('hint') : null;
  const boxes = options.map((o) => h('input', {
    type: 'checkbox', value: o.value, checked: values.includes(o.value), name,
    'aria-describedby': [hintId, errId].filter(Boolean).join(' '),
  }));
  const wrap = h('fieldset', { class: 'field field-wide choices', dataset: name ? { field: name } : undefined },
    h('legend', { class: 'field-label' }, legend),
    h('div', { class: 'choice-list' }, options.map((o, i) => h('label', { class: 'choice' }, boxes[i], h('span', null, o.label)))),
    hint ? h('p', { class: 'field-hint', id: hintId }, hint) : null,
    h('p', { class: 'field-error', id: errId, hidden: true }));
  wrap.values = () => boxes.filter((b) => b.checked).map((b) => b.value);
  wrap.set = (list) => boxes.forEach((b) => { b.checked = list.includes(b.value); });
  return wrap;
}

// A checkbox with its label beside it.
export function checkbox(text, attrs = {}) {
  const box = h('input', { type: 'checkbox', ...attrs });
  const wrap = h('label', { class: 'choice' }, box, h('span', null, text));
  wrap.box = box;
  return wrap;
}

// The API field an error code belongs to when the server names none.
const FIELD_OF = {
  invalid_id_number: 'id_number', already_registered: 'id_number', person_revoked: 'id_number',
  name_mismatch: 'name', invalid_phone: 'phone', invalid_date: 'experience_since',
  date_in_future: 'checked_on', invalid_validity: 'valid_until', trade_required: 'trade',
  trade_not_allowed: 'trade', code_taken: 'code', invalid_period: 'ends_at',
};
export function errorField(err) {
  return (err && err.field) || (err && FIELD_OF[err.code]) || null;
}
