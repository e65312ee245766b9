/* server.c — libevent glue. Each loop thread owns an event base, an evhttp, a listener on the
 * shared socket and a store connection; a request never leaves its loop except to visit the
 * worker pool, whose reply is posted back with event_base_once. Each connection's input is
 * watched before evhttp parses it, so that a request is refused by its declared length, unread,
 * and must arrive within the request deadline. */
#include "server.h"

#include <errno.h>
#include <event2/buffer.h>
#include <event2/bufferevent.h>
#include <event2/event.h>
#include <event2/http.h>
#include <event2/keyvalq_struct.h>
#include <event2/listener.h>
#include <event2/thread.h>
#include <fcntl.h>
#include <netdb.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <unistd.h>

#include "../app.h"
#include "../store/store.h"
#include "../util/log.h"
#include "cache.h"
#include "router.h"

struct loop {
	pthread_t tid;
	struct app *app;
	struct event_base *base;
	struct evhttp *http;
	struct evconnlistener *lis;
	struct store *store;
	int in_flight;            /* requests received and not yet answered, pool work included */
	int unsent;               /* answered, but not yet written out to the client */
	struct event *drain;
	int64_t drain_deadline;
	int64_t idle_since;       /* when in_flight last reached zero during a stop */
	struct event *reenable;
	size_t header_max;        /* bytes of request line and headers */
	struct timeval deadline;  /* a request's first byte to its last */
	char *head;               /* a copy of the head being checked: header_max bytes */
	struct evbuffer *spare;   /* for moving bytes about within a connection's input */
	int refusals;             /* refused heads handed to evhttp and not yet answered */
	struct lingerer *lingering;/* refused connections still being drained */
};

static struct loop *loops;
static int n_loops;
static _Thread_local struct loop *this_loop;

/* The path of a request target: up to its query or fragment. */
static size_t target_path_len(const char *uri, size_t n)
{
	const char *q = memchr(uri, '?', n);
	size_t plen = q ? (size_t)(q - uri) : n;
	const char *hash = memchr(uri, '#', plen);
	return hash ? (size_t)(hash - uri) : plen;
}

/* ---- one request ---- */

static const char *ev_header(struct req *r, const char *name)
{
	return evhttp_find_header(evhttp_request_get_input_headers(r->io), name);
}

static void free_body(const void *data, size_t len, void *extra)
{
	(void)len;
	(void)extra;
	free((void *)data);
}

static void on_sent(struct evhttp_request *er, void *arg)
{
	(void)er;
	struct loop *L = arg;
	L->unsent--;
}

static void ev_finish(struct req *r)
{
	struct evhttp_request *er = r->io;
	struct loop *L = r->owner;
	struct evkeyvalq *oh = evhttp_request_get_output_headers(er);
	evhttp_add_header(oh, "Content-Type", r->content_type);
	for (int i = 0; i < r->n_out; i++)
		evhttp_add_header(oh, r->out_headers[i].name, r->out_headers[i].value);
	struct evbuffer *ob = evhttp_request_get_output_buffer(er);
	if (r->method == M_HEAD) {
		/* the length of what a GET would send, and not one byte of it */
		char len[24];
		snprintf(len, sizeof len, "%zu", r->out_ref ? r->out_ref_len : r->out.len);
		evhttp_add_header(oh, "Content-Length", len);
	} else if (r->out_ref) {
		evbuffer_add_reference(ob, r->out_ref, r->out_ref_len, NULL, NULL);
	} else if (r->out.len) {
		size_t n;
		char *p = strbuf_detach(&r->out, &n);
		evbuffer_add_reference(ob, p, n, free_body, NULL);
	}
	evhttp_request_set_on_complete_cb(er, on_sent, L);
	L->unsent++;
	evhttp_send_reply(er, r->status, NULL, NULL);
	L->in_flight--;
	req_free(r);
}

static void resume_cb(evutil_socket_t fd, short what, void *arg)
{
	(void)fd;
	(void)what;
	struct req *r = arg;
	r->resume_fn(r);
}

/* Called from a pool thread: posts fn(r) to the request's own loop. */
static void ev_resume(struct req *r, void (*fn)(struct req *r))
{
	struct loop *L = r->owner;
	static const struct timeval now = {0, 0};
	r->resume_fn = fn;
	if (event_base_once(L->base, -1, EV_TIMEOUT, resume_cb, r, &now) != 0) {
		log_error("server: cannot post work back to its loop");
		abort();
	}
}

