/* reviews.c — a review's signals, computed when it is written; the association's list of reviews
 * with their signals and its exclusion of one, with the reason the company sees; a review as each
 * viewer of its booking sees it. */
#include "reviews.h"

#include <sodium.h>
#include <string.h>

#include "auth/audit.h"
#include "http/req.h"
#include "http/schema.h"
#include "privacy/phone_index.h"
#include "privacy/sealed.h"
#include "rows.h"
#include "services/booking_notices.h"
#include "services/satisfaction.h"
#include "standards.h"
#include "store/store.h"
#include "timeline.h"
#include "util/clock.h"
#include "util/timefmt.h"

/* ---- the signals ---- */

int review_signals(struct store *s, int64_t id)
{
	struct standards sd;
	int rc = standards_get(s, &sd);
	if (rc)
		return rc;
	/* new account: opened less than the standard's days before the booking was made; the phone or
	 * the address also on a booking of another customer (their blind indexes); booked and completed
	 * within minutes: checked out less than the standard's minutes after it was booked, or after
	 * check-in; linked: the customer's account registered by the worker's company */
	struct stmt *st = store_sql(s,
		"SELECT CASE WHEN $2 > 0 AND u.created_at > b.created_at - $2 THEN 1 ELSE 0 END,"
		" CASE WHEN coalesce(b.contact_phone_hash, '') <> '' AND EXISTS (SELECT 1 FROM bookings x"
		"   WHERE x.contact_phone_hash = b.contact_phone_hash AND x.customer_id <> b.customer_id) THEN 1 ELSE 0 END,"
		" CASE WHEN coalesce(b.address_hash, '') <> '' AND EXISTS (SELECT 1 FROM bookings x"
		"   WHERE x.address_hash = b.address_hash AND x.customer_id <> b.customer_id) THEN 1 ELSE 0 END,"
		" CASE WHEN $3 > 0 AND (b.checked_out_at < b.created_at + $3 OR b.checked_out_at < b.checked_in_at + $3)"
		"   THEN 1 ELSE 0 END,"
		" CASE WHEN u.registered_by IS NOT NULL AND u.registered_by = b.company_id THEN 1 ELSE 0 END,"
		" coalesce(b.contact_phone_hash, ''), w.phone_sealed, coalesce(b.worker_id, 0)"
		" FROM bookings b JOIN users u ON u.id = b.customer_id LEFT JOIN workers w ON w.id = b.worker_id"
		" WHERE b.id = $1");
	stmt_bind_int(st, 1, id);
	stmt_bind_int(st, 2, (int64_t)sd.review_new_account_days * 86400);
	stmt_bind_int(st, 3, (int64_t)sd.review_quick_minutes * 60);
	int sig[5] = {0};
	char phone_hash[KEYS_HASH_LEN] = "";
	if ((rc = stmt_step(st)) == STORE_ROW) {
		for (int i = 0; i < 5; i++)
			sig[i] = (int)stmt_int(st, i);
		str_copy(phone_hash, sizeof phone_hash, stmt_text(st, 5));
		/* linked too: the household's telephone is the worker's own */
		char phone[32], hash[KEYS_HASH_LEN];
		if (!sig[4] && phone_hash[0] && stmt_text(st, 6) &&
		    sealed_worker_phone(stmt_int(st, 7), stmt_text(st, 6), phone, sizeof phone) == 0) {
			phone_index_hash(phone, hash);
			sig[4] = strcmp(hash, phone_hash) == 0;
			sodium_memzero(phone, sizeof phone);
		}
	}
	stmt_done(st);
	if (rc != STORE_ROW)
		return rc < 0 ? rc : AJ_ENOTFOUND;
	st = store_sql(s, "UPDATE reviews SET sig_new_account = $2, sig_shared_phone = $3, sig_shared_address = $4,"
			  " sig_quick = $5, sig_linked = $6, flagged = $2 + $3 + $4 + $5 + $6 WHERE booking_id = $1");
	stmt_bind_int(st, 1, id);
	for (int i = 0; i < 5; i++)
		stmt_bind_int(st, 2 + i, sig[i]);
	return stmt_exec(st);
}

