/* training_results.c — a trainer's day: finding the person to enrol in the registry, a session's
 * results saved at once (typed in, or a CSV or XLSX score sheet), and who owes this quarter's
 * refresher. A save is all or nothing: every row is checked first, each row's error names the
 * worker, the field and why, and nothing is written while any row is wrong. */
#include <sodium.h>
#include <stdlib.h>
#include <string.h>

#include "auth/audit.h"
#include "auth/keys.h"
#include "http/errors.h"
#include "http/req.h"
#include "http/schema.h"
#include "privacy/access.h"
#include "standards.h"
#include "store/store.h"
#include "util/clock.h"
#include "util/csv.h"
#include "util/idcard.h"
#include "util/log.h"
#include "util/timefmt.h"
#include "util/xlsx.h"
#include "workforce/eligibility.h"
#include "workforce/trades.h"
#include "workforce/training.h"
#include "workforce/worker_access.h"

#define RESULTS_MAX_ROWS 500
#define RESULTS_MAX_ERRORS 100
#define SEARCH_MAX 10

SCHEMA(results_item, S_INT("worker_id", F_REQ, 1, INT64_MAX), S_BOOL("attended", F_REQ), S_INT("score", F_NULL, 0, 100));
SCHEMA(results_body, S_OBJS("results", F_REQ, 1, RESULTS_MAX_ROWS, &results_item));
SCHEMA(results_import_body, S_TEXT("csv", 0, 1 << 20), S_TEXT("xlsx", 0, 1 << 20), S_BOOL("dry_run", 0));
SCHEMA(worker_search_query, S_STR("q", F_REQ, 2, 20), S_INT("session_id", 0, 1, INT64_MAX));
SCHEMA(refresher_due_query, S_INT("page", 0, 1, 1000000), S_INT("per_page", 0, 1, 100));

int training_looked_up(struct store *s, int64_t org_id, int64_t worker_id, int64_t now)
{
	return access_found_since(s, org_id, worker_id, now - 3600);
}

/* ---- one save of many results ---- */

struct result_row {
	int index;           /* from 0, in the body */
	int line;            /* a file's line, 0 for the body */
	int64_t worker_id;   /* 0 when the row names nobody enrolled */
	int attended;        /* 1, 0, or -1 unreadable */
	int score;           /* -1 none */
	int id_lookup;       /* the row names the person by ID number: number, a valid one */
	char number[19];
	int64_t found;       /* whom the number found in the session */
};

struct row_error {
	int index, line;
	int64_t worker_id;
	char name[64];
	const char *field, *code;
};

struct results_run {
	int64_t session_id;
	int from_file, dry_run;
	struct result_row *rows;
	int n;
	struct row_error errors[RESULTS_MAX_ERRORS];
	int n_errors, more_errors;
	const char *refusal;   /* a refusal of the whole file or session, with its field */
	const char *refusal_field;
	int saved;
	int64_t retry_after;
};

static void row_error(struct results_run *run, const struct result_row *row, const char *field, const char *code)
{
	if (run->n_errors >= RESULTS_MAX_ERRORS) {
		run->more_errors++;
		return;
	}
	struct row_error *e = &run->errors[run->n_errors++];
	e->index = row ? row->index : -1;
	e->line = row ? row->line : 1;
	e->worker_id = row && row->worker_id > 0 ? row->worker_id : 0;
	e->name[0] = '\0';
	e->field = field;
	e->code = code;
}

/* A save of a run's results, for the write's body (store_write may run it more than once). */
struct results_save {
	const struct actor *a;
	struct results_run *run;
	int n_errors, more_errors; /* the errors found while reading, which each try starts from */
};

