// nav.js — the signed-in pages and the capability each needs (GET /api/me's caps decide).
export const PAGES = [
  { path: '/home', key: 'home' },
  { path: '/sessions', key: 'sessions' },
  { path: '/account', key: 'account' },
  { path: '/orgs', key: 'orgs', cap: 'org.read' },
  { path: '/users', key: 'users', cap: 'user.read' },
  { path: '/audit', key: 'audit', cap: 'audit.read' },
];

export function can(me, cap) {
  return !cap || (me && Array.isArray(me.caps) && me.caps.includes(cap));
}

// The pages this signed-in user may open, in menu order.
export function pagesFor(me) {
  return PAGES.filter((p) => can(me, p.cap));
}
