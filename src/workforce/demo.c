/* demo.c — the demo's workforce: the association's courses and certificate policies, then each
 * worker's history planned and lived through in time order — registered by their company, checked,
 * trained, certified, renewed; some suspended, revoked, moved to another company or gone. The first
 * six are the records of the logins worker1…worker6; the next few carry one defect each. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "anjia.h"
#include "demo_world.h"
#include "store/store.h"
#include "util/clock.h"
#include "util/idcard.h"
#include "util/timefmt.h"
#include "workforce/certs.h"
#include "workforce/checks.h"
#include "workforce/trades.h"
#include "workforce/training.h"
#include "workforce/transfers.h"
#include "workforce/workers.h"

/* Courses the association defines. Skill courses teach one trade and count as the quarter's
 * refresher (the seed's quarterly skill-upgrade training). */
static const struct {
	const char *code, *title, *kind;
	int trade;      /* index, -1 none */
	int credits, pass_mark, refresher;
} demo_courses[] = {
	{"SK-HH", "家政服务技能（含季度提升）", "skill", 0, 2, 60, 1},
	{"SK-MAT", "母婴护理技能（含季度提升）", "skill", 1, 2, 60, 1},
	{"SK-CC", "育婴技能（含季度提升）", "skill", 2, 2, 60, 1},
	{"SK-EC", "养老护理技能（含季度提升）", "skill", 3, 2, 60, 1},
	{"SK-CL", "保洁技能（含季度提升）", "skill", 4, 2, 60, 1},
	{"SK-CK", "家庭烹饪技能（含季度提升）", "skill", 5, 2, 60, 1},
	{"SAFE-AID", "急救知识与技能", "safety_first_aid", -1, 2, 70, 0},
	{"SAFE-FIRE", "消防安全", "safety_fire", -1, 1, 70, 0},
	{"SAFE-PROT", "职业防护与个人防护用品", "safety_protection", -1, 1, 70, 0},
	{"COM-01", "客户沟通与服务礼仪", "communication", -1, 1, 60, 0},
	{"PRIV-01", "客户隐私保护", "privacy", -1, 1, 70, 0},
	{"EMG-01", "突发事件应急处置", "emergency", -1, 1, 70, 0},
	{"ETH-01", "家政职业道德", "ethics", -1, 1, 60, 0},
};
enum { DC_SKILL0 = 0, DC_AID = 6, DC_FIRE, DC_PROT, DC_COM, DC_PRIV, DC_EMG, DC_ETH, DC_COUNT };

/* the courses of the initial training, after the trade's skill course */
static const int initial_courses[] = {DC_AID, DC_FIRE, DC_PROT, DC_PRIV, DC_ETH, DC_COM};

enum ev_type { EV_REGISTER, EV_CHECK, EV_ENROL, EV_RESULT, EV_CERT, EV_RENEW, EV_REVOKE, EV_SUSPEND,
	       EV_LEAVE, EV_MOVE };

struct event {
	int64_t at;
	int seq;            /* keeps same-time events in the order they were planned */
	unsigned char type;
	int worker;
	int a, b;           /* check: kind, result; enrol/result: course, score; cert: trade */
};

struct dworker {
	char name[32], idno[19], phone[12];
	int company;        /* index into the world's six companies */
	int trades[2], n_trades, level;
	int64_t id;         /* once registered */
	int64_t cert_id[2]; /* the current certificate of each trade */
};

struct plan {
	struct event *ev;
	size_t n, cap;
	int seq;
};

/* Events are planned up to the moment the demo is loaded, never after. */
static int64_t plan_until;

static void plan_add(struct plan *p, int64_t at, int type, int worker, int a, int b)
{
	if (at > plan_until)
		return;
	if (p->n == p->cap) {
		p->cap = p->cap ? p->cap * 2 : 4096;
		p->ev = xrealloc(p->ev, p->cap * sizeof *p->ev);
	}
	p->ev[p->n++] = (struct event){at, p->seq++, (unsigned char)type, worker, a, b};
}