static int results_write(struct store *s, void *arg)
{
	struct results_save *v = arg;
	struct results_run *run = v->run;
	run->n_errors = v->n_errors;
	run->more_errors = v->more_errors;
	run->saved = 0;
	struct stmt *st = store_sql(s, "SELECT starts_at, status FROM training_sessions WHERE id = $1");
	stmt_bind_int(st, 1, run->session_id);
	int rc = stmt_step(st);
	int64_t starts = rc == STORE_ROW ? stmt_int(st, 0) : 0;
	int cancelled = rc == STORE_ROW && strcmp(stmt_text(st, 1), "cancelled") == 0;
	stmt_done(st);
	if (rc != STORE_ROW)
		return rc == STORE_DONE ? AJ_ENOTFOUND : rc;
	if (cancelled || clock_now() < starts) {
		run->refusal = cancelled ? "session_cancelled" : "session_not_started";
		run->refusal_field = "session";
		return AJ_ERULE;
	}
	for (int i = 0; i < run->n; i++) {
		struct result_row *row = &run->rows[i];
		if (!row->worker_id)
			continue; /* already refused while reading */
		int dup = 0;
		for (int k = 0; k < i && !dup; k++)
			dup = run->rows[k].worker_id == row->worker_id;
		int64_t found = 0;
		st = store_sql(s, "SELECT worker_id FROM enrolments WHERE session_id = $1 AND worker_id = $2");
		stmt_bind_int(st, 1, run->session_id);
		stmt_bind_int(st, 2, row->worker_id);
		if ((rc = stmt_one_int(st, &found)) != AJ_OK && rc != AJ_ENOTFOUND)
			return rc;
		if (!found) {
			/* a number in the body that is nobody in this session: named by its number only */
			row_error(run, row, "worker_id", "not_enrolled");
			continue;
		}
		if (dup)
			row_error(run, row, "worker_id", "duplicate_row");
		else if (row->attended < 0)
			row_error(run, row, "attended", "invalid_value");
		else if (row->attended && row->score < 0)
			row_error(run, row, "score", "missing_field");
		else if (!row->attended && row->score >= 0)
			row_error(run, row, "score", "score_without_attendance");
	}
	if (run->n_errors || run->more_errors)
		return AJ_ERULE;
	for (int i = 0; i < run->n; i++) {
		struct fault f = {0};
		struct result_row *row = &run->rows[i];
		if ((rc = training_result_apply(s, v->a, run->session_id, row->worker_id, row->attended, row->score,
						&f)) != AJ_OK ||
		    (rc = training_enrolment_audit(s, v->a, "enrolment.result", run->session_id, row->worker_id)) != AJ_OK)
			return rc;
	}
	run->saved = run->n;
	if (run->dry_run) {
		/* a dry run keeps nothing of what it wrote */
		return STORE_WRITE_NOTHING;
	}
	return audit_append_state(s, v->a, run->from_file ? "training_session.results_import" : "training_session.results",
				  "training_session", run->session_id, training_session_state);
}

/* Checks every row, then writes them all with their audit records in one transaction; with
 * dry_run rolls it back. AJ_ERULE when a row or the session refuses (nothing written). */
static int results_apply(struct store *s, const struct actor *a, struct results_run *run)
{
	struct results_save v = {a, run, run->n_errors, run->more_errors};
	return store_write(s, results_write, &v);
}

/* Fills in the names of the enrolled workers the errors name. */
static void error_names(struct store *s, struct results_run *run)
{
	for (int i = 0; i < run->n_errors; i++) {
		struct row_error *e = &run->errors[i];
		if (!e->worker_id || strcmp(e->code, "not_enrolled") == 0)
			continue;
		struct stmt *st = store_sql(s, "SELECT w.name FROM enrolments e JOIN workers w ON w.id = e.worker_id"
					       " WHERE e.session_id = $1 AND e.worker_id = $2");
		stmt_bind_int(st, 1, run->session_id);
		stmt_bind_int(st, 2, e->worker_id);
		if (stmt_step(st) == STORE_ROW)
			str_copy(e->name, sizeof e->name, stmt_text(st, 0));
		stmt_done(st);
	}
}

