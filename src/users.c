/* users.c — accounts and their roles. The association admin manages everyone; a company admin
 * manages the users of their own company only, and only in company roles. */
#include "users.h"

#include <ctype.h>
#include <sodium.h>
#include <stdio.h>
#include <string.h>

#include "auth/audit.h"
#include "auth/password.h"
#include "auth/session.h"
#include "auth/throttle.h"
#include "http/req.h"
#include "http/schema.h"
#include "auth/keys.h"
#include "notify.h"
#include "privacy/sealed.h"
#include "privacy/access.h"
#include "rows.h"
#include "store/store.h"
#include "util/clock.h"
#include "workforce/worker_json.h"
#include "workforce/workers.h"

static const char *const role_names[] = {"association_admin", "cs_agent", "company_admin",
					 "company_staff", "trainer", "inspector", "worker", "customer",
					 NULL};
static const char *const statuses[] = {"active", "disabled", NULL};

/* nobody chooses another person's password: a new account gets a one-time set-up code */
SCHEMA(user_body, S_STR("login", F_REQ, 3, 64), S_STR("name", F_REQ, 1, 50),
       S_ENUM("role", F_REQ, role_names), S_INT("org_id", F_NULL, 1, INT64_MAX),
       S_INT("worker_id", F_NULL, 1, INT64_MAX));
SCHEMA(user_patch_body, S_STR("name", 0, 1, 50), S_ENUM("status", 0, statuses));
SCHEMA(code_password_body, S_STR("login", F_REQ, 1, 64), S_STR("code", F_REQ, 1, 32),
       S_SECRET("new_password", F_REQ));
SCHEMA(customer_body, S_STR("login", F_REQ, 3, 64), S_STR("name", F_REQ, 1, 50), S_SECRET("password", F_REQ));
SCHEMA(users_query, S_INT("org_id", 0, 1, INT64_MAX), S_ENUM("role", 0, role_names),
       S_ENUM("status", 0, statuses), S_STR("q", 0, 1, 50), S_INT("page", 0, 1, 1000000),
       S_INT("per_page", 0, 1, 100));

#define USER_COLUMNS \
	"u.id, u.login, u.name, u.role, u.org_id, o.name, u.status, u.created_at, u.updated_at," \
	" u.pw_changed_at"
#define USER_FROM " FROM users u LEFT JOIN orgs o ON o.id = u.org_id"

int user_login_valid(const char *login)
{
	size_t n = strlen(login);
	if (n < 3 || n > 64 || !(isalnum((unsigned char)login[0])))
		return 0;
	for (size_t i = 0; i < n; i++) {
		unsigned char c = (unsigned char)login[i];
		if (!(islower(c) || isdigit(c) || c == '.' || c == '_' || c == '-'))
			return 0;
	}
	return 1;
}

int user_login_normalise(const char *login, char out[65])
{
	size_t n = strlen(login);
	if (n > 64)
		return -1;
	for (size_t i = 0; i <= n; i++)
		out[i] = (char)tolower((unsigned char)login[i]);
	return 0;
}

static void user_json(struct jw *w, struct stmt *st)
{
	jw_obj(w);
	jw_kint(w, "id", stmt_int(st, 0));
	jw_kstr(w, "login", stmt_text(st, 1));
	jw_kstr(w, "name", stmt_text(st, 2));
	jw_kstr(w, "role", stmt_text(st, 3));
	jw_kid(w, "org_id", stmt_int(st, 4));
	jw_kstr(w, "org_name", stmt_text(st, 5));
	jw_kstr(w, "status", stmt_text(st, 6));
	jw_ktime(w, "created_at", stmt_int(st, 7));
	jw_ktime(w, "updated_at", stmt_int(st, 8));
	jw_ktime(w, "password_changed_at", stmt_int(st, 9));
	jw_obj_end(w);
}

/* The user's state as JSON into sb (never the password hash). org_scope, when not 0, restricts
 * to users of that organisation. */
static int user_state(struct store *s, int64_t id, int64_t org_scope, struct strbuf *sb)
{
	struct stmt *st = store_sql(s, "SELECT " USER_COLUMNS USER_FROM
				       " WHERE u.id = $1 AND ($2 = 0 OR u.org_id = $2)");
	stmt_bind_int(st, 1, id);
	stmt_bind_int(st, 2, org_scope);
	return audit_row_state(st, user_json, sb);
}

/* The state the audit chain records: the user as anyone allowed to see them sees them. */
static int user_audit_state(struct store *s, int64_t id, struct strbuf *sb)
{
	return user_state(s, id, 0, sb);
}

/* A password hash no password verifies against: an account waiting for its set-up code. */
static const char no_password[] = "!";

