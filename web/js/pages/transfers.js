// pages/transfers.js — #/transfers (worker.manage): requests to register a person already in the
// registry (GET /api/transfers). A company sees its own requests — pending, then answered — and may
// withdraw a pending one; it never learns where the person works now. The association sees every
// request and, for someone at its counter with their ID card, confirms or declines it with a note
// saying so (POST /api/transfers/{id}/accept | decline).
import { h, fill } from '../dom.js';
import { t, label } from '../i18n.js';
import { api, errorText } from '../api.js';
import {
  pageHead, loading, empty, table, pager, messages, notice, button, field, select, form, clearErrors,
  showError, busy, section,
} from '../ui.js';
import { tradeList, levelName } from '../workforce.js';
import { fmtAt } from '../services.js';
import { transferBadge } from '../privacy.js';

const PER_PAGE = 20;
export const TRANSFER_STATUSES = ['pending', 'accepted', 'declined', 'cancelled', 'expired'];

export function render(slot, ctx) {
  const assoc = Boolean(ctx.me.org && ctx.me.org.kind === 'association');
  const state = { status: assoc ? 'pending' : '', page: 1 };
  const msg = messages();
  const list = h('div', { class: 'list transfers-list' }, loading());
  const editSlot = h('div', { class: 'edit-slot' });

  const statusSel = select([{ value: '', label: t('common.all') },
    ...TRANSFER_STATUSES.map((s) => ({ value: s, label: label('transfer_statuses', s) }))], { name: 'status', value: state.status });
  const filters = h('form', { class: 'filters', role: 'search', 'aria-label': t('common.filters') },
    field({ label: t('transfers.status'), control: statusSel }),
    h('div', { class: 'filters-actions' }, h('button', { type: 'submit', class: 'btn btn-primary' }, t('common.search'))));
  filters.addEventListener('submit', (e) => {
    e.preventDefault();
    Object.assign(state, { status: statusSel.value, page: 1 });
    load();
  });

  async function cancel(x, btn) {
    btn.disabled = true;
    try {
      await api('POST', `/api/transfers/${x.id}/cancel`);
      msg.show('success', t('transfers.cancelled', { name: x.worker.masked_name }));
      load();
    } catch (err) {
      btn.disabled = false;
      if (err.status !== 401) msg.show('error', errorText(err));
    }
  }

  // The association decides for a person at its counter: the note says how they were identified.
  function decide(x, how) {
    const note = h('textarea', { class: 'input', maxlength: '200', rows: '2', name: 'note' });
    const df = form({ class: `form form-grid transfer-${how}-form` },
      h('p', { class: 'field-wide' }, t(how === 'accept' ? 'transfers.accept_text' : 'transfers.decline_text', {
        name: x.worker.name || x.worker.masked_name, to: x.to_company.name, from: x.from_company ? x.from_company.name : t('transfers.nobody'),
      })),
      field({ label: t('transfers.note'), control: note, name: 'note', wide: true, hint: t('transfers.note_hint') }),
      h('div', { class: 'form-actions' },
        h('button', { type: 'submit', class: how === 'accept' ? 'btn btn-primary' : 'btn btn-danger' }, t(`transfers.${how}_submit`)),
        button(t('common.cancel'), { onClick: () => fill(editSlot) })));
    df.addEventListener('submit', async (e) => {
      e.preventDefault();
      clearErrors(df);
      if (note.value.trim().length < 2) return showError(df, t('transfers.note_required'), 'note');
      await busy(df, async () => {
        try {
          await api('POST', `/api/transfers/${x.id}/${how}`, { body: { note: note.value.trim() } });
          fill(editSlot);
          msg.show('success', t(how === 'accept' ? 'transfers.accepted' : 'transfers.declined', { name: x.worker.name || x.worker.masked_name, to: x.to_company.name }));
          load();
        } catch (err) {
          if (err.status !== 401) showError(df, errorText(err), err.field);
        }
      });
    });
    const panel = section(t(how === 'accept' ? 'transfers.accept_title' : 'transfers.decline_title', { name: x.worker.name || x.worker.masked_name }), df);
    panel.classList.add('panel-edit');
    fill(editSlot, panel);
    panel.scrollIntoView({ block: 'nearest' });
    note.focus();
  }

  async function load() {
    fill(list, loading());
    try {
      const r = await api('GET', '/api/transfers', { query: { status: state.status, page: state.page, per_page: PER_PAGE } });
      if (!ctx.current()) return;
      if (!r.items.length) { fill(list, empty(t(state.status === 'pending' ? 'transfers.none_pending' : 'transfers.empty'))); return; }
      // what still waits comes first
      const rows = [...r.items].sort((a, b) => (a.status === 'pending' ? 0 : 1) - (b.status === 'pending' ? 0 : 1));
      const columns = [
        { label: t('transfers.worker'), class: 'nowrap', cell: (x) => h('span', { class: 'strong' }, x.worker.name || x.worker.masked_name) },
      ];
      if (assoc) {
        columns.push({ label: t('transfers.move'), cell: (x) => [x.from_company ? x.from_company.name : t('transfers.nobody'), ' → ', h('span', { class: 'strong' }, x.to_company.name)] });
      }
      columns.push(
        { label: t('transfers.asked_for'), cell: (x) => `${tradeList(x.trades)} · ${levelName(x.level)}` },
        { label: t('transfers.requested_at'), class: 'nowrap', cell: (x) => fmtAt(x.requested_at) },
        { label: t('transfers.status'), cell: (x) => [transferBadge(x.status), x.status === 'pending'
          ? h('span', { class: 'muted' }, ` ${t('transfers.until', { at: fmtAt(x.expires_at) })}`)
          : (x.decided_at ? h('span', { class: 'muted' }, ` ${t('transfers.decided', { at: fmtAt(x.decided_at), how: label('transfer_how', x.decided_how || '') })}`) : null)] },
      );
      columns.push({ label: t('common.actions'), class: 'actions', cell: (x) => (x.status !== 'pending' ? null : h('div', { class: 'row-actions' },
        assoc ? [
          button(t('transfers.accept'), { kind: 'primary', onClick: () => decide(x, 'accept'), attrs: { class: 'btn btn-primary transfer-accept', 'aria-label': t('transfers.accept_label', { name: x.worker.name || x.worker.masked_name }) } }),
          button(t('transfers.decline'), { onClick: () => decide(x, 'decline'), attrs: { class: 'btn btn-secondary transfer-decline', 'aria-label': t('transfers.decline_label', { name: x.worker.name || x.worker.masked_name }) } }),
        ] : button(t('transfers.cancel'), { kind: 'danger', onClick: (e) => cancel(x, e.currentTarget), attrs: { class: 'btn btn-danger transfer-cancel', 'aria-label': t('transfers.cancel_label', { name: x.worker.masked_name }) } }))) });
      fill(list, table({
        caption: t('nav.transfers'), columns, rows,
        rowAttrs: (x) => ({ dataset: { transfer: x.id, status: x.status, worker: x.worker.id } }),
      }), pager({ page: r.page, perPage: PER_PAGE, total: r.total, onPage: (p) => { state.page = p; load(); } }));
    } catch (err) {
      if (err.status !== 401 && ctx.current()) fill(list, notice('error', errorText(err)));
    }
  }

  fill(slot, h('section', { class: 'page page-transfers' },
    pageHead(t('nav.transfers'), t(assoc ? 'transfers.intro_assoc' : 'transfers.intro')),
    msg, editSlot, filters, list));
  load();
}
