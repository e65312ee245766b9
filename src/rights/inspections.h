/* inspections.h — third-party spot checks: the association's sampling plans, drawn at once from a
 * published seed so anyone can recompute them; the inspections of the sampled bookings, their
 * results, the rectification orders of those that fail and their deadlines. */
#ifndef INSPECTIONS_H
#define INSPECTIONS_H

#include <stdint.h>

#include "anjia.h"
#include "auth/caps.h"

struct store;
struct contact;

/* What the association asks of a plan. */
struct plan_in {
	int month;                 /* year*12 + month-1; must have ended */
	int share_percent;         /* 1..100 of each company's population */
	int min_per_company;       /* at least this many (never more than the population) */
	int64_t inspection_org_id; /* the inspection body that carries it out */
};

/* Creates a plan with a fresh seed and draws it in the same transaction: for each company, the
 * bookings completed in the month (completed or reviewed) ranked by sha256("<seed>:<booking id>")
 * in lowercase hex, the smallest first; one inspection per sample, the body's inspectors assigned
 * round-robin in rank order; the inspectors and the companies notified. Refusals:
 * month_not_ended, not_inspection_body, nothing_to_sample (422), plan_exists (409). */
int sampling_plan_create(struct store *s, const struct actor *a, const struct plan_in *in, int64_t *id,
			 struct fault *f);

/* The rank of a booking in a draw: lowercase hex SHA-256 of "<seed>:<booking_id>" (65 bytes). */
void sampling_rank(const char *seed, int64_t booking_id, char out[65]);

/* Assigns inspector_id (an active inspector of the plan's inspection body) to an inspection still
 * 'assigned'. Refusals: not_inspector (422), invalid_transition (409); AJ_ENOTFOUND. */
int inspection_assign(struct store *s, const struct actor *a, int64_t id, int64_t inspector_id, struct fault *f);

/* One indicator's score in a result. */
struct indicator_score {
	int64_t indicator_id;
	int score;            /* 0..100 */
	const char *note;     /* may be NULL */
};

/* The assigned inspector's result: every quality indicator of the booking's category scored once;
 * the score is their mean rounded down (79.5 fails a pass mark of 80). At or above the standard's pass mark the inspection is 'passed';
 * below it 'rectifying' with a deadline, a conduct record against the company (and the worker) and
 * a notice to the company. Refusals: invalid_visit_time, no_indicators, indicator_unknown,
 * scores_incomplete (422), invalid_transition (409); AJ_ENOTFOUND when it is not the caller's. */
int inspection_result(struct store *s, const struct actor *a, enum role role, int64_t id, const char *visit_kind,
		      int64_t visited_at, const struct indicator_score *sc, int n, const char *findings,
		      struct fault *f);

/* The company (or the association) answers a rectification order: 'rectifying' → 'answered', the
 * inspector notified. Refusals: forbidden (403, roles that never see inspections),
 * invalid_transition (409); AJ_ENOTFOUND when it is not the caller's company's. */
int inspection_answer(struct store *s, const struct actor *a, enum role role, int64_t id, const char *text,
		      struct fault *f);

/* The assigned inspector verifies an answer: accepted → 'verified'; rejected (a note required) →
 * 'rectifying' again with a new deadline. Refusals: note_required (422), invalid_transition (409);
 * AJ_ENOTFOUND when it is not the caller's. */
int inspection_verify(struct store *s, const struct actor *a, enum role role, int64_t id, int accepted,
		      const char *note, struct fault *f);

/* The assigned inspector opens the sampled booking's address and telephone for the return visit,
 * while the inspection waits for its result; the opening is an event on the inspection's timeline
 * and an audit record. Refusals: invalid_transition (409) once the result is recorded,
 * contact_unavailable (422); AJ_ENOTFOUND when it is not the caller's. */
int inspection_contact(struct store *s, const struct actor *a, enum role role, int64_t id, struct contact *out,
		       struct fault *f);

/* The deadline job: in one write transaction, every 'rectifying' inspection whose deadline has
 * passed and is not yet marked is marked breached, with a timeline event, notices to the
 * association and the company, and an audit record each. *escalated counts them (may be NULL).
 * Running it again changes nothing until another deadline passes. 0 or a negative error. */
int inspections_overdue(struct store *s, int *escalated);

#endif
