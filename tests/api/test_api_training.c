/* A trainer's day through the API: finding the person to enrol, a session's results in one save
 * (all or nothing, every row's error), a score sheet in CSV or XLSX with a dry run, the session
 * completed once its results are in, and who owes this quarter's refresher. */
#include "harness.h"

#include <time.h>
#include <sodium.h>
#include <zip.h>

#include "util/clock.h"
#include "util/idcard.h"
#include "util/strbuf.h"
#include "util/timefmt.h"

static struct harness H;
static char admin[TOKEN_LEN], co1[TOKEN_LEN], trainer[TOKEN_LEN];

static int setup(void **state)
{
	(void)state;
	h_open(&H);
	h_login(&H, "admin", admin, NULL);
	h_login(&H, "company1", co1, NULL);
	h_login(&H, "trainer1", trainer, NULL);
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	h_close(&H);
	return 0;
}

static const char *idno(int year, int seq)
{
	static char n[8][19];
	static int k;
	char *out = n[k++ % 8], tmp[32];
	snprintf(tmp, sizeof tmp, "330102%04u0615%03u", (unsigned)year % 10000, (unsigned)seq % 1000);
	memcpy(out, tmp, 17);
	out[17] = idcard_check_char(out);
	out[18] = '\0';
	return out;
}

static int64_t count(const char *sql_literal_guard, struct stmt *st)
{
	(void)sql_literal_guard;
	int64_t n = -1;
	assert_int_equal(stmt_one_int(st, &n), 0);
	return n;
}
#define COUNT(sql) count(sql, store_sql(H.store, sql))

static int64_t created(struct resp *r, const char *what)
{
	if (r->status != 201)
		fail_msg("%s: %d %s", what, r->status, r->body);
	int64_t id = resp_int(r, "id");
	resp_free(r);
	return id;
}

static int64_t worker(const char *name, const char *number)
{
	char body[512];
	snprintf(body, sizeof body, "{\"name\":\"%s\",\"id_number\":\"%s\",\"phone\":\"13912345678\","
				    "\"trades\":[\"household\"],\"level\":\"senior\"}", name, number);
	return created(h_api(&H, "POST", "/api/workers", co1, body), name);
}

/* A session of course that began an hour ago, with workers w[0..n) enrolled by their company. */
static int64_t session_with(int64_t course, const int64_t *w, int n)
{
	char body[256], a[TIME_ISO_LEN], b[TIME_ISO_LEN], path[96];
	time_format_iso(clock_now() - 3600, a);
	time_format_iso(clock_now() + 3600, b);
	snprintf(body, sizeof body, "{\"course_id\":%lld,\"starts_at\":\"%s\",\"ends_at\":\"%s\","
				    "\"location\":\"培训中心\",\"capacity\":20}", (long long)course, a, b);
	int64_t sid = created(h_api(&H, "POST", "/api/training-sessions", trainer, body), "session");
	snprintf(path, sizeof path, "/api/training-sessions/%lld/enrolments", (long long)sid);
	for (int i = 0; i < n; i++) {
		snprintf(body, sizeof body, "{\"worker_id\":%lld}", (long long)w[i]);
		h_expect(h_api(&H, "POST", path, co1, body), 201, NULL);
	}
	return sid;
}

static int64_t recorded(int64_t sid)
{
	struct stmt *st = store_sql(H.store, "SELECT count(*) FROM enrolments WHERE session_id = $1 AND recorded_at IS NOT NULL");
	stmt_bind_int(st, 1, sid);
	int64_t n = -1;
	assert_int_equal(stmt_one_int(st, &n), 0);
	return n;
}

static const char *session_status(int64_t sid)
{
	static char status[16];
	char path[64];
	snprintf(path, sizeof path, "/api/training-sessions/%lld", (long long)sid);
	struct resp *r = h_api(&H, "GET", path, trainer, NULL);
	str_copy(status, sizeof status, resp_str(r, "status"));
	resp_free(r);
	return status;
}

static json_t *error_at(struct resp *r, size_t i)
{
	return json_array_get(json_object_get(r->json, "errors"), i);
}

