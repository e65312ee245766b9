// pages/book.js — #/book?worker=…&item=…&from=…&to=… (booking.create, a customer): booking one
// worker from a search result. What is booked (the worker's public profile, the company's item and
// price), when — by the hour (date, start, whole or half hours), by the visit (date, start, how long
// it takes), by the day (first day, number of days, the day's hours) — with the total the server
// quotes (GET /api/public/quote) before anything is booked, where (one of the customer's saved
// addresses, or a new one they may save for next time) and the household's mobile number, both kept
// sealed, a note → POST /api/bookings. A month item is not booked by the hour: the form becomes a
// request to the company (start or due date, months, needs, a number to call) →
// POST /api/service-requests. A refusal is said in words: the worker is busy then, may not serve
// (with every reason), the start has passed, the window is wrong.
import { h, fill } from '../dom.js';
import { t } from '../i18n.js';
import { api, errorText } from '../api.js';
import { pageHead, loading, notice, field, input, select, form, clearErrors, showError, busy, section } from '../ui.js';
import { levelName, tradeList, checkbox } from '../workforce.js';
import { facts } from './worker.js';
import {
  windowIso, wallParts, hoursBetween, wallNow, dateOf, addDays, fmtPrice, fmtMoney, catName, rating, failureText,
  fieldOf, categories, quantityText, itemTitle, bookingWindow, DISTRICTS, districtName,
} from '../services.js';

const HOURS = ['1', '1.5', '2', '2.5', '3', '3.5', '4', '5', '6', '7', '8', '10', '12'];
const DAYS = Array.from({ length: 31 }, (_, i) => String(i + 1));
const MONTHS = Array.from({ length: 24 }, (_, i) => String(i + 1));

