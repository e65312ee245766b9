/* demo.c — the demo's services: the association's categories with their process and price
 * guides, each company's offers, and six months of bookings lived through in time order — booked,
 * confirmed, checked in (a few late), checked out, confirmed by the customer (most by the code the
 * worker enters at check-out, some in the app, some on the service centre's call, a few never, one
 * denied), reviewed (some companies below the 95% target), with the odd cancellation and no-show —
 * the coming week's bookings, some still to dispatch, and one shill's review the association
 * excluded. Everything goes through the functions the API uses, so every rule holds and the audit
 * chain covers it. */
#include "demo_world.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "anjia.h"
#include "auth/keys.h"
#include "services/bookings.h"
#include "services/no_show.h"
#include "services/catalog.h"
#include "services/evidence.h"
#include "services/reviews.h"
#include "store/store.h"
#include "users.h"
#include "util/clock.h"
#include "util/timefmt.h"
#include "workforce/trades.h"

#define MAX_ITEMS 8

static const struct demo_category {
	const char *code, *zh, *en, *trade;
	struct { const char *unit; int64_t lo, hi; } guide[3];
	struct { const char *code, *zh, *en; } indicator[2];
	const char *pre[MAX_ITEMS];
	struct { const char *text, *indicator; } in[MAX_ITEMS];
	const char *post[MAX_ITEMS];
} categories[] = {
	{"home_cleaning", "日常保洁", "Home cleaning", "cleaning",
	 {{"hour", 4000, 8000}, {"visit", 12000, 30000}},
	 {{"cleanliness", "清洁合格率", "Cleanliness items passed"}, {"safety", "安全规范", "Safety practice"}},
	 {"确认上门时间与服务地址", "确认清洁范围与重点区域", "确认清洁用品由谁提供"},
	 {{"出示上岗证并穿戴工装", "safety"}, {"厨房台面与灶具清洁", "cleanliness"}, {"卫生间清洁消毒", "cleanliness"},
	  {"地面清洁无水渍", "cleanliness"}, {"抹布分区分色使用", "cleanliness"}, {"离开前检查门窗水电", "safety"}},
	 {"清洁效果是否满意", "是否按约定范围完成"}},
	{"housekeeping", "家务服务", "Housekeeping", "household",
	 {{"hour", 3500, 7000}, {"month", 500000, 900000}},
	 {{"completion", "家务完成率", "Household tasks completed"}, {"safety", "安全规范", "Safety practice"}},
	 {"确认服务时间与家庭成员情况", "确认家务内容清单", "确认家中禁忌与注意事项"},
	 {{"出示上岗证并穿戴工装", "safety"}, {"按清单完成家务", "completion"}, {"衣物分类洗涤晾晒", "completion"},
	  {"垃圾分类处理", "completion"}, {"离开前检查门窗水电燃气", "safety"}},
	 {"家务是否按清单完成", "是否尊重家庭习惯"}},
	{"maternity_care", "母婴护理（月嫂）", "Maternity care", "maternity",
	 {{"day", 30000, 80000}, {"month", 800000, 2000000}},
	 {{"care", "护理规范率", "Care steps done to standard"}, {"hygiene", "卫生消毒", "Hygiene and disinfection"}},
	 {"确认产妇与新生儿健康情况", "确认喂养方式", "确认服务起止时间与作息"},
	 {{"进门洗手消毒并更换工装", "hygiene"}, {"新生儿脐部护理", "care"}, {"新生儿洗澡抚触", "care"},
	  {"产妇月子餐制作", "care"}, {"奶瓶餐具消毒", "hygiene"}},
	 {"产妇与新生儿护理是否满意", "是否讲解了护理要点"}},
	{"infant_care", "育婴服务", "Infant care", "childcare",
	 {{"day", 20000, 45000}, {"month", 550000, 1100000}},
	 {{"care", "照护规范率", "Care steps done to standard"}, {"safety", "安全防护", "Child safety"}},
	 {"确认婴幼儿年龄与健康情况", "确认饮食与作息安排", "确认过敏史"},
	 {{"进门洗手消毒", "safety"}, {"辅食制作与喂养", "care"}, {"睡眠与如厕照护", "care"},
	  {"早期教育游戏", "care"}, {"检查居家安全隐患", "safety"}},
	 {"孩子照护是否满意", "是否交代了当日情况"}},
	{"elderly_care", "居家养老护理", "Home elderly care", "elderly_care",
	 {{"hour", 4500, 9000}, {"day", 25000, 50000}, {"month", 600000, 1100000}},
	 {{"care", "护理规范率", "Care steps done to standard"}, {"safety", "防跌倒防走失", "Falls and wandering prevention"}},
	 {"确认老人健康状况与用药", "确认护理内容与时间", "确认紧急联系人"},
	 {{"测量血压体温并记录", "care"}, {"协助进食与服药", "care"}, {"协助洗浴与个人卫生", "care"},
	  {"检查防滑与通道安全", "safety"}, {"陪同散步与交流", "care"}},
	 {"老人护理是否满意", "是否记录并告知身体情况"}},
	{"home_cooking", "家庭烹饪", "Home cooking", "cooking",
	 {{"hour", 5000, 10000}, {"visit", 10000, 25000}},
	 {{"hygiene", "食品卫生", "Food hygiene"}, {"completion", "菜品完成率", "Dishes completed"}},
	 {"确认用餐人数与口味", "确认食材由谁采购", "确认忌口与过敏"},
	 {{"洗手并佩戴帽子围裙", "hygiene"}, {"生熟分开处理", "hygiene"}, {"按约定完成菜品", "completion"},
	  {"厨房清洁复原", "completion"}},
	 {"菜品口味是否满意", "厨房是否清理干净"}},
};

#define N_CATEGORIES ARRAY_LEN(categories)

/* What each company offers and how well it serves: the share of satisfied reviews (per mille), of
 * late check-ins (per mille) and of customers who review. */
