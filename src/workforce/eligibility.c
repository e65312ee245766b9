/* eligibility.c — the facts, the rule, the reasons, and GET /api/workers/{id}/eligibility.
 * The judgement uses the record as it stands now, projected to the instant asked: validity
 * windows, suspensions and quarters are compared with that instant. */
#include "eligibility.h"

#include <string.h>

#include "http/req.h"
#include "http/schema.h"
#include "store/store.h"
#include "util/clock.h"
#include "util/timefmt.h"
#include "workforce/trades.h"
#include "workforce/worker_access.h"

static const struct {
	const char *code, *zh, *en;
} messages[] = {
	{"worker_revoked", "从业资格已被行业吊销。", "Revoked industry-wide."},
	{"worker_suspended", "处于暂停从业期间。", "Suspended."},
	{"not_employed", "没有在职的家政企业。", "Not employed by any company."},
	{"trade_not_registered", "未登记此工种。", "Not registered for this trade."},
	{"identity_unverified", "身份未核验。", "Identity not verified."},
	{"background_missing", "未做背景审查。", "No background check."},
	{"background_failed", "背景审查未通过。", "Failed the background check."},
	{"background_expired", "背景审查已过有效期。", "The background check has lapsed."},
	{"background_expiring", "背景审查即将到期。", "The background check lapses soon."},
	{"health_missing", "没有体检记录。", "No health examination."},
	{"health_failed", "体检不合格。", "Failed the health examination."},
	{"health_expired", "体检已过有效期。", "The health examination has lapsed."},
	{"health_expiring", "体检即将到期。", "The health examination lapses soon."},
	{"insurance_missing", "没有从业保险。", "No insurance."},
	{"insurance_failed", "保险无效。", "The insurance is not valid."},
	{"insurance_expired", "保险已过期。", "The insurance has lapsed."},
	{"insurance_expiring", "保险即将到期。", "The insurance lapses soon."},
	{"certificate_missing", "没有此工种的有效证书。", "No certificate for this trade."},
	{"certificate_expired", "此工种的证书已过期。", "The certificate for this trade has expired."},
	{"certificate_revoked", "此工种的证书已被吊销。", "The certificate for this trade was revoked."},
	{"certificate_expiring", "此工种的证书即将到期。", "The certificate for this trade expires soon."},
	{"safety_training_missing", "安全培训（急救、消防、防护）未全部通过。", "Safety training (first aid, fire, protection) not all passed."},
	{"refresher_missing", "本季度复训未通过，宽限期已过。", "This quarter's refresher not passed, and the grace period is over."},
	{"refresher_due", "本季度复训尚未完成，仍在宽限期内。", "This quarter's refresher is still due, within its grace period."},
	{"training_failed", "最近一次培训考核未通过，通过前不得从事此工种。", "Failed the latest training assessment; may not serve in this trade until passed."},
	{"course_missing", "缺少证书要求的课程。", "A course the certificate requires has not been passed."},
};

const char *elig_message(const char *code, int lang)
{
	for (size_t i = 0; i < ARRAY_LEN(messages); i++)
		if (strcmp(messages[i].code, code) == 0)
			return lang ? messages[i].en : messages[i].zh;
	return code;
}

const char *elig_status_name(enum elig_status st)
{
	return st == ELIG_RED ? "red" : st == ELIG_YELLOW ? "yellow" : "green";
}

static struct elig_reason *add(struct elig_result *out, const char *code, int red, int64_t date)
{
	if (out->n >= ELIG_MAX_REASONS)
		return &out->r[ELIG_MAX_REASONS - 1];
	struct elig_reason *r = &out->r[out->n++];
	r->code = code;
	r->red = red;
	r->date = date;
	r->detail[0] = '\0';
	if (red)
		out->status = ELIG_RED;
	else if (out->status == ELIG_GREEN)
		out->status = ELIG_YELLOW;
	return r;
}

