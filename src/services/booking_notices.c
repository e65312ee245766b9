/* booking_notices.c — the notices of a booking's steps, composed from the booking and its newest
 * timeline event. Customers see the worker's name masked, as everywhere; no notice carries an
 * address, a telephone or the household's name. */
#include "booking_notices.h"

#include <stdio.h>
#include <string.h>

#include "anjia.h"
#include "notify.h"
#include "store/store.h"
#include "timeline.h"
#include "util/timefmt.h"
#include "workforce/worker_access.h"

/* What a notice says of a booking and its latest step. */
struct bn {
	int64_t id, customer_id, company_id, worker_user, actor_id;
	char status[16], service_zh[160], service_en[160], when[20];
	char worker_masked[96], actor_name[96], actor_role[24], event[24];
	char by[16], reason[410], party[16];
	int confirmed;   /* the customer said the service happened (services/evidence.h) */
};

/* "2026-12-01 09:00" in the platform's zone. */
static void local_minute(int64_t t, char out[20])
{
	char day[11];
	int64_t local = t + (int64_t)time_offset() * 60, secs = local % 86400;
	if (secs < 0)
		secs += 86400;
	time_format_date(time_local_days(t), day);
	snprintf(out, 20, "%s %02d:%02d", day, (int)(secs / 3600), (int)(secs / 60 % 60));
}

static void append(char *out, size_t n, const char *s)
{
	size_t l = strlen(out);
	if (l < n)
		str_copy(out + l, n - l, s);
}

static void copy_text(char *out, size_t n, const char *s)
{
	str_copy(out, n, s ? s : "");
}

static int load(struct store *s, int64_t id, struct bn *b)
{
	memset(b, 0, sizeof *b);
	struct stmt *st = store_sql(s, "SELECT b.id, b.customer_id, b.company_id, coalesce(w.user_id, 0), w.name, b.status,"
				       " c.name_zh, c.name_en, si.title, b.start_at, b.cancelled_by, b.cancel_reason,"
				       " b.no_show_party, b.no_show_reason, coalesce(b.evidence, '') = 'confirmed'"
				       " FROM bookings b JOIN categories c ON c.id = b.category_id"
				       " JOIN service_items si ON si.id = b.service_item_id"
				       " LEFT JOIN workers w ON w.id = b.worker_id WHERE b.id = $1");
	stmt_bind_int(st, 1, id);
	int rc = stmt_step(st);
	if (rc == STORE_ROW) {
		b->id = stmt_int(st, 0);
		b->customer_id = stmt_int(st, 1);
		b->company_id = stmt_int(st, 2);
		b->worker_user = stmt_int(st, 3);
		if (stmt_text(st, 4))
			worker_mask_name(stmt_text(st, 4), b->worker_masked, sizeof b->worker_masked);
		copy_text(b->status, sizeof b->status, stmt_text(st, 5));
		snprintf(b->service_zh, sizeof b->service_zh, "%s · %s", stmt_text(st, 6), stmt_text(st, 8));
		snprintf(b->service_en, sizeof b->service_en, "%s · %s", stmt_text(st, 7), stmt_text(st, 8));
		local_minute(stmt_int(st, 9), b->when);
		copy_text(b->by, sizeof b->by, stmt_text(st, 10));
		copy_text(b->reason, sizeof b->reason, stmt_text(st, 11));
		copy_text(b->party, sizeof b->party, stmt_text(st, 12));
		if (!b->reason[0])
			copy_text(b->reason, sizeof b->reason, stmt_text(st, 13));
		b->confirmed = (int)stmt_int(st, 14);
	}
	stmt_done(st);
	if (rc != STORE_ROW)
		return rc == STORE_DONE ? AJ_ENOTFOUND : rc;
	/* the step just taken: who took it, and what they said */
	struct timeline_step step;
	if ((rc = timeline_last(s, TIMELINE_BOOKING, id, &step)) != AJ_OK)
		return rc == AJ_ENOTFOUND ? AJ_OK : rc;
	copy_text(b->event, sizeof b->event, step.action);
	b->actor_id = step.actor_id;
	copy_text(b->actor_name, sizeof b->actor_name, step.actor_name);
	copy_text(b->actor_role, sizeof b->actor_role, step.actor_role);
	if (step.note[0])
		copy_text(b->reason, sizeof b->reason, step.note);
	return AJ_OK;
}

/* Who is told what; a text NULL tells nobody. */
struct told {
	char customer_zh[1280], customer_en[1280];
	char worker_zh[1280], worker_en[1280];
	char company_zh[1280], company_en[1280];
};

