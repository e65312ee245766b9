/* Third-party spot checks through the API, on the demo industry: a month's plan made by the
 * deadline job with its seed's commitment published, drawn by the job on its day and recomputed
 * here from the seed it reveals, who sees which inspection, results that pass and fail, the
 * rectification order answered, rejected and verified, the deadline job, and the refusals — each
 * of which writes nothing. */
#include "harness.h"

#include <sodium.h>

#include "jobs.h"
#include "rights/inspections.h"
#include "util/clock.h"
#include "util/timefmt.h"

static struct harness H;
static char admin[TOKEN_LEN], co1[TOKEN_LEN], co2[TOKEN_LEN], staff1[TOKEN_LEN], ins1[TOKEN_LEN], ins2[TOKEN_LEN],
	ins4[TOKEN_LEN], cust[TOKEN_LEN], cs[TOKEN_LEN];
static int64_t co1_id, co2_id, body_id, ins1_id, ins2_id, plan_id;
static char plan_month[8];
static int month_drawn;     /* the month this test has the job plan and draw */
static int fail_reassigned; /* the failing sample was given to inspector1 by the association */

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

/* Every row of the spot checks' tables, with the states that change: moves with h_writes. */
/* The sampling plans in the store: the demo's, and the test's once drawn. */
static int64_t demo_plans(void)
{
	int64_t n = 0;
	assert_int_equal(stmt_one_int(store_sql(H.store, "SELECT count(*) FROM sampling_plans"), &n), 0);
	return n;
}

static int64_t spot_rows(void)
{
	int64_t n = 0;
	assert_int_equal(stmt_one_int(store_sql(H.store,
		"SELECT (SELECT count(*) FROM sampling_plans) + (SELECT count(*) FROM sampling_populations)"
		" + (SELECT count(*) + coalesce(sum(length(status) + coalesce(inspector_id, 0) + rectify_breached"
		"    + coalesce(rectify_due, 0)), 0) FROM inspections)"
		" + (SELECT count(*) FROM inspection_scores) + (SELECT count(*) FROM inspection_events)"
		" + (SELECT count(*) FROM outbox) + (SELECT count(*) FROM conduct_records)"), &n), 0);
	return n;
}

/* Asserts a refusal, and that nothing was written. */
static void refused(const char *method, const char *path, const char *token, const char *body, int status,
		    const char *code)
{
	int64_t before = h_writes(&H), rows = spot_rows();
	struct resp *r = call(method, path, token, body);
	if (r->status != status || strcmp(resp_code(r), code) != 0)
		fail_msg("%s %s %s: expected %d %s, got %d %s", method, path, body ? body : "", status, code, r->status,
			 r->body);
	resp_free(r);
	assert_int_equal(h_writes(&H), before);
	assert_int_equal(spot_rows(), rows);
}

static int64_t org_of(const char *token)
{
	struct resp *r = ok("GET", "/api/me", token, NULL, 200);
	int64_t id = resp_int(r, "org.id");
	resp_free(r);
	return id;
}

static int64_t user_of(const char *token)
{
	struct resp *r = ok("GET", "/api/me", token, NULL, 200);
	int64_t id = resp_int(r, "user.id");
	resp_free(r);
	return id;
}

/* Sets the clock (0: real time) and signs everyone in again. */
static void at(int64_t t)
{
	clock_set(t);
	h_login(&H, "admin", admin, NULL);
	h_login(&H, "company1", co1, NULL);
	h_login(&H, "company2", co2, NULL);
	h_login(&H, "staff1", staff1, NULL);
	h_login(&H, "inspector1", ins1, NULL);
	h_login(&H, "inspector2", ins2, NULL);
	h_login(&H, "customer1", cust, NULL);
	h_login(&H, "cs1", cs, NULL);
	if (ins4[0])
		h_login(&H, "inspector4", ins4, NULL);
}

static int setup(void **state)
{
	(void)state;
	h_open_demo(&H, 300);
	at(0);
	co1_id = org_of(co1);
	co2_id = org_of(co2);
	ins1_id = user_of(ins1);
	ins2_id = user_of(ins2);
	body_id = org_of(ins1);
	/* the demo's plans begin with the month in 'sampling.since'; this test has the job plan and
	 * draw the month before, as if the industry's sampling had begun then */
	char since[16] = "";
	struct stmt *st = store_sql(H.store, "SELECT value FROM settings WHERE key = 'sampling.since'");
	assert_int_equal(stmt_step(st), STORE_ROW);
	snprintf(since, sizeof since, "%s", stmt_text(st, 0));
	stmt_done(st);
	int m = 0;
	assert_int_equal(time_parse_month(since, &m), 0);
	month_drawn = m - 1;
	time_format_month(month_drawn, plan_month);
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	h_close(&H);
	return 0;
}

static const char *iso(int64_t t)
{
	static char buf[4][TIME_ISO_LEN];
	static int k;
	char *b = buf[k++ % 4];
	time_format_iso(t, b);
	return b;
}

/* Nobody makes or draws a plan by hand: there is no such route, for anyone. */
static void test_plan_refusals(void **state)
{
	(void)state;
	char body[160];
	snprintf(body, sizeof body, "{\"month\":\"%s\",\"share_percent\":10,\"min_per_company\":1,"
				    "\"inspection_org_id\":%lld}", plan_month, (long long)body_id);
	refused("POST", "/api/sampling-plans", admin, body, 404, "not_found");
	refused("POST", "/api/sampling-plans", co1, body, 404, "not_found");
	refused("POST", "/api/sampling-plans", NULL, body, 404, "not_found");
	struct resp *r = ok("GET", "/api/public/sampling-plans", NULL, NULL, 200);
	assert_int_equal(resp_int(r, "total"), demo_plans());
	resp_free(r);
}

