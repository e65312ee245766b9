/* requests.c — requests for month items (long-term placements): the customer asks, the company
 * answers, the customer may withdraw while it is open. Each write is one transaction with its audit
 * record and the notice to the other side; the number to call is sealed, and opened to the company
 * only while the request is open or accepted, each opening in the access log. */
#include <stdlib.h>
#include <string.h>

#include "auth/audit.h"
#include "auth/keys.h"
#include "http/req.h"
#include "http/schema.h"
#include "notify.h"
#include "privacy/access.h"
#include "privacy/sealed.h"
#include "rows.h"
#include "store/store.h"
#include "util/clock.h"
#include "util/phone.h"
#include "util/timefmt.h"

static const char *const decisions[] = {"accepted", "declined", NULL};
static const char *const statuses[] = {"open", "accepted", "declined", "withdrawn", NULL};

SCHEMA(service_request_body, S_INT("service_item_id", F_REQ, 1, INT64_MAX), S_DATE("wanted_from", F_REQ),
       S_DATE("due_date", F_NULL), S_INT("months", F_REQ, 1, 24), S_STR("needs", F_REQ, 2, 1000),
       S_STR("contact_phone", F_REQ, 11, 11));
SCHEMA(service_request_answer_body, S_ENUM("decision", F_REQ, decisions), S_STR("answer", F_REQ, 2, 1000));
SCHEMA(service_requests_query, S_ENUM("status", 0, statuses), S_INT("page", 0, 1, 1000000),
       S_INT("per_page", 0, 1, 100));

#define REQUEST_COLUMNS \
	"q.id, q.status, q.customer_id, cu.name, q.company_id, o.name, si.id, si.title, si.unit, si.price_fen," \
	" q.wanted_from, q.due_date, q.months, q.needs, q.answer, coalesce(q.answered_at, 0), q.created_at," \
	" q.contact_phone_sealed"
#define REQUEST_FROM \
	" FROM service_requests q JOIN users cu ON cu.id = q.customer_id JOIN orgs o ON o.id = q.company_id" \
	" JOIN service_items si ON si.id = q.service_item_id"

static void request_fields(struct jw *w, struct stmt *st, int with_phone)
{
	jw_kint(w, "id", stmt_int(st, 0));
	jw_kstr(w, "status", stmt_text(st, 1));
	jw_kref(w, "customer", stmt_int(st, 2), stmt_text(st, 3));
	jw_kref(w, "company", stmt_int(st, 4), stmt_text(st, 5));
	jw_key(w, "service_item");
	jw_obj(w);
	jw_kint(w, "id", stmt_int(st, 6));
	jw_kstr(w, "title", stmt_text(st, 7));
	jw_kstr(w, "unit", stmt_text(st, 8));
	jw_kint(w, "price_fen", stmt_int(st, 9));
	jw_obj_end(w);
	jw_kstr(w, "wanted_from", stmt_text(st, 10));
	jw_kstr(w, "due_date", stmt_text(st, 11));
	jw_kint(w, "months", stmt_int(st, 12));
	jw_kstr(w, "needs", stmt_text(st, 13));
	jw_kstr(w, "answer", stmt_text(st, 14));
	jw_ktime(w, "answered_at", stmt_int(st, 15));
	jw_ktime(w, "created_at", stmt_int(st, 16));
	char phone[32] = "";
	if (with_phone && !stmt_is_null(st, 17))
		keys_unseal_for(SEALED_REQUEST_PHONE, stmt_int(st, 0), stmt_text(st, 17), phone, sizeof phone);
	jw_kstr(w, "contact_phone", phone[0] ? phone : NULL);
}

static void request_row(struct jw *w, struct stmt *st)
{
	jw_obj(w);
	request_fields(w, st, 0);
	jw_obj_end(w);
}

/* The audited state: never the telephone. */
static int request_state(struct store *s, int64_t id, struct strbuf *sb)
{
	struct stmt *st = store_sql(s, "SELECT " REQUEST_COLUMNS REQUEST_FROM " WHERE q.id = $1");
	stmt_bind_int(st, 1, id);
	return audit_row_state(st, request_row, sb);
}

