/* pool.c — a fixed set of threads taking requests from one bounded queue: a request that finds it
 * full is refused at once rather than left to wait behind everyone else. */
#include "pool.h"

#include <pthread.h>
#include <stdlib.h>

#include "../anjia.h"
#include "../store/store.h"
#include "../util/log.h"
#include "../util/strbuf.h"
#include "req.h"

struct job {
	struct req *r;
	void (*after)(struct req *r);
	struct job *next;
};

struct pool {
	int n;
	pthread_t *threads;
	struct store **stores;
	pthread_mutex_t mu;
	pthread_cond_t cv;
	struct job *head, *tail;
	int queued;               /* jobs waiting for a thread */
	int queue_max;            /* 0: no bound */
	int stop;
};

struct worker_arg {
	struct pool *p;
	int index;
};

static void *worker(void *arg)
{
	struct worker_arg *wa = arg;
	struct pool *p = wa->p;
	struct store *s = p->stores[wa->index];
	free(wa);
	for (;;) {
		pthread_mutex_lock(&p->mu);
		while (!p->head && !p->stop)
			pthread_cond_wait(&p->cv, &p->mu);
		struct job *j = p->head;
		if (!j) {
			pthread_mutex_unlock(&p->mu);
			break;
		}
		p->head = j->next;
		if (!p->head)
			p->tail = NULL;
		p->queued--;
		pthread_mutex_unlock(&p->mu);

		j->r->work_fn(j->r, s);
		j->r->resume(j->r, j->after);
		free(j);
	}
	return NULL;
}

struct pool *pool_new(int n, int queue_max, const char *db_path)
{
	struct pool *p = xcalloc(1, sizeof *p);
	p->n = n;
	p->queue_max = queue_max;
	pthread_mutex_init(&p->mu, NULL);
	pthread_cond_init(&p->cv, NULL);
	if (n == 0)
		return p;
	p->threads = xcalloc((size_t)n, sizeof *p->threads);
	p->stores = xcalloc((size_t)n, sizeof *p->stores);
	for (int i = 0; i < n; i++) {
		if (store_open(db_path, &p->stores[i]) != 0) {
			for (int k = 0; k < i; k++)
				store_close(p->stores[k]);
			free(p->stores);
			free(p->threads);
			free(p);
			return NULL;
		}
	}
	for (int i = 0; i < n; i++) {
		struct worker_arg *wa = xmalloc(sizeof *wa);
		wa->p = p;
		wa->index = i;
		if (pthread_create(&p->threads[i], NULL, worker, wa) != 0) {
			log_error("pool: cannot start a thread");
			abort();
		}
	}
	return p;
}

void pool_free(struct pool *p)
{
	if (!p)
		return;
	pthread_mutex_lock(&p->mu);
	p->stop = 1;
	pthread_cond_broadcast(&p->cv);
	pthread_mutex_unlock(&p->mu);
	for (int i = 0; i < p->n; i++) {
		pthread_join(p->threads[i], NULL);
		store_close(p->stores[i]);
	}
	free(p->threads);
	free(p->stores);
	pthread_mutex_destroy(&p->mu);
	pthread_cond_destroy(&p->cv);
	free(p);
}

int pool_submit(struct pool *p, struct req *r, void (*after)(struct req *r))
{
	if (p->n == 0) {
		r->work_fn(r, r->store);
		r->resume(r, after);
		return 0;
	}
	pthread_mutex_lock(&p->mu);
	if (p->queue_max > 0 && p->queued >= p->queue_max) {
		pthread_mutex_unlock(&p->mu);
		return AJ_EBUSY;
	}
	struct job *j = xmalloc(sizeof *j);
	j->r = r;
	j->after = after;
	j->next = NULL;
	p->queued++;
	if (p->tail)
		p->tail->next = j;
	else
		p->head = j;
	p->tail = j;
	pthread_cond_signal(&p->cv);
	pthread_mutex_unlock(&p->mu);
	return 0;
}
