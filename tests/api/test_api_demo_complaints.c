/* The demo's complaints, claims and spot checks as its logins find them: a queue for everyone who
 * handles complaints, each state and outcome at least once, the claims down to an advance payment
 * recovered and a payment overdue, one disputed and decided again and one in the association's queue, two sampling plans with failures and rectification orders, the
 * deadline job with nothing left to do right after loading, and the audit chain intact. */
#include <time.h>

#include "harness.h"

#include "jobs.h"
#include "rights/inspections.h"
#include "util/clock.h"
#include "util/timefmt.h"

static struct harness H;
static char admin[TOKEN_LEN], co1[TOKEN_LEN], cust[TOKEN_LEN], cs[TOKEN_LEN], ins1[TOKEN_LEN];
static int64_t co1_id, cust_id;

static struct resp *ok(const char *path, const char *token)
{
	struct resp *r = h_api(&H, "GET", path, token, NULL);
	if (r->status != 200)
		fail_msg("GET %s: expected 200, got %d %s", path, r->status, r->body);
	return r;
}

/* The total of a list. */
static int64_t total(const char *path, const char *token)
{
	struct resp *r = ok(path, token);
	int64_t n = resp_int(r, "total");
	resp_free(r);
	return n;
}

/* One integer from the store. */
static int64_t count(struct stmt *st)
{
	int64_t n = -1;
	assert_int_equal(stmt_one_int(st, &n), 0);
	return n;
}

static int setup(void **state)
{
	(void)state;
	h_open_demo(&H, 300);
	h_login(&H, "admin", admin, NULL);
	h_login(&H, "company1", co1, NULL);
	h_login(&H, "customer1", cust, NULL);
	h_login(&H, "cs1", cs, NULL);
	h_login(&H, "inspector1", ins1, NULL);
	struct resp *r = ok("/api/me", co1);
	co1_id = resp_int(r, "org.id");
	resp_free(r);
	r = ok("/api/me", cust);
	cust_id = resp_int(r, "user.id");
	resp_free(r);
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	h_close(&H);
	return 0;
}

