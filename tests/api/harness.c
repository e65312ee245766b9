/* harness.c — the in-process transport for API tests. */
#include "harness.h"

#include <fcntl.h>
#include <strings.h>
#include <unistd.h>

#include "auth/keys.h"
#include "auth/password.h"
#include "demo.h"
#include "http/pool.h"
#include "http/req.h"
#include "http/router.h"
#include "http/static.h"
#include "orgs.h"
#include "users.h"
#include "util/clock.h"
#include "util/digest.h"
#include "util/timefmt.h"

struct io {
	const char *const *headers;
	struct resp *out;
};

static const char *io_header(struct req *r, const char *name)
{
	struct io *io = r->io;
	size_t n = strlen(name);
	for (const char *const *h = io->headers; h && *h; h++) {
		if (strncasecmp(*h, name, n) == 0 && (*h)[n] == ':') {
			const char *v = *h + n + 1;
			while (*v == ' ')
				v++;
			return v;
		}
	}
	return NULL;
}

static void io_finish(struct req *r)
{
	struct io *io = r->io;
	struct resp *o = io->out;
	o->status = r->status;
	snprintf(o->content_type, sizeof o->content_type, "%s", r->content_type ? r->content_type : "");
	for (int i = 0; i < r->n_out && o->nh < 32; i++, o->nh++) {
		snprintf(o->hname[o->nh], sizeof o->hname[0], "%s", r->out_headers[i].name);
		snprintf(o->hvalue[o->nh], sizeof o->hvalue[0], "%s", r->out_headers[i].value);
	}
	const char *b = r->out_ref ? r->out_ref : r->out.buf;
	o->len = r->out_ref ? r->out_ref_len : r->out.len;
	o->body = malloc(o->len + 1);
	memcpy(o->body, b ? b : "", o->len);
	o->body[o->len] = '\0';
	if (strncmp(o->content_type, "application/json", 16) == 0)
		o->json = json_loadb(o->body, o->len, 0, NULL);
	req_free(r);
}

/* As on an event loop, the continuation after pool work runs once the dispatch has returned. */
static struct req *pending_r;
static void (*pending_fn)(struct req *r);

static void io_resume(struct req *r, void (*fn)(struct req *r))
{
	assert_null(pending_r);
	pending_r = r;
	pending_fn = fn;
}

struct resp *h_req(struct harness *h, const char *method, const char *path, const char *body,
		   const char *const *headers)
{
	struct resp *out = calloc(1, sizeof *out);
	struct io io = {headers, out};
	struct req *r = req_new();
	static const struct {
		const char *name;
		enum http_method m;
	} methods[] = {{"GET", M_GET}, {"HEAD", M_HEAD}, {"POST", M_POST}, {"PATCH", M_PATCH},
		       {"DELETE", M_DELETE}, {"PUT", M_PUT}, {"OPTIONS", M_OPTIONS}};
	r->method = M_OTHER;
	r->method_name = method;
	for (size_t i = 0; i < sizeof methods / sizeof methods[0]; i++)
		if (strcmp(method, methods[i].name) == 0)
			r->method = methods[i].m;
	const char *q = strchr(path, '?');
	r->path = q ? strndup(path, (size_t)(q - path)) : strdup(path);
	r->query = q ? strdup(q + 1) : NULL;
	r->body = body;
	r->body_len = body ? strlen(body) : 0;
	snprintf(r->peer, sizeof r->peer, "%s", h->peer ? h->peer : "127.0.0.1");
	r->secure = h->secure;
	r->header = io_header;
	r->io = &io;
	r->finish = io_finish;
	r->resume = io_resume;
	r->app = &h->app;
	r->store = h->store;
	r->started_us = now_usec();
	router_dispatch(r);
	if (pending_r) {
		struct req *pr = pending_r;
		pending_r = NULL;
		pending_fn(pr);
	}
	/* every answer completes synchronously here: the pool is inline */
	assert_true(out->status >= 200);
	/* and none is ever a 500 */
	if (out->status >= 500 && out->status != 503)
		fail_msg("%s %s answered %d: %s", method, path, out->status, out->body);
	return out;
}

