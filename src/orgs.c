/* orgs.c — registering and listing organisations; the association admin's work. */
#include "orgs.h"

#include <ctype.h>
#include <string.h>

#include "auth/audit.h"
#include "http/req.h"
#include "http/schema.h"
#include "rows.h"
#include "store/store.h"
#include "util/clock.h"
#include "util/uscc.h"

static const char *const org_kinds[] = {"association", "company", "training", "inspection", NULL};

SCHEMA(org_body, S_ENUM("kind", F_REQ, org_kinds), S_STR("name", F_REQ, 2, 100),
       S_STR("uscc", F_NULL, 1, 18), S_STR("district", F_NULL, 0, 40));
SCHEMA(org_patch_body, S_STR("name", 0, 2, 100), S_STR("uscc", F_NULL, 1, 18),
       S_STR("district", F_NULL, 0, 40));
SCHEMA(orgs_query, S_ENUM("kind", 0, org_kinds), S_STR("q", 0, 1, 50), S_INT("page", 0, 1, 1000000),
       S_INT("per_page", 0, 1, 100));

#define ORG_COLUMNS "id, kind, name, uscc, district, created_at, updated_at"

/* Writes the org at the statement's current row (ORG_COLUMNS first). */
static void org_json(struct jw *w, struct stmt *st)
{
	jw_obj(w);
	jw_kint(w, "id", stmt_int(st, 0));
	jw_kstr(w, "kind", stmt_text(st, 1));
	jw_kstr(w, "name", stmt_text(st, 2));
	jw_kstr(w, "uscc", stmt_text(st, 3));
	jw_kstr(w, "district", stmt_text(st, 4));
	jw_ktime(w, "created_at", stmt_int(st, 5));
	jw_ktime(w, "updated_at", stmt_int(st, 6));
	jw_obj_end(w);
}

/* The org's current state as JSON into sb; AJ_ENOTFOUND when there is no such org. */
static int org_state(struct store *s, int64_t id, struct strbuf *sb)
{
	struct stmt *st = store_sql(s, "SELECT " ORG_COLUMNS " FROM orgs WHERE id = $1");
	stmt_bind_int(st, 1, id);
	return audit_row_state(st, org_json, sb);
}

/* Upper-cases a code into buf and checks it. */
static int normalise_uscc(const char *in, char buf[19], struct fault *f)
{
	size_t n = strlen(in);
	if (n != 18) {
		FAULT(f, "invalid_uscc", "uscc");
		return AJ_EINVAL;
	}
	for (size_t i = 0; i < n; i++)
		buf[i] = (char)toupper((unsigned char)in[i]);
	buf[18] = '\0';
	if (!uscc_valid(buf)) {
		FAULT(f, "invalid_uscc", "uscc");
		return AJ_EINVAL;
	}
	return AJ_OK;
}

/* Maps a uniqueness violation to the field that caused it. */
static int conflict(struct store *s, const char *name, const char *uscc, int64_t self, struct fault *f)
{
	int64_t other;
	struct stmt *st = store_sql(s, "SELECT id FROM orgs WHERE name = $1 AND id <> $2");
	stmt_bind_text(st, 1, name);
	stmt_bind_int(st, 2, self);
	if (name && stmt_one_int(st, &other) == AJ_OK) {
		FAULT(f, "org_name_taken", "name");
		return AJ_ECONFLICT;
	}
	st = store_sql(s, "SELECT id FROM orgs WHERE uscc = $1 AND id <> $2");
	stmt_bind_text(st, 1, uscc);
	stmt_bind_int(st, 2, self);
	if (uscc && stmt_one_int(st, &other) == AJ_OK) {
		FAULT(f, "uscc_taken", "uscc");
		return AJ_ECONFLICT;
	}
	return AJ_OK;
}

/* An org's registration or edit, for the write's body (store_write may run it more than once). */
struct org_edit {
	const struct actor *a;
	const struct org_in *in;
	const char *uscc; /* the code upper-cased, or NULL */
	int64_t id, *out_id;
	struct fault *f;
};

