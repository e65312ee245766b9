// pages/jobs.js — #/jobs (role worker), the worker's start, made for a phone in one hand: the day's
// jobs (today unless another day is picked, with tomorrow's beneath today's), each a card with the time, the service, the address (from the booking
// itself, when the API shows it to the worker) and the next step in order: confirm (every
// pre-service item ticked), check in (a big button; on time or late after), the in-service
// checklist (pass / fail / n.a. per item) and check out. A job offered and not yet confirmed may be
// declined with a reason: it goes back to the company.
import { h, fill } from '../dom.js';
import { t } from '../i18n.js';
import { api, errorText } from '../api.js';
import { pageHead, loading, notice, messages, button, input } from '../ui.js';
import { today } from '../workforce.js';
import { statusBadge, catName, fmtWindow, fmtAt, addDays, wallParts } from '../services.js';
import { confirmForm, checkinForm, checkoutForm, noShowForm, declineForm, disclose } from '../booking-actions.js';
import { punctuality } from './booking.js';

export function render(slot, ctx) {
  // the day shown lives in the address (#/jobs?day=…), so a redraw keeps it and the menu resets it
  const asked = ctx.query.get('day');
  let day = asked && /^\d{4}-\d{2}-\d{2}$/.test(asked) ? asked : today();
  const msg = messages();
  const list = h('div', { class: 'jobs-list' }, loading());
  const dayInput = input({ type: 'date', name: 'day', value: day, class: 'input day-input', 'aria-label': t('jobs.day') });
  const dayTitle = h('p', { class: 'day-title' });
  const setDay = (d) => { day = d; dayInput.value = d; ctx.setQuery({ day: d === today() ? '' : d }); load(); };
  dayInput.addEventListener('change', () => { if (dayInput.value) setDay(dayInput.value); });
  const picker = h('div', { class: 'day-picker', role: 'group', 'aria-label': t('jobs.day') },
    button('‹', { onClick: () => setDay(addDays(day, -1)), attrs: { class: 'btn btn-secondary day-prev', 'aria-label': t('jobs.prev_day_label') } }),
    dayInput,
    button(t('jobs.today'), { onClick: () => setDay(today()), attrs: { class: 'btn btn-secondary day-today' } }),
    button('›', { onClick: () => setDay(addDays(day, 1)), attrs: { class: 'btn btn-secondary day-next', 'aria-label': t('jobs.next_day_label') } }));

  const done = (b, text) => { if (text) msg.show('success', text); load(); };

  // One day's jobs into box: the cards, or why there are none.
  async function dayJobs(d, box, { emptyText }) {
    const r = await api('GET', '/api/bookings', { query: { day: d, per_page: 100 } });
    const items = r.items.filter((b) => b.status !== 'cancelled').sort((a, b) => Date.parse(a.start) - Date.parse(b.start));
    const gone = r.items.filter((b) => b.status === 'cancelled');
    if (!items.length && !gone.length) return () => fill(box, h('p', { class: 'state state-empty' }, emptyText));
    // each job's own record: the address and the checklists, where the API shows them
    const details = await Promise.all(items.map((b) => api('GET', `/api/bookings/${b.id}`).catch(() => b)));
    return () => fill(box, items.length ? h('ol', { class: 'job-cards' }, details.map((b) => h('li', null, card(b)))) : null,
      gone.length ? h('p', { class: 'muted jobs-cancelled' }, t('jobs.cancelled_n', { n: gone.length })) : null);
  }

  async function load() {
    fill(dayTitle, day === today() ? t('jobs.today_is', { day }) : day);
    fill(list, loading());
    const isToday = day === today();
    const tomorrow = addDays(day, 1);
    try {
      const main = h('div', { class: 'jobs-day' });
      const next = h('div', { class: 'jobs-day jobs-tomorrow' });
      const draws = await Promise.all([
        dayJobs(day, main, { emptyText: isToday ? t('jobs.empty_today') : t('jobs.empty_day') }),
        isToday ? dayJobs(tomorrow, next, { emptyText: t('jobs.empty_tomorrow') }) : null,
      ]);
      if (!ctx.current()) return;
      draws.forEach((d) => d && d());
      fill(list, main, isToday ? h('section', { class: 'jobs-next', 'aria-labelledby': 'jobs-tomorrow-title' },
        h('h2', { id: 'jobs-tomorrow-title', class: 'day-title jobs-next-title' }, t('jobs.tomorrow', { day: tomorrow })), next) : null);
    } catch (err) {
      if (err.status !== 401 && ctx.current()) fill(list, notice('error', errorText(err)));
    }
  }

  function card(b) {
    const startPassed = Date.parse(b.start) <= Date.now();
    let step = null;
    if (b.status === 'requested') {
      step = [h('p', { class: 'job-step' }, t('jobs.step_confirm')), confirmForm(b, { onDone: done, big: true }),
        disclose(t('jobs.decline'), () => declineForm(b, { onDone: done }))];
    }
    else if (b.status === 'confirmed') {
      step = [h('p', { class: 'job-step' }, t('jobs.step_checkin')), checkinForm(b, { onDone: done, big: true }),
        startPassed ? disclose(t('bookings.no_show_customer'), () => noShowForm(b, { onDone: done, parties: ['customer'] })) : null];
    } else if (b.status === 'checked_in') step = [h('p', { class: 'job-step' }, t('jobs.step_checkout')), checkoutForm(b, { onDone: done, big: true })];
    const time = wallParts(b.start).time;
    return h('article', { class: ['job-card', `job-${b.status}`], dataset: { booking: b.id, status: b.status } },
      h('div', { class: 'job-head' },
        h('p', { class: 'job-time' }, h('span', { class: 'job-clock' }, time), h('span', { class: 'muted' }, fmtWindow(b.start, b.end, { withDate: false }))),
        statusBadge(b.status)),
      h('h2', { class: 'job-service' }, b.category ? catName(b.category) : '', b.service_item ? h('span', { class: 'job-item' }, b.service_item.title) : null),
      h('dl', { class: 'facts job-facts' },
        h('dt', null, t('bookings.address')),
        h('dd', { class: 'job-address' }, typeof b.address === 'string' ? b.address : h('span', { class: 'muted' }, t('jobs.address_later'))),
        b.customer ? [h('dt', null, t('bookings.customer')), h('dd', null, b.customer.name)] : null,
        b.contact_phone ? [h('dt', null, t('bookings.phone')), h('dd', { class: 'job-phone' }, h('a', { href: `tel:${b.contact_phone}` }, b.contact_phone))] : null,
        b.note ? [h('dt', null, t('bookings.note')), h('dd', null, b.note)] : null,
        b.checked_in_at ? [h('dt', null, t('bookings.checked_in')), h('dd', { class: 'job-checked-in' }, fmtAt(b.checked_in_at), ' ', punctuality(b))] : null,
        b.checked_out_at ? [h('dt', null, t('bookings.checked_out')), h('dd', null, fmtAt(b.checked_out_at))] : null),
      step ? h('div', { class: 'job-step-box' }, step) : null,
      h('p', { class: 'job-more' }, h('a', { href: `#/bookings/${b.id}` }, t('jobs.details'))));
  }

  fill(slot, h('section', { class: 'page page-jobs' },
    pageHead(t('nav.jobs'), t('jobs.intro')), picker, dayTitle, msg, list));
  load();
}