static const struct {
	int categories[4];   /* indexes into categories, -1 ends */
	int satisfied, late, reviewing;
} companies[6] = {
	{{1, 0, 5, -1}, 985, 8, 85},
	{{1, 0, 3, -1}, 930, 30, 80},
	{{2, 3, 1, -1}, 975, 10, 90},
	{{4, 1, 5, -1}, 900, 45, 75},
	{{0, 1, 5, -1}, 965, 15, 80},
	{{1, 3, 4, -1}, 945, 20, 70},
};

struct category_ids {
	int64_t id;
	int64_t pre[MAX_ITEMS], in[MAX_ITEMS], post[MAX_ITEMS];
	int npre, nin, npost;
};

static int add_categories(struct store *s, const struct actor *admin, struct category_ids *ids)
{
	int rc = AJ_OK;
	for (size_t c = 0; c < N_CATEGORIES && rc == AJ_OK; c++) {
		const struct demo_category *dc = &categories[c];
		struct fault f = {0};
		struct category_in in = {dc->code, dc->zh, dc->en, dc->trade};
		if ((rc = category_create(s, admin, &in, &ids[c].id, &f)) != AJ_OK)
			break;
		for (int i = 0; i < 2 && rc == AJ_OK; i++)
			rc = category_add_indicator(s, admin, ids[c].id, dc->indicator[i].code, dc->indicator[i].zh,
						    dc->indicator[i].en, &f);
		for (int i = 0; i < 3 && dc->guide[i].unit && rc == AJ_OK; i++)
			rc = price_guide_set(s, admin, ids[c].id, dc->guide[i].unit, dc->guide[i].lo, dc->guide[i].hi, &f);
		for (int i = 0; i < MAX_ITEMS && dc->pre[i] && rc == AJ_OK; i++)
			rc = category_add_item(s, admin, ids[c].id, "pre", dc->pre[i], NULL, NULL, &f);
		for (int i = 0; i < MAX_ITEMS && dc->in[i].text && rc == AJ_OK; i++)
			rc = category_add_item(s, admin, ids[c].id, "in", dc->in[i].text, NULL, dc->in[i].indicator, &f);
		for (int i = 0; i < MAX_ITEMS && dc->post[i] && rc == AJ_OK; i++)
			rc = category_add_item(s, admin, ids[c].id, "post", dc->post[i], NULL, NULL, &f);
		if (rc)
			fprintf(stderr, "demo: category %s: %s\n", dc->code, f.code ? f.code : "store error");
	}
	/* the items' ids, for answering them */
	for (size_t c = 0; c < N_CATEGORIES && rc == AJ_OK; c++) {
		struct stmt *st = store_sql(s, "SELECT id, phase FROM category_items WHERE category_id = $1"
					       " ORDER BY position, id");
		stmt_bind_int(st, 1, ids[c].id);
		while (stmt_step(st) == STORE_ROW) {
			const char *ph = stmt_text(st, 1);
			struct category_ids *x = &ids[c];
			if (ph[0] == 'p' && ph[1] == 'r' && x->npre < MAX_ITEMS)
				x->pre[x->npre++] = stmt_int(st, 0);
			else if (ph[0] == 'i' && x->nin < MAX_ITEMS)
				x->in[x->nin++] = stmt_int(st, 0);
			else if (x->npost < MAX_ITEMS)
				x->post[x->npost++] = stmt_int(st, 0);
		}
		stmt_done(st);
	}
	return rc;
}

/* One offer: a company's item with its category and unit. */
struct offer {
	int company, category;
	int64_t id;
	const char *unit;
};

static int add_offers(struct store *s, const struct demo_world *dw, const struct category_ids *ids,
		      struct offer *offers, int *n)
{
	*n = 0;
	for (int co = 0; co < 6; co++) {
		for (int k = 0; k < 4 && companies[co].categories[k] >= 0; k++) {
			int c = companies[co].categories[k];
			const struct demo_category *dc = &categories[c];
			for (int g = 0; g < 3 && dc->guide[g].unit; g++) {
				/* a price in the guide: the specialists dearer, the general companies cheaper */
				int64_t lo = dc->guide[g].lo, hi = dc->guide[g].hi;
				int64_t price = lo + (hi - lo) * (k == 0 ? 55 + co * 5 : 20 + co * 6) / 100;
				price = price / 100 * 100;
				char title[96], detail[48];
				snprintf(title, sizeof title, "%s（按%s）", dc->zh,
					 strcmp(dc->guide[g].unit, "hour") == 0    ? "小时"
					 : strcmp(dc->guide[g].unit, "visit") == 0 ? "次"
					 : strcmp(dc->guide[g].unit, "day") == 0   ? "天"
										   : "月");
				/* the first three companies give each item an English title too; the others
				 * leave it out, and the English pages show their Chinese titles */
				char title_en[96];
				snprintf(title_en, sizeof title_en, "%s (by the %s)", dc->en, dc->guide[g].unit);
				struct item_in in = {dw->company_id[co], ids[c].id, title, dc->guide[g].unit, NULL, price,
						     co < 3 ? title_en : NULL};
				struct fault f = {0};
				int64_t id;
				int rc = service_item_create(s, &dw->company_actor[co], &in, &id, &f, detail);
				if (rc) {
					fprintf(stderr, "demo: service item %s: %s\n", title, f.code ? f.code : "store error");
					return rc;
				}
				offers[(*n)++] = (struct offer){co, c, id, dc->guide[g].unit};
			}
		}
	}
	return AJ_OK;
}

/* ---- the bookings, planned and then lived through in time order ---- */

enum { BE_CREATE, BE_CONFIRM, BE_CHECKIN, BE_CHECKOUT, BE_EVIDENCE, BE_CALL, BE_REVIEW, BE_CANCEL, BE_NO_SHOW };

/* How a service's customer says it happened: the code at check-out, in the app, on the service
 * centre's call (after one that reached nobody), not at all, or no (in the app). */
enum { EV_NONE, EV_CODE, EV_APP, EV_CALL, EV_UNREACHABLE, EV_DENY };

struct bevent {
	int64_t at;
	int booking;
	int type;
};

