// Browser tests of the words and the small things the pages show: one name per worker, the audit
// actions in words, the way back from a worker's booking, shares in one form, service items'
// English titles, the public-profile button, the review form's stale error, the standards page
// (every standard, labelled, edited and read back, saved note beside the button), a check-in not
// yet open, the public worker profile's menu and way back, and what an empty search says.
// One demo server and one Chromium for the whole file; every test gets its own browser context.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, mkdtempSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { tmpdir } from 'node:os';
import { launch, openPage, signInAt } from './lib/browser.mjs';
import { startServer, login, anjia, ROOT, engine } from './lib/server.mjs';
import { call, dbSql } from './lib/http.mjs';

const zh = JSON.parse(readFileSync(join(ROOT, 'web/i18n/zh-CN.json'), 'utf8'));
const en = JSON.parse(readFileSync(join(ROOT, 'web/i18n/en.json'), 'utf8'));
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
const q = (sql) => dbSql(srv.db, sql).trim();
const now = () => Math.floor(Date.now() / 1000);

test('a worker login is named as its record', async () => {
  // every linked login carries its record's name
  assert.equal(q('SELECT count(*) FROM users u JOIN workers w ON w.user_id = u.id WHERE u.name <> w.name'), '0');
  assert.ok(Number(q('SELECT count(*) FROM users u JOIN workers w ON w.user_id = u.id')) >= 6);
});

