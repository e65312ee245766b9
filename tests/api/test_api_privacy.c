/* Personal data through the API, on the demo industry: when a booking's address and telephone open
 * (and for whom: not a past employer's worker, not a cancellation or a no-show); the takeover of a
 * worker by another company, refused step by step; the access log of reads and look-ups; a
 * worker's consent to show their full record; a copy of one's data; corrections with their
 * deadline; a customer's closed account under a pseudonym and a worker's erasure request;
 * retention by the deadline job; sealed values bound to their rows. */
#include <time.h>

#include "harness.h"

#include "jobs.h"
#include "privacy/sealed.h"
#include "store/tx.h"
#include "util/clock.h"
#include "util/timefmt.h"

static struct harness H;
static char admin[TOKEN_LEN], co1[TOKEN_LEN], co2[TOKEN_LEN], worker1[TOKEN_LEN], cust[TOKEN_LEN],
	cust2[TOKEN_LEN], cs[TOKEN_LEN];
static int64_t co1_id, co2_id, w1, w1_user, item; /* worker1's record and login, a company1 item worker1 serves */
static int64_t base_day;                          /* today when the tests began: every date is counted from it */
static char w1_name[64], w1_number[19], w1_trade[32];

#define HOUR 3600

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

static void status_is(const char *method, const char *path, const char *token, const char *body, int status,
		      const char *code)
{
	struct resp *r = call(method, path, token, body);
	if (r->status != status || (code && strcmp(resp_code(r), code) != 0))
		fail_msg("%s %s %s: expected %d %s, got %d %s", method, path, body ? body : "", status, code ? code : "",
			 r->status, r->body);
	resp_free(r);
}

static int64_t count(struct stmt *st)
{
	int64_t n = -1;
	assert_int_equal(stmt_one_int(st, &n), 0);
	return n;
}

static const char *path_of(const char *what, int64_t id, const char *tail)
{
	static char p[4][128];
	static int k;
	char *b = p[k++ % 4];
	snprintf(b, 128, "/api/%s/%lld%s", what, (long long)id, tail);
	return b;
}

/* Sets the clock (0: real time) and signs everyone in again. */
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
	/* months of the job's passes here, without new monthly spot checks: a sampled service keeps its
	 * contact until it is inspected (the plans' test), and the retention test reads one that is not */
	assert_int_equal(stmt_exec(store_sql(H.store, "INSERT INTO settings (key, value) VALUES ('sampling.since', '9999-12')"
						      " ON CONFLICT (key) DO UPDATE SET value = excluded.value")), 0);
	at(0);
	base_day = time_today();
	struct resp *r = ok("GET", "/api/me/worker", worker1, NULL, 200);
	w1 = resp_int(r, "id");
	co1_id = resp_int(r, "company.id");
	w1_user = resp_int(r, "user_id");
	snprintf(w1_name, sizeof w1_name, "%s", resp_str(r, "name"));
	snprintf(w1_trade, sizeof w1_trade, "%s", json_string_value(json_array_get(json_object_get(r->json, "trades"), 0)));
	const char *trade = w1_trade;
	resp_free(r);
	r = ok("GET", "/api/me", co2, NULL, 200);
	co2_id = resp_int(r, "org.id");
	resp_free(r);
	/* a company1 item by the hour or visit in worker1's trade */
	struct stmt *st = store_sql(H.store, "SELECT si.id FROM service_items si JOIN categories c ON c.id = si.category_id"
					     " WHERE si.company_id = $1 AND c.trade = $2 AND si.active = 1"
					     " AND si.unit IN ('hour', 'visit') ORDER BY si.id LIMIT 1");
	stmt_bind_int(st, 1, co1_id);
	stmt_bind_text(st, 2, trade);
	assert_int_equal(stmt_one_int(st, &item), 0);
	/* the test knows worker1's number as the person would: from their card (here, opened from the row) */
	st = store_sql(H.store, "SELECT id_sealed FROM workers WHERE id = $1");
	stmt_bind_int(st, 1, w1);
	assert_int_equal(stmt_step(st), STORE_ROW);
	assert_int_equal(sealed_worker_number(w1, stmt_text(st, 0), w1_number), 0);
	stmt_done(st);
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	h_close(&H);
	return 0;
}

static int64_t day_at(int days, int h)
{
	return time_day_start(base_day + days) + h * HOUR;
}

static const char *iso(int64_t t)
{
	static char buf[4][TIME_ISO_LEN];
	static int k;
	char *b = buf[k++ % 4];
	time_format_iso(t, b);
	return b;
}

/* customer books worker1 for an hour at start; the booking's id */
static int64_t book(const char *token, int64_t start)
{
	char body[512];
	snprintf(body, sizeof body, "{\"service_item_id\":%lld,\"start\":\"%s\",\"end\":\"%s\","
				    "\"address\":\"杭州市西湖区文三路 90 号 3 幢 201 室\",\"contact_phone\":\"13905710088\","
				    "\"worker_id\":%lld}", (long long)item, iso(start), iso(start + HOUR), (long long)w1);
	struct resp *r = ok("POST", "/api/bookings", token, body, 201);
	int64_t id = resp_int(r, "id");
	resp_free(r);
	return id;
}

