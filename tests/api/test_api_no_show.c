/* A household marked absent, through the API on the demo industry: the company's mark no longer
 * keeps a service out of its review and its spot check on its word alone. The customer is asked,
 * and acknowledges, or answers that the service took place or that nobody came; that answer, or a
 * mark left unanswered past the standard's hours (the deadline job, the store's clock moved), goes
 * to the service centre, whose finding stands. Nobody else answers for the household. */
#include "harness.h"

#include "jobs.h"
#include "util/clock.h"

static struct harness H;
static char co1[TOKEN_LEN], worker1[TOKEN_LEN], cust[TOKEN_LEN], cust2[TOKEN_LEN], cs[TOKEN_LEN], admin[TOKEN_LEN];
static int64_t w1, co1_id, hour_item;

#define ok(method, path, token, body, status) h_ok(&H, method, path, token, body, status)

/* A sum that changes with anything a no-show's question writes. */
static int64_t question_sum(void)
{
	int64_t n = 0;
	stmt_one_int(store_sql(H.store, "SELECT (SELECT count(*) + coalesce(sum(length(status) + length(coalesce(no_show_state, ''))"
					" + length(coalesce(no_show_answer, '')) + length(coalesce(no_show_party, ''))), 0)"
					" FROM bookings) + (SELECT count(*) FROM booking_events) + (SELECT count(*) FROM reviews)"), &n);
	return n;
}

static void refused(const char *method, const char *path, const char *token, const char *body, int status,
		    const char *code)
{
	h_refused(&H, question_sum, method, path, token, body, status, code);
}

