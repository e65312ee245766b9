// Black-box tests of the workforce over HTTP: the industry registry with sealed resident ID
// numbers, checks, training, certificates and their signed credentials, the "may serve now" rule
// and the CSV import. One demo server for the file; every test makes its own fresh people (random
// resident ID numbers) so that tests do not depend on each other or on the demo's people.
import { test, describe, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer } from './lib/server.mjs';
import { call, assertError, auditCount, changeRecords, dbSql } from './lib/http.mjs';
import {
  client, expect, randomId, idNumber, maskId, randomPhone, randomName, bjDate, addDays,
  addMonths, bjNoon, isoIn, age, quarterOf, registerWorker, recordChecks, courses, trainingOrg, createSession,
  enrolAndScore, sharedSession, passCourses, compliantWorker, eligibility, codes, publicKeyFrom,
  parseToken, tokenValid, flipChar, csv, ZH_HEADER, HOUSEHOLD_COURSES,
} from './lib/workforce.mjs';

let srv, base, c, adminToken;
let CO1, CO2, CO3, CO4; // company ids of company1..company4
const PLAIN = new Set(); // every plain resident ID number this file sent to the server

before(async () => {
  srv = await startServer({ workers: 400 });
  base = srv.url;
  c = client(base);
  adminToken = await c.token('admin');
  CO1 = (await c.user('company1')).org_id;
  CO2 = (await c.user('company2')).org_id;
  CO3 = (await c.user('company3')).org_id;
  CO4 = (await c.user('company4')).org_id;
  // sign everyone in now: a sign-in is a write, and tests count writes
  for (const who of ['staff1', 'trainer1', 'cs1', 'customer1', 'worker1']) await c.token(who);
});
after(async () => { if (srv) await srv.stop(); });

// Registers a worker and remembers the plain number for the final leak check.
async function reg(who, over = {}) {
  const w = await registerWorker(c, who, over);
  PLAIN.add(w.id);
  return w;
}
async function compliant(who = 'company1', over = {}) {
  const w = await compliantWorker(c, who, over);
  PLAIN.add(w.id);
  return w;
}
const post = (who, path, json) => c.post(who, path, json);
// the chain verified, and its records of changes counted (not the trace of reads and look-ups)
const audit = async () => { await auditCount(base, adminToken); return changeRecords(srv.db); };

// Runs fn and asserts the audit chain gained no record meanwhile.
async function noWrite(fn) {
  const before = await audit();
  await fn();
  assert.equal(await audit(), before, 'a refused request must write nothing');
}

const pad2 = (n) => String(n).padStart(2, '0');
// Waits until the clock's second has changed (the store keeps times in whole seconds).
async function nextSecond() {
  const next = (Math.floor(Date.now() / 1000) + 1) * 1000 + 50;
  await new Promise((r) => setTimeout(r, next - Date.now()));
}

// The reasons of a 422 requirements_unmet (beside the error envelope, like an import's errors).
const reasonsOf = (r) => r.json.reasons ?? r.json.error.reasons;

// A registration body with a fresh person.
function body(over = {}) {
  const idinfo = randomId();
  PLAIN.add(idinfo.id);
  return { name: randomName(), id_number: idinfo.id, phone: randomPhone(), trades: ['household'], level: 'junior', ...over };
}

// ---------------------------------------------------------------------------------------------

