/* sqlite.c — the store's engine on SQLite (WAL): one file, one writer at a time. */
#include "engine.h"

#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "../anjia.h"
#include "../util/log.h"
#include "../util/strbuf.h"

/* Writers of one process queue on this lock before SQLite's own: waiting here is a handover, where
 * SQLite's busy handler would sleep and poll, which under many concurrent writers costs more time
 * than the transactions themselves. Other processes still meet SQLite's lock and busy timeout. */
static pthread_mutex_t write_lock = PTHREAD_MUTEX_INITIALIZER;

struct lite_stmt {
	struct stmt base;
	sqlite3_stmt *st;
	unsigned char map[STMT_MAX_PARAMS + 1]; /* $n -> SQLite parameter index */
};

struct lite_store {
	struct store base;
	sqlite3 *db;
};

static const struct engine lite;

static sqlite3 *db_of(struct store *s)
{
	return ((struct lite_store *)s)->db;
}

static sqlite3_stmt *st_of(struct stmt *st)
{
	return ((struct lite_stmt *)st)->st;
}

static int map_rc(int rc)
{
	switch (rc & 0xff) {
	case SQLITE_OK:
	case SQLITE_DONE:
		return AJ_OK;
	case SQLITE_ROW:
		return STORE_ROW;
	case SQLITE_BUSY:
	case SQLITE_LOCKED:
		return AJ_EBUSY;
	case SQLITE_CONSTRAINT:
		if (rc == SQLITE_CONSTRAINT_UNIQUE || rc == SQLITE_CONSTRAINT_PRIMARYKEY)
			return AJ_ECONFLICT;
		return AJ_EINVAL;
	default:
		return AJ_ESTORE;
	}
}

/* Narrows path to its owner's bits when it is open to other users, with a log line. By name, never
 * through a descriptor: closing any descriptor of a file drops every POSIX lock this process holds
 * on it, and SQLite's connections to it rely on theirs. */
static void narrow(const char *path)
{
	struct stat st;
	if (stat(path, &st) != 0 || !S_ISREG(st.st_mode) || !(st.st_mode & 077))
		return;
	unsigned was = st.st_mode & 0777, now = st.st_mode & 0600;
	if (chmod(path, now) == 0)
		log_warn("store: %s was open to other users (mode %03o); now %03o", path, was, now);
	else
		log_warn("store: %s is open to other users (mode %03o) and cannot be narrowed: %s", path, was,
			 strerror(errno));
}

/* Creates path empty and 0600 unless it exists. A file that did not exist is open nowhere in this
 * process, so its descriptor may be closed. One that cannot be created is left to SQLite to report. */
static void create_private(const char *path)
{
	int fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC | O_NOCTTY, 0600);
	if (fd >= 0)
		close(fd);
}

/* The database file and its -wal and -shm, which SQLite creates with the database's own mode:
 * they hold the look-up hashes of ID numbers, sealed values and the audit chain. */
static void make_db_private(const char *path)
{
	char side[4096];
	if (!*path || strcmp(path, ":memory:") == 0 || strncmp(path, "file:", 5) == 0)
		return;
	create_private(path);
	narrow(path);
	if (snprintf(side, sizeof side, "%s-wal", path) < (int)sizeof side)
		narrow(side);
	if (snprintf(side, sizeof side, "%s-shm", path) < (int)sizeof side)
		narrow(side);
}

/* Once, before SQLite's first use: no process-wide counting of memory, whose one mutex every
 * allocation of every connection took (a quarter of a busy server's time went to waiting on it and
 * waking its waiters); each connection is one thread's already. */
static pthread_once_t configured = PTHREAD_ONCE_INIT;
static void configure(void)
{
	sqlite3_config(SQLITE_CONFIG_MEMSTATUS, 0);
	sqlite3_initialize();
}

/* SQL functions PostgreSQL has and SQLite lacks, so the SQL both run can use them: greatest and
 * least (of integers, NULLs ignored as PostgreSQL does), strpos (the 1-based position of a
 * substring in characters, 0 when absent). */
static void fn_extreme(sqlite3_context *cx, int argc, sqlite3_value **argv, int sign)
{
	int have = 0;
	sqlite3_int64 best = 0;
	for (int i = 0; i < argc; i++) {
		if (sqlite3_value_type(argv[i]) == SQLITE_NULL)
			continue;
		sqlite3_int64 v = sqlite3_value_int64(argv[i]);
		if (!have || (sign > 0 ? v > best : v < best))
			best = v;
		have = 1;
	}
	if (have)
		sqlite3_result_int64(cx, best);
	else
		sqlite3_result_null(cx);
}

