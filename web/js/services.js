// services.js — what the service and booking pages share, signed in and public: categories and
// their names per language, units and prices (fen in the API, yuan on screen), districts, the
// wanted time window in the platform's zone, booking statuses, ratings and satisfaction shares,
// star inputs, and booking errors in words (with the "may serve now" reasons).
import { h, uid } from './dom.js';
import { t, label, getLang } from './i18n.js';
import { api, errorText } from './api.js';
import { reasonList, PLATFORM_OFFSET } from './workforce.js';
import { share, percentNumber } from './percent.js';

export const UNITS = ['hour', 'visit', 'day', 'month'];
export const PHASES = ['pre', 'in', 'post'];
export const BOOKING_STATUSES = ['requested', 'confirmed', 'checked_in', 'completed', 'reviewed', 'cancelled', 'no_show'];
export const LIVE_STATUSES = ['requested', 'confirmed', 'checked_in'];
export const RESULTS = ['pass', 'fail', 'na'];
export const SORTS = ['rating', 'price', 'experience'];
export const DIMENSIONS = ['overall', 'punctuality', 'skill', 'attitude', 'hygiene'];
// 杭州's districts as the organisations' records spell them; the catalog names them per language.
export const DISTRICTS = [
  ['上城区', 'shangcheng'], ['拱墅区', 'gongshu'], ['西湖区', 'xihu'], ['滨江区', 'binjiang'],
  ['萧山区', 'xiaoshan'], ['余杭区', 'yuhang'],
];
export const districtName = (d) => {
  const found = DISTRICTS.find(([zh]) => zh === d);
  return found ? label('districts', found[1]) : String(d ?? '');
};

// ---- categories ----
let cats = null;
// The active categories (GET /api/public/categories, the whole list in one answer), once per page
// load; all of them (inactive too) with all=true, asked afresh each time.
export function categories({ all = false } = {}) {
  if (all) return api('GET', '/api/public/categories', { query: { all: 'true' } }).then((r) => r.items || []);
  if (!cats) {
    cats = api('GET', '/api/public/categories')
      .then((r) => (r && Array.isArray(r.items) ? r.items : []))
      .catch((err) => { cats = null; throw err; });
  }
  return cats;
}
export function forgetCategories() { cats = null; }

// A category's name in the current language (the server's names; the code when it has none).
export function catName(c) {
  if (!c) return '';
  return (getLang() === 'en' ? c.name_en || c.name_zh : c.name_zh || c.name_en) || c.code || '';
}
// A checklist item's text in the current language.
export function itemText(i) {
  if (!i) return '';
  return (getLang() === 'en' ? i.text_en || i.text : i.text || i.text_en) || '';
}

// ---- money: fen in the API, yuan on screen ----
export function fmtMoney(fen) {
  if (fen === null || fen === undefined || Number.isNaN(Number(fen))) return t('common.none');
  const n = Math.round(Number(fen));
  const sign = n < 0 ? '-' : '';
  const a = Math.abs(n);
  return `${sign}¥${Math.floor(a / 100)}.${String(a % 100).padStart(2, '0')}`;
}
export const unitName = (u) => label('units', u);
// "¥45.00/小时"
// "3 小时", "1 次", "3 天" of a quantity in hundredths of its unit (a booking's quantity_centi).
export function quantityText(unit, centi) {
  const n = Number(centi) / 100;
  return t(`fee.quantity_${unit}`, { n: Number.isInteger(n) ? String(n) : n.toFixed(1) });
}
export const fmtPrice = (fen, unit) => (unit ? t('money.per_unit', { price: fmtMoney(fen), unit: unitName(unit) }) : fmtMoney(fen));
// "¥30.00–¥80.00"
export const fmtRange = (min, max) => t('money.range', { min: fmtMoney(min), max: fmtMoney(max) });

// "45", "45.5", "45.50" (yuan) → 4550 (fen); null when it is not an amount of at most two decimals.
export function yuanToFen(text) {
  const m = /^\s*(\d{1,7})(?:\.(\d{1,2}))?\s*$/.exec(String(text ?? ''));
  if (!m) return null;
  return Number(m[1]) * 100 + Number((m[2] || '').padEnd(2, '0'));
}
// 4550 → "45.50", for a form's initial value.
export function fenToYuan(fen) {
  if (fen === null || fen === undefined) return '';
  const n = Math.round(Number(fen));
  return `${Math.floor(n / 100)}.${String(n % 100).padStart(2, '0')}`;
}
// A price guide's "min-max" (error.detail of price_outside_guide) → { min, max } in fen, or null.
export function guideOf(detail) {
  const m = /^(\d+)\s*-\s*(\d+)$/.exec(String(detail ?? ''));
  return m ? { min: Number(m[1]), max: Number(m[2]) } : null;
}

