/* addresses.h — a customer's saved addresses, to book with again: sealed like a booking's address
 * (bound to their own row), read by the customer alone, in their copy of their data, and gone when
 * the account is closed. */
#ifndef ADDRESSES_H
#define ADDRESSES_H

#include <stdint.h>

#include "anjia.h"

struct store;
struct jw;

/* at most this many addresses per customer */
#define ADDRESSES_MAX 10

/* Saves address (label may be NULL) for customer customer_id, sealed for its row, in one transaction
 * with its audit record (never the address); *id is the new one's. Refusal: too_many_addresses. */
int address_add(struct store *s, const struct actor *a, int64_t customer_id, const char *label, const char *address,
		int64_t *id, struct fault *f);
/* Writes "saved_addresses": the customer's addresses opened ({"id","label","address","created_at"},
 * the address null where no key of this server opens it), newest first. */
void addresses_json(struct store *s, int64_t customer_id, struct jw *w);
/* Deletes every saved address of the customer, inside the caller's write; *n counts them. */
int addresses_erase(struct store *s, int64_t customer_id, int64_t *n);

#endif
