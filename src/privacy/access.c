/* access.c — the access log: one row per person read, one audit record per request, in a write of
 * its own that does not make the public answers stale. */
#include "access.h"

#include <string.h>

#include "auth/audit.h"
#include "http/req.h"
#include "http/schema.h"
#include "standards.h"
#include "store/store.h"
#include "util/clock.h"
#include "util/json_out.h"
#include "util/log.h"
#include "util/strbuf.h"

static int insert(struct store *s, const struct actor *a, const char *subject, int64_t subject_id, const char *what,
		  const char *via, const char *outcome, int64_t *id)
{
	struct stmt *st = store_sql(s, "INSERT INTO access_log (at, actor_id, actor_label, actor_org_id, subject,"
				       " subject_id, what, via, outcome) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)"
				       " RETURNING id");
	stmt_bind_int(st, 1, clock_now());
	stmt_bind_id(st, 2, a->user_id);
	stmt_bind_text(st, 3, a->label ? a->label : "");
	stmt_bind_id(st, 4, a->org_id);
	stmt_bind_text(st, 5, subject);
	stmt_bind_int(st, 6, subject_id);
	stmt_bind_text(st, 7, what);
	stmt_bind_text(st, 8, via);
	stmt_bind_text(st, 9, outcome);
	return stmt_one_int(st, id);
}

/* Appends the audit record of the rows just written (first..last) and commits. */
static int finish(struct store *s, const struct actor *a, const char *action, int64_t first, struct strbuf *sb)
{
	int rc = audit_append(s, a, action, "access_log", first, sb->buf, sb->len);
	if (rc) {
		store_rollback(s);
		return rc;
	}
	store_keep_generation(s);
	return store_commit(s);
}

int access_add(struct store *s, const struct actor *a, const struct access_entry *e, int n, const char *via)
{
	int64_t id;
	int rc = AJ_OK;
	for (int i = 0; i < n && rc == AJ_OK; i++)
		rc = insert(s, a, e[i].subject, e[i].subject_id, e[i].what, via, NULL, &id);
	return rc;
}

void access_record(struct store *s, const struct actor *a, const struct access_entry *e, int n, const char *via)
{
	if (n <= 0)
		return;
	int rc = store_begin(s);
	if (rc) {
		log_warn("access log: cannot record a read through %s (%d)", via, rc);
		return;
	}
	struct strbuf sb;
	struct jw w;
	strbuf_init(&sb, 1 << 16);
	jw_init(&w, &sb);
	jw_obj(&w);
	jw_kstr(&w, "via", via);
	jw_key(&w, "read");
	jw_arr(&w);
	int64_t first = 0, id = 0;
	for (int i = 0; i < n && rc == AJ_OK; i++) {
		rc = insert(s, a, e[i].subject, e[i].subject_id, e[i].what, via, NULL, &id);
		if (!first)
			first = id;
		jw_obj(&w);
		jw_kstr(&w, "subject", e[i].subject);
		jw_kint(&w, "id", e[i].subject_id);
		jw_kstr(&w, "what", e[i].what);
		jw_obj_end(&w);
	}
	jw_arr_end(&w);
	jw_obj_end(&w);
	if (rc == AJ_OK)
		rc = finish(s, a, "personal_data.read", first, &sb);
	else
		store_rollback(s);
	strbuf_free(&sb);
	if (rc)
		log_warn("access log: cannot record a read through %s (%d)", via, rc);
}

void access_record_req(struct req *r, const struct access_entry *e, int n, const char *via)
{
	struct actor a = req_actor(r);
	access_record(r->store, &a, e, n, via);
}

int access_record_lookup(struct store *s, const struct actor *a, int64_t worker_id, const char *outcome,
			 const char *via)
{
	int rc = store_begin(s);
	if (rc)
		return rc;
	int64_t id = 0;
	if ((rc = insert(s, a, "worker", worker_id, "id_lookup", via, outcome, &id)) != AJ_OK) {
		store_rollback(s);
		return rc;
	}
	struct strbuf sb;
	strbuf_init(&sb, 256);
	struct jw w;
	jw_init(&w, &sb);
	jw_obj(&w);
	jw_kstr(&w, "via", via);
	jw_kid(&w, "worker_id", worker_id);
	jw_kstr(&w, "outcome", outcome);
	jw_obj_end(&w);
	rc = finish(s, a, "registry.lookup", id, &sb);
	strbuf_free(&sb);
	return rc;
}