static int by_place(const void *x, const void *y)
{
	const struct row_error *a = x, *b = y;
	return a->line != b->line ? a->line - b->line : a->index - b->index;
}

static void errors_json(struct jw *w, struct results_run *run, int lang)
{
	qsort(run->errors, (size_t)run->n_errors, sizeof run->errors[0], by_place);
	jw_key(w, "errors");
	jw_arr(w);
	for (int i = 0; i < run->n_errors; i++) {
		const struct row_error *e = &run->errors[i];
		jw_obj(w);
		if (run->from_file)
			jw_kint(w, "line", e->line);
		else
			jw_kint(w, "index", e->index);
		jw_kid(w, "worker_id", e->worker_id);
		jw_kstr(w, "name", e->name[0] ? e->name : NULL);
		jw_kstr(w, "field", e->field);
		jw_kstr(w, "code", e->code);
		jw_kstr(w, "message", error_message(e->code, lang));
		jw_obj_end(w);
	}
	jw_arr_end(w);
	jw_kint(w, "more_errors", run->more_errors);
}

/* Answers a run: 200 with the session, 422 with every row's error, or the refusal. */
static void results_reply(struct req *r, struct store *s, struct results_run *run, int rc)
{
	if (rc == AJ_ELIMIT) {
		req_too_many(r, run->retry_after, "too_many_lookups");
		return;
	}
	if (rc == AJ_ERULE && run->refusal) {
		struct jw *w = req_error_open(r, 422, run->refusal, run->refusal_field, NULL);
		errors_json(w, run, r->lang);
		req_error_close(r);
		return;
	}
	if (rc == AJ_ERULE) {
		error_names(s, run);
		struct jw *w = req_error_open(r, 422, run->from_file ? "import_rejected" : "results_rejected", NULL, NULL);
		errors_json(w, run, r->lang);
		req_error_close(r);
		return;
	}
	if (rc) {
		req_fail(r, rc);
		return;
	}
	struct jw *w = req_jw(r);
	jw_obj(w);
	jw_kint(w, "rows", run->n);
	jw_kint(w, "saved", run->dry_run ? 0 : run->saved);
	jw_kbool(w, "dry_run", run->dry_run);
	errors_json(w, run, r->lang);
	jw_key(w, "session");
	struct strbuf sb;
	strbuf_init(&sb, 1 << 16);
	if (training_session_state(s, run->session_id, &sb) == AJ_OK)
		jw_raw(w, sb.buf, sb.len);
	else
		jw_null(w);
	strbuf_free(&sb);
	jw_obj_end(w);
	req_send(r, 200);
}

static void results_work(struct req *r, struct store *s)
{
	struct results_run *run = r->work;
	struct actor a = req_actor(r);
	results_reply(r, s, run, results_apply(s, &a, run));
}

static void run_free(void *p)
{
	struct results_run *run = p;
	if (run) {
		free(run->rows);
		free(run);
	}
}

void api_sessions_results(struct req *r)
{
	int rc = training_session_runnable(r, r->id[0]);
	if (rc) {
		req_fail(r, rc);
		return;
	}
	json_t *items = json_object_get(r->json, "results");
	struct results_run *run = xcalloc(1, sizeof *run);
	run->session_id = r->id[0];
	run->n = (int)json_array_size(items);
	run->rows = xcalloc((size_t)run->n, sizeof *run->rows);
	for (int i = 0; i < run->n; i++) {
		json_t *it = json_array_get(items, (size_t)i);
		json_t *score = json_object_get(it, "score");
		run->rows[i].index = i;
		run->rows[i].worker_id = json_integer_value(json_object_get(it, "worker_id"));
		run->rows[i].attended = json_is_true(json_object_get(it, "attended"));
		run->rows[i].score = json_is_integer(score) ? (int)json_integer_value(score) : -1;
	}
	r->work = run;
	r->work_free = run_free;
	req_defer(r, results_work, NULL);
}

/* ---- a score sheet ---- */

enum scol { S_IDNUM, S_WORKER, S_ATTENDED, S_SCORE, S_COUNT };

