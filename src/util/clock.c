/* clock.c — real time unless a test pinned it. */
#include "clock.h"

#include <stdatomic.h>
#include <time.h>

static _Atomic int64_t pinned;

int64_t clock_now(void)
{
	int64_t p = atomic_load(&pinned);
	return p ? p : (int64_t)time(NULL);
}

void clock_set(int64_t t)
{
	atomic_store(&pinned, t);
}
