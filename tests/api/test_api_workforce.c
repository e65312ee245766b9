/* The workforce through the API: the registry and its one-person rule, checks, training, the
 * "may serve now" gate, certificates and their credentials, the CSV import; and that no resident
 * ID number ever leaves the server in clear. */
#include <time.h>

#include "harness.h"

#include "auth/keys.h"
#include "util/clock.h"
#include "util/idcard.h"
#include "util/timefmt.h"
#include "workforce/certs.h"

static struct harness H;
static char admin[TOKEN_LEN], co1[TOKEN_LEN], co2[TOKEN_LEN], staff[TOKEN_LEN], trainer[TOKEN_LEN],
	cust[TOKEN_LEN], cs[TOKEN_LEN];

static int setup(void **state)
{
	(void)state;
	h_open(&H);
	h_login(&H, "admin", admin, NULL);
	h_login(&H, "company1", co1, NULL);
	h_login(&H, "company2", co2, NULL);
	h_login(&H, "staff1", staff, NULL);
	h_login(&H, "trainer1", trainer, NULL);
	h_login(&H, "customer1", cust, NULL);
	h_login(&H, "cs1", cs, NULL);
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	h_close(&H);
	return 0;
}

/* A valid number: a Hangzhou region, a birth date, sequence seq. */
static const char *idno(int year, int seq)
{
	static char n[8][19];
	static int k;
	char *out = n[k++ % 8], tmp[32];
	snprintf(tmp, sizeof tmp, "330102%04u0615%03u", (unsigned)year % 10000, (unsigned)seq % 1000);
	memcpy(out, tmp, 17);
	out[17] = idcard_check_char(out);
	out[18] = '\0';
	return out;
}

/* Every plain number registered here, to be looked for in every answer. */
static char seen[64][19];
static int n_seen;

static struct resp *call(const char *method, const char *path, const char *token, const char *body)
{
	struct resp *r = h_api(&H, method, path, token, body);
	for (int i = 0; i < n_seen; i++)
		if (strstr(r->body, seen[i]))
			fail_msg("%s %s answered with a plain ID number: %s", method, path, r->body);
	return r;
}

static void refused(const char *method, const char *path, const char *token, const char *body, int status,
		    const char *code, const char *field)
{
	int64_t before = h_writes(&H);
	struct resp *r = call(method, path, token, body);
	if (r->status != status || strcmp(resp_code(r), code) != 0 || (field && strcmp(resp_field(r), field)))
		fail_msg("%s %s %s: expected %d %s %s, got %d %s", method, path, body ? body : "", status, code,
			 field ? field : "", r->status, r->body);
	resp_free(r);
	assert_int_equal(h_writes(&H), before);
}

static int64_t register_worker(const char *token, const char *name, const char *number, const char *trades,
			       int expect_status, int *linked)
{
	char body[512];
	snprintf(body, sizeof body, "{\"name\":\"%s\",\"id_number\":\"%s\",\"phone\":\"13912345678\","
				    "\"trades\":%s,\"level\":\"junior\"}", name, number, trades);
	if (n_seen < 64)
		str_copy(seen[n_seen++], 19, number);
	struct resp *r = call("POST", "/api/workers", token, body);
	if (r->status != expect_status)
		fail_msg("register %s: %d %s", name, r->status, r->body);
	int64_t id = r->status == 201 ? resp_int(r, "id") : 0;
	if (linked)
		*linked = r->status == 201 && json_is_true(json_object_get(r->json, "linked"));
	resp_free(r);
	return id;
}

static int64_t count(const char *sql_literal_guard, struct stmt *st)
{
	(void)sql_literal_guard;
	int64_t n = -1;
	assert_int_equal(stmt_one_int(st, &n), 0);
	return n;
}
#define COUNT(sql) count(sql, store_sql(H.store, sql))

/* Reads back a registration that waits for the worker: 202, the request as the company sees it. */
static int64_t register_elsewhere(const char *token, const char *name, const char *number)
{
	char body[512];
	snprintf(body, sizeof body, "{\"name\":\"%s\",\"id_number\":\"%s\",\"phone\":\"13912345678\","
				    "\"trades\":[\"household\"],\"level\":\"junior\"}", name, number);
	struct resp *r = call("POST", "/api/workers", token, body);
	if (r->status != 202)
		fail_msg("register %s elsewhere: %d %s", name, r->status, r->body);
	assert_string_equal(resp_str(r, "status"), "pending");
	/* where the person works now is theirs to say, not the asking company's to learn */
	assert_null(json_object_get(r->json, "from_company"));
	assert_null(strstr(r->body, "第一家政"));
	int64_t id = resp_int(r, "id");
	resp_free(r);
	return id;
}