struct dbooking {
	int offer, customer, worker;   /* an index into the candidates; -1 the company's choice, made the
	                                  same day; -2 still for the dispatcher to make */
	int64_t start, end;
	int64_t id;                    /* once created */
	int satisfied;
	int64_t own_worker;            /* the demo logins' bookings: this worker, exactly */
	int left_early;                /* checked out an hour or more before the end, with a reason */
	int evidence;                  /* EV_… */
	int calls;                     /* follow-up calls made */
};

struct bplan {
	struct dbooking *b;
	size_t nb, capb;
	struct bevent *ev;
	size_t ne, cape;
};

static void plan_event(struct bplan *p, int64_t at, int booking, int type)
{
	if (at > clock_now() && type != BE_CREATE)
		return;
	if (p->ne == p->cape) {
		p->cape = p->cape ? p->cape * 2 : 4096;
		p->ev = xrealloc(p->ev, p->cape * sizeof *p->ev);
	}
	p->ev[p->ne++] = (struct bevent){at, booking, type};
}

static int by_at(const void *x, const void *y)
{
	const struct bevent *a = x, *b = y;
	if (a->at != b->at)
		return a->at < b->at ? -1 : 1;
	return a->booking != b->booking ? (a->booking < b->booking ? -1 : 1) : a->type - b->type;
}

/* The workers who may be sent for an offer: the company's, in the category's trade. */
struct candidates {
	int64_t *id;
	unsigned char *linked;   /* the worker signs in: a demo login's record */
	int n;
};

static int load_candidates(struct store *s, int64_t company_id, const char *trade, struct candidates *c)
{
	struct stmt *st = store_sql(s, "SELECT w.id, w.user_id IS NOT NULL FROM workers w JOIN worker_trades t"
				       " ON t.worker_id = w.id WHERE w.company_id = $1 AND t.trade = $2 ORDER BY w.id");
	stmt_bind_int(st, 1, company_id);
	stmt_bind_text(st, 2, trade);
	int cap = 0, rc;
	c->n = 0;
	c->id = NULL;
	c->linked = NULL;
	while ((rc = stmt_step(st)) == STORE_ROW) {
		if (c->n == cap) {
			cap = cap ? cap * 2 : 64;
			c->id = xrealloc(c->id, (size_t)cap * sizeof *c->id);
			c->linked = xrealloc(c->linked, (size_t)cap);
		}
		c->linked[c->n] = (unsigned char)stmt_int(st, 1);
		c->id[c->n++] = stmt_int(st, 0);
	}
	stmt_done(st);
	return rc < 0 ? rc : AJ_OK;
}

static void answers(const int64_t *items, int n, const char *answer, struct answer *out)
{
	for (int i = 0; i < n; i++)
		out[i] = (struct answer){items[i], answer, NULL};
}

/* cs1, who makes the follow-up calls */
static struct actor cs_actor = {0, 0, "cs1"};

static const char *const roads[] = {"文三路", "庆春路", "解放路", "延安路", "莫干山路", "江南大道", "市心路",
				    "文一西路", "凤起路", "钱江路"};

/* Lives one planned event through as the person who would do it. A refusal of the rules (the
 * worker busy or no longer allowed to serve) leaves that booking where it stopped, as in life. */
