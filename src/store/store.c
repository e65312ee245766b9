/* store.c — the store's API over its two engines: which engine a path names, the prepared
 * statements each connection keeps, transaction depth (savepoints inside a transaction), the
 * generation of what was committed, and the calls passed on to the engine. */
#include "engine.h"

#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../anjia.h"
#include "../util/log.h"

/* committed write transactions of this process, for caches of what the store says */
static _Atomic uint64_t generation;

uint64_t store_generation(struct store *s)
{
	return s->eng->generation ? s->eng->generation(s) : atomic_load(&generation);
}

int store_is_server(const char *path)
{
	return path && (strncmp(path, "postgresql://", 13) == 0 || strncmp(path, "postgres://", 11) == 0);
}

const char *store_name(const char *path, char *out, size_t n)
{
	size_t k = 0;
	if (n == 0)
		return out;
	if (!store_is_server(path)) {
		snprintf(out, n, "%s", path);
		return out;
	}
	const char *auth = strstr(path, "://") + 3, *end = auth + strcspn(auth, "/?");
	const char *at = memchr(auth, '@', (size_t)(end - auth));
	const char *colon = at ? memchr(auth, ':', (size_t)(at - auth)) : NULL;
	for (const char *p = path; *p && k + 2 < n;) {
		if (p == colon) { /* user:password@ is shown as user:*@ */
			out[k++] = ':';
			out[k++] = '*';
			p = at;
		} else if ((*p == '?' || *p == '&') && strncmp(p + 1, "password=", 9) == 0) {
			int w = snprintf(out + k, n - k, "%cpassword=*", *p);
			k = w > 0 && (size_t)w < n - k ? k + (size_t)w : n - 1;
			p += 10;
			while (*p && *p != '&')
				p++;
		} else {
			out[k++] = *p++;
		}
	}
	out[k] = '\0';
	return out;
}

int store_open(const char *path, struct store **out)
{
	if (!path || !*path)
		return AJ_EINVAL;
	return store_is_server(path) ? postgres_open(path, out) : sqlite_open(path, out);
}

void store_close(struct store *s)
{
	if (!s)
		return;
	if (s->in_tx || s->reading)
		s->eng->tx(s, s->in_tx ? TX_ROLLBACK : TX_READ_END);
	for (int i = 0; i < STORE_CACHE_SLOTS; i++) {
		struct stmt *st = s->cache[i];
		if (!st)
			continue;
		if (st->busy)
			log_warn("store: statement left unfinished: %.80s", st->sql);
		s->eng->finalize(st);
	}
	s->eng->close(s);
}

const char *store_kind(const struct store *s)
{
	return s->eng->kind;
}

struct stmt *store_prepare_(struct store *s, const char *sql)
{
	uintptr_t h = ((uintptr_t)sql >> 3) * 2654435761u;
	unsigned slot = (unsigned)(h & (STORE_CACHE_SLOTS - 1));
	for (unsigned probe = 0; probe < STORE_CACHE_SLOTS; probe++) {
		struct stmt *st = s->cache[slot];
		if (!st)
			break;
		if (st->sql == sql) {
			if (st->busy) {
				log_error("store: statement reused before it was finished: %.80s", sql);
				stmt_done(st);
			}
			return st;
		}
		slot = (slot + 1) & (STORE_CACHE_SLOTS - 1);
	}
	if (s->cache[slot]) {
		log_error("store: statement cache full");
		return NULL;
	}
	if (sql_placeholders(sql, NULL) < 0) {
		log_error("store: placeholders must be $1..$%d: %.120s", STMT_MAX_PARAMS, sql);
		return NULL;
	}
	struct stmt *st = s->eng->prepare(s, sql);
	if (!st)
		return NULL;
	st->s = s;
	st->sql = sql;
	s->cache[slot] = st;
	return st;
}

