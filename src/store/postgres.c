/* postgres.c — the store's engine on PostgreSQL (libpq): many connections writing side by side, so
 * decisions that race take a lock (store_lock) and the database makes ids and keeps uniqueness.
 * Each statement is prepared once per connection, at its first run, with the types of that run's
 * values (integers int8, blobs bytea, text and NULL left to the server to infer); every value goes
 * in text form but blobs, every result comes back whole, so a caller may run other statements
 * while it steps through one, as on SQLite. */
#include "engine.h"

#include <libpq-fe.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "../anjia.h"
#include "../util/log.h"
#include "../util/strbuf.h"

#define OID_INT8 20
#define OID_BYTEA 17
#define OID_TEXT 25
#define OID_BOOL 16

struct pg_stmt {
	struct stmt base;
	char name[16];
	int prepared; /* on this connection; a reconnect forgets it */
	int nparams;
	uint32_t used; /* bit n-1: $n appears in the text */
	Oid types[STMT_MAX_PARAMS];
	char *vals[STMT_MAX_PARAMS]; /* NULL: SQL NULL */
	size_t cap[STMT_MAX_PARAMS];
	int lens[STMT_MAX_PARAMS];
	int fmts[STMT_MAX_PARAMS];
	int isset[STMT_MAX_PARAMS];
	PGresult *res; /* the run's rows, read one by one */
	int row, rows;
	unsigned char *blob; /* column blob_col of the current row, decoded from bytea */
	size_t blob_len;
	int blob_col;
};

struct pg_store {
	struct store base;
	PGconn *c;
	int64_t changes;
	unsigned next_name;
};

static const struct engine pg;

static PGconn *conn_of(struct store *s)
{
	return ((struct pg_store *)s)->c;
}

/* SQLSTATE classes: 23505 unique, 23xxx another constraint, 40001 serialisation, 40P01 deadlock,
 * 55P03 lock not available, 57014 cancelled (statement_timeout). */
static int map_state(const char *state)
{
	if (!state)
		return AJ_ESTORE;
	if (strcmp(state, "23505") == 0)
		return AJ_ECONFLICT;
	if (strncmp(state, "23", 2) == 0)
		return AJ_EINVAL;
	if (strcmp(state, "40001") == 0 || strcmp(state, "40P01") == 0 || strcmp(state, "55P03") == 0 ||
	    strcmp(state, "57014") == 0)
		return AJ_EBUSY;
	return AJ_ESTORE;
}

/* 0 when res is a success, else the error mapped (logged when the store itself failed). */
static int result_rc(struct store *s, PGresult *res, const char *what)
{
	ExecStatusType t = res ? PQresultStatus(res) : PGRES_FATAL_ERROR;
	if (t == PGRES_COMMAND_OK || t == PGRES_TUPLES_OK)
		return AJ_OK;
	const char *state = res ? PQresultErrorField(res, PG_DIAG_SQLSTATE) : NULL;
	int e = map_state(state);
	if (state && (strcmp(state, "40001") == 0 || strcmp(state, "40P01") == 0))
		s->retry = 1; /* the transaction lost to another: the whole of it may be tried again */
	if (e == AJ_ESTORE)
		log_error("store: %s: %s", what,
			  res ? PQresultErrorMessage(res) : PQerrorMessage(conn_of(s)));
	return e;
}

/* Runs a statement without values (transaction control, scripts). */
static int run(struct store *s, const char *sql)
{
	PGresult *res = PQexec(conn_of(s), sql);
	int rc = result_rc(s, res, sql);
	if (rc == AJ_OK && strcmp(PQcmdStatus(res), "ROLLBACK") == 0 && strncmp(sql, "ROLLBACK", 8) != 0)
		rc = AJ_EBUSY; /* a COMMIT of a transaction an error had ended: nothing was written */
	PQclear(res);
	return rc;
}

static void quiet_notice(void *arg, const char *msg)
{
	(void)arg, (void)msg; /* "NOTICE: relation exists, skipping" and the like */
}

int postgres_open(const char *url, struct store **out)
{
	struct pg_store *ps = xcalloc(1, sizeof *ps);
	ps->base.eng = &pg;
	ps->c = PQconnectdb(url);
	if (PQstatus(ps->c) != CONNECTION_OK) {
		log_error("store: cannot connect to PostgreSQL: %s", PQerrorMessage(ps->c));
		PQfinish(ps->c);
		free(ps);
		return AJ_ESTORE;
	}
	PQsetNoticeProcessor(ps->c, quiet_notice, NULL);
	/* UTC, UTF-8, code-point order like SQLite's, and standard strings ('\' is itself) */
	if (run(&ps->base, "SET client_encoding = 'UTF8'; SET TimeZone = 'UTC';"
			   " SET standard_conforming_strings = on") != AJ_OK) {
		PQfinish(ps->c);
		free(ps);
		return AJ_ESTORE;
	}
	*out = &ps->base;
	return AJ_OK;
}

