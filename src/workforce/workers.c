/* workers.c — registering, changing, revoking and showing workers. The resident ID number is
 * sealed before it is stored and never leaves the server in clear; a person registered before is
 * moved to another company only with their own confirmation (transfers.c). */
#include "workers.h"

#include "workforce/worker_access.h"

#include <sodium.h>
#include <stdio.h>
#include <string.h>

#include "auth/audit.h"
#include "auth/keys.h"
#include "auth/onetime.h"
#include "http/req.h"
#include "http/schema.h"
#include "notify.h"
#include "privacy/access.h"
#include "privacy/sealed.h"
#include "services/catalog.h"
#include "services/satisfaction.h"
#include "store/store.h"
#include "util/clock.h"
#include "util/idcard.h"
#include "util/log.h"
#include "util/phone.h"
#include "util/timefmt.h"
#include "workforce/certs.h"
#include "workforce/checks.h"
#include "workforce/eligibility.h"
#include "workforce/employment.h"
#include "workforce/training.h"
#include "workforce/transfers.h"
#include "workforce/worker_json.h"

SCHEMA(worker_body, S_STR("name", F_REQ, 2, 20), S_STR("id_number", F_REQ, 1, 40),
       S_STR("phone", F_REQ, 1, 20), S_STRS("trades", F_REQ, 1, TRADE_COUNT, 20, trade_codes),
       S_ENUM("level", F_REQ, level_codes), S_STR("photo_ref", F_NULL, 0, 200),
       S_DATE("experience_since", F_NULL), S_INT("company_id", F_NULL, 1, INT64_MAX),
       S_STR("transfer_code", F_NULL, 10, 16));
SCHEMA(worker_patch_body, S_STR("phone", 0, 1, 20), S_STRS("trades", 0, 1, TRADE_COUNT, 20, trade_codes),
       S_ENUM("level", 0, level_codes), S_STR("photo_ref", F_NULL, 0, 200),
       S_DATE("experience_since", F_NULL));
SCHEMA(worker_leave_body, S_STR("reason", 0, 0, 200));
SCHEMA(worker_revoke_body, S_STR("reason", F_REQ, 2, 200));
SCHEMA(worker_suspend_body, S_DATE("until", F_REQ), S_STR("reason", F_REQ, 2, 200));
static const char *const colours[] = {"green", "yellow", "red", NULL};
static const char *const yes_no[] = {"true", "false", NULL};
SCHEMA(workers_query, S_STR("q", 0, 1, 20), S_ENUM("trade", 0, trade_codes), S_ENUM("status", 0, colours),
       S_ENUM("lapsing", 0, yes_no), S_INT("company_id", 0, 1, INT64_MAX), S_INT("page", 0, 1, 1000000),
       S_INT("per_page", 0, 1, 100));

/* ---- rules ---- */

int worker_validate(const struct worker_in *in, struct fault *f)
{
	int64_t days;
	long chars = in->name ? utf8_chars(in->name, strlen(in->name), 0) : -1;
	if (chars < 2 || chars > 20) {
		FAULT(f, chars < 0 ? "invalid_characters" : chars < 2 ? "too_short" : "too_long", "name");
		return AJ_EINVAL;
	}
	if (!idcard_parse(in->id_number, time_today(), NULL)) {
		FAULT(f, "invalid_id_number", "id_number");
		return AJ_EINVAL;
	}
	if (!phone_valid(in->phone)) {
		FAULT(f, "invalid_phone", "phone");
		return AJ_EINVAL;
	}
	if (in->n_trades < 1) {
		FAULT(f, "missing_field", "trades");
		return AJ_EINVAL;
	}
	if (level_index(in->level) < 0) {
		FAULT(f, "invalid_value", "level");
		return AJ_EINVAL;
	}
	long photo = in->photo_ref ? utf8_chars(in->photo_ref, strlen(in->photo_ref), 0) : 0;
	if (photo < 0 || photo > 200) {
		FAULT(f, photo < 0 ? "invalid_characters" : "too_long", "photo_ref");
		return AJ_EINVAL;
	}
	if (in->experience_since &&
	    (parse_date(in->experience_since, &days) != 0 || days > time_today())) {
		FAULT(f, "invalid_date", "experience_since");
		return AJ_EINVAL;
	}
	struct idcard born;
	if (in->experience_since && idcard_parse(in->id_number, time_today(), &born) &&
	    worker_experience_check(born.year, born.month, born.day, days, time_today()) != 0) {
		FAULT(f, "experience_before_working_age", "experience_since");
		return AJ_ERULE;
	}
	return AJ_OK;
}

int worker_experience_check(int by, int bm, int bd, int64_t since_days, int64_t today_days)
{
	if (since_days > today_days)
		return -2;
	/* the sixteenth birthday; one born on 29 February turns sixteen on 1 March */
	int64_t y16 = by + WORKER_MIN_WORKING_AGE;
	int leap = (y16 % 4 == 0 && y16 % 100 != 0) || y16 % 400 == 0;
	int64_t from = bm == 2 && bd == 29 && !leap ? time_days_from_civil(y16, 3, 1)
						      : time_days_from_civil(y16, (unsigned)bm, (unsigned)bd);
	return since_days < from ? -1 : 0;
}

