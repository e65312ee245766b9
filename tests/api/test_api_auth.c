/* Signing in, sessions and their limits, CSRF and origin rules, capabilities, passwords. */
#include "harness.h"

#include <sodium.h>

#include "auth/throttle.h"
#include "util/clock.h"
#include "util/digest.h"

static struct harness H;
static const int64_t T0 = 1800000000;

static int setup(void **state)
{
	(void)state;
	h_open(&H);
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	h_close(&H);
	return 0;
}

static struct resp *login_as(const char *login, const char *password)
{
	char body[512];
	snprintf(body, sizeof body, "{\"login\":\"%s\",\"password\":\"%s\"}", login, password);
	return h_api(&H, "POST", "/api/auth/login", NULL, body);
}

static void test_login(void **state)
{
	(void)state;
	int64_t before = h_writes(&H);
	struct resp *r = login_as("Company1", H_PASSWORD); /* logins are not case-sensitive */
	assert_int_equal(r->status, 200);
	assert_int_equal(strlen(resp_str(r, "token")), 43);
	assert_int_equal(strlen(resp_str(r, "csrf_token")), 43);
	assert_int_equal(resp_int(r, "user.id"), H.co1_admin_id);
	assert_string_equal(resp_str(r, "user.login"), "company1");
	assert_string_equal(resp_str(r, "user.role"), "company_admin");
	assert_int_equal(resp_int(r, "user.org_id"), H.co1_id);
	const char *cookie = resp_header(r, "Set-Cookie");
	assert_non_null(cookie);
	assert_true(strncmp(cookie, "anjia_session=", 14) == 0);
	assert_non_null(strstr(cookie, resp_str(r, "token")));
	assert_non_null(strstr(cookie, "HttpOnly"));
	assert_non_null(strstr(cookie, "SameSite=Strict"));
	assert_non_null(strstr(cookie, "Path=/"));
	assert_null(strstr(cookie, "Secure")); /* plain http: a Secure cookie would never come back */
	/* the token is stored only as its hash */
	char hash[SHA256_HEX_LEN];
	sha256_hex(resp_str(r, "token"), 43, hash);
	struct stmt *st = store_sql(H.store, "SELECT count(*) FROM sessions WHERE token_hash = $1");
	stmt_bind_text(st, 1, hash);
	int64_t n = 0;
	assert_int_equal(stmt_one_int(st, &n), 0);
	assert_int_equal(n, 1);
	resp_free(r);
	assert_true(h_writes(&H) > before);

	/* over https the cookie is __Host- and Secure */
	H.secure = 1;
	r = login_as("company1", H_PASSWORD);
	cookie = resp_header(r, "Set-Cookie");
	assert_true(strncmp(cookie, "__Host-anjia_session=", 21) == 0);
	assert_non_null(strstr(cookie, "Secure"));
	resp_free(r);
	H.secure = 0;
}

/* The audit chain's length. */
static int64_t audit_head(void)
{
	int64_t head = 0;
	assert_int_equal(stmt_one_int(store_sql(H.store, "SELECT last_id FROM audit_head"), &head), 0);
	return head;
}

static void test_bad_credentials(void **state)
{
	(void)state;
	int64_t before = audit_head();
	H.peer = "10.1.1.1";
	struct resp *a = login_as("company2", "wrong password here");
	struct resp *b = login_as("nobody-at-all", "wrong password here");
	assert_int_equal(a->status, 401);
	assert_int_equal(b->status, 401);
	assert_string_equal(resp_code(a), "invalid_credentials");
	assert_string_equal(a->body, b->body); /* the same answer whether the login exists or not */
	assert_null(resp_header(a, "Set-Cookie"));
	resp_free(a);
	resp_free(b);
	h_expect(login_as("company2", ""), 401, "invalid_credentials");
	/* only the failure counters changed: no session, no audit record */
	assert_int_equal(audit_head(), before);
	H.peer = NULL;
}

