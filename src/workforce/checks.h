/* checks.h — recording a worker's checks (the demo loader and the API share this). */
#ifndef CHECKS_H
#define CHECKS_H

#include <stdint.h>

#include "anjia.h"

struct store;

struct check_in {
	int64_t worker_id;
	const char *kind;          /* identity, background, health, insurance */
	const char *result;        /* pass, fail */
	const char *checked_on;    /* YYYY-MM-DD, not in the future */
	const char *valid_until;   /* NULL: the standard's period (insurance must give one) */
	const char *reference, *note;
	int64_t org_id;            /* the recording organisation */
	int association;           /* recorded by the association: may clear a failed background check */
};

/* Records a check with its audit record and refreshes the worker's facts. Refusals set *f:
 * date_in_future, invalid_validity, missing_field (insurance without valid_until),
 * background_fail_standing. */
int check_record(struct store *s, const struct actor *a, const struct check_in *in, int64_t *id,
		 struct fault *f);

#include "util/json_out.h"
/* The worker's checks, newest first, as an array. */
/* Writes the array of worker_id's checks as a customer with consent sees them: kind, result, dates
 * and who recorded them — not references or notes. */
void checks_summary_json(struct store *s, int64_t worker_id, struct jw *w);
void checks_of_worker_json(struct store *s, int64_t worker_id, struct jw *w);

#endif
