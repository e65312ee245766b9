// Browser tests of the workforce pages: registering a worker and recording their checks, training
// sessions with attendance and scores, issuing a certificate, the public check of the credential
// (by serial, by signed token, tampered, revoked, offline), the colour in the company's list, CSV
// import, the worker's own page, the pass rates and the public profile.
// One demo server and one Chromium for the whole file; every test gets its own browser context.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { launch, openPage, signInAt } from './lib/browser.mjs';
import { startServer, login, DEMO_PASSWORD, ROOT } from './lib/server.mjs';
import { call } from './lib/http.mjs';

const WEB = join(ROOT, 'web');
let srv;
let browser;
let admin;    // bearer sessions for set-up and for reading what the UI did
let company;

before(async () => {
  srv = await startServer();
  browser = await launch();
  admin = await login(srv.url, 'admin');
  company = await login(srv.url, 'company1');
});

after(async () => {
  if (browser) await browser.close();
  if (srv) await srv.stop();
});

const open = (opts) => openPage(browser, opts);

const signIn = (page, who, password) => signInAt(srv.url, page, who, password);

// A valid resident ID number (GB 11643) never used before in this file: 17 digits, then the ISO 7064
// MOD 11-2 check character.
let idSeq = Math.floor(Math.random() * 400);
function freshId() {
  idSeq += 1;
  const body = `110105198${idSeq % 10}0${1 + (idSeq % 9)}1${idSeq % 10}${String(100 + (idSeq % 900)).padStart(3, '0')}`;
  const w = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
  const sum = [...body].reduce((s, d, i) => s + Number(d) * w[i], 0);
  return body + '10X98765432'[sum % 11];
}
const badCheck = (id) => id.slice(0, 17) + (id[17] === '0' ? '1' : '0');
let nameSeq = 0;
const freshName = (surname = '测') => `${surname}${'试甲乙丙丁戊己庚辛壬癸'[nameSeq % 11]}${'一二三四五六七八九十'[Math.floor(nameSeq++ / 11) % 10]}`;

// Wall-clock "YYYY-MM-DDTHH:MM" in the platform's zone (+08:00), shifted by minutes.
const local = (minutes) => new Date(Date.now() + (8 * 60 + minutes) * 60000).toISOString().slice(0, 16);
const today = () => local(0).slice(0, 10);
const nextYear = () => `${Number(today().slice(0, 4)) + 1}${today().slice(4)}`;

const api = (token, path, opts = {}) => call(srv.url, path, { token, ...opts });

test('the catalogs name every workforce code of the contract, in both languages', () => {
  const zh = JSON.parse(readFileSync(join(WEB, 'i18n/zh-CN.json'), 'utf8'));
  const en = JSON.parse(readFileSync(join(WEB, 'i18n/en.json'), 'utf8'));
  const codes = {
    trades: ['household', 'maternity', 'childcare', 'elderly_care', 'cleaning', 'cooking'],
    levels: ['junior', 'intermediate', 'senior', 'technician', 'senior_technician'],
    colours: ['green', 'yellow', 'red'],
    check_kinds: ['identity', 'background', 'health', 'insurance'],
    check_results: ['pass', 'fail'],
    course_kinds: ['skill', 'safety_first_aid', 'safety_fire', 'safety_protection', 'communication', 'privacy', 'emergency', 'ethics'],
    cert_statuses: ['valid', 'expired', 'revoked', 'renewed'],
    session_statuses: ['scheduled', 'completed', 'cancelled'],
    lapsing: ['health', 'background', 'insurance', 'certificate', 'refresher'],
    'eligibility.reasons': ['worker_revoked', 'worker_suspended', 'not_employed', 'trade_not_registered',
      'identity_unverified', 'background_missing', 'background_failed', 'background_expired', 'health_missing',
      'health_failed', 'health_expired', 'insurance_missing', 'insurance_failed', 'insurance_expired',
      'certificate_missing', 'certificate_expired', 'certificate_revoked', 'safety_training_missing',
      'refresher_missing', 'training_failed', 'background_expiring', 'health_expiring', 'insurance_expiring',
      'certificate_expiring', 'refresher_due', 'course_missing'],
    errors: ['invalid_id_number', 'invalid_phone', 'invalid_date', 'already_registered', 'person_revoked',
      'name_mismatch', 'import_rejected', 'background_fail_standing', 'date_in_future', 'invalid_validity',
      'trade_required', 'trade_not_allowed', 'code_taken', 'invalid_period', 'course_inactive', 'already_enrolled',
      'session_full', 'session_cancelled', 'worker_revoked', 'session_not_started', 'requirements_unmet',
      'certificate_exists', 'credits_insufficient', 'results_rejected', 'not_enrolled', 'duplicate_row',
      'score_rows_too_many', 'xlsx_unreadable'],
    'verify.status': ['valid', 'expired', 'revoked', 'renewed'],
  };
  const at = (cat, path) => path.split('.').reduce((o, k) => (o && typeof o === 'object' ? o[k] : undefined), cat);
  const missing = [];
  for (const [group, list] of Object.entries(codes)) {
    for (const code of list) {
      for (const [lang, cat] of [['zh', zh], ['en', en]]) {
        const v = at(cat, group);
        if (!v || typeof v[code] !== 'string' || !v[code]) missing.push(`${lang} ${group}.${code}`);
      }
    }
  }
  assert.deepEqual(missing, []);
  // the English catalog says it in English, the Chinese one in Chinese
  assert.match(zh.colours.green, /[\u4e00-\u9fff]/);
  assert.doesNotMatch(en.colours.green, /[\u4e00-\u9fff]/);
  // the CSV template: the Chinese header and a sample row whose ID number passes GB 11643
  const csv = readFileSync(join(WEB, 'templates/workers.csv'), 'utf8').replace(/^\ufeff/, '').split(/\r?\n/);
  assert.equal(csv[0], '姓名,身份证号,手机,工种,等级,从业开始');
  const id = csv[1].split(',')[1];
  const w = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
  assert.equal('10X98765432'[[...id.slice(0, 17)].reduce((s, d, i) => s + Number(d) * w[i], 0) % 11], id[17]);
});

