/* Declared input: the router refuses whatever a schema does not allow, before any handler runs. */
#include "testutil.h"

#include <jansson.h>

#include "http/req.h"
#include "http/schema.h"

static const char *const colours[] = {"red", "green", NULL};

SCHEMA(sample, S_STR("name", F_REQ, 2, 5), S_TEXT("note", 0, 10), S_INT("n", 0, 1, 100),
       S_BOOL("flag", 0), S_ENUM("colour", 0, colours), S_TIME("at", 0),
       S_STRS("tags", 0, 0, 3, 4, NULL), S_STRS("picks", 0, 1, 2, 10, colours),
       S_STR("opt", F_NULL, 1, 10));

/* Checks a body; returns the error code, or NULL when it passes. */
static const char *check(const char *text, const char **field)
{
	static char code[64], fld[64];
	json_error_t je;
	json_t *j = json_loads(text, JSON_REJECT_DUPLICATES, &je);
	assert_non_null(j);
	struct schema_err e = {0};
	int rc = schema_check_body(&sample, j, &e);
	/* the field may name a key of the document: copy it before the document goes */
	snprintf(fld, sizeof fld, "%s", e.field ? e.field : "");
	json_decref(j);
	if (field)
		*field = fld;
	if (rc == 0)
		return NULL;
	snprintf(code, sizeof code, "%s", e.code);
	return code;
}

static void expect(const char *body, const char *code, const char *field)
{
	const char *f = NULL;
	const char *got = check(body, &f);
	if (!code) {
		if (got)
			fail_msg("%s: refused with %s (%s)", body, got, f ? f : "-");
		return;
	}
	if (!got)
		fail_msg("%s: passed, expected %s", body, code);
	assert_string_equal(got, code);
	if (field)
		assert_string_equal(f, field);
}

static void test_body(void **state)
{
	(void)state;
	expect("{\"name\":\"ab\"}", NULL, NULL);
	expect("{\"name\":\"张三\"}", NULL, NULL);              /* two characters, six bytes */
	expect("{\"name\":\"张三李四王\"}", NULL, NULL);        /* five characters */
	expect("{\"name\":\"张三李四王五\"}", "too_long", "name");
	expect("{\"name\":\"  ab \"}", NULL, NULL);             /* trimmed to two */
	expect("{\"name\":\"\xe3\x80\x80" "a\xe3\x80\x80\"}", "too_short", "name"); /* U+3000 trimmed */
	expect("{}", "missing_field", "name");
	expect("{\"name\":null}", "missing_field", "name");
	expect("{\"name\":\"ab\",\"extra\":1}", "unknown_field", "extra");
	expect("{\"name\":5}", "invalid_type", "name");
	expect("{\"name\":\"a\\tb\"}", "invalid_characters", "name");
	expect("{\"name\":\"ab\",\"note\":\"line\\nline\"}", NULL, NULL);
	expect("{\"name\":\"ab\",\"note\":\"bell\\u0007\"}", "invalid_characters", "note");
	expect("{\"name\":\"ab\",\"note\":\"12345678901\"}", "too_long", "note");
	expect("{\"name\":\"ab\",\"n\":0}", "out_of_range", "n");
	expect("{\"name\":\"ab\",\"n\":101}", "out_of_range", "n");
	expect("{\"name\":\"ab\",\"n\":1.5}", "invalid_type", "n");
	expect("{\"name\":\"ab\",\"n\":\"5\"}", "invalid_type", "n");
	expect("{\"name\":\"ab\",\"flag\":1}", "invalid_type", "flag");
	expect("{\"name\":\"ab\",\"flag\":false}", NULL, NULL);
	expect("{\"name\":\"ab\",\"colour\":\"blue\"}", "invalid_value", "colour");
	expect("{\"name\":\"ab\",\"colour\":\"red\"}", NULL, NULL);
	expect("{\"name\":\"ab\",\"at\":\"2026-12-01T09:00:00+08:00\"}", NULL, NULL);
	expect("{\"name\":\"ab\",\"at\":\"2026-12-01\"}", "invalid_time", "at");
	expect("{\"name\":\"ab\",\"tags\":[\"a\",\"b\",\"c\"]}", NULL, NULL);
	expect("{\"name\":\"ab\",\"tags\":[\"a\",\"b\",\"c\",\"d\"]}", "too_many", "tags");
	expect("{\"name\":\"ab\",\"tags\":[\"abcde\"]}", "too_long", "tags");
	expect("{\"name\":\"ab\",\"tags\":[1]}", "invalid_type", "tags");
	expect("{\"name\":\"ab\",\"tags\":[\"\"]}", "too_short", "tags");
	expect("{\"name\":\"ab\",\"tags\":\"a\"}", "invalid_type", "tags");
	expect("{\"name\":\"ab\",\"picks\":[]}", "too_short", "picks");
	expect("{\"name\":\"ab\",\"picks\":[\"red\",\"pink\"]}", "invalid_value", "picks");
	expect("{\"name\":\"ab\",\"opt\":null}", NULL, NULL);
	expect("{\"name\":\"ab\",\"note\":null}", "invalid_type", "note");
}