static int create_write(struct store *s, void *arg)
{
	struct org_edit *e = arg;
	const struct org_in *in = e->in;
	int64_t n = 0;
	int rc;
	*e->f = (struct fault){0};
	if (strcmp(in->kind, "association") == 0 &&
	    stmt_one_int(store_sql(s, "SELECT count(*) FROM orgs WHERE kind = 'association'"), &n) == AJ_OK &&
	    n > 0) {
		FAULT(e->f, "association_exists", "kind");
		return AJ_ERULE;
	}
	if ((rc = conflict(s, in->name, e->uscc, 0, e->f)) != AJ_OK)
		return rc;
	struct stmt *st = store_sql(s, "INSERT INTO orgs (kind, name, uscc, district, created_at, updated_at)"
				       " VALUES ($1, $2, $3, $4, $5, $5) RETURNING id");
	stmt_bind_text(st, 1, in->kind);
	stmt_bind_text(st, 2, in->name);
	stmt_bind_text(st, 3, e->uscc);
	stmt_bind_text(st, 4, in->district && *in->district ? in->district : NULL);
	stmt_bind_int(st, 5, clock_now());
	if ((rc = stmt_one_int(st, e->out_id)) != AJ_OK)
		return rc;
	return audit_append_state(s, e->a, "org.create", "org", *e->out_id, org_state);
}

int org_create(struct store *s, const struct actor *a, const struct org_in *in, int64_t *id,
	       struct fault *f)
{
	char code[19];
	int rc;
	if (in->uscc && (rc = normalise_uscc(in->uscc, code, f)) != AJ_OK)
		return rc;
	if (strcmp(in->kind, "company") == 0 && !in->uscc) {
		FAULT(f, "uscc_required", "uscc");
		return AJ_EINVAL;
	}
	struct org_edit e = {.a = a, .in = in, .uscc = in->uscc ? code : NULL, .out_id = id, .f = f};
	return store_write(s, create_write, &e);
}

static int update_write(struct store *s, void *arg)
{
	struct org_edit *e = arg;
	const struct org_in *in = e->in;
	char kind[16];
	*e->f = (struct fault){0};
	struct stmt *st = store_sql(s, "SELECT kind FROM orgs WHERE id = $1");
	stmt_bind_int(st, 1, e->id);
	int rc = stmt_step(st);
	if (rc == STORE_ROW)
		str_copy(kind, sizeof kind, stmt_text(st, 0));
	stmt_done(st);
	if (rc != STORE_ROW)
		return rc == STORE_DONE ? AJ_ENOTFOUND : rc;
	if (in->clear_uscc && strcmp(kind, "company") == 0) {
		FAULT(e->f, "uscc_required", "uscc");
		return AJ_EINVAL;
	}
	if ((rc = conflict(s, in->name, e->uscc, e->id, e->f)) != AJ_OK)
		return rc;
	st = store_sql(s, "UPDATE orgs SET name = coalesce($2, name),"
			  " uscc = CASE WHEN $5 = 1 THEN NULL ELSE coalesce($3, uscc) END,"
			  " district = CASE WHEN $6 = 1 THEN $4 ELSE district END, updated_at = $7"
			  " WHERE id = $1");
	stmt_bind_int(st, 1, e->id);
	stmt_bind_text(st, 2, in->name);
	stmt_bind_text(st, 3, e->uscc);
	stmt_bind_text(st, 4, in->district && *in->district ? in->district : NULL);
	stmt_bind_int(st, 5, in->clear_uscc);
	stmt_bind_int(st, 6, in->district != NULL);
	stmt_bind_int(st, 7, clock_now());
	if ((rc = stmt_exec(st)) != AJ_OK)
		return rc;
	return audit_append_state(s, e->a, "org.update", "org", e->id, org_state);
}

