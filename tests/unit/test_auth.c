/* Password rules and Argon2id, roles and capabilities, session timing rules and sessions in the
 * store, the sign-in throttle and its device cookies. */
#include "testutil.h"

#include "auth/caps.h"
#include "auth/password.h"
#include "auth/session.h"
#include "auth/throttle.h"
#include "util/clock.h"

static void test_password_rules(void **state)
{
	(void)state;
	const char *code = NULL;
	assert_int_equal(password_check("xk7#Pq2!mZ9", &code), AJ_EINVAL);
	assert_string_equal(code, "password_too_short");
	assert_int_equal(password_check("xk7#Pq2!mZ9$", &code), 0);
	/* characters, not bytes: twelve Chinese characters are enough, eleven are not */
	assert_int_equal(password_check("一二三四五六七八九十甲乙", &code), 0);
	assert_int_equal(password_check("一二三四五六七八九十甲", &code), AJ_EINVAL);
	char big[600];
	for (int i = 0; i < 128; i++)
		big[i] = (char)('a' + (i * i + 7 * i + i / 26) % 26);
	big[128] = '\0';
	assert_int_equal(password_check(big, &code), 0);
	big[128] = 'x';
	big[129] = '\0';
	assert_int_equal(password_check(big, &code), AJ_EINVAL);
	assert_string_equal(code, "password_too_long");
	assert_int_equal(password_check("twelve chars\x01ok", &code), AJ_EINVAL);
	assert_string_equal(code, "password_invalid");
	assert_int_equal(password_check(NULL, &code), AJ_EINVAL);
}

/* Guessable passwords, and one's own login or name, are refused; passphrases are not. */
static void test_password_guessable(void **state)
{
	(void)state;
	const char *code = NULL;
	/* the demo's and the tests' passwords, and long Chinese passphrases */
	static const char *const fine[] = {"anjia-demo-2026", "correct horse battery staple",
					   "我的家在杭州西湖边上很美丽", "每天早上七点去菜市场买菜", "xk7#Pq2!mZ9$",
					   "a long enough password", "Hello-World-2026!"};
	for (size_t i = 0; i < sizeof fine / sizeof *fine; i++) {
		assert_int_equal(password_check_account(fine[i], "company1", "王秀英", &code), 0);
		assert_int_equal(password_check(fine[i], &code), 0);
	}
	/* dictionary words, with the digits people add; sequences; repetitions */
	static const char *const common[] = {"password1234", "Sunshine2020!", "iloveyou1234", "qwertyuiop12",
					     "letmein12345", "P@ssw0rd2026", "123456789012", "abcdefghijkl",
					     "aaaaaaaaaaaa", "passwordpassword", "abc123abc123", "密码密码密码密码密码密码",
					     "我爱你我爱你我爱你我爱你"};
	for (size_t i = 0; i < sizeof common / sizeof *common; i++) {
		code = NULL;
		assert_int_equal(password_check(common[i], &code), AJ_EINVAL);
		assert_string_equal(code, "password_common");
	}
	/* one's own login or name, in any case and with separators */
	assert_int_equal(password_check_account("my-Company1-secret", "company1", NULL, &code), AJ_EINVAL);
	assert_string_equal(code, "password_contains_login");
	assert_int_equal(password_check("my-Company1-secret", &code), 0);
	assert_int_equal(password_check_account("王秀英的家在杭州西湖边上", "company1", "王秀英", &code), AJ_EINVAL);
	assert_string_equal(code, "password_contains_name");
	assert_int_equal(password_check_account("xiuying-likes-green-tea", NULL, "Wang Xiuying", &code), AJ_EINVAL);
	assert_string_equal(code, "password_contains_name");
	assert_int_equal(password_check_account("WangXiuying-2026", NULL, "Wang Xiuying", &code), AJ_EINVAL);
	assert_string_equal(code, "password_contains_name");
	/* a name this short would refuse too many passphrases */
	assert_int_equal(password_check_account("annual walks by the lake", NULL, "Ann", &code), 0);
	assert_int_equal(password_check_account("王秀英的家在杭州西湖边上", "company1", "李芳", &code), 0);
}

