/* Services and bookings through the API, on the demo industry: the catalog and its price guides,
 * service items, search, a booking's whole life with its state machine, the eligibility gate, the
 * overlap rule, the address rule, reviews and the satisfaction figures, customer sign-up. */
#include "harness.h"

#include "util/clock.h"
#include "util/timefmt.h"

static struct harness H;
static char admin[TOKEN_LEN], co1[TOKEN_LEN], co2[TOKEN_LEN], worker1[TOKEN_LEN], cust[TOKEN_LEN],
	cust2[TOKEN_LEN], cs[TOKEN_LEN];
static int64_t co1_id, co2_id, w1;          /* company1, company2, worker1's record */
static int64_t housekeeping, hk_item;       /* worker1's category, company1's item in it */
static char hk_code[32], hk_trade[32];

static struct resp *call(const char *method, const char *path, const char *token, const char *body)
{
	return h_api(&H, method, path, token, body);
}

static struct resp *ok(const char *method, const char *path, const char *token, const char *body, int status)
{
	struct resp *r = call(method, path, token, body);
	if (r->status != status)
		fail_msg("%s %s %s: expected %d, got %d %s", method, path, body ? body : "", status, r->status, r->body);
	return r;
}

/* Asserts a refusal, and that nothing was written. */
static void refused(const char *method, const char *path, const char *token, const char *body, int status,
		    const char *code)
{
	int64_t before = h_writes(&H), bookings = 0, after = 0;
	stmt_one_int(store_sql(H.store, "SELECT count(*) + coalesce(sum(length(status)), 0) FROM bookings"), &bookings);
	struct resp *r = call(method, path, token, body);
	if (r->status != status || strcmp(resp_code(r), code) != 0)
		fail_msg("%s %s %s: expected %d %s, got %d %s", method, path, body ? body : "", status, code, r->status,
			 r->body);
	resp_free(r);
	assert_int_equal(h_writes(&H), before);
	stmt_one_int(store_sql(H.store, "SELECT count(*) + coalesce(sum(length(status)), 0) FROM bookings"), &after);
	assert_int_equal(after, bookings);
}

static int64_t org_of(const char *token)
{
	struct resp *r = ok("GET", "/api/me", token, NULL, 200);
	int64_t id = resp_int(r, "org.id");
	resp_free(r);
	return id;
}

/* Sets the clock (0: real time) and signs everyone in again: a jump of hours ends idle sessions. */
static void at(int64_t t)
{
	clock_set(t);
	h_login(&H, "admin", admin, NULL);
	h_login(&H, "company1", co1, NULL);
	h_login(&H, "company2", co2, NULL);
	h_login(&H, "worker1", worker1, NULL);
	h_login(&H, "customer1", cust, NULL);
	h_login(&H, "customer2", cust2, NULL);
	h_login(&H, "cs1", cs, NULL);
}

static int setup(void **state)
{
	(void)state;
	h_open_demo(&H, 60);
	at(0);
	co1_id = org_of(co1);
	co2_id = org_of(co2);
	struct resp *r = ok("GET", "/api/me/worker", worker1, NULL, 200);
	w1 = resp_int(r, "id");
	snprintf(hk_trade, sizeof hk_trade, "%s", json_string_value(json_array_get(json_object_get(r->json, "trades"), 0)));
	resp_free(r);
	r = ok("GET", "/api/public/categories", NULL, NULL, 200);
	json_t *items = json_object_get(r->json, "items");
	for (size_t i = 0; i < json_array_size(items); i++) {
		json_t *c = json_array_get(items, i);
		if (strcmp(json_string_value(json_object_get(c, "trade")), hk_trade) == 0 && !housekeeping) {
			housekeeping = json_integer_value(json_object_get(c, "id"));
			snprintf(hk_code, sizeof hk_code, "%s", json_string_value(json_object_get(c, "code")));
		}
	}
	resp_free(r);
	assert_true(housekeeping > 0);
	char path[96];
	snprintf(path, sizeof path, "/api/service-items?category_id=%lld&active=true", (long long)housekeeping);
	r = ok("GET", path, co1, NULL, 200);
	items = json_object_get(r->json, "items");
	for (size_t i = 0; i < json_array_size(items) && !hk_item; i++)
		if (strcmp(json_string_value(json_object_get(json_array_get(items, i), "unit")), "hour") == 0 ||
		    strcmp(json_string_value(json_object_get(json_array_get(items, i), "unit")), "visit") == 0)
			hk_item = json_integer_value(json_object_get(json_array_get(items, i), "id"));
	resp_free(r);
	assert_true(hk_item > 0);
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	h_close(&H);
	return 0;
}

/* The instant `days` from today at local hour h. */
static int64_t day_at(int days, int h)
{
	return time_day_start(time_today() + days) + h * 3600;
}

static const char *iso(int64_t t)
{
	static char buf[4][TIME_ISO_LEN];
	static int k;
	char *b = buf[k++ % 4];
	time_format_iso(t, b);
	return b;
}

