/* worker_json.h — a worker's record as JSON, as each viewer may see it: the company and the 24-hour
 * team get age and sex, the worker themself and the association the birth date too; nobody gets
 * the number but masked (first three characters and the last). */
#ifndef WORKER_JSON_H
#define WORKER_JSON_H

#include <stdint.h>

#include "util/idcard.h"
#include "util/json_out.h"

struct store;
struct req;
struct strbuf;

enum worker_view {
	WV_AUDIT,     /* the audit chain's state: neither phone nor age */
	WV_RECORD,    /* a customer the worker consented to: age and sex, no phone */
	WV_EMPLOYER,  /* a company (its own workers) and the 24-hour team: age, sex, phone */
	WV_FULL,      /* the worker themself and the association: the birth date too */
};

/* Members a caller adds to a worker object before it closes. */
struct worker_more {
	void (*fn)(struct store *s, int64_t id, struct jw *w, const void *ctx);
	const void *ctx;
};

/* The columns a worker is written from, and their table; column 3 is the sealed number. */
#define WORKER_COLUMNS \
	"w.id, w.name, w.id_masked, w.id_sealed, w.sex, w.phone_sealed, w.photo_ref, w.level, w.status," \
	" w.revoked_reason, coalesce(w.suspended_until, 0), w.suspension_reason, w.company_id, o.name," \
	" w.employed_since, w.experience_since, w.user_id, w.created_at, w.updated_at," \
	" (SELECT min(started_on) FROM employments WHERE worker_id = w.id)"
#define WORKER_FROM " FROM workers w LEFT JOIN orgs o ON o.id = w.company_id"

/* Writes worker id as view sees it, with the "may serve now" judgement at instant at (at < 0: none)
 * and more's members (may be NULL). AJ_ENOTFOUND when there is no such worker. */
int worker_write(struct store *s, int64_t id, enum worker_view view, int64_t at, const struct worker_more *more,
		 struct jw *w);
/* The state the audit chain records for a worker. */
int worker_state(struct store *s, int64_t id, struct strbuf *sb);
/* How the caller of r sees the workers they may see: themself or the association in full. */
enum worker_view worker_view_of(struct req *r, int64_t worker_user_id);
/* Opens worker id's sealed number into *card; 0, or -1 when it does not open. */
int worker_card(int64_t id, const char *id_sealed, struct idcard *card);

#endif
