// pages/complaint-new.js — #/complaints/new (complaint.file). A customer complains about one of
// their bookings (?booking_id=…, from the booking's page) or about a company and, if they know it,
// one of its workers. The service centre takes a complaint by phone or in person for anyone, with
// or without an account: channel, contact, the company, a worker or booking where known. Both: one
// of the eight categories, what happened, evidence references (at most ten). The answer's
// tracking number and 48-hour clock are shown on the complaint's page.
import { h, fill } from '../dom.js';
import { t, label } from '../i18n.js';
import { api, errorText, listAll } from '../api.js';
import { pageHead, loading, notice, field, input, select, form, clearErrors, showError, busy, showApiError, section } from '../ui.js';
import { catName, fmtWindow, maskedWorker } from '../services.js';
import { facts } from './worker.js';
import { CATEGORIES, CHANNELS, EVIDENCE_MAX, parseEvidence } from '../complaint-ui.js';

const idOf = (v) => (/^\s*[1-9]\d{0,17}\s*$/.test(String(v || '')) ? Number(v) : null);

// The companies to choose from: the organisations list for those who may read it, else the
// public figures' list of every company.
async function companies(ctx) {
  if (ctx.can('org.read')) return listAll('/api/orgs', { kind: 'company' });
  const r = await api('GET', '/api/public/complaint-figures');
  return (r.items || []).map((x) => x.company).filter(Boolean);
}

