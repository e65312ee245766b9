// worker-public.js — /workers/<id>: a worker's public profile (GET /api/public/workers/{id}), for a
// customer deciding whom to let in: masked name, age band, trades, level, years of experience,
// employer, certificates and their validity, training in brief. Never the ID number, phone, birth
// date or full name — the API does not give them.
import { h } from './dom.js';
import { t, label } from './i18n.js';
import { api, errorText } from './api.js';
import { loading, notice, badge } from './ui.js';
import { tradeList, tradeName, levelName, fmtDate } from './workforce.js';
import { startPublic, bootFailed } from './public.js';

const m = /^\/workers\/([1-9]\d{0,17})\/?$/.exec(window.location.pathname);
const state = { id: m ? m[1] : null, w: null, err: null };
const CERT_BADGE = { valid: 'ok', expired: 'warn', revoked: 'danger', renewed: 'muted' };

function fact(k, v, key) {
  return v === null || v === undefined || v === '' ? null : [h('dt', null, k), h('dd', { dataset: { fact: key } }, v)];
}

function view() {
  if (!state.id) return [h('h1', { class: 'page-title', tabindex: '-1' }, t('public_worker.title')), notice('error', t('public_worker.not_found'))];
  if (state.err) return [h('h1', { class: 'page-title', tabindex: '-1' }, t('public_worker.title')), notice('error', state.err)];
  const w = state.w;
  if (!w) return [h('h1', { class: 'visually-hidden' }, t('public_worker.title')), loading()];
  const revoked = w.status === 'revoked';
  const tr = w.training || {};
  const certs = Array.isArray(w.certificates) ? w.certificates : [];
  return h('div', { class: 'public-worker', dataset: { worker: w.id, status: w.status } },
    h('section', { class: ['profile-head', revoked ? 'profile-revoked' : null] },
      h('span', { class: 'profile-avatar', 'aria-hidden': 'true' }, (w.masked_name || '?').slice(0, 1)),
      h('div', null,
        h('h1', { class: 'profile-name', tabindex: '-1' }, w.masked_name),
        h('p', { class: 'profile-sub' }, tradeList(w.trades), w.level ? ` · ${levelName(w.level)}` : ''),
        revoked ? badge(label('person_statuses', 'revoked'), 'danger') : badge(label('person_statuses', 'active'), 'ok'))),
    revoked ? notice('error', t('public_worker.revoked')) : null,
    h('section', { class: 'public-card' },
      h('h2', { class: 'panel-title' }, t('public_worker.about')),
      h('dl', { class: 'facts' },
        fact(t('public_worker.age_band'), w.age_band ? t('public_worker.age', { band: w.age_band }) : null, 'age_band'),
        fact(t('workers.trades'), tradeList(w.trades), 'trades'),
        fact(t('workers.level'), w.level ? levelName(w.level) : null, 'level'),
        fact(t('public_worker.experience'), w.years_of_experience === null || w.years_of_experience === undefined ? null : t('public_worker.years', { n: w.years_of_experience }), 'experience'),
        fact(t('workers.company'), w.company ? w.company.name : t('worker.no_company'), 'company'),
        fact(t('public_worker.rating'), w.rating === null || w.rating === undefined ? t('public_worker.no_rating') : String(w.rating), 'rating'))),
    h('section', { class: 'public-card' },
      h('h2', { class: 'panel-title' }, t('certs.title')),
      certs.length ? h('ul', { class: 'public-certs' }, certs.map((c) => h('li', { class: ['public-cert', `cert-${c.status}`], dataset: { serial: c.serial, status: c.status } },
        h('div', { class: 'public-cert-head' }, h('strong', null, tradeName(c.trade)), c.level ? ` · ${levelName(c.level)}` : '', ' ',
          h('span', { class: `badge badge-${CERT_BADGE[c.status] || 'neutral'}` }, label('cert_statuses', c.status))),
        h('p', { class: 'muted' }, h('span', { class: 'mono' }, c.serial), ' · ', t('public_worker.valid_range', { from: fmtDate(c.valid_from), until: fmtDate(c.valid_until) })),
        h('a', { href: `/verify/${encodeURIComponent(c.serial)}` }, t('public_worker.verify')))))
        : h('p', { class: 'state state-empty' }, t('public_worker.no_certs'))),
    h('section', { class: 'public-card' },
      h('h2', { class: 'panel-title' }, t('training_summary.title')),
      h('dl', { class: 'facts' },
        fact(t('training_summary.courses_passed'), String(tr.courses_passed ?? 0), 'courses_passed'),
        fact(t('training_summary.credits_12_months'), String(tr.credits_12_months ?? 0), 'credits'),
        fact(t('training_summary.last_refresher'), tr.last_refresher || t('training_summary.never'), 'last_refresher'),
        fact(t('public_worker.safety'), tr.safety_training ? badge(t('public_worker.safety_yes'), 'ok') : badge(t('public_worker.safety_no'), 'danger'), 'safety'))),
    h('p', { class: 'muted public-note' }, t('public_worker.note')));
}

async function main() {
  const redraw = await startPublic(view, 'public_worker.title');
  if (!state.id) return;
  try {
    state.w = await api('GET', `/api/public/workers/${state.id}`);
  } catch (err) {
    state.err = err.status === 404 ? t('public_worker.not_found') : errorText(err);
  }
  redraw();
}

main().catch(bootFailed);
