// booking-actions.js — the moves of a booking, each a small form that says what went wrong in
// words and calls onDone(booking, text) after: the worker's confirm (every pre-service item
// ticked), check in and check out (every in-service item pass / fail / n.a.); the company's
// assign (a worker who may serve the category's trade), confirm, cancel and no-show; the
// customer's cancel and review. Used by the worker's jobs, the dispatch board and a booking's page.
import { h, fill, uid } from './dom.js';
import { t, label } from './i18n.js';
import { api, errorText } from './api.js';
import { form, field, select, clearErrors, showError, busy, button, loading, notice } from './ui.js';
import {
  itemText, failureText, fieldOf, RESULTS, DIMENSIONS, stars, radios, wallParts, fmtAt, standards, windowIso,
  addDays, fmtMoney, districtName,
} from './services.js';
import { checkbox, levelName } from './workforce.js';

// A category with its process (GET /api/public/categories/{id}), once per page load.
const catCache = new Map();
export function categoryOf(id) {
  if (!catCache.has(id)) {
    catCache.set(id, api('GET', `/api/public/categories/${id}`).catch((err) => { catCache.delete(id); throw err; }));
  }
  return catCache.get(id);
}

// The items of a phase to answer: the category's as it stands, else the booking's own record.
export async function phaseItems(b, phase) {
  try {
    const c = await categoryOf(b.category.id);
    const items = (c.items && c.items[phase]) || [];
    if (items.length) return items.map((i) => ({ item_id: i.id, text: i.text, text_en: i.text_en, indicator: i.indicator }));
  } catch { /* the booking's own checklist below */ }
  return ((b.checklist && b.checklist[phase]) || []).map((i) => ({ item_id: i.item_id, text: i.text, text_en: i.text_en }));
}

// A refusal shown in the form: the field named, or above the form (with reasons as a list).
function refuse(f, err) {
  const text = failureText(err);
  const name = fieldOf(err);
  if (typeof text === 'string') {
    showError(f, text, name);
  } else {
    const top = f.querySelector('.form-error');
    fill(top, text);
    top.hidden = false;
  }
  if (err && err.code === 'checklist_incomplete' && err.field) {
    const row = [...f.querySelectorAll('[data-item]')].find((x) => x.dataset.item === String(err.field).replace(/\D+/g, ''));
    if (row) row.classList.add('item-missing');
  }
}

async function post(f, path, body, onDone, text) {
  await busy(f, async () => {
    try {
      const b = await api('POST', path, body === undefined ? {} : { body });
      onDone(b, typeof text === 'function' ? text(b) : text);
    } catch (err) {
      if (err.status !== 401) refuse(f, err);
    }
  });
}

// ---- the worker (or the company for them) ----

// Every pre-service item ticked, then confirmed (the pre-service communication is done).
export function confirmForm(b, { onDone, big = false }) {
  const f = form({ class: ['form', 'confirm-form', big ? 'form-big' : null], dataset: { booking: b.id } }, loading());
  phaseItems(b, 'pre').then((items) => {
    const boxes = items.map((i) => {
      const c = checkbox(itemText(i), { name: 'items', value: String(i.item_id), class: 'pre-item' });
      c.dataset.item = String(i.item_id);
      return c;
    });
    f.querySelector('.state').replaceWith(
      h('fieldset', { class: 'field checklist', dataset: { field: 'items' } },
        h('legend', { class: 'field-label' }, t('jobs.pre_title')),
        items.length ? h('div', { class: 'checklist-items' }, boxes) : h('p', { class: 'muted' }, t('jobs.no_items')),
        h('p', { class: 'field-error', hidden: true })),
      h('div', { class: 'form-actions' }, h('button', { type: 'submit', class: ['btn', 'btn-primary', big ? 'btn-big' : null] }, t('jobs.confirm'))));
    f.addEventListener('submit', (e) => {
      e.preventDefault();
      clearErrors(f);
      f.querySelectorAll('.item-missing').forEach((x) => x.classList.remove('item-missing'));
      const missing = boxes.find((c) => !c.box.checked);
      if (missing) {
        missing.classList.add('item-missing');
        showError(f, t('jobs.tick_all'), 'items');
        missing.box.focus();
        return;
      }
      post(f, `/api/bookings/${b.id}/confirm`, { items: items.map((i) => ({ item_id: i.item_id, done: true })) }, onDone, t('jobs.confirmed'));
    });
  }).catch((err) => fill(f, notice('error', errorText(err))));
  return f;
}

