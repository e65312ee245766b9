// unread.js — how many notices are new, beside the menu's notifications entry and as a dot on the
// phone's menu button: read from GET /api/notifications/unread each time a page is drawn, and set
// by the notifications page once it has marked what it shows as seen.
import { h } from './dom.js';
import { t } from './i18n.js';
import { api } from './api.js';

let link = null;
let button = null;
let seq = 0;

// Where the count shows: the menu (its notifications entry, if the user has one) and its button.
export function attachUnread(nav, menuButton) {
  link = nav.querySelector('a[data-page=notifications]');
  button = menuButton;
}

export function showUnread(n) {
  seq += 1;
  if (!link) return;
  let badge = link.querySelector('.nav-count');
  if (n > 0) {
    if (!badge) link.append(badge = h('span', { class: 'nav-count' }));
    badge.textContent = n > 99 ? '99+' : String(n);
    badge.title = t('notifications.unread', { n });
  } else if (badge) {
    badge.remove();
  }
  button.classList.toggle('has-unread', n > 0);
}

export async function refreshUnread() {
  if (!link) return;
  const mine = ++seq;
  try {
    const r = await api('GET', '/api/notifications/unread', { keep401: true });
    if (mine === seq) showUnread(r.unread);
  } catch { /* the count waits for the next page */ }
}