// migration 013 named the logins of databases made before the rule: SQLite files (a PostgreSQL
// platform starts at the newest schema, or is copied from a file already migrated)
test('the migration names the logins linked before', { skip: engine !== 'sqlite' && 'databases from before the rule are SQLite files' }, async () => {
  // a database from before the rule: worker1 named otherwise, migration 013 not yet applied
  const dir = mkdtempSync(join(tmpdir(), 'anjia-words-'));
  try {
    const db = join(dir, 'old.db');
    dbSql(srv.db, `VACUUM INTO '${db}'`);
    dbSql(db, "UPDATE users SET name = '张秀华' WHERE login = 'worker1';"
      + ' ALTER TABLE service_items DROP COLUMN title_en; DELETE FROM schema_migrations WHERE version = 13;');
    assert.equal(dbSql(db, "SELECT name FROM users WHERE login = 'worker1'").trim(), '张秀华');
    const r = anjia(['migrate', '--db', db]);
    assert.equal(r.status, 0, r.stderr);
    const [login, record] = dbSql(db, "SELECT u.name, w.name FROM users u JOIN workers w ON w.user_id = u.id WHERE u.login = 'worker1'").trim().split('|');
    assert.equal(login, record);
    assert.notEqual(login, '张秀华');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('the audit page names every action in words, in Chinese and in English', async () => {
  for (const [locale, cat] of [['zh-CN', zh], ['en', en]]) {
    const p = await open({ locale });
    await signIn(p.page, 'admin');
    await p.page.goto(`${srv.url}/#/audit`);
    await p.page.locator('.page-audit table tbody tr').first().waitFor();
    // the demo's actions, each filtered for and shown with its label
    const actions = q('SELECT DISTINCT action FROM audit_log ORDER BY action').split('\n');
    assert.ok(actions.length > 40);
    for (const a of ['booking.confirm', 'complaint.escalate', 'claim.pay', 'inspection.result']) {
      assert.ok(actions.includes(a), a);
      const input = p.page.locator('.page-audit .filters input').nth(1);
      await input.fill(a);
      await p.page.locator('.page-audit .filters button[type=submit]').click();
      const cell = p.page.locator('.page-audit table tbody tr td:nth-child(4)').first();
      await p.page.locator('.page-audit table tbody tr td:nth-child(4) code', { hasText: a }).first().waitFor();
      const text = await cell.textContent();
      assert.ok(text.startsWith(cat.audit.actions[a]), `${locale} ${a}: ${text}`);
    }
    assert.deepEqual(await p.problems(), []);
    await p.context.close();
  }
});

test('a worker\'s booking leads back to their jobs in words', async () => {
  const id = q("SELECT b.id FROM bookings b JOIN workers w ON w.id = b.worker_id JOIN users u ON u.id = w.user_id WHERE u.login = 'worker1' ORDER BY b.start_at DESC LIMIT 1");
  const p = await open();
  await signIn(p.page, 'worker1');
  await p.page.goto(`${srv.url}/#/bookings/${id}`);
  const back = p.page.locator('.page .back a[href="#/jobs"]');
  await back.waitFor();
  assert.equal(await back.textContent(), zh.jobs.back);
  await p.context.close();
});

test('shares read one way, rounded to one decimal with their counts; targets in the same form', async () => {
  for (const [locale, cat] of [['zh-CN', zh], ['en', en]]) {
    const p = await open({ locale });
    await p.page.goto(`${srv.url}/#/satisfaction`);
    await p.page.locator('.page-satisfaction .sat-rate').first().waitFor();
    const target = await p.page.locator('.rate-target').first().textContent();
    assert.ok(target.includes(cat.satisfaction.target.replace('{pct}', '95.0')), target);
    const cells = await p.page.locator('.page-satisfaction td.sat-rate, .page-satisfaction td.sat-response').allTextContents();
    assert.ok(cells.length > 2);
    for (const c of cells) {
      if (c === cat.satisfaction.no_reviews || c === '—') continue;
      const m = /^(\d+\.\d)% \((\d+)\/(\d+)\)$/.exec(c);
      assert.ok(m, `share "${c}"`);
      // the figure is the counts' share rounded half up
      const [, pct, num, den] = m;
      assert.equal(pct, (Math.floor((2000 * num + Number(den)) / (2 * den)) / 10).toFixed(1), c);
    }
    await p.context.close();
  }
});

test('a service item\'s English title: given on the page, shown in English, the Chinese title otherwise', async () => {
  const p = await open();
  await signIn(p.page, 'company1');
  await p.page.goto(`${srv.url}/#/services`);
  await p.page.locator('.service-items table').waitFor();
  // an existing item without an English title gets one through the edit form
  const co = await login(srv.url, 'company1');
  const items = (await call(srv.url, '/api/service-items?per_page=100', { token: co.token })).json.items;
  const it = items[items.length - 1];
  await p.page.locator(`.service-items tr[data-item="${it.id}"] .item-edit`).click();
  const f = p.page.locator('.service-edit-form');
  await f.waitFor();
  const edited = Number(await f.getAttribute('data-item'));
  await f.locator('input[name=title_en]').fill('Spring clean, whole flat');
  await f.locator('button[type=submit]').click();
  await p.page.locator('.service-items .item-title', { hasText: items.find((x) => x.id === edited).title }).first().waitFor();
  const saved = (await call(srv.url, '/api/service-items?per_page=100', { token: co.token })).json.items.find((x) => x.id === edited);
  assert.equal(saved.title_en, 'Spring clean, whole flat');
  await p.context.close();
  // the public company page in English shows it; in Chinese, the Chinese title
  for (const [locale, want] of [['en', 'Spring clean, whole flat'], ['zh-CN', saved.title]]) {
    const c = await open({ locale });
    await c.page.goto(`${srv.url}/#/companies/${saved.company.id}`);
    await c.page.locator('.public-price-title', { hasText: want }).first().waitFor();
    await c.context.close();
  }
});

test('the public-profile button on a worker\'s record can be read', async () => {
  const p = await open();
  await signIn(p.page, 'company1');
  const co = await login(srv.url, 'company1');
  const w = (await call(srv.url, '/api/workers?per_page=1', { token: co.token })).json.items[0];
  await p.page.goto(`${srv.url}/#/workers/${w.id}`);
  const btn = p.page.locator(`a[href="/workers/${w.id}"]`, { hasText: zh.worker.public_profile });
  await btn.waitFor();
  const { color, bg } = await btn.evaluate((el) => {
    const s = getComputedStyle(el);
    let b = s.backgroundColor;
    for (let e = el; e && (b === 'rgba(0, 0, 0, 0)' || b === 'transparent'); e = e.parentElement) b = getComputedStyle(e).backgroundColor;
    return { color: s.color, bg: b };
  });
  assert.notEqual(color, bg, `text ${color} on ${bg}`);
  assert.notEqual(color, 'rgb(255, 255, 255)');
  await p.context.close();
});

test('the review form\'s complaint about a missing star goes once the star is picked', async () => {
  const id = q("SELECT b.id FROM bookings b JOIN users u ON u.id = b.customer_id WHERE u.login = 'customer1' AND b.status = 'completed' ORDER BY b.id DESC LIMIT 1");
  assert.ok(id, 'customer1 has a completed booking');
  const p = await open();
  await signIn(p.page, 'customer1');
  await p.page.goto(`${srv.url}/#/bookings/${id}`);
  const rf = p.page.locator('.review-form');
  await rf.waitFor();
  await rf.locator('button[type=submit]').click();
  const err = rf.locator('[data-field=overall] .field-error');
  await err.filter({ hasText: '总体评价' }).waitFor();
  await rf.locator('[data-field=overall] .star:nth-child(4)').click();
  await rf.locator('[data-field=overall] .field-error[hidden]').waitFor({ state: 'attached' });
  assert.equal(await err.textContent(), '');
  assert.equal(await rf.locator('[data-field=overall] [aria-invalid]').count(), 0);
  await p.context.close();
});

test('the standards page shows every standard the API lists, labelled, and saves one that reads back', async () => {
  const std = (await call(srv.url, '/api/public/standards')).json;
  const keys = Object.keys(std.limits);
  assert.ok(keys.length >= 20);
  // every standard the API lists has its label in both catalogs
  assert.deepEqual(keys.filter((k) => typeof zh.standards[k] !== 'string' || typeof en.standards[k] !== 'string'), []);
  for (const [locale, cat] of [['zh-CN', zh], ['en', en]]) {
    const p = await open({ locale });
    await signIn(p.page, 'admin');
    await p.page.goto(`${srv.url}/#/standards`);
    const sf = p.page.locator('.standards-form');
    await sf.waitFor();
    for (const k of keys) {
      const fld = sf.locator(`[data-field="${k}"]`);
      assert.equal(await fld.count(), 1, `${k} shown`);
      assert.equal(await fld.locator('input').inputValue(), String(std[k]), `${k} value`);
      assert.ok((await fld.textContent()).includes(cat.standards[k]), `${locale} ${k} label`);
    }
    if (locale === 'zh-CN') {
      // edit the complaint feedback clock and save: the note says so beside the button, in sight
      const v = std.complaint_feedback_hours === 36 ? 40 : 36;
      await sf.locator('[data-field=complaint_feedback_hours] input').fill(String(v));
      await sf.locator('.form-actions button[type=submit]').click();
      const note = sf.locator('.form-actions .beside-note', { hasText: zh.standards.saved });
      await note.waitFor();
      assert.ok(await note.evaluate((el) => {
        const r = el.getBoundingClientRect();
        return r.top >= 0 && r.bottom <= window.innerHeight;
      }), 'the saved note is in sight');
      // read back through the API and on a fresh page
      assert.equal((await call(srv.url, '/api/public/standards')).json.complaint_feedback_hours, v);
      await p.page.reload();
      await p.page.locator('.standards-form [data-field=complaint_feedback_hours] input').waitFor();
      assert.equal(await p.page.locator('.standards-form [data-field=complaint_feedback_hours] input').inputValue(), String(v));
      await call(srv.url, '/api/standards', { method: 'PATCH', token: admin.token, headers: { 'X-CSRF-Token': admin.csrf },
        json: { complaint_feedback_hours: std.complaint_feedback_hours } });
    }
    assert.deepEqual(await p.problems(), []);
    await p.context.close();
  }
});

test('a check-in not yet open is shown disabled, with when it opens', async () => {
  // set-up, not the test: worker1's latest live booking moved to three days ahead, confirmed
  const id = q(`SELECT b.id FROM bookings b JOIN workers w ON w.id = b.worker_id JOIN users u ON u.id = w.user_id
    WHERE u.login = 'worker1' AND b.status IN ('requested', 'confirmed') ORDER BY b.start_at DESC LIMIT 1`);
  assert.ok(id, 'worker1 has a live booking');
  const start = Math.floor(Date.parse(new Date(Date.now() + 3 * 86400000).toISOString().slice(0, 10) + 'T10:00:00+08:00') / 1000);
  q(`UPDATE bookings SET status = 'confirmed', start_at = ${start}, end_at = ${start + 7200} WHERE id = ${id}`);
  const p = await open();
  await signIn(p.page, 'worker1');
  await p.page.goto(`${srv.url}/#/bookings/${id}`);
  const f = p.page.locator('.checkin-form');
  await f.waitFor();
  assert.equal(await f.locator('.checkin-btn').isDisabled(), true);
  // the server's rule: the standard's checkin_early_minutes before the start, in the platform's zone
  const early = (await call(srv.url, '/api/public/standards')).json.checkin_early_minutes;
  assert.ok(Number.isInteger(early) && early > 0, 'checkin_early_minutes is a standard');
  const opens = new Date((start - early * 60 + 8 * 3600) * 1000).toISOString();
  const want = zh.jobs.checkin_opens.replace('{date}', opens.slice(0, 10)).replace('{time}', opens.slice(11, 16));
  assert.equal(await f.locator('.checkin-opens').textContent(), want);
  const b = (await call(srv.url, `/api/bookings/${id}`, { token: (await login(srv.url, 'worker1')).token })).json;
  assert.equal(Date.parse(b.checkin_opens_at) / 1000, start - early * 60);
  await p.context.close();
});

test('the public worker profile has the site\'s menu and a way back', async () => {
  const w = q("SELECT id FROM workers WHERE status = 'active' ORDER BY id LIMIT 1");
  const p = await open();
  await p.page.goto(`${srv.url}/#/`);
  await p.page.locator('.page-search').waitFor();
  // come from the search, as a visitor following a result would
  await p.page.goto(`${srv.url}/workers/${w}`, { referer: `${srv.url}/#/` });
  await p.page.locator('.public-worker').waitFor();
  const nav = p.page.locator('.public-top nav.public-links');
  assert.equal(await nav.locator('a').count(), 3);
  assert.equal(await nav.locator('a[href="/#/satisfaction"]').textContent(), zh.nav.satisfaction);
  await p.page.locator('.public-top .sign-in').waitFor();
  const back = p.page.locator('.public-worker .public-back');
  assert.equal(await back.textContent(), zh.public_worker.back);
  await back.click();
  await p.page.locator('.page-search').waitFor();
  await p.context.close();
});

test('the search summary names the district, and an empty search says which condition emptied it', async () => {
  // a district with none of a category's workers, while other districts have some
  const cats = ['maternity_care', 'elderly_care', 'infant_care', 'home_cooking', 'housekeeping', 'home_cleaning'];
  const districts = ['上城区', '拱墅区', '西湖区', '滨江区', '萧山区', '余杭区'];
  let found = null;
  let full = null;
  for (const c of cats) {
    for (const d of districts) {
      const r = (await call(srv.url, `/api/public/search?category=${c}&district=${encodeURIComponent(d)}`)).json;
      if (r.total === 0 && r.relaxed && r.relaxed.district > 0 && !found) found = { c, d, n: r.relaxed.district };
      if (r.total > 0 && !full) full = { c, d, n: r.total };
    }
  }
  assert.ok(found && full);
  const p = await open();
  await p.page.goto(`${srv.url}/#/search?category=${full.c}&district=${encodeURIComponent(full.d)}`);
  await p.page.locator('.search-summary', { hasText: full.d }).waitFor();
  await p.page.goto(`${srv.url}/#/search?category=${found.c}&district=${encodeURIComponent(found.d)}`);
  const e = p.page.locator('.search-emptied');
  await e.waitFor();
  assert.ok((await e.locator('.emptied-lead').textContent()).includes(found.d));
  assert.equal(await e.locator('.relaxed-hint[data-cond=district]').textContent(), zh.search.relaxed_district.replace('{n}', found.n));
  await p.context.close();
});
