// Helpers for the black-box HTTP and CLI tests: a fetch wrapper, a raw-socket client for requests
// fetch cannot express, error-envelope assertions, the audit count, sqlite3 and small utilities.
import net from 'node:net';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';

// fetch wrapper: returns { status, headers, text, json } (json is undefined when the body is not JSON).
// opts: method, token (Bearer), cookie, headers, json (serialised with application/json),
// body (sent as is), lang (Accept-Language).
export async function call(base, path, opts = {}) {
  const headers = { ...(opts.headers || {}) };
  if (opts.token) headers.Authorization = 'Bearer ' + opts.token;
  if (opts.cookie) headers.Cookie = opts.cookie;
  if (opts.lang) headers['Accept-Language'] = opts.lang;
  let body = opts.body;
  if (opts.json !== undefined) {
    body = JSON.stringify(opts.json);
    if (!Object.keys(headers).some((h) => h.toLowerCase() === 'content-type')) headers['Content-Type'] = 'application/json';
  }
  const res = await fetch(base + path, { method: opts.method || 'GET', headers, body, redirect: 'manual' });
  const text = await res.text();
  let json;
  try { json = text ? JSON.parse(text) : undefined; } catch { json = undefined; }
  return { status: res.status, headers: res.headers, text, json };
}

// Asserts the response is the JSON error envelope with this status and code (and field, when given).
export function assertError(res, status, code, field) {
  const where = `${res.status} ${res.text}`;
  assert.equal(res.status, status, `status: ${where}`);
  assert.ok(res.json && typeof res.json === 'object', `error body is not JSON: ${where}`);
  assert.ok(res.json.error && typeof res.json.error === 'object', `no error object: ${where}`);
  assert.equal(typeof res.json.error.code, 'string', `error.code: ${where}`);
  assert.equal(typeof res.json.error.message, 'string', `error.message: ${where}`);
  assert.ok(res.json.error.message.length > 0, `empty error.message: ${where}`);
  if (Array.isArray(code)) assert.ok(code.includes(res.json.error.code), `code ${res.json.error.code} not in ${code}: ${where}`);
  else if (code !== undefined) assert.equal(res.json.error.code, code, `code: ${where}`);
  if (field !== undefined) assert.equal(res.json.error.field, field, `field: ${where}`);
  assert.match(res.headers.get('content-type') || '', /^application\/json/, `content-type: ${where}`);
}

// Entries in the audit chain, through GET /api/audit/verify as an auditor (asserts the chain is intact).
export async function auditCount(base, token) {
  const r = await call(base, '/api/audit/verify', { token });
  assert.equal(r.status, 200, `audit verify: ${r.status} ${r.text}`);
  assert.equal(r.json.ok, true, `audit chain broken: ${r.text}`);
  return r.json.entries;
}

// The audit records of changes: every record but the trace of reads of personal data and of
// look-ups of people by ID number, which a refused request leaves too (that is their purpose).
export function changeRecords(db) {
  return Number(dbSql(db, "SELECT count(*) FROM audit_log WHERE action NOT IN ('registry.lookup', 'personal_data.read')").trim());
}

// One request over a fresh TCP connection; data is a string or Buffer written as is.
// Returns { status, statusLine, headers (lower-case names), body (Buffer), raw (Buffer), closed }.
// status is 0 when the server closed the connection without a status line. Options: timeout (ms),
// chunks (an array of further Buffers written one after another, errors ignored), chunkDelay (ms to
// wait before each chunk; no more chunks are written once an answer has begun to arrive).
// headOnly: done once the header section has arrived (for answers that neither say their length
// nor close the connection).
export function raw(port, data, { timeout = 10000, chunks = [], chunkDelay = 0, host = '127.0.0.1', headOnly = false } = {}) {
  return new Promise((resolve, reject) => {
    const sock = net.connect({ port, host });
    const parts = [];
    let done = false;
    const finish = (err) => {
      if (done) return;
      done = true;
      clearTimeout(timer);
      sock.destroy();
      const rawBuf = Buffer.concat(parts);
      if (err && rawBuf.length === 0 && err.code !== 'ECONNRESET' && err.code !== 'EPIPE') return reject(err);
      resolve(parseResponse(rawBuf));
    };
    const timer = setTimeout(() => finish(new Error('raw request timed out')), timeout);
    sock.on('connect', async () => {
      sock.write(data);
      for (const c of chunks) {
        // paced: give the server time to answer, and stop sending once it has
        if (chunkDelay) await new Promise((r) => setTimeout(r, chunkDelay));
        if (done || sock.destroyed || parts.length) break;
        const ok = sock.write(c);
        if (!ok) await new Promise((r) => { sock.once('drain', r); sock.once('close', r); });
      }
    });
    sock.on('data', (d) => {
      parts.push(d);
      const r = parseResponse(Buffer.concat(parts));
      if (r.complete || (headOnly && r.status)) finish();
    });
    sock.on('error', (e) => finish(e));
    sock.on('close', () => finish());
  });
}

