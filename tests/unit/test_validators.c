/* Validators at the edge: GB 32100 credit codes, ISO 8601 times. */
#include "testutil.h"

#include "privacy/address_index.h"
#include "util/timefmt.h"
#include "util/uscc.h"

static void test_uscc_known(void **state)
{
	(void)state;
	assert_true(uscc_valid("91350100M000100Y43"));
	/* every check character the alphabet can give, from prefixes made for it */
	static const char *const prefixes[] = {"91330102007042692", "51330100590518538",
					      "9111000010000000X", "12100000400000624"};
	for (size_t i = 0; i < sizeof prefixes / sizeof prefixes[0]; i++) {
		char code[19];
		memcpy(code, prefixes[i], 17);
		code[17] = uscc_check_char(prefixes[i]);
		code[18] = '\0';
		assert_true(uscc_valid(code));
		/* any other final character is wrong */
		for (const char *c = "0123456789ABCDEFGHJKLMNPQRTUWXY"; *c; c++) {
			code[17] = *c;
			assert_int_equal(uscc_valid(code), *c == uscc_check_char(prefixes[i]));
		}
	}
}

static void test_uscc_bad(void **state)
{
	(void)state;
	assert_false(uscc_valid(NULL));
	assert_false(uscc_valid(""));
	assert_false(uscc_valid("91350100M000100Y4"));    /* 17 */
	assert_false(uscc_valid("91350100M000100Y433"));  /* 19 */
	assert_false(uscc_valid("91350100M000100Y44"));   /* wrong check */
	assert_false(uscc_valid("91350100m000100Y43"));   /* lower case is not of the alphabet */
	assert_false(uscc_valid("9135010OM000100Y43"));   /* O in the division code */
	assert_false(uscc_valid("91350100I000100Y43"));   /* I is not of the alphabet */
	assert_false(uscc_valid("91350100M000100Z43"));   /* Z either */
	assert_int_equal(uscc_check_char("9135010OM000100Y4"), 0); /* O is not of the alphabet */
	assert_int_equal(uscc_check_char("91350100S000100Y4"), 0); /* S is not of the alphabet */
}

static void test_time_parse(void **state)
{
	(void)state;
	int64_t t;
	assert_int_equal(time_parse_iso("2026-12-01T09:00:00+08:00", &t), 0);
	assert_int_equal(t, 1796086800);
	assert_int_equal(time_parse_iso("2026-12-01T01:00:00Z", &t), 0);
	assert_int_equal(t, 1796086800);
	assert_int_equal(time_parse_iso("2026-11-30T20:00:00-05:00", &t), 0);
	assert_int_equal(t, 1796086800);
	assert_int_equal(time_parse_iso("2026-12-01T01:00:00.123Z", &t), 0);
	assert_int_equal(time_parse_iso("2024-02-29T00:00:00Z", &t), 0);
	assert_int_equal(time_parse_iso("1970-01-01T00:00:00Z", &t), 0);
	assert_int_equal(t, 0);

	static const char *const bad[] = {
		"", "2026-12-01", "2026-12-01T09:00:00", "2025-02-29T00:00:00Z", "2026-13-01T00:00:00Z",
		"2026-04-31T00:00:00Z", "2026-12-01T24:00:00Z", "2026-12-01T09:60:00Z",
		"2026-12-01T09:00:00+8:00", "2026-12-01T09:00:00+08:00x", "2026-12-01 09:00:00Z",
		"2026-12-01T09:00:00.Z", "２０２６-12-01T09:00:00Z", "2026-12-01T09:00:00+24:00",
	};
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++)
		assert_int_equal(time_parse_iso(bad[i], &t), -1);
}

static void test_time_format(void **state)
{
	(void)state;
	char buf[TIME_ISO_LEN];
	time_format_iso(1796086800, buf);
	assert_string_equal(buf, "2026-12-01T09:00:00+08:00");
	time_set_offset(-330);
	time_format_iso(1796086800, buf);
	assert_string_equal(buf, "2026-11-30T19:30:00-05:30");
	time_set_offset(0);
	time_format_iso(951782400, buf);
	assert_string_equal(buf, "2000-02-29T00:00:00+00:00");
	time_set_offset(480);
	/* format then parse gives the instant back, across a range of dates */
	for (int64_t t = -86400LL * 365 * 60; t < 86400LL * 365 * 200; t += 86400 * 37 + 3671) {
		int64_t back;
		time_format_iso(t, buf);
		assert_int_equal(time_parse_iso(buf, &back), 0);
		assert_int_equal(back, t);
	}
}

static void test_valid_date(void **state)
{
	(void)state;
	assert_true(time_valid_date(2000, 2, 29));
	assert_false(time_valid_date(1900, 2, 29));
	assert_true(time_valid_date(2024, 12, 31));
	assert_false(time_valid_date(2024, 0, 1));
	assert_false(time_valid_date(0, 1, 1));
}

/* An address written one way, for its blind index: spaces, punctuation and the width of letters and
 * digits say nothing of where someone lives. */
static void test_address_normal(void **state)
{
	(void)state;
	char a[256], b[256];
	address_normal("杭州市上城区解放路 88 号 1 幢 101 室", a, sizeof a);
	address_normal("杭州市上城区解放路８８号１幢１０１室", b, sizeof b);
	assert_string_equal(a, "杭州市上城区解放路88号1幢101室");
	assert_string_equal(a, b);
	address_normal("  杭州市，西湖区。文三路-90号(A座)　3幢 ", a, sizeof a);
	assert_string_equal(a, "杭州市西湖区文三路90号a座3幢");
	/* different numbers stay apart */
	address_normal("解放路88号", a, sizeof a);
	address_normal("解放路89号", b, sizeof b);
	assert_string_not_equal(a, b);
	/* nothing left: empty; a small buffer is cut at a whole character */
	address_normal(" ,.。 ", a, sizeof a);
	assert_string_equal(a, "");
	address_normal("解放路", a, 7);
	assert_string_equal(a, "解放");
	address_normal(NULL, a, sizeof a);
	assert_string_equal(a, "");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_uscc_known), cmocka_unit_test(test_uscc_bad),
		cmocka_unit_test(test_time_parse), cmocka_unit_test(test_time_format),
		cmocka_unit_test(test_valid_date), cmocka_unit_test(test_address_normal),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
