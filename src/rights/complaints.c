/* complaints.c — taking complaints day and night, their two clocks, handling them, showing them.
 * Every move is checked against the complaint's state and the caller's part in it, and done in one
 * transaction with its timeline event and audit record. The rules that keep the clocks honest — what
 * a feedback must say, how long and how often a question may pause the resolution clock — are the
 * association's standards, and hold here, in the write, for every caller (the API, the demo). */
#include "complaints.h"

#include <sodium.h>
#include <string.h>

#include "auth/audit.h"
#include "auth/keys.h"
#include "http/req.h"
#include "http/schema.h"
#include "notify.h"
#include "privacy/access.h"
#include "privacy/phone_index.h"
#include "privacy/sealed.h"
#include "rows.h"
#include "standards.h"
#include "store/store.h"
#include "timeline.h"
#include "util/clock.h"
#include "util/phone.h"
#include "util/timefmt.h"
#include "workforce/worker_access.h"

static const char *const categories[] = {"quality", "safety", "privacy", "property_damage", "punctuality",
					 "attitude", "price", "other", NULL};
static const char *const channels[] = {"web", "phone", "walk_in", NULL};
static const char *const findings[] = {"upheld", "partly_upheld", "not_upheld", NULL};
static const char *const duties[] = {"complaints", "quality", "safety", "service", "training", "management", NULL};
static const char *const list_statuses[] = {"open", "received", "in_progress", "waiting_customer", "resolved",
					    "closed", NULL};
static const char *const list_sorts[] = {"due", "-created", NULL};
static const char *const verifications[] = {"pending", "verified", "rejected", NULL};

#define DESCRIPTION_MAX 2000
#define EVIDENCE_MAX 10
/* complaints a customer may file on the web in a day: enough for any household, not for a flood */
#define CUSTOMER_DAILY_MAX 5

SCHEMA(complaint_body, S_INT("booking_id", F_NULL, 1, INT64_MAX), S_INT("company_id", F_NULL, 1, INT64_MAX),
       S_INT("worker_id", F_NULL, 1, INT64_MAX), S_ENUM("category", F_REQ, categories),
       S_TEXT("description", F_REQ, DESCRIPTION_MAX), S_STRS("evidence", F_NULL, 0, EVIDENCE_MAX, 300, NULL),
       S_ENUM("channel", F_NULL, channels), S_INT("customer_id", F_NULL, 1, INT64_MAX),
       S_STR("contact_name", F_NULL, 1, 50), S_STR("contact_phone", F_NULL, 11, 11));
SCHEMA(responsible_body, S_STR("person", F_REQ, 2, 50), S_ENUM("duty", F_REQ, duties));
SCHEMA(feedback_body, S_TEXT("text", F_REQ, 2000), S_BOOL("ask", F_NULL));
SCHEMA(text_body, S_TEXT("text", F_REQ, 2000));
SCHEMA(reason_body, S_STR("reason", F_REQ, 2, 200));
SCHEMA(resolve_body, S_ENUM("finding", F_REQ, findings), S_TEXT("remedy", F_REQ, 2000));
SCHEMA(accept_body, S_INT("rating", F_REQ, 1, 5), S_TEXT("comment", F_NULL, 500));
SCHEMA(reopen_body, S_STR("reason", F_REQ, 2, 200), S_INT("rating", F_NULL, 1, 5));
SCHEMA(complaint_verify_body, S_TEXT("note", F_REQ, 2000));
SCHEMA(complaint_reject_body, S_TEXT("reason", F_REQ, 500));
SCHEMA(complaints_query, S_ENUM("status", 0, list_statuses), S_BOOL("escalated", 0),
       S_ENUM("verification", 0, verifications),
       S_INT("company_id", 0, 1, INT64_MAX), S_INT("booking_id", 0, 1, INT64_MAX), S_ENUM("sort", 0, list_sorts),
       S_STR("q", 0, 1, 50), S_INT("page", 0, 1, 1000000), S_INT("per_page", 0, 1, 100));

/* ---- the record and who has a part in it ---- */

int complaint_load(struct store *s, int64_t id, struct complaint *c)
{
	struct stmt *st = store_sql(s, "SELECT id, coalesce(customer_id, 0), company_id, coalesce(worker_id, 0),"
				       " coalesce(booking_id, 0), coalesce(taken_by, 0), coalesce(first_feedback_at, 0),"
				       " coalesce(paused_at, 0), coalesce(reopen_until, 0), coalesce(escalated_at, 0), status,"
				       " handler, tracking_no, coalesce(pause_until, 0), pauses, coalesce(verification, '')"
				       " FROM complaints WHERE id = $1");
	stmt_bind_int(st, 1, id);
	int rc = stmt_step(st);
	if (rc == STORE_ROW) {
		c->id = stmt_int(st, 0);
		c->customer_id = stmt_int(st, 1);
		c->company_id = stmt_int(st, 2);
		c->worker_id = stmt_int(st, 3);
		c->booking_id = stmt_int(st, 4);
		c->taken_by = stmt_int(st, 5);
		c->first_feedback_at = stmt_int(st, 6);
		c->paused_at = stmt_int(st, 7);
		c->reopen_until = stmt_int(st, 8);
		c->escalated_at = stmt_int(st, 9);
		str_copy(c->status, sizeof c->status, stmt_text(st, 10));
		str_copy(c->handler, sizeof c->handler, stmt_text(st, 11));
		str_copy(c->tracking_no, sizeof c->tracking_no, stmt_text(st, 12));
		c->pause_until = stmt_int(st, 13);
		c->pauses = (int)stmt_int(st, 14);
		str_copy(c->verification, sizeof c->verification, stmt_text(st, 15));
	}
	stmt_done(st);
	return rc == STORE_ROW ? AJ_OK : rc == STORE_DONE ? AJ_ENOTFOUND : rc;
}

int complaint_unverified(const struct complaint *c)
{
	return strcmp(c->verification, "pending") == 0 || strcmp(c->verification, "rejected") == 0;
}

int complaint_part(enum role role, const struct actor *a, const struct complaint *c)
{
	switch (role) {
	case ROLE_CUSTOMER:
		return c->customer_id && a->user_id == c->customer_id ? CP_CUSTOMER : 0;
	case ROLE_COMPANY_ADMIN:
	case ROLE_COMPANY_STAFF:
		/* an accusation nobody has verified is not the company's to see: none of its clocks run,
		 * and one the centre rejected never was one */
		return a->org_id == c->company_id && !complaint_unverified(c) ? CP_COMPANY : 0;
	case ROLE_CS_AGENT:
		return CP_AGENT;
	case ROLE_ASSOCIATION_ADMIN:
		return CP_ASSOCIATION;
	default:
		return 0;
	}
}

int complaint_handlers(const struct complaint *c)
{
	return strcmp(c->handler, "company") == 0 ? CP_COMPANY | CP_ASSOCIATION : CP_ASSOCIATION;
}

int complaint_event(struct store *s, const struct actor *a, int64_t id, const char *action, const char *from,
		    const char *to, const char *note, int internal)
{
	return timeline_add(s, TIMELINE_COMPLAINT, id, a, action, from, to, note, internal);
}

int complaint_escalate(struct store *s, const struct actor *a, const struct complaint *c, const char *topic,
		       const char *why_zh, const char *why_en, const char *note)
{
	char zh[160], en[160];
	snprintf(zh, sizeof zh, "投诉 %s：%s", c->tracking_no, why_zh);
	snprintf(en, sizeof en, "Complaint %s: %s", c->tracking_no, why_en);
	struct stmt *st = store_sql(s, "UPDATE complaints SET escalated_at = coalesce(escalated_at, $2) WHERE id = $1");
	stmt_bind_int(st, 1, c->id);
	stmt_bind_int(st, 2, clock_now());
	int rc = stmt_exec(st);
	if (rc == AJ_OK && !c->escalated_at && note)
		rc = complaint_event(s, a, c->id, "escalate", c->status, c->status, note, 0);
	if (rc == AJ_OK)
		rc = notify(s, association_org(s), 0, topic, "complaint", c->id, zh, en);
	if (rc == AJ_OK)
		rc = notify(s, c->company_id, 0, topic, "complaint", c->id, zh, en);
	return rc;
}

/* ---- JSON ---- */

/* whether a claim of the complaint waits past its decision or payment deadline (a payment recorded
 * and confirmed by nobody still waits) */
#define CLAIMS_OVERDUE \
	"EXISTS (SELECT 1 FROM claims x WHERE x.complaint_id = c.id AND (x.status IN ('claimed', 'approved')" \
	" OR (x.status = 'paid' AND x.paid_at IS NOT NULL AND x.confirmed_at IS NULL))" \
	" AND (x.decision_breached = 1 OR x.payment_breached = 1))"
#define COMPLAINT_COLUMNS \
	"c.id, c.tracking_no, c.status, c.category, c.description, c.evidence, c.channel, c.customer_id, cu.name," \
	" c.contact_name, c.booking_id, c.company_id, o.name, c.worker_id, w.name, c.handler, c.responsible_person," \
	" c.responsible_duty, c.created_at, c.feedback_due, c.resolve_due, coalesce(c.first_feedback_at, 0)," \
	" coalesce(c.paused_at, 0), c.paused_secs, c.feedback_breached, c.resolve_breached," \
	" coalesce(c.escalated_at, 0), coalesce(c.resolved_at, 0), c.finding, c.remedy, coalesce(c.reopen_until, 0)," \
	" c.reopened, coalesce(c.closed_at, 0), c.closed_by, c.rating, c.rating_comment, c.taken_by, ta.name," \
	" c.feedback_in_time, c.resolved_in_time, coalesce(b.start_at, 0), si.title, " CLAIMS_OVERDUE "," \
	" coalesce(c.pause_until, 0), c.pauses," \
	" greatest(0, coalesce((SELECT x.value FROM standards x WHERE x.key = 'complaint_pauses_max'), 2) - c.pauses)," \
	" c.verification, coalesce(c.verify_due, 0), coalesce(c.verified_at, 0), c.verify_note, c.verified_by, vu.name," \
	" c.verify_breached"
/* the column after COMPLAINT_COLUMNS */
#define COMPLAINT_NCOLS 53
#define COMPLAINT_FROM \
	" FROM complaints c LEFT JOIN users cu ON cu.id = c.customer_id JOIN orgs o ON o.id = c.company_id" \
	" LEFT JOIN workers w ON w.id = c.worker_id LEFT JOIN users ta ON ta.id = c.taken_by" \
	" LEFT JOIN bookings b ON b.id = c.booking_id LEFT JOIN service_items si ON si.id = b.service_item_id" \
	" LEFT JOIN users vu ON vu.id = c.verified_by"

static void kbool_or_null(struct jw *w, const char *key, struct stmt *st, int col)
{
	jw_key(w, key);
	if (stmt_is_null(st, col))
		jw_null(w);
	else
		jw_bool(w, (int)stmt_int(st, col));
}

/* The clock that runs now: feedback until the first feedback, then resolution; none once
 * resolved. A question stops the resolution clock only — the first feedback is owed whatever is
 * asked — and only until its pause runs out (pause_until): past it the clock is shown running again
 * from that moment, as the deadline job will write it. */