export function render(slot, ctx) {
  const q = ctx.query;
  const workerId = Number(q.get('worker'));
  const itemId = Number(q.get('item'));
  const body = h('div', { class: 'book-body' }, loading());
  const back = h('p', { class: 'back' }, h('a', { href: '#/search' }, t('book.back')));
  fill(slot, h('section', { class: 'page page-book' }, back, pageHead(t('book.title'), t('book.intro')), body));
  if (!workerId || !itemId) {
    fill(body, notice('error', t('book.missing')));
    return;
  }

  (async () => {
    let w;
    let item = null;
    let offers = [];
    try {
      w = await api('GET', `/api/public/workers/${workerId}`);
      if (w.company) {
        const co = await api('GET', `/api/public/companies/${w.company.id}`);
        item = (co.service_items || []).find((x) => x.id === itemId) || null;
        // the company's other offers in the same category (by the hour, by the visit…)
        if (item && item.category) offers = (co.service_items || []).filter((x) => x.category && x.category.id === item.category.id && x.active !== false);
      }
    } catch (err) {
      if (err.status === 401 || !ctx.current()) return;
      fill(body, notice('error', err.status === 404 ? t('book.not_found') : errorText(err)));
      return;
    }
    if (!ctx.current()) return;
    if (!item) {
      fill(body, notice('error', t('book.item_gone')));
      return;
    }
    const cats = await categories().catch(() => []);
    const cat = item.category ? (cats.find((c) => c.id === item.category.id) || item.category) : null;
    // the customer's saved addresses (an unopenable one is left out)
    const saved = await api('GET', '/api/me/addresses').then((r) => r.items.filter((a) => a.address)).catch(() => []);
    if (!ctx.current()) return;
    draw(w, item, cat, offers.length ? offers : [item], saved);
  })();

  function draw(w, first, cat, offers, saved) {
    let item = first;
    const from = q.get('from');
    const p = from ? wallParts(from) : { date: addDays(dateOf(wallNow()), 1), time: '09:00' };
    const hrs = String(hoursBetween(from, q.get('to')) || 2);
    const cDate = input({ type: 'date', name: 'start', value: p.date, min: dateOf(wallNow()), required: true });
    const cTime = input({ type: 'time', name: 'time', value: p.time, step: '900', required: true });
    const cHours = select((HOURS.includes(hrs) ? HOURS : [...HOURS, hrs]).map((x) => ({ value: x, label: t('search.n_hours', { n: x }) })), { name: 'end', value: hrs });
    const cDays = select(DAYS.map((x) => ({ value: x, label: t('fee.n_days', { n: x }) })), { name: 'days', value: '1' });
    const cDayEnd = input({ type: 'time', name: 'day_end', value: '18:00', step: '900', required: true });
    const cAddress = h('textarea', { class: 'input', name: 'address', rows: '3', maxlength: '200', autocomplete: 'street-address', required: true });
    // the district served in, as the search asked it: the dispatcher sees who is nearby then
    const cDistrict = select([{ value: '', label: t('book.district_pick') }, ...DISTRICTS.map(([zh]) => ({ value: zh, label: districtName(zh) }))],
      { name: 'district', value: DISTRICTS.some(([zh]) => zh === q.get('district')) ? q.get('district') : '' });
    const cSaved = saved.length
      ? select([{ value: '', label: t('book.saved_none') }, ...saved.map((a) => ({ value: String(a.id), label: a.label ? `${a.label} · ${a.address}` : a.address }))],
        { name: 'saved_address', class: 'input saved-pick' })
      : null;
    if (cSaved) {
      cSaved.addEventListener('change', () => {
        const a = saved.find((x) => String(x.id) === cSaved.value);
        cAddress.value = a ? a.address : '';
        if (cKeep) cKeep.hidden = !!a;
      });
    }
    const cKeep = saved.length < 10 ? checkbox(t('book.save_address'), { name: 'save_address', class: 'save-address' }) : null;
    const cPhone = input({ type: 'tel', name: 'contact_phone', inputmode: 'numeric', maxlength: '20', autocomplete: 'tel-national', required: true });
    const cNote = h('textarea', { class: 'input', name: 'note', rows: '3', maxlength: '500' });
    const result = h('div', { class: 'book-result', 'aria-live': 'polite' });
    const priceSlot = h('strong', { class: 'price' }, fmtPrice(item.price_fen, item.unit));
    // the total, as the server quotes it for the window chosen
    const totalSlot = h('p', { class: 'book-total', 'aria-live': 'polite', dataset: { total: '' } });
    const cItem = offers.length > 1
      ? select(offers.map((x) => ({ value: x.id, label: `${itemTitle(x)} · ${fmtPrice(x.price_fen, x.unit)}` })), { name: 'service_item_id', value: String(item.id) })
      : null;
    const fHours = field({ label: t('search.hours'), control: cHours, name: 'end' });
    const fDays = field({ label: t('fee.days'), control: cDays, name: 'days' });
    const fDayEnd = field({ label: t('fee.day_end'), control: cDayEnd, name: 'day_end' });
    const fDate = field({ label: t('book.date'), control: cDate, name: 'start' });
    const controls = () => ({ date: cDate.value, time: cTime.value, hours: cHours.value, days: cDays.value, dayEnd: cDayEnd.value });

    let asked = 0;
    async function quote() {
      const n = ++asked;
      const win = bookingWindow(item.unit, controls());
      if (!win || item.unit === 'month') {
        fill(totalSlot);
        totalSlot.dataset.total = '';
        return;
      }
      try {
        const qt = await api('GET', `/api/public/quote?service_item_id=${item.id}&start=${encodeURIComponent(win.from)}&end=${encodeURIComponent(win.to)}`);
        if (n !== asked) return;
        totalSlot.dataset.total = String(qt.price_fen);
        fill(totalSlot, t('fee.total_label'), ' ', h('strong', { class: 'price' }, fmtMoney(qt.price_fen)), ' ',
          h('span', { class: 'muted' }, t('fee.breakdown', { price: fmtPrice(qt.unit_price_fen, qt.unit), quantity: quantityText(qt.unit, qt.quantity_centi) })));
      } catch (err) {
        if (n !== asked) return;
        totalSlot.dataset.total = '';
        fill(totalSlot, h('span', { class: 'notice-inline', dataset: { code: err.code || '' } }, errorText(err)));
      }
    }
    // the controls the item's unit asks for: hours, days and the day's end, or the request form
    function shape() {
      fHours.hidden = item.unit === 'day';
      fDays.hidden = item.unit !== 'day';
      fDayEnd.hidden = item.unit !== 'day';
      fill(fHours.querySelector('label'), item.unit === 'visit' ? t('fee.visit_hours') : t('search.hours'));
      fill(fDate.querySelector('label'), item.unit === 'day' ? t('fee.first_day') : t('book.date'));
      f.hidden = item.unit === 'month';
      requestForm.hidden = item.unit !== 'month';
      quote();
    }
    if (cItem) {
      cItem.addEventListener('change', () => {
        item = offers.find((x) => x.id === Number(cItem.value)) || item;
        fill(priceSlot, fmtPrice(item.price_fen, item.unit));
        shape();
      });
    }
    for (const c of [cDate, cTime, cHours, cDays, cDayEnd]) c.addEventListener('change', quote);
    const f = form({ class: 'form form-grid book-form' },
      fDate,
      field({ label: t('search.start'), control: cTime, name: 'time' }),
      fHours, fDays, fDayEnd,
      h('div', { class: 'field-wide' }, totalSlot),
      cSaved ? field({ label: t('book.saved'), control: cSaved, name: 'saved_address', wide: true }) : null,
      field({ label: t('book.district'), control: cDistrict, name: 'district', hint: t('book.district_hint') }),
      field({ label: t('book.address'), control: cAddress, name: 'address', hint: t('book.address_hint'), wide: true }),
      cKeep ? h('div', { class: 'field field-wide' }, cKeep) : null,
      field({ label: t('book.phone'), control: cPhone, name: 'contact_phone', hint: t('book.phone_hint') }),
      field({ label: t('book.note'), control: cNote, name: 'note', optional: true, hint: t('book.note_hint'), wide: true }),
      h('div', { class: 'form-actions' },
        h('button', { type: 'submit', class: 'btn btn-primary btn-big' }, t('book.submit'))));
    f.addEventListener('submit', async (e) => {
      e.preventDefault();
      clearErrors(f);
      fill(result);
      const win = bookingWindow(item.unit, controls());
      if (!win) return showError(f, t('search.when_invalid'), 'start');
      const address = cAddress.value.trim();
      if (address.length < 5) return showError(f, t('book.address_short'), 'address');
      const phone = cPhone.value.replace(/[\s-]/g, '');
      if (!/^1[3-9]\d{9}$/.test(phone)) return showError(f, t('book.phone_invalid'), 'contact_phone');
      const bodyOut = { service_item_id: item.id, worker_id: w.id, start: win.from, end: win.to, address, contact_phone: phone };
      if (cNote.value.trim()) bodyOut.note = cNote.value.trim();
      if (cDistrict.value) bodyOut.district = cDistrict.value;
      await busy(f, async () => {
        try {
          const b = await api('POST', '/api/bookings', { body: bodyOut });
          // kept for next time only once the booking is made; a refusal of it loses no booking
          if (cKeep && !cKeep.hidden && cKeep.box.checked && !saved.some((a) => a.address === address)) {
            await api('POST', '/api/me/addresses', { body: { address } }).catch(() => {});
          }
          ctx.flashNext('success', t('book.done', { when: `${cDate.value} ${cTime.value}` }));
          ctx.go(`/bookings/${b.id}`);
        } catch (err) {
          if (err.status === 401) return;
          const text = failureText(err, { invalid_period: 'book.invalid_period' });
          const name = fieldOf(err);
          if (typeof text === 'string') showError(f, text, name === 'time' ? 'start' : name === 'end' && item.unit === 'day' ? 'days' : name);
          else fill(result, h('div', { class: 'notice notice-error', role: 'alert', dataset: { code: err.code } }, text));
        }
      });
    });
    const requestForm = monthRequest(() => item);
    fill(body,
      section(t('book.what'), h('div', { class: 'book-summary', dataset: { worker: w.id, item: item.id } },
        h('div', { class: 'result-head' },
          h('span', { class: 'profile-avatar', 'aria-hidden': 'true' }, (w.masked_name || '?').slice(0, 1)),
          h('div', { class: 'result-who' },
            h('h3', { class: 'result-name' }, w.masked_name),
            h('p', { class: 'result-company' }, w.company ? w.company.name : ''))),
        facts([
          [t('book.service'), [cat ? `${catName(cat)} · ` : '', itemTitle(first)]],
          [t('book.price'), priceSlot],
          [t('workers.trades'), tradeList(w.trades)],
          [t('workers.level'), w.level ? levelName(w.level) : null],
          [t('public_worker.rating'), rating(w.rating)],
        ]),
        cItem ? field({ label: t('book.service'), control: cItem, name: 'service_item_id' }) : null,
        h('a', { href: `/workers/${w.id}` }, t('search.profile')))),
      section(t('book.details'), f, requestForm, result));
    shape();
  }

  // A month item: a request to the company — the start wanted (or the due date), months, needs,
  // a number to call → POST /api/service-requests; the company answers on its requests page.
  function monthRequest(itemOf) {
    const cFrom = input({ type: 'date', name: 'wanted_from', value: addDays(dateOf(wallNow()), 14), min: dateOf(wallNow()), required: true });
    const cDue = input({ type: 'date', name: 'due_date', min: dateOf(wallNow()) });
    const cMonths = select(MONTHS.map((x) => ({ value: x, label: t('fee.n_months', { n: x }) })), { name: 'months', value: '1' });
    const cNeeds = h('textarea', { class: 'input', name: 'needs', rows: '4', maxlength: '1000', required: true });
    const cPhone = input({ type: 'tel', name: 'contact_phone', inputmode: 'numeric', maxlength: '20', autocomplete: 'tel-national', required: true });
    const out = h('div', { class: 'request-result', 'aria-live': 'polite' });
    const rf = form({ class: 'form form-grid request-form', hidden: true },
      h('p', { class: 'notice notice-info field-wide' }, t('request.intro')),
      field({ label: t('request.wanted_from'), control: cFrom, name: 'wanted_from' }),
      field({ label: t('request.due_date'), control: cDue, name: 'due_date', optional: true, hint: t('request.due_hint') }),
      field({ label: t('request.months'), control: cMonths, name: 'months' }),
      field({ label: t('request.needs'), control: cNeeds, name: 'needs', hint: t('request.needs_hint'), wide: true }),
      field({ label: t('book.phone'), control: cPhone, name: 'contact_phone', hint: t('request.phone_hint') }),
      h('div', { class: 'form-actions' }, h('button', { type: 'submit', class: 'btn btn-primary btn-big' }, t('request.submit'))),
      out);
    rf.addEventListener('submit', async (e) => {
      e.preventDefault();
      clearErrors(rf);
      const needs = cNeeds.value.trim();
      if (needs.length < 2) return showError(rf, t('request.needs_short'), 'needs');
      const phone = cPhone.value.replace(/[\s-]/g, '');
      if (!/^1[3-9]\d{9}$/.test(phone)) return showError(rf, t('book.phone_invalid'), 'contact_phone');
      const bodyOut = { service_item_id: itemOf().id, wanted_from: cFrom.value, months: Number(cMonths.value), needs, contact_phone: phone };
      if (cDue.value) bodyOut.due_date = cDue.value;
      await busy(rf, async () => {
        try {
          await api('POST', '/api/service-requests', { body: bodyOut });
          ctx.flashNext('success', t('request.done'));
          ctx.go('/requests');
        } catch (err) {
          if (err.status === 401) return;
          showError(rf, errorText(err), fieldOf(err));
        }
      });
    });
    return rf;
  }
}