/* A new account's inputs and outputs, for the write's body (store_write may run it more than once). */
struct new_user {
	const struct actor *a;
	const struct user_in *in;
	const char *need_kind; /* the kind of org the role belongs to, or NULL */
	int64_t *out_id;
	char *code;       /* ONETIME_CODE_LEN: the set-up code, when in has no password hash; else NULL */
	int64_t *expires; /* the code's expiry, with code */
	struct fault *f;
};

/* Gives worker worker_id's record the login user, named as the record, with its audit record:
 * their company's current worker without a login only. Inside the open transaction. */
static int link_worker(struct store *s, const struct actor *a, int64_t worker_id, int64_t org_id, int64_t user,
		       int64_t now, struct fault *f)
{
	struct stmt *st = store_sql(s, "SELECT company_id, user_id FROM workers WHERE id = $1");
	stmt_bind_int(st, 1, worker_id);
	int rc = stmt_step(st);
	int mine = rc == STORE_ROW && stmt_int(st, 0) == org_id;
	int taken = rc == STORE_ROW && !stmt_is_null(st, 1);
	stmt_done(st);
	if (rc < 0)
		return rc;
	if (!mine || taken) {
		FAULT(f, taken && mine ? "worker_has_account" : "worker_not_found", "worker_id");
		return taken && mine ? AJ_ECONFLICT : AJ_ERULE;
	}
	st = store_sql(s, "UPDATE workers SET user_id = $1, updated_at = $2 WHERE id = $3");
	stmt_bind_int(st, 1, user);
	stmt_bind_int(st, 2, now);
	stmt_bind_int(st, 3, worker_id);
	if ((rc = stmt_exec(st)) != AJ_OK || (rc = worker_login_named(s, worker_id, user)) != AJ_OK)
		return rc;
	return audit_append_state(s, a, "worker.link_user", "worker", worker_id, worker_state);
}

static int create_write(struct store *s, void *arg)
{
	struct new_user *nu = arg;
	const struct user_in *in = nu->in;
	int64_t *id = nu->out_id;
	struct fault *f = nu->f;
	int rc;
	*f = (struct fault){0};
	if (nu->code) {
		sodium_memzero(nu->code, ONETIME_CODE_LEN);
		*nu->expires = 0;
	}
	if (nu->need_kind) {
		struct stmt *st = store_sql(s, "SELECT kind FROM orgs WHERE id = $1");
		stmt_bind_int(st, 1, in->org_id);
		rc = stmt_step(st);
		int match = rc == STORE_ROW && strcmp(stmt_text(st, 0), nu->need_kind) == 0;
		stmt_done(st);
		if (rc != STORE_ROW || !match) {
			if (rc < 0)
				return rc;
			if (rc == STORE_DONE)
				FAULT(f, "org_not_found", "org_id");
			else
				FAULT(f, "role_org_mismatch", "role");
			return AJ_ERULE;
		}
	}
	int64_t now = clock_now();
	struct stmt *st = store_sql(s, "INSERT INTO users (org_id, role, login, name, pw_hash, status,"
				       " created_at, updated_at, pw_changed_at, registered_by)"
				       " VALUES ($1, $2, $3, $4, $5, 'active', $6, $6, $6, $7) RETURNING id");
	stmt_bind_id(st, 1, in->org_id);
	stmt_bind_text(st, 2, role_name(in->role));
	stmt_bind_text(st, 3, in->login);
	stmt_bind_text(st, 4, in->name);
	stmt_bind_text(st, 5, in->pw_hash ? in->pw_hash : no_password);
	stmt_bind_int(st, 6, now);
	stmt_bind_id(st, 7, in->role == ROLE_CUSTOMER ? in->registered_by : 0);
	if ((rc = stmt_one_int(st, id)) != AJ_OK) {
		if (rc == AJ_ECONFLICT)
			FAULT(f, "login_taken", "login");
		return rc;
	}
	if (!in->pw_hash &&
	    (rc = onetime_issue(s, nu->a, ONETIME_SETUP, *id, 0, ONETIME_SETUP_SECS, nu->code, nu->expires)) != AJ_OK)
		return rc;
	if (in->worker_id && (rc = link_worker(s, nu->a, in->worker_id, in->org_id, *id, now, f)) != AJ_OK)
		return rc;
	return audit_append_state(s, nu->a, "user.create", "user", *id, user_audit_state);
}

