/* fee.h — what a booking costs and how long it was served: pure rules, no store. A booking's fee is
 * its item's unit price times the quantity the unit implies — the hours of the window, one visit,
 * the days it spans — in hundredths of a unit, as money is in fen. A month is not booked by the
 * hour or the day: it is a long-term placement, asked of the company. */
#ifndef FEE_H
#define FEE_H

#include <stdint.h>

/* An hourly booking is whole or half hours, from 1 to FEE_MAX_HOURS; a visit from half an hour
 * to FEE_MAX_HOURS; a day booking up to FEE_MAX_DAYS calendar days. */
#define FEE_MAX_HOURS 12
#define FEE_MAX_DAYS 31

/* The quantity in hundredths of unit ("hour", "visit", "day") of the window [start, end), or 0 with
 * *why set to the refusal: "not_whole_hours" (an hourly window that is not whole or half hours),
 * "too_short", "too_long", "by_request" (a month item), "unit_unknown". */
int64_t fee_quantity(const char *unit, int64_t start, int64_t end, const char **why);

/* The hours of the day a unit may be booked in (the standards say which). */
struct fee_hours {
	int hourly_from, hourly_until;   /* hour and visit windows lie within [from:00, until:00] of one local day */
	int day_from, day_until;         /* day windows start within [from:00, until:00] local */
};

/* 1 when the window [start, end) of unit lies within the hours h allow it; 0 otherwise. */
int fee_in_service_hours(const char *unit, int64_t start, int64_t end, const struct fee_hours *h);

/* unit_price_fen × quantity_centi / 100, rounded half up to the fen. */
int64_t fee_total(int64_t unit_price_fen, int64_t quantity_centi);

/* Whether a check-out at `out` leaves before the booked end less tolerance_minutes. */
int fee_left_early(int64_t end, int64_t out, int tolerance_minutes);

/* The minutes served: from the check-in, or the booked start when the worker came early, to the
 * check-out; 0 when the check-out came before the start. */
int64_t fee_served_minutes(int64_t start, int64_t checked_in, int64_t checked_out);

#endif
