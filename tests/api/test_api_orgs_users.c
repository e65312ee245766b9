/* Organisations and users through the API: validation, uniqueness, company scoping, and the
 * audit record each write leaves. */
#include "harness.h"

#include "util/clock.h"
#include "util/digest.h"

static struct harness H;
static char admin[TOKEN_LEN], co1[TOKEN_LEN], co2[TOKEN_LEN], staff[TOKEN_LEN];

static int setup(void **state)
{
	(void)state;
	h_open(&H);
	h_login(&H, "admin", admin, NULL);
	h_login(&H, "company1", co1, NULL);
	h_login(&H, "company2", co2, NULL);
	h_login(&H, "staff1", staff, NULL);
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	h_close(&H);
	return 0;
}

/* Sends a write that must be refused, and checks nothing was written. */
static void refused(const char *method, const char *path, const char *token, const char *body, int status,
		    const char *code, const char *field)
{
	int64_t before = h_writes(&H);
	struct resp *r = h_api(&H, method, path, token, body);
	if (r->status != status || strcmp(resp_code(r), code) != 0 || (field && strcmp(resp_field(r), field)))
		fail_msg("%s %s %s: expected %d %s %s, got %d %s", method, path, body, status, code,
			 field ? field : "", r->status, r->body);
	resp_free(r);
	assert_int_equal(h_writes(&H), before);
}

/* The newest audit record must be action on entity id, with the digest of state. */
static void audited(const char *action, const char *entity, int64_t id, const char *state)
{
	struct resp *r = h_api(&H, "GET", "/api/audit?per_page=1", admin, NULL);
	assert_int_equal(r->status, 200);
	assert_string_equal(resp_str(r, "items.0.action"), action);
	assert_string_equal(resp_str(r, "items.0.entity"), entity);
	assert_int_equal(resp_int(r, "items.0.entity_id"), id);
	assert_int_equal(resp_int(r, "items.0.actor_id"), resp_int(r, "items.0.actor_id"));
	if (state) {
		char digest[SHA256_HEX_LEN];
		sha256_hex(state, strlen(state), digest);
		assert_string_equal(resp_str(r, "items.0.digest"), digest);
	}
	resp_free(r);
}

static void test_orgs_create(void **state)
{
	(void)state;
	refused("POST", "/api/orgs", admin, "{\"kind\":\"company\",\"name\":\"坏代码家政\",\"uscc\":\"91350100M000100Y44\"}",
		400, "invalid_uscc", "uscc");
	refused("POST", "/api/orgs", admin, "{\"kind\":\"company\",\"name\":\"坏代码家政\",\"uscc\":\"91350100M000100Y4\"}",
		400, "invalid_uscc", "uscc");
	refused("POST", "/api/orgs", admin, "{\"kind\":\"company\",\"name\":\"无代码家政\"}", 400, "uscc_required", "uscc");
	refused("POST", "/api/orgs", admin, "{\"kind\":\"company\",\"name\":\"无代码家政\",\"uscc\":null}", 400,
		"uscc_required", "uscc");
	refused("POST", "/api/orgs", admin, "{\"kind\":\"company\",\"name\":\"第一家政有限公司\",\"uscc\":\"91330105514264564L\"}",
		409, "org_name_taken", "name");
	refused("POST", "/api/orgs", admin, "{\"kind\":\"company\",\"name\":\"又一家政\",\"uscc\":\"91350100M000100Y43\"}",
		409, "uscc_taken", "uscc");
	refused("POST", "/api/orgs", admin, "{\"kind\":\"association\",\"name\":\"另一个协会\"}", 422,
		"association_exists", "kind");
	refused("POST", "/api/orgs", co1, "{\"kind\":\"training\",\"name\":\"企业办的学校\"}", 403, "forbidden", NULL);

	/* lower case is accepted and stored upper case */
	struct resp *r = h_api(&H, "POST", "/api/orgs", admin,
			       "{\"kind\":\"company\",\"name\":\" 巧手家政 \",\"uscc\":\"91330105514264564l\",\"district\":\"拱墅区\"}");
	assert_int_equal(r->status, 201);
	assert_string_equal(resp_str(r, "uscc"), "91330105514264564L");
	assert_string_equal(resp_str(r, "name"), "巧手家政");
	assert_string_equal(resp_str(r, "kind"), "company");
	int64_t id = resp_int(r, "id");
	audited("org.create", "org", id, r->body);
	resp_free(r);

	char path[64];
	snprintf(path, sizeof path, "/api/orgs/%lld", (long long)id);
	r = h_api(&H, "GET", path, admin, NULL);
	assert_int_equal(r->status, 200);
	assert_string_equal(resp_str(r, "district"), "拱墅区");
	resp_free(r);
}