/* The deadline job's sampling at t: how many plans it made and drew. */
static void job_at(int64_t t, int committed, int drawn)
{
	int c = -1, d = -1;
	clock_set(t);
	assert_int_equal(sampling_plans_due(H.store, &c, &d), 0);
	assert_int_equal(c, committed);
	assert_int_equal(d, drawn);
}

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* The draw recomputed from the published seed and population, as anyone could. */
static void recompute(const char *seed, json_t *population, int share, int min, json_t *sampled)
{
	size_t pop = json_array_size(population);
	char **ranks = calloc(pop ? pop : 1, sizeof *ranks);
	assert_non_null(ranks);
	for (size_t i = 0; i < pop; i++) {
		char text[96];
		unsigned char h[crypto_hash_sha256_BYTES];
		int n = snprintf(text, sizeof text, "%s:%lld", seed, (long long)json_integer_value(json_array_get(population, i)));
		crypto_hash_sha256(h, (const unsigned char *)text, (unsigned long long)n);
		ranks[i] = malloc(65 + 24);
		assert_non_null(ranks[i]);
		sodium_bin2hex(ranks[i], 65, h, sizeof h);
		/* the booking id rides after the rank, to read back once sorted */
		snprintf(ranks[i] + 64, 25, ":%lld", (long long)json_integer_value(json_array_get(population, i)));
		if (i)
			assert_true(json_integer_value(json_array_get(population, i - 1)) <
				    json_integer_value(json_array_get(population, i)));
	}
	qsort(ranks, pop, sizeof *ranks, cmp_str);
	size_t take = (pop * (size_t)share + 99) / 100;
	if (take < (size_t)min)
		take = (size_t)min;
	if (take > pop)
		take = pop;
	assert_int_equal(json_array_size(sampled), take);
	for (size_t i = 0; i < take; i++) {
		long long id = strtoll(ranks[i] + 65, NULL, 10);
		assert_int_equal(json_integer_value(json_array_get(sampled, i)), id);
		/* the library's rank is the same */
		char mine[65];
		sampling_rank(seed, id, mine);
		assert_int_equal(strncmp(mine, ranks[i], 64), 0);
	}
	for (size_t i = 0; i < pop; i++)
		free(ranks[i]);
	free(ranks);
}