static int by_time(const void *x, const void *y)
{
	const struct event *a = x, *b = y;
	if (a->at != b->at)
		return a->at < b->at ? -1 : 1;
	return a->seq < b->seq ? -1 : a->seq > b->seq;
}

/* A day's instant at hour h (local). */
static int64_t at_hour(int64_t day, int h)
{
	return time_day_start(day) + h * 3600;
}

/* A score: most pass comfortably, about one in sixty fails. */
static int score_of(uint64_t *s, int pass_mark)
{
	if (demo_rand(s, 1000) < 16)
		return pass_mark - 5 - (int)demo_rand(s, 20);
	int v = pass_mark + 8 + (int)demo_rand(s, 100 - pass_mark - 7);
	return v > 100 ? 100 : v;
}

static const char *const regions[] = {"330102", "330105", "330106", "330110", "340104", "340322", "360102",
				      "410102", "411302", "510104", "430102", "522601", "500101", "330681"};

static void make_idno(uint64_t *s, int female, char out[19])
{
	int y = 1966 + (int)demo_rand(s, 35), m = 1 + (int)demo_rand(s, 12), d = 1 + (int)demo_rand(s, 28);
	int seq = (int)demo_rand(s, 500) * 2 + (female ? 0 : 1);
	char tmp[40];
	snprintf(tmp, sizeof tmp, "%s%04u%02u%02u%03u", regions[demo_rand(s, ARRAY_LEN(regions))], (unsigned)y % 10000,
		 (unsigned)m % 100, (unsigned)d % 100, (unsigned)seq % 1000);
	memcpy(out, tmp, 17);
	out[17] = idcard_check_char(out);
	out[18] = '\0';
}

static const char *const female_given[] = {"秀英", "桂兰", "丽娟", "海燕", "玉梅", "晓燕", "春梅", "红霞", "文静",
					   "小芳", "雪梅", "美玲", "淑珍", "金凤", "慧敏", "翠花", "凤英", "玉兰",
					   "秀芳", "丽华", "春燕", "桂芳", "淑英", "月娥"};
static const char *const male_given[] = {"建华", "志强", "国平", "卫东", "永红", "建国", "德明", "振华"};

/* Which trades each company's workers are in: the specialist companies and the general ones. */
static void pick_trades(uint64_t *s, int company, struct dworker *w)
{
	static const int spec[6][3] = {{0, 4, 5}, {0, 4, 2}, {1, 2, 0}, {3, 0, 5}, {4, 0, 5}, {0, 2, 3}};
	const int *t = spec[company % 6];
	w->trades[0] = t[demo_rand(s, 10) < 7 ? 0 : 1 + demo_rand(s, 2)];
	w->n_trades = 1;
	if (demo_rand(s, 10) < 4) {
		int second = t[demo_rand(s, 3)];
		if (second != w->trades[0])
			w->trades[w->n_trades++] = second;
	}
}

/* What sets a worker's history apart: most have none of these, a few have one, and a handful of
 * workers carry each on purpose so that every reason of the "may serve now" rule can be seen. */
struct quirks {
	int identity, background, health, insurance; /* the first check: 0 none, 1 pass, 2 fail */
	int skip_course;      /* an initial course never taken (an index of demo_courses), or NO_SKIP */
	int fail_latest;      /* the latest refresher failed */
	int no_refresher_now; /* this quarter's refresher not taken */
	int no_renewals;      /* checks and certificate never renewed */
	int lapse_soon;       /* joined so that checks and certificate lapse within the month */
};

static const char *const scenario_names[] = {
	"background_missing", "background_failed", "health_failed", "insurance_missing", "insurance_failed",
	"identity_unverified", "safety_training_missing", "training_failed", "refresher_missing", "expiring",
};
#define N_SCENARIOS ((int)ARRAY_LEN(scenario_names))
#define NO_SKIP (-2)  /* -1 already names the worker's own skill course */