static void test_queues(void **state)
{
	(void)state;
	/* every state of a complaint, and every category */
	static const char *const states[] = {"received", "in_progress", "waiting_customer", "resolved", "closed"};
	for (size_t i = 0; i < ARRAY_LEN(states); i++) {
		char path[96];
		snprintf(path, sizeof path, "/api/complaints?status=%s", states[i]);
		if (total(path, cs) < 1)
			fail_msg("no complaint %s", states[i]);
	}
	assert_int_equal(count(store_sql(H.store, "SELECT count(DISTINCT category) FROM complaints")), 8);
	assert_int_equal(count(store_sql(H.store, "SELECT count(DISTINCT channel) FROM complaints")), 3);
	/* the service centre sees them all, and took some for callers without an account */
	assert_int_equal(total("/api/complaints", cs), count(store_sql(H.store, "SELECT count(*) FROM complaints")));
	assert_true(count(store_sql(H.store, "SELECT count(*) FROM complaints WHERE customer_id IS NULL"
					     " AND contact_name IS NOT NULL AND contact_phone_sealed IS NOT NULL")) >= 2);

	/* customer1: one open, one to accept */
	struct stmt *st = store_sql(H.store, "SELECT count(*) FROM complaints WHERE customer_id = $1");
	stmt_bind_int(st, 1, cust_id);
	assert_int_equal(total("/api/complaints", cust), count(st));
	assert_true(total("/api/complaints?status=open", cust) >= 1);
	assert_true(total("/api/complaints?status=resolved", cust) >= 1);

	/* company1: its open complaints, each with a running (or paused) clock */
	struct resp *r = ok("/api/complaints?status=open&per_page=100", co1);
	json_t *items = json_object_get(r->json, "items");
	assert_true(json_array_size(items) >= 1);
	for (size_t i = 0; i < json_array_size(items); i++) {
		json_t *c = json_array_get(items, i);
		assert_int_equal(json_integer_value(json_object_get(json_object_get(c, "company"), "id")), co1_id);
		assert_true(json_is_object(json_object_get(c, "clock")));
	}
	resp_free(r);

	/* the association: open escalations, a breach found by the job among them */
	r = ok("/api/complaints?status=open&escalated=true&per_page=100", admin);
	items = json_object_get(r->json, "items");
	int breached = 0;
	for (size_t i = 0; i < json_array_size(items); i++)
		breached += json_is_true(json_object_get(json_array_get(items, i), "feedback_breached"));
	assert_true(breached >= 1);
	resp_free(r);
	assert_true(count(store_sql(H.store, "SELECT count(*) FROM complaint_events WHERE action = 'feedback_breached'"
					     " AND actor_label = 'jobs'")) >= 2);
	assert_true(count(store_sql(H.store, "SELECT count(*) FROM complaint_events WHERE action = 'resolve_breached'"
					     " AND actor_label = 'jobs'")) >= 1);
	assert_true(count(store_sql(H.store, "SELECT count(*) FROM complaints WHERE handler = 'association'"
					     " AND status IN ('received', 'in_progress', 'waiting_customer')")) >= 1);

	/* outcomes: findings, ratings, reopening, a paused clock, lapse and acceptance */
	assert_int_equal(count(store_sql(H.store, "SELECT count(DISTINCT finding) FROM complaints")), 3);
	assert_true(count(store_sql(H.store, "SELECT count(*) FROM complaints WHERE reopened > 0")) >= 1);
	assert_true(count(store_sql(H.store, "SELECT count(*) FROM complaints WHERE paused_secs > 86400")) >= 1);
	/* the clocks' rules held for every story: no pause longer than its limit, none more often, no
	 * question before the first feedback; a question left unanswered was reminded of and its pause
	 * ended by the job; a caller without an account answered through the service centre */
	assert_int_equal(count(store_sql(H.store, "SELECT count(*) FROM complaints WHERE paused_secs > pauses * 72 * 3600"
						  " OR pauses > 2")), 0);
	assert_int_equal(count(store_sql(H.store, "SELECT count(*) FROM complaint_events e JOIN complaints c"
						  " ON c.id = e.complaint_id WHERE e.action = 'ask'"
						  " AND (c.first_feedback_at IS NULL OR c.first_feedback_at > e.at)")), 0);
	assert_true(count(store_sql(H.store, "SELECT count(*) FROM complaint_events WHERE action = 'pause_expired'"
					     " AND actor_label = 'jobs'")) >= 1);
	assert_true(count(store_sql(H.store, "SELECT count(*) FROM complaint_events WHERE action = 'remind'"
					     " AND actor_label = 'jobs'")) >= 1);
	assert_true(count(store_sql(H.store, "SELECT count(*) FROM complaint_events e JOIN complaints c"
					     " ON c.id = e.complaint_id WHERE e.action = 'answer_for_caller'"
					     " AND c.customer_id IS NULL")) >= 1);
	/* the open questions are inside their pause, with a clock that will run again on its own */
	struct stmt *paused = store_sql(H.store, "SELECT count(*) FROM complaints WHERE status = 'waiting_customer'"
					       " AND (pause_until IS NULL OR pause_until <= $1)");
	stmt_bind_int(paused, 1, (int64_t)time(NULL));
	assert_int_equal(count(paused), 0);
	assert_true(count(store_sql(H.store, "SELECT count(*) FROM complaints WHERE closed_by = 'lapse'")) >= 1);
	assert_true(count(store_sql(H.store, "SELECT count(*) FROM complaints WHERE closed_by = 'customer'"
					     " AND rating BETWEEN 2 AND 5")) >= 5);
	assert_int_equal(count(store_sql(H.store, "SELECT count(*) FROM complaints WHERE closed_by = 'customer'"
						  " AND (rating < 2 OR rating IS NULL)")), 0);
}

/* The complaints about no booking: every one the service centre verified before anything else moved
 * it, one still waiting for it (an accusation naming a worker, which the company does not see and the
 * figures do not count), one it rejected with its reason. */