static const struct {
	enum scol col;
	const char *names[5];
} score_headers[] = {
	{S_IDNUM, {"id_number", "身份证号", "身份证号码", "身份证", NULL}},
	{S_WORKER, {"worker_id", "worker_number", "人员编号", "工人编号", "编号"}},
	{S_ATTENDED, {"attended", "出勤", "是否出勤", "到课", NULL}},
	{S_SCORE, {"score", "成绩", "分数", "考试成绩", NULL}},
};

/* 1, 0, or -1 for what a sheet writes in the attendance column. */
static int parse_attended(const char *v)
{
	static const char *const yes[] = {"1", "yes", "y", "true", "是", "出勤", "到", "√", "✓", NULL};
	static const char *const no[] = {"0", "no", "n", "false", "否", "缺勤", "未到", "×", NULL};
	for (int i = 0; yes[i]; i++)
		if (strcasecmp(v, yes[i]) == 0)
			return 1;
	for (int i = 0; no[i]; i++)
		if (strcasecmp(v, no[i]) == 0)
			return 0;
	return -1;
}

/* A whole number 0–100 ("85", or "85.0" as spreadsheets write it); -1 none, -2 not one. */
static int parse_score(const char *v)
{
	if (!*v)
		return -1;
	char *end;
	long n = strtol(v, &end, 10);
	if (end == v)
		return -2;
	if (*end == '.') {
		for (end++; *end == '0'; end++)
			;
	}
	return *end || n < 0 || n > 100 ? -2 : (int)n;
}

/* Finds the worker enrolled in the session with the (normalised, valid) ID number v; 0 when none. */
static int64_t enrolled_by_number(struct store *s, int64_t session_id, const char *v)
{
	char hash[KEYS_HASH_LEN];
	keys_lookup_hash(v, hash);
	int64_t id = 0;
	struct stmt *st = store_sql(s, "SELECT w.id FROM enrolments e JOIN workers w ON w.id = e.worker_id"
				       " WHERE e.session_id = $1 AND w.id_hash = $2");
	stmt_bind_int(st, 1, session_id);
	stmt_bind_text(st, 2, hash);
	if (stmt_one_int(st, &id) != AJ_OK)
		id = 0;
	return id;
}

