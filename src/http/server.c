/* server.c — libevent glue. Each loop thread owns an event base, an evhttp, a listener on the
 * shared socket and a store connection; a request never leaves its loop except to visit the
 * worker pool, whose reply is posted back with event_base_once. */
#include "server.h"

#include <errno.h>
#include <event2/buffer.h>
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
};

static struct loop *loops;
static int n_loops;

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
	const char *q = strchr(uri, '?');
	size_t plen = q ? (size_t)(q - uri) : strlen(uri);
	const char *hash = memchr(uri, '#', plen);
	if (hash)
		plen = (size_t)(hash - uri);
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
	router_dispatch(r);
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
	evhttp_set_max_headers_size(L->http, (ev_ssize_t)(o->header_max ? o->header_max : 16384));
	evhttp_set_max_body_size(L->http, (ev_ssize_t)app->body_cap);
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