test('register, check, train and certify a worker; the credential verifies, tampering and revocation show', async () => {
  const name = freshName('安');
  const idNumber = freshId();

  // 1. company1 registers the worker (a wrong check digit first) and records the four checks
  const c = await open();
  await signIn(c.page, 'company1');
  await c.page.locator('#nav a[href="#/workers"]').click();
  await c.page.locator('.page-workers table').waitFor();
  await c.page.locator('.worker-new').click();
  const f = c.page.locator('#worker-create form');
  await f.locator('input[name=name]').fill(name);
  await f.locator('input[name=id_number]').fill(badCheck(idNumber));
  await f.locator('input[name=phone]').fill('13912345678');
  await f.locator('input[name=trades][value=household]').check();
  await f.locator('select[name=level]').selectOption('junior');
  await f.locator('button[type=submit]').click();
  const idErr = f.locator('[data-field=id_number] .field-error');
  await idErr.waitFor({ state: 'visible' });
  assert.equal(await idErr.textContent(), '身份证号不正确（未通过 GB 11643 校验）。');
  await f.locator('input[name=id_number]').fill(idNumber);
  await f.locator('button[type=submit]').click();
  await c.page.locator('.page-workers .notice-success', { hasText: name }).waitFor();
  const row = c.page.locator('.page-workers tr.row-new');
  await row.waitFor();
  assert.match(await row.textContent(), new RegExp(name));
  // the mask: the first three characters and the last, never the birth date
  assert.match(await row.textContent(), new RegExp(`${idNumber.slice(0, 3)}\\*{14}${idNumber.slice(17)}`));
  assert.doesNotMatch(await row.textContent(), new RegExp(idNumber.slice(6, 14)));
  assert.equal(await row.getAttribute('data-status'), 'red', 'a new worker may not serve yet');
  const workerId = Number(await row.getAttribute('data-worker'));
  assert.ok(workerId > 0);

  await row.locator('a.worker-link').click();
  await c.page.locator(`.page-worker[data-worker="${workerId}"] .elig-card[data-status]`).waitFor();
  // a company sees the age, never the birth date
  assert.match(await c.page.locator('.worker-record [data-fact=age]').textContent(), /^\d+ 岁$/);
  assert.equal(await c.page.locator('.worker-record [data-fact=birth_date]').count(), 0);
  // what is missing is said in words, per reason
  const reasons = await c.page.locator('.elig-card[data-trade=household] .reason').evaluateAll((els) => els.map((e) => e.dataset.code));
  for (const code of ['identity_unverified', 'background_missing', 'health_missing', 'insurance_missing', 'certificate_missing']) {
    assert.ok(reasons.includes(code), `reason ${code} in ${reasons}`);
  }
  assert.match(await c.page.locator('.elig-card[data-trade=household]').textContent(), /身份尚未核验通过/);
  const cf = c.page.locator('.check-form');
  for (const [kind, label] of [['identity', '身份核验'], ['background', '无犯罪记录审查'], ['health', '健康体检'], ['insurance', '保险']]) {
    await cf.locator('select[name=kind]').selectOption(kind);
    await cf.locator('select[name=result]').selectOption('pass');
    await cf.locator('input[name=checked_on]').fill(today());
    if (kind === 'insurance') await cf.locator('input[name=valid_until]').fill(nextYear());
    await cf.locator('input[name=reference]').fill(`REF-${kind}`);
    await cf.locator('button[type=submit]').click();
    await c.page.locator(`.checks tr[data-kind=${kind}]`).waitFor();
    assert.match(await c.page.locator('.page-worker .messages').textContent(), new RegExp(`已登记${label}：通过`));
  }
  assert.deepEqual(await c.problems(/status of 400/), []);

  // 2. trainer1 schedules one session of each safety course, enrols the worker and records a pass
  const courses = (await api(admin.token, '/api/courses?per_page=100')).json.items;
  const byKind = (k) => courses.find((x) => x.kind === k && x.active);
  const t = await open();
  await signIn(t.page, 'trainer1');
  for (const kind of ['safety_first_aid', 'safety_fire', 'safety_protection']) {
    const course = byKind(kind);
    assert.ok(course, `the demo has an active ${kind} course`);
    await t.page.goto(`${srv.url}/#/training`);
    await t.page.locator('.session-new').click();
    const sf = t.page.locator('#session-create form');
    await sf.locator('select[name=course_id]').selectOption(String(course.id));
    await sf.locator('input[name=starts_at]').fill(local(-120));
    await sf.locator('input[name=ends_at]').fill(local(-60));
    await sf.locator('input[name=location]').fill('拱墅区培训中心 2 楼');
    await sf.locator('input[name=capacity]').fill('20');
    await sf.locator('button[type=submit]').click();
    await t.page.locator('.new-session-link').click();
    await t.page.locator('.page-session .enrol-form').waitFor();
    assert.match(await t.page.locator('.page-session h1').textContent(), new RegExp(course.code));
    // a training institution finds the person by the whole ID number on the card shown
    await t.page.locator('.enrol-form input[name=q]').fill(idNumber);
    await t.page.locator('.enrol-form button[type=submit]').click();
    await t.page.locator(`.enrol-found tr[data-worker="${workerId}"] .enrol-found-btn`).click();
    const er = t.page.locator(`.enrolments-list tr[data-worker="${workerId}"]`);
    await er.waitFor();
    assert.equal(await er.locator('.enrol-score').isDisabled(), true, 'no score before attendance is ticked');
    await er.locator('.enrol-attended').check();
    await er.locator('.enrol-score').fill('92');
    await t.page.locator('.results-save').click();
    await er.locator('.enrol-result', { hasText: '通过' }).waitFor();
    assert.equal(await er.locator('.enrol-credits').textContent(), String(course.credits));
    assert.match(await t.page.locator('.page-session .messages').textContent(), /已保存 1 人的成绩/);
  }
  assert.deepEqual(await t.problems(), []);
  await t.context.close();

  // the household certificate policy also requires courses (and this quarter's refresher): passed
  // through the API, the same calls the pages make
  const policy = (await api(admin.token, '/api/cert-policies')).json.items.find((p) => p.trade === 'household');
  const more = [...policy.required_courses.map((rc) => courses.find((x) => x.id === rc.id)),
    courses.find((x) => x.refresher && x.active && (x.trade === 'household' || !x.trade))].filter(Boolean);
  const trainer = await login(srv.url, 'trainer1');
  const done = new Set(['safety_first_aid', 'safety_fire', 'safety_protection'].map((k) => byKind(k).id));
  for (const course of more) {
    if (done.has(course.id)) continue;
    done.add(course.id);
    const s = await api(trainer.token, '/api/training-sessions', { method: 'POST', json: {
      course_id: course.id, starts_at: `${local(-120)}:00+08:00`, ends_at: `${local(-60)}:00+08:00`, location: '培训中心 3 楼', capacity: 20 } });
    assert.equal(s.status, 201, s.text);
    assert.equal((await api(trainer.token, `/api/training-sessions/${s.json.id}/enrolments`, { method: 'POST', json: { id_number: idNumber, name } })).status, 201);
    const r = await api(trainer.token, `/api/training-sessions/${s.json.id}/enrolments/${workerId}`, { method: 'PATCH', json: { attended: true, score: 95 } });
    assert.equal(r.status, 200, r.text);
    assert.equal(r.json.passed, true);
  }

  // 3. the association admin issues the certificate from the worker's page
  const a = await open();
  await signIn(a.page, 'admin');
  await a.page.goto(`${srv.url}/#/workers/${workerId}`);
  const issue = a.page.locator('.cert-issue-form');
  await issue.waitFor();
  await issue.locator('select[name=trade]').selectOption('household');
  await issue.locator('button[type=submit]').click();
  await a.page.locator('.page-worker .notice-success', { hasText: '已颁发证书' }).waitFor();
  const cert = a.page.locator('.certs tr[data-status=valid]');
  await cert.waitFor();
  const serial = await cert.getAttribute('data-serial');
  assert.match(serial, /^AJ-\d{4}-\d{6}$/);
  // issuing again is refused: renew instead
  await a.page.locator('.cert-issue-form button[type=submit]').click();
  await a.page.locator('.cert-issue-form').getByText('该工种已有有效证书，请办理续期。').waitFor();
  await a.page.locator(`.elig-card[data-trade=household][data-status=green]`).waitFor();
  // renewing: allowed only with the policy's credits earned within the certificate's validity (the
  // training above was recorded on its first day); either way the page says what happened
  await a.page.locator(`.certs tr[data-serial="${serial}"] button`, { hasText: '续期' }).click();
  // the notice of the issuance above stays until the renewal's answer replaces it: wait for that answer,
  // then read its kind and words together
  const said = a.page.locator('.page-worker .messages .notice', { hasText: /已续期|续期所需学分不足/ });
  await said.waitFor();
  const { kind, text } = await said.evaluate((e) => ({ kind: e.className, text: e.textContent }));
  let current = serial;
  let renewedFrom = null;
  if (kind === 'notice notice-success') {
    const m = /^证书 (AJ-\d{4}-\d{6}) 已续期，新证书 (AJ-\d{4}-\d{6}) 有效期至 \d{4}-\d{2}-\d{2}。$/.exec(text);
    assert.ok(m, text);
    assert.equal(m[1], serial);
    await a.page.locator(`.certs tr[data-serial="${serial}"][data-status=renewed]`).waitFor();
    await a.page.locator(`.certs tr[data-serial="${m[2]}"][data-status=valid]`).waitFor();
    [current, renewedFrom] = [m[2], serial];
  } else {
    assert.match(text, /^续期所需学分不足。（已获 \d+ 学分，需要 \d+ 学分）$/);
  }

  // 4. the company's list shows the worker green
  await c.page.goto(`${srv.url}/#/workers`);
  await c.page.locator('.page-workers .filters input[name=q]').fill(name);
  await c.page.locator('.page-workers .filters button[type=submit]').click();
  const green = c.page.locator(`.page-workers tr[data-worker="${workerId}"]`);
  await green.waitFor();
  assert.equal(await green.getAttribute('data-status'), 'green');
  assert.match(await green.locator('td').first().textContent(), /可服务/);
  await c.page.locator('.page-workers .filters select[name=status]').selectOption('green');
  await c.page.locator('.page-workers .filters button[type=submit]').click();
  await c.page.waitForFunction(() => document.querySelectorAll('.page-workers tbody tr').length >= 1 &&
    [...document.querySelectorAll('.page-workers tbody tr')].every((r) => r.dataset.status === 'green'));
  await c.context.close();

  // 5. anyone at the door: by serial, without signing in
  const certs = (await api(admin.token, `/api/certificates?worker_id=${workerId}`)).json.items;
  const issued = certs.find((x) => x.serial === current);
  assert.ok(issued.token.startsWith('AJ1.'));
  assert.equal(issued.verify_url, `${srv.url}/verify#${issued.token}`);
  const v = await open({ viewport: { width: 390, height: 844 } });
  if (renewedFrom) {
    await v.page.goto(`${srv.url}/verify/${renewedFrom}`);
    await v.page.locator('.verdict[data-verdict=renewed]').waitFor();
    assert.equal(await v.page.locator('.verdict-title').textContent(), '证书已换发');
  }
  await v.page.goto(`${srv.url}/verify/${current}`);
  await v.page.locator('.verdict[data-verdict=valid]').waitFor();
  assert.equal(await v.page.locator('.verdict-title').textContent(), '证书有效');
  assert.match(await v.page.locator('.verify-facts').textContent(), new RegExp(`${name[0]}\\*`));
  assert.doesNotMatch(await v.page.locator('body').textContent(), new RegExp(name), 'the full name is never shown');
  assert.equal(await v.page.locator('.verify-facts [data-fact=trades]').textContent(), '家政服务员');

  // the signed token, checked in the browser
  await v.page.goto(issued.verify_url);
  await v.page.locator('.sig[data-sig=valid]').waitFor();
  await v.page.locator('.live-status[data-status=valid]').waitFor();
  assert.equal(await v.page.locator('.verdict').getAttribute('data-verdict'), 'valid');
  assert.equal(await v.page.locator('.dates').getAttribute('data-in'), 'true');
  assert.match(await v.page.locator('.verify-facts [data-fact=serial]').textContent(), new RegExp(current));
  const overflow = await v.page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
  assert.ok(overflow <= 0, `no sideways scrolling on a phone (${overflow}px)`);

  // one character changed, in the payload and then in the signature: INVALID
  const [head, payload, sig] = issued.token.split('.');
  const flip = (s, i) => s.slice(0, i) + (s[i] === 'A' ? 'B' : 'A') + s.slice(i + 1);
  for (const forged of [`${head}.${flip(payload, 20)}.${sig}`, `${head}.${payload}.${flip(sig, 30)}`]) {
    await v.page.goto(`${srv.url}/verify#${forged}`);
    await v.page.reload();
    await v.page.locator('.verdict[data-verdict=invalid]').waitFor();
    assert.equal(await v.page.locator('.verdict-title').textContent(), '签名无效');
    assert.equal(await v.page.locator('.live-status').count(), 0, 'no live status for a forged token');
  }
  // pasted into the form, in English
  await v.page.goto(`${srv.url}/verify`);
  await v.page.locator('.public-top .lang-btn[lang=en]').click();
  // the page is drawn again in English: fill the form that stays, not the one it replaces
  await v.page.locator('.verify[data-lang=en] .verify-form button[type=submit]', { hasText: 'Check' }).waitFor();
  await v.page.locator('.token-input').fill(issued.token);
  await v.page.locator('.verify-form button[type=submit]').click();
  await v.page.locator('.verdict[data-verdict=valid]').waitFor();
  assert.equal(await v.page.locator('.verdict-title').textContent(), 'Valid certificate');
  assert.equal(await v.page.locator('.sig').textContent(), 'Signature valid');
  assert.deepEqual(await v.problems(/status of 404/), []);

  // 6. revoked: the signature still holds, the live status says REVOKED
  await a.page.reload();
  await a.page.locator(`.certs tr[data-serial="${current}"] button`, { hasText: '吊销' }).click();
  await a.page.locator('.cert-revoke-form input[name=reason]').fill('冒用他人证件');
  await a.page.locator('.cert-revoke-form button[type=submit]').click();
  await a.page.locator('.page-worker .notice-success', { hasText: `已吊销证书 ${current}` }).waitFor();
  await a.page.locator(`.certs tr[data-serial="${current}"][data-status=revoked]`).waitFor();
  assert.deepEqual(await a.problems(/status of (409|422)/), []);
  await a.context.close();
  await v.page.goto(issued.verify_url);
  await v.page.reload();
  await v.page.locator('.live-status[data-status=revoked]').waitFor();
  assert.equal(await v.page.locator('.sig').getAttribute('data-sig'), 'valid');
  assert.equal(await v.page.locator('.verdict').getAttribute('data-verdict'), 'revoked');
  assert.equal(await v.page.locator('.verdict-title').textContent(), 'REVOKED');

  // offline: the keys kept from the last visit still check the signature, and the page says that
  // a revocation since then cannot be seen
  await v.page.route('**/api/public/**', (route) => route.abort('internetdisconnected'));
  await v.page.reload();
  await v.page.locator('.offline-note').waitFor();
  assert.equal(await v.page.locator('.sig').getAttribute('data-sig'), 'valid');
  assert.equal(await v.page.locator('.live-status').getAttribute('data-status'), 'offline');
  assert.match(await v.page.locator('.offline-note').textContent(), /revocations newer than this credential cannot be seen/);
  await v.context.close();
});

