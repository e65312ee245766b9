/* "May serve" over the whole booking, through the API on the demo industry: a booking, an
 * assignment or a confirmation is refused when anything lapses inside its window; a worker barred
 * while checked in does not check out as if nothing happened; a move between companies takes the
 * worker's bookings still to come back to the old company's queue; the hours of the day a unit is
 * booked in; a worker's level and experience are bounded by their certificate and their age. */
#include "harness.h"

#include "privacy/sealed.h"
#include "util/clock.h"
#include "util/strbuf.h"
#include "util/timefmt.h"

static struct harness H;
static char co1[TOKEN_LEN], worker1[TOKEN_LEN], cust[TOKEN_LEN], admin[TOKEN_LEN];
static int64_t w1, co1_id, hour_item;

#define ok(method, path, token, body, status) h_ok(&H, method, path, token, body, status)
#define iso h_iso
#define day_at h_day_at

/* A sum that changes with any booking or worker written or moved. */
static int64_t gate_sum(void)
{
	int64_t n = 0;
	stmt_one_int(store_sql(H.store, "SELECT (SELECT count(*) + coalesce(sum(length(status) + coalesce(worker_id, 0)"
					" + coalesce(length(barred_code), 0)), 0) FROM bookings)"
					" + (SELECT coalesce(sum(length(level) + coalesce(length(experience_since), 0)), 0)"
					" FROM workers)"), &n);
	return n;
}

static void refused(const char *method, const char *path, const char *token, const char *body, int status,
		    const char *code)
{
	h_refused(&H, gate_sum, method, path, token, body, status, code);
}

static void at(int64_t t)
{
	clock_set(t);
	h_login(&H, "company1", co1, NULL);
	h_login(&H, "worker1", worker1, NULL);
	h_login(&H, "customer1", cust, NULL);
	h_login(&H, "admin", admin, NULL);
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

/* Every item of the booking's phase answered key: value, then extra (",\"reason\":…" or NULL). */
static const char *answers(int64_t booking, const char *phase, const char *key, const char *value, const char *extra)
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
	snprintf(body + n, sizeof body - n, "]%s}", extra ? extra : "");
	resp_free(r);
	return body;
}

/* Whether the refusal's reasons name code. */
static int reason_named(const struct resp *r, const char *code)
{
	json_t *rs = json_object_get(json_object_get(r->json, "error"), "reasons");
	if (!rs)
		rs = json_object_get(r->json, "reasons");
	for (size_t i = 0; i < json_array_size(rs); i++)
		if (strcmp(json_string_value(json_object_get(json_array_get(rs, i), "code")), code) == 0)
			return 1;
	return 0;
}

static void set_cert_until(int64_t worker, int64_t until)
{
	char day[11];
	time_format_date(time_local_days(until), day);
	struct stmt *st = store_sql(H.store, "UPDATE certificates SET valid_until = $2 WHERE worker_id = $1 AND status = 'valid'");
	stmt_bind_int(st, 1, worker);
	stmt_bind_text(st, 2, day);
	assert_int_equal(stmt_exec(st), 0);
}

static int64_t book(int64_t item, int64_t start, int64_t end, int64_t worker)
{
	struct resp *r = ok("POST", "/api/bookings", cust, book_body(item, start, end, worker), 201);
	int64_t id = resp_int(r, "id");
	resp_free(r);
	return id;
}

static int setup(void **state)
{
	(void)state;
	h_open_demo(&H, 60);
	at(0);
	h_hour_cast(&H, worker1, &w1, &co1_id, &hour_item);
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	h_close(&H);
	return 0;
}

/* A day item, a worker with a login who serves its trade for its company, and that company's login. */
static void day_cast(int64_t *item, int64_t *worker, char login[32])
{
	struct stmt *st = store_sql(H.store,
		"SELECT si.id, w.id, (SELECT u2.login FROM users u2 WHERE u2.org_id = si.company_id AND u2.role = 'company_admin'"
		" ORDER BY u2.id LIMIT 1) FROM service_items si JOIN categories c ON c.id = si.category_id"
		" JOIN workers w ON w.company_id = si.company_id AND w.user_id IS NOT NULL"
		" JOIN worker_trades t ON t.worker_id = w.id AND t.trade = c.trade"
		" WHERE si.unit = 'day' AND si.active = 1 AND c.active = 1 ORDER BY si.id, w.id LIMIT 1");
	assert_int_equal(stmt_step(st), STORE_ROW);
	*item = stmt_int(st, 0);
	*worker = stmt_int(st, 1);
	str_copy(login, 32, stmt_text(st, 2));
	stmt_done(st);
}

