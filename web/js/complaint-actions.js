// complaint-actions.js — the moves on a complaint, each a small form that posts to the API and
// calls onDone(complaint, text) with the complaint as it now stands: naming the responsible person,
// feedback (optionally a question that waits for the customer and pauses the resolution clock —
// while the complaint has pauses left, and not while one question already waits), the customer's
// answer, an internal note, escalating, the association taking over, resolving, accepting with a
// rating and reopening (with a rating of the handling so far, if the customer likes); and the
// service centre's check of a complaint about no booking — verified with what it found, or not
// accepted with the reason the complainant reads. What a
// feedback or a remedy must say is the server's rule (the association's standard): its refusal is
// shown beside the field.
import { h } from './dom.js';
import { t, label } from './i18n.js';
import { field, input, select, form, clearErrors, showError } from './ui.js';
import { checkbox } from './workforce.js';
import { stars, radios } from './services.js';
import { DUTIES, FINDINGS, send } from './complaint-ui.js';

const textarea = (name, rows = 3, max = 2000) => h('textarea', { class: 'input', name, rows: String(rows), maxlength: String(max) });
const submit = (text, kind = 'primary') => h('div', { class: 'form-actions' }, h('button', { type: 'submit', class: `btn btn-${kind}` }, text));

// A form of one text (name) that must say something (at least min characters).
function textForm({ cls, name, fieldLabel, hint, button, kind, min = 1, max = 2000, rows = 3, single = false, path, body, doneText, onDone, extra }) {
  const control = single ? input({ name, maxlength: String(max) }) : textarea(name, rows, max);
  const f = form({ class: ['form', cls] },
    field({ label: fieldLabel, control, name, hint, wide: true }),
    extra || null,
    submit(button, kind));
  f.addEventListener('submit', (e) => {
    e.preventDefault();
    clearErrors(f);
    const v = control.value.trim();
    if (v.length < min) return showError(f, min > 1 ? t('common.reason_required') : t('complaints.text_required'), name);
    send(f, path, body(v), (c) => onDone(c, doneText));
  });
  return f;
}

export function responsibleForm(c, onDone) {
  const person = input({ name: 'person', maxlength: '50', value: c.responsible ? c.responsible.person : '' });
  const duty = select(DUTIES.map((d) => ({ value: d, label: label('duties', d) })), { name: 'duty', value: c.responsible ? c.responsible.duty : 'complaints' });
  const f = form({ class: 'form form-inline responsible-form' },
    field({ label: t('handle.person'), control: person, name: 'person' }),
    field({ label: t('handle.duty'), control: duty, name: 'duty' }),
    submit(t('handle.responsible_submit')));
  f.addEventListener('submit', (e) => {
    e.preventDefault();
    clearErrors(f);
    if (person.value.trim().length < 2) return showError(f, t('handle.person_required'), 'person');
    send(f, `/api/complaints/${c.id}/responsible`, { person: person.value.trim(), duty: duty.value },
      (x) => onDone(x, t('handle.responsible_done')));
  });
  return f;
}

export function feedbackForm(c, onDone) {
  // a question pauses only from received or in progress, and only while pauses are left
  const canAsk = c.status !== 'waiting_customer' && (c.pauses_left ?? 1) > 0;
  const ask = canAsk ? checkbox(t('handle.ask'), { name: 'ask', class: 'ask-box' }) : null;
  const extra = canAsk
    ? h('div', { class: 'field field-wide' }, ask, h('p', { class: 'field-hint' }, t('handle.ask_hint', { n: c.pauses_left ?? 1 })))
    : (c.status !== 'waiting_customer' ? h('p', { class: 'field-hint no-pauses' }, t('handle.no_pauses')) : null);
  return textForm({
    cls: 'feedback-form', name: 'text', fieldLabel: t('handle.feedback_text'), hint: t('handle.feedback_hint'),
    button: t('handle.feedback_submit'), path: `/api/complaints/${c.id}/feedback`,
    extra,
    body: (text) => (ask && ask.box.checked ? { text, ask: true } : { text }),
    doneText: null,
    onDone: (x) => onDone(x, t(x.status === 'waiting_customer' ? 'handle.asked' : 'handle.feedback_done')),
  });
}

// The customer's answer to the question asked (the clocks run again), or more said unasked
// (more); centre: the service centre writes it for the customer.
export function answerForm(c, onDone, { more = false, centre = false } = {}) {
  return textForm({
    cls: 'answer-form', name: 'text', fieldLabel: t(more ? 'answer.more_label' : centre ? 'answer.label_centre' : 'answer.label'), rows: 4,
    button: t(more ? 'answer.more_submit' : 'answer.submit'), path: `/api/complaints/${c.id}/answer`,
    body: (text) => ({ text }), doneText: t(more ? 'answer.more_done' : 'answer.done'), onDone,
  });
}

