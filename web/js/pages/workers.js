// pages/workers.js — #/workers (worker.read): the dispatcher's list of workers, each with the colour
// of "may serve now" (overall and per trade), what lapses soon, filters and pages. With
// worker.manage: registering a worker and importing a CSV file (checked first, or only its good
// rows), with a template to start from. A person registered before is not moved: the company asks
// them (a transfer request, #/transfers), unless they handed over their own transfer code.
import { h, fill } from '../dom.js';
import { t, label, has } from '../i18n.js';
import { api, errorText, listAll } from '../api.js';
import {
  pageHead, loading, empty, table, pager, messages, notice, button, field, input, select, form,
  clearErrors, showError, busy, section,
} from '../ui.js';
import {
  reference, tradeName, levelName, colour, tradeColour, fmtDate, today, choices, checkbox, errorField,
  COLOURS,
} from '../workforce.js';
import { fmtAt } from '../services.js';

const PER_PAGE = 20;

// "体检 2026-12-01" for each thing that lapses soon.
export function lapsingList(items) {
  if (!items || !items.length) return t('common.none');
  return h('ul', { class: 'lapsing' }, items.map((l) => h('li', { dataset: { what: l.what } },
    label('lapsing', l.what), l.trade ? t('common.paren', { text: tradeName(l.trade) }) : '', ' ',
    h('time', { datetime: fmtDate(l.date) }, fmtDate(l.date)))));
}

// An error code in words: the catalog's, else the server's message.
export function codeText(code, message) {
  return has(`errors.${code}`) ? t(`errors.${code}`) : (message || code);
}

// An error of the worker form, with the reason a revoked person was revoked.
export function workerErrorText(err) {
  const text = errorText(err);
  if (err && err.code === 'person_revoked' && err.detail) return t('workers.revoked_detail', { text, detail: String(err.detail) });
  return text;
}