static void test_draw(void **state)
{
	(void)state;
	/* the association sets the share and minimum; the plan takes them when it is made */
	resp_free(ok("PATCH", "/api/standards", admin, "{\"spot_check_share_percent\":10,\"spot_check_min_per_company\":2}",
		     200));
	char since[8];
	time_format_month(month_drawn, since);
	struct stmt *st = store_sql(H.store, "UPDATE settings SET value = $1 WHERE key = 'sampling.since'");
	stmt_bind_text(st, 1, since);
	assert_int_equal(stmt_exec(st), 0);

	/* the month's first pass makes its plan: the commitment public, the seed not, to anyone */
	int64_t start = time_month_start(month_drawn);
	int64_t before = h_writes(&H);
	job_at(start + 600, 1, 0);
	assert_true(h_writes(&H) > before);
	st = store_sql(H.store, "SELECT id FROM sampling_plans WHERE month = $1");
	stmt_bind_int(st, 1, month_drawn);
	assert_int_equal(stmt_one_int(st, &plan_id), 0);
	char secret[40] = "";
	st = store_sql(H.store, "SELECT seed FROM sampling_plans WHERE id = $1");
	stmt_bind_int(st, 1, plan_id);
	assert_int_equal(stmt_step(st), STORE_ROW);
	snprintf(secret, sizeof secret, "%s", stmt_text(st, 0));
	stmt_done(st);
	assert_int_equal(strlen(secret), 32);
	char path[96], commitment[65];
	snprintf(path, sizeof path, "/api/public/sampling-plans/%lld", (long long)plan_id);
	struct resp *r = ok("GET", path, NULL, NULL, 200);
	assert_string_equal(resp_str(r, "status"), "committed");
	assert_string_equal(resp_str(r, "made_by"), "job");
	assert_null(resp_str(r, "seed"));
	assert_null(strstr(r->body, secret));
	sampling_commitment(secret, commitment);
	assert_string_equal(resp_str(r, "commitment"), commitment);
	assert_int_equal(resp_int(r, "share_percent"), 10);
	assert_int_equal(resp_int(r, "min_per_company"), 2);
	assert_int_equal(resp_int(r, "drawn"), 0);
	assert_int_equal(json_array_size(json_object_get(r->json, "companies")), 0);
	/* drawn on the standard's day of the next month */
	int64_t draw_at = 0;
	assert_int_equal(time_parse_iso(resp_str(r, "draw_at"), &draw_at), 0);
	assert_int_equal(draw_at, time_month_start(month_drawn + 1) + 2 * 86400);
	resp_free(r);
	/* the making is the jobs' audited write */
	int64_t made = -1;
	st = store_sql(H.store, "SELECT count(*) FROM audit_log WHERE action = 'sampling_plan.commit' AND entity_id = $1"
				" AND actor_label = 'jobs' AND actor_id IS NULL");
	stmt_bind_int(st, 1, plan_id);
	assert_int_equal(stmt_one_int(st, &made), 0);
	assert_int_equal(made, 1);
	/* a share changed now is the next plans', not this one's */
	at(start + 3600);
	resp_free(ok("PATCH", "/api/standards", admin, "{\"spot_check_share_percent\":1}", 200));
	/* a second pass, or one just before the day, changes nothing */
	before = h_writes(&H);
	job_at(start + 7200, 0, 0);
	job_at(draw_at - 1, 0, 0);
	assert_int_equal(h_writes(&H), before);
	/* nor can a second plan for the month be written into the store */
	st = store_sql(H.store, "INSERT INTO sampling_plans (month, share_percent, min_per_company, seed, commitment, draw_at,"
				" created_at) VALUES ($1, 1, 1, 'x', 'y', 0, 0)");
	stmt_bind_int(st, 1, month_drawn);
	assert_int_equal(stmt_exec(st), AJ_ECONFLICT);

	/* the day's first pass reveals the seed and draws */
	before = h_writes(&H);
	job_at(draw_at + 600, 0, 1);
	assert_true(h_writes(&H) > before);
	clock_set(0);
	at(0);
	r = ok("GET", path, NULL, NULL, 200);
	const char *seed = resp_str(r, "seed");
	assert_string_equal(seed, secret);
	assert_string_equal(resp_str(r, "status"), "drawn");
	assert_string_equal(resp_str(r, "month"), plan_month);
	assert_string_equal(resp_str(r, "algorithm"), "rank = sha256(seed + ':' + booking_id), smallest first");
	assert_int_equal(resp_int(r, "share_percent"), 10);
	assert_int_equal(json_integer_value(json_object_get(json_array_get(json_object_get(r->json, "inspection_bodies"), 0),
							   "id")), body_id);
	char seed_copy[33];
	snprintf(seed_copy, sizeof seed_copy, "%s", seed);
	resp_free(r);
	/* and never again: the month is drawn once */
	before = h_writes(&H);
	job_at(draw_at + 86400, 0, 0);
	clock_set(0);
	assert_int_equal(h_writes(&H), before);

	/* anyone can read it, and recompute it */
	r = ok("GET", path, NULL, NULL, 200);
	assert_string_equal(resp_str(r, "seed"), seed_copy);
	assert_null(strstr(r->body, "address"));
	assert_null(strstr(r->body, "customer"));
	assert_null(strstr(r->body, "周婷"));
	json_t *cos = json_object_get(r->json, "companies");
	int64_t companies = 0, drawn = 0;
	/* the population: the month's services their customers confirmed (docs/decisions.md) */
	st = store_sql(H.store, "SELECT count(DISTINCT company_id) FROM bookings WHERE completed_month = $1"
				" AND status IN ('completed', 'reviewed') AND evidence = 'confirmed'");
	int month = 0;
	assert_int_equal(time_parse_month(plan_month, &month), 0);
	stmt_bind_int(st, 1, month);
	assert_int_equal(stmt_one_int(st, &companies), 0);
	assert_true(companies > 0);
	assert_int_equal(json_array_size(cos), companies);
	for (size_t i = 0; i < json_array_size(cos); i++) {
		json_t *c = json_array_get(cos, i);
		int64_t co = json_integer_value(json_object_get(json_object_get(c, "company"), "id")), pop = 0;
		st = store_sql(H.store, "SELECT count(*) FROM bookings WHERE company_id = $1 AND completed_month = $2"
					" AND status IN ('completed', 'reviewed') AND evidence = 'confirmed'");
		stmt_bind_int(st, 1, co);
		stmt_bind_int(st, 2, month);
		assert_int_equal(stmt_one_int(st, &pop), 0);
		assert_int_equal(json_integer_value(json_object_get(c, "population")), pop);
		assert_int_equal(json_array_size(json_object_get(c, "population_ids")), pop);
		recompute(seed_copy, json_object_get(c, "population_ids"), 10, 2, json_object_get(c, "sampled_ids"));
		assert_int_equal(json_integer_value(json_object_get(c, "drawn")),
				 json_array_size(json_object_get(c, "sampled_ids")));
		drawn += json_integer_value(json_object_get(c, "drawn"));
	}
	assert_int_equal(resp_int(r, "drawn"), drawn);
	resp_free(r);

	/* one inspection per sample, the body's inspectors in turn in rank order */
	int64_t n = 0, inspectors[8], k = 0;
	st = store_sql(H.store, "SELECT count(*) FROM inspections WHERE plan_id = $1 AND status = 'assigned'");
	stmt_bind_int(st, 1, plan_id);
	assert_int_equal(stmt_one_int(st, &n), 0);
	assert_int_equal(n, drawn);
	st = store_sql(H.store, "SELECT id FROM users WHERE role = 'inspector' AND org_id = $1 ORDER BY id");
	stmt_bind_int(st, 1, body_id);
	while (stmt_step(st) == STORE_ROW && k < 8)
		inspectors[k++] = stmt_int(st, 0);
	stmt_done(st);
	assert_true(k >= 2);
	st = store_sql(H.store, "SELECT inspector_id, rank FROM inspections WHERE plan_id = $1 ORDER BY rank");
	stmt_bind_int(st, 1, plan_id);
	for (int64_t i = 0; stmt_step(st) == STORE_ROW; i++)
		assert_int_equal(stmt_int(st, 0), inspectors[i % k]);
	stmt_done(st);
	/* the inspectors are told; the companies are not (a spot check is blind to them until its result) */
	int64_t told = 0;
	st = store_sql(H.store, "SELECT count(*) FROM outbox WHERE topic = 'inspection_assigned' AND user_id IS NOT NULL"
				"  AND subject_id IN (SELECT id FROM inspections WHERE plan_id = $1)");
	stmt_bind_int(st, 1, plan_id);
	assert_int_equal(stmt_one_int(st, &told), 0);
	assert_int_equal(told, drawn);
	st = store_sql(H.store, "SELECT count(*) FROM outbox WHERE topic = 'inspection_drawn' AND org_id IS NOT NULL"
				"  AND subject_id IN (SELECT id FROM inspections WHERE plan_id = $1)");
	stmt_bind_int(st, 1, plan_id);
	assert_int_equal(stmt_one_int(st, &told), 0);
	assert_int_equal(told, 0);


	/* the public list, the latest month first, without the id lists */
	r = ok("GET", "/api/public/sampling-plans?per_page=100", NULL, NULL, 200);
	assert_int_equal(resp_int(r, "total"), demo_plans());
	json_t *listed = json_object_get(r->json, "items");
	const char *prev = "9999-99";
	int found = 0;
	for (size_t i = 0; i < json_array_size(listed); i++) {
		json_t *item = json_array_get(listed, i);
		const char *m = json_string_value(json_object_get(item, "month"));
		assert_true(strcmp(m, prev) <= 0);
		prev = m;
		if (json_integer_value(json_object_get(item, "id")) == plan_id) {
			assert_string_equal(json_string_value(json_object_get(item, "seed")), seed_copy);
			found = 1;
		}
	}
	assert_true(found);
	assert_null(strstr(r->body, "population_ids"));
	resp_free(r);
	h_expect(call("GET", "/api/public/sampling-plans/999999", NULL, NULL), 404, "not_found");
	h_expect(call("GET", "/api/public/sampling-plans?per_page=500", NULL, NULL), 400, "invalid_parameter");

	/* an inspector with no samples: a new login of the same body */
	char body[256];
	snprintf(body, sizeof body, "{\"login\":\"inspector4\",\"name\":\"钱磊\",\"role\":\"inspector\",\"org_id\":%lld}",
		 (long long)body_id);
	h_user_add(&H, admin, body);
	h_login(&H, "inspector4", ins4, NULL);
}

/* The id of the n-th (from 0) inspection of the plan matching company (0: any) and inspector
 * (0: any), by draw order. */