static void test_whole_window(void **state)
{
	(void)state;
	at(0);
	int64_t item, worker;
	char login[32], co[TOKEN_LEN];
	day_cast(&item, &worker, login);
	h_login(&H, login, co, NULL);
	/* a 30-day booking, the certificate expiring on its tenth day: green at the start, refused */
	int64_t start = day_at(3, 8), end = day_at(32, 18);
	set_cert_until(worker, day_at(12, 12));
	struct resp *r = h_api(&H, "POST", "/api/bookings", cust, book_body(item, start, end, worker));
	assert_int_equal(r->status, 422);
	assert_string_equal(resp_code(r), "worker_not_eligible");
	assert_true(reason_named(r, "certificate_expired"));
	resp_free(r);
	refused("POST", "/api/bookings", cust, book_body(item, start, end, worker), 422, "worker_not_eligible");
	/* nor assigned by the company, the booking left unassigned */
	r = ok("POST", "/api/bookings", cust, book_body(item, start, end, 0), 201);
	int64_t open = resp_int(r, "id");
	resp_free(r);
	char path[96], body[64];
	snprintf(path, sizeof path, "/api/bookings/%lld/assign", (long long)open);
	snprintf(body, sizeof body, "{\"worker_id\":%lld}", (long long)worker);
	refused("POST", path, co, body, 422, "worker_not_eligible");
	/* within the certificate: booked; the certificate then cut short inside it: not confirmed */
	int64_t id = book(item, start, day_at(7, 18), worker);
	set_cert_until(worker, day_at(5, 12));
	snprintf(path, sizeof path, "/api/bookings/%lld/confirm", (long long)id);
	refused("POST", path, co, answers(id, "pre", "done", "true", NULL), 422, "worker_not_eligible");
	set_cert_until(worker, day_at(300, 12));
	resp_free(ok("POST", path, co, answers(id, "pre", "done", "true", NULL), 200));
}

static void test_barred_while_checked_in(void **state)
{
	(void)state;
	at(0);
	int64_t start = day_at(9, 9), end = start + 3 * 3600;
	int64_t id = book(hour_item, start, end, w1);
	char path[96], wpath[96], body[160];
	snprintf(path, sizeof path, "/api/bookings/%lld/confirm", (long long)id);
	resp_free(ok("POST", path, worker1, answers(id, "pre", "done", "true", NULL), 200));
	at(start - 60);
	snprintf(path, sizeof path, "/api/bookings/%lld/checkin", (long long)id);
	resp_free(ok("POST", path, worker1, NULL, 200));
	/* suspended an hour in */
	at(start + 3600);
	snprintf(wpath, sizeof wpath, "/api/workers/%lld/suspension", (long long)w1);
	char until[11];
	time_format_date(time_today() + 30, until);
	snprintf(body, sizeof body, "{\"until\":\"%s\",\"reason\":\"投诉查实，暂停从业\"}", until);
	resp_free(ok("POST", wpath, admin, body, 200));
	at(start + 3600 + 60);
	/* the worker cannot close the service as if nothing happened */
	snprintf(path, sizeof path, "/api/bookings/%lld/checkout", (long long)id);
	refused("POST", path, worker1, answers(id, "in", "result", "\"pass\"", ",\"reason\":\"做完了\""), 422,
		"worker_not_eligible");
	/* the company closes it, with a reason; the booking is marked */
	refused("POST", path, co1, answers(id, "in", "result", "\"pass\"", NULL), 422, "barred_checkout_reason_required");
	struct resp *r = ok("POST", path, co1, "{\"items\":[],\"reason\":\"服务人员被暂停从业，企业中止服务\"}", 200);
	assert_string_equal(resp_str(r, "status"), "completed");
	assert_string_equal(resp_str(r, "barred.code"), "worker_suspended");
	assert_string_equal(resp_str(r, "barred.reason"), "服务人员被暂停从业，企业中止服务");
	resp_free(r);
	/* and it takes no review */
	snprintf(path, sizeof path, "/api/bookings/%lld/review", (long long)id);
	refused("POST", path, cust, "{\"overall\":5,\"punctuality\":5,\"skill\":5,\"attitude\":5,\"hygiene\":5}", 422,
		"service_stopped");
	resp_free(ok("DELETE", wpath, admin, NULL, 200));
}

