// pages/data-requests.js — #/data-requests (company admin and staff: their company's; the
// association: all): people's requests to correct or erase their personal data
// (GET /api/data-requests), open ones first, nearest deadline first, late ones marked; each answered
// done or refused with an answer the person reads (POST /api/data-requests/{id}/answer). An erasure
// the association grants is carried out at once, which the form says before it is sent.
import { h, fill } from '../dom.js';
import { t, label } from '../i18n.js';
import { api, errorText } from '../api.js';
import {
  pageHead, loading, empty, pager, messages, notice, button, field, select, form, clearErrors, showError,
  busy, section,
} from '../ui.js';
import { fmtAt } from '../services.js';
import { requestState, dueText } from '../privacy.js';
import { facts } from './worker.js';

const PER_PAGE = 20;

export function render(slot, ctx) {
  const assoc = Boolean(ctx.me.org && ctx.me.org.kind === 'association');
  const state = { status: 'open', kind: '', page: 1 };
  const msg = messages();
  const list = h('div', { class: 'list data-requests-list' }, loading());

  const statusSel = select([{ value: '', label: t('common.all') },
    ...['open', 'done', 'refused'].map((s) => ({ value: s, label: label('request_statuses', s) }))], { name: 'status', value: state.status });
  const kindSel = select([{ value: '', label: t('common.all') },
    ...['correction', 'erasure'].map((k) => ({ value: k, label: label('request_kinds', k) }))], { name: 'kind' });
  const filters = h('form', { class: 'filters', role: 'search', 'aria-label': t('common.filters') },
    field({ label: t('data_requests.state'), control: statusSel }),
    field({ label: t('data_requests.kind'), control: kindSel }),
    h('div', { class: 'filters-actions' }, h('button', { type: 'submit', class: 'btn btn-primary' }, t('common.search'))));
  filters.addEventListener('submit', (e) => {
    e.preventDefault();
    Object.assign(state, { status: statusSel.value, kind: kindSel.value, page: 1 });
    load();
  });

  function answerForm(q) {
    const answer = h('textarea', { class: 'input', maxlength: '1000', rows: '3', name: 'answer' });
    const choice = ['done', 'refused'].map((s) => h('label', { class: `radio radio-${s === 'done' ? 'pass' : 'fail'}` },
      h('input', { type: 'radio', name: `answer-status-${q.id}`, value: s, checked: s === 'done' }),
      h('span', null, t(`data_requests.answer_${s}`))));
    const f = form({ class: 'form form-grid answer-form' },
      h('fieldset', { class: 'field field-wide radios', dataset: { field: 'status' } },
        h('legend', { class: 'field-label' }, t('data_requests.answer_as')), h('div', { class: 'radio-list' }, choice)),
      q.kind === 'erasure' && assoc ? h('p', { class: 'field-wide notice notice-warning' }, t('data_requests.erasure_warning')) : null,
      field({ label: t('data_requests.answer'), control: answer, name: 'answer', wide: true, hint: t('data_requests.answer_hint') }),
      h('div', { class: 'form-actions' }, h('button', { type: 'submit', class: 'btn btn-primary' }, t('data_requests.answer_submit'))));
    f.addEventListener('submit', async (e) => {
      e.preventDefault();
      clearErrors(f);
      const status = f.querySelector(`input[name="answer-status-${q.id}"]:checked`).value;
      const text = answer.value.trim();
      if (text.length < 2) return showError(f, t('data_requests.answer_required'), 'answer');
      await busy(f, async () => {
        try {
          await api('POST', `/api/data-requests/${q.id}/answer`, { body: { status, answer: text } });
          msg.show('success', t(status === 'done' ? 'data_requests.done' : 'data_requests.refused', { name: q.person ? q.person.name : '' }));
          load();
        } catch (err) {
          if (err.status !== 401) showError(f, errorText(err), err.field);
        }
      });
    });
    return f;
  }

  function card(q) {
    const open = q.status === 'open';
    let slotForm = null;
    let toggle = null;
    if (open) {
      slotForm = h('div', { class: 'disclosed', hidden: true });
      toggle = button(t('data_requests.answer_open'), { kind: 'primary', attrs: { class: 'btn btn-primary answer-toggle', 'aria-expanded': 'false' } });
      toggle.addEventListener('click', () => {
        const show = slotForm.hidden;
        slotForm.hidden = !show;
        toggle.setAttribute('aria-expanded', String(show));
        if (show && !slotForm.firstChild) slotForm.append(answerForm(q));
        if (show) slotForm.querySelector('textarea').focus();
      });
    }
    return h('article', { class: ['request-card', q.overdue && open ? 'request-overdue' : null], dataset: { request: q.id, status: q.status, kind: q.kind, overdue: String(Boolean(q.overdue)) } },
      h('header', { class: 'request-head' },
        h('h3', { class: 'request-title' }, t('data_requests.title_of', { kind: label('request_kinds', q.kind), field: label('data_fields', q.field) })),
        h('p', { class: 'request-state' }, requestState(q), ' ', dueText(q))),
      facts([
        [t('data_requests.person'), q.person ? `${q.person.name}${q.subject ? ` · ${label('request_subjects', q.subject)}` : ''}` : null],
        [t('data_requests.holder'), assoc && q.holder ? q.holder.name : null],
        [t('data_requests.created'), fmtAt(q.created_at)],
        [t('data_requests.text'), h('span', { class: 'request-text' }, q.requested_text)],
        [t('data_requests.answer'), q.answer || null],
        [t('data_requests.breached'), q.breached ? t('data_requests.escalated') : null],
      ]),
      open && q.subject === 'worker' && q.subject_id && !assoc ? h('p', null, h('a', { href: `#/workers/${q.subject_id}` }, t('data_requests.open_worker'))) : null,
      toggle, slotForm);
  }

  async function load() {
    fill(list, loading());
    try {
      const r = await api('GET', '/api/data-requests', { query: { status: state.status, kind: state.kind, page: state.page, per_page: PER_PAGE } });
      if (!ctx.current()) return;
      if (!r.items.length) { fill(list, empty(t(state.status === 'open' ? 'data_requests.none_open' : 'data_requests.empty'))); return; }
      fill(list, h('div', { class: 'request-cards' }, r.items.map(card)),
        pager({ page: r.page, perPage: PER_PAGE, total: r.total, onPage: (p) => { state.page = p; load(); } }));
    } catch (err) {
      if (err.status !== 401 && ctx.current()) fill(list, notice('error', errorText(err)));
    }
  }

  fill(slot, h('section', { class: 'page page-data-requests' },
    pageHead(t('nav.data_requests'), t(assoc ? 'data_requests.intro_assoc' : 'data_requests.intro')),
    msg, filters, section(t('data_requests.queue'), list)));
  load();
}
