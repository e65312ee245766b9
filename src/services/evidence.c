/* evidence.c — the customer's word that a service happened: the one-time code of a service, the
 * record of a confirmation or a denial with the month figures it lets in, and the two routes that
 * take the word — the customer's own, and the service centre's follow-up call. */
#include "evidence.h"

#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "auth/audit.h"
#include "auth/keys.h"
#include "http/req.h"
#include "http/schema.h"
#include "privacy/sealed.h"
#include "services/booking_notices.h"
#include "services/bookings.h"
#include "services/satisfaction.h"
#include "store/store.h"
#include "timeline.h"
#include "util/clock.h"

/* ---- the one-time code of a service ---- */

/* The keyed hash of code for booking id: bound to the booking, so a code is no use on another. */
static void code_hash(int64_t id, const char *code, char out[KEYS_HASH_LEN])
{
	char buf[64];
	snprintf(buf, sizeof buf, "onetime:service:%lld:%s", (long long)id, code);
	keys_lookup_hash(buf, out);
	sodium_memzero(buf, sizeof buf);
}

/* The six digits of what was typed (spaces and dashes left out) into out; -1 when it is not six
 * digits. */
static int canonical(const char *code, char out[SERVICE_CODE_LEN])
{
	int n = 0;
	for (const char *p = code; p && *p; p++) {
		if (*p == ' ' || *p == '-')
			continue;
		if (*p < '0' || *p > '9' || n == SERVICE_CODE_LEN - 1)
			return -1;
		out[n++] = *p;
	}
	out[n] = '\0';
	return n == SERVICE_CODE_LEN - 1 ? 0 : -1;
}

int evidence_code_issue(struct store *s, int64_t id)
{
	char code[SERVICE_CODE_LEN], hash[KEYS_HASH_LEN];
	snprintf(code, sizeof code, "%06u", (unsigned)randombytes_uniform(1000000));
	code_hash(id, code, hash);
	char *sealed = keys_seal_for(SEALED_BOOKING_CODE, id, code);
	sodium_memzero(code, sizeof code);
	struct stmt *st = store_sql(s, "UPDATE bookings SET service_code_hash = $2, service_code_sealed = $3,"
				       " service_code_attempts = 0 WHERE id = $1");
	stmt_bind_int(st, 1, id);
	stmt_bind_text(st, 2, hash);
	stmt_bind_text(st, 3, sealed);
	int rc = stmt_exec(st);
	free(sealed);
	return rc;
}

int evidence_code_check(struct store *s, int64_t id, const char *code, struct fault *f)
{
	char want[KEYS_HASH_LEN] = "", canon[SERVICE_CODE_LEN], got[KEYS_HASH_LEN] = "";
	int64_t attempts = 0;
	struct stmt *st = store_sql(s, "SELECT service_code_hash, service_code_attempts FROM bookings WHERE id = $1");
	stmt_bind_int(st, 1, id);
	int rc = stmt_step(st);
	if (rc == STORE_ROW) {
		if (stmt_text(st, 0))
			str_copy(want, sizeof want, stmt_text(st, 0));
		attempts = stmt_int(st, 1);
	}
	stmt_done(st);
	if (rc != STORE_ROW)
		return rc < 0 ? rc : AJ_ENOTFOUND;
	if (!want[0] || attempts >= SERVICE_CODE_MAX_ATTEMPTS) {
		FAULT(f, "service_code_spent", "code");
		return AJ_ERULE;
	}
	if (canonical(code, canon) == 0)
		code_hash(id, canon, got);
	sodium_memzero(canon, sizeof canon);
	if (got[0] && sodium_memcmp(got, want, KEYS_HASH_LEN - 1) == 0)
		return AJ_OK;
	st = store_sql(s, "UPDATE bookings SET service_code_attempts = service_code_attempts + 1 WHERE id = $1");
	stmt_bind_int(st, 1, id);
	if ((rc = stmt_exec(st)) != AJ_OK)
		return rc;
	FAULT(f, "service_code_wrong", "code");
	return AJ_ERULE;
}

int evidence_code_end(struct store *s, int64_t id)
{
	struct stmt *st = store_sql(s, "UPDATE bookings SET service_code_hash = NULL, service_code_sealed = NULL"
				       " WHERE id = $1");
	stmt_bind_int(st, 1, id);
	return stmt_exec(st);
}

