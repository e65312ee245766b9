/* Signed checkpoints of the audit chain: a history rewritten and hashed anew from some record on
 * walks as intact, but no longer matches what the association's key signed; a forged signature,
 * a chain cut short and a saved list that no longer matches are all found. */
#include "testutil.h"

#include <sodium.h>

#include "anjia.h"
#include "auth/audit.h"
#include "auth/checkpoints.h"
#include "auth/keys.h"
#include "util/clock.h"
#include "util/strbuf.h"

static const struct actor tester = {7, 1, "tester"};
static const struct actor jobs = {0, 0, "jobs"};

/* A fresh database with its own key file, loaded. */
static void open_keyed(struct tmpdb *db)
{
	char path[200];
	tmpdb_open(db);
	snprintf(path, sizeof path, "%s/anjia.keys", db->dir);
	assert_int_equal(keys_open(path, 1, db->s), 0);
}

static void close_keyed(struct tmpdb *db)
{
	char path[200];
	snprintf(path, sizeof path, "%s/anjia.keys", db->dir);
	unlink(path);
	tmpdb_close(db);
}

/* Appends n records, each its own write. */
static void append_n(struct store *s, int n)
{
	for (int i = 0; i < n; i++) {
		char state[64];
		int len = snprintf(state, sizeof state, "{\"i\":%d}", i);
		assert_int_equal(store_begin(s), 0);
		assert_int_equal(audit_append(s, &tester, "thing.create", "thing", i + 1, state, (size_t)len), 0);
		assert_int_equal(store_commit(s), 0);
	}
}

/* Signs a checkpoint now (none may be too recent); returns the chain's last record it covers. */
static int64_t sign_now(struct store *s)
{
	int written = 0;
	int64_t head = 0;
	assert_int_equal(stmt_one_int(store_sql(s, "SELECT last_id FROM audit_head"), &head), 0);
	assert_int_equal(checkpoint_sign(s, &jobs, 0, &written), 0);
	assert_int_equal(written, 1);
	return head;
}

static struct audit_result verify(struct store *s)
{
	struct audit_result r;
	assert_int_equal(audit_verify(s, &r), 0);
	return r;
}

/* The stored checkpoint id, as someone saved it from the public list. */
static struct checkpoint saved(struct store *s, int64_t id)
{
	struct checkpoint c = {0};
	struct stmt *st = store_sql(s, "SELECT id, version, record_id, hash, at, kid, signature FROM audit_checkpoints"
				       " WHERE id = $1");
	stmt_bind_int(st, 1, id);
	assert_int_equal(stmt_step(st), STORE_ROW);
	c.id = stmt_int(st, 0);
	c.version = (int)stmt_int(st, 1);
	c.record_id = stmt_int(st, 2);
	str_copy(c.hash, sizeof c.hash, stmt_text(st, 3));
	c.at = stmt_int(st, 4);
	str_copy(c.kid, sizeof c.kid, stmt_text(st, 5));
	str_copy(c.signature, sizeof c.signature, stmt_text(st, 6));
	stmt_done(st);
	return c;
}

/* What someone who can write the database does: changes record id's action and hashes the chain
 * again from there on, the head included, exactly as the platform would have. */
static void rewrite_and_rechain(struct store *s, int64_t id)
{
	char prev[65], h[65];
	struct stmt *st = store_sql(s, "SELECT prev_hash FROM audit_log WHERE id = $1");
	stmt_bind_int(st, 1, id);
	assert_int_equal(stmt_step(st), STORE_ROW);
	str_copy(prev, sizeof prev, stmt_text(st, 0));
	stmt_done(st);
	st = store_sql(s, "UPDATE audit_log SET action = 'thing.forged' WHERE id = $1");
	stmt_bind_int(st, 1, id);
	assert_int_equal(stmt_exec(st), 0);
	int64_t last = 0;
	assert_int_equal(stmt_one_int(store_sql(s, "SELECT max(id) FROM audit_log"), &last), 0);
	for (int64_t i = id; i <= last; i++) {
		st = store_sql(s, "SELECT at, actor_id, actor_label, action, entity, entity_id, digest FROM audit_log"
				  " WHERE id = $1");
		stmt_bind_int(st, 1, i);
		assert_int_equal(stmt_step(st), STORE_ROW);
		audit_record_hash(prev, i, stmt_int(st, 0), stmt_int(st, 1), stmt_text(st, 2), stmt_text(st, 3),
				  stmt_text(st, 4), stmt_int(st, 5), stmt_text(st, 6), h);
		stmt_done(st);
		st = store_sql(s, "UPDATE audit_log SET prev_hash = $1, hash = $2 WHERE id = $3");
		stmt_bind_text(st, 1, prev);
		stmt_bind_text(st, 2, h);
		stmt_bind_int(st, 3, i);
		assert_int_equal(stmt_exec(st), 0);
		str_copy(prev, sizeof prev, h);
	}
	st = store_sql(s, "UPDATE audit_head SET last_hash = $1 WHERE id = 1");
	stmt_bind_text(st, 1, prev);
	assert_int_equal(stmt_exec(st), 0);
}

