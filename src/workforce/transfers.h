/* transfers.h — a registered person's move to another company, which waits for the worker's own
 * confirmation: in their account, with a one-time code they make there and hand to the new company
 * in person, or at the association's counter. Until then nothing of theirs changes hands — not the
 * record, not the login, not the households of the company they are with. */
#ifndef TRANSFERS_H
#define TRANSFERS_H

#include <stdint.h>

#include "anjia.h"
#include "workforce/employment.h"

struct store;
struct strbuf;

/* how long a request waits for the worker */
#define TRANSFER_VALID_SECS (14 * 86400)

/* Records to_company's request to employ worker id (employed by from, 0 for nobody) with the
 * registration's details, and tells the worker. Inside the caller's write. Refusals: transfer_pending
 * (AJ_ECONFLICT) when the company already asked. */
int transfer_request(struct store *s, int64_t id, int64_t from, int64_t to_company, int64_t requested_by,
		     const struct worker_details *d, int64_t *transfer_id, struct fault *f);
/* The audited state of a transfer. */
int transfer_state(struct store *s, int64_t id, struct strbuf *sb);
/* Accepts (yes) or declines transfer id as a, decided how ("worker", "association": the person
 * confirmed at its counter, note says how). Refusals: invalid_transition, transfer_expired,
 * transfer_not_possible (the person was revoked meanwhile, or is already there). */
int transfer_decide(struct store *s, const struct actor *a, int64_t id, int yes, const char *how, const char *note,
		    struct fault *f);
struct req;
/* Answers with transfer id as the caller may see it, with status. */
void transfer_reply(struct req *r, int64_t id, int status);

#endif
