/* Complaints and compensation through the API, on the demo industry, with the clock moved through
 * every deadline: intake from each channel, first feedback in time, a breach escalated by the
 * deadline job (and only once), a clock paused while the complaint waits for the customer (the abuses
 * of the pause: test_api_clocks.c), the resolution, reopening and its window, closing with a rating,
 * claims down to an advance payment recovered, who may see and do what, and the public figures
 * against the raw records. */
#include "harness.h"

#include "jobs.h"
#include "util/clock.h"
#include "util/timefmt.h"

static struct harness H;
static char admin[TOKEN_LEN], co1[TOKEN_LEN], co2[TOKEN_LEN], cust[TOKEN_LEN], cust2[TOKEN_LEN], cs[TOKEN_LEN],
	worker1[TOKEN_LEN], trainer[TOKEN_LEN];
static int64_t co1_id, co2_id;

#define HOUR 3600
#define DAY 86400

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

/* Everything a complaint write touches, summed: a refusal must leave it as it was. */
static int64_t written(void)
{
	int64_t n = 0;
	stmt_one_int(store_sql(H.store, "SELECT (SELECT count(*) + coalesce(sum(length(status) + paused_secs"
					 " + feedback_breached + resolve_breached + reopened), 0) FROM complaints)"
					 " + (SELECT count(*) FROM complaint_events) + (SELECT count(*) FROM outbox)"
					 " + (SELECT count(*) + coalesce(sum(length(status)), 0) FROM claims)"
					 " + (SELECT count(*) FROM conduct_records)"),
		     &n);
	return n + h_writes(&H);
}

static void refused(const char *method, const char *path, const char *token, const char *body, int status,
		    const char *code)
{
	int64_t before = written();
	struct resp *r = call(method, path, token, body);
	if (r->status != status || strcmp(resp_code(r), code) != 0)
		fail_msg("%s %s %s: expected %d %s, got %d %s", method, path, body ? body : "", status, code, r->status,
			 r->body);
	resp_free(r);
	assert_int_equal(written(), before);
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
	h_login(&H, "customer1", cust, NULL);
	h_login(&H, "customer2", cust2, NULL);
	h_login(&H, "cs1", cs, NULL);
	h_login(&H, "worker1", worker1, NULL);
	h_login(&H, "trainer1", trainer, NULL);
}

static int setup(void **state)
{
	(void)state;
	h_open_demo(&H, 60);
	at(0);
	co1_id = org_of(co1);
	co2_id = org_of(co2);
	/* these tests file many complaints without a booking against one company; the limit on them is
	 * test_api_floods.c's */
	resp_free(ok("PATCH", "/api/standards", admin, "{\"unbooked_complaints_max\":100}", 200));
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	clock_set(0);
	h_close(&H);
	return 0;
}

/* /api/complaints/{id}… or /api/claims/{id}… */
static const char *path_of(const char *kind, int64_t id, const char *suffix)
{
	static char buf[4][96];
	static int k;
	char *b = buf[k++ % 4];
	snprintf(b, 96, "/api/%s/%lld%s", kind, (long long)id, suffix);
	return b;
}

/* The service centre verifies complaint id (about no booking): its clocks start now. */
static void verified(int64_t id)
{
	resp_free(ok("POST", path_of("complaints", id, "/verify"), cs, "{\"note\":\"已回电投诉人核实，情况属实。\"}", 200));
}

/* Files a complaint about company1 as customer1 (about no booking, so with a number to call), which
 * the service centre verifies at once; returns its id. */
static int64_t file_about_co1(const char *category)
{
	char body[256];
	snprintf(body, sizeof body, "{\"company_id\":%lld,\"category\":\"%s\",\"description\":\"阿姨迟到一小时，"
				    "也没有提前告知。\",\"contact_phone\":\"13912345678\"}", (long long)co1_id, category);
	struct resp *r = ok("POST", "/api/complaints", cust, body, 201);
	int64_t id = resp_int(r, "id");
	resp_free(r);
	verified(id);
	return id;
}

static struct resp *get(int64_t id, const char *token)
{
	return ok("GET", path_of("complaints", id, ""), token, NULL, 200);
}

/* One time column of complaint id, by name (escalated_at, 0 when not escalated, for any other). */
static int64_t col(int64_t id, const char *name)
{
	int64_t v = 0;
	struct stmt *st;
	if (strcmp(name, "feedback_due") == 0)
		st = store_sql(H.store, "SELECT feedback_due FROM complaints WHERE id = $1");
	else if (strcmp(name, "resolve_due") == 0)
		st = store_sql(H.store, "SELECT resolve_due FROM complaints WHERE id = $1");
	else if (strcmp(name, "created_at") == 0)
		st = store_sql(H.store, "SELECT created_at FROM complaints WHERE id = $1");
	else if (strcmp(name, "paused_secs") == 0)
		st = store_sql(H.store, "SELECT paused_secs FROM complaints WHERE id = $1");
	else
		st = store_sql(H.store, "SELECT coalesce(escalated_at, 0) FROM complaints WHERE id = $1");
	stmt_bind_int(st, 1, id);
	assert_int_equal(stmt_one_int(st, &v), 0);
	return v;
}

/* Runs the deadline job as `serve` and cron do. */
static struct jobs_report run_jobs(void)
{
	struct jobs_report r = {0};
	assert_int_equal(jobs_run(H.store, &r), 0);
	return r;
}

static int64_t outbox_count(const char *topic, int64_t subject_id)
{
	int64_t n = 0;
	struct stmt *st = store_sql(H.store, "SELECT count(*) FROM outbox WHERE topic = $1 AND subject_id = $2");
	stmt_bind_text(st, 1, topic);
	stmt_bind_int(st, 2, subject_id);
	assert_int_equal(stmt_one_int(st, &n), 0);
	return n;
}

/* ---- intake ---- */