int access_lookups_left(struct store *s, int64_t org_id, int64_t now, int64_t *left, int64_t *retry_after)
{
	struct standards sd;
	int rc = standards_get(s, &sd);
	*retry_after = 0;
	if (rc)
		return rc;
	if (!org_id) {
		*left = INT64_MAX;
		return AJ_OK;
	}
	int64_t used = 0, oldest = now;
	struct stmt *st = store_sql(s, "SELECT count(*), coalesce(min(at), 0) FROM access_log WHERE actor_org_id = $1"
				       " AND what = 'id_lookup' AND at > $2");
	stmt_bind_int(st, 1, org_id);
	stmt_bind_int(st, 2, now - 3600);
	if ((rc = stmt_step(st)) == STORE_ROW) {
		used = stmt_int(st, 0);
		oldest = stmt_int(st, 1);
	}
	stmt_done(st);
	if (rc < 0)
		return rc;
	*left = sd.registry_lookups_per_hour > used ? sd.registry_lookups_per_hour - used : 0;
	if (!*left)
		*retry_after = oldest + 3600 - now > 0 ? oldest + 3600 - now : 1;
	return AJ_OK;
}

/* ---- the association reads the log ---- */

static const char *const whats[] = {"phone", "address", "contact_phone", "record", "full_record", "id_lookup", NULL};
static const char *const subjects[] = {"worker", "customer", NULL};
SCHEMA(access_query, S_ENUM("what", 0, whats), S_ENUM("subject", 0, subjects), S_INT("subject_id", 0, 1, INT64_MAX),
       S_INT("org_id", 0, 1, INT64_MAX), S_INT("page", 0, 1, 1000000), S_INT("per_page", 0, 1, 100));

#define ACCESS_WHERE \
	" WHERE ($1 = '' OR a.what = $1) AND ($2 = '' OR a.subject = $2) AND ($3 = 0 OR a.subject_id = $3)" \
	" AND ($4 = 0 OR a.actor_org_id = $4)"

static void bind_filter(struct req *r, struct stmt *st)
{
	const char *what = req_qstr(r, "what"), *subject = req_qstr(r, "subject");
	stmt_bind_text(st, 1, what ? what : "");
	stmt_bind_text(st, 2, subject ? subject : "");
	stmt_bind_int(st, 3, req_qint(r, "subject_id", 0));
	stmt_bind_int(st, 4, req_qint(r, "org_id", 0));
}

static void access_row(struct jw *w, struct stmt *st)
{
	jw_obj(w);
	jw_kint(w, "id", stmt_int(st, 0));
	jw_ktime(w, "at", stmt_int(st, 1));
	jw_key(w, "actor");
	jw_obj(w);
	jw_kid(w, "id", stmt_int(st, 2));
	jw_kstr(w, "login", stmt_text(st, 3));
	jw_obj_end(w);
	jw_kref(w, "org", st, 4, 5);
	jw_kstr(w, "subject", stmt_text(st, 6));
	jw_kint(w, "subject_id", stmt_int(st, 7));
	jw_kstr(w, "what", stmt_text(st, 8));
	jw_kstr(w, "via", stmt_text(st, 9));
	jw_kstr(w, "outcome", stmt_text(st, 10));
	jw_obj_end(w);
}

void api_access_log(struct req *r)
{
	struct page pg = req_page(r);
	int64_t total = 0;
	struct stmt *st = store_sql(r->store, "SELECT count(*) FROM access_log a" ACCESS_WHERE);
	bind_filter(r, st);
	int rc = stmt_one_int(st, &total);
	if (rc) {
		req_fail(r, rc);
		return;
	}
	st = store_sql(r->store, "SELECT a.id, a.at, a.actor_id, a.actor_label, a.actor_org_id, o.name, a.subject,"
				 " a.subject_id, a.what, a.via, a.outcome FROM access_log a"
				 " LEFT JOIN orgs o ON o.id = a.actor_org_id" ACCESS_WHERE
				 " ORDER BY a.id DESC LIMIT $5 OFFSET $6");
	bind_filter(r, st);
	stmt_bind_int(st, 5, pg.per_page);
	stmt_bind_int(st, 6, pg.offset);
	req_reply_list(r, st, access_row, &pg, total);
}
