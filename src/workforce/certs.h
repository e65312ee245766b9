/* certs.h — certificates per worker, trade and level, and their credentials: tokens signed with the
 * association's Ed25519 key that anyone can check, on line or off. */
#ifndef CERTS_H
#define CERTS_H

#include <stddef.h>
#include <stdint.h>

#include "anjia.h"
#include "util/json_out.h"
#include "workforce/eligibility.h"

struct store;
struct req;

/* Issues a certificate when the requirements hold. Refusals: requirements_unmet (with *res holding
 * the reasons), certificate_exists. origin (may be "") prefixes the verify link. */
int cert_issue(struct store *s, const struct actor *a, int64_t worker_id, int trade, int level,
	       int64_t *id, struct elig_result *res, struct fault *f);
/* Renews certificate id; refusals: credits_insufficient (detail "have/need"), requirements_unmet,
 * not_renewable. */
int cert_renew(struct store *s, const struct actor *a, int64_t id, int64_t *new_id, struct elig_result *res,
	       char detail[32], struct fault *f);

/* Sets a trade's certificate policy: months (0 unchanged), credits (<0 unchanged), and when
 * set_required the required courses. Refusals: course_not_found. */
int policy_update(struct store *s, const struct actor *a, const char *trade, int64_t months, int64_t credits,
		  const int64_t *required, size_t n_required, int set_required, struct fault *f);

/* The decoded contents of a credential token. */
struct credential {
	char kid[17], serial[24], masked[96], level[24], from[11], until[11];
	char trades[6][16];
	int n_trades;
};
/* Checks a token's form and signature against pk; 1 valid, 0 not. Fills *c either way when the
 * payload can be read. */
int credential_verify(const char *token, const unsigned char pk[32], struct credential *c);

/* The certificates of a worker as an array (with tokens and verify links). */
void certs_of_worker_json(struct store *s, int64_t worker_id, const char *origin, struct jw *w);
/* "http://host:port" of the request, for links (empty when there is no Host). */
void req_origin(struct req *r, char *out, size_t n);

#endif
