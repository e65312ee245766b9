/* The complaint clocks against the company they measure, each way around them that used to work
 * reproduced, and now refused or counted honestly: a question of one character that paused the
 * clock for ever, a dot that counted as the first feedback in time, a question asked again after
 * every answer, a claim's decision deadline waiting with its complaint, a caller without an
 * account whose complaint nobody moved, a resolution reopened and then breached that still read
 * "resolved in time", lapsed resolutions and the ratings of only those who accepted. The long ones
 * run against the deadline job with the clock moved; the standards that set the numbers are the
 * association's, and changing them changes the rules. */
#include "harness.h"

#include "jobs.h"
#include "rights/complaints.h"
#include "util/clock.h"
#include "util/strbuf.h"
#include "util/timefmt.h"

static struct harness H;
static char admin[TOKEN_LEN], staff[TOKEN_LEN], co2[TOKEN_LEN], cust[TOKEN_LEN], cs[TOKEN_LEN];

#define HOUR 3600
#define DAY 86400

static struct resp *ok(const char *method, const char *path, const char *token, const char *body, int status)
{
	return h_ok(&H, method, path, token, body, status);
}

/* Everything a complaint write touches, summed: a refusal must leave it as it was. */
static int64_t written(void)
{
	int64_t n = 0;
	stmt_one_int(store_sql(H.store, "SELECT (SELECT count(*) + coalesce(sum(length(status) + paused_secs + pauses"
					 " + coalesce(pause_until, 0) + coalesce(first_feedback_at, 0) + feedback_breached"
					 " + resolve_breached + reopened + coalesce(rating, 0)), 0) FROM complaints)"
					 " + (SELECT count(*) FROM complaint_events) + (SELECT count(*) FROM outbox)"
					 " + (SELECT count(*) + coalesce(sum(length(status)), 0) FROM claims)"),
		     &n);
	return n;
}

static void refused(const char *method, const char *path, const char *token, const char *body, int status,
		    const char *code)
{
	h_refused(&H, written, method, path, token, body, status, code);
}

/* Sets the clock (0: real time) and signs everyone in again: a jump of hours ends idle sessions. */
static void at(int64_t t)
{
	clock_set(t);
	h_login(&H, "admin", admin, NULL);
	h_login(&H, "staff1", staff, NULL);
	h_login(&H, "company2", co2, NULL);
	h_login(&H, "customer1", cust, NULL);
	h_login(&H, "cs1", cs, NULL);
}

static int setup(void **state)
{
	(void)state;
	h_open(&H);
	at(0);
	/* these tests file many complaints without a booking against one company; the limit on them is
	 * test_api_floods.c's */
	resp_free(h_ok(&H, "PATCH", "/api/standards", admin, "{\"unbooked_complaints_max\":100}", 200));
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	h_close(&H);
	return 0;
}

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
	char path[96];
	snprintf(path, sizeof path, "/api/complaints/%lld/verify", (long long)id);
	resp_free(ok("POST", path, cs, "{\"note\":\"已回电投诉人，经过属实。\"}", 200));
}

/* customer1 complains about company (the fixture's first or second), and the service centre
 * verifies it at once; the complaint's id */
