/* Spot checks nobody can re-draw, tried as the association and an inspector would on the demo
 * industry: new inspection bodies to draw last month again, a past month drawn at 1%, a sample
 * passed from inspector to inspector, and a home visit recorded for a time before the household's
 * contact was opened. Each was possible before plans were the deadline job's; each is refused
 * now, and writes nothing. */
#include "harness.h"

#include "util/clock.h"
#include "util/timefmt.h"

static struct harness H;
static char admin[TOKEN_LEN], ins1[TOKEN_LEN], ins2[TOKEN_LEN];
static int64_t ins1_id, ins2_id;

static int setup(void **state)
{
	(void)state;
	h_open_demo(&H, 300);
	h_login(&H, "admin", admin, NULL);
	h_login(&H, "inspector1", ins1, NULL);
	h_login(&H, "inspector2", ins2, NULL);
	struct resp *r = h_ok(&H, "GET", "/api/me", ins1, NULL, 200);
	ins1_id = resp_int(r, "user.id");
	resp_free(r);
	r = h_ok(&H, "GET", "/api/me", ins2, NULL, 200);
	ins2_id = resp_int(r, "user.id");
	resp_free(r);
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	h_close(&H);
	return 0;
}

static int64_t count(struct stmt *st)
{
	int64_t n = -1;
	assert_int_equal(stmt_one_int(st, &n), 0);
	return n;
}

static int64_t plans_of(int month)
{
	struct stmt *st = store_sql(H.store, "SELECT count(*) FROM sampling_plans WHERE month = $1");
	stmt_bind_int(st, 1, month);
	return count(st);
}

/* The samples of every plan of month, as one number that differs when the samples do. */
static int64_t samples_of(int month)
{
	struct stmt *st = store_sql(H.store, "SELECT count(*) * 1000003 + coalesce(sum(i.booking_id), 0) FROM inspections i"
					     " JOIN sampling_plans p ON p.id = i.plan_id WHERE p.month = $1");
	stmt_bind_int(st, 1, month);
	return count(st);
}

static const char *plan_body(int month, int share, int64_t body)
{
	static char out[160];
	char m[8];
	time_format_month(month, m);
	snprintf(out, sizeof out, "{\"month\":\"%s\",\"share_percent\":%d,\"min_per_company\":1,\"inspection_org_id\":%lld}",
		 m, share, (long long)body);
	return out;
}

/* Three new inspection bodies, and last month drawn again with each: three more plans, three
 * other samples. Now there is no drawing by hand: the month keeps its one plan and its samples. */
static void test_no_second_draw(void **state)
{
	(void)state;
	int last = time_month(clock_now()) - 1;
	int64_t plans = plans_of(last), samples = samples_of(last);
	assert_true(plans <= 1);
	for (int k = 0; k < 3; k++) {
		char body[128];
		snprintf(body, sizeof body, "{\"kind\":\"inspection\",\"name\":\"第%d评估有限公司\"}", k + 2);
		struct resp *r = h_ok(&H, "POST", "/api/orgs", admin, body, 201);
		int64_t org = resp_int(r, "id");
		resp_free(r);
		r = h_api(&H, "POST", "/api/sampling-plans", admin, plan_body(last, 10, org));
		assert_int_not_equal(r->status, 201);
		resp_free(r);
	}
	assert_int_equal(plans_of(last), plans);
	assert_int_equal(samples_of(last), samples);
	/* one plan a month in what is published */
	struct resp *r = h_ok(&H, "GET", "/api/public/sampling-plans?per_page=100", NULL, NULL, 200);
	json_t *items = json_object_get(r->json, "items");
	for (size_t i = 1; i < json_array_size(items); i++)
		assert_string_not_equal(json_string_value(json_object_get(json_array_get(items, i), "month")),
					json_string_value(json_object_get(json_array_get(items, i - 1), "month")));
	resp_free(r);
}

/* A month long gone, drawn now at 1% when its population is known: refused, no plan made. */
static void test_no_past_month(void **state)
{
	(void)state;
	int old = time_month(clock_now()) - 5;
	int64_t body = count(store_sql(H.store, "SELECT min(id) FROM orgs WHERE kind = 'inspection'"));
	assert_int_equal(plans_of(old), 0);
	int64_t writes = h_writes(&H);
	struct resp *r = h_api(&H, "POST", "/api/sampling-plans", admin, plan_body(old, 1, body));
	assert_int_not_equal(r->status, 201);
	resp_free(r);
	assert_int_equal(plans_of(old), 0);
	assert_int_equal(h_writes(&H), writes);
}

/* The first sample of inspector1's still waiting, whose household nobody has called. */
static int64_t waiting(int64_t inspector, int n)
{
	struct stmt *st = store_sql(H.store, "SELECT i.id FROM inspections i WHERE i.inspector_id = $1 AND i.status = 'assigned'"
					     " AND NOT EXISTS (SELECT 1 FROM inspection_events e WHERE e.inspection_id = i.id"
					     " AND e.action = 'contact_view') ORDER BY i.id LIMIT 1 OFFSET $2");
	stmt_bind_int(st, 1, inspector);
	stmt_bind_int(st, 2, n);
	return count(st);
}

static const char *assign_body(int64_t inspector, const char *reason)
{
	static char out[200];
	if (reason)
		snprintf(out, sizeof out, "{\"inspector_id\":%lld,\"reason\":\"%s\"}", (long long)inspector, reason);
	else
		snprintf(out, sizeof out, "{\"inspector_id\":%lld}", (long long)inspector);
	return out;
}

/* A sample passed on and on (to the inspector who will call the company first, say): once, with
 * a reason, before the household is called, and counted in public. */