static void test_move_releases(void **state)
{
	(void)state;
	at(0);
	/* worker1: one job under way, one confirmed to come */
	int64_t start = day_at(11, 9), later = day_at(12, 9);
	int64_t under_way = book(hour_item, start, start + 3 * 3600, w1);
	int64_t to_come = book(hour_item, later, later + 3 * 3600, w1);
	char path[96];
	int64_t ids[2] = {under_way, to_come};
	for (int i = 0; i < 2; i++) {
		snprintf(path, sizeof path, "/api/bookings/%lld/confirm", (long long)ids[i]);
		resp_free(ok("POST", path, worker1, answers(ids[i], "pre", "done", "true", NULL), 200));
	}
	at(start - 60);
	snprintf(path, sizeof path, "/api/bookings/%lld/checkin", (long long)under_way);
	resp_free(ok("POST", path, worker1, NULL, 200));

	/* another company registers the same person; the association confirms the move */
	char number[19], co2[TOKEN_LEN], body[512];
	struct stmt *st = store_sql(H.store, "SELECT id_sealed, name FROM workers WHERE id = $1");
	stmt_bind_int(st, 1, w1);
	assert_int_equal(stmt_step(st), STORE_ROW);
	assert_int_equal(sealed_worker_number(w1, stmt_text(st, 0), number), 0);
	char above[512];
	snprintf(body, sizeof body, "{\"name\":\"%s\",\"id_number\":\"%s\",\"phone\":\"13912345678\","
				    "\"trades\":[\"household\"],\"level\":\"junior\"}", stmt_text(st, 1), number);
	snprintf(above, sizeof above, "{\"name\":\"%s\",\"id_number\":\"%s\",\"phone\":\"13912345678\","
				     "\"trades\":[\"household\"],\"level\":\"senior_technician\"}", stmt_text(st, 1), number);
	stmt_done(st);
	h_login(&H, "company2", co2, NULL);
	/* nor may the new company state a level above the person's certificates */
	refused("POST", "/api/workers", co2, above, 422, "level_above_certificate");
	struct resp *r = ok("POST", "/api/workers", co2, body, 202);
	int64_t transfer = resp_int(r, "id");
	resp_free(r);
	snprintf(path, sizeof path, "/api/transfers/%lld/accept", (long long)transfer);
	resp_free(ok("POST", path, admin, "{\"note\":\"本人到协会窗口确认\"}", 200));
	at(start + 3600);

	/* the job to come is back in company1's queue, with its event and a notice */
	snprintf(path, sizeof path, "/api/bookings/%lld", (long long)to_come);
	r = ok("GET", path, co1, NULL, 200);
	assert_string_equal(resp_str(r, "status"), "requested");
	assert_true(json_is_null(json_object_get(r->json, "worker")) || !json_object_get(r->json, "worker"));
	assert_non_null(strstr(r->body, "\"release\""));
	resp_free(r);
	r = ok("GET", "/api/notifications", co1, NULL, 200);
	assert_non_null(strstr(r->body, "booking_release"));
	resp_free(r);
	/* the job under way: the worker, now of company2, cannot close it; company1 does, with a reason */
	snprintf(path, sizeof path, "/api/bookings/%lld/checkout", (long long)under_way);
	refused("POST", path, worker1, answers(under_way, "in", "result", "\"pass\"", ",\"reason\":\"做完了\""), 422,
		"worker_not_of_company");
	refused("POST", path, co1, answers(under_way, "in", "result", "\"pass\"", NULL), 422,
		"barred_checkout_reason_required");
	r = ok("POST", path, co1, "{\"items\":[],\"reason\":\"服务人员已转入其他企业\"}", 200);
	assert_string_equal(resp_str(r, "barred.code"), "worker_not_of_company");
	resp_free(r);
}

