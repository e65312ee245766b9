/* subject.c — a person's rights over what is held about them (PIPL Art. 44–47): see and copy all of
 * it (GET /api/me/data, with who read it and when), ask for a correction, and close the account —
 * a customer's is erased at once under a pseudonym, keeping what the law and the industry must keep;
 * a worker's is a request the association answers, since the registry must keep revocations and the
 * certificates it issued. Requests go to whoever holds the record, with a deadline. */
#include "subject.h"

#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "account.h"
#include "auth/audit.h"
#include "auth/password.h"
#include "auth/session.h"
#include "http/req.h"
#include "http/schema.h"
#include "notify.h"
#include "privacy/access.h"
#include "privacy/sealed.h"
#include "rows.h"
#include "services/addresses.h"
#include "services/bookings.h"
#include "standards.h"
#include "store/store.h"
#include "timeline.h"
#include "util/clock.h"
#include "util/strbuf.h"
#include "util/timefmt.h"
#include "workforce/certs.h"
#include "workforce/checks.h"
#include "workforce/training.h"
#include "workforce/worker_access.h"
#include "workforce/worker_json.h"

static const char *const kinds[] = {"correction", "erasure", NULL};
static const char *const fields[] = {"name", "id_number", "phone", "level", "trades", "experience_since", "checks",
				     "training", "certificates", "employments", "bookings", "complaints", "account",
				     "other", NULL};
static const char *const answers[] = {"done", "refused", NULL};
static const char *const request_statuses[] = {"open", "done", "refused", NULL};
SCHEMA(data_request_body, S_ENUM("field", F_REQ, fields), S_TEXT("requested_text", F_REQ, 1000));
SCHEMA(data_answer_body, S_ENUM("status", F_REQ, answers), S_TEXT("answer", F_REQ, 1000));
SCHEMA(data_requests_query, S_ENUM("status", 0, request_statuses), S_ENUM("kind", 0, kinds),
       S_INT("page", 0, 1, 1000000), S_INT("per_page", 0, 1, 100));
SCHEMA(close_account_body, S_SECRET("password", F_REQ));

#define DATA_REQUESTS_OPEN_MAX 5

/* What stands in for the free text a person who closed their account wrote. */
static const char erased_text[] = "（已应本人要求删除）";

/* The signed-in person's worker record, or 0. */
static int64_t own_worker(struct store *s, int64_t user_id)
{
	int64_t id = 0;
	struct stmt *st = store_sql(s, "SELECT id FROM workers WHERE user_id = $1");
	stmt_bind_int(st, 1, user_id);
	stmt_one_int(st, &id);
	return id;
}

/* ---- see and copy ---- */

static void sessions_json(struct store *s, int64_t user, struct jw *w)
{
	struct stmt *st = store_sql(s, "SELECT created_at, last_seen, coalesce(ended_at, 0), expires_at, peer, user_agent"
				       " FROM sessions WHERE user_id = $1 ORDER BY id DESC LIMIT 200");
	stmt_bind_int(st, 1, user);
	jw_key(w, "sessions");
	jw_arr(w);
	while (stmt_step(st) == STORE_ROW) {
		jw_obj(w);
		jw_ktime(w, "created_at", stmt_int(st, 0));
		jw_ktime(w, "last_seen_at", stmt_int(st, 1));
		jw_ktime(w, "ended_at", stmt_int(st, 2));
		jw_ktime(w, "expires_at", stmt_int(st, 3));
		jw_kstr(w, "peer", *stmt_text(st, 4) ? stmt_text(st, 4) : NULL);
		jw_kstr(w, "user_agent", *stmt_text(st, 5) ? stmt_text(st, 5) : NULL);
		jw_obj_end(w);
	}
	stmt_done(st);
	jw_arr_end(w);
}

static void notices_json(struct store *s, int64_t user, struct jw *w)
{
	struct stmt *st = store_sql(s, "SELECT created_at, topic, subject_kind, subject_id, text_zh, text_en FROM outbox"
				       " WHERE user_id = $1 ORDER BY id DESC LIMIT 500");
	stmt_bind_int(st, 1, user);
	jw_key(w, "notices");
	jw_arr(w);
	while (stmt_step(st) == STORE_ROW) {
		jw_obj(w);
		jw_ktime(w, "at", stmt_int(st, 0));
		jw_kstr(w, "topic", stmt_text(st, 1));
		jw_kstr(w, "subject_kind", stmt_text(st, 2));
		jw_kint(w, "subject_id", stmt_int(st, 3));
		jw_kstr(w, "text_zh", stmt_text(st, 4));
		jw_kstr(w, "text_en", stmt_text(st, 5));
		jw_obj_end(w);
	}
	stmt_done(st);
	jw_arr_end(w);
}

void access_views_json(struct store *s, const char *subject, int64_t id, int limit, struct jw *w)
{
	struct stmt *st = store_sql(s, "SELECT a.at, coalesce(u.name, a.actor_label), u.role, o.name, a.what, a.via,"
				       " a.outcome FROM access_log a LEFT JOIN users u ON u.id = a.actor_id"
				       " LEFT JOIN orgs o ON o.id = a.actor_org_id WHERE a.subject = $1 AND a.subject_id = $2"
				       " ORDER BY a.id DESC LIMIT $3");
	stmt_bind_text(st, 1, subject);
	stmt_bind_int(st, 2, id);
	stmt_bind_int(st, 3, limit);
	jw_arr(w);
	while (stmt_step(st) == STORE_ROW) {
		jw_obj(w);
		jw_ktime(w, "at", stmt_int(st, 0));
		const char *by = stmt_text(st, 1), *role = stmt_text(st, 2);
		char masked[96];
		/* a household sees a worker as it sees them everywhere: masked */
		if (by && role && strcmp(subject, "customer") == 0 && strcmp(role, "worker") == 0) {
			worker_mask_name(by, masked, sizeof masked);
			by = masked;
		}
		jw_kstr(w, "by", by);
		jw_kstr(w, "by_role", role);
		jw_kstr(w, "by_org", stmt_text(st, 3));
		jw_kstr(w, "what", stmt_text(st, 4));
		jw_kstr(w, "via", stmt_text(st, 5));
		jw_kstr(w, "outcome", stmt_text(st, 6));
		jw_obj_end(w);
	}
	stmt_done(st);
	jw_arr_end(w);
}

