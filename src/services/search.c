/* search.c — the customer's search: workers who may serve a category's trade (throughout the wanted
 * window, or now), free then, with their company's price for it. One query over the eligibility
 * windows, the companies' offers, ratings and live bookings; the colour of each result from the
 * rule itself. */
#include <string.h>

#include "http/req.h"
#include "http/schema.h"
#include "services/catalog.h"
#include "standards.h"
#include "store/store.h"
#include "util/clock.h"
#include "util/timefmt.h"
#include "workforce/eligibility.h"
#include "workforce/trades.h"
#include "workforce/worker_access.h"

static const char *const sorts[] = {"rating", "price", "experience", NULL};

SCHEMA(search_query, S_STR("category", F_REQ, 2, 30), S_STR("district", 0, 1, 40), S_TIME("from", 0),
       S_TIME("to", 0), S_STR("min_rating", 0, 1, 3), S_INT("price_min", 0, 0, 100000000),
       S_INT("price_max", 0, 0, 100000000), S_ENUM("level", 0, level_codes), S_ENUM("sort", 0, sorts),
       S_INT("page", 0, 1, 1000000), S_INT("per_page", 0, 1, 100));

/* "4", "4.5": a rating from 1 to 5 with at most one decimal, in tenths; -1 for anything else. */
static int parse_rating(const char *s)
{
	if (s[0] < '1' || s[0] > '5')
		return -1;
	int t = (s[0] - '0') * 10;
	if (s[1] == '\0')
		return t;
	if (s[1] != '.' || s[2] < '0' || s[2] > '9' || s[3] != '\0')
		return -1;
	t += s[2] - '0';
	return t <= 50 ? t : -1;
}

/* The candidates: each worker's window for the trade, the company's cheapest active item in the
 * category, the filters. $1 category, $2 trade, $3 from, $4 to, $5 grace seconds, $6 district,
 * $7 level, $8 min rating tenths, $9 price min, $10 price max, $11 a window was asked for. */
#define SEARCH_FROM \
	" FROM worker_windows ww JOIN workers w ON w.id = ww.worker_id JOIN orgs o ON o.id = w.company_id" \
	" JOIN (SELECT company_id, min(price_fen) AS price_fen FROM service_items WHERE category_id = $1" \
	"       AND active = 1 GROUP BY company_id) p ON p.company_id = w.company_id" \
	" LEFT JOIN ratings r ON r.subject = 'worker' AND r.subject_id = w.id" \
	" WHERE ww.trade = $2 AND ww.ok_from <= $3 AND ww.ok_until >= $4 AND ww.refresher_until + $5 >= $4" \
	" AND w.status = 'active' AND ($6 = '' OR o.district = $6) AND ($7 = '' OR w.level = $7)" \
	" AND ($8 = 0 OR (r.n > 0 AND r.total * 10 >= $8 * r.n)) AND p.price_fen >= $9 AND p.price_fen <= $10" \
	" AND ($11 = 0 OR NOT EXISTS (SELECT 1 FROM bookings b WHERE b.worker_id = w.id AND b.live = 1" \
	"      AND b.start_at < $4 AND b.end_at > $3))"

static void bind_filters(struct stmt *st, int64_t category, const char *trade, int64_t from, int64_t to,
			 int64_t grace, const char *district, const char *level, int rating, int64_t pmin, int64_t pmax,
			 int window)
{
	stmt_bind_int(st, 1, category);
	stmt_bind_text(st, 2, trade);
	stmt_bind_int(st, 3, from);
	stmt_bind_int(st, 4, to);
	stmt_bind_int(st, 5, grace);
	stmt_bind_text(st, 6, district ? district : "");
	stmt_bind_text(st, 7, level ? level : "");
	stmt_bind_int(st, 8, rating);
	stmt_bind_int(st, 9, pmin);
	stmt_bind_int(st, 10, pmax);
	stmt_bind_int(st, 11, window);
}

/* An empty answer says which condition emptied it: for each condition the search was given (the
 * district, being free in the window, the rating, the level, the price), how many would be found
 * with that one dropped and the others kept — "relaxed": {"district": 12, "free": 3}. One count per
 * condition given, and only when nothing was found. */
