// pages/reviews.js — #/reviews: reviews that count (GET /api/reviews). The association (review.oversee)
// sees every review with its signals — a new account, a telephone or address shared with other
// customers, a service booked and done within minutes, a worker and customer linked — filtered to the
// flagged ones by default, and excludes one with a reason (POST /api/reviews/{id}/exclude): it leaves
// the ratings and the month's figures, and the company reads the reason. A company (booking.dispatch)
// sees its own reviews and what was excluded and why, never the signals.
import { h, fill } from '../dom.js';
import { t } from '../i18n.js';
import { api, errorText } from '../api.js';
import { pageHead, loading, empty, notice, table, pager, field, select, messages, section } from '../ui.js';
import { fmtAt } from '../services.js';
import { signalBadges, excludeForm, disclose } from '../booking-actions.js';

const PER_PAGE = 20;

export function render(slot, ctx) {
  const association = ctx.can('review.oversee');
  let page = 1;
  const msg = messages();
  const out = h('div', { class: 'reviews-out' }, loading());
  // the filters: flagged (the association only), kept or excluded
  const cFlagged = select([
    { value: 'true', label: t('reviews.only_flagged') },
    { value: '', label: t('reviews.all') },
  ], { name: 'flagged' });
  const cExcluded = select([
    { value: '', label: t('reviews.any_status') },
    { value: 'false', label: t('reviews.kept') },
    { value: 'true', label: t('reviews.excluded') },
  ], { name: 'excluded' });
  const filters = h('form', { class: 'filters reviews-filters', role: 'search', 'aria-label': t('common.filters') },
    association ? field({ label: t('reviews.signals'), control: cFlagged, name: 'flagged' }) : null,
    field({ label: t('reviews.status'), control: cExcluded, name: 'excluded' }),
    h('div', { class: 'filters-actions' }, h('button', { type: 'submit', class: 'btn btn-primary' }, t('common.search'))));
  filters.addEventListener('submit', (e) => {
    e.preventDefault();
    page = 1;
    load();
  });

  const stars = (n) => h('span', { class: 'review-score', role: 'img', 'aria-label': t('review.n_stars', { n }) }, '★'.repeat(n),
    h('span', { class: 'star-off', 'aria-hidden': 'true' }, '★'.repeat(Math.max(0, 5 - n))));

  async function load() {
    fill(out, loading());
    const query = { page, per_page: PER_PAGE };
    if (association && cFlagged.value) query.flagged = cFlagged.value;
    if (cExcluded.value) query.excluded = cExcluded.value;
    try {
      const r = await api('GET', '/api/reviews', { query });
      if (!ctx.current()) return;
      if (!r.items.length) {
        fill(out, empty(t('reviews.empty')));
        return;
      }
      const columns = [
        { label: t('reviews.booking'), class: 'nowrap', cell: (v) => h('a', { href: `#/bookings/${v.booking_id}`, class: 'mono booking-link' }, `#${v.booking_id}`) },
        { label: t('reviews.written'), class: 'nowrap', cell: (v) => fmtAt(v.created_at) },
      ];
      if (association) columns.push({ label: t('bookings.company'), cell: (v) => (v.company ? v.company.name : '') });
      columns.push(
        { label: t('bookings.worker'), cell: (v) => (v.worker ? v.worker.name : '') },
        { label: t('bookings.customer'), cell: (v) => (v.customer ? v.customer.name : '') },
        { label: t('review.overall'), class: 'nowrap', cell: (v) => stars(v.overall) },
        { label: t('review.comment'), cell: (v) => v.comment || '' },
      );
      if (association) columns.push({ label: t('reviews.signals'), cell: (v) => signalBadges(v.signals) });
      columns.push({
        label: t('reviews.status'),
        cell: (v) => (v.excluded
          ? h('span', { class: 'review-excluded-note' }, h('span', { class: 'badge badge-danger' }, t('reviews.excluded')), ' ',
            t('reviews.excluded_reason', { at: fmtAt(v.excluded.at), reason: v.excluded.reason || '' }))
          : association
            ? disclose(t('reviews.exclude'), () => excludeForm(v.booking_id, { onDone: () => { msg.show('success', t('reviews.excluded_done')); load(); } }), 'danger')
            : h('span', { class: 'badge badge-ok' }, t('reviews.kept'))),
      });
      fill(out, table({
        caption: t('nav.reviews'),
        columns,
        rows: r.items,
        rowAttrs: (v) => ({ dataset: { booking: v.booking_id, flagged: v.flagged ?? '', excluded: v.excluded ? 'true' : 'false' } }),
      }), r.total > PER_PAGE ? pager({ page: r.page, perPage: PER_PAGE, total: r.total, onPage: (n) => { page = n; load(); } }) : null);
    } catch (err) {
      if (err.status !== 401 && ctx.current()) fill(out, notice('error', errorText(err)));
    }
  }

  fill(slot, h('section', { class: 'page page-reviews' },
    pageHead(t('nav.reviews'), t(association ? 'reviews.intro_association' : 'reviews.intro_company')),
    msg,
    filters,
    section(t('reviews.list'), out)));
  load();
}
