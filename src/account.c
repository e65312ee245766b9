/* account.c — signing in and out, and what a signed-in user does with their own account: see who
 * they are, change their password, see and end their sessions. */
#include <stdio.h>
#include <string.h>

#include "account.h"

#include "auth/audit.h"
#include "auth/password.h"
#include "auth/session.h"
#include "auth/throttle.h"
#include "http/req.h"
#include "http/schema.h"
#include "store/store.h"
#include "users.h"
#include "util/clock.h"

SCHEMA(login_body, S_STR("login", F_REQ, 1, 64), S_SECRET("password", F_REQ));
SCHEMA(password_body, S_SECRET("current_password", F_REQ), S_SECRET("new_password", F_REQ));

/* Sets (or, with token NULL, clears) the session cookie; __Host- and Secure where the scheme is https. */
static void set_cookie(struct req *r, const char *token)
{
	char v[200];
	snprintf(v, sizeof v, "%s=%s; Path=/; HttpOnly; SameSite=Strict; Max-Age=%d%s",
		 r->secure ? SESSION_COOKIE_SECURE : SESSION_COOKIE, token ? token : "",
		 token ? SESSION_ABSOLUTE_SECS : 0, r->secure ? "; Secure" : "");
	req_header_out(r, "Set-Cookie", v);
}

/* Runs on the pool: the throttle, the user, Argon2id, the new session and device cookie. */
static void login_work(struct req *r, struct store *s)
{
	char login[65], token[TOKEN_LEN], csrf[TOKEN_LEN], dev[TOKEN_LEN];
	const char *password = req_str(r, "password");
	int64_t now = clock_now(), retry = 0, device = 0;
	if (user_login_normalise(req_str(r, "login"), login) != 0)
		login[0] = '\0';

	/* a device cookie this login was given counts the attempt against that device alone; over
	 * https only the __Host- one, which no other site or plain-http answer can have set */
	int rc = 0;
	if (req_cookie(r, r->secure ? THROTTLE_DEVICE_COOKIE_SECURE : THROTTLE_DEVICE_COOKIE, dev, sizeof dev) == 0)
		rc = throttle_device_find(s, login, dev, now, &device);
	if (rc == 0)
		rc = device ? throttle_check_device(s, device, now, &retry) : throttle_check(s, login, r->peer, now, &retry);
	if (rc < 0) {
		req_fail(r, rc);
		return;
	}
	if (rc > 0) {
		req_too_many(r, retry, "too_many_attempts");
		return;
	}

	struct stmt *st = store_sql(s, "SELECT id, pw_hash, role, org_id, name FROM users"
				       " WHERE login = $1 AND status = 'active'");
	stmt_bind_text(st, 1, login);
	rc = stmt_step(st);
	int64_t uid = 0, org = 0;
	char hash[PASSWORD_HASH_LEN] = "", role[24] = "", name[160] = "";
	if (rc == STORE_ROW) {
		uid = stmt_int(st, 0);
		str_copy(hash, sizeof hash, stmt_text(st, 1));
		str_copy(role, sizeof role, stmt_text(st, 2));
		org = stmt_int(st, 3);
		str_copy(name, sizeof name, stmt_text(st, 4));
	}
	stmt_done(st);
	if (rc < 0) {
		req_fail(r, rc);
		return;
	}
	/* an unknown login costs one verification too, so timing tells nothing */
	int ok = 0;
	if (uid)
		ok = password_verify(hash, password) == 0;
	else
		password_verify_dummy(password);
	if (!ok) {
		if (device)
			throttle_fail_device(s, device, now);
		else
			throttle_fail(s, login, r->peer, now);
		req_error(r, 401, "invalid_credentials", NULL);
		return;
	}
	throttle_clear(s, login, r->peer, device);

	struct actor a = {uid, org, login};
	int64_t sid;
	const char *ua = r->header(r, "User-Agent");
	if ((rc = session_create(s, &a, uid, r->peer, ua, token, csrf, &sid)) != AJ_OK) {
		req_fail(r, rc);
		return;
	}
	/* a hash from weaker days is replaced while the password is at hand; failing that is harmless */
	if (password_needs_rehash(hash) && password_hash(password, hash) == 0)
		user_rehash(s, &a, uid, hash);
	set_cookie(r, token);
	/* a new device token at each sign-in (the one presented is replaced); without one the next
	 * sign-in is only an untrusted one, so failing here is harmless */
	if (throttle_device_issue(s, uid, device, now, dev) == AJ_OK) {
		char v[200];
		throttle_device_cookie(v, sizeof v, dev, r->secure);
		req_header_out(r, "Set-Cookie", v);
	}
	struct jw *w = req_jw(r);
	jw_obj(w);
	jw_kstr(w, "token", token);
	jw_kstr(w, "csrf_token", csrf);
	jw_ktime(w, "expires_at", now + SESSION_ABSOLUTE_SECS);
	jw_key(w, "user");
	jw_obj(w);
	jw_kint(w, "id", uid);
	jw_kstr(w, "login", login);
	jw_kstr(w, "name", name);
	jw_kstr(w, "role", role);
	jw_kid(w, "org_id", org);
	jw_obj_end(w);
	jw_obj_end(w);
	req_send(r, 200);
}

