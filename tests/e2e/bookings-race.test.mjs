// No double booking, whatever the races: concurrent requests over separate connections to a real
// server (its event loops and worker pool), then the database itself is asked for any overlap.
// `make test-san` runs this file again against the AddressSanitizer + UBSan build.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, login } from './lib/server.mjs';
import { call, dbSql, prng } from './lib/http.mjs';

let srv, customers;

before(async () => {
  // more event loops than cores: more requests decided at the same moment
  srv = await startServer({ workers: 200, args: ['--loops', '8'] });
  // eight households, each its own session: nothing of one customer's serialises their requests
  customers = await Promise.all(Array.from({ length: 8 }, (_, i) => login(srv.url, `customer${i + 1}`)));
  // the overlap rule under test, not the service hours nor how many requests one customer may hold
  const admin = await login(srv.url, 'admin');
  const set = await call(srv.url, '/api/standards', { method: 'PATCH', token: admin.token,
    json: { hourly_from_hour: 0, hourly_until_hour: 24, live_named_bookings_max: 50 } });
  assert.equal(set.status, 200, set.text);
});

after(async () => {
  const r = await srv.stop();
  assert.equal(r.code, 0, `the server exited ${r.code} ${r.signal}: ${srv.stderr()}`);
  assert.doesNotMatch(srv.stderr(), /AddressSanitizer|runtime error|LeakSanitizer/);
});

const HOUR = 3600 * 1000;
const dayStart = (days) => {
  const d = new Date(Date.now() + days * 24 * HOUR);
  d.setUTCHours(0, 0, 0, 0); // 08:00 in Hangzhou
  return d.getTime();
};

// Workers free and allowed to serve over [from, to), with their company's item for the category.
async function offered(category, from, to) {
  const q = new URLSearchParams({ category, from: new Date(from).toISOString(), to: new Date(to).toISOString(), per_page: '100' });
  const r = await call(srv.url, '/api/public/search?' + q);
  assert.equal(r.status, 200, r.text);
  return r.json.items.map((x) => ({ worker: x.worker.id, item: x.service_item.id }));
}

function book(item, worker, start, end, who = 0) {
  return call(srv.url, '/api/bookings', {
    method: 'POST', token: customers[who % customers.length].token,
    json: { service_item_id: item, worker_id: worker, start: new Date(start).toISOString(), end: new Date(end).toISOString(),
      address: '杭州市上城区解放路 88 号 2 幢 1201 室', contact_phone: '13905710088' },
  });
}

const overlaps = () => Number(dbSql(srv.db,
  'SELECT count(*) FROM bookings a JOIN bookings b ON a.worker_id = b.worker_id AND a.id < b.id' +
  ' WHERE a.live = 1 AND b.live = 1 AND a.start_at < b.end_at AND b.start_at < a.end_at').trim());

test('64 concurrent requests for overlapping windows of one worker: exactly one is booked', async () => {
  const base = dayStart(9) + 6 * HOUR; // 14:00, nine days on
  const [first] = await offered('home_cleaning', base, base + 3 * HOUR);
  assert.ok(first, 'someone may serve then');
  // window i is [base + i min, base + 2 h + i min): every two of them overlap
  const answers = await Promise.all(Array.from({ length: 64 }, (_, i) =>
    book(first.item, first.worker, base + i * 60000, base + 2 * HOUR + i * 60000, i)));
  const codes = answers.map((r) => (r.status === 201 ? 201 : `${r.status} ${r.json?.error?.code}`));
  assert.equal(codes.filter((c) => c === 201).length, 1, codes.join(', '));
  for (const c of codes) assert.ok(c === 201 || c === '409 worker_busy', c);
  assert.equal(Number(dbSql(srv.db, `SELECT count(*) FROM bookings WHERE worker_id = ${first.worker}` +
    ` AND start_at >= ${base / 1000} AND start_at < ${base / 1000 + 3600}`).trim()), 1);
  assert.equal(overlaps(), 0);
});

test('many workers, random windows, 64 clients at once: no worker is ever booked twice at a time', async () => {
  const rnd = prng(4242);
  const from = dayStart(11), to = from + 2 * 24 * HOUR;
  const pool = [];
  for (const category of ['home_cleaning', 'housekeeping', 'elderly_care', 'home_cooking']) {
    pool.push(...(await offered(category, from, to)).slice(0, 6));
  }
  assert.ok(pool.length >= 8, `workers to book: ${pool.length}`);
  const before = Number(dbSql(srv.db, 'SELECT count(*) FROM bookings').trim());
  const seen = { 201: 0, 409: 0, 422: 0 };
  const client = async (_, c) => {
    for (let k = 0; k < 8; k++) {
      const p = rnd.pick(pool);
      const start = from + rnd.int(2 * 24 * 4) * 15 * 60000; // on a quarter hour
      const r = await book(p.item, p.worker, start, start + (1 + rnd.int(4)) * HOUR, c);
      assert.ok(r.status in seen, `${r.status} ${r.text}`);
      if (r.status === 409) assert.equal(r.json.error.code, 'worker_busy');
      seen[r.status]++;
    }
  };
  await Promise.all(Array.from({ length: 64 }, client));
  assert.ok(seen[201] > 0 && seen[409] > 0, JSON.stringify(seen));
  assert.equal(Number(dbSql(srv.db, 'SELECT count(*) FROM bookings').trim()) - before, seen[201]);
  assert.equal(overlaps(), 0);
});