/* Reads the sheet into run->rows, refusing what cannot be read; the rows' own errors are added. */
static int read_sheet_rows(struct store *s, struct results_run *run, const char *text, size_t len)
{
	struct csv_reader rd;
	int col[S_COUNT];
	int rc = AJ_OK, cap = 0;
	csv_open(&rd, text, len);
	for (int c = 0; c < S_COUNT; c++)
		col[c] = -1;
	/* the header may follow a title row or two: the first row naming the columns */
	int hr;
	while ((hr = csv_read(&rd)) == 1) {
		for (int i = 0; i < rd.n; i++) {
			const char *h = csv_cell(&rd, i);
			for (size_t k = 0; k < ARRAY_LEN(score_headers); k++)
				for (int m = 0; m < 5 && score_headers[k].names[m]; m++)
					if (strcasecmp(h, score_headers[k].names[m]) == 0 && col[score_headers[k].col] < 0)
						col[score_headers[k].col] = i;
		}
		if (col[S_IDNUM] >= 0 || col[S_WORKER] >= 0 || col[S_ATTENDED] >= 0 || col[S_SCORE] >= 0 || rd.line > 6)
			break;
	}
	if (hr != 1) {
		run->refusal = hr < 0 ? "csv_malformed" : "csv_empty";
		rc = AJ_ERULE;
		goto out;
	}
	if (col[S_IDNUM] < 0 && col[S_WORKER] < 0) {
		row_error(run, NULL, "id_number", "missing_column");
	}
	if (col[S_ATTENDED] < 0)
		row_error(run, NULL, "attended", "missing_column");
	if (col[S_SCORE] < 0)
		row_error(run, NULL, "score", "missing_column");
	if (run->n_errors) {
		rc = AJ_ERULE;
		goto out;
	}
	for (;;) {
		int line = rd.line;
		int got = csv_read(&rd);
		if (got == 0)
			break;
		if (got < 0) {
			run->refusal = "csv_malformed";
			rc = AJ_ERULE;
			goto out;
		}
		int blank = 1;
		for (int i = 0; i < rd.n && blank; i++)
			blank = !*csv_cell(&rd, i);
		if (blank)
			continue;
		if (run->n >= RESULTS_MAX_ROWS) {
			run->refusal = "score_rows_too_many";
			rc = AJ_ERULE;
			goto out;
		}
		if (run->n == cap) {
			cap = cap ? cap * 2 : 64;
			run->rows = xrealloc(run->rows, (size_t)cap * sizeof *run->rows);
		}
		struct result_row *row = &run->rows[run->n];
		memset(row, 0, sizeof *row);
		row->index = run->n++;
		row->line = line;
		const char *num = csv_cell(&rd, col[S_IDNUM]);
		if (*num) {
			/* looked up only once the allowance is known to cover every such row */
			struct idcard card;
			if (idcard_parse(num, time_today(), &card)) {
				row->id_lookup = 1;
				memcpy(row->number, card.norm, sizeof row->number);
				row->worker_id = -1;
			} else {
				row_error(run, row, "id_number", "invalid_id_number");
			}
		} else {
			const char *wid = csv_cell(&rd, col[S_WORKER]);
			int64_t id = 0;
			if (!*wid)
				row_error(run, row, col[S_IDNUM] >= 0 ? "id_number" : "worker_id", "missing_field");
			else if (parse_int64(wid, &id) != 0 || id < 1)
				row_error(run, row, "worker_id", "invalid_value");
			else
				row->worker_id = id;
		}
		const char *att = csv_cell(&rd, col[S_ATTENDED]);
		int sc = parse_score(csv_cell(&rd, col[S_SCORE]));
		row->attended = *att ? parse_attended(att) : -1;
		row->score = sc;
		if (!row->worker_id)
			continue;
		if (!*att) {
			row_error(run, row, "attended", "missing_field");
			row->worker_id = 0;
		} else if (row->attended < 0 || sc == -2) {
			row_error(run, row, row->attended < 0 ? "attended" : "score", "invalid_value");
			row->worker_id = 0;
		}
	}
	if (!run->n) {
		run->refusal = "csv_empty";
		rc = AJ_ERULE;
	}
out:
	csv_close(&rd);
	return rc;
}