static void fn_greatest(sqlite3_context *cx, int argc, sqlite3_value **argv)
{
	fn_extreme(cx, argc, argv, 1);
}

static void fn_least(sqlite3_context *cx, int argc, sqlite3_value **argv)
{
	fn_extreme(cx, argc, argv, -1);
}

static void fn_strpos(sqlite3_context *cx, int argc, sqlite3_value **argv)
{
	(void)argc;
	const char *h = (const char *)sqlite3_value_text(argv[0]);
	const char *n = (const char *)sqlite3_value_text(argv[1]);
	if (!h || !n) {
		sqlite3_result_null(cx);
		return;
	}
	const char *at = strstr(h, n);
	sqlite3_int64 pos = 0;
	if (at) {
		pos = 1;
		for (const char *p = h; p < at; p++)
			if (((unsigned char)*p & 0xc0) != 0x80) /* UTF-8 characters, not bytes */
				pos++;
	}
	sqlite3_result_int64(cx, pos);
}

int sqlite_open(const char *path, struct store **out)
{
	pthread_once(&configured, configure);
	struct lite_store *ls = xcalloc(1, sizeof *ls);
	ls->base.eng = &lite;
	make_db_private(path);
	int rc = sqlite3_open_v2(path, &ls->db,
				 SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX, NULL);
	if (rc != SQLITE_OK) {
		log_error("store: cannot open %s: %s", path, ls->db ? sqlite3_errmsg(ls->db) : "?");
		sqlite3_close(ls->db);
		free(ls);
		return AJ_ESTORE;
	}
	sqlite3_extended_result_codes(ls->db, 1);
	sqlite3_busy_timeout(ls->db, 5000);
	int det = SQLITE_UTF8 | SQLITE_DETERMINISTIC;
	sqlite3_create_function(ls->db, "greatest", -1, det, NULL, fn_greatest, NULL, NULL);
	sqlite3_create_function(ls->db, "least", -1, det, NULL, fn_least, NULL, NULL);
	sqlite3_create_function(ls->db, "strpos", 2, det, NULL, fn_strpos, NULL, NULL);
	rc = sqlite3_exec(ls->db,
			  "PRAGMA journal_mode=WAL;"
			  "PRAGMA synchronous=NORMAL;"
			  "PRAGMA foreign_keys=ON;"
			  /* LIKE tells case apart, as on PostgreSQL: a search for either case says
			   * lower(column) LIKE the lower-case pattern store_like_pattern makes */
			  "PRAGMA case_sensitive_like=ON;"
			  /* what is deleted or replaced is overwritten, not left readable in free pages:
			   * an erased account's address, a value sealed again under a new key */
			  "PRAGMA secure_delete=ON;"
			  "PRAGMA temp_store=MEMORY;"
			  /* up to 64 MiB of pages per connection, filled as used: the hot part of a
			   * large database is read from memory, not through read() each time */
			  "PRAGMA cache_size=-65536;",
			  NULL, NULL, NULL);
	if (rc != SQLITE_OK) {
		log_error("store: cannot configure %s: %s", path, sqlite3_errmsg(ls->db));
		sqlite3_close(ls->db);
		free(ls);
		return map_rc(rc) == AJ_EBUSY ? AJ_EBUSY : AJ_ESTORE;
	}
	*out = &ls->base;
	return AJ_OK;
}

static void lite_close(struct store *s)
{
	sqlite3_close(db_of(s));
	free(s);
}

/* Parses the "$n" names SQLite reports into the placeholder map. */
static int build_map(struct lite_stmt *st)
{
	int n = sqlite3_bind_parameter_count(st->st);
	for (int i = 1; i <= n; i++) {
		const char *name = sqlite3_bind_parameter_name(st->st, i);
		char *end;
		long k = name && name[0] == '$' ? strtol(name + 1, &end, 10) : 0;
		if (!name || name[0] != '$' || *end != '\0' || k < 1 || k > STMT_MAX_PARAMS)
			return -1;
		st->map[k] = (unsigned char)i;
	}
	return 0;
}

