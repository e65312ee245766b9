// The words the UI shows, checked against the sources: every audit action the C code writes has a
// label in both catalogs, every key web/js asks t() for exists in both, and the demo's audit chain
// uses no action without labels. No server: the sources and the catalogs are read as files.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { ROOT } from './lib/server.mjs';

const zh = JSON.parse(readFileSync(join(ROOT, 'web/i18n/zh-CN.json'), 'utf8'));
const en = JSON.parse(readFileSync(join(ROOT, 'web/i18n/en.json'), 'utf8'));

function files(dir, ext) {
  const out = [];
  for (const name of readdirSync(dir)) {
    const p = join(dir, name);
    if (statSync(p).isDirectory()) out.push(...files(p, ext));
    else if (name.endsWith(ext)) out.push(p);
  }
  return out;
}

function lookup(cat, key) {
  let v = cat;
  for (const part of key.split('.')) {
    if (v === null || typeof v !== 'object' || !(part in v)) return undefined;
    v = v[part];
  }
  return v;
}

// The audit actions the code writes. Three shapes occur:
// - a literal passed to audit_append / audit_append_state, or to the two helpers that pass theirs on
//   (training_enrolment_audit, finish), possibly as the arms of a ?: expression;
// - "prefix.%s" built from a table of moves: the first string of each designated row ([X] = {"word", …});
// - "prefix.%s" built from an actions[] list whose words carry "prefix_" (claims).
export function auditActions() {
  const found = new Set();
  const CALL = /\b(?:audit_append|audit_append_state|training_enrolment_audit|finish)\s*\(/g;
  for (const f of files(join(ROOT, 'src'), '.c')) {
    const src = readFileSync(f, 'utf8');
    let m;
    while ((m = CALL.exec(src))) {
      // the argument list up to the closing parenthesis of this call
      let depth = 1, i = m.index + m[0].length;
      for (; i < src.length && depth; i++) {
        if (src[i] === '(') depth++;
        else if (src[i] === ')') depth--;
      }
      const args = src.slice(m.index + m[0].length, i);
      for (const lit of args.matchAll(/"([a-z_]+\.[a-z_]+)"/g)) found.add(lit[1]);
      // an action computed just before the call: the literals of the ?: that chose it
      const before = src.slice(Math.max(0, m.index - 400), m.index);
      const v = /\bconst char \*action\s*=([^;]+);/.exec(before);
      if (v && /\baction\b/.test(args)) for (const lit of v[1].matchAll(/"([a-z_]+\.[a-z_]+)"/g)) found.add(lit[1]);
    }
    for (const t of src.matchAll(/"([a-z_]+)\.%s"/g)) {
      const prefix = t[1];
      const list = /static const char \*const actions\[\] = \{([^}]*)\}/.exec(src);
      if (list) {
        for (const w of list[1].matchAll(/"([a-z_]+)"/g)) {
          if (w[1].startsWith(prefix + '_')) found.add(`${prefix}.${w[1].slice(prefix.length + 1)}`);
        }
      } else {
        for (const w of src.matchAll(/^\s*\[[A-Z_]+\] = \{"([a-z_]+)"/gm)) found.add(`${prefix}.${w[1]}`);
      }
      // words chosen beside the table (const char *action = … ? "ask" : …)
      for (const v of src.matchAll(/\bconst char \*action\s*=([^;]+);/g)) {
        for (const w of v[1].matchAll(/[?:]\s*"([a-z_]+)"/g)) found.add(`${prefix}.${w[1]}`);
      }
    }
  }
  return [...found].sort();
}

test('the scan finds the actions it should', () => {
  const a = auditActions();
  for (const known of ['user.create', 'booking.confirm', 'booking.no_show', 'complaint.escalate',
    'complaint.feedback_breached', 'claim.advance', 'enrolment.result', 'data_request.erasure', 'audit.checkpoint',
    'complaint.ask', 'complaint.add_info']) {
    assert.ok(a.includes(known), `scan misses ${known}`);
  }
  assert.ok(a.length >= 59, `only ${a.length} actions found`);
});

test('every audit action the code writes has a Chinese and an English label', () => {
  const missing = [];
  for (const a of auditActions()) {
    for (const [name, cat] of [['zh-CN', zh], ['en', en]]) {
      const v = cat.audit?.actions?.[a];
      if (typeof v !== 'string' || v === '' || v === a) missing.push(`${name}: ${a}`);
    }
  }
  assert.deepEqual(missing, []);
  // and the Chinese label is Chinese, not the English one copied
  const copied = auditActions().filter((a) => zh.audit.actions[a] === en.audit.actions[a]);
  assert.deepEqual(copied, []);
});

// Every literal key in t('…'), has('…'), values('…') and every prefix in label('…', x) under web/js.
function jsKeys() {
  const keys = new Map();
  const add = (k, f) => { if (!keys.has(k)) keys.set(k, f); };
  for (const f of files(join(ROOT, 'web/js'), '.js')) {
    const src = readFileSync(f, 'utf8');
    for (const m of src.matchAll(/\b(t|has|values|label|plural)\(\s*'([a-zA-Z0-9_.]+)'/g)) add(`${m[1]}:${m[2]}`, f);
  }
  return keys;
}

test('every key web/js asks for exists in both catalogs', () => {
  const missing = [];
  for (const [k, f] of jsKeys()) {
    const [fn, key] = k.split(':');
    for (const [name, cat] of [['zh-CN', zh], ['en', en]]) {
      const v = lookup(cat, key);
      const ok = fn === 't' || fn === 'has' ? typeof v === 'string'
        : fn === 'plural' ? (v !== null && typeof v === 'object' && typeof v.other === 'string')
          : (v !== null && typeof v === 'object');
      // has() asks whether a key exists, so only t(), label(), values() and plural() must find theirs
      if (!ok && fn !== 'has') missing.push(`${name}: ${key} (${f.slice(ROOT.length + 1)})`);
    }
  }
  assert.deepEqual(missing, []);
  assert.ok(jsKeys().size > 500, 'the scan should find the UI\'s keys');
});

test('both catalogs have the same keys', () => {
  const flat = (o, p = '') => Object.entries(o).flatMap(([k, v]) =>
    (v && typeof v === 'object' ? flat(v, p + k + '.') : [p + k]));
  const a = new Set(flat(zh)), b = new Set(flat(en));
  assert.deepEqual([...a].filter((k) => !b.has(k)), [], 'only in zh-CN');
  assert.deepEqual([...b].filter((k) => !a.has(k)), [], 'only in en');
});

// Keys handed round before t() sees them (['#/jobs', 'jobs.back']): every literal in web/js shaped
// like a key under one of the catalog's sections must be one, save the capability names the
// pages ask ctx.can() about (listed in src/auth/caps.c) and file names.
test('every key-shaped literal in web/js is in both catalogs', () => {
  const caps = new Set([...readFileSync(join(ROOT, 'src/auth/caps.c'), 'utf8').matchAll(/"([a-z_]+\.[a-z_]+)"/g)].map((m) => m[1]));
  const sections = new Set(Object.keys(zh));
  const missing = [];
  for (const f of files(join(ROOT, 'web/js'), '.js')) {
    const src = readFileSync(f, 'utf8');
    for (const m of src.matchAll(/'([a-z_]+(?:\.[a-z0-9_]+)+)'/g)) {
      const k = m[1];
      if (!sections.has(k.split('.')[0]) || caps.has(k) || /\.(csv|xlsx|json|js|html)$/.test(k)) continue;
      for (const [name, cat] of [['zh-CN', zh], ['en', en]]) {
        if (lookup(cat, k) === undefined) missing.push(`${name}: ${k} (${f.slice(ROOT.length + 1)})`);
      }
    }
  }
  assert.deepEqual(missing, []);
});

// English counts agree with their nouns: "1 complaint", "2 complaints". A count placeholder followed
// (within two words) by a plural noun must choose the noun with {n|one|other}. Ranges ({min} to
// {max} …) and placeholders that are not counts are left out.
test('English counts choose singular or plural', async () => {
  const notCounts = new Set(['name', 'login', 'category', 'month', 'body', 'who', 'on', 'amount', 'ref', 'span', 'date',
    'when', 'reason', 'at', 'by', 'party', 'old', 'serial', 'until', 'dim', 'to', 'from', 'since', 'id', 'company',
    'district', 'trade', 'title', 'day', 'time', 'min', 'max', 'range', 'unit', 'role', 'customer', 'holder', 'due',
    'pct', 'avg', 'booking', 'page', 'pages', 'label', 'value', 'what', 'where', 'item', 'status', 'kind', 'key']);
  const bad = [];
  const walk = (o, p) => {
    for (const [k, v] of Object.entries(o)) {
      if (v && typeof v === 'object') { walk(v, p + k + '.'); continue; }
      for (const m of v.matchAll(/\{(\w+)\} ((?:[a-z]+ ){0,1})([a-z]+s)\b/g)) {
        if (notCounts.has(m[1]) || /^(is|was|has|its|this|as|us|plus)$/.test(m[3])) continue;
        bad.push(`${p + k}: ${v}`);
      }
    }
  };
  walk(en, '');
  assert.deepEqual(bad, []);

  // and t() picks the word: the module run against the English catalog
  globalThis.document = { documentElement: {} };
  globalThis.fetch = async () => ({ ok: true, json: async () => en });
  const i18n = await import('../../web/js/i18n.js');
  await i18n.useLang('en');
  assert.equal(i18n.t('public_worker.conduct_value', { upheld: 1, partly: 0, failed: 2 }),
    '1 complaint upheld · 0 partly upheld · 2 spot checks failed');
  assert.equal(i18n.t('rating.value', { avg: '4.5', n: 1 }), '★ 4.5 · 1 review');
  assert.equal(i18n.t('rating.value', { avg: '4.5', n: 0 }), '★ 4.5 · 0 reviews');
  assert.equal(i18n.t('time.seconds', { n: 1 }), '1 second');
});

// One rule for every share on screen: rounded half up to one decimal, the counts beside it.
test('shares round half up to one decimal, with their counts', async () => {
  const p = await import('../../web/js/percent.js');
  assert.equal(p.percentNumber(7, 15), '46.7');
  assert.equal(p.percentNumber(1, 8), '12.5');
  assert.equal(p.percentNumber(2, 3), '66.7');
  assert.equal(p.percentNumber(1, 3), '33.3');
  assert.equal(p.percentNumber(1, 16), '6.3');    // 6.25: the half goes up
  assert.equal(p.percentNumber(1, 2000), '0.1');  // 0.05
  assert.equal(p.percentNumber(95, 100), '95.0'); // one decimal always
  assert.equal(p.percentNumber(40, 41), '97.6');
  assert.equal(p.percentNumber(0, 5), '0.0');
  assert.equal(p.percentNumber(5, 5), '100.0');
  assert.equal(p.percentNumber(0, 0), null);
  assert.equal(p.share(7, 15), '46.7% (7/15)');
  assert.equal(p.share(0, 0), null);
  // nothing else in web/js makes a percentage of its own
  const own = [];
  for (const f of files(join(ROOT, 'web/js'), '.js')) {
    if (f.endsWith('percent.js')) continue;
    const src = readFileSync(f, 'utf8');
    if (/\(\s*[\w.]+\s*\*\s*100{1,2}\s*\)\s*\/\s*[\w(]/.test(src)) own.push(f.slice(ROOT.length + 1));
  }
  assert.deepEqual(own, []);
});
