/* no_show.h — a household marked absent is asked. When the company or its worker records that
 * nobody was at home, the mark stands only once the customer acknowledges it or the service
 * centre has checked it: the customer may answer that the service took place, or that nobody
 * came, and that answer — or a mark left unanswered for no_show_answer_hours — goes to the centre,
 * which calls the household and records its finding. A mark cannot keep a service out of its
 * review and its spot check on the company's word alone. */
#ifndef NO_SHOW_H
#define NO_SHOW_H

#include <stdint.h>

#include "anjia.h"

struct store;
struct jw;

/* Opens the question for booking id just marked a no-show of party, inside the caller's write:
 * a household's absence waits for the household ("pending"); a worker's is the company's own word
 * against itself and stands. */
int no_show_opened(struct store *s, int64_t id, const char *party);

/* The customer's answer to a mark of their absence: "acknowledge" (it stands), or "served" / "worker_absent"
 * with a reason, to the service centre. Refusals: invalid_transition (409: no pending mark),
 * no_show_reason_required; AJ_ENOTFOUND when it is not the caller's booking. */
int no_show_answer(struct store *s, const struct actor *a, int64_t id, const char *answer, const char *reason,
		   struct fault *f);

/* The service centre's finding on a mark of the household's absence: "upheld", "served" (the
 * service took place: the booking is completed, for its review and the spot checks) or
 * "worker_absent" (the no-show was the worker's). Refusals: invalid_transition. */
int no_show_check(struct store *s, const struct actor *a, int64_t id, const char *outcome, const char *note,
		  struct fault *f);

/* The deadline job's pass: marks unanswered for no_show_answer_hours go to the service centre;
 * *moved counts them. */
int no_shows_due(struct store *s, int64_t now, int *moved);

/* Writes "no_show_question": {state, answer, answer_reason, answered_at, checked_at, check_note}
 * of booking id, or null when nobody was asked. */
void no_show_json(struct store *s, int64_t id, struct jw *w);

#endif
