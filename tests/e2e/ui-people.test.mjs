// Browser tests of the worker's and the customer's day: worker1, on a phone, lands on today's jobs
// with tomorrow's beneath and declines an offered job with a reason; customer1 saves an address and
// picks it on the booking form; a customer who forgot their password types the code the service
// centre (cs1) gave them on the "forgot password" page reached from the sign-in page.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { launch, openPage, signInAt, fillLogin } from './lib/browser.mjs';
import { startServer, login } from './lib/server.mjs';
import { call } from './lib/http.mjs';

let srv;
let browser;

before(async () => {
  srv = await startServer();
  browser = await launch();
});

after(async () => {
  if (browser) await browser.close();
  if (srv) await srv.stop();
});

const open = (opts) => openPage(browser, opts);
const signIn = (page, who, password) => signInAt(srv.url, page, who, password);
const api = (token, path, opts = {}) => call(srv.url, path, { token, ...opts });
const noOverflow = async (page) => {
  const o = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
  assert.ok(o <= 0, `no sideways scrolling (${o}px)`);
};

test('worker1 on a phone starts at today\'s jobs, sees tomorrow\'s beneath, and declines an offered job with a reason', async () => {
  const wt = await login(srv.url, 'worker1');
  const offered = (await api(wt.token, '/api/bookings?status=requested&per_page=100')).json.items;
  assert.ok(offered.length > 0, 'worker1 has a job offered (the demo\'s tomorrow)');
  const { context, page, problems } = await open({ viewport: { width: 390, height: 844 } });
  await page.goto(`${srv.url}/#/login`);
  await fillLogin(page, 'worker1');
  await page.locator('.page-jobs').waitFor();
  assert.equal(new URL(page.url()).hash, '#/jobs');
  await page.locator('.jobs-next .jobs-next-title').waitFor();
  // tomorrow's offered job, beneath today's, with its decline
  const tomorrow = new Date(Date.now() + (8 * 60 + 24 * 60) * 60000).toISOString().slice(0, 10);
  const b = offered.find((x) => x.start.startsWith(tomorrow));
  assert.ok(b, 'one of them is tomorrow\'s');
  const card = page.locator(`.jobs-next .job-card[data-booking="${b.id}"]`);
  await card.waitFor();
  await noOverflow(page);
  await card.locator('.disclose', { hasText: '谢绝这项工作' }).click();
  const f = card.locator('.decline-form');
  await f.locator('button[type=submit]').click();
  await f.locator('.field-error:not([hidden])').waitFor();
  await f.locator('input[name=reason]').fill('孩子生病要在家照顾');
  await f.locator('button[type=submit]').click();
  await page.locator('.notice-success', { hasText: '已谢绝' }).waitFor();
  await card.waitFor({ state: 'detached' });
  // the company has it back, unassigned, with the reason, and is told
  const co = await login(srv.url, 'company1');
  const back = (await api(co.token, `/api/bookings/${b.id}`)).json;
  assert.equal(back.status, 'requested');
  assert.equal(back.worker, null);
  assert.equal(back.timeline.at(-1).action, 'decline');
  assert.equal(back.timeline.at(-1).note, '孩子生病要在家照顾');
  const told = (await api(co.token, '/api/notifications?per_page=20')).json.items;
  assert.ok(told.some((n) => n.topic === 'booking_decline' && n.subject_id === b.id && n.text.includes('孩子生病要在家照顾')));
  assert.deepEqual(await problems(), []);
  await context.close();
});

