/* Throwaway accounts against a competitor, on the demo industry, each way it used to work reproduced
 * and now refused or kept out of sight: three new accounts filing fifteen complaints about one
 * company with no booking (which the deadline job escalated at +8 days, and which took the month's
 * "received" in the public figures from 1 to 17), one of them accusing a named worker of theft. A
 * complaint without a booking of its customer's now waits for the service centre to verify it —
 * unseen by the company, its clocks not running, counted in no figure, on no worker's record — and
 * such complaints against one company are limited per account, per call-back number and per network
 * address. The long ones run against the deadline job with the store's clock moved. */
#include "harness.h"

#include "jobs.h"
#include "util/clock.h"
#include "util/strbuf.h"
#include "util/timefmt.h"

static struct harness H;
static char admin[TOKEN_LEN], co1[TOKEN_LEN], co2[TOKEN_LEN], cust[TOKEN_LEN], cs[TOKEN_LEN];
static char flood[3][TOKEN_LEN];
static int64_t co1_id, co2_id;

#define HOUR 3600
#define DAY 86400

static struct resp *call(const char *method, const char *path, const char *token, const char *body)
{
	return h_api(&H, method, path, token, body);
}

static struct resp *ok(const char *method, const char *path, const char *token, const char *body, int status)
{
	return h_ok(&H, method, path, token, body, status);
}

/* Everything a complaint write touches: a refusal must leave it as it was. */
static int64_t written(void)
{
	int64_t n = 0;
	stmt_one_int(store_sql(H.store, "SELECT (SELECT count(*) FROM complaints) + (SELECT count(*) FROM complaint_events)"
					 " + (SELECT count(*) FROM outbox) + (SELECT count(*) FROM claims)"
					 " + (SELECT count(*) FROM conduct_records)"
					 " + (SELECT coalesce(sum(length(status) + length(coalesce(verification, ''))), 0) FROM complaints)"),
		     &n);
	return n;
}

static void refused(const char *method, const char *path, const char *token, const char *body, int status,
		    const char *code)
{
	h_refused(&H, written, method, path, token, body, status, code);
}

static int64_t num(struct stmt *st)
{
	int64_t n = -1;
	assert_int_equal(stmt_one_int(st, &n), 0);
	return n;
}

static const char *path_of(const char *kind, int64_t id, const char *suffix)
{
	static char buf[4][96];
	static int k;
	char *b = buf[k++ % 4];
	snprintf(b, 96, "/api/%s/%lld%s", kind, (long long)id, suffix);
	return b;
}

/* Sets the clock (0: real time) and signs everyone in again: a jump of hours ends idle sessions. */
static void at(int64_t t)
{
	clock_set(t);
	h_login(&H, "admin", admin, NULL);
	h_login(&H, "company1", co1, NULL);
	h_login(&H, "company2", co2, NULL);
	h_login(&H, "customer1", cust, NULL);
	h_login(&H, "cs1", cs, NULL);
	for (int i = 0; i < 3; i++) {
		char login[24];
		snprintf(login, sizeof login, "flood%d", i + 1);
		if (num(store_sql(H.store, "SELECT count(*) FROM users WHERE login = 'flood1'")))
			h_login(&H, login, flood[i], NULL);
	}
}

