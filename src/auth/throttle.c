/* throttle.c — counters, not records: they are operational state and carry no audit entry. */
#include "throttle.h"

#include <stdio.h>

#include "../anjia.h"
#include "../store/store.h"

static void key_of(char *out, size_t n, const char *kind, const char *v)
{
	snprintf(out, n, "%s:%s", kind, v ? v : "");
}

/* Seconds until key may try again, or 0. */
static int wait_for(struct store *s, const char *key, int limit, int64_t now, int64_t *wait)
{
	struct stmt *st = store_sql(s, "SELECT window_start, failures FROM login_failures WHERE key = $1");
	stmt_bind_text(st, 1, key);
	int rc = stmt_step(st);
	*wait = 0;
	if (rc == STORE_ROW) {
		int64_t start = stmt_int(st, 0), failures = stmt_int(st, 1);
		if (failures >= limit && now < start + THROTTLE_WINDOW_SECS)
			*wait = start + THROTTLE_WINDOW_SECS - now;
	}
	stmt_done(st);
	return rc < 0 ? rc : 0;
}

int throttle_check(struct store *s, const char *login, const char *addr, int64_t now, int64_t *retry_after)
{
	char k1[200], k2[100];
	int64_t w1, w2;
	key_of(k1, sizeof k1, "login", login);
	key_of(k2, sizeof k2, "addr", addr);
	int rc = wait_for(s, k1, THROTTLE_PER_LOGIN, now, &w1);
	if (rc == 0)
		rc = wait_for(s, k2, THROTTLE_PER_ADDR, now, &w2);
	if (rc < 0)
		return rc;
	*retry_after = w1 > w2 ? w1 : w2;
	return *retry_after > 0;
}

static int bump(struct store *s, const char *key, int64_t now)
{
	struct stmt *st = store_sql(s,
		"INSERT INTO login_failures (key, window_start, failures) VALUES ($1, $2, 1)"
		" ON CONFLICT (key) DO UPDATE SET"
		" failures = CASE WHEN login_failures.window_start + $3 <= $2 THEN 1"
		"                 ELSE login_failures.failures + 1 END,"
		" window_start = CASE WHEN login_failures.window_start + $3 <= $2 THEN $2"
		"                 ELSE login_failures.window_start END");
	stmt_bind_text(st, 1, key);
	stmt_bind_int(st, 2, now);
	stmt_bind_int(st, 3, THROTTLE_WINDOW_SECS);
	return stmt_exec(st);
}

int throttle_fail(struct store *s, const char *login, const char *addr, int64_t now)
{
	char k1[200], k2[100];
	key_of(k1, sizeof k1, "login", login);
	key_of(k2, sizeof k2, "addr", addr);
	int rc = store_begin(s);
	if (rc)
		return rc;
	if ((rc = bump(s, k1, now)) != 0 || (rc = bump(s, k2, now)) != 0) {
		store_rollback(s);
		return rc;
	}
	/* stale windows of any key go with the next failure */
	struct stmt *st = store_sql(s, "DELETE FROM login_failures WHERE window_start < $1");
	stmt_bind_int(st, 1, now - 86400);
	if ((rc = stmt_exec(st)) != 0) {
		store_rollback(s);
		return rc;
	}
	return store_commit(s);
}

int throttle_clear(struct store *s, const char *login)
{
	char k[200];
	key_of(k, sizeof k, "login", login);
	struct stmt *st = store_sql(s, "DELETE FROM login_failures WHERE key = $1");
	stmt_bind_text(st, 1, k);
	return stmt_exec(st);
}
