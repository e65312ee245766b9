/* satisfaction.c — what customers said: ratings, the monthly satisfaction and response rates and
 * punctuality per worker, company and industry, against the association's targets. A month is the
 * month the service was completed (checked in, for punctuality), so reviewed ≤ completed. Only
 * services their customers confirmed count (services/evidence.h), and no review the association
 * excluded (services/reviews.h). */
#include "satisfaction.h"

#include <string.h>

#include "http/req.h"
#include "http/schema.h"
#include "rows.h"
#include "standards.h"
#include "store/store.h"
#include "util/clock.h"
#include "util/timefmt.h"
#include "workforce/worker_access.h"

SCHEMA(satisfaction_query, S_STR("month", 0, 7, 7));

#define MONTHS 6

void rating_json(struct store *s, const char *subject, int64_t id, struct jw *w)
{
	struct stmt *st = store_sql(s, "SELECT n, total FROM ratings WHERE subject = $1 AND subject_id = $2");
	stmt_bind_text(st, 1, subject);
	stmt_bind_int(st, 2, id);
	jw_key(w, "rating");
	if (stmt_step(st) == STORE_ROW && stmt_int(st, 0) > 0) {
		int64_t n = stmt_int(st, 0), total = stmt_int(st, 1);
		jw_obj(w);
		jw_key(w, "average");
		jw_tenths(w, (total * 10 + n / 2) / n);
		jw_kint(w, "count", n);
		jw_obj_end(w);
	} else {
		jw_null(w);
	}
	stmt_done(st);
}

int figures_add(struct store *s, int64_t worker_id, int64_t company_id, int month, const struct figures_delta *d)
{
	static const char *const subjects[] = {"worker", "company"};
	int64_t ids[] = {worker_id, company_id};
	for (int i = 0; i < 2; i++) {
		struct stmt *st = store_sql(s,
			"INSERT INTO monthly_figures (subject, subject_id, month, completed, reviewed, satisfied, checked_in,"
			" on_time) VALUES ($1, $2, $3, $4, $5, $6, $7, $8) ON CONFLICT (subject, subject_id, month) DO UPDATE"
			" SET completed = monthly_figures.completed + $4, reviewed = monthly_figures.reviewed + $5,"
			" satisfied = monthly_figures.satisfied + $6, checked_in = monthly_figures.checked_in + $7,"
			" on_time = monthly_figures.on_time + $8");
		stmt_bind_text(st, 1, subjects[i]);
		stmt_bind_int(st, 2, ids[i]);
		stmt_bind_int(st, 3, month);
		stmt_bind_int(st, 4, d->completed);
		stmt_bind_int(st, 5, d->reviewed);
		stmt_bind_int(st, 6, d->satisfied);
		stmt_bind_int(st, 7, d->checked_in);
		stmt_bind_int(st, 8, d->on_time);
		int rc = stmt_exec(st);
		if (rc)
			return rc;
	}
	return AJ_OK;
}

void figures_json(struct store *s, enum figures_of of, int64_t id, struct jw *w)
{
	int last = time_month(clock_now()), first = last - MONTHS + 1;
	int64_t c[MONTHS][3] = {{0}}; /* reviewed, satisfied, completed */
	int64_t p[MONTHS][2] = {{0}}; /* checked in, on time */
	struct stmt *st = store_sql(s, "SELECT month, reviewed, satisfied, completed, checked_in, on_time"
				       " FROM monthly_figures WHERE subject = $1 AND subject_id = $2 AND month >= $3");
	stmt_bind_text(st, 1, of == FIGURES_WORKER ? "worker" : "company");
	stmt_bind_int(st, 2, id);
	stmt_bind_int(st, 3, first);
	while (stmt_step(st) == STORE_ROW) {
		int m = (int)stmt_int(st, 0) - first;
		if (m < 0 || m >= MONTHS)
			continue;
		for (int k = 0; k < 3; k++)
			c[m][k] = stmt_int(st, 1 + k);
		p[m][0] = stmt_int(st, 4);
		p[m][1] = stmt_int(st, 5);
	}
	stmt_done(st);

	rating_json(s, of == FIGURES_WORKER ? "worker" : "company", id, w);
	char month[8];
	jw_key(w, "satisfaction");
	jw_arr(w);
	for (int m = MONTHS - 1; m >= 0; m--) {
		time_format_month(first + m, month);
		jw_obj(w);
		jw_kstr(w, "month", month);
		jw_kint(w, "reviewed", c[m][0]);
		jw_kint(w, "satisfied", c[m][1]);
		jw_kint(w, "completed", c[m][2]);
		jw_obj_end(w);
	}
	jw_arr_end(w);
	jw_key(w, "punctuality");
	jw_arr(w);
	for (int m = MONTHS - 1; m >= 0; m--) {
		time_format_month(first + m, month);
		jw_obj(w);
		jw_kstr(w, "month", month);
		jw_kint(w, "checked_in", p[m][0]);
		jw_kint(w, "on_time", p[m][1]);
		jw_obj_end(w);
	}
	jw_arr_end(w);
}

