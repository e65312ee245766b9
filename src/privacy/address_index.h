/* address_index.h — the blind index of a booking's sealed address, as phone_index.h is of its
 * telephone: equal addresses, equal hashes, and no address in clear. Beside bookings.address_sealed
 * goes address_hash (migration 019), the keyed hash of the address written the same way whatever
 * the spacing, punctuation and width of its characters, so that "文三路 90 号 3 幢" and
 * "文三路90号3幢" meet. A review's signal "address shared across customers" compares it. */
#ifndef ADDRESS_INDEX_H
#define ADDRESS_INDEX_H

#include <stddef.h>
#include <stdint.h>

#include "auth/keys.h"

struct store;

/* The address written one way (n bytes): full-width letters and digits as ASCII, ASCII in lower
 * case, without spaces (the ideographic one too) and punctuation. */
void address_normal(const char *address, char *out, size_t n);

/* The look-up hash of an address: keyed BLAKE2b of "address:" and its normal form, hex; "" for an
 * address whose normal form is empty. */
void address_index_hash(const char *address, char out[KEYS_HASH_LEN]);

/* Hashes every sealed booking address that has no hash yet (written before migration 019), in the
 * caller's open transaction; one no key opens gets '' and is not tried again. *hashed (may be
 * NULL) counts them. */
int address_index_fill(struct store *s, int64_t *hashed);

#endif