int evidence_code_show(struct store *s, int64_t id, char out[SERVICE_CODE_LEN])
{
	struct stmt *st = store_sql(s, "SELECT service_code_sealed FROM bookings WHERE id = $1 AND status = 'checked_in'"
				       " AND service_code_sealed IS NOT NULL AND service_code_attempts < $2");
	stmt_bind_int(st, 1, id);
	stmt_bind_int(st, 2, SERVICE_CODE_MAX_ATTEMPTS);
	int ok = stmt_step(st) == STORE_ROW &&
		 keys_unseal_for(SEALED_BOOKING_CODE, id, stmt_text(st, 0), out, SERVICE_CODE_LEN) == 0;
	stmt_done(st);
	if (!ok)
		out[0] = '\0';
	return ok ? 0 : -1;
}

/* ---- the customer's word ---- */

int evidence_record(struct store *s, const struct actor *a, int64_t id, const char *via, int confirmed,
		    const char *note, struct fault *f)
{
	struct stmt *st = store_sql(s, "SELECT evidence, coalesce(worker_id, 0), company_id, coalesce(checkin_month, 0),"
				       " coalesce(completed_month, 0), coalesce(late, 1), coalesce(left_early, 0),"
				       " checked_in_at IS NOT NULL, status FROM bookings WHERE id = $1");
	stmt_bind_int(st, 1, id);
	int rc = stmt_step(st);
	int recorded = 0, checkin_month = 0, completed_month = 0, on_time = 0, checked_in = 0, completed = 0;
	int64_t worker = 0, company = 0;
	if (rc == STORE_ROW) {
		recorded = !stmt_is_null(st, 0);
		worker = stmt_int(st, 1);
		company = stmt_int(st, 2);
		checkin_month = (int)stmt_int(st, 3);
		completed_month = (int)stmt_int(st, 4);
		on_time = !stmt_int(st, 5) && !stmt_int(st, 6);
		checked_in = (int)stmt_int(st, 7);
		completed = strcmp(stmt_text(st, 8), "completed") == 0;
	}
	stmt_done(st);
	if (rc != STORE_ROW)
		return rc < 0 ? rc : AJ_ENOTFOUND;
	if (recorded) {
		FAULT(f, "evidence_recorded", "status");
		return AJ_ECONFLICT;
	}
	if (!completed) {
		FAULT(f, "invalid_transition", "status");
		return AJ_ECONFLICT;
	}
	st = store_sql(s, "UPDATE bookings SET evidence = $2, evidence_via = $3, evidence_at = $4, evidence_by = $5,"
			  " evidence_note = $6 WHERE id = $1");
	stmt_bind_int(st, 1, id);
	stmt_bind_text(st, 2, confirmed ? "confirmed" : "denied");
	stmt_bind_text(st, 3, via);
	stmt_bind_int(st, 4, clock_now());
	stmt_bind_id(st, 5, a->user_id);
	stmt_bind_text(st, 6, note);
	if ((rc = stmt_exec(st)) != AJ_OK)
		return rc;
	char action[24];
	snprintf(action, sizeof action, "%s_%s", confirmed ? "confirm" : "deny", via);
	if ((rc = timeline_add(s, TIMELINE_BOOKING, id, a, action, "completed", "completed", note, 0)) != AJ_OK)
		return rc;
	if (!confirmed)
		return booking_notice(s, id, action);
	/* the service counts now: in the month it was completed, and in its check-in's for punctuality */
	struct figures_delta done = {1, 0, 0, 0, 0}, in = {0, 0, 0, 1, on_time};
	if (!worker)
		return AJ_OK;
	if ((rc = figures_add(s, worker, company, completed_month, &done)) != AJ_OK)
		return rc;
	return checked_in ? figures_add(s, worker, company, checkin_month, &in) : AJ_OK;
}

/* The booking's customer and status. */
static int booking_of(struct store *s, int64_t id, int64_t *customer, char status[16])
{
	struct stmt *st = store_sql(s, "SELECT customer_id, status FROM bookings WHERE id = $1");
	stmt_bind_int(st, 1, id);
	int rc = stmt_step(st);
	if (rc == STORE_ROW) {
		*customer = stmt_int(st, 0);
		str_copy(status, 16, stmt_text(st, 1));
	}
	stmt_done(st);
	return rc == STORE_ROW ? AJ_OK : rc == STORE_DONE ? AJ_ENOTFOUND : rc;
}

/* The customer's word taken — in the app, or on the service centre's call — for the write's body
 * (store_write may run it more than once: it sets its outputs afresh). */
struct word {
	const struct actor *a;
	int64_t id;
	int happened;                  /* in the app: whether the service happened */
	const char *outcome, *note;    /* on the call: confirmed, denied or unreachable; the note or reason */
	struct fault *f;
};

