// Browser tests of services and bookings: the public search as the home page; a booking from the
// search to the review as the customer, the company and the worker — the customer confirming in the
// app that the service happened before reviewing it —, the review then on the worker's public profile; a price outside the association's guide refused on the services page;
// a worker who may not serve refused on the dispatch board with the reasons; the catalog; a new
// customer's account; satisfaction in public.
// One demo server and one Chromium for the whole file; every test gets its own browser context.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { launch, openPage, signInAt, fillLogin } from './lib/browser.mjs';
import { startServer, login, DEMO_PASSWORD, ROOT } from './lib/server.mjs';
import { call } from './lib/http.mjs';

const WEB = join(ROOT, 'web');
let srv;
let browser;
let admin;

before(async () => {
  srv = await startServer();
  browser = await launch();
  admin = await login(srv.url, 'admin');
  // these journeys book "in 15 minutes" and "now", whatever the hour the machine runs them at: the
  // association opens the service hours around the clock first (the hours themselves, and their
  // refusals, are tested through the API)
  const hours = await call(srv.url, '/api/standards', { token: admin.token, method: 'PATCH',
    json: { hourly_from_hour: 0, hourly_until_hour: 24, day_start_from_hour: 0, day_start_until_hour: 24 } });
  assert.equal(hours.status, 200, hours.text);
});

after(async () => {
  if (browser) await browser.close();
  if (srv) await srv.stop();
});

const open = (opts) => openPage(browser, opts);

const signIn = (page, who, password) => signInAt(srv.url, page, who, password);

const api = (token, path, opts = {}) => call(srv.url, path, { token, ...opts });
const pad = (n) => String(n).padStart(2, '0');
// The platform's wall clock (+08:00) shifted by minutes: { date: "YYYY-MM-DD", time: "HH:MM" }.
function wall(minutes) {
  const d = new Date(Date.now() + (8 * 60 + minutes) * 60000);
  return { date: d.toISOString().slice(0, 10), time: `${pad(d.getUTCHours())}:${pad(d.getUTCMinutes())}` };
}
const iso = (minutes) => { const w = wall(minutes); return `${w.date}T${w.time}:00+08:00`; };
const yuan = (fen) => `¥${Math.floor(fen / 100)}.${pad(fen % 100)}`;
const noOverflow = async (page) => {
  const o = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
  assert.ok(o <= 0, `no sideways scrolling (${o}px)`);
};

// A worker with a login (worker1), their company, a category their trade serves and the company's
// item for it; the company's admin login.
async function cast(workerLogin = 'worker1') {
  const wt = await login(srv.url, workerLogin);
  const w = (await api(wt.token, '/api/me/worker')).json;
  const cats = (await call(srv.url, '/api/public/categories')).json.items;
  const co = (await call(srv.url, `/api/public/companies/${w.company.id}`)).json;
  const item = co.service_items.find((x) => x.active && w.trades.includes(x.category.trade) && x.unit === 'hour')
    || co.service_items.find((x) => x.active && w.trades.includes(x.category.trade));
  assert.ok(item, `${w.company.name} offers a service ${workerLogin} may serve`);
  const category = cats.find((c) => c.id === item.category.id);
  const admins = (await api(admin.token, `/api/users?org_id=${w.company.id}&role=company_admin`)).json.items;
  return { worker: w, company: co, item, category, companyLogin: admins[0].login };
}

// The first of worker1…worker6 (logins linked to records) whose company offers a service they may
// serve and who is free both soon (a booking starting in 15 minutes, for two hours, so that check-in
// — open from checkin_early_minutes (60) before the start — can happen now) and for two hours tomorrow (the
// search's window): the demo gives the model workers bookings of their own.
// Failing that, the demo's bookings in the way are cancelled by the company (set-up, not the test).
async function freeCast() {
  const live = ['requested', 'confirmed', 'checked_in'];
  const at = (minutes) => Date.parse(iso(minutes));
  const tomorrow = wall(24 * 60).date;
  const slot = (h) => [Date.parse(`${tomorrow}T${pad(h)}:00:00+08:00`), Date.parse(`${tomorrow}T${pad(h + 2)}:00:00+08:00`)];
  for (const clear of [false, true]) {
    for (let k = 1; k <= 6; k += 1) {
      let c;
      try { c = await cast(`worker${k}`); } catch { continue; }
      const wt = await login(srv.url, `worker${k}`);
      const mine = (await api(wt.token, `/api/bookings?from=${encodeURIComponent(iso(-24 * 60))}&to=${encodeURIComponent(iso(3 * 24 * 60))}&per_page=100`)).json.items
        .filter((b) => live.includes(b.status));
      const inWay = (a, b) => mine.filter((x) => !(Date.parse(x.end) <= a || Date.parse(x.start) >= b));
      let hour = [10, 14, 16, 8, 12, 18, 20].find((h) => !inWay(...slot(h)).length);
      const soon = inWay(at(0), at(15 + 150));
      if (clear) {
        if (hour === undefined) hour = 14;
        const way = [...soon, ...inWay(...slot(hour))];
        if (way.some((x) => x.status === 'checked_in')) continue;
        const co = await login(srv.url, c.companyLogin);
        for (const x of way) {
          const r = await api(co.token, `/api/bookings/${x.id}/cancel`, { method: 'POST', json: { reason: '测试前腾出时段' } });
          assert.equal(r.status, 200, r.text);
        }
      } else if (soon.length || hour === undefined) continue;
      return { ...c, workerLogin: `worker${k}`, tomorrow, hour: `${pad(hour)}:00` };
    }
  }
  throw new Error('no demo worker with a login can be made free now and tomorrow');
}

