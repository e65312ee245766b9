/* figures.c — the public complaint-handling and spot-check figures, and the one place they are
 * computed. A complaint counts in the month it was received; compensation in the month it was paid
 * — the company's side (the company, its worker, its insurer) as paid only once confirmed by the
 * customer or the payer's proof, else as recorded but unconfirmed, and the association's advances
 * apart, with what it recovered in the month it came back; a disputed claim in the month of the
 * dispute; a spot check in the month its result was recorded. Feedback and resolution are "settled" once
 * given or overdue, so a month still running is not shown worse than it is — and a reopened
 * complaint is unsettled again until its next resolution (a late one stays late), so a resolution
 * the customer sent back does not count as resolved in time. Beside them, what a company's
 * resolutions came to: reopened, closed by the customer or left to lapse; and the handling's
 * ratings with how many customers were asked (every complaint resolved at least once) and how many
 * answered. A complaint without a booking of its customer's counts only once the service centre
 * has verified it (in the month it was received); the industry's figures show apart how many of
 * the month's wait for the centre, how many it let pass its deadline and how many it rejected —
 * never per company, where a flood of unchecked accusations is what must not show. */
#include "figures.h"

#include <stdlib.h>
#include <string.h>

#include "anjia.h"
#include "http/req.h"
#include "http/schema.h"
#include "standards.h"
#include "store/store.h"
#include "util/clock.h"
#include "util/timefmt.h"

SCHEMA(complaint_figures_query, S_STR("month", 0, 7, 7), S_INT("company_id", 0, 1, INT64_MAX));

#define PROFILE_MONTHS 6

enum {
	F_RECEIVED, F_FEEDBACK_SETTLED, F_FEEDBACK_IN_TIME, F_RESOLVE_SETTLED, F_RESOLVED_IN_TIME, F_UPHELD,
	F_PARTLY_UPHELD, F_NOT_UPHELD, F_ESCALATED, F_REOPENED, F_ACCEPTED, F_LAPSED, F_RATING_ASKED, F_RATED,
	F_RATING_TOTAL, F_CLAIMS_PAID, F_PAID_FEN, F_CLAIMS_UNCONFIRMED, F_UNCONFIRMED_FEN, F_CLAIMS_ADVANCED,
	F_ADVANCED_FEN, F_RECOVERED_FEN, F_CLAIMS_DISPUTED, F_DISPUTES_RAISED, F_SPOT_CHECKS, F_SPOT_PASSED,
	F_SPOT_SCORE_TOTAL, F_COUNT
};

static const char *const names[F_COUNT] = {
	"received", "feedback_settled", "feedback_in_time", "resolve_settled", "resolved_in_time", "upheld",
	"partly_upheld", "not_upheld", "escalated", "reopened", "accepted", "lapsed", "rating_asked", "rated",
	"rating_total", "claims_paid", "compensation_paid_fen", "claims_unconfirmed", "compensation_unconfirmed_fen",
	"claims_advanced", "compensation_advanced_fen", "compensation_recovered_fen", "claims_disputed",
	"claims_raised_on_dispute", "spot_checks", "spot_checks_passed", "spot_check_score_total",
};

struct cell {
	int64_t company;
	int month;
	int64_t v[F_COUNT];
};

struct cells {
	struct cell *c;
	size_t n, cap;
};

static struct cell *find(const struct cells *cs, int64_t company, int month)
{
	for (size_t i = 0; i < cs->n; i++)
		if (cs->c[i].company == company && cs->c[i].month == month)
			return &cs->c[i];
	return NULL;
}

static struct cell *cell_at(struct cells *cs, int64_t company, int month)
{
	struct cell *c = find(cs, company, month);
	if (c)
		return c;
	if (cs->n == cs->cap) {
		cs->cap = cs->cap ? cs->cap * 2 : 16;
		cs->c = xrealloc(cs->c, cs->cap * sizeof *cs->c);
	}
	c = &cs->c[cs->n++];
	memset(c, 0, sizeof *c);
	c->company = company;
	c->month = month;
	return c;
}

