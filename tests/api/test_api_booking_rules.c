/* What a booking costs and how its time is counted, through the API on the demo industry: the fee
 * is the unit price times the hours or days booked, a month is asked for and not booked by the hour,
 * a check-out before the end needs its reason and is not on time, and scores are 1 to 5 in the store
 * itself. */
#include "harness.h"

#include "privacy/retention.h"
#include "services/bookings.h"
#include "util/clock.h"
#include "util/timefmt.h"

static struct harness H;
static char co1[TOKEN_LEN], worker1[TOKEN_LEN], cust[TOKEN_LEN];
static int64_t w1, co1_id;
static int64_t hour_item, hour_price, day_item, day_price, month_item; /* company1's, in worker1's trade where it can */

static struct resp *call(const char *method, const char *path, const char *token, const char *body)
{
	return h_api(&H, method, path, token, body);
}

#define ok(method, path, token, body, status) h_ok(&H, method, path, token, body, status)
#define iso h_iso
#define day_at h_day_at

/* A sum that changes with any booking written or moved. */
static int64_t bookings_sum(void)
{
	int64_t n = 0;
	stmt_one_int(store_sql(H.store, "SELECT count(*) + coalesce(sum(length(status) + price_fen + coalesce(left_early, 0)),"
					" 0) FROM bookings"), &n);
	return n;
}

/* Asserts a refusal, and that nothing was written. */
static void refused(const char *method, const char *path, const char *token, const char *body, int status,
		    const char *code)
{
	h_refused(&H, bookings_sum, method, path, token, body, status, code);
}

static void at(int64_t t)
{
	clock_set(t);
	h_login(&H, "company1", co1, NULL);
	h_login(&H, "worker1", worker1, NULL);
	h_login(&H, "customer1", cust, NULL);
}

/* t as a query parameter: the offset's + escaped */
static const char *qiso(int64_t t)
{
	static char buf[4][TIME_ISO_LEN + 4];
	static int k;
	char *b = buf[k++ % 4], *p;
	time_format_iso(t, b);
	if ((p = strchr(b, '+')) != NULL) {
		memmove(p + 3, p + 1, strlen(p + 1) + 1);
		memcpy(p, "%2B", 3);
	}
	return b;
}


static const char *book_body(int64_t item, int64_t start, int64_t end, int64_t worker)
{
	static char body[512], with[48];
	snprintf(with, sizeof with, ",\"worker_id\":%lld", (long long)worker);
	snprintf(body, sizeof body, "{\"service_item_id\":%lld,\"start\":\"%s\",\"end\":\"%s\","
				    "\"address\":\"杭州市西湖区文三路 90 号 3 幢 201 室\",\"contact_phone\":\"13905710088\"%s}",
		 (long long)item, iso(start), iso(end), worker ? with : "");
	return body;
}

/* The first active item of unit: company1's in worker1's trade (worker_trade), or anyone's. */
static int64_t item_of(const char *unit, int64_t *price, int worker_trade)
{
	struct stmt *st = store_sql(H.store,
		"SELECT si.id, si.price_fen FROM service_items si JOIN categories c ON c.id = si.category_id"
		" WHERE si.unit = $2 AND si.active = 1 AND ($3 = 0 OR (si.company_id = $1 AND c.trade IN"
		" (SELECT trade FROM worker_trades WHERE worker_id = $4))) ORDER BY si.id LIMIT 1");
	stmt_bind_int(st, 1, co1_id);
	stmt_bind_text(st, 2, unit);
	stmt_bind_int(st, 3, worker_trade);
	stmt_bind_int(st, 4, w1);
	int64_t id = 0;
	if (stmt_step(st) == STORE_ROW) {
		id = stmt_int(st, 0);
		if (price)
			*price = stmt_int(st, 1);
	}
	stmt_done(st);
	return id;
}

static int setup(void **state)
{
	(void)state;
	h_open_demo(&H, 60);
	at(0);
	struct resp *r = ok("GET", "/api/me/worker", worker1, NULL, 200);
	w1 = resp_int(r, "id");
	co1_id = resp_int(r, "company.id");
	resp_free(r);
	/* these tests book many workers for one customer: the hold limit has its own test */
	char admin[TOKEN_LEN];
	h_login(&H, "admin", admin, NULL);
	resp_free(ok("PATCH", "/api/standards", admin, "{\"live_named_bookings_max\":50}", 200));
	hour_item = item_of("hour", &hour_price, 1);
	day_item = item_of("day", &day_price, 0);
	month_item = item_of("month", NULL, 0);
	assert_true(hour_item && day_item && month_item);
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	h_close(&H);
	return 0;
}

