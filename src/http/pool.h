/* pool.h — the worker pool where slow work runs (Argon2id, audit verification, later reports and
 * exports), each thread with its own store connection, so event loops never block on it. */
#ifndef POOL_H
#define POOL_H

struct pool;
struct req;

/* Starts n threads, each opening db_path, with room for queue_max requests waiting for a thread
 * (0: no bound). n == 0 gives an inline pool that runs work at once on the request's own
 * connection (the in-process tests use it). NULL if a connection fails. */
struct pool *pool_new(int n, int queue_max, const char *db_path);
/* Runs the work already queued, then stops the threads and closes their connections. */
void pool_free(struct pool *p);
/* Queues r: r->work_fn(r, store) on a pool thread, then r->resume(r, after) on r's own thread.
 * 0, or AJ_EBUSY when queue_max requests are waiting already (then nothing runs and r is the
 * caller's to answer). */
int pool_submit(struct pool *p, struct req *r, void (*after)(struct req *r));

#endif
