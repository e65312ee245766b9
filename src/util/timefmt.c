/* timefmt.c — civil-date arithmetic (Howard Hinnant's algorithms) so no libc time zone or
 * locale state is involved. */
#include "timefmt.h"

#include <string.h>

#include "clock.h"


static int offset_min = 480;

void time_set_offset(int minutes)
{
	offset_min = minutes;
}

int time_offset(void)
{
	return offset_min;
}

int64_t time_days_from_civil(int64_t y, unsigned m, unsigned d)
{
	y -= m <= 2;
	int64_t era = (y >= 0 ? y : y - 399) / 400;
	unsigned yoe = (unsigned)(y - era * 400);
	unsigned doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
	unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
	return era * 146097 + (int64_t)doe - 719468;
}

static void civil_from_days(int64_t z, int64_t *y, unsigned *m, unsigned *d)
{
	z += 719468;
	int64_t era = (z >= 0 ? z : z - 146096) / 146097;
	unsigned doe = (unsigned)(z - era * 146097);
	unsigned yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
	unsigned doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
	unsigned mp = (5 * doy + 2) / 153;
	*d = doy - (153 * mp + 2) / 5 + 1;
	*m = mp < 10 ? mp + 3 : mp - 9;
	*y = (int64_t)yoe + era * 400 + (*m <= 2);
}

void time_civil_from_days(int64_t days, int64_t *y, int64_t *m, int64_t *d)
{
	unsigned mm, dd;
	civil_from_days(days, y, &mm, &dd);
	*m = mm;
	*d = dd;
}

