/* The 24-hour service centre's day and the public tracking page, through the API on the demo
 * industry: a caller without an account must leave a call-back number (and a refusal writes
 * nothing); a caller is found by phone (over sealed numbers, by their keyed hash, the bookings'
 * too, even one written without its hash), by name or by tracking number, and the queue is searched
 * the same way; every look-up by phone is on the access log. The public page answers the tracking
 * number with the call-back number's last four digits: the clocks and the steps, no person's name,
 * no number, nothing a handler wrote; a wrong last four is the same 404 as an unknown number; each
 * address and each tracking number is limited (429, Retry-After), every look-up is logged, and the
 * log is forgotten with a session's address. The inspector's preview: the pass mark the server
 * judges by is in the inspection's answer, and the mean rounded down against it is the server's
 * verdict. */
#include "harness.h"

#include "jobs.h"
#include "util/clock.h"
#include "util/strbuf.h"
#include "util/timefmt.h"

static struct harness H;
static char admin[TOKEN_LEN], co1[TOKEN_LEN], cust[TOKEN_LEN], cs[TOKEN_LEN], ins1[TOKEN_LEN];
static int64_t co1_id, cust_id;

#define DAY 86400

static struct resp *call(const char *method, const char *path, const char *token, const char *body)
{
	return h_api(&H, method, path, token, body);
}

#define ok(method, path, token, body, status) h_ok(&H, method, path, token, body, status)

static int64_t count(struct stmt *st)
{
	int64_t n = -1;
	assert_int_equal(stmt_one_int(st, &n), 0);
	return n;
}

/* Everything an intake writes, summed: a refusal must leave it as it was. */
static int64_t written(void)
{
	return count(store_sql(H.store, "SELECT (SELECT count(*) FROM complaints) + (SELECT count(*) FROM complaint_events)"
					" + (SELECT count(*) FROM outbox)")) + h_writes(&H);
}

static void refused(const char *method, const char *path, const char *token, const char *body, int status,
		    const char *code)
{
	h_refused(&H, written, method, path, token, body, status, code);
}

static void at(int64_t t)
{
	clock_set(t);
	h_login(&H, "admin", admin, NULL);
	h_login(&H, "company1", co1, NULL);
	h_login(&H, "customer1", cust, NULL);
	h_login(&H, "cs1", cs, NULL);
	h_login(&H, "inspector1", ins1, NULL);
}

static int setup(void **state)
{
	(void)state;
	h_open_demo(&H, 60);
	at(0);
	struct resp *r = ok("GET", "/api/me", co1, NULL, 200);
	co1_id = resp_int(r, "org.id");
	resp_free(r);
	r = ok("GET", "/api/me", cust, NULL, 200);
	cust_id = resp_int(r, "user.id");
	resp_free(r);
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	clock_set(0);
	h_close(&H);
	return 0;
}

/* The service centre takes one for a caller without an account; its id and tracking number. */
static int64_t take_call(const char *name, const char *phone, char tracking[32])
{
	char body[512];
	snprintf(body, sizeof body, "{\"company_id\":%lld,\"category\":\"attitude\",\"description\":\"来电：服务员态度生硬，"
				    "提前离开。\",\"contact_name\":\"%s\",\"contact_phone\":\"%s\"}", (long long)co1_id, name, phone);
	struct resp *r = ok("POST", "/api/complaints", cs, body, 201);
	int64_t id = resp_int(r, "id");
	if (tracking)
		str_copy(tracking, 32, resp_str(r, "tracking_no"));
	resp_free(r);
	/* about no booking: the centre checks the caller's account before the company sees it */
	char path[96];
	snprintf(path, sizeof path, "/api/complaints/%lld/verify", (long long)id);
	resp_free(ok("POST", path, cs, "{\"note\":\"已回电来电人核实，经过属实。\"}", 200));
	return id;
}

static int64_t phone_lookups(int64_t subject)
{
	struct stmt *st = store_sql(H.store, "SELECT count(*) FROM access_log WHERE what = 'phone_lookup'"
					     " AND subject = 'customer' AND subject_id = $1");
	stmt_bind_int(st, 1, subject);
	return count(st);
}

