// pages/inspections.js — #/inspections: the spot checks the one looking has a part in (GET
// /api/inspections decides whose): an inspector their own samples, those to score or to verify
// first; a company its own, rectification orders to answer first; the association every one,
// by plan and status, with a sample whose household nobody has called yet reassignable once, with
// a reason.
import { h, fill } from '../dom.js';
import { t, label } from '../i18n.js';
import { api, errorText, listAll } from '../api.js';
import { pageHead, loading, notice, table, pager, field, select, input, messages, badge } from '../ui.js';
import { fmtAt } from '../services.js';
import { INSPECTION_STATUSES, inspectionBadge, bookingLine } from '../inspection-ui.js';

const PER_PAGE = 100;

export function render(slot, ctx) {
  const role = ctx.me.user.role;
  const assoc = ctx.can('sampling.manage');
  const inspector = role === 'inspector';
  const planId = /^[1-9]\d{0,17}$/.test(ctx.query.get('plan_id') || '') ? ctx.query.get('plan_id') : '';
  const state = { status: '', page: 1 };
  const msg = messages();
  const list = h('div', { class: 'list inspections-list' }, loading());
  // the plan filtered by, named by its month once a row has told it
  const ofPlan = h('span', null, t('inspections.of_plan', { id: planId }));
  const cStatus = select([{ value: '', label: t('common.all') }, ...INSPECTION_STATUSES.map((s) => ({ value: s, label: label('inspection_statuses', s) }))], { name: 'status' });
  cStatus.addEventListener('change', () => { state.status = cStatus.value; state.page = 1; load(); });
  const filters = h('div', { class: 'filters complaints-filters' },
    field({ label: t('inspections.status'), control: cStatus }),
    planId ? h('p', { class: 'muted' }, ofPlan, ' ', h('a', { href: '#/inspections' }, t('inspections.all_plans'))) : null);

  // the inspectors of an inspection body, once per page
  const bodies = new Map();
  const inspectorsOf = (bodyId) => {
    if (!bodies.has(bodyId)) bodies.set(bodyId, listAll('/api/users', { role: 'inspector', org_id: bodyId }).catch(() => []));
    return bodies.get(bodyId);
  };

  // a sample still waiting whose household nobody has called may be given to another inspector
  // once, with a reason: the choice, the reason and the button; the answer beside them
  function reassign(x) {
    const sel = select([], { name: 'inspector_id', class: 'input reassign-select', 'aria-label': t('inspections.reassign_label', { id: x.id }) });
    sel.disabled = true;
    inspectorsOf(x.inspection_body.id).then((users) => {
      fill(sel, users.filter((u) => u.status !== 'disabled').map((u) => h('option', { value: String(u.id) }, u.name)));
      if (x.inspector) sel.value = String(x.inspector.id);
      sel.disabled = false;
    });
    const why = input({ name: 'reason', class: 'input reassign-reason', maxlength: '500', placeholder: t('inspections.reassign_reason'), 'aria-label': t('inspections.reassign_reason') });
    const go = h('button', { type: 'button', class: 'btn btn-secondary reassign-submit' }, t('inspections.reassign'));
    // the answer beside the choice, where the eye is (the page's message may be far above)
    const said = h('span', { class: 'reassign-said', role: 'status' });
    const box = h('span', { class: 'reassign' }, sel, ' ', why, ' ', go, ' ', said);
    go.addEventListener('click', async () => {
      fill(said);
      if (x.inspector && sel.value === String(x.inspector.id)) return fill(said, badge(t('inspections.reassign_choose'), 'warn'));
      if (why.value.trim().length < 2) return fill(said, badge(t('inspections.reassign_reason_needed'), 'danger'));
      sel.disabled = true;
      go.disabled = true;
      try {
        const y = await api('POST', `/api/inspections/${x.id}/assign`, { body: { inspector_id: Number(sel.value), reason: why.value.trim() } });
        Object.assign(x, y);
        const text = t('inspections.reassigned', { id: x.id, name: y.inspector ? y.inspector.name : '' });
        msg.show('success', text);
        // once moved it stays: the name, no more choice
        fill(box, y.inspector ? y.inspector.name : t('common.none'), ' ', badge(t('inspections.reassigned_short'), 'ok'));
        return null;
      } catch (err) {
        if (err.status !== 401) {
          msg.show('error', errorText(err));
          fill(said, badge(errorText(err), 'danger'));
        }
        if (x.inspector) sel.value = String(x.inspector.id);
      }
      sel.disabled = false;
      go.disabled = false;
      return null;
    });
    return box;
  }

  const movable = (x) => assoc && x.status === 'assigned' && !x.contact_opened_at && !x.reassigned;

  async function load() {
    fill(list, loading());
    try {
      const r = await api('GET', '/api/inspections', { query: { status: state.status, plan_id: planId, page: state.page, per_page: PER_PAGE } });
      if (!ctx.current()) return;
      if (!r.items.length) {
        fill(list, h('p', { class: 'state state-empty' }, t(inspector ? 'inspections.empty_mine' : 'inspections.empty')));
        return;
      }
      const rows = r.items; // in the order the API gives: what needs the looker first
      if (planId) fill(ofPlan, t('inspections.of_plan_month', { month: rows[0].plan.month }));
      fill(list, table({
        caption: t('nav.inspections'),
        columns: [
          { label: t('inspections.id'), class: 'nowrap', cell: (x) => h('a', { href: `#/inspections/${x.id}`, class: 'strong inspection-link' }, t('inspections.no', { id: x.id })) },
          { label: t('plan.month'), class: 'nowrap', cell: (x) => x.plan.month },
          inspector || assoc ? { label: t('figures.company'), cell: (x) => x.company.name } : null,
          { label: t('inspections.booking'), cell: (x) => [h('span', { class: 'mono' }, `#${x.booking.id} `), bookingLine(x.booking)] },
          inspector ? null : { label: t('inspections.inspector'), cell: (x) => (movable(x) ? reassign(x) : x.inspector ? x.inspector.name : t('common.none')) },
          { label: t('inspections.status'), cell: (x) => [inspectionBadge(x.status), x.rectify_breached ? [' ', badge(t('inspections.overdue'), 'danger')] : null] },
          { label: t('inspections.score'), class: 'num', cell: (x) => (x.score === null || x.score === undefined ? t('common.none') : String(x.score)) },
          { label: t('inspections.rectify_due'), class: 'nowrap', cell: (x) => (x.status === 'rectifying' && x.rectify_due ? fmtAt(x.rectify_due) : t('common.none')) },
        ].filter(Boolean),
        rows,
        rowAttrs: (x) => ({ class: x.rectify_breached ? 'row-below' : null, dataset: { inspection: x.id, status: x.status, company: x.company.id } }),
      }), r.total > PER_PAGE ? pager({ page: r.page, perPage: PER_PAGE, total: r.total, onPage: (p) => { state.page = p; load(); } }) : null);
    } catch (err) {
      if (err.status !== 401 && ctx.current()) fill(list, notice('error', errorText(err)));
    }
  }

  fill(slot, h('section', { class: 'page page-inspections' },
    pageHead(t('nav.inspections'), t(inspector ? 'inspections.intro_inspector' : assoc ? 'inspections.intro_assoc' : 'inspections.intro_company')),
    msg, filters, list));
  load();
}