int sql_placeholders(const char *sql, uint32_t *used)
{
	int max = 0;
	uint32_t seen = 0;
	for (const char *p = sql; *p; p++) {
		if (*p == '\'' || *p == '"') { /* a quoted literal or name: skipped whole */
			char q = *p;
			while (*++p && *p != q)
				;
			if (!*p)
				break;
		} else if (p[0] == '-' && p[1] == '-') {
			while (*p && *p != '\n')
				p++;
			if (!*p)
				break;
		} else if (*p == '$') {
			char *end;
			long k = strtol(p + 1, &end, 10);
			if (end == p + 1 || k < 1 || k > STMT_MAX_PARAMS)
				return -1;
			if (k > max)
				max = (int)k;
			seen |= 1u << (k - 1);
			p = end - 1;
		}
	}
	if (used)
		*used = seen;
	return max;
}

/* ---- binding and reading ---- */

static int param_ok(struct stmt *st, int n)
{
	return st && n >= 1 && n <= STMT_MAX_PARAMS;
}

void stmt_bind_int(struct stmt *st, int n, int64_t v)
{
	if (param_ok(st, n))
		st->s->eng->bind(st, n, BIND_INT, v, NULL, 0);
}

void stmt_bind_textn(struct stmt *st, int n, const char *v, size_t len)
{
	if (param_ok(st, n))
		st->s->eng->bind(st, n, v ? BIND_TEXT : BIND_NULL, 0, v, len);
}

void stmt_bind_text(struct stmt *st, int n, const char *v)
{
	stmt_bind_textn(st, n, v, v ? strlen(v) : 0);
}

void stmt_bind_blob(struct stmt *st, int n, const void *v, size_t len)
{
	if (param_ok(st, n))
		st->s->eng->bind(st, n, BIND_BLOB, 0, v ? v : "", len);
}

void stmt_bind_null(struct stmt *st, int n)
{
	if (param_ok(st, n))
		st->s->eng->bind(st, n, BIND_NULL, 0, NULL, 0);
}

void stmt_bind_id(struct stmt *st, int n, int64_t v)
{
	if (v)
		stmt_bind_int(st, n, v);
	else if (param_ok(st, n))
		st->s->eng->bind(st, n, BIND_NULL_INT, 0, NULL, 0);
}

int stmt_step(struct stmt *st)
{
	if (!st)
		return AJ_ESTORE;
	st->busy = 1;
	return st->s->eng->step(st);
}

int64_t stmt_int(struct stmt *st, int col)
{
	return st ? st->s->eng->col_int(st, col) : 0;
}

const char *stmt_text(struct stmt *st, int col)
{
	return st ? st->s->eng->col_text(st, col) : NULL;
}

const void *stmt_blob(struct stmt *st, int col)
{
	return st ? st->s->eng->col_blob(st, col) : NULL;
}

size_t stmt_bytes(struct stmt *st, int col)
{
	return st ? st->s->eng->col_bytes(st, col) : 0;
}

int stmt_is_null(struct stmt *st, int col)
{
	return !st || st->s->eng->col_null(st, col);
}