static int64_t pick(int64_t company, int64_t inspector, int n)
{
	int64_t id = 0;
	struct stmt *st = store_sql(H.store, "SELECT id FROM inspections WHERE plan_id = $1 AND ($2 = 0 OR company_id = $2)"
					     " AND ($3 = 0 OR inspector_id = $3) ORDER BY id LIMIT 1 OFFSET $4");
	stmt_bind_int(st, 1, plan_id);
	stmt_bind_int(st, 2, company);
	stmt_bind_int(st, 3, inspector);
	stmt_bind_int(st, 4, n);
	assert_int_equal(stmt_one_int(st, &id), 0);
	return id;
}

static void test_visibility(void **state)
{
	(void)state;
	/* an inspector sees only their own */
	struct resp *r = ok("GET", "/api/inspections?per_page=100", ins1, NULL, 200);
	int64_t mine = 0;
	struct stmt *st = store_sql(H.store, "SELECT count(*) FROM inspections WHERE inspector_id = $1");
	stmt_bind_int(st, 1, ins1_id);
	assert_int_equal(stmt_one_int(st, &mine), 0);
	assert_true(mine > 0);
	assert_int_equal(resp_int(r, "total"), mine);
	json_t *items = json_object_get(r->json, "items");
	for (size_t i = 0; i < json_array_size(items); i++)
		assert_int_equal(json_integer_value(json_object_get(json_object_get(json_array_get(items, i), "inspector"), "id")),
				 ins1_id);
	assert_null(strstr(r->body, "address"));
	resp_free(r);
	r = ok("GET", "/api/inspections", ins4, NULL, 200);
	assert_int_equal(resp_int(r, "total"), 0);
	resp_free(r);

	int64_t own = pick(0, ins1_id, 0), other = pick(0, ins2_id, 0);
	char path[96];
	snprintf(path, sizeof path, "/api/inspections/%lld", (long long)own);
	r = ok("GET", path, ins1, NULL, 200);
	assert_int_equal(resp_int(r, "id"), own);
	assert_int_equal(resp_int(r, "plan.id"), plan_id);
	assert_string_equal(resp_str(r, "plan.month"), plan_month);
	assert_string_equal(resp_str(r, "status"), "assigned");
	assert_non_null(resp_str(r, "booking.customer.name"));
	assert_non_null(resp_str(r, "booking.service_item.title"));
	assert_true(json_array_size(json_object_get(json_object_get(json_object_get(r->json, "booking"), "category"),
						    "indicators")) >= 1);
	assert_null(strstr(r->body, "address"));
	assert_true(json_is_null(json_object_get(r->json, "score")));
	/* the inspector calls the customer back and sees the worker's full name */
	json_t *wk = json_object_get(r->json, "worker");
	if (json_is_object(wk))
		assert_true(strcmp(json_string_value(json_object_get(wk, "name")),
				   json_string_value(json_object_get(wk, "masked_name"))) != 0);
	json_t *tl = json_object_get(r->json, "timeline");
	assert_int_equal(json_array_size(tl), 1);
	assert_string_equal(json_string_value(json_object_get(json_array_get(tl, 0), "action")), "drawn");
	resp_free(r);
	h_expect(call("GET", path, ins2, NULL), 404, "not_found");
	h_expect(call("GET", path, ins4, NULL), 404, "not_found");
	h_expect(call("GET", path, cust, NULL), 403, "forbidden");
	h_expect(call("GET", path, cs, NULL), 403, "forbidden");
	h_expect(call("GET", path, NULL, NULL), 401, "unauthenticated");
	resp_free(ok("GET", path, admin, NULL, 200));
	snprintf(path, sizeof path, "/api/inspections/%lld", (long long)other);
	h_expect(call("GET", path, ins1, NULL), 404, "not_found");
	h_expect(call("GET", "/api/inspections/999999", admin, NULL), 404, "not_found");

	/* a spot check is blind to its company until the result is in: neither the sample nor its list */
	int64_t drawn = pick(co1_id, 0, 0);
	snprintf(path, sizeof path, "/api/inspections/%lld", (long long)drawn);
	h_expect(call("GET", path, co1, NULL), 404, "not_found");
	r = ok("GET", "/api/inspections?per_page=100", co1, NULL, 200);
	items = json_object_get(r->json, "items");
	for (size_t i = 0; i < json_array_size(items); i++)
		assert_string_not_equal(json_string_value(json_object_get(json_array_get(items, i), "status")), "assigned");
	resp_free(r);
	r = ok("GET", "/api/inspections?per_page=100", co2, NULL, 200);
	items = json_object_get(r->json, "items");
	for (size_t i = 0; i < json_array_size(items); i++)
		assert_int_equal(json_integer_value(json_object_get(json_object_get(json_array_get(items, i), "company"), "id")),
				 co2_id);
	resp_free(r);
	/* company2 asking for company1's by filter still sees only its own: none */
	char q[96];
	snprintf(q, sizeof q, "/api/inspections?company_id=%lld", (long long)co1_id);
	r = ok("GET", q, co2, NULL, 200);
	assert_int_equal(resp_int(r, "total"), 0);
	resp_free(r);
	int64_t n1 = 0;
	st = store_sql(H.store, "SELECT count(*) FROM inspections WHERE company_id = $1");
	stmt_bind_int(st, 1, co1_id);
	assert_int_equal(stmt_one_int(st, &n1), 0);
	r = ok("GET", q, admin, NULL, 200);
	assert_int_equal(resp_int(r, "total"), n1);
	resp_free(r);
	int64_t all = 0;
	st = store_sql(H.store, "SELECT count(*) FROM inspections WHERE status = 'assigned'");
	assert_int_equal(stmt_one_int(st, &all), 0);
	r = ok("GET", "/api/inspections?status=assigned&per_page=1", admin, NULL, 200);
	assert_int_equal(resp_int(r, "total"), all);
	assert_int_equal(json_array_size(json_object_get(r->json, "items")), 1);
	resp_free(r);

	/* the others see none */
	h_expect(call("GET", "/api/inspections", cust, NULL), 403, "forbidden");
	h_expect(call("GET", "/api/inspections", cs, NULL), 403, "forbidden");
	h_expect(call("GET", "/api/inspections?status=lost", admin, NULL), 400, "invalid_parameter");
}

