/* router.c — the one place where requests are checked before a handler runs (after Redis's
 * processCommand and Fossil's login_check_credentials prologue): route, size, authentication,
 * capability, CSRF and origin, query and body schemas. Handlers never repeat these checks. */
#include "router.h"

#include <event2/http.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "../app.h"
#include "../auth/session.h"
#include "../util/clock.h"
#include "../util/log.h"
#include "cache.h"
#include "static.h"

#define JSON_MAX_DEPTH 32

static struct route routes[] = {
#define ROUTE(m, p, h, c, l, b, q) {m, p, h, c, l, &b, &q, 0, {0}, {0}, {0}},
#include "routes.def"
#undef ROUTE
};

static pthread_once_t init_once = PTHREAD_ONCE_INIT;

static void compile(void)
{
	for (size_t i = 0; i < ARRAY_LEN(routes); i++) {
		struct route *rt = &routes[i];
		const char *p = rt->pattern;
		if (rt->body_max == 0)
			rt->body_max = BODY_DEFAULT_MAX;
		while (*p == '/' && rt->nseg < ROUTE_MAX_SEGS) {
			const char *start = ++p;
			while (*p && *p != '/')
				p++;
			size_t len = (size_t)(p - start);
			int k = rt->nseg++;
			rt->seg[k] = start;
			rt->seglen[k] = len;
			rt->kind[k] = 0;
			if (len > 2 && start[0] == '{' && start[len - 1] == '}') {
				int numeric = (len == 4 && memcmp(start, "{id}", 4) == 0) ||
					      (len > 5 && memcmp(start + len - 4, "_id}", 4) == 0);
				rt->kind[k] = numeric ? 1 : 2;
			}
		}
	}
}

void router_init(void)
{
	pthread_once(&init_once, compile);
}

const struct route *router_routes(size_t *n)
{
	router_init();
	*n = ARRAY_LEN(routes);
	return routes;
}

size_t router_body_max(void)
{
	size_t max = 0;
	router_init();
	for (size_t i = 0; i < ARRAY_LEN(routes); i++)
		if (routes[i].body_max > max)
			max = routes[i].body_max;
	return max;
}

/* ---- matching ---- */

struct seg {
	const char *p;
	size_t len;
};

/* Splits an absolute path into segments; -1 when there are too many. */
static int split(const char *path, struct seg *segs)
{
	int n = 0;
	const char *p = path;
	while (*p == '/') {
		if (n == ROUTE_MAX_SEGS)
			return -1;
		const char *start = ++p;
		while (*p && *p != '/')
			p++;
		segs[n].p = start;
		segs[n].len = (size_t)(p - start);
		n++;
	}
	return *p ? -1 : n;
}

static int is_id(const struct seg *s, int64_t *v)
{
	if (s->len == 0 || s->len > 18 || s->p[0] == '0')
		return 0;
	int64_t x = 0;
	for (size_t i = 0; i < s->len; i++) {
		if (s->p[i] < '0' || s->p[i] > '9')
			return 0;
		x = x * 10 + (s->p[i] - '0');
	}
	*v = x;
	return 1;
}

static int seg_matches(const struct route *rt, const struct seg *segs, int n)
{
	int64_t v;
	if (rt->nseg != n)
		return 0;
	for (int k = 0; k < n; k++) {
		switch (rt->kind[k]) {
		case 0:
			if (rt->seglen[k] != segs[k].len || memcmp(rt->seg[k], segs[k].p, segs[k].len) != 0)
				return 0;
			break;
		case 1:
			if (!is_id(&segs[k], &v))
				return 0;
			break;
		default:
			if (segs[k].len == 0 || segs[k].len > 256)
				return 0;
		}
	}
	return 1;
}

/* The route for method m and segs, or NULL with *path_known and *allowed as router_match says. */
static const struct route *find(unsigned m, const struct seg *segs, int n, int *path_known, unsigned *allowed)
{
	for (size_t i = 0; i < ARRAY_LEN(routes); i++) {
		const struct route *rt = &routes[i];
		if (!seg_matches(rt, segs, n))
			continue;
		if (!(rt->methods & m)) {
			*path_known = 1;
			*allowed |= rt->methods;
			continue;
		}
		return rt;
	}
	return NULL;
}

const struct route *router_match(struct req *r, const char *path, int *path_known, unsigned *allowed)
{
	struct seg segs[ROUTE_MAX_SEGS];
	*path_known = 0;
	*allowed = 0;
	int n = split(path, segs);
	if (n < 0)
		return NULL;
	const struct route *rt = find(r->method == M_HEAD ? M_GET : r->method, segs, n, path_known, allowed);
	for (int k = 0; rt && k < n; k++) {
		if (rt->kind[k] == 1 && r->n_id < REQ_MAX_PARAMS)
			is_id(&segs[k], &r->id[r->n_id++]);
		else if (rt->kind[k] == 2 && r->n_param < REQ_MAX_PARAMS)
			r->param[r->n_param++] = xstrndup(segs[k].p, segs[k].len);
	}
	return rt;
}

