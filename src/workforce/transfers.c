/* transfers.c — requests to move a worker, the worker's answer, and the code a worker hands over. */
#include "transfers.h"

#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "auth/audit.h"
#include "auth/keys.h"
#include "auth/onetime.h"
#include "http/req.h"
#include "http/schema.h"
#include "notify.h"
#include "privacy/sealed.h"
#include "rows.h"
#include "store/store.h"
#include "util/clock.h"
#include "util/strbuf.h"
#include "workforce/trades.h"
#include "workforce/worker_access.h"
#include "workforce/worker_json.h"

SCHEMA(transfer_decide_body, S_STR("note", F_NULL, 0, 200));
static const char *const transfer_statuses[] = {"pending", "accepted", "declined", "cancelled", "expired", NULL};
SCHEMA(transfers_query, S_ENUM("status", 0, transfer_statuses), S_INT("page", 0, 1, 1000000),
       S_INT("per_page", 0, 1, 100));

int transfer_request(struct store *s, int64_t id, int64_t from, int64_t to_company, int64_t requested_by,
		     const struct worker_details *d, int64_t *transfer_id, struct fault *f)
{
	int64_t now = clock_now();
	struct strbuf csv;
	strbuf_init(&csv, 256);
	for (int i = 0; i < d->n_trades; i++) {
		if (i)
			strbuf_addc(&csv, ',');
		strbuf_adds(&csv, trades[d->trades[i]].code);
	}
	struct stmt *st = store_sql(s, "INSERT INTO worker_transfers (worker_id, from_company_id, to_company_id,"
				       " requested_by, requested_at, expires_at, phone_sealed, level, trades, photo_ref,"
				       " experience_since, status) VALUES ($1, $2, $3, $4, $5, $6, '', $7, $8, $9, $10,"
				       " 'pending') RETURNING id");
	stmt_bind_int(st, 1, id);
	stmt_bind_id(st, 2, from);
	stmt_bind_int(st, 3, to_company);
	stmt_bind_id(st, 4, requested_by);
	stmt_bind_int(st, 5, now);
	stmt_bind_int(st, 6, now + TRANSFER_VALID_SECS);
	stmt_bind_text(st, 7, d->level);
	stmt_bind_text(st, 8, strbuf_str(&csv));
	stmt_bind_text(st, 9, d->photo_ref);
	stmt_bind_text(st, 10, d->experience_since);
	int rc = stmt_one_int(st, transfer_id);
	strbuf_free(&csv);
	if (rc) {
		if (rc == AJ_ECONFLICT)
			FAULT(f, "transfer_pending", "id_number");
		return rc;
	}
	char *sealed = keys_seal_for(SEALED_TRANSFER_PHONE, *transfer_id, d->phone);
	st = store_sql(s, "UPDATE worker_transfers SET phone_sealed = $2 WHERE id = $1");
	stmt_bind_int(st, 1, *transfer_id);
	stmt_bind_text(st, 2, sealed);
	rc = stmt_exec(st);
	free(sealed);
	if (rc)
		return rc;
	/* the worker hears of it in their account */
	int64_t user = 0;
	char company[160] = "";
	st = store_sql(s, "SELECT coalesce(w.user_id, 0), o.name FROM workers w JOIN orgs o ON o.id = $2 WHERE w.id = $1");
	stmt_bind_int(st, 1, id);
	stmt_bind_int(st, 2, to_company);
	if ((rc = stmt_step(st)) == STORE_ROW) {
		user = stmt_int(st, 0);
		str_copy(company, sizeof company, stmt_text(st, 1));
	}
	stmt_done(st);
	if (rc < 0)
		return rc;
	if (!user)
		return AJ_OK;
	char zh[320], en[320];
	snprintf(zh, sizeof zh, "%s申请将您登记为其服务人员。请在“我的档案”中确认或拒绝；未经您本人确认，不会转入。", company);
	snprintf(en, sizeof en, "%s asks to register you as its worker. Confirm or decline it under My record;"
		 " nothing changes without your confirmation.", company);
	return notify(s, 0, user, "transfer_requested", "transfer", *transfer_id, zh, en);
}

/* ---- showing ---- */

