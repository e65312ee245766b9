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

#endif
