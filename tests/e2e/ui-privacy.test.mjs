// Browser tests of the personal-data pages: a worker's consent to show their full record to a
// customer (asked on the booking, granted and withdrawn on the worker's phone, the views counted);
// My data with who viewed it and the download; a customer closing their account (what goes, what
// stays under a pseudonym); an account opened with a set-up code the person sets their password with.
// One demo server and one Chromium for the whole file; every test gets its own browser context.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { launch, openPage, signInAt, fillLogin } from './lib/browser.mjs';
import { startServer } from './lib/server.mjs';
import { call } from './lib/http.mjs';
import { client, expect, compliantWorker, registerWorker } from './lib/workforce.mjs';
import { freshPassword, tokenOf, customerAccount, completedBooking } from './lib/privacy.mjs';

let srv;
let browser;
let c; // the API as the demo's people, for set-up and for reading what the pages did

before(async () => {
  srv = await startServer();
  browser = await launch();
  c = client(srv.url);
});

after(async () => {
  if (browser) await browser.close();
  if (srv) await srv.stop();
});

const open = (opts) => openPage(browser, opts);
const signIn = (page, who, password) => signInAt(srv.url, page, who, password);
const listOf = (v) => (Array.isArray(v) ? v : (v && Array.isArray(v.items) ? v.items : []));
// GET /api/me from inside the page, with its cookies: the status code.
const meStatus = (page) => page.evaluate(async () => (await fetch('/api/me', { credentials: 'same-origin' })).status);

test('consent: a customer asks to see the worker\'s full record and waits; the worker allows it, the customer sees it, the worker withdraws it and sees the view counted', async () => {
  const mine = expect(await c.get('worker1', '/api/me/worker'), 200, 'worker1\'s record');
  const customer = await c.user('customer1');
  const bookings = expect(await c.get('customer1', '/api/bookings?per_page=100&sort=-start'), 200).items;
  const b = bookings.find((x) => x.worker && x.worker.id === mine.id && ['completed', 'reviewed'].includes(x.status));
  assert.ok(b, 'customer1 has a finished booking served by worker1');
  const max = expect(await call(srv.url, '/api/public/standards'), 200).record_grant_max_days;

  // the customer, at the booking: the worker decides; ask
  const cu = await open();
  await signIn(cu.page, 'customer1');
  await cu.page.goto(`${srv.url}/#/bookings/${b.id}`);
  const sec = cu.page.locator('.worker-record-full');
  await sec.locator('.record-open').click();
  await cu.page.locator('.worker-record-full[data-state=consent_required]').waitFor();
  assert.match(await sec.textContent(), /只有在其本人同意后才能查看；是否同意、同意多久由服务人员决定/);
  await sec.locator('.record-ask-btn').click();
  await cu.page.locator('.worker-record-full[data-state=asked]').waitFor();
  assert.equal(await sec.locator('.notice-info').textContent(), '已向服务人员发出请求，正在等待其答复。');
  // on another visit, asking again is answered "asked, waiting"
  await cu.page.reload();
  await cu.page.locator('.worker-record-full .record-open').click();
  await cu.page.locator('.worker-record-full[data-state=consent_required] .record-ask-btn').click();
  await cu.page.locator('.worker-record-full[data-state=asked]').waitFor();

  // the worker, on the phone page: the request, granted for this booking, for a week
  const wk = await open({ viewport: { width: 390, height: 844 } });
  await signIn(wk.page, 'worker1');
  await wk.page.locator('.menu-toggle').click();
  await wk.page.locator('#nav a[href="#/me/worker"]').click();
  const ask = wk.page.locator(`.consent-request[data-booking="${b.id}"]`);
  await ask.waitFor();
  assert.match(await ask.locator('.consent-ask').textContent(), new RegExp(`^${customer.name} 请求查看您的完整档案（预约 #${b.id}）`));
  assert.equal(await ask.locator('input[name=days]').getAttribute('max'), String(max));
  await ask.locator('input[name=days]').fill(String(max + 1));
  await ask.locator('.consent-grant').click();
  await ask.locator('[data-field=days] .field-error', { hasText: `请填写 1 至 ${max} 之间的整数。` }).waitFor();
  await ask.locator('input[name=days]').fill('7');
  await ask.locator(`input[value=booking]`).check();
  await ask.locator('.consent-grant').click();
  await wk.page.locator('.consent .messages .notice-success', { hasText: `已同意 ${customer.name} 查看` }).waitFor();
  const grant = wk.page.locator('.grants-list tr[data-status=live]');
  await grant.waitFor();
  assert.equal(await grant.locator('.grant-views').textContent(), '0');
  assert.match(await grant.textContent(), new RegExp(`仅限预约 #${b.id}`));
  assert.equal(await wk.page.locator(`.consent-request[data-booking="${b.id}"]`).count(), 0, 'the request is answered');

  // the customer looks again: the record, as the worker's own record has it, without phone or birth date
  await sec.locator('.record-again').click();
  await cu.page.locator('.worker-record-full[data-state=shown]').waitFor();
  const kinds = await sec.locator('tbody tr[data-kind]').evaluateAll((rows) => rows.map((r) => r.dataset.kind).sort());
  assert.deepEqual(kinds, listOf(mine.checks).map((x) => x.kind).sort());
  const serials = await sec.locator('tbody tr[data-serial]').evaluateAll((rows) => rows.map((r) => r.dataset.serial).sort());
  assert.deepEqual(serials, listOf(mine.certificates).map((x) => x.serial).sort());
  assert.equal(await sec.locator('tbody tr[data-course]').count(), listOf(mine.training).length);
  const shown = await sec.textContent();
  assert.ok(!shown.includes(mine.phone), 'no phone');
  assert.ok(!shown.includes(mine.birth_date), 'no birth date');
  assert.match(shown, new RegExp(`${mine.age} 岁`));

  // the worker sees the view counted, and withdraws
  await wk.page.reload();
  const counted = wk.page.locator('.grants-list tr[data-status=live]');
  await counted.waitFor();
  assert.equal(await counted.locator('.grant-views').textContent(), '1');
  await counted.locator('.grant-withdraw').click();
  await wk.page.locator('.grants-list tr[data-status=withdrawn]').waitFor();
  assert.match(await wk.page.locator('.consent .messages').textContent(), /已撤回对 .* 的授权，对方立即无法再查看/);
  assert.deepEqual(await wk.problems(), []);
  await wk.context.close();

  // the customer: consent is needed again
  await cu.page.reload();
  await cu.page.locator('.worker-record-full .record-open').click();
  await cu.page.locator('.worker-record-full[data-state=consent_required]').waitFor();
  assert.deepEqual(await cu.problems(/status of 40[39]/), []);
  await cu.context.close();
});