static const char *book_body(int64_t item, int64_t start, int64_t end, int64_t worker)
{
	static char body[512];
	if (worker)
		snprintf(body, sizeof body, "{\"service_item_id\":%lld,\"start\":\"%s\",\"end\":\"%s\","
					    "\"address\":\"杭州市西湖区文三路 90 号 3 幢 201 室\",\"contact_phone\":\"13905710088\","
					    "\"worker_id\":%lld}",
			 (long long)item, iso(start), iso(end), (long long)worker);
	else
		snprintf(body, sizeof body, "{\"service_item_id\":%lld,\"start\":\"%s\",\"end\":\"%s\","
					    "\"address\":\"杭州市西湖区文三路 90 号 3 幢 201 室\",\"contact_phone\":\"13905710088\"}",
			 (long long)item, iso(start), iso(end));
	return body;
}

static int64_t book(const char *token, int64_t item, int64_t start, int64_t end, int64_t worker)
{
	struct resp *r = ok("POST", "/api/bookings", token, book_body(item, start, end, worker), 201);
	int64_t id = resp_int(r, "id");
	assert_string_equal(resp_str(r, "status"), "requested");
	resp_free(r);
	return id;
}

/* The answers to every item of a phase of the booking's category, as the move's body. */
static const char *answers(int64_t booking, const char *phase, const char *key, const char *value)
{
	static char body[4096];
	char path[64];
	snprintf(path, sizeof path, "/api/bookings/%lld", (long long)booking);
	struct resp *r = ok("GET", path, admin, NULL, 200);
	json_t *a = json_object_get(json_object_get(r->json, "checklist"), phase);
	size_t n = 0;
	n += (size_t)snprintf(body + n, sizeof body - n, "{\"items\":[");
	for (size_t i = 0; i < json_array_size(a); i++)
		n += (size_t)snprintf(body + n, sizeof body - n, "%s{\"item_id\":%lld,\"%s\":%s}", i ? "," : "",
				      (long long)json_integer_value(json_object_get(json_array_get(a, i), "item_id")), key,
				      value);
	snprintf(body + n, sizeof body - n, "]}");
	assert_true(json_array_size(a) > 1);
	resp_free(r);
	return body;
}

static void move(int64_t id, const char *action, const char *token, const char *body, int status, const char *code)
{
	char path[96];
	snprintf(path, sizeof path, "/api/bookings/%lld/%s", (long long)id, action);
	if (code) {
		refused("POST", path, token, body, status, code);
	} else {
		struct resp *r = ok("POST", path, token, body, status);
		resp_free(r);
	}
}

