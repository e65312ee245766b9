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
/* 1 when y-m-d is a real calendar date. */
int time_valid_date(int y, int m, int d);

#endif
