/* bookings.c — creating bookings, moving them through their states, showing them. Every move is
 * checked against the state machine and the actor's part in the booking, done in one transaction
 * with its timeline event and audit record. */
#include "bookings.h"

#include <string.h>

#include "auth/audit.h"
#include "auth/keys.h"
#include "http/req.h"
#include "http/schema.h"
#include "privacy/access.h"
#include "privacy/address_index.h"
#include "privacy/phone_index.h"
#include "privacy/sealed.h"
#include "rows.h"
#include "services/booking_notices.h"
#include "services/evidence.h"
#include "services/fee.h"
#include "services/no_show.h"
#include "services/reviews.h"
#include "services/satisfaction.h"
#include "standards.h"
#include "store/store.h"
#include "timeline.h"
#include "util/clock.h"
#include "util/phone.h"
#include "util/timefmt.h"
#include "workforce/trades.h"
#include "workforce/worker_access.h"

static const char *const statuses[] = {"requested", "confirmed", "checked_in", "completed", "reviewed",
				       "cancelled", "no_show", NULL};
static const char *const pass_fail[] = {"pass", "fail", "na", NULL};
static const char *const yes_no[] = {"yes", "no", NULL};
static const char *const parties[] = {"worker", "customer", NULL};

SCHEMA(booking_body, S_INT("service_item_id", F_REQ, 1, INT64_MAX), S_TIME("start", F_REQ), S_TIME("end", F_REQ),
       S_STR("address", F_REQ, 5, 200), S_STR("contact_phone", F_REQ, 11, 11), S_INT("worker_id", F_NULL, 1, INT64_MAX),
       S_TEXT("note", F_NULL, 500), S_STR("district", F_NULL, 2, 20));
static const char *const agreements[] = {"phone_call", "in_person", NULL};
SCHEMA(dispatch_booking_body, S_INT("customer_id", F_REQ, 1, INT64_MAX), S_ENUM("agreement", F_REQ, agreements),
       S_INT("service_item_id", F_REQ, 1, INT64_MAX), S_TIME("start", F_REQ), S_TIME("end", F_REQ),
       S_STR("address", F_REQ, 5, 200), S_STR("contact_phone", F_REQ, 11, 11), S_INT("worker_id", F_NULL, 1, INT64_MAX),
       S_TEXT("note", F_NULL, 500), S_STR("district", F_NULL, 2, 20));
SCHEMA(assign_body, S_INT("worker_id", F_REQ, 1, INT64_MAX));
SCHEMA(reschedule_body, S_TIME("start", F_REQ), S_TIME("end", F_REQ), S_INT("worker_id", F_NULL, 1, INT64_MAX),
       S_STR("reason", F_REQ, 2, 200));
SCHEMA(confirm_item, S_INT("item_id", F_REQ, 1, INT64_MAX), S_BOOL("done", F_REQ), S_STR("note", F_NULL, 0, 200));
SCHEMA(confirm_body, S_OBJS("items", F_REQ, 0, 50, &confirm_item));
SCHEMA(checkout_item, S_INT("item_id", F_REQ, 1, INT64_MAX), S_ENUM("result", F_REQ, pass_fail),
       S_STR("note", F_NULL, 0, 200));
SCHEMA(checkout_body, S_OBJS("items", F_REQ, 0, 100, &checkout_item), S_STR("reason", F_NULL, 2, 200),
       S_STR("code", F_NULL, 1, 20));
SCHEMA(cancel_body, S_STR("reason", F_REQ, 2, 200));
SCHEMA(no_show_body, S_ENUM("party", F_REQ, parties), S_STR("reason", F_REQ, 2, 200));
SCHEMA(feedback_item, S_INT("item_id", F_REQ, 1, INT64_MAX), S_ENUM("answer", F_REQ, yes_no),
       S_STR("note", F_NULL, 0, 200));
SCHEMA(review_body, S_INT("overall", F_REQ, 1, 5), S_INT("punctuality", F_REQ, 1, 5), S_INT("skill", F_REQ, 1, 5),
       S_INT("attitude", F_REQ, 1, 5), S_INT("hygiene", F_REQ, 1, 5), S_TEXT("comment", F_NULL, 500),
       S_OBJS("feedback", F_NULL, 0, 50, &feedback_item));
SCHEMA(quote_query, S_INT("service_item_id", F_REQ, 1, INT64_MAX), S_TIME("start", F_REQ), S_TIME("end", F_REQ));
static const char *const booking_sorts[] = {"start", "-start", NULL};
SCHEMA(bookings_query, S_ENUM("status", 0, statuses), S_DATE("day", 0), S_TIME("from", 0), S_TIME("to", 0),
       S_ENUM("sort", 0, booking_sorts), S_BOOL("unassigned", 0),
       S_INT("worker_id", 0, 1, INT64_MAX), S_INT("page", 0, 1, 1000000), S_INT("per_page", 0, 1, 100));

#define MAX_BOOKING_SECS (31 * 86400)
/* how far ahead a booking may start: a year */
#define MAX_AHEAD_SECS (366 * 86400)

/* What a move needs to know of a booking. */
struct booking {
	int64_t id, customer_id, company_id, worker_id, worker_user_id, category_id;
	int64_t start, end;
	int trade;
	char status[16];
};

static int load(struct store *s, int64_t id, struct booking *b)
{
	struct stmt *st = store_sql(s, "SELECT b.id, b.customer_id, b.company_id, coalesce(b.worker_id, 0),"
				       " coalesce(w.user_id, 0), b.category_id, b.start_at, b.end_at, b.trade, b.status"
				       " FROM bookings b LEFT JOIN workers w ON w.id = b.worker_id WHERE b.id = $1");
	stmt_bind_int(st, 1, id);
	int rc = stmt_step(st);
	if (rc == STORE_ROW) {
		b->id = stmt_int(st, 0);
		b->customer_id = stmt_int(st, 1);
		b->company_id = stmt_int(st, 2);
		b->worker_id = stmt_int(st, 3);
		b->worker_user_id = stmt_int(st, 4);
		b->category_id = stmt_int(st, 5);
		b->start = stmt_int(st, 6);
		b->end = stmt_int(st, 7);
		b->trade = trade_index(stmt_text(st, 8));
		str_copy(b->status, sizeof b->status, stmt_text(st, 9));
	}
	stmt_done(st);
	return rc == STORE_ROW ? AJ_OK : rc == STORE_DONE ? AJ_ENOTFOUND : rc;
}

/* The parts someone can have in a booking. */
enum { P_CUSTOMER = 1, P_COMPANY = 2, P_WORKER = 4, P_ASSOCIATION = 8, P_VIEWER = 16 };

static int part_of(enum role role, const struct actor *a, const struct booking *b)
{
	int p = 0;
	if (role == ROLE_CUSTOMER && a->user_id == b->customer_id)
		p |= P_CUSTOMER;
	if ((role == ROLE_COMPANY_ADMIN || role == ROLE_COMPANY_STAFF) && a->org_id == b->company_id)
		p |= P_COMPANY;
	if (role == ROLE_WORKER && b->worker_user_id && a->user_id == b->worker_user_id)
		p |= P_WORKER;
	if (role == ROLE_ASSOCIATION_ADMIN)
		p |= P_ASSOCIATION;
	if (role == ROLE_CS_AGENT)
		p |= P_VIEWER;
	return p;
}

/* A move's first checks: the booking exists and the actor sees it (else 404), has a part allowed to
 * make it (else 403), and it is in a state the move starts from (else 409). */
static int may_move(int part, int allowed, const struct booking *b, const char *const *from, struct fault *f)
{
	if (!part)
		return AJ_ENOTFOUND;
	if (!(part & allowed)) {
		FAULT(f, "forbidden", NULL);
		return AJ_EDENIED;
	}
	for (const char *const *p = from; *p; p++)
		if (strcmp(b->status, *p) == 0)
			return AJ_OK;
	FAULT(f, "invalid_transition", "status");
	return AJ_ECONFLICT;
}

static int event(struct store *s, const struct actor *a, int64_t id, const char *action, const char *from,
		 const char *to, const char *note)
{
	return timeline_add(s, TIMELINE_BOOKING, id, a, action, from, to, note, 0);
}

/* ---- JSON ---- */

#define BOOKING_COLUMNS \
	"b.id, b.status, b.customer_id, cu.name, b.company_id, o.name, b.worker_id, w.name, si.id, si.title," \
	" si.unit, si.price_fen, c.id, c.code, c.name_zh, c.name_en, c.trade, b.start_at, b.end_at, b.price_fen," \
	" b.note, b.created_at, coalesce(b.confirmed_at, 0), coalesce(b.checked_in_at, 0)," \
	" coalesce(b.checked_out_at, 0), b.late, b.cancelled_by, b.cancel_reason, coalesce(b.cancelled_at, 0)," \
	" b.no_show_party, b.no_show_reason, coalesce(b.no_show_at, 0), b.address_sealed, coalesce(w.company_id, 0)," \
	" coalesce(b.contact_destroyed_at, 0), b.unit, b.unit_price_fen, b.quantity_centi, b.left_early," \
	" b.left_early_reason, coalesce(b.agreement, 'online'), b.district, b.barred_code, b.barred_reason," \
	" b.start_at - 60 * coalesce((SELECT value FROM standards WHERE key = 'checkin_early_minutes'), 60)," \
	" b.evidence, b.evidence_via, coalesce(b.evidence_at, 0), b.evidence_note, b.followup_unreachable"
#define BOOKING_FROM \
	" FROM bookings b JOIN users cu ON cu.id = b.customer_id JOIN orgs o ON o.id = b.company_id" \
	" LEFT JOIN workers w ON w.id = b.worker_id JOIN service_items si ON si.id = b.service_item_id" \
	" JOIN categories c ON c.id = b.category_id"

/* How a booking names people: the worker masked (the public's view of a customer's booking), in
 * full (the company, the association, the 24-hour team), or as the worker sees it — the customer
 * named in full only while the worker still works for the booking's company. */
enum { NAMES_MASKED = 0, NAMES_FULL = 1, NAMES_WORKER = 2 };

/* Writes the members of the booking at the current row; names as above, c (may be NULL) the opened
 * address and telephone. */