describe('registry', () => {
  test('a company registers a worker: 201, the number masked to its first three and last, age and sex from the number', async () => {
    for (const sex of ['male', 'female']) {
      const idinfo = randomId({ sex, birth: '19860412' });
      const w = await reg('company1', { idinfo, trades: ['household', 'cleaning'], level: 'senior' });
      const o = w.worker;
      assert.equal(o.linked, false);
      assert.equal(o.id_number_masked, maskId(idinfo.id));
      assert.match(o.id_number_masked, /^\d{3}\*{14}[0-9X]$/);
      // the company gets age and sex; the birth date (which with a wider mask rebuilt the number) is not its to have
      assert.ok(!('birth_date' in o), 'no birth date for a company');
      assert.equal(o.age, age('1986-04-12'));
      assert.equal(o.sex, sex, `17th digit ${idinfo.id[16]}`);
      assert.equal(o.name, w.name);
      assert.equal(o.phone, w.phone);
      assert.deepEqual([...o.trades].sort(), ['cleaning', 'household']);
      assert.equal(o.level, 'senior');
      assert.equal(o.status, 'active');
      assert.deepEqual(o.company, { id: CO1, name: o.company.name });
      assert.equal(o.employed_since, bjDate());
      assert.equal(o.eligibility.status, 'red');
      assert.ok(!('id_number' in o), 'no id_number member');
      // and as read back
      const g = expect(await c.get('company1', `/api/workers/${w.wid}`), 200);
      assert.equal(g.id_number_masked, maskId(idinfo.id));
      assert.equal(g.sex, sex);
    }
  });

  test('bad resident ID numbers → 400 invalid_id_number, nothing written', async () => {
    const good = randomId({ birth: '19900215' }).id;
    const first17 = good.slice(0, 17);
    const wrongCheck = first17 + '10X98765432'.split('').find((ch) => ch !== good[17]);
    const tomorrow = bjDate(1).replace(/-/g, '');
    const bad = {
      'wrong check character': wrongCheck,
      'bad date 19900230': idNumber('330102', '19900230', 123),
      'bad month 19901301': idNumber('330102', '19901301', 124),
      'future birth date': idNumber('110101', '20300101', 125),
      'birth date tomorrow': idNumber('110101', tomorrow, 126),
      letters: '3301021990A2151234',
      'bad province 99': idNumber('990101', '19900215', 127),
      'bad province 00': idNumber('000101', '19900215', 128),
      'check character not X': first17.slice(0, 16) + 'Y' + 'X',
    };
    await noWrite(async () => {
      for (const [what, id] of Object.entries(bad)) {
        PLAIN.add(id);
        const r = await post('company1', '/api/workers', body({ id_number: id }));
        assert.equal(r.status, 400, `${what} (${id}): ${r.status} ${r.text}`);
        assertError(r, 400, 'invalid_id_number', 'id_number');
      }
    });
  });

  test('a number of the wrong length → 400 invalid_id_number, nothing written', async () => {
    const good = randomId().id;
    PLAIN.add(good);
    await noWrite(async () => {
      for (const id of [good.slice(0, 17), good + '1', good.slice(0, 15)]) {
        PLAIN.add(id);
        const r = await post('company1', '/api/workers', body({ id_number: id }));
        assertError(r, 400, 'invalid_id_number', 'id_number');
      }
    });
  });

  test('a lower-case x check character is accepted and stored as X', async () => {
    const idinfo = randomId({ x: true });
    PLAIN.add(idinfo.id);
    const b = body({ id_number: idinfo.id.toLowerCase() });
    const w = expect(await post('company1', '/api/workers', b), 201, 'lower-case x');
    assert.equal(w.id_number_masked, maskId(idinfo.id));
    assert.ok(w.id_number_masked.endsWith('X'));
    // the same person with an upper-case X is the same person
    const again = await post('company1', '/api/workers', { ...b, id_number: idinfo.id });
    assertError(again, 409, 'already_registered');
  });

  test('bad phone numbers → 400 invalid_phone; unknown trade or level → 400; nothing written', async () => {
    await noWrite(async () => {
      for (const phone of ['12345678901', '10012345678', '1381234567a', '+8613812345', '1381234567８']) {
        const r = await post('company1', '/api/workers', body({ phone }));
        assertError(r, 400, 'invalid_phone', 'phone');
      }
      // a wrong length may be named as such
      for (const phone of ['1381234567', '138123456789']) {
        const r = await post('company1', '/api/workers', body({ phone }));
        assertError(r, 400, ['invalid_phone', 'too_short', 'too_long'], 'phone');
      }
      let r = await post('company1', '/api/workers', body({ trades: ['gardener'] }));
      assertError(r, 400, undefined, 'trades');
      r = await post('company1', '/api/workers', body({ trades: ['household', 'astronaut'] }));
      assertError(r, 400, undefined, 'trades');
      r = await post('company1', '/api/workers', body({ trades: [] }));
      assertError(r, 400, undefined, 'trades');
      r = await post('company1', '/api/workers', body({ level: 'grandmaster' }));
      assertError(r, 400, undefined, 'level');
      r = await post('company1', '/api/workers', body({ name: '张' }));
      assertError(r, 400, undefined, 'name');
      r = await post('company1', '/api/workers', body({ experience_since: bjDate(3) }));
      assertError(r, 400, 'invalid_date', 'experience_since');
    });
  });

  test('one person, one record: already_registered, linking to a new employer, name_mismatch', async () => {
    const w = await reg('company1', { trades: ['household'] });
    const again = { name: w.name, id_number: w.id, phone: randomPhone(), trades: ['cooking'], level: 'junior' };
    await noWrite(async () => {
      assertError(await post('company1', '/api/workers', again), 409, 'already_registered');
    });
    // another company registers the same person under the same name: a request that waits for the
    // worker, and until then nothing changes hands
    const asked = expect(await post('company2', '/api/workers', again), 202, 'transfer request');
    assert.equal(asked.status, 'pending');
    assert.equal(asked.worker.id, w.wid);
    assert.ok(!('from_company' in asked), 'where the person works is not the asking company\'s to learn');
    assertError(await c.get('company2', `/api/workers/${w.wid}`), 404, 'not_found');
    assert.equal(expect(await c.get('company1', `/api/workers/${w.wid}`), 200).company.id, CO1);
    // the person confirms at the association's counter
    expect(await post('admin', `/api/transfers/${asked.id}/accept`, { note: '本人到协会窗口确认' }), 200, 'accept');
    const linked = expect(await c.get('company2', `/api/workers/${w.wid}`), 200);
    assert.equal(linked.id, w.wid, 'the same record');
    assert.equal(linked.company.id, CO2);
    assert.deepEqual(linked.trades, ['cooking']);
    assert.equal(linked.level, 'junior');
    assert.equal(linked.id_number_masked, maskId(w.id));
    assert.equal(expect(await c.get('company2', `/api/workers/${w.wid}`), 200).company.id, CO2);
    assertError(await c.get('company1', `/api/workers/${w.wid}`), 404, 'not_found');
    const emp = expect(await c.get('company2', `/api/workers/${w.wid}/employments`), 200);
    assert.equal(emp.items.length, 2, JSON.stringify(emp));
    const [now, old] = emp.items; // newest first
    assert.equal(now.company.id, CO2);
    assert.equal(now.started_on, bjDate());
    assert.equal(now.ended_on, null);
    assert.equal(old.company.id, CO1);
    assert.equal(old.started_on, bjDate());
    assert.equal(old.ended_on, bjDate());
    // company1's list no longer has the worker
    const l1 = expect(await c.get('company1', `/api/workers?q=${encodeURIComponent(w.name)}`), 200);
    assert.ok(!l1.items.some((x) => x.id === w.wid));
    // a third company with another name
    await noWrite(async () => {
      const r = await post('company3', '/api/workers', { ...again, name: randomName(4) });
      assertError(r, 422, 'name_mismatch');
    });
    assertError(await c.get('company3', `/api/workers/${w.wid}`), 404);
  });

  test('a revoked person cannot come back through any company: 409 person_revoked, the reason for the association only', async () => {
    const w = await compliant('company1', { trades: ['household', 'cleaning'] });
    await passCourses(c, w.wid, ['SK-CL']);
    const second = expect(await post('admin', '/api/certificates', { worker_id: w.wid, trade: 'cleaning', level: 'junior' }), 201);
    const reason = '经查实存在严重违规行为 ' + Math.random().toString(36).slice(2, 8);
    assertError(await post('company1', `/api/workers/${w.wid}/revoke`, { reason }), 403, 'forbidden');
    assertError(await post('admin', `/api/workers/${w.wid}/revoke`, { reason: 'x' }), 400, undefined, 'reason');
    const before = await audit();
    const r = expect(await post('admin', `/api/workers/${w.wid}/revoke`, { reason }), 200, 'revoke');
    assert.equal(r.status, 'revoked');
    assert.equal(r.revoked_reason, reason);
    assert.equal(await audit(), before + 3, 'the person and each of the two certificates');
    // every certificate goes with the person
    for (const serial of [w.cert.serial, second.serial]) {
      const v = expect(await c.get(null, `/api/public/verify/${serial}`), 200);
      assert.equal(v.status, 'revoked', serial);
    }
    const certs = expect(await c.get('admin', `/api/certificates?worker_id=${w.wid}`), 200);
    assert.deepEqual(certs.items.map((x) => [x.status, x.revoked_reason]), [['revoked', reason], ['revoked', reason]]);
    assert.equal(expect(await c.get(null, `/api/public/workers/${w.wid}`), 200).status, 'revoked');
    const e = await eligibility(c, 'company1', w.wid, 'household');
    assert.equal(e.status, 'red');
    assert.ok(codes(e).includes('worker_revoked'), JSON.stringify(e));
    for (const who of ['company1', 'company2', 'company3']) {
      await noWrite(async () => {
        const again = await post(who, '/api/workers', { name: w.name, id_number: w.id, phone: randomPhone(), trades: ['household'], level: 'junior' });
        assertError(again, 409, 'person_revoked');
        // that the person is revoked is enough; why is the association's
        assert.ok(!again.text.includes(reason), again.text);
      });
    }
    // the association cannot register them again either
    const a = await post('admin', '/api/workers', { name: w.name, id_number: w.id, phone: randomPhone(), trades: ['household'], level: 'junior', company_id: CO4 });
    assertError(a, 409, 'person_revoked');
    assert.equal(a.json.error.detail, reason);
    // nor be enrolled in training
    const sid = await sharedSession(c, 'COM-01');
    assertError(await post('trainer1', `/api/training-sessions/${sid}/enrolments`, { id_number: w.id, name: w.name }), 422, 'worker_revoked');
  });

  test('company scoping: lists, reads and writes only for the company\'s own workers', async () => {
    const mine = await reg('staff1'); // company staff register into their company too
    assert.equal(mine.worker.company.id, CO1);
    const theirs = await reg('company2');
    // company1's list only ever holds company1's workers
    let page = 1, seen = 0, total = 0;
    for (;;) {
      const l = expect(await c.get('company1', `/api/workers?per_page=100&page=${page}`), 200);
      total = l.total;
      for (const x of l.items) assert.equal(x.company && x.company.id, CO1, `worker ${x.id} of ${JSON.stringify(x.company)}`);
      seen += l.items.length;
      if (!l.items.length || seen >= l.total) break;
      page++;
    }
    assert.equal(seen, total);
    assert.ok(total > 1);
    const ids = [];
    for (let p = 1; p <= Math.ceil(total / 100); p++) ids.push(...expect(await c.get('company1', `/api/workers?per_page=100&page=${p}`), 200).items.map((x) => x.id));
    assert.ok(ids.includes(mine.wid));
    assert.ok(!ids.includes(theirs.wid));
    // company_id does not widen a company's view
    const l2 = expect(await c.get('company1', `/api/workers?company_id=${CO2}&per_page=100`), 200);
    for (const x of l2.items) assert.equal(x.company.id, CO1);
    // the other company's worker is not there for company1
    await noWrite(async () => {
      for (const path of ['', '/employments', '/checks', '/training', '/eligibility?trade=household']) {
        assertError(await c.get('company1', `/api/workers/${theirs.wid}${path}`), 404, 'not_found');
      }
      assertError(await c.patch('company1', `/api/workers/${theirs.wid}`, { phone: randomPhone() }), 404);
      assertError(await post('company1', `/api/workers/${theirs.wid}/checks`, { kind: 'health', result: 'pass', checked_on: bjDate(-1) }), 404);
      assertError(await post('company1', `/api/workers/${theirs.wid}/leave`, {}), 404);
      assertError(await post('staff1', `/api/workers/${theirs.wid}/checks`, { kind: 'identity', result: 'pass', checked_on: bjDate(-1) }), 404);
      // a company registers into itself only
      assertError(await post('company1', '/api/workers', body({ company_id: CO2 })), 403);
    });
    // name and number never change
    await noWrite(async () => {
      assertError(await c.patch('company1', `/api/workers/${mine.wid}`, { name: randomName() }), 400, 'unknown_field', 'name');
      assertError(await c.patch('company1', `/api/workers/${mine.wid}`, { id_number: randomId().id }), 400, 'unknown_field', 'id_number');
      assertError(await c.patch('company1', `/api/workers/${mine.wid}`, { phone: '12345678901' }), 400, 'invalid_phone', 'phone');
    });
    // company1 can PATCH its own
    const phone = randomPhone();
    const p = expect(await c.patch('company1', `/api/workers/${mine.wid}`, { phone, trades: ['household', 'elderly_care'] }), 200);
    assert.equal(p.phone, phone);
    assert.deepEqual([...p.trades].sort(), ['elderly_care', 'household']);
    // a customer has no access to the registry
    for (const path of ['/api/workers', `/api/workers/${mine.wid}`]) assertError(await c.get('customer1', path), 403, 'forbidden');
    assertError(await post('customer1', '/api/workers', body()), 403, 'forbidden');
    assertError(await c.get(null, '/api/workers'), 401);
    // the 24-hour service reads any worker but registers none
    for (const w of [mine, theirs]) {
      const g = expect(await c.get('cs1', `/api/workers/${w.wid}`), 200);
      assert.equal(g.id, w.wid);
      assert.equal(g.id_number_masked, maskId(w.id));
    }
    assert.ok(expect(await c.get('cs1', `/api/workers?company_id=${CO2}&per_page=100`), 200).items.every((x) => x.company.id === CO2));
    assertError(await post('cs1', '/api/workers', body()), 403, 'forbidden');
  });

  test('the public view: masked name, age band, no phone, number, birth date or full name', async () => {
    const idinfo = randomId({ birth: '19770305', sex: 'female' });
    const w = await reg('company1', { idinfo, name: '张丽华' });
    const r = await call(base, `/api/public/workers/${w.wid}`);
    c.seen.push({ method: 'GET', path: '/api/public/workers', status: r.status, text: r.text });
    assert.equal(r.status, 200, r.text);
    const p = r.json;
    assert.equal(p.masked_name, '张*华');
    const a = age('1977-03-05');
    assert.equal(p.age_band, `${Math.floor(a / 10) * 10}-${Math.floor(a / 10) * 10 + 9}`);
    assert.deepEqual(p.trades, ['household']);
    assert.equal(p.status, 'active');
    assert.equal(p.company.id, CO1);
    assert.deepEqual(p.certificates, []);
    assert.equal(p.training.safety_training, false);
    for (const secret of [w.id, w.id.slice(0, 17), w.phone, '1977-03-05', '19770305', '张丽华', maskId(w.id)]) {
      assert.ok(!r.text.includes(secret), `public view leaks ${secret}: ${r.text}`);
    }
    for (const k of ['name', 'phone', 'id_number', 'id_number_masked', 'birth_date', 'sex']) assert.ok(!(k in p), k);
    // two-character and four-character names
    const w2 = await reg('company1', { name: '李娜' });
    assert.equal(expect(await c.get(null, `/api/public/workers/${w2.wid}`), 200).masked_name, '李*');
    const w4 = await reg('company1', { name: '欧阳秀华' });
    assert.equal(expect(await c.get(null, `/api/public/workers/${w4.wid}`), 200).masked_name, '欧**华');
    assertError(await c.get(null, '/api/public/workers/99999999'), 404);
  });
});

// ---------------------------------------------------------------------------------------------

