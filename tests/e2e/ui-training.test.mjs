// Browser tests of a trainer's day: finding a registry worker by name and enrolling them, entering a
// session's results in one save (the session is then completed; unticking attendance clears the
// score), a score sheet with one bad row (that row's error shown, nothing written), the attendance
// sheet and who owes this quarter's refresher.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { launch, openPage, signInAt } from './lib/browser.mjs';
import { startServer, login } from './lib/server.mjs';
import { call } from './lib/http.mjs';

let srv;
let browser;
let admin;
let company;
let trainer;

before(async () => {
  srv = await startServer({ workers: 200 });
  browser = await launch();
  admin = await login(srv.url, 'admin');
  company = await login(srv.url, 'company1');
  trainer = await login(srv.url, 'trainer1');
});

after(async () => {
  if (browser) await browser.close();
  if (srv) await srv.stop();
});

const api = (token, path, opts = {}) => call(srv.url, path, { token, ...opts });
const local = (minutes) => new Date(Date.now() + (8 * 60 + minutes) * 60000).toISOString().slice(0, 16);

let idSeq = 0;
function freshId() {
  idSeq += 1;
  const body = `3301061987${String(1 + (idSeq % 12)).padStart(2, '0')}1${idSeq % 10}${String(200 + idSeq).padStart(3, '0')}`;
  const w = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
  const sum = [...body].reduce((s, d, i) => s + Number(d) * w[i], 0);
  return body + '10X98765432'[sum % 11];
}
// names no demo worker has, so a search by the whole name finds one person
const names = ['欧阳春晓', '欧阳夏禾', '欧阳秋实', '欧阳冬青'];

async function registered(name) {
  const r = await api(company.token, '/api/workers', { method: 'POST', json: {
    name, id_number: freshId(), phone: '13900001111', trades: ['household'], level: 'senior' } });
  assert.equal(r.status, 201, r.text);
  return r.json.id;
}

// A session of an active non-trade course of trainer1's institution that began two hours ago.
async function session() {
  const courses = (await api(admin.token, '/api/courses?per_page=100')).json.items;
  const course = courses.find((c) => c.active && c.kind === 'communication') || courses.find((c) => c.active && !c.trade);
  const r = await api(trainer.token, '/api/training-sessions', { method: 'POST', json: {
    course_id: course.id, starts_at: `${local(-120)}:00+08:00`, ends_at: `${local(-60)}:00+08:00`, location: '西湖区培训中心 1 楼', capacity: 20 } });
  assert.equal(r.status, 201, r.text);
  return r.json;
}

test('trainer1 finds workers by name, enrols them, enters the results in one save, and the session is completed', async () => {
  const w1 = await registered(names[0]);
  const w2 = await registered(names[1]);
  const s = await session();
  const { context, page, problems } = await openPage(browser);
  await signInAt(srv.url, page, 'trainer1');
  await page.goto(`${srv.url}/#/training/sessions/${s.id}`);
  for (const [name, id] of [[names[0], w1], [names[1], w2]]) {
    await page.locator('.enrol-form input[name=q]').fill(name);
    await page.locator('.enrol-form button[type=submit]').click();
    const found = page.locator(`.enrol-found tr[data-worker="${id}"]`);
    await found.waitFor();
    // the number only masked: the first three and the last characters
    assert.match(await found.locator('td.mono').textContent(), /^\d{3}\*{14}[\dX]$/);
    await found.locator('.enrol-found-btn').click();
    await page.locator(`.enrolments-list tr[data-worker="${id}"]`).waitFor();
  }
  // part of a name finds nobody
  await page.locator('.enrol-form input[name=q]').fill('欧阳');
  await page.locator('.enrol-form button[type=submit]').click();
  await page.locator('.enrol-found .state-empty').waitFor();

  const r1 = page.locator(`.enrolments-list tr[data-worker="${w1}"]`);
  const r2 = page.locator(`.enrolments-list tr[data-worker="${w2}"]`);
  await r1.locator('.enrol-attended').check();
  await r1.locator('.enrol-score').fill('88');
  // unticking attendance clears the score typed and disables it
  await r2.locator('.enrol-attended').check();
  await r2.locator('.enrol-score').fill('75');
  await r2.locator('.enrol-attended').uncheck();
  assert.equal(await r2.locator('.enrol-score').inputValue(), '');
  assert.equal(await r2.locator('.enrol-score').isDisabled(), true);
  await page.locator('.results-save').click();
  await page.locator('.page-session .messages', { hasText: '已保存 2 人的成绩' }).waitFor();
  await page.locator('.session-info .badge', { hasText: '已完成' }).waitFor();
  assert.match(await page.locator('.session-info').textContent(), /已录成绩\s*2 \/ 2/);
  await r1.locator('.enrol-result', { hasText: '通过' }).waitFor();
  const saved = (await api(trainer.token, `/api/training-sessions/${s.id}/enrolments`)).json.items;
  assert.deepEqual(saved.map((e) => [e.worker.id, e.attended, e.score]).sort((a, b) => a[0] - b[0]),
    [[w1, true, 88], [w2, false, null]].sort((a, b) => a[0] - b[0]));
  assert.equal((await api(trainer.token, `/api/training-sessions/${s.id}`)).json.status, 'completed');

  // the attendance sheet: the session and each enrolled worker, masked, with a column to sign
  await page.locator('.sheet-open').click();
  const sheet = page.locator('.attendance-sheet');
  await sheet.locator('.sheet-title').waitFor();
  assert.equal(await sheet.locator('tbody tr').count(), 2);
  assert.match(await sheet.textContent(), /西湖区培训中心 1 楼/);
  assert.match(await sheet.locator('tbody tr').first().locator('td.mono').textContent(), /^\d{3}\*{14}[\dX]$/);
  assert.equal(await page.locator('.session-main').isHidden(), true);
  assert.deepEqual(await problems(), []);
  await context.close();
});

