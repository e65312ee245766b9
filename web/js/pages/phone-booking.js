// pages/phone-booking.js — #/dispatch/phone (booking.dispatch): a customer on the telephone. The
// dispatcher finds them among the company's own customers by the number they call from or their
// name (POST /api/dispatch/customers/search), or registers them (POST /api/dispatch/customers: a login and a
// set-up code to read out), then books for them — one of the company's items, the window with the
// total the server quotes, the address and number, how the customer agreed
// (POST /api/dispatch/bookings) — and lands on the booking to assign a worker from the list.
import { h, fill } from '../dom.js';
import { t } from '../i18n.js';
import { api, errorText } from '../api.js';
import { pageHead, loading, notice, field, input, select, form, clearErrors, showError, busy, section, button } from '../ui.js';
import {
  wallNow, dateOf, addDays, fmtPrice, fmtMoney, fmtAt, quantityText, itemTitle, bookingWindow, failureText, fieldOf,
  radios, DISTRICTS, districtName,
} from '../services.js';

const HOURS = ['1', '1.5', '2', '2.5', '3', '3.5', '4', '5', '6', '8'];
const DAYS = Array.from({ length: 31 }, (_, i) => String(i + 1));

export function render(slot, ctx) {
  const who = h('div', { class: 'caller-slot' });
  const booking = h('div', { class: 'caller-booking' });
  const back = h('p', { class: 'back' }, h('a', { href: '#/dispatch' }, t('phone.back')));
  fill(slot, h('section', { class: 'page page-phone-booking' }, back, pageHead(t('phone.title'), t('phone.intro')), who, booking));

  // ---- who is calling ----
  const cPhone = input({ type: 'tel', name: 'phone', inputmode: 'numeric', maxlength: '20' });
  const cName = input({ type: 'search', name: 'q', maxlength: '50' });
  const found = h('div', { class: 'caller-found', 'aria-live': 'polite' });
  const find = form({ class: 'form form-grid caller-find' },
    field({ label: t('phone.phone'), control: cPhone, name: 'phone', hint: t('phone.phone_hint') }),
    field({ label: t('phone.name'), control: cName, name: 'q', optional: true }),
    h('div', { class: 'form-actions' }, h('button', { type: 'submit', class: 'btn btn-primary' }, t('phone.find'))));
  find.addEventListener('submit', async (e) => {
    e.preventDefault();
    clearErrors(find);
    fill(booking);
    const phone = cPhone.value.replace(/[\s-]/g, '');
    const q = cName.value.trim();
    if (!phone && !q) return showError(find, t('phone.give_one'), 'phone');
    if (phone && !/^1[3-9]\d{9}$/.test(phone)) return showError(find, t('book.phone_invalid'), 'phone');
    await busy(find, async () => {
      try {
        const r = await api('POST', '/api/dispatch/customers/search', { body: phone ? { phone } : { q } });
        fill(found,
          r.items.length
            ? h('ul', { class: 'plain-list callers' }, r.items.map((c) => h('li', { class: 'caller', dataset: { customer: c.id } },
              h('span', { class: 'strong' }, c.name), ' ',
              h('span', { class: 'muted' }, t('phone.history', { n: c.bookings_with_us, at: c.last_booking_at ? fmtAt(c.last_booking_at) : '—' })), ' ',
              button(t('phone.book_for'), { kind: 'primary', onClick: () => bookFor({ id: c.id, name: c.name }, phone) }))))
            : h('p', { class: 'state state-empty' }, t('phone.nobody')),
          newCustomer(phone, cName.value.trim()));
      } catch (err) {
        if (err.status !== 401) showError(find, errorText(err), fieldOf(err));
      }
    });
  });

  // A caller without an account: registered, with the login and set-up code to read out.
  function newCustomer(phone, name) {
    const nName = input({ name: 'name', maxlength: '50', value: name });
    const nPhone = input({ type: 'tel', name: 'contact_phone', inputmode: 'numeric', maxlength: '20', value: phone });
    const nf = form({ class: 'form form-grid caller-new' },
      h('p', { class: 'field-wide muted' }, t('phone.new_intro')),
      field({ label: t('phone.name'), control: nName, name: 'name' }),
      field({ label: t('phone.phone'), control: nPhone, name: 'contact_phone' }),
      h('div', { class: 'form-actions' }, h('button', { type: 'submit', class: 'btn btn-secondary' }, t('phone.register'))));
    nf.addEventListener('submit', async (e) => {
      e.preventDefault();
      clearErrors(nf);
      const p = nPhone.value.replace(/[\s-]/g, '');
      if (!nName.value.trim()) return showError(nf, t('phone.name_needed'), 'name');
      if (!/^1[3-9]\d{9}$/.test(p)) return showError(nf, t('book.phone_invalid'), 'contact_phone');
      await busy(nf, async () => {
        try {
          const c = await api('POST', '/api/dispatch/customers', { body: { name: nName.value.trim(), contact_phone: p } });
          fill(found, h('div', { class: 'notice notice-success setup-code', role: 'status' },
            h('p', null, t('phone.registered', { name: c.name })),
            h('p', null, t('phone.read_out'), ' ', h('strong', { class: 'caller-login' }, c.login), ' · ', h('strong', { class: 'caller-code' }, c.setup_code)),
            h('p', { class: 'muted' }, t('phone.code_until', { at: fmtAt(c.setup_expires_at) }))));
          bookFor({ id: c.id, name: c.name }, p);
        } catch (err) {
          if (err.status !== 401) showError(nf, errorText(err), fieldOf(err));
        }
      });
    });
    return section(t('phone.new_title'), nf);
  }

  // ---- the booking ----
  async function bookFor(customer, phone) {
    fill(booking, loading());
    let items;
    try {
      const co = await api('GET', `/api/public/companies/${ctx.me.org.id}`);
      items = (co.service_items || []).filter((x) => x.active !== false && x.unit !== 'month');
    } catch (err) {
      if (err.status !== 401) fill(booking, notice('error', errorText(err)));
      return;
    }
    if (!items.length) return fill(booking, notice('error', t('phone.no_items')));
    let item = items[0];
    const cItem = select(items.map((x) => ({ value: x.id, label: `${itemTitle(x)} · ${fmtPrice(x.price_fen, x.unit)}` })), { name: 'service_item_id' });
    const cDate = input({ type: 'date', name: 'start', value: addDays(dateOf(wallNow()), 1), min: dateOf(wallNow()) });
    const cTime = input({ type: 'time', name: 'time', value: '09:00', step: '900' });
    const cHours = select(HOURS.map((x) => ({ value: x, label: t('search.n_hours', { n: x }) })), { name: 'end', value: '2' });
    const cDays = select(DAYS.map((x) => ({ value: x, label: t('fee.n_days', { n: x }) })), { name: 'days', value: '1' });
    const cDayEnd = input({ type: 'time', name: 'day_end', value: '18:00', step: '900' });
    const cAddress = h('textarea', { class: 'input', name: 'address', rows: '2', maxlength: '200' });
    const cDistrict = select([{ value: '', label: t('book.district_pick') }, ...DISTRICTS.map(([zh]) => ({ value: zh, label: districtName(zh) }))], { name: 'district' });
    const cPhone2 = input({ type: 'tel', name: 'contact_phone', inputmode: 'numeric', maxlength: '20', value: phone || '' });
    const cNote = h('textarea', { class: 'input', name: 'note', rows: '2', maxlength: '500' });
    const cAgree = radios({ legend: t('phone.agreement'), name: 'agreement', value: 'phone_call',
      options: [{ value: 'phone_call', label: t('phone.agreement_phone_call') }, { value: 'in_person', label: t('phone.agreement_in_person') }] });
    const total = h('p', { class: 'book-total', 'aria-live': 'polite' });
    const fHours = field({ label: t('search.hours'), control: cHours, name: 'end' });
    const fDays = field({ label: t('fee.days'), control: cDays, name: 'days' });
    const fDayEnd = field({ label: t('fee.day_end'), control: cDayEnd, name: 'day_end' });
    const controls = () => ({ date: cDate.value, time: cTime.value, hours: cHours.value, days: cDays.value, dayEnd: cDayEnd.value });
    let asked = 0;
    async function quote() {
      const n = ++asked;
      fHours.hidden = item.unit === 'day';
      fDays.hidden = item.unit !== 'day';
      fDayEnd.hidden = item.unit !== 'day';
      const win = bookingWindow(item.unit, controls());
      if (!win) return fill(total);
      try {
        const qt = await api('GET', `/api/public/quote?service_item_id=${item.id}&start=${encodeURIComponent(win.from)}&end=${encodeURIComponent(win.to)}`);
        if (n === asked) fill(total, t('fee.total_label'), ' ', h('strong', { class: 'price' }, fmtMoney(qt.price_fen)), ' ', h('span', { class: 'muted' }, t('fee.breakdown', { price: fmtPrice(qt.unit_price_fen, qt.unit), quantity: quantityText(qt.unit, qt.quantity_centi) })));
      } catch (err) {
        if (n === asked) fill(total, h('span', { class: 'notice-inline' }, errorText(err)));
      }
    }
    cItem.addEventListener('change', () => { item = items.find((x) => x.id === Number(cItem.value)) || item; quote(); });
    for (const c of [cDate, cTime, cHours, cDays, cDayEnd]) c.addEventListener('change', quote);
    const bf = form({ class: 'form form-grid phone-book-form', dataset: { customer: customer.id } },
      field({ label: t('book.service'), control: cItem, name: 'service_item_id', wide: true }),
      field({ label: t('book.date'), control: cDate, name: 'start' }),
      field({ label: t('search.start'), control: cTime, name: 'time' }),
      fHours, fDays, fDayEnd,
      h('div', { class: 'field-wide' }, total),
      field({ label: t('book.district'), control: cDistrict, name: 'district' }),
      field({ label: t('book.address'), control: cAddress, name: 'address', wide: true }),
      field({ label: t('book.phone'), control: cPhone2, name: 'contact_phone' }),
      field({ label: t('book.note'), control: cNote, name: 'note', optional: true, wide: true }),
      h('div', { class: 'field field-wide', dataset: { field: 'agreement' } }, cAgree),
      h('div', { class: 'form-actions' }, h('button', { type: 'submit', class: 'btn btn-primary btn-big' }, t('phone.submit'))));
    bf.addEventListener('submit', async (e) => {
      e.preventDefault();
      clearErrors(bf);
      const win = bookingWindow(item.unit, controls());
      if (!win) return showError(bf, t('search.when_invalid'), 'start');
      const address = cAddress.value.trim();
      if (address.length < 5) return showError(bf, t('book.address_short'), 'address');
      const p = cPhone2.value.replace(/[\s-]/g, '');
      if (!/^1[3-9]\d{9}$/.test(p)) return showError(bf, t('book.phone_invalid'), 'contact_phone');
      const body = { customer_id: customer.id, agreement: cAgree.value() || 'phone_call', service_item_id: item.id, start: win.from, end: win.to, address, contact_phone: p };
      if (cNote.value.trim()) body.note = cNote.value.trim();
      if (cDistrict.value) body.district = cDistrict.value;
      await busy(bf, async () => {
        try {
          const b = await api('POST', '/api/dispatch/bookings', { body });
          ctx.flashNext('success', t('phone.booked', { name: customer.name }));
          ctx.go(`/bookings/${b.id}`);
        } catch (err) {
          if (err.status === 401) return;
          const text = failureText(err);
          if (typeof text === 'string') showError(bf, text, fieldOf(err));
          else showError(bf, errorText(err));
        }
      });
    });
    fill(booking, section(t('phone.booking_for', { name: customer.name }), bf));
    quote();
    cAddress.focus();
  }

  fill(who, section(t('phone.who'), find, found));
  cPhone.focus();
}