/* The last day something valid until instant `until` still holds. */
static int64_t last_day(int64_t until)
{
	return time_local_days(until - 1);
}

/* A check that must be passed and current: missing, failed, lapsed, or lapsing soon. */
static void judge_check(struct elig_result *out, int result, int64_t until, int64_t at, int64_t warn,
			const char *missing, const char *failed, const char *expired, const char *expiring)
{
	if (result == 0)
		add(out, missing, 1, -1);
	else if (result == 2)
		add(out, failed, 1, -1);
	else if (until && until <= at)
		add(out, expired, 1, last_day(until));
	else if (until && until - at <= warn)
		add(out, expiring, 0, last_day(until));
}

int elig_refresher_owed(const struct elig_facts *f, int64_t at, const struct standards *sd, int64_t *grace_end)
{
	/* the refresher is owed every quarter after the one the worker was first certified in (their
	 * certification training stands for that quarter's); never certified, nothing is owed yet. The
	 * first quarter owed, like any quarter after one that was in order, has the grace period. */
	int q = time_quarter(at);
	int first = f->first_cert_q ? f->first_cert_q : f->cert ? time_quarter(f->cert_from) : 0;
	*grace_end = time_quarter_start(q) + (int64_t)sd->refresher_grace_days * 86400;
	if (!first || q <= first || f->refresher_q1 == q || f->refresher_q2 == q)
		return 0;
	int last_quarter = q - 1 <= first || f->refresher_q1 == q - 1 || f->refresher_q2 == q - 1;
	return last_quarter && at < *grace_end ? 1 : 2;
}

void elig_compute(const struct elig_facts *f, int trade, int64_t at, const struct standards *sd,
		  enum elig_purpose purpose, struct elig_result *out)
{
	int64_t warn = (int64_t)sd->lapse_warning_days * 86400;
	out->status = ELIG_GREEN;
	out->n = 0;
	int service = purpose == ELIG_FOR_SERVICE;

	if (f->revoked)
		add(out, "worker_revoked", 1, -1);
	if (f->suspended_until > at)
		add(out, "worker_suspended", 1, last_day(f->suspended_until));
	if (service && !f->employed)
		add(out, "not_employed", 1, -1);
	if (trade < 0 || !(f->trades_mask & (1u << trade)))
		add(out, "trade_not_registered", 1, -1);
	if (!f->identity_ok)
		add(out, "identity_unverified", 1, -1);
	judge_check(out, f->background, f->background_until, at, warn, "background_missing",
		    "background_failed", "background_expired", "background_expiring");
	judge_check(out, f->health, f->health_until, at, warn, "health_missing", "health_failed",
		    "health_expired", "health_expiring");
	judge_check(out, f->insurance, f->insurance_until, at, warn, "insurance_missing",
		    "insurance_failed", "insurance_expired", "insurance_expiring");
	if (service) {
		if (f->cert == 0 || (f->cert == 1 && at < f->cert_from))
			add(out, "certificate_missing", 1, -1);
		else if (f->cert == 2)
			add(out, "certificate_revoked", 1, -1);
		else if (f->cert_until <= at)
			add(out, "certificate_expired", 1, last_day(f->cert_until));
		else if (f->cert_until - at <= warn)
			add(out, "certificate_expiring", 0, last_day(f->cert_until));
	}
	if ((f->safety_mask & SAFETY_ALL) != SAFETY_ALL) {
		struct elig_reason *r = add(out, "safety_training_missing", 1, -1);
		/* the missing topics, as the course kinds that teach them */
		size_t k = 0;
		static const char *const topics[] = {"safety_first_aid", "safety_fire", "safety_protection"};
		for (int i = 0; i < 3; i++) {
			if (f->safety_mask & (1u << i))
				continue;
			int n = snprintf(r->detail + k, sizeof r->detail - k, "%s%s", k ? "," : "", topics[i]);
			if (n > 0 && (size_t)n < sizeof r->detail - k)
				k += (size_t)n;
		}
	}
	if (service) {
		int64_t grace_end;
		int owed = elig_refresher_owed(f, at, sd, &grace_end);
		if (owed == 1)
			add(out, "refresher_due", 0, last_day(grace_end));
		else if (owed == 2)
			add(out, "refresher_missing", 1, -1);
	}
	if (f->fail_general || (trade >= 0 && (f->fail_mask & (1u << trade))))
		add(out, "training_failed", 1, -1);
}

