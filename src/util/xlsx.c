/* xlsx.c — reading the first worksheet of a workbook: its shared strings, then its rows. */
#include "util/xlsx.h"

#include <libxml/xmlreader.h>
#include <stdlib.h>
#include <string.h>
#include <zip.h>

/* Reads part name of archive za whole into a new buffer (free it); NULL when absent or too big. */
static char *read_part(zip_t *za, const char *name, size_t *len)
{
	zip_stat_t st;
	if (zip_stat(za, name, 0, &st) != 0 || !(st.valid & ZIP_STAT_SIZE) || st.size > XLSX_MAX_PART)
		return NULL;
	zip_file_t *zf = zip_fopen(za, name, 0);
	if (!zf)
		return NULL;
	char *p = xmalloc((size_t)st.size + 1);
	size_t got = 0;
	/* never more than the size the directory declared, whatever the stream holds */
	while (got < st.size) {
		zip_int64_t n = zip_fread(zf, p + got, (zip_uint64_t)(st.size - got));
		if (n <= 0)
			break;
		got += (size_t)n;
	}
	zip_fclose(zf);
	if (got != st.size) {
		free(p);
		return NULL;
	}
	p[got] = '\0';
	*len = got;
	return p;
}

static xmlTextReaderPtr reader_for(const char *xml, size_t len)
{
	if (len > (size_t)INT32_MAX)
		return NULL;
	/* no entity substitution, no DTD loading, no network */
	return xmlReaderForMemory(xml, (int)len, NULL, "UTF-8", XML_PARSE_NONET | XML_PARSE_NOERROR | XML_PARSE_NOWARNING);
}

static int is(xmlTextReaderPtr rd, const char *name)
{
	const xmlChar *n = xmlTextReaderConstLocalName(rd);
	return n && strcmp((const char *)n, name) == 0;
}

struct strings {
	char **s;
	size_t n, cap;
};

/* The shared strings: each <si> is the text of its <t> elements (phonetic runs left out). */
static int read_strings(const char *xml, size_t len, struct strings *ss)
{
	xmlTextReaderPtr rd = reader_for(xml, len);
	if (!rd)
		return -1;
	struct strbuf cur;
	strbuf_init(&cur, 1 << 16);
	int in_si = 0, in_t = 0, in_rph = 0, rc;
	while ((rc = xmlTextReaderRead(rd)) == 1) {
		int type = xmlTextReaderNodeType(rd);
		if (type == XML_READER_TYPE_ELEMENT) {
			if (is(rd, "si") && !xmlTextReaderIsEmptyElement(rd)) {
				in_si = 1;
				strbuf_reset(&cur);
			} else if (is(rd, "si")) {
				strbuf_reset(&cur);
				goto add;
			} else if (is(rd, "rPh")) {
				in_rph = !xmlTextReaderIsEmptyElement(rd);
			} else if (is(rd, "t")) {
				in_t = !xmlTextReaderIsEmptyElement(rd);
			}
		} else if (type == XML_READER_TYPE_END_ELEMENT) {
			if (is(rd, "t"))
				in_t = 0;
			else if (is(rd, "rPh"))
				in_rph = 0;
			else if (is(rd, "si") && in_si) {
				in_si = 0;
				goto add;
			}
		} else if ((type == XML_READER_TYPE_TEXT || type == XML_READER_TYPE_SIGNIFICANT_WHITESPACE) && in_si &&
			   in_t && !in_rph) {
			const xmlChar *v = xmlTextReaderConstValue(rd);
			if (v && strbuf_adds(&cur, (const char *)v) != 0) {
				rc = -1;
				break;
			}
		}
		continue;
add:
		if (ss->n == ss->cap) {
			ss->cap = ss->cap ? ss->cap * 2 : 256;
			ss->s = xrealloc(ss->s, ss->cap * sizeof *ss->s);
		}
		ss->s[ss->n++] = xstrdup(cur.buf ? cur.buf : "");
	}
	strbuf_free(&cur);
	xmlFreeTextReader(rd);
	return rc == 0 ? 0 : -1;
}

/* "BC12" → column 54 (from 0); -1 when the reference has no letters. */
static int ref_column(const char *ref)
{
	int c = 0, k = 0;
	for (; *ref >= 'A' && *ref <= 'Z' && k < 4; ref++, k++)
		c = c * 26 + (*ref - 'A' + 1);
	return k ? c - 1 : -1;
}

static int add_cell(struct strbuf *out, const char *v)
{
	int rc = strbuf_addc(out, '"');
	for (; *v && rc == 0; v++)
		rc = *v == '"' ? strbuf_adds(out, "\"\"") : strbuf_addc(out, *v);
	return rc ? rc : strbuf_addc(out, '"');
}

#define MAX_COLUMNS 64
#define MAX_ROWS 100000

