// Browser tests of evidence that a service happened and of reviews that count: the customer's
// booking shows the service code from check-in, the worker enters it at check-out (a wrong one
// refused on its field); the service centre records a follow-up call; the association sees a
// review's signals and excludes it with a reason, which the company reads on its reviews and the
// customer on the booking, and the public list no longer shows it.
// One demo server and one Chromium for the whole file; every test gets its own browser context.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { launch, openPage, signInAt } from './lib/browser.mjs';
import { startServer, login } from './lib/server.mjs';
import { call } from './lib/http.mjs';

let srv;
let browser;
let admin;

before(async () => {
  srv = await startServer();
  browser = await launch();
  admin = await login(srv.url, 'admin');
  // a service "in 15 minutes", whatever the hour the machine runs this at (the hours are tested
  // through the API)
  const hours = await call(srv.url, '/api/standards', { token: admin.token, method: 'PATCH',
    json: { hourly_from_hour: 0, hourly_until_hour: 24, day_start_from_hour: 0, day_start_until_hour: 24 } });
  assert.equal(hours.status, 200, hours.text);
});

after(async () => {
  if (browser) await browser.close();
  if (srv) await srv.stop();
});

const open = (opts) => openPage(browser, opts);
const signIn = (page, who) => signInAt(srv.url, page, who);
const api = (token, path, opts = {}) => call(srv.url, path, { token, ...opts });
const isoAt = (ms) => new Date(ms).toISOString().replace(/\.\d+Z$/, 'Z');

// Set-up, not the test: customer1 books one of worker1…worker6 (whoever is free for the next three
// hours; failing that, worker1's bookings in the way are cancelled by its company) to start in 15
// minutes; the company confirms and the worker checks in. Returns { id, workerLogin, worker, cat }.
let booked = null;
async function checkedIn() {
  if (booked) return booked;
  const cust = await login(srv.url, 'customer1');
  const cats = (await call(srv.url, '/api/public/categories')).json.items;
  const start = Math.ceil((Date.now() + 15 * 60000) / 60000) * 60000;
  const end = start + 2 * 3600000;
  for (const clear of [false, true]) {
    for (let k = 1; k <= 6; k += 1) {
      const wt = await login(srv.url, `worker${k}`);
      const me = await api(wt.token, '/api/me/worker');
      if (me.status !== 200) continue;
      const w = me.json;
      const co = (await call(srv.url, `/api/public/companies/${w.company.id}`)).json;
      const item = co.service_items.find((x) => x.active && x.unit === 'hour' && w.trades.includes(x.category.trade));
      if (!item) continue;
      const coAdmin = (await api(admin.token, `/api/users?org_id=${w.company.id}&role=company_admin`)).json.items[0].login;
      const company = await login(srv.url, coAdmin);
      const mine = (await api(wt.token, `/api/bookings?from=${encodeURIComponent(isoAt(start - 86400000))}&to=${encodeURIComponent(isoAt(end + 86400000))}&per_page=100`)).json.items
        .filter((b) => ['requested', 'confirmed', 'checked_in'].includes(b.status) && Date.parse(b.start) < end + 3600000 && Date.parse(b.end) > start - 3600000);
      if (mine.length && !clear) continue;
      if (mine.some((b) => b.status === 'checked_in')) continue;
      for (const b of mine) {
        const r = await api(company.token, `/api/bookings/${b.id}/cancel`, { method: 'POST', json: { reason: '测试前腾出时段' } });
        assert.equal(r.status, 200, r.text);
      }
      const b = await api(cust.token, '/api/bookings', { method: 'POST', json: {
        service_item_id: item.id, start: isoAt(start), end: isoAt(end), address: '杭州市上城区解放路 66 号 2 幢 301 室',
        contact_phone: '13905716601', worker_id: w.id,
      } });
      assert.equal(b.status, 201, b.text);
      const cat = cats.find((c) => c.id === item.category.id);
      const full = (await call(srv.url, `/api/public/categories/${cat.id}`)).json;
      let r = await api(company.token, `/api/bookings/${b.json.id}/confirm`, { method: 'POST', json: { items: full.items.pre.map((i) => ({ item_id: i.id, done: true })) } });
      assert.equal(r.status, 200, r.text);
      r = await api(wt.token, `/api/bookings/${b.json.id}/checkin`, { method: 'POST' });
      assert.equal(r.status, 200, r.text);
      booked = { id: b.json.id, workerLogin: `worker${k}`, worker: w, companyLogin: coAdmin, items: full.items };
      return booked;
    }
  }
  throw new Error('no demo worker with a login can be made free now');
}

