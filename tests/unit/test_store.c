/* The store's contract, the same on both engines: the SQL functions both run, LIKE telling case
 * apart, booleans read as 0 and 1, blobs as they were written, a uniqueness violation as
 * AJ_ECONFLICT, savepoints inside a transaction, and store_lock holding a second writer until the
 * first is done. Runs on SQLite, and on PostgreSQL with ANJIA_TEST_PG set. */
#include "testutil.h"

#include <pthread.h>
#include <stdatomic.h>

#include "anjia.h"

static struct tmpdb db;

static int setup(void **state)
{
	(void)state;
	tmpdb_open(&db);
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	tmpdb_close(&db);
	return 0;
}

static void test_kind(void **state)
{
	(void)state;
	assert_string_equal(store_kind(db.s), testdb_kind());
}

static void test_functions(void **state)
{
	(void)state;
	/* greatest and least ignore NULLs; strpos counts characters, not bytes */
	assert_int_equal(test_count(store_sql(db.s, "SELECT greatest(3, 9, 4)")), 9);
	assert_int_equal(test_count(store_sql(db.s, "SELECT least(3, 9, 4)")), 3);
	assert_int_equal(test_count(store_sql(db.s, "SELECT greatest(3, NULL, 4)")), 4);
	assert_int_equal(test_count(store_sql(db.s, "SELECT strpos('家政服务', '服务')")), 3);
	assert_int_equal(test_count(store_sql(db.s, "SELECT strpos('abc', 'x')")), 0);
	/* a comparison reads as 1 or 0 */
	assert_int_equal(test_count(store_sql(db.s, "SELECT 2 > 1")), 1);
	assert_int_equal(test_count(store_sql(db.s, "SELECT 2 < 1")), 0);
	assert_int_equal(test_count(store_sql(db.s, "SELECT count(*) FILTER (WHERE 1 = 1)")), 1);
}

static void test_like(void **state)
{
	(void)state;
	char pat[64];
	struct stmt *st = store_sql(db.s, "INSERT INTO orgs (kind, name, created_at, updated_at) VALUES ('training', $1, 0, 0)");
	stmt_bind_text(st, 1, "Company_One");
	assert_int_equal(stmt_exec(st), 0);
	/* LIKE tells case apart on both engines; lower(column) against the pattern finds either */
	assert_int_equal(test_count(store_sql(db.s, "SELECT count(*) FROM orgs WHERE name LIKE 'company%'")), 0);
	store_like_pattern("COMPANY_", pat, sizeof pat);
	assert_string_equal(pat, "%company\\_%");
	st = store_sql(db.s, "SELECT count(*) FROM orgs WHERE lower(name) LIKE $1 ESCAPE '\\'");
	stmt_bind_text(st, 1, pat);
	assert_int_equal(test_count(st), 1);
	/* _ is itself, not any character */
	store_like_pattern("y_o", pat, sizeof pat);
	st = store_sql(db.s, "SELECT count(*) FROM orgs WHERE lower(name) LIKE $1 ESCAPE '\\'");
	stmt_bind_text(st, 1, pat);
	assert_int_equal(test_count(st), 1);
	store_like_pattern("yxo", pat, sizeof pat);
	st = store_sql(db.s, "SELECT count(*) FROM orgs WHERE lower(name) LIKE $1 ESCAPE '\\'");
	stmt_bind_text(st, 1, pat);
	assert_int_equal(test_count(st), 0);
	TEST_EXEC(db.s, "DELETE FROM orgs");
}

