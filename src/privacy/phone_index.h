/* phone_index.h — the blind index of sealed telephones: a caller is found by the number they give
 * without any number being kept in clear. Beside each sealed telephone a caller may be found by
 * (complaints.contact_phone_sealed, bookings.contact_phone_sealed) goes its keyed look-up hash in
 * contact_phone_hash (migration 012); a search hashes the number asked and compares hashes. */
#ifndef PHONE_INDEX_H
#define PHONE_INDEX_H

#include <stdint.h>

#include "auth/keys.h"

struct store;

/* The look-up hash of a mainland mobile number (11 digits, phone_valid): keyed BLAKE2b of
 * "phone:<digits>", hex. */
void phone_index_hash(const char *phone, char out[KEYS_HASH_LEN]);

/* Hashes every sealed telephone that has no hash yet (written before migration 012, or by a
 * writer that does not hash: a booking's contact), in the caller's open transaction; one that no
 * key opens gets '' and is not tried again. *hashed (may be NULL) counts them. */
int phone_index_fill(struct store *s, int64_t *hashed);

/* The same in a transaction of its own, when anything waits to be hashed (one indexed read when
 * nothing does); it changes no public answer. Runs before a search by telephone and in the
 * deadline job. */
int phone_index_catch_up(struct store *s);

#endif