static int create(struct store *s, const struct actor *a, const struct user_in *in, int64_t *id,
		  char code[ONETIME_CODE_LEN], int64_t *expires, struct fault *f)
{
	const char *need_kind = role_org_kind(in->role);
	if (!user_login_valid(in->login)) {
		FAULT(f, "invalid_characters", "login");
		return AJ_EINVAL;
	}
	if (!need_kind && in->org_id) {
		FAULT(f, "role_org_mismatch", "org_id");
		return AJ_ERULE;
	}
	if (need_kind && !in->org_id) {
		FAULT(f, "missing_field", "org_id");
		return AJ_EINVAL;
	}
	struct new_user nu = {.a = a, .in = in, .need_kind = need_kind, .out_id = id, .code = code,
			      .expires = expires, .f = f};
	int rc = store_write(s, create_write, &nu);
	if (rc && code)
		sodium_memzero(code, ONETIME_CODE_LEN); /* nothing of a write rolled back is kept, its code neither */
	return rc;
}

int user_create(struct store *s, const struct actor *a, const struct user_in *in, int64_t *id,
		struct fault *f)
{
	return in->pw_hash ? create(s, a, in, id, NULL, NULL, f) : AJ_EINVAL;
}

int user_create_with_code(struct store *s, const struct actor *a, const struct user_in *in, int64_t *id,
			  char code[ONETIME_CODE_LEN], int64_t *expires, struct fault *f)
{
	struct user_in copy = *in;
	copy.pw_hash = NULL;
	return create(s, a, &copy, id, code, expires, f);
}

/* Sets user id's password hash, changed at now, and ends their sessions but keep (*ended counts
 * them), with its audit record. Inside the open transaction. */
static int set_password(struct store *s, const struct actor *a, int64_t id, const char *pw_hash, int64_t now,
			int64_t keep, int *ended)
{
	struct stmt *st = store_sql(s, "UPDATE users SET pw_hash = $1, pw_changed_at = $2, updated_at = $2"
				       " WHERE id = $3");
	stmt_bind_text(st, 1, pw_hash);
	stmt_bind_int(st, 2, now);
	stmt_bind_int(st, 3, id);
	int rc;
	if ((rc = stmt_exec(st)) != AJ_OK || (rc = session_end_all(s, a, id, keep, ended)) != AJ_OK)
		return rc;
	return audit_append_state(s, a, "user.password", "user", id, user_audit_state);
}

/* A new password hash for a user, for the write's body. */
struct password_change {
	const struct actor *a;
	int64_t id, keep_session;
	const char *pw_hash;
	int *ended;
};

static int password_write(struct store *s, void *arg)
{
	struct password_change *p = arg;
	return set_password(s, p->a, p->id, p->pw_hash, clock_now(), p->keep_session, p->ended);
}

int user_set_password(struct store *s, const struct actor *a, int64_t id, const char *pw_hash,
		      int64_t keep_session, int *ended)
{
	struct password_change p = {.a = a, .id = id, .keep_session = keep_session, .pw_hash = pw_hash, .ended = ended};
	return store_write(s, password_write, &p);
}

static int rehash_write(struct store *s, void *arg)
{
	struct password_change *p = arg;
	struct stmt *st = store_sql(s, "UPDATE users SET pw_hash = $1 WHERE id = $2");
	stmt_bind_text(st, 1, p->pw_hash);
	stmt_bind_int(st, 2, p->id);
	int rc = stmt_exec(st);
	if (rc != AJ_OK)
		return rc;
	return audit_append_state(s, p->a, "user.rehash", "user", p->id, user_audit_state);
}

int user_rehash(struct store *s, const struct actor *a, int64_t id, const char *pw_hash)
{
	struct password_change p = {.a = a, .id = id, .pw_hash = pw_hash};
	return store_write(s, rehash_write, &p);
}

/* ---- HTTP ---- */

/* The organisation a caller's user management is confined to: 0 (everyone) for the association
 * admin, their own company for a company admin. */
static int64_t scope_of(struct req *r)
{
	return r->user.role == ROLE_ASSOCIATION_ADMIN ? 0 : (r->user.org_id ? r->user.org_id : -1);
}

static void reply_user(struct req *r, struct store *s, int64_t id, int status)
{
	req_jw(r);
	int rc = user_state(s, id, 0, &r->out);
	if (rc)
		req_fail(r, rc);
	else
		req_send(r, status);
}