static void test_fee(void **state)
{
	(void)state;
	/* three hours at the hourly price: three times the price, shown with its parts */
	int64_t start = day_at(5, 9);
	struct resp *r = ok("POST", "/api/bookings", cust, book_body(hour_item, start, start + 3 * 3600, 0), 201);
	assert_int_equal(resp_int(r, "price_fen"), 3 * hour_price);
	assert_int_equal(resp_int(r, "unit_price_fen"), hour_price);
	assert_int_equal(resp_int(r, "quantity_centi"), 300);
	assert_string_equal(resp_str(r, "unit"), "hour");
	resp_free(r);
	/* two and a half hours */
	r = ok("POST", "/api/bookings", cust, book_body(hour_item, start + 4 * 3600, start + 6 * 3600 + 1800, 0), 201);
	assert_int_equal(resp_int(r, "price_fen"), (hour_price * 250 + 50) / 100);
	resp_free(r);
	/* three days of a day item: 08:00 to 18:00 on each */
	int64_t d = day_at(8, 8);
	r = ok("POST", "/api/bookings", cust, book_body(day_item, d, d + 2 * 86400 + 10 * 3600, 0), 201);
	assert_int_equal(resp_int(r, "price_fen"), 3 * day_price);
	assert_int_equal(resp_int(r, "quantity_centi"), 300);
	resp_free(r);
	/* the quote says the same before anything is booked, to anyone */
	char path[256];
	snprintf(path, sizeof path, "/api/public/quote?service_item_id=%lld&start=%s&end=%s", (long long)hour_item,
		 qiso(start), qiso(start + 3 * 3600));
	int64_t before = h_writes(&H);
	r = ok("GET", path, NULL, NULL, 200);
	assert_int_equal(resp_int(r, "price_fen"), 3 * hour_price);
	assert_int_equal(resp_int(r, "quantity_centi"), 300);
	resp_free(r);
	assert_int_equal(h_writes(&H), before);
	snprintf(path, sizeof path, "/api/public/quote?service_item_id=%lld&start=%s&end=%s", (long long)month_item,
		 qiso(start), qiso(start + 2 * 3600));
	h_expect(call("GET", path, NULL, NULL), 422, "month_by_request");

	/* not whole or half hours, too long, a month by the hour */
	refused("POST", "/api/bookings", cust, book_body(hour_item, start, start + 2 * 3600 + 600, 0), 422,
		"not_whole_hours");
	refused("POST", "/api/bookings", cust, book_body(hour_item, start, start + 13 * 3600, 0), 422, "period_too_long");
	refused("POST", "/api/bookings", cust, book_body(hour_item, start, start + 1800, 0), 422, "period_too_short");
	refused("POST", "/api/bookings", cust, book_body(month_item, start, start + 2 * 3600, 0), 422, "month_by_request");
	refused("POST", "/api/bookings", cust, book_body(day_item, d, d + 40 * 86400, 0), 422, "period_too_long");
}

/* The answers to every item of a phase, as a move's body (extra: more members). */
static const char *answers(int64_t booking, const char *phase, const char *key, const char *value, const char *extra)
{
	static char body[4096];
	char path[64];
	snprintf(path, sizeof path, "/api/bookings/%lld", (long long)booking);
	struct resp *r = ok("GET", path, co1, NULL, 200);
	json_t *a = json_object_get(json_object_get(r->json, "checklist"), phase);
	size_t n = (size_t)snprintf(body, sizeof body, "{\"items\":[");
	for (size_t i = 0; i < json_array_size(a); i++)
		n += (size_t)snprintf(body + n, sizeof body - n, "%s{\"item_id\":%lld,\"%s\":%s}", i ? "," : "",
				      (long long)json_integer_value(json_object_get(json_array_get(a, i), "item_id")), key,
				      value);
	snprintf(body + n, sizeof body - n, "]%s}", extra ? extra : "");
	resp_free(r);
	return body;
}

static void figures(int64_t *checked_in, int64_t *on_time, int month)
{
	struct stmt *st = store_sql(H.store, "SELECT coalesce(sum(checked_in), 0), coalesce(sum(on_time), 0)"
					     " FROM monthly_figures WHERE subject = 'worker' AND subject_id = $1 AND month = $2");
	stmt_bind_int(st, 1, w1);
	stmt_bind_int(st, 2, month);
	assert_int_equal(stmt_step(st), STORE_ROW);
	*checked_in = stmt_int(st, 0);
	*on_time = stmt_int(st, 1);
	stmt_done(st);
}