static void clock_json(struct jw *w, struct stmt *st)
{
	const char *status = stmt_text(st, 2), *verification = stmt_text(st, 46);
	jw_key(w, "clock");
	if (strcmp(status, "resolved") == 0 || strcmp(status, "closed") == 0) {
		jw_null(w);
		return;
	}
	if (verification && strcmp(verification, "pending") == 0) {
		/* the service centre's clock: the company's have not started */
		int64_t due = stmt_int(st, 47);
		jw_obj(w);
		jw_kstr(w, "name", "verify");
		jw_ktime(w, "due", due);
		jw_kint(w, "seconds_left", due - clock_now());
		jw_kbool(w, "paused", 0);
		jw_ktime(w, "paused_until", 0);
		jw_kbool(w, "breached", (int)stmt_int(st, 52));
		jw_obj_end(w);
		return;
	}
	int feedback = stmt_int(st, 21) == 0;
	int64_t now = clock_now(), due = stmt_int(st, feedback ? 19 : 20);
	int64_t paused = feedback ? 0 : stmt_int(st, 22), until = stmt_int(st, 43);
	if (paused && until && until <= now) {
		due += until - paused;
		paused = 0;
	}
	int64_t left = due - (paused ? paused : now);
	jw_obj(w);
	jw_kstr(w, "name", feedback ? "feedback" : "resolve");
	jw_ktime(w, "due", due);
	jw_kint(w, "seconds_left", left);
	jw_kbool(w, "paused", paused != 0);
	jw_ktime(w, "paused_until", paused ? until : 0);
	jw_kbool(w, "breached", (int)stmt_int(st, feedback ? 24 : 25));
	jw_obj_end(w);
}

/* Whether the complaint waits for, passed or failed the service centre's verification, when it
 * needs one: its deadline, when and by whom it was settled, and what the centre found (or the
 * reason for a rejection, which the complainant is told). */
static void verification_json(struct jw *w, struct stmt *st)
{
	jw_key(w, "verification");
	if (stmt_is_null(st, 46)) {
		jw_null(w);
		return;
	}
	jw_obj(w);
	jw_kstr(w, "status", stmt_text(st, 46));
	jw_ktime(w, "due", stmt_int(st, 47));
	jw_kbool(w, "overdue", (int)stmt_int(st, 52));
	jw_ktime(w, "at", stmt_int(st, 48));
	jw_kref(w, "by", stmt_int(st, 50), stmt_text(st, 51));
	jw_kstr(w, "note", stmt_text(st, 49));
	jw_obj_end(w);
}

/* The members of the complaint at the current row; full shows the worker's real name. */
static void complaint_fields(struct jw *w, struct stmt *st, int full)
{
	jw_kint(w, "id", stmt_int(st, 0));
	jw_kstr(w, "tracking_no", stmt_text(st, 1));
	jw_kstr(w, "status", stmt_text(st, 2));
	jw_kstr(w, "category", stmt_text(st, 3));
	jw_kstr(w, "description", stmt_text(st, 4));
	jw_key(w, "evidence");
	const char *ev = stmt_text(st, 5);
	jw_raw(w, ev ? ev : "[]", ev ? strlen(ev) : 2);
	jw_kstr(w, "channel", stmt_text(st, 6));
	jw_kref(w, "customer", stmt_int(st, 7), stmt_text(st, 8));
	jw_kstr(w, "contact_name", stmt_text(st, 9));
	jw_key(w, "booking");
	if (stmt_is_null(st, 10)) {
		jw_null(w);
	} else {
		jw_obj(w);
		jw_kint(w, "id", stmt_int(st, 10));
		jw_ktime(w, "start", stmt_int(st, 40));
		jw_kstr(w, "title", stmt_text(st, 41));
		jw_obj_end(w);
	}
	jw_kref(w, "company", stmt_int(st, 11), stmt_text(st, 12));
	jw_kworker(w, "worker", st, 13, 14, full);
	jw_kstr(w, "handler", stmt_text(st, 15));
	jw_key(w, "responsible");
	if (stmt_is_null(st, 16)) {
		jw_null(w);
	} else {
		jw_obj(w);
		jw_kstr(w, "person", stmt_text(st, 16));
		jw_kstr(w, "duty", stmt_text(st, 17));
		jw_obj_end(w);
	}
	jw_ktime(w, "created_at", stmt_int(st, 18));
	jw_ktime(w, "feedback_due", stmt_int(st, 19));
	jw_ktime(w, "resolve_due", stmt_int(st, 20));
	jw_ktime(w, "first_feedback_at", stmt_int(st, 21));
	jw_ktime(w, "paused_at", stmt_int(st, 22));
	jw_ktime(w, "pause_until", stmt_int(st, 43));
	jw_kint(w, "paused_seconds", stmt_int(st, 23));
	jw_kint(w, "pauses", stmt_int(st, 44));
	jw_kint(w, "pauses_left", stmt_int(st, 45));
	jw_kbool(w, "feedback_breached", (int)stmt_int(st, 24));
	jw_kbool(w, "resolve_breached", (int)stmt_int(st, 25));
	kbool_or_null(w, "feedback_in_time", st, 38);
	kbool_or_null(w, "resolved_in_time", st, 39);
	jw_kbool(w, "claims_overdue", (int)stmt_int(st, 42));
	jw_ktime(w, "escalated_at", stmt_int(st, 26));
	clock_json(w, st);
	jw_ktime(w, "resolved_at", stmt_int(st, 27));
	jw_kstr(w, "finding", stmt_text(st, 28));
	jw_kstr(w, "remedy", stmt_text(st, 29));
	jw_ktime(w, "reopen_until", stmt_int(st, 30));
	jw_kint(w, "reopened", stmt_int(st, 31));
	jw_ktime(w, "closed_at", stmt_int(st, 32));
	jw_kstr(w, "closed_by", stmt_text(st, 33));
	jw_key(w, "rating");
	if (stmt_is_null(st, 34))
		jw_null(w);
	else
		jw_int(w, stmt_int(st, 34));
	jw_kstr(w, "rating_comment", stmt_text(st, 35));
	jw_kref(w, "taken_by", stmt_int(st, 36), stmt_text(st, 37));
	verification_json(w, st);
}

static void row_full(struct jw *w, struct stmt *st)
{
	jw_obj(w);
	complaint_fields(w, st, 1);
	jw_obj_end(w);
}

static void row_masked(struct jw *w, struct stmt *st)
{
	jw_obj(w);
	complaint_fields(w, st, 0);
	jw_obj_end(w);
}

/* The claims of complaint id, as a JSON array: part of the complaint's view. */
static void claims_json(struct store *s, int64_t complaint_id, struct jw *w)
{
	struct stmt *st = store_sql(s, "SELECT " CLAIM_COLUMNS " FROM claims WHERE claims.complaint_id = $1 ORDER BY claims.id");
	stmt_bind_int(st, 1, complaint_id);
	jw_arr(w);
	while (stmt_step(st) == STORE_ROW)
		claim_row_json(w, st);
	stmt_done(st);
	jw_arr_end(w);
}

int complaint_state(struct store *s, int64_t id, struct strbuf *sb)
{
	struct stmt *st = store_sql(s, "SELECT " COMPLAINT_COLUMNS COMPLAINT_FROM " WHERE c.id = $1");
	stmt_bind_int(st, 1, id);
	return audit_row_state(st, row_full, sb);
}

/* ---- intake ---- */

/* The company hears of complaint id (tracking number tracking) and its first feedback's deadline:
 * at intake, or — for one without a booking — at its verification. */
static int tell_received(struct store *s, int64_t company, int64_t id, const char *tracking,
			 const struct standards *sd)
{
	char zh[120], en[120];
	snprintf(zh, sizeof zh, "新投诉 %s，请在 %d 小时内首次反馈。", tracking, sd->complaint_feedback_hours);
	snprintf(en, sizeof en, "New complaint %s: first feedback due within %d hours.", tracking,
		 sd->complaint_feedback_hours);
	return notify(s, company, 0, "complaint_received", "complaint", id, zh, en);
}


/* Finds what the complaint is about: a booking (the customer's own, for a customer), else a
 * worker (and their current company), else a company. *booked: about a booking, by its customer. */
static int subject(struct store *s, enum role role, struct complaint_in *in, int *booked, struct fault *f)
{
	*booked = 0;
	if (in->booking_id) {
		int64_t customer = 0, company = 0, worker = 0;
		struct stmt *st = store_sql(s, "SELECT customer_id, company_id, coalesce(worker_id, 0) FROM bookings"
					       " WHERE id = $1");
		stmt_bind_int(st, 1, in->booking_id);
		int rc = stmt_step(st);
		if (rc == STORE_ROW) {
			customer = stmt_int(st, 0);
			company = stmt_int(st, 1);
			worker = stmt_int(st, 2);
		}
		stmt_done(st);
		if (rc == STORE_DONE || (rc == STORE_ROW && role == ROLE_CUSTOMER && customer != in->customer_id)) {
			FAULT(f, "not_found", "booking_id");
			return AJ_ENOTFOUND;
		}
		if (rc != STORE_ROW)
			return rc;
		if ((in->company_id && in->company_id != company) || (in->worker_id && in->worker_id != worker)) {
			FAULT(f, "subject_mismatch", in->worker_id && in->worker_id != worker ? "worker_id" : "company_id");
			return AJ_ERULE;
		}
		if (!in->customer_id)
			in->customer_id = customer;
		in->company_id = company;
		in->worker_id = worker;
		*booked = in->customer_id == customer;
		return AJ_OK;
	}
	if (in->worker_id) {
		int64_t company = 0;
		struct stmt *st = store_sql(s, "SELECT coalesce(company_id, 0) FROM workers WHERE id = $1");
		stmt_bind_int(st, 1, in->worker_id);
		int rc = stmt_one_int(st, &company);
		if (rc == AJ_ENOTFOUND)
			FAULT(f, "not_found", "worker_id");
		if (rc)
			return rc;
		if (!company) {
			FAULT(f, "worker_without_company", "worker_id");
			return AJ_ERULE;
		}
		if (in->company_id && in->company_id != company) {
			FAULT(f, "worker_not_at_company", "worker_id");
			return AJ_ERULE;
		}
		in->company_id = company;
		return AJ_OK;
	}
	if (!in->company_id) {
		FAULT(f, "subject_required", "company_id");
		return AJ_ERULE;
	}
	int64_t n = 0;
	struct stmt *st = store_sql(s, "SELECT count(*) FROM orgs WHERE id = $1 AND kind = 'company'");
	stmt_bind_int(st, 1, in->company_id);
	int rc = stmt_one_int(st, &n);
	if (rc == AJ_OK && !n) {
		FAULT(f, "not_found", "company_id");
		rc = AJ_ENOTFOUND;
	}
	return rc;
}

/* How many complaints without a booking against company since `since` one key has (the account,
 * the call-back number's hash or the network address's), and when the oldest of them came. */