static void test_registry(void **state)
{
	(void)state;
	const char *good = idno(1978, 101);
	char body[512];
	/* numbers that are not numbers */
	static const char *const bad[] = {"330102197806151010", "33010219780615101", "33010219780231101X",
					  "990102197806151011", "3301021978061510XX", "33010220991231101X"};
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		snprintf(body, sizeof body, "{\"name\":\"张秀兰\",\"id_number\":\"%s\",\"phone\":\"13912345678\","
					    "\"trades\":[\"household\"],\"level\":\"senior\"}", bad[i]);
		refused("POST", "/api/workers", co1, body, 400, "invalid_id_number", "id_number");
	}
	snprintf(body, sizeof body, "{\"name\":\"张秀兰\",\"id_number\":\"%s\",\"phone\":\"12912345678\","
				    "\"trades\":[\"household\"],\"level\":\"senior\"}", good);
	refused("POST", "/api/workers", co1, body, 400, "invalid_phone", "phone");
	snprintf(body, sizeof body, "{\"name\":\"张秀兰\",\"id_number\":\"%s\",\"phone\":\"13912345678\","
				    "\"trades\":[\"nurse\"],\"level\":\"senior\"}", good);
	refused("POST", "/api/workers", co1, body, 400, "invalid_value", "trades");
	refused("POST", "/api/workers", cust, body, 403, "forbidden", NULL);

	int linked;
	int64_t id = register_worker(co1, "张秀兰", good, "[\"household\",\"cleaning\"]", 201, &linked);
	assert_false(linked);
	char path[96];
	snprintf(path, sizeof path, "/api/workers/%lld", (long long)id);
	struct resp *r = call("GET", path, co1, NULL);
	/* the company: the first three characters and the last, age and sex — never the birth date */
	char mask[19];
	snprintf(mask, sizeof mask, "330**************%c", good[17]);
	assert_string_equal(resp_str(r, "id_number_masked"), mask);
	assert_null(json_object_get(r->json, "birth_date"));
	assert_int_equal(resp_int(r, "age"), idcard_age(&(struct idcard){1978, 6, 15, 1, ""}, time_today()));
	assert_string_equal(resp_str(r, "sex"), "male"); /* sequence 101: odd */
	assert_string_equal(resp_str(r, "phone"), "13912345678");
	assert_string_equal(resp_str(r, "company.name"), "第一家政有限公司");
	assert_string_equal(resp_str(r, "eligibility.status"), "red");
	assert_null(strstr(r->body, "1978"));
	resp_free(r);
	/* the association (and the worker themself) see the birth date */
	r = call("GET", path, admin, NULL);
	assert_string_equal(resp_str(r, "birth_date"), "1978-06-15");
	resp_free(r);
	/* the number is stored sealed and as a keyed hash, never plain; the birth date nowhere in clear,
	 * and the phone sealed too */
	struct stmt *st = store_sql(H.store, "SELECT count(*) FROM workers WHERE id_sealed LIKE $1 OR id_hash = $2"
					     " OR id_masked = $2 OR id_masked LIKE '%1978%' OR phone_sealed = '13912345678'");
	char like[32];
	snprintf(like, sizeof like, "%%%s%%", good);
	stmt_bind_text(st, 1, like);
	stmt_bind_text(st, 2, good);
	int64_t n = -1;
	assert_int_equal(stmt_one_int(st, &n), 0);
	assert_int_equal(n, 0);
	/* the column is gone: a statement naming it cannot be run on either engine */
	assert_true(stmt_exec(store_sql(H.store, "SELECT birth_date FROM workers")) < 0);

	/* one person, one record — and a registration by another company moves nothing */
	refused("POST", "/api/workers", co1,
		"{\"name\":\"张秀兰\",\"id_number\":\"x\",\"phone\":\"13912345678\",\"trades\":[\"household\"],\"level\":\"senior\"}",
		400, "invalid_id_number", "id_number");
	int64_t looked = COUNT("SELECT count(*) FROM access_log WHERE what = 'id_lookup'");
	register_worker(co1, "张秀兰", good, "[\"household\"]", 409, NULL);
	register_worker(co1, "张秀芬", good, "[\"household\"]", 422, NULL);
	/* each look-up leaves its trace, refused or not, with the company that made it */
	assert_int_equal(COUNT("SELECT count(*) FROM access_log WHERE what = 'id_lookup'"), looked + 2);
	assert_int_equal(COUNT("SELECT count(*) FROM audit_log WHERE action = 'registry.lookup'"), looked + 2);
	int64_t transfer = register_elsewhere(co2, "张秀兰", good);
	h_expect(call("GET", path, co1, NULL), 200, NULL);
	h_expect(call("GET", path, co2, NULL), 404, "not_found");
	register_worker(co2, "张秀兰", good, "[\"household\"]", 409, NULL); /* asked already */
	/* the company that asked cannot decide for the worker; the association does, for someone who
	 * came to its counter, and says how they confirmed */
	char tpath[96];
	snprintf(tpath, sizeof tpath, "/api/transfers/%lld/accept", (long long)transfer);
	refused("POST", tpath, co2, "{}", 403, "forbidden", NULL);
	refused("POST", tpath, admin, "{}", 400, "missing_field", "note");
	r = call("POST", tpath, admin, "{\"note\":\"本人持身份证到协会窗口确认\"}");
	assert_int_equal(r->status, 200);
	assert_string_equal(resp_str(r, "status"), "accepted");
	assert_string_equal(resp_str(r, "decided_how"), "association");
	resp_free(r);
	h_expect(call("GET", path, co1, NULL), 404, "not_found");
	refused("PATCH", path, co1, "{\"phone\":\"13900000000\"}", 404, "not_found", NULL);
	refused("POST", tpath, admin, "{\"note\":\"again\"}", 409, "invalid_transition", "status");
	/* the company left is told */
	r = call("GET", "/api/notifications", co1, NULL);
	assert_non_null(strstr(r->body, "worker_moved"));
	resp_free(r);
	snprintf(path, sizeof path, "/api/workers/%lld/employments", (long long)id);
	r = call("GET", path, co2, NULL);
	assert_int_equal(resp_int(r, "total"), 2);
	assert_string_equal(resp_str(r, "items.0.company.name"), "第二家政有限公司");
	assert_non_null(resp_str(r, "items.1.ended_on"));
	assert_string_equal(resp_str(r, "items.1.end_reason"), "moved");
	resp_free(r);

	/* revoked industry-wide: nobody registers them again; that they are revoked is enough for a
	 * company, the reason is the association's */
	snprintf(path, sizeof path, "/api/workers/%lld/revoke", (long long)id);
	refused("POST", path, co2, "{\"reason\":\"严重违规\"}", 403, "forbidden", NULL);
	h_expect(call("POST", path, admin, "{\"reason\":\"严重违反服务规范\"}"), 200, NULL);
	snprintf(body, sizeof body, "{\"name\":\"张秀兰\",\"id_number\":\"%s\",\"phone\":\"13912345678\","
				    "\"trades\":[\"household\"],\"level\":\"senior\"}", good);
	r = call("POST", "/api/workers", co1, body);
	assert_int_equal(r->status, 409);
	assert_string_equal(resp_code(r), "person_revoked");
	assert_null(resp_str(r, "error.detail"));
	assert_null(strstr(r->body, "严重违反服务规范"));
	resp_free(r);
	snprintf(body, sizeof body, "{\"name\":\"张秀兰\",\"id_number\":\"%s\",\"phone\":\"13912345678\","
				    "\"trades\":[\"household\"],\"level\":\"senior\",\"company_id\":%lld}", good,
		 (long long)H.co1_id);
	r = call("POST", "/api/workers", admin, body);
	assert_int_equal(r->status, 409);
	assert_string_equal(resp_str(r, "error.detail"), "严重违反服务规范");
	resp_free(r);

	/* the public view: masked, banded, nothing personal */
	snprintf(path, sizeof path, "/api/public/workers/%lld", (long long)id);
	r = call("GET", path, NULL, NULL);
	assert_int_equal(r->status, 200);
	assert_string_equal(resp_str(r, "masked_name"), "张*兰");
	assert_string_equal(resp_str(r, "status"), "revoked");
	assert_non_null(resp_str(r, "age_band"));
	assert_null(strstr(r->body, "13912345678"));
	assert_null(strstr(r->body, "张秀兰"));
	assert_null(strstr(r->body, "1978-06-15"));
	assert_null(strstr(r->body, "330"));
	resp_free(r);
}

