// pages/track.js — #/track, public (and for the signed in): a caller follows their complaint with
// the tracking number they were given (?no=… fills it in) and the last four digits of the number
// they left (POST /api/public/complaints/track; never in the address). The answer: the status, the
// two clocks — first feedback within the standard's hours, then the conclusion — counting down live,
// the public steps (what happened when; never who, nor what anyone wrote) and the caller's own
// words, with what to do next. A complaint about no booking waits for the service centre's check
// first: its clock then, and the reason if the centre did not accept it. A wrong number or last four is one "not found"; too many tries, a
// wait.
import { h, fill, uid } from '../dom.js';
import { t, label, fmtWait } from '../i18n.js';
import { api, errorText } from '../api.js';
import { pageHead, notice, field, input, form, clearErrors, showError, busy, section, badge } from '../ui.js';
import { fmtAt } from '../services.js';
import { complaintBadge, clockView } from '../complaint-ui.js';

const TRACKING_RE = /^TS\d{8}-\d{6}$/;

// One of the two clocks: done (when, in time or not), running (live), or waiting its turn.
function clockRow(c, name) {
  const done = name === 'feedback' ? c.first_feedback_at : c.resolved_at;
  const inTime = name === 'feedback' ? c.feedback_in_time : c.resolved_in_time;
  const due = name === 'feedback' ? c.feedback_due : c.resolve_due;
  let state;
  if (done) {
    state = [t(name === 'feedback' ? 'track.feedback_done' : 'track.resolve_done', { at: fmtAt(done) }), ' ',
      inTime === false ? badge(t('complaints.late'), 'danger') : badge(t('complaints.in_time'), 'ok')];
  } else if (c.clock && c.clock.name === name) {
    state = [clockView(c.clock, { withName: false }), ' ',
      h('span', { class: 'muted' }, c.clock.paused ? t('clock.due_moves') : t('clock.due', { at: fmtAt(due) }))];
  } else if (c.status === 'closed' || c.status === 'resolved') {
    state = h('span', { class: 'muted' }, t('common.none'));
  } else {
    state = h('span', { class: 'muted' }, t('track.due_later', { at: fmtAt(due) }));
  }
  return h('div', { class: 'track-clock', dataset: { clock: name, state: done ? 'done' : c.clock && c.clock.name === name ? 'running' : 'waiting' } },
    h('dt', null, label('clock_names', name)), h('dd', null, state));
}

// What the caller can do now.
function nextStep(c) {
  if (c.verification && c.verification.status === 'pending') return t('track.next_verify');
  if (c.status === 'waiting_customer') return t('track.next_waiting');
  if (c.status === 'resolved') return c.reopen_until ? t('track.next_resolved', { at: fmtAt(c.reopen_until) }) : t('track.next_resolved_plain');
  if (c.status === 'closed') return t('track.next_closed');
  return t('track.next_open');
}

