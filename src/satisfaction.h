/* satisfaction.h — ratings and the monthly satisfaction, response and punctuality figures. */
#ifndef SATISFACTION_H
#define SATISFACTION_H

#include <stdint.h>

#include "util/json_out.h"

struct store;

enum figures_of { FIGURES_WORKER, FIGURES_COMPANY };

/* Writes "rating": {"average","count"} or null for subject ("worker" or "company") id. */
void rating_json(struct store *s, const char *subject, int64_t id, struct jw *w);
/* Writes "rating", and "satisfaction" and "punctuality" for the last six months, newest first, of a
 * worker or a company. */
void figures_json(struct store *s, enum figures_of of, int64_t id, struct jw *w);

#endif
