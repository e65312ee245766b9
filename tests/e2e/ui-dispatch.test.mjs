// Browser tests of what a booking costs and how it moves: a customer sees the total the server
// quotes before booking, books, and reschedules, the fee following; a dispatcher assigns from the
// list of workers who are free and may serve, a busy one not offered.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { launch, openPage, signInAt } from './lib/browser.mjs';
import { startServer, login } from './lib/server.mjs';
import { call } from './lib/http.mjs';

let srv;
let browser;
let cust;
let co;

before(async () => {
  srv = await startServer();
  browser = await launch();
  cust = await login(srv.url, 'customer1');
  co = await login(srv.url, 'company1');
});

after(async () => {
  if (browser) await browser.close();
  if (srv) await srv.stop();
});

const api = (who, path, opts = {}) => call(srv.url, path, { token: who.token, ...opts });
const pad = (n) => String(n).padStart(2, '0');
const yuan = (fen) => `¥${Math.floor(fen / 100)}.${pad(fen % 100)}`;
// local (+08:00) "YYYY-MM-DDTHH:00:00+08:00", `days` from today at hour h
function at(days, h) {
  const d = new Date(Date.now() + 8 * 3600000 + days * 86400000);
  return `${d.toISOString().slice(0, 10)}T${pad(h)}:00:00+08:00`;
}
const booking = (item, start, end, worker) => ({
  service_item_id: item.id, start, end, address: '杭州市西湖区文三路 90 号 3 幢 201 室', contact_phone: '13905710088',
  ...(worker ? { worker_id: worker } : {}),
});

// company1's hourly item, and the workers free for [start, end) who may serve it, as the
// dispatcher's list gives them (a probe booking, cancelled again: set-up, not the test)
async function castFor(start, end) {
  const me = (await api(co, '/api/me')).json;
  const company = (await call(srv.url, `/api/public/companies/${me.org.id}`)).json;
  const item = company.service_items.find((x) => x.active !== false && x.unit === 'hour');
  assert.ok(item, 'company1 offers an hourly item');
  const probe = await api(cust, '/api/bookings', { method: 'POST', json: booking(item, start, end) });
  assert.equal(probe.status, 201, probe.text);
  const cands = (await api(co, `/api/bookings/${probe.json.id}/candidates`)).json;
  assert.ok(cands.items.length >= 2, 'two workers free then');
  const cancel = await api(cust, `/api/bookings/${probe.json.id}/cancel`, { method: 'POST', json: { reason: '测试准备' } });
  assert.equal(cancel.status, 200, cancel.text);
  return { item, cands: cands.items };
}