/* Whether worker id may have level (an index of levels[]): no higher than their highest valid
 * certificate's, the entry level without one; experience since since_days (or -1) no earlier than
 * their sixteenth birthday, read from the sealed ID number. 0, or the refusal in f. */
static int worker_claims_ok(struct store *s, int64_t id, int level, int64_t since_days, struct fault *f)
{
	if (level > 0) {
		int top = 0, rc;
		char today[11];
		time_format_date(time_today(), today);
		struct stmt *st = store_sql(s, "SELECT level FROM certificates WHERE worker_id = $1 AND status = 'valid'"
					       " AND valid_until >= $2");
		stmt_bind_int(st, 1, id);
		stmt_bind_text(st, 2, today);
		while ((rc = stmt_step(st)) == STORE_ROW) {
			int l = level_index(stmt_text(st, 0));
			if (l > top)
				top = l;
		}
		stmt_done(st);
		if (rc < 0)
			return rc;
		if (level > top) {
			FAULT(f, "level_above_certificate", "level");
			return AJ_ERULE;
		}
	}
	if (since_days >= 0) {
		struct idcard card;
		struct stmt *st = store_sql(s, "SELECT id_sealed FROM workers WHERE id = $1");
		stmt_bind_int(st, 1, id);
		int rc = stmt_step(st), ok = 0;
		if (rc == STORE_ROW)
			ok = worker_card(id, stmt_text(st, 0), &card) == 0;
		stmt_done(st);
		if (rc < 0)
			return rc;
		if (!ok || worker_experience_check(card.year, card.month, card.day, since_days, time_today()) != 0) {
			FAULT(f, "experience_before_working_age", "experience_since");
			return AJ_ERULE;
		}
	}
	return AJ_OK;
}

/* ---- writes ---- */

/* Reports a refusal. */
static int refuse(struct fault *f, int err, const char *code, const char *field)
{
	FAULT(f, code, field);
	return err;
}

/* A registration's inputs and outputs, for the write's body (store_write may run it more than once). */
struct registration {
	const struct actor *a;
	const struct worker_in *in;
	const struct idcard *card;
	const char *hash, *today;
	struct reg_result *res;
	struct fault *f;
	int refusal; /* a refusal that keeps what the body wrote: a wrong transfer code, counted */
};

static int register_write(struct store *s, void *arg)
{
	struct registration *g = arg;
	const struct worker_in *in = g->in;
	const struct actor *a = g->a;
	struct reg_result *res = g->res;
	struct fault *f = g->f;
	memset(res, 0, sizeof *res);
	*f = (struct fault){0};
	g->refusal = AJ_OK;
	struct stmt *st = store_sql(s, "SELECT id, name, status, revoked_reason, company_id FROM workers WHERE id_hash = $1");
	stmt_bind_text(st, 1, g->hash);
	int rc = stmt_step(st);
	if (rc == STORE_ROW) {
		/* one person, one record: the same number is the same person */
		res->worker_id = stmt_int(st, 0);
		int same_name = strcmp(stmt_text(st, 1), in->name) == 0;
		int revoked = strcmp(stmt_text(st, 2), "revoked") == 0;
		if (revoked)
			str_copy(res->revoked_reason, sizeof res->revoked_reason, stmt_text(st, 3) ? stmt_text(st, 3) : "");
		int64_t company = stmt_int(st, 4);
		stmt_done(st);
		if (revoked)
			return refuse(f, AJ_ECONFLICT, "person_revoked", "id_number");
		if (!same_name)
			return refuse(f, AJ_ERULE, "name_mismatch", "name");
		if (company == in->company_id)
			return refuse(f, AJ_ECONFLICT, "already_registered", "id_number");
		/* the level the new company states is bounded by the person's certificates, as any change is */
		if ((rc = worker_claims_ok(s, res->worker_id, in->level ? level_index(in->level) : -1, -1, f)) != AJ_OK)
			return rc;
		struct worker_details d = {in->phone, in->level, in->photo_ref, in->experience_since, in->trades,
					   in->n_trades};
		if (!in->transfer_code) {
			/* the move waits for the worker: nothing of theirs changes hands before */
			if ((rc = transfer_request(s, res->worker_id, company, in->company_id, a->user_id, &d,
						   &res->transfer_id, f)) != AJ_OK)
				return rc;
			res->outcome = REG_TRANSFER;
			return audit_append_state(s, a, "worker.transfer_request", "transfer", res->transfer_id,
						  transfer_state);
		}
		/* the worker's own code, handed over in person, is their confirmation */
		if ((rc = onetime_use(s, ONETIME_TRANSFER, 0, res->worker_id, in->transfer_code)) != AJ_OK) {
			FAULT(f, "invalid_transfer_code", "transfer_code");
			if (rc != AJ_ENOTFOUND)
				return rc;
			/* a wrong code counts against the worker's live code: that count is all this writes, and
			 * it is kept (committed) while the registration is refused */
			g->refusal = AJ_ERULE;
			return AJ_OK;
		}
		if ((rc = employment_move(s, res->worker_id, in->company_id, &d, NULL)) != AJ_OK)
			return rc;
		res->outcome = REG_MOVED;
		return audit_append_state(s, a, "worker.move", "worker", res->worker_id, worker_state);
	}
	stmt_done(st);
	if (rc < 0)
		return rc;

	char masked[19];
	idcard_mask(g->card->norm, masked);
	int64_t now = clock_now();
	/* the sealed values are bound to the row, so the row comes first */
	st = store_sql(s, "INSERT INTO workers (name, id_sealed, id_hash, id_masked, sex, phone_sealed,"
			  " photo_ref, level, experience_since, created_at, updated_at)"
			  " VALUES ($1, '', $2, $3, $4, '', $5, $6, $7, $8, $8) RETURNING id");
	stmt_bind_text(st, 1, in->name);
	stmt_bind_text(st, 2, g->hash);
	stmt_bind_text(st, 3, masked);
	stmt_bind_text(st, 4, g->card->male ? "male" : "female");
	stmt_bind_text(st, 5, in->photo_ref);
	stmt_bind_text(st, 6, in->level);
	stmt_bind_text(st, 7, in->experience_since);
	stmt_bind_int(st, 8, now);
	if ((rc = stmt_one_int(st, &res->worker_id)) != AJ_OK)
		return rc;
	int64_t id = res->worker_id;
	char *sealed = keys_seal_for(SEALED_WORKER_ID, id, g->card->norm);
	st = store_sql(s, "UPDATE workers SET id_sealed = $2 WHERE id = $1");
	stmt_bind_int(st, 1, id);
	stmt_bind_text(st, 2, sealed);
	rc = stmt_exec(st);
	free(sealed);
	if (rc || (rc = worker_set_phone(s, id, in->phone)) != AJ_OK ||
	    (rc = worker_set_trades(s, id, in->trades, in->n_trades)) != AJ_OK ||
	    (rc = employment_start(s, id, in->company_id, g->today)) != AJ_OK || (rc = elig_refresh(s, id)) != AJ_OK)
		return rc;
	res->outcome = REG_NEW;
	return audit_append_state(s, a, "worker.create", "worker", id, worker_state);
}