static int unbooked_count(struct store *s, int which, int64_t company, int64_t since, int64_t account,
			  const char *hash, int64_t *n, int64_t *oldest)
{
	struct stmt *st = which == 0
		? store_sql(s, "SELECT count(*), coalesce(min(created_at), 0) FROM complaints WHERE company_id = $1"
			       " AND verification IS NOT NULL AND created_at > $2 AND customer_id = $3")
		: which == 1
		? store_sql(s, "SELECT count(*), coalesce(min(created_at), 0) FROM complaints WHERE company_id = $1"
			       " AND verification IS NOT NULL AND created_at > $2 AND contact_phone_hash = $4")
		: store_sql(s, "SELECT count(*), coalesce(min(created_at), 0) FROM complaints WHERE company_id = $1"
			       " AND verification IS NOT NULL AND created_at > $2 AND filed_from_hash = $4");
	stmt_bind_int(st, 1, company);
	stmt_bind_int(st, 2, since);
	if (which == 0)
		stmt_bind_int(st, 3, account);
	else
		stmt_bind_text(st, 4, hash);
	int rc = stmt_step(st);
	if (rc == STORE_ROW) {
		*n = stmt_int(st, 0);
		*oldest = stmt_int(st, 1);
	}
	stmt_done(st);
	return rc == STORE_ROW ? AJ_OK : rc < 0 ? rc : AJ_ESTORE;
}

/* The limits on complaints without a booking against one company: per account, per call-back
 * number and per network address, each unbooked_complaints_max in unbooked_complaint_days, every
 * such complaint counted — verified, waiting or rejected. */
static int unbooked_limits(struct store *s, const struct standards *sd, struct complaint_in *in,
			   const char *phone_hash, const char *addr_hash, int64_t now, struct fault *f)
{
	static const char *const fields[] = {"account", "contact_phone", "address"};
	int64_t period = (int64_t)sd->unbooked_complaint_days * 86400;
	for (int which = 0; which < 3; which++) {
		if ((which == 0 && !in->customer_id) || (which == 1 && !phone_hash[0]) || (which == 2 && !addr_hash[0]))
			continue;
		int64_t n = 0, oldest = 0;
		int rc = unbooked_count(s, which, in->company_id, now - period, in->customer_id,
					which == 1 ? phone_hash : addr_hash, &n, &oldest);
		if (rc)
			return rc;
		if (n >= sd->unbooked_complaints_max) {
			in->retry_after = oldest + period - now > 0 ? oldest + period - now : 1;
			FAULT(f, "too_many_unbooked_complaints", fields[which]);
			return AJ_ELIMIT;
		}
	}
	return AJ_OK;
}

/* A filing's or a move's inputs and outputs, for the write's body (store_write may run it more than
 * once: it sets its outputs afresh). */
struct filing {
	const struct actor *a;
	enum role role;
	struct complaint_in *in;
	int64_t id, *out_id;
	enum complaint_action act;
	const struct move_in *move;
	struct fault *f;
};

static int create_write(struct store *s, void *arg)
{
	struct filing *fl = arg;
	const struct actor *a = fl->a;
	enum role role = fl->role;
	struct complaint_in *in = fl->in;
	int64_t *id = fl->out_id;
	struct fault *f = fl->f;
	struct standards sd;
	int booked = 0, rc;
	*f = (struct fault){0};
	if ((rc = standards_get(s, &sd)) != AJ_OK || (rc = subject(s, role, in, &booked, f)) != AJ_OK)
		goto fail;
	if (role == ROLE_CUSTOMER) {
		int64_t today = 0;
		struct stmt *st = store_sql(s, "SELECT count(*) FROM complaints WHERE customer_id = $1 AND channel = 'web'"
					       " AND created_at > $2 - 86400 AND created_at <= $2");
		stmt_bind_int(st, 1, in->customer_id);
		stmt_bind_int(st, 2, clock_now());
		if ((rc = stmt_one_int(st, &today)) != AJ_OK)
			goto fail;
		if (today >= CUSTOMER_DAILY_MAX) {
			FAULT(f, "too_many_complaints", NULL);
			rc = AJ_ELIMIT;
			goto fail;
		}
	}
	/* a caller without an account is reached only on the number they leave: no number, no intake;
	 * and a customer on the web with no booking of theirs leaves one for the service centre to call
	 * to verify it */
	if (!in->contact_phone && ((role != ROLE_CUSTOMER && !in->customer_id) || (role == ROLE_CUSTOMER && !booked))) {
		FAULT(f, "callback_phone_required", "contact_phone");
		rc = AJ_EINVAL;
		goto fail;
	}
	if (role != ROLE_CUSTOMER && in->customer_id) {
		int64_t n = 0;
		struct stmt *st = store_sql(s, "SELECT count(*) FROM users WHERE id = $1 AND role = 'customer'");
		stmt_bind_int(st, 1, in->customer_id);
		if ((rc = stmt_one_int(st, &n)) != AJ_OK)
			goto fail;
		if (!n) {
			FAULT(f, "not_found", "customer_id");
			rc = AJ_ENOTFOUND;
			goto fail;
		}
	}
	int64_t now = clock_now(), next = 0;
	if ((rc = store_next_id(s, "complaints", &next)) != AJ_OK)
		goto fail;
	char day[11], tracking[24];
	time_format_date(time_today(), day);
	snprintf(tracking, sizeof tracking, "TS%.4s%.2s%.2s-%06lld", day, day + 5, day + 8, (long long)next);
	char phone_hash[KEYS_HASH_LEN] = "", addr_hash[KEYS_HASH_LEN] = "";
	if (in->contact_phone)
		phone_index_hash(in->contact_phone, phone_hash);
	/* not about a booking of its customer's: an accusation for the service centre to verify, and
	 * counted against the limits (the network address only a customer's own: an agent's is the
	 * centre's) */
	if (!booked) {
		if (role == ROLE_CUSTOMER && in->peer && in->peer[0]) {
			char buf[96];
			snprintf(buf, sizeof buf, "addr:%s", in->peer);
			keys_lookup_hash(buf, addr_hash);
		}
		if ((rc = unbooked_limits(s, &sd, in, phone_hash, addr_hash, now, f)) != AJ_OK)
			goto fail;
	}
	char *phone = in->contact_phone ? keys_seal_for(SEALED_COMPLAINT_PHONE, next, in->contact_phone) : NULL;
	struct stmt *st = store_sql(s,
		"INSERT INTO complaints (id, tracking_no, customer_id, contact_name, contact_phone_sealed, channel, taken_by,"
		" booking_id, company_id, worker_id, category, description, evidence, status, created_at, month,"
		" feedback_due, resolve_due, contact_phone_hash, verification, verify_due, filed_from_hash)"
		" VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, 'received', $14, $15, $16, $17, $18,"
		" $19, $20, $21)");
	stmt_bind_int(st, 1, next);
	stmt_bind_text(st, 2, tracking);
	stmt_bind_id(st, 3, in->customer_id);
	stmt_bind_text(st, 4, in->contact_name);
	stmt_bind_text(st, 5, phone);
	stmt_bind_text(st, 6, in->channel);
	stmt_bind_id(st, 7, role == ROLE_CUSTOMER ? 0 : a->user_id);
	stmt_bind_id(st, 8, in->booking_id);
	stmt_bind_int(st, 9, in->company_id);
	stmt_bind_id(st, 10, in->worker_id);
	stmt_bind_text(st, 11, in->category);
	stmt_bind_text(st, 12, in->description);
	stmt_bind_text(st, 13, in->evidence);
	stmt_bind_int(st, 14, now);
	stmt_bind_int(st, 15, time_month(now));
	stmt_bind_int(st, 16, now + (int64_t)sd.complaint_feedback_hours * 3600);
	stmt_bind_int(st, 17, now + (int64_t)sd.complaint_resolve_days * 86400);
	stmt_bind_text(st, 18, phone ? phone_hash : NULL);
	stmt_bind_text(st, 19, booked ? NULL : "pending");
	if (booked)
		stmt_bind_null(st, 20);
	else
		stmt_bind_int(st, 20, now + (int64_t)sd.complaint_verify_hours * 3600);
	stmt_bind_text(st, 21, addr_hash[0] ? addr_hash : NULL);
	rc = stmt_exec(st);
	free(phone);
	if (rc)
		goto fail;
	*id = next;
	if ((rc = complaint_event(s, a, next, "file", NULL, "received", in->channel, 0)) != AJ_OK)
		goto fail;
	if (booked) {
		rc = tell_received(s, in->company_id, next, tracking, &sd);
	} else if (in->customer_id) {
		char zh[240], en[240];
		snprintf(zh, sizeof zh, "投诉 %s 没有对应的预约，客服中心将在 %d 小时内联系您核实，核实后再转企业处理。",
			 tracking, sd.complaint_verify_hours);
		snprintf(en, sizeof en, "Complaint %s is about no booking of yours: the service centre contacts you within"
					" %d hours to verify it, and passes it to the company once verified.",
			 tracking, sd.complaint_verify_hours);
		rc = notify(s, 0, in->customer_id, "complaint_awaiting_verification", "complaint", next, zh, en);
	}
	if (rc)
		goto fail;
	return audit_append_state(s, a, "complaint.file", "complaint", next, complaint_state);
fail:
	return rc;
}

int complaint_create(struct store *s, const struct actor *a, enum role role, struct complaint_in *in,
			    int64_t *id, struct fault *f)
{
	struct filing fl = {.a = a, .role = role, .in = in, .out_id = id, .f = f};
	return store_write(s, create_write, &fl);
}

/* ---- moves ---- */

static const char *const open_states[] = {"received", "in_progress", "waiting_customer", NULL};
static const char *const not_closed[] = {"received", "in_progress", "waiting_customer", "resolved", NULL};
static const char *const from_resolved[] = {"resolved", NULL};
static const char *const from_received[] = {"received", NULL};

static const struct {
	const char *action;
	int allowed;              /* parts that may; CP_COMPANY only while the company handles it */
	const char *const *from;
} moves[] = {
	[CA_RESPONSIBLE] = {"responsible", CP_COMPANY | CP_ASSOCIATION, not_closed},
	/* a question (ask) only from received or in progress: apply() says so */
	[CA_FEEDBACK] = {"feedback", CP_COMPANY | CP_ASSOCIATION, open_states},
	[CA_ANSWER] = {"answer", CP_CUSTOMER | CP_AGENT, open_states},
	[CA_NOTE] = {"note", CP_COMPANY | CP_AGENT | CP_ASSOCIATION, not_closed},
	[CA_ESCALATE] = {"escalate", CP_AGENT | CP_ASSOCIATION, open_states},
	[CA_TAKEOVER] = {"takeover", CP_ASSOCIATION, not_closed},
	[CA_RESOLVE] = {"resolve", CP_COMPANY | CP_ASSOCIATION, open_states},
	[CA_ACCEPT] = {"accept", CP_CUSTOMER | CP_AGENT, from_resolved},
	[CA_REOPEN] = {"reopen", CP_CUSTOMER | CP_AGENT, from_resolved},
	/* the service centre's, and the association's behind it: while the verification waits */
	[CA_VERIFY] = {"verify", CP_AGENT | CP_ASSOCIATION, from_received},
	[CA_REJECT] = {"reject", CP_AGENT | CP_ASSOCIATION, from_received},
};

