/* consent.c — grants, requests, and the full record a grant opens. */
#include "consent.h"

#include <stdio.h>
#include <string.h>

#include "anjia.h"
#include "auth/audit.h"
#include "http/req.h"
#include "http/schema.h"
#include "notify.h"
#include "privacy/access.h"
#include "rows.h"
#include "standards.h"
#include "store/store.h"
#include "util/clock.h"
#include "util/strbuf.h"
#include "workforce/certs.h"
#include "workforce/checks.h"
#include "workforce/training.h"
#include "workforce/worker_access.h"
#include "workforce/worker_json.h"

static const char *const scopes[] = {"booking", "customer", NULL};
SCHEMA(grant_body, S_INT("booking_id", F_REQ, 1, INT64_MAX), S_ENUM("scope", F_REQ, scopes),
       S_INT("days", F_REQ, 1, 365));

int consent_live(struct store *s, int64_t worker_id, int64_t customer_id, int64_t booking, int64_t now)
{
	int64_t n = 0;
	struct stmt *st = store_sql(s, "SELECT count(*) FROM record_grants WHERE worker_id = $1 AND customer_id = $2"
				       " AND withdrawn_at IS NULL AND expires_at > $3 AND (booking_id IS NULL OR booking_id = $4)");
	stmt_bind_int(st, 1, worker_id);
	stmt_bind_int(st, 2, customer_id);
	stmt_bind_int(st, 3, now);
	stmt_bind_int(st, 4, booking);
	return stmt_one_int(st, &n) == AJ_OK && n > 0;
}

/* The signed-in worker's record id, or 0. */
static int64_t own_worker(struct req *r)
{
	int64_t id = 0;
	if (r->user.role != ROLE_WORKER)
		return 0;
	struct stmt *st = store_sql(r->store, "SELECT id FROM workers WHERE user_id = $1");
	stmt_bind_int(st, 1, r->user.user_id);
	stmt_one_int(st, &id);
	return id;
}

static int64_t worker_user(struct store *s, int64_t worker_id)
{
	int64_t user = 0;
	struct stmt *st = store_sql(s, "SELECT coalesce(user_id, 0) FROM workers WHERE id = $1");
	stmt_bind_int(st, 1, worker_id);
	stmt_one_int(st, &user);
	return user;
}

/* ---- the audit states ---- */

#define GRANT_COLUMNS \
	"g.id, g.worker_id, g.customer_id, cu.name, g.booking_id, g.granted_at, g.expires_at, coalesce(g.withdrawn_at, 0)," \
	" (SELECT count(*) FROM access_log a WHERE a.subject = 'worker' AND a.subject_id = g.worker_id" \
	" AND a.what = 'full_record' AND a.actor_id = g.customer_id AND a.at >= g.granted_at" \
	" AND a.at < coalesce(g.withdrawn_at, g.expires_at))"
#define GRANT_FROM " FROM record_grants g JOIN users cu ON cu.id = g.customer_id"

static void grant_json(struct jw *w, struct stmt *st)
{
	int64_t now = clock_now(), withdrawn = stmt_int(st, 7);
	jw_obj(w);
	jw_kint(w, "id", stmt_int(st, 0));
	jw_kint(w, "worker_id", stmt_int(st, 1));
	jw_kref(w, "customer", stmt_int(st, 2), stmt_text(st, 3));
	jw_kstr(w, "scope", stmt_is_null(st, 4) ? "customer" : "booking");
	jw_kid(w, "booking_id", stmt_int(st, 4));
	jw_ktime(w, "granted_at", stmt_int(st, 5));
	jw_ktime(w, "expires_at", stmt_int(st, 6));
	jw_ktime(w, "withdrawn_at", withdrawn);
	jw_kstr(w, "status", withdrawn ? "withdrawn" : stmt_int(st, 6) <= now ? "expired" : "live");
	jw_kint(w, "views", stmt_int(st, 8));
	jw_obj_end(w);
}