static void test_intake(void **state)
{
	(void)state;
	at(0);
	/* a customer, from one of their bookings: company and worker come from it */
	struct resp *r = ok("GET", "/api/bookings?status=reviewed&per_page=1", cust, NULL, 200);
	json_t *b = json_array_get(json_object_get(r->json, "items"), 0);
	assert_non_null(b);
	int64_t booking = json_integer_value(json_object_get(b, "id"));
	int64_t company = json_integer_value(json_object_get(json_object_get(b, "company"), "id"));
	int64_t worker = json_integer_value(json_object_get(json_object_get(b, "worker"), "id"));
	resp_free(r);
	char body[512];
	snprintf(body, sizeof body, "{\"booking_id\":%lld,\"category\":\"quality\",\"description\":\"厨房没有打扫干净\","
				    "\"evidence\":[\"photo-1.jpg\",\"photo-2.jpg\"]}", (long long)booking);
	int64_t now = clock_now();
	r = ok("POST", "/api/complaints", cust, body, 201);
	int64_t id = resp_int(r, "id");
	assert_true(strncmp(resp_str(r, "tracking_no"), "TS", 2) == 0);
	assert_int_equal(strlen(resp_str(r, "tracking_no")), 17);
	assert_string_equal(resp_str(r, "status"), "received");
	assert_string_equal(resp_str(r, "channel"), "web");
	assert_int_equal(resp_int(r, "company.id"), company);
	assert_int_equal(resp_int(r, "worker.id"), worker);
	assert_string_equal(resp_str(r, "clock.name"), "feedback");
	assert_int_equal(resp_int(r, "clock.seconds_left"), 48 * HOUR);
	assert_int_equal(json_array_size(json_object_get(r->json, "evidence")), 2);
	/* about a booking, by its customer: nothing to verify, the company's clocks run at once */
	assert_true(json_is_null(json_object_get(r->json, "verification")));
	resp_free(r);
	assert_int_equal(col(id, "feedback_due") - col(id, "created_at"), 48 * HOUR);
	assert_int_equal(col(id, "resolve_due") - col(id, "created_at"), 7 * DAY);
	assert_true(col(id, "created_at") - now <= 1);
	/* the company hears of it at once */
	assert_int_equal(outbox_count("complaint_received", id), 1);

	/* the complaints about one booking: the customer's list filtered, another's booking shows none */
	char q[96];
	snprintf(q, sizeof q, "/api/complaints?booking_id=%lld", (long long)booking);
	struct resp *bl = ok("GET", q, cust, NULL, 200);
	assert_true(resp_int(bl, "total") >= 1);
	json_t *bi = json_object_get(bl->json, "items");
	for (size_t i = 0; i < json_array_size(bi); i++)
		assert_int_equal(json_integer_value(json_object_get(json_object_get(json_array_get(bi, i), "booking"), "id")),
				 booking);
	resp_free(bl);
	bl = ok("GET", q, cust2, NULL, 200);
	assert_int_equal(resp_int(bl, "total"), 0);
	resp_free(bl);
	/* someone else's booking is not there for a customer */
	snprintf(body, sizeof body, "{\"booking_id\":%lld,\"category\":\"quality\",\"description\":\"不是我的预约\"}",
		 (long long)booking);
	refused("POST", "/api/complaints", cust2, body, 404, "not_found");
	/* a worker who is not the booking's */
	snprintf(body, sizeof body, "{\"booking_id\":%lld,\"worker_id\":%lld,\"category\":\"quality\","
				    "\"description\":\"说明\"}", (long long)booking, (long long)worker + 100000);
	refused("POST", "/api/complaints", cust, body, 422, "subject_mismatch");
	/* without a booking: a worker of another company than the one named */
	int64_t employer = 0;
	struct stmt *st = store_sql(H.store, "SELECT company_id FROM workers WHERE id = $1");
	stmt_bind_int(st, 1, worker);
	assert_int_equal(stmt_one_int(st, &employer), 0);
	snprintf(body, sizeof body, "{\"company_id\":%lld,\"worker_id\":%lld,\"category\":\"quality\",\"description\":\"说明\"}",
		 (long long)(employer == co1_id ? co2_id : co1_id), (long long)worker);
	refused("POST", "/api/complaints", cust, body, 422, "worker_not_at_company");
	/* no subject, blank text, an unknown category, agent-only fields, too much evidence */
	refused("POST", "/api/complaints", cust, "{\"category\":\"quality\",\"description\":\"没有对象\"}", 422,
		"subject_required");
	snprintf(body, sizeof body, "{\"company_id\":%lld,\"category\":\"quality\",\"description\":\"  \\n \"}",
		 (long long)co1_id);
	refused("POST", "/api/complaints", cust, body, 400, "too_short");
	snprintf(body, sizeof body, "{\"company_id\":%lld,\"category\":\"rudeness\",\"description\":\"态度\"}",
		 (long long)co1_id);
	refused("POST", "/api/complaints", cust, body, 400, "invalid_value");
	snprintf(body, sizeof body, "{\"company_id\":%lld,\"category\":\"other\",\"description\":\"代填\","
				    "\"contact_name\":\"王先生\"}", (long long)co1_id);
	refused("POST", "/api/complaints", cust, body, 400, "agent_only");
	snprintf(body, sizeof body, "{\"company_id\":%lld,\"category\":\"other\",\"description\":\"证据\",\"evidence\":"
				    "[\"1\",\"2\",\"3\",\"4\",\"5\",\"6\",\"7\",\"8\",\"9\",\"10\",\"11\"]}", (long long)co1_id);
	refused("POST", "/api/complaints", cust, body, 400, "too_many");
	/* an inspection body is not a company; workers and trainers file nothing */
	refused("POST", "/api/complaints", cust, "{\"company_id\":1,\"category\":\"other\",\"description\":\"协会\"}", 404,
		"not_found");
	snprintf(body, sizeof body, "{\"company_id\":%lld,\"category\":\"other\",\"description\":\"说明\"}",
		 (long long)co1_id);
	refused("POST", "/api/complaints", worker1, body, 403, "forbidden");
	refused("POST", "/api/complaints", trainer, body, 403, "forbidden");

	/* the service centre takes one by phone, for someone without an account */
	snprintf(body, sizeof body, "{\"company_id\":%lld,\"category\":\"attitude\",\"description\":\"电话投诉：态度很差\","
				    "\"contact_name\":\"李女士\",\"contact_phone\":\"13800138000\"}", (long long)co2_id);
	r = ok("POST", "/api/complaints", cs, body, 201);
	int64_t phone = resp_int(r, "id");
	assert_string_equal(resp_str(r, "channel"), "phone");
	assert_string_equal(resp_str(r, "contact_name"), "李女士");
	assert_string_equal(resp_str(r, "contact_phone"), "13800138000");
	assert_true(json_is_null(json_object_get(r->json, "customer")));
	assert_true(resp_int(r, "taken_by.id") > 0);
	resp_free(r);
	/* about no booking: the company sees it once the service centre has verified it */
	refused("GET", path_of("complaints", phone, ""), co2, NULL, 404, "not_found");
	verified(phone);
	/* the number is sealed at rest */
	int64_t plain = 0;
	stmt_one_int(store_sql(H.store, "SELECT count(*) FROM complaints WHERE contact_phone_sealed LIKE '%13800138000%'"),
		     &plain);
	assert_int_equal(plain, 0);
	/* the company of the complaint sees the contact; the other company does not see the complaint */
	r = get(phone, co2);
	assert_string_equal(resp_str(r, "contact_phone"), "13800138000");
	resp_free(r);
	refused("GET", path_of("complaints", phone, ""), co1, NULL, 404, "not_found");
	/* an agent must say who complained, with a real number to call back on */
	snprintf(body, sizeof body, "{\"company_id\":%lld,\"category\":\"other\",\"description\":\"说明\"}",
		 (long long)co2_id);
	refused("POST", "/api/complaints", cs, body, 400, "missing_field");
	snprintf(body, sizeof body, "{\"company_id\":%lld,\"category\":\"other\",\"description\":\"说明\","
				    "\"contact_name\":\"王\"}", (long long)co2_id);
	refused("POST", "/api/complaints", cs, body, 400, "callback_phone_required");
	snprintf(body, sizeof body, "{\"company_id\":%lld,\"category\":\"other\",\"description\":\"说明\","
				    "\"contact_name\":\"王\",\"contact_phone\":\"12345678901\"}", (long long)co2_id);
	refused("POST", "/api/complaints", cs, body, 400, "invalid_phone");
}