/* The answers to every item of a phase, as a move's body. */
static const char *answers(int64_t booking, const char *phase, const char *key, const char *value)
{
	static char body[4096];
	struct resp *r = ok("GET", path_of("bookings", booking, ""), admin, NULL, 200);
	json_t *a = json_object_get(json_object_get(r->json, "checklist"), phase);
	size_t n = (size_t)snprintf(body, sizeof body, "{\"items\":[");
	for (size_t i = 0; i < json_array_size(a); i++)
		n += (size_t)snprintf(body + n, sizeof body - n, "%s{\"item_id\":%lld,\"%s\":%s}", i ? "," : "",
				      (long long)json_integer_value(json_object_get(json_array_get(a, i), "item_id")), key,
				      value);
	snprintf(body + n, sizeof body - n, "]}");
	resp_free(r);
	return body;
}

/* Whether token's reading of booking id carries its address (and the telephone with it). */
static int sees_address(int64_t id, const char *token)
{
	struct resp *r = ok("GET", path_of("bookings", id, ""), token, NULL, 200);
	int has = resp_str(r, "address") != NULL;
	if (has != (resp_str(r, "contact_phone") != NULL))
		fail_msg("the address and the telephone open together: %s", r->body);
	resp_free(r);
	return has;
}

/* A booking of worker1 for customer cust at start, confirmed and served. */
static int64_t served(int64_t start)
{
	at(start - 3 * HOUR);
	int64_t id = book(cust, start);
	resp_free(ok("POST", path_of("bookings", id, "/confirm"), worker1, answers(id, "pre", "done", "true"), 200));
	at(start);
	resp_free(ok("POST", path_of("bookings", id, "/checkin"), worker1, NULL, 200));
	at(start + HOUR);
	resp_free(ok("POST", path_of("bookings", id, "/checkout"), worker1, answers(id, "in", "result", "\"pass\""), 200));
	return id;
}

/* The address opens only while the booking is confirmed or under way, and for the standard's hours
 * after it was done: never before confirmation, never for a cancellation or a no-show. */
static void test_contact_rule(void **state)
{
	(void)state;
	int64_t start = day_at(20, 10);
	at(start - 48 * HOUR);
	int64_t id = book(cust, start);
	assert_true(sees_address(id, cust));
	assert_false(sees_address(id, co1));
	assert_false(sees_address(id, worker1));
	resp_free(ok("POST", path_of("bookings", id, "/confirm"), worker1, answers(id, "pre", "done", "true"), 200));
	int64_t logged = count(store_sql(H.store, "SELECT count(*) FROM access_log WHERE what = 'address'"));
	assert_true(sees_address(id, co1));
	assert_true(sees_address(id, worker1));
	/* each opening by the company or the worker is on the access log, about the household */
	assert_int_equal(count(store_sql(H.store, "SELECT count(*) FROM access_log WHERE what = 'address'")), logged + 2);
	resp_free(ok("POST", path_of("bookings", id, "/cancel"), cust, "{\"reason\":\"家里临时有事\"}", 200));
	assert_false(sees_address(id, co1));
	assert_false(sees_address(id, worker1));
	assert_true(sees_address(id, cust));

	/* a no-show: the contact closes with it */
	int64_t later = day_at(21, 10);
	at(later - 48 * HOUR);
	int64_t miss = book(cust, later);
	resp_free(ok("POST", path_of("bookings", miss, "/confirm"), worker1, answers(miss, "pre", "done", "true"), 200));
	at(later + 30 * 60);
	assert_true(sees_address(miss, co1));
	resp_free(ok("POST", path_of("bookings", miss, "/no-show"), co1, "{\"party\":\"customer\",\"reason\":\"无人开门\"}",
		     200));
	assert_false(sees_address(miss, co1));
	assert_false(sees_address(miss, worker1));
	/* months later the no-show is still closed */
	at(later + 150 * 86400);
	assert_false(sees_address(miss, co1));

	/* a service done: open for 24 hours after, then closed */
	int64_t done = served(day_at(22, 10));
	at(day_at(22, 11) + 23 * HOUR);
	assert_true(sees_address(done, co1));
	at(day_at(22, 11) + 25 * HOUR);
	assert_false(sees_address(done, co1));
	assert_false(sees_address(done, worker1));
	at(0);
}

/* Another company cannot take a worker over: registering them is a request that waits for the
 * worker, a company never resets anyone's password into its own hands, and a worker who moved reads
 * a past employer's bookings without the household's contact or full name. */