static enum http_method method_of(enum evhttp_cmd_type t, const char **name)
{
	switch (t) {
	case EVHTTP_REQ_GET: *name = "GET"; return M_GET;
	case EVHTTP_REQ_HEAD: *name = "HEAD"; return M_HEAD;
	case EVHTTP_REQ_POST: *name = "POST"; return M_POST;
	case EVHTTP_REQ_PATCH: *name = "PATCH"; return M_PATCH;
	case EVHTTP_REQ_DELETE: *name = "DELETE"; return M_DELETE;
	case EVHTTP_REQ_PUT: *name = "PUT"; return M_PUT;
	case EVHTTP_REQ_OPTIONS: *name = "OPTIONS"; return M_OPTIONS;
	case EVHTTP_REQ_TRACE: *name = "TRACE"; return M_OTHER;
	case EVHTTP_REQ_CONNECT: *name = "CONNECT"; return M_OTHER;
	default: *name = "OTHER"; return M_OTHER;
	}
}

/* Whether peer (a numeric address) is one of the reverse proxies whose headers are believed. */
static int peer_is_proxy(const struct app *app, const char *peer)
{
	struct app_addr a;
	if (!app->n_proxies || !peer || app_addr_parse(peer, &a) != 0)
		return 0;
	for (int i = 0; i < app->n_proxies; i++)
		if (app->proxies[i].len == a.len && memcmp(app->proxies[i].bytes, a.bytes, (size_t)a.len) == 0)
			return 1;
	return 0;
}

#define REFUSAL_HEADER "Anjia-Refusal"

static void on_request(struct evhttp_request *er, void *arg)
{
	struct loop *L = arg;
	struct req *r = req_new();
	r->started_us = now_usec();
	r->io = er;
	r->owner = L;
	r->app = L->app;
	r->store = L->store;
	r->header = ev_header;
	r->finish = ev_finish;
	r->resume = ev_resume;
	r->method = method_of(evhttp_request_get_command(er), &r->method_name);

	const char *uri = evhttp_request_get_uri(er);
	size_t ulen = strlen(uri), plen = target_path_len(uri, ulen);
	const char *q = memchr(uri, '?', ulen);
	r->path = xstrndup(uri, plen);
	if (q) {
		const char *qh = strchr(q + 1, '#');
		r->query = xstrndup(q + 1, qh ? (size_t)(qh - q - 1) : strlen(q + 1));
	}

	char *addr = NULL;
	ev_uint16_t port = 0;
	evhttp_connection_get_peer(evhttp_request_get_connection(er), &addr, &port);
	str_copy(r->peer, sizeof r->peer, addr ? addr : "-");
	/* the forwarded headers are believed from the proxy in front alone: anyone else could send them */
	if (peer_is_proxy(L->app, addr)) {
		const char *real = ev_header(r, "X-Real-IP");
		const char *proto = ev_header(r, "X-Forwarded-Proto");
		if (real)
			str_copy(r->peer, sizeof r->peer, real);
		r->secure = proto && strcasecmp(proto, "https") == 0;
	}

	struct evbuffer *in = evhttp_request_get_input_buffer(er);
	r->body_len = evbuffer_get_length(in);
	r->body = r->body_len ? (const char *)evbuffer_pullup(in, -1) : NULL;

	L->in_flight++;
	const char *refusal = L->refusals ? ev_header(r, REFUSAL_HEADER) : NULL;
	if (refusal) {
		/* a head the connection's watch refused (see conn_refuse) */
		int status = (int)strtol(refusal, NULL, 10);
		L->refusals--;
		if (status == 400 || status == 431) {
			/* what was sent could not be kept: the line in its place says nothing */
			r->method_name = "-";
			free(r->path);
			r->path = xstrdup("-");
		}
		router_refuse(r, status);
		return;
	}
	router_dispatch(r);
}

/* ---- each connection: a request's head is checked before evhttp reads its body ----
 *
 * libevent 2.1 has no hook between a request's headers and its body, so each connection's input
 * buffer is watched: its callback runs after every read from the socket, before evhttp parses what
 * was read. A head is kept from evhttp until all of it has arrived, then checked: its declared
 * length against the limit of the route it is for, Transfer-Encoding (refused), and its form. A
 * head that passes is handed over unchanged and its body of Content-Length bytes follows it. One
 * that fails is replaced by a short head that carries the refusal (REFUSAL_HEADER), which
 * on_request answers in JSON; nothing after it is ever passed on, and the connection closes after
 * the answer. The same watch keeps the request deadline. */

enum conn_mode { CONN_HEAD, CONN_BODY, CONN_REFUSED };

struct conn {
	struct bufferevent *bev;
	struct loop *loop;
	enum conn_mode mode;
	uint64_t body_left;       /* CONN_BODY: bytes of the current body still to come */
	struct evbuffer *held;    /* the start of a head whose end has not arrived yet */
	size_t line;              /* where in the held head its first unfinished line starts */
	int in_request;           /* a request's first byte has come and its last has not */
	int started;              /* a request began in this read */
	int busy;                 /* our own changes to the input come back to its callback */
	struct event *deadline;   /* armed while in_request, past the read it began in */
	int armed;
};

