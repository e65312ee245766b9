/* The router's prologue: every kind of bad input gets its 4xx and its code, and writes nothing. */
#include "harness.h"
#include "http/router.h"

#include <sodium.h>

static struct harness H;
static char admin[TOKEN_LEN];

static int setup(void **state)
{
	(void)state;
	h_open(&H);
	h_login(&H, "admin", admin, NULL);
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	h_close(&H);
	return 0;
}

static void test_health(void **state)
{
	(void)state;
	struct resp *r = h_api(&H, "GET", "/api/health", NULL, NULL);
	assert_int_equal(r->status, 200);
	assert_string_equal(resp_str(r, "status"), "ok");
	assert_string_equal(resp_str(r, "store"), testdb_kind());
	assert_non_null(resp_str(r, "version"));
	assert_string_equal(r->content_type, "application/json; charset=utf-8");
	assert_non_null(strstr(resp_header(r, "Content-Security-Policy"), "frame-ancestors 'none'"));
	assert_string_equal(resp_header(r, "X-Content-Type-Options"), "nosniff");
	assert_non_null(resp_header(r, "Referrer-Policy"));
	assert_string_equal(resp_header(r, "Cache-Control"), "no-store");
	resp_free(r);
}

static void test_not_found_and_method(void **state)
{
	(void)state;
	h_expect(h_api(&H, "GET", "/api/nothing-here", admin, NULL), 404, "not_found");
	h_expect(h_api(&H, "GET", "/api", admin, NULL), 404, "not_found");
	h_expect(h_api(&H, "GET", "/api/orgs/999999", admin, NULL), 404, "not_found");
	struct resp *r = h_api(&H, "PUT", "/api/health", NULL, NULL);
	assert_int_equal(r->status, 405);
	assert_string_equal(resp_code(r), "method_not_allowed");
	assert_string_equal(resp_header(r, "Allow"), "GET, HEAD");
	resp_free(r);
	r = h_api(&H, "DELETE", "/api/orgs", admin, NULL);
	assert_int_equal(r->status, 405);
	assert_string_equal(resp_header(r, "Allow"), "GET, HEAD, POST");
	resp_free(r);
	/* the 404 of a path the caller may not see gives nothing away either */
	h_expect(h_api(&H, "GET", "/api/orgs/1", NULL, NULL), 401, "unauthenticated");
}

static void test_language(void **state)
{
	(void)state;
	const char *en[] = {"Accept-Language: en-GB,en;q=0.9", NULL};
	const char *zh[] = {"Accept-Language: zh-CN,zh;q=0.9,en;q=0.5", NULL};
	struct resp *r = h_req(&H, "GET", "/api/me", NULL, en);
	assert_string_equal(resp_str(r, "error.message"), "Please sign in.");
	resp_free(r);
	r = h_req(&H, "GET", "/api/me", NULL, zh);
	assert_string_equal(resp_str(r, "error.message"), "请先登录。");
	resp_free(r);
	r = h_req(&H, "GET", "/api/me", NULL, NULL);
	assert_string_equal(resp_str(r, "error.message"), "请先登录。");
	resp_free(r);
}

/* POSTs body to /api/orgs as admin with the given content type; asserts status, code, no write. */
static void bad_post(const char *body, const char *ctype, int status, const char *code, const char *field)
{
	char auth[128];
	snprintf(auth, sizeof auth, "Authorization: Bearer %s", admin);
	const char *headers[] = {auth, ctype, NULL};
	int64_t before = h_writes(&H);
	struct resp *r = h_req(&H, "POST", "/api/orgs", body, headers);
	if (r->status != status || strcmp(resp_code(r), code) != 0)
		fail_msg("%.80s: expected %d %s, got %d %s", body, status, code, r->status, r->body);
	if (field)
		assert_string_equal(resp_field(r), field);
	resp_free(r);
	assert_int_equal(h_writes(&H), before);
}