static void test_reassign(void **state)
{
	(void)state;
	int64_t id = waiting(ins1_id, 0), plan = 0;
	char path[96];
	snprintf(path, sizeof path, "/api/inspections/%lld/assign", (long long)id);
	struct stmt *st = store_sql(H.store, "SELECT plan_id FROM inspections WHERE id = $1");
	stmt_bind_int(st, 1, id);
	plan = count(st);
	/* without a reason: refused */
	h_refused(&H, NULL, "POST", path, admin, assign_body(ins2_id, NULL), 400, "missing_field");
	h_refused(&H, NULL, "POST", path, admin, assign_body(ins2_id, "x"), 400, "too_short");
	/* with one, once */
	struct resp *r = h_ok(&H, "POST", path, admin, assign_body(ins2_id, "原评估员与该企业有业务往来，回避。"), 200);
	assert_int_equal(resp_int(r, "inspector.id"), ins2_id);
	json_t *tl = json_object_get(r->json, "timeline");
	json_t *last = json_array_get(tl, json_array_size(tl) - 1);
	assert_string_equal(json_string_value(json_object_get(last, "action")), "assign");
	assert_string_equal(json_string_value(json_object_get(last, "note")), "原评估员与该企业有业务往来，回避。");
	resp_free(r);
	h_refused(&H, NULL, "POST", path, admin, assign_body(ins1_id, "再改派回原评估员。"), 409, "already_reassigned");
	/* counted on the plan's public page */
	snprintf(path, sizeof path, "/api/public/sampling-plans/%lld", (long long)plan);
	r = h_ok(&H, "GET", path, NULL, NULL, 200);
	assert_true(resp_int(r, "reassigned") >= 1);
	resp_free(r);

	/* once the inspector has opened the household's contact, the sample stays with them: one of
	 * inspector2's own, never passed on */
	st = store_sql(H.store, "SELECT i.id FROM inspections i WHERE i.inspector_id = $1 AND i.status = 'assigned'"
				" AND i.reassigned = 0 AND NOT EXISTS (SELECT 1 FROM inspection_events e"
				" WHERE e.inspection_id = i.id AND e.action = 'contact_view') ORDER BY i.id LIMIT 1");
	stmt_bind_int(st, 1, ins2_id);
	int64_t called = count(st);
	snprintf(path, sizeof path, "/api/inspections/%lld/contact", (long long)called);
	resp_free(h_ok(&H, "POST", path, ins2, NULL, 200));
	snprintf(path, sizeof path, "/api/inspections/%lld/assign", (long long)called);
	h_refused(&H, NULL, "POST", path, admin, assign_body(ins1_id, "改派给另一位评估员。"), 409, "contact_opened");
}

/* A home visit's result for inspection id at visited, every indicator scored 90. */
static const char *visit_body(int64_t id, const char *visited)
{
	static char body[2048];
	size_t n = (size_t)snprintf(body, sizeof body, "{\"visit_kind\":\"home\",\"visited_at\":\"%s\",\"scores\":[",
				    visited);
	struct stmt *st = store_sql(H.store, "SELECT ci.id FROM inspections i JOIN bookings b ON b.id = i.booking_id"
					     " JOIN category_indicators ci ON ci.category_id = b.category_id WHERE i.id = $1"
					     " ORDER BY ci.id");
	stmt_bind_int(st, 1, id);
	for (int k = 0; stmt_step(st) == STORE_ROW; k++)
		n += (size_t)snprintf(body + n, sizeof body - n, "%s{\"indicator_id\":%lld,\"score\":90}", k ? "," : "",
				      (long long)stmt_int(st, 0));
	stmt_done(st);
	snprintf(body + n, sizeof body - n, "],\"findings\":\"上门查看，服务规范。\"}");
	return body;
}

/* A home visit recorded for an hour after the service, long before anyone could have had the
 * address: refused. The time of the call or visit is after the contact was opened, and not ahead. */
static void test_visit_time(void **state)
{
	(void)state;
	int64_t id = waiting(ins2_id, 0), start = 0;
	struct stmt *st = store_sql(H.store, "SELECT b.start_at FROM inspections i JOIN bookings b ON b.id = i.booking_id"
					     " WHERE i.id = $1");
	stmt_bind_int(st, 1, id);
	start = count(st);
	char path[96];
	snprintf(path, sizeof path, "/api/inspections/%lld/contact", (long long)id);
	resp_free(h_ok(&H, "POST", path, ins2, NULL, 200));
	int64_t opened = clock_now();
	snprintf(path, sizeof path, "/api/inspections/%lld/result", (long long)id);
	h_refused(&H, NULL, "POST", path, ins2, visit_body(id, h_iso(start + 3600)), 422, "invalid_visit_time");
	h_refused(&H, NULL, "POST", path, ins2, visit_body(id, h_iso(opened - 60)), 422, "invalid_visit_time");
	h_refused(&H, NULL, "POST", path, ins2, visit_body(id, h_iso(clock_now() + 3600)), 422, "invalid_visit_time");
	h_refused(&H, NULL, "POST", path, ins2, "{\"visit_kind\":\"home\",\"scores\":[{\"indicator_id\":1,\"score\":90}],"
						"\"findings\":\"上门。\"}", 400, "missing_field");
	/* two hours on, the visit made an hour after the opening */
	clock_set(opened + 7200);
	h_login(&H, "inspector2", ins2, NULL);
	struct resp *r = h_ok(&H, "POST", path, ins2, visit_body(id, h_iso(opened + 3600)), 200);
	assert_string_equal(resp_str(r, "visit_kind"), "home");
	resp_free(r);
	clock_set(0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_no_second_draw),
		cmocka_unit_test(test_no_past_month),
		cmocka_unit_test(test_reassign),
		cmocka_unit_test(test_visit_time),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