/* A result body scoring every indicator of inspection id with score (the last one with last). */
static const char *result_body(int64_t id, const char *visited, int score, int last, int drop, int64_t extra)
{
	static char body[2048];
	char path[96];
	snprintf(path, sizeof path, "/api/inspections/%lld", (long long)id);
	struct resp *r = ok("GET", path, admin, NULL, 200);
	json_t *ind = json_object_get(json_object_get(json_object_get(r->json, "booking"), "category"), "indicators");
	size_t n = 0, count = json_array_size(ind) - (drop ? 1 : 0);
	assert_true(json_array_size(ind) >= 2);
	n += (size_t)snprintf(body + n, sizeof body - n, "{\"visit_kind\":\"phone\",\"visited_at\":\"%s\",\"scores\":[",
			      visited);
	for (size_t i = 0; i < count; i++)
		n += (size_t)snprintf(body + n, sizeof body - n, "%s{\"indicator_id\":%lld,\"score\":%d,\"note\":\"回访\"}",
				      i ? "," : "",
				      (long long)json_integer_value(json_object_get(json_array_get(ind, i), "id")),
				      i + 1 == count ? last : score);
	if (extra)
		n += (size_t)snprintf(body + n, sizeof body - n, ",{\"indicator_id\":%lld,\"score\":90}", (long long)extra);
	snprintf(body + n, sizeof body - n, "],\"findings\":\"客户表示服务规范。\"}");
	resp_free(r);
	return body;
}

static int64_t start_of(int64_t inspection)
{
	int64_t t = 0;
	struct stmt *st = store_sql(H.store, "SELECT b.start_at FROM inspections i JOIN bookings b ON b.id = i.booking_id"
					     " WHERE i.id = $1");
	stmt_bind_int(st, 1, inspection);
	assert_int_equal(stmt_one_int(st, &t), 0);
	return t;
}

static int64_t count_where(const char *what, int64_t id)
{
	int64_t n = 0;
	struct stmt *st;
	if (strcmp(what, "conduct") == 0)
		st = store_sql(H.store, "SELECT count(*) FROM conduct_records WHERE kind = 'spot_check_failed'"
					" AND source_kind = 'inspection' AND source_id = $1");
	else
		st = store_sql(H.store, "SELECT count(*) FROM outbox WHERE subject_kind = 'inspection' AND subject_id = $1");
	stmt_bind_int(st, 1, id);
	assert_int_equal(stmt_one_int(st, &n), 0);
	return n;
}

static int64_t outbox_count(int64_t id, const char *topic, int64_t org, int64_t user)
{
	int64_t n = 0;
	struct stmt *st = store_sql(H.store, "SELECT count(*) FROM outbox WHERE subject_kind = 'inspection'"
					     " AND subject_id = $1 AND topic = $2 AND coalesce(org_id, 0) = $3"
					     " AND coalesce(user_id, 0) = $4");
	stmt_bind_int(st, 1, id);
	stmt_bind_text(st, 2, topic);
	stmt_bind_int(st, 3, org);
	stmt_bind_int(st, 4, user);
	assert_int_equal(stmt_one_int(st, &n), 0);
	return n;
}

/* Gives inspection id to inspector, with a reason, unless it is theirs already: 1 when it moved. */
static int assign(int64_t id, int64_t inspector)
{
	int64_t now_with = 0;
	struct stmt *st = store_sql(H.store, "SELECT coalesce(inspector_id, 0) FROM inspections WHERE id = $1");
	stmt_bind_int(st, 1, id);
	assert_int_equal(stmt_one_int(st, &now_with), 0);
	if (now_with == inspector)
		return 0;
	char path[96], body[160];
	snprintf(path, sizeof path, "/api/inspections/%lld/assign", (long long)id);
	snprintf(body, sizeof body, "{\"inspector_id\":%lld,\"reason\":\"工作量调整。\"}", (long long)inspector);
	struct resp *r = ok("POST", path, admin, body, 200);
	assert_int_equal(resp_int(r, "inspector.id"), inspector);
	resp_free(r);
	return 1;
}

/* The inspector opens the household's telephone and address for the return visit: only their own
 * inspection, only before the result, and every opening is on the timeline and in the audit chain. */
static void test_contact(void **state)
{
	(void)state;
	/* one of another company than company1, whose samples the tests after move and score */
	int64_t own = 0;
	struct stmt *q = store_sql(H.store, "SELECT id FROM inspections WHERE plan_id = $1 AND inspector_id = $2"
					    " AND company_id <> $3 ORDER BY id LIMIT 1");
	stmt_bind_int(q, 1, plan_id);
	stmt_bind_int(q, 2, ins1_id);
	stmt_bind_int(q, 3, co1_id);
	assert_int_equal(stmt_one_int(q, &own), 0);
	char path[96];
	snprintf(path, sizeof path, "/api/inspections/%lld/contact", (long long)own);
	refused("POST", path, ins2, NULL, 404, "not_found");
	refused("POST", path, ins4, NULL, 404, "not_found");
	refused("POST", path, admin, NULL, 403, "forbidden");
	refused("POST", path, co1, NULL, 403, "forbidden");
	refused("POST", path, cust, NULL, 403, "forbidden");
	refused("POST", path, NULL, NULL, 401, "unauthenticated");
	refused("POST", "/api/inspections/999999/contact", ins1, NULL, 404, "not_found");

	int64_t audits = 0, after = 0;
#define COUNT_AUDIT "SELECT count(*) FROM audit_log WHERE action = 'inspection.contact_view'"
	assert_int_equal(stmt_one_int(store_sql(H.store, COUNT_AUDIT), &audits), 0);
	struct resp *r = ok("POST", path, ins1, NULL, 200);
	const char *phone = resp_str(r, "contact_phone");
	assert_non_null(phone);
	assert_int_equal(strlen(phone), 11);
	assert_int_equal(strspn(phone, "0123456789"), 11);
	assert_true(strlen(resp_str(r, "address")) >= 5);
	resp_free(r);
	assert_int_equal(stmt_one_int(store_sql(H.store, COUNT_AUDIT), &after), 0);
	assert_int_equal(after, audits + 1);
	/* the opening shows on the timeline; the inspection itself never carries the contact */
	snprintf(path, sizeof path, "/api/inspections/%lld", (long long)own);
	r = ok("GET", path, ins1, NULL, 200);
	json_t *tl = json_object_get(r->json, "timeline");
	assert_string_equal(json_string_value(json_object_get(json_array_get(tl, json_array_size(tl) - 1), "action")),
			    "contact_view");
	assert_null(strstr(r->body, "contact_phone"));
	assert_null(strstr(r->body, "address"));
	resp_free(r);
#undef COUNT_AUDIT
}