// The big check-in button; what the time was (on time / late) is said after.
export function checkinForm(b, { onDone, big = false }) {
  // before the server allows it (checkin_opens_at) the button is shown disabled, with when it opens
  const opens = Date.parse(b.checkin_opens_at || '');
  const early = !Number.isNaN(opens) && Date.now() < opens;
  const when = early ? wallParts(b.checkin_opens_at) : null;
  const note = h('p', { class: 'field-hint checkin-opens', id: uid('opens'), hidden: !early },
    early ? t('jobs.checkin_opens', when) : '');
  const btn = h('button', { type: 'submit', class: ['btn', 'btn-primary', 'checkin-btn', big ? 'btn-huge' : null],
    disabled: early, 'aria-describedby': note.id }, t('jobs.checkin'));
  const f = form({ class: ['form', 'checkin-form', big ? 'form-big' : null], dataset: { booking: b.id } }, btn, note);
  if (early && opens - Date.now() < 86400000) {
    // it opens while the page is open: the button becomes usable then
    setTimeout(() => { btn.disabled = false; note.hidden = true; }, opens - Date.now());
  }
  f.addEventListener('submit', (e) => {
    e.preventDefault();
    if (btn.disabled) return;
    clearErrors(f);
    post(f, `/api/bookings/${b.id}/checkin`, undefined, onDone,
      (nb) => (nb && nb.late ? t('jobs.checked_in_late', { at: wallParts(nb.checked_in_at).time }) : t('jobs.checked_in_on_time', { at: wallParts(nb && nb.checked_in_at).time })));
  });
  return f;
}