static int in_states(const char *status, const char *const *from)
{
	for (const char *const *p = from; *p; p++)
		if (strcmp(status, *p) == 0)
			return 1;
	return 0;
}

/* The code point of the UTF-8 sequence at *p, *p moved past it; a byte that starts none counts as
 * U+FFFD. */
static uint32_t utf8_next(const unsigned char **p)
{
	const unsigned char *q = *p;
	uint32_t c = q[0];
	int n = c < 0x80 ? 0 : (c & 0xE0) == 0xC0 ? 1 : (c & 0xF0) == 0xE0 ? 2 : (c & 0xF8) == 0xF0 ? 3 : -1;
	if (n < 0) {
		*p = q + 1;
		return 0xFFFD;
	}
	c = n == 0 ? c : n == 1 ? c & 0x1F : n == 2 ? c & 0x0F : c & 0x07;
	for (int i = 1; i <= n; i++) {
		if ((q[i] & 0xC0) != 0x80) {
			*p = q + i;
			return 0xFFFD;
		}
		c = c << 6 | (q[i] & 0x3F);
	}
	*p = q + n + 1;
	return c;
}

/* What one character weighs as content: a letter or digit 1, a Chinese, Japanese or Korean
 * character 2 (it carries about a word), spaces, punctuation, symbols, marks and emoji nothing. */
static int char_weight(uint32_t c)
{
	if (c < 0x80)
		return (c >= '0' && c <= '9') || ((c | 0x20) >= 'a' && (c | 0x20) <= 'z');
	if (c < 0xC0 || c == 0xD7 || c == 0xF7)
		return 0; /* controls, Latin-1 punctuation and symbols, × ÷ */
	if (c >= 0x0300 && c < 0x0370)
		return 0; /* combining marks */
	if (c >= 0x2000 && c < 0x2E80)
		return 0; /* punctuation, symbols, arrows, boxes, dingbats, invisible spaces */
	if (c >= 0x3000 && c < 0x3040)
		return 0; /* 。、「」 and the ideographic space */
	if ((c >= 0x2E80 && c < 0x3000) || (c >= 0x3040 && c < 0xA000) || (c >= 0xAC00 && c < 0xD7B0) ||
	    (c >= 0xF900 && c < 0xFB00) || (c >= 0x20000 && c < 0x40000))
		return 2;
	if (c >= 0xFF00 && c < 0xFFF0) /* full-width forms: only the letters and digits */
		return (c >= 0xFF10 && c <= 0xFF19) || (c >= 0xFF21 && c <= 0xFF3A) || (c >= 0xFF41 && c <= 0xFF5A);
	if ((c >= 0xD800 && c < 0xF900) || (c >= 0xFE00 && c < 0xFE70) || c == 0xFEFF || (c >= 0xFFF0 && c < 0x10000))
		return 0; /* surrogates, private use, variation selectors, CJK punctuation forms, specials */
	if (c >= 0x1F000 && c < 0x20000)
		return 0; /* emoji and pictographs */
	return 1;         /* the letters of other scripts */
}

int complaint_text_substance(const char *text)
{
	int n = 0;
	const unsigned char *p = (const unsigned char *)(text ? text : "");
	while (*p)
		n += char_weight(utf8_next(&p));
	return n;
}

/* Whether text says enough to count as a feedback, a question or a remedy. */
static int says_enough(const struct standards *sd, const char *text)
{
	return complaint_text_substance(text) >= sd->complaint_text_min;
}

/* Ends a pause: the time waited for the customer moves the resolution deadline on — up to the
 * pause's limit, never beyond, whenever the answer comes. The feedback deadline never waits, and
 * neither do the claims'. */
static int resume_clocks(struct store *s, const struct complaint *c, int64_t now)
{
	if (!c->paused_at)
		return AJ_OK;
	int64_t end = c->pause_until && c->pause_until < now ? c->pause_until : now;
	if (end < c->paused_at)
		end = c->paused_at;
	struct stmt *st = store_sql(s, "UPDATE complaints SET paused_secs = paused_secs + ($2 - paused_at),"
				       " resolve_due = resolve_due + ($2 - paused_at), paused_at = NULL, pause_until = NULL,"
				       " pause_reminded = 0 WHERE id = $1");
	stmt_bind_int(st, 1, c->id);
	stmt_bind_int(st, 2, end);
	return stmt_exec(st);
}

/* Stamps the first feedback and whether it came in time. */
static int first_feedback(struct store *s, const struct complaint *c, int64_t now)
{
	if (c->first_feedback_at)
		return AJ_OK;
	struct stmt *st = store_sql(s, "UPDATE complaints SET first_feedback_at = $2,"
				       " feedback_in_time = CASE WHEN $2 <= feedback_due THEN 1 ELSE 0 END WHERE id = $1");
	stmt_bind_int(st, 1, c->id);
	stmt_bind_int(st, 2, now);
	return stmt_exec(st);
}

static int set_status(struct store *s, int64_t id, const char *to)
{
	struct stmt *st = store_sql(s, "UPDATE complaints SET status = $2 WHERE id = $1");
	stmt_bind_int(st, 1, id);
	stmt_bind_text(st, 2, to);
	return stmt_exec(st);
}

/* A notice about complaint c, its tracking number first, to its customer (when they have an
 * account) or to its company. */
static int tell(struct store *s, const struct complaint *c, int64_t org, int64_t user, const char *topic,
		const char *zh, const char *en)
{
	char tzh[240], ten[240];
	snprintf(tzh, sizeof tzh, "投诉 %s：%s", c->tracking_no, zh);
	snprintf(ten, sizeof ten, "Complaint %s: %s", c->tracking_no, en);
	return notify(s, org, user, topic, "complaint", c->id, tzh, ten);
}

int complaint_tell_customer(struct store *s, const struct complaint *c, const char *topic, const char *zh,
			    const char *en)
{
	return c->customer_id ? tell(s, c, 0, c->customer_id, topic, zh, en) : AJ_OK;
}

int complaint_tell_company(struct store *s, const struct complaint *c, const char *topic, const char *zh,
			   const char *en)
{
	return tell(s, c, c->company_id, 0, topic, zh, en);
}

int complaint_tell_caller(struct store *s, const struct complaint *c, const char *topic, const char *zh,
			  const char *en, const char *centre_zh, const char *centre_en)
{
	if (c->customer_id)
		return tell(s, c, 0, c->customer_id, topic, zh, en);
	/* a caller without an account hears it by phone: the agent who took the call, while still on the
	 * team, else the whole service centre (the association's people) */
	int64_t agent = 0;
	if (c->taken_by) {
		struct stmt *st = store_sql(s, "SELECT count(*) FROM users WHERE id = $1 AND role = 'cs_agent'"
					       " AND status = 'active'");
		stmt_bind_int(st, 1, c->taken_by);
		int rc = stmt_one_int(st, &agent);
		if (rc)
			return rc;
	}
	return agent ? tell(s, c, 0, c->taken_by, "complaint_call_back", centre_zh, centre_en)
		     : tell(s, c, association_org(s), 0, "complaint_call_back", centre_zh, centre_en);
}

/* A question to the customer (from received or in progress): the resolution clock stops, for at
 * most the standard's hours, at most the standard's number of times in the complaint's life; it is
 * not the first feedback. */
static int ask(struct store *s, const struct standards *sd, const struct complaint *c, int64_t now,
	       const char **to, struct fault *f)
{
	if (c->pauses >= sd->complaint_pauses_max) {
		FAULT(f, "pause_limit_reached", "ask");
		return AJ_ERULE;
	}
	*to = "waiting_customer";
	struct stmt *st = store_sql(s, "UPDATE complaints SET status = 'waiting_customer', paused_at = $2, pause_until = $3,"
				       " pauses = pauses + 1, pause_reminded = 0 WHERE id = $1");
	stmt_bind_int(st, 1, c->id);
	stmt_bind_int(st, 2, now);
	stmt_bind_int(st, 3, now + (int64_t)sd->complaint_pause_max_hours * 3600);
	int rc = stmt_exec(st);
	if (rc)
		return rc;
	char zh[200], en[200], czh[200], cen[200];
	snprintf(zh, sizeof zh, "处理方有问题需要您答复，答复前处理时限暂停（最长 %d 小时）。", sd->complaint_pause_max_hours);
	snprintf(en, sizeof en, "the handler asks you a question; the resolution clock waits for your answer (%d hours"
				" at most).", sd->complaint_pause_max_hours);
	snprintf(czh, sizeof czh, "处理方向来电人提问，请回电转达，并在 %d 小时内代为录入答复。", sd->complaint_pause_max_hours);
	snprintf(cen, sizeof cen, "the handler asks the caller a question: call them back and enter their answer within"
				  " %d hours.", sd->complaint_pause_max_hours);
	return complaint_tell_caller(s, c, "complaint_question", zh, en, czh, cen);
}

/* The service centre reached the complainant and the account holds up: the accusation becomes a
 * complaint against the company, whose clocks start now — the first feedback due in
 * complaint_feedback_hours, the resolution in complaint_resolve_days, as if received now — and
 * which hears of it now. */
static int verify(struct store *s, const struct actor *a, const struct standards *sd, const struct complaint *c,
		  int64_t now, const char *note, struct fault *f)
{
	if (!says_enough(sd, note)) {
		FAULT(f, "too_little_content", "note");
		return AJ_ERULE;
	}
	struct stmt *st = store_sql(s, "UPDATE complaints SET verification = 'verified', verified_at = $2, verified_by = $3,"
				       " verify_note = $4, feedback_due = $5, resolve_due = $6 WHERE id = $1");
	stmt_bind_int(st, 1, c->id);
	stmt_bind_int(st, 2, now);
	stmt_bind_id(st, 3, a->user_id);
	stmt_bind_text(st, 4, note);
	stmt_bind_int(st, 5, now + (int64_t)sd->complaint_feedback_hours * 3600);
	stmt_bind_int(st, 6, now + (int64_t)sd->complaint_resolve_days * 86400);
	int rc = stmt_exec(st);
	if (rc || (rc = tell_received(s, c->company_id, c->id, c->tracking_no, sd)) != AJ_OK)
		return rc;
	return complaint_tell_customer(s, c, "complaint_verified", "客服中心已核实，投诉已转企业处理，处理时限从现在起算。",
				       "the service centre verified it and passed it to the company; its clocks run from now.");
}

/* The account did not hold up (or the complainant could not be reached): closed, never the
 * company's, with the reason the complainant is told — in their account, or by the service centre
 * on the number they left. */