function result(c) {
  const v = c.verification;
  const pending = Boolean(v && v.status === 'pending');
  const rejected = Boolean(v && v.status === 'rejected');
  return h('div', { class: 'track-result', dataset: { status: c.status, tracking: c.tracking_no, verification: v ? v.status : 'none' } },
    section(t('track.result_title', { no: c.tracking_no }),
      h('p', { class: 'track-status' }, complaintBadge(c.status), ' ',
        label('complaint_categories', c.category), c.company ? ` · ${c.company.name}` : '',
        c.handler === 'association' ? [' ', badge(t('complaints.by_association'), 'brand')] : null),
      // the service centre's check first; not accepted, there are no clocks to show
      pending ? h('dl', { class: 'track-clocks' }, h('div', { class: 'track-clock', dataset: { clock: 'verify', state: 'running' } },
        h('dt', null, label('clock_names', 'verify')),
        h('dd', null, clockView(c.clock, { withName: false }), ' ', h('span', { class: 'muted' }, t('clock.due', { at: fmtAt(v.due) })))))
        : rejected ? [h('p', { class: 'track-rejected' }, badge(t('complaints.not_accepted'), 'muted'), ' ', t('track.not_accepted')),
          h('blockquote', { class: 'reject-reason' }, v.reason || '')]
          : h('dl', { class: 'track-clocks' }, clockRow(c, 'feedback'), clockRow(c, 'resolve')),
      c.finding ? h('p', { class: 'track-finding' }, h('span', { class: 'muted' }, t('track.finding')), ' ',
        badge(label('findings', c.finding), c.finding === 'not_upheld' ? 'muted' : 'warn')) : null,
      h('p', { class: 'notice notice-info track-next' }, nextStep(c))),
    h('div', { class: 'columns' },
      section(t('track.steps'), c.steps && c.steps.length ? h('ol', { class: 'timeline track-steps' }, c.steps.map((e) => h('li', {
        class: ['timeline-item', /breached/.test(e.action) ? 'timeline-breach' : null], dataset: { action: e.action, to: e.to || '' },
      },
      h('time', { class: 'timeline-at', datetime: e.at }, fmtAt(e.at)),
      h('div', { class: 'timeline-body' }, h('strong', null, label('complaint_actions', e.action)),
        e.to && e.from !== e.to ? h('span', { class: 'muted' }, ` · ${label('complaint_statuses', e.to)}`) : null)))) : null),
      section(t('track.your_words'),
        h('p', { class: 'muted' }, t('track.filed_at', { at: fmtAt(c.created_at), channel: label('channels', c.channel) })),
        h('blockquote', { class: 'track-description' }, c.description || ''))));
}

export function render(slot, ctx) {
  const asked = (ctx.query.get('no') || '').trim().toUpperCase();
  const no = input({ name: 'tracking_no', maxlength: '40', autocomplete: 'off', spellcheck: 'false', class: 'input mono', value: asked, placeholder: 'TS20261203-000031' });
  const last4 = input({ name: 'phone_last4', inputmode: 'numeric', maxlength: '4', autocomplete: 'off', class: 'input mono input-last4', pattern: '\\d{4}' });
  const out = h('div', { class: 'track-out', 'aria-live': 'polite' });
  const f = form({ class: ['form', 'track-form'] },
    h('div', { class: 'form-grid' },
      field({ label: t('track.number'), control: no, name: 'tracking_no', hint: t('track.number_hint') }),
      field({ label: t('track.last4'), control: last4, name: 'phone_last4', hint: t('track.last4_hint') })),
    h('div', { class: 'form-actions' }, h('button', { type: 'submit', class: 'btn btn-primary btn-big' }, t('track.submit'))));
  const head = uid('track');
  fill(slot, h('section', { class: 'page page-track', 'aria-labelledby': head },
    pageHead(t('track.title'), t('track.intro')), f, out));
  slot.querySelector('.page-title').id = head;

  f.addEventListener('submit', async (e) => {
    e.preventDefault();
    clearErrors(f);
    const number = no.value.trim().toUpperCase();
    const digits = last4.value.trim();
    if (!number) return showError(f, t('track.number_required'), 'tracking_no');
    if (!TRACKING_RE.test(number)) return showError(f, t('track.number_form'), 'tracking_no');
    if (!/^\d{4}$/.test(digits)) return showError(f, t('track.last4_required'), 'phone_last4');
    fill(out);
    const page = slot.querySelector('.page-track');
    await busy(f, async () => {
      try {
        const c = await api('POST', '/api/public/complaints/track', { body: { tracking_no: number, phone_last4: digits } });
        if (!ctx.current()) return;
        page.dataset.state = 'found';
        ctx.setQuery({ no: number });
        fill(out, result(c));
      } catch (err) {
        if (!ctx.current()) return;
        page.dataset.state = err.status === 404 ? 'not-found' : err.status === 429 ? 'wait' : 'failed';
        if (err.status === 404) fill(out, notice('error', t('track.not_found')));
        else if (err.status === 429) fill(out, notice('warning', err.retryAfter ? t('track.wait', { wait: fmtWait(err.retryAfter) }) : errorText(err)));
        else if (err.field) showError(f, errorText(err), err.field);
        else fill(out, notice('error', errorText(err)));
      }
    });
  });
  (asked ? last4 : no).focus({ preventScroll: true });
}
