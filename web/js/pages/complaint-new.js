// pages/complaint-new.js — #/complaints/new (complaint.file). A customer complains about one of
// their bookings (?booking_id=…, from the booking's page) or about a company and, if they know it,
// one of its workers — then with a mobile number, which the service centre calls to verify the
// complaint before the company sees it. The service centre takes a complaint by phone or in person for anyone: it
// first looks the caller up (mobile number, name or tracking number: desk.js) and picks the
// customer and, when it is about one, their booking — whose company and worker follow; for a caller
// without an account it writes down the name and the number to call back on, which is required; the
// company is chosen from the list and the worker found by name in that company's registry. Both:
// one of the eight categories, what happened, evidence references (at most ten). The answer's
// tracking number is shown on the complaint's page, for the centre with what to tell the caller.
// ?q=…&customer_id=…&booking_id=… (from the queue's search) opens the intake with that caller found.
import { h, fill } from '../dom.js';
import { t, label } from '../i18n.js';
import { api, errorText, listAll } from '../api.js';
import { pageHead, loading, notice, field, input, select, form, clearErrors, showError, busy, showApiError, section } from '../ui.js';
import { catName, fmtWindow, maskedWorker } from '../services.js';
import { facts } from './worker.js';
import { CATEGORIES, CHANNELS, EVIDENCE_MAX, parseEvidence } from '../complaint-ui.js';
import { callerSearch, workerPicker } from '../desk.js';