test('a CSV file with bad rows imports nothing; "good rows only" imports the good ones', async () => {
  const good = [[freshName('苏'), freshId()], [freshName('苏'), freshId()]];
  const csv = ['姓名,身份证号,手机,工种,等级,从业开始',
    `${good[0][0]},${good[0][1]},13700000001,家政服务员、保洁员,初级,2016-03-01`,
    `${freshName('苏')},${badCheck(freshId())},13700000002,保洁员,中级,`,
    `${good[1][0]},${good[1][1]},13700000003,household;cooking,senior,`,
    `${freshName('苏')},${freshId()},12345,育婴员,初级,`].join('\r\n') + '\r\n';
  const before = (await api(company.token, '/api/workers?per_page=1')).json.total;
  const { context, page, problems } = await open();
  await signIn(page, 'company1');
  await page.goto(`${srv.url}/#/workers`);
  // the template is offered for download
  assert.equal(await page.locator('a.worker-template').getAttribute('href'), 'templates/workers.csv');
  await page.locator('.worker-import').click();
  const f = page.locator('#worker-import form');
  await f.locator('input[type=file]').setInputFiles({ name: 'workers.csv', mimeType: 'text/csv', buffer: Buffer.from(`\ufeff${csv}`) });
  await f.locator('button[type=submit]').click();
  const result = page.locator('#worker-import .import-result');
  await result.locator('.notice-error').waitFor();
  assert.match(await result.locator('.notice-error').textContent(), /没有导入任何数据/);
  const lines = await result.locator('tbody tr').evaluateAll((rows) => rows.map((r) => `${r.dataset.line}:${r.dataset.code}`));
  assert.deepEqual(lines, ['3:invalid_id_number', '5:invalid_phone']);
  assert.match(await result.locator('tbody tr[data-line="3"]').textContent(), /身份证号.*身份证号不正确/);
  assert.equal((await api(company.token, '/api/workers?per_page=1')).json.total, before, 'nothing was written');

  // check only: the same errors, still nothing written
  await f.locator('input[name=dry_run]').check();
  await f.locator('button[type=submit]').click();
  await result.locator('.notice-warning', { hasText: '未写入任何数据' }).waitFor();
  assert.equal(await result.locator('tbody tr').count(), 2);
  assert.equal((await api(company.token, '/api/workers?per_page=1')).json.total, before);

  await f.locator('input[name=dry_run]').uncheck();
  await f.locator('input[name=good_only]').check();
  await f.locator('button[type=submit]').click();
  await result.locator('.notice-warning', { hasText: '导入完成' }).waitFor();
  assert.equal(await result.locator('[data-count=imported]').textContent(), '2');
  assert.equal(await result.locator('[data-count=skipped]').textContent(), '2');
  assert.equal(await result.locator('tbody tr').count(), 2);
  assert.equal((await api(company.token, '/api/workers?per_page=1')).json.total, before + 2);
  for (const [name] of good) {
    const found = (await api(company.token, `/api/workers?q=${encodeURIComponent(name)}`)).json.items;
    assert.equal(found.length, 1, name);
  }
  const second = (await api(company.token, `/api/workers?q=${encodeURIComponent(good[1][0])}`)).json.items[0];
  assert.deepEqual([...second.trades].sort(), ['cooking', 'household']);
  assert.equal(second.level, 'senior');
  assert.deepEqual(await problems(/status of 422/), []);
  await context.close();
});

