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

describe('bodies are refused by their declared length, before they are read', () => {
  let srv, port, admin;
  before(async () => {
    srv = await startServer({ workers: 50 });
    port = portOf(srv.url);
    admin = await login(srv.url, 'admin');
  });
  after(async () => { if (srv) await srv.stop(); });

  test('a length over the route limit → 413 payload_too_large with no byte of the body sent, and the connection closes', async () => {
    // the sign-in route takes 4 KiB, organisations 8 KiB; the client sends the head and waits
    assertRefused(await talk(port, headOnly('POST', '/api/auth/login', 4097)), 413, 'payload_too_large');
    assertRefused(await talk(port, headOnly('POST', '/api/orgs', 8193, { Authorization: 'Bearer ' + admin.token })), 413, 'payload_too_large');
    assertRefused(await talk(port, headOnly('POST', '/api/orgs', '99999999999999999999999')), 413, 'payload_too_large');
    // the refusal is in the request's language
    const en = await talk(port, headOnly('POST', '/api/auth/login', 10 * 1024 * 1024, { 'Accept-Language': 'en' }));
    assertRefused(en, 413, 'payload_too_large');
    assert.equal(en.responses[0].json.error.message, 'The request body is too large.');
    // at the limit the head waits for its body, which is then read and answered on its merits
    const body = '{"login":"nobody-at-limit","password":"x"' + ' '.repeat(4096 - 42) + '}';
    assert.equal(Buffer.byteLength(body), 4096);
    const head = rawRequest('POST', '/api/auth/login', { headers: { ...JSON_CT, 'Content-Length': '4096' } });
    const at = await talk(port, [head, Buffer.from(body)], { gap: 300 });
    assert.equal(at.responses.length, 1);
    assert.equal(at.responses[0].status, 401, at.responses[0].statusLine);
    assert.equal(at.responses[0].json.error.code, 'invalid_credentials');
  });

  test('a client that sends its refused body all the same gets the 413, not a reset connection', async () => {
    // the body is read and thrown away for a moment before the close, so the answer is not lost
    const big = '{' + ' '.repeat(1 << 20) + '}';
    for (let i = 0; i < 20; i++) {
      const path = i % 2 ? '/api/auth/login' : '/api/auth/logout';
      assertError(await call(srv.url, path, { method: 'POST', headers: JSON_CT, body: big }), 413, 'payload_too_large');
    }
  });

  test('a path with no route, a route that takes no body, a static file: room for {} and no more', async () => {
    for (const [method, path] of [['POST', '/api/nope'], ['POST', '/api/auth/logout'], ['DELETE', '/api/sessions/3'],
      ['GET', '/api/health'], ['POST', '/api/health'], ['POST', '/index.html'], ['PUT', '/api/orgs']]) {
      assertRefused(await talk(port, headOnly(method, path, 1025)), 413, 'payload_too_large');
    }
    // methods evhttp reads no body for take none at all: what followed would pass for another request
    const head = await talk(port, headOnly('HEAD', '/api/health', 1));
    assert.equal(parseResponse(head.raw).status, 413, head.raw.toString());
    assert.ok(head.closed);
    // {} is fine where no body is taken
    const ok = await talk(port, rawRequest('POST', '/api/auth/logout', { headers: JSON_CT, body: '{}' }));
    assert.equal(ok.responses[0].status, 401, ok.responses[0].statusLine);
    assert.equal(ok.responses[0].json.error.code, 'unauthenticated');
  });

  test('Transfer-Encoding → 411 length_required, unread', async () => {
    for (const te of ['chunked', 'gzip, chunked', 'identity']) {
      const head = rawRequest('POST', '/api/auth/login', { headers: { ...JSON_CT, 'Transfer-Encoding': te }, keepAlive: true });
      assertRefused(await talk(port, head), 411, 'length_required');
    }
  });

  test('heads the transport cannot read one way only → 400 bad_request; too large → 431', async () => {
    const bad = [
      'POST /api/auth/login HTTP/1.1\r\nContent-Length: 2\r\nContent-Length: 2\r\n\r\n{}',
      'POST /api/auth/login HTTP/1.1\r\nContent-Length: 2\r\n folded: line\r\n\r\n{}',
      'POST /api/auth/login HTTP/1.1\r\nContent-Length : 2\r\n\r\n{}',
      'POST /api/auth/login HTTP/1.1\r\nContent-Length: +2\r\n\r\n{}',
      'POST /api/auth/login HTTP/1.1\r\nContent-Length: 2\rX-Smuggle: 1\r\n\r\n{}',
      'POST /api/auth/login HTTP/1.1\r\nNo-Colon\r\n\r\n',
      'GET /api/health HTTP/1.1\r\nAnjia-Refusal: 413\r\n\r\n',
      'GET /api/health\r\n\r\n',
      '\r\nGET /api/health HTTP/1.1\r\n\r\n',
    ];
    for (const b of bad) assertRefused(await talk(port, Buffer.from(b)), 400, 'bad_request');
    const big = rawRequest('GET', '/api/health', { headers: { 'X-Big': 'a'.repeat(17000) }, keepAlive: true });
    assertRefused(await talk(port, big), 431, 'headers_too_large');
    // also when it trickles in: the head is held back only up to the limit
    const parts = [big.subarray(0, 9000), big.subarray(9000)];
    assertRefused(await talk(port, parts, { gap: 100 }), 431, 'headers_too_large');
    assert.equal((await call(srv.url, '/api/health')).status, 200);
  });

  test('keep-alive and pipelining: the request after a body is found and answered in order', async () => {
    const wrong = JSON.stringify({ login: 'nobody', password: 'x' });
    const seq = Buffer.concat([
      rawRequest('POST', '/api/auth/login', { headers: JSON_CT, body: wrong, keepAlive: true }),
      rawRequest('GET', '/api/health', { keepAlive: true }),
      rawRequest('POST', '/api/auth/logout', { headers: JSON_CT, body: '{ }', keepAlive: true }),
      rawRequest('GET', '/api/public/trades', { keepAlive: true }),
      rawRequest('GET', '/api/health'),
    ]);
    const want = [401, 200, 401, 200, 200];
    // all in one write, and cut into pieces at every few bytes (heads and bodies split anywhere)
    for (const parts of [[seq], Array.from({ length: Math.ceil(seq.length / 7) }, (_, i) => seq.subarray(i * 7, i * 7 + 7))]) {
      const t = await talk(port, parts, { gap: parts.length > 1 ? 1 : 0 });
      assert.deepEqual(t.responses.map((r) => r.status), want, t.responses.map((r) => r.statusLine).join(' | '));
      assert.equal(t.responses[3].json.items.length > 0, true);
      assert.ok(t.closed, 'closed after the last, which asked for it');
    }
    // a refused request after answered ones: the ones before are answered, then the refusal
    const mixed = Buffer.concat([
      rawRequest('GET', '/api/health', { keepAlive: true }),
      rawRequest('POST', '/api/auth/login', { headers: JSON_CT, body: wrong, keepAlive: true }),
      headOnly('POST', '/api/auth/login', 5000),
      rawRequest('GET', '/api/health', { keepAlive: true }),
    ]);
    const m = await talk(port, mixed);
    assert.deepEqual(m.responses.map((r) => r.status), [200, 401, 413]);
    assert.equal(m.responses[2].json.error.code, 'payload_too_large');
    assert.ok(m.closed);
  });
});

