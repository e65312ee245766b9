// pages/sampling.js — #/sampling (sampling.manage, the association): the sampling plans, newest
// first (GET /api/public/sampling-plans), and a new plan for a month that has ended: the share of
// each company's completed services to check, the minimum per company, the inspection body. The
// server draws from a seed it publishes; the plan's draw per company (population, drawn, the
// sampled bookings) shows here, with the public page that recomputes it.
import { h, fill } from '../dom.js';
import { t } from '../i18n.js';
import { api, errorText, listAll } from '../api.js';
import { pageHead, loading, notice, table, pager, field, input, select, form, clearErrors, showError, busy, showApiError, section, messages } from '../ui.js';
import { lastMonths, fmtAt } from '../services.js';

const PER_PAGE = 20;

export function render(slot, ctx) {
  let page = 1;
  const msg = messages();
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
      if (!touched) {
        // offer the latest ended month the chosen body has no plan for yet
        const planned = new Set(r.items.filter((p) => p.inspection_body && String(p.inspection_body.id) === cBody.value).map((p) => p.month));
        const free = months.find((m) => !planned.has(m));
        if (free) cMonth.value = free;
      }
      if (!r.items.length) {
        fill(list, h('p', { class: 'state state-empty' }, t('sampling.empty')));
        return;
      }
      fill(list, table({
        caption: t('sampling.plans'),
        columns: [
          { label: t('plan.month'), class: 'nowrap', cell: (p) => h('a', { href: `#/sampling-plans/${p.id}`, class: 'strong' }, p.month) },
          { label: t('plan.body'), cell: (p) => (p.inspection_body ? p.inspection_body.name : '') },
          { label: t('plan.share'), class: 'nowrap', cell: (p) => t('plan.share_value', { pct: p.share_percent, min: p.min_per_company }) },
          { label: t('plan.drawn'), class: 'num nowrap', cell: (p) => t('plan.drawn_value', { drawn: p.drawn, population: p.population }) },
          { label: t('plan.created'), class: 'nowrap', cell: (p) => fmtAt(p.created_at) },
          { label: t('common.actions'), class: 'actions', cell: (p) => h('button', { type: 'button', class: 'btn btn-secondary plan-draw', onclick: () => openDraw(p.id) }, t('sampling.show_draw')) },
        ],
        rows: r.items,
        rowAttrs: (p) => ({ dataset: { plan: p.id, month: p.month } }),
      }), r.total > PER_PAGE ? pager({ page: r.page, perPage: PER_PAGE, total: r.total, onPage: (n) => { page = n; load(); } }) : null);
    } catch (err) {
      if (err.status !== 401 && ctx.current()) fill(list, notice('error', errorText(err)));
    }
  }

  // a month that has ended: last month first
  const months = lastMonths(13).slice(1);
  const cMonth = select(months.map((m) => ({ value: m, label: m })), { name: 'month' });
  let touched = false; // the month was chosen by hand
  cMonth.addEventListener('change', () => { touched = true; });
  const cShare = input({ name: 'share_percent', type: 'number', min: '1', max: '100', value: '5', inputmode: 'numeric' });
  const cMin = input({ name: 'min_per_company', type: 'number', min: '0', max: '50', value: '1', inputmode: 'numeric' });
  const cBody = select([], { name: 'inspection_org_id' });
  const f = form({ class: 'form form-grid plan-form' },
    field({ label: t('plan.month'), control: cMonth, name: 'month', hint: t('sampling.month_hint') }),
    field({ label: t('plan.body'), control: cBody, name: 'inspection_org_id' }),
    field({ label: t('sampling.share_percent'), control: cShare, name: 'share_percent', hint: t('sampling.share_hint') }),
    field({ label: t('sampling.min_per_company'), control: cMin, name: 'min_per_company', hint: t('sampling.min_hint') }),
    h('div', { class: 'form-actions' }, h('button', { type: 'submit', class: 'btn btn-primary' }, t('sampling.create'))));
  const bodiesLoaded = listAll('/api/orgs', { kind: 'inspection' }).then((bodies) => {
    fill(cBody, bodies.map((b) => h('option', { value: String(b.id) }, b.name)));
    if (!bodies.length) showError(f, t('sampling.no_bodies'), 'inspection_org_id');
  }).catch((err) => showError(f, errorText(err), 'inspection_org_id'));
  f.addEventListener('submit', async (e) => {
    e.preventDefault();
    clearErrors(f);
    const share = Number(cShare.value);
    const min = Number(cMin.value);
    if (!Number.isInteger(share) || share < 1 || share > 100) return showError(f, t('sampling.share_invalid'), 'share_percent');
    if (!Number.isInteger(min) || min < 0 || min > 50) return showError(f, t('sampling.min_invalid'), 'min_per_company');
    if (!cBody.value) return showError(f, t('sampling.no_bodies'), 'inspection_org_id');
    await busy(f, async () => {
      try {
        const p = await api('POST', '/api/sampling-plans', { body: {
          month: cMonth.value, share_percent: share, min_per_company: min, inspection_org_id: Number(cBody.value),
        } });
        msg.show('success', t('sampling.created', { month: p.month, drawn: p.drawn, population: p.population }));
        showDraw(p);
        page = 1;
        // the next month without a plan is offered again
        touched = false;
        load();
      } catch (err) {
        if (err.status !== 401) showApiError(f, err);
      }
    });
  });

  fill(slot, h('section', { class: 'page page-sampling' },
    pageHead(t('nav.sampling'), t('sampling.intro')),
    msg,
    section(t('sampling.new_title'), f),
    detail,
    section(t('sampling.plans'), list)));
  bodiesLoaded.then(load);
}
