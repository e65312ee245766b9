/* checks.c — identity verification, criminal background check, health examination, insurance:
 * each recorded with its result, who recorded it, when, and when it lapses. Only the latest check
 * of a kind counts; a failed background check stands until the association records a pass. */
#include "checks.h"

#include <string.h>


#include "auth/audit.h"
#include "http/req.h"
#include "http/schema.h"
#include "standards.h"
#include "store/store.h"
#include "util/clock.h"
#include "util/timefmt.h"
#include "workforce/eligibility.h"
#include "workforce/worker_access.h"

static const char *const check_kinds[] = {"identity", "background", "health", "insurance", NULL};
static const char *const check_results[] = {"pass", "fail", NULL};

SCHEMA(check_record_body, S_ENUM("kind", F_REQ, check_kinds), S_ENUM("result", F_REQ, check_results),
       S_DATE("checked_on", F_REQ), S_DATE("valid_until", F_NULL), S_STR("reference", F_NULL, 0, 100),
       S_TEXT("note", F_NULL, 500));

#define CHECK_COLUMNS \
	"c.id, c.kind, c.result, c.checked_on, c.valid_until, c.reference, c.note, c.recorded_by, u.name," \
	" c.org_id, o.name, c.created_at"
#define CHECK_FROM " FROM checks c LEFT JOIN users u ON u.id = c.recorded_by LEFT JOIN orgs o ON o.id = c.org_id"

static void check_json(struct jw *w, struct stmt *st)
{
	jw_obj(w);
	jw_kint(w, "id", stmt_int(st, 0));
	jw_kstr(w, "kind", stmt_text(st, 1));
	jw_kstr(w, "result", stmt_text(st, 2));
	jw_kstr(w, "checked_on", stmt_text(st, 3));
	jw_kstr(w, "valid_until", stmt_text(st, 4));
	jw_kstr(w, "reference", stmt_text(st, 5));
	jw_kstr(w, "note", stmt_text(st, 6));
	jw_kref(w, "recorded_by", stmt_int(st, 7), stmt_text(st, 8));
	jw_kref(w, "org", stmt_int(st, 9), stmt_text(st, 10));
	jw_ktime(w, "created_at", stmt_int(st, 11));
	jw_obj_end(w);
}

static int check_state(struct store *s, int64_t id, struct strbuf *sb)
{
	struct stmt *st = store_sql(s, "SELECT " CHECK_COLUMNS CHECK_FROM " WHERE c.id = $1");
	stmt_bind_int(st, 1, id);
	return audit_row_state(st, check_json, sb);
}

/* Who may record which kind: the association anything; company admins anything for their own
 * workers; company staff all but the background check. */
static int may_record(enum role role, const char *kind)
{
	switch (role) {
	case ROLE_ASSOCIATION_ADMIN:
	case ROLE_COMPANY_ADMIN:
		return 1;
	case ROLE_COMPANY_STAFF:
		return strcmp(kind, "background") != 0;
	default:
		return 0;
	}
}


/* A check's record: inputs and outputs, for the write's body (store_write may run it more than once). */
struct recording {
	const struct actor *a;
	const struct check_in *in;
	const char *until; /* the day it lapses, as the kind's rule says */
	int64_t *out_id;
	struct fault *f;
};

static int record_write(struct store *s, void *arg)
{
	const struct recording *c = arg;
	const struct check_in *in = c->in;
	*c->f = (struct fault){0};
	if (strcmp(in->kind, "background") == 0 && strcmp(in->result, "pass") == 0 && !in->association) {
		struct stmt *st = store_sql(s, "SELECT result FROM checks WHERE worker_id = $1 AND kind = 'background'"
					       " ORDER BY checked_on DESC, id DESC LIMIT 1");
		stmt_bind_int(st, 1, in->worker_id);
		int failed = stmt_step(st) == STORE_ROW && strcmp(stmt_text(st, 0), "fail") == 0;
		stmt_done(st);
		if (failed) {
			FAULT(c->f, "background_fail_standing", "result");
			return AJ_ERULE;
		}
	}
	struct stmt *st = store_sql(s, "INSERT INTO checks (worker_id, kind, result, checked_on, valid_until,"
				       " reference, note, recorded_by, org_id, created_at)"
				       " VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10) RETURNING id");
	stmt_bind_int(st, 1, in->worker_id);
	stmt_bind_text(st, 2, in->kind);
	stmt_bind_text(st, 3, in->result);
	stmt_bind_text(st, 4, in->checked_on);
	stmt_bind_text(st, 5, strcmp(in->kind, "identity") == 0 && !in->valid_until ? NULL : c->until);
	stmt_bind_text(st, 6, in->reference);
	stmt_bind_text(st, 7, in->note);
	stmt_bind_id(st, 8, c->a->user_id);
	stmt_bind_id(st, 9, in->org_id);
	stmt_bind_int(st, 10, clock_now());
	int rc = stmt_one_int(st, c->out_id);
	if (rc || (rc = elig_refresh(s, in->worker_id)) != AJ_OK)
		return rc;
	return audit_append_state(s, c->a, "check.record", "check", *c->out_id, check_state);
}

