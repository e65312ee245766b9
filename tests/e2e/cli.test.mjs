// Black-box tests of the anjia command line, on temporary databases: help and option handling,
// migrate, demo, user add, org add, audit verify (and tampering found by it), backup, jobs run.
import { test, describe, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, mkdirSync, writeFileSync, existsSync, rmSync, statSync, chmodSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startServer, serveOn, login, anjia, ANJIA, ROOT, DEMO_PASSWORD } from './lib/server.mjs';
import { call, dbSql } from './lib/http.mjs';

const COMMANDS = ['serve', 'migrate', 'demo', 'user', 'org', 'audit', 'backup', 'jobs', 'version', 'help'];

let dir;     // everything temporary
let demoDb;  // a demo database, copied for tests that change it
before(() => {
  dir = mkdtempSync(join(tmpdir(), 'anjia-cli-'));
  demoDb = join(dir, 'demo.db');
  const r = anjia(['demo', '--db', demoDb, '--password', DEMO_PASSWORD, '--workers', '50']);
  assert.equal(r.status, 0, r.stderr);
});
after(() => { rmSync(dir, { recursive: true, force: true }); });

let n = 0;
// A fresh copy of the demo database (a closed database is one file: the CLI checkpoints on close).
function demoCopy() {
  const p = join(dir, `copy-${++n}.db`);
  // sqlite3's .backup gives a consistent single-file copy whatever the journal state
  dbSql(demoDb, `.backup '${p}'`);
  return p;
}

// The record count anjia audit verify prints for an intact chain.
function verifyCount(db) {
  const r = anjia(['audit', 'verify', '--db', db]);
  assert.equal(r.status, 0, `audit verify: ${r.stdout}${r.stderr}`);
  const m = r.stdout.match(/intact: (\d+) records/);
  assert.ok(m, r.stdout);
  return Number(m[1]);
}

function tmpFile(name, content) {
  const p = join(dir, name);
  writeFileSync(p, content);
  return p;
}


// GB 32100 check character of the first 17 characters.
function usccWithCheck(first17) {
  const chars = '0123456789ABCDEFGHJKLMNPQRTUWXY';
  const w = [1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28];
  let sum = 0;
  for (let i = 0; i < 17; i++) sum += chars.indexOf(first17[i]) * w[i];
  return first17 + chars[(31 - (sum % 31)) % 31];
}

// ---------------------------------------------------------------------------------------------