static int reject(struct store *s, const struct actor *a, const struct standards *sd, const struct complaint *c,
		  int64_t now, const char *reason, struct fault *f)
{
	if (!says_enough(sd, reason)) {
		FAULT(f, "too_little_content", "reason");
		return AJ_ERULE;
	}
	struct stmt *st = store_sql(s, "UPDATE complaints SET verification = 'rejected', verified_at = $2, verified_by = $3,"
				       " verify_note = $4, status = 'closed', closed_at = $2 WHERE id = $1");
	stmt_bind_int(st, 1, c->id);
	stmt_bind_int(st, 2, now);
	stmt_bind_id(st, 3, a->user_id);
	stmt_bind_text(st, 4, reason);
	int rc = stmt_exec(st);
	if (rc)
		return rc;
	/* the reason is on the complaint, for the complainant to read (a notice is one line); a caller
	 * without an account hears it from the agent who took the call, unless that is who rejected it */
	if (!c->customer_id && c->taken_by == a->user_id)
		return AJ_OK;
	return complaint_tell_caller(s, c, "complaint_rejected", "客服中心核实后未予受理，原因见投诉详情。",
				     "the service centre did not accept it after checking; the reason is on the complaint.",
				     "核实未通过：请回电来电人，告知投诉详情中记录的原因。",
				     "not accepted after checking: call the caller back and tell them the reason on the complaint.");
}

/* The move's own writes; c->status is the state it starts from. *to is the state it ends in. */
static int apply(struct store *s, const struct actor *a, int part, struct complaint *c, enum complaint_action act,
		 const struct move_in *in, const char **to, struct fault *f)
{
	struct standards sd;
	int64_t now = clock_now();
	int rc = standards_get(s, &sd);
	if (rc)
		return rc;
	*to = c->status;
	switch (act) {
	case CA_RESPONSIBLE: {
		struct stmt *st = store_sql(s, "UPDATE complaints SET responsible_person = $2, responsible_duty = $3"
					       " WHERE id = $1");
		stmt_bind_int(st, 1, c->id);
		stmt_bind_text(st, 2, in->person);
		stmt_bind_text(st, 3, in->duty);
		return stmt_exec(st);
	}
	case CA_FEEDBACK:
		if (in->ask && strcmp(c->status, "waiting_customer") == 0) {
			FAULT(f, "invalid_transition", "status"); /* one question at a time */
			return AJ_ECONFLICT;
		}
		if (!says_enough(&sd, in->text)) {
			FAULT(f, "too_little_content", "text");
			return AJ_ERULE;
		}
		if (in->ask)
			return ask(s, &sd, c, now, to, f);
		/* feedback while a question waits leaves it waiting */
		if (strcmp(c->status, "received") == 0)
			*to = "in_progress";
		if ((rc = first_feedback(s, c, now)) != AJ_OK || (rc = set_status(s, c->id, *to)) != AJ_OK)
			return rc;
		return complaint_tell_customer(s, c, "complaint_feedback", "处理方给出了反馈。", "the handler sent you feedback.");
	case CA_ANSWER:
		if (strcmp(c->status, "waiting_customer") != 0)
			return AJ_OK;   /* more from the customer: no clock moves */
		*to = "in_progress";
		if ((rc = resume_clocks(s, c, now)) != AJ_OK || (rc = set_status(s, c->id, *to)) != AJ_OK)
			return rc;
		return part & CP_AGENT
			       ? complaint_tell_company(s, c, "complaint_answered", "客服中心已代来电人答复，时限恢复计时。",
							"the service centre answered for the caller; the clock runs again.")
			       : complaint_tell_company(s, c, "complaint_answered", "客户已答复，时限恢复计时。",
							"the customer answered; the clock runs again.");
	case CA_NOTE:
		/* a note on one still to verify is the centre's own: the company has nothing to be chased for */
		return part & CP_AGENT && !complaint_unverified(c)
			       ? complaint_tell_company(s, c, "complaint_chased", "客服中心催办，请尽快处理。",
							"the service centre chased it; please act on it.")
			       : AJ_OK;
	case CA_ESCALATE:
		if (c->escalated_at) {
			FAULT(f, "already_escalated", "status");
			return AJ_ECONFLICT;
		}
		return complaint_escalate(s, a, c, "complaint_escalated", "客服中心已将其升级至协会。",
					  "escalated to the association by the service centre.", NULL);
	case CA_TAKEOVER: {
		if (strcmp(c->handler, "association") == 0) {
			FAULT(f, "already_taken_over", "handler");
			return AJ_ECONFLICT;
		}
		struct stmt *st = store_sql(s, "UPDATE complaints SET handler = 'association',"
					       " escalated_at = coalesce(escalated_at, $2) WHERE id = $1");
		stmt_bind_int(st, 1, c->id);
		stmt_bind_int(st, 2, now);
		if ((rc = stmt_exec(st)) != AJ_OK)
			return rc;
		return complaint_tell_company(s, c, "complaint_taken_over", "协会已接管此投诉。", "the association took it over.");
	}
	case CA_RESOLVE: {
		if (!says_enough(&sd, in->text)) {
			FAULT(f, "too_little_content", "remedy");
			return AJ_ERULE;
		}
		*to = "resolved";
		if ((rc = resume_clocks(s, c, now)) != AJ_OK || (rc = first_feedback(s, c, now)) != AJ_OK)
			return rc;
		/* "resolved in time" is settled by this resolution unless it already is: late for good once
		 * late; after a reopening, settled again against the deadline the reopening set */
		struct stmt *st = store_sql(s,
			"UPDATE complaints SET status = 'resolved', resolved_at = $2, finding = $3, remedy = $4,"
			" reopen_until = $5, first_resolved_at = coalesce(first_resolved_at, $2),"
			" resolved_in_time = coalesce(resolved_in_time, CASE WHEN $2 <= resolve_due THEN 1 ELSE 0 END)"
			" WHERE id = $1");
		stmt_bind_int(st, 1, c->id);
		stmt_bind_int(st, 2, now);
		stmt_bind_text(st, 3, in->finding);
		stmt_bind_text(st, 4, in->text);
		stmt_bind_int(st, 5, now + (int64_t)sd.complaint_reopen_days * 86400);
		if ((rc = stmt_exec(st)) != AJ_OK)
			return rc;
		if (strcmp(in->finding, "not_upheld") != 0) {
			const char *kind = strcmp(in->finding, "upheld") == 0 ? "complaint_upheld" : "complaint_partly_upheld";
			if ((rc = conduct_record(s, "company", c->company_id, kind, "complaint", c->id, c->tracking_no)) != AJ_OK)
				return rc;
			if (c->worker_id &&
			    (rc = conduct_record(s, "worker", c->worker_id, kind, "complaint", c->id, c->tracking_no)) != AJ_OK)
				return rc;
		}
		return complaint_tell_customer(s, c, "complaint_resolved", "已有处理结果，请确认或在期限内要求重新处理。",
				   "resolved; accept it, or reopen it within the window.");
	}
	case CA_ACCEPT: {
		*to = "closed";
		struct stmt *st = store_sql(s, "UPDATE complaints SET status = 'closed', closed_at = $2, closed_by = 'customer',"
					       " rating = $3, rating_comment = $4 WHERE id = $1");
		stmt_bind_int(st, 1, c->id);
		stmt_bind_int(st, 2, now);
		stmt_bind_int(st, 3, in->rating);
		stmt_bind_text(st, 4, in->text);
		return stmt_exec(st);
	}
	case CA_REOPEN: {
		if (now > c->reopen_until) {
			FAULT(f, "reopen_window_closed", "status");
			return AJ_ERULE;
		}
		*to = "in_progress";
		/* the resolution did not resolve it: "resolved in time" is taken back (a late one stays
		 * late) until the next resolution settles it; the customer may rate the handling so far,
		 * which a later acceptance's rating replaces */
		struct stmt *st = store_sql(s, "UPDATE complaints SET status = 'in_progress', reopened = reopened + 1,"
					       " resolved_at = NULL, finding = NULL, reopen_until = NULL, resolve_due = $2,"
					       " resolve_breached = 0,"
					       " resolved_in_time = CASE WHEN resolved_in_time = 0 THEN 0 ELSE NULL END,"
					       " rating = CASE WHEN $3 > 0 THEN $3 ELSE rating END,"
					       " rating_comment = CASE WHEN $3 > 0 THEN $4 ELSE rating_comment END WHERE id = $1");
		stmt_bind_int(st, 1, c->id);
		stmt_bind_int(st, 2, now + (int64_t)sd.complaint_resolve_days * 86400);
		stmt_bind_int(st, 3, in->rating);
		stmt_bind_text(st, 4, in->text);
		if ((rc = stmt_exec(st)) != AJ_OK)
			return rc;
		return complaint_tell_company(s, c, "complaint_reopened", "客户要求重新处理。", "the customer reopened it.");
	}
	case CA_VERIFY:
		return verify(s, a, &sd, c, now, in->text, f);
	case CA_REJECT:
		*to = "closed";
		return reject(s, a, &sd, c, now, in->text, f);
	}
	return AJ_EINVAL;
}

static int move_write(struct store *s, void *arg)
{
	struct filing *fl = arg;
	const struct actor *a = fl->a;
	enum role role = fl->role;
	int64_t id = fl->id;
	enum complaint_action act = fl->act;
	const struct move_in *in = fl->move;
	struct fault *f = fl->f;
	struct complaint c;
	int rc;
	*f = (struct fault){0};
	if ((rc = complaint_load(s, id, &c)) != AJ_OK)
		goto fail;
	int part = complaint_part(role, a, &c), allowed = moves[act].allowed;
	if (allowed & CP_COMPANY && act != CA_NOTE)
		allowed = (allowed & ~CP_COMPANY) | (complaint_handlers(&c) & CP_COMPANY);
	if (!part) {
		rc = AJ_ENOTFOUND;
		goto fail;
	}
	if (!(part & allowed)) {
		FAULT(f, part & CP_COMPANY && moves[act].allowed & CP_COMPANY ? "handled_by_association" : "forbidden", NULL);
		rc = AJ_EDENIED;
		goto fail;
	}
	/* an accusation waiting for the centre's verification moves by nothing else: no clock, no
	 * escalation against the company, no finding, no record against the worker */
	int pending = strcmp(c.verification, "pending") == 0;
	if ((act == CA_VERIFY || act == CA_REJECT) && !pending) {
		FAULT(f, "not_awaiting_verification", "verification");
		rc = AJ_ECONFLICT;
		goto fail;
	}
	if (pending && act != CA_VERIFY && act != CA_REJECT && act != CA_NOTE && act != CA_ANSWER) {
		FAULT(f, "awaiting_verification", "verification");
		rc = AJ_ECONFLICT;
		goto fail;
	}
	if (!in_states(c.status, moves[act].from)) {
		FAULT(f, "invalid_transition", "status");
		rc = AJ_ECONFLICT;
		goto fail;
	}
	const char *to;
	char from[20];
	str_copy(from, sizeof from, c.status);
	if ((rc = apply(s, a, part, &c, act, in, &to, f)) != AJ_OK)
		goto fail;
	char note[2100];
	const char *text = in->text;
	if (act == CA_RESPONSIBLE) {
		snprintf(note, sizeof note, "%s (%s)", in->person, in->duty);
		text = note;
	} else if (act == CA_RESOLVE) {
		snprintf(note, sizeof note, "%s: %s", in->finding, in->text);
		text = note;
	} else if (act == CA_ACCEPT || (act == CA_REOPEN && in->rating)) {
		snprintf(note, sizeof note, "%d/5%s%s", in->rating, in->text ? " " : "", in->text ? in->text : "");
		text = note;
	}
	/* an answer to a question, or more said unasked (no clock moved): the timeline tells them apart,
	 * and says when the service centre wrote it for the caller */
	int agent = part == CP_AGENT;
	const char *action = act == CA_FEEDBACK && in->ask ? "ask"
			     : act == CA_ANSWER && strcmp(from, "waiting_customer") != 0 ? (agent ? "add_info_for_caller" : "add_info")
			     : act == CA_ANSWER && agent ? "answer_for_caller"
							 : moves[act].action;
	if ((rc = complaint_event(s, a, id, action, from, to, text, act == CA_NOTE)) != AJ_OK)
		goto fail;
	char audit_action[40];
	snprintf(audit_action, sizeof audit_action, "complaint.%s", action);
	return audit_append_state(s, a, audit_action, "complaint", id, complaint_state);
fail:
	return rc;
}