describe('checks', () => {
  test('a company admin records each kind; the record names who, which org and when it lapses', async () => {
    const w = await reg('company1');
    const on = bjDate(-20);
    const me = await c.user('company1');
    const made = {};
    for (const kind of ['identity', 'health', 'insurance', 'background']) {
      const b = { kind, result: 'pass', checked_on: on, reference: `REF-${kind}` };
      if (kind === 'insurance') b.valid_until = addMonths(on, 6);
      const r = expect(await post('company1', `/api/workers/${w.wid}/checks`, b), 201, kind);
      assert.equal(r.kind, kind);
      assert.equal(r.result, 'pass');
      assert.equal(r.checked_on, on);
      assert.equal(r.reference, `REF-${kind}`);
      assert.equal(r.recorded_by.id, me.id);
      assert.equal(r.org.id, CO1);
      made[kind] = r;
    }
    assert.equal(made.identity.valid_until, null, 'identity never lapses');
    assert.equal(made.health.valid_until, addDays(addMonths(on, 12), -1), 'health: checked_on + 12 months − 1 day');
    assert.equal(made.background.valid_until, addDays(addMonths(on, 12), -1), 'background: 12 months too');
    assert.equal(made.insurance.valid_until, addMonths(on, 6));
    const list = expect(await c.get('company1', `/api/workers/${w.wid}/checks`), 200);
    assert.equal(list.items.length, 4);
    assert.deepEqual(list.items.map((x) => x.id), [made.background.id, made.insurance.id, made.health.id, made.identity.id], 'newest first');
    // the checks now count
    const e = await eligibility(c, 'company1', w.wid, 'household');
    for (const gone of ['identity_unverified', 'background_missing', 'health_missing', 'insurance_missing']) assert.ok(!codes(e).includes(gone), gone);
  });

  test('the default validity follows the association\'s standard', async () => {
    const w = await reg('company1');
    assertError(await c.patch('company1', '/api/standards', { health_valid_months: 6 }), 403, 'forbidden');
    const st = expect(await c.patch('admin', '/api/standards', { health_valid_months: 6 }), 200);
    assert.equal(st.health_valid_months, 6);
    try {
      const on = bjDate(-3);
      const h = expect(await post('company1', `/api/workers/${w.wid}/checks`, { kind: 'health', result: 'pass', checked_on: on }), 201);
      assert.equal(h.valid_until, addDays(addMonths(on, 6), -1));
      const b = expect(await post('company1', `/api/workers/${w.wid}/checks`, { kind: 'background', result: 'pass', checked_on: on }), 201);
      assert.equal(b.valid_until, addDays(addMonths(on, 12), -1), 'background keeps its own standard');
      assert.equal(expect(await c.get(null, '/api/public/standards'), 200).health_valid_months, 6);
    } finally {
      expect(await c.patch('admin', '/api/standards', { health_valid_months: 12 }), 200);
    }
  });

  test('staff may record all but the background check; other roles none', async () => {
    const w = await reg('company1');
    await noWrite(async () => {
      assertError(await post('staff1', `/api/workers/${w.wid}/checks`, { kind: 'background', result: 'pass', checked_on: bjDate(-1) }), 403, 'forbidden');
      for (const who of ['trainer1', 'cs1', 'customer1']) {
        const r = await post(who, `/api/workers/${w.wid}/checks`, { kind: 'health', result: 'pass', checked_on: bjDate(-1) });
        assert.ok([403, 404].includes(r.status), `${who}: ${r.status}`);
      }
    });
    const h = expect(await post('staff1', `/api/workers/${w.wid}/checks`, { kind: 'health', result: 'pass', checked_on: bjDate(-1) }), 201);
    assert.equal(h.recorded_by.id, (await c.user('staff1')).id);
  });

  test('insurance without valid_until, a future date, validity before the check → refused, nothing written', async () => {
    const w = await reg('company1');
    await noWrite(async () => {
      assertError(await post('company1', `/api/workers/${w.wid}/checks`, { kind: 'insurance', result: 'pass', checked_on: bjDate(-1) }), 400, 'missing_field', 'valid_until');
      assertError(await post('company1', `/api/workers/${w.wid}/checks`, { kind: 'health', result: 'pass', checked_on: bjDate(1) }), 422, 'date_in_future', 'checked_on');
      assertError(await post('admin', `/api/workers/${w.wid}/checks`, { kind: 'identity', result: 'pass', checked_on: bjDate(30) }), 422, 'date_in_future');
      assertError(await post('company1', `/api/workers/${w.wid}/checks`, { kind: 'health', result: 'pass', checked_on: bjDate(-1), valid_until: bjDate(-2) }), 422, 'invalid_validity', 'valid_until');
      assertError(await post('company1', `/api/workers/${w.wid}/checks`, { kind: 'dna', result: 'pass', checked_on: bjDate(-1) }), 400, undefined, 'kind');
      assertError(await post('company1', `/api/workers/${w.wid}/checks`, { kind: 'health', result: 'maybe', checked_on: bjDate(-1) }), 400, undefined, 'result');
    });
    assert.equal(expect(await c.get('company1', `/api/workers/${w.wid}/checks`), 200).items.length, 0);
  });

  test('a failed background check stands: a company cannot record a pass, the association can', async () => {
    const w = await reg('company1');
    expect(await post('company1', `/api/workers/${w.wid}/checks`, { kind: 'background', result: 'fail', checked_on: bjDate(-10) }), 201);
    let e = await eligibility(c, 'company1', w.wid, 'household');
    assert.ok(codes(e).includes('background_failed'), JSON.stringify(e));
    await noWrite(async () => {
      assertError(await post('company1', `/api/workers/${w.wid}/checks`, { kind: 'background', result: 'pass', checked_on: bjDate(-1) }), 422, 'background_fail_standing');
    });
    // it stands at another company too
    const asked = expect(await post('company2', '/api/workers', { name: w.name, id_number: w.id, phone: w.phone, trades: ['household'], level: 'junior' }), 202);
    expect(await post('admin', `/api/transfers/${asked.id}/accept`, { note: '本人到协会窗口确认' }), 200);
    assertError(await post('company2', `/api/workers/${w.wid}/checks`, { kind: 'background', result: 'pass', checked_on: bjDate(-1) }), 422, 'background_fail_standing');
    const ok = expect(await post('admin', `/api/workers/${w.wid}/checks`, { kind: 'background', result: 'pass', checked_on: bjDate(-1) }), 201);
    assert.equal(ok.result, 'pass');
    e = await eligibility(c, 'company2', w.wid, 'household');
    assert.ok(!codes(e).some((x) => x.startsWith('background_')), JSON.stringify(e));
  });
});

// ---------------------------------------------------------------------------------------------

