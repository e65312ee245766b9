/* training.h — courses defined by the association, sessions run by training institutions,
 * attendance and exam scores; pass/fail and credits follow from the score. */
#ifndef TRAINING_H
#define TRAINING_H

#include <stdint.h>

#include "anjia.h"

struct store;

struct course_in {
	const char *code, *title, *kind, *trade;   /* trade: for skill courses only */
	int credits, pass_mark, refresher;
};

/* Refusals: code_taken, trade_required, trade_not_allowed. */
int course_create(struct store *s, const struct actor *a, const struct course_in *in, int64_t *id,
		  struct fault *f);
/* Refusals: invalid_period, course_inactive, org_not_found. */
int training_session_create(struct store *s, const struct actor *a, int64_t course_id, int64_t org_id,
		   int64_t starts_at, int64_t ends_at, const char *location, int capacity, int64_t *id,
		   struct fault *f);
/* Refusals: already_enrolled, session_full, session_cancelled, worker_revoked; AJ_ENOTFOUND. */
int enrol(struct store *s, const struct actor *a, int64_t session_id, int64_t worker_id, struct fault *f);
/* Records attendance and the score (score < 0: none; only without attendance). Refusals:
 * session_not_started, session_cancelled; AJ_ENOTFOUND when the worker is not enrolled. */
int record_result(struct store *s, const struct actor *a, int64_t session_id, int64_t worker_id,
		  int attended, int score, struct fault *f);

struct req;
struct strbuf;

/* A session's status as shown: scheduled, completed (every enrolment has its result) or cancelled. */
#define SESSION_STATUS \
	"CASE WHEN t.status = 'scheduled' AND EXISTS (SELECT 1 FROM enrolments e WHERE e.session_id = t.id)" \
	" AND NOT EXISTS (SELECT 1 FROM enrolments e WHERE e.session_id = t.id AND e.recorded_at IS NULL)" \
	" THEN 'completed' ELSE t.status END"

/* The session's state for an audit record. */
int training_session_state(struct store *s, int64_t id, struct strbuf *sb);
/* 0 when the caller of r may run session id (its institution's trainer, or the association), else
 * AJ_ENOTFOUND. */
int training_session_runnable(struct req *r, int64_t id);
/* record_result's work inside the caller's open transaction (nothing rolled back here). */
int training_result_apply(struct store *s, const struct actor *a, int64_t session_id, int64_t worker_id,
			  int attended, int score, struct fault *f);
/* Appends the audit record of the enrolment's state inside the caller's open transaction. */
int training_enrolment_audit(struct store *s, const struct actor *a, const char *action, int64_t session_id,
			     int64_t worker_id);
/* 1 when institution org_id found worker_id by a registry look-up in the hour before now. */
int training_looked_up(struct store *s, int64_t org_id, int64_t worker_id, int64_t now);

#include "util/json_out.h"
/* The worker's enrolments and results, newest first, as an array. */
void training_of_worker_json(struct store *s, int64_t worker_id, struct jw *w);

#endif
