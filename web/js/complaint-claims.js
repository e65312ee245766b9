// complaint-claims.js — compensation claims on a complaint's page: each claim with its amount,
// evidence, decision (approved amount, reason, who pays) and payment, and the moves the one
// looking may make: the customer or the service centre files a claim (yuan on screen, fen in the
// API); whoever handles the complaint decides; the payer's side records the payment (the
// association for an advance payment, 先行赔付) and the association its later recovery.
import { h } from './dom.js';
import { t, label } from './i18n.js';
import { field, input, select, form, clearErrors, showError, section } from './ui.js';
import { fmtMoney, fmtAt, yuanToFen, fenToYuan } from './services.js';
import { today } from './workforce.js';
import { disclose } from './booking-actions.js';
import { facts } from './pages/worker.js';
import { PAYERS, EVIDENCE_MAX, claimBadge, evidenceList, parseEvidence, send } from './complaint-ui.js';

const submit = (text) => h('div', { class: 'form-actions' }, h('button', { type: 'submit', class: 'btn btn-primary' }, text));

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

function decideForm(cl, onDone, { association }) {
  const amount = input({ name: 'approved_fen', inputmode: 'decimal', maxlength: '10', value: fenToYuan(cl.amount_fen) });
  const reason = input({ name: 'reason', maxlength: '500' });
  const payers = PAYERS.filter((p) => p !== 'advance' || association);
  const payer = select(payers.map((p) => ({ value: p, label: label('payers', p) })), { name: 'payer' });
  // nobody pays a rejection: the payer is asked only for an amount granted
  const payerField = field({ label: t('claims.payer'), control: payer, name: 'payer' });
  amount.addEventListener('input', () => { payerField.hidden = yuanToFen(amount.value) === 0; });
  const f = form({ class: 'form form-inline claim-decide-form', dataset: { claim: cl.id } },
    field({ label: t('claims.approved_yuan'), control: amount, name: 'approved_fen', hint: t('claims.approved_hint') }),
    payerField,
    field({ label: t('claims.reason'), control: reason, name: 'reason' }),
    submit(t('claims.decide_submit')));
  f.addEventListener('submit', (e) => {
    e.preventDefault();
    clearErrors(f);
    const fen = yuanToFen(amount.value);
    if (fen === null) return showError(f, t('claims.amount_invalid'), 'approved_fen');
    if (fen > cl.amount_fen) return showError(f, t('errors.approved_above_claim'), 'approved_fen');
    if (reason.value.trim().length < 2) return showError(f, t('common.reason_required'), 'reason');
    const body = { approved_fen: fen, reason: reason.value.trim() };
    if (fen > 0) body.payer = payer.value;
    send(f, `/api/claims/${cl.id}/decision`, body, (x) => onDone(x, t(fen > 0 ? 'claims.approved_done' : 'claims.rejected_done')));
  });
  return f;
}

