/* phone.c — mainland mobile numbers. */
#include "phone.h"

#include <string.h>

int phone_valid(const char *p)
{
	if (!p || strlen(p) != 11 || p[0] != '1' || p[1] < '3' || p[1] > '9')
		return 0;
	for (int i = 2; i < 11; i++)
		if (p[i] < '0' || p[i] > '9')
			return 0;
	return 1;
}