struct resp *h_api(struct harness *h, const char *method, const char *path, const char *token,
		   const char *body)
{
	char auth[128];
	const char *headers[4];
	int n = 0;
	if (token) {
		snprintf(auth, sizeof auth, "Authorization: Bearer %s", token);
		headers[n++] = auth;
	}
	if (body)
		headers[n++] = "Content-Type: application/json";
	headers[n] = NULL;
	return h_req(h, method, path, body, headers);
}

void resp_free(struct resp *r)
{
	if (!r)
		return;
	json_decref(r->json);
	free(r->body);
	free(r);
}

const char *resp_header(const struct resp *r, const char *name)
{
	for (int i = 0; i < r->nh; i++)
		if (strcasecmp(r->hname[i], name) == 0)
			return r->hvalue[i];
	return NULL;
}

static json_t *at_path(const struct resp *r, const char *path)
{
	char buf[128];
	json_t *j = r->json;
	snprintf(buf, sizeof buf, "%s", path);
	for (char *save = NULL, *k = strtok_r(buf, ".", &save); k && j; k = strtok_r(NULL, ".", &save)) {
		char *end;
		long idx = strtol(k, &end, 10);
		j = (*end == '\0' && json_is_array(j)) ? json_array_get(j, (size_t)idx) : json_object_get(j, k);
	}
	return j;
}

int64_t resp_int(const struct resp *r, const char *path)
{
	json_t *j = at_path(r, path);
	if (!json_is_integer(j))
		fail_msg("no integer at %s in %s", path, r->body);
	return json_integer_value(j);
}

const char *resp_str(const struct resp *r, const char *path)
{
	json_t *j = at_path(r, path);
	return json_is_string(j) ? json_string_value(j) : NULL;
}

const char *resp_code(const struct resp *r)
{
	const char *c = resp_str(r, "error.code");
	return c ? c : "";
}

const char *resp_field(const struct resp *r)
{
	const char *c = resp_str(r, "error.field");
	return c ? c : "";
}

void h_expect(struct resp *r, int status, const char *code)
{
	if (r->status != status || (code && strcmp(resp_code(r), code) != 0))
		fail_msg("expected %d %s, got %d: %s", status, code ? code : "", r->status, r->body);
	if (status >= 400) {
		/* every error is the envelope, with a message */
		if (!resp_str(r, "error.code") || !resp_str(r, "error.message"))
			fail_msg("not an error envelope: %s", r->body);
	}
	resp_free(r);
}

void h_login(struct harness *h, const char *login, char token[TOKEN_LEN], char csrf[TOKEN_LEN])
{
	char body[256];
	snprintf(body, sizeof body, "{\"login\":\"%s\",\"password\":\"%s\"}", login, H_PASSWORD);
	struct resp *r = h_api(h, "POST", "/api/auth/login", NULL, body);
	if (r->status != 200)
		fail_msg("login %s: %d %s", login, r->status, r->body);
	if (token)
		snprintf(token, TOKEN_LEN, "%s", resp_str(r, "token"));
	if (csrf)
		snprintf(csrf, TOKEN_LEN, "%s", resp_str(r, "csrf_token"));
	resp_free(r);
}

int64_t h_user_add(struct harness *h, const char *token, const char *body)
{
	struct resp *r = h_api(h, "POST", "/api/users", token, body);
	if (r->status != 201)
		fail_msg("POST /api/users %s: %d %s", body, r->status, r->body);
	int64_t id = resp_int(r, "user.id");
	char set[512];
	snprintf(set, sizeof set, "{\"login\":\"%s\",\"code\":\"%s\",\"new_password\":\"%s\"}",
		 resp_str(r, "user.login"), resp_str(r, "setup_code"), H_PASSWORD);
	resp_free(r);
	r = h_api(h, "POST", "/api/auth/password-code", NULL, set);
	if (r->status != 200)
		fail_msg("setting the password with the set-up code: %d %s", r->status, r->body);
	resp_free(r);
	return id;
}