static void requests_json(struct store *s, int64_t user, struct jw *w);

/* A customer's requests for month items, with the company's answers (the number to call is in the
 * request itself, while it is kept). */
static void service_requests_json(struct store *s, int64_t user, struct jw *w)
{
	struct stmt *st = store_sql(s, "SELECT q.id, q.status, o.name, si.title, q.wanted_from, q.due_date, q.months, q.needs,"
				       " q.answer, coalesce(q.answered_at, 0), q.created_at FROM service_requests q"
				       " JOIN orgs o ON o.id = q.company_id JOIN service_items si ON si.id = q.service_item_id"
				       " WHERE q.customer_id = $1 ORDER BY q.id");
	stmt_bind_int(st, 1, user);
	jw_key(w, "service_requests");
	jw_arr(w);
	while (stmt_step(st) == STORE_ROW) {
		jw_obj(w);
		jw_kint(w, "id", stmt_int(st, 0));
		jw_kstr(w, "status", stmt_text(st, 1));
		jw_kstr(w, "company", stmt_text(st, 2));
		jw_kstr(w, "service", stmt_text(st, 3));
		jw_kstr(w, "wanted_from", stmt_text(st, 4));
		jw_kstr(w, "due_date", stmt_text(st, 5));
		jw_kint(w, "months", stmt_int(st, 6));
		jw_kstr(w, "needs", stmt_text(st, 7));
		jw_kstr(w, "answer", stmt_text(st, 8));
		jw_ktime(w, "answered_at", stmt_int(st, 9));
		jw_ktime(w, "created_at", stmt_int(st, 10));
		jw_obj_end(w);
	}
	stmt_done(st);
	jw_arr_end(w);
}

/* A customer's own bookings, with their own address and telephone (until destroyed). */
static void customer_bookings_json(struct store *s, int64_t user, struct jw *w)
{
	int64_t *ids = xcalloc(1000, sizeof *ids);
	int n = 0;
	struct stmt *st = store_sql(s, "SELECT id FROM bookings WHERE customer_id = $1 ORDER BY id DESC LIMIT 1000");
	stmt_bind_int(st, 1, user);
	while (stmt_step(st) == STORE_ROW && n < 1000)
		ids[n++] = stmt_int(st, 0);
	stmt_done(st);
	jw_key(w, "bookings");
	jw_arr(w);
	for (int i = 0; i < n; i++) {
		st = store_sql(s, "SELECT b.status, b.start_at, b.end_at, o.name, c.name_zh, b.price_fen, b.note,"
				  " coalesce(b.contact_destroyed_at, 0), r.overall, r.comment FROM bookings b"
				  " JOIN orgs o ON o.id = b.company_id JOIN categories c ON c.id = b.category_id"
				  " LEFT JOIN reviews r ON r.booking_id = b.id WHERE b.id = $1");
		stmt_bind_int(st, 1, ids[i]);
		if (stmt_step(st) != STORE_ROW) {
			stmt_done(st);
			continue;
		}
		jw_obj(w);
		jw_kint(w, "id", ids[i]);
		jw_kstr(w, "status", stmt_text(st, 0));
		jw_ktime(w, "start", stmt_int(st, 1));
		jw_ktime(w, "end", stmt_int(st, 2));
		jw_kstr(w, "company", stmt_text(st, 3));
		jw_kstr(w, "service", stmt_text(st, 4));
		jw_kint(w, "price_fen", stmt_int(st, 5));
		jw_kstr(w, "note", stmt_text(st, 6));
		jw_ktime(w, "contact_destroyed_at", stmt_int(st, 7));
		jw_key(w, "review");
		if (stmt_is_null(st, 8)) {
			jw_null(w);
		} else {
			jw_obj(w);
			jw_kint(w, "overall", stmt_int(st, 8));
			jw_kstr(w, "comment", stmt_text(st, 9));
			jw_obj_end(w);
		}
		stmt_done(st);
		struct contact c;
		int opened = booking_contact(s, ids[i], &c) == AJ_OK;
		jw_kstr(w, "address", opened ? c.address : NULL);
		jw_kstr(w, "contact_phone", opened && c.phone[0] ? c.phone : NULL);
		sodium_memzero(&c, sizeof c);
		jw_obj_end(w);
	}
	jw_arr_end(w);
	free(ids);
}