/* Adds to out the red reasons of the judgement at instant t that out does not have yet. */
static void add_red_at(const struct elig_facts *f, int trade, int64_t t, const struct standards *sd,
		       enum elig_purpose purpose, struct elig_result *out)
{
	struct elig_result at;
	elig_compute(f, trade, t, sd, purpose, &at);
	for (int i = 0; i < at.n; i++) {
		if (!at.r[i].red)
			continue;
		int have = 0;
		for (int k = 0; k < out->n && !have; k++)
			have = strcmp(out->r[k].code, at.r[i].code) == 0;
		if (!have) {
			struct elig_reason *r = add(out, at.r[i].code, 1, at.r[i].date);
			memcpy(r->detail, at.r[i].detail, sizeof r->detail);
		}
	}
}

void elig_compute_span(const struct elig_facts *f, int trade, int64_t start, int64_t end,
		       const struct standards *sd, enum elig_purpose purpose, struct elig_result *out)
{
	elig_compute(f, trade, start, sd, purpose, out);
	if (end <= start + 1)
		return;
	/* what lapses inside the window */
	const int64_t ends[] = {f->background_until, f->health_until, f->insurance_until, f->cert_until};
	for (size_t i = 0; i < ARRAY_LEN(ends); i++)
		if (ends[i] > start && ends[i] < end)
			add_red_at(f, trade, ends[i], sd, purpose, out);
	/* each quarter the window reaches: its start, and the end of its grace period */
	int64_t grace = (int64_t)sd->refresher_grace_days * 86400;
	for (int q = time_quarter(start); q <= time_quarter(end - 1); q++) {
		const int64_t ts[] = {time_quarter_start(q), time_quarter_start(q) + grace};
		for (size_t i = 0; i < ARRAY_LEN(ts); i++)
			if (ts[i] > start && ts[i] < end)
				add_red_at(f, trade, ts[i], sd, purpose, out);
	}
	/* and its last instant, whatever else changes */
	add_red_at(f, trade, end - 1, sd, purpose, out);
}

int elig_window(const struct elig_facts *f, int trade, struct elig_window *w)
{
	unsigned bit = trade >= 0 ? 1u << trade : 0;
	/* what no amount of time mends */
	if (f->revoked || !f->employed || !bit || !(f->trades_mask & bit) || !f->identity_ok ||
	    f->background != 1 || f->health != 1 || f->insurance != 1 || f->cert != 1 ||
	    (f->safety_mask & SAFETY_ALL) != SAFETY_ALL || f->fail_general || (f->fail_mask & bit))
		return 0;
	/* the refresher: from the start of the latest quarter with a pass (or the one before, when
	 * that had one too; or the certificate, when no quarter before was owed) to the start of the
	 * next quarter, plus its grace period */
	int first = f->first_cert_q ? f->first_cert_q : time_quarter(f->cert_from);
	int last = f->refresher_q1 > first ? f->refresher_q1 : first;
	int64_t lo = 0, hi = f->cert_until;
	if (f->refresher_q1 > first) {
		int qlo = f->refresher_q2 == f->refresher_q1 - 1 ? f->refresher_q2 : f->refresher_q1;
		if (qlo - 1 > first)
			lo = time_quarter_start(qlo);
	}
	if (f->cert_from > lo)
		lo = f->cert_from;
	if (f->suspended_until > lo)
		lo = f->suspended_until;
	const int64_t ends[] = {f->background_until, f->health_until, f->insurance_until};
	for (size_t i = 0; i < ARRAY_LEN(ends); i++)
		if (ends[i] && ends[i] < hi)
			hi = ends[i];
	w->from = lo;
	w->until = hi;
	w->refresher_until = time_quarter_start(last + 1);
	/* the refresher's bound gets its grace period where it is read */
	return lo < hi;
}

