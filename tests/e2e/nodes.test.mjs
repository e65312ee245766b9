// Several `anjia serve` nodes on one PostgreSQL database, as behind a load balancer: a booking race
// split over both decided once, a sign-in on one node good on the other, a write on one node seen
// at once by the other's public answers, and the deadline job doing its work once however many
// nodes run it. PostgreSQL only: a SQLite file is served by one process.
import { test, describe, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFile, spawn } from 'node:child_process';
import { promisify } from 'node:util';
import { startServer, serveOn, login, engine, ANJIA, ROOT, DEMO_PASSWORD } from './lib/server.mjs';
import { call, dbSql } from './lib/http.mjs';

const execFileP = promisify(execFile);
const HOUR = 3600 * 1000;

describe('two nodes on one database', { skip: engine !== 'postgresql' && 'several nodes share a PostgreSQL database' }, () => {
  let a, b;
  before(async () => {
    // both with the public cache on (a second); the deadline job is the next part's
    a = await startServer({ workers: 200, args: ['--jobs-interval', '0'] });
    b = await serveOn(a.db, { args: ['--keys', a.keys, '--jobs-interval', '0'] });
    const admin = await login(a.url, 'admin');
    const set = await call(a.url, '/api/standards', { method: 'PATCH', token: admin.token,
      json: { hourly_from_hour: 0, hourly_until_hour: 24, live_named_bookings_max: 50 } });
    assert.equal(set.status, 200, set.text);
  });
  after(async () => {
    const rb = await b.stop();
    const ra = await a.stop();
    assert.equal(rb.code, 0, b.stderr());
    assert.equal(ra.code, 0, a.stderr());
  });

  test('a sign-in on one node is good on the other, and a sign-out on the other ends it on both', async () => {
    const c = await login(a.url, 'customer2');
    const me = await call(b.url, '/api/me', { token: c.token });
    assert.equal(me.status, 200, me.text);
    assert.equal(me.json.user.login, 'customer2');
    const out = await call(b.url, '/api/auth/logout', { method: 'POST', token: c.token });
    assert.equal(out.status, 200, out.text);
    assert.equal((await call(a.url, '/api/me', { token: c.token })).status, 401);
  });

  test("a write through one node is in the other's public answers at once", async () => {
    const admin = await login(a.url, 'admin');
    const read = async () => {
      const r = await call(b.url, '/api/public/categories');
      assert.equal(r.status, 200, r.text);
      assert.match(r.headers.get('cache-control'), /^public/);
      return r.json.items.find((c) => c.id === 1).name_en;
    };
    const was = await read();
    assert.equal(await read(), was); // kept by b's public cache
    const set = await call(a.url, '/api/categories/1', { method: 'PATCH', token: admin.token, json: { name_en: was + ' (renamed)' } });
    assert.equal(set.status, 200, set.text);
    assert.equal(await read(), was + ' (renamed)');
    await call(a.url, '/api/categories/1', { method: 'PATCH', token: admin.token, json: { name_en: was } });
  });

  test('64 writes at once over both nodes extend the one audit chain: each is answered, and the chain verifies', async () => {
    // sign-ins: each its own session and its own record, nothing else in common
    const answers = await Promise.all(Array.from({ length: 64 }, (_, i) =>
      call(i % 2 ? b.url : a.url, '/api/auth/login', { method: 'POST', json: { login: `customer${(i % 8) + 1}`, password: DEMO_PASSWORD } })));
    assert.deepEqual(answers.map((r) => r.status).filter((s) => s !== 200), [], answers.map((r) => r.text).join('\n'));
    const v = await execFileP(ANJIA, ['audit', 'verify', '--db', a.db, '--keys', a.keys], { cwd: ROOT });
    assert.match(v.stdout, /audit chain intact/);
  });

  test('64 households over both nodes for one worker at one hour: exactly one is booked', async () => {
    const customers = await Promise.all(Array.from({ length: 8 }, (_, i) => login(i % 2 ? b.url : a.url, `customer${i + 1}`)));
    const day = new Date(Date.now() + 10 * 24 * HOUR);
    day.setUTCHours(6, 0, 0, 0); // 14:00 in Hangzhou, ten days on
    const start = day.getTime();
    const q = new URLSearchParams({ category: 'home_cleaning', from: new Date(start).toISOString(),
      to: new Date(start + 3 * HOUR).toISOString(), per_page: '10' });
    const found = await call(a.url, '/api/public/search?' + q);
    assert.equal(found.status, 200, found.text);
    const [first] = found.json.items;
    assert.ok(first, 'someone may serve then');
    const answers = await Promise.all(Array.from({ length: 64 }, (_, i) =>
      call(i % 2 ? b.url : a.url, '/api/bookings', { method: 'POST', token: customers[i % 8].token,
        json: { service_item_id: first.service_item.id, worker_id: first.worker.id,
          start: new Date(start + i * 60000).toISOString(), end: new Date(start + 2 * HOUR + i * 60000).toISOString(),
          address: '杭州市上城区解放路 88 号 2 幢 1201 室', contact_phone: '13905710088' } })));
    const codes = answers.map((r) => (r.status === 201 ? 201 : `${r.status} ${r.json?.error?.code}`));
    assert.equal(codes.filter((c) => c === 201).length, 1, codes.join(', '));
    for (const c of codes) assert.ok(c === 201 || c === '409 worker_busy', c);
    assert.equal(dbSql(a.db, 'SELECT count(*) FROM bookings x JOIN bookings y ON x.worker_id = y.worker_id' +
      ' AND x.id < y.id WHERE x.live = 1 AND y.live = 1 AND x.start_at < y.end_at AND y.start_at < x.end_at').trim(), '0');
  });

  test('two households book one hour while every write waits (a long write holds the audit head): one is booked', async () => {
    const [c1, c2] = await Promise.all([login(a.url, 'customer3'), login(b.url, 'customer4')]);
    const day = new Date(Date.now() + 12 * 24 * HOUR);
    day.setUTCHours(2, 0, 0, 0); // 10:00 in Hangzhou, twelve days on
    const start = day.getTime();
    const q = new URLSearchParams({ category: 'home_cleaning', from: new Date(start).toISOString(),
      to: new Date(start + 2 * HOUR).toISOString(), per_page: '10' });
    const [first] = (await call(a.url, '/api/public/search?' + q)).json.items;
    assert.ok(first, 'someone may serve then');
    // another session holds the chain's head: each booking decides, writes, and waits to append
    const holder = spawn('psql', [a.db, '-X', '-q', '-A', '-t'], { stdio: ['pipe', 'pipe', 'inherit'] });
    let out = '';
    holder.stdout.on('data', (d) => { out += d; });
    holder.stdin.write('BEGIN;\nSELECT 7 FROM audit_head WHERE id = 1 FOR UPDATE;\n');
    while (!out.includes('7')) await new Promise((r) => setTimeout(r, 10));
    const body = { service_item_id: first.service_item.id, worker_id: first.worker.id,
      start: new Date(start).toISOString(), end: new Date(start + 2 * HOUR).toISOString(),
      address: '杭州市上城区解放路 88 号 2 幢 1201 室', contact_phone: '13905710088' };
    const both = Promise.all([call(a.url, '/api/bookings', { method: 'POST', token: c1.token, json: body }),
      call(b.url, '/api/bookings', { method: 'POST', token: c2.token, json: body })]);
    // both bookings are inside their transactions (they have read the item booked), waiting on a lock
    while (Number(dbSql(a.db, 'SELECT count(DISTINCT a.pid) FROM pg_stat_activity a JOIN pg_locks l ON l.pid = a.pid' +
      " WHERE a.datname = current_database() AND a.wait_event_type = 'Lock' AND l.granted" +
      " AND l.relation = 'service_items'::regclass").trim()) < 2) await new Promise((r) => setTimeout(r, 10));
    holder.stdin.end('COMMIT;\n');
    const answers = await both;
    const codes = answers.map((r) => (r.status === 201 ? 201 : `${r.status} ${r.json?.error?.code}`)).sort();
    assert.deepEqual(codes, [201, '409 worker_busy']);
  });
});