static void booking_fields(struct jw *w, struct stmt *st, int names, const struct contact *c)
{
	int full_names = names != NAMES_MASKED;
	jw_kint(w, "id", stmt_int(st, 0));
	jw_kstr(w, "status", stmt_text(st, 1));
	if (names == NAMES_WORKER && stmt_int(st, 33) != stmt_int(st, 4)) {
		/* a past employer's household: the work done, not who it was done for */
		char masked[96];
		worker_mask_name(stmt_text(st, 3), masked, sizeof masked);
		jw_key(w, "customer");
		jw_obj(w);
		jw_kint(w, "id", stmt_int(st, 2));
		jw_kstr(w, "name", masked);
		jw_obj_end(w);
	} else {
		jw_kref(w, "customer", stmt_int(st, 2), stmt_text(st, 3));
	}
	jw_kref(w, "company", stmt_int(st, 4), stmt_text(st, 5));
	jw_kworker(w, "worker", st, 6, 7, full_names);
	jw_key(w, "service_item");
	jw_obj(w);
	jw_kint(w, "id", stmt_int(st, 8));
	jw_kstr(w, "title", stmt_text(st, 9));
	jw_kstr(w, "unit", stmt_text(st, 10));
	jw_kint(w, "price_fen", stmt_int(st, 11));
	jw_obj_end(w);
	jw_key(w, "category");
	jw_obj(w);
	jw_kint(w, "id", stmt_int(st, 12));
	jw_kstr(w, "code", stmt_text(st, 13));
	jw_kstr(w, "name_zh", stmt_text(st, 14));
	jw_kstr(w, "name_en", stmt_text(st, 15));
	jw_kstr(w, "trade", stmt_text(st, 16));
	jw_obj_end(w);
	jw_ktime(w, "start", stmt_int(st, 17));
	/* the earliest check-in allowed: the start less the standard checkin_early_minutes */
	jw_ktime(w, "checkin_opens_at", stmt_int(st, 44));
	jw_ktime(w, "end", stmt_int(st, 18));
	/* the fee: the unit price times the quantity (hundredths of the unit) */
	jw_kstr(w, "unit", stmt_text(st, 35));
	jw_kint(w, "unit_price_fen", stmt_int(st, 36));
	jw_kint(w, "quantity_centi", stmt_int(st, 37));
	jw_kint(w, "price_fen", stmt_int(st, 19));
	jw_kstr(w, "note", stmt_text(st, 20));
	jw_ktime(w, "created_at", stmt_int(st, 21));
	jw_ktime(w, "confirmed_at", stmt_int(st, 22));
	jw_ktime(w, "checked_in_at", stmt_int(st, 23));
	jw_ktime(w, "checked_out_at", stmt_int(st, 24));
	jw_key(w, "late");
	if (stmt_is_null(st, 25))
		jw_null(w);
	else
		jw_bool(w, (int)stmt_int(st, 25));
	/* left before the booked end less the tolerance, and why; the minutes served count from the
	 * booked start when the worker came early */
	jw_key(w, "left_early");
	if (stmt_is_null(st, 38))
		jw_null(w);
	else
		jw_bool(w, (int)stmt_int(st, 38));
	jw_kstr(w, "left_early_reason", stmt_text(st, 39));
	/* online (the customer booked), or the phone call or visit a company booked them on */
	jw_kstr(w, "agreement", stmt_text(st, 40));
	jw_kstr(w, "district", stmt_text(st, 41));
	if (stmt_text(st, 42)) {
		/* the service its company closed while the worker could not serve */
		jw_key(w, "barred");
		jw_obj(w);
		jw_kstr(w, "code", stmt_text(st, 42));
		jw_kstr(w, "reason", stmt_text(st, 43));
		jw_obj_end(w);
	}
	jw_key(w, "served_minutes");
	if (stmt_int(st, 24))
		jw_int(w, fee_served_minutes(stmt_int(st, 17), stmt_int(st, 23), stmt_int(st, 24)));
	else
		jw_null(w);
	jw_key(w, "cancelled");
	if (stmt_is_null(st, 26)) {
		jw_null(w);
	} else {
		jw_obj(w);
		jw_kstr(w, "by", stmt_text(st, 26));
		jw_kstr(w, "reason", stmt_text(st, 27));
		jw_ktime(w, "at", stmt_int(st, 28));
		jw_obj_end(w);
	}
	jw_key(w, "no_show");
	if (stmt_is_null(st, 29)) {
		jw_null(w);
	} else {
		jw_obj(w);
		jw_kstr(w, "party", stmt_text(st, 29));
		jw_kstr(w, "reason", stmt_text(st, 30));
		jw_ktime(w, "at", stmt_int(st, 31));
		jw_obj_end(w);
	}
	/* whether the customer said the service happened: how, when, in what words; null while nobody has */
	jw_key(w, "evidence");
	if (stmt_is_null(st, 45)) {
		jw_null(w);
	} else {
		jw_obj(w);
		jw_kstr(w, "status", stmt_text(st, 45));
		jw_kstr(w, "via", stmt_text(st, 46));
		jw_ktime(w, "at", stmt_int(st, 47));
		jw_kstr(w, "note", stmt_text(st, 48));
		jw_obj_end(w);
	}
	jw_kint(w, "followup_unreachable", stmt_int(st, 49));
	/* the address and telephone are destroyed some time after the service (the retention standard) */
	jw_ktime(w, "contact_destroyed_at", stmt_int(st, 34));
	if (c) {
		jw_kstr(w, "address", c->address);
		jw_kstr(w, "contact_phone", c->phone[0] ? c->phone : NULL);
	}
}

static void booking_row_json(struct jw *w, struct stmt *st, int full_names, const struct contact *c)
{
	jw_obj(w);
	booking_fields(w, st, full_names, c);
	jw_obj_end(w);
}

/* A booking as a list shows it: with the worker's full name, or masked. */
static void list_row_full(struct jw *w, struct stmt *st)
{
	booking_row_json(w, st, 1, NULL);
}

static void list_row_masked(struct jw *w, struct stmt *st)
{
	booking_row_json(w, st, 0, NULL);
}

static void list_row_worker(struct jw *w, struct stmt *st)
{
	booking_row_json(w, st, NAMES_WORKER, NULL);
}

/* The audited state of a booking: never its address. */
static int booking_state(struct store *s, int64_t id, struct strbuf *sb)
{
	struct stmt *st = store_sql(s, "SELECT " BOOKING_COLUMNS BOOKING_FROM " WHERE b.id = $1");
	stmt_bind_int(st, 1, id);
	return audit_row_state(st, list_row_full, sb);
}

/* Seals booking id's address and telephone (phone may be NULL) for its row, the telephone's look-up
 * hash and the address's blind index beside them (privacy/phone_index.h, privacy/address_index.h). */
static int seal_contact(struct store *s, int64_t id, const char *address, const char *phone)
{
	char *a = keys_seal_for(SEALED_BOOKING_ADDRESS, id, address);
	char *p = phone ? keys_seal_for(SEALED_BOOKING_PHONE, id, phone) : NULL;
	char hash[KEYS_HASH_LEN] = "", where[KEYS_HASH_LEN];
	if (phone)
		phone_index_hash(phone, hash);
	address_index_hash(address, where);
	struct stmt *st = store_sql(s, "UPDATE bookings SET address_sealed = $2, contact_phone_sealed = $3,"
				       " contact_phone_hash = $4, address_hash = $5 WHERE id = $1");
	stmt_bind_int(st, 1, id);
	stmt_bind_text(st, 2, a);
	stmt_bind_text(st, 3, p);
	stmt_bind_text(st, 4, phone ? hash : NULL);
	stmt_bind_text(st, 5, where);
	int rc = stmt_exec(st);
	free(a);
	free(p);
	return rc;
}

/* ---- the two rules every placement obeys ---- */

/* The worker may serve the trade over the whole window [start, end) — red at no instant of it —,
 * and has no other live booking overlapping it. Runs inside the write transaction holding the
 * worker's lock, so no other write can slip between the check and the move. */
static int placeable(struct store *s, int64_t worker_id, int64_t company_id, int trade, int64_t start,
		     int64_t end, int64_t self, struct elig_result *res, struct fault *f)
{
	int64_t company = 0, busy = 0;
	int rc = store_lock(s, STORE_LOCK_WORKER, worker_id);
	if (rc)
		return rc;
	struct stmt *st = store_sql(s, "SELECT coalesce(company_id, 0) FROM workers WHERE id = $1");
	stmt_bind_int(st, 1, worker_id);
	rc = stmt_one_int(st, &company);
	if (rc == AJ_ENOTFOUND || (rc == AJ_OK && company != company_id)) {
		FAULT(f, "worker_not_of_company", "worker_id");
		return AJ_ERULE;
	}
	if (rc)
		return rc;
	if ((rc = elig_evaluate_span(s, worker_id, trade, start, end, ELIG_FOR_SERVICE, res)) != AJ_OK)
		return rc;
	if (res->status == ELIG_RED) {
		FAULT(f, "worker_not_eligible", "worker_id");
		return AJ_ERULE;
	}
	st = store_sql(s, "SELECT count(*) FROM bookings WHERE worker_id = $1 AND live = 1 AND start_at < $3"
			  " AND end_at > $2 AND id <> $4");
	stmt_bind_int(st, 1, worker_id);
	stmt_bind_int(st, 2, start);
	stmt_bind_int(st, 3, end);
	stmt_bind_int(st, 4, self);
	if ((rc = stmt_one_int(st, &busy)) != AJ_OK)
		return rc;
	if (busy) {
		FAULT(f, "worker_busy", "worker_id");
		return AJ_ECONFLICT;
	}
	return AJ_OK;
}

/* The quantity of unit the window [start, end) books (fee.h), or the refusal: month_by_request (a
 * month item is asked of the company, not booked), not_whole_hours, period_too_short,
 * period_too_long. */
static int quantity_of(const char *unit, int64_t start, int64_t end, int64_t *quantity, struct fault *f)
{
	const char *why;
	*quantity = fee_quantity(unit, start, end, &why);
	if (*quantity)
		return AJ_OK;
	if (strcmp(why, "by_request") == 0)
		FAULT(f, "month_by_request", "service_item_id");
	else if (strcmp(why, "not_whole_hours") == 0)
		FAULT(f, "not_whole_hours", "end");
	else if (strcmp(why, "too_long") == 0)
		FAULT(f, "period_too_long", "end");
	else
		FAULT(f, "period_too_short", "end");
	return AJ_ERULE;
}

/* Refuses (too_many_named_bookings) a customer who already holds the standard's number of requests
 * naming a worker that nobody has confirmed yet — each holds the worker's time. Inside the write. */
static int holds_left(struct store *s, int64_t customer, struct fault *f)
{
	struct standards sd;
	int64_t held = 0;
	int rc = standards_get(s, &sd);
	if (rc)
		return rc;
	/* counted no further than the limit: the answer is only "under it" or "at it" */
	struct stmt *st = store_sql(s, "SELECT count(*) FROM (SELECT 1 FROM bookings WHERE customer_id = $1"
				       " AND worker_id IS NOT NULL AND status = 'requested' AND start_at > $2 LIMIT $3) AS x");
	stmt_bind_int(st, 1, customer);
	stmt_bind_int(st, 2, clock_now());
	stmt_bind_int(st, 3, sd.live_named_bookings_max);
	if ((rc = stmt_one_int(st, &held)) != AJ_OK)
		return rc;
	if (held >= sd.live_named_bookings_max) {
		FAULT(f, "too_many_named_bookings", "worker_id");
		return AJ_ERULE;
	}
	return AJ_OK;
}

/* The window [start, end) of unit lies within the hours of the day the standards allow it
 * (hourly_from_hour … day_start_until_hour), or the refusal outside_service_hours. */