/* A company looks people up by ID number only so often: the association's standard per hour. */
static void test_lookup_limit(void **state)
{
	(void)state;
	h_expect(call("PATCH", "/api/standards", admin, "{\"registry_lookups_per_hour\":10}"), 200, NULL);
	struct stmt *lookups = store_sql(H.store, "SELECT count(*) FROM access_log WHERE what = 'id_lookup'"
						 " AND actor_org_id = 3 AND at > $1 - 3600");
	stmt_bind_int(lookups, 1, (int64_t)time(NULL));
	int64_t used = -1;
	assert_int_equal(stmt_one_int(lookups, &used), 0);
	char body[512];
	struct resp *r = NULL;
	for (int i = 0; i < 12; i++) {
		snprintf(body, sizeof body, "{\"name\":\"周晓燕\",\"id_number\":\"%s\",\"phone\":\"13912345678\","
					    "\"trades\":[\"household\"],\"level\":\"senior\"}", idno(1990, 700 + i));
		resp_free(r);
		r = call("POST", "/api/workers", co2, body);
		if (i + used < 10)
			assert_int_equal(r->status, 201);
	}
	assert_int_equal(r->status, 429);
	assert_string_equal(resp_code(r), "too_many_lookups");
	assert_non_null(resp_header(r, "Retry-After"));
	resp_free(r);
	/* an import past the allowance is refused whole, before any row is looked up */
	char csv[512], esc_body[1024];
	snprintf(csv, sizeof csv, "name,id_number,phone,trades,level\\n周小梅,%s,13800000009,household,senior\\n",
		 idno(1991, 801));
	snprintf(esc_body, sizeof esc_body, "{\"csv\":\"%s\"}", csv);
	refused("POST", "/api/workers/import", co2, esc_body, 429, "too_many_lookups", NULL);
	/* other companies keep their own allowance */
	h_expect(call("POST", "/api/workers/import", co1, esc_body), 200, NULL);
	h_expect(call("PATCH", "/api/standards", admin, "{\"registry_lookups_per_hour\":1000}"), 200, NULL);
}