/* ---- the feedback clock ---- */

static void test_feedback_in_time_and_breach(void **state)
{
	(void)state;
	int64_t t0 = time_day_start(time_today() + 1) + 9 * HOUR;
	at(t0);
	int64_t in_time = file_about_co1("punctuality"), late = file_about_co1("attitude");
	/* the company answers the first within 10 hours */
	at(t0 + 10 * HOUR);
	struct resp *r = ok("POST", path_of("complaints", in_time, "/feedback"), co1,
			    "{\"text\":\"已联系服务人员核实，明天回复处理结果。\"}", 200);
	assert_string_equal(resp_str(r, "status"), "in_progress");
	assert_true(json_is_true(json_object_get(r->json, "feedback_in_time")));
	assert_string_equal(resp_str(r, "clock.name"), "resolve");
	resp_free(r);
	/* a minute before the 48 hours nothing breaches */
	at(t0 + 48 * HOUR - 60);
	run_jobs();
	assert_int_equal(col(late, "escalated"), 0);
	r = get(late, co1);
	assert_false(json_is_true(json_object_get(r->json, "feedback_breached")));
	assert_int_equal(resp_int(r, "clock.seconds_left"), 60);
	resp_free(r);
	/* a second after: the breach is marked, escalated to the association, the company told */
	clock_set(t0 + 48 * HOUR + 1);
	struct jobs_report jr = run_jobs();
	assert_true(jr.complaints_breached >= 1);
	assert_int_equal(col(late, "escalated"), t0 + 48 * HOUR + 1);
	assert_int_equal(col(in_time, "escalated"), 0);
	assert_int_equal(outbox_count("complaint_escalated", late), 2); /* the association and the company */
	/* running it again changes nothing */
	int64_t before = written();
	jr = run_jobs();
	assert_int_equal(jr.complaints_breached, 0);
	assert_int_equal(written(), before);
	at(t0 + 50 * HOUR);
	r = get(late, admin);
	assert_true(json_is_true(json_object_get(r->json, "feedback_breached")));
	assert_true(json_is_true(json_object_get(json_object_get(r->json, "clock"), "breached")));
	json_t *tl = json_object_get(r->json, "timeline");
	int saw_breach = 0, saw_escalate = 0;
	for (size_t i = 0; i < json_array_size(tl); i++) {
		json_t *e = json_array_get(tl, i);
		const char *a = json_string_value(json_object_get(e, "action"));
		saw_breach += strcmp(a, "feedback_breached") == 0;
		if (strcmp(a, "escalate") == 0) {
			saw_escalate++;
			assert_string_equal(json_string_value(json_object_get(e, "note")), "feedback_late");
		}
	}
	assert_int_equal(saw_breach, 1);
	assert_int_equal(saw_escalate, 1);
	resp_free(r);
	/* the association's queue has it; late feedback is still late */
	r = ok("GET", "/api/complaints?escalated=true&status=open&per_page=100", admin, NULL, 200);
	int found = 0;
	json_t *items = json_object_get(r->json, "items");
	for (size_t i = 0; i < json_array_size(items); i++)
		found += json_integer_value(json_object_get(json_array_get(items, i), "id")) == late;
	assert_int_equal(found, 1);
	/* breached ones lead the queue */
	assert_true(json_is_true(json_object_get(json_array_get(items, 0), "feedback_breached")) ||
		    json_is_true(json_object_get(json_array_get(items, 0), "resolve_breached")));
	resp_free(r);
	r = ok("POST", path_of("complaints", late, "/feedback"), co1, "{\"text\":\"抱歉回复晚了。\"}", 200);
	assert_true(json_is_false(json_object_get(r->json, "feedback_in_time")));
	resp_free(r);
	/* escalating again is refused */
	refused("POST", path_of("complaints", late, "/escalate"), cs, "{\"reason\":\"再次升级\"}", 409,
		"already_escalated");
	at(0);
}

/* ---- the pause while waiting for the customer, and the resolution clock ---- */

