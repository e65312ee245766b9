/* testdb.h — the database a test runs on, on either engine: a file in the test's own directory on
 * SQLite, or, with ANJIA_TEST_PG set to the URL of a PostgreSQL server the tests may create
 * databases on (scripts/pg.sh starts one), a new database there made from a migrated template.
 * Included by the unit tests' testutil.h and the API harness. */
#ifndef TESTDB_H
#define TESTDB_H

#include <libpq-fe.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "store/store.h"

static inline const char *testdb_server(void)
{
	const char *u = getenv("ANJIA_TEST_PG");
	return u && *u ? u : NULL;
}

/* What /api/health and store_kind say for the engine the tests run on. */
static inline const char *testdb_kind(void)
{
	return testdb_server() ? "postgresql" : "sqlite";
}

/* url with its database name replaced by name. */
static inline int testdb_url(char *out, size_t n, const char *url, const char *name)
{
	const char *p = strstr(url, "://");
	if (!p)
		return -1;
	const char *slash = strchr(p + 3, '/');
	if (!slash)
		return -1;
	const char *q = strchr(slash, '?');
	int w = snprintf(out, n, "%.*s/%s%s", (int)(slash - url), url, name, q ? q : "");
	return w < 0 || (size_t)w >= n ? -1 : 0;
}

static inline void testdb_sql(const char *url, const char *sql)
{
	PGconn *c = PQconnectdb(url);
	PGresult *res = PQstatus(c) == CONNECTION_OK ? PQexec(c, sql) : NULL;
	if (!res || PQresultStatus(res) != PGRES_COMMAND_OK) {
		fprintf(stderr, "testdb: %s: %s", sql, res ? PQresultErrorMessage(res) : PQerrorMessage(c));
		exit(1);
	}
	PQclear(res);
	PQfinish(c);
}

static char testdb_template[64];

static inline void testdb_drop_template(void)
{
	char sql[128];
	snprintf(sql, sizeof sql, "DROP DATABASE IF EXISTS %s WITH (FORCE)", testdb_template);
	testdb_sql(testdb_server(), sql);
}

/* Once per process: the schema, migrated, in a database to copy from. */
static inline void testdb_schema(void)
{
	char sql[128], url[512];
	struct store *s;
	int applied;
	if (testdb_template[0])
		return;
	snprintf(testdb_template, sizeof testdb_template, "anjia_tpl_%ld", (long)getpid());
	snprintf(sql, sizeof sql, "CREATE DATABASE %s", testdb_template);
	testdb_sql(testdb_server(), sql);
	atexit(testdb_drop_template);
	if (testdb_url(url, sizeof url, testdb_server(), testdb_template) || store_open(url, &s) ||
	    store_migrate(s, &applied)) {
		fprintf(stderr, "testdb: cannot migrate %s\n", url);
		exit(1);
	}
	store_close(s);
}

/* Makes the database name on the server (a copy of the migrated schema when template is NULL)
 * and writes its URL into path. */
static inline void testdb_copy(char *path, size_t n, const char *name, const char *template)
{
	char sql[256];
	testdb_schema();
	snprintf(sql, sizeof sql, "CREATE DATABASE %s TEMPLATE %s STRATEGY FILE_COPY", name,
		 template ? template : testdb_template);
	testdb_sql(testdb_server(), sql);
	if (testdb_url(path, n, testdb_server(), name)) {
		fprintf(stderr, "testdb: ANJIA_TEST_PG is not a postgresql:// URL with a database\n");
		exit(1);
	}
}

/* Writes into path the database for a new test: "dir/name" on SQLite, or the URL of a new database
 * on the server, a copy of template (NULL: the migrated schema). 1 when that database is migrated
 * already (PostgreSQL), 0 when not. */
static inline int testdb_create(char *path, size_t n, const char *dir, const char *name, const char *template)
{
	static unsigned made;
	const char *server = testdb_server();
	char db[64];
	if (!server) {
		snprintf(path, n, "%s/%s", dir, name);
		return 0;
	}
	snprintf(db, sizeof db, "anjia_t%ld_%u", (long)getpid(), ++made);
	testdb_copy(path, n, db, template);
	return 1;
}

/* A platform loaded once per test run and copied for each test that wants it (the demo of a size,
 * slow to load over a connection): on PostgreSQL when ANJIA_TEST_RUN names the run's directory,
 * where its key file is kept. Writes the template's name and key file's path and returns 1, or
 * returns 0 when every test loads its own. *exists tells whether it was loaded already. */
static inline int testdb_shared(const char *what, char *tpl, size_t tn, char *keys, size_t kn, int *exists)
{
	const char *run = getenv("ANJIA_TEST_RUN");
	char tag[32];
	size_t k = 0;
	if (!testdb_server() || !run || !*run)
		return 0;
	for (const char *p = strrchr(run, '/') ? strrchr(run, '/') + 1 : run; *p && k + 1 < sizeof tag; p++)
		if ((*p >= 'a' && *p <= 'z') || (*p >= '0' && *p <= '9'))
			tag[k++] = *p;
		else if (*p >= 'A' && *p <= 'Z')
			tag[k++] = (char)(*p - 'A' + 'a');
	tag[k] = '\0';
	snprintf(tpl, tn, "anjia_%s_%s", what, tag);
	snprintf(keys, kn, "%s/%s.keys", run, what);
	*exists = access(keys, R_OK) == 0;
	return 1;
}

/* Removes a test's database: the file with its -wal and -shm, or the database on the server. */
static inline void testdb_drop(const char *path)
{
	char p[512];
	if (!testdb_server()) {
		static const char *const suffix[] = {"", "-wal", "-shm"};
		for (int i = 0; i < 3; i++) {
			snprintf(p, sizeof p, "%s%s", path, suffix[i]);
			unlink(p);
		}
		return;
	}
	const char *slash = strchr(strstr(path, "://") + 3, '/');
	const char *q = strchr(slash, '?');
	snprintf(p, sizeof p, "DROP DATABASE IF EXISTS %.*s WITH (FORCE)",
		 (int)(q ? q - slash - 1 : (long)strlen(slash + 1)), slash + 1);
	testdb_sql(testdb_server(), p);
}

#endif