static void test_throttle(void **state)
{
	(void)state;
	clock_set(T0);
	/* someone at another address guesses wrong, again and again */
	H.peer = "10.2.2.2";
	for (int i = 0; i < 5; i++)
		h_expect(login_as("staff1", "not the password"), 401, "invalid_credentials");
	/* that address is refused that login before any password is checked, even the right one */
	struct resp *r = login_as("staff1", H_PASSWORD);
	assert_int_equal(r->status, 429);
	assert_string_equal(resp_code(r), "too_many_attempts");
	assert_string_equal(resp_header(r, "Retry-After"), "900");
	resp_free(r);
	h_expect(login_as("staff1", "not the password"), 429, "too_many_attempts");
	/* other logins from that address are not */
	h_expect(login_as("cs1", H_PASSWORD), 200, NULL);
	/* and the owner, from their own address, signs in */
	H.peer = "10.3.3.3";
	h_expect(login_as("staff1", H_PASSWORD), 200, NULL);
	/* which does not clear the other address's count */
	H.peer = "10.2.2.2";
	h_expect(login_as("staff1", H_PASSWORD), 429, "too_many_attempts");
	/* after the window */
	clock_set(T0 + 15 * 60);
	h_expect(login_as("staff1", H_PASSWORD), 200, NULL);
	/* many accounts from one address */
	H.peer = "10.4.4.4";
	for (int i = 0; i < 30; i++) {
		char login[32];
		snprintf(login, sizeof login, "ghost%d", i);
		h_expect(login_as(login, "not the password"), 401, "invalid_credentials");
	}
	h_expect(login_as("company2", H_PASSWORD), 429, "too_many_attempts");
	H.peer = NULL;
	clock_set(0);
}

/* Signs in carrying cookie ("name=value", or NULL). */
static struct resp *login_with(const char *login, const char *password, const char *cookie)
{
	char body[512], header[256];
	const char *headers[3] = {"Content-Type: application/json", NULL, NULL};
	snprintf(body, sizeof body, "{\"login\":\"%s\",\"password\":\"%s\"}", login, password);
	if (cookie) {
		snprintf(header, sizeof header, "Cookie: theme=dark; %s", cookie);
		headers[1] = header;
	}
	return h_req(&H, "POST", "/api/auth/login", body, headers);
}

/* The device cookie a response sets, as "name=value" in out ("" when none); its attributes in attrs. */
static void device_cookie(const struct resp *r, char out[128], char attrs[512])
{
	out[0] = attrs[0] = '\0';
	for (int i = 0; i < r->nh; i++) {
		const char *v = r->hvalue[i];
		if (strcasecmp(r->hname[i], "Set-Cookie") != 0 || !strstr(v, "anjia_device="))
			continue;
		size_t n = strcspn(v, ";");
		assert_true(n < 128);
		memcpy(out, v, n);
		out[n] = '\0';
		snprintf(attrs, 512, "%s", v + n);
	}
}

/* A signs in as login from the current address and keeps the device cookie in out. */
static void sign_in_device(const char *login, const char *cookie, char out[128])
{
	char attrs[512];
	struct resp *r = login_with(login, H_PASSWORD, cookie);
	assert_int_equal(r->status, 200);
	device_cookie(r, out, attrs);
	assert_true(out[0] != '\0');
	resp_free(r);
}

/* Fails login from enough addresses to reach the login-wide limit. */
static void flood(const char *login)
{
	for (int i = 0; i < THROTTLE_PER_LOGIN; i++) {
		char addr[32];
		snprintf(addr, sizeof addr, "10.66.%d.1", i / (THROTTLE_PER_LOGIN_ADDR - 1));
		H.peer = addr;
		h_expect(login_as(login, "guess after guess"), 401, "invalid_credentials");
	}
}