static void test_catalog(void **state)
{
	(void)state;
	refused("POST", "/api/categories", co1, "{\"code\":\"window\",\"name_zh\":\"擦窗\",\"name_en\":\"Windows\","
					       "\"trade\":\"cleaning\"}", 403, "forbidden");
	refused("POST", "/api/categories", admin, "{\"code\":\"Window!\",\"name_zh\":\"擦窗\",\"name_en\":\"Windows\","
						  "\"trade\":\"cleaning\"}", 400, "invalid_characters");
	refused("POST", "/api/categories", admin, "{\"code\":\"home_cleaning\",\"name_zh\":\"擦窗\","
						  "\"name_en\":\"Windows\",\"trade\":\"cleaning\"}", 409, "code_taken");
	refused("POST", "/api/categories", admin, "{\"code\":\"window\",\"name_zh\":\"擦窗\",\"name_en\":\"Windows\","
						  "\"trade\":\"gardener\"}", 400, "invalid_value");
	struct resp *r = ok("POST", "/api/categories", admin, "{\"code\":\"window\",\"name_zh\":\"擦窗保洁\","
							     "\"name_en\":\"Window cleaning\",\"trade\":\"cleaning\"}", 201);
	int64_t cat = resp_int(r, "id");
	resp_free(r);
	char path[96], body[256];
	snprintf(path, sizeof path, "/api/categories/%lld/items", (long long)cat);
	refused("POST", path, admin, "{\"phase\":\"in\",\"text\":\"玻璃无水印\",\"indicator\":\"shine\"}", 422,
		"indicator_unknown");
	snprintf(path, sizeof path, "/api/categories/%lld/indicators", (long long)cat);
	resp_free(ok("POST", path, admin, "{\"code\":\"clean\",\"name_zh\":\"洁净合格率\",\"name_en\":\"Clean\"}", 201));
	refused("POST", path, admin, "{\"code\":\"clean\",\"name_zh\":\"洁净\",\"name_en\":\"Clean\"}", 409, "code_taken");
	snprintf(path, sizeof path, "/api/categories/%lld/items", (long long)cat);
	refused("POST", path, admin, "{\"phase\":\"pre\",\"text\":\"确认窗户数量\",\"indicator\":\"clean\"}", 422,
		"indicator_not_allowed");
	resp_free(ok("POST", path, admin, "{\"phase\":\"pre\",\"text\":\"确认窗户数量\"}", 201));
	r = ok("POST", path, admin, "{\"phase\":\"in\",\"text\":\"玻璃无水印\",\"indicator\":\"clean\"}", 201);
	assert_int_equal(json_array_size(json_object_get(json_object_get(r->json, "items"), "in")), 1);
	resp_free(r);

	/* price guides, and the companies' prices inside them */
	snprintf(body, sizeof body, "{\"category_id\":%lld,\"unit\":\"visit\",\"min_fen\":20000,\"max_fen\":10000}",
		 (long long)cat);
	refused("POST", "/api/price-guides", admin, body, 422, "invalid_range");
	snprintf(body, sizeof body, "{\"category_id\":%lld,\"unit\":\"visit\",\"min_fen\":10000,\"max_fen\":30000}",
		 (long long)cat);
	resp_free(ok("POST", "/api/price-guides", admin, body, 200));
	refused("POST", "/api/price-guides", co1, body, 403, "forbidden");
	snprintf(body, sizeof body, "{\"category_id\":%lld,\"title\":\"全屋擦窗\",\"unit\":\"visit\",\"price_fen\":35000}",
		 (long long)cat);
	r = call("POST", "/api/service-items", co1, body);
	assert_int_equal(r->status, 422);
	assert_string_equal(resp_code(r), "price_outside_guide");
	assert_string_equal(resp_str(r, "error.detail"), "10000-30000");
	resp_free(r);
	snprintf(body, sizeof body, "{\"category_id\":%lld,\"title\":\"全屋擦窗\",\"unit\":\"hour\",\"price_fen\":5000}",
		 (long long)cat);
	refused("POST", "/api/service-items", co1, body, 422, "no_price_guide");
	refused("POST", "/api/service-items", cust, body, 403, "forbidden");
	snprintf(body, sizeof body, "{\"category_id\":%lld,\"title\":\"全屋擦窗\",\"unit\":\"visit\",\"price_fen\":18800}",
		 (long long)cat);
	r = ok("POST", "/api/service-items", co1, body, 201);
	int64_t item = resp_int(r, "id");
	assert_int_equal(resp_int(r, "company.id"), co1_id);
	resp_free(r);
	snprintf(path, sizeof path, "/api/service-items/%lld", (long long)item);
	refused("PATCH", path, co1, "{\"price_fen\":9000}", 422, "price_outside_guide");
	refused("PATCH", path, co2, "{\"price_fen\":19000}", 404, "not_found");
	resp_free(ok("PATCH", path, co1, "{\"price_fen\":19000}", 200));

	/* the public company profile shows it, with the figures */
	snprintf(path, sizeof path, "/api/public/companies/%lld", (long long)co1_id);
	r = ok("GET", path, NULL, NULL, 200);
	assert_non_null(strstr(r->body, "全屋擦窗"));
	assert_int_equal(json_array_size(json_object_get(r->json, "satisfaction")), 6);
	assert_true(resp_int(r, "workers.total") > 0);
	assert_null(strstr(r->body, "phone"));
	resp_free(r);
	snprintf(path, sizeof path, "/api/public/companies/%lld", (long long)H.assoc_id + 1000);
	h_expect(call("GET", path, NULL, NULL), 404, "not_found");
}

static void escaped(int64_t t, char out[48])
{
	char iso[TIME_ISO_LEN];
	time_format_iso(t, iso);
	size_t k = 0;
	for (const char *p = iso; *p; p++) {
		if (*p == '+') {
			memcpy(out + k, "%2B", 3);
			k += 3;
		} else {
			out[k++] = *p;
		}
	}
	out[k] = '\0';
}

/* Whether search offers worker for the window [from, to) (0: now), looking through every page. */
static int listed(int64_t worker, int64_t from, int64_t to)
{
	char needle[32], path[256], a[48], b[48];
	snprintf(needle, sizeof needle, "\"worker\":{\"id\":%lld,", (long long)worker);
	/* the offset's '+' escaped, as a browser's URLSearchParams does */
	escaped(from, a);
	escaped(to, b);
	for (int page = 1; page < 100; page++) {
		if (from)
			snprintf(path, sizeof path, "/api/public/search?category=%s&per_page=100&page=%d&from=%s&to=%s",
				 hk_code, page, a, b);
		else
			snprintf(path, sizeof path, "/api/public/search?category=%s&per_page=100&page=%d", hk_code, page);
		struct resp *r = ok("GET", path, NULL, NULL, 200);
		int found = strstr(r->body, needle) != NULL;
		size_t n = json_array_size(json_object_get(r->json, "items"));
		resp_free(r);
		if (found)
			return 1;
		if (n < 100)
			return 0;
	}
	return 0;
}

