/* sealed.c — every sealed field in one table, and the pass that seals again whatever is not under
 * the current key and format: values of the first format (bound to nothing), values under a retired
 * key after a rotation, and worker phones kept in clear before they were sealed. */
#include "sealed.h"

#include <sodium.h>
#include <stdlib.h>
#include <string.h>

#include "auth/audit.h"
#include "auth/keys.h"
#include "privacy/address_index.h"
#include "privacy/phone_index.h"
#include "store/store.h"
#include "util/log.h"
#include "util/phone.h"
#include "util/strbuf.h"

#define BATCH 500

/* One field's two statements: the next rows (by id, after $1) whose value does not start with the
 * current prefix $2, and the update of one row's value. Written out per field so the SQL stays a
 * literal. */
#define FIELD(name, table, col)                                                                          \
	static struct stmt *name##_next(struct store *s)                                                  \
	{                                                                                                 \
		return store_sql(s, "SELECT id, " col " FROM " table " WHERE id > $1 AND " col " IS NOT NULL" \
				    " AND " col " <> '' AND substr(" col ", 1, 12) <> $2 ORDER BY id LIMIT $3"); \
	}                                                                                                 \
	static struct stmt *name##_set(struct store *s)                                                   \
	{                                                                                                 \
		return store_sql(s, "UPDATE " table " SET " col " = $2 WHERE id = $1");                    \
	}

FIELD(worker_id, "workers", "id_sealed")
FIELD(worker_phone, "workers", "phone_sealed")
FIELD(booking_address, "bookings", "address_sealed")
FIELD(booking_phone, "bookings", "contact_phone_sealed")
FIELD(booking_code, "bookings", "service_code_sealed")
FIELD(complaint_phone, "complaints", "contact_phone_sealed")
FIELD(transfer_phone, "worker_transfers", "phone_sealed")
FIELD(request_phone, "service_requests", "contact_phone_sealed")
FIELD(customer_address, "customer_addresses", "address_sealed")

static const struct field {
	const char *name;
	struct stmt *(*next)(struct store *s);
	struct stmt *(*set)(struct store *s);
	int clear_phone;   /* a value in clear may be a phone number kept before sealing */
} fields[] = {
	{SEALED_WORKER_ID, worker_id_next, worker_id_set, 0},
	{SEALED_WORKER_PHONE, worker_phone_next, worker_phone_set, 1},
	{SEALED_BOOKING_ADDRESS, booking_address_next, booking_address_set, 0},
	{SEALED_BOOKING_PHONE, booking_phone_next, booking_phone_set, 0},
	{SEALED_BOOKING_CODE, booking_code_next, booking_code_set, 0},
	{SEALED_COMPLAINT_PHONE, complaint_phone_next, complaint_phone_set, 0},
	{SEALED_TRANSFER_PHONE, transfer_phone_next, transfer_phone_set, 0},
	{SEALED_REQUEST_PHONE, request_phone_next, request_phone_set, 0},
	{SEALED_CUSTOMER_ADDRESS, customer_address_next, customer_address_set, 0},
};

/* Seals again one batch of a field's rows after id *after; *done when there are no more. */
static int pass(struct store *s, const struct field *f, const char *prefix, int64_t *after, int *done,
		struct sealed_report *out)
{
	int64_t ids[BATCH];
	char *vals[BATCH];
	int n = 0, rc;
	struct stmt *st = f->next(s);
	stmt_bind_int(st, 1, *after);
	stmt_bind_text(st, 2, prefix);
	stmt_bind_int(st, 3, BATCH);
	while ((rc = stmt_step(st)) == STORE_ROW && n < BATCH) {
		ids[n] = stmt_int(st, 0);
		vals[n++] = xstrdup(stmt_text(st, 1));
	}
	stmt_done(st);
	*done = n < BATCH;
	rc = rc < 0 ? rc : AJ_OK;
	for (int i = 0; i < n; i++) {
		char plain[1024];
		*after = ids[i];
		int opened = keys_unseal_for(f->name, ids[i], vals[i], plain, sizeof plain) == 0;
		if (!opened && f->clear_phone && phone_valid(vals[i])) {
			str_copy(plain, sizeof plain, vals[i]);
			opened = 1;
		}
		if (rc == AJ_OK && opened) {
			char *fresh = keys_seal_for(f->name, ids[i], plain);
			st = f->set(s);
			stmt_bind_int(st, 1, ids[i]);
			stmt_bind_text(st, 2, fresh);
			rc = stmt_exec(st);
			free(fresh);
			out->sealed++;
		} else if (!opened) {
			out->unopenable++;
		}
		sodium_memzero(plain, sizeof plain);
		free(vals[i]);
	}
	return rc;
}