/* What the transport reads of a head; pointers into the loop's copy of it. */
struct head {
	const char *line;         /* the request line, without its end of line */
	size_t line_len;
	const char *headers;      /* the header lines after it */
	const char *end;          /* the end of the head */
	unsigned method;          /* an http_method bit, M_OTHER for the rest */
	int may_have_body;        /* evhttp reads a body for this method */
	char *target;             /* the request target as evhttp takes it */
	size_t target_len;
	int has_length, encoded;  /* Content-Length given; Transfer-Encoding given */
	uint64_t length;          /* saturates */
};

/* The end of the line starting at p (at most to end), without its CR; *next is the next line. */
static const char *line_end(const char *p, const char *end, const char **next)
{
	const char *nl = memchr(p, '\n', (size_t)(end - p));
	const char *e = nl ? nl : end;
	*next = nl ? nl + 1 : end;
	return e > p && e[-1] == '\r' ? e - 1 : e;
}

static int is_tchar(unsigned char c)
{
	return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
	       (c && strchr("!#$%&'*+-.^_`|~", c));
}

static int name_is(const char *p, size_t n, const char *name)
{
	return strlen(name) == n && strncasecmp(p, name, n) == 0;
}

static int is_digits(const char *p, const char *e)
{
	if (p == e)
		return 0;
	for (; p < e; p++)
		if (*p < '0' || *p > '9')
			return 0;
	return 1;
}

/* Whether [v, e) is HTTP/major.minor, as evhttp's reading of the version wants it. */
static int is_version(const char *v, const char *e)
{
	if (e - v < 8 || memcmp(v, "HTTP/", 5) != 0)
		return 0;
	const char *dot = memchr(v + 5, '.', (size_t)(e - v - 5));
	return dot && is_digits(v + 5, dot) && is_digits(dot + 1, e);
}

/* Reads the head h[0..n) (ending in its empty line) the way evhttp will, and strictly: anything
 * evhttp might take otherwise than this reading (folded lines, a second Content-Length, a name
 * with spaces, CR or NUL inside a line) makes the head malformed. 0, or -1 when it is. */
static int head_parse(char *h, size_t n, struct head *hd)
{
	static const struct {
		const char *name;
		unsigned method;
		int body;
	} methods[] = {{"GET", M_GET, 1}, {"HEAD", M_HEAD, 0}, {"POST", M_POST, 1}, {"PATCH", M_PATCH, 1},
		       {"DELETE", M_DELETE, 1}, {"PUT", M_PUT, 1}, {"OPTIONS", M_OPTIONS, 1},
		       {"CONNECT", M_OTHER, 1}, {"TRACE", M_OTHER, 0}};
	const char *next, *p = h;
	memset(hd, 0, sizeof *hd);
	hd->end = h + n;
	for (; p < hd->end; p = next) {
		const char *e = line_end(p, hd->end, &next);
		if (memchr(p, '\r', (size_t)(e - p)) || memchr(p, '\0', (size_t)(e - p)))
			return -1;
		if (p == h) {
			/* the request line, split as evhttp splits it: method, target, version */
			while (e > p && e[-1] == ' ')
				e--;
			const char *sp = memchr(p, ' ', (size_t)(e - p));
			const char *ver = sp ? memrchr(sp + 1, ' ', (size_t)(e - sp - 1)) : NULL;
			if (e - p < 14 || !sp || sp == p || !ver || ver == sp + 1 || !is_version(ver + 1, e))
				return -1;
			hd->line = p;
			hd->line_len = (size_t)(e - p);
			hd->target = (char *)sp + 1;
			hd->target_len = (size_t)(ver - sp - 1);
			hd->headers = next;
			hd->method = M_OTHER;
			size_t ml = (size_t)(sp - p);
			for (size_t i = 0; i < ARRAY_LEN(methods); i++) {
				if (strlen(methods[i].name) == ml && memcmp(p, methods[i].name, ml) == 0) {
					hd->method = methods[i].method;
					hd->may_have_body = methods[i].body;
				}
			}
			continue;
		}
		if (e == p)
			return 0;
		const char *colon = memchr(p, ':', (size_t)(e - p));
		if (!colon || colon == p)
			return -1;
		for (const char *c = p; c < colon; c++)
			if (!is_tchar((unsigned char)*c))
				return -1;
		const char *v = colon + 1, *ve = e;
		while (v < ve && (*v == ' ' || *v == '\t'))
			v++;
		while (ve > v && (ve[-1] == ' ' || ve[-1] == '\t'))
			ve--;
		size_t nl = (size_t)(colon - p);
		if (name_is(p, nl, "Content-Length")) {
			if (hd->has_length || !is_digits(v, ve))
				return -1;
			hd->has_length = 1;
			for (; v < ve; v++) {
				uint64_t d = (uint64_t)(*v - '0');
				hd->length = hd->length > (UINT64_MAX - d) / 10 ? UINT64_MAX : hd->length * 10 + d;
			}
		} else if (name_is(p, nl, "Transfer-Encoding")) {
			hd->encoded = 1;
		} else if (name_is(p, nl, REFUSAL_HEADER)) {
			return -1;
		}
	}
	return -1;
}

