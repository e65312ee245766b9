/* The worker's and the customer's day, through the API on the demo industry: a worker declines a job
 * offered to them, a customer keeps addresses to book with (sealed, theirs alone, in their data and
 * gone with their account), the notices of each step of a booking, the daily notice of what is
 * about to lapse, and a forgotten password reset with a code the service centre gives a confirmed
 * caller. */
#include "harness.h"

#include "jobs.h"
#include "util/clock.h"
#include "util/timefmt.h"

static struct harness H;
static char admin[TOKEN_LEN], co1[TOKEN_LEN], worker1[TOKEN_LEN], worker2[TOKEN_LEN], cust[TOKEN_LEN],
	cust2[TOKEN_LEN], cs[TOKEN_LEN];
static int64_t w1, w1_user, cust_id, hk_item;

static struct resp *call(const char *method, const char *path, const char *token, const char *body)
{
	return h_api(&H, method, path, token, body);
}

#define ok(method, path, token, body, status) h_ok(&H, method, path, token, body, status)

static void done(const char *method, const char *path, const char *token, const char *body, int status)
{
	resp_free(ok(method, path, token, body, status));
}

/* Everything a refusal here must leave alone, as one number. */
static int64_t written(void)
{
	int64_t n = 0;
	assert_int_equal(stmt_one_int(store_sql(H.store,
		"SELECT (SELECT count(*) FROM outbox) + (SELECT count(*) FROM booking_events)"
		" + (SELECT count(*) FROM customer_addresses) + (SELECT count(*) FROM onetime_codes)"
		" + (SELECT coalesce(sum(coalesce(worker_id, 0) + live + length(status)), 0) FROM bookings)"), &n), 0);
	return n + h_writes(&H);
}

/* Asserts a refusal, and that nothing was written. */
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
	h_login(&H, "worker1", worker1, NULL);
	h_login(&H, "worker2", worker2, NULL);
	h_login(&H, "customer1", cust, NULL);
	h_login(&H, "customer2", cust2, NULL);
	h_login(&H, "cs1", cs, NULL);
}

#define iso h_iso

#define day_at h_day_at

static int setup(void **state)
{
	(void)state;
	h_open_demo(&H, 60);
	at(0);
	struct resp *r = ok("GET", "/api/me/worker", worker1, NULL, 200);
	w1 = resp_int(r, "id");
	resp_free(r);
	r = ok("GET", "/api/me", worker1, NULL, 200);
	w1_user = resp_int(r, "user.id");
	resp_free(r);
	r = ok("GET", "/api/me", cust, NULL, 200);
	cust_id = resp_int(r, "user.id");
	resp_free(r);
	/* the item of worker1's trade that worker1's own demo bookings use */
	struct stmt *st = store_sql(H.store, "SELECT service_item_id FROM bookings WHERE worker_id = $1 AND customer_id = $2"
					     " ORDER BY id LIMIT 1");
	stmt_bind_int(st, 1, w1);
	stmt_bind_int(st, 2, cust_id);
	assert_int_equal(stmt_one_int(st, &hk_item), 0);
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	clock_set(0);
	h_close(&H);
	return 0;
}

static int64_t book(const char *token, int64_t start, int64_t worker)
{
	char body[512];
	int n = snprintf(body, sizeof body, "{\"service_item_id\":%lld,\"start\":\"%s\",\"end\":\"%s\","
					   "\"address\":\"杭州市西湖区文三路 90 号 3 幢 201 室\",\"contact_phone\":\"13905710088\"",
			 (long long)hk_item, iso(start), iso(start + 2 * 3600));
	if (worker)
		snprintf(body + n, sizeof body - (size_t)n, ",\"worker_id\":%lld}", (long long)worker);
	else
		snprintf(body + n, sizeof body - (size_t)n, "}");
	struct resp *r = ok("POST", "/api/bookings", token, body, 201);
	int64_t id = resp_int(r, "id");
	resp_free(r);
	return id;
}

