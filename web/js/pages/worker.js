// pages/worker.js — #/workers/ID (worker.read): one worker's private record. "May serve now" for
// each of their trades with every reason; checks (check.record: record one); training in brief;
// certificates (cert.manage: issue, renew, revoke); employment history; with worker.manage editing
// and "leaves our company"; with worker.revoke revoking the person and suspending them.
import { h, fill } from '../dom.js';
import { t, label, fmtTime } from '../i18n.js';
import { api, errorText } from '../api.js';
import {
  pageHead, loading, empty, table, messages, notice, button, field, input, select, form,
  clearErrors, showError, busy, section, badge,
} from '../ui.js';
import {
  reference, tradeName, levelName, tradeList, colour, fmtDate, today, choices, reasonList, fmtDetail,
  errorField, CHECK_KINDS,
} from '../workforce.js';
import { lapsingList, workerErrorText } from './workers.js';

// Facts as a definition list; pairs whose value is null are left out.
export function facts(pairs, cls) {
  return h('dl', { class: ['facts', cls] }, pairs.filter(([, v]) => v !== null && v !== undefined && v !== '')
    .map(([k, v, key]) => [h('dt', null, k), h('dd', key ? { dataset: { fact: key } } : null, v)]));
}

const CERT_BADGE = { valid: 'ok', expired: 'warn', revoked: 'danger', renewed: 'muted' };
export const certBadge = (s) => h('span', { class: `badge badge-${CERT_BADGE[s] || 'neutral'} cert-status`, dataset: { status: s } }, label('cert_statuses', s));
export const checkResult = (r) => badge(label('check_results', r), r === 'pass' ? 'ok' : 'danger');

// The reasons of a refused certificate (422 requirements_unmet), wherever the answer puts them.
export function unmetReasons(err) {
  const b = (err && err.body) || {};
  const list = (b.error && b.error.reasons) || b.reasons || [];
  return Array.isArray(list) ? list : [];
}

// A failed write in words: the code's text, its detail (credits have/need), its reasons.
export function failure(err) {
  let text = errorText(err);
  if (err && err.detail !== null && err.detail !== undefined && err.code !== 'person_revoked') {
    const d = fmtDetail(err.detail);
    if (d) text = t('eligibility.with_detail', { text, detail: d });
  }
  const reasons = unmetReasons(err);
  return reasons.length ? [h('p', null, text), reasonList(reasons)] : text;
}

// The checks of a worker, newest first. brief: as a customer's view of the full record gives them
// (no reference or note; the organisation that recorded each).
export function checksTable(items, { brief = false } = {}) {
  const columns = [
    { label: t('checks.kind'), cell: (c) => label('check_kinds', c.kind) },
    { label: t('checks.result'), cell: (c) => checkResult(c.result) },
    { label: t('checks.checked_on'), class: 'nowrap', cell: (c) => fmtDate(c.checked_on) },
    { label: t('checks.valid_until'), class: 'nowrap', cell: (c) => (c.valid_until ? fmtDate(c.valid_until) : t('checks.no_lapse')) },
  ];
  if (brief) columns.push({ label: t('record.recorded_by'), cell: (c) => c.recorded_by_org || t('common.none') });
  else {
    columns.push(
      { label: t('checks.reference'), cell: (c) => c.reference || t('common.none') },
      { label: t('checks.by'), cell: (c) => [c.recorded_by ? c.recorded_by.name : '', c.org ? h('span', { class: 'muted' }, ` · ${c.org.name}`) : null] },
      { label: t('checks.note'), cell: (c) => c.note || t('common.none') },
    );
  }
  return table({
    caption: t('checks.title'),
    columns,
    rows: items,
    rowAttrs: (c) => ({ dataset: { kind: c.kind, result: c.result } }),
  });
}

