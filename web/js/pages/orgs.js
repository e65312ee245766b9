// pages/orgs.js — #/orgs (org.read): the association, companies, training institutions and
// inspection bodies, filtered and paged; with org.manage, registering and editing them.
import { h, fill } from '../dom.js';
import { t, fmtTime, label } from '../i18n.js';
import { api, errorText } from '../api.js';
import {
  pageHead, loading, empty, table, pager, messages, notice, button, field, input, select, form,
  clearErrors, showError, showApiError, busy, section,
} from '../ui.js';

export const KINDS = ['association', 'company', 'training', 'inspection'];
const PER_PAGE = 20;

function kindOptions(withAll) {
  const opts = KINDS.map((k) => ({ value: k, label: label('org_kinds', k) }));
  return withAll ? [{ value: '', label: t('common.all') }, ...opts] : opts;
}

export function render(slot, ctx) {
  const manage = ctx.can('org.manage');
  const state = { kind: '', q: '', page: 1, highlight: null };
  const msg = messages();
  const list = h('div', { class: 'list' }, loading());
  const editSlot = h('div', { class: 'edit-slot' });

  // filters
  const kindSel = select(kindOptions(true), { name: 'kind' });
  const qInput = input({ type: 'search', name: 'q', maxlength: '50' });
  const filters = h('form', { class: 'filters', role: 'search', 'aria-label': t('common.filters') },
    field({ label: t('orgs.kind'), control: kindSel }),
    field({ label: t('orgs.filter_q'), control: qInput }),
    h('div', { class: 'filters-actions' },
      h('button', { type: 'submit', class: 'btn btn-primary' }, t('common.search')),
      button(t('common.reset'), { onClick: () => { filters.reset(); state.kind = ''; state.q = ''; state.page = 1; load(); } })));
  filters.addEventListener('submit', (e) => {
    e.preventDefault();
    state.kind = kindSel.value;
    state.q = qInput.value.trim();
    state.page = 1;
    load();
  });

  // registering
  let createPanel = null;
  let toggle = null;
  if (manage) {
    const cKind = select(kindOptions(false), { value: 'company' });
    const cName = input({ maxlength: '100', autocomplete: 'organization' });
    const cUscc = input({ maxlength: '18', autocapitalize: 'characters', spellcheck: 'false', class: 'input mono' });
    const cDistrict = input({ maxlength: '40' });
    const cf = form({ class: 'form form-grid' },
      field({ label: t('orgs.kind'), control: cKind, name: 'kind' }),
      field({ label: t('orgs.name'), control: cName, name: 'name' }),
      field({ label: t('orgs.uscc'), control: cUscc, name: 'uscc', hint: t('orgs.uscc_hint') }),
      field({ label: t('orgs.district'), control: cDistrict, name: 'district', optional: true }),
      h('div', { class: 'form-actions' },
        h('button', { type: 'submit', class: 'btn btn-primary' }, t('orgs.submit')),
        button(t('common.cancel'), { onClick: () => setCreate(false) })));
    cf.addEventListener('submit', async (e) => {
      e.preventDefault();
      clearErrors(cf);
      const body = { kind: cKind.value, name: cName.value.trim() };
      if (!body.name) return showError(cf, t('common.required'), 'name');
      if (cUscc.value.trim()) body.uscc = cUscc.value.trim();
      if (cDistrict.value.trim()) body.district = cDistrict.value.trim();
      await busy(cf, async () => {
        try {
          const org = await api('POST', '/api/orgs', { body });
          cf.reset();
          cKind.value = 'company';
          setCreate(false);
          msg.show('success', t('orgs.created', { name: org.name }));
          // Lists are by id, so the new one is on the last page of the unfiltered list.
          filters.reset();
          Object.assign(state, { kind: '', q: '', highlight: org.id });
          await load({ last: true });
        } catch (err) {
          if (err.status !== 401) showApiError(cf, err);
        }
      });
    });
    createPanel = section(t('orgs.form_title'), cf);
    createPanel.id = 'org-create';
    createPanel.hidden = true;
    toggle = button(t('orgs.new'), { kind: 'primary', attrs: { 'aria-expanded': 'false', 'aria-controls': 'org-create', class: 'btn btn-primary org-new' } });
    const setCreate = (open) => {
      createPanel.hidden = !open;
      toggle.setAttribute('aria-expanded', String(open));
      if (open) { fill(editSlot); cName.focus(); } else toggle.focus();
    };
    toggle.addEventListener('click', () => setCreate(createPanel.hidden));
  }

  function edit(org) {
    const eName = input({ maxlength: '100', value: org.name });
    const eUscc = input({ maxlength: '18', value: org.uscc || '', spellcheck: 'false', class: 'input mono' });
    const eDistrict = input({ maxlength: '40', value: org.district || '' });
    const ef = form({ class: 'form form-grid' },
      field({ label: t('orgs.name'), control: eName, name: 'name' }),
      field({ label: t('orgs.uscc'), control: eUscc, name: 'uscc', hint: t('orgs.uscc_hint'), optional: org.kind !== 'company' }),
      field({ label: t('orgs.district'), control: eDistrict, name: 'district', optional: true }),
      h('div', { class: 'form-actions' },
        h('button', { type: 'submit', class: 'btn btn-primary' }, t('common.save')),
        button(t('common.cancel'), { onClick: () => fill(editSlot) })));
    ef.addEventListener('submit', async (e) => {
      e.preventDefault();
      clearErrors(ef);
      // Only what changed; an emptied code or district is cleared (null).
      const body = {};
      const name = eName.value.trim();
      const uscc = eUscc.value.trim().toUpperCase();
      const district = eDistrict.value.trim();
      if (!name) return showError(ef, t('common.required'), 'name');
      if (name !== org.name) body.name = name;
      if (uscc !== (org.uscc || '')) body.uscc = uscc || null;
      if (district !== (org.district || '')) body.district = district || null;
      if (!Object.keys(body).length) return showError(ef, t('common.unchanged'));
      await busy(ef, async () => {
        try {
          const saved = await api('PATCH', `/api/orgs/${org.id}`, { body });
          fill(editSlot);
          msg.show('success', t('orgs.saved', { name: saved.name }));
          state.highlight = saved.id;
          load();
        } catch (err) {
          if (err.status !== 401) showApiError(ef, err);
        }
      });
    });
    if (createPanel && !createPanel.hidden) { createPanel.hidden = true; toggle.setAttribute('aria-expanded', 'false'); }
    const panel = section(t('orgs.edit_title', { name: org.name }), ef);
    panel.classList.add('panel-edit');
    fill(editSlot, panel);
    panel.scrollIntoView({ block: 'nearest' });
    eName.focus();
  }

  async function load({ last = false } = {}) {
    fill(list, loading());
    try {
      const query = { kind: state.kind, q: state.q, page: state.page, per_page: PER_PAGE };
      let r = await api('GET', '/api/orgs', { query });
      const pages = Math.max(1, Math.ceil(r.total / PER_PAGE));
      if ((last && pages !== state.page) || (state.page > pages)) {
        state.page = pages;
        r = await api('GET', '/api/orgs', { query: { ...query, page: state.page } });
      }
      if (!ctx.current()) return;
      if (!r.items.length) { fill(list, empty(t('orgs.empty'))); return; }
      const columns = [
        { label: t('orgs.name'), cell: (o) => h('span', { class: 'strong' }, o.name) },
        { label: t('orgs.kind'), cell: (o) => label('org_kinds', o.kind) },
        { label: t('orgs.uscc'), cell: (o) => o.uscc || t('common.none'), class: 'mono' },
        { label: t('orgs.district'), cell: (o) => o.district || t('common.none') },
        { label: t('common.updated'), cell: (o) => h('time', { datetime: o.updated_at }, fmtTime(o.updated_at)) },
      ];
      if (manage) {
        columns.push({ label: t('common.actions'), class: 'actions', cell: (o) => button(t('common.edit'), {
          onClick: () => edit(o), attrs: { 'aria-label': t('orgs.edit_label', { name: o.name }) },
        }) });
      }
      fill(list, table({
        caption: t('nav.orgs'), columns, rows: r.items,
        rowAttrs: (o) => ({ class: o.id === state.highlight ? 'row-new' : null, dataset: { org: o.id } }),
      }), pager({ page: r.page, perPage: PER_PAGE, total: r.total, onPage: (p) => { state.page = p; load(); } }));
    } catch (err) {
      if (err.status !== 401 && ctx.current()) fill(list, notice('error', errorText(err)));
    }
  }

  fill(slot, h('section', { class: 'page page-orgs' },
    h('div', { class: 'page-head-row' }, pageHead(t('nav.orgs'), t('orgs.intro')), toggle),
    msg, createPanel, editSlot, filters, list));
  load();
}
