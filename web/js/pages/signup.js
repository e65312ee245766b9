// pages/signup.js — #/signup, public: a household opens a customer account, told in plain words what
// they can do with it
// (POST /api/public/customers), is signed in with it at once, and goes back to what they were
// doing (a booking begun from the search).
import { h, fill } from '../dom.js';
import { t, values } from '../i18n.js';
import { api, errorText } from '../api.js';
import { pageHead, field, input, form, clearErrors, showError, busy } from '../ui.js';
import { fieldOf } from '../services.js';

const PASSWORD_FIELD = { password_too_short: 'password', password_too_long: 'password', password_invalid: 'password' };

export function render(slot, ctx) {
  const cLogin = input({ name: 'login', maxlength: '64', autocomplete: 'username', autocapitalize: 'none', spellcheck: 'false', class: 'input mono' });
  const cName = input({ name: 'name', maxlength: '50', autocomplete: 'name' });
  const cPass = input({ name: 'password', type: 'password', maxlength: '1024', autocomplete: 'new-password' });
  const cRepeat = input({ name: 'repeat', type: 'password', maxlength: '1024', autocomplete: 'new-password' });
  const f = form({ class: 'form signup-form', 'aria-labelledby': 'signup-title' },
    field({ label: t('signup.login'), control: cLogin, name: 'login', hint: t('signup.login_hint') }),
    field({ label: t('signup.name'), control: cName, name: 'name' }),
    field({ label: t('signup.password'), control: cPass, name: 'password', hint: t('signup.password_hint') }),
    field({ label: t('account.repeat'), control: cRepeat, name: 'repeat' }),
    h('div', { class: 'form-actions' },
      h('button', { type: 'submit', class: 'btn btn-primary btn-block' }, t('signup.submit'))));
  f.addEventListener('submit', async (e) => {
    e.preventDefault();
    clearErrors(f);
    const body = { login: cLogin.value.trim().toLowerCase(), name: cName.value.trim(), password: cPass.value };
    if (!body.login) return showError(f, t('auth.login_required'), 'login');
    if (!body.name) return showError(f, t('common.required'), 'name');
    if (body.password.length < 12) return showError(f, t('errors.password_too_short'), 'password');
    if (cRepeat.value !== body.password) return showError(f, t('account.mismatch'), 'repeat');
    await busy(f, async () => {
      try {
        await api('POST', '/api/public/customers', { body });
      } catch (err) {
        showError(f, errorText(err), PASSWORD_FIELD[err.code] || fieldOf(err));
        return;
      }
      try {
        const answer = await api('POST', '/api/auth/login', { body: { login: body.login, password: body.password }, keep401: true });
        ctx.flashNext('success', t('signup.done', { login: body.login }));
        await ctx.signedIn(answer);
      } catch (err) {
        // the account exists; signing in is left to the sign-in page
        ctx.flashNext('warning', t('signup.sign_in_now', { login: body.login }));
        ctx.go('/login');
      }
    });
  });
  fill(slot, h('section', { class: 'page page-signup' },
    h('div', { class: 'signup-card' },
      pageHead(t('signup.title'), t('signup.intro')),
      h('ul', { class: 'signup-can' }, values('signup.can').map((x) => h('li', null, x))),
      h('h2', { id: 'signup-title', class: 'visually-hidden' }, t('signup.title')),
      f,
      h('p', { class: 'login-signup' }, t('signup.have_account'), ' ', h('a', { href: '#/login' }, t('auth.sign_in'))))));
}
