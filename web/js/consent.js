// consent.js — a worker's full record (checks, training, certificates, employments, conduct), which
// a customer sees only while the worker allows it. The worker's side, on their own page: the open
// requests (grant for one booking or for all of that customer's bookings, for up to the standard's
// record_grant_max_days; or decline) and the grants with their views and a withdraw button. The
// customer's side, on a booking's page: the record, or that the worker decides, with "ask to see it".
import { h, fill } from './dom.js';
import { t, label } from './i18n.js';
import { api, errorText } from './api.js';
import {
  loading, empty, table, notice, button, field, input, form, clearErrors, showError, busy, section, messages,
} from './ui.js';
import { tradeName, levelName, tradeList, colour, fmtDate } from './workforce.js';
import { fmtAt } from './services.js';
import { grantBadge } from './privacy.js';
import { facts, certBadge, checksTable, trainingTable } from './pages/worker.js';

// ---- the worker ----

// The consent section of the worker's own page; maxDays is the association's longest grant.
export function consentSection(ctx, maxDays) {
  const msg = messages();
  const asks = h('div', { class: 'consent-requests' }, loading());
  const grants = h('div', { class: 'list grants-list' }, loading());

  async function load() {
    try {
      const [rq, gr] = await Promise.all([api('GET', '/api/me/record-requests', { query: { per_page: 100 } }),
        api('GET', '/api/me/record-grants', { query: { per_page: 100 } })]);
      if (!ctx.current()) return;
      fill(asks, rq.items.length ? rq.items.map(requestCard) : h('p', { class: 'muted' }, t('consent.no_requests')));
      fill(grants, gr.items.length ? grantsTable(gr.items) : empty(t('consent.no_grants')));
    } catch (err) {
      if (err.status !== 401 && ctx.current()) fill(asks, notice('error', errorText(err)));
    }
  }

  function requestCard(q) {
    const days = input({ type: 'number', min: '1', max: String(maxDays), step: '1', inputmode: 'numeric', value: String(Math.min(30, maxDays)), name: 'days' });
    const scopes = ['booking', 'customer'].map((s) => h('label', { class: 'radio' },
      h('input', { type: 'radio', name: `scope-${q.id}`, value: s, checked: s === 'booking' }),
      h('span', null, t(`consent.scope_${s}`, { booking: q.booking_id, customer: q.customer.name }))));
    const decline = button(t('consent.decline'), { attrs: { class: 'btn btn-secondary consent-decline' } });
    const f = form({ class: 'form form-grid consent-form' },
      h('fieldset', { class: 'field field-wide radios', dataset: { field: 'scope' } },
        h('legend', { class: 'field-label' }, t('consent.scope')), h('div', { class: 'radio-list' }, scopes)),
      field({ label: t('consent.days'), control: days, name: 'days', hint: t('consent.days_hint', { max: maxDays }) }),
      h('div', { class: 'form-actions' },
        h('button', { type: 'submit', class: 'btn btn-primary consent-grant' }, t('consent.grant')), decline));
    f.addEventListener('submit', async (e) => {
      e.preventDefault();
      clearErrors(f);
      const n = Number(days.value);
      if (!Number.isInteger(n) || n < 1 || n > maxDays) return showError(f, t('common.range', { min: 1, max: maxDays }), 'days');
      const scope = f.querySelector(`input[name="scope-${q.id}"]:checked`).value;
      await busy(f, async () => {
        try {
          const g = await api('POST', '/api/me/record-grants', { body: { booking_id: q.booking_id, scope, days: n } });
          msg.show('success', t('consent.granted', { customer: q.customer.name, until: fmtAt(g.expires_at) }));
          load();
        } catch (err) {
          if (err.status !== 401) showError(f, errorText(err), err.field);
        }
      });
    });
    decline.addEventListener('click', async () => {
      await busy(f, async () => {
        try {
          await api('POST', `/api/me/record-requests/${q.id}/decline`);
          msg.show('success', t('consent.declined', { customer: q.customer.name }));
          load();
        } catch (err) {
          if (err.status !== 401) showError(f, errorText(err));
        }
      });
    });
    return h('article', { class: 'consent-request', dataset: { request: q.id, booking: q.booking_id } },
      h('p', { class: 'consent-ask' }, t('consent.asked', { customer: q.customer.name, booking: q.booking_id }),
        h('span', { class: 'muted' }, ` · ${fmtAt(q.requested_at)}`)),
      h('p', null, h('a', { href: `#/bookings/${q.booking_id}` }, t('consent.open_booking', { booking: q.booking_id }))),
      f);
  }

  function grantsTable(items) {
    return table({
      caption: t('consent.grants'),
      columns: [
        { label: t('consent.customer'), cell: (g) => g.customer.name },
        { label: t('consent.scope'), cell: (g) => t(`consent.scope_${g.scope}`, { booking: g.booking_id, customer: g.customer.name }) },
        { label: t('consent.granted_at'), class: 'nowrap', cell: (g) => fmtAt(g.granted_at) },
        { label: t('consent.until'), class: 'nowrap', cell: (g) => (g.withdrawn_at ? t('consent.withdrawn_at', { at: fmtAt(g.withdrawn_at) }) : fmtAt(g.expires_at)) },
        { label: t('consent.status'), cell: (g) => grantBadge(g.status) },
        { label: t('consent.views'), class: 'num', cell: (g) => h('span', { class: 'grant-views' }, String(g.views ?? 0)) },
        { label: t('common.actions'), class: 'actions', cell: (g) => (g.status === 'live'
          ? button(t('consent.withdraw'), { kind: 'danger', onClick: (e) => withdraw(g, e.currentTarget), attrs: { class: 'btn btn-danger grant-withdraw', 'aria-label': t('consent.withdraw_label', { customer: g.customer.name }) } })
          : null) },
      ],
      rows: items,
      rowAttrs: (g) => ({ dataset: { grant: g.id, status: g.status, views: g.views ?? 0 } }),
    });
  }

  async function withdraw(g, btn) {
    btn.disabled = true;
    try {
      await api('DELETE', `/api/me/record-grants/${g.id}`);
      msg.show('success', t('consent.withdrawn', { customer: g.customer.name }));
      load();
    } catch (err) {
      btn.disabled = false;
      if (err.status !== 401) msg.show('error', errorText(err));
    }
  }

  load();
  const p = section(t('consent.title'),
    h('p', { class: 'muted' }, t('consent.intro')), msg,
    h('h3', { class: 'sub-title' }, t('consent.requests')), asks,
    h('h3', { class: 'sub-title' }, t('consent.grants')), grants);
  p.classList.add('consent');
  return p;
}