void api_auth_login(struct req *r)
{
	req_defer(r, login_work, NULL);
}

void api_auth_logout(struct req *r)
{
	struct actor a = req_actor(r);
	int rc = session_end(r->store, &a, r->user.session_id, r->user.user_id);
	if (rc && rc != AJ_ENOTFOUND) {
		req_fail(r, rc);
		return;
	}
	set_cookie(r, NULL);
	struct jw *w = req_jw(r);
	jw_obj(w);
	jw_kbool(w, "ok", 1);
	jw_obj_end(w);
	req_send(r, 200);
}

void api_me(struct req *r)
{
	struct stmt *st = store_sql(r->store,
		"SELECT u.id, u.login, u.name, u.role, u.org_id, o.name, o.kind, s.created_at, s.last_seen"
		" FROM users u LEFT JOIN orgs o ON o.id = u.org_id JOIN sessions s ON s.id = $2"
		" WHERE u.id = $1");
	stmt_bind_int(st, 1, r->user.user_id);
	stmt_bind_int(st, 2, r->user.session_id);
	int rc = stmt_step(st);
	if (rc != STORE_ROW) {
		stmt_done(st);
		req_fail(r, rc == STORE_DONE ? AJ_ENOTFOUND : rc);
		return;
	}
	struct jw *w = req_jw(r);
	jw_obj(w);
	jw_key(w, "user");
	jw_obj(w);
	jw_kint(w, "id", stmt_int(st, 0));
	jw_kstr(w, "login", stmt_text(st, 1));
	jw_kstr(w, "name", stmt_text(st, 2));
	jw_kstr(w, "role", stmt_text(st, 3));
	jw_kid(w, "org_id", stmt_int(st, 4));
	jw_obj_end(w);
	jw_key(w, "org");
	if (stmt_is_null(st, 4)) {
		jw_null(w);
	} else {
		jw_obj(w);
		jw_kint(w, "id", stmt_int(st, 4));
		jw_kstr(w, "name", stmt_text(st, 5));
		jw_kstr(w, "kind", stmt_text(st, 6));
		jw_obj_end(w);
	}
	jw_key(w, "caps");
	jw_arr(w);
	for (int c = 0; c < CAP_COUNT; c++)
		if (r->user.caps & CAP_BIT(c))
			jw_str(w, cap_name((enum cap)c));
	jw_arr_end(w);
	jw_kstr(w, "csrf_token", r->user.csrf);
	jw_key(w, "session");
	jw_obj(w);
	jw_kint(w, "id", r->user.session_id);
	jw_ktime(w, "created_at", stmt_int(st, 7));
	jw_ktime(w, "expires_at", session_expiry(stmt_int(st, 7), stmt_int(st, 8)));
	jw_obj_end(w);
	jw_obj_end(w);
	stmt_done(st);
	req_send(r, 200);
}

/* The throttle's and the slot's key of the caller's own password. */
static void reentry_key(const struct req *r, char *out, size_t n)
{
	snprintf(out, n, "+own:%lld", (long long)r->user.user_id);
}

int account_reentry_admit(struct req *r)
{
	char key[40];
	int64_t retry = 0;
	reentry_key(r, key, sizeof key);
	int rc = throttle_check(r->store, key, r->peer, clock_now(), &retry);
	if (rc == 0 && throttle_inflight_enter(key) != 0) {
		rc = 1;
		retry = 1;
	}
	if (rc < 0) {
		req_fail(r, rc);
		return -1;
	}
	if (rc > 0) {
		req_too_many(r, retry, "too_many_attempts");
		return -1;
	}
	return 0;
}

int account_reentry_check(struct req *r, struct store *s, const char *password, const char *field)
{
	char key[40], hash[PASSWORD_HASH_LEN] = "";
	reentry_key(r, key, sizeof key);
	struct stmt *st = store_sql(s, "SELECT pw_hash FROM users WHERE id = $1");
	stmt_bind_int(st, 1, r->user.user_id);
	int rc = stmt_step(st);
	if (rc == STORE_ROW)
		str_copy(hash, sizeof hash, stmt_text(st, 0));
	stmt_done(st);
	int ok = rc == STORE_ROW && password_verify(hash, password) == 0;
	throttle_inflight_leave(key);
	if (rc != STORE_ROW) {
		req_fail(r, rc == STORE_DONE ? AJ_ENOTFOUND : rc);
		return -1;
	}
	if (!ok) {
		throttle_fail(s, key, r->peer, clock_now());
		req_error(r, 400, "wrong_password", field);
		return -1;
	}
	throttle_clear(s, key, r->peer, 0);
	return 0;
}