static void test_results_in_one_save(void **state)
{
	(void)state;
	int64_t course = created(h_api(&H, "POST", "/api/courses", admin,
				       "{\"code\":\"COM-R\",\"title\":\"沟通\",\"kind\":\"communication\",\"credits\":2,\"pass_mark\":60}"),
				 "course");
	int64_t w[3] = {worker("卫小红", idno(1985, 101)), worker("蒋丽华", idno(1986, 102)), worker("沈秀兰", idno(1987, 103))};
	int64_t other = worker("韩梅", idno(1988, 104));
	int64_t sid = session_with(course, w, 3);
	assert_string_equal(session_status(sid), "scheduled");
	char path[96], body[512];
	snprintf(path, sizeof path, "/api/training-sessions/%lld/results", (long long)sid);

	/* a bad row: nothing written, every row's error with its worker, field and why */
	snprintf(body, sizeof body,
		 "{\"results\":[{\"worker_id\":%lld,\"attended\":true,\"score\":80},"
		 "{\"worker_id\":%lld,\"attended\":true,\"score\":null},"
		 "{\"worker_id\":%lld,\"attended\":false,\"score\":50},"
		 "{\"worker_id\":%lld,\"attended\":true,\"score\":70}]}",
		 (long long)w[0], (long long)w[1], (long long)w[2], (long long)other);
	int64_t before = h_writes(&H);
	struct resp *r = h_api(&H, "POST", path, trainer, body);
	assert_int_equal(r->status, 422);
	assert_string_equal(resp_code(r), "results_rejected");
	assert_int_equal(json_array_size(json_object_get(r->json, "errors")), 3);
	assert_int_equal(json_integer_value(json_object_get(error_at(r, 0), "index")), 1);
	assert_int_equal(json_integer_value(json_object_get(error_at(r, 0), "worker_id")), w[1]);
	assert_string_equal(json_string_value(json_object_get(error_at(r, 0), "name")), "蒋丽华");
	assert_string_equal(json_string_value(json_object_get(error_at(r, 0), "field")), "score");
	assert_string_equal(json_string_value(json_object_get(error_at(r, 0), "code")), "missing_field");
	assert_string_equal(json_string_value(json_object_get(error_at(r, 1), "code")), "score_without_attendance");
	/* someone not in the session: named by the number given, never by name */
	assert_string_equal(json_string_value(json_object_get(error_at(r, 2), "code")), "not_enrolled");
	assert_true(json_is_null(json_object_get(error_at(r, 2), "name")));
	resp_free(r);
	assert_int_equal(h_writes(&H), before);
	assert_int_equal(recorded(sid), 0);
	/* the same worker twice */
	snprintf(body, sizeof body, "{\"results\":[{\"worker_id\":%lld,\"attended\":true,\"score\":80},"
				    "{\"worker_id\":%lld,\"attended\":true,\"score\":90}]}", (long long)w[0], (long long)w[0]);
	r = h_api(&H, "POST", path, trainer, body);
	assert_int_equal(r->status, 422);
	assert_string_equal(json_string_value(json_object_get(error_at(r, 0), "code")), "duplicate_row");
	resp_free(r);
	assert_int_equal(recorded(sid), 0);
	/* a score out of range is refused at the edge, naming the row */
	snprintf(body, sizeof body, "{\"results\":[{\"worker_id\":%lld,\"attended\":true,\"score\":101}]}", (long long)w[0]);
	r = h_api(&H, "POST", path, trainer, body);
	assert_int_equal(r->status, 400);
	assert_string_equal(resp_field(r), "results[0].score");
	resp_free(r);
	/* a company does not record results */
	h_expect(h_api(&H, "POST", path, co1, body), 403, "forbidden");

	/* every row right: saved at once, and the session is completed */
	snprintf(body, sizeof body,
		 "{\"results\":[{\"worker_id\":%lld,\"attended\":true,\"score\":80},"
		 "{\"worker_id\":%lld,\"attended\":true,\"score\":40},"
		 "{\"worker_id\":%lld,\"attended\":false,\"score\":null}]}",
		 (long long)w[0], (long long)w[1], (long long)w[2]);
	before = COUNT("SELECT count(*) FROM audit_log");
	r = h_api(&H, "POST", path, trainer, body);
	if (r->status != 200)
		fail_msg("save: %d %s", r->status, r->body);
	assert_int_equal(resp_int(r, "saved"), 3);
	assert_string_equal(resp_str(r, "session.status"), "completed");
	assert_int_equal(resp_int(r, "session.results"), 3);
	resp_free(r);
	assert_int_equal(recorded(sid), 3);
	/* one audit record per result, and one for the session */
	assert_int_equal(COUNT("SELECT count(*) FROM audit_log"), before + 4);
	assert_string_equal(session_status(sid), "completed");
	struct stmt *st = store_sql(H.store, "SELECT sum(passed), sum(credits) FROM enrolments WHERE session_id = $1");
	stmt_bind_int(st, 1, sid);
	assert_int_equal(stmt_step(st), STORE_ROW);
	assert_int_equal(stmt_int(st, 0), 1);
	assert_int_equal(stmt_int(st, 1), 2);
	stmt_done(st);
}