describe('help and options', () => {
  test('anjia help lists every command and exits 0', () => {
    const r = anjia(['help']);
    assert.equal(r.status, 0);
    for (const c of COMMANDS) assert.match(r.stdout, new RegExp(`^\\s+${c}\\s`, 'm'), c);
    const h = anjia(['--help']);
    assert.equal(h.status, 0);
    assert.equal(h.stdout, r.stdout);
  });

  test('anjia with no command prints the list and exits 2', () => {
    const r = anjia([]);
    assert.equal(r.status, 2);
  });

  test('anjia X --help and anjia help X exit 0 with a usage for every command', () => {
    for (const c of COMMANDS.filter((x) => x !== 'help' && x !== 'version')) {
      const r = anjia([c, '--help']);
      assert.equal(r.status, 0, `${c} --help: ${r.stderr}`);
      assert.match(r.stdout, new RegExp(`usage: anjia ${c}`), c);
      const h = anjia(['help', c]);
      assert.equal(h.status, 0, `help ${c}: ${h.stderr}`);
      assert.equal(h.stdout, r.stdout, `help ${c}`);
    }
    assert.equal(anjia(['version', '--help']).status, 0);
    // sub-command forms
    for (const args of [['user', 'add', '--help'], ['org', 'add', '--help'], ['audit', 'verify', '--help'], ['jobs', 'run', '--help']]) {
      const r = anjia(args);
      assert.equal(r.status, 0, args.join(' '));
      assert.match(r.stdout, /usage:/);
    }
  });

  test('anjia help --help exits 0 like every other command', () => {
    const r = anjia(['help', '--help']);
    assert.equal(r.status, 0, `exit ${r.status}: ${r.stderr}`);
    assert.match(r.stdout, /serve/);
  });

  test('anjia version prints the version the server reports', () => {
    const r = anjia(['version']);
    assert.equal(r.status, 0);
    assert.match(r.stdout, /^anjia \d+\.\d+\.\d+\n$/);
    assert.equal(anjia(['--version']).stdout, r.stdout);
  });

  test('an unknown command exits 2 and names it', () => {
    for (const c of ['frobnicate', 'Serve', '-x', 'help-me']) {
      const r = anjia([c]);
      assert.equal(r.status, 2, c);
      assert.match(r.stderr, /no such command/);
    }
    const h = anjia(['help', 'frobnicate']);
    assert.equal(h.status, 2);
  });

  test('bad options and missing arguments exit 2 without touching a database', () => {
    const db = join(dir, 'never-created.db');
    const cases = [
      ['serve', '--db', db, '--port', 'abc'],
      ['serve', '--db', db, '--port', '70000'],
      ['serve', '--db', db, '--port', '-1'],
      ['serve', '--db', db, '--loops', '0'],
      ['serve', '--db', db, '--workers', '1000'],
      ['serve', '--db', db, '--timeout', 'x'],
      ['serve', '--db', db, '--utc-offset', '8'],
      ['serve', '--db', db, '--utc-offset', '+25:00'],
      ['serve', '--db', db, '--bogus'],
      ['serve', '--db', db, 'extra'],
      ['migrate', '--db', db, '--bogus'],
      ['migrate', '--db', db, 'extra'],
      ['migrate', '--db'],
      ['demo', '--db', db, '--seed', 'x'],
      ['demo', '--db', db, '--bogus'],
      ['user'],
      ['user', 'remove', '--db', db],
      ['user', 'add', '--db', db, '--bogus'],
      ['user', 'add', '--db', db, '--role', 'worker', '--login', 'x1x'],
      ['user', 'add', '--db', db, '--login', 'x1x', '--password-file', '/dev/null'],
      ['org'],
      ['org', 'add', '--db', db, '--kind', 'planet', '--name', '星球'],
      ['org', 'add', '--db', db, '--kind', 'training'],
      ['org', 'add', '--db', db, '--kind', 'training', '--name', '学校', 'extra'],
      ['audit'],
      ['audit', 'check', '--db', db],
      ['audit', 'verify', '--db', db, '--bogus'],
      ['backup', '--db', db],
      ['backup', '--db', db, '--to', join(dir, 'x.bak'), '--bogus'],
    ];
    for (const args of cases) {
      const r = anjia(args);
      assert.equal(r.status, 2, `${args.join(' ')} → ${r.status} ${r.stderr}`);
      assert.match(r.stderr, /usage|anjia:/, args.join(' '));
    }
    assert.equal(existsSync(db), false, 'no database was created by a refused command');
  });

  test('anjia version refuses options it does not take', () => {
    const r = anjia(['version', '--bogus']);
    assert.equal(r.status, 2, `exit ${r.status}: ${r.stdout}`);
  });
});

// ---------------------------------------------------------------------------------------------

