/* session.c — sessions live in the store, not in a process, so any node behind a load balancer
 * can answer any request. */
#include "session.h"

#include <string.h>

#include "../store/store.h"
#include "../util/clock.h"
#include "../util/json_out.h"
#include "../util/strbuf.h"
#include "audit.h"

int64_t session_expiry(int64_t created, int64_t last_seen)
{
	int64_t idle = last_seen + SESSION_IDLE_SECS, abs = created + SESSION_ABSOLUTE_SECS;
	return idle < abs ? idle : abs;
}

int session_live(int64_t created, int64_t last_seen, int64_t ended, int64_t now)
{
	return ended == 0 && now < session_expiry(created, last_seen) && now >= created;
}

/* The audited state of a session: never the token. */
static void audit_state(struct strbuf *sb, int64_t id, int64_t user_id, int64_t created,
			int64_t expires, int64_t ended)
{
	struct jw w;
	jw_init(&w, sb);
	jw_obj(&w);
	jw_kint(&w, "id", id);
	jw_kint(&w, "user_id", user_id);
	jw_kint(&w, "created_at", created);
	jw_kint(&w, "expires_at", expires);
	jw_kint(&w, "ended_at", ended);
	jw_obj_end(&w);
}

/* A session's start or end, for the write's body (store_write may run it more than once). */
struct session_edit {
	const struct actor *a;
	int64_t id, user_id, now;
	const char *peer, *user_agent, *hash, *csrf; /* a start's: the token's hash, never the token */
	int64_t *out_id;
};

static int create_write(struct store *s, void *arg)
{
	const struct session_edit *e = arg;
	int64_t now = e->now;
	/* sessions over for a month are no longer worth keeping */
	struct stmt *st = store_sql(s, "DELETE FROM sessions WHERE user_id = $1 AND"
				       " (ended_at < $2 OR expires_at < $2)");
	stmt_bind_int(st, 1, e->user_id);
	stmt_bind_int(st, 2, now - 30 * 86400);
	int rc = stmt_exec(st);
	if (rc != AJ_OK)
		return rc;

	st = store_sql(s, "INSERT INTO sessions (user_id, token_hash, csrf, created_at, last_seen,"
			  " expires_at, peer, user_agent) VALUES ($1, $2, $3, $4, $4, $5, $6, $7) RETURNING id");
	stmt_bind_int(st, 1, e->user_id);
	stmt_bind_text(st, 2, e->hash);
	stmt_bind_text(st, 3, e->csrf);
	stmt_bind_int(st, 4, now);
	stmt_bind_int(st, 5, now + SESSION_ABSOLUTE_SECS);
	stmt_bind_text(st, 6, e->peer ? e->peer : "");
	stmt_bind_textn(st, 7, e->user_agent ? e->user_agent : "", e->user_agent ? strnlen(e->user_agent, 200) : 0);
	if ((rc = stmt_one_int(st, e->out_id)) != AJ_OK)
		return rc;

	struct strbuf sb;
	strbuf_init(&sb, 4096);
	audit_state(&sb, *e->out_id, e->user_id, now, now + SESSION_ABSOLUTE_SECS, 0);
	rc = audit_append(s, e->a, "session.create", "session", *e->out_id, sb.buf, sb.len);
	strbuf_free(&sb);
	return rc;
}

int session_create(struct store *s, const struct actor *a, int64_t user_id, const char *peer,
		   const char *user_agent, char token[TOKEN_LEN], char csrf[TOKEN_LEN], int64_t *id)
{
	char hash[SHA256_HEX_LEN];
	random_token(token);
	random_token(csrf);
	sha256_hex(token, strlen(token), hash);
	struct session_edit e = {.a = a, .user_id = user_id, .now = clock_now(), .peer = peer,
				 .user_agent = user_agent, .hash = hash, .csrf = csrf, .out_id = id};
	return store_write(s, create_write, &e);
}