#define TRANSFER_COLUMNS \
	"t.id, t.status, t.expires_at, t.worker_id, w.name, t.from_company_id, fo.name, t.to_company_id, tco.name," \
	" t.requested_at, coalesce(t.decided_at, 0), t.decided_how, t.level, t.trades"
#define TRANSFER_FROM \
	" FROM worker_transfers t JOIN workers w ON w.id = t.worker_id LEFT JOIN orgs fo ON fo.id = t.from_company_id" \
	" JOIN orgs tco ON tco.id = t.to_company_id"

/* Who looks: the worker themself and the association see where the worker is now; the company that
 * asked sees only its own request (where the person works is theirs to say). */
enum { TV_COMPANY = 0, TV_FULL = 1 };

static void transfer_row(struct jw *w, struct stmt *st, int view)
{
	const char *status = stmt_text(st, 1);
	int expired = strcmp(status, "pending") == 0 && stmt_int(st, 2) <= clock_now();
	char masked[96];
	worker_mask_name(stmt_text(st, 4), masked, sizeof masked);
	jw_obj(w);
	jw_kint(w, "id", stmt_int(st, 0));
	jw_kstr(w, "status", expired ? "expired" : status);
	jw_key(w, "worker");
	jw_obj(w);
	jw_kint(w, "id", stmt_int(st, 3));
	jw_kstr(w, "masked_name", masked);
	if (view == TV_FULL)
		jw_kstr(w, "name", stmt_text(st, 4));
	jw_obj_end(w);
	if (view == TV_FULL)
		jw_kref(w, "from_company", stmt_int(st, 5), stmt_text(st, 6));
	jw_kref(w, "to_company", stmt_int(st, 7), stmt_text(st, 8));
	jw_kstr(w, "level", stmt_text(st, 12));
	jw_key(w, "trades");
	jw_arr(w);
	const char *p = stmt_text(st, 13);
	while (p && *p) {
		const char *comma = strchr(p, ',');
		size_t n = comma ? (size_t)(comma - p) : strlen(p);
		jw_strn(w, p, n);
		p = comma ? comma + 1 : NULL;
	}
	jw_arr_end(w);
	jw_ktime(w, "requested_at", stmt_int(st, 9));
	jw_ktime(w, "expires_at", stmt_int(st, 2));
	jw_ktime(w, "decided_at", stmt_int(st, 10));
	jw_kstr(w, "decided_how", stmt_text(st, 11));
	jw_obj_end(w);
}

static void transfer_row_full(struct jw *w, struct stmt *st)
{
	transfer_row(w, st, TV_FULL);
}

static void transfer_row_company(struct jw *w, struct stmt *st)
{
	transfer_row(w, st, TV_COMPANY);
}

int transfer_state(struct store *s, int64_t id, struct strbuf *sb)
{
	struct stmt *st = store_sql(s, "SELECT " TRANSFER_COLUMNS TRANSFER_FROM " WHERE t.id = $1");
	stmt_bind_int(st, 1, id);
	return audit_row_state(st, transfer_row_full, sb);
}

/* The caller's part: the worker whose move it is, the company that asked, the association. */
static int64_t own_worker(struct req *r)
{
	int64_t id = 0;
	struct stmt *st = store_sql(r->store, "SELECT id FROM workers WHERE user_id = $1");
	stmt_bind_int(st, 1, r->user.user_id);
	stmt_one_int(st, &id);
	return id;
}