static int relaxed_json(struct store *s, struct jw *w, int64_t category, const char *trade, int64_t from, int64_t to,
			int64_t grace, const char *district, const char *level, int rating, int64_t pmin, int64_t pmax,
			int window)
{
	const struct {
		const char *key;
		int given;
	} conds[] = {
		{"district", district != NULL}, {"free", window}, {"min_rating", rating > 0},
		{"level", level != NULL}, {"price", pmin > 0 || pmax != INT64_MAX},
	};
	int64_t n[ARRAY_LEN(conds)];
	for (size_t i = 0; i < ARRAY_LEN(conds); i++) {
		n[i] = -1;
		if (!conds[i].given)
			continue;
		struct stmt *st = store_sql(s, "SELECT count(*)" SEARCH_FROM);
		bind_filters(st, category, trade, from, to, grace, i == 0 ? NULL : district, i == 3 ? NULL : level,
			     i == 2 ? 0 : rating, i == 4 ? 0 : pmin, i == 4 ? INT64_MAX : pmax, i == 1 ? 0 : window);
		int rc = stmt_one_int(st, &n[i]);
		if (rc)
			return rc;
	}
	jw_key(w, "relaxed");
	jw_obj(w);
	for (size_t i = 0; i < ARRAY_LEN(conds); i++)
		if (n[i] >= 0)
			jw_kint(w, conds[i].key, n[i]);
	jw_obj_end(w);
	return AJ_OK;
}