static void test_assign(void **state)
{
	(void)state;
	int64_t id = pick(co1_id, 0, 0);
	char path[96], body[160];
	snprintf(path, sizeof path, "/api/inspections/%lld/assign", (long long)id);
	snprintf(body, sizeof body, "{\"inspector_id\":%lld,\"reason\":\"回避。\"}", (long long)user_of(co1));
	refused("POST", path, admin, body, 422, "not_inspector");
	snprintf(body, sizeof body, "{\"inspector_id\":%lld,\"reason\":\"回避。\"}", (long long)ins1_id);
	refused("POST", path, co1, body, 403, "forbidden");
	refused("POST", path, ins1, body, 403, "forbidden");
	refused("POST", "/api/inspections/999999/assign", admin, body, 404, "not_found");
	snprintf(body, sizeof body, "{\"inspector_id\":%lld}", (long long)ins1_id);
	refused("POST", path, admin, body, 400, "missing_field");
	/* the first two of company1's samples go to inspector1, the third to inspector2; each move is a
	 * notice to the inspector, and once moved a sample stays */
	int64_t notices = outbox_count(id, "inspection_assigned", 0, ins1_id);
	int moved = assign(id, ins1_id);
	fail_reassigned = assign(pick(co1_id, 0, 1), ins1_id);
	assign(pick(co1_id, 0, 2), ins2_id);
	assert_int_equal(outbox_count(id, "inspection_assigned", 0, ins1_id), notices + moved);
	snprintf(path, sizeof path, "/api/inspections/%lld", (long long)id);
	struct resp *r = ok("GET", path, ins1, NULL, 200);
	json_t *tl = json_object_get(r->json, "timeline");
	assert_string_equal(json_string_value(json_object_get(json_array_get(tl, json_array_size(tl) - 1), "action")),
			    moved ? "assign" : "drawn");
	resp_free(r);
	if (moved) {
		snprintf(path, sizeof path, "/api/inspections/%lld/assign", (long long)id);
		snprintf(body, sizeof body, "{\"inspector_id\":%lld,\"reason\":\"再次调整。\"}", (long long)ins2_id);
		refused("POST", path, admin, body, 409, "already_reassigned");
	}
}

static void test_result(void **state)
{
	(void)state;
	int64_t pass = pick(co1_id, 0, 0), fail = pick(co1_id, 0, 1), now = clock_now();
	char path[96];
	snprintf(path, sizeof path, "/api/inspections/%lld/result", (long long)pass);
	/* no result for a household nobody called: the contact is opened first */
	int64_t uncalled = 0;
	struct stmt *u = store_sql(H.store, "SELECT i.id FROM inspections i WHERE i.inspector_id = $1 AND i.status = 'assigned'"
					    " AND NOT EXISTS (SELECT 1 FROM inspection_events e WHERE e.inspection_id = i.id"
					    " AND e.action = 'contact_view') ORDER BY i.id LIMIT 1");
	stmt_bind_int(u, 1, ins1_id);
	assert_int_equal(stmt_one_int(u, &uncalled), 0);
	char upath[96];
	snprintf(upath, sizeof upath, "/api/inspections/%lld/result", (long long)uncalled);
	refused("POST", upath, ins1, result_body(uncalled, iso(clock_now()), 90, 90, 0, 0), 422, "contact_not_opened");
	for (int k = 0; k < 2; k++) {
		char cpath[96];
		snprintf(cpath, sizeof cpath, "/api/inspections/%lld/contact", (long long)(k ? fail : pass));
		resp_free(ok("POST", cpath, ins1, NULL, 200));
	}
	/* the calls are made in the two hours after */
	int64_t opened = clock_now();
	at(opened + 7200);
	now = clock_now();
	refused("POST", path, ins1, result_body(pass, iso(opened - 60), 90, 90, 0, 0), 422, "invalid_visit_time");

	/* who, when, what */
	refused("POST", path, ins2, result_body(pass, iso(now - 3600), 90, 90, 0, 0), 404, "not_found");
	refused("POST", path, admin, result_body(pass, iso(now - 3600), 90, 90, 0, 0), 403, "forbidden");
	refused("POST", path, co1, result_body(pass, iso(now - 3600), 90, 90, 0, 0), 403, "forbidden");
	refused("POST", path, ins1, result_body(pass, iso(now + 3600), 90, 90, 0, 0), 422, "invalid_visit_time");
	refused("POST", path, ins1, result_body(pass, iso(start_of(pass) - 60), 90, 90, 0, 0), 422, "invalid_visit_time");
	refused("POST", path, ins1, result_body(pass, iso(now - 3600), 90, 90, 1, 0), 422, "scores_incomplete");
	refused("POST", path, ins1, result_body(pass, iso(now - 3600), 90, 90, 0, 999999), 422, "indicator_unknown");
	/* an indicator twice: not exactly once */
	int64_t dup = 0;
	struct stmt *st = store_sql(H.store, "SELECT ci.id FROM inspections i JOIN bookings b ON b.id = i.booking_id"
					     " JOIN category_indicators ci ON ci.category_id = b.category_id WHERE i.id = $1"
					     " ORDER BY ci.id LIMIT 1");
	stmt_bind_int(st, 1, pass);
	assert_int_equal(stmt_one_int(st, &dup), 0);
	refused("POST", path, ins1, result_body(pass, iso(now - 3600), 90, 90, 0, dup), 422, "scores_incomplete");
	refused("POST", path, ins1, "{\"visit_kind\":\"email\",\"visited_at\":\"2026-01-01T09:00:00+08:00\",\"scores\":[],"
				    "\"findings\":\"\"}", 400, "invalid_value");
	refused("POST", path, ins1, "{\"visit_kind\":\"phone\",\"visited_at\":\"2026-01-01T09:00:00+08:00\",\"scores\":[],"
				    "\"findings\":\"\"}", 400, "too_short");

	/* a pass: the mean of 90 and 81, 85.5, is 85 (rounded down) */
	struct resp *r = ok("POST", path, ins1, result_body(pass, iso(now - 3600), 90, 81, 0, 0), 200);
	assert_string_equal(resp_str(r, "status"), "passed");
	assert_int_equal(resp_int(r, "score"), 85);
	assert_string_equal(resp_str(r, "visit_kind"), "phone");
	char month[8];
	time_format_month(time_month(now), month);
	assert_string_equal(resp_str(r, "month"), month);
	assert_int_equal(json_array_size(json_object_get(r->json, "scores")), 2);
	assert_true(json_is_null(json_object_get(r->json, "rectify_due")));
	resp_free(r);
	assert_int_equal(count_where("conduct", pass), 0);
	refused("POST", path, ins1, result_body(pass, iso(now - 3600), 90, 90, 0, 0), 409, "invalid_transition");
	/* with the result recorded the household's contact is closed to the inspector */
	snprintf(path, sizeof path, "/api/inspections/%lld/contact", (long long)pass);
	refused("POST", path, ins1, NULL, 409, "invalid_transition");

	/* a failure: a rectification order with its deadline, the record, the notice */
	snprintf(path, sizeof path, "/api/inspections/%lld/result", (long long)fail);
	/* just short of the mark is short: 80 and 79 make 79.5, which is 79, below 80 */
	r = ok("POST", path, ins1, result_body(fail, iso(now - 7200), 80, 79, 0, 0), 200);
	assert_string_equal(resp_str(r, "status"), "rectifying");
	assert_int_equal(resp_int(r, "score"), 79);
	int64_t due = 0;
	assert_int_equal(time_parse_iso(resp_str(r, "rectify_due"), &due), 0);
	assert_true(due >= now + 15 * 86400 && due <= clock_now() + 15 * 86400);
	assert_false(json_is_true(json_object_get(r->json, "rectify_breached")));
	int has_worker = !json_is_null(json_object_get(r->json, "worker"));
	resp_free(r);
	assert_int_equal(count_where("conduct", fail), has_worker ? 2 : 1);
	assert_int_equal(outbox_count(fail, "rectification_ordered", co1_id, 0), 1);
}

