/* req.h — one HTTP request as every layer above the transport sees it: what came in, who sent it,
 * and the response being built. The transport (server.c, or the in-process test harness) fills
 * the input side and sends the output side in finish(). Everything here is freed by req_free. */
#ifndef REQ_H
#define REQ_H

#include <jansson.h>
#include <stdint.h>

#include "../anjia.h"
#include "../auth/caps.h"
#include "../auth/session.h"
#include "../util/json_out.h"
#include "../util/strbuf.h"

struct app;
struct store;
struct route;

enum http_method {
	M_GET = 1 << 0,
	M_HEAD = 1 << 1,
	M_POST = 1 << 2,
	M_PATCH = 1 << 3,
	M_DELETE = 1 << 4,
	M_PUT = 1 << 5,
	M_OPTIONS = 1 << 6,
	M_OTHER = 1 << 7,
};

enum lang { LANG_ZH = 0, LANG_EN = 1 };


#define REQ_MAX_PARAMS 4
#define REQ_MAX_QUERY 24
#define REQ_MAX_OUT_HEADERS 24

struct qparam {
	char *name;    /* decoded, owned */
	char *value;   /* decoded, owned */
};

struct req {
	/* ---- input, set by the transport ---- */
	enum http_method method;
	const char *method_name;
	char *path;                    /* raw path, owned */
	char *query;                   /* raw query string or NULL, owned */
	const char *body;              /* not owned; valid until finish */
	size_t body_len;
	char peer[64];                 /* client address */
	int secure;                    /* reached over https (directly or via a trusted proxy) */
	const char *(*header)(struct req *r, const char *name);
	void *io;                      /* the transport's own request */
	/* runs fn(r) on the thread that owns the request (after work on the pool) */
	void (*resume)(struct req *r, void (*fn)(struct req *r));
	/* sends the response and frees the request */
	void (*finish)(struct req *r);
	int64_t started_us;

	/* ---- context, set by the router ---- */
	struct app *app;
	struct store *store;           /* this thread's connection */
	enum lang lang;
	const struct route *route;
	struct principal user;
	int64_t id[REQ_MAX_PARAMS];    /* numeric path parameters, in order */
	char *param[REQ_MAX_PARAMS];   /* string path parameters, decoded, owned */
	int n_id, n_param;
	struct qparam q[REQ_MAX_QUERY];
	int nq;
	json_t *json;                  /* the validated body object, or NULL */

	/* ---- output ---- */
	int status;
	const char *content_type;
	struct {
		const char *name;
		const char *value;
		int owned;             /* value is freed with the request */
	} out_headers[REQ_MAX_OUT_HEADERS];
	int n_out;
	struct strbuf out;
	const char *out_ref;           /* a body of static lifetime sent instead of out (web files) */
	size_t out_ref_len;
	struct jw jw;
	int replied;
	int deferred;
	uint64_t cache_generation;     /* the store's generation before the answer was made (cache.c) */

	/* ---- deferred work ---- */
	void (*work_fn)(struct req *r, struct store *s);
	void (*done_fn)(struct req *r);
	void *work;                    /* the handler's state across the hand-off */
	void (*work_free)(void *);     /* frees work with the request */
	void *owner;                   /* the transport's per-thread state */
	void (*resume_fn)(struct req *r); /* the transport's scratch for resume() */
};

/* Allocates a request; the transport fills the input side. */
struct req *req_new(void);
void req_free(struct req *r);

/* Starts a JSON body in r->out and returns its writer. */
struct jw *req_jw(struct req *r);
/* Sends what was written (or an empty body) with status. */
void req_send(struct req *r, int status);
/* Sends the JSON error envelope; message in the request's language; field may be NULL. */
void req_error(struct req *r, int status, const char *code, const char *field);
/* 429 with code and Retry-After: retry_after seconds (at least one). */
void req_too_many(struct req *r, int64_t retry_after, const char *code);
/* The envelope with more to say: "detail" inside the error (may be NULL), and room for members
 * beside "error" (such as "reasons") written to the returned writer before req_error_close. */
struct jw *req_error_open(struct req *r, int status, const char *code, const char *field, const char *detail);
void req_error_close(struct req *r);
/* Maps an anjia_err to its status and generic code. */
void req_fail(struct req *r, int err);
/* Like req_fail, with the code and field a domain function gave, when it gave one. */
void req_fault(struct req *r, int err, const struct fault *f);
/* Adds a response header; value is copied. */
void req_header_out(struct req *r, const char *name, const char *value);
/* Adds a response header whose name and value live as long as the program. */
void req_header_static(struct req *r, const char *name, const char *value);
/* The value of a response header already added, or NULL. */
const char *req_header_get_out(struct req *r, const char *name);

/* A page of a list: page from 1, per_page at most 100 (default 20). */
struct page {
	int64_t page, per_page, offset;
};
struct page req_page(struct req *r);
/* Starts {"items":[ … ; the caller writes the items, then req_list_end closes the envelope. */
struct jw *req_list_begin(struct req *r);
void req_list_end(struct req *r, const struct page *pg, int64_t total);

/* Declared query parameters, already checked by the router. */
const char *req_qstr(struct req *r, const char *name);
int64_t req_qint(struct req *r, const char *name, int64_t dflt);

/* Body fields, already checked by the router. */
const char *req_str(struct req *r, const char *name);   /* NULL when absent or null */
int req_has(struct req *r, const char *name);
int64_t req_int(struct req *r, const char *name, int64_t dflt);
int req_bool(struct req *r, const char *name, int dflt);
/* 1 when the body's string member is absent or only white space. */
int req_blank(struct req *r, const char *name);
/* The body's array of strings member as JSON this program wrote ("[]" when absent); free() it. */
char *req_strings_json(struct req *r, const char *name);

/* Runs work(r) on the worker pool with a connection of its own, then done(r) back on the
 * request's own thread. The handler returns at once after calling it. */
void req_defer(struct req *r, void (*work)(struct req *r, struct store *s), void (*done)(struct req *r));

/* The actor for the audit record of a write made by this request. */
struct actor req_actor(struct req *r);

/* Reads a cookie from the request; copies at most n-1 bytes; 0 or -1 when absent. */
int req_cookie(struct req *r, const char *name, char *out, size_t n);

/* Microseconds on a monotonic clock. */
int64_t now_usec(void);

#endif