static void test_orgs_update(void **state)
{
	(void)state;
	char path[64];
	snprintf(path, sizeof path, "/api/orgs/%lld", (long long)H.co2_id);
	refused("PATCH", path, admin, "{\"uscc\":null}", 400, "uscc_required", "uscc");
	refused("PATCH", path, admin, "{\"uscc\":\"91350100M000100Y43\"}", 409, "uscc_taken", "uscc");
	refused("PATCH", path, admin, "{\"name\":\"第一家政有限公司\"}", 409, "org_name_taken", "name");
	refused("PATCH", path, admin, "{\"kind\":\"training\"}", 400, "unknown_field", "kind");
	refused("PATCH", "/api/orgs/424242", admin, "{\"name\":\"没有的机构\"}", 404, "not_found", NULL);
	struct resp *r = h_api(&H, "PATCH", path, admin, "{\"name\":\"第二家政服务有限公司\",\"district\":null}");
	assert_int_equal(r->status, 200);
	assert_string_equal(resp_str(r, "name"), "第二家政服务有限公司");
	assert_null(resp_str(r, "district"));
	assert_string_equal(resp_str(r, "uscc"), "91330102007042692G"); /* unchanged */
	audited("org.update", "org", H.co2_id, r->body);
	resp_free(r);
	/* a training institution's code may be cleared */
	snprintf(path, sizeof path, "/api/orgs/%lld", (long long)H.training_id);
	r = h_api(&H, "PATCH", path, admin, "{\"uscc\":\"52330100590518538F\"}");
	assert_int_equal(r->status, 400); /* not a valid code: the check character is wrong */
	resp_free(r);
}

static void test_orgs_list(void **state)
{
	(void)state;
	struct resp *r = h_api(&H, "GET", "/api/orgs?kind=company&per_page=100", admin, NULL);
	assert_int_equal(r->status, 200);
	json_t *items = json_object_get(r->json, "items");
	assert_int_equal(resp_int(r, "total"), (int64_t)json_array_size(items));
	for (size_t i = 0; i < json_array_size(items); i++)
		assert_string_equal(json_string_value(json_object_get(json_array_get(items, i), "kind")), "company");
	resp_free(r);
	r = h_api(&H, "GET", "/api/orgs?q=91350100M", admin, NULL);
	assert_int_equal(resp_int(r, "total"), 1);
	resp_free(r);
}

static char *user_body(const char *login, const char *role, int64_t org)
{
	static char b[512];
	if (org)
		snprintf(b, sizeof b, "{\"login\":\"%s\",\"name\":\"测试用户\",\"role\":\"%s\",\"org_id\":%lld}", login,
			 role, (long long)org);
	else
		snprintf(b, sizeof b, "{\"login\":\"%s\",\"name\":\"测试用户\",\"role\":\"%s\"}", login, role);
	return b;
}

/* Sets login's password with a one-time code, as the person does at the sign-in page. */
static struct resp *with_code(const char *login, const char *code, const char *password)
{
	char body[256];
	snprintf(body, sizeof body, "{\"login\":\"%s\",\"code\":\"%s\",\"new_password\":\"%s\"}", login, code, password);
	return h_api(&H, "POST", "/api/auth/password-code", NULL, body);
}