int worker_register(struct store *s, const struct actor *a, const struct worker_in *in, struct reg_result *res,
		    struct fault *f)
{
	struct idcard card;
	char hash[KEYS_HASH_LEN], today[11];
	memset(res, 0, sizeof *res);
	int rc = worker_validate(in, f);
	if (rc)
		return rc;
	idcard_parse(in->id_number, time_today(), &card);
	keys_lookup_hash(card.norm, hash);
	time_format_date(time_today(), today);
	struct registration g = {.a = a, .in = in, .card = &card, .hash = hash, .today = today, .res = res, .f = f};
	rc = store_write(s, register_write, &g);
	sodium_memzero(&card, sizeof card);
	return rc ? rc : g.refusal;
}

const char *worker_lookup_outcome(int rc, const struct reg_result *res, const struct fault *f)
{
	if (rc == AJ_OK)
		return res->outcome == REG_NEW ? "new" : res->outcome == REG_MOVED ? "moved" : "transfer";
	if (f->code && (strcmp(f->code, "person_revoked") == 0 || strcmp(f->code, "name_mismatch") == 0 ||
			strcmp(f->code, "already_registered") == 0 || strcmp(f->code, "transfer_pending") == 0 ||
			strcmp(f->code, "invalid_transfer_code") == 0))
		return strcmp(f->code, "person_revoked") == 0 ? "revoked" : f->code;
	return NULL;
}

/* ---- HTTP ---- */

/* Writes worker id for the caller as their view allows, and logs the read when it is someone
 * else's record (a phone, an age: personal data). */
static int write_for(struct req *r, int64_t id, int64_t at, const struct worker_more *more, struct jw *w)
{
	int64_t user = 0;
	struct stmt *st = store_sql(r->store, "SELECT coalesce(user_id, 0) FROM workers WHERE id = $1");
	stmt_bind_int(st, 1, id);
	stmt_one_int(st, &user);
	return worker_write(r->store, id, worker_view_of(r, user), at, more, w);
}

static void log_read(struct req *r, const int64_t *ids, size_t n, const char *via)
{
	struct access_entry e[100];
	int k = 0;
	for (size_t i = 0; i < n && k < 100; i++) {
		int64_t user = 0;
		struct stmt *st = store_sql(r->store, "SELECT coalesce(user_id, 0) FROM workers WHERE id = $1");
		stmt_bind_int(st, 1, ids[i]);
		stmt_one_int(st, &user);
		if (user && user == r->user.user_id)
			continue;
		e[k].subject = "worker";
		e[k].subject_id = ids[i];
		e[k++].what = "record";
	}
	access_record_req(r, e, k, via);
}

/* Adds whether a registration moved a record registered before. */
static void linked_more(struct store *s, int64_t id, struct jw *w, const void *ctx)
{
	(void)s;
	(void)id;
	jw_kbool(w, "linked", *(const int *)ctx);
}

static void reply_worker(struct req *r, int64_t id, int status, int linked)
{
	struct worker_more more = {linked_more, &linked};
	int rc = write_for(r, id, clock_now(), linked >= 0 ? &more : NULL, req_jw(r));
	if (rc) {
		req_fail(r, rc);
		return;
	}
	req_send(r, status);
	log_read(r, &id, 1, "worker");
}

