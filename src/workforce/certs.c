/* certs.c — certificate policies, issuing, renewing, revoking, the credential token and its QR
 * code, and the public check by serial. */
#include "certs.h"

#include <qrencode.h>
#include <sodium.h>
#include <stdio.h>
#include <string.h>

#include "auth/audit.h"
#include "auth/keys.h"
#include "http/req.h"
#include "http/schema.h"
#include "store/store.h"
#include "util/clock.h"
#include "util/timefmt.h"
#include "workforce/trades.h"
#include "workforce/worker_access.h"

SCHEMA(cert_body, S_INT("worker_id", F_REQ, 1, INT64_MAX), S_ENUM("trade", F_REQ, trade_codes),
       S_ENUM("level", F_REQ, level_codes));
SCHEMA(cert_revoke_body, S_STR("reason", F_REQ, 2, 200));
static const char *const cert_statuses[] = {"valid", "expired", "revoked", "renewed", NULL};
SCHEMA(certs_query, S_INT("worker_id", 0, 1, INT64_MAX), S_ENUM("trade", 0, trade_codes),
       S_ENUM("status", 0, cert_statuses), S_INT("page", 0, 1, 1000000), S_INT("per_page", 0, 1, 100));
SCHEMA(policy_body, S_INT("validity_months", 0, 1, 60), S_INT("renewal_credits", 0, 0, 200),
       S_IDS("required_course_ids", 0, 0, 30));

/* ---- the credential ---- */

#define TOKEN_PREFIX "AJ1."

/* Signs the payload of certificate contents into a token (a new string). */
static char *make_token(const char *serial, const char *masked, const char *trade, const char *level,
			const char *from, const char *until)
{
	struct strbuf p;
	struct jw w;
	strbuf_init(&p, 4096);
	jw_init(&w, &p);
	jw_obj(&w);
	jw_kstr(&w, "k", keys_kid());
	jw_kstr(&w, "s", serial);
	jw_kstr(&w, "n", masked);
	jw_key(&w, "t");
	jw_arr(&w);
	jw_str(&w, trade);
	jw_arr_end(&w);
	jw_kstr(&w, "l", level);
	jw_kstr(&w, "f", from);
	jw_kstr(&w, "u", until);
	jw_obj_end(&w);
	size_t b64 = sodium_base64_encoded_len(p.len, sodium_base64_VARIANT_URLSAFE_NO_PADDING);
	struct strbuf t;
	strbuf_init(&t, 8192);
	strbuf_adds(&t, TOKEN_PREFIX);
	char *enc = xmalloc(b64);
	sodium_bin2base64(enc, b64, (const unsigned char *)p.buf, p.len, sodium_base64_VARIANT_URLSAFE_NO_PADDING);
	strbuf_adds(&t, enc);
	free(enc);
	unsigned char sig[64];
	keys_sign(t.buf, t.len, sig);
	char sig64[96];
	sodium_bin2base64(sig64, sizeof sig64, sig, sizeof sig, sodium_base64_VARIANT_URLSAFE_NO_PADDING);
	strbuf_addc(&t, '.');
	strbuf_adds(&t, sig64);
	strbuf_free(&p);
	return strbuf_detach(&t, NULL);
}

static void copy_str(json_t *o, const char *key, char *out, size_t n)
{
	json_t *v = json_object_get(o, key);
	str_copy(out, n, json_is_string(v) ? json_string_value(v) : "");
}

int credential_verify(const char *token, const unsigned char pk[32], struct credential *c)
{
	memset(c, 0, sizeof *c);
	size_t plen = strlen(TOKEN_PREFIX);
	if (!token || strncmp(token, TOKEN_PREFIX, plen) != 0)
		return 0;
	const char *dot = strchr(token + plen, '.');
	if (!dot || strchr(dot + 1, '.'))
		return 0;
	unsigned char payload[2048], sig[64];
	size_t n, sn;
	if (sodium_base642bin(payload, sizeof payload - 1, token + plen, (size_t)(dot - token - plen), NULL, &n,
			      NULL, sodium_base64_VARIANT_URLSAFE_NO_PADDING) != 0)
		return 0;
	payload[n] = '\0';
	json_t *o = json_loadb((const char *)payload, n, 0, NULL);
	if (json_is_object(o)) {
		copy_str(o, "k", c->kid, sizeof c->kid);
		copy_str(o, "s", c->serial, sizeof c->serial);
		copy_str(o, "n", c->masked, sizeof c->masked);
		copy_str(o, "l", c->level, sizeof c->level);
		copy_str(o, "f", c->from, sizeof c->from);
		copy_str(o, "u", c->until, sizeof c->until);
		json_t *t = json_object_get(o, "t");
		for (size_t i = 0; json_is_array(t) && i < json_array_size(t) && c->n_trades < 6; i++)
			if (json_is_string(json_array_get(t, i)))
				str_copy(c->trades[c->n_trades++], 16, json_string_value(json_array_get(t, i)));
	}
	json_decref(o);
	if (sodium_base642bin(sig, sizeof sig, dot + 1, strlen(dot + 1), NULL, &sn, NULL,
			      sodium_base64_VARIANT_URLSAFE_NO_PADDING) != 0 || sn != 64)
		return 0;
	return keys_verify_with(pk, token, (size_t)(dot - token), sig);
}