// ---- the customer ----

// "服务人员完整档案" on a booking's page, for the booking's customer: opened on request (each view
// is counted on the worker's consent, so only a look meant counts), the record while the worker
// allows it; otherwise that the worker decides, and a button to ask.
export function recordSection(b, ctx) {
  const open = button(t('record.open'), { kind: 'secondary', attrs: { class: 'btn btn-secondary record-open' } });
  open.addEventListener('click', () => load());
  const box = h('div', { class: 'record-box' }, h('p', { class: 'muted' }, t('record.what')), h('p', null, open));
  const p = section(t('record.title'), box);
  p.classList.add('worker-record-full');

  async function load() {
    fill(box, loading());
    let r;
    try {
      r = await api('GET', `/api/workers/${b.worker.id}/record?booking_id=${b.id}`);
    } catch (err) {
      if (err.status === 401 || !ctx.current()) return;
      if (err.code === 'consent_required') { p.dataset.state = 'consent_required'; fill(box, ask()); return; }
      fill(box, notice('error', errorText(err)));
      return;
    }
    if (!ctx.current()) return;
    p.dataset.state = 'shown';
    fill(box, record(r));
  }

  function ask(asked = false) {
    const out = h('div', { class: 'record-ask', 'aria-live': 'polite' });
    const again = button(t('record.check_again'), { onClick: load, attrs: { class: 'btn btn-secondary record-again' } });
    const waiting = () => {
      p.dataset.state = 'asked';
      fill(out, notice('info', t('record.waiting')), h('p', null, again));
    };
    const btn = button(t('record.ask'), { kind: 'primary', attrs: { class: 'btn btn-primary record-ask-btn' } });
    btn.addEventListener('click', async () => {
      btn.disabled = true;
      try {
        await api('POST', `/api/bookings/${b.id}/record-request`);
        waiting();
      } catch (err) {
        btn.disabled = false;
        if (err.status === 401) return;
        if (err.code === 'request_pending') waiting();
        else if (err.code === 'already_granted') load();
        else fill(out, notice('error', errorText(err)));
      }
    });
    fill(out, h('p', null, btn));
    if (asked) waiting();
    return [h('p', null, t('record.consent_needed')), h('p', { class: 'muted' }, t('record.what')), out];
  }

  function record(w) {
    const list = (v) => (Array.isArray(v) ? v : []);
    const checks = list(w.checks);
    const training = list(w.training);
    const certs = list(w.certificates);
    const jobs = list(w.employments);
    const conduct = list(w.conduct);
    return [
      h('p', { class: 'muted' }, t('record.shown_with_consent')),
      facts([
        [t('workers.name'), w.name, 'name'],
        [t('workers.id_number'), h('span', { class: 'mono' }, w.id_number_masked), 'id_number'],
        [t('worker.age'), w.age === null || w.age === undefined ? null : t('worker.age_years', { n: w.age }), 'age'],
        [t('worker.sex'), w.sex ? label('sexes', w.sex) : null, 'sex'],
        [t('workers.trades'), tradeList(w.trades), 'trades'],
        [t('workers.level'), levelName(w.level), 'level'],
        [t('workers.company'), w.company ? w.company.name : t('worker.no_company'), 'company'],
        [t('workers.status'), colour(w.eligibility ? w.eligibility.status : null), 'status'],
      ], 'record-facts'),
      h('h3', { class: 'sub-title' }, t('checks.title')),
      checks.length ? checksTable(checks, { brief: true }) : empty(t('checks.empty')),
      h('h3', { class: 'sub-title' }, t('record.training')),
      training.length ? trainingTable(training) : empty(t('my_worker.no_training')),
      h('h3', { class: 'sub-title' }, t('certs.title')),
      certs.length ? table({
        caption: t('certs.title'),
        columns: [
          { label: t('certs.serial'), class: 'nowrap', cell: (c) => h('a', { class: 'mono', href: `/verify/${encodeURIComponent(c.serial)}`, target: '_blank', rel: 'noopener' }, c.serial) },
          { label: t('certs.trade'), cell: (c) => tradeName(c.trade) },
          { label: t('certs.level'), cell: (c) => levelName(c.level) },
          { label: t('certs.validity'), class: 'nowrap', cell: (c) => `${fmtDate(c.valid_from)} – ${fmtDate(c.valid_until)}` },
          { label: t('certs.status'), cell: (c) => certBadge(c.status) },
        ],
        rows: certs,
        rowAttrs: (c) => ({ dataset: { serial: c.serial, status: c.status } }),
      }) : empty(t('certs.empty')),
      h('h3', { class: 'sub-title' }, t('employment.title')),
      jobs.length ? table({
        caption: t('employment.title'),
        columns: [
          { label: t('employment.company'), cell: (e) => (e.company ? (e.company.name || e.company) : t('common.none')) },
          { label: t('employment.started_on'), class: 'nowrap', cell: (e) => fmtDate(e.started_on) },
          { label: t('employment.ended_on'), class: 'nowrap', cell: (e) => (e.ended_on ? fmtDate(e.ended_on) : t('employment.current')) },
        ],
        rows: jobs,
      }) : empty(t('employment.empty')),
      h('h3', { class: 'sub-title' }, t('record.conduct')),
      conduct.length ? h('ul', { class: 'plain-list conduct-list' }, conduct.map((c) => h('li', { dataset: { kind: c.kind } },
        h('span', { class: 'badge badge-danger' }, label('conduct_kinds', c.kind)), ' ',
        h('span', { class: 'muted' }, fmtAt(c.at))))) : h('p', { class: 'muted conduct-none' }, t('record.no_conduct')),
    ];
  }

  p.dataset.state = 'closed';
  return p;
}