test('registering explains a taken, a revoked and a mismatched person, and asks a person employed elsewhere to move', async () => {
  // set-up through the API: one person revoked industry-wide, one employed by another company
  const other = (await api(admin.token, '/api/orgs?kind=company&q=%E5%B7%A7%E6%89%8B')).json.items[0];
  const revokedId = freshId();
  const movingId = freshId();
  const movingName = freshName('韩');
  const mk = async (name, id) => {
    const r = await api(admin.token, '/api/workers', { method: 'POST', json: { name, id_number: id, phone: '13600000000', trades: ['cleaning'], level: 'junior', company_id: other.id } });
    assert.equal(r.status, 201, r.text);
    return r.json;
  };
  const rv = await mk(freshName('韦'), revokedId);
  assert.equal((await api(admin.token, `/api/workers/${rv.id}/revoke`, { method: 'POST', json: { reason: '偷窃客户财物' } })).status, 200);
  const mv = await mk(movingName, movingId);

  const { context, page, problems } = await open({ locale: 'en-US' });
  await signIn(page, 'company1');
  await page.goto(`${srv.url}/#/workers`);
  await page.locator('.worker-new').click();
  const f = page.locator('#worker-create form');
  const submit = async (name, id) => {
    await f.locator('input[name=name]').fill(name);
    await f.locator('input[name=id_number]').fill(id);
    await f.locator('input[name=phone]').fill('13512345678');
    await f.locator('input[name=trades][value=cleaning]').check();
    await f.locator('button[type=submit]').click();
  };
  // revoked: that is all a company learns, not why
  await submit(freshName('韦'), revokedId);
  const idErr = f.locator('[data-field=id_number] .field-error');
  await idErr.waitFor({ state: 'visible' });
  assert.equal(await idErr.textContent(), 'This person is revoked industry-wide and cannot be registered.');
  assert.doesNotMatch(await page.locator('.page-workers').textContent(), /偷窃客户财物/);
  await submit('别的名字', movingId);
  const nameErr = f.locator('[data-field=name] .field-error');
  await nameErr.waitFor({ state: 'visible' });
  assert.equal(await nameErr.textContent(), 'This ID number is registered under another name.');
  // employed elsewhere: the person is asked; nothing moves
  await submit(movingName, movingId);
  const asked = page.locator('.page-workers .messages .notice-info');
  await asked.waitFor();
  assert.match(await asked.textContent(), /A transfer request was sent to them, valid until \d{4}-\d{2}-\d{2} \d{2}:\d{2}\. Nothing changes until they confirm/);
  assert.doesNotMatch(await asked.textContent(), /moved to yours/);
  assert.equal((await api(company.token, `/api/workers?q=${encodeURIComponent(movingName)}`)).json.total, 0, 'not ours yet');
  assert.equal((await api(admin.token, `/api/workers/${mv.id}`)).json.company.id, other.id, 'still theirs');
  // the same person again: already asked
  await page.locator('.worker-new').click();
  await submit(movingName, movingId);
  await idErr.waitFor({ state: 'visible' });
  assert.equal(await idErr.textContent(), 'A request for this person already waits for their confirmation.');
  // the company's requests: waiting, with the masked name only, and a way to withdraw
  await page.locator('.page-workers a.transfers-link').first().click();
  const req = page.locator(`.page-transfers tr[data-worker="${mv.id}"]`);
  await req.waitFor();
  assert.equal(await req.getAttribute('data-status'), 'pending');
  assert.match(await req.textContent(), new RegExp(`${movingName[0]}\\*${movingName.slice(-1)}`));
  assert.doesNotMatch(await page.locator('.page-transfers').textContent(), new RegExp(`${movingName}|杭州巧手`));
  assert.equal(await req.locator('button.transfer-cancel').count(), 1);
  assert.deepEqual(await problems(/status of (400|409|422)/), []);

  // the person comes to the association's counter: it confirms for them, saying so
  const a0 = await open();
  await signIn(a0.page, 'admin');
  await a0.page.goto(`${srv.url}/#/transfers`);
  const pending = a0.page.locator(`.page-transfers tr[data-worker="${mv.id}"][data-status=pending]`);
  await pending.waitFor();
  assert.match(await pending.textContent(), new RegExp(`${movingName}.*杭州巧手家政服务有限公司 → 杭州安心家政服务有限公司`));
  await pending.locator('.transfer-accept').click();
  const af = a0.page.locator('.transfer-accept-form');
  await af.locator('button[type=submit]').click();
  await af.locator('[data-field=note] .field-error', { hasText: '请写明如何核验了本人' }).waitFor();
  await af.locator('textarea[name=note]').fill('本人持身份证到协会窗口确认');
  await af.locator('button[type=submit]').click();
  await a0.page.locator('.page-transfers .notice-success', { hasText: `已为 ${movingName} 确认转入` }).waitFor();
  await a0.context.close();

  // now ours: the employment history shows the move
  await page.reload();
  await page.locator(`.page-transfers tr[data-worker="${mv.id}"][data-status=accepted]`).waitFor();
  const moved = (await api(company.token, `/api/workers?q=${encodeURIComponent(movingName)}`)).json.items[0];
  assert.equal(moved.id, mv.id);
  await page.goto(`${srv.url}/#/workers/${moved.id}`);
  const hist = page.locator('.employment-list tbody tr');
  await page.waitForFunction(() => document.querySelectorAll('.employment-list tbody tr').length === 2);
  assert.match(await hist.nth(1).textContent(), /杭州巧手家政服务有限公司/);
  await context.close();

  // the association cannot certify them yet, and is told every requirement missing, in words
  const a = await open();
  await signIn(a.page, 'admin');
  await a.page.goto(`${srv.url}/#/workers/${moved.id}`);
  await a.page.locator('.cert-issue-form button[type=submit]').click();
  const why = a.page.locator('.cert-issue-form .issue-result .notice-error');
  await why.waitFor();
  assert.match(await why.textContent(), /^尚不满足颁证条件：/);
  const codes = await why.locator('.reason').evaluateAll((els) => els.map((e) => e.dataset.code));
  assert.ok(codes.includes('identity_unverified') && codes.includes('safety_training_missing'), codes.join());
  assert.match(await why.textContent(), /身份尚未核验通过/);
  assert.match(await why.locator('.reason[data-code=safety_training_missing]').textContent(),
    /急救、消防、防护三门安全培训未全部通过（安全：急救、安全：消防、安全：防护）/);
  assert.deepEqual(await a.problems(/status of 422/), []);
  await a.context.close();
});