static struct quirks quirks_for(uint64_t *s, int scenario)
{
	struct quirks q = {1, 1, 1, 1, NO_SKIP, 0, 0, 0, 0};
	switch (scenario) {
	case 0: q.background = 0; break;
	case 1: q.background = 2; break;
	case 2: q.health = 2; break;
	case 3: q.insurance = 0; break;
	case 4: q.insurance = 2; break;
	case 5: q.identity = 0; break;
	case 6: q.skip_course = DC_FIRE; break;
	case 7: q.fail_latest = 1; break;
	case 8: q.no_refresher_now = 1; break;
	case 9: q.lapse_soon = 1; break;
	case -1: break; /* the demo logins' own records: all in order */
	default:
		/* an ordinary worker: now and then something goes wrong */
		if (demo_rand(s, 1000) < 8)
			q.identity = 0;
		if (demo_rand(s, 1000) < 5)
			q.background = 2;
		if (demo_rand(s, 1000) < 8)
			q.health = 2;
		if (demo_rand(s, 100) < 8)
			q.no_refresher_now = 1;
		if (demo_rand(s, 1000) < 15)
			q.fail_latest = 1;
		if (demo_rand(s, 100) < 5)
			q.no_renewals = 1;
	}
	return q;
}

/* The first Tuesday on or after day (1970-01-01 was a Thursday). */
static int64_t tuesday(int64_t day)
{
	return day + (2 - ((day + 4) % 7) + 7) % 7;
}

#define SECOND_SKILL (-3) /* the skill course of the worker's second trade */

/* Plans worker i's whole history from day `join` to today; second: whether they also train and
 * certify in a second trade. */