describe('may serve now', () => {
  test('a freshly registered worker is red with every missing requirement', async () => {
    const w = await reg('company1');
    const e = await eligibility(c, 'company1', w.wid, 'household');
    assert.equal(e.worker_id, w.wid);
    assert.equal(e.trade, 'household');
    assert.equal(e.status, 'red');
    assert.equal(e.may_serve, false);
    assert.deepEqual(codes(e).sort(), ['background_missing', 'certificate_missing', 'health_missing', 'identity_unverified',
      'insurance_missing', 'safety_training_missing'].sort(), JSON.stringify(e));
    // no refresher is owed before the first certificate: its absence is the reason, not a refresher
    assert.ok(!codes(e).includes('refresher_missing'));
    for (const r of e.reasons) {
      assert.equal(r.severity, 'red');
      assert.ok(r.message.length > 0);
    }
    const safety = e.reasons.find((r) => r.code === 'safety_training_missing');
    assert.deepEqual(safety.detail.split(/[,\s]+/).filter(Boolean).sort(), ['safety_fire', 'safety_first_aid', 'safety_protection']);
    // the English messages follow Accept-Language
    const en = await call(base, `/api/workers/${w.wid}/eligibility?trade=household`, { token: await c.token('company1'), lang: 'en' });
    assert.match(en.json.reasons[0].message, /[A-Za-z]/);
  });

  test('with every check, the courses and a certificate the worker is green; in 13 months red', async () => {
    const w = await reg('company1');
    await recordChecks(c, w.wid);
    let e = await eligibility(c, 'company1', w.wid, 'household');
    assert.deepEqual(codes(e).sort(), ['certificate_missing', 'safety_training_missing']);
    // the safety courses one by one: the detail shrinks
    await passCourses(c, w.wid, ['SAFE-AID']);
    e = await eligibility(c, 'company1', w.wid, 'household');
    assert.deepEqual(e.reasons.find((r) => r.code === 'safety_training_missing').detail.split(/[,\s]+/).sort(), ['safety_fire', 'safety_protection']);
    await passCourses(c, w.wid, HOUSEHOLD_COURSES.filter((x) => x !== 'SAFE-AID'));
    e = await eligibility(c, 'company1', w.wid, 'household');
    assert.deepEqual(codes(e), ['certificate_missing']);
    const cert = expect(await post('admin', '/api/certificates', { worker_id: w.wid, trade: 'household', level: 'junior' }), 201);
    e = await eligibility(c, 'company1', w.wid, 'household');
    assert.equal(e.status, 'green', JSON.stringify(e));
    assert.equal(e.may_serve, true);
    assert.deepEqual(e.reasons, []);
    const g = expect(await c.get('company1', `/api/workers/${w.wid}`), 200);
    assert.equal(g.eligibility.status, 'green');
    assert.deepEqual(g.eligibility.trades, [{ trade: 'household', status: 'green' }]);
    // the association and the 24-hour service see the same
    assert.equal((await eligibility(c, 'cs1', w.wid, 'household')).status, 'green');
    // thirteen months on, everything has lapsed
    const at = bjNoon(addMonths(bjDate(), 13));
    e = await eligibility(c, 'company1', w.wid, 'household', at);
    assert.equal(e.status, 'red');
    assert.equal(e.may_serve, false);
    assert.deepEqual(codes(e).sort(), ['background_expired', 'certificate_expired', 'health_expired', 'insurance_expired', 'refresher_missing']);
    assert.equal(e.reasons.find((r) => r.code === 'certificate_expired').date, cert.valid_until);
    assert.equal(e.reasons.find((r) => r.code === 'health_expired').date, addDays(addMonths(bjDate(-1), 12), -1));
    assert.equal(Date.parse(e.at), Date.parse(at));
  });

  test('a health examination lapsing within 30 days makes the worker yellow; after it, red', async () => {
    const w = await reg('company1');
    const healthOn = addDays(addMonths(bjDate(), -12), 12);
    const healthEnd = addDays(addMonths(healthOn, 12), -1);
    await recordChecks(c, w.wid, { kinds: ['identity', 'background', 'insurance'] });
    const h = expect(await post('company1', `/api/workers/${w.wid}/checks`, { kind: 'health', result: 'pass', checked_on: healthOn }), 201);
    assert.equal(h.valid_until, healthEnd);
    await passCourses(c, w.wid);
    expect(await post('admin', '/api/certificates', { worker_id: w.wid, trade: 'household', level: 'junior' }), 201);
    let e = await eligibility(c, 'company1', w.wid, 'household');
    assert.equal(e.status, 'yellow', JSON.stringify(e));
    assert.equal(e.may_serve, true);
    assert.deepEqual(e.reasons.map((r) => [r.code, r.severity, r.date]), [['health_expiring', 'yellow', healthEnd]]);
    const g = expect(await c.get('company1', `/api/workers/${w.wid}`), 200);
    assert.equal(g.eligibility.status, 'yellow');
    assert.deepEqual(g.lapsing, [{ what: 'health', date: healthEnd }]);
    // the list filters find it
    const lapsing = expect(await c.get('company1', `/api/workers?lapsing=true&q=${encodeURIComponent(w.name)}`), 200);
    assert.ok(lapsing.items.some((x) => x.id === w.wid));
    const yellow = expect(await c.get('company1', `/api/workers?status=yellow&q=${encodeURIComponent(w.name)}`), 200);
    assert.ok(yellow.items.some((x) => x.id === w.wid));
    const green = expect(await c.get('company1', `/api/workers?status=green&q=${encodeURIComponent(w.name)}`), 200);
    assert.ok(!green.items.some((x) => x.id === w.wid));
    // the day after its last day
    e = await eligibility(c, 'company1', w.wid, 'household', `${addDays(healthEnd, 1)}T00:00:01+08:00`);
    assert.ok(codes(e).includes('health_expired'), JSON.stringify(e));
    assert.equal(e.status, 'red');
    // its last day, just before midnight, still holds
    e = await eligibility(c, 'company1', w.wid, 'household', `${healthEnd}T23:59:00+08:00`);
    assert.ok(!codes(e).includes('health_expired'), JSON.stringify(e));
    assert.ok(codes(e).includes('health_expiring'));
  });

  test('an unknown trade or a bad time → 400 invalid_parameter; an unregistered trade → red', async () => {
    const w = await compliant('company1');
    assertError(await c.get('company1', `/api/workers/${w.wid}/eligibility?trade=astronaut`), 400, 'invalid_parameter', 'trade');
    assertError(await c.get('company1', `/api/workers/${w.wid}/eligibility`), 400, undefined, 'trade');
    assertError(await c.get('company1', `/api/workers/${w.wid}/eligibility?trade=household&at=yesterday`), 400, 'invalid_parameter', 'at');
    const e = await eligibility(c, 'company1', w.wid, 'cooking');
    assert.equal(e.status, 'red');
    assert.ok(codes(e).includes('trade_not_registered'), JSON.stringify(e));
    assert.equal((await eligibility(c, 'company1', w.wid, 'household')).status, 'green');
  });

  test('a suspension makes the worker red until it is lifted', async () => {
    const w = await compliant('company1');
    const until = bjDate(10);
    assertError(await post('company1', `/api/workers/${w.wid}/suspension`, { until, reason: '投诉调查期间' }), 403, 'forbidden');
    const s = expect(await post('admin', `/api/workers/${w.wid}/suspension`, { until, reason: '投诉调查期间' }), 200);
    assert.equal(s.suspended_until, until);
    assert.equal(s.suspension_reason, '投诉调查期间');
    let e = await eligibility(c, 'company1', w.wid, 'household');
    assert.equal(e.status, 'red');
    assert.deepEqual(e.reasons.map((r) => [r.code, r.date]), [['worker_suspended', until]]);
    // still suspended on its last day, not after
    e = await eligibility(c, 'company1', w.wid, 'household', `${until}T23:00:00+08:00`);
    assert.ok(codes(e).includes('worker_suspended'));
    e = await eligibility(c, 'company1', w.wid, 'household', `${addDays(until, 1)}T00:30:00+08:00`);
    assert.ok(!codes(e).includes('worker_suspended'), JSON.stringify(e));
    // a certificate cannot be issued to a suspended worker (here: another trade)
    expect(await c.patch('company1', `/api/workers/${w.wid}`, { trades: ['household', 'cleaning'] }), 200);
    const r = await post('admin', '/api/certificates', { worker_id: w.wid, trade: 'cleaning', level: 'junior' });
    assertError(r, 422, 'requirements_unmet');
    assert.ok(reasonsOf(r).some((x) => x.code === 'worker_suspended'), r.text);
    assertError(await c.del('company1', `/api/workers/${w.wid}/suspension`), 403);
    const lifted = expect(await c.del('admin', `/api/workers/${w.wid}/suspension`), 200);
    assert.equal(lifted.suspended_until, null);
    e = await eligibility(c, 'company1', w.wid, 'household');
    assert.equal(e.status, 'green', JSON.stringify(e));
  });

  test('a failed latest attempt of the trade\'s skill course is red for that trade only; a later pass clears it', async () => {
    const w = await compliant('company1', { trades: ['household', 'cleaning'] });
    const before = await eligibility(c, 'company1', w.wid, 'cleaning');
    assert.ok(!codes(before).includes('training_failed'));
    const fail = await createSession(c, 'SK-HH', { startsIn: -180 });
    const res = await enrolAndScore(c, fail.id, w.wid, 10);
    assert.equal(res.passed, false);
    let e = await eligibility(c, 'company1', w.wid, 'household');
    assert.equal(e.status, 'red');
    const tf = e.reasons.find((r) => r.code === 'training_failed');
    assert.ok(tf, JSON.stringify(e));
    assert.match(tf.detail, /SK-HH/);
    assert.deepEqual(codes(e), ['training_failed']);
    const other = await eligibility(c, 'company1', w.wid, 'cleaning');
    assert.ok(!codes(other).includes('training_failed'), `cleaning: ${JSON.stringify(other)}`);
    // a later pass clears it
    const pass = await createSession(c, 'SK-HH', { startsIn: -120 });
    await enrolAndScore(c, pass.id, w.wid, 95);
    e = await eligibility(c, 'company1', w.wid, 'household');
    assert.equal(e.status, 'green', JSON.stringify(e));
    // a general course's failure counts for every trade
    const com = await createSession(c, 'COM-01', { startsIn: -60 });
    await enrolAndScore(c, com.id, w.wid, 5);
    e = await eligibility(c, 'company1', w.wid, 'household');
    assert.match(e.reasons.find((r) => r.code === 'training_failed')?.detail || '', /COM-01/, JSON.stringify(e));
    assert.ok(codes(await eligibility(c, 'company1', w.wid, 'cleaning')).includes('training_failed'));
  });

  test('the quarterly refresher: due within the next quarter\'s grace period, missing after it', async () => {
    const w = await compliant('company1'); // SK-HH, passed this quarter, is a refresher course
    const today = bjDate();
    const q = Math.floor((Number(today.slice(5, 7)) - 1) / 3);
    const nextStart = q === 3 ? `${Number(today.slice(0, 4)) + 1}-01-01` : `${today.slice(0, 4)}-${pad2(q * 3 + 4)}-01`;
    const graceLast = addDays(nextStart, 29); // 30 days of grace from the quarter's first day
    let e = await eligibility(c, 'company1', w.wid, 'household', bjNoon(addDays(nextStart, 10)));
    assert.equal(e.status, 'yellow', JSON.stringify(e));
    assert.equal(e.may_serve, true);
    assert.deepEqual(e.reasons.map((r) => [r.code, r.severity, r.date]), [['refresher_due', 'yellow', graceLast]]);
    e = await eligibility(c, 'company1', w.wid, 'household', `${graceLast}T23:00:00+08:00`);
    assert.deepEqual(codes(e), ['refresher_due']);
    e = await eligibility(c, 'company1', w.wid, 'household', bjNoon(addDays(nextStart, 31)));
    assert.equal(e.status, 'red');
    assert.deepEqual(codes(e), ['refresher_missing']);
    // still fine for the rest of this quarter
    e = await eligibility(c, 'company1', w.wid, 'household', `${addDays(nextStart, -1)}T20:00:00+08:00`);
    assert.equal(e.status, 'green', JSON.stringify(e));
  });

  test('leaving the company: not_employed', async () => {
    const w = await compliant('company1');
    const l = expect(await post('company1', `/api/workers/${w.wid}/leave`, { reason: '个人原因' }), 200);
    assert.equal(l.company, null);
    assertError(await c.get('company1', `/api/workers/${w.wid}`), 404);
    const e = await eligibility(c, 'admin', w.wid, 'household');
    assert.deepEqual(codes(e), ['not_employed']);
  });
});

// ---------------------------------------------------------------------------------------------

