// pages/my-data.js — #/me/data (everyone signed in): what Anjia holds about the one looking
// (GET /api/me/data): how much of each kind, their account, and who viewed their personal data,
// when, from which organisation, what and through what; the whole answer downloaded as a JSON file.
// A customer or a worker also asks for a correction (POST /api/me/data-requests) and follows their
// requests with their deadlines and answers; a customer closes their account with the password
// (DELETE /api/me: what goes and what stays is said first), a worker asks the association to erase
// theirs. Staff accounts are managed by their organisation.
import { h, fill } from '../dom.js';
import { t, label, fmtTime } from '../i18n.js';
import { api, errorText, download } from '../api.js';
import {
  pageHead, loading, empty, table, notice, button, field, input, select, form, clearErrors, showError,
  showApiError, busy, section, messages,
} from '../ui.js';
import { fmtAt, standards } from '../services.js';
import { viaText, whatText, outcomeText, requestState, dueText } from '../privacy.js';
import { facts } from './worker.js';

// What a person may ask to have corrected, by role.
const FIELDS = {
  customer: ['name', 'account', 'bookings', 'complaints', 'other'],
  worker: ['name', 'id_number', 'phone', 'level', 'trades', 'experience_since', 'checks', 'training',
    'certificates', 'employments', 'bookings', 'complaints', 'account', 'other'],
};
const SHOWN = 20; // rows of "who viewed" before "show all"