/* 0 when the head may go on (then *body is the length of the body after it), or the status it is
 * refused with. */
static int head_verdict(struct head *hd, uint64_t *body)
{
	uint64_t declared = hd->has_length ? hd->length : 0;
	if (hd->encoded)
		return 411;
	if (!hd->may_have_body) {
		/* evhttp reads no body for this method: what follows would be taken for another request */
		*body = 0;
		return declared ? 413 : 0;
	}
	if (declared > BODY_NONE_MAX) {
		/* every limit is at least BODY_NONE_MAX: the route is looked up only for larger bodies */
		size_t plen = target_path_len(hd->target, hd->target_len);
		char saved = hd->target[plen];
		hd->target[plen] = '\0';
		size_t limit = router_body_limit(hd->method, hd->target);
		hd->target[plen] = saved;
		if (declared > limit)
			return 413;
	}
	*body = declared;
	return 0;
}

/* Moves the last n bytes of from to the end of to (neither the loop's spare buffer). */
static void move_tail(struct loop *L, struct evbuffer *from, size_t n, struct evbuffer *to)
{
	size_t keep = evbuffer_get_length(from) - n;
	evbuffer_add_buffer(L->spare, from);
	evbuffer_remove_buffer(L->spare, from, keep);
	evbuffer_add_buffer(to, L->spare);
}

/* Drops the last n bytes of b. */
static void drop_tail(struct loop *L, struct evbuffer *b, size_t n)
{
	size_t keep = evbuffer_get_length(b) - n;
	evbuffer_add_buffer(L->spare, b);
	evbuffer_remove_buffer(L->spare, b, keep);
	evbuffer_drain(L->spare, n);
}

/* The length of the head that starts at offset start of b, its lines before offset start + *line
 * known to be whole; 0 when its end has not arrived (then *line is where its last line starts). */
static size_t head_end(struct evbuffer *b, size_t start, size_t *line)
{
	struct evbuffer_ptr p;
	struct evbuffer_iovec v;
	size_t eol_len, len = evbuffer_get_length(b);
	if (start + *line >= len || evbuffer_ptr_set(b, &p, start + *line, EVBUFFER_PTR_SET) != 0)
		return 0;
	if (evbuffer_peek(b, (ev_ssize_t)(len - start - *line), &p, &v, 1) == 1) {
		/* the usual case, all of it in one piece of memory: look for the lines' ends there */
		const char *q = v.iov_base, *end = q + (len - start - *line);
		size_t at = start + *line;
		for (const char *nl; (nl = memchr(q, '\n', (size_t)(end - q))) != NULL; q = nl + 1) {
			size_t after = at + (size_t)(nl + 1 - (const char *)v.iov_base) - start;
			/* an empty line ends the head (at its very start: an empty request line, malformed) */
			if (nl == q || (nl == q + 1 && *q == '\r'))
				return after;
			*line = after;
		}
		return 0;
	}
	while (start + *line < len) {
		if (evbuffer_ptr_set(b, &p, start + *line, EVBUFFER_PTR_SET) != 0)
			return 0;
		struct evbuffer_ptr e = evbuffer_search_eol(b, &p, &eol_len, EVBUFFER_EOL_CRLF);
		if (e.pos < 0)
			return 0;
		if (e.pos == p.pos)
			return (size_t)e.pos + eol_len - start;
		*line = (size_t)e.pos + eol_len - start;
	}
	return 0;
}

/* Hands evhttp, in place of a refused head, a short one that carries the refusal: the request
 * line and headers of hd (when it could be read; its length and encoding left out), or none. */
