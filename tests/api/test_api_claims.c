/* Compensation claims against the company deciding them, each way around the rules that used to
 * work reproduced, and now refused or counted honestly: a million-yuan claim decided at one fen for
 * the worker to pay and recorded as paid with the reference "xx"; an insurer's ¥500 "paid" with no
 * proof; a customer told only that it was paid, unable to dispute it, and a worker made to pay who
 * was never asked; a recorded payment that blocked the association's advance; and the association's
 * own advances counted as the company's compensation in public. The long ones run against the
 * deadline job with the store's clock moved. On the demo industry, so a worker has an account. */
#include "harness.h"

#include "jobs.h"
#include "rights/claims.h"
#include "util/clock.h"
#include "util/strbuf.h"
#include "util/timefmt.h"

static struct harness H;
static char admin[TOKEN_LEN], co[TOKEN_LEN], cust[TOKEN_LEN], worker[TOKEN_LEN], other_worker[TOKEN_LEN],
	other_cust[TOKEN_LEN], cs[TOKEN_LEN];
static char co_login[32], cust_login[32], worker_login[32], other_worker_login[32], other_cust_login[32];
static int64_t booking, company, worker_user, cust_user, assoc;

#define HOUR 3600
#define DAY 86400
#define MILLION_YUAN 100000000

static struct resp *ok(const char *method, const char *path, const char *token, const char *body, int status)
{
	return h_ok(&H, method, path, token, body, status);
}

/* Everything a claim write touches, summed: a refusal must leave it as it was. */
static int64_t written(void)
{
	int64_t n = 0;
	stmt_one_int(store_sql(H.store, "SELECT (SELECT count(*) FROM complaint_events) + (SELECT count(*) FROM outbox)"
					 " + (SELECT count(*) + coalesce(sum(length(status) + coalesce(approved_fen, 0)"
					 " + coalesce(final_at, 0) + coalesce(disputed_at, 0) + coalesce(confirmed_at, 0)"
					 " + coalesce(paid_fen, 0) + coalesce(accepted_at, 0) + coalesce(objected_at, 0)"
					 " + coalesce(receipt_disputed_at, 0) + length(coalesce(payer, ''))), 0) FROM claims)"
					 " + (SELECT count(*) FROM claim_recoveries)"),
		     &n);
	return n;
}

static void refused(const char *method, const char *path, const char *token, const char *body, int status,
		    const char *code)
{
	h_refused(&H, written, method, path, token, body, status, code);
}

/* Sets the clock (0: real time) and signs everyone in again: a jump of days ends idle sessions. */
static void at(int64_t t)
{
	clock_set(t);
	h_login(&H, "admin", admin, NULL);
	h_login(&H, "cs1", cs, NULL);
	h_login(&H, co_login, co, NULL);
	h_login(&H, cust_login, cust, NULL);
	h_login(&H, worker_login, worker, NULL);
	h_login(&H, other_worker_login, other_worker, NULL);
	h_login(&H, other_cust_login, other_cust, NULL);
}

static void text_of(struct stmt *st, char *out, size_t n)
{
	assert_int_equal(stmt_step(st), STORE_ROW);
	str_copy(out, n, stmt_text(st, 0));
	stmt_done(st);
}