/* Reads the trades array of the body into indexes. */
static int body_trades(struct req *r, int *out)
{
	json_t *a = json_object_get(r->json, "trades");
	int n = 0;
	for (size_t i = 0; a && i < json_array_size(a) && n < TRADE_COUNT; i++) {
		int t = trade_index(json_string_value(json_array_get(a, i)));
		int dup = 0;
		for (int k = 0; k < n; k++)
			dup |= out[k] == t;
		if (t >= 0 && !dup)
			out[n++] = t;
	}
	return n;
}

/* Refuses a registration when the caller's company has used up its look-ups of the hour. */
static int lookups_refused(struct req *r, int64_t need)
{
	int64_t left = 0, retry = 0;
	int rc = access_lookups_left(r->store, r->user.role == ROLE_ASSOCIATION_ADMIN ? 0 : r->user.org_id, clock_now(),
				     &left, &retry);
	if (rc) {
		req_fail(r, rc);
		return 1;
	}
	if (left >= need)
		return 0;
	req_too_many(r, retry, "too_many_lookups");
	return 1;
}

int worker_lookups_refused(struct req *r, int64_t need)
{
	return lookups_refused(r, need);
}

void api_workers_create(struct req *r)
{
	struct worker_in in = {0};
	struct fault f = {0};
	in.name = req_str(r, "name");
	in.id_number = req_str(r, "id_number");
	in.phone = req_str(r, "phone");
	in.level = req_str(r, "level");
	in.photo_ref = req_str(r, "photo_ref");
	in.experience_since = req_str(r, "experience_since");
	in.transfer_code = req_str(r, "transfer_code");
	in.n_trades = body_trades(r, in.trades);
	int64_t scope = worker_company_scope(r);
	if (scope) {
		if (req_has(r, "company_id") && req_int(r, "company_id", 0) != scope) {
			req_error(r, 403, "forbidden", "company_id");
			return;
		}
		in.company_id = scope;
	} else {
		in.company_id = req_int(r, "company_id", 0);
		char kind[16] = "";
		struct stmt *st = store_sql(r->store, "SELECT kind FROM orgs WHERE id = $1");
		stmt_bind_int(st, 1, in.company_id);
		if (stmt_step(st) == STORE_ROW)
			str_copy(kind, sizeof kind, stmt_text(st, 0));
		stmt_done(st);
		if (!in.company_id) {
			req_error(r, 400, "missing_field", "company_id");
			return;
		}
		if (strcmp(kind, "company") != 0) {
			req_error(r, 422, "org_not_found", "company_id");
			return;
		}
	}
	if (worker_validate(&in, &f) != AJ_OK) {
		req_fault(r, AJ_EINVAL, &f);
		return;
	}
	if (lookups_refused(r, 1))
		return;
	struct actor a = req_actor(r);
	struct reg_result res;
	int rc = worker_register(r->store, &a, &in, &res, &f);
	/* the look-up leaves its trace whatever the answer, outside the registration's transaction */
	const char *outcome = worker_lookup_outcome(rc, &res, &f);
	if (outcome && access_record_lookup(r->store, &a, res.worker_id, outcome, "register") != AJ_OK)
		log_warn("access log: a registry look-up was not recorded");
	if (rc && f.code && strcmp(f.code, "person_revoked") == 0) {
		/* that the person is revoked is enough for a company; the reason is the association's */
		req_error_open(r, 409, f.code, f.field,
			       r->user.role == ROLE_ASSOCIATION_ADMIN ? res.revoked_reason : NULL);
		req_error_close(r);
		return;
	}
	if (rc) {
		req_fault(r, rc, &f);
		return;
	}
	if (res.outcome == REG_TRANSFER) {
		transfer_reply(r, res.transfer_id, 202);
		return;
	}
	reply_worker(r, res.worker_id, 201, res.outcome == REG_MOVED);
}

void api_workers_get(struct req *r)
{
	int rc = worker_visible(r, r->id[0]);
	if (rc) {
		req_fail(r, rc);
		return;
	}
	reply_worker(r, r->id[0], 200, -1);
}

/* Whether a listed worker passes the colour and lapsing filters. */
static int passes(struct store *s, int64_t id, int64_t now, const char *colour, int lapsing)
{
	struct elig_summary sum;
	if (elig_summary(s, id, now, &sum) != AJ_OK)
		return 0;
	if (colour && strcmp(elig_status_name(sum.status), colour) != 0)
		return 0;
	return !lapsing || sum.n_lapsing > 0;
}

