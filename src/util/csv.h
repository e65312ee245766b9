/* csv.h — a small RFC 4180 reader (quoted fields, doubled quotes, CRLF or LF, a UTF-8 BOM) for the
 * files people upload: the worker import and the training score sheets. */
#ifndef CSV_H
#define CSV_H

#include <stddef.h>

#include "util/strbuf.h"

#define CSV_MAX_FIELDS 32
#define CSV_MAX_FIELD 4096

struct csv_reader {
	const char *p, *end;
	int line;            /* the line the next record starts on, from 1 */
	struct strbuf fields[CSV_MAX_FIELDS];
	int n;               /* fields of the record read last */
};

/* Starts reading the len bytes at text (not copied; a leading BOM is skipped); csv_close frees. */
void csv_open(struct csv_reader *rd, const char *text, size_t len);
void csv_close(struct csv_reader *rd);
/* Reads one record; 1, 0 at the end, -1 on a malformed one (an unclosed quote). Fields beyond
 * CSV_MAX_FIELDS run into the last. */
int csv_read(struct csv_reader *rd);
/* Field i of the record read last, trimmed as the API trims one-line fields, NUL-terminated (in
 * place); "" when there is none. Valid until the next csv_read. */
const char *csv_cell(struct csv_reader *rd, int i);

#endif
