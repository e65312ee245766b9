// complaint-claims.js — compensation claims on a complaint's page (and in the association's and a
// worker's lists): each claim with its amount, evidence, decision (approved amount, reason, who
// pays), where the decision stands (waiting for the customer's answer until a date, with the
// association after a dispute or a worker's objection, final), the payment and whether anyone
// confirmed it, and the moves the one looking may make: the customer or the service centre files a
// claim (yuan on screen, fen in the API), accepts or disputes a decision and confirms receipt or
// says the money never came; whoever handles the complaint decides; the association decides a
// disputed claim again; the payer's side records the payment (the association for an advance
// payment, 先行赔付) with the settlement's number for an insurer or a worker, and the association
// its later recovery; the worker named to pay accepts, objects, and confirms their payment.
import { h } from './dom.js';
import { t, label } from './i18n.js';
import { field, input, select, form, clearErrors, showError, busy, showApiError, section } from './ui.js';
import { api } from './api.js';
import { fmtMoney, fmtAt, yuanToFen, fenToYuan } from './services.js';
import { today } from './workforce.js';
import { disclose } from './booking-actions.js';
import { facts } from './pages/worker.js';
import { PAYERS, EVIDENCE_MAX, claimBadge, evidenceList, parseEvidence, send } from './complaint-ui.js';

const submit = (text) => h('div', { class: 'form-actions' }, h('button', { type: 'submit', class: 'btn btn-primary' }, text));

// What a reference needs at the least: four digits among its letters and digits, not one character
// repeated. The association's claim_reference_min (8 by default) is the server's to check.
const REFERENCE_MIN = 4;
export function referenceOk(ref) {
  const s = String(ref || '').toUpperCase().replace(/[^0-9A-Z]/g, '');
  return s.length >= REFERENCE_MIN && s.replace(/[^0-9]/g, '').length >= 4 && new Set(s).size >= 3;
}

function fileForm(c, onDone) {
  const amount = input({ name: 'amount_fen', inputmode: 'decimal', maxlength: '10', placeholder: t('search.yuan') });
  const desc = h('textarea', { class: 'input', name: 'description', rows: '3', maxlength: '2000' });
  const evidence = h('textarea', { class: 'input', name: 'evidence', rows: '2', maxlength: '3100' });
  const f = form({ class: 'form claim-file-form' },
    field({ label: t('claims.amount_yuan'), control: amount, name: 'amount_fen' }),
    field({ label: t('claims.description'), control: desc, name: 'description', wide: true }),
    field({ label: t('complaints.evidence'), control: evidence, name: 'evidence', optional: true, wide: true, hint: t('complaints.evidence_hint', { n: EVIDENCE_MAX }) }),
    submit(t('claims.file_submit')));
  f.addEventListener('submit', (e) => {
    e.preventDefault();
    clearErrors(f);
    const fen = yuanToFen(amount.value);
    if (!fen) return showError(f, t('claims.amount_invalid'), 'amount_fen');
    if (!desc.value.trim()) return showError(f, t('claims.description_required'), 'description');
    const ev = parseEvidence(evidence.value);
    if (!ev) return showError(f, t('complaints.evidence_too_many', { n: EVIDENCE_MAX }), 'evidence');
    const body = { amount_fen: fen, description: desc.value.trim() };
    if (ev.length) body.evidence = ev;
    send(f, `/api/complaints/${c.id}/claims`, body, () => onDone(null, t('claims.filed', { amount: fmtMoney(fen) })));
  });
  return f;
}

