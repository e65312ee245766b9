/* desk.c — the 24-hour service centre's search: one box for whatever a caller says first — their
 * mobile number, their name, or the tracking number of a complaint they made — answered with the
 * customers it finds (and their latest bookings, to complain about one) and the complaints.
 * Telephones are sealed, so a number is found by its keyed look-up hash (privacy/phone_index.h);
 * every look-up by number is on the access log, found or not, and so is every customer shown. */
#include <string.h>

#include "complaints.h"
#include "http/req.h"
#include "http/schema.h"
#include "privacy/access.h"
#include "privacy/phone_index.h"
#include "store/store.h"
#include "util/phone.h"

#include <sodium.h>

/* what the caller said travels in the body: a telephone number is never in a URL or a log line */
SCHEMA(desk_search_body, S_STR("q", F_REQ, 1, 50));

#define CUSTOMERS_MAX 10
#define BOOKINGS_PER_CUSTOMER 5

enum kind { K_PHONE, K_TRACKING, K_NAME };

/* A tracking number, whole or in part: "TS…", or digits and hyphens that are not a mobile number. */
static int tracking_like(const char *q)
{
	if ((q[0] == 'T' || q[0] == 't') && (q[1] == 'S' || q[1] == 's'))
		return 1;
	for (const char *p = q; *p; p++)
		if ((*p < '0' || *p > '9') && *p != '-')
			return 0;
	return 1;
}

/* The latest bookings of customer id (those on the telephone of hash first), as a JSON array. */
static int bookings_json(struct store *s, int64_t customer, const char *hash, struct jw *w)
{
	struct stmt *st = store_sql(s,
		"SELECT b.id, b.start_at, b.end_at, b.status, si.title, b.company_id, o.name, b.worker_id, wk.name,"
		" CASE WHEN $2 <> '' AND b.contact_phone_hash = $2 THEN 1 ELSE 0 END AS on_phone"
		" FROM bookings b JOIN service_items si ON si.id = b.service_item_id JOIN orgs o ON o.id = b.company_id"
		" LEFT JOIN workers wk ON wk.id = b.worker_id WHERE b.customer_id = $1"
		" ORDER BY on_phone DESC, b.start_at DESC, b.id DESC LIMIT $3");
	stmt_bind_int(st, 1, customer);
	stmt_bind_text(st, 2, hash);
	stmt_bind_int(st, 3, BOOKINGS_PER_CUSTOMER);
	int rc;
	jw_key(w, "bookings");
	jw_arr(w);
	while ((rc = stmt_step(st)) == STORE_ROW) {
		jw_obj(w);
		jw_kint(w, "id", stmt_int(st, 0));
		jw_ktime(w, "start", stmt_int(st, 1));
		jw_ktime(w, "end", stmt_int(st, 2));
		jw_kstr(w, "status", stmt_text(st, 3));
		jw_kstr(w, "title", stmt_text(st, 4));
		jw_kref(w, "company", stmt_int(st, 5), stmt_text(st, 6));
		jw_kref(w, "worker", stmt_int(st, 7), stmt_text(st, 8));
		jw_kbool(w, "on_phone", (int)stmt_int(st, 9));
		jw_obj_end(w);
	}
	stmt_done(st);
	jw_arr_end(w);
	return rc < 0 ? rc : AJ_OK;
}

