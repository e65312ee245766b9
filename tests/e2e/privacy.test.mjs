// Black-box HTTP tests of a takeover attempt on a worker's personal data: another company that knows
// a worker's ID number and name registers them. It gets a request the worker answers, nothing more:
// the worker stays where they are, the company can neither see them nor reset their password, and
// even once the worker agrees to move, the households of their old employer stay out of reach.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer } from './lib/server.mjs';
import { call } from './lib/http.mjs';
import { client, expect, randomPhone } from './lib/workforce.mjs';
import { workerWithLogin, customerAccount, completedBooking } from './lib/privacy.mjs';

let srv;
let c;

before(async () => {
  srv = await startServer();
  c = client(srv.url);
});

after(async () => {
  if (srv) await srv.stop();
});

test('a company that knows a worker\'s ID number and name gets a request, not the worker, nor their old households', async () => {
  const w = await workerWithLogin(c, 'company1');
  const household = await customerAccount(srv.url);
  const past = await completedBooking(c, household.token, w, 'company1');
  const asWorker = (path, opts = {}) => call(srv.url, path, { token: w.token, ...opts });
  const company1 = (await c.user('company1')).org_id;
  const company2 = (await c.user('company2')).org_id;
  // while employed there, the worker sees the household's contact for the day after the service
  const before = expect(await asWorker(`/api/bookings/${past.id}`), 200, 'booking as the worker');
  assert.equal(before.address, past.address);

  // company2 registers the same person: a request waits for the worker; nothing moves
  const asked = expect(await c.post('company2', '/api/workers', {
    name: w.name, id_number: w.id, phone: randomPhone(), trades: ['household', 'cleaning'], level: 'junior',
  }), 202, 'register someone employed elsewhere');
  assert.equal(asked.status, 'pending');
  assert.equal(asked.worker.id, w.wid);
  assert.equal(asked.from_company, undefined, 'where the person works is not the asking company\'s to know');
  assert.equal(asked.worker.name, undefined, 'nor their full name');
  const still = expect(await c.get('admin', `/api/workers/${w.wid}`), 200, 'as the association');
  assert.equal(still.company.id, company1);
  assert.deepEqual(still.trades, ['household']);
  assert.equal(expect(await asWorker('/api/me/worker'), 200).company.id, company1);

  // company2 can neither see the worker nor reach their account
  assert.equal((await c.get('company2', `/api/workers/${w.wid}`)).status, 404);
  assert.equal(expect(await c.get('company2', `/api/workers?q=${encodeURIComponent(w.name)}`), 200).total, 0);
  assert.equal((await c.get('company2', `/api/workers/${w.wid}/checks`)).status, 404);
  const reset = await c.post('company2', `/api/users/${w.userId}/reset`);
  assert.equal(reset.status, 404, reset.text);
  assert.equal((await c.get('company2', `/api/users/${w.userId}`)).status, 404);
  assert.equal((await c.patch('company2', `/api/users/${w.userId}`, { status: 'disabled' })).status, 404);
  assert.equal((await c.get('company2', `/api/bookings/${past.id}`)).status, 404);
  // the worker's password still opens their account, and a transfer cannot be pushed through by the company
  assert.equal((await call(srv.url, '/api/auth/login', { method: 'POST', json: { login: w.login, password: w.password } })).status, 200);
  assert.equal((await c.post('company2', `/api/transfers/${asked.id}/accept`, { note: '本人同意' })).status, 403);
  // asking again is refused while the request waits
  assert.equal((await c.post('company2', '/api/workers', {
    name: w.name, id_number: w.id, phone: randomPhone(), trades: ['household'], level: 'junior',
  })).status, 409);

  // the worker sees the request in their own account and agrees
  const mine = expect(await asWorker('/api/transfers?status=pending'), 200, 'the worker\'s requests').items;
  assert.deepEqual(mine.map((x) => x.id), [asked.id]);
  assert.equal(mine[0].from_company.id, company1);
  expect(await asWorker(`/api/transfers/${asked.id}/accept`, { method: 'POST', json: {} }), 200, 'accept');
  const now = expect(await asWorker('/api/me/worker'), 200);
  assert.equal(now.company.id, company2);
  assert.deepEqual([...now.trades].sort(), ['cleaning', 'household']);
  assert.equal(expect(await c.get('company2', `/api/workers/${w.wid}`), 200).company.id, company2);
  assert.equal((await c.get('company1', `/api/workers/${w.wid}`)).status, 404, 'the company left no longer sees them');

  // the old employer's household: the booking without its address, phone or the household's full name
  const after = await asWorker(`/api/bookings/${past.id}`);
  const seen = expect(after, 200, 'the past employer\'s booking');
  assert.equal(seen.address, undefined, after.text);
  assert.equal(seen.contact_phone, undefined, after.text);
  assert.notEqual(seen.customer.name, household.name);
  assert.ok(!after.text.includes(household.name), `the household's full name appears nowhere: ${after.text}`);
  assert.ok(!after.text.includes(past.address) && !after.text.includes(past.contact_phone), 'nor their address or phone');
  const list = await asWorker('/api/bookings?sort=-start&per_page=100');
  assert.ok(expect(list, 200).items.some((x) => x.id === past.id));
  assert.ok(!list.text.includes(household.name) && !list.text.includes(past.address), 'not in the list either');
  // and the new employer does not reach them through the worker
  assert.equal((await c.get('company2', `/api/bookings/${past.id}`)).status, 404);
});