static void test_takeover(void **state)
{
	(void)state;
	int64_t start = day_at(24, 10);
	int64_t old = served(start);
	at(start + 2 * HOUR);
	assert_true(sees_address(old, worker1));
	char body[512];
	snprintf(body, sizeof body, "{\"name\":\"%s\",\"id_number\":\"%s\",\"phone\":\"13912345678\","
				    "\"trades\":[\"%s\"],\"level\":\"senior\"}", w1_name, w1_number, w1_trade);
	struct resp *r = ok("POST", "/api/workers", co2, body, 202);
	int64_t transfer = resp_int(r, "id");
	assert_string_equal(resp_str(r, "status"), "pending");
	assert_null(json_object_get(r->json, "from_company"));
	resp_free(r);
	/* nothing moved: worker1 is company1's, their login too */
	r = ok("GET", "/api/me", worker1, NULL, 200);
	assert_int_equal(resp_int(r, "org.id"), co1_id);
	resp_free(r);
	status_is("GET", path_of("workers", w1, ""), co2, NULL, 404, "not_found");
	/* company2 cannot reset the worker's password, nor anyone's outside itself */
	status_is("POST", path_of("users", w1_user, "/reset"), co2, NULL, 404, "not_found");
	status_is("PATCH", path_of("users", w1_user, ""), co2, "{\"password\":\"company2 owns you now\"}", 400,
		  "unknown_field");
	/* the company that asked cannot confirm for the worker */
	status_is("POST", path_of("transfers", transfer, "/accept"), co2, "{}", 403, "forbidden");
	/* the worker is told, and sees the request in their account */
	r = ok("GET", "/api/transfers", worker1, NULL, 200);
	assert_int_equal(resp_int(r, "items.0.id"), transfer);
	assert_int_equal(resp_int(r, "items.0.to_company.id"), co2_id);
	assert_int_equal(resp_int(r, "items.0.from_company.id"), co1_id);
	resp_free(r);
	/* the worker decides to move (in their own account) */
	resp_free(ok("POST", path_of("transfers", transfer, "/accept"), worker1, "{}", 200));
	r = ok("GET", "/api/me", worker1, NULL, 200);
	assert_int_equal(resp_int(r, "org.id"), co2_id);
	resp_free(r);
	/* within the 24 hours, but company1's household is no longer theirs to reach */
	assert_false(sees_address(old, worker1));
	r = ok("GET", path_of("bookings", old, ""), worker1, NULL, 200);
	const char *seen = resp_str(r, "customer.name");
	assert_non_null(strstr(seen, "*"));
	resp_free(r);
	/* while company1 still serves its own household */
	assert_true(sees_address(old, co1));
	/* back, with the worker's own code this time: it moves at once */
	r = ok("POST", "/api/me/transfer-code", worker1, NULL, 201);
	char code[16];
	snprintf(code, sizeof code, "%s", resp_str(r, "code"));
	resp_free(r);
	snprintf(body, sizeof body, "{\"name\":\"%s\",\"id_number\":\"%s\",\"phone\":\"13912345678\","
				    "\"trades\":[\"%s\"],\"level\":\"senior\",\"transfer_code\":\"WRONG-CODE1\"}",
		 w1_name, w1_number, w1_trade);
	status_is("POST", "/api/workers", co1, body, 422, "invalid_transfer_code");
	snprintf(body, sizeof body, "{\"name\":\"%s\",\"id_number\":\"%s\",\"phone\":\"13912345678\","
				    "\"trades\":[\"%s\"],\"level\":\"senior\",\"transfer_code\":\"%s\"}",
		 w1_name, w1_number, w1_trade, code);
	r = ok("POST", "/api/workers", co1, body, 201);
	assert_true(json_is_true(json_object_get(r->json, "linked")));
	resp_free(r);
	status_is("POST", "/api/workers", co2, body, 422, "invalid_transfer_code"); /* used once */
	/* company2, left, is told */
	r = ok("GET", "/api/notifications", co2, NULL, 200);
	assert_non_null(strstr(r->body, "worker_moved"));
	resp_free(r);
	at(0);
}

/* Every read of someone's personal data is logged, the person sees who read it, and a look-up of a
 * person by number is on the log even when the registration is refused. */
static void test_access_log(void **state)
{
	(void)state;
	int64_t before = count(store_sql(H.store, "SELECT count(*) FROM access_log WHERE what = 'record'"));
	struct resp *r = ok("GET", "/api/workers?per_page=5", co1, NULL, 200);
	int64_t listed = (int64_t)json_array_size(json_object_get(r->json, "items"));
	resp_free(r);
	assert_int_equal(count(store_sql(H.store, "SELECT count(*) FROM access_log WHERE what = 'record'")),
			 before + listed);
	/* the worker reading their own record is no one else's reading */
	resp_free(ok("GET", path_of("workers", w1, ""), worker1, NULL, 200));
	assert_int_equal(count(store_sql(H.store, "SELECT count(*) FROM access_log WHERE what = 'record'")),
			 before + listed);
	resp_free(ok("GET", path_of("workers", w1, ""), co1, NULL, 200));
	r = ok("GET", "/api/me/data", worker1, NULL, 200);
	assert_non_null(strstr(resp_header(r, "Content-Disposition"), "attachment"));
	json_t *viewed = json_object_get(r->json, "viewed_by");
	assert_true(json_array_size(viewed) >= 1);
	assert_string_equal(json_string_value(json_object_get(json_array_get(viewed, 0), "what")), "record");
	resp_free(r);
	/* the association reads the log */
	r = ok("GET", "/api/access-log?what=record&per_page=1", admin, NULL, 200);
	assert_true(resp_int(r, "total") >= listed + 1);
	resp_free(r);
	status_is("GET", "/api/access-log", co1, NULL, 403, "forbidden");
	/* a customer's account read by the association is on the customer's log too */
	int64_t cust_id = 0;
	struct stmt *st = store_sql(H.store, "SELECT id FROM users WHERE login = 'customer1'");
	assert_int_equal(stmt_one_int(st, &cust_id), 0);
	int64_t reads = count(store_sql(H.store, "SELECT count(*) FROM access_log WHERE subject = 'customer'"));
	resp_free(ok("GET", path_of("users", cust_id, ""), admin, NULL, 200));
	assert_int_equal(count(store_sql(H.store, "SELECT count(*) FROM access_log WHERE subject = 'customer'")), reads + 1);
	r = ok("GET", "/api/me/data", cust, NULL, 200);
	assert_non_null(strstr(r->body, "\"via\":\"user\""));
	/* the worker who opened the household's address (test_contact_rule) is named masked to it */
	json_t *by = json_object_get(r->json, "viewed_by");
	int workers_seen = 0;
	for (size_t i = 0; i < json_array_size(by); i++) {
		json_t *v = json_array_get(by, i);
		if (json_is_string(json_object_get(v, "by_role")) &&
		    strcmp(json_string_value(json_object_get(v, "by_role")), "worker") == 0) {
			workers_seen++;
			assert_non_null(strchr(json_string_value(json_object_get(v, "by")), '*'));
		}
	}
	assert_true(workers_seen >= 1);
	resp_free(r);
	/* a refused registration's look-up stays on record */
	char body[512];
	snprintf(body, sizeof body, "{\"name\":\"别的名字\",\"id_number\":\"%s\",\"phone\":\"13912345678\","
				    "\"trades\":[\"household\"],\"level\":\"senior\"}", w1_number);
	int64_t looked = count(store_sql(H.store, "SELECT count(*) FROM access_log WHERE what = 'id_lookup'"
						  " AND outcome = 'name_mismatch'"));
	status_is("POST", "/api/workers", co2, body, 422, "name_mismatch");
	assert_int_equal(count(store_sql(H.store, "SELECT count(*) FROM access_log WHERE what = 'id_lookup'"
						  " AND outcome = 'name_mismatch'")), looked + 1);
}