/* The pass that seals again, for the write's body: who runs it, what it did. */
struct resealing {
	const struct actor *a;
	const char *prefix;
	struct sealed_report *out;
};

static int reseal_write(struct store *s, void *arg)
{
	struct resealing *rs = arg;
	struct sealed_report *out = rs->out;
	int rc = AJ_OK;
	memset(out, 0, sizeof *out);
	for (size_t i = 0; i < ARRAY_LEN(fields) && rc == AJ_OK; i++) {
		int64_t after = 0;
		int done = 0;
		while (rc == AJ_OK && !done)
			rc = pass(s, &fields[i], rs->prefix, &after, &done, out);
	}
	/* the telephones a caller is found by get their look-up hash (migration 012 brings them) */
	if (rc == AJ_OK)
		rc = phone_index_fill(s, &out->hashed);
	/* and the addresses theirs (migration 019 brings them) */
	if (rc == AJ_OK)
		rc = address_index_fill(s, &out->hashed);
	if (rc == AJ_OK) {
		struct stmt *st = store_sql(s, "INSERT INTO settings (key, value) VALUES ('sealed.kid', $1)"
					       " ON CONFLICT (key) DO UPDATE SET value = excluded.value");
		stmt_bind_text(st, 1, keys_seal_kid());
		rc = stmt_exec(st);
	}
	if (rc != AJ_OK)
		return rc;
	struct strbuf sb;
	strbuf_init(&sb, 256);
	strbuf_addf(&sb, "{\"sealed\":%lld,\"unopenable\":%lld,\"hashed\":%lld,\"seal_kid\":\"%s\"}",
		    (long long)out->sealed, (long long)out->unopenable, (long long)out->hashed, keys_seal_kid());
	/* a pass that found everything sealed already only notes that it looked */
	rc = audit_append(s, rs->a, out->sealed ? "keys.reseal" : "keys.seal_checked", "settings", 0, sb.buf, sb.len);
	strbuf_free(&sb);
	return rc;
}

int sealed_upgrade(struct store *s, const struct actor *a, struct sealed_report *out)
{
	char prefix[16];
	memset(out, 0, sizeof *out);
	snprintf(prefix, sizeof prefix, "s2.%s.", keys_seal_kid());
	/* once a whole pass has sealed everything under the current key it is said in the settings, and
	 * the starts after it read one row instead of every sealed column (a million bookings' worth);
	 * a new sealing key, or a migration that brings values to seal (it deletes the row), asks again */
	char done_kid[64] = "";
	struct stmt *st = store_sql(s, "SELECT value FROM settings WHERE key = 'sealed.kid'");
	int rc = stmt_step(st);
	if (rc == STORE_ROW)
		str_copy(done_kid, sizeof done_kid, stmt_text(st, 0));
	stmt_done(st);
	if (rc < 0)
		return rc;
	if (strcmp(done_kid, keys_seal_kid()) == 0)
		return AJ_OK;
	struct resealing rs = {a, prefix, out};
	if ((rc = store_write(s, reseal_write, &rs)) != AJ_OK)
		return rc;
	if (out->unopenable)
		log_warn("sealed: %lld values open under no key of the key file and were left as they are",
			 (long long)out->unopenable);
	/* the old values' page images leave the write-ahead log too; a busy reader only delays that */
	if (out->sealed)
		store_checkpoint(s);
	return AJ_OK;
}

int sealed_worker_number(int64_t id, const char *sealed, char out[19])
{
	return keys_unseal_for(SEALED_WORKER_ID, id, sealed, out, 19);
}

int sealed_worker_phone(int64_t id, const char *sealed, char *out, size_t n)
{
	return keys_unseal_for(SEALED_WORKER_PHONE, id, sealed, out, n);
}