// ---------------------------------------------------------------------------------------------

describe('a whole request has a deadline', () => {
  let srv, port;
  before(async () => {
    srv = await startServer({ demo: false, args: ['--request-deadline', '2', '--timeout', '15'] });
    port = portOf(srv.url);
  });
  after(async () => { if (srv) await srv.stop(); });

  test('a head sent a byte every 300 ms is cut off at the deadline', async () => {
    // each byte comes well within the 15 s idle timeout; the whole head would take 20 s
    const head = 'GET /api/health HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Slow: ' + 'x'.repeat(30) + '\r\n\r\n';
    const t = await talk(port, bytewise(head), { gap: 300, timeout: 8000 });
    assert.ok(t.closed, 'the server closed the connection');
    assert.equal(t.responses.length, 0);
    assert.ok(t.ms >= 1900 && t.ms < 5000, `closed after ${t.ms} ms`);
  });

  test('a body sent a byte every 300 ms is cut off at the deadline too', async () => {
    const body = JSON.stringify({ login: 'slowpoke', password: 'x'.repeat(30) });
    const head = rawRequest('POST', '/api/auth/login', { headers: { ...JSON_CT, 'Content-Length': String(body.length) }, keepAlive: true });
    const t = await talk(port, [head, ...bytewise(body)], { gap: 300, timeout: 8000 });
    assert.ok(t.closed, 'the server closed the connection');
    assert.equal(t.responses.length, 0);
    assert.ok(t.ms >= 1900 && t.ms < 5000, `closed after ${t.ms} ms`);
  });

  test('a keep-alive client is unaffected: idle time between its requests does not count', async () => {
    const c = await connect(port);
    const health = rawRequest('GET', '/api/health', { keepAlive: true });
    const first = Date.now();
    for (let i = 0; i < 3; i++) {
      if (i) await new Promise((r) => setTimeout(r, 1200)); // the client thinks between requests
      const r = await c.send(health);
      assert.equal(r.status, 200, `request ${i}: ${r.statusLine}`);
    }
    assert.ok(Date.now() - first > 2000, 'the connection outlived the deadline');
    // a request in a few pieces that all come within the deadline
    const parts = [health.subarray(0, 10), health.subarray(10, 30), health.subarray(30)];
    const t = await talk(port, parts, { gap: 200, timeout: 3000 });
    assert.equal(t.responses.length, 1);
    assert.equal(t.responses[0].status, 200);
    c.close();
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