static void customer_complaints_json(struct store *s, int64_t user, struct jw *w)
{
	struct stmt *st = store_sql(s, "SELECT c.id, c.tracking_no, c.status, c.category, c.description, o.name,"
				       " c.created_at, c.finding, c.remedy, c.rating, c.rating_comment,"
				       " (SELECT coalesce(sum(x.amount_fen), 0) FROM claims x WHERE x.complaint_id = c.id),"
				       " (SELECT coalesce(sum(x.paid_fen), 0) FROM claims x WHERE x.complaint_id = c.id)"
				       " FROM complaints c JOIN orgs o ON o.id = c.company_id WHERE c.customer_id = $1"
				       " ORDER BY c.id DESC LIMIT 500");
	stmt_bind_int(st, 1, user);
	jw_key(w, "complaints");
	jw_arr(w);
	while (stmt_step(st) == STORE_ROW) {
		jw_obj(w);
		jw_kint(w, "id", stmt_int(st, 0));
		jw_kstr(w, "tracking_no", stmt_text(st, 1));
		jw_kstr(w, "status", stmt_text(st, 2));
		jw_kstr(w, "category", stmt_text(st, 3));
		jw_kstr(w, "description", stmt_text(st, 4));
		jw_kstr(w, "company", stmt_text(st, 5));
		jw_ktime(w, "created_at", stmt_int(st, 6));
		jw_kstr(w, "finding", stmt_text(st, 7));
		jw_kstr(w, "remedy", stmt_text(st, 8));
		jw_key(w, "rating");
		if (stmt_is_null(st, 9))
			jw_null(w);
		else
			jw_int(w, stmt_int(st, 9));
		jw_kstr(w, "rating_comment", stmt_text(st, 10));
		jw_kint(w, "claimed_fen", stmt_int(st, 11));
		jw_kint(w, "paid_fen", stmt_int(st, 12));
		jw_obj_end(w);
	}
	stmt_done(st);
	jw_arr_end(w);
}

/* What a worker's record holds beyond their own page: employments, conduct, the bookings they
 * served (no household's contact: that is the household's), transfers, consents given. */
static void worker_more_json(struct store *s, int64_t id, struct jw *w, const void *ctx)
{
	(void)ctx;
	jw_key(w, "checks");
	checks_of_worker_json(s, id, w);
	jw_key(w, "training");
	training_of_worker_json(s, id, w);
	jw_key(w, "certificates");
	certs_of_worker_json(s, id, NULL, w);
	jw_key(w, "employments");
	jw_arr(w);
	struct stmt *st = store_sql(s, "SELECT o.name, e.started_on, e.ended_on, e.end_reason FROM employments e"
				       " JOIN orgs o ON o.id = e.company_id WHERE e.worker_id = $1 ORDER BY e.id DESC");
	stmt_bind_int(st, 1, id);
	while (stmt_step(st) == STORE_ROW) {
		jw_obj(w);
		jw_kstr(w, "company", stmt_text(st, 0));
		jw_kstr(w, "started_on", stmt_text(st, 1));
		jw_kstr(w, "ended_on", stmt_text(st, 2));
		jw_kstr(w, "end_reason", stmt_text(st, 3));
		jw_obj_end(w);
	}
	stmt_done(st);
	jw_arr_end(w);
	jw_key(w, "conduct");
	conduct_list_json(s, "worker", id, w);
	jw_key(w, "bookings_served");
	jw_arr(w);
	st = store_sql(s, "SELECT b.id, b.status, b.start_at, b.end_at, o.name, c.name_zh FROM bookings b"
			  " JOIN orgs o ON o.id = b.company_id JOIN categories c ON c.id = b.category_id"
			  " WHERE b.worker_id = $1 ORDER BY b.id DESC LIMIT 1000");
	stmt_bind_int(st, 1, id);
	while (stmt_step(st) == STORE_ROW) {
		jw_obj(w);
		jw_kint(w, "id", stmt_int(st, 0));
		jw_kstr(w, "status", stmt_text(st, 1));
		jw_ktime(w, "start", stmt_int(st, 2));
		jw_ktime(w, "end", stmt_int(st, 3));
		jw_kstr(w, "company", stmt_text(st, 4));
		jw_kstr(w, "service", stmt_text(st, 5));
		jw_obj_end(w);
	}
	stmt_done(st);
	jw_arr_end(w);
	jw_key(w, "record_grants");
	jw_arr(w);
	st = store_sql(s, "SELECT g.booking_id, u.name, g.granted_at, g.expires_at, coalesce(g.withdrawn_at, 0)"
			  " FROM record_grants g JOIN users u ON u.id = g.customer_id WHERE g.worker_id = $1"
			  " ORDER BY g.id DESC LIMIT 500");
	stmt_bind_int(st, 1, id);
	while (stmt_step(st) == STORE_ROW) {
		jw_obj(w);
		jw_kid(w, "booking_id", stmt_int(st, 0));
		jw_kstr(w, "customer", stmt_text(st, 1));
		jw_ktime(w, "granted_at", stmt_int(st, 2));
		jw_ktime(w, "expires_at", stmt_int(st, 3));
		jw_ktime(w, "withdrawn_at", stmt_int(st, 4));
		jw_obj_end(w);
	}
	stmt_done(st);
	jw_arr_end(w);
}

/* What others did in the platform is theirs; what this person did as staff is about them too. */
static void actions_json(struct store *s, int64_t user, struct jw *w)
{
	int64_t n = 0;
	struct stmt *st = store_sql(s, "SELECT count(*) FROM audit_log WHERE actor_id = $1");
	stmt_bind_int(st, 1, user);
	stmt_one_int(st, &n);
	jw_key(w, "actions");
	jw_obj(w);
	jw_kint(w, "count", n);
	jw_key(w, "latest");
	jw_arr(w);
	st = store_sql(s, "SELECT at, action, entity, entity_id FROM audit_log WHERE actor_id = $1 ORDER BY id DESC"
			  " LIMIT 200");
	stmt_bind_int(st, 1, user);
	while (stmt_step(st) == STORE_ROW) {
		jw_obj(w);
		jw_ktime(w, "at", stmt_int(st, 0));
		jw_kstr(w, "action", stmt_text(st, 1));
		jw_kstr(w, "entity", stmt_text(st, 2));
		jw_kid(w, "entity_id", stmt_int(st, 3));
		jw_obj_end(w);
	}
	stmt_done(st);
	jw_arr_end(w);
	jw_obj_end(w);
}