test('My data: who viewed my personal data, and all of it downloaded as a JSON file', async () => {
  // a household whose service was done an hour ago: the company may open its address for a day
  const hh = await customerAccount(srv.url);
  const b = await completedBooking(c, hh.token, await compliantWorker(c, 'company1'), 'company1');
  const viewer = await c.user('company1');
  const opened = expect(await c.get('company1', `/api/bookings/${b.id}`), 200, 'the company opens the booking');
  assert.equal(opened.address, b.address);
  const total = expect(await call(srv.url, '/api/bookings?per_page=1', { token: hh.token }), 200).total;
  const { context, page, problems } = await open({ locale: 'en-US' });
  await signIn(page, hh.login, hh.password);
  await page.locator('#nav a[href="#/me/data"]').click();
  const row = page.locator(`.viewed tbody tr[data-via="booking:${b.id}"]`).first();
  await row.waitFor();
  const text = await row.textContent();
  assert.match(text, new RegExp(viewer.name));
  assert.match(text, /杭州安心家政服务有限公司/);
  assert.match(text, /Booking address and phone/);
  assert.match(text, new RegExp(`Booking #${b.id}`));
  assert.equal(await page.locator('.held[data-held=bookings]').getAttribute('data-count'), String(total));

  const [file] = await Promise.all([page.waitForEvent('download'), page.locator('.data-download').click()]);
  const data = JSON.parse(readFileSync(await file.path(), 'utf8'));
  assert.equal(file.suggestedFilename(), `anjia-data-${hh.login}-${data.generated_at.slice(0, 10)}.json`);
  assert.equal(data.account.login, hh.login);
  assert.equal(data.account.name, hh.name);
  assert.equal(data.bookings.length, total);
  const mine = data.bookings.find((x) => x.id === b.id);
  assert.equal(mine.address, opened.address, 'their own address is theirs to have');
  assert.ok(data.viewed_by.some((v) => v.via === `booking:${b.id}` && v.by === viewer.name));
  await page.locator('.page-my-data .messages .notice-success', { hasText: 'All your data was downloaded.' }).waitFor();
  assert.deepEqual(await problems(), []);
  await context.close();
});

