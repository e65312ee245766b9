/* The key file: made once, bound to its database, and what the keys do. */
#include "testutil.h"

#include <sodium.h>
#include <sys/stat.h>

#include "auth/keys.h"
#include "util/strbuf.h"

static void test_keys(void **state)
{
	(void)state;
	struct tmpdb db;
	char path[200], other[200];
	tmpdb_open(&db);
	snprintf(path, sizeof path, "%s/anjia.keys", db.dir);
	snprintf(other, sizeof other, "%s/other.keys", db.dir);

	/* not there and not to be made */
	assert_int_not_equal(keys_open(path, 0, db.s), 0);
	/* made on first start, private to its owner */
	assert_int_equal(keys_open(path, 1, db.s), 0);
	struct stat st;
	assert_int_equal(stat(path, &st), 0);
	assert_int_equal(st.st_mode & 0777, 0600);
	assert_true(keys_ready());
	assert_int_equal(strlen(keys_kid()), 16);
	/* opened again: the same keys, bound to this database */
	assert_int_equal(keys_open(path, 1, db.s), 0);

	/* sealing: random nonces, so the same number seals differently; opening gives it back */
	char *a = keys_seal_for("workers.id_number", 7, "110101199003074514");
	char *b = keys_seal_for("workers.id_number", 7, "110101199003074514");
	assert_string_not_equal(a, b);
	assert_null(strstr(a, "110101199003074514"));
	/* the key's id is in the value, so a rotation knows what to seal again */
	assert_int_equal(strncmp(a, "s2.", 3), 0);
	assert_int_equal(strncmp(a + 3, keys_seal_kid(), 8), 0);
	assert_true(keys_sealed_current(a));
	char out[64];
	assert_int_equal(keys_unseal_for("workers.id_number", 7, a, out, sizeof out), 0);
	assert_string_equal(out, "110101199003074514");
	/* bound to its field and row: copied to another row or another field, it does not open */
	assert_int_equal(keys_unseal_for("workers.id_number", 8, a, out, sizeof out), -1);
	assert_int_equal(keys_unseal_for("workers.phone", 7, a, out, sizeof out), -1);
	/* altered by one character, it does not open */
	a[20] = a[20] == 'A' ? 'B' : 'A';
	assert_int_equal(keys_unseal_for("workers.id_number", 7, a, out, sizeof out), -1);
	assert_int_equal(keys_unseal_for("workers.id_number", 7, "not base64!", out, sizeof out), -1);
	assert_int_equal(keys_unseal_for("workers.id_number", 7, b, out, 5), -1); /* does not fit */
	free(a);

	/* a rotation: a new current key; what the old one sealed still opens until sealed again */
	char kid_before[KEYS_SEAL_KID_LEN];
	str_copy(kid_before, sizeof kid_before, keys_seal_kid());
	assert_int_equal(keys_rotate_seal(path), 0);
	assert_string_not_equal(keys_seal_kid(), kid_before);
	assert_false(keys_sealed_current(b));
	assert_int_equal(keys_unseal_for("workers.id_number", 7, b, out, sizeof out), 0);
	assert_string_equal(out, "110101199003074514");
	/* and after a restart from the rewritten file, private as before */
	assert_int_equal(stat(path, &st), 0);
	assert_int_equal(st.st_mode & 0777, 0600);
	assert_int_equal(keys_open(path, 0, db.s), 0);
	assert_int_equal(keys_unseal_for("workers.id_number", 7, b, out, sizeof out), 0);
	free(b);

	/* the look-up hash: the same for the same number, keyed */
	char h1[KEYS_HASH_LEN], h2[KEYS_HASH_LEN], plain[SHA256_HEX_LEN];
	keys_lookup_hash("110101199003074514", h1);
	keys_lookup_hash("110101199003074514", h2);
	assert_string_equal(h1, h2);
	sha256_hex("110101199003074514", 18, plain);
	assert_string_not_equal(h1, plain);
	keys_lookup_hash("110101199003074515", h2);
	assert_string_not_equal(h1, h2);

	/* signatures verify with the published key, and only for the same message */
	unsigned char sig[64], pk[32];
	char kid[KEYS_KID_LEN], pub[KEYS_PUBLIC_B64_LEN];
	keys_sign("AJ1.payload", 11, sig);
	assert_int_equal(keys_read_public(path, pk, kid), 0);
	assert_string_equal(kid, keys_kid());
	keys_public_b64(pub);
	assert_int_equal(strlen(pub), 43);
	assert_true(keys_verify_with(pk, "AJ1.payload", 11, sig));
	assert_false(keys_verify_with(pk, "AJ1.paylaod", 11, sig));
	sig[0] ^= 1;
	assert_false(keys_verify_with(pk, "AJ1.payload", 11, sig));

	/* another database's key file is refused for this one, and the keys in use stay */
	struct tmpdb db2;
	tmpdb_open(&db2);
	assert_int_equal(keys_open(other, 1, db2.s), 0);
	char kid2[KEYS_KID_LEN];
	str_copy(kid2, sizeof kid2, keys_kid());
	assert_int_equal(keys_open(path, 0, db.s), 0);
	assert_int_not_equal(keys_open(other, 0, db.s), 0);
	assert_string_equal(keys_kid(), kid);
	assert_string_not_equal(kid, kid2);
	/* a lost key file is not replaced by a new one */
	unlink(path);
	assert_int_not_equal(keys_open(path, 1, db.s), 0);
	/* a key file others can read is refused */
	assert_int_equal(chmod(other, 0644), 0);
	assert_int_not_equal(keys_open(other, 0, db2.s), 0);
	unlink(other);
	tmpdb_close(&db2);
	tmpdb_close(&db);
}

int main(void)
{
	const struct CMUnitTest tests[] = {cmocka_unit_test(test_keys)};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
