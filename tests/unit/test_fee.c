/* A booking's fee and time served: the unit price times the quantity the unit implies. */
#include "testutil.h"

#include "services/fee.h"
#include "util/timefmt.h"

#define H 3600

static void test_quantity_hours(void **state)
{
	(void)state;
	const char *why;
	int64_t t = 1796000000;
	assert_int_equal(fee_quantity("hour", t, t + 3 * H, &why), 300);
	assert_null(why);
	assert_int_equal(fee_quantity("hour", t, t + 3 * H / 2, &why), 150);
	assert_int_equal(fee_quantity("hour", t, t + FEE_MAX_HOURS * H, &why), FEE_MAX_HOURS * 100);
	/* not a whole or half hour, under an hour, over the day's limit */
	assert_int_equal(fee_quantity("hour", t, t + 2 * H + 600, &why), 0);
	assert_string_equal(why, "not_whole_hours");
	assert_int_equal(fee_quantity("hour", t, t + H / 2, &why), 0);
	assert_string_equal(why, "too_short");
	assert_int_equal(fee_quantity("hour", t, t + (FEE_MAX_HOURS + 1) * H, &why), 0);
	assert_string_equal(why, "too_long");
	assert_int_equal(fee_quantity("hour", t, t, &why), 0);
	assert_string_equal(why, "too_short");
}

static void test_quantity_visit_day_month(void **state)
{
	(void)state;
	const char *why;
	time_set_offset(8 * 60);
	int64_t day = time_day_start(time_days_from_civil(2027, 3, 1));
	/* a visit is one, however long it takes */
	assert_int_equal(fee_quantity("visit", day + 9 * H, day + 12 * H, &why), 100);
	assert_int_equal(fee_quantity("visit", day + 9 * H, day + 9 * H + 600, &why), 0);
	assert_string_equal(why, "too_short");
	/* days: the calendar days the window touches, in local time */
	assert_int_equal(fee_quantity("day", day + 8 * H, day + 18 * H, &why), 100);
	assert_int_equal(fee_quantity("day", day + 8 * H, day + 2 * 86400 + 18 * H, &why), 300);
	assert_int_equal(fee_quantity("day", day + 8 * H, day + 86400, &why), 100);  /* ends at midnight */
	assert_int_equal(fee_quantity("day", day, day + 40 * 86400, &why), 0);
	assert_string_equal(why, "too_long");
	/* a month is asked of the company, never booked by the hour */
	assert_int_equal(fee_quantity("month", day + 9 * H, day + 11 * H, &why), 0);
	assert_string_equal(why, "by_request");
	assert_int_equal(fee_quantity("week", day, day + H, &why), 0);
	assert_string_equal(why, "unit_unknown");
	assert_int_equal(fee_quantity(NULL, day, day + H, &why), 0);
}

static void test_total(void **state)
{
	(void)state;
	/* a 3-hour job at ¥54 an hour is ¥162, not ¥54 */
	assert_int_equal(fee_total(5400, 300), 16200);
	assert_int_equal(fee_total(5400, 150), 8100);
	assert_int_equal(fee_total(4999, 150), 7499);   /* 7498.5 rounds half up */
	assert_int_equal(fee_total(4998, 150), 7497);
	assert_int_equal(fee_total(30000, 300), 90000);
	assert_int_equal(fee_total(12345, 100), 12345);
}

static void test_left_early_and_served(void **state)
{
	(void)state;
	int64_t start = 1796000000, end = start + 3 * H;
	/* the 17-second service: checked in 45 minutes early, out 17 seconds later */
	int64_t in = start - 45 * 60, out = in + 17;
	assert_true(fee_left_early(end, out, 15));
	assert_int_equal(fee_served_minutes(start, in, out), 0);
	/* within the tolerance of the end is not early; a minute before it is */
	assert_false(fee_left_early(end, end - 15 * 60, 15));
	assert_true(fee_left_early(end, end - 15 * 60 - 1, 15));
	assert_false(fee_left_early(end, end + 60, 0));
	/* an early arrival counts from the booked start; a late one from the check-in */
	assert_int_equal(fee_served_minutes(start, start - 30 * 60, end), 180);
	assert_int_equal(fee_served_minutes(start, start + 20 * 60, end), 160);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_quantity_hours), cmocka_unit_test(test_quantity_visit_day_month),
		cmocka_unit_test(test_total), cmocka_unit_test(test_left_early_and_served),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