/* Runs on the pool: a person's data can be a few thousand rows, read and opened. */
static void me_data_work(struct req *r, struct store *s)
{
	access_flush(); /* who viewed the person's data, up to this moment */
	int64_t user = r->user.user_id, worker = own_worker(s, user);
	struct stmt *st = store_sql(s, "SELECT u.login, u.name, u.role, o.name, u.status, u.created_at, u.pw_changed_at"
				       " FROM users u LEFT JOIN orgs o ON o.id = u.org_id WHERE u.id = $1");
	stmt_bind_int(st, 1, user);
	int rc = stmt_step(st);
	if (rc != STORE_ROW) {
		stmt_done(st);
		req_fail(r, rc == STORE_DONE ? AJ_ENOTFOUND : rc);
		return;
	}
	char login[65];
	str_copy(login, sizeof login, stmt_text(st, 0));
	struct jw *w = req_jw(r);
	jw_obj(w);
	jw_ktime(w, "generated_at", clock_now());
	jw_key(w, "account");
	jw_obj(w);
	jw_kint(w, "id", user);
	jw_kstr(w, "login", stmt_text(st, 0));
	jw_kstr(w, "name", stmt_text(st, 1));
	jw_kstr(w, "role", stmt_text(st, 2));
	jw_kstr(w, "org", stmt_text(st, 3));
	jw_kstr(w, "status", stmt_text(st, 4));
	jw_ktime(w, "created_at", stmt_int(st, 5));
	jw_ktime(w, "password_changed_at", stmt_int(st, 6));
	jw_obj_end(w);
	stmt_done(st);
	sessions_json(s, user, w);
	notices_json(s, user, w);
	jw_key(w, "data_requests");
	requests_json(s, user, w);
	if (r->user.role == ROLE_CUSTOMER) {
		customer_bookings_json(s, user, w);
		addresses_json(s, user, w);
		service_requests_json(s, user, w);
		customer_complaints_json(s, user, w);
		jw_key(w, "viewed_by");
		access_views_json(s, "customer", user, 1000, w);
	} else if (worker) {
		struct worker_more more = {worker_more_json, NULL};
		jw_key(w, "worker");
		worker_write(s, worker, WV_FULL, clock_now(), &more, w);
		jw_key(w, "viewed_by");
		access_views_json(s, "worker", worker, 1000, w);
	} else {
		actions_json(s, user, w);
	}
	jw_obj_end(w);
	char cd[160], day[11];
	time_format_date(time_today(), day);
	snprintf(cd, sizeof cd, "attachment; filename=\"anjia-data-%s-%s.json\"", login, day);
	req_header_out(r, "Content-Disposition", cd);
	req_send(r, 200);
}

void api_me_data(struct req *r)
{
	req_defer(r, me_data_work, NULL);
}

/* ---- correct ---- */

#define REQUEST_COLUMNS \
	"d.id, d.kind, d.user_id, u.name, d.subject, d.subject_id, d.holder_org_id, o.name, d.field, d.requested_text," \
	" d.created_at, d.due_at, d.status, coalesce(d.answered_at, 0), d.answer, d.breached"
#define REQUEST_FROM " FROM data_requests d JOIN users u ON u.id = d.user_id JOIN orgs o ON o.id = d.holder_org_id"

static void request_row(struct jw *w, struct stmt *st)
{
	jw_obj(w);
	jw_kint(w, "id", stmt_int(st, 0));
	jw_kstr(w, "kind", stmt_text(st, 1));
	jw_kref(w, "person", stmt_int(st, 2), stmt_text(st, 3));
	jw_kstr(w, "subject", stmt_text(st, 4));
	jw_kint(w, "subject_id", stmt_int(st, 5));
	jw_kref(w, "holder", stmt_int(st, 6), stmt_text(st, 7));
	jw_kstr(w, "field", stmt_text(st, 8));
	jw_kstr(w, "requested_text", stmt_text(st, 9));
	jw_ktime(w, "created_at", stmt_int(st, 10));
	jw_ktime(w, "due_at", stmt_int(st, 11));
	jw_kstr(w, "status", stmt_text(st, 12));
	jw_ktime(w, "answered_at", stmt_int(st, 13));
	jw_kstr(w, "answer", stmt_text(st, 14));
	jw_kbool(w, "overdue", strcmp(stmt_text(st, 12), "open") == 0 && stmt_int(st, 11) < clock_now());
	jw_kbool(w, "breached", (int)stmt_int(st, 15));
	jw_obj_end(w);
}

static int request_state(struct store *s, int64_t id, struct strbuf *sb)
{
	struct stmt *st = store_sql(s, "SELECT " REQUEST_COLUMNS REQUEST_FROM " WHERE d.id = $1");
	stmt_bind_int(st, 1, id);
	return audit_row_state(st, request_row, sb);
}

static void requests_json(struct store *s, int64_t user, struct jw *w)
{
	struct stmt *st = store_sql(s, "SELECT " REQUEST_COLUMNS REQUEST_FROM " WHERE d.user_id = $1 ORDER BY d.id DESC"
				       " LIMIT 200");
	stmt_bind_int(st, 1, user);
	jw_arr(w);
	while (stmt_step(st) == STORE_ROW)
		request_row(w, st);
	stmt_done(st);
	jw_arr_end(w);
}

static void reply_request(struct req *r, int64_t id, int status)
{
	struct stmt *st = store_sql(r->store, "SELECT " REQUEST_COLUMNS REQUEST_FROM " WHERE d.id = $1");
	stmt_bind_int(st, 1, id);
	int rc = stmt_step(st);
	if (rc == STORE_ROW)
		request_row(req_jw(r), st);
	stmt_done(st);
	if (rc != STORE_ROW)
		req_fail(r, rc == STORE_DONE ? AJ_ENOTFOUND : rc);
	else
		req_send(r, status);
}