static int grant_state(struct store *s, int64_t id, struct strbuf *sb)
{
	struct stmt *st = store_sql(s, "SELECT " GRANT_COLUMNS GRANT_FROM " WHERE g.id = $1");
	stmt_bind_int(st, 1, id);
	return audit_row_state(st, grant_json, sb);
}

#define REQUEST_COLUMNS \
	"q.id, q.worker_id, q.customer_id, cu.name, q.booking_id, q.requested_at, coalesce(q.answered_at, 0), q.answer"
#define REQUEST_FROM " FROM record_requests q JOIN users cu ON cu.id = q.customer_id"

static void request_json(struct jw *w, struct stmt *st)
{
	jw_obj(w);
	jw_kint(w, "id", stmt_int(st, 0));
	jw_kint(w, "worker_id", stmt_int(st, 1));
	jw_kref(w, "customer", stmt_int(st, 2), stmt_text(st, 3));
	jw_kint(w, "booking_id", stmt_int(st, 4));
	jw_ktime(w, "requested_at", stmt_int(st, 5));
	jw_ktime(w, "answered_at", stmt_int(st, 6));
	jw_kstr(w, "answer", stmt_text(st, 7));
	jw_obj_end(w);
}

static int request_state(struct store *s, int64_t id, struct strbuf *sb)
{
	struct stmt *st = store_sql(s, "SELECT " REQUEST_COLUMNS REQUEST_FROM " WHERE q.id = $1");
	stmt_bind_int(st, 1, id);
	return audit_row_state(st, request_json, sb);
}

static void reply_row(struct req *r, struct stmt *st, void (*row)(struct jw *w, struct stmt *st), int status)
{
	int rc = stmt_step(st);
	if (rc == STORE_ROW)
		row(req_jw(r), st);
	stmt_done(st);
	if (rc != STORE_ROW)
		req_fail(r, rc == STORE_DONE ? AJ_ENOTFOUND : rc);
	else
		req_send(r, status);
}

/* ---- a customer asks ---- */

/* A step of consent (a request, a grant, its withdrawal, a refusal), for the write's body. */
struct consent_step {
	const struct actor *a;
	int64_t worker, customer, booking;
	int64_t id;               /* the request or grant made (out), or the grant withdrawn (in) */
	int64_t granted, expires; /* a grant's */
	int whole;                /* a grant of every booking of the customer's */
	struct fault *f;
};

static int request_write(struct store *s, void *arg)
{
	struct consent_step *cs = arg;
	*cs->f = (struct fault){0};
	struct stmt *st = store_sql(s, "INSERT INTO record_requests (worker_id, customer_id, booking_id, requested_at)"
				       " VALUES ($1, $2, $3, $4) RETURNING id");
	stmt_bind_int(st, 1, cs->worker);
	stmt_bind_int(st, 2, cs->customer);
	stmt_bind_int(st, 3, cs->booking);
	stmt_bind_int(st, 4, clock_now());
	int rc = stmt_one_int(st, &cs->id);
	int64_t user = rc == AJ_OK ? worker_user(s, cs->worker) : 0;
	if (rc == AJ_OK && user)
		rc = notify(s, 0, user, "record_requested", "record_request", cs->id,
			    "一位客户请求查看您的完整档案（核查、培训、证书、从业经历）。是否同意、同意多久由您决定。",
			    "A customer asks to see your full record (checks, training, certificates, employment)."
			    " Whether and for how long is yours to decide.");
	if (rc) {
		if (rc == AJ_ECONFLICT)
			FAULT(cs->f, "request_pending", NULL);
		return rc;
	}
	return audit_append_state(s, cs->a, "record_request.create", "record_request", cs->id, request_state);
}