int64_t elig_window_end(const struct elig_window *w, const struct standards *sd)
{
	int64_t r = w->refresher_until + (int64_t)sd->refresher_grace_days * 86400;
	return r < w->until ? r : w->until;
}

int elig_load(struct store *s, int64_t worker_id, int trade, struct elig_facts *f)
{
	memset(f, 0, sizeof *f);
	struct stmt *st = store_sql(s,
		"SELECT w.status, coalesce(w.suspended_until, 0), w.company_id, f.trades_mask, f.identity_ok,"
		" f.background, f.background_until, f.health, f.health_until, f.insurance, f.insurance_until,"
		" f.safety_mask, f.fail_mask, f.fail_general, f.refresher_q1, f.refresher_q2,"
		" (SELECT min(c.valid_from) FROM certificates c WHERE c.worker_id = w.id)"
		" FROM workers w JOIN worker_facts f ON f.worker_id = w.id WHERE w.id = $1");
	stmt_bind_int(st, 1, worker_id);
	int rc = stmt_step(st);
	if (rc == STORE_ROW) {
		const char *status = stmt_text(st, 0);
		f->revoked = status && strcmp(status, "revoked") == 0;
		f->suspended_until = stmt_int(st, 1);
		f->employed = !stmt_is_null(st, 2);
		f->trades_mask = (unsigned)stmt_int(st, 3);
		f->identity_ok = (int)stmt_int(st, 4);
		f->background = (int)stmt_int(st, 5);
		f->background_until = stmt_int(st, 6);
		f->health = (int)stmt_int(st, 7);
		f->health_until = stmt_int(st, 8);
		f->insurance = (int)stmt_int(st, 9);
		f->insurance_until = stmt_int(st, 10);
		f->safety_mask = (unsigned)stmt_int(st, 11);
		f->fail_mask = (unsigned)stmt_int(st, 12);
		f->fail_general = (int)stmt_int(st, 13);
		f->refresher_q1 = (int)stmt_int(st, 14);
		f->refresher_q2 = (int)stmt_int(st, 15);
		int64_t first;
		if (!stmt_is_null(st, 16) && parse_date(stmt_text(st, 16), &first) == 0)
			f->first_cert_q = time_quarter(time_day_start(first));
	}
	stmt_done(st);
	if (rc != STORE_ROW)
		return rc == STORE_DONE ? AJ_ENOTFOUND : rc;
	return trade < 0 ? AJ_OK : elig_load_cert(s, worker_id, trade, f);
}

int elig_load_cert(struct store *s, int64_t worker_id, int trade, struct elig_facts *f)
{
	f->cert = 0;
	f->cert_from = f->cert_until = 0;
	/* the certificate that counts: a valid one if there is any, else the latest revoked one */
	struct stmt *st = store_sql(s, "SELECT status, valid_from, valid_until FROM certificates"
			  " WHERE worker_id = $1 AND trade = $2 AND status IN ('valid', 'revoked')"
			  " ORDER BY CASE status WHEN 'valid' THEN 0 ELSE 1 END, valid_until DESC LIMIT 1");
	stmt_bind_int(st, 1, worker_id);
	stmt_bind_text(st, 2, trades[trade].code);
	int rc = stmt_step(st);
	if (rc == STORE_ROW) {
		int64_t from, until;
		f->cert = strcmp(stmt_text(st, 0), "valid") == 0 ? 1 : 2;
		if (parse_date(stmt_text(st, 1), &from) == 0 && parse_date(stmt_text(st, 2), &until) == 0) {
			f->cert_from = time_day_start(from);
			f->cert_until = time_day_start(until + 1);
		}
	}
	stmt_done(st);
	return rc < 0 ? rc : AJ_OK;
}