/* A request about one's personal data, opened or answered, for the write's body. */
struct data_request {
	const struct actor *a;
	int64_t id;                        /* made (out), or answered (in) */
	const char *kind, *field, *text;   /* opened: what is asked, of which field */
	const char *subject;               /* "worker" or "customer" */
	int64_t user, subject_id, holder, now, due;
	int done;                          /* answered: carried out, or refused */
	const char *answer;
};

static int open_write(struct store *s, void *arg)
{
	struct data_request *d = arg;
	const char *kind = d->kind;
	struct stmt *st = store_sql(s, "INSERT INTO data_requests (kind, user_id, subject, subject_id, holder_org_id, field,"
				       " requested_text, created_at, due_at, status) VALUES ($1, $2, $3, $4, $5, $6, $7, $8,"
				       " $9, 'open') RETURNING id");
	stmt_bind_text(st, 1, kind);
	stmt_bind_int(st, 2, d->user);
	stmt_bind_text(st, 3, d->subject);
	stmt_bind_int(st, 4, d->subject_id);
	stmt_bind_int(st, 5, d->holder);
	stmt_bind_text(st, 6, d->field);
	stmt_bind_text(st, 7, d->text);
	stmt_bind_int(st, 8, d->now);
	stmt_bind_int(st, 9, d->due);
	int rc;
	d->id = 0;
	if ((rc = stmt_one_int(st, &d->id)) != AJ_OK ||
	    (rc = notify(s, d->holder, 0, "data_request", "data_request", d->id,
			 strcmp(kind, "erasure") == 0 ? "一位服务人员申请删除其个人信息，请在期限内答复。"
						       : "一位用户申请更正其个人信息，请在期限内答复。",
			 strcmp(kind, "erasure") == 0 ? "A worker asks for their personal data to be deleted; answer"
						       " within the deadline."
						     : "Someone asks for their personal data to be corrected; answer within"
						       " the deadline.")) != AJ_OK)
		return rc;
	return audit_append_state(s, d->a, strcmp(kind, "erasure") == 0 ? "data_request.erasure" : "data_request.correction",
				  "data_request", d->id, request_state);
}

/* Opens a request of kind about the caller with whoever holds that part of their record, due in the
 * standard's days, and tells the holder; its own transaction. */
int data_request_open(struct store *s, const struct actor *a, int64_t user, const char *kind, const char *field,
		      const char *text, int64_t *id, struct fault *f)
{
	struct standards sd;
	int rc = standards_get(s, &sd);
	if (rc)
		return rc;
	int64_t worker = own_worker(s, user), company = 0, assoc = association_org(s), open = 0;
	/* a few open at a time: enough for anyone's own record, not a flood of a holder's queue */
	struct stmt *cnt = store_sql(s, "SELECT count(*) FROM data_requests WHERE user_id = $1 AND status = 'open'");
	stmt_bind_int(cnt, 1, user);
	if ((rc = stmt_one_int(cnt, &open)) != AJ_OK)
		return rc;
	if (open >= DATA_REQUESTS_OPEN_MAX) {
		FAULT(f, "too_many_open_requests", NULL);
		return AJ_ELIMIT;
	}
	if (worker) {
		struct stmt *st = store_sql(s, "SELECT coalesce(company_id, 0) FROM workers WHERE id = $1");
		stmt_bind_int(st, 1, worker);
		stmt_one_int(st, &company);
	}
	/* the registry's facts (who a person is) are the association's; the rest is the employer's */
	int registry = strcmp(kind, "erasure") == 0 || strcmp(field, "name") == 0 || strcmp(field, "id_number") == 0 ||
		       strcmp(field, "certificates") == 0 || strcmp(field, "account") == 0;
	int64_t holder = worker && company && !registry ? company : assoc;
	if (!holder) {
		FAULT(f, "not_found", NULL);
		return AJ_ENOTFOUND;
	}
	int64_t now = clock_now();
	struct data_request d = {.a = a, .kind = kind, .field = field, .text = text, .user = user,
				 .subject = worker ? "worker" : "customer", .subject_id = worker ? worker : user,
				 .holder = holder, .now = now, .due = now + (int64_t)sd.data_request_days * 86400};
	rc = store_write(s, open_write, &d);
	*id = d.id;
	return rc;
}

void api_me_data_requests_create(struct req *r)
{
	if (r->user.role != ROLE_CUSTOMER && r->user.role != ROLE_WORKER) {
		/* staff accounts are their organisation's to correct */
		req_error(r, 403, "account_managed", NULL);
		return;
	}
	struct actor a = req_actor(r);
	struct fault f = {0};
	int64_t id;
	int rc = data_request_open(r->store, &a, r->user.user_id, "correction", req_str(r, "field"),
				   req_str(r, "requested_text"), &id, &f);
	if (rc)
		req_fault(r, rc, &f);
	else
		reply_request(r, id, 201);
}

void api_me_data_requests_list(struct req *r)
{
	struct page pg = req_page(r);
	int64_t total = 0;
	struct stmt *st = store_sql(r->store, "SELECT count(*) FROM data_requests WHERE user_id = $1");
	stmt_bind_int(st, 1, r->user.user_id);
	int rc = stmt_one_int(st, &total);
	if (rc) {
		req_fail(r, rc);
		return;
	}
	st = store_sql(r->store, "SELECT " REQUEST_COLUMNS REQUEST_FROM " WHERE d.user_id = $1 ORDER BY d.id DESC"
				 " LIMIT $2 OFFSET $3");
	stmt_bind_int(st, 1, r->user.user_id);
	stmt_bind_int(st, 2, pg.per_page);
	stmt_bind_int(st, 3, pg.offset);
	rows_reply_list(r, st, request_row, &pg, total);
}

