/* demo.h — a believable industry in one city, for trying the platform and for the browser tests. */
#ifndef DEMO_H
#define DEMO_H

#include <stdint.h>

struct store;

struct demo_opts {
	const char *password;   /* every demo login's password */
	uint64_t seed;          /* the same seed gives the same data */
	int quiet;
	int workers;            /* how many workers, with their histories */
	int64_t history;        /* 0: six months of bookings lived through step by step; otherwise this
	                           many past bookings, each written whole with its review (benchmarks) */
};

/* Loads the demo into an empty, migrated database; AJ_ECONFLICT if it already holds organisations. */
int demo_load(struct store *s, const struct demo_opts *o);

/* ---- between the demo's parts ---- */

#include "anjia.h"

/* Who the services part acts as, and what the workforce part left it. */
struct demo_world {
	struct actor admin;
	int64_t company_id[6];
	struct actor company_actor[6];
	const struct actor *customer;   /* customer actors; [0] is customer1 */
	int n_customers;
	int64_t worker_user[7];         /* the users worker1…worker6 */
	int64_t workers, history;
	int64_t today, now;
};

/* The categories, the companies' offers, and months of bookings and reviews. */
/* The demo's seeded generator (splitmix64): the next number, and one in [0, n). */
uint64_t demo_next(uint64_t *s);
int64_t demo_rand(uint64_t *s, int64_t n);

int demo_services(struct store *s, const struct demo_world *dw, uint64_t *rng);

/* Three months of complaints and claims, and the last two months' sampling plans with their spot
 * checks, lived through with the deadline job; nothing when no service was completed. */
int demo_complaints(struct store *s, const struct demo_world *dw, uint64_t *rng);

#endif
