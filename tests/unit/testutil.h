/* testutil.h — what every cmocka test file includes: cmocka itself and a temporary database. */
#ifndef TESTUTIL_H
#define TESTUTIL_H

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "store/store.h"
#include "store/tx.h" /* tests set up their databases in transactions of their own */
#include "testdb.h"
#include "util/digest.h"

/* A fresh migrated database (a file in a temporary directory, or a database on the PostgreSQL server
 * ANJIA_TEST_PG names); removed by tmpdb_close. */
struct tmpdb {
	char dir[64];
	char path[256];
	struct store *s;
};

static inline void tmpdb_open(struct tmpdb *t)
{
	int applied;
	assert_int_equal(digest_init(), 0);
	snprintf(t->dir, sizeof t->dir, "/tmp/anjia-test-XXXXXX");
	assert_non_null(mkdtemp(t->dir));
	int migrated = testdb_create(t->path, sizeof t->path, t->dir, "t.db", NULL);
	assert_int_equal(store_open(t->path, &t->s), 0);
	assert_int_equal(store_migrate(t->s, &applied), 0);
	assert_true(migrated || applied >= 1);
}

static inline void tmpdb_close(struct tmpdb *t)
{
	store_close(t->s);
	t->s = NULL;
	testdb_drop(t->path);
	rmdir(t->dir);
}

/* Runs one SQL statement that must succeed (tests tamper with rows this way). */
#define TEST_EXEC(s, sql) assert_int_equal(stmt_exec(store_sql((s), sql)), 0)

static inline int64_t test_count(struct stmt *st)
{
	int64_t n = -1;
	assert_int_equal(stmt_one_int(st, &n), 0);
	return n;
}

#endif