static int read_sheet(const char *xml, size_t len, const struct strings *ss, struct strbuf *out)
{
	xmlTextReaderPtr rd = reader_for(xml, len);
	if (!rd)
		return -1;
	struct strbuf val;
	strbuf_init(&val, 1 << 16);
	long row = 0;         /* the row being written (1-based), 0 before the first */
	int col = 0;          /* cells written in this row */
	int cell_col = 0, in_v = 0, in_is = 0, in_t = 0, bad = 0, rc;
	char type[16] = "";
	while (!bad && (rc = xmlTextReaderRead(rd)) == 1) {
		int nt = xmlTextReaderNodeType(rd);
		if (nt == XML_READER_TYPE_ELEMENT) {
			if (is(rd, "row")) {
				xmlChar *r = xmlTextReaderGetAttribute(rd, BAD_CAST "r");
				long n = r ? strtol((const char *)r, NULL, 10) : row + 1;
				xmlFree(r);
				if (n <= row || n > MAX_ROWS) {
					bad = 1;
					break;
				}
				/* the end of the row before, and the rows the sheet leaves out as empty lines */
				for (long k = row ? row : 1; k < n; k++)
					bad |= strbuf_addc(out, '\n') != 0;
				row = n;
				col = 0;
			} else if (is(rd, "c")) {
				xmlChar *ref = xmlTextReaderGetAttribute(rd, BAD_CAST "r");
				xmlChar *t = xmlTextReaderGetAttribute(rd, BAD_CAST "t");
				cell_col = ref ? ref_column((const char *)ref) : col;
				snprintf(type, sizeof type, "%s", t ? (const char *)t : "n");
				xmlFree(ref);
				xmlFree(t);
				if (cell_col < col || cell_col >= MAX_COLUMNS) {
					bad = 1;
					break;
				}
				strbuf_reset(&val);
				if (xmlTextReaderIsEmptyElement(rd))
					goto cell_end;
			} else if (is(rd, "v")) {
				in_v = !xmlTextReaderIsEmptyElement(rd);
			} else if (is(rd, "is")) {
				in_is = !xmlTextReaderIsEmptyElement(rd);
			} else if (is(rd, "t")) {
				in_t = !xmlTextReaderIsEmptyElement(rd);
			}
		} else if (nt == XML_READER_TYPE_END_ELEMENT) {
			if (is(rd, "v"))
				in_v = 0;
			else if (is(rd, "is"))
				in_is = 0;
			else if (is(rd, "t"))
				in_t = 0;
			else if (is(rd, "c"))
				goto cell_end;
		} else if (nt == XML_READER_TYPE_TEXT || nt == XML_READER_TYPE_SIGNIFICANT_WHITESPACE) {
			if (in_v || (in_is && in_t)) {
				const xmlChar *v = xmlTextReaderConstValue(rd);
				bad |= v && strbuf_adds(&val, (const char *)v) != 0;
			}
		}
		continue;
cell_end:
		if (!row) {
			bad = 1;
			break;
		}
		for (; col < cell_col; col++)
			bad |= strbuf_adds(out, col ? "," : "") != 0;
		if (col)
			bad |= strbuf_addc(out, ',') != 0;
		const char *text = val.buf ? val.buf : "";
		if (strcmp(type, "s") == 0) {
			char *end;
			long i = strtol(text, &end, 10);
			if (end == text || *end || i < 0 || (size_t)i >= ss->n) {
				bad = 1;
				break;
			}
			text = ss->s[i];
		} else if (strcmp(type, "b") == 0) {
			text = strcmp(text, "1") == 0 ? "TRUE" : "FALSE";
		}
		bad |= add_cell(out, text) != 0;
		col++;
	}
	if (!bad && rc == 0 && row)
		bad |= strbuf_addc(out, '\n') != 0;
	strbuf_free(&val);
	xmlFreeTextReader(rd);
	return bad || rc != 0 ? -1 : 0;
}

int xlsx_to_csv(const void *buf, size_t len, struct strbuf *out)
{
	zip_error_t ze;
	zip_error_init(&ze);
	zip_source_t *src = zip_source_buffer_create(buf, len, 0, &ze);
	if (!src) {
		zip_error_fini(&ze);
		return -1;
	}
	zip_t *za = zip_open_from_source(src, ZIP_RDONLY, &ze);
	zip_error_fini(&ze);
	if (!za) {
		zip_source_free(src);
		return -1;
	}
	struct strings ss = {0};
	size_t n = 0;
	int rc = 0;
	char *strings = read_part(za, "xl/sharedStrings.xml", &n);
	if (strings)
		rc = read_strings(strings, n, &ss);
	free(strings);
	char *sheet = rc == 0 ? read_part(za, "xl/worksheets/sheet1.xml", &n) : NULL;
	rc = sheet ? read_sheet(sheet, n, &ss, out) : -1;
	free(sheet);
	for (size_t i = 0; i < ss.n; i++)
		free(ss.s[i]);
	free(ss.s);
	zip_close(za);
	return rc;
}