export function render(slot, ctx) {
  const intake = ctx.me.user.role !== 'customer';
  const bookingId = idOf(ctx.query.get('booking_id'));
  const body = h('div', { class: 'complaint-new-body' }, loading());
  fill(slot, h('section', { class: 'page page-complaint-new', dataset: { mode: intake ? 'intake' : 'customer' } },
    h('p', { class: 'back' }, h('a', { href: '#/complaints' }, t('complaints.back'))),
    pageHead(t(intake ? 'complaints.intake_title' : 'complaints.new_title'), t(intake ? 'complaints.intake_intro' : 'complaints.new_intro')),
    body));

  (async () => {
    let booking = null;
    let cos = [];
    try {
      if (bookingId && !intake) booking = await api('GET', `/api/bookings/${bookingId}`);
      if (!booking) cos = await companies(ctx);
    } catch (err) {
      if (err.status === 401 || !ctx.current()) return;
      fill(body, notice('error', err.status === 404 ? t('bookings.not_found') : errorText(err)));
      return;
    }
    if (!ctx.current()) return;
    fill(body, draw(booking, cos));
  })();

  function draw(booking, cos) {
    const cCategory = select([{ value: '', label: t('complaints.category_pick') },
      ...CATEGORIES.map((c) => ({ value: c, label: label('complaint_categories', c) }))], { name: 'category', required: true });
    const cDesc = h('textarea', { class: 'input', name: 'description', rows: '5', maxlength: '2000', required: true });
    const cEvidence = h('textarea', { class: 'input', name: 'evidence', rows: '3', maxlength: '3100' });
    const cCompany = booking ? null : select([{ value: '', label: t('complaints.company_pick') },
      ...cos.map((c) => ({ value: String(c.id), label: c.name }))], { name: 'company_id' });
    const cWorker = booking ? null : input({ name: 'worker_id', inputmode: 'numeric', maxlength: '18' });
    const cBooking = intake ? input({ name: 'booking_id', inputmode: 'numeric', maxlength: '18', value: bookingId ? String(bookingId) : '' }) : null;
    const cChannel = intake ? select(CHANNELS.map((c) => ({ value: c, label: label('channels', c) })), { name: 'channel' }) : null;
    const cName = intake ? input({ name: 'contact_name', maxlength: '50', autocomplete: 'off' }) : null;
    const cPhone = intake ? input({ name: 'contact_phone', inputmode: 'tel', maxlength: '11', autocomplete: 'off' }) : null;
    const cCustomer = intake ? input({ name: 'customer_id', inputmode: 'numeric', maxlength: '18' }) : null;

    const f = form({ class: ['form', 'complaint-form', intake ? 'intake-form' : null] },
      !intake && !booking ? h('p', { class: 'notice notice-info from-booking' }, t('complaints.from_booking'), ' ',
        h('a', { href: '#/bookings' }, t('nav.bookings'))) : null,
      booking ? section(t('complaints.about_booking'), facts([
        [t('bookings.service'), [booking.category ? catName(booking.category) : '', booking.service_item ? ` · ${booking.service_item.title}` : '']],
        [t('bookings.when'), fmtWindow(booking.start, booking.end)],
        [t('bookings.company'), booking.company ? booking.company.name : null],
        [t('bookings.worker'), booking.worker ? maskedWorker(booking.worker) : null],
      ])) : null,
      intake ? h('div', { class: 'form-grid form-part' },
        field({ label: t('complaints.channel'), control: cChannel, name: 'channel' }),
        field({ label: t('complaints.contact_name'), control: cName, name: 'contact_name', hint: t('complaints.contact_name_hint') }),
        field({ label: t('complaints.contact_phone'), control: cPhone, name: 'contact_phone', optional: true, hint: t('complaints.contact_phone_hint') }),
        field({ label: t('complaints.customer_id'), control: cCustomer, name: 'customer_id', optional: true, hint: t('complaints.customer_id_hint') })) : null,
      booking ? null : h('div', { class: 'form-grid form-part' },
        field({ label: t('complaints.company'), control: cCompany, name: 'company_id', hint: intake ? t('complaints.company_hint_intake') : null }),
        field({ label: t('complaints.worker_id'), control: cWorker, name: 'worker_id', optional: true, hint: t('complaints.worker_id_hint') }),
        intake ? field({ label: t('complaints.booking_id'), control: cBooking, name: 'booking_id', optional: true }) : null),
      field({ label: t('complaints.category'), control: cCategory, name: 'category' }),
      field({ label: t('complaints.description'), control: cDesc, name: 'description', wide: true, hint: t('complaints.description_hint') }),
      field({ label: t('complaints.evidence'), control: cEvidence, name: 'evidence', optional: true, wide: true, hint: t('complaints.evidence_hint', { n: EVIDENCE_MAX }) }),
      h('div', { class: 'form-actions' }, h('button', { type: 'submit', class: 'btn btn-primary btn-big' }, t(intake ? 'complaints.intake_submit' : 'complaints.submit'))));

    f.addEventListener('submit', async (e) => {
      e.preventDefault();
      clearErrors(f);
      const b = { category: cCategory.value, description: cDesc.value.trim() };
      if (booking) b.booking_id = booking.id;
      if (intake) {
        b.channel = cChannel.value;
        if (cName.value.trim()) b.contact_name = cName.value.trim();
        if (cPhone.value.trim()) b.contact_phone = cPhone.value.trim();
        for (const [k, c] of [['customer_id', cCustomer], ['booking_id', cBooking]]) {
          if (!c.value.trim()) continue;
          if (!idOf(c.value)) return showError(f, t('complaints.id_invalid'), k);
          b[k] = idOf(c.value);
        }
        if (!b.contact_name && !b.customer_id && !b.booking_id) return showError(f, t('complaints.contact_required'), 'contact_name');
        if (b.contact_phone && !/^1\d{10}$/.test(b.contact_phone)) return showError(f, t('errors.invalid_phone'), 'contact_phone');
      }
      if (cCompany && cCompany.value) b.company_id = Number(cCompany.value);
      if (cWorker && cWorker.value.trim()) {
        if (!idOf(cWorker.value)) return showError(f, t('complaints.id_invalid'), 'worker_id');
        b.worker_id = idOf(cWorker.value);
      }
      if (!booking && !b.company_id && !b.worker_id && !b.booking_id) return showError(f, t('complaints.company_required'), 'company_id');
      if (!b.category) return showError(f, t('complaints.category_required'), 'category');
      if (b.description.length < 1) return showError(f, t('complaints.description_required'), 'description');
      const ev = parseEvidence(cEvidence.value);
      if (!ev) return showError(f, t('complaints.evidence_too_many', { n: EVIDENCE_MAX }), 'evidence');
      if (ev.some((x) => x.length > 300)) return showError(f, t('complaints.evidence_too_long'), 'evidence');
      if (ev.length) b.evidence = ev;
      await busy(f, async () => {
        try {
          const c = await api('POST', '/api/complaints', { body: b });
          ctx.flashNext('success', t('complaints.filed', { no: c.tracking_no }));
          ctx.go(`/complaints/${c.id}`);
        } catch (err) {
          if (err.status !== 401) showApiError(f, err);
        }
      });
    });
    return f;
  }
}
