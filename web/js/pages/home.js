// pages/home.js — #/home: each role's own landing page. Says who you are and for whom, what your
// role does on the platform (from the catalog), and links to the pages you can use now.
import { h, fill } from '../dom.js';
import { t, values, label, has } from '../i18n.js';
import { pagesFor } from '../nav.js';
import { pageHead, section } from '../ui.js';

export function render(slot, ctx) {
  const { user, org } = ctx.me;
  const role = user.role;
  const roleName = label('roles', role);
  const duties = values(`home.duties.${role}`);
  const links = pagesFor(ctx.me).filter((p) => p.key !== 'home');
  // what a page is for this role (the association's list of workers is not a company's roster)
  const linkText = (key) => t(has(`links_for.${role}.${key}`) ? `links_for.${role}.${key}` : `links.${key}`);
  fill(slot, h('section', { class: 'page page-home', dataset: { role } },
    pageHead(t('home.title', { role: roleName })),
    h('div', { class: 'greeting' },
      h('p', { class: 'greeting-hello' }, t('home.greeting', { name: user.name })),
      h('p', { class: 'greeting-org' }, org
        ? t('home.greeting_org', { org: org.name, role: roleName })
        : t('home.greeting_no_org', { role: roleName }))),
    section(t('home.duties_title'),
      h('ul', { class: 'duties' }, duties.map((d) => h('li', null, d))),
      h('p', { class: 'muted' }, t('home.duties_note'))),
    section(t('home.links_title'),
      h('ul', { class: 'quick-links' }, links.map((p) => h('li', null,
        h('a', { href: `#${p.path}`, class: 'quick-link', dataset: { page: p.key } },
          h('span', { class: `nav-icon nav-icon-${p.key}`, 'aria-hidden': 'true' }),
          h('span', { class: 'quick-link-text' },
            h('span', { class: 'quick-link-title' }, t(`nav.${p.key}`)),
            h('span', { class: 'quick-link-desc' }, linkText(p.key))))))))));
}
