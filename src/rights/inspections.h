/* inspections.h — third-party spot checks: the monthly sampling plans the deadline job makes and
 * draws from a seed committed beforehand, so nobody can draw again and anyone can recompute them; the inspections of the sampled bookings, their
 * results, the rectification orders of those that fail and their deadlines. */
#ifndef INSPECTIONS_H
#define INSPECTIONS_H

#include <stdint.h>

#include "anjia.h"
#include "auth/caps.h"

struct store;
struct contact;

/* The deadline job's part in the spot checks, in one write transaction: the plan of the current
 * month is made at its first pass (from the month in the setting 'sampling.since', which the first
 * pass sets to its own), with a fresh secret seed of 128 random bits, its commitment
 * sha256(seed) published at once, the share and minimum per company of the standards then, and its
 * draw on the standard's day of the next month; and every plan whose draw is due is revealed and
 * drawn: for each company, the month's completed services ranked by sha256("<seed>:<booking id>"),
 * the smallest first; one inspection per sample, dealt to the inspection bodies and their active
 * inspectors in turn in rank order; the inspectors notified, never the companies. No plan is ever
 * made for a month gone by, nor a second for a month. *committed and *drawn count the plans made
 * and drawn; nothing is written when nothing is due. 0 or a negative error. */
int sampling_plans_due(struct store *s, int *committed, int *drawn);

/* The commitment to a seed: lowercase hex SHA-256 of its text (65 bytes). */
void sampling_commitment(const char *seed, char out[65]);

/* The rank of a booking in a draw: lowercase hex SHA-256 of "<seed>:<booking_id>" (65 bytes). */
void sampling_rank(const char *seed, int64_t booking_id, char out[65]);

/* The association gives an inspection still 'assigned', whose household's contact nobody has opened
 * yet, to inspector_id (an active inspector of any inspection body, which then carries it), with
 * its reason on the timeline: once per inspection, or again when the inspector it is with is no
 * longer active. Refusals: reason_required, not_inspector (422), invalid_transition,
 * contact_opened, already_assigned, already_reassigned (409); AJ_ENOTFOUND. */
int inspection_assign(struct store *s, const struct actor *a, int64_t id, int64_t inspector_id, const char *reason,
		      struct fault *f);

/* One indicator's score in a result. */
struct indicator_score {
	int64_t indicator_id;
	int score;            /* 0..100 */
	const char *note;     /* may be NULL */
};

/* The assigned inspector's result: every quality indicator of the booking's category scored once;
 * the score is their mean rounded down (79.5 fails a pass mark of 80). At or above the standard's pass mark the inspection is 'passed';
 * below it 'rectifying' with a deadline, a conduct record against the company (and the worker) and
 * a notice to the company. visited_at is when the call or visit was made: not before the household's
 * contact was first opened, not in the future. Refusals: contact_not_opened, invalid_visit_time, no_indicators, indicator_unknown,
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