static int in_service_hours(struct store *s, const char *unit, int64_t start, int64_t end, struct fault *f)
{
	struct standards sd;
	int rc = standards_get(s, &sd);
	if (rc)
		return rc;
	const struct fee_hours h = {sd.hourly_from_hour, sd.hourly_until_hour, sd.day_start_from_hour,
				    sd.day_start_until_hour};
	if (fee_in_service_hours(unit, start, end, &h))
		return AJ_OK;
	FAULT(f, "outside_service_hours", "start");
	return AJ_ERULE;
}

/* A placement's inputs and outputs, for the write's body (store_write may run it more than once). */
struct placing {
	const struct actor *a;
	const struct booking_in *in;
	int64_t id, worker_id, company_scope, start, end;
	enum role role;
	const char *reason;
	int64_t *out_id;
	struct elig_result *res;
	struct fault *f;
};

/* A try's outputs start afresh. */
static void placing_reset(struct placing *p)
{
	p->res->n = 0;
	*p->f = (struct fault){0};
}

static int create_write(struct store *s, void *arg)
{
	struct placing *p = arg;
	const struct actor *a = p->a;
	const struct booking_in *in = p->in;
	int64_t *id = p->out_id;
	struct elig_result *res = p->res;
	struct fault *f = p->f;
	placing_reset(p);
	struct stmt *st = store_sql(s, "SELECT si.company_id, si.category_id, c.trade, si.price_fen, si.active, c.active,"
				       " si.unit FROM service_items si JOIN categories c ON c.id = si.category_id WHERE si.id = $1");
	stmt_bind_int(st, 1, in->service_item_id);
	int rc = stmt_step(st);
	int64_t company = 0, category = 0, price = 0, quantity = 0;
	int trade = -1, active = 0;
	char unit[8] = "";
	if (rc == STORE_ROW) {
		company = stmt_int(st, 0);
		category = stmt_int(st, 1);
		trade = trade_index(stmt_text(st, 2));
		price = stmt_int(st, 3);
		active = stmt_int(st, 4) && stmt_int(st, 5);
		str_copy(unit, sizeof unit, stmt_text(st, 6));
	}
	stmt_done(st);
	if (rc != STORE_ROW || !active) {
		if (rc == STORE_ROW) {
			FAULT(f, "item_inactive", "service_item_id");
			return AJ_ERULE;
		}
		if (rc == STORE_DONE)
			FAULT(f, "not_found", "service_item_id");
		return rc == STORE_DONE ? AJ_ENOTFOUND : rc;
	}
	if ((rc = quantity_of(unit, in->start, in->end, &quantity, f)) != AJ_OK ||
	    (rc = in_service_hours(s, unit, in->start, in->end, f)) != AJ_OK)
		return rc;
	if (in->worker_id &&
	    (rc = placeable(s, in->worker_id, company, trade, in->start, in->end, 0, res, f)) != AJ_OK)
		return rc;
	/* a customer choosing a worker holds that worker's time: only so many at once */
	if (in->worker_id && !in->agreement && (rc = holds_left(s, in->customer_id, f)) != AJ_OK)
		return rc;
	st = store_sql(s, "INSERT INTO bookings (customer_id, company_id, service_item_id, category_id, trade, worker_id,"
			  " start_at, end_at, price_fen, address_sealed, note, status, live, created_at, unit, unit_price_fen,"
			  " quantity_centi, agreement, district)"
			  " VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, '', $10, 'requested', $11, $12, $13, $14, $15, $16, $17)"
			  " RETURNING id");
	stmt_bind_int(st, 1, in->customer_id);
	stmt_bind_int(st, 2, company);
	stmt_bind_int(st, 3, in->service_item_id);
	stmt_bind_int(st, 4, category);
	stmt_bind_text(st, 5, trades[trade].code);
	stmt_bind_id(st, 6, in->worker_id);
	stmt_bind_int(st, 7, in->start);
	stmt_bind_int(st, 8, in->end);
	stmt_bind_int(st, 9, fee_total(price, quantity));
	stmt_bind_text(st, 10, in->note);
	stmt_bind_int(st, 11, in->worker_id ? 1 : 0);
	stmt_bind_int(st, 12, clock_now());
	stmt_bind_text(st, 13, unit);
	stmt_bind_int(st, 14, price);
	stmt_bind_int(st, 15, quantity);
	stmt_bind_text(st, 16, in->agreement ? in->agreement : "online");
	stmt_bind_text(st, 17, in->district);
	rc = stmt_one_int(st, id);
	if (rc || (rc = seal_contact(s, *id, in->address, in->phone)) != AJ_OK ||
	    (rc = event(s, a, *id, "create", NULL, "requested", NULL)) != AJ_OK ||
	    (in->worker_id && (rc = booking_notice(s, *id, "assign")) != AJ_OK))
		return rc;
	return audit_append_state(s, a, "booking.create", "booking", *id, booking_state);
}

int booking_create(struct store *s, const struct actor *a, const struct booking_in *in, int64_t *id,
		   struct elig_result *res, struct fault *f)
{
	res->n = 0;
	if (in->end <= in->start) {
		FAULT(f, "invalid_period", "end");
		return AJ_ERULE;
	}
	if (in->end - in->start > MAX_BOOKING_SECS) {
		FAULT(f, "period_too_long", "end");
		return AJ_ERULE;
	}
	if (in->start < clock_now()) {
		FAULT(f, "start_in_past", "start");
		return AJ_ERULE;
	}
	if (in->start > clock_now() + MAX_AHEAD_SECS) {
		FAULT(f, "too_far_ahead", "start");
		return AJ_ERULE;
	}
	struct placing p = {.a = a, .in = in, .out_id = id, .res = res, .f = f};
	return store_write(s, create_write, &p);
}

static int assign_write(struct store *s, void *arg)
{
	struct placing *p = arg;
	struct booking b;
	placing_reset(p);
	int rc = load(s, p->id, &b);
	if (rc || (p->company_scope && b.company_id != p->company_scope))
		return rc ? rc : AJ_ENOTFOUND;
	if (strcmp(b.status, "requested") != 0) {
		FAULT(p->f, "invalid_transition", "status");
		return AJ_ECONFLICT;
	}
	if ((rc = placeable(s, p->worker_id, b.company_id, b.trade, b.start, b.end, p->id, p->res, p->f)) != AJ_OK)
		return rc;
	struct stmt *st = store_sql(s, "UPDATE bookings SET worker_id = $2, live = 1 WHERE id = $1");
	stmt_bind_int(st, 1, p->id);
	stmt_bind_int(st, 2, p->worker_id);
	if ((rc = stmt_exec(st)) != AJ_OK ||
	    (rc = event(s, p->a, p->id, "assign", "requested", "requested", NULL)) != AJ_OK ||
	    (rc = booking_notice(s, p->id, "assign")) != AJ_OK)
		return rc;
	return audit_append_state(s, p->a, "booking.assign", "booking", p->id, booking_state);
}

int booking_assign(struct store *s, const struct actor *a, int64_t id, int64_t worker_id, int64_t company_scope,
		   struct elig_result *res, struct fault *f)
{
	struct placing p = {.a = a, .id = id, .worker_id = worker_id, .company_scope = company_scope, .res = res, .f = f};
	return store_write(s, assign_write, &p);
}

int bookings_release_worker(struct store *s, int64_t worker_id, int64_t company_id)
{
	const struct actor platform = {0, 0, "platform"};
	int rc;
	for (;;) {
		/* a few at a time: each released one leaves the selection */
		int64_t ids[64];
		char was[64][16];
		int n = 0;
		struct stmt *st = store_sql(s, "SELECT id, status FROM bookings WHERE worker_id = $1 AND company_id = $2"
					       " AND status IN ('requested', 'confirmed') AND end_at > $3 ORDER BY id LIMIT 64");
		stmt_bind_int(st, 1, worker_id);
		stmt_bind_int(st, 2, company_id);
		stmt_bind_int(st, 3, clock_now());
		while ((rc = stmt_step(st)) == STORE_ROW) {
			ids[n] = stmt_int(st, 0);
			str_copy(was[n], sizeof was[n], stmt_text(st, 1));
			n++;
		}
		stmt_done(st);
		if (rc < 0)
			return rc;
		if (!n)
			return AJ_OK;
		for (int i = 0; i < n; i++) {
			st = store_sql(s, "UPDATE bookings SET worker_id = NULL, status = 'requested', live = 0,"
					  " confirmed_at = NULL WHERE id = $1");
			stmt_bind_int(st, 1, ids[i]);
			if ((rc = stmt_exec(st)) != AJ_OK ||
			    (rc = event(s, &platform, ids[i], "release", was[i], "requested", "worker_moved")) != AJ_OK ||
			    (rc = booking_notice(s, ids[i], "release")) != AJ_OK)
				return rc;
		}
	}
}

/* Moves a booking not yet under way to another window [start, end), and for its company to another
 * worker (worker_id; 0 keeps the one assigned), under the rules a new booking obeys: the window's
 * quantity (the fee follows), not in the past, the worker of the company, may serve then and free.
 * A confirmed booking goes back to requested: the worker confirms the new time. The customer moves
 * their own booking's time, never its worker; the other side is told (booking_notice). */
static int reschedule_write(struct store *s, void *arg)
{
	static const char *const from[] = {"requested", "confirmed", NULL};
	struct placing *p = arg;
	const struct actor *a = p->a;
	enum role role = p->role;
	int64_t id = p->id, start = p->start, end = p->end, worker_id = p->worker_id;
	const char *reason = p->reason;
	struct elig_result *res = p->res;
	struct fault *f = p->f;
	struct booking b;
	placing_reset(p);
	int part = 0, rc;
	if ((rc = load(s, id, &b)) != AJ_OK ||
	    (rc = may_move(part = part_of(role, a, &b), P_CUSTOMER | P_COMPANY | P_ASSOCIATION, &b, from, f)) != AJ_OK)
		goto fail;
	if (worker_id && worker_id != b.worker_id && !(part & (P_COMPANY | P_ASSOCIATION))) {
		FAULT(f, "forbidden", "worker_id");
		rc = AJ_EDENIED;
		goto fail;
	}
	char unit[8] = "";
	int64_t price = 0, quantity = 0;
	struct stmt *st = store_sql(s, "SELECT unit, unit_price_fen FROM bookings WHERE id = $1");
	stmt_bind_int(st, 1, id);
	if ((rc = stmt_step(st)) == STORE_ROW) {
		str_copy(unit, sizeof unit, stmt_text(st, 0));
		price = stmt_int(st, 1);
	}
	stmt_done(st);
	if (rc != STORE_ROW) {
		rc = rc < 0 ? rc : AJ_ENOTFOUND;
		goto fail;
	}
	if ((rc = quantity_of(unit, start, end, &quantity, f)) != AJ_OK ||
	    (rc = in_service_hours(s, unit, start, end, f)) != AJ_OK)
		goto fail;
	int64_t worker = worker_id ? worker_id : b.worker_id;
	if (worker && (rc = placeable(s, worker, b.company_id, b.trade, start, end, id, res, f)) != AJ_OK)
		goto fail;
	st = store_sql(s, "UPDATE bookings SET start_at = $2, end_at = $3, worker_id = $4, quantity_centi = $5,"
			  " price_fen = $6, status = 'requested', live = CASE WHEN $4 IS NULL THEN 0 ELSE 1 END,"
			  " confirmed_at = NULL WHERE id = $1");
	stmt_bind_int(st, 1, id);
	stmt_bind_int(st, 2, start);
	stmt_bind_int(st, 3, end);
	stmt_bind_id(st, 4, worker);
	stmt_bind_int(st, 5, quantity);
	stmt_bind_int(st, 6, fee_total(price, quantity));
	char note[320], was[TIME_ISO_LEN];
	time_format_iso(b.start, was);
	snprintf(note, sizeof note, "%s (%s)", reason, was);
	if ((rc = stmt_exec(st)) != AJ_OK || (rc = event(s, a, id, "reschedule", b.status, "requested", note)) != AJ_OK ||
	    (rc = booking_notice(s, id, "reschedule")) != AJ_OK)
		goto fail;
	return audit_append_state(s, a, "booking.reschedule", "booking", id, booking_state);
fail:
	return rc;
}


