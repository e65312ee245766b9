// pages/complaints.js — #/complaints: a customer's own complaints, newest first; for those who
// handle them (the service centre, a company for its own, the association) the queue as the API
// orders it — clocks run out first, then by the time left — with open / escalated / all views.
// Each row: tracking number, category, company, status and the running clock.
import { h, fill } from '../dom.js';
import { t, label } from '../i18n.js';
import { api, errorText } from '../api.js';
import { pageHead, loading, notice, table, pager, field, select, badge } from '../ui.js';
import { fmtAt } from '../services.js';
import { complaintBadge, clockView, clockState, OPEN } from '../complaint-ui.js';

const PER_PAGE = 20;
const VIEWS = ['open', 'escalated', 'all'];

export function render(slot, ctx) {
  const customer = ctx.me.user.role === 'customer';
  // a company's own queue needs no company column
  const ownCompany = ['company_admin', 'company_staff'].includes(ctx.me.user.role);
  const asked = ctx.query.get('view');
  const state = {
    view: VIEWS.includes(asked) ? asked : (ctx.can('complaint.oversee') ? 'escalated' : 'open'),
    page: 1,
  };
  const list = h('div', { class: 'list complaints-list' }, loading());
  const cView = select(VIEWS.map((v) => ({ value: v, label: t(`complaints.view_${v}`) })), { name: 'view', value: state.view });
  cView.addEventListener('change', () => {
    state.view = cView.value;
    state.page = 1;
    ctx.setQuery({ view: state.view });
    slot.querySelector('.page-complaints').dataset.view = state.view;
    load();
  });
  const filters = customer ? null : h('div', { class: 'filters complaints-filters' },
    field({ label: t('complaints.view'), control: cView }));

  function query() {
    if (customer) return { sort: '-created' };
    if (state.view === 'open') return { status: 'open' };
    if (state.view === 'escalated') return { escalated: 'true' };
    return {};
  }

  async function load() {
    fill(list, loading());
    try {
      const r = await api('GET', '/api/complaints', { query: { ...query(), page: state.page, per_page: PER_PAGE } });
      if (!ctx.current()) return;
      if (!r.items.length) {
        fill(list, h('div', { class: 'state state-empty state-column' },
          h('p', null, customer ? t('complaints.empty_mine') : t(`complaints.empty_${state.view}`)),
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
          class: c.claims_overdue || (OPEN.includes(c.status) && (clockState(c.clock) === 'breached' || c.feedback_breached || c.resolve_breached)) ? 'row-below' : null,
          dataset: { complaint: c.id, status: c.status, tracking: c.tracking_no },
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
    filters, list));
  load();
}
