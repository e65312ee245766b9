// pages/users.js — #/users (user.read): accounts and their roles, filtered and paged; with
// user.manage, creating accounts (a worker's linked to their record), enabling/disabling them and
// resetting passwords. Nobody chooses another person's password: creating and resetting show a
// one-time code, once, to hand to the person, who sets their own password with it (#/set-password).
// A company admin sees only their own company and gives only company roles (the API enforces it;
// the form follows).
import { h, fill } from '../dom.js';
import { t, fmtTime, label } from '../i18n.js';
import { api, errorText, listAll } from '../api.js';
import { codeCard } from '../privacy.js';
import {
  pageHead, loading, empty, table, pager, messages, notice, button, field, input, select, form,
  clearErrors, showError, showApiError, busy, section, badge,
} from '../ui.js';

export const ROLES = ['association_admin', 'cs_agent', 'company_admin', 'company_staff', 'worker',
  'trainer', 'inspector', 'customer'];
const COMPANY_ROLES = ['company_admin', 'company_staff', 'worker'];
// The kind of organisation each role belongs to (customers belong to none).
const ROLE_ORG_KIND = {
  association_admin: 'association', cs_agent: 'association', company_admin: 'company',
  company_staff: 'company', worker: 'company', trainer: 'training', inspector: 'inspection', customer: null,
};
const PER_PAGE = 20;