test('the customer\'s booking shows the service code; the worker enters it at check-out', async () => {
  const { id, workerLogin, items } = await checkedIn();
  // the customer sees six digits on their booking, and nobody else does
  const c = await open();
  await signIn(c.page, 'customer1');
  await c.page.goto(`${srv.url}/#/bookings/${id}`);
  const shown = c.page.locator('.service-code');
  await shown.waitFor();
  const code = (await shown.textContent()).replace(/\s/g, '');
  assert.match(code, /^\d{6}$/);
  const fromApi = (await api((await login(srv.url, 'customer1')).token, `/api/bookings/${id}`)).json.service_code;
  assert.equal(code, fromApi);
  const asWorker = (await api((await login(srv.url, workerLogin)).token, `/api/bookings/${id}`)).json;
  assert.equal(asWorker.service_code, undefined, 'the worker is not shown the code');

  // the worker, on a phone, checks out with it: a wrong one first
  const w = await open({ viewport: { width: 390, height: 844 } });
  await signIn(w.page, workerLogin);
  await w.page.goto(`${srv.url}/#/bookings/${id}`);
  const out = w.page.locator('.checkout-form');
  const rows = out.locator('.checklist-row');
  await rows.first().waitFor();
  assert.equal(await rows.count(), items.in.length);
  for (let i = 0; i < items.in.length; i += 1) await rows.nth(i).locator('input[value=pass]').check();
  await out.locator('input[name=reason]').fill('客户临时有事，提前结束');
  const wrong = String((Number(code) + 1) % 1000000).padStart(6, '0');
  await out.locator('input[name=code]').fill(`${wrong.slice(0, 3)} ${wrong.slice(3)}`);
  await out.locator('button[type=submit]').click();
  await out.locator('[data-field=code] .field-error', { hasText: '服务确认码不正确' }).waitFor();
  assert.equal((await api(admin.token, `/api/bookings/${id}`)).json.status, 'checked_in');
  await out.locator('input[name=code]').fill(code);
  await out.locator('button[type=submit]').click();
  await w.page.locator('.page-booking .messages .notice-success', { hasText: '确认码正确' }).waitFor();
  await w.page.locator('.page-booking[data-status=completed]').waitFor();
  assert.deepEqual(await w.problems(/status of 422/), []);
  await w.context.close();

  // the customer's booking says how it was confirmed, and offers the review at once
  await c.page.reload();
  await c.page.locator('.review-form').waitFor();
  assert.match(await c.page.locator('[data-fact=evidence]').textContent(), /签退时核验确认码/);
  assert.equal(await c.page.locator('.evidence-form').count(), 0);
  assert.equal(await c.page.locator('.service-code').count(), 0, 'the code ends at check-out');
  const actions = await c.page.locator('.timeline-item').evaluateAll((els) => els.map((e) => e.dataset.action));
  assert.ok(actions.includes('confirm_code'), `confirm_code in the timeline: ${actions}`);
  assert.deepEqual(await c.problems(), []);
  await c.context.close();
});

test('the association sees a review\'s signals and excludes it; the company and the customer read why', async () => {
  const { id, worker, companyLogin } = await checkedIn();
  const cust = await login(srv.url, 'customer1');
  const comment = `做得很好 ${Date.now() % 100000}`;
  let r = await api(cust.token, `/api/bookings/${id}/review`, { method: 'POST', json: { overall: 5, punctuality: 5, skill: 5, attitude: 5, hygiene: 5, comment } });
  assert.equal(r.status, 201, r.text);
  const profile = async () => (await call(srv.url, `/api/public/workers/${worker.id}`)).json.rating;
  const rated = await profile();

  const a = await open();
  await signIn(a.page, 'admin');
  await a.page.locator('#nav a[href="#/reviews"]').click();
  // the flagged ones first: the demo's shill, excluded already, with its signals and reason
  const shill = a.page.locator('.page-reviews tr[data-excluded=true]').first();
  await shill.waitFor();
  assert.ok(Number(await shill.getAttribute('data-flagged')) >= 3);
  assert.ok(await shill.locator('.signal[data-signal=new_account]').count() === 1);
  assert.ok(await shill.locator('.signal[data-signal=shared_phone]').count() === 1);
  assert.match(await shill.textContent(), /不予计入/);
  // all reviews: today's, kept, with the way to exclude it
  await a.page.locator('.reviews-filters select[name=flagged]').selectOption('');
  await a.page.locator('.reviews-filters button[type=submit]').click();
  const row = a.page.locator(`.page-reviews tr[data-booking="${id}"]`);
  await row.waitFor();
  assert.equal(await row.getAttribute('data-excluded'), 'false');
  await row.locator('button.disclose', { hasText: '排除该评价' }).click();
  const xf = row.locator('.exclude-form');
  await xf.locator('button[type=submit]').click();
  await xf.locator('[data-field=reason] .field-error').waitFor();
  const reason = '经回访核实，评价人与服务人员为亲属，评价不予计入';
  await xf.locator('input[name=reason]').fill(reason);
  await xf.locator('button[type=submit]').click();
  await a.page.locator('.page-reviews .messages .notice-success', { hasText: '评价已排除' }).waitFor();
  await a.page.locator(`.page-reviews tr[data-booking="${id}"][data-excluded=true]`).waitFor();
  assert.deepEqual(await a.problems(), []);
  await a.context.close();

  // out of the rating exactly, and off the public list
  const now = await profile();
  assert.equal(now ? now.count : 0, rated.count - 1);
  const pub = (await call(srv.url, `/api/public/workers/${worker.id}/reviews?per_page=100`)).json;
  assert.ok(!JSON.stringify(pub).includes(comment), 'the excluded review is not public');

  // the company reads the exclusion and its reason on its reviews, never the signals
  const co = await open();
  await signIn(co.page, companyLogin);
  await co.page.goto(`${srv.url}/#/reviews`);
  const crow = co.page.locator(`.page-reviews tr[data-booking="${id}"]`);
  await crow.waitFor();
  assert.equal(await crow.getAttribute('data-excluded'), 'true');
  assert.match(await crow.textContent(), new RegExp(reason));
  assert.equal(await co.page.locator('.page-reviews .signal, .page-reviews select[name=flagged]').count(), 0);
  assert.ok(!(await co.page.locator('.page-reviews thead').textContent()).includes('可疑信号'));
  await co.page.goto(`${srv.url}/#/bookings/${id}`);
  await co.page.locator('.review-view.review-excluded').waitFor();
  assert.match(await co.page.locator('.review-view').textContent(), new RegExp(reason));
  assert.equal(await co.page.locator('.review-signals').count(), 0);
  assert.deepEqual(await co.problems(), []);
  await co.context.close();

  // and the customer on their booking
  const c = await open();
  await signIn(c.page, 'customer1');
  await c.page.goto(`${srv.url}/#/bookings/${id}`);
  await c.page.locator('.review-view.review-excluded').waitFor();
  assert.match(await c.page.locator('.review-view').textContent(), new RegExp(reason));
  assert.deepEqual(await c.problems(), []);
  await c.context.close();
});

