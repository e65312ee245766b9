/* server.h — the HTTP transport: libevent's evhttp, one event loop per core sharing one listening
 * socket, with limits on headers, bodies, time and descriptors, and a graceful stop on signals. */
#ifndef SERVER_H
#define SERVER_H

#include <stddef.h>

struct app;

struct server_opts {
	const char *listen;     /* address to bind, default 127.0.0.1 */
	int port;               /* 0 picks a free port (printed at start) */
	int loops;              /* event loops; 0 = one per core */
	int timeout_secs;       /* read and write timeout per connection */
	size_t header_max;      /* bytes of request line and headers */
	int max_fds;            /* cap on open descriptors */
	int drain_secs;         /* how long a stop waits for requests in flight */
};

/* Serves until SIGTERM or SIGINT, then stops accepting, lets requests in flight finish and
 * returns. The caller has opened app's pool and web files. 0, or -1 when it cannot start. */
int server_run(struct app *app, const struct server_opts *o);

#endif