static void test_verification(void **state)
{
	(void)state;
	assert_true(count(store_sql(H.store, "SELECT count(*) FROM complaints WHERE verification = 'verified'")) >= 3);
	assert_int_equal(count(store_sql(H.store, "SELECT count(*) FROM complaints WHERE verification = 'pending'"
						  " AND worker_id IS NOT NULL AND verify_breached = 0")), 1);
	assert_int_equal(count(store_sql(H.store, "SELECT count(*) FROM complaints WHERE verification = 'rejected'"
						  " AND status = 'closed' AND verify_note IS NOT NULL")), 1);
	/* with a booking of the complainant's: none needed; without: verified before any handler's move */
	assert_int_equal(count(store_sql(H.store, "SELECT count(*) FROM complaints c WHERE c.verification IS NULL"
						  " AND (c.booking_id IS NULL OR c.customer_id IS DISTINCT FROM (SELECT customer_id FROM bookings"
						  " WHERE id = c.booking_id))")), 0);
	assert_int_equal(count(store_sql(H.store, "SELECT count(*) FROM complaint_events e JOIN complaints c"
						  " ON c.id = e.complaint_id WHERE c.verification IS NOT NULL"
						  " AND e.action NOT IN ('file', 'verify', 'reject', 'note', 'add_info', 'add_info_for_caller')"
						  " AND (c.verified_at IS NULL OR e.at < c.verified_at OR c.verification <> 'verified')")), 0);
	/* the service centre's queue has the one waiting; the company it names does not */
	struct resp *r = ok("/api/complaints?verification=pending", cs);
	assert_int_equal(resp_int(r, "total"), 1);
	json_t *c = json_array_get(json_object_get(r->json, "items"), 0);
	assert_string_equal(json_string_value(json_object_get(json_object_get(c, "clock"), "name")), "verify");
	int64_t company = json_integer_value(json_object_get(json_object_get(c, "company"), "id"));
	int64_t id = json_integer_value(json_object_get(c, "id"));
	resp_free(r);
	char path[96];
	snprintf(path, sizeof path, "/api/complaints?verification=pending&company_id=%lld", (long long)company);
	assert_int_equal(total(path, admin), 1);
	struct stmt *st = store_sql(H.store, "SELECT count(*) FROM outbox WHERE subject_kind = 'complaint' AND subject_id = $1"
					     " AND org_id = $2");
	stmt_bind_int(st, 1, id);
	stmt_bind_int(st, 2, company);
	assert_int_equal(count(st), 0);
	assert_int_equal(count(store_sql(H.store, "SELECT count(*) FROM conduct_records WHERE source_kind = 'complaint'"
						  " AND source_id IN (SELECT id FROM complaints WHERE verification IN ('pending', 'rejected'))")), 0);
}

