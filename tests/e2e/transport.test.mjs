// Black-box tests of the transport's defences against clients that would tie the server up: the
// bounded queue of the worker pool, bodies refused by their declared length before they are read,
// the deadline for a whole request, the trusted proxy, and the cookie that alone counts over https.
// Requests fetch cannot express are written on raw sockets.
import { test, describe, before, after } from 'node:test';
import assert from 'node:assert/strict';
import net from 'node:net';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { startServer, login, anjia, DEMO_PASSWORD } from './lib/server.mjs';
import { call, assertError, rawRequest, parseResponse, portOf, connect } from './lib/http.mjs';

const JSON_CT = { 'Content-Type': 'application/json' };

// The responses in buf, one after another (bodies by Content-Length).
function responses(buf) {
  const out = [];
  for (;;) {
    const r = parseResponse(buf);
    if (!r.complete) return out;
    const len = Number(r.headers['content-length']);
    out.push({ ...r, body: r.body.subarray(0, len), json: JSON.parse(r.body.subarray(0, len).toString() || 'null') });
    buf = buf.subarray(buf.indexOf('\r\n\r\n') + 4 + len);
  }
}

// Writes the parts over a fresh connection, each `gap` ms after the one before (no more once the
// server has closed), and reads until the server closes the connection or `timeout` ms pass.
// Resolves to { responses, raw (the bytes read), closed (the server ended the connection), ms (from
// the first write to the close) }.
function talk(port, parts, { gap = 0, timeout = 8000, localAddress } = {}) {
  return new Promise((resolve, reject) => {
    const sock = net.connect({ port, host: '127.0.0.1', localAddress });
    const got = [];
    let start = 0, done = false;
    const finish = (closed) => {
      if (done) return;
      done = true;
      clearTimeout(timer);
      sock.destroy();
      const rawBytes = Buffer.concat(got);
      resolve({ responses: responses(rawBytes), raw: rawBytes, closed, ms: Date.now() - start });
    };
    const timer = setTimeout(() => finish(false), timeout);
    sock.on('data', (d) => got.push(d));
    sock.on('end', () => finish(true));
    sock.on('close', () => finish(true));
    sock.on('error', (e) => (start ? finish(true) : reject(e)));
    sock.on('connect', async () => {
      start = Date.now();
      for (const p of [].concat(parts)) {
        if (done) break;
        sock.write(p);
        if (gap) await new Promise((r) => setTimeout(r, gap));
      }
    });
  });
}

// The bytes of data, one Buffer each.
const bytewise = (data) => [...Buffer.from(data)].map((b) => Buffer.from([b]));

// A request head alone, announcing a body of length bytes that is never sent.
const headOnly = (method, path, length, headers = {}) =>
  rawRequest(method, path, { headers: { ...JSON_CT, ...headers, 'Content-Length': String(length) }, keepAlive: true });

function assertRefused(t, status, code) {
  assert.equal(t.responses.length, 1, `one answer: ${JSON.stringify(t.responses.map((r) => r.statusLine))}`);
  const r = t.responses[0];
  assert.equal(r.status, status, r.statusLine);
  assert.match(r.headers['content-type'] || '', /^application\/json/);
  assert.equal(r.json.error.code, code, JSON.stringify(r.json));
  assert.ok(r.json.error.message.length > 0);
  assert.equal((r.headers.connection || '').toLowerCase(), 'close');
  assert.ok(t.closed, 'the server closed the connection');
}

// ---------------------------------------------------------------------------------------------

describe('the worker pool takes a bounded queue', () => {
  let srv;
  before(async () => { srv = await startServer({ workers: 50, args: ['--workers', '1', '--pool-queue', '2'] }); });
  after(async () => { if (srv) await srv.stop(); });

  test('a flood of sign-ins past --pool-queue is answered 503 server_busy at once, and the server goes on', async () => {
    const users = ['admin', 'admin2', 'cs1', 'cs2', 'cs3', 'cs4', 'company1', 'company2', 'staff1', 'staff2'];
    const who = Array.from({ length: 40 }, (_, i) => users[i % users.length]);
    const started = Date.now();
    const all = await Promise.all(who.map((u) => call(srv.url, '/api/auth/login', { method: 'POST', json: { login: u, password: DEMO_PASSWORD }, lang: 'en' })));
    const ok = all.filter((r) => r.status === 200), busy = all.filter((r) => r.status === 503);
    assert.equal(ok.length + busy.length, all.length, `only 200 and 503: ${all.map((r) => r.status)}`);
    assert.ok(busy.length > 0, 'some sign-ins found the queue full');
    assert.ok(ok.length >= 2, `the queue's places were used (${ok.length} signed in)`);
    for (const r of busy) {
      assertError(r, 503, 'server_busy');
      assert.equal(r.json.error.message, 'The server is busy; try again shortly.');
      assert.ok(Number(r.headers.get('retry-after')) > 0, 'Retry-After');
    }
    // a refused sign-in waited for nothing: no longer than the whole flood took
    assert.ok(Date.now() - started < 20000);
    // and the server answers afterwards, slow work included
    assert.equal((await call(srv.url, '/api/health')).status, 200);
    const again = await login(srv.url, 'admin');
    assert.match(again.token, /^[A-Za-z0-9_-]{43}$/);
  });
});