test('a worker sees their own record, colours and certificates with QR codes; no registry', async () => {
  const me = await login(srv.url, 'worker1');
  const mine = await call(srv.url, '/api/me/worker', { token: me.token });
  assert.equal(mine.status, 200, mine.text);
  const { context, page, problems } = await open({ viewport: { width: 360, height: 780 } });
  await signIn(page, 'worker1');
  await page.locator('.menu-toggle').click();
  const nav = await page.locator('#nav .nav-link').allTextContents();
  assert.ok(nav.includes('我的档案'));
  assert.ok(!nav.includes('服务员'), 'a worker has no registry of workers');
  await page.locator('#nav a[href="#/me/worker"]').click();
  await page.locator('.page-my-worker .my-status').waitFor();
  assert.match(await page.locator('.my-status').textContent(), new RegExp(
    { green: '可服务', yellow: '需关注', red: '不可服务' }[mine.json.eligibility.status]));
  const certs = mine.json.certificates || [];
  assert.equal(await page.locator('.cert-card').count(), certs.length);
  if (certs.length) {
    const img = page.locator('.cert-card img.qr').first();
    await img.evaluate((el) => (el.complete ? null : new Promise((r) => { el.onload = r; el.onerror = r; })));
    assert.ok(await img.evaluate((el) => el.naturalWidth > 0), 'the QR code loads');
    assert.equal(await img.getAttribute('src'), `/api/certificates/${certs[0].id}/qr.svg`);
    assert.match(await page.locator('.cert-card').first().textContent(), new RegExp(certs[0].serial));
    assert.equal(await page.locator('.cert-card a', { hasText: '打开电子证书' }).first().getAttribute('href'), certs[0].verify_url);
  }
  const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
  assert.ok(overflow <= 0, `no sideways scrolling (${overflow}px)`);
  // the registry itself is not theirs
  await page.goto(`${srv.url}/#/workers`);
  await page.locator('.page-denied').waitFor();
  assert.deepEqual(await problems(), []);
  await context.close();
});

