// Browser tests of the 24-hour service centre's day and the public tracking page: a caller without
// an account phones cs1, who looks them up by the number (nobody has it), must take a call-back
// number, finds the worker by name in the company's registry, files the complaint and reads the
// tracking number out with what to do next; about no booking, the complaint waits for the centre's
// check — the company sees nothing of it — until cs1 verifies it on its page (a note without content
// refused beside the field), when the company's clocks start; the caller, in a browser signed in as nobody, opens the
// tracking page from the site's menu, reads the status and the feedback clock counting down, and a
// wrong last four is refused; the clock turns overdue on the page when its time passes. The queue is
// searched by tracking number, phone and company, and a customer found by name is taken straight
// into the intake about one of their bookings. The inspector sees the mean and the verdict before
// sending a result, by the pass mark the server gives (a changed standard included), and must
// confirm one that orders a rectification; the server's verdict is the preview's.
// One demo server and one Chromium for the whole file; every test gets its own browser context.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { launch, openPage, signInAt } from './lib/browser.mjs';
import { startServer, login } from './lib/server.mjs';
import { call } from './lib/http.mjs';

let srv;
let browser;
let admin;
let cs;

before(async () => {
  srv = await startServer();
  browser = await launch();
  admin = await login(srv.url, 'admin');
  cs = await login(srv.url, 'cs1');
});

after(async () => {
  if (browser) await browser.close();
  if (srv) await srv.stop();
});

const open = (opts) => openPage(browser, opts);
const signIn = (page, who) => signInAt(srv.url, page, who);
const api = (token, path, opts = {}) => call(srv.url, path, { token, ...opts });

// A company of the demo and one of its current workers, by the service centre's eyes.
async function companyWithWorker() {
  const companies = (await api(cs.token, '/api/orgs?kind=company&per_page=100')).json.items;
  for (const co of companies.slice(1)) {
    const ws = (await api(cs.token, `/api/workers?company_id=${co.id}&per_page=20`)).json.items;
    if (ws.length) return { co, worker: ws[ws.length - 1] };
  }
  throw new Error('no company with workers');
}

