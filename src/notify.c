/* notify.c — the outbox and the conduct record. */
#include "notify.h"

#include "anjia.h"
#include "http/req.h"
#include "http/schema.h"
#include "rows.h"
#include "store/store.h"
#include "util/clock.h"

int notify(struct store *s, int64_t org_id, int64_t user_id, const char *topic, const char *kind, int64_t id,
	   const char *text_zh, const char *text_en)
{
	struct stmt *st = store_sql(s, "INSERT INTO outbox (created_at, org_id, user_id, topic, subject_kind, subject_id,"
				       " text_zh, text_en) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)");
	stmt_bind_int(st, 1, clock_now());
	stmt_bind_id(st, 2, org_id);
	stmt_bind_id(st, 3, org_id ? 0 : user_id);
	stmt_bind_text(st, 4, topic);
	stmt_bind_text(st, 5, kind);
	stmt_bind_int(st, 6, id);
	stmt_bind_text(st, 7, text_zh);
	stmt_bind_text(st, 8, text_en);
	return stmt_exec(st);
}

int64_t association_org(struct store *s)
{
	int64_t id = 0;
	stmt_one_int(store_sql(s, "SELECT id FROM orgs WHERE kind = 'association' ORDER BY id LIMIT 1"), &id);
	return id;
}

int conduct_record(struct store *s, const char *subject, int64_t subject_id, const char *kind,
		   const char *source_kind, int64_t source_id, const char *note)
{
	struct stmt *st = store_sql(s, "INSERT INTO conduct_records (subject, subject_id, kind, source_kind, source_id,"
				       " note, at) VALUES ($1, $2, $3, $4, $5, $6, $7) ON CONFLICT DO NOTHING");
	stmt_bind_text(st, 1, subject);
	stmt_bind_int(st, 2, subject_id);
	stmt_bind_text(st, 3, kind);
	stmt_bind_text(st, 4, source_kind);
	stmt_bind_int(st, 5, source_id);
	stmt_bind_text(st, 6, note);
	stmt_bind_int(st, 7, clock_now());
	return stmt_exec(st);
}

void conduct_counts_json(struct store *s, const char *subject, int64_t id, int64_t since, struct jw *w)
{
	struct stmt *st = store_sql(s, "SELECT coalesce(sum(CASE WHEN kind = 'complaint_upheld' THEN 1 ELSE 0 END), 0),"
				       " coalesce(sum(CASE WHEN kind = 'complaint_partly_upheld' THEN 1 ELSE 0 END), 0),"
				       " coalesce(sum(CASE WHEN kind = 'spot_check_failed' THEN 1 ELSE 0 END), 0)"
				       " FROM conduct_records WHERE subject = $1 AND subject_id = $2 AND at >= $3");
	stmt_bind_text(st, 1, subject);
	stmt_bind_int(st, 2, id);
	stmt_bind_int(st, 3, since);
	int64_t v[3] = {0};
	if (stmt_step(st) == STORE_ROW)
		for (int k = 0; k < 3; k++)
			v[k] = stmt_int(st, k);
	stmt_done(st);
	jw_key(w, "conduct");
	jw_obj(w);
	jw_ktime(w, "since", since);
	jw_kint(w, "complaints_upheld", v[0]);
	jw_kint(w, "complaints_partly_upheld", v[1]);
	jw_kint(w, "spot_checks_failed", v[2]);
	jw_obj_end(w);
}

void conduct_list_json(struct store *s, const char *subject, int64_t id, struct jw *w)
{
	struct stmt *st = store_sql(s, "SELECT kind, source_kind, source_id, at FROM conduct_records WHERE subject = $1"
				       " AND subject_id = $2 ORDER BY at DESC, id DESC LIMIT 100");
	stmt_bind_text(st, 1, subject);
	stmt_bind_int(st, 2, id);
	jw_arr(w);
	while (stmt_step(st) == STORE_ROW) {
		jw_obj(w);
		jw_kstr(w, "kind", stmt_text(st, 0));
		jw_kstr(w, "source_kind", stmt_text(st, 1));
		jw_kint(w, "source_id", stmt_int(st, 2));
		jw_ktime(w, "at", stmt_int(st, 3));
		jw_obj_end(w);
	}
	stmt_done(st);
	jw_arr_end(w);
}

/* ---- HTTP ---- */

SCHEMA(seen_body, S_INT("up_to", F_REQ, 0, INT64_MAX));