static void test_search(void **state)
{
	(void)state;
	struct resp *r = ok("GET", "/api/public/search?category=housekeeping&per_page=100", NULL, NULL, 200);
	json_t *items = json_object_get(r->json, "items");
	assert_true(json_array_size(items) > 0);
	int64_t prev = INT64_MAX;
	for (size_t i = 0; i < json_array_size(items); i++) {
		json_t *x = json_array_get(items, i);
		const char *st = json_string_value(json_object_get(x, "status"));
		assert_true(strcmp(st, "green") == 0 || strcmp(st, "yellow") == 0);
		assert_non_null(json_object_get(json_object_get(x, "service_item"), "price_fen"));
		/* by rating, best first */
		json_t *rt = json_object_get(x, "rating");
		int64_t tenths = json_is_object(rt) ? (int64_t)(json_number_value(json_object_get(rt, "average")) * 10 + 0.5) : 0;
		assert_true(tenths <= prev);
		prev = tenths;
	}
	assert_null(strstr(r->body, "id_number"));
	assert_null(strstr(r->body, "phone"));
	resp_free(r);

	/* a wanted window: worker1's record is not offered while its demo booking within the hour
	 * lasts, and is when it is free */
	struct resp *mine = ok("GET", "/api/bookings?status=confirmed", worker1, NULL, 200);
	json_t *b = json_array_get(json_object_get(mine->json, "items"), 0);
	assert_non_null(b);
	int64_t bs = 0, be = 0;
	assert_int_equal(time_parse_iso(json_string_value(json_object_get(b, "start")), &bs), 0);
	assert_int_equal(time_parse_iso(json_string_value(json_object_get(b, "end")), &be), 0);
	resp_free(mine);
	assert_false(listed(w1, bs + 600, be - 600));
	assert_true(listed(w1, day_at(3, 20), day_at(3, 21)));
	assert_true(listed(w1, 0, 0));

	/* filters: price, district, level, sort; bad values are 400 */
	r = ok("GET", "/api/public/search?category=housekeeping&price_max=1&per_page=5", NULL, NULL, 200);
	assert_int_equal(resp_int(r, "total"), 0);
	resp_free(r);
	r = ok("GET", "/api/public/search?category=housekeeping&sort=price&per_page=100", NULL, NULL, 200);
	items = json_object_get(r->json, "items");
	for (size_t i = 1; i < json_array_size(items); i++)
		assert_true(json_integer_value(json_object_get(json_object_get(json_array_get(items, i - 1), "service_item"),
							      "price_fen")) <=
			    json_integer_value(json_object_get(json_object_get(json_array_get(items, i), "service_item"),
							      "price_fen")));
	resp_free(r);
	r = ok("GET", "/api/public/search?category=housekeeping&min_rating=4.5&per_page=100", NULL, NULL, 200);
	items = json_object_get(r->json, "items");
	for (size_t i = 0; i < json_array_size(items); i++)
		assert_true(json_number_value(json_object_get(json_object_get(json_array_get(items, i), "rating"), "average")) >= 4.5);
	resp_free(r);
	h_expect(call("GET", "/api/public/search", NULL, NULL), 400, "invalid_parameter");
	h_expect(call("GET", "/api/public/search?category=gardening", NULL, NULL), 400, "invalid_parameter");
	h_expect(call("GET", "/api/public/search?category=housekeeping&min_rating=6", NULL, NULL), 400, "invalid_parameter");
	h_expect(call("GET", "/api/public/search?category=housekeeping&sort=age", NULL, NULL), 400, "invalid_parameter");
	h_expect(call("GET", "/api/public/search?category=housekeeping&from=2026-12-01T09:00:00Z", NULL, NULL), 400,
		 "invalid_parameter");
	h_expect(call("GET", "/api/public/search?category=housekeeping&from=2026-12-01T09:00:00Z&to=2026-12-01T08:00:00Z",
		      NULL, NULL), 400, "invalid_parameter");
}

