/* store.h — the one narrow API every module uses to reach the database, on SQLite (a file path)
 * or PostgreSQL (a postgresql:// or postgres:// URL); nothing above src/store/ knows which.
 * SQL is written once, in the module that owns the table, as a string literal in the subset
 * SQLite and PostgreSQL both run, with $1, $2 … placeholders; values are only ever bound.
 * A connection belongs to one thread (one per event loop, one per worker thread). */
#ifndef STORE_H
#define STORE_H

#include <stddef.h>
#include <stdint.h>

struct store;
struct stmt;

enum { STORE_DONE = 0, STORE_ROW = 1 };

/* Opens the database at path: a SQLite file (created if need be) or a PostgreSQL URL; *out is
 * freed with store_close. */
int store_open(const char *path, struct store **out);
/* Closes, reporting statements left unfinished. NULL is ignored. */
void store_close(struct store *s);
/* 1 when path names a database server (a URL) rather than a file: files that belong beside the
 * database (the key file) then go in the working directory unless named. */
int store_is_server(const char *path);
/* path as logs and messages may show it: a URL without its password. Returns out. */
const char *store_name(const char *path, char *out, size_t n);
/* "sqlite" or "postgresql" */
const char *store_kind(const struct store *s);

/* Applies every migration not yet applied, each in its own transaction; *applied counts them. */
int store_migrate(struct store *s, int *applied);
/* The newest schema version applied (0 for an empty database). */
int store_schema_version(struct store *s);

/* The one way a write runs: begin, body(s, arg) — its checks, its changes and its audit record —,
 * then commit; or, when body returns an error, roll back all of it and return that error. On
 * PostgreSQL a serialisation failure or deadlock met inside body rolls back and runs body again from
 * the start (up to STORE_WRITE_TRIES times), so body sets every output it has afresh and does
 * nothing outside the transaction. Inside an open transaction body runs in a savepoint, once. */
#define STORE_WRITE_TRIES 5
/* What a body returns when it leaves nothing to keep (a job's pass with nothing due, a dry run, a
 * file refused after every row was tried): all of it is rolled back and store_write returns AJ_OK,
 * the outputs the body set standing. */
#define STORE_WRITE_NOTHING 1
int store_write(struct store *s, int (*body)(struct store *s, void *arg), void *arg);

/* A count of the write transactions committed: a cache of anything read from the store is current
 * while it has not moved. On SQLite this process's (one process serves a database); on PostgreSQL
 * every node's, read from the database (UINT64_MAX, matching nothing kept, when it cannot be). */
uint64_t store_generation(struct store *s);
/* Copies the write-ahead log into the database and empties it, so that the page images it held
 * (values since replaced or erased) are gone from it too; outside a transaction. AJ_EBUSY when a
 * reader holds it. */
int store_checkpoint(struct store *s);
/* Marks the open write transaction as changing nothing any public answer shows (a log of who read
 * what), so its commit leaves store_generation — and the public answers kept — as they are. */
void store_keep_generation(struct store *s);
int store_in_tx(const struct store *s);

/* What a lock serialises: decisions read then written that two transactions must not make at
 * once on PostgreSQL, where writers run side by side. */
enum store_lock {
	STORE_LOCK_MIGRATIONS = 1, /* applying the schema (id 0) */
	STORE_LOCK_WORKER,         /* a worker's hours: a booking's overlap check and its insert */
	/* (3 was the audit head's, now the lock on its row: every node of one database must mean one
	 * thing by each number) */
	STORE_LOCK_JOBS = 4,       /* one deadline job at a time across nodes (id 0) */
};
/* Inside a write transaction: waits until no other transaction holds the lock on (what, id), and
 * holds it until commit or rollback. SQLite's writers already run one at a time: there it returns
 * at once. */
int store_lock(struct store *s, enum store_lock what, int64_t id);
/* Holds the lock on (what, 0) for this connection, across transactions (whether one is open or
 * not), until store_release, or returns AJ_EBUSY at once when another connection (another node)
 * holds it. For work one node at a time does whole (the deadline job); on SQLite it is always
 * taken. */