/* A worker's full record opens to a customer only with the worker's consent, which they withdraw. */
static void test_consent(void **state)
{
	(void)state;
	int64_t id = served(day_at(26, 10));
	at(day_at(26, 14));
	/* without consent the customer sees the worker's name masked, in the booking's timeline too */
	struct resp *b = ok("GET", path_of("bookings", id, ""), cust, NULL, 200);
	json_t *tl = json_object_get(b->json, "timeline");
	int by_worker = 0;
	for (size_t i = 0; i < json_array_size(tl); i++) {
		json_t *e = json_array_get(tl, i);
		if (strcmp(json_string_value(json_object_get(e, "actor_role")), "worker") == 0) {
			by_worker++;
			assert_non_null(strchr(json_string_value(json_object_get(e, "actor")), '*'));
		}
	}
	assert_true(by_worker >= 3);
	assert_non_null(strchr(resp_str(b, "worker.name"), '*'));
	resp_free(b);
	status_is("GET", path_of("workers", w1, "/record"), cust, NULL, 403, "consent_required");
	status_is("GET", path_of("workers", w1, "/record"), co1, NULL, 403, "forbidden");
	struct resp *r = ok("POST", path_of("bookings", id, "/record-request"), cust, NULL, 201);
	int64_t req = resp_int(r, "id");
	resp_free(r);
	status_is("POST", path_of("bookings", id, "/record-request"), cust, NULL, 409, "request_pending");
	status_is("POST", path_of("bookings", id, "/record-request"), cust2, NULL, 404, "not_found");
	r = ok("GET", "/api/me/record-requests", worker1, NULL, 200);
	assert_int_equal(resp_int(r, "items.0.id"), req);
	resp_free(r);
	char body[128];
	snprintf(body, sizeof body, "{\"booking_id\":%lld,\"scope\":\"booking\",\"days\":400}", (long long)id);
	status_is("POST", "/api/me/record-grants", worker1, body, 400, "out_of_range");
	snprintf(body, sizeof body, "{\"booking_id\":%lld,\"scope\":\"booking\",\"days\":120}", (long long)id);
	status_is("POST", "/api/me/record-grants", worker1, body, 422, "grant_too_long");
	snprintf(body, sizeof body, "{\"booking_id\":%lld,\"scope\":\"booking\",\"days\":7}", (long long)id);
	status_is("POST", "/api/me/record-grants", cust, body, 403, "forbidden");
	r = ok("POST", "/api/me/record-grants", worker1, body, 201);
	int64_t grant = resp_int(r, "id");
	assert_string_equal(resp_str(r, "status"), "live");
	resp_free(r);
	/* the request is answered by the grant */
	r = ok("GET", "/api/me/record-requests", worker1, NULL, 200);
	assert_int_equal(resp_int(r, "total"), 0);
	resp_free(r);
	/* a grant for this booking opens the record read for this booking, not for another or none */
	char for_booking[96], for_other[96];
	snprintf(for_booking, sizeof for_booking, "/api/workers/%lld/record?booking_id=%lld", (long long)w1, (long long)id);
	snprintf(for_other, sizeof for_other, "/api/workers/%lld/record?booking_id=%lld", (long long)w1, (long long)id + 1);
	status_is("GET", path_of("workers", w1, "/record"), cust, NULL, 403, "consent_required");
	status_is("GET", for_other, cust, NULL, 403, "consent_required");
	r = ok("GET", for_booking, cust, NULL, 200);
	assert_string_equal(resp_str(r, "name"), w1_name);
	assert_non_null(json_object_get(r->json, "checks"));
	assert_non_null(json_object_get(r->json, "employments"));
	assert_non_null(json_object_get(r->json, "conduct"));
	/* the record, not the person's contact, birth date or check references */
	assert_null(json_object_get(r->json, "phone"));
	assert_null(json_object_get(r->json, "birth_date"));
	assert_null(strstr(r->body, "\"reference\""));
	assert_null(strstr(r->body, w1_number));
	resp_free(r);
	/* another customer has no grant */
	status_is("GET", path_of("workers", w1, "/record"), cust2, NULL, 403, "consent_required");
	/* the worker sees the view */
	r = ok("GET", "/api/me/record-grants", worker1, NULL, 200);
	assert_int_equal(resp_int(r, "items.0.views"), 1);
	resp_free(r);
	/* and withdraws */
	resp_free(ok("DELETE", path_of("me/record-grants", grant, ""), worker1, NULL, 200));
	status_is("GET", for_booking, cust, NULL, 403, "consent_required");
	status_is("DELETE", path_of("me/record-grants", grant, ""), worker1, NULL, 404, "not_found");
	/* a grant lapses by itself */
	snprintf(body, sizeof body, "{\"booking_id\":%lld,\"scope\":\"customer\",\"days\":1}", (long long)id);
	resp_free(ok("POST", "/api/me/record-grants", worker1, body, 201));
	/* a grant for all of the customer's bookings opens it for any of them */
	resp_free(ok("GET", path_of("workers", w1, "/record"), cust, NULL, 200));
	resp_free(ok("GET", for_other, cust, NULL, 200));
	at(day_at(28, 14));
	status_is("GET", path_of("workers", w1, "/record"), cust, NULL, 403, "consent_required");
	at(0);
}