static int live_event(struct store *s, const struct demo_world *dw, const struct bevent *e, struct dbooking *bk,
		      const struct offer *offers, const struct category_ids *ids, struct candidates *cands,
		      uint64_t *rng)
{
	struct dbooking *b = &bk[e->booking];
	const struct offer *o = &offers[b->offer];
	const struct category_ids *cat = &ids[o->category];
	const struct actor *company = &dw->company_actor[o->company];
	const struct actor *customer = &dw->customer[b->customer];
	struct answer ans[MAX_ITEMS];
	struct elig_result res;
	struct fault f = {0};
	clock_set(e->at);
	if (e->type != BE_CREATE && !b->id)
		return AJ_OK;
	int rc = AJ_OK;
	switch (e->type) {
	case BE_CREATE: {
		char address[128];
		/* each household lives in one district */
		static const char *const districts[] = {"上城区", "拱墅区", "西湖区", "滨江区", "萧山区", "余杭区"};
		const char *district = districts[b->customer % (int)ARRAY_LEN(districts)];
		snprintf(address, sizeof address, "杭州市%s%s%lld号%lld幢%lld室", district, roads[demo_rand(rng, ARRAY_LEN(roads))],
			 (long long)(1 + demo_rand(rng, 400)), (long long)(1 + demo_rand(rng, 20)), (long long)(101 + demo_rand(rng, 2200)));
		/* each household its own mobile number, the same on every booking it makes */
		char phone[16];
		snprintf(phone, sizeof phone, "139%08d", (int)((b->customer * 7919LL + 2417) % 100000000));
		struct candidates *c = &cands[b->offer];
		/* the customer's chosen worker, or (one in four) the company's choice later */
		for (int tries = 0; tries < 12 && (c->n || b->own_worker); tries++) {
			int pick = b->worker >= 0 ? (b->worker + tries * 37) % c->n : -1;
			/* the demo logins' own records keep the days around today for their own bookings */
			if (pick >= 0 && c->linked[pick] && b->end > dw->now - 2 * 86400)
				continue;
			int64_t w = b->own_worker ? b->own_worker : pick >= 0 ? c->id[pick] : 0;
			struct booking_in in = {dw->customer[b->customer].user_id, o->id, w, b->start, b->end, address, phone, NULL,
						NULL, district};
			f = (struct fault){0};
			rc = booking_create(s, customer, &in, &b->id, &res, &f);
			if (rc == AJ_OK || (rc != AJ_ERULE && rc != AJ_ECONFLICT) || !w)
				break;
		}
		if (rc != AJ_OK || b->worker != -1 || b->own_worker || e->at + 3600 > dw->now)
			break;
		/* the dispatcher assigns someone */
		clock_set(e->at + 3600);
		for (int tries = 0; tries < 12 && c->n; tries++) {
			f = (struct fault){0};
			rc = booking_assign(s, company, b->id, c->id[demo_rand(rng, c->n)], 0, &res, &f);
			if (rc != AJ_ERULE && rc != AJ_ECONFLICT)
				break;
		}
		if (rc == AJ_ERULE || rc == AJ_ECONFLICT) {
			/* nobody free who may serve: the company says so and cancels */
			int64_t id = b->id;
			b->id = 0;
			return booking_move(s, company, ROLE_COMPANY_ADMIN, id, BA_CANCEL, NULL, 0, "该时段暂无可派服务人员",
					    NULL, &res, &f);
		}
		break;
	}
	case BE_CONFIRM:
		answers(cat->pre, cat->npre, "done", ans);
		rc = booking_move(s, company, ROLE_COMPANY_ADMIN, b->id, BA_CONFIRM, ans, cat->npre, NULL, NULL, &res, &f);
		break;
	case BE_CHECKIN:
		rc = booking_move(s, company, ROLE_COMPANY_ADMIN, b->id, BA_CHECKIN, NULL, 0, NULL, NULL, &res, &f);
		break;
	case BE_CHECKOUT: {
		answers(cat->in, cat->nin, "pass", ans);
		if (!b->satisfied && cat->nin > 1)
			ans[1 + demo_rand(rng, cat->nin - 1)].answer = "fail";
		/* the customer reads out the code their booking shows, and the worker enters it */
		char code[SERVICE_CODE_LEN];
		int coded = b->evidence == EV_CODE && evidence_code_show(s, b->id, code) == 0;
		rc = booking_checkout(s, company, ROLE_COMPANY_ADMIN, b->id, ans, cat->nin,
				      b->left_early ? "客户临时有事，提前结束服务" : NULL, coded ? code : NULL, &res, &f);
		break;
	}
	case BE_EVIDENCE:
		rc = evidence_confirm(s, customer, b->id, b->evidence != EV_DENY,
				      b->evidence == EV_DENY ? "服务人员只待了半小时，清单上的卫生间和厨房都没有做" : NULL, &f);
		break;
	case BE_CALL: {
		/* the first call of EV_UNREACHABLE finds nobody at home */
		int nobody = b->evidence == EV_UNREACHABLE && b->calls++ == 0;
		rc = evidence_follow_up(s, &cs_actor, b->id, nobody ? "unreachable" : "confirmed",
					nobody ? "无人接听" : "客户确认服务已按时完成", &f);
		break;
	}
	case BE_REVIEW: {
		static const char *const good[] = {"准时到达，做事细致，非常满意。", "很专业，下次还约她。",
						   "态度好，干活利索。", "服务很规范，家里老人也满意。"};
		static const char *const bad[] = {"迟到了半小时，也没提前说。", "卫生间没有打扫干净。",
						  "做事比较马虎，希望改进。"};
		int overall = b->satisfied ? 4 + (int)demo_rand(rng, 2) : 1 + (int)demo_rand(rng, 3);
		int scores[5] = {overall, overall, overall, overall, overall};
		for (int i = 1; i < 5; i++) {
			/* each dimension one either side of the overall, drawn once, kept within 1 to 5 */
			int v = overall + (int)demo_rand(rng, 3) - 1;
			scores[i] = v < 1 ? 1 : v > 5 ? 5 : v;
		}
		answers(cat->post, cat->npost, b->satisfied ? "yes" : "no", ans);
		const char *comment = demo_rand(rng, 3) == 0 ? NULL : b->satisfied ? good[demo_rand(rng, ARRAY_LEN(good))]
									   : bad[demo_rand(rng, ARRAY_LEN(bad))];
		rc = review_create(s, customer, ROLE_CUSTOMER, b->id, scores, comment, ans, cat->npost, &f);
		break;
	}
	case BE_CANCEL:
		rc = booking_move(s, customer, ROLE_CUSTOMER, b->id, BA_CANCEL, NULL, 0, "行程有变，改天再约", NULL, &res, &f);
		break;
	case BE_NO_SHOW:
		rc = booking_move(s, company, ROLE_COMPANY_ADMIN, b->id, BA_NO_SHOW, NULL, 0, "客户家中无人，电话未接通",
				  "customer", &res, &f);
		/* the household answers within hours: most say so, one in four says the worker never came;
		 * one in four does not answer, and the job passes theirs to the service centre */
		if (rc == AJ_OK && !b->own_worker && b->id % 4 != 3) {
			clock_set(e->at + 3 * 3600);
			rc = b->id % 4 == 2 ? no_show_answer(s, customer, b->id, "worker_absent", "那天上午一直有人在家，没有人来过", &f)
			     : no_show_answer(s, customer, b->id, "acknowledge", NULL, &f);
		}
		/* the service centre calls back within four days — what the last days left is still waiting */
		if (rc == AJ_OK && !b->own_worker && b->id % 4 >= 2 && e->at + 4 * 86400 < dw->now) {
			clock_set(e->at + 4 * 86400);
			rc = b->id % 8 == 2 ? no_show_check(s, &dw->admin, b->id, "worker_absent", "回访客户并核对小区门岗记录，服务人员当天未到", &f)
			     : no_show_check(s, &dw->admin, b->id, "upheld", "电话回访客户，确认当天家中无人", &f);
		}
		break;
	}
	/* the rules refusing is part of the story; anything else stops the load */
	if (rc == AJ_ERULE || rc == AJ_ECONFLICT || rc == AJ_ENOTFOUND) {
		if (e->type == BE_CREATE)
			b->id = 0;
		return AJ_OK;
	}
	return rc;
}

/* How long a booking of this unit lasts, and when in the day it starts. */
static void booking_times(uint64_t *rng, const char *unit, int64_t day, int64_t *start, int64_t *end)
{
	if (strcmp(unit, "day") == 0) {
		*start = time_day_start(day) + 8 * 3600;
		*end = *start + 10 * 3600;
	} else {
		int hours = strcmp(unit, "visit") == 0 ? 3 : 2 + (int)demo_rand(rng, 3);
		*start = time_day_start(day) + (8 + demo_rand(rng, 10)) * 3600 + (demo_rand(rng, 2) ? 1800 : 0);
		*end = *start + hours * 3600;
		/* within the service hours of the default standards: done by 21:00 */
		int64_t latest = time_day_start(day) + 21 * 3600;
		if (*end > latest) {
			*start -= *end - latest;
			*end = latest;
		}
	}
}