static void test_rewrite_is_found(void **state)
{
	(void)state;
	struct tmpdb db;
	open_keyed(&db);
	append_n(db.s, 10);
	int64_t first = sign_now(db.s);  /* covers the keys' binding and the ten records */
	append_n(db.s, 5);
	int64_t second = sign_now(db.s);
	append_n(db.s, 3);
	struct audit_result r = verify(db.s);
	assert_true(r.ok);
	assert_int_equal(r.checkpoints, 2);
	assert_true(r.signatures_checked);
	struct checkpoint kept1 = saved(db.s, 1), kept2 = saved(db.s, 2);

	/* a record between the two checkpoints rewritten, and every later hash and the head recomputed */
	rewrite_and_rechain(db.s, first + 3);
	r = verify(db.s);
	assert_false(r.ok);
	assert_string_equal(r.reason_code, "checkpoint_mismatch");
	assert_int_equal(r.checkpoint, 2);
	assert_int_equal(r.first_bad, second);
	char want[120];
	snprintf(want, sizeof want, "checkpoint 2 signed record %lld with another hash: a record after %lld",
		 (long long)second, (long long)first);
	if (!strstr(r.reason, want))
		fail_msg("reason: %s", r.reason);

	/* the thorough rewriter deletes the stored checkpoints too: the chain then walks as intact — as
	 * every rewrite did before checkpoints — and only the copies saved elsewhere tell */
	TEST_EXEC(db.s, "DELETE FROM audit_checkpoints");
	r = verify(db.s);
	assert_true(r.ok);
	assert_int_equal(r.checkpoints, 0);
	unsigned char pk[32];
	char kid[KEYS_KID_LEN], path[200];
	snprintf(path, sizeof path, "%s/anjia.keys", db.dir);
	assert_int_equal(keys_read_public(path, pk, kid), 0);
	assert_int_equal(checkpoint_judge(db.s, &kept2, pk, 0), CHECKPOINT_DIFFERS);
	assert_int_equal(checkpoint_judge(db.s, &kept1, pk, 0), CHECKPOINT_MATCHES);
	/* and the saved one that still matches is no longer in the database's own list */
	assert_int_equal(checkpoint_judge(db.s, &kept1, pk, 1), CHECKPOINT_UNLISTED);
	close_keyed(&db);
}