static void test_bad_bodies(void **state)
{
	(void)state;
	const char *json = "Content-Type: application/json";
	bad_post("{\"kind\":\"company\"", json, 400, "invalid_json", NULL);
	bad_post("", json, 400, "invalid_json", NULL);
	bad_post("{\"kind\":\"company\",\"kind\":\"training\",\"name\":\"xx\"}", json, 400, "invalid_json", NULL);
	bad_post("[1,2]", json, 400, "body_not_object", NULL);
	bad_post("\"text\"", json, 400, "body_not_object", NULL);
	bad_post("{\"kind\":\"training\",\"name\":\"a\\u0000b\"}", json, 400, "invalid_json", NULL);
	bad_post("{\"kind\":\"training\",\"name\":\"\xff\xfe\"}", json, 400, "invalid_json", NULL);
	bad_post("{\"kind\":\"training\",\"name\":\"ok name\",\"extra\":true}", json, 400, "unknown_field", "extra");
	bad_post("{\"name\":\"ok name\"}", json, 400, "missing_field", "kind");
	bad_post("{\"kind\":\"bank\",\"name\":\"ok name\"}", json, 400, "invalid_value", "kind");
	bad_post("{\"kind\":\"training\",\"name\":123}", json, 400, "invalid_type", "name");
	bad_post("{\"kind\":\"training\",\"name\":\"x\"}", json, 400, "too_short", "name");
	bad_post("{\"kind\":\"training\",\"name\":\"a\\nb\"}", json, 400, "invalid_characters", "name");
	bad_post("{\"kind\":\"training\",\"name\":\"ok\",\"district\":99999999999999999999999}", json, 400,
		 "invalid_json", NULL);
	bad_post("{\"kind\":\"training\",\"name\":\"ok name\"}", "Content-Type: text/plain", 415,
		 "unsupported_media_type", NULL);
	bad_post("{\"kind\":\"training\",\"name\":\"ok name\"}", "X-Nothing: 1", 415, "unsupported_media_type", NULL);

	/* long strings: 101 characters of Chinese */
	char body[2048] = "{\"kind\":\"training\",\"name\":\"";
	for (int i = 0; i < 101; i++)
		strcat(body, "家");
	strcat(body, "\"}");
	bad_post(body, json, 400, "too_long", "name");

	/* nesting past 32 levels */
	char deep[256] = "{\"kind\":";
	for (int i = 0; i < 40; i++)
		strcat(deep, "[");
	for (int i = 0; i < 40; i++)
		strcat(deep, "]");
	strcat(deep, "}");
	bad_post(deep, json, 400, "json_too_deep", NULL);
	/* brackets inside strings do not count */
	char shallow[256] = "{\"kind\":\"training\",\"name\":\"";
	for (int i = 0; i < 40; i++)
		strcat(shallow, "[");
	strcat(shallow, "\"}");
	struct resp *r = h_api(&H, "POST", "/api/orgs", admin, shallow);
	assert_int_equal(r->status, 201);
	resp_free(r);
}

static void test_sizes(void **state)
{
	(void)state;
	/* the login route takes 4 KiB */
	char *big = malloc(5001);
	memset(big, ' ', 5000);
	big[0] = '{';
	big[4999] = '}';
	big[5000] = '\0';
	int64_t before = h_writes(&H);
	h_expect(h_api(&H, "POST", "/api/auth/login", NULL, big), 413, "payload_too_large");
	free(big);
	/* organisations take 8 KiB */
	big = malloc(8194);
	memset(big, ' ', 8193);
	big[0] = '{';
	big[8192] = '}';
	big[8193] = '\0';
	h_expect(h_api(&H, "POST", "/api/orgs", admin, big), 413, "payload_too_large");
	free(big);
	/* a route that takes no body has room for {} and no more */
	char none[BODY_NONE_MAX + 2];
	memset(none, ' ', sizeof none - 1);
	none[sizeof none - 1] = '\0';
	h_expect(h_api(&H, "DELETE", "/api/sessions/999999", admin, none), 413, "payload_too_large");
	none[sizeof none - 2] = '\0';
	h_expect(h_api(&H, "DELETE", "/api/sessions/999999", admin, none), 404, "not_found");
	/* and a route with a body but no limit of its own, 1 MiB (the size is checked before anything) */
	size_t n = (1u << 20) + 1;
	big = malloc(n + 1);
	memset(big, ' ', n);
	big[n] = '\0';
	h_expect(h_api(&H, "POST", "/api/workers/import", NULL, big), 413, "payload_too_large");
	big[n - 1] = '\0';
	/* exactly 1 MiB passes the size check and is answered on its merits */
	h_expect(h_api(&H, "POST", "/api/workers/import", NULL, big), 401, "unauthenticated");
	free(big);
	assert_int_equal(h_writes(&H), before);
}

static void test_no_body_routes(void **state)
{
	(void)state;
	char tok[TOKEN_LEN];
	h_login(&H, "cs1", tok, NULL);
	h_expect(h_api(&H, "POST", "/api/auth/logout", tok, "{\"all\":true}"), 400, "unexpected_body");
	h_expect(h_api(&H, "POST", "/api/auth/logout", tok, " { } "), 200, NULL);
}