static void test_users_create(void **state)
{
	(void)state;
	const char *pw = "twelve chars or more";
	refused("POST", "/api/users", admin, user_body("ok.name", "worker", H.assoc_id), 422, "role_org_mismatch", "role");
	refused("POST", "/api/users", admin, user_body("ok.name", "cs_agent", H.co1_id), 422, "role_org_mismatch", "role");
	refused("POST", "/api/users", admin, user_body("ok.name", "trainer", H.inspection_id), 422,
		"role_org_mismatch", "role");
	refused("POST", "/api/users", admin, user_body("ok.name", "customer", H.co1_id), 422,
		"role_org_mismatch", "org_id");
	refused("POST", "/api/users", admin, user_body("ok.name", "worker", 0), 400, "missing_field", "org_id");
	refused("POST", "/api/users", admin, user_body("ok.name", "worker", 99999), 422, "org_not_found", "org_id");
	refused("POST", "/api/users", admin, user_body("bad name", "customer", 0), 400, "invalid_characters", "login");
	refused("POST", "/api/users", admin, user_body("张三丰", "customer", 0), 400, "invalid_characters", "login");
	refused("POST", "/api/users", admin, user_body("_x", "customer", 0), 400, "too_short", "login");
	refused("POST", "/api/users", admin, user_body("ok.name", "superuser", 0), 400, "invalid_value", "role");
	refused("POST", "/api/users", admin, user_body("Company1", "customer", 0), 409, "login_taken", "login");
	/* nobody chooses a password for someone else */
	refused("POST", "/api/users", admin,
		"{\"login\":\"ok.name\",\"name\":\"测试用户\",\"role\":\"customer\",\"password\":\"twelve chars or more\"}",
		400, "unknown_field", "password");

	struct resp *r = h_api(&H, "POST", "/api/users", admin, user_body("New.Worker", "worker", H.co2_id));
	assert_int_equal(r->status, 201);
	assert_string_equal(resp_str(r, "user.login"), "new.worker");
	assert_string_equal(resp_str(r, "user.role"), "worker");
	assert_int_equal(resp_int(r, "user.org_id"), H.co2_id);
	assert_string_equal(resp_str(r, "user.status"), "active");
	assert_null(strstr(r->body, "argon2"));
	assert_null(strstr(r->body, "pw_hash"));
	/* a one-time set-up code, shown once: the code itself is nowhere in the database */
	char code[16];
	snprintf(code, sizeof code, "%s", resp_str(r, "setup_code"));
	assert_int_equal(strlen(code), 11);
	assert_non_null(resp_str(r, "code_expires_at"));
	int64_t id = resp_int(r, "user.id");
	resp_free(r);
	r = h_api(&H, "GET", "/api/audit?per_page=1", admin, NULL);
	assert_string_equal(resp_str(r, "items.0.action"), "user.create");
	assert_int_equal(resp_int(r, "items.0.entity_id"), id);
	resp_free(r);
	struct stmt *st = store_sql(H.store, "SELECT count(*) FROM onetime_codes WHERE code_hash LIKE $1");
	char like[20];
	snprintf(like, sizeof like, "%%%.5s%%", code);
	stmt_bind_text(st, 1, like);
	int64_t plain = -1;
	assert_int_equal(stmt_one_int(st, &plain), 0);
	assert_int_equal(plain, 0);
	/* before the code is used, no password opens the account */
	char body[128];
	snprintf(body, sizeof body, "{\"login\":\"new.worker\",\"password\":\"%s\"}", pw);
	h_expect(h_api(&H, "POST", "/api/auth/login", NULL, body), 401, "invalid_credentials");
	h_expect(h_api(&H, "POST", "/api/auth/login", NULL, "{\"login\":\"new.worker\",\"password\":\"!\"}"), 401,
		 "invalid_credentials");
	/* a wrong code, a too short password, someone else's login: refused */
	h_expect(with_code("new.worker", "AAAAA-AAAAA", pw), 400, "invalid_code");
	h_expect(with_code("new.worker", code, "short"), 400, "password_too_short");
	/* the person's own choice is held to the same rules as any password */
	h_expect(with_code("new.worker", code, "password1234"), 400, "password_common");
	h_expect(with_code("new.worker", code, "New.Worker loves green tea"), 400, "password_contains_login");
	h_expect(with_code("company1", code, pw), 400, "invalid_code");
	/* the person chooses their password with the code, once */
	h_expect(with_code("new.worker", code, pw), 200, NULL);
	h_expect(with_code("new.worker", code, "another twelve chars"), 400, "invalid_code");
	h_expect(h_api(&H, "POST", "/api/auth/login", NULL, body), 200, NULL);
}

