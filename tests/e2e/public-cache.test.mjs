// Anonymous public answers are served again from memory, but never after a write has changed what
// the store says; signed-in requests never see a kept answer.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, login } from './lib/server.mjs';
import { call } from './lib/http.mjs';

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
