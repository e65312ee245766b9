/* session.h — sign-in sessions: a 256-bit random token the client holds, only its SHA-256 stored;
 * an idle limit of 30 minutes and an absolute limit of 12 hours. */
#ifndef SESSION_H
#define SESSION_H

#include <stdint.h>

#include "../anjia.h"
#include "../util/digest.h"
#include "caps.h"

#define SESSION_COOKIE "anjia_session"
#define SESSION_COOKIE_SECURE "__Host-anjia_session"
#define SESSION_IDLE_SECS (30 * 60)
#define SESSION_ABSOLUTE_SECS (12 * 60 * 60)
/* last_seen is written at most this often, so reading pages does not mean writing the database */
#define SESSION_TOUCH_SECS 60

struct store;

/* The signed-in caller; user_id 0 when anonymous. */
struct principal {
	int64_t user_id;
	int64_t org_id;        /* 0 for customers */
	int64_t session_id;
	enum role role;
	caps_t caps;
	int via_cookie;        /* authenticated by the session cookie, so CSRF rules apply */
	char login[65];
	char csrf[TOKEN_LEN];
};

/* 1 when a session created at created, last seen at last_seen, ended at ended (0 if not) is
 * live at now. */
int session_live(int64_t created, int64_t last_seen, int64_t ended, int64_t now);
/* When a session with these times stops being live if left alone. */
int64_t session_expiry(int64_t created, int64_t last_seen);

/* Opens a session for user_id in its own transaction (with its audit record); the token and the
 * CSRF token are written to the caller's buffers. */
int session_create(struct store *s, const struct actor *a, int64_t user_id, const char *peer,
		   const char *user_agent, char token[TOKEN_LEN], char csrf[TOKEN_LEN], int64_t *id);
/* Finds the live session of token and fills *p; AJ_ENOTFOUND when there is none. */
int session_lookup(struct store *s, const char *token, int64_t now, struct principal *p);
/* Ends user_id's live session id; AJ_ENOTFOUND when it is not one of theirs or already over. */
int session_end(struct store *s, const struct actor *a, int64_t id, int64_t user_id);
/* Ends every live session of user_id except keep (0 for none); *ended counts them. Runs inside
 * the caller's transaction. */
int session_end_all(struct store *s, const struct actor *a, int64_t user_id, int64_t keep, int *ended);

#endif
