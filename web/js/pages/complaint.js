// pages/complaint.js — #/complaints/ID (the API decides whose: the customer's own, a company's
// own, anyone's for the service centre and the association; another's is "not found"). The
// status, tracking number and running clock; who answers for it; what it is about; the handler's
// question with an answer box while it waits for the customer; the resolution with accept (a
// rating) and reopen (until reopen_until); the timeline; the claims, with the customer's answer to
// a decision and to a payment, and the association's decision of a disputed one. Each party sees the moves
// that are theirs — a company none of the handler's once the association has taken over. A
// complaint about no booking waits for the service centre's check first: the centre verifies it or
// does not accept it (with the reason the complainant reads); until then nothing else moves it, and
// the complainant sees that it waits and by when. Just
// taken by the service centre (?filed=1), it opens with the tracking number in large type and what
// to tell the caller: how to follow it on the public tracking page, and when to expect an answer.
import { h, fill } from '../dom.js';
import { t, label } from '../i18n.js';
import { api, errorText } from '../api.js';
import { loading, notice, messages, section, badge } from '../ui.js';
import { fmtAt } from '../services.js';
import { facts } from './worker.js';
import { disclose } from '../booking-actions.js';
import { complaintBadge, clockView, complaintTimeline, evidenceList, OPEN, spanText } from '../complaint-ui.js';
import {
  responsibleForm, feedbackForm, answerForm, noteForm, escalateForm, takeoverForm, resolveForm, acceptForm, reopenForm,
  verifyForm, rejectForm,
} from '../complaint-actions.js';
import { claimsSection } from '../complaint-claims.js';

// The caller's part, as the API counts it.
function partOf(me) {
  const role = me.user.role;
  if (role === 'customer') return 'customer';
  if (role === 'cs_agent') return 'centre';
  if (role === 'association_admin') return 'association';
  if (role === 'company_admin' || role === 'company_staff') return 'company';
  return null;
}