static int setup(void **state)
{
	(void)state;
	h_open_demo(&H, 60);
	at(0);
	struct resp *r = ok("GET", "/api/me", co1, NULL, 200);
	co1_id = resp_int(r, "org.id");
	resp_free(r);
	r = ok("GET", "/api/me", co2, NULL, 200);
	co2_id = resp_int(r, "org.id");
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

static struct jobs_report run_jobs(void)
{
	struct jobs_report r = {0};
	assert_int_equal(jobs_run(H.store, &r), 0);
	return r;
}

/* A figure of company1's (or, industry set, the industry's) in the month of instant t. */
static int64_t figure(int64_t t, const char *name, int industry)
{
	char path[96], month[8];
	time_format_month(time_month(t), month);
	snprintf(path, sizeof path, "/api/public/complaint-figures?month=%s", month);
	struct resp *r = ok("GET", path, NULL, NULL, 200);
	int64_t v = -1;
	if (industry) {
		v = resp_int(r, name);
	} else {
		json_t *items = json_object_get(r->json, "items");
		for (size_t i = 0; i < json_array_size(items); i++) {
			json_t *it = json_array_get(items, i);
			if (json_integer_value(json_object_get(json_object_get(it, "company"), "id")) == co1_id)
				v = json_integer_value(json_object_get(it, name));
		}
	}
	resp_free(r);
	return v;
}

/* A complaint about company1 with no booking, from token at the network address peer with the
 * call-back number phone (NULL: none): the answer. */
static struct resp *accuse(const char *token, const char *peer, const char *phone, int64_t worker)
{
	char body[512], who[64] = "", number[64] = "";
	if (worker)
		snprintf(who, sizeof who, ",\"worker_id\":%lld", (long long)worker);
	if (phone)
		snprintf(number, sizeof number, ",\"contact_phone\":\"%s\"", phone);
	snprintf(body, sizeof body, "{\"company_id\":%lld%s,\"category\":\"quality\",\"description\":\"服务人员上门后敷衍了事，"
				    "卫生间完全没有清洁。\"%s}", (long long)co1_id, who, number);
	H.peer = peer;
	struct resp *r = call("POST", "/api/complaints", token, body);
	H.peer = NULL;
	return r;
}

/* The same, which must be taken: its id, waiting for the service centre. */
static int64_t accused(const char *token, const char *peer, const char *phone, int64_t worker)
{
	struct resp *r = accuse(token, peer, phone, worker);
	if (r->status != 201)
		fail_msg("expected 201, got %d %s", r->status, r->body);
	assert_string_equal(resp_str(r, "verification.status"), "pending");
	assert_string_equal(resp_str(r, "clock.name"), "verify");
	int64_t id = resp_int(r, "id");
	resp_free(r);
	return id;
}

/* The same, which must be refused past a limit (field which), nothing written, with a Retry-After. */
static void over_limit(const char *token, const char *peer, const char *phone, const char *which)
{
	int64_t before = written();
	struct resp *r = accuse(token, peer, phone, 0);
	if (r->status != 429 || strcmp(resp_code(r), "too_many_unbooked_complaints") != 0 ||
	    strcmp(resp_field(r), which) != 0)
		fail_msg("expected 429 too_many_unbooked_complaints (%s), got %d %s", which, r->status, r->body);
	const char *retry = resp_header(r, "Retry-After");
	assert_non_null(retry);
	assert_true(atoll(retry) > 0 && atoll(retry) <= 30 * DAY);
	resp_free(r);
	assert_int_equal(written(), before);
}

/* One integer about id, by a query of it ($1). */
static int64_t col_of(struct stmt *st, int64_t id)
{
	stmt_bind_int(st, 1, id);
	return num(st);
}
#define col(id, sql) col_of(store_sql(H.store, sql), id)

/* ---- the flood ---- */

static void test_flood(void **state)
{
	(void)state;
	int64_t t0 = h_day_at(2, 10);
	at(t0);
	run_jobs(); /* whatever the demo left due by then */
	int64_t received = figure(t0, "received", 0), waiting = figure(t0, "industry.awaiting_verification", 1);
	int64_t notices_before = num(store_sql(H.store, "SELECT count(*) FROM outbox WHERE topic = 'complaint_received'"));
	/* three new accounts, signed up from one address (the sign-up limit lets five through) */
	H.peer = "203.0.113.7";
	for (int i = 0; i < 3; i++) {
		char body[200];
		snprintf(body, sizeof body, "{\"login\":\"flood%d\",\"name\":\"用户%d\",\"password\":\"%s\"}", i + 1, i + 1,
			 H_PASSWORD);
		resp_free(ok("POST", "/api/public/customers", NULL, body, 201));
	}
	H.peer = NULL;
	at(t0);
	/* no number to call, no complaint about no booking */
	H.peer = "203.0.113.7";
	char body[400];
	snprintf(body, sizeof body, "{\"company_id\":%lld,\"category\":\"quality\",\"description\":\"没有预约\"}",
		 (long long)co1_id);
	refused("POST", "/api/complaints", flood[0], body, 400, "callback_phone_required");
	H.peer = NULL;
	/* fifteen tries, five from each account: nine taken, each waiting for the service centre */
	int64_t ids[9];
	int n = 0;
	static const char *const numbers[] = {"13900000001", "13900000002", "13900000003", "13900000004",
					      "13900000005"};
	/* the first account, from the first address: three, then its own limit */
	for (int i = 0; i < 3; i++)
		ids[n++] = accused(flood[0], "203.0.113.7", numbers[i], 0);
	over_limit(flood[0], "203.0.113.7", numbers[3], "account");
	over_limit(flood[0], "198.51.100.99", numbers[4], "account");
	/* the second, from the same address: that address has had its three */
	over_limit(flood[1], "203.0.113.7", "13911110000", "address");
	/* from another, with one number three times; then its own limit */
	for (int i = 0; i < 3; i++)
		ids[n++] = accused(flood[1], "198.51.100.20", "13922223333", 0);
	over_limit(flood[1], "198.51.100.21", "13911110001", "account");
	/* the third, from a third address with the second's number: the number has had its three */
	over_limit(flood[2], "192.0.2.30", "13922223333", "contact_phone");
	for (int i = 0; i < 3; i++) {
		char phone[24];
		snprintf(phone, sizeof phone, "1370000000%d", i);
		ids[n++] = accused(flood[2], "192.0.2.30", phone, 0);
	}
	over_limit(flood[2], "192.0.2.30", "13700000009", "account");
	assert_int_equal(n, 9);
	/* the service centre taking a call on that number is held to the same limit */
	snprintf(body, sizeof body, "{\"company_id\":%lld,\"category\":\"other\",\"description\":\"来电投诉\","
				    "\"contact_name\":\"赵先生\",\"contact_phone\":\"13922223333\"}", (long long)co1_id);
	refused("POST", "/api/complaints", cs, body, 429, "too_many_unbooked_complaints");
	/* another company is another count */
	snprintf(body, sizeof body, "{\"company_id\":%lld,\"category\":\"other\",\"description\":\"服务人员迟到\","
				    "\"contact_phone\":\"13922223333\"}", (long long)co2_id);
	H.peer = "198.51.100.20";
	struct resp *r = ok("POST", "/api/complaints", flood[1], body, 201);
	H.peer = NULL;
	int64_t elsewhere = resp_int(r, "id");
	resp_free(r);

	/* the company is told of none, sees none, and can move none */
	assert_int_equal(num(store_sql(H.store, "SELECT count(*) FROM outbox WHERE topic = 'complaint_received'")),
			 notices_before);
	r = ok("GET", "/api/complaints?per_page=100", co1, NULL, 200);
	json_t *items = json_object_get(r->json, "items");
	for (size_t i = 0; i < json_array_size(items); i++)
		for (int k = 0; k < n; k++)
			assert_int_not_equal(json_integer_value(json_object_get(json_array_get(items, i), "id")), ids[k]);
	resp_free(r);
	refused("GET", path_of("complaints", ids[0], ""), co1, NULL, 404, "not_found");
	refused("POST", path_of("complaints", ids[0], "/feedback"), co1, "{\"text\":\"我们正在核实此事。\"}", 404, "not_found");
	/* the one about the other company is the other company's to wait for too */
	refused("GET", path_of("complaints", elsewhere, ""), co2, NULL, 404, "not_found");
	/* the complainant follows it: waiting for the service centre, within its 24 hours */
	r = ok("GET", path_of("complaints", ids[0], ""), flood[0], NULL, 200);
	assert_string_equal(resp_str(r, "verification.status"), "pending");
	assert_string_equal(resp_str(r, "verification.due"), h_iso(t0 + 24 * HOUR));
	assert_int_equal(resp_int(r, "clock.seconds_left"), 24 * HOUR);
	resp_free(r);
	assert_int_equal(num(store_sql(H.store, "SELECT count(*) FROM outbox WHERE topic = 'complaint_awaiting_verification'"
						" AND user_id IN (SELECT id FROM users WHERE login LIKE 'flood%')")), 10);
	/* the centre's queue has them, first to lapse first */
	r = ok("GET", "/api/complaints?verification=pending&per_page=100", cs, NULL, 200);
	assert_true(resp_int(r, "total") >= 10);
	resp_free(r);

	/* eight days on: the job escalated thirteen of fifteen against the company; now none, and the
	 * association hears that the centre let them lapse, once */
	at(t0 + 8 * DAY);
	struct jobs_report jr = run_jobs();
	assert_int_equal(jr.complaints_verify_overdue, 10);
	for (int k = 0; k < n; k++) {
		assert_int_equal(col(ids[k], "SELECT coalesce(escalated_at, 0) + feedback_breached + resolve_breached"
					     " FROM complaints WHERE id = $1"), 0);
		assert_int_equal(col(ids[k], "SELECT verify_breached FROM complaints WHERE id = $1"), 1);
	}
	assert_int_equal(num(store_sql(H.store, "SELECT count(*) FROM outbox WHERE topic = 'complaint_verify_overdue'"
						" AND subject_id IN (SELECT c.id FROM complaints c JOIN users u ON u.id = c.customer_id"
						" WHERE u.login LIKE 'flood%')")), 10);
	assert_int_equal(num(store_sql(H.store, "SELECT count(*) FROM outbox WHERE topic = 'complaint_escalated'"
						" AND subject_id IN (SELECT id FROM complaints WHERE verification = 'pending')")), 0);
	jr = run_jobs();
	assert_int_equal(jr.complaints_verify_overdue, 0);
	/* overdue ones lead the centre's queue */
	r = ok("GET", "/api/complaints?verification=pending&per_page=1", cs, NULL, 200);
	assert_true(json_is_true(json_object_get(json_object_get(json_array_get(json_object_get(r->json, "items"), 0),
								    "verification"), "overdue")));
	resp_free(r);

	/* the public figures: the month's "received" is what it was; the industry shows what waits */
	assert_int_equal(figure(t0, "received", 0), received);
	assert_int_equal(figure(t0, "industry.awaiting_verification", 1), waiting + 10);
	assert_true(figure(t0, "industry.verification_overdue", 1) >= 10);

	/* the centre rejects them, with the reason the complainant reads */
	refused("POST", path_of("complaints", ids[0], "/reject"), flood[0], "{\"reason\":\"我自己撤销\"}", 403, "forbidden");
	refused("POST", path_of("complaints", ids[0], "/reject"), cs, "{\"reason\":\"不行。\"}", 422, "too_little_content");
	for (int k = 0; k < n; k++)
		resp_free(ok("POST", path_of("complaints", ids[k], "/reject"), cs,
			     "{\"reason\":\"回电核实：投诉人说不出服务的日期和地址，企业和平台均无此服务记录。\"}", 200));
	r = ok("GET", path_of("complaints", ids[0], ""), flood[0], NULL, 200);
	assert_string_equal(resp_str(r, "status"), "closed");
	assert_string_equal(resp_str(r, "verification.status"), "rejected");
	assert_string_equal(resp_str(r, "verification.note"), "回电核实：投诉人说不出服务的日期和地址，企业和平台均无此服务记录。");
	assert_true(json_is_null(json_object_get(r->json, "clock")));
	resp_free(r);
	assert_int_equal(num(store_sql(H.store, "SELECT count(*) FROM outbox WHERE topic = 'complaint_rejected'"
						" AND user_id IN (SELECT id FROM users WHERE login LIKE 'flood%')")), 9);
	refused("POST", path_of("complaints", ids[0], "/verify"), cs, "{\"note\":\"再次回电，属实。\"}", 409,
		"not_awaiting_verification");
	refused("POST", path_of("complaints", ids[0], "/reopen"), flood[0], "{\"reason\":\"不同意\"}", 409,
		"invalid_transition");
	/* still never the company's, never counted; the industry counts the rejections */
	refused("GET", path_of("complaints", ids[0], ""), co1, NULL, 404, "not_found");
	assert_int_equal(figure(t0, "received", 0), received);
	assert_int_equal(figure(t0, "industry.verification_rejected", 1) >= 9, 1);
	/* nor do they make room: every one filed counts for the period */
	over_limit(flood[0], "198.51.100.99", "13900000006", "account");

	/* the network addresses are kept as hashes, never in clear, and forgotten after the period */
	assert_int_equal(num(store_sql(H.store, "SELECT count(*) FROM complaints WHERE filed_from_hash LIKE '%203.0.113%'"
						" OR filed_from_hash LIKE '%198.51%'")), 0);
	assert_int_equal(num(store_sql(H.store, "SELECT count(*) FROM complaints WHERE length(filed_from_hash) = 64")), 10);
	at(t0 + 30 * DAY + 1);
	run_jobs();
	assert_int_equal(num(store_sql(H.store, "SELECT count(*) FROM complaints WHERE filed_from_hash IS NOT NULL")), 0);
	/* and the period over, the account may complain again: to be verified like the first */
	int64_t again = accused(flood[0], "203.0.113.7", "13900000007", 0);
	(void)again;
	at(0);
}

/* ---- an accusation of theft against a named worker ---- */

static void test_accused_worker(void **state)
{
	(void)state;
	int64_t t0 = h_day_at(60, 9);
	at(t0);
	run_jobs(); /* whatever was left due by then */
	int64_t worker = num(store_sql(H.store, "SELECT w.id FROM workers w WHERE w.company_id = (SELECT org_id FROM users"
						" WHERE login = 'company1') AND NOT EXISTS (SELECT 1 FROM conduct_records r"
						" WHERE r.subject = 'worker' AND r.subject_id = w.id) ORDER BY w.id LIMIT 1"));
	char path[96];
	snprintf(path, sizeof path, "/api/public/workers/%lld", (long long)worker);
	struct resp *r = ok("GET", path, NULL, NULL, 200);
	int64_t upheld = resp_int(r, "conduct.complaints_upheld");
	resp_free(r);
	int64_t received = figure(t0, "received", 0);
	char body[512];
	snprintf(body, sizeof body, "{\"company_id\":%lld,\"worker_id\":%lld,\"category\":\"property_damage\","
				    "\"description\":\"这位阿姨来过以后，家里的金项链不见了，是她偷的。\",\"contact_phone\":\"13655556666\"}",
		 (long long)co1_id, (long long)worker);
	r = ok("POST", "/api/complaints", cust, body, 201);
	int64_t id = resp_int(r, "id");
	assert_string_equal(resp_str(r, "verification.status"), "pending");
	assert_int_equal(resp_int(r, "worker.id"), worker);
	resp_free(r);
	/* until verified nothing moves it: the company does not see it, the association cannot find
	 * against the worker, nobody escalates it, no claim runs against the company */
	refused("GET", path_of("complaints", id, ""), co1, NULL, 404, "not_found");
	refused("POST", path_of("complaints", id, "/resolve"), admin,
		"{\"finding\":\"upheld\",\"remedy\":\"记入服务人员不良记录，企业赔偿项链。\"}", 409, "awaiting_verification");
	refused("POST", path_of("complaints", id, "/takeover"), admin, "{\"reason\":\"协会直接处理\"}", 409,
		"awaiting_verification");
	refused("POST", path_of("complaints", id, "/escalate"), cs, "{\"reason\":\"情节严重\"}", 409, "awaiting_verification");
	refused("POST", path_of("complaints", id, "/claims"), cust, "{\"amount_fen\":800000,\"description\":\"金项链\"}", 409,
		"awaiting_verification");
	/* the complainant may say more; the centre keeps its own notes, which chase nobody */
	resp_free(ok("POST", path_of("complaints", id, "/answer"), cust, "{\"text\":\"项链是上周二不见的。\"}", 200));
	resp_free(ok("POST", path_of("complaints", id, "/notes"), cs, "{\"text\":\"已拨打投诉人电话，无人接听，明天再打。\"}", 200));
	assert_int_equal(col(id, "SELECT count(*) FROM outbox WHERE subject_kind = 'complaint' AND subject_id = $1"
				 " AND org_id IS NOT NULL"
				 " AND org_id <> (SELECT id FROM orgs WHERE kind = 'association')"), 0);
	/* the worker's record holds nothing of it */
	r = ok("GET", path, NULL, NULL, 200);
	assert_int_equal(resp_int(r, "conduct.complaints_upheld"), upheld);
	resp_free(r);
	assert_int_equal(col(worker, "SELECT count(*) FROM conduct_records WHERE subject = 'worker' AND subject_id = $1"), 0);
	assert_int_equal(figure(t0, "received", 0), received);
	/* only the service centre (or the association) verifies, with what it found */
	refused("POST", path_of("complaints", id, "/verify"), cust, "{\"note\":\"我确认属实。\"}", 403, "forbidden");
	refused("POST", path_of("complaints", id, "/verify"), co1, "{\"note\":\"企业确认属实。\"}", 403, "forbidden");
	refused("POST", path_of("complaints", id, "/verify"), cs, "{\"note\":\"属实\"}", 422, "too_little_content");
	refused("POST", path_of("complaints", id, "/verify"), cs, "{}", 400, "missing_field");
	/* five hours later the centre reaches the customer: the company's clocks start then */
	at(t0 + 5 * HOUR);
	r = ok("POST", path_of("complaints", id, "/verify"), cs,
	       "{\"note\":\"回电核实：该服务人员由企业派单上门，日期与企业记录一致，客户已报警。\"}", 200);
	assert_string_equal(resp_str(r, "verification.status"), "verified");
	assert_string_equal(resp_str(r, "verification.at"), h_iso(t0 + 5 * HOUR));
	assert_string_equal(resp_str(r, "clock.name"), "feedback");
	assert_string_equal(resp_str(r, "feedback_due"), h_iso(t0 + 5 * HOUR + 48 * HOUR));
	assert_string_equal(resp_str(r, "resolve_due"), h_iso(t0 + 5 * HOUR + 7 * DAY));
	resp_free(r);
	refused("POST", path_of("complaints", id, "/verify"), cs, "{\"note\":\"再核实一次，属实。\"}", 409,
		"not_awaiting_verification");
	assert_int_equal(col(id, "SELECT count(*) FROM outbox WHERE topic = 'complaint_received' AND subject_id = $1"), 1);
	assert_int_equal(col(id, "SELECT count(*) FROM outbox WHERE topic = 'complaint_verified' AND subject_id = $1"), 1);
	/* now the company's: it sees it with the centre's finding, and its clock runs */
	r = ok("GET", path_of("complaints", id, ""), co1, NULL, 200);
	assert_string_equal(resp_str(r, "verification.note"), "回电核实：该服务人员由企业派单上门，日期与企业记录一致，客户已报警。");
	assert_int_equal(resp_int(r, "clock.seconds_left"), 48 * HOUR);
	resp_free(r);
	assert_int_equal(figure(t0, "received", 0), received + 1);
	/* 47 hours after the verification (52 after the filing) nothing is late */
	at(t0 + 5 * HOUR + 47 * HOUR);
	run_jobs();
	assert_int_equal(col(id, "SELECT feedback_breached + coalesce(escalated_at, 0) FROM complaints WHERE id = $1"), 0);
	/* found upheld: only now on the worker's record */
	resp_free(ok("POST", path_of("complaints", id, "/resolve"), co1,
		     "{\"finding\":\"upheld\",\"remedy\":\"已停止该服务人员派单，配合警方调查，并赔偿客户损失。\"}", 200));
	assert_int_equal(col(worker, "SELECT count(*) FROM conduct_records WHERE subject = 'worker' AND subject_id = $1"), 1);
	r = ok("GET", path, NULL, NULL, 200);
	assert_int_equal(resp_int(r, "conduct.complaints_upheld"), upheld + 1);
	resp_free(r);
	at(0);
}

/* ---- with a booking, and a caller without an account ---- */

static void test_booked_and_callers(void **state)
{
	(void)state;
	at(0);
	/* about a booking of the customer's own: no verification, the company told at once */
	int64_t booking = num(store_sql(H.store, "SELECT b.id FROM bookings b JOIN users u ON u.id = b.customer_id"
						 " WHERE u.login = 'customer1' AND b.status = 'reviewed' AND b.company_id ="
						 " (SELECT org_id FROM users WHERE login = 'company1') ORDER BY b.id DESC LIMIT 1"));
	char body[512];
	struct resp *r;
	snprintf(body, sizeof body, "{\"booking_id\":%lld,\"category\":\"quality\",\"description\":\"窗户没有擦干净。\"}",
		 (long long)booking);
	r = ok("POST", "/api/complaints", cust, body, 201);
	int64_t id = resp_int(r, "id");
	assert_true(json_is_null(json_object_get(r->json, "verification")));
	assert_string_equal(resp_str(r, "clock.name"), "feedback");
	resp_free(r);
	assert_int_equal(col(id, "SELECT count(*) FROM outbox WHERE topic = 'complaint_received' AND subject_id = $1"), 1);
	resp_free(ok("GET", path_of("complaints", id, ""), co1, NULL, 200));
	/* the same booking named for someone else, by the service centre: that is an accusation to verify */
	int64_t other = num(store_sql(H.store, "SELECT id FROM users WHERE login = 'customer2'"));
	snprintf(body, sizeof body, "{\"booking_id\":%lld,\"customer_id\":%lld,\"category\":\"quality\","
				    "\"description\":\"邻居说这次服务很差。\"}", (long long)booking, (long long)other);
	r = ok("POST", "/api/complaints", cs, body, 201);
	assert_string_equal(resp_str(r, "verification.status"), "pending");
	resp_free(r);

	/* a caller without an account follows it on the public page: waiting, then the rejection's reason */
	snprintf(body, sizeof body, "{\"company_id\":%lld,\"category\":\"attitude\",\"description\":\"来电：服务员态度恶劣。\","
				    "\"contact_name\":\"吴女士\",\"contact_phone\":\"13588889999\"}", (long long)co1_id);
	r = ok("POST", "/api/complaints", cs, body, 201);
	id = resp_int(r, "id");
	char tracking[32], track[160];
	str_copy(tracking, sizeof tracking, resp_str(r, "tracking_no"));
	resp_free(r);
	snprintf(track, sizeof track, "{\"tracking_no\":\"%s\",\"phone_last4\":\"9999\"}", tracking);
	r = ok("POST", "/api/public/complaints/track", NULL, track, 200);
	assert_string_equal(resp_str(r, "verification.status"), "pending");
	assert_string_equal(resp_str(r, "clock.name"), "verify");
	assert_true(json_is_null(json_object_get(json_object_get(r->json, "verification"), "reason")));
	resp_free(r);
	resp_free(ok("POST", path_of("complaints", id, "/reject"), admin,
		     "{\"reason\":\"来电人所说的服务在企业和平台都没有记录，也说不出上门的日期。\"}", 200));
	/* the agent who took the call rings back with the reason */
	assert_int_equal(col(id, "SELECT count(*) FROM outbox WHERE topic = 'complaint_call_back' AND subject_id = $1"
				 " AND user_id = (SELECT id FROM users WHERE login = 'cs1')"), 1);
	r = ok("POST", "/api/public/complaints/track", NULL, track, 200);
	assert_string_equal(resp_str(r, "status"), "closed");
	assert_string_equal(resp_str(r, "verification.status"), "rejected");
	assert_string_equal(resp_str(r, "verification.reason"), "来电人所说的服务在企业和平台都没有记录，也说不出上门的日期。");
	assert_null(strstr(r->body, "吴女士"));
	resp_free(r);
	/* and the audit chain holds after all of it */
	r = ok("GET", "/api/audit/verify", admin, NULL, 200);
	assert_true(json_is_true(json_object_get(r->json, "ok")));
	resp_free(r);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_flood),
		cmocka_unit_test(test_accused_worker),
		cmocka_unit_test(test_booked_and_callers),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