test('customer1 saves an address and picks it on the booking form', async () => {
  const { context, page, problems } = await open();
  await signIn(page, 'customer1');
  await page.locator('#nav a[href="#/me/addresses"]').click();
  const f = page.locator('.address-form');
  await f.waitFor();
  await f.locator('input[name=label]').fill('父母家');
  await f.locator('textarea[name=address]').fill('杭州市拱墅区湖墅南路 256 号 5 幢 302 室');
  await f.locator('button[type=submit]').click();
  await page.locator('.address-item', { hasText: '湖墅南路 256 号' }).waitFor();

  // a booking from the search: the saved address is offered and fills the form
  const ct = await login(srv.url, 'customer1');
  const wt = await login(srv.url, 'worker2');
  const w = (await api(wt.token, '/api/me/worker')).json;
  const co = (await call(srv.url, `/api/public/companies/${w.company.id}`)).json;
  const item = co.service_items.find((x) => x.active && w.trades.includes(x.category.trade));
  assert.ok(item && ct.token);
  await page.goto(`${srv.url}/#/book?worker=${w.id}&item=${item.id}`);
  const pick = page.locator('.book-form select[name=saved_address]');
  await pick.waitFor();
  await pick.selectOption({ label: '父母家 · 杭州市拱墅区湖墅南路 256 号 5 幢 302 室' });
  assert.equal(await page.locator('.book-form textarea[name=address]').inputValue(), '杭州市拱墅区湖墅南路 256 号 5 幢 302 室');
  await page.locator('.book-form input[name=contact_phone]').fill('13905710066');
  await page.locator('.book-form button[type=submit]').click();
  await page.locator('.page-booking').waitFor();
  const id = Number(new URL(page.url()).hash.split('/').pop());
  const made = (await api(ct.token, `/api/bookings/${id}`)).json;
  assert.equal(made.address, '杭州市拱墅区湖墅南路 256 号 5 幢 302 室');
  assert.deepEqual(await problems(), []);
  await context.close();
});

test('a customer who forgot their password sets a new one with the code the service centre gave them', async () => {
  // the service centre confirms the caller and reads out a code
  const cs = await open({ locale: 'en-GB' });
  await signIn(cs.page, 'cs1');
  await cs.page.locator('#nav a[href="#/customer-reset"]').click();
  const f = cs.page.locator('.customer-reset-form');
  await f.waitFor();
  const ct = await login(srv.url, 'customer3');
  const bk = (await api(ct.token, '/api/bookings?per_page=1')).json.items[0];
  assert.ok(bk, 'customer3 has a booking');
  await f.locator('input[name=name]').fill(ct.user.name);
  await f.locator('input[name=booking_id]').fill('999999999');
  await f.locator('button[type=submit]').click();
  await f.locator('.form-error:not([hidden])', { hasText: 'not confirmed' }).waitFor();
  await f.locator('input[name=booking_id]').fill(String(bk.id));
  await f.locator('button[type=submit]').click();
  const shown = cs.page.locator('.code-shown .one-time-code');
  await shown.waitFor();
  const code = await shown.textContent();
  assert.match(code, /^[0-9A-Z]{5}-[0-9A-Z]{5}$/);
  assert.match(await cs.page.locator('.code-shown').textContent(), /customer3/);
  assert.deepEqual(await cs.problems(/status of 422/), []);
  await cs.context.close();

  // the customer, from the sign-in page
  const { context, page, problems } = await open({ viewport: { width: 390, height: 844 } });
  await page.goto(`${srv.url}/#/login`);
  await page.locator('.forgot-password-link').click();
  await page.locator('.page-forgot-password .forgot-steps').waitFor();
  await noOverflow(page);
  const password = 'a quiet lantern by the river';
  await page.locator('.set-password-form input[name=login]').fill('customer3');
  await page.locator('.set-password-form input[name=code]').fill(code.toLowerCase());
  await page.locator('.set-password-form input[name=new_password]').fill(password);
  await page.locator('.set-password-form input[name=repeat]').fill(password);
  await page.locator('.set-password-form button[type=submit]').click();
  await page.locator('.login-card .notice-success').waitFor();
  await fillLogin(page, 'customer3', password);
  await page.locator('.page-search').waitFor();
  // the code worked once
  const again = await call(srv.url, '/api/auth/password-code', { method: 'POST', json: { login: 'customer3', code, new_password: 'yet another long password' } });
  assert.equal(again.status, 400);
  assert.deepEqual(await problems(), []);
  await context.close();
});
