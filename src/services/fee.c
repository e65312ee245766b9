/* fee.c — a booking's quantity, fee and time served (see fee.h). */
#include "fee.h"

#include <string.h>

#include "util/timefmt.h"

int64_t fee_quantity(const char *unit, int64_t start, int64_t end, const char **why)
{
	int64_t secs = end - start;
	*why = NULL;
	if (!unit) {
		*why = "unit_unknown";
		return 0;
	}
	if (strcmp(unit, "month") == 0) {
		*why = "by_request";
		return 0;
	}
	if (secs <= 0) {
		*why = "too_short";
		return 0;
	}
	if (strcmp(unit, "hour") == 0 || strcmp(unit, "visit") == 0) {
		int hourly = unit[0] == 'h';
		if (secs < (hourly ? 3600 : 1800))
			*why = "too_short";
		else if (secs > FEE_MAX_HOURS * 3600)
			*why = "too_long";
		else if (hourly && secs % 1800)
			*why = "not_whole_hours";
		if (*why)
			return 0;
		return hourly ? secs / 36 : 100;
	}
	if (strcmp(unit, "day") == 0) {
		/* the calendar days the window touches, in local time */
		int64_t days = time_local_days(end - 1) - time_local_days(start) + 1;
		if (days > FEE_MAX_DAYS) {
			*why = "too_long";
			return 0;
		}
		return days * 100;
	}
	*why = "unit_unknown";
	return 0;
}

/* Seconds since local midnight of instant t. */
static int64_t local_secs(int64_t t)
{
	int64_t secs = (t + (int64_t)time_offset() * 60) % 86400;
	return secs < 0 ? secs + 86400 : secs;
}

int fee_in_service_hours(const char *unit, int64_t start, int64_t end, const struct fee_hours *h)
{
	if (!unit || end <= start)
		return 0;
	int64_t from = local_secs(start);
	if (strcmp(unit, "hour") == 0 || strcmp(unit, "visit") == 0) {
		/* the end on the start's day: a window past midnight ends after any hour of that day */
		int64_t to = from + (end - start);
		return from >= (int64_t)h->hourly_from * 3600 && to <= (int64_t)h->hourly_until * 3600;
	}
	if (strcmp(unit, "day") == 0)
		return from >= (int64_t)h->day_from * 3600 && from <= (int64_t)h->day_until * 3600;
	return 1;
}

int64_t fee_total(int64_t unit_price_fen, int64_t quantity_centi)
{
	return (unit_price_fen * quantity_centi + 50) / 100;
}

int fee_left_early(int64_t end, int64_t out, int tolerance_minutes)
{
	return out < end - (int64_t)tolerance_minutes * 60;
}

int64_t fee_served_minutes(int64_t start, int64_t checked_in, int64_t checked_out)
{
	int64_t from = checked_in > start ? checked_in : start;
	return checked_out > from ? (checked_out - from) / 60 : 0;
}