int elig_evaluate(struct store *s, int64_t worker_id, int trade, int64_t at, enum elig_purpose purpose,
		  struct elig_result *out)
{
	struct elig_facts f;
	struct standards sd;
	int rc = elig_load(s, worker_id, trade, &f);
	if (rc == AJ_OK)
		rc = standards_get(s, &sd);
	if (rc == AJ_OK)
		elig_compute(&f, trade, at, &sd, purpose, out);
	return rc;
}

int elig_evaluate_span(struct store *s, int64_t worker_id, int trade, int64_t start, int64_t end,
		       enum elig_purpose purpose, struct elig_result *out)
{
	struct elig_facts f;
	struct standards sd;
	int rc = elig_load(s, worker_id, trade, &f);
	if (rc == AJ_OK)
		rc = standards_get(s, &sd);
	if (rc == AJ_OK)
		elig_compute_span(&f, trade, start, end, &sd, purpose, out);
	return rc;
}

/* ---- keeping the facts ---- */

/* The latest check of a kind: result (0 none, 1 pass, 2 fail) and the instant it lapses. */
static int latest_check(struct store *s, int64_t worker_id, const char *kind, int *result, int64_t *until)
{
	struct stmt *st = store_sql(s, "SELECT result, valid_until FROM checks WHERE worker_id = $1 AND kind = $2"
				       " ORDER BY checked_on DESC, id DESC LIMIT 1");
	stmt_bind_int(st, 1, worker_id);
	stmt_bind_text(st, 2, kind);
	int rc = stmt_step(st);
	*result = 0;
	*until = 0;
	if (rc == STORE_ROW) {
		int64_t days;
		*result = strcmp(stmt_text(st, 0), "pass") == 0 ? 1 : 2;
		if (!stmt_is_null(st, 1) && parse_date(stmt_text(st, 1), &days) == 0)
			*until = time_day_start(days + 1);
	}
	stmt_done(st);
	return rc < 0 ? rc : AJ_OK;
}

/* Rewrites worker_id's windows, one per trade they are registered in and may serve at some time. */
static int refresh_windows(struct store *s, int64_t worker_id)
{
	struct elig_facts f;
	int rc = elig_load(s, worker_id, -1, &f);
	if (rc)
		return rc;
	struct stmt *st = store_sql(s, "DELETE FROM worker_windows WHERE worker_id = $1");
	stmt_bind_int(st, 1, worker_id);
	if ((rc = stmt_exec(st)) != AJ_OK)
		return rc;
	for (int t = 0; t < TRADE_COUNT; t++) {
		struct elig_window win;
		if (!(f.trades_mask & (1u << t)))
			continue;
		if ((rc = elig_load_cert(s, worker_id, t, &f)) != AJ_OK)
			return rc;
		if (!elig_window(&f, t, &win))
			continue;
		st = store_sql(s, "INSERT INTO worker_windows (worker_id, trade, ok_from, ok_until, refresher_until)"
				  " VALUES ($1, $2, $3, $4, $5)");
		stmt_bind_int(st, 1, worker_id);
		stmt_bind_text(st, 2, trades[t].code);
		stmt_bind_int(st, 3, win.from);
		stmt_bind_int(st, 4, win.until);
		stmt_bind_int(st, 5, win.refresher_until);
		if ((rc = stmt_exec(st)) != AJ_OK)
			return rc;
	}
	return AJ_OK;
}