export function render(slot, ctx) {
  const { role } = ctx.me.user;
  const person = role === 'customer' || role === 'worker';
  const msg = messages();
  let reloadRequests = () => {};
  const body = h('div', { class: 'my-data-body' }, loading());
  const dl = button(t('mydata.download'), { kind: 'primary', attrs: { class: 'btn btn-primary data-download' } });
  dl.addEventListener('click', async () => {
    dl.disabled = true;
    try {
      await download('/api/me/data', 'anjia-data.json');
      msg.show('success', t('mydata.downloaded'));
    } catch (err) {
      if (err.status !== 401) msg.show('error', errorText(err));
    } finally {
      dl.disabled = false;
    }
  });
  fill(slot, h('section', { class: 'page page-my-data' },
    h('div', { class: 'page-head-row' }, pageHead(t('nav.my_data'), t('mydata.intro')), dl),
    msg, body));

  (async () => {
    let d;
    let std;
    try {
      [d, std] = await Promise.all([api('GET', '/api/me/data'), standards()]);
    } catch (err) {
      if (err.status !== 401 && ctx.current()) fill(body, notice('error', errorText(err)));
      return;
    }
    if (!ctx.current()) return;
    fill(body,
      heldSection(d),
      section(t('mydata.account'), accountFacts(d.account)),
      Array.isArray(d.viewed_by) ? viewedSection(d.viewed_by) : null,
      person ? requestsSection(std) : managedSection(),
      role === 'customer' ? closeSection() : null,
      role === 'worker' ? eraseSection() : null);
  })();

  // How much of each kind is held, each with where to see it.
  function heldSection(d) {
    const n = (v) => (Array.isArray(v) ? v.length : 0);
    const rows = [
      ['sessions', n(d.sessions), '#/sessions'],
      ['notices', n(d.notices), '#/notifications'],
      ['data_requests', n(d.data_requests), null],
    ];
    if (role === 'customer') rows.push(['bookings', n(d.bookings), '#/bookings'], ['complaints', n(d.complaints), '#/complaints']);
    const w = d.worker;
    if (w) {
      rows.push(['worker', 1, '#/me/worker'], ['checks', n(w.checks), null], ['training', n(w.training), null],
        ['certificates', n(w.certificates), null], ['employments', n(w.employments), null], ['conduct', n(w.conduct), null],
        ['bookings_served', n(w.bookings_served), '#/jobs'], ['record_grants', n(w.record_grants), null]);
    }
    if (d.actions) rows.push(['actions', d.actions.count ?? 0, null]);
    if (Array.isArray(d.viewed_by)) rows.push(['viewed_by', d.viewed_by.length, null]);
    return section(t('mydata.held'),
      h('p', { class: 'muted' }, t('mydata.held_intro', { at: fmtAt(d.generated_at) })),
      h('ul', { class: 'held-counts' }, rows.map(([k, count, href]) => h('li', { class: 'held', dataset: { held: k, count } },
        h('span', { class: 'held-count' }, String(count)),
        h('span', { class: 'held-name' }, href ? h('a', { href }, t(`mydata.kinds.${k}`)) : t(`mydata.kinds.${k}`))))));
  }

  function accountFacts(a) {
    return facts([
      [t('account.login'), h('span', { class: 'mono' }, a.login), 'login'],
      [t('account.name'), a.name, 'name'],
      [t('account.role'), label('roles', a.role), 'role'],
      [t('account.org'), a.org || t('common.none'), 'org'],
      [t('users.status'), label('statuses', a.status), 'status'],
      [t('common.created'), fmtAt(a.created_at), 'created'],
      [t('mydata.password_changed'), a.password_changed_at ? fmtAt(a.password_changed_at) : null, 'password_changed'],
    ]);
  }

  // 谁查看过我的个人信息: newest first, the latest SHOWN at once.
  function viewedSection(items) {
    const box = h('div', { class: 'list viewed-list' });
    const draw = (all) => {
      const rows = all ? items : items.slice(0, SHOWN);
      fill(box, items.length ? [table({
        caption: t('mydata.viewed_title'),
        columns: [
          { label: t('mydata.viewed_at'), class: 'nowrap', cell: (v) => h('time', { datetime: v.at }, fmtTime(v.at)) },
          { label: t('mydata.viewed_by'), cell: (v) => [h('span', { class: 'strong' }, v.by || t('audit.system')), v.by_role ? h('span', { class: 'muted' }, ` · ${label('roles', v.by_role)}`) : null] },
          { label: t('mydata.viewed_org'), cell: (v) => v.by_org || t('common.none') },
          { label: t('mydata.viewed_what'), cell: (v) => [whatText(v.what), v.outcome ? h('span', { class: 'muted' }, ` · ${outcomeText(v.outcome)}`) : null] },
          { label: t('mydata.viewed_via'), cell: (v) => viaText(v.via) },
        ],
        rows,
        rowAttrs: (v) => ({ dataset: { what: v.what, via: v.via || '' } }),
      }), !all && items.length > SHOWN ? button(t('mydata.show_all', { n: items.length }), { onClick: () => draw(true) }) : null]
        : empty(t('mydata.viewed_none')));
    };
    draw(false);
    // how often each organisation (or person without one) looked, most first
    const by = new Map();
    for (const v of items) {
      const k = v.by_org || v.by || t('audit.system');
      by.set(k, (by.get(k) || 0) + 1);
    }
    const summary = items.length ? h('ul', { class: 'viewed-summary' }, [...by].sort((a, b) => b[1] - a[1])
      .map(([who, n]) => h('li', { dataset: { who, count: n } }, t('mydata.viewed_times', { who, n })))) : null;
    const p = section(t('mydata.viewed_title'), h('p', { class: 'muted' }, t('mydata.viewed_intro')), summary, box);
    p.classList.add('viewed');
    return p;
  }

  // Corrections: the form, and the person's requests with their deadlines and answers.
  function requestsSection(std) {
    const list = h('div', { class: 'list my-requests' }, loading());
    const loadList = () => api('GET', '/api/me/data-requests', { query: { per_page: 100 } }).then((r) => {
      if (!ctx.current()) return;
      fill(list, r.items.length ? table({
        caption: t('mydata.requests'),
        columns: [
          { label: t('data_requests.kind'), cell: (q) => label('request_kinds', q.kind) },
          { label: t('data_requests.field'), cell: (q) => label('data_fields', q.field) },
          { label: t('data_requests.text'), cell: (q) => q.requested_text },
          { label: t('data_requests.holder'), cell: (q) => (q.holder ? q.holder.name : t('common.none')) },
          { label: t('data_requests.state'), cell: (q) => [requestState(q), ' ', dueText(q)] },
          { label: t('data_requests.answer'), cell: (q) => q.answer || h('span', { class: 'muted' }, t('data_requests.no_answer')) },
        ],
        rows: r.items,
        rowAttrs: (q) => ({ dataset: { request: q.id, status: q.status, kind: q.kind } }),
      }) : empty(t('mydata.no_requests')));
    }).catch((err) => { if (err.status !== 401) fill(list, notice('error', errorText(err))); });

    const what = select(FIELDS[role].map((f) => ({ value: f, label: label('data_fields', f) })), { name: 'field' });
    const text = h('textarea', { class: 'input', maxlength: '1000', rows: '3', name: 'requested_text' });
    const f = form({ class: 'form form-grid correction-form' },
      field({ label: t('mydata.field'), control: what, name: 'field' }),
      field({ label: t('mydata.text'), control: text, name: 'requested_text', wide: true, hint: t('mydata.text_hint') }),
      h('p', { class: 'field-wide muted' }, t(role === 'worker' ? 'mydata.holder_worker' : 'mydata.holder_customer', { days: std.data_request_days ?? 15 })),
      h('div', { class: 'form-actions' }, h('button', { type: 'submit', class: 'btn btn-primary' }, t('mydata.correct_submit'))));
    f.addEventListener('submit', async (e) => {
      e.preventDefault();
      clearErrors(f);
      const b = { field: what.value, requested_text: text.value.trim() };
      if (!b.requested_text) return showError(f, t('mydata.text_required'), 'requested_text');
      await busy(f, async () => {
        try {
          const q = await api('POST', '/api/me/data-requests', { body: b });
          f.reset();
          msg.show('success', t('mydata.correct_done', { holder: q.holder ? q.holder.name : '', due: fmtAt(q.due_at) }));
          loadList();
        } catch (err) {
          if (err.status !== 401) showApiError(f, err);
        }
      });
    });
    loadList();
    reloadRequests = loadList;
    const p = section(t('mydata.correct_title'), h('p', { class: 'muted' }, t('mydata.correct_intro')), f,
      h('h3', { class: 'sub-title' }, t('mydata.requests')), list);
    p.classList.add('corrections');
    return p;
  }

  function managedSection() {
    const p = section(t('mydata.correct_title'), notice('info', t('mydata.managed')));
    p.classList.add('corrections');
    return p;
  }

  // The password, asked again, in a form whose submit does fn(password, form).
  function passwordForm(cls, submitText, fn) {
    const pw = input({ type: 'password', maxlength: '1024', autocomplete: 'current-password', name: 'password' });
    const out = h('div', { class: 'close-result', 'aria-live': 'polite' });
    const f = form({ class: `form form-narrow ${cls}` },
      field({ label: t('mydata.password'), control: pw, name: 'password' }),
      h('div', { class: 'form-actions' }, h('button', { type: 'submit', class: 'btn btn-danger' }, submitText)),
      out);
    f.addEventListener('submit', async (e) => {
      e.preventDefault();
      clearErrors(f);
      fill(out);
      if (!pw.value) return showError(f, t('auth.password_required'), 'password');
      await busy(f, () => fn(pw.value, f, out, pw));
    });
    return f;
  }

  function closeSection() {
    const f = passwordForm('close-form', t('mydata.close_submit'), async (password, form_, out, pw) => {
      try {
        await api('DELETE', '/api/me', { body: { password } });
      } catch (err) {
        pw.value = '';
        if (err.status === 401) return;
        if (err.code === 'open_matters') {
          const b = err.body || {};
          fill(out, notice('error', [h('p', null, t('mydata.open_matters', { bookings: b.live_bookings ?? 0, complaints: b.open_complaints ?? 0 })),
            h('p', null, h('a', { href: '#/bookings' }, t('nav.bookings')), ' · ', h('a', { href: '#/complaints' }, t('nav.my_complaints')))]));
          out.dataset.bookings = String(b.live_bookings ?? 0);
          out.dataset.complaints = String(b.open_complaints ?? 0);
        } else {
          showApiError(form_, err);
        }
        return;
      }
      ctx.signedOut(t('mydata.closed'), 'success');
    });
    const p = section(t('mydata.close_title'),
      h('div', { class: 'notice notice-warning close-warning' },
        h('p', { class: 'strong' }, t('mydata.close_warning')),
        h('p', null, t('mydata.close_goes')),
        h('ul', null, ['name', 'contact', 'texts', 'notices'].map((k) => h('li', null, t(`mydata.goes.${k}`)))),
        h('p', null, t('mydata.close_stays')),
        h('ul', null, ['bookings', 'complaints', 'audit'].map((k) => h('li', null, t(`mydata.stays.${k}`)))),
        h('p', null, t('mydata.close_open'))),
      f);
    p.classList.add('close-account');
    return p;
  }

  function eraseSection() {
    const f = passwordForm('erase-form', t('mydata.erase_submit'), async (password, form_, out, pw) => {
      try {
        const r = await api('DELETE', '/api/me', { body: { password }, full: true });
        pw.value = '';
        fill(out, notice('success', t('mydata.erase_done', { due: fmtAt(r.data.due_at) })));
        reloadRequests();
      } catch (err) {
        pw.value = '';
        if (err.status === 401) return;
        if (err.code === 'erasure_pending') fill(out, notice('info', t('mydata.erase_pending')));
        else showApiError(form_, err);
      }
    });
    const p = section(t('mydata.erase_title'),
      h('div', { class: 'notice notice-warning' },
        h('p', null, t('mydata.erase_text')),
        h('ul', null, ['account', 'phone', 'consents'].map((k) => h('li', null, t(`mydata.erase_goes.${k}`)))),
        h('p', null, t('mydata.erase_stays'))),
      f);
    p.classList.add('erase-account');
    return p;
  }
}