export function render(slot, ctx) {
  const { me } = ctx;
  const manage = ctx.can('worker.manage');
  const assoc = Boolean(me.org && me.org.kind === 'association');
  const state = { q: '', trade: '', status: '', lapsing: false, company_id: '', page: 1, highlight: null };
  const msg = messages();
  const list = h('div', { class: 'list' }, loading());
  const companies = assoc ? listAll('/api/orgs', { kind: 'company' }).catch(() => []) : Promise.resolve([]);

  // filters
  const qInput = input({ type: 'search', maxlength: '20', name: 'q' });
  const tradeSel = select([{ value: '', label: t('common.all') }], { name: 'trade' });
  const statusSel = select([{ value: '', label: t('common.all') }, ...COLOURS.map((c) => ({ value: c, label: label('colours', c) }))], { name: 'status' });
  const lapsingBox = checkbox(t('workers.lapsing_only'), { name: 'lapsing' });
  const companySel = assoc ? select([{ value: '', label: t('common.all') }], { name: 'company_id' }) : null;
  const filters = h('form', { class: 'filters', role: 'search', 'aria-label': t('common.filters') },
    field({ label: t('workers.filter_q'), control: qInput }),
    field({ label: t('workers.trade'), control: tradeSel }),
    field({ label: t('workers.status'), control: statusSel }),
    companySel ? field({ label: t('workers.company'), control: companySel }) : null,
    h('div', { class: 'field field-check' }, lapsingBox),
    h('div', { class: 'filters-actions' },
      h('button', { type: 'submit', class: 'btn btn-primary' }, t('common.search')),
      button(t('common.reset'), { onClick: () => { filters.reset(); Object.assign(state, { q: '', trade: '', status: '', lapsing: false, company_id: '', page: 1 }); load(); } })));
  filters.addEventListener('submit', (e) => {
    e.preventDefault();
    Object.assign(state, {
      q: qInput.value.trim(), trade: tradeSel.value, status: statusSel.value, lapsing: lapsingBox.box.checked,
      company_id: companySel ? companySel.value : '', page: 1,
    });
    load();
  });
  reference('trades').then((items) => tradeSel.append(...items.map((i) => h('option', { value: i.code }, tradeName(i.code, i)))));
  if (companySel) companies.then((cs) => companySel.append(...cs.map((c) => h('option', { value: c.id }, c.name))));

  let panels = [];
  let actions = null;
  if (manage) {
    const reg = registerPanel();
    const imp = importPanel();
    panels = [reg.panel, imp.panel];
    const open = (which) => {
      for (const p of [reg, imp]) {
        const on = p === which && p.panel.hidden;
        p.panel.hidden = !on;
        p.toggle.setAttribute('aria-expanded', String(on));
        if (on) p.focus();
      }
    };
    reg.toggle.addEventListener('click', () => open(reg));
    imp.toggle.addEventListener('click', () => open(imp));
    reg.close = () => open(null);
    actions = h('div', { class: 'head-actions' }, reg.toggle, imp.toggle,
      h('a', { class: 'btn btn-secondary transfers-link', href: '#/transfers' }, t('nav.transfers')),
      h('a', { class: 'btn btn-quiet btn-link worker-template', href: 'templates/workers.csv', download: 'workers.csv' }, t('workers.template')));
  }

  function registerPanel() {
    const cName = input({ maxlength: '20', autocomplete: 'off' });
    const cId = input({ maxlength: '18', autocomplete: 'off', spellcheck: 'false', autocapitalize: 'characters', class: 'input mono', inputmode: 'text' });
    const cPhone = input({ type: 'tel', maxlength: '11', autocomplete: 'off', inputmode: 'numeric', class: 'input mono' });
    const cLevel = select([], { name: 'level' });
    const cSince = input({ type: 'date', max: today() });
    const cPhoto = input({ maxlength: '200', autocomplete: 'off', spellcheck: 'false' });
    const cCode = input({ maxlength: '20', autocomplete: 'off', spellcheck: 'false', autocapitalize: 'characters', class: 'input mono', placeholder: 'XXXXX-XXXXX' });
    const cCompany = assoc ? select([{ value: '', label: t('workers.company_pick') }]) : null;
    const tradeSlot = h('div', { class: 'field-wide' });
    let trades = null;
    reference('trades').then((items) => {
      trades = choices({ legend: t('workers.trades'), name: 'trades', options: items.map((i) => ({ value: i.code, label: tradeName(i.code, i) })), hint: t('workers.trades_hint') });
      fill(tradeSlot, trades);
    });
    reference('levels').then((items) => {
      fill(cLevel, items.map((i) => h('option', { value: i.code }, levelName(i.code, i))));
    });
    if (cCompany) companies.then((cs) => cCompany.append(...cs.map((c) => h('option', { value: c.id }, c.name))));
    const result = h('div', { class: 'register-result', 'aria-live': 'polite' });
    const f = form({ class: 'form form-grid worker-form' },
      field({ label: t('workers.name'), control: cName, name: 'name' }),
      field({ label: t('workers.id_number'), control: cId, name: 'id_number', hint: t('workers.id_number_hint') }),
      field({ label: t('workers.phone'), control: cPhone, name: 'phone', hint: t('workers.phone_hint') }),
      field({ label: t('workers.level'), control: cLevel, name: 'level' }),
      tradeSlot,
      field({ label: t('workers.experience_since'), control: cSince, name: 'experience_since', optional: true }),
      field({ label: t('workers.photo_ref'), control: cPhoto, name: 'photo_ref', optional: true, hint: t('workers.photo_ref_hint') }),
      field({ label: t('workers.transfer_code'), control: cCode, name: 'transfer_code', optional: true, hint: t('workers.transfer_code_hint') }),
      cCompany ? field({ label: t('workers.company'), control: cCompany, name: 'company_id' }) : null,
      h('div', { class: 'form-actions' },
        h('button', { type: 'submit', class: 'btn btn-primary' }, t('workers.submit')),
        button(t('common.cancel'), { onClick: () => panel.close() })));
    f.addEventListener('submit', async (e) => {
      e.preventDefault();
      clearErrors(f);
      fill(result);
      const body = {
        name: cName.value.trim(), id_number: cId.value.trim().toUpperCase(), phone: cPhone.value.trim(),
        trades: trades ? trades.values() : [], level: cLevel.value,
      };
      if (!body.name) return showError(f, t('common.required'), 'name');
      if (!body.id_number) return showError(f, t('common.required'), 'id_number');
      if (!body.phone) return showError(f, t('common.required'), 'phone');
      if (!body.trades.length) return showError(f, t('workers.trades_required'), 'trades');
      if (cSince.value) body.experience_since = cSince.value;
      if (cPhoto.value.trim()) body.photo_ref = cPhoto.value.trim();
      if (cCode.value.trim()) body.transfer_code = cCode.value.trim();
      if (cCompany) {
        body.company_id = Number(cCompany.value);
        if (!body.company_id) return showError(f, t('workers.company_required'), 'company_id');
      }
      await busy(f, async () => {
        try {
          const r = await api('POST', '/api/workers', { body, full: true });
          f.reset();
          if (trades) trades.set([]);
          panel.close();
          if (r.status === 202) {
            // registered before: asked, nothing moves until they say yes
            msg.show('info', [h('p', null, t('workers.asked', { name: body.name, until: fmtAt(r.data.expires_at) })),
              h('p', null, h('a', { href: '#/transfers', class: 'transfers-link' }, t('workers.asked_link')))]);
            return;
          }
          const w = r.data;
          msg.show('success', t(w.linked ? 'workers.linked' : 'workers.created', { name: w.name }));
          Object.assign(state, { q: '', trade: '', status: '', lapsing: false, company_id: '', highlight: w.id });
          filters.reset();
          await load({ last: true });
        } catch (err) {
          if (err.status !== 401) showError(f, workerErrorText(err), errorField(err));
        }
      });
    });
    const panel = section(t('workers.form_title'), h('p', { class: 'muted' }, t('workers.form_intro')), f, result);
    panel.id = 'worker-create';
    panel.hidden = true;
    const toggle = button(t('workers.new'), { kind: 'primary', attrs: { 'aria-expanded': 'false', 'aria-controls': 'worker-create', class: 'btn btn-primary worker-new' } });
    const out = { panel, toggle, focus: () => cName.focus(), close: () => {} };
    panel.close = () => out.close();
    return out;
  }

  function importPanel() {
    const file = h('input', { type: 'file', accept: '.csv,text/csv', class: 'input input-file', name: 'csv' });
    const dry = checkbox(t('workers.import_dry_run'), { name: 'dry_run' });
    const good = checkbox(t('workers.import_good_only'), { name: 'good_only' });
    const cCompany = assoc ? select([{ value: '', label: t('workers.company_pick') }]) : null;
    if (cCompany) companies.then((cs) => cCompany.append(...cs.map((c) => h('option', { value: c.id }, c.name))));
    const result = h('div', { class: 'import-result', 'aria-live': 'polite' });
    const f = form({ class: 'form form-grid import-form' },
      field({ label: t('workers.import_file'), control: file, name: 'csv', hint: t('workers.import_hint'), wide: true }),
      cCompany ? field({ label: t('workers.company'), control: cCompany, name: 'company_id' }) : null,
      h('div', { class: 'field field-wide import-options' }, dry, good),
      h('div', { class: 'form-actions' },
        h('button', { type: 'submit', class: 'btn btn-primary' }, t('workers.import_submit')),
        h('a', { class: 'btn btn-quiet btn-link', href: 'templates/workers.csv', download: 'workers.csv' }, t('workers.template'))));
    f.addEventListener('submit', async (e) => {
      e.preventDefault();
      clearErrors(f);
      fill(result);
      const chosen = file.files && file.files[0];
      if (!chosen) return showError(f, t('workers.import_pick'), 'csv');
      if (chosen.size > 1024 * 1024) return showError(f, t('errors.payload_too_large'), 'csv');
      const body = { csv: await chosen.text(), good_only: good.box.checked, dry_run: dry.box.checked };
      if (cCompany) {
        body.company_id = Number(cCompany.value);
        if (!body.company_id) return showError(f, t('workers.company_required'), 'company_id');
      }
      await busy(f, async () => {
        try {
          const r = await api('POST', '/api/workers/import', { body });
          fill(result, importResult(r, false));
          if (!r.dry_run && r.imported > 0) load();
        } catch (err) {
          if (err.status === 401) return;
          if (err.code === 'import_rejected' && err.body) fill(result, importResult({ ...err.body, dry_run: body.dry_run }, !body.dry_run));
          else showError(f, errorText(err), errorField(err));
        }
      });
    });
    const panel = section(t('workers.import_title'), h('p', { class: 'muted' }, t('workers.import_intro')), f, result);
    panel.id = 'worker-import';
    panel.hidden = true;
    const toggle = button(t('workers.import'), { attrs: { 'aria-expanded': 'false', 'aria-controls': 'worker-import', class: 'btn btn-secondary worker-import' } });
    return { panel, toggle, focus: () => file.focus() };
  }

  function importResult(r, rejected) {
    const errors = (Array.isArray(r.errors) ? r.errors : []).slice().sort((a, b) => (a.line ?? 0) - (b.line ?? 0));
    let head;
    if (rejected) head = notice('error', t('workers.import_rejected', { n: errors.length }));
    else if (r.dry_run) {
      head = notice(errors.length ? 'warning' : 'success', r.rows === undefined
        ? t('workers.import_checked_bad', { bad: errors.length })
        : t('workers.import_checked', { rows: r.rows, bad: errors.length }));
    }
    else head = notice(errors.length ? 'warning' : 'success', t('workers.import_done', { imported: r.imported ?? 0, transfers: r.transfers ?? 0, skipped: r.skipped ?? 0 }));
    const counts = rejected || r.rows === undefined ? null : h('dl', { class: 'facts import-counts' },
      ['rows', 'imported', 'transfers', 'skipped'].map((k) => [h('dt', null, t(`workers.count_${k}`)), h('dd', { dataset: { count: k } }, String(r[k] ?? 0))]));
    const rows = errors.length ? table({
      caption: t('workers.import_errors'),
      columns: [
        { label: t('workers.err_line'), cell: (e) => String(e.line ?? ''), class: 'mono nowrap' },
        { label: t('workers.err_field'), cell: (e) => (e.field ? label('workers.fields', e.field) : t('common.none')) },
        { label: t('workers.err_problem'), cell: (e) => [codeText(e.code, e.message), ' ', h('code', { class: 'code' }, e.code)] },
      ],
      rows: errors,
      rowAttrs: (e) => ({ dataset: { line: e.line, code: e.code } }),
    }) : null;
    return [head, counts, rows];
  }

  async function load({ last = false } = {}) {
    fill(list, loading());
    try {
      const query = {
        q: state.q, trade: state.trade, status: state.status, lapsing: state.lapsing ? 'true' : '',
        company_id: state.company_id, page: state.page, per_page: PER_PAGE,
      };
      let r = await api('GET', '/api/workers', { query });
      const pages = Math.max(1, Math.ceil(r.total / PER_PAGE));
      if ((last && pages !== state.page) || state.page > pages) {
        state.page = pages;
        r = await api('GET', '/api/workers', { query: { ...query, page: state.page } });
      }
      if (!ctx.current()) return;
      if (!r.items.length) { fill(list, empty(t('workers.empty'))); return; }
      const columns = [
        { label: t('workers.status'), class: 'nowrap', cell: (w) => colour(w.eligibility ? w.eligibility.status : null) },
        { label: t('workers.name'), class: 'nowrap', cell: (w) => h('a', { href: `#/workers/${w.id}`, class: 'strong worker-link' }, w.name) },
        { label: t('workers.id_number'), class: 'mono nowrap', cell: (w) => w.id_number_masked || t('common.none') },
        { label: t('workers.trades'), cell: (w) => h('span', { class: 'trade-chips' }, ((w.eligibility && w.eligibility.trades) || (w.trades || []).map((tr) => ({ trade: tr })))
          .map((x) => tradeColour(x.trade, x.status))) },
        { label: t('workers.level'), cell: (w) => levelName(w.level) },
      ];
      if (assoc) columns.push({ label: t('workers.company'), cell: (w) => (w.company ? w.company.name : t('common.none')) });
      columns.push({ label: t('workers.lapsing'), cell: (w) => lapsingList(w.lapsing) });
      fill(list, table({
        caption: t('nav.workers'), columns, rows: r.items,
        rowAttrs: (w) => ({ class: w.id === state.highlight ? 'row-new' : null, dataset: { worker: w.id, status: w.eligibility ? w.eligibility.status : '' } }),
      }), pager({ page: r.page, perPage: PER_PAGE, total: r.total, onPage: (p) => { state.page = p; load(); } }));
    } catch (err) {
      if (err.status !== 401 && ctx.current()) fill(list, notice('error', errorText(err)));
    }
  }

  fill(slot, h('section', { class: 'page page-workers' },
    h('div', { class: 'page-head-row' }, pageHead(t('nav.workers'), t(assoc ? 'workers.intro' : 'workers.intro_company')), actions),
    h('ul', { class: 'legend', 'aria-label': t('workers.legend') }, COLOURS.map((c) => h('li', null, colour(c), ' ', h('span', { class: 'muted' }, t(`workers.legend_${c}`))))),
    msg, ...panels, filters, list));
  load();
}