static void test_service_hours(void **state)
{
	(void)state;
	at(0);
	/* 3 a.m., past 21:00, a day service starting at noon */
	refused("POST", "/api/bookings", cust, book_body(hour_item, day_at(20, 3), day_at(20, 5), w1), 422,
		"outside_service_hours");
	refused("POST", "/api/bookings", cust, book_body(hour_item, day_at(20, 19), day_at(20, 22), w1), 422,
		"outside_service_hours");
	/* one second, and 31 days on an hourly item: the fee rule */
	refused("POST", "/api/bookings", cust, book_body(hour_item, day_at(20, 9), day_at(20, 9) + 1, w1), 422,
		"period_too_short");
	refused("POST", "/api/bookings", cust, book_body(hour_item, day_at(20, 9), day_at(50, 9), w1), 422,
		"period_too_long");
	int64_t item, worker;
	char login[32];
	day_cast(&item, &worker, login);
	refused("POST", "/api/bookings", cust, book_body(item, day_at(21, 12), day_at(22, 12), 0), 422,
		"outside_service_hours");
	/* the hours are the standards': widened, 3 a.m. is taken */
	resp_free(ok("PATCH", "/api/standards", admin, "{\"hourly_from_hour\":0}", 200));
	resp_free(ok("POST", "/api/bookings", cust, book_body(hour_item, day_at(20, 3), day_at(20, 5), w1), 201));
	resp_free(ok("PATCH", "/api/standards", admin, "{\"hourly_from_hour\":7}", 200));
}

static void test_level_and_experience(void **state)
{
	(void)state;
	at(0);
	char path[64], body[128];
	snprintf(path, sizeof path, "/api/workers/%lld", (long long)w1);
	/* the highest valid certificate's level */
	struct stmt *st = store_sql(H.store, "SELECT level FROM certificates WHERE worker_id = $1 AND status = 'valid'"
					     " ORDER BY id LIMIT 1");
	stmt_bind_int(st, 1, w1);
	assert_int_equal(stmt_step(st), STORE_ROW);
	char cert_level[24];
	str_copy(cert_level, sizeof cert_level, stmt_text(st, 0));
	stmt_done(st);
	st = store_sql(H.store, "UPDATE certificates SET level = 'intermediate' WHERE worker_id = $1");
	stmt_bind_int(st, 1, w1);
	assert_int_equal(stmt_exec(st), 0);
	refused("PATCH", path, co1, "{\"level\":\"senior_technician\"}", 422, "level_above_certificate");
	refused("PATCH", path, co1, "{\"level\":\"senior\"}", 422, "level_above_certificate");
	struct resp *r = ok("PATCH", path, co1, "{\"level\":\"intermediate\"}", 200);
	assert_string_equal(resp_str(r, "level"), "intermediate");
	resp_free(r);
	/* experience from before the sixteenth birthday, or from tomorrow */
	refused("PATCH", path, co1, "{\"experience_since\":\"1970-01-01\"}", 422, "experience_before_working_age");
	r = ok("GET", path, admin, NULL, 200);
	int64_t born_year = 0;
	const char *birth = resp_str(r, "birth_date");
	assert_non_null(birth);
	born_year = strtol(birth, NULL, 10);
	char sixteen[32], fifteen[32];
	snprintf(sixteen, sizeof sixteen, "%04d%.6s", (int)(born_year % 10000) + 16, birth + 4);
	snprintf(fifteen, sizeof fifteen, "%04d%.6s", (int)(born_year % 10000) + 15, birth + 4);
	int leap_day = strcmp(birth + 4, "-02-29") == 0;
	resp_free(r);
	if (!leap_day) {
		snprintf(body, sizeof body, "{\"experience_since\":\"%s\"}", fifteen);
		refused("PATCH", path, co1, body, 422, "experience_before_working_age");
		snprintf(body, sizeof body, "{\"experience_since\":\"%s\"}", sixteen);
		resp_free(ok("PATCH", path, co1, body, 200));
	}
	st = store_sql(H.store, "UPDATE certificates SET level = $2 WHERE worker_id = $1");
	stmt_bind_int(st, 1, w1);
	stmt_bind_text(st, 2, cert_level);
	assert_int_equal(stmt_exec(st), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_whole_window),
		cmocka_unit_test(test_service_hours),
		cmocka_unit_test(test_level_and_experience),
		cmocka_unit_test(test_barred_while_checked_in),
		/* last: worker1 leaves company1 */
		cmocka_unit_test(test_move_releases),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
