// public.js — the frame of the pages anyone may open without signing in (/verify, /workers/<id>):
// the brand, the language switch (the same catalogs and remembered choice as the signed-in UI),
// and a page body drawn again from its own state whenever the language changes.
import { h, fill } from './dom.js';
import { t, useLang, preferredLang } from './i18n.js';
import { langToggle } from './ui.js';

// Starts a public page: view() returns the body from the page's state; returns redraw().
export async function startPublic(view, titleKey) {
  const root = document.getElementById('app');
  await useLang(preferredLang());
  const main = h('main', { id: 'main', class: 'public-main', tabindex: '-1' });
  const draw = () => {
    document.title = `${t(titleKey)} · ${t('app.name')}`;
    fill(root, h('div', { class: 'public-page' },
      h('header', { class: 'public-top' },
        h('a', { class: 'brand', href: '/' },
          h('img', { class: 'brand-logo', src: '/favicon.svg', alt: '', width: '32', height: '32' }),
          h('span', { class: 'brand-text' },
            h('span', { class: 'brand-name' }, t('app.brand')),
            h('span', { class: 'public-tagline' }, t('public.tagline')))),
        langToggle(async (l) => { await useLang(l, true); draw(); })),
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