static void test_device_cookie(void **state)
{
	(void)state;
	clock_set(T0 + 3600);
	H.peer = "10.5.5.1";
	/* a sign-in gives the browser a device cookie: a random token, only its hash stored, bound to
	 * the user, HttpOnly and SameSite=Strict, long-lived */
	char dev_a[128], dev_b[128], attrs[512], other[128];
	struct resp *r = login_as("company2", H_PASSWORD);
	assert_int_equal(r->status, 200);
	assert_true(strncmp(resp_header(r, "Set-Cookie"), "anjia_session=", 14) == 0);
	device_cookie(r, dev_a, attrs);
	resp_free(r);
	assert_true(strncmp(dev_a, "anjia_device=", 13) == 0);
	assert_int_equal(strlen(dev_a + 13), 43);
	assert_non_null(strstr(attrs, "HttpOnly"));
	assert_non_null(strstr(attrs, "SameSite=Strict"));
	assert_non_null(strstr(attrs, "Path=/"));
	assert_non_null(strstr(attrs, "Max-Age=15552000"));
	assert_null(strstr(attrs, "Secure"));
	char hash[SHA256_HEX_LEN];
	sha256_hex(dev_a + 13, 43, hash);
	struct stmt *st = store_sql(H.store, "SELECT user_id FROM login_devices WHERE token_hash = $1");
	stmt_bind_text(st, 1, hash);
	int64_t owner = 0;
	assert_int_equal(stmt_one_int(st, &owner), 0);
	assert_int_equal(owner, H.co2_admin_id);
	/* the owner's second device; and cs1's, which is no use for company2 */
	H.peer = "10.5.5.2";
	sign_in_device("company2", NULL, dev_b);
	sign_in_device("cs1", NULL, other);

	/* a flood from everywhere: the login is refused to every browser without its device cookie,
	 * the owner's own address included */
	flood("company2");
	H.peer = "10.5.5.1";
	h_expect(login_as("company2", H_PASSWORD), 429, "too_many_attempts");
	H.peer = "10.99.0.1";
	h_expect(login_as("company2", H_PASSWORD), 429, "too_many_attempts");
	/* an invalid or another user's device cookie gives no advantage */
	h_expect(login_with("company2", H_PASSWORD, "anjia_device=AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA"),
		 429, "too_many_attempts");
	h_expect(login_with("company2", H_PASSWORD, "anjia_device=x"), 429, "too_many_attempts");
	h_expect(login_with("company2", H_PASSWORD, other), 429, "too_many_attempts");
	/* a device cookie is read only under its own name */
	char renamed[160];
	snprintf(renamed, sizeof renamed, "anjia_devicex=%s", dev_a + 13);
	h_expect(login_with("company2", H_PASSWORD, renamed), 429, "too_many_attempts");

	/* the owner's device signs in, from anywhere; its cookie is replaced by a new one */
	H.peer = "10.5.5.1";
	char dev_a2[128];
	sign_in_device("company2", dev_a, dev_a2);
	assert_string_not_equal(dev_a2, dev_a);
	h_expect(login_with("company2", H_PASSWORD, dev_a), 429, "too_many_attempts");

	/* a device that fails too often is locked itself, and only itself */
	H.peer = "10.5.5.2";
	for (int i = 0; i < THROTTLE_PER_DEVICE; i++)
		h_expect(login_with("company2", "not the password", dev_b), 401, "invalid_credentials");
	r = login_with("company2", H_PASSWORD, dev_b);
	assert_int_equal(r->status, 429);
	assert_string_equal(resp_code(r), "too_many_attempts");
	assert_string_equal(resp_header(r, "Retry-After"), "900");
	resp_free(r);
	char dev_a3[128];
	sign_in_device("company2", dev_a2, dev_a3);

	/* over https the cookie is __Host- and Secure, and only that name is read */
	H.secure = 1;
	clock_set(T0 + 7200);
	H.peer = "10.5.5.3";
	r = login_as("company1", H_PASSWORD);
	device_cookie(r, dev_a, attrs);
	resp_free(r);
	assert_true(strncmp(dev_a, "__Host-anjia_device=", 20) == 0);
	assert_non_null(strstr(attrs, "; Secure"));
	flood("company1");
	H.peer = "10.5.5.3";
	snprintf(renamed, sizeof renamed, "anjia_device=%s", dev_a + 20);
	h_expect(login_with("company1", H_PASSWORD, renamed), 429, "too_many_attempts");
	h_expect(login_with("company1", H_PASSWORD, dev_a), 200, NULL);
	H.secure = 0;
	H.peer = NULL;
	clock_set(0);
	/* the later tests sign in as these logins at today's time, which is before T0 */
	assert_int_equal(stmt_exec(store_sql(H.store, "DELETE FROM login_failures")), 0);
}