// A worker's enrolments (GET /api/workers/{id}/training, GET /api/me/worker's "training").
export function trainingTable(items) {
  const course = (e) => e.course || (e.session && e.session.course) || null;
  const when = (e) => (e.session && e.session.starts_at) || e.starts_at || e.recorded_at || '';
  return table({
    caption: t('my_worker.training'),
    columns: [
      { label: t('tsessions.course'), cell: (e) => { const c = course(e); return c ? `${c.code || ''} ${c.title || ''}`.trim() : t('common.none'); } },
      { label: t('tsessions.starts_at'), class: 'nowrap', cell: (e) => fmtTime(when(e)) || t('common.none') },
      { label: t('enrol.attended'), cell: (e) => (e.attended ? t('common.yes') : t('common.no')) },
      { label: t('enrol.score'), cell: (e) => (e.score === null || e.score === undefined ? t('common.none') : String(e.score)) },
      { label: t('enrol.result'), cell: (e) => (e.score === null || e.score === undefined ? h('span', { class: 'muted' }, t('enrol.not_scored'))
        : badge(t(e.passed ? 'enrol.passed' : 'enrol.failed'), e.passed ? 'ok' : 'danger')) },
      { label: t('enrol.credits'), cell: (e) => String(e.passed ? (e.credits ?? 0) : 0) },
    ],
    rows: items,
    rowAttrs: (e) => ({ dataset: { course: (course(e) || {}).code || '', passed: String(Boolean(e.passed)) } }),
  });
}