void stmt_done(struct stmt *st)
{
	if (!st)
		return;
	st->s->eng->reset(st);
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

int store_next_id(struct store *s, const char *table, int64_t *id)
{
	if (!s->in_tx)
		return AJ_EINVAL;
	struct stmt *st = store_sql(s, "UPDATE row_ids SET last = last + 1 WHERE name = $1 RETURNING last");
	stmt_bind_text(st, 1, table);
	int rc = stmt_one_int(st, id);
	return rc == AJ_ENOTFOUND ? AJ_EINVAL : rc;
}

int64_t store_changes(struct store *s)
{
	return s->eng->changes(s);
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

/* ---- transactions ---- */

int store_write(struct store *s, int (*body)(struct store *s, void *arg), void *arg)
{
	int outer = !s->in_tx, rc = AJ_EBUSY;
	for (int attempt = 0; attempt < (outer ? STORE_WRITE_TRIES : 1); attempt++) {
		s->retry = 0;
		if ((rc = store_begin(s)) != AJ_OK)
			return rc;
		rc = body(s, arg);
		if (rc == AJ_OK)
			rc = store_commit(s); /* rolls back itself when it fails */
		else
			store_rollback(s);
		if (rc == STORE_WRITE_NOTHING)
			return AJ_OK;
		if (rc != AJ_EBUSY || !s->retry)
			return rc;
		log_warn("store: a write met a conflict (serialisation or deadlock); trying it again (%d)", attempt + 1);
	}
	return rc;
}

/* A begin inside a transaction opens a savepoint, so a function that writes in a transaction of
 * its own can also be one step of a larger one (an import, the demo loader). */
int store_begin(struct store *s)
{
	int rc;
	if (s->reading)
		return AJ_EINVAL; /* a read transaction cannot become a write one without waiting */
	if (s->in_tx) {
		if ((rc = s->eng->tx(s, TX_SAVEPOINT)) == AJ_OK)
			s->in_tx++;
		return rc;
	}
	s->quiet = 0;
	if ((rc = s->eng->tx(s, TX_BEGIN)) == AJ_OK)
		s->in_tx = 1;
	return rc;
}

int store_commit(struct store *s)
{
	int rc;
	if (s->in_tx > 1) {
		if ((rc = s->eng->tx(s, TX_RELEASE)) != AJ_OK) {
			store_rollback(s);
			return rc;
		}
		s->in_tx--;
		return AJ_OK;
	}
	if (!s->in_tx)
		return AJ_EINVAL;
	if ((rc = s->eng->tx(s, TX_COMMIT)) != AJ_OK) {
		store_rollback(s);
		return rc;
	}
	s->in_tx = 0;
	if (!s->quiet) {
		atomic_fetch_add(&generation, 1);
		if (s->eng->committed)
			s->eng->committed(s);
	}
	s->quiet = 0;
	return AJ_OK;
}

void store_rollback(struct store *s)
{
	if (!s->in_tx)
		return;
	if (s->in_tx > 1) {
		s->eng->tx(s, TX_ROLLBACK_TO);
		s->in_tx--;
		return;
	}
	s->eng->tx(s, TX_ROLLBACK);
	s->in_tx = 0;
}

void store_keep_generation(struct store *s)
{
	/* a step of a larger write (in a savepoint) cannot speak for the rest of it */
	if (s->in_tx == 1)
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
	int rc = s->eng->tx(s, TX_READ_BEGIN);
	if (rc == AJ_OK)
		s->reading = 1;
	return rc;
}

void store_read_end(struct store *s)
{
	if (!s->reading || --s->reading > 0)
		return;
	s->eng->tx(s, TX_READ_END);
}

int store_lock(struct store *s, enum store_lock what, int64_t id)
{
	if (!s->in_tx)
		return AJ_EINVAL;
	return s->eng->lock(s, (int)what, id);
}

int store_hold(struct store *s, enum store_lock what)
{
	return s->eng->hold(s, (int)what, 1);
}

void store_release(struct store *s, enum store_lock what)
{
	s->eng->hold(s, (int)what, 0);
}

int store_checkpoint(struct store *s)
{
	if (s->in_tx)
		return AJ_EINVAL;
	return s->eng->checkpoint(s);
}

int store_backup(const char *src_path, const char *dst_path)
{
	if (store_is_server(src_path) || store_is_server(dst_path))
		return AJ_EINVAL; /* PostgreSQL's own tools back it up: docs/operations.md */
	return sqlite_backup(src_path, dst_path);
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
		/* lower case, as the lower(column) it is matched against: the same on both engines */
		out[k++] = (*q >= 'A' && *q <= 'Z') ? (char)(*q - 'A' + 'a') : *q;
	}
	out[k++] = '%';
	out[k] = '\0';
}