static void test_pause_and_resume(void **state)
{
	(void)state;
	int64_t t0 = time_day_start(time_today() + 20) + 9 * HOUR;
	at(t0);
	int64_t id = file_about_co1("quality");
	int64_t due = col(id, "resolve_due");
	/* a claim in it: its decision deadline does not wait with the complaint */
	struct resp *cr = ok("POST", path_of("complaints", id, "/claims"), cust, "{\"amount_fen\":8000,\"description\":\"地毯清洗费\"}",
			     201);
	int64_t claim = resp_int(cr, "id"), decision_due = 0;
	resp_free(cr);
	struct stmt *dst = store_sql(H.store, "SELECT decision_due FROM claims WHERE id = $1");
	stmt_bind_int(dst, 1, claim);
	assert_int_equal(stmt_one_int(dst, &decision_due), 0);
	at(t0 + HOUR);
	resp_free(ok("POST", path_of("complaints", id, "/feedback"), co1, "{\"text\":\"已收到投诉，正在核实服务记录。\"}", 200));
	at(t0 + 2 * HOUR);
	struct resp *r = ok("POST", path_of("complaints", id, "/feedback"), co1,
			    "{\"text\":\"请问是哪一天的服务？方便提供照片吗？\",\"ask\":true}", 200);
	assert_string_equal(resp_str(r, "status"), "waiting_customer");
	assert_string_equal(resp_str(r, "clock.name"), "resolve");
	assert_true(json_is_true(json_object_get(json_object_get(r->json, "clock"), "paused")));
	assert_string_equal(resp_str(r, "pause_until"), h_iso(t0 + 2 * HOUR + 72 * HOUR));
	assert_int_equal(resp_int(r, "pauses"), 1);
	assert_int_equal(resp_int(r, "pauses_left"), 1);
	int64_t left = resp_int(r, "clock.seconds_left");
	assert_int_equal(left, due - (t0 + 2 * HOUR));
	resp_free(r);
	/* waiting: the company cannot answer itself, and only the customer (or an agent for them) answers */
	refused("POST", path_of("complaints", id, "/answer"), co1, "{\"text\":\"代答\"}", 403, "forbidden");
	/* sixty hours on, inside the pause's 72: no breach, the clock frozen */
	at(t0 + 62 * HOUR);
	run_jobs();
	assert_int_equal(col(id, "escalated"), 0);
	r = get(id, cust);
	assert_int_equal(resp_int(r, "clock.seconds_left"), left); /* frozen */
	resp_free(r);
	/* the customer answers: the clock resumes with the same time left */
	r = ok("POST", path_of("complaints", id, "/answer"), cust, "{\"text\":\"是11月3日，照片已上传。\"}", 200);
	assert_string_equal(resp_str(r, "status"), "in_progress");
	assert_false(json_is_true(json_object_get(json_object_get(r->json, "clock"), "paused")));
	assert_int_equal(resp_int(r, "paused_seconds"), 60 * HOUR);
	assert_int_equal(resp_int(r, "clock.seconds_left"), left);
	resp_free(r);
	int64_t moved = col(id, "resolve_due");
	assert_int_equal(moved, due + 60 * HOUR);
	/* the claim's deadline stood where it was */
	int64_t decision_now = 0;
	dst = store_sql(H.store, "SELECT decision_due FROM claims WHERE id = $1");
	stmt_bind_int(dst, 1, claim);
	assert_int_equal(stmt_one_int(dst, &decision_now), 0);
	assert_int_equal(decision_now, decision_due);
	assert_int_equal(outbox_count("complaint_answered", id), 1);
	resp_free(ok("POST", path_of("claims", claim, "/decision"), co1, "{\"approved_fen\":0,\"reason\":\"地毯原有污渍\"}", 200));
	/* more from the customer while in progress moves nothing */
	resp_free(ok("POST", path_of("complaints", id, "/answer"), cust, "{\"text\":\"补充：地板也没拖。\"}", 200));
	assert_int_equal(col(id, "resolve_due"), moved);
	/* the resumed deadline holds to the second */
	clock_set(moved - 1);
	run_jobs();
	assert_int_equal(col(id, "escalated"), 0);
	clock_set(moved + 1);
	run_jobs();
	assert_int_equal(col(id, "escalated"), moved + 1);
	at(moved + 2 * HOUR);
	r = get(id, co1);
	assert_true(json_is_true(json_object_get(r->json, "resolve_breached")));
	assert_true(json_is_true(json_object_get(r->json, "feedback_in_time")));
	assert_true(json_is_false(json_object_get(r->json, "resolved_in_time")));
	resp_free(r);
	at(0);
}

/* ---- handling: responsible party, resolution, reopening, closing ---- */

static void test_resolve_reopen_close(void **state)
{
	(void)state;
	int64_t t0 = time_day_start(time_today() + 40) + 9 * HOUR;
	at(t0);
	int64_t id = file_about_co1("property_damage");
	refused("POST", path_of("complaints", id, "/responsible"), co1, "{\"person\":\"王经理\",\"duty\":\"boss\"}",
		400, "invalid_value");
	struct resp *r = ok("POST", path_of("complaints", id, "/responsible"), co1,
			    "{\"person\":\"王建国\",\"duty\":\"complaints\"}", 200);
	assert_string_equal(resp_str(r, "responsible.person"), "王建国");
	assert_string_equal(resp_str(r, "responsible.duty"), "complaints");
	resp_free(r);
	/* the customer sees who is responsible, not the internal notes */
	resp_free(ok("POST", path_of("complaints", id, "/notes"), co1, "{\"text\":\"内部：阿姨否认，需调取记录\"}", 200));
	r = get(id, cust);
	assert_string_equal(resp_str(r, "responsible.person"), "王建国");
	json_t *tl = json_object_get(r->json, "timeline");
	for (size_t i = 0; i < json_array_size(tl); i++)
		assert_false(json_is_true(json_object_get(json_array_get(tl, i), "internal")));
	resp_free(r);
	r = get(id, co1);
	tl = json_object_get(r->json, "timeline");
	int internal = 0;
	for (size_t i = 0; i < json_array_size(tl); i++)
		internal += json_is_true(json_object_get(json_array_get(tl, i), "internal"));
	assert_int_equal(internal, 1);
	resp_free(r);
	/* the customer cannot resolve their own complaint; accept before a resolution is out of order */
	refused("POST", path_of("complaints", id, "/resolve"), cust,
		"{\"finding\":\"upheld\",\"remedy\":\"自己解决\"}", 403, "forbidden");
	refused("POST", path_of("complaints", id, "/accept"), cust, "{\"rating\":5}", 409, "invalid_transition");
	at(t0 + DAY);
	r = ok("POST", path_of("complaints", id, "/resolve"), co1,
	       "{\"finding\":\"upheld\",\"remedy\":\"照价赔偿打碎的花瓶，并对服务人员进行培训。\"}", 200);
	assert_string_equal(resp_str(r, "status"), "resolved");
	assert_true(json_is_true(json_object_get(r->json, "feedback_in_time")));
	assert_true(json_is_true(json_object_get(r->json, "resolved_in_time")));
	assert_true(json_is_null(json_object_get(r->json, "clock")));
	resp_free(r);
	/* an upheld complaint is on the company's record */
	int64_t rec = 0;
	struct stmt *st = store_sql(H.store, "SELECT count(*) FROM conduct_records WHERE source_kind = 'complaint'"
					     " AND source_id = $1 AND subject = 'company' AND kind = 'complaint_upheld'");
	stmt_bind_int(st, 1, id);
	stmt_one_int(st, &rec);
	assert_int_equal(rec, 1);
	/* reopened within the window: the resolution clock starts again */
	at(t0 + 5 * DAY);
	r = ok("POST", path_of("complaints", id, "/reopen"), cust, "{\"reason\":\"赔偿金额不对\"}", 200);
	assert_string_equal(resp_str(r, "status"), "in_progress");
	assert_int_equal(resp_int(r, "reopened"), 1);
	resp_free(r);
	assert_int_equal(col(id, "resolve_due"), t0 + 5 * DAY + 7 * DAY);
	at(t0 + 6 * DAY);
	resp_free(ok("POST", path_of("complaints", id, "/resolve"), co1, "{\"finding\":\"upheld\",\"remedy\":\"补足赔偿差额二百元\"}", 200));
	/* after the window the customer can no longer reopen; the job closes it as it stands */
	at(t0 + 6 * DAY + 7 * DAY + 60);
	refused("POST", path_of("complaints", id, "/reopen"), cust, "{\"reason\":\"还是不满意\"}", 422,
		"reopen_window_closed");
	struct jobs_report jr = run_jobs();
	assert_true(jr.complaints_closed >= 1);
	r = get(id, cust);
	assert_string_equal(resp_str(r, "status"), "closed");
	assert_string_equal(resp_str(r, "closed_by"), "lapse");
	assert_true(json_is_true(json_object_get(r->json, "resolved_in_time")));
	resp_free(r);
	int64_t before = written();
	jr = run_jobs();
	assert_int_equal(jr.complaints_closed, 0);
	assert_int_equal(written(), before);

	/* another: accepted with a rating of the handling */
	int64_t other = file_about_co1("price");
	resp_free(ok("POST", path_of("complaints", other, "/resolve"), co1, "{\"finding\":\"not_upheld\",\"remedy\":\"价格符合公示标准\"}",
	   200));
	refused("POST", path_of("complaints", other, "/accept"), cust, "{\"rating\":6}", 400, "out_of_range");
	r = ok("POST", path_of("complaints", other, "/accept"), cust, "{\"rating\":3,\"comment\":\"解释清楚了\"}", 200);
	assert_string_equal(resp_str(r, "status"), "closed");
	assert_string_equal(resp_str(r, "closed_by"), "customer");
	assert_int_equal(resp_int(r, "rating"), 3);
	resp_free(r);
	refused("POST", path_of("complaints", other, "/reopen"), cust, "{\"reason\":\"再看看\"}", 409,
		"invalid_transition");
	/* not upheld leaves no record */
	st = store_sql(H.store, "SELECT count(*) FROM conduct_records WHERE source_kind = 'complaint' AND source_id = $1");
	stmt_bind_int(st, 1, other);
	stmt_one_int(st, &rec);
	assert_int_equal(rec, 0);
	at(0);
}

