/* no_show.c — a household marked absent is asked, and the service centre checks what the
 * household disputes or leaves unanswered. Each step is one transaction with its timeline event,
 * its notices and its audit record. */
#include "services/no_show.h"

#include <string.h>

#include "auth/audit.h"
#include "http/req.h"
#include "http/schema.h"
#include "rows.h"
#include "services/booking_notices.h"
#include "services/bookings.h"
#include "services/evidence.h"
#include "standards.h"
#include "store/store.h"
#include "timeline.h"
#include "util/clock.h"
#include "util/json_out.h"
#include "util/strbuf.h"
#include "util/timefmt.h"

static const char *const answers[] = {"acknowledge", "served", "worker_absent", NULL};
static const char *const outcomes[] = {"upheld", "served", "worker_absent", NULL};
static const char *const open_states[] = {"pending", "to_check", NULL};
SCHEMA(no_show_answer_body, S_ENUM("answer", F_REQ, answers), S_STR("reason", F_NULL, 2, 200));
SCHEMA(no_show_check_body, S_ENUM("outcome", F_REQ, outcomes), S_STR("note", F_REQ, 2, 200));
SCHEMA(no_shows_query, S_ENUM("state", 0, open_states), S_INT("page", 0, 1, 1000000), S_INT("per_page", 0, 1, 100));

/* What a question needs of its booking. */
struct mark {
	int64_t customer_id, company_id, worker_id;
	char status[16], party[16], state[16];
};

static int load(struct store *s, int64_t id, struct mark *m)
{
	struct stmt *st = store_sql(s, "SELECT customer_id, company_id, coalesce(worker_id, 0), status,"
				       " coalesce(no_show_party, ''), coalesce(no_show_state, '') FROM bookings WHERE id = $1");
	stmt_bind_int(st, 1, id);
	int rc = stmt_step(st);
	if (rc == STORE_ROW) {
		m->customer_id = stmt_int(st, 0);
		m->company_id = stmt_int(st, 1);
		m->worker_id = stmt_int(st, 2);
		str_copy(m->status, sizeof m->status, stmt_text(st, 3));
		str_copy(m->party, sizeof m->party, stmt_text(st, 4));
		str_copy(m->state, sizeof m->state, stmt_text(st, 5));
	}
	stmt_done(st);
	return rc == STORE_ROW ? AJ_OK : rc == STORE_DONE ? AJ_ENOTFOUND : rc;
}

/* The audited state of a question: the booking's status and the question's columns. */
static void state_row(struct jw *w, struct stmt *st)
{
	jw_obj(w);
	jw_kint(w, "id", stmt_int(st, 0));
	jw_kstr(w, "status", stmt_text(st, 1));
	jw_kstr(w, "no_show_party", stmt_text(st, 2));
	jw_kstr(w, "no_show_state", stmt_text(st, 3));
	jw_kstr(w, "no_show_answer", stmt_text(st, 4));
	jw_kstr(w, "no_show_answer_reason", stmt_text(st, 5));
	jw_kstr(w, "no_show_check_note", stmt_text(st, 6));
	jw_obj_end(w);
}

static int audit_state(struct store *s, int64_t id, struct strbuf *sb)
{
	struct stmt *st = store_sql(s, "SELECT id, status, no_show_party, no_show_state, no_show_answer,"
				       " no_show_answer_reason, no_show_check_note FROM bookings WHERE id = $1");
	stmt_bind_int(st, 1, id);
	return audit_row_state(st, state_row, sb);
}

int no_show_opened(struct store *s, int64_t id, const char *party)
{
	if (!party || strcmp(party, "customer") != 0)
		return AJ_OK;
	struct stmt *st = store_sql(s, "UPDATE bookings SET no_show_state = 'pending' WHERE id = $1");
	stmt_bind_int(st, 1, id);
	return stmt_exec(st);
}

/* One step of a question: the row written by st (already bound), its event — and, with f, the
 * household's word on the centre's call that the service happened (services/evidence.h) —, notices
 * and audit record, inside the step's write. */
static int step(struct store *s, const struct actor *a, int64_t id, struct stmt *st, const char *action,
		const char *from, const char *to, const char *note, struct fault *f)
{
	char audit_action[40];
	int rc;
	if ((rc = stmt_exec(st)) != AJ_OK ||
	    (rc = timeline_add(s, TIMELINE_BOOKING, id, a, action, from, to, note, 0)) != AJ_OK ||
	    (f && (rc = evidence_record(s, a, id, EVIDENCE_CALL, 1, note, f)) != AJ_OK) ||
	    (rc = booking_notice(s, id, action)) != AJ_OK)
		return rc;
	snprintf(audit_action, sizeof audit_action, "booking.%s", action);
	return audit_append_state(s, a, audit_action, "booking", id, audit_state);
}

/* A question's step — the household's answer, the centre's check, the job's passing it on — for the
 * write's body (store_write may run it more than once: it sets its outputs afresh). */
