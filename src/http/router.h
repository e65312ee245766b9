/* router.h — dispatch: match the route table, then every check that can run before a handler
 * (body size, authentication, capability, CSRF, query and body schemas), then the handler. */
#ifndef ROUTER_H
#define ROUTER_H

#include <stddef.h>

#include "../auth/caps.h"
#include "req.h"
#include "schema.h"

#define ROUTE_MAX_SEGS 8
#define BODY_DEFAULT_MAX (1u << 20)
/* What a route that takes no body, or a path that matches no route, accepts: room for {} */
#define BODY_NONE_MAX 1024u

struct route {
	unsigned methods;
	const char *pattern;
	void (*handler)(struct req *r);
	caps_t need;
	size_t body_max;
	const struct schema *body;
	const struct schema *query;
	/* compiled by router_init */
	int nseg;
	const char *seg[ROUTE_MAX_SEGS];
	size_t seglen[ROUTE_MAX_SEGS];
	unsigned char kind[ROUTE_MAX_SEGS];  /* 0 literal, 1 integer, 2 string */
};

/* Compiles the route table once; safe to call more than once. */
void router_init(void);
/* The table, for documentation checks in tests. */
const struct route *router_routes(size_t *n);
/* The largest body any route accepts. */
size_t router_body_max(void);
/* The body limit of the route that method (an http_method bit) and path (no query) match, or
 * BODY_NONE_MAX when none does; the transport refuses a larger declared length unread. */
size_t router_body_limit(unsigned method, const char *path);

/* Handles r to completion (or hands it to the pool, which completes it later). */
void router_dispatch(struct req *r);
/* Finishes a request: security headers, the access line, then r->finish(r). */
void router_complete(struct req *r);
/* Answers a request the transport refused before reading its body (400 malformed, 411 no
 * length, 413 too large, 431 headers too large) and completes it; the connection then closes. */
void router_refuse(struct req *r, int status);
/* Pool continuation: runs the handler's done_fn, then completes. */
void router_after_work(struct req *r);

/* Matches method and path; returns the route, or NULL with *path_known set when the path exists
 * under other methods (then *allowed holds them). Parameters are stored into r. */
const struct route *router_match(struct req *r, const char *path, int *path_known, unsigned *allowed);

/* The handlers and schemas the table names. */
#define NEED(c) CAP_BIT(CAP_##c)
#define ROUTE(m, p, h, c, l, b, q) void h(struct req *r); extern const struct schema b, q;
#include "routes.def"
#undef ROUTE

#endif