void req_origin(struct req *r, char *out, size_t n)
{
	const char *host = r->header(r, "Host");
	if (!host || !*host || strpbrk(host, " /\"<>\\") != NULL) {
		str_copy(out, n, "");
		return;
	}
	snprintf(out, n, "%s://%s", r->secure ? "https" : "http", host);
}

/* ---- certificates ---- */

#define CERT_COLUMNS \
	"c.id, c.serial, c.worker_id, w.name, c.trade, c.level, c.valid_from, c.valid_until, c.status," \
	" c.revoked_reason, c.renewed_by, c.issued_at, c.token"
#define CERT_FROM " FROM certificates c JOIN workers w ON w.id = c.worker_id"

/* "expired" is a valid certificate past its last day. */
static const char *cert_status(const char *status, const char *until)
{
	int64_t d;
	if (strcmp(status, "valid") == 0 && parse_date(until, &d) == 0 && d < time_today())
		return "expired";
	return status;
}

/* Writes the certificate at the current row; origin (may be NULL) makes the verify link. */
static void cert_row_json(struct jw *w, struct stmt *st, const char *origin)
{
	char masked[96];
	worker_mask_name(stmt_text(st, 3), masked, sizeof masked);
	jw_obj(w);
	jw_kint(w, "id", stmt_int(st, 0));
	jw_kstr(w, "serial", stmt_text(st, 1));
	jw_key(w, "worker");
	jw_obj(w);
	jw_kint(w, "id", stmt_int(st, 2));
	jw_kstr(w, "masked_name", masked);
	jw_obj_end(w);
	jw_kstr(w, "trade", stmt_text(st, 4));
	jw_kstr(w, "level", stmt_text(st, 5));
	jw_kstr(w, "valid_from", stmt_text(st, 6));
	jw_kstr(w, "valid_until", stmt_text(st, 7));
	jw_kstr(w, "status", cert_status(stmt_text(st, 8), stmt_text(st, 7)));
	jw_kstr(w, "revoked_reason", stmt_text(st, 9));
	jw_kid(w, "renewed_by", stmt_int(st, 10));
	jw_ktime(w, "issued_at", stmt_int(st, 11));
	if (origin) {
		jw_kstr(w, "token", stmt_text(st, 12));
		struct strbuf u;
		strbuf_init(&u, 8192);
		strbuf_addf(&u, "%s/verify#%s", origin, stmt_text(st, 12));
		jw_kstr(w, "verify_url", u.buf);
		strbuf_free(&u);
	}
	jw_obj_end(w);
}

static int cert_write(struct store *s, int64_t id, const char *origin, struct jw *w)
{
	struct stmt *st = store_sql(s, "SELECT " CERT_COLUMNS CERT_FROM " WHERE c.id = $1");
	stmt_bind_int(st, 1, id);
	int rc = stmt_step(st);
	if (rc == STORE_ROW)
		cert_row_json(w, st, origin);
	stmt_done(st);
	return rc == STORE_ROW ? AJ_OK : rc == STORE_DONE ? AJ_ENOTFOUND : rc;
}

static int cert_state(struct store *s, int64_t id, struct strbuf *sb)
{
	struct jw w;
	jw_init(&w, sb);
	return cert_write(s, id, NULL, &w);
}

void certs_of_worker_json(struct store *s, int64_t worker_id, const char *origin, struct jw *w)
{
	struct stmt *st = store_sql(s, "SELECT " CERT_COLUMNS CERT_FROM " WHERE c.worker_id = $1 ORDER BY c.id DESC");
	stmt_bind_int(st, 1, worker_id);
	jw_arr(w);
	while (stmt_step(st) == STORE_ROW)
		cert_row_json(w, st, origin);
	stmt_done(st);
	jw_arr_end(w);
}

