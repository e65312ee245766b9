/* uscc.c — GB 32100 check character: weights 3^i mod 31 over the 31-character alphabet
 * (digits and upper-case letters without I, O, Z, S, V). */
#include "uscc.h"

#include <string.h>

static const char alphabet[] = "0123456789ABCDEFGHJKLMNPQRTUWXY";
static const int weights[17] = {1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28};

static int value_of(char c)
{
	const char *p = c ? strchr(alphabet, c) : NULL;
	return p ? (int)(p - alphabet) : -1;
}

char uscc_check_char(const char *first17)
{
	int sum = 0;
	for (int i = 0; i < 17; i++) {
		int v = value_of(first17[i]);
		if (v < 0)
			return 0;
		sum += v * weights[i];
	}
	return alphabet[(31 - sum % 31) % 31];
}

int uscc_valid(const char *code)
{
	if (!code || strlen(code) != 18)
		return 0;
	/* positions 3-8 are the registering authority's administrative division code */
	for (int i = 2; i < 8; i++)
		if (code[i] < '0' || code[i] > '9')
			return 0;
	if (value_of(code[17]) < 0)
		return 0;
	char c = uscc_check_char(code);
	return c != 0 && c == code[17];
}