static void test_company_scope(void **state)
{
	(void)state;
	/* a company admin adds people to their own company only, in company roles only */
	refused("POST", "/api/users", co1, user_body("sneaky", "cs_agent", 0), 403, "forbidden", "role");
	refused("POST", "/api/users", co1, user_body("sneaky", "association_admin", 0), 403, "forbidden", "role");
	refused("POST", "/api/users", co1, user_body("sneaky", "worker", H.co2_id), 403, "forbidden", "org_id");
	refused("POST", "/api/users", staff, user_body("sneaky", "worker", 0), 403, "forbidden", NULL);
	struct resp *r = h_api(&H, "POST", "/api/users", co1, user_body("co1.worker", "worker", 0));
	assert_int_equal(r->status, 201);
	assert_int_equal(resp_int(r, "user.org_id"), H.co1_id);
	resp_free(r);

	/* and sees only their own company's users */
	r = h_api(&H, "GET", "/api/users?per_page=100", co1, NULL);
	assert_int_equal(r->status, 200);
	json_t *items = json_object_get(r->json, "items");
	assert_true(json_array_size(items) >= 3);
	for (size_t i = 0; i < json_array_size(items); i++)
		assert_int_equal(json_integer_value(json_object_get(json_array_get(items, i), "org_id")), H.co1_id);
	resp_free(r);
	char path[96];
	snprintf(path, sizeof path, "/api/users?org_id=%lld", (long long)H.co2_id);
	r = h_api(&H, "GET", path, co1, NULL);
	assert_int_equal(resp_int(r, "total"), 0);
	resp_free(r);
	snprintf(path, sizeof path, "/api/users/%lld", (long long)H.admin_id);
	h_expect(h_api(&H, "GET", path, co1, NULL), 404, "not_found");
	snprintf(path, sizeof path, "/api/users/%lld", (long long)H.co2_admin_id);
	h_expect(h_api(&H, "GET", path, co1, NULL), 404, "not_found");
	refused("PATCH", path, co1, "{\"status\":\"disabled\"}", 404, "not_found", NULL);
	snprintf(path, sizeof path, "/api/users/%lld/reset", (long long)H.co2_admin_id);
	refused("POST", path, co1, NULL, 404, "not_found", NULL);
	snprintf(path, sizeof path, "/api/users/%lld", (long long)H.co1_staff_id);
	h_expect(h_api(&H, "GET", path, co1, NULL), 200, NULL);
	/* nobody disables themselves */
	snprintf(path, sizeof path, "/api/users/%lld", (long long)H.co1_admin_id);
	refused("PATCH", path, co1, "{\"status\":\"disabled\"}", 422, "cannot_disable_self", "status");
}