static void conn_refuse(struct conn *c, struct evbuffer *in, int status, const struct head *hd)
{
	struct loop *L = c->loop;
	if (hd) {
		evbuffer_add(in, hd->line, hd->line_len);
		evbuffer_add_printf(in, "\r\n%s: %d\r\nContent-Length: 0\r\n", REFUSAL_HEADER, status);
		const char *next;
		for (const char *p = hd->headers, *e = line_end(p, hd->end, &next); e > p;
		     p = next, e = line_end(p, hd->end, &next)) {
			size_t nl = (size_t)((const char *)memchr(p, ':', (size_t)(e - p)) - p);
			if (name_is(p, nl, "Content-Length") || name_is(p, nl, "Transfer-Encoding") ||
			    name_is(p, nl, "Expect"))
				continue;
			evbuffer_add(in, p, (size_t)(e - p));
			evbuffer_add(in, "\r\n", 2);
		}
		evbuffer_add(in, "\r\n", 2);
	} else {
		evbuffer_add_printf(in, "GET / HTTP/1.1\r\n%s: %d\r\n\r\n", REFUSAL_HEADER, status);
	}
	c->mode = CONN_REFUSED;
	c->in_request = 0;
	L->refusals++;
}

/* Checks the head of length n at offset off of b; 0 when it may go on, with the connection set to
 * read its body, or the refusal's status, with the refusal handed to evhttp in its place (after
 * the last n_drop bytes of in, which are dropped, and the held head, which is). */
static int conn_check(struct conn *c, struct evbuffer *in, struct evbuffer *b, size_t off, size_t n,
		      size_t n_drop)
{
	struct loop *L = c->loop;
	struct head hd;
	uint64_t body = 0;
	int status = 431, parsed = 0;
	if (n <= L->header_max) {
		struct evbuffer_ptr p;
		evbuffer_ptr_set(b, &p, off, EVBUFFER_PTR_SET);
		evbuffer_copyout_from(b, &p, L->head, n);
		parsed = head_parse(L->head, n, &hd) == 0;
		status = parsed ? head_verdict(&hd, &body) : 400;
	}
	if (status == 0) {
		c->mode = body ? CONN_BODY : CONN_HEAD;
		c->body_left = body;
		c->in_request = body > 0;
		return 0;
	}
	drop_tail(L, in, n_drop);
	if (c->held)
		evbuffer_drain(c->held, evbuffer_get_length(c->held));
	conn_refuse(c, in, status, parsed ? &hd : NULL);
	return status;
}

/* Takes the fresh bytes at the end of in: passes heads that are whole and allowed and the bodies
 * after them, keeps back a head that is not whole yet, refuses the rest. */
static void conn_read(struct conn *c, struct evbuffer *in, size_t fresh)
{
	struct loop *L = c->loop;
	size_t len = evbuffer_get_length(in), pos = len - fresh;
	if (c->mode == CONN_REFUSED) {
		drop_tail(L, in, fresh);
		return;
	}
	if (c->held && evbuffer_get_length(c->held)) {
		/* the fresh bytes go on with a head that began in an earlier read */
		move_tail(L, in, fresh, c->held);
		size_t n = head_end(c->held, 0, &c->line), held = evbuffer_get_length(c->held);
		if (!n && held <= L->header_max)
			return;
		if (conn_check(c, in, c->held, 0, n ? n : held, 0))
			return;
		pos = evbuffer_get_length(in) + n;
		evbuffer_add_buffer(in, c->held);
		len = evbuffer_get_length(in);
		c->line = 0;
	}
	while (pos < len) {
		if (c->mode == CONN_BODY) {
			uint64_t k = c->body_left < len - pos ? c->body_left : len - pos;
			c->body_left -= k;
			pos += (size_t)k;
			if (!c->body_left) {
				c->mode = CONN_HEAD;
				c->in_request = 0;
			}
			continue;
		}
		c->in_request = c->started = 1;
		size_t line = 0, n = head_end(in, pos, &line);
		if (!n && len - pos <= L->header_max) {
			if (!c->held)
				c->held = evbuffer_new();
			move_tail(L, in, len - pos, c->held);
			c->line = line;
			return;
		}
		if (conn_check(c, in, in, pos, n ? n : len - pos, len - pos))
			return;
		pos += n;
	}
}

static void on_deadline(evutil_socket_t fd, short what, void *arg)
{
	(void)fd;
	(void)what;
	struct conn *c = arg;
	c->armed = 0;
	if (!(bufferevent_get_enabled(c->bev) & EV_READ)) {
		/* evhttp is still answering an earlier request on this connection: the time is not the
		 * client's, who gets a deadline of its own again */
		event_add(c->deadline, &c->loop->deadline);
		c->armed = 1;
		return;
	}
	log_info("server: a request did not arrive within its deadline; connection closed");
	/* evhttp closes the connection as after its own timeout; c goes with it (on_close) */
	bufferevent_trigger_event(c->bev, BEV_EVENT_READING | BEV_EVENT_TIMEOUT, 0);
}