static void test_scoping(void **state)
{
	(void)state;
	int64_t id = register_worker(co2, "李桂兰", idno(1985, 202), "[\"elderly_care\"]", 201, NULL);
	char path[96];
	snprintf(path, sizeof path, "/api/workers/%lld", (long long)id);
	h_expect(call("GET", path, co1, NULL), 404, "not_found");
	h_expect(call("GET", path, cs, NULL), 200, NULL);
	h_expect(call("GET", "/api/workers", cust, NULL), 403, "forbidden");
	snprintf(path, sizeof path, "/api/workers/%lld/checks", (long long)id);
	refused("POST", path, co1, "{\"kind\":\"health\",\"result\":\"pass\",\"checked_on\":\"2026-01-05\"}", 404,
		"not_found", NULL);
	snprintf(path, sizeof path, "/api/workers/%lld/eligibility?trade=elderly_care", (long long)id);
	h_expect(call("GET", path, co1, NULL), 404, "not_found");
	struct resp *r = call("GET", "/api/workers?per_page=100", co1, NULL);
	json_t *items = json_object_get(r->json, "items");
	for (size_t i = 0; i < json_array_size(items); i++)
		assert_string_equal(json_string_value(json_object_get(json_object_get(json_array_get(items, i), "company"), "name")),
				    "第一家政有限公司");
	resp_free(r);
}

/* Creates a course as the admin; returns its id. */
static int64_t course(const char *code, const char *kind, const char *trade, int credits, int pass, int refresher)
{
	char body[256];
	if (trade)
		snprintf(body, sizeof body, "{\"code\":\"%s\",\"title\":\"%s 课程\",\"kind\":\"%s\",\"trade\":\"%s\","
					    "\"credits\":%d,\"pass_mark\":%d,\"refresher\":%s}", code, code, kind, trade,
			 credits, pass, refresher ? "true" : "false");
	else
		snprintf(body, sizeof body, "{\"code\":\"%s\",\"title\":\"%s 课程\",\"kind\":\"%s\",\"credits\":%d,"
					    "\"pass_mark\":%d,\"refresher\":%s}", code, code, kind, credits, pass,
			 refresher ? "true" : "false");
	struct resp *r = call("POST", "/api/courses", admin, body);
	if (r->status != 201)
		fail_msg("course %s: %d %s", code, r->status, r->body);
	int64_t id = resp_int(r, "id");
	resp_free(r);
	return id;
}

/* A session of course that began an hour ago, run by the fixture's training institution. */
static int64_t session(int64_t course_id, int capacity)
{
	char body[256], a[TIME_ISO_LEN], b[TIME_ISO_LEN];
	time_format_iso(clock_now() - 3600, a);
	time_format_iso(clock_now() + 3600, b);
	snprintf(body, sizeof body, "{\"course_id\":%lld,\"starts_at\":\"%s\",\"ends_at\":\"%s\","
				    "\"location\":\"培训中心\",\"capacity\":%d}", (long long)course_id, a, b, capacity);
	struct resp *r = call("POST", "/api/training-sessions", trainer, body);
	if (r->status != 201)
		fail_msg("session: %d %s", r->status, r->body);
	int64_t id = resp_int(r, "id");
	resp_free(r);
	return id;
}

/* Enrols worker in a new session of course_id (as their company) and records score. */
static void take(int64_t course_id, const char *company_token, int64_t worker, int score)
{
	char path[128], body[96];
	int64_t sid = session(course_id, 50);
	snprintf(path, sizeof path, "/api/training-sessions/%lld/enrolments", (long long)sid);
	snprintf(body, sizeof body, "{\"worker_id\":%lld}", (long long)worker);
	h_expect(call("POST", path, company_token, body), 201, NULL);
	snprintf(path, sizeof path, "/api/training-sessions/%lld/enrolments/%lld", (long long)sid, (long long)worker);
	snprintf(body, sizeof body, "{\"attended\":true,\"score\":%d}", score);
	h_expect(call("PATCH", path, trainer, body), 200, NULL);
}

/* The codes of an eligibility answer, comma-joined. */
static const char *reasons(int64_t worker, const char *trade, const char *at, const char *token, char *status)
{
	static char codes[512];
	char path[160];
	if (at)
		snprintf(path, sizeof path, "/api/workers/%lld/eligibility?trade=%s&at=%s", (long long)worker, trade, at);
	else
		snprintf(path, sizeof path, "/api/workers/%lld/eligibility?trade=%s", (long long)worker, trade);
	struct resp *r = call("GET", path, token, NULL);
	if (r->status != 200)
		fail_msg("eligibility: %d %s", r->status, r->body);
	codes[0] = '\0';
	json_t *a = json_object_get(r->json, "reasons");
	for (size_t i = 0; i < json_array_size(a); i++) {
		strncat(codes, json_string_value(json_object_get(json_array_get(a, i), "code")), sizeof codes - strlen(codes) - 2);
		strncat(codes, ",", sizeof codes - strlen(codes) - 1);
	}
	if (status)
		snprintf(status, 8, "%s", resp_str(r, "status"));
	assert_int_equal(json_is_true(json_object_get(r->json, "may_serve")), strcmp(resp_str(r, "status"), "red") != 0);
	resp_free(r);
	return codes;
}

