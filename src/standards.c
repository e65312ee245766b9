/* standards.c — reading, caching and changing the standards. */
#include "standards.h"

#include <stdatomic.h>
#include <string.h>

#include "auth/audit.h"
#include "http/req.h"
#include "http/schema.h"
#include "store/store.h"
#include "util/clock.h"

/* Every standard once: its key, the range the association may set it in, and its value until it
 * does (the migrations write the same defaults into the table). */
#define STANDARDS(X) \
	X(health_valid_months, 1, 60, 12) \
	X(background_valid_months, 1, 60, 12) \
	X(refresher_grace_days, 0, 90, 30) \
	X(lapse_warning_days, 0, 90, 30) \
	X(training_pass_target, 50, 100, 98) \
	X(punctuality_tolerance_minutes, 0, 120, 15) \
	X(address_visible_hours, 0, 720, 24) \
	X(satisfaction_target, 50, 100, 95) \
	X(punctuality_target, 50, 100, 98) \
	X(complaint_feedback_hours, 1, 720, 48) \
	X(complaint_resolve_days, 1, 90, 7) \
	X(complaint_reopen_days, 1, 90, 7) \
	X(complaint_pause_max_hours, 1, 720, 72) \
	X(complaint_pauses_max, 0, 10, 2) \
	X(complaint_text_min, 1, 200, 10) \
	X(claim_decision_days, 1, 90, 7) \
	X(claim_payment_days, 1, 90, 15) \
	X(claim_accept_days, 1, 90, 7) \
	X(claim_reference_min, 4, 40, 8) \
	X(rectification_days, 1, 90, 15) \
	X(spot_check_pass_score, 1, 100, 80) \
	X(spot_check_share_percent, 1, 100, 5) \
	X(spot_check_min_per_company, 0, 50, 1) \
	X(spot_check_draw_day, 1, 28, 3) \
	X(booking_contact_retention_days, 1, 3650, 180) \
	X(complaint_contact_retention_days, 1, 3650, 180) \
	X(session_detail_retention_days, 1, 365, 30) \
	X(data_request_days, 1, 60, 15) \
	X(registry_lookups_per_hour, 10, 100000, 1000) \
	X(record_grant_max_days, 1, 365, 90) \
	X(audit_checkpoint_minutes, 5, 1440, 60) \
	X(checkout_tolerance_minutes, 0, 120, 15) \
	X(live_named_bookings_max, 1, 100000, 5) \
	X(request_confirm_hours, 1, 720, 48) \
	X(no_show_answer_hours, 1, 720, 72) \
	X(hourly_from_hour, 0, 23, 7) \
	X(hourly_until_hour, 1, 24, 21) \
	X(day_start_from_hour, 0, 23, 6) \
	X(day_start_until_hour, 1, 24, 10) \
	X(complaint_verify_hours, 1, 168, 24) \
	X(unbooked_complaints_max, 1, 100, 3) \
	X(unbooked_complaint_days, 1, 365, 30) \
	X(checkin_early_minutes, 0, 180, 60) \
	X(review_new_account_days, 0, 365, 7) \
	X(review_quick_minutes, 0, 1440, 30)

static const struct {
	const char *key;
	size_t off;
	int min, max;
} fields[] = {
#define FIELD(k, lo, hi, dflt) {#k, offsetof(struct standards, k), lo, hi},
	STANDARDS(FIELD)
#undef FIELD
};

#define BODY_FIELD(k, lo, hi, dflt) S_INT(#k, 0, lo, hi),
SCHEMA(standards_body, STANDARDS(BODY_FIELD));
#undef BODY_FIELD

static atomic_uint version = 1;

static int load(struct store *s, struct standards *out)
{
	static const struct standards defaults = {
#define DEFAULT(k, lo, hi, dflt) .k = dflt,
		STANDARDS(DEFAULT)
#undef DEFAULT
	};
	*out = defaults;
	struct stmt *st = store_sql(s, "SELECT key, value FROM standards");
	int rc;
	while ((rc = stmt_step(st)) == STORE_ROW) {
		const char *k = stmt_text(st, 0);
		for (size_t i = 0; k && i < ARRAY_LEN(fields); i++)
			if (strcmp(k, fields[i].key) == 0)
				*(int *)((char *)out + fields[i].off) = (int)stmt_int(st, 1);
	}
	stmt_done(st);
	return rc < 0 ? rc : AJ_OK;
}

int standards_get(struct store *s, struct standards *out)
{
	static _Thread_local struct standards cached;
	static _Thread_local unsigned cached_version;
	static _Thread_local int64_t cached_at;
	int64_t now = clock_now();
	unsigned v = atomic_load(&version);
	if (cached_version != v || now - cached_at >= 10 || now < cached_at) {
		int rc = load(s, &cached);
		if (rc)
			return rc;
		cached_version = v;
		cached_at = now;
	}
	*out = cached;
	return AJ_OK;
}

static void standards_json(struct jw *w, const struct standards *sd, int limits)
{
	jw_obj(w);
	for (size_t i = 0; i < ARRAY_LEN(fields); i++)
		jw_kint(w, fields[i].key, *(const int *)((const char *)sd + fields[i].off));
	if (limits) {
		/* the ranges each may be set in, for the page that sets them */
		jw_key(w, "limits");
		jw_obj(w);
		for (size_t i = 0; i < ARRAY_LEN(fields); i++) {
			jw_key(w, fields[i].key);
			jw_obj(w);
			jw_kint(w, "min", fields[i].min);
			jw_kint(w, "max", fields[i].max);
			jw_obj_end(w);
		}
		jw_obj_end(w);
	}
	jw_obj_end(w);
}

static int standards_state(struct store *s, int64_t id, struct strbuf *sb)
{
	(void)id;
	struct standards sd;
	struct jw w;
	int rc = load(s, &sd);
	if (rc)
		return rc;
	jw_init(&w, sb);
	standards_json(&w, &sd, 0);
	return AJ_OK;
}

void api_public_standards(struct req *r)
{
	struct standards sd;
	int rc = load(r->store, &sd);
	if (rc) {
		req_fail(r, rc);
		return;
	}
	standards_json(req_jw(r), &sd, 1);
	req_send(r, 200);
}

/* A change of the standards, for the write's body: the values the request sets, by whom. */
struct standards_edit {
	struct req *r;
	const struct actor *a;
};

static int update_write(struct store *s, void *arg)
{
	const struct standards_edit *e = arg;
	int rc = AJ_OK;
	for (size_t i = 0; i < ARRAY_LEN(fields) && rc == AJ_OK; i++) {
		if (!req_has(e->r, fields[i].key))
			continue;
		struct stmt *st = store_sql(s, "UPDATE standards SET value = $1 WHERE key = $2");
		stmt_bind_int(st, 1, req_int(e->r, fields[i].key, 0));
		stmt_bind_text(st, 2, fields[i].key);
		rc = stmt_exec(st);
	}
	if (rc)
		return rc;
	return audit_append_state(s, e->a, "standards.update", "standards", 0, standards_state);
}

void api_standards_update(struct req *r)
{
	struct actor a = req_actor(r);
	struct standards_edit e = {r, &a};
	int rc = store_write(r->store, update_write, &e);
	if (rc) {
		req_fail(r, rc);
		return;
	}
	atomic_fetch_add(&version, 1);
	api_public_standards(r);
}