void api_users_list(struct req *r)
{
	struct page pg = req_page(r);
	int64_t scope = scope_of(r), org = req_qint(r, "org_id", 0);
	const char *role = req_qstr(r, "role"), *status = req_qstr(r, "status");
	char like[256];
	store_like_pattern(req_qstr(r, "q"), like, sizeof like);
	int64_t total = 0;
	struct stmt *st = store_sql(r->store,
		"SELECT count(*) FROM users u WHERE ($1 = 0 OR u.org_id = $1) AND ($2 = 0 OR u.org_id = $2)"
		" AND ($3 = '' OR u.role = $3) AND ($4 = '' OR u.status = $4)"
		" AND ($5 = '' OR lower(u.login) LIKE $5 ESCAPE '\\' OR lower(u.name) LIKE $5 ESCAPE '\\')");
	stmt_bind_int(st, 1, scope);
	stmt_bind_int(st, 2, org);
	stmt_bind_text(st, 3, role ? role : "");
	stmt_bind_text(st, 4, status ? status : "");
	stmt_bind_text(st, 5, like);
	int rc = stmt_one_int(st, &total);
	if (rc) {
		req_fail(r, rc);
		return;
	}
	st = store_sql(r->store,
		"SELECT " USER_COLUMNS USER_FROM
		" WHERE ($1 = 0 OR u.org_id = $1) AND ($2 = 0 OR u.org_id = $2)"
		" AND ($3 = '' OR u.role = $3) AND ($4 = '' OR u.status = $4)"
		" AND ($5 = '' OR lower(u.login) LIKE $5 ESCAPE '\\' OR lower(u.name) LIKE $5 ESCAPE '\\')"
		" ORDER BY u.id LIMIT $6 OFFSET $7");
	stmt_bind_int(st, 1, scope);
	stmt_bind_int(st, 2, org);
	stmt_bind_text(st, 3, role ? role : "");
	stmt_bind_text(st, 4, status ? status : "");
	stmt_bind_text(st, 5, like);
	stmt_bind_int(st, 6, pg.per_page);
	stmt_bind_int(st, 7, pg.offset);
	rows_reply_list(r, st, user_json, &pg, total);
}

void api_users_get(struct req *r)
{
	req_jw(r);
	int rc = user_state(r->store, r->id[0], scope_of(r), &r->out);
	if (rc) {
		req_fail(r, rc);
		return;
	}
	req_send(r, 200);
	/* a customer's account is a person's record: its reading by someone else is logged */
	char role[24] = "";
	struct stmt *st = store_sql(r->store, "SELECT role FROM users WHERE id = $1");
	stmt_bind_int(st, 1, r->id[0]);
	if (stmt_step(st) == STORE_ROW)
		str_copy(role, sizeof role, stmt_text(st, 0));
	stmt_done(st);
	if (strcmp(role, "customer") == 0 && r->id[0] != r->user.user_id) {
		struct access_entry e = {"customer", r->id[0], "record"};
		access_record_req(r, &e, 1, "user");
	}
}

/* What a create carries from the loop to the pool and back. */
struct create_work {
	struct user_in in;
	char login[65];
	char *password;
};

static void create_work_free(void *p)
{
	struct create_work *cw = p;
	password_free(cw->password);
	free(cw);
}

/* Answers with the user and, once, the code the person sets their password with. */
static void reply_with_code(struct req *r, int64_t id, int status, const char *key, const char *code, int64_t expires)
{
	struct strbuf sb;
	strbuf_init(&sb, 4096);
	int rc = user_state(r->store, id, 0, &sb);
	if (rc) {
		strbuf_free(&sb);
		req_fail(r, rc);
		return;
	}
	struct jw *w = req_jw(r);
	jw_obj(w);
	jw_key(w, "user");
	jw_raw(w, sb.buf, sb.len);
	jw_kstr(w, key, code);
	jw_ktime(w, "code_expires_at", expires);
	jw_obj_end(w);
	strbuf_free(&sb);
	req_send(r, status);
}

void api_users_create(struct req *r)
{
	struct user_in in = {0};
	char login[65], code[ONETIME_CODE_LEN];
	if (user_login_normalise(req_str(r, "login"), login) != 0 || !user_login_valid(login)) {
		req_error(r, 400, "invalid_characters", "login");
		return;
	}
	in.login = login;
	in.name = req_str(r, "name");
	in.role = role_parse(req_str(r, "role"));
	in.org_id = req_int(r, "org_id", 0);
	in.worker_id = req_int(r, "worker_id", 0);
	if (in.worker_id && in.role != ROLE_WORKER) {
		req_error(r, 400, "invalid_value", "worker_id");
		return;
	}
	if (r->user.role != ROLE_ASSOCIATION_ADMIN) {
		/* a company admin adds people to their own company, in company roles */
		if (in.role != ROLE_COMPANY_ADMIN && in.role != ROLE_COMPANY_STAFF && in.role != ROLE_WORKER) {
			req_error(r, 403, "forbidden", "role");
			return;
		}
		if (in.org_id && in.org_id != r->user.org_id) {
			req_error(r, 403, "forbidden", "org_id");
			return;
		}
		in.org_id = r->user.org_id;
	}
	struct fault f = {0};
	struct actor a = req_actor(r);
	int64_t id, expires;
	int rc = user_create_with_code(r->store, &a, &in, &id, code, &expires, &f);
	if (rc)
		req_fault(r, rc, &f);
	else
		reply_with_code(r, id, 201, "setup_code", code, expires);
	sodium_memzero(code, sizeof code);
}