static void test_forged_and_cut_short(void **state)
{
	(void)state;
	struct tmpdb db;
	open_keyed(&db);
	append_n(db.s, 4);
	sign_now(db.s);
	append_n(db.s, 4);
	int64_t second = sign_now(db.s);
	struct checkpoint kept = saved(db.s, 2);
	unsigned char pk[32], other[32], sk[64];
	char kid[KEYS_KID_LEN], path[200];
	snprintf(path, sizeof path, "%s/anjia.keys", db.dir);
	assert_int_equal(keys_read_public(path, pk, kid), 0);
	assert_int_equal(checkpoint_judge(db.s, &kept, pk, 1), CHECKPOINT_MATCHES);

	/* one character of the signature changed */
	struct checkpoint forged = kept;
	forged.signature[5] = forged.signature[5] == 'A' ? 'B' : 'A';
	assert_int_equal(checkpoint_judge(db.s, &forged, pk, 0), CHECKPOINT_FORGED);
	/* the signature kept, the hash moved to suit a rewritten chain */
	forged = kept;
	forged.hash[0] = forged.hash[0] == 'a' ? 'b' : 'a';
	assert_int_equal(checkpoint_judge(db.s, &forged, pk, 0), CHECKPOINT_FORGED);
	/* a key of one's own, and a checkpoint signed with it, are not the association's */
	crypto_sign_keypair(other, sk);
	assert_int_equal(checkpoint_judge(db.s, &kept, other, 0), CHECKPOINT_FORGED);
	sodium_memzero(sk, sizeof sk);

	/* the same in the database's own list */
	struct stmt *st = store_sql(db.s, "UPDATE audit_checkpoints SET signature = $1 WHERE id = 2");
	forged = kept;
	forged.signature[5] = forged.signature[5] == 'A' ? 'B' : 'A';
	stmt_bind_text(st, 1, forged.signature);
	assert_int_equal(stmt_exec(st), 0);
	struct audit_result r = verify(db.s);
	assert_false(r.ok);
	assert_string_equal(r.reason_code, "checkpoint_forged");
	assert_int_equal(r.checkpoint, 2);
	/* without a key only the hashes are compared, and the result says so */
	assert_int_equal(audit_verify_key(db.s, NULL, &r), 0);
	assert_true(r.ok);
	assert_false(r.signatures_checked);
	st = store_sql(db.s, "UPDATE audit_checkpoints SET signature = $1 WHERE id = 2");
	stmt_bind_text(st, 1, kept.signature);
	assert_int_equal(stmt_exec(st), 0);
	assert_true(verify(db.s).ok);

	/* the newest records removed and the head moved back to match: the walk passes, the checkpoint
	 * names a record the chain no longer has */
	char h[65];
	st = store_sql(db.s, "SELECT hash FROM audit_log WHERE id = $1");
	stmt_bind_int(st, 1, second - 1);
	assert_int_equal(stmt_step(st), STORE_ROW);
	str_copy(h, sizeof h, stmt_text(st, 0));
	stmt_done(st);
	st = store_sql(db.s, "DELETE FROM audit_log WHERE id >= $1");
	stmt_bind_int(st, 1, second);
	assert_int_equal(stmt_exec(st), 0);
	st = store_sql(db.s, "UPDATE audit_head SET last_id = $1, last_hash = $2 WHERE id = 1");
	stmt_bind_int(st, 1, second - 1);
	stmt_bind_text(st, 2, h);
	assert_int_equal(stmt_exec(st), 0);
	r = verify(db.s);
	assert_false(r.ok);
	assert_string_equal(r.reason_code, "checkpoint_mismatch");
	assert_int_equal(r.checkpoint, 2);
	assert_int_equal(checkpoint_judge(db.s, &kept, pk, 0), CHECKPOINT_MISSING);
	close_keyed(&db);
}

static void test_due(void **state)
{
	(void)state;
	struct tmpdb db;
	int written = -1;
	tmpdb_open(&db);
	/* an empty chain has nothing to sign */
	assert_int_equal(checkpoint_sign(db.s, &jobs, 0, &written), 0);
	assert_int_equal(written, 0);
	char path[200];
	snprintf(path, sizeof path, "%s/anjia.keys", db.dir);
	assert_int_equal(keys_open(path, 1, db.s), 0); /* its binding is the first record */
	append_n(db.s, 2);
	int64_t t0 = 1900000000;
	clock_set(t0);
	assert_int_equal(checkpoint_sign(db.s, &jobs, 600, &written), 0);
	assert_int_equal(written, 1); /* the first is due at once */
	/* its own record is not a move of the chain, however long one waits */
	clock_set(t0 + 86400);
	assert_int_equal(checkpoint_sign(db.s, &jobs, 600, &written), 0);
	assert_int_equal(written, 0);
	append_n(db.s, 1);
	clock_set(t0 + 86400 + 600);
	assert_int_equal(checkpoint_sign(db.s, &jobs, 600, &written), 0);
	assert_int_equal(written, 1);
	append_n(db.s, 1);
	clock_set(t0 + 86400 + 1199);
	assert_int_equal(checkpoint_sign(db.s, &jobs, 600, &written), 0);
	assert_int_equal(written, 0); /* moved, but the last is too recent */
	clock_set(0);
	assert_int_equal(test_count(store_sql(db.s, "SELECT count(*) FROM audit_checkpoints")), 2);
	assert_int_equal(test_count(store_sql(db.s, "SELECT count(*) FROM audit_log WHERE action = 'audit.checkpoint'")), 2);
	close_keyed(&db);
}