static void test_time_on_the_job(void **state)
{
	(void)state;
	/* a 07:30–10:30 job in three days */
	int64_t start = day_at(3, 7) + 1800, end = start + 3 * 3600;
	struct resp *r = ok("POST", "/api/bookings", cust, book_body(hour_item, start, end, w1), 201);
	int64_t id = resp_int(r, "id");
	resp_free(r);
	char path[96], body[128];
	snprintf(path, sizeof path, "/api/bookings/%lld/confirm", (long long)id);
	resp_free(ok("POST", path, worker1, answers(id, "pre", "done", "true", NULL), 200));

	/* in 45 minutes early, out 17 seconds later */
	at(start - 45 * 60);
	int64_t in0, ot0, in1, ot1;
	figures(&in0, &ot0, time_month(clock_now()));
	snprintf(path, sizeof path, "/api/bookings/%lld/checkin", (long long)id);
	resp_free(ok("POST", path, worker1, NULL, 200));
	at(start - 45 * 60 + 17);
	snprintf(path, sizeof path, "/api/bookings/%lld/checkout", (long long)id);
	refused("POST", path, worker1, answers(id, "in", "result", "\"pass\"", NULL), 422, "left_early_reason_required");
	snprintf(body, sizeof body, ",\"reason\":\"客户临时有事\"");
	r = ok("POST", path, worker1, answers(id, "in", "result", "\"pass\"", body), 200);
	assert_string_equal(resp_str(r, "status"), "completed");
	assert_true(json_is_true(json_object_get(r->json, "left_early")));
	assert_string_equal(resp_str(r, "left_early_reason"), "客户临时有事");
	assert_false(json_is_true(json_object_get(r->json, "late")));
	/* served from the booked start: nothing */
	assert_int_equal(resp_int(r, "served_minutes"), 0);
	resp_free(r);
	/* nothing counts before the customer says it happened */
	figures(&in1, &ot1, time_month(clock_now()));
	assert_int_equal(in1, in0);
	assert_int_equal(ot1, ot0);
	snprintf(path, sizeof path, "/api/bookings/%lld/confirm-service", (long long)id);
	resp_free(ok("POST", path, cust, "{\"happened\":true}", 200));
	/* checked in, but not on time: the month's punctuality counts it honestly */
	figures(&in1, &ot1, time_month(clock_now()));
	assert_int_equal(in1, in0 + 1);
	assert_int_equal(ot1, ot0);

	/* a job done in full, the worker 20 minutes early: on time, served from the booked start */
	at(0);
	start = day_at(4, 7) + 1800;
	end = start + 3 * 3600;
	r = ok("POST", "/api/bookings", cust, book_body(hour_item, start, end, w1), 201);
	id = resp_int(r, "id");
	resp_free(r);
	snprintf(path, sizeof path, "/api/bookings/%lld/confirm", (long long)id);
	resp_free(ok("POST", path, worker1, answers(id, "pre", "done", "true", NULL), 200));
	at(start - 20 * 60);
	figures(&in0, &ot0, time_month(clock_now()));
	snprintf(path, sizeof path, "/api/bookings/%lld/checkin", (long long)id);
	resp_free(ok("POST", path, worker1, NULL, 200));
	/* within the tolerance of the end: no reason needed; the code the customer's booking shows says
	 * the service happened */
	at(end - 10 * 60);
	snprintf(path, sizeof path, "/api/bookings/%lld", (long long)id);
	r = ok("GET", path, cust, NULL, 200);
	snprintf(body, sizeof body, ",\"code\":\"%s\"", resp_str(r, "service_code"));
	resp_free(r);
	snprintf(path, sizeof path, "/api/bookings/%lld/checkout", (long long)id);
	r = ok("POST", path, worker1, answers(id, "in", "result", "\"pass\"", body), 200);
	assert_string_equal(resp_str(r, "evidence.via"), "code");
	assert_false(json_is_true(json_object_get(r->json, "left_early")));
	assert_int_equal(resp_int(r, "served_minutes"), 170);
	resp_free(r);
	figures(&in1, &ot1, time_month(clock_now()));
	assert_int_equal(in1, in0 + 1);
	assert_int_equal(ot1, ot0 + 1);
	at(0);
}