/* ---- the association takes over; compensation down to an advance payment recovered ---- */

static void test_claims_and_advance_payment(void **state)
{
	(void)state;
	int64_t t0 = time_day_start(time_today() + 70) + 9 * HOUR;
	at(t0);
	int64_t id = file_about_co1("property_damage");
	/* the claim: refusals first */
	refused("POST", path_of("complaints", id, "/claims"), cust, "{\"amount_fen\":0,\"description\":\"花瓶\"}",
		400, "out_of_range");
	refused("POST", path_of("complaints", id, "/claims"), co1, "{\"amount_fen\":100,\"description\":\"代报\"}",
		403, "forbidden");
	refused("POST", path_of("complaints", id, "/claims"), cust2, "{\"amount_fen\":100,\"description\":\"别人的\"}",
		404, "not_found");
	struct resp *r = ok("POST", path_of("complaints", id, "/claims"), cust,
			    "{\"amount_fen\":128000,\"description\":\"打碎的景德镇花瓶\",\"evidence\":[\"receipt.jpg\"]}", 201);
	int64_t claim = resp_int(r, "id");
	assert_string_equal(resp_str(r, "status"), "claimed");
	resp_free(r);
	/* the decision is overdue after seven days: escalated once */
	at(t0 + 7 * DAY + 60);
	struct jobs_report jr = run_jobs();
	assert_true(jr.claims_breached >= 1);
	assert_true(col(id, "escalated") > 0);
	int64_t before = written();
	jr = run_jobs();
	assert_int_equal(jr.claims_breached, 0);
	assert_int_equal(written(), before);
	/* the association takes the complaint over; the company may no longer decide */
	refused("POST", path_of("complaints", id, "/takeover"), co1, "{\"reason\":\"企业无法处理\"}", 403, "forbidden");
	r = ok("POST", path_of("complaints", id, "/takeover"), admin, "{\"reason\":\"企业逾期未决定赔偿\"}", 200);
	assert_string_equal(resp_str(r, "handler"), "association");
	resp_free(r);
	refused("POST", path_of("complaints", id, "/takeover"), admin, "{\"reason\":\"再次\"}", 409,
		"already_taken_over");
	refused("POST", path_of("claims", claim, "/decision"), co1,
		"{\"approved_fen\":100000,\"reason\":\"同意\",\"payer\":\"company\"}", 403, "handled_by_association");
	refused("POST", path_of("complaints", id, "/resolve"), co1, "{\"finding\":\"upheld\",\"remedy\":\"x\"}", 403,
		"handled_by_association");
	refused("POST", path_of("claims", claim, "/decision"), admin,
		"{\"approved_fen\":200000,\"reason\":\"超过\",\"payer\":\"advance\"}", 422, "approved_above_claim");
	refused("POST", path_of("claims", claim, "/decision"), admin, "{\"approved_fen\":100000,\"reason\":\"同意\"}",
		400, "missing_field");
	r = ok("POST", path_of("claims", claim, "/decision"), admin,
	       "{\"approved_fen\":100000,\"reason\":\"按评估价先行赔付，再向企业追偿\",\"payer\":\"advance\"}", 200);
	assert_string_equal(resp_str(r, "status"), "approved");
	assert_string_equal(resp_str(r, "payer"), "advance");
	resp_free(r);
	/* the association pays an advance; not the company; the amount is the approved one */
	refused("POST", path_of("claims", claim, "/payment"), co1,
		"{\"paid_on\":\"2026-01-01\",\"amount_fen\":100000,\"reference\":\"X-1\"}", 403, "forbidden");
	char body[160];
	char today[11];
	time_format_date(time_today(), today);
	snprintf(body, sizeof body, "{\"paid_on\":\"%s\",\"amount_fen\":99999,\"reference\":\"ASSOC-2026-001\"}", today);
	refused("POST", path_of("claims", claim, "/payment"), admin, body, 422, "amount_mismatch");
	char tomorrow[11];
	time_format_date(time_today() + 1, tomorrow);
	snprintf(body, sizeof body, "{\"paid_on\":\"%s\",\"amount_fen\":100000,\"reference\":\"ASSOC-2026-001\"}", tomorrow);
	refused("POST", path_of("claims", claim, "/payment"), admin, body, 422, "date_in_future");
	refused("POST", path_of("claims", claim, "/recovery"), admin, body, 409, "invalid_transition");
	/* money moves after the decision: not the day before it */
	char yesterday[11];
	time_format_date(time_today() - 1, yesterday);
	snprintf(body, sizeof body, "{\"paid_on\":\"%s\",\"amount_fen\":100000,\"reference\":\"ASSOC-2026-001\"}", yesterday);
	refused("POST", path_of("claims", claim, "/payment"), admin, body, 422, "date_before_decision");
	snprintf(body, sizeof body, "{\"paid_on\":\"%s\",\"amount_fen\":100000,\"reference\":\"ASSOC-2026-001\"}", today);
	r = ok("POST", path_of("claims", claim, "/payment"), admin, body, 200);
	assert_string_equal(resp_str(r, "status"), "paid");
	assert_int_equal(resp_int(r, "paid_fen"), 100000);
	resp_free(r);
	assert_int_equal(outbox_count("claim_paid", id), 1); /* a claim's notices are about its complaint */
	/* recovered from the company later, in parts: never dated before the advance, never beyond what is owed */
	snprintf(body, sizeof body, "{\"paid_on\":\"%s\",\"amount_fen\":60000,\"reference\":\"REC-2026-001\"}", today);
	refused("POST", path_of("claims", claim, "/recovery"), cs, body, 403, "forbidden");
	snprintf(body, sizeof body, "{\"paid_on\":\"%s\",\"amount_fen\":60000,\"reference\":\"REC-2026-001\"}", yesterday);
	refused("POST", path_of("claims", claim, "/recovery"), admin, body, 422, "date_before_payment");
	snprintf(body, sizeof body, "{\"paid_on\":\"%s\",\"amount_fen\":100001,\"reference\":\"REC-2026-001\"}", today);
	refused("POST", path_of("claims", claim, "/recovery"), admin, body, 422, "recovery_exceeds");
	snprintf(body, sizeof body, "{\"paid_on\":\"%s\",\"amount_fen\":60000,\"reference\":\"REC-2026-001\"}", today);
	r = ok("POST", path_of("claims", claim, "/recovery"), admin, body, 200);
	assert_string_equal(resp_str(r, "status"), "paid");
	assert_int_equal(resp_int(r, "recovered_fen"), 60000);
	resp_free(r);
	snprintf(body, sizeof body, "{\"paid_on\":\"%s\",\"amount_fen\":40001,\"reference\":\"REC-2026-002\"}", today);
	refused("POST", path_of("claims", claim, "/recovery"), admin, body, 422, "recovery_exceeds");
	snprintf(body, sizeof body, "{\"paid_on\":\"%s\",\"amount_fen\":40000,\"reference\":\"REC-2026-002\"}", today);
	r = ok("POST", path_of("claims", claim, "/recovery"), admin, body, 200);
	assert_string_equal(resp_str(r, "status"), "recovered");
	assert_int_equal(resp_int(r, "recovered_fen"), 100000);
	assert_string_equal(resp_str(r, "recovery_ref"), "REC-2026-002");
	resp_free(r);
	refused("POST", path_of("claims", claim, "/recovery"), admin, body, 409, "invalid_transition");
	/* the complaint shows its claim and the association resolves it */
	r = ok("POST", path_of("complaints", id, "/resolve"), admin,
	       "{\"finding\":\"upheld\",\"remedy\":\"协会先行赔付 1000 元，已向企业追偿\"}", 200);
	json_t *claims = json_object_get(r->json, "claims");
	assert_int_equal(json_array_size(claims), 1);
	assert_string_equal(json_string_value(json_object_get(json_array_get(claims, 0), "status")), "recovered");
	resp_free(r);

	/* a company's own decision and payment; a company may not decide an advance, nor name a worker
	 * the complaint does not name, nor grant less than asked without its reasons */
	int64_t other = file_about_co1("quality");
	r = ok("POST", path_of("complaints", other, "/claims"), cust, "{\"amount_fen\":5000,\"description\":\"返工费\"}",
	       201);
	int64_t c2 = resp_int(r, "id");
	resp_free(r);
	refused("POST", path_of("claims", c2, "/decision"), co1,
		"{\"approved_fen\":5000,\"reason\":\"同意\",\"payer\":\"advance\"}", 422, "advance_by_association");
	refused("POST", path_of("claims", c2, "/decision"), co1,
		"{\"approved_fen\":3000,\"reason\":\"返工费用按实际发生的一半计算\",\"payer\":\"worker\"}", 422,
		"payer_worker_unknown");
	refused("POST", path_of("claims", c2, "/decision"), co1, "{\"approved_fen\":3000,\"reason\":\"部分合理\",\"payer\":\"company\"}",
		422, "too_little_content");
	r = ok("POST", path_of("claims", c2, "/decision"), co1,
	       "{\"approved_fen\":3000,\"reason\":\"返工费用按实际发生的一半计算\",\"payer\":\"company\"}", 200);
	assert_string_equal(resp_str(r, "decision_state"), "proposed");
	resp_free(r);
	/* the company pays what the customer accepted; the association steps in only for a payment that
	 * is overdue */
	resp_free(ok("POST", path_of("claims", c2, "/acceptance"), cust, NULL, 200));
	refused("POST", path_of("claims", c2, "/advance"), admin, "{\"reason\":\"协会先行赔付\"}", 409, "payment_not_overdue");
	/* its payment is overdue after fifteen days */
	at(t0 + 7 * DAY + 16 * DAY);
	jr = run_jobs();
	assert_true(jr.claims_breached >= 1);
	r = get(other, co1);
	assert_true(json_is_true(json_object_get(json_array_get(json_object_get(r->json, "claims"), 0), "payment_breached")));
	resp_free(r);
	/* it does: the approved amount becomes its advance, which it pays and later recovers */
	refused("POST", path_of("claims", c2, "/advance"), co1, "{\"reason\":\"企业自己\"}", 403, "forbidden");
	refused("POST", path_of("claims", c2, "/advance"), admin, "{}", 400, "missing_field");
	r = ok("POST", path_of("claims", c2, "/advance"), admin, "{\"reason\":\"企业逾期未付，协会先行赔付\"}", 200);
	assert_string_equal(resp_str(r, "payer"), "advance");
	assert_string_equal(resp_str(r, "status"), "approved");
	resp_free(r);
	assert_int_equal(outbox_count("claim_advanced", other), 2); /* the customer and the company */
	refused("POST", path_of("claims", c2, "/advance"), admin, "{\"reason\":\"再次\"}", 409, "payment_not_overdue");
	time_format_date(time_today(), today);
	snprintf(body, sizeof body, "{\"paid_on\":\"%s\",\"amount_fen\":3000,\"reference\":\"WX-88\"}", today);
	refused("POST", path_of("claims", c2, "/payment"), admin, body, 422, "weak_reference");
	snprintf(body, sizeof body, "{\"paid_on\":\"%s\",\"amount_fen\":3000,\"reference\":\"WX-2026-8888\"}", today);
	refused("POST", path_of("claims", c2, "/payment"), co1, body, 403, "forbidden");
	r = ok("POST", path_of("claims", c2, "/payment"), admin, body, 200);
	assert_string_equal(resp_str(r, "status"), "paid");
	resp_free(r);
	r = ok("POST", path_of("claims", c2, "/recovery"), admin, body, 200);
	assert_string_equal(resp_str(r, "status"), "recovered");
	resp_free(r);
	at(0);
}