/* Adds a course_missing reason for each course the trade's policy requires and the worker has not passed. */
static int required_courses(struct store *s, int64_t worker_id, int trade, struct elig_result *res)
{
	struct stmt *st = store_sql(s, "SELECT c.code FROM cert_requirements q JOIN courses c ON c.id = q.course_id"
				       " WHERE q.trade = $1 AND NOT EXISTS (SELECT 1 FROM enrolments e"
				       " JOIN training_sessions t ON t.id = e.session_id WHERE e.worker_id = $2"
				       " AND t.course_id = q.course_id AND e.passed = 1) ORDER BY c.code");
	stmt_bind_text(st, 1, trades[trade].code);
	stmt_bind_int(st, 2, worker_id);
	int rc;
	while ((rc = stmt_step(st)) == STORE_ROW && res->n < ELIG_MAX_REASONS) {
		struct elig_reason *r = &res->r[res->n++];
		r->code = "course_missing";
		r->red = 1;
		r->date = -1;
		str_copy(r->detail, sizeof r->detail, stmt_text(st, 0));
		res->status = ELIG_RED;
	}
	stmt_done(st);
	return rc < 0 ? rc : AJ_OK;
}

/* Whether the requirements of a certificate hold now; *res lists what does not. */
static int requirements(struct store *s, int64_t worker_id, int trade, struct elig_result *res)
{
	int rc = elig_evaluate(s, worker_id, trade, clock_now(), ELIG_FOR_CERTIFICATE, res);
	if (rc == AJ_OK)
		rc = required_courses(s, worker_id, trade, res);
	if (rc == AJ_OK) {
		/* only what blocks counts; a check lapsing soon does not stop a certificate */
		int k = 0;
		for (int i = 0; i < res->n; i++)
			if (res->r[i].red)
				res->r[k++] = res->r[i];
		res->n = k;
	}
	return rc;
}

/* Inserts a certificate row with its serial and signed token; the caller's transaction. */
static int insert_cert(struct store *s, const struct actor *a, int64_t worker_id, int trade, const char *level,
		       int64_t renewed_from, int64_t *id)
{
	int64_t months = 12, next = 0, today = time_today();
	struct stmt *st = store_sql(s, "SELECT validity_months FROM cert_policies WHERE trade = $1");
	stmt_bind_text(st, 1, trades[trade].code);
	int rc = stmt_one_int(st, &months);
	if (rc == AJ_OK)
		rc = store_next_id(s, "certificates", &next);
	if (rc)
		return rc;
	char serial[24], from[11], until[11], name[96], masked[96] = "";
	char year[11];
	time_format_date(today, year);
	snprintf(serial, sizeof serial, "AJ-%.4s-%06lld", year, (long long)next);
	time_format_date(today, from);
	time_format_date(time_add_months(today, (int)months) - 1, until);
	st = store_sql(s, "SELECT name FROM workers WHERE id = $1");
	stmt_bind_int(st, 1, worker_id);
	if (stmt_step(st) == STORE_ROW) {
		str_copy(name, sizeof name, stmt_text(st, 0));
		worker_mask_name(name, masked, sizeof masked);
	}
	stmt_done(st);
	char *token = make_token(serial, masked, trades[trade].code, level, from, until);
	st = store_sql(s, "INSERT INTO certificates (serial, worker_id, trade, level, valid_from, valid_until, status,"
			  " renewed_from, issued_by, issued_at, token, id) VALUES ($1, $2, $3, $4, $5, $6, 'valid', $7, $8,"
			  " $9, $10, $11) RETURNING id");
	stmt_bind_text(st, 1, serial);
	stmt_bind_int(st, 2, worker_id);
	stmt_bind_text(st, 3, trades[trade].code);
	stmt_bind_text(st, 4, level);
	stmt_bind_text(st, 5, from);
	stmt_bind_text(st, 6, until);
	stmt_bind_id(st, 7, renewed_from);
	stmt_bind_id(st, 8, a->user_id);
	stmt_bind_int(st, 9, clock_now());
	stmt_bind_text(st, 10, token);
	stmt_bind_int(st, 11, next);
	rc = stmt_one_int(st, id);
	free(token);
	return rc;
}

/* A certificate's issue or renewal: inputs and outputs, for the write's body (store_write may run
 * it more than once). */
struct issuing {
	const struct actor *a;
	int64_t worker_id, renewed, *out_id; /* the worker (an issue), the certificate renewed (a renewal) */
	int trade, level;
	struct elig_result *res;
	char *detail; /* a renewal's credits, "have/need", when too few */
	struct fault *f;
};

/* A try's outputs start afresh. */
static void issuing_reset(struct issuing *g)
{
	g->res->n = 0;
	*g->f = (struct fault){0};
	if (g->detail)
		g->detail[0] = '\0';
}