static void on_input(struct evbuffer *in, const struct evbuffer_cb_info *info, void *arg)
{
	struct conn *c = arg;
	if (c->busy || info->n_added == 0)
		return;
	c->busy = 1;
	c->started = 0;
	conn_read(c, in, info->n_added);
	/* a request still unfinished when a read is done has its deadline from its first byte */
	if (c->in_request && (!c->armed || c->started)) {
		if (!c->deadline)
			c->deadline = evtimer_new(bufferevent_get_base(c->bev), on_deadline, c);
		event_add(c->deadline, &c->loop->deadline);
		c->armed = 1;
	} else if (!c->in_request && c->armed) {
		event_del(c->deadline);
		c->armed = 0;
	}
	c->busy = 0;
}

/* A refused connection is not closed at once: what the client still sends (the body it was refused)
 * is read and thrown away for a moment first. Closed with unread bytes, the socket would be reset,
 * and the client could lose the answer before reading it. evhttp shuts the socket for writing and
 * closes its descriptor; a duplicate of it stays open here until the client has sent everything,
 * falls silent for LINGER_IDLE, or LINGER_MAX has passed. */
#define LINGER_IDLE_MS 1000
#define LINGER_MAX_US 5000000

struct lingerer {
	struct loop *loop;
	struct event *ev;
	int64_t until;
	struct lingerer *next, **prev;
};

static void linger_end(struct lingerer *lg)
{
	*lg->prev = lg->next;
	if (lg->next)
		lg->next->prev = lg->prev;
	evutil_socket_t fd = event_get_fd(lg->ev);
	event_free(lg->ev);
	close(fd);
	free(lg);
}

static void linger_cb(evutil_socket_t fd, short what, void *arg)
{
	struct lingerer *lg = arg;
	char buf[16384];
	ssize_t n = 1;
	while (what & EV_READ && (n = recv(fd, buf, sizeof buf, 0)) > 0)
		;
	if ((what & EV_TIMEOUT) || n == 0 || (n < 0 && errno != EAGAIN && errno != EWOULDBLOCK) ||
	    now_usec() > lg->until)
		linger_end(lg);
}

static void linger_start(struct loop *L, evutil_socket_t fd)
{
	static const struct timeval idle = {0, LINGER_IDLE_MS * 1000};
	int copy = fd < 0 ? -1 : fcntl(fd, F_DUPFD_CLOEXEC, 0);
	if (copy < 0)
		return;
	struct lingerer *lg = xcalloc(1, sizeof *lg);
	lg->loop = L;
	lg->until = now_usec() + LINGER_MAX_US;
	lg->ev = event_new(L->base, copy, EV_READ | EV_PERSIST, linger_cb, lg);
	lg->next = L->lingering;
	lg->prev = &L->lingering;
	if (L->lingering)
		L->lingering->prev = &lg->next;
	L->lingering = lg;
	event_add(lg->ev, &idle);
}

static void on_close(struct evhttp_connection *evcon, void *arg)
{
	(void)evcon;
	struct conn *c = arg;
	if (c->mode == CONN_REFUSED && !atomic_load(&c->loop->app->stopping))
		linger_start(c->loop, bufferevent_getfd(c->bev));
	evbuffer_remove_cb(bufferevent_get_input(c->bev), on_input, c);
	if (c->deadline)
		event_free(c->deadline);
	if (c->held)
		evbuffer_free(c->held);
	free(c);
}

/* The first bytes of a connection: its watch begins, and ends with the connection. */
static void on_first_input(struct evbuffer *in, const struct evbuffer_cb_info *info, void *arg)
{
	struct bufferevent *bev = arg;
	void *evcon = NULL;
	if (info->n_added == 0)
		return;
	/* evhttp gives its connection as the argument of its bufferevent's callbacks */
	bufferevent_getcb(bev, NULL, NULL, NULL, &evcon);
	if (!evcon) {
		log_error("server: a connection without its evhttp connection");
		abort();
	}
	struct conn *c = xcalloc(1, sizeof *c);
	c->bev = bev;
	c->loop = this_loop;
	evhttp_connection_set_closecb(evcon, on_close, c);
	evbuffer_remove_cb(in, on_first_input, bev);
	evbuffer_add_cb(in, on_input, c);
	on_input(in, info, c);
}

static struct bufferevent *on_connection(struct event_base *base, void *arg)
{
	(void)arg;
	struct bufferevent *bev = bufferevent_socket_new(base, -1, 0);
	if (!bev) {
		log_error("server: cannot make a bufferevent");
		abort();
	}
	evbuffer_add_cb(bufferevent_get_input(bev), on_first_input, bev);
	return bev;
}

/* ---- accepting, limits ---- */

static void reenable_cb(evutil_socket_t fd, short what, void *arg)
{
	(void)fd;
	(void)what;
	struct loop *L = arg;
	if (!atomic_load(&L->app->stopping))
		evconnlistener_enable(L->lis);
}

