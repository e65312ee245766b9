// pages/category.js — #/catalog/ID (catalog.manage): one service category's standard process and
// prices. Its names and whether customers can book it; the items of each phase (pre-service
// confirmation, in-service operating items each counting towards a quality indicator,
// post-service feedback), added and removed; its quality indicators; the association's price
// guide per unit (a range in yuan here, fen in the API).
import { h, fill } from '../dom.js';
import { t, label } from '../i18n.js';
import { api, errorText } from '../api.js';
import {
  loading, notice, messages, button, field, input, select, form, clearErrors, showError, busy, section,
  badge, table, empty,
} from '../ui.js';
import { tradeName } from '../workforce.js';
import { facts } from './worker.js';
import {
  forgetCategories, catName, fmtRange, unitName, yuanToFen, fenToYuan, UNITS, PHASES, fieldOf, failureText,
} from '../services.js';

export function render(slot, ctx) {
  const id = Number(ctx.params.id);
  const msg = messages();
  const head = h('div', { class: 'category-head' });
  const body = h('div', { class: 'category-body' }, loading());
  fill(slot, h('section', { class: 'page page-category', dataset: { category: id } },
    h('p', { class: 'back' }, h('a', { href: '#/catalog' }, t('catalog.back'))), head, msg, body));

  const keep = {}; // the phase chosen for a new item, across a redraw

  async function load() {
    let c;
    try {
      c = await api('GET', `/api/public/categories/${id}`);
    } catch (err) {
      if (err.status === 401 || !ctx.current()) return;
      fill(head, h('h1', { class: 'page-title', tabindex: '-1' }, t('nav.category')));
      fill(body, notice('error', err.status === 404 ? t('catalog.not_found') : errorText(err)));
      return;
    }
    if (!ctx.current()) return;
    draw(c);
  }

  // A write that answers with the category: say so and draw it again.
  async function write(f, method, path, reqBody, text) {
    await busy(f, async () => {
      try {
        const c = await api(method, path, reqBody === undefined ? {} : { body: reqBody });
        forgetCategories();
        msg.show('success', text);
        if (c && c.id === id && c.items) draw(c);
        else load();
      } catch (err) {
        if (err.status !== 401) showError(f, failureText(err, { code_taken: 'catalog.code_taken' }), fieldOf(err));
      }
    });
  }

  function draw(c) {
    fill(head, h('header', { class: 'page-head' },
      h('h1', { class: 'page-title', tabindex: '-1' }, catName(c), ' ',
        c.active ? badge(t('services.active'), 'ok') : badge(t('services.inactive'), 'muted')),
      h('p', { class: 'page-intro' }, h('span', { class: 'code' }, c.code), ' · ', tradeName(c.trade))));

    // names and active
    const cZh = input({ name: 'name_zh', maxlength: '50', value: c.name_zh || '' });
    const cEn = input({ name: 'name_en', maxlength: '80', value: c.name_en || '' });
    const nf = form({ class: 'form form-grid category-names' },
      field({ label: t('catalog.name_zh'), control: cZh, name: 'name_zh' }),
      field({ label: t('catalog.name_en'), control: cEn, name: 'name_en' }),
      h('div', { class: 'form-actions' },
        h('button', { type: 'submit', class: 'btn btn-primary' }, t('common.save')),
        button(c.active ? t('catalog.deactivate') : t('catalog.activate'), {
          kind: c.active ? 'danger' : 'secondary',
          onClick: () => write(nf, 'PATCH', `/api/categories/${id}`, { active: !c.active }, t(c.active ? 'catalog.deactivated' : 'catalog.activated', { name: catName(c) })),
          attrs: { class: `btn ${c.active ? 'btn-danger' : 'btn-secondary'} category-active` },
        })));
    nf.addEventListener('submit', (e) => {
      e.preventDefault();
      clearErrors(nf);
      const b = {};
      if (cZh.value.trim() !== c.name_zh) b.name_zh = cZh.value.trim();
      if (cEn.value.trim() !== c.name_en) b.name_en = cEn.value.trim();
      if (!Object.keys(b).length) return showError(nf, t('common.unchanged'));
      if (b.name_zh === '') return showError(nf, t('common.required'), 'name_zh');
      if (b.name_en === '') return showError(nf, t('common.required'), 'name_en');
      write(nf, 'PATCH', `/api/categories/${id}`, b, t('catalog.renamed'));
    });

    // the process: items per phase
    const indicators = c.indicators || [];
    const indName = (code) => { const i = indicators.find((x) => x.code === code); return i ? catName(i) : code; };
    const phases = PHASES.map((p) => {
      const items = (c.items && c.items[p]) || [];
      return h('div', { class: 'phase', dataset: { phase: p } },
        h('h3', { class: 'sub-title' }, label('phases', p), ' ', h('span', { class: 'muted' }, `(${items.length})`)),
        items.length ? h('ol', { class: 'phase-items' }, items.map((i) => h('li', { class: 'phase-item', dataset: { item: i.id } }, h('div', { class: 'phase-item-row' },
          h('div', { class: 'phase-item-text' },
            h('span', null, i.text), i.text_en ? h('span', { class: 'muted', lang: 'en' }, i.text_en) : null,
            p === 'in' && i.indicator ? h('span', { class: 'badge badge-brand' }, indName(i.indicator)) : null),
          button(t('catalog.remove'), {
            kind: 'danger',
            attrs: { class: 'btn btn-danger item-remove', 'aria-label': t('catalog.remove_label', { text: i.text }) },
            onClick: async (e) => {
              const btn = e.currentTarget;
              btn.disabled = true;
              try {
                const n = await api('DELETE', `/api/categories/${id}/items/${i.id}`);
                forgetCategories();
                msg.show('success', t('catalog.item_removed', { text: i.text }));
                if (n && n.items) draw(n); else load();
              } catch (err) {
                btn.disabled = false;
                if (err.status !== 401) msg.show('error', errorText(err));
              }
            },
          })))))
          : h('p', { class: 'muted' }, t('catalog.no_items')));
    });

    const iPhase = select(PHASES.map((p) => ({ value: p, label: label('phases', p) })), { name: 'phase', value: keep.phase || 'pre' });
    const iText = input({ name: 'text', maxlength: '200' });
    const iTextEn = input({ name: 'text_en', maxlength: '200' });
    const iInd = select([{ value: '', label: t('catalog.no_indicator') }, ...indicators.map((x) => ({ value: x.code, label: catName(x) }))], { name: 'indicator' });
    const indField = field({ label: t('catalog.indicator'), control: iInd, name: 'indicator', optional: true, hint: t('catalog.indicator_hint') });
    const syncPhase = () => { indField.hidden = iPhase.value !== 'in'; keep.phase = iPhase.value; };
    iPhase.addEventListener('change', syncPhase);
    syncPhase();
    const itf = form({ class: 'form form-grid item-form' },
      field({ label: t('catalog.phase'), control: iPhase, name: 'phase' }),
      indField,
      field({ label: t('catalog.text'), control: iText, name: 'text' }),
      field({ label: t('catalog.text_en'), control: iTextEn, name: 'text_en', optional: true }),
      h('div', { class: 'form-actions' }, h('button', { type: 'submit', class: 'btn btn-primary' }, t('catalog.add_item'))));
    itf.addEventListener('submit', (e) => {
      e.preventDefault();
      clearErrors(itf);
      const b = { phase: iPhase.value, text: iText.value.trim() };
      if (!b.text) return showError(itf, t('common.required'), 'text');
      if (iTextEn.value.trim()) b.text_en = iTextEn.value.trim();
      if (b.phase === 'in' && iInd.value) b.indicator = iInd.value;
      write(itf, 'POST', `/api/categories/${id}/items`, b, t('catalog.item_added', { text: b.text, phase: label('phases', b.phase) }));
    });

    // indicators
    const dCode = input({ name: 'code', maxlength: '30', class: 'input mono', autocapitalize: 'none', spellcheck: 'false' });
    const dZh = input({ name: 'name_zh', maxlength: '50' });
    const dEn = input({ name: 'name_en', maxlength: '80' });
    const inf = form({ class: 'form form-grid indicator-form' },
      field({ label: t('catalog.code'), control: dCode, name: 'code', hint: t('catalog.code_hint') }),
      field({ label: t('catalog.name_zh'), control: dZh, name: 'name_zh' }),
      field({ label: t('catalog.name_en'), control: dEn, name: 'name_en' }),
      h('div', { class: 'form-actions' }, h('button', { type: 'submit', class: 'btn btn-primary' }, t('catalog.add_indicator'))));
    inf.addEventListener('submit', (e) => {
      e.preventDefault();
      clearErrors(inf);
      const b = { code: dCode.value.trim().toLowerCase(), name_zh: dZh.value.trim(), name_en: dEn.value.trim() };
      if (!/^[a-z0-9_]{2,30}$/.test(b.code)) return showError(inf, t('catalog.code_invalid'), 'code');
      if (!b.name_zh) return showError(inf, t('common.required'), 'name_zh');
      if (!b.name_en) return showError(inf, t('common.required'), 'name_en');
      write(inf, 'POST', `/api/categories/${id}/indicators`, b, t('catalog.indicator_added', { name: catName(b) }));
    });

    // price guides
    const guides = c.price_guides || [];
    const gUnit = select(UNITS.map((u) => ({ value: u, label: unitName(u) })), { name: 'unit' });
    const gMin = input({ name: 'min_fen', inputmode: 'decimal', maxlength: '10' });
    const gMax = input({ name: 'max_fen', inputmode: 'decimal', maxlength: '10' });
    const setFrom = () => {
      const g = guides.find((x) => x.unit === gUnit.value);
      gMin.value = g ? fenToYuan(g.min_fen) : '';
      gMax.value = g ? fenToYuan(g.max_fen) : '';
    };
    gUnit.addEventListener('change', setFrom);
    setFrom();
    const gf = form({ class: 'form form-grid guide-form' },
      field({ label: t('services.unit'), control: gUnit, name: 'unit' }),
      h('div', { class: 'field' }),
      field({ label: t('catalog.min_yuan'), control: gMin, name: 'min_fen' }),
      field({ label: t('catalog.max_yuan'), control: gMax, name: 'max_fen' }),
      h('div', { class: 'form-actions' }, h('button', { type: 'submit', class: 'btn btn-primary' }, t('catalog.set_guide'))));
    gf.addEventListener('submit', (e) => {
      e.preventDefault();
      clearErrors(gf);
      const b = { category_id: id, unit: gUnit.value, min_fen: yuanToFen(gMin.value), max_fen: yuanToFen(gMax.value) };
      if (b.min_fen === null) return showError(gf, t('services.price_invalid'), 'min_fen');
      if (b.max_fen === null) return showError(gf, t('services.price_invalid'), 'max_fen');
      if (b.min_fen > b.max_fen) return showError(gf, t('errors.invalid_range'), 'max_fen');
      write(gf, 'POST', '/api/price-guides', b, t('catalog.guide_set', { unit: unitName(b.unit), range: fmtRange(b.min_fen, b.max_fen) }));
    });

    fill(body,
      section(t('catalog.about'), facts([
        [t('catalog.code'), h('span', { class: 'code' }, c.code)],
        [t('catalog.trade'), tradeName(c.trade)],
        [t('catalog.status'), c.active ? t('catalog.is_active') : t('catalog.is_inactive')],
      ]), nf),
      section(t('catalog.process'), h('p', { class: 'muted' }, t('catalog.process_intro')),
        h('div', { class: 'phases' }, phases),
        h('h3', { class: 'sub-title' }, t('catalog.add_item_title')), itf),
      h('div', { class: 'columns' },
        section(t('catalog.indicators'),
          indicators.length ? h('ul', { class: 'plain-list indicators' }, indicators.map((i) => h('li', { dataset: { code: i.code } },
            h('span', { class: 'code' }, i.code), ' ', i.name_zh, ' · ', h('span', { lang: 'en' }, i.name_en))))
            : empty(t('catalog.no_indicators')),
          h('h3', { class: 'sub-title' }, t('catalog.add_indicator_title')), inf),
        section(t('catalog.guides'),
          guides.length ? table({
            caption: t('catalog.guides'),
            columns: [
              { label: t('services.unit'), cell: (g) => unitName(g.unit) },
              { label: t('catalog.range'), class: 'nowrap num', cell: (g) => fmtRange(g.min_fen, g.max_fen) },
            ],
            rows: guides,
            rowAttrs: (g) => ({ dataset: { unit: g.unit } }),
          }) : empty(t('catalog.no_guides')),
          h('h3', { class: 'sub-title' }, t('catalog.set_guide_title')), gf)));
  }

  load();
}