test('the catalogs name every code of services and bookings, in both languages', () => {
  const zh = JSON.parse(readFileSync(join(WEB, 'i18n/zh-CN.json'), 'utf8'));
  const en = JSON.parse(readFileSync(join(WEB, 'i18n/en.json'), 'utf8'));
  const codes = {
    booking_statuses: ['requested', 'confirmed', 'checked_in', 'completed', 'reviewed', 'cancelled', 'no_show'],
    booking_actions: ['create', 'assign', 'confirm', 'checkin', 'checkout', 'cancel', 'no_show', 'review', 'address_view', 'release',
      'confirm_app', 'confirm_code', 'confirm_call', 'deny_app', 'deny_call', 'call_unreachable', 'review_exclude'],
    units: ['hour', 'visit', 'day', 'month'],
    phases: ['pre', 'in', 'post'],
    check_answers: ['done', 'pass', 'fail', 'na', 'yes', 'no'],
    no_show_parties: ['worker', 'customer'],
    districts: ['shangcheng', 'gongshu', 'xihu', 'binjiang', 'xiaoshan', 'yuhang'],
    errors: ['worker_busy', 'worker_not_eligible', 'start_in_past', 'invalid_period', 'item_inactive',
      'worker_not_of_company', 'invalid_transition', 'checklist_incomplete', 'already_reviewed',
      'price_outside_guide', 'no_price_guide', 'category_inactive', 'indicator_unknown', 'invalid_range',
      'code_taken', 'login_taken', 'too_early', 'not_started', 'no_worker', 'period_too_long', 'too_far_ahead', 'item_unknown',
      'indicator_not_allowed', 'too_many_signups', 'service_code_wrong', 'service_code_spent', 'evidence_recorded',
      'denial_reason_required', 'service_not_confirmed', 'already_excluded'],
  };
  const missing = [];
  for (const [group, list] of Object.entries(codes)) {
    for (const code of list) {
      for (const [lang, cat] of [['zh', zh], ['en', en]]) {
        if (!cat[group] || typeof cat[group][code] !== 'string' || !cat[group][code]) missing.push(`${lang} ${group}.${code}`);
      }
    }
  }
  assert.deepEqual(missing, []);
  assert.match(zh.booking_statuses.requested, /[\u4e00-\u9fff]/);
  assert.doesNotMatch(en.booking_statuses.requested, /[\u4e00-\u9fff]/);
});