/* Refuses a certificate of trade for worker_id while its requirements do not hold (listed in *res). */
static int requirements_met(struct store *s, int64_t worker_id, int trade, struct elig_result *res, struct fault *f)
{
	int rc = requirements(s, worker_id, trade, res);
	if (rc)
		return rc;
	if (res->n) {
		FAULT(f, "requirements_unmet", NULL);
		return AJ_ERULE;
	}
	return AJ_OK;
}

static int issue_write(struct store *s, void *arg)
{
	struct issuing *g = arg;
	issuing_reset(g);
	int rc = requirements_met(s, g->worker_id, g->trade, g->res, g->f);
	if (rc)
		return rc;
	int64_t existing = 0;
	struct stmt *st = store_sql(s, "SELECT count(*) FROM certificates WHERE worker_id = $1 AND trade = $2"
				       " AND status = 'valid' AND valid_until >= $3");
	char today[11];
	time_format_date(time_today(), today);
	stmt_bind_int(st, 1, g->worker_id);
	stmt_bind_text(st, 2, trades[g->trade].code);
	stmt_bind_text(st, 3, today);
	if ((rc = stmt_one_int(st, &existing)) != AJ_OK)
		return rc;
	if (existing) {
		FAULT(g->f, "certificate_exists", "trade");
		return AJ_ECONFLICT;
	}
	if ((rc = insert_cert(s, g->a, g->worker_id, g->trade, levels[g->level].code, 0, g->out_id)) != AJ_OK ||
	    (rc = elig_refresh(s, g->worker_id)) != AJ_OK)
		return rc;
	return audit_append_state(s, g->a, "certificate.issue", "certificate", *g->out_id, cert_state);
}

int cert_issue(struct store *s, const struct actor *a, int64_t worker_id, int trade, int level,
	       int64_t *id, struct elig_result *res, struct fault *f)
{
	struct issuing g = {.a = a, .worker_id = worker_id, .trade = trade, .level = level, .out_id = id, .res = res,
			    .f = f};
	return store_write(s, issue_write, &g);
}

static int renew_write(struct store *s, void *arg)
{
	struct issuing *g = arg;
	int64_t id = g->renewed;
	issuing_reset(g);
	struct stmt *st = store_sql(s, "SELECT c.worker_id, c.trade, c.level, c.issued_at, c.valid_until, c.status,"
				       " p.renewal_credits FROM certificates c JOIN cert_policies p ON p.trade = c.trade"
				       " WHERE c.id = $1");
	stmt_bind_int(st, 1, id);
	int rc = stmt_step(st);
	int64_t worker_id = 0, need = 0, from = 0, until = 0;
	char level[24] = "", status[16] = "";
	int trade = -1;
	if (rc == STORE_ROW) {
		worker_id = stmt_int(st, 0);
		trade = trade_index(stmt_text(st, 1));
		str_copy(level, sizeof level, stmt_text(st, 2));
		from = stmt_int(st, 3);
		parse_date(stmt_text(st, 4), &until);
		str_copy(status, sizeof status, stmt_text(st, 5));
		need = stmt_int(st, 6);
	}
	stmt_done(st);
	if (rc != STORE_ROW)
		return rc == STORE_DONE ? AJ_ENOTFOUND : rc;
	if (strcmp(status, "valid") != 0) {
		FAULT(g->f, "not_renewable", "status");
		return AJ_ERULE;
	}
	/* credits earned while the certificate was valid: from its issue to the end of its last day */
	int64_t have = 0;
	st = store_sql(s, "SELECT coalesce(sum(credits), 0) FROM enrolments WHERE worker_id = $1 AND passed = 1"
			  " AND recorded_at >= $2 AND recorded_at < $3");
	stmt_bind_int(st, 1, worker_id);
	stmt_bind_int(st, 2, from);
	stmt_bind_int(st, 3, time_day_start(until + 1));
	if ((rc = stmt_one_int(st, &have)) != AJ_OK)
		return rc;
	if (have < need) {
		char text[48];
		snprintf(text, sizeof text, "%lld/%lld", (long long)have, (long long)need);
		str_copy(g->detail, 32, text);
		FAULT(g->f, "credits_insufficient", NULL);
		return AJ_ERULE;
	}
	if ((rc = requirements_met(s, worker_id, trade, g->res, g->f)) != AJ_OK ||
	    (rc = insert_cert(s, g->a, worker_id, trade, level, id, g->out_id)) != AJ_OK)
		return rc;
	st = store_sql(s, "UPDATE certificates SET status = 'renewed', renewed_by = $2 WHERE id = $1");
	stmt_bind_int(st, 1, id);
	stmt_bind_int(st, 2, *g->out_id);
	if ((rc = stmt_exec(st)) != AJ_OK || (rc = elig_refresh(s, worker_id)) != AJ_OK)
		return rc;
	/* the old certificate's change and the new one, each with its record */
	if ((rc = audit_append_state(s, g->a, "certificate.renewed", "certificate", id, cert_state)) != AJ_OK)
		return rc;
	return audit_append_state(s, g->a, "certificate.issue", "certificate", *g->out_id, cert_state);
}

