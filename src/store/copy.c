/* copy.c — moving a platform from one database to another (a SQLite file to PostgreSQL): every
 * table's rows as one moment of the source saw them, written in the order the foreign keys need in
 * one transaction of the target, its id counters moved past the copied ids, and the rows of every
 * table counted on both sides. The tables, their order and their statements are the program's own,
 * made from its migrations when it is built (copy_tables.h); both databases are at its newest
 * schema before the copy begins. */
#include "engine.h"

#include "copy_tables.h"

#include <string.h>

#include "../anjia.h"
#include "../util/log.h"
#include "../util/strbuf.h"

/* One value in COPY's text form: \N for NULL, backslash, tab, newline and return escaped. */
static void copy_value(struct strbuf *b, const char *v)
{
	if (!v) {
		strbuf_adds(b, "\\N");
		return;
	}
	for (; *v; v++) {
		switch (*v) {
		case '\\': strbuf_adds(b, "\\\\"); break;
		case '\t': strbuf_adds(b, "\\t"); break;
		case '\n': strbuf_adds(b, "\\n"); break;
		case '\r': strbuf_adds(b, "\\r"); break;
		default: strbuf_addc(b, *v);
		}
	}
}

/* Every row of table number i from src into dst; *rows counts them. */
static int copy_table(struct store *src, struct store *dst, int i, int64_t *rows)
{
	const struct copy_table *t = &copy_tables[i];
	int64_t last_id = 0;
	int rc;
	if ((rc = dst->eng->copy_begin(dst, t->copy)) != AJ_OK)
		return rc;
	struct stmt *rd = copy_rows(src, i);
	struct strbuf line;
	strbuf_init(&line, 64u << 20);
	*rows = 0;
	while ((rc = stmt_step(rd)) == STORE_ROW) {
		strbuf_reset(&line);
		for (int c = 0; c < t->ncols; c++) {
			if (c)
				strbuf_addc(&line, '\t');
			copy_value(&line, stmt_is_null(rd, c) ? NULL : stmt_text(rd, c));
		}
		strbuf_addc(&line, '\n');
		if (t->id_first && stmt_int(rd, 0) > last_id)
			last_id = stmt_int(rd, 0);
		if (line.failed || (rc = dst->eng->copy_row(dst, line.buf, line.len)) != AJ_OK) {
			rc = line.failed ? AJ_EINVAL : rc;
			break;
		}
		(*rows)++;
	}
	strbuf_free(&line);
	stmt_done(rd);
	int end = dst->eng->copy_end(dst, t->name, rc == STORE_DONE, last_id);
	return rc == STORE_DONE ? end : rc < 0 ? rc : AJ_ESTORE;
}

/* The rows of the copy of every table, moved in the order of copy_tables. */
static int copy_all(struct store *src, struct store *dst, struct store_copy_report *rep)
{
	int rc = AJ_OK;
	/* what the target's migrations wrote (standards, policies, the chain's empty head) makes way */
	for (int i = copy_table_count - 1; i >= 0 && rc == AJ_OK; i--)
		rc = stmt_exec(copy_clear(dst, i));
	for (int i = 0; i < copy_table_count && rc == AJ_OK; i++) {
		int64_t rows = 0, there = -1;
		if ((rc = copy_table(src, dst, i, &rows)) != AJ_OK || (rc = stmt_one_int(copy_count(dst, i), &there)) != AJ_OK)
			break;
		if (there != rows) {
			log_error("copy: %s has %lld rows in the source and %lld in the copy", copy_tables[i].name,
				  (long long)rows, (long long)there);
			rc = AJ_ESTORE;
			break;
		}
		rep->tables++;
		rep->rows += rows;
	}
	return rc;
}

int store_copy(struct store *src, struct store *dst, struct store_copy_report *rep)
{
	int rc;
	memset(rep, 0, sizeof *rep);
	if (strcmp(src->eng->kind, "sqlite") != 0 || !dst->eng->copy_begin)
		return AJ_EINVAL; /* from a SQLite file to a server */
	if (store_schema_version(src) != store_schema_version(dst)) {
		log_error("copy: the source is at schema version %d and the target at %d", store_schema_version(src),
			  store_schema_version(dst));
		return AJ_EINVAL;
	}
	if ((rc = store_read_begin(src)) != AJ_OK)
		return rc;
	if ((rc = store_begin(dst)) != AJ_OK) {
		store_read_end(src);
		return rc;
	}
	rc = copy_all(src, dst, rep);
	store_read_end(src);
	if (rc != AJ_OK) {
		store_rollback(dst);
		return rc;
	}
	return store_commit(dst);
}
