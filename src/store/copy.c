/* copy.c — moving a platform from one database to another (a SQLite file to PostgreSQL): every
 * table's rows as one moment of the source saw them, written in the order the foreign keys need in
 * one transaction of the target, its id counters moved past the copied ids, and the rows of every
 * table counted on both sides. The one place SQL names a table chosen at run time: every name comes
 * from the source's own catalogue and is refused unless it is lower-case letters, digits and _. */
#include "engine.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../anjia.h"
#include "../util/log.h"
#include "../util/strbuf.h"

#define MAX_TABLES 128

struct table {
	char name[64];
	int deps[16], n_deps; /* the tables its foreign keys name */
	int placed;
};

/* Runs a statement made at run time (a table's name in it) and reads its first column as an
 * integer when out is given. */
static int run_made(struct store *s, const char *sql, int64_t *out)
{
	struct stmt *st = s->eng->prepare(s, sql);
	if (!st)
		return AJ_ESTORE;
	st->s = s;
	st->sql = sql;
	int rc = s->eng->step(st);
	if (rc == STORE_ROW && out)
		*out = s->eng->col_int(st, 0);
	s->eng->reset(st);
	s->eng->finalize(st);
	return rc < 0 ? rc : AJ_OK;
}

static int name_ok(const char *name)
{
	if (!*name || strlen(name) >= 64)
		return 0;
	for (const char *p = name; *p; p++)
		if (!((*p >= 'a' && *p <= 'z') || (*p >= '0' && *p <= '9') || *p == '_'))
			return 0;
	return 1;
}

/* The source's tables, each after the tables it refers to. */
static int tables_in_order(struct store *s, struct table *t, int *n, int order[])
{
	int rc;
	*n = 0;
	struct stmt *st = store_sql(s, "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite\\_%' ESCAPE '\\'"
				       " AND name <> 'schema_migrations' ORDER BY name");
	while ((rc = stmt_step(st)) == STORE_ROW && *n < MAX_TABLES) {
		const char *name = stmt_text(st, 0);
		if (!name_ok(name)) {
			stmt_done(st);
			log_error("copy: a table named %.64s", name);
			return AJ_EINVAL;
		}
		snprintf(t[(*n)++].name, sizeof t[0].name, "%s", name);
	}
	stmt_done(st);
	if (rc < 0)
		return rc;
	for (int i = 0; i < *n; i++) {
		st = store_sql(s, "SELECT DISTINCT \"table\" FROM pragma_foreign_key_list($1)");
		stmt_bind_text(st, 1, t[i].name);
		while ((rc = stmt_step(st)) == STORE_ROW)
			for (int j = 0; j < *n; j++)
				if (j != i && strcmp(t[j].name, stmt_text(st, 0)) == 0 && t[i].n_deps < 16)
					t[i].deps[t[i].n_deps++] = j;
		stmt_done(st);
		if (rc < 0)
			return rc;
	}
	for (int k = 0; k < *n; k++) { /* each round places one table whose references are placed */
		int found = -1;
		for (int i = 0; i < *n && found < 0; i++) {
			int ready = !t[i].placed;
			for (int d = 0; d < t[i].n_deps && ready; d++)
				ready = t[t[i].deps[d]].placed;
			if (ready)
				found = i;
		}
		if (found < 0) {
			log_error("copy: the tables' foreign keys go round in a circle");
			return AJ_EINVAL;
		}
		t[found].placed = 1;
		order[k] = found;
	}
	return AJ_OK;
}

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