/* A window in which worker1's record is free: days ahead, in the afternoon. */
static void test_lifecycle(void **state)
{
	(void)state;
	int64_t start = day_at(4, 14), end = start + 2 * 3600;

	/* what a booking must be */
	refused("POST", "/api/bookings", cust, book_body(hk_item, day_at(-1, 9), day_at(-1, 11), 0), 422, "start_in_past");
	refused("POST", "/api/bookings", cust, book_body(hk_item, end, start, 0), 422, "invalid_period");
	refused("POST", "/api/bookings", cust, book_body(hk_item, start, start + 40 * 86400, 0), 422, "period_too_long");
	refused("POST", "/api/bookings", cust, book_body(hk_item, day_at(400, 9), day_at(400, 11), 0), 422, "too_far_ahead");
	refused("POST", "/api/bookings", cust, book_body(999999, start, end, 0), 404, "not_found");
	refused("POST", "/api/bookings", co1, book_body(hk_item, start, end, 0), 403, "forbidden");
	refused("POST", "/api/bookings", NULL, book_body(hk_item, start, end, 0), 401, "unauthenticated");
	refused("POST", "/api/bookings", cust, "{\"service_item_id\":1,\"start\":\"tomorrow\",\"end\":\"later\","
					       "\"address\":\"somewhere 1\",\"contact_phone\":\"13905710088\"}", 400, "invalid_time");
	/* the household's mobile number: required, and a mainland mobile number */
	char body[512];
	snprintf(body, sizeof body, "{\"service_item_id\":%lld,\"start\":\"%s\",\"end\":\"%s\",\"address\":\"文三路 90 号\"}",
		 (long long)hk_item, iso(start), iso(end));
	refused("POST", "/api/bookings", cust, body, 400, "missing_field");
	for (const char *const *p = (const char *const[]){"12905710088", "1390571008x", "139 5710088", NULL}; *p; p++) {
		snprintf(body, sizeof body, "{\"service_item_id\":%lld,\"start\":\"%s\",\"end\":\"%s\","
					    "\"address\":\"文三路 90 号\",\"contact_phone\":\"%s\"}",
			 (long long)hk_item, iso(start), iso(end), *p);
		refused("POST", "/api/bookings", cust, body, 400, "invalid_phone");
	}
	/* a worker of another company, and one who may not serve */
	int64_t other = 0, red = 0;
	struct stmt *st = store_sql(H.store, "SELECT id FROM workers WHERE company_id = $1 LIMIT 1");
	stmt_bind_int(st, 1, co2_id);
	assert_int_equal(stmt_one_int(st, &other), 0);
	refused("POST", "/api/bookings", cust, book_body(hk_item, start, end, other), 422, "worker_not_of_company");
	st = store_sql(H.store, "SELECT w.id FROM workers w JOIN worker_trades t ON t.worker_id = w.id"
				" WHERE w.company_id = $1 AND t.trade = $2 AND NOT EXISTS (SELECT 1 FROM"
				" worker_windows x WHERE x.worker_id = w.id AND x.trade = $2) LIMIT 1");
	stmt_bind_int(st, 1, co1_id);
	stmt_bind_text(st, 2, hk_trade);
	if (stmt_one_int(st, &red) == 0) {
		struct resp *r = call("POST", "/api/bookings", cust, book_body(hk_item, start, end, red));
		assert_int_equal(r->status, 422);
		assert_string_equal(resp_code(r), "worker_not_eligible");
		assert_true(json_array_size(json_object_get(r->json, "reasons")) > 0);
		resp_free(r);
	}

	/* booked; the customer sees the address, the worker does not before confirmation */
	int64_t id = book(cust, hk_item, start, end, w1);
	char path[96];
	snprintf(path, sizeof path, "/api/bookings/%lld", (long long)id);
	struct resp *r = ok("GET", path, cust, NULL, 200);
	assert_non_null(resp_str(r, "address"));
	assert_string_equal(resp_str(r, "contact_phone"), "13905710088");
	assert_int_equal(resp_int(r, "worker.id"), w1);
	resp_free(r);
	r = ok("GET", path, worker1, NULL, 200);
	assert_null(json_object_get(r->json, "address"));
	assert_null(json_object_get(r->json, "contact_phone"));
	resp_free(r);
	h_expect(call("GET", path, cust2, NULL), 404, "not_found");
	h_expect(call("GET", path, co2, NULL), 404, "not_found");

	/* the same worker, an overlapping window: refused */
	refused("POST", "/api/bookings", cust2, book_body(hk_item, start + 3600, end + 3600, w1), 409, "worker_busy");

	/* moves out of order are 409; the checklist must be whole */
	move(id, "checkin", worker1, NULL, 409, "invalid_transition");
	move(id, "checkout", worker1, "{\"items\":[]}", 409, "invalid_transition");
	move(id, "review", cust, "{\"overall\":5,\"punctuality\":5,\"skill\":5,\"attitude\":5,\"hygiene\":5}", 409,
	     "invalid_transition");
	move(id, "confirm", cust, "{\"items\":[]}", 403, "forbidden");
	move(id, "confirm", co2, "{\"items\":[]}", 404, "not_found");
	move(id, "confirm", worker1, "{\"items\":[]}", 422, "checklist_incomplete");
	move(id, "confirm", worker1, "{\"items\":[{\"item_id\":1,\"done\":true}]}", 422, "item_unknown");
	move(id, "confirm", worker1, answers(id, "pre", "done", "true"), 200, NULL);
	move(id, "confirm", worker1, answers(id, "pre", "done", "true"), 409, "invalid_transition");

	/* now the worker sees the address and the telephone, and the viewing is on the record */
	r = ok("GET", path, worker1, NULL, 200);
	assert_non_null(resp_str(r, "address"));
	assert_string_equal(resp_str(r, "contact_phone"), "13905710088");
	resp_free(r);
	r = ok("GET", path, cust, NULL, 200);
	assert_null(strstr(r->body, "\"action\":\"address_view\""));  /* a count, not a step each */
	assert_true(resp_int(r, "contact_views.count") >= 1);
	resp_free(r);

	/* check-in: not days early; late past the tolerance */
	move(id, "checkin", worker1, NULL, 422, "too_early");
	at(start + 20 * 60);
	move(id, "no-show", cust, "{\"party\":\"worker\",\"reason\":\"没来\"}", 403, "forbidden");
	move(id, "checkin", worker1, NULL, 200, NULL);
	r = ok("GET", path, co1, NULL, 200);
	assert_true(json_is_true(json_object_get(r->json, "late")));
	assert_string_equal(resp_str(r, "status"), "checked_in");
	resp_free(r);
	move(id, "cancel", cust, "{\"reason\":\"不需要了\"}", 409, "invalid_transition");

	/* check-out with the in-service checklist */
	at(end + 60);
	move(id, "checkout", worker1, "{\"items\":[]}", 422, "checklist_incomplete");
	move(id, "checkout", worker1, "{\"items\":[{\"item_id\":1,\"result\":\"maybe\"}]}", 400, "invalid_value");
	move(id, "checkout", worker1, answers(id, "in", "result", "\"pass\""), 200, NULL);

	/* a review comes once the customer said the service happened: theirs alone to say, once */
	move(id, "review", cust, "{\"overall\":5,\"punctuality\":5,\"skill\":5,\"attitude\":5,\"hygiene\":5}", 422,
	     "service_not_confirmed");
	move(id, "confirm-service", cust2, "{\"happened\":true}", 404, "not_found");
	move(id, "confirm-service", co1, "{\"happened\":true}", 403, "forbidden");
	move(id, "confirm-service", cust, "{\"happened\":false}", 422, "denial_reason_required");
	move(id, "confirm-service", cust, "{\"happened\":true}", 200, NULL);
	move(id, "confirm-service", cust, "{\"happened\":true}", 409, "evidence_recorded");

	/* one review, by the customer */
	st = store_sql(H.store, "SELECT n FROM ratings WHERE subject = 'worker' AND subject_id = $1");
	stmt_bind_int(st, 1, w1);
	int64_t before = 0, after = 0;
	stmt_one_int(st, &before);
	const char *review = "{\"overall\":5,\"punctuality\":3,\"skill\":5,\"attitude\":5,\"hygiene\":4,"
			     "\"comment\":\"细致\"}";
	move(id, "review", cust2, review, 404, "not_found");
	move(id, "review", co1, review, 403, "forbidden");
	move(id, "review", cust, "{\"overall\":6,\"punctuality\":3,\"skill\":5,\"attitude\":5,\"hygiene\":4}", 400,
	     "out_of_range");
	move(id, "review", cust, review, 201, NULL);
	move(id, "review", cust, review, 409, "already_reviewed");
	st = store_sql(H.store, "SELECT n FROM ratings WHERE subject = 'worker' AND subject_id = $1");
	stmt_bind_int(st, 1, w1);
	stmt_one_int(st, &after);
	assert_int_equal(after, before + 1);

	/* the public profile carries the rating, the satisfaction figures and the review */
	snprintf(path, sizeof path, "/api/public/workers/%lld", (long long)w1);
	r = ok("GET", path, NULL, NULL, 200);
	assert_int_equal(resp_int(r, "rating.count"), after);
	assert_int_equal(json_array_size(json_object_get(r->json, "satisfaction")), 6);
	assert_true(json_array_size(json_object_get(r->json, "service_items")) > 0);
	resp_free(r);
	snprintf(path, sizeof path, "/api/public/workers/%lld/reviews?per_page=100", (long long)w1);
	r = ok("GET", path, NULL, NULL, 200);
	assert_non_null(strstr(r->body, "细致"));
	assert_null(strstr(r->body, "customer1"));
	resp_free(r);

	/* a day after completion the worker no longer sees the address; the customer still does */
	at(end + 25 * 3600);
	snprintf(path, sizeof path, "/api/bookings/%lld", (long long)id);
	r = ok("GET", path, worker1, NULL, 200);
	assert_null(json_object_get(r->json, "address"));
	assert_null(json_object_get(r->json, "contact_phone"));
	resp_free(r);
	r = ok("GET", path, cust, NULL, 200);
	assert_non_null(json_object_get(r->json, "address"));
	resp_free(r);
	at(0);
}