int elig_refresh(struct store *s, int64_t worker_id)
{
	struct elig_facts f;
	int rc, id_result;
	int64_t id_until;
	memset(&f, 0, sizeof f);

	struct stmt *st = store_sql(s, "SELECT trade FROM worker_trades WHERE worker_id = $1");
	stmt_bind_int(st, 1, worker_id);
	while ((rc = stmt_step(st)) == STORE_ROW) {
		int t = trade_index(stmt_text(st, 0));
		if (t >= 0)
			f.trades_mask |= 1u << t;
	}
	stmt_done(st);
	if (rc < 0)
		return rc;

	if ((rc = latest_check(s, worker_id, "identity", &id_result, &id_until)) ||
	    (rc = latest_check(s, worker_id, "background", &f.background, &f.background_until)) ||
	    (rc = latest_check(s, worker_id, "health", &f.health, &f.health_until)) ||
	    (rc = latest_check(s, worker_id, "insurance", &f.insurance, &f.insurance_until)))
		return rc;
	f.identity_ok = id_result == 1;

	/* every course attempted, the latest attempt first: safety topics passed, fails still standing */
	st = store_sql(s, "SELECT c.id, c.kind, c.trade, e.passed, c.refresher, e.quarter"
			  " FROM enrolments e JOIN training_sessions t ON t.id = e.session_id"
			  " JOIN courses c ON c.id = t.course_id"
			  " WHERE e.worker_id = $1 AND e.recorded_at IS NOT NULL AND e.attended = 1"
			  " ORDER BY c.id, t.starts_at DESC, e.recorded_at DESC, e.id DESC");
	stmt_bind_int(st, 1, worker_id);
	int64_t last_course = 0;
	while ((rc = stmt_step(st)) == STORE_ROW) {
		int64_t course = stmt_int(st, 0);
		const char *kind = stmt_text(st, 1);
		int passed = (int)stmt_int(st, 3);
		if (passed) {
			if (strcmp(kind, "safety_first_aid") == 0)
				f.safety_mask |= SAFETY_FIRST_AID;
			else if (strcmp(kind, "safety_fire") == 0)
				f.safety_mask |= SAFETY_FIRE;
			else if (strcmp(kind, "safety_protection") == 0)
				f.safety_mask |= SAFETY_PROTECTION;
			if (stmt_int(st, 4)) {
				int q = (int)stmt_int(st, 5);
				if (q > f.refresher_q1) {
					f.refresher_q2 = f.refresher_q1;
					f.refresher_q1 = q;
				} else if (q < f.refresher_q1 && q > f.refresher_q2) {
					f.refresher_q2 = q;
				}
			}
		}
		if (course != last_course && !passed) {
			/* the latest attempt of this course failed */
			int t = stmt_is_null(st, 2) ? -1 : trade_index(stmt_text(st, 2));
			if (t >= 0)
				f.fail_mask |= 1u << t;
			else
				f.fail_general = 1;
		}
		last_course = course;
	}
	stmt_done(st);
	if (rc < 0)
		return rc;

	st = store_sql(s,
		"INSERT INTO worker_facts (worker_id, trades_mask, identity_ok, background, background_until,"
		" health, health_until, insurance, insurance_until, safety_mask, fail_mask, fail_general,"
		" refresher_q1, refresher_q2, updated_at)"
		" VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15)"
		" ON CONFLICT (worker_id) DO UPDATE SET trades_mask = $2, identity_ok = $3, background = $4,"
		" background_until = $5, health = $6, health_until = $7, insurance = $8, insurance_until = $9,"
		" safety_mask = $10, fail_mask = $11, fail_general = $12, refresher_q1 = $13,"
		" refresher_q2 = $14, updated_at = $15");
	stmt_bind_int(st, 1, worker_id);
	stmt_bind_int(st, 2, f.trades_mask);
	stmt_bind_int(st, 3, f.identity_ok);
	stmt_bind_int(st, 4, f.background);
	stmt_bind_int(st, 5, f.background_until);
	stmt_bind_int(st, 6, f.health);
	stmt_bind_int(st, 7, f.health_until);
	stmt_bind_int(st, 8, f.insurance);
	stmt_bind_int(st, 9, f.insurance_until);
	stmt_bind_int(st, 10, f.safety_mask);
	stmt_bind_int(st, 11, f.fail_mask);
	stmt_bind_int(st, 12, f.fail_general);
	stmt_bind_int(st, 13, f.refresher_q1);
	stmt_bind_int(st, 14, f.refresher_q2);
	stmt_bind_int(st, 15, clock_now());
	if ((rc = stmt_exec(st)) != AJ_OK)
		return rc;
	return refresh_windows(s, worker_id);
}

