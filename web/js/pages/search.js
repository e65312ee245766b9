// pages/search.js — / and #/search, public: the home page of the site. Find a worker who may serve
// a category (GET /api/public/search): where, when (a date, a start and how many hours, sent as an
// ISO 8601 window in +08:00), rating, price (yuan here, fen in the API), level, order. Each result
// is a card with the masked name, company, trades, level, experience, rating, price and the
// green/yellow colour, a link to the public profile and "book". The query lives in the address
// (#/search?category=…), so going back or signing in returns to the same results.
import { h, fill } from '../dom.js';
import { t } from '../i18n.js';
import { api, errorText } from '../api.js';
import { pageHead, loading, empty, notice, field, input, select, pager, showError, clearErrors } from '../ui.js';
import { reference, levelName, tradeList, colour, LEVELS } from '../workforce.js';
import {
  categories, catName, DISTRICTS, districtName, SORTS, windowIso, wallNow, dateOf, addDays, yuanToFen,
  fmtPrice, rating, fmtShare, fmtTarget, itemTitle, meets, wallParts, hoursBetween,
} from '../services.js';

const PER_PAGE = 12;
const HOURS = ['1', '1.5', '2', '2.5', '3', '4', '5', '6', '8'];
const RATINGS = ['4.5', '4', '3.5', '3'];
let kept = null; // the last search, for a redraw (language) or a return without a query

function initial(q) {
  const tomorrow = addDays(dateOf(wallNow()), 1);
  const s = kept ? { ...kept } : {
    category: '', district: '', date: tomorrow, time: '09:00', hours: '2', min_rating: '',
    price_min: '', price_max: '', level: '', sort: 'rating', page: 1,
  };
  if (q && q.get('category')) {
    for (const k of ['category', 'district', 'min_rating', 'level', 'sort']) s[k] = q.get(k) || '';
    // the window as the API had it
    if (q.get('from')) {
      const p = wallParts(q.get('from'));
      s.date = p.date;
      s.time = p.time;
      s.hours = String(hoursBetween(q.get('from'), q.get('to')) || s.hours);
    } else {
      s.date = '';
    }
    const y = (v) => (v && /^\d+$/.test(v) ? String(Number(v) / 100) : '');
    s.price_min = y(q.get('price_min'));
    s.price_max = y(q.get('price_max'));
    s.page = Math.max(1, Number(q.get('page')) || 1);
    if (!s.sort) s.sort = 'rating';
  }
  return s;
}