// A decision: the handler's (path "decision"), or the association's of a disputed claim ("review").
function decideForm(cl, onDone, { association, review = false }) {
  const amount = input({ name: 'approved_fen', inputmode: 'decimal', maxlength: '10', value: fenToYuan(cl.amount_fen) });
  const reason = h('textarea', { class: 'input', name: 'reason', rows: '2', maxlength: '500' });
  const payers = PAYERS.filter((p) => p !== 'advance' || association);
  const payer = select(payers.map((p) => ({ value: p, label: label('payers', p) })), { name: 'payer' });
  // nobody pays a rejection: the payer is asked only for an amount granted
  const payerField = field({ label: t('claims.payer'), control: payer, name: 'payer' });
  amount.addEventListener('input', () => { payerField.hidden = yuanToFen(amount.value) === 0; });
  const f = form({ class: ['form', review ? 'claim-review-form' : 'claim-decide-form'], dataset: { claim: cl.id } },
    review ? h('p', { class: 'muted field-wide' }, t('claims.review_intro')) : null,
    field({ label: t('claims.approved_yuan'), control: amount, name: 'approved_fen', hint: t('claims.approved_hint') }),
    payerField,
    field({ label: t('claims.reason'), control: reason, name: 'reason', wide: true, hint: t(review ? 'claims.review_reason_hint' : 'claims.reason_hint') }),
    submit(t(review ? 'claims.review_submit' : 'claims.decide_submit')));
  f.addEventListener('submit', (e) => {
    e.preventDefault();
    clearErrors(f);
    const fen = yuanToFen(amount.value);
    if (fen === null) return showError(f, t('claims.amount_invalid'), 'approved_fen');
    if (fen > cl.amount_fen) return showError(f, t('errors.approved_above_claim'), 'approved_fen');
    if (reason.value.trim().length < 2) return showError(f, t('common.reason_required'), 'reason');
    const body = { approved_fen: fen, reason: reason.value.trim() };
    if (fen > 0) body.payer = payer.value;
    send(f, `/api/claims/${cl.id}/${review ? 'review' : 'decision'}`, body,
      (x) => onDone(x, t(review ? 'claims.reviewed_done' : fen > 0 ? 'claims.approved_done' : 'claims.rejected_done')));
  });
  return f;
}

// A reason posted to path: a dispute, an objection, a payment that never came.
function reasonForm(cls, path, submitText, doneText, onDone, { extra = {}, intro } = {}) {
  const reason = h('textarea', { class: 'input', name: 'reason', rows: '2', maxlength: '500' });
  const f = form({ class: ['form', cls] },
    intro ? h('p', { class: 'muted field-wide' }, intro) : null,
    field({ label: t('claims.your_reason'), control: reason, name: 'reason', wide: true, hint: t('claims.reason_content_hint') }),
    submit(submitText));
  f.addEventListener('submit', (e) => {
    e.preventDefault();
    clearErrors(f);
    if (reason.value.trim().length < 2) return showError(f, t('common.reason_required'), 'reason');
    send(f, path, { ...extra, reason: reason.value.trim() }, (x) => onDone(x, doneText));
  });
  return f;
}

// One click that posts (an acceptance, a confirmation), its error beside it.
function postButton(text, cls, path, body, doneText, onDone, kind = 'primary') {
  const f = form({ class: ['form', 'form-inline', cls] }, h('button', { type: 'submit', class: `btn btn-${kind}` }, text));
  f.addEventListener('submit', async (e) => {
    e.preventDefault();
    clearErrors(f);
    await busy(f, async () => {
      try {
        const r = await api('POST', path, body ? { body } : {});
        onDone(r, doneText);
      } catch (err) {
        if (err.status !== 401) showApiError(f, err);
      }
    });
  });
  return f;
}

// The association takes over a payment as its advance (先行赔付), with its reason.
function advanceForm(cl, onDone) {
  const reason = input({ name: 'reason', maxlength: '500', value: t(cl.status === 'paid' ? 'claims.advance_reason_unconfirmed' : 'claims.advance_reason') });
  const f = form({ class: 'form form-inline claim-advance-form', dataset: { claim: cl.id } },
    h('p', { class: 'muted field-wide' }, t('claims.advance_intro', { amount: fmtMoney(cl.approved_fen) })),
    field({ label: t('claims.reason'), control: reason, name: 'reason' }),
    submit(t('claims.advance_submit')));
  f.addEventListener('submit', (e) => {
    e.preventDefault();
    clearErrors(f);
    if (reason.value.trim().length < 2) return showError(f, t('common.reason_required'), 'reason');
    send(f, `/api/claims/${cl.id}/advance`, { reason: reason.value.trim() }, (x) => onDone(x, t('claims.advanced_done')));
  });
  return f;
}

// What is still owed on an advance payment.
const owed = (cl) => (cl.paid_fen || 0) - (cl.recovered_fen || 0);