/* A correction goes to whoever holds the record, with a deadline the job enforces. */
static void test_corrections(void **state)
{
	(void)state;
	at(day_at(30, 9));
	struct resp *r = ok("POST", "/api/me/data-requests", worker1, "{\"field\":\"phone\",\"requested_text\":"
				 "\"我的手机号已换成 139 开头的新号码，请更正。\"}", 201);
	int64_t id = resp_int(r, "id");
	assert_int_equal(resp_int(r, "holder.id"), co1_id);
	assert_string_equal(resp_str(r, "status"), "open");
	resp_free(r);
	/* who a person is belongs to the association */
	r = ok("POST", "/api/me/data-requests", worker1, "{\"field\":\"name\",\"requested_text\":\"姓名有误\"}", 201);
	assert_string_not_equal(resp_str(r, "holder.name"), resp_str(r, "person.name"));
	int64_t name_req = resp_int(r, "id");
	resp_free(r);
	status_is("POST", "/api/me/data-requests", co1, "{\"field\":\"name\",\"requested_text\":\"x\"}", 403,
		  "account_managed");
	/* a few open at a time, not a flood of the holder's queue */
	for (int i = 0; i < 3; i++)
		resp_free(ok("POST", "/api/me/data-requests", worker1, "{\"field\":\"other\",\"requested_text\":\"补充说明\"}",
			     201));
	status_is("POST", "/api/me/data-requests", worker1, "{\"field\":\"other\",\"requested_text\":\"再一项\"}", 429,
		  "too_many_open_requests");
	/* the company sees its queue, not the association's */
	r = ok("GET", "/api/data-requests?status=open", co1, NULL, 200);
	assert_int_equal(resp_int(r, "total"), 4);
	resp_free(r);
	status_is("POST", path_of("data-requests", name_req, "/answer"), co1, "{\"status\":\"done\",\"answer\":\"x\"}",
		  404, "not_found");
	/* late: the job escalates it to the association, once */
	at(day_at(30, 9) + 16 * 86400);
	struct jobs_report jr;
	memset(&jr, 0, sizeof jr);
	assert_int_equal(jobs_run(H.store, &jr), 0);
	assert_true(jr.retention.requests_late >= 5);
	memset(&jr, 0, sizeof jr);
	assert_int_equal(jobs_run(H.store, &jr), 0);
	assert_int_equal(jr.retention.requests_late, 0);
	r = ok("GET", "/api/notifications", admin, NULL, 200);
	assert_non_null(strstr(r->body, "data_request_overdue"));
	resp_free(r);
	/* answered still: the person is told */
	r = ok("POST", path_of("data-requests", id, "/answer"), co1, "{\"status\":\"done\",\"answer\":\"已更正手机号。\"}",
	       200);
	assert_string_equal(resp_str(r, "status"), "done");
	assert_true(json_is_true(json_object_get(r->json, "breached")));
	resp_free(r);
	status_is("POST", path_of("data-requests", id, "/answer"), co1, "{\"status\":\"done\",\"answer\":\"again\"}", 409,
		  "invalid_transition");
	r = ok("GET", "/api/notifications", worker1, NULL, 200);
	assert_non_null(strstr(r->body, "data_request_answered"));
	resp_free(r);
	at(0);
}

/* A fresh customer with a completed booking and a complaint, through the API. */
static int64_t new_customer(const char *login, char token[TOKEN_LEN], int64_t *booking, int64_t *complaint)
{
	char body[256];
	snprintf(body, sizeof body, "{\"login\":\"%s\",\"name\":\"钱小红\",\"password\":\"%s\"}", login, H_PASSWORD);
	struct resp *r = ok("POST", "/api/public/customers", NULL, body, 201);
	int64_t id = resp_int(r, "id");
	resp_free(r);
	h_login(&H, login, token, NULL);
	int64_t start = day_at(40, 10);
	at(start - 3 * HOUR);
	h_login(&H, login, token, NULL);
	*booking = book(token, start);
	resp_free(ok("POST", path_of("bookings", *booking, "/confirm"), worker1, answers(*booking, "pre", "done", "true"),
		     200));
	at(start);
	h_login(&H, login, token, NULL);
	resp_free(ok("POST", path_of("bookings", *booking, "/checkin"), worker1, NULL, 200));
	at(start + HOUR);
	h_login(&H, login, token, NULL);
	resp_free(ok("POST", path_of("bookings", *booking, "/checkout"), worker1, answers(*booking, "in", "result", "\"pass\""),
		     200));
	snprintf(body, sizeof body, "{\"booking_id\":%lld,\"category\":\"quality\",\"description\":\"厨房没有按约定清洁，"
				    "我家在文三路 90 号。\"}", (long long)*booking);
	r = ok("POST", "/api/complaints", token, body, 201);
	*complaint = resp_int(r, "id");
	resp_free(r);
	return id;
}

