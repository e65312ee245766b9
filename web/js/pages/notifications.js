// pages/notifications.js — #/notifications: the newest notices for the one signed in and their
// organisation (GET /api/notifications, in the request's language): new complaints and their
// clocks, questions, answers, escalations, claims, spot checks, transfers and consents asked of a
// worker, personal data requests, a password reset. Each links to its subject — a complaint's page
// (a claim's notices too), an inspection's page, a booking, the worker's own page, the requests. Those newer than the last look are
// marked new, and the first page marks them seen (POST /api/notifications/seen), which clears the
// menu's count.
import { h, fill } from '../dom.js';
import { t, label } from '../i18n.js';
import { api, errorText } from '../api.js';
import { pageHead, loading, notice, pager, empty, badge } from '../ui.js';
import { fmtAt } from '../services.js';

const PER_PAGE = 20;

// Where a notice leads for me: a data request to the holder's queue, or to the person's own page.
export function subjectHref(n, me) {
  const role = me && me.user ? me.user.role : '';
  if (n.subject_kind === 'complaint') return `#/complaints/${n.subject_id}`;
  if (n.subject_kind === 'inspection') return `#/inspections/${n.subject_id}`;
  if (n.subject_kind === 'booking') return `#/bookings/${n.subject_id}`;
  if (n.subject_kind === 'transfer' || n.subject_kind === 'record_request') return role === 'worker' ? '#/me/worker' : null;
  if (n.subject_kind === 'data_request') return n.topic === 'data_request_answered' ? '#/me/data' : '#/data-requests';
  if (n.subject_kind === 'user') return '#/account';
  if (n.subject_kind === 'worker') return role === 'worker' ? '#/me/worker' : null;
  // a claim naming the worker to pay: theirs to answer in their claims
  if (n.subject_kind === 'claim') return role === 'worker' ? '#/me/claims' : null;
  return null;
}

export function render(slot, ctx) {
  let page = 1;
  const list = h('div', { class: 'notices-out' }, loading());

  async function load() {
    fill(list, loading());
    try {
      const r = await api('GET', '/api/notifications', { query: { page, per_page: PER_PAGE } });
      if (!ctx.current()) return;
      if (!r.items.length) {
        fill(list, empty(t('notifications.empty')));
        return;
      }
      fill(list, h('ol', { class: 'notices' }, r.items.map((n) => {
        const href = subjectHref(n, ctx.me);
        return h('li', { class: ['notice-item', /breach|escalat|overdue/.test(n.topic) ? 'notice-urgent' : null, n.unread ? 'notice-new' : null], dataset: { topic: n.topic, kind: n.subject_kind, subject: n.subject_id } },
          h('p', { class: 'notice-meta' },
            n.unread ? [badge(t('notifications.new'), 'brand'), ' '] : null,
            h('time', { class: 'muted', datetime: n.created_at }, fmtAt(n.created_at)), ' · ',
            h('span', { class: 'notice-topic' }, label('topics', n.topic))),
          h('p', { class: 'notice-text' }, href ? h('a', { href, class: 'notice-link' }, n.text) : n.text));
      })), r.total > PER_PAGE ? pager({ page: r.page, perPage: PER_PAGE, total: r.total, onPage: (p) => { page = p; load(); } }) : null);
      if (page === 1 && r.items[0].unread) {
        const seen = await api('POST', '/api/notifications/seen', { body: { up_to: r.items[0].id } });
        ctx.showUnread(seen.unread);
      } else if (page === 1) {
        ctx.showUnread(0);
      }
    } catch (err) {
      if (err.status !== 401 && ctx.current()) fill(list, notice('error', errorText(err)));
    }
  }

  fill(slot, h('section', { class: 'page page-notifications' },
    pageHead(t('nav.notifications'), t(ctx.me.org ? 'notifications.intro' : 'notifications.intro_mine')), list));
  load();
}