/* A sample recorded (by test_result) is its company's to see, with its worker named in full. */
static void test_visible_once_recorded(void **state)
{
	(void)state;
	char path[96];
	struct resp *r;
	struct stmt *st;
	/* once its result is recorded, a company sees its own sample, never another's */
	int64_t theirs = pick(co1_id, 0, 0);
	snprintf(path, sizeof path, "/api/inspections/%lld", (long long)theirs);
	/* the company sees its own worker's name in full, as the association does */
	for (int k = 0; k < 2; k++) {
		r = ok("GET", path, k ? admin : co1, NULL, 200);
		json_t *w = json_object_get(r->json, "worker");
		if (json_is_object(w)) {
			char name[64] = "";
			st = store_sql(H.store, "SELECT name FROM workers WHERE id = $1");
			stmt_bind_int(st, 1, json_integer_value(json_object_get(w, "id")));
			assert_int_equal(stmt_step(st), STORE_ROW);
			snprintf(name, sizeof name, "%s", stmt_text(st, 0));
			stmt_done(st);
			assert_string_equal(json_string_value(json_object_get(w, "name")), name);
		}
		resp_free(r);
	}
	resp_free(ok("GET", path, staff1, NULL, 200));
	h_expect(call("GET", path, co2, NULL), 404, "not_found");
}

static void test_rectification(void **state)
{
	(void)state;
	int64_t pass = pick(co1_id, 0, 0), fail = pick(co1_id, 0, 1);
	char path[96], vpath[96];
	snprintf(path, sizeof path, "/api/inspections/%lld/rectification", (long long)fail);
	snprintf(vpath, sizeof vpath, "/api/inspections/%lld/verify", (long long)fail);
	const char *answer = "{\"text\":\"已对服务员进行再培训，并上门回访客户。\"}";
	refused("POST", path, co2, answer, 404, "not_found");
	refused("POST", path, cs, answer, 403, "forbidden");
	refused("POST", path, cust, answer, 403, "forbidden");
	refused("POST", path, ins1, answer, 403, "forbidden");
	refused("POST", path, co1, "{\"text\":\"\"}", 400, "too_short");
	char ppath[96];
	snprintf(ppath, sizeof ppath, "/api/inspections/%lld/rectification", (long long)pass);
	refused("POST", ppath, co1, answer, 409, "invalid_transition");
	refused("POST", vpath, ins1, "{\"accepted\":true}", 409, "invalid_transition");

	struct resp *r = ok("POST", path, staff1, answer, 200);
	assert_string_equal(resp_str(r, "status"), "answered");
	assert_non_null(resp_str(r, "answered_at"));
	resp_free(r);
	assert_int_equal(outbox_count(fail, "rectification_answered", 0, ins1_id), 1);
	refused("POST", path, co1, answer, 409, "invalid_transition");

	/* the inspector's verdict: a rejection needs a note and reopens the order */
	refused("POST", vpath, ins1, "{\"accepted\":false}", 422, "note_required");
	refused("POST", vpath, ins2, "{\"accepted\":true}", 404, "not_found");
	refused("POST", vpath, co1, "{\"accepted\":true}", 403, "forbidden");
	refused("POST", vpath, admin, "{\"accepted\":true}", 403, "forbidden");
	int64_t before = clock_now();
	r = ok("POST", vpath, ins1, "{\"accepted\":false,\"note\":\"客户反映问题仍在。\"}", 200);
	assert_string_equal(resp_str(r, "status"), "rectifying");
	assert_string_equal(resp_str(r, "verify_note"), "客户反映问题仍在。");
	int64_t due = 0;
	assert_int_equal(time_parse_iso(resp_str(r, "rectify_due"), &due), 0);
	assert_true(due >= before + 15 * 86400);
	assert_true(json_is_null(json_object_get(r->json, "verified_at")));
	resp_free(r);
	assert_int_equal(outbox_count(fail, "rectification_rejected", co1_id, 0), 1);

	/* answered again, then verified */
	resp_free(ok("POST", path, co1, "{\"text\":\"更换服务员并再次回访，客户满意。\"}", 200));
	r = ok("POST", vpath, ins1, "{\"accepted\":true,\"note\":\"回访确认已整改。\"}", 200);
	assert_string_equal(resp_str(r, "status"), "verified");
	assert_non_null(resp_str(r, "verified_at"));
	json_t *tl = json_object_get(r->json, "timeline");
	static const char *const actions[] = {"drawn", "assign", "contact_view", "failed", "answered", "rejected",
					      "answered", "verified"};
	/* the association's move is there when the sample was not inspector1's from the draw */
	size_t skip = fail_reassigned ? 0 : 1;
	assert_int_equal(json_array_size(tl), ARRAY_LEN(actions) - skip);
	for (size_t i = 0, j = 0; i < ARRAY_LEN(actions); i++) {
		if (skip && i == 1)
			continue;
		assert_string_equal(json_string_value(json_object_get(json_array_get(tl, j++), "action")), actions[i]);
	}
	/* the timeline names people, not logins */
	assert_string_equal(json_string_value(json_object_get(json_array_get(tl, 3 - skip), "actor")), "孙强");
	resp_free(r);
	refused("POST", vpath, ins1, "{\"accepted\":true}", 409, "invalid_transition");
	refused("POST", path, co1, answer, 409, "invalid_transition");
}