// The association takes over an overdue payment as its advance (先行赔付), with its reason.
function advanceForm(cl, onDone) {
  const reason = input({ name: 'reason', maxlength: '500', value: t('claims.advance_reason') });
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
// one sum or in parts: what is still owed is offered).
function payForm(cl, onDone, { recover = false } = {}) {
  const on = input({ type: 'date', name: 'paid_on', value: today(), max: today(), min: recover ? cl.paid_on : (cl.decided_at || '').slice(0, 10) });
  const amount = input({ name: 'amount_fen', inputmode: 'decimal', maxlength: '10', value: fenToYuan(recover ? owed(cl) : cl.approved_fen), readOnly: !recover });
  const ref = input({ name: 'reference', maxlength: '100' });
  const f = form({ class: ['form', 'form-inline', recover ? 'claim-recover-form' : 'claim-pay-form'], dataset: { claim: cl.id } },
    field({ label: t(recover ? 'claims.recovered_on' : 'claims.paid_on'), control: on, name: 'paid_on' }),
    field({ label: t('claims.amount_yuan'), control: amount, name: 'amount_fen' }),
    field({ label: t('claims.reference'), control: ref, name: 'reference', hint: t('claims.reference_hint') }),
    submit(t(recover ? 'claims.recover_submit' : 'claims.pay_submit')));
  f.addEventListener('submit', (e) => {
    e.preventDefault();
    clearErrors(f);
    const fen = yuanToFen(amount.value);
    if (!on.value) return showError(f, t('claims.date_required'), 'paid_on');
    if (!fen) return showError(f, t('claims.amount_invalid'), 'amount_fen');
    if (ref.value.trim().length < 2) return showError(f, t('claims.reference_required'), 'reference');
    send(f, `/api/claims/${cl.id}/${recover ? 'recovery' : 'payment'}`, { paid_on: on.value, amount_fen: fen, reference: ref.value.trim() },
      (x) => onDone(x, t(recover ? 'claims.recovered_done' : 'claims.paid_done')));
  });
  return f;
}

// Whether the amount granted differs from the amount asked (a rejection grants nothing to show).
const granted = (cl) => cl.status !== 'rejected' && cl.status !== 'claimed' && cl.approved_fen !== null &&
  cl.approved_fen !== undefined && cl.approved_fen !== cl.amount_fen;

function claimCard(cl, p, onDone) {
  const actions = [];
  if (cl.status === 'claimed' && p.decide) actions.push(disclose(t('claims.decide'), () => decideForm(cl, onDone, p), 'primary'));
  if (cl.status === 'approved' && (cl.payer === 'advance' ? p.association : p.pay)) actions.push(disclose(t('claims.pay'), () => payForm(cl, onDone), 'primary'));
  if (cl.status === 'paid' && cl.payer === 'advance' && p.association) actions.push(disclose(t('claims.recover'), () => payForm(cl, onDone, { recover: true })));
  // a payer who missed the deadline: the association may pay in advance and recover it later
  if (cl.status === 'approved' && cl.payment_breached && cl.payer !== 'advance' && p.association) actions.push(disclose(t('claims.advance'), () => advanceForm(cl, onDone), 'primary'));
  const late = (cl.status === 'claimed' && cl.decision_breached) || (cl.status === 'approved' && cl.payment_breached);
  return h('article', { class: ['claim-card', `claim-${cl.status}`, late ? 'claim-late' : null], dataset: { claim: cl.id, status: cl.status, payer: cl.payer || '' } },
    h('div', { class: 'claim-head' },
      // what was asked, and what was granted where it differs
      h('span', { class: 'muted' }, t('claims.asked')), ' ', h('strong', { class: 'claim-amount' }, fmtMoney(cl.amount_fen)),
      granted(cl) ? [h('span', { class: 'muted' }, ` · ${t('claims.granted')} `), h('strong', { class: 'claim-amount claim-granted' }, fmtMoney(cl.approved_fen))] : null,
      ' ', claimBadge(cl.status),
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
      [t('claims.payment_due'), cl.status === 'approved' && cl.payment_due ? fmtAt(cl.payment_due) : null],
      [t('claims.paid'), cl.paid_on ? t('claims.paid_text', { on: cl.paid_on, amount: fmtMoney(cl.paid_fen), ref: cl.payment_ref || '' }) : null, 'paid'],
      [t('claims.recovered'), cl.recovered_on ? [t('claims.paid_text', { on: cl.recovered_on, amount: fmtMoney(cl.recovered_fen), ref: cl.recovery_ref || '' }),
        cl.status === 'paid' ? h('span', { class: 'claim-owed' }, ' ', t('claims.still_owed', { amount: fmtMoney(owed(cl)) })) : null] : null, 'recovered'],
    ], 'claim-facts'),
    actions.length ? h('div', { class: 'claim-actions' }, actions) : null);
}

// The claims part of a complaint's page. p: what the one looking may do ({ file, decide, pay,
// association }); onDone(answer, text) after any move.
export function claimsSection(c, p, onDone) {
  const list = Array.isArray(c.claims) ? c.claims : [];
  return section(t('claims.title'),
    list.length ? h('div', { class: 'claim-list' }, list.map((cl) => claimCard(cl, p, onDone)))
      : h('p', { class: 'state state-empty' }, t('claims.empty')),
    p.file && c.status !== 'closed' && list.length < 5
      ? h('div', { class: 'claim-new' }, disclose(t('claims.file'), () => fileForm(c, onDone))) : null);
}
