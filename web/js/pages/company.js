// pages/company.js — #/companies/ID, public and signed in: a company's profile (GET
// /api/public/companies/{id}): where it is, how many of its workers may serve now, its rating,
// its published prices, the last six months' satisfaction, and its complaint handling month by
// month — received, answered within the feedback time, resolved in time, upheld, escalated,
// compensation paid by the company's side and confirmed, the association's advances apart, claims
// disputed, spot checks — with the counts behind every share.
import { h, fill } from '../dom.js';
import { t } from '../i18n.js';
import { api, errorText } from '../api.js';
import { loading, notice, table, section } from '../ui.js';
import { facts } from './worker.js';
import { fmtShare, fmtTarget, itemTitle, fmtPrice, fmtRating, meets, catName, districtName, conductText, standards } from '../services.js';
import { findingsText, spotText, outcomesText, ratingText, paidText, advancedText, disputedText } from './complaint-figures.js';

export function render(slot, ctx) {
  const id = Number(ctx.params.id);
  const head = h('header', { class: 'page-head' }, h('h1', { class: 'page-title', tabindex: '-1' }, t('nav.company')));
  const body = h('div', { class: 'company-body' }, loading());
  fill(slot, h('section', { class: 'page page-company', dataset: { company: id } },
    h('p', { class: 'back' }, h('a', { href: '#/complaint-figures' }, t('company.back'))), head, body));

  (async () => {
    let co;
    let std;
    try {
      [co, std] = await Promise.all([api('GET', `/api/public/companies/${id}`), standards()]);
    } catch (err) {
      if (err.status === 401 || !ctx.current()) return;
      fill(body, notice('error', err.status === 404 ? t('company.not_found') : errorText(err)));
      return;
    }
    if (!ctx.current()) return;
    fill(head, h('h1', { class: 'page-title', tabindex: '-1' }, co.name),
      co.district ? h('p', { class: 'page-intro' }, districtName(co.district)) : null);
    fill(body, draw(co, std.satisfaction_target ?? 95));
  })();

  // target: the association's monthly satisfaction standard, in percent
  function draw(co, target) {
    const items = (co.service_items || []).filter((x) => x.active !== false);
    const sat = Array.isArray(co.satisfaction) ? co.satisfaction : [];
    const months = Array.isArray(co.complaints) ? co.complaints : [];
    return [
      h('div', { class: 'columns' },
        section(t('company.about'), facts([
          [t('company.district'), co.district ? districtName(co.district) : null],
          [t('company.uscc'), co.uscc ? h('span', { class: 'mono' }, co.uscc) : null],
          [t('company.workers'), co.workers ? t('company.workers_value', { ok: co.workers.may_serve, total: co.workers.total }) : null, 'workers'],
          [t('public_worker.rating'), fmtRating(co.rating), 'rating'],
          [t('public_worker.conduct'), conductText(co.conduct), 'conduct'],
        ])),
        section(t('public_worker.satisfaction'), sat.length ? h('ul', { class: 'month-rates' }, sat.map((x) => h('li', {
          class: ['month-rate', x.reviewed && !meets(x.satisfied, x.reviewed, { num: target, den: 100 }) ? 'month-below' : null], dataset: { month: x.month },
        },
        h('span', { class: 'month' }, x.month),
        h('span', { class: ['month-value', x.reviewed ? null : 'month-none'] }, x.reviewed ? fmtShare(x.satisfied, x.reviewed) : t('satisfaction.no_reviews')))))
          : h('p', { class: 'state state-empty' }, t('public_worker.no_satisfaction')),
        // what the red months fall short of
        sat.length ? h('p', { class: 'muted month-legend' }, t('company.satisfaction_legend', { target: fmtTarget({ num: target, den: 100 }) })) : null)),
      section(t('company.complaints'),
        h('p', { class: 'muted' }, t('company.complaints_intro')),
        months.length ? table({
          caption: t('company.complaints'),
          columns: [
            { label: t('figures.month'), class: 'nowrap', cell: (x) => x.month },
            { label: t('figures.received'), class: 'num', cell: (x) => String(x.received) },
            { label: t('figures.feedback_in_time'), class: 'num nowrap', cell: (x) => fmtShare(x.feedback_in_time, x.feedback_settled) },
            { label: t('figures.resolved_in_time'), class: 'num nowrap', cell: (x) => fmtShare(x.resolved_in_time, x.resolve_settled) },
            { label: t('figures.findings'), class: 'num', cell: (x) => findingsText(x) },
            { label: t('figures.escalated'), class: 'num', cell: (x) => String(x.escalated) },
            { label: t('figures.outcomes'), class: 'num nowrap', cell: (x) => outcomesText(x) },
            { label: t('figures.rating'), class: 'num nowrap', cell: (x) => ratingText(x, true) },
            { label: t('figures.compensation'), class: 'num nowrap', cell: (x) => paidText(x) },
            { label: t('figures.advanced'), class: 'num nowrap', cell: (x) => advancedText(x) },
            { label: t('figures.disputed'), class: 'num nowrap', cell: (x) => disputedText(x) },
            { label: t('figures.spot_checks'), class: 'num', cell: (x) => spotText(x) },
          ],
          rows: months,
          rowAttrs: (x) => ({ dataset: { month: x.month, received: x.received, upheld: x.upheld } }),
        }) : h('p', { class: 'state state-empty' }, t('company.no_complaints')),
        h('p', null, h('a', { href: '#/complaint-figures' }, t('company.all_figures')))),
      section(t('company.prices'), items.length ? h('ul', { class: 'public-prices' }, items.map((x) => h('li', { class: 'public-price', dataset: { item: x.id } },
        h('span', { class: 'public-price-title' }, x.category ? `${catName(x.category)} · ` : '', itemTitle(x)),
        h('span', { class: 'public-price-book' },
          h('strong', { class: 'price' }, fmtPrice(x.price_fen, x.unit)),
          x.category && x.category.code ? h('a', { class: 'btn btn-secondary', href: `#/search?category=${encodeURIComponent(x.category.code)}` }, t('company.find')) : null))))
        : h('p', { class: 'state state-empty' }, t('public_worker.no_prices'))),
    ];
  }
}