test('a booking from the search to the review: customer, company and worker; the review reaches the public profile', async () => {
  const { worker, item, category, company, companyLogin, workerLogin, tomorrow, hour } = await freeCast();

  // 1. signed out, the home page is the search: a category and a window tomorrow
  const c = await open();
  await c.page.goto(`${srv.url}/`);
  const sf = c.page.locator('.search-form');
  await sf.locator(`select[name=category] option[value="${category.code}"]`).waitFor({ state: 'attached' });
  assert.equal(await c.page.locator('.public-top a.sign-in').textContent(), '登录');
  await sf.locator('select[name=category]').selectOption(category.code);
  await sf.locator('input[name=date]').fill(tomorrow);
  await sf.locator('input[name=time]').fill(hour);
  await sf.locator('select[name=hours]').selectOption('2');
  await sf.locator('button[type=submit]').click();
  await c.page.locator('.search-summary', { hasText: `${tomorrow} ${hour} 起 2 小时` }).waitFor();
  assert.match(new URL(c.page.url()).hash, new RegExp(`category=${category.code}.*from=${tomorrow}T${hour.slice(0, 2)}%3A00%3A00%2B08%3A00`));
  // the worker's card, page by page
  const card = c.page.locator(`.result-card[data-worker="${worker.id}"]`);
  for (let i = 0; i < 30 && !(await card.count()); i += 1) {
    await c.page.locator('.search-results .result-card').first().waitFor();
    if (await card.count()) break;
    const next = c.page.locator('.search-results .pager-next');
    assert.ok(await next.count() && !(await next.isDisabled()), 'the worker is listed for the window');
    const first = await c.page.locator('.search-results .result-card').first().getAttribute('data-worker');
    await next.click();
    await c.page.waitForFunction((f) => { const el = document.querySelector('.search-results .result-card'); return el && el.dataset.worker !== f; }, first);
  }
  const masked = (await call(srv.url, `/api/public/workers/${worker.id}`)).json.masked_name;
  assert.equal(await card.locator('.result-name').textContent(), masked);
  const listedItem = Number(await card.getAttribute('data-item'));
  const offered = company.service_items.find((x) => x.id === listedItem);
  assert.ok(offered, 'the card offers one of the company\'s items');
  assert.match(await card.locator('.result-price').textContent(), new RegExp(`^\\${yuan(offered.price_fen)}/`));
  assert.match(await card.locator('.status').textContent(), /^可服务/);
  assert.equal(await card.locator('a.result-profile').getAttribute('href'), `/workers/${worker.id}`);
  assert.doesNotMatch(await c.page.locator('.search-results').textContent(), new RegExp(worker.name), 'never the full name');
  assert.deepEqual(await c.problems(), []);

  // 2. "book" sends a signed-out visitor to sign in, then back to the form with the window
  await card.locator('.book-btn').click();
  await c.page.locator('.login-form').waitFor();
  assert.match(await c.page.locator('.login-card .live').textContent(), /请先登录后再预约/);
  assert.equal(await c.page.locator('.login-signup a[href="#/signup"]').count(), 1);
  await fillLogin(c.page, 'customer1');
  const bf = c.page.locator('.book-form');
  await bf.waitFor();
  assert.equal(await c.page.locator('.book-summary').getAttribute('data-worker'), String(worker.id));
  assert.equal(await bf.locator('input[name=start]').inputValue(), tomorrow);
  assert.equal(await bf.locator('input[name=time]').inputValue(), hour);
  assert.equal(await bf.locator('select[name=end]').inputValue(), '2');
  if (await bf.locator('select[name=service_item_id]').count()) await bf.locator('select[name=service_item_id]').selectOption(String(item.id));
  // a start already past is refused in words
  const past = wall(-90);
  await bf.locator('input[name=start]').fill(past.date);
  await bf.locator('input[name=time]').fill(past.time);
  await bf.locator('textarea[name=address]').fill('杭州市上城区解放路 88 号 2 单元 1201 室');
  // a number that is not a mobile number is refused in words before anything is sent
  await bf.locator('input[name=contact_phone]').fill('0571-8888');
  await bf.locator('button[type=submit]').click();
  const phoneErr = bf.locator('[data-field=contact_phone] .field-error');
  await phoneErr.waitFor({ state: 'visible' });
  assert.equal(await phoneErr.textContent(), '请填写 11 位手机号码。');
  await bf.locator('input[name=contact_phone]').fill('139 0571 6688');
  await bf.locator('button[type=submit]').click();
  const dateErr = bf.locator('[data-field=start] .field-error');
  await dateErr.waitFor({ state: 'visible' });
  assert.equal(await dateErr.textContent(), '开始时间已过，请选择将来的时间。');
  // check-in opens an hour before the start: book one that starts soon
  const soon = wall(15);
  await bf.locator('input[name=start]').fill(soon.date);
  await bf.locator('input[name=time]').fill(soon.time);
  await bf.locator('textarea[name=note]').fill('家里有一只猫');
  await bf.locator('button[type=submit]').click();
  await c.page.locator('.page-booking[data-status=requested]').waitFor();
  const bookingId = Number(await c.page.locator('.page-booking').getAttribute('data-booking'));
  assert.match(await c.page.locator('.live .notice-success').textContent(), /预约已提交/);
  assert.match(await c.page.locator('[data-fact=address]').textContent(), /解放路 88 号/);
  assert.equal(await c.page.locator('[data-fact=phone] a').getAttribute('href'), 'tel:13905716688');
  assert.equal(await c.page.locator('.page-booking h1 .booking-status').textContent(), '待确认');
  const booked = (await api((await login(srv.url, 'customer1')).token, `/api/bookings/${bookingId}`)).json;
  assert.equal(booked.worker.id, worker.id);
  assert.equal(booked.service_item.id, item.id);
  assert.equal(booked.start, `${soon.date}T${soon.time}:00+08:00`);
  assert.deepEqual(await c.problems(/status of 422/), []);

  // 3. the company confirms it for the worker on the dispatch board
  const co = await open();
  await signIn(co.page, companyLogin);
  await co.page.locator('#nav a[href="#/dispatch"]').click();
  await co.page.locator('.page-dispatch .day-input').fill(soon.date);
  const row = co.page.locator(`.dispatch-row[data-booking="${bookingId}"]`);
  await row.waitFor();
  assert.equal(await row.getAttribute('data-status'), 'requested');
  assert.match(await row.locator('.dispatch-customer').textContent(), /周婷/);
  assert.match(await row.locator('.dispatch-worker').textContent(), new RegExp(worker.name));
  await row.locator('button.disclose', { hasText: '代服务员确认' }).click();
  const cf = row.locator('.confirm-form');
  await cf.locator('.pre-item').first().waitFor();
  const pre = await cf.locator('.pre-item').count();
  assert.equal(pre, category.items.pre.length);
  // every item is needed
  await cf.locator('.pre-item').first().check();
  await cf.locator('button[type=submit]').click();
  await cf.locator('.form-error, [data-field=items] .field-error').filter({ hasText: '请勾选全部服务前确认事项' }).first().waitFor();
  for (let i = 0; i < pre; i += 1) await cf.locator('.pre-item').nth(i).check();
  await cf.locator('button[type=submit]').click();
  await co.page.locator('.page-dispatch .messages .notice-success', { hasText: '预约已确认' }).waitFor();
  await co.page.locator(`.dispatch-row[data-booking="${bookingId}"][data-status=confirmed]`).waitFor();
  assert.deepEqual(await co.problems(), []);

  // 4. the worker, on a phone: today's jobs, check in, the checklist, check out
  const w = await open({ viewport: { width: 390, height: 844 } });
  await signIn(w.page, workerLogin);
  await w.page.locator('.menu-toggle').click();
  await w.page.locator('#nav a[href="#/jobs"]').click();
  if (soon.date !== wall(0).date) await w.page.locator('.page-jobs .day-input').fill(soon.date);
  const job = w.page.locator(`.job-card[data-booking="${bookingId}"]`);
  await job.waitFor();
  assert.equal(await job.getAttribute('data-status'), 'confirmed');
  assert.match(await job.locator('.job-address').textContent(), /解放路 88 号/, 'the address, once confirmed');
  assert.equal(await job.locator('.job-phone').textContent(), '13905716688', 'and the telephone');
  assert.equal(await job.locator('.job-clock').textContent(), soon.time);
  const big = job.locator('.checkin-btn');
  const box = await big.boundingBox();
  assert.ok(box.height >= 56 && box.width >= 300, `a big check-in button (${box.width}×${box.height})`);
  await noOverflow(w.page);
  await big.click();
  await w.page.locator('.page-jobs .messages .notice-success', { hasText: '签到，准时' }).waitFor();
  const out = w.page.locator(`.job-card[data-booking="${bookingId}"][data-status=checked_in]`);
  await out.waitFor();
  assert.match(await out.locator('.job-checked-in').textContent(), /准时/);
  const rows = out.locator('.checkout-form .checklist-row');
  await rows.first().waitFor();
  const n = await rows.count();
  assert.equal(n, category.items.in.length);
  // every item needs an answer
  await out.locator('.checkout-form button[type=submit]').click();
  await out.locator('.checkout-form .field-error', { hasText: '请为每一项选择合格、不合格或不适用' }).waitFor();
  for (let i = 0; i < n; i += 1) await rows.nth(i).locator(`input[value=${i === n - 1 ? 'na' : 'pass'}]`).check();
  await rows.nth(n - 1).locator('.item-note').fill('客户家中无此项');
  await noOverflow(w.page);
  // hours before the booked end: leaving needs its reason, asked before anything is sent
  await out.locator('.checkout-form button[type=submit]').click();
  await out.locator('.checkout-form .field-error', { hasText: '请写下提前结束的原因' }).waitFor();
  await out.locator('.checkout-form input[name=reason]').fill('客户临时有事，提前结束');
  await out.locator('.checkout-form button[type=submit]').click();
  await w.page.locator('.page-jobs .messages .notice-success', { hasText: '已签退' }).waitFor();
  await w.page.locator(`.job-card[data-booking="${bookingId}"][data-status=completed]`).waitFor();
  assert.deepEqual(await w.problems(), []);
  await w.context.close();

  // the board shows the check-in on time
  await co.page.locator('.page-dispatch .day-today').click();
  if (soon.date !== wall(0).date) await co.page.locator('.page-dispatch .day-input').fill(soon.date);
  await co.page.locator(`.dispatch-row[data-booking="${bookingId}"][data-status=completed]`).waitFor();
  assert.match(await co.page.locator(`.dispatch-row[data-booking="${bookingId}"]`).textContent(), /准时/);
  await co.context.close();

  // 5. the customer says the service happened, then reviews it, from "my bookings"
  await c.page.locator('#nav a[href="#/bookings"]').click();
  await c.page.locator(`.bookings-list tr[data-booking="${bookingId}"]`).waitFor();
  assert.match(await c.page.locator(`.bookings-list tr[data-booking="${bookingId}"]`).textContent(), /已完成/);
  await c.page.locator(`.bookings-list tr[data-booking="${bookingId}"] a.booking-link`).click();
  // no review before the customer's word: the question comes first
  const ef = c.page.locator('.evidence-form');
  await ef.waitFor();
  assert.equal(await c.page.locator('.review-form').count(), 0, 'no review form before the service is confirmed');
  assert.match(await c.page.locator('[data-fact=evidence]').textContent(), /等待客户确认/);
  const counted = async () => {
    const co1 = (await call(srv.url, `/api/public/workers/${worker.id}`)).json;
    return co1.punctuality.reduce((n, m) => n + m.checked_in, 0);
  };
  const before = await counted();
  await ef.locator('button.evidence-yes').click();
  await c.page.locator('.page-booking .messages .notice-success', { hasText: '已确认' }).waitFor();
  assert.match(await c.page.locator('[data-fact=evidence]').textContent(), /已确认（客户在应用中确认/);
  // now the service counts in the worker's figures, and the review form is there
  assert.equal(await counted(), before + 1);
  const rf = c.page.locator('.review-form');
  await rf.waitFor();
  // the checklists as the worker answered them, and the timeline
  assert.equal(await c.page.locator('.checklist-view[data-phase=in] .answer').count(), n);
  assert.equal(await c.page.locator('.checklist-view[data-phase=in] .answer[data-answer=na]').count(), 1);
  const actions = await c.page.locator('.timeline-item').evaluateAll((els) => els.map((e) => e.dataset.action));
  for (const a of ['create', 'confirm', 'checkin', 'checkout', 'confirm_app']) assert.ok(actions.includes(a), `${a} in the timeline: ${actions}`);
  await rf.locator('button[type=submit]').click();
  await rf.locator('[data-field=overall] .field-error', { hasText: '请为“总体评价”打分' }).waitFor();
  const stars = { overall: 5, punctuality: 5, skill: 4, attitude: 5, hygiene: 4 };
  for (const [k, v] of Object.entries(stars)) await rf.locator(`[data-field=${k}] .star:nth-child(${v})`).click();
  assert.equal(await rf.locator('[data-field=skill] .stars-said').textContent(), '满意');
  const comment = `做事细致，准时到达 ${Date.now() % 100000}`;
  await rf.locator('textarea[name=comment]').fill(comment);
  const fb = rf.locator('.post-item');
  await fb.first().waitFor();
  assert.equal(await fb.count(), category.items.post.length);
  for (let i = 0; i < await fb.count(); i += 1) await fb.nth(i).locator('input[value=yes]').check();
  await rf.locator('button[type=submit]').click();
  await c.page.locator('.page-booking .messages .notice-success', { hasText: '感谢您的评价' }).waitFor();
  await c.page.locator('.page-booking[data-status=reviewed]').waitFor();
  assert.deepEqual(await c.problems(/status of 422/), []);
  await c.context.close();

  // 6. the review on the worker's public profile, with the rating and the month's satisfaction
  const p = await open({ viewport: { width: 390, height: 844 } });
  await p.page.goto(`${srv.url}/workers/${worker.id}`);
  const mine = p.page.locator('.public-reviews .review', { hasText: comment });
  await mine.waitFor();
  assert.equal(await mine.getAttribute('data-overall'), '5');
  assert.match(await mine.textContent(), /周\*/);
  const pub = (await call(srv.url, `/api/public/workers/${worker.id}`)).json;
  assert.ok(pub.rating && pub.rating.count >= 1);
  assert.equal(await p.page.locator('[data-fact=rating]').textContent(), `★ ${pub.rating.average.toFixed(1)} · ${pub.rating.count} 条评价`);
  const month = pub.satisfaction.find((x) => x.reviewed > 0);
  const tenths = Math.floor((2000 * month.satisfied + month.reviewed) / (2 * month.reviewed)); // rounded half up
  assert.equal(await p.page.locator(`.month-rate[data-month="${month.month}"] .month-value`).textContent(),
    `${Math.floor(tenths / 10)}.${tenths % 10}% (${month.satisfied}/${month.reviewed})`);
  const offer = p.page.locator(`.company-prices .public-price[data-item="${item.id}"]`);
  assert.match(await offer.textContent(), new RegExp(`\\${yuan(item.price_fen)}/小时`));
  assert.equal(await offer.locator('a.book-link').getAttribute('href'), `/#/book?worker=${worker.id}&item=${item.id}`);
  await noOverflow(p.page);
  assert.deepEqual(await p.problems(), []);
  await p.context.close();
});