export function render(slot, ctx) {
  const state = initial(ctx.query);
  const results = h('div', { class: 'search-results', 'aria-live': 'polite' });
  const summary = h('p', { class: 'search-summary muted' });

  const cCat = select([], { name: 'category', required: true });
  const cDistrict = select([{ value: '', label: t('search.any_district') },
    ...DISTRICTS.map(([zh]) => ({ value: zh, label: districtName(zh) }))], { name: 'district', value: state.district });
  const cDate = input({ type: 'date', name: 'date', value: state.date, min: dateOf(wallNow()) });
  const cTime = input({ type: 'time', name: 'time', value: state.time, step: '900' });
  const hoursList = HOURS.includes(state.hours) ? HOURS : [...HOURS, state.hours];
  const cHours = select(hoursList.map((x) => ({ value: x, label: t('search.n_hours', { n: x }) })), { name: 'hours', value: state.hours });
  const cRating = select([{ value: '', label: t('search.any_rating') },
    ...RATINGS.map((r) => ({ value: r, label: t('search.rating_at_least', { n: r }) }))], { name: 'min_rating', value: state.min_rating });
  const cMin = input({ name: 'price_min', inputmode: 'decimal', value: state.price_min, placeholder: t('search.yuan'), maxlength: '10' });
  const cMax = input({ name: 'price_max', inputmode: 'decimal', value: state.price_max, placeholder: t('search.yuan'), maxlength: '10' });
  const cLevel = select([{ value: '', label: t('search.any_level') }, ...LEVELS.map((l) => ({ value: l, label: levelName(l) }))], { name: 'level', value: state.level });
  reference('levels').then((items) => {
    // the server's names where the catalog has none
    for (const o of cLevel.options) {
      const it = items.find((x) => x.code === o.value);
      if (it && o.value) o.textContent = levelName(it.code, it);
    }
  });
  const cSort = select(SORTS.map((s) => ({ value: s, label: t(`search.sort_${s}`) })), { name: 'sort', value: state.sort });

  const f = h('form', { class: 'form search-form', role: 'search', 'aria-label': t('search.form_label'), novalidate: true },
    h('div', { class: 'form-error notice notice-error', role: 'alert', hidden: true }),
    h('div', { class: 'search-main' },
      field({ label: t('search.category'), control: cCat, name: 'category' }),
      field({ label: t('search.district'), control: cDistrict, name: 'district' }),
      h('fieldset', { class: 'search-when' },
        h('legend', { class: 'field-label' }, t('search.when')),
        h('div', { class: 'search-when-row' },
          field({ label: t('search.date'), control: cDate, name: 'from' }),
          field({ label: t('search.start'), control: cTime, name: 'time' }),
          field({ label: t('search.hours'), control: cHours, name: 'to' })),
        h('p', { class: 'field-hint' }, t('search.when_hint')))),
    h('details', { class: 'search-more', open: Boolean(state.min_rating || state.price_min || state.price_max || state.level) || undefined },
      h('summary', null, t('search.more')),
      h('div', { class: 'search-more-grid' },
        field({ label: t('search.min_rating'), control: cRating, name: 'min_rating' }),
        h('fieldset', { class: 'search-price' },
          h('legend', { class: 'field-label' }, t('search.price')),
          h('div', { class: 'search-price-row' },
            field({ label: t('search.price_min'), control: cMin, name: 'price_min' }),
            h('span', { class: 'search-price-dash', 'aria-hidden': 'true' }, '–'),
            field({ label: t('search.price_max'), control: cMax, name: 'price_max' }))),
        field({ label: t('search.level'), control: cLevel, name: 'level' }),
        field({ label: t('search.sort'), control: cSort, name: 'sort' }))),
    h('div', { class: 'form-actions' },
      h('button', { type: 'submit', class: 'btn btn-primary btn-search' }, t('common.search'))));

  f.addEventListener('submit', (e) => {
    e.preventDefault();
    clearErrors(f);
    const s = read();
    if (!s) return;
    Object.assign(state, s, { page: 1 });
    load();
  });

  // The form's values, checked; null (and the error shown) when something is wrong.
  function read() {
    const s = {
      category: cCat.value, district: cDistrict.value, date: cDate.value, time: cTime.value, hours: cHours.value,
      min_rating: cRating.value, price_min: cMin.value.trim(), price_max: cMax.value.trim(), level: cLevel.value, sort: cSort.value,
    };
    if (!s.category) { showError(f, t('search.category_required'), 'category'); return null; }
    if (s.date && !windowIso(s.date, s.time || '09:00', s.hours)) { showError(f, t('search.when_invalid'), 'from'); return null; }
    for (const k of ['price_min', 'price_max']) {
      if (s[k] && yuanToFen(s[k]) === null) { showError(f, t('search.price_invalid'), k); return null; }
    }
    if (s.price_min && s.price_max && yuanToFen(s.price_min) > yuanToFen(s.price_max)) {
      showError(f, t('search.price_order'), 'price_max');
      return null;
    }
    return s;
  }

  // The API's query for a state.
  function query(s) {
    const q = { category: s.category, district: s.district, min_rating: s.min_rating, level: s.level, sort: s.sort };
    const w = s.date ? windowIso(s.date, s.time || '09:00', s.hours) : null;
    if (w) { q.from = w.from; q.to = w.to; }
    if (s.price_min) q.price_min = yuanToFen(s.price_min);
    if (s.price_max) q.price_max = yuanToFen(s.price_max);
    return q;
  }

  // Nothing found: which condition emptied it. The API counts, for each condition given, what
  // dropping that one alone would find (relaxed); the page says so in words.
  function emptied(r, { category, district, when }) {
    const rel = r.relaxed || {};
    const given = Object.keys(rel);
    if (!given.length) return empty(t('search.empty'));
    const lead = t(district ? 'search.none_in' : 'search.none', { category, district })
      + (when ? ` (${when})` : '');
    const hints = ['district', 'free', 'min_rating', 'level', 'price'].filter((k) => rel[k] > 0)
      .map((k) => h('li', { class: 'relaxed-hint', dataset: { cond: k } }, t(`search.relaxed_${k}`, { n: rel[k] })));
    return h('div', { class: 'state state-empty search-emptied' },
      h('p', { class: 'emptied-lead' }, lead),
      hints.length ? h('ul', { class: 'plain-list relaxed-hints' }, hints) : h('p', { class: 'muted' }, t('search.relaxed_none')));
  }

  let seq = 0;
  async function load() {
    const mine = ++seq;
    kept = { ...state };
    const q = query(state);
    ctx.setQuery({ ...q, page: state.page > 1 ? state.page : '' });
    fill(summary);
    fill(results, loading());
    try {
      const r = await api('GET', '/api/public/search', { query: { ...q, page: state.page, per_page: PER_PAGE } });
      if (mine !== seq || !ctx.current()) return;
      const cat = (await categories().catch(() => [])).find((c) => c.code === state.category);
      const category = cat ? catName(cat) : state.category;
      const district = q.district ? districtName(q.district) : '';
      const when = q.from ? t('search.window', { date: state.date, time: state.time, hours: state.hours }) : '';
      fill(summary, district ? t('search.found_in', { n: r.total, category, district })
        : t(r.total === 1 ? 'search.found_one' : 'search.found', { n: r.total, category }), when ? ` · ${when}` : '');
      if (!r.items.length) {
        fill(results, emptied(r, { category, district, when }));
        return;
      }
      fill(results,
        h('ul', { class: 'result-cards' }, r.items.map((it) => h('li', null, card(it, q)))),
        r.total > PER_PAGE ? pager({ page: r.page, perPage: PER_PAGE, total: r.total, onPage: (p) => { state.page = p; load(); window.scrollTo(0, 0); } }) : null);
    } catch (err) {
      if (mine !== seq || !ctx.current()) return;
      fill(results, notice('error', errorText(err)));
    }
  }

  function card(it, q) {
    const w = it.worker || {};
    const co = it.company || {};
    const item = it.service_item || {};
    const book = () => {
      const p = new URLSearchParams({ worker: w.id, item: item.id });
      if (q.from) { p.set('from', q.from); p.set('to', q.to); }
      if (q.district) p.set('district', q.district);
      ctx.go(`/book?${p}`);
    };
    // signed in without booking.create (a company, the association): look, but not book
    const mayBook = !ctx.me || ctx.can('booking.create');
    return h('article', { class: ['result-card', `result-${it.status}`], dataset: { worker: w.id, item: item.id, company: co.id, status: it.status } },
      h('div', { class: 'result-head' },
        h('span', { class: 'profile-avatar', 'aria-hidden': 'true' }, (w.masked_name || '?').slice(0, 1)),
        h('div', { class: 'result-who' },
          h('h3', { class: 'result-name' }, w.masked_name),
          h('p', { class: 'result-company' }, co.id ? h('a', { href: `#/companies/${co.id}`, class: 'company-link' }, co.name) : co.name, co.district ? h('span', { class: 'muted' }, ` · ${districtName(co.district)}`) : null),
          colour(it.status, it.status === 'green' ? t('search.status_green') : t('search.status_yellow')))),
      h('dl', { class: 'result-facts' },
        h('dt', null, t('workers.trades')), h('dd', null, tradeList(w.trades)),
        h('dt', null, t('workers.level')), h('dd', null, w.level ? levelName(w.level) : t('common.none')),
        h('dt', null, t('public_worker.experience')), h('dd', null,
          w.years_of_experience === null || w.years_of_experience === undefined ? t('common.none') : t('search.years', { n: w.years_of_experience })),
        h('dt', null, t('public_worker.rating')), h('dd', { class: 'result-rating' }, rating(it.rating))),
      h('p', { class: 'result-price' },
        h('strong', { class: 'price' }, fmtPrice(item.price_fen, item.unit)),
        item.title ? h('span', { class: 'muted' }, ` · ${itemTitle(item)}`) : null),
      h('div', { class: 'result-actions' },
        h('a', { class: 'btn btn-secondary result-profile', href: `/workers/${w.id}` }, t('search.profile')),
        mayBook ? h('button', { type: 'button', class: 'btn btn-primary book-btn', onclick: book }, t('search.book')) : null));
  }

  // the month's satisfaction across the industry, under the search (public figures)
  const figures = h('aside', { class: 'search-figures', hidden: true });
  api('GET', '/api/public/satisfaction').then((s) => {
    if (!ctx.current() || !s || !s.industry) return;
    const i = s.industry;
    const target = s.target || { num: 95, den: 100 };
    const ok = meets(i.satisfied, i.reviewed, target);
    fill(figures,
      h('p', { class: 'figures-label' }, t('search.figures', { month: s.month })),
      h('p', { class: ['figures-value', i.reviewed && !ok ? 'figures-below' : null, i.reviewed ? null : 'figures-none'] },
        i.reviewed ? fmtShare(i.satisfied, i.reviewed) : t('satisfaction.no_reviews')),
      h('p', { class: 'muted' }, t('satisfaction.target', { pct: fmtTarget(target) }), ' · ',
        t('satisfaction.response', { rate: fmtShare(i.reviewed, i.completed) })),
      h('a', { href: '#/satisfaction' }, t('search.figures_link')));
    figures.hidden = false;
  }).catch(() => { /* the figures are a bonus; the search stands alone */ });

  const signedIn = Boolean(ctx.me);
  fill(slot, h('section', { class: ['page', 'page-search', signedIn ? null : 'page-search-public'] },
    signedIn ? pageHead(t('search.title'), t('search.intro'))
      : h('header', { class: 'search-hero' },
        h('h1', { class: 'page-title', tabindex: '-1' }, t('search.hero')),
        h('p', { class: 'page-intro' }, t('search.hero_intro'))),
    h('div', { class: 'search-panel' }, f),
    summary, results, figures));

  categories().then((list) => {
    if (!ctx.current()) return;
    fill(cCat, h('option', { value: '' }, t('search.category_pick')), list.map((c) => h('option', { value: c.code }, catName(c))));
    if (!state.category && list.length) state.category = list[0].code;
    cCat.value = state.category;
    if (state.category) load();
    else fill(results, empty(t('search.no_categories')));
  }).catch((err) => {
    if (!ctx.current()) return;
    fill(results, notice('error', errorText(err)));
  });
}
