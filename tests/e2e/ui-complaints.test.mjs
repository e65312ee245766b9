// Browser tests of customer rights: a customer complains about one of their bookings and follows
// it through the company's first feedback, its question (one without content refused beside the
// field), the answer, the resolution and their rating, and the public
// complaint figures then count it (in Chinese and English); the service centre takes a phone
// complaint for a contact without an account and it sits where the queue puts it; a customer's
// complaint about no booking waits for the centre's check, which rejects it from its queue with a
// reason the customer reads; another company
// gets "not found"; a spot check from the plan to the verified rectification, and the public plan
// page recomputing the draw.
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
});

after(async () => {
  if (browser) await browser.close();
  if (srv) await srv.stop();
});

const open = (opts) => openPage(browser, opts);
const signIn = (page, who) => signInAt(srv.url, page, who);
const api = (token, path, opts = {}) => call(srv.url, path, { token, ...opts });

// The company admin login of an organisation.
async function adminOf(orgId) {
  const r = await api(admin.token, `/api/users?org_id=${orgId}&role=company_admin`);
  assert.equal(r.status, 200, r.text);
  return r.json.items[0].login;
}

// The complaint page, once drawn from the API's answer with the wanted status.
async function complaintPage(page, id, status) {
  const url = `${srv.url}/#/complaints/${id}`;
  if (page.url() === url) await page.reload();
  else await page.goto(url);
  await page.locator(`.page-complaint[data-complaint="${id}"][data-state=loaded]${status ? `[data-status=${status}]` : ''}`).waitFor();
}

// Opens the disclosed form named by its button's text inside the actions panel.
async function disclose(page, text) {
  await page.locator('.complaint-actions button.disclose', { hasText: text }).click();
}