describe('the deadline job on two nodes', { skip: engine !== 'postgresql' && 'several nodes share a PostgreSQL database' }, () => {
  let a, b;
  before(async () => {
    // both running the job every second
    a = await startServer({ workers: 200, args: ['--jobs-interval', '1'] });
    b = await serveOn(a.db, { args: ['--keys', a.keys, '--jobs-interval', '1'] });
  });
  after(async () => {
    const rb = await b.stop();
    const ra = await a.stop();
    assert.equal(rb.code, 0, b.stderr());
    assert.equal(ra.code, 0, a.stderr());
  });

  test('a complaint past its first-feedback deadline is escalated once, with both nodes and six more runs of the job at once', async () => {
    // a complaint the service centre takes now, about a booking served: waiting for its first feedback
    const booking = Number(dbSql(a.db, "SELECT min(id) FROM bookings WHERE status IN ('completed', 'reviewed')").trim());
    const cs = await login(a.url, 'cs1');
    const filed = await call(a.url, '/api/complaints', { method: 'POST', token: cs.token, json: {
      booking_id: booking, category: 'attitude', description: '服务人员态度冷淡，交代的事项没有回应。', channel: 'phone' } });
    assert.equal(filed.status, 201, filed.text);
    const id = filed.json.id;
    dbSql(a.db, `UPDATE complaints SET feedback_due = ${Math.floor(Date.now() / 1000) - 60} WHERE id = ${id}`);
    const runs = await Promise.all(Array.from({ length: 6 }, () =>
      execFileP(ANJIA, ['jobs', 'run', '--db', a.db, '--keys', a.keys], { cwd: ROOT })));
    for (const r of runs) assert.match(r.stdout, /complaint clocks breached|another node is running/);
    // the breach is there once (the nodes' own runs may have been first)
    let n;
    do {
      n = Number(dbSql(a.db, `SELECT count(*) FROM complaint_events WHERE complaint_id = ${id} AND action = 'feedback_breached'`).trim());
    } while (n === 0);
    // a further run of every node finds nothing more to do
    for (const r of await Promise.all([0, 1].map(() => execFileP(ANJIA, ['jobs', 'run', '--db', a.db, '--keys', a.keys], { cwd: ROOT })))) {
      assert.match(r.stdout, /complaint clocks breached: 0|another node is running/);
    }
    assert.equal(Number(dbSql(a.db, `SELECT count(*) FROM complaint_events WHERE complaint_id = ${id} AND action = 'feedback_breached'`).trim()), 1);
    assert.equal(Number(dbSql(a.db, `SELECT count(*) FROM audit_log WHERE entity = 'complaint' AND entity_id = ${id}` +
      " AND action = 'complaint.feedback_breached'").trim()), 1);
    const v = await execFileP(ANJIA, ['audit', 'verify', '--db', a.db, '--keys', a.keys], { cwd: ROOT });
    assert.match(v.stdout, /audit chain intact/);
  });
});
