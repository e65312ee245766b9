// public.js — the frame of the pages anyone may open without signing in (/verify, /workers/<id>):
// the brand, the language switch (the same catalogs and remembered choice as the signed-in UI),
// and a page body drawn again from its own state whenever the language changes.
import { h, fill } from './dom.js';
import { t, useLang, preferredLang } from './i18n.js';
import { langToggle } from './ui.js';

// The site's menu as the main pages show it (search, satisfaction, complaint figures, sign in), for
// a public page outside the single-page site.
function siteLinks() {
  return [
    h('nav', { class: 'public-links', 'aria-label': t('layout.public_nav') },
      h('a', { href: '/#/', class: 'public-link' }, t('nav.search')),
      h('a', { href: '/#/satisfaction', class: 'public-link' }, t('nav.satisfaction')),
      h('a', { href: '/#/complaint-figures', class: 'public-link' }, t('nav.complaint_figures'))),
  ];
}

// Starts a public page: view() returns the body from the page's state; returns redraw(). With
// site set, the header carries the site's menu and "sign in", as the site's own pages do.
export async function startPublic(view, titleKey, { site = false } = {}) {
  const root = document.getElementById('app');
  await useLang(preferredLang());
  const main = h('main', { id: 'main', class: 'public-main', tabindex: '-1' });
  const draw = () => {
    document.title = `${t(titleKey)} · ${t('app.name')}`;
    fill(root, h('div', { class: 'public-page' },
      h('header', { class: ['public-top', site ? 'public-top-site' : null] },
        h('a', { class: 'brand', href: '/' },
          h('img', { class: 'brand-logo', src: '/favicon.svg', alt: '', width: '32', height: '32' }),
          h('span', { class: 'brand-text' },
            h('span', { class: 'brand-name' }, t('app.brand')),
            h('span', { class: 'public-tagline' }, t('public.tagline')))),
        site ? siteLinks() : null,
        langToggle(async (l) => { await useLang(l, true); draw(); }),
        site ? h('a', { class: 'btn btn-quiet sign-in', href: '/#/login' }, t('auth.sign_in')) : null),
      main,
      h('footer', { class: 'public-foot' }, t('public.foot'))));
    fill(main, view());
    root.removeAttribute('aria-busy');
  };
  draw();
  return () => fill(main, view());
}

// Catches a failed start (the catalog could not load) the way the signed-in UI does.
export function bootFailed(err) {
  const root = document.getElementById('app');
  root.replaceChildren(h('p', { class: 'boot-failed', role: 'alert' }, `安家 / Anjia: ${err.message}`));
}