static void test_password_hash(void **state)
{
	(void)state;
	char h1[PASSWORD_HASH_LEN], h2[PASSWORD_HASH_LEN];
	assert_int_equal(password_hash("correct horse battery", h1), 0);
	assert_int_equal(password_hash("correct horse battery", h2), 0);
	/* Argon2id at OWASP's minimum or above: 19 MiB, two passes */
	assert_non_null(strstr(h1, "$argon2id$"));
	assert_non_null(strstr(h1, "m=19456,t=2"));
	assert_string_not_equal(h1, h2); /* salted */
	assert_int_equal(password_verify(h1, "correct horse battery"), 0);
	assert_int_equal(password_verify(h1, "correct horse batterY"), -1);
	assert_int_equal(password_verify("not a hash", "correct horse battery"), -1);
	assert_false(password_needs_rehash(h1));
	password_verify_dummy("anything at all");
}

static void test_caps(void **state)
{
	(void)state;
	for (int r = ROLE_NONE + 1; r < ROLE_COUNT; r++) {
		assert_int_equal(role_parse(role_name((enum role)r)), r);
		assert_true(caps_allow(role_caps((enum role)r), CAP_BIT(CAP_SIGNED_IN)));
	}
	assert_int_equal(role_parse("root"), ROLE_NONE);
	assert_int_equal(role_parse(NULL), ROLE_NONE);
	assert_int_equal(role_caps(ROLE_NONE), 0);
	assert_true(caps_allow(role_caps(ROLE_ASSOCIATION_ADMIN),
			       CAP_BIT(CAP_ORG_MANAGE) | CAP_BIT(CAP_USER_MANAGE) | CAP_BIT(CAP_AUDIT_READ)));
	assert_false(caps_allow(role_caps(ROLE_CUSTOMER), CAP_BIT(CAP_ORG_READ)));
	assert_false(caps_allow(role_caps(ROLE_COMPANY_ADMIN), CAP_BIT(CAP_ORG_MANAGE)));
	assert_true(caps_allow(role_caps(ROLE_COMPANY_ADMIN), CAP_BIT(CAP_USER_MANAGE)));
	assert_false(caps_allow(role_caps(ROLE_CS_AGENT), CAP_BIT(CAP_AUDIT_READ)));
	assert_true(caps_allow(0, CAPS_PUBLIC));
	assert_null(role_org_kind(ROLE_CUSTOMER));
	assert_string_equal(role_org_kind(ROLE_WORKER), "company");
	assert_string_equal(role_org_kind(ROLE_CS_AGENT), "association");
	assert_string_equal(role_org_kind(ROLE_INSPECTOR), "inspection");
	assert_string_equal(role_org_kind(ROLE_TRAINER), "training");
	for (int c = 0; c < CAP_COUNT; c++)
		assert_true(strlen(cap_name((enum cap)c)) > 0);
}

static void test_session_rules(void **state)
{
	(void)state;
	int64_t t0 = 1800000000;
	assert_true(session_live(t0, t0, 0, t0));
	assert_true(session_live(t0, t0, 0, t0 + SESSION_IDLE_SECS - 1));
	assert_false(session_live(t0, t0, 0, t0 + SESSION_IDLE_SECS)); /* idle 30 minutes */
	/* kept busy, it still ends 12 hours after sign-in */
	int64_t busy = t0 + SESSION_ABSOLUTE_SECS - 10;
	assert_true(session_live(t0, busy, 0, t0 + SESSION_ABSOLUTE_SECS - 1));
	assert_false(session_live(t0, busy, 0, t0 + SESSION_ABSOLUTE_SECS));
	assert_false(session_live(t0, t0, t0 + 5, t0 + 10)); /* ended */
	assert_false(session_live(t0, t0, 0, t0 - 1));      /* not yet begun: a clock moved back */
	assert_int_equal(session_expiry(t0, t0), t0 + SESSION_IDLE_SECS);
	assert_int_equal(session_expiry(t0, t0 + SESSION_ABSOLUTE_SECS), t0 + SESSION_ABSOLUTE_SECS);
}