const idOf = (v) => (/^\s*[1-9]\d{0,17}\s*$/.test(String(v || '')) ? Number(v) : null);
const PHONE_RE = /^1[3-9]\d{9}$/;

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
    fill(body, intake ? drawIntake(cos) : draw(booking, cos));
  })();

  // what both forms end with: category, description, evidence
  function common() {
    const cCategory = select([{ value: '', label: t('complaints.category_pick') },
      ...CATEGORIES.map((c) => ({ value: c, label: label('complaint_categories', c) }))], { name: 'category', required: true });
    const cDesc = h('textarea', { class: 'input', name: 'description', rows: '5', maxlength: '2000', required: true });
    const cEvidence = h('textarea', { class: 'input', name: 'evidence', rows: '3', maxlength: '3100' });
    const fields = [
      field({ label: t('complaints.category'), control: cCategory, name: 'category' }),
      field({ label: t('complaints.description'), control: cDesc, name: 'description', wide: true, hint: t('complaints.description_hint') }),
      field({ label: t('complaints.evidence'), control: cEvidence, name: 'evidence', optional: true, wide: true, hint: t('complaints.evidence_hint', { n: EVIDENCE_MAX }) }),
    ];
    // fills b with them, or shows what is wrong in f and returns false
    const take = (f, b) => {
      b.category = cCategory.value;
      b.description = cDesc.value.trim();
      if (!b.category) { showError(f, t('complaints.category_required'), 'category'); return false; }
      if (b.description.length < 1) { showError(f, t('complaints.description_required'), 'description'); return false; }
      const ev = parseEvidence(cEvidence.value);
      if (!ev) { showError(f, t('complaints.evidence_too_many', { n: EVIDENCE_MAX }), 'evidence'); return false; }
      if (ev.some((x) => x.length > 300)) { showError(f, t('complaints.evidence_too_long'), 'evidence'); return false; }
      if (ev.length) b.evidence = ev;
      return true;
    };
    return { fields, take };
  }

  async function post(f, b, filedQuery) {
    await busy(f, async () => {
      try {
        const c = await api('POST', '/api/complaints', { body: b });
        ctx.flashNext('success', t('complaints.filed', { no: c.tracking_no }));
        ctx.go(`/complaints/${c.id}${filedQuery}`);
      } catch (err) {
        if (err.status !== 401) showApiError(f, err);
      }
    });
  }

  // ---- a customer's own ----

  function draw(booking, cos) {
    const { fields, take } = common();
    const cCompany = booking ? null : select([{ value: '', label: t('complaints.company_pick') },
      ...cos.map((c) => ({ value: String(c.id), label: c.name }))], { name: 'company_id' });
    const cWorker = booking ? null : input({ name: 'worker_id', inputmode: 'numeric', maxlength: '18' });
    // about no booking of theirs: a number for the service centre to call to verify it
    const cPhone = booking ? null : input({ name: 'contact_phone', type: 'tel', inputmode: 'tel', maxlength: '13', autocomplete: 'tel' });

    const f = form({ class: ['form', 'complaint-form'] },
      !booking ? h('p', { class: 'notice notice-info from-booking' }, t('complaints.from_booking'), ' ',
        h('a', { href: '#/bookings' }, t('nav.bookings'))) : null,
      booking ? section(t('complaints.about_booking'), facts([
        [t('bookings.service'), [booking.category ? catName(booking.category) : '', booking.service_item ? ` · ${booking.service_item.title}` : '']],
        [t('bookings.when'), fmtWindow(booking.start, booking.end)],
        [t('bookings.company'), booking.company ? booking.company.name : null],
        [t('bookings.worker'), booking.worker ? maskedWorker(booking.worker) : null],
      ])) : null,
      booking ? null : h('div', { class: 'form-grid form-part' },
        field({ label: t('complaints.company'), control: cCompany, name: 'company_id' }),
        field({ label: t('complaints.worker_id'), control: cWorker, name: 'worker_id', optional: true, hint: t('complaints.worker_id_hint') }),
        field({ label: t('complaints.your_phone'), control: cPhone, name: 'contact_phone', hint: t('complaints.your_phone_hint') })),
      ...fields,
      h('div', { class: 'form-actions' }, h('button', { type: 'submit', class: 'btn btn-primary btn-big' }, t('complaints.submit'))));

    f.addEventListener('submit', async (e) => {
      e.preventDefault();
      clearErrors(f);
      const b = {};
      if (booking) b.booking_id = booking.id;
      if (cCompany && cCompany.value) b.company_id = Number(cCompany.value);
      if (cWorker && cWorker.value.trim()) {
        if (!idOf(cWorker.value)) return showError(f, t('complaints.id_invalid'), 'worker_id');
        b.worker_id = idOf(cWorker.value);
      }
      if (!booking && !b.company_id && !b.worker_id) return showError(f, t('complaints.company_required'), 'company_id');
      if (cPhone) {
        const phone = cPhone.value.replace(/[\s-]/g, '').replace(/^\+?86(?=1\d{10}$)/, '');
        if (!phone) return showError(f, t('complaints.phone_required'), 'contact_phone');
        if (!PHONE_RE.test(phone)) return showError(f, t('errors.invalid_phone'), 'contact_phone');
        b.contact_phone = phone;
      }
      if (!take(f, b)) return;
      await post(f, b, '');
    });
    return f;
  }

  // ---- the service centre's intake ----

  function drawIntake(cos) {
    const { fields, take } = common();
    // who is calling: a customer found (and the booking it is about), or nobody with an account
    let customer = null;
    let picked = null;
    const cChannel = select(CHANNELS.map((c) => ({ value: c, label: label('channels', c) })), { name: 'channel' });
    const cName = input({ name: 'contact_name', maxlength: '50', autocomplete: 'off' });
    const cPhone = input({ name: 'contact_phone', type: 'tel', inputmode: 'tel', maxlength: '13', autocomplete: 'off' });
    const cCompany = select([{ value: '', label: t('complaints.company_pick') },
      ...cos.map((c) => ({ value: String(c.id), label: c.name }))], { name: 'company_id' });
    const picker = workerPicker({ companyOf: () => (picked ? picked.company && picked.company.id : Number(cCompany.value) || null) });
    cCompany.addEventListener('change', () => {
      const w = picker.value();
      if (w && !w.fixed) picker.clear();
    });

    const chosen = h('div', { class: 'caller-chosen', hidden: true });
    const search = callerSearch({
      initial: ctx.query.get('q') || '',
      onCustomer: (c) => choose(c, null),
      onBooking: (c, b) => choose(c, b),
    });
    // arriving from the queue's search: the customer (and booking) named there, once found
    const wantCustomer = idOf(ctx.query.get('customer_id'));
    const wantBooking = idOf(ctx.query.get('booking_id'));
    if (wantCustomer) {
      search.addEventListener('found', (e) => {
        const c = (e.detail.customers || []).find((x) => x.id === wantCustomer);
        if (c) choose(c, wantBooking ? (c.bookings || []).find((x) => x.id === wantBooking) || null : null);
      }, { once: true });
    }

    const nameField = field({ label: t('intake.caller_name'), control: cName, name: 'contact_name', hint: t('intake.caller_name_hint') });
    const phoneField = field({ label: t('intake.callback'), control: cPhone, name: 'contact_phone', hint: t('intake.callback_hint') });
    const subject = h('div', { class: 'form-grid form-part intake-subject' },
      field({ label: t('complaints.company'), control: cCompany, name: 'company_id', hint: t('intake.company_hint') }),
      picker.attach(field({ label: t('intake.worker'), control: picker.control, name: 'worker_id', optional: true, hint: t('intake.worker_hint') })));
    const aboutBooking = h('div', { class: 'intake-booking', hidden: true });

    function choose(c, b) {
      customer = c;
      picked = b;
      chosen.hidden = !c;
      subject.hidden = Boolean(b);
      aboutBooking.hidden = !b;
      // a customer with an account is told in it; a call-back number is then optional
      nameField.querySelector('.field-label').replaceChildren(t(c ? 'intake.caller_name_optional' : 'intake.caller_name'));
      phoneField.querySelector('.field-label').replaceChildren(t(c ? 'intake.callback_optional' : 'intake.callback'));
      nameField.dataset.required = String(!c);
      phoneField.dataset.required = String(!c);
      if (!c) {
        fill(chosen);
        fill(aboutBooking);
        picker.clear();
        return;
      }
      if (!cName.value.trim()) cName.value = c.name;
      // picked: the list of what was found goes, the choice stays
      search.clear();
      fill(chosen,
        h('p', { class: 'caller-chosen-line' }, h('span', { class: 'muted' }, t('intake.customer_is')), ' ',
          h('strong', { class: 'caller-chosen-name', dataset: { customer: c.id } }, c.name), ' ',
          h('button', { type: 'button', class: 'btn btn-quiet btn-small caller-unpick', onclick: () => choose(null, null) }, t('intake.unpick'))));
      if (b) {
        fill(aboutBooking, section(t('complaints.about_booking'), facts([
          [t('complaints.booking'), [h('span', { class: 'mono' }, `#${b.id} `), `${fmtWindow(b.start, b.end)} · ${b.title || ''}`], 'booking'],
          [t('bookings.company'), b.company ? b.company.name : null, 'company'],
          [t('bookings.worker'), b.worker ? b.worker.name : t('intake.no_worker'), 'worker'],
        ])));
        if (b.worker) picker.set({ ...b.worker, fixed: true });
        else picker.clear();
      } else {
        const w = picker.value();
        if (w && w.fixed) picker.clear();
      }
      chosen.scrollIntoView({ block: 'nearest' });
    }

    const f = form({ class: ['form', 'complaint-form', 'intake-form'] },
      section(t('intake.caller_title'), search, chosen,
        h('div', { class: 'form-grid form-part intake-contact' },
          field({ label: t('complaints.channel'), control: cChannel, name: 'channel' }),
          nameField, phoneField)),
      aboutBooking,
      subject,
      ...fields,
      h('div', { class: 'form-actions' }, h('button', { type: 'submit', class: 'btn btn-primary btn-big' }, t('complaints.intake_submit'))));
    nameField.dataset.required = 'true';
    phoneField.dataset.required = 'true';

    f.addEventListener('submit', async (e) => {
      e.preventDefault();
      clearErrors(f);
      const b = { channel: cChannel.value };
      const name = cName.value.trim();
      const phone = cPhone.value.replace(/[\s-]/g, '').replace(/^\+?86(?=1\d{10}$)/, '');
      if (name) b.contact_name = name;
      if (phone) b.contact_phone = phone;
      if (customer) b.customer_id = customer.id;
      if (picked) b.booking_id = picked.id;
      if (!customer && !name) return showError(f, t('intake.caller_name_required'), 'contact_name');
      if (!customer && !phone) return showError(f, t('errors.callback_phone_required'), 'contact_phone');
      if (phone && !PHONE_RE.test(phone)) return showError(f, t('errors.invalid_phone'), 'contact_phone');
      if (!picked) {
        if (cCompany.value) b.company_id = Number(cCompany.value);
        const w = picker.value();
        if (w) b.worker_id = w.id;
        if (!b.company_id) return showError(f, t('complaints.company_required'), 'company_id');
      }
      if (!take(f, b)) return;
      await post(f, b, '?filed=1');
    });
    return f;
  }
}