test('a complaint from a booking: the 48-hour clock, the first feedback, a question that pauses the resolution clock, the answer, the resolution, the rating, the public figures', async () => {
  const cust = await login(srv.url, 'customer1');
  const bookings = (await api(cust.token, '/api/bookings?sort=-start&per_page=20')).json.items;
  assert.ok(bookings.length, 'customer1 has bookings');
  const b = bookings[0];
  const companyLogin = await adminOf(b.company.id);

  // 1. the customer complains from the booking's page
  const c = await open({ viewport: { width: 390, height: 844 } });
  await signIn(c.page, 'customer1');
  await c.page.goto(`${srv.url}/#/bookings/${b.id}`);
  await c.page.locator('.page-booking .complain-btn').click();
  const f = c.page.locator('.complaint-form');
  await f.waitFor();
  assert.match(await f.locator('.panel').textContent(), new RegExp(b.company.name));
  assert.equal(await f.locator('select[name=category] option').count(), 9, 'eight categories and the prompt');
  // nothing chosen yet: said in words
  await f.locator('button[type=submit]').click();
  await f.locator('[data-field=category] .field-error').waitFor({ state: 'visible' });
  await f.locator('select[name=category]').selectOption('quality');
  await f.locator('textarea[name=description]').fill('厨房和卫生间没有打扫干净，地面仍有污渍。');
  await f.locator('textarea[name=evidence]').fill('照片 IMG_0001\n照片 IMG_0002, 录音 REC_01');
  await f.locator('button[type=submit]').click();
  await c.page.locator('.page-complaint[data-state=loaded][data-status=received]').waitFor();
  const id = Number(await c.page.locator('.page-complaint').getAttribute('data-complaint'));
  const mine = (await api(cust.token, `/api/complaints/${id}`)).json;
  assert.equal(mine.booking.id, b.id);
  assert.deepEqual(mine.evidence, ['照片 IMG_0001', '照片 IMG_0002', '录音 REC_01']);
  assert.match(mine.tracking_no, /^TS\d{8}-\d{6}$/);
  assert.equal(await c.page.locator('.tracking-no').textContent(), mine.tracking_no);
  assert.match(await c.page.locator('.live .notice-success').textContent(), new RegExp(mine.tracking_no));
  const clock = c.page.locator('.complaint-clock .clock');
  assert.equal(await clock.getAttribute('data-state'), 'running');
  assert.equal(await clock.getAttribute('data-clock'), 'feedback');
  assert.match(await clock.textContent(), /^首次反馈\s·\s剩余 (2 天 0 小时|1 天 23 小时)$/);
  // in the customer's own list, newest first
  await c.page.locator('#nav .menu-toggle, .menu-toggle').first().click();
  await c.page.locator('#nav a[href="#/complaints"]').click();
  const first = c.page.locator('.complaints-list tbody tr').first();
  await first.waitFor();
  assert.equal(await first.getAttribute('data-complaint'), String(id));
  assert.match(await first.locator('.clock').textContent(), /剩余/);
  const noOverflow = await c.page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
  assert.ok(noOverflow <= 0, `no sideways scrolling on a phone (${noOverflow}px)`);
  // the booking's page leads to it
  await c.page.goto(`${srv.url}/#/bookings/${b.id}`);
  await c.page.locator(`.booking-complaints li[data-complaint="${id}"] a`, { hasText: mine.tracking_no }).waitFor();

  // 2. the company finds it in its queue, names the responsible person and asks a question
  const k = await open();
  await signIn(k.page, companyLogin);
  await k.page.locator('#nav a[href="#/complaints"]').click();
  const row = k.page.locator(`.complaints-list tr[data-complaint="${id}"]`);
  await row.waitFor();
  assert.match(await row.locator('.clock').textContent(), /首次反馈/);
  await row.locator('a.complaint-link').click();
  await k.page.locator(`.page-complaint[data-complaint="${id}"][data-state=loaded]`).waitFor();
  await disclose(k.page, '指定责任人');
  await k.page.locator('.responsible-form input[name=person]').fill('王经理');
  await k.page.locator('.responsible-form select[name=duty]').selectOption('quality');
  await k.page.locator('.responsible-form button[type=submit]').click();
  await k.page.locator('.responsible-person', { hasText: '王经理 · 质量管理' }).waitFor();
  // the first feedback: a question would not be one
  await disclose(k.page, '反馈客户');
  await k.page.locator('.feedback-form textarea[name=text]').fill('已收到您的投诉，王经理正在核实服务记录。');
  await k.page.locator('.feedback-form button[type=submit]').click();
  await k.page.locator('.page-complaint[data-status=in_progress]').waitFor();
  assert.equal(await k.page.locator('.complaint-clock .clock').getAttribute('data-clock'), 'resolve');
  await disclose(k.page, '反馈客户');
  await k.page.locator('.feedback-form input[name=ask]').check();
  // a question that says nothing is refused, beside the field
  await k.page.locator('.feedback-form textarea[name=text]').fill('？');
  await k.page.locator('.feedback-form button[type=submit]').click();
  const tooLittle = k.page.locator('.feedback-form [data-field=text] .field-error:not([hidden]), .feedback-form .form-error:not([hidden])').first();
  await tooLittle.waitFor();
  assert.match(await tooLittle.textContent(), /内容太少/);
  await k.page.locator('.feedback-form textarea[name=text]').fill('请问是哪个房间没有打扫干净？方便的话请告知上门时间。');
  await k.page.locator('.feedback-form button[type=submit]').click();
  await k.page.locator('.page-complaint[data-status=waiting_customer]').waitFor();
  assert.match(await k.page.locator('.complaint-clock .clock-dues').textContent(), /最迟 \d{4}-\d{2}-\d{2} \d{2}:\d{2} 恢复计时/);
  assert.equal(await k.page.locator('.complaint-clock .clock').getAttribute('data-state'), 'paused');
  assert.match(await k.page.locator('.complaint-clock .clock').textContent(), /已暂停/);

  // 3. the customer's menu counts what is new; the notices page shows the question as new, and the count clears
  await c.page.goto(`${srv.url}/#/bookings`);
  const count = c.page.locator('#nav a[href="#/notifications"] .nav-count');
  await count.waitFor({ state: 'attached' });
  assert.ok(Number(await count.textContent()) >= 1);
  // on a phone the menu is folded: its button carries a dot
  const menu = c.page.locator('.menu-toggle');
  if (await menu.isVisible()) {
    assert.match(await menu.getAttribute('class'), /has-unread/);
    await menu.click();
  }
  await c.page.locator('#nav a[href="#/notifications"]').click();
  const asked = c.page.locator(`.notice-item.notice-new[data-topic=complaint_question][data-subject="${id}"]`);
  await asked.waitFor();
  assert.match(await asked.textContent(), /新/);
  await count.waitFor({ state: 'detached' });
  if (await menu.isVisible()) assert.doesNotMatch(await menu.getAttribute('class'), /has-unread/);
  await c.page.reload();
  await c.page.locator('.notice-item').first().waitFor();
  assert.equal(await c.page.locator('.notice-item.notice-new').count(), 0, 'seen once, no longer new');
  // the customer answers the question: the clock runs again
  await complaintPage(c.page, id, 'waiting_customer');
  assert.match(await c.page.locator('.question').textContent(), /哪个房间/);
  assert.equal(await c.page.locator('.complaint-clock .clock').getAttribute('data-state'), 'paused');
  assert.match(await c.page.locator('.responsible-person').textContent(), /王经理/);
  await c.page.locator('.answer-form textarea[name=text]').fill('厨房和卫生间，周六上午都可以。');
  await c.page.locator('.answer-form button[type=submit]').click();
  await c.page.locator('.page-complaint[data-status=in_progress]').waitFor();
  assert.equal(await c.page.locator('.complaint-clock .clock').getAttribute('data-state'), 'running');
  assert.equal(await c.page.locator('.complaint-clock .clock').getAttribute('data-clock'), 'resolve');
  assert.ok(await c.page.locator('.timeline-item[data-action=answer]').count() === 1);

  // 4. the company resolves it: upheld
  await complaintPage(k.page, id, 'in_progress');
  await disclose(k.page, '作出处理结果');
  await k.page.locator('.resolve-form input[value=upheld]').check();
  await k.page.locator('.resolve-form textarea[name=remedy]').fill('安排主管上门重新打扫，并退还本次服务费用。');
  await k.page.locator('.resolve-form button[type=submit]').click();
  await k.page.locator('.page-complaint[data-status=resolved]').waitFor();

  // 5. the customer accepts with four stars
  await complaintPage(c.page, id, 'resolved');
  assert.match(await c.page.locator('.finding').textContent(), /投诉成立/);
  assert.match(await c.page.locator('.remedy').textContent(), /重新打扫/);
  await c.page.locator('.accept-form button[type=submit]').click();
  await c.page.locator('.accept-form .form-error:not([hidden]), .accept-form .field-error:not([hidden])').first().waitFor();
  await c.page.locator('.accept-form .star').nth(3).click();
  await c.page.locator('.accept-form textarea[name=comment]').fill('处理及时');
  await c.page.locator('.accept-form button[type=submit]').click();
  await c.page.locator('.page-complaint[data-status=closed]').waitFor();
  assert.equal(await c.page.locator('[data-fact=rating] .review-score').getAttribute('aria-label'), '4 星');
  const closed = (await api(cust.token, `/api/complaints/${id}`)).json;
  assert.equal(closed.rating, 4);
  assert.equal(closed.finding, 'upheld');
  assert.deepEqual(await c.problems(/status of 400/), []);
  assert.deepEqual(await k.problems(/status of 422/), [], 'only the question refused on purpose');
  await c.context.close();
  await k.context.close();

  // 6. the public figures count it, as the API does, in Chinese and in English
  const figures = (await call(srv.url, '/api/public/complaint-figures')).json;
  const co = figures.items.find((x) => x.company.id === b.company.id);
  assert.ok(co.received >= 1 && co.upheld >= 1, JSON.stringify(co));
  const p = await open();
  await p.page.goto(`${srv.url}/#/complaint-figures`);
  const tr = p.page.locator(`.page-complaint-figures tr[data-company="${b.company.id}"]`);
  await tr.waitFor();
  assert.equal(await tr.getAttribute('data-received'), String(co.received));
  assert.equal(await tr.getAttribute('data-upheld'), String(co.upheld));
  // the rating beside how many were asked and how many rated; what the resolutions came to
  assert.ok(co.rated >= 1 && co.rating_asked >= co.rated, JSON.stringify(co));
  assert.equal(await tr.getAttribute('data-rated'), String(co.rated));
  assert.equal(await tr.getAttribute('data-asked'), String(co.rating_asked));
  assert.match(await tr.locator('.fig-rating').textContent(), new RegExp(`（${co.rated}/${co.rating_asked}）$`));
  assert.equal(await tr.locator('.fig-outcomes').textContent(), `${co.accepted} · ${co.reopened} · ${co.lapsed}`);
  assert.equal(await tr.locator('.fig-received').textContent(), String(co.received));
  assert.match(await tr.locator('.fig-findings').textContent(), new RegExp(`^${co.upheld} · ${co.partly_upheld}$`));
  assert.match(await p.page.locator('.figures-targets').textContent(), /48 小时/);
  assert.equal(await p.page.locator('.figure[data-figure=received] .figure-value').textContent(), String(figures.industry.received));
  assert.equal(await p.page.locator('.public-link[aria-current=page]').textContent(), '投诉处理公示');
  await p.page.locator('.lang-btn[lang=en]').click();
  await p.page.locator('.page-complaint-figures h1', { hasText: 'Complaint figures' }).waitFor();
  await tr.waitFor();
  assert.equal(await tr.locator('.fig-received').textContent(), String(co.received));
  assert.match(await p.page.locator('.figures-targets').textContent(), /within 48 hours/);
  assert.match(await p.page.locator('.page-complaint-figures thead').textContent(), /Received.*Answered within 48 h/);
  // the company's profile shows the same month
  await tr.locator('a').click();
  const month = p.page.locator(`.page-company tr[data-month="${figures.month}"]`);
  await month.waitFor();
  assert.equal(await month.getAttribute('data-received'), String(co.received));
  assert.equal(await month.getAttribute('data-upheld'), String(co.upheld));
  // and its record over twelve months counts the upheld complaint
  const profile = (await call(srv.url, `/api/public/companies/${b.company.id}`)).json;
  assert.ok(profile.conduct.complaints_upheld >= 1, JSON.stringify(profile.conduct));
  assert.match(await p.page.locator('.page-company [data-fact=conduct]').textContent(),
    new RegExp(`${profile.conduct.complaints_upheld} ${profile.conduct.complaints_upheld === 1 ? 'complaint' : 'complaints'} upheld`));
  assert.deepEqual(await p.problems(), []);
  await p.context.close();
});

