/* demo.c — the demo's complaints, compensation claims and spot checks. Three months of
 * complaints from every channel are planned story by story, then lived through in time order with
 * the deadline job running twice a day, so breaches, escalations, reminders of a question waiting,
 * pauses run out and lapsed resolutions are the job's own work; a question comes after the first
 * feedback and is answered within its pause, or left unanswered until the job resumes the clock;
 * claims are accepted, left to stand or disputed (one decided again by the association, one still
 * waiting for it), paid and confirmed, down to an advance payment (先行赔付) recovered and a
 * payment overdue;
 * the association's sampling plans for the last two months are drawn and inspected, with failures
 * and their rectification orders. What is open at the present gives every queue something to show.
 * Everything goes through the functions the API uses, so every rule holds and the audit chain
 * covers it. */
#include "demo_world.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "anjia.h"
#include "jobs.h"
#include "rights/claims.h"
#include "rights/complaints.h"
#include "rights/inspections.h"
#include "services/bookings.h"
#include "standards.h"
#include "store/store.h"
#include "util/clock.h"
#include "util/strbuf.h"
#include "util/timefmt.h"

#define HOUR 3600
#define DAY 86400

/* lo…hi hours (or days), to the minute */
static int64_t hours(uint64_t *s, int lo, int hi)
{
	return (int64_t)lo * HOUR + demo_rand(s, (int64_t)(hi - lo) * 60 + 1) * 60;
}

static int64_t days(uint64_t *s, int lo, int hi)
{
	return (int64_t)lo * DAY + demo_rand(s, (int64_t)(hi - lo) * 24 * 60 + 1) * 60;
}

/* t moved into a window of the local day, [from, to) hours: the next opening when outside it,
 * some minutes after. The minutes come from t, not the seed: how many draws a story takes does not
 * hang on the hours its steps fall at. */
static int64_t within(int64_t t, int from, int to)
{
	int64_t day = time_local_days(t), open = time_day_start(day) + from * HOUR;
	int64_t late = (int64_t)((uint64_t)t * 0x9e3779b97f4a7c15ull >> 40) % 90 * 60;
	if (t < open)
		return open + late;
	if (t >= time_day_start(day) + to * HOUR)
		return time_day_start(day + 1) + from * HOUR + late;
	return t;
}

/* companies and the association work 8:00–20:00; customers write between 7:00 and 23:00 */
static int64_t office(int64_t t)
{
	return within(t, 8, 20);
}

static int64_t waking(int64_t t)
{
	return within(t, 7, 23);
}

/* ---- what the complaints are ---- */

enum story {
	ST_QUICK,     /* feedback within hours, resolved within days, accepted with a rating */
	ST_LAPSE,     /* resolved and never answered: the job closes it when the window passes */
	ST_ASK,       /* feedback, then a question that pauses the resolution clock; answered within the pause */
	ST_SILENT,    /* feedback, then a question never answered: reminded, the pause runs out, resolved, lapses */
	ST_LATE,      /* no feedback in 48 hours: breached and escalated by the job, handled late */
	ST_SLOW,      /* chased by the service centre, resolved after its 7 days: the job escalates */
	ST_REOPEN,    /* resolved, reopened by the customer, resolved again */
	ST_CHASED,    /* the caller keeps ringing: the service centre escalates it */
	ST_TAKEOVER,  /* breached, taken over by the association, which pays in advance */
	OP_RECEIVED,  /* open now: just received, the feedback clock running */
	OP_PROGRESS,  /* open now: feedback given, being handled */
	OP_WAITING,   /* open now: feedback, then a question to the customer, the resolution clock paused */
	OP_RESOLVED,  /* open now: resolved, for the customer to accept or reopen */
	OP_BREACHED,  /* open now: no feedback in 48 hours, in the association's queue */
	OP_TAKEN,     /* open now: breached, taken over, handled by the association */
	OP_UNVERIFIED, /* open now: about no booking, waiting for the service centre to verify it */
	ST_REJECTED,  /* about no booking: the service centre could not confirm it and rejected it */
};

enum channel {
	CH_WEB,       /* the booking's customer, on the web */
	CH_PHONE,     /* the service centre by phone, for a customer about their booking */
	CH_CONTACT,   /* the service centre by phone, for a caller without an account */
	CH_WALK_IN,   /* the service centre, someone who came in, without an account */
	CH_CUSTOMER1, /* customer1, on the web, about one of their services */
	CH_UNBOOKED,  /* a customer on the web, about a worker but no booking of theirs */
};

/* CK_DISPUTED: decided low by the company, disputed, raised by the association and paid;
 * CK_DISPUTE_OPEN: rejected by the company and disputed lately, in the association's queue */
enum claim_kind { CK_NONE, CK_COMPANY, CK_WORKER, CK_INSURER, CK_REJECTED, CK_ADVANCE, CK_UNPAID, CK_PENDING,
		  CK_DISPUTED, CK_DISPUTE_OPEN };

static const struct {
	int64_t amount;
	int approved_pct;       /* of the amount claimed */
	const char *payer;
	int pay_days;           /* after the decision stands; 0 never */
	const char *description, *evidence, *reason;
	const char *complaint;  /* what the complaint itself says of the loss */
	const char *dispute;    /* the customer's reasons against the company's decision */
	int review_pct;         /* the association's decision of the dispute, of the amount claimed */
	const char *review;     /* and its reasons */
} claims[] = {
	[CK_NONE] = {0, 0, NULL, 0, NULL, NULL, NULL, NULL, NULL, 0, NULL},
	[CK_COMPANY] = {68000, 100, "company", 3, "打碎的青花瓷花瓶，购买价六百八十元，要求照价赔偿。",
			"[\"花瓶碎片照片.jpg\",\"购买凭证.jpg\"]", "经核实系服务人员操作不慎所致，按购买价全额赔偿，由公司承担。",
			"擦拭客厅时打碎了青花瓷花瓶，当时没有告知，事后才发现。"},
	[CK_WORKER] = {120000, 50, "worker", 5, "清洁剂使用不当导致实木地板发白，修复报价一千二百元。",
		       "[\"地板照片-1.jpg\",\"地板照片-2.jpg\",\"修复报价单.jpg\"]",
		       "地板原有磨损，本次损坏部分按修复报价的一半赔偿，由当事服务人员承担。",
		       "用错了清洁剂，客厅的实木地板大片发白。"},
	[CK_INSURER] = {35000, 80, "insurer", 10, "老人洗澡时滑倒擦伤，门诊检查及药费三百五十元。",
			"[\"门诊病历.jpg\",\"医药费发票.jpg\"]", "按实际医药费赔付，自费药品部分除外，由公司投保的责任险赔付。",
			"给老人洗澡时没有放防滑垫，老人滑倒，膝盖擦伤，去了门诊。"},
	[CK_REJECTED] = {20000, 0, NULL, 0, "要求退还多收的两小时服务费二百元。", "[\"订单截图.jpg\"]",
			 "服务记录显示实际服务时长与结算一致，不存在多收费用，赔偿申请不予支持。",
			 "结算时多收了两个小时的费用，和平台显示的价格不符。"},
	[CK_ADVANCE] = {150000, 100, "advance", 2, "服务人员搬动家具时划坏红木茶几，修复费用一千五百元。",
			"[\"茶几划痕照片.jpg\",\"修复报价单.jpg\"]",
			"企业逾期未处理，损失属实。协会先行赔付一千五百元，再向企业追偿。",
			"服务人员搬动家具时划坏了红木茶几，联系公司多次没有结果。"},
	[CK_UNPAID] = {45000, 100, "company", 0, "羊绒大衣被洗涤变形，购买价四百五十元，要求赔偿。",
		       "[\"大衣照片.jpg\",\"购买凭证.jpg\"]", "洗涤方式不当，损失属实，由公司全额赔偿。",
		       "把羊绒大衣按普通衣物机洗，大衣缩水变形。"},
	[CK_PENDING] = {30000, 0, NULL, 0, "阿姨擦窗时碰掉了阳台的绿植盆栽和花架，要求赔偿三百元。",
			"[\"花架照片.jpg\"]", NULL, "阿姨擦窗时碰倒了阳台的花架，绿植盆栽摔碎了。"},
	[CK_DISPUTED] = {260000, 10, "company", 3, "搬动洗衣机清洁时撞坏了控制面板，维修报价两千六百元。",
			 "[\"洗衣机面板照片.jpg\",\"维修报价单.jpg\",\"购买发票.jpg\"]",
			 "洗衣机已使用多年，损坏原因无法确定，仅按维修报价的一成给予补偿。",
			 "阿姨搬动洗衣机清洁背面时撞坏了控制面板，洗衣机无法启动。",
			 "洗衣机去年才买，发票在附件里；维修报价单写明是外力撞击所致，一成的补偿远远不够维修。", 80,
			 "维修报价单和现场照片证实面板系外力撞击损坏，购买发票显示使用不到一年；考虑折旧，按维修报价的八成赔偿，由公司支付。"},
	[CK_DISPUTE_OPEN] = {90000, 0, NULL, 0, "擦窗时拉坏了客厅的电动窗帘轨道，更换费用九百元。",
			     "[\"窗帘轨道照片.jpg\",\"更换报价单.jpg\"]",
			     "服务人员表示轨道此前已经松动，损坏与本次服务无关，不予赔偿。",
			     "阿姨擦窗时用力拉扯窗帘，电动窗帘轨道脱落，电机也不转了。",
			     "阿姨来之前窗帘每天都在用，是她拉扯之后才掉下来的，当时她自己也承认了，不能一分不赔。", 0, NULL},
};

