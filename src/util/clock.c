/* clock.c — real time unless a test pinned it. */
#include "clock.h"

#include <stdatomic.h>
#include <time.h>

static _Atomic int64_t pinned;

int64_t clock_now(void)
{
	int64_t p = atomic_load(&pinned);
	if (p)
		return p;
	/* the precise clock: time() reads a coarse one that can lag a second boundary by a tick */
	struct timespec ts;
	clock_gettime(CLOCK_REALTIME, &ts);
	return (int64_t)ts.tv_sec;
}

void clock_set(int64_t t)
{
	atomic_store(&pinned, t);
}
