// worker-public.js — /workers/<id>: a worker's public profile (GET /api/public/workers/{id}), for a
// customer deciding whom to let in: masked name, age band, trades, level, years of experience,
// employer, certificates and their validity, training in brief; the rating, the monthly
// satisfaction and punctuality with their counts, the reviews (GET /api/public/workers/{id}/reviews)
// and the employer's published prices in the worker's trades, each to book. Never the ID number,
// phone, birth date or full name — the API does not give them.
import { h } from './dom.js';
import { t, label } from './i18n.js';
import { api, errorText } from './api.js';
import { loading, notice, badge } from './ui.js';
import { tradeList, tradeName, levelName, fmtDate } from './workforce.js';
import { startPublic, bootFailed } from './public.js';
import { fmtRating, fmtShare, itemTitle, meets, fmtPrice, catName, DIMENSIONS, conductText } from './services.js';

const PUNCTUALITY_TARGET = { num: 98, den: 100 };

const m = /^\/workers\/([1-9]\d{0,17})\/?$/.exec(window.location.pathname);
const REVIEWS_PER_PAGE = 10;
const state = {
  id: m ? m[1] : null, w: null, err: null,
  reviews: null, reviewsTotal: 0, reviewsPage: 0, reviewsErr: null, reviewsBusy: false,
  company: null, companyErr: null,
};
const CERT_BADGE = { valid: 'ok', expired: 'warn', revoked: 'danger', renewed: 'muted' };

function fact(k, v, key) {
  return v === null || v === undefined || v === '' ? null : [h('dt', null, k), h('dd', { dataset: { fact: key } }, v)];
}

// The way back: to the page of this site the visitor came from (a search, a company), else to the
// search. Another site's page is never "back" from here.
function backLink() {
  let from = null;
  try {
    const u = new URL(document.referrer);
    if (u.origin === window.location.origin && u.pathname !== window.location.pathname) from = u.pathname + u.search + u.hash;
  } catch { /* no referrer */ }
  return h('p', { class: 'back' }, h('a', { href: from || '/#/', class: 'public-back' }, t(from ? 'public_worker.back' : 'public_worker.back_search')));
}

