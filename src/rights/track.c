/* track.c — the public tracking page's one question: the tracking number a caller was given and the
 * last four digits of the number they left, answered with what complaint_public_json shows. A wrong
 * last four and an unknown tracking number get the same 404; each address and each tracking number
 * (known or not, so a refusal tells nothing) is limited; every look-up answered is kept in
 * complaint_lookups, in the same transaction that counted it against the limits. */
#include <ctype.h>
#include <sodium.h>
#include <string.h>

#include "auth/keys.h"
#include "complaints.h"
#include "http/req.h"
#include "http/schema.h"
#include "privacy/sealed.h"
#include "store/store.h"
#include "util/clock.h"
#include "util/strbuf.h"

SCHEMA(track_body, S_STR("tracking_no", F_REQ, 1, 40), S_STR("phone_last4", F_REQ, 4, 4));

/* look-ups from one address in a quarter of an hour, whatever their answer */
#define TRACK_ADDR_WINDOW (15 * 60)
#define TRACK_PER_ADDR 20
/* refused look-ups of one tracking number (from anywhere) in a day: 10,000 last fours take three
 * years to try, and the caller who mistypes twice is not shut out */
#define TRACK_NUMBER_WINDOW 86400
#define TRACK_NUMBER_REFUSED 10

/* Seconds until the oldest of the counted look-ups leaves the window, when count reached limit. */
static int limited(struct stmt *st, int64_t limit, int64_t window, int64_t now, int64_t *retry)
{
	int64_t count = 0, oldest = now;
	int rc = stmt_step(st);
	if (rc == STORE_ROW) {
		count = stmt_int(st, 0);
		oldest = stmt_int(st, 1);
	}
	stmt_done(st);
	if (rc < 0)
		return rc;
	if (count < limit)
		return 0;
	*retry = oldest + window - now > 0 ? oldest + window - now : 1;
	return 1;
}

/* Whether the sealed call-back number of complaint id ends in last4. */
static int last_four_match(int64_t id, const char *sealed, const char *last4)
{
	char phone[64];
	int ok = 0;
	if (sealed && *sealed && keys_unseal_for(SEALED_COMPLAINT_PHONE, id, sealed, phone, sizeof phone) == 0) {
		size_t n = strlen(phone);
		ok = n >= 4 && sodium_memcmp(phone + n - 4, last4, 4) == 0;
	}
	sodium_memzero(phone, sizeof phone);
	return ok;
}

/* A look-up, for the write's body: what was asked and from where; the complaint shown (0: refused),
 * or the wait a limit asks for. */
struct lookup {
	const char *peer, *number, *last4;
	int64_t now;
	int64_t id, retry;
	struct fault f;
};

static int lookup_write(struct store *s, void *arg)
{
	struct lookup *l = arg;
	int64_t now = l->now;
	int rc;
	l->id = l->retry = 0;
	l->f = (struct fault){0};
	struct stmt *st = store_sql(s, "SELECT count(*), coalesce(min(at), 0) FROM complaint_lookups"
				       " WHERE peer = $1 AND at > $2");
	stmt_bind_text(st, 1, l->peer);
	stmt_bind_int(st, 2, now - TRACK_ADDR_WINDOW);
	if ((rc = limited(st, TRACK_PER_ADDR, TRACK_ADDR_WINDOW, now, &l->retry)) == 0) {
		st = store_sql(s, "SELECT count(*), coalesce(min(at), 0) FROM complaint_lookups"
				  " WHERE tracking_no = $1 AND outcome = 'refused' AND at > $2");
		stmt_bind_text(st, 1, l->number);
		stmt_bind_int(st, 2, now - TRACK_NUMBER_WINDOW);
		rc = limited(st, TRACK_NUMBER_REFUSED, TRACK_NUMBER_WINDOW, now, &l->retry);
	}
	if (rc > 0) {
		FAULT(&l->f, "too_many_track_lookups", NULL);
		return AJ_ELIMIT;
	}
	if (rc)
		return rc;
	/* a complaint without a call-back number (a customer's own, or one whose number was destroyed)
	 * is followed in the customer's account, not here */
	st = store_sql(s, "SELECT id, contact_phone_sealed FROM complaints WHERE tracking_no = $1");
	stmt_bind_text(st, 1, l->number);
	if ((rc = stmt_step(st)) == STORE_ROW && last_four_match(stmt_int(st, 0), stmt_text(st, 1), l->last4))
		l->id = stmt_int(st, 0);
	stmt_done(st);
	if (rc < 0)
		return rc;
	st = store_sql(s, "INSERT INTO complaint_lookups (at, peer, tracking_no, complaint_id, outcome)"
			  " VALUES ($1, $2, $3, $4, $5)");
	stmt_bind_int(st, 1, now);
	stmt_bind_text(st, 2, l->peer);
	stmt_bind_text(st, 3, l->number);
	stmt_bind_id(st, 4, l->id);
	stmt_bind_text(st, 5, l->id ? "shown" : "refused");
	if ((rc = stmt_exec(st)) != AJ_OK)
		return rc;
	/* the log of who asked changes no public answer */
	store_keep_generation(s);
	/* a refused look-up is kept all the same (it counts against the limits): it commits, and the
	 * refusal (l->id 0) is answered after */
	return AJ_OK;
}

void api_public_complaint_track(struct req *r)
{
	char number[48], last4[5];
	str_copy(number, sizeof number, req_str(r, "tracking_no"));
	for (char *p = number; *p; p++)
		*p = (char)toupper((unsigned char)*p);
	str_copy(last4, sizeof last4, req_str(r, "phone_last4"));
	for (int i = 0; i < 4; i++) {
		if (last4[i] < '0' || last4[i] > '9') {
			sodium_memzero(last4, sizeof last4);
			req_error(r, 400, "invalid_value", "phone_last4");
			return;
		}
	}
	struct store *s = r->store;
	struct lookup l = {.peer = r->peer, .number = number, .last4 = last4, .now = clock_now()};
	int rc = store_write(s, lookup_write, &l);
	sodium_memzero(last4, sizeof last4);
	if (rc == AJ_ELIMIT && l.f.code) {
		req_too_many(r, l.retry, l.f.code);
		return;
	}
	if (rc) {
		req_fail(r, rc);
		return;
	}
	req_header_static(r, "Cache-Control", "no-store");
	if (!l.id) {
		req_error(r, 404, "tracking_not_found", NULL);
		return;
	}
	rc = complaint_public_json(s, l.id, req_jw(r));
	if (rc) {
		req_fail(r, rc);
		return;
	}
	req_send(r, 200);
}
