/* tx.h — a write transaction's parts, for the store's own files (store_write, the migrations, the
 * copy between engines) and the tests that set up a database: every other write runs on
 * store_write (store.h), and tools/lint keeps it so. */
#ifndef STORE_TX_H
#define STORE_TX_H

struct store;

/* BEGIN IMMEDIATE, so writers queue at the start, never midway. Inside an open transaction,
 * begin/commit/rollback work on a savepoint: the inner work can be undone alone, and nothing is
 * durable before the outer commit. */
int store_begin(struct store *s);
/* Commits, or rolls back and returns the error when the commit fails. */
int store_commit(struct store *s);
void store_rollback(struct store *s);

#endif