static void plan_worker(struct plan *p, uint64_t *s, int i, int64_t join, int64_t today, const struct quirks *q,
			int second)
{
	/* the demo logins' records and the designated ones pass their courses; others as people do */
	int designated = i < 6 + N_SCENARIOS;
	/* registration and the checks of the first days */
	plan_add(p, at_hour(join, 9), EV_REGISTER, i, 0, 0);
	const int first[4] = {q->identity, q->background, q->health, q->insurance};
	for (int k = 0; k < 4; k++)
		if (first[k])
			plan_add(p, at_hour(join + k / 2, 10 + k), EV_CHECK, i, k, first[k]);

	/* the initial training on the Tuesday a week or so after joining; course -1 is the worker's
	 * own trade's skill course */
	int64_t day = tuesday(join + 6);
	int all_passed = 1;
	for (int k = -1; k < (int)ARRAY_LEN(initial_courses); k++) {
		int course = k < 0 ? -1 : initial_courses[k];
		if (course == q->skip_course)
			continue;
		int mark = course < 0 ? 60 : demo_courses[course].pass_mark;
		int score = designated ? 90 : score_of(s, mark);
		plan_add(p, at_hour(day, 9), EV_ENROL, i, course, 0);
		plan_add(p, at_hour(day, 16), EV_RESULT, i, course, score);
		if (score < mark) {
			/* most retake it a fortnight later and pass */
			if (demo_rand(s, 10) < 8) {
				plan_add(p, at_hour(day + 14, 9), EV_ENROL, i, course, 1);
				plan_add(p, at_hour(day + 14, 16), EV_RESULT, i, course, mark + 10);
			} else {
				all_passed = 0;
			}
		}
	}
	int64_t cert_day = day + 15;
	int certified = q->identity == 1 && q->background == 1 && q->health == 1 && q->insurance == 1 && all_passed &&
			q->skip_course == NO_SKIP && cert_day <= today;
	if (certified)
		plan_add(p, at_hour(cert_day, 11), EV_CERT, i, 0, 0);
	if (second) {
		plan_add(p, at_hour(day + 7, 9), EV_ENROL, i, SECOND_SKILL, 0);
		plan_add(p, at_hour(day + 7, 16), EV_RESULT, i, SECOND_SKILL, designated ? 90 : score_of(s, 60));
		if (certified)
			plan_add(p, at_hour(cert_day, 12), EV_CERT, i, 0, 1);
	}

	/* quarterly refreshers */
	int q0 = time_quarter(at_hour(day, 9)), qn = time_quarter(at_hour(today, 9));
	int64_t last_refresher_day = -1;
	for (int qq = q0 + 1; qq <= qn; qq++) {
		if (qq == qn && q->no_refresher_now)
			continue;
		int64_t qday = tuesday(time_local_days(time_quarter_start(qq)) + 7 + 7 * demo_rand(s, 3));
		if (qday > today)
			continue;
		int score = designated ? 90 : score_of(s, 60);
		plan_add(p, at_hour(qday, 9), EV_ENROL, i, -1, 2);
		plan_add(p, at_hour(qday, 16), EV_RESULT, i, -1, score);
		last_refresher_day = qday;
	}
	if (q->fail_latest && last_refresher_day >= 0 && last_refresher_day + 2 <= today) {
		/* a second attempt in the same quarter that failed: the latest result stands */
		plan_add(p, at_hour(last_refresher_day + 1, 9), EV_ENROL, i, -1, 3);
		plan_add(p, at_hour(last_refresher_day + 1, 16), EV_RESULT, i, -1, 40);
	}

	/* yearly: background, health and insurance again some days before they lapse, then the
	 * certificate's renewal; a few are late, a few let things lapse */
	if (q->no_renewals)
		return;
	for (int64_t renew = join + 365 - 5 - demo_rand(s, 20); renew <= today; renew += 365 - demo_rand(s, 10)) {
		int r = (int)demo_rand(s, 100);
		if (r < 4)
			break;
		int64_t when = renew + (r < 10 ? 20 + demo_rand(s, 40) : 0);
		if (when > today)
			break;
		for (int k = 1; k < 4; k++)
			plan_add(p, at_hour(when, 9 + k), EV_CHECK, i, k, 1);
	}
	if (certified)
		for (int64_t renew = cert_day + 365 - 5 - demo_rand(s, 15); renew <= today; renew += 365)
			for (int slot = 0; slot <= second; slot++)
				plan_add(p, at_hour(renew, 15 + slot), EV_RENEW, i, 0, slot);
	if (designated)
		return;
	/* what happens to a few: revocation, suspension, leaving, moving */
	int64_t later = join + 30 + demo_rand(s, 300);
	int fate = (int)demo_rand(s, 1000);
	if (later < today) {
		if (fate < 2)
			plan_add(p, at_hour(later, 16), EV_REVOKE, i, 0, 0);
		else if (fate < 5)
			plan_add(p, at_hour(today - demo_rand(s, 20), 16), EV_SUSPEND, i, 0, 0);
		else if (fate < 30)
			plan_add(p, at_hour(later, 17), EV_LEAVE, i, 0, 0);
		else if (fate < 60)
			plan_add(p, at_hour(later, 17), EV_MOVE, i, 0, 0);
	}
}

/* Sessions are shared: one per course and day, created when its first enrolment comes. */
struct session_map {
	int64_t *key, *id;
	size_t cap, n;
};

static int64_t *session_slot(struct session_map *m, int64_t key)
{
	if (m->n * 2 >= m->cap) {
		struct session_map bigger = {NULL, NULL, m->cap ? m->cap * 2 : 1024, 0};
		bigger.key = xcalloc(bigger.cap, sizeof *bigger.key);
		bigger.id = xcalloc(bigger.cap, sizeof *bigger.id);
		for (size_t i = 0; i < m->cap; i++)
			if (m->key[i])
				*session_slot(&bigger, m->key[i]) = m->id[i];
		free(m->key);
		free(m->id);
		*m = bigger;
	}
	size_t h = (size_t)((uint64_t)key * 0x9E3779B97F4A7C15ull) & (m->cap - 1);
	while (m->key[h] && m->key[h] != key)
		h = (h + 1) & (m->cap - 1);
	if (!m->key[h]) {
		m->key[h] = key;
		m->n++;
	}
	return &m->id[h];
}

