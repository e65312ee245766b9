/* evidence.h — evidence that a service happened. A completed service counts (satisfaction,
 * punctuality, the spot-check population) and takes a review only once its customer has said it
 * happened, in one of three ways: in the app on their booking after check-out, by the one-time code
 * their booking shows from check-in on and the worker enters at check-out, or on a follow-up call
 * by the service centre. The customer (in the app or on the call) may instead deny it — it did not
 * happen, or not as recorded — with a reason. Either word is recorded once, on the booking (how,
 * when, by whom), with a timeline event and an audit record. */
#ifndef EVIDENCE_H
#define EVIDENCE_H

#include <stdint.h>

#include "anjia.h"

struct store;

#define SERVICE_CODE_LEN 7           /* six digits and NUL */
#define SERVICE_CODE_MAX_ATTEMPTS 5  /* wrong tries before the code is spent */

/* The ways a service is confirmed. */
#define EVIDENCE_APP "app"
#define EVIDENCE_CODE "code"
#define EVIDENCE_CALL "call"

/* Issues booking id's one-time code (six digits): its keyed hash and a sealed copy for the
 * customer's booking, the wrong tries reset. Inside the caller's write (the check-in). */
int evidence_code_issue(struct store *s, int64_t id);
/* Checks the code the worker entered at check-out: AJ_OK when it is the booking's; otherwise
 * AJ_ERULE with service_code_spent (no live code: never issued, or too many wrong tries), or
 * service_code_wrong after counting the try — a count the caller commits though it refuses. Inside
 * the caller's write. */
int evidence_code_check(struct store *s, int64_t id, const char *code, struct fault *f);
/* Ends the code at check-out, whether it was used or not. Inside the caller's write. */
int evidence_code_end(struct store *s, int64_t id);
/* The live code of booking id for its customer's eyes into out; 0, or -1 when there is none. */
int evidence_code_show(struct store *s, int64_t id, char out[SERVICE_CODE_LEN]);

/* Records the customer's word on completed booking id: confirmed (1) or denied (0), via app, code
 * or call, by a, with the customer's or agent's words (may be NULL): the booking's columns, a
 * timeline event and, for a denial, the company's notice; a confirmed service enters the month
 * figures of its check-in (checked in, on time) and completion (completed). AJ_ECONFLICT
 * (evidence_recorded) when a word is recorded already. Inside the caller's write. */
int evidence_record(struct store *s, const struct actor *a, int64_t id, const char *via, int confirmed,
		    const char *note, struct fault *f);

/* The booking's customer (a), after check-out, says the service happened (happened), or that it did
 * not or not as recorded, with reason — in a transaction of its own with its audit record. Anyone
 * else's booking: AJ_ENOTFOUND; denial_reason_required; evidence_recorded (409) when the code, a
 * call or the customer said it already; invalid_transition before check-out. */
int evidence_confirm(struct store *s, const struct actor *a, int64_t id, int happened, const char *reason,
		     struct fault *f);
/* The service centre (a) called the household of a completed booking awaiting its customer's word:
 * outcome "confirmed", "denied" (note: what they said, required) or "unreachable" (counted on the
 * booking, which waits for another call or the customer). Its own transaction and audit record. */
int evidence_follow_up(struct store *s, const struct actor *a, int64_t id, const char *outcome, const char *note,
		       struct fault *f);

#endif