test('the service centre takes a phone complaint for a contact without an account; it sits where the queue puts it', async () => {
  const cs = await login(srv.url, 'cs1');
  const companies = (await api(cs.token, '/api/orgs?kind=company&per_page=100')).json.items;
  const target = companies[1];
  const { context, page, problems } = await open();
  await signIn(page, 'cs1');
  await page.locator('#nav a[href="#/complaints"]').click();
  await page.locator('.page-complaints .complaint-new').click();
  const f = page.locator('.intake-form');
  await f.waitFor();
  await f.locator(`select[name=company_id] option[value="${target.id}"]`).waitFor({ state: 'attached' });
  await f.locator('select[name=channel]').selectOption('phone');
  await f.locator('select[name=company_id]').selectOption(String(target.id));
  await f.locator('select[name=category]').selectOption('attitude');
  await f.locator('textarea[name=description]').fill('来电反映：服务员上门时态度冷淡，提前离开。');
  // without a contact or an account the centre cannot call back: said before sending
  await f.locator('button[type=submit]').click();
  await f.locator('[data-field=contact_name] .field-error').waitFor({ state: 'visible' });
  await f.locator('input[name=contact_name]').fill('王女士');
  await f.locator('input[name=contact_phone]').fill('1390000');
  await f.locator('button[type=submit]').click();
  await f.locator('[data-field=contact_phone] .field-error').waitFor({ state: 'visible' });
  await f.locator('input[name=contact_phone]').fill('13900001111');
  await f.locator('button[type=submit]').click();
  await page.locator('.page-complaint[data-state=loaded][data-status=received]').waitFor();
  const id = Number(await page.locator('.page-complaint').getAttribute('data-complaint'));
  assert.equal(await page.locator('[data-fact=channel]').textContent(), '电话');
  assert.equal(await page.locator('[data-fact=who]').textContent(), '王女士');
  assert.equal(await page.locator('[data-fact=contact_phone]').textContent(), '13900001111');
  const made = (await api(cs.token, `/api/complaints/${id}`)).json;
  assert.equal(made.customer, null);
  assert.equal(made.company.id, target.id);
  assert.equal(made.channel, 'phone');

  // the queue as the API orders it: our complaint at the same place
  await page.locator('#nav a[href="#/complaints"]').click();
  await page.locator('.complaints-list tbody tr').first().waitFor();
  const queue = (await api(cs.token, '/api/complaints?status=open&per_page=20')).json.items.map((x) => String(x.id));
  const shown = await page.locator('.complaints-list tbody tr').evaluateAll((rows) => rows.map((r) => r.dataset.complaint));
  assert.deepEqual(shown, queue);
  assert.ok(shown.includes(String(id)), 'the new complaint is in the open queue');
  const row = page.locator(`.complaints-list tr[data-complaint="${id}"]`);
  assert.match(await row.textContent(), /王女士/);
  assert.match(await row.locator('.clock').textContent(), /剩余/);
  assert.deepEqual(await problems(/status of 400/), []);
  await context.close();
});