test('closing an account: refused while a complaint is open, then done with the password; the booking\'s contact is gone for everyone and the complaint stays under a pseudonym', async () => {
  // a new household signs up in the browser
  const login = `close-${Date.now() % 1e8}`;
  // 128 characters, the most the server allows, but more UTF-16 units (emoji count two): a field
  // limited to 128 units would cut it and the account would open with another password
  const base = freshPassword();
  const password = base + '🌿'.repeat(128 - [...base].length);
  assert.ok(password.length > 128 && [...password].length === 128);
  const { context, page, problems } = await open();
  await page.goto(`${srv.url}/#/signup`);
  const sf = page.locator('.signup-form');
  await sf.locator('input[name=login]').fill(login);
  await sf.locator('input[name=name]').fill('柯美华');
  await sf.locator('input[name=password]').fill(password);
  await sf.locator('input[name=repeat]').fill(password);
  await sf.locator('button[type=submit]').click();
  await page.locator('.page-search').waitFor();
  // a service done, and a complaint about it (the calls the booking and complaint pages make)
  const token = await tokenOf(srv.url, login, password);
  const worker = await compliantWorker(c, 'company1');
  const b = await completedBooking(c, token, worker, 'company1');
  const filed = expect(await call(srv.url, '/api/complaints', { method: 'POST', token, json: {
    booking_id: b.id, category: 'quality', description: '窗户没有擦干净，阳台地面留有水渍。' } }), 201, 'complaint');
  assert.equal(expect(await c.get('company1', `/api/bookings/${b.id}`), 200).address, b.address, 'the company sees it for now');

  // My data: what goes and what stays is said first; a wrong password, then the open complaint
  await page.goto(`${srv.url}/#/me/data`);
  const close = page.locator('.close-account');
  await close.waitFor();
  assert.match(await close.locator('.close-warning').textContent(), /注销后无法恢复。.*服务地址和电话立即销毁.*以化名保留/);
  const cf = close.locator('.close-form');
  await cf.locator('input[name=password]').fill('not-my-password-at-all');
  await cf.locator('button[type=submit]').click();
  await cf.locator('[data-field=password] .field-error', { hasText: '当前密码不正确' }).waitFor();
  await cf.locator('input[name=password]').fill(password);
  await cf.locator('button[type=submit]').click();
  const refused = cf.locator('.close-result[data-complaints]');
  await refused.waitFor();
  assert.equal(await refused.getAttribute('data-complaints'), '1');
  assert.equal(await refused.getAttribute('data-bookings'), '0');
  assert.match(await refused.textContent(), /还有 0 个进行中的预约、1 个未办结的投诉或赔偿/);

  // the complaint settled (the company's answer, the customer's acceptance), the account closes
  expect(await c.post('company1', `/api/complaints/${filed.id}/resolve`, { finding: 'not_upheld', remedy: '已上门复查，重新清洁阳台。' }), 200, 'resolve');
  expect(await call(srv.url, `/api/complaints/${filed.id}/accept`, { method: 'POST', token, json: { rating: 4 } }), 200, 'accept');
  await cf.locator('input[name=password]').fill(password);
  await cf.locator('button[type=submit]').click();
  await page.locator('.login-card .notice-success', { hasText: '您的账号已注销' }).waitFor();
  assert.equal(await meStatus(page), 401);
  assert.equal((await call(srv.url, '/api/auth/login', { method: 'POST', json: { login, password } })).status, 401);
  assert.deepEqual(await problems(/status of (400|401|409)/), []);
  await context.close();

  // nobody opens the booking's address or phone again
  for (const who of ['company1', 'admin']) {
    const r = await c.get(who, `/api/bookings/${b.id}`);
    const seen = expect(r, 200, `the booking as ${who}`);
    assert.equal(seen.address, undefined, r.text);
    assert.equal(seen.contact_phone, undefined, r.text);
    assert.ok(seen.contact_destroyed_at, 'the destruction is dated');
    assert.ok(!r.text.includes(b.address) && !r.text.includes(b.contact_phone));
    assert.match(seen.customer.name, /^已注销用户 [0-9a-f]{8}$/);
  }
  const co = await open();
  await signIn(co.page, 'company1');
  await co.page.goto(`${srv.url}/#/bookings/${b.id}`);
  await co.page.locator('.contact-destroyed-notice', { hasText: '该预约的服务地址和联系电话已于' }).waitFor();
  assert.match(await co.page.locator('[data-fact=address]').textContent(), /^已于 \d{4}-\d{2}-\d{2} \d{2}:\d{2} 销毁$/);
  assert.deepEqual(await co.problems(), []);
  await co.context.close();

  // the complaint stays for the association, under the pseudonym
  const a = await open();
  await signIn(a.page, 'admin');
  await a.page.goto(`${srv.url}/#/complaints/${filed.id}`);
  const who = a.page.locator('[data-fact=who]');
  await who.waitFor();
  assert.match(await who.textContent(), /^已注销用户 [0-9a-f]{8}$/);
  assert.doesNotMatch(await a.page.locator('.page-complaint').textContent(), /柯美华|窗户没有擦干净/);
  assert.deepEqual(await a.problems(), []);
  await a.context.close();
});

