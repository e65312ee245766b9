// Helpers for the personal-data tests: a worker in order with a login they set themselves (the set-up
// code, then their own password), a household with an account, and a booking lived through to the end
// by the worker's company — the same calls the pages make.
import crypto from 'node:crypto';
import { call } from './http.mjs';
import { compliantWorker, expect, randomPhone } from './workforce.mjs';

// A password nobody else chose: four words and digits, past the dictionary check.
export const freshPassword = () => `linen-orchard-${crypto.randomInt(1e6)}-compass-${crypto.randomInt(1e6)}`;

// Signs in; returns the bearer token.
export async function tokenOf(base, login, password) {
  const r = await call(base, '/api/auth/login', { method: 'POST', json: { login, password } });
  return expect(r, 200, `login ${login}`).token;
}

// A worker of company `who` in order (checks, training, a household certificate) with a login:
// the company makes it, the worker sets the password with the set-up code. Returns the worker's
// { wid, name, id, phone, ... } with { login, password, userId, token }.
export async function workerWithLogin(c, who = 'company1', login = `w-${crypto.randomInt(1e9)}`) {
  const w = await compliantWorker(c, who);
  const made = expect(await c.post(who, '/api/users', { login, name: w.name, role: 'worker', worker_id: w.wid }), 201, 'worker login');
  const password = freshPassword();
  expect(await call(c.base, '/api/auth/password-code', { method: 'POST', json: { login, code: made.setup_code, new_password: password } }), 200, 'set-up code');
  return { ...w, login, password, userId: made.user.id, token: await tokenOf(c.base, login, password) };
}

// A household's account through the public sign-up; returns { login, name, password, token }.
export async function customerAccount(base, login = `hh-${crypto.randomInt(1e9)}`, name = '顾家欣') {
  const password = freshPassword();
  expect(await call(base, '/api/public/customers', { method: 'POST', json: { login, name, password } }), 201, 'sign-up');
  return { login, name, password, token: await tokenOf(base, login, password) };
}

const isoZ = (ms) => new Date(ms).toISOString().replace(/\.\d{3}Z$/, 'Z');

// A booking of the worker by the customer (token) at the worker's company, starting in half an hour,
// confirmed, checked in and out by the company (`who`): completed. Returns the booking as the
// customer sees it, with { address, contact_phone } as they were given.
export async function completedBooking(c, customerToken, worker, who = 'company1') {
  // lived through now, whatever the hour: the service hours opened around the clock first
  expect(await c.patch('admin', '/api/standards', { hourly_from_hour: 0, hourly_until_hour: 24 }), 200, 'service hours');
  const me = await c.user(who);
  const co = expect(await call(c.base, `/api/public/companies/${me.org_id}`), 200, 'company');
  const item = co.service_items.find((x) => x.active && x.category.trade === 'household');
  const cat = expect(await call(c.base, '/api/public/categories'), 200, 'categories').items.find((x) => x.id === item.category.id);
  const start = Math.ceil((Date.now() + 30 * 60000) / 60000) * 60000;
  const address = `杭州市西湖区文三路 ${100 + crypto.randomInt(800)} 号 ${1 + crypto.randomInt(30)} 幢`;
  const contactPhone = randomPhone();
  const b = expect(await call(c.base, '/api/bookings', { method: 'POST', token: customerToken, json: {
    service_item_id: item.id, start: isoZ(start), end: isoZ(start + 2 * 3600000), address, contact_phone: contactPhone, worker_id: worker.wid,
  } }), 201, 'book');
  expect(await c.post(who, `/api/bookings/${b.id}/confirm`, { items: cat.items.pre.map((i) => ({ item_id: i.id, done: true })) }), 200, 'confirm');
  expect(await c.post(who, `/api/bookings/${b.id}/checkin`), 200, 'check in');
  // checked out at once, hours before the booked end: a service cut short, with its reason
  const done = expect(await c.post(who, `/api/bookings/${b.id}/checkout`, { items: cat.items.in.map((i) => ({ item_id: i.id, result: 'pass' })), reason: '客户临时有事，提前结束' }), 200, 'check out');
  return { ...done, address, contact_phone: contactPhone };
}