test('a complaint about no booking waits for the service centre: the customer leaves a number and sees it waiting, the centre rejects it from its queue, the customer reads why', async () => {
  const cs = await login(srv.url, 'cs1');
  const target = (await call(srv.url, '/api/public/complaint-figures')).json.items[3].company;
  const reason = '回电核实：您说不出服务的日期，企业和平台都没有这次上门的记录，暂不受理；如有新的情况请再致电。';
  const c = await open();
  await signIn(c.page, 'customer2');
  await c.page.goto(`${srv.url}/#/complaints/new`);
  const f = c.page.locator('.complaint-form');
  await f.waitFor();
  await f.locator(`select[name=company_id] option[value="${target.id}"]`).waitFor({ state: 'attached' });
  await f.locator('select[name=company_id]').selectOption(String(target.id));
  await f.locator('select[name=category]').selectOption('attitude');
  await f.locator('textarea[name=description]').fill('服务人员在小区里对我母亲出言不逊。');
  // a number for the centre to call is asked for before anything is sent
  await f.locator('button[type=submit]').click();
  await f.locator('[data-field=contact_phone] .field-error').waitFor({ state: 'visible' });
  await f.locator('input[name=contact_phone]').fill('139 0571 2233');
  await f.locator('button[type=submit]').click();
  await c.page.locator('.page-complaint[data-state=loaded][data-verification=pending]').waitFor();
  const id = Number(await c.page.locator('.page-complaint').getAttribute('data-complaint'));
  assert.match(await c.page.locator('.verification .notice-info').textContent(), /客服中心/);
  assert.equal(await c.page.locator('.complaint-clock .clock').getAttribute('data-clock'), 'verify');
  assert.equal(await c.page.locator('.claim-new, .claims-file').count(), 0, 'no claim before the check');
  // the customer's list says it waits
  await c.page.goto(`${srv.url}/#/complaints`);
  await c.page.locator(`.complaints-list tr[data-complaint="${id}"][data-verification=pending] .verification-pending`).waitFor();

  // the centre's queue of what waits for it, as the API lists it
  const a = await open();
  await signIn(a.page, 'cs1');
  await a.page.goto(`${srv.url}/#/complaints?view=verify`);
  await a.page.locator(`.complaints-list tr[data-complaint="${id}"][data-verification=pending]`).waitFor();
  const want = (await api(cs.token, '/api/complaints?verification=pending&per_page=20')).json.items.map((x) => String(x.id));
  const shown = await a.page.locator('.complaints-list tbody tr').evaluateAll((rows) => rows.map((r) => r.dataset.complaint));
  assert.deepEqual(shown, want);
  await a.page.locator(`.complaints-list tr[data-complaint="${id}"] a.complaint-link`).click();
  await a.page.locator(`.page-complaint[data-complaint="${id}"][data-state=loaded][data-verification=pending]`).waitFor();
  // nothing but the check: no escalation against a company that has not seen it
  assert.equal(await a.page.locator('.complaint-actions .escalate-form, .complaint-actions button.disclose.btn-danger').count(), 0);
  await a.page.locator('.verify-actions button.disclose', { hasText: '不予受理' }).click();
  await a.page.locator('.reject-form textarea[name=reason]').fill(reason);
  await a.page.locator('.reject-form button[type=submit]').click();
  await a.page.locator('.page-complaint[data-verification=rejected][data-status=closed]').waitFor();
  assert.deepEqual(await a.problems(), []);
  await a.context.close();

  // the customer reads why
  await complaintPage(c.page, id, 'closed');
  await c.page.locator('.page-complaint[data-verification=rejected] .reject-reason').waitFor();
  assert.equal((await c.page.locator('.reject-reason').textContent()).trim(), reason);
  assert.equal(await c.page.locator('.complaint-clock').count(), 0);
  assert.deepEqual(await c.problems(/status of 400/), []);
  await c.context.close();
  // and the company never had it
  const co = await login(srv.url, await adminOf(target.id));
  assert.equal((await api(co.token, `/api/complaints/${id}`)).status, 404);
});

