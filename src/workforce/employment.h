/* employment.h — who employs a worker and what the employer said of them: starting and ending an
 * employment (the worker's login follows the employer), a move between companies, the worker's
 * trades and sealed phone. Each runs inside the caller's write transaction. */
#ifndef EMPLOYMENT_H
#define EMPLOYMENT_H

#include <stdint.h>

#include "anjia.h"

struct store;

/* What a registration says of the worker, applied when they join a company. */
struct worker_details {
	const char *phone, *level, *photo_ref, *experience_since;
	const int *trades;   /* trade indexes */
	int n_trades;
};

/* Starts worker id's employment by company today (YYYY-MM-DD); the worker's login follows. */
int employment_start(struct store *s, int64_t id, int64_t company, const char *today);
/* Ends worker id's current employment today with reason; the company's bookings of the worker
 * still to come go back to its queue (bookings_release_worker). */
int employment_end(struct store *s, int64_t id, const char *today, const char *reason);
/* Moves worker id to to_company with details, ending the employment they had (*from, 0 for none),
 * and tells that company. AJ_ENOTFOUND for no such active person; AJ_ECONFLICT when already there.
 * Only ever called with the worker's consent (a confirmed transfer). */
int employment_move(struct store *s, int64_t id, int64_t to_company, const struct worker_details *d, int64_t *from);
/* Replaces worker id's trades with t (n indexes). */
int worker_set_trades(struct store *s, int64_t id, const int *t, int n);
/* Seals phone for worker id's row and keeps it. */
int worker_set_phone(struct store *s, int64_t id, const char *phone);

#endif