void account_reentry_defer(struct req *r, void (*work)(struct req *r, struct store *s))
{
	req_defer(r, work, NULL);
	if (!r->deferred) {
		/* refused at once (the pool's queue is full): no verification will give the slot back */
		char key[40];
		reentry_key(r, key, sizeof key);
		throttle_inflight_leave(key);
	}
}

static void password_work(struct req *r, struct store *s)
{
	char fresh[PASSWORD_HASH_LEN];
	int rc;
	if (account_reentry_check(r, s, req_str(r, "current_password"), "current_password"))
		return;
	if (password_hash(req_str(r, "new_password"), fresh) != 0) {
		req_fail(r, AJ_ESTORE);
		return;
	}
	struct actor a = req_actor(r);
	int ended = 0;
	if ((rc = user_set_password(s, &a, r->user.user_id, fresh, r->user.session_id, &ended)) != AJ_OK) {
		req_fail(r, rc);
		return;
	}
	struct jw *w = req_jw(r);
	jw_obj(w);
	jw_kbool(w, "ok", 1);
	jw_kint(w, "sessions_ended", ended);
	jw_obj_end(w);
	req_send(r, 200);
}

void api_me_password(struct req *r)
{
	const char *code;
	int rc = password_check_account(req_str(r, "new_password"), r->user.login, NULL, &code);
	if (rc != 0) {
		req_error(r, rc == AJ_EIO ? 503 : 400, code, "new_password");
		return;
	}
	if (account_reentry_admit(r))
		return;
	account_reentry_defer(r, password_work);
}

void api_sessions_list(struct req *r)
{
	int64_t now = clock_now(), total = 0;
	struct page pg = req_page(r);
	/* the live ones: not ended, inside both limits */
	struct stmt *st = store_sql(r->store, "SELECT count(*) FROM sessions WHERE user_id = $1 AND ended_at IS NULL"
					      " AND expires_at > $2 AND last_seen > $3");
	stmt_bind_int(st, 1, r->user.user_id);
	stmt_bind_int(st, 2, now);
	stmt_bind_int(st, 3, now - SESSION_IDLE_SECS);
	int rc = stmt_one_int(st, &total);
	if (rc) {
		req_fail(r, rc);
		return;
	}
	st = store_sql(r->store,
		"SELECT id, created_at, last_seen, peer, user_agent FROM sessions"
		" WHERE user_id = $1 AND ended_at IS NULL AND expires_at > $2 AND last_seen > $3"
		" ORDER BY last_seen DESC, id DESC LIMIT $4 OFFSET $5");
	stmt_bind_int(st, 1, r->user.user_id);
	stmt_bind_int(st, 2, now);
	stmt_bind_int(st, 3, now - SESSION_IDLE_SECS);
	stmt_bind_int(st, 4, pg.per_page);
	stmt_bind_int(st, 5, pg.offset);
	struct jw *w = req_list_begin(r);
	while ((rc = stmt_step(st)) == STORE_ROW) {
		int64_t id = stmt_int(st, 0);
		jw_obj(w);
		jw_kint(w, "id", id);
		jw_ktime(w, "created_at", stmt_int(st, 1));
		jw_ktime(w, "last_seen_at", stmt_int(st, 2));
		jw_ktime(w, "expires_at", session_expiry(stmt_int(st, 1), stmt_int(st, 2)));
		jw_kstr(w, "peer", stmt_text(st, 3));
		jw_kstr(w, "user_agent", stmt_text(st, 4));
		jw_kbool(w, "current", id == r->user.session_id);
		jw_obj_end(w);
	}
	stmt_done(st);
	if (rc < 0) {
		req_fail(r, rc);
		return;
	}
	req_list_end(r, &pg, total);
	req_send(r, 200);
}

void api_sessions_end(struct req *r)
{
	struct actor a = req_actor(r);
	int64_t id = r->id[0];
	int rc = session_end(r->store, &a, id, r->user.user_id);
	if (rc) {
		req_fail(r, rc);
		return;
	}
	if (id == r->user.session_id)
		set_cookie(r, NULL);
	struct jw *w = req_jw(r);
	jw_obj(w);
	jw_kint(w, "id", id);
	jw_kbool(w, "ended", 1);
	jw_obj_end(w);
	req_send(r, 200);
}
