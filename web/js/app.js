// app.js — start-up and the frame around every page: loads the catalog, asks GET /api/me who is
// signed in, routes #/… to a page module, and draws the header, the role's menu and the language
// switch. Pages live in js/pages/, one module each, exporting render(slot, ctx).
import { h, fill } from './dom.js';
import { t, useLang, preferredLang, label } from './i18n.js';
import { api, setCsrf, onUnauthorized, errorText } from './api.js';
import { langToggle, notice, pageHead } from './ui.js';
import { route, pagesFor, can, allowed } from './nav.js';
import { attachUnread, showUnread, refreshUnread } from './unread.js';
import { takeForms, giveForms } from './keep-forms.js';
import * as login from './pages/login.js';
import * as home from './pages/home.js';
import * as sessions from './pages/sessions.js';
import * as account from './pages/account.js';
import * as orgs from './pages/orgs.js';
import * as users from './pages/users.js';
import * as audit from './pages/audit.js';
import * as workers from './pages/workers.js';
import * as worker from './pages/worker.js';
import * as training from './pages/training.js';
import * as session from './pages/session.js';
import * as rates from './pages/rates.js';
import * as standards from './pages/standards.js';
import * as myWorker from './pages/my-worker.js';
import * as search from './pages/search.js';
import * as book from './pages/book.js';
import * as signup from './pages/signup.js';
import * as setPassword from './pages/set-password.js';
import * as bookings from './pages/bookings.js';
import * as booking from './pages/booking.js';
import * as jobs from './pages/jobs.js';
import * as dispatch from './pages/dispatch.js';
import * as serviceItems from './pages/service-items.js';
import * as catalog from './pages/catalog.js';
import * as category from './pages/category.js';
import * as satisfaction from './pages/satisfaction.js';
import * as complaints from './pages/complaints.js';
import * as complaintNew from './pages/complaint-new.js';
import * as complaint from './pages/complaint.js';
import * as notifications from './pages/notifications.js';
import * as complaintFigures from './pages/complaint-figures.js';
import * as claims from './pages/claims.js';
import * as company from './pages/company.js';
import * as sampling from './pages/sampling.js';
import * as plan from './pages/plan.js';
import * as inspections from './pages/inspections.js';
import * as inspection from './pages/inspection.js';
import * as myData from './pages/my-data.js';
import * as transfers from './pages/transfers.js';
import * as dataRequests from './pages/data-requests.js';
import * as accessLog from './pages/access-log.js';
import * as requests from './pages/requests.js';
import * as phoneBooking from './pages/phone-booking.js';
import * as addresses from './pages/addresses.js';
import * as customerReset from './pages/customer-reset.js';
import * as noShows from './pages/no-shows.js';
import * as forgotPassword from './pages/forgot-password.js';
import * as track from './pages/track.js';
import * as reviews from './pages/reviews.js';

const MODULES = {
  home, sessions, account, orgs, users, audit, workers, worker, training, session, rates, standards,
  my_worker: myWorker, search, book, bookings, booking, jobs, dispatch, services: serviceItems, catalog,
  category, satisfaction, my_complaints: complaints, complaints, complaint_new: complaintNew, complaint,
  notifications, complaint_figures: complaintFigures, company, sampling, plan, inspections, inspection,
  set_password: setPassword, my_data: myData, transfers, data_requests: dataRequests, access_log: accessLog,
  requests, phone_booking: phoneBooking,
  addresses, customer_reset: customerReset, no_shows: noShows,
  track, claims, my_claims: claims, reviews,
};
// What anyone may open without signing in, drawn in the public frame (brand, language, sign-in).
const PUBLIC = {
  '/': search, '/search': search, '/satisfaction': satisfaction, '/complaint-figures': complaintFigures, '/signup': signup,
  '/set-password': setPassword, '/forgot-password': forgotPassword, '/track': track,
};
const PUBLIC_TITLES = {
  '/': 'nav.search', '/search': 'nav.search', '/satisfaction': 'nav.satisfaction',
  '/complaint-figures': 'nav.complaint_figures', '/signup': 'signup.title', '/set-password': 'setpw.title',
  '/forgot-password': 'forgot.title',
  '/track': 'nav.track',
};
// Public pages of one record (a company's profile, a sampling plan), with the id as ctx.params.id.
const PUBLIC_RECORDS = [
  { re: /^\/companies\/([1-9]\d{0,17})$/, page: company, title: 'nav.company' },
  { re: /^\/sampling-plans\/([1-9]\d{0,17})$/, page: plan, title: 'nav.plan' },
];

// The public page for a path: { page, title, params }, or null.
function publicRoute(path) {
  if (PUBLIC[path]) return { page: PUBLIC[path], title: PUBLIC_TITLES[path], params: {} };
  for (const r of PUBLIC_RECORDS) {
    const m = r.re.exec(path);
    if (m) return { page: r.page, title: r.title, params: { id: m[1] } };
  }
  return null;
}
const root = document.getElementById('app');

