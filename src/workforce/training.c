/* training.c — courses, sessions, enrolments, results and pass rates. A result refreshes the
 * worker's facts: safety topics, refreshers and failures feed the "may serve now" rule. */
#include "training.h"

#include <stdio.h>

#include <string.h>

#include "auth/audit.h"
#include "http/req.h"
#include "http/schema.h"
#include "privacy/access.h"
#include "rows.h"
#include "standards.h"
#include "store/store.h"
#include "util/clock.h"
#include "util/log.h"
#include "util/timefmt.h"
#include "workforce/eligibility.h"
#include "workforce/trades.h"
#include "workforce/worker_access.h"

static const char *const course_kinds[] = {"skill", "safety_first_aid", "safety_fire", "safety_protection",
					   "communication", "privacy", "emergency", "ethics", NULL};
static const char *const truth[] = {"true", "false", NULL};
static const char *const session_statuses[] = {"cancelled", NULL};

SCHEMA(course_body, S_STR("code", F_REQ, 2, 20), S_STR("title", F_REQ, 2, 100), S_ENUM("kind", F_REQ, course_kinds),
       S_ENUM("trade", F_NULL, trade_codes), S_INT("credits", F_REQ, 0, 20), S_INT("pass_mark", F_REQ, 0, 100),
       S_BOOL("refresher", 0));
SCHEMA(course_patch_body, S_STR("title", 0, 2, 100), S_INT("credits", 0, 0, 20), S_INT("pass_mark", 0, 0, 100),
       S_BOOL("refresher", 0), S_BOOL("active", 0));
SCHEMA(courses_query, S_ENUM("kind", 0, course_kinds), S_ENUM("trade", 0, trade_codes), S_ENUM("active", 0, truth),
       S_INT("page", 0, 1, 1000000), S_INT("per_page", 0, 1, 100));
SCHEMA(session_body, S_INT("course_id", F_REQ, 1, INT64_MAX), S_TIME("starts_at", F_REQ), S_TIME("ends_at", F_REQ),
       S_STR("location", F_REQ, 2, 100), S_INT("capacity", F_REQ, 1, 500), S_INT("org_id", F_NULL, 1, INT64_MAX));
SCHEMA(session_patch_body, S_ENUM("status", F_REQ, session_statuses));
SCHEMA(sessions_query, S_INT("course_id", 0, 1, INT64_MAX), S_INT("org_id", 0, 1, INT64_MAX), S_TIME("from", 0),
       S_TIME("to", 0), S_INT("page", 0, 1, 1000000), S_INT("per_page", 0, 1, 100));
/* a company enrols its own workers by id; a training institution enrols a person by the number and
 * name on the ID card they show (a look-up of the registry, logged and limited like any other) */
SCHEMA(enrol_body, S_INT("worker_id", F_NULL, 1, INT64_MAX), S_STR("id_number", F_NULL, 1, 40),
       S_STR("name", F_NULL, 2, 20));
SCHEMA(result_body, S_BOOL("attended", F_REQ), S_INT("score", F_NULL, 0, 100));
SCHEMA(pass_rates_query, S_STR("quarter", 0, 7, 7), S_INT("company_id", 0, 1, INT64_MAX));
SCHEMA(public_pass_rates_query, S_STR("quarter", 0, 7, 7));

/* ---- courses ---- */

#define COURSE_COLUMNS "id, code, title, kind, trade, credits, pass_mark, refresher, active, created_at"

static void course_json(struct jw *w, struct stmt *st)
{
	jw_obj(w);
	jw_kint(w, "id", stmt_int(st, 0));
	jw_kstr(w, "code", stmt_text(st, 1));
	jw_kstr(w, "title", stmt_text(st, 2));
	jw_kstr(w, "kind", stmt_text(st, 3));
	jw_kstr(w, "trade", stmt_text(st, 4));
	jw_kint(w, "credits", stmt_int(st, 5));
	jw_kint(w, "pass_mark", stmt_int(st, 6));
	jw_kbool(w, "refresher", (int)stmt_int(st, 7));
	jw_kbool(w, "active", (int)stmt_int(st, 8));
	jw_ktime(w, "created_at", stmt_int(st, 9));
	jw_obj_end(w);
}

static int course_state(struct store *s, int64_t id, struct strbuf *sb)
{
	struct stmt *st = store_sql(s, "SELECT " COURSE_COLUMNS " FROM courses WHERE id = $1");
	stmt_bind_int(st, 1, id);
	return audit_row_state(st, course_json, sb);
}

static int code_valid(const char *c)
{
	for (; *c; c++)
		if (!((*c >= 'A' && *c <= 'Z') || (*c >= '0' && *c <= '9') || *c == '-'))
			return 0;
	return 1;
}

/* A course's creation or change, for the write's body (store_write may run it more than once). */
struct course_edit {
	const struct actor *a;
	const struct course_in *in; /* a new course */
	int64_t id, *out_id;
	const char *title;          /* a change's; NULL, like -1 for a number, keeps what is there */
	int64_t credits, pass_mark, refresher, active;
	struct fault *f;
};

