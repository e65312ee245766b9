// desk.js — what the 24-hour service centre's pages share: the one search box for whatever a caller
// says first (their mobile number, their name, or a tracking number: POST /api/desk/search), with the
// customers it finds and their latest bookings to complain about, and the complaints; and the
// worker picker, which finds a worker by name in the registry of the company the complaint is
// about (GET /api/workers), so nobody types a worker's number.
import { h, fill, uid } from './dom.js';
import { t, label } from './i18n.js';
import { api, errorText } from './api.js';
import { notice, badge, loading } from './ui.js';
import { fmtAt, fmtWindow } from './services.js';
import { complaintBadge, clockView } from './complaint-ui.js';

// The caller search. onCustomer(customer) and onBooking(customer, booking), when given, add the
// buttons that pick them (the intake form); without them the results link to the intake (the queue).
// initial: a query to run at once; withBox false: only the customers found for it (the queue's own
// box asked, and its list shows the complaints). Returns the element; .run(q) searches again,
// .clear() takes the answer away.
export function callerSearch({ initial = '', onCustomer = null, onBooking = null, intakeLinks = false, withBox = true } = {}) {
  const id = uid('caller');
  const q = h('input', {
    type: 'search', class: 'input caller-q', name: 'caller_q', id, maxlength: '50', autocomplete: 'off',
    placeholder: t('desk.search_placeholder'), value: initial, 'aria-describedby': `${id}-hint`,
  });
  const results = h('div', { class: 'caller-results', 'aria-live': 'polite' });
  // not a form of its own: it sits inside the intake's form (Enter and the button search)
  const go = h('button', { type: 'button', class: 'btn btn-primary caller-go' }, t('desk.search_go'));
  const box = withBox
    ? h('div', { class: 'caller-search', role: 'search', 'aria-label': t('desk.search_label') },
      h('label', { class: 'field-label', for: id }, t('desk.search_label')),
      h('div', { class: 'caller-search-row' }, q, go),
      h('p', { class: 'field-hint', id: `${id}-hint` }, t('desk.search_hint')),
      results)
    : h('section', { class: 'caller-search caller-found', 'aria-label': t('queue.callers') },
      h('h2', { class: 'sub-title' }, t('queue.callers')), results);

  const customerItem = (c, asked) => h('li', { class: 'caller-customer', dataset: { customer: c.id } },
    h('div', { class: 'caller-line' },
      h('strong', { class: 'caller-name' }, c.name),
      ' ', badge(t(c.matched === 'phone' ? 'desk.matched_phone' : 'desk.matched_name'), 'brand'),
      onCustomer ? h('button', { type: 'button', class: 'btn btn-secondary btn-small pick-customer', onclick: () => onCustomer(c) }, t('desk.pick_customer')) : null,
      intakeLinks ? h('a', { class: 'btn btn-secondary btn-small', href: intakeHref(asked, c.id) }, t('desk.intake_for')) : null),
    c.bookings && c.bookings.length ? h('ul', { class: 'plain-list caller-bookings' }, c.bookings.map((b) => h('li', { class: 'caller-booking', dataset: { booking: b.id } },
      h('span', { class: 'mono muted' }, `#${b.id} `),
      `${fmtWindow(b.start, b.end)} · ${b.title || ''} · ${b.company ? b.company.name : ''}`,
      b.worker ? ` · ${b.worker.name}` : '',
      b.on_phone ? [' ', badge(t('desk.on_phone'), 'ok')] : null,
      ' ', h('span', { class: 'muted' }, label('booking_statuses', b.status)),
      onBooking ? h('button', { type: 'button', class: 'btn btn-quiet btn-small pick-booking', onclick: () => onBooking(c, b) }, t('desk.pick_booking')) : null,
      intakeLinks ? h('a', { class: 'btn btn-quiet btn-small', href: intakeHref(asked, c.id, b.id) }, t('desk.intake_booking')) : null)))
      : h('p', { class: 'muted' }, t('desk.no_bookings')));

  const complaintItem = (c) => h('li', { class: 'caller-complaint', dataset: { complaint: c.id, tracking: c.tracking_no } },
    h('a', { class: 'mono strong', href: `#/complaints/${c.id}` }, c.tracking_no), ' ', complaintBadge(c.status),
    ` ${c.company ? c.company.name : ''} · ${c.customer ? c.customer.name : (c.contact_name || t('common.none'))} · ${fmtAt(c.created_at)} `,
    clockView(c.clock));

  async function run(text) {
    const asked = String(text || '').trim();
    if (!asked) {
      fill(results);
      return;
    }
    fill(results, loading());
    box.dataset.state = 'searching';
    try {
      const r = await api('POST', '/api/desk/search', { body: { q: asked } });
      box.dataset.state = 'done';
      box.dataset.kind = r.kind;
      const complaints = withBox ? r.complaints : [];
      const none = !r.customers.length && !complaints.length;
      box.hidden = !withBox && none;
      fill(results,
        none && withBox ? h('p', { class: 'state state-empty caller-none' }, t(r.kind === 'phone' ? 'desk.none_phone' : 'desk.none')) : null,
        r.customers.length ? h('section', { class: 'caller-group' },
          h('h3', { class: 'sub-title' }, t('desk.customers', { n: r.customers.length })),
          h('ul', { class: 'plain-list caller-customers' }, r.customers.map((c) => customerItem(c, asked)))) : null,
        complaints.length ? h('section', { class: 'caller-group' },
          h('h3', { class: 'sub-title' }, t('desk.complaints', { n: complaints.length })),
          h('ul', { class: 'plain-list caller-complaints' }, complaints.map(complaintItem))) : null);
      box.found = r;
      box.dispatchEvent(new CustomEvent('found', { detail: r }));
    } catch (err) {
      box.dataset.state = 'failed';
      if (err.status !== 401) fill(results, notice('error', errorText(err)));
    }
  }
  go.addEventListener('click', () => run(q.value));
  q.addEventListener('keydown', (e) => {
    if (e.key === 'Enter') {
      e.preventDefault();
      run(q.value);
    }
  });
  box.run = run;
  box.clear = () => fill(results);
  box.input = q;
  if (!withBox) box.hidden = true;
  if (initial) run(initial);
  return box;
}