describe('migrate and demo', () => {
  test('migrate creates the database (and its directories) and prints the schema version', () => {
    const db = join(dir, 'new', 'deeper', 'anjia.db');
    const r = anjia(['migrate', '--db', db]);
    assert.equal(r.status, 0, r.stderr);
    assert.match(r.stdout, /schema version \d+/);
    assert.ok(existsSync(db));
    const tables = dbSql(db, "SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name;").split('\n');
    for (const t of ['audit_head', 'audit_log', 'login_failures', 'orgs', 'sessions', 'users']) assert.ok(tables.includes(t), t);
    // again: nothing to do, same version
    const again = anjia(['migrate', '--db', db]);
    assert.equal(again.status, 0);
    assert.equal(again.stdout, r.stdout);
    assert.equal(verifyCount(db), 0);
  });

  test('demo loads the industry; a second demo on the same database fails and changes nothing', () => {
    const db = join(dir, 'twice.db');
    const r = anjia(['demo', '--db', db, '--password', DEMO_PASSWORD, '--workers', '30']);
    assert.equal(r.status, 0, r.stderr);
    assert.equal(Number(dbSql(db, 'SELECT count(*) FROM orgs;').trim()), 9);
    assert.equal(Number(dbSql(db, "SELECT count(*) FROM orgs WHERE kind = 'company';").trim()), 6);
    const users = Number(dbSql(db, 'SELECT count(*) FROM users;').trim());
    assert.ok(users >= 37, `${users} users`);
    assert.equal(Number(dbSql(db, 'SELECT count(*) FROM workers;').trim()), 30);
    const count = verifyCount(db);
    assert.equal(Number(dbSql(db, "SELECT count(*) FROM audit_log WHERE action = 'org.create';").trim()), 9,
      'one audit record per organisation');
    assert.equal(Number(dbSql(db, "SELECT count(*) FROM audit_log WHERE action = 'user.create';").trim()), users,
      'one audit record per user');
    assert.equal(Number(dbSql(db, "SELECT count(*) FROM audit_log WHERE action = 'worker.create';").trim()), 30,
      'one audit record per worker registered');
    const again = anjia(['demo', '--db', db, '--password', DEMO_PASSWORD]);
    assert.notEqual(again.status, 0);
    assert.match(again.stderr, /already holds data/);
    assert.equal(verifyCount(db), count);
    assert.equal(Number(dbSql(db, 'SELECT count(*) FROM users;').trim()), users);
  });

  test('a demo password shorter than 12 characters exits 2 and creates nothing', () => {
    const db = join(dir, 'short-pw.db');
    for (const pw of ['short', '11-chars-pw', '']) {
      const r = anjia(['demo', '--db', db, '--password', pw]);
      assert.equal(r.status, 2, `${JSON.stringify(pw)}: ${r.stderr}`);
      assert.match(r.stderr, /password/);
    }
    assert.equal(existsSync(db), false);
  });

  test('demo with a seed is reproducible in its names', () => {
    const a = join(dir, 'seed-a.db'), b = join(dir, 'seed-b.db');
    assert.equal(anjia(['demo', '--db', a, '--password', DEMO_PASSWORD, '--seed', '7', '--workers', '40']).status, 0);
    assert.equal(anjia(['demo', '--db', b, '--password', DEMO_PASSWORD, '--seed', '7', '--workers', '40']).status, 0);
    const q = 'SELECT login, name, role FROM users ORDER BY id; SELECT name, uscc FROM orgs ORDER BY id;' +
      ' SELECT name, id_hash, level FROM workers ORDER BY id;';
    assert.equal(dbSql(a, q), dbSql(b, q));
  });
});

// ---------------------------------------------------------------------------------------------