static void at(int64_t t)
{
	clock_set(t);
	h_login(&H, "company1", co1, NULL);
	h_login(&H, "worker1", worker1, NULL);
	h_login(&H, "customer1", cust, NULL);
	h_login(&H, "customer2", cust2, NULL);
	h_login(&H, "cs1", cs, NULL);
	h_login(&H, "admin", admin, NULL);
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

/* A booking of worker1 on day d at 09:00 for three hours, confirmed by the company, then marked
 * absent (party) by the company an hour after its start; the clock is left there. */
static int64_t marked(int d, const char *party)
{
	at(0);
	int64_t start = h_day_at(d, 9);
	char body[512], path[96];
	snprintf(body, sizeof body, "{\"service_item_id\":%lld,\"worker_id\":%lld,\"start\":\"%s\",", (long long)hour_item,
		 (long long)w1, h_iso(start));
	snprintf(body + strlen(body), sizeof body - strlen(body),
		 "\"end\":\"%s\",\"address\":\"杭州市西湖区文三路 90 号 3 幢 201 室\",\"contact_phone\":\"13905710088\"}",
		 h_iso(start + 3 * 3600));
	struct resp *r = ok("POST", "/api/bookings", cust, body, 201);
	int64_t id = resp_int(r, "id");
	json_t *pre = json_object_get(json_object_get(r->json, "checklist"), "pre");
	char items[2048] = "{\"items\":[";
	for (size_t i = 0; i < json_array_size(pre); i++)
		snprintf(items + strlen(items), sizeof items - strlen(items), "%s{\"item_id\":%lld,\"done\":true}", i ? "," : "",
			 (long long)json_integer_value(json_object_get(json_array_get(pre, i), "item_id")));
	strcat(items, "]}");
	resp_free(r);
	snprintf(path, sizeof path, "/api/bookings/%lld/confirm", (long long)id);
	resp_free(ok("POST", path, co1, items, 200));
	at(start + 3600);
	snprintf(path, sizeof path, "/api/bookings/%lld/no-show", (long long)id);
	snprintf(body, sizeof body, "{\"party\":\"%s\",\"reason\":\"按门铃无人应答，电话未接\"}", party);
	resp_free(ok("POST", path, co1, body, 200));
	return id;
}

static const char *question_state(int64_t id)
{
	static char state[16];
	char path[64];
	snprintf(path, sizeof path, "/api/bookings/%lld", (long long)id);
	struct resp *r = ok("GET", path, cust, NULL, 200);
	const char *s = resp_str(r, "no_show_question.state");
	snprintf(state, sizeof state, "%s", s ? s : "");
	resp_free(r);
	return state;
}

static int64_t queued(const char *token, int64_t id)
{
	struct resp *r = ok("GET", "/api/no-shows", token, NULL, 200);
	json_t *items = json_object_get(r->json, "items");
	int64_t found = 0;
	for (size_t i = 0; i < json_array_size(items); i++)
		if (json_integer_value(json_object_get(json_array_get(items, i), "id")) == id)
			found = 1;
	resp_free(r);
	return found;
}

static const char review[] = "{\"overall\":2,\"punctuality\":2,\"skill\":2,\"attitude\":2,\"hygiene\":2,"
			     "\"comment\":\"服务一般，说好的擦窗没做\"}";

/* The company marks a household absent after a service it does not want reviewed: the customer
 * answers that it took place, the centre finds so, and the review is written. */
static void test_served_is_found(void **state)
{
	(void)state;
	int64_t id = marked(3, "customer");
	char path[96], rpath[96];
	assert_string_equal(question_state(id), "pending");
	snprintf(rpath, sizeof rpath, "/api/bookings/%lld/review", (long long)id);
	refused("POST", rpath, cust, review, 409, "invalid_transition");
	/* nobody answers for the household: the company, its worker, another customer, the centre */
	snprintf(path, sizeof path, "/api/bookings/%lld/no-show/answer", (long long)id);
	const char served[] = "{\"answer\":\"served\",\"reason\":\"阿姨来了三个小时，擦窗没做就走了\"}";
	refused("POST", path, co1, served, 403, "forbidden");
	refused("POST", path, worker1, served, 403, "forbidden");
	refused("POST", path, cust2, served, 404, "not_found");
	refused("POST", path, cust, "{\"answer\":\"served\"}", 422, "no_show_reason_required");
	refused("POST", path, cust, "{\"answer\":\"maybe\",\"reason\":\"不清楚情况\"}", 400, "invalid_value");
	resp_free(ok("POST", path, cust, served, 200));
	assert_string_equal(question_state(id), "to_check");
	refused("POST", path, cust, served, 409, "invalid_transition");
	/* the centre's queue has it; the company's people may not check */
	assert_true(queued(cs, id));
	snprintf(path, sizeof path, "/api/bookings/%lld/no-show/check", (long long)id);
	const char found[] = "{\"outcome\":\"served\",\"note\":\"电话回访客户，服务人员确曾上门服务\"}";
	refused("POST", path, co1, found, 403, "forbidden");
	refused("POST", path, cs, "{\"outcome\":\"served\"}", 400, "missing_field");
	struct resp *r = ok("POST", path, cs, found, 200);
	assert_string_equal(resp_str(r, "status"), "completed");
	assert_string_equal(resp_str(r, "no_show_question.state"), "overturned");
	resp_free(r);
	assert_false(queued(cs, id));
	refused("POST", path, cs, found, 409, "invalid_transition");
	/* the household's review now stands */
	resp_free(ok("POST", rpath, cust, review, 201));
}

/* Unanswered past the standard's hours, the mark goes to the centre; upheld, it stands. */
static void test_unanswered_goes_to_the_centre(void **state)
{
	(void)state;
	int64_t id = marked(5, "customer");
	int64_t t = clock_now();
	struct jobs_report jr = {0};
	at(t + 71 * 3600);
	assert_int_equal(jobs_run(H.store, &jr), 0);
	assert_string_equal(question_state(id), "pending");
	clock_set(t + 73 * 3600);
	jr = (struct jobs_report){0};
	assert_int_equal(jobs_run(H.store, &jr), 0);
	assert_int_equal(jr.no_shows_to_check, 1);
	at(t + 73 * 3600 + 60);
	assert_string_equal(question_state(id), "to_check");
	char path[96];
	snprintf(path, sizeof path, "/api/bookings/%lld/no-show/check", (long long)id);
	resp_free(ok("POST", path, cs, "{\"outcome\":\"upheld\",\"note\":\"客户确认当天外出\"}", 200));
	assert_string_equal(question_state(id), "upheld");
	snprintf(path, sizeof path, "/api/bookings/%lld/no-show/answer", (long long)id);
	refused("POST", path, cust, "{\"answer\":\"acknowledge\"}", 409, "invalid_transition");
}

/* Acknowledged, the mark stands without the centre; "nobody came", found so, is the worker's. */
static void test_acknowledged_and_worker_absent(void **state)
{
	(void)state;
	int64_t id = marked(7, "customer");
	char path[96];
	snprintf(path, sizeof path, "/api/bookings/%lld/no-show/answer", (long long)id);
	resp_free(ok("POST", path, cust, "{\"answer\":\"acknowledge\"}", 200));
	assert_string_equal(question_state(id), "acknowledged");
	snprintf(path, sizeof path, "/api/bookings/%lld/no-show/check", (long long)id);
	refused("POST", path, cs, "{\"outcome\":\"upheld\",\"note\":\"客户已确认\"}", 409, "invalid_transition");

	id = marked(9, "customer");
	snprintf(path, sizeof path, "/api/bookings/%lld/no-show/answer", (long long)id);
	resp_free(ok("POST", path, cust, "{\"answer\":\"worker_absent\",\"reason\":\"我一上午都在家，没有人来\"}", 200));
	snprintf(path, sizeof path, "/api/bookings/%lld/no-show/check", (long long)id);
	struct resp *r = ok("POST", path, admin, "{\"outcome\":\"worker_absent\",\"note\":\"小区门岗记录无人来访\"}", 200);
	assert_string_equal(resp_str(r, "no_show.party"), "worker");
	assert_string_equal(resp_str(r, "status"), "no_show");
	resp_free(r);
	/* a worker's absence the company records against itself asks nobody */
	id = marked(11, "worker");
	assert_string_equal(question_state(id), "");
	snprintf(path, sizeof path, "/api/bookings/%lld/no-show/answer", (long long)id);
	refused("POST", path, cust, "{\"answer\":\"acknowledge\"}", 409, "invalid_transition");
	/* and every step is in the audit chain */
	r = ok("GET", "/api/audit/verify", admin, NULL, 200);
	assert_true(json_is_true(json_object_get(r->json, "ok")));
	resp_free(r);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_served_is_found),
		cmocka_unit_test(test_unanswered_goes_to_the_centre),
		cmocka_unit_test(test_acknowledged_and_worker_absent),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
