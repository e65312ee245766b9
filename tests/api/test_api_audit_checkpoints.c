/* Signed checkpoints of the audit chain through the API: the deadline job writes one when the chain
 * moved and the standard's minutes have passed, and nothing otherwise; anyone can read and verify
 * them; the chain's verification reports a checkpoint that no longer matches. */
#include "harness.h"

#include <sodium.h>
#include <time.h>

#include "auth/checkpoints.h"
#include "auth/keys.h"
#include "jobs.h"
#include "util/clock.h"
#include "util/strbuf.h"
#include "util/timefmt.h"

static struct harness H;

static int setup(void **state)
{
	(void)state;
	h_open(&H);
	/* the job's monthly sampling plans begin far ahead: these passes write nothing but checkpoints,
	 * whichever month their clock is in */
	assert_int_equal(stmt_exec(store_sql(H.store, "INSERT INTO settings (key, value) VALUES ('sampling.since', '9999-12')")),
			 0);
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	h_close(&H);
	return 0;
}

/* One pass of the deadline job; the checkpoints it signed. */
static int job(void)
{
	struct jobs_report r = {0};
	assert_int_equal(jobs_run(H.store, &r), 0);
	return r.checkpoints_signed;
}

static int64_t count(const char *what)
{
	int64_t n = 0;
	if (strcmp(what, "checkpoints") == 0)
		assert_int_equal(stmt_one_int(store_sql(H.store, "SELECT count(*) FROM audit_checkpoints"), &n), 0);
	else
		assert_int_equal(stmt_one_int(store_sql(H.store, "SELECT last_id FROM audit_head"), &n), 0);
	return n;
}

/* A write, as any request makes one: signing in. Returns the token. */
static void sign_in(char token[TOKEN_LEN])
{
	h_login(&H, "admin", token, NULL);
}

static void test_job_signs_when_due(void **state)
{
	(void)state;
	char admin[TOKEN_LEN];
	int64_t t0 = ((int64_t)time(NULL) / 3600 + 48) * 3600; /* on the hour, two days on */
	clock_set(t0);
	int64_t head = count("head");
	/* the fixture's writes were never signed: the first pass signs them */
	assert_int_equal(job(), 1);
	struct resp *r = h_api(&H, "GET", "/api/public/audit/checkpoints", NULL, NULL);
	assert_int_equal(resp_int(r, "items.0.record_id"), head);
	resp_free(r);
	/* nothing moved but the checkpoint's own record: a pass writes nothing, now or an hour on */
	int64_t writes = h_writes(&H);
	assert_int_equal(job(), 0);
	clock_set(t0 + 3600);
	assert_int_equal(job(), 0);
	assert_int_equal(h_writes(&H), writes);
	assert_int_equal(count("checkpoints"), 1);
	/* a write, and the standard's 60 minutes have passed */
	sign_in(admin);
	assert_int_equal(job(), 1);
	/* another a minute later: the chain moved, but the last checkpoint is too recent */
	clock_set(t0 + 3600 + 60);
	sign_in(admin);
	assert_int_equal(job(), 0);
	clock_set(t0 + 2 * 3600 - 1);
	assert_int_equal(job(), 0);
	clock_set(t0 + 2 * 3600);
	assert_int_equal(job(), 1);
	assert_int_equal(count("checkpoints"), 3);

	/* the association shortens the interval, within bounds */
	sign_in(admin);
	h_expect(h_api(&H, "PATCH", "/api/standards", admin, "{\"audit_checkpoint_minutes\":4}"), 400, "out_of_range");
	h_expect(h_api(&H, "PATCH", "/api/standards", admin, "{\"audit_checkpoint_minutes\":1441}"), 400, "out_of_range");
	r = h_api(&H, "PATCH", "/api/standards", admin, "{\"audit_checkpoint_minutes\":5}");
	assert_int_equal(r->status, 200);
	assert_int_equal(resp_int(r, "audit_checkpoint_minutes"), 5);
	resp_free(r);
	clock_set(t0 + 2 * 3600 + 299);
	assert_int_equal(job(), 0);
	clock_set(t0 + 2 * 3600 + 300);
	assert_int_equal(job(), 1);

	/* a value put into the database behind the API cannot put checkpoints off beyond a day */
	assert_int_equal(stmt_exec(store_sql(H.store, "UPDATE standards SET value = 1000000"
						      " WHERE key = 'audit_checkpoint_minutes'")), 0);
	int64_t t1 = t0 + 2 * 3600 + 300;
	clock_set(t1 + 60); /* past the standards' ten-second cache */
	sign_in(admin);
	clock_set(t1 + 1440 * 60 - 1);
	assert_int_equal(job(), 0);
	clock_set(t1 + 1440 * 60);
	assert_int_equal(job(), 1);
	clock_set(0);
}