describe('training', () => {
  test('courses: validation, duplicates, and only the association defines them', async () => {
    const code = 'T' + Math.random().toString(36).slice(2, 8).toUpperCase();
    const good = { code, title: '测试课程', kind: 'skill', trade: 'cooking', credits: 3, pass_mark: 75, refresher: false };
    await noWrite(async () => {
      assertError(await post('admin', '/api/courses', { ...good, trade: undefined }), 422, 'trade_required', 'trade');
      assertError(await post('admin', '/api/courses', { ...good, kind: 'ethics' }), 422, 'trade_not_allowed', 'trade');
      assertError(await post('admin', '/api/courses', { ...good, code: 'ab-1' }), 400, undefined, 'code');
      assertError(await post('admin', '/api/courses', { ...good, credits: 21 }), 400, undefined, 'credits');
      assertError(await post('admin', '/api/courses', { ...good, pass_mark: 101 }), 400, undefined, 'pass_mark');
      assertError(await post('admin', '/api/courses', { ...good, kind: 'juggling' }), 400, undefined, 'kind');
      for (const who of ['trainer1', 'company1', 'cs1', 'worker1']) assertError(await post(who, '/api/courses', good), 403, 'forbidden');
    });
    const made = expect(await post('admin', '/api/courses', good), 201);
    assert.equal(made.code, code);
    assert.equal(made.kind, 'skill');
    assert.equal(made.trade, 'cooking');
    assert.equal(made.credits, 3);
    assert.equal(made.pass_mark, 75);
    assert.equal(made.active, true);
    await noWrite(async () => {
      assertError(await post('admin', '/api/courses', { ...good, title: '另一门' }), 409, 'code_taken', 'code');
      assertError(await post('admin', '/api/courses', { ...good, kind: 'ethics', trade: undefined, code: 'ETH-01' }), 409, 'code_taken');
    });
    const ethics = expect(await post('admin', '/api/courses', { ...good, code: code + 'E', kind: 'ethics', trade: undefined }), 201);
    assert.equal(ethics.trade, null);
    const listed = expect(await c.get('trainer1', '/api/courses?kind=skill&trade=cooking&per_page=100'), 200);
    assert.ok(listed.items.some((x) => x.code === code));
    assert.ok(listed.items.every((x) => x.kind === 'skill' && x.trade === 'cooking'));
  });

  test('sessions: invalid period, the trainer\'s own institution, results only once started', async () => {
    const cs = await courses(c);
    const org = await trainingOrg(c);
    const b = { course_id: cs['COM-01'].id, starts_at: isoIn(3600), ends_at: isoIn(1800), location: '教室', capacity: 10 };
    await noWrite(async () => {
      assertError(await post('trainer1', '/api/training-sessions', b), 422, 'invalid_period');
      assertError(await post('trainer1', '/api/training-sessions', { ...b, ends_at: b.starts_at }), 422, 'invalid_period');
      assertError(await post('trainer1', '/api/training-sessions', { ...b, ends_at: isoIn(7200), org_id: CO1 }), 403);
      assertError(await post('company1', '/api/training-sessions', { ...b, ends_at: isoIn(7200) }), 403, 'forbidden');
      assertError(await post('admin', '/api/training-sessions', { ...b, ends_at: isoIn(7200) }), 400, 'missing_field', 'org_id');
    });
    const s = expect(await post('trainer1', '/api/training-sessions', { ...b, ends_at: isoIn(7200) }), 201);
    assert.equal(s.org.id, org);
    assert.equal(s.course.code, 'COM-01');
    assert.equal(s.status, 'scheduled');
    assert.equal(s.enrolled, 0);
    assert.equal(s.capacity, 10);
    const byAdmin = expect(await post('admin', '/api/training-sessions', { ...b, ends_at: isoIn(7200), org_id: org }), 201);
    assert.equal(byAdmin.org.id, org);
    // enrol a company1 worker (by company1) and try to record a result before it starts
    const w = await reg('company1');
    const theirs = await reg('company2');
    const en = expect(await post('company1', `/api/training-sessions/${s.id}/enrolments`, { worker_id: w.wid }), 201);
    assert.equal(en.worker.id, w.wid);
    await noWrite(async () => {
      assertError(await c.patch('trainer1', `/api/training-sessions/${s.id}/enrolments/${w.wid}`, { attended: true, score: 90 }), 422, 'session_not_started');
      assertError(await c.patch('company1', `/api/training-sessions/${s.id}/enrolments/${w.wid}`, { attended: true, score: 90 }), 403);
      // a company cannot enrol another company's worker
      assertError(await post('company1', `/api/training-sessions/${s.id}/enrolments`, { worker_id: theirs.wid }), 404);
    });
    assert.equal(expect(await c.get('trainer1', `/api/training-sessions/${s.id}`), 200).enrolled, 1);
  });

  test('enrolment: twice → already_enrolled; beyond capacity → session_full; cancelled → session_cancelled', async () => {
    const s = await createSession(c, 'EMG-01', { startsIn: 86400, capacity: 2 });
    const a = await reg('company1');
    const b = await reg('company1');
    expect(await post('trainer1', `/api/training-sessions/${s.id}/enrolments`, { id_number: a.id, name: a.name }), 201);
    await noWrite(async () => {
      assertError(await post('trainer1', `/api/training-sessions/${s.id}/enrolments`, { id_number: a.id, name: a.name }), 409, 'already_enrolled');
      assertError(await post('company1', `/api/training-sessions/${s.id}/enrolments`, { worker_id: a.wid }), 409, 'already_enrolled');
    });
    expect(await post('company1', `/api/training-sessions/${s.id}/enrolments`, { worker_id: b.wid }), 201);
    const one = await createSession(c, 'EMG-01', { startsIn: 86400, capacity: 1 });
    expect(await post('trainer1', `/api/training-sessions/${one.id}/enrolments`, { id_number: a.id, name: a.name }), 201);
    await noWrite(async () => {
      assertError(await post('trainer1', `/api/training-sessions/${one.id}/enrolments`, { id_number: a.id, name: a.name }), 409, 'already_enrolled');
      assertError(await post('trainer1', `/api/training-sessions/${one.id}/enrolments`, { id_number: b.id, name: b.name }), 422, 'session_full');
      assertError(await post('company1', `/api/training-sessions/${one.id}/enrolments`, { worker_id: b.wid }), 422, 'session_full');
    });
    assert.equal(expect(await c.get('trainer1', `/api/training-sessions/${one.id}`), 200).enrolled, 1);
    const big = await createSession(c, 'EMG-01', { startsIn: 86400, capacity: 5 });
    const cancelled = expect(await c.patch('trainer1', `/api/training-sessions/${big.id}`, { status: 'cancelled' }), 200);
    assert.equal(cancelled.status, 'cancelled');
    assertError(await post('trainer1', `/api/training-sessions/${big.id}/enrolments`, { id_number: b.id, name: b.name }), 422, 'session_cancelled');
  });

  test('passed and credits follow the pass mark', async () => {
    const code = 'PM' + Math.random().toString(36).slice(2, 7).toUpperCase();
    const course = expect(await post('admin', '/api/courses', { code, title: '及格线测试', kind: 'communication', credits: 3, pass_mark: 75, refresher: false }), 201);
    c._courses = null; // refresh the cache
    const s = await createSession(c, code, { startsIn: -600 });
    assert.equal(s.course.id, course.id);
    const [a, b, d] = [await reg('company1'), await reg('company1'), await reg('company1')];
    let r = await enrolAndScore(c, s.id, a.wid, 75);
    assert.deepEqual([r.attended, r.score, r.passed, r.credits], [true, 75, true, 3]);
    r = await enrolAndScore(c, s.id, b.wid, 74);
    assert.deepEqual([r.attended, r.score, r.passed, r.credits], [true, 74, false, 0]);
    expect(await post('trainer1', `/api/training-sessions/${s.id}/enrolments`, { id_number: d.id, name: d.name }), 201);
    assertError(await c.patch('trainer1', `/api/training-sessions/${s.id}/enrolments/${d.wid}`, { attended: true, score: 101 }), 400, undefined, 'score');
    r = expect(await c.patch('trainer1', `/api/training-sessions/${s.id}/enrolments/${d.wid}`, { attended: false, score: null }), 200);
    assert.deepEqual([r.attended, r.score, r.passed, r.credits], [false, null, false, 0]);
    // a score can be corrected: 74 → 80 passes
    r = expect(await c.patch('trainer1', `/api/training-sessions/${s.id}/enrolments/${b.wid}`, { attended: true, score: 80 }), 200);
    assert.deepEqual([r.passed, r.credits], [true, 3]);
    // the worker's own training list shows it
    const t = expect(await c.get('company1', `/api/workers/${a.wid}/training`), 200);
    const mine = t.items.find((x) => x.session.id === s.id);
    assert.ok(mine, JSON.stringify(t));
    assert.equal(mine.course.code, code);
    assert.deepEqual([mine.score, mine.passed, mine.credits], [75, true, 3]);
    // a company sees only its own workers' enrolments
    const other = await reg('company2');
    await enrolAndScore(c, s.id, other.wid, 90);
    const seen1 = expect(await c.get('company1', `/api/training-sessions/${s.id}/enrolments`), 200);
    assert.deepEqual(seen1.items.map((x) => x.worker.id).sort(), [a.wid, b.wid, d.wid].sort());
    const seenT = expect(await c.get('trainer1', `/api/training-sessions/${s.id}/enrolments`), 200);
    assert.equal(seenT.items.length, 4);
    // a lower pass mark later does not turn a recorded fail into a pass
    const e = await reg('company1');
    r = await enrolAndScore(c, s.id, e.wid, 72);
    assert.equal(r.passed, false);
    assertError(await c.patch('trainer1', `/api/courses/${course.id}`, { pass_mark: 70 }), 403, 'forbidden');
    expect(await c.patch('admin', `/api/courses/${course.id}`, { pass_mark: 70 }), 200);
    const after = expect(await c.get('trainer1', `/api/training-sessions/${s.id}/enrolments`), 200).items.find((x) => x.worker.id === e.wid);
    assert.deepEqual([after.score, after.passed, after.credits], [72, false, 0]);
    // an inactive course takes no new sessions
    expect(await c.patch('admin', `/api/courses/${course.id}`, { active: false }), 200);
    const inactive = await post('trainer1', '/api/training-sessions', { course_id: course.id, starts_at: isoIn(3600), ends_at: isoIn(7200), location: '教室', capacity: 5 });
    assertError(inactive, 422, 'course_inactive');
  });

  test('pass rates count exactly the results of a quarter and company; public without sign-in', async () => {
    // a quarter no demo data reaches, and a course made for this test
    const code = 'PR' + Math.random().toString(36).slice(2, 7).toUpperCase();
    expect(await post('admin', '/api/courses', { code, title: '通过率测试', kind: 'ethics', credits: 1, pass_mark: 60, refresher: false }), 201);
    c._courses = null;
    const s = await createSession(c, code, { who: 'admin', startsAt: '2019-05-14T09:00:00+08:00', length: 3600, capacity: 20 });
    const co1 = [await reg('company1'), await reg('company1'), await reg('company1')];
    const co2 = await reg('company2');
    await enrolAndScore(c, s.id, co1[0].wid, 90);
    await enrolAndScore(c, s.id, co1[1].wid, 60);
    await enrolAndScore(c, s.id, co1[2].wid, 59);
    await enrolAndScore(c, s.id, co2.wid, 88);
    // enrolled but absent: not examined
    const absent = await reg('company1');
    expect(await post('trainer1', `/api/training-sessions/${s.id}/enrolments`, { id_number: absent.id, name: absent.name }), 201);
    expect(await c.patch('trainer1', `/api/training-sessions/${s.id}/enrolments/${absent.wid}`, { attended: false }), 200);

    const all = expect(await c.get('admin', '/api/training/pass-rates?quarter=2019-Q2'), 200);
    assert.equal(all.quarter, '2019-Q2');
    assert.deepEqual(all.target, { num: 98, den: 100 });
    assert.deepEqual([all.overall.examined, all.overall.passed], [4, 3], JSON.stringify(all));
    assert.equal(all.courses.length, 1, JSON.stringify(all));
    assert.equal(all.courses[0].course.code, code);
    assert.deepEqual([all.courses[0].examined, all.courses[0].passed, all.courses[0].meets_target], [4, 3, false]);

    const one = expect(await c.get('admin', `/api/training/pass-rates?quarter=2019-Q2&company_id=${CO1}`), 200);
    assert.equal(one.company_id, CO1);
    assert.deepEqual([one.overall.examined, one.overall.passed], [3, 2]);
    assert.equal(one.courses[0].meets_target, false);
    // company1 always sees its own, whatever it asks
    for (const q of ['quarter=2019-Q2', `quarter=2019-Q2&company_id=${CO2}`]) {
      const mine = expect(await c.get('company1', `/api/training/pass-rates?${q}`), 200);
      assert.equal(mine.company_id, CO1, q);
      assert.deepEqual([mine.overall.examined, mine.overall.passed], [3, 2], q);
    }
    // the employer when the score was recorded keeps it: a worker moving on takes nothing along
    const asked = expect(await post('company3', '/api/workers', { name: co1[0].name, id_number: co1[0].id, phone: co1[0].phone, trades: ['household'], level: 'junior' }), 202);
    expect(await post('admin', `/api/transfers/${asked.id}/accept`, { note: '本人到协会窗口确认' }), 200);
    const after = expect(await c.get('company1', '/api/training/pass-rates?quarter=2019-Q2'), 200);
    assert.deepEqual([after.overall.examined, after.overall.passed], [3, 2]);
    const three = expect(await c.get('company3', '/api/training/pass-rates?quarter=2019-Q2'), 200);
    assert.deepEqual([three.overall.examined, three.overall.passed, three.courses.length], [0, 0, 0]);
    const two = expect(await c.get('company2', '/api/training/pass-rates?quarter=2019-Q2'), 200);
    assert.deepEqual([two.overall.examined, two.overall.passed, two.courses[0].meets_target], [1, 1, true]);
    const trainer = expect(await c.get('trainer1', '/api/training/pass-rates?quarter=2019-Q2'), 200);
    assert.deepEqual([trainer.overall.examined, trainer.overall.passed], [4, 3]);
    // the public figure: industry-wide, no sign-in
    const pub = await call(base, '/api/public/training/pass-rates?quarter=2019-Q2');
    assert.equal(pub.status, 200, pub.text);
    assert.deepEqual([pub.json.overall.examined, pub.json.overall.passed], [4, 3]);
    assert.equal(pub.json.company_id ?? null, null);
    assertError(await call(base, `/api/public/training/pass-rates?quarter=2019-Q2&company_id=${CO1}`), 400, 'unknown_parameter');
    // a quarter with nothing
    const empty = expect(await c.get('admin', '/api/training/pass-rates?quarter=2019-Q1'), 200);
    assert.deepEqual([empty.overall.examined, empty.overall.passed, empty.courses.length], [0, 0, 0]);
    assertError(await c.get('admin', '/api/training/pass-rates?quarter=2019-Q5'), 400, 'invalid_parameter', 'quarter');
    assertError(await c.get('customer1', '/api/training/pass-rates'), 403, 'forbidden');
    // the default quarter is this one
    const now = expect(await c.get('admin', '/api/training/pass-rates'), 200);
    assert.equal(now.quarter, `${bjDate().slice(0, 4)}-Q${Math.floor((Number(bjDate().slice(5, 7)) - 1) / 3) + 1}`);
  });
});