/* Applies one planned event as the person who would do it; refusals of the rules (a certificate
 * whose requirements a failed check left unmet, say) are part of the story, store errors are not. */
static int apply_event(struct store *s, const struct demo_world *dw, const struct event *e, struct dworker *ws, int64_t *course_ids,
		       struct session_map *sessions, uint64_t *rng)
{
	struct dworker *w = &ws[e->worker];
	const struct actor *co = &dw->company_actor[w->company];
	struct fault f = {0};
	struct elig_result res;
	int rc = AJ_OK;
	if (e->type != EV_REGISTER && !w->id)
		return AJ_OK;
	switch (e->type) {
	case EV_REGISTER: {
		struct worker_in in = {w->name, w->idno, w->phone, levels[w->level].code, NULL, NULL, {0}, 0,
				       dw->company_id[w->company], NULL};
		for (int i = 0; i < w->n_trades; i++)
			in.trades[in.n_trades++] = w->trades[i];
		struct reg_result reg;
		rc = worker_register(s, co, &in, &reg, &f);
		w->id = reg.worker_id;
		break;
	}
	case EV_CHECK: {
		static const char *const kinds[] = {"identity", "background", "health", "insurance"};
		char on[11], until[11], ref[32];
		time_format_date(time_today(), on);
		time_format_date(time_add_months(time_today(), 12) - 1, until);
		snprintf(ref, sizeof ref, "%s-%06lld", e->a == 3 ? "PICC" : e->a == 2 ? "TJ" : "GA",
			 (long long)demo_rand(rng, 1000000));
		struct check_in in = {w->id, kinds[e->a], e->b == 1 ? "pass" : "fail", on,
				      e->a == 3 ? until : NULL, ref, NULL, dw->company_id[w->company], 0};
		int64_t id;
		rc = check_record(s, co, &in, &id, &f);
		break;
	}
	case EV_ENROL:
	case EV_RESULT: {
		int course = e->a == -1 ? DC_SKILL0 + w->trades[0]
			   : e->a == SECOND_SKILL ? DC_SKILL0 + w->trades[w->n_trades - 1] : e->a;
		int64_t day = time_local_days(clock_now());
		int64_t *slot = session_slot(sessions, (int64_t)(course + 1) * 1000000 + day);
		if (!*slot) {
			rc = training_session_create(s, &dw->trainer, course_ids[course], dw->training_id,
						     at_hour(day, 9), at_hour(day, 16), "杭州市拱墅区湖墅南路 88 号培训中心",
						     500, slot, &f);
			if (rc)
				return rc;
		}
		if (e->type == EV_ENROL)
			rc = enrol(s, co, *slot, w->id, &f);
		else
			rc = record_result(s, &dw->trainer, *slot, w->id, 1, e->b, &f);
		break;
	}
	case EV_CERT:
		rc = cert_issue(s, &dw->admin, w->id, w->trades[e->b ? w->n_trades - 1 : 0], w->level,
				&w->cert_id[e->b], &res, &f);
		break;
	case EV_RENEW: {
		int64_t fresh;
		char detail[32];
		if (!w->cert_id[e->b])
			return AJ_OK;
		rc = cert_renew(s, &dw->admin, w->cert_id[e->b], &fresh, &res, detail, &f);
		if (rc == AJ_OK)
			w->cert_id[e->b] = fresh;
		break;
	}
	case EV_REVOKE:
		rc = worker_revoke(s, &dw->admin, w->id, "多次违反服务规范，经协会调查属实");
		break;
	case EV_SUSPEND:
		rc = worker_suspend(s, &dw->admin, w->id, time_day_start(time_today() + 30 + demo_rand(rng, 60)),
				    "服务投诉调查期间暂停从业");
		break;
	case EV_LEAVE:
		rc = worker_leave(s, co, w->id, "个人原因离职");
		break;
	case EV_MOVE: {
		/* registered by another company: the same record, a new employer once the worker confirms
		 * (these have no login yet: they confirm in person at the association's counter) */
		int to = (int)((w->company + 1 + demo_rand(rng, 5)) % 6);
		struct worker_in in = {w->name, w->idno, w->phone, levels[w->level].code, NULL, NULL, {0}, 0,
				       dw->company_id[to], NULL};
		for (int i = 0; i < w->n_trades; i++)
			in.trades[in.n_trades++] = w->trades[i];
		struct reg_result reg;
		rc = worker_register(s, &dw->company_actor[to], &in, &reg, &f);
		if (rc == AJ_OK && reg.outcome == REG_TRANSFER)
			rc = transfer_decide(s, &dw->admin, reg.transfer_id, 1, "association",
					     "本人持身份证到协会服务窗口确认转入", &f);
		if (rc == AJ_OK)
			w->company = to;
		break;
	}
	}
	return rc == AJ_EBUSY || rc == AJ_ESTORE ? rc : AJ_OK;
}