export function render(slot, ctx) {
  const id = Number(ctx.params.id);
  const part = partOf(ctx.me);
  const msg = messages();
  const head = h('div', { class: 'complaint-head' });
  const body = h('div', { class: 'complaint-body' }, loading());
  fill(slot, h('section', { class: 'page page-complaint', dataset: { complaint: id } },
    h('p', { class: 'back' }, h('a', { href: '#/complaints' }, t('complaints.back'))), head, msg, body));

  // after a move: its message replaces the one the page opened with, and is brought into view (the
  // forms of claims and decisions sit far below it)
  const done = (c, text) => {
    if (text) {
      ctx.clearFlash();
      msg.show('success', text);
    }
    if (c && c.tracking_no) draw(c);
    else load();
    if (text && msg.getBoundingClientRect().top < 64) msg.scrollIntoView({ block: 'start' });
  };

  async function load() {
    let c;
    try {
      c = await api('GET', `/api/complaints/${id}`);
    } catch (err) {
      if (err.status === 401 || !ctx.current()) return;
      fill(head, h('h1', { class: 'page-title', tabindex: '-1' }, t('nav.complaint')));
      fill(body, notice('error', err.status === 404 ? t('complaints.not_found') : errorText(err)),
        h('p', null, h('a', { class: 'btn btn-secondary', href: '#/complaints' }, t('complaints.back'))));
      slot.querySelector('.page-complaint').dataset.state = 'not-found';
      return;
    }
    if (ctx.current()) draw(c);
  }

  // What the agent tells the caller before hanging up.
  function filedBox(c) {
    const track = `${window.location.origin}${window.location.pathname}#/track?no=${encodeURIComponent(c.tracking_no)}`;
    const last4 = c.contact_phone ? c.contact_phone.slice(-4) : null;
    return h('section', { class: 'panel filed-box', 'aria-labelledby': 'filed-title', role: 'status' },
      h('h2', { class: 'panel-title', id: 'filed-title' }, t('filed.title')),
      h('p', { class: 'filed-number' }, h('span', { class: 'filed-label' }, t('complaints.tracking_no')),
        h('strong', { class: 'mono tracking-big' }, c.tracking_no)),
      h('ol', { class: 'filed-steps' },
        h('li', null, t('filed.say_number')),
        last4 ? h('li', { class: 'filed-track' }, t('filed.track', { last4 }), ' ', h('a', { href: track, class: 'mono track-link' }, track))
          : h('li', { class: 'filed-track' }, t('filed.track_account')),
        h('li', null, t('filed.clocks', { feedback: fmtAt(c.feedback_due), resolve: fmtAt(c.resolve_due) }),
          last4 ? ` ${t('filed.call_back', { last4 })}` : ''),
        h('li', null, t('filed.call_again'))));
  }

  function draw(c) {
    const page = slot.querySelector('.page-complaint');
    page.dataset.status = c.status;
    page.dataset.handler = c.handler;
    page.dataset.state = 'loaded';
    const v = c.verification;
    const pending = Boolean(v && v.status === 'pending');
    page.dataset.verification = v ? v.status : 'none';
    const open = OPEN.includes(c.status);
    const closed = c.status === 'closed';
    // nothing but the check moves a complaint still to verify
    const handles = !pending && (part === 'association' || (part === 'company' && c.handler === 'company'));
    const forCustomer = part === 'customer' || part === 'centre';
    const desk = part === 'centre' || part === 'association';
    fill(head, h('header', { class: 'page-head' },
      h('h1', { class: 'page-title', tabindex: '-1' }, t('complaints.title_no', { no: c.tracking_no }), ' ', complaintBadge(c.status)),
      h('p', { class: 'page-intro' }, label('complaint_categories', c.category), c.company ? ` · ${c.company.name}` : '')));

    const clockBox = pending ? h('div', { class: 'complaint-clock' }, h('p', { class: 'clock-line' }, clockView(c.clock))) : h('div', { class: 'complaint-clock' },
      h('p', { class: 'clock-line' }, clockView(c.clock)),
      h('p', { class: 'muted clock-dues' },
        c.clock && c.clock.paused ? t('complaints.dues_paused', { until: fmtAt(c.clock.paused_until || c.pause_until) })
          : t('complaints.dues', { feedback: fmtAt(c.feedback_due), resolve: fmtAt(c.resolve_due) }),
        c.paused_seconds >= 60 ? ` · ${t('complaints.paused_total', { span: spanText(c.paused_seconds) })}` : ''),
      h('p', { class: 'responsible' }, h('span', { class: 'muted' }, t('complaints.responsible_is')),
        c.responsible ? h('strong', { class: 'responsible-person' }, `${c.responsible.person} · ${label('duties', c.responsible.duty)}`)
          : h('span', { class: 'muted' }, t('complaints.responsible_none'))));

    // the question that waits for the customer: the latest one asked
    const asked = [...(c.timeline || [])].reverse().find((e) => e.action === 'ask');
    const question = c.status === 'waiting_customer' ? section(t('answer.title'),
      h('blockquote', { class: 'question' }, asked ? asked.note : ''),
      asked ? h('p', { class: 'muted' }, t('answer.asked_by', { who: asked.actor || '', at: fmtAt(asked.at) })) : null,
      forCustomer ? answerForm(c, done, { centre: part === 'centre' })
        : h('p', { class: 'muted' }, t('answer.waiting', { until: fmtAt(c.pause_until) }))) : null;

    const reopenOpen = c.reopen_until && Date.parse(c.reopen_until) > Date.now();
    const resolution = c.finding ? section(t('resolution.title'),
      h('p', { class: 'finding' }, badge(label('findings', c.finding), c.finding === 'not_upheld' ? 'muted' : 'warn')),
      h('p', { class: 'remedy' }, c.remedy || ''),
      facts([
        [t('resolution.resolved_at'), c.resolved_at ? fmtAt(c.resolved_at) : null],
        [t('resolution.reopen_until'), c.status === 'resolved' && c.reopen_until ? fmtAt(c.reopen_until) : null],
        [t('resolution.rating'), c.rating ? h('span', { class: 'review-score', role: 'img', 'aria-label': t('review.n_stars', { n: c.rating }) }, '★'.repeat(c.rating), h('span', { class: 'star-off', 'aria-hidden': 'true' }, '★'.repeat(5 - c.rating))) : null, 'rating'],
        [t('resolution.comment'), c.rating_comment],
        [t('resolution.closed'), c.closed_at ? `${fmtAt(c.closed_at)} · ${label('closed_by', c.closed_by || '')}` : null],
      ]),
      forCustomer && c.status === 'resolved' ? h('div', { class: 'resolution-actions' },
        h('div', { class: 'accept-box' }, h('h3', { class: 'sub-title' }, t('accept.title')), acceptForm(c, done)),
        reopenOpen ? disclose(t('reopen.open'), () => reopenForm(c, done), 'danger') : h('p', { class: 'muted' }, t('reopen.closed'))) : null) : null;

    // the service centre's check of a complaint about no booking: waiting (and what to do), verified
    // (by whom, what was found), or not accepted (the reason, which the complainant reads)
    const verification = !v ? null : section(t('verification.title'), h('div', { class: 'verification', dataset: { verification: v.status } },
      pending ? [
        notice('info', t(part === 'customer' ? 'verification.pending_customer' : 'verification.pending_centre', { due: fmtAt(v.due) })),
        v.overdue && part !== 'customer' ? notice('warning', t('verification.overdue')) : null,
        desk ? h('div', { class: 'booking-actions verify-actions' },
          disclose(t('verification.verify_open'), () => verifyForm(c, done), 'primary'),
          disclose(t('verification.reject_open'), () => rejectForm(c, done), 'danger')) : null,
      ] : v.status === 'verified' ? [
        h('p', { class: 'verified-line' }, badge(t('verification.verify_open'), 'ok'), ' ',
          t('verification.verified', { at: fmtAt(v.at), who: v.by ? v.by.name : t('complaints.system') })),
        v.note ? h('p', { class: 'verify-note' }, v.note) : null,
      ] : [
        h('p', { class: 'rejected-line' }, badge(t('complaints.not_accepted'), 'muted'), ' ', t('verification.rejected', { at: fmtAt(v.at) })),
        h('blockquote', { class: 'reject-reason' }, v.note || ''),
      ]));

    const actions = [];
    if (part === 'company' && c.handler === 'association') actions.push(notice('info', t('handle.taken_over_note')));
    if (handles && !closed) actions.push(disclose(t('handle.responsible'), () => responsibleForm(c, done)));
    // feedback is owed while a question waits too (a question is not the first feedback)
    if (handles && open) actions.push(disclose(t('handle.feedback'), () => feedbackForm(c, done), 'primary'));
    if (handles && open) actions.push(disclose(t('handle.resolve'), () => resolveForm(c, done), 'primary'));
    // (a question waiting is answered in its own box above)
    if (part === 'centre' && open && c.status !== 'waiting_customer') actions.push(disclose(t('answer.for_customer'), () => answerForm(c, done, { more: true })));
    if (part === 'customer' && open && c.status !== 'waiting_customer') actions.push(disclose(t('answer.more'), () => answerForm(c, done, { more: true })));
    if (part !== 'customer' && !closed) actions.push(disclose(t(part === 'centre' ? 'handle.chase' : 'handle.note'), () => noteForm(c, done, { centre: part === 'centre' })));
    if (desk && open && !pending && !c.escalated_at) actions.push(disclose(t('handle.escalate'), () => escalateForm(c, done), 'danger'));
    if (part === 'association' && !closed && !pending && c.handler === 'company') actions.push(disclose(t('handle.takeover'), () => takeoverForm(c, done), 'danger'));

    const record = facts([
      [t('complaints.tracking_no'), h('span', { class: 'mono tracking-no' }, c.tracking_no), 'tracking_no'],
      [t('complaints.status'), complaintBadge(c.status), 'status'],
      [t('complaints.category'), label('complaint_categories', c.category), 'category'],
      [t('complaints.channel'), label('channels', c.channel), 'channel'],
      [t('complaints.who'), part === 'customer' ? null : (c.customer ? c.customer.name : c.contact_name), 'who'],
      [t('complaints.contact_phone'), c.contact_phone || null, 'contact_phone'],
      [t('complaints.booking'), c.booking ? (part === 'customer' || part === 'company'
        ? h('a', { href: `#/bookings/${c.booking.id}` }, `${fmtAt(c.booking.start)} · ${c.booking.title || ''}`)
        : `#${c.booking.id} · ${fmtAt(c.booking.start)} · ${c.booking.title || ''}`) : null, 'booking'],
      [t('complaints.company'), c.company ? h('a', { href: `#/companies/${c.company.id}` }, c.company.name) : null, 'company'],
      [t('complaints.worker'), c.worker ? c.worker.name : null, 'worker'],
      [t('complaints.handler'), c.handler === 'association' ? t('complaints.handler_association') : t('complaints.handler_company'), 'handler'],
      [t('complaints.escalated_at'), c.escalated_at ? fmtAt(c.escalated_at) : null, 'escalated'],
      [t('complaints.taken_by'), c.taken_by ? c.taken_by.name : null, 'taken_by'],
      [t('complaints.created'), fmtAt(c.created_at), 'created'],
      [t('complaints.first_feedback'), c.first_feedback_at ? [fmtAt(c.first_feedback_at), ' ',
        c.feedback_in_time === false ? badge(t('complaints.late'), 'danger') : badge(t('complaints.in_time'), 'ok')] : null, 'first_feedback'],
    ]);

    const justFiled = ctx.query.get('filed') === '1' && (part === 'centre' || part === 'association') && c.channel !== 'web';
    fill(body,
      justFiled ? filedBox(c) : null,
      c.clock ? clockBox : null,
      verification,
      question,
      resolution,
      actions.length ? section(t('handle.title'), h('div', { class: 'booking-actions complaint-actions' }, actions)) : null,
      h('div', { class: 'columns' },
        section(t('complaints.record'), record,
          h('h3', { class: 'sub-title' }, t('complaints.description')),
          h('p', { class: 'complaint-description' }, c.description),
          c.evidence && c.evidence.length ? [h('h3', { class: 'sub-title' }, t('complaints.evidence')), evidenceList(c.evidence)] : null),
        section(t('complaints.timeline'), complaintTimeline(c.timeline))),
      claimsSection(c, {
        file: forCustomer && !pending,
        decide: handles,
        pay: handles || part === 'company',
        association: part === 'association',
        // who answers a decision and a payment: the customer, or the centre for a caller without an account
        customer: part === 'customer' || (part === 'centre' && !c.customer),
      }, done));
  }

  load();
}
