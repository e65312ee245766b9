/* dispatch.c — what a dispatcher works from: for a booking, the company's workers who may serve
 * its trade at its start and are free for its window, told apart by number, level, rating and the
 * day's load, searchable by name (read only: the assignment re-checks both rules inside its write,
 * bookings.c); the week with a line per worker; and a customer on the telephone, found among the
 * company's own customers by number or name, or registered with a set-up code. */
#include <stdlib.h>
#include <string.h>

#include <sodium.h>

#include "auth/keys.h"
#include "auth/onetime.h"
#include "http/req.h"
#include "http/schema.h"
#include "privacy/access.h"
#include "privacy/phone_index.h"
#include "services/satisfaction.h"
#include "store/store.h"
#include "users.h"
#include "util/phone.h"
#include "util/timefmt.h"
#include "workforce/eligibility.h"
#include "workforce/trades.h"

SCHEMA(candidates_query, S_STR("q", 0, 1, 50));

/* the most workers one answer weighs and lists */
#define CANDIDATES_WEIGHED 1000
#define CANDIDATES_LISTED 50

struct candidate {
	int64_t id, day_jobs, day_minutes;
	int status;
	int near;   /* already serving in the booking's district that day */
};

static int by_load(const void *a, const void *b)
{
	const struct candidate *x = a, *y = b;
	if (x->status != y->status)
		return x->status - y->status;   /* green before yellow */
	if (x->near != y->near)
		return y->near - x->near;       /* then those already in the district that day */
	if (x->day_minutes != y->day_minutes)
		return x->day_minutes < y->day_minutes ? -1 : 1;
	return x->id < y->id ? -1 : x->id > y->id;
}