int org_update(struct store *s, const struct actor *a, int64_t id, const struct org_in *in,
	       struct fault *f)
{
	char code[19];
	int rc;
	if (in->uscc && (rc = normalise_uscc(in->uscc, code, f)) != AJ_OK)
		return rc;
	struct org_edit e = {.a = a, .in = in, .uscc = in->uscc ? code : NULL, .id = id, .f = f};
	return store_write(s, update_write, &e);
}

int org_find(struct store *s, const char *id_or_name, int64_t *id, char kind[16])
{
	int64_t n = 0;
	struct stmt *st = store_sql(s, "SELECT id, kind FROM orgs WHERE id = $1 OR name = $2");
	if (parse_int64(id_or_name, &n) != 0)
		n = 0;
	stmt_bind_int(st, 1, n);
	stmt_bind_text(st, 2, id_or_name);
	int rc = stmt_step(st);
	if (rc == STORE_ROW) {
		*id = stmt_int(st, 0);
		if (kind)
			str_copy(kind, 16, stmt_text(st, 1));
	}
	stmt_done(st);
	return rc == STORE_ROW ? AJ_OK : rc == STORE_DONE ? AJ_ENOTFOUND : rc;
}

/* ---- HTTP ---- */

/* Replies 2xx with the org's state. */
static void reply_org(struct req *r, int64_t id, int status)
{
	struct jw *w = req_jw(r);
	(void)w;
	int rc = org_state(r->store, id, &r->out);
	if (rc)
		req_fail(r, rc);
	else
		req_send(r, status);
}

void api_orgs_list(struct req *r)
{
	struct page pg = req_page(r);
	const char *kind = req_qstr(r, "kind"), *q = req_qstr(r, "q");
	char like[256];
	store_like_pattern(q, like, sizeof like);
	int64_t total = 0;
	struct stmt *st = store_sql(r->store, "SELECT count(*) FROM orgs WHERE ($1 = '' OR kind = $1)"
					      " AND ($2 = '' OR lower(name) LIKE $2 ESCAPE '\\' OR lower(uscc) LIKE $2 ESCAPE '\\')");
	stmt_bind_text(st, 1, kind ? kind : "");
	stmt_bind_text(st, 2, like);
	int rc = stmt_one_int(st, &total);
	if (rc) {
		req_fail(r, rc);
		return;
	}
	st = store_sql(r->store, "SELECT " ORG_COLUMNS " FROM orgs WHERE ($1 = '' OR kind = $1)"
				 " AND ($2 = '' OR lower(name) LIKE $2 ESCAPE '\\' OR lower(uscc) LIKE $2 ESCAPE '\\')"
				 " ORDER BY id LIMIT $3 OFFSET $4");
	stmt_bind_text(st, 1, kind ? kind : "");
	stmt_bind_text(st, 2, like);
	stmt_bind_int(st, 3, pg.per_page);
	stmt_bind_int(st, 4, pg.offset);
	rows_reply_list(r, st, org_json, &pg, total);
}

void api_orgs_get(struct req *r)
{
	reply_org(r, r->id[0], 200);
}

void api_orgs_create(struct req *r)
{
	struct org_in in = {req_str(r, "kind"), req_str(r, "name"), req_str(r, "uscc"),
			    req_str(r, "district"), 0};
	struct fault f = {0};
	struct actor a = req_actor(r);
	int64_t id;
	int rc = org_create(r->store, &a, &in, &id, &f);
	if (rc)
		req_fault(r, rc, &f);
	else
		reply_org(r, id, 201);
}

void api_orgs_update(struct req *r)
{
	struct org_in in = {NULL, req_str(r, "name"), req_str(r, "uscc"), NULL, 0};
	if (req_has(r, "uscc") && !in.uscc)
		in.clear_uscc = 1;
	if (req_has(r, "district"))
		in.district = req_str(r, "district") ? req_str(r, "district") : "";
	struct fault f = {0};
	struct actor a = req_actor(r);
	int rc = org_update(r->store, &a, r->id[0], &in, &f);
	if (rc)
		req_fault(r, rc, &f);
	else
		reply_org(r, r->id[0], 200);
}