static int course_create_write(struct store *s, void *arg)
{
	const struct course_edit *c = arg;
	const struct course_in *in = c->in;
	*c->f = (struct fault){0};
	int64_t now = clock_now();
	struct stmt *st = store_sql(s, "INSERT INTO courses (code, title, kind, trade, credits, pass_mark, refresher,"
				       " active, created_at, updated_at) VALUES ($1, $2, $3, $4, $5, $6, $7, 1, $8, $8)"
				       " RETURNING id");
	stmt_bind_text(st, 1, in->code);
	stmt_bind_text(st, 2, in->title);
	stmt_bind_text(st, 3, in->kind);
	stmt_bind_text(st, 4, in->trade);
	stmt_bind_int(st, 5, in->credits);
	stmt_bind_int(st, 6, in->pass_mark);
	stmt_bind_int(st, 7, in->refresher);
	stmt_bind_int(st, 8, now);
	int rc = stmt_one_int(st, c->out_id);
	if (rc) {
		if (rc == AJ_ECONFLICT)
			FAULT(c->f, "code_taken", "code");
		return rc;
	}
	return audit_append_state(s, c->a, "course.create", "course", *c->out_id, course_state);
}

int course_create(struct store *s, const struct actor *a, const struct course_in *in, int64_t *id,
		  struct fault *f)
{
	int skill = strcmp(in->kind, "skill") == 0;
	if (!code_valid(in->code)) {
		FAULT(f, "invalid_characters", "code");
		return AJ_EINVAL;
	}
	if (skill && !in->trade) {
		FAULT(f, "trade_required", "trade");
		return AJ_ERULE;
	}
	if (!skill && in->trade) {
		FAULT(f, "trade_not_allowed", "trade");
		return AJ_ERULE;
	}
	struct course_edit c = {.a = a, .in = in, .out_id = id, .f = f};
	return store_write(s, course_create_write, &c);
}

void api_courses_list(struct req *r)
{
	struct page pg = req_page(r);
	const char *kind = req_qstr(r, "kind"), *trade = req_qstr(r, "trade"), *active = req_qstr(r, "active");
	int64_t act = !active ? -1 : strcmp(active, "true") == 0;
	int64_t total = 0;
	struct stmt *st = store_sql(r->store, "SELECT count(*) FROM courses WHERE ($1 = '' OR kind = $1)"
					      " AND ($2 = '' OR trade = $2) AND ($3 < 0 OR active = $3)");
	stmt_bind_text(st, 1, kind ? kind : "");
	stmt_bind_text(st, 2, trade ? trade : "");
	stmt_bind_int(st, 3, act);
	int rc = stmt_one_int(st, &total);
	if (rc) {
		req_fail(r, rc);
		return;
	}
	st = store_sql(r->store, "SELECT " COURSE_COLUMNS " FROM courses WHERE ($1 = '' OR kind = $1)"
				 " AND ($2 = '' OR trade = $2) AND ($3 < 0 OR active = $3) ORDER BY code LIMIT $4 OFFSET $5");
	stmt_bind_text(st, 1, kind ? kind : "");
	stmt_bind_text(st, 2, trade ? trade : "");
	stmt_bind_int(st, 3, act);
	stmt_bind_int(st, 4, pg.per_page);
	stmt_bind_int(st, 5, pg.offset);
	rows_reply_list(r, st, course_json, &pg, total);
}

static void reply_state(struct req *r, int (*state)(struct store *, int64_t, struct strbuf *), int64_t id,
			int status)
{
	req_jw(r);
	int rc = state(r->store, id, &r->out);
	if (rc)
		req_fail(r, rc);
	else
		req_send(r, status);
}

void api_courses_create(struct req *r)
{
	struct course_in in = {req_str(r, "code"), req_str(r, "title"), req_str(r, "kind"), req_str(r, "trade"),
			       (int)req_int(r, "credits", 0), (int)req_int(r, "pass_mark", 0),
			       req_bool(r, "refresher", 0)};
	struct fault f = {0};
	struct actor a = req_actor(r);
	int64_t id;
	int rc = course_create(r->store, &a, &in, &id, &f);
	if (rc)
		req_fault(r, rc, &f);
	else
		reply_state(r, course_state, id, 201);
}

static int course_update_write(struct store *s, void *arg)
{
	const struct course_edit *c = arg;
	int64_t found;
	struct stmt *st = store_sql(s, "SELECT id FROM courses WHERE id = $1");
	stmt_bind_int(st, 1, c->id);
	int rc = stmt_one_int(st, &found);
	if (rc)
		return rc;
	st = store_sql(s, "UPDATE courses SET title = coalesce($2, title),"
			  " credits = CASE WHEN $3 >= 0 THEN $3 ELSE credits END,"
			  " pass_mark = CASE WHEN $4 >= 0 THEN $4 ELSE pass_mark END,"
			  " refresher = CASE WHEN $5 >= 0 THEN $5 ELSE refresher END,"
			  " active = CASE WHEN $6 >= 0 THEN $6 ELSE active END, updated_at = $7 WHERE id = $1");
	stmt_bind_int(st, 1, c->id);
	stmt_bind_text(st, 2, c->title);
	stmt_bind_int(st, 3, c->credits);
	stmt_bind_int(st, 4, c->pass_mark);
	stmt_bind_int(st, 5, c->refresher);
	stmt_bind_int(st, 6, c->active);
	stmt_bind_int(st, 7, clock_now());
	if ((rc = stmt_exec(st)) != AJ_OK)
		return rc;
	return audit_append_state(s, c->a, "course.update", "course", c->id, course_state);
}

void api_courses_update(struct req *r)
{
	struct actor a = req_actor(r);
	struct course_edit c = {.a = &a, .id = r->id[0], .title = req_str(r, "title"),
				.credits = req_int(r, "credits", -1), .pass_mark = req_int(r, "pass_mark", -1),
				.refresher = req_has(r, "refresher") ? req_bool(r, "refresher", 0) : -1,
				.active = req_has(r, "active") ? req_bool(r, "active", 1) : -1};
	int rc = store_write(r->store, course_update_write, &c);
	if (rc)
		req_fail(r, rc);
	else
		reply_state(r, course_state, c.id, 200);
}

