/* What the pages name and count, through the API on the demo industry: a service item's English
 * title (create, change, remove, list, the public company, search) and its limits; an empty search
 * saying which condition emptied it. */
#include "harness.h"

static struct harness H;
static char admin[TOKEN_LEN], co1[TOKEN_LEN];

static struct resp *ok(const char *method, const char *path, const char *token, const char *body, int status)
{
	struct resp *r = h_api(&H, method, path, token, body);
	if (r->status != status)
		fail_msg("%s %s %s: expected %d, got %d %s", method, path, body ? body : "", status, r->status, r->body);
	return r;
}

static void refused(const char *method, const char *path, const char *token, const char *body, int status,
		    const char *code, const char *field)
{
	int64_t before = h_writes(&H);
	struct resp *r = h_api(&H, method, path, token, body);
	if (r->status != status || strcmp(resp_code(r), code) != 0 || (field && strcmp(resp_field(r), field) != 0))
		fail_msg("%s %s %s: expected %d %s, got %d %s", method, path, body, status, code, r->status, r->body);
	resp_free(r);
	assert_int_equal(h_writes(&H), before);
}

static int setup(void **state)
{
	(void)state;
	h_open_demo(&H, 60);
	h_login(&H, "admin", admin, NULL);
	h_login(&H, "company1", co1, NULL);
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	h_close(&H);
	return 0;
}

/* The item in the list, by id: its title_en as a string, or NULL when null or absent. */
static const char *listed_title_en(struct resp *list, int64_t id)
{
	json_t *items = json_object_get(list->json, "items"), *it;
	size_t i;
	json_array_foreach(items, i, it)
	{
		if (json_integer_value(json_object_get(it, "id")) == id)
			return json_string_value(json_object_get(it, "title_en"));
	}
	fail_msg("item %lld not listed", (long long)id);
	return NULL;
}