export function noteForm(c, onDone, { centre = false } = {}) {
  return textForm({
    cls: 'note-form', name: 'text', fieldLabel: t(centre ? 'handle.chase_label' : 'handle.note_label'), hint: t('handle.note_hint'),
    button: t(centre ? 'handle.chase_submit' : 'handle.note_submit'), kind: 'secondary', path: `/api/complaints/${c.id}/notes`,
    body: (text) => ({ text }), doneText: t('handle.note_done'), onDone,
  });
}

export function escalateForm(c, onDone) {
  return textForm({
    cls: 'escalate-form', name: 'reason', fieldLabel: t('handle.reason'), single: true, min: 2, max: 200,
    button: t('handle.escalate_submit'), kind: 'danger', path: `/api/complaints/${c.id}/escalate`,
    body: (reason) => ({ reason }), doneText: t('handle.escalated'), onDone,
  });
}

export function takeoverForm(c, onDone) {
  return textForm({
    cls: 'takeover-form', name: 'reason', fieldLabel: t('handle.reason'), single: true, min: 2, max: 200,
    button: t('handle.takeover_submit'), kind: 'danger', path: `/api/complaints/${c.id}/takeover`,
    body: (reason) => ({ reason }), doneText: t('handle.taken_over'), onDone,
  });
}

export function resolveForm(c, onDone) {
  const finding = radios({ legend: t('handle.finding'), name: 'finding', options: FINDINGS.map((x) => ({ value: x, label: label('findings', x) })) });
  const remedy = textarea('remedy', 4);
  const f = form({ class: 'form resolve-form' },
    finding,
    field({ label: t('handle.remedy'), control: remedy, name: 'remedy', hint: t('handle.remedy_hint'), wide: true }),
    submit(t('handle.resolve_submit')));
  f.addEventListener('submit', (e) => {
    e.preventDefault();
    clearErrors(f);
    if (!finding.value()) return showError(f, t('handle.finding_required'), 'finding');
    if (!remedy.value.trim()) return showError(f, t('handle.remedy_required'), 'remedy');
    send(f, `/api/complaints/${c.id}/resolve`, { finding: finding.value(), remedy: remedy.value.trim() },
      (x) => onDone(x, t('handle.resolved')));
  });
  return f;
}

export function acceptForm(c, onDone) {
  const rating = stars({ legend: t('accept.rating'), name: 'rating' });
  const comment = textarea('comment', 2, 500);
  const f = form({ class: 'form accept-form' },
    rating,
    field({ label: t('accept.comment'), control: comment, name: 'comment', optional: true, wide: true }),
    submit(t('accept.submit')));
  f.addEventListener('submit', (e) => {
    e.preventDefault();
    clearErrors(f);
    if (!rating.value()) {
      showError(f, t('accept.rating_required'), 'rating');
      rating.querySelector('input').focus();
      return;
    }
    const body = { rating: rating.value() };
    if (comment.value.trim()) body.comment = comment.value.trim();
    send(f, `/api/complaints/${c.id}/accept`, body, (x) => onDone(x, t('accept.done')));
  });
  return f;
}

// The service centre reached the complainant and the account holds up: the company is told, and
// its clocks start now.
export function verifyForm(c, onDone) {
  return textForm({
    cls: 'verify-form', name: 'note', fieldLabel: t('verification.note'), hint: t('verification.note_hint'),
    button: t('verification.verify_submit'), path: `/api/complaints/${c.id}/verify`,
    body: (note) => ({ note }), doneText: t('verification.verified_done'), onDone,
  });
}

// It does not hold up, or nobody could be reached: closed, never the company's; the reason is the
// complainant's to read.
export function rejectForm(c, onDone) {
  return textForm({
    cls: 'reject-form', name: 'reason', fieldLabel: t('verification.reason'), hint: t('verification.reason_hint'), max: 500,
    button: t('verification.reject_submit'), kind: 'danger', path: `/api/complaints/${c.id}/reject`,
    body: (reason) => ({ reason }), doneText: t('verification.rejected_done'), onDone,
  });
}

export function reopenForm(c, onDone) {
  const rating = stars({ legend: t('reopen.rating'), name: 'rating' });
  return textForm({
    cls: 'reopen-form', name: 'reason', fieldLabel: t('reopen.reason'), single: true, min: 2, max: 200,
    button: t('reopen.submit'), kind: 'danger', path: `/api/complaints/${c.id}/reopen`, extra: rating,
    body: (reason) => (rating.value() ? { reason, rating: rating.value() } : { reason }), doneText: t('reopen.done'), onDone,
  });
}