void api_bookings_candidates(struct req *r)
{
	struct store *s = r->store;
	struct stmt *st = store_sql(s, "SELECT company_id, trade, start_at, end_at, status, coalesce(district, '')"
				       " FROM bookings WHERE id = $1");
	stmt_bind_int(st, 1, r->id[0]);
	int rc = stmt_step(st);
	int64_t company = 0, start = 0, end = 0;
	int trade = -1;
	char status[16] = "", district[64] = "";
	if (rc == STORE_ROW) {
		company = stmt_int(st, 0);
		trade = trade_index(stmt_text(st, 1));
		start = stmt_int(st, 2);
		end = stmt_int(st, 3);
		str_copy(status, sizeof status, stmt_text(st, 4));
		str_copy(district, sizeof district, stmt_text(st, 5));
	}
	stmt_done(st);
	/* a company sees its own bookings only; the association any */
	if (rc != STORE_ROW || (r->user.role != ROLE_ASSOCIATION_ADMIN && company != r->user.org_id)) {
		req_fail(r, rc == STORE_ROW || rc == STORE_DONE ? AJ_ENOTFOUND : rc);
		return;
	}
	if (trade < 0) {
		req_fail(r, AJ_ESTORE);
		return;
	}
	/* the company's active workers of the trade, by name if asked, with no other live booking in
	 * the window, and their load on the booking's day */
	const char *q = req_qstr(r, "q");
	int64_t day = time_day_start(time_local_days(start));
	st = store_sql(s,
		"SELECT w.id,"
		" (SELECT count(*) FROM bookings d WHERE d.worker_id = w.id AND d.id <> $5 AND d.start_at >= $6"
		"  AND d.start_at < $6 + 86400 AND d.status NOT IN ('cancelled', 'no_show')),"
		" (SELECT coalesce(sum(d.end_at - d.start_at), 0) / 60 FROM bookings d WHERE d.worker_id = w.id"
		"  AND d.id <> $5 AND d.start_at >= $6 AND d.start_at < $6 + 86400 AND d.status NOT IN ('cancelled', 'no_show')),"
		" EXISTS (SELECT 1 FROM bookings x WHERE x.worker_id = w.id AND x.live = 1 AND x.start_at < $4"
		"  AND x.end_at > $3 AND x.id <> $5),"
		" EXISTS (SELECT 1 FROM bookings d WHERE d.worker_id = w.id AND d.id <> $5 AND d.start_at >= $6"
		"  AND d.start_at < $6 + 86400 AND d.status NOT IN ('cancelled', 'no_show') AND $9 <> '' AND d.district = $9)"
		" FROM workers w JOIN worker_trades t ON t.worker_id = w.id AND t.trade = $2"
		" WHERE w.company_id = $1 AND w.status = 'active' AND ($7 = '' OR strpos(w.name, $7) > 0)"
		" ORDER BY w.id LIMIT $8");
	stmt_bind_int(st, 1, company);
	stmt_bind_text(st, 2, trades[trade].code);
	stmt_bind_int(st, 3, start);
	stmt_bind_int(st, 4, end);
	stmt_bind_int(st, 5, r->id[0]);
	stmt_bind_int(st, 6, day);
	stmt_bind_text(st, 7, q ? q : "");
	stmt_bind_int(st, 8, CANDIDATES_WEIGHED);
	stmt_bind_text(st, 9, district);
	static _Thread_local struct candidate c[CANDIDATES_WEIGHED];
	int n = 0, busy = 0, barred = 0;
	while ((rc = stmt_step(st)) == STORE_ROW) {
		if (stmt_int(st, 3)) {
			busy++;
			continue;
		}
		c[n++] = (struct candidate){stmt_int(st, 0), stmt_int(st, 1), stmt_int(st, 2), 0, (int)stmt_int(st, 4)};
	}
	stmt_done(st);
	if (rc < 0) {
		req_fail(r, rc);
		return;
	}
	/* may serve at the start: the rule the assignment applies */
	int kept = 0;
	for (int i = 0; i < n; i++) {
		struct elig_result res;
		if ((rc = elig_evaluate(s, c[i].id, trade, start, ELIG_FOR_SERVICE, &res)) != AJ_OK) {
			req_fail(r, rc);
			return;
		}
		if (res.status == ELIG_RED) {
			barred++;
			continue;
		}
		c[i].status = (int)res.status;
		c[kept++] = c[i];
	}
	qsort(c, (size_t)kept, sizeof *c, by_load);
	struct jw *w = req_jw(r);
	jw_obj(w);
	jw_kint(w, "booking_id", r->id[0]);
	jw_kstr(w, "booking_status", status);
	jw_kstr(w, "district", district[0] ? district : NULL);
	jw_key(w, "items");
	jw_arr(w);
	for (int i = 0; i < kept && i < CANDIDATES_LISTED; i++) {
		st = store_sql(s, "SELECT name, level, coalesce(experience_since, employed_since) FROM workers WHERE id = $1");
		stmt_bind_int(st, 1, c[i].id);
		if (stmt_step(st) != STORE_ROW) {
			stmt_done(st);
			continue;
		}
		jw_obj(w);
		jw_kint(w, "id", c[i].id);
		jw_kstr(w, "name", stmt_text(st, 0));
		jw_kstr(w, "level", stmt_text(st, 1));
		jw_kstr(w, "experience_since", stmt_text(st, 2));
		stmt_done(st);
		jw_kstr(w, "colour", elig_status_name((enum elig_status)c[i].status));
		rating_json(s, "worker", c[i].id, w);
		jw_kint(w, "day_jobs", c[i].day_jobs);
		jw_kint(w, "day_minutes", c[i].day_minutes);
		/* where their other jobs of the day are: the distance a dispatcher weighs, by district */
		jw_kbool(w, "near", c[i].near);
		jw_key(w, "day_districts");
		jw_arr(w);
		st = store_sql(s, "SELECT DISTINCT district FROM bookings WHERE worker_id = $1 AND id <> $2 AND start_at >= $3"
				  " AND start_at < $3 + 86400 AND status NOT IN ('cancelled', 'no_show') AND district IS NOT NULL"
				  " ORDER BY district");
		stmt_bind_int(st, 1, c[i].id);
		stmt_bind_int(st, 2, r->id[0]);
		stmt_bind_int(st, 3, day);
		while (stmt_step(st) == STORE_ROW)
			jw_str(w, stmt_text(st, 0));
		stmt_done(st);
		jw_arr_end(w);
		jw_obj_end(w);
	}
	jw_arr_end(w);
	jw_kint(w, "total", kept);
	/* why the others are not offered */
	jw_key(w, "left_out");
	jw_obj(w);
	jw_kint(w, "busy", busy);
	jw_kint(w, "not_eligible", barred);
	jw_kint(w, "not_listed", kept > CANDIDATES_LISTED ? kept - CANDIDATES_LISTED : 0);
	jw_obj_end(w);
	jw_obj_end(w);
	req_send(r, 200);
}

/* ---- the week: a line per worker ---- */

SCHEMA(week_query, S_DATE("from", 0));

/* The company's week from `from` (today when absent): for each day the bookings still waiting for a
 * worker, and for each worker with a booking that week (cancelled and no-shows left out) their
 * bookings, so a dispatcher sees who is full and who is free. */