test('pass rates per quarter against the target; courses and sessions for the trainer; standards for the admin', async () => {
  const { context, page, problems } = await open({ locale: 'en-US' });
  await signIn(page, 'admin');
  await page.goto(`${srv.url}/#/training/rates`);
  await page.locator('.rate-overall').waitFor();
  const r = (await api(admin.token, '/api/training/pass-rates')).json;
  const o = r.overall;
  assert.match(await page.locator('.rate-value').textContent(), new RegExp(`% \\(${o.passed}/${o.examined}\\)$`));
  const meets = o.passed * r.target.den >= r.target.num * o.examined;
  assert.equal(await page.locator('.rate-overall').getAttribute('data-meets'), String(meets));
  assert.equal(await page.locator('.page-rates tbody tr').count(), r.courses.length);
  const below = r.courses.filter((x) => x.examined && !x.meets_target).length;
  assert.equal(await page.locator('.page-rates tr.row-below').count(), below);
  assert.equal(await page.locator('.page-rates tbody .below-target').count(), below);
  // an earlier quarter
  const q = await page.locator('.page-rates select[name=quarter] option').nth(1).getAttribute('value');
  await page.locator('.page-rates select[name=quarter]').selectOption(q);
  await page.locator('.page-rates .filters button[type=submit]').click();
  await page.locator('.rate-label', { hasText: q }).waitFor();

  // standards: the admin changes the warning window; out of range is refused on the spot
  await page.goto(`${srv.url}/#/standards`);
  const sf = page.locator('.standards-form');
  await sf.waitFor();
  await page.locator('.policies-list tr[data-trade=household]').waitFor();
  await sf.locator('input[name=lapse_warning_days]').fill('120');
  await sf.locator('button[type=submit]').click();
  assert.equal(await sf.locator('[data-field=lapse_warning_days] .field-error').textContent(), 'Enter a whole number from 0 to 90.');
  await sf.locator('input[name=lapse_warning_days]').fill('45');
  await sf.locator('button[type=submit]').click();
  await sf.locator('.form-actions .beside-note', { hasText: 'saved' }).waitFor(); // beside the button that saved
  assert.equal((await call(srv.url, '/api/public/standards')).json.lapse_warning_days, 45);
  // a certificate policy: 24 months
  await page.locator('.policies-list tr[data-trade=cooking] button').click();
  const pf = page.locator('.policy-form');
  await pf.locator('input[name=validity_months]').fill('24');
  await pf.locator('button[type=submit]').click();
  await page.locator('.policies-list tr.row-new[data-trade=cooking]', { hasText: '24 months' }).waitFor();
  assert.deepEqual(await problems(), []);
  await context.close();

  // the trainer: a course that ends before it starts is refused before it is sent
  const t = await open();
  await signIn(t.page, 'trainer1');
  await t.page.locator('#nav a[href="#/training"]').click();
  await t.page.locator('.courses-list table').waitFor();
  assert.ok(await t.page.locator('.courses-list tbody tr').count() >= 9);
  assert.equal(await t.page.locator('.course-new').count(), 0, 'only the association defines courses');
  await t.page.locator('.session-new').click();
  const sf2 = t.page.locator('#session-create form');
  await sf2.locator('select[name=course_id]').selectOption({ index: 1 });
  await sf2.locator('input[name=starts_at]').fill(local(60 * 24));
  await sf2.locator('input[name=ends_at]').fill(local(60 * 23));
  await sf2.locator('input[name=location]').fill('培训中心');
  await sf2.locator('button[type=submit]').click();
  assert.equal(await sf2.locator('[data-field=ends_at] .field-error').textContent(), '结束时间须晚于开始时间。');
  assert.deepEqual(await t.problems(), []);
  await t.context.close();
});

