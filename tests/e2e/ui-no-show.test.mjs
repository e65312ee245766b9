// Browser tests of a household marked absent: customer1 finds yesterday's booking that the company
// recorded as nobody at home, says the service took place, and the service centre — in English —
// finds it in its queue, records that finding, and the booking is completed for its review.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { launch, openPage, signInAt } from './lib/browser.mjs';
import { startServer, login } from './lib/server.mjs';
import { call } from './lib/http.mjs';

let srv;
let browser;
let cust;
let cs;

before(async () => {
  srv = await startServer();
  browser = await launch();
  cust = await login(srv.url, 'customer1');
  cs = await login(srv.url, 'cs1');
});

after(async () => {
  if (browser) await browser.close();
  if (srv) await srv.stop();
});

const api = (who, path, opts = {}) => call(srv.url, path, { token: who.token, ...opts });

// customer1's booking whose absence waits for their answer (the demo leaves yesterday morning's)
async function pendingBooking() {
  const list = (await api(cust, '/api/bookings?status=no_show&per_page=100')).json;
  for (const b of list.items) {
    const one = (await api(cust, `/api/bookings/${b.id}`)).json;
    if (one.no_show_question && one.no_show_question.state === 'pending') return one;
  }
  return null;
}

test('a household marked absent says the service took place, and the service centre finds so', async () => {
  const b = await pendingBooking();
  assert.ok(b, 'the demo leaves customer1 an absence to answer');
  const { page, problems } = await openPage(browser);
  await signInAt(srv.url, page, 'customer1');
  await page.goto(`${srv.url}/#/bookings/${b.id}`);
  const asked = page.locator('.no-show-answer');
  await asked.waitFor();
  assert.match(await asked.textContent(), /家中无人/);
  // what happened is needed: the form says so before anything is sent
  const f = page.locator('.no-show-dispute-form');
  await f.locator('select[name=answer]').selectOption('served');
  await f.locator('button[type=submit]').click();
  await f.locator('.field-error, .form-error').filter({ hasText: /\S/ }).first().waitFor();
  assert.equal((await api(cust, `/api/bookings/${b.id}`)).json.no_show_question.state, 'pending');
  await f.locator('input[name=reason]').fill('阿姨来了两个小时，做完才走的');
  await f.locator('button[type=submit]').click();
  await page.locator('[data-fact=no_show_question]').filter({ hasText: '服务中心核实中' }).waitFor();
  assert.equal(await page.locator('.no-show-answer').count(), 0, 'asked once');
  const q = (await api(cust, `/api/bookings/${b.id}`)).json.no_show_question;
  assert.equal(q.state, 'to_check');
  assert.equal(q.answer, 'served');
  assert.deepEqual(await problems(), []);

  // the service centre, in English: the queue holds it; the finding completes the booking
  const e = await openPage(browser, { locale: 'en-US' });
  await signInAt(srv.url, e.page, 'cs1');
  await e.page.goto(`${srv.url}/#/no-shows`);
  const card = e.page.locator(`.no-show-card[data-booking="${b.id}"]`);
  await card.waitFor();
  assert.match(await e.page.locator('.page-no-shows h1').textContent(), /Households marked absent/);
  assert.match(await card.textContent(), /The customer says: The service took place · 阿姨来了两个小时/);
  const queued = (await api(cs, '/api/no-shows')).json;
  assert.equal(await e.page.locator('.no-show-card').count(), queued.items.length);
  await card.locator('select[name=outcome]').selectOption('served');
  await card.locator('input[name=note]').fill('Called the household: the worker served two hours');
  await card.locator('button[type=submit]').click();
  await e.page.locator('.page-no-shows .notice-success').filter({ hasText: 'The finding is recorded.' }).first().waitFor();
  await card.waitFor({ state: 'detached' });
  const done = (await api(cust, `/api/bookings/${b.id}`)).json;
  assert.equal(done.status, 'completed');
  assert.equal(done.no_show_question.state, 'overturned');
  assert.deepEqual(await e.problems(), []);
  await page.context().close();
  await e.context.close();
});
