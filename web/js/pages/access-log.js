// pages/access-log.js — #/access-log (audit.read: the association admin): every read of a person's
// personal data by someone else and every look-up of a person by ID number (GET /api/access-log),
// newest first, filtered by what was read, by the organisation that read it and by the person.
import { h, fill } from '../dom.js';
import { t, fmtTime, label } from '../i18n.js';
import { api, errorText, listAll } from '../api.js';
import { pageHead, loading, empty, table, pager, notice, button, field, input, select } from '../ui.js';
import { viaText, whatText, outcomeText } from '../privacy.js';

const PER_PAGE = 50;
export const WHATS = ['phone', 'address', 'contact_phone', 'record', 'full_record', 'id_lookup', 'phone_lookup'];

export function render(slot, ctx) {
  const state = { what: ctx.query.get('what') || '', org_id: '', subject: '', subject_id: '', page: 1 };
  if (!WHATS.includes(state.what)) state.what = '';
  const list = h('div', { class: 'list access-list' }, loading());

  const whatSel = select([{ value: '', label: t('common.all') }, ...WHATS.map((w) => ({ value: w, label: whatText(w) }))], { name: 'what', value: state.what });
  const orgSel = select([{ value: '', label: t('common.all') }], { name: 'org_id' });
  const subjectSel = select([{ value: '', label: t('common.all') }, ...['worker', 'customer'].map((s) => ({ value: s, label: label('access.subjects', s) }))], { name: 'subject' });
  const subjectId = input({ type: 'number', min: '1', step: '1', inputmode: 'numeric', name: 'subject_id', class: 'input mono' });
  listAll('/api/orgs').then((orgs) => orgSel.append(...orgs.map((o) => h('option', { value: o.id }, o.name)))).catch(() => { /* "all" still works */ });
  const filters = h('form', { class: 'filters', role: 'search', 'aria-label': t('common.filters') },
    field({ label: t('access.what_label'), control: whatSel }),
    field({ label: t('access.org'), control: orgSel }),
    field({ label: t('access.subject'), control: subjectSel }),
    field({ label: t('access.subject_id'), control: subjectId }),
    h('div', { class: 'filters-actions' },
      h('button', { type: 'submit', class: 'btn btn-primary' }, t('common.search')),
      button(t('common.reset'), { onClick: () => { filters.reset(); Object.assign(state, { what: '', org_id: '', subject: '', subject_id: '', page: 1 }); load(); } })));
  filters.addEventListener('submit', (e) => {
    e.preventDefault();
    const sid = Number(subjectId.value);
    Object.assign(state, {
      what: whatSel.value, org_id: orgSel.value, subject: subjectSel.value,
      subject_id: Number.isInteger(sid) && sid > 0 ? sid : '', page: 1,
    });
    load();
  });

  // The person read: a worker's record is a link for the association; a customer is a number.
  const who = (a) => {
    if (!a.subject_id) return h('span', { class: 'muted' }, t('access.nobody_found'));
    const text = `${label('access.subjects', a.subject)} #${a.subject_id}`;
    return a.subject === 'worker' ? h('a', { href: `#/workers/${a.subject_id}` }, text) : text;
  };

  async function load() {
    fill(list, loading());
    try {
      const r = await api('GET', '/api/access-log', { query: { ...state, per_page: PER_PAGE } });
      if (!ctx.current()) return;
      if (!r.items.length) { fill(list, empty(t('access.empty'))); return; }
      fill(list, table({
        caption: t('nav.access_log'),
        columns: [
          { label: t('access.at'), class: 'nowrap', cell: (a) => h('time', { datetime: a.at }, fmtTime(a.at)) },
          { label: t('access.actor'), cell: (a) => h('span', { class: 'mono' }, a.actor && a.actor.login ? a.actor.login : t('audit.system')) },
          { label: t('access.org'), cell: (a) => (a.org ? a.org.name : t('common.none')) },
          { label: t('access.what_label'), cell: (a) => [whatText(a.what), a.outcome ? h('span', { class: 'muted' }, ` · ${outcomeText(a.outcome)}`) : null] },
          { label: t('access.subject'), class: 'nowrap', cell: who },
          { label: t('access.via_label'), cell: (a) => viaText(a.via) },
        ],
        rows: r.items,
        rowAttrs: (a) => ({ dataset: { what: a.what, org: a.org ? a.org.id : '', subject: a.subject, subjectId: a.subject_id || '' } }),
      }), pager({ page: r.page, perPage: PER_PAGE, total: r.total, onPage: (p) => { state.page = p; load(); } }));
    } catch (err) {
      if (err.status !== 401 && ctx.current()) fill(list, notice('error', errorText(err)));
    }
  }

  fill(slot, h('section', { class: 'page page-access-log' },
    pageHead(t('nav.access_log'), t('access.intro')),
    filters, list));
  load();
}