/* A user row to hang sessions on. */
static int64_t add_user(struct store *s, const char *login)
{
	struct stmt *st = store_sql(s, "INSERT INTO users (role, login, name, pw_hash, created_at,"
				       " updated_at, pw_changed_at) VALUES ('customer', $1, 'x', 'x', 1, 1, 1)"
				       " RETURNING id");
	stmt_bind_text(st, 1, login);
	int64_t id = 0;
	assert_int_equal(stmt_one_int(st, &id), 0);
	return id;
}

static void test_sessions_in_store(void **state)
{
	(void)state;
	struct tmpdb db;
	tmpdb_open(&db);
	int64_t t0 = 1800000000;
	clock_set(t0);
	int64_t uid = add_user(db.s, "alice");
	struct actor a = {uid, 0, "alice"};
	char token[TOKEN_LEN], csrf[TOKEN_LEN];
	int64_t sid;
	assert_int_equal(session_create(db.s, &a, uid, "127.0.0.1", "test", token, csrf, &sid), 0);
	assert_int_equal(strlen(token), 43);
	/* only the hash is stored */
	struct stmt *st = store_sql(db.s, "SELECT count(*) FROM sessions WHERE token_hash = $1");
	stmt_bind_text(st, 1, token);
	assert_int_equal(test_count(st), 0);

	struct principal p;
	assert_int_equal(session_lookup(db.s, token, t0 + 10, &p), 0);
	assert_int_equal(p.user_id, uid);
	assert_int_equal(p.role, ROLE_CUSTOMER);
	assert_string_equal(p.csrf, csrf);
	/* activity within the idle limit keeps it alive past 30 minutes from sign-in */
	assert_int_equal(session_lookup(db.s, token, t0 + 1700, &p), 0);
	assert_int_equal(session_lookup(db.s, token, t0 + 3000, &p), 0);
	assert_int_equal(session_lookup(db.s, token, t0 + 3000 + SESSION_IDLE_SECS, &p), AJ_ENOTFOUND);

	char other[TOKEN_LEN] = "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA";
	assert_int_equal(session_lookup(db.s, other, t0, &p), AJ_ENOTFOUND);

	/* end: only one's own, and only once */
	int64_t sid2;
	char token2[TOKEN_LEN];
	clock_set(t0 + 4000);
	assert_int_equal(session_create(db.s, &a, uid, "127.0.0.1", "test", token2, csrf, &sid2), 0);
	assert_int_equal(session_end(db.s, &a, sid2, uid + 1), AJ_ENOTFOUND);
	assert_int_equal(session_end(db.s, &a, sid2, uid), 0);
	assert_int_equal(session_end(db.s, &a, sid2, uid), AJ_ENOTFOUND);
	assert_int_equal(session_lookup(db.s, token2, t0 + 4001, &p), AJ_ENOTFOUND);

	/* end_all keeps the one asked for */
	char t3[TOKEN_LEN], t4[TOKEN_LEN];
	int64_t s3, s4;
	int ended = 0;
	assert_int_equal(session_create(db.s, &a, uid, "-", "-", t3, csrf, &s3), 0);
	assert_int_equal(session_create(db.s, &a, uid, "-", "-", t4, csrf, &s4), 0);
	assert_int_equal(store_begin(db.s), 0);
	assert_int_equal(session_end_all(db.s, &a, uid, s4, &ended), 0);
	assert_int_equal(store_commit(db.s), 0);
	assert_int_equal(ended, 2); /* s3 and the first, which had expired but was never ended */
	assert_int_equal(session_lookup(db.s, t3, t0 + 4002, &p), AJ_ENOTFOUND);
	assert_int_equal(session_lookup(db.s, t4, t0 + 4002, &p), 0);

	/* a disabled user's sessions stop working */
	st = store_sql(db.s, "UPDATE users SET status = 'disabled' WHERE id = $1");
	stmt_bind_int(st, 1, uid);
	assert_int_equal(stmt_exec(st), 0);
	assert_int_equal(session_lookup(db.s, t4, t0 + 4003, &p), AJ_ENOTFOUND);
	clock_set(0);
	tmpdb_close(&db);
}

