// Starts a real anjia server for a test file: a fresh database with the demo data, a free port,
// the repository's web/ files. Every test file gets its own server and its own database.
import { spawn, execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, existsSync, copyFileSync, chmodSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';

export const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../../..');
export const ANJIA = join(ROOT, 'anjia');
// The program that serves: the release build, or another build of it named by ANJIA_SERVER_BIN (the
// sanitizer build, for the concurrency test under AddressSanitizer and UBSan).
export const SERVER_BIN = process.env.ANJIA_SERVER_BIN || ANJIA;
export const DEMO_PASSWORD = 'anjia-demo-2026';

// Runs an anjia subcommand synchronously; returns { status, stdout, stderr }.
export function anjia(args, opts = {}) {
  try {
    const stdout = execFileSync(ANJIA, args, { cwd: ROOT, encoding: 'utf8', stdio: ['pipe', 'pipe', 'pipe'], ...opts });
    return { status: 0, stdout, stderr: '' };
  } catch (e) {
    return { status: e.status, stdout: String(e.stdout || ''), stderr: String(e.stderr || '') };
  }
}

// Starts `anjia serve` on an existing database db, on a free port. Options: args (extra flags),
// accessLog (a path; default off). Returns { url, proc, exited, stderr(), stop() }; stop() sends
// SIGTERM and resolves to { code, signal }.
export async function serveOn(db, { args = [], accessLog = 'off' } = {}) {
  const proc = spawn(SERVER_BIN, ['serve', '--db', db, '--port', '0', '--web', join(ROOT, 'web'),
    '--access-log', accessLog, ...args], { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
  let stderr = '';
  proc.stderr.on('data', (d) => { stderr += d; });
  const exited = new Promise((res) => proc.on('exit', (code, signal) => res({ code, signal })));
  const url = await new Promise((res, rej) => {
    let out = '';
    const timer = setTimeout(() => rej(new Error('server did not start: ' + stderr)), 10000);
    proc.stdout.on('data', (d) => {
      out += d;
      const m = out.match(/serving (http:\/\/[^\s]+)/);
      if (m) { clearTimeout(timer); res(m[1]); }
    });
    proc.on('exit', (code) => { clearTimeout(timer); rej(new Error(`server exited ${code}: ${stderr}`)); });
  });
  return {
    url, proc, exited,
    stderr: () => stderr,
    async stop() {
      if (proc.exitCode === null && proc.signalCode === null) proc.kill('SIGTERM');
      return exited;
    },
  };
}

// The engine the tests run on: PostgreSQL when ANJIA_TEST_PG names a server the tests may create
// databases on (a postgresql:// URL), else SQLite.
const PG = process.env.ANJIA_TEST_PG || '';
export const engine = PG ? 'postgresql' : 'sqlite';

// PG with its database name replaced by name.
function pgUrl(name) {
  const u = new URL(PG);
  u.pathname = '/' + name;
  return u.toString();
}

function psql(sql) {
  execFileSync('psql', [PG, '-X', '-q', '-v', 'ON_ERROR_STOP=1', '-c', sql], { stdio: ['ignore', 'ignore', 'pipe'] });
}

let made = 0;
// A new database: a file in dir on SQLite, a database on the server on PostgreSQL (a copy of
// template when given). Returns its path or URL.
export function newDatabase(dir, template = null) {
  if (!PG) return join(dir, 'anjia.db');
  const name = `anjia_e2e_${process.pid}_${++made}`;
  psql(`CREATE DATABASE ${name}` + (template ? ` TEMPLATE ${template} STRATEGY FILE_COPY` : ''));
  return pgUrl(name);
}

export function dropDatabase(db) {
  if (PG) psql(`DROP DATABASE IF EXISTS ${new URL(db).pathname.slice(1)} WITH (FORCE)`);
}

// On PostgreSQL within one test run (ANJIA_TEST_RUN, the run's directory), the demo of each size is
// loaded once into a template database with its key file in the run's directory, and copied.
function sharedDemo(workers) {
  const run = process.env.ANJIA_TEST_RUN;
  if (!PG || !run) return null;
  const tag = run.split('/').pop().toLowerCase().replace(/[^a-z0-9]/g, '');
  const template = `anjia_e2edemo${workers}_${tag}`, keys = join(run, `e2edemo${workers}.keys`);
  if (!existsSync(keys)) {
    psql(`CREATE DATABASE ${template}`);
    const r = anjia(['demo', '--db', pgUrl(template), '--keys', keys, '--password', DEMO_PASSWORD, '--workers', String(workers)]);
    if (r.status !== 0) throw new Error('demo failed: ' + r.stderr);
  }
  return { template, keys };
}

// Starts `anjia serve` on a new demo database. Options: demo (default true), workers (how many demo
// workers with their histories; 400 keeps a test file quick), args (extra flags). The key file is
// anjia.keys in the test's directory, beside the database on SQLite.
export async function startServer({ demo = true, workers = 400, args = [] } = {}) {
  const dir = mkdtempSync(join(tmpdir(), 'anjia-e2e-'));
  const keys = join(dir, 'anjia.keys');
  const shared = demo ? sharedDemo(workers) : null;
  const db = newDatabase(dir, shared && shared.template);
  if (shared) {
    copyFileSync(shared.keys, keys);
    chmodSync(keys, 0o600);
  } else if (demo) {
    const r = anjia(['demo', '--db', db, '--keys', keys, '--password', DEMO_PASSWORD, '--workers', String(workers)]);
    if (r.status !== 0) throw new Error('demo failed: ' + r.stderr);
  } else {
    anjia(['migrate', '--db', db]);
  }
  const srv = await serveOn(db, { args: ['--keys', keys, ...args], accessLog: join(dir, 'access.log') });
  return {
    ...srv, db, dir, keys,
    // Stops with SIGTERM and waits; removes the temporary directory (and the database on
    // PostgreSQL) unless keep is set.
    async stop({ keep = false } = {}) {
      const r = await srv.stop();
      if (!keep) {
        rmSync(dir, { recursive: true, force: true });
        dropDatabase(db);
      }
      return r;
    },
  };
}

// Signs in through the API; returns { token, csrf, user, cookie }.
export async function login(url, loginName, password = DEMO_PASSWORD) {
  const res = await fetch(url + '/api/auth/login', {
    method: 'POST', headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify({ login: loginName, password }),
  });
  if (res.status !== 200) throw new Error(`login ${loginName}: ${res.status} ${await res.text()}`);
  const body = await res.json();
  const cookie = (res.headers.get('set-cookie') || '').split(';')[0];
  return { token: body.token, csrf: body.csrf_token, user: body.user, cookie };
}