/* The public key of the key file, as GET /api/public/keys publishes it. */
static void public_key(unsigned char pk[32])
{
	struct resp *r = h_api(&H, "GET", "/api/public/keys", NULL, NULL);
	const char *b64 = resp_str(r, "items.0.public_key");
	size_t n = 0;
	assert_int_equal(sodium_base642bin(pk, 32, b64, strlen(b64), NULL, &n, NULL,
					   sodium_base64_VARIANT_URLSAFE_NO_PADDING), 0);
	assert_int_equal(n, 32);
	resp_free(r);
}

static void test_public_list(void **state)
{
	(void)state;
	int written = 0;
	struct actor a = {0, 0, "test"};
	/* after every checkpoint the first test signed: a later one is never older */
	clock_set(((int64_t)time(NULL) / 3600 + 24 * 10) * 3600);
	for (int i = 0; i < 3; i++) {
		char token[TOKEN_LEN];
		sign_in(token);
		assert_int_equal(checkpoint_sign(H.store, &a, 0, &written), 0);
	}
	int64_t total = count("checkpoints");
	assert_true(total >= 3);
	unsigned char pk[32];
	public_key(pk);

	struct resp *r = h_api(&H, "GET", "/api/public/audit/checkpoints?per_page=2", NULL, NULL);
	assert_int_equal(r->status, 200);
	assert_int_equal(resp_int(r, "total"), total);
	assert_int_equal(resp_int(r, "page"), 1);
	assert_int_equal(resp_int(r, "per_page"), 2);
	assert_int_equal(strncmp(resp_header(r, "Cache-Control"), "public", 6), 0);
	json_t *items = json_object_get(r->json, "items");
	assert_int_equal(json_array_size(items), 2);
	/* newest first; each verifies under the published key with the message of docs/api.md */
	assert_true(resp_int(r, "items.0.id") > resp_int(r, "items.1.id"));
	for (size_t i = 0; i < 2; i++) {
		json_t *it = json_array_get(items, i);
		struct checkpoint c = {json_integer_value(json_object_get(it, "id")), 1,
				       json_integer_value(json_object_get(it, "record_id")), "", 0, "", ""};
		assert_int_equal(json_integer_value(json_object_get(it, "version")), 1);
		str_copy(c.hash, sizeof c.hash, json_string_value(json_object_get(it, "hash")));
		str_copy(c.kid, sizeof c.kid, json_string_value(json_object_get(it, "kid")));
		assert_int_equal(time_parse_iso(json_string_value(json_object_get(it, "at")), &c.at), 0);
		char msg[CHECKPOINT_MESSAGE_MAX];
		unsigned char sig[64];
		size_t n = checkpoint_message(&c, msg, sizeof msg), len = 0;
		const char *b64 = json_string_value(json_object_get(it, "signature"));
		assert_int_equal(sodium_base642bin(sig, sizeof sig, b64, strlen(b64), NULL, &len, NULL,
						   sodium_base64_VARIANT_URLSAFE_NO_PADDING), 0);
		assert_int_equal(crypto_sign_verify_detached(sig, (const unsigned char *)msg, n, pk), 0);
		msg[n - 2] ^= 1; /* and nothing else verifies */
		assert_int_not_equal(crypto_sign_verify_detached(sig, (const unsigned char *)msg, n, pk), 0);
		/* the hash is the chain's at that record; the next record is the checkpoint's own */
		struct stmt *st = store_sql(H.store, "SELECT hash FROM audit_log WHERE id = $1");
		stmt_bind_int(st, 1, c.record_id);
		assert_int_equal(stmt_step(st), STORE_ROW);
		assert_string_equal(stmt_text(st, 0), c.hash);
		stmt_done(st);
		st = store_sql(H.store, "SELECT action, entity, entity_id FROM audit_log WHERE id = $1");
		stmt_bind_int(st, 1, c.record_id + 1);
		assert_int_equal(stmt_step(st), STORE_ROW);
		assert_string_equal(stmt_text(st, 0), "audit.checkpoint");
		assert_string_equal(stmt_text(st, 1), "audit_checkpoint");
		assert_int_equal(stmt_int(st, 2), c.id);
		stmt_done(st);
	}
	resp_free(r);
	h_expect(h_api(&H, "GET", "/api/public/audit/checkpoints?per_page=101", NULL, NULL), 400, "invalid_parameter");
}