/* ---- intake: no account, no number, no complaint ---- */

static void test_callback_required(void **state)
{
	(void)state;
	char body[512];
	/* a name but no number to call back on: refused, and nothing is written */
	snprintf(body, sizeof body, "{\"company_id\":%lld,\"category\":\"other\",\"description\":\"来电投诉\","
				    "\"contact_name\":\"孙女士\"}", (long long)co1_id);
	refused("POST", "/api/complaints", cs, body, 400, "callback_phone_required");
	struct resp *r = call("POST", "/api/complaints", cs, body);
	assert_string_equal(resp_field(r), "contact_phone");
	resp_free(r);
	/* walking in is no different */
	snprintf(body, sizeof body, "{\"company_id\":%lld,\"category\":\"other\",\"description\":\"上门投诉\","
				    "\"channel\":\"walk_in\",\"contact_name\":\"孙女士\"}", (long long)co1_id);
	refused("POST", "/api/complaints", cs, body, 400, "callback_phone_required");
	/* the association takes calls too, under the same rule */
	refused("POST", "/api/complaints", admin, body, 400, "callback_phone_required");
	/* a customer with an account is reached there: no number needed, nor for one of their bookings */
	snprintf(body, sizeof body, "{\"company_id\":%lld,\"category\":\"other\",\"description\":\"有账号的客户来电\","
				    "\"customer_id\":%lld}", (long long)co1_id, (long long)cust_id);
	resp_free(ok("POST", "/api/complaints", cs, body, 201));
	int64_t booking = count(store_sql(H.store, "SELECT max(id) FROM bookings WHERE status IN ('completed', 'reviewed')"));
	snprintf(body, sizeof body, "{\"booking_id\":%lld,\"category\":\"quality\",\"description\":\"就这次服务来电\"}",
		 (long long)booking);
	r = ok("POST", "/api/complaints", cs, body, 201);
	assert_false(json_is_null(json_object_get(r->json, "customer")));
	resp_free(r);
	/* with the number: taken, and the number sealed with its look-up hash beside it, never in clear */
	char tracking[32];
	int64_t id = take_call("孙女士", "13957100123", tracking);
	assert_int_equal(count(store_sql(H.store, "SELECT count(*) FROM complaints WHERE contact_phone_sealed LIKE '%13957100123%'"
					     " OR contact_phone_hash LIKE '%13957100123%'")), 0);
	struct stmt *st = store_sql(H.store, "SELECT length(contact_phone_hash) FROM complaints WHERE id = $1");
	stmt_bind_int(st, 1, id);
	assert_int_equal(count(st), 64);
}

/* ---- finding a caller ---- */

/* The search's answer for q (in the body, as JSON string content). */
static struct resp *search(const char *q, const char *token)
{
	char body[200];
	snprintf(body, sizeof body, "{\"q\":\"%s\"}", q);
	return ok("POST", "/api/desk/search", token, body, 200);
}

static int has_tracking(json_t *list, const char *tracking)
{
	for (size_t i = 0; i < json_array_size(list); i++)
		if (strcmp(json_string_value(json_object_get(json_array_get(list, i), "tracking_no")), tracking) == 0)
			return 1;
	return 0;
}

static int has_id(json_t *list, int64_t id)
{
	for (size_t i = 0; i < json_array_size(list); i++)
		if (json_integer_value(json_object_get(json_array_get(list, i), "id")) == id)
			return 1;
	return 0;
}

