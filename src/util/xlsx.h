/* xlsx.h — the first worksheet of an Office Open XML workbook (.xlsx) as CSV text, so a spreadsheet
 * upload is read by the same CSV reader as a CSV file. Reads with libzip and libxml2; entity
 * expansion and network access stay off, and every part read is capped. */
#ifndef XLSX_H
#define XLSX_H

#include <stddef.h>

#include "util/strbuf.h"

/* The largest uncompressed part read (the sheet, the shared strings). */
#define XLSX_MAX_PART (16u << 20)

/* Writes the first worksheet of the workbook in buf (len bytes) into out as CSV: one line per row
 * (missing rows as empty lines, so line n is the sheet's row n), every cell quoted, shared and
 * inline strings resolved, numbers and booleans as written. 0, or -1 when buf is not a workbook we
 * can read or a part is too large. */
int xlsx_to_csv(const void *buf, size_t len, struct strbuf *out);

#endif