int cert_renew(struct store *s, const struct actor *a, int64_t id, int64_t *new_id, struct elig_result *res,
	       char detail[32], struct fault *f)
{
	struct issuing g = {.a = a, .renewed = id, .out_id = new_id, .res = res, .detail = detail, .f = f};
	return store_write(s, renew_write, &g);
}

/* ---- HTTP ---- */

/* 0 when the caller may see certificate id (through its worker). */
static int cert_visible(struct req *r, int64_t id)
{
	int64_t worker = 0;
	struct stmt *st = store_sql(r->store, "SELECT worker_id FROM certificates WHERE id = $1");
	stmt_bind_int(st, 1, id);
	int rc = stmt_one_int(st, &worker);
	return rc ? rc : worker_visible(r, worker);
}

static void reply_cert(struct req *r, int64_t id, int status)
{
	char origin[300];
	req_origin(r, origin, sizeof origin);
	int rc = cert_write(r->store, id, origin, req_jw(r));
	if (rc)
		req_fail(r, rc);
	else
		req_send(r, status);
}

static void reply_unmet(struct req *r, const struct elig_result *res)
{
	struct jw *w = req_error_open(r, 422, "requirements_unmet", NULL, NULL);
	jw_key(w, "reasons");
	elig_reasons_json(w, res, r->lang);
	req_error_close(r);
}

void api_certs_create(struct req *r)
{
	int64_t worker_id = req_int(r, "worker_id", 0), id;
	int rc = worker_visible(r, worker_id);
	if (rc) {
		req_error(r, 404, "not_found", "worker_id");
		return;
	}
	struct elig_result res;
	struct fault f = {0};
	struct actor a = req_actor(r);
	rc = cert_issue(r->store, &a, worker_id, trade_index(req_str(r, "trade")), level_index(req_str(r, "level")),
			&id, &res, &f);
	if (rc == AJ_ERULE && f.code && strcmp(f.code, "requirements_unmet") == 0)
		reply_unmet(r, &res);
	else if (rc)
		req_fault(r, rc, &f);
	else
		reply_cert(r, id, 201);
}

void api_certs_renew(struct req *r)
{
	int64_t new_id;
	char detail[32] = "";
	struct elig_result res;
	struct fault f = {0};
	struct actor a = req_actor(r);
	int rc = cert_renew(r->store, &a, r->id[0], &new_id, &res, detail, &f);
	if (rc == AJ_ERULE && f.code && strcmp(f.code, "requirements_unmet") == 0) {
		reply_unmet(r, &res);
	} else if (rc == AJ_ERULE && f.code && strcmp(f.code, "credits_insufficient") == 0) {
		req_error_open(r, 422, f.code, NULL, detail);
		req_error_close(r);
	} else if (rc) {
		req_fault(r, rc, &f);
	} else {
		reply_cert(r, new_id, 201);
	}
}

/* A certificate's revocation, for the write's body (store_write may run it more than once). */
struct revoking {
	const struct actor *a;
	int64_t id;
	const char *reason;
	struct fault f;
};

static int revoke_write(struct store *s, void *arg)
{
	struct revoking *v = arg;
	v->f = (struct fault){0};
	struct stmt *st = store_sql(s, "UPDATE certificates SET status = 'revoked', revoked_reason = $2, revoked_at = $3"
				       " WHERE id = $1 AND status = 'valid'");
	stmt_bind_int(st, 1, v->id);
	stmt_bind_text(st, 2, v->reason);
	stmt_bind_int(st, 3, clock_now());
	int rc = stmt_exec(st);
	if (rc)
		return rc;
	if (store_changes(s) == 0) {
		/* no valid certificate of that id: say which of the two it is */
		int64_t exists = 0;
		st = store_sql(s, "SELECT count(*) FROM certificates WHERE id = $1");
		stmt_bind_int(st, 1, v->id);
		stmt_one_int(st, &exists);
		if (!exists)
			return AJ_ENOTFOUND;
		FAULT(&v->f, "not_revocable", "status");
		return AJ_ECONFLICT;
	}
	/* the worker's windows change with their certificate */
	int64_t worker = 0;
	st = store_sql(s, "SELECT worker_id FROM certificates WHERE id = $1");
	stmt_bind_int(st, 1, v->id);
	if ((rc = stmt_one_int(st, &worker)) != AJ_OK || (rc = elig_refresh(s, worker)) != AJ_OK)
		return rc;
	return audit_append_state(s, v->a, "certificate.revoke", "certificate", v->id, cert_state);
}