static void plan_booking(struct bplan *p, const struct dbooking *b)
{
	if (p->nb == p->capb) {
		p->capb = p->capb ? p->capb * 2 : 4096;
		p->b = xrealloc(p->b, p->capb * sizeof *p->b);
	}
	p->b[p->nb++] = *b;
}

/* Plans booking k's life from its creation; quality: the company's shares. */
static void plan_life(struct bplan *p, uint64_t *rng, int k, int company)
{
	struct dbooking *b = &p->b[k];
	int64_t created = b->start - 3600 * (6 + demo_rand(rng, 72));
	if (created > clock_now())
		created = clock_now() - 60 * (1 + demo_rand(rng, 600));
	plan_event(p, created, k, BE_CREATE);
	int fate = (int)demo_rand(rng, 1000);
	if (fate < 40) {
		plan_event(p, created + 3600 * (1 + demo_rand(rng, 4)), k, BE_CANCEL);
		return;
	}
	plan_event(p, created + 1800 + demo_rand(rng, 3600), k, BE_CONFIRM);
	if (fate < 50) {
		plan_event(p, b->start + 3600, k, BE_NO_SHOW);
		return;
	}
	int late = demo_rand(rng, 1000) < companies[company].late;
	int64_t in = b->start + (late ? 60 * (20 + demo_rand(rng, 30)) : -60 * demo_rand(rng, 15));
	plan_event(p, in, k, BE_CHECKIN);
	/* one service in fifty ends an hour or so early, the household's choice, said at check-out */
	b->left_early = b->end - b->start >= 3 * 3600 && demo_rand(rng, 50) == 0;
	int64_t out = b->left_early ? b->end - 60 * (60 + demo_rand(rng, 30)) : b->end + 60 * demo_rand(rng, 15);
	plan_event(p, out, k, BE_CHECKOUT);
	b->satisfied = demo_rand(rng, 1000) < companies[company].satisfied - (late ? 300 : 0);
	int64_t review = demo_rand(rng, 100) < companies[company].reviewing ? b->end + 3600 * (1 + demo_rand(rng, 48)) : 0;
	/* the customer's word: seven in ten by the code at the door, the rest in the app or on the
	 * service centre's call, before any review; a few never say, one in two hundred says no. Drawn
	 * from a generator of its own, so that the rest of the demo is what it was before the rule */
	uint64_t er = 0x5EED0E71DE1CEull ^ ((uint64_t)k * 0x100000001B3ull) ^ (uint64_t)b->start;
	int way = (int)demo_rand(&er, 200);
	b->evidence = way < 140 ? EV_CODE : way < 176 ? EV_APP : way < 188 ? EV_CALL : way < 194 ? EV_UNREACHABLE
		    : way < 199 ? EV_NONE : EV_DENY;
	int64_t gap = review ? review - 600 - out : 30 * 3600; /* the word comes before the review */
	if (b->evidence == EV_APP || b->evidence == EV_DENY) {
		int64_t said = 60 * (10 + demo_rand(&er, 170));
		plan_event(p, out + (said < gap ? said : gap / 2), k, BE_EVIDENCE);
	} else if (b->evidence == EV_CALL) {
		int64_t said = 3600 * (18 + demo_rand(&er, 8));
		plan_event(p, out + (said < gap ? said : gap / 2), k, BE_CALL);
	} else if (b->evidence == EV_UNREACHABLE) {
		/* nobody at home the first time */
		plan_event(p, out + gap / 3, k, BE_CALL);
		plan_event(p, out + 2 * gap / 3, k, BE_CALL);
	}
	/* a review of a service nobody confirmed, or that its customer denied, is refused */
	if (review)
		plan_event(p, review, k, BE_REVIEW);
}

/* The bookings the demo logins find when they sign in: worker1's job within the hour (confirmed,
 * ready to check in) and tomorrow's (to confirm), customer1's service of yesterday (to review) and
 * yesterday morning's, marked as nobody at home (to answer), and a request of customer1's for
 * company1 to dispatch. */
static int plan_own(struct store *s, const struct demo_world *dw, struct bplan *p, const struct offer *offers,
		    int n_offers)
{
	int64_t worker = 0;
	char trade[32] = "";
	struct stmt *st = store_sql(s, "SELECT w.id, t.trade FROM workers w JOIN worker_trades t ON t.worker_id = w.id"
				       " WHERE w.user_id = $1 ORDER BY t.trade LIMIT 1");
	stmt_bind_int(st, 1, dw->worker_user[1]);
	int rc = stmt_step(st);
	if (rc == STORE_ROW) {
		worker = stmt_int(st, 0);
		str_copy(trade, sizeof trade, stmt_text(st, 1));
	}
	stmt_done(st);
	if (rc < 0)
		return rc;
	int o = -1;
	for (int i = 0; i < n_offers && o < 0 && worker; i++)
		if (offers[i].company == 0 && strcmp(categories[offers[i].category].trade, trade) == 0 &&
		    (strcmp(offers[i].unit, "hour") == 0 || strcmp(offers[i].unit, "visit") == 0))
			o = i;
	if (o < 0)
		return AJ_OK;
	int64_t now = dw->now, soon = now - now % 1800 + 3600;
	/* within the hourly service hours of the default standards (07:00, a 3-hour job done by 21:00):
	 * at night, the first job of the morning */
	int64_t day0 = time_day_start(time_local_days(soon));
	if (soon < day0 + 7 * 3600)
		soon = day0 + 7 * 3600;
	else if (soon + 3 * 3600 > day0 + 21 * 3600)
		soon = time_day_start(time_local_days(soon) + 1) + 7 * 3600;
	struct {
		int64_t start, hours;
		int events;   /* how far its life has got: 1 created, 2 confirmed, 4 completed, 8 marked absent */
		int with_worker;
	} own[] = {
		{soon, 3, 2, 1},
		{time_day_start(dw->today + 1) + 13 * 3600, 3, 1, 1},
		{time_day_start(dw->today - 1) + 14 * 3600, 3, 4, 1},
		{time_day_start(dw->today + 2) + 10 * 3600, 2, 1, 0},
		{time_day_start(dw->today - 1) + 9 * 3600, 2, 8, 1},
	};
	for (size_t i = 0; i < ARRAY_LEN(own); i++) {
		struct dbooking b = {o, 0, -2, own[i].start, own[i].start + own[i].hours * 3600, 0, 1,
				     own[i].with_worker ? worker : 0, 0, EV_CODE, 0};
		plan_booking(p, &b);
		int k = (int)p->nb - 1;
		int64_t created = own[i].events >= 4 ? own[i].start - 2 * 86400 : now - 86400 + (int64_t)i * 600;
		plan_event(p, created, k, BE_CREATE);
		if (own[i].events >= 2)
			plan_event(p, created + 3600, k, BE_CONFIRM);
		if (own[i].events == 4) {
			plan_event(p, b.start - 300, k, BE_CHECKIN);
			plan_event(p, b.end + 300, k, BE_CHECKOUT);
		}
		if (own[i].events == 8)
			plan_event(p, b.start + 3600, k, BE_NO_SHOW);
	}
	return AJ_OK;
}