// Every in-service item answered pass / fail / n.a. (a note where it failed), then checked out;
// before the booked end less the association's tolerance, with the reason the service ends early;
// with the six digits the customer's booking shows, if they read them out (it confirms the
// service happened; a wrong one is refused and counted).
export function checkoutForm(b, { onDone, big = false }) {
  const f = form({ class: ['form', 'checkout-form', big ? 'form-big' : null], dataset: { booking: b.id } }, loading());
  Promise.all([phaseItems(b, 'in'), standards().catch(() => ({}))]).then(([items, sd]) => {
    const tolerance = Number((sd && sd.checkout_tolerance_minutes) ?? 15);
    const early = () => Date.now() < Date.parse(b.end) - tolerance * 60000;
    const reason = h('input', { type: 'text', class: 'input', name: 'reason', maxlength: '200' });
    const fReason = field({ label: t('jobs.early_reason'), control: reason, name: 'reason', hint: t('jobs.early_hint', { end: wallParts(b.end).time, minutes: tolerance }) });
    fReason.hidden = !early();
    const code = h('input', { type: 'text', class: 'input service-code-input', name: 'code', maxlength: '9', inputmode: 'numeric', autocomplete: 'off' });
    const fCode = field({ label: t('evidence.code_label'), control: code, name: 'code', optional: true, hint: t('evidence.code_hint') });
    const rows = items.map((i) => {
      const r = radios({
        legend: itemText(i), name: `item-${i.item_id}`, cls: 'in-item',
        options: RESULTS.map((x) => ({ value: x, label: label('check_answers', x) })),
      });
      const note = h('input', { type: 'text', class: 'input item-note', maxlength: '200', name: `note-${i.item_id}`, placeholder: t('jobs.item_note'), 'aria-label': t('jobs.item_note_label', { item: itemText(i) }) });
      return { i, r, note, el: h('div', { class: 'checklist-row', dataset: { item: i.item_id } }, r, note) };
    });
    f.querySelector('.state').replaceWith(
      h('div', { class: 'field checklist', dataset: { field: 'items' } },
        h('p', { class: 'field-label' }, t('jobs.in_title')),
        items.length ? h('div', { class: 'checklist-rows' }, rows.map((x) => x.el)) : h('p', { class: 'muted' }, t('jobs.no_items')),
        h('p', { class: 'field-error', hidden: true })),
      fReason,
      fCode,
      h('div', { class: 'form-actions' }, h('button', { type: 'submit', class: ['btn', 'btn-primary', big ? 'btn-big' : null] }, t('jobs.checkout'))));
    f.addEventListener('submit', (e) => {
      e.preventDefault();
      clearErrors(f);
      f.querySelectorAll('.item-missing').forEach((x) => x.classList.remove('item-missing'));
      const missing = rows.find((x) => !x.r.value());
      if (missing) {
        missing.el.classList.add('item-missing');
        showError(f, t('jobs.answer_all'), 'items');
        missing.r.querySelector('input').focus();
        return;
      }
      if (early()) {
        fReason.hidden = false;
        if (reason.value.trim().length < 2) {
          showError(f, t('jobs.early_reason_required'), 'reason');
          reason.focus();
          return;
        }
      }
      const bodyOut = {
        items: rows.map((x) => {
          const o = { item_id: x.i.item_id, result: x.r.value() };
          if (x.note.value.trim()) o.note = x.note.value.trim();
          return o;
        }),
      };
      if (!fReason.hidden && reason.value.trim()) bodyOut.reason = reason.value.trim();
      const typed = code.value.replace(/[\s-]/g, '');
      if (typed) {
        if (!/^\d{6}$/.test(typed)) {
          showError(f, t('evidence.code_six_digits'), 'code');
          code.focus();
          return;
        }
        bodyOut.code = typed;
      }
      post(f, `/api/bookings/${b.id}/checkout`, bodyOut, onDone,
        (nb) => [nb && nb.left_early ? t('jobs.checked_out_early', { minutes: nb.served_minutes ?? 0 }) : t('jobs.checked_out'),
          nb && nb.evidence && nb.evidence.via === 'code' ? t('evidence.code_accepted') : ''].filter(Boolean).join(' '));
    });
  }).catch((err) => fill(f, notice('error', errorText(err))));
  return f;
}

// ---- cancel and no-show ----
function reasonForm(cls, submitText, onSubmit, extra = null) {
  const reason = h('input', { type: 'text', class: 'input', name: 'reason', maxlength: '200' });
  const f = form({ class: ['form', 'form-inline', cls] },
    extra,
    field({ label: t('bookings.reason'), control: reason, name: 'reason' }),
    h('div', { class: 'form-actions' }, h('button', { type: 'submit', class: 'btn btn-danger' }, submitText)));
  f.addEventListener('submit', (e) => {
    e.preventDefault();
    clearErrors(f);
    if (reason.value.trim().length < 2) return showError(f, t('common.reason_required'), 'reason');
    onSubmit(f, reason.value.trim());
  });
  return f;
}

export function cancelForm(b, { onDone }) {
  return reasonForm('cancel-form', t('bookings.cancel_submit'),
    (f, reason) => post(f, `/api/bookings/${b.id}/cancel`, { reason }, onDone, t('bookings.cancelled')));
}

export function noShowForm(b, { onDone, parties = ['worker', 'customer'] }) {
  const party = select(parties.map((p) => ({ value: p, label: label('no_show_parties', p) })), { name: 'party' });
  return reasonForm('no-show-form', t('bookings.no_show_submit'),
    (f, reason) => post(f, `/api/bookings/${b.id}/no-show`, { party: party.value, reason }, onDone, t('bookings.no_show_done')),
    parties.length > 1 ? field({ label: t('bookings.no_show_party'), control: party, name: 'party' }) : null);
}

