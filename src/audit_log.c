/* audit_log.c — the audit chain as the association sees it: the newest records, filtered, and a
 * check of the whole chain (on the worker pool: it reads every record). */
#include "auth/audit.h"
#include "http/req.h"
#include "http/schema.h"
#include "rows.h"
#include "store/store.h"

SCHEMA(audit_query, S_STR("entity", 0, 1, 40), S_INT("entity_id", 0, 1, INT64_MAX),
       S_STR("action", 0, 1, 60), S_INT("page", 0, 1, 1000000), S_INT("per_page", 0, 1, 100));

static void audit_row_json(struct jw *w, struct stmt *st)
{
	jw_obj(w);
	jw_kint(w, "id", stmt_int(st, 0));
	jw_ktime(w, "at", stmt_int(st, 1));
	jw_kid(w, "actor_id", stmt_int(st, 2));
	jw_kstr(w, "actor_label", stmt_text(st, 3));
	jw_kstr(w, "action", stmt_text(st, 4));
	jw_kstr(w, "entity", stmt_text(st, 5));
	jw_kid(w, "entity_id", stmt_int(st, 6));
	jw_kstr(w, "digest", stmt_text(st, 7));
	jw_kstr(w, "hash", stmt_text(st, 8));
	jw_obj_end(w);
}

void api_audit_list(struct req *r)
{
	struct page pg = req_page(r);
	const char *entity = req_qstr(r, "entity"), *action = req_qstr(r, "action");
	int64_t eid = req_qint(r, "entity_id", 0), total = 0;
	struct stmt *st = store_sql(r->store, "SELECT count(*) FROM audit_log WHERE ($1 = '' OR entity = $1)"
					      " AND ($2 = 0 OR entity_id = $2) AND ($3 = '' OR action = $3)");
	stmt_bind_text(st, 1, entity ? entity : "");
	stmt_bind_int(st, 2, eid);
	stmt_bind_text(st, 3, action ? action : "");
	int rc = stmt_one_int(st, &total);
	if (rc) {
		req_fail(r, rc);
		return;
	}
	st = store_sql(r->store, "SELECT id, at, actor_id, actor_label, action, entity, entity_id, digest, hash"
				 " FROM audit_log WHERE ($1 = '' OR entity = $1) AND ($2 = 0 OR entity_id = $2)"
				 " AND ($3 = '' OR action = $3) ORDER BY id DESC LIMIT $4 OFFSET $5");
	stmt_bind_text(st, 1, entity ? entity : "");
	stmt_bind_int(st, 2, eid);
	stmt_bind_text(st, 3, action ? action : "");
	stmt_bind_int(st, 4, pg.per_page);
	stmt_bind_int(st, 5, pg.offset);
	rows_reply_list(r, st, audit_row_json, &pg, total);
}

/* The whole chain is read, so it runs on the pool. */
static void verify_work(struct req *r, struct store *s)
{
	struct audit_result res;
	int rc = audit_verify(s, &res);
	if (rc) {
		req_fail(r, rc);
		return;
	}
	struct jw *w = req_jw(r);
	jw_obj(w);
	jw_kbool(w, "ok", res.ok);
	jw_kint(w, "entries", res.entries);
	jw_kid(w, "first_bad", res.first_bad);
	jw_kstr(w, "reason_code", res.ok ? NULL : res.reason_code);
	jw_kstr(w, "reason", res.ok ? NULL : res.reason);
	jw_obj_end(w);
	req_send(r, 200);
}

void api_audit_verify(struct req *r)
{
	req_defer(r, verify_work, NULL);
}