static void test_dispatch_and_gate(void **state)
{
	(void)state;
	int64_t start = day_at(5, 9), end = start + 3 * 3600;
	int64_t id = book(cust, hk_item, start, end, 0);
	char path[96], body[64];
	snprintf(path, sizeof path, "/api/bookings/%lld/assign", (long long)id);
	snprintf(body, sizeof body, "{\"worker_id\":%lld}", (long long)w1);
	move(id, "confirm", co1, "{\"items\":[]}", 422, "no_worker");
	refused("POST", path, cust, body, 403, "forbidden");
	refused("POST", path, co2, body, 404, "not_found");
	struct resp *r = ok("POST", path, co1, body, 200);
	assert_int_equal(resp_int(r, "worker.id"), w1);
	resp_free(r);
	/* another request for that window cannot have the same worker */
	int64_t other = book(cust2, hk_item, start + 3600, end + 3600, 0);
	char other_path[96];
	snprintf(other_path, sizeof other_path, "/api/bookings/%lld/assign", (long long)other);
	refused("POST", other_path, co1, body, 409, "worker_busy");
	move(other, "cancel", co1, "{\"reason\":\"无人可派\"}", 200, NULL);

	/* the company's dispatch board: the day's bookings */
	char day[11], list[96];
	time_format_date(time_today() + 5, day);
	snprintf(list, sizeof list, "/api/bookings?day=%s", day);
	r = ok("GET", list, co1, NULL, 200);
	assert_true(resp_int(r, "total") >= 1);
	resp_free(r);
	r = ok("GET", list, co2, NULL, 200);
	json_t *items = json_object_get(r->json, "items");
	for (size_t i = 0; i < json_array_size(items); i++)
		assert_int_equal(json_integer_value(json_object_get(json_object_get(json_array_get(items, i), "company"), "id")),
				 co2_id);
	resp_free(r);
	h_expect(call("GET", "/api/bookings?day=2026-02-30", co1, NULL), 400, "invalid_parameter");

	/* confirmed, then suspended: the gate refuses the check-in */
	move(id, "confirm", co1, answers(id, "pre", "done", "true"), 200, NULL);
	char until[11], spath[96];
	time_format_date(time_today() + 30, until);
	snprintf(spath, sizeof spath, "/api/workers/%lld/suspension", (long long)w1);
	snprintf(body, sizeof body, "{\"until\":\"%s\",\"reason\":\"投诉调查中\"}", until);
	resp_free(ok("POST", spath, admin, body, 200));
	at(start);
	snprintf(path, sizeof path, "/api/bookings/%lld/checkin", (long long)id);
	r = call("POST", path, worker1, NULL);
	assert_int_equal(r->status, 422);
	assert_string_equal(resp_code(r), "worker_not_eligible");
	assert_non_null(strstr(r->body, "suspended"));
	resp_free(r);
	at(0);
	resp_free(ok("DELETE", spath, admin, NULL, 200));

	/* no-show only after the start; then the booking frees the worker's time */
	move(id, "no-show", co1, "{\"party\":\"customer\",\"reason\":\"家中无人\"}", 422, "not_started");
	at(start + 3600);
	move(id, "no-show", co1, "{\"party\":\"customer\",\"reason\":\"家中无人\"}", 200, NULL);
	at(0);
	int64_t again = book(cust2, hk_item, start + 3600, end, w1);
	move(again, "cancel", co2, "{\"reason\":\"改期\"}", 404, "not_found");
	move(again, "cancel", cust2, "{\"reason\":\"改期\"}", 200, NULL);
	move(again, "cancel", cust2, "{\"reason\":\"改期\"}", 409, "invalid_transition");
}