static void import_work(struct req *r, struct store *s)
{
	struct results_run *run = r->work;
	struct actor a = req_actor(r);
	int64_t org = r->user.role == ROLE_ASSOCIATION_ADMIN ? 0 : r->user.org_id;
	json_t *csv = json_object_get(r->json, "csv"), *xlsx = json_object_get(r->json, "xlsx");
	struct strbuf sheet;
	strbuf_init(&sheet, 8u << 20);
	const char *text = json_string_value(csv);
	size_t len = json_string_length(csv);
	int rc = AJ_OK;
	if (xlsx) {
		/* the workbook comes base64-encoded inside the JSON body */
		size_t b64 = json_string_length(xlsx), bin_len = 0;
		unsigned char *bin = xmalloc(b64 / 4 * 3 + 3);
		if (sodium_base642bin(bin, b64 / 4 * 3 + 3, json_string_value(xlsx), b64, " \r\n", &bin_len, NULL,
				      sodium_base64_VARIANT_ORIGINAL) != 0 ||
		    xlsx_to_csv(bin, bin_len, &sheet) != 0) {
			run->refusal = "xlsx_unreadable";
			run->refusal_field = "xlsx";
			rc = AJ_ERULE;
		}
		free(bin);
		text = sheet.buf ? sheet.buf : "";
		len = sheet.len;
	}
	if (rc == AJ_OK)
		rc = read_sheet_rows(s, run, text, len);
	/* the rows naming a person by ID number are look-ups, within the hour's allowance */
	int lookups = 0;
	for (int i = 0; i < run->n; i++)
		lookups += run->rows[i].id_lookup;
	if (rc == AJ_OK && lookups) {
		int64_t left = 0;
		if ((rc = access_lookups_left(s, org, clock_now(), &left, &run->retry_after)) == AJ_OK && left < lookups) {
			run->retry_after = run->retry_after ? run->retry_after : 3600;
			rc = AJ_ELIMIT;
		}
	}
	for (int i = 0; rc == AJ_OK && i < run->n; i++) {
		struct result_row *row = &run->rows[i];
		if (!row->id_lookup)
			continue;
		int64_t id = enrolled_by_number(s, run->session_id, row->number);
		/* a number that is nobody in this session: no one is named */
		int keep = row->worker_id == -1;
		row->worker_id = 0;
		if (!id)
			row_error(run, row, "id_number", "not_enrolled");
		else if (keep)
			row->worker_id = id;
		row->found = id;
	}
	if (rc == AJ_OK)
		rc = results_apply(s, &a, run);
	if (rc != AJ_ELIMIT) {
		for (int i = 0; i < run->n; i++)
			if (run->rows[i].id_lookup &&
			    access_record_lookup(s, &a, run->rows[i].found, run->rows[i].found ? "found" : "not_found",
						 run->dry_run ? "score_import_dry_run" : "score_import") != AJ_OK)
				log_warn("access log: a look-up of the score import was not recorded");
	}
	strbuf_free(&sheet);
	results_reply(r, s, run, rc);
}

void api_sessions_results_import(struct req *r)
{
	int rc = training_session_runnable(r, r->id[0]);
	if (rc) {
		req_fail(r, rc);
		return;
	}
	if (req_has(r, "csv") == req_has(r, "xlsx")) {
		req_error(r, 400, req_has(r, "csv") ? "unknown_field" : "missing_field", req_has(r, "csv") ? "xlsx" : "csv");
		return;
	}
	struct results_run *run = xcalloc(1, sizeof *run);
	run->session_id = r->id[0];
	run->from_file = 1;
	run->dry_run = req_bool(r, "dry_run", 0);
	r->work = run;
	r->work_free = run_free;
	req_defer(r, import_work, NULL);
}

/* ---- finding the person to enrol ---- */

/* 1 when q is written as an ID number would be (digits, perhaps ending in X): such a search must
 * be the whole number, so no part of one is ever matched. */
static int looks_like_number(const char *q)
{
	size_t n = strlen(q), digits = 0;
	for (size_t i = 0; i < n; i++) {
		if (q[i] >= '0' && q[i] <= '9')
			digits++;
		else if (!((q[i] == 'X' || q[i] == 'x') && i == n - 1))
			return 0;
	}
	return digits > 0;
}