export function render(slot, ctx) {
  const id = Number(ctx.params.id);
  const { me } = ctx;
  const msg = messages();
  const body = h('div', { class: 'worker-body' }, loading());
  const head = h('div', { class: 'worker-head' });
  fill(slot, h('section', { class: 'page page-worker', dataset: { worker: id } },
    h('p', { class: 'back' }, h('a', { href: '#/workers' }, t('worker.back'))), head, msg, body));

  async function load() {
    let w;
    try {
      w = await api('GET', `/api/workers/${id}`);
    } catch (err) {
      if (err.status === 401 || !ctx.current()) return;
      fill(head, pageHead(t('nav.worker')));
      fill(body, notice('error', err.status === 404 ? t('worker.not_found') : errorText(err)));
      return;
    }
    if (!ctx.current()) return;
    draw(w);
  }

  function reload(kind, text) {
    if (text) msg.show(kind, text);
    load();
  }

  function draw(w) {
    const overall = w.eligibility ? w.eligibility.status : null;
    fill(head, h('div', { class: 'page-head-row' },
      h('header', { class: 'page-head' },
        h('h1', { class: 'page-title', tabindex: '-1' }, w.name, ' ', colour(overall)),
        h('p', { class: 'page-intro' }, h('span', { class: 'mono' }, w.id_number_masked), ' · ',
          w.company ? w.company.name : t('worker.no_company'),
          w.status === 'revoked' ? [' · ', badge(label('person_statuses', 'revoked'), 'danger')] : null)),
      h('a', { class: 'btn btn-secondary public-profile-link', href: `/workers/${w.id}`, target: '_blank', rel: 'noopener' }, t('worker.public_profile'))));
    const suspended = w.suspended_until && fmtDate(w.suspended_until) >= today();
    const rec = section(t('worker.record'), facts([
      [t('workers.name'), w.name, 'name'],
      [t('workers.id_number'), h('span', { class: 'mono' }, w.id_number_masked), 'id_number'],
      // a company sees the age; the birth date only the association (and the worker themself)
      [t('worker.age'), w.age === null || w.age === undefined ? null : t('worker.age_years', { n: w.age }), 'age'],
      [t('worker.birth_date'), w.birth_date ? fmtDate(w.birth_date) : null, 'birth_date'],
      [t('worker.sex'), w.sex ? label('sexes', w.sex) : null, 'sex'],
      [t('workers.phone'), w.phone ? h('span', { class: 'mono' }, w.phone) : null, 'phone'],
      [t('workers.trades'), tradeList(w.trades), 'trades'],
      [t('workers.level'), levelName(w.level), 'level'],
      [t('workers.company'), w.company ? w.company.name : t('worker.no_company'), 'company'],
      [t('worker.employed_since'), fmtDate(w.employed_since) || null, 'employed_since'],
      [t('workers.experience_since'), w.experience_since ? t('worker.experience', { since: fmtDate(w.experience_since), years: w.years_of_experience ?? 0 }) : null, 'experience'],
      [t('workers.photo_ref'), w.photo_ref || null, 'photo_ref'],
      [t('worker.person_status'), w.status === 'revoked'
        ? [badge(label('person_statuses', 'revoked'), 'danger'), ' ', w.revoked_reason || '']
        : label('person_statuses', w.status || 'active'), 'status'],
      [t('worker.suspension'), w.suspended_until
        ? t('worker.suspended_until', { date: fmtDate(w.suspended_until), reason: w.suspension_reason || '' }) : null, 'suspension'],
      [t('workers.lapsing'), lapsingList(w.lapsing), 'lapsing'],
    ]));
    rec.classList.add('worker-record');

    const elig = h('div', { class: 'elig-grid' }, (w.trades || []).map((tr) => eligibilityCard(w, tr)));
    const eligPanel = section(t('worker.eligibility'), h('p', { class: 'muted' }, t('worker.eligibility_intro')),
      (w.trades || []).length ? elig : empty(t('worker.no_trades')));
    eligPanel.classList.add('eligibility');

    fill(body,
      h('div', { class: 'columns' }, eligPanel, rec),
      checksPanel(w),
      certsPanel(w),
      trainingPanel(w),
      employmentPanel(w),
      ctx.can('worker.manage') && w.company ? managePanel(w) : null,
      ctx.can('worker.revoke') ? revokePanel(w, suspended) : null);
  }

  function eligibilityCard(w, trade) {
    const card = h('article', { class: 'elig-card', dataset: { trade } },
      h('h3', { class: 'elig-title' }, tradeName(trade)), loading());
    api('GET', `/api/workers/${w.id}/eligibility`, { query: { trade } }).then((r) => {
      card.dataset.status = r.status;
      card.classList.add(`elig-${r.status}`);
      fill(card,
        h('h3', { class: 'elig-title' }, tradeName(trade), ' ', colour(r.status)),
        r.status === 'yellow' ? h('p', { class: 'elig-verdict' }, t('worker.may_serve_attention')) : null,
        r.reasons && r.reasons.length ? reasonList(r.reasons) : h('p', { class: 'muted' }, t('worker.no_reasons')));
    }).catch((err) => {
      if (err.status !== 401) fill(card, h('h3', { class: 'elig-title' }, tradeName(trade)), notice('error', errorText(err)));
    });
    return card;
  }

  function checksPanel(w) {
    const list = h('div', { class: 'list checks-list' }, loading());
    api('GET', `/api/workers/${w.id}/checks`).then((r) => {
      fill(list, r.items.length ? checksTable(r.items) : empty(t('checks.empty')));
    }).catch((err) => { if (err.status !== 401) fill(list, notice('error', errorText(err))); });
    let f = null;
    if (ctx.can('check.record') && w.status !== 'revoked') {
      // company staff record identity, health and insurance; the background check needs an admin
      const kinds = me.user.role === 'company_staff' ? CHECK_KINDS.filter((k) => k !== 'background') : CHECK_KINDS;
      const kind = select(kinds.map((k) => ({ value: k, label: label('check_kinds', k) })), { name: 'kind' });
      const result = select(['pass', 'fail'].map((r) => ({ value: r, label: label('check_results', r) })), { name: 'result' });
      const checkedOn = input({ type: 'date', value: today(), max: today() });
      const validUntil = input({ type: 'date' });
      const reference = input({ maxlength: '100', autocomplete: 'off' });
      const note = h('textarea', { class: 'input', maxlength: '500', rows: '2' });
      const untilField = field({ label: t('checks.valid_until'), control: validUntil, name: 'valid_until', optional: true, hint: t('checks.valid_until_hint') });
      const sync = () => {
        untilField.hidden = kind.value === 'identity';
        untilField.querySelector('.field-optional').hidden = kind.value === 'insurance';
      };
      kind.addEventListener('change', sync);
      f = form({ class: 'form form-grid check-form' },
        field({ label: t('checks.kind'), control: kind, name: 'kind' }),
        field({ label: t('checks.result'), control: result, name: 'result' }),
        field({ label: t('checks.checked_on'), control: checkedOn, name: 'checked_on' }),
        untilField,
        field({ label: t('checks.reference'), control: reference, name: 'reference', optional: true }),
        field({ label: t('checks.note'), control: note, name: 'note', optional: true, wide: true }),
        h('div', { class: 'form-actions' }, h('button', { type: 'submit', class: 'btn btn-primary' }, t('checks.submit'))));
      sync();
      f.addEventListener('submit', async (e) => {
        e.preventDefault();
        clearErrors(f);
        const b = { kind: kind.value, result: result.value, checked_on: checkedOn.value };
        if (!b.checked_on) return showError(f, t('common.required'), 'checked_on');
        if (b.kind !== 'identity' && validUntil.value) b.valid_until = validUntil.value;
        if (b.kind === 'insurance' && !b.valid_until) return showError(f, t('checks.insurance_until'), 'valid_until');
        if (reference.value.trim()) b.reference = reference.value.trim();
        if (note.value.trim()) b.note = note.value.trim();
        await busy(f, async () => {
          try {
            const c = await api('POST', `/api/workers/${w.id}/checks`, { body: b });
            reload('success', t('checks.recorded', { kind: label('check_kinds', c.kind), result: label('check_results', c.result) }));
          } catch (err) {
            if (err.status !== 401) showError(f, errorText(err), errorField(err));
          }
        });
      });
    }
    const p = section(t('checks.title'), list, f ? h('h3', { class: 'sub-title' }, t('checks.form_title')) : null, f);
    p.classList.add('checks');
    return p;
  }

  function certsPanel(w) {
    const list = h('div', { class: 'list certs-list' }, loading());
    const manage = ctx.can('cert.manage');
    const rowSlot = h('div', { class: 'edit-slot' });
    const loadCerts = () => api('GET', '/api/certificates', { query: { worker_id: w.id, per_page: 100 } }).then((r) => {
      if (!r.items.length) { fill(list, empty(t('certs.empty'))); return; }
      const columns = [
        { label: t('certs.serial'), class: 'nowrap', cell: (c) => h('a', { class: 'mono', href: `/verify/${encodeURIComponent(c.serial)}`, target: '_blank', rel: 'noopener' }, c.serial) },
        { label: t('certs.trade'), cell: (c) => tradeName(c.trade) },
        { label: t('certs.level'), cell: (c) => levelName(c.level) },
        { label: t('certs.validity'), class: 'nowrap', cell: (c) => `${fmtDate(c.valid_from)} – ${fmtDate(c.valid_until)}` },
        { label: t('certs.status'), cell: (c) => [certBadge(c.status), c.revoked_reason ? h('span', { class: 'muted' }, ` ${c.revoked_reason}`) : null] },
        { label: t('certs.qr'), cell: (c) => h('a', { href: `/api/certificates/${c.id}/qr.svg`, target: '_blank', rel: 'noopener' }, t('certs.qr_open')) },
      ];
      if (manage) {
        columns.push({ label: t('common.actions'), class: 'actions', cell: (c) => h('div', { class: 'row-actions' },
          c.status === 'valid' || c.status === 'expired' ? button(t('certs.renew'), { onClick: (e) => renew(c, e.currentTarget), attrs: { 'aria-label': t('certs.renew_label', { serial: c.serial }) } }) : null,
          c.status === 'valid' ? button(t('certs.revoke'), { kind: 'danger', onClick: () => revokeCert(c), attrs: { 'aria-label': t('certs.revoke_label', { serial: c.serial }) } }) : null) });
      }
      fill(list, table({ caption: t('certs.title'), columns, rows: r.items, rowAttrs: (c) => ({ dataset: { cert: c.id, serial: c.serial, status: c.status } }) }));
    }).catch((err) => { if (err.status !== 401) fill(list, notice('error', errorText(err))); });
    loadCerts();

    async function renew(c, btn) {
      btn.disabled = true;
      try {
        const n = await api('POST', `/api/certificates/${c.id}/renew`, { body: {} });
        reload('success', t('certs.renewed', { old: c.serial, serial: n.serial, until: fmtDate(n.valid_until) }));
      } catch (err) {
        btn.disabled = false;
        if (err.status !== 401) msg.show('error', failure(err));
      }
    }

    function revokeCert(c) {
      const reason = input({ maxlength: '200', autocomplete: 'off' });
      const rf = form({ class: 'form form-grid cert-revoke-form' },
        field({ label: t('certs.revoke_reason'), control: reason, name: 'reason', wide: true }),
        h('div', { class: 'form-actions' },
          h('button', { type: 'submit', class: 'btn btn-danger' }, t('certs.revoke_submit')),
          button(t('common.cancel'), { onClick: () => fill(rowSlot) })));
      rf.addEventListener('submit', async (e) => {
        e.preventDefault();
        clearErrors(rf);
        if (reason.value.trim().length < 2) return showError(rf, t('common.reason_required'), 'reason');
        await busy(rf, async () => {
          try {
            await api('POST', `/api/certificates/${c.id}/revoke`, { body: { reason: reason.value.trim() } });
            reload('success', t('certs.revoked', { serial: c.serial }));
          } catch (err) {
            if (err.status !== 401) showError(rf, errorText(err), err.field);
          }
        });
      });
      const p = section(t('certs.revoke_title', { serial: c.serial }), rf);
      p.classList.add('panel-edit');
      fill(rowSlot, p);
      reason.focus();
    }

    let issue = null;
    if (manage && w.status !== 'revoked') {
      const trade = select((w.trades || []).map((tr) => ({ value: tr, label: tradeName(tr) })), { name: 'trade' });
      const level = select([], { name: 'level' });
      // the form can be sent once the levels are there to choose from
      const send = h('button', { type: 'submit', class: 'btn btn-primary', disabled: true }, t('certs.issue_submit'));
      reference('levels').then((items) => {
        fill(level, items.map((i) => h('option', { value: i.code }, levelName(i.code, i))));
        level.value = w.level;
        send.disabled = false;
      });
      const out = h('div', { class: 'issue-result', 'aria-live': 'polite' });
      issue = form({ class: 'form form-grid cert-issue-form' },
        field({ label: t('certs.trade'), control: trade, name: 'trade' }),
        field({ label: t('certs.level'), control: level, name: 'level' }),
        h('div', { class: 'form-actions' }, send),
        out);
      issue.addEventListener('submit', async (e) => {
        e.preventDefault();
        clearErrors(issue);
        fill(out);
        await busy(issue, async () => {
          try {
            const c = await api('POST', '/api/certificates', { body: { worker_id: w.id, trade: trade.value, level: level.value } });
            reload('success', t('certs.issued', { serial: c.serial, until: fmtDate(c.valid_until) }));
          } catch (err) {
            if (err.status === 401) return;
            const reasons = unmetReasons(err);
            if (reasons.length) fill(out, notice('error', [h('p', null, errorText(err)), reasonList(reasons)]));
            else showError(issue, errorText(err), err.field);
          }
        });
      });
    }
    const p = section(t('certs.title'), list, rowSlot,
      issue ? h('h3', { class: 'sub-title' }, t('certs.issue_title')) : null, issue);
    p.classList.add('certs');
    return p;
  }

  function trainingPanel(w) {
    const box = h('div', { class: 'training-summary' }, loading());
    api('GET', `/api/public/workers/${w.id}`).then((p) => {
      const tr = p.training || {};
      fill(box, facts([
        [t('training_summary.courses_passed'), String(tr.courses_passed ?? 0), 'courses_passed'],
        [t('training_summary.credits_12_months'), String(tr.credits_12_months ?? 0), 'credits'],
        [t('training_summary.last_refresher'), tr.last_refresher || t('training_summary.never'), 'last_refresher'],
        [t('training_summary.safety_training'), tr.safety_training ? badge(t('common.yes'), 'ok') : badge(t('common.no'), 'danger'), 'safety'],
      ]));
    }).catch((err) => { if (err.status !== 401) fill(box, notice('error', errorText(err))); });
    // every enrolment (GET /api/workers/{id}/training); the summary above is the public view's
    const list = h('div', { class: 'list training-list' }, loading());
    api('GET', `/api/workers/${w.id}/training`).then((r) => {
      const items = Array.isArray(r) ? r : (r.items || []);
      fill(list, items.length ? trainingTable(items) : empty(t('my_worker.no_training')));
    }).catch((err) => { if (err.status !== 401) fill(list); });
    const p = section(t('training_summary.title'), box, list);
    p.classList.add('training');
    return p;
  }

  function employmentPanel(w) {
    const list = h('div', { class: 'list employment-list' }, loading());
    api('GET', `/api/workers/${w.id}/employments`).then((r) => {
      fill(list, r.items.length ? table({
        caption: t('employment.title'),
        columns: [
          { label: t('employment.company'), cell: (e) => (e.company ? e.company.name : t('common.none')) },
          { label: t('employment.started_on'), class: 'nowrap', cell: (e) => fmtDate(e.started_on) },
          { label: t('employment.ended_on'), class: 'nowrap', cell: (e) => (e.ended_on ? fmtDate(e.ended_on) : badge(t('employment.current'), 'brand')) },
          { label: t('employment.end_reason'), cell: (e) => (e.end_reason ? label('employment.reasons', e.end_reason) : t('common.none')) },
        ],
        rows: r.items,
      }) : empty(t('employment.empty')));
    }).catch((err) => { if (err.status !== 401) fill(list, notice('error', errorText(err))); });
    return section(t('employment.title'), list);
  }

  function managePanel(w) {
    const phone = input({ type: 'tel', maxlength: '11', value: w.phone || '', inputmode: 'numeric', class: 'input mono' });
    const level = select([], { name: 'level' });
    const tradeSlot = h('div', { class: 'field-wide' });
    let trades = null;
    reference('trades').then((items) => {
      trades = choices({ legend: t('workers.trades'), name: 'trades', options: items.map((i) => ({ value: i.code, label: tradeName(i.code, i) })), values: w.trades || [] });
      fill(tradeSlot, trades);
    });
    reference('levels').then((items) => {
      fill(level, items.map((i) => h('option', { value: i.code }, levelName(i.code, i))));
      level.value = w.level;
    });
    const ef = form({ class: 'form form-grid worker-edit-form' },
      field({ label: t('workers.phone'), control: phone, name: 'phone' }),
      field({ label: t('workers.level'), control: level, name: 'level' }),
      tradeSlot,
      h('div', { class: 'form-actions' }, h('button', { type: 'submit', class: 'btn btn-primary' }, t('common.save'))));
    ef.addEventListener('submit', async (e) => {
      e.preventDefault();
      clearErrors(ef);
      const b = {};
      if (phone.value.trim() !== (w.phone || '')) b.phone = phone.value.trim();
      if (level.value && level.value !== w.level) b.level = level.value;
      const tv = trades ? trades.values() : w.trades;
      if (!tv.length) return showError(ef, t('workers.trades_required'), 'trades');
      if ([...tv].sort().join() !== [...(w.trades || [])].sort().join()) b.trades = tv;
      if (!Object.keys(b).length) return showError(ef, t('common.unchanged'));
      await busy(ef, async () => {
        try {
          await api('PATCH', `/api/workers/${w.id}`, { body: b });
          reload('success', t('worker.saved', { name: w.name }));
        } catch (err) {
          if (err.status !== 401) showError(ef, workerErrorText(err), errorField(err));
        }
      });
    });

    const reason = input({ maxlength: '200', autocomplete: 'off' });
    const lf = form({ class: 'form form-grid leave-form' },
      h('p', { class: 'field-wide muted' }, t('worker.leave_text', { company: w.company.name })),
      field({ label: t('worker.leave_reason'), control: reason, name: 'reason', optional: true, wide: true }),
      h('div', { class: 'form-actions' }, h('button', { type: 'submit', class: 'btn btn-danger' }, t('worker.leave_submit'))));
    lf.addEventListener('submit', async (e) => {
      e.preventDefault();
      clearErrors(lf);
      const b = reason.value.trim() ? { reason: reason.value.trim() } : {};
      await busy(lf, async () => {
        try {
          await api('POST', `/api/workers/${w.id}/leave`, { body: b });
          ctx.flashNext('success', t('worker.left', { name: w.name }));
          ctx.go('/workers');
        } catch (err) {
          if (err.status !== 401) showError(lf, errorText(err), err.field);
        }
      });
    });
    const p = section(t('worker.manage_title'), h('h3', { class: 'sub-title' }, t('worker.edit_title')), ef,
      h('h3', { class: 'sub-title' }, t('worker.leave_title')), lf);
    p.classList.add('worker-manage');
    return p;
  }

  function revokePanel(w, suspended) {
    const parts = [];
    if (w.status !== 'revoked') {
      const until = input({ type: 'date', min: today() });
      const sReason = input({ maxlength: '200', autocomplete: 'off' });
      const sf = form({ class: 'form form-grid suspend-form' },
        field({ label: t('worker.suspend_until'), control: until, name: 'until' }),
        field({ label: t('worker.suspend_reason'), control: sReason, name: 'reason' }),
        h('div', { class: 'form-actions' },
          h('button', { type: 'submit', class: 'btn btn-danger' }, t('worker.suspend_submit')),
          suspended ? button(t('worker.lift'), { onClick: lift, attrs: { class: 'btn btn-secondary lift-suspension' } }) : null));
      sf.addEventListener('submit', async (e) => {
        e.preventDefault();
        clearErrors(sf);
        if (!until.value) return showError(sf, t('common.required'), 'until');
        if (sReason.value.trim().length < 2) return showError(sf, t('common.reason_required'), 'reason');
        await busy(sf, async () => {
          try {
            await api('POST', `/api/workers/${w.id}/suspension`, { body: { until: until.value, reason: sReason.value.trim() } });
            reload('success', t('worker.suspended', { name: w.name, date: until.value }));
          } catch (err) {
            if (err.status !== 401) showError(sf, errorText(err), err.field);
          }
        });
      });
      async function lift() {
        try {
          await api('DELETE', `/api/workers/${w.id}/suspension`);
          reload('success', t('worker.lifted', { name: w.name }));
        } catch (err) {
          if (err.status !== 401) msg.show('error', errorText(err));
        }
      }
      const rReason = input({ maxlength: '200', autocomplete: 'off' });
      const rf = form({ class: 'form form-grid person-revoke-form' },
        h('p', { class: 'field-wide notice notice-warning' }, t('worker.revoke_text')),
        field({ label: t('worker.revoke_reason'), control: rReason, name: 'reason', wide: true }),
        h('div', { class: 'form-actions' }, h('button', { type: 'submit', class: 'btn btn-danger' }, t('worker.revoke_submit'))));
      rf.addEventListener('submit', async (e) => {
        e.preventDefault();
        clearErrors(rf);
        if (rReason.value.trim().length < 2) return showError(rf, t('common.reason_required'), 'reason');
        await busy(rf, async () => {
          try {
            await api('POST', `/api/workers/${w.id}/revoke`, { body: { reason: rReason.value.trim() } });
            reload('success', t('worker.revoked', { name: w.name }));
          } catch (err) {
            if (err.status !== 401) showError(rf, errorText(err), err.field);
          }
        });
      });
      parts.push(h('h3', { class: 'sub-title' }, t('worker.suspend_title')),
        suspended ? notice('warning', t('worker.suspended_until', { date: fmtDate(w.suspended_until), reason: w.suspension_reason || '' })) : null,
        sf, h('h3', { class: 'sub-title' }, t('worker.revoke_title')), rf);
    } else {
      parts.push(notice('error', t('worker.is_revoked', { reason: w.revoked_reason || '' })));
    }
    const p = section(t('worker.sanctions_title'), ...parts);
    p.classList.add('worker-sanctions');
    return p;
  }

  load();
}
