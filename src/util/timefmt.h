/* timefmt.h — ISO 8601 in and out. Stored times are UTC seconds; output carries the configured
 * zone offset (Asia/Shanghai, +08:00, unless configured); input must carry an offset. */
#ifndef TIMEFMT_H
#define TIMEFMT_H

#include <stdint.h>

#define TIME_ISO_LEN 32

/* Sets the output offset in minutes east of UTC (default 480). */
void time_set_offset(int minutes);
int time_offset(void);
/* Writes "2026-12-01T09:00:00+08:00" into out (TIME_ISO_LEN bytes). */
void time_format_iso(int64_t t, char out[TIME_ISO_LEN]);
/* Parses "YYYY-MM-DDTHH:MM:SS(.fff)?(Z|±HH:MM)"; returns 0 or -1 for anything else. */
int time_parse_iso(const char *s, int64_t *out);
/* Days since 1970-01-01 of a proleptic Gregorian date; no range checks. */
int64_t time_days_from_civil(int64_t y, unsigned m, unsigned d);
/* The proleptic Gregorian date of a day since 1970-01-01. */
void time_civil_from_days(int64_t days, int64_t *y, int64_t *m, int64_t *d);
/* 1 when y-m-d is a real calendar date. */
int time_valid_date(int y, int m, int d);

/* ---- dates and quarters in the configured zone ---- */

/* The local calendar day (days since 1970-01-01) of instant t. */
int64_t time_local_days(int64_t t);
/* The instant a local day begins. */
int64_t time_day_start(int64_t days);
/* Today's local day. */
int64_t time_today(void);
/* "2026-12-01" into out (11 bytes). */
void time_format_date(int64_t days, char out[11]);
/* The day months after days, clamped to the month's end (Jan 31 + 1 month = Feb 28/29). */
int64_t time_add_months(int64_t days, int months);
/* The quarter of instant t as year*4 + quarter-1 (2026-Q4 is 8107). */
int time_quarter(int64_t t);
/* The instant quarter q begins. */
int64_t time_quarter_start(int q);
/* "2026-Q4" into out (8 bytes); parsing the same, 0 or -1. */
void time_format_quarter(int q, char out[8]);
int time_parse_quarter(const char *s, int *q);
/* The month of instant t as year*12 + month-1 (2026-11 is 24322), its first instant, and
 * "2026-11" into out (8 bytes); parsing the same, 0 or -1. */
int time_month(int64_t t);
int64_t time_month_start(int month);
void time_format_month(int month, char out[8]);
int time_parse_month(const char *s, int *month);

#endif