/* A month item is asked of its company: the start, months, needs and a number to call. */
static void test_month_by_request(void **state)
{
	(void)state;
	char body[512], from[11], path[96], co[TOKEN_LEN], other[TOKEN_LEN];
	time_format_date(time_today() + 30, from);
	int64_t company = 0;
	struct stmt *st = store_sql(H.store, "SELECT company_id FROM service_items WHERE id = $1");
	stmt_bind_int(st, 1, month_item);
	assert_int_equal(stmt_one_int(st, &company), 0);
	/* a login of the item's company, and one of another */
	st = store_sql(H.store, "SELECT login FROM users WHERE org_id = $1 AND role = 'company_admin' ORDER BY id LIMIT 1");
	stmt_bind_int(st, 1, company);
	assert_int_equal(stmt_step(st), STORE_ROW);
	char login[64];
	snprintf(login, sizeof login, "%s", stmt_text(st, 0));
	stmt_done(st);
	h_login(&H, login, co, NULL);
	h_login(&H, company == co1_id ? "company2" : "company1", other, NULL);

	/* refused: no number, an hourly item, a start in the past; nothing written */
	snprintf(body, sizeof body, "{\"service_item_id\":%lld,\"wanted_from\":\"%s\",\"months\":2,"
				    "\"needs\":\"预产期前两周入户\"}", (long long)month_item, from);
	refused("POST", "/api/service-requests", cust, body, 400, "missing_field");
	snprintf(body, sizeof body, "{\"service_item_id\":%lld,\"wanted_from\":\"%s\",\"months\":2,"
				    "\"needs\":\"按小时\",\"contact_phone\":\"13905710088\"}", (long long)hour_item, from);
	refused("POST", "/api/service-requests", cust, body, 422, "not_by_request");
	snprintf(body, sizeof body, "{\"service_item_id\":%lld,\"wanted_from\":\"2020-01-01\",\"months\":2,"
				    "\"needs\":\"预产期前两周入户\",\"contact_phone\":\"13905710088\"}", (long long)month_item);
	refused("POST", "/api/service-requests", cust, body, 422, "start_in_past");
	refused("POST", "/api/service-requests", co, body, 403, "forbidden");

	snprintf(body, sizeof body, "{\"service_item_id\":%lld,\"wanted_from\":\"%s\",\"due_date\":\"%s\","
				    "\"months\":2,\"needs\":\"预产期前两周入户，需要会做月子餐\",\"contact_phone\":\"13905710088\"}",
		 (long long)month_item, from, from);
	struct resp *r = ok("POST", "/api/service-requests", cust, body, 201);
	int64_t id = resp_int(r, "id");
	assert_string_equal(resp_str(r, "status"), "open");
	assert_string_equal(resp_str(r, "contact_phone"), "13905710088");
	assert_int_equal(resp_int(r, "months"), 2);
	resp_free(r);
	/* sealed in the store */
	st = store_sql(H.store, "SELECT count(*) FROM service_requests WHERE contact_phone_sealed LIKE '%13905710088%'");
	int64_t clear = 1;
	assert_int_equal(stmt_one_int(st, &clear), 0);
	assert_int_equal(clear, 0);
	/* the company sees it in its list; another company does not, nor may it answer */
	r = ok("GET", "/api/service-requests?status=open", co, NULL, 200);
	assert_true(resp_int(r, "total") >= 1);
	/* a list carries no telephone; the request opened does */
	assert_true(json_is_null(json_object_get(json_array_get(json_object_get(r->json, "items"), 0), "contact_phone")));
	resp_free(r);
	r = ok("GET", "/api/service-requests", other, NULL, 200);
	for (size_t i = 0; i < json_array_size(json_object_get(r->json, "items")); i++)
		assert_int_not_equal(json_integer_value(json_object_get(json_array_get(json_object_get(r->json, "items"), i), "id")), id);
	resp_free(r);
	snprintf(path, sizeof path, "/api/service-requests/%lld", (long long)id);
	r = ok("GET", path, co, NULL, 200);
	assert_string_equal(resp_str(r, "contact_phone"), "13905710088");
	resp_free(r);
	h_expect(call("GET", path, other, NULL), 404, "not_found");
	h_expect(call("GET", path, worker1, NULL), 403, "forbidden");
	snprintf(path, sizeof path, "/api/service-requests/%lld/answer", (long long)id);
	refused("POST", path, other, "{\"decision\":\"accepted\",\"answer\":\"明天联系您\"}", 404, "not_found");
	refused("POST", path, cust, "{\"decision\":\"accepted\",\"answer\":\"明天联系您\"}", 403, "forbidden");
	refused("POST", path, co, "{\"decision\":\"maybe\",\"answer\":\"明天联系您\"}", 400, "invalid_value");
	/* answered: the customer is told, and it cannot be answered twice or withdrawn after */
	r = ok("POST", path, co, "{\"decision\":\"accepted\",\"answer\":\"明天上午致电，安排面试\"}", 200);
	assert_string_equal(resp_str(r, "status"), "accepted");
	assert_string_equal(resp_str(r, "contact_phone"), "13905710088");
	resp_free(r);
	refused("POST", path, co, "{\"decision\":\"declined\",\"answer\":\"改主意了\"}", 409, "invalid_transition");
	snprintf(path, sizeof path, "/api/service-requests/%lld/withdraw", (long long)id);
	refused("POST", path, cust, NULL, 409, "invalid_transition");
	st = store_sql(H.store, "SELECT count(*) FROM outbox WHERE subject_kind = 'service_request' AND subject_id = $1");
	stmt_bind_int(st, 1, id);
	int64_t notices = 0;
	assert_int_equal(stmt_one_int(st, &notices), 0);
	assert_int_equal(notices, 2);
	/* in the customer's copy of their data */
	r = ok("GET", "/api/me/data", cust, NULL, 200);
	json_t *mine = json_object_get(r->json, "service_requests");
	int listed = 0;
	for (size_t i = 0; i < json_array_size(mine); i++)
		listed |= json_integer_value(json_object_get(json_array_get(mine, i), "id")) == id;
	assert_true(listed);
	resp_free(r);
	/* the number to call goes as a booking's does, the standard's days after the answer */
	struct retention_report rr;
	assert_int_equal(retention_run(H.store, clock_now() + 179 * 86400, &rr), 0);
	assert_int_equal(rr.service_requests, 0);
	assert_int_equal(retention_run(H.store, clock_now() + 181 * 86400, &rr), 0);
	assert_true(rr.service_requests >= 1);
	st = store_sql(H.store, "SELECT count(*) FROM service_requests WHERE id = $1 AND contact_phone_sealed IS NULL");
	stmt_bind_int(st, 1, id);
	int64_t gone = 0;
	assert_int_equal(stmt_one_int(st, &gone), 0);
	assert_int_equal(gone, 1);
}

/* Whether worker id is among a candidates answer's items. */
static int offered(const struct resp *r, int64_t id)
{
	json_t *items = json_object_get(r->json, "items");
	for (size_t i = 0; i < json_array_size(items); i++)
		if (json_integer_value(json_object_get(json_array_get(items, i), "id")) == id)
			return 1;
	return 0;
}

/* The dispatcher's list offers only free workers who may serve; a booking moves under the same
 * rules, by its customer (the time) or its company (the time and the worker). */
