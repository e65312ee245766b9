// pages/bookings.js — #/bookings (booking.create, a customer): my bookings, the latest start first —
// from a week ago on, or all of them — each with its status, service, worker (masked), time and
// price, filtered by status and paged; each opens its page (#/bookings/ID).
import { h, fill } from '../dom.js';
import { t, label } from '../i18n.js';
import { api, errorText } from '../api.js';
import { pageHead, loading, empty, notice, table, pager, field, select } from '../ui.js';
import { today, PLATFORM_OFFSET } from '../workforce.js';
import { BOOKING_STATUSES, statusBadge, catName, fmtWindow, fmtMoney, maskedWorker, addDays } from '../services.js';

const PER_PAGE = 20;

export function render(slot, ctx) {
  // "recent" starts a week ago; both lists put the latest start first
  const state = { status: '', period: 'recent', page: 1 };
  const list = h('div', { class: 'list bookings-list' }, loading());
  const cStatus = select([{ value: '', label: t('common.all') }, ...BOOKING_STATUSES.map((s) => ({ value: s, label: label('booking_statuses', s) }))], { name: 'status' });
  const cPeriod = select([{ value: 'recent', label: t('bookings.period_recent') }, { value: 'all', label: t('bookings.period_all') }], { name: 'period' });
  const filters = h('form', { class: 'filters', role: 'search', 'aria-label': t('common.filters') },
    field({ label: t('bookings.period'), control: cPeriod }),
    field({ label: t('bookings.status'), control: cStatus }),
    h('div', { class: 'filters-actions' }, h('button', { type: 'submit', class: 'btn btn-primary' }, t('common.search'))));
  filters.addEventListener('submit', (e) => {
    e.preventDefault();
    Object.assign(state, { status: cStatus.value, period: cPeriod.value, page: 1 });
    load();
  });

  async function load() {
    fill(list, loading());
    try {
      const r = await api('GET', '/api/bookings', { query: {
        status: state.status, from: state.period === 'recent' ? `${addDays(today(), -7)}T00:00:00${PLATFORM_OFFSET}` : '',
        sort: '-start', per_page: PER_PAGE, page: state.page } });
      if (!ctx.current()) return;
      if (!r.items.length) {
        fill(list, h('div', { class: 'state state-empty state-column' },
          h('p', null, state.status ? t('bookings.empty_status') : t(state.period === 'recent' ? 'bookings.empty_recent' : 'bookings.empty')),
          h('a', { class: 'btn btn-primary', href: '#/search' }, t('bookings.find'))));
        return;
      }
      fill(list, table({
        caption: t('nav.bookings'),
        columns: [
          { label: t('bookings.when'), class: 'nowrap', cell: (b) => h('a', { href: `#/bookings/${b.id}`, class: 'strong booking-link' }, fmtWindow(b.start, b.end)) },
          { label: t('bookings.service'), cell: (b) => [b.category ? catName(b.category) : '', b.service_item ? h('span', { class: 'muted' }, ` · ${b.service_item.title}`) : null] },
          { label: t('bookings.worker'), cell: (b) => (b.worker ? maskedWorker(b.worker) : h('span', { class: 'muted' }, t('bookings.unassigned'))) },
          { label: t('bookings.company'), cell: (b) => (b.company ? b.company.name : t('common.none')) },
          { label: t('bookings.price'), class: 'num nowrap', cell: (b) => fmtMoney(b.price_fen) },
          // a completed service: to confirm (it happened) first, then to review; nothing once denied
          { label: t('bookings.status'), cell: (b) => [statusBadge(b.status), b.status === 'completed' && !(b.evidence && b.evidence.status === 'denied')
            ? [' ', h('a', { href: `#/bookings/${b.id}`, class: b.evidence ? 'review-link' : 'review-link confirm-link' }, t(b.evidence ? 'bookings.to_review' : 'bookings.to_confirm'))] : null] },
        ],
        rows: r.items,
        rowAttrs: (b) => ({ dataset: { booking: b.id, status: b.status } }),
      }), pager({ page: r.page, perPage: PER_PAGE, total: r.total, onPage: (p) => { state.page = p; load(); } }));
    } catch (err) {
      if (err.status !== 401 && ctx.current()) fill(list, notice('error', errorText(err)));
    }
  }

  fill(slot, h('section', { class: 'page page-bookings' },
    h('div', { class: 'page-head-row' }, pageHead(t('nav.bookings'), t('bookings.intro')),
      h('a', { class: 'btn btn-primary', href: '#/search' }, t('bookings.find'))),
    filters, list));
  load();
}
