// Helpers for the workforce tests (workers, checks, training, certificates, credentials, import):
// resident ID numbers (GB 11643), Beijing dates, an API client that remembers every response body
// it saw, and the steps that bring a new worker into order.
import assert from 'node:assert/strict';
import crypto from 'node:crypto';
import { call } from './http.mjs';
import { login } from './server.mjs';

// ---- resident ID numbers ----------------------------------------------------------------------

const W = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
const CHECK = '10X98765432';

// The check character of 17 digits.
export function idCheckChar(first17) {
  let sum = 0;
  for (let i = 0; i < 17; i++) sum += Number(first17[i]) * W[i];
  return CHECK[sum % 11];
}

// A valid number from its parts: region (6 digits), birth (YYYYMMDD), seq (3 digits; its last digit
// odd for a man).
export function idNumber(region, birth, seq) {
  const first17 = `${region}${birth}${String(seq).padStart(3, '0')}`;
  return first17 + idCheckChar(first17);
}

const REGIONS = ['110101', '330102', '330106', '310104', '440305', '510107', '610113', '320102'];
const pad = (n, w = 2) => String(n).padStart(w, '0');

// A random valid number. Options: sex ('male'|'female'), birth ('YYYYMMDD'), region, x (true: one
// whose check character is X). Returns { id, birth ('YYYY-MM-DD'), sex, region }.
export function randomId({ sex, birth, region, x = false } = {}) {
  for (let tries = 0; tries < 10000; tries++) {
    const reg = region || REGIONS[crypto.randomInt(REGIONS.length)];
    let b = birth;
    if (!b) {
      const y = 1960 + crypto.randomInt(45);
      const m = 1 + crypto.randomInt(12);
      const d = 1 + crypto.randomInt(28);
      b = `${y}${pad(m)}${pad(d)}`;
    }
    const s = sex || (crypto.randomInt(2) ? 'male' : 'female');
    let seq = crypto.randomInt(100) * 10 + crypto.randomInt(5) * 2 + (s === 'male' ? 1 : 0);
    const id = idNumber(reg, b, seq);
    if (x && id[17] !== 'X') continue;
    if (!x && id[17] === 'X' && tries < 50) continue; // prefer digits unless asked
    return { id, birth: `${b.slice(0, 4)}-${b.slice(4, 6)}-${b.slice(6, 8)}`, sex: s, region: reg };
  }
  throw new Error('no id number found');
}

// The masked form the API shows: the region, stars, the last four.
// The mask the platform shows: the first three characters and the last.
export const maskId = (id) => id.slice(0, 3) + '*'.repeat(14) + id.slice(17).toUpperCase();

// A random mainland mobile number.
export const randomPhone = () => '1' + (3 + crypto.randomInt(7)) + String(crypto.randomInt(1e9)).padStart(9, '0');

const SURNAMES = ['张', '王', '李', '赵', '钱', '孙', '周', '吴', '郑', '冯', '陈', '褚', '卫', '蒋', '沈', '韩'];
const GIVEN = ['秀', '华', '丽', '娟', '建', '国', '海', '燕', '玉', '梅', '志', '强', '春', '平', '红', '霞', '文', '静',
  '琳', '萍', '敏', '琴', '云', '芬', '兰', '英', '凤', '洁', '颖', '慧'];
const usedNames = new Set();
// A random Chinese name, four characters by default (the demo's people have two or three, so a
// four-character name is never one of theirs), never the same twice in this process.
export function randomName(len = 4) {
  for (;;) {
    let n = SURNAMES[crypto.randomInt(SURNAMES.length)];
    for (let i = 1; i < len; i++) n += GIVEN[crypto.randomInt(GIVEN.length)];
    if (len < 4 || !usedNames.has(n)) {
      usedNames.add(n);
      return n;
    }
  }
}

// ---- dates (the server keeps Beijing time, UTC+8) ---------------------------------------------

const DAY = 86400000;
// 'YYYY-MM-DD' of the Beijing day that contains ms (default now), plus `plus` days.
export function bjDate(plus = 0, ms = Date.now()) {
  return new Date(ms + 8 * 3600000 + plus * DAY).toISOString().slice(0, 10);
}
// The day a date string names, as a day count.
const days = (s) => Math.floor(Date.parse(s + 'T00:00:00Z') / DAY);
const fromDays = (d) => new Date(d * DAY).toISOString().slice(0, 10);
export const addDays = (s, n) => fromDays(days(s) + n);
// Adds months the way the server does: the day clamped to the month's length.
export function addMonths(s, months) {
  let [y, m, d] = s.split('-').map(Number);
  const total = y * 12 + (m - 1) + months;
  y = Math.floor(total / 12);
  m = (total % 12) + 1;
  const max = new Date(Date.UTC(y, m, 0)).getUTCDate();
  return `${y}-${pad(m)}-${pad(Math.min(d, max))}`;
}
// Noon of a Beijing date as an ISO 8601 instant.
export const bjNoon = (s) => `${s}T12:00:00+08:00`;
// An ISO instant `sec` seconds from now.
export const isoIn = (sec) => new Date(Date.now() + sec * 1000).toISOString().replace(/\.\d{3}Z$/, 'Z');
// Whole years from a date string to today (Beijing).
export function age(birth) {
  const t = bjDate();
  let y = Number(t.slice(0, 4)) - Number(birth.slice(0, 4));
  if (t.slice(5) < birth.slice(5)) y--;
  return y;
}
export function quarterOf(s) {
  return `${s.slice(0, 4)}-Q${Math.floor((Number(s.slice(5, 7)) - 1) / 3) + 1}`;
}

