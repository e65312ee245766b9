// privacy.js — what the pages about personal data share: the one-time code shown once (an
// account's set-up or reset code, a worker's transfer code), the access log's words (what was read,
// through what, with what outcome), and the statuses of transfers, consents and data requests.
import { h } from './dom.js';
import { t, label, has } from './i18n.js';
import { badge, button } from './ui.js';
import { fmtAt } from './services.js';

// A one-time code, large and alone, with when it ends and what to do with it. lines are sentences
// under it; onDone (optional) gives a button that takes the card away once the code is handed over.
export function codeCard({ title, code, expiresAt, lines = [], kind = 'setup', onDone }) {
  return h('section', { class: ['panel', 'code-card'], dataset: { kind }, role: 'status', 'aria-live': 'polite' },
    h('h2', { class: 'panel-title' }, title),
    h('p', { class: 'code-label' }, t('codes.label')),
    h('p', { class: 'one-time-code mono', dataset: { code } }, code),
    expiresAt ? h('p', { class: 'code-expires' }, t('codes.expires', { at: fmtAt(expiresAt) })) : null,
    lines.length ? h('ul', { class: 'code-lines' }, lines.map((l) => h('li', null, l))) : null,
    onDone ? h('div', { class: 'form-actions' }, button(t('codes.done'), { kind: 'secondary', onClick: onDone, attrs: { class: 'btn btn-secondary code-done' } })) : null);
}

// "booking:12" → "预约 #12"; "worker_list" → "服务员名册".
export function viaText(via) {
  if (!via) return t('common.none');
  const [kind, id] = String(via).split(':');
  const name = has(`access.via.${kind}`) ? label('access.via', kind) : kind;
  return id ? `${name} #${id}` : name;
}

export const whatText = (what) => label('access.what', what);
export const outcomeText = (o) => (o ? label('access.outcome', o) : '');

const TRANSFER_BADGE = { pending: 'warn', accepted: 'ok', declined: 'muted', cancelled: 'muted', expired: 'muted' };
export const transferBadge = (s) => h('span', { class: `badge badge-${TRANSFER_BADGE[s] || 'neutral'} transfer-status`, dataset: { status: s } }, label('transfer_statuses', s));

const GRANT_BADGE = { live: 'ok', expired: 'muted', withdrawn: 'muted' };
export const grantBadge = (s) => h('span', { class: `badge badge-${GRANT_BADGE[s] || 'neutral'} grant-status`, dataset: { status: s } }, label('grant_statuses', s));

// A data request's state: answered (done/refused), or open with its deadline, late ones marked.
export function requestState(d) {
  if (d.status === 'done') return badge(label('request_statuses', 'done'), 'ok');
  if (d.status === 'refused') return badge(label('request_statuses', 'refused'), 'muted');
  return [badge(label('request_statuses', 'open'), d.overdue ? 'danger' : 'warn'),
    d.overdue ? [' ', h('span', { class: 'badge badge-danger request-late' }, t('data_requests.late'))] : null];
}

// "2026-12-18 19:10 前答复" with a mark when the deadline has passed.
export function dueText(d) {
  if (d.status !== 'open') return d.answered_at ? t('data_requests.answered_at', { at: fmtAt(d.answered_at) }) : '';
  return h('span', { class: d.overdue ? 'due due-late' : 'due' }, t(d.overdue ? 'data_requests.was_due' : 'data_requests.due', { at: fmtAt(d.due_at) }));
}