void api_workers_list(struct req *r)
{
	struct page pg = req_page(r);
	int64_t scope = worker_company_scope(r), now = clock_now();
	const char *trade = req_qstr(r, "trade"), *colour = req_qstr(r, "status");
	const char *lapsing_s = req_qstr(r, "lapsing");
	int lapsing = lapsing_s && strcmp(lapsing_s, "true") == 0;
	int64_t company = scope ? scope : req_qint(r, "company_id", 0);
	int64_t self = r->user.role == ROLE_WORKER ? r->user.user_id : 0;
	char like[128];
	store_like_pattern(req_qstr(r, "q"), like, sizeof like);

	/* the filters SQL can apply; colour and lapsing are judged here, over every candidate, and
	 * only then paged — without them the page is cut in SQL */
	int judged = colour || lapsing;
	int64_t total = 0;
	struct stmt *st;
	int rc;
	if (!judged) {
		st = store_sql(r->store,
			"SELECT count(*) FROM workers w WHERE ($1 = 0 OR w.company_id = $1) AND ($2 = '' OR lower(w.name) LIKE $2 ESCAPE '\\')"
			" AND ($3 = '' OR EXISTS (SELECT 1 FROM worker_trades t WHERE t.worker_id = w.id AND t.trade = $3))"
			" AND ($4 = 0 OR w.user_id = $4)");
		stmt_bind_int(st, 1, self ? 0 : company);
		stmt_bind_text(st, 2, like);
		stmt_bind_text(st, 3, trade ? trade : "");
		stmt_bind_int(st, 4, self);
		if ((rc = stmt_one_int(st, &total)) != AJ_OK) {
			req_fail(r, rc);
			return;
		}
	}
	st = store_sql(r->store,
		"SELECT w.id FROM workers w WHERE ($1 = 0 OR w.company_id = $1) AND ($2 = '' OR lower(w.name) LIKE $2 ESCAPE '\\')"
		" AND ($3 = '' OR EXISTS (SELECT 1 FROM worker_trades t WHERE t.worker_id = w.id AND t.trade = $3))"
		" AND ($4 = 0 OR w.user_id = $4) ORDER BY w.id LIMIT $5 OFFSET $6");
	stmt_bind_int(st, 1, self ? 0 : company);
	stmt_bind_text(st, 2, like);
	stmt_bind_text(st, 3, trade ? trade : "");
	stmt_bind_int(st, 4, self);
	stmt_bind_int(st, 5, judged ? INT64_MAX : pg.per_page);
	stmt_bind_int(st, 6, judged ? 0 : pg.offset);
	int64_t *ids = NULL;
	size_t n = 0, cap = 0;
	while ((rc = stmt_step(st)) == STORE_ROW) {
		if (n == cap) {
			cap = cap ? cap * 2 : 256;
			ids = xrealloc(ids, cap * sizeof *ids);
		}
		ids[n++] = stmt_int(st, 0);
	}
	stmt_done(st);
	if (rc < 0) {
		free(ids);
		req_fail(r, rc);
		return;
	}
	size_t from = 0;
	if (judged) {
		size_t k = 0;
		for (size_t i = 0; i < n; i++)
			if (passes(r->store, ids[i], now, colour, lapsing))
				ids[k++] = ids[i];
		n = k;
		total = (int64_t)n;
		from = (size_t)pg.offset;
	}
	struct jw *w = req_list_begin(r);
	rc = AJ_OK;
	size_t shown = 0;
	for (size_t i = from; i < n && i < from + (size_t)pg.per_page && rc == AJ_OK; i++, shown++)
		rc = write_for(r, ids[i], now, NULL, w);
	if (rc < 0) {
		free(ids);
		req_fail(r, rc);
		return;
	}
	req_list_end(r, &pg, total);
	req_send(r, 200);
	log_read(r, ids + from, shown, "worker_list");
	free(ids);
}

/* Confirms the caller may manage worker id (their company's current worker, or any for the
 * association); replies 404 and returns -1 otherwise. */
static int manageable(struct req *r, int64_t id)
{
	int rc = worker_visible(r, id);
	if (rc) {
		req_fail(r, rc);
		return -1;
	}
	return 0;
}

/* A change of a worker's record, for the write's body (store_write may run it more than once). */
struct worker_edit {
	const struct actor *a;
	int64_t id, since_days;
	const char *level, *photo_ref, *experience_since, *phone;
	int set_photo, set_since, set_trades, n_trades, trades[TRADE_COUNT];
	struct fault f;
};

static int edit_write(struct store *s, void *arg)
{
	struct worker_edit *e = arg;
	e->f = (struct fault){0};
	int rc = worker_claims_ok(s, e->id, e->level ? level_index(e->level) : -1,
				  e->experience_since ? e->since_days : -1, &e->f);
	if (rc)
		return rc;
	struct stmt *st = store_sql(s, "UPDATE workers SET level = coalesce($2, level),"
				       " photo_ref = CASE WHEN $3 = 1 THEN $4 ELSE photo_ref END,"
				       " experience_since = CASE WHEN $5 = 1 THEN $6 ELSE experience_since END,"
				       " updated_at = $7 WHERE id = $1");
	stmt_bind_int(st, 1, e->id);
	stmt_bind_text(st, 2, e->level);
	stmt_bind_int(st, 3, e->set_photo);
	stmt_bind_text(st, 4, e->photo_ref);
	stmt_bind_int(st, 5, e->set_since);
	stmt_bind_text(st, 6, e->experience_since);
	stmt_bind_int(st, 7, clock_now());
	rc = stmt_exec(st);
	if (rc == AJ_OK && e->phone)
		rc = worker_set_phone(s, e->id, e->phone);
	if (rc == AJ_OK && e->set_trades && (rc = worker_set_trades(s, e->id, e->trades, e->n_trades)) == AJ_OK)
		rc = elig_refresh(s, e->id);
	if (rc)
		return rc;
	return audit_append_state(s, e->a, "worker.update", "worker", e->id, worker_state);
}