/* ---- JSON ---- */

static const char *const signal_names[] = {"new_account", "shared_phone", "shared_address", "quick", "linked"};

/* The signals at columns col … col + 4 and the count at col + 5. */
static void signals_json(struct jw *w, struct stmt *st, int col)
{
	jw_key(w, "signals");
	jw_obj(w);
	for (int i = 0; i < 5; i++)
		jw_kbool(w, signal_names[i], (int)stmt_int(st, col + i));
	jw_obj_end(w);
	jw_kint(w, "flagged", stmt_int(st, col + 5));
}

/* The exclusion at columns col (at, 0 for none), col + 1 (reason), col + 2 (by, a name). */
static void excluded_json(struct jw *w, struct stmt *st, int col)
{
	jw_key(w, "excluded");
	if (!stmt_int(st, col)) {
		jw_null(w);
		return;
	}
	jw_obj(w);
	jw_ktime(w, "at", stmt_int(st, col));
	jw_kstr(w, "reason", stmt_text(st, col + 1));
	jw_obj_end(w);
}

#define REVIEW_COLUMNS \
	"v.booking_id, v.month, v.created_at, v.overall, v.punctuality, v.skill, v.attitude, v.hygiene, v.comment," \
	" v.company_id, o.name, v.worker_id, w.name, v.customer_id, u.name, coalesce(v.excluded_at, 0)," \
	" v.excluded_reason, v.sig_new_account, v.sig_shared_phone, v.sig_shared_address, v.sig_quick, v.sig_linked," \
	" v.flagged"
#define REVIEW_FROM \
	" FROM reviews v JOIN orgs o ON o.id = v.company_id JOIN workers w ON w.id = v.worker_id" \
	" JOIN users u ON u.id = v.customer_id"

static void review_fields(struct jw *w, struct stmt *st, int signals)
{
	char month[8];
	time_format_month((int)stmt_int(st, 1), month);
	jw_kint(w, "booking_id", stmt_int(st, 0));
	jw_kstr(w, "month", month);
	jw_ktime(w, "created_at", stmt_int(st, 2));
	jw_kint(w, "overall", stmt_int(st, 3));
	jw_kint(w, "punctuality", stmt_int(st, 4));
	jw_kint(w, "skill", stmt_int(st, 5));
	jw_kint(w, "attitude", stmt_int(st, 6));
	jw_kint(w, "hygiene", stmt_int(st, 7));
	jw_kstr(w, "comment", stmt_text(st, 8));
	jw_kref(w, "company", stmt_int(st, 9), stmt_text(st, 10));
	jw_kref(w, "worker", stmt_int(st, 11), stmt_text(st, 12));
	jw_kref(w, "customer", stmt_int(st, 13), stmt_text(st, 14));
	excluded_json(w, st, 15);
	if (signals)
		signals_json(w, st, 17);
}

/* A review as the association sees it, and as its company does (no signals). */
static void row_association(struct jw *w, struct stmt *st)
{
	jw_obj(w);
	review_fields(w, st, 1);
	jw_obj_end(w);
}

static void row_company(struct jw *w, struct stmt *st)
{
	jw_obj(w);
	review_fields(w, st, 0);
	jw_obj_end(w);
}

/* The audited state of a review: all of it, signals included (the audit chain is the
 * association's to read). */
static int review_state(struct store *s, int64_t id, struct strbuf *sb)
{
	struct stmt *st = store_sql(s, "SELECT " REVIEW_COLUMNS REVIEW_FROM " WHERE v.booking_id = $1");
	stmt_bind_int(st, 1, id);
	return audit_row_state(st, row_association, sb);
}