test('a score sheet with one bad row shows that row\'s error and writes nothing; fixed, it imports', async () => {
  const w1 = await registered(names[2]);
  const w2 = await registered(names[3]);
  const s = await session();
  for (const [name, id] of [[names[2], w1], [names[3], w2]]) {
    const found = await api(trainer.token, `/api/training/worker-search?q=${encodeURIComponent(name)}`);
    assert.equal(found.json.items[0].id, id);
    const e = await api(trainer.token, `/api/training-sessions/${s.id}/enrolments`, { method: 'POST', json: { worker_id: id } });
    assert.equal(e.status, 201, e.text);
  }
  const { context, page, problems } = await openPage(browser);
  await signInAt(srv.url, page, 'trainer1');
  await page.goto(`${srv.url}/#/training/sessions/${s.id}`);
  await page.locator('.import-form').waitFor();
  const bad = `人员编号,姓名,出勤,成绩\n${w1},${names[2]},是,90\n${w2},${names[3]},是,150\n`;
  await page.locator('.import-file').setInputFiles({ name: 'scores.csv', mimeType: 'text/csv', buffer: Buffer.from(bad) });
  await page.locator('.import-go').click();
  const row = page.locator('.import-result tr.import-error[data-line="3"]');
  await row.waitFor();
  assert.equal(await page.locator('.import-result tr.import-error').count(), 1);
  assert.match(await row.textContent(), new RegExp(names[3]));
  assert.match(await row.textContent(), /score/);
  let saved = (await api(trainer.token, `/api/training-sessions/${s.id}/enrolments`)).json.items;
  assert.deepEqual(saved.map((e) => e.attended), [null, null], 'nothing written');
  assert.equal((await api(trainer.token, `/api/training-sessions/${s.id}`)).json.status, 'scheduled');

  // fixed: checked first (nothing saved), then imported
  const good = bad.replace(',150', ',59');
  await page.locator('.import-file').setInputFiles({ name: 'scores.csv', mimeType: 'text/csv', buffer: Buffer.from(good) });
  await page.locator('.import-check').click();
  await page.locator('.import-result .notice-success').waitFor();
  saved = (await api(trainer.token, `/api/training-sessions/${s.id}/enrolments`)).json.items;
  assert.deepEqual(saved.map((e) => e.attended), [null, null], 'a check writes nothing');
  await page.locator('.import-go').click();
  await page.locator('.page-session .messages', { hasText: '已导入 2 人的成绩' }).waitFor();
  await page.locator('.session-info .badge', { hasText: '已完成' }).waitFor();
  saved = (await api(trainer.token, `/api/training-sessions/${s.id}/enrolments`)).json.items;
  assert.deepEqual(saved.map((e) => e.score).sort(), [59, 90]);
  assert.deepEqual(await problems(/status of 422/), []);
  await context.close();
});

test('the training page lists who owes this quarter\'s refresher', async () => {
  const r = await api(trainer.token, '/api/training/refresher-due?per_page=100');
  assert.equal(r.status, 200, r.text);
  const { context, page, problems } = await openPage(browser);
  await signInAt(srv.url, page, 'trainer1');
  await page.goto(`${srv.url}/#/training`);
  const list = page.locator('.refresher-due-list');
  if (r.json.total) {
    await list.locator('tbody tr').first().waitFor();
    assert.equal(await list.locator('tbody tr').count(), Math.min(20, r.json.items.length));
  } else {
    await list.locator('.state-empty').waitFor();
  }
  assert.deepEqual(await problems(), []);
  await context.close();
});
