// pages/audit.js — #/audit (audit.read): checks the hash chain end to end and lists the newest
// records, filtered by entity and action.
import { h, fill } from '../dom.js';
import { t, fmtTime, label, keys } from '../i18n.js';
import { api, errorText } from '../api.js';
import { pageHead, loading, empty, table, pager, notice, button, field, input, section } from '../ui.js';

const PER_PAGE = 20;
// Suggestions for the filters: every entity and action the catalog names; any other value is still accepted.
const ENTITIES = () => keys('audit.entities');
const ACTIONS = () => keys('audit.actions');

export function render(slot, ctx) {
  const state = { entity: '', action: '', page: 1 };
  const list = h('div', { class: 'list' }, loading());
  const result = h('div', { class: 'verify-result', 'aria-live': 'polite' });

  const verifyBtn = button(t('audit.verify'), { kind: 'primary', attrs: { class: 'btn btn-primary audit-verify' } });
  verifyBtn.addEventListener('click', async () => {
    verifyBtn.disabled = true;
    fill(result, loading());
    try {
      const r = await api('GET', '/api/audit/verify');
      fill(result, r.ok
        ? notice('success', t('audit.ok', { n: r.entries }))
        : notice('error', t('audit.bad', { id: r.first_bad, reason: label('audit.reasons', r.reason_code) || r.reason || '' })));
      result.dataset.ok = String(Boolean(r.ok));
    } catch (err) {
      if (err.status !== 401) fill(result, notice('error', errorText(err)));
    } finally {
      verifyBtn.disabled = false;
    }
  });

  const entityIn = input({ list: 'audit-entities', maxlength: '40', spellcheck: 'false', class: 'input mono' });
  const actionIn = input({ list: 'audit-actions', maxlength: '60', spellcheck: 'false', class: 'input mono' });
  const filters = h('form', { class: 'filters', role: 'search', 'aria-label': t('common.filters') },
    field({ label: t('audit.entity'), control: entityIn }),
    field({ label: t('audit.action'), control: actionIn }),
    h('datalist', { id: 'audit-entities' }, ENTITIES().map((v) => h('option', { value: v, label: label('audit.entities', v) }))),
    h('datalist', { id: 'audit-actions' }, ACTIONS().map((v) => h('option', { value: v, label: label('audit.actions', v) }))),
    h('div', { class: 'filters-actions' },
      h('button', { type: 'submit', class: 'btn btn-primary' }, t('common.search')),
      button(t('common.reset'), { onClick: () => { filters.reset(); Object.assign(state, { entity: '', action: '', page: 1 }); load(); } })));
  filters.addEventListener('submit', (e) => {
    e.preventDefault();
    Object.assign(state, { entity: entityIn.value.trim(), action: actionIn.value.trim(), page: 1 });
    load();
  });

  async function load() {
    fill(list, loading());
    try {
      const r = await api('GET', '/api/audit', { query: { entity: state.entity, action: state.action, page: state.page, per_page: PER_PAGE } });
      if (!ctx.current()) return;
      if (!r.items.length) { fill(list, empty(t('audit.empty'))); return; }
      fill(list, table({
        caption: t('audit.entries_title'),
        columns: [
          { label: t('audit.id'), cell: (a) => `#${a.id}`, class: 'mono nowrap' },
          { label: t('audit.at'), cell: (a) => h('time', { datetime: a.at }, fmtTime(a.at)), class: 'nowrap' },
          { label: t('audit.actor'), cell: (a) => (a.actor_label || t('audit.system')) },
          { label: t('audit.action'), cell: (a) => [label('audit.actions', a.action), ' ', h('code', { class: 'code' }, a.action)] },
          { label: t('audit.entity'), cell: (a) => `${label('audit.entities', a.entity)} #${a.entity_id}` },
          { label: t('audit.hash'), cell: (a) => h('code', { class: 'code hash', title: a.hash }, `${a.hash.slice(0, 12)}…`) },
        ],
        rows: r.items,
      }), pager({ page: r.page, perPage: PER_PAGE, total: r.total, onPage: (p) => { state.page = p; load(); } }));
    } catch (err) {
      if (err.status !== 401 && ctx.current()) fill(list, notice('error', errorText(err)));
    }
  }

  fill(slot, h('section', { class: 'page page-audit' },
    pageHead(t('nav.audit'), t('audit.intro')),
    section(t('audit.verify_title'), h('p', { class: 'muted' }, t('audit.verify_text')), h('div', { class: 'verify-row' }, verifyBtn), result),
    section(t('audit.entries_title'), filters, list)));
  load();
}
