/* phone.c — mainland mobile numbers. */
#include "phone.h"

#include <string.h>

#include "strbuf.h"

int phone_valid(const char *p)
{
	if (!p || strlen(p) != 11 || p[0] != '1' || p[1] < '3' || p[1] > '9')
		return 0;
	for (int i = 2; i < 11; i++)
		if (p[i] < '0' || p[i] > '9')
			return 0;
	return 1;
}

int phone_normalise(const char *typed, char out[12])
{
	char d[24];
	size_t n = 0;
	out[0] = '\0';
	if (!typed)
		return 0;
	for (const char *p = typed; *p; p++) {
		if (*p == ' ' || *p == '-')
			continue;
		if (*p == '+' && p == typed)
			continue;
		if (*p < '0' || *p > '9' || n + 1 >= sizeof d)
			return 0;
		d[n++] = *p;
	}
	d[n] = '\0';
	const char *digits = d;
	if (n == 13 && d[0] == '8' && d[1] == '6')
		digits += 2;
	if (!phone_valid(digits))
		return 0;
	str_copy(out, 12, digits);
	return 1;
}