test('a price outside the association\'s guide is refused on the services page, with the guide', async () => {
  const cats = (await call(srv.url, '/api/public/categories')).json.items;
  const cat = cats.find((x) => x.price_guides.some((g) => g.unit === 'hour'));
  const guide = cat.price_guides.find((g) => g.unit === 'hour');
  const { context, page, problems } = await open();
  await signIn(page, 'company1');
  await page.locator('#nav a[href="#/services"]').click();
  await page.locator('.page-services table').waitFor();
  await page.locator('.service-new').click();
  const f = page.locator('#service-create form');
  await f.locator(`select[name=category_id] option[value="${cat.id}"]`).waitFor({ state: 'attached' });
  await f.locator('select[name=category_id]').selectOption(String(cat.id));
  await f.locator('select[name=unit]').selectOption('hour');
  assert.equal(await f.locator('.guide-hint').textContent(), `协会指导价：${yuan(guide.min_fen)}–${yuan(guide.max_fen)}/小时`);
  await f.locator('input[name=title]').fill('精品服务（按小时）');
  await f.locator('input[name=price_fen]').fill(String((guide.max_fen + 1000) / 100));
  await f.locator('button[type=submit]').click();
  const err = f.locator('[data-field=price_fen] .field-error');
  await err.waitFor({ state: 'visible' });
  assert.equal(await err.textContent(), `价格超出协会指导价（${yuan(guide.min_fen)}–${yuan(guide.max_fen)}），请调整。`);
  // inside the guide it is published, in yuan on screen and fen in the API
  await f.locator('input[name=price_fen]').fill(((guide.min_fen + 50) / 100).toFixed(2));
  await f.locator('button[type=submit]').click();
  const added = page.locator('.page-services tr.row-new');
  await added.waitFor();
  assert.match(await added.textContent(), new RegExp(`精品服务（按小时）.*\\${yuan(guide.min_fen + 50)}/小时`));
  const id = Number(await added.getAttribute('data-item'));
  const co = await login(srv.url, 'company1');
  const saved = (await api(co.token, `/api/service-items?category_id=${cat.id}&per_page=100`)).json.items.find((x) => x.id === id);
  assert.equal(saved.price_fen, guide.min_fen + 50);
  // withdrawn, it is no longer offered
  await added.locator('.item-deactivate').click();
  await page.locator(`.page-services tr[data-item="${id}"][data-active=false]`).waitFor();
  assert.deepEqual(await problems(/status of 422/), []);
  await context.close();
});