// The payment (recover=false) of the approved amount, or the recovery of an advance payment (in
// one sum or in parts: what is still owed is offered). An insurer's or a worker's payment takes
// the number of the payer's settlement as its proof (the insurer's, required).
function payForm(cl, onDone, { recover = false } = {}) {
  const on = input({ type: 'date', name: 'paid_on', value: today(), max: today(), min: recover ? cl.paid_on : (cl.decided_at || '').slice(0, 10) });
  const amount = input({ name: 'amount_fen', inputmode: 'decimal', maxlength: '10', value: fenToYuan(recover ? owed(cl) : cl.approved_fen), readOnly: !recover });
  const ref = input({ name: 'reference', maxlength: '100' });
  const third = !recover && (cl.payer === 'insurer' || cl.payer === 'worker');
  const proof = input({ name: 'proof', maxlength: '100' });
  const f = form({ class: ['form', 'form-inline', recover ? 'claim-recover-form' : 'claim-pay-form'], dataset: { claim: cl.id } },
    field({ label: t(recover ? 'claims.recovered_on' : 'claims.paid_on'), control: on, name: 'paid_on' }),
    field({ label: t('claims.amount_yuan'), control: amount, name: 'amount_fen' }),
    field({ label: t('claims.reference'), control: ref, name: 'reference', hint: t('claims.reference_hint') }),
    third ? field({ label: t(cl.payer === 'insurer' ? 'claims.proof_insurer' : 'claims.proof_worker'), control: proof, name: 'proof', optional: cl.payer === 'worker', hint: t('claims.proof_hint') }) : null,
    submit(t(recover ? 'claims.recover_submit' : 'claims.pay_submit')));
  f.addEventListener('submit', (e) => {
    e.preventDefault();
    clearErrors(f);
    const fen = yuanToFen(amount.value);
    if (!on.value) return showError(f, t('claims.date_required'), 'paid_on');
    if (!fen) return showError(f, t('claims.amount_invalid'), 'amount_fen');
    if (!referenceOk(ref.value)) return showError(f, t('claims.reference_weak'), 'reference');
    const body = { paid_on: on.value, amount_fen: fen, reference: ref.value.trim() };
    if (third && (proof.value.trim() || cl.payer === 'insurer')) {
      if (!referenceOk(proof.value)) return showError(f, t(cl.payer === 'insurer' ? 'claims.proof_required' : 'claims.reference_weak'), 'proof');
      body.proof = proof.value.trim();
    }
    send(f, `/api/claims/${cl.id}/${recover ? 'recovery' : 'payment'}`, body,
      (x) => onDone(x, t(recover ? 'claims.recovered_done' : 'claims.paid_done')));
  });
  return f;
}

// Whether the amount granted differs from the amount asked (a rejection grants nothing to show).
const granted = (cl) => cl.status !== 'rejected' && cl.status !== 'claimed' && cl.approved_fen !== null &&
  cl.approved_fen !== undefined && cl.approved_fen !== cl.amount_fen;

const DECISION_KIND = { proposed: 'warn', disputed: 'danger', final: 'ok' };
const PAYMENT_KIND = { unconfirmed: 'warn', confirmed: 'ok', receipt_disputed: 'danger' };

// Where the decision stands, in words: waiting until a date, with the association, final (and by what).
function decisionText(cl) {
  if (cl.decision_state === 'proposed') return t('claims.state_proposed', { until: fmtAt(cl.accept_until) });
  if (cl.decision_state === 'disputed') return t(cl.disputed_by === 'worker' ? 'claims.state_objected' : 'claims.state_disputed');
  if (cl.decision_state === 'final') return label('claim_final_by', cl.final_by || 'before_rules');
  return null;
}

function paymentText(cl) {
  if (!cl.payment_state) return null;
  if (cl.payment_state === 'confirmed') return label('claim_confirmed_by', cl.confirmed_by || 'customer');
  return label('claim_payment_states', cl.payment_state);
}

