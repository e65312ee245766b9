// pages/booking.js — #/bookings/ID (signed in; the API decides whose): one booking. Its status,
// service, time, worker, company, price, the address (only where the API gives it), the
// checklists as answered, the timeline; and what the one looking may do now: the customer cancels
// (with a reason), sees the service's code from check-in (to read out at check-out), once checked
// out says whether the service happened (or that it did not, with what happened), then reviews
// (five stars in five ways, a comment, the category's feedback questions), and may complain about
// it at any time (#/complaints/new?booking_id=…); the assigned worker confirms, checks in and out
// (with the customer's code); the company assigns, confirms, cancels or records a no-show; the
// service centre records its follow-up call; the association sees the review's signals and may
// exclude it with a reason, which everyone who sees the booking then reads. Those who see complaints see the ones filed about this booking, each a link. The
// customer sees the worker's full record while the worker allows it, or may ask to see it. Once the
// retention standard destroyed the address and telephone, everyone is told so, with the date.
import { h, fill } from '../dom.js';
import { t, label } from '../i18n.js';
import { api, errorText } from '../api.js';
import { loading, notice, messages, section, badge } from '../ui.js';
import { complaintBadge } from '../complaint-ui.js';
import { recordSection } from '../consent.js';
import { facts } from './worker.js';
import { reasonText } from '../workforce.js';
import {
  statusBadge, catName, fmtWindow, fmtMoney, fmtPrice, fmtAt, maskedWorker, standards, quantityText, districtName,
} from '../services.js';
import {
  confirmForm, checkinForm, checkoutForm, cancelForm, noShowForm, assignForm, reviewForm, disclose, rescheduleForm,
  checklistView, timelineView, noShowAnswerForm, noShowCheckForm, evidenceForm, followUpForm, evidenceText, reviewView,
  excludeForm,
} from '../booking-actions.js';

