// app.js — start-up and the frame around every page: loads the catalog, asks GET /api/me who is
// signed in, routes #/… to a page module, and draws the header, the role's menu and the language
// switch. Pages live in js/pages/, one module each, exporting render(slot, ctx).
import { h, fill } from './dom.js';
import { t, useLang, preferredLang, label } from './i18n.js';
import { api, setCsrf, onUnauthorized, errorText } from './api.js';
import { langToggle, notice, pageHead } from './ui.js';
import { route, pagesFor, can, allowed } from './nav.js';
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

const MODULES = {
  home, sessions, account, orgs, users, audit, workers, worker, training, session, rates, standards,
  my_worker: myWorker,
};
const root = document.getElementById('app');

let me = null;          // GET /api/me's answer while signed in
let flash = null;       // { kind, text } to show on the next page drawn
let shell = null;       // the signed-in frame, kept while only the page changes
let renderSeq = 0;
let lastPath = null;

function parseHash() {
  const raw = window.location.hash.replace(/^#/, '');
  const path = raw.split('?')[0] || '';
  return path.startsWith('/') ? path : `/${path}`;
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

// Forget the session in this tab and show the sign-in page with why.
function signedOut(text, kind = 'info') {
  hint(false);
  me = null;
  shell = null;
  setCsrf(null);
  flash = text ? { kind, text } : null;
  go('/login');
}

onUnauthorized(() => {
  if (me) signedOut(t('auth.session_ended'), 'warning');
});

// After a sign-in answer: learn the roles and capabilities, then the role's own page.
async function signedIn(answer) {
  setCsrf(answer.csrf_token);
  hint(true);
  me = await api('GET', '/api/me');
  setCsrf(me.csrf_token);
  go('/home');
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
  await useLang(l, true);
  shell = null;
  render({ keepFocus: true });
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
};

function showFlash(f) {
  const slot = shell ? shell.live : root.querySelector('.live');
  if (slot) fill(slot, f ? notice(f.kind, f.text) : null);
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
    h('a', { class: 'brand', href: '#/home' },
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
  return { frame, nav, main, live, slot, setOpen };
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
    // Redirects rewrite the address without a hashchange, so the page is drawn once.
    if (path !== '/login') window.history.replaceState(null, '', '#/login');
    shell = null;
    titleFor('auth.title');
    login.render(root, { ...ctx, flashNote: f });
    lastPath = '/login';
    return;
  }
  if (path === '/login' || path === '/') {
    path = '/home';
    window.history.replaceState(null, '', '#/home');
  }
  if (!shell) {
    shell = buildShell();
    fill(root, shell.frame);
  }
  shell.setOpen(false);
  const found = route(path);
  const page = found ? found.page : null;
  // a page reached from another (a worker's record) lights up its parent's menu entry
  const navPath = page && page.parent ? page.parent : path;
  for (const a of shell.nav.querySelectorAll('a')) {
    if (a.getAttribute('href') === `#${navPath}`) a.setAttribute('aria-current', 'page');
    else a.removeAttribute('aria-current');
  }
  fill(shell.live, f ? notice(f.kind, f.text) : null);
  const pageCtx = { ...ctx, params: found ? found.params : {}, current: () => seq === renderSeq };
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