// ---- time: the platform's wall clock (+08:00) ----
const pad = (n) => String(n).padStart(2, '0');
// A wall-clock Date (its UTC fields read as the platform's time) → "YYYY-MM-DDTHH:MM:00+08:00".
function wallIso(d) {
  return `${d.getUTCFullYear()}-${pad(d.getUTCMonth() + 1)}-${pad(d.getUTCDate())}T${pad(d.getUTCHours())}:${pad(d.getUTCMinutes())}:00${PLATFORM_OFFSET}`;
}
// The platform's wall clock now, shifted by minutes, as a Date whose UTC fields are that time.
export function wallNow(minutes = 0) {
  return new Date(Date.now() + (8 * 60 + minutes) * 60000);
}
export const dateOf = (d) => `${d.getUTCFullYear()}-${pad(d.getUTCMonth() + 1)}-${pad(d.getUTCDate())}`;
export const addDays = (date, n) => {
  const d = new Date(`${date}T00:00:00Z`);
  d.setUTCDate(d.getUTCDate() + n);
  return dateOf(d);
};
// date "2026-12-01", time "09:00", hours 2.5 → { from, to } in ISO 8601 with +08:00, or null.
export function windowIso(date, time, hours) {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(date || '') || !/^\d{2}:\d{2}$/.test(time || '')) return null;
  const hrs = Number(hours);
  if (!(hrs > 0)) return null;
  const start = new Date(`${date}T${time}:00Z`);
  if (Number.isNaN(start.getTime())) return null;
  const end = new Date(start.getTime() + Math.round(hrs * 60) * 60000);
  return { from: wallIso(start), to: wallIso(end) };
}
// The window a form's controls describe for unit: by the day from the first day's start to the last
// day's end; otherwise from the start for the hours chosen. { from, to } or null.
export function bookingWindow(unit, { date, time, hours, days, dayEnd }) {
  if (unit !== 'day') return windowIso(date, time, hours);
  const first = windowIso(date, time, 1);
  const last = windowIso(addDays(date, Number(days) - 1), dayEnd, 1);
  if (!first || !last || Date.parse(last.from) <= Date.parse(first.from)) return null;
  return { from: first.from, to: last.from };
}
// ISO with any offset → { date, time } on the platform's wall clock.
export function wallParts(iso) {
  const ms = Date.parse(iso || '');
  if (Number.isNaN(ms)) return { date: '', time: '' };
  const d = new Date(ms + 8 * 3600 * 1000);
  return { date: dateOf(d), time: `${pad(d.getUTCHours())}:${pad(d.getUTCMinutes())}` };
}
// The hours between two ISO times (for a form's "how long").
export function hoursBetween(from, to) {
  const a = Date.parse(from || '');
  const b = Date.parse(to || '');
  return Number.isNaN(a) || Number.isNaN(b) || b <= a ? null : Math.round(((b - a) / 3600000) * 100) / 100;
}
// "09:00–11:00" (same day) or "2026-12-01 22:00 – 2026-12-02 02:00".
export function fmtWindow(from, to, { withDate = true } = {}) {
  const a = wallParts(from);
  const b = wallParts(to);
  if (!a.date) return t('common.none');
  if (a.date === b.date) return withDate ? `${a.date} ${a.time}–${b.time}` : `${a.time}–${b.time}`;
  return `${a.date} ${a.time} – ${b.date} ${b.time}`;
}
// "2026-11-28 09:03" of any ISO time, on the platform's clock.
export function fmtAt(iso) {
  const p = wallParts(iso);
  return p.date ? `${p.date} ${p.time}` : (iso || '');
}
export const MONTH_RE = /^\d{4}-\d{2}$/;
// The last n months, newest first: ["2026-11", "2026-10", …].
export function lastMonths(n) {
  const now = wallNow();
  const out = [];
  let y = now.getUTCFullYear();
  let m = now.getUTCMonth() + 1;
  for (let i = 0; i < n; i += 1) {
    out.push(`${y}-${pad(m)}`);
    m -= 1;
    if (m === 0) { m = 12; y -= 1; }
  }
  return out;
}

// ---- statuses, ratings, shares ----
const STATUS_KIND = {
  requested: 'warn', confirmed: 'brand', checked_in: 'brand', completed: 'ok', reviewed: 'ok',
  cancelled: 'muted', no_show: 'danger',
};
export function statusBadge(s) {
  return h('span', { class: `badge badge-${STATUS_KIND[s] || 'neutral'} booking-status`, dataset: { status: s } },
    label('booking_statuses', s));
}
// "★ 4.8 · 35 条评价", or "暂无评价".
export function fmtRating(r) {
  if (!r || !r.count) return t('rating.none');
  return t(r.count === 1 ? 'rating.value_one' : 'rating.value', { avg: Number(r.average).toFixed(1), n: r.count });
}
export function rating(r) {
  return h('span', { class: ['rating', r && r.count ? null : 'rating-none'] }, fmtRating(r));
}
// What was recorded against the worker (or a company) over twelve months: upheld complaints and
// failed spot checks, as counts.
export function conductText(c) {
  if (!c) return null;
  const n = c.complaints_upheld + c.complaints_partly_upheld + c.spot_checks_failed;
  return n ? t('public_worker.conduct_value', { upheld: c.complaints_upheld, partly: c.complaints_partly_upheld, failed: c.spot_checks_failed })
    : t('public_worker.conduct_none');
}

