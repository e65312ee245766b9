/* app.h — what the whole serving process shares: configuration, the static files, the worker pool. */
#ifndef APP_H
#define APP_H

#include <arpa/inet.h>
#include <stdatomic.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

struct web;
struct pool;

#define APP_MAX_PROXIES 8

/* A numeric address: IPv4 in 4 bytes (an IPv4-mapped IPv6 address counts as IPv4), IPv6 in 16. */
struct app_addr {
	int len;
	unsigned char bytes[16];
};

/* Parses a numeric IPv4 or IPv6 address into a; 0, or -1 when s is not one. */
static inline int app_addr_parse(const char *s, struct app_addr *a)
{
	static const unsigned char mapped[12] = {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff};
	memset(a, 0, sizeof *a);
	if (inet_pton(AF_INET, s, a->bytes) == 1) {
		a->len = 4;
		return 0;
	}
	if (inet_pton(AF_INET6, s, a->bytes) != 1)
		return -1;
	a->len = 16;
	if (memcmp(a->bytes, mapped, sizeof mapped) == 0) {
		memmove(a->bytes, a->bytes + 12, 4);
		memset(a->bytes + 4, 0, 12);
		a->len = 4;
	}
	return 0;
}

struct app {
	const char *db_path;
	struct web *web;          /* the files of web/, loaded at start */
	struct pool *pool;        /* slow work: password hashing, chain verification, reports */
	/* the reverse proxies in front: X-Forwarded-Proto and X-Real-IP are believed from these peers
	 * alone */
	struct app_addr proxies[APP_MAX_PROXIES];
	int n_proxies;
	size_t body_cap;          /* libevent's own cap on a body, above every route's limit */
	int request_deadline_secs; /* from a request's first byte to its body's last, at most this */
	int public_cache_ms;      /* how long an anonymous public answer may be served again (0: never) */
	atomic_int stopping;      /* set when a signal asked the server to stop */
	int64_t started_at;
};

#endif