int64_t h_writes(struct harness *h)
{
	int64_t total = 0, n;
	struct stmt *st = store_sql(h->store, "SELECT last_id FROM audit_head WHERE id = 1");
	assert_int_equal(stmt_one_int(st, &n), 0);
	total += n * 1000000;
	st = store_sql(h->store, "SELECT (SELECT count(*) FROM orgs) + (SELECT count(*) FROM users)"
				 " + (SELECT count(*) FROM sessions) + (SELECT count(*) FROM audit_log)"
				 " + (SELECT coalesce(sum(updated_at), 0) FROM users)"
				 " + (SELECT coalesce(sum(updated_at), 0) FROM orgs)"
				 " + (SELECT count(*) FROM sessions WHERE ended_at IS NOT NULL)");
	assert_int_equal(stmt_one_int(st, &n), 0);
	return total + n;
}

static int64_t fixture_org(struct harness *h, const char *kind, const char *name, const char *uscc)
{
	struct actor a = {0, 0, "test"};
	struct fault f = {0};
	struct org_in in = {kind, name, uscc, "西湖区", 0};
	int64_t id = 0;
	if (org_create(h->store, &a, &in, &id, &f) != 0)
		fail_msg("fixture org %s: %s", name, f.code ? f.code : "?");
	return id;
}

static int64_t fixture_user(struct harness *h, const char *login, const char *role, int64_t org)
{
	static char hash[PASSWORD_HASH_LEN];
	struct actor a = {0, 0, "test"};
	struct fault f = {0};
	int64_t id = 0;
	/* one hash serves every fixture user: the same password, and it keeps the tests quick */
	if (!hash[0])
		assert_int_equal(password_hash(H_PASSWORD, hash), 0);
	struct user_in in = {login, login, role_parse(role), org, hash, 0, 0};
	if (user_create(h->store, &a, &in, &id, &f) != 0)
		fail_msg("fixture user %s: %s", login, f.code ? f.code : "?");
	return id;
}

/* Copies the key file from to to, readable by its owner only. */
static void copy_keys(const char *from, const char *to)
{
	char buf[4096];
	FILE *in = fopen(from, "rb");
	int fd = open(to, O_WRONLY | O_CREAT | O_TRUNC, 0600);
	assert_non_null(in);
	assert_true(fd >= 0);
	size_t n = fread(buf, 1, sizeof buf, in);
	assert_true(n > 0 && n < sizeof buf);
	assert_int_equal(write(fd, buf, n), (ssize_t)n);
	fclose(in);
	close(fd);
}

/* The platform: a migrated database (a copy of template with its key file keys when given), its
 * key file, the pool, the web files. */
static void h_open_from(struct harness *h, const char *template, const char *keys_of_template)
{
	int applied;
	memset(h, 0, sizeof *h);
	assert_int_equal(digest_init(), 0);
	clock_set(0);
	snprintf(h->dir, sizeof h->dir, "/tmp/anjia-api-XXXXXX");
	assert_non_null(mkdtemp(h->dir));
	testdb_create(h->db, sizeof h->db, h->dir, "api.db", template);
	assert_int_equal(store_open(h->db, &h->store), 0);
	assert_int_equal(store_migrate(h->store, &applied), 0);
	char keys[160];
	snprintf(keys, sizeof keys, "%s/anjia.keys", h->dir);
	if (keys_of_template)
		copy_keys(keys_of_template, keys);
	assert_int_equal(keys_open(keys, 1, h->store), 0);
	h->app.db_path = h->db;
	h->app.pool = pool_new(0, 0, h->db);
	h->app.web = web_load("web");
	assert_non_null(h->app.web);
}

static void h_open_empty(struct harness *h)
{
	h_open_from(h, NULL, NULL);
}

/* On PostgreSQL the demo of each size is loaded once per test run (testdb_shared) and copied. */
void h_open_demo(struct harness *h, int workers)
{
	struct demo_opts o = {H_PASSWORD, 7, 1, workers, 0};
	char what[32], tpl[96], keys[512];
	int loaded = 0;
	snprintf(what, sizeof what, "demo%d", workers);
	if (testdb_shared(what, tpl, sizeof tpl, keys, sizeof keys, &loaded)) {
		if (!loaded) {
			char url[256];
			struct store *s;
			clock_set(0);
			testdb_copy(url, sizeof url, tpl, NULL);
			assert_int_equal(store_open(url, &s), 0);
			assert_int_equal(keys_open(keys, 1, s), 0);
			assert_int_equal(demo_load(s, &o), 0);
			store_close(s);
		}
		h_open_from(h, tpl, keys);
		clock_set(0);
		return;
	}
	h_open_empty(h);
	assert_int_equal(demo_load(h->store, &o), 0);
	clock_set(0);
}

