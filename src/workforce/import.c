/* import.c — the worker import: every row of the CSV (util/csv.c) checked as the API checks one
 * registration, each registration a savepoint inside one transaction. */
#include "import.h"

#include <stdlib.h>
#include <string.h>

#include "http/errors.h"
#include "http/req.h"
#include "http/schema.h"
#include "privacy/access.h"
#include "store/store.h"
#include "util/clock.h"
#include "util/csv.h"
#include "util/log.h"
#include "util/strbuf.h"
#include "workforce/trades.h"
#include "workforce/worker_access.h"
#include "workforce/workers.h"

enum col { C_NAME, C_ID, C_PHONE, C_TRADES, C_LEVEL, C_SINCE, C_PHOTO, C_COUNT };

static const struct {
	enum col col;
	const char *names[4];
	int required;
} headers[] = {
	{C_NAME, {"name", "姓名", NULL}, 1},
	{C_ID, {"id_number", "身份证号", "身份证号码", NULL}, 1},
	{C_PHONE, {"phone", "手机", "手机号", "电话"}, 1},
	{C_TRADES, {"trades", "工种", NULL}, 1},
	{C_LEVEL, {"level", "等级", "技能等级", NULL}, 1},
	{C_SINCE, {"experience_since", "从业开始", "从业时间", NULL}, 0},
	{C_PHOTO, {"photo_ref", "照片", NULL}, 0},
};

static const char *const field_names[C_COUNT] = {"name", "id_number", "phone", "trades", "level",
						 "experience_since", "photo_ref"};

static void add_error(struct import_result *out, int line, const char *field, const char *code)
{
	if (out->n_errors >= IMPORT_MAX_ERRORS) {
		out->more_errors++;
		return;
	}
	struct import_error *e = &out->errors[out->n_errors++];
	e->line = line;
	str_copy(e->field, sizeof e->field, field ? field : "");
	e->code = code;
}

/* Splits a trades cell ("household;cleaning", "家政服务员、保洁员") into indexes; -1 on an unknown one. */
static int parse_trades(const char *s, int *out, int *n)
{
	char buf[256];
	str_copy(buf, sizeof buf, s);
	*n = 0;
	char *p = buf;
	while (*p) {
		size_t len = strcspn(p, ";|");
		/* 、 and ， are three bytes each */
		char *cn = strstr(p, "、");
		char *fw = strstr(p, "，");
		if (cn && (size_t)(cn - p) < len)
			len = (size_t)(cn - p);
		if (fw && (size_t)(fw - p) < len)
			len = (size_t)(fw - p);
		char item[64];
		size_t k = len < sizeof item - 1 ? len : sizeof item - 1;
		memcpy(item, p, k);
		item[k] = '\0';
		char *it = item;
		while (*it == ' ')
			it++;
		for (size_t e = strlen(it); e && it[e - 1] == ' ';)
			it[--e] = '\0';
		if (*it) {
			int t = trade_index(it);
			if (t < 0)
				return -1;
			int dup = 0;
			for (int i = 0; i < *n; i++)
				dup |= out[i] == t;
			if (!dup && *n < TRADE_COUNT)
				out[(*n)++] = t;
		}
		p += len;
		if (*p == ';' || *p == '|')
			p++;
		else if (strncmp(p, "、", 3) == 0 || strncmp(p, "，", 3) == 0)
			p += 3;
	}
	return *n ? 0 : -1;
}

static int by_line(const void *a, const void *b)
{
	const struct import_error *x = a, *y = b;
	return x->line - y->line;
}

struct row {
	int line;
	struct worker_in in;
	char level[24];
	char norm[19];
	int good;
	const char *outcome;  /* what the registry look-up found, for the access log */
	int64_t found;        /* the person it found */
};

/* Records each row's look-up of a person, after the import's transaction has ended either way. */
static void record_lookups(struct store *s, const struct actor *a, const struct row *rows, size_t n, int dry_run)
{
	for (size_t i = 0; i < n; i++)
		if (rows[i].outcome &&
		    access_record_lookup(s, a, rows[i].found, rows[i].outcome, dry_run ? "dry_run" : "import") != AJ_OK)
			log_warn("access log: a registry look-up of the import was not recorded");
}

/* The registrations of an import's good rows, for the write's body (store_write may run it more
 * than once). */
struct import_run {
	const struct actor *a;
	struct row *rows;
	size_t n_rows;
	int good_only, dry_run;
	struct import_result *out;
	int n_errors, more_errors; /* the errors found while reading, which each try starts from */
	int verdict;               /* once every row is through: AJ_OK, or AJ_ERULE when the file is refused */
};

