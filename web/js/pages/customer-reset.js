// pages/customer-reset.js — #/customer-reset (the 24-hour service centre, the association): a
// customer who forgot their password calls; the agent confirms the caller — their name, and a
// booking number or the telephone they booked with — and reads out the one-time code the customer
// types on the "forgot password" page (POST /api/customers/reset-code). Customer accounts only; the
// code lasts half an hour and works once.
import { h, fill } from '../dom.js';
import { t } from '../i18n.js';
import { api, errorText } from '../api.js';
import { pageHead, field, input, form, clearErrors, showError, busy, section } from '../ui.js';
import { fmtAt } from '../services.js';

export function render(slot, ctx) {
  const cName = input({ name: 'name', maxlength: '50', autocomplete: 'off' });
  const cLogin = input({ name: 'login', maxlength: '64', autocapitalize: 'none', spellcheck: 'false', class: 'input mono', autocomplete: 'off' });
  const cBooking = input({ name: 'booking_id', inputmode: 'numeric', maxlength: '18', autocomplete: 'off' });
  const cPhone = input({ type: 'tel', name: 'phone', inputmode: 'numeric', maxlength: '20', autocomplete: 'off' });
  const out = h('div', { class: 'reset-out', 'aria-live': 'polite' });
  const f = form({ class: 'form form-grid customer-reset-form' },
    field({ label: t('creset.name'), control: cName, name: 'name', hint: t('creset.name_hint') }),
    field({ label: t('creset.login'), control: cLogin, name: 'login', optional: true }),
    field({ label: t('creset.booking'), control: cBooking, name: 'booking_id', optional: true, hint: t('creset.booking_hint') }),
    field({ label: t('creset.phone'), control: cPhone, name: 'phone', optional: true, hint: t('creset.phone_hint') }),
    h('div', { class: 'form-actions' }, h('button', { type: 'submit', class: 'btn btn-primary' }, t('creset.submit'))));
  f.addEventListener('submit', async (e) => {
    e.preventDefault();
    clearErrors(f);
    fill(out);
    const body = { name: cName.value.trim() };
    if (!body.name) return showError(f, t('common.required'), 'name');
    if (cLogin.value.trim()) body.login = cLogin.value.trim().toLowerCase();
    const booking = cBooking.value.trim().replace(/^#/, '');
    const phone = cPhone.value.replace(/[\s-]/g, '');
    if (booking && !/^[1-9]\d{0,17}$/.test(booking)) return showError(f, t('creset.booking_invalid'), 'booking_id');
    if (phone && !/^1[3-9]\d{9}$/.test(phone)) return showError(f, t('book.phone_invalid'), 'phone');
    if (!booking && !phone) return showError(f, t('creset.need_proof'), 'booking_id');
    if (booking) body.booking_id = Number(booking);
    if (phone) body.phone = phone;
    await busy(f, async () => {
      try {
        const r = await api('POST', '/api/customers/reset-code', { body });
        fill(out, h('div', { class: 'notice notice-success code-shown' },
          h('p', null, t('creset.done', { name: r.user.name, login: r.user.login })),
          h('p', { class: 'one-time-code mono', dataset: { code: r.reset_code } }, r.reset_code),
          h('p', null, t('creset.read_out', { until: fmtAt(r.code_expires_at) }))));
        cName.value = ''; cLogin.value = ''; cBooking.value = ''; cPhone.value = '';
      } catch (err) {
        if (err.status !== 401) showError(f, errorText(err), err.field || null);
      }
    });
  });
  fill(slot, h('section', { class: 'page page-customer-reset' },
    pageHead(t('nav.customer_reset'), t('creset.intro')),
    section(t('creset.who'), f, out)));
}