static void test_me_and_sessions(void **state)
{
	(void)state;
	char t1[TOKEN_LEN], t2[TOKEN_LEN], csrf[TOKEN_LEN], other[TOKEN_LEN];
	h_login(&H, "company1", t1, csrf);
	h_login(&H, "company1", t2, NULL);
	struct resp *r = h_api(&H, "GET", "/api/me", t1, NULL);
	assert_int_equal(r->status, 200);
	assert_string_equal(resp_str(r, "user.role"), "company_admin");
	assert_string_equal(resp_str(r, "org.name"), "第一家政有限公司");
	assert_string_equal(resp_str(r, "org.kind"), "company");
	assert_string_equal(resp_str(r, "csrf_token"), csrf);
	json_t *caps = json_object_get(r->json, "caps");
	assert_true(json_is_array(caps));
	int has_user_manage = 0, has_org_manage = 0;
	for (size_t i = 0; i < json_array_size(caps); i++) {
		has_user_manage |= strcmp(json_string_value(json_array_get(caps, i)), "user.manage") == 0;
		has_org_manage |= strcmp(json_string_value(json_array_get(caps, i)), "org.manage") == 0;
	}
	assert_true(has_user_manage);
	assert_false(has_org_manage);
	int64_t sid1 = resp_int(r, "session.id");
	resp_free(r);

	r = h_api(&H, "GET", "/api/sessions", t2, NULL);
	assert_int_equal(r->status, 200);
	json_t *items = json_object_get(r->json, "items");
	int seen1 = 0, current = 0;
	for (size_t i = 0; i < json_array_size(items); i++) {
		json_t *it = json_array_get(items, i);
		if (json_integer_value(json_object_get(it, "id")) == sid1)
			seen1 = !json_is_true(json_object_get(it, "current"));
		current += json_is_true(json_object_get(it, "current"));
	}
	assert_true(seen1);
	assert_int_equal(current, 1);
	resp_free(r);

	/* another user's session is not found, not forbidden */
	h_login(&H, "company2", other, NULL);
	char path[64];
	snprintf(path, sizeof path, "/api/sessions/%lld", (long long)sid1);
	int64_t before = h_writes(&H);
	h_expect(h_api(&H, "DELETE", path, other, NULL), 404, "not_found");
	assert_int_equal(h_writes(&H), before);
	/* ending it from the second session */
	h_expect(h_api(&H, "DELETE", path, t2, NULL), 200, NULL);
	h_expect(h_api(&H, "GET", "/api/me", t1, NULL), 401, "unauthenticated");
	h_expect(h_api(&H, "DELETE", path, t2, NULL), 404, "not_found");
	/* logout */
	h_expect(h_api(&H, "POST", "/api/auth/logout", t2, NULL), 200, NULL);
	h_expect(h_api(&H, "GET", "/api/me", t2, NULL), 401, "unauthenticated");
	/* tokens of the wrong form */
	h_expect(h_api(&H, "GET", "/api/me", "short", NULL), 401, "unauthenticated");
	const char *basic[] = {"Authorization: Basic YWRtaW46eA==", NULL};
	h_expect(h_req(&H, "GET", "/api/me", NULL, basic), 401, "unauthenticated");
}

static void test_session_limits(void **state)
{
	(void)state;
	char t[TOKEN_LEN];
	clock_set(T0);
	h_login(&H, "cs1", t, NULL);
	/* idle for 29 minutes, then active: still signed in */
	clock_set(T0 + 29 * 60);
	h_expect(h_api(&H, "GET", "/api/me", t, NULL), 200, NULL);
	/* idle for 30 minutes: over */
	clock_set(T0 + 59 * 60);
	h_expect(h_api(&H, "GET", "/api/me", t, NULL), 401, "unauthenticated");

	/* busy all day, it still ends 12 hours after sign-in */
	clock_set(T0);
	h_login(&H, "cs1", t, NULL);
	for (int64_t dt = 20 * 60; dt < 12 * 3600; dt += 20 * 60) {
		clock_set(T0 + dt);
		h_expect(h_api(&H, "GET", "/api/me", t, NULL), 200, NULL);
	}
	clock_set(T0 + 12 * 3600);
	h_expect(h_api(&H, "GET", "/api/me", t, NULL), 401, "unauthenticated");
	clock_set(0);
}