void api_workers_update(struct req *r)
{
	int64_t id = r->id[0];
	int64_t days = -1;
	if (manageable(r, id))
		return;
	if (req_str(r, "phone") && !phone_valid(req_str(r, "phone"))) {
		req_error(r, 400, "invalid_phone", "phone");
		return;
	}
	if (req_str(r, "experience_since") &&
	    (parse_date(req_str(r, "experience_since"), &days) != 0 || days > time_today())) {
		req_error(r, 400, "invalid_date", "experience_since");
		return;
	}
	struct actor a = req_actor(r);
	struct worker_edit e = {.a = &a, .id = id, .since_days = days, .level = req_str(r, "level"),
				.photo_ref = req_str(r, "photo_ref"), .experience_since = req_str(r, "experience_since"),
				.phone = req_str(r, "phone"), .set_photo = req_has(r, "photo_ref"),
				.set_since = req_has(r, "experience_since"), .set_trades = req_has(r, "trades")};
	if (e.set_trades)
		e.n_trades = body_trades(r, e.trades);
	int rc = store_write(r->store, edit_write, &e);
	if (rc) {
		req_fault(r, rc, &e.f);
		return;
	}
	reply_worker(r, id, 200, -1);
}

/* Ends a change of worker id's standing: their facts refreshed, and the audit record with their state. */
static int standing_changed(struct store *s, const struct actor *a, const char *action, int64_t id)
{
	int rc = elig_refresh(s, id);
	return rc ? rc : audit_append_state(s, a, action, "worker", id, worker_state);
}

/* A change of a worker's standing (leaving, revocation, suspension, a login linked), for the write's
 * body (store_write may run it more than once). */
struct standing {
	const struct actor *a;
	int64_t id, until, user_id;
	const char *reason;
	struct fault *f;
};

static int leave_write(struct store *s, void *arg)
{
	const struct standing *w = arg;
	char today[11];
	time_format_date(time_today(), today);
	int rc = employment_end(s, w->id, today, w->reason && *w->reason ? w->reason : "left");
	return rc ? rc : standing_changed(s, w->a, "worker.leave", w->id);
}

int worker_leave(struct store *s, const struct actor *a, int64_t id, const char *reason)
{
	struct standing w = {.a = a, .id = id, .reason = reason};
	return store_write(s, leave_write, &w);
}

void api_workers_leave(struct req *r)
{
	int64_t id = r->id[0];
	if (manageable(r, id))
		return;
	struct actor a = req_actor(r);
	int rc = worker_leave(r->store, &a, id, req_str(r, "reason"));
	if (rc) {
		req_fail(r, rc);
		return;
	}
	/* no longer this company's: answer with the record as it now stands */
	reply_worker(r, id, 200, -1);
}

/* The state of a certificate for the audit chain (kept small: the certificates module shows more). */
static int cert_audit_state(struct store *s, int64_t id, struct strbuf *sb)
{
	struct stmt *st = store_sql(s, "SELECT serial, status, revoked_reason FROM certificates WHERE id = $1");
	stmt_bind_int(st, 1, id);
	int rc = stmt_step(st);
	if (rc == STORE_ROW) {
		struct jw w;
		jw_init(&w, sb);
		jw_obj(&w);
		jw_kint(&w, "id", id);
		jw_kstr(&w, "serial", stmt_text(st, 0));
		jw_kstr(&w, "status", stmt_text(st, 1));
		jw_kstr(&w, "revoked_reason", stmt_text(st, 2));
		jw_obj_end(&w);
	}
	stmt_done(st);
	return rc == STORE_ROW ? AJ_OK : rc == STORE_DONE ? AJ_ENOTFOUND : rc;
}

static int revoke_write(struct store *s, void *arg)
{
	const struct standing *w = arg;
	int64_t ids[64];
	int n = 0;
	struct stmt *st = store_sql(s, "UPDATE workers SET status = 'revoked', revoked_reason = $2, revoked_at = $3,"
				       " updated_at = $3 WHERE id = $1");
	stmt_bind_int(st, 1, w->id);
	stmt_bind_text(st, 2, w->reason);
	stmt_bind_int(st, 3, clock_now());
	int rc = stmt_exec(st);
	if (rc)
		return rc;
	/* every certificate goes with the person, each with its own audit record */
	st = store_sql(s, "SELECT id FROM certificates WHERE worker_id = $1 AND status = 'valid' LIMIT 64");
	stmt_bind_int(st, 1, w->id);
	while ((rc = stmt_step(st)) == STORE_ROW)
		ids[n++] = stmt_int(st, 0);
	stmt_done(st);
	if (rc < 0)
		return rc;
	for (int i = 0; i < n; i++) {
		st = store_sql(s, "UPDATE certificates SET status = 'revoked', revoked_reason = $2, revoked_at = $3"
				  " WHERE id = $1");
		stmt_bind_int(st, 1, ids[i]);
		stmt_bind_text(st, 2, w->reason);
		stmt_bind_int(st, 3, clock_now());
		if ((rc = stmt_exec(st)) != AJ_OK ||
		    (rc = audit_append_state(s, w->a, "certificate.revoke", "certificate", ids[i], cert_audit_state)) != AJ_OK)
			return rc;
	}
	return standing_changed(s, w->a, "worker.revoke", w->id);
}