/* A customer closes their account: who they were and where they live goes, what must stay stays
 * under a pseudonym. Open business keeps the account open. */
static void test_close_account(void **state)
{
	(void)state;
	char tok[TOKEN_LEN];
	int64_t booking, complaint;
	int64_t user = new_customer("leaving.customer", tok, &booking, &complaint);
	status_is("DELETE", "/api/me", tok, "{\"password\":\"not my password at all\"}", 400, "wrong_password");
	struct resp *r = call("DELETE", "/api/me", tok, "{\"password\":\"" H_PASSWORD "\"}");
	assert_int_equal(r->status, 409);
	assert_string_equal(resp_code(r), "open_matters");
	assert_int_equal(resp_int(r, "open_complaints"), 1);
	resp_free(r);
	/* the complaint is settled: resolved, then accepted */
	resp_free(ok("POST", path_of("complaints", complaint, "/resolve"), co1,
		     "{\"finding\":\"upheld\",\"remedy\":\"已安排返工并致歉。\"}", 200));
	resp_free(ok("POST", path_of("complaints", complaint, "/accept"), tok, "{\"rating\":4}", 200));
	assert_true(sees_address(booking, co1));
	r = ok("DELETE", "/api/me", tok, "{\"password\":\"" H_PASSWORD "\"}", 200);
	assert_true(json_is_true(json_object_get(r->json, "erased")));
	resp_free(r);
	/* signed out, and the login no longer opens anything */
	status_is("GET", "/api/me", tok, NULL, 401, "unauthenticated");
	status_is("POST", "/api/auth/login", NULL, "{\"login\":\"leaving.customer\",\"password\":\"" H_PASSWORD "\"}", 401,
		  "invalid_credentials");
	/* nobody opens the booking's address and telephone again: they are gone */
	assert_false(sees_address(booking, co1));
	assert_false(sees_address(booking, admin));
	r = ok("GET", path_of("bookings", booking, ""), admin, NULL, 200);
	assert_non_null(resp_str(r, "contact_destroyed_at"));
	assert_null(strstr(r->body, "钱小红"));
	resp_free(r);
	struct stmt *st = store_sql(H.store, "SELECT address_sealed || coalesce(contact_phone_sealed, '') || coalesce(note, '')"
					     " FROM bookings WHERE id = $1");
	stmt_bind_int(st, 1, booking);
	assert_int_equal(stmt_step(st), STORE_ROW);
	assert_string_equal(stmt_text(st, 0), "");
	stmt_done(st);
	/* the complaint stays for the association, under the pseudonym, without what they wrote */
	r = ok("GET", path_of("complaints", complaint, ""), admin, NULL, 200);
	assert_non_null(strstr(resp_str(r, "customer.name"), "已注销用户"));
	assert_string_equal(resp_str(r, "status"), "closed");
	assert_null(strstr(r->body, "文三路"));
	resp_free(r);
	st = store_sql(H.store, "SELECT login, name, erased_at IS NOT NULL FROM users WHERE id = $1");
	stmt_bind_int(st, 1, user);
	assert_int_equal(stmt_step(st), STORE_ROW);
	assert_null(strstr(stmt_text(st, 0), "leaving"));
	assert_null(strstr(stmt_text(st, 1), "钱小红"));
	assert_int_equal(stmt_int(st, 2), 1);
	stmt_done(st);
	at(0);
}

/* A worker's erasure is a request the association answers: the account and contact go, the
 * registry's person stays. */
static void test_worker_erasure(void **state)
{
	(void)state;
	char tok[TOKEN_LEN];
	h_login(&H, "worker3", tok, NULL);
	struct resp *r = ok("GET", "/api/me/worker", tok, NULL, 200);
	int64_t w3 = resp_int(r, "id");
	resp_free(r);
	r = ok("DELETE", "/api/me", tok, "{\"password\":\"" H_PASSWORD "\"}", 202);
	int64_t req = resp_int(r, "id");
	assert_string_equal(resp_str(r, "kind"), "erasure");
	resp_free(r);
	status_is("DELETE", "/api/me", tok, "{\"password\":\"" H_PASSWORD "\"}", 409, "erasure_pending");
	/* still signed in until the association decides */
	resp_free(ok("GET", "/api/me", tok, NULL, 200));
	status_is("DELETE", "/api/me", cs, "{\"password\":\"" H_PASSWORD "\"}", 403, "account_managed");
	resp_free(ok("POST", path_of("data-requests", req, "/answer"), admin,
		     "{\"status\":\"done\",\"answer\":\"已注销账号，删除手机号和照片；资格记录依规保留。\"}", 200));
	status_is("GET", "/api/me", tok, NULL, 401, "unauthenticated");
	r = ok("GET", path_of("workers", w3, ""), admin, NULL, 200);
	assert_null(resp_str(r, "phone"));
	assert_true(json_is_null(json_object_get(r->json, "company")));
	assert_true(json_is_null(json_object_get(r->json, "user_id")));
	resp_free(r);
}