static void test_candidates_and_reschedule(void **state)
{
	(void)state;
	int64_t start = day_at(6, 9), end = start + 3 * 3600;
	struct resp *r = ok("POST", "/api/bookings", cust, book_body(hour_item, start, end, 0), 201);
	int64_t id = resp_int(r, "id");
	resp_free(r);
	char path[128], body[512];
	snprintf(path, sizeof path, "/api/bookings/%lld/candidates", (long long)id);
	r = ok("GET", path, co1, NULL, 200);
	assert_true(offered(r, w1));
	json_t *items = json_object_get(r->json, "items");
	assert_true(json_array_size(items) > 0);
	/* each one of the company, of the trade, may serve then */
	for (size_t i = 0; i < json_array_size(items); i++) {
		int64_t wid = json_integer_value(json_object_get(json_array_get(items, i), "id"));
		struct stmt *st = store_sql(H.store, "SELECT count(*) FROM workers w JOIN worker_trades t ON t.worker_id = w.id"
						     " JOIN bookings b ON b.id = $2 AND b.trade = t.trade WHERE w.id = $1 AND w.company_id = $3");
		stmt_bind_int(st, 1, wid);
		stmt_bind_int(st, 2, id);
		stmt_bind_int(st, 3, co1_id);
		int64_t n = 0;
		assert_int_equal(stmt_one_int(st, &n), 0);
		assert_int_equal(n, 1);
		assert_string_not_equal(json_string_value(json_object_get(json_array_get(items, i), "colour")), "red");
	}
	/* searched by name */
	char name[64];
	snprintf(name, sizeof name, "%s", json_string_value(json_object_get(json_array_get(items, 0), "name")));
	int64_t busy0 = resp_int(r, "left_out.busy");
	resp_free(r);
	/* worker1 busy in the window: no longer offered, and counted as busy */
	r = ok("POST", "/api/bookings", cust, book_body(hour_item, start + 3600, start + 2 * 3600, w1), 201);
	int64_t other = resp_int(r, "id");
	resp_free(r);
	r = ok("GET", path, co1, NULL, 200);
	assert_false(offered(r, w1));
	assert_int_equal(resp_int(r, "left_out.busy"), busy0 + 1);
	resp_free(r);
	char q[320], enc[180] = "";
	for (const unsigned char *p = (const unsigned char *)name; *p; p++)
		snprintf(enc + strlen(enc), sizeof enc - strlen(enc), "%%%02X", *p);
	snprintf(q, sizeof q, "%s?q=%s", path, enc);
	r = ok("GET", q, co1, NULL, 200);
	items = json_object_get(r->json, "items");
	assert_true(json_array_size(items) >= 1);
	for (size_t i = 0; i < json_array_size(items); i++)
		assert_non_null(strstr(json_string_value(json_object_get(json_array_get(items, i), "name")), name));
	resp_free(r);
	h_expect(call("GET", path, cust, NULL), 403, "forbidden");
	char co2[TOKEN_LEN];
	h_login(&H, "company2", co2, NULL);
	h_expect(call("GET", path, co2, NULL), 404, "not_found");

	/* the customer moves the other booking to the afternoon, for two hours: the fee follows */
	snprintf(path, sizeof path, "/api/bookings/%lld/reschedule", (long long)other);
	snprintf(body, sizeof body, "{\"start\":\"%s\",\"end\":\"%s\",\"reason\":\"上午有事\"}", iso(start + 5 * 3600),
		 iso(start + 7 * 3600));
	r = ok("POST", path, cust, body, 200);
	assert_string_equal(resp_str(r, "status"), "requested");
	assert_int_equal(resp_int(r, "worker.id"), w1);
	assert_int_equal(resp_int(r, "price_fen"), 2 * hour_price);
	assert_non_null(strstr(r->body, "\"action\":\"reschedule\""));
	resp_free(r);
	/* worker1 is free again in the morning */
	snprintf(path, sizeof path, "/api/bookings/%lld/candidates", (long long)id);
	r = ok("GET", path, co1, NULL, 200);
	assert_true(offered(r, w1));
	resp_free(r);
	/* the company moves the first booking onto worker1's afternoon: busy, nothing written */
	snprintf(path, sizeof path, "/api/bookings/%lld/reschedule", (long long)id);
	snprintf(body, sizeof body, "{\"start\":\"%s\",\"end\":\"%s\",\"worker_id\":%lld,\"reason\":\"客户来电改期\"}",
		 iso(start + 5 * 3600), iso(start + 8 * 3600), (long long)w1);
	refused("POST", path, co1, body, 409, "worker_busy");
	/* the customer may not name the worker; nor move it into the past, or by a bad window */
	refused("POST", path, cust, body, 403, "forbidden");
	snprintf(body, sizeof body, "{\"start\":\"%s\",\"end\":\"%s\",\"reason\":\"改期\"}", iso(day_at(-1, 9)),
		 iso(day_at(-1, 11)));
	refused("POST", path, cust, body, 422, "start_in_past");
	snprintf(body, sizeof body, "{\"start\":\"%s\",\"end\":\"%s\",\"reason\":\"改期\"}", iso(start),
		 iso(start + 3600 + 600));
	refused("POST", path, cust, body, 422, "not_whole_hours");
	refused("POST", path, co2, body, 404, "not_found");
	/* the company moves it to worker1 in the morning, who is free there now */
	snprintf(body, sizeof body, "{\"start\":\"%s\",\"end\":\"%s\",\"worker_id\":%lld,\"reason\":\"客户来电改期\"}",
		 iso(start), iso(start + 3 * 3600), (long long)w1);
	r = ok("POST", path, co1, body, 200);
	assert_int_equal(resp_int(r, "worker.id"), w1);
	resp_free(r);
	/* a confirmed booking moved goes back to the worker to confirm */
	snprintf(path, sizeof path, "/api/bookings/%lld/confirm", (long long)id);
	resp_free(ok("POST", path, worker1, answers(id, "pre", "done", "true", NULL), 200));
	snprintf(path, sizeof path, "/api/bookings/%lld/reschedule", (long long)id);
	snprintf(body, sizeof body, "{\"start\":\"%s\",\"end\":\"%s\",\"reason\":\"推迟一天\"}", iso(start + 86400),
		 iso(start + 86400 + 3 * 3600));
	r = ok("POST", path, cust, body, 200);
	assert_string_equal(resp_str(r, "status"), "requested");
	assert_true(json_is_null(json_object_get(r->json, "confirmed_at")));
	resp_free(r);
}

