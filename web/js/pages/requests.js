// pages/requests.js — #/requests: requests for month items (GET /api/service-requests). A customer
// sees theirs with the company's answer and may withdraw an open one; a company sees the requests
// made to it, open first, and opens one (GET /api/service-requests/{id}: the number to call, while
// it is open or accepted) to accept or decline it in words (POST …/answer).
import { h, fill } from '../dom.js';
import { t, label } from '../i18n.js';
import { api, errorText } from '../api.js';
import { pageHead, loading, empty, pager, messages, button, field, select, form, clearErrors, showError, busy, badge } from '../ui.js';
import { fmtAt, fmtPrice } from '../services.js';

const PER_PAGE = 20;
const STATUSES = ['open', 'accepted', 'declined', 'withdrawn'];
const KINDS = { open: 'warning', accepted: 'success', declined: 'danger', withdrawn: 'neutral' };

export function render(slot, ctx) {
  const customer = ctx.me.user.role === 'customer';
  const state = { status: '', page: 1 };
  const msg = messages();
  const list = h('div', { class: 'list requests-list' }, loading());
  const statusSel = select([{ value: '', label: t('common.all') },
    ...STATUSES.map((s) => ({ value: s, label: label('request_statuses', s) }))], { name: 'status' });
  const filters = h('form', { class: 'filters', role: 'search', 'aria-label': t('common.filters') },
    field({ label: t('requests.status'), control: statusSel }),
    h('div', { class: 'filters-actions' }, h('button', { type: 'submit', class: 'btn btn-primary' }, t('common.search'))));
  filters.addEventListener('submit', (e) => {
    e.preventDefault();
    Object.assign(state, { status: statusSel.value, page: 1 });
    load();
  });
  fill(slot, h('section', { class: 'page page-requests' },
    pageHead(t('nav.requests'), t(customer ? 'requests.intro_customer' : 'requests.intro_company')), msg.el, filters, list));

  async function load() {
    fill(list, loading());
    try {
      const q = new URLSearchParams({ page: String(state.page), per_page: String(PER_PAGE) });
      if (state.status) q.set('status', state.status);
      const r = await api('GET', `/api/service-requests?${q}`);
      if (!ctx.current()) return;
      if (!r.items.length) return fill(list, empty(t('requests.empty')));
      fill(list, ...r.items.map(card), pager({ page: state.page, perPage: PER_PAGE, total: r.total, onPage: (p) => { state.page = p; load(); } }));
    } catch (err) {
      if (err.status !== 401) fill(list, h('p', { class: 'notice notice-error' }, errorText(err)));
    }
  }

  function card(x) {
    const slotOpen = h('div', { class: 'request-open' });
    const actions = h('div', { class: 'actions' });
    if (customer && x.status === 'open') {
      actions.append(button(t('requests.withdraw'), { onClick: async (e) => {
        e.target.disabled = true;
        try {
          await api('POST', `/api/service-requests/${x.id}/withdraw`);
          msg.show('success', t('requests.withdrawn'));
          load();
        } catch (err) {
          e.target.disabled = false;
          if (err.status !== 401) msg.show('error', errorText(err));
        }
      } }));
    }
    if (!customer) actions.append(button(t(x.status === 'open' ? 'requests.open_answer' : 'requests.open'), { kind: x.status === 'open' ? 'primary' : 'secondary', onClick: () => open(x, slotOpen) }));
    return h('article', { class: 'card request-card', dataset: { request: x.id, status: x.status } },
      h('h3', null, x.service_item.title, ' ', badge(label('request_statuses', x.status), KINDS[x.status])),
      h('dl', { class: 'facts' },
        ...[[t('requests.who'), customer ? x.company.name : x.customer.name],
          [t('book.price'), fmtPrice(x.service_item.price_fen, x.service_item.unit)],
          [t('request.wanted_from'), x.wanted_from],
          [t('request.due_date'), x.due_date],
          [t('request.months'), t('fee.n_months', { n: x.months })],
          [t('request.needs'), x.needs],
          [t('requests.asked_at'), fmtAt(x.created_at)],
          [t('requests.answer'), x.answer ? `${x.answer}（${fmtAt(x.answered_at)}）` : null]]
          .filter(([, v]) => v !== null && v !== undefined && v !== '')
          .flatMap(([k, v]) => [h('dt', null, k), h('dd', null, v)])),
      actions, slotOpen);
  }

  // The company opens a request: the number to call, and the answer while it is open.
  async function open(x, where) {
    fill(where, loading());
    let full;
    try {
      full = await api('GET', `/api/service-requests/${x.id}`);
    } catch (err) {
      if (err.status !== 401) fill(where, h('p', { class: 'notice notice-error' }, errorText(err)));
      return;
    }
    const phone = full.contact_phone ? h('p', { class: 'request-phone' }, t('requests.call'), ' ', h('a', { href: `tel:${full.contact_phone}` }, full.contact_phone)) : null;
    if (full.status !== 'open') return fill(where, phone);
    const cDecision = select([{ value: 'accepted', label: t('requests.accept') }, { value: 'declined', label: t('requests.decline') }], { name: 'decision' });
    const cAnswer = h('textarea', { class: 'input', name: 'answer', rows: '3', maxlength: '1000', required: true });
    const af = form({ class: 'form form-grid request-answer-form' },
      field({ label: t('requests.decision'), control: cDecision, name: 'decision' }),
      field({ label: t('requests.answer'), control: cAnswer, name: 'answer', hint: t('requests.answer_hint'), wide: true }),
      h('div', { class: 'form-actions' }, h('button', { type: 'submit', class: 'btn btn-primary' }, t('requests.send'))));
    af.addEventListener('submit', async (e) => {
      e.preventDefault();
      clearErrors(af);
      if (cAnswer.value.trim().length < 2) return showError(af, t('requests.answer_short'), 'answer');
      await busy(af, async () => {
        try {
          await api('POST', `/api/service-requests/${x.id}/answer`, { body: { decision: cDecision.value, answer: cAnswer.value.trim() } });
          msg.show('success', t('requests.answered'));
          load();
        } catch (err) {
          if (err.status !== 401) showError(af, errorText(err));
        }
      });
    });
    fill(where, phone, af);
  }

  load();
}