/* The deadline job destroys contact past its retention, and forgets old sessions' addresses. */
static void test_retention(void **state)
{
	(void)state;
	int64_t start = day_at(44, 10);
	int64_t id = served(start);
	at(start + 2 * HOUR);
	h_login(&H, "inspector2", NULL, NULL);
	/* a caller without an account, by phone: resolved, and closed by the job when nobody reopens it */
	char body[512];
	snprintf(body, sizeof body, "{\"company_id\":%lld,\"category\":\"attitude\",\"description\":\"来电投诉服务态度。\","
				    "\"channel\":\"phone\",\"contact_name\":\"郑先生\",\"contact_phone\":\"13857100077\"}",
		 (long long)co1_id);
	struct resp *c = ok("POST", "/api/complaints", cs, body, 201);
	int64_t complaint = resp_int(c, "id");
	resp_free(c);
	resp_free(ok("POST", path_of("complaints", complaint, "/verify"), cs, "{\"note\":\"已回电来电人核实，经过属实。\"}", 200));
	resp_free(ok("POST", path_of("complaints", complaint, "/resolve"), co1,
		     "{\"finding\":\"partly_upheld\",\"remedy\":\"已向来电人致歉。\"}", 200));
	int64_t phone_reads = count(store_sql(H.store, "SELECT count(*) FROM access_log WHERE what = 'contact_phone'"));
	c = ok("GET", path_of("complaints", complaint, ""), cs, NULL, 200);
	assert_string_equal(resp_str(c, "contact_phone"), "13857100077");
	resp_free(c);
	/* reading a caller's number is logged */
	assert_int_equal(count(store_sql(H.store, "SELECT count(*) FROM access_log WHERE what = 'contact_phone'")),
			 phone_reads + 1);
	at(start + 2 * HOUR + 8 * 86400);
	struct jobs_report closing;
	memset(&closing, 0, sizeof closing);
	assert_int_equal(jobs_run(H.store, &closing), 0);
	assert_true(closing.complaints_closed >= 1);
	assert_true(sees_address(id, cust));
	assert_true(sees_address(id, cust));
	struct jobs_report jr;
	memset(&jr, 0, sizeof jr);
	at(start + 179 * 86400);
	assert_int_equal(jobs_run(H.store, &jr), 0);
	/* sessions over a month old forget where they came from (a user who signs in again has their old
	 * ones deleted; one who never comes back keeps them, until this); the booking's contact is still kept */
	assert_true(jr.retention.sessions >= 1);
	assert_int_equal(count(store_sql(H.store, "SELECT count(*) FROM sessions s JOIN users u ON u.id = s.user_id"
						  " WHERE u.login = 'inspector2' AND s.peer <> ''")), 0);
	assert_true(sees_address(id, cust));
	at(start + 181 * 86400);
	memset(&jr, 0, sizeof jr);
	assert_int_equal(jobs_run(H.store, &jr), 0);
	assert_true(jr.retention.bookings >= 1);
	/* closed a week after its resolution, the caller's number and name go 180 days after that */
	at(start + 2 * HOUR + 8 * 86400 + 181 * 86400);
	memset(&jr, 0, sizeof jr);
	assert_int_equal(jobs_run(H.store, &jr), 0);
	assert_true(jr.retention.complaints >= 1);
	c = ok("GET", path_of("complaints", complaint, ""), admin, NULL, 200);
	assert_null(resp_str(c, "contact_phone"));
	assert_null(resp_str(c, "contact_name"));
	assert_string_equal(resp_str(c, "status"), "closed");
	resp_free(c);
	struct resp *r = ok("GET", path_of("bookings", id, ""), cust, NULL, 200);
	assert_null(resp_str(r, "address"));
	assert_non_null(resp_str(r, "contact_destroyed_at"));
	resp_free(r);
	struct stmt *old = store_sql(H.store, "SELECT count(*) FROM sessions WHERE peer <> '' AND created_at < "
					    "$1 - 30 * 86400 AND created_at > 0");
	stmt_bind_int(old, 1, (int64_t)time(NULL));
	assert_int_equal(count(old), 0);
	/* the job's second pass finds nothing more to destroy */
	memset(&jr, 0, sizeof jr);
	assert_int_equal(jobs_run(H.store, &jr), 0);
	assert_int_equal(jr.retention.bookings, 0);
	at(0);
}

/* A sealed value is bound to its row: copied to another worker it opens for nobody. */
static void test_sealed_rows(void **state)
{
	(void)state;
	int64_t other = 0;
	struct stmt *st = store_sql(H.store, "SELECT id FROM workers WHERE company_id = $1 AND id <> $2 ORDER BY id LIMIT 1");
	stmt_bind_int(st, 1, co1_id);
	stmt_bind_int(st, 2, w1);
	assert_int_equal(stmt_one_int(st, &other), 0);
	assert_int_equal(store_begin(H.store), 0);
	st = store_sql(H.store, "UPDATE workers SET phone_sealed = (SELECT phone_sealed FROM workers WHERE id = $1),"
				" id_sealed = (SELECT id_sealed FROM workers WHERE id = $1) WHERE id = $2");
	stmt_bind_int(st, 1, w1);
	stmt_bind_int(st, 2, other);
	assert_int_equal(stmt_exec(st), 0);
	assert_int_equal(store_commit(H.store), 0);
	struct resp *r = ok("GET", path_of("workers", other, ""), co1, NULL, 200);
	assert_true(json_is_null(json_object_get(r->json, "phone")));
	assert_true(json_is_null(json_object_get(r->json, "age")));
	resp_free(r);
}