static struct stmt *lite_prepare(struct store *s, const char *sql)
{
	struct lite_stmt *st = xcalloc(1, sizeof *st);
	const char *tail = NULL;
	int rc = sqlite3_prepare_v3(db_of(s), sql, -1, SQLITE_PREPARE_PERSISTENT, &st->st, &tail);
	if (rc != SQLITE_OK) {
		log_error("store: cannot prepare (%s): %.120s", sqlite3_errmsg(db_of(s)), sql);
		free(st);
		return NULL;
	}
	while (tail && (*tail == ' ' || *tail == '\n' || *tail == '\t' || *tail == ';'))
		tail++;
	if (tail && *tail) {
		log_error("store: surplus SQL after a statement: %.80s", tail);
		sqlite3_finalize(st->st);
		free(st);
		return NULL;
	}
	if (build_map(st)) {
		log_error("store: placeholders must be $1..$%d: %.120s", STMT_MAX_PARAMS, sql);
		sqlite3_finalize(st->st);
		free(st);
		return NULL;
	}
	return &st->base;
}

static void lite_finalize(struct stmt *st)
{
	sqlite3_finalize(st_of(st));
	free(st);
}

static void lite_bind(struct stmt *base, int n, enum bind_kind k, int64_t i, const void *v, size_t len)
{
	struct lite_stmt *st = (struct lite_stmt *)base;
	int at = st->map[n];
	if (!at)
		return;
	switch (k) {
	case BIND_NULL:
	case BIND_NULL_INT: sqlite3_bind_null(st->st, at); break;
	case BIND_INT: sqlite3_bind_int64(st->st, at, i); break;
	case BIND_TEXT: sqlite3_bind_text64(st->st, at, v, len, SQLITE_TRANSIENT, SQLITE_UTF8); break;
	case BIND_BLOB: sqlite3_bind_blob64(st->st, at, v, len, SQLITE_TRANSIENT); break;
	}
}

static int lite_step(struct stmt *st)
{
	int rc = sqlite3_step(st_of(st));
	if (rc == SQLITE_ROW)
		return STORE_ROW;
	if (rc == SQLITE_DONE)
		return STORE_DONE;
	int e = map_rc(sqlite3_extended_errcode(sqlite3_db_handle(st_of(st))));
	if (e == AJ_ESTORE)
		log_error("store: step failed (%s): %.80s", sqlite3_errmsg(sqlite3_db_handle(st_of(st))),
			  st->sql);
	return e == AJ_OK ? AJ_ESTORE : e;
}

static int64_t lite_int(struct stmt *st, int col)
{
	return sqlite3_column_int64(st_of(st), col);
}

static const char *lite_text(struct stmt *st, int col)
{
	return (const char *)sqlite3_column_text(st_of(st), col);
}

static const void *lite_blob(struct stmt *st, int col)
{
	return sqlite3_column_blob(st_of(st), col);
}

static size_t lite_bytes(struct stmt *st, int col)
{
	return (size_t)sqlite3_column_bytes(st_of(st), col);
}

static int lite_null(struct stmt *st, int col)
{
	return sqlite3_column_type(st_of(st), col) == SQLITE_NULL;
}

static void lite_reset(struct stmt *st)
{
	sqlite3_reset(st_of(st));
	sqlite3_clear_bindings(st_of(st));
}

static int64_t lite_changes(struct store *s)
{
	return sqlite3_changes64(db_of(s));
}

static int run(struct store *s, const char *sql)
{
	int rc = sqlite3_exec(db_of(s), sql, NULL, NULL, NULL);
	return rc == SQLITE_OK ? AJ_OK : map_rc(rc) == AJ_OK ? AJ_ESTORE : map_rc(rc);
}

/* BEGIN IMMEDIATE, so writers queue at the start, never midway. */
static int lite_tx(struct store *s, enum tx_op op)
{
	int rc = AJ_OK;
	sqlite3 *db = db_of(s);
	switch (op) {
	case TX_BEGIN:
		pthread_mutex_lock(&write_lock);
		if ((rc = run(s, "BEGIN IMMEDIATE")) != AJ_OK)
			pthread_mutex_unlock(&write_lock);
		return rc;
	case TX_COMMIT:
		if ((rc = run(s, "COMMIT")) == AJ_OK)
			pthread_mutex_unlock(&write_lock);
		return rc; /* on failure store.c rolls back, which unlocks */
	case TX_ROLLBACK:
		if (sqlite3_get_autocommit(db) == 0)
			run(s, "ROLLBACK");
		pthread_mutex_unlock(&write_lock);
		return AJ_OK;
	case TX_SAVEPOINT: return run(s, "SAVEPOINT nested");
	case TX_RELEASE: return run(s, "RELEASE nested");
	case TX_ROLLBACK_TO:
		run(s, "ROLLBACK TO nested");
		run(s, "RELEASE nested");
		return AJ_OK;
	case TX_READ_BEGIN: return run(s, "BEGIN DEFERRED");
	case TX_READ_END:
		if (sqlite3_get_autocommit(db) == 0)
			run(s, "COMMIT");
		return AJ_OK;
	}
	return AJ_EINVAL;
}

