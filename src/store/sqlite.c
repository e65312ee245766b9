/* sqlite.c — the store on SQLite (WAL). Each connection keeps its prepared statements in a
 * small table keyed by the SQL literal's address, so a hot query is prepared once per thread. */
#include "store.h"

#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdatomic.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "../anjia.h"
#include "../util/log.h"
#include "../util/strbuf.h"

#define STMT_MAX_PARAMS 32
#define CACHE_SLOTS 512 /* a power of two, well above the number of statements in the program */

/* Writers of one process queue on this lock before SQLite's own: waiting here is a handover, where
 * SQLite's busy handler would sleep and poll, which under many concurrent writers costs more time
 * than the transactions themselves. Other processes still meet SQLite's lock and busy timeout. */
static pthread_mutex_t write_lock = PTHREAD_MUTEX_INITIALIZER;
/* committed write transactions of this process, for caches of what the store says */
static _Atomic uint64_t generation;

uint64_t store_generation(void)
{
	return atomic_load(&generation);
}

struct stmt {
	sqlite3_stmt *st;
	const char *sql;              /* the literal, also the cache key */
	unsigned char map[STMT_MAX_PARAMS + 1]; /* $n -> SQLite parameter index */
	int busy;                     /* stepped and not yet finished */
};

struct store {
	sqlite3 *db;
	int in_tx;      /* transaction depth: 1 the outer BEGIN IMMEDIATE, more are savepoints */
	int quiet;      /* the open transaction changes nothing a public answer shows */
	int reading;    /* read transactions open (store_read_begin), the outer one real */
	struct stmt *cache[CACHE_SLOTS];
};

