// pages/satisfaction.js — #/satisfaction, public and signed in: a month's customer satisfaction
// (GET /api/public/satisfaction): satisfied reviews (4 or 5 stars) over reviews, across the
// industry and per company, "94.1% (96/102)", against the 95% target, with the response rate
// (reviews over completed bookings) beside it, and punctuality (on-time check-ins) where the API
// gives it.
import { h, fill } from '../dom.js';
import { t } from '../i18n.js';
import { api, errorText } from '../api.js';
import { pageHead, loading, empty, notice, table, field, select, section, badge } from '../ui.js';
import { fmtShare, fmtTarget, meets, lastMonths } from '../services.js';

const pctOf = (target) => fmtTarget(target);

export function render(slot, ctx) {
  const months = lastMonths(12);
  // the month shown lives in the address (#/satisfaction?month=…)
  let month = months.includes(ctx.query.get('month')) ? ctx.query.get('month') : months[0];
  const mSel = select(months.map((m) => ({ value: m, label: m })), { name: 'month', value: month });
  const out = h('div', { class: 'satisfaction-out' }, loading());
  const filters = h('form', { class: 'filters', role: 'search', 'aria-label': t('common.filters') },
    field({ label: t('satisfaction.month'), control: mSel }),
    h('div', { class: 'filters-actions' }, h('button', { type: 'submit', class: 'btn btn-primary' }, t('common.search'))));
  filters.addEventListener('submit', (e) => {
    e.preventDefault();
    month = mSel.value;
    ctx.setQuery({ month: month === months[0] ? '' : month });
    load();
  });

  const mark = (ok) => (ok
    ? badge(t('satisfaction.meets'), 'ok')
    : h('span', { class: 'badge badge-danger below-target' }, h('span', { 'aria-hidden': 'true' }, '▼ '), t('satisfaction.below')));

  async function load() {
    fill(out, loading());
    try {
      const r = await api('GET', '/api/public/satisfaction', { query: { month } });
      if (!ctx.current()) return;
      const target = r.target || { num: 95, den: 100 };
      const pct = pctOf(target);
      const i = r.industry || { reviewed: 0, satisfied: 0, completed: 0 };
      const ok = meets(i.satisfied, i.reviewed, target);
      const overall = h('div', { class: ['rate-overall', i.reviewed && !ok ? 'rate-below' : null, !i.reviewed ? 'rate-none' : null], dataset: { meets: String(ok) } },
        h('p', { class: 'rate-label' }, t('satisfaction.industry', { month: r.month || month })),
        h('p', { class: 'rate-value industry-value' }, i.reviewed ? fmtShare(i.satisfied, i.reviewed) : t('satisfaction.no_reviews')),
        h('p', { class: 'rate-target' }, t('satisfaction.target', { pct }), ' ', i.reviewed ? mark(ok) : null),
        h('p', { class: 'rate-response' }, t('satisfaction.response', { rate: fmtShare(i.reviewed, i.completed) })),
        i.checked_in !== undefined ? h('p', { class: 'rate-response rate-punctuality' },
          t('satisfaction.punctuality', { rate: fmtShare(i.on_time, i.checked_in), pct: pctOf(r.punctuality_target || { num: 98, den: 100 }) })) : null);
      const rows = (r.companies || []).slice().sort((a, b) => (b.reviewed ? b.satisfied / b.reviewed : -1) - (a.reviewed ? a.satisfied / a.reviewed : -1));
      fill(out, overall, rows.length ? table({
        caption: t('satisfaction.per_company'),
        columns: [
          { label: t('satisfaction.company'), cell: (c) => h('span', { class: 'strong' }, c.company ? c.company.name : '') },
          { label: t('satisfaction.rate'), class: 'nowrap num sat-rate', cell: (c) => (c.reviewed ? fmtShare(c.satisfied, c.reviewed) : t('satisfaction.no_reviews')) },
          { label: t('satisfaction.versus_target', { pct }), cell: (c) => (c.reviewed ? mark(c.meets_target ?? meets(c.satisfied, c.reviewed, target)) : t('common.none')) },
          { label: t('satisfaction.response_col'), class: 'nowrap num sat-response', cell: (c) => fmtShare(c.reviewed, c.completed) },
          ...(rows.some((c) => c.checked_in !== undefined) ? [{
            label: t('satisfaction.punctuality_col'), class: 'nowrap num sat-punctuality',
            cell: (c) => (c.checked_in === undefined ? t('common.none') : fmtShare(c.on_time, c.checked_in)),
          }] : []),
        ],
        rows,
        rowAttrs: (c) => {
          const good = c.meets_target ?? meets(c.satisfied, c.reviewed, target);
          return { class: c.reviewed && !good ? 'row-below' : null, dataset: { company: c.company ? c.company.id : '', meets: String(Boolean(good)) } };
        },
      }) : empty(t('satisfaction.empty')));
    } catch (err) {
      if (err.status !== 401 && ctx.current()) fill(out, notice('error', errorText(err)));
    }
  }

  fill(slot, h('section', { class: 'page page-satisfaction' },
    pageHead(t('nav.satisfaction'), t('satisfaction.intro')),
    filters, section(t('satisfaction.title'), out)));
  load();
}