/* The holder whose queue the caller reads: their company, or everyone's for the association. */
static int holder_scope(struct req *r, int64_t *scope)
{
	switch (r->user.role) {
	case ROLE_ASSOCIATION_ADMIN:
		*scope = 0;
		return 0;
	case ROLE_COMPANY_ADMIN:
	case ROLE_COMPANY_STAFF:
		*scope = r->user.org_id;
		return 0;
	default:
		req_error(r, 403, "forbidden", NULL);
		return -1;
	}
}

void api_data_requests_list(struct req *r)
{
	struct page pg = req_page(r);
	int64_t scope, total = 0;
	if (holder_scope(r, &scope))
		return;
	const char *status = req_qstr(r, "status"), *kind = req_qstr(r, "kind");
	struct stmt *st = store_sql(r->store, "SELECT count(*) FROM data_requests d WHERE ($1 = 0 OR d.holder_org_id = $1)"
					      " AND ($2 = '' OR d.status = $2) AND ($3 = '' OR d.kind = $3)");
	stmt_bind_int(st, 1, scope);
	stmt_bind_text(st, 2, status ? status : "");
	stmt_bind_text(st, 3, kind ? kind : "");
	int rc = stmt_one_int(st, &total);
	if (rc) {
		req_fail(r, rc);
		return;
	}
	/* open ones first, the nearest deadline first */
	st = store_sql(r->store, "SELECT " REQUEST_COLUMNS REQUEST_FROM " WHERE ($1 = 0 OR d.holder_org_id = $1)"
				 " AND ($2 = '' OR d.status = $2) AND ($3 = '' OR d.kind = $3)"
				 " ORDER BY CASE WHEN d.status = 'open' THEN 0 ELSE 1 END, CASE WHEN d.status = 'open'"
				 " THEN d.due_at ELSE -d.id END LIMIT $4 OFFSET $5");
	stmt_bind_int(st, 1, scope);
	stmt_bind_text(st, 2, status ? status : "");
	stmt_bind_text(st, 3, kind ? kind : "");
	stmt_bind_int(st, 4, pg.per_page);
	stmt_bind_int(st, 5, pg.offset);
	rows_reply_list(r, st, request_row, &pg, total);
}

static int erase_worker(struct store *s, const struct actor *a, int64_t worker, int64_t user);

static int answer_write(struct store *s, void *arg)
{
	struct data_request *d = arg;
	const struct actor *a = d->a;
	int64_t id = d->id, person = d->user;
	int done = d->done;
	struct stmt *st = store_sql(s, "UPDATE data_requests SET status = $2, answer = $3, answered_at = $4,"
				       " answered_by = $5 WHERE id = $1 AND status = 'open'");
	stmt_bind_int(st, 1, id);
	stmt_bind_text(st, 2, done ? "done" : "refused");
	stmt_bind_text(st, 3, d->answer);
	stmt_bind_int(st, 4, clock_now());
	stmt_bind_id(st, 5, a->user_id);
	int rc = stmt_exec(st);
	/* an erasure the association grants is carried out in the same transaction */
	if (rc == AJ_OK && done && strcmp(d->kind, "erasure") == 0)
		rc = erase_worker(s, a, d->subject_id, person);
	if (rc == AJ_OK)
		rc = notify(s, 0, person, "data_request_answered", "data_request", id,
			    done ? "您的个人信息申请已处理完毕，可在“我的数据”中查看答复。"
				 : "您的个人信息申请未获同意，原因见“我的数据”中的答复。",
			    done ? "Your request about your personal data was carried out; the answer is under My data."
				 : "Your request about your personal data was refused; the reason is under My data.");
	if (rc)
		return rc;
	return audit_append_state(s, a, "data_request.answer", "data_request", id, request_state);
}

int data_request_answer(struct store *s, const struct actor *a, int64_t id, int64_t scope, int done,
			const char *answer, struct fault *f)
{
	int64_t holder = 0, person = 0, subject_id = 0;
	char kind[16] = "", status[16] = "";
	struct stmt *st = store_sql(s, "SELECT holder_org_id, kind, status, user_id, subject_id FROM data_requests"
				       " WHERE id = $1");
	stmt_bind_int(st, 1, id);
	int rc = stmt_step(st);
	if (rc == STORE_ROW) {
		holder = stmt_int(st, 0);
		str_copy(kind, sizeof kind, stmt_text(st, 1));
		str_copy(status, sizeof status, stmt_text(st, 2));
		person = stmt_int(st, 3);
		subject_id = stmt_int(st, 4);
	}
	stmt_done(st);
	if (rc != STORE_ROW || (scope && holder != scope))
		return rc < 0 ? rc : AJ_ENOTFOUND;
	if (strcmp(status, "open") != 0) {
		FAULT(f, "invalid_transition", "status");
		return AJ_ECONFLICT;
	}
	struct data_request d = {.a = a, .id = id, .kind = kind, .user = person, .subject_id = subject_id, .done = done,
				 .answer = answer};
	return store_write(s, answer_write, &d);
}

void api_data_requests_answer(struct req *r)
{
	int64_t scope;
	if (holder_scope(r, &scope))
		return;
	struct actor a = req_actor(r);
	struct fault f = {0};
	int rc = data_request_answer(r->store, &a, r->id[0], scope, strcmp(req_str(r, "status"), "done") == 0,
				     req_str(r, "answer"), &f);
	if (rc)
		req_fault(r, rc, &f);
	else
		reply_request(r, r->id[0], 200);
}

/* ---- close the account ---- */

/* Replaces an account's identity by a pseudonym; the password opens nothing; sessions end and
 * their addresses go. Inside the caller's write. */