static void test_query(void **state)
{
	(void)state;
	h_expect(h_api(&H, "GET", "/api/orgs?pgae=2", admin, NULL), 400, "unknown_parameter");
	static const char *const bad[] = {"/api/orgs?per_page=0", "/api/orgs?per_page=101",
					  "/api/orgs?per_page=x", "/api/orgs?page=-1", "/api/orgs?page=1&page=2",
					  "/api/orgs?kind=bank", "/api/orgs?q=%zz", "/api/orgs?q=%00",
					  "/api/orgs?=1", "/api/orgs?q=a%0Ab"};
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		struct resp *r = h_api(&H, "GET", bad[i], admin, NULL);
		if (r->status != 400 || strcmp(resp_code(r), "invalid_parameter") != 0)
			fail_msg("%s: %d %s", bad[i], r->status, r->body);
		resp_free(r);
	}
	struct resp *r = h_api(&H, "GET", "/api/orgs?per_page=2&page=2", admin, NULL);
	assert_int_equal(r->status, 200);
	assert_int_equal(resp_int(r, "page"), 2);
	assert_int_equal(resp_int(r, "per_page"), 2);
	assert_true(resp_int(r, "total") >= 5);
	assert_int_equal(json_array_size(json_object_get(r->json, "items")), 2);
	resp_free(r);
	/* search text is matched literally: % and _ are not wildcards */
	r = h_api(&H, "GET", "/api/orgs?q=%25", admin, NULL);
	assert_int_equal(resp_int(r, "total"), 0);
	resp_free(r);
	r = h_api(&H, "GET", "/api/orgs?q=%E5%AE%B6%E6%94%BF&kind=company", admin, NULL); /* 家政 */
	assert_int_equal(resp_int(r, "total"), 2);
	resp_free(r);
}

static void test_static(void **state)
{
	(void)state;
	struct resp *r = h_req(&H, "GET", "/", NULL, NULL);
	assert_int_equal(r->status, 200);
	assert_string_equal(r->content_type, "text/html; charset=utf-8");
	assert_non_null(strstr(resp_header(r, "Content-Security-Policy"), "script-src 'self'"));
	assert_non_null(strstr(resp_header(r, "Content-Security-Policy"), "frame-ancestors 'none'"));
	assert_string_equal(resp_header(r, "X-Content-Type-Options"), "nosniff");
	char etag[64];
	snprintf(etag, sizeof etag, "If-None-Match: %s", resp_header(r, "ETag"));
	resp_free(r);
	const char *inm[] = {etag, NULL};
	r = h_req(&H, "GET", "/index.html", NULL, inm);
	assert_int_equal(r->status, 304);
	assert_int_equal(r->len, 0);
	resp_free(r);
	h_expect(h_req(&H, "GET", "/nope.html", NULL, NULL), 404, "not_found");
	h_expect(h_req(&H, "GET", "/../Makefile", NULL, NULL), 404, "not_found");
	h_expect(h_req(&H, "GET", "/%2e%2e/Makefile", NULL, NULL), 404, "not_found");
	h_expect(h_req(&H, "POST", "/index.html", "x", NULL), 405, "method_not_allowed");
}

/* Random requests to every route, as the admin: never a 500, always the envelope. */
static void test_hostile(void **state)
{
	(void)state;
	static const char *const paths[] = {
		"/api/orgs", "/api/orgs/1", "/api/users", "/api/users/1", "/api/me/password",
		"/api/auth/login", "/api/sessions/1", "/api/audit", "/api/audit/verify", "/api/me"};
	static const char *const methods[] = {"GET", "POST", "PATCH", "DELETE", "PUT", "HEAD"};
	static const char *const fragments[] = {
		"{", "}", "[", "]", "\"kind\"", "\"name\"", ":", ",", "null", "true", "-1",
		"1e999", "\"\\ud800\"", "\"\\u0000\"", "\"login\"", "\"password\"", "\"status\"",
		"\"disabled\"", "\"company\"", "99999999999999999999", "\"\xe5\xae\xb6\"", "\xff",
		"\"uscc\"", "\"91350100M000100Y43\"", "\"org_id\"", "0", "\"role\"", "\"customer\""};
	char body[512];
	for (int i = 0; i < 3000; i++) {
		size_t k = 0;
		body[0] = '\0';
		int parts = (int)randombytes_uniform(14);
		for (int p = 0; p < parts; p++) {
			const char *f = fragments[randombytes_uniform(sizeof fragments / sizeof fragments[0])];
			size_t fl = strlen(f);
			if (k + fl + 1 >= sizeof body)
				break;
			memcpy(body + k, f, fl);
			k += fl;
			body[k] = '\0';
		}
		const char *m = methods[randombytes_uniform(sizeof methods / sizeof methods[0])];
		const char *p = paths[randombytes_uniform(sizeof paths / sizeof paths[0])];
		/* never log out or end the admin's own session by chance */
		if (strcmp(p, "/api/sessions/1") == 0 || strcmp(p, "/api/auth/login") == 0)
			continue;
		struct resp *r = h_api(&H, m, p, admin, parts ? body : NULL);
		if (r->status >= 400 && (!resp_str(r, "error.code") || !resp_str(r, "error.message")))
			fail_msg("%s %s %s: %d without the envelope: %s", m, p, body, r->status, r->body);
		resp_free(r);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_health),      cmocka_unit_test(test_not_found_and_method),
		cmocka_unit_test(test_language),    cmocka_unit_test(test_bad_bodies),
		cmocka_unit_test(test_sizes),       cmocka_unit_test(test_no_body_routes),
		cmocka_unit_test(test_query),       cmocka_unit_test(test_static),
		cmocka_unit_test(test_hostile),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