// What the one looking may do with a claim. p: { file, decide, pay, association, customer (the
// customer, or the centre for a caller without an account), worker (the worker named to pay) }.
function actionsFor(cl, p, onDone) {
  const actions = [];
  const proposed = cl.decision_state === 'proposed';
  const disputed = cl.decision_state === 'disputed';
  const final = cl.decision_state === 'final';
  if (cl.status === 'claimed' && p.decide) actions.push(disclose(t('claims.decide'), () => decideForm(cl, onDone, p), 'primary'));
  // the customer's answer to the company's decision
  if (p.customer && proposed && !cl.accepted_at) {
    actions.push(postButton(t('claims.accept'), 'claim-accept-form', `/api/claims/${cl.id}/acceptance`, null, t('claims.accepted_done'), onDone));
    actions.push(disclose(t('claims.dispute'), () => reasonForm('claim-dispute-form', `/api/claims/${cl.id}/dispute`, t('claims.dispute_submit'),
      t('claims.disputed_done'), onDone, { intro: t('claims.dispute_intro') }), 'danger'));
  }
  // the worker objected first: the customer may still say why
  if (p.customer && disputed && !cl.dispute_reason) {
    actions.push(disclose(t('claims.dispute_add'), () => reasonForm('claim-dispute-form', `/api/claims/${cl.id}/dispute`, t('claims.dispute_submit'),
      t('claims.disputed_done'), onDone)));
  }
  // the worker named to pay
  if (p.worker && cl.payer === 'worker' && proposed && !cl.worker_accepted_at && !cl.objected_at) {
    if (!cl.disputed_at) actions.push(postButton(t('claims.accept'), 'claim-accept-form', `/api/claims/${cl.id}/acceptance`, null, t('claims.accepted_done'), onDone));
    actions.push(disclose(t('claims.object'), () => reasonForm('claim-object-form', `/api/claims/${cl.id}/objection`, t('claims.object_submit'),
      t('claims.objected_done'), onDone, { intro: t('claims.object_intro') }), 'danger'));
  }
  if (p.worker && cl.payer === 'worker' && cl.status === 'paid' && cl.payment_state === 'unconfirmed') {
    actions.push(postButton(t('claims.payer_confirm'), 'claim-payer-confirm-form', `/api/claims/${cl.id}/payer-confirmation`, null, t('claims.payer_confirmed_done'), onDone));
  }
  // the association decides a disputed claim again
  if (p.association && disputed) actions.push(disclose(t('claims.review'), () => decideForm(cl, onDone, { association: true, review: true }), 'primary'));
  if (cl.status === 'approved' && final && (cl.payer === 'advance' ? p.association : p.pay)) actions.push(disclose(t('claims.pay'), () => payForm(cl, onDone), 'primary'));
  // the customer's word on a payment
  if (p.customer && (cl.status === 'paid' || cl.status === 'recovered') && cl.confirmed_by !== 'customer') {
    actions.push(postButton(t('claims.receipt_confirm'), 'claim-receipt-form', `/api/claims/${cl.id}/receipt`, { received: true }, t('claims.receipt_done'), onDone));
    if (cl.status === 'paid' && cl.payment_state !== 'receipt_disputed') {
      actions.push(disclose(t('claims.receipt_dispute'), () => reasonForm('claim-receipt-dispute-form', `/api/claims/${cl.id}/receipt`, t('claims.receipt_dispute_submit'),
        t('claims.receipt_disputed_done'), onDone, { extra: { received: false } }), 'danger'));
    }
  }
  if (cl.status === 'paid' && cl.payer === 'advance' && p.association) actions.push(disclose(t('claims.recover'), () => payForm(cl, onDone, { recover: true })));
  // a payer who missed the deadline, or a payment nobody confirmed that is late or disputed: the
  // association may pay in advance and recover it later
  const pastDue = cl.payment_due && Date.parse(cl.payment_due) < Date.now();
  const mayAdvance = cl.payer !== 'advance' && final && (cl.status === 'approved' ? cl.payment_breached
    : cl.status === 'paid' && cl.payment_state !== 'confirmed' && (cl.payment_state === 'receipt_disputed' || cl.payment_breached || pastDue));
  if (p.association && mayAdvance) actions.push(disclose(t('claims.advance'), () => advanceForm(cl, onDone), 'primary'));
  return actions;
}