/* ---- the large history: bookings of the past written whole, for benchmarks ---- */

/* Half days (0 = the morning of today - HISTORY_DAYS) a worker is already booked for, one bit each:
 * a worker serves at most a morning and an afternoon job a day. */
#define HISTORY_DAYS 182
struct busy_days {
	unsigned char (*bits)[HISTORY_DAYS / 4 + 1];
	int64_t n;
};

/* Takes half-day `half` (0 morning, 1 afternoon, 2 both) of day for worker; 0 when already taken. */
static int take_half(struct busy_days *b, int64_t worker, int day, int half)
{
	if (worker >= b->n || day < 0 || day >= HISTORY_DAYS)
		return 0;
	unsigned char *p = &b->bits[worker][day / 4];
	unsigned mask = (half == 2 ? 3u : 1u << half) << (day % 4 * 2);
	if (*p & mask)
		return 0;
	*p |= (unsigned char)mask;
	return 1;
}

/* A past job's hours in half-day `half` of day: mornings from 8:00, afternoons from 13:00, ending
 * by 12:00 and 18:00; a day's job takes both. */
static void history_times(uint64_t *rng, const char *unit, int64_t day, int half, int64_t *start, int64_t *end)
{
	if (half == 2) {
		*start = time_day_start(day) + 8 * 3600;
		*end = *start + 10 * 3600;
		return;
	}
	*start = time_day_start(day) + (half ? 13 : 8) * 3600 + demo_rand(rng, 3) * 1800;
	*end = *start + (strcmp(unit, "visit") == 0 ? 3 : 2 + demo_rand(rng, 2)) * 3600;
}

/* When worker may serve trade: [*lo, *hi), or 0 when never. */
static int serving_window(struct store *s, int64_t worker, const char *trade, int64_t grace, int64_t *lo, int64_t *hi)
{
	struct stmt *st = store_sql(s, "SELECT ok_from, ok_until, refresher_until FROM worker_windows"
				       " WHERE worker_id = $1 AND trade = $2");
	stmt_bind_int(st, 1, worker);
	stmt_bind_text(st, 2, trade);
	int found = stmt_step(st) == STORE_ROW;
	if (found) {
		*lo = stmt_int(st, 0);
		*hi = stmt_int(st, 1);
		if (stmt_int(st, 2) + grace < *hi)
			*hi = stmt_int(st, 2) + grace;
	}
	stmt_done(st);
	return found;
}