/* Adds the columns from 2 on of each row (company, month, …) into the cells at fields first….
 * The companies are a range ($1…$4: one, or all), so the (company_id, month) indexes serve both. */
static int add_rows(struct stmt *st, int64_t company, int from, int to, struct cells *cs, int first, int count)
{
	stmt_bind_int(st, 1, company);
	stmt_bind_int(st, 2, from);
	stmt_bind_int(st, 3, to);
	stmt_bind_int(st, 4, company ? company : INT64_MAX);
	int rc;
	while ((rc = stmt_step(st)) == STORE_ROW) {
		struct cell *c = cell_at(cs, stmt_int(st, 0), (int)stmt_int(st, 1));
		for (int k = 0; k < count; k++)
			c->v[first + k] += stmt_int(st, 2 + k);
	}
	stmt_done(st);
	return rc < 0 ? rc : AJ_OK;
}

/* The figures of company (0: every company) for months from…to. */
static int load(struct store *s, int64_t company, int from, int to, struct cells *cs)
{
	int rc = add_rows(store_sql(s,
		"SELECT company_id, month, count(*),"
		" sum(CASE WHEN first_feedback_at IS NOT NULL OR feedback_breached = 1 THEN 1 ELSE 0 END),"
		" sum(coalesce(feedback_in_time, 0)),"
		" sum(CASE WHEN resolved_in_time IS NOT NULL THEN 1 ELSE 0 END),"
		" sum(coalesce(resolved_in_time, 0)),"
		" sum(CASE WHEN finding = 'upheld' THEN 1 ELSE 0 END),"
		" sum(CASE WHEN finding = 'partly_upheld' THEN 1 ELSE 0 END),"
		" sum(CASE WHEN finding = 'not_upheld' THEN 1 ELSE 0 END),"
		" sum(CASE WHEN escalated_at IS NOT NULL THEN 1 ELSE 0 END),"
		" sum(CASE WHEN reopened > 0 THEN 1 ELSE 0 END),"
		" sum(CASE WHEN closed_by = 'customer' THEN 1 ELSE 0 END),"
		" sum(CASE WHEN closed_by = 'lapse' THEN 1 ELSE 0 END),"
		" sum(CASE WHEN first_resolved_at IS NOT NULL THEN 1 ELSE 0 END), count(rating), coalesce(sum(rating), 0)"
		" FROM complaints WHERE company_id BETWEEN $1 AND $4 AND month BETWEEN $2 AND $3"
		" AND (verification IS NULL OR verification = 'verified') GROUP BY company_id, month"),
		company, from, to, cs, F_RECEIVED, F_RATING_TOTAL - F_RECEIVED + 1);
	if (rc == AJ_OK)
		rc = add_rows(store_sql(s, "SELECT c.company_id, cl.paid_month,"
					   " sum(CASE WHEN cl.payer <> 'advance' AND cl.confirmed_at IS NOT NULL THEN 1 ELSE 0 END),"
					   " sum(CASE WHEN cl.payer <> 'advance' AND cl.confirmed_at IS NOT NULL THEN cl.paid_fen ELSE 0 END),"
					   " sum(CASE WHEN cl.payer <> 'advance' AND cl.confirmed_at IS NULL THEN 1 ELSE 0 END),"
					   " sum(CASE WHEN cl.payer <> 'advance' AND cl.confirmed_at IS NULL THEN cl.paid_fen ELSE 0 END),"
					   " sum(CASE WHEN cl.payer = 'advance' THEN 1 ELSE 0 END),"
					   " sum(CASE WHEN cl.payer = 'advance' THEN cl.paid_fen ELSE 0 END)"
					   " FROM claims cl JOIN complaints c ON c.id = cl.complaint_id"
					   " WHERE c.company_id BETWEEN $1 AND $4 AND cl.paid_month BETWEEN $2 AND $3"
					   " AND cl.paid_fen IS NOT NULL GROUP BY c.company_id, cl.paid_month"),
			      company, from, to, cs, F_CLAIMS_PAID, F_ADVANCED_FEN - F_CLAIMS_PAID + 1);
	/* what the association got back of its advances, in the month each part came */
	if (rc == AJ_OK)
		rc = add_rows(store_sql(s, "SELECT c.company_id, r.month, sum(r.amount_fen) FROM claim_recoveries r"
					   " JOIN claims cl ON cl.id = r.claim_id JOIN complaints c ON c.id = cl.complaint_id"
					   " WHERE c.company_id BETWEEN $1 AND $4 AND r.month BETWEEN $2 AND $3"
					   " GROUP BY c.company_id, r.month"),
			      company, from, to, cs, F_RECOVERED_FEN, 1);
	/* claims sent to the association, in the month of the dispute (or the worker's objection), and
	 * those it then raised above the company's decision */
	if (rc == AJ_OK)
		rc = add_rows(store_sql(s, "SELECT c.company_id, cl.disputed_month, count(*),"
					   " sum(CASE WHEN cl.reviewed_at IS NOT NULL AND cl.approved_fen > coalesce(cl.first_approved_fen, 0)"
					   " THEN 1 ELSE 0 END)"
					   " FROM claims cl JOIN complaints c ON c.id = cl.complaint_id"
					   " WHERE c.company_id BETWEEN $1 AND $4 AND cl.disputed_month BETWEEN $2 AND $3"
					   " GROUP BY c.company_id, cl.disputed_month"),
			      company, from, to, cs, F_CLAIMS_DISPUTED, 2);
	if (rc == AJ_OK)
		rc = add_rows(store_sql(s, "SELECT company_id, month, count(*),"
					   " sum(CASE WHEN status = 'passed' THEN 1 ELSE 0 END), coalesce(sum(score), 0)"
					   " FROM inspections WHERE company_id BETWEEN $1 AND $4 AND month BETWEEN $2 AND $3"
					   " GROUP BY company_id, month"),
			      company, from, to, cs, F_SPOT_CHECKS, 3);
	return rc;
}

