/* phone.h — mainland mobile numbers. */
#ifndef PHONE_H
#define PHONE_H

/* 1 for a mainland mobile number: 11 digits, 13x to 19x. */
int phone_valid(const char *p);

#endif
