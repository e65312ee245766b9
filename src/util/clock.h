/* clock.h — the platform's notion of now, in UTC seconds. Tests set it to drive deadlines. */
#ifndef CLOCK_H
#define CLOCK_H

#include <stdint.h>

int64_t clock_now(void);
/* Pins now to t (UTC seconds); 0 returns to the real clock. */
void clock_set(int64_t t);

#endif