static void test_the_gate(void **state)
{
	(void)state;
	/* the clock moves on between the steps, as it would between training and certification */
	int64_t t0 = clock_now();
	clock_set(t0);
	int64_t w = register_worker(co1, "王桂芳", idno(1980, 304), "[\"household\"]", 201, NULL);
	char status[8], path[96];
	const char *codes = reasons(w, "household", NULL, co1, status);
	assert_string_equal(status, "red");
	/* registered today and never certified: no refresher is owed yet */
	assert_string_equal(codes, "identity_unverified,background_missing,health_missing,insurance_missing,"
				   "certificate_missing,safety_training_missing,");
	h_expect(call("GET", "/api/workers/1/eligibility?trade=nurse", admin, NULL), 400, "invalid_parameter");
	h_expect(call("GET", "/api/workers/1/eligibility", admin, NULL), 400, "invalid_parameter");

	/* the checks: who may record which */
	snprintf(path, sizeof path, "/api/workers/%lld/checks", (long long)w);
	char today[11], body[256];
	time_format_date(time_today(), today);
	snprintf(body, sizeof body, "{\"kind\":\"background\",\"result\":\"pass\",\"checked_on\":\"%s\"}", today);
	refused("POST", path, staff, body, 403, "forbidden", "kind");
	refused("POST", path, co1, "{\"kind\":\"insurance\",\"result\":\"pass\",\"checked_on\":\"2026-01-01\"}", 400,
		"missing_field", "valid_until");
	refused("POST", path, co1, "{\"kind\":\"health\",\"result\":\"pass\",\"checked_on\":\"2099-01-01\"}", 422,
		"date_in_future", "checked_on");
	refused("POST", path, co1, "{\"kind\":\"health\",\"result\":\"pass\",\"checked_on\":\"2026-01-31\",\"valid_until\":\"2026-01-30\"}",
		422, "invalid_validity", "valid_until");
	h_expect(call("POST", path, co1, "{\"kind\":\"background\",\"result\":\"fail\",\"checked_on\":\"2026-01-02\"}"), 201, NULL);
	refused("POST", path, co1, body, 422, "background_fail_standing", "result");
	h_expect(call("POST", path, admin, body), 201, NULL); /* the association clears it */
	snprintf(body, sizeof body, "{\"kind\":\"identity\",\"result\":\"pass\",\"checked_on\":\"%s\",\"reference\":\"公安核验\"}", today);
	h_expect(call("POST", path, staff, body), 201, NULL);
	snprintf(body, sizeof body, "{\"kind\":\"health\",\"result\":\"pass\",\"checked_on\":\"%s\"}", today);
	struct resp *r = call("POST", path, staff, body);
	assert_int_equal(r->status, 201);
	char expect[11];
	time_format_date(time_add_months(time_today(), 12) - 1, expect);
	assert_string_equal(resp_str(r, "valid_until"), expect); /* twelve months by default */
	assert_string_equal(resp_str(r, "recorded_by.name"), "staff1");
	resp_free(r);
	char until[11];
	time_format_date(time_today() + 200, until);
	snprintf(body, sizeof body, "{\"kind\":\"insurance\",\"result\":\"pass\",\"checked_on\":\"%s\",\"valid_until\":\"%s\"}",
		 today, until);
	h_expect(call("POST", path, co1, body), 201, NULL);
	codes = reasons(w, "household", NULL, co1, status);
	assert_string_equal(codes, "certificate_missing,safety_training_missing,");

	/* training: safety, the trade's skill course (the quarter's refresher), privacy, ethics */
	int64_t aid = course("S-AID", "safety_first_aid", NULL, 2, 70, 0);
	int64_t fire = course("S-FIRE", "safety_fire", NULL, 1, 70, 0);
	int64_t prot = course("S-PROT", "safety_protection", NULL, 1, 70, 0);
	int64_t skill = course("SK-HH", "skill", "household", 2, 60, 1);
	int64_t priv = course("PRIV", "privacy", NULL, 1, 70, 0);
	take(aid, co1, w, 90);
	take(fire, co1, w, 85);
	codes = reasons(w, "household", NULL, co1, status);
	assert_non_null(strstr(codes, "safety_training_missing"));
	take(prot, co1, w, 88);
	take(skill, co1, w, 75);
	codes = reasons(w, "household", NULL, co1, status);
	assert_string_equal(codes, "certificate_missing,");

	/* the certificate: required courses first */
	char pbody[128];
	snprintf(pbody, sizeof pbody, "{\"required_course_ids\":[%lld,%lld],\"renewal_credits\":6}", (long long)skill,
		 (long long)priv);
	h_expect(call("PATCH", "/api/cert-policies/household", admin, pbody), 200, NULL);
	snprintf(body, sizeof body, "{\"worker_id\":%lld,\"trade\":\"household\",\"level\":\"senior\"}", (long long)w);
	refused("POST", "/api/certificates", co1, body, 403, "forbidden", NULL);
	r = call("POST", "/api/certificates", admin, body);
	assert_int_equal(r->status, 422);
	assert_string_equal(resp_code(r), "requirements_unmet");
	assert_string_equal(resp_str(r, "reasons.0.code"), "course_missing");
	assert_string_equal(resp_str(r, "reasons.0.detail"), "PRIV");
	resp_free(r);
	take(priv, co1, w, 95);
	clock_set(t0 + 600);
	r = call("POST", "/api/certificates", admin, body);
	assert_int_equal(r->status, 201);
	int64_t cert = resp_int(r, "id");
	char serial[32], token[1024];
	str_copy(serial, sizeof serial, resp_str(r, "serial"));
	str_copy(token, sizeof token, resp_str(r, "token"));
	assert_int_equal(strncmp(serial, "AJ-", 3), 0);
	assert_int_equal(strncmp(token, "AJ1.", 4), 0);
	resp_free(r);
	refused("POST", "/api/certificates", admin, body, 409, "certificate_exists", "trade");

	/* green now; a year on the certificate and the checks have lapsed */
	codes = reasons(w, "household", NULL, co1, status);
	assert_string_equal(status, "green");
	assert_string_equal(codes, "");
	codes = reasons(w, "cleaning", NULL, co1, status);
	assert_string_equal(codes, "trade_not_registered,certificate_missing,");
	char later[TIME_ISO_LEN];
	time_format_iso(clock_now() + 400 * 86400, later);
	later[19] = '\0'; /* drop the offset's sign for the URL: use Z */
	strcat(later, "Z");
	codes = reasons(w, "household", later, co1, status);
	assert_string_equal(status, "red");
	assert_non_null(strstr(codes, "health_expired"));
	assert_non_null(strstr(codes, "certificate_expired"));
	assert_non_null(strstr(codes, "refresher_missing"));
	/* within the warning window, yellow */
	char soon[TIME_ISO_LEN];
	time_format_iso(time_day_start(time_today() + 190), soon);
	soon[19] = '\0';
	strcat(soon, "Z");
	codes = reasons(w, "household", soon, co1, status);
	assert_non_null(strstr(codes, "insurance_expiring"));

	/* a failed latest attempt blocks the trade until passed again */
	clock_set(t0 + 1200);
	take(skill, co1, w, 30);
	codes = reasons(w, "household", NULL, co1, status);
	assert_string_equal(codes, "training_failed,");
	r = call("GET", "/api/workers/0/eligibility?trade=household", co1, NULL);
	resp_free(r);
	take(skill, co1, w, 80);
	codes = reasons(w, "household", NULL, co1, status);
	assert_string_equal(codes, "");

	/* suspension, and lifting it */
	snprintf(path, sizeof path, "/api/workers/%lld/suspension", (long long)w);
	refused("POST", path, admin, "{\"until\":\"2001-01-01\",\"reason\":\"调查中\"}", 422, "date_in_past", "until");
	time_format_date(time_today() + 10, until);
	snprintf(body, sizeof body, "{\"until\":\"%s\",\"reason\":\"投诉调查期间\"}", until);
	h_expect(call("POST", path, admin, body), 200, NULL);
	codes = reasons(w, "household", NULL, co1, status);
	assert_string_equal(codes, "worker_suspended,");
	h_expect(call("DELETE", path, admin, NULL), 200, NULL);
	assert_string_equal(reasons(w, "household", NULL, co1, status), "");

	/* the credential: genuine, and anything altered is not */
	unsigned char pk[32];
	char kid[KEYS_KID_LEN], keyfile[200];
	snprintf(keyfile, sizeof keyfile, "%s/anjia.keys", H.dir);
	assert_int_equal(keys_read_public(keyfile, pk, kid), 0);
	struct credential c;
	assert_true(credential_verify(token, pk, &c));
	assert_string_equal(c.serial, serial);
	assert_string_equal(c.masked, "王*芳");
	assert_string_equal(c.trades[0], "household");
	assert_string_equal(c.kid, kid);
	for (size_t i = 4; i < strlen(token); i += 7) {
		char forged[1024];
		str_copy(forged, sizeof forged, token);
		forged[i] = forged[i] == 'A' ? 'B' : 'A';
		if (strcmp(forged, token) != 0 && credential_verify(forged, pk, &c))
			fail_msg("a token altered at %zu still verifies", i);
	}
	assert_false(credential_verify("AJ1.e30.AAAA", pk, &c));
	assert_false(credential_verify("", pk, &c));

	/* checked by anyone by its serial, and revoked for everyone */
	snprintf(path, sizeof path, "/api/public/verify/%s", serial);
	r = call("GET", path, NULL, NULL);
	assert_string_equal(resp_str(r, "status"), "valid");
	assert_string_equal(resp_str(r, "masked_name"), "王*芳");
	resp_free(r);
	h_expect(call("GET", "/api/public/verify/AJ-1999-000000", NULL, NULL), 404, "not_found");
	snprintf(path, sizeof path, "/api/certificates/%lld/qr.svg", (long long)cert);
	r = call("GET", path, co1, NULL);
	assert_int_equal(r->status, 200);
	assert_string_equal(r->content_type, "image/svg+xml");
	assert_int_equal(strncmp(r->body, "<svg", 4), 0);
	resp_free(r);
	h_expect(call("GET", path, co2, NULL), 404, "not_found");
	/* renewal needs the credits earned since issue: the failed attempt none, the pass after it 2 */
	snprintf(path, sizeof path, "/api/certificates/%lld/renew", (long long)cert);
	r = call("POST", path, admin, NULL);
	assert_int_equal(r->status, 422);
	assert_string_equal(resp_code(r), "credits_insufficient");
	assert_string_equal(resp_str(r, "error.detail"), "2/6");
	resp_free(r);
	snprintf(path, sizeof path, "/api/certificates/%lld/revoke", (long long)cert);
	h_expect(call("POST", path, admin, "{\"reason\":\"证书信息有误\"}"), 200, NULL);
	refused("POST", path, admin, "{\"reason\":\"再次\"}", 409, "not_revocable", "status");
	snprintf(path, sizeof path, "/api/public/verify/%s", serial);
	r = call("GET", path, NULL, NULL);
	assert_string_equal(resp_str(r, "status"), "revoked");
	resp_free(r);
	assert_string_equal(reasons(w, "household", NULL, co1, status), "certificate_revoked,");
	clock_set(0);
}