int complaint_move(struct store *s, const struct actor *a, enum role role, int64_t id, enum complaint_action act,
			  const struct move_in *in, struct fault *f)
{
	struct filing fl = {.a = a, .role = role, .id = id, .act = act, .move = in, .f = f};
	return store_write(s, move_write, &fl);
}

/* ---- the deadline job's part ---- */

static int breach(struct store *s, const struct actor *a, int64_t id, int feedback)
{
	struct complaint c;
	int rc = complaint_load(s, id, &c);
	if (rc)
		return rc;
	struct stmt *st = feedback ? store_sql(s, "UPDATE complaints SET feedback_breached = 1, feedback_in_time = 0"
						  " WHERE id = $1")
				   : store_sql(s, "UPDATE complaints SET resolve_breached = 1, resolved_in_time = 0"
						  " WHERE id = $1");
	stmt_bind_int(st, 1, id);
	if ((rc = stmt_exec(st)) != AJ_OK ||
	    (rc = complaint_event(s, a, id, feedback ? "feedback_breached" : "resolve_breached", c.status, c.status,
				  NULL, 0)) != AJ_OK)
		return rc;
	rc = feedback ? complaint_escalate(s, a, &c, "complaint_escalated", "首次反馈超时，已升级至协会。",
					   "no feedback in time; escalated to the association.", "feedback_late")
		      : complaint_escalate(s, a, &c, "complaint_escalated", "处理超时，已升级至协会。",
					   "not resolved in time; escalated to the association.", "resolve_late");
	if (rc == AJ_OK)
		rc = audit_append_state(s, a, feedback ? "complaint.feedback_breached" : "complaint.resolve_breached",
					"complaint", id, complaint_state);
	return rc;
}

/* "YYYY-MM-DD HH:MM", local */
static void local_minute(int64_t t, char out[24])
{
	int64_t day = time_local_days(t), secs = t - time_day_start(day);
	char date[11];
	time_format_date(day, date);
	snprintf(out, 24, "%.10s %02u:%02u", date, (unsigned)(secs / 3600 % 24), (unsigned)(secs / 60 % 60));
}

/* Half the pause gone and no answer: the customer (or the service centre, who rings a caller
 * without an account) is reminded, once a pause. */
static int remind(struct store *s, const struct actor *a, int64_t id)
{
	struct complaint c;
	int rc = complaint_load(s, id, &c);
	if (rc)
		return rc;
	struct stmt *st = store_sql(s, "UPDATE complaints SET pause_reminded = 1 WHERE id = $1");
	stmt_bind_int(st, 1, id);
	if ((rc = stmt_exec(st)) != AJ_OK ||
	    (rc = complaint_event(s, a, id, "remind", c.status, c.status, NULL, 0)) != AJ_OK)
		return rc;
	char until[24], zh[200], en[200], czh[200], cen[200];
	local_minute(c.pause_until, until);
	snprintf(zh, sizeof zh, "处理方的问题仍在等您答复。请在 %s 前答复，之后处理时限恢复计时。", until);
	snprintf(en, sizeof en, "the handler's question still waits for your answer. Please answer before %s; the"
				" resolution clock runs again then.", until);
	snprintf(czh, sizeof czh, "来电人尚未答复处理方的问题，请在 %s 前回电并代为录入答复。", until);
	snprintf(cen, sizeof cen, "the caller has not answered the handler's question: call them back and enter their"
				  " answer before %s.", until);
	if ((rc = complaint_tell_caller(s, &c, "complaint_reminder", zh, en, czh, cen)) != AJ_OK)
		return rc;
	return audit_append_state(s, a, "complaint.remind", "complaint", id, complaint_state);
}

/* A pause past its limit: the clock runs again from the limit — so it can breach and escalate as any
 * other — and the complaint is back in progress; a late answer is more said, no clock moved. */
static int pause_end(struct store *s, const struct actor *a, int64_t id)
{
	struct standards sd;
	struct complaint c;
	int rc = complaint_load(s, id, &c);
	if (rc || (rc = standards_get(s, &sd)) != AJ_OK)
		return rc;
	if ((rc = resume_clocks(s, &c, c.pause_until)) != AJ_OK || (rc = set_status(s, id, "in_progress")) != AJ_OK ||
	    (rc = complaint_event(s, a, id, "pause_expired", "waiting_customer", "in_progress", NULL, 0)) != AJ_OK)
		return rc;
	int64_t hours = (c.pause_until - c.paused_at) / 3600;
	char zh[200], en[200];
	snprintf(zh, sizeof zh, "客户 %lld 小时内未答复，处理时限已恢复计时。", (long long)hours);
	snprintf(en, sizeof en, "no answer from the customer within %lld hours; the resolution clock runs again.",
		 (long long)hours);
	if ((rc = complaint_tell_company(s, &c, "complaint_pause_expired", zh, en)) != AJ_OK ||
	    (rc = complaint_tell_customer(s, &c, "complaint_pause_expired", "答复期限已过，处理时限已恢复计时；您仍可补充说明。",
					  "the time to answer has passed and the clock runs again; you can still add to it.")) !=
		    AJ_OK)
		return rc;
	return audit_append_state(s, a, "complaint.pause_expired", "complaint", id, complaint_state);
}

static int lapse(struct store *s, const struct actor *a, int64_t id)
{
	struct stmt *st = store_sql(s, "UPDATE complaints SET status = 'closed', closed_at = $2, closed_by = 'lapse'"
				       " WHERE id = $1");
	stmt_bind_int(st, 1, id);
	stmt_bind_int(st, 2, clock_now());
	int rc = stmt_exec(st);
	if (rc == AJ_OK)
		rc = complaint_event(s, a, id, "close", "resolved", "closed", "lapse", 0);
	if (rc == AJ_OK)
		rc = audit_append_state(s, a, "complaint.close", "complaint", id, complaint_state);
	return rc;
}

/* The ids of one query, so the writes that follow do not run under an open read. */
static int collect(struct stmt *st, int64_t now, int64_t **ids, int *n)
{
	int cap = 0, rc;
	*n = 0;
	*ids = NULL;
	stmt_bind_int(st, 1, now);
	while ((rc = stmt_step(st)) == STORE_ROW) {
		if (*n == cap) {
			cap = cap ? cap * 2 : 64;
			int64_t *grown = realloc(*ids, (size_t)cap * sizeof **ids);
			if (!grown) {
				stmt_done(st);
				return AJ_ESTORE;
			}
			*ids = grown;
		}
		(*ids)[(*n)++] = stmt_int(st, 0);
	}
	stmt_done(st);
	return rc < 0 ? rc : AJ_OK;
}

/* The service centre let a verification pass its deadline: marked once, and the association —
 * who answers for the centre — told. Not an escalation against the company: its clocks have not
 * started, and its figures know nothing of the complaint. */
static int verify_late(struct store *s, const struct actor *a, int64_t id)
{
	struct complaint c;
	int rc = complaint_load(s, id, &c);
	if (rc)
		return rc;
	struct stmt *st = store_sql(s, "UPDATE complaints SET verify_breached = 1 WHERE id = $1");
	stmt_bind_int(st, 1, id);
	if ((rc = stmt_exec(st)) != AJ_OK ||
	    (rc = complaint_event(s, a, id, "verify_breached", c.status, c.status, NULL, 0)) != AJ_OK)
		return rc;
	char zh[160], en[160];
	snprintf(zh, sizeof zh, "投诉 %s：客服中心未在时限内核实，请督办。", c.tracking_no);
	snprintf(en, sizeof en, "Complaint %s: the service centre did not verify it in time; see to it.", c.tracking_no);
	if ((rc = notify(s, association_org(s), 0, "complaint_verify_overdue", "complaint", id, zh, en)) != AJ_OK)
		return rc;
	return audit_append_state(s, a, "complaint.verify_breached", "complaint", id, complaint_state);
}

enum { DJ_REMIND, DJ_RESUME, DJ_FEEDBACK, DJ_RESOLVE, DJ_LAPSE, DJ_VERIFY };

/* One kind of what is due at now: its ids, and the write for each. */
static int due_pass(struct store *s, const struct actor *a, int kind, int64_t now, int *count)
{
	struct stmt *st = NULL;
	switch (kind) {
	case DJ_REMIND: /* questions waiting past half their pause */
		st = store_sql(s, "SELECT id FROM complaints WHERE paused_at IS NOT NULL AND status = 'waiting_customer'"
				  " AND pause_reminded = 0 AND pause_until > $1 AND paused_at + (pause_until - paused_at) / 2 <= $1"
				  " ORDER BY id");
		break;
	case DJ_RESUME: /* pauses past their limit, before the breaches: the clocks they free may have run out */
		st = store_sql(s, "SELECT id FROM complaints WHERE paused_at IS NOT NULL AND status = 'waiting_customer'"
				  " AND pause_until <= $1 ORDER BY id");
		break;
	case DJ_FEEDBACK: /* the first feedback is owed whatever was asked — once there is a complaint to answer */
		st = store_sql(s, "SELECT id FROM complaints WHERE status IN ('received', 'in_progress', 'waiting_customer')"
				  " AND first_feedback_at IS NULL AND feedback_due < $1 AND feedback_breached = 0"
				  " AND (verification IS NULL OR verification = 'verified') ORDER BY id");
		break;
	case DJ_RESOLVE: /* the resolution clock, while not waiting for the customer */
		st = store_sql(s, "SELECT id FROM complaints WHERE status IN ('received', 'in_progress')"
				  " AND paused_at IS NULL AND resolve_due < $1 AND resolve_breached = 0"
				  " AND (verification IS NULL OR verification = 'verified') ORDER BY id");
		break;
	case DJ_VERIFY: /* the service centre's own deadline */
		st = store_sql(s, "SELECT id FROM complaints WHERE verification = 'pending' AND verify_due < $1"
				  " AND verify_breached = 0 ORDER BY id");
		break;
	default: /* resolutions the customer let stand */
		st = store_sql(s, "SELECT id FROM complaints WHERE status = 'resolved' AND reopen_until < $1 ORDER BY id");
		break;
	}
	int64_t *ids = NULL;
	int n = 0;
	int rc = collect(st, now, &ids, &n);
	for (int i = 0; i < n && rc == AJ_OK; i++)
		rc = kind == DJ_REMIND	   ? remind(s, a, ids[i])
		     : kind == DJ_RESUME   ? pause_end(s, a, ids[i])
		     : kind == DJ_FEEDBACK ? breach(s, a, ids[i], 1)
		     : kind == DJ_RESOLVE  ? breach(s, a, ids[i], 0)
		     : kind == DJ_VERIFY   ? verify_late(s, a, ids[i])
					   : lapse(s, a, ids[i]);
	free(ids);
	*count += n;
	return rc;
}