/* ---- customers sign themselves up ---- */

/* Runs on the pool: the per-address limit, Argon2id, the account (audited as the customer). */
static void customers_create_work(struct req *r, struct store *s)
{
	struct create_work *cw = r->work;
	char key[80], hash[PASSWORD_HASH_LEN];
	int64_t now = clock_now(), retry = 0, id;
	snprintf(key, sizeof key, "+signup:%s", r->peer);
	int rc = throttle_check(s, key, r->peer, now, &retry);
	if (rc < 0) {
		req_fail(r, rc);
		return;
	}
	if (rc > 0) {
		req_too_many(r, retry, "too_many_signups");
		return;
	}
	if (password_hash(cw->password, hash) != 0) {
		req_fail(r, AJ_ESTORE);
		return;
	}
	cw->in.pw_hash = hash;
	struct fault f = {0};
	struct actor a = {0, 0, cw->login};
	if ((rc = user_create(s, &a, &cw->in, &id, &f)) != AJ_OK) {
		req_fault(r, rc, &f);
		return;
	}
	throttle_fail(s, key, r->peer, now);
	struct jw *w = req_jw(r);
	jw_obj(w);
	jw_kint(w, "id", id);
	jw_kstr(w, "login", cw->login);
	jw_kstr(w, "name", cw->in.name);
	jw_obj_end(w);
	req_send(r, 201);
}

void api_public_customers_create(struct req *r)
{
	struct create_work *cw = xcalloc(1, sizeof *cw);
	const char *code;
	r->work = cw;
	r->work_free = create_work_free;
	if (user_login_normalise(req_str(r, "login"), cw->login) != 0 || !user_login_valid(cw->login)) {
		req_error(r, 400, "invalid_characters", "login");
		return;
	}
	int rc = password_check_account(req_str(r, "password"), cw->login, req_str(r, "name"), &code);
	if (rc != 0) {
		req_error(r, rc == AJ_EIO ? 503 : 400, code, "password");
		return;
	}
	cw->in.login = cw->login;
	cw->in.name = req_str(r, "name");
	cw->in.role = ROLE_CUSTOMER;
	cw->password = xstrdup(req_str(r, "password"));
	req_defer(r, customers_create_work, NULL);
}

/* An account's edit by its manager, for the write's body (store_write may run it more than once). */
struct user_edit {
	const struct actor *a;
	int64_t id, scope;
	const char *name, *status; /* NULL: unchanged */
	int ended;
	struct fault f;
};

static int update_write(struct store *s, void *arg)
{
	struct user_edit *e = arg;
	int64_t found = 0;
	int rc;
	e->f = (struct fault){0};
	e->ended = 0;
	struct stmt *st = store_sql(s, "SELECT id FROM users WHERE id = $1 AND ($2 = 0 OR org_id = $2) AND erased_at IS NULL");
	stmt_bind_int(st, 1, e->id);
	stmt_bind_int(st, 2, e->scope);
	if ((rc = stmt_one_int(st, &found)) != AJ_OK)
		return rc;
	/* a worker's login is named as their record (the identity-checked real name): one person, one
	 * name; another name for the login alone is refused */
	if (e->name) {
		int64_t linked = 0;
		st = store_sql(s, "SELECT count(*) FROM workers WHERE user_id = $1 AND name <> $2");
		stmt_bind_int(st, 1, e->id);
		stmt_bind_text(st, 2, e->name);
		if ((rc = stmt_one_int(st, &linked)) != AJ_OK)
			return rc;
		if (linked) {
			FAULT(&e->f, "name_from_worker_record", "name");
			return AJ_ERULE;
		}
	}
	st = store_sql(s, "UPDATE users SET name = coalesce($2, name), status = coalesce($3, status), updated_at = $4"
			  " WHERE id = $1");
	stmt_bind_int(st, 1, e->id);
	stmt_bind_text(st, 2, e->name);
	stmt_bind_text(st, 3, e->status);
	stmt_bind_int(st, 4, clock_now());
	if ((rc = stmt_exec(st)) != AJ_OK)
		return rc;
	/* a disabled account ends every session of the user */
	if (e->status && strcmp(e->status, "disabled") == 0 &&
	    (rc = session_end_all(s, e->a, e->id, 0, &e->ended)) != AJ_OK)
		return rc;
	return audit_append_state(s, e->a, "user.update", "user", e->id, user_audit_state);
}