/* A training institution enrols by the card shown, and never learns the employer. */
static void test_enrol_by_card(void **state)
{
	(void)state;
	char trainer[TOKEN_LEN];
	h_login(&H, "trainer1", trainer, NULL);
	int64_t sid = 0;
	struct stmt *st = store_sql(H.store, "SELECT t.id FROM training_sessions t JOIN orgs o ON o.id = t.org_id"
					     " WHERE t.status = 'scheduled' ORDER BY t.starts_at DESC LIMIT 1");
	assert_int_equal(stmt_one_int(st, &sid), 0);
	char body[256];
	/* an id alone is no one the institution has found: ids are not tried one by one */
	snprintf(body, sizeof body, "{\"worker_id\":%lld}", (long long)w1);
	status_is("POST", path_of("training-sessions", sid, "/enrolments"), trainer, body, 404, "not_found");
	snprintf(body, sizeof body, "{\"id_number\":\"%s\",\"name\":\"别人\"}", w1_number);
	status_is("POST", path_of("training-sessions", sid, "/enrolments"), trainer, body, 404, "not_found");
	snprintf(body, sizeof body, "{\"id_number\":\"%s\",\"name\":\"%s\"}", w1_number, w1_name);
	struct resp *r = call("POST", path_of("training-sessions", sid, "/enrolments"), trainer, body);
	assert_true(r->status == 201 || r->status == 409);
	assert_null(json_object_get(r->json, "company"));
	resp_free(r);
	r = ok("GET", path_of("training-sessions", sid, "/enrolments?per_page=100"), trainer, NULL, 200);
	assert_null(strstr(r->body, "\"company\""));
	resp_free(r);
	assert_true(count(store_sql(H.store, "SELECT count(*) FROM access_log WHERE via = 'enrol'")) >= 2);
}

/* A worker's login is theirs: their employer may not make a code that opens it (the association
 * does, having seen the person), and a company the worker has left manages it no more. Proving it
 * is oneself again, to change the password or close the account, is throttled like signing in. */
static void test_own_account(void **state)
{
	(void)state;
	int64_t w = 0;
	struct stmt *st = store_sql(H.store, "SELECT w.id FROM workers w WHERE w.company_id = $1 AND w.status = 'active'"
					     " AND w.user_id IS NULL ORDER BY w.id LIMIT 1");
	stmt_bind_int(st, 1, co1_id);
	assert_int_equal(stmt_one_int(st, &w), 0);
	char body[256], token[TOKEN_LEN];
	snprintf(body, sizeof body, "{\"login\":\"ownacct\",\"name\":\"自己的账号\",\"role\":\"worker\",\"worker_id\":%lld}",
		 (long long)w);
	int64_t u = h_user_add(&H, co1, body);
	h_login(&H, "ownacct", token, NULL);
	/* the login carries the registry's real name, not the one typed for it */
	struct resp *named = ok("GET", "/api/me/worker", token, NULL, 200);
	char real[64];
	snprintf(real, sizeof real, "%s", resp_str(named, "name"));
	resp_free(named);
	named = ok("GET", "/api/me", token, NULL, 200);
	assert_string_equal(resp_str(named, "user.name"), real);
	resp_free(named);
	/* and keeps it: another name for the login alone is refused, nothing written; the same name passes */
	status_is("PATCH", path_of("users", u, ""), admin, "{\"name\":\"张秀华\"}", 422, "name_from_worker_record");
	named = ok("GET", "/api/me", token, NULL, 200);
	assert_string_equal(resp_str(named, "user.name"), real);
	resp_free(named);
	snprintf(body, sizeof body, "{\"name\":\"%s\"}", real);
	resp_free(ok("PATCH", path_of("users", u, ""), admin, body, 200));
	/* the employer cannot reset it; the association can */
	status_is("POST", path_of("users", u, "/reset"), co1, NULL, 403, "reset_by_association");
	struct resp *r = ok("POST", path_of("users", u, "/reset"), admin, NULL, 200);
	assert_non_null(resp_str(r, "reset_code"));
	resp_free(r);
	/* the worker leaves company1: the login goes with them */
	resp_free(ok("POST", path_of("workers", w, "/leave"), co1, "{\"reason\":\"left\"}", 200));
	r = ok("GET", "/api/me", token, NULL, 200);
	assert_true(json_is_null(json_object_get(r->json, "org")));
	resp_free(r);
	status_is("PATCH", path_of("users", u, ""), co1, "{\"status\":\"disabled\"}", 404, "not_found");
	status_is("POST", path_of("users", u, "/reset"), co1, NULL, 404, "not_found");
	resp_free(ok("GET", "/api/me", token, NULL, 200));
	/* guessing one's own current password: five tries, then a pause */
	for (int i = 0; i < 5; i++)
		status_is("POST", "/api/me/password", token,
			  "{\"current_password\":\"not my password\",\"new_password\":\"a fresh river stone 42\"}", 400,
			  "wrong_password");
	r = call("POST", "/api/me/password", token,
		 "{\"current_password\":\"not my password\",\"new_password\":\"a fresh river stone 42\"}");
	assert_int_equal(r->status, 429);
	assert_string_equal(resp_code(r), "too_many_attempts");
	assert_non_null(resp_header(r, "Retry-After"));
	resp_free(r);
	/* closing the account counts on the same throttle */
	status_is("DELETE", "/api/me", token, "{\"password\":\"" H_PASSWORD "\"}", 429, "too_many_attempts");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_contact_rule), cmocka_unit_test(test_takeover), cmocka_unit_test(test_access_log),
		cmocka_unit_test(test_consent), cmocka_unit_test(test_corrections), cmocka_unit_test(test_close_account),
		cmocka_unit_test(test_worker_erasure), cmocka_unit_test(test_retention), cmocka_unit_test(test_sealed_rows),
		cmocka_unit_test(test_enrol_by_card), cmocka_unit_test(test_own_account),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
