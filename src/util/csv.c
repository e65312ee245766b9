/* csv.c — the RFC 4180 reader. */
#include "util/csv.h"

#include <string.h>

#include "http/schema.h"

void csv_open(struct csv_reader *rd, const char *text, size_t len)
{
	rd->p = text;
	rd->end = text + len;
	rd->line = 1;
	rd->n = 0;
	for (int i = 0; i < CSV_MAX_FIELDS; i++)
		strbuf_init(&rd->fields[i], CSV_MAX_FIELD);
	if (len >= 3 && memcmp(text, "\xef\xbb\xbf", 3) == 0)
		rd->p += 3;
}

void csv_close(struct csv_reader *rd)
{
	for (int i = 0; i < CSV_MAX_FIELDS; i++)
		strbuf_free(&rd->fields[i]);
}

int csv_read(struct csv_reader *rd)
{
	if (rd->p >= rd->end)
		return 0;
	rd->n = 0;
	int quoted = 0, at_start = 1;
	strbuf_reset(&rd->fields[0]);
	for (;;) {
		if (rd->p >= rd->end) {
			if (quoted)
				return -1;
			rd->n++;
			return 1;
		}
		char c = *rd->p++;
		struct strbuf *f = &rd->fields[rd->n < CSV_MAX_FIELDS ? rd->n : CSV_MAX_FIELDS - 1];
		if (quoted) {
			if (c == '"') {
				if (rd->p < rd->end && *rd->p == '"') {
					strbuf_addc(f, '"');
					rd->p++;
				} else {
					quoted = 0;
				}
			} else {
				if (c == '\n')
					rd->line++;
				strbuf_addc(f, c);
			}
			continue;
		}
		if (c == '"' && at_start) {
			quoted = 1;
			at_start = 0;
		} else if (c == ',') {
			if (rd->n < CSV_MAX_FIELDS - 1)
				rd->n++;
			strbuf_reset(&rd->fields[rd->n]);
			at_start = 1;
		} else if (c == '\r' || c == '\n') {
			if (c == '\r' && rd->p < rd->end && *rd->p == '\n')
				rd->p++;
			rd->line++;
			rd->n++;
			return 1;
		} else {
			strbuf_addc(f, c);
			at_start = 0;
		}
	}
}

const char *csv_cell(struct csv_reader *rd, int i)
{
	if (i < 0 || i >= rd->n)
		return "";
	struct strbuf *f = &rd->fields[i];
	if (!f->buf)
		return "";
	const char *s = f->buf;
	size_t n = f->len;
	text_trim(&s, &n);
	((char *)s)[n] = '\0';
	return s;
}