export function claimCard(cl, p, onDone, { head = null } = {}) {
  const actions = actionsFor(cl, p, onDone);
  const late = (cl.status === 'claimed' && cl.decision_breached) || ((cl.status === 'approved' || cl.payment_state === 'unconfirmed') && cl.payment_breached);
  const first = cl.first_decision;
  return h('article', {
    class: ['claim-card', `claim-${cl.status}`, late ? 'claim-late' : null],
    dataset: { claim: cl.id, status: cl.status, payer: cl.payer || '', decision: cl.decision_state || '', payment: cl.payment_state || '' },
  },
  head,
  h('div', { class: 'claim-head' },
    // what was asked, and what was granted where it differs
    h('span', { class: 'muted' }, t('claims.asked')), ' ', h('strong', { class: 'claim-amount' }, fmtMoney(cl.amount_fen)),
    granted(cl) ? [h('span', { class: 'muted' }, ` · ${t('claims.granted')} `), h('strong', { class: 'claim-amount claim-granted' }, fmtMoney(cl.approved_fen))] : null,
    ' ', claimBadge(cl.status),
    cl.decision_state ? [' ', h('span', { class: `badge badge-${DECISION_KIND[cl.decision_state] || 'neutral'} claim-decision`, dataset: { state: cl.decision_state } }, label('claim_decision_states', cl.decision_state))] : null,
    cl.payment_state ? [' ', h('span', { class: `badge badge-${PAYMENT_KIND[cl.payment_state] || 'neutral'} claim-payment`, dataset: { state: cl.payment_state } }, label('claim_payment_states', cl.payment_state))] : null,
    late ? [' ', h('span', { class: 'badge badge-danger' }, t('claims.late'))] : null),
  h('p', { class: 'claim-desc' }, cl.description),
  evidenceList(cl.evidence),
  facts([
    [t('claims.filed_at'), fmtAt(cl.created_at)],
    [t('claims.decision_due'), cl.status === 'claimed' ? fmtAt(cl.decision_due) : null],
    [t('claims.approved'), cl.status !== 'rejected' && cl.approved_fen !== null && cl.approved_fen !== undefined ? fmtMoney(cl.approved_fen) : null, 'approved'],
    [t('claims.payer'), cl.payer && cl.status !== 'rejected' ? label('payers', cl.payer) : null, 'payer'],
    [t('claims.reason'), cl.decision_reason],
    [t('claims.decided_at'), cl.decided_at ? fmtAt(cl.decided_at) : null],
    [t('claims.decision'), decisionText(cl), 'decision'],
    [t('claims.first_decision'), first ? t('claims.first_decision_text', {
      amount: fmtMoney(first.approved_fen || 0), payer: first.payer ? label('payers', first.payer) : t('claims.nobody'), reason: first.reason || '',
    }) : null, 'first_decision'],
    [t('claims.dispute_reason'), cl.dispute_reason, 'dispute_reason'],
    [t('claims.objection_reason'), cl.objection_reason, 'objection_reason'],
    [t('claims.payment_due'), cl.status === 'approved' && cl.payment_due ? fmtAt(cl.payment_due) : null],
    [t('claims.paid'), cl.paid_on ? t('claims.paid_text', { on: cl.paid_on, amount: fmtMoney(cl.paid_fen), ref: cl.payment_ref || '' }) : null, 'paid'],
    [t('claims.proof'), cl.proof_ref ? t('claims.proof_text', { ref: cl.proof_ref, who: cl.proof_by ? cl.proof_by.name : '' }) : null, 'proof'],
    [t('claims.payment'), paymentText(cl), 'payment'],
    [t('claims.receipt_dispute_reason'), cl.receipt_dispute_reason, 'receipt_dispute_reason'],
    [t('claims.advanced_from'), cl.advanced_from ? label('payers', cl.advanced_from) : null, 'advanced_from'],
    [t('claims.recovered'), cl.recovered_on ? [t('claims.paid_text', { on: cl.recovered_on, amount: fmtMoney(cl.recovered_fen), ref: cl.recovery_ref || '' }),
      cl.status === 'paid' ? h('span', { class: 'claim-owed' }, ' ', t('claims.still_owed', { amount: fmtMoney(owed(cl)) })) : null] : null, 'recovered'],
  ], 'claim-facts'),
  actions.length ? h('div', { class: 'claim-actions' }, actions) : null);
}

// The claims part of a complaint's page. p: what the one looking may do ({ file, decide, pay,
// association, customer }); onDone(answer, text) after any move.
export function claimsSection(c, p, onDone) {
  const list = Array.isArray(c.claims) ? c.claims : [];
  return section(t('claims.title'),
    list.length ? h('div', { class: 'claim-list' }, list.map((cl) => claimCard(cl, p, onDone)))
      : h('p', { class: 'state state-empty' }, t('claims.empty')),
    p.file && c.status !== 'closed' && list.length < 5
      ? h('div', { class: 'claim-new' }, disclose(t('claims.file'), () => fileForm(c, onDone))) : null);
}

// A claim of a list (GET /api/claims): its complaint and company above the card.
export function claimListItem(cl, p, onDone, { link = true } = {}) {
  const c = cl.complaint || {};
  const head = h('p', { class: 'claim-of' },
    link ? h('a', { href: `#/complaints/${c.id}`, class: 'mono' }, c.tracking_no) : h('span', { class: 'mono' }, c.tracking_no),
    ' · ', label('complaint_categories', c.category || 'other'),
    cl.company ? ` · ${cl.company.name}` : '',
    cl.disputed_at ? h('span', { class: 'muted' }, ` · ${t('claims.disputed_at', { at: fmtAt(cl.disputed_at) })}`) : null);
  return claimCard(cl, p, onDone, { head });
}