struct question {
	const struct actor *a;
	int64_t id;
	const char *word, *note;       /* the answer or the outcome; its reason or note */
	struct fault *f;
};

static int answer_write(struct store *s, void *arg)
{
	const struct question *q = arg;
	const struct actor *a = q->a;
	int64_t id = q->id;
	const char *answer = q->word, *reason = q->note;
	struct mark m;
	*q->f = (struct fault){0};
	int rc = load(s, id, &m);
	if (rc || m.customer_id != a->user_id)
		return rc ? rc : AJ_ENOTFOUND;
	if (strcmp(m.state, "pending") != 0) {
		FAULT(q->f, "invalid_transition", "status");
		return AJ_ECONFLICT;
	}
	int ack = strcmp(answer, "acknowledge") == 0;
	if (!ack && !reason) {
		FAULT(q->f, "no_show_reason_required", "reason");
		return AJ_ERULE;
	}
	struct stmt *st = store_sql(s, "UPDATE bookings SET no_show_state = $2, no_show_answer = $3,"
				       " no_show_answer_reason = $4, no_show_answered_at = $5 WHERE id = $1");
	stmt_bind_int(st, 1, id);
	stmt_bind_text(st, 2, ack ? "acknowledged" : "to_check");
	stmt_bind_text(st, 3, ack ? NULL : answer);
	stmt_bind_text(st, 4, ack ? NULL : reason);
	stmt_bind_int(st, 5, clock_now());
	return step(s, a, id, st, ack ? "no_show_acknowledge" : "no_show_dispute", m.status, m.status, reason, NULL);
}

int no_show_answer(struct store *s, const struct actor *a, int64_t id, const char *answer, const char *reason,
		   struct fault *f)
{
	struct question q = {a, id, answer, reason, f};
	return store_write(s, answer_write, &q);
}

static int check_write(struct store *s, void *arg)
{
	const struct question *q = arg;
	const char *outcome = q->word, *note = q->note;
	struct fault *f = q->f;
	struct mark m;
	*f = (struct fault){0};
	int rc = load(s, q->id, &m);
	if (rc)
		return rc;
	if (strcmp(m.state, "pending") != 0 && strcmp(m.state, "to_check") != 0) {
		FAULT(f, "invalid_transition", "status");
		return AJ_ECONFLICT;
	}
	int64_t now = clock_now();
	int served = strcmp(outcome, "served") == 0, upheld = strcmp(outcome, "upheld") == 0;
	/* a service that took place is completed now, for its review and the spot checks: the
	 * household said so on the centre's call, which is its word that the service happened — it
	 * counts from that word in this month's figures (services/evidence.c); nobody checked in, so it
	 * counts towards no punctuality */
	struct stmt *st = store_sql(s, "UPDATE bookings SET no_show_state = $2, no_show_checked_at = $3,"
				       " no_show_check_note = $4,"
				       " no_show_party = CASE WHEN $5 = 'worker_absent' THEN 'worker' ELSE no_show_party END,"
				       " status = CASE WHEN $5 = 'served' THEN 'completed' ELSE status END,"
				       " completed_month = CASE WHEN $5 = 'served' THEN $6 ELSE completed_month END"
				       " WHERE id = $1");
	stmt_bind_int(st, 1, q->id);
	stmt_bind_text(st, 2, upheld ? "upheld" : "overturned");
	stmt_bind_int(st, 3, now);
	stmt_bind_text(st, 4, note);
	stmt_bind_text(st, 5, outcome);
	stmt_bind_int(st, 6, time_month(now));
	return step(s, q->a, q->id, st, upheld ? "no_show_upheld" : served ? "no_show_served" : "no_show_worker_absent",
		    m.status, served ? "completed" : m.status, note, served ? f : NULL);
}

int no_show_check(struct store *s, const struct actor *a, int64_t id, const char *outcome, const char *note,
		  struct fault *f)
{
	struct question q = {a, id, outcome, note, f};
	return store_write(s, check_write, &q);
}

static int unanswered_write(struct store *s, void *arg)
{
	const struct question *q = arg;
	struct stmt *st = store_sql(s, "UPDATE bookings SET no_show_state = 'to_check' WHERE id = $1"
				       " AND no_show_state = 'pending'");
	stmt_bind_int(st, 1, q->id);
	return step(s, q->a, q->id, st, "no_show_unanswered", "no_show", "no_show", NULL, NULL);
}

int no_shows_due(struct store *s, int64_t now, int *moved)
{
	struct standards sd;
	int rc = standards_get(s, &sd);
	*moved = 0;
	if (rc)
		return rc;
	int64_t ids[200];
	int n = 0;
	struct stmt *st = store_sql(s, "SELECT id FROM bookings WHERE no_show_state = 'pending' AND no_show_at <= $1"
				       " ORDER BY no_show_at, id LIMIT 200");
	stmt_bind_int(st, 1, now - (int64_t)sd.no_show_answer_hours * 3600);
	rc = stmt_ints(st, ids, 200, &n);
	if (rc < 0)
		return rc;
	struct actor a = {0, 0, "jobs"};
	/* one write each: a question that fails leaves those before it passed on */
	for (int i = 0; i < n; i++) {
		struct question q = {.a = &a, .id = ids[i]};
		if ((rc = store_write(s, unanswered_write, &q)) != AJ_OK)
			return rc;
		(*moved)++;
	}
	return AJ_OK;
}