/* Whose notices: the caller's own ($1), and their organisation's ($2, 0 for none) */
#define MINE " (user_id = $1 OR ($2 <> 0 AND org_id = $2))"

/* The organisation whose notices the caller reads: their own, unless they serve as its worker. */
static int64_t notice_org(const struct req *r)
{
	return r->user.role == ROLE_WORKER ? 0 : r->user.org_id;
}

static void notice_row(struct jw *w, struct stmt *st, int en)
{
	jw_obj(w);
	jw_kint(w, "id", stmt_int(st, 0));
	jw_ktime(w, "created_at", stmt_int(st, 1));
	jw_kstr(w, "topic", stmt_text(st, 2));
	jw_kstr(w, "subject_kind", stmt_text(st, 3));
	jw_kint(w, "subject_id", stmt_int(st, 4));
	jw_kstr(w, "text", stmt_text(st, en ? 6 : 5));
	jw_ktime(w, "sent_at", stmt_int(st, 7));
	jw_kbool(w, "unread", (int)stmt_int(st, 8));
	jw_obj_end(w);
}

static void notice_row_zh(struct jw *w, struct stmt *st)
{
	notice_row(w, st, 0);
}

static void notice_row_en(struct jw *w, struct stmt *st)
{
	notice_row(w, st, 1);
}

/* The caller's notices: their own, and their organisation's for those who act for it (not its
 * workers), newest first. */
void api_notifications_list(struct req *r)
{
	struct page pg = req_page(r);
	int64_t total = 0, org = notice_org(r);
	struct stmt *st = store_sql(r->store, "SELECT count(*) FROM outbox WHERE" MINE);
	stmt_bind_int(st, 1, r->user.user_id);
	stmt_bind_int(st, 2, org);
	int rc = stmt_one_int(st, &total);
	if (rc) {
		req_fail(r, rc);
		return;
	}
	st = store_sql(r->store, "SELECT id, created_at, topic, subject_kind, subject_id, text_zh, text_en,"
				 " coalesce(sent_at, 0), id > (SELECT notices_seen_id FROM users WHERE id = $1)"
				 " FROM outbox WHERE" MINE " ORDER BY id DESC LIMIT $3 OFFSET $4");
	stmt_bind_int(st, 1, r->user.user_id);
	stmt_bind_int(st, 2, org);
	stmt_bind_int(st, 3, pg.per_page);
	stmt_bind_int(st, 4, pg.offset);
	rows_reply_list(r, st, r->lang == LANG_EN ? notice_row_en : notice_row_zh, &pg, total);
}

/* How many of the caller's notices are newer than the newest they have seen. */
static int unread_count(struct req *r, int64_t *n)
{
	struct stmt *st = store_sql(r->store, "SELECT count(*) FROM outbox WHERE" MINE
					      " AND id > (SELECT notices_seen_id FROM users WHERE id = $1)");
	stmt_bind_int(st, 1, r->user.user_id);
	stmt_bind_int(st, 2, notice_org(r));
	return stmt_one_int(st, n);
}

static void reply_unread(struct req *r)
{
	int64_t n = 0;
	int rc = unread_count(r, &n);
	if (rc) {
		req_fail(r, rc);
		return;
	}
	struct jw *w = req_jw(r);
	jw_obj(w);
	jw_kint(w, "unread", n);
	jw_obj_end(w);
	req_send(r, 200);
}

void api_notifications_unread(struct req *r)
{
	reply_unread(r);
}

/* How far a reader has seen their notices, for the write's body. */
struct seen {
	int64_t user_id, up_to;
};

static int seen_write(struct store *s, void *arg)
{
	const struct seen *sn = arg;
	struct stmt *st = store_sql(s, "UPDATE users SET notices_seen_id = greatest(notices_seen_id,"
				       " least($2, (SELECT coalesce(max(id), 0) FROM outbox))) WHERE id = $1");
	stmt_bind_int(st, 1, sn->user_id);
	stmt_bind_int(st, 2, sn->up_to);
	return stmt_exec(st);
}

/* The caller has seen their notices up to id up_to (never past the newest there is, never back).
 * Not audited: it is the reader's place in their notices, as a session's last activity is the
 * session's clock, not a change to any record. */
void api_notifications_seen(struct req *r)
{
	struct seen sn = {r->user.user_id, req_int(r, "up_to", 0)};
	int rc = store_write(r->store, seen_write, &sn);
	if (rc) {
		req_fail(r, rc);
		return;
	}
	reply_unread(r);
}
