/* The JSON writer: everything it writes must parse back with jansson, whatever the input bytes. */
#include "testutil.h"

#include <jansson.h>
#include <sodium.h>

#include "util/json_out.h"
#include "util/timefmt.h"

static json_t *parse(struct strbuf *sb)
{
	json_error_t e;
	json_t *j = json_loadb(sb->buf, sb->len, JSON_ALLOW_NUL, &e);
	if (!j)
		fail_msg("not JSON (%s): %.200s", e.text, sb->buf);
	return j;
}

/* Writes {"s": <n bytes>} and returns the parsed object. */
static json_t *roundtrip(const char *bytes, size_t n)
{
	struct strbuf sb;
	struct jw w;
	strbuf_init(&sb, 1 << 20);
	jw_init(&w, &sb);
	jw_obj(&w);
	jw_key(&w, "s");
	jw_strn(&w, bytes, n);
	jw_obj_end(&w);
	json_t *j = parse(&sb);
	strbuf_free(&sb);
	return j;
}

static void test_structure(void **state)
{
	(void)state;
	struct strbuf sb;
	struct jw w;
	strbuf_init(&sb, 4096);
	jw_init(&w, &sb);
	jw_obj(&w);
	jw_kint(&w, "a", -9223372036854775807LL - 1);
	jw_kbool(&w, "t", 1);
	jw_kbool(&w, "f", 0);
	jw_knull(&w, "n");
	jw_kid(&w, "none", 0);
	jw_kid(&w, "some", 7);
	jw_key(&w, "arr");
	jw_arr(&w);
	jw_int(&w, 1);
	jw_arr(&w);
	jw_arr_end(&w);
	jw_obj(&w);
	jw_obj_end(&w);
	jw_str(&w, NULL);
	jw_tenths(&w, 48);
	jw_tenths(&w, -5);
	jw_arr_end(&w);
	jw_kstr(&w, "", "");
	jw_obj_end(&w);
	assert_string_equal(sb.buf, "{\"a\":-9223372036854775808,\"t\":true,\"f\":false,\"n\":null,"
				    "\"none\":null,\"some\":7,\"arr\":[1,[],{},null,4.8,-0.5],\"\":\"\"}");
	json_t *j = parse(&sb);
	assert_true(json_is_object(j));
	json_decref(j);
	strbuf_free(&sb);
}

static void test_escapes(void **state)
{
	(void)state;
	static const char hostile[] = "\"\\/\b\f\n\r\t\x01\x1f\x7f</script>\xe2\x80\xa8\xe2\x80\xa9 张*华 😀";
	json_t *j = roundtrip(hostile, sizeof hostile - 1);
	assert_string_equal(json_string_value(json_object_get(j, "s")), hostile);
	json_decref(j);

	/* an embedded NUL is escaped, and jansson (without JSON_ALLOW_NUL) is the judge */
	struct strbuf sb;
	strbuf_init(&sb, 100);
	json_escape(&sb, "a\0b", 3);
	assert_string_equal(sb.buf, "\"a\\u0000b\"");
	strbuf_free(&sb);
}

static void test_invalid_utf8(void **state)
{
	(void)state;
	static const struct {
		const char *in;
		size_t n;
	} cases[] = {
		{"\xff", 1}, {"\xc0\xaf", 2}, {"\xe0\x80\xaf", 3}, {"\xed\xa0\x80", 3},
		{"\xf4\x90\x80\x80", 4}, {"\xe4\xb8", 2}, {"ok\x80", 3}, {"\xf0\x9f\x98", 3},
	};
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		json_t *j = roundtrip(cases[i].in, cases[i].n);
		const char *s = json_string_value(json_object_get(j, "s"));
		assert_non_null(strstr(s, "\xef\xbf\xbd")); /* U+FFFD */
		json_decref(j);
	}
}

/* 20,000 random byte strings: always valid JSON, and valid UTF-8 input comes back unchanged. */
static void test_random_bytes(void **state)
{
	(void)state;
	unsigned char buf[64];
	for (int i = 0; i < 20000; i++) {
		size_t n = (size_t)(randombytes_uniform(sizeof buf) + 1);
		randombytes_buf(buf, n);
		json_t *j = roundtrip((const char *)buf, n);
		assert_non_null(j);
		json_decref(j);
	}
	static const char valid[] = "中文、English, ünïcödé and 𝄞";
	json_t *j = roundtrip(valid, sizeof valid - 1);
	assert_string_equal(json_string_value(json_object_get(j, "s")), valid);
	json_decref(j);
}

static void test_time(void **state)
{
	(void)state;
	struct strbuf sb;
	struct jw w;
	strbuf_init(&sb, 256);
	jw_init(&w, &sb);
	jw_arr(&w);
	jw_time(&w, 1764547200); /* 2025-12-01T00:00:00Z */
	jw_time(&w, 0);
	jw_arr_end(&w);
	assert_string_equal(sb.buf, "[\"2025-12-01T08:00:00+08:00\",null]");
	strbuf_free(&sb);
}

static void test_limit(void **state)
{
	(void)state;
	struct strbuf sb;
	struct jw w;
	strbuf_init(&sb, 16);
	jw_init(&w, &sb);
	jw_str(&w, "this is longer than sixteen bytes");
	assert_true(sb.failed);
	strbuf_free(&sb);
}

int main(void)
{
	assert_int_equal(digest_init(), 0);
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_structure), cmocka_unit_test(test_escapes),
		cmocka_unit_test(test_invalid_utf8), cmocka_unit_test(test_random_bytes),
		cmocka_unit_test(test_time), cmocka_unit_test(test_limit),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
