// Browser tests of the web UI shell: the public home (the search) and its way to sign in, sign-in,
// the role's home and menu, the language switch, sessions and sign-out, account password,
// organisations, users, audit, the phone layout.
// One demo server and one Chromium for the whole file; every test gets its own browser context.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { launch, openPage, signInAt } from './lib/browser.mjs';
import { startServer, login, DEMO_PASSWORD, ROOT } from './lib/server.mjs';

const WEB = join(ROOT, 'web');
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

// each menu entry's name, without the count of new notices beside it
const navTexts = (page) => page.locator('#nav .nav-link').evaluateAll((links) => links.map((a) =>
  [...a.childNodes].filter((n) => !(n.classList && n.classList.contains('nav-count'))).map((n) => n.textContent).join('')));

// GET /api/me from inside the page, with its cookies: the status code.
const meStatus = (page) => page.evaluate(async () => (await fetch('/api/me', { credentials: 'same-origin' })).status);

function flatKeys(obj, prefix = '') {
  return Object.entries(obj).flatMap(([k, v]) => (v && typeof v === 'object'
    ? [`${prefix}${k}`, ...flatKeys(v, `${prefix}${k}.`)] : [`${prefix}${k}`]));
}

test('the two catalogs have the same keys, and every literal key the pages use exists', () => {
  const zh = JSON.parse(readFileSync(join(WEB, 'i18n/zh-CN.json'), 'utf8'));
  const en = JSON.parse(readFileSync(join(WEB, 'i18n/en.json'), 'utf8'));
  const zk = flatKeys(zh).sort();
  const ek = flatKeys(en).sort();
  assert.deepEqual(zk, ek);
  const leafKeys = (obj, prefix = '') => Object.entries(obj).flatMap(([k, v]) => (v && typeof v === 'object'
    ? leafKeys(v, `${prefix}${k}.`) : [`${prefix}${k}`]));
  const leaves = new Set(leafKeys(zh));
  const files = [join(WEB, 'js'), join(WEB, 'js/pages')].flatMap((d) => readdirSync(d)
    .filter((f) => f.endsWith('.js')).map((f) => join(d, f)));
  const missing = [];
  for (const f of files) {
    for (const m of readFileSync(f, 'utf8').matchAll(/\bt\('([a-z_]+(?:\.[a-z_]+)+)'/g)) {
      if (!leaves.has(m[1])) missing.push(`${f}: ${m[1]}`);
    }
  }
  assert.deepEqual(missing, []);
  // every role has duties on its home page, in both languages
  for (const role of Object.keys(zh.roles)) {
    assert.ok(Object.keys(zh.home.duties[role] || {}).length >= 3, `duties for ${role}`);
  }
});

test('the sign-in page is Chinese by default, with no console errors or CSP violations', async () => {
  const { context, page, problems } = await open({ locale: 'zh-CN' });
  // the site's home is the public search; "登录" at the top right leads to sign-in
  await page.goto(`${srv.url}/`);
  await page.locator('.page-search-public').waitFor();
  assert.equal(await page.locator('.login-form').count(), 0);
  await page.locator('.public-top a.sign-in', { hasText: '登录' }).click();
  await page.locator('.login-form').waitFor();
  assert.equal(await page.getAttribute('html', 'lang'), 'zh-CN');
  assert.equal(await page.locator('.login-name').textContent(), '安家');
  assert.equal(await page.locator('.login-tagline').textContent(), '家政服务信息与质量平台');
  assert.equal(await page.locator('label', { hasText: '账号' }).count(), 1);
  assert.equal(await page.locator('.login-form button[type=submit]').textContent(), '登录');
  assert.match(await page.title(), /安家/);
  assert.equal(new URL(page.url()).hash, '#/login');
  // the labels are tied to their inputs
  await page.getByLabel('密码').fill('x');
  assert.equal(await page.locator('input[name=password]').inputValue(), 'x');
  assert.deepEqual(await problems(), []);
  await context.close();
});

test('an English browser gets the English sign-in page', async () => {
  const { context, page, problems } = await open({ locale: 'en-US' });
  await page.goto(`${srv.url}/#/login`);
  await page.locator('.login-form').waitFor();
  assert.equal(await page.getAttribute('html', 'lang'), 'en');
  assert.equal(await page.locator('.login-title').textContent(), 'Sign in');
  assert.equal(await page.locator('.lang-btn[lang=en]').getAttribute('aria-pressed'), 'true');
  assert.deepEqual(await problems(), []);
  await context.close();
});

test('a wrong password shows the translated invalid_credentials message and stays on sign-in', async () => {
  const { context, page } = await open();
  await page.goto(`${srv.url}/#/login`);
  await page.locator('input[name=login]').fill('customer1');
  await page.locator('input[name=password]').fill('not-the-password');
  await page.locator('.login-form button[type=submit]').click();
  const err = page.locator('.login-form .form-error');
  await err.waitFor({ state: 'visible' });
  assert.equal(await err.textContent(), '账号或密码不正确。');
  assert.equal(await err.getAttribute('role'), 'alert');
  assert.equal(new URL(page.url()).hash, '#/login');
  assert.equal(await page.locator('input[name=password]').inputValue(), '');
  assert.equal(await page.locator('.page-home').count(), 0);
  await context.close();
});

test('too many failed sign-ins say how long to wait (Retry-After)', async () => {
  const { context, page } = await open({ locale: 'en-US' });
  await page.goto(`${srv.url}/#/login`);
  for (let i = 0; i < 6; i += 1) {
    await page.locator('input[name=login]').fill('no-such-user');
    await page.locator('input[name=password]').fill(`wrong-${i}`);
    await page.locator('.login-form button[type=submit]').click();
    await page.locator('.login-form .form-error').waitFor({ state: 'visible' });
    await page.waitForFunction(() => !document.querySelector('.login-form button[type=submit]').disabled);
  }
  assert.equal(await page.locator('.login-form .form-error').textContent(),
    'Too many failed sign-ins. Try again in 15 minutes.');
  await context.close();
});

test('the association admin lands on their home with the full menu and their header', async () => {
  const { context, page, problems, requests } = await open();
  await signIn(page, 'admin');
  assert.equal(new URL(page.url()).hash, '#/home');
  assert.equal(await page.locator('.page-home').getAttribute('data-role'), 'association_admin');
  assert.equal(await page.locator('.page-home h1').textContent(), '行业协会管理员工作台');
  assert.match(await page.locator('.greeting').textContent(), /王建国/);
  assert.match(await page.locator('.greeting').textContent(), /杭州市家庭服务业协会/);
  assert.ok(await page.locator('.duties li').count() >= 3);
  assert.deepEqual(await navTexts(page), ['首页', '投诉处理', '客户重置密码', '“家中无人”核实', '赔偿申请', '消息通知', '抽查计划', '服务抽查', '我的会话', '账号安全', '我的数据',
    '服务员', '转入申请', '个人信息申请', '服务项目', '服务评价', '培训', '培训通过率', '满意度', '投诉处理公示', '证书与标准', '服务分类', '机构',
    '用户', '审计', '访问记录']);
  assert.equal(await page.locator('.topbar .user-name').textContent(), '王建国');
  assert.equal(await page.locator('.topbar .user-role').textContent(), '行业协会管理员');
  assert.equal(await page.locator('.topbar .user-org').textContent(), '杭州市家庭服务业协会');
  assert.equal(await page.locator('.nav-link[aria-current=page]').textContent(), '首页');
  // quick links to the pages this role can use now
  assert.equal(await page.locator('.quick-link').count(), 25);
  // the API was asked in Chinese
  const me = requests.find((r) => r.url().endsWith('/api/me'));
  assert.equal(me.headers()['accept-language'], 'zh-CN');
  // a tour of every page draws without errors
  for (const [hash, ready] of [['sessions', '.page-sessions table'], ['account', '.page-account form'],
    ['orgs', '.page-orgs table'], ['users', '.page-users table'], ['audit', '.page-audit table'],
    ['workers', '.page-workers table'], ['training', '.page-training .sessions-list table'],
    ['training/rates', '.page-rates .rate-overall'], ['standards', '.page-standards .policies-list table'],
    ['services', '.page-services .list table, .page-services .list .state-empty'], ['satisfaction', '.page-satisfaction .rate-overall'],
    ['catalog', '.page-catalog .list table, .page-catalog .list .state-empty'],
    ['complaints', '.page-complaints .complaints-list table, .page-complaints .complaints-list .state-empty'],
    ['notifications', '.page-notifications .notices, .page-notifications .state-empty'],
    ['sampling', '.page-sampling .plans-list table, .page-sampling .plans-list .state-empty'],
    ['inspections', '.page-inspections .inspections-list table, .page-inspections .inspections-list .state-empty'],
    ['complaint-figures', '.page-complaint-figures .figures-industry'],
    ['me/data', '.page-my-data .held-counts'],
    ['transfers', '.page-transfers .transfers-list table, .page-transfers .transfers-list .state-empty'],
    ['data-requests', '.page-data-requests .request-cards, .page-data-requests .data-requests-list .state-empty'],
    ['access-log', '.page-access-log .access-list table, .page-access-log .access-list .state-empty']]) {
    await page.locator(`#nav a[href="#/${hash}"]`).click();
    await page.locator(ready).first().waitFor();
    assert.equal(await page.locator('.nav-link[aria-current=page]').getAttribute('href'), `#/${hash}`);
  }
  assert.deepEqual(await problems(), []);
  await context.close();
});

test('a customer starts at the search, sees no organisations, users or audit, and is told so if they go there', async () => {
  const { context, page, problems } = await open();
  await signIn(page, 'customer1');
  assert.match(new URL(page.url()).hash, /^#\/search(\?|$)/);
  assert.equal(await page.locator('.nav-link[aria-current=page]').textContent(), '找服务');
  await page.locator('#nav a[href="#/home"]').click();
  assert.equal(await page.locator('.page-home').getAttribute('data-role'), 'customer');
  assert.equal(await page.locator('.page-home h1').textContent(), '客户工作台');
  assert.deepEqual(await navTexts(page), ['首页', '找服务', '我的预约', '常用地址', '服务请求', '我的投诉', '消息通知', '我的会话', '账号安全', '我的数据',
    '满意度', '投诉处理公示']);
  assert.equal(await page.locator('.topbar .user-org').count(), 0);
  for (const hash of ['orgs', 'users', 'audit', 'access-log', 'data-requests', 'transfers']) {
    await page.goto(`${srv.url}/#/${hash}`);
    await page.locator('.page-denied').waitFor();
    assert.equal(await page.locator('.page-denied h1').textContent(), '无权访问');
    assert.match(await page.locator('.page-denied').textContent(), /客户/);
  }
  await page.goto(`${srv.url}/#/no-such-page`);
  await page.locator('.page-notfound').waitFor();
  assert.deepEqual(await problems(), []);
  await context.close();
});

test('a worker has the everyday pages and their own record; a company admin also the workforce pages and Users, for their own company only', async () => {
  const w = await open();
  await signIn(w.page, 'worker1');
  // a worker starts at today's jobs; the workspace is one click away
  await w.page.locator('.page-jobs').waitFor();
  await w.page.locator('#nav a[href="#/home"]').click();
  assert.equal(await w.page.locator('.page-home').getAttribute('data-role'), 'worker');
  assert.equal(await w.page.locator('.page-home h1').textContent(), '家政服务员工作台');
  assert.deepEqual(await navTexts(w.page), ['首页', '今日服务', '我的赔偿', '消息通知', '我的会话', '账号安全', '我的数据', '我的档案', '满意度',
    '投诉处理公示']);
  await w.context.close();

  const c = await open();
  await signIn(c.page, 'company1');
  assert.equal(await c.page.locator('.page-home').getAttribute('data-role'), 'company_admin');
  assert.deepEqual(await navTexts(c.page), ['首页', '投诉处理', '消息通知', '服务抽查', '我的会话', '账号安全', '我的数据', '服务员',
    '转入申请', '个人信息申请', '派单调度', '服务请求', '服务项目', '服务评价', '培训', '培训通过率', '满意度', '投诉处理公示', '用户']);
  await c.page.locator('#nav a[href="#/users"]').click();
  await c.page.locator('.page-users table').waitFor();
  const orgs = new Set(await c.page.locator('.page-users tbody td:nth-child(4)').allTextContents());
  assert.deepEqual([...orgs], ['杭州安心家政服务有限公司']);
  await c.page.locator('.user-new').click();
  const roles = await c.page.locator('#user-create select[name=role] option').allTextContents();
  assert.deepEqual(roles, ['企业管理员', '企业员工', '家政服务员']);
  assert.equal(await c.page.locator('#user-create input[name=org_id]').inputValue(), '杭州安心家政服务有限公司');
  // creates a worker in their company: no password is asked for; a one-time code is shown instead
  assert.equal(await c.page.locator('#user-create input[type=password]').count(), 0);
  await c.page.locator('#user-create input[name=login]').fill('ui-worker-9');
  await c.page.locator('#user-create input[name=name]').fill('王小明');
  await c.page.locator('#user-create select[name=role]').selectOption('worker');
  await c.page.locator('#user-create button[type=submit]').click();
  await c.page.locator('.page-users .notice-success').waitFor();
  assert.equal(await c.page.locator('tr.row-new td:first-child').textContent(), 'ui-worker-9');
  const code = await c.page.locator('.code-card[data-kind=setup] .one-time-code').textContent();
  assert.match(code, /^[0-9A-HJKMNP-TV-Z]{5}-[0-9A-HJKMNP-TV-Z]{5}$/);
  assert.match(await c.page.locator('.code-card').textContent(), /当面.*王小明本人/);
  // the code is the person's way in: it sets their password once
  const set = await fetch(`${srv.url}/api/auth/password-code`, { method: 'POST', headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify({ login: 'ui-worker-9', code, new_password: 'walnut-lantern-harbour-17' }) });
  assert.equal(set.status, 200);
  assert.equal((await login(srv.url, 'ui-worker-9', 'walnut-lantern-harbour-17')).user.role, 'worker');
  assert.deepEqual(await c.problems(), []);
  await c.context.close();
});

test('English is chosen with the toggle, changes the texts and the API language, and survives a reload', async () => {
  const { context, page, requests, problems } = await open();
  await signIn(page, 'admin');
  await page.locator('.topbar .lang-btn[lang=en]').click();
  await page.locator('.page-home h1', { hasText: 'workspace' }).waitFor();
  assert.equal(await page.locator('.page-home h1').textContent(), 'Association administrator workspace');
  assert.deepEqual(await navTexts(page), ['Home', 'Complaints', 'Customer password reset', 'Households marked absent', 'Compensation claims', 'Notifications', 'Sampling plans', 'Spot checks', 'My sessions',
    'Account', 'My data', 'Workers', 'Transfer requests', 'Personal data requests', 'Services & prices', 'Reviews', 'Training', 'Pass rates',
    'Satisfaction', 'Complaint figures', 'Certificates & standards', 'Service catalog', 'Organisations', 'Users', 'Audit', 'Access log']);
  assert.equal(await page.getAttribute('html', 'lang'), 'en');
  assert.equal(await page.locator('.topbar .user-role').textContent(), 'Association administrator');
  await page.reload();
  await page.locator('.page-home').waitFor();
  assert.equal(await page.locator('.page-home h1').textContent(), 'Association administrator workspace');
  assert.equal(await page.locator('.topbar .lang-btn[lang=en]').getAttribute('aria-pressed'), 'true');
  // the API hears English, and its errors come back translated by code
  await page.locator('#nav a[href="#/orgs"]').click();
  await page.locator('.page-orgs table').waitFor();
  const last = requests.filter((r) => r.url().includes('/api/orgs')).pop();
  assert.equal(last.headers()['accept-language'], 'en');
  await page.locator('.org-new').click();
  await page.locator('#org-create input[name=name]').fill('Hangzhou Test Company');
  await page.locator('#org-create button[type=submit]').click();
  await page.locator('#org-create [data-field=uscc] .field-error').waitFor({ state: 'visible' });
  assert.equal(await page.locator('#org-create [data-field=uscc] .field-error').textContent(),
    'A company must have a unified social credit code.');
  // and back to Chinese
  await page.locator('.topbar .lang-btn[lang=zh-CN]').click();
  await page.locator('.page-orgs h1', { hasText: '机构' }).waitFor();
  await page.reload();
  await page.locator('.page-orgs h1', { hasText: '机构' }).waitFor();
  assert.equal(await page.getAttribute('html', 'lang'), 'zh-CN');
  assert.deepEqual((await problems()).filter((p) => !/status of 400/.test(p)), []);
  await context.close();
});

test('the sessions page lists this session, ends another, and ending this one signs out', async () => {
  const { context, page } = await open();
  await signIn(page, 'trainer1');
  const other = await login(srv.url, 'trainer1'); // a second session, as from another device
  await page.locator('#nav a[href="#/sessions"]').click();
  await page.locator('.page-sessions table').waitFor();
  assert.equal(await page.locator('.page-sessions tbody tr').count(), 2);
  const current = page.locator('.page-sessions tr.row-current');
  assert.equal(await current.count(), 1);
  assert.match(await current.textContent(), /当前会话/);
  assert.match(await current.textContent(), /Chrome/);
  assert.match(await current.textContent(), /\d{4}-\d{2}-\d{2} \d{2}:\d{2}/);
  // end the other one
  await page.locator('.page-sessions tbody tr:not(.row-current) button').click();
  await page.locator('.page-sessions .notice-success').waitFor();
  await page.waitForFunction(() => document.querySelectorAll('.page-sessions tbody tr').length === 1);
  const res = await fetch(`${srv.url}/api/me`, { headers: { Authorization: `Bearer ${other.token}` } });
  assert.equal(res.status, 401);
  // end this one
  await page.locator('.page-sessions tr.row-current button').click();
  await page.locator('.login-form').waitFor();
  assert.equal(new URL(page.url()).hash, '#/login');
  assert.match(await page.locator('.login-card .live .notice').textContent(), /已结束/);
  assert.equal(await meStatus(page), 401);
  await context.close();
});

test('signing out returns to sign-in and the session is over', async () => {
  const { context, page, problems } = await open();
  await signIn(page, 'inspector1');
  assert.equal(await page.locator('.page-home').getAttribute('data-role'), 'inspector');
  await page.locator('.topbar .logout').click();
  await page.locator('.login-form').waitFor();
  assert.equal(await page.locator('.login-card .live .notice').textContent(), '您已退出登录。');
  assert.deepEqual(await problems(), []);
  assert.equal(await meStatus(page), 401);
  // a signed-in address now leads to sign-in
  await page.goto(`${srv.url}/#/account`);
  await page.locator('.login-form').waitFor();
  await context.close();
});

test('a session that ends on the server sends the page to sign-in on its next call', async () => {
  const { context, page } = await open();
  await signIn(page, 'cs1');
  assert.deepEqual(await navTexts(page), ['首页', '投诉处理', '客户重置密码', '“家中无人”核实', '消息通知', '我的会话', '账号安全', '我的数据', '服务员', '满意度', '投诉处理公示',
    '机构']);
  // end every session of cs1 from outside: the admin disables the account (and enables it again)
  const admin = await login(srv.url, 'admin');
  const users = await (await fetch(`${srv.url}/api/users?q=cs1`, { headers: { Authorization: `Bearer ${admin.token}` } })).json();
  const cs1 = users.items.find((u) => u.login === 'cs1');
  for (const status of ['disabled', 'active']) {
    const r = await fetch(`${srv.url}/api/users/${cs1.id}`, {
      method: 'PATCH',
      headers: { Authorization: `Bearer ${admin.token}`, 'Content-Type': 'application/json' },
      body: JSON.stringify({ status }),
    });
    assert.equal(r.status, 200);
  }
  await page.locator('#nav a[href="#/orgs"]').click();
  await page.locator('.login-form').waitFor();
  assert.equal(await page.locator('.login-card .live .notice').textContent(), '登录已过期或已结束，请重新登录。');
  await context.close();
});

test('changing the password checks the repeat, shows translated errors and ends other sessions', async () => {
  const { context, page, problems } = await open();
  await signIn(page, 'staff1');
  const other = await login(srv.url, 'staff1');
  await page.locator('#nav a[href="#/account"]').click();
  const f = page.locator('.page-account form');
  await f.waitFor();
  const fields = { current: f.locator('[data-field=current_password] input'), next: f.locator('[data-field=new_password] input'), repeat: f.locator('[data-field=repeat] input') };
  await fields.current.fill(DEMO_PASSWORD);
  await fields.next.fill('a-brand-new-password');
  await fields.repeat.fill('a-different-password');
  await f.locator('button[type=submit]').click();
  assert.equal(await f.locator('[data-field=repeat] .field-error').textContent(), '两次输入的新密码不一致。');
  assert.equal(await fields.repeat.getAttribute('aria-invalid'), 'true');

  await fields.current.fill('wrong-current-password');
  await fields.repeat.fill('a-brand-new-password');
  await f.locator('button[type=submit]').click();
  await f.locator('[data-field=current_password] .field-error').waitFor({ state: 'visible' });
  assert.equal(await f.locator('[data-field=current_password] .field-error').textContent(), '当前密码不正确。');

  await fields.current.fill(DEMO_PASSWORD);
  await fields.next.fill('short');
  await fields.repeat.fill('short');
  await f.locator('button[type=submit]').click();
  await f.locator('[data-field=new_password] .field-error').waitFor({ state: 'visible' });
  assert.equal(await f.locator('[data-field=new_password] .field-error').textContent(), '密码至少需要 12 个字符。');

  await fields.next.fill('a-brand-new-password');
  await fields.repeat.fill('a-brand-new-password');
  await f.locator('button[type=submit]').click();
  await page.locator('.page-account .notice-success').waitFor();
  assert.equal(await page.locator('.page-account .notice-success').textContent(), '密码已修改，已结束其他设备上的 1 个会话。');
  assert.equal(await fields.current.inputValue(), '');
  const res = await fetch(`${srv.url}/api/me`, { headers: { Authorization: `Bearer ${other.token}` } });
  assert.equal(res.status, 401);
  assert.equal(await meStatus(page), 200);
  assert.deepEqual((await problems()).filter((p) => !/status of 400/.test(p)), []);
  await context.close();
});

test('the association admin registers a company (invalid code first), edits it, and the audit chain verifies', async () => {
  const { context, page, problems } = await open();
  await signIn(page, 'admin');
  await page.locator('#nav a[href="#/orgs"]').click();
  await page.locator('.page-orgs table').waitFor();
  const before = await page.locator('.page-orgs .pager-info').textContent();
  assert.match(before, /共 9 条/);
  await page.locator('.org-new').click();
  const f = page.locator('#org-create form');
  assert.equal(await f.locator('select[name=kind]').inputValue(), 'company');
  await f.locator('input[name=name]').fill('福州安家测试家政服务有限公司');
  await f.locator('input[name=uscc]').fill('91350100M000100Y44');
  await f.locator('input[name=district]').fill('鼓楼区');
  await f.locator('button[type=submit]').click();
  const err = f.locator('[data-field=uscc] .field-error');
  await err.waitFor({ state: 'visible' });
  assert.equal(await err.textContent(), '统一社会信用代码不正确（未通过 GB 32100 校验）。');
  assert.equal(await f.locator('input[name=uscc]').getAttribute('aria-invalid'), 'true');

  await f.locator('input[name=uscc]').fill('91350100m000100y43'); // lower case is accepted
  await f.locator('button[type=submit]').click();
  await page.locator('.page-orgs .notice-success').waitFor();
  assert.equal(await page.locator('.page-orgs .notice-success').textContent(), '已登记机构：福州安家测试家政服务有限公司');
  assert.ok(await page.locator('#org-create').isHidden());
  const row = page.locator('.page-orgs tr.row-new');
  await row.waitFor();
  assert.match(await row.textContent(), /福州安家测试家政服务有限公司/);
  assert.match(await row.textContent(), /91350100M000100Y43/);
  assert.match(await row.textContent(), /家政企业/);
  assert.match(await page.locator('.page-orgs .pager-info').textContent(), /共 10 条/);

  // the same name again is refused, next to the name
  await page.locator('.org-new').click();
  await f.locator('input[name=name]').fill('福州安家测试家政服务有限公司');
  await f.locator('input[name=uscc]').fill('91350100M000100Y43');
  await f.locator('button[type=submit]').click();
  await f.locator('[data-field=name] .field-error').waitFor({ state: 'visible' });
  assert.equal(await f.locator('[data-field=name] .field-error').textContent(), '已有同名机构。');
  await f.locator('button', { hasText: '取消' }).click();

  // edit: the district changes
  await row.locator('button', { hasText: '编辑' }).click();
  const ef = page.locator('.panel-edit form');
  await ef.locator('input[name=district]').fill('台江区');
  await ef.locator('button[type=submit]').click();
  await page.locator('.page-orgs .notice-success', { hasText: '已保存' }).waitFor();
  await page.locator('.page-orgs tr.row-new', { hasText: '台江区' }).waitFor();

  // filters: kind and search
  await page.locator('.page-orgs .filters select').selectOption('training');
  await page.locator('.page-orgs .filters button[type=submit]').click();
  await page.waitForFunction(() => document.querySelectorAll('.page-orgs tbody tr').length === 1);
  assert.match(await page.locator('.page-orgs tbody').textContent(), /培训学校/);

  // the audit page: the chain is intact and shows the registration
  await page.locator('#nav a[href="#/audit"]').click();
  await page.locator('.page-audit table').waitFor();
  assert.match(await page.locator('.page-audit tbody').textContent(), /org\.update/);
  assert.match(await page.locator('.page-audit tbody').textContent(), /登记机构/);
  await page.locator('.audit-verify').click();
  const ok = page.locator('.verify-result .notice-success');
  await ok.waitFor();
  assert.match(await ok.textContent(), /^审计链完整：已校验 \d+ 条记录。$/);
  assert.deepEqual((await problems()).filter((p) => !/status of (400|409)/.test(p)), []);
  await context.close();
});

test('the association admin creates a user in a chosen organisation, disables and re-enables them; the person sets their own password with the code', async () => {
  const { context, page, problems } = await open();
  await signIn(page, 'admin');
  await page.locator('#nav a[href="#/users"]').click();
  await page.locator('.page-users table').waitFor();
  await page.locator('.user-new').click();
  const f = page.locator('#user-create form');
  await f.locator('select[name=role]').selectOption('trainer');
  // only training institutions are offered for a trainer; the only one is chosen
  await f.locator('select[name=org_id] option', { hasText: '培训学校' }).waitFor({ state: 'attached' });
  assert.equal(await f.locator('select[name=org_id] option').count(), 2);
  assert.match(await f.locator('select[name=org_id] option:checked').textContent(), /培训学校/);
  await f.locator('select[name=role]').selectOption('customer');
  assert.ok(await f.locator('[data-field=org_id]').isHidden());
  await f.locator('select[name=role]').selectOption('worker');
  await f.locator('select[name=org_id] option', { hasText: '杭州巧手家政服务有限公司' }).waitFor({ state: 'attached' });
  assert.ok(!/培训学校/.test(await f.locator('select[name=org_id]').textContent()), 'only companies for a worker');
  await f.locator('input[name=login]').fill('ui-admin-made');
  await f.locator('input[name=name]').fill('吴春梅');
  await f.locator('button[type=submit]').click();
  assert.equal(await f.locator('[data-field=org_id] .field-error').textContent(), '请选择所属机构。');
  await f.locator('select[name=org_id]').selectOption({ label: '杭州巧手家政服务有限公司' });
  await f.locator('input[name=login]').fill('worker1'); // taken
  await f.locator('button[type=submit]').click();
  await f.locator('[data-field=login] .field-error').waitFor({ state: 'visible' });
  assert.equal(await f.locator('[data-field=login] .field-error').textContent(), '该账号已被使用。');
  await f.locator('input[name=login]').fill('ui-admin-made');
  await f.locator('button[type=submit]').click();
  await page.locator('.page-users .notice-success').waitFor();
  const row = page.locator('.page-users tr.row-new');
  assert.match(await row.textContent(), /ui-admin-made/);
  assert.match(await row.textContent(), /杭州巧手家政服务有限公司/);
  // the set-up code, once, with its expiry and what to do with it
  const card = page.locator('.code-card[data-kind=setup]');
  const setup = await card.locator('.one-time-code').textContent();
  assert.match(await card.locator('.code-expires').textContent(), /^有效期至 \d{4}-\d{2}-\d{2} \d{2}:\d{2}$/);
  assert.match(await card.textContent(), /请当面把这个代码交给吴春梅本人/);
  assert.match(await card.textContent(), /只有本人知道自己的密码/);
  // the person sets their password at the public page, from the sign-in page's link
  const p = await open();
  await p.page.goto(`${srv.url}/#/login`);
  await p.page.locator('a.set-password-link').click();
  const sp = p.page.locator('.set-password-form');
  await sp.waitFor();
  const setWith = async (code, pw) => {
    await sp.locator('input[name=login]').fill('ui-admin-made');
    await sp.locator('input[name=code]').fill(code);
    await sp.locator('input[name=new_password]').fill(pw);
    await sp.locator('input[name=repeat]').fill(pw);
    await sp.locator('button[type=submit]').click();
  };
  await setWith('ABCDE-12345', 'quiet-harbour-lantern-93');
  const codeErr = sp.locator('[data-field=code] .field-error');
  await codeErr.waitFor({ state: 'visible' });
  assert.equal(await codeErr.textContent(), '账号或一次性代码不正确，或代码已过期、已用过。');
  await setWith(setup.toLowerCase(), 'quiet-harbour-lantern-93');
  await p.page.locator('.login-card .notice-success', { hasText: '密码已设置' }).waitFor();
  assert.equal(await p.page.locator('.login-form input[name=login]').inputValue(), 'ui-admin-made');
  await p.page.locator('.login-form input[name=password]').fill('quiet-harbour-lantern-93');
  await p.page.locator('.login-form button[type=submit]').click();
  await p.page.locator('.page-jobs').waitFor();
  assert.deepEqual(await p.problems(/status of 400/), []);
  await p.context.close();
  await page.locator('.code-card .code-done').click();
  assert.equal(await page.locator('.code-card').count(), 0);
  await row.locator('button', { hasText: '停用' }).click();
  await page.locator('.page-users .notice-success', { hasText: '已停用' }).waitFor();
  await page.locator('.page-users tr.row-new', { hasText: '已停用' }).waitFor();
  await page.locator('.page-users tr.row-new button', { hasText: '启用' }).click();
  await page.locator('.page-users .notice-success', { hasText: '已启用' }).waitFor();
  // a forgotten password: a reset code, the old password holds until the person uses it
  await page.locator('.page-users tr.row-new button', { hasText: '重置密码' }).click();
  await page.locator('.panel-edit .reset-form', { hasText: '您不会知道新密码' }).waitFor();
  await page.locator('.panel-edit .reset-go').click();
  await page.locator('.page-users .notice-success', { hasText: '已为 吴春梅 生成重置代码' }).waitFor();
  const reset = await page.locator('.code-card[data-kind=reset] .one-time-code').textContent();
  assert.notEqual(reset, setup);
  assert.equal((await login(srv.url, 'ui-admin-made', 'quiet-harbour-lantern-93')).user.role, 'worker');
  const r = await fetch(`${srv.url}/api/auth/password-code`, { method: 'POST', headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify({ login: 'ui-admin-made', code: reset, new_password: 'copper-meadow-violin-48' }) });
  assert.equal(r.status, 200);
  const u = await login(srv.url, 'ui-admin-made', 'copper-meadow-violin-48');
  assert.equal(u.user.role, 'worker');
  // filters: disabled users only
  await page.locator('.page-users .filters select').nth(1).selectOption('disabled');
  await page.locator('.page-users .filters button[type=submit]').click();
  await page.locator('.page-users .state-empty').waitFor();
  assert.deepEqual((await problems()).filter((p) => !/status of (400|409)/.test(p)), []);
  await context.close();
});

test('on a phone the menu is collapsed behind a button, opens, and tables become cards', async () => {
  const { context, page, problems } = await open({ viewport: { width: 390, height: 844 } });
  await signIn(page, 'admin');
  const toggle = page.locator('.menu-toggle');
  assert.ok(await toggle.isVisible());
  assert.equal(await toggle.getAttribute('aria-expanded'), 'false');
  assert.ok(await page.locator('#nav').isHidden());
  await toggle.click();
  assert.equal(await toggle.getAttribute('aria-expanded'), 'true');
  assert.ok(await page.locator('#nav').isVisible());
  await page.locator('#nav a[href="#/users"]').click();
  await page.locator('.page-users table').waitFor();
  assert.ok(await page.locator('#nav').isHidden(), 'the menu closes after choosing a page');
  assert.equal(await toggle.getAttribute('aria-expanded'), 'false');
  assert.ok(await page.locator('.page-users thead').isHidden(), 'table headers give way to labelled cards');
  const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
  assert.ok(overflow <= 0, `no sideways scrolling (${overflow}px)`);
  // Escape closes the open menu and returns focus to its button
  await toggle.click();
  await page.locator('#nav a').first().focus();
  await page.keyboard.press('Escape');
  assert.ok(await page.locator('#nav').isHidden());
  assert.ok(await page.evaluate(() => document.activeElement.classList.contains('menu-toggle')));
  assert.deepEqual(await problems(), []);
  await context.close();
});

test('the desktop layout shows the menu without a menu button', async () => {
  const { context, page } = await open();
  await signIn(page, 'company1');
  assert.ok(await page.locator('.menu-toggle').isHidden());
  assert.ok(await page.locator('#nav').isVisible());
  await context.close();
});