void api_dispatch_week(struct req *r)
{
	int64_t from = time_today();
	if (req_qstr(r, "from"))
		parse_date(req_qstr(r, "from"), &from);
	int64_t company = r->user.org_id, lo = time_day_start(from), hi = time_day_start(from + 7);
	struct jw *w = req_jw(r);
	char date[11];
	jw_obj(w);
	time_format_date(from, date);
	jw_kstr(w, "from", date);
	jw_key(w, "days");
	jw_arr(w);
	for (int d = 0; d < 7; d++) {
		int64_t n = 0;
		struct stmt *st = store_sql(r->store, "SELECT count(*) FROM bookings WHERE company_id = $1 AND start_at >= $2"
						      " AND start_at < $3 AND status = 'requested' AND worker_id IS NULL");
		stmt_bind_int(st, 1, company);
		stmt_bind_int(st, 2, time_day_start(from + d));
		stmt_bind_int(st, 3, time_day_start(from + d + 1));
		if (stmt_one_int(st, &n) != AJ_OK)
			n = 0;
		time_format_date(from + d, date);
		jw_obj(w);
		jw_kstr(w, "date", date);
		jw_kint(w, "unassigned", n);
		jw_obj_end(w);
	}
	jw_arr_end(w);
	jw_key(w, "workers");
	jw_arr(w);
	struct stmt *st = store_sql(r->store,
		"SELECT w.id, w.name, w.level, b.id, b.start_at, b.end_at, b.status, c.code, c.name_zh, c.name_en"
		" FROM bookings b JOIN workers w ON w.id = b.worker_id JOIN categories c ON c.id = b.category_id"
		" WHERE b.company_id = $1 AND b.start_at >= $2 AND b.start_at < $3 AND b.status NOT IN ('cancelled', 'no_show')"
		" ORDER BY w.name, w.id, b.start_at");
	stmt_bind_int(st, 1, company);
	stmt_bind_int(st, 2, lo);
	stmt_bind_int(st, 3, hi);
	int64_t current = 0;
	int rc;
	while ((rc = stmt_step(st)) == STORE_ROW) {
		if (stmt_int(st, 0) != current) {
			if (current) {
				jw_arr_end(w);
				jw_obj_end(w);
			}
			current = stmt_int(st, 0);
			jw_obj(w);
			jw_kint(w, "id", current);
			jw_kstr(w, "name", stmt_text(st, 1));
			jw_kstr(w, "level", stmt_text(st, 2));
			jw_key(w, "bookings");
			jw_arr(w);
		}
		jw_obj(w);
		jw_kint(w, "id", stmt_int(st, 3));
		jw_ktime(w, "start", stmt_int(st, 4));
		jw_ktime(w, "end", stmt_int(st, 5));
		jw_kstr(w, "status", stmt_text(st, 6));
		jw_key(w, "category");
		jw_obj(w);
		jw_kstr(w, "code", stmt_text(st, 7));
		jw_kstr(w, "name_zh", stmt_text(st, 8));
		jw_kstr(w, "name_en", stmt_text(st, 9));
		jw_obj_end(w);
		jw_obj_end(w);
	}
	stmt_done(st);
	if (current) {
		jw_arr_end(w);
		jw_obj_end(w);
	}
	jw_arr_end(w);
	jw_obj_end(w);
	if (rc < 0) {
		req_fail(r, rc);
		return;
	}
	req_send(r, 200);
}

/* ---- a customer on the telephone ---- */

/* the number asked travels in the body, never in a URL or an access log line */
SCHEMA(dispatch_customers_search, S_STR("phone", F_NULL, 11, 11), S_STR("q", F_NULL, 1, 50));
SCHEMA(dispatch_customer_body, S_STR("name", F_REQ, 1, 50), S_STR("contact_phone", F_REQ, 11, 11));

/* the most customers one look-up answers */
#define CALLERS_LISTED 10

/* The company's own customers — those it has served or registered on the telephone — who booked
 * with it from the number asked, or whose name holds q: never anyone else's. Each one found is in
 * the access log. */
