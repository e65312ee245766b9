/* app.h — what the whole serving process shares: configuration, the static files, the worker pool. */
#ifndef APP_H
#define APP_H

#include <stdatomic.h>
#include <stddef.h>
#include <stdint.h>

struct web;
struct pool;

struct app {
	const char *db_path;
	struct web *web;          /* the files of web/, loaded at start */
	struct pool *pool;        /* slow work: password hashing, chain verification, reports */
	int trust_proxy;          /* believe X-Forwarded-Proto and X-Real-IP from the proxy in front */
	size_t body_cap;          /* the transport refuses bodies above this before any route sees them */
	int public_cache_ms;      /* how long an anonymous public answer may be served again (0: never) */
	atomic_int stopping;      /* set when a signal asked the server to stop */
	int64_t started_at;
};

#endif