/* ---- a flood from one account ---- */

static void test_daily_limit(void **state)
{
	(void)state;
	int64_t t0 = time_day_start(time_today() + 200) + 9 * HOUR;
	at(t0);
	char body[256];
	snprintf(body, sizeof body, "{\"company_id\":%lld,\"category\":\"other\",\"description\":\"又一件投诉\","
				    "\"contact_phone\":\"13612345678\"}", (long long)co2_id);
	for (int i = 0; i < 5; i++)
		resp_free(ok("POST", "/api/complaints", cust2, body, 201));
	refused("POST", "/api/complaints", cust2, body, 429, "too_many_complaints");
	/* the service centre takes more for the same household, and the next day the customer may again */
	char agent[320];
	snprintf(agent, sizeof agent, "{\"company_id\":%lld,\"category\":\"other\",\"description\":\"电话补充\","
				     "\"contact_name\":\"周女士\",\"contact_phone\":\"13900001234\"}", (long long)co2_id);
	resp_free(ok("POST", "/api/complaints", cs, agent, 201));
	at(t0 + DAY + 1);
	resp_free(ok("POST", "/api/complaints", cust2, body, 201));
	at(0);
}

/* ---- who sees what ---- */

static void test_who_sees_what(void **state)
{
	(void)state;
	at(0);
	int64_t id = file_about_co1("privacy");
	/* the company, the agents and the association see it; not the other company, another customer,
	 * a worker, a trainer */
	resp_free(get(id, co1));
	resp_free(get(id, cs));
	resp_free(get(id, admin));
	refused("GET", path_of("complaints", id, ""), co2, NULL, 404, "not_found");
	refused("GET", path_of("complaints", id, ""), cust2, NULL, 404, "not_found");
	refused("GET", path_of("complaints", id, ""), worker1, NULL, 404, "not_found");
	refused("GET", "/api/complaints", worker1, NULL, 403, "forbidden");
	refused("GET", "/api/complaints", trainer, NULL, 403, "forbidden");
	refused("GET", "/api/complaints", NULL, NULL, 401, "unauthenticated");
	/* the other company's moves and list */
	refused("POST", path_of("complaints", id, "/feedback"), co2, "{\"text\":\"不是我们的\"}", 404, "not_found");
	struct resp *r = ok("GET", "/api/complaints?per_page=100", co2, NULL, 200);
	json_t *items = json_object_get(r->json, "items");
	for (size_t i = 0; i < json_array_size(items); i++)
		assert_int_equal(json_integer_value(json_object_get(json_object_get(json_array_get(items, i), "company"), "id")),
				 co2_id);
	resp_free(r);
	r = ok("GET", "/api/complaints?per_page=100", cust2, NULL, 200);
	items = json_object_get(r->json, "items");
	for (size_t i = 0; i < json_array_size(items); i++)
		assert_int_not_equal(json_integer_value(json_object_get(json_array_get(items, i), "id")), id);
	resp_free(r);
	/* an agent chases (an internal note the company hears of), but does not answer for the company */
	refused("POST", path_of("complaints", id, "/feedback"), cs, "{\"text\":\"代企业回复\"}", 403, "forbidden");
	resp_free(ok("POST", path_of("complaints", id, "/notes"), cs, "{\"text\":\"已电话催办企业\"}", 200));
	assert_int_equal(outbox_count("complaint_chased", id), 1);
	/* an agent's escalation is one event, carrying the agent's reason */
	r = ok("POST", path_of("complaints", id, "/escalate"), cs, "{\"reason\":\"企业两次未接电话\"}", 200);
	json_t *tl = json_object_get(r->json, "timeline");
	int escalations = 0;
	for (size_t i = 0; i < json_array_size(tl); i++)
		if (strcmp(json_string_value(json_object_get(json_array_get(tl, i), "action")), "escalate") == 0) {
			escalations++;
			assert_string_equal(json_string_value(json_object_get(json_array_get(tl, i), "note")), "企业两次未接电话");
		}
	assert_int_equal(escalations, 1);
	resp_free(r);
	/* the customer's notices are theirs */
	resp_free(ok("POST", path_of("complaints", id, "/feedback"), co1, "{\"text\":\"我们正在调查。\"}", 200));
	r = ok("GET", "/api/notifications", cust, NULL, 200);
	items = json_object_get(r->json, "items");
	int mine = 0;
	for (size_t i = 0; i < json_array_size(items); i++)
		mine += json_integer_value(json_object_get(json_array_get(items, i), "subject_id")) == id &&
			strcmp(json_string_value(json_object_get(json_array_get(items, i), "topic")), "complaint_feedback") == 0;
	assert_int_equal(mine, 1);
	resp_free(r);
	r = ok("GET", "/api/notifications", cust2, NULL, 200);
	items = json_object_get(r->json, "items");
	for (size_t i = 0; i < json_array_size(items); i++)
		assert_int_not_equal(json_integer_value(json_object_get(json_array_get(items, i), "subject_id")), id);
	resp_free(r);
	/* the company's notices are for those who act for it, not its workers */
	r = ok("GET", "/api/notifications?per_page=100", co1, NULL, 200);
	assert_true(resp_int(r, "total") > 0);
	resp_free(r);
	r = ok("GET", "/api/notifications?per_page=100", worker1, NULL, 200);
	items = json_object_get(r->json, "items");
	for (size_t i = 0; i < json_array_size(items); i++)
		assert_int_not_equal(json_integer_value(json_object_get(json_array_get(items, i), "subject_id")), id);
	resp_free(r);

	/* what is new: the customer reads their notices; a later one is new again */
	r = ok("GET", "/api/notifications/unread", cust, NULL, 200);
	assert_true(resp_int(r, "unread") >= 1);
	resp_free(r);
	r = ok("GET", "/api/notifications", cust, NULL, 200);
	json_t *newest = json_array_get(json_object_get(r->json, "items"), 0);
	assert_true(json_is_true(json_object_get(newest, "unread")));
	char seen[64];
	snprintf(seen, sizeof seen, "{\"up_to\":%lld}", (long long)json_integer_value(json_object_get(newest, "id")));
	resp_free(r);
	refused("POST", "/api/notifications/seen", cust, "{}", 400, "missing_field");
	refused("POST", "/api/notifications/seen", cust, "{\"up_to\":-1}", 400, "out_of_range");
	refused("POST", "/api/notifications/seen", cust, "{\"up_to\":\"x\"}", 400, "invalid_type");
	refused("POST", "/api/notifications/seen", NULL, seen, 401, "unauthenticated");
	r = ok("POST", "/api/notifications/seen", cust, seen, 200);
	assert_int_equal(resp_int(r, "unread"), 0);
	resp_free(r);
	r = ok("GET", "/api/notifications?per_page=100", cust, NULL, 200);
	items = json_object_get(r->json, "items");
	for (size_t i = 0; i < json_array_size(items); i++)
		assert_true(json_is_false(json_object_get(json_array_get(items, i), "unread")));
	resp_free(r);
	/* another company's reading is its own */
	r = ok("GET", "/api/notifications/unread", co1, NULL, 200);
	assert_true(resp_int(r, "unread") > 0);
	resp_free(r);
	/* a place past the newest notice stops at it: what comes later is still new; a place never moves back */
	resp_free(ok("POST", "/api/notifications/seen", cust, "{\"up_to\":4611686018427387904}", 200));
	resp_free(ok("POST", path_of("complaints", id, "/feedback"), co1, "{\"text\":\"调查结果明天告知。\"}", 200));
	r = ok("POST", "/api/notifications/seen", cust, "{\"up_to\":0}", 200);
	assert_int_equal(resp_int(r, "unread"), 1);
	resp_free(r);
}

