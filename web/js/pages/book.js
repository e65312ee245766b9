// pages/book.js — #/book?worker=…&item=…&from=…&to=… (booking.create, a customer): booking one
// worker from a search result. What is booked (the worker's public profile, the company's item and
// price), when (date, start, hours: prefilled from the search's window), where (the address) and
// the household's mobile number, both kept sealed, a note → POST /api/bookings. A refusal is said in words: the worker is busy then, may
// not serve (with every reason), the start has passed, the window is wrong.
import { h, fill } from '../dom.js';
import { t } from '../i18n.js';
import { api, errorText } from '../api.js';
import { pageHead, loading, notice, field, input, select, form, clearErrors, showError, busy, section } from '../ui.js';
import { levelName, tradeList } from '../workforce.js';
import { facts } from './worker.js';
import {
  windowIso, wallParts, hoursBetween, wallNow, dateOf, addDays, fmtPrice, catName, rating, failureText, fieldOf,
  categories, itemTitle,
} from '../services.js';

const HOURS = ['1', '1.5', '2', '2.5', '3', '4', '5', '6', '8'];

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
    draw(w, item, cat, offers.length ? offers : [item]);
  })();

  function draw(w, first, cat, offers) {
    let item = first;
    const from = q.get('from');
    const p = from ? wallParts(from) : { date: addDays(dateOf(wallNow()), 1), time: '09:00' };
    const hrs = String(hoursBetween(from, q.get('to')) || 2);
    const cDate = input({ type: 'date', name: 'start', value: p.date, min: dateOf(wallNow()), required: true });
    const cTime = input({ type: 'time', name: 'time', value: p.time, step: '900', required: true });
    const cHours = select((HOURS.includes(hrs) ? HOURS : [...HOURS, hrs]).map((x) => ({ value: x, label: t('search.n_hours', { n: x }) })), { name: 'end', value: hrs });
    const cAddress = h('textarea', { class: 'input', name: 'address', rows: '3', maxlength: '200', autocomplete: 'street-address', required: true });
    const cPhone = input({ type: 'tel', name: 'contact_phone', inputmode: 'numeric', maxlength: '20', autocomplete: 'tel-national', required: true });
    const cNote = h('textarea', { class: 'input', name: 'note', rows: '3', maxlength: '500' });
    const result = h('div', { class: 'book-result', 'aria-live': 'polite' });
    const priceSlot = h('strong', { class: 'price' }, fmtPrice(item.price_fen, item.unit));
    const cItem = offers.length > 1
      ? select(offers.map((x) => ({ value: x.id, label: `${itemTitle(x)} · ${fmtPrice(x.price_fen, x.unit)}` })), { name: 'service_item_id', value: String(item.id) })
      : null;
    if (cItem) {
      cItem.addEventListener('change', () => {
        item = offers.find((x) => x.id === Number(cItem.value)) || item;
        fill(priceSlot, fmtPrice(item.price_fen, item.unit));
      });
    }
    const f = form({ class: 'form form-grid book-form' },
      cItem ? field({ label: t('book.service'), control: cItem, name: 'service_item_id', wide: true }) : null,
      field({ label: t('book.date'), control: cDate, name: 'start' }),
      field({ label: t('search.start'), control: cTime, name: 'time' }),
      field({ label: t('search.hours'), control: cHours, name: 'end' }),
      field({ label: t('book.address'), control: cAddress, name: 'address', hint: t('book.address_hint'), wide: true }),
      field({ label: t('book.phone'), control: cPhone, name: 'contact_phone', hint: t('book.phone_hint') }),
      field({ label: t('book.note'), control: cNote, name: 'note', optional: true, hint: t('book.note_hint'), wide: true }),
      h('div', { class: 'form-actions' },
        h('button', { type: 'submit', class: 'btn btn-primary btn-big' }, t('book.submit'))));
    f.addEventListener('submit', async (e) => {
      e.preventDefault();
      clearErrors(f);
      fill(result);
      const win = windowIso(cDate.value, cTime.value, cHours.value);
      if (!win) return showError(f, t('search.when_invalid'), 'start');
      const address = cAddress.value.trim();
      if (address.length < 5) return showError(f, t('book.address_short'), 'address');
      const phone = cPhone.value.replace(/[\s-]/g, '');
      if (!/^1[3-9]\d{9}$/.test(phone)) return showError(f, t('book.phone_invalid'), 'contact_phone');
      const bodyOut = { service_item_id: item.id, worker_id: w.id, start: win.from, end: win.to, address, contact_phone: phone };
      if (cNote.value.trim()) bodyOut.note = cNote.value.trim();
      await busy(f, async () => {
        try {
          const b = await api('POST', '/api/bookings', { body: bodyOut });
          ctx.flashNext('success', t('book.done', { when: `${cDate.value} ${cTime.value}` }));
          ctx.go(`/bookings/${b.id}`);
        } catch (err) {
          if (err.status === 401) return;
          const text = failureText(err, { invalid_period: 'book.invalid_period' });
          const name = fieldOf(err);
          if (typeof text === 'string') showError(f, text, name === 'time' ? 'start' : name);
          else fill(result, h('div', { class: 'notice notice-error', role: 'alert', dataset: { code: err.code } }, text));
        }
      });
    });
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
        h('a', { href: `/workers/${w.id}` }, t('search.profile')))),
      section(t('book.details'), f, result));
  }
}
