/* demo_world.h — what the demo's parts share: who acts, what the earlier parts left, the seeded
 * generator, and the parts demo_load runs, one beside each capability. */
#ifndef DEMO_WORLD_H
#define DEMO_WORLD_H

#include <stdint.h>

#include "anjia.h"

struct store;

/* Who the demo's parts act as, and what the earlier parts left the later ones. */
struct demo_world {
	struct actor admin;
	struct actor trainer;           /* trainer1, of the training school */
	int64_t training_id;            /* the training school */
	int64_t company_id[6];
	struct actor company_actor[6];
	const struct actor *customer;   /* customer actors; [0] is customer1 */
	int n_customers;
	int64_t worker_user[7];         /* the users worker1…worker6 */
	int64_t workers, history;
	int64_t today, now;
};

/* The demo's seeded generator (splitmix64: small, fast and the same everywhere): the next number,
 * and one in [0, n). */
static inline uint64_t demo_next(uint64_t *s)
{
	uint64_t z = (*s += 0x9E3779B97F4A7C15ull);
	z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
	z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
	return z ^ (z >> 31);
}

static inline int64_t demo_rand(uint64_t *s, int64_t n)
{
	return n > 0 ? (int64_t)(demo_next(s) % (uint64_t)n) : 0;
}

/* The city's surnames, for the people the parts make up. */
extern const char *const demo_surnames[];
extern const size_t demo_surname_count;

/* The association's courses and certificate policies, and dw->workers workers with 16 months of
 * history each; links the logins worker1…worker6 to the first worker of their company. */
int demo_workforce(struct store *s, const struct demo_world *dw, uint64_t *rng);

/* The categories, the companies' offers, and months of bookings and reviews. */
int demo_services(struct store *s, const struct demo_world *dw, uint64_t *rng);

/* Three months of complaints and claims, and the last two months' sampling plans with their spot
 * checks, lived through with the deadline job; nothing when no service was completed. */
int demo_complaints(struct store *s, const struct demo_world *dw, uint64_t *rng);

/* Today's personal-data business: a transfer request waiting for a worker, a customer asking to
 * see a worker's full record, corrections asked and answered. */
int demo_privacy(struct store *s, const struct demo_world *dw, uint64_t *rng);

#endif