void api_certs_revoke(struct req *r)
{
	struct actor a = req_actor(r);
	struct revoking v = {.a = &a, .id = r->id[0], .reason = req_str(r, "reason")};
	int rc = store_write(r->store, revoke_write, &v);
	if (rc)
		req_fault(r, rc, &v.f);
	else
		reply_cert(r, v.id, 200);
}

void api_certs_get(struct req *r)
{
	int rc = cert_visible(r, r->id[0]);
	if (rc)
		req_fail(r, rc);
	else
		reply_cert(r, r->id[0], 200);
}

void api_certs_list(struct req *r)
{
	struct page pg = req_page(r);
	int64_t scope = worker_company_scope(r), total = 0;
	int64_t self = r->user.role == ROLE_WORKER ? r->user.user_id : 0;
	const char *trade = req_qstr(r, "trade"), *status = req_qstr(r, "status");
	char today[11];
	time_format_date(time_today(), today);
	/* "expired" is a valid certificate whose last day has passed */
	const char *sql_status = !status ? "" : strcmp(status, "expired") == 0 ? "valid" : status;
	int64_t when = !status ? 0 : strcmp(status, "expired") == 0 ? -1 : strcmp(status, "valid") == 0 ? 1 : 0;
	struct stmt *st = store_sql(r->store,
		"SELECT count(*) FROM certificates c JOIN workers w ON w.id = c.worker_id"
		" WHERE ($1 = 0 OR w.company_id = $1) AND ($2 = 0 OR w.user_id = $2) AND ($3 = 0 OR c.worker_id = $3)"
		" AND ($4 = '' OR c.trade = $4) AND ($5 = '' OR c.status = $5)"
		" AND ($6 = 0 OR ($6 = 1 AND c.valid_until >= $7) OR ($6 = -1 AND c.valid_until < $7))");
	stmt_bind_int(st, 1, self ? 0 : scope);
	stmt_bind_int(st, 2, self);
	stmt_bind_int(st, 3, req_qint(r, "worker_id", 0));
	stmt_bind_text(st, 4, trade ? trade : "");
	stmt_bind_text(st, 5, sql_status);
	stmt_bind_int(st, 6, when);
	stmt_bind_text(st, 7, today);
	int rc = stmt_one_int(st, &total);
	if (rc) {
		req_fail(r, rc);
		return;
	}
	st = store_sql(r->store,
		"SELECT " CERT_COLUMNS CERT_FROM
		" WHERE ($1 = 0 OR w.company_id = $1) AND ($2 = 0 OR w.user_id = $2) AND ($3 = 0 OR c.worker_id = $3)"
		" AND ($4 = '' OR c.trade = $4) AND ($5 = '' OR c.status = $5)"
		" AND ($6 = 0 OR ($6 = 1 AND c.valid_until >= $7) OR ($6 = -1 AND c.valid_until < $7))"
		" ORDER BY c.id DESC LIMIT $8 OFFSET $9");
	stmt_bind_int(st, 1, self ? 0 : scope);
	stmt_bind_int(st, 2, self);
	stmt_bind_int(st, 3, req_qint(r, "worker_id", 0));
	stmt_bind_text(st, 4, trade ? trade : "");
	stmt_bind_text(st, 5, sql_status);
	stmt_bind_int(st, 6, when);
	stmt_bind_text(st, 7, today);
	stmt_bind_int(st, 8, pg.per_page);
	stmt_bind_int(st, 9, pg.offset);
	char origin[300];
	req_origin(r, origin, sizeof origin);
	struct jw *w = req_list_begin(r);
	while ((rc = stmt_step(st)) == STORE_ROW)
		cert_row_json(w, st, origin);
	stmt_done(st);
	if (rc < 0) {
		req_fail(r, rc);
		return;
	}
	req_list_end(r, &pg, total);
	req_send(r, 200);
}

/* The QR code of text as SVG: one path of unit squares, a four-module quiet zone. */
static int qr_svg(const char *text, struct strbuf *out)
{
	QRcode *q = QRcode_encodeString(text, 0, QR_ECLEVEL_M, QR_MODE_8, 1);
	if (!q)
		return -1;
	int n = q->width, size = n + 8;
	strbuf_addf(out, "<svg xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 %d %d\" shape-rendering=\"crispEdges\">"
			 "<rect width=\"%d\" height=\"%d\" fill=\"#fff\"/><path fill=\"#000\" d=\"", size, size, size, size);
	for (int y = 0; y < n; y++)
		for (int x = 0; x < n; x++)
			if (q->data[y * n + x] & 1)
				strbuf_addf(out, "M%d %dh1v1h-1z", x + 4, y + 4);
	strbuf_adds(out, "\"/></svg>");
	QRcode_free(q);
	return 0;
}