/* The board's other views: what waits for a worker across days, and the week by worker. */
static void test_unassigned_and_week(void **state)
{
	(void)state;
	int64_t start = day_at(12, 9);
	struct resp *r = ok("POST", "/api/bookings", cust, book_body(hour_item, start, start + 2 * 3600, 0), 201);
	int64_t waiting = resp_int(r, "id");
	resp_free(r);
	r = ok("POST", "/api/bookings", cust, book_body(hour_item, start + 3 * 3600, start + 5 * 3600, w1), 201);
	int64_t placed = resp_int(r, "id");
	resp_free(r);
	char path[128];
	snprintf(path, sizeof path, "/api/bookings?unassigned=true&from=%s&per_page=100", qiso(start - 3600));
	r = ok("GET", path, co1, NULL, 200);
	int seen = 0;
	json_t *items = json_object_get(r->json, "items");
	for (size_t i = 0; i < json_array_size(items); i++) {
		json_t *b = json_array_get(items, i);
		assert_true(json_is_null(json_object_get(b, "worker")));
		assert_string_equal(json_string_value(json_object_get(b, "status")), "requested");
		assert_int_not_equal(json_integer_value(json_object_get(b, "id")), placed);
		seen |= json_integer_value(json_object_get(b, "id")) == waiting;
	}
	assert_true(seen);
	resp_free(r);
	h_expect(call("GET", "/api/bookings?unassigned=maybe", co1, NULL), 400, "invalid_parameter");

	char from[11];
	time_format_date(time_today() + 12, from);
	snprintf(path, sizeof path, "/api/dispatch/week?from=%s", from);
	r = ok("GET", path, co1, NULL, 200);
	assert_int_equal(json_array_size(json_object_get(r->json, "days")), 7);
	assert_true(json_integer_value(json_object_get(json_array_get(json_object_get(r->json, "days"), 0), "unassigned")) >= 1);
	json_t *workers = json_object_get(r->json, "workers");
	int found = 0;
	for (size_t i = 0; i < json_array_size(workers); i++) {
		json_t *w = json_array_get(workers, i);
		json_t *bs = json_object_get(w, "bookings");
		for (size_t k = 0; k < json_array_size(bs); k++)
			if (json_integer_value(json_object_get(json_array_get(bs, k), "id")) == placed) {
				found = 1;
				assert_int_equal(json_integer_value(json_object_get(w, "id")), w1);
			}
	}
	assert_true(found);
	resp_free(r);
	/* a company sees its own week only: company2's has none of company1's workers */
	char co2[TOKEN_LEN];
	h_login(&H, "company2", co2, NULL);
	r = ok("GET", path, co2, NULL, 200);
	workers = json_object_get(r->json, "workers");
	for (size_t i = 0; i < json_array_size(workers); i++)
		assert_int_not_equal(json_integer_value(json_object_get(json_array_get(workers, i), "id")), w1);
	resp_free(r);
	h_expect(call("GET", path, cust, NULL), 403, "forbidden");
}

/* A customer on the telephone: found among the company's own by number, or registered with a
 * set-up code, then booked for with how they agreed; never another company's customer. */
static void test_booking_for_a_caller(void **state)
{
	(void)state;
	char co2[TOKEN_LEN], body[768], path[128];
	h_login(&H, "company2", co2, NULL);
	int64_t start = day_at(14, 9);
	/* customer1 booked with company1 from 13905710088 */
	resp_free(ok("POST", "/api/bookings", cust, book_body(hour_item, start, start + 2 * 3600, 0), 201));
	struct resp *r = ok("POST", "/api/dispatch/customers/search", co1, "{\"phone\":\"13905710088\"}", 200);
	int64_t customer1 = 0;
	stmt_one_int(store_sql(H.store, "SELECT id FROM users WHERE login = 'customer1'"), &customer1);
	json_t *items = json_object_get(r->json, "items");
	assert_int_equal(json_array_size(items), 1);
	assert_int_equal(json_integer_value(json_object_get(json_array_get(items, 0), "id")), customer1);
	resp_free(r);
	/* the look-up is on the record */
	int64_t logged = 0;
	struct stmt *st = store_sql(H.store, "SELECT count(*) FROM access_log WHERE via = 'dispatch_phone_lookup' AND subject_id = $1");
	stmt_bind_int(st, 1, customer1);
	assert_int_equal(stmt_one_int(st, &logged), 0);
	assert_true(logged >= 1);
	r = ok("POST", "/api/dispatch/customers/search", co1, "{\"phone\":\"13700009999\"}", 200);
	assert_int_equal(json_array_size(json_object_get(r->json, "items")), 0);
	resp_free(r);
	h_expect(call("POST", "/api/dispatch/customers/search", co1, "{\"phone\":\"1390571008x\"}"), 400, "invalid_phone");
	h_expect(call("POST", "/api/dispatch/customers/search", co1, "{}"), 400, "missing_parameter");
	h_expect(call("POST", "/api/dispatch/customers/search", cust, "{\"phone\":\"13905710088\"}"), 403, "forbidden");

	/* a new caller: registered with a set-up code, then booked for on the telephone */
	refused("POST", "/api/dispatch/customers", co1, "{\"name\":\"王阿姨\",\"contact_phone\":\"1370000\"}", 400,
		"too_short");
	r = ok("POST", "/api/dispatch/customers", co1, "{\"name\":\"王阿姨\",\"contact_phone\":\"13700001111\"}", 201);
	int64_t caller = resp_int(r, "id");
	char login[32], code[32];
	snprintf(login, sizeof login, "%s", resp_str(r, "login"));
	snprintf(code, sizeof code, "%s", resp_str(r, "setup_code"));
	resp_free(r);
	snprintf(body, sizeof body, "{\"customer_id\":%lld,\"agreement\":\"phone_call\",\"service_item_id\":%lld,"
				    "\"start\":\"%s\",\"end\":\"%s\",\"address\":\"杭州市拱墅区湖墅南路 88 号 2 幢\","
				    "\"contact_phone\":\"13700001111\"}", (long long)caller, (long long)hour_item, iso(start),
		 iso(start + 3 * 3600));
	refused("POST", "/api/dispatch/bookings", co2, body, 422, "item_not_ours");
	r = ok("POST", "/api/dispatch/bookings", co1, body, 201);
	int64_t id = resp_int(r, "id");
	assert_int_equal(resp_int(r, "customer.id"), caller);
	assert_string_equal(resp_str(r, "agreement"), "phone_call");
	assert_int_equal(resp_int(r, "price_fen"), 3 * hour_price);
	resp_free(r);
	/* found by name now, by company1 only */
	r = ok("POST", "/api/dispatch/customers/search", co1, "{\"q\":\"王阿姨\"}", 200);
	assert_int_equal(json_array_size(json_object_get(r->json, "items")), 1);
	resp_free(r);
	r = ok("POST", "/api/dispatch/customers/search", co2, "{\"q\":\"王阿姨\"}", 200);
	assert_int_equal(json_array_size(json_object_get(r->json, "items")), 0);
	resp_free(r);
	/* company2 may not book for a customer it never served or registered, whatever the item */
	snprintf(body, sizeof body, "{\"customer_id\":%lld,\"agreement\":\"in_person\",\"service_item_id\":%lld,"
				    "\"start\":\"%s\",\"end\":\"%s\",\"address\":\"杭州市拱墅区湖墅南路 88 号 2 幢\","
				    "\"contact_phone\":\"13700001111\"}", (long long)caller, (long long)day_item, iso(start),
		 iso(start + 3 * 3600));
	int64_t day_company = 0;
	st = store_sql(H.store, "SELECT company_id FROM service_items WHERE id = $1");
	stmt_bind_int(st, 1, day_item);
	stmt_one_int(st, &day_company);
	if (day_company != co1_id) {
		char other[TOKEN_LEN], olog[64] = "";
		st = store_sql(H.store, "SELECT login FROM users WHERE org_id = $1 AND role = 'company_admin' ORDER BY id LIMIT 1");
		stmt_bind_int(st, 1, day_company);
		if (stmt_step(st) == STORE_ROW)
			snprintf(olog, sizeof olog, "%s", stmt_text(st, 0));
		stmt_done(st);
		h_login(&H, olog, other, NULL);
		refused("POST", "/api/dispatch/bookings", other, body, 404, "not_found");
	}
	refused("POST", "/api/dispatch/bookings", cust, body, 403, "forbidden");
	/* the customer chooses a password with the code and finds the booking theirs */
	snprintf(body, sizeof body, "{\"login\":\"%s\",\"code\":\"%s\",\"new_password\":\"%s\"}", login, code, H_PASSWORD);
	resp_free(ok("POST", "/api/auth/password-code", NULL, body, 200));
	char caller_token[TOKEN_LEN];
	h_login(&H, login, caller_token, NULL);
	snprintf(path, sizeof path, "/api/bookings/%lld", (long long)id);
	r = ok("GET", path, caller_token, NULL, 200);
	assert_string_equal(resp_str(r, "agreement"), "phone_call");
	resp_free(r);
}