static const char *const category_codes[8] = {"quality", "safety", "privacy", "property_damage", "punctuality",
					       "attitude", "price", "other"};
static const char *const descriptions[8][2] = {
	{"卫生间和厨房只是简单擦了一下，台面还有油污，地面有水渍。", "约定的家务清单有一半没有做完，阿姨提前一个小时离开了。"},
	{"阿姨用完燃气灶没有关总阀，家里老人差点出事。", "给老人洗澡时没有放防滑垫，老人滑了一下，膝盖擦伤。"},
	{"服务人员在我家拍了室内照片发到朋友圈，没有征得同意。", "服务人员向邻居打听并议论我家的家庭情况。"},
	{"擦拭客厅时打碎了东西，当时没有告知。", "用错了清洁剂，地板和家具表面受损。"},
	{"预约九点上门，十点半才到，也没有提前打电话说明。", "连续两次迟到超过半小时，影响了家里的安排。"},
	{"提出卫生间没打扫干净，阿姨很不耐烦，还和我争吵。", "服务过程中一直打电话聊天，提醒后仍然如此。"},
	{"结算时多收了两个小时的费用，和平台显示的价格不符。", "上门后要求另付清洁用品费用，事先没有说明。"},
	{"公司客服电话一直打不通，改约时间没有人处理。", "服务结束后发票迟迟没有开具。"},
};

static const char *const findings[3] = {"upheld", "partly_upheld", "not_upheld"};
static const char *const remedies[3][2] = {
	{"经核实投诉属实。公司已向您致歉，对服务人员批评教育并安排复训，本次服务费用全额退还。",
	 "投诉属实，已安排其他服务人员免费上门返工一次，并扣除责任人当月绩效。"},
	{"经核实部分属实：服务存在疏漏，但不存在您反映的故意行为。退还本次服务费的一半，并安排服务人员复训。",
	 "部分属实，公司已提醒服务人员注意沟通方式，赠送一次两小时保洁服务。"},
	{"经调取服务记录并回访核实，服务人员按约定时间和清单完成服务，投诉内容与记录不符。如有异议，可在七天内要求重新处理。",
	 "经核实，所涉费用为双方事先约定，不存在违规收费。如有异议，可在七天内要求重新处理。"},
};
static const char *const feedbacks[] = {
	"您好，已收到您的投诉，质检主管正在核实情况，三个工作日内给您处理结果。",
	"非常抱歉给您带来不便，我们已联系服务人员了解情况，核实后第一时间回复您。",
	"投诉已登记，公司已暂停该服务人员的派单，正在调查处理。",
};
static const char *const questions[] = {
	"为便于核实，请您补充损坏物品的照片和大致购买价格。",
	"请问具体是在几点左右发生的？我们需要调取服务记录核对。",
};
static const char *const answers[] = {
	"照片已经补充，东西是去年在商场买的。",
	"大概是下午三点左右，当时我在家。",
};
static const char *const accept_comments[6] = {NULL, NULL, "处理太慢了，勉强接受。", "结果可以接受，希望以后改进。",
					       "处理及时，满意。", "处理得很好，谢谢。"};
static const char *const duties[] = {"complaints", "quality", "service", "management"};
static const char *const people[] = {"王敏", "李建平", "陈晓丽", "赵国庆", "周海燕", "吴志刚"};
static const char *const contacts[] = {"赵女士", "钱先生", "孙阿姨", "李女士", "周先生", "吴女士", "郑先生", "冯阿姨"};

/* Complaints on the web about a worker of the company with no booking of the customer's. */
static const struct {
	int story, company, category;
	const char *login;
	const char *said;
} unbooked[] = {
	{OP_UNVERIFIED, 1, 3, "customer7", "上周私下请这位阿姨来家里打扫，她走后卧室抽屉里的金项链不见了，怀疑是她拿走的。"},
	{ST_REJECTED, 4, 5, "customer8", "这位服务人员上门时态度恶劣，和我母亲吵了起来，还摔门离开。"},
};

/* One complaint as planned, and what living it through left. */
struct dcomplaint {
	int story, channel, claim;          /* enum story, enum channel, enum claim_kind */
	int company;                        /* an index into the demo's six */
	int category;                       /* an index into category_codes */
	int finding;                        /* of the (last) resolution: an index into findings */
	int64_t t0;                         /* when it is filed */
	int64_t booking, worker, customer;  /* customer: the complainant's account, 0 for none */
	char login[32];                     /* the customer's */
	char phone[12];                     /* a caller's without an account, else empty */
	int contact;                        /* their name: an index into contacts */
	int64_t id, claim_id;               /* once filed */
	int taken;                          /* the association took it over */
	uint64_t rng;                       /* its wording: its own stream, whatever else happens when */
};

/* ---- the plan: events in time order ---- */

/* E_CHECK: the service centre verifies (arg 1) or rejects (arg 0) a complaint without a booking */
enum ev_kind { E_FILE, E_CLAIM, E_RESPONSIBLE, E_FEEDBACK, E_ASK, E_ANSWER, E_NOTE, E_ESCALATE, E_TAKEOVER,
	       E_RESOLVE, E_ACCEPT, E_REOPEN, E_DECIDE, E_CLAIM_ACCEPT, E_WORKER_ACCEPT, E_CLAIM_DISPUTE, E_REVIEW,
	       E_PAY, E_RECEIPT, E_RECOVER, E_CHECK, E_PLAN, E_RESULT, E_RECTIFY, E_VERIFY, E_REJECT, E_JOBS };

struct cev {
	int64_t at;
	int seq;            /* same-time events in the order they were planned */
	int kind;
	int subject;        /* a complaint, or a plan */
	int arg;            /* a finding, a rating, or an inspection's place in its plan (×2, +1 failing) */
};

struct cplan {
	struct cev *ev;
	size_t n, cap;
	int seq;
	int64_t until;      /* nothing after the present */
};

static void add(struct cplan *p, int64_t at, int kind, int subject, int arg)
{
	if (at > p->until)
		return;
	if (p->n == p->cap) {
		p->cap = p->cap ? p->cap * 2 : 512;
		p->ev = xrealloc(p->ev, p->cap * sizeof *p->ev);
	}
	p->ev[p->n++] = (struct cev){at, p->seq++, kind, subject, arg};
}