describe('user add', () => {
  test('a company_staff user added by org name, and a worker by org id, can sign in through a server', async () => {
    const db = demoCopy();
    const pw = tmpFile('pw-ok', 'newbie-password-2026\n');
    const company = dbSql(db, "SELECT id, name FROM orgs WHERE kind = 'company' ORDER BY id LIMIT 1;").trim().split('|');
    const before = verifyCount(db);
    const r = anjia(['user', 'add', '--db', db, '--org', company[1], '--role', 'company_staff', '--login', 'newbie', '--password-file', pw, '--name', '新人']);
    assert.equal(r.status, 0, r.stderr);
    assert.match(r.stdout, /user newbie created \(id \d+, role company_staff\)/);
    const r2 = anjia(['user', 'add', '--db', db, '--org', company[0], '--role', 'worker', '--login', 'Newbie.Two', '--password-file', pw]);
    assert.equal(r2.status, 0, r2.stderr);
    assert.match(r2.stdout, /user newbie\.two created/);
    const cust = anjia(['user', 'add', '--db', db, '--role', 'customer', '--login', 'newbie-customer', '--password-file', pw]);
    assert.equal(cust.status, 0, cust.stderr);
    assert.equal(verifyCount(db), before + 3, 'each user is one audit record');
    const s = await serveOn(db);
    try {
      const a = await login(s.url, 'newbie', 'newbie-password-2026');
      assert.equal(a.user.role, 'company_staff');
      assert.equal(a.user.org_id, Number(company[0]));
      assert.equal(a.user.name, '新人');
      const b = await login(s.url, 'newbie.two', 'newbie-password-2026');
      assert.equal(b.user.role, 'worker');
      assert.equal(b.user.org_id, Number(company[0]));
      const c = await login(s.url, 'newbie-customer', 'newbie-password-2026');
      assert.equal(c.user.org_id, null);
      // the audit shows who did it: the command line
      const adm = await login(s.url, 'admin');
      const audit = await call(s.url, '/api/audit?entity=user&entity_id=' + a.user.id, { token: adm.token });
      assert.equal(audit.json.items[0].action, 'user.create');
      assert.equal(audit.json.items[0].actor_label, 'cli');
      assert.equal(audit.json.items[0].actor_id, null);
    } finally {
      const e = await s.stop();
      assert.equal(e.code, 0);
    }
  });

  test('refusals exit non-zero and write nothing', () => {
    const db = demoCopy();
    const good = tmpFile('pw-good', 'a-good-long-password\n');
    const short = tmpFile('pw-short', 'short\n');
    const empty = tmpFile('pw-empty', '\n');
    const ctrl = tmpFile('pw-ctrl', 'bad\u0007password-with-bell\n');
    const company = dbSql(db, "SELECT name FROM orgs WHERE kind = 'company' ORDER BY id LIMIT 1;").trim();
    const before = verifyCount(db);
    const users = dbSql(db, 'SELECT count(*) FROM users;');
    const cases = [
      [['--org', company, '--role', 'trainer', '--login', 'wrongkind', '--password-file', good], /role_org_mismatch/],
      [['--org', company, '--role', 'customer', '--login', 'custwithorg', '--password-file', good], /role_org_mismatch/],
      [['--org', '杭州市家政职业技能培训学校', '--role', 'worker', '--login', 'wrongkind2', '--password-file', good], /role_org_mismatch/],
      [['--role', 'worker', '--login', 'noorg', '--password-file', good], /org_id|missing/],
      [['--org', '没有这个机构', '--role', 'worker', '--login', 'noorg2', '--password-file', good], /no such organisation/],
      [['--org', '99999', '--role', 'worker', '--login', 'noorg3', '--password-file', good], /no such organisation/],
      [['--org', company, '--role', 'worker', '--login', 'shortpw', '--password-file', short], /password_too_short/],
      [['--org', company, '--role', 'worker', '--login', 'emptypw', '--password-file', empty], /password/],
      [['--org', company, '--role', 'worker', '--login', 'ctrlpw', '--password-file', ctrl], /password_invalid/],
      [['--org', company, '--role', 'worker', '--login', 'nofile', '--password-file', join(dir, 'no-such-file')], /cannot read/],
      [['--org', company, '--role', 'superuser', '--login', 'badrole', '--password-file', good], /no such role/],
      [['--org', company, '--role', 'worker', '--login', 'a b', '--password-file', good], /login/],
      [['--org', company, '--role', 'worker', '--login', 'ab', '--password-file', good], /login/],
      [['--org', company, '--role', 'worker', '--login', '用户', '--password-file', good], /login/],
      [['--org', company, '--role', 'worker', '--login', 'admin', '--password-file', good], /login_taken/],
      [['--org', company, '--role', 'worker', '--login', 'ADMIN', '--password-file', good], /login_taken/],
    ];
    for (const [args, msg] of cases) {
      const r = anjia(['user', 'add', '--db', db, ...args]);
      assert.notEqual(r.status, 0, `${args.join(' ')} succeeded: ${r.stdout}`);
      assert.match(r.stderr, msg, args.join(' '));
    }
    assert.equal(verifyCount(db), before);
    assert.equal(dbSql(db, 'SELECT count(*) FROM users;'), users);
  });
});

