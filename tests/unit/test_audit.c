/* The audit chain: appends link up; any altered, removed or reordered record is found. */
#include "testutil.h"

#include "auth/audit.h"

/* Appends n records, each in its own transaction. */
static void append_n(struct store *s, int n)
{
	struct actor a = {7, 1, "tester"};
	for (int i = 0; i < n; i++) {
		char state[64];
		int len = snprintf(state, sizeof state, "{\"i\":%d}", i);
		assert_int_equal(store_begin(s), 0);
		assert_int_equal(audit_append(s, &a, "thing.create", "thing", i + 1, state, (size_t)len), 0);
		assert_int_equal(store_commit(s), 0);
	}
}

static struct audit_result verify(struct store *s)
{
	struct audit_result r;
	assert_int_equal(audit_verify(s, &r), 0);
	return r;
}

static void test_intact(void **state)
{
	(void)state;
	struct tmpdb db;
	tmpdb_open(&db);
	struct audit_result r = verify(db.s);
	assert_true(r.ok);
	assert_int_equal(r.entries, 0);
	append_n(db.s, 10);
	r = verify(db.s);
	assert_true(r.ok);
	assert_int_equal(r.entries, 10);
	assert_int_equal(r.first_bad, 0);
	/* each record names the one before it */
	struct stmt *st = store_sql(db.s, "SELECT count(*) FROM audit_log a JOIN audit_log b"
					  " ON b.id = a.id - 1 WHERE a.prev_hash <> b.hash");
	assert_int_equal(test_count(st), 0);
	tmpdb_close(&db);
}

static void test_rollback_leaves_no_record(void **state)
{
	(void)state;
	struct tmpdb db;
	tmpdb_open(&db);
	append_n(db.s, 2);
	struct actor a = {0, 0, "cli"};
	assert_int_equal(store_begin(db.s), 0);
	assert_int_equal(audit_append(db.s, &a, "x", "y", 1, "{}", 2), 0);
	store_rollback(db.s);
	struct audit_result r = verify(db.s);
	assert_true(r.ok);
	assert_int_equal(r.entries, 2);
	tmpdb_close(&db);
}

static void test_altered(void **state)
{
	(void)state;
	static const char *const tamper[] = {
		"UPDATE audit_log SET action = 'thing.delete' WHERE id = 5",
		"UPDATE audit_log SET actor_id = 8 WHERE id = 5",
		"UPDATE audit_log SET at = at + 1 WHERE id = 5",
		"UPDATE audit_log SET digest = '00' WHERE id = 5",
		"UPDATE audit_log SET entity_id = 99 WHERE id = 5",
		"UPDATE audit_log SET actor_label = 'someone' WHERE id = 5",
	};
	for (size_t i = 0; i < sizeof tamper / sizeof tamper[0]; i++) {
		struct tmpdb db;
		tmpdb_open(&db);
		append_n(db.s, 8);
		switch (i) {
		case 0: TEST_EXEC(db.s, "UPDATE audit_log SET action = 'thing.delete' WHERE id = 5"); break;
		case 1: TEST_EXEC(db.s, "UPDATE audit_log SET actor_id = 8 WHERE id = 5"); break;
		case 2: TEST_EXEC(db.s, "UPDATE audit_log SET at = at + 1 WHERE id = 5"); break;
		case 3: TEST_EXEC(db.s, "UPDATE audit_log SET digest = '00' WHERE id = 5"); break;
		case 4: TEST_EXEC(db.s, "UPDATE audit_log SET entity_id = 99 WHERE id = 5"); break;
		default: TEST_EXEC(db.s, "UPDATE audit_log SET actor_label = 'someone' WHERE id = 5"); break;
		}
		struct audit_result r = verify(db.s);
		if (r.ok || r.first_bad != 5)
			fail_msg("%s: ok=%d first_bad=%lld", tamper[i], r.ok, (long long)r.first_bad);
		assert_string_equal(r.reason_code, "record_altered");
		assert_int_equal(r.entries, 8);
		tmpdb_close(&db);
	}
}

