// pages/my-worker.js — #/me/worker (role worker): the worker's own record (GET /api/me/worker):
// whether they may serve now in each trade and why; what waits for their answer (a company asking
// them to move, a customer asking to see their full record); their certificates each with its QR
// code for a customer to scan at the door; their record (birth date included: it is theirs); who
// may see their full record, for how long, how often it was seen; a transfer code to hand to a new
// company in person; their training and their checks.
import { h, fill } from '../dom.js';
import { t, label } from '../i18n.js';
import { api, errorText } from '../api.js';
import { pageHead, loading, empty, notice, section, button, messages, form, busy, showError } from '../ui.js';
import { tradeName, levelName, tradeList, colour, fmtDate, reasonList } from '../workforce.js';
import { fmtAt, standards } from '../services.js';
import { codeCard } from '../privacy.js';
import { consentSection } from '../consent.js';
import { facts, certBadge, checksTable, trainingTable } from './worker.js';
import { lapsingList } from './workers.js';

const listOf = (v) => (Array.isArray(v) ? v : (v && Array.isArray(v.items) ? v.items : []));

export function render(slot, ctx) {
  const body = h('div', { class: 'my-worker-body' }, loading());
  fill(slot, h('section', { class: 'page page-my-worker' }, pageHead(t('nav.my_worker'), t('my_worker.intro')), body));

  (async () => {
    let w;
    try {
      w = await api('GET', '/api/me/worker');
    } catch (err) {
      if (err.status === 401 || !ctx.current()) return;
      fill(body, notice(err.status === 404 ? 'info' : 'error', err.status === 404 ? t('my_worker.not_linked') : errorText(err)));
      return;
    }
    const std = await standards();
    if (!ctx.current()) return;
    const overall = w.eligibility ? w.eligibility.status : null;
    const trades = (w.eligibility && w.eligibility.trades) || (w.trades || []).map((tr) => ({ trade: tr }));
    const status = h('div', { class: 'elig-grid' }, trades.map((x) => tradeCard(w, x)));
    fill(body,
      h('div', { class: ['my-status', `my-status-${overall || 'none'}`] },
        h('p', { class: 'my-status-label' }, t('my_worker.status_now')),
        h('p', { class: 'my-status-value' }, colour(overall))),
      section(t('worker.eligibility'), trades.length ? status : empty(t('worker.no_trades'))),
      transfersSection(),
      consentSection(ctx, std.record_grant_max_days || 90),
      certsSection(listOf(w.certificates)),
      section(t('worker.record'), facts([
        [t('workers.name'), w.name],
        [t('workers.id_number'), h('span', { class: 'mono' }, w.id_number_masked)],
        [t('worker.birth_date'), w.birth_date ? fmtDate(w.birth_date) : null, 'birth_date'],
        [t('worker.sex'), w.sex ? label('sexes', w.sex) : null, 'sex'],
        [t('workers.trades'), tradeList(w.trades)],
        [t('workers.level'), levelName(w.level)],
        [t('workers.company'), w.company ? w.company.name : t('worker.no_company')],
        [t('workers.phone'), w.phone || null],
        [t('worker.suspension'), w.suspended_until ? t('worker.suspended_until', { date: fmtDate(w.suspended_until), reason: w.suspension_reason || '' }) : null],
        [t('workers.lapsing'), lapsingList(w.lapsing)],
      ])),
      codeSection(),
      trainingSection(listOf(w.training)),
      section(t('checks.title'), listOf(w.checks).length ? checksTable(listOf(w.checks)) : empty(t('checks.empty'))));
  })();

  // One trade's colour, and its reasons where the API lets the worker ask.
  function tradeCard(w, x) {
    const card = h('article', { class: ['elig-card', x.status ? `elig-${x.status}` : null], dataset: { trade: x.trade, status: x.status || '' } },
      h('h3', { class: 'elig-title' }, tradeName(x.trade), ' ', colour(x.status)));
    const why = h('div', { class: 'elig-why' });
    card.append(why);
    api('GET', `/api/workers/${w.id}/eligibility`, { query: { trade: x.trade }, keep401: true }).then((r) => {
      fill(card, h('h3', { class: 'elig-title' }, tradeName(x.trade), ' ', colour(r.status)),
        r.status === 'yellow' ? h('p', { class: 'elig-verdict' }, t('worker.may_serve_attention')) : null,
        r.reasons && r.reasons.length ? reasonList(r.reasons) : h('p', { class: 'muted' }, t('worker.no_reasons')));
    }).catch(() => {
      // reasons are for the employer to explain when the worker may not ask for them
      if (x.status && x.status !== 'green') fill(why, h('p', { class: 'muted' }, t('my_worker.ask_company')));
    });
    return card;
  }

  function certsSection(certs) {
    if (!certs.length) return section(t('certs.title'), empty(t('my_worker.no_certs')));
    return section(t('certs.title'), h('p', { class: 'muted' }, t('my_worker.certs_intro')),
      h('div', { class: 'cert-cards' }, certs.map((c) => h('article', { class: ['cert-card', `cert-${c.status}`], dataset: { serial: c.serial, status: c.status } },
        h('div', { class: 'cert-card-head' },
          h('h3', { class: 'cert-trade' }, tradeName(c.trade), ' · ', levelName(c.level)),
          certBadge(c.status)),
        h('img', {
          class: 'qr', src: `/api/certificates/${c.id}/qr.svg`, width: '200', height: '200',
          alt: t('my_worker.qr_alt', { serial: c.serial }),
        }),
        facts([
          [t('certs.serial'), h('span', { class: 'mono' }, c.serial)],
          [t('certs.validity'), `${fmtDate(c.valid_from)} – ${fmtDate(c.valid_until)}`],
        ]),
        h('p', { class: 'cert-links' },
          c.verify_url ? h('a', { class: 'btn btn-secondary', href: c.verify_url, target: '_blank', rel: 'noopener' }, t('my_worker.open_credential')) : null,
          ' ',
          h('a', { class: 'btn btn-quiet btn-link', href: `/verify/${encodeURIComponent(c.serial)}`, target: '_blank', rel: 'noopener' }, t('my_worker.check_serial')))))));
  }

  // Companies asking to register the worker: nothing moves until the worker says yes, here.
  function transfersSection() {
    const msg = messages();
    const box = h('div', { class: 'my-transfers-list' }, loading());
    const p = section(t('my_transfers.title'), msg, box);
    p.classList.add('my-transfers');
    const load = () => api('GET', '/api/transfers', { query: { status: 'pending', per_page: 100 } }).then((r) => {
      if (!ctx.current()) return;
      p.hidden = !r.items.length && !msg.firstChild;
      fill(box, r.items.length ? r.items.map(card) : h('p', { class: 'muted' }, t('my_transfers.none')));
    }).catch((err) => { if (err.status !== 401) fill(box, notice('error', errorText(err))); });
    function card(x) {
      const answer = (how) => async () => {
        await busy(f, async () => {
          try {
            await api('POST', `/api/transfers/${x.id}/${how}`, { body: {} });
            msg.show('success', t(how === 'accept' ? 'my_transfers.accepted' : 'my_transfers.declined', { to: x.to_company.name }));
            if (how === 'accept') { ctx.flashNext('success', t('my_transfers.accepted', { to: x.to_company.name })); ctx.go('/me/worker'); return; }
            load();
          } catch (err) {
            if (err.status !== 401) showError(f, errorText(err));
          }
        });
      };
      // saying yes changes the employer: it is asked twice
      const sure = h('div', { class: 'transfer-sure', hidden: true },
        h('p', { class: 'notice notice-warning' }, t('my_transfers.sure', { to: x.to_company.name, from: x.from_company ? x.from_company.name : t('transfers.nobody') })),
        button(t('my_transfers.accept_sure'), { kind: 'primary', onClick: answer('accept'), attrs: { class: 'btn btn-primary transfer-accept-sure' } }));
      const f = form({ class: 'form transfer-answer' },
        h('div', { class: 'form-actions' },
          button(t('my_transfers.accept'), { kind: 'primary', onClick: () => { sure.hidden = false; sure.querySelector('button').focus(); }, attrs: { class: 'btn btn-primary transfer-accept' } }),
          button(t('my_transfers.decline'), { onClick: answer('decline'), attrs: { class: 'btn btn-secondary transfer-decline' } })),
        sure);
      return h('article', { class: 'my-transfer', dataset: { transfer: x.id } },
        h('p', { class: 'strong' }, t('my_transfers.asks', { to: x.to_company.name })),
        facts([
          [t('my_transfers.from'), x.from_company ? x.from_company.name : t('transfers.nobody')],
          [t('transfers.asked_for'), `${tradeList(x.trades)} · ${levelName(x.level)}`],
          [t('transfers.requested_at'), fmtAt(x.requested_at)],
          [t('my_transfers.until'), fmtAt(x.expires_at)],
        ]),
        h('p', { class: 'muted' }, t('my_transfers.what')),
        f);
    }
    load();
    return p;
  }

  // A code to hand to a new company in person: with it they register the worker at once.
  function codeSection() {
    const out = h('div', { class: 'code-out' });
    const btn = button(t('my_transfers.make_code'), { attrs: { class: 'btn btn-secondary make-transfer-code' } });
    btn.addEventListener('click', async () => {
      btn.disabled = true;
      try {
        const r = await api('POST', '/api/me/transfer-code');
        fill(out, codeCard({
          kind: 'transfer', title: t('my_transfers.code_title'), code: r.code, expiresAt: r.expires_at,
          lines: [t('my_transfers.code_hand'), t('my_transfers.code_once')],
        }));
      } catch (err) {
        if (err.status !== 401) fill(out, notice('error', errorText(err)));
      } finally {
        btn.disabled = false;
      }
    });
    const p = section(t('my_transfers.code_section'), h('p', { class: 'muted' }, t('my_transfers.code_intro')), h('p', null, btn), out);
    p.classList.add('transfer-code');
    return p;
  }

  function trainingSection(items) {
    return section(t('my_worker.training'), items.length ? trainingTable(items) : empty(t('my_worker.no_training')));
  }


}