/* The next step of a story, never before the one before it. */
static void step(struct cplan *p, int64_t *t, int64_t at, int kind, int subject, int arg)
{
	if (at < *t + 60)
		at = *t + 60;
	*t = at;
	add(p, at, kind, subject, arg);
}

static int by_time(const void *x, const void *y)
{
	const struct cev *a = x, *b = y;
	if (a->at != b->at)
		return a->at < b->at ? -1 : 1;
	return a->seq < b->seq ? -1 : a->seq > b->seq;
}

static int rating_for(int finding, uint64_t *r)
{
	return finding == 0 ? 4 + (int)demo_rand(r, 2) : finding == 1 ? 3 + (int)demo_rand(r, 2) : 2 + (int)demo_rand(r, 2);
}

/* The claim's decision after the resolution at t; the customer's answer to it (accepted, disputed
 * and decided again by the association, or left to stand: the association's own stands at once);
 * its payment, the customer's confirmation and, for an advance, its recovery. */
static void plan_settlement(struct cplan *p, const struct dcomplaint *c, int k, int64_t t, uint64_t *r)
{
	if (c->claim == CK_NONE || c->claim == CK_PENDING)
		return;
	int64_t at = t;
	step(p, &at, t + 600, E_DECIDE, k, 0);
	if (claims[c->claim].dispute) {
		step(p, &at, waking(at + hours(r, 5, 30)), E_CLAIM_DISPUTE, k, 0);
		if (!claims[c->claim].review)
			return;
		step(p, &at, office(at + days(r, 1, 3)), E_REVIEW, k, 0);
	} else if (c->claim != CK_REJECTED && c->claim != CK_ADVANCE) {
		step(p, &at, waking(at + hours(r, 3, 30)), E_CLAIM_ACCEPT, k, 0);
		/* a worker named to pay answers too, when they have an account to answer in */
		if (c->claim == CK_WORKER)
			step(p, &at, at + hours(r, 1, 10), E_WORKER_ACCEPT, k, 0);
	}
	if (!claims[c->claim].pay_days)
		return;
	step(p, &at, office(at + days(r, claims[c->claim].pay_days, claims[c->claim].pay_days + 1)), E_PAY, k, 0);
	/* the company's own payment counts once the customer confirms it; an insurer's or a worker's
	 * carries the settlement's number */
	if (!strcmp(claims[c->claim].payer, "company"))
		step(p, &at, waking(at + hours(r, 2, 30)), E_RECEIPT, k, 0);
	if (c->claim == CK_ADVANCE)
		step(p, &at, office(at + days(r, 15, 25)), E_RECOVER, k, 0);
}

/* Plans complaint k's life from its filing at c->t0. */
static void plan_story(struct cplan *p, struct dcomplaint *c, int k, uint64_t *r)
{
	int64_t t = c->t0, t0 = c->t0;
	int second;
	add(p, t, E_FILE, k, 0);
	/* about no booking of its complainant's: the service centre rings them and checks first, within
	 * the half hour (no draw, so the other stories' wording stays as it was) — or never, or rejects it */
	if (!c->booking) {
		if (c->story == OP_UNVERIFIED)
			return;
		step(p, &t, t0 + 20 * 60, E_CHECK, k, c->story != ST_REJECTED);
		if (c->story == ST_REJECTED)
			return;
	}
	if (c->claim != CK_NONE)
		step(p, &t, waking(t0 + hours(r, 1, 6)), E_CLAIM, k, 0);
	switch (c->story) {
	case ST_QUICK:
	case ST_LAPSE:
	case ST_CHASED:
	case ST_SLOW:
	case ST_REOPEN:
	case OP_PROGRESS:
	case OP_RESOLVED:
		if (demo_rand(r, 10) < 7)
			step(p, &t, office(t0 + hours(r, 1, 6)), E_RESPONSIBLE, k, 0);
		step(p, &t, office(t0 + hours(r, 2, 20)), E_FEEDBACK, k, 0);
		break;
	case ST_ASK:
	case ST_SILENT:
	case OP_WAITING:
		/* a question is not the first feedback: that comes first */
		step(p, &t, office(t0 + hours(r, 1, 6)), E_FEEDBACK, k, 0);
		step(p, &t, office(t + hours(r, 1, 6)), E_ASK, k, 0);
		break;
	case ST_LATE:
		/* the job finds the breach at 8:00 or 20:00, before this */
		step(p, &t, office(t0 + hours(r, 62, 70)), E_FEEDBACK, k, 0);
		break;
	case ST_TAKEOVER:
	case OP_TAKEN:
		step(p, &t, office(t0 + hours(r, 62, 68)), E_TAKEOVER, k, 0);
		step(p, &t, t + 1800, E_RESPONSIBLE, k, 0);
		step(p, &t, office(t + hours(r, 1, 3)), E_FEEDBACK, k, 0);
		break;
	default:
		break;
	}
	switch (c->story) {
	case ST_QUICK:
	case ST_LAPSE:
		step(p, &t, office(t + days(r, 1, 3) + hours(r, 0, 8)), E_RESOLVE, k, c->finding);
		plan_settlement(p, c, k, t, r);
		if (c->story == ST_QUICK && c->claim != CK_UNPAID)
			step(p, &t, waking(t + hours(r, 3, 60)), E_ACCEPT, k, rating_for(c->finding, r));
		break;
	case ST_ASK:
		/* within the pause's 72 hours, sometimes after the job's reminder at half of it */
		step(p, &t, waking(t + hours(r, 6, 60)), E_ANSWER, k, 0);
		step(p, &t, office(t + hours(r, 20, 60)), E_RESOLVE, k, c->finding);
		if (demo_rand(r, 3))
			step(p, &t, waking(t + hours(r, 3, 60)), E_ACCEPT, k, rating_for(c->finding, r));
		break;
	case ST_SILENT:
		/* no answer: the job reminds the customer, then resumes the clock when the pause runs out (it runs
		 * every 12 hours: the resolution comes after it has) */
		step(p, &t, office(t + 72 * HOUR + hours(r, 13, 40)), E_RESOLVE, k, c->finding);
		break;
	case ST_LATE:
		step(p, &t, office(t + days(r, 1, 2)), E_RESOLVE, k, c->finding);
		step(p, &t, waking(t + hours(r, 5, 48)), E_ACCEPT, k, 2);
		break;
	case ST_SLOW:
		/* the service centre chases on the fifth day; resolved after the seventh */
		step(p, &t, office(t0 + days(r, 5, 5) + hours(r, 1, 6)), E_NOTE, k, 0);
		step(p, &t, office(t0 + days(r, 8, 8) + hours(r, 1, 6)), E_RESOLVE, k, c->finding);
		step(p, &t, waking(t + hours(r, 10, 40)), E_ACCEPT, k, 2);
		break;
	case ST_REOPEN:
		step(p, &t, office(t + days(r, 1, 3)), E_RESOLVE, k, 1 + (int)demo_rand(r, 2));
		/* reopened, now and then rating the handling so far */
		step(p, &t, waking(t + days(r, 1, 3)), E_REOPEN, k, demo_rand(r, 2) ? 2 : 0);
		step(p, &t, office(t + hours(r, 2, 20)), E_FEEDBACK, k, 0);
		second = (int)demo_rand(r, 2);
		step(p, &t, office(t + days(r, 2, 3)), E_RESOLVE, k, second);
		step(p, &t, waking(t + hours(r, 5, 48)), E_ACCEPT, k, 3 + (second == 0));
		break;
	case ST_CHASED:
		step(p, &t, t0 + days(r, 3, 3) + hours(r, 0, 10), E_ESCALATE, k, 0);
		step(p, &t, office(t0 + days(r, 5, 5) + hours(r, 0, 6)), E_RESOLVE, k, c->finding);
		step(p, &t, office(t + days(r, 1, 1)), E_ACCEPT, k, 3);
		break;
	case ST_TAKEOVER:
		step(p, &t, office(t0 + days(r, 5, 5) + hours(r, 0, 4)), E_RESOLVE, k, c->finding);
		plan_settlement(p, c, k, t, r);
		step(p, &t, waking(t + days(r, 1, 2)), E_ACCEPT, k, 4);
		break;
	case OP_RESOLVED:
		step(p, &t, office(t0 + hours(r, 40, 70)), E_RESOLVE, k, c->finding);
		break;
	default:
		break;
	}
}