static void test_lists_and_figures(void **state)
{
	(void)state;
	/* each sees their own */
	struct resp *r = ok("GET", "/api/bookings?per_page=100", cust, NULL, 200);
	json_t *items = json_object_get(r->json, "items");
	for (size_t i = 0; i < json_array_size(items); i++)
		assert_string_equal(json_string_value(json_object_get(json_object_get(json_array_get(items, i), "customer"),
								      "name")), "周婷");
	assert_null(strstr(r->body, "\"address\""));
	assert_null(strstr(r->body, "contact_phone"));
	resp_free(r);
	r = ok("GET", "/api/bookings?per_page=100", worker1, NULL, 200);
	items = json_object_get(r->json, "items");
	for (size_t i = 0; i < json_array_size(items); i++)
		assert_int_equal(json_integer_value(json_object_get(json_object_get(json_array_get(items, i), "worker"), "id")), w1);
	resp_free(r);
	r = ok("GET", "/api/bookings?per_page=5", cs, NULL, 200);
	assert_true(resp_int(r, "total") > 100);
	resp_free(r);
	h_expect(call("GET", "/api/bookings?status=lost", cust, NULL), 400, "invalid_parameter");

	/* the month's satisfaction: the companies add up to the industry */
	r = ok("GET", "/api/public/satisfaction", NULL, NULL, 200);
	json_t *cos = json_object_get(r->json, "companies");
	int64_t reviewed = 0, satisfied = 0, completed = 0;
	for (size_t i = 0; i < json_array_size(cos); i++) {
		json_t *c = json_array_get(cos, i);
		int64_t rv = json_integer_value(json_object_get(c, "reviewed")), sf = json_integer_value(json_object_get(c, "satisfied"));
		reviewed += rv;
		satisfied += sf;
		completed += json_integer_value(json_object_get(c, "completed"));
		assert_int_equal(json_is_true(json_object_get(c, "meets_target")), rv > 0 && sf * 100 >= 95 * rv);
		/* the kept figures are what the records say: the services their customers confirmed, the
		 * reviews not excluded */
		int64_t co = json_integer_value(json_object_get(json_object_get(c, "company"), "id")), n[5];
		struct stmt *st = store_sql(H.store,
			"SELECT (SELECT count(*) FROM reviews WHERE company_id = $1 AND month = $2 AND excluded_at IS NULL),"
			" (SELECT count(*) FROM reviews WHERE company_id = $1 AND month = $2 AND satisfied = 1"
			"  AND excluded_at IS NULL),"
			" (SELECT count(*) FROM bookings WHERE company_id = $1 AND completed_month = $2 AND evidence = 'confirmed'),"
			" (SELECT count(*) FROM bookings WHERE company_id = $1 AND checkin_month = $2 AND evidence = 'confirmed'),"
			" (SELECT count(*) FROM bookings WHERE company_id = $1 AND checkin_month = $2 AND late = 0"
			" AND left_early = 0 AND evidence = 'confirmed')");
		stmt_bind_int(st, 1, co);
		stmt_bind_int(st, 2, time_month(clock_now()));
		assert_int_equal(stmt_step(st), STORE_ROW);
		for (int k = 0; k < 5; k++)
			n[k] = stmt_int(st, k);
		stmt_done(st);
		assert_int_equal(rv, n[0]);
		assert_int_equal(sf, n[1]);
		assert_int_equal(json_integer_value(json_object_get(c, "completed")), n[2]);
		assert_int_equal(json_integer_value(json_object_get(c, "checked_in")), n[3]);
		assert_int_equal(json_integer_value(json_object_get(c, "on_time")), n[4]);
	}
	assert_int_equal(resp_int(r, "industry.reviewed"), reviewed);
	assert_int_equal(resp_int(r, "industry.satisfied"), satisfied);
	assert_int_equal(resp_int(r, "industry.completed"), completed);
	assert_true(reviewed <= completed);
	assert_int_equal(resp_int(r, "target.num"), 95);
	resp_free(r);
	h_expect(call("GET", "/api/public/satisfaction?month=2026-13", NULL, NULL), 400, "invalid_parameter");
	h_expect(call("GET", "/api/public/satisfaction?month=2026-1", NULL, NULL), 400, "invalid_parameter");
	r = ok("GET", "/api/public/satisfaction?month=2020-01", NULL, NULL, 200);
	assert_int_equal(resp_int(r, "industry.reviewed"), 0);
	assert_false(json_is_true(json_object_get(json_object_get(r->json, "industry"), "meets_target")));
	resp_free(r);
}

