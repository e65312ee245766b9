// pages/login.js — #/login: the product's name and purpose, the sign-in form and the language
// switch, a way back to the public search, to a new customer account, to a forgotten password and to
// setting a password with a one-time code. A wrong password or a locked login is explained by the API error's code.
import { h, fill } from '../dom.js';
import { t } from '../i18n.js';
import { api, errorText } from '../api.js';
import { field, input, form, clearErrors, showError, busy, langToggle, notice } from '../ui.js';

let keptLogin = ''; // what was typed before a language switch redrew the page

// The login to show filled in next time (after a password was set with a code).
export function presetLogin(login) {
  keptLogin = login || '';
}

export function render(root, ctx) {
  const loginInput = input({ name: 'login', autocomplete: 'username', autocapitalize: 'none', spellcheck: 'false', required: true, value: keptLogin, maxlength: '64' });
  const pwInput = input({ type: 'password', name: 'password', autocomplete: 'current-password', required: true, maxlength: '1024' });
  loginInput.addEventListener('input', () => { keptLogin = loginInput.value; });
  const submit = h('button', { type: 'submit', class: 'btn btn-primary btn-block' }, t('auth.submit'));
  const f = form({ class: 'form login-form', 'aria-labelledby': 'login-title' },
    field({ label: t('auth.login'), control: loginInput, name: 'login' }),
    field({ label: t('auth.password'), control: pwInput, name: 'password' }),
    submit);

  f.addEventListener('submit', async (e) => {
    e.preventDefault();
    clearErrors(f);
    const login = loginInput.value.trim();
    if (!login) return showError(f, t('auth.login_required'), 'login');
    if (!pwInput.value) return showError(f, t('auth.password_required'), 'password');
    await busy(f, async () => {
      submit.textContent = t('auth.submitting');
      try {
        const answer = await api('POST', '/api/auth/login', { body: { login, password: pwInput.value }, keep401: true });
        keptLogin = '';
        await ctx.signedIn(answer);
      } catch (err) {
        pwInput.value = '';
        // The API names no field for a refused sign-in: say it above the form, then retry.
        showError(f, errorText(err), err.field === 'login' ? 'login' : null);
        pwInput.focus();
      } finally {
        submit.textContent = t('auth.submit');
      }
    });
  });

  const note = ctx.flashNote;
  fill(root, h('div', { class: 'login-page' },
    h('div', { class: 'login-top' },
      h('a', { class: 'login-back', href: '#/' }, t('auth.back_to_search')),
      langToggle((l) => ctx.switchLang(l))),
    h('main', { id: 'main', class: 'login-main', tabindex: '-1' },
      h('div', { class: 'login-card' },
        h('div', { class: 'login-brand' },
          h('img', { class: 'login-logo', src: 'favicon.svg', alt: '', width: '56', height: '56' }),
          h('h1', { class: 'login-name' }, t('app.brand')),
          h('p', { class: 'login-tagline' }, t('app.tagline'))),
        h('div', { class: 'live', 'aria-live': 'polite' }, note ? notice(note.kind, note.text) : null),
        h('h2', { id: 'login-title', class: 'login-title' }, t('auth.title')),
        f,
        h('p', { class: 'login-forgot' }, h('a', { href: '#/forgot-password', class: 'forgot-password-link' }, t('auth.forgot'))),
        h('p', { class: 'login-code' }, h('a', { href: '#/set-password', class: 'set-password-link' }, t('auth.set_password'))),
        h('p', { class: 'login-signup' }, t('auth.no_account'), ' ',
          h('a', { href: '#/signup', class: 'signup-link' }, t('auth.sign_up')))),
      h('p', { class: 'login-foot' }, t('auth.foot')))));
  (keptLogin ? pwInput : loginInput).focus();
}