const char *store_kind(const struct store *s)
{
	(void)s;
	return "sqlite";
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

int store_open(const char *path, struct store **out)
{
	pthread_once(&configured, configure);
	struct store *s = xcalloc(1, sizeof *s);
	make_db_private(path);
	int rc = sqlite3_open_v2(path, &s->db,
				 SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX, NULL);
	if (rc != SQLITE_OK) {
		log_error("store: cannot open %s: %s", path, s->db ? sqlite3_errmsg(s->db) : "?");
		sqlite3_close(s->db);
		free(s);
		return AJ_ESTORE;
	}
	sqlite3_extended_result_codes(s->db, 1);
	sqlite3_busy_timeout(s->db, 5000);
	rc = sqlite3_exec(s->db,
			  "PRAGMA journal_mode=WAL;"
			  "PRAGMA synchronous=NORMAL;"
			  "PRAGMA foreign_keys=ON;"
			  /* what is deleted or replaced is overwritten, not left readable in free pages:
			   * an erased account's address, a value sealed again under a new key */
			  "PRAGMA secure_delete=ON;"
			  "PRAGMA temp_store=MEMORY;"
			  /* up to 64 MiB of pages per connection, filled as used: the hot part of a
			   * large database is read from memory, not through read() each time */
			  "PRAGMA cache_size=-65536;",
			  NULL, NULL, NULL);
	if (rc != SQLITE_OK) {
		log_error("store: cannot configure %s: %s", path, sqlite3_errmsg(s->db));
		sqlite3_close(s->db);
		free(s);
		return map_rc(rc) == AJ_EBUSY ? AJ_EBUSY : AJ_ESTORE;
	}
	*out = s;
	return AJ_OK;
}

void store_close(struct store *s)
{
	if (!s)
		return;
	for (int i = 0; i < CACHE_SLOTS; i++) {
		struct stmt *st = s->cache[i];
		if (!st)
			continue;
		if (st->busy)
			log_warn("store: statement left unfinished: %.80s", st->sql);
		sqlite3_finalize(st->st);
		free(st);
	}
	if (s->in_tx) {
		sqlite3_exec(s->db, "ROLLBACK", NULL, NULL, NULL);
		pthread_mutex_unlock(&write_lock);
	}
	sqlite3_close(s->db);
	free(s);
}

/* Parses the "$n" names SQLite reports into the placeholder map. */
static int build_map(struct stmt *st)
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

struct stmt *store_prepare_(struct store *s, const char *sql)
{
	uintptr_t h = ((uintptr_t)sql >> 3) * 2654435761u;
	unsigned slot = (unsigned)(h & (CACHE_SLOTS - 1));
	for (unsigned probe = 0; probe < CACHE_SLOTS; probe++) {
		struct stmt *st = s->cache[slot];
		if (!st)
			break;
		if (st->sql == sql) {
			if (st->busy) {
				log_error("store: statement reused before it was finished: %.80s", sql);
				sqlite3_reset(st->st);
				sqlite3_clear_bindings(st->st);
				st->busy = 0;
			}
			return st;
		}
		slot = (slot + 1) & (CACHE_SLOTS - 1);
	}
	if (s->cache[slot]) {
		log_error("store: statement cache full");
		return NULL;
	}
	struct stmt *st = xcalloc(1, sizeof *st);
	const char *tail = NULL;
	int rc = sqlite3_prepare_v3(s->db, sql, -1, SQLITE_PREPARE_PERSISTENT, &st->st, &tail);
	if (rc != SQLITE_OK) {
		log_error("store: cannot prepare (%s): %.120s", sqlite3_errmsg(s->db), sql);
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
	st->sql = sql;
	s->cache[slot] = st;
	return st;
}

static int idx(struct stmt *st, int n)
{
	return n >= 1 && n <= STMT_MAX_PARAMS ? st->map[n] : 0;
}

void stmt_bind_int(struct stmt *st, int n, int64_t v)
{
	if (st && idx(st, n))
		sqlite3_bind_int64(st->st, idx(st, n), v);
}

void stmt_bind_textn(struct stmt *st, int n, const char *v, size_t len)
{
	if (!st || !idx(st, n))
		return;
	if (!v)
		sqlite3_bind_null(st->st, idx(st, n));
	else
		sqlite3_bind_text64(st->st, idx(st, n), v, len, SQLITE_TRANSIENT, SQLITE_UTF8);
}

void stmt_bind_text(struct stmt *st, int n, const char *v)
{
	stmt_bind_textn(st, n, v, v ? strlen(v) : 0);
}

void stmt_bind_blob(struct stmt *st, int n, const void *v, size_t len)
{
	if (st && idx(st, n))
		sqlite3_bind_blob64(st->st, idx(st, n), v, len, SQLITE_TRANSIENT);
}

void stmt_bind_null(struct stmt *st, int n)
{
	if (st && idx(st, n))
		sqlite3_bind_null(st->st, idx(st, n));
}

void stmt_bind_id(struct stmt *st, int n, int64_t v)
{
	if (v)
		stmt_bind_int(st, n, v);
	else
		stmt_bind_null(st, n);
}

int stmt_step(struct stmt *st)
{
	if (!st)
		return AJ_ESTORE;
	st->busy = 1;
	int rc = sqlite3_step(st->st);
	if (rc == SQLITE_ROW)
		return STORE_ROW;
	if (rc == SQLITE_DONE)
		return STORE_DONE;
	int e = map_rc(sqlite3_extended_errcode(sqlite3_db_handle(st->st)));
	if (e == AJ_ESTORE)
		log_error("store: step failed (%s): %.80s", sqlite3_errmsg(sqlite3_db_handle(st->st)),
			  st->sql);
	return e == AJ_OK ? AJ_ESTORE : e;
}

int64_t stmt_int(struct stmt *st, int col)
{
	return st ? sqlite3_column_int64(st->st, col) : 0;
}

const char *stmt_text(struct stmt *st, int col)
{
	return st ? (const char *)sqlite3_column_text(st->st, col) : NULL;
}

const void *stmt_blob(struct stmt *st, int col)
{
	return st ? sqlite3_column_blob(st->st, col) : NULL;
}

size_t stmt_bytes(struct stmt *st, int col)
{
	return st ? (size_t)sqlite3_column_bytes(st->st, col) : 0;
}

int stmt_is_null(struct stmt *st, int col)
{
	return !st || sqlite3_column_type(st->st, col) == SQLITE_NULL;
}

void stmt_done(struct stmt *st)
{
	if (!st)
		return;
	sqlite3_reset(st->st);
	sqlite3_clear_bindings(st->st);
	st->busy = 0;
}

int stmt_exec(struct stmt *st)
{
	int rc;
	while ((rc = stmt_step(st)) == STORE_ROW)
		;
	stmt_done(st);
	return rc;
}

int64_t store_changes(struct store *s)
{
	return sqlite3_changes64(s->db);
}

int stmt_one_int(struct stmt *st, int64_t *out)
{
	int rc = stmt_step(st);
	if (rc == STORE_ROW)
		*out = stmt_int(st, 0);
	stmt_done(st);
	return rc == STORE_ROW ? AJ_OK : rc == STORE_DONE ? AJ_ENOTFOUND : rc;
}

int stmt_ints(struct stmt *st, int64_t *out, int max, int *n)
{
	int rc = STORE_DONE;
	*n = 0;
	while (*n < max && (rc = stmt_step(st)) == STORE_ROW)
		out[(*n)++] = stmt_int(st, 0);
	stmt_done(st);
	return rc < 0 ? rc : AJ_OK;
}

/* A begin inside a transaction opens a savepoint, so a function that writes in a transaction of
 * its own can also be one step of a larger one (an import, the demo loader). */
int store_begin(struct store *s)
{
	int rc;
	if (s->reading)
		return AJ_EINVAL; /* a read transaction cannot become a write one without waiting */
	if (s->in_tx) {
		rc = stmt_exec(store_sql(s, "SAVEPOINT nested"));
		if (rc == AJ_OK)
			s->in_tx++;
		return rc;
	}
	pthread_mutex_lock(&write_lock);
	rc = stmt_exec(store_sql(s, "BEGIN IMMEDIATE"));
	s->quiet = 0;
	if (rc == AJ_OK)
		s->in_tx = 1;
	else
		pthread_mutex_unlock(&write_lock);
	return rc;
}

int store_commit(struct store *s)
{
	int rc;
	if (s->in_tx > 1) {
		rc = stmt_exec(store_sql(s, "RELEASE nested"));
		if (rc != AJ_OK) {
			store_rollback(s);
			return rc;
		}
		s->in_tx--;
		return AJ_OK;
	}
	rc = stmt_exec(store_sql(s, "COMMIT"));
	if (rc != AJ_OK) {
		store_rollback(s);
		return rc;
	}
	s->in_tx = 0;
	if (!s->quiet)
		atomic_fetch_add(&generation, 1);
	s->quiet = 0;
	pthread_mutex_unlock(&write_lock);
	return AJ_OK;
}

void store_rollback(struct store *s)
{
	if (!s->in_tx)
		return;
	if (s->in_tx > 1) {
		stmt_exec(store_sql(s, "ROLLBACK TO nested"));
		stmt_exec(store_sql(s, "RELEASE nested"));
		s->in_tx--;
		return;
	}
	if (sqlite3_get_autocommit(s->db) == 0)
		stmt_exec(store_sql(s, "ROLLBACK"));
	s->in_tx = 0;
	pthread_mutex_unlock(&write_lock);
}

int store_checkpoint(struct store *s)
{
	if (s->in_tx)
		return AJ_EINVAL;
	int rc = sqlite3_wal_checkpoint_v2(s->db, NULL, SQLITE_CHECKPOINT_TRUNCATE, NULL, NULL);
	return rc == SQLITE_OK ? AJ_OK : map_rc(rc) == AJ_EBUSY ? AJ_EBUSY : AJ_ESTORE;
}

void store_keep_generation(struct store *s)
{
	if (s->in_tx)
		s->quiet = 1;
}

int store_in_tx(const struct store *s)
{
	return s->in_tx > 0;
}

int store_read_begin(struct store *s)
{
	if (s->in_tx)
		return AJ_OK;
	if (s->reading) {
		s->reading++;
		return AJ_OK;
	}
	int rc = stmt_exec(store_sql(s, "BEGIN DEFERRED"));
	if (rc == AJ_OK)
		s->reading = 1;
	return rc;
}

void store_read_end(struct store *s)
{
	if (!s->reading || --s->reading > 0)
		return;
	if (sqlite3_get_autocommit(s->db) == 0)
		stmt_exec(store_sql(s, "COMMIT"));
}

void store_like_pattern(const char *q, char *out, size_t n)
{
	size_t k = 0;
	if (n == 0)
		return;
	out[0] = '\0';
	if (!q || n < 3)
		return;
	out[k++] = '%';
	for (; *q && k + 3 < n; q++) {
		if (*q == '%' || *q == '_' || *q == '\\')
			out[k++] = '\\';
		out[k++] = *q;
	}
	out[k++] = '%';
	out[k] = '\0';
}

/* ---- migrations ---- */

struct migration {
	int version;
	const char *name;
	const char *sql;
};
/* generated at build time from src/store/schema/NNN_*.sql */
extern const struct migration store_migrations[];
extern const int store_migration_count;

int store_schema_version(struct store *s)
{
	int64_t v = 0;
	struct stmt *st = store_sql(s, "SELECT count(*) FROM sqlite_master WHERE name = 'schema_migrations'");
	if (stmt_one_int(st, &v) || v == 0)
		return 0;
	if (stmt_one_int(store_sql(s, "SELECT coalesce(max(version), 0) FROM schema_migrations"), &v))
		return 0;
	return (int)v;
}

int store_migrate(struct store *s, int *applied)
{
	int rc = sqlite3_exec(s->db,
			      "CREATE TABLE IF NOT EXISTS schema_migrations ("
			      " version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at INTEGER NOT NULL)",
			      NULL, NULL, NULL);
	if (rc != SQLITE_OK)
		return map_rc(rc);
	*applied = 0;
	/* every migration not yet recorded, in order: one merged in below the newest applied is not
	 * skipped */
	for (int i = 0; i < store_migration_count; i++) {
		const struct migration *m = &store_migrations[i];
		int64_t done = 0;
		struct stmt *q = store_sql(s, "SELECT count(*) FROM schema_migrations WHERE version = $1");
		stmt_bind_int(q, 1, m->version);
		if ((rc = stmt_one_int(q, &done)) != AJ_OK)
			return rc;
		if (done)
			continue;
		char *err = NULL;
		if ((rc = store_begin(s)) != AJ_OK)
			return rc;
		if (sqlite3_exec(s->db, m->sql, NULL, NULL, &err) != SQLITE_OK) {
			log_error("store: migration %s failed: %s", m->name, err ? err : "?");
			sqlite3_free(err);
			store_rollback(s);
			return AJ_ESTORE;
		}
		struct stmt *st = store_sql(s, "INSERT INTO schema_migrations (version, name, applied_at)"
					       " VALUES ($1, $2, CAST(strftime('%s','now') AS INTEGER))");
		stmt_bind_int(st, 1, m->version);
		stmt_bind_text(st, 2, m->name);
		if ((rc = stmt_exec(st)) != AJ_OK || (rc = store_commit(s)) != AJ_OK) {
			store_rollback(s);
			return rc;
		}
		(*applied)++;
	}
	return AJ_OK;
}

/* ---- backup ---- */

int store_backup(const char *src_path, const char *dst_path)
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