static void test_rehashed_row_still_breaks_the_next(void **state)
{
	(void)state;
	/* an attacker who alters a row and recomputes its hash breaks the link of the row after */
	struct tmpdb db;
	tmpdb_open(&db);
	append_n(db.s, 6);
	struct stmt *st = store_sql(db.s, "SELECT prev_hash, at, actor_id, actor_label, entity, entity_id, digest"
					  " FROM audit_log WHERE id = 3");
	assert_int_equal(stmt_step(st), STORE_ROW);
	char prev[65], label[32], entity[32], digest[65], h[65];
	snprintf(prev, sizeof prev, "%s", stmt_text(st, 0));
	int64_t at = stmt_int(st, 1), actor = stmt_int(st, 2), eid = stmt_int(st, 5);
	snprintf(label, sizeof label, "%s", stmt_text(st, 3));
	snprintf(entity, sizeof entity, "%s", stmt_text(st, 4));
	snprintf(digest, sizeof digest, "%s", stmt_text(st, 6));
	stmt_done(st);
	audit_record_hash(prev, 3, at, actor, label, "thing.forged", entity, eid, digest, h);
	st = store_sql(db.s, "UPDATE audit_log SET action = 'thing.forged', hash = $1 WHERE id = 3");
	stmt_bind_text(st, 1, h);
	assert_int_equal(stmt_exec(st), 0);
	struct audit_result r = verify(db.s);
	assert_false(r.ok);
	assert_int_equal(r.first_bad, 4);
	assert_string_equal(r.reason_code, "broken_link");
	tmpdb_close(&db);
}

static void test_removed(void **state)
{
	(void)state;
	struct tmpdb db;
	tmpdb_open(&db);
	append_n(db.s, 8);
	TEST_EXEC(db.s, "DELETE FROM audit_log WHERE id = 4");
	struct audit_result r = verify(db.s);
	assert_false(r.ok);
	assert_int_equal(r.first_bad, 5);
	assert_string_equal(r.reason_code, "records_missing");
	assert_int_equal(r.entries, 7);
	tmpdb_close(&db);

	/* the newest records removed: the head still names them */
	tmpdb_open(&db);
	append_n(db.s, 8);
	TEST_EXEC(db.s, "DELETE FROM audit_log WHERE id >= 7");
	r = verify(db.s);
	assert_false(r.ok);
	assert_int_equal(r.first_bad, 7);
	tmpdb_close(&db);

	/* and the head moved back with them: the chain's last hash no longer matches */
	tmpdb_open(&db);
	append_n(db.s, 8);
	TEST_EXEC(db.s, "UPDATE audit_head SET last_id = 6 WHERE id = 1");
	TEST_EXEC(db.s, "DELETE FROM audit_log WHERE id >= 7");
	r = verify(db.s);
	assert_false(r.ok);
	assert_int_equal(r.first_bad, 6);
	assert_string_equal(r.reason_code, "head_mismatch");
	tmpdb_close(&db);

	/* everything removed, head reset: that is an empty chain, indistinguishable from new —
	 * which is why the head's hash is published (a later checkpoint) */
	tmpdb_open(&db);
	append_n(db.s, 3);
	TEST_EXEC(db.s, "DELETE FROM audit_head");
	r = verify(db.s);
	assert_false(r.ok);
	assert_string_equal(r.reason_code, "head_missing");
	tmpdb_close(&db);
}

static void test_hash_is_unambiguous(void **state)
{
	(void)state;
	char a[65], b[65];
	audit_record_hash("00", 1, 2, 3, "ab", "c", "d", 4, "ee", a);
	audit_record_hash("00", 1, 2, 3, "a", "bc", "d", 4, "ee", b);
	assert_string_not_equal(a, b);
	audit_record_hash("00", 1, 2, 3, "ab", "c", "d", 4, "ee", b);
	assert_string_equal(a, b);
}

/* A verification reads the chain and its head as of one moment while the server appends: inside a
 * read transaction another connection's appends are not seen, and no write begins on it. */
static void test_one_moment(void **state)
{
	(void)state;
	struct tmpdb db;
	tmpdb_open(&db);
	append_n(db.s, 3);
	struct store *writer = NULL;
	assert_int_equal(store_open(db.path, &writer), 0);
	assert_int_equal(store_read_begin(db.s), 0);
	assert_int_equal(test_count(store_sql(db.s, "SELECT count(*) FROM audit_log")), 3);
	append_n(writer, 2);
	assert_int_equal(test_count(store_sql(db.s, "SELECT count(*) FROM audit_log")), 3);
	struct audit_result r = verify(db.s);
	assert_true(r.ok);
	assert_int_equal(r.entries, 3);
	assert_int_not_equal(store_begin(db.s), 0);
	store_read_end(db.s);
	r = verify(db.s);
	assert_true(r.ok);
	assert_int_equal(r.entries, 5);
	store_close(writer);
	tmpdb_close(&db);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_intact),  cmocka_unit_test(test_rollback_leaves_no_record), cmocka_unit_test(test_one_moment),
		cmocka_unit_test(test_altered), cmocka_unit_test(test_rehashed_row_still_breaks_the_next),
		cmocka_unit_test(test_removed), cmocka_unit_test(test_hash_is_unambiguous),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
