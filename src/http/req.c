/* req.c — building responses and reading declared input; the router has checked the input
 * before any handler reads it, so the getters only convert. */
#include "req.h"

#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include "../app.h"
#include "errors.h"
#include "pool.h"
#include "router.h"
#include "schema.h"

#define RESPONSE_MAX (64u << 20)

int64_t now_usec(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000000 + ts.tv_nsec / 1000;
}

struct req *req_new(void)
{
	struct req *r = xcalloc(1, sizeof *r);
	strbuf_init(&r->out, RESPONSE_MAX);
	r->status = 0;
	return r;
}

void req_free(struct req *r)
{
	if (!r)
		return;
	free(r->path);
	free(r->query);
	for (int i = 0; i < r->n_param; i++)
		free(r->param[i]);
	for (int i = 0; i < r->nq; i++) {
		free(r->q[i].name);
		free(r->q[i].value);
	}
	for (int i = 0; i < r->n_out; i++)
		if (r->out_headers[i].owned)
			free((char *)r->out_headers[i].value);
	if (r->json)
		json_decref(r->json);
	if (r->work && r->work_free)
		r->work_free(r->work);
	strbuf_free(&r->out);
	free(r);
}

struct jw *req_jw(struct req *r)
{
	strbuf_reset(&r->out);
	jw_init(&r->jw, &r->out);
	r->content_type = "application/json; charset=utf-8";
	return &r->jw;
}

void req_send(struct req *r, int status)
{
	if (r->out.failed) {
		/* the response outgrew its maximum: say so rather than send half of it */
		req_error(r, 503, "internal_error", NULL);
		return;
	}
	r->status = status;
	r->replied = 1;
}

struct jw *req_error_open(struct req *r, int status, const char *code, const char *field, const char *detail)
{
	struct jw *w = req_jw(r);
	jw_obj(w);
	jw_key(w, "error");
	jw_obj(w);
	jw_kstr(w, "code", code);
	jw_kstr(w, "message", error_message(code, r->lang));
	if (field)
		jw_kstr(w, "field", field);
	if (detail)
		jw_kstr(w, "detail", detail);
	jw_obj_end(w);
	r->status = status;
	r->replied = 1;
	return w;
}

void req_error_close(struct req *r)
{
	jw_obj_end(&r->jw);
}

void req_too_many(struct req *r, int64_t retry_after, const char *code)
{
	char ra[24];
	snprintf(ra, sizeof ra, "%lld", (long long)(retry_after > 0 ? retry_after : 1));
	req_header_out(r, "Retry-After", ra);
	req_error(r, 429, code, NULL);
}

void req_error(struct req *r, int status, const char *code, const char *field)
{
	req_error_open(r, status, code, field, NULL);
	req_error_close(r);
}

void req_fail(struct req *r, int err)
{
	switch (err) {
	case AJ_EINVAL: req_error(r, 400, "invalid_value", NULL); break;
	case AJ_ENOTFOUND: req_error(r, 404, "not_found", NULL); break;
	case AJ_ECONFLICT: req_error(r, 409, "conflict", NULL); break;
	case AJ_ERULE: req_error(r, 422, "invalid_value", NULL); break;
	case AJ_EDENIED: req_error(r, 403, "forbidden", NULL); break;
	case AJ_ELIMIT: req_error(r, 429, "too_many_requests", NULL); break;
	case AJ_EGONE: req_error(r, 410, "destroyed", NULL); break;
	case AJ_EBUSY:
		req_header_static(r, "Retry-After", "2");
		req_error(r, 503, "store_busy", NULL);
		break;
	default:
		req_header_static(r, "Retry-After", "5");
		req_error(r, 503, "store_unavailable", NULL);
		break;
	}
}

static void add_header(struct req *r, const char *name, const char *value, int owned)
{
	if (r->n_out >= REQ_MAX_OUT_HEADERS) {
		if (owned)
			free((char *)value);
		return;
	}
	r->out_headers[r->n_out].name = name;
	r->out_headers[r->n_out].value = value;
	r->out_headers[r->n_out].owned = owned;
	r->n_out++;
}

void req_header_out(struct req *r, const char *name, const char *value)
{
	add_header(r, name, xstrdup(value), 1);
}

void req_header_static(struct req *r, const char *name, const char *value)
{
	add_header(r, name, value, 0);
}

const char *req_header_get_out(struct req *r, const char *name)
{
	for (int i = 0; i < r->n_out; i++)
		if (strcasecmp(r->out_headers[i].name, name) == 0)
			return r->out_headers[i].value;
	return NULL;
}

const char *req_qstr(struct req *r, const char *name)
{
	for (int i = 0; i < r->nq; i++)
		if (strcmp(r->q[i].name, name) == 0)
			return r->q[i].value;
	return NULL;
}

