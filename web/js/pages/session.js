// pages/session.js — #/training/sessions/ID: one training session and its enrolments. With
// training.run, attendance and the exam score per worker, saved row by row (the answer says whether
// they passed and the credits earned); with training.enrol, enrolling a worker (a company picks
// from its own workers; the trainer and the association by the ID card the person shows: its
// number and the name on it).
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
      if (!items.length) { fill(list, empty(t('enrol.empty'))); return; }
      const columns = [
        { label: t('enrol.worker'), cell: (e) => h('span', { class: 'strong' }, e.worker ? (e.worker.name || e.worker.masked_name) : '') },
        { label: t('enrol.company'), cell: (e) => (e.company ? e.company.name : t('common.none')) },
        { label: t('enrol.attended'), cell: (e) => e.ui.attended },
        { label: t('enrol.score'), cell: (e) => e.ui.score },
        { label: t('enrol.result'), cell: (e) => e.ui.result },
        { label: t('enrol.credits'), class: 'num', cell: (e) => e.ui.credits },
      ];
      for (const e of items) rowControls(e);
      if (run) columns.push({ label: t('common.actions'), class: 'actions', cell: (e) => e.ui.save });
      fill(list, table({
        caption: t('enrol.title'), columns, rows: items,
        rowAttrs: (e) => ({ dataset: { worker: e.worker ? e.worker.id : '' } }),
      }));
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
    const sync = () => { score.disabled = !attended.checked; };
    attended.addEventListener('change', sync);
    sync();
    const err = h('p', { class: 'field-error', hidden: true, role: 'alert' });
    const save = button(t('common.save'), { attrs: { class: 'btn btn-secondary enrol-save', 'aria-label': t('enrol.save_label', { name }) } });
    save.addEventListener('click', async () => {
      err.hidden = true;
      score.removeAttribute('aria-invalid');
      const b = { attended: attended.checked, score: null };
      if (attended.checked) {
        const v = Number(score.value);
        if (score.value === '' || !Number.isInteger(v) || v < 0 || v > 100) {
          err.textContent = t('enrol.score_invalid');
          err.hidden = false;
          score.setAttribute('aria-invalid', 'true');
          score.focus();
          return;
        }
        b.score = v;
      }
      save.disabled = true;
      try {
        const r = await api('PATCH', `/api/training-sessions/${id}/enrolments/${e.worker.id}`, { body: b });
        fill(result, passedBadge(r));
        fill(credits, r.passed ? String(r.credits ?? 0) : '0');
        msg.show('success', t(r.passed ? 'enrol.saved_passed' : 'enrol.saved', { name, credits: r.credits ?? 0 }));
      } catch (x) {
        if (x.status !== 401) { err.textContent = errorText(x); err.hidden = false; }
      } finally {
        save.disabled = false;
      }
    });
    e.ui = {
      attended: h('label', { class: 'choice' }, attended, h('span', null, t('enrol.attended_short'))),
      score: h('div', { class: 'score-cell' }, score, err),
      result, credits, save,
    };
  }

  function enrolForm() {
    let control = null;
    let idNumber = null;
    let name = null;
    let fields;
    if (company) {
      control = select([{ value: '', label: t('common.loading') }], { name: 'worker_id' });
      listAll('/api/workers').then((ws) => {
        fill(control, h('option', { value: '' }, t('enrol.worker_pick')), ws.map((w) => h('option', { value: w.id }, `${w.name}（${w.id_number_masked}）`)));
      }).catch((err) => { if (err.status !== 401) fill(control, h('option', { value: '' }, errorText(err))); });
      fields = [field({ label: t('enrol.worker'), control, name: 'worker_id' })];
    } else {
      idNumber = input({ maxlength: '18', autocomplete: 'off', spellcheck: 'false', autocapitalize: 'characters', class: 'input mono' });
      name = input({ maxlength: '20', autocomplete: 'off' });
      fields = [
        h('p', { class: 'field-wide muted' }, t('enrol.card_intro')),
        field({ label: t('enrol.id_number'), control: idNumber, name: 'id_number', hint: t('enrol.id_number_hint') }),
        field({ label: t('enrol.card_name'), control: name, name: 'name' }),
      ];
    }
    const f = form({ class: 'form form-grid enrol-form' }, ...fields,
      h('div', { class: 'form-actions' }, h('button', { type: 'submit', class: 'btn btn-primary' }, t('enrol.submit'))));
    f.addEventListener('submit', async (e) => {
      e.preventDefault();
      clearErrors(f);
      let b;
      if (company) {
        const wid = Number(control.value);
        if (!Number.isInteger(wid) || wid < 1) return showError(f, t('enrol.worker_required'), 'worker_id');
        b = { worker_id: wid };
      } else {
        b = { id_number: idNumber.value.trim().toUpperCase(), name: name.value.trim() };
        if (!b.id_number) return showError(f, t('common.required'), 'id_number');
        if (!b.name) return showError(f, t('common.required'), 'name');
      }
      await busy(f, async () => {
        try {
          await api('POST', `/api/training-sessions/${id}/enrolments`, { body: b });
          if (!company) f.reset();
          msg.show('success', t('enrol.enrolled'));
          await loadSession();
          loadEnrolments();
        } catch (err) {
          if (err.status === 401) return;
          // an unknown number and a number under another name get the same answer
          const text = err.code === 'not_found' && !company ? t('enrol.card_not_found') : errorText(err);
          showError(f, text, err.field || (company ? 'worker_id' : 'id_number'));
        }
      });
    });
    return section(t('enrol.form_title'), f);
  }

  fill(slot, h('section', { class: 'page page-session', dataset: { session: id } },
    h('p', { class: 'back' }, h('a', { href: '#/training' }, t('tsessions.back'))),
    head, msg, info, enrolSlot,
    section(t('enrol.title'), run ? h('p', { class: 'muted' }, t('enrol.record_intro')) : null, list)));
  loadSession().then((ok) => { if (ok) loadEnrolments(); });
}
