// pages/addresses.js — #/me/addresses (a customer): the addresses they book at, kept sealed and seen
// by nobody else; add one (with a name of their own for it, such as "home"), remove one. The
// booking form offers them (GET/POST/DELETE /api/me/addresses).
import { h, fill } from '../dom.js';
import { t } from '../i18n.js';
import { api, errorText } from '../api.js';
import { pageHead, loading, notice, messages, field, input, form, clearErrors, showError, busy, section, button } from '../ui.js';

export function render(slot, ctx) {
  const msg = messages();
  const list = h('div', { class: 'addresses-out' }, loading());
  const cLabel = input({ name: 'label', maxlength: '20', placeholder: t('addresses.label_example') });
  const cAddress = h('textarea', { class: 'input', name: 'address', rows: '2', maxlength: '200', autocomplete: 'street-address' });
  const f = form({ class: 'form form-grid address-form' },
    field({ label: t('addresses.label'), control: cLabel, name: 'label', optional: true }),
    field({ label: t('addresses.address'), control: cAddress, name: 'address', hint: t('addresses.address_hint'), wide: true }),
    h('div', { class: 'form-actions' }, h('button', { type: 'submit', class: 'btn btn-primary' }, t('addresses.add'))));
  f.addEventListener('submit', async (e) => {
    e.preventDefault();
    clearErrors(f);
    const address = cAddress.value.trim();
    if (address.length < 5) return showError(f, t('book.address_short'), 'address');
    const body = { address };
    if (cLabel.value.trim()) body.label = cLabel.value.trim();
    await busy(f, async () => {
      try {
        await api('POST', '/api/me/addresses', { body });
      } catch (err) {
        if (err.status !== 401) showError(f, errorText(err), err.field || null);
        return;
      }
      cLabel.value = '';
      cAddress.value = '';
      msg.show('success', t('addresses.added'));
      load();
    });
  });

  async function load() {
    try {
      const r = await api('GET', '/api/me/addresses');
      if (!ctx.current()) return;
      if (!r.items.length) {
        fill(list, h('p', { class: 'state state-empty' }, t('addresses.empty')));
        return;
      }
      fill(list, h('ul', { class: 'address-list' }, r.items.map((a) => h('li', { class: 'address-item', dataset: { address: a.id } },
        h('div', { class: 'address-text' },
          a.label ? h('strong', { class: 'address-label' }, a.label) : null,
          h('span', null, a.address === null ? t('addresses.unopenable') : a.address)),
        button(t('addresses.remove'), {
          attrs: { class: 'btn btn-quiet address-remove', 'aria-label': t('addresses.remove_label', { address: a.label || a.address || '' }) },
          onClick: async () => {
            try {
              await api('DELETE', `/api/me/addresses/${a.id}`);
              msg.show('success', t('addresses.removed'));
              load();
            } catch (err) {
              if (err.status !== 401) msg.show('error', errorText(err));
            }
          },
        })))));
    } catch (err) {
      if (err.status !== 401 && ctx.current()) fill(list, notice('error', errorText(err)));
    }
  }

  fill(slot, h('section', { class: 'page page-addresses' },
    pageHead(t('nav.addresses'), t('addresses.intro')), msg,
    section(t('addresses.saved'), list),
    section(t('addresses.new'), f)));
  load();
}
