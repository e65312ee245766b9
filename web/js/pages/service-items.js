// pages/service-items.js — #/services (service.manage): the company's published service items
// (the association sees every company's). A company admin publishes one: a category, a unit among
// the association's price guides for it (the guide's range shown), a title, a price in yuan (sent
// in fen) and a description; edits a price; takes an item off or back. A price outside the guide is
// refused with the guide in words.
import { h, fill } from '../dom.js';
import { t, label } from '../i18n.js';
import { api, errorText } from '../api.js';
import {
  pageHead, loading, empty, notice, table, pager, messages, button, field, input, select, form,
  clearErrors, showError, busy, section, badge,
} from '../ui.js';
import {
  categories, catName, itemTitle, fmtPrice, fmtRange, unitName, yuanToFen, fenToYuan, failureText, fieldOf,
} from '../services.js';

const PER_PAGE = 20;

export function render(slot, ctx) {
  const company = Boolean(ctx.me.org && ctx.me.org.kind === 'company');
  const state = { category_id: '', active: '', page: 1, highlight: null };
  const msg = messages();
  const list = h('div', { class: 'list service-items' }, loading());
  const editSlot = h('div', { class: 'edit-slot' });
  let cats = [];
  const guideOf = (catId, unit) => {
    const c = cats.find((x) => x.id === Number(catId));
    return c ? (c.price_guides || []).find((g) => g.unit === unit) || null : null;
  };

  const fCat = select([{ value: '', label: t('common.all') }], { name: 'category_id' });
  const fActive = select([{ value: '', label: t('common.all') }, { value: 'true', label: t('services.active') }, { value: 'false', label: t('services.inactive') }], { name: 'active' });
  const filters = h('form', { class: 'filters', role: 'search', 'aria-label': t('common.filters') },
    field({ label: t('services.category'), control: fCat }),
    field({ label: t('services.status'), control: fActive }),
    h('div', { class: 'filters-actions' }, h('button', { type: 'submit', class: 'btn btn-primary' }, t('common.search'))));
  filters.addEventListener('submit', (e) => { e.preventDefault(); Object.assign(state, { category_id: fCat.value, active: fActive.value, page: 1 }); load(); });

  // ---- publishing an item ----
  let create = null;
  if (company) {
    const cCat = select([{ value: '', label: t('services.category_pick') }], { name: 'category_id' });
    const cUnit = select([{ value: '', label: t('services.unit_pick') }], { name: 'unit', disabled: true });
    const cTitle = input({ name: 'title', maxlength: '60' });
    const cTitleEn = input({ name: 'title_en', maxlength: '80', lang: 'en' });
    const cPrice = input({ name: 'price_fen', inputmode: 'decimal', maxlength: '10' });
    const cDesc = h('textarea', { class: 'input', name: 'description', rows: '3', maxlength: '1000' });
    const guideHint = h('p', { class: 'field-hint guide-hint', 'aria-live': 'polite' });
    const priceField = field({ label: t('services.price_yuan'), control: cPrice, name: 'price_fen' });
    priceField.insertBefore(guideHint, priceField.querySelector('.field-error'));
    const unitField = field({ label: t('services.unit'), control: cUnit, name: 'unit' });
    const showGuide = () => {
      const g = guideOf(cCat.value, cUnit.value);
      guideHint.textContent = g ? t('services.guide', { range: fmtRange(g.min_fen, g.max_fen), unit: unitName(g.unit) }) : '';
    };
    cCat.addEventListener('change', () => {
      const c = cats.find((x) => x.id === Number(cCat.value));
      const guides = c ? c.price_guides || [] : [];
      fill(cUnit, h('option', { value: '' }, guides.length ? t('services.unit_pick') : t('services.no_guides')),
        guides.map((g) => h('option', { value: g.unit }, `${unitName(g.unit)} · ${fmtRange(g.min_fen, g.max_fen)}`)));
      cUnit.disabled = !guides.length;
      if (guides.length === 1) cUnit.value = guides[0].unit;
      showGuide();
    });
    cUnit.addEventListener('change', showGuide);
    const f = form({ class: 'form form-grid service-form' },
      field({ label: t('services.category'), control: cCat, name: 'category_id' }),
      unitField,
      field({ label: t('services.title'), control: cTitle, name: 'title', hint: t('services.title_hint') }),
      field({ label: t('services.title_en'), control: cTitleEn, name: 'title_en', optional: true, hint: t('services.title_en_hint') }),
      priceField,
      field({ label: t('services.description'), control: cDesc, name: 'description', optional: true, wide: true }),
      h('div', { class: 'form-actions' },
        h('button', { type: 'submit', class: 'btn btn-primary' }, t('services.submit')),
        button(t('common.cancel'), { onClick: () => close() })));
    f.addEventListener('submit', async (e) => {
      e.preventDefault();
      clearErrors(f);
      const body = { category_id: Number(cCat.value), unit: cUnit.value, title: cTitle.value.trim(), price_fen: yuanToFen(cPrice.value) };
      if (!body.category_id) return showError(f, t('services.category_required'), 'category_id');
      if (!body.unit) return showError(f, t('services.unit_required'), 'unit');
      if (body.title.length < 2) return showError(f, t('services.title_short'), 'title');
      const en = cTitleEn.value.trim();
      if (en && en.length < 2) return showError(f, t('services.title_short'), 'title_en');
      if (en) body.title_en = en;
      if (body.price_fen === null) return showError(f, t('services.price_invalid'), 'price_fen');
      if (cDesc.value.trim()) body.description = cDesc.value.trim();
      await busy(f, async () => {
        try {
          const it = await api('POST', '/api/service-items', { body });
          msg.show('success', t('services.created', { title: it.title, price: fmtPrice(it.price_fen, it.unit) }));
          f.reset();
          cUnit.disabled = true;
          guideHint.textContent = '';
          close();
          state.highlight = it.id;
          load();
        } catch (err) {
          if (err.status !== 401) showError(f, failureText(err), fieldOf(err));
        }
      });
    });
    const panel = section(t('services.form_title'), h('p', { class: 'muted' }, t('services.form_intro')), f);
    panel.id = 'service-create';
    panel.hidden = true;
    const toggle = button(t('services.new'), { kind: 'primary', attrs: { 'aria-expanded': 'false', 'aria-controls': 'service-create', class: 'btn btn-primary service-new' } });
    const close = () => { panel.hidden = true; toggle.setAttribute('aria-expanded', 'false'); };
    toggle.addEventListener('click', () => {
      const open = panel.hidden;
      panel.hidden = !open;
      toggle.setAttribute('aria-expanded', String(open));
      if (open) cCat.focus();
    });
    create = { panel, toggle, cCat };
  }

  // ---- editing a price (and title, description) ----
  function edit(it) {
    const cTitle = input({ name: 'title', maxlength: '60', value: it.title });
    const cTitleEn = input({ name: 'title_en', maxlength: '80', lang: 'en', value: it.title_en || '' });
    const cPrice = input({ name: 'price_fen', inputmode: 'decimal', maxlength: '10', value: fenToYuan(it.price_fen) });
    const cDesc = h('textarea', { class: 'input', name: 'description', rows: '3', maxlength: '1000' });
    cDesc.value = it.description || '';
    const g = guideOf(it.category.id, it.unit);
    const f = form({ class: 'form form-grid service-edit-form', dataset: { item: it.id } },
      field({ label: t('services.title'), control: cTitle, name: 'title' }),
      field({ label: t('services.title_en'), control: cTitleEn, name: 'title_en', optional: true, hint: t('services.title_en_hint') }),
      field({ label: t('services.price_yuan_per', { unit: unitName(it.unit) }), control: cPrice, name: 'price_fen',
        hint: g ? t('services.guide', { range: fmtRange(g.min_fen, g.max_fen), unit: unitName(g.unit) }) : null }),
      field({ label: t('services.description'), control: cDesc, name: 'description', optional: true, wide: true }),
      h('div', { class: 'form-actions' },
        h('button', { type: 'submit', class: 'btn btn-primary' }, t('common.save')),
        button(t('common.cancel'), { onClick: () => fill(editSlot) })));
    f.addEventListener('submit', async (e) => {
      e.preventDefault();
      clearErrors(f);
      const body = {};
      const price = yuanToFen(cPrice.value);
      if (price === null) return showError(f, t('services.price_invalid'), 'price_fen');
      if (price !== it.price_fen) body.price_fen = price;
      if (cTitle.value.trim() !== it.title) body.title = cTitle.value.trim();
      const en = cTitleEn.value.trim();
      if (en && en.length < 2) return showError(f, t('services.title_short'), 'title_en');
      if (en !== (it.title_en || '')) body.title_en = en || null;
      if (cDesc.value.trim() !== (it.description || '')) body.description = cDesc.value.trim();
      if (!Object.keys(body).length) return showError(f, t('common.unchanged'));
      await busy(f, async () => {
        try {
          const n = await api('PATCH', `/api/service-items/${it.id}`, { body });
          msg.show('success', t('services.saved', { title: n.title, price: fmtPrice(n.price_fen, n.unit) }));
          fill(editSlot);
          state.highlight = n.id;
          load();
        } catch (err) {
          if (err.status !== 401) showError(f, failureText(err), fieldOf(err));
        }
      });
    });
    const panel = section(t('services.edit_title', { title: it.title }), f);
    panel.classList.add('panel-edit');
    fill(editSlot, panel);
    cPrice.focus();
  }

  async function setActive(it, active, btn) {
    btn.disabled = true;
    try {
      await api('PATCH', `/api/service-items/${it.id}`, { body: { active } });
      msg.show('success', t(active ? 'services.activated' : 'services.deactivated', { title: it.title }));
      state.highlight = it.id;
      load();
    } catch (err) {
      btn.disabled = false;
      if (err.status !== 401) msg.show('error', errorText(err));
    }
  }

  async function load() {
    fill(list, loading());
    try {
      const r = await api('GET', '/api/service-items', { query: { category_id: state.category_id, active: state.active, page: state.page, per_page: PER_PAGE } });
      if (!ctx.current()) return;
      if (!r.items.length) { fill(list, empty(company ? t('services.empty') : t('services.empty_all'))); return; }
      const columns = [
        { label: t('services.category'), cell: (it) => catName(it.category) },
        { label: t('services.title'), cell: (it) => h('span', null, h('span', { class: 'strong item-title' }, itemTitle(it)),
          it.title_en && itemTitle(it) !== it.title ? h('span', { class: 'muted item-title-other' }, ` ${it.title}`) : null) },
      ];
      if (!company) columns.push({ label: t('services.company'), cell: (it) => (it.company ? it.company.name : t('common.none')) });
      columns.push(
        { label: t('services.price'), class: 'nowrap num', cell: (it) => h('span', { class: 'price' }, fmtPrice(it.price_fen, it.unit)) },
        { label: t('services.guide_col'), class: 'nowrap', cell: (it) => { const g = guideOf(it.category.id, it.unit); return g ? fmtRange(g.min_fen, g.max_fen) : t('common.none'); } },
        { label: t('services.status'), cell: (it) => (it.active ? badge(t('services.active'), 'ok') : badge(t('services.inactive'), 'muted')) });
      if (company) {
        columns.push({ label: t('common.actions'), class: 'actions', cell: (it) => h('div', { class: 'row-actions' },
          button(t('services.edit'), { onClick: () => edit(it), attrs: { class: 'btn btn-secondary item-edit', 'aria-label': t('services.edit_label', { title: it.title }) } }),
          it.active
            ? button(t('services.deactivate'), { kind: 'danger', onClick: (e) => setActive(it, false, e.currentTarget), attrs: { class: 'btn btn-danger item-deactivate' } })
            : button(t('services.activate'), { onClick: (e) => setActive(it, true, e.currentTarget), attrs: { class: 'btn btn-secondary item-activate' } })) });
      }
      fill(list, table({
        caption: t('nav.services'), columns, rows: r.items,
        rowAttrs: (it) => ({ class: it.id === state.highlight ? 'row-new' : null, dataset: { item: it.id, active: String(it.active) } }),
      }), pager({ page: r.page, perPage: PER_PAGE, total: r.total, onPage: (p) => { state.page = p; load(); } }));
    } catch (err) {
      if (err.status !== 401 && ctx.current()) fill(list, notice('error', errorText(err)));
    }
  }

  fill(slot, h('section', { class: 'page page-services' },
    h('div', { class: 'page-head-row' }, pageHead(t('nav.services'), t(company ? 'services.intro' : 'services.intro_all')), create ? create.toggle : null),
    msg, create ? create.panel : null, editSlot, filters, list));

  categories().then((list_) => {
    cats = list_;
    if (!ctx.current()) return;
    const opts = () => cats.map((c) => h('option', { value: c.id }, `${catName(c)} · ${label('trades', c.trade)}`));
    fCat.append(...opts());
    if (create) create.cCat.append(...opts());
  }).catch((err) => { if (ctx.current()) msg.show('error', errorText(err)); }).finally(() => { if (ctx.current()) load(); });
}
