/* phone_index.c — the keyed hashes beside sealed telephones, and the pass that hashes the ones
 * still without. The hash is derived data, like an index: it is not part of any audited state, and
 * writing it changes no public answer. */
#include "phone_index.h"

#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "anjia.h"
#include "privacy/sealed.h"
#include "store/store.h"
#include "util/phone.h"
#include "util/strbuf.h"

#define BATCH 500

void phone_index_hash(const char *phone, char out[KEYS_HASH_LEN])
{
	char buf[80];
	snprintf(buf, sizeof buf, "phone:%s", phone ? phone : "");
	keys_lookup_hash(buf, out);
	sodium_memzero(buf, sizeof buf);
}

/* One field's statements, written out so the SQL stays a literal. */
#define FIELD(name, table)                                                                                  \
	static struct stmt *name##_next(struct store *s)                                                     \
	{                                                                                                    \
		return store_sql(s, "SELECT id, contact_phone_sealed FROM " table " WHERE contact_phone_hash IS NULL" \
				    " AND contact_phone_sealed IS NOT NULL AND id > $1 ORDER BY id LIMIT $2");         \
	}                                                                                                    \
	static struct stmt *name##_set(struct store *s)                                                      \
	{                                                                                                    \
		return store_sql(s, "UPDATE " table " SET contact_phone_hash = $2 WHERE id = $1");            \
	}                                                                                                    \
	static struct stmt *name##_waiting(struct store *s)                                                  \
	{                                                                                                    \
		return store_sql(s, "SELECT count(*) FROM (SELECT 1 FROM " table " WHERE contact_phone_hash IS NULL" \
				    " AND contact_phone_sealed IS NOT NULL LIMIT 1) AS x");                                 \
	}

FIELD(complaint, "complaints")
FIELD(booking, "bookings")

static const struct field {
	const char *name;   /* as keys_seal_for names it */
	struct stmt *(*next)(struct store *s);
	struct stmt *(*set)(struct store *s);
	struct stmt *(*waiting)(struct store *s);
} fields[] = {
	{SEALED_COMPLAINT_PHONE, complaint_next, complaint_set, complaint_waiting},
	{SEALED_BOOKING_PHONE, booking_next, booking_set, booking_waiting},
};

/* Hashes one batch of f's rows after id *after; *done when there are no more. */
static int batch(struct store *s, const struct field *f, int64_t *after, int *done, int64_t *hashed)
{
	int64_t ids[BATCH];
	char *vals[BATCH];
	int n = 0, rc;
	struct stmt *st = f->next(s);
	stmt_bind_int(st, 1, *after);
	stmt_bind_int(st, 2, BATCH);
	while ((rc = stmt_step(st)) == STORE_ROW && n < BATCH) {
		ids[n] = stmt_int(st, 0);
		vals[n++] = xstrdup(stmt_text(st, 1));
	}
	stmt_done(st);
	*done = n < BATCH;
	rc = rc < 0 ? rc : AJ_OK;
	for (int i = 0; i < n; i++) {
		char plain[64], hash[KEYS_HASH_LEN] = "";
		*after = ids[i];
		if (keys_unseal_for(f->name, ids[i], vals[i], plain, sizeof plain) == 0 && phone_valid(plain))
			phone_index_hash(plain, hash);
		sodium_memzero(plain, sizeof plain);
		free(vals[i]);
		if (rc != AJ_OK)
			continue;
		st = f->set(s);
		stmt_bind_int(st, 1, ids[i]);
		stmt_bind_text(st, 2, hash);
		rc = stmt_exec(st);
		if (hashed)
			(*hashed)++;
	}
	return rc;
}

int phone_index_fill(struct store *s, int64_t *hashed)
{
	int rc = AJ_OK;
	for (size_t i = 0; i < ARRAY_LEN(fields) && rc == AJ_OK; i++) {
		int64_t after = 0;
		int done = 0;
		while (rc == AJ_OK && !done)
			rc = batch(s, &fields[i], &after, &done, hashed);
	}
	return rc;
}

static int fill_write(struct store *s, void *arg)
{
	(void)arg;
	int rc = phone_index_fill(s, NULL);
	if (rc == AJ_OK)
		store_keep_generation(s);
	return rc;
}

int phone_index_catch_up(struct store *s)
{
	int64_t waiting = 0;
	int rc;
	for (size_t i = 0; i < ARRAY_LEN(fields) && !waiting; i++) {
		int64_t n = 0;
		if ((rc = stmt_one_int(fields[i].waiting(s), &n)) != AJ_OK)
			return rc;
		waiting += n;
	}
	if (!waiting)
		return AJ_OK;
	return store_write(s, fill_write, NULL);
}