/* A request carrying the session cookie instead of a bearer token. */
static struct resp *with_cookie(const char *method, const char *path, const char *token,
				const char *csrf, const char *extra1, const char *extra2)
{
	char cookie[128], tok[128];
	const char *headers[8];
	int n = 0;
	snprintf(cookie, sizeof cookie, "Cookie: theme=dark; anjia_session=%s; other=1", token);
	headers[n++] = cookie;
	headers[n++] = "Host: anjia.example:8080";
	if (csrf) {
		snprintf(tok, sizeof tok, "X-CSRF-Token: %s", csrf);
		headers[n++] = tok;
	}
	if (extra1)
		headers[n++] = extra1;
	if (extra2)
		headers[n++] = extra2;
	headers[n] = NULL;
	return h_req(&H, method, path, NULL, headers);
}

static void test_cookie_and_csrf(void **state)
{
	(void)state;
	char t[TOKEN_LEN], csrf[TOKEN_LEN];
	h_login(&H, "staff1", t, csrf);
	/* reads need no token */
	h_expect(with_cookie("GET", "/api/me", t, NULL, NULL, NULL), 200, NULL);
	int64_t before = h_writes(&H);
	/* writes need the token and a same-origin request */
	h_expect(with_cookie("POST", "/api/auth/logout", t, NULL, "Sec-Fetch-Site: same-origin", NULL), 403,
		 "csrf_failed");
	h_expect(with_cookie("POST", "/api/auth/logout", t, "wrong-token", "Sec-Fetch-Site: same-origin", NULL),
		 403, "csrf_failed");
	h_expect(with_cookie("POST", "/api/auth/logout", t, csrf, NULL, NULL), 403, "cross_origin");
	h_expect(with_cookie("POST", "/api/auth/logout", t, csrf, "Sec-Fetch-Site: cross-site", NULL), 403,
		 "cross_origin");
	h_expect(with_cookie("POST", "/api/auth/logout", t, csrf, "Origin: http://evil.example", NULL), 403,
		 "cross_origin");
	h_expect(with_cookie("POST", "/api/auth/logout", t, csrf, "Origin: https://anjia.example:8080", NULL),
		 403, "cross_origin");
	h_expect(with_cookie("POST", "/api/auth/logout", t, csrf, "Origin: null", NULL), 403, "cross_origin");
	assert_int_equal(h_writes(&H), before);
	/* same origin by Origin, or by Sec-Fetch-Site */
	h_expect(with_cookie("DELETE", "/api/sessions/999999", t, csrf, "Origin: http://anjia.example:8080", NULL),
		 404, "not_found");
	h_expect(with_cookie("POST", "/api/auth/logout", t, csrf, "Sec-Fetch-Site: same-origin", NULL), 200, NULL);
	h_expect(with_cookie("GET", "/api/me", t, NULL, NULL, NULL), 401, "unauthenticated");

	/* a sign-in posted from another site is refused before anything is checked */
	const char *cross[] = {"Content-Type: application/json", "Sec-Fetch-Site: cross-site", NULL};
	char body[128];
	snprintf(body, sizeof body, "{\"login\":\"staff1\",\"password\":\"%s\"}", H_PASSWORD);
	h_expect(h_req(&H, "POST", "/api/auth/login", body, cross), 403, "cross_origin");
	const char *same[] = {"Content-Type: application/json", "Sec-Fetch-Site: same-origin", NULL};
	h_expect(h_req(&H, "POST", "/api/auth/login", body, same), 200, NULL);
	/* a form post cannot be JSON */
	const char *form[] = {"Content-Type: application/x-www-form-urlencoded", NULL};
	h_expect(h_req(&H, "POST", "/api/auth/login", "login=staff1&password=x", form), 415,
		 "unsupported_media_type");
}

/* Over https only the __Host- cookie opens a session: one without the prefix can be planted by a
 * sibling subdomain or over plain http. */
