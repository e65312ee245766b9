/* import.h — registering workers in bulk from a CSV file (the web upload and `anjia import`). */
#ifndef IMPORT_H
#define IMPORT_H

#include <stddef.h>
#include <stdint.h>

#include "anjia.h"

struct store;

#define IMPORT_MAX_ERRORS 200
#define IMPORT_MAX_ROWS 10000

struct import_error {
	int line;            /* the line the row starts on, the header being line 1 */
	char field[24];
	const char *code;
};

struct import_result {
	int rows, imported, skipped;
	int transfers;       /* people registered before elsewhere: requests waiting for the worker */
	int64_t retry_after; /* AJ_ELIMIT: seconds until the company may look people up again */
	int n_errors;
	int more_errors;     /* errors beyond the first IMPORT_MAX_ERRORS */
	struct import_error errors[IMPORT_MAX_ERRORS];
};

/* Checks every row, then registers them for company_id in one transaction: all or nothing, or with
 * good_only the good rows. dry_run checks everything (the store's answers included) and writes
 * nothing but the trace of its look-ups. Every good row is a look-up of a person by ID number,
 * counted against limit_org's allowance of the hour (0: none). AJ_OK, AJ_ERULE when rows were
 * refused and nothing was written, AJ_ELIMIT when the allowance is short, or a store error. */
int import_workers(struct store *s, const struct actor *a, int64_t company_id, const char *csv, size_t len,
		   int good_only, int dry_run, int64_t limit_org, struct import_result *out);

#endif