void api_users_update(struct req *r)
{
	int64_t id = r->id[0];
	const char *status = req_str(r, "status");
	if (status && strcmp(status, "disabled") == 0 && id == r->user.user_id) {
		req_error(r, 422, "cannot_disable_self", "status");
		return;
	}
	struct actor a = req_actor(r);
	struct user_edit e = {.a = &a, .id = id, .scope = scope_of(r), .name = req_str(r, "name"), .status = status};
	int rc = store_write(r->store, update_write, &e);
	if (rc) {
		req_fault(r, rc, &e.f);
		return;
	}
	reply_user(r, r->store, id, 200);
}

/* A one-time reset code's issue, for the write's body (store_write may run it more than once): for
 * user id, or for the customer a caller to the service centre is confirmed as. */
struct reset {
	const struct actor *a;
	int64_t id, scope, secs;
	int by_association;       /* the association issues it: a worker's account too */
	const char *name, *login, *phone; /* a caller's account: name, and login and phone when given */
	int64_t booking_id;
	const char *confirmed_by; /* how the caller was confirmed, for the audit record; NULL for a reset */
	const char *text_zh, *text_en; /* the notice the account's holder is sent */
	int unconfirmed;          /* the caller was not confirmed */
	char code[ONETIME_CODE_LEN];
	int64_t expires;
	struct fault f;
};

/* A try's outputs start afresh. */
static void reset_start(struct reset *x)
{
	x->f = (struct fault){0};
	x->unconfirmed = 0;
	sodium_memzero(x->code, sizeof x->code);
	x->expires = 0;
}

/* Issues user x->id's reset code into x->code, tells them, and appends its audit record; inside
 * the open transaction. */
static int issue_reset(struct store *s, struct reset *x)
{
	int rc;
	if ((rc = onetime_issue(s, x->a, ONETIME_RESET, x->id, 0, x->secs, x->code, &x->expires)) != AJ_OK ||
	    (rc = notify(s, 0, x->id, "password_reset", "user", x->id, x->text_zh, x->text_en)) != AJ_OK)
		return rc;
	struct strbuf sb;
	strbuf_init(&sb, 128);
	strbuf_addf(&sb, "{\"user_id\":%lld,\"expires_at\":%lld", (long long)x->id, (long long)x->expires);
	if (x->confirmed_by)
		strbuf_addf(&sb, ",\"confirmed_by\":\"%s\"", x->confirmed_by);
	strbuf_addc(&sb, '}');
	rc = audit_append(s, x->a, "user.reset_code", "user", x->id, sb.buf, sb.len);
	strbuf_free(&sb);
	return rc;
}

static int reset_write(struct store *s, void *arg)
{
	struct reset *x = arg;
	reset_start(x);
	char role[24] = "";
	struct stmt *st = store_sql(s, "SELECT role FROM users WHERE id = $1 AND ($2 = 0 OR org_id = $2)"
				       " AND erased_at IS NULL AND status = 'active'");
	stmt_bind_int(st, 1, x->id);
	stmt_bind_int(st, 2, x->scope);
	int rc = stmt_step(st);
	if (rc == STORE_ROW)
		str_copy(role, sizeof role, stmt_text(st, 0));
	stmt_done(st);
	if (rc != STORE_ROW)
		return rc == STORE_DONE ? AJ_ENOTFOUND : rc;
	/* a worker's account is theirs against their employer too: the association resets it, after
	 * seeing the person, so that no company user ever holds the way into it */
	if (strcmp(role, "worker") == 0 && !x->by_association) {
		FAULT(&x->f, "reset_by_association", NULL);
		return AJ_EDENIED;
	}
	return issue_reset(s, x);
}

/* A forgotten password: a one-time code for the person, never a password chosen for them. The
 * person chooses the new one (POST /api/auth/password-code); until then the old one still works. */
void api_users_reset(struct req *r)
{
	struct actor a = req_actor(r);
	struct reset x = {
		.a = &a, .id = r->id[0], .scope = scope_of(r), .secs = ONETIME_RESET_SECS,
		.by_association = r->user.role == ROLE_ASSOCIATION_ADMIN,
		.text_zh = "有人为您的账号生成了一次性密码重置码。如果不是您本人申请，请立即联系协会客服中心。",
		.text_en = "Someone made a one-time code to reset your account's password. If you did not ask for it,"
			   " call the association's service centre now.",
	};
	int rc = store_write(r->store, reset_write, &x);
	if (rc)
		req_fault(r, rc, &x.f);
	else
		reply_with_code(r, x.id, 200, "reset_code", x.code, x.expires);
	sodium_memzero(x.code, sizeof x.code);
}

/* ---- a customer who forgot their password calls the service centre ---- */

SCHEMA(customer_reset_body, S_STR("name", F_REQ, 1, 50), S_STR("login", F_NULL, 1, 64),
       S_INT("booking_id", F_NULL, 1, INT64_MAX), S_STR("phone", F_NULL, 11, 11));

/* at most this many same-named customers are weighed against one call */
#define CALLER_CANDIDATES 20