/* The workers' lives, lived through in one transaction: the plan and the workers as planned are the
 * inputs, the workers as lived the output (store_write may run it more than once: each try starts
 * from the plan, with the random draws the first began with). */
struct lives {
	const struct demo_world *dw;
	const struct plan *plan;
	const struct dworker *planned;
	struct dworker *ws;
	int n;
	int64_t *course_ids;
	struct session_map sessions;
	uint64_t *rng, rng_start;
};

static int lives_write(struct store *s, void *arg)
{
	struct lives *l = arg;
	const struct demo_world *dw = l->dw;
	struct dworker *ws = l->ws;
	int n = l->n, rc = AJ_OK;
	memcpy(ws, l->planned, (size_t)n * sizeof *ws);
	*l->rng = l->rng_start;
	free(l->sessions.key);
	free(l->sessions.id);
	l->sessions = (struct session_map){0};
	for (size_t i = 0; i < l->plan->n && rc == AJ_OK; i++) {
		clock_set(l->plan->ev[i].at);
		rc = apply_event(s, dw, &l->plan->ev[i], ws, l->course_ids, &l->sessions, l->rng);
	}
	/* today's household refresher at the training school: begun an hour ago, its trainees enrolled
	 * by their companies, its results still to be entered by trainer1 */
	if (rc == AJ_OK) {
		struct fault f = {0};
		int64_t sid = 0, now = plan_until;
		clock_set(now - 2 * 86400);
		rc = training_session_create(s, &dw->trainer, l->course_ids[DC_SKILL0], dw->training_id, now - 3600,
					     now + 3 * 3600, "拱墅区家政培训中心 3 楼 301 教室", 30, &sid, &f);
		for (int i = 20, k = 0; i < n && k < 8 && rc == AJ_OK; i++) {
			if (!ws[i].id || ws[i].trades[0] != 0)
				continue;
			rc = enrol(s, &dw->company_actor[ws[i].company], sid, ws[i].id, &f);
			if (rc == AJ_ERULE || rc == AJ_ECONFLICT)
				rc = AJ_OK; /* a revoked one is not enrolled */
			else
				k++;
		}
	}
	/* worker1…worker6 sign in to the first (model) worker of their company: linked now */
	clock_set(0);
	for (int i = 0; i < 6 && rc == AJ_OK; i++) {
		struct fault f = {0};
		if (dw->worker_user[i + 1] && ws[i].id)
			rc = worker_link_user(s, &dw->company_actor[ws[i].company], ws[i].id, dw->worker_user[i + 1], &f);
	}
	return rc;
}