function view() {
  if (!state.id) return [backLink(), h('h1', { class: 'page-title', tabindex: '-1' }, t('public_worker.title')), notice('error', t('public_worker.not_found'))];
  if (state.err) return [backLink(), h('h1', { class: 'page-title', tabindex: '-1' }, t('public_worker.title')), notice('error', state.err)];
  const w = state.w;
  if (!w) return [h('h1', { class: 'visually-hidden' }, t('public_worker.title')), loading()];
  const revoked = w.status === 'revoked';
  const tr = w.training || {};
  const certs = Array.isArray(w.certificates) ? w.certificates : [];
  return h('div', { class: 'public-worker', dataset: { worker: w.id, status: w.status } },
    backLink(),
    h('section', { class: ['profile-head', revoked ? 'profile-revoked' : null] },
      h('span', { class: 'profile-avatar', 'aria-hidden': 'true' }, (w.masked_name || '?').slice(0, 1)),
      h('div', null,
        h('h1', { class: 'profile-name', tabindex: '-1' }, w.masked_name),
        h('p', { class: 'profile-sub' }, tradeList(w.trades), w.level ? ` · ${levelName(w.level)}` : ''),
        revoked ? badge(label('person_statuses', 'revoked'), 'danger') : badge(label('person_statuses', 'active'), 'ok'))),
    revoked ? notice('error', t('public_worker.revoked')) : null,
    h('section', { class: 'public-card' },
      h('h2', { class: 'panel-title' }, t('public_worker.about')),
      h('dl', { class: 'facts' },
        fact(t('public_worker.age_band'), w.age_band ? t('public_worker.age', { band: w.age_band }) : null, 'age_band'),
        fact(t('workers.trades'), tradeList(w.trades), 'trades'),
        fact(t('workers.level'), w.level ? levelName(w.level) : null, 'level'),
        fact(t('public_worker.experience'), w.years_of_experience === null || w.years_of_experience === undefined ? null : t('public_worker.years', { n: w.years_of_experience }), 'experience'),
        fact(t('workers.company'), w.company ? h('a', { href: `/#/companies/${w.company.id}` }, w.company.name) : t('worker.no_company'), 'company'),
        fact(t('public_worker.rating'), w.rating && w.rating.count ? fmtRating(w.rating) : t('public_worker.no_rating'), 'rating'),
        fact(t('public_worker.conduct'), conductText(w.conduct), 'conduct'))),
    satisfactionCard(w),
    reviewsCard(),
    pricesCard(w),
    h('section', { class: 'public-card' },
      h('h2', { class: 'panel-title' }, t('certs.title')),
      certs.length ? h('ul', { class: 'public-certs' }, certs.map((c) => h('li', { class: ['public-cert', `cert-${c.status}`], dataset: { serial: c.serial, status: c.status } },
        h('div', { class: 'public-cert-head' }, h('strong', null, tradeName(c.trade)), c.level ? ` · ${levelName(c.level)}` : '', ' ',
          h('span', { class: `badge badge-${CERT_BADGE[c.status] || 'neutral'}` }, label('cert_statuses', c.status))),
        h('p', { class: 'muted' }, h('span', { class: 'mono' }, c.serial), ' · ', t('public_worker.valid_range', { from: fmtDate(c.valid_from), until: fmtDate(c.valid_until) })),
        h('a', { href: `/verify/${encodeURIComponent(c.serial)}` }, t('public_worker.verify')))))
        : h('p', { class: 'state state-empty' }, t('public_worker.no_certs'))),
    h('section', { class: 'public-card' },
      h('h2', { class: 'panel-title' }, t('training_summary.title')),
      h('dl', { class: 'facts' },
        fact(t('training_summary.courses_passed'), String(tr.courses_passed ?? 0), 'courses_passed'),
        fact(t('training_summary.credits_12_months'), String(tr.credits_12_months ?? 0), 'credits'),
        fact(t('training_summary.last_refresher'), tr.last_refresher || t('training_summary.never'), 'last_refresher'),
        fact(t('public_worker.safety'), tr.safety_training ? badge(t('public_worker.safety_yes'), 'ok') : badge(t('public_worker.safety_no'), 'danger'), 'safety'))),
    h('p', { class: 'muted public-note' }, t('public_worker.note')));
}

// The last six months' satisfaction, "96.0% (48/50)" per month against the target, with the
// completed services and the on-time check-ins of that month.
function satisfactionCard(w) {
  const months = Array.isArray(w.satisfaction) ? w.satisfaction.filter((x) => x && x.month) : [];
  const onTime = new Map((Array.isArray(w.punctuality) ? w.punctuality : []).map((x) => [x.month, x]));
  return h('section', { class: 'public-card public-satisfaction' },
    h('h2', { class: 'panel-title' }, t('public_worker.satisfaction')),
    months.length ? h('ul', { class: 'month-rates' }, months.map((x) => {
      const ok = meets(x.satisfied, x.reviewed);
      const p = onTime.get(x.month);
      return h('li', { class: ['month-rate', x.reviewed && !ok ? 'month-below' : null], dataset: { month: x.month } },
        h('span', { class: 'month' }, x.month),
        h('span', { class: ['month-value', x.reviewed ? null : 'month-none'] }, x.reviewed ? fmtShare(x.satisfied, x.reviewed) : t('satisfaction.no_reviews')),
        x.completed !== undefined ? h('span', { class: 'muted month-completed' }, t('public_worker.completed', { n: x.completed })) : null,
        p && p.checked_in ? h('span', { class: ['month-punctual', meets(p.on_time, p.checked_in, PUNCTUALITY_TARGET) ? null : 'month-below'] },
          t('public_worker.on_time', { rate: fmtShare(p.on_time, p.checked_in) })) : null);
    })) : h('p', { class: 'state state-empty' }, t('public_worker.no_satisfaction')),
    h('p', { class: 'muted public-note' }, t('public_worker.satisfied_means')));
}