// ---------------------------------------------------------------------------------------------

describe('org add', () => {
  test('an invalid credit code, a company without one, a duplicate → non-zero, nothing written', () => {
    const db = demoCopy();
    const before = verifyCount(db);
    const real = dbSql(db, "SELECT uscc FROM orgs WHERE kind = 'company' ORDER BY id LIMIT 1;").trim();
    const wrongCheck = real.slice(0, 17) + (real[17] === '0' ? '1' : '0');
    const cases = [
      [['--kind', 'company', '--name', '坏代码公司', '--uscc', wrongCheck], /invalid_uscc/],
      [['--kind', 'company', '--name', '坏代码公司', '--uscc', '123'], /invalid_uscc/],
      [['--kind', 'company', '--name', '坏代码公司', '--uscc', 'I' + real.slice(1)], /invalid_uscc/],
      [['--kind', 'company', '--name', '无代码公司'], /uscc_required/],
      [['--kind', 'company', '--name', '重复代码公司', '--uscc', real], /uscc_taken/],
      [['--kind', 'training', '--name', '杭州安心家政服务有限公司'], /org_name_taken/],
      [['--kind', 'association', '--name', '第二个协会'], /association_exists/],
    ];
    for (const [args, msg] of cases) {
      const r = anjia(['org', 'add', '--db', db, ...args]);
      assert.notEqual(r.status, 0, `${args.join(' ')} succeeded: ${r.stdout}`);
      assert.match(r.stderr, msg, args.join(' '));
    }
    assert.equal(verifyCount(db), before);
    assert.equal(Number(dbSql(db, 'SELECT count(*) FROM orgs;').trim()), 9);
  });

  test('a valid code (lower case accepted) registers a company with one audit record', () => {
    const db = demoCopy();
    const before = verifyCount(db);
    const code = usccWithCheck('91330106MA2' + '7Q8R9T');
    const r = anjia(['org', 'add', '--db', db, '--kind', 'company', '--name', '杭州新开家政有限公司', '--uscc', code.toLowerCase(), '--district', '西湖区']);
    assert.equal(r.status, 0, r.stderr);
    assert.match(r.stdout, /registered \(id \d+\)/);
    assert.equal(dbSql(db, "SELECT uscc, district FROM orgs WHERE name = '杭州新开家政有限公司';").trim(), `${code}|西湖区`);
    assert.equal(verifyCount(db), before + 1);
    const t = anjia(['org', 'add', '--db', db, '--kind', 'training', '--name', '第二培训学校']);
    assert.equal(t.status, 0, t.stderr);
    assert.equal(verifyCount(db), before + 2);
  });
});

// ---------------------------------------------------------------------------------------------

