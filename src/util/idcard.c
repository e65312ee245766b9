/* idcard.c — GB 11643 validation. The province codes are those of the national administrative
 * division list (11–15, 21–23, 31–37, 41–46, 50–54, 61–65); Hong Kong, Macao and Taiwan residents
 * hold other documents. */
#include "idcard.h"

#include <ctype.h>
#include <string.h>

#include "timefmt.h"

static const int weights[17] = {7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2};
static const char checks[] = "10X98765432";

char idcard_check_char(const char *first17)
{
	int sum = 0;
	for (int i = 0; i < 17; i++) {
		if (first17[i] < '0' || first17[i] > '9')
			return 0;
		sum += (first17[i] - '0') * weights[i];
	}
	return checks[sum % 11];
}

static int province_ok(int p)
{
	return (p >= 11 && p <= 15) || (p >= 21 && p <= 23) || (p >= 31 && p <= 37) ||
	       (p >= 41 && p <= 46) || (p >= 50 && p <= 54) || (p >= 61 && p <= 65);
}

static int num(const char *s, int n)
{
	int v = 0;
	for (int i = 0; i < n; i++)
		v = v * 10 + (s[i] - '0');
	return v;
}

int idcard_parse(const char *s, int64_t today_days, struct idcard *out)
{
	char n[19];
	if (!s || strlen(s) != 18)
		return 0;
	for (int i = 0; i < 18; i++)
		n[i] = (char)toupper((unsigned char)s[i]);
	n[18] = '\0';
	for (int i = 0; i < 17; i++)
		if (n[i] < '0' || n[i] > '9')
			return 0;
	if (idcard_check_char(n) != n[17])
		return 0;
	if (!province_ok(num(n, 2)))
		return 0;
	int y = num(n + 6, 4), m = num(n + 10, 2), d = num(n + 12, 2);
	if (y < 1900 || !time_valid_date(y, m, d))
		return 0;
	if (time_days_from_civil(y, (unsigned)m, (unsigned)d) > today_days)
		return 0;
	if (out) {
		out->year = y;
		out->month = m;
		out->day = d;
		out->male = (n[16] - '0') % 2 == 1;
		memcpy(out->norm, n, 19);
	}
	return 1;
}

void idcard_mask(const char *norm, char out[19])
{
	size_t len = strlen(norm);
	memset(out, '*', 18);
	out[18] = '\0';
	if (len != 18)
		return;
	memcpy(out, norm, IDCARD_MASK_HEAD);
	out[17] = norm[17];
}

int idcard_age(const struct idcard *c, int64_t today_days)
{
	int64_t y, m, d;
	time_civil_from_days(today_days, &y, &m, &d);
	int age = (int)(y - c->year);
	if (m < c->month || (m == c->month && d < c->day))
		age--;
	return age < 0 ? 0 : age;
}
