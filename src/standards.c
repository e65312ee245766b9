/* standards.c — reading, caching and changing the standards. */
#include "standards.h"

#include <stdatomic.h>
#include <string.h>

#include "auth/audit.h"
#include "http/req.h"
#include "http/schema.h"
#include "store/store.h"
#include "util/clock.h"

static const struct {
	const char *key;
	size_t off;
	int min, max;
} fields[] = {
	{"health_valid_months", offsetof(struct standards, health_valid_months), 1, 60},
	{"background_valid_months", offsetof(struct standards, background_valid_months), 1, 60},
	{"refresher_grace_days", offsetof(struct standards, refresher_grace_days), 0, 90},
	{"lapse_warning_days", offsetof(struct standards, lapse_warning_days), 0, 90},
	{"training_pass_target", offsetof(struct standards, training_pass_target), 50, 100},
	{"punctuality_tolerance_minutes", offsetof(struct standards, punctuality_tolerance_minutes), 0, 120},
	{"address_visible_hours", offsetof(struct standards, address_visible_hours), 0, 720},
	{"satisfaction_target", offsetof(struct standards, satisfaction_target), 50, 100},
	{"punctuality_target", offsetof(struct standards, punctuality_target), 50, 100},
	{"complaint_feedback_hours", offsetof(struct standards, complaint_feedback_hours), 1, 720},
	{"complaint_resolve_days", offsetof(struct standards, complaint_resolve_days), 1, 90},
	{"complaint_reopen_days", offsetof(struct standards, complaint_reopen_days), 1, 90},
	{"claim_decision_days", offsetof(struct standards, claim_decision_days), 1, 90},
	{"claim_payment_days", offsetof(struct standards, claim_payment_days), 1, 90},
	{"rectification_days", offsetof(struct standards, rectification_days), 1, 90},
	{"spot_check_pass_score", offsetof(struct standards, spot_check_pass_score), 1, 100},
	{"booking_contact_retention_days", offsetof(struct standards, booking_contact_retention_days), 1, 3650},
	{"complaint_contact_retention_days", offsetof(struct standards, complaint_contact_retention_days), 1, 3650},
	{"session_detail_retention_days", offsetof(struct standards, session_detail_retention_days), 1, 365},
	{"data_request_days", offsetof(struct standards, data_request_days), 1, 60},
	{"registry_lookups_per_hour", offsetof(struct standards, registry_lookups_per_hour), 10, 100000},
	{"record_grant_max_days", offsetof(struct standards, record_grant_max_days), 1, 365},
	{"audit_checkpoint_minutes", offsetof(struct standards, audit_checkpoint_minutes), 5, 1440},
};

SCHEMA(standards_body, S_INT("health_valid_months", 0, 1, 60), S_INT("background_valid_months", 0, 1, 60),
       S_INT("refresher_grace_days", 0, 0, 90), S_INT("lapse_warning_days", 0, 0, 90),
       S_INT("training_pass_target", 0, 50, 100), S_INT("punctuality_tolerance_minutes", 0, 0, 120),
       S_INT("address_visible_hours", 0, 0, 720), S_INT("satisfaction_target", 0, 50, 100),
       S_INT("punctuality_target", 0, 50, 100), S_INT("complaint_feedback_hours", 0, 1, 720),
       S_INT("complaint_resolve_days", 0, 1, 90), S_INT("complaint_reopen_days", 0, 1, 90),
       S_INT("claim_decision_days", 0, 1, 90), S_INT("claim_payment_days", 0, 1, 90),
       S_INT("rectification_days", 0, 1, 90), S_INT("spot_check_pass_score", 0, 1, 100),
       S_INT("booking_contact_retention_days", 0, 1, 3650), S_INT("complaint_contact_retention_days", 0, 1, 3650),
       S_INT("session_detail_retention_days", 0, 1, 365), S_INT("data_request_days", 0, 1, 60),
       S_INT("registry_lookups_per_hour", 0, 10, 100000), S_INT("record_grant_max_days", 0, 1, 365),
       S_INT("audit_checkpoint_minutes", 0, 5, 1440));

static atomic_uint version = 1;

static int load(struct store *s, struct standards *out)
{
	static const struct standards defaults = {12, 12, 30, 30, 98, 15, 24, 95, 98, 48, 7, 7, 7, 15, 15, 80,
							  180, 180, 30, 15, 1000, 90, 60};
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

static void standards_json(struct jw *w, const struct standards *sd)
{
	jw_obj(w);
	for (size_t i = 0; i < ARRAY_LEN(fields); i++)
		jw_kint(w, fields[i].key, *(const int *)((const char *)sd + fields[i].off));
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
	standards_json(&w, &sd);
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
	standards_json(req_jw(r), &sd);
	req_send(r, 200);
}

void api_standards_update(struct req *r)
{
	int rc = store_begin(r->store);
	if (rc) {
		req_fail(r, rc);
		return;
	}
	for (size_t i = 0; i < ARRAY_LEN(fields) && rc == AJ_OK; i++) {
		if (!req_has(r, fields[i].key))
			continue;
		struct stmt *st = store_sql(r->store, "UPDATE standards SET value = $1 WHERE key = $2");
		stmt_bind_int(st, 1, req_int(r, fields[i].key, 0));
		stmt_bind_text(st, 2, fields[i].key);
		rc = stmt_exec(st);
	}
	if (rc) {
		store_rollback(r->store);
		req_fail(r, rc);
		return;
	}
	struct actor a = req_actor(r);
	if ((rc = audit_commit(r->store, &a, "standards.update", "standards", 0, standards_state)) != AJ_OK) {
		req_fail(r, rc);
		return;
	}
	atomic_fetch_add(&version, 1);
	api_public_standards(r);
}
