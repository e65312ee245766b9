/* notify.c — the outbox and the conduct record. */
#include "notify.h"

#include "anjia.h"
#include "store/store.h"
#include "util/clock.h"

int notify(struct store *s, int64_t org_id, int64_t user_id, const char *topic, const char *kind, int64_t id,
	   const char *text_zh, const char *text_en)
{
	struct stmt *st = store_sql(s, "INSERT INTO outbox (created_at, org_id, user_id, topic, subject_kind, subject_id,"
				       " text_zh, text_en) SELECT $1, $2, $3, $4, $5, $6, $7, $8 WHERE NOT EXISTS"
				       " (SELECT 1 FROM outbox WHERE topic = $4 AND subject_kind = $5 AND subject_id = $6"
				       " AND coalesce(org_id, 0) = coalesce($2, 0) AND coalesce(user_id, 0) = coalesce($3, 0))");
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