static void test_claims(void **state)
{
	(void)state;
	/* each way a claim ends, once: accepted and paid by the company and confirmed by the customer; by
	 * the worker and by the insurer, each with its settlement's number; rejected and left to stand;
	 * advanced and recovered; accepted and overdue; still undecided; decided low, disputed and
	 * raised by the association, then paid and confirmed; rejected, disputed and waiting for it */
	static const char *const expect[] = {
		"paid by the company, accepted and confirmed",
		"paid by the worker, with proof",
		"paid by the insurer, with proof",
		"rejected, left to stand",
		"advanced and recovered",
		"accepted, payment overdue",
		"undecided",
		"disputed, decided again higher, paid and confirmed",
		"disputed, waiting for the association",
	};
	int64_t n[ARRAY_LEN(expect)];
	struct stmt *st = store_sql(H.store, "SELECT"
		" count(*) FILTER (WHERE status = 'paid' AND payer = 'company' AND paid_fen = approved_fen AND final_by = 'accepted'"
		"     AND confirmed_by = 'customer' AND reviewed_at IS NULL),"
		" count(*) FILTER (WHERE status = 'paid' AND payer = 'worker' AND approved_fen < amount_fen AND confirmed_by = 'proof'"
		"     AND proof_ref IS NOT NULL AND proof_by IS NOT NULL),"
		" count(*) FILTER (WHERE status = 'paid' AND payer = 'insurer' AND approved_fen < amount_fen AND confirmed_by = 'proof'"
		"     AND proof_ref IS NOT NULL AND proof_by IS NOT NULL),"
		" count(*) FILTER (WHERE status = 'rejected' AND approved_fen = 0 AND final_by = 'lapse'),"
		" count(*) FILTER (WHERE status = 'recovered' AND payer = 'advance' AND recovered_fen = paid_fen AND final_by = 'association'),"
		" count(*) FILTER (WHERE status = 'approved' AND payment_breached = 1 AND final_by = 'accepted'),"
		" count(*) FILTER (WHERE status = 'claimed' AND decision_breached = 0),"
		" count(*) FILTER (WHERE status = 'paid' AND disputed_by = 'customer' AND reviewed_at IS NOT NULL AND final_by = 'association'"
		"     AND approved_fen > first_approved_fen AND confirmed_by = 'customer'),"
		" count(*) FILTER (WHERE disputed_by = 'customer' AND final_at IS NULL AND disputed_month IS NOT NULL) FROM claims");
	assert_int_equal(stmt_step(st), STORE_ROW);
	for (size_t i = 0; i < ARRAY_LEN(expect); i++)
		n[i] = stmt_int(st, (int)i);
	stmt_done(st);
	for (size_t i = 0; i < ARRAY_LEN(expect); i++)
		if (n[i] != 1)
			fail_msg("claims %s: %lld", expect[i], (long long)n[i]);
	/* no payment counts as paid on the payer's word alone */
	assert_int_equal(count(store_sql(H.store, "SELECT count(*) FROM claims WHERE status IN ('paid', 'recovered')"
						  " AND confirmed_at IS NULL")), 0);
	/* the association's queue holds the open dispute */
	struct resp *r = ok("/api/claims?state=disputed", admin);
	assert_int_equal(resp_int(r, "total"), 1);
	json_t *item = json_array_get(json_object_get(r->json, "items"), 0);
	assert_string_equal(json_string_value(json_object_get(item, "decision_state")), "disputed");
	assert_true(json_string_length(json_object_get(item, "dispute_reason")) > 0);
	assert_true(json_string_length(json_object_get(json_object_get(item, "complaint"), "tracking_no")) > 0);
	resp_free(r);
	/* the public figures keep the association's advances apart and count the disputes */
	int64_t want[4] = {0}, got[4] = {0};
	for (int month = time_month(clock_now()) - 3; month <= time_month(clock_now()); month++) {
		char path[80], name[8];
		time_format_month(month, name);
		snprintf(path, sizeof path, "/api/public/complaint-figures?month=%s", name);
		r = ok(path, NULL);
		json_t *ind = json_object_get(r->json, "industry");
		got[0] += json_integer_value(json_object_get(ind, "compensation_paid_fen"));
		got[1] += json_integer_value(json_object_get(ind, "compensation_advanced_fen"));
		got[2] += json_integer_value(json_object_get(ind, "compensation_recovered_fen"));
		got[3] += json_integer_value(json_object_get(ind, "claims_disputed"));
		resp_free(r);
		st = store_sql(H.store, "SELECT"
			" (SELECT coalesce(sum(paid_fen), 0) FROM claims WHERE payer <> 'advance' AND confirmed_at IS NOT NULL"
			"  AND paid_month = $1),"
			" (SELECT coalesce(sum(paid_fen), 0) FROM claims WHERE payer = 'advance' AND paid_month = $1),"
			" (SELECT coalesce(sum(amount_fen), 0) FROM claim_recoveries WHERE month = $1),"
			" (SELECT count(*) FROM claims WHERE disputed_month = $1)");
		stmt_bind_int(st, 1, month);
		assert_int_equal(stmt_step(st), STORE_ROW);
		for (int k = 0; k < 4; k++)
			want[k] += stmt_int(st, k);
		stmt_done(st);
	}
	for (int k = 0; k < 4; k++)
		assert_int_equal(got[k], want[k]);
	assert_true(want[1] > 0 && want[2] == want[1] && want[3] == 2);
	/* the advance was decided and paid by the association, on a complaint it took over */
	assert_int_equal(count(store_sql(H.store, "SELECT count(*) FROM claims cl JOIN complaints c ON c.id = cl.complaint_id"
						  " JOIN users u ON u.id = cl.paid_by WHERE cl.payer = 'advance'"
						  " AND c.handler = 'association' AND u.role = 'association_admin'")), 1);
	/* customer1 sees their own claim waiting for a decision */
	struct stmt *q = store_sql(H.store, "SELECT c.id FROM claims cl JOIN complaints c ON c.id = cl.complaint_id"
					    " WHERE cl.status = 'claimed' AND c.customer_id = $1");
	stmt_bind_int(q, 1, cust_id);
	int64_t id = count(q);
	char path[64];
	snprintf(path, sizeof path, "/api/complaints/%lld", (long long)id);
	r = ok(path, cust);
	json_t *claims = json_object_get(r->json, "claims");
	assert_int_equal(json_array_size(claims), 1);
	assert_string_equal(json_string_value(json_object_get(json_array_get(claims, 0), "status")), "claimed");
	resp_free(r);
}