// The customer's answer to "nobody was at home": acknowledge it, or say what happened (the service
// took place, or nobody came) for the service centre to check.
export function noShowAnswerForm(b, { onDone }) {
  const ack = h('button', { type: 'button', class: 'btn btn-secondary no-show-ack' }, t('no_show.acknowledge'));
  const what = select(['served', 'worker_absent'].map((v) => ({ value: v, label: t(`no_show.answer_${v}`) })), { name: 'answer' });
  const dispute = reasonForm('no-show-dispute-form', t('no_show.dispute_submit'),
    (f, reason) => post(f, `/api/bookings/${b.id}/no-show/answer`, { answer: what.value, reason }, onDone, t('no_show.disputed')),
    field({ label: t('no_show.what'), control: what, name: 'answer' }));
  const top = h('div', { class: 'no-show-answer' }, h('p', null, t('no_show.ask')), ack, dispute);
  ack.addEventListener('click', () => post(dispute, `/api/bookings/${b.id}/no-show/answer`, { answer: 'acknowledge' }, onDone, t('no_show.acknowledged')));
  return top;
}

// The service centre's finding on a household's absence, after calling them.
export function noShowCheckForm(b, { onDone }) {
  const outcome = select(['upheld', 'served', 'worker_absent'].map((v) => ({ value: v, label: t(`no_show.outcome_${v}`) })), { name: 'outcome' });
  const note = h('input', { type: 'text', class: 'input', name: 'note', maxlength: '200' });
  const f = form({ class: ['form', 'form-inline', 'no-show-check-form'] },
    field({ label: t('no_show.outcome'), control: outcome, name: 'outcome' }),
    field({ label: t('no_show.note'), control: note, name: 'note' }),
    h('div', { class: 'form-actions' }, h('button', { type: 'submit', class: 'btn btn-primary' }, t('no_show.check_submit'))));
  f.addEventListener('submit', (e) => {
    e.preventDefault();
    clearErrors(f);
    if (note.value.trim().length < 2) return showError(f, t('common.reason_required'), 'note');
    post(f, `/api/bookings/${b.id}/no-show/check`, { outcome: outcome.value, note: note.value.trim() }, onDone, t('no_show.checked'));
  });
  return f;
}

// The worker gives back a job offered to them, not yet confirmed, with the reason the company reads.
export function declineForm(b, { onDone }) {
  return reasonForm('decline-form', t('jobs.decline_submit'),
    (f, reason) => post(f, `/api/bookings/${b.id}/decline`, { reason }, onDone, t('jobs.declined')));
}

// A toggle button that shows a form under it (cancel, no-show).
export function disclose(text, makeForm, kind = 'secondary') {
  const slot = h('div', { class: 'disclosed', hidden: true });
  const btn = button(text, { kind, attrs: { 'aria-expanded': 'false', class: `btn btn-${kind} disclose` } });
  btn.addEventListener('click', () => {
    const open = slot.hidden;
    slot.hidden = !open;
    btn.setAttribute('aria-expanded', String(open));
    if (open && !slot.firstChild) slot.append(makeForm());
    if (open) { const c = slot.querySelector('input, select, textarea'); if (c) c.focus(); }
  });
  return h('div', { class: 'disclose-wrap' }, btn, slot);
}

// ---- the company ----