static void test_training_rules(void **state)
{
	(void)state;
	refused("POST", "/api/courses", admin, "{\"code\":\"SK-X\",\"title\":\"技能\",\"kind\":\"skill\",\"credits\":1,\"pass_mark\":60}",
		422, "trade_required", "trade");
	refused("POST", "/api/courses", admin,
		"{\"code\":\"ETH-X\",\"title\":\"道德\",\"kind\":\"ethics\",\"trade\":\"household\",\"credits\":1,\"pass_mark\":60}",
		422, "trade_not_allowed", "trade");
	refused("POST", "/api/courses", admin, "{\"code\":\"bad code\",\"title\":\"道德\",\"kind\":\"ethics\",\"credits\":1,\"pass_mark\":60}",
		400, "invalid_characters", "code");
	refused("POST", "/api/courses", trainer, "{\"code\":\"ETH-Y\",\"title\":\"道德\",\"kind\":\"ethics\",\"credits\":1,\"pass_mark\":60}",
		403, "forbidden", NULL);
	int64_t eth = course("ETH-T", "ethics", NULL, 1, 60, 0);
	refused("POST", "/api/courses", admin, "{\"code\":\"ETH-T\",\"title\":\"道德\",\"kind\":\"ethics\",\"credits\":1,\"pass_mark\":60}",
		409, "code_taken", "code");

	char body[256], a[TIME_ISO_LEN], b[TIME_ISO_LEN], path[128];
	time_format_iso(clock_now() + 7200, a);
	time_format_iso(clock_now() + 3600, b);
	snprintf(body, sizeof body, "{\"course_id\":%lld,\"starts_at\":\"%s\",\"ends_at\":\"%s\",\"location\":\"培训中心\",\"capacity\":1}",
		 (long long)eth, a, b);
	refused("POST", "/api/training-sessions", trainer, body, 422, "invalid_period", "ends_at");
	time_format_iso(clock_now() + 86400, b);
	snprintf(body, sizeof body, "{\"course_id\":%lld,\"starts_at\":\"%s\",\"ends_at\":\"%s\",\"location\":\"培训中心\",\"capacity\":1}",
		 (long long)eth, a, b);
	struct resp *r = call("POST", "/api/training-sessions", trainer, body);
	assert_int_equal(r->status, 201);
	int64_t future = resp_int(r, "id");
	resp_free(r);
	int64_t w1 = register_worker(co1, "赵春梅", idno(1990, 402), "[\"household\"]", 201, NULL);
	int64_t w2 = register_worker(co1, "钱春燕", idno(1991, 404), "[\"household\"]", 201, NULL);
	snprintf(path, sizeof path, "/api/training-sessions/%lld/enrolments", (long long)future);
	snprintf(body, sizeof body, "{\"worker_id\":%lld}", (long long)w1);
	h_expect(call("POST", path, co1, body), 201, NULL);
	refused("POST", path, co1, body, 409, "already_enrolled", "worker_id");
	snprintf(body, sizeof body, "{\"worker_id\":%lld}", (long long)w2);
	refused("POST", path, co1, body, 422, "session_full", "session");
	/* a company enrols only its own */
	snprintf(body, sizeof body, "{\"worker_id\":%lld}", (long long)w2);
	refused("POST", path, co2, body, 404, "not_found", "worker_id");
	snprintf(path, sizeof path, "/api/training-sessions/%lld/enrolments/%lld", (long long)future, (long long)w1);
	refused("PATCH", path, trainer, "{\"attended\":true,\"score\":80}", 422, "session_not_started", "session");
	refused("PATCH", path, trainer, "{\"attended\":true}", 400, "missing_field", "score");
	refused("PATCH", path, co1, "{\"attended\":true,\"score\":80}", 403, "forbidden", NULL);

	/* pass rates: two attempts of a fresh course, one failed */
	int64_t com = course("COM-T", "communication", NULL, 1, 60, 0);
	take(com, co1, w1, 88);
	take(com, co1, w2, 40);
	char q[8];
	time_format_quarter(time_quarter(clock_now()), q);
	snprintf(path, sizeof path, "/api/training/pass-rates?quarter=%s", q);
	r = call("GET", path, co1, NULL);
	assert_int_equal(r->status, 200);
	json_t *courses = json_object_get(r->json, "courses");
	int found = 0;
	for (size_t i = 0; i < json_array_size(courses); i++) {
		json_t *c = json_array_get(courses, i);
		if (strcmp(json_string_value(json_object_get(json_object_get(c, "course"), "code")), "COM-T") == 0) {
			found = 1;
			assert_int_equal(json_integer_value(json_object_get(c, "examined")), 2);
			assert_int_equal(json_integer_value(json_object_get(c, "passed")), 1);
			assert_false(json_is_true(json_object_get(c, "meets_target")));
		}
	}
	assert_true(found);
	assert_int_equal(resp_int(r, "target.num"), 98);
	resp_free(r);
	/* another company sees none of company 1's attempts */
	r = call("GET", path, co2, NULL);
	assert_int_equal(json_array_size(json_object_get(r->json, "courses")), 0);
	resp_free(r);
	h_expect(call("GET", "/api/training/pass-rates?quarter=2026-Q9", admin, NULL), 400, "invalid_parameter");
	h_expect(call("GET", "/api/public/training/pass-rates", NULL, NULL), 200, NULL);
}

