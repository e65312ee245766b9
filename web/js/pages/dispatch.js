// pages/dispatch.js — #/dispatch (booking.dispatch, the company): a day's bookings (today unless
// another day is picked) by start time: status, service, customer, worker or "unassigned"; late
// check-ins stand out (confirmed, start + the tolerance passed and nobody checked in; or checked
// in late), and so do services cut short (checked out before the end less the tolerance, with the
// reason given); the counts say how many of each, and how many workers came early. Per booking: assign a worker who may serve the category's trade, confirm for the
// worker, cancel, record a no-show.
import { h, fill } from '../dom.js';
import { t, label } from '../i18n.js';
import { api, errorText } from '../api.js';
import { pageHead, loading, notice, messages, button, input, badge, field, select } from '../ui.js';
import { today } from '../workforce.js';
import {
  statusBadge, catName, fmtWindow, fmtAt, addDays, wallParts, standards, BOOKING_STATUSES, fmtMoney,
} from '../services.js';
import { assignForm, confirmForm, cancelForm, noShowForm, disclose, rescheduleForm } from '../booking-actions.js';
import { punctuality } from './booking.js';

// The three views of the board: a day's bookings, those waiting for a worker across the coming
// days (GET /api/bookings?unassigned=true), and the week with a line per worker
// (GET /api/dispatch/week).
const VIEWS = ['day', 'unassigned', 'week'];