int booking_reschedule(struct store *s, const struct actor *a, enum role role, int64_t id, int64_t start,
		       int64_t end, int64_t worker_id, const char *reason, struct elig_result *res, struct fault *f)
{
	res->n = 0;
	if (end <= start) {
		FAULT(f, "invalid_period", "end");
		return AJ_ERULE;
	}
	if (start < clock_now()) {
		FAULT(f, "start_in_past", "start");
		return AJ_ERULE;
	}
	if (start > clock_now() + MAX_AHEAD_SECS) {
		FAULT(f, "too_far_ahead", "start");
		return AJ_ERULE;
	}
	struct placing p = {.a = a, .role = role, .id = id, .start = start, .end = end, .worker_id = worker_id,
			    .reason = reason, .res = res, .f = f};
	return store_write(s, reschedule_write, &p);
}

/* Records the answers of one phase: every active item of the phase answered (when all is set),
 * none from elsewhere, each answer one of the phase's. */
static int record_answers(struct store *s, const struct actor *a, const struct booking *b, const char *phase,
			  const struct answer *ans, int n, int all, struct fault *f)
{
	for (int i = 0; i < n; i++) {
		int64_t found = 0;
		struct stmt *st = store_sql(s, "SELECT count(*) FROM category_items WHERE id = $1 AND category_id = $2"
					       " AND phase = $3 AND active = 1");
		stmt_bind_int(st, 1, ans[i].item_id);
		stmt_bind_int(st, 2, b->category_id);
		stmt_bind_text(st, 3, phase);
		int rc = stmt_one_int(st, &found);
		if (rc)
			return rc;
		if (!found) {
			FAULT(f, "item_unknown", "items");
			return AJ_ERULE;
		}
	}
	if (all) {
		struct stmt *st = store_sql(s, "SELECT id FROM category_items WHERE category_id = $1 AND phase = $2"
					       " AND active = 1 ORDER BY position, id");
		stmt_bind_int(st, 1, b->category_id);
		stmt_bind_text(st, 2, phase);
		int rc, missing = 0;
		while (!missing && (rc = stmt_step(st)) == STORE_ROW) {
			int64_t item = stmt_int(st, 0);
			int have = 0;
			for (int i = 0; i < n && !have; i++)
				have = ans[i].item_id == item && strcmp(ans[i].answer, "not_done") != 0;
			missing = !have;
		}
		stmt_done(st);
		if (missing) {
			FAULT(f, "checklist_incomplete", "items");
			return AJ_ERULE;
		}
	}
	for (int i = 0; i < n; i++) {
		struct stmt *st = store_sql(s, "INSERT INTO booking_answers (booking_id, item_id, answer, note, answered_by,"
					       " answered_at) VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT (booking_id, item_id)"
					       " DO UPDATE SET answer = $3, note = $4, answered_by = $5, answered_at = $6");
		stmt_bind_int(st, 1, b->id);
		stmt_bind_int(st, 2, ans[i].item_id);
		stmt_bind_text(st, 3, ans[i].answer);
		stmt_bind_text(st, 4, ans[i].note);
		stmt_bind_id(st, 5, a->user_id);
		stmt_bind_int(st, 6, clock_now());
		int rc = stmt_exec(st);
		if (rc)
			return rc;
	}
	return AJ_OK;
}

/* A booking's move from one state to another, all its parts in one transaction. */
struct move {
	const char *action;            /* the timeline's and the audit chain's word */
	int allowed;                   /* parts that may make it */
	const char *const *from;       /* states it starts from */
	const char *to;
	const char *phase;             /* the answers it records, or NULL */
	int all;                       /* every item of the phase needed */
	int gate;                      /* "may serve": 1 over the booked window; 2 from now to its end;
					  3 now (a check-out: the company may still close it, marked) */
};

static const char *const from_requested[] = {"requested", NULL};
static const char *const from_confirmed[] = {"confirmed", NULL};
static const char *const from_checked_in[] = {"checked_in", NULL};
static const char *const from_cancellable[] = {"requested", "confirmed", NULL};

static const struct move moves[] = {
	[BA_CONFIRM] = {"confirm", P_COMPANY | P_WORKER, from_requested, "confirmed", "pre", 1, 1},
	[BA_CHECKIN] = {"checkin", P_COMPANY | P_WORKER, from_confirmed, "checked_in", NULL, 0, 2},
	[BA_CHECKOUT] = {"checkout", P_WORKER | P_COMPANY, from_checked_in, "completed", "in", 1, 3},
	[BA_CANCEL] = {"cancel", P_CUSTOMER | P_COMPANY | P_ASSOCIATION, from_cancellable, "cancelled", NULL, 0, 0},
	[BA_NO_SHOW] = {"no_show", P_COMPANY | P_WORKER, from_confirmed, "no_show", NULL, 0, 0},
};

/* A move's inputs and outputs — booking_move's, and at check-out the one-time code the customer's
 * booking showed (NULL: none) — for the write's body (store_write may run it more than once: it sets
 * its outputs afresh). */
struct moving {
	const struct actor *a;
	enum role role;
	int64_t id;
	enum booking_action act;
	const struct answer *ans;
	int n;
	const char *reason, *party, *code;
	struct elig_result *res;
	struct fault *f;
	int refusal;                   /* a refusal whose write is kept (a wrong code's try), or AJ_OK */
	struct booking b;              /* the booking as a decline found it, for its answer */
};

static int move_write(struct store *s, void *arg)
{
	struct moving *mv = arg;
	const struct actor *a = mv->a;
	enum role role = mv->role;
	int64_t id = mv->id;
	enum booking_action act = mv->act;
	const char *reason = mv->reason, *party = mv->party, *code = mv->code;
	struct elig_result *res = mv->res;
	struct fault *f = mv->f;
	const struct move *m = &moves[act];
	struct booking b;
	struct standards sd;
	res->n = 0;
	*f = (struct fault){0};
	mv->refusal = AJ_OK;
	int part = 0, rc;
	if ((rc = load(s, id, &b)) != AJ_OK ||
	    (rc = may_move(part = part_of(role, a, &b), m->allowed, &b, m->from, f)) != AJ_OK)
		goto fail;
	if ((rc = standards_get(s, &sd)) != AJ_OK)
		goto fail;
	int64_t now = clock_now();
	if (act != BA_CANCEL && !b.worker_id) {
		FAULT(f, "no_worker", "worker_id");
		rc = AJ_ERULE;
		goto fail;
	}
	/* a check-in counts from the start less the standard's minutes: earlier is no service begun */
	if (act == BA_CHECKIN && now < b.start - (int64_t)sd.checkin_early_minutes * 60) {
		FAULT(f, "too_early", "status");
		rc = AJ_ERULE;
		goto fail;
	}
	if (act == BA_NO_SHOW && now < b.start) {
		FAULT(f, "not_started", "status");
		rc = AJ_ERULE;
		goto fail;
	}
	/* the code the customer's booking shows, entered at check-out: a wrong one is refused, the try
	 * counted against the code (and kept, though nothing else of the check-out is) */
	if (act == BA_CHECKOUT && code && (rc = evidence_code_check(s, id, code, f)) != AJ_OK) {
		/* the try counted commits; the caller answers the refusal */
		if (rc == AJ_ERULE && f->code && strcmp(f->code, "service_code_wrong") == 0) {
			store_keep_generation(s);
			mv->refusal = AJ_ERULE;
			return AJ_OK;
		}
		goto fail;
	}
	/* the worker may serve, for the booking's company: over the booked window at confirmation,
	 * from now to the end at check-in, now at check-out — where a worker barred while under way
	 * cannot close the service; the company closes it with a reason, and the booking is marked */
	const char *barred = NULL;
	if (m->gate) {
		int64_t employer = 0;
		struct stmt *st = store_sql(s, "SELECT coalesce(company_id, 0) FROM workers WHERE id = $1");
		stmt_bind_int(st, 1, b.worker_id);
		if ((rc = stmt_one_int(st, &employer)) != AJ_OK)
			goto fail;
		int64_t from = m->gate == 1 ? b.start : now, to = m->gate == 1 ? b.end : m->gate == 2 ? b.end : now;
		if ((rc = elig_evaluate_span(s, b.worker_id, b.trade, from, to > from ? to : from, ELIG_FOR_SERVICE,
					     res)) != AJ_OK)
			goto fail;
		const char *why = employer != b.company_id ? "worker_not_of_company"
				: res->status == ELIG_RED ? "worker_not_eligible" : NULL;
		if (why && m->gate == 3 && (part & P_COMPANY)) {
			if (!reason) {
				FAULT(f, "barred_checkout_reason_required", "reason");
				rc = AJ_ERULE;
				goto fail;
			}
			barred = "worker_not_of_company";
			for (int i = 0; i < res->n && employer == b.company_id; i++)
				if (res->r[i].red) {
					barred = res->r[i].code;
					break;
				}
		} else if (why) {
			FAULT(f, why, "worker_id");
			rc = AJ_ERULE;
			goto fail;
		}
	}
	/* a service stopped short needs no full checklist: what was done is recorded */
	if (m->phase && (rc = record_answers(s, a, &b, m->phase, mv->ans, mv->n, m->all && !barred, f)) != AJ_OK)
		goto fail;
	/* leaving before the booked end (less the tolerance) is said, with its reason, and marked */
	int left_early = act == BA_CHECKOUT && fee_left_early(b.end, now, sd.checkout_tolerance_minutes);
	if (left_early && !reason) {
		FAULT(f, "left_early_reason_required", "reason");
		rc = AJ_ERULE;
		goto fail;
	}
	const char *by = role == ROLE_CUSTOMER ? "customer" : role == ROLE_ASSOCIATION_ADMIN ? "association" : "company";
	struct stmt *st = store_sql(s,
		"UPDATE bookings SET status = $2,"
		" live = CASE WHEN $2 IN ('confirmed', 'checked_in') OR ($2 = 'requested' AND worker_id IS NOT NULL)"
		"        THEN 1 ELSE 0 END,"
		" confirmed_at = CASE WHEN $2 = 'confirmed' THEN $3 ELSE confirmed_at END,"
		" checked_in_at = CASE WHEN $2 = 'checked_in' THEN $3 ELSE checked_in_at END,"
		" late = CASE WHEN $2 = 'checked_in' THEN CASE WHEN $3 > start_at + $4 THEN 1 ELSE 0 END ELSE late END,"
		" checkin_month = CASE WHEN $2 = 'checked_in' THEN $5 ELSE checkin_month END,"
		" checked_out_at = CASE WHEN $2 = 'completed' THEN $3 ELSE checked_out_at END,"
		" completed_month = CASE WHEN $2 = 'completed' THEN $5 ELSE completed_month END,"
		" cancelled_at = CASE WHEN $2 = 'cancelled' THEN $3 ELSE cancelled_at END,"
		" cancelled_by = CASE WHEN $2 = 'cancelled' THEN $6 ELSE cancelled_by END,"
		" cancel_reason = CASE WHEN $2 = 'cancelled' THEN $7 ELSE cancel_reason END,"
		" no_show_at = CASE WHEN $2 = 'no_show' THEN $3 ELSE no_show_at END,"
		" no_show_party = CASE WHEN $2 = 'no_show' THEN $8 ELSE no_show_party END,"
		" no_show_reason = CASE WHEN $2 = 'no_show' THEN $7 ELSE no_show_reason END,"
		" left_early = CASE WHEN $2 = 'completed' THEN $9 ELSE left_early END,"
		" left_early_reason = CASE WHEN $2 = 'completed' AND $9 = 1 THEN $7 ELSE left_early_reason END,"
		" barred_code = CASE WHEN $2 = 'completed' THEN $10 ELSE barred_code END,"
		" barred_reason = CASE WHEN $2 = 'completed' AND $10 IS NOT NULL THEN $7 ELSE barred_reason END"
		" WHERE id = $1");
	stmt_bind_int(st, 1, id);
	stmt_bind_text(st, 2, m->to);
	stmt_bind_int(st, 3, now);
	stmt_bind_int(st, 4, (int64_t)sd.punctuality_tolerance_minutes * 60);
	stmt_bind_int(st, 5, time_month(now));
	stmt_bind_text(st, 6, by);
	stmt_bind_text(st, 7, reason);
	stmt_bind_text(st, 8, party);
	stmt_bind_int(st, 9, left_early);
	stmt_bind_text(st, 10, barred);
	if ((rc = stmt_exec(st)) != AJ_OK || (rc = event(s, a, id, m->action, b.status, m->to, reason)) != AJ_OK)
		goto fail;
	if (act == BA_NO_SHOW && (rc = no_show_opened(s, id, party)) != AJ_OK)
		goto fail;
	/* the service's one-time code, from check-in to check-out; the code entered is the customer's
	 * word that it happened. The month figures count a service once its customer has said so
	 * (services/evidence.c), not at its check-in or check-out */
	if (act == BA_CHECKIN && (rc = evidence_code_issue(s, id)) != AJ_OK)
		goto fail;
	if (act == BA_CHECKOUT && ((rc = evidence_code_end(s, id)) != AJ_OK ||
				   (code && (rc = evidence_record(s, a, id, EVIDENCE_CODE, 1, NULL, f)) != AJ_OK)))
		goto fail;
	if ((rc = booking_notice(s, id, m->action)) != AJ_OK)
		goto fail;
	char action[32];
	snprintf(action, sizeof action, "booking.%s", m->action);
	return audit_append_state(s, a, action, "booking", id, booking_state);
fail:
	return rc;
}