/* ---- sessions ---- */

#define SESSION_COLUMNS \
	"t.id, c.id, c.code, c.title, c.kind, c.trade, c.credits, c.pass_mark, o.id, o.name, t.starts_at," \
	" t.ends_at, t.location, t.capacity, (SELECT count(*) FROM enrolments e WHERE e.session_id = t.id)," \
	SESSION_STATUS ", t.created_at," \
	" (SELECT count(*) FROM enrolments e WHERE e.session_id = t.id AND e.recorded_at IS NOT NULL)"
#define SESSION_FROM " FROM training_sessions t JOIN courses c ON c.id = t.course_id JOIN orgs o ON o.id = t.org_id"

static void session_json(struct jw *w, struct stmt *st)
{
	jw_obj(w);
	jw_kint(w, "id", stmt_int(st, 0));
	jw_key(w, "course");
	jw_obj(w);
	jw_kint(w, "id", stmt_int(st, 1));
	jw_kstr(w, "code", stmt_text(st, 2));
	jw_kstr(w, "title", stmt_text(st, 3));
	jw_kstr(w, "kind", stmt_text(st, 4));
	jw_kstr(w, "trade", stmt_text(st, 5));
	jw_kint(w, "credits", stmt_int(st, 6));
	jw_kint(w, "pass_mark", stmt_int(st, 7));
	jw_obj_end(w);
	jw_key(w, "org");
	jw_obj(w);
	jw_kint(w, "id", stmt_int(st, 8));
	jw_kstr(w, "name", stmt_text(st, 9));
	jw_obj_end(w);
	jw_ktime(w, "starts_at", stmt_int(st, 10));
	jw_ktime(w, "ends_at", stmt_int(st, 11));
	jw_kstr(w, "location", stmt_text(st, 12));
	jw_kint(w, "capacity", stmt_int(st, 13));
	jw_kint(w, "enrolled", stmt_int(st, 14));
	jw_kstr(w, "status", stmt_text(st, 15));
	jw_ktime(w, "created_at", stmt_int(st, 16));
	jw_kint(w, "results", stmt_int(st, 17));
	jw_obj_end(w);
}

int training_session_state(struct store *s, int64_t id, struct strbuf *sb)
{
	struct stmt *st = store_sql(s, "SELECT " SESSION_COLUMNS SESSION_FROM " WHERE t.id = $1");
	stmt_bind_int(st, 1, id);
	return audit_row_state(st, session_json, sb);
}

#define session_state training_session_state

/* A session's creation or cancellation: inputs and outputs, for the write's body (store_write may
 * run it more than once). */
struct session_edit {
	const struct actor *a;
	int64_t id, course_id, org_id, starts_at, ends_at, *out_id;
	const char *location;
	int capacity;
	struct fault *f;
};

static int session_create_write(struct store *s, void *arg)
{
	const struct session_edit *e = arg;
	*e->f = (struct fault){0};
	struct stmt *st = store_sql(s, "SELECT active FROM courses WHERE id = $1");
	stmt_bind_int(st, 1, e->course_id);
	int rc = stmt_step(st);
	int active = rc == STORE_ROW && stmt_int(st, 0);
	stmt_done(st);
	if (rc != STORE_ROW || !active) {
		if (rc < 0)
			return rc;
		FAULT(e->f, rc == STORE_DONE ? "course_not_found" : "course_inactive", "course_id");
		return AJ_ERULE;
	}
	char kind[16] = "";
	st = store_sql(s, "SELECT kind FROM orgs WHERE id = $1");
	stmt_bind_int(st, 1, e->org_id);
	if (stmt_step(st) == STORE_ROW)
		str_copy(kind, sizeof kind, stmt_text(st, 0));
	stmt_done(st);
	if (strcmp(kind, "training") != 0) {
		FAULT(e->f, "org_not_found", "org_id");
		return AJ_ERULE;
	}
	int64_t now = clock_now();
	st = store_sql(s, "INSERT INTO training_sessions (course_id, org_id, starts_at, ends_at, location, capacity,"
			  " status, created_at, updated_at) VALUES ($1, $2, $3, $4, $5, $6, 'scheduled', $7, $7)"
			  " RETURNING id");
	stmt_bind_int(st, 1, e->course_id);
	stmt_bind_int(st, 2, e->org_id);
	stmt_bind_int(st, 3, e->starts_at);
	stmt_bind_int(st, 4, e->ends_at);
	stmt_bind_text(st, 5, e->location);
	stmt_bind_int(st, 6, e->capacity);
	stmt_bind_int(st, 7, now);
	if ((rc = stmt_one_int(st, e->out_id)) != AJ_OK)
		return rc;
	return audit_append_state(s, e->a, "training_session.create", "training_session", *e->out_id, session_state);
}

int training_session_create(struct store *s, const struct actor *a, int64_t course_id, int64_t org_id,
		   int64_t starts_at, int64_t ends_at, const char *location, int capacity, int64_t *id,
		   struct fault *f)
{
	if (ends_at <= starts_at) {
		FAULT(f, "invalid_period", "ends_at");
		return AJ_ERULE;
	}
	struct session_edit e = {.a = a, .course_id = course_id, .org_id = org_id, .starts_at = starts_at,
				 .ends_at = ends_at, .location = location, .capacity = capacity, .out_id = id, .f = f};
	return store_write(s, session_create_write, &e);
}

