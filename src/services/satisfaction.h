/* satisfaction.h — ratings and the monthly satisfaction, response and punctuality figures. */
#ifndef SATISFACTION_H
#define SATISFACTION_H

#include <stdint.h>

#include "util/json_out.h"

struct store;

enum figures_of { FIGURES_WORKER, FIGURES_COMPANY };

/* What one event adds to a month's figures. */
struct figures_delta {
	int completed, reviewed, satisfied, checked_in, on_time;
};
/* Adds d to the month's figures of the worker and of the company, inside the caller's write. */
int figures_add(struct store *s, int64_t worker_id, int64_t company_id, int month, const struct figures_delta *d);

/* Writes "rating": {"average","count"} or null for subject ("worker" or "company") id. */
void rating_json(struct store *s, const char *subject, int64_t id, struct jw *w);
/* Writes "rating", and "satisfaction" and "punctuality" for the last six months, newest first, of a
 * worker or a company. */
void figures_json(struct store *s, enum figures_of of, int64_t id, struct jw *w);

#endif
