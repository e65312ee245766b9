/* cache.c — per event loop, a small direct-mapped table; no locks, since each loop thread has its
 * own. */
#include "cache.h"

#include <stdlib.h>
#include <string.h>

#include "../anjia.h"
#include "../app.h"
#include "../store/store.h"
#include "../util/strbuf.h"
#include "req.h"
#include "router.h"

#define SLOTS 256
#define MAX_BODY (256 * 1024)

struct slot {
	char *key;             /* language, then path?query */
	char *body;
	size_t len;
	const char *cache_control; /* the handler's static header value */
	uint64_t generation;   /* the store's write count when kept */
	int64_t expires_us;
};

static _Thread_local struct slot slots[SLOTS];

/* Whether r carries a session: a bearer token or a session cookie. Other cookies (the sign-in
 * throttle's device cookie, which every browser that once signed in keeps) make no one known. */
static int has_session(struct req *r)
{
	char v[256];
	if (r->header(r, "Authorization"))
		return 1;
	/* a value too long for v is no session token: answered as anyone is */
	return req_cookie(r, SESSION_COOKIE, v, sizeof v) == 0 || req_cookie(r, SESSION_COOKIE_SECURE, v, sizeof v) == 0;
}

/* Whether r may be answered from (and kept in) the cache: an anonymous GET of a public route. */
static int eligible(struct req *r)
{
	return r->app && r->app->public_cache_ms > 0 && r->method == M_GET && r->route &&
	       r->route->need == CAPS_PUBLIC && !has_session(r);
}

/* FNV-1a over the key's parts. */
static unsigned hash(const char *a, const char *b, int lang)
{
	uint32_t h = 2166136261u ^ (uint32_t)lang;
	for (const char *p = a; *p; p++)
		h = (h ^ (unsigned char)*p) * 16777619u;
	h = (h ^ '?') * 16777619u;
	for (const char *p = b ? b : ""; *p; p++)
		h = (h ^ (unsigned char)*p) * 16777619u;
	return h % SLOTS;
}

static int same_key(const char *key, const struct req *r)
{
	size_t n = strlen(r->path);
	return key[0] == (char)('0' + r->lang) && strncmp(key + 1, r->path, n) == 0 && key[n + 1] == '?' &&
	       strcmp(key + n + 2, r->query ? r->query : "") == 0;
}

int cache_lookup(struct req *r)
{
	if (!eligible(r))
		return 0;
	struct slot *sl = &slots[hash(r->path, r->query, r->lang)];
	/* read before the answer is made: a write committed while it is made leaves it stale */
	r->cache_generation = store_generation(r->store);
	if (!sl->key || !same_key(sl->key, r) || sl->generation != r->cache_generation || now_usec() >= sl->expires_us)
		return 0;
	strbuf_reset(&r->out);
	strbuf_add(&r->out, sl->body, sl->len);
	r->content_type = "application/json; charset=utf-8";
	req_header_static(r, "Cache-Control", sl->cache_control);
	req_send(r, 200);
	return 1;
}

void cache_store(struct req *r)
{
	const char *cc = req_header_get_out(r, "Cache-Control");
	if (r->status != 200 || !cc || strncmp(cc, "public", 6) != 0 || r->out_ref || r->out.len > MAX_BODY ||
	    !eligible(r))
		return;
	struct slot *sl = &slots[hash(r->path, r->query, r->lang)];
	size_t np = strlen(r->path), nq = r->query ? strlen(r->query) : 0;
	free(sl->key);
	free(sl->body);
	sl->key = xmalloc(np + nq + 3);
	sl->key[0] = (char)('0' + r->lang);
	memcpy(sl->key + 1, r->path, np);
	sl->key[np + 1] = '?';
	memcpy(sl->key + np + 2, r->query ? r->query : "", nq);
	sl->key[np + nq + 2] = '\0';
	sl->body = xmalloc(r->out.len ? r->out.len : 1);
	memcpy(sl->body, r->out.buf, r->out.len);
	sl->len = r->out.len;
	sl->cache_control = cc;
	sl->generation = r->cache_generation;
	sl->expires_us = now_usec() + (int64_t)r->app->public_cache_ms * 1000;
}

void cache_clear(void)
{
	for (int i = 0; i < SLOTS; i++) {
		free(slots[i].key);
		free(slots[i].body);
		slots[i] = (struct slot){0};
	}
}