void api_dispatch_customers_find(struct req *r)
{
	const char *phone = req_str(r, "phone"), *q = req_str(r, "q");
	if (!phone && !q) {
		req_error(r, 400, "missing_parameter", "phone");
		return;
	}
	if (phone && !phone_valid(phone)) {
		req_error(r, 400, "invalid_phone", "phone");
		return;
	}
	int64_t company = r->user.org_id, found[CALLERS_LISTED];
	int n = 0;
	struct stmt *st;
	if (phone) {
		/* the company's own bookings made from that number, by its look-up hash */
		char hash[KEYS_HASH_LEN];
		phone_index_hash(phone, hash);
		int rc = phone_index_catch_up(r->store);
		if (rc) {
			req_fail(r, rc);
			return;
		}
		st = store_sql(r->store, "SELECT customer_id, max(id) FROM bookings WHERE company_id = $1 AND contact_phone_hash = $2"
					 " GROUP BY customer_id ORDER BY max(id) DESC LIMIT $3");
		stmt_bind_int(st, 1, company);
		stmt_bind_text(st, 2, hash);
		stmt_bind_int(st, 3, CALLERS_LISTED);
		while (n < CALLERS_LISTED && stmt_step(st) == STORE_ROW)
			found[n++] = stmt_int(st, 0);
		stmt_done(st);
	} else {
		st = store_sql(r->store, "SELECT u.id FROM users u WHERE u.role = 'customer' AND u.status = 'active'"
					 " AND strpos(u.name, $2) > 0 AND (u.registered_by = $1 OR EXISTS (SELECT 1 FROM bookings b"
					 " WHERE b.customer_id = u.id AND b.company_id = $1)) ORDER BY u.id LIMIT $3");
		stmt_bind_int(st, 1, company);
		stmt_bind_text(st, 2, q);
		stmt_bind_int(st, 3, CALLERS_LISTED);
		while (n < CALLERS_LISTED && stmt_step(st) == STORE_ROW)
			found[n++] = stmt_int(st, 0);
		stmt_done(st);
	}
	struct access_entry e[CALLERS_LISTED];
	struct jw *w = req_jw(r);
	jw_obj(w);
	jw_key(w, "items");
	jw_arr(w);
	for (int i = 0; i < n; i++) {
		st = store_sql(r->store, "SELECT u.name, (SELECT count(*) FROM bookings b WHERE b.customer_id = u.id"
					 " AND b.company_id = $2), (SELECT coalesce(max(b.start_at), 0) FROM bookings b"
					 " WHERE b.customer_id = u.id AND b.company_id = $2) FROM users u WHERE u.id = $1");
		stmt_bind_int(st, 1, found[i]);
		stmt_bind_int(st, 2, company);
		if (stmt_step(st) == STORE_ROW) {
			jw_obj(w);
			jw_kint(w, "id", found[i]);
			jw_kstr(w, "name", stmt_text(st, 0));
			jw_kint(w, "bookings_with_us", stmt_int(st, 1));
			jw_ktime(w, "last_booking_at", stmt_int(st, 2));
			jw_obj_end(w);
		}
		stmt_done(st);
		e[i] = (struct access_entry){"customer", found[i], "contact_phone"};
	}
	jw_arr_end(w);
	jw_obj_end(w);
	if (n)
		access_record_req(r, e, n, phone ? "dispatch_phone_lookup" : "dispatch_name_lookup");
	req_send(r, 200);
}

/* Registers a customer who phoned and has no account: the company's to book for, with a set-up
 * code (shown once) the dispatcher reads out, with which the customer chooses their password. */
void api_dispatch_customers_create(struct req *r)
{
	const char *phone = req_str(r, "contact_phone");
	if (!phone_valid(phone)) {
		req_error(r, 400, "invalid_phone", "contact_phone");
		return;
	}
	/* a login of its own: "c" and ten letters and digits, tried again on the rare clash */
	char login[16], code[ONETIME_CODE_LEN];
	int64_t id = 0, expires = 0;
	struct actor a = req_actor(r);
	struct fault f = {0};
	int rc = AJ_ECONFLICT;
	for (int tries = 0; tries < 5 && rc == AJ_ECONFLICT; tries++) {
		static const char alphabet[] = "abcdefghjkmnpqrstuvwxyz23456789";
		login[0] = 'c';
		for (int i = 1; i <= 10; i++)
			login[i] = alphabet[randombytes_uniform(sizeof alphabet - 1)];
		login[11] = '\0';
		struct user_in in = {login, req_str(r, "name"), ROLE_CUSTOMER, 0, NULL, 0, r->user.org_id};
		f = (struct fault){0};
		rc = user_create_with_code(r->store, &a, &in, &id, code, &expires, &f);
	}
	if (rc) {
		req_fault(r, rc, &f);
		return;
	}
	struct jw *w = req_jw(r);
	jw_obj(w);
	jw_kint(w, "id", id);
	jw_kstr(w, "login", login);
	jw_kstr(w, "name", req_str(r, "name"));
	jw_kstr(w, "contact_phone", phone);
	jw_kstr(w, "setup_code", code);
	jw_ktime(w, "setup_expires_at", expires);
	jw_obj_end(w);
	req_send(r, 201);
}
