// nav.js — the signed-in pages and what each needs: a capability from GET /api/me's caps (or one
// of several), or a role (or one of several); nothing for what every signed-in user has. Paths may
// hold numeric parameters (/workers/:id); pages with menu:false are reached from other pages and
// light up their parent's menu entry (a function of the user where it depends on who is looking).

// Spot checks: the association, the inspectors and the companies (whose dispatchers answer the
// rectification orders), not the service centre.
const INSPECTIONS = ['sampling.manage', 'inspect', 'booking.dispatch'];

export const PAGES = [
  { path: '/home', key: 'home' },
  { path: '/search', key: 'search', cap: 'booking.create' },
  { path: '/search', key: 'search', menu: false },
  { path: '/book', key: 'book', cap: 'booking.create', menu: false, parent: '/search' },
  { path: '/bookings', key: 'bookings', cap: 'booking.create' },
  { path: '/me/addresses', key: 'addresses', role: 'customer' },
  { path: '/bookings/:id', key: 'booking', menu: false, parent: bookingParent },
  // month items are asked of the company: the customer's requests here, the company's by its board
  { path: '/requests', key: 'requests', role: 'customer' },
  { path: '/jobs', key: 'jobs', role: 'worker' },
  { path: '/complaints', key: 'my_complaints', role: 'customer' },
  { path: '/complaints', key: 'complaints', cap: 'complaint.handle' },
  { path: '/customer-reset', key: 'customer_reset', cap: 'customer.reset' },
  { path: '/no-shows', key: 'no_shows', cap: 'centre.check' },
  { path: '/complaints/new', key: 'complaint_new', cap: 'complaint.file', menu: false, parent: '/complaints' },
  { path: '/complaints/:id', key: 'complaint', cap: ['complaint.file', 'complaint.handle'], menu: false, parent: '/complaints' },
  // compensation: the association's queue of disputed claims; the claims naming a worker to pay
  { path: '/claims', key: 'claims', cap: 'complaint.oversee' },
  { path: '/me/claims', key: 'my_claims', role: 'worker' },
  // everyone is told things: a reset of their password, a transfer or a consent asked of a worker
  { path: '/notifications', key: 'notifications' },
  { path: '/sampling', key: 'sampling', cap: 'sampling.manage' },
  { path: '/inspections', key: 'inspections', cap: INSPECTIONS },
  { path: '/inspections/:id', key: 'inspection', cap: INSPECTIONS, menu: false, parent: '/inspections' },
  { path: '/sessions', key: 'sessions' },
  { path: '/account', key: 'account' },
  { path: '/me/data', key: 'my_data' },
  { path: '/set-password', key: 'set_password', menu: false },
  { path: '/me/worker', key: 'my_worker', role: 'worker' },
  { path: '/workers', key: 'workers', cap: 'worker.read', notRole: 'worker' },
  { path: '/workers/:id', key: 'worker', cap: 'worker.read', notRole: 'worker', menu: false, parent: '/workers' },
  { path: '/transfers', key: 'transfers', cap: 'worker.manage' },
  // who holds a person's record answers their corrections: the company, and the association
  { path: '/data-requests', key: 'data_requests', role: ['association_admin', 'company_admin', 'company_staff'] },
  { path: '/dispatch', key: 'dispatch', cap: 'booking.dispatch' },
  { path: '/dispatch/phone', key: 'phone_booking', cap: 'booking.dispatch', menu: false, parent: '/dispatch' },
  { path: '/requests', key: 'requests', role: ['company_admin', 'company_staff'] },
  { path: '/services', key: 'services', cap: 'service.manage' },
  // reviews that count: the association with their signals, a company its own and what was excluded
  { path: '/reviews', key: 'reviews', cap: ['review.oversee', 'booking.dispatch'] },
  { path: '/training', key: 'training', cap: ['training.define', 'training.run', 'training.enrol', 'training.report'] },
  { path: '/training/sessions/:id', key: 'session', cap: ['training.define', 'training.run', 'training.enrol', 'training.report'], menu: false, parent: '/training' },
  { path: '/training/rates', key: 'rates', cap: 'training.report' },
  { path: '/satisfaction', key: 'satisfaction' },
  { path: '/complaint-figures', key: 'complaint_figures' },
  // a complaint followed by its tracking number, as a caller without an account does
  { path: '/track', key: 'track', menu: false },
  { path: '/companies/:id', key: 'company', menu: false },
  { path: '/sampling-plans/:id', key: 'plan', menu: false, parent: planParent },
  { path: '/standards', key: 'standards', cap: ['cert.manage', 'standards.manage'] },
  { path: '/catalog', key: 'catalog', cap: 'catalog.manage' },
  { path: '/catalog/:id', key: 'category', cap: 'catalog.manage', menu: false, parent: '/catalog' },
  { path: '/orgs', key: 'orgs', cap: 'org.read' },
  { path: '/users', key: 'users', cap: 'user.read' },
  { path: '/audit', key: 'audit', cap: 'audit.read' },
  { path: '/access-log', key: 'access_log', cap: 'audit.read' },
];

// The menu entry a booking's page lights up: the customer's list, the worker's jobs, the board.
function bookingParent(me) {
  const role = me && me.user ? me.user.role : null;
  if (role === 'worker') return '/jobs';
  if (can(me, 'booking.dispatch')) return '/dispatch';
  return '/bookings';
}

// A sampling plan's page lights up the association's plans, or the spot checks.
function planParent(me) {
  return can(me, 'sampling.manage') ? '/sampling' : '/inspections';
}

// Whether me holds cap (a name, or a list of which any one will do).
export function can(me, cap) {
  if (!cap) return true;
  const caps = me && Array.isArray(me.caps) ? me.caps : [];
  return Array.isArray(cap) ? cap.some((c) => caps.includes(c)) : caps.includes(cap);
}

// Whether me may open page p.
export function allowed(me, p) {
  const role = me && me.user ? me.user.role : null;
  if (p.role && !(Array.isArray(p.role) ? p.role.includes(role) : p.role === role)) return false;
  if (p.notRole && p.notRole === role) return false;
  return can(me, p.cap);
}

// The page for a path and its parameters ({ id: '12' }), or null. Of two rows for one path (the
// search: in the customer's menu, open to everyone) the first one allowed is taken.
export function route(path, me) {
  let fallback = null;
  for (const p of PAGES) {
    const names = [];
    const re = new RegExp(`^${p.path.replace(/:(\w+)/g, (m, n) => { names.push(n); return '([1-9]\\d{0,17})'; })}$`);
    const m = re.exec(path);
    if (!m) continue;
    const found = { page: p, params: Object.fromEntries(names.map((n, i) => [n, m[i + 1]])) };
    if (!me || allowed(me, p)) return found;
    if (!fallback) fallback = found;
  }
  return fallback;
}

// The pages this signed-in user has in the menu, in menu order.
export function pagesFor(me) {
  return PAGES.filter((p) => p.menu !== false && allowed(me, p));
}