/* Whether customer user made a booking with telephone phone (among their latest 200). */
static int booked_with_phone(struct store *s, int64_t user, const char *phone, int *found)
{
	struct stmt *st = store_sql(s, "SELECT id, contact_phone_sealed FROM bookings WHERE customer_id = $1"
				       " AND contact_phone_sealed IS NOT NULL ORDER BY id DESC LIMIT 200");
	stmt_bind_int(st, 1, user);
	int rc;
	*found = 0;
	while (!*found && (rc = stmt_step(st)) == STORE_ROW) {
		char plain[32];
		*found = keys_unseal_for(SEALED_BOOKING_PHONE, stmt_int(st, 0), stmt_text(st, 1), plain, sizeof plain) == 0 &&
			 strcmp(plain, phone) == 0;
		sodium_memzero(plain, sizeof plain);
	}
	stmt_done(st);
	return *found || rc == STORE_DONE ? AJ_OK : rc;
}

/* The one customer account the caller is: named name (and login, when given), with booking
 * booking_id (when given) and a booking made with telephone phone (when given). AJ_ENOTFOUND when
 * none is, or more than one. */
static int caller_account(struct store *s, const char *name, const char *login, int64_t booking_id, const char *phone,
			  int64_t *out)
{
	int64_t ids[CALLER_CANDIDATES];
	int n = 0, matched = 0, rc;
	struct stmt *st = store_sql(s, "SELECT u.id FROM users u WHERE u.role = 'customer' AND u.status = 'active'"
				       " AND u.erased_at IS NULL AND u.name = $1 AND ($2 = '' OR u.login = $2)"
				       " AND ($3 = 0 OR EXISTS (SELECT 1 FROM bookings b WHERE b.id = $3 AND b.customer_id = u.id))"
				       " ORDER BY u.id LIMIT $4");
	stmt_bind_text(st, 1, name);
	stmt_bind_text(st, 2, login ? login : "");
	stmt_bind_int(st, 3, booking_id);
	stmt_bind_int(st, 4, CALLER_CANDIDATES);
	while ((rc = stmt_step(st)) == STORE_ROW)
		ids[n++] = stmt_int(st, 0);
	stmt_done(st);
	if (rc < 0)
		return rc;
	for (int i = 0; i < n; i++) {
		int found = 1;
		if (phone && (rc = booked_with_phone(s, ids[i], phone, &found)) != AJ_OK)
			return rc;
		if (found) {
			*out = ids[i];
			matched++;
		}
	}
	return matched == 1 ? AJ_OK : AJ_ENOTFOUND;
}

static int call_reset_write(struct store *s, void *arg)
{
	struct reset *x = arg;
	reset_start(x);
	x->id = 0;
	int rc = caller_account(s, x->name, x->login, x->booking_id, x->phone, &x->id);
	if (rc == AJ_ENOTFOUND) {
		x->unconfirmed = 1;
		FAULT(&x->f, "caller_not_confirmed", NULL);
		return AJ_ERULE;
	}
	if (rc != AJ_OK)
		return rc;
	return issue_reset(s, x);
}

/* POST /api/customers/reset-code: the 24-hour service centre (or the association) gives a customer
 * who called a one-time reset code, once the caller is confirmed — their name, and a booking of
 * theirs or the telephone they booked with (the login when they remember it). Customer accounts
 * only. A code read out on the telephone is typed in at once: it lasts ONETIME_CALL_SECS. A caller
 * who is not confirmed is counted against the agent (the sign-in throttle), and nothing else is
 * written. */
void api_customers_reset_code(struct req *r)
{
	const char *phone = req_str(r, "phone");
	int64_t booking_id = req_int(r, "booking_id", 0), now = clock_now(), retry = 0;
	if (!booking_id && !phone) {
		req_error(r, 400, "missing_field", "booking_id");
		return;
	}
	char login[65] = "", key[80];
	if (req_str(r, "login") && user_login_normalise(req_str(r, "login"), login) != 0) {
		req_error(r, 400, "invalid_characters", "login");
		return;
	}
	struct store *s = r->store;
	snprintf(key, sizeof key, "+callreset:%lld", (long long)r->user.user_id);
	int rc = throttle_check(s, key, r->peer, now, &retry);
	if (rc < 0) {
		req_fail(r, rc);
		return;
	}
	if (rc > 0) {
		req_too_many(r, retry, "too_many_unconfirmed");
		return;
	}
	struct actor a = req_actor(r);
	struct reset x = {
		.a = &a, .secs = ONETIME_CALL_SECS, .name = req_str(r, "name"), .login = login[0] ? login : NULL,
		.phone = phone, .booking_id = booking_id,
		.confirmed_by = booking_id && phone ? "booking_phone" : booking_id ? "booking" : "phone",
		.text_zh = "协会客服中心应您的来电，为您的账号生成了一次性密码重置码。如果不是您本人来电，请立即联系协会客服中心。",
		.text_en = "The association's service centre made a one-time code to reset your password when"
			   " you called. If you did not call, call the service centre now.",
	};
	rc = store_write(s, call_reset_write, &x);
	/* an unconfirmed caller counts against the agent, in a write of its own: nothing of the refused
	 * one is kept */
	if (x.unconfirmed)
		throttle_fail(s, key, r->peer, now);
	if (rc) {
		req_fault(r, rc, &x.f);
		sodium_memzero(x.code, sizeof x.code);
		return;
	}
	throttle_clear(s, key, r->peer, 0);
	reply_with_code(r, x.id, 200, "reset_code", x.code, x.expires);
	sodium_memzero(x.code, sizeof x.code);
}