describe('audit verify and tampering', () => {
  test('an intact demo chain verifies with its count', () => {
    const db = demoCopy();
    const r = anjia(['audit', 'verify', '--db', db]);
    assert.equal(r.status, 0);
    const rows = Number(dbSql(db, 'SELECT count(*) FROM audit_log;').trim());
    const signed = Number(dbSql(db, 'SELECT count(*) FROM audit_checkpoints;').trim());
    assert.ok(signed >= 1, 'the demo leaves signed checkpoints');
    assert.equal(r.stdout.trim(), `audit chain intact: ${rows} records\n`
      + `stored checkpoints: ${signed}, each matching the chain and signed by the association's key`);
  });

  test('an altered record is found and named', () => {
    const db = demoCopy();
    dbSql(db, "UPDATE audit_log SET action = 'user.delete' WHERE id = 5;");
    const r = anjia(['audit', 'verify', '--db', db]);
    assert.equal(r.status, 1, r.stdout);
    assert.match(r.stdout, /broken at record 5\b/);
    // other columns too
    for (const [col, val] of [['actor_label', "'someone'"], ['at', 'at + 1'], ['entity_id', 'entity_id + 1'], ['entity', "'widget'"], ['digest', `'${'e'.repeat(64)}'`]]) {
      const d = demoCopy();
      dbSql(d, `UPDATE audit_log SET ${col} = ${val} WHERE id = 7;`);
      const v = anjia(['audit', 'verify', '--db', d]);
      assert.equal(v.status, 1, `${col}: ${v.stdout}`);
      assert.match(v.stdout, /broken at record 7\b/, col);
    }
  });

  test('a changed stored hash is found', () => {
    const db = demoCopy();
    dbSql(db, "UPDATE audit_log SET hash = 'ffff' || substr(hash, 5) WHERE id = 10;");
    const r = anjia(['audit', 'verify', '--db', db]);
    assert.equal(r.status, 1);
    assert.match(r.stdout, /broken at record 10\b/);
  });

  test('a deleted middle record is found: the next one is named', () => {
    const db = demoCopy();
    dbSql(db, 'DELETE FROM audit_log WHERE id = 5;');
    const r = anjia(['audit', 'verify', '--db', db]);
    assert.equal(r.status, 1, r.stdout);
    assert.match(r.stdout, /broken at record 6\b/);
  });

  test('a deleted last record is found through the head', () => {
    const db = demoCopy();
    const last = Number(dbSql(db, 'SELECT max(id) FROM audit_log;').trim());
    dbSql(db, `DELETE FROM audit_log WHERE id = ${last};`);
    const r = anjia(['audit', 'verify', '--db', db]);
    assert.equal(r.status, 1, r.stdout);
    assert.match(r.stdout, new RegExp(`broken at record ${last}\\b`));
    // and the head rewound along with it is found too (the last record no longer matches it)
    const d2 = demoCopy();
    dbSql(d2, `DELETE FROM audit_log WHERE id = ${last}; UPDATE audit_head SET last_id = ${last - 1};`);
    const r2 = anjia(['audit', 'verify', '--db', d2]);
    assert.equal(r2.status, 1, r2.stdout);
  });

  test('GET /api/audit/verify on a server over a tampered database answers ok:false with first_bad', async () => {
    const s = await startServer();
    try {
      const a = await login(s.url, 'admin');
      const ok = await call(s.url, '/api/audit/verify', { token: a.token });
      assert.equal(ok.status, 200);
      assert.equal(ok.json.ok, true);
      assert.equal(ok.json.first_bad, null);
      assert.equal(ok.json.reason, null);
      assert.ok(ok.json.entries >= 47);
      dbSql(s.db, "UPDATE audit_log SET actor_label = 'nobody' WHERE id = 5;");
      const bad = await call(s.url, '/api/audit/verify', { token: a.token });
      assert.equal(bad.status, 200);
      assert.equal(bad.json.ok, false);
      assert.equal(bad.json.first_bad, 5);
      assert.equal(typeof bad.json.reason, 'string');
      assert.match(bad.json.reason, /5/);
      assert.equal(bad.json.entries, ok.json.entries);
      // the command line agrees, while the server runs
      const cli = anjia(['audit', 'verify', '--db', s.db]);
      assert.equal(cli.status, 1);
      assert.match(cli.stdout, /broken at record 5\b/);
    } finally {
      await s.stop();
    }
  });

  test('audit verify on a path with no database fails and creates nothing', () => {
    const missing = join(dir, 'no-such-dir', 'missing.db');
    const r = anjia(['audit', 'verify', '--db', missing]);
    assert.notEqual(r.status, 0, `exit 0: ${r.stdout}`);
    assert.equal(existsSync(missing), false, 'verify created a database');
    assert.equal(existsSync(join(dir, 'no-such-dir')), false, 'verify created a directory');
  });
});