test('set-up code: a company admin opens a worker\'s login, the code is shown once; the worker sets the password with it on the phone and signs in', async () => {
  const w = await registerWorker(c, 'company1');
  const login = `phone-${Date.now() % 1e8}`;
  const ad = await open();
  await signIn(ad.page, 'company1');
  await ad.page.goto(`${srv.url}/#/users`);
  await ad.page.locator('.user-new').click();
  const f = ad.page.locator('#user-create form');
  await f.locator('input[name=login]').fill(login);
  await f.locator('input[name=name]').fill(w.name);
  await f.locator('select[name=role]').selectOption('worker');
  await f.locator(`select[name=worker_id] option[value="${w.wid}"]`).waitFor({ state: 'attached' });
  await f.locator('select[name=worker_id]').selectOption(String(w.wid));
  await f.locator('button[type=submit]').click();
  const card = ad.page.locator('.code-card[data-kind=setup]');
  await card.waitFor();
  const code = await card.locator('.one-time-code').textContent();
  assert.match(code, /^[0-9A-Z]{5}-[0-9A-Z]{5}$/);
  assert.match(await card.textContent(), new RegExp(`请当面把这个代码交给${w.name}本人`));
  // shown once: the page drawn again has no code
  await ad.page.reload();
  await ad.page.locator('.page-users table').waitFor();
  assert.equal(await ad.page.locator('.code-card').count(), 0);
  // the worker's login is the worker's: the employer is told where a forgotten password is reset,
  // and keeps the reset for its own staff
  const wrow = ad.page.locator('.page-users tr', { hasText: login });
  await wrow.locator('.reset-elsewhere', { hasText: '忘记密码请到协会窗口重置' }).waitFor();
  assert.equal(await wrow.locator('button', { hasText: '重置密码' }).count(), 0);
  assert.equal(await ad.page.locator('.page-users tr', { hasText: 'staff1' }).locator('button', { hasText: '重置密码' }).count(), 1);
  assert.deepEqual(await ad.problems(), []);
  await ad.context.close();

  // the worker, on their phone, in English: the sign-in page's link, a wrong code, a weak password, then done
  const wk = await open({ locale: 'en-US', viewport: { width: 390, height: 844 } });
  await wk.page.goto(`${srv.url}/#/login`);
  await wk.page.locator('a.set-password-link', { hasText: 'Set your password with a one-time code' }).click();
  const sp = wk.page.locator('.set-password-form');
  const send = async (cd, pw) => {
    await sp.locator('input[name=login]').fill(login);
    await sp.locator('input[name=code]').fill(cd);
    await sp.locator('input[name=new_password]').fill(pw);
    await sp.locator('input[name=repeat]').fill(pw);
    await sp.locator('button[type=submit]').click();
  };
  const password = freshPassword();
  await send(code.replace(/^./, (ch) => (ch === 'Z' ? 'Y' : 'Z')), password);
  await sp.locator('[data-field=code] .field-error', { hasText: 'The login or the one-time code is wrong' }).waitFor();
  await send(code, 'password123456');
  await sp.locator('[data-field=new_password] .field-error', { hasText: 'This password is too easy to guess' }).waitFor();
  await send(code.toLowerCase().replace('-', ' '), password);
  await wk.page.locator('.login-card .notice-success', { hasText: 'Your password is set.' }).waitFor();
  assert.equal(await wk.page.locator('.login-form input[name=login]').inputValue(), login);
  await fillLogin(wk.page, login, password);
  await wk.page.locator('.page-jobs').waitFor();
  await wk.page.goto(`${srv.url}/#/me/worker`);
  await wk.page.locator('.page-my-worker .my-status').waitFor();
  assert.match(await wk.page.locator('.page-my-worker').textContent(), new RegExp(w.name));
  const overflow = await wk.page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
  assert.ok(overflow <= 0, `no sideways scrolling on a phone (${overflow}px)`);
  assert.deepEqual(await wk.problems(/status of 400/), []);
  await wk.context.close();
  // the code is used up
  const again = await call(srv.url, '/api/auth/password-code', { method: 'POST', json: { login, code, new_password: freshPassword() } });
  assert.equal(again.status, 400);
});
