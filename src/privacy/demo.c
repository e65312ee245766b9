/* demo.c — the demo's personal-data business: customer1's saved addresses; the past week's readings
 * of households' addresses
 * and telephones (each company dispatching its bookings, worker1…worker6 before going to the door),
 * as the access log and My data show them; and as it stands today, a company asking to employ a
 * worker another company employs (waiting for the worker), a customer asking a worker to show their
 * full record, a worker asking their company to correct a phone number, and one such request
 * answered. */
#include "demo_world.h"

#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "anjia.h"
#include "privacy/consent.h"
#include "privacy/sealed.h"
#include "privacy/subject.h"
#include "services/addresses.h"
#include "services/bookings.h"
#include "store/store.h"
#include "util/clock.h"
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

/* The past week's readings of the households' contact, in time order, through the same rule and
 * record as the booking page: the company confirms and looks, the worker looks before the visit. */
static int week_of_readings(struct store *s, const struct demo_world *dw)
{
	struct reading {
		int64_t at, booking, company;
		int who; /* company index, or 10 + the worker login's number */
	} *list = NULL;
	size_t n = 0, cap = 0;
	struct stmt *st = store_sql(s, "SELECT b.id, b.company_id, b.confirmed_at, b.start_at, coalesce(w.user_id, 0)"
				       " FROM bookings b LEFT JOIN workers w ON w.id = b.worker_id"
				       " WHERE b.confirmed_at IS NOT NULL AND b.start_at >= $1 AND b.start_at < $2"
				       " AND b.status IN ('confirmed', 'checked_in', 'completed', 'reviewed') ORDER BY b.id");
	stmt_bind_int(st, 1, dw->now - 7 * 86400);
	stmt_bind_int(st, 2, dw->now);
	while (stmt_step(st) == STORE_ROW) {
		int64_t id = stmt_int(st, 0), co = stmt_int(st, 1), confirmed = stmt_int(st, 2), start = stmt_int(st, 3);
		int64_t user = stmt_int(st, 4);
		if (n + 2 > cap) {
			cap = cap ? cap * 2 : 256;
			list = xrealloc(list, cap * sizeof *list);
		}
		for (int c = 0; c < 6; c++)
			if (dw->company_id[c] == co)
				list[n++] = (struct reading){confirmed + 600, id, co, c};
		for (int k = 1; k <= 6; k++)
			if (user && dw->worker_user[k] == user && start - 1800 > confirmed)
				list[n++] = (struct reading){start - 1800, id, co, 10 + k};
	}
	stmt_done(st);
	/* in the order they happened */
	for (size_t i = 1; i < n; i++)
		for (size_t j = i; j > 0 && list[j - 1].at > list[j].at; j--) {
			struct reading t = list[j];
			list[j] = list[j - 1];
			list[j - 1] = t;
		}
	int rc = AJ_OK;
	char label[24];
	for (size_t i = 0; i < n && rc == AJ_OK; i++) {
		struct contact c;
		struct actor a;
		enum role role = ROLE_COMPANY_ADMIN;
		if (list[i].who >= 10) {
			int k = list[i].who - 10;
			snprintf(label, sizeof label, "worker%d", k);
			a = (struct actor){dw->worker_user[k], list[i].company, label};
			role = ROLE_WORKER;
		} else {
			a = dw->company_actor[list[i].who];
		}
		clock_set(list[i].at);
		rc = booking_open_contact(s, &a, role, list[i].booking, &c);
		sodium_memzero(&c, sizeof c);
		if (rc == AJ_EDENIED || rc == AJ_EGONE || rc == AJ_ENOTFOUND)
			rc = AJ_OK; /* not theirs to read then: nothing to record */
	}
	clock_set(0);
	free(list);
	return rc;
}

int demo_privacy(struct store *s, const struct demo_world *dw, uint64_t *rng)
{
	(void)rng;
	struct fault f = {0};
	int rc0 = week_of_readings(s, dw);
	if (rc0)
		return rc0;
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
	/* customer1 keeps two addresses to book with */
	if (dw->n_customers > 0) {
		if ((rc = address_add(s, &dw->customer[0], dw->customer[0].user_id, "家", "杭州市西湖区文三路 90 号 3 幢 201 室",
				      &id, &f)) != AJ_OK ||
		    (rc = address_add(s, &dw->customer[0], dw->customer[0].user_id, "公司", "杭州市滨江区网商路 599 号 2 号楼 8 层",
				      &id, &f)) != AJ_OK)
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