test('a worker who may not serve at the start cannot be assigned: the board says why', async () => {
  const { item, companyLogin, worker } = await cast('worker1');
  const customer = await login(srv.url, 'customer2');
  const start = iso(26 * 60);
  const b = await api(customer.token, '/api/bookings', { method: 'POST', json: {
    service_item_id: item.id, start, end: iso(28 * 60), address: '杭州市上城区望江路 9 号 301', contact_phone: '13805710009' } });
  assert.equal(b.status, 201, b.text);
  assert.equal(b.json.worker, null);
  const { context, page, problems } = await open({ locale: 'en-US' });
  await signIn(page, companyLogin);
  await page.goto(`${srv.url}/#/dispatch`);
  await page.locator('.page-dispatch .day-input').fill(start.slice(0, 10));
  const row = page.locator(`.dispatch-row[data-booking="${b.json.id}"]`);
  await row.waitFor();
  assert.equal(await row.locator('.dispatch-unassigned').textContent(), 'Unassigned');
  // the dispatcher's list: only workers who may serve the trade then and are free
  await row.locator('button.disclose', { hasText: 'Assign' }).click();
  const cands = row.locator('.assign-form .candidate');
  await cands.first().waitFor();
  const offered = await cands.evaluateAll((els) => els.map((e) => e.dataset.colour));
  assert.ok(offered.length > 0 && offered.every((c) => c === 'green' || c === 'yellow'), offered.join());
  const pick = await cands.evaluateAll((els) => els.map((e) => Number(e.dataset.worker)));
  const victim = pick.find((id) => id !== worker.id) || pick[0];
  const choose = (id) => row.locator(`.assign-form .candidate[data-worker="${id}"] input[type=radio]`).check();
  await choose(victim);
  // meanwhile the association suspends that worker beyond the booking's start
  const until = iso(3 * 24 * 60).slice(0, 10);
  const s = await api(admin.token, `/api/workers/${victim}/suspension`, { method: 'POST', json: { until, reason: '投诉调查期间暂停上岗' } });
  assert.equal(s.status, 200, s.text);
  await row.locator('.assign-form button[type=submit]').click();
  const refusal = row.locator('.assign-form .form-error');
  await refusal.waitFor({ state: 'visible' });
  assert.match(await refusal.textContent(), /^This worker may not serve then:/);
  assert.equal(await refusal.locator('.reason[data-code=worker_suspended]').count(), 1);
  assert.match(await refusal.locator('.reason[data-code=worker_suspended]').textContent(), new RegExp(until));
  assert.equal((await api(admin.token, `/api/bookings/${b.json.id}`)).json.worker, null, 'nobody was assigned');
  // someone who may serve is assigned
  const other = pick.find((id) => id !== victim);
  await choose(other);
  await row.locator('.assign-form button[type=submit]').click();
  await page.locator('.page-dispatch .messages .notice-success', { hasText: 'Assigned to' }).waitFor();
  await page.locator(`.dispatch-row[data-booking="${b.json.id}"] .dispatch-worker`).waitFor();
  assert.equal((await api(admin.token, `/api/bookings/${b.json.id}`)).json.worker.id, other);
  // and the customer's change of plan: cancelled from the board, with the reason
  const again = page.locator(`.dispatch-row[data-booking="${b.json.id}"]`);
  await again.locator('button.disclose', { hasText: 'Cancel the booking' }).click();
  await again.locator('.cancel-form button[type=submit]').click();
  assert.equal(await again.locator('.cancel-form [data-field=reason] .field-error').textContent(), 'Give a reason (at least 2 characters).');
  await again.locator('.cancel-form input[name=reason]').fill('客户来电改期');
  await again.locator('.cancel-form button[type=submit]').click();
  await page.locator(`.dispatch-row[data-booking="${b.json.id}"][data-status=cancelled]`).waitFor();
  const cancelled = (await api(admin.token, `/api/bookings/${b.json.id}`)).json;
  assert.equal(cancelled.cancelled.reason, '客户来电改期');
  assert.deepEqual(await problems(/status of 422/), []);
  await context.close();
  await api(admin.token, `/api/workers/${victim}/suspension`, { method: 'DELETE' });
});

