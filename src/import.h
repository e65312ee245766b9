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
	int rows, imported, linked, skipped;
	int n_errors;
	int more_errors;     /* errors beyond the first IMPORT_MAX_ERRORS */
	struct import_error errors[IMPORT_MAX_ERRORS];
};

/* Checks every row, then registers them for company_id in one transaction: all or nothing, or with
 * good_only the good rows. dry_run checks everything (the store's answers included) and writes
 * nothing. AJ_OK, AJ_ERULE when rows were refused and nothing was written, or a store error. */
int import_workers(struct store *s, const struct actor *a, int64_t company_id, const char *csv, size_t len,
		   int good_only, int dry_run, struct import_result *out);

#endif