function reviewsCard() {
  const list = state.reviews;
  let content;
  if (state.reviewsErr) content = notice('error', state.reviewsErr);
  else if (!list) content = loading();
  else if (!list.length) content = h('p', { class: 'state state-empty' }, t('public_worker.no_reviews'));
  else {
    content = [h('ul', { class: 'reviews' }, list.map((r) => h('li', { class: 'review', dataset: { overall: r.overall } },
      h('p', { class: 'review-head' },
        h('span', { class: 'review-score', role: 'img', 'aria-label': t('review.n_stars', { n: r.overall }) }, '★'.repeat(r.overall), h('span', { class: 'star-off', 'aria-hidden': 'true' }, '★'.repeat(Math.max(0, 5 - r.overall)))),
        h('span', { class: 'review-who' }, r.customer || ''),
        h('span', { class: 'muted review-month' }, r.month || '')),
      h('p', { class: 'review-dims muted' }, DIMENSIONS.filter((d) => d !== 'overall' && r[d]).map((d) => t('public_worker.dim', { dim: t(`review.${d}`), n: r[d] })).join(' · ')),
      r.comment ? h('p', { class: 'review-comment' }, r.comment) : null))),
    list.length < state.reviewsTotal
      ? h('button', { type: 'button', class: 'btn btn-secondary reviews-more', disabled: state.reviewsBusy, onclick: () => moreReviews() }, t('public_worker.more_reviews'))
      : null];
  }
  return h('section', { class: 'public-card public-reviews' },
    h('h2', { class: 'panel-title' }, t('public_worker.reviews'), state.reviewsTotal ? h('span', { class: 'muted' }, ` (${state.reviewsTotal})`) : null),
    content);
}

// The employer's prices in the worker's trades (the profile's own "service_items"; the company's
// profile where the answer has none), each with a way to book this worker for it.
function pricesCard(w) {
  if (!w.company || w.status === 'revoked') return null;
  let items = Array.isArray(w.service_items) ? w.service_items : null;
  let content;
  if (!items && state.companyErr) content = notice('error', state.companyErr);
  else if (!items && !state.company) content = loading();
  else {
    if (!items) items = (state.company.service_items || []).filter((x) => !x.category || (w.trades || []).includes(x.category.trade));
    items = items.filter((x) => x.active !== false);
    content = items.length ? h('ul', { class: 'public-prices' }, items.map((x) => h('li', { class: 'public-price', dataset: { item: x.id } },
      h('span', { class: 'public-price-title' }, x.category ? `${catName(x.category)} · ` : '', itemTitle(x)),
      h('span', { class: 'public-price-book' },
        h('strong', { class: 'price' }, fmtPrice(x.price_fen, x.unit)),
        h('a', { class: 'btn btn-primary book-link', href: `/#/book?${new URLSearchParams({ worker: w.id, item: x.id })}` }, t('search.book'))))))
      : h('p', { class: 'state state-empty' }, t('public_worker.no_prices'));
  }
  return h('section', { class: 'public-card company-prices' },
    h('h2', { class: 'panel-title' }, t('public_worker.prices', { company: w.company.name })), content);
}

let redraw = () => {};

async function moreReviews() {
  state.reviewsBusy = true;
  redraw();
  try {
    const r = await api('GET', `/api/public/workers/${state.id}/reviews`, { query: { page: state.reviewsPage + 1, per_page: REVIEWS_PER_PAGE } });
    state.reviews = [...(state.reviews || []), ...(r.items || [])];
    state.reviewsTotal = r.total ?? state.reviews.length;
    state.reviewsPage = r.page ?? state.reviewsPage + 1;
  } catch (err) {
    state.reviewsErr = errorText(err);
  }
  state.reviewsBusy = false;
  redraw();
}

async function main() {
  redraw = await startPublic(view, 'public_worker.title', { site: true });
  if (!state.id) return;
  try {
    state.w = await api('GET', `/api/public/workers/${state.id}`);
  } catch (err) {
    state.err = err.status === 404 ? t('public_worker.not_found') : errorText(err);
  }
  redraw();
  if (!state.w) return;
  const company = state.w.company && !Array.isArray(state.w.service_items)
    ? api('GET', `/api/public/companies/${state.w.company.id}`).then((c) => { state.company = c; })
      .catch((err) => { state.companyErr = errorText(err); })
    : Promise.resolve();
  await Promise.all([moreReviews(), company]);
  redraw();
}

main().catch(bootFailed);