static int import_write(struct store *s, void *arg)
{
	struct import_run *im = arg;
	struct import_result *out = im->out;
	out->n_errors = im->n_errors;
	out->more_errors = im->more_errors;
	out->imported = out->transfers = 0;
	for (size_t i = 0; i < im->n_rows; i++) {
		im->rows[i].outcome = NULL;
		im->rows[i].found = 0;
	}
	for (size_t i = 0; i < im->n_rows; i++) {
		if (!im->rows[i].good)
			continue;
		struct fault f = {0};
		struct reg_result reg;
		int r = worker_register(s, im->a, &im->rows[i].in, &reg, &f);
		im->rows[i].outcome = worker_lookup_outcome(r, &reg, &f);
		im->rows[i].found = reg.worker_id;
		if (r == AJ_EBUSY || r == AJ_ESTORE)
			return r;
		if (r != AJ_OK) {
			add_error(out, im->rows[i].line, f.field, f.code ? f.code : "invalid_value");
			continue;
		}
		out->imported++;
		out->transfers += reg.outcome == REG_TRANSFER;
	}
	im->verdict = out->n_errors && !im->good_only ? AJ_ERULE : AJ_OK;
	/* a refused file, like a dry run, keeps nothing of what it wrote */
	return im->verdict == AJ_OK && !im->dry_run ? AJ_OK : STORE_WRITE_NOTHING;
}

int import_workers(struct store *s, const struct actor *a, int64_t company_id, const char *csv, size_t len,
		   int good_only, int dry_run, int64_t limit_org, struct import_result *out)
{
	struct csv_reader rd;
	int col[C_COUNT];
	int rc = AJ_OK;
	memset(out, 0, sizeof *out);
	csv_open(&rd, csv, len);

	/* the header: which column is which */
	struct row *rows = NULL;
	size_t n_rows = 0;
	char **keep = NULL;
	int hr = csv_read(&rd);
	for (int c = 0; c < C_COUNT; c++)
		col[c] = -1;
	for (int i = 0; hr == 1 && i < rd.n; i++) {
		const char *h = csv_cell(&rd, i);
		for (size_t k = 0; k < ARRAY_LEN(headers); k++)
			for (int m = 0; m < 4 && headers[k].names[m]; m++)
				if (strcmp(h, headers[k].names[m]) == 0 && col[headers[k].col] < 0)
					col[headers[k].col] = i;
	}
	if (hr != 1) {
		add_error(out, 1, NULL, hr < 0 ? "csv_malformed" : "csv_empty");
		rc = AJ_ERULE;
		goto out;
	}
	for (size_t k = 0; k < ARRAY_LEN(headers); k++)
		if (headers[k].required && col[headers[k].col] < 0)
			add_error(out, 1, field_names[headers[k].col], "missing_column");
	if (out->n_errors) {
		rc = AJ_ERULE;
		goto out;
	}

	/* every row, checked on its own and against the rows before it */
	size_t cap = 0;
	for (;;) {
		int line = rd.line;
		int r = csv_read(&rd);
		if (r == 0)
			break;
		if (r < 0) {
			add_error(out, line, NULL, "csv_malformed");
			break;
		}
		if (rd.n == 1 && !*csv_cell(&rd, 0))
			continue; /* a blank line */
		if (n_rows >= IMPORT_MAX_ROWS) {
			add_error(out, line, NULL, "too_many_rows");
			break;
		}
		if (n_rows == cap) {
			cap = cap ? cap * 2 : 64;
			rows = xrealloc(rows, cap * sizeof *rows);
			keep = xrealloc(keep, cap * C_COUNT * sizeof *keep);
		}
		struct row *w = &rows[n_rows];
		char **k = &keep[n_rows * C_COUNT];
		n_rows++;
		memset(w, 0, sizeof *w);
		w->line = line;
		for (int c = 0; c < C_COUNT; c++)
			k[c] = col[c] >= 0 && *csv_cell(&rd, col[c]) ? xstrdup(csv_cell(&rd, col[c])) : NULL;
		w->in.name = k[C_NAME];
		w->in.id_number = k[C_ID];
		w->in.phone = k[C_PHONE];
		w->in.photo_ref = k[C_PHOTO];
		w->in.experience_since = k[C_SINCE];
		w->in.company_id = company_id;
		out->rows++;
		if (!k[C_TRADES] || parse_trades(k[C_TRADES], w->in.trades, &w->in.n_trades) != 0) {
			add_error(out, line, "trades", k[C_TRADES] ? "invalid_value" : "missing_field");
			continue;
		}
		int lv = level_index(k[C_LEVEL]);
		if (lv < 0) {
			add_error(out, line, "level", k[C_LEVEL] ? "invalid_value" : "missing_field");
			continue;
		}
		str_copy(w->level, sizeof w->level, levels[lv].code);
		w->in.level = w->level;
		struct fault f = {0};
		if (worker_validate(&w->in, &f) != AJ_OK) {
			add_error(out, line, f.field, f.code);
			continue;
		}
		/* the same person twice in one file */
		for (int i = 0; i < 18; i++)
			w->norm[i] = (char)(w->in.id_number[i] == 'x' ? 'X' : w->in.id_number[i]);
		int dup = 0;
		for (size_t i = 0; i + 1 < n_rows && !dup; i++)
			dup = rows[i].good && strcmp(rows[i].norm, w->norm) == 0;
		if (dup) {
			add_error(out, line, "id_number", "duplicate_in_file");
			continue;
		}
		w->good = 1;
	}
	/* every good row looks a person up: within the company's allowance of the hour, or not at all */
	int64_t good = 0, left = 0;
	for (size_t i = 0; i < n_rows; i++)
		good += rows[i].good;
	if ((rc = access_lookups_left(s, limit_org, clock_now(), &left, &out->retry_after)) != AJ_OK)
		goto out;
	if (good > left) {
		out->retry_after = out->retry_after ? out->retry_after : 3600;
		rc = AJ_ELIMIT;
		goto out;
	}
	/* the store's own answers (already registered, revoked, another name) come row by row; they
	 * are asked even when rows already failed, so one reading of the file reports every problem */
	struct import_run im = {.a = a, .rows = rows, .n_rows = n_rows, .good_only = good_only, .dry_run = dry_run,
				.out = out, .n_errors = out->n_errors, .more_errors = out->more_errors};
	rc = store_write(s, import_write, &im);
	if (rc != AJ_OK)
		goto out;
	rc = im.verdict;
	record_lookups(s, a, rows, n_rows, dry_run);
	if (rc) {
		out->imported = out->transfers = 0;
		goto out;
	}
	out->skipped = out->rows - out->imported;
out:
	qsort(out->errors, (size_t)out->n_errors, sizeof out->errors[0], by_line);
	for (size_t i = 0; i < n_rows * C_COUNT; i++)
		free(keep[i]);
	free(keep);
	free(rows);
	csv_close(&rd);
	return rc;
}