/* The institution a trainer works for (their sessions only); 0 for the association. */
static int64_t training_scope(struct req *r)
{
	return r->user.role == ROLE_TRAINER ? r->user.org_id : 0;
}

int training_session_runnable(struct req *r, int64_t id)
{
	int64_t found;
	struct stmt *st = store_sql(r->store, "SELECT id FROM training_sessions WHERE id = $1 AND ($2 = 0 OR org_id = $2)");
	stmt_bind_int(st, 1, id);
	stmt_bind_int(st, 2, training_scope(r));
	return stmt_one_int(st, &found);
}

#define session_runnable training_session_runnable

void api_sessions_list_training(struct req *r)
{
	struct page pg = req_page(r);
	int64_t scope = training_scope(r), from = 0, to = 0, total = 0;
	int64_t org = scope ? scope : req_qint(r, "org_id", 0);
	if (req_qstr(r, "from"))
		time_parse_iso(req_qstr(r, "from"), &from);
	if (req_qstr(r, "to"))
		time_parse_iso(req_qstr(r, "to"), &to);
	struct stmt *st = store_sql(r->store, "SELECT count(*) FROM training_sessions t WHERE ($1 = 0 OR t.org_id = $1)"
					      " AND ($2 = 0 OR t.course_id = $2) AND ($3 = 0 OR t.starts_at >= $3)"
					      " AND ($4 = 0 OR t.starts_at < $4)");
	stmt_bind_int(st, 1, org);
	stmt_bind_int(st, 2, req_qint(r, "course_id", 0));
	stmt_bind_int(st, 3, from);
	stmt_bind_int(st, 4, to);
	int rc = stmt_one_int(st, &total);
	if (rc) {
		req_fail(r, rc);
		return;
	}
	st = store_sql(r->store, "SELECT " SESSION_COLUMNS SESSION_FROM " WHERE ($1 = 0 OR t.org_id = $1)"
				 " AND ($2 = 0 OR t.course_id = $2) AND ($3 = 0 OR t.starts_at >= $3)"
				 " AND ($4 = 0 OR t.starts_at < $4) ORDER BY t.starts_at DESC, t.id DESC LIMIT $5 OFFSET $6");
	stmt_bind_int(st, 1, org);
	stmt_bind_int(st, 2, req_qint(r, "course_id", 0));
	stmt_bind_int(st, 3, from);
	stmt_bind_int(st, 4, to);
	stmt_bind_int(st, 5, pg.per_page);
	stmt_bind_int(st, 6, pg.offset);
	rows_reply_list(r, st, session_json, &pg, total);
}

void api_sessions_create_training(struct req *r)
{
	int64_t starts, ends, id;
	time_parse_iso(req_str(r, "starts_at"), &starts);
	time_parse_iso(req_str(r, "ends_at"), &ends);
	int64_t org = training_scope(r);
	if (!org) {
		org = req_int(r, "org_id", 0);
		if (!org) {
			req_error(r, 400, "missing_field", "org_id");
			return;
		}
	} else if (req_has(r, "org_id") && req_int(r, "org_id", 0) != org) {
		req_error(r, 403, "forbidden", "org_id");
		return;
	}
	struct fault f = {0};
	struct actor a = req_actor(r);
	int rc = training_session_create(r->store, &a, req_int(r, "course_id", 0), org, starts, ends, req_str(r, "location"),
				(int)req_int(r, "capacity", 1), &id, &f);
	if (rc)
		req_fault(r, rc, &f);
	else
		reply_state(r, session_state, id, 201);
}

void api_sessions_get_training(struct req *r)
{
	reply_state(r, session_state, r->id[0], 200);
}

static int session_cancel_write(struct store *s, void *arg)
{
	const struct session_edit *e = arg;
	struct stmt *st = store_sql(s, "UPDATE training_sessions SET status = 'cancelled', updated_at = $2 WHERE id = $1");
	stmt_bind_int(st, 1, e->id);
	stmt_bind_int(st, 2, clock_now());
	int rc = stmt_exec(st);
	return rc ? rc : audit_append_state(s, e->a, "training_session.cancel", "training_session", e->id, session_state);
}

void api_sessions_update_training(struct req *r)
{
	int rc = session_runnable(r, r->id[0]);
	if (rc) {
		req_fail(r, rc);
		return;
	}
	struct actor a = req_actor(r);
	struct session_edit e = {.a = &a, .id = r->id[0]};
	if ((rc = store_write(r->store, session_cancel_write, &e)) != AJ_OK)
		req_fail(r, rc);
	else
		reply_state(r, session_state, e.id, 200);
}

/* ---- enrolments and results ---- */

#define ENROLMENT_COLUMNS \
	"w.id, w.name, coalesce(e.company_id, w.company_id), o.name, e.attended, e.score, e.passed, e.credits," \
	" coalesce(e.recorded_at, 0)," \
	" e.session_id, w.id_masked"
#define ENROLMENT_FROM " FROM enrolments e JOIN workers w ON w.id = e.worker_id" \
	" LEFT JOIN orgs o ON o.id = coalesce(e.company_id, w.company_id)"

/* Writes the enrolment at the current row; with_company names the worker's employer (not for the
 * training institution: where a person works is not its business). */