// The intake, opened for a caller found from the queue: the search again, the customer (and booking) picked.
function intakeHref(q, customer, booking) {
  const p = new URLSearchParams({ q, customer_id: String(customer) });
  if (booking) p.set('booking_id', String(booking));
  return `#/complaints/new?${p}`;
}

// The worker picker: a name typed, the company's registry searched (companyOf() gives the company
// chosen; none, and the picker waits for one). Its .control (the input) goes into a field(), then
// .attach(wrapper) puts the options and the choice after it. value() is the worker chosen, or
// null; set(w) and clear() change it; onChange(w) after each change.
export function workerPicker({ companyOf, onChange = () => {} }) {
  const id = uid('worker');
  let chosen = null;
  let seq = 0;
  let timer = null;
  const q = h('input', {
    type: 'search', class: 'input worker-q', name: 'worker_q', id, maxlength: '20', autocomplete: 'off',
    placeholder: t('desk.worker_placeholder'), role: 'combobox', 'aria-expanded': 'false',
    'aria-controls': `${id}-list`, 'aria-autocomplete': 'list',
  });
  const list = h('ul', { class: 'plain-list worker-options', id: `${id}-list`, role: 'listbox', hidden: true });
  const chip = h('div', { class: 'worker-chosen', hidden: true });
  const wrap = { control: q };
  wrap.attach = (fieldWrap) => {
    fieldWrap.classList.add('worker-picker');
    q.after(list, chip);
    return fieldWrap;
  };

  const describe = (w) => [w.name, w.sex ? label('sexes', w.sex) : null, w.age ? t('desk.age', { n: w.age }) : null,
    (w.trades || []).map((x) => label('trades', x)).join('、') || null].filter(Boolean).join(' · ');

  function show(items) {
    list.hidden = false;
    q.setAttribute('aria-expanded', 'true');
    if (!items.length) {
      fill(list, h('li', { class: 'muted worker-none' }, t('desk.worker_none')));
      return;
    }
    fill(list, items.map((w) => h('li', { role: 'option' },
      h('button', { type: 'button', class: 'worker-option', dataset: { worker: w.id }, onclick: () => set(w) }, describe(w)))));
  }

  function hide() {
    list.hidden = true;
    q.setAttribute('aria-expanded', 'false');
  }

  async function search() {
    const company = companyOf();
    const text = q.value.trim();
    const mine = ++seq;
    if (!company) {
      show([]);
      fill(list, h('li', { class: 'muted worker-none' }, t('desk.worker_company_first')));
      return;
    }
    if (!text) {
      hide();
      return;
    }
    try {
      const r = await api('GET', '/api/workers', { query: { company_id: company, q: text, per_page: 8 } });
      if (mine === seq) show(r.items || []);
    } catch (err) {
      if (mine === seq && err.status !== 401) fill(list, h('li', { class: 'field-error' }, errorText(err)));
    }
  }

  function set(w) {
    chosen = w;
    hide();
    q.value = '';
    q.hidden = Boolean(w);
    chip.hidden = !w;
    if (w) {
      fill(chip, h('span', { class: 'worker-chosen-name', dataset: { worker: w.id } }, describe(w)), ' ',
        w.fixed ? null : h('button', { type: 'button', class: 'btn btn-quiet btn-small worker-clear', 'aria-label': t('desk.worker_clear_label', { name: w.name }), onclick: () => { set(null); q.focus(); } }, t('desk.worker_clear')));
    } else {
      fill(chip);
    }
    onChange(w);
  }

  q.addEventListener('input', () => {
    clearTimeout(timer);
    timer = setTimeout(search, 250);
  });
  q.addEventListener('keydown', (e) => {
    if (e.key === 'Escape') hide();
    if (e.key === 'ArrowDown') {
      const first = list.querySelector('button');
      if (first) { e.preventDefault(); first.focus(); }
    }
    if (e.key === 'Enter') {
      e.preventDefault();
      clearTimeout(timer);
      search();
    }
  });
  list.addEventListener('keydown', (e) => {
    const items = [...list.querySelectorAll('button')];
    const i = items.indexOf(document.activeElement);
    if (e.key === 'ArrowDown' && i >= 0 && i < items.length - 1) { e.preventDefault(); items[i + 1].focus(); }
    if (e.key === 'ArrowUp') { e.preventDefault(); (i > 0 ? items[i - 1] : q).focus(); }
    if (e.key === 'Escape') { hide(); q.focus(); }
  });
  wrap.value = () => chosen;
  wrap.set = set;
  wrap.clear = () => set(null);
  wrap.refresh = () => { if (q.value.trim()) search(); };
  return wrap;
}
