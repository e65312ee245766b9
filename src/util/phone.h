/* phone.h — mainland mobile numbers. */
#ifndef PHONE_H
#define PHONE_H

/* 1 for a mainland mobile number: 11 digits, 13x to 19x. */
int phone_valid(const char *p);
/* A mobile number as someone types it (spaces, hyphens, a leading +86 or 86) into its 11 digits in
 * out; 1 when that is a valid number, else 0. */
int phone_normalise(const char *typed, char out[12]);

#endif