// The workers the dispatcher may choose for a booking (GET /api/bookings/{id}/candidates): only
// those of the company who may serve its trade at its start and are free for its window, each with
// number, level, rating and the day's load; a search by name; and what was left out, and why.
export function assignForm(b, { onDone }) {
  const q = h('input', { type: 'search', class: 'input candidate-search', name: 'q', maxlength: '50', placeholder: t('dispatch.search_name') });
  const listEl = h('div', { class: 'candidate-list', role: 'radiogroup', 'aria-label': t('dispatch.assign_label') }, loading());
  const leftOut = h('p', { class: 'muted candidate-left-out' });
  const f = form({ class: 'form assign-form', dataset: { booking: b.id } },
    field({ label: t('dispatch.search_label'), control: q, name: 'q' }),
    h('div', { class: 'field', dataset: { field: 'worker_id' } },
      h('p', { class: 'field-label' }, t('dispatch.assign_label')), listEl, leftOut, h('p', { class: 'field-error', hidden: true })),
    h('div', { class: 'form-actions' }, h('button', { type: 'submit', class: 'btn btn-primary' }, t('dispatch.assign'))));
  let asked = 0;
  let chosen = b.worker ? b.worker.id : null;
  let names = new Map();
  async function load() {
    const n = ++asked;
    try {
      const r = await api('GET', `/api/bookings/${b.id}/candidates`, { query: q.value.trim() ? { q: q.value.trim() } : {} });
      if (n !== asked) return;
      names = new Map(r.items.map((w) => [w.id, w.name]));
      const group = `cand-${b.id}`;
      fill(listEl, r.items.length ? h('ul', { class: 'plain-list candidates' }, r.items.map((w) => h('li', { class: 'candidate', dataset: { worker: w.id, colour: w.colour } },
        h('label', { class: 'candidate-choice' },
          h('input', { type: 'radio', name: group, value: String(w.id), checked: chosen === w.id, onchange: () => { chosen = w.id; } }),
          h('span', { class: 'candidate-name strong' }, w.name),
          h('span', { class: 'muted' }, ` · ${t('dispatch.number', { id: w.id })} · ${levelName(w.level)} · `,
            w.rating ? t('dispatch.rating', { avg: w.rating.average, n: w.rating.count }) : t('dispatch.no_rating'), ' · ',
            w.day_jobs ? t('dispatch.load', { n: w.day_jobs, hours: Math.round(w.day_minutes / 6) / 10 }) : t('dispatch.free_day'),
            w.day_districts && w.day_districts.length ? ` · ${t('dispatch.day_in', { districts: w.day_districts.map(districtName).join('、') })}` : ''),
          w.near ? h('span', { class: 'badge badge-ok candidate-near' }, t('dispatch.near', { district: districtName(r.district) })) : null,
          w.colour === 'yellow' ? h('span', { class: 'badge badge-warn' }, label('colours', 'yellow')) : null))))
        : h('p', { class: 'state state-empty' }, q.value.trim() ? t('dispatch.nobody_named', { q: q.value.trim() }) : t('dispatch.nobody')));
      fill(leftOut, t('dispatch.left_out', { busy: r.left_out.busy, barred: r.left_out.not_eligible, more: r.left_out.not_listed }));
    } catch (err) {
      if (n === asked) fill(listEl, notice('error', errorText(err)));
    }
  }
  let timer = null;
  q.addEventListener('input', () => { clearTimeout(timer); timer = setTimeout(load, 250); });
  load();
  f.addEventListener('submit', (e) => {
    e.preventDefault();
    clearErrors(f);
    if (!chosen) return showError(f, t('dispatch.pick_worker_first'), 'worker_id');
    post(f, `/api/bookings/${b.id}/assign`, { worker_id: chosen }, onDone, t('dispatch.assigned', { name: names.get(chosen) || '' }));
  });
  return f;
}