/* A minimal workbook: the shared strings and one sheet. */
static void workbook(const char *strings, const char *sheet, struct strbuf *b64)
{
	zip_error_t ze;
	zip_error_init(&ze);
	zip_source_t *src = zip_source_buffer_create(NULL, 0, 0, &ze);
	assert_non_null(src);
	zip_source_keep(src);
	zip_t *za = zip_open_from_source(src, ZIP_TRUNCATE, &ze);
	assert_non_null(za);
	zip_source_t *a = zip_source_buffer(za, strings, strlen(strings), 0);
	zip_source_t *s = zip_source_buffer(za, sheet, strlen(sheet), 0);
	assert_true(zip_file_add(za, "xl/sharedStrings.xml", a, 0) >= 0);
	assert_true(zip_file_add(za, "xl/worksheets/sheet1.xml", s, 0) >= 0);
	assert_int_equal(zip_close(za), 0);
	assert_int_equal(zip_source_open(src), 0);
	zip_source_seek(src, 0, SEEK_END);
	zip_int64_t len = zip_source_tell(src);
	zip_source_seek(src, 0, SEEK_SET);
	unsigned char *buf = malloc((size_t)len);
	assert_int_equal(zip_source_read(src, buf, (zip_uint64_t)len), len);
	zip_source_close(src);
	zip_source_free(src);
	size_t out = sodium_base64_ENCODED_LEN((size_t)len, sodium_base64_VARIANT_ORIGINAL);
	char *enc = malloc(out);
	sodium_bin2base64(enc, out, buf, (size_t)len, sodium_base64_VARIANT_ORIGINAL);
	strbuf_adds(b64, enc);
	free(enc);
	free(buf);
	zip_error_fini(&ze);
}

