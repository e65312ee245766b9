// The OWASP ASVS 4.0.3 items docs/security.md found without a test of their own, each proved here
// against a real `anjia serve` (and, for what the browser keeps and shows, Debian's Chromium): the
// requirement's number leads each test's name. Passwords whole and of any characters, no rotation,
// the life of one-time codes, no default account, what the logs and the audit chain never hold,
// what the access log does hold, control characters in a request line, no secrets in query strings,
// nothing of a session in the browser's storage or URLs, and text that looks like HTML shown as text.
import { test, describe, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startServer, serveOn, login, anjia, ROOT, DEMO_PASSWORD } from './lib/server.mjs';
import { call, assertError, raw, portOf, dbSql } from './lib/http.mjs';
import { launch, openPage, signInAt } from './lib/browser.mjs';

let srv, base, admin;
before(async () => {
  srv = await startServer({ workers: 100 });
  base = srv.url;
  admin = await login(base, 'admin');
});
after(async () => { if (srv) await srv.stop(); });

const signIn = (who, password) => call(base, '/api/auth/login', { method: 'POST', json: { login: who, password } });
const accessLog = () => readFileSync(join(srv.dir, 'access.log'), 'utf8');

describe('V2 authentication', () => {
  test('2.1.2–2.1.4: a password of 128 characters — spaces, Chinese and emoji among them — is kept whole; 127 of them do not sign in, 129 are refused', async () => {
    const text = '春眠不觉晓 🌸 处处闻啼鸟 🐦 夜来风雨声 🍃 花落知多少 — morning tea by the lake at seven, '
      + '西湖边的柳树发芽了 🚲 骑车去上班 the bell rings twice 晚上回家做饭 🍜 小猫睡在窗台上晒太阳 ☀️ 周末去爬山看日出 '
      + 'and the last bus leaves at ten 🚌';
    const chars = Array.from(text);
    assert.ok(chars.length > 129);
    const pw = chars.slice(0, 127).join('') + '🎋';
    assert.equal(Array.from(pw).length, 128);
    const made = await call(base, '/api/public/customers', { method: 'POST', json: { login: 'asvs.long', name: '陈思远', password: pw } });
    assert.equal(made.status, 201, made.text);
    assert.equal((await signIn('asvs.long', pw)).status, 200);
    // not cut at any length: the first 127 characters are another password
    assertError(await signIn('asvs.long', chars.slice(0, 127).join('')), 401, 'invalid_credentials');
    assertError(await signIn('asvs.long', pw + 'x'), 401, 'invalid_credentials');
    const long = await call(base, '/api/public/customers', { method: 'POST', json: { login: 'asvs.longer', name: '陈思远', password: pw + 'x' } });
    assertError(long, 400, 'password_too_long', 'password');
  });

  test('2.1.10: no rotation and no history: a password two years old still signs in, and one may go back to an earlier password', async () => {
    const c = await login(base, 'customer4');
    dbSql(srv.db, `UPDATE users SET pw_changed_at = pw_changed_at - 2 * 365 * 86400 WHERE id = ${c.user.id}`);
    assert.equal((await signIn('customer4', DEMO_PASSWORD)).status, 200);
    const change = (from, to) => call(base, '/api/me/password', { method: 'POST', token: c.token, json: { current_password: from, new_password: to } });
    assert.equal((await change(DEMO_PASSWORD, 'a second passphrase for now')).status, 200);
    assert.equal((await change('a second passphrase for now', DEMO_PASSWORD)).status, 200);
    assert.equal((await signIn('customer4', DEMO_PASSWORD)).status, 200);
  });

  test('2.3.1: a set-up code lives 72 hours and a reset code 24; once past its time a code sets nothing', async () => {
    const made = await call(base, '/api/users', { method: 'POST', token: admin.token, json: { login: 'asvs.setup', name: '林晓梅', role: 'customer' } });
    assert.equal(made.status, 201, made.text);
    const id = made.json.user.id;
    const life = (purpose) => Number(dbSql(srv.db, `SELECT expires_at - created_at FROM onetime_codes WHERE user_id = ${id} AND purpose = '${purpose}' AND used_at IS NULL`).trim());
    assert.equal(life('setup'), 72 * 3600);
    // the code's time runs out (as the store keeps it); the code then opens nothing
    dbSql(srv.db, `UPDATE onetime_codes SET expires_at = created_at - 1 WHERE user_id = ${id} AND purpose = 'setup'`);
    const late = await call(base, '/api/auth/password-code', { method: 'POST', json: { login: 'asvs.setup', code: made.json.setup_code, new_password: 'chosen far too late' } });
    assertError(late, 400, 'invalid_code', 'code');
    assertError(await signIn('asvs.setup', 'chosen far too late'), 401, 'invalid_credentials');
    const reset = await call(base, `/api/users/${id}/reset`, { method: 'POST', token: admin.token });
    assert.equal(reset.status, 200, reset.text);
    assert.equal(life('reset'), 24 * 3600);
    const used = await call(base, '/api/auth/password-code', { method: 'POST', json: { login: 'asvs.setup', code: reset.json.reset_code, new_password: 'chosen within the day' } });
    assert.equal(used.status, 200, used.text);
  });

  test('2.5.4: a new installation has no account at all, so nobody signs in as admin', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'anjia-asvs-'));
    try {
      const db = join(dir, 'anjia.db');
      assert.equal(anjia(['migrate', '--db', db]).status, 0);
      assert.equal(dbSql(db, 'SELECT count(*) FROM users').trim(), '0');
      const fresh = await serveOn(db);
      try {
        for (const who of ['admin', 'root', 'sa', 'anjia']) {
          for (const pw of [DEMO_PASSWORD, who, 'password']) {
            assertError(await call(fresh.url, '/api/auth/login', { method: 'POST', json: { login: who, password: pw } }), 401, 'invalid_credentials');
          }
        }
      } finally {
        await fresh.stop();
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('V7 logging', () => {
  test('7.1.1: no password, session token, CSRF token or one-time code reaches the logs or the audit chain', async () => {
    const secrets = ['a wrong guess at the password'];
    assertError(await signIn('customer5', secrets[0]), 401, 'invalid_credentials');
    const c = await login(base, 'customer5');
    secrets.push(c.token, c.csrf);
    const cookie = await call(base, '/api/me', { cookie: c.cookie });
    assert.equal(cookie.status, 200);
    const changed = await call(base, '/api/me/password', { method: 'POST', token: c.token, json: { current_password: DEMO_PASSWORD, new_password: 'a passphrase only I know' } });
    assert.equal(changed.status, 200, changed.text);
    secrets.push('a passphrase only I know');
    const made = await call(base, '/api/users', { method: 'POST', token: admin.token, json: { login: 'asvs.quiet', name: '周文静', role: 'customer' } });
    assert.equal(made.status, 201, made.text);
    secrets.push(made.json.setup_code);
    const set = await call(base, '/api/auth/password-code', { method: 'POST', json: { login: 'asvs.quiet', code: made.json.setup_code, new_password: 'the quiet one chose this' } });
    assert.equal(set.status, 200, set.text);
    secrets.push('the quiet one chose this', admin.token, admin.csrf);
    const logs = accessLog() + srv.stderr();
    // the chain keeps a digest of each state, and in clear only who, what and which record
    const inChain = (s) => Number(dbSql(srv.db, `SELECT count(*) FROM audit_log WHERE (actor_label || ' ' || action || ' ' || entity) LIKE '%${s}%'`).trim());
    for (const s of secrets) {
      assert.ok(!logs.includes(s), `the logs hold ${s}`);
      assert.equal(inChain(s), 0, `the audit chain holds ${s}`);
    }
    // and a session is kept by its hash alone
    assert.equal(dbSql(srv.db, `SELECT count(*) FROM sessions WHERE token_hash = '${c.token}'`).trim(), '0');
  });

  test('7.1.4, 7.2.2: a refused request is in the access log with when, from where, what and who', async () => {
    const c = await login(base, 'customer6');
    assertError(await call(base, '/api/orgs', { token: c.token }), 403, 'forbidden');
    assertError(await call(base, '/api/users', { token: c.token }), 403, 'forbidden');
    assertError(await call(base, '/api/audit'), 401, 'unauthenticated');
    const lines = accessLog().trim().split('\n');
    const line = (what) => lines.filter((l) => l.includes(what)).pop();
    const when = '\\d{4}-\\d{2}-\\d{2}T\\d{2}:\\d{2}:\\d{2}Z';
    assert.match(line(' GET /api/orgs 403 '), new RegExp(`^${when} access 127\\.0\\.0\\.1 GET /api/orgs 403 \\d+ \\d+us user=${c.user.id}$`));
    assert.match(line(' GET /api/users 403 '), new RegExp(`^${when} access 127\\.0\\.0\\.1 GET /api/users 403 \\d+ \\d+us user=${c.user.id}$`));
    assert.match(line(' GET /api/audit 401 '), new RegExp(`^${when} access 127\\.0\\.0\\.1 GET /api/audit 401 \\d+ \\d+us user=0$`));
  });

  test('7.3.1: control characters a client puts in its request line reach the access log as "?"', async () => {
    const res = await raw(portOf(base), Buffer.concat([Buffer.from('GET /api/asvs\x1b[2J', 'latin1'),
      Buffer.from('\x07\x08\x7f-probe HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n', 'latin1')]));
    assert.equal(res.status, 404);
    const line = accessLog().trim().split('\n').filter((l) => l.includes('-probe')).pop();
    assert.ok(line, 'the request is in the access log');
    assert.ok(line.includes(' GET /api/asvs?[2J???-probe 404 '), line);
    assert.ok(!/[\x00-\x1f\x7f]/.test(line), JSON.stringify(line));
  });
});

describe('V8 data protection', () => {
  test('8.3.1: no query string of any route takes a password, a code, a token or a personal number', () => {
    const table = readFileSync(join(ROOT, 'src/http/routes.def'), 'utf8');
    // a row's last column is its query schema
    const queries = new Set(table.split('\n').filter((l) => l.startsWith('ROUTE('))
      .map((l) => l.trim().replace(/\)$/, '').split(',').pop().trim()));
    const src = readdirSync(join(ROOT, 'src'), { recursive: true }).filter((f) => f.endsWith('.c'))
      .map((f) => readFileSync(join(ROOT, 'src', f), 'utf8')).join('\n');
    const secret = /password|secret|token|code|csrf|id_number|card|phone|mobile|address|birth/;
    let seen = 0;
    for (const m of src.matchAll(/SCHEMA\((\w+),([\s\S]*?)\);/g)) {
      if (!queries.has(m[1])) continue;
      seen += 1;
      for (const f of m[2].matchAll(/S_[A-Z]+\("(\w+)"/g)) assert.ok(!secret.test(f[1]), `${m[1]} takes ${f[1]} in the query string`);
    }
    assert.ok(seen >= 20, `query schemas found: ${seen}`);
  });
});

describe('in the browser', () => {
  let browser;
  before(async () => { browser = await launch(); });
  after(async () => { if (browser) await browser.close(); });

  test('3.1.1, 3.2.3, 8.2.2, 8.2.3: the page keeps no session token, CSRF token or personal data in storage or URLs, and none stays on the page after signing out', async () => {
    const { context, page, problems } = await openPage(browser);
    const urls = [];
    page.on('request', (r) => urls.push(r.url()));
    const answer = page.waitForResponse((r) => r.url().endsWith('/api/auth/login'));
    await signInAt(base, page, 'company1');
    const signedIn = await (await answer).json();
    await page.goto(`${base}/#/workers`);
    const row = page.locator('.page-workers tbody tr').first();
    await row.waitFor();
    const worker = (await row.locator('td').first().textContent()).trim();
    assert.ok(worker.length >= 2, worker);
    const kept = await page.evaluate(async () => ({
      local: JSON.stringify({ ...window.localStorage }),
      session: JSON.stringify({ ...window.sessionStorage }),
      cookie: document.cookie,
      idb: indexedDB.databases ? (await indexedDB.databases()).map((d) => d.name) : [],
      caches: await caches.keys(),
    }));
    for (const secret of [signedIn.token, signedIn.csrf_token]) {
      assert.ok(!kept.local.includes(secret) && !kept.session.includes(secret), 'a token in web storage');
      assert.ok(!urls.some((u) => u.includes(secret)), 'a token in a URL');
    }
    assert.ok(!kept.local.includes(worker) && !kept.session.includes(worker), `${worker} in web storage`);
    assert.equal(kept.cookie, '', 'no cookie the page can read');
    assert.deepEqual(kept.idb, []);
    assert.deepEqual(kept.caches, []);
    const cookies = await context.cookies(base);
    assert.ok(cookies.length >= 2);
    for (const c of cookies) assert.ok(c.httpOnly && c.sameSite === 'Strict', `${c.name}: ${JSON.stringify(c)}`);
    // signing out leaves nothing of the session on the page
    await page.locator('.topbar .logout').click();
    await page.locator('.login-form').waitFor();
    const text = await page.evaluate(() => document.body.textContent);
    assert.ok(!text.includes(worker), `${worker} is still on the page`);
    assert.ok(!text.includes(signedIn.user.name), `${signedIn.user.name} is still on the page`);
    assert.deepEqual(await problems(), []);
    await context.close();
  });

  test('5.3.3: a name written as HTML is shown as text: no element is made of it and nothing of it runs', async () => {
    const name = '<img src=x onerror="window.__asvs=1">职业培训学校';
    const made = await call(base, '/api/orgs', { method: 'POST', token: admin.token, json: { kind: 'training', name } });
    assert.equal(made.status, 201, made.text);
    const { context, page, problems } = await openPage(browser);
    await signInAt(base, page, 'admin');
    await page.goto(`${base}/#/orgs`);
    const row = page.locator(`.page-orgs [data-org="${made.json.id}"]`);
    await row.waitFor();
    assert.ok((await row.textContent()).includes(name));
    assert.equal(await page.locator('.page-orgs img[src="x"]').count(), 0);
    assert.equal(await page.evaluate(() => window.__asvs), undefined);
    assert.deepEqual(await problems(), []);
    await context.close();
  });
});