void api_transfers_list(struct req *r)
{
	struct page pg = req_page(r);
	int64_t worker = 0, company = 0;
	switch (r->user.role) {
	case ROLE_WORKER:
		if (!(worker = own_worker(r)))
			worker = -1;
		break;
	case ROLE_COMPANY_ADMIN:
	case ROLE_COMPANY_STAFF:
		company = r->user.org_id;
		break;
	case ROLE_ASSOCIATION_ADMIN:
		break;
	default:
		req_error(r, 403, "forbidden", NULL);
		return;
	}
	const char *status = req_qstr(r, "status");
	int expired = status && strcmp(status, "expired") == 0;
	int pending = status && strcmp(status, "pending") == 0;
	/* pending and expired are one stored status told apart by the clock */
	const char *stored = expired ? "pending" : status ? status : "";
	int64_t now = clock_now(), total = 0;
	struct stmt *st = store_sql(r->store, "SELECT count(*) FROM worker_transfers t WHERE ($1 = 0 OR t.worker_id = $1)"
					      " AND ($2 = 0 OR t.to_company_id = $2) AND ($3 = '' OR t.status = $3)"
					      " AND ($4 = 0 OR t.expires_at <= $6) AND ($5 = 0 OR t.expires_at > $6)");
	stmt_bind_int(st, 1, worker);
	stmt_bind_int(st, 2, company);
	stmt_bind_text(st, 3, stored);
	stmt_bind_int(st, 4, expired);
	stmt_bind_int(st, 5, pending);
	stmt_bind_int(st, 6, now);
	int rc = stmt_one_int(st, &total);
	if (rc) {
		req_fail(r, rc);
		return;
	}
	st = store_sql(r->store, "SELECT " TRANSFER_COLUMNS TRANSFER_FROM " WHERE ($1 = 0 OR t.worker_id = $1)"
				 " AND ($2 = 0 OR t.to_company_id = $2) AND ($3 = '' OR t.status = $3)"
				 " AND ($4 = 0 OR t.expires_at <= $6) AND ($5 = 0 OR t.expires_at > $6)"
				 " ORDER BY t.id DESC LIMIT $7 OFFSET $8");
	stmt_bind_int(st, 1, worker);
	stmt_bind_int(st, 2, company);
	stmt_bind_text(st, 3, stored);
	stmt_bind_int(st, 4, expired);
	stmt_bind_int(st, 5, pending);
	stmt_bind_int(st, 6, now);
	stmt_bind_int(st, 7, pg.per_page);
	stmt_bind_int(st, 8, pg.offset);
	rows_reply_list(r, st, company ? transfer_row_company : transfer_row_full, &pg, total);
}

/* What a decision needs of the request. */
struct transfer {
	int64_t id, worker_id, to_company, expires;
	char status[16];
	char level[32], trades[200], photo_ref[256], experience_since[16], phone[32];
	int has_photo, has_since;
};

static int load(struct store *s, int64_t id, struct transfer *t)
{
	struct stmt *st = store_sql(s, "SELECT worker_id, to_company_id, expires_at, status, level, trades, photo_ref,"
				       " experience_since, phone_sealed FROM worker_transfers WHERE id = $1");
	stmt_bind_int(st, 1, id);
	int rc = stmt_step(st);
	memset(t, 0, sizeof *t);
	if (rc == STORE_ROW) {
		t->id = id;
		t->worker_id = stmt_int(st, 0);
		t->to_company = stmt_int(st, 1);
		t->expires = stmt_int(st, 2);
		str_copy(t->status, sizeof t->status, stmt_text(st, 3));
		str_copy(t->level, sizeof t->level, stmt_text(st, 4));
		str_copy(t->trades, sizeof t->trades, stmt_text(st, 5));
		t->has_photo = !stmt_is_null(st, 6);
		str_copy(t->photo_ref, sizeof t->photo_ref, stmt_text(st, 6) ? stmt_text(st, 6) : "");
		t->has_since = !stmt_is_null(st, 7);
		str_copy(t->experience_since, sizeof t->experience_since, stmt_text(st, 7) ? stmt_text(st, 7) : "");
		if (keys_unseal_for(SEALED_TRANSFER_PHONE, id, stmt_text(st, 8), t->phone, sizeof t->phone) != 0)
			t->phone[0] = '\0';
	}
	stmt_done(st);
	return rc == STORE_ROW ? AJ_OK : rc == STORE_DONE ? AJ_ENOTFOUND : rc;
}

static int finish(struct store *s, const struct actor *a, int64_t id, const char *status, const char *how,
		  const char *note)
{
	/* the registration's phone has been used or is no longer needed: it goes */
	struct stmt *st = store_sql(s, "UPDATE worker_transfers SET status = $2, decided_at = $3, decided_by = $4,"
				       " decided_how = $5, decision_note = $6, phone_sealed = '' WHERE id = $1"
				       " AND status = 'pending'");
	stmt_bind_int(st, 1, id);
	stmt_bind_text(st, 2, status);
	stmt_bind_int(st, 3, clock_now());
	stmt_bind_id(st, 4, a->user_id);
	stmt_bind_text(st, 5, how);
	stmt_bind_text(st, 6, note);
	int rc = stmt_exec(st);
	if (rc == AJ_OK && store_changes(s) != 1)
		rc = AJ_ECONFLICT;
	return rc;
}