void review_booking_json(struct store *s, int64_t id, enum role role, struct jw *w)
{
	struct stmt *st = store_sql(s, "SELECT " REVIEW_COLUMNS REVIEW_FROM " WHERE v.booking_id = $1");
	stmt_bind_int(st, 1, id);
	jw_key(w, "review");
	if (stmt_step(st) == STORE_ROW) {
		jw_obj(w);
		jw_ktime(w, "created_at", stmt_int(st, 2));
		jw_kint(w, "overall", stmt_int(st, 3));
		jw_kint(w, "punctuality", stmt_int(st, 4));
		jw_kint(w, "skill", stmt_int(st, 5));
		jw_kint(w, "attitude", stmt_int(st, 6));
		jw_kint(w, "hygiene", stmt_int(st, 7));
		jw_kstr(w, "comment", stmt_text(st, 8));
		excluded_json(w, st, 15);
		if (role == ROLE_ASSOCIATION_ADMIN)
			signals_json(w, st, 17);
		jw_obj_end(w);
	} else {
		jw_null(w);
	}
	stmt_done(st);
}

/* ---- HTTP ---- */

SCHEMA(reviews_query, S_BOOL("flagged", 0), S_BOOL("excluded", 0), S_INT("company_id", 0, 1, INT64_MAX),
       S_INT("worker_id", 0, 1, INT64_MAX), S_INT("page", 0, 1, 1000000), S_INT("per_page", 0, 1, 100));
SCHEMA(exclude_body, S_STR("reason", F_REQ, 2, 200));

/* A query's boolean: 1 true, 0 false, -1 absent. */
static int qbool(struct req *r, const char *name)
{
	const char *v = req_qstr(r, name);
	return !v ? -1 : strcmp(v, "true") == 0;
}

#define REVIEWS_WHERE \
	" WHERE ($1 = 0 OR v.company_id = $1) AND ($2 = 0 OR v.worker_id = $2) AND ($3 = 0 OR v.flagged > 0)" \
	" AND ($4 = -1 OR ($4 = 1 AND v.excluded_at IS NOT NULL) OR ($4 = 0 AND v.excluded_at IS NULL))"

/* GET /api/reviews: for the association, every review with its signals, newest first, filtered to
 * the flagged ones (flagged=true), the excluded or kept ones, a company or a worker; for a company,
 * its own reviews with what was excluded and why — not the signals, nor a filter by them (403).
 * Anyone else: 403. */
void api_reviews_list(struct req *r)
{
	struct page pg = req_page(r);
	int association = r->user.role == ROLE_ASSOCIATION_ADMIN;
	int company = r->user.role == ROLE_COMPANY_ADMIN || r->user.role == ROLE_COMPANY_STAFF;
	int flagged = qbool(r, "flagged"), excluded = qbool(r, "excluded");
	if (!association && (!company || flagged >= 0)) {
		req_error(r, 403, "forbidden", company ? "flagged" : NULL);
		return;
	}
	int64_t of = company ? r->user.org_id : req_qint(r, "company_id", 0), total = 0;
	if (company && req_qint(r, "company_id", 0) && req_qint(r, "company_id", 0) != of) {
		req_error(r, 404, "not_found", "company_id");
		return;
	}
	struct stmt *st = store_sql(r->store, "SELECT count(*) FROM reviews v" REVIEWS_WHERE);
	stmt_bind_int(st, 1, of);
	stmt_bind_int(st, 2, req_qint(r, "worker_id", 0));
	stmt_bind_int(st, 3, flagged == 1);
	stmt_bind_int(st, 4, excluded);
	int rc = stmt_one_int(st, &total);
	if (rc) {
		req_fail(r, rc);
		return;
	}
	st = store_sql(r->store, "SELECT " REVIEW_COLUMNS REVIEW_FROM REVIEWS_WHERE
				 " ORDER BY v.created_at DESC, v.booking_id DESC LIMIT $5 OFFSET $6");
	stmt_bind_int(st, 1, of);
	stmt_bind_int(st, 2, req_qint(r, "worker_id", 0));
	stmt_bind_int(st, 3, flagged == 1);
	stmt_bind_int(st, 4, excluded);
	stmt_bind_int(st, 5, pg.per_page);
	stmt_bind_int(st, 6, pg.offset);
	rows_reply_list(r, st, association ? row_association : row_company, &pg, total);
}

