// Black-box tests of the audit chain's signed checkpoints: saved from a running server's
// GET /api/public/audit/checkpoints as an outside party would (and verified here with node's own
// Ed25519, from the message docs/api.md describes), then `anjia audit verify --checkpoints FILE`
// on the database as it is (passes), after a record was rewritten with sqlite3 and the chain hashed
// anew after it (fails, naming the checkpoint and its record), with a forged signature, with
// another key; and `anjia jobs run` signing one when due.
import { test, describe, before, after } from 'node:test';
import assert from 'node:assert/strict';
import crypto from 'node:crypto';
import { mkdtempSync, writeFileSync, readFileSync, rmSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { execFileSync } from 'node:child_process';
import { serveOn, anjia, DEMO_PASSWORD } from './lib/server.mjs';
import { call, dbSql } from './lib/http.mjs';

let dir, D, PAGE, ITEMS, PUBLIC_KEY;
let items = [];   // every checkpoint the server published, newest first
let cacheControl = '';

before(async () => {
  dir = mkdtempSync(join(tmpdir(), 'anjia-cpcli-'));
  D = join(dir, 'anjia.db');
  const r = anjia(['demo', '--db', D, '--password', DEMO_PASSWORD, '--workers', '50']);
  assert.equal(r.status, 0, r.stderr);
  const srv = await serveOn(D);
  try {
    // what `curl -o page.json …/api/public/audit/checkpoints` saves
    const first = await call(srv.url, '/api/public/audit/checkpoints');
    assert.equal(first.status, 200, first.text);
    cacheControl = first.headers.get('cache-control') || '';
    PAGE = join(dir, 'page.json');
    writeFileSync(PAGE, first.text);
    for (let page = 1; ; page++) {
      const p = await call(srv.url, `/api/public/audit/checkpoints?per_page=100&page=${page}`);
      items.push(...p.json.items);
      if (items.length >= p.json.total) break;
    }
    ITEMS = join(dir, 'items.json');
    writeFileSync(ITEMS, JSON.stringify(items));
    PUBLIC_KEY = (await call(srv.url, '/api/public/keys')).json.items[0];
  } finally {
    await srv.stop();
  }
});
after(() => { if (dir) rmSync(dir, { recursive: true, force: true }); });

let n = 0;
// A consistent single-file copy of the demo database beside its key file.
function copy() {
  const p = join(dir, `copy-${++n}.db`);
  dbSql(D, `.backup '${p}'`);
  return p;
}

function save(name, value) {
  const p = join(dir, name);
  writeFileSync(p, typeof value === 'string' ? value : JSON.stringify(value));
  return p;
}

// The message docs/api.md says is signed.
function message(c) {
  return `anjia-audit-checkpoint-${c.version}\nrecord_id=${c.record_id}\nhash=${c.hash}\n`
    + `at=${Date.parse(c.at) / 1000}\nkid=${c.kid}\n`;
}

function ed25519Key(raw) {
  return crypto.createPublicKey({ key: Buffer.concat([Buffer.from('302a300506032b6570032100', 'hex'), raw]),
    format: 'der', type: 'spki' });
}

// The record hash of docs/decisions.md (Audit chain): text fields prefixed with their byte length.
function recordHash(prev, r) {
  const len = (s) => `${Buffer.byteLength(s)}:${s}`;
  const text = `anjia-audit-1|${prev}|${r.id}|${r.at}|${r.actor_id}|${len(r.actor_label)}|${len(r.action)}|`
    + `${len(r.entity)}|${r.entity_id}|${r.digest}`;
  return crypto.createHash('sha256').update(text).digest('hex');
}

// What someone who can write the database file does, with sqlite3 alone: rewrites record id and
// hashes every later record and the head again, exactly as the platform would have.
function rewriteAndRechain(db, id) {
  const rows = JSON.parse(execFileSync('sqlite3', ['-json', db, `SELECT id, at, coalesce(actor_id, 0) AS actor_id,
    actor_label, action, entity, coalesce(entity_id, 0) AS entity_id, digest, prev_hash FROM audit_log
    WHERE id >= ${id} ORDER BY id`], { encoding: 'utf8' }));
  rows[0].action = 'user.delete';
  let prev = rows[0].prev_hash;
  const sql = ['BEGIN;', `UPDATE audit_log SET action = 'user.delete' WHERE id = ${id};`];
  for (const r of rows) {
    const h = recordHash(prev, r);
    sql.push(`UPDATE audit_log SET prev_hash = '${prev}', hash = '${h}' WHERE id = ${r.id};`);
    prev = h;
  }
  sql.push(`UPDATE audit_head SET last_hash = '${prev}' WHERE id = 1;`, 'COMMIT;');
  const file = save(`rechain-${++n}.sql`, sql.join('\n'));
  dbSql(db, `.read '${file}'`);
}

// A checkpoint in the middle of the published ones, and a record it covers that the one before it
// does not: rewriting that record leaves the older checkpoints standing and breaks this one on.
function target() {
  const byRecord = [...items].sort((a, b) => a.record_id - b.record_id);
  const k = Math.floor(byRecord.length / 2);
  assert.ok(k >= 1, 'the demo has several checkpoints');
  const cp = byRecord[k];
  const record = byRecord[k - 1].record_id + 2 <= cp.record_id ? byRecord[k - 1].record_id + 2 : cp.record_id;
  return { cp, record, older: byRecord.slice(0, k), later: byRecord.slice(k) };
}

function verify(db, ...args) {
  return anjia(['audit', 'verify', '--db', db, ...args]);
}

describe('published checkpoints', () => {
  test('are public, cacheable and verify with any Ed25519 library under the published key', () => {
    assert.match(cacheControl, /^public/);
    const page = JSON.parse(readFileSync(PAGE, 'utf8'));
    assert.deepEqual(Object.keys(page).sort(), ['items', 'page', 'per_page', 'total']);
    assert.ok(items.length >= 2, 'the demo leaves signed checkpoints');
    assert.equal(items.length, page.total);
    for (let i = 1; i < items.length; i++) assert.ok(items[i - 1].id > items[i].id, 'newest first');
    assert.equal(PUBLIC_KEY.alg, 'Ed25519');
    const key = ed25519Key(Buffer.from(PUBLIC_KEY.public_key, 'base64url'));
    for (const c of items) {
      assert.equal(c.version, 1);
      assert.equal(c.kid, PUBLIC_KEY.kid);
      const sig = Buffer.from(c.signature, 'base64url');
      assert.equal(sig.length, 64);
      assert.ok(crypto.verify(null, Buffer.from(message(c)), key, sig), `checkpoint ${c.id}`);
      assert.ok(!crypto.verify(null, Buffer.from(message({ ...c, record_id: c.record_id + 1 })), key, sig));
    }
    // the newest covers the chain as the demo left it: its own record is the chain's last
    const head = Number(dbSql(D, 'SELECT last_id FROM audit_head').trim());
    assert.equal(items[0].record_id + 1, head);
  });
});

describe('anjia audit verify --checkpoints', () => {
  test('the untampered database matches every saved checkpoint, as the answer or as its items', () => {
    for (const [file, count] of [[PAGE, JSON.parse(readFileSync(PAGE, 'utf8')).items.length],
      [ITEMS, items.length]]) {
      const r = verify(copy(), '--checkpoints', file);
      assert.equal(r.status, 0, r.stdout + r.stderr);
      assert.equal((r.stdout.match(/: matches$/gm) || []).length, count);
      assert.match(r.stdout, /^audit chain intact: \d+ records$/m);
      assert.match(r.stdout, new RegExp(`^saved checkpoints: ${count}, ${count} matching, 0 not$`, 'm'));
    }
    // an outside verifier with only the published key
    const r = verify(copy(), '--checkpoints', ITEMS, '--public-key', PUBLIC_KEY.public_key);
    assert.equal(r.status, 0, r.stdout + r.stderr);
  });

  test('a record rewritten and the chain hashed again after it is found, naming the checkpoint', () => {
    const { cp, record, older, later } = target();
    const db = copy();
    rewriteAndRechain(db, record);
    // the database's own checkpoints already disagree
    let r = verify(db);
    assert.equal(r.status, 1, r.stdout);
    assert.match(r.stdout, new RegExp(`broken at record ${cp.record_id}: checkpoint ${cp.id} signed record ${cp.record_id} with another hash`));
    // and so do the saved ones, from that checkpoint on; those before it still match
    r = verify(db, '--checkpoints', ITEMS);
    assert.equal(r.status, 1, r.stdout);
    assert.match(r.stdout, new RegExp(`^checkpoint ${cp.id} \\(record ${cp.record_id}, [^)]+\\): MISMATCH: record ${cp.record_id} no longer has the hash signed`, 'm'));
    for (const c of older) assert.match(r.stdout, new RegExp(`^checkpoint ${c.id} \\(record ${c.record_id}, [^)]+\\): matches$`, 'm'));
    for (const c of later) assert.match(r.stdout, new RegExp(`^checkpoint ${c.id} \\(record ${c.record_id}, [^)]+\\): MISMATCH`, 'm'));
    assert.match(r.stdout, new RegExp(`^saved checkpoints: ${items.length}, ${older.length} matching, ${later.length} not$`, 'm'));
  });

  test('when the stored checkpoints are deleted too, plain verification is fooled but the saved ones are not', () => {
    const { cp, record } = target();
    const db = copy();
    rewriteAndRechain(db, record);
    dbSql(db, 'DELETE FROM audit_checkpoints');
    const plain = verify(db);
    assert.equal(plain.status, 0, plain.stdout);
    assert.match(plain.stdout, /^audit chain intact/);
    const r = verify(db, '--checkpoints', ITEMS);
    assert.equal(r.status, 1, r.stdout);
    assert.match(r.stdout, new RegExp(`^checkpoint ${cp.id} \\(record ${cp.record_id}, [^)]+\\): MISMATCH: record ${cp.record_id} no longer has the hash signed`, 'm'));
    assert.match(r.stdout, /removed from the database's own checkpoints/);
  });

  test('a forged signature is refused, and so is a saved hash changed to suit a rewrite', () => {
    const forged = items.map((c) => ({ ...c }));
    const s = forged[0].signature;
    forged[0].signature = s.slice(0, 3) + (s[3] === 'A' ? 'B' : 'A') + s.slice(4);
    let r = verify(copy(), '--checkpoints', save('forged.json', forged));
    assert.equal(r.status, 1, r.stdout);
    assert.match(r.stdout, new RegExp(`^checkpoint ${forged[0].id} \\([^)]+\\): FORGED`, 'm'));
    assert.equal((r.stdout.match(/FORGED/g) || []).length, 1);

    // the rewriter's own copy of the list, with the rewritten chain's hash put in
    const { cp, record } = target();
    const db = copy();
    rewriteAndRechain(db, record);
    const now = dbSql(db, `SELECT hash FROM audit_log WHERE id = ${cp.record_id}`).trim();
    const suited = items.map((c) => (c.id === cp.id ? { ...c, hash: now } : c));
    r = verify(db, '--checkpoints', save('suited.json', suited));
    assert.equal(r.status, 1, r.stdout);
    assert.match(r.stdout, new RegExp(`^checkpoint ${cp.id} \\([^)]+\\): FORGED`, 'm'));
  });

  test('a key of someone else\'s signs nothing of the association\'s', () => {
    const other = crypto.generateKeyPairSync('ed25519').publicKey.export({ format: 'der', type: 'spki' }).subarray(12);
    const r = verify(copy(), '--checkpoints', ITEMS, '--public-key', other.toString('base64url'));
    assert.equal(r.status, 1, r.stdout);
    assert.equal((r.stdout.match(/FORGED/g) || []).length, items.length);
  });

  test('what cannot be checked is said, with exit 2', () => {
    assert.equal(verify(copy(), '--checkpoints', join(dir, 'no-such.json')).status, 2);
    assert.equal(verify(copy(), '--checkpoints', save('bad.json', 'not json')).status, 2);
    const empty = verify(copy(), '--checkpoints', save('empty.json', '{"items":[],"page":1,"per_page":20,"total":0}'));
    assert.equal(empty.status, 2);
    assert.match(empty.stderr, /no checkpoints/);
    const broken = verify(copy(), '--checkpoints', save('broken.json', [{ ...items[0], hash: 'xyz' }]));
    assert.equal(broken.status, 2);
    assert.match(broken.stderr, /field hash/);
    assert.equal(verify(copy(), '--keys', join(dir, 'anjia.keys'), '--public-key', PUBLIC_KEY.public_key).status, 2);
    assert.equal(verify(copy(), '--public-key', 'short').status, 2);
    // a copy of the database without its key file: the saved list needs a key ...
    const elsewhere = join(dir, 'elsewhere');
    mkdirSync(elsewhere);
    const db = join(elsewhere, 'copy.db');
    dbSql(D, `.backup '${db}'`);
    const r = verify(db, '--checkpoints', ITEMS);
    assert.equal(r.status, 2);
    assert.match(r.stderr, /--public-key/);
    // ... and the stored ones are compared by hash, saying their signatures were not checked
    const plain = verify(db);
    assert.equal(plain.status, 0, plain.stdout);
    assert.match(plain.stdout, /signatures not checked/);
  });
});

describe('anjia jobs run', () => {
  test('signs a checkpoint when one is due, and nothing when nothing moved', () => {
    const db = copy();
    const count = () => Number(dbSql(db, 'SELECT count(*) FROM audit_checkpoints').trim());
    const before = count();
    // the demo's last write is its checkpoint: nothing is due
    assert.equal(anjia(['jobs', 'run', '--db', db]).status, 0);
    assert.equal(count(), before);
    // with none left (deleted behind the platform's back), the next pass signs the head at once
    dbSql(db, 'DELETE FROM audit_checkpoints');
    const head = Number(dbSql(db, 'SELECT last_id FROM audit_head').trim());
    const r = anjia(['jobs', 'run', '--db', db]);
    assert.equal(r.status, 0, r.stderr);
    assert.equal(count(), 1);
    assert.equal(Number(dbSql(db, 'SELECT record_id FROM audit_checkpoints').trim()), head);
    assert.equal(anjia(['jobs', 'run', '--db', db]).status, 0);
    assert.equal(count(), 1);
    const v = verify(db);
    assert.equal(v.status, 0, v.stdout);
    assert.match(v.stdout, /stored checkpoints: 1, each matching the chain and signed/);
  });
});