int worker_revoke(struct store *s, const struct actor *a, int64_t id, const char *reason)
{
	struct standing w = {.a = a, .id = id, .reason = reason};
	return store_write(s, revoke_write, &w);
}

void api_workers_revoke(struct req *r)
{
	int64_t id = r->id[0];
	if (manageable(r, id))
		return;
	struct actor a = req_actor(r);
	int rc = worker_revoke(r->store, &a, id, req_str(r, "reason"));
	if (rc)
		req_fail(r, rc);
	else
		reply_worker(r, id, 200, -1);
}

static int suspend_write(struct store *s, void *arg)
{
	const struct standing *w = arg;
	struct stmt *st = store_sql(s, "UPDATE workers SET suspended_until = $2, suspension_reason = $3,"
				       " updated_at = $4 WHERE id = $1");
	stmt_bind_int(st, 1, w->id);
	stmt_bind_id(st, 2, w->until);
	stmt_bind_text(st, 3, w->until ? w->reason : NULL);
	stmt_bind_int(st, 4, clock_now());
	int rc = stmt_exec(st);
	return rc ? rc : standing_changed(s, w->a, w->until ? "worker.suspend" : "worker.unsuspend", w->id);
}

int worker_suspend(struct store *s, const struct actor *a, int64_t id, int64_t until, const char *reason)
{
	struct standing w = {.a = a, .id = id, .until = until, .reason = reason};
	return store_write(s, suspend_write, &w);
}

static void set_suspension(struct req *r, int64_t until, const char *reason)
{
	int64_t id = r->id[0];
	if (manageable(r, id))
		return;
	struct actor a = req_actor(r);
	int rc = worker_suspend(r->store, &a, id, until, reason);
	if (rc)
		req_fail(r, rc);
	else
		reply_worker(r, id, 200, -1);
}

void api_workers_suspend(struct req *r)
{
	int64_t days;
	parse_date(req_str(r, "until"), &days);
	if (days < time_today()) {
		req_error(r, 422, "date_in_past", "until");
		return;
	}
	set_suspension(r, time_day_start(days + 1), req_str(r, "reason"));
}

void api_workers_unsuspend(struct req *r)
{
	set_suspension(r, 0, NULL);
}

static void employment_json(struct jw *w, struct stmt *st)
{
	jw_obj(w);
	jw_kref(w, "company", stmt_int(st, 0), stmt_text(st, 1));
	jw_kstr(w, "started_on", stmt_text(st, 2));
	jw_kstr(w, "ended_on", stmt_text(st, 3));
	jw_kstr(w, "end_reason", stmt_text(st, 4));
	jw_obj_end(w);
}

void api_workers_employments(struct req *r)
{
	worker_sublist(r, store_sql(r->store, "SELECT count(*) FROM employments WHERE worker_id = $1"),
		       store_sql(r->store, "SELECT e.company_id, o.name, e.started_on, e.ended_on, e.end_reason"
					   " FROM employments e JOIN orgs o ON o.id = e.company_id WHERE e.worker_id = $1"
					   " ORDER BY e.id DESC LIMIT $2 OFFSET $3"),
		       employment_json);
}

/* ---- the public view ---- */