/* A decision on a transfer, for the write's body (store_write may run it more than once). */
struct deciding {
	const struct actor *a;
	const struct transfer *t;
	const char *status, *action; /* a request closed unmet: its new status, its audit action */
	const char *how, *note;
	struct fault *f;
};

/* Accepts the transfer: the move, the request closed, both audited. */
static int accept_write(struct store *s, void *arg)
{
	const struct deciding *dc = arg;
	const struct transfer *t = dc->t;
	const struct actor *a = dc->a;
	struct fault *f = dc->f;
	*f = (struct fault){0};
	int ids[TRADE_COUNT], n = 0;
	for (const char *p = t->trades; *p && n < TRADE_COUNT;) {
		char code[32];
		const char *comma = strchr(p, ',');
		size_t len = comma ? (size_t)(comma - p) : strlen(p);
		snprintf(code, sizeof code, "%.*s", (int)len, p);
		int k = trade_index(code);
		if (k >= 0)
			ids[n++] = k;
		p = comma ? comma + 1 : p + len;
	}
	struct worker_details d = {t->phone, t->level, t->has_photo ? t->photo_ref : NULL,
				   t->has_since ? t->experience_since : NULL, ids, n};
	int rc = finish(s, a, t->id, "accepted", dc->how, dc->note);
	if (rc) {
		FAULT(f, "invalid_transition", "status");
		return rc;
	}
	if ((rc = employment_move(s, t->worker_id, t->to_company, &d, NULL)) != AJ_OK) {
		if (rc == AJ_ENOTFOUND || rc == AJ_ECONFLICT) {
			/* revoked meanwhile, or already there */
			FAULT(f, "transfer_not_possible", NULL);
			return AJ_ECONFLICT;
		}
		return rc;
	}
	if ((rc = audit_append_state(s, a, "transfer.accept", "transfer", t->id, transfer_state)) != AJ_OK)
		return rc;
	return audit_append_state(s, a, "worker.move", "worker", t->worker_id, worker_state);
}

/* Closes the request unmet (declined, cancelled), audited. */
static int close_write(struct store *s, void *arg)
{
	const struct deciding *dc = arg;
	int rc = finish(s, dc->a, dc->t->id, dc->status, dc->how, dc->note);
	return rc ? rc : audit_append_state(s, dc->a, dc->action, "transfer", dc->t->id, transfer_state);
}

int transfer_decide(struct store *s, const struct actor *a, int64_t id, int yes, const char *how, const char *note,
		    struct fault *f)
{
	struct transfer t;
	int rc = load(s, id, &t);
	if (rc == AJ_OK && strcmp(t.status, "pending") != 0) {
		FAULT(f, "invalid_transition", "status");
		rc = AJ_ECONFLICT;
	} else if (rc == AJ_OK && t.expires <= clock_now()) {
		FAULT(f, "transfer_expired", NULL);
		rc = AJ_ECONFLICT;
	} else if (rc == AJ_OK) {
		struct deciding dc = {a, &t, "declined", "transfer.decline", how, note, f};
		rc = store_write(s, yes ? accept_write : close_write, &dc);
	}
	sodium_memzero(t.phone, sizeof t.phone);
	return rc;
}

void transfer_reply(struct req *r, int64_t id, int status)
{
	struct stmt *st = store_sql(r->store, "SELECT " TRANSFER_COLUMNS TRANSFER_FROM " WHERE t.id = $1");
	stmt_bind_int(st, 1, id);
	int rc = stmt_step(st);
	if (rc == STORE_ROW) {
		int company = r->user.role == ROLE_COMPANY_ADMIN || r->user.role == ROLE_COMPANY_STAFF;
		transfer_row(req_jw(r), st, company ? TV_COMPANY : TV_FULL);
	}
	stmt_done(st);
	if (rc != STORE_ROW)
		req_fail(r, rc == STORE_DONE ? AJ_ENOTFOUND : rc);
	else
		req_send(r, status);
}