export function render(slot, ctx) {
  const { me } = ctx;
  const manage = ctx.can('user.manage');
  const seesAll = ctx.can('org.read'); // the association side: every organisation
  const roles = seesAll ? ROLES : COMPANY_ROLES;
  const state = { role: '', status: '', org_id: '', q: '', page: 1, highlight: null };
  const msg = messages();
  const list = h('div', { class: 'list' }, loading());
  const editSlot = h('div', { class: 'edit-slot' });
  const codeSlot = h('div', { class: 'code-slot' });
  const orgCache = new Map();
  const orgsOfKind = async (kind) => {
    if (!orgCache.has(kind)) orgCache.set(kind, listAll('/api/orgs', kind ? { kind } : {}));
    return orgCache.get(kind);
  };
  const roleOptions = roles.map((r) => ({ value: r, label: label('roles', r) }));

  // filters
  const roleSel = select([{ value: '', label: t('common.all') }, ...roleOptions]);
  const statusSel = select([{ value: '', label: t('common.all') },
    { value: 'active', label: t('statuses.active') }, { value: 'disabled', label: t('statuses.disabled') }]);
  const orgSel = seesAll ? select([{ value: '', label: t('common.all') }]) : null;
  const qInput = input({ type: 'search', maxlength: '50' });
  const filters = h('form', { class: 'filters', role: 'search', 'aria-label': t('common.filters') },
    field({ label: t('users.role'), control: roleSel }),
    field({ label: t('users.status'), control: statusSel }),
    orgSel ? field({ label: t('users.org'), control: orgSel }) : null,
    field({ label: t('users.filter_q'), control: qInput }),
    h('div', { class: 'filters-actions' },
      h('button', { type: 'submit', class: 'btn btn-primary' }, t('common.search')),
      button(t('common.reset'), { onClick: () => { filters.reset(); Object.assign(state, { role: '', status: '', org_id: '', q: '', page: 1 }); load(); } })));
  filters.addEventListener('submit', (e) => {
    e.preventDefault();
    Object.assign(state, { role: roleSel.value, status: statusSel.value, org_id: orgSel ? orgSel.value : '', q: qInput.value.trim(), page: 1 });
    load();
  });
  if (orgSel) {
    orgsOfKind('').then((orgs) => {
      orgSel.append(...orgs.map((o) => h('option', { value: o.id }, o.name)));
    }).catch(() => { /* the filter stays "all"; the list shows any error */ });
  }

  // creating
  let createPanel = null;
  let toggle = null;
  if (manage) {
    const cLogin = input({ maxlength: '64', autocomplete: 'off', autocapitalize: 'none', spellcheck: 'false', class: 'input mono' });
    const cName = input({ maxlength: '50', autocomplete: 'off' });
    const cRole = select(roleOptions, { value: roles[0] });
    const cOrg = seesAll ? select([]) : input({ readOnly: true, value: me.org ? me.org.name : '' });
    const orgField = field({ label: t('users.org'), control: cOrg, name: 'org_id' });
    // a worker's login belongs to their record: the company's workers who have none yet
    const cWorker = select([{ value: '', label: t('users.worker_none') }], { name: 'worker_id' });
    const workerField = field({ label: t('users.worker'), control: cWorker, name: 'worker_id', optional: true, hint: t('users.worker_hint') });
    const cf = form({ class: 'form form-grid' },
      field({ label: t('users.login'), control: cLogin, name: 'login', hint: t('users.login_hint') }),
      field({ label: t('users.name'), control: cName, name: 'name' }),
      field({ label: t('users.role'), control: cRole, name: 'role' }),
      orgField,
      workerField,
      h('p', { class: 'field-wide muted code-note' }, t('users.code_note')),
      h('div', { class: 'form-actions' },
        h('button', { type: 'submit', class: 'btn btn-primary' }, t('users.submit')),
        button(t('common.cancel'), { onClick: () => setCreate(false) })));

    // The organisation list follows the role: only organisations of the kind the role belongs to.
    const fillOrgs = async () => {
      const kind = ROLE_ORG_KIND[cRole.value];
      orgField.hidden = !kind;
      fillWorkers();
      if (!seesAll || !kind) return;
      fill(cOrg, h('option', { value: '' }, t('common.loading')));
      try {
        const orgs = await orgsOfKind(kind);
        if (ROLE_ORG_KIND[cRole.value] !== kind) return; // the role changed meanwhile
        fill(cOrg, h('option', { value: '' }, t('users.org_pick')),
          orgs.map((o) => h('option', { value: o.id }, o.name)));
        if (orgs.length === 1) cOrg.value = String(orgs[0].id);
        fillWorkers();
      } catch (err) {
        if (err.status !== 401) fill(cOrg, h('option', { value: '' }, errorText(err)));
      }
    };
    // The workers of the chosen company without a login, for a worker's account.
    let workersFor = null;
    const fillWorkers = async () => {
      const company = seesAll ? Number(cOrg.value) : me.user.org_id;
      workerField.hidden = cRole.value !== 'worker' || !company;
      if (workerField.hidden || workersFor === company) return;
      workersFor = company;
      fill(cWorker, h('option', { value: '' }, t('common.loading')));
      try {
        const ws = await listAll('/api/workers', seesAll ? { company_id: company } : {});
        if (workersFor !== company) return;
        fill(cWorker, h('option', { value: '' }, t('users.worker_none')),
          ws.filter((w) => !w.user_id).map((w) => h('option', { value: w.id }, `${w.name}（${w.id_number_masked}）`)));
      } catch (err) {
        workersFor = null;
        if (err.status !== 401) fill(cWorker, h('option', { value: '' }, errorText(err)));
      }
    };
    cRole.addEventListener('change', fillOrgs);
    if (seesAll) cOrg.addEventListener('change', fillWorkers);
    fillOrgs();

    cf.addEventListener('submit', async (e) => {
      e.preventDefault();
      clearErrors(cf);
      const body = { login: cLogin.value.trim(), name: cName.value.trim(), role: cRole.value };
      if (!body.login) return showError(cf, t('common.required'), 'login');
      if (!body.name) return showError(cf, t('common.required'), 'name');
      if (ROLE_ORG_KIND[body.role]) {
        body.org_id = seesAll ? Number(cOrg.value) : me.user.org_id;
        if (!body.org_id) return showError(cf, t('users.org_required'), 'org_id');
      }
      if (body.role === 'worker' && cWorker.value) body.worker_id = Number(cWorker.value);
      await busy(cf, async () => {
        try {
          const r = await api('POST', '/api/users', { body });
          const u = r.user;
          cf.reset();
          cRole.value = roles[0];
          if (!seesAll) cOrg.value = me.org ? me.org.name : '';
          workersFor = null;
          fillOrgs();
          setCreate(false);
          msg.show('success', t('users.created', { login: u.login, name: u.name }));
          showCode(u, r.setup_code, r.code_expires_at, 'setup');
          filters.reset();
          Object.assign(state, { role: '', status: '', org_id: '', q: '', highlight: u.id });
          await load({ last: true });
        } catch (err) {
          if (err.status !== 401) showApiError(cf, err);
        }
      });
    });
    createPanel = section(t('users.form_title'), cf);
    createPanel.id = 'user-create';
    createPanel.hidden = true;
    toggle = button(t('users.new'), { attrs: { 'aria-expanded': 'false', 'aria-controls': 'user-create', class: 'btn btn-primary user-new' } });
    const setCreate = (open) => {
      createPanel.hidden = !open;
      toggle.setAttribute('aria-expanded', String(open));
      if (open) { fill(editSlot); fill(codeSlot); cLogin.focus(); } else toggle.focus();
    };
    toggle.addEventListener('click', () => setCreate(createPanel.hidden));
  }

  async function setStatus(u, status) {
    try {
      const saved = await api('PATCH', `/api/users/${u.id}`, { body: { status } });
      msg.show('success', t(status === 'disabled' ? 'users.disabled_done' : 'users.enabled_done', { name: saved.name }));
      state.highlight = saved.id;
      load();
    } catch (err) {
      if (err.status !== 401) msg.show('error', errorText(err));
    }
  }

  // The code for u, shown once: who gets it, how, until when, and that only they will know the password.
  function showCode(u, code, expiresAt, kind) {
    const card = codeCard({
      kind,
      title: t(kind === 'setup' ? 'users.setup_title' : 'users.reset_code_title', { name: u.name, login: u.login }),
      code,
      expiresAt,
      lines: [
        t('users.code_hand', { name: u.name }),
        t('users.code_how', { name: u.name, login: u.login }),
        t(kind === 'setup' ? 'users.code_once_setup' : 'users.code_once_reset'),
      ],
      onDone: () => { fill(codeSlot); if (toggle) toggle.focus(); },
    });
    fill(codeSlot, card);
    card.scrollIntoView({ block: 'nearest' });
    card.querySelector('.code-done').focus();
  }

  // Resetting asks first: the person is told, and the code replaces any earlier one.
  function resetPassword(u) {
    const go = h('button', { type: 'submit', class: 'btn btn-primary reset-go' }, t('users.reset_submit'));
    const rf = form({ class: 'form reset-form' },
      h('p', null, t('users.reset_text', { name: u.name })),
      h('div', { class: 'form-actions' }, go,
        button(t('common.cancel'), { onClick: () => fill(editSlot) })));
    rf.addEventListener('submit', async (e) => {
      e.preventDefault();
      clearErrors(rf);
      await busy(rf, async () => {
        try {
          const r = await api('POST', `/api/users/${u.id}/reset`);
          fill(editSlot);
          msg.show('success', t('users.reset_done', { name: r.user.name }));
          showCode(r.user, r.reset_code, r.code_expires_at, 'reset');
        } catch (err) {
          if (err.status !== 401) showApiError(rf, err);
        }
      });
    });
    if (createPanel && !createPanel.hidden) { createPanel.hidden = true; toggle.setAttribute('aria-expanded', 'false'); }
    fill(codeSlot);
    const panel = section(t('users.reset_title', { name: u.name, login: u.login }), rf);
    panel.classList.add('panel-edit');
    fill(editSlot, panel);
    panel.scrollIntoView({ block: 'nearest' });
    go.focus();
  }

  async function load({ last = false } = {}) {
    fill(list, loading());
    try {
      const query = { role: state.role, status: state.status, org_id: state.org_id, q: state.q, page: state.page, per_page: PER_PAGE };
      let r = await api('GET', '/api/users', { query });
      const pages = Math.max(1, Math.ceil(r.total / PER_PAGE));
      if ((last && pages !== state.page) || state.page > pages) {
        state.page = pages;
        r = await api('GET', '/api/users', { query: { ...query, page: state.page } });
      }
      if (!ctx.current()) return;
      if (!r.items.length) { fill(list, empty(t('users.empty'))); return; }
      const columns = [
        { label: t('users.login'), cell: (u) => h('span', { class: 'mono' }, u.login), class: 'nowrap' },
        { label: t('users.name'), cell: (u) => [h('span', { class: 'strong' }, u.name), u.id === me.user.id ? [' ', badge(t('users.you'), 'brand')] : null] },
        { label: t('users.role'), cell: (u) => label('roles', u.role) },
        { label: t('users.org'), cell: (u) => u.org_name || t('common.none') },
        { label: t('users.status'), cell: (u) => badge(label('statuses', u.status), u.status === 'active' ? 'ok' : 'muted') },
        { label: t('common.created'), cell: (u) => h('time', { datetime: u.created_at }, fmtTime(u.created_at)) },
      ];
      if (manage) {
        columns.push({ label: t('common.actions'), class: 'actions', cell: (u) => h('div', { class: 'row-actions' },
          u.id === me.user.id ? null : (u.status === 'active'
            ? button(t('users.disable'), { kind: 'danger', onClick: () => setStatus(u, 'disabled'), attrs: { 'aria-label': t('users.disable_label', { name: u.name }) } })
            : button(t('users.enable'), { onClick: () => setStatus(u, 'active'), attrs: { 'aria-label': t('users.enable_label', { name: u.name }) } })),
          // a worker's login is reset at the association's counter, never by the employer
          u.role === 'worker' && me.user.role !== 'association_admin'
            ? h('span', { class: 'muted small reset-elsewhere' }, t('users.reset_by_association'))
            : button(t('users.reset'), { onClick: () => resetPassword(u), attrs: { 'aria-label': t('users.reset_label', { name: u.name }) } })) });
      }
      fill(list, table({
        caption: t('nav.users'), columns, rows: r.items,
        rowAttrs: (u) => ({ class: u.id === state.highlight ? 'row-new' : null, dataset: { user: u.id } }),
      }), pager({ page: r.page, perPage: PER_PAGE, total: r.total, onPage: (p) => { state.page = p; load(); } }));
    } catch (err) {
      if (err.status !== 401 && ctx.current()) fill(list, notice('error', errorText(err)));
    }
  }

  fill(slot, h('section', { class: 'page page-users' },
    h('div', { class: 'page-head-row' }, pageHead(t('nav.users'), t(seesAll ? 'users.intro' : 'users.intro_company')), toggle),
    msg, codeSlot, createPanel, editSlot, filters, list));
  load();
}