static void test_import(void **state)
{
	(void)state;
	char csv[4096], body[8192];
	struct strbuf esc;
	const char *a = idno(1970, 501), *b = idno(1971, 502), *c = idno(1972, 503);
	str_copy(seen[n_seen++], 19, a);
	str_copy(seen[n_seen++], 19, b);
	str_copy(seen[n_seen++], 19, c);
	/* a BOM, Chinese headers, Chinese trade and level names, a quoted field with a comma */
	snprintf(csv, sizeof csv,
		 "\xef\xbb\xbf姓名,身份证号,手机,工种,等级\r\n"
		 "孙美玲,%s,13800000001,家政服务员、保洁员,三级\r\n"
		 "周淑珍,%s,13800000002,household;cooking,senior\r\n"
		 "\"吴,丽娟\",%s,13800000003,elderly_care,四级\r\n"
		 "郑红霞,330102197006150000,13800000004,household,senior\r\n"
		 "冯雪梅,%s,1380000000,household,senior\r\n"
		 "陈小芳,%s,13800000006,nurse,senior\r\n"
		 "\n"
		 "蒋慧敏,%s,13800000007,household,大师\r\n"
		 "韩秀英,%s,13800000008,household,senior\r\n",
		 a, b, c, c, a, b, a);
	strbuf_init(&esc, 1 << 16);
	json_escape(&esc, csv, strlen(csv));
	snprintf(body, sizeof body, "{\"csv\":%s}", esc.buf);
	int64_t workers = COUNT("SELECT count(*) FROM workers"), looked = COUNT("SELECT count(*) FROM access_log");
	struct resp *r = call("POST", "/api/workers/import", co1, body);
	assert_int_equal(r->status, 422);
	assert_string_equal(resp_code(r), "import_rejected");
	json_t *errors = json_object_get(r->json, "errors");
	static const struct {
		int line;
		const char *field, *code;
	} expect[] = {{5, "id_number", "invalid_id_number"}, {6, "phone", "invalid_phone"},
		      {7, "trades", "invalid_value"}, {9, "level", "invalid_value"},
		      {10, "id_number", "duplicate_in_file"}};
	assert_int_equal(json_array_size(errors), sizeof expect / sizeof expect[0]);
	for (size_t i = 0; i < sizeof expect / sizeof expect[0]; i++) {
		json_t *e = json_array_get(errors, i);
		assert_int_equal(json_integer_value(json_object_get(e, "line")), expect[i].line);
		assert_string_equal(json_string_value(json_object_get(e, "field")), expect[i].field);
		assert_string_equal(json_string_value(json_object_get(e, "code")), expect[i].code);
	}
	resp_free(r);
	/* nothing registered; the three good rows' look-ups are on record all the same */
	assert_int_equal(COUNT("SELECT count(*) FROM workers"), workers);
	assert_int_equal(COUNT("SELECT count(*) FROM access_log"), looked + 3);

	/* only the good rows, when asked */
	strbuf_reset(&esc);
	json_escape(&esc, csv, strlen(csv));
	snprintf(body, sizeof body, "{\"csv\":%s,\"dry_run\":true,\"good_only\":true}", esc.buf);
	r = call("POST", "/api/workers/import", co1, body);
	assert_int_equal(r->status, 200);
	assert_int_equal(resp_int(r, "imported"), 3);
	resp_free(r);
	/* a dry run registers nothing, and its look-ups are on record as a dry run's */
	assert_int_equal(COUNT("SELECT count(*) FROM workers"), workers);
	assert_int_equal(COUNT("SELECT count(*) FROM access_log WHERE via = 'dry_run'"), 3);
	snprintf(body, sizeof body, "{\"csv\":%s,\"good_only\":true}", esc.buf);
	r = call("POST", "/api/workers/import", co1, body);
	assert_int_equal(r->status, 200);
	assert_int_equal(resp_int(r, "rows"), 8);
	assert_int_equal(resp_int(r, "imported"), 3);
	assert_int_equal(resp_int(r, "skipped"), 5);
	resp_free(r);
	r = call("GET", "/api/workers?q=%E5%AD%99", co1, NULL); /* 孙 */
	assert_int_equal(resp_int(r, "total"), 1);
	assert_string_equal(resp_str(r, "items.0.trades.0"), "cleaning");
	assert_string_equal(resp_str(r, "items.0.level"), "senior");
	resp_free(r);
	/* a file without the ID column */
	refused("POST", "/api/workers/import", co1, "{\"csv\":\"姓名,手机,工种,等级\\n张三,13800000000,household,senior\\n\"}",
		422, "import_rejected", NULL);
	refused("POST", "/api/workers/import", co1, "{\"csv\":\"name,id_number\\n\\\"open quote\"}", 422,
		"import_rejected", NULL);
	strbuf_free(&esc);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_registry), cmocka_unit_test(test_lookup_limit), cmocka_unit_test(test_scoping),
		cmocka_unit_test(test_the_gate),
		cmocka_unit_test(test_training_rules), cmocka_unit_test(test_import),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
