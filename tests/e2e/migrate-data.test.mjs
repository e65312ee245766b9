// Moving a running platform from its SQLite file to PostgreSQL (`anjia migrate-data`): every row,
// the audit chain and the sealed values intact, a node served from the copy answering as the file
// did, ids going on after the copied ones, and no second copy into a database that holds one.
// PostgreSQL only: the copy's target.
import { test, describe, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { anjia, serveOn, login, engine, newDatabase, dropDatabase, DEMO_PASSWORD } from './lib/server.mjs';
import { call, dbSql } from './lib/http.mjs';

describe('migrate-data from a SQLite file to PostgreSQL', { skip: engine !== 'postgresql' && 'the copy goes to PostgreSQL' }, () => {
  let dir, file, url, keys;
  before(() => {
    dir = mkdtempSync(join(tmpdir(), 'anjia-move-'));
    file = join(dir, 'anjia.db');
    keys = join(dir, 'anjia.keys');
    const d = anjia(['demo', '--db', file, '--password', DEMO_PASSWORD, '--workers', '100']);
    assert.equal(d.status, 0, d.stderr);
    url = newDatabase(dir);
  });
  after(() => {
    dropDatabase(url);
    rmSync(dir, { recursive: true, force: true });
  });

  test('every row moves, each table counted on both sides, and the chain verifies in the copy', () => {
    const r = anjia(['migrate-data', '--from', file, '--to', url]);
    assert.equal(r.status, 0, r.stderr);
    assert.match(r.stdout, /\d+ tables, \d+ rows copied .* each table's count the same on both sides/);
    assert.match(r.stdout, /audit chain intact in the copy: \d+ records, its checkpoints signed/);
    for (const t of ['users', 'workers', 'bookings', 'complaints', 'audit_log', 'certificates']) {
      assert.equal(dbSql(url, `SELECT count(*) FROM ${t}`).trim(), dbSql(file, `SELECT count(*) FROM ${t}`).trim(), t);
    }
    const v = anjia(['audit', 'verify', '--db', url, '--keys', keys]);
    assert.equal(v.status, 0, v.stdout + v.stderr);
  });

  test('a node on the copy answers as the file did, sealed values open, and new ids follow the copied', async () => {
    const [onFile, onCopy] = [await serveOn(file, { args: ['--keys', keys] }), await serveOn(url, { args: ['--keys', keys] })];
    try {
      const read = async (srv) => {
        const c = await login(srv.url, 'customer1');
        const list = await call(srv.url, '/api/bookings?per_page=5', { token: c.token });
        assert.equal(list.status, 200, list.text);
        const one = await call(srv.url, `/api/bookings/${list.json.items[0].id}`, { token: c.token });
        assert.equal(one.status, 200, one.text);
        return { ids: list.json.items.map((b) => b.id), address: one.json.address, total: list.json.total };
      };
      const [a, b] = [await read(onFile), await read(onCopy)];
      assert.deepEqual(b, a);
      assert.ok(a.address && a.address.length > 4, 'the sealed address opens');
      const admin = await login(onCopy.url, 'admin');
      const org = await call(onCopy.url, '/api/orgs', { method: 'POST', token: admin.token, json: { kind: 'inspection', name: '迁移后评估有限公司' } });
      assert.equal(org.status, 201, org.text);
      assert.ok(org.json.id > Number(dbSql(file, 'SELECT max(id) FROM orgs').trim()));
    } finally {
      await onFile.stop();
      await onCopy.stop();
    }
  });

  test('no second copy into a database that holds a platform', () => {
    const r = anjia(['migrate-data', '--from', file, '--to', url]);
    assert.equal(r.status, 1);
    assert.match(r.stderr, /already holds a platform/);
  });
});
