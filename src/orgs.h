/* orgs.h — organisations: the association, housekeeping companies, training institutions and
 * inspection bodies. A company is known by its unified social credit code (GB 32100). */
#ifndef ORGS_H
#define ORGS_H

#include <stdint.h>

#include "anjia.h"

struct store;

struct org_in {
	const char *kind;       /* association, company, training, inspection */
	const char *name;
	const char *uscc;       /* NULL: none (or unchanged, for an update) */
	const char *district;
	int clear_uscc;         /* update: remove the code */
};

/* Registers an organisation with its audit record. Refusals set *f: invalid_uscc,
 * uscc_required, org_name_taken, uscc_taken, association_exists. */
int org_create(struct store *s, const struct actor *a, const struct org_in *in, int64_t *id,
	       struct fault *f);
/* Changes name, code or district of org id (kind never changes); NULL fields stay. */
int org_update(struct store *s, const struct actor *a, int64_t id, const struct org_in *in,
	       struct fault *f);
/* Finds an organisation by its id or its exact name; kind is copied when given. */
int org_find(struct store *s, const char *id_or_name, int64_t *id, char kind[16]);

#endif