static int pseudonymise(struct store *s, const struct actor *a, int64_t user)
{
	char login[64], name[64];
	unsigned char raw[4];
	randombytes_buf(raw, sizeof raw);
	char tag[9];
	sodium_bin2hex(tag, sizeof tag, raw, sizeof raw);
	snprintf(login, sizeof login, "erased-%lld-%s", (long long)user, tag);
	snprintf(name, sizeof name, "已注销用户 %s", tag);
	int64_t now = clock_now();
	int ended = 0;
	struct stmt *st = store_sql(s, "UPDATE users SET login = $2, name = $3, pw_hash = '!', status = 'disabled',"
				       " erased_at = $4, updated_at = $4 WHERE id = $1");
	stmt_bind_int(st, 1, user);
	stmt_bind_text(st, 2, login);
	stmt_bind_text(st, 3, name);
	stmt_bind_int(st, 4, now);
	int rc = stmt_exec(st);
	if (rc || (rc = session_end_all(s, a, user, 0, &ended)) != AJ_OK)
		return rc;
	st = store_sql(s, "UPDATE sessions SET peer = '', user_agent = '' WHERE user_id = $1");
	stmt_bind_int(st, 1, user);
	if ((rc = stmt_exec(st)) != AJ_OK)
		return rc;
	st = store_sql(s, "DELETE FROM outbox WHERE user_id = $1");
	stmt_bind_int(st, 1, user);
	if ((rc = stmt_exec(st)) != AJ_OK)
		return rc;
	st = store_sql(s, "UPDATE onetime_codes SET expires_at = $2 WHERE user_id = $1 AND expires_at > $2");
	stmt_bind_int(st, 1, user);
	stmt_bind_int(st, 2, now);
	return stmt_exec(st);
}

/* A customer's erasure: what they wrote and where they live goes; the bookings, reviews' scores,
 * complaints, claims and the audit chain stay, under the pseudonym. */
static int erase_customer(struct store *s, const struct actor *a, int64_t user)
{
	int64_t now = clock_now();
	int rc = pseudonymise(s, a, user);
	struct stmt *st;
	if (rc)
		return rc;
	st = store_sql(s, "UPDATE bookings SET address_sealed = '', contact_phone_sealed = NULL, contact_phone_hash = NULL,"
			  " address_hash = NULL, service_code_sealed = NULL, note = NULL, contact_destroyed_at = coalesce(contact_destroyed_at, $2) WHERE customer_id = $1");
	stmt_bind_int(st, 1, user);
	stmt_bind_int(st, 2, now);
	if ((rc = stmt_exec(st)) != AJ_OK)
		return rc;
	st = store_sql(s, "UPDATE reviews SET comment = NULL WHERE customer_id = $1");
	stmt_bind_int(st, 1, user);
	if ((rc = stmt_exec(st)) != AJ_OK)
		return rc;
	st = store_sql(s, "UPDATE complaints SET description = $2, contact_name = NULL, contact_phone_sealed = NULL,"
			  " contact_phone_hash = NULL, filed_from_hash = NULL, rating_comment = NULL,"
			  " contact_destroyed_at = coalesce(contact_destroyed_at, $3)"
			  " WHERE customer_id = $1");
	stmt_bind_int(st, 1, user);
	stmt_bind_text(st, 2, erased_text);
	stmt_bind_int(st, 3, now);
	if ((rc = stmt_exec(st)) != AJ_OK)
		return rc;
	if ((rc = timeline_erase_notes(s, user, erased_text)) != AJ_OK)
		return rc;
	st = store_sql(s, "UPDATE claims SET description = $2, evidence = '[]',"
			  " dispute_reason = CASE WHEN dispute_reason IS NULL THEN NULL ELSE $2 END,"
			  " receipt_dispute_reason = CASE WHEN receipt_dispute_reason IS NULL THEN NULL ELSE $2 END"
			  " WHERE complaint_id IN (SELECT id FROM complaints WHERE customer_id = $1)");
	stmt_bind_int(st, 1, user);
	stmt_bind_text(st, 2, erased_text);
	if ((rc = stmt_exec(st)) != AJ_OK)
		return rc;
	st = store_sql(s, "UPDATE data_requests SET requested_text = $2 WHERE user_id = $1");
	stmt_bind_int(st, 1, user);
	stmt_bind_text(st, 2, erased_text);
	if ((rc = stmt_exec(st)) != AJ_OK)
		return rc;
	st = store_sql(s, "UPDATE service_requests SET needs = $2, answer = NULL, contact_phone_sealed = NULL,"
			  " status = CASE WHEN status = 'open' THEN 'withdrawn' ELSE status END WHERE customer_id = $1");
	stmt_bind_int(st, 1, user);
	stmt_bind_text(st, 2, erased_text);
	if ((rc = stmt_exec(st)) != AJ_OK)
		return rc;
	int64_t saved = 0;
	return addresses_erase(s, user, &saved);
}

/* A worker's erasure, granted by the association: the account, the phone, the photo and the worker's
 * own consents go; the registry keeps the person (so a revocation cannot be escaped), the
 * certificates issued and the training results. */
