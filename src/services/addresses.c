/* addresses.c — GET, POST and DELETE /api/me/addresses: a customer keeps the addresses they book
 * at. Each is sealed for its own row (SEALED_CUSTOMER_ADDRESS), so a value copied to another row or
 * another customer does not open; every read is scoped to the caller, so another customer's id is
 * "not found". The audit chain records that an address was saved or removed, never the address. */
#include "addresses.h"

#include <sodium.h>
#include <stdlib.h>

#include "anjia.h"
#include "auth/audit.h"
#include "auth/keys.h"
#include "http/req.h"
#include "http/schema.h"
#include "privacy/sealed.h"
#include "rows.h"
#include "store/store.h"
#include "util/clock.h"
#include "util/strbuf.h"

SCHEMA(address_body, S_STR("label", F_NULL, 0, 20), S_STR("address", F_REQ, 5, 200));

/* One saved address at the current row of id, label, address_sealed, created_at. */
static void address_row(struct jw *w, struct stmt *st)
{
	char plain[1024];
	int64_t id = stmt_int(st, 0);
	int opened = keys_unseal_for(SEALED_CUSTOMER_ADDRESS, id, stmt_text(st, 2), plain, sizeof plain) == 0;
	jw_obj(w);
	jw_kint(w, "id", id);
	jw_kstr(w, "label", stmt_text(st, 1));
	jw_kstr(w, "address", opened ? plain : NULL);
	jw_ktime(w, "created_at", stmt_int(st, 3));
	jw_obj_end(w);
	sodium_memzero(plain, sizeof plain);
}

void addresses_json(struct store *s, int64_t customer_id, struct jw *w)
{
	struct stmt *st = store_sql(s, "SELECT id, label, address_sealed, created_at FROM customer_addresses"
				       " WHERE customer_id = $1 ORDER BY id DESC");
	stmt_bind_int(st, 1, customer_id);
	jw_key(w, "saved_addresses");
	jw_arr(w);
	while (stmt_step(st) == STORE_ROW)
		address_row(w, st);
	stmt_done(st);
	jw_arr_end(w);
}

int addresses_erase(struct store *s, int64_t customer_id, int64_t *n)
{
	struct stmt *st = store_sql(s, "DELETE FROM customer_addresses WHERE customer_id = $1");
	stmt_bind_int(st, 1, customer_id);
	int rc = stmt_exec(st);
	*n = rc == AJ_OK ? store_changes(s) : 0;
	return rc;
}

/* ---- HTTP ---- */

/* The audited state of a saved address: whose, its label and when — never the address. */
static void state_row(struct jw *w, struct stmt *st)
{
	jw_obj(w);
	jw_kint(w, "id", stmt_int(st, 0));
	jw_kint(w, "customer_id", stmt_int(st, 1));
	jw_kstr(w, "label", stmt_text(st, 2));
	jw_ktime(w, "created_at", stmt_int(st, 3));
	jw_obj_end(w);
}

static int address_state(struct store *s, int64_t id, struct strbuf *sb)
{
	struct stmt *st = store_sql(s, "SELECT id, customer_id, label, created_at FROM customer_addresses WHERE id = $1");
	stmt_bind_int(st, 1, id);
	return audit_row_state(st, state_row, sb);
}

void api_me_addresses_list(struct req *r)
{
	struct stmt *st = store_sql(r->store, "SELECT id, label, address_sealed, created_at FROM customer_addresses"
					      " WHERE customer_id = $1 ORDER BY id DESC");
	stmt_bind_int(st, 1, r->user.user_id);
	int64_t total = 0;
	struct stmt *count = store_sql(r->store, "SELECT count(*) FROM customer_addresses WHERE customer_id = $1");
	stmt_bind_int(count, 1, r->user.user_id);
	int rc = stmt_one_int(count, &total);
	if (rc) {
		stmt_done(st);
		req_fail(r, rc);
		return;
	}
	struct page pg = {1, ADDRESSES_MAX, 0};
	rows_reply_list(r, st, address_row, &pg, total);
}

