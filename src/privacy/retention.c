/* retention.c — the deadline job's pass over personal data. A booking drawn for a spot check keeps
 * its contact while the inspector's return visit is outstanding. */
#include "retention.h"

#include <string.h>

#include "anjia.h"
#include "auth/audit.h"
#include "notify.h"
#include "standards.h"
#include "store/store.h"
#include "util/strbuf.h"

/* A pass over personal data: its standards and its moment, what it did, for the write's body. */
struct retention_pass {
	const struct standards *sd;
	int64_t now;
	struct retention_report *out;
};

static int retention_write(struct store *s, void *arg)
{
	struct retention_pass *rp = arg;
	const struct standards *sd = rp->sd;
	int64_t now = rp->now;
	struct retention_report *out = rp->out;
	int rc;
	memset(out, 0, sizeof *out);
	/* a booking ends when it is checked out, cancelled or missed — or, failing those, at its end */
	struct stmt *st = store_sql(s,
		"UPDATE bookings SET address_sealed = '', contact_phone_sealed = NULL, contact_phone_hash = NULL,"
		" address_hash = NULL, service_code_sealed = NULL, contact_destroyed_at = $1"
		" WHERE contact_destroyed_at IS NULL AND status IN ('completed', 'reviewed', 'cancelled', 'no_show')"
		" AND coalesce(checked_out_at, cancelled_at, no_show_at, end_at) < $2"
		" AND NOT EXISTS (SELECT 1 FROM inspections i WHERE i.booking_id = bookings.id AND i.status = 'assigned')");
	stmt_bind_int(st, 1, now);
	stmt_bind_int(st, 2, now - (int64_t)sd->booking_contact_retention_days * 86400);
	if ((rc = stmt_exec(st)) != AJ_OK)
		return rc;
	out->bookings = store_changes(s);
	st = store_sql(s, "UPDATE complaints SET contact_phone_sealed = NULL, contact_phone_hash = NULL, contact_name = NULL,"
			  " contact_destroyed_at = $1"
			  " WHERE contact_destroyed_at IS NULL AND (contact_phone_sealed IS NOT NULL OR contact_name IS NOT NULL)"
			  " AND status = 'closed' AND closed_at < $2");
	stmt_bind_int(st, 1, now);
	stmt_bind_int(st, 2, now - (int64_t)sd->complaint_contact_retention_days * 86400);
	if ((rc = stmt_exec(st)) != AJ_OK)
		return rc;
	out->complaints = store_changes(s);
	st = store_sql(s, "UPDATE sessions SET peer = '', user_agent = '' WHERE created_at < $1"
			  " AND (peer <> '' OR user_agent <> '')");
	stmt_bind_int(st, 1, now - (int64_t)sd->session_detail_retention_days * 86400);
	if ((rc = stmt_exec(st)) != AJ_OK)
		return rc;
	out->sessions = store_changes(s);
	/* the hash of the network address a complaint without a booking was filed from: kept for the
	 * period its limit counts, no longer */
	st = store_sql(s, "UPDATE complaints SET filed_from_hash = NULL WHERE filed_from_hash IS NOT NULL AND created_at <= $1");
	stmt_bind_int(st, 1, now - (int64_t)sd->unbooked_complaint_days * 86400);
	if ((rc = stmt_exec(st)) != AJ_OK)
		return rc;
	out->complaint_addresses = store_changes(s);
	/* the public tracking page's look-ups, with the address each came from, as long as a session's */
	st = store_sql(s, "DELETE FROM complaint_lookups WHERE at < $1");
	stmt_bind_int(st, 1, now - (int64_t)sd->session_detail_retention_days * 86400);
	if ((rc = stmt_exec(st)) != AJ_OK)
		return rc;
	out->lookups = store_changes(s);
	/* a request for a month item keeps its number to call as long as a booking keeps its own */
	st = store_sql(s, "UPDATE service_requests SET contact_phone_sealed = NULL WHERE contact_phone_sealed IS NOT NULL"
			  " AND status <> 'open' AND coalesce(answered_at, created_at) < $1");
	stmt_bind_int(st, 1, now - (int64_t)sd->booking_contact_retention_days * 86400);
	if ((rc = stmt_exec(st)) != AJ_OK)
		return rc;
	out->service_requests = store_changes(s);
	st = store_sql(s, "UPDATE worker_transfers SET phone_sealed = '' WHERE status = 'pending' AND expires_at <= $1"
			  " AND phone_sealed <> ''");
	stmt_bind_int(st, 1, now);
	if ((rc = stmt_exec(st)) != AJ_OK)
		return rc;
	out->transfers = store_changes(s);
	/* requests past their deadline: escalated to the association, each once */
	int64_t assoc = association_org(s);
	int64_t ids[256];
	int n = 0;
	st = store_sql(s, "SELECT id FROM data_requests WHERE status = 'open' AND breached = 0 AND due_at < $1"
			  " ORDER BY id LIMIT 256");
	stmt_bind_int(st, 1, now);
	rc = stmt_ints(st, ids, 256, &n);
	if (rc < 0)
		return rc;
	rc = AJ_OK;
	for (int i = 0; i < n && rc == AJ_OK; i++) {
		st = store_sql(s, "UPDATE data_requests SET breached = 1 WHERE id = $1");
		stmt_bind_int(st, 1, ids[i]);
		if ((rc = stmt_exec(st)) == AJ_OK && assoc)
			rc = notify(s, assoc, 0, "data_request_overdue", "data_request", ids[i],
				    "一项个人信息更正或删除申请已超过答复期限，请督办。",
				    "A request to correct or delete personal data is past its deadline; follow it up.");
	}
	if (rc)
		return rc;
	out->requests_late = n;
	if (!out->bookings && !out->complaints && !out->sessions && !out->transfers && !out->lookups &&
	    !out->service_requests && !out->requests_late && !out->complaint_addresses) {
		/* nothing was due: rolled back, no write */
		return STORE_WRITE_NOTHING;
	}
	struct strbuf sb;
	strbuf_init(&sb, 256);
	strbuf_addf(&sb, "{\"bookings\":%lld,\"complaints\":%lld,\"sessions\":%lld,\"transfers\":%lld,"
		    "\"lookups\":%lld,\"service_requests\":%lld,\"requests_late\":%lld,\"complaint_addresses\":%lld}",
		    (long long)out->bookings, (long long)out->complaints, (long long)out->sessions, (long long)out->transfers,
		    (long long)out->lookups, (long long)out->service_requests, (long long)out->requests_late,
		    (long long)out->complaint_addresses);
	struct actor a = {0, 0, "jobs"};
	rc = audit_append(s, &a, "retention.purge", "settings", 0, sb.buf, sb.len);
	strbuf_free(&sb);
	return rc;
}

int retention_run(struct store *s, int64_t now, struct retention_report *out)
{
	struct standards sd;
	memset(out, 0, sizeof *out);
	int rc = standards_get(s, &sd);
	if (rc)
		return rc;
	struct retention_pass rp = {.sd = &sd, .now = now, .out = out};
	return store_write(s, retention_write, &rp);
}