/* The district a booking is served in: a worker already there that day comes first. */
static void test_district(void **state)
{
	(void)state;
	int64_t day = day_at(16, 0);
	char body[768], path[96];
	snprintf(body, sizeof body, "{\"service_item_id\":%lld,\"start\":\"%s\",\"end\":\"%s\",\"address\":\"杭州市西湖区文三路 90 号\","
				    "\"contact_phone\":\"13905710088\",\"worker_id\":%lld,\"district\":\"西湖区\"}",
		 (long long)hour_item, iso(day + 9 * 3600), iso(day + 11 * 3600), (long long)w1);
	struct resp *r = ok("POST", "/api/bookings", cust, body, 201);
	assert_string_equal(resp_str(r, "district"), "西湖区");
	resp_free(r);
	snprintf(body, sizeof body, "{\"service_item_id\":%lld,\"start\":\"%s\",\"end\":\"%s\",\"address\":\"杭州市西湖区文二路 9 号\","
				    "\"contact_phone\":\"13905710077\",\"district\":\"西湖区\"}",
		 (long long)hour_item, iso(day + 14 * 3600), iso(day + 16 * 3600));
	r = ok("POST", "/api/bookings", cust, body, 201);
	int64_t id = resp_int(r, "id");
	resp_free(r);
	snprintf(path, sizeof path, "/api/bookings/%lld/candidates", (long long)id);
	r = ok("GET", path, co1, NULL, 200);
	assert_string_equal(resp_str(r, "district"), "西湖区");
	json_t *items = json_object_get(r->json, "items");
	int seen = 0, others_near = 0;
	for (size_t i = 0; i < json_array_size(items); i++) {
		json_t *c = json_array_get(items, i);
		int near = json_is_true(json_object_get(c, "near"));
		if (json_integer_value(json_object_get(c, "id")) == w1) {
			seen = 1;
			assert_true(near);
			assert_string_equal(json_string_value(json_array_get(json_object_get(c, "day_districts"), 0)), "西湖区");
			/* among the greens, those already in the district come first */
			for (size_t k = 0; k < i; k++) {
				json_t *before = json_array_get(items, k);
				if (strcmp(json_string_value(json_object_get(before, "colour")),
					   json_string_value(json_object_get(c, "colour"))) == 0)
					assert_true(json_is_true(json_object_get(before, "near")));
			}
		} else {
			others_near += near;
		}
	}
	assert_true(seen);
	(void)others_near;
	resp_free(r);
	snprintf(body, sizeof body, "{\"service_item_id\":%lld,\"start\":\"%s\",\"end\":\"%s\",\"address\":\"杭州市西湖区文二路 9 号\","
				    "\"contact_phone\":\"13905710077\",\"district\":\"西\"}",
		 (long long)hour_item, iso(day + 17 * 3600), iso(day + 18 * 3600));
	refused("POST", "/api/bookings", cust, body, 400, "too_short");
}