static void values_json(struct jw *w, const int64_t *v)
{
	for (int k = 0; k < F_COUNT; k++)
		jw_kint(w, names[k], v[k]);
}

static void months_json(struct jw *w, const struct cells *cs, int64_t company, int first, int last)
{
	static const int64_t zero[F_COUNT];
	char month[8];
	jw_arr(w);
	for (int m = last; m >= first; m--) {
		const struct cell *c = find(cs, company, m);
		time_format_month(m, month);
		jw_obj(w);
		jw_kstr(w, "month", month);
		values_json(w, c ? c->v : zero);
		jw_obj_end(w);
	}
	jw_arr_end(w);
}

void complaint_figures_json(struct store *s, int64_t company_id, struct jw *w)
{
	int last = time_month(clock_now()), first = last - PROFILE_MONTHS + 1;
	struct cells cs = {0};
	jw_key(w, "complaints");
	if (load(s, company_id, first, last, &cs) != AJ_OK)
		jw_null(w);
	else
		months_json(w, &cs, company_id, first, last);
	free(cs.c);
}

static void standards_part(struct req *r, struct jw *w)
{
	struct standards sd;
	if (standards_get(r->store, &sd) != AJ_OK)
		return;
	jw_key(w, "standards");
	jw_obj(w);
	jw_kint(w, "complaint_feedback_hours", sd.complaint_feedback_hours);
	jw_kint(w, "complaint_resolve_days", sd.complaint_resolve_days);
	jw_kint(w, "complaint_reopen_days", sd.complaint_reopen_days);
	jw_kint(w, "complaint_pause_max_hours", sd.complaint_pause_max_hours);
	jw_kint(w, "complaint_pauses_max", sd.complaint_pauses_max);
	jw_kint(w, "complaint_verify_hours", sd.complaint_verify_hours);
	jw_kint(w, "claim_accept_days", sd.claim_accept_days);
	jw_kint(w, "spot_check_pass_score", sd.spot_check_pass_score);
	jw_obj_end(w);
}