static void test_search(void **state)
{
	(void)state;
	char tracking[32];
	int64_t id = take_call("钱先生", "13857100456", tracking);

	/* by the call-back number, typed as people say it */
	int64_t before = phone_lookups(0);
	struct resp *r = search("138 5710 0456", cs);
	assert_string_equal(resp_str(r, "kind"), "phone");
	assert_true(has_tracking(json_object_get(r->json, "complaints"), tracking));
	assert_int_equal(json_array_size(json_object_get(r->json, "customers")), 0);
	assert_null(strstr(r->body, "13857100456"));
	resp_free(r);
	assert_int_equal(phone_lookups(0), before + 1);
	/* +86 in front is the same number */
	r = search("+8613857100456", cs);
	assert_true(has_tracking(json_object_get(r->json, "complaints"), tracking));
	resp_free(r);

	/* a customer by the household number of their bookings: sealed, found by its hash — even one
	 * written without it since (a booking's contact is hashed by the pass the search runs first) */
	int64_t booking = count(store_sql(H.store, "SELECT max(id) FROM bookings WHERE customer_id = (SELECT id FROM users"
						   " WHERE login = 'customer1') AND contact_phone_sealed IS NOT NULL"));
	char path[96];
	snprintf(path, sizeof path, "/api/bookings/%lld", (long long)booking);
	r = ok("GET", path, cust, NULL, 200);
	char phone[16];
	str_copy(phone, sizeof phone, resp_str(r, "contact_phone"));
	resp_free(r);
	struct stmt *st = store_sql(H.store, "UPDATE bookings SET contact_phone_hash = NULL WHERE customer_id = $1");
	stmt_bind_int(st, 1, cust_id);
	assert_int_equal(stmt_exec(st), 0);
	before = phone_lookups(cust_id);
	r = search(phone, cs);
	json_t *customers = json_object_get(r->json, "customers");
	assert_true(has_id(customers, cust_id));
	json_t *c0 = json_array_get(customers, 0);
	assert_string_equal(json_string_value(json_object_get(c0, "matched")), "phone");
	json_t *b0 = json_array_get(json_object_get(c0, "bookings"), 0);
	assert_true(json_is_true(json_object_get(b0, "on_phone")));
	assert_false(json_is_null(json_object_get(b0, "company")));
	/* their complaints come with them */
	assert_true(json_array_size(json_object_get(r->json, "complaints")) >= 1);
	assert_null(strstr(r->body, phone));
	resp_free(r);
	assert_int_equal(phone_lookups(cust_id), before + 1);
	assert_int_equal(count(store_sql(H.store, "SELECT count(*) FROM bookings WHERE contact_phone_hash IS NULL"
						  " AND contact_phone_sealed IS NOT NULL")), 0);

	/* a number nobody has: nothing found, the look-up logged all the same */
	before = phone_lookups(0);
	r = search("13900000001", cs);
	assert_int_equal(json_array_size(json_object_get(r->json, "customers")), 0);
	assert_int_equal(json_array_size(json_object_get(r->json, "complaints")), 0);
	resp_free(r);
	assert_int_equal(phone_lookups(0), before + 1);

	/* by the tracking number, whole or its last digits */
	r = search(tracking, cs);
	assert_string_equal(resp_str(r, "kind"), "tracking");
	assert_true(has_tracking(json_object_get(r->json, "complaints"), tracking));
	resp_free(r);
	r = search(tracking + 11, cs);
	assert_true(has_tracking(json_object_get(r->json, "complaints"), tracking));
	resp_free(r);
	/* by name: the caller's on the complaint, a customer's on the account (its reading logged) */
	r = search("钱先生", cs);
	assert_string_equal(resp_str(r, "kind"), "name");
	assert_true(has_tracking(json_object_get(r->json, "complaints"), tracking));
	resp_free(r);
	int64_t reads = count(store_sql(H.store, "SELECT count(*) FROM access_log WHERE what = 'record'"
						 " AND via = 'desk_search'"));
	r = search("周婷", cs); /* customer1 */
	assert_true(has_id(json_object_get(r->json, "customers"), cust_id));
	resp_free(r);
	assert_true(count(store_sql(H.store, "SELECT count(*) FROM access_log WHERE what = 'record'"
					     " AND via = 'desk_search'")) > reads);
	/* the association searches too; nobody else does */
	resp_free(search(tracking, admin));
	struct resp *x = call("POST", "/api/desk/search", co1, "{\"q\":\"13857100456\"}");
	assert_int_equal(x->status, 403);
	resp_free(x);
	x = call("POST", "/api/desk/search", cust, "{\"q\":\"13857100456\"}");
	assert_int_equal(x->status, 403);
	resp_free(x);
	x = call("POST", "/api/desk/search", cs, "{\"q\":\"  \"}");
	assert_int_equal(x->status, 400);
	resp_free(x);
	x = call("POST", "/api/desk/search", cs, "{}");
	assert_int_equal(x->status, 400);
	resp_free(x);
	(void)id;
}

