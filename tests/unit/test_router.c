/* The route table: how paths match, and that the table stays a faithful map of the API. */
#include "testutil.h"

#include "http/req.h"
#include "http/router.h"

static const struct route *match(const char *method, const char *path, int *known, unsigned *allowed,
				 struct req *r)
{
	memset(r, 0, sizeof *r);
	r->method = strcmp(method, "GET") == 0 ? M_GET : strcmp(method, "HEAD") == 0 ? M_HEAD
		  : strcmp(method, "POST") == 0 ? M_POST : strcmp(method, "PATCH") == 0 ? M_PATCH
		  : strcmp(method, "DELETE") == 0 ? M_DELETE : M_PUT;
	return router_match(r, path, known, allowed);
}

static void free_params(struct req *r)
{
	for (int i = 0; i < r->n_param; i++)
		free(r->param[i]);
}

static void test_matching(void **state)
{
	(void)state;
	struct req r;
	int known;
	unsigned allowed;
	const struct route *rt = match("GET", "/api/health", &known, &allowed, &r);
	assert_non_null(rt);
	assert_string_equal(rt->pattern, "/api/health");
	assert_non_null(match("HEAD", "/api/health", &known, &allowed, &r)); /* HEAD is GET */

	rt = match("DELETE", "/api/sessions/42", &known, &allowed, &r);
	assert_non_null(rt);
	assert_int_equal(r.n_id, 1);
	assert_int_equal(r.id[0], 42);

	/* ids are positive decimal integers without leading zeros or signs */
	static const char *const bad_ids[] = {"/api/sessions/0", "/api/sessions/042", "/api/sessions/-1",
					      "/api/sessions/4x", "/api/sessions/", "/api/sessions/1234567890123456789",
					      "/api/sessions/%31"};
	for (size_t i = 0; i < sizeof bad_ids / sizeof bad_ids[0]; i++) {
		assert_null(match("DELETE", bad_ids[i], &known, &allowed, &r));
		assert_false(known);
	}

	/* a known path with another method: 405 material, with the allowed methods */
	assert_null(match("PUT", "/api/health", &known, &allowed, &r));
	assert_true(known);
	assert_int_equal(allowed, M_GET);
	assert_null(match("DELETE", "/api/users", &known, &allowed, &r));
	assert_true(known);
	assert_int_equal(allowed, M_GET | M_POST);

	assert_null(match("GET", "/api/healthz", &known, &allowed, &r));
	assert_false(known);
	assert_null(match("GET", "/api/health/", &known, &allowed, &r));
	assert_null(match("GET", "//api/health", &known, &allowed, &r));
	assert_null(match("GET", "/api/a/b/c/d/e/f/g/h/i", &known, &allowed, &r));
	assert_null(match("GET", "api/health", &known, &allowed, &r));
	assert_non_null(match("GET", "/api/audit/verify", &known, &allowed, &r));
	free_params(&r);
}

/* Every route is documented in docs/api.md as "METHOD pattern". */
static void test_documented(void **state)
{
	(void)state;
	FILE *f = fopen("docs/api.md", "r");
	assert_non_null(f);
	static char doc[1 << 18];
	size_t n = fread(doc, 1, sizeof doc - 1, f);
	doc[n] = '\0';
	fclose(f);
	size_t count;
	const struct route *rt = router_routes(&count);
	static const struct {
		unsigned m;
		const char *name;
	} names[] = {{M_GET, "GET"}, {M_POST, "POST"}, {M_PATCH, "PATCH"}, {M_DELETE, "DELETE"}};
	for (size_t i = 0; i < count; i++) {
		for (size_t k = 0; k < sizeof names / sizeof names[0]; k++) {
			if (!(rt[i].methods & names[k].m))
				continue;
			char needle[256];
			snprintf(needle, sizeof needle, "`%s %s`", names[k].name, rt[i].pattern);
			if (!strstr(doc, needle))
				fail_msg("docs/api.md does not document %s", needle);
		}
	}
}

static void test_table_is_sound(void **state)
{
	(void)state;
	size_t count;
	const struct route *rt = router_routes(&count);
	assert_true(count > 10);
	for (size_t i = 0; i < count; i++) {
		assert_non_null(rt[i].handler);
		assert_true(strncmp(rt[i].pattern, "/api/", 5) == 0);
		assert_true(rt[i].body_max > 0 && rt[i].body_max <= BODY_DEFAULT_MAX);
		/* reads take no body */
		if (rt[i].methods & M_GET)
			assert_ptr_equal(rt[i].body, &schema_none);
		/* public routes are few and named */
		if (rt[i].need == CAPS_PUBLIC)
			assert_true(strcmp(rt[i].pattern, "/api/health") == 0 ||
				    strcmp(rt[i].pattern, "/api/auth/login") == 0 ||
				    strcmp(rt[i].pattern, "/api/auth/password-code") == 0 ||
				    strncmp(rt[i].pattern, "/api/public/", 12) == 0);
		/* no two rows answer the same method and pattern */
		for (size_t k = 0; k < i; k++)
			if (strcmp(rt[i].pattern, rt[k].pattern) == 0)
				assert_int_equal(rt[i].methods & rt[k].methods, 0);
	}
	assert_int_equal(router_body_max(), BODY_DEFAULT_MAX);
}

int main(void)
{
	router_init();
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_matching), cmocka_unit_test(test_documented),
		cmocka_unit_test(test_table_is_sound),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