// A booking moved to another time (the customer; the company may also name another worker, chosen
// from those free then): POST /api/bookings/{id}/reschedule with the reason, under the rules of a
// new booking; a confirmed booking goes back to the worker to confirm.
export function rescheduleForm(b, { onDone, company = false }) {
  const start = wallParts(b.start);
  const hours = Math.round(((Date.parse(b.end) - Date.parse(b.start)) / 3600000) * 10) / 10;
  const days = b.unit === 'day' ? Math.round((Date.parse(b.end) - Date.parse(b.start)) / 86400000) + 1 : 1;
  const cDate = h('input', { type: 'date', class: 'input', name: 'start', value: start.date, required: true });
  const cTime = h('input', { type: 'time', class: 'input', name: 'time', value: start.time, step: '900', required: true });
  const cHours = h('input', { type: 'number', class: 'input', name: 'hours', value: String(b.unit === 'day' ? days : hours), min: b.unit === 'day' ? '1' : '0.5', max: b.unit === 'day' ? '31' : '12', step: b.unit === 'day' ? '1' : '0.5' });
  const reason = h('input', { type: 'text', class: 'input', name: 'reason', maxlength: '200' });
  const total = h('p', { class: 'muted reschedule-total' });
  const f = form({ class: 'form form-grid reschedule-form', dataset: { booking: b.id } },
    field({ label: t('book.date'), control: cDate, name: 'start' }),
    field({ label: t('search.start'), control: cTime, name: 'time' }),
    field({ label: b.unit === 'day' ? t('fee.days') : t('search.hours'), control: cHours, name: 'end' }),
    field({ label: t('bookings.reason'), control: reason, name: 'reason', hint: t(company ? 'reschedule.reason_hint_company' : 'reschedule.reason_hint') }),
    total,
    h('div', { class: 'form-actions' }, h('button', { type: 'submit', class: 'btn btn-primary' }, t('reschedule.submit'))));
  const win = () => {
    const n = Number(cHours.value);
    if (b.unit !== 'day') return windowIso(cDate.value, cTime.value, n);
    const first = windowIso(cDate.value, cTime.value, 1);
    const endTime = wallParts(b.end).time;
    const last = first && windowIso(addDays(cDate.value, n - 1), endTime, 1);
    return first && last && Date.parse(last.from) > Date.parse(first.from) ? { from: first.from, to: last.from } : null;
  };
  f.addEventListener('submit', (e) => {
    e.preventDefault();
    clearErrors(f);
    const w = win();
    if (!w) return showError(f, t('search.when_invalid'), 'start');
    if (reason.value.trim().length < 2) return showError(f, t('common.reason_required'), 'reason');
    post(f, `/api/bookings/${b.id}/reschedule`, { start: w.from, end: w.to, reason: reason.value.trim() }, onDone,
      (nb) => t('reschedule.done', { when: fmtAt(nb.start), fee: fmtMoney(nb.price_fen) }));
  });
  return f;
}

// ---- evidence that the service happened ----

// The customer, after check-out: it happened (one button), or it did not / not as recorded, with
// what happened (POST /api/bookings/{id}/confirm-service).
export function evidenceForm(b, { onDone }) {
  const yes = h('button', { type: 'submit', class: 'btn btn-primary evidence-yes' }, t('evidence.yes'));
  const fYes = form({ class: 'form form-inline evidence-form', dataset: { booking: b.id } },
    h('div', { class: 'form-actions' }, yes));
  fYes.addEventListener('submit', (e) => {
    e.preventDefault();
    clearErrors(fYes);
    post(fYes, `/api/bookings/${b.id}/confirm-service`, { happened: true }, onDone, t('evidence.confirmed_done'));
  });
  const deny = () => reasonForm('evidence-deny-form', t('evidence.no_submit'),
    (f, reason) => post(f, `/api/bookings/${b.id}/confirm-service`, { happened: false, reason }, onDone, t('evidence.denied_done')),
    h('p', { class: 'muted' }, t('evidence.no_hint')));
  return h('div', { class: 'evidence-actions' }, fYes, disclose(t('evidence.no'), deny, 'danger'));
}

// The service centre's follow-up call: the household confirmed, denied (with what they said) or
// could not be reached (POST /api/bookings/{id}/follow-up).
export function followUpForm(b, { onDone }) {
  const outcome = radios({
    legend: t('evidence.call_outcome'), name: 'outcome', cls: 'followup-outcome',
    options: ['confirmed', 'denied', 'unreachable'].map((x) => ({ value: x, label: t(`evidence.outcome_${x}`) })),
  });
  const note = h('input', { type: 'text', class: 'input', name: 'note', maxlength: '200' });
  const f = form({ class: 'form followup-form', dataset: { booking: b.id } },
    outcome,
    field({ label: t('evidence.call_note'), control: note, name: 'note', optional: true, hint: t('evidence.call_note_hint') }),
    h('div', { class: 'form-actions' }, h('button', { type: 'submit', class: 'btn btn-primary' }, t('evidence.call_submit'))));
  f.addEventListener('submit', (e) => {
    e.preventDefault();
    clearErrors(f);
    const o = outcome.value();
    if (!o) return showError(f, t('evidence.call_pick'), 'outcome');
    const text = note.value.trim();
    if (o === 'denied' && text.length < 2) return showError(f, t('evidence.call_denied_note'), 'note');
    if (text && text.length < 2) return showError(f, t('common.reason_required'), 'note');
    const body = { outcome: o };
    if (text) body.note = text;
    post(f, `/api/bookings/${b.id}/follow-up`, body, onDone, t(`evidence.call_done_${o}`));
  });
  return f;
}