/* The job's pass over the complaints: what it did, for the write's body. */
struct complaints_pass {
	struct complaints_job *out;
};

static int deadlines_write(struct store *s, void *arg)
{
	struct complaints_pass *cp = arg;
	struct complaints_job *out = cp->out;
	struct actor a = {0, 0, "jobs"};
	int64_t now = clock_now();
	int rc;
	memset(out, 0, sizeof *out);
	if ((rc = due_pass(s, &a, DJ_REMIND, now, &out->reminded)) != AJ_OK ||
	    (rc = due_pass(s, &a, DJ_RESUME, now, &out->resumed)) != AJ_OK ||
	    (rc = due_pass(s, &a, DJ_FEEDBACK, now, &out->breached)) != AJ_OK ||
	    (rc = due_pass(s, &a, DJ_RESOLVE, now, &out->breached)) != AJ_OK ||
	    (rc = due_pass(s, &a, DJ_LAPSE, now, &out->closed)) != AJ_OK ||
	    (rc = due_pass(s, &a, DJ_VERIFY, now, &out->verify_overdue)) != AJ_OK)
		return rc;
	if (!out->breached && !out->closed && !out->resumed && !out->reminded && !out->verify_overdue) {
		/* nothing was due: rolled back, no write, the public cache stays current */
		return STORE_WRITE_NOTHING;
	}
	return AJ_OK;
}

int complaints_deadlines(struct store *s, struct complaints_job *out)
{
	struct complaints_pass cp = {.out = out};
	memset(out, 0, sizeof *out);
	return store_write(s, deadlines_write, &cp);
}

/* ---- HTTP ---- */

static int full_names(struct req *r)
{
	return r->user.role != ROLE_CUSTOMER;
}

static void reply_complaint(struct req *r, int64_t id, int status);

void api_complaints_create(struct req *r)
{
	enum role role = r->user.role;
	struct complaint_in in = {req_int(r, "booking_id", 0), req_int(r, "company_id", 0), req_int(r, "worker_id", 0),
				  req_int(r, "customer_id", 0), req_str(r, "category"), req_str(r, "description"),
				  req_str(r, "channel"), req_str(r, "contact_name"), req_str(r, "contact_phone"), NULL,
				  r->peer, 0};
	if (req_blank(r, "description")) {
		req_error(r, 400, "too_short", "description");
		return;
	}
	if (role == ROLE_CUSTOMER) {
		/* a customer complains for themself, on the web */
		const char *extra = in.customer_id ? "customer_id" : in.contact_name ? "contact_name"
				    : in.channel && strcmp(in.channel, "web") ? "channel" : NULL;
		if (extra) {
			req_error(r, 400, "agent_only", extra);
			return;
		}
		/* about no booking of theirs, a number for the service centre to call to verify it: the
		 * intake asks for it once it knows the subject */
		if (in.contact_phone && !phone_valid(in.contact_phone)) {
			req_error(r, 400, "invalid_phone", "contact_phone");
			return;
		}
		in.customer_id = r->user.user_id;
		in.channel = "web";
	} else {
		/* an agent takes it by phone or in person, for a customer with or without an account */
		if (!in.channel)
			in.channel = "phone";
		if (!in.customer_id && !in.contact_name && !in.booking_id) {
			req_error(r, 400, "missing_field", "contact_name");
			return;
		}
		/* a caller without an account (none named, no booking of theirs) must leave a number to be
		 * called back on: the answer and every question reach them there */
		if (!in.customer_id && !in.booking_id && !in.contact_phone) {
			req_error(r, 400, "callback_phone_required", "contact_phone");
			return;
		}
		if (in.contact_phone && !phone_valid(in.contact_phone)) {
			req_error(r, 400, "invalid_phone", "contact_phone");
			return;
		}
	}
	char *evidence = req_strings_json(r, "evidence");
	in.evidence = evidence;
	struct fault f = {0};
	struct actor a = req_actor(r);
	int64_t id = 0;
	int rc = complaint_create(r->store, &a, role, &in, &id, &f);
	free(evidence);
	if (rc == AJ_ELIMIT && in.retry_after > 0) {
		char ra[24];
		snprintf(ra, sizeof ra, "%lld", (long long)in.retry_after);
		req_header_out(r, "Retry-After", ra);
	}
	if (rc)
		req_fault(r, rc, &f);
	else
		reply_complaint(r, id, 201);
}

static void move(struct req *r, enum complaint_action act)
{
	const char *key = act == CA_RESOLVE ? "remedy"
			  : act == CA_ESCALATE || act == CA_TAKEOVER || act == CA_REOPEN || act == CA_REJECT ? "reason"
			  : act == CA_ACCEPT ? "comment" : act == CA_VERIFY ? "note" : "text";
	struct move_in in = {req_str(r, key), req_str(r, "person"), req_str(r, "duty"), req_str(r, "finding"),
			     req_bool(r, "ask", 0), (int)req_int(r, "rating", 0)};
	if (act != CA_ACCEPT && act != CA_RESPONSIBLE && req_blank(r, key)) {
		req_error(r, 400, "too_short", key);
		return;
	}
	struct fault f = {0};
	struct actor a = req_actor(r);
	int rc = complaint_move(r->store, &a, r->user.role, r->id[0], act, &in, &f);
	if (rc)
		req_fault(r, rc, &f);
	else
		reply_complaint(r, r->id[0], 200);
}

void api_complaints_responsible(struct req *r)
{
	move(r, CA_RESPONSIBLE);
}

void api_complaints_feedback(struct req *r)
{
	move(r, CA_FEEDBACK);
}

void api_complaints_answer(struct req *r)
{
	move(r, CA_ANSWER);
}

void api_complaints_note(struct req *r)
{
	move(r, CA_NOTE);
}

void api_complaints_escalate(struct req *r)
{
	move(r, CA_ESCALATE);
}

void api_complaints_takeover(struct req *r)
{
	move(r, CA_TAKEOVER);
}

void api_complaints_resolve(struct req *r)
{
	move(r, CA_RESOLVE);
}

void api_complaints_accept(struct req *r)
{
	move(r, CA_ACCEPT);
}

void api_complaints_reopen(struct req *r)
{
	move(r, CA_REOPEN);
}

void api_complaints_verify(struct req *r)
{
	move(r, CA_VERIFY);
}

void api_complaints_reject(struct req *r)
{
	move(r, CA_REJECT);
}

void api_complaints_get(struct req *r)
{
	struct complaint c;
	struct actor a = req_actor(r);
	int rc = complaint_load(r->store, r->id[0], &c);
	if (rc == AJ_OK && !complaint_part(r->user.role, &a, &c))
		rc = AJ_ENOTFOUND;
	if (rc)
		req_fail(r, rc);
	else
		reply_complaint(r, r->id[0], 200);
}

/* The complaint with its timeline (internal events not for the customer), its claims and, for
 * those who handle it, the contact phone. */
static void reply_complaint(struct req *r, int64_t id, int status)
{
	struct stmt *st = store_sql(r->store, "SELECT " COMPLAINT_COLUMNS ", c.contact_phone_sealed" COMPLAINT_FROM
					      " WHERE c.id = $1");
	stmt_bind_int(st, 1, id);
	int rc = stmt_step(st);
	if (rc != STORE_ROW) {
		stmt_done(st);
		req_fail(r, rc == STORE_DONE ? AJ_ENOTFOUND : rc);
		return;
	}
	int customer = r->user.role == ROLE_CUSTOMER;
	struct jw *w = req_jw(r);
	jw_obj(w);
	complaint_fields(w, st, full_names(r));
	char phone[64] = "";
	int shown = 0;
	int64_t caller = stmt_int(st, 7);
	if (!customer && !stmt_is_null(st, COMPLAINT_NCOLS) &&
	    keys_unseal_for(SEALED_COMPLAINT_PHONE, id, stmt_text(st, COMPLAINT_NCOLS), phone, sizeof phone) == 0) {
		jw_kstr(w, "contact_phone", phone);
		shown = 1;
	}
	sodium_memzero(phone, sizeof phone);
	stmt_done(st);
	struct timeline_view tv = {.hide_internal = customer, .mask = full_names(r) ? NULL : worker_mask_name};
	if ((rc = timeline_json(r->store, w, "timeline", TIMELINE_COMPLAINT, id, &tv)) < 0) {
		req_fail(r, rc);
		return;
	}
	jw_key(w, "claims");
	claims_json(r->store, id, w);
	jw_obj_end(w);
	req_send(r, status);
	if (shown) {
		/* the caller's telephone was read: who, when, through which complaint */
		struct access_entry e = {"customer", caller, "contact_phone"};
		char via[40];
		snprintf(via, sizeof via, "complaint:%lld", (long long)id);
		access_record_req(r, &e, 1, via);
	}
}

/* $1 customer (0: any), the companies $2…$5 (one, or all: the company index serves both),
 * $3 status ('' any, 'open'), $4 escalated only, $10 one booking's (0: any), $11 a telephone's
 * look-up hash (the caller's, or the booking's household's; '': any), $12 a LIKE pattern over the
 * tracking number, the company's name and the caller's ('': any), $13 a verification's state ('':
 * any), $14 only what a company sees (no accusation still to verify, none rejected) */
#define LIST_WHERE \
	" WHERE ($1 = 0 OR c.customer_id = $1) AND c.company_id BETWEEN $2 AND $5" \
	" AND ($13 = '' OR c.verification = $13) AND ($14 = 0 OR c.verification IS NULL OR c.verification = 'verified')" \
	" AND ($3 = '' OR c.status = $3 OR ($3 = 'open' AND c.status IN ('received', 'in_progress', 'waiting_customer')))" \
	" AND ($4 = 0 OR c.escalated_at IS NOT NULL) AND ($10 = 0 OR c.booking_id = $10)" \
	" AND ($11 = '' OR c.contact_phone_hash = $11" \
	"   OR EXISTS (SELECT 1 FROM bookings x WHERE x.id = c.booking_id AND x.contact_phone_hash = $11))" \
	" AND ($12 = '' OR lower(c.tracking_no) LIKE $12 ESCAPE '\\' OR lower(c.contact_name) LIKE $12 ESCAPE '\\'" \
	"   OR EXISTS (SELECT 1 FROM orgs x WHERE x.id = c.company_id AND lower(x.name) LIKE $12 ESCAPE '\\')" \
	"   OR EXISTS (SELECT 1 FROM users x WHERE x.id = c.customer_id AND lower(x.name) LIKE $12 ESCAPE '\\'))"