static void pg_close(struct store *s)
{
	PQfinish(conn_of(s));
	free(s);
}

static struct stmt *pg_prepare(struct store *s, const char *sql)
{
	struct pg_store *ps = (struct pg_store *)s;
	struct pg_stmt *st = xcalloc(1, sizeof *st);
	st->nparams = sql_placeholders(sql, &st->used);
	/* a number the text skips still needs a type: text, which nothing reads */
	for (int i = 0; i < st->nparams; i++)
		if (!(st->used & (1u << i)))
			st->types[i] = OID_TEXT;
	snprintf(st->name, sizeof st->name, "s%u", ++ps->next_name);
	st->blob_col = -1;
	return &st->base;
}

static void clear_row(struct pg_stmt *st)
{
	PQfreemem(st->blob);
	st->blob = NULL;
	st->blob_col = -1;
}

static void pg_reset(struct stmt *base)
{
	struct pg_stmt *st = (struct pg_stmt *)base;
	clear_row(st);
	PQclear(st->res);
	st->res = NULL;
	for (int i = 0; i < st->nparams; i++)
		st->isset[i] = 0;
}

static void pg_finalize(struct stmt *base)
{
	struct pg_stmt *st = (struct pg_stmt *)base;
	pg_reset(base);
	for (int i = 0; i < STMT_MAX_PARAMS; i++)
		free(st->vals[i]);
	free(st);
}

static void put(struct pg_stmt *st, int i, const void *v, size_t len)
{
	if (st->cap[i] < len + 1) {
		st->cap[i] = len + 1 < 32 ? 32 : len + 1;
		st->vals[i] = xrealloc(st->vals[i], st->cap[i]);
	}
	memcpy(st->vals[i], v, len);
	st->vals[i][len] = '\0';
	st->lens[i] = (int)len;
}

static void pg_bind(struct stmt *base, int n, enum bind_kind k, int64_t v, const void *p, size_t len)
{
	struct pg_stmt *st = (struct pg_stmt *)base;
	int i = n - 1;
	char num[24];
	if (n > st->nparams)
		return; /* not in the statement, as SQLite ignores it */
	st->isset[i] = k != BIND_NULL && k != BIND_NULL_INT;
	st->fmts[i] = k == BIND_BLOB;
	if (k == BIND_INT) {
		int w = snprintf(num, sizeof num, "%lld", (long long)v);
		put(st, i, num, (size_t)w);
	} else if (k == BIND_TEXT || k == BIND_BLOB) {
		put(st, i, p, len);
	}
	if (!st->prepared && (st->used & (1u << i)))
		st->types[i] = k == BIND_INT || k == BIND_NULL_INT ? OID_INT8 : k == BIND_BLOB ? OID_BYTEA : 0;
}

static void forget_prepared(struct store *s)
{
	for (int i = 0; i < STORE_CACHE_SLOTS; i++)
		if (s->cache[i])
			((struct pg_stmt *)s->cache[i])->prepared = 0;
}