/* ---- the queue, searched ---- */

static int64_t list_total(const char *query, const char *token)
{
	char path[256];
	snprintf(path, sizeof path, "/api/complaints?%s", query);
	struct resp *r = ok("GET", path, token, NULL, 200);
	int64_t n = resp_int(r, "total");
	resp_free(r);
	return n;
}

static void test_queue_search(void **state)
{
	(void)state;
	char tracking[32], q[96];
	take_call("李女士", "13657100789", tracking);
	/* by the call-back number */
	assert_int_equal(list_total("q=13657100789", cs), 1);
	assert_int_equal(list_total("q=13657100789", co1), 1);
	assert_int_equal(list_total("q=13657100789&status=open", cs), 1);
	assert_int_equal(phone_lookups(0) > 0, 1);
	/* by the tracking number */
	snprintf(q, sizeof q, "q=%s", tracking);
	assert_int_equal(list_total(q, cs), 1);
	/* by the company's name: every complaint about it */
	snprintf(q, sizeof q, "company_id=%lld", (long long)co1_id);
	int64_t of_co1 = list_total(q, cs);
	struct resp *r;
	/* 安心: a word of company1's name, 杭州安心家政服务有限公司 */
	int64_t named = list_total("q=%E5%AE%89%E5%BF%83", cs);
	assert_true(named >= of_co1 && of_co1 > 0);
	/* a company searches only its own queue */
	assert_int_equal(list_total("q=TS", co1), list_total("", co1));
	/* nothing matches nonsense */
	assert_int_equal(list_total("q=zzzz-not-a-thing", cs), 0);
	/* the booking's household number finds the complaint about that booking */
	int64_t booking = count(store_sql(H.store, "SELECT booking_id FROM complaints c JOIN bookings b ON b.id = c.booking_id"
						   " WHERE b.contact_phone_sealed IS NOT NULL ORDER BY c.id DESC LIMIT 1"));
	char path[96];
	snprintf(path, sizeof path, "/api/bookings/%lld", (long long)booking);
	struct stmt *st = store_sql(H.store, "SELECT u.login FROM bookings b JOIN users u ON u.id = b.customer_id WHERE b.id = $1");
	stmt_bind_int(st, 1, booking);
	assert_int_equal(stmt_step(st), STORE_ROW);
	char login[64];
	str_copy(login, sizeof login, stmt_text(st, 0));
	stmt_done(st);
	char tok[TOKEN_LEN];
	h_login(&H, login, tok, NULL);
	r = ok("GET", path, tok, NULL, 200);
	snprintf(q, sizeof q, "q=%s", resp_str(r, "contact_phone"));
	resp_free(r);
	char list[160];
	snprintf(list, sizeof list, "/api/complaints?%s&per_page=100", q);
	r = ok("GET", list, cs, NULL, 200);
	json_t *items = json_object_get(r->json, "items");
	int found = 0;
	for (size_t i = 0; i < json_array_size(items); i++)
		found |= json_integer_value(json_object_get(json_object_get(json_array_get(items, i), "booking"), "id")) == booking;
	assert_true(found);
	resp_free(r);
}

/* ---- the public tracking page ---- */

static struct resp *track(const char *tracking, const char *last4)
{
	char body[160];
	snprintf(body, sizeof body, "{\"tracking_no\":\"%s\",\"phone_last4\":\"%s\"}", tracking, last4);
	return call("POST", "/api/public/complaints/track", NULL, body);
}

static int64_t lookups(const char *outcome)
{
	struct stmt *st = store_sql(H.store, "SELECT count(*) FROM complaint_lookups WHERE outcome = $1");
	stmt_bind_text(st, 1, outcome);
	return count(st);
}