// ---------------------------------------------------------------------------------------------

describe('forwarded headers are believed from the trusted proxy alone', () => {
  let other, proxy;
  before(async () => {
    other = await startServer({ workers: 20, args: ['--trust-proxy', '127.0.0.2'] });
    proxy = await startServer({ workers: 20, args: ['--trust-proxy', '::1,127.0.0.1'] });
  });
  after(async () => {
    if (other) await other.stop();
    if (proxy) await proxy.stop();
  });

  const forwarded = { 'X-Forwarded-Proto': 'https', 'X-Real-IP': '203.0.113.9' };
  const signIn = (url, headers = {}) =>
    call(url, '/api/auth/login', { method: 'POST', json: { login: 'cs1', password: DEMO_PASSWORD }, headers });
  const accessLog = (s) => readFileSync(join(s.dir, 'access.log'), 'utf8').trim().split('\n');

  test('from a peer that is not the proxy, X-Forwarded-Proto and X-Real-IP are ignored', async () => {
    const r = await signIn(other.url, forwarded);
    assert.equal(r.status, 200, r.text);
    const cookie = r.headers.get('set-cookie');
    assert.match(cookie, /^anjia_session=/);
    assert.doesNotMatch(cookie, /Secure/);
    assert.equal(r.headers.get('strict-transport-security'), null);
    const line = accessLog(other).filter((l) => l.includes('POST /api/auth/login')).pop();
    assert.match(line, / access 127\.0\.0\.1 POST /, line);
  });

  test('from the proxy they are believed: the __Host- cookie with Secure, HSTS, the client address', async () => {
    const r = await signIn(proxy.url, forwarded);
    assert.equal(r.status, 200, r.text);
    const cookie = r.headers.get('set-cookie');
    assert.match(cookie, /^__Host-anjia_session=/);
    assert.match(cookie, /; Secure/);
    assert.match(r.headers.get('strict-transport-security') || '', /max-age=/);
    const line = accessLog(proxy).filter((l) => l.includes('POST /api/auth/login')).pop();
    assert.match(line, / access 203\.0\.113\.9 POST /, line);
    // and the other server believes them too when they come from its own proxy's address
    const body = JSON.stringify({ login: 'cs1', password: DEMO_PASSWORD });
    const t = await talk(portOf(other.url), rawRequest('POST', '/api/auth/login', { headers: { ...JSON_CT, ...forwarded }, body }),
      { localAddress: '127.0.0.2' });
    assert.equal(t.responses[0].status, 200, t.responses[0].statusLine);
    assert.match(t.responses[0].headers['set-cookie'], /^__Host-anjia_session=.*; Secure/);
  });

  test('--trust-proxy takes numeric addresses only', () => {
    for (const bad of ['nginx.local', '127.0.0.1,', ',127.0.0.1', '10.0.0.1/8', '', '1,2,3,4,5,6,7,8,9']) {
      const r = anjia(['serve', '--db', join(other.dir, 'never.db'), '--port', '0', '--trust-proxy', bad]);
      assert.equal(r.status, 2, `${bad}: ${r.stderr}`);
      assert.match(r.stderr, /--trust-proxy ADDR/);
    }
  });

  test('over https only the __Host- cookie opens a session; the plain one counts on plain http alone', async () => {
    const s = await login(proxy.url, 'staff1');
    const token = s.token;
    const https = { 'X-Forwarded-Proto': 'https' };
    assertError(await call(proxy.url, '/api/me', { cookie: 'anjia_session=' + token, headers: https }), 401, 'unauthenticated');
    const host = await call(proxy.url, '/api/me', { cookie: '__Host-anjia_session=' + token, headers: https });
    assert.equal(host.status, 200, host.text);
    assert.equal(host.json.user.login, 'staff1');
    assert.equal((await call(proxy.url, '/api/me', { cookie: 'anjia_session=' + token })).status, 200);
  });
});