/* Prepares (once per connection) and runs the statement with its values. */
static int execute(struct store *s, struct pg_stmt *st)
{
	PGconn *c = conn_of(s);
	const char *vals[STMT_MAX_PARAMS];
	for (int i = 0; i < st->nparams; i++)
		vals[i] = st->isset[i] ? st->vals[i] : NULL;
	for (int attempt = 0;; attempt++) {
		if (!st->prepared) {
			PGresult *p = PQprepare(c, st->name, st->base.sql, st->nparams, st->types);
			int rc = result_rc(s, p, st->base.sql);
			PQclear(p);
			if (rc == AJ_OK)
				st->prepared = 1;
			else if (PQstatus(c) != CONNECTION_BAD)
				return rc;
		}
		if (st->prepared) {
			st->res = PQexecPrepared(c, st->name, st->nparams, vals, st->lens, st->fmts, 0);
			if (PQstatus(c) != CONNECTION_BAD)
				break;
			PQclear(st->res);
			st->res = NULL;
		}
		/* the server went away: outside a transaction nothing is lost by trying once more on a
		 * new connection, inside one the transaction is gone */
		if (attempt > 0 || s->in_tx || s->reading)
			return AJ_ESTORE;
		log_warn("store: connection to PostgreSQL lost; reconnecting");
		PQreset(c);
		forget_prepared(s);
		if (PQstatus(c) != CONNECTION_OK ||
		    run(s, "SET client_encoding = 'UTF8'; SET TimeZone = 'UTC'") != AJ_OK)
			return AJ_ESTORE;
	}
	int rc = result_rc(s, st->res, st->base.sql);
	if (rc != AJ_OK) {
		PQclear(st->res);
		st->res = NULL;
		return rc;
	}
	const char *tag = PQcmdStatus(st->res);
	if (strncmp(tag, "INSERT", 6) == 0 || strncmp(tag, "UPDATE", 6) == 0 || strncmp(tag, "DELETE", 6) == 0)
		((struct pg_store *)s)->changes = strtoll(PQcmdTuples(st->res), NULL, 10);
	st->rows = PQntuples(st->res);
	st->row = -1;
	return AJ_OK;
}

static int pg_step(struct stmt *base)
{
	struct pg_stmt *st = (struct pg_stmt *)base;
	if (!st->res) {
		int rc = execute(base->s, st);
		if (rc != AJ_OK)
			return rc;
	}
	clear_row(st);
	if (st->row + 1 >= st->rows) {
		st->row = st->rows;
		return STORE_DONE;
	}
	st->row++;
	return STORE_ROW;
}

static int on_row(struct pg_stmt *st, int col)
{
	return st->res && st->row >= 0 && st->row < st->rows && col >= 0 && col < PQnfields(st->res);
}

static int pg_null(struct stmt *base, int col)
{
	struct pg_stmt *st = (struct pg_stmt *)base;
	return !on_row(st, col) || PQgetisnull(st->res, st->row, col);
}

static int64_t pg_int(struct stmt *base, int col)
{
	struct pg_stmt *st = (struct pg_stmt *)base;
	if (pg_null(base, col))
		return 0;
	const char *v = PQgetvalue(st->res, st->row, col);
	if (v[0] == 't' && !v[1]) /* a boolean: 1 and 0, as SQLite gives */
		return 1;
	if (v[0] == 'f' && !v[1])
		return 0;
	return strtoll(v, NULL, 10); /* a numeric's fraction is cut off, as SQLite's integer of a real */
}

/* The current row's bytea column col, decoded once. */
static int decode(struct pg_stmt *st, int col)
{
	if (st->blob_col == col)
		return 1;
	clear_row(st);
	st->blob = PQunescapeBytea((const unsigned char *)PQgetvalue(st->res, st->row, col), &st->blob_len);
	if (!st->blob)
		return 0;
	st->blob_col = col;
	return 1;
}

static int is_bytea(struct pg_stmt *st, int col)
{
	return PQftype(st->res, col) == OID_BYTEA;
}

static const char *pg_text(struct stmt *base, int col)
{
	struct pg_stmt *st = (struct pg_stmt *)base;
	if (pg_null(base, col))
		return NULL;
	if (is_bytea(st, col))
		return decode(st, col) ? (const char *)st->blob : NULL;
	const char *v = PQgetvalue(st->res, st->row, col);
	if (PQftype(st->res, col) == OID_BOOL)
		return v[0] == 't' ? "1" : "0";
	return v;
}

static const void *pg_blob(struct stmt *base, int col)
{
	struct pg_stmt *st = (struct pg_stmt *)base;
	if (pg_null(base, col))
		return NULL;
	if (is_bytea(st, col))
		return decode(st, col) ? st->blob : NULL;
	return PQgetvalue(st->res, st->row, col);
}

static size_t pg_bytes(struct stmt *base, int col)
{
	struct pg_stmt *st = (struct pg_stmt *)base;
	if (pg_null(base, col))
		return 0;
	if (is_bytea(st, col))
		return decode(st, col) ? st->blob_len : 0;
	return (size_t)PQgetlength(st->res, st->row, col);
}

static int64_t pg_changes(struct store *s)
{
	return ((struct pg_store *)s)->changes;
}

