// pages/account.js — #/account: who this account is, and changing its password (which ends the
// account's other sessions).
import { h, fill } from '../dom.js';
import { t, label } from '../i18n.js';
import { api } from '../api.js';
import { pageHead, section, field, input, form, clearErrors, showError, showApiError, busy, messages } from '../ui.js';

export function render(slot, ctx) {
  const { user, org } = ctx.me;
  const msg = messages();
  const current = input({ type: 'password', autocomplete: 'current-password', maxlength: '1024' });
  const next = input({ type: 'password', autocomplete: 'new-password', maxlength: '1024' });
  const repeat = input({ type: 'password', autocomplete: 'new-password', maxlength: '1024' });
  const f = form({ class: 'form form-narrow' },
    // for password managers: which account this password belongs to
    h('input', { type: 'text', name: 'username', autocomplete: 'username', value: user.login, readOnly: true, hidden: true, tabindex: '-1' }),
    field({ label: t('account.current'), control: current, name: 'current_password' }),
    field({ label: t('account.new'), control: next, name: 'new_password', hint: t('account.rules') }),
    field({ label: t('account.repeat'), control: repeat, name: 'repeat' }),
    h('div', { class: 'form-actions' }, h('button', { type: 'submit', class: 'btn btn-primary' }, t('account.submit'))));

  f.addEventListener('submit', async (e) => {
    e.preventDefault();
    clearErrors(f);
    msg.clear();
    if (!current.value) return showError(f, t('common.required'), 'current_password');
    if (!next.value) return showError(f, t('common.required'), 'new_password');
    if (next.value !== repeat.value) return showError(f, t('account.mismatch'), 'repeat');
    await busy(f, async () => {
      try {
        const r = await api('POST', '/api/me/password', { body: { current_password: current.value, new_password: next.value } });
        f.reset();
        msg.show('success', r.sessions_ended > 0 ? t('account.done', { n: r.sessions_ended }) : t('account.done_none'));
      } catch (err) {
        if (err.status !== 401) showApiError(f, err);
      }
    });
  });

  const dl = h('dl', { class: 'facts' },
    h('dt', null, t('account.login')), h('dd', { class: 'mono' }, user.login),
    h('dt', null, t('account.name')), h('dd', null, user.name),
    h('dt', null, t('account.role')), h('dd', null, label('roles', user.role)),
    h('dt', null, t('account.org')), h('dd', null, org ? org.name : t('common.none')));

  fill(slot, h('section', { class: 'page page-account' },
    pageHead(t('nav.account'), t('account.intro')),
    msg,
    h('div', { class: 'columns' },
      section(t('account.pw_title'), f),
      section(t('account.profile_title'), dl))));
}
