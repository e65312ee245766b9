/* workers.h — the industry's real-name registry: one record per person, found by the keyed hash
 * of their resident ID number, employed by at most one company at a time, with its history. */
#ifndef WORKERS_H
#define WORKERS_H

#include <stdint.h>

#include "anjia.h"
#include "util/json_out.h"
#include "workforce/trades.h"

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
	const char *transfer_code;    /* the worker's own code for a move, handed over in person; or NULL */
};

enum reg_outcome {
	REG_NEW,       /* a person registered for the first time */
	REG_MOVED,     /* a person registered before, moved at once with their own code */
	REG_TRANSFER,  /* a person registered before: a request waiting for the worker's confirmation */
};

struct reg_result {
	int64_t worker_id;    /* the person's record, also when a refusal found it (0: nobody) */
	int64_t transfer_id;  /* REG_TRANSFER: the request */
	enum reg_outcome outcome;
	char revoked_reason[256]; /* person_revoked: why (for the association only) */
};

/* Checks a registration's fields as the API and the import both must; 0, or AJ_EINVAL with *f. */
int worker_validate(const struct worker_in *in, struct fault *f);

/* The age from which work experience counts (the legal working age). */
#define WORKER_MIN_WORKING_AGE 16
/* Whether experience since day since_days may be claimed by someone born on (by, bm, bd) on day
 * today_days: 0 yes, -1 before the working age, -2 in the future. */
int worker_experience_check(int by, int bm, int bd, int64_t since_days, int64_t today_days);
/* Registers a person for in->company_id; a person registered before is not moved but asked
 * (a transfer request), unless in->transfer_code is their own code. Refusals set *f:
 * invalid_id_number, invalid_phone, invalid_date, already_registered, person_revoked,
 * name_mismatch, transfer_pending, invalid_transfer_code. Its own transaction (a savepoint inside
 * a larger one). The caller records the look-up (worker_lookup_outcome, access_record_lookup). */
int worker_register(struct store *s, const struct actor *a, const struct worker_in *in, struct reg_result *res,
		    struct fault *f);
/* What a registration's look-up found, for the access log; NULL when it looked nobody up. */
const char *worker_lookup_outcome(int rc, const struct reg_result *res, const struct fault *f);
/* Refuses (429, with Retry-After) when the caller's company may not look up need more people by ID
 * number this hour; replies and returns 1, else 0. */
int worker_lookups_refused(struct req *r, int64_t need);

/* Revokes a person industry-wide with every certificate they hold; each change audited. */
int worker_revoke(struct store *s, const struct actor *a, int64_t id, const char *reason);
/* Suspends until instant `until` (0 lifts the suspension). */
int worker_suspend(struct store *s, const struct actor *a, int64_t id, int64_t until, const char *reason);
/* Ends the worker's current employment today. */
int worker_leave(struct store *s, const struct actor *a, int64_t id, const char *reason);
/* A worker's login carries the registry's real name: sets user_id's name to worker id's. Inside
 * the caller's transaction. */
int worker_login_named(struct store *s, int64_t id, int64_t user_id);
/* Links a worker login to the worker's record, named as the record. Refusals: worker_has_account. */
int worker_link_user(struct store *s, const struct actor *a, int64_t id, int64_t user_id, struct fault *f);



#endif