/* Runs a move, and answers the refusal it kept when it kept one. */
static int move_booking(struct store *s, struct moving *mv)
{
	int rc = store_write(s, move_write, mv);
	return rc ? rc : mv->refusal;
}

int booking_move(struct store *s, const struct actor *a, enum role role, int64_t id, enum booking_action act,
		 const struct answer *ans, int n, const char *reason, const char *party, struct elig_result *res,
		 struct fault *f)
{
	struct moving mv = {.a = a, .role = role, .id = id, .act = act, .ans = ans, .n = n, .reason = reason,
			    .party = party, .res = res, .f = f};
	return move_booking(s, &mv);
}

int booking_checkout(struct store *s, const struct actor *a, enum role role, int64_t id, const struct answer *ans,
		     int n, const char *reason, const char *code, struct elig_result *res, struct fault *f)
{
	struct moving mv = {.a = a, .role = role, .id = id, .act = BA_CHECKOUT, .ans = ans, .n = n, .reason = reason,
			    .code = code, .res = res, .f = f};
	return move_booking(s, &mv);
}

/* ---- requests nobody confirmed ---- */

/* A request nobody confirmed in time, cancelled: for the write's body. */
struct expiry {
	const struct actor *a;
	int64_t id, now;
};

static int expire_write(struct store *s, void *arg)
{
	const struct expiry *x = arg;
	struct stmt *st = store_sql(s, "UPDATE bookings SET status = 'cancelled', live = 0, cancelled_at = $2,"
				       " cancelled_by = 'platform', cancel_reason = $3 WHERE id = $1 AND status = 'requested'");
	stmt_bind_int(st, 1, x->id);
	stmt_bind_int(st, 2, x->now);
	stmt_bind_text(st, 3, "未在时限内确认，预约已失效");
	int rc;
	if ((rc = stmt_exec(st)) != AJ_OK ||
	    (rc = event(s, x->a, x->id, "expire", "requested", "cancelled", "未在时限内确认，预约已失效")) != AJ_OK ||
	    (rc = booking_notice(s, x->id, "cancel")) != AJ_OK)
		return rc;
	return audit_append_state(s, x->a, "booking.expire", "booking", x->id, booking_state);
}

int bookings_expire(struct store *s, int64_t now, int *expired)
{
	struct standards sd;
	int rc = standards_get(s, &sd);
	*expired = 0;
	if (rc)
		return rc;
	int64_t ids[200];
	int n = 0;
	struct stmt *st = store_sql(s, "SELECT id FROM bookings WHERE status = 'requested' AND (start_at <= $1"
				       " OR created_at <= $2) ORDER BY id LIMIT 200");
	stmt_bind_int(st, 1, now);
	stmt_bind_int(st, 2, now - (int64_t)sd.request_confirm_hours * 3600);
	rc = stmt_ints(st, ids, 200, &n);
	if (rc < 0)
		return rc;
	struct actor a = {0, 0, "jobs"};
	/* one write each: a booking that fails leaves those before it done */
	for (int i = 0; i < n; i++) {
		struct expiry x = {&a, ids[i], now};
		if ((rc = store_write(s, expire_write, &x)) != AJ_OK)
			return rc;
		(*expired)++;
	}
	return AJ_OK;
}

/* ---- reviews ---- */

static int rating_add(struct store *s, const char *subject, int64_t subject_id, int overall)
{
	struct stmt *st = store_sql(s, "INSERT INTO ratings (subject, subject_id, n, total) VALUES ($1, $2, 1, $3)"
				       " ON CONFLICT (subject, subject_id) DO UPDATE SET n = ratings.n + 1,"
				       " total = ratings.total + $3");
	stmt_bind_text(st, 1, subject);
	stmt_bind_int(st, 2, subject_id);
	stmt_bind_int(st, 3, overall);
	return stmt_exec(st);
}

/* A customer's review of a booking, for the write's body (store_write may run it more than once: it
 * sets its outputs afresh). */
struct reviewing {
	const struct actor *a;
	enum role role;
	int64_t id;
	const int *scores;
	const char *comment;
	const struct answer *ans;
	int n;
	struct fault *f;
};

static int review_write(struct store *s, void *arg)
{
	static const char *const from_completed[] = {"completed", NULL};
	const struct reviewing *rv = arg;
	const struct actor *a = rv->a;
	enum role role = rv->role;
	int64_t id = rv->id;
	const int *scores = rv->scores;
	struct fault *f = rv->f;
	struct booking b;
	int rc;
	*f = (struct fault){0};
	if ((rc = load(s, id, &b)) != AJ_OK)
		goto fail;
	if (strcmp(b.status, "reviewed") == 0 && part_of(role, a, &b) & P_CUSTOMER) {
		FAULT(f, "already_reviewed", "status");
		rc = AJ_ECONFLICT;
		goto fail;
	}
	if ((rc = may_move(part_of(role, a, &b), P_CUSTOMER, &b, from_completed, f)) != AJ_OK)
		goto fail;
	/* a service its company stopped because the worker could not serve is not rated: the
	 * customer's recourse is a complaint */
	int64_t stopped = 0;
	struct stmt *bst = store_sql(s, "SELECT count(*) FROM bookings WHERE id = $1 AND barred_code IS NOT NULL");
	stmt_bind_int(bst, 1, id);
	if ((rc = stmt_one_int(bst, &stopped)) != AJ_OK)
		goto fail;
	if (stopped) {
		FAULT(f, "service_stopped", "status");
		rc = AJ_ERULE;
		goto fail;
	}
	/* a review comes from a service its customer said happened (services/evidence.h) */
	int64_t confirmed = 0;
	bst = store_sql(s, "SELECT count(*) FROM bookings WHERE id = $1 AND evidence = 'confirmed'");
	stmt_bind_int(bst, 1, id);
	if ((rc = stmt_one_int(bst, &confirmed)) != AJ_OK)
		goto fail;
	if (!confirmed) {
		FAULT(f, "service_not_confirmed", "status");
		rc = AJ_ERULE;
		goto fail;
	}
	if (rv->n && (rc = record_answers(s, a, &b, "post", rv->ans, rv->n, 0, f)) != AJ_OK)
		goto fail;
	int64_t now = clock_now();
	struct stmt *st = store_sql(s, "INSERT INTO reviews (booking_id, customer_id, worker_id, company_id, overall,"
				       " punctuality, skill, attitude, hygiene, comment, satisfied, month, created_at)"
				       " VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11,"
				       " (SELECT completed_month FROM bookings WHERE id = $1), $12)");
	stmt_bind_int(st, 1, id);
	stmt_bind_int(st, 2, b.customer_id);
	stmt_bind_int(st, 3, b.worker_id);
	stmt_bind_int(st, 4, b.company_id);
	for (int i = 0; i < 5; i++)
		stmt_bind_int(st, 5 + i, scores[i]);
	stmt_bind_text(st, 10, rv->comment);
	stmt_bind_int(st, 11, scores[0] >= 4);
	stmt_bind_int(st, 12, now);
	if ((rc = stmt_exec(st)) != AJ_OK || (rc = review_signals(s, id)) != AJ_OK)
		goto fail;
	int64_t month = 0;
	st = store_sql(s, "SELECT completed_month FROM bookings WHERE id = $1");
	stmt_bind_int(st, 1, id);
	struct figures_delta d = {0, 1, scores[0] >= 4, 0, 0};
	if ((rc = rating_add(s, "worker", b.worker_id, scores[0])) != AJ_OK ||
	    (rc = rating_add(s, "company", b.company_id, scores[0])) != AJ_OK ||
	    (rc = stmt_one_int(st, &month)) != AJ_OK ||
	    (rc = figures_add(s, b.worker_id, b.company_id, (int)month, &d)) != AJ_OK)
		goto fail;
	st = store_sql(s, "UPDATE bookings SET status = 'reviewed' WHERE id = $1");
	stmt_bind_int(st, 1, id);
	if ((rc = stmt_exec(st)) != AJ_OK || (rc = event(s, a, id, "review", "completed", "reviewed", NULL)) != AJ_OK)
		goto fail;
	return audit_append_state(s, a, "booking.review", "booking", id, booking_state);
fail:
	return rc;
}