void no_show_json(struct store *s, int64_t id, struct jw *w)
{
	struct stmt *st = store_sql(s, "SELECT no_show_state, no_show_answer, no_show_answer_reason,"
				       " coalesce(no_show_answered_at, 0), coalesce(no_show_checked_at, 0), no_show_check_note"
				       " FROM bookings WHERE id = $1 AND no_show_state IS NOT NULL");
	stmt_bind_int(st, 1, id);
	jw_key(w, "no_show_question");
	if (stmt_step(st) != STORE_ROW) {
		jw_null(w);
	} else {
		jw_obj(w);
		jw_kstr(w, "state", stmt_text(st, 0));
		jw_kstr(w, "answer", stmt_text(st, 1));
		jw_kstr(w, "answer_reason", stmt_text(st, 2));
		jw_ktime(w, "answered_at", stmt_int(st, 3));
		jw_ktime(w, "checked_at", stmt_int(st, 4));
		jw_kstr(w, "check_note", stmt_text(st, 5));
		jw_obj_end(w);
	}
	stmt_done(st);
}

/* ---- HTTP ---- */

/* POST /api/bookings/{id}/no-show/answer {answer, reason}: the booking's customer. */
void api_bookings_no_show_answer(struct req *r)
{
	struct fault f = {0};
	struct actor a = req_actor(r);
	if (r->user.role != ROLE_CUSTOMER) {
		req_error(r, 403, "forbidden", NULL);
		return;
	}
	int rc = no_show_answer(r->store, &a, r->id[0], req_str(r, "answer"), req_str(r, "reason"), &f);
	if (rc)
		req_fault(r, rc, &f);
	else
		booking_reply(r, r->id[0], 200);
}

/* POST /api/bookings/{id}/no-show/check {outcome, note}: the service centre. */
void api_bookings_no_show_check(struct req *r)
{
	struct fault f = {0};
	struct actor a = req_actor(r);
	int rc = no_show_check(r->store, &a, r->id[0], req_str(r, "outcome"), req_str(r, "note"), &f);
	if (rc)
		req_fault(r, rc, &f);
	else
		booking_reply(r, r->id[0], 200);
}

static void queue_row(struct jw *w, struct stmt *st)
{
	jw_obj(w);
	jw_kint(w, "id", stmt_int(st, 0));
	jw_kstr(w, "state", stmt_text(st, 1));
	jw_kint(w, "company_id", stmt_int(st, 2));
	jw_kstr(w, "company_name", stmt_text(st, 3));
	jw_key(w, "category");
	jw_obj(w);
	jw_kstr(w, "name_zh", stmt_text(st, 4));
	jw_kstr(w, "name_en", stmt_text(st, 5));
	jw_obj_end(w);
	jw_kstr(w, "item_title", stmt_text(st, 6));
	jw_ktime(w, "start", stmt_int(st, 7));
	jw_ktime(w, "no_show_at", stmt_int(st, 8));
	jw_kstr(w, "reason", stmt_text(st, 9));
	jw_kstr(w, "answer", stmt_text(st, 10));
	jw_kstr(w, "answer_reason", stmt_text(st, 11));
	jw_obj_end(w);
}

/* GET /api/no-shows?state=: the service centre's queue of households' absences, to_check by
 * default, the oldest first. */
void api_no_shows_list(struct req *r)
{
	struct page pg = req_page(r);
	const char *state = req_qstr(r, "state");
	if (!state)
		state = "to_check";
	int64_t total = 0;
	struct stmt *st = store_sql(r->store, "SELECT count(*) FROM bookings WHERE no_show_state = $1");
	stmt_bind_text(st, 1, state);
	int rc = stmt_one_int(st, &total);
	if (rc) {
		req_fail(r, rc);
		return;
	}
	st = store_sql(r->store, "SELECT b.id, b.no_show_state, b.company_id, o.name, c.name_zh, c.name_en, si.title,"
				 " b.start_at, b.no_show_at, b.no_show_reason, b.no_show_answer, b.no_show_answer_reason"
				 " FROM bookings b JOIN orgs o ON o.id = b.company_id JOIN categories c ON c.id = b.category_id"
				 " JOIN service_items si ON si.id = b.service_item_id"
				 " WHERE b.no_show_state = $1 ORDER BY b.no_show_at, b.id LIMIT $2 OFFSET $3");
	stmt_bind_text(st, 1, state);
	stmt_bind_int(st, 2, pg.per_page);
	stmt_bind_int(st, 3, pg.offset);
	rows_reply_list(r, st, queue_row, &pg, total);
}