/* ---- the public figures, against the raw records ---- */

static void test_public_figures(void **state)
{
	(void)state;
	at(0);
	char month[8];
	time_format_month(time_month(clock_now()), month);
	char path[96];
	snprintf(path, sizeof path, "/api/public/complaint-figures?month=%s", month);
	struct resp *r = ok("GET", path, NULL, NULL, 200);
	assert_int_equal(resp_int(r, "standards.complaint_feedback_hours"), 48);
	json_t *items = json_object_get(r->json, "items");
	int seen = 0;
	for (size_t i = 0; i < json_array_size(items); i++) {
		json_t *it = json_array_get(items, i);
		int64_t company = json_integer_value(json_object_get(json_object_get(it, "company"), "id"));
		int64_t want[4] = {0};
		struct stmt *st = store_sql(H.store,
			"SELECT count(*), coalesce(sum(CASE WHEN feedback_in_time = 1 THEN 1 ELSE 0 END), 0),"
			" coalesce(sum(CASE WHEN finding = 'upheld' THEN 1 ELSE 0 END), 0),"
			" coalesce(sum(CASE WHEN escalated_at IS NOT NULL THEN 1 ELSE 0 END), 0)"
			" FROM complaints WHERE company_id = $1 AND month = $2"
			" AND (verification IS NULL OR verification = 'verified')");
		stmt_bind_int(st, 1, company);
		stmt_bind_int(st, 2, time_month(clock_now()));
		assert_int_equal(stmt_step(st), STORE_ROW);
		for (int k = 0; k < 4; k++)
			want[k] = stmt_int(st, k);
		stmt_done(st);
		assert_int_equal(json_integer_value(json_object_get(it, "received")), want[0]);
		assert_int_equal(json_integer_value(json_object_get(it, "feedback_in_time")), want[1]);
		assert_int_equal(json_integer_value(json_object_get(it, "upheld")), want[2]);
		assert_int_equal(json_integer_value(json_object_get(it, "escalated")), want[3]);
		seen += company == co1_id && want[0] > 0;
		/* nothing personal */
		assert_null(json_object_get(it, "customer"));
	}
	assert_int_equal(seen, 1);
	assert_null(strstr(r->body, "13800138000"));
	assert_null(strstr(r->body, "李女士"));
	resp_free(r);
	/* one company over twelve months, and its profile's six */
	snprintf(path, sizeof path, "/api/public/complaint-figures?company_id=%lld", (long long)co1_id);
	r = ok("GET", path, NULL, NULL, 200);
	assert_int_equal(json_array_size(json_object_get(r->json, "months")), 12);
	assert_string_equal(json_string_value(json_object_get(json_array_get(json_object_get(r->json, "months"), 0), "month")),
			    month);
	resp_free(r);
	snprintf(path, sizeof path, "/api/public/companies/%lld", (long long)co1_id);
	r = ok("GET", path, NULL, NULL, 200);
	assert_int_equal(json_array_size(json_object_get(r->json, "complaints")), 6);
	/* its record over twelve months: the upheld complaints of these tests among them */
	int64_t upheld = 0;
	struct stmt *st = store_sql(H.store, "SELECT count(*) FROM conduct_records WHERE subject = 'company'"
					     " AND subject_id = $1 AND kind = 'complaint_upheld' AND at >= $2");
	stmt_bind_int(st, 1, co1_id);
	stmt_bind_int(st, 2, clock_now() - 365 * 86400);
	assert_int_equal(stmt_one_int(st, &upheld), 0);
	assert_true(upheld >= 1);
	assert_int_equal(resp_int(r, "conduct.complaints_upheld"), upheld);
	resp_free(r);
	/* a worker's public profile counts theirs, without saying which */
	int64_t worker = 0, partly = 0;
	assert_int_equal(stmt_one_int(store_sql(H.store, "SELECT subject_id FROM conduct_records WHERE subject = 'worker'"
							 " ORDER BY id DESC LIMIT 1"), &worker), 0);
	st = store_sql(H.store, "SELECT count(*) FROM conduct_records WHERE subject = 'worker' AND subject_id = $1"
				" AND kind IN ('complaint_upheld', 'complaint_partly_upheld', 'spot_check_failed') AND at >= $2");
	stmt_bind_int(st, 1, worker);
	stmt_bind_int(st, 2, clock_now() - 365 * 86400);
	assert_int_equal(stmt_one_int(st, &partly), 0);
	snprintf(path, sizeof path, "/api/public/workers/%lld", (long long)worker);
	r = ok("GET", path, NULL, NULL, 200);
	assert_int_equal(resp_int(r, "conduct.complaints_upheld") + resp_int(r, "conduct.complaints_partly_upheld") +
				 resp_int(r, "conduct.spot_checks_failed"),
			 partly);
	assert_null(strstr(r->body, "TS20"));
	resp_free(r);
	refused("GET", "/api/public/complaint-figures?month=2026-13", NULL, NULL, 400, "invalid_parameter");
	refused("GET", "/api/public/complaint-figures?company_id=1", NULL, NULL, 404, "not_found");
	/* the audit chain holds after all of it */
	r = ok("GET", "/api/audit/verify", admin, NULL, 200);
	assert_true(json_is_true(json_object_get(r->json, "ok")));
	resp_free(r);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_intake),
		cmocka_unit_test(test_feedback_in_time_and_breach),
		cmocka_unit_test(test_pause_and_resume),
		cmocka_unit_test(test_resolve_reopen_close),
		cmocka_unit_test(test_claims_and_advance_payment),
		cmocka_unit_test(test_daily_limit),
		cmocka_unit_test(test_who_sees_what),
		cmocka_unit_test(test_public_figures),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
