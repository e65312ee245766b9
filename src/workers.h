/* workers.h — the industry's real-name registry: one record per person, found by the keyed hash
 * of their resident ID number, employed by at most one company at a time, with its history. */
#ifndef WORKERS_H
#define WORKERS_H

#include <stdint.h>

#include "anjia.h"
#include "trades.h"
#include "util/json_out.h"

struct store;
struct req;

struct worker_in {
	const char *name;
	const char *id_number;
	const char *phone;
	const char *level;            /* a level code */
	const char *photo_ref;        /* may be NULL */
	const char *experience_since; /* YYYY-MM-DD or NULL */
	int trades[TRADE_COUNT];      /* trade indexes */
	int n_trades;
	int64_t company_id;
};

/* Checks a registration's fields as the API and the import both must; 0, or AJ_EINVAL with *f. */
int worker_validate(const struct worker_in *in, struct fault *f);
/* Registers a person for in->company_id, or links their existing record to it (*linked = 1).
 * Refusals set *f: invalid_id_number, invalid_phone, invalid_date, already_registered,
 * person_revoked (the revocation's reason is copied into detail), name_mismatch.
 * Its own transaction (a savepoint inside a larger one). */
int worker_register(struct store *s, const struct actor *a, const struct worker_in *in, int64_t *id,
		    int *linked, struct fault *f, char *detail, size_t detail_n);

/* Revokes a person industry-wide with every certificate they hold; each change audited. */
int worker_revoke(struct store *s, const struct actor *a, int64_t id, const char *reason);
/* Suspends until instant `until` (0 lifts the suspension). */
int worker_suspend(struct store *s, const struct actor *a, int64_t id, int64_t until, const char *reason);
/* Ends the worker's current employment today. */
int worker_leave(struct store *s, const struct actor *a, int64_t id, const char *reason);
/* Links a worker login to the worker's record. Refusals: worker_has_account. */
int worker_link_user(struct store *s, const struct actor *a, int64_t id, int64_t user_id, struct fault *f);

/* Writes the private object of worker id (with eligibility and lapsing at instant at). */
int worker_private_json(struct store *s, int64_t id, int64_t at, struct jw *w);
/* The state the audit chain records for a worker. */
int worker_state(struct store *s, int64_t id, struct strbuf *sb);

#endif