/* ---- HTTP ---- */

SCHEMA(import_body, S_TEXT("csv", F_REQ, 1 << 20), S_BOOL("good_only", 0), S_BOOL("dry_run", 0),
       S_INT("company_id", F_NULL, 1, INT64_MAX));

static void errors_json(struct jw *w, const struct import_result *res, int lang)
{
	jw_key(w, "errors");
	jw_arr(w);
	for (int i = 0; i < res->n_errors; i++) {
		jw_obj(w);
		jw_kint(w, "line", res->errors[i].line);
		jw_kstr(w, "field", res->errors[i].field[0] ? res->errors[i].field : NULL);
		jw_kstr(w, "code", res->errors[i].code);
		jw_kstr(w, "message", error_message(res->errors[i].code, lang));
		jw_obj_end(w);
	}
	jw_arr_end(w);
	jw_kint(w, "more_errors", res->more_errors);
}

/* The import runs on the worker pool: a thousand rows of sealing, hashing and audit records. */
static void import_work(struct req *r, struct store *s)
{
	struct import_result *res = xmalloc(sizeof *res);
	struct actor a = req_actor(r);
	int64_t company = (int64_t)(intptr_t)r->work;
	json_t *csv = json_object_get(r->json, "csv");
	int dry = req_bool(r, "dry_run", 0);
	int rc = import_workers(s, &a, company, json_string_value(csv), json_string_length(csv),
				req_bool(r, "good_only", 0), dry, r->user.role == ROLE_ASSOCIATION_ADMIN ? 0 : r->user.org_id,
				res);
	if (rc == AJ_ELIMIT) {
		req_too_many(r, res->retry_after, "too_many_lookups");
	} else if (rc == AJ_ERULE) {
		struct jw *w = req_error_open(r, 422, "import_rejected", NULL, NULL);
		errors_json(w, res, r->lang);
		req_error_close(r);
	} else if (rc) {
		req_fail(r, rc);
	} else {
		struct jw *w = req_jw(r);
		jw_obj(w);
		jw_kint(w, "rows", res->rows);
		jw_kint(w, "imported", res->imported);
		jw_kint(w, "transfers", res->transfers);
		jw_kint(w, "skipped", res->skipped);
		jw_kbool(w, "dry_run", dry);
		errors_json(w, res, r->lang);
		jw_obj_end(w);
		req_send(r, 200);
	}
	free(res);
	r->work = NULL;
}

void api_workers_import(struct req *r)
{
	int64_t company = worker_company_scope(r);
	if (company && req_has(r, "company_id") && req_int(r, "company_id", 0) != company) {
		req_error(r, 403, "forbidden", "company_id");
		return;
	}
	if (!company) {
		company = req_int(r, "company_id", 0);
		char kind[16] = "";
		struct stmt *st = store_sql(r->store, "SELECT kind FROM orgs WHERE id = $1");
		stmt_bind_int(st, 1, company);
		if (stmt_step(st) == STORE_ROW)
			str_copy(kind, sizeof kind, stmt_text(st, 0));
		stmt_done(st);
		if (!company) {
			req_error(r, 400, "missing_field", "company_id");
			return;
		}
		if (strcmp(kind, "company") != 0) {
			req_error(r, 422, "org_not_found", "company_id");
			return;
		}
	}
	r->work = (void *)(intptr_t)company;
	req_defer(r, import_work, NULL);
}