/* Decides the transfer in the path when the caller may: the worker themself, or the association
 * for someone who came to its counter (the note says how they confirmed). */
static void decide(struct req *r, int yes)
{
	struct transfer t;
	int rc = load(r->store, r->id[0], &t);
	sodium_memzero(t.phone, sizeof t.phone);
	if (rc == AJ_OK && r->user.role == ROLE_WORKER && own_worker(r) != t.worker_id)
		rc = AJ_ENOTFOUND;
	if (rc) {
		req_fail(r, rc);
		return;
	}
	if (r->user.role != ROLE_WORKER && r->user.role != ROLE_ASSOCIATION_ADMIN) {
		req_error(r, 403, "forbidden", NULL);
		return;
	}
	if (r->user.role == ROLE_ASSOCIATION_ADMIN && req_blank(r, "note")) {
		req_error(r, 400, "missing_field", "note");
		return;
	}
	struct actor a = req_actor(r);
	struct fault f = {0};
	rc = transfer_decide(r->store, &a, t.id, yes, r->user.role == ROLE_WORKER ? "worker" : "association",
			     req_str(r, "note"), &f);
	if (rc)
		req_fault(r, rc, &f);
	else
		transfer_reply(r, t.id, 200);
}

void api_transfers_accept(struct req *r)
{
	decide(r, 1);
}

void api_transfers_decline(struct req *r)
{
	decide(r, 0);
}

void api_transfers_cancel(struct req *r)
{
	struct transfer t;
	int rc = load(r->store, r->id[0], &t);
	sodium_memzero(t.phone, sizeof t.phone);
	/* the company that asked withdraws its own request */
	if (rc == AJ_OK && t.to_company != r->user.org_id && r->user.role != ROLE_ASSOCIATION_ADMIN)
		rc = AJ_ENOTFOUND;
	if (rc) {
		req_fail(r, rc);
		return;
	}
	struct actor a = req_actor(r);
	struct deciding dc = {&a, &t, "cancelled", "transfer.cancel",
			      r->user.role == ROLE_ASSOCIATION_ADMIN ? "association" : "company", NULL, NULL};
	rc = store_write(r->store, close_write, &dc);
	if (rc == AJ_ECONFLICT)
		req_error(r, 409, "invalid_transition", "status");
	else if (rc)
		req_fail(r, rc);
	else
		transfer_reply(r, t.id, 200);
}

/* A code a worker makes to hand over: its inputs and outputs, for the write's body (store_write may
 * run it more than once). */
struct handover {
	struct actor a;
	int64_t worker_id;
	char code[ONETIME_CODE_LEN];
	int64_t expires;
};

static int handover_write(struct store *s, void *arg)
{
	struct handover *h = arg;
	int rc = onetime_issue(s, &h->a, ONETIME_TRANSFER, 0, h->worker_id, ONETIME_TRANSFER_SECS, h->code, &h->expires);
	if (rc)
		return rc;
	struct strbuf sb;
	strbuf_init(&sb, 128);
	strbuf_addf(&sb, "{\"worker_id\":%lld,\"expires_at\":%lld}", (long long)h->worker_id, (long long)h->expires);
	rc = audit_append(s, &h->a, "worker.transfer_code", "worker", h->worker_id, sb.buf, sb.len);
	strbuf_free(&sb);
	return rc;
}

/* The worker makes a code to hand to a new company in person: registering them with it moves them
 * at once, with nothing to confirm afterwards. */
void api_me_transfer_code(struct req *r)
{
	int64_t id = own_worker(r);
	if (r->user.role != ROLE_WORKER || !id) {
		req_error(r, 403, "forbidden", NULL);
		return;
	}
	struct handover h = {req_actor(r), id, "", 0};
	int rc = store_write(r->store, handover_write, &h);
	if (rc) {
		sodium_memzero(h.code, sizeof h.code);
		req_fail(r, rc);
		return;
	}
	struct jw *w = req_jw(r);
	jw_obj(w);
	jw_kstr(w, "code", h.code);
	jw_ktime(w, "expires_at", h.expires);
	jw_obj_end(w);
	sodium_memzero(h.code, sizeof h.code);
	req_send(r, 201);
}
