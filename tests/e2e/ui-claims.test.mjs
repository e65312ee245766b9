// Browser tests of compensation that the company deciding it cannot settle alone: the company grants
// a token sum; the customer disputes it on the complaint's page; the association finds it in its
// queue of disputed claims and decides it again; the company pays what the association set and the
// customer confirms receipt, which is when the public figures count it paid — the association's
// advances and the disputes shown apart. A worker named to pay objects in their own claims page.
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
const post = async (token, path, json, status = 200) => {
  const r = await api(token, path, { method: 'POST', json });
  assert.equal(r.status, status, `${path}: ${r.text}`);
  return r.json;
};

// The company admin login of an organisation.
async function adminOf(orgId) {
  const r = await api(admin.token, `/api/users?org_id=${orgId}&role=company_admin`);
  assert.equal(r.status, 200, r.text);
  return r.json.items[0].login;
}

const today = () => new Date(Date.now() + 8 * 3600 * 1000).toISOString().slice(0, 10);

test('a token decision disputed by the customer is decided again by the association, paid, and counted once the customer confirms it', async () => {
  // customer1's claim waiting for a decision; the company grants ten yuan of three hundred
  const cust = await login(srv.url, 'customer1');
  const mine = (await api(cust.token, '/api/claims?state=open')).json.items;
  const cl = mine.find((x) => x.status === 'claimed');
  assert.ok(cl, 'customer1 has a claim waiting for a decision');
  const co = await login(srv.url, await adminOf(cl.company.id));
  const decided = await post(co.token, `/api/claims/${cl.id}/decision`,
    { approved_fen: 1000, reason: '花架本身已老化，仅象征性补偿十元。', payer: 'company' });
  assert.equal(decided.decision_state, 'proposed');
  // nothing is paid on a proposal
  const early = await api(co.token, `/api/claims/${cl.id}/payment`, { method: 'POST', json: { paid_on: today(), amount_fen: 1000, reference: 'TR-2026-000123' } });
  assert.equal(early.status, 409);
  assert.equal(early.json.error.code, 'decision_not_final');

  // 1. the customer disputes it on the complaint's page
  const c = await open({ viewport: { width: 390, height: 844 } });
  await signIn(c.page, 'customer1');
  await c.page.goto(`${srv.url}/#/complaints/${cl.complaint.id}`);
  const card = c.page.locator(`.claim-card[data-claim="${cl.id}"][data-decision=proposed]`);
  await card.waitFor();
  assert.match(await card.locator('[data-fact=decision]').textContent(), /等待客户答复/);
  await card.locator('button.disclose', { hasText: '提出异议' }).click();
  const df = card.locator('.claim-dispute-form');
  // too little said: refused beside the field, as the server says
  await df.locator('textarea[name=reason]').fill('不同意');
  await df.locator('button[type=submit]').click();
  await df.locator('[data-field=reason] .field-error').waitFor({ state: 'visible' });
  await df.locator('textarea[name=reason]').fill('花架是上个月新买的，发票已上传，十元远远不够，请协会重新决定。');
  await df.locator('button[type=submit]').click();
  await c.page.locator(`.claim-card[data-claim="${cl.id}"][data-decision=disputed]`).waitFor();
  await c.page.locator('.timeline-item[data-action=claim_dispute]').waitFor();

  // 2. the association finds it in its queue of disputed claims and decides it again
  const a = await open();
  await signIn(a.page, 'admin');
  await a.page.locator('#nav a[href="#/claims"]').click();
  const queued = a.page.locator(`.page-claims .claim-card[data-claim="${cl.id}"]`);
  await queued.waitFor();
  assert.match(await queued.locator('[data-fact=dispute_reason]').textContent(), /发票已上传/);
  await queued.locator('button.disclose', { hasText: '重新决定' }).click();
  const rf = queued.locator('.claim-review-form');
  await rf.locator('input[name=approved_fen]').fill('250');
  await rf.locator('select[name=payer]').selectOption('company');
  await rf.locator('textarea[name=reason]').fill('发票证明花架为新购，服务人员操作不当；按发票金额的八成多赔偿二百五十元，由公司支付。');
  await rf.locator('button[type=submit]').click();
  // decided, it leaves the queue of disputes
  await a.page.locator('.page-claims .messages .notice-success').waitFor();
  await a.page.locator(`.page-claims .claim-card[data-claim="${cl.id}"]`).waitFor({ state: 'detached' });
  const after = (await api(admin.token, `/api/complaints/${cl.complaint.id}`)).json.claims.find((x) => x.id === cl.id);
  assert.equal(after.decision_state, 'final');
  assert.equal(after.final_by, 'association');
  assert.equal(after.approved_fen, 25000);
  assert.equal(after.first_decision.approved_fen, 1000);
  assert.deepEqual(await a.problems(), []);

  // 3. the company pays what the association set; the customer confirms receipt
  await post(co.token, `/api/claims/${cl.id}/payment`, { paid_on: today(), amount_fen: 25000, reference: 'TR-2026-000123' });
  const month = today().slice(0, 7);
  const before = (await api(null, `/api/public/complaint-figures?month=${month}`)).json.items.find((x) => x.company.id === cl.company.id);
  await c.page.reload();
  const paid = c.page.locator(`.claim-card[data-claim="${cl.id}"][data-payment=unconfirmed]`);
  await paid.waitFor();
  await paid.locator('.claim-receipt-form button[type=submit]').click();
  await c.page.locator(`.claim-card[data-claim="${cl.id}"][data-payment=confirmed]`).waitFor();
  await c.page.locator('.timeline-item[data-action=claim_receipt]').waitFor();
  assert.deepEqual(await c.problems(/status of 422/), []);
  const now = (await api(null, `/api/public/complaint-figures?month=${month}`)).json.items.find((x) => x.company.id === cl.company.id);
  assert.equal(now.compensation_paid_fen - before.compensation_paid_fen, 25000, 'counted paid once confirmed');
  assert.equal(before.compensation_unconfirmed_fen - now.compensation_unconfirmed_fen, 25000);
  assert.ok(now.claims_disputed >= 1);

  // 4. the public figures: the association's advances apart, the disputes counted
  await c.page.goto(`${srv.url}/#/complaint-figures`);
  await c.page.locator('.figures-industry [data-figure=advanced]').waitFor();
  await c.page.locator('.figures-industry [data-figure=disputed]').waitFor();
  const row = c.page.locator(`.page-complaint-figures tr[data-company="${cl.company.id}"]`);
  assert.equal(await row.getAttribute('data-disputed'), String(now.claims_disputed));
  assert.match(await row.locator('.fig-disputed').textContent(), new RegExp(`^${now.claims_disputed}`));
  await c.context.close();
  await a.context.close();
});