test('the association keeps the catalog: a category, its process, an indicator and a price guide', async () => {
  const code = `ui_test_${Date.now() % 100000}`;
  const { context, page, problems } = await open();
  await signIn(page, 'admin');
  await page.locator('#nav a[href="#/catalog"]').click();
  await page.locator('.page-catalog table').waitFor();
  await page.locator('.category-new').click();
  const f = page.locator('#category-create form');
  await f.locator('input[name=code]').fill('Bad Code!');
  await f.locator('input[name=name_zh]').fill('窗户清洁');
  await f.locator('input[name=name_en]').fill('Window cleaning');
  await f.locator('select[name=trade]').selectOption('cleaning');
  await f.locator('button[type=submit]').click();
  assert.equal(await f.locator('[data-field=code] .field-error').textContent(), '代码须为 2–30 个小写字母、数字或下划线。');
  await f.locator('input[name=code]').fill('home_cleaning');
  await f.locator('button[type=submit]').click();
  await f.locator('[data-field=code] .field-error', { hasText: '该代码已被使用。' }).waitFor();
  await f.locator('input[name=code]').fill(code);
  await f.locator('button[type=submit]').click();
  const row = page.locator(`.page-catalog tr.row-new[data-code="${code}"]`);
  await row.waitFor();
  await row.locator('a.category-link').click();
  await page.locator('.page-category .item-form').waitFor();
  // an indicator, then an in-service item counting towards it, and a pre-service item
  const inf = page.locator('.indicator-form');
  await inf.locator('input[name=code]').fill('glass');
  await inf.locator('input[name=name_zh]').fill('玻璃洁净度');
  await inf.locator('input[name=name_en]').fill('Glass clarity');
  await inf.locator('button[type=submit]').click();
  await page.locator('.indicators li[data-code=glass]').waitFor();
  const itf = page.locator('.item-form');
  await itf.locator('select[name=phase]').selectOption('in');
  await itf.locator('select[name=indicator]').selectOption('glass');
  await itf.locator('input[name=text]').fill('玻璃无水痕');
  await itf.locator('input[name=text_en]').fill('No streaks on the glass');
  await itf.locator('button[type=submit]').click();
  await page.locator('.phase[data-phase=in] .phase-item', { hasText: '玻璃无水痕' }).waitFor();
  assert.match(await page.locator('.phase[data-phase=in] .phase-item').textContent(), /玻璃洁净度/);
  await page.locator('.item-form select[name=phase]').selectOption('pre');
  assert.equal(await page.locator('.item-form [data-field=indicator]').isHidden(), true, 'only in-service items count towards an indicator');
  await page.locator('.item-form input[name=text]').fill('确认窗户数量');
  await page.locator('.item-form button[type=submit]').click();
  await page.locator('.phase[data-phase=pre] .phase-item', { hasText: '确认窗户数量' }).waitFor();
  // a price guide in yuan; min above max is refused before it is sent
  const gf = page.locator('.guide-form');
  await gf.locator('select[name=unit]').selectOption('visit');
  await gf.locator('input[name=min_fen]').fill('300');
  await gf.locator('input[name=max_fen]').fill('100');
  await gf.locator('button[type=submit]').click();
  assert.equal(await gf.locator('[data-field=max_fen] .field-error').textContent(), '最低价不能高于最高价。');
  await gf.locator('input[name=min_fen]').fill('100');
  await gf.locator('input[name=max_fen]').fill('300.50');
  await gf.locator('button[type=submit]').click();
  await page.locator('.page-category tr[data-unit=visit]', { hasText: '¥100.00–¥300.50' }).waitFor();
  // removing an item
  await page.locator('.phase[data-phase=pre] .phase-item', { hasText: '确认窗户数量' }).locator('.item-remove').click();
  await page.locator('.page-category .messages .notice-success', { hasText: '已删除' }).waitFor();
  assert.equal(await page.locator('.phase[data-phase=pre] .phase-item').count(), 0);
  const saved = (await call(srv.url, '/api/public/categories')).json.items.find((x) => x.code === code);
  assert.deepEqual(saved.price_guides, [{ unit: 'visit', min_fen: 10000, max_fen: 30050 }]);
  assert.equal(saved.items.in[0].indicator, 'glass');
  assert.deepEqual(await problems(/status of 409/), []);
  await context.close();
});