// How the customer's word on the service stands, in words.
export function evidenceText(b) {
  const e = b.evidence;
  if (!e) {
    if (!['completed', 'reviewed'].includes(b.status)) return null;
    return b.followup_unreachable ? t('evidence.pending_unreachable', { n: b.followup_unreachable }) : t('evidence.pending');
  }
  const how = t(`evidence.via_${e.via}`);
  return e.status === 'confirmed'
    ? t('evidence.is_confirmed', { how, at: fmtAt(e.at) })
    : t('evidence.is_denied', { how, at: fmtAt(e.at), reason: e.note || '' });
}

// A booking's review: the stars, the words, whether the association excluded it and why; the
// signals for the association.
export const SIGNALS = ['new_account', 'shared_phone', 'shared_address', 'quick', 'linked'];
export function signalBadges(signals) {
  const on = SIGNALS.filter((k) => signals && signals[k]);
  if (!on.length) return h('span', { class: 'muted signals-none' }, t('reviews.no_signals'));
  return h('span', { class: 'signals' }, on.map((k) => h('span', { class: 'badge badge-warn signal', dataset: { signal: k } }, t(`reviews.signal_${k}`))));
}
export function reviewView(v) {
  if (!v) return null;
  return h('div', { class: ['review-view', v.excluded ? 'review-excluded' : null] },
    h('p', { class: 'review-head' },
      h('span', { class: 'review-score', role: 'img', 'aria-label': t('review.n_stars', { n: v.overall }) }, '★'.repeat(v.overall),
        h('span', { class: 'star-off', 'aria-hidden': 'true' }, '★'.repeat(Math.max(0, 5 - v.overall)))),
      h('span', { class: 'muted' }, ` ${fmtAt(v.created_at)}`)),
    v.comment ? h('p', { class: 'review-comment' }, v.comment) : null,
    v.excluded ? notice('warning', t('reviews.excluded_because', { at: fmtAt(v.excluded.at), reason: v.excluded.reason || '' })) : null,
    v.signals ? h('p', { class: 'review-signals' }, h('span', { class: 'field-label' }, t('reviews.signals'), ' '), signalBadges(v.signals)) : null);
}

// The association takes a review out of what counts, with the reason the company reads.
export function excludeForm(bookingId, { onDone }) {
  return reasonForm('exclude-form', t('reviews.exclude_submit'),
    (f, reason) => post(f, `/api/reviews/${bookingId}/exclude`, { reason }, onDone, t('reviews.excluded_done')),
    h('p', { class: 'muted' }, t('reviews.exclude_hint')));
}

// ---- the customer ----
export function reviewForm(b, { onDone }) {
  const f = form({ class: 'form review-form', dataset: { booking: b.id } });
  const dims = DIMENSIONS.map((d) => stars({ legend: t(`review.${d}`), name: d }));
  const comment = h('textarea', { class: 'input', name: 'comment', rows: '3', maxlength: '500' });
  const post_ = h('div', { class: 'review-feedback' });
  f.append(
    h('div', { class: 'review-stars' }, dims),
    field({ label: t('review.comment'), control: comment, name: 'comment', optional: true, wide: true }),
    post_,
    h('div', { class: 'form-actions' }, h('button', { type: 'submit', class: 'btn btn-primary' }, t('review.submit'))));
  let feedback = [];
  phaseItems(b, 'post').then((items) => {
    feedback = items.map((i) => ({ i, r: radios({
      legend: itemText(i), name: `fb-${i.item_id}`, cls: 'post-item',
      options: [{ value: 'yes', label: t('common.yes') }, { value: 'no', label: t('common.no') }],
    }) }));
    if (feedback.length) {
      fill(post_, h('p', { class: 'field-label' }, t('review.feedback')), h('div', { class: 'checklist-rows' },
        feedback.map((x) => h('div', { class: 'checklist-row', dataset: { item: x.i.item_id } }, x.r))));
    }
  }).catch(() => { /* the stars and comment are the review; the feedback is extra */ });
  f.addEventListener('submit', (e) => {
    e.preventDefault();
    clearErrors(f);
    const body = {};
    for (const [k, d] of DIMENSIONS.map((x, i) => [x, dims[i]])) {
      const v = d.value();
      if (!v) {
        showError(f, t('review.pick', { what: t(`review.${k}`) }), k);
        d.querySelector('input').focus();
        return;
      }
      body[k] = v;
    }
    if (comment.value.trim()) body.comment = comment.value.trim();
    const answered = feedback.filter((x) => x.r.value()).map((x) => ({ item_id: x.i.item_id, answer: x.r.value() }));
    if (answered.length) body.feedback = answered;
    post(f, `/api/bookings/${b.id}/review`, body, onDone, t('review.done'));
  });
  return f;
}