test('a worker named to pay is told, objects in their claims page, and the claim goes to the association', async () => {
  const w = await login(srv.url, 'worker1');
  const jobs = (await api(w.token, '/api/bookings?status=reviewed&per_page=20')).json.items
    .concat((await api(w.token, '/api/bookings?status=completed&per_page=20')).json.items);
  assert.ok(jobs.length, 'worker1 has served');
  const b = jobs[0];
  // the service centre takes the complaint and the claim for the booking's customer
  const cs = await login(srv.url, 'cs1');
  const complaint = await post(cs.token, '/api/complaints', { booking_id: b.id, category: 'property_damage',
    description: '擦拭书架时碰倒了台灯，灯罩摔碎，当时没有告知。', channel: 'phone' }, 201);
  const cl = await post(cs.token, `/api/complaints/${complaint.id}/claims`, { amount_fen: 40000, description: '台灯灯罩更换费用四百元。' }, 201);
  const co = await login(srv.url, await adminOf(complaint.company.id));
  await post(co.token, `/api/claims/${cl.id}/decision`, { approved_fen: 40000, reason: '同意', payer: 'worker' });

  const p = await open({ viewport: { width: 390, height: 844 } });
  await signIn(p.page, 'worker1');
  // the notice leads to the claim
  await p.page.goto(`${srv.url}/#/notifications`);
  const notice = p.page.locator('.notice-item[data-topic=claim_payer_named]').first();
  await notice.waitFor();
  await notice.locator('a').first().click();
  const card = p.page.locator(`.page-my-claims .claim-card[data-claim="${cl.id}"][data-decision=proposed]`);
  await card.waitFor();
  await card.locator('button.disclose', { hasText: '提出异议' }).click();
  const of = card.locator('.claim-object-form');
  await of.locator('textarea[name=reason]').fill('台灯是客户家的孩子碰倒的，我当时在厨房，可以请客户看监控。');
  await of.locator('button[type=submit]').click();
  await p.page.locator(`.page-my-claims .claim-card[data-claim="${cl.id}"][data-decision=disputed]`).waitFor();
  assert.deepEqual(await p.problems(), []);
  await p.context.close();
  const queue = (await api(admin.token, '/api/claims?state=disputed')).json.items;
  const mine = queue.find((x) => x.id === cl.id);
  assert.ok(mine, 'in the association\'s queue');
  assert.equal(mine.disputed_by, 'worker');
  assert.match(mine.objection_reason, /监控/);
});
