/* employment.c — a worker's employer and what the employer keeps of them: employments started,
 * ended and moved, trades, the sealed phone. The tables are the registry's (workers, employments,
 * worker_trades); this file is where an employer changes. */
#include "employment.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "auth/keys.h"
#include "notify.h"
#include "privacy/sealed.h"
#include "services/bookings.h"
#include "store/store.h"
#include "util/clock.h"
#include "util/strbuf.h"
#include "util/timefmt.h"
#include "workforce/eligibility.h"
#include "workforce/trades.h"

int worker_set_trades(struct store *s, int64_t id, const int *t, int n)
{
	struct stmt *st = store_sql(s, "DELETE FROM worker_trades WHERE worker_id = $1");
	stmt_bind_int(st, 1, id);
	int rc = stmt_exec(st);
	for (int i = 0; i < n && rc == AJ_OK; i++) {
		st = store_sql(s, "INSERT INTO worker_trades (worker_id, trade) VALUES ($1, $2)"
				  " ON CONFLICT (worker_id, trade) DO NOTHING");
		stmt_bind_int(st, 1, id);
		stmt_bind_text(st, 2, trades[t[i]].code);
		rc = stmt_exec(st);
	}
	return rc;
}


int employment_start(struct store *s, int64_t id, int64_t company, const char *today)
{
	struct stmt *st = store_sql(s, "INSERT INTO employments (worker_id, company_id, started_on) VALUES ($1, $2, $3)");
	stmt_bind_int(st, 1, id);
	stmt_bind_int(st, 2, company);
	stmt_bind_text(st, 3, today);
	int rc = stmt_exec(st);
	if (rc)
		return rc;
	st = store_sql(s, "UPDATE workers SET company_id = $2, employed_since = $3, updated_at = $4 WHERE id = $1");
	stmt_bind_int(st, 1, id);
	stmt_bind_int(st, 2, company);
	stmt_bind_text(st, 3, today);
	stmt_bind_int(st, 4, clock_now());
	if ((rc = stmt_exec(st)) != AJ_OK)
		return rc;
	/* a worker's login follows their employer: moves only ever happen with the worker's consent */
	st = store_sql(s, "UPDATE users SET org_id = $2 WHERE id = (SELECT user_id FROM workers WHERE id = $1)");
	stmt_bind_int(st, 1, id);
	stmt_bind_int(st, 2, company);
	return stmt_exec(st);
}

int employment_end(struct store *s, int64_t id, const char *today, const char *reason)
{
	/* the company the worker leaves keeps its bookings, not the worker: those still to come go
	 * back to its queue */
	int64_t company = 0;
	struct stmt *st = store_sql(s, "SELECT coalesce(company_id, 0) FROM workers WHERE id = $1");
	stmt_bind_int(st, 1, id);
	int rc = stmt_one_int(st, &company);
	if (rc == AJ_OK && company)
		rc = bookings_release_worker(s, id, company);
	if (rc)
		return rc;
	st = store_sql(s, "UPDATE employments SET ended_on = $2, end_reason = $3"
				       " WHERE worker_id = $1 AND ended_on IS NULL");
	stmt_bind_int(st, 1, id);
	stmt_bind_text(st, 2, today);
	stmt_bind_text(st, 3, reason);
	rc = stmt_exec(st);
	if (rc)
		return rc;
	st = store_sql(s, "UPDATE workers SET company_id = NULL, employed_since = NULL, updated_at = $2 WHERE id = $1");
	stmt_bind_int(st, 1, id);
	stmt_bind_int(st, 2, clock_now());
	if ((rc = stmt_exec(st)) != AJ_OK)
		return rc;
	/* the login leaves with the worker: a company the worker left manages it no more (it could
	 * otherwise disable it, or make it a reset code) */
	st = store_sql(s, "UPDATE users SET org_id = NULL WHERE id = (SELECT user_id FROM workers WHERE id = $1)");
	stmt_bind_int(st, 1, id);
	return stmt_exec(st);
}

int worker_set_phone(struct store *s, int64_t id, const char *phone)
{
	char *sealed = keys_seal_for(SEALED_WORKER_PHONE, id, phone);
	struct stmt *st = store_sql(s, "UPDATE workers SET phone_sealed = $2 WHERE id = $1");
	stmt_bind_int(st, 1, id);
	stmt_bind_text(st, 2, sealed);
	int rc = stmt_exec(st);
	free(sealed);
	return rc;
}

int employment_move(struct store *s, int64_t id, int64_t to_company, const struct worker_details *d, int64_t *from)
{
	char today[11];
	time_format_date(time_today(), today);
	int64_t company = 0;
	struct stmt *st = store_sql(s, "SELECT coalesce(company_id, 0) FROM workers WHERE id = $1 AND status = 'active'");
	stmt_bind_int(st, 1, id);
	int rc = stmt_one_int(st, &company);
	if (rc)
		return rc;
	if (from)
		*from = company;
	if (company == to_company)
		return AJ_ECONFLICT;
	if (company && (rc = employment_end(s, id, today, "moved")) != AJ_OK)
		return rc;
	if ((rc = employment_start(s, id, to_company, today)) != AJ_OK)
		return rc;
	st = store_sql(s, "UPDATE workers SET level = $2, photo_ref = coalesce($3, photo_ref),"
			  " experience_since = coalesce(experience_since, $4) WHERE id = $1");
	stmt_bind_int(st, 1, id);
	stmt_bind_text(st, 2, d->level);
	stmt_bind_text(st, 3, d->photo_ref);
	stmt_bind_text(st, 4, d->experience_since);
	if ((rc = stmt_exec(st)) != AJ_OK || (rc = worker_set_phone(s, id, d->phone)) != AJ_OK ||
	    (rc = worker_set_trades(s, id, d->trades, d->n_trades)) != AJ_OK || (rc = elig_refresh(s, id)) != AJ_OK)
		return rc;
	if (company) {
		/* the company the worker leaves hears of it */
		char zh[512], en[512], org[160] = "", name[96] = "";
		st = store_sql(s, "SELECT w.name, o.name FROM workers w JOIN orgs o ON o.id = $2 WHERE w.id = $1");
		stmt_bind_int(st, 1, id);
		stmt_bind_int(st, 2, to_company);
		if (stmt_step(st) == STORE_ROW) {
			str_copy(name, sizeof name, stmt_text(st, 0));
			str_copy(org, sizeof org, stmt_text(st, 1));
		}
		stmt_done(st);
		snprintf(zh, sizeof zh, "服务人员%s经本人确认已转入%s，与本企业的雇佣关系已结束。", name, org);
		snprintf(en, sizeof en, "Worker %s has moved to %s with their own confirmation; their employment here has ended.",
			 name, org);
		rc = notify(s, company, 0, "worker_moved", "worker", id, zh, en);
	}
	return rc;
}