int check_record(struct store *s, const struct actor *a, const struct check_in *in, int64_t *id,
		 struct fault *f)
{
	int64_t on, until = 0;
	char until_s[11] = "";
	struct standards sd;
	parse_date(in->checked_on, &on);
	if (on > time_today()) {
		FAULT(f, "date_in_future", "checked_on");
		return AJ_ERULE;
	}
	if (in->valid_until) {
		parse_date(in->valid_until, &until);
		if (until < on) {
			FAULT(f, "invalid_validity", "valid_until");
			return AJ_ERULE;
		}
		str_copy(until_s, sizeof until_s, in->valid_until);
	} else if (strcmp(in->kind, "insurance") == 0) {
		FAULT(f, "missing_field", "valid_until");
		return AJ_EINVAL;
	} else if (strcmp(in->kind, "health") == 0 || strcmp(in->kind, "background") == 0) {
		int rc = standards_get(s, &sd);
		if (rc)
			return rc;
		int months = strcmp(in->kind, "health") == 0 ? sd.health_valid_months : sd.background_valid_months;
		time_format_date(time_add_months(on, months) - 1, until_s);
	}
	struct recording c = {a, in, until_s, id, f};
	return store_write(s, record_write, &c);
}

void api_checks_create(struct req *r)
{
	struct check_in in = {r->id[0], req_str(r, "kind"), req_str(r, "result"), req_str(r, "checked_on"),
			      req_str(r, "valid_until"), req_str(r, "reference"), req_str(r, "note"),
			      r->user.org_id, r->user.role == ROLE_ASSOCIATION_ADMIN};
	int rc = worker_visible(r, in.worker_id);
	if (rc) {
		req_fail(r, rc);
		return;
	}
	if (!may_record(r->user.role, in.kind)) {
		req_error(r, 403, "forbidden", "kind");
		return;
	}
	struct fault f = {0};
	struct actor a = req_actor(r);
	int64_t id;
	if ((rc = check_record(r->store, &a, &in, &id, &f)) != AJ_OK) {
		req_fault(r, rc, &f);
		return;
	}
	req_jw(r);
	if ((rc = check_state(r->store, id, &r->out)) != AJ_OK)
		req_fail(r, rc);
	else
		req_send(r, 201);
}

void api_checks_list(struct req *r)
{
	worker_sublist(r, store_sql(r->store, "SELECT count(*) FROM checks WHERE worker_id = $1"),
		       store_sql(r->store, "SELECT " CHECK_COLUMNS CHECK_FROM " WHERE c.worker_id = $1"
					   " ORDER BY c.checked_on DESC, c.id DESC LIMIT $2 OFFSET $3"),
		       check_json);
}

void checks_summary_json(struct store *s, int64_t worker_id, struct jw *w)
{
	struct stmt *st = store_sql(s, "SELECT c.kind, c.result, c.checked_on, c.valid_until, o.name FROM checks c"
				       " LEFT JOIN orgs o ON o.id = c.org_id WHERE c.worker_id = $1"
				       " ORDER BY c.checked_on DESC, c.id DESC LIMIT 100");
	stmt_bind_int(st, 1, worker_id);
	jw_arr(w);
	while (stmt_step(st) == STORE_ROW) {
		jw_obj(w);
		jw_kstr(w, "kind", stmt_text(st, 0));
		jw_kstr(w, "result", stmt_text(st, 1));
		jw_kstr(w, "checked_on", stmt_text(st, 2));
		jw_kstr(w, "valid_until", stmt_text(st, 3));
		jw_kstr(w, "recorded_by_org", stmt_text(st, 4));
		jw_obj_end(w);
	}
	stmt_done(st);
	jw_arr_end(w);
}

void checks_of_worker_json(struct store *s, int64_t worker_id, struct jw *w)
{
	struct stmt *st = store_sql(s, "SELECT " CHECK_COLUMNS CHECK_FROM " WHERE c.worker_id = $1"
				       " ORDER BY c.checked_on DESC, c.id DESC LIMIT 100");
	stmt_bind_int(st, 1, worker_id);
	jw_arr(w);
	while (stmt_step(st) == STORE_ROW)
		check_json(w, st);
	stmt_done(st);
	jw_arr_end(w);
}
