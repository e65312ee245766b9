// pages/claims.js — compensation claims across complaints (GET /api/claims). For the association,
// #/claims: its queue of disputed claims, the longest waiting first — a company's decision the
// customer disputed or the worker named to pay objected to — each with both sides' reasons and the
// form to decide it again; beside it the payments the customer says never came, those nobody has
// confirmed yet, and decisions still waiting for the customer. For a worker, #/me/claims: the
// claims naming them to pay, with what was decided, until when they may object, and the payment
// the company recorded as theirs to confirm.
import { h, fill } from '../dom.js';
import { t, label } from '../i18n.js';
import { api, errorText } from '../api.js';
import { pageHead, loading, empty, pager, messages, notice, field, select } from '../ui.js';
import { claimListItem } from '../complaint-claims.js';

const PER_PAGE = 20;
export const CLAIM_LIST_STATES = ['disputed', 'receipt_disputed', 'unconfirmed', 'proposed', 'open', 'all'];

export function render(slot, ctx) {
  const worker = ctx.me.user.role === 'worker';
  const association = ctx.can('complaint.oversee');
  const wanted = ctx.query.get('state');
  const state = { state: worker ? 'all' : CLAIM_LIST_STATES.includes(wanted) ? wanted : 'disputed', page: 1 };
  const msg = messages();
  const list = h('div', { class: 'list claims-list' }, loading());

  const stateSel = select(CLAIM_LIST_STATES.map((s) => ({ value: s, label: label('claim_list_states', s) })), { name: 'state', value: state.state });
  const filters = worker ? null : h('form', { class: 'filters', role: 'search', 'aria-label': t('common.filters') },
    field({ label: t('claims.list_state'), control: stateSel }));
  if (filters) {
    filters.addEventListener('submit', (e) => e.preventDefault());
    stateSel.addEventListener('change', () => {
      Object.assign(state, { state: stateSel.value, page: 1 });
      ctx.setQuery({ state: state.state === 'disputed' ? '' : state.state });
      load();
    });
  }

  const done = (x, text) => {
    if (text) msg.show('success', text);
    load();
  };

  async function load() {
    fill(list, loading());
    try {
      const r = await api('GET', '/api/claims', { query: { state: state.state, page: state.page, per_page: PER_PAGE } });
      if (!ctx.current()) return;
      if (!r.items.length) {
        fill(list, empty(t(worker ? 'claims.mine_empty' : `claims.list_empty_${state.state}`)));
        return;
      }
      fill(list,
        h('p', { class: 'muted list-count' }, t('claims.list_count', { n: r.total })),
        h('div', { class: 'claim-list' }, r.items.map((cl) => claimListItem(cl, {
          association, worker, pay: false, decide: false, customer: false,
        }, done, { link: !worker }))),
        pager({ page: r.page, perPage: r.per_page, total: r.total, onPage: (p) => { state.page = p; load(); } }));
    } catch (err) {
      if (err.status !== 401 && ctx.current()) fill(list, notice('error', errorText(err)));
    }
  }

  fill(slot, h('section', { class: ['page', worker ? 'page-my-claims' : 'page-claims'] },
    pageHead(t(worker ? 'nav.my_claims' : 'nav.claims'), t(worker ? 'claims.mine_intro' : 'claims.queue_intro')),
    msg, filters, list));
  load();
}