int64_t req_qint(struct req *r, const char *name, int64_t dflt)
{
	int64_t v;
	const char *s = req_qstr(r, name);
	return s && parse_int64(s, &v) == 0 ? v : dflt;
}

const char *req_str(struct req *r, const char *name)
{
	json_t *v = r->json ? json_object_get(r->json, name) : NULL;
	return json_is_string(v) ? json_string_value(v) : NULL;
}

int req_has(struct req *r, const char *name)
{
	return r->json && json_object_get(r->json, name) != NULL;
}

int64_t req_int(struct req *r, const char *name, int64_t dflt)
{
	json_t *v = r->json ? json_object_get(r->json, name) : NULL;
	return json_is_integer(v) ? json_integer_value(v) : dflt;
}

int req_blank(struct req *r, const char *name)
{
	const char *s = req_str(r, name);
	return !s || !s[strspn(s, " \t\r\n")];
}

char *req_strings_json(struct req *r, const char *name)
{
	json_t *a = r->json ? json_object_get(r->json, name) : NULL;
	struct strbuf sb;
	struct jw w;
	strbuf_init(&sb, 1 << 20);
	jw_init(&w, &sb);
	jw_arr(&w);
	for (size_t i = 0; json_is_array(a) && i < json_array_size(a); i++)
		jw_str(&w, json_string_value(json_array_get(a, i)));
	jw_arr_end(&w);
	return strbuf_detach(&sb, NULL);
}

int req_bool(struct req *r, const char *name, int dflt)
{
	json_t *v = r->json ? json_object_get(r->json, name) : NULL;
	return json_is_boolean(v) ? json_is_true(v) : dflt;
}

/* When the pool's queue is full neither work nor done runs: r is answered 503 server_busy. */
void req_defer(struct req *r, void (*work)(struct req *r, struct store *s), void (*done)(struct req *r))
{
	r->deferred = 1;
	r->work_fn = work;
	r->done_fn = done;
	if (pool_submit(r->app->pool, r, router_after_work) == 0)
		return;
	/* the queue is full: say so now rather than keep the client waiting behind it */
	r->deferred = 0;
	req_header_static(r, "Retry-After", "1");
	req_error(r, 503, "server_busy", NULL);
}

struct actor req_actor(struct req *r)
{
	struct actor a = {r->user.user_id, r->user.org_id, r->user.user_id ? r->user.login : "anonymous"};
	return a;
}

int req_cookie(struct req *r, const char *name, char *out, size_t n)
{
	const char *h = r->header(r, "Cookie");
	size_t nl = strlen(name);
	while (h && *h) {
		while (*h == ' ' || *h == ';')
			h++;
		const char *end = strchr(h, ';');
		size_t len = end ? (size_t)(end - h) : strlen(h);
		if (len > nl && strncmp(h, name, nl) == 0 && h[nl] == '=') {
			size_t vl = len - nl - 1;
			if (vl >= n)
				return -1;
			memcpy(out, h + nl + 1, vl);
			out[vl] = '\0';
			return 0;
		}
		h = end;
	}
	return -1;
}

static int status_of(int err)
{
	switch (err) {
	case AJ_EINVAL: return 400;
	case AJ_ENOTFOUND: return 404;
	case AJ_ECONFLICT: return 409;
	case AJ_ERULE: return 422;
	case AJ_EDENIED: return 403;
	case AJ_ELIMIT: return 429;
	case AJ_EGONE: return 410;
	default: return 503;
	}
}

void req_fault(struct req *r, int err, const struct fault *f)
{
	if (f && f->code && err != AJ_EBUSY && err != AJ_ESTORE)
		req_error(r, status_of(err), f->code, f->field);
	else
		req_fail(r, err);
}

struct page req_page(struct req *r)
{
	struct page pg;
	pg.page = req_qint(r, "page", 1);
	pg.per_page = req_qint(r, "per_page", 20);
	if (pg.page < 1)
		pg.page = 1;
	if (pg.per_page < 1 || pg.per_page > 100)
		pg.per_page = 20;
	pg.offset = (pg.page - 1) * pg.per_page;
	return pg;
}

struct jw *req_list_begin(struct req *r)
{
	struct jw *w = req_jw(r);
	jw_obj(w);
	jw_key(w, "items");
	jw_arr(w);
	return w;
}

void req_list_end(struct req *r, const struct page *pg, int64_t total)
{
	struct jw *w = &r->jw;
	jw_arr_end(w);
	jw_kint(w, "page", pg->page);
	jw_kint(w, "per_page", pg->per_page);
	jw_kint(w, "total", total);
	jw_obj_end(w);
}