static void test_spot_checks(void **state)
{
	(void)state;
	/* the job's plans: one a month from the one before the last drawn, newest first; the two
	 * oldest drawn with their seeds, which match the commitments published before; the later ones
	 * committed, their seeds not yet out */
	struct resp *r = ok("/api/public/sampling-plans", NULL);
	int month = time_month(clock_now());
	int last = clock_now() >= time_month_start(month) + 2 * 86400 ? month - 1 : month - 2;
	assert_int_equal(resp_int(r, "total"), month - last + 2);
	json_t *items = json_object_get(r->json, "items");
	for (int k = 0; k <= month - last + 1; k++) {
		json_t *p = json_array_get(items, (size_t)k);
		char m[8], commitment[65];
		time_format_month(month - k, m);
		assert_string_equal(json_string_value(json_object_get(p, "month")), m);
		assert_string_equal(json_string_value(json_object_get(p, "made_by")), "job");
		const char *seed = json_string_value(json_object_get(p, "seed"));
		if (month - k >= last + 1) {
			assert_string_equal(json_string_value(json_object_get(p, "status")), "committed");
			assert_null(seed);
			continue;
		}
		assert_string_equal(json_string_value(json_object_get(p, "status")), "drawn");
		assert_non_null(seed);
		sampling_commitment(seed, commitment);
		assert_string_equal(json_string_value(json_object_get(p, "commitment")), commitment);
		assert_true(json_integer_value(json_object_get(p, "drawn")) > 0);
	}
	resp_free(r);

	/* inspector1 has samples to inspect; the results recorded are theirs and their colleagues' */
	assert_true(total("/api/inspections?status=assigned", ins1) >= 1);
	assert_true(count(store_sql(H.store, "SELECT count(DISTINCT inspector_id) FROM inspections"
					     " WHERE status <> 'assigned'")) >= 2);
	assert_true(count(store_sql(H.store, "SELECT count(*) FROM inspections WHERE status = 'passed'")) >= 5);
	assert_int_equal(count(store_sql(H.store, "SELECT count(*) FROM inspections WHERE status = 'verified'")), 1);
	/* one left overdue, marked by the job; one answered, rejected and open again */
	assert_true(count(store_sql(H.store, "SELECT count(*) FROM inspections i JOIN inspection_events e"
					     " ON e.inspection_id = i.id WHERE i.status = 'rectifying' AND i.rectify_breached = 1"
					     " AND e.action = 'overdue' AND e.actor_label = 'jobs'")) >= 1);
	assert_int_equal(count(store_sql(H.store, "SELECT count(*) FROM inspections WHERE status = 'rectifying'"
						  " AND verify_note IS NOT NULL AND rectify_breached = 0")), 1);
	/* each failure on the record of the company */
	assert_int_equal(count(store_sql(H.store, "SELECT count(*) FROM inspections WHERE score < 80")),
			 count(store_sql(H.store, "SELECT count(*) FROM conduct_records WHERE subject = 'company'"
						  " AND kind = 'spot_check_failed'")));
}

static void test_settled(void **state)
{
	(void)state;
	/* the demo ended with the job at the present: running it again finds nothing */
	int64_t writes = h_writes(&H);
	/* every count set to -1 first, so that each one the job leaves alone shows */
	struct jobs_report jr;
	memset(&jr, 0xff, sizeof jr);
	jr.retention = (struct retention_report){0};
	assert_int_equal(jobs_run(H.store, &jr), 0);
	assert_int_equal(jr.complaints_breached, 0);
	assert_int_equal(jr.complaints_closed, 0);
	assert_int_equal(jr.complaints_resumed, 0);
	assert_int_equal(jr.complaints_reminded, 0);
	assert_int_equal(jr.complaints_verify_overdue, 0);
	assert_int_equal(jr.claims_breached, 0);
	assert_int_equal(jr.claims_final, 0);
	assert_int_equal(jr.rectifications_overdue, 0);
	/* the demo's last write is its signed checkpoint, so none is due either */
	assert_int_equal(jr.checkpoints_signed, 0);
	assert_int_equal(jr.lapse_notices, 0);
	assert_int_equal(jr.bookings_expired, 0);
	assert_int_equal(jr.no_shows_to_check, 0);
	/* this month's sampling plan is made, last month's drawn when its day has come */
	assert_int_equal(jr.plans_committed, 0);
	assert_int_equal(jr.plans_drawn, 0);
	assert_int_equal(h_writes(&H), writes);
	/* and every write of the story is in the chain */
	struct resp *r = ok("/api/audit/verify", admin);
	assert_true(json_is_true(json_object_get(r->json, "ok")));
	resp_free(r);
	assert_true(count(store_sql(H.store, "SELECT count(*) FROM audit_log WHERE action LIKE 'complaint.%'")) >= 100);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_queues),
		cmocka_unit_test(test_verification),
		cmocka_unit_test(test_claims),
		cmocka_unit_test(test_spot_checks),
		cmocka_unit_test(test_settled),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