static void test_throttle(void **state)
{
	(void)state;
	struct tmpdb db;
	tmpdb_open(&db);
	int64_t t0 = 1800000000, wait = 0;
	for (int i = 0; i < THROTTLE_PER_LOGIN_ADDR; i++) {
		assert_int_equal(throttle_check(db.s, "bob", "10.0.0.1", t0 + i, &wait), 0);
		assert_int_equal(throttle_fail(db.s, "bob", "10.0.0.1", t0 + i), 0);
	}
	/* that login from that address waits; from another address it may still try, and so may
	 * another login from the first */
	assert_int_equal(throttle_check(db.s, "bob", "10.0.0.1", t0 + 10, &wait), 1);
	assert_int_equal(wait, THROTTLE_WINDOW_SECS - 10);
	assert_int_equal(throttle_check(db.s, "bob", "10.0.0.2", t0 + 10, &wait), 0);
	assert_int_equal(throttle_check(db.s, "carol", "10.0.0.1", t0 + 10, &wait), 0);
	/* the window passes */
	assert_int_equal(throttle_check(db.s, "bob", "10.0.0.1", t0 + THROTTLE_WINDOW_SECS, &wait), 0);
	/* success clears the login's count from that address */
	assert_int_equal(throttle_clear(db.s, "bob", "10.0.0.1", 0), 0);
	assert_int_equal(throttle_check(db.s, "bob", "10.0.0.1", t0 + 11, &wait), 0);
	/* per address: many accounts from one address */
	for (int i = 0; i < THROTTLE_PER_ADDR; i++) {
		char login[16];
		snprintf(login, sizeof login, "u%d", i);
		assert_int_equal(throttle_fail(db.s, login, "10.9.9.9", t0 + 100), 0);
	}
	assert_int_equal(throttle_check(db.s, "fresh", "10.9.9.9", t0 + 101, &wait), 1);
	/* per login from everywhere, a few failures from each of many addresses; a success does
	 * not reset it */
	for (int i = 0; i < THROTTLE_PER_LOGIN; i++) {
		char addr[32];
		snprintf(addr, sizeof addr, "10.8.%d.%d", i / (THROTTLE_PER_LOGIN_ADDR - 1), i % 4);
		assert_int_equal(throttle_check(db.s, "dave", addr, t0 + 200, &wait), 0);
		assert_int_equal(throttle_fail(db.s, "dave", addr, t0 + 200), 0);
	}
	assert_int_equal(throttle_check(db.s, "dave", "10.7.7.7", t0 + 201, &wait), 1);
	assert_int_equal(throttle_clear(db.s, "dave", "10.7.7.7", 0), 0);
	assert_int_equal(throttle_check(db.s, "dave", "10.7.7.7", t0 + 202, &wait), 1);
	/* a device's own count */
	for (int i = 0; i < THROTTLE_PER_DEVICE; i++) {
		assert_int_equal(throttle_check_device(db.s, 7, t0 + 300, &wait), 0);
		assert_int_equal(throttle_fail_device(db.s, 7, t0 + 300), 0);
	}
	assert_int_equal(throttle_check_device(db.s, 7, t0 + 301, &wait), 1);
	assert_int_equal(throttle_check_device(db.s, 8, t0 + 301, &wait), 0);
	assert_int_equal(throttle_clear(db.s, "dave", "10.7.7.7", 7), 0);
	assert_int_equal(throttle_check_device(db.s, 7, t0 + 302, &wait), 0);
	tmpdb_close(&db);
}