static int confirm_write(struct store *s, void *arg)
{
	const struct word *w = arg;
	int64_t customer = 0;
	char status[16] = "";
	*w->f = (struct fault){0};
	int rc = booking_of(s, w->id, &customer, status);
	if (rc || customer != w->a->user_id)
		return rc ? rc : AJ_ENOTFOUND;
	if (!w->happened && !w->note) {
		FAULT(w->f, "denial_reason_required", "reason");
		return AJ_ERULE;
	}
	if ((rc = evidence_record(s, w->a, w->id, EVIDENCE_APP, w->happened, w->note, w->f)) != AJ_OK)
		return rc;
	return audit_append_state(s, w->a, "booking.evidence", "booking", w->id, booking_audit_state);
}

int evidence_confirm(struct store *s, const struct actor *a, int64_t id, int happened, const char *reason,
		     struct fault *f)
{
	struct word w = {.a = a, .id = id, .happened = happened, .note = reason, .f = f};
	return store_write(s, confirm_write, &w);
}

static int follow_up_write(struct store *s, void *arg)
{
	const struct word *w = arg;
	const struct actor *a = w->a;
	int64_t id = w->id;
	const char *note = w->note;
	struct fault *f = w->f;
	int64_t customer = 0, recorded = 0;
	char status[16] = "";
	*f = (struct fault){0};
	int rc = booking_of(s, id, &customer, status);
	if (rc)
		return rc;
	if (strcmp(w->outcome, "unreachable") == 0) {
		struct stmt *st = store_sql(s, "SELECT count(*) FROM bookings WHERE id = $1 AND evidence IS NOT NULL");
		stmt_bind_int(st, 1, id);
		if ((rc = stmt_one_int(st, &recorded)) != AJ_OK)
			return rc;
		if (recorded || strcmp(status, "completed") != 0) {
			FAULT(f, recorded ? "evidence_recorded" : "invalid_transition", "status");
			return AJ_ECONFLICT;
		}
		st = store_sql(s, "UPDATE bookings SET followup_unreachable = followup_unreachable + 1 WHERE id = $1");
		stmt_bind_int(st, 1, id);
		if ((rc = stmt_exec(st)) != AJ_OK ||
		    (rc = timeline_add(s, TIMELINE_BOOKING, id, a, "call_unreachable", status, status, note, 0)) != AJ_OK)
			return rc;
	} else {
		int confirmed = strcmp(w->outcome, "confirmed") == 0;
		if (!confirmed && !note) {
			FAULT(f, "denial_reason_required", "note");
			return AJ_ERULE;
		}
		if ((rc = evidence_record(s, a, id, EVIDENCE_CALL, confirmed, note, f)) != AJ_OK)
			return rc;
	}
	return audit_append_state(s, a, "booking.follow_up", "booking", id, booking_audit_state);
}

int evidence_follow_up(struct store *s, const struct actor *a, int64_t id, const char *outcome, const char *note,
		       struct fault *f)
{
	struct word w = {.a = a, .id = id, .outcome = outcome, .note = note, .f = f};
	return store_write(s, follow_up_write, &w);
}

/* ---- HTTP ---- */

SCHEMA(confirm_service_body, S_BOOL("happened", F_REQ), S_STR("reason", F_NULL, 2, 200));
static const char *const followup_outcomes[] = {"confirmed", "denied", "unreachable", NULL};
SCHEMA(follow_up_body, S_ENUM("outcome", F_REQ, followup_outcomes), S_STR("note", F_NULL, 2, 200));

/* POST /api/bookings/{id}/confirm-service {happened, reason}: evidence_confirm for the caller. */
void api_bookings_confirm_service(struct req *r)
{
	struct actor a = req_actor(r);
	struct fault f = {0};
	int rc = evidence_confirm(r->store, &a, r->id[0], req_bool(r, "happened", 0), req_str(r, "reason"), &f);
	if (rc)
		req_fault(r, rc, &f);
	else
		booking_reply(r, r->id[0], 200);
}

/* POST /api/bookings/{id}/follow-up {outcome, note}: evidence_follow_up by the service centre. */
void api_bookings_follow_up(struct req *r)
{
	struct actor a = req_actor(r);
	struct fault f = {0};
	int rc = evidence_follow_up(r->store, &a, r->id[0], req_str(r, "outcome"), req_str(r, "note"), &f);
	if (rc)
		req_fault(r, rc, &f);
	else
		booking_reply(r, r->id[0], 200);
}