static int64_t file(int64_t company)
{
	char body[256];
	snprintf(body, sizeof body, "{\"company_id\":%lld,\"category\":\"quality\",\"description\":\"厨房没有打扫干净，"
				    "地面仍有水渍。\",\"contact_phone\":\"13812345678\"}", (long long)company);
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

/* A move that must succeed; the answer freed. */
static void move(int64_t id, const char *what, const char *token, const char *body)
{
	resp_free(ok("POST", path_of("complaints", id, what), token, body, 200));
}

static int64_t num(struct stmt *st)
{
	int64_t n = -1;
	assert_int_equal(stmt_one_int(st, &n), 0);
	return n;
}

/* One integer of complaint id, by a query of it ($1). */
static int64_t col_of(struct stmt *st, int64_t id)
{
	stmt_bind_int(st, 1, id);
	return num(st);
}
#define col(id, sql) col_of(store_sql(H.store, sql), id)

#define RESOLVE_DUE "SELECT resolve_due FROM complaints WHERE id = $1"
#define ESCALATED "SELECT coalesce(escalated_at, 0) FROM complaints WHERE id = $1"
#define PAUSED_SECS "SELECT paused_secs FROM complaints WHERE id = $1"

static int64_t notices(const char *topic, int64_t subject, int64_t user)
{
	struct stmt *st = store_sql(H.store, "SELECT count(*) FROM outbox WHERE topic = $1 AND subject_id = $2"
					     " AND ($3 = 0 OR user_id = $3)");
	stmt_bind_text(st, 1, topic);
	stmt_bind_int(st, 2, subject);
	stmt_bind_int(st, 3, user);
	return num(st);
}

static int64_t events(int64_t id, const char *action)
{
	struct stmt *st = store_sql(H.store, "SELECT count(*) FROM complaint_events WHERE complaint_id = $1 AND action = $2");
	stmt_bind_int(st, 1, id);
	stmt_bind_text(st, 2, action);
	return num(st);
}

static struct jobs_report run_jobs(void)
{
	struct jobs_report r = {0};
	assert_int_equal(jobs_run(H.store, &r), 0);
	return r;
}

static void standards(const char *body)
{
	resp_free(ok("PATCH", "/api/standards", admin, body, 200));
}

/* ---- what a feedback and a question must say, and what a question is not ---- */

static void test_content(void **state)
{
	(void)state;
	/* the weight of a text: letters and digits 1, a Chinese character 2, punctuation, spaces, symbols,
	 * emoji nothing */
	assert_int_equal(complaint_text_substance("?"), 0);
	assert_int_equal(complaint_text_substance(" . 。！？…… \n"), 0);
	assert_int_equal(complaint_text_substance("😀😀😀😀😀😀"), 0);
	assert_int_equal(complaint_text_substance("ok thanks!"), 8);
	assert_int_equal(complaint_text_substance("抱歉回复晚了。"), 12);
	assert_int_equal(complaint_text_substance("１２３ＡＢＣ，"), 6);
	assert_int_equal(complaint_text_substance("Café 3"), 5);
	assert_int_equal(complaint_text_substance("\xff\xfe"), 0); /* not UTF-8 (the API lets none in): nothing */

	int64_t t0 = h_day_at(3, 9);
	at(t0);
	int64_t id = file(H.co1_id);
	const char *fb = path_of("complaints", id, "/feedback");
	/* "?" as a question, "." as feedback, and their like: refused, nothing written */
	refused("POST", fb, staff, "{\"text\":\"?\",\"ask\":true}", 422, "too_little_content");
	refused("POST", fb, staff, "{\"text\":\".\"}", 422, "too_little_content");
	refused("POST", fb, staff, "{\"text\":\"好的。\"}", 422, "too_little_content");
	refused("POST", fb, staff, "{\"text\":\"ok thanks!\",\"ask\":true}", 422, "too_little_content");
	refused("POST", fb, staff, "{\"text\":\"？？？？？？？？？？？？\",\"ask\":true}", 422, "too_little_content");
	/* a real question: the complaint waits, but it is no feedback, and the feedback clock runs on */
	at(t0 + HOUR);
	struct resp *r = ok("POST", fb, staff, "{\"text\":\"请问具体哪天？\",\"ask\":true}", 200);
	assert_string_equal(resp_str(r, "status"), "waiting_customer");
	assert_true(json_is_null(json_object_get(r->json, "first_feedback_at")));
	assert_true(json_is_null(json_object_get(r->json, "feedback_in_time")));
	assert_string_equal(resp_str(r, "clock.name"), "feedback");
	assert_false(json_is_true(json_object_get(json_object_get(r->json, "clock"), "paused")));
	assert_int_equal(resp_int(r, "clock.seconds_left"), 47 * HOUR);
	resp_free(r);
	/* the 48 hours run out while it waits: breached and escalated as any other */
	at(t0 + 48 * HOUR + 1);
	struct jobs_report jr = run_jobs();
	assert_int_equal(jr.complaints_breached, 1);
	assert_int_equal(col(id, ESCALATED), t0 + 48 * HOUR + 1);
	/* feedback is still owed, and may be given while the question waits: it stays waiting, late */
	r = ok("POST", fb, staff, "{\"text\":\"抱歉回复晚了，我们已联系服务人员核实。\"}", 200);
	assert_string_equal(resp_str(r, "status"), "waiting_customer");
	assert_true(json_is_false(json_object_get(r->json, "feedback_in_time")));
	assert_string_equal(resp_str(r, "clock.name"), "resolve");
	assert_true(json_is_true(json_object_get(json_object_get(r->json, "clock"), "paused")));
	resp_free(r);
	/* a second question while one waits is out of order */
	refused("POST", fb, staff, "{\"text\":\"还有一个问题：是谁上门的？\",\"ask\":true}", 409, "invalid_transition");
	/* a remedy needs content too: "无" does not resolve anything */
	refused("POST", path_of("complaints", id, "/resolve"), staff, "{\"finding\":\"not_upheld\",\"remedy\":\"无\"}", 422,
		"too_little_content");
	/* the association sets the minimum */
	standards("{\"complaint_text_min\":30}");
	refused("POST", path_of("complaints", id, "/resolve"), staff,
		"{\"finding\":\"not_upheld\",\"remedy\":\"价格符合公示标准\"}", 422, "too_little_content");
	standards("{\"complaint_text_min\":10}");
	move(id, "/resolve", staff, "{\"finding\":\"not_upheld\",\"remedy\":\"价格符合公示标准\"}");
	at(0);
}

/* ---- a pause ends by itself ---- */

static void test_pause_runs_out(void **state)
{
	(void)state;
	int64_t t0 = h_day_at(10, 9);
	at(t0);
	int64_t id = file(H.co1_id);
	int64_t due = col(id, RESOLVE_DUE);
	move(id, "/feedback", staff, "{\"text\":\"已收到投诉，正在核实服务记录。\"}");
	int64_t t1 = t0 + 2 * HOUR;
	at(t1);
	struct resp *r = ok("POST", path_of("complaints", id, "/feedback"), staff,
			    "{\"text\":\"请问是哪个房间没有打扫干净？\",\"ask\":true}", 200);
	assert_string_equal(resp_str(r, "pause_until"), h_iso(t1 + 72 * HOUR));
	assert_string_equal(resp_str(r, "clock.paused_until"), h_iso(t1 + 72 * HOUR));
	resp_free(r);
	assert_int_equal(notices("complaint_question", id, H.customer_id), 1);
	/* before half the pause, nothing; at half, the customer is reminded, once */
	at(t1 + 36 * HOUR - 60);
	struct jobs_report jr = run_jobs();
	assert_int_equal(jr.complaints_reminded, 0);
	clock_set(t1 + 36 * HOUR);
	jr = run_jobs();
	assert_int_equal(jr.complaints_reminded, 1);
	assert_int_equal(notices("complaint_reminder", id, H.customer_id), 1);
	assert_int_equal(events(id, "remind"), 1);
	int64_t before = written() + h_writes(&H);
	jr = run_jobs();
	assert_int_equal(jr.complaints_reminded, 0);
	assert_int_equal(written() + h_writes(&H), before);
	/* past the 72 hours, before the job has been: shown running again from the limit */
	at(t1 + 80 * HOUR);
	r = get(id, staff);
	assert_string_equal(resp_str(r, "status"), "waiting_customer");
	assert_false(json_is_true(json_object_get(json_object_get(r->json, "clock"), "paused")));
	assert_int_equal(resp_int(r, "clock.seconds_left"), due + 72 * HOUR - (t1 + 80 * HOUR));
	resp_free(r);
	/* forty days on: the job ends the pause at its limit, and the clock it frees has run out —
	 * breached and escalated in the same pass */
	at(t1 + 40 * DAY);
	jr = run_jobs();
	assert_int_equal(jr.complaints_resumed, 1);
	assert_true(jr.complaints_breached >= 1);
	assert_int_equal(col(id, PAUSED_SECS), 72 * HOUR);
	assert_int_equal(col(id, RESOLVE_DUE), due + 72 * HOUR);
	assert_int_equal(col(id, ESCALATED), t1 + 40 * DAY);
	assert_int_equal(events(id, "pause_expired"), 1);
	assert_int_equal(notices("complaint_pause_expired", id, 0), 2); /* the company and the customer */
	r = get(id, staff);
	assert_string_equal(resp_str(r, "status"), "in_progress");
	assert_true(json_is_true(json_object_get(r->json, "resolve_breached")));
	assert_true(json_is_false(json_object_get(r->json, "resolved_in_time")));
	assert_true(json_is_null(json_object_get(r->json, "paused_at")));
	resp_free(r);
	/* an answer this late is more said: no clock moves */
	r = ok("POST", path_of("complaints", id, "/answer"), cust, "{\"text\":\"是厨房。\"}", 200);
	json_t *tl = json_object_get(r->json, "timeline");
	assert_string_equal(json_string_value(json_object_get(json_array_get(tl, json_array_size(tl) - 1), "action")),
			    "add_info");
	resp_free(r);
	assert_int_equal(col(id, RESOLVE_DUE), due + 72 * HOUR);

	/* an answer after the limit but before the job: the wait counts up to the limit, not beyond */
	at(t0 + 50 * DAY);
	int64_t other = file(H.co1_id);
	int64_t due2 = col(other, RESOLVE_DUE);
	move(other, "/feedback", staff, "{\"text\":\"已收到投诉，正在核实服务记录。\"}");
	move(other, "/feedback", staff, "{\"text\":\"请问是哪个房间没有打扫干净？\",\"ask\":true}");
	at(t0 + 50 * DAY + 100 * HOUR);
	r = ok("POST", path_of("complaints", other, "/answer"), cust, "{\"text\":\"是厨房和卫生间。\"}", 200);
	assert_string_equal(resp_str(r, "status"), "in_progress");
	assert_int_equal(resp_int(r, "paused_seconds"), 72 * HOUR);
	resp_free(r);
	assert_int_equal(col(other, RESOLVE_DUE), due2 + 72 * HOUR);

	/* the association sets the limit: a pause begun under 24 hours ends after 24 */
	standards("{\"complaint_pause_max_hours\":24}");
	at(t0 + 60 * DAY);
	int64_t third = file(H.co1_id);
	move(third, "/feedback", staff, "{\"text\":\"已收到投诉，正在核实服务记录。\"}");
	move(third, "/feedback", staff, "{\"text\":\"请问是哪个房间没有打扫干净？\",\"ask\":true}");
	at(t0 + 60 * DAY + 24 * HOUR + 1);
	jr = run_jobs();
	assert_int_equal(jr.complaints_resumed, 1);
	assert_int_equal(col(third, PAUSED_SECS), 24 * HOUR);
	standards("{\"complaint_pause_max_hours\":72}");
	at(0);
}

/* ---- a claim's deadlines never wait ---- */

static void test_claim_never_pauses(void **state)
{
	(void)state;
	/* even with the longest pause the association may set, a month */
	standards("{\"complaint_pause_max_hours\":720}");
	int64_t t0 = h_day_at(80, 9);
	at(t0);
	int64_t id = file(H.co1_id);
	struct resp *r = ok("POST", path_of("complaints", id, "/claims"), cust,
			    "{\"amount_fen\":12000,\"description\":\"打碎的茶杯\"}", 201);
	int64_t claim = resp_int(r, "id");
	resp_free(r);
	move(id, "/feedback", staff, "{\"text\":\"已收到投诉，正在核实服务记录。\"}");
	move(id, "/feedback", staff, "{\"text\":\"请提供茶杯的购买凭证或照片。\",\"ask\":true}");
	/* seven days and a minute: the complaint still waits, the claim's decision is overdue */
	at(t0 + 7 * DAY + 60);
	struct jobs_report jr = run_jobs();
	assert_int_equal(jr.claims_breached, 1);
	r = get(id, staff);
	assert_string_equal(resp_str(r, "status"), "waiting_customer");
	assert_true(json_is_true(json_object_get(json_object_get(r->json, "clock"), "paused")));
	assert_true(json_is_true(json_object_get(r->json, "claims_overdue")));
	assert_true(json_is_string(json_object_get(r->json, "escalated_at")));
	assert_true(json_is_true(json_object_get(json_array_get(json_object_get(r->json, "claims"), 0), "decision_breached")));
	resp_free(r);
	assert_int_equal(events(id, "claim_decision_breached"), 1);
	/* the customer's answer moves the complaint's deadline, not the claim's */
	struct stmt *st = store_sql(H.store, "SELECT decision_due FROM claims WHERE id = $1");
	stmt_bind_int(st, 1, claim);
	int64_t decision_due = num(st);
	move(id, "/answer", cust, "{\"text\":\"凭证已上传。\"}");
	st = store_sql(H.store, "SELECT decision_due FROM claims WHERE id = $1");
	stmt_bind_int(st, 1, claim);
	assert_int_equal(num(st), decision_due);
	assert_int_equal(decision_due, t0 + 7 * DAY);
	standards("{\"complaint_pause_max_hours\":72}");
	at(0);
}

/* ---- how often a question may pause ---- */

static void test_pauses_limited(void **state)
{
	(void)state;
	int64_t t0 = h_day_at(100, 9);
	at(t0);
	int64_t id = file(H.co1_id);
	move(id, "/feedback", staff, "{\"text\":\"已收到投诉，正在核实服务记录。\"}");
	/* ask, answer, ask again — as long as it is allowed: twice, not twenty-two times */
	int asked = 0;
	for (int i = 0; i < 22; i++) {
		clock_set(t0 + (int64_t)(i + 1) * 60);
		struct resp *r = h_api(&H, "POST", path_of("complaints", id, "/feedback"), staff,
				       "{\"text\":\"请再补充一些现场照片。\",\"ask\":true}");
		if (r->status != 200) {
			assert_int_equal(r->status, 422);
			assert_string_equal(resp_code(r), "pause_limit_reached");
			assert_string_equal(resp_field(r), "ask");
			resp_free(r);
			break;
		}
		assert_int_equal(resp_int(r, "pauses"), i + 1);
		resp_free(r);
		asked++;
		move(id, "/answer", cust, "{\"text\":\"照片已补充。\"}");
	}
	assert_int_equal(asked, 2);
	struct resp *r = get(id, staff);
	assert_int_equal(resp_int(r, "pauses_left"), 0);
	assert_string_equal(resp_str(r, "status"), "in_progress");
	resp_free(r);
	refused("POST", path_of("complaints", id, "/feedback"), staff, "{\"text\":\"请再补充一些现场照片。\",\"ask\":true}",
		422, "pause_limit_reached");
	/* feedback that asks without pausing still goes out */
	move(id, "/feedback", staff, "{\"text\":\"如方便，请再补充一张卫生间的照片。\"}");
	/* a reopening does not give the pauses back */
	move(id, "/resolve", staff, "{\"finding\":\"partly_upheld\",\"remedy\":\"安排返工一次，并退还一半服务费。\"}");
	move(id, "/reopen", cust, "{\"reason\":\"返工还是没有打扫干净\"}");
	refused("POST", path_of("complaints", id, "/feedback"), staff, "{\"text\":\"请再补充一些现场照片。\",\"ask\":true}",
		422, "pause_limit_reached");
	/* the association sets how many: none at all */
	standards("{\"complaint_pauses_max\":0}");
	int64_t other = file(H.co1_id);
	move(other, "/feedback", staff, "{\"text\":\"已收到投诉，正在核实服务记录。\"}");
	refused("POST", path_of("complaints", other, "/feedback"), staff, "{\"text\":\"请补充一些现场照片。\",\"ask\":true}",
		422, "pause_limit_reached");
	r = get(other, staff);
	assert_int_equal(resp_int(r, "pauses_left"), 0);
	resp_free(r);
	standards("{\"complaint_pauses_max\":2}");
	at(0);
}

/* ---- a caller without an account, through the service centre ---- */

static void test_phone_caller(void **state)
{
	(void)state;
	int64_t t0 = h_day_at(130, 9);
	at(t0);
	char body[320];
	snprintf(body, sizeof body, "{\"company_id\":%lld,\"category\":\"attitude\",\"description\":\"来电：服务员态度生硬，"
				    "提前离开。\",\"contact_name\":\"周先生\",\"contact_phone\":\"13757100246\"}", (long long)H.co1_id);
	struct resp *r = ok("POST", "/api/complaints", cs, body, 201);
	int64_t id = resp_int(r, "id");
	char tracking[32];
	str_copy(tracking, sizeof tracking, resp_str(r, "tracking_no"));
	resp_free(r);
	verified(id);
	move(id, "/feedback", staff, "{\"text\":\"已收到投诉，正在核实服务记录。\"}");
	move(id, "/feedback", staff, "{\"text\":\"请问服务员是哪天上门的？\",\"ask\":true}");
	/* nobody has an account to be told: the agent who took the call is, to ring them back */
	assert_int_equal(notices("complaint_call_back", id, H.cs_id), 1);
	/* half the pause on, still no answer: the centre is reminded */
	at(t0 + 40 * HOUR);
	assert_int_equal(run_jobs().complaints_reminded, 1);
	assert_int_equal(notices("complaint_call_back", id, H.cs_id), 2);
	/* the agent enters the caller's answer: recorded as theirs, for the caller, and the clock runs */
	r = ok("POST", path_of("complaints", id, "/answer"), cs, "{\"text\":\"来电人说是11月3日上午。\"}", 200);
	assert_string_equal(resp_str(r, "status"), "in_progress");
	assert_false(json_is_true(json_object_get(json_object_get(r->json, "clock"), "paused")));
	json_t *tl = json_object_get(r->json, "timeline");
	json_t *last = json_array_get(tl, json_array_size(tl) - 1);
	assert_string_equal(json_string_value(json_object_get(last, "action")), "answer_for_caller");
	assert_string_equal(json_string_value(json_object_get(last, "actor_role")), "cs_agent");
	assert_string_equal(json_string_value(json_object_get(last, "from")), "waiting_customer");
	assert_string_equal(json_string_value(json_object_get(last, "to")), "in_progress");
	resp_free(r);
	assert_int_equal(col(id, PAUSED_SECS), 40 * HOUR);
	assert_int_equal(notices("complaint_answered", id, 0), 1);
	/* and more the caller says later, the same */
	r = ok("POST", path_of("complaints", id, "/answer"), cs, "{\"text\":\"来电人补充：服务员提前半小时离开。\"}", 200);
	tl = json_object_get(r->json, "timeline");
	assert_string_equal(json_string_value(json_object_get(json_array_get(tl, json_array_size(tl) - 1), "action")),
			    "add_info_for_caller");
	resp_free(r);
	/* the caller following it on the public page sees the step, not who wrote it nor what */
	snprintf(body, sizeof body, "{\"tracking_no\":\"%s\",\"phone_last4\":\"0246\"}", tracking);
	r = ok("POST", "/api/public/complaints/track", NULL, body, 200);
	json_t *steps = json_object_get(r->json, "steps");
	int answered = 0;
	for (size_t i = 0; i < json_array_size(steps); i++)
		answered += strcmp(json_string_value(json_object_get(json_array_get(steps, i), "action")), "answer_for_caller") == 0;
	assert_int_equal(answered, 1);
	assert_null(strstr(r->body, "11月3日"));
	resp_free(r);
	at(0);
}

/* ---- the figures after a reopening, a lapse and the ratings ---- */

/* One company's figures of the month of t, by name. */
static int64_t figure(struct resp *r, int64_t company, const char *name)
{
	json_t *items = json_object_get(r->json, "items");
	for (size_t i = 0; i < json_array_size(items); i++) {
		json_t *it = json_array_get(items, i);
		if (json_integer_value(json_object_get(json_object_get(it, "company"), "id")) == company)
			return json_integer_value(json_object_get(it, name));
	}
	fail_msg("no figures for company %lld", (long long)company);
	return -1;
}

static void test_figures_hold(void **state)
{
	(void)state;
	/* a month of its own, for the second company */
	int64_t t0 = time_month_start(time_month(clock_now()) + 8) + 2 * DAY + 9 * HOUR;
	at(t0);
	int64_t a = file(H.co2_id), b = file(H.co2_id), c = file(H.co2_id);
	for (int64_t id = a; id <= c; id++)
		move(id, "/feedback", co2, "{\"text\":\"已收到投诉，正在核实服务记录。\"}");
	at(t0 + DAY);
	/* a junk resolution is no resolution */
	refused("POST", path_of("complaints", a, "/resolve"), co2, "{\"finding\":\"not_upheld\",\"remedy\":\"无\"}", 422,
		"too_little_content");
	move(a, "/resolve", co2, "{\"finding\":\"not_upheld\",\"remedy\":\"经核实，服务按约定完成。\"}");
	move(b, "/resolve", co2, "{\"finding\":\"upheld\",\"remedy\":\"安排返工一次，并退还服务费。\"}");
	move(c, "/resolve", co2, "{\"finding\":\"partly_upheld\",\"remedy\":\"退还一半服务费。\"}");
	struct resp *r = get(a, cust);
	assert_true(json_is_true(json_object_get(r->json, "resolved_in_time")));
	resp_free(r);
	/* a is reopened — rated as the customer sends it back — and then left to breach: not in time */
	at(t0 + 2 * DAY);
	r = ok("POST", path_of("complaints", a, "/reopen"), cust, "{\"reason\":\"根本没有核实\",\"rating\":1}", 200);
	assert_true(json_is_null(json_object_get(r->json, "resolved_in_time")));
	assert_int_equal(resp_int(r, "rating"), 1);
	resp_free(r);
	refused("POST", path_of("complaints", b, "/reopen"), cust, "{\"reason\":\"再看看\",\"rating\":6}", 400, "out_of_range");
	move(b, "/accept", cust, "{\"rating\":5}");
	at(t0 + 9 * DAY + HOUR);
	run_jobs(); /* a breaches; c's window has passed: it lapses */
	r = get(a, co2);
	assert_true(json_is_true(json_object_get(r->json, "resolve_breached")));
	assert_true(json_is_false(json_object_get(r->json, "resolved_in_time")));
	resp_free(r);
	/* resolved again, and left to lapse: still late */
	move(a, "/resolve", co2, "{\"finding\":\"not_upheld\",\"remedy\":\"再次核实，服务按约定完成。\"}");
	at(t0 + 17 * DAY);
	run_jobs();
	r = get(a, cust);
	assert_string_equal(resp_str(r, "closed_by"), "lapse");
	assert_true(json_is_false(json_object_get(r->json, "resolved_in_time")));
	assert_int_equal(resp_int(r, "rating"), 1);
	resp_free(r);

	char month[8], path[96];
	time_format_month(time_month(t0), month);
	snprintf(path, sizeof path, "/api/public/complaint-figures?month=%s", month);
	r = ok("GET", path, NULL, NULL, 200);
	int64_t co = H.co2_id;
	assert_int_equal(figure(r, co, "received"), 3);
	assert_int_equal(figure(r, co, "resolve_settled"), 3);
	assert_int_equal(figure(r, co, "resolved_in_time"), 2); /* b and c; not a */
	assert_int_equal(figure(r, co, "escalated"), 1);
	assert_int_equal(figure(r, co, "reopened"), 1);
	assert_int_equal(figure(r, co, "accepted"), 1);
	assert_int_equal(figure(r, co, "lapsed"), 2);
	assert_int_equal(figure(r, co, "rating_asked"), 3);     /* every one was resolved */
	assert_int_equal(figure(r, co, "rated"), 2);            /* a's 1 as it was reopened, b's 5 */
	assert_int_equal(figure(r, co, "rating_total"), 6);
	assert_int_equal(resp_int(r, "industry.lapsed"), 2);
	assert_int_equal(resp_int(r, "standards.complaint_pause_max_hours"), 72);
	assert_int_equal(resp_int(r, "standards.complaint_pauses_max"), 2);
	resp_free(r);
	/* the company's twelve months say the same */
	snprintf(path, sizeof path, "/api/public/complaint-figures?company_id=%lld", (long long)co);
	clock_set(t0 + 17 * DAY);
	r = ok("GET", path, NULL, NULL, 200);
	json_t *m = json_array_get(json_object_get(r->json, "months"), 0);
	assert_string_equal(json_string_value(json_object_get(m, "month")), month);
	assert_int_equal(json_integer_value(json_object_get(m, "resolved_in_time")), 2);
	assert_int_equal(json_integer_value(json_object_get(m, "reopened")), 1);
	resp_free(r);

	/* a reopened complaint still open is not settled either way */
	at(t0 + 20 * DAY);
	int64_t d = file(H.co2_id);
	move(d, "/feedback", co2, "{\"text\":\"已收到投诉，正在核实服务记录。\"}");
	move(d, "/resolve", co2, "{\"finding\":\"upheld\",\"remedy\":\"安排返工一次，并退还服务费。\"}");
	move(d, "/reopen", cust, "{\"reason\":\"返工还是不干净\"}");
	r = ok("GET", path, NULL, NULL, 200);
	m = json_array_get(json_object_get(r->json, "months"), 0);
	assert_int_equal(json_integer_value(json_object_get(m, "received")), 4);
	assert_int_equal(json_integer_value(json_object_get(m, "resolve_settled")), 3);
	assert_int_equal(json_integer_value(json_object_get(m, "reopened")), 2);
	resp_free(r);
	/* and every write is in the audit chain */
	r = ok("GET", "/api/audit/verify", admin, NULL, 200);
	assert_true(json_is_true(json_object_get(r->json, "ok")));
	resp_free(r);
	at(0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_content),
		cmocka_unit_test(test_pause_runs_out),
		cmocka_unit_test(test_claim_never_pauses),
		cmocka_unit_test(test_pauses_limited),
		cmocka_unit_test(test_phone_caller),
		cmocka_unit_test(test_figures_hold),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