static int setup(void **state)
{
	(void)state;
	h_open_demo(&H, 60);
	/* a service whose customer, worker and company each have a demo login: the complaint is about it */
	struct stmt *st = store_sql(H.store,
		"SELECT b.id, b.company_id, cu.id, cu.login, wu.id, wu.login, (SELECT u.login FROM users u WHERE"
		" u.org_id = b.company_id AND u.role = 'company_admin' AND u.login LIKE 'company%' ORDER BY u.id LIMIT 1)"
		" FROM bookings b JOIN users cu ON cu.id = b.customer_id JOIN workers w ON w.id = b.worker_id"
		" JOIN users wu ON wu.id = w.user_id WHERE b.status IN ('completed', 'reviewed')"
		" AND cu.login LIKE 'customer%' AND wu.login LIKE 'worker%' AND EXISTS (SELECT 1 FROM users u"
		" WHERE u.org_id = b.company_id AND u.role = 'company_admin' AND u.login LIKE 'company%')"
		" ORDER BY b.id LIMIT 1");
	assert_int_equal(stmt_step(st), STORE_ROW);
	booking = stmt_int(st, 0);
	company = stmt_int(st, 1);
	cust_user = stmt_int(st, 2);
	str_copy(cust_login, sizeof cust_login, stmt_text(st, 3));
	worker_user = stmt_int(st, 4);
	str_copy(worker_login, sizeof worker_login, stmt_text(st, 5));
	str_copy(co_login, sizeof co_login, stmt_text(st, 6));
	stmt_done(st);
	st = store_sql(H.store, "SELECT u.login FROM users u JOIN workers w ON w.user_id = u.id WHERE u.login LIKE 'worker%'"
				" AND u.id <> $1 ORDER BY u.id LIMIT 1");
	stmt_bind_int(st, 1, worker_user);
	text_of(st, other_worker_login, sizeof other_worker_login);
	st = store_sql(H.store, "SELECT login FROM users WHERE login LIKE 'customer%' AND id <> $1 ORDER BY id LIMIT 1");
	stmt_bind_int(st, 1, cust_user);
	text_of(st, other_cust_login, sizeof other_cust_login);
	assert_int_equal(stmt_one_int(store_sql(H.store, "SELECT id FROM orgs WHERE kind = 'association'"), &assoc), 0);
	at(0);
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	clock_set(0);
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

static int64_t num(struct stmt *st)
{
	int64_t n = -1;
	assert_int_equal(stmt_one_int(st, &n), 0);
	return n;
}

/* Notices of topic about subject (a complaint, or a claim for a worker's) to user (0: any) or
 * org (0: any). */
static int64_t notices(const char *topic, int64_t subject, int64_t user, int64_t org)
{
	struct stmt *st = store_sql(H.store, "SELECT count(*) FROM outbox WHERE topic = $1 AND subject_id = $2"
					     " AND ($3 = 0 OR user_id = $3) AND ($4 = 0 OR org_id = $4)");
	stmt_bind_text(st, 1, topic);
	stmt_bind_int(st, 2, subject);
	stmt_bind_int(st, 3, user);
	stmt_bind_int(st, 4, org);
	return num(st);
}

static int64_t events(int64_t complaint, const char *action)
{
	struct stmt *st = store_sql(H.store, "SELECT count(*) FROM complaint_events WHERE complaint_id = $1 AND action = $2");
	stmt_bind_int(st, 1, complaint);
	stmt_bind_text(st, 2, action);
	return num(st);
}

static int64_t audits(int64_t claim, const char *action)
{
	struct stmt *st = store_sql(H.store, "SELECT count(*) FROM audit_log WHERE entity = 'claim' AND entity_id = $1"
					     " AND action = $2");
	stmt_bind_int(st, 1, claim);
	stmt_bind_text(st, 2, action);
	return num(st);
}

static struct jobs_report run_jobs(void)
{
	struct jobs_report r = {0};
	assert_int_equal(jobs_run(H.store, &r), 0);
	return r;
}

/* The customer's complaint about the service, with a claim of amount; the claim's id (and the
 * complaint's in *complaint). */
static int64_t claim_of(int64_t amount, int64_t *complaint)
{
	char body[320];
	snprintf(body, sizeof body, "{\"booking_id\":%lld,\"category\":\"property_damage\",\"description\":\"服务人员"
				    "搬动家具时打碎了客厅的古董花瓶，当时没有告知。\"}", (long long)booking);
	struct resp *r = ok("POST", "/api/complaints", cust, body, 201);
	*complaint = resp_int(r, "id");
	resp_free(r);
	snprintf(body, sizeof body, "{\"amount_fen\":%lld,\"description\":\"清代古董花瓶，有鉴定证书和拍卖成交记录。\","
				    "\"evidence\":[\"鉴定证书.jpg\"]}", (long long)amount);
	r = ok("POST", path_of("complaints", *complaint, "/claims"), cust, body, 201);
	int64_t id = resp_int(r, "id");
	resp_free(r);
	return id;
}

/* One company's public figure of the month of instant t. */
static int64_t figure(int64_t t, const char *key)
{
	char month[8], path[96];
	time_format_month(time_month(t), month);
	snprintf(path, sizeof path, "/api/public/complaint-figures?company_id=%lld", (long long)company);
	struct resp *r = ok("GET", path, NULL, NULL, 200);
	json_t *months = json_object_get(r->json, "months");
	int64_t v = -1;
	for (size_t i = 0; i < json_array_size(months); i++) {
		json_t *m = json_array_get(months, i);
		if (strcmp(json_string_value(json_object_get(m, "month")), month) == 0)
			v = json_integer_value(json_object_get(m, key));
	}
	resp_free(r);
	assert_true(v >= 0);
	return v;
}

static const char *today_body(int64_t amount, const char *ref, const char *proof)
{
	static char body[256];
	char day[11];
	time_format_date(time_today(), day);
	if (proof)
		snprintf(body, sizeof body, "{\"paid_on\":\"%s\",\"amount_fen\":%lld,\"reference\":\"%s\",\"proof\":\"%s\"}", day,
			 (long long)amount, ref, proof);
	else
		snprintf(body, sizeof body, "{\"paid_on\":\"%s\",\"amount_fen\":%lld,\"reference\":\"%s\"}", day,
			 (long long)amount, ref);
	return body;
}

/* ---- what a reference must be ---- */

static void test_reference_form(void **state)
{
	(void)state;
	assert_false(claim_reference_ok("xx", 8));
	assert_false(claim_reference_ok("X-1", 8));
	assert_false(claim_reference_ok("WX-88", 8));
	assert_false(claim_reference_ok("00000000", 8));       /* one character over and over */
	assert_false(claim_reference_ok("ABCDEFGHIJ", 8));     /* no number in it */
	assert_false(claim_reference_ok("转账已完成，请查收", 8)); /* words, not a number */
	assert_true(claim_reference_ok("TR-20261203-00012", 8));
	assert_true(claim_reference_ok("4200001234202612031234567890", 8)); /* a WeChat Pay transaction */
	assert_true(claim_reference_ok("平安理赔 PA2026112800123", 8));
	assert_false(claim_reference_ok("PA2026", 8));
	assert_true(claim_reference_ok("PA2026", 6));
}

/* ---- one fen against a million yuan, for the worker to pay, "paid" with "xx" ---- */

static void test_one_fen_for_a_million(void **state)
{
	(void)state;
	int64_t t0 = h_day_at(40, 9), complaint = 0;
	at(t0);
	int64_t claim = claim_of(MILLION_YUAN, &complaint);
	const char *decide = path_of("claims", claim, "/decision");
	/* one fen of a million needs its reasons */
	refused("POST", decide, co, "{\"approved_fen\":1,\"reason\":\"同意\",\"payer\":\"worker\"}", 422, "too_little_content");
	at(t0 + HOUR);
	struct resp *r = ok("POST", decide, co, "{\"approved_fen\":1,\"reason\":\"花瓶价值无法核实，象征性补偿一分钱。\","
						"\"payer\":\"worker\"}", 200);
	/* a proposal, not a settlement: the customer has claim_accept_days to answer it */
	assert_string_equal(resp_str(r, "status"), "approved");
	assert_string_equal(resp_str(r, "decision_state"), "proposed");
	assert_string_equal(resp_str(r, "accept_until"), h_iso(t0 + HOUR + 7 * DAY));
	assert_true(json_is_null(json_object_get(r->json, "final_at")));
	assert_true(json_is_null(json_object_get(r->json, "payment_due")));
	resp_free(r);
	/* the customer is told what was decided and how to dispute it; the worker named to pay is told too */
	assert_int_equal(notices("claim_decided", complaint, cust_user, 0), 1);
	assert_int_equal(notices("claim_payer_named", claim, worker_user, 0), 1);
	/* nothing is paid on a proposal, and "xx" is no reference anyway */
	refused("POST", path_of("claims", claim, "/payment"), co, today_body(1, "xx", NULL), 409, "decision_not_final");

	/* the worker sees it in their account, and no other worker does */
	r = ok("GET", "/api/claims", worker, NULL, 200);
	assert_int_equal(resp_int(r, "total"), 1);
	json_t *item = json_array_get(json_object_get(r->json, "items"), 0);
	assert_int_equal(json_integer_value(json_object_get(item, "id")), claim);
	assert_string_equal(json_string_value(json_object_get(item, "payer")), "worker");
	resp_free(r);
	r = ok("GET", "/api/claims", other_worker, NULL, 200);
	assert_int_equal(resp_int(r, "total"), 0);
	resp_free(r);
	refused("POST", path_of("claims", claim, "/objection"), other_worker, "{\"reason\":\"我不同意这个决定的理由\"}", 404,
		"not_found");
	refused("POST", path_of("claims", claim, "/dispute"), other_cust, "{\"reason\":\"我不同意这个决定的理由\"}", 404,
		"not_found");
	/* the worker objects, with reasons; the customer's route is not theirs */
	refused("POST", path_of("claims", claim, "/dispute"), worker, "{\"reason\":\"我不同意这个决定的理由\"}", 403, "forbidden");
	refused("POST", path_of("claims", claim, "/objection"), worker, "{\"reason\":\"不对\"}", 422, "too_little_content");
	at(t0 + 2 * HOUR);
	r = ok("POST", path_of("claims", claim, "/objection"), worker,
	       "{\"reason\":\"花瓶不是我打碎的，当时客户家里有小孩在玩耍，我没有碰过花瓶。\"}", 200);
	assert_string_equal(resp_str(r, "decision_state"), "disputed");
	assert_string_equal(resp_str(r, "disputed_by"), "worker");
	resp_free(r);
	assert_int_equal(notices("claim_disputed", complaint, 0, assoc), 1);
	refused("POST", path_of("claims", claim, "/objection"), worker,
		"{\"reason\":\"再说一次，花瓶不是我打碎的，请协会调查。\"}", 409, "already_disputed");
	/* the customer says why too: one fen for a million */
	refused("POST", path_of("claims", claim, "/acceptance"), cust, NULL, 409, "already_disputed");
	r = ok("POST", path_of("claims", claim, "/dispute"), cust,
	       "{\"reason\":\"一分钱对一百万的损失毫无道理，鉴定证书和拍卖记录都已提交。\"}", 200);
	assert_string_equal(resp_str(r, "decision_state"), "disputed");
	assert_true(json_string_length(json_object_get(r->json, "dispute_reason")) > 0);
	resp_free(r);
	refused("POST", path_of("claims", claim, "/dispute"), cust, "{\"reason\":\"一分钱对一百万的损失毫无道理。\"}", 409,
		"already_disputed");
	/* in the association's queue */
	r = ok("GET", "/api/claims?state=disputed", admin, NULL, 200);
	int found = 0;
	json_t *items = json_object_get(r->json, "items");
	for (size_t i = 0; i < json_array_size(items); i++)
		found += json_integer_value(json_object_get(json_array_get(items, i), "id")) == claim;
	assert_int_equal(found, 1);
	resp_free(r);
	/* counted in public, in the month of the dispute */
	assert_int_equal(figure(t0, "claims_disputed"), 1);
	/* the association decides it again, with reasons; the company cannot */
	const char *review = path_of("claims", claim, "/review");
	refused("POST", review, co, "{\"approved_fen\":1,\"reason\":\"维持原决定，象征性补偿一分钱。\",\"payer\":\"worker\"}", 403,
		"forbidden");
	refused("POST", review, admin, "{\"approved_fen\":5000000,\"reason\":\"同意\",\"payer\":\"company\"}", 422,
		"too_little_content");
	at(t0 + 3 * DAY);
	r = ok("POST", review, admin, "{\"approved_fen\":5000000,\"reason\":\"鉴定证书可信，但拍卖价不是损失价；按鉴定估价的下限赔偿五万元，"
				      "服务人员未被证实有过错，由公司承担。\",\"payer\":\"company\"}", 200);
	assert_string_equal(resp_str(r, "decision_state"), "final");
	assert_string_equal(resp_str(r, "final_by"), "association");
	assert_int_equal(resp_int(r, "approved_fen"), 5000000);
	assert_int_equal(resp_int(r, "first_decision.approved_fen"), 1);
	assert_string_equal(resp_str(r, "first_decision.payer"), "worker");
	assert_string_equal(resp_str(r, "payment_due"), h_iso(t0 + 3 * DAY + 15 * DAY));
	resp_free(r);
	assert_int_equal(notices("claim_reviewed", complaint, cust_user, 0), 1);
	assert_int_equal(notices("claim_reviewed", complaint, 0, company), 1);
	assert_int_equal(notices("claim_reviewed", claim, worker_user, 0), 1);
	refused("POST", review, admin, "{\"approved_fen\":1,\"reason\":\"再次决定，象征性补偿一分钱。\",\"payer\":\"company\"}", 409,
		"not_disputed");
	/* it binds: nobody answers it again */
	refused("POST", path_of("claims", claim, "/dispute"), cust, "{\"reason\":\"五万元仍然不够，要求全额赔偿。\"}", 409,
		"decision_final");
	refused("POST", path_of("claims", claim, "/acceptance"), cust, NULL, 409, "decision_final");
	/* the company pays what the association set: not with "xx" */
	refused("POST", path_of("claims", claim, "/payment"), co, today_body(5000000, "xx", NULL), 422, "weak_reference");
	refused("POST", path_of("claims", claim, "/payment"), co, today_body(1, "TR-20261203-00012", NULL), 422, "amount_mismatch");
	at(t0 + 4 * DAY);
	r = ok("POST", path_of("claims", claim, "/payment"), co, today_body(5000000, "TR-20261203-00012", NULL), 200);
	assert_string_equal(resp_str(r, "status"), "paid");
	assert_string_equal(resp_str(r, "payment_state"), "unconfirmed");
	resp_free(r);
	/* the company's word alone: recorded, not paid, in public */
	int64_t paid_at = t0 + 4 * DAY;
	assert_int_equal(figure(paid_at, "compensation_paid_fen"), 0);
	assert_int_equal(figure(paid_at, "compensation_unconfirmed_fen"), 5000000);
	/* the customer confirms receipt: now it is paid */
	refused("POST", path_of("claims", claim, "/receipt"), worker, "{\"received\":true}", 403, "forbidden");
	r = ok("POST", path_of("claims", claim, "/receipt"), cust, "{\"received\":true}", 200);
	assert_string_equal(resp_str(r, "payment_state"), "confirmed");
	assert_string_equal(resp_str(r, "confirmed_by"), "customer");
	resp_free(r);
	refused("POST", path_of("claims", claim, "/receipt"), cust, "{\"received\":true}", 409, "already_confirmed");
	assert_int_equal(figure(paid_at, "compensation_paid_fen"), 5000000);
	assert_int_equal(figure(paid_at, "claims_paid"), 1);
	assert_int_equal(figure(paid_at, "compensation_unconfirmed_fen"), 0);
	assert_int_equal(figure(t0, "claims_raised_on_dispute"), 1);
	/* every step on the timeline and in the audit chain */
	static const char *const steps[] = {"claim_file", "claim_decide", "claim_object", "claim_dispute", "claim_review",
					    "claim_pay", "claim_receipt"};
	for (size_t i = 0; i < ARRAY_LEN(steps); i++) {
		assert_int_equal(events(complaint, steps[i]), 1);
		char action[40];
		snprintf(action, sizeof action, "claim.%s", steps[i] + 6);
		assert_int_equal(audits(claim, action), 1);
	}
	at(0);
}

/* ---- an insurer's ¥500 "paid" without proof, and the association's advances in public ---- */

static void test_insurer_proof_and_advance(void **state)
{
	(void)state;
	int64_t t0 = h_day_at(100, 9), complaint = 0;
	at(t0);
	int64_t claim = claim_of(50000, &complaint);
	resp_free(ok("POST", path_of("claims", claim, "/decision"), co, "{\"approved_fen\":50000,\"reason\":\"同意\",\"payer\":\"insurer\"}",
		     200));
	/* the customer accepts: it stands, and its payment is due from now */
	at(t0 + HOUR);
	struct resp *r = ok("POST", path_of("claims", claim, "/acceptance"), cust, NULL, 200);
	assert_string_equal(resp_str(r, "decision_state"), "final");
	assert_string_equal(resp_str(r, "final_by"), "accepted");
	assert_string_equal(resp_str(r, "payment_due"), h_iso(t0 + HOUR + 15 * DAY));
	resp_free(r);
	refused("POST", path_of("claims", claim, "/acceptance"), cust, NULL, 409, "decision_final");
	/* "the insurer paid": its settlement's number, or nothing */
	const char *pay = path_of("claims", claim, "/payment");
	refused("POST", pay, co, today_body(50000, "TR-20261203-00031", NULL), 422, "proof_required");
	refused("POST", pay, co, today_body(50000, "TR-20261203-00031", "xx"), 422, "weak_reference");
	at(t0 + 2 * DAY);
	r = ok("POST", pay, co, today_body(50000, "TR-20261203-00031", "PICC-2026-1128-0042"), 200);
	assert_string_equal(resp_str(r, "payment_state"), "confirmed");
	assert_string_equal(resp_str(r, "confirmed_by"), "proof");
	assert_string_equal(resp_str(r, "proof_ref"), "PICC-2026-1128-0042");
	assert_true(resp_int(r, "proof_by.id") > 0); /* who vouched for it */
	resp_free(r);
	int64_t paid_at = t0 + 2 * DAY;
	assert_int_equal(figure(paid_at, "compensation_paid_fen"), 50000);
	/* the customer is told, and says it never came: the proof no longer counts against their word */
	assert_int_equal(notices("claim_paid", complaint, cust_user, 0), 1);
	refused("POST", path_of("claims", claim, "/receipt"), cust, "{\"received\":false}", 400, "missing_field");
	refused("POST", path_of("claims", claim, "/receipt"), cust, "{\"received\":false,\"reason\":\"没有\"}", 422,
		"too_little_content");
	at(t0 + 3 * DAY);
	r = ok("POST", path_of("claims", claim, "/receipt"), cust,
	       "{\"received\":false,\"reason\":\"保险公司说从来没有收到理赔申请，我一分钱也没有收到。\"}", 200);
	assert_string_equal(resp_str(r, "payment_state"), "receipt_disputed");
	resp_free(r);
	assert_int_equal(notices("claim_receipt_disputed", complaint, 0, assoc), 1);
	assert_int_equal(figure(paid_at, "compensation_paid_fen"), 0);
	/* the association steps in at once, though the payment is not overdue: the customer disputes it */
	r = ok("POST", path_of("claims", claim, "/advance"), admin, "{\"reason\":\"客户否认收到保险赔款，协会先行赔付\"}", 200);
	assert_string_equal(resp_str(r, "payer"), "advance");
	assert_string_equal(resp_str(r, "advanced_from"), "insurer");
	assert_string_equal(resp_str(r, "status"), "approved");
	resp_free(r);
	at(t0 + 4 * DAY);
	r = ok("POST", path_of("claims", claim, "/payment"), admin, today_body(50000, "ASSOC-2026-0042", NULL), 200);
	assert_string_equal(resp_str(r, "status"), "paid");
	resp_free(r);
	/* in public: the association's advance apart, never the company's compensation */
	int64_t advanced_at = t0 + 4 * DAY;
	assert_int_equal(figure(advanced_at, "compensation_paid_fen"), 0);
	assert_int_equal(figure(advanced_at, "claims_paid"), 0);
	assert_int_equal(figure(advanced_at, "compensation_advanced_fen"), 50000);
	assert_int_equal(figure(advanced_at, "claims_advanced"), 1);
	/* and what it got back from the company, in the month it came */
	at(t0 + 40 * DAY);
	resp_free(ok("POST", path_of("claims", claim, "/recovery"), admin, today_body(20000, "REC-2026-0042", NULL), 200));
	assert_int_equal(figure(t0 + 40 * DAY, "compensation_recovered_fen"), 20000);
	assert_int_equal(figure(advanced_at, "compensation_advanced_fen"), 50000);
	assert_int_equal(notices("claim_recovered", complaint, 0, company), 1);
	at(0);
}

/* ---- a recorded payment nobody confirmed does not block the advance ---- */

static void test_unconfirmed_payment_and_advance(void **state)
{
	(void)state;
	int64_t t0 = h_day_at(160, 9), complaint = 0;
	at(t0);
	int64_t claim = claim_of(80000, &complaint);
	resp_free(ok("POST", path_of("claims", claim, "/decision"), co, "{\"approved_fen\":80000,\"reason\":\"同意\",\"payer\":\"company\"}",
		     200));
	resp_free(ok("POST", path_of("claims", claim, "/acceptance"), cust, NULL, 200));
	struct resp *r = ok("POST", path_of("claims", claim, "/payment"), co, today_body(80000, "TR-20261203-00077", NULL), 200);
	assert_string_equal(resp_str(r, "payment_state"), "unconfirmed");
	resp_free(r);
	/* in time and undisputed: the association does not pre-empt the company */
	refused("POST", path_of("claims", claim, "/advance"), admin, "{\"reason\":\"协会先行赔付\"}", 409, "payment_not_overdue");
	/* its deadline passes with nobody confirming it: overdue, escalated once */
	at(t0 + 15 * DAY + 60);
	struct jobs_report jr = run_jobs();
	assert_true(jr.claims_breached >= 1);
	assert_int_equal(events(complaint, "claim_payment_breached"), 1);
	jr = run_jobs();
	assert_int_equal(jr.claims_breached, 0);
	/* the recorded payment does not stand in the way */
	r = ok("POST", path_of("claims", claim, "/advance"), admin, "{\"reason\":\"企业记录的支付未经客户确认，协会先行赔付\"}", 200);
	assert_string_equal(resp_str(r, "payer"), "advance");
	assert_string_equal(resp_str(r, "advanced_from"), "company");
	assert_true(json_is_null(json_object_get(r->json, "paid_fen")));
	resp_free(r);
	assert_int_equal(notices("claim_advanced", complaint, cust_user, 0), 1);
	assert_int_equal(notices("claim_advanced", complaint, 0, company), 1);
	at(0);
}

/* ---- the customer's silence, the worker's acceptance and confirmation ---- */

static void test_lapse_and_worker(void **state)
{
	(void)state;
	int64_t t0 = h_day_at(220, 9), complaint = 0;
	at(t0);
	/* nobody answers: after claim_accept_days the decision stands, by the job, once */
	int64_t claim = claim_of(30000, &complaint);
	resp_free(ok("POST", path_of("claims", claim, "/decision"), co,
		     "{\"approved_fen\":10000,\"reason\":\"按修复报价的三分之一赔偿。\",\"payer\":\"company\"}", 200));
	at(t0 + 7 * DAY - 60);
	struct jobs_report jr = run_jobs();
	assert_int_equal(jr.claims_final, 0);
	at(t0 + 7 * DAY + 60);
	jr = run_jobs();
	assert_int_equal(jr.claims_final, 1);
	assert_int_equal(events(complaint, "claim_final"), 1);
	assert_int_equal(audits(claim, "claim.final"), 1);
	assert_int_equal(notices("claim_final", complaint, cust_user, 0), 1);
	jr = run_jobs();
	assert_int_equal(jr.claims_final, 0);
	struct resp *r = ok("GET", path_of("complaints", complaint, ""), cust, NULL, 200);
	json_t *cl = json_array_get(json_object_get(r->json, "claims"), 0);
	assert_string_equal(json_string_value(json_object_get(cl, "decision_state")), "final");
	assert_string_equal(json_string_value(json_object_get(cl, "final_by")), "lapse");
	/* its payment is due from when it stood */
	assert_string_equal(json_string_value(json_object_get(cl, "payment_due")), h_iso(t0 + 7 * DAY + 15 * DAY));
	resp_free(r);
	refused("POST", path_of("claims", claim, "/dispute"), cust, "{\"reason\":\"三分之一不够，要求全额赔偿。\"}", 409,
		"decision_final");

	/* a worker named to pay: the customer's acceptance alone does not settle it */
	at(t0 + 10 * DAY);
	int64_t c2 = 0;
	claim = claim_of(20000, &c2);
	resp_free(ok("POST", path_of("claims", claim, "/decision"), co, "{\"approved_fen\":20000,\"reason\":\"同意\",\"payer\":\"worker\"}",
		     200));
	r = ok("POST", path_of("claims", claim, "/acceptance"), cust, NULL, 200);
	assert_string_equal(resp_str(r, "decision_state"), "proposed");
	resp_free(r);
	r = ok("POST", path_of("claims", claim, "/acceptance"), worker, NULL, 200);
	assert_string_equal(resp_str(r, "decision_state"), "final");
	resp_free(r);
	refused("POST", path_of("claims", claim, "/objection"), worker, "{\"reason\":\"我又不同意了，花瓶不是我打碎的。\"}", 409,
		"decision_final");
	/* recorded without the worker's receipt: the worker confirms it was them */
	r = ok("POST", path_of("claims", claim, "/payment"), co, today_body(20000, "TR-20261203-00099", NULL), 200);
	assert_string_equal(resp_str(r, "payment_state"), "unconfirmed");
	resp_free(r);
	assert_int_equal(notices("claim_paid", claim, worker_user, 0), 1);
	refused("POST", path_of("claims", claim, "/payer-confirmation"), cust, NULL, 403, "forbidden");
	r = ok("POST", path_of("claims", claim, "/payer-confirmation"), worker, NULL, 200);
	assert_string_equal(resp_str(r, "payment_state"), "confirmed");
	assert_string_equal(resp_str(r, "confirmed_by"), "payer");
	resp_free(r);
	refused("POST", path_of("claims", claim, "/payer-confirmation"), worker, NULL, 409, "already_confirmed");
	at(0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_reference_form),
		cmocka_unit_test(test_one_fen_for_a_million),
		cmocka_unit_test(test_insurer_proof_and_advance),
		cmocka_unit_test(test_unconfirmed_payment_and_advance),
		cmocka_unit_test(test_lapse_and_worker),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