test('a caller without an account phones the centre: a call-back number, the worker by name, the tracking number; the caller follows it on the public page', async () => {
  const { co, worker } = await companyWithWorker();
  const phone = '13957100888';
  const { context, page, problems } = await open();
  await signIn(page, 'cs1');
  await page.locator('#nav a[href="#/complaints"]').click();
  await page.locator('.page-complaints .complaint-new').click();
  const f = page.locator('.intake-form');
  await f.waitFor();

  // 1. the caller gives their number: nobody has it — no account, no complaint yet
  await f.locator('input[name=caller_q]').fill('139 5710 0888');
  await f.locator('input[name=caller_q]').press('Enter');
  await f.locator('.caller-search[data-state=done][data-kind=phone] .caller-none').waitFor();

  // 2. without a name and a number to call back on, nothing is sent
  await f.locator(`select[name=company_id] option[value="${co.id}"]`).waitFor({ state: 'attached' });
  await f.locator('select[name=channel]').selectOption('phone');
  await f.locator('select[name=company_id]').selectOption(String(co.id));
  await f.locator('select[name=category]').selectOption('attitude');
  await f.locator('textarea[name=description]').fill('来电反映：服务员上门时态度冷淡，未做完就离开。');
  await f.locator('button.btn-big[type=submit]').click();
  await f.locator('[data-field=contact_name] .field-error').waitFor({ state: 'visible' });
  await f.locator('input[name=contact_name]').fill('吴女士');
  await f.locator('button.btn-big[type=submit]').click();
  const phoneError = f.locator('[data-field=contact_phone] .field-error');
  await phoneError.waitFor({ state: 'visible' });
  assert.match(await phoneError.textContent(), /回电的手机号码/);
  // the number as the caller says it
  await f.locator('input[name=contact_phone]').fill('139 5710 0888');

  // 3. the worker, found by name in that company's registry — not typed as a number
  assert.equal(await f.locator('input[name=worker_id]').count(), 0, 'no worker number to type');
  await f.locator('input[name=worker_q]').fill(worker.name);
  const option = f.locator(`.worker-option[data-worker="${worker.id}"]`);
  await option.waitFor();
  assert.match(await option.textContent(), new RegExp(worker.name));
  await option.click();
  await f.locator(`.worker-chosen-name[data-worker="${worker.id}"]`).waitFor();
  assert.equal(await f.locator('input[name=worker_q]').isVisible(), false);

  // 4. filed: the tracking number, large, and what to tell the caller
  await f.locator('button.btn-big[type=submit]').click();
  await page.locator('.page-complaint[data-state=loaded][data-status=received]').waitFor();
  const box = page.locator('.filed-box');
  await box.waitFor();
  const tracking = (await box.locator('.tracking-big').textContent()).trim();
  assert.match(tracking, /^TS\d{8}-\d{6}$/);
  assert.match(await box.textContent(), /0888/);
  assert.match(await box.locator('.filed-track').textContent(), /投诉进度查询/);
  assert.match(await box.locator('a.track-link').getAttribute('href'), new RegExp(`#/track\\?no=${tracking}$`));
  const id = Number(await page.locator('.page-complaint').getAttribute('data-complaint'));
  const made = (await api(cs.token, `/api/complaints/${id}`)).json;
  assert.equal(made.tracking_no, tracking);
  assert.equal(made.customer, null);
  assert.equal(made.contact_name, '吴女士');
  assert.equal(made.contact_phone, phone);
  assert.equal(made.company.id, co.id);
  assert.equal(made.worker.id, worker.id);
  assert.equal(made.channel, 'phone');

  // 5. about no booking: the centre's check comes first; the company sees nothing of it yet
  await page.locator('.page-complaint[data-verification=pending]').waitFor();
  await page.locator('.complaint-clock .clock[data-clock=verify]').waitFor();
  assert.match(await page.locator('.verification .notice-info').textContent(), /核实/);
  const coLogin = (await api(admin.token, `/api/users?org_id=${co.id}&role=company_admin`)).json.items[0].login;
  const company = await login(srv.url, coLogin);
  assert.equal((await api(company.token, `/api/complaints/${id}`)).status, 404);
  // cs1 rings the caller back and verifies it: a note that says nothing is refused beside the field
  await page.locator('.verify-actions button.disclose', { hasText: '核实通过' }).click();
  const vf = page.locator('.verify-form');
  await vf.locator('textarea[name=note]').fill('属实');
  await vf.locator('button[type=submit]').click();
  await vf.locator('[data-field=note] .field-error').waitFor({ state: 'visible' });
  await vf.locator('textarea[name=note]').fill('已回电吴女士，服务日期、上门的服务员与企业派单记录一致。');
  await vf.locator('button[type=submit]').click();
  await page.locator('.page-complaint[data-verification=verified] .verified-line').waitFor();
  assert.match(await page.locator('.verified-line').textContent(), /核实通过/);
  assert.match(await page.locator('.verify-note').textContent(), /派单记录一致/);
  await page.locator('.complaint-clock .clock[data-clock=feedback]').waitFor();
  await page.locator('.timeline-item[data-action=verify]').waitFor();
  // now the company's, with its 48 hours from the verification
  const seen = await api(company.token, `/api/complaints/${id}`);
  assert.equal(seen.status, 200, seen.text);
  assert.equal(seen.json.verification.status, 'verified');
  assert.ok(seen.json.clock.name === 'feedback' && seen.json.clock.seconds_left > 47 * 3600, JSON.stringify(seen.json.clock));
  // the page's clock counts down without a reload
  const own = page.locator('.complaint-clock .clock');
  const left0 = Number(await own.getAttribute('data-left'));
  await page.waitForFunction((l) => Number(document.querySelector('.complaint-clock .clock').dataset.left) < l, left0);
  assert.deepEqual(await problems(/status of 422/), []);
  await context.close();

  // 6. the caller, in a browser signed in as nobody: the tracking page from the site's menu
  const p = await open({ viewport: { width: 390, height: 844 } });
  await p.page.goto(`${srv.url}/#/`);
  await p.page.locator('.public-link[data-page=track]').click();
  await p.page.locator('.page-track .track-form').waitFor();
  assert.equal(await p.page.locator('.public-link[aria-current=page]').getAttribute('data-page'), 'track');
  await p.page.locator('input[name=tracking_no]').fill(tracking);
  // a wrong last four first: refused, as an unknown number is
  await p.page.locator('input[name=phone_last4]').fill('8880');
  await p.page.locator('.track-form button[type=submit]').click();
  await p.page.locator('.page-track[data-state=not-found] .track-out .notice-error').waitFor();
  assert.match(await p.page.locator('.track-out').textContent(), /没有找到/);
  assert.equal(await p.page.locator('.track-result').count(), 0);
  await p.page.locator('input[name=phone_last4]').fill('0888');
  await p.page.locator('.track-form button[type=submit]').click();
  const res = p.page.locator(`.track-result[data-tracking="${tracking}"][data-status=received]`);
  await res.waitFor();
  assert.equal(await res.locator('.complaint-status').textContent(), '已受理');
  const fb = res.locator('.track-clock[data-clock=feedback]');
  assert.equal(await fb.getAttribute('data-state'), 'running');
  assert.match(await fb.locator('.clock').textContent(), /^剩余 (2 天 0 小时|1 天 23 小时)$/);
  assert.match(await res.locator('.track-clock[data-clock=resolve]').textContent(), /截止 \d{4}-\d{2}-\d{2} \d{2}:\d{2}/);
  assert.match(await res.locator('.track-description').textContent(), /态度冷淡/);
  assert.equal(await res.locator('.track-steps .timeline-item[data-action=file]').count(), 1);
  // nobody's name, no number
  const shown = await res.textContent();
  for (const never of ['吴女士', worker.name, phone, 'cs1']) assert.ok(!shown.includes(never), `the public page shows ${never}`);
  // it ticks
  const left = Number(await fb.locator('.clock').getAttribute('data-left'));
  await p.page.waitForFunction((l) => Number(document.querySelector('.track-clock[data-clock=feedback] .clock').dataset.left) < l, left);
  const noOverflow = await p.page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
  assert.ok(noOverflow <= 0, `no sideways scrolling on a phone (${noOverflow}px)`);
  assert.deepEqual(await p.problems(/status of 404/), []);
  await p.context.close();

  // 7. two days on, in the caller's browser, the feedback clock turns overdue on the page as it stands
  const q = await open();
  await q.page.clock.install();
  await q.page.goto(`${srv.url}/#/track?no=${tracking}`);
  await q.page.locator('input[name=phone_last4]').fill('0888');
  await q.page.locator('.track-form button[type=submit]').click();
  const clock = q.page.locator('.track-clock[data-clock=feedback] .clock');
  await clock.waitFor();
  assert.equal(await clock.getAttribute('data-state'), 'running');
  await q.page.clock.fastForward('49:00:00');
  await q.page.locator('.track-clock[data-clock=feedback] .clock[data-state=breached]').waitFor();
  assert.match(await clock.textContent(), /^⚠ 已超时 /);
  assert.deepEqual(await q.problems(), []);
  await q.context.close();
});

