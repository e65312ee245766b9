// Anonymous public answers are served again from memory, but never after a write has changed what
// the store says; signed-in requests never see a kept answer.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, login, DEMO_PASSWORD } from './lib/server.mjs';
import { call, dbSql } from './lib/http.mjs';

let srv, company;

before(async () => {
  srv = await startServer({ workers: 60 });
  company = await login(srv.url, 'company1');
});

after(async () => { await srv.stop(); });

test('a company profile shows a new service item at once, though the profile was just served', async () => {
  const org = company.user.org_id;
  const first = await call(srv.url, `/api/public/companies/${org}`);
  assert.equal(first.status, 200);
  const again = await call(srv.url, `/api/public/companies/${org}`);
  assert.equal(again.text, first.text);
  assert.match(again.headers.get('cache-control'), /^public/);

  const cats = (await call(srv.url, '/api/public/categories')).json.items;
  const cat = cats.find((c) => c.price_guides.some((g) => g.unit === 'visit'));
  const guide = cat.price_guides.find((g) => g.unit === 'visit');
  const made = await call(srv.url, '/api/service-items', {
    method: 'POST', token: company.token,
    json: { category_id: cat.id, title: '上门体验套餐', unit: 'visit', price_fen: guide.min_fen },
  });
  assert.equal(made.status, 201, made.text);
  const after = await call(srv.url, `/api/public/companies/${org}`);
  assert.match(after.text, /上门体验套餐/);
});

test('bad queries are never answered from memory', async () => {
  const ok = await call(srv.url, '/api/public/search?category=home_cleaning');
  assert.equal(ok.status, 200);
  const bad = await call(srv.url, '/api/public/search?category=home_cleaning&sort=age');
  assert.equal(bad.status, 400);
  const bad2 = await call(srv.url, '/api/public/search?category=home_cleaning&sort=age');
  assert.equal(bad2.status, 400);
});

test('a browser that only keeps its device cookie is still anyone: the kept answer serves it; a session is not', async () => {
  // one event loop (each keeps its own answers), and no deadline job (its writes would make the kept
  // answer stale at a moment of their own)
  const s = await startServer({ workers: 60, args: ['--public-cache-ms', '60000', '--jobs-interval', '0', '--loops', '1'] });
  try {
    const c = await login(s.url, 'company1');
    const org = c.user.org_id;
    const path = `/api/public/companies/${org}`;
    const device = await fetch(s.url + '/api/auth/login', { method: 'POST', headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ login: 'staff1', password: DEMO_PASSWORD }) });
    const deviceCookie = (device.headers.get('set-cookie') || '').split(/,(?=\s*\w+=)/).map((x) => x.split(';')[0].trim())
      .find((x) => x.startsWith('anjia_device='));
    assert.ok(deviceCookie, 'sign-in sets the device cookie');
    // kept after the last write (the sign-ins): then the store changes behind this server's back (another
    // process), so only a kept answer can still say the old name
    const first = await call(s.url, path);
    assert.equal(first.status, 200);
    dbSql(s.db, `UPDATE orgs SET name = name || '（已更名）' WHERE id = ${org}`);
    const asDevice = await call(s.url, path, { cookie: deviceCookie });
    assert.equal(asDevice.text, first.text, 'the device cookie makes nobody known: the kept answer');
    const asSession = await call(s.url, path, { cookie: c.cookie });
    assert.match(asSession.text, /已更名/, 'a session always reaches the handler');
  } finally {
    await s.stop();
  }
});