let me = null;          // GET /api/me's answer while signed in
let flash = null;       // { kind, text } to show on the next page drawn
let shell = null;       // the signed-in frame, kept while only the page changes
let renderSeq = 0;
let lastPath = null;
let next = null;        // the page (hash) asked for before signing in, to return to after
let publicFrame = null; // the signed-out frame, kept while only the page changes

function parseHash() {
  const raw = window.location.hash.replace(/^#/, '');
  const path = raw.split('?')[0] || '';
  return path.startsWith('/') ? path : `/${path}`;
}

// The part of the hash after "?" (#/search?category=…), as URLSearchParams.
function parseQuery() {
  const raw = window.location.hash;
  const i = raw.indexOf('?');
  return new URLSearchParams(i >= 0 ? raw.slice(i + 1) : '');
}

// Rewrites the current hash's query without drawing the page again (a search's filters).
function setQuery(values) {
  const p = new URLSearchParams();
  for (const [k, v] of Object.entries(values)) if (v !== undefined && v !== null && v !== '') p.set(k, String(v));
  const qs = p.toString();
  window.history.replaceState(null, '', `#${parseHash()}${qs ? `?${qs}` : ''}`);
}

// Where a signed-in user starts: customers at the search, workers at today's jobs, everyone else at
// their workspace.
function homeFor(who) {
  const role = who && who.user ? who.user.role : null;
  if (role === 'customer') return '/search';
  return role === 'worker' ? '/jobs' : '/home';
}

function go(path) {
  if (window.location.hash === `#${path}`) render();
  else window.location.hash = `#${path}`;
}

// Whether this browser may hold a session cookie. The cookie is HttpOnly, so the page cannot see
// it; without this hint every anonymous visit would ask GET /api/me and get a 401, which the
// browser logs as a console error. It is only a hint: the API decides, and a 401 clears it.
const HINT = 'anjia.signed_in';
function hint(on) {
  try {
    if (on) window.localStorage.setItem(HINT, '1');
    else window.localStorage.removeItem(HINT);
  } catch { /* storage off: GET /api/me is always asked */ }
}
function mayBeSignedIn() {
  try { return window.localStorage.getItem(HINT) === '1'; } catch { return true; }
}

// Forget the session in this tab and show the sign-in page with why. comeBack: after signing in
// again, return to the page that was open (the session ended under it).
function signedOut(text, kind = 'info', { comeBack = false } = {}) {
  hint(false);
  me = null;
  shell = null;
  setCsrf(null);
  flash = text ? { kind, text } : null;
  next = comeBack ? window.location.hash.replace(/^#/, '') : null;
  go('/login');
}

onUnauthorized(() => {
  if (me) signedOut(t('auth.session_ended'), 'warning', { comeBack: true });
});

// After a sign-in answer: learn the roles and capabilities, then the page asked for before signing
// in, or the role's own start.
async function signedIn(answer) {
  setCsrf(answer.csrf_token);
  hint(true);
  me = await api('GET', '/api/me');
  setCsrf(me.csrf_token);
  const to = next;
  next = null;
  go(to && to !== '/login' && to !== '/signup' ? to : homeFor(me));
}

async function logout() {
  try {
    await api('POST', '/api/auth/logout', { keep401: true });
  } catch (err) {
    if (err.status !== 401) {
      showFlash({ kind: 'error', text: errorText(err) });
      return;
    }
  }
  signedOut(t('auth.signed_out'));
}

async function switchLang(l) {
  const typed = takeForms(root);
  await useLang(l, true);
  shell = null;
  publicFrame = null;
  render({ keepFocus: true });
  giveForms(root, typed);
}

const ctx = {
  get me() { return me; },
  go,
  signedIn,
  signedOut,
  switchLang,
  can: (cap) => can(me, cap),
  // A message at the top of the current page (polite live region).
  flash: (kind, text) => showFlash({ kind, text }),
  // A message for the next page drawn (before ctx.go to another page).
  flashNext: (kind, text) => { flash = { kind, text }; },
  // Takes down the message the page was opened with (once the page has news of its own).
  clearFlash: () => showFlash(null),
  // How many notices are new, once a page has marked some seen.
  showUnread,
};

function showFlash(f) {
  const slot = shell ? shell.live : root.querySelector('.live');
  if (slot) fill(slot, f ? notice(f.kind, f.text) : null);
}

// The frame of the public pages (the search, satisfaction, customer sign-up): the brand, links,
// the language switch and "sign in" at the top right.
function buildPublic() {
  const main = h('main', { id: 'main', class: 'public-main public-main-wide', tabindex: '-1' });
  const live = h('div', { class: 'live', 'aria-live': 'polite' });
  const slot = h('div', { class: 'page-slot' });
  main.append(live, slot);
  const links = h('nav', { class: 'public-links', 'aria-label': t('layout.public_nav') },
    h('a', { href: '#/', class: 'public-link', dataset: { page: 'search' } }, t('nav.search')),
    h('a', { href: '#/satisfaction', class: 'public-link', dataset: { page: 'satisfaction' } }, t('nav.satisfaction')),
    h('a', { href: '#/complaint-figures', class: 'public-link', dataset: { page: 'complaint_figures' } }, t('nav.complaint_figures')),
    h('a', { href: '#/track', class: 'public-link', dataset: { page: 'track' } }, t('nav.track')));
  const frame = h('div', { class: 'public-page public-site' },
    h('header', { class: 'public-top' },
      h('a', { class: 'brand', href: '#/' },
        h('img', { class: 'brand-logo', src: 'favicon.svg', alt: '', width: '32', height: '32' }),
        h('span', { class: 'brand-text' },
          h('span', { class: 'brand-name' }, t('app.brand')),
          h('span', { class: 'public-tagline' }, t('app.tagline')))),
      links,
      langToggle(switchLang),
      h('a', { class: 'btn btn-quiet sign-in', href: '#/login' }, t('auth.sign_in'))),
    main,
    h('footer', { class: 'public-foot' }, t('public.foot_site')));
  return { frame, main, live, slot, links };
}

function renderPublic(path, pub, f, seq) {
  shell = null;
  if (!publicFrame) {
    publicFrame = buildPublic();
    fill(root, publicFrame.frame);
  }
  const here = path === '/search' ? '/' : path;
  for (const a of publicFrame.links.querySelectorAll('a')) {
    if (a.getAttribute('href') === `#${here}`) a.setAttribute('aria-current', 'page');
    else a.removeAttribute('aria-current');
  }
  fill(publicFrame.live, f ? notice(f.kind, f.text) : null);
  titleFor(pub.title);
  pub.page.render(publicFrame.slot, { ...ctx, params: pub.params, query: parseQuery(), setQuery, current: () => seq === renderSeq });
}

function buildShell() {
  const menuBtn = h('button', {
    type: 'button', class: 'menu-toggle', 'aria-expanded': 'false', 'aria-controls': 'nav',
  }, h('span', { class: 'menu-icon', 'aria-hidden': 'true' }), h('span', { class: 'menu-text' }, t('layout.menu')));
  const nav = h('nav', { id: 'nav', class: 'nav', 'aria-label': t('layout.nav_label') },
    h('ul', { class: 'nav-list' }, pagesFor(me).map((p) => h('li', null,
      h('a', { href: `#${p.path}`, class: 'nav-link', dataset: { page: p.key } },
        h('span', { class: `nav-icon nav-icon-${p.key}`, 'aria-hidden': 'true' }), t(`nav.${p.key}`))))));
  const setOpen = (open) => {
    nav.classList.toggle('open', open);
    menuBtn.setAttribute('aria-expanded', String(open));
  };
  menuBtn.addEventListener('click', () => setOpen(!nav.classList.contains('open')));
  nav.addEventListener('keydown', (e) => {
    if (e.key === 'Escape' && nav.classList.contains('open')) { setOpen(false); menuBtn.focus(); }
  });
  const role = me.user.role;
  const main = h('main', { id: 'main', class: 'main', tabindex: '-1' });
  const live = h('div', { class: 'live', 'aria-live': 'polite' });
  const slot = h('div', { class: 'page-slot' });
  main.append(live, slot);
  const skip = h('a', { class: 'skip-link', href: '#/', onclick: (e) => { e.preventDefault(); main.focus(); } }, t('common.skip'));
  const header = h('header', { class: 'topbar' },
    menuBtn,
    h('a', { class: 'brand', href: `#${homeFor(me)}` },
      h('img', { class: 'brand-logo', src: 'favicon.svg', alt: '', width: '32', height: '32' }),
      h('span', { class: 'brand-text' },
        h('span', { class: 'brand-name' }, t('app.brand')),
        h('span', { class: 'brand-tagline' }, t('app.tagline')))),
    h('div', { class: 'topbar-user', 'aria-label': t('layout.user_label'), role: 'group' },
      h('span', { class: 'user-name' }, me.user.name),
      h('span', { class: 'user-role', dataset: { role } }, label('roles', role)),
      me.org ? h('span', { class: 'user-org' }, me.org.name) : null),
    h('div', { class: 'topbar-actions' }, langToggle(switchLang)),
    h('span', { class: 'topbar-break', 'aria-hidden': 'true' }),
    h('button', { type: 'button', class: 'btn btn-quiet logout', onclick: logout }, t('auth.logout')));
  const frame = h('div', { class: 'shell' }, skip, header, h('div', { class: 'body' }, nav, main));
  return { frame, nav, main, live, slot, setOpen, menuBtn };
}

function titleFor(key) {
  document.title = `${t(key)} · ${t('app.name')}`;
}

function denied(slot) {
  fill(slot, h('section', { class: 'page page-denied' },
    pageHead(t('denied.title')),
    h('p', null, t('denied.text', { role: label('roles', me.user.role) })),
    h('p', null, h('a', { href: '#/home', class: 'btn btn-primary' }, t('common.back_home')))));
}

function notFound(slot) {
  fill(slot, h('section', { class: 'page page-notfound' },
    pageHead(t('notfound.title')),
    h('p', null, t('notfound.text')),
    h('p', null, h('a', { href: '#/home', class: 'btn btn-primary' }, t('common.back_home')))));
}

// Draws whatever the hash names. Stale renders (a newer navigation began) are dropped by pages
// that check ctx.current().
function render({ keepFocus = false } = {}) {
  const seq = ++renderSeq;
  root.removeAttribute('aria-busy');
  let path = parseHash();
  const f = flash;
  flash = null;
  if (!me) {
    const pub = publicRoute(path);
    if (pub) {
      if (path !== '/signup') next = null;
      renderPublic(path, pub, f, seq);
    } else {
      // Redirects rewrite the address without a hashchange, so the page is drawn once. A page
      // that needs signing in is remembered and opened after.
      if (path !== '/login') {
        next = window.location.hash.replace(/^#/, '');
        window.history.replaceState(null, '', '#/login');
      }
      shell = null;
      publicFrame = null;
      titleFor('auth.title');
      const why = f || (path !== '/login' && next ? { kind: 'info', text: t(next.startsWith('/book') ? 'auth.sign_in_to_book' : 'auth.sign_in_first') } : null);
      login.render(root, { ...ctx, flashNote: why });
      path = '/login';
    }
    const movedOut = lastPath !== null && lastPath !== path;
    lastPath = path;
    if (movedOut && publicFrame) {
      const h1 = publicFrame.slot.querySelector('h1');
      if (h1) h1.focus({ preventScroll: false });
      window.scrollTo(0, 0);
    }
    return;
  }
  publicFrame = null;
  if (path === '/login' || path === '/' || path === '/signup') {
    // a shared search (#/?category=…) stays a search for a customer
    const keep = path === '/' && homeFor(me) === '/search' ? window.location.hash.replace(/^#\/?[^?]*/, '') : '';
    path = homeFor(me);
    window.history.replaceState(null, '', `#${path}${keep}`);
  }
  if (!shell) {
    shell = buildShell();
    fill(root, shell.frame);
    attachUnread(shell.nav, shell.menuBtn);
  }
  shell.setOpen(false);
  const found = route(path, me);
  const page = found ? found.page : null;
  // a page reached from another (a worker's record) lights up its parent's menu entry
  const parent = page && typeof page.parent === 'function' ? page.parent(me) : page && page.parent;
  const navPath = parent || path;
  for (const a of shell.nav.querySelectorAll('a')) {
    if (a.getAttribute('href') === `#${navPath}`) a.setAttribute('aria-current', 'page');
    else a.removeAttribute('aria-current');
  }
  fill(shell.live, f ? notice(f.kind, f.text) : null);
  const pageCtx = { ...ctx, params: found ? found.params : {}, query: parseQuery(), setQuery, current: () => seq === renderSeq };
  if (!page) {
    titleFor('notfound.title');
    notFound(shell.slot);
  } else if (!allowed(me, page)) {
    titleFor('denied.title');
    denied(shell.slot);
  } else {
    titleFor(`nav.${page.key}`);
    MODULES[page.key].render(shell.slot, pageCtx);
  }
  if (!page || page.key !== 'notifications') refreshUnread();
  const moved = lastPath !== null && lastPath !== path;
  lastPath = path;
  if (moved && !keepFocus) {
    const h1 = shell.slot.querySelector('h1');
    if (h1) h1.focus({ preventScroll: false });
    window.scrollTo(0, 0);
  }
}

async function boot() {
  await useLang(preferredLang());
  if (mayBeSignedIn()) {
    try {
      me = await api('GET', '/api/me', { keep401: true });
      setCsrf(me.csrf_token);
    } catch (err) {
      me = null;
      if (err.status === 401) hint(false);
      else flash = { kind: 'error', text: errorText(err) };
    }
  }
  window.addEventListener('hashchange', () => render());
  render();
}

boot().catch((err) => {
  // The catalog itself failed to load: nothing translated is available, so say it plainly once.
  root.replaceChildren(h('p', { class: 'boot-failed', role: 'alert' }, `安家 / Anjia: ${err.message}`));
});