/* The answers to every item of a phase, as a move's body. */
static const char *answers(int64_t booking, const char *phase, const char *key, const char *value)
{
	static char body[4096];
	char path[64];
	snprintf(path, sizeof path, "/api/bookings/%lld", (long long)booking);
	struct resp *r = ok("GET", path, admin, NULL, 200);
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

/* How many notices of topic about booking id the user (or, with org set, the organisation) holds. */
static int64_t notices(int64_t user, int64_t org, const char *topic, int64_t id)
{
	int64_t n = 0;
	struct stmt *st = store_sql(H.store, "SELECT count(*) FROM outbox WHERE topic = $1 AND subject_id = $2"
					     " AND coalesce(user_id, 0) = $3 AND coalesce(org_id, 0) = $4");
	stmt_bind_text(st, 1, topic);
	stmt_bind_int(st, 2, id);
	stmt_bind_int(st, 3, user);
	stmt_bind_int(st, 4, org);
	assert_int_equal(stmt_one_int(st, &n), 0);
	return n;
}

static int64_t company_of(int64_t booking)
{
	int64_t co = 0;
	struct stmt *st = store_sql(H.store, "SELECT company_id FROM bookings WHERE id = $1");
	stmt_bind_int(st, 1, booking);
	assert_int_equal(stmt_one_int(st, &co), 0);
	return co;
}

/* ---- declining a job offered ---- */

static void test_decline(void **state)
{
	(void)state;
	char path[96];
	/* a job the customer offered worker1 by choosing them */
	int64_t id = book(cust, day_at(5, 9), w1), co = company_of(id);
	assert_int_equal(notices(w1_user, 0, "booking_assign", id), 1);
	snprintf(path, sizeof path, "/api/bookings/%lld/decline", (long long)id);
	const char *why = "{\"reason\":\"那天要去医院复查\"}";
	/* only the worker it is offered to */
	refused("POST", path, worker2, why, 404, "not_found");
	refused("POST", path, co1, why, 403, "forbidden");
	refused("POST", path, cust, why, 403, "forbidden");
	refused("POST", path, cust2, why, 404, "not_found");
	refused("POST", path, worker1, "{}", 400, "missing_field");
	refused("POST", path, worker1, "{\"reason\":\"x\"}", 400, "too_short");
	/* once confirmed it is no longer an offer */
	int64_t confirmed = book(cust, day_at(6, 9), w1);
	char cpath[96];
	snprintf(cpath, sizeof cpath, "/api/bookings/%lld/confirm", (long long)confirmed);
	done("POST", cpath, worker1, answers(confirmed, "pre", "done", "true"), 200);
	snprintf(cpath, sizeof cpath, "/api/bookings/%lld/decline", (long long)confirmed);
	refused("POST", cpath, worker1, why, 409, "invalid_transition");

	struct resp *r = ok("POST", path, worker1, why, 200);
	assert_true(json_is_true(json_object_get(r->json, "declined")));
	assert_null(json_object_get(r->json, "customer"));
	resp_free(r);
	/* back with the company, unassigned, the reason on the timeline */
	snprintf(cpath, sizeof cpath, "/api/bookings/%lld", (long long)id);
	r = ok("GET", cpath, co1, NULL, 200);
	assert_string_equal(resp_str(r, "status"), "requested");
	assert_true(json_is_null(json_object_get(r->json, "worker")));
	json_t *tl = json_object_get(r->json, "timeline");
	json_t *last = json_array_get(tl, json_array_size(tl) - 1);
	assert_string_equal(json_string_value(json_object_get(last, "action")), "decline");
	assert_string_equal(json_string_value(json_object_get(last, "note")), "那天要去医院复查");
	resp_free(r);
	int64_t live = -1;
	struct stmt *st = store_sql(H.store, "SELECT live FROM bookings WHERE id = $1");
	stmt_bind_int(st, 1, id);
	assert_int_equal(stmt_one_int(st, &live), 0);
	assert_int_equal(live, 0);
	/* the company and the customer are told, and the audit chain has it */
	assert_int_equal(notices(0, co, "booking_decline", id), 1);
	assert_int_equal(notices(cust_id, 0, "booking_decline", id), 1);
	st = store_sql(H.store, "SELECT count(*) FROM outbox WHERE topic = 'booking_decline' AND subject_id = $1"
				" AND org_id = $2 AND text_zh LIKE '%医院复查%'");
	stmt_bind_int(st, 1, id);
	stmt_bind_int(st, 2, co);
	int64_t n = 0;
	assert_int_equal(stmt_one_int(st, &n), 0);
	assert_int_equal(n, 1);
	st = store_sql(H.store, "SELECT count(*) FROM audit_log WHERE action = 'booking.decline' AND entity_id = $1");
	stmt_bind_int(st, 1, id);
	assert_int_equal(stmt_one_int(st, &n), 0);
	assert_int_equal(n, 1);
	/* and it is no longer worker1's at all */
	refused("POST", path, worker1, why, 404, "not_found");
	refused("GET", cpath, worker1, NULL, 404, "not_found");
}

/* ---- saved addresses ---- */

static const char home_address[] = "上海市徐汇区漕溪北路 88 号 12 楼 1203 室";

/* Whether the file at path holds needle. */
static int file_holds(const char *path, const char *needle)
{
	FILE *f = fopen(path, "rb");
	if (!f)
		return 0;
	size_t n = strlen(needle), cap = 1 << 20, have = 0, got;
	char *buf = malloc(cap + n);
	int found = 0;
	assert_non_null(buf);
	while (!found && (got = fread(buf + have, 1, cap, f)) > 0) {
		have += got;
		found = memmem(buf, have, needle, n) != NULL;
		/* keep the tail that could begin a match across the read */
		if (have >= n) {
			memmove(buf, buf + have - (n - 1), n - 1);
			have = n - 1;
		}
	}
	fclose(f);
	free(buf);
	return found;
}

static void test_addresses(void **state)
{
	(void)state;
	char body[512], path[96], wal[300];
	snprintf(body, sizeof body, "{\"label\":\"家\",\"address\":\"%s\"}", home_address);
	refused("POST", "/api/me/addresses", worker1, body, 403, "forbidden");
	refused("POST", "/api/me/addresses", cust, "{\"address\":\"短\"}", 400, "too_short");
	struct resp *r = ok("GET", "/api/me/addresses", cust, NULL, 200);
	size_t had = json_array_size(json_object_get(r->json, "items")); /* the demo's */
	resp_free(r);
	r = ok("POST", "/api/me/addresses", cust, body, 201);
	int64_t id = resp_int(r, "id");
	assert_string_equal(resp_str(r, "address"), home_address);
	resp_free(r);
	r = ok("GET", "/api/me/addresses", cust, NULL, 200);
	json_t *items = json_object_get(r->json, "items");
	assert_int_equal(json_array_size(items), had + 1);
	assert_string_equal(json_string_value(json_object_get(json_array_get(items, 0), "address")), home_address);
	assert_string_equal(json_string_value(json_object_get(json_array_get(items, 0), "label")), "家");
	resp_free(r);
	/* another customer never reads or removes it */
	r = ok("GET", "/api/me/addresses", cust2, NULL, 200);
	assert_int_equal(json_array_size(json_object_get(r->json, "items")), 0);
	resp_free(r);
	snprintf(path, sizeof path, "/api/me/addresses/%lld", (long long)id);
	refused("DELETE", path, cust2, NULL, 404, "not_found");
	refused("GET", "/api/me/addresses", worker1, NULL, 403, "forbidden");
	refused("GET", "/api/me/addresses", cs, NULL, 403, "forbidden");
	/* sealed in the database, bound to its row: neither the file nor its log holds it in clear */
	int64_t sealed = 0;
	struct stmt *st = store_sql(H.store, "SELECT count(*) FROM customer_addresses WHERE id = $1"
					     " AND address_sealed LIKE 's2.%'");
	stmt_bind_int(st, 1, id);
	assert_int_equal(stmt_one_int(st, &sealed), 0);
	assert_int_equal(sealed, 1);
	snprintf(wal, sizeof wal, "%s-wal", H.db);
	assert_false(file_holds(H.db, "漕溪北路 88 号"));
	assert_false(file_holds(wal, "漕溪北路 88 号"));
	/* moved to another customer's row, it does not open */
	st = store_sql(H.store, "INSERT INTO customer_addresses (customer_id, label, address_sealed, created_at)"
				" SELECT (SELECT id FROM users WHERE login = 'customer2'), 'copy', address_sealed, created_at"
				" FROM customer_addresses WHERE id = $1");
	stmt_bind_int(st, 1, id);
	assert_int_equal(stmt_exec(st), 0);
	r = ok("GET", "/api/me/addresses", cust2, NULL, 200);
	assert_true(json_is_null(json_object_get(json_array_get(json_object_get(r->json, "items"), 0), "address")));
	resp_free(r);
	/* in the customer's copy of their data */
	r = ok("GET", "/api/me/data", cust, NULL, 200);
	json_t *saved = json_object_get(r->json, "saved_addresses");
	assert_int_equal(json_array_size(saved), had + 1);
	assert_string_equal(json_string_value(json_object_get(json_array_get(saved, 0), "address")), home_address);
	resp_free(r);
	/* at most ten */
	for (int i = 0; i < 10 - (int)had - 1; i++) {
		snprintf(body, sizeof body, "{\"address\":\"杭州市上城区解放路 %d 号\"}", i + 1);
		done("POST", "/api/me/addresses", cust, body, 201);
	}
	refused("POST", "/api/me/addresses", cust, "{\"address\":\"杭州市上城区解放路 99 号\"}", 422, "too_many_addresses");
	/* removed by their owner */
	done("DELETE", path, cust, NULL, 204);
	refused("DELETE", path, cust, NULL, 404, "not_found");
	/* and gone with the account */
	char fresh[TOKEN_LEN];
	snprintf(body, sizeof body, "{\"login\":\"newhousehold\",\"name\":\"钱芳\",\"password\":\"%s\"}", H_PASSWORD);
	done("POST", "/api/public/customers", NULL, body, 201);
	h_login(&H, "newhousehold", fresh, NULL);
	r = ok("POST", "/api/me/addresses", fresh, "{\"address\":\"杭州市拱墅区莫干山路 100 号\"}", 201);
	int64_t kept = resp_int(r, "id");
	resp_free(r);
	snprintf(body, sizeof body, "{\"password\":\"%s\"}", H_PASSWORD);
	done("DELETE", "/api/me", fresh, body, 200);
	int64_t left = -1;
	st = store_sql(H.store, "SELECT count(*) FROM customer_addresses WHERE id = $1");
	stmt_bind_int(st, 1, kept);
	assert_int_equal(stmt_one_int(st, &left), 0);
	assert_int_equal(left, 0);
}

/* ---- the notices of a booking's steps ---- */

static void test_step_notices(void **state)
{
	(void)state;
	char path[96];
	int64_t start = day_at(3, 10);
	int64_t id = book(cust, start, 0), co = company_of(id);
	/* nobody is told of their own request */
	assert_int_equal(notices(cust_id, 0, "booking_assign", id), 0);
	snprintf(path, sizeof path, "/api/bookings/%lld/assign", (long long)id);
	char body[64];
	snprintf(body, sizeof body, "{\"worker_id\":%lld}", (long long)w1);
	done("POST", path, co1, body, 200);
	assert_int_equal(notices(cust_id, 0, "booking_assign", id), 1);
	assert_int_equal(notices(w1_user, 0, "booking_assign", id), 1);
	snprintf(path, sizeof path, "/api/bookings/%lld/confirm", (long long)id);
	done("POST", path, worker1, answers(id, "pre", "done", "true"), 200);
	assert_int_equal(notices(cust_id, 0, "booking_confirm", id), 1);
	assert_int_equal(notices(w1_user, 0, "booking_confirm", id), 0);
	at(start - 600);
	snprintf(path, sizeof path, "/api/bookings/%lld/checkin", (long long)id);
	done("POST", path, worker1, NULL, 200);
	assert_int_equal(notices(cust_id, 0, "booking_checkin", id), 1);
	at(start + 2 * 3600);
	snprintf(path, sizeof path, "/api/bookings/%lld/checkout", (long long)id);
	done("POST", path, worker1, answers(id, "in", "result", "\"pass\""), 200);
	assert_int_equal(notices(cust_id, 0, "booking_checkout", id), 1);
	/* the English text is there beside the Chinese */
	struct resp *r = ok("GET", "/api/notifications", cust, NULL, 200);
	assert_true(json_array_size(json_object_get(r->json, "items")) > 0);
	resp_free(r);
	int64_t n = 0;
	struct stmt *st = store_sql(H.store, "SELECT count(*) FROM outbox WHERE subject_id = $1 AND subject_kind = 'booking'"
					     " AND (lower(text_en) NOT LIKE '%booking #%' OR text_zh NOT LIKE '%预约 #%')");
	stmt_bind_int(st, 1, id);
	assert_int_equal(stmt_one_int(st, &n), 0);
	assert_int_equal(n, 0);

	/* cancelled by the customer: the worker and the company are told, and by whom */
	at(0);
	int64_t c = book(cust, day_at(7, 14), w1);
	snprintf(path, sizeof path, "/api/bookings/%lld/cancel", (long long)c);
	done("POST", path, cust, "{\"reason\":\"家里临时有事\"}", 200);
	assert_int_equal(notices(w1_user, 0, "booking_cancel", c), 1);
	assert_int_equal(notices(0, co, "booking_cancel", c), 1);
	assert_int_equal(notices(cust_id, 0, "booking_cancel", c), 0);
	st = store_sql(H.store, "SELECT count(*) FROM outbox WHERE topic = 'booking_cancel' AND subject_id = $1"
				" AND org_id IS NOT NULL AND text_en LIKE '%by the customer%'");
	stmt_bind_int(st, 1, c);
	assert_int_equal(stmt_one_int(st, &n), 0);
	assert_int_equal(n, 1);
	/* cancelled by the company: the customer is told it was the company */
	c = book(cust, day_at(8, 14), w1);
	snprintf(path, sizeof path, "/api/bookings/%lld/cancel", (long long)c);
	done("POST", path, co1, "{\"reason\":\"服务人员生病\"}", 200);
	st = store_sql(H.store, "SELECT count(*) FROM outbox WHERE topic = 'booking_cancel' AND subject_id = $1"
				" AND user_id = $2 AND text_en LIKE '%cancelled by the company%'");
	stmt_bind_int(st, 1, c);
	stmt_bind_int(st, 2, cust_id);
	assert_int_equal(stmt_one_int(st, &n), 0);
	assert_int_equal(n, 1);
	assert_int_equal(notices(0, co, "booking_cancel", c), 0);

	/* a no-show: the customer is told */
	int64_t ns = book(cust, day_at(9, 10), w1);
	snprintf(path, sizeof path, "/api/bookings/%lld/confirm", (long long)ns);
	done("POST", path, worker1, answers(ns, "pre", "done", "true"), 200);
	at(day_at(9, 11));
	snprintf(path, sizeof path, "/api/bookings/%lld/no-show", (long long)ns);
	done("POST", path, worker1, "{\"party\":\"customer\",\"reason\":\"敲门无人应答\"}", 200);
	assert_int_equal(notices(cust_id, 0, "booking_no_show", ns), 1);
	assert_int_equal(notices(0, co, "booking_no_show", ns), 1);
	at(0);
}

/* ---- what is about to lapse, told once ---- */

static void test_lapse_notices(void **state)
{
	(void)state;
	char path[96], body[256], day[11];
	struct jobs_report jr;
	/* a health examination of worker1's that lapses in ten days */
	time_format_date(time_today() + 10, day);
	char today[11];
	time_format_date(time_today() - 1, today);
	snprintf(body, sizeof body, "{\"kind\":\"health\",\"result\":\"pass\",\"checked_on\":\"%s\",\"valid_until\":\"%s\"}",
		 today, day);
	snprintf(path, sizeof path, "/api/workers/%lld/checks", (long long)w1);
	done("POST", path, co1, body, 201);
	/* the demo's load ran today's pass: this is tomorrow's */
	clock_set(day_at(1, 8));
	memset(&jr, 0, sizeof jr);
	assert_int_equal(jobs_run(H.store, &jr), 0);
	assert_true(jr.lapse_notices >= 1);
	assert_int_equal(notices(w1_user, 0, "lapse_health", w1), 1);
	int64_t n = 0;
	struct stmt *st = store_sql(H.store, "SELECT count(*) FROM outbox WHERE topic = 'lapse_health' AND user_id = $1"
					     " AND text_zh LIKE '%' || $2 || '%'");
	stmt_bind_int(st, 1, w1_user);
	stmt_bind_text(st, 2, day);
	assert_int_equal(stmt_one_int(st, &n), 0);
	assert_int_equal(n, 1);
	/* a second pass the same day, and one the next day, tell nobody again */
	memset(&jr, 0, sizeof jr);
	assert_int_equal(jobs_run(H.store, &jr), 0);
	assert_int_equal(jr.lapse_notices, 0);
	clock_set(clock_now() + 86400);
	memset(&jr, 0, sizeof jr);
	assert_int_equal(jobs_run(H.store, &jr), 0);
	assert_int_equal(notices(w1_user, 0, "lapse_health", w1), 1);
	st = store_sql(H.store, "SELECT count(*) FROM audit_log WHERE action = 'worker.lapse_notices' AND entity_id = $1");
	stmt_bind_int(st, 1, w1);
	assert_int_equal(stmt_one_int(st, &n), 0);
	assert_true(n >= 1);
	at(0);
}

/* ---- a forgotten password, through the service centre ---- */

static void test_customer_reset(void **state)
{
	(void)state;
	char body[512];
	int64_t bk = book(cust, day_at(10, 9), 0);
	/* the service centre holds no user management: it cannot reset an account by its id */
	char path[96];
	snprintf(path, sizeof path, "/api/users/%lld/reset", (long long)w1_user);
	refused("POST", path, cs, NULL, 403, "forbidden");
	snprintf(path, sizeof path, "/api/users/%lld/reset", (long long)cust_id);
	refused("POST", path, cs, NULL, 403, "forbidden");
	/* only the service centre and the association give such codes */
	snprintf(body, sizeof body, "{\"name\":\"周婷\",\"booking_id\":%lld}", (long long)bk);
	refused("POST", "/api/customers/reset-code", co1, body, 403, "forbidden");
	refused("POST", "/api/customers/reset-code", cust, body, 403, "forbidden");
	refused("POST", "/api/customers/reset-code", cs, "{\"name\":\"周婷\"}", 400, "missing_field");
	/* the caller must be confirmed: the name, and a booking of theirs or the telephone they booked with */
	snprintf(body, sizeof body, "{\"name\":\"周某\",\"booking_id\":%lld}", (long long)bk);
	refused("POST", "/api/customers/reset-code", cs, body, 422, "caller_not_confirmed");
	refused("POST", "/api/customers/reset-code", cs, "{\"name\":\"周婷\",\"phone\":\"13900000000\"}", 422,
		"caller_not_confirmed");
	/* customers only: a worker's account is not reset this way, whatever is known of it */
	struct resp *r = ok("GET", "/api/me", worker1, NULL, 200);
	snprintf(body, sizeof body, "{\"name\":\"%s\",\"login\":\"worker1\",\"phone\":\"13905710088\"}", resp_str(r, "user.name"));
	resp_free(r);
	refused("POST", "/api/customers/reset-code", cs, body, 422, "caller_not_confirmed");

	snprintf(body, sizeof body, "{\"name\":\"周婷\",\"phone\":\"13905710088\"}");
	r = ok("POST", "/api/customers/reset-code", cs, body, 200);
	assert_string_equal(resp_str(r, "user.login"), "customer1");
	char code[32];
	snprintf(code, sizeof code, "%s", resp_str(r, "reset_code"));
	int64_t expires = 0;
	time_parse_iso(resp_str(r, "code_expires_at"), &expires);
	assert_true(expires <= clock_now() + 30 * 60);
	resp_free(r);
	/* the customer is told, and the audit chain has who gave it */
	int64_t n = 0;
	struct stmt *st = store_sql(H.store, "SELECT count(*) FROM outbox WHERE topic = 'password_reset' AND user_id = $1");
	stmt_bind_int(st, 1, cust_id);
	assert_int_equal(stmt_one_int(st, &n), 0);
	assert_true(n >= 1);
	/* the customer chooses a new password with it, once */
	snprintf(body, sizeof body, "{\"login\":\"customer1\",\"code\":\"%s\",\"new_password\":\"a new household password\"}", code);
	done("POST", "/api/auth/password-code", NULL, body, 200);
	refused("POST", "/api/auth/password-code", NULL, body, 400, "invalid_code");
	snprintf(body, sizeof body, "{\"login\":\"customer1\",\"password\":\"a new household password\"}");
	done("POST", "/api/auth/login", NULL, body, 200);

	/* a code given by booking number lasts half an hour */
	snprintf(body, sizeof body, "{\"name\":\"周婷\",\"login\":\"customer1\",\"booking_id\":%lld}", (long long)bk);
	r = ok("POST", "/api/customers/reset-code", admin, body, 200);
	snprintf(code, sizeof code, "%s", resp_str(r, "reset_code"));
	resp_free(r);
	clock_set(clock_now() + 31 * 60);
	snprintf(body, sizeof body, "{\"login\":\"customer1\",\"code\":\"%s\",\"new_password\":\"another household password\"}", code);
	r = call("POST", "/api/auth/password-code", NULL, body);
	assert_int_equal(r->status, 400);
	resp_free(r);
	clock_set(0);

	/* callers who cannot be confirmed are turned away after a few */
	int limited = 0;
	for (int i = 0; i < 8 && !limited; i++) {
		r = call("POST", "/api/customers/reset-code", cs, "{\"name\":\"某某\",\"phone\":\"13900000001\"}");
		limited = r->status == 429;
		if (limited)
			assert_string_equal(resp_code(r), "too_many_unconfirmed");
		resp_free(r);
	}
	assert_true(limited);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_decline),
		cmocka_unit_test(test_addresses),
		cmocka_unit_test(test_step_notices),
		cmocka_unit_test(test_lapse_notices),
		cmocka_unit_test(test_customer_reset),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