test('the customer confirms in the app; the service centre records its follow-up call', async () => {
  // a completed service of the demo nobody has confirmed yet, and one of customer1's to deny
  const cs = await login(srv.url, 'cs1');
  const list = (await api(cs.token, '/api/bookings?status=completed&sort=-start&per_page=100')).json.items;
  const waiting = list.filter((b) => !b.evidence);
  assert.ok(waiting.length >= 1, 'the demo has completed services awaiting their customer\'s word');
  const id = waiting[0].id;

  const p = await open();
  await signIn(p.page, 'cs1');
  await p.page.goto(`${srv.url}/#/bookings/${id}`);
  await p.page.locator('[data-fact=phone] a').waitFor();
  const call1 = p.page.locator('button.disclose', { hasText: '记录回访结果' });
  await call1.click();
  const ff = p.page.locator('.followup-form');
  await ff.locator('button[type=submit]').click();
  await ff.locator('.form-error, [data-field=outcome] .field-error').filter({ hasText: '请选择回访结果' }).first().waitFor();
  await ff.locator('input[value=unreachable]').check();
  await ff.locator('button[type=submit]').click();
  await p.page.locator('.page-booking .messages .notice-success', { hasText: '未接通' }).waitFor();
  await p.page.locator('[data-fact=evidence]', { hasText: '1 次未接通' }).waitFor();
  await p.page.locator('button.disclose', { hasText: '记录回访结果' }).click();
  const ff2 = p.page.locator('.followup-form');
  await ff2.locator('input[value=denied]').check();
  await ff2.locator('button[type=submit]').click();
  await ff2.locator('[data-field=note] .field-error', { hasText: '请写下客户的说法' }).waitFor();
  await ff2.locator('input[value=confirmed]').check();
  await ff2.locator('input[name=note]').fill('客户确认已上门服务');
  await ff2.locator('button[type=submit]').click();
  await p.page.locator('.page-booking .messages .notice-success', { hasText: '客户确认服务已完成' }).waitFor();
  await p.page.locator('[data-fact=evidence]', { hasText: '客服回访' }).waitFor();
  assert.equal(await p.page.locator('button.disclose', { hasText: '记录回访结果' }).count(), 0);
  const b = (await api(admin.token, `/api/bookings/${id}`)).json;
  assert.equal(b.evidence.via, 'call');
  assert.equal(b.followup_unreachable, 1);
  assert.deepEqual(await p.problems(/status of 422/), []);
  await p.context.close();

  // customer1 denies a service of theirs that nobody has confirmed, with what happened
  const cust = await login(srv.url, 'customer1');
  const mine = (await api(cust.token, '/api/bookings?status=completed&per_page=100')).json.items.filter((x) => !x.evidence);
  if (!mine.length) return; // the demo left customer1 none to say no to: the API tests deny one
  const c = await open();
  await signIn(c.page, 'customer1');
  await c.page.goto(`${srv.url}/#/bookings/${mine[0].id}`);
  await c.page.locator('.evidence-form').waitFor();
  await c.page.locator('button.disclose', { hasText: '服务未发生或与记录不符' }).click();
  const df = c.page.locator('.evidence-deny-form');
  await df.locator('input[name=reason]').fill('服务人员只来了十分钟');
  await df.locator('button[type=submit]').click();
  await c.page.locator('.page-booking .messages .notice-success', { hasText: '不计入' }).waitFor();
  await c.page.locator('[data-fact=evidence]', { hasText: '客户否认' }).waitFor();
  assert.equal(await c.page.locator('.review-form').count(), 0, 'a denied service takes no review');
  assert.deepEqual(await c.problems(), []);
  await c.context.close();
});
