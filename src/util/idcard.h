/* idcard.h — the resident identity card number (GB 11643-1999): 6 digits of region, 8 of birth
 * date, 3 of sequence (odd for men, even for women) and an ISO 7064 MOD 11-2 check character. */
#ifndef IDCARD_H
#define IDCARD_H

#include <stdint.h>

struct idcard {
	int year, month, day;   /* date of birth */
	int male;               /* 1 male, 0 female */
	char norm[19];          /* the number with a lower-case x made upper-case */
};

/* 1 when s is a valid number whose birth date is a real date no later than today_days (days since
 * 1970-01-01) and not before 1900; fills *out when given. */
int idcard_parse(const char *s, int64_t today_days, struct idcard *out);
/* The check character for the first 17 digits, or 0 if they are not 17 digits. */
char idcard_check_char(const char *first17);
/* How many leading characters a mask keeps, with the last one: with age and sex beside them, no
 * fewer than a million numbers fit what is shown (docs/privacy.md). */
#define IDCARD_MASK_HEAD 3
/* "330**************X": the first three characters and the last, for display. out has 19 bytes. */
void idcard_mask(const char *norm, char out[19]);
/* Whole years of age on day today_days (days since 1970-01-01). */
int idcard_age(const struct idcard *c, int64_t today_days);

#endif