static void test_message(void **state)
{
	(void)state;
	/* the bytes docs/api.md documents, for a verifier with any Ed25519 library */
	struct checkpoint c = {69, 1, 2878, "ebcf3fed3940f9248f926629f094e799f6c1586ecb876d0f9bdfbd59501b5e8f",
			       1796293978, "af782a4134b59454", ""};
	char m[CHECKPOINT_MESSAGE_MAX];
	size_t n = checkpoint_message(&c, m, sizeof m);
	assert_string_equal(m, "anjia-audit-checkpoint-1\nrecord_id=2878\n"
			       "hash=ebcf3fed3940f9248f926629f094e799f6c1586ecb876d0f9bdfbd59501b5e8f\n"
			       "at=1796293978\nkid=af782a4134b59454\n");
	assert_int_equal(n, strlen(m));
	assert_int_equal(checkpoint_message(&c, m, 20), 0); /* does not fit */
	/* and the worked example there verifies under its public key */
	static const char pub[] = "MjDg3xYF1JXN0Rh9CwGCc3HwRSpzsqyHc73AId42R6A";
	static const char sig[] = "1pei1x7D6LYtUIgKkEc5RxSyJDJf2HbyjGXG-uufWowpkns4EepvKs4DKvgYU92IPskwt2er5V4bafvGpNRMCg";
	unsigned char pk[32], s[64];
	size_t len = 0;
	assert_int_equal(sodium_base642bin(pk, sizeof pk, pub, strlen(pub), NULL, &len, NULL,
					   sodium_base64_VARIANT_URLSAFE_NO_PADDING), 0);
	assert_int_equal(sodium_base642bin(s, sizeof s, sig, strlen(sig), NULL, &len, NULL,
					   sodium_base64_VARIANT_URLSAFE_NO_PADDING), 0);
	n = checkpoint_message(&c, m, sizeof m);
	assert_int_equal(crypto_sign_verify_detached(s, (const unsigned char *)m, n, pk), 0);
}

static void test_parse(void **state)
{
	(void)state;
	static const char item[] =
		"{\"id\":3,\"version\":1,\"record_id\":40,\"hash\":\"ebcf3fed3940f9248f926629f094e799f6c1586ecb876d0f9bdfbd59501b5e8f\","
		"\"at\":\"2026-12-03T18:32:58+08:00\",\"kid\":\"af782a4134b59454\",\"signature\":\"AAAA\"}";
	char text[1024], why[160];
	struct checkpoint *cs = NULL;
	size_t n = 0;
	/* the endpoint's answer */
	snprintf(text, sizeof text, "{\"items\":[%s,%s],\"page\":1,\"per_page\":20,\"total\":2}", item, item);
	assert_int_equal(checkpoints_parse(text, strlen(text), &cs, &n, why, sizeof why), 0);
	assert_int_equal(n, 2);
	assert_int_equal(cs[0].record_id, 40);
	assert_int_equal(cs[0].at, 1796293978);
	assert_string_equal(cs[1].kid, "af782a4134b59454");
	free(cs);
	/* or its items alone */
	snprintf(text, sizeof text, "[%s]", item);
	assert_int_equal(checkpoints_parse(text, strlen(text), &cs, &n, why, sizeof why), 0);
	assert_int_equal(n, 1);
	free(cs);
	/* and nothing else */
	static const char *const bad[][2] = {
		{"not json", "not JSON"},
		{"{\"page\":1}", "neither"},
		{"[{\"id\":3}]", "field version"},
		{"[{\"id\":3,\"version\":2}]", "field version"},
		{"[{\"id\":3,\"version\":1,\"record_id\":4,\"hash\":\"EBCF\"}]", "field hash"},
	};
	for (size_t i = 0; i < ARRAY_LEN(bad); i++) {
		assert_int_equal(checkpoints_parse(bad[i][0], strlen(bad[i][0]), &cs, &n, why, sizeof why), AJ_EINVAL);
		if (!strstr(why, bad[i][1]))
			fail_msg("%s: %s", bad[i][0], why);
		assert_null(cs);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_rewrite_is_found), cmocka_unit_test(test_forged_and_cut_short),
		cmocka_unit_test(test_due), cmocka_unit_test(test_message), cmocka_unit_test(test_parse),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