static void test_users_update(void **state)
{
	(void)state;
	char path[64], reset[80];
	snprintf(path, sizeof path, "/api/users/%lld", (long long)H.co1_staff_id);
	snprintf(reset, sizeof reset, "/api/users/%lld/reset", (long long)H.co1_staff_id);
	/* an admin never sets another person's password */
	refused("PATCH", path, co1, "{\"password\":\"reset by the admin 1\"}", 400, "unknown_field", "password");
	refused("PATCH", path, co1, "{\"status\":\"gone\"}", 400, "invalid_value", "status");
	refused("PATCH", path, co1, "{\"role\":\"company_admin\"}", 400, "unknown_field", "role");
	struct resp *r = h_api(&H, "PATCH", path, co1, "{\"name\":\"刘芳芳\"}");
	assert_int_equal(r->status, 200);
	assert_string_equal(resp_str(r, "name"), "刘芳芳");
	audited("user.update", "user", H.co1_staff_id, r->body);
	resp_free(r);
	/* a reset is a one-time code for the person; the old password holds until they use it */
	r = h_api(&H, "POST", reset, co1, NULL);
	assert_int_equal(r->status, 200);
	char code[16];
	snprintf(code, sizeof code, "%s", resp_str(r, "reset_code"));
	assert_null(strstr(r->body, "password\""));
	resp_free(r);
	h_expect(h_api(&H, "GET", "/api/me", staff, NULL), 200, NULL);
	/* the person is told, in their notices */
	r = h_api(&H, "GET", "/api/notifications", staff, NULL);
	assert_non_null(strstr(r->body, "password_reset"));
	resp_free(r);
	/* five wrong tries end the code (and, for a while, stop the tries as sign-ins are stopped) */
	for (int i = 0; i < 5; i++)
		h_expect(with_code("staff1", "BBBBB-BBBBB", "chosen by the person 1"), 400, "invalid_code");
	h_expect(with_code("staff1", code, "chosen by the person 1"), 429, "too_many_attempts");
	clock_set(clock_now() + 16 * 60);
	h_expect(with_code("staff1", code, "chosen by the person 1"), 400, "invalid_code");
	r = h_api(&H, "POST", reset, co1, NULL);
	snprintf(code, sizeof code, "%s", resp_str(r, "reset_code"));
	resp_free(r);
	/* the person chooses it; every session ends */
	h_expect(with_code("staff1", code, "chosen by the person 1"), 200, NULL);
	h_expect(h_api(&H, "GET", "/api/me", staff, NULL), 401, "unauthenticated");
	h_expect(h_api(&H, "POST", "/api/auth/login", NULL,
		       "{\"login\":\"staff1\",\"password\":\"chosen by the person 1\"}"), 200, NULL);
	clock_set(0);
}

static void test_users_list_filters(void **state)
{
	(void)state;
	struct resp *r = h_api(&H, "GET", "/api/users?role=company_admin&status=active", admin, NULL);
	assert_int_equal(r->status, 200);
	assert_int_equal(resp_int(r, "total"), 2);
	resp_free(r);
	r = h_api(&H, "GET", "/api/users?q=company", admin, NULL);
	assert_int_equal(resp_int(r, "total"), 2);
	resp_free(r);
	h_expect(h_api(&H, "GET", "/api/users?role=king", admin, NULL), 400, "invalid_parameter");
}

static void test_audit_verify_api(void **state)
{
	(void)state;
	struct resp *r = h_api(&H, "GET", "/api/audit/verify", admin, NULL);
	assert_int_equal(r->status, 200);
	assert_true(json_is_true(json_object_get(r->json, "ok")));
	int64_t entries = resp_int(r, "entries");
	assert_true(entries > 10);
	assert_true(json_is_null(json_object_get(r->json, "first_bad")));
	resp_free(r);
	/* someone edits a record behind the platform's back */
	assert_int_equal(stmt_exec(store_sql(H.store, "UPDATE audit_log SET actor_label = 'nobody' WHERE id = 3")), 0);
	r = h_api(&H, "GET", "/api/audit/verify", admin, NULL);
	assert_false(json_is_true(json_object_get(r->json, "ok")));
	assert_int_equal(resp_int(r, "first_bad"), 3);
	assert_string_equal(resp_str(r, "reason_code"), "record_altered");
	assert_non_null(resp_str(r, "reason"));
	resp_free(r);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_orgs_create),  cmocka_unit_test(test_orgs_update),
		cmocka_unit_test(test_orgs_list),    cmocka_unit_test(test_users_create),
		cmocka_unit_test(test_company_scope), cmocka_unit_test(test_users_update),
		cmocka_unit_test(test_users_list_filters), cmocka_unit_test(test_audit_verify_api),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
