/* reviews.h — reviews that count. A review comes from a confirmed service only (services/evidence.h),
 * and when it is written the signals that it may not be a customer's own word are computed and kept
 * with it: a new account, the booking's telephone or address also on another customer's booking,
 * a service booked and completed within minutes, a worker and customer linked. The association
 * sees them (GET /api/reviews) and may exclude a review with a reason: it leaves the ratings and
 * the month's satisfaction exactly, the public list no longer shows it, and the company sees that it
 * was excluded and why — never the signals. */
#ifndef REVIEWS_H
#define REVIEWS_H

#include <stdint.h>

#include "anjia.h"
#include "auth/caps.h"

struct store;
struct jw;

/* Computes and keeps the signals of booking id's review, just written; inside the caller's write. */
int review_signals(struct store *s, int64_t id);

/* Writes "review": booking id's review as a viewer in role sees it — the scores, the comment and
 * whether it was excluded (when and why); the signals for the association alone — or null. */
void review_booking_json(struct store *s, int64_t id, enum role role, struct jw *w);

/* The association (a) takes booking id's review out of what counts — the worker's and the
 * company's rating, the month's satisfaction — exactly as it went in, and off the public list; the
 * reason goes on the booking's timeline and to the company and the customer. Its own transaction
 * and audit record. AJ_ENOTFOUND; already_excluded (409). */
int review_exclude(struct store *s, const struct actor *a, int64_t id, const char *reason, struct fault *f);

#endif