int consent_request(struct store *s, const struct actor *a, int64_t booking, int64_t *id, struct fault *f)
{
	int64_t worker = 0, customer = 0;
	struct stmt *st = store_sql(s, "SELECT coalesce(worker_id, 0), customer_id FROM bookings WHERE id = $1");
	stmt_bind_int(st, 1, booking);
	int rc = stmt_step(st);
	if (rc == STORE_ROW) {
		worker = stmt_int(st, 0);
		customer = stmt_int(st, 1);
	}
	stmt_done(st);
	if (rc != STORE_ROW || customer != a->user_id)
		return rc < 0 ? rc : AJ_ENOTFOUND;
	if (!worker) {
		FAULT(f, "no_worker", NULL);
		return AJ_ERULE;
	}
	if (consent_live(s, worker, customer, booking, clock_now())) {
		FAULT(f, "already_granted", NULL);
		return AJ_ECONFLICT;
	}
	struct consent_step cs = {.a = a, .worker = worker, .customer = customer, .booking = booking, .f = f};
	rc = store_write(s, request_write, &cs);
	*id = cs.id;
	return rc;
}

void api_record_request_create(struct req *r)
{
	struct actor a = req_actor(r);
	struct fault f = {0};
	int64_t id = 0;
	int rc = r->user.role == ROLE_CUSTOMER ? consent_request(r->store, &a, r->id[0], &id, &f) : AJ_ENOTFOUND;
	if (rc) {
		req_fault(r, rc, &f);
		return;
	}
	struct stmt *st = store_sql(r->store, "SELECT " REQUEST_COLUMNS REQUEST_FROM " WHERE q.id = $1");
	stmt_bind_int(st, 1, id);
	reply_row(r, st, request_json, 201);
}

/* ---- the worker decides ---- */

void api_me_grants_list(struct req *r)
{
	struct page pg = req_page(r);
	access_flush(); /* the views each grant counts */
	int64_t worker = own_worker(r), total = 0;
	if (!worker) {
		req_error(r, 403, "forbidden", NULL);
		return;
	}
	struct stmt *st = store_sql(r->store, "SELECT count(*) FROM record_grants WHERE worker_id = $1");
	stmt_bind_int(st, 1, worker);
	int rc = stmt_one_int(st, &total);
	if (rc) {
		req_fail(r, rc);
		return;
	}
	st = store_sql(r->store, "SELECT " GRANT_COLUMNS GRANT_FROM " WHERE g.worker_id = $1 ORDER BY g.id DESC"
				 " LIMIT $2 OFFSET $3");
	stmt_bind_int(st, 1, worker);
	stmt_bind_int(st, 2, pg.per_page);
	stmt_bind_int(st, 3, pg.offset);
	rows_reply_list(r, st, grant_json, &pg, total);
}

void api_me_record_requests(struct req *r)
{
	struct page pg = req_page(r);
	int64_t worker = own_worker(r), total = 0;
	if (!worker) {
		req_error(r, 403, "forbidden", NULL);
		return;
	}
	struct stmt *st = store_sql(r->store, "SELECT count(*) FROM record_requests WHERE worker_id = $1"
					      " AND answered_at IS NULL");
	stmt_bind_int(st, 1, worker);
	int rc = stmt_one_int(st, &total);
	if (rc) {
		req_fail(r, rc);
		return;
	}
	st = store_sql(r->store, "SELECT " REQUEST_COLUMNS REQUEST_FROM " WHERE q.worker_id = $1 AND q.answered_at IS NULL"
				 " ORDER BY q.id DESC LIMIT $2 OFFSET $3");
	stmt_bind_int(st, 1, worker);
	stmt_bind_int(st, 2, pg.per_page);
	stmt_bind_int(st, 3, pg.offset);
	rows_reply_list(r, st, request_json, &pg, total);
}

/* Closes the open request about booking (if any) with answer, inside the caller's write. */
static int answer_request(struct store *s, const struct actor *a, int64_t booking, const char *answer)
{
	int64_t id = 0;
	struct stmt *st = store_sql(s, "SELECT id FROM record_requests WHERE booking_id = $1 AND answered_at IS NULL");
	stmt_bind_int(st, 1, booking);
	int rc = stmt_one_int(st, &id);
	if (rc == AJ_ENOTFOUND)
		return AJ_OK;
	if (rc)
		return rc;
	st = store_sql(s, "UPDATE record_requests SET answered_at = $2, answer = $3 WHERE id = $1");
	stmt_bind_int(st, 1, id);
	stmt_bind_int(st, 2, clock_now());
	stmt_bind_text(st, 3, answer);
	if ((rc = stmt_exec(st)) != AJ_OK)
		return rc;
	return audit_append_state(s, a, "record_request.answer", "record_request", id, request_state);
}