void api_certs_qr(struct req *r)
{
	int rc = cert_visible(r, r->id[0]);
	if (rc) {
		req_fail(r, rc);
		return;
	}
	char origin[300];
	req_origin(r, origin, sizeof origin);
	struct stmt *st = store_sql(r->store, "SELECT token FROM certificates WHERE id = $1");
	stmt_bind_int(st, 1, r->id[0]);
	struct strbuf url;
	strbuf_init(&url, 8192);
	if (stmt_step(st) == STORE_ROW)
		strbuf_addf(&url, "%s/verify#%s", origin, stmt_text(st, 0));
	stmt_done(st);
	strbuf_reset(&r->out);
	if (qr_svg(url.buf ? url.buf : "", &r->out) != 0) {
		strbuf_free(&url);
		req_fail(r, AJ_ESTORE);
		return;
	}
	strbuf_free(&url);
	r->content_type = "image/svg+xml";
	req_send(r, 200);
}

/* ---- policies ---- */

static void policy_json(struct store *s, struct jw *w, const char *trade, int64_t months, int64_t credits)
{
	jw_obj(w);
	jw_kstr(w, "trade", trade);
	jw_kint(w, "validity_months", months);
	jw_kint(w, "renewal_credits", credits);
	jw_key(w, "required_courses");
	jw_arr(w);
	struct stmt *st = store_sql(s, "SELECT c.id, c.code, c.title FROM cert_requirements q JOIN courses c"
				       " ON c.id = q.course_id WHERE q.trade = $1 ORDER BY c.code");
	stmt_bind_text(st, 1, trade);
	while (stmt_step(st) == STORE_ROW) {
		jw_obj(w);
		jw_kint(w, "id", stmt_int(st, 0));
		jw_kstr(w, "code", stmt_text(st, 1));
		jw_kstr(w, "title", stmt_text(st, 2));
		jw_obj_end(w);
	}
	stmt_done(st);
	jw_arr_end(w);
	jw_obj_end(w);
}

static int policy_write(struct store *s, const char *trade, struct jw *w)
{
	struct stmt *st = store_sql(s, "SELECT validity_months, renewal_credits FROM cert_policies WHERE trade = $1");
	stmt_bind_text(st, 1, trade);
	int rc = stmt_step(st);
	int64_t months = rc == STORE_ROW ? stmt_int(st, 0) : 0, credits = rc == STORE_ROW ? stmt_int(st, 1) : 0;
	stmt_done(st);
	if (rc != STORE_ROW)
		return rc == STORE_DONE ? AJ_ENOTFOUND : rc;
	policy_json(s, w, trade, months, credits);
	return AJ_OK;
}

void api_policies_list(struct req *r)
{
	struct page pg = req_page(r);
	struct jw *w = req_list_begin(r);
	for (int64_t t = pg.offset; t < TRADE_COUNT && t < pg.offset + pg.per_page; t++)
		policy_write(r->store, trades[t].code, w);
	req_list_end(r, &pg, TRADE_COUNT);
	req_send(r, 200);
}

/* A policy in the audit chain: entity "cert_policy", its id the trade's number from 1. */
static int policy_state(struct store *s, int64_t id, struct strbuf *sb)
{
	struct jw w;
	if (id < 1 || id > TRADE_COUNT)
		return AJ_ENOTFOUND;
	jw_init(&w, sb);
	return policy_write(s, trades[id - 1].code, &w);
}

/* A policy's change, for the write's body (store_write may run it more than once). */
struct policy_edit {
	const struct actor *a;
	const char *trade;
	int64_t months, credits;
	const int64_t *required;
	size_t n_required;
	int set_required;
	struct fault *f;
};