static void compose(const struct bn *b, const char *action, struct told *t)
{
	memset(t, 0, sizeof *t);
	long long id = (long long)b->id;
	if (strcmp(action, "assign") == 0) {
		snprintf(t->worker_zh, sizeof t->worker_zh, "新的工作：预约 #%lld，%s，%s 开始。请与客户沟通后确认；不能接受的，请说明原因谢绝。",
			 id, b->service_zh, b->when);
		snprintf(t->worker_en, sizeof t->worker_en, "A new job for you: booking #%lld, %s, from %s. Confirm it after"
			 " talking to the customer, or decline it with a reason.", id, b->service_en, b->when);
		/* a worker the customer chose themself is no news to them */
		if (strcmp(b->event, "create") != 0) {
			snprintf(t->customer_zh, sizeof t->customer_zh, "您的预约 #%lld（%s，%s）已安排服务人员 %s。",
				 id, b->service_zh, b->when, b->worker_masked);
			snprintf(t->customer_en, sizeof t->customer_en, "Booking #%lld (%s, %s): %s will serve you.",
				 id, b->service_en, b->when, b->worker_masked);
		}
	} else if (strcmp(action, "confirm") == 0) {
		snprintf(t->customer_zh, sizeof t->customer_zh, "您的预约 #%lld（%s，%s）已确认，服务人员 %s 将按时上门。",
			 id, b->service_zh, b->when, b->worker_masked);
		snprintf(t->customer_en, sizeof t->customer_en, "Booking #%lld (%s, %s) is confirmed: %s will come as agreed.",
			 id, b->service_en, b->when, b->worker_masked);
	} else if (strcmp(action, "checkin") == 0) {
		snprintf(t->customer_zh, sizeof t->customer_zh, "服务人员 %s 已签到，预约 #%lld（%s）的服务开始了。",
			 b->worker_masked, id, b->service_zh);
		snprintf(t->customer_en, sizeof t->customer_en, "%s has checked in: the service of booking #%lld (%s) has begun.",
			 b->worker_masked, id, b->service_en);
	} else if (strcmp(action, "checkout") == 0) {
		/* a service the code did not confirm waits for the customer's word before its review */
		if (b->confirmed) {
			snprintf(t->customer_zh, sizeof t->customer_zh, "预约 #%lld（%s）的服务已完成。欢迎您评价这次服务。", id,
				 b->service_zh);
			snprintf(t->customer_en, sizeof t->customer_en, "The service of booking #%lld (%s) is complete. Please"
				 " review it.", id, b->service_en);
		} else {
			snprintf(t->customer_zh, sizeof t->customer_zh, "预约 #%lld（%s）已签退。请确认服务是否已按记录完成，"
				 "确认后即可评价。", id, b->service_zh);
			snprintf(t->customer_en, sizeof t->customer_en, "Booking #%lld (%s) is checked out. Please confirm the"
				 " service happened as recorded; then you can review it.", id, b->service_en);
		}
	} else if (strncmp(action, "deny_", 5) == 0) {
		snprintf(t->company_zh, sizeof t->company_zh, "客户表示预约 #%lld（%s，%s）的服务未发生或与记录不符，"
			 "该服务不计入满意度与准时率。客户说明：%s", id, b->service_zh, b->when, b->reason);
		snprintf(t->company_en, sizeof t->company_en, "The customer says the service of booking #%lld (%s, %s) did"
			 " not happen, or not as recorded; it does not count in satisfaction or punctuality. What they"
			 " said: %s", id, b->service_en, b->when, b->reason);
	} else if (strcmp(action, "review_exclude") == 0) {
		snprintf(t->company_zh, sizeof t->company_zh, "行业协会已将预约 #%lld（%s，%s）的评价排除，不再计入评分与满意度。"
			 "原因：%s", id, b->service_zh, b->when, b->reason);
		snprintf(t->company_en, sizeof t->company_en, "The association excluded the review of booking #%lld (%s,"
			 " %s): it no longer counts in ratings or satisfaction. Reason: %s", id, b->service_en, b->when,
			 b->reason);
		snprintf(t->customer_zh, sizeof t->customer_zh, "行业协会已将您对预约 #%lld（%s）的评价排除，不再计入评分。"
			 "原因：%s", id, b->service_zh, b->reason);
		snprintf(t->customer_en, sizeof t->customer_en, "The association excluded your review of booking #%lld"
			 " (%s): it no longer counts in ratings. Reason: %s", id, b->service_en, b->reason);
	} else if (strcmp(action, "cancel") == 0) {
		const char *zh = strcmp(b->by, "customer") == 0 ? "您" : strcmp(b->by, "association") == 0 ? "行业协会"
				 : strcmp(b->by, "platform") == 0 ? "平台" : "服务公司";
		const char *en = strcmp(b->by, "customer") == 0 ? "you" : strcmp(b->by, "association") == 0
			? "the association" : strcmp(b->by, "platform") == 0 ? "the platform" : "the company";
		snprintf(t->customer_zh, sizeof t->customer_zh, "您的预约 #%lld（%s，%s）已由%s取消。原因：%s", id,
			 b->service_zh, b->when, zh, b->reason);
		snprintf(t->customer_en, sizeof t->customer_en, "Booking #%lld (%s, %s) was cancelled by %s. Reason: %s", id,
			 b->service_en, b->when, en, b->reason);
		if (b->worker_user) {
			snprintf(t->worker_zh, sizeof t->worker_zh, "预约 #%lld（%s，%s）已取消，不用上门了。", id, b->service_zh,
				 b->when);
			snprintf(t->worker_en, sizeof t->worker_en, "Booking #%lld (%s, %s) is cancelled: no visit.", id,
				 b->service_en, b->when);
		}
		if (strcmp(b->by, "company") != 0) {
			snprintf(t->company_zh, sizeof t->company_zh, "预约 #%lld（%s，%s）已由%s取消。原因：%s", id, b->service_zh,
				 b->when, strcmp(b->by, "customer") == 0 ? "客户" : zh, b->reason);
			snprintf(t->company_en, sizeof t->company_en, "Booking #%lld (%s, %s) was cancelled by %s. Reason: %s", id,
				 b->service_en, b->when, strcmp(b->by, "customer") == 0 ? "the customer" : en, b->reason);
		}
	} else if (strcmp(action, "no_show") == 0) {
		int worker_absent = strcmp(b->party, "worker") == 0;
		snprintf(t->customer_zh, sizeof t->customer_zh, worker_absent
			 ? "预约 #%lld（%s，%s）记为服务人员未到。说明：%s"
			 : "预约 #%lld（%s，%s）记为上门时家中无人。说明：%s", id, b->service_zh, b->when, b->reason);
		snprintf(t->customer_en, sizeof t->customer_en, worker_absent
			 ? "Booking #%lld (%s, %s) is recorded as a no-show by the worker. Note: %s"
			 : "Booking #%lld (%s, %s) is recorded as nobody at home. Note: %s", id, b->service_en, b->when, b->reason);
		/* a household's absence stands only once the household says so, or the service centre finds it */
		if (!worker_absent) {
			append(t->customer_zh, sizeof t->customer_zh, "如果当时家中有人，或者服务人员根本没有来，请在预约页面说明，服务中心会核实。");
			append(t->customer_en, sizeof t->customer_en, " If someone was at home, or nobody came, say so on the"
				   " booking's page: the service centre will check.");
		}
		snprintf(t->company_zh, sizeof t->company_zh, "预约 #%lld（%s，%s）记为%s未到。说明：%s", id, b->service_zh,
			 b->when, worker_absent ? "服务人员" : "客户", b->reason);
		snprintf(t->company_en, sizeof t->company_en, "Booking #%lld (%s, %s) is recorded as a no-show by the %s. Note: %s",
			 id, b->service_en, b->when, worker_absent ? "worker" : "customer", b->reason);
	} else if (strcmp(action, "no_show_dispute") == 0) {
		snprintf(t->company_zh, sizeof t->company_zh, "客户对预约 #%lld（%s，%s）“家中无人”的记录有异议，服务中心将核实。客户说明：%s",
			 id, b->service_zh, b->when, b->reason);
		snprintf(t->company_en, sizeof t->company_en, "The customer disputes that nobody was at home for booking #%lld"
			 " (%s, %s); the service centre will check. The customer says: %s", id, b->service_en, b->when, b->reason);
	} else if (strncmp(action, "no_show_", 8) == 0 && strcmp(action, "no_show_acknowledge") != 0 &&
		   strcmp(action, "no_show_unanswered") != 0) {
		/* the service centre's finding */
		int upheld = strcmp(action, "no_show_upheld") == 0, served = strcmp(action, "no_show_served") == 0;
		const char *zh = upheld ? "维持“家中无人”的记录" : served ? "认定服务已经进行，预约记为已完成"
				 : "认定服务人员未到";
		const char *en = upheld ? "the record that nobody was at home stands"
				 : served ? "the service took place: the booking is completed" : "the worker did not come";
		snprintf(t->customer_zh, sizeof t->customer_zh, "服务中心已核实预约 #%lld（%s，%s）：%s。说明：%s", id,
			 b->service_zh, b->when, zh, b->reason);
		snprintf(t->customer_en, sizeof t->customer_en, "The service centre checked booking #%lld (%s, %s): %s. Note: %s",
			 id, b->service_en, b->when, en, b->reason);
		snprintf(t->company_zh, sizeof t->company_zh, "服务中心已核实预约 #%lld（%s，%s）：%s。说明：%s", id,
			 b->service_zh, b->when, zh, b->reason);
		snprintf(t->company_en, sizeof t->company_en, "The service centre checked booking #%lld (%s, %s): %s. Note: %s",
			 id, b->service_en, b->when, en, b->reason);
	} else if (strcmp(action, "decline") == 0) {
		snprintf(t->company_zh, sizeof t->company_zh, "服务人员 %s 谢绝了预约 #%lld（%s，%s）。原因：%s。预约已回到待派单。",
			 b->actor_name, id, b->service_zh, b->when, b->reason);
		snprintf(t->company_en, sizeof t->company_en, "%s declined booking #%lld (%s, %s). Reason: %s. It is back with"
			 " the unassigned bookings.", b->actor_name, id, b->service_en, b->when, b->reason);
		snprintf(t->customer_zh, sizeof t->customer_zh, "您预约 #%lld（%s，%s）的服务人员无法前来，服务公司将为您另行安排。",
			 id, b->service_zh, b->when);
		snprintf(t->customer_en, sizeof t->customer_en, "The worker of booking #%lld (%s, %s) cannot come; the company"
			 " will find you another.", id, b->service_en, b->when);
	} else if (strcmp(action, "release") == 0) {
		snprintf(t->company_zh, sizeof t->company_zh, "预约 #%lld（%s，%s）的服务人员已不在本企业任职，预约已退回待派单。",
			 id, b->service_zh, b->when);
		snprintf(t->company_en, sizeof t->company_en, "The worker of booking #%lld (%s, %s) no longer works for the"
			 " company; it is back with the unassigned bookings.", id, b->service_en, b->when);
		snprintf(t->customer_zh, sizeof t->customer_zh, "您预约 #%lld（%s，%s）的服务人员无法前来，服务公司将为您另行安排。",
			 id, b->service_zh, b->when);
		snprintf(t->customer_en, sizeof t->customer_en, "The worker of booking #%lld (%s, %s) cannot come; the company"
			 " will find you another.", id, b->service_en, b->when);
	} else if (strcmp(action, "reschedule") == 0) {
		snprintf(t->customer_zh, sizeof t->customer_zh, "您的预约 #%lld（%s）改为 %s 开始。", id, b->service_zh, b->when);
		snprintf(t->customer_en, sizeof t->customer_en, "Booking #%lld (%s) now starts at %s.", id, b->service_en, b->when);
		if (b->worker_user) {
			snprintf(t->worker_zh, sizeof t->worker_zh, "预约 #%lld（%s）改为 %s 开始。", id, b->service_zh, b->when);
			snprintf(t->worker_en, sizeof t->worker_en, "Booking #%lld (%s) now starts at %s.", id, b->service_en,
				 b->when);
		}
	}
}

int booking_notice(struct store *s, int64_t booking_id, const char *action)
{
	struct bn b;
	struct told t;
	char topic[40];
	int rc = load(s, booking_id, &b);
	if (rc)
		return rc;
	compose(&b, action, &t);
	snprintf(topic, sizeof topic, "booking_%s", action);
	/* nobody is told of their own step */
	if (t.customer_zh[0] && b.actor_id != b.customer_id &&
	    (rc = notify(s, 0, b.customer_id, topic, "booking", b.id, t.customer_zh, t.customer_en)) != AJ_OK)
		return rc;
	if (t.worker_zh[0] && b.worker_user && b.actor_id != b.worker_user &&
	    (rc = notify(s, 0, b.worker_user, topic, "booking", b.id, t.worker_zh, t.worker_en)) != AJ_OK)
		return rc;
	int company_acted = strcmp(b.actor_role, "company_admin") == 0 || strcmp(b.actor_role, "company_staff") == 0;
	if (t.company_zh[0] && !company_acted &&
	    (rc = notify(s, b.company_id, 0, topic, "booking", b.id, t.company_zh, t.company_en)) != AJ_OK)
		return rc;
	return AJ_OK;
}