export function render(slot, ctx) {
  const id = Number(ctx.params.id);
  const role = ctx.me.user.role;
  const msg = messages();
  const head = h('div', { class: 'booking-head' });
  const body = h('div', { class: 'booking-body' }, loading());
  const backTo = role === 'worker' ? ['#/jobs', 'jobs.back'] : ctx.can('booking.dispatch') ? ['#/dispatch', 'dispatch.back'] : ['#/bookings', 'bookings.back'];
  fill(slot, h('section', { class: 'page page-booking', dataset: { booking: id } },
    h('p', { class: 'back' }, h('a', { href: backTo[0] }, t(backTo[1]))), head, msg, body));

  const done = (b, text) => { if (text) msg.show('success', text); load(); };

  async function load() {
    let b;
    try {
      b = await api('GET', `/api/bookings/${id}`);
    } catch (err) {
      if (err.status === 401 || !ctx.current()) return;
      fill(head, h('h1', { class: 'page-title', tabindex: '-1' }, t('nav.booking')));
      fill(body, notice('error', err.status === 404 ? t('bookings.not_found') : errorText(err)));
      return;
    }
    if (!ctx.current()) return;
    const std = await standards();
    if (!ctx.current()) return;
    draw(b, std);
  }

  function draw(b, std) {
    slot.querySelector('.page-booking').dataset.status = b.status;
    fill(head, h('header', { class: 'page-head' },
      h('h1', { class: 'page-title', tabindex: '-1' },
        b.category ? catName(b.category) : t('nav.booking'), ' ', statusBadge(b.status)),
      h('p', { class: 'page-intro' }, b.service_item ? b.service_item.title : '', ' · ', fmtWindow(b.start, b.end))));
    const customer = role === 'customer';
    const worker = role === 'worker';
    const company = ctx.can('booking.dispatch');
    const startPassed = Date.parse(b.start) <= Date.now();
    const actions = [];
    if (customer && ['requested', 'confirmed'].includes(b.status)) {
      actions.push(disclose(t('reschedule.open'), () => rescheduleForm(b, { onDone: done })));
      actions.push(disclose(t('bookings.cancel'), () => cancelForm(b, { onDone: done }), 'danger'));
    }
    // a customer may complain about any of their bookings
    if (customer) actions.push(h('a', { class: 'btn btn-secondary complain-btn', href: `#/complaints/new?booking_id=${b.id}` }, t('bookings.complain')));
    if (worker) {
      if (b.status === 'requested') actions.push(confirmForm(b, { onDone: done }));
      if (b.status === 'confirmed') actions.push(checkinForm(b, { onDone: done }));
      if (b.status === 'checked_in') actions.push(checkoutForm(b, { onDone: done }));
      if (b.status === 'confirmed' && startPassed) actions.push(disclose(t('bookings.no_show'), () => noShowForm(b, { onDone: done, parties: ['customer'] })));
    }
    if (company) {
      if (b.status === 'requested') actions.push(disclose(t(b.worker ? 'dispatch.reassign' : 'dispatch.assign'), () => assignForm(b, { onDone: done }), 'primary'));
      if (b.status === 'requested' && b.worker) actions.push(disclose(t('dispatch.confirm_for'), () => confirmForm(b, { onDone: done }), 'primary'));
      if (['requested', 'confirmed'].includes(b.status)) actions.push(disclose(t('reschedule.open'), () => rescheduleForm(b, { onDone: done, company: true })));
      if (['requested', 'confirmed'].includes(b.status)) actions.push(disclose(t('bookings.cancel'), () => cancelForm(b, { onDone: done }), 'danger'));
      if (b.status === 'confirmed' && startPassed) actions.push(disclose(t('bookings.no_show'), () => noShowForm(b, { onDone: done })));
    }
    // a household marked absent is asked; what it disputes or leaves unanswered, the centre checks
    const q = b.no_show_question;
    const asked = customer && q && q.state === 'pending'
      ? section(t('no_show.question'), noShowAnswerForm(b, { onDone: done })) : null;
    if (q && ctx.can('centre.check') && ['pending', 'to_check'].includes(q.state)) {
      actions.push(disclose(t('no_show.check'), () => noShowCheckForm(b, { onDone: done }), 'primary'));
    }
    // the service centre calls back a household that has not said whether the service happened
    if (ctx.can('booking.followup') && b.status === 'completed' && !b.evidence) {
      actions.push(disclose(t('evidence.call_open'), () => followUpForm(b, { onDone: done }), 'primary'));
    }
    const destroyed = Boolean(b.contact_destroyed_at);
    const tolerance = std.punctuality_tolerance_minutes ?? 15;
    const lateNow = b.status === 'confirmed' && Date.now() > Date.parse(b.start) + tolerance * 60000;
    const record = facts([
      [t('bookings.when'), fmtWindow(b.start, b.end), 'when'],
      [t('bookings.service'), [b.category ? catName(b.category) : '', b.service_item ? ` · ${b.service_item.title}` : ''], 'service'],
      [t('bookings.price'), [fmtMoney(b.price_fen), b.unit && b.unit_price_fen !== undefined ? h('span', { class: 'muted' }, ' ', t('fee.breakdown', { price: fmtPrice(b.unit_price_fen, b.unit), quantity: quantityText(b.unit, b.quantity_centi) })) : null], 'price'],
      [t('bookings.worker'), b.worker ? (worker || customer ? maskedWorker(b.worker) : b.worker.name || maskedWorker(b.worker)) : h('span', { class: 'muted' }, t('bookings.unassigned')), 'worker'],
      [t('bookings.company'), b.company ? b.company.name : null, 'company'],
      [t('book.district'), b.district ? districtName(b.district) : null, 'district'],
      [t('bookings.customer'), !customer && b.customer ? b.customer.name : null, 'customer'],
      [t('bookings.address'), destroyed ? h('span', { class: 'muted contact-destroyed' }, t('bookings.destroyed_short', { date: fmtAt(b.contact_destroyed_at) }))
        : typeof b.address === 'string' ? h('span', { class: 'address' }, b.address) : h('span', { class: 'muted' }, t('bookings.address_hidden')), 'address'],
      [t('bookings.phone'), b.contact_phone ? h('a', { class: 'phone', href: `tel:${b.contact_phone}` }, b.contact_phone) : null, 'phone'],
      [t('bookings.note'), b.note || null, 'note'],
      [t('bookings.created'), fmtAt(b.created_at), 'created'],
      [t('bookings.agreement'), b.agreement && b.agreement !== 'online' ? t(`phone.agreement_${b.agreement}`) : null, 'agreement'],
      [t('bookings.checked_in'), b.checked_in_at ? [fmtAt(b.checked_in_at), ' ', punctuality(b)] : (lateNow ? badge(t('dispatch.not_checked_in'), 'danger') : null), 'checked_in'],
      [t('bookings.checked_out'), b.checked_out_at ? [fmtAt(b.checked_out_at), ' ', b.left_early === true ? badge(t('dispatch.left_early'), 'danger') : null] : null, 'checked_out'],
      [t('bookings.served'), b.served_minutes !== null && b.served_minutes !== undefined ? t('bookings.served_minutes', { minutes: b.served_minutes }) : null, 'served'],
      [t('evidence.label'), evidenceText(b), 'evidence'],
      [t('jobs.early_reason'), b.left_early === true ? b.left_early_reason || t('bookings.reason_not_asked') : null, 'left_early_reason'],
      [t('bookings.barred'), b.barred ? h('span', { class: 'barred' }, t('bookings.barred_text', { why: reasonText(b.barred.code), reason: b.barred.reason || '' })) : null, 'barred'],
      [t('bookings.contact_views'), b.contact_views && b.contact_views.count ? t('bookings.contact_views_text', { n: b.contact_views.count, at: fmtAt(b.contact_views.last_at) }) : null, 'contact_views'],
      [t('bookings.cancelled_at'), b.cancelled ? t('bookings.cancelled_by', { at: fmtAt(b.cancelled.at), by: actor(b.cancelled.by), reason: b.cancelled.reason || '' }) : null, 'cancelled'],
      [t('bookings.no_show_at'), b.no_show ? t('bookings.no_show_by', { at: fmtAt(b.no_show.at), party: label('no_show_parties', b.no_show.party), reason: b.no_show.reason || '' }) : null, 'no_show'],
      [t('no_show.state'), q ? [badge(t(`no_show.state_${q.state}`), q.state === 'overturned' ? 'danger' : q.state === 'to_check' || q.state === 'pending' ? 'warn' : 'muted'),
        q.answer ? h('span', { class: 'muted' }, ' ', t(`no_show.answer_${q.answer}`), q.answer_reason ? ` · ${q.answer_reason}` : '') : null,
        q.check_note ? h('span', { class: 'muted' }, ' · ', q.check_note) : null] : null, 'no_show_question'],
    ]);
    const confirmed = b.evidence && b.evidence.status === 'confirmed';
    // the code the customer reads out to the worker at check-out
    const code = customer && b.status === 'checked_in' && b.service_code
      ? section(t('evidence.code_title'), h('p', { class: 'service-code', 'aria-label': t('evidence.code_aria', { code: b.service_code.split('').join(' ') }) },
        `${b.service_code.slice(0, 3)} ${b.service_code.slice(3)}`), h('p', { class: 'muted' }, t('evidence.code_intro')))
      : null;
    const evidence = customer && b.status === 'completed' && !b.evidence
      ? section(t('evidence.title'), h('p', { class: 'muted' }, t('evidence.intro')), evidenceForm(b, { onDone: done }))
      : null;
    const review = customer && b.status === 'completed' && confirmed
      ? section(t('review.title'), h('p', { class: 'muted' }, t('review.intro')), reviewForm(b, { onDone: done }))
      : null;
    const reviewed = customer && b.status === 'reviewed' && !(b.review && b.review.excluded) ? notice('success', t('review.thanks')) : null;
    // the review as this viewer sees it: the association with its signals, and the way to exclude it
    const theReview = b.review
      ? section(t('reviews.one_title'), reviewView(b.review),
        ctx.can('review.oversee') && !b.review.excluded ? disclose(t('reviews.exclude'), () => excludeForm(b.id, { onDone: done }), 'danger') : null)
      : null;
    // the complaints about this booking, for those who see complaints (filled in when they come)
    const complaints = h('div', { class: 'booking-complaints' });
    if (role === 'customer' || ctx.can('complaint.handle')) {
      api('GET', '/api/complaints', { query: { booking_id: b.id, per_page: 20 } }).then((r) => {
        if (!r.items.length || !ctx.current()) return;
        fill(complaints, section(t('bookings.complaints'), h('ul', { class: 'plain-list' }, r.items.map((c) => h('li', { dataset: { complaint: c.id } },
          h('a', { href: `#/complaints/${c.id}`, class: 'mono' }, c.tracking_no), ' ', complaintBadge(c.status),
          h('span', { class: 'muted' }, ` ${label('complaint_categories', c.category)} · ${fmtAt(c.created_at)}`))))));
      }).catch(() => { /* the booking stands without them */ });
    }
    const gone = destroyed ? notice('info', t('bookings.destroyed', { date: fmtAt(b.contact_destroyed_at), days: std.booking_contact_retention_days ?? 180 })) : null;
    if (gone) gone.classList.add('contact-destroyed-notice');
    fill(body,
      gone,
      asked,
      actions.length ? section(t('bookings.actions'), h('div', { class: 'booking-actions' }, actions)) : null,
      code, evidence, review, reviewed, theReview, complaints,
      h('div', { class: 'columns' },
        section(t('bookings.record'), record),
        section(t('timeline.title'), timelineView(b))),
      section(t('checklist.title'), checklistView(b)),
      customer && b.worker ? recordSection(b, ctx) : null);
  }

  load();
}

const actor = (a) => (a && typeof a === 'object' ? a.name || label('no_show_parties', a.role || '') : label('cancel_parties', a || ''));

export function punctuality(b) {
  if (b.late === true) return badge(t('jobs.late'), 'danger');
  if (b.late === false) return badge(t('jobs.on_time'), 'ok');
  return null;
}