void api_public_workers_get(struct req *r)
{
	int64_t id = r->id[0], today = time_today(), now = clock_now();
	struct stmt *st = store_sql(r->store, "SELECT " WORKER_COLUMNS WORKER_FROM " WHERE w.id = $1");
	stmt_bind_int(st, 1, id);
	int rc = stmt_step(st);
	if (rc != STORE_ROW) {
		stmt_done(st);
		req_fail(r, rc == STORE_DONE ? AJ_ENOTFOUND : rc);
		return;
	}
	char masked[96];
	worker_mask_name(stmt_text(st, 1), masked, sizeof masked);
	struct idcard card;
	int age = worker_card(id, stmt_text(st, 3), &card) == 0 ? idcard_age(&card, today) : 0;
	sodium_memzero(&card, sizeof card);
	struct jw *w = req_jw(r);
	jw_obj(w);
	jw_kint(w, "id", id);
	jw_kstr(w, "masked_name", masked);
	char band[32];
	int lo = (age < 0 ? 0 : age > 200 ? 200 : age) / 10 * 10;
	snprintf(band, sizeof band, "%d-%d", lo, lo + 9);
	jw_kstr(w, "age_band", band);
	jw_key(w, "trades");
	worker_trades_json(r->store, id, w);
	jw_kstr(w, "level", stmt_text(st, 7));
	const char *since = stmt_text(st, 15) ? stmt_text(st, 15) : stmt_text(st, 19);
	jw_kint(w, "years_of_experience", worker_years_since(since));
	jw_kstr(w, "status", stmt_text(st, 8));
	jw_kref(w, "company", stmt_int(st, 12), stmt_text(st, 13));
	int64_t company = stmt_int(st, 12);
	stmt_done(st);

	jw_key(w, "certificates");
	jw_arr(w);
	st = store_sql(r->store, "SELECT serial, trade, level, valid_from, valid_until, status FROM certificates"
				 " WHERE worker_id = $1 AND status <> 'renewed' ORDER BY issued_at DESC LIMIT 20");
	stmt_bind_int(st, 1, id);
	while (stmt_step(st) == STORE_ROW) {
		int64_t until = 0;
		parse_date(stmt_text(st, 4), &until);
		const char *status = stmt_text(st, 5);
		jw_obj(w);
		jw_kstr(w, "serial", stmt_text(st, 0));
		jw_kstr(w, "trade", stmt_text(st, 1));
		jw_kstr(w, "level", stmt_text(st, 2));
		jw_kstr(w, "valid_from", stmt_text(st, 3));
		jw_kstr(w, "valid_until", stmt_text(st, 4));
		jw_kstr(w, "status", strcmp(status, "valid") == 0 && until < today ? "expired" : status);
		jw_obj_end(w);
	}
	stmt_done(st);
	jw_arr_end(w);

	int64_t passed = 0, credits = 0;
	st = store_sql(r->store, "SELECT count(DISTINCT t.course_id), coalesce(sum(CASE WHEN e.recorded_at >= $2"
				 " THEN e.credits ELSE 0 END), 0) FROM enrolments e JOIN training_sessions t"
				 " ON t.id = e.session_id WHERE e.worker_id = $1 AND e.passed = 1");
	stmt_bind_int(st, 1, id);
	stmt_bind_int(st, 2, now - 365 * 86400);
	if (stmt_step(st) == STORE_ROW) {
		passed = stmt_int(st, 0);
		credits = stmt_int(st, 1);
	}
	stmt_done(st);
	struct elig_facts f;
	int have = elig_load(r->store, id, -1, &f) == AJ_OK;
	jw_key(w, "training");
	jw_obj(w);
	jw_kint(w, "courses_passed", passed);
	jw_kint(w, "credits_12_months", credits);
	jw_key(w, "last_refresher");
	if (have && f.refresher_q1) {
		char q[8];
		time_format_quarter(f.refresher_q1, q);
		jw_str(w, q);
	} else {
		jw_null(w);
	}
	jw_kbool(w, "safety_training", have && (f.safety_mask & SAFETY_ALL) == SAFETY_ALL);
	jw_obj_end(w);
	figures_json(r->store, FIGURES_WORKER, id, w);
	conduct_counts_json(r->store, "worker", id, now - 365 * 86400, w);
	jw_key(w, "service_items");
	if (company) {
		service_items_offered_json(r->store, company, id, w);
	} else {
		jw_arr(w);
		jw_arr_end(w);
	}
	jw_obj_end(w);
	req_header_static(r, "Cache-Control", "public, max-age=60");
	req_send(r, 200);
}

int worker_login_named(struct store *s, int64_t id, int64_t user_id)
{
	struct stmt *st = store_sql(s, "UPDATE users SET name = (SELECT name FROM workers WHERE id = $1), updated_at = $3"
				       " WHERE id = $2");
	stmt_bind_int(st, 1, id);
	stmt_bind_int(st, 2, user_id);
	stmt_bind_int(st, 3, clock_now());
	return stmt_exec(st);
}

static int link_write(struct store *s, void *arg)
{
	const struct standing *w = arg;
	*w->f = (struct fault){0};
	struct stmt *st = store_sql(s, "UPDATE workers SET user_id = $2, updated_at = $3 WHERE id = $1 AND user_id IS NULL");
	stmt_bind_int(st, 1, w->id);
	stmt_bind_int(st, 2, w->user_id);
	stmt_bind_int(st, 3, clock_now());
	int rc = stmt_exec(st);
	if (rc == AJ_OK && store_changes(s) == 0) {
		FAULT(w->f, "worker_has_account", "worker_id");
		return AJ_ECONFLICT;
	}
	if (rc || (rc = worker_login_named(s, w->id, w->user_id)) != AJ_OK)
		return rc;
	return audit_append_state(s, w->a, "worker.link_user", "worker", w->id, worker_state);
}

int worker_link_user(struct store *s, const struct actor *a, int64_t id, int64_t user_id, struct fault *f)
{
	struct standing w = {.a = a, .id = id, .user_id = user_id, .f = f};
	return store_write(s, link_write, &w);
}

/* ---- a worker's own record ---- */

static void own_more(struct store *s, int64_t id, struct jw *w, const void *ctx)
{
	jw_key(w, "certificates");
	certs_of_worker_json(s, id, ctx, w);
	jw_key(w, "checks");
	checks_of_worker_json(s, id, w);
	jw_key(w, "training");
	training_of_worker_json(s, id, w);
}

void api_me_worker(struct req *r)
{
	int64_t id = 0;
	struct stmt *st = store_sql(r->store, "SELECT id FROM workers WHERE user_id = $1");
	stmt_bind_int(st, 1, r->user.user_id);
	int rc = stmt_one_int(st, &id);
	if (rc) {
		req_fail(r, rc);
		return;
	}
	char origin[300];
	req_origin(r, origin, sizeof origin);
	struct worker_more more = {own_more, origin};
	if ((rc = worker_write(r->store, id, WV_FULL, clock_now(), &more, req_jw(r))) != AJ_OK)
		req_fail(r, rc);
	else
		req_send(r, 200);
}