static void test_values(void **state)
{
	(void)state;
	static const unsigned char bytes[] = {0, 1, 0xff, '\\', 'x', 0};
	struct stmt *st = store_sql(db.s, "INSERT INTO orgs (kind, name, created_at, updated_at)"
					  " VALUES ('training', $1, $2, 0) RETURNING id");
	stmt_bind_text(st, 1, "甲");
	stmt_bind_int(st, 2, INT64_C(9007199254740993));
	int64_t id = 0;
	assert_int_equal(stmt_one_int(st, &id), 0);
	assert_true(id > 0);
	st = store_sql(db.s, "SELECT name, created_at, $2 IS NULL, $3 FROM orgs WHERE id = $1");
	stmt_bind_int(st, 1, id);
	stmt_bind_id(st, 2, 0);
	stmt_bind_blob(st, 3, bytes, sizeof bytes);
	assert_int_equal(stmt_step(st), STORE_ROW);
	assert_string_equal(stmt_text(st, 0), "甲");
	assert_true(stmt_int(st, 1) == INT64_C(9007199254740993)); /* 64 bits, not 32 */
	assert_int_equal(stmt_int(st, 2), 1);
	assert_int_equal(stmt_bytes(st, 3), sizeof bytes); /* bytes as they went in, NULs and all */
	assert_memory_equal(stmt_blob(st, 3), bytes, sizeof bytes);
	assert_int_equal(stmt_step(st), STORE_DONE);
	stmt_done(st);
	/* ids come from the database, one after another */
	st = store_sql(db.s, "INSERT INTO orgs (kind, name, created_at, updated_at) VALUES ('training', $1, 0, 0)"
			     " RETURNING id");
	stmt_bind_text(st, 1, "乙");
	int64_t next = 0;
	assert_int_equal(stmt_one_int(st, &next), 0);
	assert_true(next > id);
	/* a second row of a unique value: AJ_ECONFLICT; and the rows a change touched are counted */
	st = store_sql(db.s, "INSERT INTO orgs (kind, name, created_at, updated_at) VALUES ('training', $1, 0, 0)");
	stmt_bind_text(st, 1, "甲");
	assert_int_equal(stmt_exec(st), AJ_ECONFLICT);
	assert_int_equal(stmt_exec(store_sql(db.s, "UPDATE orgs SET updated_at = 1 WHERE name IN ('甲', '乙')")), 0);
	assert_int_equal(store_changes(db.s), 2);
	TEST_EXEC(db.s, "DELETE FROM orgs");
}

static void test_savepoints(void **state)
{
	(void)state;
	assert_int_equal(store_begin(db.s), 0);
	TEST_EXEC(db.s, "INSERT INTO orgs (kind, name, created_at, updated_at) VALUES ('training', 'outer', 0, 0)");
	assert_int_equal(store_begin(db.s), 0);
	TEST_EXEC(db.s, "INSERT INTO orgs (kind, name, created_at, updated_at) VALUES ('training', 'inner', 0, 0)");
	/* a refused statement inside the inner one is undone with it, and the outer one goes on */
	assert_int_equal(stmt_exec(store_sql(db.s, "INSERT INTO orgs (kind, name, created_at, updated_at)"
							  " VALUES ('training', 'outer', 0, 0)")), AJ_ECONFLICT);
	store_rollback(db.s);
	TEST_EXEC(db.s, "INSERT INTO orgs (kind, name, created_at, updated_at) VALUES ('training', 'after', 0, 0)");
	assert_int_equal(store_commit(db.s), 0);
	assert_int_equal(test_count(store_sql(db.s, "SELECT count(*) FROM orgs WHERE name IN ('outer', 'after')")), 2);
	assert_int_equal(test_count(store_sql(db.s, "SELECT count(*) FROM orgs WHERE name = 'inner'")), 0);
	TEST_EXEC(db.s, "DELETE FROM orgs");
}

/* The second writer: takes the lock on worker 7, then counts the rows the first one wrote. */
static void *second_writer(void *arg)
{
	_Atomic int64_t *seen = arg;
	struct store *s = NULL;
	int64_t n = -1;
	assert_int_equal(store_open(db.path, &s), 0);
	assert_int_equal(store_begin(s), 0);
	assert_int_equal(store_lock(s, STORE_LOCK_WORKER, 7), 0);
	assert_int_equal(stmt_one_int(store_sql(s, "SELECT count(*) FROM orgs WHERE name = 'first'"), &n), 0);
	store_rollback(s);
	store_close(s);
	atomic_store(seen, n);
	return NULL;
}

static void test_lock(void **state)
{
	(void)state;
	pthread_t tid;
	_Atomic int64_t seen = -1;
	assert_int_equal(store_begin(db.s), 0);
	assert_int_equal(store_lock(db.s, STORE_LOCK_WORKER, 7), 0);
	TEST_EXEC(db.s, "INSERT INTO orgs (kind, name, created_at, updated_at) VALUES ('training', 'first', 0, 0)");
	assert_int_equal(pthread_create(&tid, NULL, second_writer, &seen), 0);
	if (testdb_server()) {
		/* the second one waits for this lock: the server says so (or it went ahead, and saw
		 * nothing) */
		int64_t waiting = 0;
		while (!waiting && atomic_load(&seen) == -1) {
			struct stmt *st = store_sql(db.s, "SELECT count(*) FROM pg_locks WHERE locktype = 'advisory'"
							  " AND NOT granted");
			assert_int_equal(stmt_one_int(st, &waiting), 0);
		}
	}
	assert_int_equal(store_commit(db.s), 0);
	pthread_join(tid, NULL);
	/* it decided after the first had written, and saw what it wrote */
	assert_int_equal(atomic_load(&seen), 1);
	TEST_EXEC(db.s, "DELETE FROM orgs");
}