static int pg_tx(struct store *s, enum tx_op op)
{
	switch (op) {
	case TX_BEGIN: return run(s, "BEGIN");
	case TX_COMMIT: return run(s, "COMMIT");
	case TX_ROLLBACK:
		if (PQtransactionStatus(conn_of(s)) != PQTRANS_IDLE)
			run(s, "ROLLBACK");
		return AJ_OK;
	case TX_SAVEPOINT: return run(s, "SAVEPOINT nested");
	case TX_RELEASE: return run(s, "RELEASE SAVEPOINT nested");
	case TX_ROLLBACK_TO:
		run(s, "ROLLBACK TO SAVEPOINT nested");
		run(s, "RELEASE SAVEPOINT nested");
		return AJ_OK;
	case TX_READ_BEGIN: return run(s, "BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY");
	case TX_READ_END:
		if (PQtransactionStatus(conn_of(s)) != PQTRANS_IDLE)
			run(s, "COMMIT");
		return AJ_OK;
	}
	return AJ_EINVAL;
}

/* ---- the schema files, written in SQLite's words for types, said in PostgreSQL's ---- */

static int word_at(const char *p, const char *start, const char *w)
{
	size_t n = strlen(w);
	if (strncasecmp(p, w, n) != 0)
		return 0;
	int before = p > start && (p[-1] == '_' || (p[-1] >= 'a' && p[-1] <= 'z') ||
				   (p[-1] >= 'A' && p[-1] <= 'Z') || (p[-1] >= '0' && p[-1] <= '9'));
	char a = p[n];
	int after = a == '_' || (a >= 'a' && a <= 'z') || (a >= 'A' && a <= 'Z') || (a >= '0' && a <= '9');
	return !before && !after;
}

/* Rewrites a migration for PostgreSQL: INTEGER is BIGINT (times, money and ids all fit 64 bits),
 * "INTEGER PRIMARY KEY [AUTOINCREMENT]" an identity column, BLOB bytea, REAL double precision,
 * WITHOUT ROWID dropped; comments go, quoted text stays as it is. */
static char *translate(const char *sql)
{
	static const struct { const char *from, *to; } words[] = {
		{"INTEGER PRIMARY KEY AUTOINCREMENT", "BIGINT GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY"},
		{"INTEGER PRIMARY KEY", "BIGINT GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY"},
		{"INTEGER", "BIGINT"},
		{"BLOB", "BYTEA"},
		{"REAL", "DOUBLE PRECISION"},
		{"WITHOUT ROWID", ""},
	};
	struct strbuf b;
	strbuf_init(&b, strlen(sql) * 2 + 64);
	for (const char *p = sql; *p;) {
		if (*p == '\'') {
			const char *q = p + 1;
			while (*q && !(*q == '\'' && q[1] != '\''))
				q += (*q == '\'' && q[1] == '\'') ? 2 : 1;
			if (*q)
				q++;
			strbuf_add(&b, p, (size_t)(q - p));
			p = q;
			continue;
		}
		if (p[0] == '-' && p[1] == '-') {
			while (*p && *p != '\n')
				p++;
			continue;
		}
		size_t i;
		for (i = 0; i < ARRAY_LEN(words); i++)
			if (word_at(p, sql, words[i].from))
				break;
		if (i < ARRAY_LEN(words)) {
			strbuf_adds(&b, words[i].to);
			p += strlen(words[i].from);
		} else {
			strbuf_addc(&b, *p);
			p++;
		}
	}
	return strbuf_detach(&b, NULL);
}

static int pg_script(struct store *s, const char *sql)
{
	char *t = translate(sql);
	PGresult *res = PQexec(conn_of(s), t);
	int rc = result_rc(s, res, "migration");
	if (rc != AJ_OK && rc != AJ_ESTORE)
		log_error("store: migration: %s", PQresultErrorMessage(res));
	PQclear(res);
	free(t);
	return rc == AJ_OK ? AJ_OK : AJ_ESTORE;
}

static int pg_has_table(struct store *s, const char *name)
{
	int64_t n = 0;
	struct stmt *st = store_sql(s, "SELECT count(*) FROM pg_catalog.pg_tables"
				       " WHERE schemaname = current_schema() AND tablename = $1");
	stmt_bind_text(st, 1, name);
	int rc = stmt_one_int(st, &n);
	return rc != AJ_OK ? rc : n > 0;
}

/* Nothing to fold: PostgreSQL's log is its own business (its checkpoints, its vacuum). */
static int pg_checkpoint(struct store *s)
{
	(void)s;
	return AJ_OK;
}

/* One 64-bit advisory lock key: what in the top 16 bits, the id (below 2^48) beneath. */
static int64_t lock_key(int what, int64_t id)
{
	return (int64_t)((uint64_t)what << 48 | ((uint64_t)id & 0xffffffffffffULL));
}

