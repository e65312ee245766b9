// api.js — every call to the JSON API: cookie credentials, the CSRF token on writes (kept in memory
// only), Accept-Language, errors as ApiError, and one hook for "the session is over" (401).
import { getLang, has, t, fmtWait } from './i18n.js';

let csrf = null;
let unauthorized = () => {};

export function setCsrf(token) {
  csrf = token || null;
}

// fn(err) runs on any 401 except where the caller asked to see it (sign-in, the start-up check).
export function onUnauthorized(fn) {
  unauthorized = fn;
}

export class ApiError extends Error {
  constructor(status, code, message, field, retryAfter, body) {
    super(message || code);
    this.status = status;
    this.code = code;
    this.field = field || null;
    this.retryAfter = retryAfter;
    // The whole answer: some errors carry more beside the envelope (an import's "errors",
    // "reasons" of unmet requirements); error.detail says more about the code.
    this.body = body || null;
    this.detail = body && body.error && body.error.detail !== undefined ? body.error.detail : null;
  }
}

// Retry-After as seconds (delta or HTTP date), or null.
function retrySeconds(v) {
  if (!v) return null;
  if (/^\d+$/.test(v.trim())) return Number(v);
  const at = Date.parse(v);
  return Number.isNaN(at) ? null : Math.max(0, (at - Date.now()) / 1000);
}

// api('GET', '/api/orgs', { query: { page: 2 } }) → parsed JSON; throws ApiError.
// Options: body (sent as JSON), query (empty values left out), keep401 (don't run the 401 hook),
// full (answer { status, data }: where 201 and 202 mean different things).
export async function api(method, path, { body, query, keep401 = false, full = false } = {}) {
  let url = path;
  if (query) {
    const p = new URLSearchParams();
    for (const [k, v] of Object.entries(query)) {
      if (v !== undefined && v !== null && v !== '') p.set(k, String(v));
    }
    const s = p.toString();
    if (s) url += `?${s}`;
  }
  const headers = { Accept: 'application/json', 'Accept-Language': getLang() === 'en' ? 'en' : 'zh-CN' };
  if (method !== 'GET' && csrf) headers['X-CSRF-Token'] = csrf;
  const init = { method, headers, credentials: 'same-origin', cache: 'no-store' };
  if (body !== undefined) {
    headers['Content-Type'] = 'application/json';
    init.body = JSON.stringify(body);
  }
  let res;
  try {
    res = await fetch(url, init);
  } catch {
    throw new ApiError(0, 'network', '', null, null);
  }
  let data = null;
  const text = await res.text();
  if (text) {
    try { data = JSON.parse(text); } catch { data = null; }
  }
  if (!res.ok) {
    const e = (data && data.error) || {};
    const err = new ApiError(res.status, e.code || `http_${res.status}`, e.message || '', e.field,
      retrySeconds(res.headers.get('Retry-After')), data);
    if (res.status === 401 && !keep401) unauthorized(err);
    throw err;
  }
  return full ? { status: res.status, data } : data;
}

// A GET answered as a file (Content-Disposition: attachment), saved by the browser under the name
// the server gives: the bytes as sent, not parsed and written again.
export async function download(path, fallbackName) {
  let res;
  try {
    res = await fetch(path, { headers: { Accept: 'application/json', 'Accept-Language': getLang() === 'en' ? 'en' : 'zh-CN' }, credentials: 'same-origin', cache: 'no-store' });
  } catch {
    throw new ApiError(0, 'network', '', null, null);
  }
  if (!res.ok) {
    let e = {};
    try { e = (await res.json()).error || {}; } catch { /* not JSON */ }
    const err = new ApiError(res.status, e.code || `http_${res.status}`, e.message || '', e.field, null, null);
    if (res.status === 401) unauthorized(err);
    throw err;
  }
  const m = /filename="?([^";]+)"?/.exec(res.headers.get('Content-Disposition') || '');
  const blob = await res.blob();
  const url = URL.createObjectURL(blob);
  const a = document.createElement('a');
  a.href = url;
  a.download = m ? m[1] : fallbackName;
  document.body.append(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 60000);
  return blob.size;
}

// What to tell the user about err: the catalog's errors.<code>, else the server's message.
export function errorText(err) {
  if (!(err instanceof ApiError)) return t('errors.unexpected');
  if ((err.code === 'too_many_attempts' || err.code === 'too_many_lookups') && err.retryAfter) {
    return t(`errors.${err.code}_wait`, { wait: fmtWait(err.retryAfter) });
  }
  if (has(`errors.${err.code}`)) return t(`errors.${err.code}`);
  return err.message || t('errors.unexpected');
}

// Every page of a list (for pickers), up to max items.
export async function listAll(path, query = {}, max = 1000) {
  const items = [];
  for (let page = 1; items.length < max; page += 1) {
    const r = await api('GET', path, { query: { ...query, page, per_page: 100 } });
    items.push(...r.items);
    if (r.items.length === 0 || items.length >= r.total) break;
  }
  return items;
}