// ---- showing a booking's record ----

// A recorded answer in words: done, pass / fail / n.a., yes / no.
export function answerText(a) {
  if (a === true || a === 'done') return label('check_answers', 'done');
  if (a === null || a === undefined || a === false || a === '') return t('checklist.unanswered');
  return label('check_answers', String(a));
}

export function checklistView(b) {
  const c = b.checklist || {};
  const phases = ['pre', 'in', 'post'].filter((p) => Array.isArray(c[p]) && c[p].length);
  if (!phases.length) return h('p', { class: 'state state-empty' }, t('checklist.empty'));
  return h('div', { class: 'checklists' }, phases.map((p) => h('div', { class: 'checklist-view', dataset: { phase: p } },
    h('h3', { class: 'sub-title' }, label('phases', p)),
    h('ul', { class: 'plain-list checklist-answers' }, c[p].map((i) => {
      const a = i.answer;
      const kind = a === true || a === 'done' || a === 'pass' || a === 'yes' ? 'ok' : a === 'fail' || a === 'no' ? 'bad' : 'none';
      return h('li', { class: ['answer', `answer-${kind}`], dataset: { item: i.item_id, answer: a === true ? 'done' : String(a ?? '') } },
        h('span', { class: 'answer-mark', 'aria-hidden': 'true' }, kind === 'ok' ? '✓' : kind === 'bad' ? '✗' : '–'),
        h('span', { class: 'answer-body' },
          h('span', { class: 'answer-text' }, itemText(i)),
          i.note || i.at ? h('span', { class: 'answer-meta muted' },
            i.note ? h('span', { class: 'answer-note' }, i.note) : null,
            i.note && i.at ? ' · ' : null,
            i.at ? h('time', { class: 'answer-at', datetime: i.at }, fmtAt(i.at)) : null) : null),
        h('span', { class: 'answer-value' }, answerText(a)));
    })))));
}

const actorName = (a) => (a && typeof a === 'object' ? a.name || a.label || a.login || '' : a || '');
export function timelineView(b) {
  const items = Array.isArray(b.timeline) ? b.timeline : [];
  if (!items.length) return h('p', { class: 'state state-empty' }, t('timeline.empty'));
  // a move shows from → to; a record that moved nothing (an address viewed) shows neither
  const move = (e) => (e.from === e.to ? '' : [e.from ? label('booking_statuses', e.from) : '', e.to ? label('booking_statuses', e.to) : ''].filter(Boolean).join(' → '));
  return h('ol', { class: 'timeline' }, items.map((e) => h('li', { class: 'timeline-item', dataset: { action: e.action || '', to: e.to || '' } },
    h('time', { class: 'timeline-at', datetime: e.at }, fmtAt(e.at)),
    h('div', { class: 'timeline-body' },
      h('strong', null, label('booking_actions', e.action)),
      move(e) ? h('span', { class: 'muted' }, ` · ${move(e)}`) : null,
      actorName(e.actor) ? h('span', { class: 'timeline-actor' }, ` · ${actorName(e.actor)}`) : null,
      e.note ? h('p', { class: 'timeline-note muted' }, e.note) : null))));
}