int store_hold(struct store *s, enum store_lock what);
void store_release(struct store *s, enum store_lock what);
/* Reads of several statements that must see one moment of the database (a chain and its head,
 * while the server appends): a read transaction, which takes no lock and waits for no writer; no
 * write may begin on s before store_read_end. Inside a write transaction both do nothing. */
int store_read_begin(struct store *s);
void store_read_end(struct store *s);

/* A cached prepared statement for a string-literal SQL text; the macro refuses anything
 * that is not a literal at compile time. NULL on failure: every stmt_* call accepts NULL and
 * stmt_step then reports AJ_ESTORE. */
#define store_sql(s, sql) store_prepare_((s), "" sql "")
struct stmt *store_prepare_(struct store *s, const char *sql);

/* Binding by placeholder number: stmt_bind_int(st, 1, v) binds $1. Text and blobs are copied. */
void stmt_bind_int(struct stmt *st, int n, int64_t v);
void stmt_bind_text(struct stmt *st, int n, const char *v); /* NULL binds NULL */
void stmt_bind_textn(struct stmt *st, int n, const char *v, size_t len);
void stmt_bind_blob(struct stmt *st, int n, const void *v, size_t len);
void stmt_bind_null(struct stmt *st, int n);
/* Binds v, or NULL when v == 0 (optional references). */
void stmt_bind_id(struct stmt *st, int n, int64_t v);

/* STORE_ROW, STORE_DONE, or a negative anjia_err (AJ_ECONFLICT for a uniqueness violation,
 * AJ_EINVAL for another constraint, AJ_EBUSY, AJ_ESTORE). */
int stmt_step(struct stmt *st);
int64_t stmt_int(struct stmt *st, int col);
/* Column text; NULL for SQL NULL. Valid until the next step or stmt_done. */
const char *stmt_text(struct stmt *st, int col);
const void *stmt_blob(struct stmt *st, int col);
size_t stmt_bytes(struct stmt *st, int col);
int stmt_is_null(struct stmt *st, int col);
/* Finishes a use of the statement: resets it and clears its bindings. Always call it. */
void stmt_done(struct stmt *st);
/* Steps to the end and finishes; 0 or a negative anjia_err. */
int stmt_exec(struct stmt *st);
/* Inside a write transaction: the next id of a table whose rows need their id before they are
 * written ("complaints", "certificates": the counters of row_ids), taken for this transaction
 * alone. */
int store_next_id(struct store *s, const char *table, int64_t *id);
/* Rows changed by the last INSERT, UPDATE or DELETE on this connection. */
int64_t store_changes(struct store *s);
/* Runs a single-row, single-integer query; AJ_ENOTFOUND when there is no row. */
int stmt_one_int(struct stmt *st, int64_t *out);
/* Reads the first column of at most max rows into out, *n of them, and finishes st; 0 or a
 * negative error. */
int stmt_ints(struct stmt *st, int64_t *out, int max, int *n);

/* Writes "%q%" into out, lower case, with %, _ and \ in q escaped, for "lower(column) LIKE $n ESCAPE '\'"; an empty
 * string when q is NULL (so "$n = ''" tests for no filter). */
void store_like_pattern(const char *q, char *out, size_t n);

/* What store_copy moved. */
struct store_copy_report {
	int tables;
	int64_t rows;
};
/* Copies every row of src (a SQLite database) into dst (a PostgreSQL one, migrated to the same
 * version), as one moment of src saw them, in one transaction of dst that first empties its tables;
 * checks each table's rows on both sides. Nothing is written to dst unless all of it is. */
int store_copy(struct store *src, struct store *dst, struct store_copy_report *rep);

/* A consistent copy of the database at src_path into dst_path, taken while others write. */
int store_backup(const char *src_path, const char *dst_path);

#endif