int time_valid_date(int y, int m, int d)
{
	static const int mdays[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
	if (y < 1 || y > 9999 || m < 1 || m > 12 || d < 1)
		return 0;
	int leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
	int max = mdays[m - 1] + (m == 2 && leap);
	return d <= max;
}

void time_format_iso(int64_t t, char out[TIME_ISO_LEN])
{
	int64_t local = t + (int64_t)offset_min * 60;
	int64_t days = local / 86400, secs = local % 86400;
	if (secs < 0) {
		secs += 86400;
		days -= 1;
	}
	int64_t y;
	unsigned m, d;
	civil_from_days(days, &y, &m, &d);
	int off = offset_min < 0 ? -offset_min : offset_min;
	/* years outside 0..9999 have no ISO 8601 basic form; clamp rather than print garbage */
	if (y < 0)
		y = 0;
	if (y > 9999)
		y = 9999;
	/* written digit by digit: this runs for every time in every response */
	char *o = out;
	int yy = (int)y, h = (int)(secs / 3600), mi = (int)(secs / 60 % 60), se = (int)(secs % 60);
	o[0] = (char)('0' + yy / 1000);
	o[1] = (char)('0' + yy / 100 % 10);
	o[2] = (char)('0' + yy / 10 % 10);
	o[3] = (char)('0' + yy % 10);
	o[4] = '-';
	o[5] = (char)('0' + m / 10);
	o[6] = (char)('0' + m % 10);
	o[7] = '-';
	o[8] = (char)('0' + d / 10);
	o[9] = (char)('0' + d % 10);
	o[10] = 'T';
	o[11] = (char)('0' + h / 10);
	o[12] = (char)('0' + h % 10);
	o[13] = ':';
	o[14] = (char)('0' + mi / 10);
	o[15] = (char)('0' + mi % 10);
	o[16] = ':';
	o[17] = (char)('0' + se / 10);
	o[18] = (char)('0' + se % 10);
	o[19] = offset_min < 0 ? '-' : '+';
	o[20] = (char)('0' + off / 600 % 10);
	o[21] = (char)('0' + off / 60 % 10);
	o[22] = ':';
	o[23] = (char)('0' + off % 60 / 10);
	o[24] = (char)('0' + off % 10);
	o[25] = '\0';
}

/* Reads exactly n digits. */
static int digits(const char **p, int n, int *out)
{
	int v = 0;
	for (int i = 0; i < n; i++) {
		char c = (*p)[i];
		if (c < '0' || c > '9')
			return -1;
		v = v * 10 + (c - '0');
	}
	*p += n;
	*out = v;
	return 0;
}

int time_parse_iso(const char *s, int64_t *out)
{
	int y, mo, d, h, mi, se, oh = 0, om = 0, sign = 1;
	const char *p = s;
	if (digits(&p, 4, &y) || *p++ != '-' || digits(&p, 2, &mo) || *p++ != '-' ||
	    digits(&p, 2, &d) || (*p != 'T' && *p != 't') || !*p++ || digits(&p, 2, &h) ||
	    *p++ != ':' || digits(&p, 2, &mi) || *p++ != ':' || digits(&p, 2, &se))
		return -1;
	if (*p == '.') {
		p++;
		int n = 0;
		while (*p >= '0' && *p <= '9' && n < 9) {
			p++;
			n++;
		}
		if (n == 0)
			return -1;
	}
	if (*p == 'Z' || *p == 'z') {
		p++;
	} else if (*p == '+' || *p == '-') {
		sign = *p++ == '-' ? -1 : 1;
		if (digits(&p, 2, &oh) || *p++ != ':' || digits(&p, 2, &om))
			return -1;
		if (oh > 23 || om > 59)
			return -1;
	} else {
		return -1;
	}
	if (*p != '\0')
		return -1;
	if (!time_valid_date(y, mo, d) || h > 23 || mi > 59 || se > 59)
		return -1;
	int64_t days = time_days_from_civil(y, (unsigned)mo, (unsigned)d);
	*out = days * 86400 + h * 3600 + mi * 60 + se - sign * (oh * 3600 + om * 60);
	return 0;
}

int64_t time_today(void)
{
	return time_local_days(clock_now());
}

int64_t time_local_days(int64_t t)
{
	int64_t local = t + (int64_t)offset_min * 60;
	int64_t days = local / 86400;
	if (local % 86400 < 0)
		days--;
	return days;
}

int64_t time_day_start(int64_t days)
{
	return days * 86400 - (int64_t)offset_min * 60;
}

void time_format_date(int64_t days, char out[11])
{
	int64_t y;
	unsigned m, d;
	civil_from_days(days, &y, &m, &d);
	if (y < 0)
		y = 0;
	if (y > 9999)
		y = 9999;
	int yy = (int)y;
	out[0] = (char)('0' + yy / 1000);
	out[1] = (char)('0' + yy / 100 % 10);
	out[2] = (char)('0' + yy / 10 % 10);
	out[3] = (char)('0' + yy % 10);
	out[4] = '-';
	out[5] = (char)('0' + m / 10);
	out[6] = (char)('0' + m % 10);
	out[7] = '-';
	out[8] = (char)('0' + d / 10);
	out[9] = (char)('0' + d % 10);
	out[10] = '\0';
}

int64_t time_add_months(int64_t days, int months)
{
	static const int mdays[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
	int64_t y;
	unsigned m, d;
	civil_from_days(days, &y, &m, &d);
	int64_t total = y * 12 + (m - 1) + months;
	y = total / 12;
	m = (unsigned)(total % 12) + 1;
	int leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
	unsigned max = (unsigned)mdays[m - 1] + (m == 2 && leap);
	if (d > max)
		d = max;
	return time_days_from_civil(y, m, d);
}

int time_quarter(int64_t t)
{
	int64_t y;
	unsigned m, d;
	civil_from_days(time_local_days(t), &y, &m, &d);
	return (int)(y * 4 + (m - 1) / 3);
}

int64_t time_quarter_start(int q)
{
	return time_day_start(time_days_from_civil(q / 4, (unsigned)(q % 4) * 3 + 1, 1));
}

void time_format_quarter(int q, char out[8])
{
	int y = q / 4;
	if (y < 0)
		y = 0;
	if (y > 9999)
		y = 9999;
	out[0] = (char)('0' + y / 1000);
	out[1] = (char)('0' + y / 100 % 10);
	out[2] = (char)('0' + y / 10 % 10);
	out[3] = (char)('0' + y % 10);
	out[4] = '-';
	out[5] = 'Q';
	out[6] = (char)('1' + q % 4);
	out[7] = '\0';
}

int time_parse_quarter(const char *s, int *q)
{
	if (!s || strlen(s) != 7 || s[4] != '-' || s[5] != 'Q' || s[6] < '1' || s[6] > '4')
		return -1;
	int y = 0;
	for (int i = 0; i < 4; i++) {
		if (s[i] < '0' || s[i] > '9')
			return -1;
		y = y * 10 + (s[i] - '0');
	}
	if (y < 1970)
		return -1;
	*q = y * 4 + (s[6] - '1');
	return 0;
}

int time_month(int64_t t)
{
	int64_t y;
	unsigned m, d;
	civil_from_days(time_local_days(t), &y, &m, &d);
	return (int)(y * 12 + m - 1);
}

int64_t time_month_start(int month)
{
	return time_day_start(time_days_from_civil(month / 12, (unsigned)(month % 12) + 1, 1));
}

void time_format_month(int month, char out[8])
{
	int y = month / 12, m = month % 12 + 1;
	if (y < 0)
		y = 0;
	if (y > 9999)
		y = 9999;
	out[0] = (char)('0' + y / 1000);
	out[1] = (char)('0' + y / 100 % 10);
	out[2] = (char)('0' + y / 10 % 10);
	out[3] = (char)('0' + y % 10);
	out[4] = '-';
	out[5] = (char)('0' + m / 10);
	out[6] = (char)('0' + m % 10);
	out[7] = '\0';
}

int time_parse_month(const char *s, int *month)
{
	if (!s || strlen(s) != 7 || s[4] != '-')
		return -1;
	int y = 0, m = 0;
	for (int i = 0; i < 7; i++) {
		if (i == 4)
			continue;
		if (s[i] < '0' || s[i] > '9')
			return -1;
		if (i < 4)
			y = y * 10 + (s[i] - '0');
		else
			m = m * 10 + (s[i] - '0');
	}
	if (y < 1970 || m < 1 || m > 12)
		return -1;
	*month = y * 12 + m - 1;
	return 0;
}