static int write_history(struct store *s, const struct demo_world *dw, const struct offer *offers, int n_offers,
			 struct candidates *cands, const struct category_ids *ids, uint64_t *rng)
{
	static const char *const comments[] = {"准时到达，做事细致，非常满意。", "很专业，下次还约。", NULL,
					      "态度好，干活利索。", NULL, "迟到了一会儿，其他都好。"};
	int64_t slots = 0, max_worker = 0;
	for (int o = 0; o < n_offers; o++) {
		if (strcmp(offers[o].unit, "month") == 0)
			continue;
		slots += cands[o].n;
		for (int i = 0; i < cands[o].n; i++)
			if (cands[o].id[i] > max_worker)
				max_worker = cands[o].id[i];
	}
	if (!slots)
		return AJ_OK;
	struct busy_days busy = {xcalloc((size_t)max_worker + 1, sizeof *busy.bits), max_worker + 1};
	int64_t first = dw->today - HISTORY_DAYS, grace = 15 * 86400;
	int rc = AJ_OK;
	/* passes until the count is reached: a worker's window or busy days can refuse a share */
	int64_t written = 0;
	for (int pass = 0, idle = 0; written < dw->history && idle < 8 && pass < 1000; pass++) {
	int64_t want = dw->history - written, before = written;
	for (int o = 0; o < n_offers && rc == AJ_OK && written < dw->history; o++) {
		const struct offer *of = &offers[o];
		const char *trade = categories[of->category].trade;
		if (strcmp(of->unit, "month") == 0)
			continue;
		int64_t price = 0;
		struct stmt *st = store_sql(s, "SELECT price_fen FROM service_items WHERE id = $1");
		stmt_bind_int(st, 1, of->id);
		stmt_one_int(st, &price);
		for (int i = 0; i < cands[o].n && rc == AJ_OK && written < dw->history; i++) {
			int64_t worker = cands[o].id[i], lo, hi;
			/* this pair's share of the whole, the remainder spread at random */
			int k = want >= slots ? (int)(want / slots) : demo_rand(rng, slots) < want * 4;
			if (!k || !serving_window(s, worker, trade, grace, &lo, &hi))
				continue;
			int d0 = (int)(time_local_days(lo) + 1 - first), d1 = (int)(time_local_days(hi) - first);
			if (d0 < 0)
				d0 = 0;
			if (d1 > HISTORY_DAYS - 3)
				d1 = HISTORY_DAYS - 3;
			for (int j = 0; j < k && d1 > d0 && rc == AJ_OK && written < dw->history; j++) {
				int whole = strcmp(of->unit, "day") == 0;
				int day = d0 + (int)demo_rand(rng, d1 - d0), half = whole ? 2 : (int)demo_rand(rng, 2), tries = 0;
				while (!take_half(&busy, worker, day, half) && ++tries < 8) {
					day = d0 + (int)demo_rand(rng, d1 - d0);
					half = whole ? 2 : (int)demo_rand(rng, 2);
				}
				if (tries == 8)
					break;
				struct booking_history h = {0};
				/* each household its own address and telephone, on every booking it makes */
				int household = (int)demo_rand(rng, dw->n_customers);
				char address[128], phone[16];
				snprintf(address, sizeof address, "杭州市%s%d号%d幢%d室", roads[household % ARRAY_LEN(roads)],
					 1 + household % 997, 1 + household % 20, 101 + household % 2203);
				snprintf(phone, sizeof phone, "137%08d", (int)((household * 7919LL + 2417) % 100000000));
				h.customer_id = dw->customer[household].user_id;
				h.company_id = dw->company_id[of->company];
				h.service_item_id = of->id;
				h.category_id = ids[of->category].id;
				h.worker_id = worker;
				h.price_fen = price;
				h.trade = trade;
				h.address = address;
				h.phone = phone;
				history_times(rng, of->unit, first + day, half, &h.start, &h.end);
				h.created = h.start - 3600 * (6 + demo_rand(rng, 72));
				h.confirmed = h.created + 1800 + demo_rand(rng, 3600);
				h.late = demo_rand(rng, 1000) < companies[of->company].late;
				h.checked_in = h.start + (h.late ? 60 * (20 + demo_rand(rng, 30)) : -60 * demo_rand(rng, 15));
				h.checked_out = h.end + 60 * demo_rand(rng, 15);
				h.reviewed = h.checked_out + 3600 * (1 + demo_rand(rng, 40));
				int satisfied = demo_rand(rng, 1000) < companies[of->company].satisfied - (h.late ? 300 : 0);
				int overall = satisfied ? 4 + (int)demo_rand(rng, 2) : 1 + (int)demo_rand(rng, 3);
				for (int m = 0; m < 5; m++)
					h.scores[m] = overall;
				h.scores[1] = h.late ? 2 : overall;
				h.comment = comments[demo_rand(rng, ARRAY_LEN(comments))];
				int64_t id;
				clock_set(h.reviewed);
				rc = booking_history_add(s, &dw->company_actor[of->company], &h, &id);
				written++;
			}
		}
	}
	idle = written > before ? 0 : idle + 1;
	}
	clock_set(0);
	free(busy.bits);
	return rc ? rc : ratings_rebuild(s);
}

/* A shill's review, and the association excluding it: nine days ago a new account booked one of
 * company2's workers with the telephone and address of another household, the company confirmed,
 * the worker checked in ten minutes before the start and out three minutes later "at the customer's
 * wish", the shill said in the app it happened and left five stars; a day later the association,
 * seeing the signals (new account, telephone and address shared, done within minutes), excluded
 * the review with its reason. Nothing when no worker of company2 is free then. */
static int live_shill(struct store *s, const struct demo_world *dw, const struct offer *offers, int n_offers,
		      const struct category_ids *ids, struct candidates *cands)
{
	int o = -1;
	for (int i = 0; i < n_offers && o < 0; i++)
		if (offers[i].company == 1 && strcmp(offers[i].unit, "hour") == 0 && cands[i].n)
			o = i;
	if (o < 0 || dw->n_customers < 3)
		return AJ_OK;
	/* the other household's telephone and address: those of its latest booking */
	int64_t theirs = 0;
	struct stmt *st = store_sql(s, "SELECT coalesce(max(id), 0) FROM bookings WHERE customer_id = $1"
				       " AND contact_destroyed_at IS NULL");
	stmt_bind_int(st, 1, dw->customer[2].user_id);
	int rc = stmt_one_int(st, &theirs);
	struct contact c;
	if (rc || !theirs || booking_contact(s, theirs, &c) != AJ_OK || !c.phone[0])
		return rc;
	int64_t day = time_day_start(dw->today - 9), start = day + 15 * 3600, end = start + 2 * 3600;
	const struct offer *of = &offers[o];
	const struct category_ids *cat = &ids[of->category];
	struct answer ans[MAX_ITEMS];
	struct elig_result res;
	struct fault f = {0};
	int64_t user = 0, id = 0;
	/* signed up with the demo's password, as every demo login */
	char hash[256] = "";
	st = store_sql(s, "SELECT pw_hash FROM users WHERE id = $1");
	stmt_bind_int(st, 1, dw->customer[0].user_id);
	if (stmt_step(st) == STORE_ROW)
		str_copy(hash, sizeof hash, stmt_text(st, 0));
	stmt_done(st);
	clock_set(day + 14 * 3600);
	struct user_in in = {"xinke2026", "吴佳", ROLE_CUSTOMER, 0, hash, 0, 0};
	if ((rc = user_create(s, &(struct actor){0, 0, "signup"}, &in, &user, &f)) != AJ_OK)
		return rc == AJ_ECONFLICT ? AJ_OK : rc;
	const struct actor shill = {user, 0, "xinke2026"};
	clock_set(day + 14 * 3600 + 300);
	for (int i = 0; i < cands[o].n && !id; i++) {
		struct booking_in b = {user, of->id, cands[o].id[i], start, end, c.address, c.phone, NULL, NULL, "拱墅区"};
		f = (struct fault){0};
		rc = booking_create(s, &shill, &b, &id, &res, &f);
		if (rc && rc != AJ_ERULE && rc != AJ_ECONFLICT)
			return rc;
	}
	if (!id)
		return AJ_OK;
	const struct actor *company = &dw->company_actor[1];
	static const int scores[5] = {5, 5, 5, 5, 5};
	clock_set(day + 14 * 3600 + 600);
	answers(cat->pre, cat->npre, "done", ans);
	if ((rc = booking_move(s, company, ROLE_COMPANY_ADMIN, id, BA_CONFIRM, ans, cat->npre, NULL, NULL, &res, &f)) != AJ_OK)
		return rc == AJ_ERULE ? AJ_OK : rc;
	clock_set(start - 600);
	if ((rc = booking_move(s, company, ROLE_COMPANY_ADMIN, id, BA_CHECKIN, NULL, 0, NULL, NULL, &res, &f)) != AJ_OK)
		return rc == AJ_ERULE ? AJ_OK : rc;
	clock_set(start - 420);
	answers(cat->in, cat->nin, "pass", ans);
	if ((rc = booking_checkout(s, company, ROLE_COMPANY_ADMIN, id, ans, cat->nin, "客户临时有事，提前结束服务", NULL,
				   &res, &f)) != AJ_OK)
		return rc == AJ_ERULE ? AJ_OK : rc;
	clock_set(start - 240);
	if ((rc = evidence_confirm(s, &shill, id, 1, NULL, &f)) != AJ_OK)
		return rc;
	clock_set(start + 60);
	if ((rc = review_create(s, &shill, ROLE_CUSTOMER, id, scores, "非常专业，强烈推荐！", NULL, 0, &f)) != AJ_OK)
		return rc;
	clock_set(day + 86400 + 10 * 3600);
	return review_exclude(s, &dw->admin, id, "新注册账号使用其他客户的手机号和地址，签到三分钟即签退，评价不予计入。", &f);
}