/* Replies with request id as the caller sees it; the telephone to the customer, and to the company
 * while the request is open or accepted (recorded in the access log). */
static void reply_request(struct req *r, int64_t id, int status)
{
	struct stmt *st = store_sql(r->store, "SELECT " REQUEST_COLUMNS REQUEST_FROM " WHERE q.id = $1");
	stmt_bind_int(st, 1, id);
	int rc = stmt_step(st);
	if (rc != STORE_ROW) {
		stmt_done(st);
		req_fail(r, rc == STORE_DONE ? AJ_ENOTFOUND : rc);
		return;
	}
	int customer = r->user.role == ROLE_CUSTOMER;
	const char *state = stmt_text(st, 1);
	int company = (r->user.role == ROLE_COMPANY_ADMIN || r->user.role == ROLE_COMPANY_STAFF) &&
		      (strcmp(state, "open") == 0 || strcmp(state, "accepted") == 0);
	int64_t customer_id = stmt_int(st, 2);
	struct jw *w = req_jw(r);
	jw_obj(w);
	request_fields(w, st, customer || company);
	jw_obj_end(w);
	stmt_done(st);
	if (company) {
		struct access_entry e = {"customer", customer_id, "contact_phone"};
		char via[40];
		snprintf(via, sizeof via, "service_request:%lld", (long long)id);
		access_record_req(r, &e, 1, via);
	}
	req_send(r, status);
}

/* A service request's filing or decision, for the write's body (store_write may run it more than
 * once: it sets its outputs afresh). */
struct request_edit {
	const struct actor *a;
	const struct principal *u;     /* the caller, whose request (or company's) it must be */
	int64_t id, service_item_id, months, from, due;
	const char *phone, *needs, *to, *answer;
	struct fault *f;
};

static int create_write(struct store *s, void *arg)
{
	struct request_edit *e = arg;
	struct fault *f = e->f;
	*f = (struct fault){0};
	e->id = 0;
	struct stmt *st = store_sql(s, "SELECT si.company_id, si.unit, si.active = 1 AND c.active = 1, si.title FROM service_items si"
				       " JOIN categories c ON c.id = si.category_id WHERE si.id = $1");
	stmt_bind_int(st, 1, e->service_item_id);
	int rc = stmt_step(st);
	int64_t company = 0;
	int month = 0, active = 0;
	char title[128] = "";
	if (rc == STORE_ROW) {
		company = stmt_int(st, 0);
		month = strcmp(stmt_text(st, 1), "month") == 0;
		active = (int)stmt_int(st, 2);
		str_copy(title, sizeof title, stmt_text(st, 3));
	}
	stmt_done(st);
	if (rc != STORE_ROW || !active || !month) {
		if (rc == STORE_DONE) {
			FAULT(f, "not_found", "service_item_id");
			return AJ_ENOTFOUND;
		}
		if (rc != STORE_ROW)
			return rc;
		FAULT(f, active ? "not_by_request" : "item_inactive", "service_item_id");
		return AJ_ERULE;
	}
	char from_s[11], due_s[11];
	time_format_date(e->from, from_s);
	if (e->due)
		time_format_date(e->due, due_s);
	st = store_sql(s, "INSERT INTO service_requests (customer_id, company_id, service_item_id, wanted_from, due_date,"
			  " months, needs, status, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7, 'open', $8) RETURNING id");
	stmt_bind_int(st, 1, e->u->user_id);
	stmt_bind_int(st, 2, company);
	stmt_bind_int(st, 3, e->service_item_id);
	stmt_bind_text(st, 4, from_s);
	stmt_bind_text(st, 5, e->due ? due_s : NULL);
	stmt_bind_int(st, 6, e->months);
	stmt_bind_text(st, 7, e->needs);
	stmt_bind_int(st, 8, clock_now());
	if ((rc = stmt_one_int(st, &e->id)) == AJ_OK) {
		char *sealed = keys_seal_for(SEALED_REQUEST_PHONE, e->id, e->phone);
		st = store_sql(s, "UPDATE service_requests SET contact_phone_sealed = $2 WHERE id = $1");
		stmt_bind_int(st, 1, e->id);
		stmt_bind_text(st, 2, sealed);
		rc = stmt_exec(st);
		free(sealed);
	}
	char zh[256], en[256];
	snprintf(zh, sizeof zh, "新的服务请求：%s，%s 起 %lld 个月，请尽快答复。", title, from_s, (long long)e->months);
	snprintf(en, sizeof en, "New service request: %s from %s for %lld month(s); please answer soon.", title, from_s,
		 (long long)e->months);
	if (rc || (rc = notify(s, company, 0, "service_request", "service_request", e->id, zh, en)) != AJ_OK)
		return rc;
	return audit_append_state(s, e->a, "service_request.create", "service_request", e->id, request_state);
}