/* ---- who they are and what they are about ---- */

struct world {
	const struct demo_world *dw;
	struct actor cs;
	int64_t body, cust1;
	int n_inspectors;
	struct dcomplaint *c;
	int nc;
	int64_t *used;      /* the bookings complained about */
	int nused;
	int64_t plan_id[2];
	int plan_month[2];
	int64_t *insp[2];   /* each plan's inspections, in the order drawn */
	int n_insp[2];
	uint64_t rng;       /* where the spot checks' streams start */
};

static int lookup_user(struct store *s, const char *login, int64_t *id, int64_t *org)
{
	struct stmt *st = store_sql(s, "SELECT id, coalesce(org_id, 0) FROM users WHERE login = $1");
	stmt_bind_text(st, 1, login);
	int rc = stmt_step(st);
	if (rc == STORE_ROW) {
		*id = stmt_int(st, 0);
		*org = stmt_int(st, 1);
	}
	stmt_done(st);
	return rc == STORE_ROW ? AJ_OK : rc == STORE_DONE ? AJ_ENOTFOUND : rc;
}

static void login_of(struct store *s, int64_t user, char *out, size_t n)
{
	struct stmt *st = store_sql(s, "SELECT login FROM users WHERE id = $1");
	stmt_bind_int(st, 1, user);
	out[0] = '\0';
	if (stmt_step(st) == STORE_ROW)
		str_copy(out, n, stmt_text(st, 0));
	stmt_done(st);
}

static int company_index(const struct demo_world *dw, int64_t org)
{
	for (int i = 0; i < 6; i++)
		if (dw->company_id[i] == org)
			return i;
	return -1;
}

static int used(const struct world *w, int64_t booking)
{
	for (int i = 0; i < w->nused; i++)
		if (w->used[i] == booking)
			return 1;
	return 0;
}

/* A service of the company (or of customer1) completed in the days before t that nobody has
 * complained about yet: its id, customer, worker and company; 0 when there is none. */
static int64_t find_booking(struct store *s, struct world *w, int company, int64_t customer, int64_t t,
			    uint64_t *r, int64_t *cust, int64_t *worker, int *co)
{
	struct stmt *st = customer
		? store_sql(s, "SELECT id, customer_id, coalesce(worker_id, 0), company_id FROM bookings"
			       " WHERE customer_id = $1 AND start_at >= $2 AND start_at < $3"
			       " AND status IN ('completed', 'reviewed') AND checked_out_at < $4 ORDER BY start_at DESC LIMIT 8")
		: store_sql(s, "SELECT id, customer_id, coalesce(worker_id, 0), company_id FROM bookings"
			       " WHERE company_id = $1 AND start_at >= $2 AND start_at < $3"
			       " AND status IN ('completed', 'reviewed') AND checked_out_at < $4 ORDER BY start_at DESC LIMIT 8");
	stmt_bind_int(st, 1, customer ? customer : w->dw->company_id[company]);
	stmt_bind_int(st, 2, t - (customer ? 45 : 5) * DAY);
	stmt_bind_int(st, 3, t - 2 * HOUR);
	stmt_bind_int(st, 4, t - 600);
	/* now and then not the latest one; customer1's own, always the latest */
	int64_t found = 0, skip = customer ? 0 : demo_rand(r, 3);
	while (!found && stmt_step(st) == STORE_ROW) {
		int64_t id = stmt_int(st, 0);
		if (used(w, id) || skip-- > 0)
			continue;
		found = id;
		*cust = stmt_int(st, 1);
		*worker = stmt_int(st, 2);
		*co = company_index(w->dw, stmt_int(st, 3));
	}
	stmt_done(st);
	if (found && *co < 0)
		found = 0;
	if (found)
		w->used[w->nused++] = found;
	return found;
}

/* Settles what complaint c is about and who makes it; a caller without an account when no
 * service fits. */
static void choose_subject(struct store *s, struct world *w, struct dcomplaint *c, uint64_t *r)
{
	int64_t cust = 0, worker = 0;
	int co = c->company;
	if (c->channel == CH_CUSTOMER1) {
		c->booking = find_booking(s, w, 0, w->cust1, c->t0, r, &cust, &worker, &co);
		c->customer = w->cust1;
		if (c->booking)
			c->company = co;
		c->channel = CH_WEB;
	} else if (c->channel != CH_CONTACT) {
		int64_t b = find_booking(s, w, c->company, 0, c->t0, r, &cust, &worker, &co);
		if (!b) {
			if (c->channel != CH_WALK_IN)
				c->channel = CH_CONTACT;
		} else if (c->channel == CH_WALK_IN) {
			/* someone who came in about a worker still with the company */
			int64_t now_with = 0;
			struct stmt *st = store_sql(s, "SELECT coalesce(company_id, 0) FROM workers WHERE id = $1");
			stmt_bind_int(st, 1, worker);
			if (worker && stmt_one_int(st, &now_with) == AJ_OK && now_with == w->dw->company_id[c->company])
				c->worker = worker;
		} else {
			c->booking = b;
			c->customer = cust;
		}
	}
	if (c->customer)
		login_of(s, c->customer, c->login, sizeof c->login);
	/* drawn for everyone, so that what follows does not hang on which services were found */
	c->contact = (int)demo_rand(r, ARRAY_LEN(contacts));
	snprintf(c->phone, sizeof c->phone, "1%c%09lld", "35789"[demo_rand(r, 5)], (long long)demo_rand(r, 1000000000));
	/* a number to call back on: a caller without an account's, and a customer's about no booking */
	if (c->channel != CH_CONTACT && c->channel != CH_WALK_IN && c->channel != CH_UNBOOKED && c->booking)
		c->phone[0] = '\0';
	c->rng = demo_next(r);
}

/* ---- living the plan through ---- */

static int refusal(int rc)
{
	return rc == AJ_ERULE || rc == AJ_ECONFLICT || rc == AJ_ENOTFOUND || rc == AJ_EDENIED || rc == AJ_EINVAL;
}

/* The amount complaint c's claim was granted: by the handler, or — decided again — by the association. */
static int64_t approved(const struct dcomplaint *c, int reviewed)
{
	int pct = reviewed ? claims[c->claim].review_pct : claims[c->claim].approved_pct;
	return claims[c->claim].amount * pct / 100 / 100 * 100;
}

static void today_and_ref(const char *prefix, int64_t id, char day[11], char ref[32])
{
	time_format_date(time_local_days(clock_now()), day);
	snprintf(ref, 32, "%s-%.4s%.2s%.2s-%05lld", prefix, day, day + 5, day + 8, (long long)id);
}