test('a compensation the company did not pay in time heads the queue; the association pays it in advance, then recovers it', async () => {
  const queue = (await api(admin.token, '/api/complaints?per_page=100')).json.items;
  const late = queue.find((c) => c.claims_overdue);
  assert.ok(late, 'the demo has a claim past its payment deadline');
  assert.ok(queue.indexOf(late) < queue.findIndex((c) => !c.claims_overdue && !c.feedback_breached && !c.resolve_breached),
    'it comes before what is in time');
  const a = await open();
  await signIn(a.page, 'admin');
  await complaintPage(a.page, late.id);
  const card = a.page.locator('.claim-card[data-status=approved]');
  await card.locator('button.disclose', { hasText: '协会先行赔付' }).click();
  await card.locator('.claim-advance-form button[type=submit]').click();
  await a.page.locator('.claim-card[data-status=approved][data-payer=advance]').waitFor();
  assert.match(await a.page.locator('.page-complaint .messages').textContent(), /先行赔付/);
  const paid = a.page.locator('.claim-card[data-payer=advance]');
  await paid.locator('button.disclose', { hasText: '记录支付' }).click();
  await paid.locator('.claim-pay-form input[name=reference]').fill('ASSOC-ADV-2026-01');
  await paid.locator('.claim-pay-form button[type=submit]').click();
  await a.page.locator('.claim-card[data-status=paid][data-payer=advance]').waitFor();
  await a.page.locator('.claim-card[data-status=paid] button.disclose', { hasText: '记录追偿' }).click();
  await a.page.locator('.claim-recover-form input[name=reference]').fill('REC-ADV-2026-01');
  await a.page.locator('.claim-recover-form button[type=submit]').click();
  await a.page.locator('.claim-card[data-status=recovered]').waitFor();
  await a.page.locator('.timeline-item[data-action=claim_advance]').waitFor();
  assert.deepEqual(await a.problems(), []);
  await a.context.close();
  assert.equal((await api(admin.token, `/api/complaints/${late.id}`)).json.claims_overdue, false, 'settled, it no longer heads the queue');
});

