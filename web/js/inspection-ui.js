// inspection-ui.js — what the spot-check pages share: inspection statuses and their badges, the
// booking a sample is about in one line, an inspection's timeline, and the draw of a sampling
// plan recomputed in the browser (SHA-256 of "seed:booking_id", smallest first) to compare with
// the published samples.
import { h } from './dom.js';
import { t, label } from './i18n.js';
import { catName, fmtAt, fmtWindow } from './services.js';

export const INSPECTION_STATUSES = ['assigned', 'passed', 'rectifying', 'answered', 'verified'];
const KIND = { assigned: 'warn', passed: 'ok', rectifying: 'danger', answered: 'brand', verified: 'ok' };

export function inspectionBadge(s) {
  return h('span', { class: `badge badge-${KIND[s] || 'neutral'} inspection-status`, dataset: { status: s } },
    label('inspection_statuses', s));
}

// "育婴服务 · 2026-10-27 08:00–18:00"
export function bookingLine(b) {
  if (!b) return '';
  return `${b.category ? catName(b.category) : ''} · ${fmtWindow(b.start, b.end)}`;
}

// An indicator's name in the current language.
export const indicatorName = (i) => catName({ name_zh: i.name_zh, name_en: i.name_en, code: i.code });

export function inspectionTimeline(items) {
  const list = Array.isArray(items) ? items : [];
  if (!list.length) return h('p', { class: 'state state-empty' }, t('timeline.empty'));
  return h('ol', { class: 'timeline inspection-timeline' }, list.map((e) => h('li', {
    class: ['timeline-item', e.action === 'failed' || e.action === 'overdue' || e.action === 'rejected' ? 'timeline-breach' : null],
    dataset: { action: e.action || '' },
  },
  h('time', { class: 'timeline-at', datetime: e.at }, fmtAt(e.at)),
  h('div', { class: 'timeline-body' },
    h('strong', null, label('inspection_actions', e.action)),
    h('span', { class: 'timeline-actor' }, ` · ${!e.actor || e.actor === 'jobs' ? t('complaints.system') : e.actor}`,
      e.actor_role ? h('span', { class: 'muted' }, ` (${label('roles', e.actor_role)})`) : null),
    e.note ? h('p', { class: ['timeline-note', e.action === 'drawn' ? 'rank' : null] },
      e.action === 'passed' || e.action === 'failed' ? t('inspections.score_of', { n: e.note })
        : e.action === 'drawn' ? [h('span', { class: 'muted' }, t('inspections.rank_is')), ' ', h('span', { class: 'mono' }, e.note)]
          : e.note) : null))));
}

// ---- the draw, recomputed ----

async function sha256Hex(text) {
  const buf = await crypto.subtle.digest('SHA-256', new TextEncoder().encode(text));
  return [...new Uint8Array(buf)].map((b) => b.toString(16).padStart(2, '0')).join('');
}

// The commitment a plan publishes before its draw: SHA-256 of the seed's text.
export const commitmentOf = (seed) => sha256Hex(seed);

// Whether this browser can recompute (WebCrypto needs a secure context: https or this machine).
export const canRecompute = () => Boolean(globalThis.crypto && crypto.subtle && typeof crypto.subtle.digest === 'function');

// The sample of one company as the plan's rule gives it: every population id ranked by
// sha256(seed:id) (ties by id), the first max(min, ceil(population × share / 100)), at most all.
export async function recompute(plan, company) {
  const ids = Array.isArray(company.population_ids) ? company.population_ids : [];
  const ranked = await Promise.all(ids.map(async (id) => ({ id, rank: await sha256Hex(`${plan.seed}:${id}`) })));
  ranked.sort((a, b) => (a.rank < b.rank ? -1 : a.rank > b.rank ? 1 : a.id - b.id));
  const pop = ids.length;
  const take = Math.min(pop, Math.max(plan.min_per_company || 0, Math.ceil((pop * plan.share_percent) / 100)));
  return ranked.slice(0, take).map((x) => x.id);
}