static void enrolment_row(struct jw *w, struct stmt *st, int with_company)
{
	char masked[96];
	worker_mask_name(stmt_text(st, 1), masked, sizeof masked);
	jw_obj(w);
	jw_key(w, "worker");
	jw_obj(w);
	jw_kint(w, "id", stmt_int(st, 0));
	jw_kstr(w, "name", stmt_text(st, 1));
	jw_kstr(w, "masked_name", masked);
	jw_kstr(w, "id_number_masked", stmt_text(st, 10));
	jw_obj_end(w);
	if (with_company)
		jw_kref(w, "company", stmt_int(st, 2), stmt_text(st, 3));
	jw_key(w, "attended");
	if (stmt_is_null(st, 4))
		jw_null(w);
	else
		jw_bool(w, (int)stmt_int(st, 4));
	jw_key(w, "score");
	if (stmt_is_null(st, 5))
		jw_null(w);
	else
		jw_int(w, stmt_int(st, 5));
	jw_kbool(w, "passed", (int)stmt_int(st, 6));
	jw_kint(w, "credits", stmt_int(st, 7));
	jw_ktime(w, "recorded_at", stmt_int(st, 8));
	jw_kint(w, "session_id", stmt_int(st, 9));
	jw_obj_end(w);
}

static void enrolment_json(struct jw *w, struct stmt *st)
{
	enrolment_row(w, st, 1);
}

static void enrolment_json_trainer(struct jw *w, struct stmt *st)
{
	enrolment_row(w, st, 0);
}

/* Writes the enrolment of worker_id in session_id. */
static int enrolment_write(struct store *s, int64_t session_id, int64_t worker_id, struct jw *w)
{
	struct stmt *st = store_sql(s, "SELECT " ENROLMENT_COLUMNS ENROLMENT_FROM
				       " WHERE e.session_id = $1 AND e.worker_id = $2");
	stmt_bind_int(st, 1, session_id);
	stmt_bind_int(st, 2, worker_id);
	int rc = stmt_step(st);
	if (rc == STORE_ROW)
		enrolment_json(w, st);
	stmt_done(st);
	return rc == STORE_ROW ? AJ_OK : rc == STORE_DONE ? AJ_ENOTFOUND : rc;
}

int training_enrolment_audit(struct store *s, const struct actor *a, const char *action, int64_t session_id,
			    int64_t worker_id)
{
	struct strbuf sb;
	struct jw w;
	strbuf_init(&sb, 1 << 16);
	jw_init(&w, &sb);
	int64_t id = 0;
	struct stmt *st = store_sql(s, "SELECT id FROM enrolments WHERE session_id = $1 AND worker_id = $2");
	stmt_bind_int(st, 1, session_id);
	stmt_bind_int(st, 2, worker_id);
	int rc = stmt_one_int(st, &id);
	if (rc == AJ_OK)
		rc = enrolment_write(s, session_id, worker_id, &w);
	if (rc == AJ_OK)
		rc = audit_append(s, a, action, "enrolment", id, sb.buf, sb.len);
	strbuf_free(&sb);
	return rc;
}

/* An enrolment or its result, for the write's body (store_write may run it more than once). */
struct enrolling {
	const struct actor *a;
	int64_t session_id, worker_id;
	int attended, score;
	struct fault *f;
};

static int enrol_write(struct store *s, void *arg)
{
	const struct enrolling *e = arg;
	struct fault *f = e->f;
	*f = (struct fault){0};
	struct stmt *st = store_sql(s, "SELECT t.status, t.capacity, (SELECT count(*) FROM enrolments e"
				       " WHERE e.session_id = t.id), (SELECT count(*) FROM enrolments e"
				       " WHERE e.session_id = t.id AND e.worker_id = $2) FROM training_sessions t WHERE t.id = $1");
	stmt_bind_int(st, 1, e->session_id);
	stmt_bind_int(st, 2, e->worker_id);
	int rc = stmt_step(st);
	int cancelled = rc == STORE_ROW && strcmp(stmt_text(st, 0), "cancelled") == 0;
	int full = rc == STORE_ROW && stmt_int(st, 2) >= stmt_int(st, 1);
	int already = rc == STORE_ROW && stmt_int(st, 3) > 0;
	stmt_done(st);
	if (already) {
		FAULT(f, "already_enrolled", "worker_id");
		return AJ_ECONFLICT;
	}
	const char *why = cancelled ? "session_cancelled" : full ? "session_full" : NULL;
	if (rc != STORE_ROW || why) {
		if (why)
			FAULT(f, why, "session");
		return why ? AJ_ERULE : rc == STORE_DONE ? AJ_ENOTFOUND : rc;
	}
	st = store_sql(s, "SELECT status FROM workers WHERE id = $1");
	stmt_bind_int(st, 1, e->worker_id);
	rc = stmt_step(st);
	int revoked = rc == STORE_ROW && strcmp(stmt_text(st, 0), "revoked") == 0;
	stmt_done(st);
	if (rc != STORE_ROW || revoked) {
		if (revoked)
			FAULT(f, "worker_revoked", "worker_id");
		return revoked ? AJ_ERULE : rc == STORE_DONE ? AJ_ENOTFOUND : rc;
	}
	st = store_sql(s, "INSERT INTO enrolments (session_id, worker_id, enrolled_at) VALUES ($1, $2, $3)");
	stmt_bind_int(st, 1, e->session_id);
	stmt_bind_int(st, 2, e->worker_id);
	stmt_bind_int(st, 3, clock_now());
	if ((rc = stmt_exec(st)) != AJ_OK) {
		if (rc == AJ_ECONFLICT)
			FAULT(f, "already_enrolled", "worker_id");
		return rc;
	}
	return training_enrolment_audit(s, e->a, "enrolment.create", e->session_id, e->worker_id);
}