test('what is typed into a complaint survives a change of language', async () => {
  const b = (await api((await login(srv.url, 'customer1')).token, '/api/bookings?per_page=1&sort=-start')).json.items[0];
  const c = await open({ viewport: { width: 390, height: 844 } });
  await signIn(c.page, 'customer1');
  await c.page.goto(`${srv.url}/#/complaints/new?booking_id=${b.id}`);
  const f = c.page.locator('.complaint-form');
  await f.waitFor();
  await f.locator('select[name=category]').selectOption('punctuality');
  await f.locator('textarea[name=description]').fill('约好九点，十点半才到。');
  await c.page.locator('.lang-btn[lang=en]').click();
  await c.page.locator('html[lang=en]').waitFor({ state: 'attached' });
  await c.page.waitForFunction(() => document.querySelector('.complaint-form textarea[name=description]')?.value === '约好九点，十点半才到。');
  assert.equal(await c.page.locator('.complaint-form select[name=category]').inputValue(), 'punctuality');
  assert.match(await c.page.locator('.complaint-form button[type=submit]').textContent(), /[A-Za-z]/, 'the form is drawn in English');
  assert.deepEqual(await c.problems(), []);
  await c.context.close();
});

test('another company opening a complaint page gets "not found", as the API answers', async () => {
  const cs = await login(srv.url, 'cs1');
  const k1 = await login(srv.url, 'company1');
  const k2 = await login(srv.url, 'company2');
  const filed = await api(cs.token, '/api/complaints', { method: 'POST', json: {
    channel: 'phone', contact_name: '李先生', contact_phone: '13957100321', company_id: k1.user.org_id, category: 'price', description: '多收了一小时的费用。',
  } });
  assert.equal(filed.status, 201, filed.text);
  const id = filed.json.id;
  // about no booking: the company sees it once the service centre has verified it
  assert.equal((await api(k1.token, `/api/complaints/${id}`)).status, 404);
  const v = await api(cs.token, `/api/complaints/${id}/verify`, { method: 'POST', json: { note: '已回电来电人核实，情况属实。' } });
  assert.equal(v.status, 200, v.text);
  assert.equal((await api(k1.token, `/api/complaints/${id}`)).status, 200);
  assert.equal((await api(k2.token, `/api/complaints/${id}`)).status, 404);

  const { context, page, problems } = await open();
  await signIn(page, 'company2');
  await page.goto(`${srv.url}/#/complaints/${id}`);
  await page.locator('.page-complaint[data-state=not-found]').waitFor();
  assert.match(await page.locator('.page-complaint .notice-error').textContent(), /找不到这件投诉/);
  assert.equal(await page.locator('.complaint-actions').count(), 0);
  // nor is it in company2's queue
  await page.locator('#nav a[href="#/complaints"]').click();
  await page.locator('.complaints-list table, .complaints-list .state-empty').first().waitFor();
  assert.equal(await page.locator(`.complaints-list tr[data-complaint="${id}"]`).count(), 0);
  assert.deepEqual(await problems(/status of 404/), []);
  await context.close();
});