int session_lookup(struct store *s, const char *token, int64_t now, struct principal *p)
{
	char hash[SHA256_HEX_LEN];
	sha256_hex(token, strlen(token), hash);
	struct stmt *st = store_sql(s,
		"SELECT s.id, s.created_at, s.last_seen, s.csrf, u.id, u.org_id, u.role, u.login"
		" FROM sessions s JOIN users u ON u.id = s.user_id"
		" WHERE s.token_hash = $1 AND s.ended_at IS NULL AND u.status = 'active'");
	stmt_bind_text(st, 1, hash);
	int rc = stmt_step(st);
	if (rc != STORE_ROW) {
		stmt_done(st);
		return rc == STORE_DONE ? AJ_ENOTFOUND : rc;
	}
	int64_t created = stmt_int(st, 1), last_seen = stmt_int(st, 2);
	if (!session_live(created, last_seen, 0, now)) {
		stmt_done(st);
		return AJ_ENOTFOUND;
	}
	memset(p, 0, sizeof *p);
	p->session_id = stmt_int(st, 0);
	p->user_id = stmt_int(st, 4);
	p->org_id = stmt_int(st, 5);
	p->role = role_parse(stmt_text(st, 6));
	p->caps = role_caps(p->role);
	str_copy(p->csrf, sizeof p->csrf, stmt_text(st, 3) ? stmt_text(st, 3) : "");
	str_copy(p->login, sizeof p->login, stmt_text(st, 7) ? stmt_text(st, 7) : "");
	stmt_done(st);
	if (p->role == ROLE_NONE)
		return AJ_ENOTFOUND;

	/* activity keeps the session alive; written at most once a minute, and not audited: it is
	 * the session's clock, not a change to any record */
	if (now - last_seen >= SESSION_TOUCH_SECS) {
		st = store_sql(s, "UPDATE sessions SET last_seen = $1 WHERE id = $2");
		stmt_bind_int(st, 1, now);
		stmt_bind_int(st, 2, p->session_id);
		stmt_exec(st); /* a busy store only delays the touch */
	}
	return AJ_OK;
}

/* Ends one session inside the open transaction. */
static int end_one(struct store *s, const struct actor *a, int64_t id, int64_t user_id,
		   int64_t created, int64_t now)
{
	struct stmt *st = store_sql(s, "UPDATE sessions SET ended_at = $1 WHERE id = $2");
	stmt_bind_int(st, 1, now);
	stmt_bind_int(st, 2, id);
	int rc = stmt_exec(st);
	if (rc)
		return rc;
	struct strbuf sb;
	strbuf_init(&sb, 4096);
	audit_state(&sb, id, user_id, created, created + SESSION_ABSOLUTE_SECS, now);
	rc = audit_append(s, a, "session.end", "session", id, sb.buf, sb.len);
	strbuf_free(&sb);
	return rc;
}

static int end_write(struct store *s, void *arg)
{
	const struct session_edit *e = arg;
	struct stmt *st = store_sql(s, "SELECT created_at, last_seen FROM sessions"
				       " WHERE id = $1 AND user_id = $2 AND ended_at IS NULL");
	stmt_bind_int(st, 1, e->id);
	stmt_bind_int(st, 2, e->user_id);
	int rc = stmt_step(st);
	int64_t created = rc == STORE_ROW ? stmt_int(st, 0) : 0;
	int64_t last_seen = rc == STORE_ROW ? stmt_int(st, 1) : 0;
	stmt_done(st);
	if (rc == STORE_DONE || (rc == STORE_ROW && !session_live(created, last_seen, 0, e->now)))
		return AJ_ENOTFOUND;
	if (rc == STORE_ROW)
		return end_one(s, e->a, e->id, e->user_id, created, e->now);
	return rc;
}

int session_end(struct store *s, const struct actor *a, int64_t id, int64_t user_id)
{
	struct session_edit e = {.a = a, .id = id, .user_id = user_id, .now = clock_now()};
	return store_write(s, end_write, &e);
}

int session_end_all(struct store *s, const struct actor *a, int64_t user_id, int64_t keep, int *ended)
{
	int64_t now = clock_now();
	int64_t ids[256], created[256];
	int n = 0, rc;
	*ended = 0;
	/* in batches, so a user with many sessions never needs an unbounded list */
	do {
		struct stmt *st = store_sql(s, "SELECT id, created_at FROM sessions WHERE user_id = $1"
					       " AND ended_at IS NULL AND id <> $2 LIMIT 256");
		stmt_bind_int(st, 1, user_id);
		stmt_bind_int(st, 2, keep);
		n = 0;
		while ((rc = stmt_step(st)) == STORE_ROW && n < 256) {
			ids[n] = stmt_int(st, 0);
			created[n] = stmt_int(st, 1);
			n++;
		}
		stmt_done(st);
		if (rc < 0)
			return rc;
		for (int i = 0; i < n; i++) {
			if ((rc = end_one(s, a, ids[i], user_id, created[i], now)) != AJ_OK)
				return rc;
			(*ended)++;
		}
	} while (n == 256);
	return AJ_OK;
}