// ---- an API client that keeps every body it received -----------------------------------------

// A client for one server: as(name) signs in once per login; req(who, method, path, json) calls and
// records the response text, so a test can search everything it was ever sent.
export function client(base) {
  const tokens = new Map();
  const seen = [];
  const me = new Map();
  const c = {
    base,
    seen,
    async token(who) {
      if (who === null) return undefined;
      if (!tokens.has(who)) {
        const l = await login(base, who);
        tokens.set(who, l.token);
        me.set(who, l.user);
      }
      return tokens.get(who);
    },
    async user(who) {
      await c.token(who);
      return me.get(who);
    },
    async req(who, method, path, json) {
      const token = await c.token(who);
      const r = await call(base, path, { method, token, json });
      seen.push({ method, path, status: r.status, text: r.text });
      return r;
    },
    get: (who, path) => c.req(who, 'GET', path),
    post: (who, path, json) => c.req(who, 'POST', path, json === undefined ? {} : json),
    patch: (who, path, json) => c.req(who, 'PATCH', path, json),
    del: (who, path) => c.req(who, 'DELETE', path),
    // Every recorded response that contains s.
    leaks(s) {
      return seen.filter((x) => x.text && x.text.includes(s)).map((x) => `${x.method} ${x.path} → ${x.status}`);
    },
  };
  return c;
}

export function expect(r, status, what = '') {
  assert.equal(r.status, status, `${what} ${r.status} ${r.text.slice(0, 600)}`);
  return r.json;
}

// ---- bringing a worker into order --------------------------------------------------------------

// Registers a worker; returns { worker, id, name, phone, ...randomId }.
export async function registerWorker(c, who, over = {}) {
  const idinfo = over.idinfo || randomId();
  const body = {
    name: over.name || randomName(),
    id_number: idinfo.id,
    phone: over.phone || randomPhone(),
    trades: over.trades || ['household'],
    level: over.level || 'intermediate',
    ...(over.company_id ? { company_id: over.company_id } : {}),
  };
  const r = await c.post(who, '/api/workers', body);
  const w = expect(r, 201, 'register');
  return { worker: w, wid: w.id, name: body.name, phone: body.phone, ...idinfo };
}

// Records passing identity, background, health and insurance checks (as `who`, default admin).
export async function recordChecks(c, wid, { who = 'admin', on = bjDate(-1), kinds } = {}) {
  const list = kinds || ['identity', 'background', 'health', 'insurance'];
  const out = {};
  for (const kind of list) {
    const body = { kind, result: 'pass', checked_on: on };
    if (kind === 'insurance') body.valid_until = addMonths(on, 12);
    out[kind] = expect(await c.post(who, `/api/workers/${wid}/checks`, body), 201, `check ${kind}`);
  }
  return out;
}

// The courses by code (cached per client).
export async function courses(c) {
  if (!c._courses) {
    const r = expect(await c.get('admin', '/api/courses?per_page=100'), 200, 'courses');
    c._courses = Object.fromEntries(r.items.map((x) => [x.code, x]));
  }
  return c._courses;
}

// The training institution trainer1 works for.
export async function trainingOrg(c) {
  return (await c.user('trainer1')).org_id;
}

// Creates a session of course `code`; options: who (trainer1, or admin with org_id), startsIn (seconds
// from now; negative = started), length (seconds), capacity, startsAt (an ISO instant).
export async function createSession(c, code, { who = 'trainer1', startsIn = -3600, length = 7200, capacity = 100, startsAt } = {}) {
  const cs = await courses(c);
  assert.ok(cs[code], `course ${code}`);
  const s = startsAt ? Date.parse(startsAt) : Date.now() + startsIn * 1000;
  const iso = (ms) => new Date(ms).toISOString().replace(/\.\d{3}Z$/, 'Z');
  const body = { course_id: cs[code].id, starts_at: iso(s), ends_at: iso(s + length * 1000), location: '培训教室一', capacity };
  if (who !== 'trainer1') body.org_id = await trainingOrg(c);
  return expect(await c.post(who, '/api/training-sessions', body), 201, `session ${code}`);
}