static void test_https_takes_host_cookie_only(void **state)
{
	(void)state;
	char t[TOKEN_LEN], csrf[TOKEN_LEN], plain[128], host[128];
	h_login(&H, "staff1", t, csrf);
	snprintf(plain, sizeof plain, "Cookie: anjia_session=%s", t);
	snprintf(host, sizeof host, "Cookie: __Host-anjia_session=%s", t);
	const char *with_plain[] = {plain, NULL}, *with_host[] = {host, NULL};
	H.secure = 1;
	h_expect(h_req(&H, "GET", "/api/me", NULL, with_plain), 401, "unauthenticated");
	h_expect(h_req(&H, "GET", "/api/me", NULL, with_host), 200, NULL);
	H.secure = 0;
	/* on plain http the unprefixed cookie is the one the server sets */
	h_expect(h_req(&H, "GET", "/api/me", NULL, with_plain), 200, NULL);
	h_expect(h_req(&H, "GET", "/api/me", NULL, with_host), 200, NULL);
}

static void test_capabilities(void **state)
{
	(void)state;
	char cust[TOKEN_LEN], cs[TOKEN_LEN];
	h_login(&H, "customer1", cust, NULL);
	h_login(&H, "cs1", cs, NULL);
	static const char *const admin_only[] = {"/api/orgs", "/api/users", "/api/audit", "/api/audit/verify"};
	for (size_t i = 0; i < sizeof admin_only / sizeof admin_only[0]; i++) {
		h_expect(h_api(&H, "GET", admin_only[i], NULL, NULL), 401, "unauthenticated");
		h_expect(h_api(&H, "GET", admin_only[i], cust, NULL), 403, "forbidden");
	}
	/* the 24-hour team reads organisations but does not change them or see users */
	h_expect(h_api(&H, "GET", "/api/orgs", cs, NULL), 200, NULL);
	h_expect(h_api(&H, "POST", "/api/orgs", cs, "{\"kind\":\"training\",\"name\":\"x school\"}"), 403,
		 "forbidden");
	h_expect(h_api(&H, "GET", "/api/users", cs, NULL), 403, "forbidden");
	h_expect(h_api(&H, "GET", "/api/audit", cs, NULL), 403, "forbidden");
}

static void test_password_change(void **state)
{
	(void)state;
	char t1[TOKEN_LEN], t2[TOKEN_LEN];
	h_login(&H, "company2", t1, NULL);
	h_login(&H, "company2", t2, NULL);
	int64_t before = h_writes(&H);
	struct resp *r = h_api(&H, "POST", "/api/me/password", t1,
			       "{\"current_password\":\"not it\",\"new_password\":\"a brand new passphrase\"}");
	assert_int_equal(r->status, 400);
	assert_string_equal(resp_code(r), "wrong_password");
	assert_string_equal(resp_field(r), "current_password");
	resp_free(r);
	r = h_api(&H, "POST", "/api/me/password", t1,
		  "{\"current_password\":\"" H_PASSWORD "\",\"new_password\":\"short\"}");
	assert_string_equal(resp_code(r), "password_too_short");
	assert_string_equal(resp_field(r), "new_password");
	resp_free(r);
	r = h_api(&H, "POST", "/api/me/password", t1,
		  "{\"current_password\":\"" H_PASSWORD "\",\"new_password\":\"iloveyou1234\"}");
	assert_string_equal(resp_code(r), "password_common");
	resp_free(r);
	r = h_api(&H, "POST", "/api/me/password", t1,
		  "{\"current_password\":\"" H_PASSWORD "\",\"new_password\":\"my Company2 password\"}");
	assert_int_equal(r->status, 400);
	assert_string_equal(resp_code(r), "password_contains_login");
	assert_string_equal(resp_field(r), "new_password");
	resp_free(r);
	h_expect(h_api(&H, "POST", "/api/me/password", t1, "{\"new_password\":\"a brand new passphrase\"}"), 400,
		 "missing_field");
	assert_int_equal(h_writes(&H), before);

	r = h_api(&H, "POST", "/api/me/password", t1,
		  "{\"current_password\":\"" H_PASSWORD "\",\"new_password\":\"a brand new passphrase\"}");
	assert_int_equal(r->status, 200);
	assert_true(resp_int(r, "sessions_ended") >= 1); /* t2, and any left from earlier tests */
	resp_free(r);
	h_expect(h_api(&H, "GET", "/api/me", t1, NULL), 200, NULL);
	h_expect(h_api(&H, "GET", "/api/me", t2, NULL), 401, "unauthenticated");
	h_expect(login_as("company2", H_PASSWORD), 401, "invalid_credentials");
	h_expect(login_as("company2", "a brand new passphrase"), 200, NULL);
	/* the change is in the audit chain */
	char admin[TOKEN_LEN];
	h_login(&H, "admin", admin, NULL);
	char path[128];
	snprintf(path, sizeof path, "/api/audit?entity=user&entity_id=%lld&action=user.password",
		 (long long)H.co2_admin_id);
	r = h_api(&H, "GET", path, admin, NULL);
	assert_int_equal(resp_int(r, "total"), 1);
	resp_free(r);
}

