// pages/forgot-password.js — #/forgot-password, public, reached from the sign-in page: a customer
// who forgot their password calls the association's 24-hour service centre, which confirms who is
// calling (their name, and a booking number or the telephone they booked with) and reads out a
// one-time code; the customer types it here with a new password. Workers and staff are told whom to
// ask instead.
import { h, fill } from '../dom.js';
import { t, values } from '../i18n.js';
import { pageHead } from '../ui.js';
import { codeForm } from './set-password.js';

export function render(slot, ctx) {
  const { f, focus } = codeForm(ctx);
  fill(slot, h('section', { class: 'page page-forgot-password' },
    h('div', { class: 'signup-card' },
      pageHead(t('forgot.title'), t('forgot.intro')),
      h('ol', { class: 'forgot-steps' }, values('forgot.steps').map((s) => h('li', null, s))),
      h('h2', { id: 'setpw-title', class: 'forgot-form-title' }, t('forgot.form_title')),
      f,
      h('p', { class: 'muted forgot-staff' }, t('forgot.staff')),
      h('p', { class: 'login-signup' }, t('setpw.have_password'), ' ', h('a', { href: '#/login' }, t('auth.sign_in'))))));
  focus();
}
