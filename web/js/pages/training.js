// pages/training.js — #/training: the courses (training.define: define one, activate or deactivate
// it) and the training sessions, newest start first (training.run: schedule one, cancel it). A
// session's enrolments, attendance and scores are on #/training/sessions/ID.
import { h, fill } from '../dom.js';
import { t, label, fmtTime } from '../i18n.js';
import { api, errorText, listAll } from '../api.js';
import {
  pageHead, loading, empty, table, pager, messages, notice, button, field, input, select, form,
  clearErrors, showError, busy, section, badge,
} from '../ui.js';
import { reference, tradeName, localToIso, checkbox, errorField, COURSE_KINDS } from '../workforce.js';

const PER_PAGE = 20;

export const courseName = (c) => (c ? `${c.code} ${c.title}` : '');
export const sessionStatus = (s) => badge(label('session_statuses', s), s === 'cancelled' ? 'muted' : s === 'completed' ? 'ok' : 'brand');

export function render(slot, ctx) {
  const define = ctx.can('training.define');
  const run = ctx.can('training.run');
  const assoc = Boolean(ctx.me.org && ctx.me.org.kind === 'association');
  const ownInstitution = Boolean(ctx.me.org && ctx.me.org.kind === 'training');
  const msg = messages();
  const courseList = h('div', { class: 'list courses-list' }, loading());
  const sessionList = h('div', { class: 'list sessions-list' }, loading());
  const state = { page: 1, course_id: '', highlight: null, courseHighlight: null };
  let courses = [];

  async function loadCourses() {
    fill(courseList, loading());
    try {
      courses = await listAll('/api/courses');
      if (!ctx.current()) return;
      fillCoursePickers();
      if (!courses.length) { fill(courseList, empty(t('courses.empty'))); return; }
      const columns = [
        { label: t('courses.code'), class: 'mono nowrap', cell: (c) => c.code },
        { label: t('courses.title'), cell: (c) => h('span', { class: 'strong' }, c.title) },
        { label: t('courses.kind'), cell: (c) => [label('course_kinds', c.kind), c.trade ? ` · ${tradeName(c.trade)}` : ''] },
        { label: t('courses.credits'), class: 'num', cell: (c) => String(c.credits) },
        { label: t('courses.pass_mark'), class: 'num', cell: (c) => String(c.pass_mark) },
        { label: t('courses.refresher'), cell: (c) => (c.refresher ? badge(t('courses.refresher_yes'), 'brand') : t('common.none')) },
        { label: t('courses.active'), cell: (c) => badge(t(c.active ? 'courses.is_active' : 'courses.is_inactive'), c.active ? 'ok' : 'muted') },
      ];
      if (define) {
        columns.push({ label: t('common.actions'), class: 'actions', cell: (c) => button(t(c.active ? 'courses.deactivate' : 'courses.activate'), {
          kind: c.active ? 'danger' : 'secondary',
          onClick: () => setActive(c, !c.active),
          attrs: { 'aria-label': t(c.active ? 'courses.deactivate_label' : 'courses.activate_label', { code: c.code }) },
        }) });
      }
      fill(courseList, table({
        caption: t('courses.title_list'), columns, rows: courses,
        rowAttrs: (c) => ({ class: c.id === state.courseHighlight ? 'row-new' : null, dataset: { course: c.id, code: c.code, kind: c.kind } }),
      }));
    } catch (err) {
      if (err.status !== 401 && ctx.current()) fill(courseList, notice('error', errorText(err)));
    }
  }

  async function setActive(c, active) {
    try {
      await api('PATCH', `/api/courses/${c.id}`, { body: { active } });
      msg.show('success', t(active ? 'courses.activated' : 'courses.deactivated', { code: c.code }));
      state.courseHighlight = c.id;
      loadCourses();
    } catch (err) {
      if (err.status !== 401) msg.show('error', errorText(err));
    }
  }

  // course form
  let coursePanel = null;
  let courseToggle = null;
  if (define) {
    const code = input({ maxlength: '20', spellcheck: 'false', autocapitalize: 'characters', class: 'input mono' });
    const title = input({ maxlength: '100' });
    const kind = select(COURSE_KINDS.map((k) => ({ value: k, label: label('course_kinds', k) })), { name: 'kind' });
    const trade = select([], { name: 'trade' });
    reference('trades').then((items) => fill(trade, items.map((i) => h('option', { value: i.code }, tradeName(i.code, i)))));
    const credits = input({ type: 'number', min: '0', max: '20', step: '1', value: '2', inputmode: 'numeric' });
    const passMark = input({ type: 'number', min: '0', max: '100', step: '1', value: '60', inputmode: 'numeric' });
    const refresher = checkbox(t('courses.refresher_hint'), { name: 'refresher' });
    const tradeField = field({ label: t('courses.trade'), control: trade, name: 'trade' });
    const syncKind = () => { tradeField.hidden = kind.value !== 'skill'; };
    kind.addEventListener('change', syncKind);
    syncKind();
    const cf = form({ class: 'form form-grid course-form' },
      field({ label: t('courses.code'), control: code, name: 'code', hint: t('courses.code_hint') }),
      field({ label: t('courses.title'), control: title, name: 'title' }),
      field({ label: t('courses.kind'), control: kind, name: 'kind' }),
      tradeField,
      field({ label: t('courses.credits'), control: credits, name: 'credits', hint: t('courses.credits_hint') }),
      field({ label: t('courses.pass_mark'), control: passMark, name: 'pass_mark', hint: t('courses.pass_mark_hint') }),
      h('div', { class: 'field field-wide', dataset: { field: 'refresher' } }, refresher),
      h('div', { class: 'form-actions' },
        h('button', { type: 'submit', class: 'btn btn-primary' }, t('courses.submit')),
        button(t('common.cancel'), { onClick: () => setCourseOpen(false) })));
    cf.addEventListener('submit', async (e) => {
      e.preventDefault();
      clearErrors(cf);
      const b = {
        code: code.value.trim().toUpperCase(), title: title.value.trim(), kind: kind.value,
        credits: Number(credits.value), pass_mark: Number(passMark.value), refresher: refresher.box.checked,
      };
      if (!b.code) return showError(cf, t('common.required'), 'code');
      if (!b.title) return showError(cf, t('common.required'), 'title');
      if (credits.value === '' || !Number.isInteger(b.credits)) return showError(cf, t('common.whole_number'), 'credits');
      if (passMark.value === '' || !Number.isInteger(b.pass_mark)) return showError(cf, t('common.whole_number'), 'pass_mark');
      if (b.kind === 'skill') b.trade = trade.value;
      await busy(cf, async () => {
        try {
          const c = await api('POST', '/api/courses', { body: b });
          cf.reset();
          syncKind();
          setCourseOpen(false);
          msg.show('success', t('courses.created', { code: c.code, title: c.title }));
          state.courseHighlight = c.id;
          loadCourses();
        } catch (err) {
          if (err.status !== 401) showError(cf, errorText(err), errorField(err));
        }
      });
    });
    coursePanel = section(t('courses.form_title'), cf);
    coursePanel.id = 'course-create';
    coursePanel.hidden = true;
    courseToggle = button(t('courses.new'), { attrs: { 'aria-expanded': 'false', 'aria-controls': 'course-create', class: 'btn btn-secondary course-new' } });
    const setCourseOpen = (open) => {
      coursePanel.hidden = !open;
      courseToggle.setAttribute('aria-expanded', String(open));
      if (open) code.focus(); else courseToggle.focus();
    };
    courseToggle.addEventListener('click', () => setCourseOpen(coursePanel.hidden));
  }

  // session form
  let sessionPanel = null;
  let sessionToggle = null;
  const sCourse = select([], { name: 'course_id' });
  const filterCourse = select([{ value: '', label: t('common.all') }], { name: 'course_id' });
  function fillCoursePickers() {
    const keep = sCourse.value;
    fill(sCourse, h('option', { value: '' }, t('tsessions.course_pick')),
      courses.filter((c) => c.active).map((c) => h('option', { value: c.id }, courseName(c))));
    if (keep) sCourse.value = keep;
    const keepF = filterCourse.value;
    fill(filterCourse, h('option', { value: '' }, t('common.all')), courses.map((c) => h('option', { value: c.id }, courseName(c))));
    filterCourse.value = keepF;
  }
  if (run) {
    const starts = input({ type: 'datetime-local', step: '60' });
    const ends = input({ type: 'datetime-local', step: '60' });
    const location = input({ maxlength: '100' });
    const capacity = input({ type: 'number', min: '1', max: '1000', step: '1', value: '30', inputmode: 'numeric' });
    const org = assoc ? select([{ value: '', label: t('tsessions.org_pick') }], { name: 'org_id' }) : null;
    if (org) {
      listAll('/api/orgs', { kind: 'training' }).then((os) => {
        org.append(...os.map((o) => h('option', { value: o.id }, o.name)));
        if (os.length === 1) org.value = String(os[0].id);
      }).catch(() => {});
    }
    const sf = form({ class: 'form form-grid session-form' },
      field({ label: t('tsessions.course'), control: sCourse, name: 'course_id', wide: true }),
      field({ label: t('tsessions.starts_at'), control: starts, name: 'starts_at', hint: t('tsessions.zone_hint') }),
      field({ label: t('tsessions.ends_at'), control: ends, name: 'ends_at' }),
      field({ label: t('tsessions.location'), control: location, name: 'location' }),
      field({ label: t('tsessions.capacity'), control: capacity, name: 'capacity' }),
      org ? field({ label: t('tsessions.org'), control: org, name: 'org_id' }) : null,
      h('div', { class: 'form-actions' },
        h('button', { type: 'submit', class: 'btn btn-primary' }, t('tsessions.submit')),
        button(t('common.cancel'), { onClick: () => setSessionOpen(false) })));
    sf.addEventListener('submit', async (e) => {
      e.preventDefault();
      clearErrors(sf);
      const b = {
        course_id: Number(sCourse.value), starts_at: localToIso(starts.value), ends_at: localToIso(ends.value),
        location: location.value.trim(), capacity: Number(capacity.value),
      };
      if (!b.course_id) return showError(sf, t('tsessions.course_required'), 'course_id');
      if (!b.starts_at) return showError(sf, t('common.required'), 'starts_at');
      if (!b.ends_at) return showError(sf, t('common.required'), 'ends_at');
      if (b.ends_at <= b.starts_at) return showError(sf, t('errors.invalid_period'), 'ends_at');
      if (!b.location) return showError(sf, t('common.required'), 'location');
      if (!Number.isInteger(b.capacity) || b.capacity < 1) return showError(sf, t('common.whole_number'), 'capacity');
      if (org) {
        b.org_id = Number(org.value);
        if (!b.org_id) return showError(sf, t('tsessions.org_required'), 'org_id');
      }
      await busy(sf, async () => {
        try {
          const s = await api('POST', '/api/training-sessions', { body: b });
          sf.reset();
          setSessionOpen(false);
          msg.show('success', [t('tsessions.created', { course: courseName(s.course), start: fmtTime(s.starts_at) }), ' ',
            h('a', { href: `#/training/sessions/${s.id}`, class: 'new-session-link' }, t('tsessions.open'))]);
          state.highlight = s.id;
          state.page = 1;
          loadSessions();
        } catch (err) {
          if (err.status !== 401) showError(sf, errorText(err), errorField(err));
        }
      });
    });
    sessionPanel = section(t('tsessions.form_title'), sf);
    sessionPanel.id = 'session-create';
    sessionPanel.hidden = true;
    sessionToggle = button(t('tsessions.new'), { kind: 'primary', attrs: { 'aria-expanded': 'false', 'aria-controls': 'session-create', class: 'btn btn-primary session-new' } });
    const setSessionOpen = (open) => {
      sessionPanel.hidden = !open;
      sessionToggle.setAttribute('aria-expanded', String(open));
      if (open) sCourse.focus(); else sessionToggle.focus();
    };
    sessionToggle.addEventListener('click', () => setSessionOpen(sessionPanel.hidden));
  }

  const filters = h('form', { class: 'filters', role: 'search', 'aria-label': t('common.filters') },
    field({ label: t('tsessions.course'), control: filterCourse }),
    h('div', { class: 'filters-actions' }, h('button', { type: 'submit', class: 'btn btn-primary' }, t('common.search'))));
  filters.addEventListener('submit', (e) => {
    e.preventDefault();
    state.course_id = filterCourse.value;
    state.page = 1;
    loadSessions();
  });

  async function cancelSession(s) {
    try {
      await api('PATCH', `/api/training-sessions/${s.id}`, { body: { status: 'cancelled' } });
      msg.show('success', t('tsessions.cancelled', { course: courseName(s.course), start: fmtTime(s.starts_at) }));
      state.highlight = s.id;
      loadSessions();
    } catch (err) {
      if (err.status !== 401) msg.show('error', errorText(err));
    }
  }

  async function loadSessions() {
    fill(sessionList, loading());
    try {
      const r = await api('GET', '/api/training-sessions', { query: { course_id: state.course_id, page: state.page, per_page: PER_PAGE } });
      if (!ctx.current()) return;
      if (!r.items.length) { fill(sessionList, empty(t('tsessions.empty'))); return; }
      const columns = [
        { label: t('tsessions.course'), cell: (s) => h('a', { href: `#/training/sessions/${s.id}`, class: 'strong session-link' }, courseName(s.course)) },
        { label: t('tsessions.starts_at'), class: 'nowrap', cell: (s) => h('time', { datetime: s.starts_at }, fmtTime(s.starts_at)) },
        { label: t('tsessions.ends_at'), class: 'nowrap', cell: (s) => h('time', { datetime: s.ends_at }, fmtTime(s.ends_at)) },
        { label: t('tsessions.location'), cell: (s) => s.location },
        { label: t('tsessions.enrolled'), class: 'nowrap', cell: (s) => `${s.enrolled ?? 0} / ${s.capacity}` },
        { label: t('tsessions.status'), cell: (s) => sessionStatus(s.status) },
      ];
      // a trainer sees only their own institution's sessions
      if (!ownInstitution) columns.splice(4, 0, { label: t('tsessions.org'), cell: (s) => (s.org ? s.org.name : t('common.none')) });
      if (run) {
        // only a session still to come can be called off
        columns.push({ label: t('common.actions'), class: 'actions', cell: (s) => (s.status === 'scheduled' && Date.parse(s.starts_at) > Date.now()
          ? button(t('tsessions.cancel'), { kind: 'danger', onClick: () => cancelSession(s), attrs: { 'aria-label': t('tsessions.cancel_label', { course: courseName(s.course), start: fmtTime(s.starts_at) }) } })
          : null) });
      }
      fill(sessionList, table({
        caption: t('tsessions.title'), columns, rows: r.items,
        rowAttrs: (s) => ({ class: s.id === state.highlight ? 'row-new' : null, dataset: { session: s.id, course: s.course ? s.course.code : '' } }),
      }), pager({ page: r.page, perPage: PER_PAGE, total: r.total, onPage: (p) => { state.page = p; loadSessions(); } }));
    } catch (err) {
      if (err.status !== 401 && ctx.current()) fill(sessionList, notice('error', errorText(err)));
    }
  }

  // who owes this quarter's refresher: for an institution, the workers it has trained
  const dueList = h('div', { class: 'list refresher-due-list' }, loading());
  const dueState = { page: 1 };
  async function loadDue() {
    try {
      const r = await api('GET', '/api/training/refresher-due', { query: { page: dueState.page, per_page: PER_PAGE } });
      if (!ctx.current()) return;
      if (!r.items.length) { fill(dueList, empty(t('refresher.empty', { quarter: r.quarter }))); return; }
      fill(dueList, h('p', { class: 'muted' }, t(ownInstitution ? 'refresher.intro_own' : 'refresher.intro_all', { quarter: r.quarter, n: r.total })), table({
        caption: t('refresher.title'),
        columns: [
          { label: t('enrol.worker'), cell: (d) => h('span', { class: 'strong' }, d.worker.name) },
          { label: t('tresults.id_masked'), class: 'mono nowrap', cell: (d) => d.worker.id_number_masked },
          { label: t('tresults.trades'), cell: (d) => (d.trades || []).map((c) => tradeName(c)).join('、') },
          { label: t('refresher.last'), class: 'nowrap', cell: (d) => d.last_refresher || t('refresher.never') },
          { label: t('refresher.status'), cell: (d) => (d.status === 'late'
            ? badge(t('refresher.late'), 'danger')
            : badge(t('refresher.due_until', { date: d.grace_until }), 'warn')) },
          { label: t('refresher.booked'), cell: (d) => (d.enrolled_session
            ? h('a', { href: `#/training/sessions/${d.enrolled_session.id}` }, fmtTime(d.enrolled_session.starts_at))
            : t('common.none')) },
        ],
        rows: r.items,
        rowAttrs: (d) => ({ dataset: { worker: d.worker.id } }),
      }), pager({ page: r.page, perPage: PER_PAGE, total: r.total, onPage: (p) => { dueState.page = p; loadDue(); } }));
    } catch (err) {
      if (err.status !== 401 && ctx.current()) fill(dueList, notice('error', errorText(err)));
    }
  }

  const ratesLink = ctx.can('training.report') ? h('a', { class: 'btn btn-secondary', href: '#/training/rates' }, t('nav.rates')) : null;
  fill(slot, h('section', { class: 'page page-training' },
    h('div', { class: 'page-head-row' }, pageHead(t('nav.training'), t('training.intro')), h('div', { class: 'head-actions' }, sessionToggle, ratesLink)),
    msg, sessionPanel,
    section(t('tsessions.title'), filters, sessionList),
    run ? section(t('refresher.title'), dueList) : null,
    coursePanel,
    h('section', { class: 'panel courses', 'aria-labelledby': 'courses-title' },
      h('div', { class: 'panel-head' }, h('h2', { class: 'panel-title', id: 'courses-title' }, t('courses.title_list')), courseToggle),
      courseList)));
  loadCourses();
  loadSessions();
  if (run) loadDue();
}
