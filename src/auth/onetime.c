/* onetime.c — issuing and using one-time codes. */
#include "onetime.h"

#include <ctype.h>
#include <sodium.h>
#include <string.h>

#include "../store/store.h"
#include "../util/clock.h"
#include "keys.h"

static const char alphabet[] = "0123456789ABCDEFGHJKMNPQRSTVWXYZ";

/* The code's canonical ten characters (upper case, no separator, O read as 0, I and L as 1) into
 * out (11 bytes); -1 when it is not one. */
static int canonical(const char *code, char out[11])
{
	int n = 0;
	for (const char *p = code; p && *p; p++) {
		char c = (char)toupper((unsigned char)*p);
		if (c == '-' || c == ' ')
			continue;
		if (c == 'O')
			c = '0';
		if (c == 'I' || c == 'L')
			c = '1';
		if (n == 10 || !strchr(alphabet, c) || !c)
			return -1;
		out[n++] = c;
	}
	out[n] = '\0';
	return n == 10 ? 0 : -1;
}

static void code_hash(const char *purpose, const char canon[11], char out[KEYS_HASH_LEN])
{
	char buf[48];
	snprintf(buf, sizeof buf, "onetime:%s:%s", purpose, canon);
	keys_lookup_hash(buf, out);
	sodium_memzero(buf, sizeof buf);
}

int onetime_issue(struct store *s, const struct actor *a, const char *purpose, int64_t user_id, int64_t worker_id,
		  int64_t secs, char out[ONETIME_CODE_LEN], int64_t *expires)
{
	unsigned char raw[10];
	char canon[11], hash[KEYS_HASH_LEN];
	randombytes_buf(raw, sizeof raw);
	for (int i = 0; i < 10; i++)
		canon[i] = alphabet[raw[i] & 31];
	canon[10] = '\0';
	int64_t now = clock_now();
	*expires = now + secs;
	struct stmt *st = store_sql(s, "UPDATE onetime_codes SET expires_at = $4 WHERE purpose = $1"
				       " AND coalesce(user_id, 0) = $2 AND coalesce(worker_id, 0) = $3 AND used_at IS NULL"
				       " AND expires_at > $4");
	stmt_bind_text(st, 1, purpose);
	stmt_bind_int(st, 2, user_id);
	stmt_bind_int(st, 3, worker_id);
	stmt_bind_int(st, 4, now);
	int rc = stmt_exec(st);
	if (rc)
		return rc;
	code_hash(purpose, canon, hash);
	st = store_sql(s, "INSERT INTO onetime_codes (purpose, user_id, worker_id, code_hash, created_by, created_at,"
			  " expires_at) VALUES ($1, $2, $3, $4, $5, $6, $7)");
	stmt_bind_text(st, 1, purpose);
	stmt_bind_id(st, 2, user_id);
	stmt_bind_id(st, 3, worker_id);
	stmt_bind_text(st, 4, hash);
	stmt_bind_id(st, 5, a->user_id);
	stmt_bind_int(st, 6, now);
	stmt_bind_int(st, 7, *expires);
	if ((rc = stmt_exec(st)) != AJ_OK)
		return rc;
	snprintf(out, ONETIME_CODE_LEN, "%.5s-%.5s", canon, canon + 5);
	sodium_memzero(canon, sizeof canon);
	return AJ_OK;
}

int onetime_use(struct store *s, const char *purpose, int64_t user_id, int64_t worker_id, const char *code)
{
	char canon[11], hash[KEYS_HASH_LEN] = "";
	int64_t now = clock_now(), id = 0;
	if (canonical(code, canon) == 0)
		code_hash(purpose, canon, hash);
	struct stmt *st = store_sql(s, "SELECT id FROM onetime_codes WHERE code_hash = $1 AND purpose = $2"
				       " AND coalesce(user_id, 0) = $3 AND coalesce(worker_id, 0) = $4 AND used_at IS NULL"
				       " AND expires_at > $5 AND attempts < $6");
	stmt_bind_text(st, 1, hash);
	stmt_bind_text(st, 2, purpose);
	stmt_bind_int(st, 3, user_id);
	stmt_bind_int(st, 4, worker_id);
	stmt_bind_int(st, 5, now);
	stmt_bind_int(st, 6, ONETIME_MAX_ATTEMPTS);
	int rc = stmt_one_int(st, &id);
	if (rc == AJ_OK) {
		st = store_sql(s, "UPDATE onetime_codes SET used_at = $2 WHERE id = $1");
		stmt_bind_int(st, 1, id);
		stmt_bind_int(st, 2, now);
		return stmt_exec(st);
	}
	if (rc != AJ_ENOTFOUND)
		return rc;
	/* a wrong try counts against every live code of the person for this purpose */
	st = store_sql(s, "UPDATE onetime_codes SET attempts = attempts + 1 WHERE purpose = $1"
			  " AND coalesce(user_id, 0) = $2 AND coalesce(worker_id, 0) = $3 AND used_at IS NULL"
			  " AND expires_at > $4");
	stmt_bind_text(st, 1, purpose);
	stmt_bind_int(st, 2, user_id);
	stmt_bind_int(st, 3, worker_id);
	stmt_bind_int(st, 4, now);
	rc = stmt_exec(st);
	return rc ? rc : AJ_ENOTFOUND;
}

int onetime_use_account(struct store *s, int64_t user_id, const char *code)
{
	int64_t live = 0;
	struct stmt *st = store_sql(s, "SELECT count(*) FROM onetime_codes WHERE user_id = $1 AND purpose = 'setup'"
				       " AND used_at IS NULL AND expires_at > $2");
	stmt_bind_int(st, 1, user_id);
	stmt_bind_int(st, 2, clock_now());
	int rc = stmt_one_int(st, &live);
	if (rc)
		return rc;
	return onetime_use(s, live ? ONETIME_SETUP : ONETIME_RESET, user_id, 0, code);
}