test('spot checks: the job makes and draws the plans, the inspector scores only their samples, a failure is rectified and verified, the public page checks the seed and recomputes the draw', async () => {
  // the job's plans: this month's committed (no seed yet), the latest drawn one with its samples
  const plans = (await call(srv.url, '/api/public/sampling-plans?per_page=100')).json.items;
  const latest = plans.find((p) => p.status === 'drawn');
  assert.ok(latest, 'a drawn plan');
  const committed = plans.find((p) => p.status === 'committed');
  assert.ok(committed && committed.seed === null && /^[0-9a-f]{64}$/.test(committed.commitment), 'a committed plan, its seed not out');
  const planId = latest.id;

  // 1. the association's page lists the job's plans, with nothing to draw by hand
  const a = await open();
  await signIn(a.page, 'admin');
  await a.page.locator('#nav a[href="#/sampling"]').click();
  // wait for the rows read below, as the list draws them
  await a.page.locator(`.plans-list tr[data-plan="${planId}"][data-status=drawn]`).waitFor();
  await a.page.locator(`.plans-list tr[data-plan="${committed.id}"][data-status=committed]`).waitFor();
  assert.equal(await a.page.locator('.plan-form').count(), 0, 'no form to make a plan');
  assert.equal(await a.page.locator(`.plans-list tr[data-plan="${committed.id}"] .plan-draw`).count(), 0, 'a committed plan has no draw to show');
  await a.page.locator(`.plans-list tr[data-plan="${planId}"] .plan-draw`).click();
  await a.page.locator('.plan-detail .plan-public').waitFor();
  const plan = (await call(srv.url, `/api/public/sampling-plans/${planId}`)).json;
  assert.equal(plan.month, latest.month);
  assert.ok(plan.drawn > 0, 'something was drawn');
  await a.page.locator('.plan-detail tbody tr').nth(plan.companies.length - 1).waitFor();
  assert.equal(await a.page.locator('.plan-detail tbody tr').count(), plan.companies.length);
  const all = (await api(admin.token, `/api/inspections?plan_id=${planId}&per_page=100`)).json.items;
  assert.equal(all.length, plan.drawn);

  // 2. the inspector sees only their own samples, and scores one below the pass mark
  const insp = await login(srv.url, 'inspector1');
  const theirs = all.filter((x) => x.inspector && x.inspector.id === insp.user.id);
  assert.ok(theirs.length >= 1, 'inspector1 has samples of the plan');
  const sample = theirs.find((x) => x.status === 'assigned' && !x.contact_opened_at);
  assert.ok(sample, 'inspector1 has a sample whose household nobody has called yet');
  const i = await open({ viewport: { width: 390, height: 844 } });
  await signIn(i.page, 'inspector1');
  await i.page.goto(`${srv.url}/#/inspections?plan_id=${planId}`);
  await i.page.locator('.inspections-list tbody tr').nth(theirs.length - 1).waitFor();
  const shown = await i.page.locator('.inspections-list tbody tr').evaluateAll((rows) => rows.map((r) => Number(r.dataset.inspection)));
  assert.deepEqual(shown.slice().sort((x, y) => x - y), theirs.map((x) => x.id).sort((x, y) => x - y));
  await i.page.locator(`.inspections-list tr[data-inspection="${sample.id}"] a.inspection-link`).click();
  await i.page.locator(`.page-inspection[data-state=loaded][data-status=assigned]`).waitFor();
  // the household's telephone and address open on request for the return visit, and the opening is on the timeline
  await i.page.locator('[data-fact=contact] .contact-open').click();
  await i.page.locator('[data-fact=contact] .contact-opened a.phone').waitFor();
  assert.match(await i.page.locator('[data-fact=contact] a.phone').getAttribute('href'), /^tel:1[3-9]\d{9}$/);
  assert.match(await i.page.locator('[data-fact=contact] .address').textContent(), /杭州市/);
  await i.page.locator('.page-inspection .timeline', { hasText: '查看客户联系方式' }).waitFor();
  const rf = i.page.locator('.result-form');
  const rows = rf.locator('.score-row');
  const n = await rows.count();
  assert.ok(n >= 1, 'the category has indicators to score');
  for (let k = 0; k < n; k += 1) await rows.nth(k).locator('input[type=number]').fill(String(40 + k));
  await rf.locator('input[name=visit_kind][value=phone]').check();
  await rf.locator('textarea[name=findings]').fill('客户反映服务未按清单完成，卫生间未清洁。');
  // below the pass mark: the preview says so, and the order goes out only once confirmed
  assert.equal(await rf.locator('.result-preview').getAttribute('data-verdict'), 'fail');
  await rf.locator('button.result-submit').click();
  await rf.locator('.result-confirm .confirm-submit').click();
  await i.page.locator('.page-inspection[data-status=rectifying]').waitFor();
  assert.match(await i.page.locator('.inspection-score').textContent(), /不合格/);
  assert.match(await i.page.locator('.rectify-due').textContent(), /\d{4}-\d{2}-\d{2} \d{2}:\d{2}/);
  // another inspector's sample is not theirs
  const other = all.find((x) => !x.inspector || x.inspector.id !== insp.user.id);
  if (other) assert.equal((await api(insp.token, `/api/inspections/${other.id}`)).status, 404);

  // 3. the association gives another waiting sample, whose household nobody has called, to another
  // inspector once, with a reason
  const waiting = all.find((x) => x.id !== sample.id && x.status === 'assigned' && !x.contact_opened_at && !x.reassigned);
  if (waiting) {
    const users = (await api(admin.token, `/api/users?role=inspector&org_id=${waiting.inspection_body.id}&per_page=100`)).json.items;
    const to = users.find((u) => u.id !== (waiting.inspector && waiting.inspector.id) && u.status !== 'disabled');
    if (to) {
      await a.page.goto(`${srv.url}/#/inspections?plan_id=${planId}`);
      const row = a.page.locator(`.inspections-list tr[data-inspection="${waiting.id}"]`);
      const sel = row.locator('select.reassign-select');
      await sel.locator(`option[value="${to.id}"]`).waitFor({ state: 'attached' });
      await sel.selectOption(String(to.id));
      // no reason, no move
      await row.locator('.reassign-submit').click();
      await row.locator('.reassign-said .badge-danger').waitFor();
      await row.locator('input.reassign-reason').fill('原评估员与该企业有业务往来，回避。');
      await row.locator('.reassign-submit').click();
      await a.page.locator('.page-inspections .notice-success').waitFor();
      // once moved, it is no longer offered
      await row.locator('.reassign .badge-ok').waitFor();
      assert.equal(await row.locator('select.reassign-select').count(), 0);
      const moved = (await api(admin.token, `/api/inspections/${waiting.id}`)).json;
      assert.equal(moved.inspector.id, to.id);
      assert.equal(moved.timeline[moved.timeline.length - 1].note, '原评估员与该企业有业务往来，回避。');
      assert.ok((await call(srv.url, `/api/public/sampling-plans/${planId}`)).json.reassigned >= 1);
    }
  }

  // 4. the company answers the rectification order
  const companyLogin = await adminOf(sample.company.id);
  const k = await open();
  await signIn(k.page, companyLogin);
  await k.page.locator('#nav a[href="#/inspections"]').click();
  const row = k.page.locator(`.inspections-list tr[data-inspection="${sample.id}"]`);
  await row.waitFor();
  assert.equal(await row.getAttribute('data-status'), 'rectifying');
  assert.equal(await k.page.locator('.inspections-list tbody tr').first().getAttribute('data-status'), 'rectifying', 'orders to answer come first');
  await row.locator('a.inspection-link').click();
  await k.page.locator('.page-inspection[data-status=rectifying] .rectification-form').waitFor();
  await k.page.locator('.rectification-form textarea[name=text]').fill('已对服务员进行清单培训，并安排主管上门复查。');
  await k.page.locator('.rectification-form button[type=submit]').click();
  await k.page.locator('.page-inspection[data-status=answered]').waitFor();

  // 5. the inspector verifies it
  await i.page.reload();
  await i.page.locator('.page-inspection[data-status=answered] .verify-form').waitFor();
  assert.match(await i.page.locator('.rectification-answer').textContent(), /清单培训/);
  await i.page.locator('.verify-form input[name=accepted][value=yes]').check();
  await i.page.locator('.verify-form button[type=submit]').click();
  await i.page.locator('.page-inspection[data-status=verified]').waitFor();
  assert.equal((await api(insp.token, `/api/inspections/${sample.id}`)).json.status, 'verified');

  // 6. anyone can check the seed against the commitment and recompute the draw: every company "matches"
  const p = await open();
  await p.page.goto(`${srv.url}/#/sampling-plans/${planId}`);
  await p.page.locator('.page-plan tbody tr').nth(plan.companies.length - 1).waitFor();
  await p.page.waitForFunction(() => ![...document.querySelectorAll('.recompute, .commitment-check')].some((e) => e.dataset.state === 'pending'));
  const states = await p.page.locator('.recompute').evaluateAll((els) => els.map((e) => e.dataset.state));
  assert.equal(states.length, plan.companies.length);
  assert.ok(states.every((s) => s === 'matches'), states.join(','));
  assert.equal(await p.page.locator('.commitment-check').getAttribute('data-state'), 'matches');
  assert.match(await p.page.locator('.page-plan .seed').textContent(), new RegExp(plan.seed));
  assert.match(await p.page.locator('.page-plan .commitment').textContent(), new RegExp(plan.commitment));
  // a committed plan shows its commitment, and the seed only as to come
  await p.page.goto(`${srv.url}/#/sampling-plans/${committed.id}`);
  await p.page.locator(`.page-plan[data-plan="${committed.id}"] .commitment`, { hasText: committed.commitment }).waitFor();
  assert.equal(await p.page.locator('.page-plan .seed').count(), 0);
  assert.deepEqual(await a.problems(), []);
  assert.deepEqual(await i.problems(), []);
  assert.deepEqual(await k.problems(), []);
  assert.deepEqual(await p.problems(), []);
  for (const x of [a, i, k, p]) await x.context.close();
});