/* The bookings planned and lived through, in the one write that holds them all (store_write may run
 * it more than once: each try starts from the same draws, the same clock and an empty plan). */
struct lives {
	const struct demo_world *dw;
	const struct offer *offers;
	int n_offers;
	struct candidates *cands;
	const struct category_ids *ids;
	uint64_t *rng, seed;
	int64_t clock_at;
	struct bplan *plan;
};

static int lives_write(struct store *s, void *arg)
{
	struct lives *l = arg;
	const struct demo_world *dw = l->dw;
	const struct offer *offers = l->offers;
	int n_offers = l->n_offers;
	struct candidates *cands = l->cands;
	const struct category_ids *ids = l->ids;
	uint64_t *rng = l->rng;
	struct bplan *p = l->plan;
	int rc;
	*rng = l->seed;
	clock_set(l->clock_at);
	p->nb = p->ne = 0;
	if (dw->history > 0) {
		/* the past written whole; then the demo logins' own bookings, lived through */
		if ((rc = write_history(s, dw, offers, n_offers, cands, ids, rng)) != AJ_OK ||
		    (rc = plan_own(s, dw, p, offers, n_offers)) != AJ_OK)
			return rc;
	} else {
		/* about five bookings per worker over six months, and the coming week's */
		int64_t total = dw->workers * 5, first = dw->today - 182;
		int per_day = (int)(total / 190) + 1;
		clock_set(0);
		for (int64_t day = first; day <= dw->today + 7; day++) {
			for (int i = 0; i < per_day; i++) {
				int o = (int)demo_rand(rng, n_offers);
				if (strcmp(offers[o].unit, "month") == 0 || !cands[o].n)
					continue;
				struct dbooking b = {o, (int)demo_rand(rng, dw->n_customers), (int)demo_rand(rng, cands[o].n), 0, 0,
						     0, 1, 0, 0, EV_NONE, 0};
				if (demo_rand(rng, 4) == 0)
					b.worker = -1;
				booking_times(rng, offers[o].unit, day, &b.start, &b.end);
				plan_booking(p, &b);
				plan_life(p, rng, (int)p->nb - 1, offers[o].company);
			}
		}
		if ((rc = plan_own(s, dw, p, offers, n_offers)) != AJ_OK)
			return rc;
	}
	qsort(p->ev, p->ne, sizeof *p->ev, by_at);
	for (size_t i = 0; i < p->ne && rc == AJ_OK; i++)
		rc = live_event(s, dw, &p->ev[i], p->b, offers, ids, cands, rng);
	return rc == AJ_OK ? live_shill(s, dw, offers, n_offers, ids, cands) : rc;
}

int demo_services(struct store *s, const struct demo_world *dw, uint64_t *rng)
{
	struct category_ids ids[N_CATEGORIES];
	struct offer offers[96];
	struct candidates cands[96];
	struct bplan plan = {0};
	int n_offers = 0, rc;
	struct stmt *st_cs;
	memset(ids, 0, sizeof ids);
	memset(cands, 0, sizeof cands);

	clock_set(time_day_start(dw->today - 200) + 10 * 3600);
	if ((rc = add_categories(s, &dw->admin, ids)) != AJ_OK)
		goto out;
	clock_set(time_day_start(dw->today - 195) + 10 * 3600);
	if ((rc = add_offers(s, dw, ids, offers, &n_offers)) != AJ_OK)
		goto out;
	for (int i = 0; i < n_offers && rc == AJ_OK; i++)
		rc = load_candidates(s, dw->company_id[offers[i].company], categories[offers[i].category].trade, &cands[i]);
	if (rc)
		goto out;

	/* cs1, who makes the follow-up calls */
	st_cs = store_sql(s, "SELECT id, coalesce(org_id, 0) FROM users WHERE login = 'cs1'");
	if (stmt_step(st_cs) == STORE_ROW) {
		cs_actor.user_id = stmt_int(st_cs, 0);
		cs_actor.org_id = stmt_int(st_cs, 1);
	}
	stmt_done(st_cs);

	struct lives l = {dw, offers, n_offers, cands, ids, rng, *rng, clock_now(), &plan};
	rc = store_write(s, lives_write, &l);
out:
	clock_set(0);
	for (int i = 0; i < n_offers; i++) {
		free(cands[i].id);
		free(cands[i].linked);
	}
	free(plan.b);
	free(plan.ev);
	return rc;
}
