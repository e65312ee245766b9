// booking-actions.js — the moves of a booking, each a small form that says what went wrong in
// words and calls onDone(booking, text) after: the worker's confirm (every pre-service item
// ticked), check in and check out (every in-service item pass / fail / n.a.); the company's
// assign (a worker who may serve the category's trade), confirm, cancel and no-show; the
// customer's cancel and review. Used by the worker's jobs, the dispatch board and a booking's page.
import { h, fill, uid } from './dom.js';
import { t, label } from './i18n.js';
import { api, errorText, listAll } from './api.js';
import { form, field, select, clearErrors, showError, busy, button, loading, notice } from './ui.js';
import { checkbox } from './workforce.js';
import {
  itemText, failureText, fieldOf, RESULTS, DIMENSIONS, stars, radios, wallParts, fmtAt,
} from './services.js';

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

// Every in-service item answered pass / fail / n.a. (a note where it failed), then checked out.
export function checkoutForm(b, { onDone, big = false }) {
  const f = form({ class: ['form', 'checkout-form', big ? 'form-big' : null], dataset: { booking: b.id } }, loading());
  phaseItems(b, 'in').then((items) => {
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
      post(f, `/api/bookings/${b.id}/checkout`, {
        items: rows.map((x) => {
          const o = { item_id: x.i.item_id, result: x.r.value() };
          if (x.note.value.trim()) o.note = x.note.value.trim();
          return o;
        }),
      }, onDone, t('jobs.checked_out'));
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

// The company's workers who may serve the category's trade (not red), for the assign select.
export async function assignable(trade) {
  const all = await listAll('/api/workers', { trade }, 500);
  const colourFor = (w) => {
    const tr = w.eligibility && (w.eligibility.trades || []).find((x) => x.trade === trade);
    return tr ? tr.status : (w.eligibility ? w.eligibility.status : null);
  };
  return all.map((w) => ({ w, c: colourFor(w) })).filter((x) => x.c !== 'red');
}

export function assignForm(b, { onDone }) {
  const sel = select([{ value: '', label: t('dispatch.pick_worker') }], { name: 'worker_id', class: 'input assign-select' });
  const f = form({ class: 'form form-inline assign-form', dataset: { booking: b.id } },
    field({ label: t('dispatch.assign_label'), control: sel, name: 'worker_id' }),
    h('div', { class: 'form-actions' }, h('button', { type: 'submit', class: 'btn btn-primary' }, t('dispatch.assign'))));
  sel.disabled = true;
  assignable(b.category.trade).then((list) => {
    sel.append(...list.map(({ w, c }) => h('option', { value: w.id, dataset: { status: c || '' } },
      `${w.name} · ${label('colours', c || 'none')}`)));
    sel.disabled = false;
    if (b.worker) sel.value = String(b.worker.id);
    if (!list.length) showError(f, t('dispatch.nobody'), 'worker_id');
  }).catch((err) => showError(f, errorText(err), 'worker_id'));
  f.addEventListener('submit', (e) => {
    e.preventDefault();
    clearErrors(f);
    if (!sel.value) return showError(f, t('dispatch.pick_worker_first'), 'worker_id');
    const name = sel.selectedOptions[0] ? sel.selectedOptions[0].textContent.split(' · ')[0] : '';
    post(f, `/api/bookings/${b.id}/assign`, { worker_id: Number(sel.value) }, onDone, t('dispatch.assigned', { name }));
  });
  return f;
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