static void target_json(struct jw *w, const char *key, int percent)
{
	jw_key(w, key);
	jw_obj(w);
	jw_kint(w, "num", percent);
	jw_kint(w, "den", 100);
	jw_obj_end(w);
}

/* A month's counts v (reviewed, satisfied, completed, checked in, on time) as members, with whether
 * satisfaction meets target (percent). */
static void month_members(struct jw *w, const int64_t v[5], int target)
{
	jw_kint(w, "reviewed", v[0]);
	jw_kint(w, "satisfied", v[1]);
	jw_kint(w, "completed", v[2]);
	jw_kbool(w, "meets_target", v[0] > 0 && v[1] * 100 >= (int64_t)target * v[0]);
	jw_kint(w, "checked_in", v[3]);
	jw_kint(w, "on_time", v[4]);
}

void api_public_satisfaction(struct req *r)
{
	int month = time_month(clock_now());
	const char *q = req_qstr(r, "month");
	if (q && time_parse_month(q, &month) != 0) {
		req_error(r, 400, "invalid_parameter", "month");
		return;
	}
	struct standards sd;
	int rc = standards_get(r->store, &sd);
	if (rc) {
		req_fail(r, rc);
		return;
	}
	/* every company with services that month */
	struct stmt *st = store_sql(r->store,
		"SELECT o.id, o.name, f.reviewed, f.satisfied, f.completed, f.checked_in, f.on_time"
		" FROM monthly_figures f JOIN orgs o ON o.id = f.subject_id"
		" WHERE f.subject = 'company' AND f.month = $1 ORDER BY o.name, o.id");
	stmt_bind_int(st, 1, month);
	char m[8];
	time_format_month(month, m);
	struct jw *w = req_jw(r);
	jw_obj(w);
	jw_kstr(w, "month", m);
	target_json(w, "target", sd.satisfaction_target);
	target_json(w, "punctuality_target", sd.punctuality_target);
	int64_t sum[5] = {0};
	jw_key(w, "companies");
	jw_arr(w);
	while (stmt_step(st) == STORE_ROW) {
		int64_t v[5];
		for (int i = 0; i < 5; i++)
			sum[i] += v[i] = stmt_int(st, 2 + i);
		if (!v[0] && !v[2] && !v[3])
			continue;
		jw_obj(w);
		jw_kref(w, "company", stmt_int(st, 0), stmt_text(st, 1));
		month_members(w, v, sd.satisfaction_target);
		jw_obj_end(w);
	}
	stmt_done(st);
	jw_arr_end(w);
	jw_key(w, "industry");
	jw_obj(w);
	month_members(w, sum, sd.satisfaction_target);
	jw_obj_end(w);
	jw_obj_end(w);
	req_header_static(r, "Cache-Control", "public, max-age=60");
	req_send(r, 200);
}

static void review_json(struct jw *w, struct stmt *st)
{
	char month[8], masked[96];
	time_format_month((int)stmt_int(st, 0), month);
	worker_mask_name(stmt_text(st, 7), masked, sizeof masked);
	jw_obj(w);
	jw_kstr(w, "month", month);
	jw_kint(w, "overall", stmt_int(st, 1));
	jw_kint(w, "punctuality", stmt_int(st, 2));
	jw_kint(w, "skill", stmt_int(st, 3));
	jw_kint(w, "attitude", stmt_int(st, 4));
	jw_kint(w, "hygiene", stmt_int(st, 5));
	jw_kstr(w, "comment", stmt_text(st, 6));
	jw_kstr(w, "customer", masked);
	jw_obj_end(w);
}

void api_public_worker_reviews(struct req *r)
{
	struct page pg = req_page(r);
	int64_t total = 0, exists = 0;
	struct stmt *st = store_sql(r->store, "SELECT count(*), (SELECT count(*) FROM workers WHERE id = $1)"
					      " FROM reviews WHERE worker_id = $1 AND excluded_at IS NULL");
	stmt_bind_int(st, 1, r->id[0]);
	int rc = stmt_step(st);
	if (rc == STORE_ROW) {
		total = stmt_int(st, 0);
		exists = stmt_int(st, 1);
	}
	stmt_done(st);
	if (rc != STORE_ROW || !exists) {
		req_fail(r, rc < 0 ? rc : AJ_ENOTFOUND);
		return;
	}
	st = store_sql(r->store, "SELECT v.month, v.overall, v.punctuality, v.skill, v.attitude, v.hygiene, v.comment,"
				 " u.name FROM reviews v JOIN users u ON u.id = v.customer_id WHERE v.worker_id = $1"
				 " AND v.excluded_at IS NULL"
				 " ORDER BY v.created_at DESC, v.booking_id DESC LIMIT $2 OFFSET $3");
	stmt_bind_int(st, 1, r->id[0]);
	stmt_bind_int(st, 2, pg.per_page);
	stmt_bind_int(st, 3, pg.offset);
	req_header_static(r, "Cache-Control", "public, max-age=60");
	rows_reply_list(r, st, review_json, &pg, total);
}
