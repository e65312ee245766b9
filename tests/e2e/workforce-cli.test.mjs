// Black-box tests of the workforce on the command line: `anjia import workers` (good, mixed,
// --good-only, --dry-run, unknown company), `anjia verify` (genuine, altered, revoked, with the
// public key alone), the key file (its mode, refusing another one) and the sealed resident ID
// numbers (never in the database file or its backup in clear).
import { test, describe, before, after } from 'node:test';
import assert from 'node:assert/strict';
import crypto from 'node:crypto';
import { mkdtempSync, writeFileSync, readFileSync, existsSync, rmSync, statSync, chmodSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { execFileSync, spawnSync } from 'node:child_process';
import { serveOn, login, anjia as anjiaSync, ANJIA, ROOT, DEMO_PASSWORD } from './lib/server.mjs';
import { call, dbSql } from './lib/http.mjs';
import { randomId, randomName, randomPhone, maskId, csv, ZH_HEADER, bjDate, parseToken, flipChar } from './lib/workforce.mjs';

let dir, D, KEYS;
let CO1 = { id: 0, name: '' }, CO2 = { id: 0, name: '' }, TRAINING = 0;
const IMPORTED = []; // every plain number the tests imported (or tried to)

before(() => {
  dir = mkdtempSync(join(tmpdir(), 'anjia-wfcli-'));
  D = join(dir, 'anjia.db');
  KEYS = join(dir, 'anjia.keys');
  const r = anjiaSync(['demo', '--db', D, '--password', DEMO_PASSWORD, '--workers', '50']);
  assert.equal(r.status, 0, r.stderr);
  const orgs = dbSql(D, "SELECT id, kind, name FROM orgs ORDER BY id").trim().split('\n').map((l) => l.split('|'));
  const companies = orgs.filter((o) => o[1] === 'company');
  CO1 = { id: Number(companies[0][0]), name: companies[0][2] };
  CO2 = { id: Number(companies[1][0]), name: companies[1][2] };
  TRAINING = Number(orgs.find((o) => o[1] === 'training')[0]);
});
after(() => { if (dir) rmSync(dir, { recursive: true, force: true }); });

// Runs anjia; returns { status, stdout, stderr } whatever the exit (status null after a timeout).
function anjia(args, opts = {}) {
  const r = spawnSync(ANJIA, args, { cwd: ROOT, encoding: 'utf8', timeout: 20000, ...opts });
  return { status: r.status, stdout: r.stdout || '', stderr: r.stderr || '' };
}

let nfile = 0;
function file(text) {
  const p = join(dir, `import-${++nfile}.csv`);
  writeFileSync(p, text);
  return p;
}
const workerCount = () => Number(dbSql(D, 'SELECT count(*) FROM workers').trim());
function auditRecords(db = D) {
  const r = anjia(['audit', 'verify', '--db', db]);
  assert.equal(r.status, 0, `audit verify: ${r.stdout}${r.stderr}`);
  const m = r.stdout.match(/intact: (\d+) records/);
  assert.ok(m, r.stdout);
  return Number(m[1]);
}
// The workers of these names as the database holds them.
function rowsByName(names) {
  const list = names.map((n) => `'${n.replace(/'/g, "''")}'`).join(',');
  const out = execFileSync('sqlite3', ['-json', D, `SELECT w.id, w.name, w.company_id, w.id_masked, w.id_sealed, w.id_hash, w.phone_sealed, w.sex, w.level,
    (SELECT group_concat(trade, ';') FROM (SELECT trade FROM worker_trades t WHERE t.worker_id = w.id ORDER BY trade)) AS trades
    FROM workers w WHERE w.name IN (${list}) ORDER BY w.id`], { encoding: 'utf8' }).trim();
  return out ? JSON.parse(out) : [];
}
// Whether any of the files (the database with its -wal, a backup) holds s in clear.
function inFiles(paths, s) {
  const hits = [];
  for (const p of paths) {
    if (!existsSync(p)) continue;
    const buf = readFileSync(p);
    for (const form of new Set([s, s.toLowerCase()])) {
      if (buf.includes(Buffer.from(form, 'latin1'))) hits.push(`${form} in ${p}`);
      if (buf.includes(Buffer.from(form, 'utf16le'))) hits.push(`${form} (UTF-16) in ${p}`);
    }
  }
  return hits;
}
const dbFiles = () => readdirSync(dir).filter((f) => f.startsWith('anjia.db')).map((f) => join(dir, f));

// A fresh person; over: sex, birth ('YYYYMMDD'), x (a number ending in X).
function person(over = {}) {
  const p = { name: randomName(), phone: randomPhone(), ...randomId(over) };
  IMPORTED.push(p.id);
  return p;
}

// ---------------------------------------------------------------------------------------------

describe('the key file', () => {
  test('anjia.keys beside the database is mode 0600', () => {
    assert.ok(existsSync(KEYS), 'the key file exists');
    assert.equal(statSync(KEYS).mode & 0o777, 0o600);
  });

  test('a key file others can read is refused (and nothing is imported)', () => {
    const p = person();
    const f = file(csv(ZH_HEADER, [[p.name, p.id, p.phone, 'household', 'junior']]));
    const before = workerCount();
    chmodSync(KEYS, 0o644);
    try {
      const r = anjia(['import', 'workers', '--db', D, '--company', String(CO1.id), f]);
      assert.notEqual(r.status, 0, r.stdout);
      assert.match(r.stderr, /600|readable/);
    } finally {
      chmodSync(KEYS, 0o600);
    }
    assert.equal(workerCount(), before);
  });
});

// ---------------------------------------------------------------------------------------------

describe('anjia import workers', () => {
  test('a good file, the company by name → exit 0; the workers exist, their numbers sealed', () => {
    const ps = [person({ sex: 'male', birth: '19800704' }), person({ sex: 'female' }), person({ x: true })];
    const text = csv(ZH_HEADER, [
      [ps[0].name, ps[0].id, ps[0].phone, '家政服务员、保洁员', '三级'],
      [ps[1].name, ps[1].id, ps[1].phone, 'household;cooking', 'senior'],
      [ps[2].name, ps[2].id.toLowerCase(), ps[2].phone, '母婴护理员', 'junior'],
    ], { bom: true });
    const before = workerCount();
    const audit0 = auditRecords();
    const r = anjia(['import', 'workers', '--db', D, '--company', CO1.name, file(text)]);
    assert.equal(r.status, 0, r.stderr);
    assert.match(r.stdout, /3 rows: 3 imported \(0 registered elsewhere/);
    assert.equal(workerCount(), before + 3);
    assert.equal(auditRecords(), audit0 + 6, 'one audit record per worker, one per look-up of a person');
    const rows = rowsByName(ps.map((p) => p.name));
    assert.equal(rows.length, 3);
    for (const p of ps) {
      const w = rows.find((x) => x.name === p.name);
      assert.equal(w.company_id, CO1.id);
      assert.equal(w.id_masked, maskId(p.id));
      assert.equal(w.sex, p.sex);
      assert.ok(!('birth_date' in w), 'no birth date beside the mask');
      for (const col of ['id_sealed', 'id_hash', 'phone_sealed']) {
        assert.ok(w[col] && w[col].length >= 16, `${col} is set`);
        assert.ok(!w[col].includes(p.id) && !w[col].includes(p.id.slice(0, 17)) && !w[col].includes(p.id.slice(6, 14) + p.id.slice(14, 17)),
          `${col} holds the number in clear: ${w[col]}`);
      }
    }
    assert.equal(rows.find((x) => x.name === ps[0].name).trades, 'cleaning;household');
    assert.equal(rows.find((x) => x.name === ps[0].name).level, 'senior');
    assert.equal(rows.find((x) => x.name === ps[1].name).trades, 'cooking;household');
    assert.equal(rows.find((x) => x.name === ps[2].name).trades, 'maternity');
    // the whole database file (and its WAL) never holds a number, nor a phone, in clear
    for (const p of ps) assert.deepEqual(inFiles(dbFiles(), p.id), []);
    for (const p of ps) assert.deepEqual(inFiles(dbFiles(), p.phone), []);
    // the sealed values differ even for the same plain text: a fresh nonce each
    const sealed = rows.map((x) => x.id_sealed);
    assert.equal(new Set(sealed).size, 3);
  });

  test('a mixed file → non-zero, every bad line on stderr, nothing written', () => {
    const good = person();
    const dupOf = person();
    const badId = person();
    const wrong = badId.id.slice(0, 17) + (badId.id[17] === '1' ? '2' : '1');
    IMPORTED.push(wrong);
    const badPhone = person();
    const badTrade = person();
    const text = csv(ZH_HEADER, [
      [good.name, good.id, good.phone, 'household', 'junior'], // 2
      [badId.name, wrong, badId.phone, 'household', 'junior'], // 3
      [badPhone.name, badPhone.id, '12345678901', 'household', 'junior'], // 4
      [dupOf.name, dupOf.id, dupOf.phone, 'household', 'junior'], // 5
      ['张,\n三丰', person().id, randomPhone(), 'household', 'junior'], // 6–7
      [badTrade.name, badTrade.id, badTrade.phone, '宇航员', 'junior'], // 8
      [dupOf.name, dupOf.id, dupOf.phone, 'cleaning', 'junior'], // 9
    ], { bom: true });
    const before = workerCount();
    const audit0 = auditRecords();
    const r = anjia(['import', 'workers', '--db', D, '--company', CO1.name, file(text)]);
    assert.notEqual(r.status, 0, r.stdout);
    const lines = r.stderr.split('\n').filter((l) => /^line \d+/.test(l)).map((l) => l.match(/^line (\d+): (\S+)(?: (\S+))?/).slice(1));
    assert.deepEqual(lines.map(([n, , field]) => [Number(n), field]), [[3, 'id_number'], [4, 'phone'], [6, 'name'], [8, 'trades'], [9, 'id_number']], r.stderr);
    assert.equal(lines[0][1], 'invalid_id_number');
    assert.equal(lines[1][1], 'invalid_phone');
    assert.match(r.stderr, /nothing imported/);
    assert.equal(workerCount(), before);
    // nothing but the trace of the two good rows' look-ups
    assert.equal(auditRecords(), audit0 + 2);
    assert.deepEqual(rowsByName([good.name, dupOf.name]), []);
  });

  test('--good-only imports the good rows and reports the rest', () => {
    const a = person();
    const b = person();
    const bad = person();
    const text = csv(['name', 'id_number', 'phone', 'trades', 'level'], [
      [a.name, a.id, a.phone, 'elderly_care', 'intermediate'],
      [bad.name, bad.id, bad.phone, 'household', 'grandmaster'],
      [b.name, b.id, b.phone, 'childcare|household', '二级'],
    ], { eol: '\n' });
    const before = workerCount();
    const r = anjia(['import', 'workers', '--db', D, '--company', String(CO1.id), '--good-only', file(text)]);
    assert.equal(r.status, 0, r.stderr);
    assert.match(r.stdout, /3 rows: 2 imported \(0 registered elsewhere: waiting for the worker's confirmation\), 1 skipped/);
    assert.match(r.stderr, /^line 3: \S+ level$/m);
    assert.equal(workerCount(), before + 2);
    const rows = rowsByName([a.name, b.name, bad.name]);
    assert.deepEqual(rows.map((x) => x.name).sort(), [a.name, b.name].sort());
    assert.equal(rows.find((x) => x.name === b.name).level, 'technician');
    assert.equal(rows.find((x) => x.name === b.name).trades, 'childcare;household');
    for (const p of [a, b]) assert.deepEqual(inFiles(dbFiles(), p.id), []);
  });

  test('--dry-run checks and registers nothing; a person registered elsewhere is asked, not moved', () => {
    const p = person();
    // someone company2 registered first, imported by company1
    const first = anjia(['import', 'workers', '--db', D, '--company', CO2.name, file(csv(ZH_HEADER, [[p.name, p.id, p.phone, 'cleaning', 'junior']]))]);
    assert.equal(first.status, 0, first.stderr);
    const q = person();
    const f = file(csv(ZH_HEADER, [[p.name, p.id, randomPhone(), 'cleaning', '初级'], [q.name, q.id, q.phone, 'household', '中级']], { bom: true }));
    const before = workerCount();
    const audit0 = auditRecords();
    const dry = anjia(['import', 'workers', '--db', D, '--company', CO1.name, '--dry-run', f]);
    assert.equal(dry.status, 0, dry.stderr);
    assert.match(dry.stdout, /^checked only: 2 rows: 2 imported \(1 registered elsewhere/);
    assert.equal(workerCount(), before);
    assert.equal(auditRecords(), audit0 + 2, 'the look-ups of a dry run are on record too');
    assert.equal(rowsByName([p.name])[0].company_id, CO2.id, 'still company2\'s');
    assert.deepEqual(rowsByName([q.name]), []);
    // a dry run of a bad file fails like a real one
    const bad = anjia(['import', 'workers', '--db', D, '--company', CO1.name, '--dry-run',
      file(csv(ZH_HEADER, [[q.name, q.id.slice(0, 17) + 'Z', q.phone, 'household', 'junior']]))]);
    assert.notEqual(bad.status, 0);
    assert.match(bad.stderr, /^line 2: invalid_id_number id_number$/m);
    // for real: the new person is registered; the one employed elsewhere is asked, and stays
    const real = anjia(['import', 'workers', '--db', D, '--company', CO1.name, f]);
    assert.equal(real.status, 0, real.stderr);
    assert.match(real.stdout, /^2 rows: 2 imported \(1 registered elsewhere/);
    const pid = rowsByName([p.name])[0].id;
    assert.equal(rowsByName([p.name])[0].company_id, CO2.id, 'moved only with the worker\'s own confirmation');
    assert.equal(workerCount(), before + 1);
    assert.equal(dbSql(D, `SELECT status, to_company_id FROM worker_transfers WHERE worker_id = ${pid}`).trim(), `pending|${CO1.id}`);
    const emp = dbSql(D, `SELECT company_id, ended_on IS NOT NULL FROM employments WHERE worker_id = ${pid} ORDER BY id`).trim();
    assert.equal(emp, `${CO2.id}|0`);
  });

  test('an unknown company, a non-company, a missing header column → non-zero, nothing written', () => {
    const p = person();
    const f = file(csv(ZH_HEADER, [[p.name, p.id, p.phone, 'household', 'junior']]));
    const before = workerCount();
    const audit0 = auditRecords();
    for (const company of ['没有这家公司', '99999', String(TRAINING), CO1.name.slice(0, 4)]) {
      const r = anjia(['import', 'workers', '--db', D, '--company', company, f]);
      assert.notEqual(r.status, 0, `${company}: ${r.stdout}`);
      assert.match(r.stderr, /no such company/, company);
    }
    const noId = anjia(['import', 'workers', '--db', D, '--company', CO1.name, file(`\ufeff姓名,手机,工种,等级\n${p.name},${p.phone},household,junior\n`)]);
    assert.notEqual(noId.status, 0);
    assert.match(noId.stderr, /line 1: missing_column id_number/);
    // no --company, or no file: a usage error
    assert.equal(anjia(['import', 'workers', '--db', D, f]).status, 2);
    assert.equal(anjia(['import', 'workers', '--db', D, '--company', CO1.name]).status, 2);
    const missing = anjia(['import', 'workers', '--db', D, '--company', CO1.name, join(dir, 'no-such.csv')]);
    assert.notEqual(missing.status, 0);
    assert.equal(workerCount(), before);
    assert.equal(auditRecords(), audit0);
  });
});

// ---------------------------------------------------------------------------------------------

describe('anjia verify', () => {
  let genuine; // { serial, token } of a valid demo certificate
  let publicKey; // from GET /api/public/keys
  let revoked; // { serial, token } revoked through the API
  before(async () => {
    const today = bjDate();
    const row = dbSql(D, `SELECT serial, token FROM certificates WHERE status = 'valid' AND valid_until >= '${today}' ORDER BY id LIMIT 2`).trim().split('\n').map((l) => l.split('|'));
    assert.equal(row.length, 2, 'the demo has valid certificates');
    genuine = { serial: row[0][0], token: row[0][1] };
    // a server on the same database: its public key, and a certificate revoked through the API
    const srv = await serveOn(D);
    try {
      const k = await call(srv.url, '/api/public/keys');
      assert.equal(k.status, 200);
      publicKey = k.json.items[0].public_key;
      const { token } = await login(srv.url, 'admin');
      const id = Number(dbSql(D, `SELECT id FROM certificates WHERE serial = '${row[1][0]}'`).trim());
      const r = await call(srv.url, `/api/certificates/${id}/revoke`, { method: 'POST', token, json: { reason: '违规被吊销' } });
      assert.equal(r.status, 200, r.text);
      revoked = { serial: row[1][0], token: row[1][1] };
    } finally {
      const s = await srv.stop();
      assert.equal(s.code, 0, 'the server stops cleanly');
    }
  });

  test('a genuine, valid certificate → exit 0 with its serial and status', () => {
    const r = anjia(['verify', '--db', D, genuine.token]);
    assert.equal(r.status, 0, r.stdout + r.stderr);
    assert.ok(r.stdout.includes(genuine.serial), r.stdout);
    assert.match(r.stdout, /status now: valid/);
    assert.ok(r.stdout.includes(parseToken(genuine.token).payload.n), 'the masked name');
  });

  test('an altered or forged token → exit 1 INVALID', () => {
    const p = parseToken(genuine.token);
    const forged = 'AJ1.' + Buffer.from(JSON.stringify({ ...p.payload, u: '2099-12-31' })).toString('base64url') + '.' + genuine.token.split('.')[2];
    for (const t of [flipChar(genuine.token, 1, 10), flipChar(genuine.token, 2, 10), flipChar(genuine.token, 2, -2), forged, 'AJ1.abc.def', 'hello']) {
      for (const args of [['--db', D], ['--public-key', publicKey]]) {
        const r = anjia(['verify', ...args, t]);
        assert.equal(r.status, 1, `${t}: ${r.stdout}${r.stderr}`);
        assert.match(r.stdout + r.stderr, /INVALID/);
        assert.ok(!r.stdout.includes('genuine'));
      }
    }
  });

  test('a revoked certificate\'s token → exit 3 with --db; its signature alone still holds', () => {
    const r = anjia(['verify', '--db', D, revoked.token]);
    assert.equal(r.status, 3, r.stdout + r.stderr);
    assert.match(r.stdout, /status now: revoked/);
    assert.ok(r.stdout.includes(revoked.serial));
    const sig = anjia(['verify', '--keys', KEYS, revoked.token]);
    assert.equal(sig.status, 0, sig.stdout + sig.stderr);
    // a renewed one is no longer current either
    const renewed = dbSql(D, "SELECT token FROM certificates WHERE status = 'renewed' LIMIT 1").trim();
    if (renewed) assert.equal(anjia(['verify', '--db', D, renewed]).status, 3);
  });

  test('--public-key from /api/public/keys works without --db; another key does not', () => {
    const r = anjia(['verify', '--public-key', publicKey, genuine.token], { cwd: dir });
    assert.equal(r.status, 0, r.stdout + r.stderr);
    assert.ok(r.stdout.includes(genuine.serial));
    assert.ok(!/status now/.test(r.stdout), 'no database, no status');
    const other = crypto.randomBytes(32).toString('base64url');
    const o = anjia(['verify', '--public-key', other, genuine.token]);
    assert.equal(o.status, 1, o.stdout);
    assert.match(o.stdout, /INVALID/);
    assert.equal(anjia(['verify', '--public-key', 'not-a-key', genuine.token]).status, 2);
  });
});

// ---------------------------------------------------------------------------------------------

describe('the keys and the database belong together', () => {
  // A well-formed key file of other keys.
  function otherKeyFile(path) {
    const { privateKey, publicKey } = crypto.generateKeyPairSync('ed25519');
    const seed = Buffer.from(privateKey.export({ format: 'jwk' }).d, 'base64url');
    const pk = Buffer.from(publicKey.export({ format: 'jwk' }).x, 'base64url');
    writeFileSync(path, `seal ${crypto.randomBytes(32).toString('hex')}\nlookup ${crypto.randomBytes(32).toString('hex')}\nsign ${Buffer.concat([seed, pk]).toString('hex')}\n`, { mode: 0o600 });
    chmodSync(path, 0o600);
    return path;
  }
  const serve = (keys) => anjia(['serve', '--db', D, '--port', '0', '--web', join(ROOT, 'web'), '--access-log', 'off', '--keys', keys], { timeout: 8000 });

  test('anjia serve with another key file fails instead of sealing with new keys', () => {
    const fp0 = dbSql(D, "SELECT value FROM settings WHERE key = 'keys.fingerprint'").trim();
    const audit0 = auditRecords();
    const other = otherKeyFile(join(dir, 'other.keys'));
    const r = serve(other);
    assert.notEqual(r.status, 0, 'refused');
    assert.notEqual(r.status, null, 'exited rather than serving');
    assert.match(r.stderr, /not the one this database was sealed with/);
    // a key file that does not exist yet is not made for a database already sealed
    const absent = join(dir, 'sub-absent.keys');
    const a = serve(absent);
    assert.notEqual(a.status, 0);
    assert.notEqual(a.status, null);
    assert.equal(existsSync(absent), false, 'no new key file');
    // the import refuses the same way and writes nothing
    const p = person();
    const before = workerCount();
    const imp = anjia(['import', 'workers', '--db', D, '--keys', other, '--company', CO1.name, file(csv(ZH_HEADER, [[p.name, p.id, p.phone, 'household', 'junior']]))]);
    assert.notEqual(imp.status, 0);
    assert.equal(workerCount(), before);
    assert.equal(dbSql(D, "SELECT value FROM settings WHERE key = 'keys.fingerprint'").trim(), fp0, 'the database still names its own keys');
    assert.equal(auditRecords(), audit0);
    // and verify with the other key file calls a genuine token invalid
    const token = dbSql(D, "SELECT token FROM certificates WHERE status = 'valid' LIMIT 1").trim();
    assert.equal(anjia(['verify', '--keys', other, token]).status, 1);
  });

  test('anjia backup of the database holds no plain ID number either', () => {
    assert.ok(IMPORTED.length >= 10, `numbers tried: ${IMPORTED.length}`);
    const out = join(dir, 'backup.db');
    const r = anjia(['backup', '--db', D, '--to', out]);
    assert.equal(r.status, 0, r.stderr);
    assert.equal(Number(dbSql(out, 'SELECT count(*) FROM workers').trim()), workerCount(), 'a whole copy');
    const masked = dbSql(out, 'SELECT id_masked FROM workers').trim().split('\n');
    const leaks = [];
    for (const id of IMPORTED) {
      leaks.push(...inFiles([out, ...dbFiles()], id));
      leaks.push(...inFiles([out], id.slice(0, 17)));
    }
    assert.deepEqual(leaks, []);
    // the numbers that were imported are there, masked
    const importedMasked = IMPORTED.map(maskId).filter((m) => masked.includes(m));
    assert.ok(importedMasked.length >= 6, `imported workers in the backup: ${importedMasked.length}`);
  });
});

// ---------------------------------------------------------------------------------------------

describe('anjia keys rotate', () => {
  test('a new sealing key: every sealed value sealed again under it, the old key kept to open older backups', async () => {
    const before = join(dir, 'before-rotation.db');
    assert.equal(anjia(['backup', '--db', D, '--to', before]).status, 0);
    const kidOf = (db) => dbSql(db, "SELECT DISTINCT substr(id_sealed, 4, 8) FROM workers UNION SELECT DISTINCT substr(address_sealed, 4, 8) FROM bookings WHERE address_sealed <> ''").trim().split('\n');
    const old = kidOf(D);
    assert.equal(old.length, 1, `one key seals everything: ${old}`);
    const r = anjia(['keys', 'rotate', '--db', D]);
    assert.equal(r.status, 0, r.stdout + r.stderr);
    assert.match(r.stdout, new RegExp(`sealing key ${old[0]} replaced by [0-9a-f]{8}: \\d+ values sealed again, 0 that no key opens`));
    const now = kidOf(D);
    assert.equal(now.length, 1);
    assert.notEqual(now[0], old[0]);
    assert.equal(statSync(KEYS).mode & 0o777, 0o600);
    assert.match(readFileSync(KEYS, 'utf8'), /^seal-retired [0-9a-f]{64}$/m);
    // the rotation is one audited write, and the chain holds
    assert.equal(dbSql(D, "SELECT count(*) FROM audit_log WHERE action = 'keys.reseal'").trim(), '1');
    auditRecords();
    // a server on the rotated database opens what it sealed: a company sees its workers' phones
    const srv = await serveOn(D);
    try {
      const { token } = await login(srv.url, 'company1');
      const list = await call(srv.url, '/api/workers?per_page=5', { token });
      assert.equal(list.status, 200);
      for (const w of list.json.items) assert.match(w.phone || '', /^1[3-9]\d{9}$/, JSON.stringify(w));
    } finally {
      await srv.stop();
    }
    // and the backup from before the rotation still opens with the rewritten key file
    const srv2 = await serveOn(before, { args: ['--keys', KEYS] });
    try {
      const { token } = await login(srv2.url, 'company1');
      const list = await call(srv2.url, '/api/workers?per_page=5', { token });
      for (const w of list.json.items) assert.match(w.phone || '', /^1[3-9]\d{9}$/);
    } finally {
      await srv2.stop();
    }
    // a second rotation with nothing left under the old key still seals everything again
    const again = anjia(['keys', 'rotate', '--db', D]);
    assert.equal(again.status, 0, again.stdout + again.stderr);
    assert.equal((readFileSync(KEYS, 'utf8').match(/^seal-retired /gm) || []).length, 2);
    assert.equal(anjia(['keys', 'rotate', '--db', join(dir, 'no-such.db')]).status, 1);
    assert.equal(anjia(['keys']).status, 2);
  });
});