test('the public profile shows no personal data, in either language, on a phone', async () => {
  const list = (await api(admin.token, '/api/workers?status=green&per_page=1')).json.items;
  assert.ok(list.length, 'the demo has a worker who may serve');
  const w = list[0];
  const { context, page, problems } = await open({ viewport: { width: 360, height: 740 } });
  await page.goto(`${srv.url}/workers/${w.id}`);
  await page.locator('.public-worker').waitFor();
  const text = await page.locator('body').textContent();
  assert.match(await page.locator('.profile-name').textContent(), /\*/);
  assert.ok(!text.includes(w.name), 'no full name');
  assert.ok(!text.includes(w.phone), 'no phone');
  assert.ok(!text.includes(w.birth_date), 'no birth date');
  const pub = (await call(srv.url, `/api/public/workers/${w.id}`)).json;
  assert.equal(await page.locator('.public-cert').count(), pub.certificates.length);
  await page.locator('.public-top .lang-btn[lang=en]').click();
  await page.locator('.panel-title', { hasText: 'Certificates' }).waitFor();
  assert.equal(await page.getAttribute('html', 'lang'), 'en');
  const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
  assert.ok(overflow <= 0, `no sideways scrolling (${overflow}px)`);
  await page.goto(`${srv.url}/workers/99999999`);
  await page.locator('.notice-error', { hasText: 'No such worker.' }).waitFor();
  assert.deepEqual(await problems(/status of 404/), []);
  await context.close();
});