/* Out of descriptors: stop accepting for a moment instead of spinning on the pending connection. */
static void on_accept_error(struct evconnlistener *lis, void *arg)
{
	(void)arg;
	int err = EVUTIL_SOCKET_ERROR();
	for (int i = 0; i < n_loops; i++) {
		struct loop *L = &loops[i];
		if (L->lis != lis)
			continue;
		if (err == EMFILE || err == ENFILE || err == ENOBUFS || err == ENOMEM) {
			static const struct timeval pause = {0, 200000};
			log_warn("server: cannot accept (%s); pausing", strerror(err));
			evconnlistener_disable(lis);
			evtimer_add(L->reenable, &pause);
		}
	}
}

static int open_listener(const char *host, int port, int *bound_port)
{
	struct addrinfo hints = {0}, *res = NULL;
	char service[16];
	hints.ai_family = AF_UNSPEC;
	hints.ai_socktype = SOCK_STREAM;
	hints.ai_flags = AI_PASSIVE | AI_NUMERICSERV;
	snprintf(service, sizeof service, "%d", port);
	int rc = getaddrinfo(host, service, &hints, &res);
	if (rc != 0) {
		log_error("server: cannot resolve %s: %s", host, gai_strerror(rc));
		return -1;
	}
	int fd = -1;
	for (struct addrinfo *ai = res; ai && fd < 0; ai = ai->ai_next) {
		fd = socket(ai->ai_family, ai->ai_socktype | SOCK_CLOEXEC | SOCK_NONBLOCK, ai->ai_protocol);
		if (fd < 0)
			continue;
		int one = 1;
		setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
		if (bind(fd, ai->ai_addr, ai->ai_addrlen) != 0 || listen(fd, 1024) != 0) {
			log_error("server: cannot listen on %s:%d: %s", host, port, strerror(errno));
			close(fd);
			fd = -1;
		}
	}
	freeaddrinfo(res);
	if (fd >= 0) {
		struct sockaddr_storage ss;
		socklen_t sl = sizeof ss;
		getsockname(fd, (struct sockaddr *)&ss, &sl);
		char hbuf[64], pbuf[16];
		getnameinfo((struct sockaddr *)&ss, sl, hbuf, sizeof hbuf, pbuf, sizeof pbuf,
			    NI_NUMERICHOST | NI_NUMERICSERV);
		*bound_port = (int)strtol(pbuf, NULL, 10);
	}
	return fd;
}

static void cap_descriptors(int max_fds)
{
	struct rlimit rl;
	if (max_fds <= 0 || getrlimit(RLIMIT_NOFILE, &rl) != 0)
		return;
	rlim_t want = (rlim_t)max_fds;
	if (rl.rlim_max != RLIM_INFINITY && want > rl.rlim_max)
		want = rl.rlim_max;
	rl.rlim_cur = want;
	if (setrlimit(RLIMIT_NOFILE, &rl) != 0)
		log_warn("server: cannot set the descriptor limit to %d", max_fds);
}

/* ---- stopping ---- */

/* A stop waits for every request in flight to be answered and its answer written out. An answer
 * to a client that went away is never reported written, so that wait is cut short after a second. */
static void drain_tick(evutil_socket_t fd, short what, void *arg)
{
	(void)fd;
	(void)what;
	struct loop *L = arg;
	int64_t now = now_usec();
	if (L->in_flight > 0) {
		L->idle_since = 0;
		if (now < L->drain_deadline)
			return;
		log_warn("server: stopping with %d requests unfinished", L->in_flight);
	} else {
		if (!L->idle_since)
			L->idle_since = now;
		if (L->unsent > 0 && now - L->idle_since < 1000000 && now < L->drain_deadline)
			return;
	}
	event_base_loopexit(L->base, NULL);
}

static int drain_secs_cfg = 10;

static void begin_stop(evutil_socket_t fd, short what, void *arg)
{
	(void)fd;
	(void)what;
	struct loop *L = arg;
	static const struct timeval tick = {0, 20000};
	evconnlistener_disable(L->lis);
	L->drain_deadline = now_usec() + (int64_t)drain_secs_cfg * 1000000;
	L->drain = event_new(L->base, -1, EV_PERSIST, drain_tick, L);
	event_add(L->drain, &tick);
}

static void *loop_main(void *arg)
{
	struct loop *L = arg;
	this_loop = L;
	event_base_loop(L->base, EVLOOP_NO_EXIT_ON_EMPTY);
	cache_clear();
	return NULL;
}