void h_open(struct harness *h)
{
	h_open_empty(h);
	h->assoc_id = fixture_org(h, "association", "测试市家庭服务业协会", NULL);
	h->co1_id = fixture_org(h, "company", "第一家政有限公司", "91350100M000100Y43");
	h->co2_id = fixture_org(h, "company", "第二家政有限公司", "91330102007042692G");
	h->training_id = fixture_org(h, "training", "家政培训学校", NULL);
	h->inspection_id = fixture_org(h, "inspection", "质量评价有限公司", NULL);
	h->admin_id = fixture_user(h, "admin", "association_admin", h->assoc_id);
	h->cs_id = fixture_user(h, "cs1", "cs_agent", h->assoc_id);
	h->co1_admin_id = fixture_user(h, "company1", "company_admin", h->co1_id);
	h->co1_staff_id = fixture_user(h, "staff1", "company_staff", h->co1_id);
	h->co2_admin_id = fixture_user(h, "company2", "company_admin", h->co2_id);
	h->customer_id = fixture_user(h, "customer1", "customer", 0);
	h->trainer_id = fixture_user(h, "trainer1", "trainer", h->training_id);
}

void h_close(struct harness *h)
{
	char p[200];
	clock_set(0);
	store_close(h->store);
	pool_free(h->app.pool);
	web_free(h->app.web);
	testdb_drop(h->db);
	snprintf(p, sizeof p, "%s/anjia.keys", h->dir);
	unlink(p);
	rmdir(h->dir);
}

struct resp *h_ok(struct harness *h, const char *method, const char *path, const char *token, const char *body,
		  int status)
{
	struct resp *r = h_api(h, method, path, token, body);
	if (r->status != status)
		fail_msg("%s %s %s: expected %d, got %d %s", method, path, body ? body : "", status, r->status, r->body);
	return r;
}

void h_refused(struct harness *h, int64_t (*sum)(void), const char *method, const char *path, const char *token,
	       const char *body, int status, const char *code)
{
	int64_t before = h_writes(h), counted = sum ? sum() : 0;
	struct resp *r = h_api(h, method, path, token, body);
	if (r->status != status || strcmp(resp_code(r), code) != 0)
		fail_msg("%s %s %s: expected %d %s, got %d %s", method, path, body ? body : "", status, code, r->status,
			 r->body);
	resp_free(r);
	assert_int_equal(h_writes(h), before);
	if (sum)
		assert_int_equal(sum(), counted);
}

const char *h_iso(int64_t t)
{
	static char buf[4][TIME_ISO_LEN];
	static int k;
	char *b = buf[k++ % 4];
	time_format_iso(t, b);
	return b;
}

int64_t h_day_at(int days, int hour)
{
	return time_day_start(time_today() + days) + hour * 3600;
}

void h_hour_cast(struct harness *h, const char *worker_token, int64_t *worker, int64_t *company, int64_t *item)
{
	struct resp *r = h_ok(h, "GET", "/api/me/worker", worker_token, NULL, 200);
	*worker = resp_int(r, "id");
	*company = resp_int(r, "company.id");
	resp_free(r);
	struct stmt *st = store_sql(h->store,
		"SELECT si.id FROM service_items si JOIN categories c ON c.id = si.category_id WHERE si.unit = 'hour'"
		" AND si.active = 1 AND si.company_id = $1 AND c.trade IN (SELECT trade FROM worker_trades WHERE worker_id = $2)"
		" ORDER BY si.id LIMIT 1");
	stmt_bind_int(st, 1, *company);
	stmt_bind_int(st, 2, *worker);
	assert_int_equal(stmt_one_int(st, item), 0);
}
