/* engine.h — what an engine under store.h provides (sqlite.c, postgres.c); seen only inside
 * src/store/. store.c keeps what both share: the statement cache, transaction depth, the
 * generation of what was committed, and the dispatch from the public API to the engine. */
#ifndef STORE_ENGINE_H
#define STORE_ENGINE_H

#include <stddef.h>
#include <stdint.h>

#include "store.h"
#include "tx.h"

#define STMT_MAX_PARAMS 32
#define STORE_CACHE_SLOTS 1024 /* a power of two, well above the number of statements in the program */

enum tx_op {
	TX_BEGIN,       /* the outer write transaction */
	TX_COMMIT,
	TX_ROLLBACK,
	TX_SAVEPOINT,   /* an inner one */
	TX_RELEASE,
	TX_ROLLBACK_TO, /* undoes the inner one and ends it */
	TX_READ_BEGIN,  /* a read of one moment, taking no write lock */
	TX_READ_END,
};

/* BIND_NULL_INT: a NULL in place of an integer (an optional reference), so typed where it matters */
enum bind_kind { BIND_NULL, BIND_NULL_INT, BIND_INT, BIND_TEXT, BIND_BLOB };

struct engine {
	const char *kind; /* what /api/health says */
	void (*close)(struct store *s);
	/* a statement for one SQL literal; NULL (logged) when it cannot be prepared */
	struct stmt *(*prepare)(struct store *s, const char *sql);
	void (*finalize)(struct stmt *st);
	/* binds $n; v (len bytes) is copied */
	void (*bind)(struct stmt *st, int n, enum bind_kind k, int64_t i, const void *v, size_t len);
	int (*step)(struct stmt *st);
	int64_t (*col_int)(struct stmt *st, int col);
	const char *(*col_text)(struct stmt *st, int col);
	const void *(*col_blob)(struct stmt *st, int col);
	size_t (*col_bytes)(struct stmt *st, int col);
	int (*col_null)(struct stmt *st, int col);
	/* resets the statement and clears its bindings */
	void (*reset)(struct stmt *st);
	int64_t (*changes)(struct store *s);
	int (*tx)(struct store *s, enum tx_op op);
	/* runs a migration's text: several statements in the engine's dialect of the schema files */
	int (*script)(struct store *s, const char *sql);
	/* 1 when a table of that name exists, 0 when not, or a negative error */
	int (*has_table)(struct store *s, const char *name);
	int (*checkpoint)(struct store *s);
	/* a lock held to the end of the open transaction (store_lock) */
	int (*lock)(struct store *s, int what, int64_t id);
	/* take (on = 1, AJ_EBUSY when another connection has it) or give back (on = 0) a lock the
	 * connection holds across transactions (store_hold) */
	int (*hold)(struct store *s, int what, int on);
	/* the generation every node shares, when the engine keeps one (NULL: this process's count) */
	uint64_t (*generation)(struct store *s);
	/* after a commit that moves the generation */
	void (*committed)(struct store *s);
	/* in store_migrate's first transaction: what the engine itself keeps in the database */
	int (*own_schema)(struct store *s);
	/* rows written in bulk by the statement copy ("COPY table (columns) FROM STDIN", made by
	 * copy.c): each row a line of COPY's text form; copy_end finishes (ok 0 abandons) and, when
	 * table's id is an identity column, moves its counter to last_id. NULL where the engine takes
	 * no bulk copy (SQLite: a copy comes from it, not to it). */
	int (*copy_begin)(struct store *s, const char *copy);
	int (*copy_row)(struct store *s, const char *line, size_t len);
	int (*copy_end)(struct store *s, const char *table, int ok, int64_t last_id);
};

/* The part of every connection store.c owns; each engine's connection begins with it. */
struct store {
	const struct engine *eng;
	int in_tx;   /* transaction depth: 1 the outer write transaction, more are savepoints */
	int quiet;   /* the open transaction changes nothing a public answer shows */
	int reading; /* read transactions open (store_read_begin), the outer one real */
	int retry;   /* set by the engine: the open transaction met a conflict that another try may not */
	struct stmt *cache[STORE_CACHE_SLOTS];
};

/* The part of every statement store.c owns; each engine's statement begins with it. */
struct stmt {
	struct store *s;
	const char *sql; /* the literal, also the cache key */
	int busy;        /* stepped and not yet finished */
};

int sqlite_open(const char *path, struct store **out);
int sqlite_backup(const char *src_path, const char *dst_path);
int postgres_open(const char *url, struct store **out);

/* Reads the "$n" placeholders of sql (outside quotes and comments): the highest n, or -1 when one
 * is not $1..$STMT_MAX_PARAMS; bit n-1 of *used (when not NULL) set for each n that appears. */
int sql_placeholders(const char *sql, uint32_t *used);

#endif