static void test_score_sheet(void **state)
{
	(void)state;
	int64_t course = created(h_api(&H, "POST", "/api/courses", admin,
				       "{\"code\":\"PRI-R\",\"title\":\"隐私\",\"kind\":\"privacy\",\"credits\":1,\"pass_mark\":60}"),
				 "course");
	const char *n0 = idno(1980, 201), *n1 = idno(1981, 202);
	char num0[19], num1[19];
	str_copy(num0, sizeof num0, n0);
	str_copy(num1, sizeof num1, n1);
	int64_t w[2] = {worker("陶美华", num0), worker("范春兰", num1)};
	int64_t sid = session_with(course, w, 2);
	char path[96], body[2048];
	snprintf(path, sizeof path, "/api/training-sessions/%lld/results/import", (long long)sid);

	/* one bad row (a score of 150): its line, field and why, and nothing written */
	snprintf(body, sizeof body, "{\"csv\":\"人员编号,姓名,出勤,成绩\\n%lld,陶美华,是,88\\n%lld,范春兰,是,150\\n\"}",
		 (long long)w[0], (long long)w[1]);
	int64_t before = h_writes(&H);
	struct resp *r = h_api(&H, "POST", path, trainer, body);
	assert_int_equal(r->status, 422);
	assert_string_equal(resp_code(r), "import_rejected");
	assert_int_equal(json_array_size(json_object_get(r->json, "errors")), 1);
	assert_int_equal(json_integer_value(json_object_get(error_at(r, 0), "line")), 3);
	assert_string_equal(json_string_value(json_object_get(error_at(r, 0), "field")), "score");
	assert_string_equal(json_string_value(json_object_get(error_at(r, 0), "code")), "invalid_value");
	assert_int_equal(json_integer_value(json_object_get(error_at(r, 0), "worker_id")), w[1]);
	resp_free(r);
	assert_int_equal(h_writes(&H), before);
	assert_int_equal(recorded(sid), 0);
	/* no way to tell who a row is */
	r = h_api(&H, "POST", path, trainer, "{\"csv\":\"姓名,出勤,成绩\\n陶美华,是,88\\n\"}");
	assert_int_equal(r->status, 422);
	assert_string_equal(json_string_value(json_object_get(error_at(r, 0), "code")), "missing_column");
	resp_free(r);
	h_expect(h_api(&H, "POST", path, trainer, "{\"dry_run\":true}"), 400, "missing_field");

	/* by whole ID number, as a dry run: checked, nothing saved, the look-ups on record */
	snprintf(body, sizeof body, "{\"csv\":\"身份证号,出勤,成绩\\n%s,1,88\\n%s,0,\\n\",\"dry_run\":true}", num0, num1);
	int64_t looked = COUNT("SELECT count(*) FROM access_log WHERE via = 'score_import_dry_run'");
	r = h_api(&H, "POST", path, trainer, body);
	if (r->status != 200)
		fail_msg("dry run: %d %s", r->status, r->body);
	assert_true(json_is_true(json_object_get(r->json, "dry_run")));
	assert_int_equal(resp_int(r, "saved"), 0);
	assert_null(strstr(r->body, num0));
	resp_free(r);
	assert_int_equal(recorded(sid), 0);
	assert_int_equal(COUNT("SELECT count(*) FROM access_log WHERE via = 'score_import_dry_run'"), looked + 2);
	/* a number nobody in the session has: not enrolled, naming nobody */
	snprintf(body, sizeof body, "{\"csv\":\"身份证号,出勤,成绩\\n%s,1,88\\n\"}", idno(1979, 299));
	r = h_api(&H, "POST", path, trainer, body);
	assert_int_equal(r->status, 422);
	assert_string_equal(json_string_value(json_object_get(error_at(r, 0), "code")), "not_enrolled");
	assert_true(json_is_null(json_object_get(error_at(r, 0), "worker_id")));
	resp_free(r);

	/* the same sheet as an XLSX workbook: shared and inline strings, a number cell */
	char sheet[2048];
	snprintf(sheet, sizeof sheet,
		 "<?xml version=\"1.0\" encoding=\"UTF-8\"?><worksheet xmlns=\"http://schemas.openxmlformats.org/spreadsheetml/2006/main\">"
		 "<sheetData><row r=\"1\"><c r=\"A1\" t=\"s\"><v>0</v></c><c r=\"B1\" t=\"s\"><v>1</v></c><c r=\"C1\" t=\"s\"><v>2</v></c></row>"
		 "<row r=\"2\"><c r=\"A2\" t=\"inlineStr\"><is><t>%s</t></is></c><c r=\"B2\" t=\"s\"><v>3</v></c><c r=\"C2\"><v>88</v></c></row>"
		 "<row r=\"4\"><c r=\"A4\" t=\"inlineStr\"><is><t>%s</t></is></c><c r=\"B4\" t=\"s\"><v>3</v></c><c r=\"C4\"><v>101</v></c></row>"
		 "</sheetData></worksheet>", num0, num1);
	const char *strings = "<?xml version=\"1.0\" encoding=\"UTF-8\"?><sst xmlns=\"http://schemas.openxmlformats.org/spreadsheetml/2006/main\">"
			      "<si><t>身份证号</t></si><si><t>出勤</t></si><si><r><t>成</t></r><r><t>绩</t></r></si><si><t>是</t></si></sst>";
	struct strbuf b64;
	strbuf_init(&b64, 1 << 20);
	workbook(strings, sheet, &b64);
	struct strbuf big;
	strbuf_init(&big, 1 << 21);
	strbuf_addf(&big, "{\"xlsx\":\"%s\"}", b64.buf);
	r = h_api(&H, "POST", path, trainer, big.buf);
	assert_int_equal(r->status, 422);
	/* line 4 of the sheet is its row 4 */
	assert_int_equal(json_integer_value(json_object_get(error_at(r, 0), "line")), 4);
	assert_string_equal(json_string_value(json_object_get(error_at(r, 0), "field")), "score");
	resp_free(r);
	assert_int_equal(recorded(sid), 0);
	/* fixed, it saves both rows and completes the session */
	strbuf_reset(&b64);
	strbuf_reset(&big);
	char *p = strstr(sheet, "<v>101</v>");
	memcpy(p, "<v>59 </v>", 10);
	workbook(strings, sheet, &b64);
	strbuf_addf(&big, "{\"xlsx\":\"%s\"}", b64.buf);
	r = h_api(&H, "POST", path, trainer, big.buf);
	if (r->status != 200)
		fail_msg("xlsx: %d %s", r->status, r->body);
	assert_int_equal(resp_int(r, "saved"), 2);
	assert_string_equal(resp_str(r, "session.status"), "completed");
	resp_free(r);
	assert_int_equal(recorded(sid), 2);
	h_expect(h_api(&H, "POST", path, trainer, "{\"xlsx\":\"bm90IGEgemlw\"}"), 422, "xlsx_unreadable");
	strbuf_free(&b64);
	strbuf_free(&big);
}

