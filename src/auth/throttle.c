/* throttle.c — counters and device cookies, not records: they are the throttle's operational state
 * and carry no audit entry (the sign-in they follow is audited as its session). Device cookies
 * follow OWASP's "Slow Down Online Guessing Attacks with Device Cookies". */
#include "throttle.h"

#include <pthread.h>
#include <stdio.h>
#include <string.h>

#include "../anjia.h"
#include "../store/store.h"

#define KEY_LEN 200
/* the keys of one attempt and each one's limit */
struct keys {
	char key[3][KEY_LEN];
	int limit[3];
	int n;
};

/* The keys of an attempt on login from addr by a caller without a device cookie. */
static void keys_of(struct keys *k, const char *login, const char *addr)
{
	login = login ? login : "";
	addr = addr ? addr : "";
	snprintf(k->key[0], KEY_LEN, "pair:%s|%s", login, addr);
	snprintf(k->key[1], KEY_LEN, "addr:%s", addr);
	snprintf(k->key[2], KEY_LEN, "login:%s", login);
	k->limit[0] = THROTTLE_PER_LOGIN_ADDR;
	k->limit[1] = THROTTLE_PER_ADDR;
	k->limit[2] = THROTTLE_PER_LOGIN;
	k->n = 3;
}

static void device_keys(struct keys *k, int64_t device)
{
	snprintf(k->key[0], KEY_LEN, "device:%lld", (long long)device);
	k->limit[0] = THROTTLE_PER_DEVICE;
	k->n = 1;
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

/* The longest wait of any of k's keys: 0, or 1 with *retry_after; <0 on error. */
static int check_keys(struct store *s, const struct keys *k, int64_t now, int64_t *retry_after)
{
	*retry_after = 0;
	for (int i = 0; i < k->n; i++) {
		int64_t w;
		int rc = wait_for(s, k->key[i], k->limit[i], now, &w);
		if (rc < 0)
			return rc;
		if (w > *retry_after)
			*retry_after = w;
	}
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

/* A failure counted against an attempt's keys, for the write's body. */
struct failure {
	const struct keys *k;
	int64_t now;
};

static int fail_write(struct store *s, void *arg)
{
	const struct failure *fl = arg;
	int rc;
	for (int i = 0; i < fl->k->n; i++)
		if ((rc = bump(s, fl->k->key[i], fl->now)) != 0)
			return rc;
	/* stale windows of any key go with the next failure */
	struct stmt *st = store_sql(s, "DELETE FROM login_failures WHERE window_start < $1");
	stmt_bind_int(st, 1, fl->now - 86400);
	return stmt_exec(st);
}

/* Counts one failure against each of k's keys, in one transaction. */
static int fail_keys(struct store *s, const struct keys *k, int64_t now)
{
	struct failure fl = {k, now};
	return store_write(s, fail_write, &fl);
}

int throttle_check(struct store *s, const char *login, const char *addr, int64_t now, int64_t *retry_after)
{
	struct keys k;
	keys_of(&k, login, addr);
	return check_keys(s, &k, now, retry_after);
}

int throttle_fail(struct store *s, const char *login, const char *addr, int64_t now)
{
	struct keys k;
	keys_of(&k, login, addr);
	return fail_keys(s, &k, now);
}

int throttle_check_device(struct store *s, int64_t device, int64_t now, int64_t *retry_after)
{
	struct keys k;
	device_keys(&k, device);
	return check_keys(s, &k, now, retry_after);
}

int throttle_fail_device(struct store *s, int64_t device, int64_t now)
{
	struct keys k;
	device_keys(&k, device);
	return fail_keys(s, &k, now);
}

int throttle_clear(struct store *s, const char *login, const char *addr, int64_t device)
{
	struct keys pair, dev;
	keys_of(&pair, login, addr);
	device_keys(&dev, device);
	struct stmt *st = store_sql(s, "DELETE FROM login_failures WHERE key = $1 OR key = $2");
	stmt_bind_text(st, 1, pair.key[0]);
	stmt_bind_text(st, 2, device ? dev.key[0] : "");
	return stmt_exec(st);
}

int throttle_device_find(struct store *s, const char *login, const char *token, int64_t now, int64_t *device)
{
	char hash[SHA256_HEX_LEN];
	*device = 0;
	if (!token || strlen(token) != TOKEN_LEN - 1 || !login || !*login)
		return 0;
	sha256_hex(token, TOKEN_LEN - 1, hash);
	struct stmt *st = store_sql(s, "SELECT d.id FROM login_devices d JOIN users u ON u.id = d.user_id"
				       " WHERE d.token_hash = $1 AND u.login = $2 AND d.expires_at > $3");
	stmt_bind_text(st, 1, hash);
	stmt_bind_text(st, 2, login);
	stmt_bind_int(st, 3, now);
	int rc = stmt_one_int(st, device);
	return rc == AJ_ENOTFOUND ? 0 : rc;
}

/* A device token's issue, for the write's body: only the token's hash is written. */
struct device_issue {
	int64_t user_id, replaces, now;
	const char *hash;
};

static int device_issue_write(struct store *s, void *arg)
{
	const struct device_issue *d = arg;
	struct stmt *st = store_sql(s, "DELETE FROM login_devices WHERE user_id = $1 AND (id = $2 OR expires_at <= $3)");
	stmt_bind_int(st, 1, d->user_id);
	stmt_bind_int(st, 2, d->replaces);
	stmt_bind_int(st, 3, d->now);
	int rc = stmt_exec(st);
	if (rc != AJ_OK)
		return rc;
	st = store_sql(s, "INSERT INTO login_devices (user_id, token_hash, created_at, expires_at)"
			  " VALUES ($1, $2, $3, $4)");
	stmt_bind_int(st, 1, d->user_id);
	stmt_bind_text(st, 2, d->hash);
	stmt_bind_int(st, 3, d->now);
	stmt_bind_int(st, 4, d->now + THROTTLE_DEVICE_SECS);
	if ((rc = stmt_exec(st)) != AJ_OK)
		return rc;
	/* a client that keeps no cookies gets a new device at every sign-in: keep the newest */
	st = store_sql(s, "DELETE FROM login_devices WHERE user_id = $1 AND id NOT IN"
			  " (SELECT id FROM login_devices WHERE user_id = $1 ORDER BY id DESC LIMIT $2)");
	stmt_bind_int(st, 1, d->user_id);
	stmt_bind_int(st, 2, THROTTLE_DEVICES_PER_USER);
	return stmt_exec(st);
}

int throttle_device_issue(struct store *s, int64_t user_id, int64_t replaces, int64_t now, char token[TOKEN_LEN])
{
	char hash[SHA256_HEX_LEN];
	random_token(token);
	sha256_hex(token, strlen(token), hash);
	struct device_issue d = {user_id, replaces, now, hash};
	return store_write(s, device_issue_write, &d);
}

void throttle_device_cookie(char *out, size_t n, const char *token, int secure)
{
	snprintf(out, n, "%s=%s; Path=/; HttpOnly; SameSite=Strict; Max-Age=%d%s",
		 secure ? THROTTLE_DEVICE_COOKIE_SECURE : THROTTLE_DEVICE_COOKIE, token, THROTTLE_DEVICE_SECS,
		 secure ? "; Secure" : "");
}

/* ---- attempts under way ---- */

#define INFLIGHT_SLOTS 1024
#define INFLIGHT_KEY 80

static pthread_mutex_t inflight_mu = PTHREAD_MUTEX_INITIALIZER;
static char inflight[INFLIGHT_SLOTS][INFLIGHT_KEY];

int throttle_inflight_enter(const char *key)
{
	int rc = -1, free_slot = -1;
	pthread_mutex_lock(&inflight_mu);
	for (int i = 0; i < INFLIGHT_SLOTS; i++) {
		if (!inflight[i][0]) {
			if (free_slot < 0)
				free_slot = i;
		} else if (strncmp(inflight[i], key, INFLIGHT_KEY - 1) == 0) {
			free_slot = -2;
			break;
		}
	}
	if (free_slot >= 0) {
		snprintf(inflight[free_slot], INFLIGHT_KEY, "%s", key);
		rc = 0;
	}
	pthread_mutex_unlock(&inflight_mu);
	return rc;
}

void throttle_inflight_leave(const char *key)
{
	pthread_mutex_lock(&inflight_mu);
	for (int i = 0; i < INFLIGHT_SLOTS; i++)
		if (inflight[i][0] && strncmp(inflight[i], key, INFLIGHT_KEY - 1) == 0) {
			inflight[i][0] = '\0';
			break;
		}
	pthread_mutex_unlock(&inflight_mu);
}