int enrol(struct store *s, const struct actor *a, int64_t session_id, int64_t worker_id, struct fault *f)
{
	struct enrolling e = {.a = a, .session_id = session_id, .worker_id = worker_id, .f = f};
	return store_write(s, enrol_write, &e);
}

int training_result_apply(struct store *s, const struct actor *a, int64_t session_id, int64_t worker_id,
			  int attended, int score, struct fault *f)
{
	int rc;
	struct stmt *st = store_sql(s, "SELECT t.starts_at, t.status, c.pass_mark, c.credits, w.company_id"
				       " FROM enrolments e JOIN training_sessions t ON t.id = e.session_id"
				       " JOIN courses c ON c.id = t.course_id JOIN workers w ON w.id = e.worker_id"
				       " WHERE e.session_id = $1 AND e.worker_id = $2");
	stmt_bind_int(st, 1, session_id);
	stmt_bind_int(st, 2, worker_id);
	rc = stmt_step(st);
	int64_t starts = 0, company = 0;
	int pass_mark = 0, credits = 0, cancelled = 0;
	if (rc == STORE_ROW) {
		starts = stmt_int(st, 0);
		cancelled = strcmp(stmt_text(st, 1), "cancelled") == 0;
		pass_mark = (int)stmt_int(st, 2);
		credits = (int)stmt_int(st, 3);
		company = stmt_int(st, 4);
	}
	stmt_done(st);
	const char *why = rc != STORE_ROW ? NULL : cancelled ? "session_cancelled"
					  : clock_now() < starts ? "session_not_started" : NULL;
	if (rc != STORE_ROW || why) {
		if (why)
			FAULT(f, why, "session");
		return why ? AJ_ERULE : rc == STORE_DONE ? AJ_ENOTFOUND : rc;
	}
	int passed = attended && score >= pass_mark;
	st = store_sql(s, "UPDATE enrolments SET attended = $3, score = $4, passed = $5, credits = $6, quarter = $7,"
			  " company_id = $8, recorded_at = $9, recorded_by = $10 WHERE session_id = $1 AND worker_id = $2");
	stmt_bind_int(st, 1, session_id);
	stmt_bind_int(st, 2, worker_id);
	stmt_bind_int(st, 3, attended);
	if (attended)
		stmt_bind_int(st, 4, score);
	else
		stmt_bind_null(st, 4);
	stmt_bind_int(st, 5, passed);
	stmt_bind_int(st, 6, passed ? credits : 0);
	stmt_bind_int(st, 7, time_quarter(starts));
	stmt_bind_id(st, 8, company);
	stmt_bind_int(st, 9, clock_now());
	stmt_bind_id(st, 10, a->user_id);
	if ((rc = stmt_exec(st)) != AJ_OK)
		return rc;
	return elig_refresh(s, worker_id);
}

static int result_write(struct store *s, void *arg)
{
	const struct enrolling *e = arg;
	*e->f = (struct fault){0};
	int rc = training_result_apply(s, e->a, e->session_id, e->worker_id, e->attended, e->score, e->f);
	return rc ? rc : training_enrolment_audit(s, e->a, "enrolment.result", e->session_id, e->worker_id);
}

int record_result(struct store *s, const struct actor *a, int64_t session_id, int64_t worker_id,
		  int attended, int score, struct fault *f)
{
	struct enrolling e = {a, session_id, worker_id, attended, score, f};
	return store_write(s, result_write, &e);
}

void api_enrolments_list(struct req *r)
{
	struct page pg = req_page(r);
	/* the institution and the association see everyone enrolled; a company its own workers */
	int64_t company = 0;
	switch (r->user.role) {
	case ROLE_TRAINER: {
		int rc = session_runnable(r, r->id[0]);
		if (rc) {
			req_fail(r, rc);
			return;
		}
		break;
	}
	case ROLE_ASSOCIATION_ADMIN:
	case ROLE_CS_AGENT:
		break;
	case ROLE_COMPANY_ADMIN:
	case ROLE_COMPANY_STAFF:
		company = r->user.org_id;
		break;
	default:
		req_error(r, 403, "forbidden", NULL);
		return;
	}
	int64_t total = 0;
	struct stmt *st = store_sql(r->store, "SELECT count(*) FROM enrolments e JOIN workers w ON w.id = e.worker_id"
					      " WHERE e.session_id = $1 AND ($2 = 0 OR w.company_id = $2)");
	stmt_bind_int(st, 1, r->id[0]);
	stmt_bind_int(st, 2, company);
	int rc = stmt_one_int(st, &total);
	if (rc) {
		req_fail(r, rc);
		return;
	}
	st = store_sql(r->store, "SELECT " ENROLMENT_COLUMNS ENROLMENT_FROM
				 " WHERE e.session_id = $1 AND ($2 = 0 OR w.company_id = $2) ORDER BY w.name, w.id"
				 " LIMIT $3 OFFSET $4");
	stmt_bind_int(st, 1, r->id[0]);
	stmt_bind_int(st, 2, company);
	stmt_bind_int(st, 3, pg.per_page);
	stmt_bind_int(st, 4, pg.offset);
	rows_reply_list(r, st, r->user.role == ROLE_TRAINER ? enrolment_json_trainer : enrolment_json, &pg, total);
}