/* A route that takes no body accepts blank space or {} and no more. */
static size_t route_body_limit(const struct route *rt)
{
	return rt->body == &schema_none ? BODY_NONE_MAX : rt->body_max;
}

size_t router_body_limit(unsigned method, const char *path)
{
	struct seg segs[ROUTE_MAX_SEGS];
	int known = 0;
	unsigned allowed = 0;
	router_init();
	int n = strncmp(path, "/api/", 5) == 0 ? split(path, segs) : -1;
	const struct route *rt = n < 0 ? NULL : find(method, segs, n, &known, &allowed);
	return rt ? route_body_limit(rt) : BODY_NONE_MAX;
}

/* ---- the checks ---- */

static enum lang pick_lang(const char *accept)
{
	while (accept && (*accept == ' ' || *accept == '\t'))
		accept++;
	return accept && strncasecmp(accept, "en", 2) == 0 ? LANG_EN : LANG_ZH;
}

static int hexval(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

/* Percent-decodes s in place ('+' is a space in a query); -1 on a bad escape or a NUL. */
static int url_decode(char *s, int plus)
{
	char *w = s;
	for (const char *p = s; *p; p++) {
		if (*p == '%') {
			int hi = hexval(p[1]), lo = hi < 0 ? -1 : hexval(p[2]);
			if (hi < 0 || lo < 0 || (hi == 0 && lo == 0))
				return -1;
			*w++ = (char)(hi * 16 + lo);
			p += 2;
		} else if (*p == '+' && plus) {
			*w++ = ' ';
		} else {
			*w++ = *p;
		}
	}
	*w = '\0';
	return 0;
}

/* Splits and decodes the query string into r->q; -1 when it is malformed or too long. */
static int parse_query(struct req *r)
{
	if (!r->query || !*r->query)
		return 0;
	char *copy = xstrdup(r->query), *save = NULL;
	int rc = 0;
	for (char *part = strtok_r(copy, "&", &save); part; part = strtok_r(NULL, "&", &save)) {
		if (r->nq == REQ_MAX_QUERY) {
			rc = -1;
			break;
		}
		char *eq = strchr(part, '=');
		char *name = xstrndup(part, eq ? (size_t)(eq - part) : strlen(part));
		char *value = xstrdup(eq ? eq + 1 : "");
		r->q[r->nq].name = name;
		r->q[r->nq].value = value;
		r->nq++;
		if (url_decode(name, 1) || url_decode(value, 1) || !*name) {
			rc = -1;
			break;
		}
	}
	free(copy);
	return rc;
}

/* Whether the request comes from a page of this same site, by Sec-Fetch-Site or else Origin. */
static int same_origin(struct req *r)
{
	const char *sfs = r->header(r, "Sec-Fetch-Site");
	if (sfs)
		return strcmp(sfs, "same-origin") == 0;
	const char *origin = r->header(r, "Origin");
	const char *host = r->header(r, "Host");
	if (!origin || !host)
		return 0;
	const char *scheme = r->secure ? "https://" : "http://";
	size_t sl = strlen(scheme);
	return strncmp(origin, scheme, sl) == 0 && strcmp(origin + sl, host) == 0;
}

/* Whether a browser says the request comes from another site (no headers: not a browser). */
static int cross_site(struct req *r)
{
	const char *sfs = r->header(r, "Sec-Fetch-Site");
	if (sfs && strcmp(sfs, "same-origin") != 0 && strcmp(sfs, "none") != 0)
		return 1;
	if (r->header(r, "Origin"))
		return !same_origin(r);
	return 0;
}

/* Reads the bearer token or the session cookie and looks the session up. */
static int authenticate(struct req *r)
{
	char token[TOKEN_LEN + 8];
	int via_cookie = 0;
	const char *auth = r->header(r, "Authorization");
	if (auth) {
		if (strncasecmp(auth, "Bearer ", 7) != 0)
			return AJ_ENOTFOUND;
		const char *t = auth + 7;
		while (*t == ' ')
			t++;
		if (str_copy(token, sizeof token, t))
			return AJ_ENOTFOUND;
	} else if (req_cookie(r, SESSION_COOKIE_SECURE, token, sizeof token) == 0 ||
		   /* over https only the __Host- cookie counts: one without the prefix may have been
		    * planted by a sibling subdomain or over plain http */
		   (!r->secure && req_cookie(r, SESSION_COOKIE, token, sizeof token) == 0)) {
		via_cookie = 1;
	} else {
		return AJ_OK;
	}
	if (strlen(token) != TOKEN_LEN - 1)
		return AJ_ENOTFOUND;
	int rc = session_lookup(r->store, token, clock_now(), &r->user);
	if (rc == AJ_OK)
		r->user.via_cookie = via_cookie;
	else
		memset(&r->user, 0, sizeof r->user);
	return rc;
}

/* Nesting depth of JSON text, counted outside strings; -1 beyond max. */
static int json_depth_ok(const char *s, size_t n, int max)
{
	int depth = 0, in_str = 0;
	for (size_t i = 0; i < n; i++) {
		char c = s[i];
		if (in_str) {
			if (c == '\\')
				i++;
			else if (c == '"')
				in_str = 0;
		} else if (c == '"') {
			in_str = 1;
		} else if (c == '{' || c == '[') {
			if (++depth > max)
				return 0;
		} else if (c == '}' || c == ']') {
			depth--;
		}
	}
	return 1;
}

static int is_blank_body(const char *s, size_t n)
{
	size_t i = 0, j = n;
	while (i < j && (s[i] == ' ' || s[i] == '\n' || s[i] == '\r' || s[i] == '\t'))
		i++;
	while (j > i && (s[j - 1] == ' ' || s[j - 1] == '\n' || s[j - 1] == '\r' || s[j - 1] == '\t'))
		j--;
	if (i == j)
		return 1;
	if (s[i] != '{' || s[j - 1] != '}')
		return 0;
	for (size_t k = i + 1; k < j - 1; k++)
		if (s[k] != ' ' && s[k] != '\n' && s[k] != '\r' && s[k] != '\t')
			return 0;
	return 1;
}

static int json_content_type(const char *ct)
{
	if (!ct || strncasecmp(ct, "application/json", 16) != 0)
		return 0;
	ct += 16;
	while (*ct == ' ')
		ct++;
	return *ct == '\0' || *ct == ';';
}

/* Parses and checks the body against the route's schema; replies and returns -1 on failure. */
static int check_body(struct req *r, const struct route *rt)
{
	if (rt->body == &schema_none) {
		if (r->body_len && !is_blank_body(r->body, r->body_len)) {
			req_error(r, 400, "unexpected_body", NULL);
			return -1;
		}
		return 0;
	}
	if (!json_content_type(r->header(r, "Content-Type"))) {
		req_error(r, 415, "unsupported_media_type", NULL);
		return -1;
	}
	if (!json_depth_ok(r->body, r->body_len, JSON_MAX_DEPTH)) {
		req_error(r, 400, "json_too_deep", NULL);
		return -1;
	}
	json_error_t jerr;
	r->json = json_loadb(r->body ? r->body : "", r->body_len, JSON_REJECT_DUPLICATES | JSON_DECODE_ANY, &jerr);
	if (!r->json) {
		req_error(r, 400, "invalid_json", NULL);
		return -1;
	}
	struct schema_err e;
	if (schema_check_body(rt->body, r->json, &e)) {
		req_error(r, 400, e.code, e.field);
		return -1;
	}
	return 0;
}

static void reply_405(struct req *r, unsigned allowed)
{
	static const struct {
		unsigned m;
		const char *name;
	} names[] = {{M_GET, "GET, HEAD"}, {M_POST, "POST"}, {M_PATCH, "PATCH"}, {M_DELETE, "DELETE"}};
	char allow[64] = "";
	for (size_t i = 0; i < ARRAY_LEN(names); i++) {
		if (!(allowed & names[i].m))
			continue;
		if (allow[0])
			strncat(allow, ", ", sizeof allow - strlen(allow) - 1);
		strncat(allow, names[i].name, sizeof allow - strlen(allow) - 1);
	}
	req_header_out(r, "Allow", allow);
	req_error(r, 405, "method_not_allowed", NULL);
}

static void dispatch_api(struct req *r)
{
	int known;
	unsigned allowed;
	const struct route *rt = router_match(r, r->path, &known, &allowed);
	if (!rt) {
		if (known)
			reply_405(r, allowed);
		else
			req_error(r, 404, "not_found", NULL);
		return;
	}
	r->route = rt;
	for (int i = 0; i < r->n_param; i++) {
		if (url_decode(r->param[i], 0) || utf8_chars(r->param[i], strlen(r->param[i]), 0) < 0) {
			req_error(r, 400, "invalid_path", NULL);
			return;
		}
	}
	if (r->body_len > route_body_limit(rt)) {
		req_error(r, 413, "payload_too_large", NULL);
		return;
	}

	int rc = authenticate(r);
	if (rt->need != CAPS_PUBLIC) {
		if (rc == AJ_EBUSY || rc == AJ_ESTORE) {
			req_fail(r, rc);
			return;
		}
		if (!r->user.user_id) {
			req_error(r, 401, "unauthenticated", NULL);
			return;
		}
		if (!caps_allow(r->user.caps, rt->need)) {
			req_error(r, 403, "forbidden", NULL);
			return;
		}
	}
	/* CSRF: a write carried by the session cookie must prove it comes from our own pages. A bearer
	 * token is never sent by a browser on its own, so it needs no such proof. */
	int unsafe = r->method != M_GET && r->method != M_HEAD;
	if (unsafe && r->user.user_id && r->user.via_cookie) {
		const char *tok = r->header(r, "X-CSRF-Token");
		const char *code = !same_origin(r) ? "cross_origin"
				 : (!tok || !str_equal_ct(tok, r->user.csrf)) ? "csrf_failed" : NULL;
		if (code && rt->need != CAPS_PUBLIC) {
			req_error(r, 403, code, NULL);
			return;
		}
		/* a public write (signing in) does not use the session: it goes on without it */
		if (code)
			memset(&r->user, 0, sizeof r->user);
	}
	if (unsafe && !r->user.user_id && cross_site(r)) {
		req_error(r, 403, "cross_origin", NULL);
		return;
	}

	struct schema_err e;
	if (parse_query(r)) {
		req_error(r, 400, "invalid_parameter", NULL);
		return;
	}
	if (schema_check_query(rt->query, r->q, r->nq, &e)) {
		req_error(r, 400, e.code, e.field);
		return;
	}
	if (check_body(r, rt))
		return;
	if (cache_lookup(r))
		return;
	rt->handler(r);
	if (!r->deferred)
		cache_store(r);
}

void router_dispatch(struct req *r)
{
	router_init();
	r->lang = pick_lang(r->header(r, "Accept-Language"));
	if (atomic_load(&r->app->stopping) && strncmp(r->path, "/api/", 5) == 0) {
		req_header_static(r, "Retry-After", "5");
		req_header_static(r, "Connection", "close");
		req_error(r, 503, "shutting_down", NULL);
	} else if (strncmp(r->path, "/api/", 5) == 0 || strcmp(r->path, "/api") == 0) {
		dispatch_api(r);
		if (r->deferred)
			return;
	} else {
		static_serve(r);
	}
	router_complete(r);
}

void router_refuse(struct req *r, int status)
{
	static const struct {
		int status;
		const char *code;
	} refusals[] = {{400, "bad_request"}, {411, "length_required"}, {413, "payload_too_large"},
			{431, "headers_too_large"}};
	size_t i = 0;
	while (i + 1 < ARRAY_LEN(refusals) && refusals[i].status != status)
		i++;
	if (refusals[i].status != status)
		i = 0;
	router_init();
	r->lang = pick_lang(r->header(r, "Accept-Language"));
	/* the rest of what the client sent was never read: the connection cannot go on */
	req_header_static(r, "Connection", "close");
	req_error(r, refusals[i].status, refusals[i].code, NULL);
	router_complete(r);
}

void router_after_work(struct req *r)
{
	r->deferred = 0;
	if (r->done_fn)
		r->done_fn(r);
	router_complete(r);
}

/* Headers every response carries; the API's policy forbids everything, the pages' allows only
 * this origin's scripts, styles and data. */
static const char csp_api[] = "default-src 'none'; frame-ancestors 'none'";
static const char csp_page[] =
	"default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
	"connect-src 'self'; font-src 'self'; object-src 'none'; base-uri 'none'; "
	"form-action 'self'; frame-ancestors 'none'";

void router_complete(struct req *r)
{
	if (!r->replied) {
		log_error("handler for %s sent no response", r->route ? r->route->pattern : r->path);
		req_error(r, 500, "internal_error", NULL);
	}
	int api = strncmp(r->path, "/api", 4) == 0;
	req_header_static(r, "Content-Security-Policy", api ? csp_api : csp_page);
	req_header_static(r, "X-Content-Type-Options", "nosniff");
	req_header_static(r, "X-Frame-Options", "DENY");
	req_header_static(r, "Referrer-Policy", "no-referrer");
	req_header_static(r, "Cross-Origin-Opener-Policy", "same-origin");
	req_header_static(r, "Cross-Origin-Resource-Policy", "same-origin");
	req_header_static(r, "Permissions-Policy", "camera=(self), microphone=(), geolocation=(), payment=()");
	if (r->secure)
		req_header_static(r, "Strict-Transport-Security", "max-age=31536000");
	if (!req_header_get_out(r, "Cache-Control"))
		req_header_static(r, "Cache-Control", "no-store");
	if (!r->content_type)
		r->content_type = "application/json; charset=utf-8";
	log_access(r->peer, r->method_name ? r->method_name : "?", r->path ? r->path : "", r->status,
		   (unsigned long)(r->out_ref ? r->out_ref_len : r->out.len),
		   (long)(now_usec() - r->started_us), (long long)r->user.user_id);
	r->finish(r);
}