static int grant_write(struct store *s, void *arg)
{
	struct consent_step *cs = arg;
	struct stmt *st = store_sql(s, "INSERT INTO record_grants (worker_id, customer_id, booking_id, granted_at,"
				       " expires_at) VALUES ($1, $2, $3, $4, $5) RETURNING id");
	stmt_bind_int(st, 1, cs->worker);
	stmt_bind_int(st, 2, cs->customer);
	stmt_bind_id(st, 3, cs->whole ? 0 : cs->booking);
	stmt_bind_int(st, 4, cs->granted);
	stmt_bind_int(st, 5, cs->expires);
	cs->id = 0;
	int rc = stmt_one_int(st, &cs->id);
	if (rc == AJ_OK && (rc = answer_request(s, cs->a, cs->booking, "granted")) == AJ_OK)
		rc = notify(s, 0, cs->customer, "record_granted", "booking", cs->booking,
			    "服务人员已同意您查看其完整档案，可在预约详情中查看。", "The worker agreed to show you their full record;"
			    " open it from the booking.");
	if (rc)
		return rc;
	return audit_append_state(s, cs->a, "record_grant.create", "record_grant", cs->id, grant_state);
}

void api_me_grants_create(struct req *r)
{
	int64_t worker = own_worker(r), booking = req_int(r, "booking_id", 0), customer = 0, on = 0;
	if (!worker) {
		req_error(r, 403, "forbidden", NULL);
		return;
	}
	struct standards sd;
	int rc = standards_get(r->store, &sd);
	if (rc) {
		req_fail(r, rc);
		return;
	}
	if (req_int(r, "days", 0) > sd.record_grant_max_days) {
		req_error(r, 422, "grant_too_long", "days");
		return;
	}
	/* a grant is to someone the worker served: a customer of one of their own bookings */
	struct stmt *st = store_sql(r->store, "SELECT customer_id, coalesce(worker_id, 0) FROM bookings WHERE id = $1");
	stmt_bind_int(st, 1, booking);
	if ((rc = stmt_step(st)) == STORE_ROW) {
		customer = stmt_int(st, 0);
		on = stmt_int(st, 1);
	}
	stmt_done(st);
	if (rc < 0 || on != worker) {
		req_error(r, 404, "not_found", "booking_id");
		return;
	}
	int64_t now = clock_now();
	struct actor a = req_actor(r);
	struct consent_step cs = {.a = &a, .worker = worker, .customer = customer, .booking = booking, .granted = now,
				  .expires = now + req_int(r, "days", 1) * 86400,
				  .whole = strcmp(req_str(r, "scope"), "customer") == 0};
	if ((rc = store_write(r->store, grant_write, &cs)) != AJ_OK) {
		req_fail(r, rc);
		return;
	}
	st = store_sql(r->store, "SELECT " GRANT_COLUMNS GRANT_FROM " WHERE g.id = $1");
	stmt_bind_int(st, 1, cs.id);
	reply_row(r, st, grant_json, 201);
}

static int withdraw_write(struct store *s, void *arg)
{
	struct consent_step *cs = arg;
	struct stmt *st = store_sql(s, "UPDATE record_grants SET withdrawn_at = $3 WHERE id = $1 AND worker_id = $2"
				       " AND withdrawn_at IS NULL");
	stmt_bind_int(st, 1, cs->id);
	stmt_bind_int(st, 2, cs->worker);
	stmt_bind_int(st, 3, clock_now());
	int rc = stmt_exec(st);
	if (rc == AJ_OK && store_changes(s) != 1)
		rc = AJ_ENOTFOUND;
	if (rc)
		return rc;
	return audit_append_state(s, cs->a, "record_grant.withdraw", "record_grant", cs->id, grant_state);
}

