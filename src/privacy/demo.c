/* demo.c — the demo's personal-data business as it stands today: a company asking to
 * employ a worker another company employs (waiting for the worker), a customer asking a worker to
 * show their full record, a worker asking their company to correct a phone number, and one such
 * request answered. */
#include "demo_world.h"

#include <sodium.h>
#include <string.h>

#include "privacy/consent.h"
#include "privacy/sealed.h"
#include "privacy/subject.h"
#include "store/store.h"
#include "workforce/workers.h"

/* The record and the trades of the worker whose login is user. */
static int worker_of(struct store *s, int64_t user, int64_t *id, char *name, size_t n, char number[19], int *trade)
{
	struct stmt *st = store_sql(s, "SELECT w.id, w.name, w.id_sealed, (SELECT trade FROM worker_trades t"
				       " WHERE t.worker_id = w.id ORDER BY trade LIMIT 1) FROM workers w WHERE w.user_id = $1");
	stmt_bind_int(st, 1, user);
	int rc = stmt_step(st);
	if (rc == STORE_ROW) {
		*id = stmt_int(st, 0);
		str_copy(name, n, stmt_text(st, 1));
		rc = sealed_worker_number(*id, stmt_text(st, 2), number) == 0 ? STORE_ROW : AJ_EDENIED;
		*trade = trade_index(stmt_text(st, 3));
	}
	stmt_done(st);
	return rc == STORE_ROW ? AJ_OK : rc == STORE_DONE ? AJ_ENOTFOUND : rc;
}

int demo_privacy(struct store *s, const struct demo_world *dw, uint64_t *rng)
{
	(void)rng;
	struct fault f = {0};
	int64_t id = 0;
	char name[64], number[19];
	int trade = 0;
	/* company3 would like worker2 (company2's): the request waits on worker2's page */
	int rc = worker_of(s, dw->worker_user[2], &id, name, sizeof name, number, &trade);
	if (rc == AJ_OK && trade >= 0) {
		struct worker_in in = {name, number, "13588880002", "senior", NULL, NULL, {trade}, 1, dw->company_id[2], NULL};
		struct reg_result reg;
		rc = worker_register(s, &dw->company_actor[2], &in, &reg, &f);
	}
	sodium_memzero(number, sizeof number);
	if (rc == AJ_EBUSY || rc == AJ_ESTORE)
		return rc;
	/* a household asks worker3 to show their full record, on a service worker3 did for it */
	int64_t booking = 0, customer = 0;
	struct stmt *st = store_sql(s, "SELECT b.id, b.customer_id FROM bookings b JOIN workers w ON w.id = b.worker_id"
				       " WHERE w.user_id = $1 AND b.status IN ('completed', 'reviewed') ORDER BY b.end_at DESC"
				       " LIMIT 1");
	stmt_bind_int(st, 1, dw->worker_user[3]);
	if (stmt_step(st) == STORE_ROW) {
		booking = stmt_int(st, 0);
		customer = stmt_int(st, 1);
	}
	stmt_done(st);
	if (booking) {
		struct actor household = {customer, 0, "demo"};
		for (int i = 0; i < dw->n_customers; i++)
			if (dw->customer[i].user_id == customer)
				household = dw->customer[i];
		rc = consent_request(s, &household, booking, &id, &f);
		if (rc == AJ_EBUSY || rc == AJ_ESTORE)
			return rc;
	}
	/* worker4 asks company4 to correct a phone number; worker5's request was answered */
	struct actor w4 = {dw->worker_user[4], dw->company_id[3], "worker4"};
	if ((rc = data_request_open(s, &w4, dw->worker_user[4], "correction", "phone",
				    "我的手机号换了，新号码是 139 开头的那个，请更正。", &id, &f)) != AJ_OK)
		return rc;
	struct actor w5 = {dw->worker_user[5], dw->company_id[4], "worker5"};
	if ((rc = data_request_open(s, &w5, dw->worker_user[5], "correction", "experience_since",
				    "我从 2015 年起就做家政了，档案里写的是 2018 年。", &id, &f)) != AJ_OK)
		return rc;
	return data_request_answer(s, &dw->company_actor[4], id, dw->company_id[4], 1,
				   "已核对劳动合同，从业开始时间更正为 2015 年 3 月。", &f);
}
