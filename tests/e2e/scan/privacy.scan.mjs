// The privacy scan, run by `make test` after the suites: on a demo industry that has lived through
// the day's work — a booking made, confirmed and opened, a worker registered, a complaint taken by
// phone with the caller's number, a worker's full record shown with consent, a spot check's
// household reached — it reads
//   - the database: every column that is not a sealed value or a keyed hash,
//   - the server's logs: the access log and everything it wrote to stderr,
//   - every public answer: the public routes of the map with real ids,
// and finds no resident ID number, no mobile number and no address in any of them. Then, for every
// role but those entitled to a person's whole record (the association, the worker themself), it
// gathers every field each answer to that role carries about each worker — across all the answers,
// not one at a time — and counts the ID numbers those fields leave possible: never under a million.
import { test, describe, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { startServer, login, ROOT } from '../lib/server.mjs';
import { call, dbSql } from '../lib/http.mjs';

const W = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
const CHECKS = '10X98765432';
// a person registered by the scan's day of work
const FRESH_ID = (() => {
  const first = '33010619881123004';
  let sum = 0;
  for (let i = 0; i < 17; i++) sum += Number(first[i]) * [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2][i];
  return first + '10X98765432'[sum % 11];
})();
const PROVINCES = (p) => (p >= 11 && p <= 15) || (p >= 21 && p <= 23) || (p >= 31 && p <= 37) || (p >= 41 && p <= 46) ||
  (p >= 50 && p <= 54) || (p >= 61 && p <= 65);

// A valid resident ID number anywhere in text: 17 digits and the right check character, a real
// birth date, a province — the platform's own rule (src/util/idcard.c).
function idNumbers(text) {
  const out = [];
  for (const m of String(text).matchAll(/(?<![0-9A-Za-z_-])[1-6][0-9]{16}[0-9Xx](?![0-9A-Za-z_-])/g)) {
    const n = m[0].toUpperCase();
    let sum = 0;
    for (let i = 0; i < 17; i++) sum += Number(n[i]) * W[i];
    const y = Number(n.slice(6, 10)), mo = Number(n.slice(10, 12)), d = Number(n.slice(12, 14));
    const date = new Date(Date.UTC(y, mo - 1, d));
    if (CHECKS[sum % 11] === n[17] && PROVINCES(Number(n.slice(0, 2))) && y >= 1900 && date.getUTCMonth() === mo - 1
      && date.getUTCDate() === d) out.push(n);
  }
  return out;
}
// A mainland mobile number, not part of a longer run of digits
// (not inside a longer run of letters and digits either: a hash or a signature is no phone number)
const phones = (text) => [...String(text).matchAll(/(?<![0-9A-Za-z_-])1[3-9][0-9]{9}(?![0-9A-Za-z_-])/g)].map((m) => m[0]);
// An address as households give them: a road or street with a number, a building, a flat.
const addresses = (text) => [...String(text).matchAll(/[\u4e00-\u9fa5]{1,12}(路|街|道|巷|弄)\s*\d+\s*号(\s*\d+\s*(幢|栋|号楼|单元))?(\s*\d+\s*室)?/g)]
  .map((m) => m[0]).filter((a) => /幢|栋|号楼|单元|室/.test(a) || /\d+\s*号/.test(a));

function findings(where, text) {
  const out = [];
  for (const n of idNumbers(text)) out.push(`${where}: an ID number ${n}`);
  for (const p of phones(text)) out.push(`${where}: a phone number ${p}`);
  for (const a of addresses(text)) out.push(`${where}: an address ${a}`);
  return out;
}

// ---- how many numbers fit what a viewer knows (the rule of docs/privacy.md) ----

const days = (y, m, d) => Math.floor(Date.UTC(y, m - 1, d) / 86400000);
const civil = (n) => { const t = new Date(n * 86400000); return [t.getUTCFullYear(), t.getUTCMonth() + 1, t.getUTCDate()]; };
const ageOn = ([y, m, d], [ty, tm, td]) => ty - y - (tm < m || (tm === m && td < d) ? 1 : 0);
const memo = new Map();
function regionSums(mask) {
  const key = 'r' + mask.slice(0, 6);
  if (memo.has(key)) return memo.get(key);
  const dist = new Array(11).fill(0);
  for (let r = 0; r < 1e6; r++) {
    const s = String(r).padStart(6, '0');
    let ok = PROVINCES(Number(s.slice(0, 2)));
    let sum = 0;
    for (let i = 0; i < 6 && ok; i++) { ok = mask[i] === '*' || mask[i] === s[i]; sum += Number(s[i]) * W[i]; }
    if (ok) dist[sum % 11]++;
  }
  memo.set(key, dist);
  return dist;
}
function seqSums(mask, male) {
  const key = `q${mask.slice(14, 17)}${male}`;
  if (memo.has(key)) return memo.get(key);
  const dist = new Array(11).fill(0);
  for (let q = 0; q < 1000; q++) {
    const s = String(q).padStart(3, '0');
    if ((Number(s[2]) % 2 === 1) !== male) continue;
    let ok = true;
    for (let i = 0; i < 3 && ok; i++) ok = mask[14 + i] === '*' || mask[14 + i] === s[i];
    if (ok) dist[(Number(s[0]) * W[14] + Number(s[1]) * W[15] + Number(s[2]) * W[16]) % 11]++;
  }
  memo.set(key, dist);
  return dist;
}
// known: { mask (18 characters, '*' unknown), sex, age?, birth? ('YYYY-MM-DD') }, today as [y, m, d]
export function candidates(known, today) {
  const key = JSON.stringify([known, today]);
  if (memo.has(key)) return memo.get(key);
  const R = regionSums(known.mask), Q = seqSums(known.mask, known.sex === 'male');
  const t = days(...today);
  let total = 0;
  for (let n = t - 120 * 366; n <= t; n++) {
    const [y, m, d] = civil(n);
    if (y < 1900) continue;
    if (known.birth && known.birth !== `${y}-${String(m).padStart(2, '0')}-${String(d).padStart(2, '0')}`) continue;
    if (known.age !== undefined && known.age !== null && ageOn([y, m, d], today) !== known.age) continue;
    const ds = `${y}${String(m).padStart(2, '0')}${String(d).padStart(2, '0')}`;
    let ok = true, sum = 0;
    for (let i = 0; i < 8 && ok; i++) { ok = known.mask[6 + i] === '*' || known.mask[6 + i] === ds[i]; sum += Number(ds[i]) * W[6 + i]; }
    if (!ok) continue;
    for (let a = 0; a < 11; a++) for (let b = 0; b < 11; b++) {
      if (known.mask[17] === '*' || CHECKS[(a + sum + b) % 11] === known.mask[17]) total += R[a] * Q[b];
    }
  }
  memo.set(key, total);
  return total;
}

// Every object in a JSON value that describes a worker by masked number, with what it tells.
function workerFacts(value, out = []) {
  if (Array.isArray(value)) { for (const v of value) workerFacts(v, out); return out; }
  if (!value || typeof value !== 'object') return out;
  if (typeof value.id_number_masked === 'string' && typeof value.id === 'number') {
    out.push({ id: value.id, mask: value.id_number_masked, sex: value.sex, age: value.age, birth: value.birth_date });
  }
  for (const v of Object.values(value)) workerFacts(v, out);
  return out;
}

describe('privacy scan', () => {
  let srv;
  const tokens = {};
  const answers = new Map(); // login -> [{ path, text, json }]
  const publicAnswers = [];
  const ROLES = ['admin', 'cs1', 'company1', 'staff1', 'company2', 'trainer1', 'inspector1', 'worker1', 'worker2', 'customer1', 'customer2'];
  const ENTITLED = new Set(['admin']); // and each worker to their own record

  before(async () => {
    srv = await startServer({ workers: 300 });
    for (const who of ROLES) tokens[who] = (await login(srv.url, who)).token;
    const as = (who, path, opts = {}) => call(srv.url, path, { token: tokens[who], ...opts });
    // the day's work, so that personal data has gone through every path
    const me = (await as('worker1', '/api/me/worker')).json;
    const item = Number(dbSql(srv.db, `SELECT si.id FROM service_items si JOIN categories c ON c.id = si.category_id
      JOIN worker_trades t ON t.trade = c.trade AND t.worker_id = ${me.id}
      WHERE si.company_id = ${me.company.id} AND si.unit IN ('hour', 'visit') AND si.active = 1 ORDER BY si.id LIMIT 1`).trim());
    const start = new Date(Date.now() + 9 * 86400000); start.setUTCHours(2, 0, 0, 0);
    const b = await as('customer1', '/api/bookings', { method: 'POST', json: { service_item_id: item, worker_id: me.id,
      start: start.toISOString().replace(/\.\d+Z/, 'Z'), end: new Date(start.getTime() + 3600000).toISOString().replace(/\.\d+Z/, 'Z'),
      address: '杭州市西湖区文三路 90 号 3 幢 201 室', contact_phone: '13905710088' } });
    assert.equal(b.status, 201, b.text);
    const items = (await as('worker1', `/api/bookings/${b.json.id}`)).json.checklist.pre.map((x) => ({ item_id: x.item_id, done: true }));
    assert.equal((await as('worker1', `/api/bookings/${b.json.id}/confirm`, { method: 'POST', json: { items } })).status, 200);
    assert.equal((await as('company1', `/api/bookings/${b.json.id}`)).json.address, '杭州市西湖区文三路 90 号 3 幢 201 室');
    const c = await as('cs1', '/api/complaints', { method: 'POST', json: { company_id: me.company.id, category: 'attitude',
      description: '电话投诉：服务人员态度不好。', channel: 'phone', contact_name: '郑先生', contact_phone: '13857100077' } });
    assert.equal(c.status, 201, c.text);
    const reg = await as('company1', '/api/workers', { method: 'POST', json: { name: '扫描测试', id_number: FRESH_ID,
      phone: '13600001111', trades: ['household'], level: 'junior' } });
    assert.ok([201, 409].includes(reg.status), reg.text);
    const rq = await as('customer1', `/api/bookings/${b.json.id}/record-request`, { method: 'POST' });
    assert.equal(rq.status, 201, rq.text);
    assert.equal((await as('worker1', '/api/me/record-grants', { method: 'POST', json: { booking_id: b.json.id, scope: 'booking', days: 3 } })).status, 201);
    const insp = (await as('inspector1', '/api/inspections?per_page=1')).json.items[0];
    if (insp) await as('inspector1', `/api/inspections/${insp.id}/contact`, { method: 'POST' });

    // every GET of the map, as every role, with ids that exist
    const routes = [...readFileSync(join(ROOT, 'src/http/routes.def'), 'utf8')
      .matchAll(/^ROUTE\(M_GET,\s*"([^"]+)"/gm)].map((m) => m[1]);
    const idsOf = (table) => dbSql(srv.db, `SELECT id FROM ${table} ORDER BY id DESC LIMIT 8`).trim().split('\n').filter(Boolean);
    const ids = { workers: idsOf('workers'), bookings: idsOf('bookings'), complaints: idsOf('complaints'), users: idsOf('users'),
      orgs: idsOf('orgs'), certificates: idsOf('certificates'), inspections: idsOf('inspections'), 'training-sessions': idsOf('training_sessions'),
      'sampling-plans': idsOf('sampling_plans'), companies: dbSql(srv.db, "SELECT id FROM orgs WHERE kind = 'company'").trim().split('\n'),
      categories: idsOf('categories'), transfers: idsOf('worker_transfers') };
    ids.workers.push(String(me.id));
    const expand = (pattern) => {
      const m = pattern.match(/^\/api\/(?:public\/)?([a-z-]+)\/\{id\}/);
      if (!pattern.includes('{')) return [pattern];
      if (!m || !ids[m[1]]) return [];
      return ids[m[1]].map((id) => pattern.replace('{id}', id).replace(/\{\w+\}/g, '1'));
    };
    const paths = routes.flatMap(expand).flatMap((p) => (/\/api\/(public\/)?[a-z-]+$/.test(p) && !/\/verify$/.test(p) ? [p, `${p}${p.includes('?') ? '&' : '?'}per_page=100`] : [p]));
    // the public answers: as nobody, with more of the worker profiles and the searches
    const publicPaths = [...paths.filter((p) => p.startsWith('/api/public/')),
      ...dbSql(srv.db, 'SELECT id FROM workers ORDER BY id LIMIT 150').trim().split('\n').map((id) => `/api/public/workers/${id}`),
      ...dbSql(srv.db, 'SELECT code FROM categories').trim().split('\n').map((code) => `/api/public/search?category=${code}&per_page=100`)];
    for (const p of publicPaths) {
      const r = await call(srv.url, p);
      publicAnswers.push({ path: p, text: r.text, status: r.status });
    }
    for (const who of ROLES) {
      const got = [];
      for (const p of paths) {
        if (p === '/api/audit/verify') continue;
        const r = await call(srv.url, p, { token: tokens[who] });
        if (r.status === 200) got.push({ path: p, text: r.text, json: r.json });
      }
      answers.set(who, got);
    }
  });
  after(async () => { if (srv) await srv.stop(); });

  test('the database holds no ID number, phone number or address outside its sealed values', () => {
    const sealed = /(_sealed|_hash|^hash|^prev_hash|^digest|^csrf|^token|^seed|^rank)$/;
    // places that are organisations', not a person's: where a training institution holds its classes
    const organisations = new Set(['training_sessions.location']);
    const tables = dbSql(srv.db, "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'").trim().split('\n');
    const found = [];
    let cells = 0;
    for (const t of tables) {
      const cols = dbSql(srv.db, `SELECT name FROM pragma_table_info('${t}') WHERE type = 'TEXT' OR type = ''`).trim().split('\n').filter(Boolean);
      for (const col of cols.filter((x) => !sealed.test(x) && !organisations.has(`${t}.${x}`))) {
        const values = dbSql(srv.db, `SELECT "${col}" FROM "${t}" WHERE "${col}" IS NOT NULL AND "${col}" <> ''`);
        cells += values.split('\n').length;
        found.push(...findings(`${t}.${col}`, values).slice(0, 3));
      }
    }
    assert.ok(cells > 10000, `the scan read the database (${cells} cells)`);
    assert.deepEqual(found, []);
    // and the day's own values are in the database, only sealed
    for (const plain of ['13905710088', '13857100077', '文三路 90 号', FRESH_ID]) {
      const hit = dbSql(srv.db, `SELECT count(*) FROM bookings WHERE address_sealed LIKE '%${plain}%' OR contact_phone_sealed LIKE '%${plain}%'`).trim();
      assert.equal(hit, '0');
    }
  });

  test('the logs hold none either', () => {
    const log = readFileSync(join(srv.dir, 'access.log'), 'utf8') + srv.stderr();
    assert.ok(log.split('\n').length > 500, 'the access log has the scan\'s requests');
    assert.deepEqual(findings('log', log), []);
  });

  test('no public answer carries an ID number, a phone number or an address', () => {
    assert.ok(publicAnswers.filter((a) => a.status === 200).length > 150, `public answers read: ${publicAnswers.length}`);
    const found = publicAnswers.flatMap((a) => findings(a.path, a.text));
    assert.deepEqual(found, []);
  });

  test('no role is ever given a whole ID number', () => {
    let read = 0;
    const found = [];
    for (const [who, got] of answers) for (const a of got) { read++; found.push(...idNumbers(a.text).map((n) => `${who} ${a.path}: ${n}`)); }
    assert.ok(read > 300, `answers read: ${read}`);
    assert.deepEqual(found, []);
  });

  test('no set of fields returned to a role narrows a worker\'s number to fewer than a million', () => {
    const now = new Date(Date.now() + 8 * 3600000);
    const today = [now.getUTCFullYear(), now.getUTCMonth() + 1, now.getUTCDate()];
    const selfId = new Map();
    for (const who of ROLES.filter((x) => x.startsWith('worker'))) {
      const mine = answers.get(who).find((a) => a.path === '/api/me/worker');
      if (mine) selfId.set(who, mine.json.id);
    }
    const worst = [];
    let judged = 0;
    for (const [who, got] of answers) {
      if (ENTITLED.has(who)) continue;
      // all the role learnt about each worker, whichever answers it came from
      const known = new Map();
      for (const a of got) for (const f of workerFacts(a.json)) {
        if (f.id === selfId.get(who)) continue; // a worker's own record is theirs
        const k = known.get(f.id) || { mask: '*'.repeat(18) };
        const m = [...k.mask];
        for (let i = 0; i < 18; i++) if (f.mask[i] !== '*') m[i] = f.mask[i];
        known.set(f.id, { mask: m.join(''), sex: f.sex ?? k.sex, age: f.age ?? k.age, birth: f.birth ?? k.birth });
      }
      for (const [id, k] of known) {
        if (!k.sex) continue;
        judged++;
        const n = candidates(k, today);
        if (n < 1e6) worst.push(`${who} learns of worker ${id}: ${JSON.stringify(k)}: ${n} numbers fit`);
      }
    }
    assert.ok(judged > 100, `workers judged: ${judged}`);
    assert.deepEqual(worst.slice(0, 5), []);
  });
});
