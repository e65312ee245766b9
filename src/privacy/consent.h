/* consent.h — a worker's consent to show their full record (checks with their results and dates,
 * training, certificates, employment history, conduct) to a customer: for one booking or for every
 * booking of that customer, for a period the worker chooses within the association's standard; the
 * worker can withdraw it; every view is logged and shown to the worker. A customer may ask first. */
#ifndef CONSENT_H
#define CONSENT_H

#include <stdint.h>

struct store;

#include "anjia.h"

/* The customer acting (a) asks the worker of their booking to show their full record; the worker
 * is told. Refusals: no_worker, already_granted, request_pending; AJ_ENOTFOUND for a booking that
 * is not theirs. Its own transaction. */
int consent_request(struct store *s, const struct actor *a, int64_t booking, int64_t *id, struct fault *f);
/* 1 when customer may see worker's full record now, reading it for booking (0: for none): a grant
 * for all of the customer's bookings opens it always, a grant for one booking only for that one. */
int consent_live(struct store *s, int64_t worker_id, int64_t customer_id, int64_t booking, int64_t now);

#endif