/* ---- JSON ---- */

void elig_reasons_json(struct jw *w, const struct elig_result *res, int lang)
{
	char day[11];
	jw_arr(w);
	for (int i = 0; i < res->n; i++) {
		const struct elig_reason *r = &res->r[i];
		jw_obj(w);
		jw_kstr(w, "code", r->code);
		jw_kstr(w, "severity", r->red ? "red" : "yellow");
		jw_kstr(w, "message", elig_message(r->code, lang));
		if (r->date >= 0) {
			time_format_date(r->date, day);
			jw_kstr(w, "date", day);
		}
		if (r->detail[0])
			jw_kstr(w, "detail", r->detail);
		jw_obj_end(w);
	}
	jw_arr_end(w);
}

int elig_summary(struct store *s, int64_t worker_id, int64_t at, struct elig_summary *out)
{
	struct standards sd;
	struct elig_facts f;
	int rc = standards_get(s, &sd);
	if (rc == AJ_OK)
		rc = elig_load(s, worker_id, -1, &f);
	if (rc)
		return rc;
	memset(out, 0, sizeof *out);
	int any_ok = 0, all_green = 1, refresher_noted = 0;
	int64_t warn = (int64_t)sd.lapse_warning_days * 86400;
	for (int t = 0; t < TRADE_COUNT && out->n_trades < 8; t++) {
		if (!(f.trades_mask & (1u << t)))
			continue;
		struct elig_result res;
		if ((rc = elig_load_cert(s, worker_id, t, &f)) != AJ_OK)
			return rc;
		elig_compute(&f, t, at, &sd, ELIG_FOR_SERVICE, &res);
		out->trade[out->n_trades] = t;
		out->trade_status[out->n_trades] = res.status;
		out->n_trades++;
		any_ok |= res.status != ELIG_RED;
		all_green &= res.status == ELIG_GREEN;
		if (f.cert == 1 && f.cert_until > at && f.cert_until - at <= warn && out->n_lapsing < 16) {
			out->lapsing[out->n_lapsing].what = "certificate";
			out->lapsing[out->n_lapsing].trade = t;
			out->lapsing[out->n_lapsing].date = last_day(f.cert_until);
			out->n_lapsing++;
		}
		/* the refresher is the same for every trade: noted once */
		for (int i = 0; i < res.n && !refresher_noted; i++) {
			if (strcmp(res.r[i].code, "refresher_due") == 0 && out->n_lapsing < 16) {
				refresher_noted = 1;
				out->lapsing[out->n_lapsing].what = "refresher";
				out->lapsing[out->n_lapsing].trade = -1;
				out->lapsing[out->n_lapsing].date = res.r[i].date;
				out->n_lapsing++;
			}
		}
	}
	static const char *const what[] = {"background", "health", "insurance"};
	const int64_t until[] = {f.background_until, f.health_until, f.insurance_until};
	const int result[] = {f.background, f.health, f.insurance};
	for (int i = 0; i < 3 && out->n_lapsing < 16; i++) {
		if (result[i] == 1 && until[i] > at && until[i] - at <= warn) {
			out->lapsing[out->n_lapsing].what = what[i];
			out->lapsing[out->n_lapsing].trade = -1;
			out->lapsing[out->n_lapsing].date = last_day(until[i]);
			out->n_lapsing++;
		}
	}
	out->status = !any_ok ? ELIG_RED : all_green ? ELIG_GREEN : ELIG_YELLOW;
	return AJ_OK;
}

