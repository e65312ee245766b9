/* lapses.c — the daily pass that tells workers what is about to lapse. */
#include "lapses.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "anjia.h"
#include "auth/audit.h"
#include "notify.h"
#include "standards.h"
#include "store/store.h"
#include "util/strbuf.h"
#include "util/timefmt.h"
#include "workforce/eligibility.h"
#include "workforce/trades.h"

/* The texts of one thing lapsing on day, for trade (certificates; -1 otherwise). */
static void texts(const char *what, int trade, const char *day, char *zh, char *en, size_t n)
{
	if (strcmp(what, "certificate") == 0 && trade >= 0) {
		snprintf(zh, n, "您的%s证书将于 %s 到期。请在此之前修满续证所需学分并办理续证，否则到期后不能上岗。",
			 trades[trade].zh, day);
		snprintf(en, n, "Your %s certificate lapses after %s. Earn the credits its renewal needs and renew it"
			 " before then, or you may not serve after it.", trades[trade].en, day);
	} else if (strcmp(what, "refresher") == 0) {
		snprintf(zh, n, "您本季度的复训尚未通过。宽限期到 %s 为止，之后未通过复训不能上岗。请尽快报名参加。", day);
		snprintf(en, n, "You have not passed this quarter's refresher yet. The grace period ends after %s; without"
			 " it you may not serve after that. Enrol in a session soon.", day);
	} else if (strcmp(what, "health") == 0) {
		snprintf(zh, n, "您的健康体检将于 %s 到期，请及时复检并把结果交给公司。", day);
		snprintf(en, n, "Your health examination lapses after %s: have it renewed and give the result to your"
			 " company in time.", day);
	} else if (strcmp(what, "background") == 0) {
		snprintf(zh, n, "您的背景审查将于 %s 到期，请联系公司重新审查。", day);
		snprintf(en, n, "Your background check lapses after %s: ask your company to renew it.", day);
	} else {
		snprintf(zh, n, "您的保险将于 %s 到期，请联系公司续保。", day);
		snprintf(en, n, "Your insurance lapses after %s: ask your company to renew it.", day);
	}
}

/* Tells worker id (user user) of what lapses that they were not told of; *told counts the notices. */
static int tell(struct store *s, const struct actor *a, int64_t id, int64_t user, int64_t now, int *told)
{
	struct elig_summary sum;
	int rc = elig_summary(s, id, now, &sum);
	*told = 0;
	if (rc)
		return rc;
	for (int i = 0; i < sum.n_lapsing; i++) {
		char day[11], zh[400], en[400], topic[32];
		const char *what = sum.lapsing[i].what;
		int trade = sum.lapsing[i].trade;
		time_format_date(sum.lapsing[i].date, day);
		struct stmt *st = store_sql(s, "INSERT INTO lapse_notices (worker_id, what, trade, due, at)"
					       " VALUES ($1, $2, $3, $4, $5) ON CONFLICT DO NOTHING");
		stmt_bind_int(st, 1, id);
		stmt_bind_text(st, 2, what);
		stmt_bind_text(st, 3, trade >= 0 ? trades[trade].code : "");
		stmt_bind_text(st, 4, day);
		stmt_bind_int(st, 5, now);
		if ((rc = stmt_exec(st)) != AJ_OK)
			return rc;
		if (store_changes(s) == 0)
			continue; /* told already */
		texts(what, trade, day, zh, en, sizeof zh);
		snprintf(topic, sizeof topic, "lapse_%s", what);
		if ((rc = notify(s, 0, user, topic, "worker", id, zh, en)) != AJ_OK)
			return rc;
		(*told)++;
	}
	if (*told) {
		struct strbuf sb;
		strbuf_init(&sb, 128);
		strbuf_addf(&sb, "{\"worker_id\":%lld,\"lapse_notices\":%d}", (long long)id, *told);
		rc = audit_append(s, a, "worker.lapse_notices", "worker", id, sb.buf, sb.len);
		strbuf_free(&sb);
	}
	return rc;
}