// ---------------------------------------------------------------------------------------------

describe('certificates and credentials', () => {
  let key; // the association's public key
  before(async () => {
    const k = await call(base, '/api/public/keys');
    assert.equal(k.status, 200);
    assert.equal(k.json.items.length, 1);
    assert.equal(k.json.items[0].alg, 'Ed25519');
    key = { kid: k.json.items[0].kid, pk: publicKeyFrom(k.json.items[0].public_key) };
  });

  test('issuing for a worker who misses requirements → 422 requirements_unmet with the reasons', async () => {
    const w = await reg('company1');
    await noWrite(async () => {
      const r = await post('admin', '/api/certificates', { worker_id: w.wid, trade: 'household', level: 'junior' });
      assertError(r, 422, 'requirements_unmet');
      const got = reasonsOf(r).map((x) => x.code + (x.detail && x.code === 'course_missing' ? ':' + x.detail : '')).sort();
      assert.deepEqual(got, ['background_missing', 'course_missing:ETH-01', 'course_missing:PRIV-01', 'course_missing:SK-HH',
        'health_missing', 'identity_unverified', 'insurance_missing', 'safety_training_missing'].sort(), r.text);
    });
    // everything but the skill course
    await recordChecks(c, w.wid);
    await passCourses(c, w.wid, HOUSEHOLD_COURSES.filter((x) => x !== 'SK-HH'));
    const r = await post('admin', '/api/certificates', { worker_id: w.wid, trade: 'household', level: 'junior' });
    assertError(r, 422, 'requirements_unmet');
    assert.deepEqual(reasonsOf(r).map((x) => [x.code, x.detail]), [['course_missing', 'SK-HH']]);
    // a trade the worker is not registered for
    const t = await post('admin', '/api/certificates', { worker_id: w.wid, trade: 'maternity', level: 'junior' });
    assertError(t, 422, 'requirements_unmet');
    assert.ok(reasonsOf(t).some((x) => x.code === 'trade_not_registered'), t.text);
    // a company cannot certify
    assertError(await post('company1', '/api/certificates', { worker_id: w.wid, trade: 'household', level: 'junior' }), 403, 'forbidden');
  });

  test('a certificate once: 409 certificate_exists; its token verifies with the public key', async () => {
    const w = await compliant('company1', { name: '王秀英', level: 'senior' });
    const cert = w.cert;
    assert.match(cert.serial, /^AJ-\d{4}-\d{6}$/);
    assert.equal(cert.serial.slice(3, 7), bjDate().slice(0, 4));
    assert.equal(cert.status, 'valid');
    assert.equal(cert.trade, 'household');
    assert.equal(cert.level, 'senior');
    assert.equal(cert.valid_from, bjDate());
    assert.equal(cert.valid_until, addDays(addMonths(bjDate(), 12), -1));
    assert.deepEqual(cert.worker, { id: w.wid, masked_name: '王*英' });
    assert.equal(cert.verify_url, `${base}/verify#${cert.token}`);
    await noWrite(async () => {
      assertError(await post('admin', '/api/certificates', { worker_id: w.wid, trade: 'household', level: 'senior' }), 409, 'certificate_exists');
    });
    // the credential
    const p = parseToken(cert.token);
    assert.ok(p, cert.token);
    assert.deepEqual(p.payload, { k: key.kid, s: cert.serial, n: '王*英', t: ['household'], l: 'senior', f: cert.valid_from, u: cert.valid_until });
    assert.equal(tokenValid(cert.token, key.pk), true, 'the signature holds');
    for (const i of [0, 5, 17, -3]) assert.equal(tokenValid(flipChar(cert.token, 1, i), key.pk), false, `payload char ${i} flipped`);
    for (const i of [0, 20, 40, -2]) assert.equal(tokenValid(flipChar(cert.token, 2, i), key.pk), false, `signature char ${i} flipped`);
    // a payload re-encoded with another validity, the signature kept
    const forged = 'AJ1.' + Buffer.from(JSON.stringify({ ...p.payload, u: '2099-12-31' })).toString('base64url') + '.' + cert.token.split('.')[2];
    assert.equal(tokenValid(forged, key.pk), false);
    // the public check by serial
    const v = expect(await c.get(null, `/api/public/verify/${cert.serial}`), 200);
    assert.equal(v.serial, cert.serial);
    assert.equal(v.status, 'valid');
    assert.equal(v.masked_name, '王*英');
    assert.deepEqual(v.trades, ['household']);
    assert.equal(v.level, 'senior');
    assert.equal(v.valid_until, cert.valid_until);
    assert.equal(v.worker_id, w.wid);
    assert.equal(v.company.id, CO1);
    const vt = JSON.stringify(v);
    for (const s of ['王秀英', w.phone, w.id]) assert.ok(!vt.includes(s), `public verify leaks ${s}`);
    assertError(await c.get(null, '/api/public/verify/AJ-1999-999999'), 404, 'not_found');
    // the public profile lists it
    const pub = expect(await c.get(null, `/api/public/workers/${w.wid}`), 200);
    assert.deepEqual(pub.certificates.map((x) => [x.serial, x.status]), [[cert.serial, 'valid']]);
    assert.equal(pub.training.safety_training, true);
    assert.equal(pub.training.courses_passed, HOUSEHOLD_COURSES.length);
    const cs = await courses(c);
    assert.equal(pub.training.credits_12_months, HOUSEHOLD_COURSES.reduce((n, code) => n + cs[code].credits, 0));
    assert.equal(pub.training.last_refresher, quarterOf(bjDate()));
    // the worker list of certificates
    const list = expect(await c.get('company1', `/api/certificates?worker_id=${w.wid}`), 200);
    assert.deepEqual(list.items.map((x) => x.serial), [cert.serial]);
    assert.equal(list.items[0].token, cert.token);
    assertError(await c.get('company2', `/api/certificates/${cert.id}`), 404);
    assert.ok(!expect(await c.get('company2', `/api/certificates?worker_id=${w.wid}`), 200).items.length);
  });

  test('a demo worker\'s own certificate token verifies too', async () => {
    const me = expect(await c.get('worker1', '/api/me/worker'), 200);
    const valid = me.certificates.filter((x) => x.status === 'valid');
    assert.ok(valid.length >= 1, JSON.stringify(me.certificates));
    for (const cert of valid) {
      assert.equal(tokenValid(cert.token, key.pk), true, cert.serial);
      assert.equal(parseToken(cert.token).payload.s, cert.serial);
      assert.equal(expect(await c.get(null, `/api/public/verify/${cert.serial}`), 200).status, 'valid');
    }
  });

  test('a revoked certificate: public verify says revoked, the signature still holds, the worker is red', async () => {
    const w = await compliant('company1');
    assertError(await post('company1', `/api/certificates/${w.cert.id}/revoke`, { reason: '违规' }), 403);
    assertError(await post('admin', `/api/certificates/${w.cert.id}/revoke`, {}), 400, 'missing_field', 'reason');
    const r = expect(await post('admin', `/api/certificates/${w.cert.id}/revoke`, { reason: '服务中严重违规' }), 200);
    assert.equal(r.status, 'revoked');
    assert.equal(r.revoked_reason, '服务中严重违规');
    const v = expect(await c.get(null, `/api/public/verify/${w.cert.serial}`), 200);
    assert.equal(v.status, 'revoked');
    assert.equal(tokenValid(w.cert.token, key.pk), true, 'the token itself is still genuine');
    const e = await eligibility(c, 'company1', w.wid, 'household');
    assert.deepEqual(codes(e), ['certificate_revoked']);
    // a new certificate may be issued after a revocation
    const again = expect(await post('admin', '/api/certificates', { worker_id: w.wid, trade: 'household', level: 'junior' }), 201);
    assert.notEqual(again.serial, w.cert.serial);
    assert.equal((await eligibility(c, 'company1', w.wid, 'household')).status, 'green');
    // revoking it again changes nothing and says so
    await noWrite(async () => {
      assertError(await post('admin', `/api/certificates/${w.cert.id}/revoke`, { reason: '再次' }), 409);
    });
    assert.equal(expect(await c.get('admin', `/api/certificates/${w.cert.id}`), 200).revoked_reason, '服务中严重违规');
  });

  test('renewal needs the policy\'s credits earned since issue: 422 credits_insufficient have/need, then renewed', async () => {
    const cs = await courses(c);
    const w = await reg('company1', { trades: ['cooking'] });
    await recordChecks(c, w.wid);
    await passCourses(c, w.wid, ['SAFE-AID', 'SAFE-FIRE', 'SAFE-PROT', 'SK-CK', 'PRIV-01', 'ETH-01']);
    // the training that led to the certificate is over before it is issued (the store counts seconds)
    await nextSecond();
    const cert = expect(await post('admin', '/api/certificates', { worker_id: w.wid, trade: 'cooking', level: 'junior' }), 201);
    const policy = expect(await c.patch('admin', '/api/cert-policies/cooking', { renewal_credits: 3 }), 200);
    assert.equal(policy.renewal_credits, 3);
    try {
      await noWrite(async () => {
        const r = await post('admin', `/api/certificates/${cert.id}/renew`);
        assertError(r, 422, 'credits_insufficient');
        assert.equal(r.json.error.detail, '0/3');
      });
      assertError(await post('company1', `/api/certificates/${cert.id}/renew`), 403);
      // credits earned while it is valid count
      await passCourses(c, w.wid, ['COM-01', 'EMG-01']);
      const have = cs['COM-01'].credits + cs['EMG-01'].credits;
      assert.ok(have < 3);
      const r = await post('admin', `/api/certificates/${cert.id}/renew`);
      assertError(r, 422, 'credits_insufficient');
      assert.equal(r.json.error.detail, `${have}/3`);
      // a refresher of the trade's skill course brings enough
      const again = await createSession(c, 'SK-CK', { startsIn: -30 });
      await enrolAndScore(c, again.id, w.wid, 88);
      const renewed = expect(await post('admin', `/api/certificates/${cert.id}/renew`), 201);
      assert.notEqual(renewed.serial, cert.serial);
      assert.equal(renewed.status, 'valid');
      assert.equal(renewed.trade, 'cooking');
      assert.equal(renewed.valid_from, bjDate());
      const old = expect(await c.get('admin', `/api/certificates/${cert.id}`), 200);
      assert.equal(old.status, 'renewed');
      assert.equal(old.renewed_by, renewed.id);
      assert.equal(expect(await c.get(null, `/api/public/verify/${cert.serial}`), 200).status, 'renewed');
      assert.equal(expect(await c.get(null, `/api/public/verify/${renewed.serial}`), 200).status, 'valid');
      assert.equal(tokenValid(renewed.token, key.pk), true);
      assert.equal((await eligibility(c, 'company1', w.wid, 'cooking')).status, 'green');
      // the renewed one can be neither renewed nor revoked again
      assert.equal((await post('admin', `/api/certificates/${cert.id}/renew`)).status, 422);
      assertError(await post('admin', `/api/certificates/${cert.id}/revoke`, { reason: '测试' }), 409);
    } finally {
      expect(await c.patch('admin', '/api/cert-policies/cooking', { renewal_credits: 6 }), 200);
    }
  });

  test('a demo certificate whose worker earned too few credits → 422 credits_insufficient "have/need"', async () => {
    // the store's own figures: credits passed within each valid certificate's validity (Beijing days)
    const table = (sql) => dbSql(srv.db, sql).trim().split('\n').filter(Boolean).map((l) => l.split('|'));
    const certs = table(`SELECT c.id, c.serial, p.renewal_credits, c.worker_id, c.issued_at, c.valid_from, c.valid_until
      FROM certificates c JOIN cert_policies p ON p.trade = c.trade JOIN workers w ON w.id = c.worker_id
      WHERE c.status = 'valid' AND c.valid_until >= '${bjDate()}' AND w.status = 'active' ORDER BY c.id`);
    const passed = table('SELECT worker_id, credits, recorded_at FROM enrolments WHERE passed = 1')
      .map(([w, credits, at]) => ({ w: Number(w), credits: Number(credits), at: Number(at) }));
    // the start of a Beijing day, in seconds
    const dayStart = (d) => Date.parse(`${d}T00:00:00+08:00`) / 1000;
    const sum = (w, from, to) => passed.filter((e) => e.w === w && e.at >= from && e.at < to).reduce((n, e) => n + e.credits, 0);
    const rows = certs.map(([id, serial, need, w, issued, from, until]) => ({
      id: Number(id), serial, need: Number(need),
      have: sum(Number(w), Number(issued), dayStart(until) + 86400),
      byDay: sum(Number(w), dayStart(from), dayStart(until) + 86400),
    }));
    // credits from the issue or from the first day: the same for these
    const short = rows.filter((x) => x.have > 0 && x.have < x.need && x.have === x.byDay).slice(0, 3);
    assert.ok(short.length > 0, 'the demo has certificates short of credits');
    for (const x of short) {
      await noWrite(async () => {
        const r = await post('admin', `/api/certificates/${x.id}/renew`);
        assertError(r, 422, 'credits_insufficient');
        assert.equal(r.json.error.detail, `${x.have}/${x.need}`, x.serial);
      });
      assert.equal(expect(await c.get(null, `/api/public/verify/${x.serial}`), 200).status, 'valid');
    }
  });

  test('the QR code: image/svg+xml, a well-formed SVG; 404 for another company\'s certificate', async () => {
    const w = await compliant('company1');
    const r = await call(base, `/api/certificates/${w.cert.id}/qr.svg`, { token: await c.token('company1') });
    assert.equal(r.status, 200, r.text);
    assert.match(r.headers.get('content-type'), /^image\/svg\+xml/);
    const svg = r.text.trim();
    assert.match(svg, /^(<\?xml[^>]*\?>\s*)?<svg\b[^>]*xmlns="http:\/\/www\.w3\.org\/2000\/svg"/);
    assert.ok(svg.endsWith('</svg>'));
    // balanced elements: every opened tag is closed or self-closing
    const opens = (svg.match(/<[a-z][^>]*[^/]>/g) || []).length;
    const closes = (svg.match(/<\/[a-z]+>/g) || []).length;
    assert.equal(opens, closes, 'balanced tags');
    const m = svg.match(/viewBox="0 0 (\d+) (\d+)"/);
    assert.ok(m, 'a viewBox');
    const modules = Number(m[1]) - 8;
    assert.equal((modules - 17) % 4, 0, `a QR symbol has 17 + 4v modules: ${modules}`);
    assert.ok(modules >= 41, 'big enough for a token link');
    assertError(await c.get('company2', `/api/certificates/${w.cert.id}/qr.svg`), 404);
    assertError(await c.get('customer1', `/api/certificates/${w.cert.id}/qr.svg`), 403);
    assertError(await c.get('company1', '/api/certificates/99999999/qr.svg'), 404);
    assert.equal((await c.get('cs1', `/api/certificates/${w.cert.id}/qr.svg`)).status, 200);
  });
});