void elig_summary_json(struct jw *w, const struct elig_summary *sum)
{
	char day[11];
	jw_key(w, "eligibility");
	jw_obj(w);
	jw_kstr(w, "status", elig_status_name(sum->status));
	jw_key(w, "trades");
	jw_arr(w);
	for (int i = 0; i < sum->n_trades; i++) {
		jw_obj(w);
		jw_kstr(w, "trade", trades[sum->trade[i]].code);
		jw_kstr(w, "status", elig_status_name(sum->trade_status[i]));
		jw_obj_end(w);
	}
	jw_arr_end(w);
	jw_obj_end(w);
	jw_key(w, "lapsing");
	jw_arr(w);
	for (int i = 0; i < sum->n_lapsing; i++) {
		jw_obj(w);
		jw_kstr(w, "what", sum->lapsing[i].what);
		if (sum->lapsing[i].trade >= 0)
			jw_kstr(w, "trade", trades[sum->lapsing[i].trade].code);
		time_format_date(sum->lapsing[i].date, day);
		jw_kstr(w, "date", day);
		jw_obj_end(w);
	}
	jw_arr_end(w);
}

/* ---- HTTP ---- */

SCHEMA(eligibility_query, S_ENUM("trade", F_REQ, trade_codes), S_TIME("at", 0));

/* Names, in a training_failed reason, the course whose latest attempt failed. */
static void fail_detail(struct store *s, int64_t worker_id, int trade, struct elig_reason *r)
{
	struct stmt *st = store_sql(s,
		"SELECT c.id, c.code, e.passed FROM enrolments e JOIN training_sessions t ON t.id = e.session_id"
		" JOIN courses c ON c.id = t.course_id WHERE e.worker_id = $1 AND e.recorded_at IS NOT NULL"
		" AND e.attended = 1 AND (c.trade IS NULL OR c.trade = $2)"
		" ORDER BY c.id, t.starts_at DESC, e.recorded_at DESC, e.id DESC");
	stmt_bind_int(st, 1, worker_id);
	stmt_bind_text(st, 2, trades[trade].code);
	int64_t last = 0;
	while (stmt_step(st) == STORE_ROW) {
		int64_t course = stmt_int(st, 0);
		if (course != last && stmt_int(st, 2) == 0) {
			str_copy(r->detail, sizeof r->detail, stmt_text(st, 1));
			break;
		}
		last = course;
	}
	stmt_done(st);
}

void api_workers_eligibility(struct req *r)
{
	int64_t at = clock_now();
	const char *at_s = req_qstr(r, "at");
	if (at_s)
		time_parse_iso(at_s, &at);
	int trade = trade_index(req_qstr(r, "trade"));
	int rc = worker_visible(r, r->id[0]);
	if (rc) {
		req_fail(r, rc);
		return;
	}
	struct elig_result res;
	if ((rc = elig_evaluate(r->store, r->id[0], trade, at, ELIG_FOR_SERVICE, &res)) != AJ_OK) {
		req_fail(r, rc);
		return;
	}
	for (int i = 0; i < res.n; i++)
		if (strcmp(res.r[i].code, "training_failed") == 0)
			fail_detail(r->store, r->id[0], trade, &res.r[i]);
	struct jw *w = req_jw(r);
	jw_obj(w);
	jw_kint(w, "worker_id", r->id[0]);
	jw_kstr(w, "trade", trades[trade].code);
	jw_ktime(w, "at", at);
	jw_kstr(w, "status", elig_status_name(res.status));
	jw_kbool(w, "may_serve", res.status != ELIG_RED);
	jw_key(w, "reasons");
	elig_reasons_json(w, &res, r->lang);
	jw_obj_end(w);
	req_send(r, 200);
}