test('a new customer opens an account from a booking, returns to it, and is told the worker is busy then; satisfaction in public', async () => {
  const { worker, item } = await cast('worker2');
  // the worker already has a booking then
  const taken = await api((await login(srv.url, 'customer3')).token, '/api/bookings', { method: 'POST', json: {
    service_item_id: item.id, worker_id: worker.id, start: iso(48 * 60), end: iso(50 * 60), address: '杭州市拱墅区湖墅南路 1 号', contact_phone: '13805710001' } });
  assert.equal(taken.status, 201, taken.text);
  const { context, page, problems } = await open({ viewport: { width: 360, height: 740 } });
  const login_ = `ui-cust-${Date.now() % 100000}`;
  await page.goto(`${srv.url}/#/book?worker=${worker.id}&item=${item.id}&from=${encodeURIComponent(iso(48 * 60 + 30))}&to=${encodeURIComponent(iso(49 * 60 + 30))}`);
  await page.locator('.login-form').waitFor();
  await page.locator('.login-signup a.signup-link').click();
  const f = page.locator('.signup-form');
  await f.waitFor();
  await f.locator('input[name=login]').fill('customer1');
  await f.locator('input[name=name]').fill('吴女士');
  await f.locator('input[name=password]').fill('a-long-password-2026');
  await f.locator('input[name=repeat]').fill('a-long-password-2026');
  await f.locator('button[type=submit]').click();
  await f.locator('[data-field=login] .field-error', { hasText: '该账号已被使用。' }).waitFor();
  await f.locator('input[name=login]').fill(login_);
  await f.locator('button[type=submit]').click();
  await page.locator('.book-form').waitFor();
  assert.match(await page.locator('.live .notice-success').textContent(), new RegExp(login_));
  assert.equal(await page.locator('.book-form input[name=start]').inputValue(), wall(48 * 60 + 30).date);
  assert.equal(await page.locator('.book-form input[name=time]').inputValue(), wall(48 * 60 + 30).time);
  await page.locator('.book-form textarea[name=address]').fill('杭州市西湖区文三路 20 号');
  await page.locator('.book-form input[name=contact_phone]').fill('13805710020');
  await page.locator('.book-form button[type=submit]').click();
  await page.locator('.book-form .form-error', { hasText: '该服务员在这个时段已有预约' }).waitFor();
  await noOverflow(page);
  assert.equal((await login(srv.url, login_, 'a-long-password-2026')).user.role, 'customer');
  await context.close();

  // the month's satisfaction, in public and in English, with the 95% target marked
  const s = (await call(srv.url, '/api/public/satisfaction')).json;
  const e = await open({ locale: 'en-US' });
  await e.page.goto(`${srv.url}/#/satisfaction`);
  await e.page.locator('.page-satisfaction .rate-overall').waitFor();
  assert.equal(await e.page.locator('.public-top a.sign-in').textContent(), 'Sign in');
  const i = s.industry;
  const share = (a, b) => { const x = Math.floor((2000 * a + b) / (2 * b)); return `${Math.floor(x / 10)}.${x % 10}% (${a}/${b})`; };
  assert.equal(await e.page.locator('.industry-value').textContent(), i.reviewed ? share(i.satisfied, i.reviewed) : 'No reviews');
  assert.equal(await e.page.locator('.page-satisfaction tbody tr').count(), s.companies.length);
  const below = s.companies.filter((x) => x.reviewed && !x.meets_target);
  assert.equal(await e.page.locator('.page-satisfaction tr.row-below').count(), below.length);
  for (const x of s.companies.filter((y) => y.reviewed)) {
    const r = e.page.locator(`.page-satisfaction tr[data-company="${x.company.id}"]`);
    assert.equal(await r.locator('.sat-rate .cell').textContent(), share(x.satisfied, x.reviewed));
    assert.equal(await r.locator('.sat-response .cell').textContent(), share(x.reviewed, x.completed));
  }
  assert.match(await e.page.locator('.rate-target').textContent(), /Target 95\.0%/);
  assert.deepEqual([...await problems(), ...await e.problems()].filter((x) => !/status of 409/.test(x)), []);
  // a shared search link opens the same search
  const l = await open();
  await l.page.goto(`${srv.url}/#/search?category=${item.category.code}&sort=price`);
  await l.page.locator('.result-card').first().waitFor();
  assert.equal(await l.page.locator('.search-form select[name=sort]').inputValue(), 'price');
  const prices = await l.page.locator('.result-card').evaluateAll((cs) => cs.map((c) => c.querySelector('.price').textContent));
  const fen = prices.map((x) => Math.round(Number(x.replace(/[^\d.]/g, '')) * 100));
  assert.deepEqual(fen, [...fen].sort((a, b) => a - b), 'cheapest first');
  assert.deepEqual(await l.problems(), []);
  await l.context.close();
  await e.context.close();
});