test('the verify page keeps working offline after one visit (service worker)', async () => {
  // its own server, stopped halfway
  const own = await startServer();
  const { context, page, problems } = await open({ serviceWorkers: 'allow', viewport: { width: 390, height: 844 } });
  try {
    const adm = await login(own.url, 'admin');
    const cert = (await call(own.url, '/api/certificates?status=valid&per_page=1', { token: adm.token })).json.items[0];
    const url = `${own.url}/verify#${cert.token}`;
    await page.goto(url);
    await page.locator('.live-status[data-status=valid]').waitFor();
    await page.evaluate(async () => { await navigator.serviceWorker.ready; });
    await page.reload(); // now controlled by the service worker
    await page.locator('.live-status[data-status=valid]').waitFor();
    assert.ok(await page.evaluate(() => Boolean(navigator.serviceWorker.controller)));
    await own.stop({ keep: true });
    await page.reload();
    await page.locator('.sig[data-sig=valid]').waitFor();
    await page.locator('.offline-note').waitFor();
    assert.equal(await page.locator('.live-status').getAttribute('data-status'), 'offline');
    assert.deepEqual(await problems(/Failed to load resource|ERR_CONNECTION_REFUSED|Failed to fetch|FetchEvent/), []);
  } finally {
    await context.close();
    await own.stop();
  }
});