int review_create(struct store *s, const struct actor *a, enum role role, int64_t id, const int scores[5],
		  const char *comment, const struct answer *ans, int n, struct fault *f)
{
	struct reviewing rv = {a, role, id, scores, comment, ans, n, f};
	return store_write(s, review_write, &rv);
}

/* ---- history ---- */

/* A past booking recorded whole, for the write's body. */
struct recording {
	const struct actor *a;
	const struct booking_history *h;
	int64_t *out_id;
};

static int history_write(struct store *s, void *arg)
{
	const struct recording *rd = arg;
	const struct actor *a = rd->a;
	const struct booking_history *h = rd->h;
	int64_t *id = rd->out_id;
	int rc;
	char unit[8] = "";
	struct stmt *st = store_sql(s, "SELECT unit FROM service_items WHERE id = $1");
	stmt_bind_int(st, 1, h->service_item_id);
	if (stmt_step(st) == STORE_ROW)
		str_copy(unit, sizeof unit, stmt_text(st, 0));
	stmt_done(st);
	int64_t quantity;
	struct fault f = {0};
	if ((rc = quantity_of(unit, h->start, h->end, &quantity, &f)) != AJ_OK)
		goto fail;
	st = store_sql(s,
		"INSERT INTO bookings (customer_id, company_id, service_item_id, category_id, trade, worker_id, start_at,"
		" end_at, price_fen, address_sealed, status, live, created_at, confirmed_at, checked_in_at, late,"
		" checked_out_at, checkin_month, completed_month, unit, unit_price_fen, quantity_centi, left_early,"
		" evidence, evidence_via, evidence_at)"
		" VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, '', 'reviewed', 0, $10, $11, $12, $13, $14, $15, $16,"
		" $17, $18, $19, 0, 'confirmed', 'code', $14) RETURNING id");
	stmt_bind_int(st, 1, h->customer_id);
	stmt_bind_int(st, 2, h->company_id);
	stmt_bind_int(st, 3, h->service_item_id);
	stmt_bind_int(st, 4, h->category_id);
	stmt_bind_text(st, 5, h->trade);
	stmt_bind_int(st, 6, h->worker_id);
	stmt_bind_int(st, 7, h->start);
	stmt_bind_int(st, 8, h->end);
	stmt_bind_int(st, 9, fee_total(h->price_fen, quantity));
	stmt_bind_int(st, 10, h->created);
	stmt_bind_int(st, 11, h->confirmed);
	stmt_bind_int(st, 12, h->checked_in);
	stmt_bind_int(st, 13, h->late);
	stmt_bind_int(st, 14, h->checked_out);
	stmt_bind_int(st, 15, time_month(h->checked_in));
	stmt_bind_int(st, 16, time_month(h->checked_out));
	stmt_bind_text(st, 17, unit);
	stmt_bind_int(st, 18, h->price_fen);
	stmt_bind_int(st, 19, quantity);
	if ((rc = stmt_one_int(st, id)) != AJ_OK || (rc = seal_contact(s, *id, h->address, h->phone)) != AJ_OK)
		goto fail;
	st = store_sql(s, "INSERT INTO reviews (booking_id, customer_id, worker_id, company_id, overall, punctuality, skill,"
			  " attitude, hygiene, comment, satisfied, month, created_at)"
			  " VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13)");
	stmt_bind_int(st, 1, *id);
	stmt_bind_int(st, 2, h->customer_id);
	stmt_bind_int(st, 3, h->worker_id);
	stmt_bind_int(st, 4, h->company_id);
	for (int i = 0; i < 5; i++)
		stmt_bind_int(st, 5 + i, h->scores[i]);
	stmt_bind_text(st, 10, h->comment);
	stmt_bind_int(st, 11, h->scores[0] >= 4);
	stmt_bind_int(st, 12, time_month(h->checked_out));
	stmt_bind_int(st, 13, h->reviewed);
	if ((rc = stmt_exec(st)) != AJ_OK || (rc = review_signals(s, *id)) != AJ_OK)
		goto fail;
	struct figures_delta in = {0, 0, 0, 1, !h->late}, out = {1, 1, h->scores[0] >= 4, 0, 0};
	if ((rc = event(s, a, *id, "record", NULL, "reviewed", NULL)) != AJ_OK ||
	    (rc = figures_add(s, h->worker_id, h->company_id, time_month(h->checked_in), &in)) != AJ_OK ||
	    (rc = figures_add(s, h->worker_id, h->company_id, time_month(h->checked_out), &out)) != AJ_OK)
		goto fail;
	return audit_append_state(s, a, "booking.record", "booking", *id, booking_state);
fail:
	return rc;
}

int booking_history_add(struct store *s, const struct actor *a, const struct booking_history *h, int64_t *id)
{
	struct recording rd = {a, h, id};
	return store_write(s, history_write, &rd);
}

static int ratings_write(struct store *s, void *arg)
{
	int rc;
	if ((rc = stmt_exec(store_sql(s, "DELETE FROM ratings"))) != AJ_OK ||
	    (rc = stmt_exec(store_sql(s, "INSERT INTO ratings (subject, subject_id, n, total) SELECT 'worker', worker_id,"
					 " count(*), sum(overall) FROM reviews WHERE excluded_at IS NULL GROUP BY worker_id"))) != AJ_OK)
		return rc;
	return stmt_exec(store_sql(s, "INSERT INTO ratings (subject, subject_id, n, total) SELECT 'company', company_id,"
				      " count(*), sum(overall) FROM reviews WHERE excluded_at IS NULL GROUP BY company_id"));
}

int ratings_rebuild(struct store *s)
{
	return store_write(s, ratings_write, NULL);
}

/* ---- HTTP ---- */

static int full_names(struct req *r)
{
	switch (r->user.role) {
	case ROLE_ASSOCIATION_ADMIN:
	case ROLE_CS_AGENT:
	case ROLE_COMPANY_ADMIN:
	case ROLE_COMPANY_STAFF:
		return NAMES_FULL;
	case ROLE_WORKER:
		return NAMES_WORKER;
	default:
		return NAMES_MASKED;
	}
}

/* Whether the caller sees booking id at all. */
static int visible(struct req *r, int64_t id, struct booking *b)
{
	struct actor a = req_actor(r);
	int rc = load(r->store, id, b);
	if (rc)
		return rc;
	return part_of(r->user.role, &a, b) ? AJ_OK : AJ_ENOTFOUND;
}

static void reply_booking(struct req *r, int64_t id, int status, const struct contact *c);

int booking_contact(struct store *s, int64_t id, struct contact *out)
{
	struct stmt *st = store_sql(s, "SELECT address_sealed, contact_phone_sealed, contact_destroyed_at FROM bookings"
				       " WHERE id = $1");
	stmt_bind_int(st, 1, id);
	int rc = stmt_step(st);
	out->address[0] = out->phone[0] = 0;
	int destroyed = rc == STORE_ROW && (!stmt_is_null(st, 2) || !*stmt_text(st, 0));
	int opened = rc == STORE_ROW && !destroyed &&
		     keys_unseal_for(SEALED_BOOKING_ADDRESS, id, stmt_text(st, 0), out->address, sizeof out->address) == 0 &&
		     (stmt_is_null(st, 1) ||
		      keys_unseal_for(SEALED_BOOKING_PHONE, id, stmt_text(st, 1), out->phone, sizeof out->phone) == 0);
	stmt_done(st);
	if (rc != STORE_ROW)
		return rc == STORE_DONE ? AJ_ENOTFOUND : rc;
	return destroyed ? AJ_EGONE : opened ? AJ_OK : AJ_EDENIED;
}

int booking_contact_open_now(const char *status, int64_t confirmed, int64_t done, int64_t now, int visible_hours)
{
	/* open while the service is confirmed or under way, and for the standard's hours after it ended:
	 * never for a request not yet confirmed, a cancellation or a no-show */
	if (!confirmed)
		return 0;
	if (strcmp(status, "confirmed") == 0 || strcmp(status, "checked_in") == 0)
		return 1;
	if (strcmp(status, "completed") == 0 || strcmp(status, "reviewed") == 0)
		return done && now < done + (int64_t)visible_hours * 3600;
	return 0;
}

/* A reading of a booking's address and telephone, for the write's body: the access log's entry and
 * the audit record. */
struct contact_view {
	const struct actor *a;
	const struct booking *b;
};

static int contact_view_write(struct store *s, void *arg)
{
	const struct contact_view *v = arg;
	struct access_entry e = {"customer", v->b->customer_id, "address"};
	char via[40];
	snprintf(via, sizeof via, "booking:%lld", (long long)v->b->id);
	int rc = access_add(s, v->a, &e, 1, via);
	if (rc)
		return rc;
	return audit_append_state(s, v->a, "booking.address_view", "booking", v->b->id, booking_state);
}

/* The address and telephone, to those who may read them now: the customer always (until they are
 * destroyed); the assigned worker — while still employed by the booking's company — and the company
 * while the booking is theirs to serve (booking_contact_open_now). Each such reading is recorded in
 * the access log and the audit chain; the booking shows how many there were, not a step each. */
