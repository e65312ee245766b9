/* users.h — the people who sign in, each with one role in one organisation (customers in none). */
#ifndef USERS_H
#define USERS_H

#include <stdint.h>

#include "anjia.h"
#include "auth/caps.h"
#include "auth/onetime.h"

struct store;

struct user_in {
	const char *login;     /* lower-case letters, digits, '.', '_' and '-'; 3 to 64 */
	const char *name;      /* the person's name as shown to colleagues */
	enum role role;
	int64_t org_id;        /* 0 for customers */
	const char *pw_hash;   /* Argon2id hash (src/auth/password.h), or NULL: the person chooses it with
	                        * the set-up code user_create writes to setup_code */
	int64_t worker_id;     /* role worker: the worker record this login is theirs to, or 0 */
	int64_t registered_by; /* role customer: the company that registered them when they phoned, or 0 */
};

/* 1 when login is of the allowed form (already lower-case). */
int user_login_valid(const char *login);
/* Lower-cases login into out (65 bytes); -1 when it is too long. */
int user_login_normalise(const char *login, char out[65]);
/* Creates a user with its audit record (and, with worker_id, links the worker's record in the
 * same transaction). Refusals set *f: login_taken, org_not_found, role_org_mismatch,
 * worker_not_found, worker_has_account. */
int user_create(struct store *s, const struct actor *a, const struct user_in *in, int64_t *id,
		struct fault *f);
/* The same without a password: the person chooses it with the one-time set-up code written to
 * code (shown once), valid until *expires. */
int user_create_with_code(struct store *s, const struct actor *a, const struct user_in *in, int64_t *id,
			  char code[ONETIME_CODE_LEN], int64_t *expires, struct fault *f);
/* Sets the user's password hash and ends their other sessions (keep stays), with its audit
 * record; *ended counts the sessions ended. */
int user_set_password(struct store *s, const struct actor *a, int64_t id, const char *pw_hash,
		      int64_t keep_session, int *ended);

/* Replaces a hash made with weaker parameters by a stronger one of the same password, with its
 * audit record; sessions are untouched. */
int user_rehash(struct store *s, const struct actor *a, int64_t id, const char *pw_hash);

#endif