/* A review's exclusion, for the write's body (store_write may run it more than once: it sets its
 * outputs afresh). */
struct exclusion {
	const struct actor *a;
	int64_t id;
	const char *reason;
	struct fault *f;
};

static int exclude_write(struct store *s, void *arg)
{
	const struct exclusion *x = arg;
	const struct actor *a = x->a;
	int64_t id = x->id;
	const char *reason = x->reason;
	*x->f = (struct fault){0};
	struct stmt *st = store_sql(s, "SELECT worker_id, company_id, overall, satisfied, month, excluded_at IS NOT NULL"
				       " FROM reviews WHERE booking_id = $1");
	stmt_bind_int(st, 1, id);
	int rc = stmt_step(st);
	int64_t worker = 0, company = 0, overall = 0, satisfied = 0, month = 0, excluded = 0;
	if (rc == STORE_ROW) {
		worker = stmt_int(st, 0);
		company = stmt_int(st, 1);
		overall = stmt_int(st, 2);
		satisfied = stmt_int(st, 3);
		month = stmt_int(st, 4);
		excluded = stmt_int(st, 5);
	}
	stmt_done(st);
	if (rc != STORE_ROW) {
		rc = rc < 0 ? rc : AJ_ENOTFOUND;
		goto fail;
	}
	if (excluded) {
		FAULT(x->f, "already_excluded", "id");
		rc = AJ_ECONFLICT;
		goto fail;
	}
	st = store_sql(s, "UPDATE reviews SET excluded_at = $2, excluded_by = $3, excluded_reason = $4 WHERE booking_id = $1");
	stmt_bind_int(st, 1, id);
	stmt_bind_int(st, 2, clock_now());
	stmt_bind_id(st, 3, a->user_id);
	stmt_bind_text(st, 4, reason);
	if ((rc = stmt_exec(st)) != AJ_OK)
		goto fail;
	/* out of the running sums and the month's figures, as it went in */
	static const char *const subjects[] = {"worker", "company"};
	int64_t ids[] = {worker, company};
	for (int i = 0; i < 2 && rc == AJ_OK; i++) {
		st = store_sql(s, "UPDATE ratings SET n = n - 1, total = total - $3 WHERE subject = $1 AND subject_id = $2");
		stmt_bind_text(st, 1, subjects[i]);
		stmt_bind_int(st, 2, ids[i]);
		stmt_bind_int(st, 3, overall);
		rc = stmt_exec(st);
	}
	struct figures_delta d = {0, -1, -(int)satisfied, 0, 0};
	if (rc != AJ_OK || (rc = figures_add(s, worker, company, (int)month, &d)) != AJ_OK ||
	    (rc = timeline_add(s, TIMELINE_BOOKING, id, a, "review_exclude", "reviewed", "reviewed", reason, 0)) != AJ_OK ||
	    (rc = booking_notice(s, id, "review_exclude")) != AJ_OK)
		goto fail;
	return audit_append_state(s, a, "review.exclude", "review", id, review_state);
fail:
	return rc;
}

int review_exclude(struct store *s, const struct actor *a, int64_t id, const char *reason, struct fault *f)
{
	struct exclusion x = {a, id, reason, f};
	return store_write(s, exclude_write, &x);
}

/* POST /api/reviews/{id}/exclude {reason}: review_exclude; the review as the association sees it. */
void api_reviews_exclude(struct req *r)
{
	struct actor a = req_actor(r);
	struct fault f = {0};
	int rc = review_exclude(r->store, &a, r->id[0], req_str(r, "reason"), &f);
	if (rc) {
		req_fault(r, rc, &f);
		return;
	}
	struct stmt *st = store_sql(r->store, "SELECT " REVIEW_COLUMNS REVIEW_FROM " WHERE v.booking_id = $1");
	stmt_bind_int(st, 1, r->id[0]);
	if (stmt_step(st) == STORE_ROW)
		row_association(req_jw(r), st);
	stmt_done(st);
	req_send(r, 200);
}