static int pg_lock(struct store *s, int what, int64_t id)
{
	struct stmt *st = store_sql(s, "SELECT pg_advisory_xact_lock($1)");
	stmt_bind_int(st, 1, lock_key(what, id));
	return stmt_exec(st);
}

static int pg_hold(struct store *s, int what, int on)
{
	int64_t got = 0;
	struct stmt *st = on ? store_sql(s, "SELECT pg_try_advisory_lock($1)") : store_sql(s, "SELECT pg_advisory_unlock($1)");
	stmt_bind_int(st, 1, lock_key(what, 0));
	int rc = stmt_one_int(st, &got);
	return rc ? rc : on && !got ? AJ_EBUSY : AJ_OK;
}

/* The generation is a sequence: moved after each commit, outside any transaction, and never
 * waited for; a node reading it before it makes an answer it keeps sees every write committed
 * before. */
static int pg_own_schema(struct store *s)
{
	return run(s, "CREATE SEQUENCE IF NOT EXISTS anjia_generation");
}

static uint64_t pg_generation(struct store *s)
{
	int64_t g = 0;
	if (s->in_tx || s->reading ||
	    stmt_one_int(store_sql(s, "SELECT last_value + CASE WHEN is_called THEN 1 ELSE 0 END FROM anjia_generation"),
			 &g) != AJ_OK)
		return UINT64_MAX;
	return (uint64_t)g;
}

static void pg_committed(struct store *s)
{
	int64_t g = 0;
	stmt_one_int(store_sql(s, "SELECT nextval('anjia_generation')"), &g);
}

static int pg_copy_begin(struct store *s, const char *copy)
{
	PGresult *res = PQexec(conn_of(s), copy);
	int ok = PQresultStatus(res) == PGRES_COPY_IN;
	if (!ok)
		log_error("store: %s: %s", copy, PQresultErrorMessage(res));
	PQclear(res);
	return ok ? AJ_OK : AJ_ESTORE;
}

static int pg_copy_row(struct store *s, const char *line, size_t len)
{
	return PQputCopyData(conn_of(s), line, (int)len) == 1 ? AJ_OK : AJ_ESTORE;
}

static int pg_copy_end(struct store *s, const char *table, int ok, int64_t last_id)
{
	PGconn *c = conn_of(s);
	int rc = PQputCopyEnd(c, ok ? NULL : "abandoned") == 1 ? AJ_OK : AJ_ESTORE;
	PGresult *res;
	while ((res = PQgetResult(c)) != NULL) {
		if (rc == AJ_OK && PQresultStatus(res) != PGRES_COMMAND_OK) {
			log_error("store: copying %s: %s", table, PQresultErrorMessage(res));
			rc = AJ_ESTORE;
		}
		PQclear(res);
	}
	if (rc != AJ_OK || !ok)
		return rc;
	/* an identity id goes on after the highest copied */
	int64_t identity = 0;
	struct stmt *st = store_sql(s, "SELECT count(*) FROM information_schema.columns WHERE table_schema = current_schema()"
				       " AND table_name = $1 AND column_name = 'id' AND is_identity = 'YES'");
	stmt_bind_text(st, 1, table);
	if ((rc = stmt_one_int(st, &identity)) != AJ_OK || !identity)
		return rc;
	st = store_sql(s, "SELECT setval(pg_get_serial_sequence($1, 'id'), $2)");
	stmt_bind_text(st, 1, table);
	stmt_bind_int(st, 2, last_id > 0 ? last_id : 1);
	return stmt_exec(st);
}

static const struct engine pg = {
	.kind = "postgresql",
	.close = pg_close,
	.prepare = pg_prepare,
	.finalize = pg_finalize,
	.bind = pg_bind,
	.step = pg_step,
	.col_int = pg_int,
	.col_text = pg_text,
	.col_blob = pg_blob,
	.col_bytes = pg_bytes,
	.col_null = pg_null,
	.reset = pg_reset,
	.changes = pg_changes,
	.tx = pg_tx,
	.script = pg_script,
	.has_table = pg_has_table,
	.checkpoint = pg_checkpoint,
	.lock = pg_lock,
	.hold = pg_hold,
	.generation = pg_generation,
	.committed = pg_committed,
	.own_schema = pg_own_schema,
	.copy_begin = pg_copy_begin,
	.copy_row = pg_copy_row,
	.copy_end = pg_copy_end,
};
