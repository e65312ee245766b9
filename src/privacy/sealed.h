/* sealed.h — the register of every sealed field of the database, and what is done to all of them at
 * once: sealing again what is not yet under the current key and format (after an upgrade, or after
 * `anjia keys rotate`). Each sealed value is bound to its field and row (keys_seal_for). */
#ifndef SEALED_H
#define SEALED_H

#include <stddef.h>
#include <stdint.h>

#include "anjia.h"

struct store;

/* The fields, as keys_seal_for names them. */
#define SEALED_WORKER_ID "workers.id_number"
#define SEALED_WORKER_PHONE "workers.phone"
#define SEALED_BOOKING_ADDRESS "bookings.address"
#define SEALED_BOOKING_PHONE "bookings.contact_phone"
#define SEALED_BOOKING_CODE "bookings.service_code"
#define SEALED_COMPLAINT_PHONE "complaints.contact_phone"
#define SEALED_TRANSFER_PHONE "worker_transfers.phone"
#define SEALED_REQUEST_PHONE "service_requests.contact_phone"
#define SEALED_CUSTOMER_ADDRESS "customer_addresses.address"

struct sealed_report {
	int64_t sealed;      /* values sealed again (or, for a phone kept in clear before, sealed) */
	int64_t unopenable;  /* values no key of the key file opens: left as they are */
	int64_t hashed;      /* telephones and addresses given their look-up hash (privacy/phone_index.h,
			      * privacy/address_index.h) */
};

/* Seals again, in one transaction with its audit record, every sealed value not in today's format
 * under the current key, seals any worker phone still in clear, and gives every sealed telephone a
 * caller is found by its look-up hash (phone_index_fill); then notes in the settings
 * ('sealed.kid') that everything is sealed under that key, so that later calls read one row. A
 * migration that brings values to seal deletes that row. */
int sealed_upgrade(struct store *s, const struct actor *a, struct sealed_report *out);

/* Opens workers.id_number of worker id into out (19 bytes); 0 or -1. */
int sealed_worker_number(int64_t id, const char *sealed, char out[19]);
/* Opens workers.phone of worker id into out (n bytes); 0 or -1. */
int sealed_worker_phone(int64_t id, const char *sealed, char *out, size_t n);

#endif
