// pages/plan.js — #/sampling-plans/ID, public and signed in: a sampling plan as published (GET
// /api/public/sampling-plans/{id}): the month, the share and minimum per company, the commitment
// published when the plan was made, the seed once the job revealed it, the rule, the inspection
// bodies and how many samples the association moved; per company the month's completed services
// (the population), how many were drawn and which. The seed is checked against the commitment and
// the draw recomputed here, in the browser, from the seed and the population alone — anyone can
// check that nobody chose the samples or drew again.
import { h, fill } from '../dom.js';
import { t } from '../i18n.js';
import { api, errorText } from '../api.js';
import { loading, notice, section, table, badge } from '../ui.js';
import { facts } from './worker.js';
import { fmtAt } from '../services.js';
import { canRecompute, recompute, commitmentOf } from '../inspection-ui.js';
import { planStatus } from './sampling.js';

export function render(slot, ctx) {
  const id = Number(ctx.params.id);
  const head = h('header', { class: 'page-head' }, h('h1', { class: 'page-title', tabindex: '-1' }, t('nav.plan')));
  const body = h('div', { class: 'plan-body' }, loading());
  const back = ctx.me && ctx.can('sampling.manage') ? ['#/sampling', 'plan.back_admin']
    : ctx.me && ctx.can('inspect') ? ['#/inspections', 'plan.back_inspections'] : null;
  fill(slot, h('section', { class: 'page page-plan', dataset: { plan: id } },
    back ? h('p', { class: 'back' }, h('a', { href: back[0] }, t(back[1]))) : null, head, body));

  (async () => {
    let p;
    try {
      p = await api('GET', `/api/public/sampling-plans/${id}`);
    } catch (err) {
      if (err.status === 401 || !ctx.current()) return;
      fill(body, notice('error', err.status === 404 ? t('plan.not_found') : errorText(err)));
      return;
    }
    if (!ctx.current()) return;
    fill(head, h('h1', { class: 'page-title', tabindex: '-1' }, t('plan.title', { month: p.month })),
      h('p', { class: 'page-intro' }, t('plan.intro')));
    draw(p);
  })();

  function draw(p) {
    const companies = Array.isArray(p.companies) ? p.companies : [];
    const checks = new Map(companies.map((c) => [c.company.id, h('span', { class: 'recompute', dataset: { state: 'pending' } }, t('plan.checking'))]));
    const drawn = p.status === 'drawn';
    const commitCheck = h('span', { class: 'commitment-check', dataset: { state: drawn && p.commitment ? 'pending' : 'none' } });
    fill(body,
      section(t('plan.terms'), facts([
        [t('plan.month'), p.month, 'month'],
        [t('plan.status'), planStatus(p), 'status'],
        [t('plan.bodies'), (p.inspection_bodies || []).map((b) => `${b.name} (${b.inspections})`).join('、') || null, 'body'],
        [t('plan.share'), t('plan.share_value', { pct: p.share_percent, min: p.min_per_company }), 'share'],
        [t('plan.drawn'), drawn ? t('plan.drawn_value', { drawn: p.drawn, population: p.population }) : null, 'drawn'],
        [t('plan.reassigned'), String(p.reassigned || 0), 'reassigned'],
        [t('plan.created'), fmtAt(p.created_at), 'created'],
        [t('plan.commitment'), p.commitment ? h('code', { class: 'commitment' }, p.commitment) : t('plan.no_commitment'), 'commitment'],
        [t('plan.draw_at'), fmtAt(drawn ? p.drawn_at : p.draw_at), 'draw_at'],
        [t('plan.seed'), drawn ? [h('code', { class: 'seed' }, p.seed), ' ', commitCheck] : t('plan.seed_later', { at: fmtAt(p.draw_at) }), 'seed'],
      ])),
      section(t('plan.rule'),
        h('ol', { class: 'plan-rule' },
          p.commitment ? h('li', { title: p.commitment_rule || '' }, t('plan.rule_commitment'), ' ', h('code', null, 'sha256(seed)'), t('plan.rule_commitment_after')) : null,
          h('li', { title: p.population_rule || '' }, t('plan.rule_population', { month: p.month })),
          // the rule in words, its formulas as code (the API's own statement of them in the title)
          h('li', { title: p.algorithm || '' }, t('plan.rule_rank'), ' ', h('code', null, "sha256(seed + ':' + booking_id)"), t('plan.rule_rank_after')),
          h('li', { title: p.sample_size || '' }, t('plan.rule_size'), ' ', h('code', null, 'max(min_per_company, ⌈population × share_percent / 100⌉)'), t('plan.rule_size_after')),
          h('li', { title: p.assignment || '' }, t('plan.rule_assignment')),
          h('li', null, t('plan.rule_check'))),
        canRecompute() ? null : notice('warning', t('plan.no_webcrypto'))),
      section(t('plan.companies'), companies.length ? table({
        caption: t('plan.companies'),
        columns: [
          { label: t('figures.company'), cell: (c) => h('span', { class: 'strong' }, c.company.name) },
          { label: t('plan.population'), class: 'num', cell: (c) => String(c.population) },
          { label: t('plan.drawn_col'), class: 'num', cell: (c) => String(c.drawn) },
          { label: t('plan.sampled'), class: 'mono', cell: (c) => (c.sampled_ids || []).map((x) => `#${x}`).join(' ') },
          { label: t('plan.recomputed'), cell: (c) => checks.get(c.company.id) },
        ],
        rows: companies,
        rowAttrs: (c) => ({ dataset: { company: c.company.id } }),
      }) : h('p', { class: 'state state-empty' }, drawn ? t('plan.empty') : t('plan.not_drawn', { at: fmtAt(p.draw_at) }))));
    if (!canRecompute()) {
      for (const el of checks.values()) { el.dataset.state = 'unavailable'; el.textContent = t('common.none'); }
      if (commitCheck.dataset.state === 'pending') commitCheck.dataset.state = 'unavailable';
      return;
    }
    // the seed revealed is the one committed to when the plan was made
    if (commitCheck.dataset.state === 'pending') {
      commitmentOf(p.seed).then((c) => {
        const same = c === p.commitment;
        commitCheck.dataset.state = same ? 'matches' : 'differs';
        fill(commitCheck, badge(t(same ? 'plan.commitment_matches' : 'plan.commitment_differs'), same ? 'ok' : 'danger'));
      }).catch(() => { commitCheck.dataset.state = 'unavailable'; });
    }
    for (const c of companies) {
      const el = checks.get(c.company.id);
      recompute(p, c).then((ids) => {
        const same = ids.length === (c.sampled_ids || []).length && ids.every((x, i) => x === c.sampled_ids[i]);
        el.dataset.state = same ? 'matches' : 'differs';
        fill(el, same ? badge(t('plan.matches'), 'ok') : [badge(t('plan.differs'), 'danger'), ' ', h('span', { class: 'mono' }, ids.map((x) => `#${x}`).join(' '))]);
      }).catch(() => { el.dataset.state = 'unavailable'; el.textContent = t('plan.no_webcrypto'); });
    }
  }
}