static void test_tracking(void **state)
{
	(void)state;
	int64_t t0 = time_day_start(time_today() + 40) + 9 * 3600;
	at(t0);
	H.peer = "203.0.113.7";
	char tracking[32];
	int64_t id = take_call("周先生", "13757100246", tracking);
	/* the company answers, then asks a question: the public page shows the steps, not what was
	 * written or asked, nor who */
	char path[96];
	snprintf(path, sizeof path, "/api/complaints/%lld/responsible", (long long)id);
	resp_free(ok("POST", path, co1, "{\"person\":\"赵经理\",\"duty\":\"complaints\"}", 200));
	snprintf(path, sizeof path, "/api/complaints/%lld/feedback", (long long)id);
	resp_free(ok("POST", path, co1, "{\"text\":\"已收到您的投诉，陈主管正在核实。\"}", 200));
	resp_free(ok("POST", path, co1, "{\"text\":\"请问服务员是哪天上门的？我们的陈主管会回电。\",\"ask\":true}", 200));
	snprintf(path, sizeof path, "/api/complaints/%lld/notes", (long long)id);
	resp_free(ok("POST", path, cs, "{\"text\":\"内部：已催办企业\"}", 200));

	/* the right last four: the status, both clocks, the steps, the caller's own words */
	int64_t shown = lookups("shown");
	struct resp *r = track(tracking, "0246");
	assert_int_equal(r->status, 200);
	assert_string_equal(resp_str(r, "tracking_no"), tracking);
	assert_string_equal(resp_str(r, "status"), "waiting_customer");
	assert_string_equal(resp_str(r, "description"), "来电：服务员态度生硬，提前离开。");
	assert_string_equal(resp_str(r, "responsible_duty"), "complaints");
	assert_string_equal(resp_str(r, "clock.name"), "resolve");
	assert_true(json_is_true(json_object_get(json_object_get(r->json, "clock"), "paused")));
	assert_non_null(resp_str(r, "feedback_due"));
	assert_non_null(resp_str(r, "resolve_due"));
	assert_non_null(resp_str(r, "first_feedback_at"));
	assert_true(json_is_true(json_object_get(r->json, "feedback_in_time")));
	json_t *steps = json_object_get(r->json, "steps");
	assert_string_equal(json_string_value(json_object_get(json_array_get(steps, 0), "action")), "file");
	int asked = 0;
	for (size_t i = 0; i < json_array_size(steps); i++) {
		json_t *e = json_array_get(steps, i);
		asked |= strcmp(json_string_value(json_object_get(e, "action")), "ask") == 0;
		assert_string_not_equal(json_string_value(json_object_get(e, "action")), "note");
		assert_null(json_object_get(e, "note"));
		assert_null(json_object_get(e, "actor"));
	}
	assert_true(asked);
	/* no person's name, no number, nothing a handler wrote */
	static const char *const never[] = {"周先生", "赵经理", "陈主管", "13757100246", "0246", "内部", "\"worker\"",
					    "\"customer\"", "contact", "taken_by", "\"remedy\"", "cs1"};
	for (size_t i = 0; i < ARRAY_LEN(never); i++)
		if (strstr(r->body, never[i]))
			fail_msg("the public answer holds %s: %s", never[i], r->body);
	assert_string_equal(resp_header(r, "Cache-Control"), "no-store");
	resp_free(r);
	assert_int_equal(lookups("shown"), shown + 1);
	/* lower case is the same number */
	char lower[32];
	str_copy(lower, sizeof lower, tracking);
	lower[0] = 't', lower[1] = 's';
	r = track(lower, "0246");
	assert_int_equal(r->status, 200);
	resp_free(r);

	/* a wrong last four and an unknown number: the same 404, word for word, and both logged */
	int64_t refused_before = lookups("refused");
	struct resp *wrong = track(tracking, "1246");
	struct resp *unknown = track("TS20200101-999999", "0246");
	assert_int_equal(wrong->status, 404);
	assert_string_equal(resp_code(wrong), "tracking_not_found");
	assert_int_equal(unknown->status, 404);
	assert_string_equal(wrong->body, unknown->body);
	resp_free(wrong);
	resp_free(unknown);
	assert_int_equal(lookups("refused"), refused_before + 2);
	/* the digits asked are not kept */
	assert_int_equal(count(store_sql(H.store, "SELECT count(*) FROM complaint_lookups WHERE tracking_no LIKE '%1246%'"
						  " OR peer LIKE '%1246%'")), 0);
	/* not four digits: a malformed question, not a look-up */
	r = track(tracking, "02a6");
	assert_int_equal(r->status, 400);
	resp_free(r);
	r = track(tracking, "246");
	assert_int_equal(r->status, 400);
	resp_free(r);
	/* a customer's own web complaint has no call-back number: it is followed in the account */
	int64_t web = count(store_sql(H.store, "SELECT max(id) FROM complaints WHERE channel = 'web'"));
	struct stmt *st = store_sql(H.store, "SELECT tracking_no FROM complaints WHERE id = $1");
	stmt_bind_int(st, 1, web);
	assert_int_equal(stmt_step(st), STORE_ROW);
	char web_no[32];
	str_copy(web_no, sizeof web_no, stmt_text(st, 0));
	stmt_done(st);
	r = track(web_no, "0000");
	assert_int_equal(r->status, 404);
	resp_free(r);

	/* one tracking number tried from everywhere: after 10 wrong answers in a day, 429 with
	 * Retry-After — for the right digits too, and the same for a number that does not exist */
	static const char *const peers[] = {"198.51.100.1", "198.51.100.2", "198.51.100.3", "198.51.100.4"};
	for (int i = 0; i < 9; i++) {
		H.peer = peers[i % 4];
		char digits[16];
		snprintf(digits, sizeof digits, "%04d", 5000 + i);
		r = track(tracking, digits);
		assert_int_equal(r->status, 404);
		resp_free(r);
	}
	H.peer = "198.51.100.9";
	r = track(tracking, "0246");
	assert_int_equal(r->status, 429);
	assert_string_equal(resp_code(r), "too_many_track_lookups");
	int64_t retry = strtoll(resp_header(r, "Retry-After"), NULL, 10);
	assert_true(retry > 0 && retry <= DAY);
	resp_free(r);
	for (int i = 0; i < 10; i++) {
		H.peer = peers[i % 4];
		r = track("TS20200101-888888", "1234");
		resp_free(r);
	}
	r = track("TS20200101-888888", "1234");
	assert_int_equal(r->status, 429);
	resp_free(r);
	/* a throttled request looked nothing up: it is not logged */
	int64_t all = count(store_sql(H.store, "SELECT count(*) FROM complaint_lookups"));
	r = track(tracking, "0246");
	assert_int_equal(r->status, 429);
	resp_free(r);
	assert_int_equal(count(store_sql(H.store, "SELECT count(*) FROM complaint_lookups")), all);
	/* a day later the number answers again */
	at(t0 + DAY + 60);
	H.peer = "198.51.100.9";
	r = track(tracking, "0246");
	assert_int_equal(r->status, 200);
	resp_free(r);

	/* one address: 20 look-ups a quarter of an hour, whatever they ask */
	H.peer = "192.0.2.50";
	for (int i = 0; i < 20; i++) {
		r = track(i % 2 ? tracking : "TS20200101-777777", i % 2 ? "0246" : "1111");
		assert_true(r->status == 200 || r->status == 404);
		resp_free(r);
	}
	r = track(tracking, "0246");
	assert_int_equal(r->status, 429);
	retry = strtoll(resp_header(r, "Retry-After"), NULL, 10);
	assert_true(retry > 0 && retry <= 15 * 60);
	resp_free(r);
	/* another address is not held up */
	H.peer = "192.0.2.51";
	r = track(tracking, "0246");
	assert_int_equal(r->status, 200);
	resp_free(r);
	/* and after the quarter of an hour the first may ask again */
	clock_set(t0 + DAY + 60 + 15 * 60 + 1);
	H.peer = "192.0.2.50";
	r = track(tracking, "0246");
	assert_int_equal(r->status, 200);
	resp_free(r);

	/* the log, with the addresses, goes after a session's address does (30 days) */
	H.peer = NULL;
	at(t0 + 40 * DAY);
	struct jobs_report jr = {0};
	assert_int_equal(jobs_run(H.store, &jr), 0);
	assert_true(jr.retention.lookups > 0);
	assert_int_equal(count(store_sql(H.store, "SELECT count(*) FROM complaint_lookups")), 0);
	at(0);
}