test('the queue is searched by tracking number, phone and company; a customer found by name is taken into the intake about their booking', async () => {
  const target = (await api(cs.token, '/api/orgs?kind=company&per_page=100')).json.items[2];
  const filed = await api(cs.token, '/api/complaints', { method: 'POST', json: {
    channel: 'phone', contact_name: '冯先生', contact_phone: '13857100777', company_id: target.id, category: 'price',
    description: '多收了一小时的费用。' } });
  assert.equal(filed.status, 201, filed.text);
  const no = filed.json.tracking_no;
  const { context, page, problems } = await open();
  await signIn(page, 'cs1');
  await page.locator('#nav a[href="#/complaints"]').click();
  const rows = page.locator('.complaints-list tbody tr');
  await rows.first().waitFor();
  const search = async (q) => {
    await page.locator('.complaints-filters input[name=q]').fill(q);
    await page.locator('.complaints-filters button.queue-search').click();
  };
  // by the tracking number: that one
  await search(no);
  await page.locator(`.complaints-list tr[data-tracking="${no}"]`).waitFor();
  await page.waitForFunction(() => document.querySelectorAll('.complaints-list tbody tr').length === 1);
  // by the caller's number, as they say it: that one
  await search('138-5710-0777');
  await page.waitForFunction((t) => [...document.querySelectorAll('.complaints-list tbody tr')].map((r) => r.dataset.tracking).join() === t, no);
  // by the company: every row is about it, as the API counts them
  await search('');
  await page.locator('.complaints-filters select[name=company_id]').selectOption(String(target.id));
  const want = (await api(cs.token, `/api/complaints?status=open&company_id=${target.id}&per_page=20`)).json.items.map((x) => String(x.id));
  await page.waitForFunction((w) => [...document.querySelectorAll('.complaints-list tbody tr')].map((r) => r.dataset.complaint).join() === w, want.join());
  assert.match(page.url(), new RegExp(`company_id=${target.id}`));
  await page.locator('.complaints-filters select[name=company_id]').selectOption('');

  // customer1 (周婷) calls about a booking: found by name, taken into the intake, the booking picked
  await search('周婷');
  const cust = page.locator('.queue-callers .caller-customer').first();
  await cust.waitFor();
  const customerId = Number(await cust.getAttribute('data-customer'));
  const booking = cust.locator('.caller-booking').first();
  const bookingId = Number(await booking.getAttribute('data-booking'));
  await booking.locator('a', { hasText: '就此预约受理' }).click();
  const f = page.locator('.intake-form');
  await f.locator(`.caller-chosen-name[data-customer="${customerId}"]`).waitFor();
  await f.locator(`.intake-booking [data-fact=booking]`, { hasText: `#${bookingId}` }).waitFor();
  assert.equal(await f.locator('.intake-subject').isVisible(), false, 'the booking names the company and the worker');
  await f.locator('select[name=category]').selectOption('punctuality');
  await f.locator('textarea[name=description]').fill('来电：服务员迟到四十分钟。');
  // a customer with an account needs no call-back number
  await f.locator('button.btn-big[type=submit]').click();
  await page.locator('.page-complaint[data-state=loaded][data-status=received]').waitFor();
  const id = Number(await page.locator('.page-complaint').getAttribute('data-complaint'));
  const made = (await api(cs.token, `/api/complaints/${id}`)).json;
  assert.equal(made.customer.id, customerId);
  assert.equal(made.booking.id, bookingId);
  assert.match(await page.locator('.filed-box .filed-track').textContent(), /账号/);
  assert.deepEqual(await problems(), []);
  await context.close();
});