static void test_search_and_enrol(void **state)
{
	(void)state;
	const char *n = idno(1975, 301);
	char num[19], part[12], path[160], body[128];
	str_copy(num, sizeof num, n);
	int64_t w = worker("褚秀梅", num);
	int64_t course = created(h_api(&H, "POST", "/api/courses", admin,
				       "{\"code\":\"ETH-R\",\"title\":\"职业道德\",\"kind\":\"ethics\",\"credits\":1,\"pass_mark\":60}"),
				 "course");
	int64_t sid = session_with(course, NULL, 0);
	/* by id, before any look-up: nobody */
	snprintf(path, sizeof path, "/api/training-sessions/%lld/enrolments", (long long)sid);
	snprintf(body, sizeof body, "{\"worker_id\":%lld}", (long long)w);
	h_expect(h_api(&H, "POST", path, trainer, body), 404, "not_found");
	/* part of a number matches nothing: refused */
	memcpy(part, num, 10);
	part[10] = '\0';
	snprintf(path, sizeof path, "/api/training/worker-search?q=%s", part);
	h_expect(h_api(&H, "GET", path, trainer, NULL), 400, "invalid_id_number");
	/* the whole number: the person, masked */
	int64_t looked = COUNT("SELECT count(*) FROM access_log WHERE via = 'enrol_search'");
	snprintf(path, sizeof path, "/api/training/worker-search?q=%s&session_id=%lld", num, (long long)sid);
	struct resp *r = h_api(&H, "GET", path, trainer, NULL);
	assert_int_equal(r->status, 200);
	assert_int_equal(resp_int(r, "items.0.id"), w);
	assert_null(strstr(r->body, num));
	assert_int_equal(strlen(resp_str(r, "items.0.id_number_masked")), 18);
	assert_memory_equal(resp_str(r, "items.0.id_number_masked") + 3, "**************", 14);
	resp_free(r);
	assert_int_equal(COUNT("SELECT count(*) FROM access_log WHERE via = 'enrol_search'"), looked + 1);
	/* the whole name (part of one finds nobody) */
	r = h_api(&H, "GET", "/api/training/worker-search?q=%E8%A4%9A%E7%A7%80", trainer, NULL); /* 褚秀 */
	assert_int_equal(json_array_size(json_object_get(r->json, "items")), 0);
	resp_free(r);
	r = h_api(&H, "GET", "/api/training/worker-search?q=%E8%A4%9A%E7%A7%80%E6%A2%85", trainer, NULL); /* 褚秀梅 */
	assert_int_equal(json_array_size(json_object_get(r->json, "items")), 1);
	resp_free(r);
	/* found, so enrolled by id */
	snprintf(path, sizeof path, "/api/training-sessions/%lld/enrolments", (long long)sid);
	r = h_api(&H, "POST", path, trainer, body);
	assert_int_equal(r->status, 201);
	assert_int_equal(strlen(resp_str(r, "worker.id_number_masked")), 18);
	assert_null(json_object_get(r->json, "company"));
	resp_free(r);
	/* a company searches nothing here */
	h_expect(h_api(&H, "GET", "/api/training/worker-search?q=abc", co1, NULL), 403, "forbidden");
	/* the allowance of the hour holds for searches too */
	struct stmt *lookups = store_sql(H.store, "SELECT count(*) FROM access_log WHERE what = 'id_lookup'"
						 " AND actor_org_id = (SELECT org_id FROM users WHERE login = 'trainer1')"
						 " AND at > $1 - 3600");
	stmt_bind_int(lookups, 1, (int64_t)time(NULL));
	int64_t used = -1;
	assert_int_equal(stmt_one_int(lookups, &used), 0);
	char limit[64];
	snprintf(limit, sizeof limit, "{\"registry_lookups_per_hour\":%lld}", (long long)used);
	h_expect(h_api(&H, "PATCH", "/api/standards", admin, limit), 200, NULL);
	r = h_api(&H, "GET", "/api/training/worker-search?q=%E8%A4%9A%E7%A7%80%E6%A2%85", trainer, NULL);
	assert_int_equal(r->status, 429);
	assert_string_equal(resp_code(r), "too_many_lookups");
	resp_free(r);
	h_expect(h_api(&H, "PATCH", "/api/standards", admin, "{\"registry_lookups_per_hour\":1000}"), 200, NULL);
}

static void test_refresher_due(void **state)
{
	(void)state;
	/* the fixture's workers are not certified: none owes a refresher yet */
	struct resp *r = h_api(&H, "GET", "/api/training/refresher-due", trainer, NULL);
	assert_int_equal(r->status, 200);
	assert_int_equal(resp_int(r, "total"), 0);
	resp_free(r);
	h_expect(h_api(&H, "GET", "/api/training/refresher-due", co1, NULL), 403, "forbidden");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_results_in_one_save), cmocka_unit_test(test_score_sheet),
		cmocka_unit_test(test_search_and_enrol), cmocka_unit_test(test_refresher_due),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