void api_training_worker_search(struct req *r)
{
	const char *q = req_qstr(r, "q");
	int64_t session = req_qint(r, "session_id", 0);
	if (session && training_session_runnable(r, session) != AJ_OK) {
		req_error(r, 404, "not_found", "session_id");
		return;
	}
	int by_number = looks_like_number(q);
	struct idcard card;
	char hash[KEYS_HASH_LEN];
	if (by_number) {
		if (!idcard_parse(q, time_today(), &card)) {
			req_error(r, 400, "invalid_id_number", "q");
			return;
		}
		keys_lookup_hash(card.norm, hash);
	}
	int64_t org = r->user.role == ROLE_ASSOCIATION_ADMIN ? 0 : r->user.org_id, left = 0, retry = 0;
	int rc = access_lookups_left(r->store, org, clock_now(), &left, &retry);
	if (rc) {
		req_fail(r, rc);
		return;
	}
	if (left < 1) {
		req_too_many(r, retry, "too_many_lookups");
		return;
	}
	/* the whole number, or the whole name as on the card; never a revoked person */
	struct stmt *st = store_sql(r->store,
		"SELECT w.id, w.name, w.id_masked, (SELECT count(*) FROM enrolments e WHERE e.session_id = $3 AND e.worker_id = w.id)"
		" FROM workers w WHERE w.status = 'active' AND (($1 <> '' AND w.id_hash = $1) OR ($1 = '' AND w.name = $2))"
		" ORDER BY w.id LIMIT $4");
	stmt_bind_text(st, 1, by_number ? hash : "");
	stmt_bind_text(st, 2, by_number ? "" : q);
	stmt_bind_int(st, 3, session);
	stmt_bind_int(st, 4, SEARCH_MAX);
	int64_t found[SEARCH_MAX];
	int n = 0;
	struct jw *w = req_jw(r);
	jw_obj(w);
	jw_kstr(w, "by", by_number ? "id_number" : "name");
	jw_key(w, "items");
	jw_arr(w);
	while ((rc = stmt_step(st)) == STORE_ROW && n < SEARCH_MAX) {
		int64_t id = stmt_int(st, 0);
		found[n++] = id;
		jw_obj(w);
		jw_kint(w, "id", id);
		jw_kstr(w, "name", stmt_text(st, 1));
		jw_kstr(w, "id_number_masked", stmt_text(st, 2));
		jw_kbool(w, "enrolled", stmt_int(st, 3) > 0);
		jw_key(w, "trades");
		worker_trades_json(r->store, id, w);
		jw_obj_end(w);
	}
	stmt_done(st);
	if (rc < 0) {
		req_fail(r, rc);
		return;
	}
	jw_arr_end(w);
	jw_obj_end(w);
	/* every person found is a look-up, recorded and counted; a search finding nobody is one too */
	struct actor a = req_actor(r);
	for (int i = 0; i < (n ? n : 1); i++)
		if (access_record_lookup(r->store, &a, n ? found[i] : 0, n ? "found" : "not_found", "enrol_search") != AJ_OK)
			log_warn("access log: a registry look-up was not recorded");
	req_send(r, 200);
}

/* ---- who owes this quarter's refresher ---- */

/* The association: every current worker who was ever certified; an institution: the current workers
 * it has trained (enrolled in any of its sessions) — the people it knows, not the whole registry.
 * Those who have not passed a refresher this quarter, late first, then by name. */