/* Every row of table t from src into dst; *rows counts them. */
static int copy_table(struct store *src, struct store *dst, const char *t, int64_t *rows)
{
	char cols[2048] = "", sql[2304], copy[2304];
	int64_t last_id = 0;
	size_t k = 0;
	int ncols = 0, rc;
	struct stmt *st = store_sql(src, "SELECT name FROM pragma_table_info($1) ORDER BY cid");
	stmt_bind_text(st, 1, t);
	while ((rc = stmt_step(st)) == STORE_ROW) {
		const char *c = stmt_text(st, 0);
		if (!name_ok(c) || k + strlen(c) + 2 >= sizeof cols) {
			stmt_done(st);
			return AJ_EINVAL;
		}
		k += (size_t)snprintf(cols + k, sizeof cols - k, "%s%s", ncols ? ", " : "", c);
		ncols++;
	}
	stmt_done(st);
	if (rc < 0)
		return rc;
	snprintf(sql, sizeof sql, "SELECT %s FROM %s ORDER BY 1", cols, t);
	struct stmt *rd = src->eng->prepare(src, sql);
	if (!rd)
		return AJ_ESTORE;
	rd->s = src;
	rd->sql = sql;
	snprintf(copy, sizeof copy, "COPY %s (%s) FROM STDIN", t, cols);
	int id_first = strncmp(cols, "id, ", 4) == 0 || strcmp(cols, "id") == 0;
	if ((rc = dst->eng->copy_begin(dst, copy)) != AJ_OK) {
		src->eng->finalize(rd);
		return rc;
	}
	struct strbuf line;
	strbuf_init(&line, 64u << 20);
	*rows = 0;
	while ((rc = src->eng->step(rd)) == STORE_ROW) {
		strbuf_reset(&line);
		for (int c = 0; c < ncols; c++) {
			if (c)
				strbuf_addc(&line, '\t');
			copy_value(&line, src->eng->col_null(rd, c) ? NULL : src->eng->col_text(rd, c));
		}
		strbuf_addc(&line, '\n');
		if (id_first && src->eng->col_int(rd, 0) > last_id)
			last_id = src->eng->col_int(rd, 0);
		if (line.failed || (rc = dst->eng->copy_row(dst, line.buf, line.len)) != AJ_OK) {
			rc = line.failed ? AJ_EINVAL : rc;
			break;
		}
		(*rows)++;
	}
	strbuf_free(&line);
	src->eng->reset(rd);
	src->eng->finalize(rd);
	int end = dst->eng->copy_end(dst, t, rc == STORE_DONE, last_id);
	return rc == STORE_DONE ? end : rc < 0 ? rc : AJ_ESTORE;
}

int store_copy(struct store *src, struct store *dst, struct store_copy_report *rep)
{
	static struct table t[MAX_TABLES];
	int order[MAX_TABLES], n = 0, rc;
	char sql[160];
	memset(rep, 0, sizeof *rep);
	memset(t, 0, sizeof t);
	if (strcmp(src->eng->kind, "sqlite") != 0 || !dst->eng->copy_begin)
		return AJ_EINVAL; /* from a SQLite file to a server */
	if ((rc = store_read_begin(src)) != AJ_OK)
		return rc;
	if ((rc = tables_in_order(src, t, &n, order)) != AJ_OK || (rc = store_begin(dst)) != AJ_OK) {
		store_read_end(src);
		return rc;
	}
	/* what the target's migrations wrote (standards, policies, the chain's empty head) makes way */
	for (int k = n - 1; k >= 0 && rc == AJ_OK; k--) {
		snprintf(sql, sizeof sql, "DELETE FROM %s", t[order[k]].name);
		rc = run_made(dst, sql, NULL);
	}
	for (int k = 0; k < n && rc == AJ_OK; k++) {
		int64_t rows = 0, there = -1;
		const char *name = t[order[k]].name;
		if ((rc = copy_table(src, dst, name, &rows)) != AJ_OK)
			break;
		snprintf(sql, sizeof sql, "SELECT count(*) FROM %s", name);
		if ((rc = run_made(dst, sql, &there)) != AJ_OK)
			break;
		if (there != rows) {
			log_error("copy: %s has %lld rows in the source and %lld in the copy", name, (long long)rows,
				  (long long)there);
			rc = AJ_ESTORE;
			break;
		}
		rep->tables++;
		rep->rows += rows;
	}
	store_read_end(src);
	if (rc != AJ_OK) {
		store_rollback(dst);
		return rc;
	}
	return store_commit(dst);
}