/* ---- a person sets their own password with a code ---- */

struct code_work {
	char login[65];
	char *code;
	char *password;
};

static void code_work_free(void *p)
{
	struct code_work *cw = p;
	password_free(cw->code);
	password_free(cw->password);
	free(cw);
}

/* A password set with a one-time code, for the write's body (store_write may run it more than once). */
struct code_use {
	const char *login, *code, *pw_hash;
	int64_t now;
	int64_t id;   /* the account the code is of */
	int ended;    /* its sessions ended */
	int refusal;  /* 0, or the error the request is refused with once the write is committed */
	struct fault f;
};

static int code_password_write(struct store *s, void *arg)
{
	struct code_use *u = arg;
	u->id = 0;
	u->ended = 0;
	u->refusal = 0;
	u->f = (struct fault){0};
	struct stmt *st = store_sql(s, "SELECT id FROM users WHERE login = $1 AND status = 'active' AND erased_at IS NULL");
	stmt_bind_text(st, 1, u->login);
	int rc = stmt_one_int(st, &u->id);
	if (rc == AJ_OK)
		rc = onetime_use_account(s, u->id, u->code);
	if (rc == AJ_ENOTFOUND) {
		/* the wrong try is counted against the code: committed, though the request is refused */
		u->refusal = AJ_EINVAL;
		FAULT(&u->f, "invalid_code", "code");
		return AJ_OK;
	}
	if (rc != AJ_OK)
		return rc;
	struct actor a = {u->id, 0, u->login};
	return set_password(s, &a, u->id, u->pw_hash, u->now, 0, &u->ended);
}

/* Runs on the pool: the throttle, the code, Argon2id, every session ended; one transaction. */
static void code_password_work(struct req *r, struct store *s)
{
	struct code_work *cw = r->work;
	char key[80], hash[PASSWORD_HASH_LEN];
	int64_t now = clock_now(), retry = 0;
	snprintf(key, sizeof key, "+code:%s", cw->login);
	int rc = throttle_check(s, key, r->peer, now, &retry);
	if (rc < 0) {
		req_fail(r, rc);
		return;
	}
	if (rc > 0) {
		req_too_many(r, retry, "too_many_attempts");
		return;
	}
	if (password_hash(cw->password, hash) != 0) {
		req_fail(r, AJ_ESTORE);
		return;
	}
	struct code_use u = {.login = cw->login, .code = cw->code, .pw_hash = hash, .now = now};
	rc = store_write(s, code_password_write, &u);
	/* a wrong try counts against the address too, before the refusal */
	if (u.refusal)
		throttle_fail(s, key, r->peer, now);
	if (rc) {
		req_fail(r, rc);
		return;
	}
	if (u.refusal) {
		req_fault(r, u.refusal, &u.f);
		return;
	}
	throttle_clear(s, key, r->peer, 0);
	struct jw *w = req_jw(r);
	jw_obj(w);
	jw_kbool(w, "ok", 1);
	jw_kint(w, "sessions_ended", u.ended);
	jw_obj_end(w);
	req_send(r, 200);
}

void api_auth_password_code(struct req *r)
{
	struct code_work *cw = xcalloc(1, sizeof *cw);
	const char *code;
	r->work = cw;
	r->work_free = code_work_free;
	if (user_login_normalise(req_str(r, "login"), cw->login) != 0)
		cw->login[0] = '\0';
	/* the person's name is not known before the code is; the login the password must not contain is */
	int rc = password_check_account(req_str(r, "new_password"), cw->login, NULL, &code);
	if (rc != 0) {
		req_error(r, rc == AJ_EIO ? 503 : 400, code, "new_password");
		return;
	}
	cw->code = xstrdup(req_str(r, "code"));
	cw->password = xstrdup(req_str(r, "new_password"));
	req_defer(r, code_password_work, NULL);
}