/* A saved address's addition or removal, for the write's body (store_write may run it more than once:
 * it sets its outputs afresh). */
struct address_edit {
	const struct actor *a;
	int64_t customer_id, id, *out_id;
	const char *label, *address;
	struct fault *f;
};

static int add_write(struct store *s, void *arg)
{
	struct address_edit *e = arg;
	int64_t n = 0;
	*e->f = (struct fault){0};
	struct stmt *st = store_sql(s, "SELECT count(*) FROM customer_addresses WHERE customer_id = $1");
	stmt_bind_int(st, 1, e->customer_id);
	int rc = stmt_one_int(st, &n);
	if (rc)
		return rc;
	if (n >= ADDRESSES_MAX) {
		FAULT(e->f, "too_many_addresses", "address");
		return AJ_ERULE;
	}
	st = store_sql(s, "INSERT INTO customer_addresses (customer_id, label, address_sealed, created_at)"
			  " VALUES ($1, $2, '', $3) RETURNING id");
	stmt_bind_int(st, 1, e->customer_id);
	stmt_bind_text(st, 2, e->label);
	stmt_bind_int(st, 3, clock_now());
	if ((rc = stmt_one_int(st, e->out_id)) != AJ_OK)
		return rc;
	char *sealed = keys_seal_for(SEALED_CUSTOMER_ADDRESS, *e->out_id, e->address);
	st = store_sql(s, "UPDATE customer_addresses SET address_sealed = $2 WHERE id = $1");
	stmt_bind_int(st, 1, *e->out_id);
	stmt_bind_text(st, 2, sealed);
	rc = stmt_exec(st);
	free(sealed);
	if (rc)
		return rc;
	return audit_append_state(s, e->a, "address.create", "customer_address", *e->out_id, address_state);
}

int address_add(struct store *s, const struct actor *a, int64_t customer_id, const char *label, const char *address,
		int64_t *id, struct fault *f)
{
	struct address_edit e = {.a = a, .customer_id = customer_id, .label = label, .address = address, .out_id = id,
				 .f = f};
	return store_write(s, add_write, &e);
}

void api_me_addresses_create(struct req *r)
{
	struct actor a = req_actor(r);
	struct fault f = {0};
	int64_t id = 0;
	const char *label = req_blank(r, "label") ? NULL : req_str(r, "label");
	int rc = address_add(r->store, &a, r->user.user_id, label, req_str(r, "address"), &id, &f);
	if (rc) {
		req_fault(r, rc, &f);
		return;
	}
	struct stmt *st = store_sql(r->store, "SELECT id, label, address_sealed, created_at FROM customer_addresses"
					      " WHERE id = $1");
	stmt_bind_int(st, 1, id);
	struct jw *w = req_jw(r);
	if (stmt_step(st) == STORE_ROW)
		address_row(w, st);
	stmt_done(st);
	req_send(r, 201);
}

static int delete_write(struct store *s, void *arg)
{
	struct address_edit *e = arg;
	struct stmt *st = store_sql(s, "DELETE FROM customer_addresses WHERE id = $1 AND customer_id = $2");
	stmt_bind_int(st, 1, e->id);
	stmt_bind_int(st, 2, e->customer_id);
	int rc = stmt_exec(st);
	if (rc == AJ_OK && store_changes(s) == 0)
		rc = AJ_ENOTFOUND;
	if (rc)
		return rc;
	return audit_append(s, e->a, "address.delete", "customer_address", e->id, NULL, 0);
}

void api_me_addresses_delete(struct req *r)
{
	struct actor a = req_actor(r);
	struct address_edit e = {.a = &a, .customer_id = r->user.user_id, .id = r->id[0]};
	int rc = store_write(r->store, delete_write, &e);
	if (rc) {
		req_fail(r, rc);
		return;
	}
	req_send(r, 204);
}
