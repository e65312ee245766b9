/* worker_json.c — writing a worker's record for its viewer. The birth date and the age are read
 * from the sealed number when needed, never kept in clear beside the mask. */
#include "worker_json.h"

#include <sodium.h>
#include <string.h>

#include "http/req.h"
#include "privacy/sealed.h"
#include "store/store.h"
#include "util/timefmt.h"
#include "workforce/eligibility.h"
#include "workforce/worker_access.h"

int worker_card(int64_t id, const char *id_sealed, struct idcard *card)
{
	char number[19];
	int rc = sealed_worker_number(id, id_sealed, number) == 0 && idcard_parse(number, time_today(), card) ? 0 : -1;
	sodium_memzero(number, sizeof number);
	return rc;
}

enum worker_view worker_view_of(struct req *r, int64_t worker_user_id)
{
	if (r->user.role == ROLE_ASSOCIATION_ADMIN || (worker_user_id && worker_user_id == r->user.user_id))
		return WV_FULL;
	return WV_EMPLOYER;
}

/* Writes the worker at the current row of st (WORKER_COLUMNS). */
static void row_json(struct store *s, struct stmt *st, enum worker_view view, int64_t at,
		     const struct worker_more *more, struct jw *w)
{
	char day[11];
	int64_t id = stmt_int(st, 0);
	jw_obj(w);
	jw_kint(w, "id", id);
	jw_kstr(w, "name", stmt_text(st, 1));
	jw_kstr(w, "id_number_masked", stmt_text(st, 2));
	jw_kstr(w, "sex", stmt_text(st, 4));
	if (view != WV_AUDIT) {
		struct idcard card;
		int have = worker_card(id, stmt_text(st, 3), &card) == 0;
		jw_key(w, "age");
		if (have)
			jw_int(w, idcard_age(&card, time_today()));
		else
			jw_null(w);
		if (view == WV_FULL) {
			jw_key(w, "birth_date");
			if (have) {
				time_format_date(time_days_from_civil(card.year, (unsigned)card.month, (unsigned)card.day), day);
				jw_str(w, day);
			} else {
				jw_null(w);
			}
		}
		sodium_memzero(&card, sizeof card);
	}
	if (view == WV_EMPLOYER || view == WV_FULL) {
		char phone[32];
		jw_key(w, "phone");
		if (sealed_worker_phone(id, stmt_text(st, 5), phone, sizeof phone) == 0)
			jw_str(w, phone);
		else
			jw_null(w);
		sodium_memzero(phone, sizeof phone);
	}
	jw_kstr(w, "photo_ref", stmt_text(st, 6));
	jw_key(w, "trades");
	worker_trades_json(s, id, w);
	jw_kstr(w, "level", stmt_text(st, 7));
	jw_kstr(w, "status", stmt_text(st, 8));
	jw_kstr(w, "revoked_reason", stmt_text(st, 9));
	int64_t susp = stmt_int(st, 10);
	jw_key(w, "suspended_until");
	if (susp && (at < 0 || susp > at)) {
		time_format_date(time_local_days(susp - 1), day);
		jw_str(w, day);
	} else {
		jw_null(w);
	}
	jw_kstr(w, "suspension_reason", susp && (at < 0 || susp > at) ? stmt_text(st, 11) : NULL);
	jw_kref(w, "company", stmt_int(st, 12), stmt_text(st, 13));
	jw_kstr(w, "employed_since", stmt_text(st, 14));
	jw_kstr(w, "experience_since", stmt_text(st, 15));
	const char *since = stmt_text(st, 15) ? stmt_text(st, 15) : stmt_text(st, 19);
	jw_kint(w, "years_of_experience", worker_years_since(since));
	jw_kid(w, "user_id", stmt_int(st, 16));
	jw_ktime(w, "created_at", stmt_int(st, 17));
	jw_ktime(w, "updated_at", stmt_int(st, 18));
	if (at >= 0) {
		struct elig_summary sum;
		if (elig_summary(s, id, at, &sum) == AJ_OK)
			elig_summary_json(w, &sum);
	}
	if (more)
		more->fn(s, id, w, more->ctx);
	jw_obj_end(w);
}

int worker_write(struct store *s, int64_t id, enum worker_view view, int64_t at, const struct worker_more *more,
		 struct jw *w)
{
	struct stmt *st = store_sql(s, "SELECT " WORKER_COLUMNS WORKER_FROM " WHERE w.id = $1");
	stmt_bind_int(st, 1, id);
	int rc = stmt_step(st);
	if (rc == STORE_ROW)
		row_json(s, st, view, at, more, w);
	stmt_done(st);
	return rc == STORE_ROW ? AJ_OK : rc == STORE_DONE ? AJ_ENOTFOUND : rc;
}

int worker_state(struct store *s, int64_t id, struct strbuf *sb)
{
	struct jw w;
	jw_init(&w, sb);
	return worker_write(s, id, WV_AUDIT, -1, NULL, &w);
}
