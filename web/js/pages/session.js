// pages/session.js — #/training/sessions/ID: one training session and its enrolments. With
// training.run, attendance and the exam score of every enrolled worker, saved at once (all or
// nothing, each row's error beside it), or a CSV/XLSX score sheet checked and imported; and the
// attendance sheet to print. With training.enrol, enrolling a worker (a company picks from its own
// workers; the trainer and the association find the person by the whole name or ID number).
import { h, fill } from '../dom.js';
import { t, fmtTime, label } from '../i18n.js';
import { api, errorText, listAll } from '../api.js';
import {
  pageHead, loading, empty, table, messages, notice, button, field, input, select, form,
  clearErrors, showError, busy, section, badge,
} from '../ui.js';
import { courseName, sessionStatus } from './training.js';
import { facts } from './worker.js';
import { tradeName } from '../workforce.js';

const passedBadge = (e) => (e.passed === null || e.passed === undefined || e.score === null || e.score === undefined
  ? h('span', { class: 'muted' }, t('enrol.not_scored'))
  : badge(t(e.passed ? 'enrol.passed' : 'enrol.failed'), e.passed ? 'ok' : 'danger'));

export function render(slot, ctx) {
  const id = Number(ctx.params.id);
  const run = ctx.can('training.run');
  const enrol = ctx.can('training.enrol');
  const company = Boolean(ctx.me.org && ctx.me.org.kind === 'company');
  const msg = messages();
  const head = h('div', { class: 'session-head' }, pageHead(t('nav.session')));
  const info = h('div', { class: 'session-info' }, loading());
  const list = h('div', { class: 'list enrolments-list' }, loading());
  const enrolSlot = h('div', { class: 'enrol-slot' });
  let session = null;
  let enrolments = [];

  async function loadSession() {
    try {
      session = await api('GET', `/api/training-sessions/${id}`);
    } catch (err) {
      if (err.status !== 401 && ctx.current()) {
        fill(info, notice('error', err.status === 404 ? t('tsessions.not_found') : errorText(err)));
        fill(list);
      }
      return false;
    }
    if (!ctx.current()) return false;
    const s = session;
    fill(head, pageHead(courseName(s.course), t('tsessions.detail_intro')));
    fill(info, section(t('tsessions.facts'), facts([
      [t('tsessions.course'), courseName(s.course)],
      [t('courses.kind'), [label('course_kinds', s.course.kind), s.course.trade ? ` · ${tradeName(s.course.trade)}` : '']],
      [t('courses.pass_mark'), String(s.course.pass_mark)],
      [t('courses.credits'), String(s.course.credits)],
      [t('tsessions.starts_at'), fmtTime(s.starts_at)],
      [t('tsessions.ends_at'), fmtTime(s.ends_at)],
      [t('tsessions.location'), s.location],
      [t('tsessions.org'), s.org ? s.org.name : t('common.none')],
      [t('tsessions.enrolled'), `${s.enrolled ?? 0} / ${s.capacity}`, 'enrolled'],
      [t('tsessions.status'), sessionStatus(s.status)],
      [t('tresults.results_in'), `${s.results ?? 0} / ${s.enrolled ?? 0}`, 'results'],
    ])));
    if (enrol && s.status === 'scheduled') fill(enrolSlot, enrolForm());
    else fill(enrolSlot);
    return true;
  }

  async function loadEnrolments() {
    fill(list, loading());
    try {
      // the endpoint answers the whole list and takes no paging parameters
      const r = await api('GET', `/api/training-sessions/${id}/enrolments`);
      const items = r.items || [];
      if (!ctx.current()) return;
      enrolments = items;
      sheetButton.hidden = !items.length;
      if (!items.length) { fill(list, empty(t('enrol.empty'))); return; }
      const columns = [
        { label: t('enrol.worker'), cell: (e) => h('span', { class: 'strong' }, e.worker ? (e.worker.name || e.worker.masked_name) : '') },
        { label: t('tresults.id_masked'), class: 'mono nowrap', cell: (e) => (e.worker && e.worker.id_number_masked) || t('common.none') },
        { label: t('enrol.attended'), cell: (e) => e.ui.attended },
        { label: t('enrol.score'), cell: (e) => e.ui.score },
        { label: t('enrol.result'), cell: (e) => e.ui.result },
        { label: t('enrol.credits'), class: 'num', cell: (e) => e.ui.credits },
      ];
      // the institution does not learn where a person works
      if (items.some((e) => e.company !== undefined)) {
        columns.splice(2, 0, { label: t('enrol.company'), cell: (e) => (e.company ? e.company.name : t('common.none')) });
      }
      for (const e of items) rowControls(e);
      const tbl = table({
        caption: t('enrol.title'), columns, rows: items,
        rowAttrs: (e) => ({ dataset: { worker: e.worker ? e.worker.id : '' } }),
      });
      if (!run || session.status === 'cancelled') { fill(list, tbl); return; }
      fill(list, resultsForm(items, tbl));
    } catch (err) {
      if (err.status !== 401 && ctx.current()) fill(list, notice('error', errorText(err)));
    }
  }

  // The cells of one enrolment: inputs when the user records results, text otherwise.
  function rowControls(e) {
    const name = e.worker ? (e.worker.name || e.worker.masked_name) : '';
    const result = h('span', { class: 'enrol-result' }, passedBadge(e));
    const credits = h('span', { class: 'enrol-credits' }, e.passed ? String(e.credits ?? 0) : '0');
    if (!run) {
      e.ui = {
        attended: e.attended ? t('common.yes') : t('common.no'),
        score: e.score === null || e.score === undefined ? t('common.none') : String(e.score),
        result, credits,
      };
      return;
    }
    const attended = h('input', { type: 'checkbox', class: 'enrol-attended', checked: Boolean(e.attended), 'aria-label': t('enrol.attended_label', { name }) });
    const score = input({
      type: 'number', min: '0', max: '100', step: '1', inputmode: 'numeric', class: 'input input-score enrol-score',
      value: e.score === null || e.score === undefined ? '' : String(e.score), 'aria-label': t('enrol.score_label', { name }),
    });
    // someone absent has no score: unticking clears it (ticking again brings back what was typed)
    let kept = score.value;
    const sync = () => {
      if (!attended.checked) { if (score.value !== '') kept = score.value; score.value = ''; } else if (score.value === '') score.value = kept;
      score.disabled = !attended.checked;
    };
    attended.addEventListener('change', sync);
    sync();
    const err = h('p', { class: 'field-error', hidden: true, role: 'alert' });
    e.ui = {
      attended: h('label', { class: 'choice' }, attended, h('span', null, t('enrol.attended_short'))),
      score: h('div', { class: 'score-cell' }, score, err),
      result, credits, name,
      read() {
        err.hidden = true;
        score.removeAttribute('aria-invalid');
        const b = { worker_id: e.worker.id, attended: attended.checked, score: null };
        if (attended.checked && score.value !== '') {
          const v = Number(score.value);
          b.score = Number.isInteger(v) && v >= 0 && v <= 100 ? v : NaN;
        }
        return b;
      },
      fail(text) {
        err.textContent = text;
        err.hidden = false;
        score.setAttribute('aria-invalid', 'true');
      },
    };
  }

  // Every row's attendance and score, saved at once; nothing is saved while any row is wrong.
  function resultsForm(items, tbl) {
    const summary = h('div', { class: 'results-summary', 'aria-live': 'polite' });
    const save = h('button', { type: 'submit', class: 'btn btn-primary results-save' }, t('tresults.save_all'));
    const f = form({ class: 'form results-form', novalidate: true }, tbl, summary, h('div', { class: 'form-actions' }, save));
    f.addEventListener('submit', async (ev) => {
      ev.preventDefault();
      fill(summary);
      const rows = items.map((e) => e.ui.read());
      let bad = 0;
      rows.forEach((b, i) => {
        if (b.attended && (b.score === null || Number.isNaN(b.score))) { items[i].ui.fail(t('enrol.score_invalid')); bad++; }
      });
      if (bad) { fill(summary, notice('error', t('tresults.rows_wrong', { n: bad }))); return; }
      await busy(f, async () => {
        try {
          const r = await api('POST', `/api/training-sessions/${id}/results`, { body: { results: rows } });
          msg.show('success', t('tresults.saved_all', { n: r.saved }));
          await loadSession();
          loadEnrolments();
        } catch (err) {
          if (err.status === 401) return;
          const errors = (err.body && err.body.errors) || [];
          for (const x of errors) {
            const e = items[x.index] || items.find((it) => it.worker && it.worker.id === x.worker_id);
            if (e) e.ui.fail(x.message || errorText(err));
          }
          fill(summary, notice('error', errors.length ? t('tresults.rows_wrong', { n: errors.length }) : errorText(err)));
        }
      });
    });
    return f;
  }

  // A CSV or XLSX score sheet: checked first (a dry run), then imported; every wrong row listed.
  function importForm() {
    const file = h('input', { type: 'file', accept: '.csv,.xlsx,text/csv,application/vnd.openxmlformats-officedocument.spreadsheetml.sheet', class: 'input import-file' });
    const out = h('div', { class: 'import-result', 'aria-live': 'polite' });
    const check = button(t('tresults.check'), { attrs: { class: 'btn btn-secondary import-check' } });
    const go = button(t('tresults.import'), { kind: 'primary', attrs: { class: 'btn btn-primary import-go' } });
    const f = form({ class: 'form import-form' },
      h('p', { class: 'muted' }, t('tresults.import_intro')),
      field({ label: t('tresults.file'), control: file, name: 'file', hint: t('tresults.file_hint') }),
      h('div', { class: 'form-actions' }, check, go), out);
    f.addEventListener('submit', (ev) => ev.preventDefault());
    async function send(dryRun) {
      fill(out);
      const picked = file.files && file.files[0];
      if (!picked) { fill(out, notice('error', t('tresults.file_required'))); return; }
      const body = { dry_run: dryRun };
      if (/\.xlsx$/i.test(picked.name)) {
        const bytes = new Uint8Array(await picked.arrayBuffer());
        let bin = '';
        for (let i = 0; i < bytes.length; i += 0x8000) bin += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
        body.xlsx = btoa(bin);
      } else {
        body.csv = await picked.text();
      }
      await busy(f, async () => {
        try {
          const r = await api('POST', `/api/training-sessions/${id}/results/import`, { body });
          if (dryRun) { fill(out, notice('success', t('tresults.checked', { n: r.rows }))); return; }
          file.value = '';
          msg.show('success', t('tresults.imported', { n: r.saved }));
          await loadSession();
          loadEnrolments();
        } catch (err) {
          if (err.status === 401) return;
          const errors = (err.body && err.body.errors) || [];
          if (!errors.length) { fill(out, notice('error', errorText(err))); return; }
          fill(out, notice('error', t('tresults.import_rejected', { n: errors.length })), table({
            caption: t('tresults.errors'),
            columns: [
              { label: t('tresults.line'), class: 'num', cell: (x) => String(x.line) },
              { label: t('enrol.worker'), cell: (x) => x.name || (x.worker_id ? `#${x.worker_id}` : t('common.none')) },
              { label: t('tresults.field'), class: 'mono', cell: (x) => x.field || t('common.none') },
              { label: t('tresults.why'), cell: (x) => x.message || x.code },
            ],
            rows: errors,
            rowAttrs: (x) => ({ class: 'import-error', dataset: { line: x.line } }),
          }));
        }
      });
    }
    check.addEventListener('click', () => send(true));
    go.addEventListener('click', () => send(false));
    return section(t('tresults.import_title'), f);
  }

  // The attendance sheet: the session and each enrolled worker with a column to sign, for print.
  function showSheet() {
    const s = session;
    const rows = enrolments.map((e, i) => ({ n: i + 1, e }));
    fill(sheet, h('div', { class: 'sheet-actions no-print' },
      button(t('tresults.print'), { kind: 'primary', onClick: () => window.print() }),
      button(t('tresults.sheet_close'), { onClick: () => { sheet.hidden = true; main.hidden = false; } })),
    h('h1', { class: 'sheet-title' }, t('tresults.sheet_title')),
    h('dl', { class: 'sheet-facts' },
      h('dt', null, t('tsessions.course')), h('dd', null, courseName(s.course)),
      h('dt', null, t('tresults.when')), h('dd', null, `${fmtTime(s.starts_at)} – ${fmtTime(s.ends_at)}`),
      h('dt', null, t('tsessions.location')), h('dd', null, s.location),
      h('dt', null, t('tsessions.org')), h('dd', null, s.org ? s.org.name : ''),
      h('dt', null, t('tresults.session_no')), h('dd', null, String(s.id))),
    table({
      caption: t('tresults.sheet_caption', { n: rows.length }),
      columns: [
        { label: t('tresults.no'), class: 'num', cell: (x) => String(x.n) },
        { label: t('enrol.worker'), cell: (x) => (x.e.worker ? (x.e.worker.name || x.e.worker.masked_name) : '') },
        { label: t('tresults.id_masked'), class: 'mono', cell: (x) => (x.e.worker && x.e.worker.id_number_masked) || '' },
        { label: t('tresults.signature'), class: 'sign', cell: () => '' },
      ],
      rows,
    }));
    main.hidden = true;
    sheet.hidden = false;
  }

  function enrolForm() {
    if (!company) return searchForm();
    const control = select([{ value: '', label: t('common.loading') }], { name: 'worker_id' });
    listAll('/api/workers').then((ws) => {
      fill(control, h('option', { value: '' }, t('enrol.worker_pick')), ws.map((w) => h('option', { value: w.id }, `${w.name}（${w.id_number_masked}）`)));
    }).catch((err) => { if (err.status !== 401) fill(control, h('option', { value: '' }, errorText(err))); });
    const fields = [field({ label: t('enrol.worker'), control, name: 'worker_id' })];
    const f = form({ class: 'form form-grid enrol-form' }, ...fields,
      h('div', { class: 'form-actions' }, h('button', { type: 'submit', class: 'btn btn-primary' }, t('enrol.submit'))));
    f.addEventListener('submit', async (e) => {
      e.preventDefault();
      clearErrors(f);
      const wid = Number(control.value);
      if (!Number.isInteger(wid) || wid < 1) return showError(f, t('enrol.worker_required'), 'worker_id');
      await busy(f, async () => {
        try {
          await api('POST', `/api/training-sessions/${id}/enrolments`, { body: { worker_id: wid } });
          msg.show('success', t('enrol.enrolled'));
          await loadSession();
          loadEnrolments();
        } catch (err) {
          if (err.status === 401) return;
          showError(f, errorText(err), err.field || 'worker_id');
        }
      });
    });
    return section(t('enrol.form_title'), f);
  }

  // The trainer finds the person in the registry by the whole name or the whole ID number on the
  // card they show (every search is a logged look-up), then enrols the one found.
  function searchForm() {
    const q = input({ maxlength: '20', autocomplete: 'off', spellcheck: 'false', class: 'input enrol-search', type: 'search' });
    const found = h('div', { class: 'enrol-found', 'aria-live': 'polite' });
    const f = form({ class: 'form form-grid enrol-form', role: 'search' },
      field({ label: t('tresults.search_label'), control: q, name: 'q', hint: t('tresults.search_hint'), wide: true }),
      h('div', { class: 'form-actions' }, h('button', { type: 'submit', class: 'btn btn-primary' }, t('common.search'))));
    async function enrolOne(w, b) {
      b.disabled = true;
      try {
        await api('POST', `/api/training-sessions/${id}/enrolments`, { body: { worker_id: w.id } });
        msg.show('success', t('tresults.enrolled_name', { name: w.name }));
        fill(b, t('tresults.is_enrolled'));
        await loadSession();
        loadEnrolments();
      } catch (err) {
        b.disabled = false;
        if (err.status !== 401) msg.show('error', errorText(err));
      }
    }
    f.addEventListener('submit', async (e) => {
      e.preventDefault();
      clearErrors(f);
      fill(found);
      const text = q.value.trim().toUpperCase();
      if (text.length < 2) return showError(f, t('tresults.search_short'), 'q');
      await busy(f, async () => {
        try {
          const r = await api('GET', '/api/training/worker-search', { query: { q: text, session_id: id } });
          if (!r.items.length) { fill(found, empty(t(r.by === 'id_number' ? 'tresults.none_number' : 'tresults.none_name'))); return; }
          fill(found, table({
            caption: t('tresults.found'),
            columns: [
              { label: t('enrol.worker'), cell: (w) => h('span', { class: 'strong' }, w.name) },
              { label: t('tresults.id_masked'), class: 'mono nowrap', cell: (w) => w.id_number_masked },
              { label: t('tresults.trades'), cell: (w) => (w.trades || []).map((c) => tradeName(c)).join('、') || t('common.none') },
              { label: t('common.actions'), class: 'actions', cell: (w) => {
                const b = button(t(w.enrolled ? 'tresults.is_enrolled' : 'enrol.submit'), {
                  kind: 'primary', attrs: { class: 'btn btn-primary enrol-found-btn', 'aria-label': t('tresults.enrol_label', { name: w.name, id: w.id_number_masked }) },
                });
                b.disabled = Boolean(w.enrolled) || session.status !== 'scheduled';
                b.addEventListener('click', () => enrolOne(w, b));
                return b;
              } },
            ],
            rows: r.items,
            rowAttrs: (w) => ({ dataset: { worker: w.id } }),
          }));
        } catch (err) {
          if (err.status !== 401) showError(f, errorText(err), 'q');
        }
      });
    });
    return section(t('enrol.form_title'), f, found);
  }

  const sheetButton = button(t('tresults.sheet'), { attrs: { class: 'btn btn-secondary sheet-open', hidden: true }, onClick: () => showSheet() });
  const main = h('div', { class: 'session-main' },
    h('p', { class: 'back' }, h('a', { href: '#/training' }, t('tsessions.back'))),
    h('div', { class: 'page-head-row' }, head, h('div', { class: 'head-actions' }, sheetButton)),
    msg, info, enrolSlot,
    section(t('enrol.title'), run ? h('p', { class: 'muted' }, t('tresults.record_intro')) : null, list),
    run ? importForm() : null);
  const sheet = h('div', { class: 'attendance-sheet', hidden: true });
  fill(slot, h('section', { class: 'page page-session', dataset: { session: id } }, main, sheet));
  loadSession().then((ok) => { if (ok) loadEnrolments(); });
}