/* Device cookies: bound to a user, stored as a hash, expiring, replaced, and kept to a few a user. */
static void test_throttle_devices(void **state)
{
	(void)state;
	struct tmpdb db;
	tmpdb_open(&db);
	int64_t t0 = 1800000000, dev = 0, dev2 = 0;
	int64_t uid = add_user(db.s, "erin");
	add_user(db.s, "frank");
	char tok[TOKEN_LEN], tok2[TOKEN_LEN];
	assert_int_equal(throttle_device_issue(db.s, uid, 0, t0, tok), 0);
	assert_int_equal(strlen(tok), 43);
	struct stmt *st = store_sql(db.s, "SELECT count(*) FROM login_devices WHERE token_hash = $1");
	stmt_bind_text(st, 1, tok);
	assert_int_equal(test_count(st), 0); /* only the hash is stored */
	assert_int_equal(throttle_device_find(db.s, "erin", tok, t0 + 1, &dev), 0);
	assert_true(dev > 0);
	/* another login, another token, no token, or an expired one: none */
	assert_int_equal(throttle_device_find(db.s, "frank", tok, t0 + 1, &dev2), 0);
	assert_int_equal(dev2, 0);
	char other[TOKEN_LEN] = "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA";
	assert_int_equal(throttle_device_find(db.s, "erin", other, t0 + 1, &dev2), 0);
	assert_int_equal(dev2, 0);
	assert_int_equal(throttle_device_find(db.s, "erin", NULL, t0 + 1, &dev2), 0);
	assert_int_equal(throttle_device_find(db.s, "erin", "short", t0 + 1, &dev2), 0);
	assert_int_equal(throttle_device_find(db.s, "erin", tok, t0 + THROTTLE_DEVICE_SECS, &dev2), 0);
	assert_int_equal(dev2, 0);
	/* a new token replaces the one presented */
	assert_int_equal(throttle_device_issue(db.s, uid, dev, t0 + 2, tok2), 0);
	assert_int_equal(throttle_device_find(db.s, "erin", tok, t0 + 3, &dev2), 0);
	assert_int_equal(dev2, 0);
	assert_int_equal(throttle_device_find(db.s, "erin", tok2, t0 + 3, &dev2), 0);
	assert_true(dev2 > dev);
	/* a client that keeps no cookie makes a device each time: only the newest are kept */
	for (int i = 0; i < THROTTLE_DEVICES_PER_USER + 5; i++)
		assert_int_equal(throttle_device_issue(db.s, uid, 0, t0 + 10 + i, tok), 0);
	st = store_sql(db.s, "SELECT count(*) FROM login_devices WHERE user_id = $1");
	stmt_bind_int(st, 1, uid);
	assert_int_equal(test_count(st), THROTTLE_DEVICES_PER_USER);
	assert_int_equal(throttle_device_find(db.s, "erin", tok, t0 + 100, &dev2), 0);
	assert_true(dev2 > 0);
	assert_int_equal(throttle_device_find(db.s, "erin", tok2, t0 + 100, &dev2), 0);
	assert_int_equal(dev2, 0);
	/* the cookie */
	char v[200];
	throttle_device_cookie(v, sizeof v, tok, 0);
	assert_true(strncmp(v, "anjia_device=", 13) == 0);
	assert_non_null(strstr(v, "HttpOnly"));
	assert_non_null(strstr(v, "SameSite=Strict"));
	assert_null(strstr(v, "Secure"));
	throttle_device_cookie(v, sizeof v, tok, 1);
	assert_true(strncmp(v, "__Host-anjia_device=", 20) == 0);
	assert_non_null(strstr(v, "; Secure"));
	tmpdb_close(&db);
}

int main(void)
{
	assert_int_equal(digest_init(), 0);
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_password_rules), cmocka_unit_test(test_password_guessable),
		cmocka_unit_test(test_password_hash),
		cmocka_unit_test(test_caps),           cmocka_unit_test(test_session_rules),
		cmocka_unit_test(test_sessions_in_store), cmocka_unit_test(test_throttle),
		cmocka_unit_test(test_throttle_devices),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
