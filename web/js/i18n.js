// i18n.js — the two catalogs (web/i18n/*.json), the chosen language and how it is remembered,
// and the formatting of times. Every visible string goes through t().
export const LANGS = ['zh-CN', 'en'];
const STORE_KEY = 'anjia.lang';
const catalogs = new Map();
let lang = 'zh-CN';
let cat = {};

function saved() {
  try {
    const v = window.localStorage.getItem(STORE_KEY);
    return LANGS.includes(v) ? v : null;
  } catch {
    return null; // storage switched off: fall back to the browser's language
  }
}

// The saved choice; else the browser's first zh/en language; else Chinese.
export function preferredLang() {
  const s = saved();
  if (s) return s;
  const list = (navigator.languages && navigator.languages.length) ? navigator.languages : [navigator.language || ''];
  for (const l of list) {
    const v = String(l).toLowerCase();
    if (v.startsWith('en')) return 'en';
    if (v.startsWith('zh')) return 'zh-CN';
  }
  return 'zh-CN';
}

async function load(l) {
  if (!catalogs.has(l)) {
    const res = await fetch(new URL(`../i18n/${l}.json`, import.meta.url), { credentials: 'same-origin' });
    if (!res.ok) throw new Error(`catalog ${l}: ${res.status}`);
    catalogs.set(l, await res.json());
  }
  return catalogs.get(l);
}

// Switches to language l (loading its catalog once); remember stores the choice for next time.
export async function useLang(l, remember = false) {
  if (!LANGS.includes(l)) l = 'zh-CN';
  cat = await load(l);
  lang = l;
  document.documentElement.lang = l;
  if (remember) {
    try { window.localStorage.setItem(STORE_KEY, l); } catch { /* not remembered, still switched */ }
  }
}

export function getLang() {
  return lang;
}

function lookup(key) {
  let v = cat;
  for (const part of key.split('.')) {
    if (v === null || typeof v !== 'object' || !(part in v)) return undefined;
    v = v[part];
  }
  return v;
}

// The string at key with {name} placeholders filled from vars; the key itself when missing.
// {name|one|other} is the word that agrees with the count vars.name: one for exactly 1, other
// for any other count ("{n} {n|complaint|complaints}"); Chinese has no need of it.
export function t(key, vars) {
  const v = lookup(key);
  if (typeof v !== 'string') return key;
  if (!vars) return v;
  return v.replace(/\{(\w+)\|([^|{}]*)\|([^|{}]*)\}/g, (m, name, one, other) =>
    (name in vars ? (Number(vars[name]) === 1 ? one : other) : m))
    .replace(/\{(\w+)\}/g, (m, name) => (name in vars ? String(vars[name]) : m));
}

export function has(key) {
  return typeof lookup(key) === 'string';
}

// The strings of a catalog object (e.g. a role's duties), in catalog order.
export function values(key) {
  const v = lookup(key);
  return v && typeof v === 'object' ? Object.values(v).filter((x) => typeof x === 'string') : [];
}

// The keys of a catalog object (e.g. every audit action the catalog names), in catalog order.
export function keys(key) {
  const v = lookup(key);
  return v && typeof v === 'object' ? Object.keys(v) : [];
}

// The translation of key.code when the catalog has one, else the code as the server gave it.
// Codes may contain dots (audit actions such as "user.create"), so the code indexes the object.
export function label(prefix, code) {
  const obj = lookup(prefix);
  const v = obj && typeof obj === 'object' ? obj[code] : undefined;
  return typeof v === 'string' ? v : String(code ?? '');
}

// "2026-11-28T05:51:07+08:00" → "2026-11-28 05:51": the wall-clock time in the platform's zone,
// which the API already applies (Asia/Shanghai unless the server is configured otherwise).
export function fmtTime(iso) {
  const m = /^(\d{4}-\d{2}-\d{2})T(\d{2}:\d{2})/.exec(iso || '');
  return m ? `${m[1]} ${m[2]}` : (iso || '');
}

// A wait in seconds as words: "45 秒", "15 分钟".
export function fmtWait(seconds) {
  if (seconds < 60) return t('time.seconds', { n: Math.max(1, Math.round(seconds)) });
  return t('time.minutes', { n: Math.ceil(seconds / 60) });
}