/* A write whose first try loses to another transaction (PostgreSQL's serialisation failure, raised
 * here by a function of the test's) is tried again from the start: what the lost try wrote is gone,
 * what the second wrote is kept. */
struct tries {
	int n;
};

static int conflicted_body(struct store *s, void *arg)
{
	struct tries *t = arg;
	t->n++;
	int rc = stmt_exec(store_sql(s, "INSERT INTO orgs (kind, name, created_at, updated_at) VALUES ('training', 'retried', 0, 0)"));
	if (rc == AJ_OK && t->n == 1 && testdb_server())
		rc = stmt_exec(store_sql(s, "SELECT anjia_test_conflict()"));
	return rc;
}

static int refused_body(struct store *s, void *arg)
{
	struct tries *t = arg;
	t->n++;
	int rc = stmt_exec(store_sql(s, "INSERT INTO orgs (kind, name, created_at, updated_at) VALUES ('training', 'refused', 0, 0)"));
	return rc ? rc : AJ_ERULE;
}

/* A write that keeps nothing: what it wrote is rolled back, and the write succeeds. */
static int nothing_body(struct store *s, void *arg)
{
	struct tries *t = arg;
	t->n++;
	int rc = stmt_exec(store_sql(s, "INSERT INTO orgs (kind, name, created_at, updated_at) VALUES ('training', 'kept not', 0, 0)"));
	return rc ? rc : STORE_WRITE_NOTHING;
}

/* A step of a larger write marks that it changes nothing public; the larger write still does. */
static int quiet_step(struct store *s, void *arg)
{
	store_keep_generation(s);
	return AJ_OK;
}

static int loud_write(struct store *s, void *arg)
{
	int rc = stmt_exec(store_sql(s, "INSERT INTO orgs (kind, name, created_at, updated_at) VALUES ('training', 'public', 0, 0)"));
	return rc ? rc : store_write(s, quiet_step, NULL);
}

static void test_write(void **state)
{
	(void)state;
	struct tries t = {0};
	if (testdb_server())
		testdb_sql(db.path, "CREATE FUNCTION anjia_test_conflict() RETURNS integer LANGUAGE plpgsql AS"
				    " $$ BEGIN RAISE SQLSTATE '40001'; END $$");
	assert_int_equal(store_write(db.s, conflicted_body, &t), 0);
	assert_int_equal(t.n, testdb_server() ? 2 : 1);
	assert_int_equal(test_count(store_sql(db.s, "SELECT count(*) FROM orgs WHERE name = 'retried'")), 1);
	/* a refusal is not tried again, and leaves nothing */
	t.n = 0;
	assert_int_equal(store_write(db.s, refused_body, &t), AJ_ERULE);
	assert_int_equal(t.n, 1);
	assert_int_equal(test_count(store_sql(db.s, "SELECT count(*) FROM orgs WHERE name = 'refused'")), 0);
	assert_false(store_in_tx(db.s));
	t.n = 0;
	assert_int_equal(store_write(db.s, nothing_body, &t), AJ_OK);
	assert_int_equal(t.n, 1);
	assert_int_equal(test_count(store_sql(db.s, "SELECT count(*) FROM orgs WHERE name = 'kept not'")), 0);
	assert_false(store_in_tx(db.s));
	uint64_t before = store_generation(db.s);
	assert_int_equal(store_write(db.s, loud_write, NULL), AJ_OK);
	assert_true(store_generation(db.s) != before);
	TEST_EXEC(db.s, "DELETE FROM orgs");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_kind),      cmocka_unit_test(test_functions), cmocka_unit_test(test_like),
		cmocka_unit_test(test_values),    cmocka_unit_test(test_savepoints), cmocka_unit_test(test_lock),
		cmocka_unit_test(test_write),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