test('the inspector previews the mean and the verdict by the server\'s pass mark, and confirms a failure before it is sent', async () => {
  // the pass mark is the standard's, whatever it is: 70 now
  const set = await api(admin.token, '/api/standards', { method: 'PATCH', json: { spot_check_pass_score: 70 } });
  assert.equal(set.status, 200, set.text);
  const assigned = (await api(admin.token, '/api/inspections?status=assigned&per_page=100')).json.items
    .filter((x) => x.inspector);
  assert.ok(assigned.length >= 2, 'the demo has samples to score');
  const logins = {};
  for (const u of (await api(admin.token, '/api/users?role=inspector&per_page=100')).json.items) logins[u.id] = u.login;
  for (const [k, x] of assigned.slice(0, 2).entries()) {
    const { context, page, problems } = await open();
    await signIn(page, logins[x.inspector.id]);
    await page.goto(`${srv.url}/#/inspections/${x.id}`);
    await page.locator('.page-inspection[data-state=loaded][data-status=assigned]').waitFor();
    // the household is called first: its contact opened on the page
    await page.locator('.contact-open').click();
    await page.locator('.contact-opened').waitFor();
    const rf = page.locator('.result-form');
    const preview = rf.locator('.result-preview');
    assert.equal(await preview.getAttribute('data-verdict'), 'incomplete');
    const scores = rf.locator('.score-row input[type=number]');
    const n = await scores.count();
    // k = 0: a mean of 69.x, rounded down to 69, fails; k = 1: 70 exactly passes
    const values = Array.from({ length: n }, (_, i) => (k === 0 ? (i === 0 ? 69 : 70) : 70));
    for (let i = 0; i < n; i += 1) await scores.nth(i).fill(String(values[i]));
    const mean = Math.floor(values.reduce((a, v) => a + v, 0) / n);
    assert.equal(await preview.getAttribute('data-score'), String(mean));
    assert.match(await preview.textContent(), /合格线 70 分/);
    await rf.locator('textarea[name=findings]').fill('回访记录：服务基本按清单完成。');
    if (k === 0) {
      assert.equal(await preview.getAttribute('data-verdict'), 'fail');
      await rf.locator('button.result-submit').click();
      const confirm = rf.locator('.result-confirm');
      await confirm.waitFor();
      assert.match(await confirm.textContent(), new RegExp(`平均分 ${mean}，低于 70 分`));
      // back to the scores: nothing was sent
      await confirm.locator('.confirm-back').click();
      await confirm.waitFor({ state: 'hidden' });
      assert.equal((await api(admin.token, `/api/inspections/${x.id}`)).json.status, 'assigned');
      await rf.locator('button.result-submit').click();
      await confirm.locator('.confirm-submit').click();
      await page.locator('.page-inspection[data-status=rectifying]').waitFor();
    } else {
      assert.equal(await preview.getAttribute('data-verdict'), 'pass');
      await rf.locator('button.result-submit').click();
      await page.locator('.page-inspection[data-status=passed]').waitFor();
      assert.equal(await rf.locator('.result-confirm:not([hidden])').count(), 0);
    }
    // the server's verdict is the preview's
    const after = (await api(admin.token, `/api/inspections/${x.id}`)).json;
    assert.equal(after.score, mean);
    assert.equal(after.pass_score, 70);
    assert.equal(after.status, k === 0 ? 'rectifying' : 'passed');
    assert.deepEqual(await problems(), []);
    await context.close();
  }
  await api(admin.token, '/api/standards', { method: 'PATCH', json: { spot_check_pass_score: 80 } });
});