/* ---- the inspector's preview ---- */

static void test_inspection_preview(void **state)
{
	(void)state;
	at(0);
	/* the pass mark is in the inspection's answer: the standard, whatever it is set to */
	resp_free(ok("PATCH", "/api/standards", admin, "{\"spot_check_pass_score\":70}", 200));
	/* two samples still to score, and their inspectors */
	int64_t ids[2] = {0, 0};
	char tok[2][TOKEN_LEN];
	struct stmt *st = store_sql(H.store, "SELECT i.id, u.login FROM inspections i JOIN users u ON u.id = i.inspector_id"
					     " WHERE i.status = 'assigned' ORDER BY i.id LIMIT 2");
	for (int k = 0; k < 2; k++) {
		assert_int_equal(stmt_step(st), STORE_ROW);
		ids[k] = stmt_int(st, 0);
		char login[64];
		str_copy(login, sizeof login, stmt_text(st, 1));
		h_login(&H, login, tok[k], NULL);
	}
	stmt_done(st);
	struct resp *r;
	for (int k = 0; k < 2; k++) {
		char path[96], body[2048];
		/* the household is called first: its contact opened, and the call made with it */
		snprintf(path, sizeof path, "/api/inspections/%lld/contact", (long long)ids[k]);
		resp_free(ok("POST", path, tok[k], NULL, 200));
		int64_t called = clock_now();
		snprintf(path, sizeof path, "/api/inspections/%lld", (long long)ids[k]);
		r = ok("GET", path, tok[k], NULL, 200);
		int64_t pass = resp_int(r, "pass_score");
		assert_int_equal(pass, 70);
		assert_int_equal(resp_int(r, "rectification_days"), 15);
		json_t *ind = json_object_get(json_object_get(json_object_get(r->json, "booking"), "category"), "indicators");
		size_t n = json_array_size(ind);
		assert_true(n >= 2);
		/* scores whose mean is just under the mark (k = 0) or on it (k = 1), with a fraction: the
		 * preview's rule, the mean rounded down against pass_score, is the server's verdict */
		int64_t sum = pass * (int64_t)n - (k == 0 ? 1 : 0) + (k == 1 ? (int64_t)n - 1 : 0);
		size_t len = (size_t)snprintf(body, sizeof body, "{\"visit_kind\":\"phone\",\"visited_at\":\"%s\",\"scores\":[",
					      h_iso(called));
		int64_t left = sum;
		for (size_t i = 0; i < n; i++) {
			int64_t s = i + 1 == n ? left : sum / (int64_t)n;
			left -= s;
			len += (size_t)snprintf(body + len, sizeof body - len, "%s{\"indicator_id\":%lld,\"score\":%lld}",
						i ? "," : "", (long long)json_integer_value(json_object_get(json_array_get(ind, i), "id")),
						(long long)s);
		}
		snprintf(body + len, sizeof body - len, "],\"findings\":\"回访记录。\"}");
		resp_free(r);
		int64_t preview = sum / (int64_t)n;
		const char *verdict = preview >= pass ? "passed" : "rectifying";
		snprintf(path, sizeof path, "/api/inspections/%lld/result", (long long)ids[k]);
		r = ok("POST", path, tok[k], body, 200);
		assert_int_equal(resp_int(r, "score"), preview);
		assert_string_equal(resp_str(r, "status"), verdict);
		assert_string_equal(resp_str(r, "status"), k == 0 ? "rectifying" : "passed");
		resp_free(r);
	}
	resp_free(ok("PATCH", "/api/standards", admin, "{\"spot_check_pass_score\":80}", 200));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_callback_required),
		cmocka_unit_test(test_search),
		cmocka_unit_test(test_queue_search),
		cmocka_unit_test(test_tracking),
		cmocka_unit_test(test_inspection_preview),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