static void test_customer_signup(void **state)
{
	(void)state;
	H.peer = "203.0.113.9";
	refused("POST", "/api/public/customers", NULL, "{\"login\":\"new.family\",\"name\":\"林晓\",\"password\":\"short\"}",
		400, "password_too_short");
	/* a guessable password, or one made of one's own login or name */
	refused("POST", "/api/public/customers", NULL, "{\"login\":\"new.family\",\"name\":\"林晓\",\"password\":\"Sunshine2020!\"}",
		400, "password_common");
	refused("POST", "/api/public/customers", NULL, "{\"login\":\"new.family\",\"name\":\"林晓\","
						       "\"password\":\"New-Family-at-home\"}", 400, "password_contains_login");
	refused("POST", "/api/public/customers", NULL, "{\"login\":\"new.family\",\"name\":\"林晓\","
						       "\"password\":\"林晓一家住在西湖区文三路\"}", 400, "password_contains_name");
	refused("POST", "/api/public/customers", NULL, "{\"login\":\"new family\",\"name\":\"林晓\","
						       "\"password\":\"a long enough password\"}", 400, "invalid_characters");
	refused("POST", "/api/public/customers", NULL, "{\"login\":\"customer1\",\"name\":\"林晓\","
						       "\"password\":\"a long enough password\"}", 409, "login_taken");
	refused("POST", "/api/public/customers", NULL, "{\"login\":\"xy1\",\"name\":\"林晓\",\"password\":\"a long enough "
						       "password\",\"role\":\"association_admin\"}", 400, "unknown_field");
	struct resp *r = ok("POST", "/api/public/customers", NULL, "{\"login\":\"New.Family\",\"name\":\"林晓\","
								 "\"password\":\"a long enough password\"}", 201);
	assert_string_equal(resp_str(r, "login"), "new.family");
	resp_free(r);
	char token[TOKEN_LEN], body[160];
	struct resp *me;
	r = h_api(&H, "POST", "/api/auth/login", NULL, "{\"login\":\"new.family\",\"password\":\"a long enough password\"}");
	assert_int_equal(r->status, 200);
	snprintf(token, sizeof token, "%s", resp_str(r, "token"));
	resp_free(r);
	me = ok("GET", "/api/me", token, NULL, 200);
	assert_string_equal(resp_str(me, "user.role"), "customer");
	resp_free(me);
	/* and may book at once */
	book(token, hk_item, day_at(6, 15), day_at(6, 17), 0);
	/* a flood from one address is turned away */
	int limited = 0;
	for (int i = 0; i < 8 && !limited; i++) {
		snprintf(body, sizeof body, "{\"login\":\"flood%d\",\"name\":\"某某\",\"password\":\"a long enough password\"}", i);
		r = call("POST", "/api/public/customers", NULL, body);
		limited = r->status == 429;
		if (limited)
			assert_string_equal(resp_code(r), "too_many_signups");
		resp_free(r);
	}
	assert_true(limited);
	H.peer = NULL;
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_catalog),
		cmocka_unit_test(test_search),
		cmocka_unit_test(test_lifecycle),
		cmocka_unit_test(test_dispatch_and_gate),
		cmocka_unit_test(test_lists_and_figures),
		cmocka_unit_test(test_customer_signup),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