static void reply_enrolment(struct req *r, int64_t session_id, int64_t worker_id, int status)
{
	struct stmt *st = store_sql(r->store, "SELECT " ENROLMENT_COLUMNS ENROLMENT_FROM
					      " WHERE e.session_id = $1 AND e.worker_id = $2");
	stmt_bind_int(st, 1, session_id);
	stmt_bind_int(st, 2, worker_id);
	int rc = stmt_step(st);
	if (rc == STORE_ROW)
		enrolment_row(req_jw(r), st, r->user.role != ROLE_TRAINER);
	stmt_done(st);
	rc = rc == STORE_ROW ? AJ_OK : rc == STORE_DONE ? AJ_ENOTFOUND : rc;
	if (rc)
		req_fail(r, rc);
	else
		req_send(r, status);
}

/* Finds the person a training institution enrols by the number and name on their card; the
 * look-up is recorded and counted against the institution's allowance. Replies and returns -1
 * when it cannot. */
static int enrollee_by_card(struct req *r, int64_t *worker_id)
{
	if (!req_str(r, "id_number") || !req_str(r, "name") || req_has(r, "worker_id")) {
		req_error(r, 400, "missing_field", req_str(r, "id_number") ? "name" : "id_number");
		return -1;
	}
	int64_t left = 0, retry = 0;
	int rc = access_lookups_left(r->store, r->user.role == ROLE_ASSOCIATION_ADMIN ? 0 : r->user.org_id, clock_now(),
				     &left, &retry);
	if (rc) {
		req_fail(r, rc);
		return -1;
	}
	if (left < 1) {
		req_too_many(r, retry, "too_many_lookups");
		return -1;
	}
	rc = worker_find_by_card(r->store, req_str(r, "id_number"), req_str(r, "name"), worker_id);
	struct actor a = req_actor(r);
	if (rc != AJ_EINVAL &&
	    access_record_lookup(r->store, &a, rc == AJ_OK ? *worker_id : 0, rc == AJ_OK ? "found" : "not_found",
				 "enrol") != AJ_OK)
		log_warn("access log: a registry look-up was not recorded");
	if (rc == AJ_EINVAL) {
		req_error(r, 400, "invalid_id_number", "id_number");
		return -1;
	}
	if (rc) {
		/* the same answer for an unknown number and a number under another name */
		req_error(r, 404, "not_found", "id_number");
		return -1;
	}
	return 0;
}

void api_enrolments_create(struct req *r)
{
	int64_t worker_id = req_int(r, "worker_id", 0);
	int rc;
	/* a company enrols its own workers; an institution anyone, by the card they show */
	if (r->user.role == ROLE_COMPANY_ADMIN || r->user.role == ROLE_COMPANY_STAFF) {
		if (!worker_id || (rc = worker_visible(r, worker_id)) != AJ_OK) {
			req_error(r, worker_id ? 404 : 400, worker_id ? "not_found" : "missing_field", "worker_id");
			return;
		}
	} else if (r->user.role == ROLE_TRAINER) {
		if ((rc = session_runnable(r, r->id[0])) != AJ_OK) {
			req_fail(r, rc);
			return;
		}
		/* by id only a person the institution found by a look-up within the hour */
		if (worker_id) {
			if (req_has(r, "id_number") || req_has(r, "name")) {
				req_error(r, 400, "unknown_field", req_has(r, "id_number") ? "id_number" : "name");
				return;
			}
			if (!training_looked_up(r->store, r->user.org_id, worker_id, clock_now())) {
				req_error(r, 404, "not_found", "worker_id");
				return;
			}
		} else if (enrollee_by_card(r, &worker_id)) {
			return;
		}
	} else if (!worker_id && enrollee_by_card(r, &worker_id)) {
		return;
	}
	struct fault f = {0};
	struct actor a = req_actor(r);
	if ((rc = enrol(r->store, &a, r->id[0], worker_id, &f)) != AJ_OK) {
		req_fault(r, rc, &f);
		return;
	}
	reply_enrolment(r, r->id[0], worker_id, 201);
}

void api_enrolments_result(struct req *r)
{
	int rc = session_runnable(r, r->id[0]);
	if (rc) {
		req_fail(r, rc);
		return;
	}
	int attended = req_bool(r, "attended", 0);
	int score = json_is_integer(json_object_get(r->json, "score")) ? (int)req_int(r, "score", 0) : -1;
	if (attended && score < 0) {
		req_error(r, 400, "missing_field", "score");
		return;
	}
	if (!attended && score >= 0) {
		req_error(r, 422, "score_without_attendance", "score");
		return;
	}
	struct fault f = {0};
	struct actor a = req_actor(r);
	if ((rc = record_result(r->store, &a, r->id[0], r->id[1], attended, score, &f)) != AJ_OK) {
		req_fault(r, rc, &f);
		return;
	}
	reply_enrolment(r, r->id[0], r->id[1], 200);
}

/* ---- pass rates ---- */