// ---------------------------------------------------------------------------------------------

describe('backup', () => {
  test('a backup of a quiet database is a whole copy', () => {
    const db = demoCopy();
    const to = join(dir, 'quiet.bak');
    const r = anjia(['backup', '--db', db, '--to', to]);
    assert.equal(r.status, 0, r.stderr);
    assert.match(r.stdout, /backed up to/);
    assert.equal(verifyCount(to), verifyCount(db));
    const q = 'SELECT id, login, pw_hash FROM users ORDER BY id;';
    assert.equal(dbSql(to, q), dbSql(db, q));
    assert.ok(statSync(to).size > 0);
  });

  test('a backup of a missing database fails and writes no file', () => {
    const to = join(dir, 'from-nothing.bak');
    const r = anjia(['backup', '--db', join(dir, 'nothing-here.db'), '--to', to]);
    assert.equal(r.status, 1);
    assert.match(r.stderr, /no database/);
    assert.equal(existsSync(to), false);
  });

  test('a backup to an unwritable place fails', () => {
    const db = demoCopy();
    const r = anjia(['backup', '--db', db, '--to', join(dir, 'no-such-dir', 'x', 'y.bak')]);
    assert.notEqual(r.status, 0);
  });
});

describe('file modes', () => {
  const mode = (p) => (statSync(p).mode & 0o777).toString(8);

  test('the database, its -wal and -shm, and a backup are readable by their owner only', async () => {
    mkdirSync(join(dir, 'modes'));
    const db = join(dir, 'modes', 'anjia.db');
    const r = spawnSync(ANJIA, ['migrate', '--db', db], { cwd: ROOT, encoding: 'utf8' });
    assert.equal(r.status, 0, r.stderr);
    assert.equal(mode(db), '600');
    assert.doesNotMatch(r.stderr, /open to other users/, 'created 0600, not narrowed after the fact');
    const srv = await serveOn(db);
    try {
      // a write through the server, so the write-ahead log has frames
      const res = await call(srv.url, '/api/public/customers', { method: 'POST', json: { login: 'mode.check', name: '林晓', password: 'a long enough password' } });
      assert.equal(res.status, 201, res.text);
      for (const p of [db, db + '-wal', db + '-shm']) assert.equal(mode(p), '600', p);
      const to = join(dir, 'modes', 'while-serving.bak');
      const b = anjia(['backup', '--db', db, '--to', to]);
      assert.equal(b.status, 0, b.stderr);
      assert.equal(mode(to), '600');
    } finally {
      await srv.stop();
    }
  });

  test('a database left open to others is narrowed to its owner at open, and the log says so', () => {
    const db = demoCopy();
    chmodSync(db, 0o644);
    const r = spawnSync(ANJIA, ['migrate', '--db', db], { cwd: ROOT, encoding: 'utf8' });
    assert.equal(r.status, 0, r.stderr);
    assert.equal(mode(db), '600');
    assert.match(r.stderr, /open to other users \(mode 644\); now 600/);
    // once narrowed, nothing more to say
    const again = spawnSync(ANJIA, ['migrate', '--db', db], { cwd: ROOT, encoding: 'utf8' });
    assert.doesNotMatch(again.stderr, /open to other users/);
  });
});

