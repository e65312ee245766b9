// pages/complaint-figures.js — #/complaint-figures, public and signed in: a month's complaint
// handling (GET /api/public/complaint-figures?month=…), the industry first, then every company:
// complaints received, the share first answered within the feedback time and the share resolved
// in time (each of those whose time has come, with its counts), upheld and partly upheld,
// escalated, what the resolutions came to (accepted, reopened, closed unanswered), the handling's
// rating with how many were asked and how many rated, compensation paid by the company's side and
// confirmed (recorded but unconfirmed apart), the association's advances apart with what it
// recovered, claims disputed, spot checks done and passed — against the standards' hours. Below,
// the sampling plans the spot checks were drawn by, each leading to its page, where anyone can
// recompute the draw.
import { h, fill } from '../dom.js';
import { t } from '../i18n.js';
import { api, errorText } from '../api.js';
import { pageHead, loading, empty, notice, table, field, select, section } from '../ui.js';
import { fmtShare, fmtMoney, lastMonths } from '../services.js';

// The figures' standards line: "首次反馈 48 小时内 · 处理完结 7 天内 · 提问最多暂停 72 小时、2 次 · 抽查 80 分合格".
export function targets(sd) {
  const s = sd || {};
  return t('figures.targets', {
    hours: s.complaint_feedback_hours ?? 48, days: s.complaint_resolve_days ?? 7, score: s.spot_check_pass_score ?? 80,
    pause: s.complaint_pause_max_hours ?? 72, pauses: s.complaint_pauses_max ?? 2,
  });
}

// Compensation: what the company's side paid and the customer (or the payer's proof) confirmed; what
// it recorded that nobody confirmed; the association's own advances apart, with what it got back.
export const paidText = (x) => fmtMoney(x.compensation_paid_fen || 0);
export const unconfirmedText = (x) => (x.claims_unconfirmed ? fmtMoney(x.compensation_unconfirmed_fen || 0) : t('common.none'));
export const advancedText = (x) => (x.claims_advanced || x.compensation_recovered_fen
  ? t('figures.advanced_value', { advanced: fmtMoney(x.compensation_advanced_fen || 0), recovered: fmtMoney(x.compensation_recovered_fen || 0) })
  : t('common.none'));
// Claims disputed, and of them those the association raised above the company's decision.
export const disputedText = (x) => (x.claims_disputed ? t('figures.disputed_value', { n: x.claims_disputed, raised: x.claims_raised_on_dispute ?? 0 }) : '0');
export const spotText = (x) => (x.spot_checks ? t('figures.spot_value', { passed: x.spot_checks_passed, done: x.spot_checks }) : t('common.none'));
export const findingsText = (x) => t('figures.findings_value', { upheld: x.upheld, partly: x.partly_upheld });
export const outcomesText = (x) => t('figures.outcomes_value', { accepted: x.accepted ?? 0, reopened: x.reopened ?? 0, lapsed: x.lapsed ?? 0 });
// The mean rating beside how many customers were asked (resolved at least once) and how many rated;
// short: "4.2（7/9）" for a table's cell.
export const ratingText = (x, short = false) => (x.rating_asked ? t(short ? 'figures.rating_short' : 'figures.rating_value', {
  avg: x.rated ? (x.rating_total / x.rated).toFixed(1) : t('common.none'), rated: x.rated ?? 0, asked: x.rating_asked,
}) : t('common.none'));