static int lite_script(struct store *s, const char *sql)
{
	char *err = NULL;
	if (sqlite3_exec(db_of(s), sql, NULL, NULL, &err) != SQLITE_OK) {
		log_error("store: %s", err ? err : "?");
		sqlite3_free(err);
		return AJ_ESTORE;
	}
	return AJ_OK;
}

static int lite_has_table(struct store *s, const char *name)
{
	int64_t n = 0;
	struct stmt *st = store_sql(s, "SELECT count(*) FROM sqlite_master WHERE type = 'table' AND name = $1");
	stmt_bind_text(st, 1, name);
	int rc = stmt_one_int(st, &n);
	return rc != AJ_OK ? rc : n > 0;
}

/* Copies the write-ahead log into the database and empties it. */
static int lite_checkpoint(struct store *s)
{
	int rc = sqlite3_wal_checkpoint_v2(db_of(s), NULL, SQLITE_CHECKPOINT_TRUNCATE, NULL, NULL);
	return rc == SQLITE_OK ? AJ_OK : map_rc(rc) == AJ_EBUSY ? AJ_EBUSY : AJ_ESTORE;
}

/* One writer at a time already: every lock is held. */
static int lite_lock(struct store *s, int what, int64_t id)
{
	(void)s, (void)what, (void)id;
	return AJ_OK;
}

static int lite_hold(struct store *s, int what, int on)
{
	(void)s, (void)what, (void)on;
	return AJ_OK;
}

static const struct engine lite = {
	.kind = "sqlite",
	.close = lite_close,
	.prepare = lite_prepare,
	.finalize = lite_finalize,
	.bind = lite_bind,
	.step = lite_step,
	.col_int = lite_int,
	.col_text = lite_text,
	.col_blob = lite_blob,
	.col_bytes = lite_bytes,
	.col_null = lite_null,
	.reset = lite_reset,
	.changes = lite_changes,
	.tx = lite_tx,
	.script = lite_script,
	.has_table = lite_has_table,
	.checkpoint = lite_checkpoint,
	.lock = lite_lock,
	.hold = lite_hold,
};

/* ---- backup ---- */

int sqlite_backup(const char *src_path, const char *dst_path)
{
	sqlite3 *src = NULL, *dst = NULL;
	char tmp[4096];
	int rc = AJ_ESTORE;
	if (snprintf(tmp, sizeof tmp, "%s.partial", dst_path) >= (int)sizeof tmp)
		return AJ_EINVAL;
	remove(tmp);
	if (sqlite3_open_v2(src_path, &src, SQLITE_OPEN_READONLY, NULL) != SQLITE_OK)
		goto out;
	create_private(tmp); /* a copy of everything the database holds */
	sqlite3_busy_timeout(src, 5000);
	if (sqlite3_open_v2(tmp, &dst, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE, NULL) != SQLITE_OK)
		goto out;
	sqlite3_backup *b = sqlite3_backup_init(dst, "main", src, "main");
	if (!b)
		goto out;
	/* one step copies every page under one read transaction: a consistent snapshot even
	 * while the server keeps writing through WAL */
	int s;
	while ((s = sqlite3_backup_step(b, -1)) == SQLITE_BUSY || s == SQLITE_LOCKED)
		sqlite3_sleep(50);
	sqlite3_backup_finish(b);
	if (s != SQLITE_DONE) {
		log_error("backup: %s", sqlite3_errstr(s));
		goto out;
	}
	rc = AJ_OK;
out:
	if (rc != AJ_OK && src)
		log_error("backup: %s", sqlite3_errmsg(dst ? dst : src));
	sqlite3_close(src);
	sqlite3_close(dst);
	if (rc == AJ_OK && rename(tmp, dst_path) != 0)
		rc = AJ_EIO;
	if (rc != AJ_OK)
		remove(tmp);
	return rc;
}