/* The customers found, each with their latest bookings; their ids in ids (*n of them). */
static int customers_json(struct store *s, enum kind kind, const char *hash, const char *like, struct jw *w,
			  int64_t *ids, int *n)
{
	struct stmt *st = kind == K_PHONE
		? store_sql(s, "SELECT id, name FROM users WHERE role = 'customer' AND erased_at IS NULL AND id IN"
			       " (SELECT customer_id FROM bookings WHERE contact_phone_hash = $1 UNION"
			       "  SELECT customer_id FROM complaints WHERE contact_phone_hash = $1 AND customer_id IS NOT NULL)"
			       " ORDER BY id LIMIT $2")
		: store_sql(s, "SELECT id, name FROM users WHERE role = 'customer' AND erased_at IS NULL"
			       " AND lower(name) LIKE $1 ESCAPE '\\' ORDER BY id LIMIT $2");
	stmt_bind_text(st, 1, kind == K_PHONE ? hash : like);
	stmt_bind_int(st, 2, CUSTOMERS_MAX);
	char names[CUSTOMERS_MAX][160];
	int rc;
	*n = 0;
	while (*n < CUSTOMERS_MAX && (rc = stmt_step(st)) == STORE_ROW) {
		ids[*n] = stmt_int(st, 0);
		str_copy(names[*n], sizeof names[0], stmt_text(st, 1));
		(*n)++;
	}
	stmt_done(st);
	if (rc < 0)
		return rc;
	jw_key(w, "customers");
	jw_arr(w);
	rc = AJ_OK;
	for (int i = 0; i < *n && rc == AJ_OK; i++) {
		jw_obj(w);
		jw_kint(w, "id", ids[i]);
		jw_kstr(w, "name", names[i]);
		jw_kstr(w, "matched", kind == K_PHONE ? "phone" : "name");
		rc = bookings_json(s, ids[i], kind == K_PHONE ? hash : "", w);
		jw_obj_end(w);
	}
	jw_arr_end(w);
	return rc;
}

void api_desk_search(struct req *r)
{
	/* the service centre's, and the association's behind it */
	if (r->user.role != ROLE_CS_AGENT && r->user.role != ROLE_ASSOCIATION_ADMIN) {
		req_error(r, 403, "forbidden", NULL);
		return;
	}
	const char *q = req_str(r, "q");
	size_t len = q ? strlen(q) : 0;
	text_trim(&q, &len);
	char words[160], phone[12], hash[KEYS_HASH_LEN] = "", like[200] = "";
	if (!len || len >= sizeof words) {
		req_error(r, 400, "too_short", "q");
		return;
	}
	memcpy(words, q, len);
	words[len] = '\0';
	enum kind kind = phone_normalise(words, phone) ? K_PHONE : tracking_like(words) ? K_TRACKING : K_NAME;
	int rc;
	if (kind == K_PHONE) {
		phone_index_hash(phone, hash);
		sodium_memzero(phone, sizeof phone);
		/* what was written since without its hash (a booking's contact) is hashed first */
		if ((rc = phone_index_catch_up(r->store)) != AJ_OK) {
			req_fail(r, rc);
			return;
		}
	} else {
		store_like_pattern(words, like, sizeof like);
	}
	int64_t ids[COMPLAINT_LOOKUP_MAX];
	int n = 0;
	struct jw *w = req_jw(r);
	jw_obj(w);
	jw_kstr(w, "kind", kind == K_PHONE ? "phone" : kind == K_TRACKING ? "tracking" : "name");
	if (kind == K_TRACKING) {
		jw_key(w, "customers");
		jw_arr(w);
		jw_arr_end(w);
		rc = AJ_OK;
	} else {
		rc = customers_json(r->store, kind, hash, like, w, ids, &n);
	}
	if (rc == AJ_OK) {
		jw_key(w, "complaints");
		rc = complaints_found_json(r->store, hash, like, w);
	}
	jw_obj_end(w);
	if (rc) {
		req_fail(r, rc);
		return;
	}
	req_header_static(r, "Cache-Control", "no-store");
	req_send(r, 200);
	if (kind == K_PHONE) {
		complaint_log_phone_lookup(r, ids, n, "desk_search");
	} else if (n) {
		struct access_entry e[CUSTOMERS_MAX];
		for (int i = 0; i < n; i++)
			e[i] = (struct access_entry){"customer", ids[i], "record"};
		access_record_req(r, e, n, "desk_search");
	}
}