static void test_not_object(void **state)
{
	(void)state;
	struct schema_err e;
	json_t *a = json_array();
	assert_int_equal(schema_check_body(&sample, a, &e), -1);
	assert_string_equal(e.code, "body_not_object");
	json_decref(a);
}

static void test_trim_in_place(void **state)
{
	(void)state;
	json_t *j = json_loads("{\"name\":\" abc  \"}", 0, NULL);
	struct schema_err e;
	assert_int_equal(schema_check_body(&sample, j, &e), 0);
	assert_string_equal(json_string_value(json_object_get(j, "name")), "abc");
	json_decref(j);
}

static int query(const char *const *kv, int n, struct schema_err *e)
{
	struct qparam q[8];
	for (int i = 0; i < n; i++) {
		q[i].name = (char *)kv[2 * i];
		q[i].value = (char *)kv[2 * i + 1];
	}
	return schema_check_query(&schema_page, q, n, e);
}

static void test_query(void **state)
{
	(void)state;
	struct schema_err e;
	const char *ok[] = {"page", "2", "per_page", "100"};
	assert_int_equal(query(ok, 2, &e), 0);
	const char *big[] = {"per_page", "101"};
	assert_int_equal(query(big, 1, &e), -1);
	assert_string_equal(e.code, "invalid_parameter");
	assert_string_equal(e.field, "per_page");
	const char *zero[] = {"page", "0"};
	assert_int_equal(query(zero, 1, &e), -1);
	const char *word[] = {"page", "two"};
	assert_int_equal(query(word, 1, &e), -1);
	const char *trailing[] = {"page", "2x"};
	assert_int_equal(query(trailing, 1, &e), -1);
	const char *unknown[] = {"pgae", "2"};
	assert_int_equal(query(unknown, 1, &e), -1);
	assert_string_equal(e.code, "unknown_parameter");
	assert_string_equal(e.field, "pgae");
	const char *twice[] = {"page", "1", "page", "2"};
	assert_int_equal(query(twice, 2, &e), -1);
	assert_string_equal(e.code, "invalid_parameter");
}

static void test_parse_int(void **state)
{
	(void)state;
	int64_t v;
	assert_int_equal(parse_int64("42", &v), 0);
	assert_int_equal(v, 42);
	assert_int_equal(parse_int64("-7", &v), 0);
	assert_int_equal(parse_int64("9223372036854775808", &v), -1);
	assert_int_equal(parse_int64(" 1", &v), -1);
	assert_int_equal(parse_int64("", &v), -1);
	assert_int_equal(parse_int64("0x10", &v), -1);
	assert_int_equal(utf8_chars("张三", 6, 0), 2);
	assert_int_equal(utf8_chars("a\nb", 3, 0), -1);
	assert_int_equal(utf8_chars("a\nb", 3, 1), 3);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_body), cmocka_unit_test(test_not_object),
		cmocka_unit_test(test_trim_in_place), cmocka_unit_test(test_query),
		cmocka_unit_test(test_parse_int),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