test('a customer sees the total before booking, books, and reschedules with the fee following', async () => {
  const start = at(8, 14);
  const { item, cands } = await castFor(start, at(8, 17));
  const { page, problems } = await openPage(browser);
  await signInAt(srv.url, page, 'customer1');
  await page.goto(`${srv.url}/#/book?worker=${cands[0].id}&item=${item.id}&from=${encodeURIComponent(start)}&to=${encodeURIComponent(at(8, 16))}`);
  const total = page.locator('.book-total strong');
  // two hours prefilled from the search's window, then three chosen: the total follows
  await assert.doesNotReject(total.filter({ hasText: yuan(2 * item.price_fen) }).waitFor());
  await page.locator('.book-form select[name=end]').selectOption('3');
  await total.filter({ hasText: yuan(3 * item.price_fen) }).waitFor();
  await page.locator('.book-form textarea[name=address]').fill('杭州市西湖区文三路 90 号 3 幢 201 室');
  await page.locator('.book-form input[name=contact_phone]').fill('13905710088');
  await page.locator('.book-form button[type=submit]').click();
  const price = page.locator('.page-booking [data-fact=price]');
  await price.filter({ hasText: yuan(3 * item.price_fen) }).waitFor();
  const id = Number(/#\/bookings\/(\d+)/.exec(page.url())[1]);
  const stored = (await api(cust, `/api/bookings/${id}`)).json;
  assert.equal(stored.price_fen, 3 * item.price_fen);
  assert.equal(stored.quantity_centi, 300);

  // moved to the next day for two hours: the fee is two hours', the timeline says so
  await page.getByRole('button', { name: '改期' }).click();
  const f = page.locator('.reschedule-form');
  await f.locator('input[name=start]').fill(at(9, 14).slice(0, 10));
  await f.locator('input[name=hours]').fill('2');
  await f.locator('input[name=reason]').fill('临时有事，改到第二天');
  await f.locator('button[type=submit]').click();
  await price.filter({ hasText: yuan(2 * item.price_fen) }).waitFor();
  await page.locator('.page-booking').getByText('临时有事，改到第二天').first().waitFor();
  const moved = (await api(cust, `/api/bookings/${id}`)).json;
  assert.equal(moved.start, at(9, 14));
  assert.equal(moved.price_fen, 2 * item.price_fen);
  assert.deepEqual(await problems(), []);
  await page.context().close();
});

test('a dispatcher assigns from the list of free workers who may serve; a busy one is not offered', async () => {
  const start = at(10, 9);
  const end = at(10, 12);
  const { item, cands } = await castFor(start, end);
  // the first candidate is booked in the window meanwhile; a new request waits for a worker
  const busy = cands[0];
  const taken = await api(cust, '/api/bookings', { method: 'POST', json: booking(item, at(10, 10), at(10, 11), busy.id) });
  assert.equal(taken.status, 201, taken.text);
  const req = await api(cust, '/api/bookings', { method: 'POST', json: booking(item, start, end) });
  assert.equal(req.status, 201, req.text);
  const { page, problems } = await openPage(browser);
  await signInAt(srv.url, page, 'company1');
  await page.goto(`${srv.url}/#/bookings/${req.json.id}`);
  await page.getByRole('button', { name: '派单', exact: true }).click();
  const rows = page.locator('.assign-form .candidate');
  await rows.first().waitFor();
  const offered = (await rows.evaluateAll((els) => els.map((e) => Number(e.dataset.worker))));
  assert.ok(!offered.includes(busy.id), 'the busy worker is not offered');
  // the list is the server's: free and may serve, nobody else
  const fresh = (await api(co, `/api/bookings/${req.json.id}/candidates`)).json;
  assert.deepEqual(offered, fresh.items.map((w) => w.id));
  assert.ok(fresh.left_out.busy >= 1);
  await page.locator('.candidate-left-out').filter({ hasText: `${fresh.left_out.busy} 人此时段已有服务` }).waitFor();
  // searched by name, then chosen and assigned
  const pick = fresh.items[0];
  await page.locator('.assign-form input[name=q]').fill(pick.name);
  await rows.filter({ hasText: pick.name }).first().waitFor();
  await page.locator(`.assign-form .candidate[data-worker="${pick.id}"] input[type=radio]`).check();
  await page.locator('.assign-form button[type=submit]').click();
  await page.locator('.page-booking [data-fact=worker]').filter({ hasText: pick.name }).waitFor();
  const done = (await api(co, `/api/bookings/${req.json.id}`)).json;
  assert.equal(done.worker.id, pick.id);
  assert.deepEqual(await problems(), []);
  await page.context().close();
});

test('a dispatcher books for a customer who phones: found by number, or registered with a code to read out; then assigned from the list', async () => {
  const { item } = await castFor(at(11, 9), at(11, 11));
  // customer1 has booked with company1 from this number
  const known = await api(cust, '/api/bookings', { method: 'POST', json: { ...booking(item, at(11, 15), at(11, 17)), contact_phone: '13905719999' } });
  assert.equal(known.status, 201, known.text);
  const { page, problems } = await openPage(browser);
  await signInAt(srv.url, page, 'company1');
  await page.goto(`${srv.url}/#/dispatch`);
  await page.locator('.phone-booking-link').click();
  const find = page.locator('.caller-find');
  await find.locator('input[name=phone]').fill('13905719999');
  await find.locator('button[type=submit]').click();
  await page.locator(`.callers .caller[data-customer="${cust.user.id}"]`).waitFor();
  // a number nobody of the company booked from: nobody, and the caller is registered
  await find.locator('input[name=phone]').fill('13700002222');
  await find.locator('button[type=submit]').click();
  await page.locator('.caller-found .state-empty').waitFor();
  const nf = page.locator('.caller-new');
  await nf.locator('input[name=name]').fill('刘阿姨');
  await nf.locator('button[type=submit]').click();
  const code = page.locator('.setup-code .caller-code');
  await code.waitFor();
  const codeText = await code.textContent();
  assert.match(codeText, /^[0-9A-Z]{5}-[0-9A-Z]{5}$/);
  const loginName = await page.locator('.setup-code .caller-login').textContent();
  // the booking: three hours, the total quoted, agreed on the telephone
  const bf = page.locator('.phone-book-form');
  await bf.waitFor();
  await bf.locator('select[name=service_item_id]').selectOption(String(item.id));
  await bf.locator('input[name=start]').fill(at(11, 9).slice(0, 10));
  await bf.locator('input[name=time]').fill('09:00');
  await bf.locator('select[name=end]').selectOption('3');
  await bf.locator('.book-total strong').filter({ hasText: yuan(3 * item.price_fen) }).waitFor();
  assert.equal(await bf.locator('input[name=contact_phone]').inputValue(), '13700002222');
  await bf.locator('textarea[name=address]').fill('杭州市拱墅区湖墅南路 88 号 2 幢 301');
  await bf.locator('button[type=submit]').click();
  await page.locator('.page-booking [data-fact=agreement]').filter({ hasText: '电话中同意' }).waitFor();
  await page.locator('.page-booking [data-fact=customer]').filter({ hasText: '刘阿姨' }).waitFor();
  const id = Number(/#\/bookings\/(\d+)/.exec(page.url())[1]);
  const made = (await api(co, `/api/bookings/${id}`)).json;
  assert.equal(made.agreement, 'phone_call');
  assert.equal(made.price_fen, 3 * item.price_fen);
  // assigned from those free who may serve
  await page.getByRole('button', { name: '派单', exact: true }).click();
  const first = page.locator('.assign-form .candidate').first();
  await first.waitFor();
  const pick = Number(await first.getAttribute('data-worker'));
  await first.locator('input[type=radio]').check();
  await page.locator('.assign-form button[type=submit]').click();
  await page.locator('.page-booking .messages .notice-success').first().waitFor();
  assert.equal((await api(co, `/api/bookings/${id}`)).json.worker.id, pick);
  // the new customer signs in with the code and a password of their own, and finds it
  const set = await call(srv.url, '/api/auth/password-code', { method: 'POST', json: { login: loginName, code: codeText, new_password: '湖墅南路的新家 2027' } });
  assert.equal(set.status, 200, set.text);
  const mine = await login(srv.url, loginName, '湖墅南路的新家 2027');
  assert.equal((await api(mine, `/api/bookings/${id}`)).json.id, id);
  assert.deepEqual(await problems(), []);
  await page.context().close();
});