// A service item's title in the page's language: the English title where the company gave one,
// the Chinese title otherwise.
export function itemTitle(it) {
  if (!it) return '';
  return getLang() === 'en' && it.title_en ? it.title_en : (it.title || '');
}

// "96.0% (48/50)": the share rounded half up to one decimal with its counts (percent.js); "—" with
// none. Whether a share meets its target is judged from the counts (meets), never from the rounding.
export function fmtShare(part, whole) {
  return share(part, whole) ?? t('common.none');
}
// "95.0": a target {num, den} as the same one-decimal number, for "{pct}%" in the catalog.
export function fmtTarget(target, fallback = { num: 95, den: 100 }) {
  const x = target && target.den ? target : fallback;
  return percentNumber(x.num, x.den);
}
export function meets(part, whole, target) {
  if (!whole) return true;
  const num = target && target.num !== undefined ? target.num : 95;
  const den = target && target.den ? target.den : 100;
  return part * den >= num * whole;
}
export const maskedWorker = (w) => (w ? w.masked_name || w.name || '' : '');

// ---- errors ----
// The "may serve now" reasons of a refusal (worker_not_eligible, requirements_unmet), wherever the
// answer puts them.
export function reasonsOf(err) {
  const b = (err && err.body) || {};
  const list = (b.error && b.error.reasons) || b.reasons || [];
  return Array.isArray(list) ? list : [];
}
// A refused booking or service write in words: the code's text (or the page's own, from
// overrides: { code: catalog key }), the guide of a price outside it, the reasons a worker may not
// serve. A string, or nodes when there are reasons.
export function failureText(err, overrides = {}) {
  let text = err && overrides[err.code] ? t(overrides[err.code]) : errorText(err);
  if (err && err.code === 'price_outside_guide') {
    const g = guideOf(err.detail);
    if (g) text = t('services.outside_guide', { range: fmtRange(g.min, g.max) });
  }
  const reasons = reasonsOf(err);
  return reasons.length ? [h('p', null, text), reasonList(reasons)] : text;
}
// The form field an error of these pages belongs to when the server names none.
const FIELD_OF = {
  start_in_past: 'start', invalid_period: 'end', price_outside_guide: 'price_fen', no_price_guide: 'unit',
  category_inactive: 'category_id', invalid_range: 'max_fen', code_taken: 'code', indicator_unknown: 'indicator',
  login_taken: 'login', invalid_phone: 'phone', already_reviewed: 'overall',
};
export function fieldOf(err) {
  if (!err) return null;
  if (err.code === 'checklist_incomplete') return 'items';
  return err.field || FIELD_OF[err.code] || null;
}

// ---- inputs ----
// 1–5 stars as five radio buttons (keyboard: arrows; each star says its number); .value() → 0–5.
export function stars({ legend, name, value = 0 }) {
  const errId = uid('err');
  const boxes = [1, 2, 3, 4, 5].map((n) => h('input', {
    type: 'radio', name, value: String(n), class: 'star-input', checked: n === value, 'aria-describedby': errId,
  }));
  const said = h('span', { class: 'stars-said', 'aria-hidden': 'true' });
  const say = () => {
    const v = boxes.findIndex((b) => b.checked) + 1;
    said.textContent = v ? t(`review.said.${v}`) : '';
  };
  boxes.forEach((b) => b.addEventListener('change', say));
  const wrap = h('fieldset', { class: 'field stars', dataset: { field: name } },
    h('legend', { class: 'field-label' }, legend),
    h('div', { class: 'stars-row' },
      boxes.map((b, i) => h('label', { class: 'star' }, b,
        h('span', { class: 'star-icon', 'aria-hidden': 'true' }, '★'),
        h('span', { class: 'visually-hidden' }, t(i ? 'review.n_stars' : 'review.one_star', { n: i + 1 })))),
      said),
    h('p', { class: 'field-error', id: errId, hidden: true }));
  say();
  wrap.value = () => boxes.findIndex((b) => b.checked) + 1;
  return wrap;
}

// One choice among a few (pass/fail/n.a., yes/no) as radio buttons in a fieldset.
export function radios({ legend, name, options, value = null, cls = '' }) {
  const boxes = options.map((o) => h('input', { type: 'radio', name, value: o.value, checked: o.value === value }));
  const wrap = h('fieldset', { class: ['radios', cls], dataset: { field: name } },
    h('legend', { class: 'radios-legend' }, legend),
    h('div', { class: 'radio-list' }, options.map((o, i) => h('label', { class: ['radio', `radio-${o.value}`] }, boxes[i], h('span', null, o.label)))));
  wrap.value = () => { const b = boxes.find((x) => x.checked); return b ? b.value : null; };
  return wrap;
}

// The platform's standards that these pages need (tolerance for late check-ins, the target).
let stds = null;
export function standards() {
  if (!stds) stds = api('GET', '/api/public/standards').catch(() => ({}));
  return stds;
}