void api_service_requests_create(struct req *r)
{
	const char *phone = req_str(r, "contact_phone");
	if (!phone_valid(phone)) {
		req_error(r, 400, "invalid_phone", "contact_phone");
		return;
	}
	int64_t from = 0, due = 0;
	parse_date(req_str(r, "wanted_from"), &from);
	if (req_str(r, "due_date"))
		parse_date(req_str(r, "due_date"), &due);
	if (from < time_today()) {
		req_error(r, 422, "start_in_past", "wanted_from");
		return;
	}
	if (from > time_today() + 366) {
		req_error(r, 422, "too_far_ahead", "wanted_from");
		return;
	}
	struct actor a = req_actor(r);
	struct fault f = {0};
	struct request_edit e = {.a = &a, .u = &r->user, .service_item_id = req_int(r, "service_item_id", 0),
				 .months = req_int(r, "months", 1), .from = from, .due = due, .phone = phone,
				 .needs = req_str(r, "needs"), .f = &f};
	int rc = store_write(r->store, create_write, &e);
	if (rc) {
		req_fault(r, rc, &f);
		return;
	}
	reply_request(r, e.id, 201);
}

void api_service_requests_list(struct req *r)
{
	int64_t customer = 0, company = 0;
	switch (r->user.role) {
	case ROLE_CUSTOMER: customer = r->user.user_id; break;
	case ROLE_COMPANY_ADMIN:
	case ROLE_COMPANY_STAFF: company = r->user.org_id; break;
	case ROLE_ASSOCIATION_ADMIN: break;
	default:
		req_error(r, 403, "forbidden", NULL);
		return;
	}
	struct page pg = req_page(r);
	const char *status = req_qstr(r, "status");
	int64_t total = 0;
	struct stmt *st = store_sql(r->store, "SELECT count(*) FROM service_requests q WHERE ($1 = 0 OR q.customer_id = $1)"
					      " AND ($2 = 0 OR q.company_id = $2) AND ($3 = '' OR q.status = $3)");
	stmt_bind_int(st, 1, customer);
	stmt_bind_int(st, 2, company);
	stmt_bind_text(st, 3, status ? status : "");
	int rc = stmt_one_int(st, &total);
	if (rc) {
		req_fail(r, rc);
		return;
	}
	st = store_sql(r->store, "SELECT " REQUEST_COLUMNS REQUEST_FROM " WHERE ($1 = 0 OR q.customer_id = $1)"
				 " AND ($2 = 0 OR q.company_id = $2) AND ($3 = '' OR q.status = $3)"
				 " ORDER BY q.status <> 'open', q.created_at DESC, q.id DESC LIMIT $4 OFFSET $5");
	stmt_bind_int(st, 1, customer);
	stmt_bind_int(st, 2, company);
	stmt_bind_text(st, 3, status ? status : "");
	stmt_bind_int(st, 4, pg.per_page);
	stmt_bind_int(st, 5, pg.offset);
	rows_reply_list(r, st, request_row, &pg, total);
}

/* Loads request id when it is the caller's (their own as a customer, their company's otherwise):
 * its customer, company and status; AJ_ENOTFOUND when it is not theirs. */