static void test_item_title_en(void **state)
{
	(void)state;
	int64_t cat = 0, co = 0;
	struct stmt *st = store_sql(H.store, "SELECT category_id, company_id FROM service_items si JOIN users u"
					     " ON u.org_id = si.company_id WHERE u.login = 'company1' ORDER BY si.id LIMIT 1");
	assert_int_equal(stmt_step(st), STORE_ROW);
	cat = stmt_int(st, 0);
	co = stmt_int(st, 1);
	stmt_done(st);
	int64_t lo = 0;
	st = store_sql(H.store, "SELECT min_fen FROM price_guides WHERE category_id = $1 AND unit = 'hour'");
	stmt_bind_int(st, 1, cat);
	if (stmt_one_int(st, &lo) != 0) {
		st = store_sql(H.store, "SELECT min_fen FROM price_guides WHERE category_id = $1 AND unit = 'day'");
		stmt_bind_int(st, 1, cat);
		assert_int_equal(stmt_one_int(st, &lo), 0);
	}
	int64_t hour = 0;
	st = store_sql(H.store, "SELECT count(*) FROM price_guides WHERE category_id = $1 AND unit = 'hour'");
	stmt_bind_int(st, 1, cat);
	assert_int_equal(stmt_one_int(st, &hour), 0);
	const char *unit = hour ? "hour" : "day";
	char body[512];
	snprintf(body, sizeof body,
		 "{\"category_id\":%lld,\"title\":\"周末深度保洁\",\"title_en\":\"Weekend deep clean\",\"unit\":\"%s\","
		 "\"price_fen\":%lld}",
		 (long long)cat, unit, (long long)lo);
	struct resp *r = ok("POST", "/api/service-items", co1, body, 201);
	int64_t id = resp_int(r, "id");
	assert_string_equal(resp_str(r, "title_en"), "Weekend deep clean");
	resp_free(r);

	/* bad English titles: refused with the field named, nothing written */
	snprintf(body, sizeof body, "{\"category_id\":%lld,\"title\":\"周末保洁\",\"title_en\":\"x\",\"unit\":\"%s\",\"price_fen\":%lld}",
		 (long long)cat, unit, (long long)lo);
	refused("POST", "/api/service-items", co1, body, 400, "too_short", "title_en");
	char path[64];
	snprintf(path, sizeof path, "/api/service-items/%lld", (long long)id);
	refused("PATCH", path, co1, "{\"title_en\":12}", 400, "invalid_type", "title_en");
	refused("PATCH", path, co1,
		"{\"title_en\":\"A title much longer than anyone would write for one service item on the page ever\"}",
		400, "too_long", "title_en");

	/* changed, then listed, shown publicly and in search */
	resp_free(ok("PATCH", path, co1, "{\"title_en\":\"Deep clean at the weekend\"}", 200));
	r = ok("GET", "/api/service-items?per_page=100", co1, NULL, 200);
	assert_string_equal(listed_title_en(r, id), "Deep clean at the weekend");
	resp_free(r);
	char pub[64];
	snprintf(pub, sizeof pub, "/api/public/companies/%lld", (long long)co);
	r = ok("GET", pub, NULL, NULL, 200);
	json_t *items = json_object_get(r->json, "service_items"), *it;
	size_t i;
	int seen = 0;
	json_array_foreach(items, i, it)
	{
		if (json_integer_value(json_object_get(it, "id")) == id) {
			assert_string_equal(json_string_value(json_object_get(it, "title_en")), "Deep clean at the weekend");
			seen = 1;
		}
	}
	assert_true(seen);
	resp_free(r);
	/* the search's item carries title_en (a string or null) */
	st = store_sql(H.store, "SELECT code FROM categories WHERE id = $1");
	stmt_bind_int(st, 1, cat);
	assert_int_equal(stmt_step(st), STORE_ROW);
	char q[128];
	snprintf(q, sizeof q, "/api/public/search?category=%s&per_page=5", stmt_text(st, 0));
	stmt_done(st);
	r = ok("GET", q, NULL, NULL, 200);
	json_t *first = json_array_get(json_object_get(r->json, "items"), 0);
	assert_non_null(first);
	assert_non_null(json_object_get(json_object_get(first, "service_item"), "title_en"));
	resp_free(r);

	/* removed: null, and the Chinese title stays */
	resp_free(ok("PATCH", path, co1, "{\"title_en\":null}", 200));
	r = ok("GET", "/api/service-items?per_page=100", co1, NULL, 200);
	assert_null(listed_title_en(r, id));
	resp_free(r);
}

/* Nothing found: the answer counts what one condition fewer would find, for each condition given. */
static void test_search_relaxed(void **state)
{
	(void)state;
	/* a district where no company offers maternity care, if there is one; else any district with
	 * an impossible price */
	struct resp *r = ok("GET", "/api/public/search?category=maternity_care&district=%E4%B8%8D%E5%AD%98%E5%9C%A8%E5%8C%BA"
				   "&price_max=1",
			    NULL, NULL, 200);
	assert_int_equal(resp_int(r, "total"), 0);
	json_t *rel = json_object_get(r->json, "relaxed");
	assert_non_null(rel);
	assert_int_equal(json_integer_value(json_object_get(rel, "district")), 0); /* the price still empties it */
	assert_true(json_integer_value(json_object_get(rel, "price")) == 0);       /* so does the district */
	assert_null(json_object_get(rel, "min_rating"));                          /* not given, not counted */
	resp_free(r);
	r = ok("GET", "/api/public/search?category=maternity_care&district=%E4%B8%8D%E5%AD%98%E5%9C%A8%E5%8C%BA", NULL,
	       NULL, 200);
	assert_int_equal(resp_int(r, "total"), 0);
	rel = json_object_get(r->json, "relaxed");
	assert_true(json_integer_value(json_object_get(rel, "district")) > 0);
	resp_free(r);
	/* something found: no relaxed counts */
	r = ok("GET", "/api/public/search?category=maternity_care", NULL, NULL, 200);
	assert_true(resp_int(r, "total") > 0);
	assert_null(json_object_get(r->json, "relaxed"));
	resp_free(r);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_item_title_en),
		cmocka_unit_test(test_search_relaxed),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