static int live_complaint(struct store *s, struct world *w, const struct cev *e)
{
	const struct demo_world *dw = w->dw;
	struct dcomplaint *c = &w->c[e->subject];
	struct fault f = {0};
	struct actor cust = {c->customer, 0, c->login};
	/* the customer acts for themself; for a caller without an account, the service centre */
	const struct actor *by = c->customer ? &cust : &w->cs;
	enum role by_role = c->customer ? ROLE_CUSTOMER : ROLE_CS_AGENT;
	/* who handles it: the company, or the association once it took it over */
	const struct actor *handler = c->taken ? &dw->admin : &dw->company_actor[c->company];
	enum role handler_role = c->taken ? ROLE_ASSOCIATION_ADMIN : ROLE_COMPANY_ADMIN;
	struct move_in mv = {0};
	struct claim_in cl = {0};
	char day[11], ref[32];
	if (e->kind != E_FILE && !c->id)
		return AJ_OK;
	switch (e->kind) {
	case E_FILE: {
		static const char *const evidence[] = {"[]", "[\"现场照片-1.jpg\"]", "[\"现场照片-1.jpg\",\"现场照片-2.jpg\"]"};
		int web = c->channel == CH_WEB || c->channel == CH_UNBOOKED;
		/* a complaint with a claim tells of the same loss */
		const char *said = descriptions[c->category][demo_rand(&c->rng, 2)];
		if (claims[c->claim].complaint)
			said = claims[c->claim].complaint;
		for (size_t i = 0; c->channel == CH_UNBOOKED && i < ARRAY_LEN(unbooked); i++)
			if (unbooked[i].story == c->story)
				said = unbooked[i].said;
		struct complaint_in in = {c->booking, c->booking ? 0 : dw->company_id[c->company], c->worker,
					  web ? c->customer : 0, category_codes[c->category], said,
					  web ? "web" : c->channel == CH_WALK_IN ? "walk_in" : "phone",
					  c->channel == CH_CONTACT || c->channel == CH_WALK_IN ? contacts[c->contact] : NULL,
					  c->phone[0] ? c->phone : NULL, web ? evidence[demo_rand(&c->rng, 3)] : "[]", NULL, 0};
		return complaint_create(s, web ? &cust : &w->cs, web ? ROLE_CUSTOMER : ROLE_CS_AGENT, &in, &c->id, &f);
	}
	case E_CHECK:
		mv.text = e->arg ? "已回电投诉人核实：服务的时间、地点和经过与其所述一致，确有其事，转企业处理。"
				 : "三次回电均无人接听，所述服务在平台和企业均无记录，无法核实，不予受理；如有新的情况可再致电。";
		return complaint_move(s, &w->cs, ROLE_CS_AGENT, c->id, e->arg ? CA_VERIFY : CA_REJECT, &mv, &f);
	case E_CLAIM:
		cl.amount = claims[c->claim].amount;
		cl.text = claims[c->claim].description;
		cl.evidence = claims[c->claim].evidence;
		return claim_write(s, by, by_role, CL_FILE, c->id, &cl, &c->claim_id, &f);
	case E_RESPONSIBLE:
		mv.person = people[c->company % ARRAY_LEN(people)];
		mv.duty = duties[demo_rand(&c->rng, ARRAY_LEN(duties))];
		return complaint_move(s, handler, handler_role, c->id, CA_RESPONSIBLE, &mv, &f);
	case E_FEEDBACK:
	case E_ASK:
		mv.ask = e->kind == E_ASK;
		mv.text = mv.ask ? questions[c->category == 3 ? 0 : 1] : feedbacks[demo_rand(&c->rng, ARRAY_LEN(feedbacks))];
		return complaint_move(s, handler, handler_role, c->id, CA_FEEDBACK, &mv, &f);
	case E_ANSWER:
		mv.text = answers[c->category == 3 ? 0 : 1];
		return complaint_move(s, by, by_role, c->id, CA_ANSWER, &mv, &f);
	case E_NOTE:
		mv.text = "客户来电催办，请尽快给出处理结果。";
		return complaint_move(s, &w->cs, ROLE_CS_AGENT, c->id, CA_NOTE, &mv, &f);
	case E_ESCALATE:
		mv.text = "客户多次来电，对企业处理进度不满，升级至协会督办。";
		return complaint_move(s, &w->cs, ROLE_CS_AGENT, c->id, CA_ESCALATE, &mv, &f);
	case E_TAKEOVER: {
		mv.text = "企业逾期未反馈，协会接管处理。";
		int rc = complaint_move(s, &dw->admin, ROLE_ASSOCIATION_ADMIN, c->id, CA_TAKEOVER, &mv, &f);
		if (rc == AJ_OK)
			c->taken = 1;
		return rc;
	}
	case E_RESOLVE:
		mv.finding = findings[e->arg];
		mv.text = remedies[e->arg][demo_rand(&c->rng, 2)];
		return complaint_move(s, handler, handler_role, c->id, CA_RESOLVE, &mv, &f);
	case E_ACCEPT:
		mv.rating = e->arg;
		mv.text = accept_comments[e->arg];
		return complaint_move(s, by, by_role, c->id, CA_ACCEPT, &mv, &f);
	case E_REOPEN:
		mv.text = "对处理结果不认可，问题依然存在，要求重新处理。";
		mv.rating = e->arg;
		return complaint_move(s, by, by_role, c->id, CA_REOPEN, &mv, &f);
	case E_DECIDE:
		cl.amount = approved(c, 0);
		cl.text = claims[c->claim].reason;
		cl.payer = claims[c->claim].payer;
		return claim_write(s, handler, handler_role, CL_DECIDE, c->claim_id, &cl, &c->claim_id, &f);
	case E_CLAIM_ACCEPT:
		return claim_write(s, by, by_role, CL_ACCEPT, c->claim_id, &cl, &c->claim_id, &f);
	case E_WORKER_ACCEPT: {
		int64_t user = 0, org = 0;
		char login[32];
		struct stmt *st = store_sql(s, "SELECT coalesce(w.user_id, 0) FROM complaints c JOIN workers w ON w.id = c.worker_id"
					       " WHERE c.id = $1");
		stmt_bind_int(st, 1, c->id);
		if (stmt_one_int(st, &user) != AJ_OK || !user)
			return AJ_OK;
		login_of(s, user, login, sizeof login);
		if (lookup_user(s, login, &user, &org) != AJ_OK)
			return AJ_OK;
		struct actor worker = {user, org, login};
		return claim_write(s, &worker, ROLE_WORKER, CL_ACCEPT, c->claim_id, &cl, &c->claim_id, &f);
	}
	case E_CLAIM_DISPUTE:
		cl.text = claims[c->claim].dispute;
		return claim_write(s, by, by_role, CL_DISPUTE, c->claim_id, &cl, &c->claim_id, &f);
	case E_REVIEW:
		cl.amount = approved(c, 1);
		cl.text = claims[c->claim].review;
		cl.payer = claims[c->claim].payer;
		return claim_write(s, &dw->admin, ROLE_ASSOCIATION_ADMIN, CL_REVIEW, c->claim_id, &cl, &c->claim_id, &f);
	case E_RECEIPT:
		return claim_write(s, by, by_role, CL_RECEIPT, c->claim_id, &cl, &c->claim_id, &f);
	case E_PAY:
	case E_RECOVER: {
		int advance = strcmp(claims[c->claim].payer, "advance") == 0;
		char proof[32];
		today_and_ref(e->kind == E_PAY ? "TR" : "RC", c->claim_id, day, ref);
		/* an insurer's settlement, a worker's signed receipt: the payer's own number */
		today_and_ref(strcmp(claims[c->claim].payer, "insurer") == 0 ? "LP" : "SR", c->claim_id, day, proof);
		cl.amount = approved(c, claims[c->claim].review != NULL);
		cl.date = day;
		cl.reference = ref;
		if (e->kind == E_PAY && (!strcmp(claims[c->claim].payer, "insurer") || !strcmp(claims[c->claim].payer, "worker")))
			cl.proof = proof;
		return claim_write(s, advance ? &dw->admin : handler, advance ? ROLE_ASSOCIATION_ADMIN : handler_role,
				   e->kind == E_PAY ? CL_PAY : CL_RECOVER, c->claim_id, &cl, &c->claim_id, &f);
	}
	}
	return AJ_OK;
}

/* ---- spot checks ---- */

