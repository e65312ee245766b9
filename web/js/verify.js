// verify.js — /verify and /verify/<serial>, for anyone at the door with a phone.
//  • /verify/<serial>: the certificate's status as the server has it now (GET /api/public/verify).
//  • /verify#<token> (the QR code's link) or a pasted token: the credential AJ1.<payload>.<sig> is
//    checked here, in the browser, against the association's public keys (Ed25519 by WebCrypto);
//    then the server is asked for the live status, since a revocation does not change a signature.
//    The keys are kept (localStorage, and by the service worker) so the check works offline, when
//    the page says that revocations newer than the token cannot be seen.
import { h } from './dom.js';
import { t, label, getLang } from './i18n.js';
import { api, errorText } from './api.js';
import { loading, notice } from './ui.js';
import { tradeList, levelName, fmtDate, today } from './workforce.js';
import { startPublic, bootFailed } from './public.js';

const KEYS_STORE = 'anjia.keys';

// ---- base64url, strictly: one spelling per byte string, so no character can change unseen ----
function b64uEncode(bytes) {
  let bin = '';
  for (const b of bytes) bin += String.fromCharCode(b);
  return btoa(bin).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
}

export function b64uDecode(s) {
  const u = String(s).replace(/=+$/, '');
  if (!/^[A-Za-z0-9_-]*$/.test(u) || u.length % 4 === 1) throw new Error('base64url');
  const bin = atob(u.replace(/-/g, '+').replace(/_/g, '/') + '==='.slice((u.length + 3) % 4));
  const bytes = Uint8Array.from(bin, (c) => c.charCodeAt(0));
  if (b64uEncode(bytes) !== u) throw new Error('base64url'); // stray bits in the last character
  return bytes;
}