int demo_workforce(struct store *s, const struct demo_world *dw, uint64_t *rng)
{
	int64_t today = time_today(), launch = today - 480;
	int64_t course_ids[DC_COUNT];
	plan_until = clock_now();
	int rc;

	/* the association's courses and certificate policies, a month before the platform opened */
	clock_set(at_hour(launch - 30, 10));
	for (int i = 0; i < DC_COUNT; i++) {
		struct fault f = {0};
		struct course_in in = {demo_courses[i].code, demo_courses[i].title, demo_courses[i].kind,
				       demo_courses[i].trade >= 0 ? trades[demo_courses[i].trade].code : NULL,
				       demo_courses[i].credits, demo_courses[i].pass_mark, demo_courses[i].refresher};
		if ((rc = course_create(s, &dw->admin, &in, &course_ids[i], &f)) != AJ_OK)
			goto out;
	}
	for (int t = 0; t < TRADE_COUNT; t++) {
		struct fault f = {0};
		int64_t required[] = {course_ids[DC_SKILL0 + t], course_ids[DC_PRIV], course_ids[DC_ETH]};
		if ((rc = policy_update(s, &dw->admin, trades[t].code, 12, 6, required, 3, 1, &f)) != AJ_OK)
			goto out;
	}
	int n = (int)dw->workers;
	if (n <= 0) {
		rc = AJ_OK;
		goto out;
	}

	/* who they are, and when each joined: a third at the platform's opening, the rest since */
	static const int weight[6] = {25, 15, 20, 15, 15, 10};
	struct dworker *ws = xcalloc((size_t)n, sizeof *ws);
	struct plan plan = {0};
	for (int i = 0; i < n; i++) {
		struct dworker *w = &ws[i];
		int model = i < 6;
		int pick = (int)demo_rand(rng, 100), c = 0;
		while (c < 5 && pick >= weight[c])
			pick -= weight[c++];
		w->company = model ? i : c;
		int female = demo_rand(rng, 100) < 88;
		snprintf(w->name, sizeof w->name, "%s%s", demo_surnames[demo_rand(rng, (int64_t)demo_surname_count)],
			 female ? female_given[demo_rand(rng, ARRAY_LEN(female_given))]
				: male_given[demo_rand(rng, ARRAY_LEN(male_given))]);
		make_idno(rng, female, w->idno);
		snprintf(w->phone, sizeof w->phone, "1%c%09lld", "356789"[demo_rand(rng, 6)], (long long)demo_rand(rng, 1000000000));
		pick_trades(rng, w->company, w);
		if (model)
			w->n_trades = 1;
		w->level = (int)demo_rand(rng, 4);
		/* the first six are the demo logins' own records, all in order; the next few carry one
		 * defect each; the rest are ordinary */
		int scenario = model ? -1 : i - 6 < N_SCENARIOS ? i - 6 : 99;
		struct quirks q = quirks_for(rng, scenario);
		int64_t join = model ? today - 200 + i
			     : q.lapse_soon ? today - 350
			     : scenario != 99 ? today - 100
			     : demo_rand(rng, 3) == 0 ? launch + demo_rand(rng, 30) : launch + demo_rand(rng, today - launch - 12);
		if (q.lapse_soon)
			q.no_renewals = 1;
		plan_worker(&plan, rng, i, join, today, &q, w->n_trades > 1 && demo_rand(rng, 10) < 7);
	}
	qsort(plan.ev, plan.n, sizeof *plan.ev, by_time);

	struct dworker *planned = xmalloc((size_t)n * sizeof *planned);
	memcpy(planned, ws, (size_t)n * sizeof *planned);
	struct lives l = {.dw = dw, .plan = &plan, .planned = planned, .ws = ws, .n = n, .course_ids = course_ids,
			  .rng = rng, .rng_start = *rng};
	rc = store_write(s, lives_write, &l);
	free(planned);
	free(l.sessions.key);
	free(l.sessions.id);
	free(plan.ev);
	free(ws);
out:
	clock_set(0);
	return rc;
}