static int erase_worker(struct store *s, const struct actor *a, int64_t worker, int64_t user)
{
	char today[11];
	time_format_date(time_today(), today);
	int rc = pseudonymise(s, a, user);
	if (rc)
		return rc;
	struct stmt *st = store_sql(s, "UPDATE workers SET phone_sealed = '', photo_ref = NULL, user_id = NULL,"
				       " updated_at = $2 WHERE id = $1");
	stmt_bind_int(st, 1, worker);
	stmt_bind_int(st, 2, clock_now());
	if ((rc = stmt_exec(st)) != AJ_OK)
		return rc;
	st = store_sql(s, "UPDATE record_grants SET withdrawn_at = $2 WHERE worker_id = $1 AND withdrawn_at IS NULL");
	stmt_bind_int(st, 1, worker);
	stmt_bind_int(st, 2, clock_now());
	if ((rc = stmt_exec(st)) != AJ_OK)
		return rc;
	st = store_sql(s, "UPDATE worker_transfers SET status = 'cancelled', phone_sealed = '', decided_at = $2,"
			  " decided_how = 'association' WHERE worker_id = $1 AND status = 'pending'");
	stmt_bind_int(st, 1, worker);
	stmt_bind_int(st, 2, clock_now());
	if ((rc = stmt_exec(st)) != AJ_OK)
		return rc;
	st = store_sql(s, "UPDATE employments SET ended_on = $2, end_reason = 'left' WHERE worker_id = $1"
			  " AND ended_on IS NULL");
	stmt_bind_int(st, 1, worker);
	stmt_bind_text(st, 2, today);
	if ((rc = stmt_exec(st)) != AJ_OK)
		return rc;
	st = store_sql(s, "UPDATE workers SET company_id = NULL, employed_since = NULL WHERE id = $1");
	stmt_bind_int(st, 1, worker);
	if ((rc = stmt_exec(st)) != AJ_OK)
		return rc;
	return audit_append_state(s, a, "worker.erase", "worker", worker, worker_state);
}

/* What keeps a customer's account open: a booking still live, a complaint still handled, a claim
 * not yet paid or a decision still open to their answer — the customer's own business, which
 * erasure would cut off mid-way. */
static int open_matters(struct store *s, int64_t user, int64_t *bookings, int64_t *complaints)
{
	struct stmt *st = store_sql(s, "SELECT count(*) FROM bookings WHERE customer_id = $1"
				       " AND status IN ('requested', 'confirmed', 'checked_in')");
	stmt_bind_int(st, 1, user);
	int rc = stmt_one_int(st, bookings);
	if (rc)
		return rc;
	st = store_sql(s, "SELECT count(*) FROM complaints c WHERE c.customer_id = $1 AND (c.status IN ('received',"
			  " 'in_progress', 'waiting_customer') OR EXISTS (SELECT 1 FROM claims x WHERE x.complaint_id = c.id"
			  " AND (x.status IN ('claimed', 'approved') OR x.final_at IS NULL)))");
	stmt_bind_int(st, 1, user);
	return stmt_one_int(st, complaints);
}

/* A customer's account closed, for the write's body: what keeps it open, when something does. */
struct closing {
	const struct actor *a;
	int64_t user;
	int64_t bookings, complaints;
};

static int close_write(struct store *s, void *arg)
{
	struct closing *c = arg;
	c->bookings = c->complaints = 0;
	int rc = open_matters(s, c->user, &c->bookings, &c->complaints);
	if (rc)
		return rc;
	if (c->bookings || c->complaints)
		return AJ_ECONFLICT;
	if ((rc = erase_customer(s, c->a, c->user)) != AJ_OK)
		return rc;
	struct strbuf sb;
	strbuf_init(&sb, 128);
	strbuf_addf(&sb, "{\"user_id\":%lld,\"erased\":true}", (long long)c->user);
	rc = audit_append(s, c->a, "user.erase", "user", c->user, sb.buf, sb.len);
	strbuf_free(&sb);
	return rc;
}

/* Runs on the pool: the password, then the erasure (a customer) or the request (a worker). */
static void close_account_work(struct req *r, struct store *s)
{
	int64_t user = r->user.user_id;
	struct stmt *st;
	int rc;
	if (account_reentry_check(r, s, req_str(r, "password"), "password"))
		return;
	struct actor a = req_actor(r);
	if (r->user.role == ROLE_WORKER) {
		struct fault f = {0};
		int64_t id = 0, open = 0;
		st = store_sql(s, "SELECT count(*) FROM data_requests WHERE user_id = $1 AND kind = 'erasure' AND status = 'open'");
		stmt_bind_int(st, 1, user);
		stmt_one_int(st, &open);
		if (open) {
			req_error(r, 409, "erasure_pending", NULL);
			return;
		}
		if ((rc = data_request_open(s, &a, user, "erasure", "account", "服务人员本人申请注销账号并删除个人信息。", &id,
					    &f)) != AJ_OK) {
			req_fault(r, rc, &f);
			return;
		}
		reply_request(r, id, 202);
		return;
	}
	struct closing c = {.a = &a, .user = user};
	if ((rc = store_write(s, close_write, &c)) == AJ_ECONFLICT && (c.bookings || c.complaints)) {
		struct jw *w = req_error_open(r, 409, "open_matters", NULL, NULL);
		jw_kint(w, "live_bookings", c.bookings);
		jw_kint(w, "open_complaints", c.complaints);
		req_error_close(r);
		return;
	}
	if (rc) {
		req_fail(r, rc);
		return;
	}
	/* what was erased leaves the write-ahead log's page images as well (secure_delete does the rest) */
	store_checkpoint(s);
	req_header_out(r, "Set-Cookie", r->secure ? SESSION_COOKIE_SECURE "=; Path=/; HttpOnly; SameSite=Strict;"
							     " Max-Age=0; Secure"
						   : SESSION_COOKIE "=; Path=/; HttpOnly; SameSite=Strict; Max-Age=0");
	struct jw *w = req_jw(r);
	jw_obj(w);
	jw_kbool(w, "erased", 1);
	jw_obj_end(w);
	req_send(r, 200);
}

void api_me_close(struct req *r)
{
	if (r->user.role != ROLE_CUSTOMER && r->user.role != ROLE_WORKER) {
		req_error(r, 403, "account_managed", NULL);
		return;
	}
	if (account_reentry_admit(r))
		return;
	account_reentry_defer(r, close_account_work);
}