export function render(slot, ctx) {
  const months = lastMonths(12);
  let month = months.includes(ctx.query.get('month')) ? ctx.query.get('month') : months[0];
  const mSel = select(months.map((m) => ({ value: m, label: m })), { name: 'month', value: month });
  const out = h('div', { class: 'figures-out' }, loading());
  mSel.addEventListener('change', () => {
    month = mSel.value;
    ctx.setQuery({ month: month === months[0] ? '' : month });
    load();
  });
  const filters = h('form', { class: 'filters figures-filters', role: 'search', 'aria-label': t('common.filters') },
    field({ label: t('satisfaction.month'), control: mSel }));
  filters.addEventListener('submit', (e) => e.preventDefault());

  const stat = (key, value, sub) => h('div', { class: 'figure', dataset: { figure: key } },
    h('p', { class: 'figure-label' }, t(`figures.${key}`)),
    h('p', { class: 'figure-value' }, value),
    sub ? h('p', { class: 'figure-sub muted' }, sub) : null);

  async function load() {
    fill(out, loading());
    try {
      const r = await api('GET', '/api/public/complaint-figures', { query: { month } });
      if (!ctx.current()) return;
      const i = r.industry || {};
      const hours = (r.standards && r.standards.complaint_feedback_hours) ?? 48;
      const industry = h('div', { class: 'figures-industry', dataset: { month: r.month } },
        h('p', { class: 'rate-label' }, t('figures.industry', { month: r.month || month })),
        h('div', { class: 'figure-grid' },
          stat('received', String(i.received ?? 0)),
          stat('feedback_in_time', fmtShare(i.feedback_in_time, i.feedback_settled), t('figures.within_hours', { hours })),
          stat('resolved_in_time', fmtShare(i.resolved_in_time, i.resolve_settled)),
          stat('findings', findingsText(i)),
          stat('escalated', String(i.escalated ?? 0)),
          stat('outcomes', outcomesText(i)),
          stat('rating', ratingText(i)),
          stat('compensation', paidText(i), t((i.claims_paid ?? 0) === 1 ? 'figures.claims_paid_one' : 'figures.claims_paid', { n: i.claims_paid ?? 0 })),
          stat('unconfirmed', unconfirmedText(i), i.claims_unconfirmed ? t('figures.claims_paid', { n: i.claims_unconfirmed }) : null),
          stat('advanced', advancedText(i), i.claims_advanced ? t('figures.claims_paid', { n: i.claims_advanced }) : null),
          stat('disputed', disputedText(i), t('figures.disputed_sub')),
          stat('spot_checks', spotText(i))),
        h('p', { class: 'figures-targets' }, targets(r.standards)),
        // what the service centre has still to check, for the whole industry only
        h('p', { class: 'figures-unverified', dataset: { waiting: i.awaiting_verification ?? 0 } },
          h('strong', null, t('figures.awaiting_verification')), ' ',
          t('figures.awaiting_value', { n: i.awaiting_verification ?? 0, late: i.verification_overdue ?? 0, rejected: i.verification_rejected ?? 0 }),
          h('span', { class: 'muted' }, ` · ${t('figures.awaiting_note')}`)));
      const rows = (r.items || []).slice().sort((a, b) => (b.received - a.received) || (a.company.id - b.company.id));
      fill(out, industry, rows.length ? table({
        caption: t('figures.per_company'),
        columns: [
          { label: t('figures.company'), cell: (x) => h('a', { href: `#/companies/${x.company.id}`, class: 'strong' }, x.company.name) },
          { label: t('figures.received'), class: 'num fig-received', cell: (x) => String(x.received) },
          { label: t('figures.feedback_col', { hours }), class: 'num nowrap fig-feedback', cell: (x) => fmtShare(x.feedback_in_time, x.feedback_settled) },
          { label: t('figures.resolved_in_time'), class: 'num nowrap fig-resolved', cell: (x) => fmtShare(x.resolved_in_time, x.resolve_settled) },
          { label: t('figures.findings'), class: 'num fig-findings', cell: (x) => findingsText(x) },
          { label: t('figures.escalated'), class: 'num fig-escalated', cell: (x) => String(x.escalated) },
          { label: t('figures.outcomes'), class: 'num nowrap fig-outcomes', cell: (x) => outcomesText(x) },
          { label: t('figures.rating'), class: 'num nowrap fig-rating', cell: (x) => ratingText(x, true) },
          { label: t('figures.compensation'), class: 'num nowrap fig-compensation', cell: (x) => paidText(x) },
          { label: t('figures.advanced'), class: 'num nowrap fig-advanced', cell: (x) => advancedText(x) },
          { label: t('figures.disputed'), class: 'num nowrap fig-disputed', cell: (x) => disputedText(x) },
          { label: t('figures.spot_checks'), class: 'num fig-spot', cell: (x) => spotText(x) },
        ],
        rows,
        rowAttrs: (x) => ({ dataset: { company: x.company.id, received: x.received, upheld: x.upheld, reopened: x.reopened, lapsed: x.lapsed, rated: x.rated, asked: x.rating_asked, paid: x.compensation_paid_fen, advanced: x.compensation_advanced_fen, disputed: x.claims_disputed } }),
      }) : empty(t('figures.empty')), h('p', { class: 'muted public-note' }, t('figures.note')));
    } catch (err) {
      if (err.status !== 401 && ctx.current()) fill(out, notice('error', errorText(err)));
    }
  }

  // the plans, newest first: a line each, to its public page
  const plans = h('div', { class: 'plans-out' }, loading());
  (async () => {
    try {
      const r = await api('GET', '/api/public/sampling-plans', { query: { per_page: 24 } });
      if (!ctx.current()) return;
      fill(plans, r.items.length ? h('ul', { class: 'plain-list public-plans' }, r.items.map((p) => h('li', { dataset: { plan: p.id } },
        h('a', { href: `#/sampling-plans/${p.id}` }, t('plan.title', { month: p.month })),
        h('span', { class: 'muted' }, ` · ${t('figures.plan_line', { body: p.inspection_body ? p.inspection_body.name : '', drawn: p.drawn, population: p.population })}`))))
        : empty(t('sampling.empty')));
    } catch (err) {
      if (ctx.current()) fill(plans, notice('error', errorText(err)));
    }
  })();

  fill(slot, h('section', { class: 'page page-complaint-figures' },
    pageHead(t('nav.complaint_figures'), t('figures.intro')),
    filters, section(t('figures.title'), out),
    section(t('figures.plans_title'), h('p', { class: 'muted' }, t('figures.plans_intro')), plans)));
  load();
}