/* A day's pass: its inputs and its count, for the write's body (store_write may run it more than once). */
struct lapse_pass {
	int64_t now, warn;
	int in_grace, quarter;
	const char *today, *until;
	int sent;
};

static int lapse_pass_write(struct store *s, void *arg)
{
	struct lapse_pass *p = arg;
	struct actor jobs = {0, 0, "jobs"};
	struct stmt *st;
	p->sent = 0;
	/* the workers with an account and something lapsing within the window, as the facts say */
	st = store_sql(s, "SELECT w.id, w.user_id FROM workers w JOIN worker_facts f ON f.worker_id = w.id"
			  " WHERE w.status = 'active' AND w.company_id IS NOT NULL AND w.user_id IS NOT NULL AND ("
			  " (f.background = 1 AND f.background_until > $1 AND f.background_until <= $2)"
			  " OR (f.health = 1 AND f.health_until > $1 AND f.health_until <= $2)"
			  " OR (f.insurance = 1 AND f.insurance_until > $1 AND f.insurance_until <= $2)"
			  " OR ($3 = 1 AND f.refresher_q1 <> $4 AND f.refresher_q2 <> $4"
			  "     AND (f.refresher_q1 = $4 - 1 OR f.refresher_q2 = $4 - 1))"
			  " OR EXISTS (SELECT 1 FROM certificates c WHERE c.worker_id = w.id AND c.status = 'valid'"
			  "     AND c.valid_until >= $5 AND c.valid_until <= $6)) ORDER BY w.id");
	stmt_bind_int(st, 1, p->now);
	stmt_bind_int(st, 2, p->now + p->warn);
	stmt_bind_int(st, 3, p->in_grace);
	stmt_bind_int(st, 4, p->quarter);
	stmt_bind_text(st, 5, p->today);
	stmt_bind_text(st, 6, p->until);
	int64_t (*ids)[2] = NULL;
	size_t n = 0, cap = 0;
	int rc;
	while ((rc = stmt_step(st)) == STORE_ROW) {
		if (n == cap) {
			cap = cap ? cap * 2 : 64;
			ids = xrealloc(ids, cap * sizeof *ids);
		}
		ids[n][0] = stmt_int(st, 0);
		ids[n++][1] = stmt_int(st, 1);
	}
	stmt_done(st);
	rc = rc < 0 ? rc : AJ_OK;
	for (size_t i = 0; i < n && rc == AJ_OK; i++) {
		int told = 0;
		rc = tell(s, &jobs, ids[i][0], ids[i][1], p->now, &told);
		p->sent += told;
	}
	free(ids);
	if (rc)
		return rc;
	st = store_sql(s, "INSERT INTO settings (key, value) VALUES ('lapses.day', $1)"
			  " ON CONFLICT (key) DO UPDATE SET value = $1");
	stmt_bind_text(st, 1, p->today);
	if ((rc = stmt_exec(st)) != AJ_OK)
		return rc;
	if (!p->sent) /* nobody told: the settings' day alone changes no public answer */
		store_keep_generation(s);
	return AJ_OK;
}

int lapses_notify(struct store *s, int64_t now, int *sent)
{
	struct standards sd;
	char today[11], until[11], done[16] = "";
	*sent = 0;
	int rc = standards_get(s, &sd);
	if (rc)
		return rc;
	time_format_date(time_local_days(now), today);
	struct stmt *st = store_sql(s, "SELECT value FROM settings WHERE key = 'lapses.day'");
	if (stmt_step(st) == STORE_ROW)
		str_copy(done, sizeof done, stmt_text(st, 0));
	stmt_done(st);
	if (strcmp(done, today) == 0)
		return AJ_OK;
	int64_t warn = (int64_t)sd.lapse_warning_days * 86400;
	int q = time_quarter(now);
	int in_grace = now < time_quarter_start(q) + (int64_t)sd.refresher_grace_days * 86400;
	time_format_date(time_local_days(now + warn), until);
	struct lapse_pass p = {now, warn, in_grace, q, today, until, 0};
	if ((rc = store_write(s, lapse_pass_write, &p)) == AJ_OK)
		*sent = p.sent;
	return rc;
}