static int open_contact(struct store *s, const struct actor *a, enum role role, const struct booking *b,
			struct contact *out)
{
	int part = part_of(role, a, b);
	struct standards sd;
	int rc = standards_get(s, &sd);
	if (rc)
		return rc;
	struct stmt *st = store_sql(s, "SELECT coalesce(b.confirmed_at, 0), coalesce(b.checked_out_at, 0),"
					      " coalesce(w.company_id, 0), b.evidence IS NULL FROM bookings b"
					      " LEFT JOIN workers w ON w.id = b.worker_id WHERE b.id = $1");
	stmt_bind_int(st, 1, b->id);
	rc = stmt_step(st);
	int64_t confirmed = 0, done = 0, employer = 0, unconfirmed = 0;
	if (rc == STORE_ROW) {
		confirmed = stmt_int(st, 0);
		done = stmt_int(st, 1);
		employer = stmt_int(st, 2);
		unconfirmed = stmt_int(st, 3);
	}
	stmt_done(st);
	if (rc != STORE_ROW)
		return rc < 0 ? rc : AJ_ENOTFOUND;
	/* a worker who has left the company no longer serves its households */
	if ((part & P_WORKER) && employer != b->company_id)
		part &= ~P_WORKER;
	/* the service centre, to call a household back on a service whose customer has not said whether
	 * it happened (services/evidence.c) */
	int follow_up = (part & P_VIEWER) && role == ROLE_CS_AGENT && unconfirmed && strcmp(b->status, "completed") == 0;
	int allowed = (part & P_CUSTOMER) || follow_up ||
		      ((part & (P_WORKER | P_COMPANY)) &&
		       booking_contact_open_now(b->status, confirmed, done, clock_now(), sd.address_visible_hours));
	if (!allowed)
		return AJ_EDENIED;
	if ((rc = booking_contact(s, b->id, out)) != AJ_OK)
		return rc;
	if (part & P_CUSTOMER)
		return AJ_OK;
	struct contact_view v = {a, b};
	return store_write(s, contact_view_write, &v);
}

int booking_open_contact(struct store *s, const struct actor *a, enum role role, int64_t id, struct contact *out)
{
	struct booking b;
	int rc = load(s, id, &b);
	return rc ? rc : open_contact(s, a, role, &b, out);
}

void api_bookings_get(struct req *r)
{
	struct booking b;
	int rc = visible(r, r->id[0], &b);
	if (rc) {
		req_fail(r, rc);
		return;
	}
	struct contact c;
	struct actor a = req_actor(r);
	rc = open_contact(r->store, &a, r->user.role, &b, &c);
	if (rc && rc != AJ_EDENIED && rc != AJ_EGONE) {
		req_fail(r, rc);
		return;
	}
	reply_booking(r, r->id[0], 200, rc == AJ_OK ? &c : NULL);
}

/* The booking with its checklists and timeline (and the address and telephone when opened). */
static void reply_booking(struct req *r, int64_t id, int status, const struct contact *c)
{
	struct stmt *st = store_sql(r->store, "SELECT " BOOKING_COLUMNS BOOKING_FROM " WHERE b.id = $1");
	stmt_bind_int(st, 1, id);
	int rc = stmt_step(st);
	if (rc != STORE_ROW) {
		stmt_done(st);
		req_fail(r, rc == STORE_DONE ? AJ_ENOTFOUND : rc);
		return;
	}
	int64_t category = stmt_int(st, 12), customer_id = stmt_int(st, 2);
	int names = full_names(r);
	/* a past employer's household is named masked, in the timeline as in the booking */
	int past = names == NAMES_WORKER && stmt_int(st, 33) != stmt_int(st, 4);
	char customer[96];
	worker_mask_name(stmt_text(st, 3), customer, sizeof customer);
	struct jw *w = req_jw(r);
	jw_obj(w);
	booking_fields(w, st, names, c);
	stmt_done(st);
	no_show_json(r->store, id, w);
	/* the checklist, phase by phase: one reading, in the phases' order */
	static const char *const phase_names[] = {"pre", "in", "post"};
	st = store_sql(r->store, "SELECT i.id, i.text, i.text_en, a.answer, a.note, coalesce(a.answered_at, 0), i.phase"
				 " FROM category_items i LEFT JOIN booking_answers a ON a.item_id = i.id"
				 " AND a.booking_id = $1 WHERE i.category_id = $2 AND (i.active = 1 OR a.answer IS NOT NULL)"
				 " ORDER BY CASE i.phase WHEN 'pre' THEN 0 WHEN 'in' THEN 1 ELSE 2 END, i.position, i.id");
	stmt_bind_int(st, 1, id);
	stmt_bind_int(st, 2, category);
	int row = stmt_step(st);
	jw_key(w, "checklist");
	jw_obj(w);
	for (int p = 0; p < 3; p++) {
		jw_key(w, phase_names[p]);
		jw_arr(w);
		for (; row == STORE_ROW && strcmp(stmt_text(st, 6), phase_names[p]) == 0; row = stmt_step(st)) {
			jw_obj(w);
			jw_kint(w, "item_id", stmt_int(st, 0));
			jw_kstr(w, "text", stmt_text(st, 1));
			jw_kstr(w, "text_en", stmt_text(st, 2));
			jw_kstr(w, "answer", stmt_text(st, 3));
			jw_kstr(w, "note", stmt_text(st, 4));
			jw_ktime(w, "at", stmt_int(st, 5));
			jw_obj_end(w);
		}
		jw_arr_end(w);
	}
	stmt_done(st);
	jw_obj_end(w);
	if (row < 0) {
		req_fail(r, row);
		return;
	}
	struct timeline_view tv = {.customer_as = past ? customer : NULL,
				   .mask = names == NAMES_MASKED ? worker_mask_name : NULL};
	rc = timeline_json(r->store, w, "timeline", TIMELINE_BOOKING, id, &tv);
	if (rc < 0) {
		req_fail(r, rc);
		return;
	}
	/* how often the worker and the company opened the address and telephone (the access log) */
	char via[40];
	snprintf(via, sizeof via, "booking:%lld", (long long)id);
	st = store_sql(r->store, "SELECT count(*), coalesce(max(l.at), 0) FROM access_log l JOIN bookings b"
				 " ON b.id = $1 WHERE l.subject = 'customer' AND l.subject_id = b.customer_id AND l.via = $2");
	stmt_bind_int(st, 1, id);
	stmt_bind_text(st, 2, via);
	jw_key(w, "contact_views");
	jw_obj(w);
	if (stmt_step(st) == STORE_ROW) {
		jw_kint(w, "count", stmt_int(st, 0));
		jw_ktime(w, "last_at", stmt_int(st, 1));
	}
	stmt_done(st);
	jw_obj_end(w);
	/* the code the customer reads out to the worker at check-out, to their eyes alone */
	char code[SERVICE_CODE_LEN];
	if (r->user.role == ROLE_CUSTOMER && customer_id == r->user.user_id && evidence_code_show(r->store, id, code) == 0)
		jw_kstr(w, "service_code", code);
	/* the review, as the caller may see it (services/reviews.h): not to the worker, who would learn
	 * which household scored them how */
	if (r->user.role != ROLE_WORKER)
		review_booking_json(r->store, id, r->user.role, w);
	jw_obj_end(w);
	req_send(r, status);
}

/* Replies to a refused placement or move. */
static void refusal(struct req *r, int rc, const struct fault *f, const struct elig_result *res)
{
	if (f->code && strcmp(f->code, "worker_not_eligible") == 0) {
		struct jw *w = req_error_open(r, 422, f->code, f->field, NULL);
		jw_key(w, "reasons");
		elig_reasons_json(w, res, r->lang);
		req_error_close(r);
	} else {
		req_fault(r, rc, f);
	}
}

/* Books in as the caller (the customer, or the company for one who phoned), and answers with the
 * booking and its opened contact. */
static void create_and_reply(struct req *r, struct booking_in *in)
{
	if (!phone_valid(in->phone)) {
		req_error(r, 400, "invalid_phone", "contact_phone");
		return;
	}
	time_parse_iso(req_str(r, "start"), &in->start);
	time_parse_iso(req_str(r, "end"), &in->end);
	struct fault f = {0};
	struct elig_result res;
	struct actor a = req_actor(r);
	int64_t id;
	int rc = booking_create(r->store, &a, in, &id, &res, &f);
	if (rc) {
		refusal(r, rc, &f, &res);
		return;
	}
	struct contact c;
	str_copy(c.address, sizeof c.address, in->address);
	str_copy(c.phone, sizeof c.phone, in->phone);
	reply_booking(r, id, 201, &c);
}

void api_bookings_create(struct req *r)
{
	struct booking_in in = {r->user.user_id, req_int(r, "service_item_id", 0), req_int(r, "worker_id", 0), 0, 0,
				req_str(r, "address"), req_str(r, "contact_phone"), req_str(r, "note"), NULL,
				req_str(r, "district")};
	create_and_reply(r, &in);
}

/* A company books for a customer who phoned or came in: one it has served or registered itself,
 * one of its own items, and how the customer agreed, named on the booking. */
void api_dispatch_bookings_create(struct req *r)
{
	int64_t customer = req_int(r, "customer_id", 0), item_company = 0, ours = 0;
	struct stmt *st = store_sql(r->store, "SELECT company_id FROM service_items WHERE id = $1");
	stmt_bind_int(st, 1, req_int(r, "service_item_id", 0));
	int rc = stmt_one_int(st, &item_company);
	if (rc == AJ_OK && item_company != r->user.org_id) {
		req_error(r, 422, "item_not_ours", "service_item_id");
		return;
	}
	if (rc) {
		req_fault(r, rc, &(struct fault){"not_found", "service_item_id"});
		return;
	}
	st = store_sql(r->store, "SELECT count(*) FROM users u WHERE u.id = $1 AND u.role = 'customer' AND u.status = 'active'"
				 " AND (u.registered_by = $2 OR EXISTS (SELECT 1 FROM bookings b WHERE b.customer_id = u.id"
				 " AND b.company_id = $2))");
	stmt_bind_int(st, 1, customer);
	stmt_bind_int(st, 2, r->user.org_id);
	if ((rc = stmt_one_int(st, &ours)) != AJ_OK) {
		req_fail(r, rc);
		return;
	}
	if (!ours) {
		/* a customer the company has never served nor registered is not its to find */
		req_error(r, 404, "not_found", "customer_id");
		return;
	}
	struct booking_in in = {customer, req_int(r, "service_item_id", 0), req_int(r, "worker_id", 0), 0, 0,
				req_str(r, "address"), req_str(r, "contact_phone"), req_str(r, "note"), req_str(r, "agreement"),
				req_str(r, "district")};
	create_and_reply(r, &in);
}

/* What a window of an item would cost, before anything is booked: the same rule as the booking. */
void api_public_quote(struct req *r)
{
	int64_t start = 0, end = 0, quantity;
	time_parse_iso(req_qstr(r, "start"), &start);
	time_parse_iso(req_qstr(r, "end"), &end);
	struct stmt *st = store_sql(r->store, "SELECT si.unit, si.price_fen FROM service_items si JOIN categories c"
					      " ON c.id = si.category_id WHERE si.id = $1 AND si.active = 1 AND c.active = 1");
	stmt_bind_int(st, 1, req_qint(r, "service_item_id", 0));
	int rc = stmt_step(st);
	char unit[8] = "";
	int64_t price = 0;
	if (rc == STORE_ROW) {
		str_copy(unit, sizeof unit, stmt_text(st, 0));
		price = stmt_int(st, 1);
	}
	stmt_done(st);
	if (rc != STORE_ROW) {
		req_fail(r, rc == STORE_DONE ? AJ_ENOTFOUND : rc);
		return;
	}
	struct fault f = {0};
	if (end <= start) {
		req_error(r, 422, "invalid_period", "end");
		return;
	}
	if ((rc = quantity_of(unit, start, end, &quantity, &f)) != AJ_OK) {
		req_fault(r, rc, &f);
		return;
	}
	struct jw *w = req_jw(r);
	jw_obj(w);
	jw_kint(w, "service_item_id", req_qint(r, "service_item_id", 0));
	jw_kstr(w, "unit", unit);
	jw_kint(w, "unit_price_fen", price);
	jw_kint(w, "quantity_centi", quantity);
	jw_kint(w, "price_fen", fee_total(price, quantity));
	jw_ktime(w, "start", start);
	jw_ktime(w, "end", end);
	jw_obj_end(w);
	req_send(r, 200);
}

