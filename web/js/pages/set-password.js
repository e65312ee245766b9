// pages/set-password.js — #/set-password, public: a person chooses their own password with the
// one-time code their administrator handed them (a new account's set-up code, or a reset code; the
// "forgot password" page uses the same form):
// POST /api/auth/password-code. Every session of the account ends; the page then leads to sign-in
// with the login filled in.
import { h, fill } from '../dom.js';
import { t } from '../i18n.js';
import { api, errorText } from '../api.js';
import { pageHead, field, input, form, clearErrors, showError, busy } from '../ui.js';
import { presetLogin } from './login.js';

// The field each refusal belongs to.
const FIELD_OF = {
  invalid_code: 'code', password_too_short: 'new_password', password_too_long: 'new_password',
  password_invalid: 'new_password', password_common: 'new_password', password_contains_login: 'new_password',
  password_contains_name: 'new_password', login: 'login',
};

export function render(slot, ctx) {
  const { f, focus } = codeForm(ctx);
  fill(slot, h('section', { class: 'page page-set-password' },
    h('div', { class: 'signup-card' },
      pageHead(t('setpw.title'), t('setpw.intro')),
      h('h2', { id: 'setpw-title', class: 'visually-hidden' }, t('setpw.title')),
      f,
      h('p', { class: 'muted setpw-none' }, t('setpw.no_code')),
      h('p', { class: 'login-signup' }, t('setpw.have_password'), ' ', h('a', { href: '#/login' }, t('auth.sign_in'))))));
  focus();
}

// The login, the code and the new password twice, sent to POST /api/auth/password-code; then to
// the sign-in page with the login filled in. Returns the form and what to focus once it is shown.
export function codeForm(ctx) {
  const given = ctx.query.get('login') || '';
  const cLogin = input({ name: 'login', maxlength: '64', autocomplete: 'username', autocapitalize: 'none', spellcheck: 'false', class: 'input mono', value: given });
  const cCode = input({ name: 'code', maxlength: '20', autocomplete: 'one-time-code', autocapitalize: 'characters', spellcheck: 'false', class: 'input mono code-input', placeholder: 'XXXXX-XXXXX' });
  const cPass = input({ name: 'new_password', type: 'password', maxlength: '1024', autocomplete: 'new-password' });
  const cRepeat = input({ name: 'repeat', type: 'password', maxlength: '1024', autocomplete: 'new-password' });
  const f = form({ class: 'form set-password-form', 'aria-labelledby': 'setpw-title' },
    field({ label: t('setpw.login'), control: cLogin, name: 'login' }),
    field({ label: t('setpw.code'), control: cCode, name: 'code', hint: t('setpw.code_hint') }),
    field({ label: t('account.new'), control: cPass, name: 'new_password', hint: t('account.rules') }),
    field({ label: t('account.repeat'), control: cRepeat, name: 'repeat' }),
    h('div', { class: 'form-actions' },
      h('button', { type: 'submit', class: 'btn btn-primary btn-block' }, t('setpw.submit'))));
  f.addEventListener('submit', async (e) => {
    e.preventDefault();
    clearErrors(f);
    const login = cLogin.value.trim().toLowerCase();
    const code = cCode.value.trim();
    if (!login) return showError(f, t('auth.login_required'), 'login');
    if (!code) return showError(f, t('setpw.code_required'), 'code');
    if (cPass.value.length < 12) return showError(f, t('errors.password_too_short'), 'new_password');
    if (cRepeat.value !== cPass.value) return showError(f, t('account.mismatch'), 'repeat');
    await busy(f, async () => {
      try {
        await api('POST', '/api/auth/password-code', { body: { login, code, new_password: cPass.value }, keep401: true });
      } catch (err) {
        const name = FIELD_OF[err.code] || (err.field && FIELD_OF[err.field]) || err.field || null;
        showError(f, errorText(err), name);
        return;
      }
      presetLogin(login);
      ctx.flashNext('success', t('setpw.done', { login }));
      ctx.go('/login');
    });
  });
  return { f, focus: () => (given ? cCode : cLogin).focus() };
}