static int setup_loop(struct loop *L, struct app *app, int fd, const struct server_opts *o)
{
	L->app = app;
	if (store_open(app->db_path, &L->store) != 0)
		return -1;
	L->base = event_base_new();
	L->http = L->base ? evhttp_new(L->base) : NULL;
	if (!L->http)
		return -1;
	struct timeval tv = {o->timeout_secs > 0 ? o->timeout_secs : 15, 0};
	evhttp_set_timeout_tv(L->http, &tv);
	L->header_max = o->header_max ? o->header_max : 16384;
	L->deadline.tv_sec = app->request_deadline_secs > 0 ? app->request_deadline_secs : 30;
	L->head = xmalloc(L->header_max);
	L->spare = evbuffer_new();
	/* the connection's watch keeps to header_max; evhttp's own limit leaves room for a refusal */
	evhttp_set_max_headers_size(L->http, (ev_ssize_t)L->header_max + 256);
	evhttp_set_max_body_size(L->http, (ev_ssize_t)app->body_cap);
	evhttp_set_bevcb(L->http, on_connection, L);
	/* every method libevent knows reaches the router, which answers 405 in JSON */
	evhttp_set_allowed_methods(L->http, EVHTTP_REQ_GET | EVHTTP_REQ_HEAD | EVHTTP_REQ_POST |
						    EVHTTP_REQ_PATCH | EVHTTP_REQ_DELETE | EVHTTP_REQ_PUT |
						    EVHTTP_REQ_OPTIONS | EVHTTP_REQ_TRACE | EVHTTP_REQ_CONNECT);
	evhttp_set_gencb(L->http, on_request, L);
	L->lis = evconnlistener_new(L->base, NULL, NULL, LEV_OPT_CLOSE_ON_EXEC, -1, fd);
	if (!L->lis || !evhttp_bind_listener(L->http, L->lis))
		return -1;
	evconnlistener_set_error_cb(L->lis, on_accept_error);
	L->reenable = evtimer_new(L->base, reenable_cb, L);
	return 0;
}

int server_run(struct app *app, const struct server_opts *o)
{
	int port = 0, rc = -1;
	if (evthread_use_pthreads() != 0) {
		log_error("server: libevent has no thread support");
		return -1;
	}
	signal(SIGPIPE, SIG_IGN);
	cap_descriptors(o->max_fds > 0 ? o->max_fds : 4096);
	drain_secs_cfg = o->drain_secs > 0 ? o->drain_secs : 10;

	int fd = open_listener(o->listen ? o->listen : "127.0.0.1", o->port, &port);
	if (fd < 0)
		return -1;

	n_loops = o->loops > 0 ? o->loops : (int)sysconf(_SC_NPROCESSORS_ONLN);
	if (n_loops < 1)
		n_loops = 1;
	loops = xcalloc((size_t)n_loops, sizeof *loops);

	/* the signals are taken by this thread alone, with sigwait */
	sigset_t sigs, old;
	sigemptyset(&sigs);
	sigaddset(&sigs, SIGINT);
	sigaddset(&sigs, SIGTERM);
	pthread_sigmask(SIG_BLOCK, &sigs, &old);

	int started = 0;
	for (int i = 0; i < n_loops; i++) {
		if (setup_loop(&loops[i], app, fd, o) != 0) {
			log_error("server: cannot set up event loop %d", i);
			goto out;
		}
	}
	for (; started < n_loops; started++)
		if (pthread_create(&loops[started].tid, NULL, loop_main, &loops[started]) != 0)
			goto out;

	printf("anjia: serving http://%s%s%s:%d (%d event loops)\n",
	       strchr(o->listen ? o->listen : "127.0.0.1", ':') ? "[" : "",
	       o->listen ? o->listen : "127.0.0.1",
	       strchr(o->listen ? o->listen : "127.0.0.1", ':') ? "]" : "", port, n_loops);
	fflush(stdout);
	log_info("serving on port %d with %d event loops", port, n_loops);

	int sig = 0;
	sigwait(&sigs, &sig);
	log_info("signal %d: finishing requests in flight", sig);
	rc = 0;
out:
	atomic_store(&app->stopping, 1);
	for (int i = 0; i < started; i++) {
		static const struct timeval now = {0, 0};
		event_base_once(loops[i].base, -1, EV_TIMEOUT, begin_stop, &loops[i], &now);
	}
	for (int i = 0; i < started; i++)
		pthread_join(loops[i].tid, NULL);
	for (int i = 0; i < n_loops; i++) {
		struct loop *L = &loops[i];
		if (L->drain)
			event_free(L->drain);
		if (L->reenable)
			event_free(L->reenable);
		if (L->http)
			evhttp_free(L->http);
		else if (L->lis)
			evconnlistener_free(L->lis);
		while (L->lingering)
			linger_end(L->lingering);
		if (L->spare)
			evbuffer_free(L->spare);
		free(L->head);
		if (L->base)
			event_base_free(L->base);
		store_close(L->store);
	}
	close(fd);
	free(loops);
	loops = NULL;
	pthread_sigmask(SIG_SETMASK, &old, NULL);
	return rc;
}