/* How many bookings a plan of month drawn at instant before draws: as the job's draw counts them —
 * the services their customers confirmed by then. */
static int plan_size(struct store *s, int month, int64_t before, int share, int min, int *n)
{
	struct stmt *st = store_sql(s, "SELECT count(*) FROM bookings WHERE completed_month = $1"
				       " AND status IN ('completed', 'reviewed') AND evidence = 'confirmed' AND evidence_at <= $2"
				       " GROUP BY company_id");
	stmt_bind_int(st, 1, month);
	stmt_bind_int(st, 2, before);
	int rc;
	*n = 0;
	while ((rc = stmt_step(st)) == STORE_ROW) {
		int64_t pop = stmt_int(st, 0), take = (pop * share + 99) / 100;
		if (take < min)
			take = min;
		*n += (int)(take > pop ? pop : take);
	}
	stmt_done(st);
	return rc < 0 ? rc : AJ_OK;
}

/* The result of inspection k (arg: k×2, +1 failing), its answer and verification: at the time
 * given, rejected on the first answer when reject is set. */
static void plan_failure(struct cplan *p, int plan, int k, int64_t at, int reject, uint64_t *r)
{
	int64_t t = at;
	add(p, at, E_RESULT, plan, k * 2 + 1);
	if (reject) {
		/* answered and rejected in the last days: open again, its new deadline ahead */
		step(p, &t, office(p->until - days(r, 5, 5) - hours(r, 0, 3)), E_RECTIFY, plan, k);
		step(p, &t, office(p->until - days(r, 3, 3) - hours(r, 0, 3)), E_REJECT, plan, k);
	} else {
		step(p, &t, office(t + days(r, 4, 6)), E_RECTIFY, plan, k);
		step(p, &t, office(t + days(r, 1, 2)), E_VERIFY, plan, k);
	}
}

/* Two plans, made and drawn by the deadline job as it runs through the months: the sampling of
 * the industry begins ('sampling.since') with the month before the last one drawn, so the job
 * makes each plan at the first pass of its month and draws it at the first pass on the draw day
 * of the next (last month's, when that day has come; else the two months before). The older is
 * inspected over the days after its draw, with a failure verified, one left overdue; the newer is
 * still being inspected, with a fresh failure and one answered but rejected. share: percent drawn,
 * set as the standard before the first plan is made. */
static int plan_spot_checks(struct store *s, struct world *w, struct cplan *p, int share, uint64_t *r)
{
	int64_t now = p->until;
	int month = time_month(now), n[2];
	int64_t created[2];
	int rc;
	struct standards sd;
	if ((rc = standards_get(s, &sd)) != AJ_OK)
		return rc;
	int64_t last_draw = time_month_start(month) + (int64_t)(sd.spot_check_draw_day - 1) * DAY;
	int last = now >= last_draw ? month - 1 : month - 2;
	char since[8];
	time_format_month(last - 1, since);
	struct stmt *st = store_sql(s, "INSERT INTO settings (key, value) VALUES ('sampling.since', $1)"
				       " ON CONFLICT (key) DO UPDATE SET value = excluded.value");
	stmt_bind_text(st, 1, since);
	if ((rc = stmt_exec(st)) != AJ_OK)
		return rc;
	st = store_sql(s, "UPDATE standards SET value = $1 WHERE key = 'spot_check_share_percent'");
	stmt_bind_int(st, 1, share);
	if ((rc = stmt_exec(st)) != AJ_OK)
		return rc;
	for (int i = 0; i < 2; i++) {
		w->plan_month[i] = last - 1 + i;
		/* the first of the job's passes (8:00 and 20:00) from the draw day on; the present's for last
		 * month's when its day is today before eight */
		int64_t day = time_month_start(w->plan_month[i] + 1) + (int64_t)(sd.spot_check_draw_day - 1) * DAY;
		created[i] = day + 8 * HOUR;
		if (created[i] > now)
			created[i] = now;
		if ((rc = plan_size(s, w->plan_month[i], created[i], share, sd.spot_check_min_per_company, &n[i])) != AJ_OK)
			return rc;
		/* its inspections are read just after the pass that drew it */
		add(p, created[i] + 60, E_PLAN, i, share);
	}
	/* the rejected answer needs a week: in last month's plan when it is that old, else the other */
	int reject_in_older = now - created[1] < 9 * DAY;

	/* the month before last: every sample inspected within ten days */
	for (int k = 0; k < n[0]; k++) {
		int64_t at = office(created[0] + DAY + 10 * DAY * (int64_t)k / n[0] + demo_rand(r, 50) * 60);
		if (k == 1)
			plan_failure(p, 0, k, at, 0, r);
		else if (k == 2)
			add(p, at, E_RESULT, 0, k * 2 + 1);   /* never answered: the job marks it overdue */
		else if (k == n[0] - 1 && k > 2 && reject_in_older)
			plan_failure(p, 0, k, office(now - 7 * DAY - hours(r, 0, 3)), 1, r);
		else
			add(p, at, E_RESULT, 0, k * 2);
	}

	/* last month: the latest samples still with the inspectors, every inspector some */
	int left = n[1] * 3 / 10;
	if (left < w->n_inspectors)
		left = w->n_inspectors;
	int done = n[1] > left ? n[1] - left : 0;
	int64_t from = created[1] + 2 * HOUR, span = now - 3 * HOUR - from;
	if (span <= 0)
		done = 0;
	for (int k = 0; k < done; k++) {
		int64_t at = office(from + span * k / done + demo_rand(r, 50) * 60);
		if (k == done / 2 && done >= 2 && !reject_in_older) {
			plan_failure(p, 1, k, office(now - 7 * DAY - hours(r, 0, 3)), 1, r);
		} else if (k == done - 1 && done >= 3) {
			/* a fresh rectification order, recorded a day or two ago */
			int64_t fresh = office(now - hours(r, 26, 40));
			add(p, fresh > from ? fresh : at, E_RESULT, 1, k * 2 + 1);
		} else {
			add(p, at, E_RESULT, 1, k * 2);
		}
	}
	return AJ_OK;
}

/* Plan i's inspections, once it is drawn. */
static int load_inspections(struct store *s, struct world *w, int i)
{
	int cap = 0, rc;
	struct stmt *st = store_sql(s, "SELECT id FROM inspections WHERE plan_id = $1 ORDER BY id");
	stmt_bind_int(st, 1, w->plan_id[i]);
	while ((rc = stmt_step(st)) == STORE_ROW) {
		if (w->n_insp[i] == cap) {
			cap = cap ? cap * 2 : 64;
			w->insp[i] = xrealloc(w->insp[i], (size_t)cap * sizeof *w->insp[i]);
		}
		w->insp[i][w->n_insp[i]++] = stmt_int(st, 0);
	}
	stmt_done(st);
	return rc < 0 ? rc : AJ_OK;
}

/* An inspection: its id, inspector, company and the booking's start and category. */
struct dinsp {
	int64_t id, inspector, company, start, category, body;
};

static int inspection_at(struct store *s, int64_t id, struct dinsp *x)
{
	struct stmt *st = store_sql(s, "SELECT i.id, coalesce(i.inspector_id, 0), i.company_id, b.start_at, b.category_id,"
				       " i.inspection_org_id FROM inspections i JOIN bookings b ON b.id = i.booking_id WHERE i.id = $1");
	stmt_bind_int(st, 1, id);
	int rc = stmt_step(st);
	if (rc == STORE_ROW) {
		x->id = stmt_int(st, 0);
		x->inspector = stmt_int(st, 1);
		x->company = stmt_int(st, 2);
		x->start = stmt_int(st, 3);
		x->category = stmt_int(st, 4);
		x->body = stmt_int(st, 5);
	}
	stmt_done(st);
	return rc == STORE_ROW ? AJ_OK : rc == STORE_DONE ? AJ_ENOTFOUND : rc;
}