static void pass_rates(struct req *r, int64_t company)
{
	struct standards sd;
	int q = time_quarter(clock_now());
	const char *qs = req_qstr(r, "quarter");
	if (qs && time_parse_quarter(qs, &q) != 0) {
		req_error(r, 400, "invalid_parameter", "quarter");
		return;
	}
	int rc = standards_get(r->store, &sd);
	if (rc) {
		req_fail(r, rc);
		return;
	}
	struct stmt *st = store_sql(r->store,
		"SELECT c.id, c.code, c.title, count(*), coalesce(sum(e.passed), 0) FROM enrolments e"
		" JOIN training_sessions t ON t.id = e.session_id JOIN courses c ON c.id = t.course_id"
		" WHERE e.quarter = $1 AND e.attended = 1 AND e.score IS NOT NULL AND ($2 = 0 OR e.company_id = $2)"
		" GROUP BY c.id, c.code, c.title ORDER BY c.code");
	stmt_bind_int(st, 1, q);
	stmt_bind_int(st, 2, company);
	char qbuf[8];
	time_format_quarter(q, qbuf);
	struct jw *w = req_jw(r);
	int64_t examined = 0, passed = 0;
	jw_obj(w);
	jw_kstr(w, "quarter", qbuf);
	jw_kid(w, "company_id", company);
	jw_key(w, "target");
	jw_obj(w);
	jw_kint(w, "num", sd.training_pass_target);
	jw_kint(w, "den", 100);
	jw_obj_end(w);
	jw_key(w, "courses");
	jw_arr(w);
	while ((rc = stmt_step(st)) == STORE_ROW) {
		int64_t n = stmt_int(st, 3), p = stmt_int(st, 4);
		examined += n;
		passed += p;
		jw_obj(w);
		jw_key(w, "course");
		jw_obj(w);
		jw_kint(w, "id", stmt_int(st, 0));
		jw_kstr(w, "code", stmt_text(st, 1));
		jw_kstr(w, "title", stmt_text(st, 2));
		jw_obj_end(w);
		jw_kint(w, "examined", n);
		jw_kint(w, "passed", p);
		jw_kbool(w, "meets_target", p * 100 >= (int64_t)sd.training_pass_target * n);
		jw_obj_end(w);
	}
	stmt_done(st);
	if (rc < 0) {
		req_fail(r, rc);
		return;
	}
	jw_arr_end(w);
	jw_key(w, "overall");
	jw_obj(w);
	jw_kint(w, "examined", examined);
	jw_kint(w, "passed", passed);
	jw_kbool(w, "meets_target", passed * 100 >= (int64_t)sd.training_pass_target * examined);
	jw_obj_end(w);
	jw_obj_end(w);
	req_send(r, 200);
}

void api_pass_rates(struct req *r)
{
	int company_side = r->user.role == ROLE_COMPANY_ADMIN || r->user.role == ROLE_COMPANY_STAFF;
	pass_rates(r, company_side ? r->user.org_id : req_qint(r, "company_id", 0));
}

void api_public_pass_rates(struct req *r)
{
	pass_rates(r, 0);
}

/* ---- one worker's training ---- */

static void worker_training_row(struct jw *w, struct stmt *st)
{
	jw_obj(w);
	jw_key(w, "session");
	jw_obj(w);
	jw_kint(w, "id", stmt_int(st, 0));
	jw_ktime(w, "starts_at", stmt_int(st, 1));
	jw_kstr(w, "status", stmt_text(st, 2));
	jw_key(w, "org");
	jw_obj(w);
	jw_kint(w, "id", stmt_int(st, 3));
	jw_kstr(w, "name", stmt_text(st, 4));
	jw_obj_end(w);
	jw_obj_end(w);
	jw_key(w, "course");
	jw_obj(w);
	jw_kint(w, "id", stmt_int(st, 5));
	jw_kstr(w, "code", stmt_text(st, 6));
	jw_kstr(w, "title", stmt_text(st, 7));
	jw_kstr(w, "kind", stmt_text(st, 8));
	jw_kstr(w, "trade", stmt_text(st, 9));
	jw_kbool(w, "refresher", (int)stmt_int(st, 10));
	jw_obj_end(w);
	jw_key(w, "attended");
	if (stmt_is_null(st, 11))
		jw_null(w);
	else
		jw_bool(w, (int)stmt_int(st, 11));
	jw_key(w, "score");
	if (stmt_is_null(st, 12))
		jw_null(w);
	else
		jw_int(w, stmt_int(st, 12));
	jw_kbool(w, "passed", (int)stmt_int(st, 13));
	jw_kint(w, "credits", stmt_int(st, 14));
	jw_ktime(w, "recorded_at", stmt_int(st, 15));
	jw_obj_end(w);
}

#define WORKER_TRAINING_SQL \
	"SELECT t.id, t.starts_at, " SESSION_STATUS ", o.id, o.name, c.id, c.code, c.title, c.kind, c.trade, c.refresher," \
	" e.attended, e.score, e.passed, e.credits, coalesce(e.recorded_at, 0) FROM enrolments e" \
	" JOIN training_sessions t ON t.id = e.session_id JOIN courses c ON c.id = t.course_id" \
	" JOIN orgs o ON o.id = t.org_id WHERE e.worker_id = $1 ORDER BY t.starts_at DESC, e.id DESC" \
	" LIMIT $2 OFFSET $3"

void training_of_worker_json(struct store *s, int64_t worker_id, struct jw *w)
{
	struct stmt *st = store_sql(s, WORKER_TRAINING_SQL);
	stmt_bind_int(st, 1, worker_id);
	stmt_bind_int(st, 2, 200);
	stmt_bind_int(st, 3, 0);
	jw_arr(w);
	while (stmt_step(st) == STORE_ROW)
		worker_training_row(w, st);
	stmt_done(st);
	jw_arr_end(w);
}

void api_workers_training(struct req *r)
{
	worker_sublist(r, store_sql(r->store, "SELECT count(*) FROM enrolments WHERE worker_id = $1"),
		       store_sql(r->store, WORKER_TRAINING_SQL), worker_training_row);
}
