// pages/catalog.js — #/catalog (catalog.manage, the association): the service categories, active
// or not, each with its trade, how many items per phase, its indicators and price guides; a new
// category (code, names in both languages, the trade that may serve it). Each opens its own page
// (#/catalog/ID) for its process and prices.
import { h, fill } from '../dom.js';
import { t, label } from '../i18n.js';
import { api, errorText } from '../api.js';
import {
  pageHead, loading, empty, notice, table, messages, button, field, input, select, form, clearErrors,
  showError, busy, section, badge,
} from '../ui.js';
import { TRADES, tradeName } from '../workforce.js';
import { categories, forgetCategories, catName, fmtRange, unitName, PHASES, fieldOf, failureText } from '../services.js';

export function render(slot, ctx) {
  const msg = messages();
  const list = h('div', { class: 'list catalog-list' }, loading());
  let highlight = null;

  const cCode = input({ name: 'code', maxlength: '30', class: 'input mono', autocapitalize: 'none', spellcheck: 'false' });
  const cZh = input({ name: 'name_zh', maxlength: '50' });
  const cEn = input({ name: 'name_en', maxlength: '80' });
  const cTrade = select(TRADES.map((x) => ({ value: x, label: tradeName(x) })), { name: 'trade' });
  const f = form({ class: 'form form-grid category-form' },
    field({ label: t('catalog.code'), control: cCode, name: 'code', hint: t('catalog.code_hint') }),
    field({ label: t('catalog.trade'), control: cTrade, name: 'trade', hint: t('catalog.trade_hint') }),
    field({ label: t('catalog.name_zh'), control: cZh, name: 'name_zh' }),
    field({ label: t('catalog.name_en'), control: cEn, name: 'name_en' }),
    h('div', { class: 'form-actions' },
      h('button', { type: 'submit', class: 'btn btn-primary' }, t('catalog.submit')),
      button(t('common.cancel'), { onClick: () => close() })));
  f.addEventListener('submit', async (e) => {
    e.preventDefault();
    clearErrors(f);
    const body = { code: cCode.value.trim().toLowerCase(), name_zh: cZh.value.trim(), name_en: cEn.value.trim(), trade: cTrade.value };
    if (!/^[a-z0-9_]{2,30}$/.test(body.code)) return showError(f, t('catalog.code_invalid'), 'code');
    if (!body.name_zh) return showError(f, t('common.required'), 'name_zh');
    if (!body.name_en) return showError(f, t('common.required'), 'name_en');
    await busy(f, async () => {
      try {
        const c = await api('POST', '/api/categories', { body });
        forgetCategories();
        msg.show('success', t('catalog.created', { name: catName(c) }));
        f.reset();
        close();
        highlight = c.id;
        load();
      } catch (err) {
        if (err.status !== 401) showError(f, failureText(err, { code_taken: 'catalog.code_taken' }), fieldOf(err));
      }
    });
  });
  const panel = section(t('catalog.form_title'), f);
  panel.id = 'category-create';
  panel.hidden = true;
  const toggle = button(t('catalog.new'), { kind: 'primary', attrs: { 'aria-expanded': 'false', 'aria-controls': 'category-create', class: 'btn btn-primary category-new' } });
  const close = () => { panel.hidden = true; toggle.setAttribute('aria-expanded', 'false'); };
  toggle.addEventListener('click', () => {
    const open = panel.hidden;
    panel.hidden = !open;
    toggle.setAttribute('aria-expanded', String(open));
    if (open) cCode.focus();
  });

  async function load() {
    fill(list, loading());
    try {
      const items = await categories({ all: true });
      if (!ctx.current()) return;
      if (!items.length) { fill(list, empty(t('catalog.empty'))); return; }
      fill(list, table({
        caption: t('nav.catalog'),
        columns: [
          { label: t('catalog.name'), cell: (c) => [h('a', { href: `#/catalog/${c.id}`, class: 'strong category-link' }, catName(c)), ' ', h('span', { class: 'code' }, c.code)] },
          { label: t('catalog.trade'), cell: (c) => tradeName(c.trade) },
          { label: t('catalog.items'), cell: (c) => h('span', { class: 'phase-counts' }, PHASES.map((p) => h('span', { class: 'phase-count', dataset: { phase: p } },
            `${label('phases_short', p)} ${((c.items && c.items[p]) || []).length}`))) },
          { label: t('catalog.indicators'), cell: (c) => ((c.indicators || []).length ? (c.indicators || []).map((i) => catName(i)).join(t('common.list_sep')) : t('common.none')) },
          { label: t('catalog.guides'), cell: (c) => ((c.price_guides || []).length
            ? h('ul', { class: 'plain-list' }, c.price_guides.map((g) => h('li', { dataset: { unit: g.unit } }, `${unitName(g.unit)}: ${fmtRange(g.min_fen, g.max_fen)}`)))
            : h('span', { class: 'muted' }, t('catalog.no_guides'))) },
          { label: t('catalog.status'), cell: (c) => (c.active ? badge(t('services.active'), 'ok') : badge(t('services.inactive'), 'muted')) },
        ],
        rows: items,
        rowAttrs: (c) => ({ class: c.id === highlight ? 'row-new' : null, dataset: { category: c.id, code: c.code } }),
      }));
    } catch (err) {
      if (err.status !== 401 && ctx.current()) fill(list, notice('error', errorText(err)));
    }
  }

  fill(slot, h('section', { class: 'page page-catalog' },
    h('div', { class: 'page-head-row' }, pageHead(t('nav.catalog'), t('catalog.intro')), toggle),
    msg, panel, list));
  load();
}