/* What q asks for: a telephone (its look-up hash) or words (a LIKE pattern); both '' without q. */
struct list_q {
	char hash[KEYS_HASH_LEN];
	char like[160];
};

static void list_q_of(const char *q, struct list_q *lq)
{
	char phone[12], words[160];
	lq->hash[0] = lq->like[0] = '\0';
	size_t n = q ? strlen(q) : 0;
	text_trim(&q, &n);
	if (!n || n >= sizeof words)
		return;
	memcpy(words, q, n);
	words[n] = '\0';
	if (phone_normalise(words, phone))
		phone_index_hash(phone, lq->hash);
	else
		store_like_pattern(words, lq->like, sizeof lq->like);
	sodium_memzero(phone, sizeof phone);
}

/* company is the caller's own (0: none), filter the one asked for (0: none), booking the one
 * booking's complaints (0: any). */
static void bind_list(struct stmt *st, int64_t customer, int64_t company, const char *status, int escalated,
		      int64_t filter, int64_t booking, const struct list_q *lq, const char *verification)
{
	int64_t lo = company ? company : filter, hi = lo ? lo : INT64_MAX;
	if (company && filter && filter != company)
		lo = 1, hi = 0; /* another company's: none */
	stmt_bind_int(st, 1, customer);
	stmt_bind_int(st, 2, lo);
	stmt_bind_text(st, 3, status ? status : "");
	stmt_bind_int(st, 4, escalated);
	stmt_bind_int(st, 5, hi);
	stmt_bind_int(st, 10, booking);
	stmt_bind_text(st, 11, lq->hash);
	stmt_bind_text(st, 12, lq->like);
	stmt_bind_text(st, 13, verification ? verification : "");
	stmt_bind_int(st, 14, company != 0);
}

void api_complaints_list(struct req *r)
{
	int64_t customer = 0, company = 0;
	switch (r->user.role) {
	case ROLE_CUSTOMER: customer = r->user.user_id; break;
	case ROLE_COMPANY_ADMIN:
	case ROLE_COMPANY_STAFF: company = r->user.org_id; break;
	case ROLE_CS_AGENT:
	case ROLE_ASSOCIATION_ADMIN: break;
	default:
		req_error(r, 403, "forbidden", NULL);
		return;
	}
	struct page pg = req_page(r);
	const char *status = req_qstr(r, "status"), *sort = req_qstr(r, "sort");
	const char *verification = req_qstr(r, "verification");
	const char *esc = req_qstr(r, "escalated");
	int escalated = esc && (strcmp(esc, "true") == 0 || strcmp(esc, "1") == 0);
	int64_t company_filter = req_qint(r, "company_id", 0), booking = req_qint(r, "booking_id", 0), total = 0;
	struct list_q lq;
	list_q_of(req_qstr(r, "q"), &lq);
	int rc;
	/* a search by telephone: what was written without its hash since is hashed first */
	if (lq.hash[0] && (rc = phone_index_catch_up(r->store)) != AJ_OK) {
		req_fail(r, rc);
		return;
	}
	struct stmt *st = store_sql(r->store, "SELECT count(*) FROM complaints c" LIST_WHERE);
	bind_list(st, customer, company, status, escalated, company_filter, booking, &lq, verification);
	rc = stmt_one_int(st, &total);
	if (rc) {
		req_fail(r, rc);
		return;
	}
	/* the queue: breached first (an open complaint past a deadline — the centre's verification's
	 * among them — or any with a claim past its own), then by the time left on the running clock;
	 * newest first on request */
	st = store_sql(r->store,
		"SELECT " COMPLAINT_COLUMNS COMPLAINT_FROM LIST_WHERE
		" ORDER BY CASE WHEN $8 = 1 THEN 0 WHEN " CLAIMS_OVERDUE " THEN 0 WHEN c.status IN ('resolved', 'closed') THEN 2"
		"   WHEN c.verification = 'pending' THEN CASE WHEN c.verify_breached = 1 THEN 0 ELSE 1 END"
		"   WHEN c.feedback_breached = 1 OR c.resolve_breached = 1 THEN 0 ELSE 1 END,"
		" CASE WHEN $8 = 1 THEN -c.created_at WHEN c.status IN ('resolved', 'closed') THEN -c.created_at"
		"   WHEN c.verification = 'pending' THEN c.verify_due - $9"
		"   WHEN c.first_feedback_at IS NULL THEN c.feedback_due - $9"
		"   ELSE c.resolve_due - coalesce(c.paused_at, $9) END, c.id DESC"
		" LIMIT $6 OFFSET $7");
	bind_list(st, customer, company, status, escalated, company_filter, booking, &lq, verification);
	stmt_bind_int(st, 6, pg.per_page);
	stmt_bind_int(st, 7, pg.offset);
	stmt_bind_int(st, 8, sort && strcmp(sort, "-created") == 0);
	stmt_bind_int(st, 9, clock_now());
	rows_reply_list(r, st, full_names(r) ? row_full : row_masked, &pg, total);
	if (!lq.hash[0])
		return;
	/* a look-up of people by telephone, found or not, is on the access log: whose complaints it
	 * found (0: a caller without an account, or nobody) */
	int64_t ids[COMPLAINT_LOOKUP_MAX];
	int n = 0;
	st = store_sql(r->store, "SELECT DISTINCT coalesce(c.customer_id, 0) FROM complaints c" LIST_WHERE
				 " ORDER BY 1 LIMIT $6");
	bind_list(st, customer, company, status, escalated, company_filter, booking, &lq, verification);
	stmt_bind_int(st, 6, COMPLAINT_LOOKUP_MAX);
	while (n < COMPLAINT_LOOKUP_MAX && stmt_step(st) == STORE_ROW)
		ids[n++] = stmt_int(st, 0);
	stmt_done(st);
	complaint_log_phone_lookup(r, ids, n, "complaint_list");
}

void complaint_log_phone_lookup(struct req *r, const int64_t *customers, int n, const char *via)
{
	struct access_entry e[COMPLAINT_LOOKUP_MAX];
	int k = 0;
	for (int i = 0; i < n && k < COMPLAINT_LOOKUP_MAX; i++)
		if (customers[i] != r->user.user_id)
			e[k++] = (struct access_entry){"customer", customers[i], "phone_lookup"};
	if (!k)
		e[k++] = (struct access_entry){"customer", 0, "phone_lookup"};
	access_record_req(r, e, k, via);
}

/* ---- what the service centre finds, and what the public tracking page shows ---- */

#define FOUND_MAX 20

int complaints_found_json(struct store *s, const char *hash, const char *like, struct jw *w)
{
	/* by telephone: the caller's number, the booking's household's, or any complaint of a customer
	 * whose bookings carry it; by words: the tracking number, the caller's name or the customer's */
	struct stmt *st = store_sql(s, "SELECT " COMPLAINT_COLUMNS COMPLAINT_FROM
		" WHERE ($1 <> '' AND (c.contact_phone_hash = $1 OR b.contact_phone_hash = $1"
		"   OR c.customer_id IN (SELECT x.customer_id FROM bookings x WHERE x.contact_phone_hash = $1)))"
		" OR ($2 <> '' AND (lower(c.tracking_no) LIKE $2 ESCAPE '\\' OR lower(c.contact_name) LIKE $2 ESCAPE '\\'"
		"   OR lower(cu.name) LIKE $2 ESCAPE '\\'))"
		" ORDER BY c.id DESC LIMIT $3");
	stmt_bind_text(st, 1, hash ? hash : "");
	stmt_bind_text(st, 2, like ? like : "");
	stmt_bind_int(st, 3, FOUND_MAX);
	int rc;
	jw_arr(w);
	while ((rc = stmt_step(st)) == STORE_ROW)
		row_full(w, st);
	stmt_done(st);
	jw_arr_end(w);
	return rc < 0 ? rc : AJ_OK;
}

int complaint_public_json(struct store *s, int64_t id, struct jw *w)
{
	struct stmt *st = store_sql(s, "SELECT " COMPLAINT_COLUMNS COMPLAINT_FROM " WHERE c.id = $1");
	stmt_bind_int(st, 1, id);
	int rc = stmt_step(st);
	if (rc != STORE_ROW) {
		stmt_done(st);
		return rc == STORE_DONE ? AJ_ENOTFOUND : rc;
	}
	/* the caller's own words and the clocks; never a person's name, a number, or what a handler wrote */
	jw_obj(w);
	jw_kstr(w, "tracking_no", stmt_text(st, 1));
	jw_kstr(w, "status", stmt_text(st, 2));
	jw_kstr(w, "category", stmt_text(st, 3));
	jw_kstr(w, "description", stmt_text(st, 4));
	jw_kstr(w, "channel", stmt_text(st, 6));
	jw_kref(w, "company", stmt_int(st, 11), stmt_text(st, 12));
	jw_kstr(w, "handler", stmt_text(st, 15));
	jw_key(w, "responsible_duty");
	if (stmt_is_null(st, 17))
		jw_null(w);
	else
		jw_str(w, stmt_text(st, 17));
	jw_ktime(w, "created_at", stmt_int(st, 18));
	jw_ktime(w, "feedback_due", stmt_int(st, 19));
	jw_ktime(w, "resolve_due", stmt_int(st, 20));
	jw_ktime(w, "first_feedback_at", stmt_int(st, 21));
	jw_ktime(w, "paused_at", stmt_int(st, 22));
	jw_ktime(w, "pause_until", stmt_int(st, 43));
	jw_kbool(w, "feedback_breached", (int)stmt_int(st, 24));
	jw_kbool(w, "resolve_breached", (int)stmt_int(st, 25));
	kbool_or_null(w, "feedback_in_time", st, 38);
	kbool_or_null(w, "resolved_in_time", st, 39);
	jw_kbool(w, "escalated", stmt_int(st, 26) != 0);
	clock_json(w, st);
	jw_ktime(w, "resolved_at", stmt_int(st, 27));
	jw_kstr(w, "finding", stmt_text(st, 28));
	jw_ktime(w, "reopen_until", stmt_int(st, 30));
	jw_ktime(w, "closed_at", stmt_int(st, 32));
	jw_kstr(w, "closed_by", stmt_text(st, 33));
	/* whether the service centre still verifies it; a rejection's reason is written for the
	 * complainant, the one handler's text this page shows */
	jw_key(w, "verification");
	if (stmt_is_null(st, 46)) {
		jw_null(w);
	} else {
		int rejected = strcmp(stmt_text(st, 46), "rejected") == 0;
		jw_obj(w);
		jw_kstr(w, "status", stmt_text(st, 46));
		jw_ktime(w, "due", stmt_int(st, 47));
		jw_ktime(w, "at", stmt_int(st, 48));
		jw_kstr(w, "reason", rejected ? stmt_text(st, 49) : NULL);
		jw_obj_end(w);
	}
	stmt_done(st);
	/* the steps anyone may see: what happened and when, not who nor what they wrote */
	rc = timeline_public_json(s, w, "steps", id);
	jw_obj_end(w);
	return rc < 0 ? rc : AJ_OK;
}