export function render(slot, ctx) {
  const view = VIEWS.includes(ctx.query.get('view')) ? ctx.query.get('view') : 'day';
  const tabs = h('nav', { class: 'tabs dispatch-views', 'aria-label': t('dispatch.views') },
    VIEWS.map((v) => h('a', { href: v === 'day' ? '#/dispatch' : `#/dispatch?view=${v}`, class: ['tab', v === view ? 'tab-current' : null], 'aria-current': v === view ? 'page' : null, dataset: { view: v } }, t(`dispatch.view_${v}`))),
    h('a', { href: '#/dispatch/phone', class: 'btn btn-primary tab-action phone-booking-link' }, t('phone.open')));
  if (view === 'unassigned') return unassignedView(slot, ctx, tabs);
  if (view === 'week') return weekView(slot, ctx, tabs);
  // the day shown lives in the address (#/dispatch?day=…), so a redraw keeps it and the menu resets it
  const asked = ctx.query.get('day');
  let day = asked && /^\d{4}-\d{2}-\d{2}$/.test(asked) ? asked : today();
  const msg = messages();
  const list = h('div', { class: 'dispatch-list' }, loading());
  const counts = h('p', { class: 'dispatch-counts muted' });
  const dayInput = input({ type: 'date', name: 'day', value: day, class: 'input day-input', 'aria-label': t('jobs.day') });
  const cStatus = select([{ value: '', label: t('common.all') }, ...BOOKING_STATUSES.map((s) => ({ value: s, label: label('booking_statuses', s) }))], { name: 'status' });
  const setDay = (d) => { day = d; dayInput.value = d; ctx.setQuery({ day: d === today() ? '' : d }); load(); };
  dayInput.addEventListener('change', () => { if (dayInput.value) setDay(dayInput.value); });
  cStatus.addEventListener('change', () => load());
  const picker = h('div', { class: 'dispatch-controls' },
    h('div', { class: 'day-picker', role: 'group', 'aria-label': t('jobs.day') },
      button('‹', { onClick: () => setDay(addDays(day, -1)), attrs: { class: 'btn btn-secondary day-prev', 'aria-label': t('jobs.prev_day_label') } }),
      dayInput,
      button(t('jobs.today'), { onClick: () => setDay(today()), attrs: { class: 'btn btn-secondary day-today' } }),
      button('›', { onClick: () => setDay(addDays(day, 1)), attrs: { class: 'btn btn-secondary day-next', 'aria-label': t('jobs.next_day_label') } })),
    field({ label: t('bookings.status'), control: cStatus }));

  const done = (b, text) => { if (text) msg.show('success', text); load(); };

  async function load() {
    fill(list, loading());
    fill(counts);
    try {
      const [r, std] = await Promise.all([api('GET', '/api/bookings', { query: { day, status: cStatus.value, per_page: 100 } }), standards()]);
      if (!ctx.current()) return;
      const tolerance = std.punctuality_tolerance_minutes ?? 15;
      const items = r.items.slice().sort((a, b) => Date.parse(a.start) - Date.parse(b.start));
      const late = items.filter((b) => lateness(b, tolerance));
      fill(counts, t('dispatch.counts', {
        n: r.total,
        open: items.filter((b) => b.status === 'requested').length,
        late: late.length,
        short: items.filter((b) => b.left_early === true).length,
        // came more than the tolerance before the start: the service still counts from the start
        early: items.filter((b) => b.checked_in_at && Date.parse(b.checked_in_at) < Date.parse(b.start) - tolerance * 60000).length,
      }));
      if (!items.length) {
        fill(list, h('p', { class: 'state state-empty' }, t('dispatch.empty', { day })));
        return;
      }
      fill(list, h('ol', { class: 'dispatch-rows' }, items.map((b) => h('li', null, row(b, tolerance)))),
        r.total > items.length ? h('p', { class: 'muted' }, t('dispatch.more', { n: r.total - items.length })) : null);
    } catch (err) {
      if (err.status !== 401 && ctx.current()) fill(list, notice('error', errorText(err)));
    }
  }

  // 'missing': confirmed, the start + tolerance passed, nobody checked in; 'late': checked in late;
  // 'short': checked out before the end less the tolerance.
  function lateness(b, tolerance) {
    if (b.late === true) return 'late';
    if (b.left_early === true) return 'short';
    if (b.status === 'confirmed' && !b.checked_in_at && Date.now() > Date.parse(b.start) + tolerance * 60000) return 'missing';
    return null;
  }

  function row(b, tolerance) {
    const late = lateness(b, tolerance);
    const startPassed = Date.parse(b.start) <= Date.now();
    const actions = [];
    if (b.status === 'requested') actions.push(disclose(t(b.worker ? 'dispatch.reassign' : 'dispatch.assign'), () => assignForm(b, { onDone: done }), 'primary'));
    if (b.status === 'requested' && b.worker) actions.push(disclose(t('dispatch.confirm_for'), () => confirmForm(b, { onDone: done }), 'primary'));
    if (['requested', 'confirmed'].includes(b.status)) actions.push(disclose(t('reschedule.open'), () => rescheduleForm(b, { onDone: done, company: true })));
    if (['requested', 'confirmed'].includes(b.status)) actions.push(disclose(t('bookings.cancel'), () => cancelForm(b, { onDone: done }), 'danger'));
    if (b.status === 'confirmed' && startPassed) actions.push(disclose(t('bookings.no_show'), () => noShowForm(b, { onDone: done })));
    return h('article', { class: ['dispatch-row', `dispatch-${b.status}`, late ? 'dispatch-late' : null], dataset: { booking: b.id, status: b.status, late: late || '' } },
      h('div', { class: 'dispatch-time' },
        h('span', { class: 'job-clock' }, wallParts(b.start).time),
        h('span', { class: 'muted' }, fmtWindow(b.start, b.end, { withDate: false }))),
      h('div', { class: 'dispatch-main' },
        h('p', { class: 'dispatch-service' }, statusBadge(b.status), ' ',
          h('a', { href: `#/bookings/${b.id}`, class: 'strong booking-link' }, b.category ? catName(b.category) : `#${b.id}`),
          b.service_item ? h('span', { class: 'muted' }, ` · ${b.service_item.title} · ${fmtMoney(b.price_fen)}`) : null),
        h('p', { class: 'dispatch-people' },
          h('span', { class: 'dispatch-customer' }, t('dispatch.customer', { name: b.customer ? b.customer.name : '' })), ' · ',
          b.worker ? h('span', { class: 'dispatch-worker' }, t('dispatch.worker', { name: b.worker.name || b.worker.masked_name }))
            : h('span', { class: 'dispatch-unassigned badge badge-warn' }, t('bookings.unassigned'))),
        late === 'missing' ? h('p', { class: 'late-note' }, badge(t('dispatch.not_checked_in'), 'danger'), ' ', t('dispatch.not_checked_in_text', { minutes: tolerance })) : null,
        b.checked_in_at ? h('p', { class: 'muted' }, t('dispatch.checked_in_at', { at: fmtAt(b.checked_in_at) }), ' ', punctuality(b)) : null,
        b.left_early === true ? h('p', { class: 'late-note short-note' }, badge(t('dispatch.left_early'), 'danger'), ' ',
          t('dispatch.left_early_text', { at: fmtAt(b.checked_out_at), minutes: b.served_minutes ?? 0, reason: b.left_early_reason || '' })) : null),
      actions.length ? h('div', { class: 'dispatch-actions' }, actions) : null);
  }

  fill(slot, h('section', { class: 'page page-dispatch' },
    pageHead(t('nav.dispatch'), t('dispatch.intro')), tabs, picker, msg, counts, list));
  load();
}

