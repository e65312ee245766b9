/* onetime.h — one-time codes: the set-up of a new account and the reset of a forgotten password
 * (the person chooses the password; whoever made the code never learns it), and a worker's code
 * for a move to another company, handed over in person. Ten characters of Crockford's base32 (50
 * bits), shown once as "XXXXX-XXXXX"; only a keyed hash is stored; five wrong tries end a code. */
#ifndef ONETIME_H
#define ONETIME_H

#include <stdint.h>

#include "../anjia.h"

struct store;

#define ONETIME_CODE_LEN 12   /* "XXXXX-XXXXX" and NUL */
#define ONETIME_SETUP "setup"
#define ONETIME_RESET "reset"
#define ONETIME_TRANSFER "transfer"
#define ONETIME_SETUP_SECS (72 * 3600)
#define ONETIME_RESET_SECS (24 * 3600)
#define ONETIME_TRANSFER_SECS (30 * 60)
/* a reset code the service centre reads out to a customer on the telephone, typed in at once */
#define ONETIME_CALL_SECS (30 * 60)
#define ONETIME_MAX_ATTEMPTS 5

/* Issues a code of purpose for user_id (set-up, reset) or worker_id (transfer), valid secs, made by
 * a; the person's earlier unused codes of that purpose end. Writes the code, shown once, into out
 * and its expiry into *expires. Inside the caller's write transaction. */
int onetime_issue(struct store *s, const struct actor *a, const char *purpose, int64_t user_id, int64_t worker_id,
		  int64_t secs, char out[ONETIME_CODE_LEN], int64_t *expires);
/* Uses the person's live code of purpose: marks it used and returns 0 when code matches. Otherwise
 * counts a wrong try against their live codes (the fifth ends them) and returns AJ_ENOTFOUND — the
 * caller commits that count even though it refuses the request. Inside the caller's transaction. */
int onetime_use(struct store *s, const char *purpose, int64_t user_id, int64_t worker_id, const char *code);
/* The same for an account's set-up or reset code, whichever the person holds. */
int onetime_use_account(struct store *s, int64_t user_id, const char *code);

#endif