// A public key as the server writes it (base64url, base64 or hex; raw or SPKI) → its 32 bytes.
function keyBytes(text) {
  const s = String(text || '').trim();
  let bytes;
  if (/^[0-9a-fA-F]{64}$/.test(s)) bytes = Uint8Array.from(s.match(/../g), (x) => parseInt(x, 16));
  else bytes = b64uDecode(s.replace(/\+/g, '-').replace(/\//g, '_'));
  if (bytes.length === 44) bytes = bytes.slice(12); // SPKI: 302a300506032b6570032100 ‖ key
  if (bytes.length !== 32) throw new Error('key length');
  return bytes;
}

// The token's parts, or null when it is not AJ1.<payload>.<signature> with a JSON payload.
export function parseToken(raw) {
  const token = String(raw || '').trim().replace(/^#/, '');
  const parts = token.split('.');
  if (parts.length !== 3 || parts[0] !== 'AJ1' || !parts[1] || !parts[2]) return null;
  try {
    const payloadBytes = b64uDecode(parts[1]);
    const sig = b64uDecode(parts[2]);
    const payload = JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(payloadBytes));
    if (!payload || typeof payload !== 'object' || Array.isArray(payload)) return null;
    return { token, payload, sig, data: new TextEncoder().encode(`${parts[0]}.${parts[1]}`) };
  } catch {
    return null;
  }
}

// The public keys and where they came from: 'network' (just fetched), or 'stored' (kept from an
// earlier visit, because the server could not be reached) with when they were fetched.
async function publicKeys() {
  try {
    const res = await fetch('/api/public/keys', { headers: { Accept: 'application/json' }, cache: 'no-store' });
    if (!res.ok) throw new Error(`keys ${res.status}`);
    const body = await res.json();
    const items = Array.isArray(body.items) ? body.items : [];
    // the service worker answers from its cache when offline, and says so
    if (res.headers.get('X-Anjia-Cache') === 'offline') {
      return { items, source: 'stored', fetchedAt: res.headers.get('X-Anjia-Cached-At') || stored()?.fetchedAt || null };
    }
    try { localStorage.setItem(KEYS_STORE, JSON.stringify({ items, fetchedAt: new Date().toISOString() })); } catch { /* not kept */ }
    return { items, source: 'network' };
  } catch {
    const s = stored();
    return s ? { items: s.items, source: 'stored', fetchedAt: s.fetchedAt } : { items: [], source: 'none' };
  }
}

function stored() {
  try {
    const s = JSON.parse(localStorage.getItem(KEYS_STORE) || 'null');
    return s && Array.isArray(s.items) ? s : null;
  } catch {
    return null;
  }
}

// Whether sig is payload's Ed25519 signature by the key with kid; 'unsupported' without WebCrypto's
// Ed25519 (an old browser, or a page not served over https).
async function checkSignature(parsed, key) {
  if (!globalThis.crypto || !crypto.subtle) return 'unsupported';
  let k;
  try {
    k = await crypto.subtle.importKey('raw', keyBytes(key.public_key), { name: 'Ed25519' }, false, ['verify']);
  } catch (err) {
    return err && err.name === 'NotSupportedError' ? 'unsupported' : 'bad_key';
  }
  if (parsed.sig.length !== 64) return false;
  return crypto.subtle.verify({ name: 'Ed25519' }, k, parsed.sig, parsed.data);
}

// The live status of a serial: { status, body } | { notFound } | { offline } | { error }.
async function liveStatus(serial) {
  try {
    const body = await api('GET', `/api/public/verify/${encodeURIComponent(serial)}`);
    return { status: body.status, body };
  } catch (err) {
    if (err.status === 404) return { notFound: true };
    if (err.status === 0) return { offline: true };
    return { error: errorText(err) };
  }
}

// ---- the page ----
function safeDecode(s) {
  try { return decodeURIComponent(s); } catch { return s; }
}
const path = window.location.pathname.replace(/\/+$/, '');
const serialInPath = /^\/verify\/(.+)$/.exec(path);
const state = {
  mode: serialInPath ? 'serial' : 'token',
  serial: serialInPath ? safeDecode(serialInPath[1]) : null,
  token: serialInPath ? '' : safeDecode(window.location.hash.replace(/^#/, '')),
  busy: false,
  live: null,     // mode serial: liveStatus()
  check: null,    // mode token: { parsed, keys, sig, live }
};
let redraw = () => {};

const STATUS_KIND = { valid: 'valid', expired: 'expired', revoked: 'revoked', renewed: 'renewed' };

function fact(k, v, key) {
  return v === null || v === undefined || v === '' ? null : [h('dt', null, k), h('dd', key ? { dataset: { fact: key } } : null, v)];
}

function certFacts(c) {
  return h('dl', { class: 'facts verify-facts' },
    fact(t('certs.serial'), h('span', { class: 'mono' }, c.serial), 'serial'),
    fact(t('verify.name'), c.masked_name, 'name'),
    fact(t('workers.trades'), tradeList(c.trades), 'trades'),
    fact(t('workers.level'), c.level ? levelName(c.level) : null, 'level'),
    fact(t('certs.validity'), c.valid_from || c.valid_until ? `${fmtDate(c.valid_from)} – ${fmtDate(c.valid_until)}` : null, 'validity'),
    fact(t('workers.company'), c.company ? c.company.name : (c.company === null ? t('worker.no_company') : null), 'company'));
}

// The big coloured answer at the top.
function verdict(kind, title, text) {
  return h('section', { class: `verdict verdict-${kind}`, dataset: { verdict: kind }, 'aria-live': 'polite' },
    h('span', { class: 'verdict-icon', 'aria-hidden': 'true' }),
    h('div', { class: 'verdict-text' },
      h('h1', { class: 'verdict-title', tabindex: '-1' }, title),
      text ? h('p', { class: 'verdict-sub' }, text) : null));
}

function viewSerial() {
  const l = state.live;
  if (!l) return [h('h1', { class: 'visually-hidden' }, t('verify.title')), loading()];
  if (l.notFound) return [verdict('invalid', t('verify.no_such_serial'), t('verify.no_such_serial_text', { serial: state.serial })), tokenLink()];
  if (l.offline) return [verdict('unknown', t('verify.offline_title'), t('verify.offline_serial')), tokenLink()];
  if (l.error) return [verdict('unknown', t('verify.title'), l.error), tokenLink()];
  const c = l.body;
  const kind = STATUS_KIND[c.status] || 'unknown';
  return [
    verdict(kind, label('verify.status', c.status), t(`verify.status_text.${kind}`)),
    h('section', { class: 'public-card' }, certFacts(c),
      c.worker_id ? h('p', null, h('a', { class: 'btn btn-secondary profile-link', href: `/workers/${c.worker_id}` }, t('verify.profile'))) : null),
    tokenLink(),
  ];
}

function tokenLink() {
  return h('p', { class: 'muted verify-other' }, t('verify.have_token'), ' ', h('a', { href: '/verify' }, t('verify.check_token')));
}

function viewToken() {
  const area = h('textarea', {
    class: 'input mono token-input', rows: '4', spellcheck: 'false', autocapitalize: 'none', autocomplete: 'off',
    id: 'token', 'aria-describedby': 'token-hint',
  });
  area.value = state.token;
  const f = h('form', { class: 'form verify-form', novalidate: true },
    h('div', { class: 'field' },
      h('label', { class: 'field-label', for: 'token' }, t('verify.token_label')),
      area,
      h('p', { class: 'field-hint', id: 'token-hint' }, t('verify.token_hint'))),
    h('div', { class: 'form-actions' },
      h('button', { type: 'submit', class: 'btn btn-primary', disabled: state.busy }, t('verify.check'))));
  f.addEventListener('submit', (e) => {
    e.preventDefault();
    state.token = area.value.trim();
    runCheck();
  });
  const out = [];
  const c = state.check;
  if (state.busy) out.push(loading());
  else if (c) out.push(...checkView(c));
  else out.push(h('h1', { class: 'page-title verify-h1', tabindex: '-1' }, t('verify.title')), h('p', { class: 'page-intro' }, t('verify.intro')));
  return [...out, h('section', { class: 'public-card' }, f)];
}

function checkView(c) {
  if (!c.parsed) {
    return [verdict('invalid', t('verify.sig_invalid'), t('verify.malformed'))];
  }
  const p = c.parsed.payload;
  const serial = p.s;
  const inDates = p.f && p.u ? (today() >= fmtDate(p.f) && today() <= fmtDate(p.u)) : null;
  const offline = c.keys.source !== 'network';
  let kind;
  let title;
  let sub;
  if (c.sig === true) {
    const live = c.live || {};
    if (live.status && live.status !== 'valid') {
      kind = STATUS_KIND[live.status] || 'unknown';
      title = label('verify.status', live.status);
      sub = t('verify.genuine_but', { status: label('verify.status', live.status) });
    } else if (inDates === false) {
      kind = 'expired';
      title = t('verify.outside_dates');
      sub = t('verify.genuine_dates');
    } else {
      kind = live.status === 'valid' ? 'valid' : 'genuine';
      title = t(live.status === 'valid' ? 'verify.valid_title' : 'verify.genuine_title');
      sub = live.status === 'valid' ? t('verify.valid_text') : t('verify.genuine_text');
    }
  } else if (c.sig === false || c.sig === 'bad_key') {
    kind = 'invalid';
    title = t('verify.sig_invalid');
    sub = t('verify.sig_invalid_text');
  } else if (c.sig === 'unknown_key') {
    kind = offline ? 'unknown' : 'invalid';
    title = t(offline ? 'verify.key_unknown_offline' : 'verify.sig_invalid');
    sub = t(offline ? 'verify.key_unknown_offline_text' : 'verify.key_unknown');
  } else if (c.sig === 'no_keys') {
    kind = 'unknown';
    title = t('verify.no_keys');
    sub = t('verify.no_keys_text');
  } else {
    kind = 'unknown';
    title = t('verify.unsupported');
    sub = t('verify.unsupported_text');
  }
  const sigLine = c.sig === true
    ? h('p', { class: 'sig sig-valid', dataset: { sig: 'valid' } }, h('span', { class: 'status status-green' }, h('span', { class: 'dot', 'aria-hidden': 'true' }), t('verify.sig_valid')))
    : h('p', { class: 'sig sig-invalid', dataset: { sig: typeof c.sig === 'string' ? c.sig : 'invalid' } },
      h('span', { class: `status ${kind === 'invalid' ? 'status-red' : 'status-none'}` }, h('span', { class: 'dot', 'aria-hidden': 'true' }), title));
  const parts = [verdict(kind, title, sub)];
  if (offline && c.keys.source === 'stored') {
    parts.push(notice('warning', [h('strong', null, t('verify.offline_title')), ' ',
      t('verify.offline_keys', { when: c.keys.fetchedAt ? fmtDate(c.keys.fetchedAt) : t('verify.earlier') })]));
    parts[parts.length - 1].classList.add('offline-note');
  }
  parts.push(h('section', { class: 'public-card' },
    h('h2', { class: 'panel-title' }, t('verify.signature')),
    sigLine,
    h('p', { class: 'muted' }, t(c.keys.source === 'network' ? 'verify.keys_online' : 'verify.keys_stored', { kid: p.k ?? '' })),
    h('h2', { class: 'panel-title' }, c.sig === true ? t('verify.contents') : t('verify.contents_untrusted')),
    certFacts({ serial, masked_name: p.n, trades: p.t, level: p.l, valid_from: p.f, valid_until: p.u }),
    inDates === null || c.sig !== true ? null : h('p', { class: ['dates', inDates ? 'dates-in' : 'dates-out'], dataset: { in: String(inDates) } },
      t(inDates ? 'verify.in_dates' : 'verify.out_of_dates', { today: today() }))));
  if (c.sig === true) {
    const live = c.live || {};
    let liveNode;
    if (live.status) liveNode = h('p', { class: 'live-status', dataset: { status: live.status } }, t('verify.live_is', { status: label('verify.status', live.status) }));
    else if (live.notFound) liveNode = h('p', { class: 'live-status', dataset: { status: 'not_found' } }, t('verify.live_not_found'));
    else if (live.offline) liveNode = h('p', { class: 'live-status', dataset: { status: 'offline' } }, t('verify.live_offline'));
    else if (live.error) liveNode = h('p', { class: 'live-status', dataset: { status: 'error' } }, live.error);
    else liveNode = loading();
    parts.push(h('section', { class: 'public-card' },
      h('h2', { class: 'panel-title' }, t('verify.live')), liveNode,
      live.body && live.body.company ? h('p', null, t('verify.live_company', { company: live.body.company.name })) : null,
      live.body && live.body.worker_id ? h('p', null, h('a', { class: 'btn btn-secondary profile-link', href: `/workers/${live.body.worker_id}` }, t('verify.profile'))) : null,
      serial ? h('p', null, h('a', { href: `/verify/${encodeURIComponent(serial)}` }, t('verify.by_serial'))) : null));
  }
  return parts;
}

async function runCheck() {
  if (!state.token) { state.check = null; redraw(); return; }
  state.busy = true;
  redraw();
  const parsed = parseToken(state.token);
  const check = { parsed, keys: { source: 'none', items: [] }, sig: null, live: null };
  if (parsed) {
    check.keys = await publicKeys();
    const key = check.keys.items.find((k) => k.kid === parsed.payload.k);
    if (!check.keys.items.length) check.sig = 'no_keys';
    else if (!key) check.sig = 'unknown_key';
    else check.sig = await checkSignature(parsed, key);
  }
  state.check = check;
  state.busy = false;
  redraw();
  if (check.sig === true && parsed.payload.s) {
    check.live = await liveStatus(parsed.payload.s);
    redraw();
  }
  const h1 = document.querySelector('.verdict-title');
  if (h1) h1.focus();
}

function view() {
  return h('div', { class: ['verify', `verify-${state.mode}`], dataset: { lang: getLang() } },
    state.mode === 'serial' ? viewSerial() : viewToken());
}

async function main() {
  redraw = await startPublic(view, 'verify.title');
  if ('serviceWorker' in navigator) navigator.serviceWorker.register('/sw.js', { scope: '/' }).catch(() => {});
  if (state.mode === 'serial') {
    state.live = await liveStatus(state.serial);
    redraw();
  } else if (state.token) {
    await runCheck();
  }
  window.addEventListener('hashchange', () => {
    if (state.mode !== 'token') return;
    state.token = safeDecode(window.location.hash.replace(/^#/, ''));
    runCheck();
  });
}

main().catch(bootFailed);