static void test_overdue(void **state)
{
	(void)state;
	int64_t id = pick(co1_id, 0, 2), now = clock_now();
	char path[96];
	snprintf(path, sizeof path, "/api/inspections/%lld/result", (long long)id);
	h_login(&H, "inspector2", ins2, NULL);
	char cpath[96];
	snprintf(cpath, sizeof cpath, "/api/inspections/%lld/contact", (long long)id);
	resp_free(ok("POST", cpath, ins2, NULL, 200));
	at(now + 1200);
	now = clock_now();
	resp_free(ok("POST", path, ins2, result_body(id, iso(now - 600), 40, 50, 0, 0), 200));

	/* before the deadline nothing is due */
	int n = -1;
	int64_t writes = h_writes(&H), rows = spot_rows();
	assert_int_equal(inspections_overdue(H.store, &n), 0);
	assert_int_equal(n, 0);
	assert_int_equal(h_writes(&H), writes);
	assert_int_equal(spot_rows(), rows);

	/* past it: marked once, with notices to the association and the company, audited (the demo's own
	 * open orders may fall due by then too) */
	at(now + 16 * 86400);
	writes = h_writes(&H);
	assert_int_equal(inspections_overdue(H.store, &n), 0);
	assert_true(n >= 1);
	assert_true(h_writes(&H) > writes);
	int64_t assoc = org_of(admin);
	assert_int_equal(outbox_count(id, "rectification_overdue", assoc, 0), 1);
	assert_int_equal(outbox_count(id, "rectification_overdue", co1_id, 0), 1);
	snprintf(path, sizeof path, "/api/inspections/%lld", (long long)id);
	struct resp *r = ok("GET", path, co1, NULL, 200);
	assert_true(json_is_true(json_object_get(r->json, "rectify_breached")));
	json_t *tl = json_object_get(r->json, "timeline");
	json_t *last = json_array_get(tl, json_array_size(tl) - 1);
	assert_string_equal(json_string_value(json_object_get(last, "action")), "overdue");
	assert_string_equal(json_string_value(json_object_get(last, "actor")), "jobs");
	resp_free(r);

	/* a second run changes nothing */
	writes = h_writes(&H);
	rows = spot_rows();
	assert_int_equal(inspections_overdue(H.store, &n), 0);
	assert_int_equal(n, 0);
	assert_int_equal(h_writes(&H), writes);
	assert_int_equal(spot_rows(), rows);

	/* a late answer is still taken; the breach stays on the record until a rejection reopens it */
	snprintf(path, sizeof path, "/api/inspections/%lld/rectification", (long long)id);
	r = ok("POST", path, co1, "{\"text\":\"已整改。\"}", 200);
	assert_string_equal(resp_str(r, "status"), "answered");
	assert_true(json_is_true(json_object_get(r->json, "rectify_breached")));
	resp_free(r);
	snprintf(path, sizeof path, "/api/inspections/%lld/verify", (long long)id);
	r = ok("POST", path, ins2, "{\"accepted\":false,\"note\":\"未见整改记录。\"}", 200);
	assert_false(json_is_true(json_object_get(r->json, "rectify_breached")));
	resp_free(r);

	/* each list puts what needs its reader first, on the first page and across pages */
	const struct {
		const char *token, *order;
	} readers[] = {{admin, "rectifying answered assigned"}, {ins1, "assigned answered rectifying"},
		       {co1, "rectifying answered"}};
	for (size_t k = 0; k < sizeof readers / sizeof readers[0]; k++) {
		int prev = 0;
		for (int page = 1; page <= 3; page++) {
			char q[64];
			snprintf(q, sizeof q, "/api/inspections?per_page=5&page=%d", page);
			r = ok("GET", q, readers[k].token, NULL, 200);
			json_t *items = json_object_get(r->json, "items");
			for (size_t i = 0; i < json_array_size(items); i++) {
				const char *st = json_string_value(json_object_get(json_array_get(items, i), "status"));
				const char *at_ = strstr(readers[k].order, st);
				int rank = at_ ? (int)(at_ - readers[k].order) : 1000;
				assert_true(rank >= prev);
				prev = rank;
			}
			resp_free(r);
		}
	}

	/* the audit chain holds every write, the job's included */
	r = ok("GET", "/api/audit/verify", admin, NULL, 200);
	assert_true(json_is_true(json_object_get(r->json, "ok")));
	resp_free(r);
	at(0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_plan_refusals),
		cmocka_unit_test(test_draw),
		cmocka_unit_test(test_visibility),
		cmocka_unit_test(test_contact),
		cmocka_unit_test(test_assign),
		cmocka_unit_test(test_result),
		cmocka_unit_test(test_visible_once_recorded),
		cmocka_unit_test(test_rectification),
		cmocka_unit_test(test_overdue),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