static int live_inspection(struct store *s, struct world *w, const struct cev *e)
{
	static const char *const passed[] = {"电话回访客户，服务按流程完成，客户满意。", "上门查看服务效果，清洁与安全项目均符合规范。",
					      "回访客户并核对服务记录，服务规范，无异议。"};
	static const char *const failed[] = {"回访发现服务人员未按规范消毒，卫生间清洁不达标，客户不满意。",
					      "客户反映服务人员未出示上岗证，离开前未检查门窗水电。"};
	const struct demo_world *dw = w->dw;
	struct fault f = {0};
	struct dinsp x;
	char login[32];
	int k = e->kind == E_RESULT ? e->arg / 2 : e->arg, rc;
	if (e->kind == E_PLAN) {
		/* drawn by the deadline job's pass just before */
		struct stmt *st = store_sql(s, "SELECT id FROM sampling_plans WHERE month = $1 AND commitment IS NOT NULL"
					       " AND drawn_at IS NOT NULL");
		stmt_bind_int(st, 1, w->plan_month[e->subject]);
		if ((rc = stmt_one_int(st, &w->plan_id[e->subject])) != AJ_OK)
			return rc;
		return load_inspections(s, w, e->subject);
	}
	if (k >= w->n_insp[e->subject] || (rc = inspection_at(s, w->insp[e->subject][k], &x)) == AJ_ENOTFOUND)
		return AJ_OK;
	if (rc)
		return rc;
	login_of(s, x.inspector, login, sizeof login);
	struct actor inspector = {x.inspector, x.body, login};
	/* its scores and words: a stream of its own */
	uint64_t r = w->rng ^ ((uint64_t)e->subject << 32 | (uint64_t)k);
	switch (e->kind) {
	case E_RESULT: {
		struct indicator_score sc[8];
		int n = 0, fail = e->arg & 1;
		struct stmt *st = store_sql(s, "SELECT id FROM category_indicators WHERE category_id = $1 ORDER BY id");
		stmt_bind_int(st, 1, x.category);
		while ((rc = stmt_step(st)) == STORE_ROW && n < 8) {
			sc[n].indicator_id = stmt_int(st, 0);
			sc[n].score = fail ? 55 + (int)demo_rand(&r, 20) : 82 + (int)demo_rand(&r, 17);
			sc[n].note = NULL;
			n++;
		}
		stmt_done(st);
		if (rc < 0)
			return rc;
		/* the household is called first: its contact opened, as every result needs, and the call
		 * made with it */
		struct contact c;
		if ((rc = inspection_contact(s, &inspector, ROLE_INSPECTOR, x.id, &c, &f)) != AJ_OK)
			return rc;
		int64_t visited = clock_now();
		return inspection_result(s, &inspector, ROLE_INSPECTOR, x.id, demo_rand(&r, 4) ? "phone" : "home", visited, sc,
					 n, fail ? failed[demo_rand(&r, 2)] : passed[demo_rand(&r, 3)], &f);
	}
	case E_RECTIFY: {
		int co = company_index(dw, x.company);
		if (co < 0)
			return AJ_OK;
		return inspection_answer(s, &dw->company_actor[co], ROLE_COMPANY_ADMIN, x.id,
					 "已对当事服务人员停岗复训并考核合格，修订了上门服务检查表，附复训签到表和客户回访记录。", &f);
	}
	case E_VERIFY:
		return inspection_verify(s, &inspector, ROLE_INSPECTOR, x.id, 1, "复训记录与客户回访均已核实，整改到位。", &f);
	case E_REJECT:
		return inspection_verify(s, &inspector, ROLE_INSPECTOR, x.id, 0, "整改材料中没有复训考核成绩，客户回访记录不完整，请补充后重新答复。",
					 &f);
	}
	return AJ_OK;
}

/* The plan lived through in one write: the world it changes, and its stories as planned, for the
 * body to start from again (store_write may run it more than once). */
struct living {
	struct world *w;
	const struct cplan *p;
	struct dcomplaint *planned;
};

static int live_write(struct store *s, void *arg)
{
	struct living *l = arg;
	struct world *w = l->w;
	int rc = AJ_OK;
	memcpy(w->c, l->planned, (size_t)w->nc * sizeof *w->c);
	for (int i = 0; i < 2; i++) {
		w->plan_id[i] = 0;
		w->n_insp[i] = 0;
	}
	for (size_t i = 0; i < l->p->n && rc == AJ_OK; i++) {
		const struct cev *e = &l->p->ev[i];
		clock_set(e->at);
		if (e->kind == E_JOBS) {
			struct jobs_report jr;
			rc = jobs_run(s, &jr);
		} else if (e->kind >= E_PLAN) {
			rc = live_inspection(s, w, e);
		} else {
			rc = live_complaint(s, w, e);
		}
		/* a refusal leaves that story where it stopped; anything else stops the load */
		if (refusal(rc))
			rc = AJ_OK;
	}
	return rc;
}

/* ---- the whole ---- */

/* The complaints every demo has, whatever its size: each story, channel and claim once or more.
 * company -1: chosen by weight, the weaker companies more often. */
static const struct {
	int story, company, channel, claim, category, finding;
} fixed[] = {
	{OP_RECEIVED, 0, CH_WEB, CK_NONE, 4, 0},
	{OP_RECEIVED, -1, CH_CONTACT, CK_NONE, 5, 0},
	{OP_PROGRESS, 0, CH_CUSTOMER1, CK_PENDING, 3, 0},
	{OP_RESOLVED, 0, CH_CUSTOMER1, CK_NONE, 0, 1},
	{OP_PROGRESS, 2, CH_WEB, CK_NONE, 0, 0},
	{OP_WAITING, -1, CH_WEB, CK_NONE, 3, 0},
	{OP_WAITING, 0, CH_PHONE, CK_NONE, 1, 0},
	{OP_RESOLVED, 4, CH_WEB, CK_NONE, 4, 0},
	{OP_BREACHED, 3, CH_WEB, CK_NONE, 5, 0},
	{OP_TAKEN, 3, CH_WALK_IN, CK_NONE, 1, 0},
	{ST_TAKEOVER, 3, CH_WEB, CK_ADVANCE, 3, 0},
	{ST_LATE, 1, CH_WEB, CK_NONE, 4, 0},
	{ST_SLOW, 5, CH_WEB, CK_NONE, 0, 1},
	{ST_REOPEN, 1, CH_WEB, CK_NONE, 0, 0},
	{ST_REOPEN, -1, CH_PHONE, CK_NONE, 5, 0},
	{ST_CHASED, -1, CH_CONTACT, CK_NONE, 6, 1},
	{ST_ASK, 4, CH_WEB, CK_NONE, 2, 0},
	{ST_ASK, -1, CH_CONTACT, CK_NONE, 7, 2},
	{ST_QUICK, 0, CH_WEB, CK_COMPANY, 3, 0},
	{ST_QUICK, 5, CH_WEB, CK_WORKER, 3, 1},
	{ST_QUICK, 3, CH_WEB, CK_INSURER, 1, 1},
	{ST_QUICK, 1, CH_WEB, CK_REJECTED, 6, 2},
	{ST_QUICK, 1, CH_WEB, CK_UNPAID, 3, 0},
	{ST_QUICK, 4, CH_WEB, CK_DISPUTED, 3, 1},
	{ST_LAPSE, 2, CH_WEB, CK_DISPUTE_OPEN, 3, 2},
	{ST_LAPSE, 2, CH_WEB, CK_NONE, 2, 1},
	{ST_LAPSE, -1, CH_WALK_IN, CK_NONE, 7, 2},
	{ST_SILENT, -1, CH_WEB, CK_NONE, 0, 1},
};

/* Who makes complaint c of unbooked[] and whom it accuses: login's account, a worker of its company,
 * a number to be called back on. */