void api_me_grants_withdraw(struct req *r)
{
	int64_t worker = own_worker(r);
	if (!worker) {
		req_error(r, 403, "forbidden", NULL);
		return;
	}
	struct actor a = req_actor(r);
	struct consent_step cs = {.a = &a, .worker = worker, .id = r->id[0]};
	int rc = store_write(r->store, withdraw_write, &cs);
	if (rc) {
		req_fail(r, rc);
		return;
	}
	struct stmt *st = store_sql(r->store, "SELECT " GRANT_COLUMNS GRANT_FROM " WHERE g.id = $1");
	stmt_bind_int(st, 1, r->id[0]);
	reply_row(r, st, grant_json, 200);
}

static int decline_write(struct store *s, void *arg)
{
	struct consent_step *cs = arg;
	return answer_request(s, cs->a, cs->booking, "declined");
}

void api_me_record_requests_decline(struct req *r)
{
	int64_t worker = own_worker(r), booking = 0;
	struct stmt *st = store_sql(r->store, "SELECT booking_id FROM record_requests WHERE id = $1 AND worker_id = $2"
					      " AND answered_at IS NULL");
	stmt_bind_int(st, 1, r->id[0]);
	stmt_bind_int(st, 2, worker);
	int rc = stmt_one_int(st, &booking);
	if (rc) {
		req_fail(r, rc);
		return;
	}
	struct actor a = req_actor(r);
	struct consent_step cs = {.a = &a, .booking = booking};
	if ((rc = store_write(r->store, decline_write, &cs)) != AJ_OK) {
		req_fail(r, rc);
		return;
	}
	st = store_sql(r->store, "SELECT " REQUEST_COLUMNS REQUEST_FROM " WHERE q.id = $1");
	stmt_bind_int(st, 1, r->id[0]);
	reply_row(r, st, request_json, 200);
}

/* ---- what a grant opens ---- */

static void employment_row(struct jw *w, struct stmt *st)
{
	jw_obj(w);
	jw_kref(w, "company", stmt_int(st, 0), stmt_text(st, 1));
	jw_kstr(w, "started_on", stmt_text(st, 2));
	jw_kstr(w, "ended_on", stmt_text(st, 3));
	jw_obj_end(w);
}

/* The full record: the worker as their employer sees them (without the phone), the checks with
 * their results and dates (not their references or notes, which may say more than the result),
 * training, certificates, employments, conduct. */
static void full_record(struct store *s, int64_t id, struct jw *w, const void *ctx)
{
	(void)ctx;
	jw_key(w, "checks");
	checks_summary_json(s, id, w);
	jw_key(w, "training");
	training_of_worker_json(s, id, w);
	jw_key(w, "certificates");
	certs_of_worker_json(s, id, NULL, w);
	jw_key(w, "employments");
	jw_arr(w);
	struct stmt *st = store_sql(s, "SELECT e.company_id, o.name, e.started_on, e.ended_on FROM employments e"
				       " JOIN orgs o ON o.id = e.company_id WHERE e.worker_id = $1 ORDER BY e.id DESC LIMIT 50");
	stmt_bind_int(st, 1, id);
	while (stmt_step(st) == STORE_ROW)
		employment_row(w, st);
	stmt_done(st);
	jw_arr_end(w);
	jw_key(w, "conduct");
	conduct_list_json(s, "worker", id, w);
}

SCHEMA(record_query, S_INT("booking_id", 0, 1, INT64_MAX));

void api_workers_record(struct req *r)
{
	int64_t id = r->id[0], now = clock_now(), booking = req_qint(r, "booking_id", 0);
	if (r->user.role != ROLE_CUSTOMER) {
		req_error(r, 403, "forbidden", NULL);
		return;
	}
	if (!consent_live(r->store, id, r->user.user_id, booking, now)) {
		req_error(r, 403, "consent_required", NULL);
		return;
	}
	struct worker_more more = {full_record, NULL};
	int rc = worker_write(r->store, id, WV_RECORD, now, &more, req_jw(r));
	if (rc) {
		req_fail(r, rc);
		return;
	}
	req_send(r, 200);
	/* every view is the worker's to see */
	struct access_entry e = {"worker", id, "full_record"};
	access_record_req(r, &e, 1, "record_grant");
}