static int load_own(struct store *s, const struct principal *u, int64_t id, int64_t *customer, int64_t *company,
		    char status[12])
{
	struct stmt *st = store_sql(s, "SELECT customer_id, company_id, status FROM service_requests WHERE id = $1");
	stmt_bind_int(st, 1, id);
	int rc = stmt_step(st);
	if (rc == STORE_ROW) {
		*customer = stmt_int(st, 0);
		*company = stmt_int(st, 1);
		str_copy(status, 12, stmt_text(st, 2));
	}
	stmt_done(st);
	if (rc != STORE_ROW)
		return rc == STORE_DONE ? AJ_ENOTFOUND : rc;
	switch (u->role) {
	case ROLE_CUSTOMER: return *customer == u->user_id ? AJ_OK : AJ_ENOTFOUND;
	case ROLE_COMPANY_ADMIN:
	case ROLE_COMPANY_STAFF: return *company == u->org_id ? AJ_OK : AJ_ENOTFOUND;
	case ROLE_ASSOCIATION_ADMIN: return AJ_OK;
	default: return AJ_EDENIED;
	}
}

void api_service_requests_get(struct req *r)
{
	int64_t customer, company;
	char status[12];
	int rc = load_own(r->store, &r->user, r->id[0], &customer, &company, status);
	if (rc) {
		req_fail(r, rc);
		return;
	}
	reply_request(r, r->id[0], 200);
}

static int decide_write(struct store *s, void *arg)
{
	struct request_edit *e = arg;
	const char *to = e->to, *answer = e->answer;
	int64_t id = e->id, customer = 0, company = 0;
	char status[12] = "";
	*e->f = (struct fault){0};
	int rc = load_own(s, e->u, id, &customer, &company, status);
	if (rc)
		return rc;
	if (strcmp(status, "open") != 0) {
		FAULT(e->f, "invalid_transition", "status");
		return AJ_ECONFLICT;
	}
	struct stmt *st = store_sql(s, "UPDATE service_requests SET status = $2, answer = coalesce($3, answer),"
				       " answered_by = CASE WHEN $3 IS NULL THEN answered_by ELSE $4 END,"
				       " answered_at = CASE WHEN $3 IS NULL THEN answered_at ELSE $5 END WHERE id = $1");
	stmt_bind_int(st, 1, id);
	stmt_bind_text(st, 2, to);
	stmt_bind_text(st, 3, answer);
	stmt_bind_int(st, 4, e->a->user_id);
	stmt_bind_int(st, 5, clock_now());
	rc = stmt_exec(st);
	char zh[256], en[256];
	if (!rc && answer) {
		int yes = strcmp(to, "accepted") == 0;
		snprintf(zh, sizeof zh, "您的服务请求已%s：%s", yes ? "被接受" : "被婉拒", answer);
		snprintf(en, sizeof en, "Your service request was %s: %s", yes ? "accepted" : "declined", answer);
		rc = notify(s, 0, customer, "service_request", "service_request", id, zh, en);
	} else if (!rc) {
		rc = notify(s, company, 0, "service_request", "service_request", id, "客户已撤回服务请求。",
			    "The customer withdrew the service request.");
	}
	if (rc)
		return rc;
	char action[40];
	snprintf(action, sizeof action, "service_request.%s", answer ? "answer" : "withdraw");
	return audit_append_state(s, e->a, action, "service_request", id, request_state);
}

/* Moves open request id to `to` (with the company's answer), notifies the other side. */
static void decide(struct req *r, const char *to, const char *answer)
{
	struct actor a = req_actor(r);
	struct fault f = {0};
	struct request_edit e = {.a = &a, .u = &r->user, .id = r->id[0], .to = to, .answer = answer, .f = &f};
	int rc = store_write(r->store, decide_write, &e);
	if (rc) {
		req_fault(r, rc, &f);
		return;
	}
	reply_request(r, e.id, 200);
}

void api_service_requests_answer(struct req *r)
{
	decide(r, req_str(r, "decision"), req_str(r, "answer"));
}

void api_service_requests_withdraw(struct req *r)
{
	decide(r, "withdrawn", NULL);
}