static void test_verify_reports_checkpoints(void **state)
{
	(void)state;
	char admin[TOKEN_LEN];
	int written = 0;
	struct actor a = {0, 0, "test"};
	sign_in(admin);
	assert_int_equal(checkpoint_sign(H.store, &a, 0, &written), 0);
	int64_t id = 0, record = 0;
	assert_int_equal(stmt_one_int(store_sql(H.store, "SELECT max(id) FROM audit_checkpoints"), &id), 0);
	assert_int_equal(stmt_one_int(store_sql(H.store, "SELECT record_id FROM audit_checkpoints"
							 " ORDER BY id DESC LIMIT 1"), &record), 0);
	struct resp *r = h_api(&H, "GET", "/api/audit/verify", admin, NULL);
	if (!json_is_true(json_object_get(r->json, "ok")))
		fprintf(stderr, "VERIFY %s\n", r->body);
	assert_true(json_is_true(json_object_get(r->json, "ok")));
	resp_free(r);

	/* a signature changed in the database (its first character, whatever it was) */
	assert_int_equal(stmt_exec(store_sql(H.store, "UPDATE audit_checkpoints SET signature ="
						      " CASE WHEN substr(signature, 1, 1) = 'A' THEN 'B' ELSE 'A' END"
						      " || substr(signature, 2) WHERE id = 1")), 0);
	r = h_api(&H, "GET", "/api/audit/verify", admin, NULL);
	assert_false(json_is_true(json_object_get(r->json, "ok")));
	assert_string_equal(resp_str(r, "reason_code"), "checkpoint_forged");
	assert_non_null(strstr(resp_str(r, "reason"), "checkpoint 1 "));
	resp_free(r);
	assert_int_equal(stmt_exec(store_sql(H.store, "DELETE FROM audit_checkpoints WHERE id = 1")), 0);

	/* the newest records cut off and the head set back to match: the walk passes, the newest
	 * checkpoint names a record that is gone */
	char h[65];
	struct stmt *st = store_sql(H.store, "SELECT hash FROM audit_log WHERE id = $1");
	stmt_bind_int(st, 1, record - 1);
	assert_int_equal(stmt_step(st), STORE_ROW);
	str_copy(h, sizeof h, stmt_text(st, 0));
	stmt_done(st);
	st = store_sql(H.store, "DELETE FROM audit_log WHERE id >= $1");
	stmt_bind_int(st, 1, record);
	assert_int_equal(stmt_exec(st), 0);
	st = store_sql(H.store, "UPDATE audit_head SET last_id = $1, last_hash = $2 WHERE id = 1");
	stmt_bind_int(st, 1, record - 1);
	stmt_bind_text(st, 2, h);
	assert_int_equal(stmt_exec(st), 0);
	r = h_api(&H, "GET", "/api/audit/verify", admin, NULL);
	assert_false(json_is_true(json_object_get(r->json, "ok")));
	assert_string_equal(resp_str(r, "reason_code"), "checkpoint_mismatch");
	assert_int_equal(resp_int(r, "first_bad"), record);
	char want[64];
	snprintf(want, sizeof want, "checkpoint %lld signed record %lld", (long long)id, (long long)record);
	assert_non_null(strstr(resp_str(r, "reason"), want));
	resp_free(r);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_job_signs_when_due),
		cmocka_unit_test(test_public_list),
		cmocka_unit_test(test_verify_reports_checkpoints),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
