// complaint-ui.js — what the complaint pages share: the codes of the contract (categories, duties,
// findings, payers, statuses), the running clock in words ("剩余 1 天 3 小时", paused, overdue in
// red) counting down on the page, status badges, evidence lists, the timeline of a complaint, and
// one small way to post a move from a form and say what went wrong next to the field the server
// names.
import { h } from './dom.js';
import { t, label } from './i18n.js';
import { api } from './api.js';
import { badge, busy, showApiError } from './ui.js';
import { fmtAt, fmtMoney } from './services.js';

export const CATEGORIES = ['quality', 'safety', 'privacy', 'property_damage', 'punctuality', 'attitude', 'price', 'other'];
export const DUTIES = ['complaints', 'quality', 'safety', 'service', 'training', 'management'];
export const FINDINGS = ['upheld', 'partly_upheld', 'not_upheld'];
export const PAYERS = ['company', 'worker', 'insurer', 'advance'];
export const CHANNELS = ['phone', 'walk_in'];
export const OPEN = ['received', 'in_progress', 'waiting_customer'];
export const EVIDENCE_MAX = 10;

const STATUS_KIND = { received: 'warn', in_progress: 'brand', waiting_customer: 'warn', resolved: 'ok', closed: 'muted' };
export function complaintBadge(s) {
  return h('span', { class: `badge badge-${STATUS_KIND[s] || 'neutral'} complaint-status`, dataset: { status: s } },
    label('complaint_statuses', s));
}

// Where a complaint about no booking stands with the service centre's check: waiting (late once its
// deadline passed) or not accepted; nothing for one verified or needing none.
export function verificationBadge(v) {
  if (!v || v.status === 'verified') return null;
  if (v.status === 'rejected') return badge(t('complaints.not_accepted'), 'muted');
  return h('span', { class: `badge badge-${v.overdue ? 'danger' : 'warn'} verification-pending` },
    t(v.overdue ? 'complaints.verify_late' : 'complaints.awaiting'));
}

const CLAIM_KIND = { claimed: 'warn', approved: 'brand', rejected: 'muted', paid: 'ok', recovered: 'ok' };
export function claimBadge(s) {
  return h('span', { class: `badge badge-${CLAIM_KIND[s] || 'neutral'} claim-status`, dataset: { status: s } },
    label('claim_statuses', s));
}

// A span of seconds in words: "1 天 3 小时", "2 小时 5 分钟", "12 分钟".
export function spanText(seconds) {
  const m = Math.floor(Math.abs(seconds) / 60);
  const d = Math.floor(m / 1440);
  const hr = Math.floor((m % 1440) / 60);
  if (d) return t('clock.days_hours', { d, h: hr });
  if (hr) return t('clock.hours_minutes', { h: hr, m: m % 60 });
  return t('clock.minutes', { m: Math.max(1, m % 60) });
}

// The state of a clock: 'paused', 'breached' (marked or run out), or 'running'.
export function clockState(c) {
  if (!c) return 'none';
  if (c.breached || c.seconds_left < 0) return 'breached';
  return c.paused ? 'paused' : 'running';
}

// The time on a running clock: to the minute while there is an hour or more, to the second in the
// last hour (so it is seen to tick), and the same once overdue.
function liveSpan(seconds) {
  const s = Math.floor(Math.abs(seconds));
  if (s >= 3600) return spanText(seconds);
  return t('clock.minutes_seconds', { m: Math.floor(s / 60), s: String(s % 60).padStart(2, '0') });
}

// What a clock says, seconds_left as of now.
function clockText(state, left) {
  if (state === 'breached') return left < 0 ? t('clock.overdue', { span: liveSpan(left) }) : t('clock.breached');
  if (state === 'paused') return t('clock.paused', { span: spanText(left) });
  return t('clock.left', { span: liveSpan(left) });
}

const warnMark = () => h('span', { class: 'clock-warn', 'aria-hidden': 'true' }, '⚠ ');

// Every clock on the page that is not paused counts down from the moment its answer arrived (the
// server's seconds_left, so a browser's wrong time of day does not matter), once a second, and
// turns overdue when it passes zero, without the page being loaded again. A clock taken off the
// page stops; the timer stops with the last one.
let ticker = null;
function tick() {
  const now = Date.now();
  const live = document.querySelectorAll('.clock[data-deadline]');
  if (!live.length) {
    clearInterval(ticker);
    ticker = null;
    return;
  }
  for (const el of live) {
    const left = Math.round((Number(el.dataset.deadline) - now) / 1000);
    const state = el.dataset.marked === 'true' || left < 0 ? 'breached' : 'running';
    if (el.dataset.left === String(left) && el.dataset.state === state) continue;
    el.dataset.left = String(left);
    if (el.dataset.state !== state) {
      el.dataset.state = state;
      el.classList.remove('clock-running', 'clock-breached');
      el.classList.add(`clock-${state}`);
      const warn = el.querySelector('.clock-warn');
      if (state === 'breached' && !warn) el.querySelector('.clock-text').prepend(warnMark());
      if (state !== 'breached' && warn) warn.remove();
    }
    const text = el.querySelector('.clock-words');
    if (text) text.textContent = clockText(state, left);
  }
}