// Every booking still waiting for a worker, from now on, soonest first, each assignable here.
function unassignedView(slot, ctx, tabs) {
  const msg = messages();
  const list = h('div', { class: 'dispatch-list unassigned-list' }, loading());
  async function load() {
    fill(list, loading());
    try {
      const r = await api('GET', '/api/bookings', { query: { unassigned: 'true', from: new Date().toISOString().replace(/\.\d+Z$/, 'Z'), per_page: 100 } });
      if (!ctx.current()) return;
      if (!r.items.length) return fill(list, h('p', { class: 'state state-empty' }, t('dispatch.none_unassigned')));
      fill(list, h('p', { class: 'muted dispatch-counts' }, t('dispatch.unassigned_count', { n: r.total })),
        h('ol', { class: 'dispatch-rows' }, r.items.map((b) => h('li', null,
          h('article', { class: 'dispatch-row dispatch-requested', dataset: { booking: b.id } },
            h('div', { class: 'dispatch-time' }, h('span', { class: 'muted' }, wallParts(b.start).date), h('span', { class: 'job-clock' }, wallParts(b.start).time), h('span', { class: 'muted' }, fmtWindow(b.start, b.end, { withDate: false }))),
            h('div', { class: 'dispatch-main' },
              h('p', { class: 'dispatch-service' }, h('a', { href: `#/bookings/${b.id}`, class: 'strong booking-link' }, b.category ? catName(b.category) : `#${b.id}`),
                b.service_item ? h('span', { class: 'muted' }, ` · ${b.service_item.title} · ${fmtMoney(b.price_fen)}`) : null),
              h('p', { class: 'dispatch-people' }, t('dispatch.customer', { name: b.customer ? b.customer.name : '' }))),
            h('div', { class: 'dispatch-actions' }, disclose(t('dispatch.assign'), () => assignForm(b, { onDone: (nb, text) => { msg.show('success', text); load(); } }), 'primary')))))));
    } catch (err) {
      if (err.status !== 401 && ctx.current()) fill(list, notice('error', errorText(err)));
    }
  }
  fill(slot, h('section', { class: 'page page-dispatch page-dispatch-unassigned' },
    pageHead(t('nav.dispatch'), t('dispatch.intro_unassigned')), tabs, msg, list));
  load();
}

// The week from a day: a column per day (with how many wait for a worker), a line per worker with
// their bookings that day, so who is full and who is free shows at a glance.
function weekView(slot, ctx, tabs) {
  const asked = ctx.query.get('from');
  let from = asked && /^\d{4}-\d{2}-\d{2}$/.test(asked) ? asked : today();
  const grid = h('div', { class: 'week-grid-wrap' }, loading());
  const setFrom = (d) => { from = d; ctx.setQuery({ view: 'week', from: d === today() ? '' : d }); load(); };
  const picker = h('div', { class: 'day-picker', role: 'group', 'aria-label': t('dispatch.week_of') },
    button('‹', { onClick: () => setFrom(addDays(from, -7)), attrs: { class: 'btn btn-secondary week-prev', 'aria-label': t('dispatch.prev_week') } }),
    button(t('jobs.today'), { onClick: () => setFrom(today()), attrs: { class: 'btn btn-secondary' } }),
    button('›', { onClick: () => setFrom(addDays(from, 7)), attrs: { class: 'btn btn-secondary week-next', 'aria-label': t('dispatch.next_week') } }));
  async function load() {
    fill(grid, loading());
    try {
      const r = await api('GET', '/api/dispatch/week', { query: { from } });
      if (!ctx.current()) return;
      const head = h('tr', null, h('th', { scope: 'col' }, t('bookings.worker')), r.days.map((d) => h('th', { scope: 'col', dataset: { date: d.date } },
        d.date.slice(5), d.unassigned ? h('a', { class: 'badge badge-warn week-unassigned', href: `#/dispatch?day=${d.date}` }, t('dispatch.n_unassigned', { n: d.unassigned })) : null)));
      const rows = r.workers.map((w) => h('tr', { dataset: { worker: w.id } }, h('th', { scope: 'row' }, w.name),
        r.days.map((d) => {
          const jobs = w.bookings.filter((b) => wallParts(b.start).date === d.date);
          return h('td', { class: jobs.length ? 'week-busy' : 'week-free' }, jobs.map((b) => h('a', { class: `week-job status-${b.status}`, href: `#/bookings/${b.id}`, title: catName(b.category) },
            fmtWindow(b.start, b.end, { withDate: false }))));
        })));
      fill(grid, r.workers.length
        ? h('table', { class: 'table week-grid' }, h('caption', null, t('dispatch.week_caption', { from: r.from, n: r.workers.length })), h('thead', null, head), h('tbody', null, rows))
        : h('p', { class: 'state state-empty' }, t('dispatch.week_empty')));
    } catch (err) {
      if (err.status !== 401 && ctx.current()) fill(grid, notice('error', errorText(err)));
    }
  }
  fill(slot, h('section', { class: 'page page-dispatch page-dispatch-week' },
    pageHead(t('nav.dispatch'), t('dispatch.intro_week')), tabs, picker, grid));
  load();
}