describe('jobs run', () => {
  // The counts `anjia jobs run` prints, by their words.
  function jobs(db) {
    const r = anjia(['jobs', 'run', '--db', db]);
    assert.equal(r.status, 0, r.stderr);
    const count = (label) => Number((r.stdout.match(new RegExp(`${label}: (\\d+)`)) || [])[1]);
    return { breached: count('complaint clocks breached'), closed: count('complaints closed'),
      claims: count('claims overdue'), rectifications: count('rectifications overdue') };
  }

  test('a complaint whose 48 hours ran out is escalated once; a second run changes nothing', () => {
    const db = demoCopy();
    jobs(db); // whatever the demo left due by now
    // a complaint filed three days ago, never answered
    const now = Math.floor(Date.now() / 1000);
    const company = dbSql(db, "SELECT id FROM orgs WHERE kind = 'company' ORDER BY id LIMIT 1").trim();
    dbSql(db, `INSERT INTO complaints (tracking_no, channel, company_id, category, description, status, created_at,
      month, feedback_due, resolve_due, contact_name) VALUES ('TS-CLI-1', 'phone', ${company}, 'quality', '未反馈',
      'received', ${now - 3 * 86400}, 0, ${now - 86400}, ${now + 4 * 86400}, '测试')`);
    const before = verifyCount(db);
    const first = jobs(db);
    assert.equal(first.breached, 1);
    assert.equal(dbSql(db, "SELECT feedback_breached, escalated_at IS NOT NULL FROM complaints WHERE tracking_no = 'TS-CLI-1'").trim(), '1|1');
    assert.equal(Number(dbSql(db, "SELECT count(*) FROM outbox WHERE topic = 'complaint_escalated' AND subject_id = (SELECT id FROM complaints WHERE tracking_no = 'TS-CLI-1')").trim()), 2);
    const after = verifyCount(db);
    assert.ok(after > before, 'the breach is in the audit chain');
    const second = jobs(db);
    assert.deepEqual(second, { breached: 0, closed: 0, claims: 0, rectifications: 0 });
    assert.equal(verifyCount(db), after);
  });

  test('serve runs the job itself: a complaint past its deadline is escalated within the interval, once', async () => {
    const db = demoCopy();
    jobs(db);
    const srv = await serveOn(db, { args: ['--jobs-interval', '1'] });
    try {
      const cust = (await login(srv.url, 'customer1')).token;
      const company = dbSql(db, "SELECT id FROM orgs WHERE kind = 'company' ORDER BY id LIMIT 1").trim();
      const r = await call(srv.url, '/api/complaints', { method: 'POST', token: cust,
        json: { company_id: Number(company), category: 'punctuality', description: '迟到两小时', contact_phone: '13905710066' } });
      assert.equal(r.status, 201, r.text);
      assert.equal(r.json.escalated_at, null);
      // about no booking: the service centre verifies it first, and the company's clocks start then
      const cs = (await login(srv.url, 'cs1')).token;
      const v = await call(srv.url, `/api/complaints/${r.json.id}/verify`, { method: 'POST', token: cs,
        json: { note: '已回电客户核实，情况属实。' } });
      assert.equal(v.status, 200, v.text);
      // the deadline moved into the past behind the server's back
      dbSql(db, `UPDATE complaints SET feedback_due = ${Math.floor(Date.now() / 1000) - 60} WHERE id = ${r.json.id}`);
      let seen = null;
      for (let i = 0; i < 50 && !seen; i++) {
        await new Promise((res) => setTimeout(res, 100));
        const g = await call(srv.url, `/api/complaints/${r.json.id}`, { token: cust });
        if (g.json.feedback_breached) seen = g.json;
      }
      assert.ok(seen, 'escalated by the server within five seconds');
      assert.ok(seen.escalated_at);
      await new Promise((res) => setTimeout(res, 2500)); // two more passes
      const breaches = Number(dbSql(db, `SELECT count(*) FROM complaint_events WHERE complaint_id = ${r.json.id} AND action = 'feedback_breached'`).trim());
      assert.equal(breaches, 1);
    } finally {
      await srv.stop();
    }
  });

  test('jobs without run, or on a missing database, fails without creating one', () => {
    assert.equal(anjia(['jobs']).status, 2);
    assert.equal(anjia(['jobs', 'walk']).status, 2);
    const missing = join(dir, 'nothing-here.db');
    assert.notEqual(anjia(['jobs', 'run', '--db', missing]).status, 0);
    assert.equal(existsSync(missing), false);
  });
});