// The running clock as a pill: which clock, and the time left, paused or overdue; it ticks.
// stacked: the clock's name on a line of its own (in lists).
export function clockView(c, { withName = true, stacked = false } = {}) {
  if (!c) return h('span', { class: 'clock clock-none muted' }, t('common.none'));
  const state = clockState(c);
  const left = c.seconds_left;
  // while paused the deadline moves on by the time waited: no date is promised then
  const title = state === 'paused' ? t('clock.due_moves') : t('clock.due', { at: fmtAt(c.due) });
  const ticking = !c.paused && Number.isFinite(left);
  const el = h('span', {
    class: ['clock', `clock-${state}`, stacked ? 'clock-stacked' : null],
    dataset: {
      clock: c.name, state, left,
      ...(ticking ? { deadline: Date.now() + left * 1000, marked: Boolean(c.breached) } : {}),
    },
    title,
  },
  withName ? h('span', { class: 'clock-name' }, stacked ? label('clock_names', c.name) : `${label('clock_names', c.name)}\u00a0·\u00a0`) : null,
  h('span', { class: 'clock-text' },
    state === 'breached' ? warnMark() : null,
    h('span', { class: 'clock-words' }, clockText(state, left))));
  if (ticking && !ticker) ticker = setInterval(tick, 1000);
  return el;
}

// Evidence as typed (one per line, or separated by commas) → a list of at most EVIDENCE_MAX
// references; null when there are more.
export function parseEvidence(text) {
  const list = String(text || '').split(/[\n,，、;；]+/).map((x) => x.trim()).filter(Boolean);
  return list.length > EVIDENCE_MAX ? null : list;
}

export function evidenceList(list) {
  const items = Array.isArray(list) ? list : [];
  if (!items.length) return null;
  return h('ul', { class: 'evidence' }, items.map((e) => h('li', { class: 'evidence-item' }, e)));
}

// The handler's notes as the server keeps them ("王经理 (quality)", "upheld: …", "5/5 …",
// "#3 12000", and the codes of the deadline job's escalations) in the reader's words.
const SYSTEM_NOTES = ['feedback_late', 'resolve_late', 'payment_late', 'decision_late'];
function noteText(e) {
  const n = e.note;
  if (!n) return null;
  if (e.action === 'file') return label('channels', n);
  if (e.action === 'close') return label('close_reasons', n);
  if (e.action === 'escalate' && SYSTEM_NOTES.includes(n)) return t(`timeline_notes.${n}`);
  let m;
  if (e.action === 'responsible' && (m = /^(.*) \((\w+)\)$/.exec(n))) return `${m[1]} · ${label('duties', m[2])}`;
  if (e.action === 'resolve' && (m = /^(\w+): ([\s\S]*)$/.exec(n))) return `${label('findings', m[1])} · ${m[2]}`;
  if ((e.action === 'accept' || e.action === 'reopen') && (m = /^([1-5])\/5 ?([\s\S]*)$/.exec(n))) return [t(m[1] === '1' ? 'accept.rated_one' : 'accept.rated', { n: m[1] }), m[2] ? ` · ${m[2]}` : ''].join('');
  if (/^claim_/.test(e.action) && (m = /^#(\d+) (\d+)(?: ([\s\S]*))?$/.exec(n))) {
    return [t('claims.event_note', { id: m[1], amount: fmtMoney(Number(m[2])) }), m[3] ? ` · ${m[3]}` : ''].join('');
  }
  return n;
}

// Who did it: the name, or the platform for the deadline job.
const who = (e) => (!e.actor || e.actor === 'jobs' ? t('complaints.system') : e.actor);

export function complaintTimeline(items) {
  const list = Array.isArray(items) ? items : [];
  if (!list.length) return h('p', { class: 'state state-empty' }, t('timeline.empty'));
  return h('ol', { class: 'timeline complaint-timeline' }, list.map((e) => h('li', {
    class: ['timeline-item', e.internal ? 'timeline-internal' : null, /breached/.test(e.action) ? 'timeline-breach' : null],
    dataset: { action: e.action || '', to: e.to || '' },
  },
  h('time', { class: 'timeline-at', datetime: e.at }, fmtAt(e.at)),
  h('div', { class: 'timeline-body' },
    h('strong', null, label('complaint_actions', e.action)),
    e.internal ? [' ', badge(t('complaints.internal'), 'muted')] : null,
    e.from !== e.to && e.to ? h('span', { class: 'muted' }, ` · ${label('complaint_statuses', e.to)}`) : null,
    h('span', { class: 'timeline-actor' }, ` · ${who(e)}`, e.actor_role ? h('span', { class: 'muted' }, ` (${label('roles', e.actor_role)})`) : null),
    noteText(e) ? h('p', { class: 'timeline-note' }, noteText(e)) : null))));
}

// Posts body to path with f's buttons held; onDone(answer) after, the error in f otherwise.
export async function send(f, path, body, onDone) {
  await busy(f, async () => {
    try {
      const r = await api('POST', path, { body });
      onDone(r);
    } catch (err) {
      if (err.status !== 401) showApiError(f, err);
    }
  });
}