// Enrols and records a score for wid in session sid (scored by trainer1 by default). A training
// institution enrols people by the card they show, so by the worker's id it is the association (or
// the worker's own company) that enrols.
export async function enrolAndScore(c, sid, wid, score, { who = 'trainer1', enroller = who === 'trainer1' ? 'admin' : who } = {}) {
  expect(await c.post(enroller, `/api/training-sessions/${sid}/enrolments`, { worker_id: wid }), 201, 'enrol');
  return expect(await c.patch(who, `/api/training-sessions/${sid}/enrolments/${wid}`, { attended: true, score }), 200, 'score');
}

// Shared started sessions, one per course (created on first use, capacity 500). They start four
// minutes before they are made: results can be recorded at once, and a run just after a quarter
// begins still finds them in the new quarter. Sessions a test makes later start later.
export async function sharedSession(c, code) {
  c._sessions = c._sessions || {};
  if (!c._sessions[code]) c._sessions[code] = createSession(c, code, { startsIn: -240, length: 3 * 3600, capacity: 500 });
  return (await c._sessions[code]).id;
}

// The courses a household certificate needs: the three safety courses and the policy's courses.
export const HOUSEHOLD_COURSES = ['SAFE-AID', 'SAFE-FIRE', 'SAFE-PROT', 'SK-HH', 'PRIV-01', 'ETH-01'];

// Passes each course in the shared sessions.
export async function passCourses(c, wid, codes = HOUSEHOLD_COURSES, score = 90) {
  for (const code of codes) await enrolAndScore(c, await sharedSession(c, code), wid, score);
}

// A worker of company `who` with every check, the household courses and a household certificate.
export async function compliantWorker(c, who = 'company1', over = {}) {
  const w = await registerWorker(c, who, over);
  await recordChecks(c, w.wid);
  await passCourses(c, w.wid);
  const cert = expect(await c.post('admin', '/api/certificates', { worker_id: w.wid, trade: 'household', level: w.worker.level }), 201, 'certificate');
  return { ...w, cert };
}

export async function eligibility(c, who, wid, trade, at) {
  const q = new URLSearchParams({ trade, ...(at ? { at } : {}) });
  return expect(await c.get(who, `/api/workers/${wid}/eligibility?${q}`), 200, 'eligibility');
}
export const codes = (e) => e.reasons.map((r) => r.code);

// ---- credentials -------------------------------------------------------------------------------

const SPKI_PREFIX = Buffer.from('302a300506032b6570032100', 'hex');
export function publicKeyFrom(b64url) {
  const raw = Buffer.from(b64url, 'base64url');
  assert.equal(raw.length, 32, 'an Ed25519 public key is 32 bytes');
  return crypto.createPublicKey({ key: Buffer.concat([SPKI_PREFIX, raw]), format: 'der', type: 'spki' });
}

// Splits AJ1.<payload>.<sig>; returns { payload (object or null), signed, sig (Buffer) } or null.
export function parseToken(token) {
  const m = /^AJ1\.([A-Za-z0-9_-]+)\.([A-Za-z0-9_-]+)$/.exec(token);
  if (!m) return null;
  let payload = null;
  try { payload = JSON.parse(Buffer.from(m[1], 'base64url').toString('utf8')); } catch { /* altered */ }
  return { payload, signed: `AJ1.${m[1]}`, sig: Buffer.from(m[2], 'base64url') };
}

// Whether the token's Ed25519 signature holds under the key.
export function tokenValid(token, key) {
  const p = parseToken(token);
  if (!p || p.sig.length !== 64) return false;
  return crypto.verify(null, Buffer.from(p.signed), key, p.sig);
}

// The token with one base64url character of part (1 payload, 2 signature) changed at index i.
export function flipChar(token, part, i) {
  const parts = token.split('.');
  const s = parts[part];
  const k = i < 0 ? s.length + i : i;
  const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';
  const ch = s[k];
  // a character whose six bits differ in the high bits, so the decoded bytes change
  const repl = alphabet[(alphabet.indexOf(ch) + 32) % 64];
  parts[part] = s.slice(0, k) + repl + s.slice(k + 1);
  return parts.join('.');
}

// ---- CSV ---------------------------------------------------------------------------------------

// One CSV field, quoted when it must be.
export function csvField(v) {
  const s = String(v ?? '');
  return /[",\r\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}
export function csv(header, rows, { bom = false, eol = '\r\n' } = {}) {
  const lines = [header.map(csvField).join(','), ...rows.map((r) => r.map(csvField).join(','))];
  return (bom ? '\ufeff' : '') + lines.join(eol) + eol;
}
export const ZH_HEADER = ['姓名', '身份证号', '手机', '工种', '等级'];