void api_training_refresher_due(struct req *r)
{
	struct page pg = req_page(r);
	int64_t org = r->user.role == ROLE_TRAINER ? r->user.org_id : 0, now = clock_now();
	struct standards sd;
	int rc = standards_get(r->store, &sd);
	if (rc) {
		req_fail(r, rc);
		return;
	}
	struct stmt *st = store_sql(r->store,
		"SELECT w.id FROM workers w WHERE w.status = 'active' AND w.company_id IS NOT NULL"
		" AND EXISTS (SELECT 1 FROM certificates c WHERE c.worker_id = w.id)"
		" AND ($1 = 0 OR EXISTS (SELECT 1 FROM enrolments e JOIN training_sessions t ON t.id = e.session_id"
		" WHERE e.worker_id = w.id AND t.org_id = $1)) ORDER BY w.name, w.id");
	stmt_bind_int(st, 1, org);
	struct due {
		int64_t id, grace_end;
		int owed, last;
	} *due = NULL;
	size_t n = 0, cap = 0;
	int64_t *ids = NULL;
	size_t n_ids = 0, cap_ids = 0;
	while ((rc = stmt_step(st)) == STORE_ROW) {
		if (n_ids == cap_ids) {
			cap_ids = cap_ids ? cap_ids * 2 : 256;
			ids = xrealloc(ids, cap_ids * sizeof *ids);
		}
		ids[n_ids++] = stmt_int(st, 0);
	}
	stmt_done(st);
	for (size_t i = 0; rc == STORE_DONE && i < n_ids; i++) {
		struct elig_facts f;
		int64_t grace_end;
		if (elig_load(r->store, ids[i], -1, &f) != AJ_OK)
			continue;
		int owed = elig_refresher_owed(&f, now, &sd, &grace_end);
		if (!owed)
			continue;
		if (n == cap) {
			cap = cap ? cap * 2 : 64;
			due = xrealloc(due, cap * sizeof *due);
		}
		due[n++] = (struct due){ids[i], grace_end, owed, f.refresher_q1};
	}
	free(ids);
	if (rc < 0) {
		free(due);
		req_fail(r, rc);
		return;
	}
	/* the late first, keeping the order by name within each */
	struct due *sorted = xmalloc((n ? n : 1) * sizeof *sorted);
	size_t k = 0;
	for (int pass = 2; pass >= 1; pass--)
		for (size_t i = 0; i < n; i++)
			if (due[i].owed == pass)
				sorted[k++] = due[i];
	free(due);
	char qbuf[8], day[11];
	time_format_quarter(time_quarter(now), qbuf);
	struct jw *w = req_jw(r);
	jw_obj(w);
	jw_kstr(w, "quarter", qbuf);
	jw_key(w, "items");
	jw_arr(w);
	for (size_t i = (size_t)pg.offset; i < n && i < (size_t)(pg.offset + pg.per_page); i++) {
		st = store_sql(r->store, "SELECT w.id, w.name, w.id_masked FROM workers w WHERE w.id = $1");
		stmt_bind_int(st, 1, sorted[i].id);
		if (stmt_step(st) != STORE_ROW) {
			stmt_done(st);
			continue;
		}
		jw_obj(w);
		jw_key(w, "worker");
		jw_obj(w);
		jw_kint(w, "id", stmt_int(st, 0));
		jw_kstr(w, "name", stmt_text(st, 1));
		jw_kstr(w, "id_number_masked", stmt_text(st, 2));
		jw_obj_end(w);
		stmt_done(st);
		jw_key(w, "trades");
		worker_trades_json(r->store, sorted[i].id, w);
		jw_kstr(w, "status", sorted[i].owed == 2 ? "late" : "due");
		if (sorted[i].owed == 1) {
			time_format_date(time_local_days(sorted[i].grace_end - 1), day);
			jw_kstr(w, "grace_until", day);
		} else {
			jw_knull(w, "grace_until");
		}
		jw_key(w, "last_refresher");
		if (sorted[i].last) {
			time_format_quarter(sorted[i].last, qbuf);
			jw_str(w, qbuf);
		} else {
			jw_null(w);
		}
		/* a refresher session of this institution (any, for the association) not yet over that
		 * they are enrolled in */
		st = store_sql(r->store,
			"SELECT t.id, t.starts_at FROM enrolments e JOIN training_sessions t ON t.id = e.session_id"
			" JOIN courses c ON c.id = t.course_id WHERE e.worker_id = $1 AND c.refresher = 1"
			" AND t.status = 'scheduled' AND e.recorded_at IS NULL AND t.ends_at > $2 AND ($3 = 0 OR t.org_id = $3)"
			" ORDER BY t.starts_at LIMIT 1");
		stmt_bind_int(st, 1, sorted[i].id);
		stmt_bind_int(st, 2, now);
		stmt_bind_int(st, 3, org);
		jw_key(w, "enrolled_session");
		if (stmt_step(st) == STORE_ROW) {
			jw_obj(w);
			jw_kint(w, "id", stmt_int(st, 0));
			jw_ktime(w, "starts_at", stmt_int(st, 1));
			jw_obj_end(w);
		} else {
			jw_null(w);
		}
		stmt_done(st);
		jw_obj_end(w);
	}
	jw_arr_end(w);
	jw_kint(w, "page", pg.page);
	jw_kint(w, "per_page", pg.per_page);
	jw_kint(w, "total", (int64_t)n);
	jw_obj_end(w);
	free(sorted);
	req_send(r, 200);
}