void api_bookings_assign(struct req *r)
{
	struct fault f = {0};
	struct elig_result res;
	struct actor a = req_actor(r);
	int64_t scope = r->user.role == ROLE_ASSOCIATION_ADMIN ? 0 : r->user.org_id;
	int rc = booking_assign(r->store, &a, r->id[0], req_int(r, "worker_id", 0), scope, &res, &f);
	if (rc)
		refusal(r, rc, &f, &res);
	else
		reply_booking(r, r->id[0], 200, NULL);
}

void api_bookings_reschedule(struct req *r)
{
	int64_t start = 0, end = 0;
	time_parse_iso(req_str(r, "start"), &start);
	time_parse_iso(req_str(r, "end"), &end);
	struct fault f = {0};
	struct elig_result res;
	struct actor a = req_actor(r);
	int rc = booking_reschedule(r->store, &a, r->user.role, r->id[0], start, end, req_int(r, "worker_id", 0),
				    req_str(r, "reason"), &res, &f);
	if (rc)
		refusal(r, rc, &f, &res);
	else
		reply_booking(r, r->id[0], 200, NULL);
}

/* Reads the body's "items" (or "feedback") into answers; field answer_key names the answer. */
static int read_answers(struct req *r, const char *list, const char *answer_key, struct answer *ans, int max)
{
	json_t *a = json_object_get(r->json, list);
	int n = 0;
	for (size_t i = 0; json_is_array(a) && i < json_array_size(a) && n < max; i++) {
		json_t *o = json_array_get(a, i);
		json_t *v = json_object_get(o, answer_key);
		ans[n].item_id = json_integer_value(json_object_get(o, "item_id"));
		ans[n].answer = json_is_boolean(v) ? (json_is_true(v) ? "done" : "not_done") : json_string_value(v);
		json_t *note = json_object_get(o, "note");
		ans[n].note = json_is_string(note) ? json_string_value(note) : NULL;
		n++;
	}
	return n;
}

static void move(struct req *r, enum booking_action act)
{
	struct answer ans[100];
	int n = 0;
	if (act == BA_CONFIRM)
		n = read_answers(r, "items", "done", ans, 100);
	else if (act == BA_CHECKOUT)
		n = read_answers(r, "items", "result", ans, 100);
	struct fault f = {0};
	struct elig_result res;
	struct actor a = req_actor(r);
	int rc = act == BA_CHECKOUT
		? booking_checkout(r->store, &a, r->user.role, r->id[0], ans, n, req_str(r, "reason"), req_str(r, "code"),
				   &res, &f)
		: booking_move(r->store, &a, r->user.role, r->id[0], act, ans, n, req_str(r, "reason"),
			       req_str(r, "party"), &res, &f);
	if (rc)
		refusal(r, rc, &f, &res);
	else
		reply_booking(r, r->id[0], 200, NULL);
}

void api_bookings_confirm(struct req *r)
{
	move(r, BA_CONFIRM);
}

void api_bookings_checkin(struct req *r)
{
	move(r, BA_CHECKIN);
}

void api_bookings_checkout(struct req *r)
{
	move(r, BA_CHECKOUT);
}

void api_bookings_cancel(struct req *r)
{
	move(r, BA_CANCEL);
}

void api_bookings_no_show(struct req *r)
{
	move(r, BA_NO_SHOW);
}

void api_bookings_review(struct req *r)
{
	struct answer ans[50];
	int n = read_answers(r, "feedback", "answer", ans, 50);
	int scores[5] = {(int)req_int(r, "overall", 0), (int)req_int(r, "punctuality", 0), (int)req_int(r, "skill", 0),
			 (int)req_int(r, "attitude", 0), (int)req_int(r, "hygiene", 0)};
	struct fault f = {0};
	struct actor a = req_actor(r);
	int rc = review_create(r->store, &a, r->user.role, r->id[0], scores, req_str(r, "comment"), ans, n, &f);
	if (rc) {
		req_fault(r, rc, &f);
		return;
	}
	reply_booking(r, r->id[0], 201, NULL);
}

/* Whose and which bookings a list shows (0 or NULL: any); $1 to $8 of LIST_WHERE. */
struct list_filter {
	int64_t customer, company, worker_user;
	const char *status;
	int64_t from, to, worker_id;
	int unassigned;   /* only those waiting for a worker */
};
#define LIST_WHERE \
	" WHERE ($1 = 0 OR b.customer_id = $1) AND ($2 = 0 OR b.company_id = $2) AND ($3 = 0 OR w.user_id = $3)" \
	" AND ($4 = '' OR b.status = $4) AND ($5 = 0 OR b.start_at >= $5) AND ($6 = 0 OR b.start_at < $6)" \
	" AND ($7 = 0 OR b.worker_id = $7) AND ($8 = 0 OR (b.worker_id IS NULL AND b.status = 'requested'))"

static void bind_list_filter(struct stmt *st, const struct list_filter *lf)
{
	stmt_bind_int(st, 1, lf->customer);
	stmt_bind_int(st, 2, lf->company);
	stmt_bind_int(st, 3, lf->worker_user);
	stmt_bind_text(st, 4, lf->status ? lf->status : "");
	stmt_bind_int(st, 5, lf->from);
	stmt_bind_int(st, 6, lf->to);
	stmt_bind_int(st, 7, lf->worker_id);
	stmt_bind_int(st, 8, lf->unassigned);
}

void api_bookings_list(struct req *r)
{
	struct page pg = req_page(r);
	int64_t from = 0, to = 0, day;
	if (req_qstr(r, "from"))
		time_parse_iso(req_qstr(r, "from"), &from);
	if (req_qstr(r, "to"))
		time_parse_iso(req_qstr(r, "to"), &to);
	if (req_qstr(r, "day") && parse_date(req_qstr(r, "day"), &day) == 0) {
		from = time_day_start(day);
		to = time_day_start(day + 1);
	}
	/* whose bookings: the customer's, the worker's, the company's, or everyone's */
	int64_t customer = 0, company = 0, worker_user = 0;
	switch (r->user.role) {
	case ROLE_CUSTOMER: customer = r->user.user_id; break;
	case ROLE_WORKER: worker_user = r->user.user_id; break;
	case ROLE_COMPANY_ADMIN:
	case ROLE_COMPANY_STAFF: company = r->user.org_id; break;
	case ROLE_ASSOCIATION_ADMIN:
	case ROLE_CS_AGENT: break;
	default:
		req_error(r, 403, "forbidden", NULL);
		return;
	}
	const char *unassigned = req_qstr(r, "unassigned");
	struct list_filter lf = {customer, company, worker_user, req_qstr(r, "status"), from, to,
				 req_qint(r, "worker_id", 0), unassigned && strcmp(unassigned, "true") == 0};
	int64_t total = 0;
	struct stmt *st = store_sql(r->store, "SELECT count(*) FROM bookings b LEFT JOIN workers w ON w.id = b.worker_id"
					      LIST_WHERE);
	bind_list_filter(st, &lf);
	int rc = stmt_one_int(st, &total);
	if (rc) {
		req_fail(r, rc);
		return;
	}
	st = store_sql(r->store,
		"SELECT " BOOKING_COLUMNS BOOKING_FROM LIST_WHERE
		" ORDER BY CASE WHEN $11 = 1 THEN -b.start_at ELSE b.start_at END, CASE WHEN $11 = 1 THEN -b.id ELSE b.id END"
		" LIMIT $9 OFFSET $10");
	bind_list_filter(st, &lf);
	stmt_bind_int(st, 9, pg.per_page);
	stmt_bind_int(st, 10, pg.offset);
	const char *sort = req_qstr(r, "sort");
	stmt_bind_int(st, 11, sort && strcmp(sort, "-start") == 0);
	int names = full_names(r);
	rows_reply_list(r, st, names == NAMES_WORKER ? list_row_worker : names ? list_row_full : list_row_masked, &pg,
		       total);
}

/* ---- a worker declines a job offered ---- */

SCHEMA(decline_body, S_STR("reason", F_REQ, 2, 200));

static int decline_write(struct store *s, void *arg)
{
	struct moving *mv = arg;
	struct booking *b = &mv->b;
	*mv->f = (struct fault){0};
	int rc;
	if ((rc = load(s, mv->id, b)) != AJ_OK ||
	    (rc = may_move(part_of(mv->role, mv->a, b), P_WORKER, b, from_requested, mv->f)) != AJ_OK)
		return rc;
	struct stmt *st = store_sql(s, "UPDATE bookings SET worker_id = NULL, live = 0 WHERE id = $1");
	stmt_bind_int(st, 1, b->id);
	if ((rc = stmt_exec(st)) != AJ_OK ||
	    (rc = event(s, mv->a, b->id, "decline", b->status, b->status, mv->reason)) != AJ_OK ||
	    (rc = booking_notice(s, b->id, "decline")) != AJ_OK)
		return rc;
	return audit_append_state(s, mv->a, "booking.decline", "booking", b->id, booking_state);
}

/* POST /api/bookings/{id}/decline {reason}: the worker a booking is assigned to, before it is
 * confirmed, gives it back — unassigned, to the company's queue — with the reason on the timeline,
 * in the audit chain and in the company's notice. Only that worker (anyone else: 404, or 403 for
 * those who see the booking); 409 once confirmed. */
void api_bookings_decline(struct req *r)
{
	struct actor a = req_actor(r);
	struct fault f = {0};
	struct moving mv = {.a = &a, .role = r->user.role, .id = r->id[0], .reason = req_str(r, "reason"), .f = &f};
	int rc = store_write(r->store, decline_write, &mv);
	if (rc) {
		req_fault(r, rc, &f);
		return;
	}
	/* the booking is no longer theirs to read: what became of it, and no more */
	struct jw *w = req_jw(r);
	jw_obj(w);
	jw_kint(w, "id", mv.b.id);
	jw_kstr(w, "status", mv.b.status);
	jw_kbool(w, "declined", 1);
	jw_obj_end(w);
	req_send(r, 200);
}

/* ---- for the steps kept in files of their own (no_show.c, evidence.c, reviews.c) ---- */

int booking_audit_state(struct store *s, int64_t id, struct strbuf *sb)
{
	return booking_state(s, id, sb);
}

void booking_reply(struct req *r, int64_t id, int status)
{
	reply_booking(r, id, status, NULL);
}