static void test_disabled_user(void **state)
{
	(void)state;
	char admin[TOKEN_LEN], victim[TOKEN_LEN];
	h_login(&H, "admin", admin, NULL);
	h_login(&H, "staff1", victim, NULL);
	char path[64];
	snprintf(path, sizeof path, "/api/users/%lld", (long long)H.co1_staff_id);
	h_expect(h_api(&H, "PATCH", path, admin, "{\"status\":\"disabled\"}"), 200, NULL);
	h_expect(h_api(&H, "GET", "/api/me", victim, NULL), 401, "unauthenticated");
	/* a disabled account signs in no better than a wrong password */
	struct resp *a = login_as("staff1", H_PASSWORD);
	struct resp *b = login_as("staff1", "wrong password!!");
	assert_int_equal(a->status, 401);
	assert_string_equal(a->body, b->body);
	resp_free(a);
	resp_free(b);
	h_expect(h_api(&H, "PATCH", path, admin, "{\"status\":\"active\"}"), 200, NULL);
	h_expect(login_as("staff1", H_PASSWORD), 200, NULL);
}

static void test_rehash_on_sign_in(void **state)
{
	(void)state;
	/* a hash made with weaker parameters than today's (one pass, 8 MiB) */
	char weak[crypto_pwhash_STRBYTES];
	assert_int_equal(crypto_pwhash_str_alg(weak, H_PASSWORD, strlen(H_PASSWORD), 1, 8u << 20,
					       crypto_pwhash_ALG_ARGON2ID13), 0);
	struct stmt *st = store_sql(H.store, "UPDATE users SET pw_hash = $1 WHERE id = $2");
	stmt_bind_text(st, 1, weak);
	stmt_bind_int(st, 2, H.cs_id);
	assert_int_equal(stmt_exec(st), 0);
	h_expect(login_as("cs1", H_PASSWORD), 200, NULL);
	st = store_sql(H.store, "SELECT pw_hash FROM users WHERE id = $1");
	stmt_bind_int(st, 1, H.cs_id);
	assert_int_equal(stmt_step(st), STORE_ROW);
	assert_non_null(strstr(stmt_text(st, 0), "m=19456,t=2"));
	stmt_done(st);
	/* audited like every write, and the password still works */
	st = store_sql(H.store, "SELECT count(*) FROM audit_log WHERE action = 'user.rehash' AND entity_id = $1");
	stmt_bind_int(st, 1, H.cs_id);
	int64_t n = 0;
	assert_int_equal(stmt_one_int(st, &n), 0);
	assert_int_equal(n, 1);
	h_expect(login_as("cs1", H_PASSWORD), 200, NULL);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_login),         cmocka_unit_test(test_bad_credentials),
		cmocka_unit_test(test_throttle),      cmocka_unit_test(test_device_cookie),
		cmocka_unit_test(test_me_and_sessions),
		cmocka_unit_test(test_session_limits), cmocka_unit_test(test_cookie_and_csrf),
		cmocka_unit_test(test_https_takes_host_cookie_only),
		cmocka_unit_test(test_capabilities),  cmocka_unit_test(test_password_change),
		cmocka_unit_test(test_disabled_user), cmocka_unit_test(test_rehash_on_sign_in),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