// Parses one HTTP/1.x response (enough for tests: Content-Length or close-delimited bodies).
export function parseResponse(buf) {
  const sep = buf.indexOf('\r\n\r\n');
  if (sep < 0) return { status: 0, statusLine: '', headers: {}, body: Buffer.alloc(0), raw: buf, complete: false };
  const head = buf.subarray(0, sep).toString('latin1').split('\r\n');
  const statusLine = head[0];
  const m = statusLine.match(/^HTTP\/1\.[01] (\d{3})/);
  const headers = {};
  for (const line of head.slice(1)) {
    const i = line.indexOf(':');
    if (i > 0) {
      const k = line.slice(0, i).trim().toLowerCase();
      const v = line.slice(i + 1).trim();
      headers[k] = headers[k] !== undefined ? headers[k] + ', ' + v : v;
    }
  }
  const body = buf.subarray(sep + 4);
  const len = headers['content-length'] !== undefined ? Number(headers['content-length']) : undefined;
  const complete = len !== undefined && body.length >= len;
  return { status: m ? Number(m[1]) : 0, statusLine, headers, body, raw: buf, complete };
}

// Builds a raw request; headers is an object or an array of [name, value]; body a string or Buffer.
// keepAlive leaves out Connection: close.
export function rawRequest(method, target, { headers = {}, body, keepAlive = false } = {}) {
  const list = Array.isArray(headers) ? headers : Object.entries(headers);
  const lines = [`${method} ${target} HTTP/1.1`, 'Host: 127.0.0.1'];
  if (!keepAlive) lines.push('Connection: close');
  const b = body === undefined ? undefined : Buffer.isBuffer(body) ? body : Buffer.from(body, 'utf8');
  for (const [k, v] of list) lines.push(`${k}: ${v}`);
  if (b !== undefined && !list.some(([k]) => k.toLowerCase() === 'content-length')) lines.push(`Content-Length: ${b.length}`);
  const head = Buffer.from(lines.join('\r\n') + '\r\n\r\n', 'latin1');
  return b === undefined ? head : Buffer.concat([head, b]);
}

export function portOf(url) {
  return Number(new URL(url).port);
}

// Runs sql on the test's database, a SQLite file (with the sqlite3 shell) or a PostgreSQL URL (with
// psql); returns what it printed, a row a line, columns separated by |.
export function dbSql(db, sql) {
  if (/^postgres(ql)?:\/\//.test(db)) return execFileSync('psql', [db, '-X', '-q', '-A', '-t', '-v', 'ON_ERROR_STOP=1', '-c', sql], { encoding: 'utf8' });
  return execFileSync('sqlite3', [db, sql], { encoding: 'utf8' });
}

// The names of the database's tables.
export function tableNames(db) {
  const q = /^postgres(ql)?:\/\//.test(db)
    ? 'SELECT tablename FROM pg_tables WHERE schemaname = current_schema() ORDER BY 1'
    : "SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY 1";
  return dbSql(db, q).trim().split('\n');
}

export function median(xs) {
  const s = [...xs].sort((a, b) => a - b);
  const n = s.length;
  return n % 2 ? s[(n - 1) >> 1] : (s[n / 2 - 1] + s[n / 2]) / 2;
}

// A small seeded generator (mulberry32), so a failing sweep can be replayed.
export function prng(seed) {
  let a = seed >>> 0;
  const next = () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  return {
    next,
    int: (n) => Math.floor(next() * n),
    pick: (arr) => arr[Math.floor(next() * arr.length)],
    chance: (p) => next() < p,
  };
}

export const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

// A persistent connection for sending requests one after another (keep-alive). send(data)
// resolves with the parsed response (Content-Length bodies only); status 0 if the server closed.
export function connect(port, host = '127.0.0.1') {
  return new Promise((resolve, reject) => {
    const sock = net.connect({ port, host });
    let buf = Buffer.alloc(0);
    let waiter = null;
    let closed = false;
    const settle = () => {
      if (!waiter) return;
      const r = parseResponse(buf);
      if (r.complete) {
        const len = Number(r.headers['content-length']);
        const total = buf.indexOf('\r\n\r\n') + 4 + len;
        const w = waiter;
        waiter = null;
        buf = buf.subarray(total);
        w.resolve({ ...r, body: r.body.subarray(0, len), at: Date.now() });
      } else if (closed) {
        const w = waiter;
        waiter = null;
        w.resolve({ ...r, status: r.status, at: Date.now(), closed: true });
      }
    };
    sock.on('data', (d) => { buf = Buffer.concat([buf, d]); settle(); });
    sock.on('close', () => { closed = true; settle(); });
    sock.on('error', () => { closed = true; settle(); });
    sock.once('connect', () => resolve({
      send(data) {
        return new Promise((res) => {
          waiter = { resolve: res };
          if (closed) return settle();
          sock.write(data);
        });
      },
      close() { sock.destroy(); },
    }));
    sock.once('error', reject);
  });
}