/* The month's complaints without a booking that count nowhere yet: waiting for the service centre,
 * of those past its deadline, and rejected by it — the whole industry's, the centre's record. */
static int unverified(struct store *s, int month, int64_t out[3])
{
	struct stmt *st = store_sql(s, "SELECT count(*) FILTER (WHERE verification = 'pending'),"
				       " count(*) FILTER (WHERE verification = 'pending' AND verify_breached = 1),"
				       " count(*) FILTER (WHERE verification = 'rejected') FROM complaints"
				       " WHERE month = $1 AND verification IS NOT NULL");
	stmt_bind_int(st, 1, month);
	int rc = stmt_step(st);
	if (rc == STORE_ROW)
		for (int k = 0; k < 3; k++)
			out[k] = stmt_int(st, k);
	stmt_done(st);
	return rc == STORE_ROW ? AJ_OK : rc < 0 ? rc : AJ_ESTORE;
}

/* One company's last twelve months, or every company's figures for one month with the industry's. */
void api_public_complaint_figures(struct req *r)
{
	int month = time_month(clock_now());
	const char *q = req_qstr(r, "month");
	if (q && time_parse_month(q, &month) != 0) {
		req_error(r, 400, "invalid_parameter", "month");
		return;
	}
	int64_t company = req_qint(r, "company_id", 0);
	struct cells cs = {0};
	struct jw *w = req_jw(r);
	if (company) {
		struct stmt *st = store_sql(r->store, "SELECT id, name FROM orgs WHERE id = $1 AND kind = 'company'");
		stmt_bind_int(st, 1, company);
		if (stmt_step(st) != STORE_ROW) {
			stmt_done(st);
			req_error(r, 404, "not_found", "company_id");
			return;
		}
		int rc = load(r->store, company, month - 11, month, &cs);
		if (rc) {
			stmt_done(st);
			free(cs.c);
			req_fail(r, rc);
			return;
		}
		jw_obj(w);
		jw_kref(w, "company", stmt_int(st, 0), stmt_text(st, 1));
		stmt_done(st);
		standards_part(r, w);
		jw_key(w, "months");
		months_json(w, &cs, company, month - 11, month);
		jw_obj_end(w);
		free(cs.c);
		req_header_static(r, "Cache-Control", "public, max-age=60");
		req_send(r, 200);
		return;
	}
	int rc = load(r->store, 0, month, month, &cs);
	if (rc) {
		free(cs.c);
		req_fail(r, rc);
		return;
	}
	char name[8];
	time_format_month(month, name);
	int64_t industry[F_COUNT] = {0};
	for (size_t i = 0; i < cs.n; i++)
		for (int k = 0; k < F_COUNT; k++)
			industry[k] += cs.c[i].v[k];
	jw_obj(w);
	jw_kstr(w, "month", name);
	standards_part(r, w);
	int64_t unchecked[3] = {0};
	if ((rc = unverified(r->store, month, unchecked)) != AJ_OK) {
		free(cs.c);
		req_fail(r, rc);
		return;
	}
	jw_key(w, "industry");
	jw_obj(w);
	values_json(w, industry);
	jw_kint(w, "awaiting_verification", unchecked[0]);
	jw_kint(w, "verification_overdue", unchecked[1]);
	jw_kint(w, "verification_rejected", unchecked[2]);
	jw_obj_end(w);
	jw_key(w, "items");
	jw_arr(w);
	struct stmt *st = store_sql(r->store, "SELECT id, name FROM orgs WHERE kind = 'company' ORDER BY id");
	while (stmt_step(st) == STORE_ROW) {
		static const int64_t zero[F_COUNT];
		const struct cell *c = find(&cs, stmt_int(st, 0), month);
		jw_obj(w);
		jw_kref(w, "company", stmt_int(st, 0), stmt_text(st, 1));
		values_json(w, c ? c->v : zero);
		jw_obj_end(w);
	}
	stmt_done(st);
	jw_arr_end(w);
	jw_obj_end(w);
	free(cs.c);
	req_header_static(r, "Cache-Control", "public, max-age=60");
	req_send(r, 200);
}