static int policy_edit_write(struct store *s, void *arg)
{
	const struct policy_edit *p = arg;
	const char *trade = p->trade;
	*p->f = (struct fault){0};
	struct stmt *st = store_sql(s, "UPDATE cert_policies SET validity_months = CASE WHEN $2 > 0 THEN $2 ELSE validity_months END,"
				       " renewal_credits = CASE WHEN $3 >= 0 THEN $3 ELSE renewal_credits END, updated_at = $4"
				       " WHERE trade = $1");
	stmt_bind_text(st, 1, trade);
	stmt_bind_int(st, 2, p->months);
	stmt_bind_int(st, 3, p->credits);
	stmt_bind_int(st, 4, clock_now());
	int rc = stmt_exec(st);
	if (rc)
		return rc;
	if (p->set_required) {
		st = store_sql(s, "DELETE FROM cert_requirements WHERE trade = $1");
		stmt_bind_text(st, 1, trade);
		if ((rc = stmt_exec(st)) != AJ_OK)
			return rc;
		for (size_t i = 0; i < p->n_required; i++) {
			int64_t found = 0;
			st = store_sql(s, "SELECT id FROM courses WHERE id = $1");
			stmt_bind_int(st, 1, p->required[i]);
			if (stmt_one_int(st, &found) != AJ_OK) {
				FAULT(p->f, "course_not_found", "required_course_ids");
				return AJ_ERULE;
			}
			st = store_sql(s, "INSERT INTO cert_requirements (trade, course_id) VALUES ($1, $2)"
					  " ON CONFLICT (trade, course_id) DO NOTHING");
			stmt_bind_text(st, 1, trade);
			stmt_bind_int(st, 2, p->required[i]);
			if ((rc = stmt_exec(st)) != AJ_OK)
				return rc;
		}
	}
	return audit_append_state(s, p->a, "cert_policy.update", "cert_policy", trade_index(trade) + 1, policy_state);
}

int policy_update(struct store *s, const struct actor *a, const char *trade, int64_t months, int64_t credits,
		  const int64_t *required, size_t n_required, int set_required, struct fault *f)
{
	struct policy_edit p = {a, trade, months, credits, required, n_required, set_required, f};
	return store_write(s, policy_edit_write, &p);
}

void api_policies_update(struct req *r)
{
	int t = trade_index(r->param[0]);
	if (t < 0) {
		req_fail(r, AJ_ENOTFOUND);
		return;
	}
	int64_t ids[30];
	size_t n = 0;
	json_t *a = json_object_get(r->json, "required_course_ids");
	for (size_t i = 0; json_is_array(a) && i < json_array_size(a) && n < 30; i++)
		ids[n++] = json_integer_value(json_array_get(a, i));
	struct fault f = {0};
	struct actor act = req_actor(r);
	int rc = policy_update(r->store, &act, trades[t].code, req_int(r, "validity_months", 0),
			       req_int(r, "renewal_credits", -1), ids, n, json_is_array(a), &f);
	if (rc) {
		req_fault(r, rc, &f);
		return;
	}
	rc = policy_write(r->store, trades[t].code, req_jw(r));
	if (rc)
		req_fail(r, rc);
	else
		req_send(r, 200);
}

/* ---- public ---- */

void api_public_verify(struct req *r)
{
	struct stmt *st = store_sql(r->store, "SELECT c.serial, c.status, w.name, c.trade, c.level, c.valid_from,"
					      " c.valid_until, c.worker_id, w.company_id, o.name FROM certificates c"
					      " JOIN workers w ON w.id = c.worker_id LEFT JOIN orgs o ON o.id = w.company_id"
					      " WHERE c.serial = $1");
	stmt_bind_text(st, 1, r->param[0]);
	int rc = stmt_step(st);
	if (rc != STORE_ROW) {
		stmt_done(st);
		req_fail(r, rc == STORE_DONE ? AJ_ENOTFOUND : rc);
		return;
	}
	char masked[96];
	worker_mask_name(stmt_text(st, 2), masked, sizeof masked);
	struct jw *w = req_jw(r);
	jw_obj(w);
	jw_kstr(w, "serial", stmt_text(st, 0));
	jw_kstr(w, "status", cert_status(stmt_text(st, 1), stmt_text(st, 6)));
	jw_kstr(w, "masked_name", masked);
	jw_key(w, "trades");
	jw_arr(w);
	jw_str(w, stmt_text(st, 3));
	jw_arr_end(w);
	jw_kstr(w, "level", stmt_text(st, 4));
	jw_kstr(w, "valid_from", stmt_text(st, 5));
	jw_kstr(w, "valid_until", stmt_text(st, 6));
	jw_kint(w, "worker_id", stmt_int(st, 7));
	jw_kref(w, "company", stmt_int(st, 8), stmt_text(st, 9));
	jw_obj_end(w);
	stmt_done(st);
	req_send(r, 200);
}

void api_public_keys(struct req *r)
{
	char pk[KEYS_PUBLIC_B64_LEN];
	keys_public_b64(pk);
	struct jw *w = req_jw(r);
	jw_obj(w);
	jw_key(w, "items");
	jw_arr(w);
	jw_obj(w);
	jw_kstr(w, "kid", keys_kid());
	jw_kstr(w, "alg", "Ed25519");
	jw_kstr(w, "public_key", pk);
	jw_obj_end(w);
	jw_arr_end(w);
	jw_obj_end(w);
	req_header_static(r, "Cache-Control", "public, max-age=300");
	req_send(r, 200);
}