/* One account cannot hold the best workers: at most the standard's number of future bookings with
 * a chosen worker at once; and a request nobody confirms expires, freeing the worker. */
static void test_holds_and_expiry(void **state)
{
	(void)state;
	char hold[TOKEN_LEN], admin[TOKEN_LEN];
	h_login(&H, "customer3", hold, NULL);
	h_login(&H, "admin", admin, NULL);
	resp_free(ok("PATCH", "/api/standards", admin, "{\"live_named_bookings_max\":3}", 200));
	int64_t held = 0;
	struct stmt *st = store_sql(H.store, "SELECT count(*) FROM bookings b JOIN users u ON u.id = b.customer_id"
					     " WHERE u.login = 'customer3' AND b.worker_id IS NOT NULL"
					     " AND b.status = 'requested' AND b.start_at > $1");
	stmt_bind_int(st, 1, clock_now());
	assert_int_equal(stmt_one_int(st, &held), 0);
	int64_t last = 0;
	for (int64_t i = held; i < 3; i++) {
		int64_t start = day_at(20 + (int)i, 9);
		struct resp *r = ok("POST", "/api/bookings", hold, book_body(hour_item, start, start + 2 * 3600, w1), 201);
		last = resp_int(r, "id");
		resp_free(r);
	}
	int64_t start = day_at(25, 9);
	refused("POST", "/api/bookings", hold, book_body(hour_item, start, start + 2 * 3600, w1), 422,
		"too_many_named_bookings");
	/* leaving the worker to the company is still open */
	resp_free(ok("POST", "/api/bookings", hold, book_body(hour_item, start, start + 2 * 3600, 0), 201));

	/* nobody confirms the last: after the standard's hours it is cancelled by the platform */
	int expired = 0;
	assert_int_equal(bookings_expire(H.store, clock_now() + 47 * 3600, &expired), 0);
	char path[64];
	snprintf(path, sizeof path, "/api/bookings/%lld", (long long)last);
	struct resp *r = ok("GET", path, hold, NULL, 200);
	assert_string_equal(resp_str(r, "status"), "requested");
	resp_free(r);
	assert_int_equal(bookings_expire(H.store, clock_now() + 49 * 3600, &expired), 0);
	assert_true(expired >= 1);
	r = ok("GET", path, hold, NULL, 200);
	assert_string_equal(resp_str(r, "status"), "cancelled");
	assert_string_equal(resp_str(r, "cancelled.by"), "platform");
	assert_non_null(strstr(r->body, "\"action\":\"expire\""));
	resp_free(r);
	st = store_sql(H.store, "SELECT live FROM bookings WHERE id = $1");
	stmt_bind_int(st, 1, last);
	int64_t live = 1;
	assert_int_equal(stmt_one_int(st, &live), 0);
	assert_int_equal(live, 0);
	/* and a hold is free again */
	resp_free(ok("POST", "/api/bookings", hold, book_body(hour_item, day_at(26, 9), day_at(26, 11), w1), 201));
	resp_free(ok("PATCH", "/api/standards", admin, "{\"live_named_bookings_max\":50}", 200));
}

static void test_scores_in_the_store(void **state)
{
	(void)state;
	/* the demo's reviews are all 1 to 5 */
	int64_t bad = -1;
	stmt_one_int(store_sql(H.store, "SELECT count(*) FROM reviews WHERE greatest(overall, punctuality, skill, attitude,"
					" hygiene) > 5 OR least(overall, punctuality, skill, attitude, hygiene) < 1"), &bad);
	assert_int_equal(bad, 0);
	/* and the store refuses a six, whoever writes it */
	int64_t booking = 0;
	stmt_one_int(store_sql(H.store, "SELECT id FROM bookings WHERE status = 'completed' ORDER BY id LIMIT 1"), &booking);
	assert_true(booking > 0);
	struct stmt *st = store_sql(H.store, "SELECT customer_id FROM bookings WHERE id = $1");
	stmt_bind_int(st, 1, booking);
	int64_t customer = 0;
	assert_int_equal(stmt_one_int(st, &customer), 0);
	struct actor a = {customer, 0, "customer"};
	struct fault f = {0};
	int six[5] = {5, 6, 5, 5, 5}, zero[5] = {4, 4, 0, 4, 4};
	int64_t before = 0, after = 0;
	stmt_one_int(store_sql(H.store, "SELECT count(*) FROM reviews"), &before);
	assert_int_not_equal(review_create(H.store, &a, ROLE_CUSTOMER, booking, six, NULL, NULL, 0, &f), AJ_OK);
	assert_int_not_equal(review_create(H.store, &a, ROLE_CUSTOMER, booking, zero, NULL, NULL, 0, &f), AJ_OK);
	stmt_one_int(store_sql(H.store, "SELECT count(*) FROM reviews"), &after);
	assert_int_equal(after, before);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_fee),
		cmocka_unit_test(test_time_on_the_job),
		cmocka_unit_test(test_month_by_request),
		cmocka_unit_test(test_candidates_and_reschedule),
		cmocka_unit_test(test_unassigned_and_week),
		cmocka_unit_test(test_booking_for_a_caller),
		cmocka_unit_test(test_district),
		cmocka_unit_test(test_holds_and_expiry),
		cmocka_unit_test(test_scores_in_the_store),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
