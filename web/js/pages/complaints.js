// pages/complaints.js — #/complaints: a customer's own complaints, newest first; for those who
// handle them (the service centre, a company for its own, the association) the queue as the API
// orders it — clocks run out first, then by the time left — with open / escalated / all views,
// and for the service centre and the association the complaints about no booking still to verify.
// Each row: tracking number, category, company, status and the running clock (it ticks). Those who
// handle them search the queue by tracking number, telephone (the caller's or the household's),
// a name or the company's name, and pick a company; the service centre's search also finds the
// callers themselves (desk.js), to take a complaint for one of them.
import { h, fill } from '../dom.js';
import { t, label } from '../i18n.js';
import { api, errorText, listAll } from '../api.js';
import { pageHead, loading, notice, table, pager, field, select, badge, input, button } from '../ui.js';
import { fmtAt } from '../services.js';
import { complaintBadge, verificationBadge, clockView, clockState, OPEN } from '../complaint-ui.js';
import { callerSearch } from '../desk.js';

const PER_PAGE = 20;
const VIEWS = ['open', 'escalated', 'all'];
// the service centre's own: the complaints about no booking it has still to check
const DESK_VIEWS = ['verify', ...VIEWS];

export function render(slot, ctx) {
  const customer = ctx.me.user.role === 'customer';
  // a company's own queue needs no company column
  const ownCompany = ['company_admin', 'company_staff'].includes(ctx.me.user.role);
  const asked = ctx.query.get('view');
  // the service centre and the association find callers too
  const desk = ['cs_agent', 'association_admin'].includes(ctx.me.user.role);
  const views = desk ? DESK_VIEWS : VIEWS;
  const state = {
    view: views.includes(asked) ? asked : (ctx.can('complaint.oversee') ? 'escalated' : 'open'),
    q: (ctx.query.get('q') || '').trim(),
    company: /^[1-9]\d{0,17}$/.test(ctx.query.get('company_id') || '') ? ctx.query.get('company_id') : '',
    page: 1,
  };
  const setQuery = () => ctx.setQuery({ view: state.view, q: state.q, company_id: state.company });
  const list = h('div', { class: 'list complaints-list' }, loading());
  const cView = select(views.map((v) => ({ value: v, label: t(`complaints.view_${v}`) })), { name: 'view', value: state.view });
  cView.addEventListener('change', () => {
    state.view = cView.value;
    state.page = 1;
    setQuery();
    slot.querySelector('.page-complaints').dataset.view = state.view;
    load();
  });
  const cQ = input({ type: 'search', name: 'q', maxlength: '50', autocomplete: 'off', value: state.q, placeholder: t('queue.q_placeholder') });
  const cCompany = customer || ownCompany || !ctx.can('org.read') ? null : select([{ value: '', label: t('common.all') }], { name: 'company_id' });
  if (cCompany) {
    listAll('/api/orgs', { kind: 'company' }).then((cos) => {
      cCompany.append(...cos.map((o) => h('option', { value: String(o.id) }, o.name)));
      cCompany.value = state.company;
    }).catch(() => { /* "all" still works */ });
    cCompany.addEventListener('change', () => {
      state.company = cCompany.value;
      state.page = 1;
      setQuery();
      load();
    });
  }
  // the callers the search finds, for the service centre
  const callers = desk ? h('div', { class: 'queue-callers' }) : null;
  const filters = customer ? null : h('form', { class: 'filters complaints-filters', role: 'search', 'aria-label': t('common.filters') },
    field({ label: t('complaints.view'), control: cView }),
    cCompany ? field({ label: t('complaints.company'), control: cCompany }) : null,
    field({ label: t('queue.q'), control: cQ, hint: t(desk ? 'queue.q_hint_desk' : 'queue.q_hint') }),
    h('div', { class: 'filters-actions' },
      h('button', { type: 'submit', class: 'btn btn-primary queue-search' }, t('common.search')),
      button(t('common.reset'), { onClick: () => { cQ.value = ''; state.q = ''; state.page = 1; setQuery(); findCallers(); load(); } })));
  if (filters) {
    filters.addEventListener('submit', (e) => {
      e.preventDefault();
      state.q = cQ.value.trim();
      state.page = 1;
      setQuery();
      findCallers();
      load();
    });
  }

  function findCallers() {
    if (!callers) return;
    if (!state.q) {
      fill(callers);
      return;
    }
    // the queue's own box asks; this only answers
    fill(callers, callerSearch({ initial: state.q, intakeLinks: true, withBox: false }));
  }

  function query() {
    if (customer) return { sort: '-created' };
    const q = { q: state.q, company_id: state.company };
    if (state.view === 'open') return { ...q, status: 'open' };
    if (state.view === 'escalated') return { ...q, escalated: 'true' };
    if (state.view === 'verify') return { ...q, verification: 'pending' };
    return q;
  }

  async function load() {
    fill(list, loading());
    try {
      const r = await api('GET', '/api/complaints', { query: { ...query(), page: state.page, per_page: PER_PAGE } });
      if (!ctx.current()) return;
      if (!r.items.length) {
        fill(list, h('div', { class: 'state state-empty state-column' },
          h('p', null, customer ? t('complaints.empty_mine') : state.q || state.company ? t('queue.empty_search') : t(`complaints.empty_${state.view}`)),
          ctx.can('complaint.file') ? h('a', { class: 'btn btn-primary', href: '#/complaints/new' }, t('complaints.new')) : null));
        return;
      }
      fill(list, table({
        caption: t(customer ? 'nav.my_complaints' : 'nav.complaints'),
        columns: [
          { label: t('complaints.tracking_no'), class: 'nowrap', cell: (c) => h('a', { href: `#/complaints/${c.id}`, class: 'strong mono complaint-link' }, c.tracking_no) },
          { label: t('complaints.category'), cell: (c) => label('complaint_categories', c.category) },
          customer ? null : { label: t('complaints.who'), class: 'nowrap', cell: (c) => (c.customer ? c.customer.name : c.contact_name || t('common.none')) },
          ownCompany ? null : { label: t('complaints.company'), cell: (c) => [c.company ? c.company.name : '', c.handler === 'association' ? h('span', { class: 'muted' }, ` · ${t('complaints.by_association')}`) : null] },
          { label: t('complaints.status'), cell: (c) => h('span', { class: 'badges' }, complaintBadge(c.status),
            verificationBadge(c.verification),
            c.feedback_breached || c.resolve_breached ? badge(t(c.feedback_breached && !c.resolve_breached ? 'complaints.late_feedback' : 'complaints.late'), 'danger') : null,
            c.claims_overdue && !customer ? badge(t('complaints.claim_late'), 'danger') : null,
            c.escalated_at && !customer ? h('span', { class: 'badge badge-danger escalated' }, t('complaints.escalated')) : null,
            ownCompany && c.handler === 'association' ? badge(t('complaints.by_association'), 'brand') : null) },
          { label: t('complaints.clock'), cell: (c) => clockView(c.clock, { stacked: true }) },
          { label: t('complaints.created'), class: 'nowrap', cell: (c) => fmtAt(c.created_at) },
        ].filter(Boolean),
        rows: r.items,
        rowAttrs: (c) => ({
          // red where the queue puts it first: any deadline missed (the clock running now may not be)
          class: c.claims_overdue || (OPEN.includes(c.status) && (clockState(c.clock) === 'breached' || c.feedback_breached || c.resolve_breached || (c.verification && c.verification.overdue && c.verification.status === 'pending'))) ? 'row-below' : null,
          dataset: { complaint: c.id, status: c.status, tracking: c.tracking_no, verification: c.verification ? c.verification.status : 'none' },
        }),
      }), pager({ page: r.page, perPage: PER_PAGE, total: r.total, onPage: (p) => { state.page = p; load(); } }));
    } catch (err) {
      if (err.status !== 401 && ctx.current()) fill(list, notice('error', errorText(err)));
    }
  }

  const title = t(customer ? 'nav.my_complaints' : 'nav.complaints');
  fill(slot, h('section', { class: 'page page-complaints', dataset: { view: customer ? 'mine' : state.view } },
    h('div', { class: 'page-head-row' },
      pageHead(title, t(customer ? 'complaints.intro_mine' : 'complaints.intro_queue')),
      ctx.can('complaint.file') ? h('a', { class: 'btn btn-primary complaint-new', href: '#/complaints/new' }, t(customer ? 'complaints.new' : 'complaints.intake')) : null),
    filters, callers, list));
  findCallers();
  load();
}
