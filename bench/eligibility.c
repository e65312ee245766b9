/* eligibility.c — how many "may serve now" judgements one core makes on the demo data set: each
 * one loads a worker's facts and certificate from SQLite and judges them, as a booking would.
 * usage: bench/eligibility DB [SECONDS] */
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#include "store/store.h"
#include "util/clock.h"
#include "util/digest.h"
#include "workforce/eligibility.h"
#include "workforce/trades.h"

static double now_s(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + ts.tv_nsec / 1e9;
}

int main(int argc, char **argv)
{
	if (argc < 2) {
		fprintf(stderr, "usage: %s DB [SECONDS]\n", argv[0]);
		return 2;
	}
	double secs = argc > 2 ? strtod(argv[2], NULL) : 3;
	struct store *s;
	if (digest_init() != 0 || store_open(argv[1], &s) != 0)
		return 1;
	int64_t max_id = 0;
	stmt_one_int(store_sql(s, "SELECT max(worker_id) FROM worker_facts"), &max_id);
	if (max_id < 1) {
		fprintf(stderr, "no workers in %s\n", argv[1]);
		return 1;
	}
	uint64_t rng = 88172645463325252ull;
	long evals = 0, red = 0, yellow = 0;
	int64_t at = clock_now();
	double start = now_s(), end = start + secs;
	while (now_s() < end) {
		for (int k = 0; k < 1000; k++) {
			rng ^= rng << 13, rng ^= rng >> 7, rng ^= rng << 17;
			int64_t id = 1 + (int64_t)(rng % (uint64_t)max_id);
			int trade = (int)((rng >> 32) % TRADE_COUNT);
			struct elig_result res;
			if (elig_evaluate(s, id, trade, at, ELIG_FOR_SERVICE, &res) != 0)
				continue;
			evals++;
			red += res.status == ELIG_RED;
			yellow += res.status == ELIG_YELLOW;
		}
	}
	double took = now_s() - start;
	printf("eligibility: %ld evaluations in %.2f s on one thread: %.0f per second (%ld red, %ld yellow)\n", evals,
	       took, evals / took, red, yellow);
	store_close(s);
	return 0;
}