void api_public_search(struct req *r)
{
	const char *code = req_qstr(r, "category");
	int64_t category = 0;
	char trade[32] = "";
	struct stmt *st = store_sql(r->store, "SELECT id, trade FROM categories WHERE code = $1 AND active = 1");
	stmt_bind_text(st, 1, code);
	int rc = stmt_step(st);
	if (rc == STORE_ROW) {
		category = stmt_int(st, 0);
		str_copy(trade, sizeof trade, stmt_text(st, 1));
	}
	stmt_done(st);
	if (rc < 0) {
		req_fail(r, rc);
		return;
	}
	if (!category) {
		req_error(r, 400, "invalid_parameter", "category");
		return;
	}
	int64_t now = clock_now(), from = now, to = now + 1;
	const char *qf = req_qstr(r, "from"), *qt = req_qstr(r, "to");
	if (!qf != !qt) {
		req_error(r, 400, "invalid_parameter", qf ? "to" : "from");
		return;
	}
	int window = qf != NULL;
	if (window && (time_parse_iso(qf, &from) != 0 || time_parse_iso(qt, &to) != 0 || to <= from)) {
		req_error(r, 400, "invalid_parameter", "to");
		return;
	}
	int rating = 0;
	if (req_qstr(r, "min_rating") && (rating = parse_rating(req_qstr(r, "min_rating"))) < 0) {
		req_error(r, 400, "invalid_parameter", "min_rating");
		return;
	}
	int64_t pmin = req_qint(r, "price_min", 0), pmax = req_qint(r, "price_max", INT64_MAX);
	const char *sort = req_qstr(r, "sort") ? req_qstr(r, "sort") : "rating";
	const char *district = req_qstr(r, "district"), *level = req_qstr(r, "level");
	struct standards sd;
	if ((rc = standards_get(r->store, &sd)) != AJ_OK) {
		req_fail(r, rc);
		return;
	}
	int64_t grace = (int64_t)sd.refresher_grace_days * 86400, total = 0;
	struct page pg = req_page(r);

	st = store_sql(r->store, "SELECT count(*)" SEARCH_FROM);
	bind_filters(st, category, trade, from, to, grace, district, level, rating, pmin, pmax, window);
	if ((rc = stmt_one_int(st, &total)) != AJ_OK) {
		req_fail(r, rc);
		return;
	}
	st = store_sql(r->store,
		"SELECT w.id, w.name, w.level, coalesce(w.experience_since, w.employed_since), o.id, o.name, o.district,"
		" p.price_fen, r.n, r.total"
		SEARCH_FROM
		" ORDER BY"
		" CASE WHEN $12 = 'price' THEN p.price_fen ELSE 0 END,"
		" CASE WHEN $12 = 'experience' THEN coalesce(w.experience_since, w.employed_since, '9999') ELSE '' END,"
		" CASE WHEN r.n > 0 THEN r.total * 1000 / r.n ELSE 0 END DESC, coalesce(r.n, 0) DESC, w.id"
		" LIMIT $13 OFFSET $14");
	bind_filters(st, category, trade, from, to, grace, district, level, rating, pmin, pmax, window);
	stmt_bind_text(st, 12, sort);
	stmt_bind_int(st, 13, pg.per_page);
	stmt_bind_int(st, 14, pg.offset);

	struct search_row {
		int64_t worker, company, price, n, sum;
		char name[64], level[24], since[11], company_name[128], district[48];
	} rows[100];
	int nrows = 0;
	while ((rc = stmt_step(st)) == STORE_ROW && nrows < 100) {
		struct search_row *x = &rows[nrows++];
		x->worker = stmt_int(st, 0);
		worker_mask_name(stmt_text(st, 1), x->name, sizeof x->name);
		str_copy(x->level, sizeof x->level, stmt_text(st, 2));
		str_copy(x->since, sizeof x->since, stmt_text(st, 3));
		x->company = stmt_int(st, 4);
		str_copy(x->company_name, sizeof x->company_name, stmt_text(st, 5));
		str_copy(x->district, sizeof x->district, stmt_text(st, 6));
		x->price = stmt_int(st, 7);
		x->n = stmt_int(st, 8);
		x->sum = stmt_int(st, 9);
	}
	stmt_done(st);
	if (rc < 0) {
		req_fail(r, rc);
		return;
	}

	int t = trade_index(trade);
	struct jw *w = req_list_begin(r);
	for (int i = 0; i < nrows; i++) {
		struct search_row *x = &rows[i];
		struct elig_result res;
		if ((rc = elig_evaluate(r->store, x->worker, t, from, ELIG_FOR_SERVICE, &res)) != AJ_OK ||
		    res.status == ELIG_RED)
			continue; /* the window said yes and the rule says no: the rule decides */
		jw_obj(w);
		jw_key(w, "worker");
		jw_obj(w);
		jw_kint(w, "id", x->worker);
		jw_kstr(w, "masked_name", x->name);
		jw_kstr(w, "level", x->level);
		jw_kint(w, "years_of_experience", worker_years_since(x->since));
		jw_key(w, "trades");
		worker_trades_json(r->store, x->worker, w);
		jw_obj_end(w);
		jw_key(w, "company");
		jw_obj(w);
		jw_kint(w, "id", x->company);
		jw_kstr(w, "name", x->company_name);
		jw_kstr(w, "district", x->district);
		jw_obj_end(w);
		service_item_brief_json(r->store, x->company, category, x->price, w);
		jw_key(w, "rating");
		if (x->n > 0) {
			jw_obj(w);
			jw_key(w, "average");
			jw_tenths(w, (x->sum * 10 + x->n / 2) / x->n);
			jw_kint(w, "count", x->n);
			jw_obj_end(w);
		} else {
			jw_null(w);
		}
		jw_kstr(w, "status", elig_status_name(res.status));
		jw_obj_end(w);
	}
	if (total == 0) {
		/* the list's members, then what would be found with one condition fewer */
		jw_arr_end(w);
		jw_kint(w, "page", pg.page);
		jw_kint(w, "per_page", pg.per_page);
		jw_kint(w, "total", total);
		if ((rc = relaxed_json(r->store, w, category, trade, from, to, grace, district, level, rating, pmin, pmax,
				       window)) != AJ_OK) {
			req_fail(r, rc);
			return;
		}
		jw_obj_end(w);
	} else {
		req_list_end(r, &pg, total);
	}
	req_header_static(r, "Cache-Control", "public, max-age=30");
	req_send(r, 200);
}
