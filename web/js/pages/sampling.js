// pages/sampling.js — #/sampling (sampling.manage, the association): the monthly sampling plans the
// deadline job makes and draws (GET /api/public/sampling-plans), newest first. Nobody makes or draws
// one here: each month's plan is made at the month's start with its seed's commitment published,
// and drawn on the standards' day of the next month from the seed it then reveals. A drawn plan's
// draw per company (population, drawn, the sampled bookings) shows here, with the public page that
// checks it. The share, minimum and draw day are standards (#/standards), for the plans to come.
import { h, fill } from '../dom.js';
import { t } from '../i18n.js';
import { api, errorText } from '../api.js';
import { pageHead, loading, notice, table, pager, section } from '../ui.js';
import { fmtAt } from '../services.js';

const PER_PAGE = 20;

export function planStatus(p) {
  return h('span', { class: `badge badge-${p.status === 'drawn' ? 'ok' : 'brand'} plan-status`, dataset: { status: p.status } },
    t(`plan.status_${p.status}`));
}

export function render(slot, ctx) {
  let page = 1;
  const list = h('div', { class: 'plans-list' }, loading());
  const detail = h('div', { class: 'plan-detail' });

  // the plan's draw: per company, population, drawn and the sampled bookings
  function showDraw(p) {
    fill(detail, section(t('sampling.draw_title', { month: p.month }),
      h('p', { class: 'muted' }, t('sampling.seed_is'), h('code', { class: 'seed' }, p.seed)),
      table({
        caption: t('sampling.draw_title', { month: p.month }),
        columns: [
          { label: t('figures.company'), cell: (c) => c.company.name },
          { label: t('plan.population'), class: 'num', cell: (c) => String(c.population) },
          { label: t('plan.drawn_col'), class: 'num', cell: (c) => String(c.drawn) },
          { label: t('plan.sampled'), class: 'mono', cell: (c) => (c.sampled_ids || []).map((x) => `#${x}`).join(' ') },
        ],
        rows: p.companies || [],
        rowAttrs: (c) => ({ dataset: { company: c.company.id } }),
      }),
      h('p', { class: 'plan-links' },
        h('a', { class: 'btn btn-secondary plan-public', href: `#/sampling-plans/${p.id}` }, t('sampling.public_view')), ' ',
        h('a', { class: 'btn btn-secondary', href: `#/inspections?plan_id=${p.id}` }, t('sampling.its_inspections')))));
  }

  async function openDraw(id) {
    fill(detail, loading());
    try {
      const p = await api('GET', `/api/public/sampling-plans/${id}`);
      if (!ctx.current()) return;
      showDraw(p);
      // the draw is shown above the list: bring it to the eye (on a phone it is screens away)
      detail.scrollIntoView({ block: 'start' });
    } catch (err) {
      if (ctx.current()) fill(detail, notice('error', errorText(err)));
    }
  }

  async function load() {
    fill(list, loading());
    try {
      const r = await api('GET', '/api/public/sampling-plans', { query: { page, per_page: PER_PAGE } });
      if (!ctx.current()) return;
      if (!r.items.length) {
        fill(list, h('p', { class: 'state state-empty' }, t('sampling.empty')));
        return;
      }
      fill(list, table({
        caption: t('sampling.plans'),
        columns: [
          { label: t('plan.month'), class: 'nowrap', cell: (p) => h('a', { href: `#/sampling-plans/${p.id}`, class: 'strong' }, p.month) },
          { label: t('plan.status'), class: 'nowrap', cell: (p) => planStatus(p) },
          { label: t('plan.share'), class: 'nowrap', cell: (p) => t('plan.share_value', { pct: p.share_percent, min: p.min_per_company }) },
          { label: t('plan.drawn'), class: 'num nowrap', cell: (p) => (p.status === 'drawn' ? t('plan.drawn_value', { drawn: p.drawn, population: p.population }) : t('common.none')) },
          { label: t('plan.reassigned'), class: 'num', cell: (p) => String(p.reassigned || 0) },
          { label: t('plan.draw_at'), class: 'nowrap', cell: (p) => fmtAt(p.drawn_at || p.draw_at) },
          { label: t('plan.commitment'), class: 'mono', cell: (p) => (p.commitment ? h('code', { class: 'commitment', title: p.commitment }, `${p.commitment.slice(0, 12)}…`) : t('common.none')) },
          { label: t('common.actions'), class: 'actions', cell: (p) => (p.status === 'drawn' ? h('button', { type: 'button', class: 'btn btn-secondary plan-draw', onclick: () => openDraw(p.id) }, t('sampling.show_draw')) : null) },
        ],
        rows: r.items,
        rowAttrs: (p) => ({ dataset: { plan: p.id, month: p.month, status: p.status } }),
      }), r.total > PER_PAGE ? pager({ page: r.page, perPage: PER_PAGE, total: r.total, onPage: (n) => { page = n; load(); } }) : null);
    } catch (err) {
      if (err.status !== 401 && ctx.current()) fill(list, notice('error', errorText(err)));
    }
  }

  fill(slot, h('section', { class: 'page page-sampling' },
    pageHead(t('nav.sampling'), t('sampling.intro')),
    h('p', { class: 'muted sampling-terms' }, t('sampling.terms_hint'), ' ', h('a', { href: '#/standards' }, t('sampling.terms_link'))),
    detail,
    section(t('sampling.plans'), list)));
  load();
}