// ---------------------------------------------------------------------------------------------

describe('CSV import', () => {
  const workerTotal = async () => expect(await c.get('admin', '/api/workers?per_page=1'), 200).total;
  const findByName = async (who, name) => expect(await c.get(who, `/api/workers?q=${encodeURIComponent(name)}`), 200).items.filter((x) => x.name === name);

  // The mixed file: good rows and one bad row of each kind, with their expected errors.
  function mixedFile() {
    const A = { name: randomName(), ...randomId() };
    const B = { name: randomName(), ...randomId() };
    const C = { name: '欧阳,' + randomName().slice(1), ...randomId() };
    const badId = randomId().id;
    const wrong = badId.slice(0, 17) + (badId[17] === '1' ? '2' : '1');
    for (const x of [A.id, B.id, C.id, wrong]) PLAIN.add(x);
    const rows = [
      [A.name, A.id, randomPhone(), '家政服务员、保洁员', '三级'], // line 2
      [randomName(), wrong, randomPhone(), 'household', 'junior'], // line 3: bad ID
      [randomName(), (() => { const x = randomId().id; PLAIN.add(x); return x; })(), '2381234567', 'household', 'junior'], // line 4: bad phone (10)
      [randomName(), (() => { const x = randomId().id; PLAIN.add(x); return x; })(), randomPhone(), '园艺师', 'junior'], // line 5: unknown trade
      [B.name, B.id, randomPhone(), 'household;cooking', 'senior'], // line 6
      [A.name, A.id, randomPhone(), 'household', 'junior'], // line 7: A again
      ['李,\n华', (() => { const x = randomId().id; PLAIN.add(x); return x; })(), randomPhone(), 'household', 'junior'], // lines 8–9: a quoted comma and newline in the name
      [randomName(), (() => { const x = randomId().id; PLAIN.add(x); return x; })(), randomPhone(), 'household', '九级'], // line 10: unknown level
      [C.name, C.id, randomPhone(), 'cleaning', '五级'], // line 11: a quoted comma in a good row
    ];
    const expected = [[3, 'id_number'], [4, 'phone'], [5, 'trades'], [7, 'id_number'], [8, 'name'], [10, 'level']];
    return { text: csv(ZH_HEADER, rows, { bom: true }), A, B, C, expected, rows: rows.length };
  }

  test('a mixed file → 422 import_rejected naming each bad line and field; nothing written', async () => {
    const f = mixedFile();
    const total = await workerTotal();
    await noWrite(async () => {
      const r = await post('company1', '/api/workers/import', { csv: f.text });
      assertError(r, 422, 'import_rejected');
      const errs = r.json.errors;
      assert.ok(Array.isArray(errs), r.text);
      assert.deepEqual(errs.map((e) => [e.line, e.field]), f.expected, r.text);
      const by = Object.fromEntries(errs.map((e) => [`${e.line}`, e]));
      assert.equal(by['3'].code, 'invalid_id_number');
      assert.equal(by['4'].code, 'invalid_phone');
      for (const e of errs) {
        assert.equal(typeof e.code, 'string');
        assert.ok(e.message && e.message.length > 0, JSON.stringify(e));
      }
    });
    assert.equal(await workerTotal(), total);
    for (const x of [f.A, f.B, f.C]) assert.deepEqual(await findByName('admin', x.name), [], x.name);
  });

  test('dry_run on an all-good file → 200 and nothing registered (its look-ups are on record)', async () => {
    const people = [0, 1, 2].map(() => ({ name: randomName(), ...randomId() }));
    people.forEach((p) => PLAIN.add(p.id));
    // English headers, LF line ends, no BOM
    const text = csv(['name', 'id_number', 'phone', 'trades', 'level'], people.map((p, i) => [p.name, p.id, randomPhone(), ['household', 'maternity|childcare', '养老护理员'][i], ['junior', '四级', 'technician'][i]]), { eol: '\n' });
    const total = await workerTotal();
    await noWrite(async () => {
      const r = await post('company1', '/api/workers/import', { csv: text, dry_run: true });
      const j = expect(r, 200, 'dry run');
      assert.equal(j.dry_run, true);
      assert.equal(j.rows, 3);
      assert.deepEqual(j.errors, []);
    });
    assert.equal(await workerTotal(), total);
    for (const p of people) assert.deepEqual(await findByName('admin', p.name), []);
    // the same file for real
    const before = await audit();
    const j = expect(await post('company1', '/api/workers/import', { csv: text }), 200);
    assert.deepEqual([j.rows, j.imported, j.transfers, j.skipped, j.dry_run], [3, 3, 0, 0, false]);
    assert.equal(await audit(), before + 3, 'one audit record per worker');
    assert.equal(await workerTotal(), total + 3);
    const got = await findByName('company1', people[1].name);
    assert.equal(got.length, 1);
    assert.deepEqual([...got[0].trades].sort(), ['childcare', 'maternity']);
    assert.equal(got[0].level, 'intermediate');
    assert.equal(got[0].id_number_masked, maskId(people[1].id));
    assert.equal((await findByName('company1', people[2].name))[0].level, 'technician');
  });

  test('good_only imports the good rows and lists the rest', async () => {
    const f = mixedFile();
    const total = await workerTotal();
    const r = await post('company1', '/api/workers/import', { csv: f.text, good_only: true });
    const j = expect(r, 200, 'good only');
    assert.deepEqual(j.errors.map((e) => [e.line, e.field]), f.expected);
    assert.equal(j.rows, f.rows);
    assert.equal(j.imported, 3);
    assert.equal(j.skipped, f.rows - 3);
    assert.equal(await workerTotal(), total + 3);
    const a = (await findByName('company1', f.A.name))[0];
    assert.ok(a, 'A imported');
    assert.deepEqual([...a.trades].sort(), ['cleaning', 'household']);
    assert.equal(a.level, 'senior', '三级 is senior');
    assert.equal(a.id_number_masked, maskId(f.A.id));
    assert.equal(a.company.id, CO1);
    const b = (await findByName('company1', f.B.name))[0];
    assert.deepEqual([...b.trades].sort(), ['cooking', 'household']);
    assert.equal(b.level, 'senior');
    const cc = (await findByName('company1', f.C.name))[0];
    assert.ok(cc, 'the name with a comma came through whole');
    assert.equal(cc.level, 'junior');
    // importing the same file again: the three are already registered
    const again = await post('company1', '/api/workers/import', { csv: f.text, good_only: true });
    const ja = expect(again, 200);
    assert.equal(ja.imported, 0);
    const already = ja.errors.filter((e) => e.code === 'already_registered').map((e) => e.line).sort((x, y) => x - y);
    assert.deepEqual(already, [2, 6, 11]);
  });

  test('an import asks a person registered elsewhere, and moves nobody; a header without 身份证号 → missing_column', async () => {
    const w = await reg('company2');
    const j = expect(await post('company1', '/api/workers/import', { csv: csv(ZH_HEADER, [[w.name, w.id, randomPhone(), '保洁员', '五级']]) }), 200);
    assert.deepEqual([j.imported, j.transfers], [1, 1]);
    assertError(await c.get('company1', `/api/workers/${w.wid}`), 404, 'not_found');
    assert.equal(expect(await c.get('company2', `/api/workers/${w.wid}`), 200).company.id, CO2);
    const asked = expect(await c.get('company1', '/api/transfers?status=pending'), 200).items.find((t) => t.worker.id === w.wid);
    assert.ok(asked, 'the request is in the asking company\'s list');
    // the same number twice, once with a lower-case x
    const px = randomId({ x: true });
    PLAIN.add(px.id);
    const dup = await post('company1', '/api/workers/import', { csv: csv(ZH_HEADER, [[randomName(), px.id.toLowerCase(), randomPhone(), 'household', 'junior'], [randomName(), px.id, randomPhone(), 'household', 'junior']]), dry_run: true });
    assertError(dup, 422, 'import_rejected');
    assert.deepEqual(dup.json.errors.map((e) => [e.line, e.field]), [[3, 'id_number']]);
    await noWrite(async () => {
      const r = await post('company1', '/api/workers/import', { csv: '\ufeff姓名,手机,工种,等级\r\n张三丰,13800138000,household,junior\r\n' });
      assertError(r, 422, 'import_rejected');
      assert.ok(r.json.errors.some((e) => e.code === 'missing_column' && e.field === 'id_number'), r.text);
      // a company imports into itself only
      assertError(await post('company1', '/api/workers/import', { csv: csv(ZH_HEADER, []), company_id: CO2 }), 403);
      assertError(await post('customer1', '/api/workers/import', { csv: csv(ZH_HEADER, []) }), 403);
      // the association names the company
      assertError(await post('admin', '/api/workers/import', { csv: csv(ZH_HEADER, []) }), 400, 'missing_field', 'company_id');
    });
  });

  test('a cell is trimmed as the API trims a one-line string: ideographic spaces around a name go', async () => {
    const p = { name: randomName(), ...randomId() };
    PLAIN.add(p.id);
    const j = expect(await post('company1', '/api/workers/import', { csv: csv(ZH_HEADER, [['\u3000' + p.name + '\u3000', p.id, randomPhone(), 'household', 'junior']]) }), 200);
    assert.equal(j.imported, 1);
    const list = expect(await c.get('company1', `/api/workers?q=${encodeURIComponent(p.name)}`), 200).items;
    assert.equal(list.length, 1);
    assert.equal(list[0].name, p.name, 'the name as POST /api/workers would have stored it');
    // so the same person is the same name when another company registers them through the API
    const moved = await post('company2', '/api/workers', { name: p.name, id_number: p.id, phone: randomPhone(), trades: ['household'], level: 'junior' });
    assert.equal(moved.status, 202, moved.text);
    assert.equal(moved.json.status, 'pending');
  });

  test('a row is checked as POST /api/workers checks it: a control character in a field is refused', async () => {
    // the API refuses a photo reference with a line break (one-line strings); the import must too
    const p = { name: randomName(), ...randomId() };
    PLAIN.add(p.id);
    const api = await post('company1', '/api/workers', { name: p.name, id_number: p.id, phone: randomPhone(), trades: ['household'], level: 'junior', photo_ref: '相册,第1页\n第2张' });
    assertError(api, 400, undefined, 'photo_ref');
    await noWrite(async () => {
      const r = await post('company1', '/api/workers/import', { csv: csv([...ZH_HEADER, '照片'], [[p.name, p.id, randomPhone(), 'household', 'junior', '相册,第1页\n第2张']]) });
      assertError(r, 422, 'import_rejected');
      assert.deepEqual(r.json.errors.map((e) => [e.line, e.field]), [[2, 'photo_ref']], r.text);
    });
  });
});

// ---------------------------------------------------------------------------------------------

test('no response of this file carried a plain resident ID number', () => {
  assert.ok(PLAIN.size > 40, `numbers tracked: ${PLAIN.size}`);
  assert.ok(c.seen.length > 200, `responses recorded: ${c.seen.length}`);
  const leaks = [];
  for (const id of PLAIN) {
    for (const s of new Set([id, id.toLowerCase(), id.slice(0, 17)])) {
      for (const where of c.leaks(s)) leaks.push(`${id} in ${where}`);
    }
  }
  assert.deepEqual(leaks, []);
});