static int unbooked_subject(struct store *s, struct world *w, struct dcomplaint *c, const char *login, uint64_t *r)
{
	int64_t org = 0;
	int rc = lookup_user(s, login, &c->customer, &org);
	if (rc == AJ_ENOTFOUND) {
		c->customer = 0; /* a demo without that household: the story is left out */
		return AJ_OK;
	}
	if (rc)
		return rc;
	str_copy(c->login, sizeof c->login, login);
	struct stmt *st = store_sql(s, "SELECT id FROM workers WHERE company_id = $1 ORDER BY id LIMIT 1 OFFSET $2");
	stmt_bind_int(st, 1, w->dw->company_id[c->company]);
	stmt_bind_int(st, 2, demo_rand(r, 10));
	if (stmt_step(st) == STORE_ROW)
		c->worker = stmt_int(st, 0);
	stmt_done(st);
	snprintf(c->phone, sizeof c->phone, "1%c%09lld", "35789"[demo_rand(r, 5)], (long long)demo_rand(r, 1000000000));
	c->rng = demo_next(r);
	return AJ_OK;
}

/* When a story starts, before the present: open ones lately, the rest over the three months,
 * the claims' in time for their payment or its deadline to pass. */
static int64_t start_of(int story, int claim, int64_t now, uint64_t *r)
{
	switch (story) {
	case OP_RECEIVED: return now - hours(r, 1, 20);
	case OP_PROGRESS: return now - hours(r, 34, 100);
	case OP_WAITING: return now - hours(r, 40, 60); /* asked within the pause's 72 hours */
	case OP_RESOLVED: return now - hours(r, 100, 150);
	case OP_BREACHED: return now - hours(r, 64, 100);
	case OP_TAKEN: return now - hours(r, 100, 130);
	case OP_UNVERIFIED: return now - hours(r, 2, 10); /* inside the centre's 24 hours */
	case ST_TAKEOVER: return now - days(r, 45, 85);
	default:
		if (claim == CK_UNPAID)
			return now - days(r, 25, 50);
		/* disputed in the last days, waiting for the association */
		if (claim == CK_DISPUTE_OPEN)
			return now - days(r, 6, 8);
		return now - days(r, 18, 90);
	}
}

static int pick_company(uint64_t *r)
{
	/* the shares follow the companies' satisfaction: the weaker, the more complaints */
	static const int weight[6] = {3, 7, 3, 9, 4, 6};
	int x = (int)demo_rand(r, 32), c = 0;
	while (c < 5 && x >= weight[c])
		x -= weight[c++];
	return c;
}

int demo_complaints(struct store *s, const struct demo_world *dw, uint64_t *rng)
{
	struct world w = {0};
	struct cplan p = {0};
	int64_t completed = 0, org = 0, now = dw->now;
	int rc;
	w.dw = dw;
	w.rng = demo_next(rng);
	p.until = now;
	if ((rc = stmt_one_int(store_sql(s, "SELECT count(*) FROM bookings WHERE status IN ('completed', 'reviewed')"),
			       &completed)) != AJ_OK || !completed)
		return rc;
	if ((rc = lookup_user(s, "cs1", &w.cs.user_id, &w.cs.org_id)) != AJ_OK ||
	    (rc = lookup_user(s, "customer1", &w.cust1, &org)) != AJ_OK)
		return rc;
	w.cs.label = "cs1";
	int64_t n_insp = 0;
	if ((rc = stmt_one_int(store_sql(s, "SELECT id FROM orgs WHERE kind = 'inspection' ORDER BY id LIMIT 1"),
			       &w.body)) != AJ_OK)
		return rc;
	struct stmt *st = store_sql(s, "SELECT count(*) FROM users WHERE role = 'inspector' AND org_id = $1"
				       " AND status = 'active'");
	stmt_bind_int(st, 1, w.body);
	if ((rc = stmt_one_int(st, &n_insp)) != AJ_OK)
		return rc;
	w.n_inspectors = (int)n_insp;

	/* the fixed stories, then the everyday ones: about ten in the usual demo, more for a larger
	 * industry, a few hundred at most */
	int generic = dw->workers >= 2000 ? 10 + (int)((dw->workers - 2000) / 500) : (int)(dw->workers / 200);
	if (generic > 200)
		generic = 200;
	w.nc = (int)ARRAY_LEN(fixed) + generic;
	w.c = xcalloc((size_t)w.nc + ARRAY_LEN(unbooked), sizeof *w.c);
	w.used = xcalloc((size_t)w.nc, sizeof *w.used);
	int offset = (int)demo_rand(rng, 8);
	for (int k = 0; k < w.nc; k++) {
		struct dcomplaint *c = &w.c[k];
		if (k < (int)ARRAY_LEN(fixed)) {
			c->story = fixed[k].story;
			c->company = fixed[k].company >= 0 ? fixed[k].company : pick_company(rng);
			c->channel = fixed[k].channel;
			c->claim = fixed[k].claim;
			c->category = fixed[k].category;
			c->finding = fixed[k].finding;
		} else {
			int x = (int)demo_rand(rng, 100), y = (int)demo_rand(rng, 100);
			c->story = x < 60 ? ST_QUICK : x < 80 ? ST_LAPSE : x < 90 ? ST_ASK : x < 95 ? ST_REOPEN : ST_LATE;
			c->company = pick_company(rng);
			c->channel = y < 75 ? CH_WEB : y < 83 ? CH_PHONE : y < 93 ? CH_CONTACT : CH_WALK_IN;
			c->claim = CK_NONE;
			c->category = (k + offset) % 8;
			y = (int)demo_rand(rng, 100);
			c->finding = y < 40 ? 0 : y < 75 ? 1 : 2;
		}
		c->t0 = start_of(c->story, c->claim, now, rng);
		choose_subject(s, &w, c, rng);
		plan_story(&p, c, k, rng);
	}
	/* the accusations about a worker without a booking, on a stream of their own so that the stories
	 * above stay as they were: one waiting for the service centre now, one it rejected */
	uint64_t xr = w.rng ^ 0x9e3779b97f4a7c15ULL;
	for (size_t i = 0; i < ARRAY_LEN(unbooked); i++) {
		struct dcomplaint *c = &w.c[w.nc];
		c->story = unbooked[i].story;
		c->company = unbooked[i].company;
		c->channel = CH_UNBOOKED;
		c->category = unbooked[i].category;
		c->t0 = start_of(c->story, CK_NONE, now, &xr);
		if ((rc = unbooked_subject(s, &w, c, unbooked[i].login, &xr)) != AJ_OK)
			goto out;
		if (c->customer)
			plan_story(&p, c, w.nc++, &xr);
	}
	/* a larger industry is sampled more thinly */
	if ((rc = plan_spot_checks(s, &w, &p, dw->workers > 20000 ? 1 : 5, rng)) != AJ_OK)
		goto out;
	/* the deadline job, at 8:00 and 20:00 every day of the three months */
	for (int64_t day = dw->today - 95; day <= dw->today; day++) {
		add(&p, time_day_start(day) + 8 * HOUR, E_JOBS, 0, 0);
		add(&p, time_day_start(day) + 20 * HOUR, E_JOBS, 0, 0);
	}
	qsort(p.ev, p.n, sizeof *p.ev, by_time);

	struct living l = {&w, &p, xmalloc((size_t)w.nc * sizeof *w.c)};
	memcpy(l.planned, w.c, (size_t)w.nc * sizeof *w.c);
	rc = store_write(s, live_write, &l);
	free(l.planned);
	/* and once more at the present, as cron would */
	clock_set(0);
	if (rc == AJ_OK) {
		struct jobs_report jr;
		rc = jobs_run(s, &jr);
	}
out:
	clock_set(0);
	free(p.ev);
	free(w.c);
	free(w.used);
	free(w.insp[0]);
	free(w.insp[1]);
	return rc;
}
