/* keys.c — the key file and the operations that need its keys. The keys live in one process-wide
 * structure, written once at start and read-only afterwards, so every thread may use them. */
#include "keys.h"

#include <errno.h>
#include <fcntl.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "../anjia.h"
#include "../store/store.h"
#include "../util/digest.h"
#include "../util/strbuf.h"
#include "audit.h"

struct keyset {
	int ready;
	unsigned char seal[crypto_aead_xchacha20poly1305_ietf_KEYBYTES];
	unsigned char lookup[crypto_generichash_KEYBYTES];
	unsigned char sign_sk[crypto_sign_SECRETKEYBYTES];
	unsigned char sign_pk[crypto_sign_PUBLICKEYBYTES];
	char kid[KEYS_KID_LEN];
};

/* the process's keys: replaced only by a key file that opened and matched its database */
static struct keyset K;

static const char seal_ad[] = "anjia-sealed-1";

void keys_default_path(const char *db_path, char *out, size_t n)
{
	const char *slash = strrchr(db_path, '/');
	if (slash)
		snprintf(out, n, "%.*s/anjia.keys", (int)(slash - db_path), db_path);
	else
		snprintf(out, n, "anjia.keys");
}

int keys_ready(void)
{
	return K.ready;
}

void keys_kid_of(const unsigned char pk[32], char kid[KEYS_KID_LEN])
{
	char hex[SHA256_HEX_LEN];
	sha256_hex(pk, 32, hex);
	memcpy(kid, hex, KEYS_KID_LEN - 1);
	kid[KEYS_KID_LEN - 1] = '\0';
}

/* Reads "name hex" lines; fills the fields found. Returns -1 on a malformed file. */
static int parse_file(FILE *f, unsigned char *seal, unsigned char *lookup, unsigned char *sk, int *found)
{
	char line[512];
	*found = 0;
	while (fgets(line, sizeof line, f)) {
		char name[16], hex[300];
		size_t len;
		if (line[0] == '#' || line[0] == '\n')
			continue;
		if (sscanf(line, "%15s %299s", name, hex) != 2)
			return -1;
		unsigned char *dst = NULL;
		size_t want = 0;
		int bit = 0;
		if (strcmp(name, "seal") == 0)
			dst = seal, want = 32, bit = 1;
		else if (strcmp(name, "lookup") == 0)
			dst = lookup, want = 32, bit = 2;
		else if (strcmp(name, "sign") == 0)
			dst = sk, want = 64, bit = 4;
		if (!dst)
			continue;
		if (sodium_hex2bin(dst, want, hex, strlen(hex), NULL, &len, NULL) != 0 || len != want)
			return -1;
		*found |= bit;
	}
	return 0;
}

static int write_new(const char *path)
{
	unsigned char seal[32], lookup[32], pk[32], sk[64];
	char h1[65], h2[65], h3[129];
	crypto_aead_xchacha20poly1305_ietf_keygen(seal);
	crypto_generichash_keygen(lookup);
	crypto_sign_keypair(pk, sk);
	sodium_bin2hex(h1, sizeof h1, seal, 32);
	sodium_bin2hex(h2, sizeof h2, lookup, 32);
	sodium_bin2hex(h3, sizeof h3, sk, 64);
	int fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
	if (fd < 0)
		return -1;
	FILE *f = fdopen(fd, "w");
	if (!f) {
		close(fd);
		return -1;
	}
	fprintf(f, "# Anjia keys. Keep this file secret and back it up apart from the database:\n"
		   "# without it, sealed ID numbers cannot be read and credentials cannot be signed.\n"
		   "seal %s\nlookup %s\nsign %s\n", h1, h2, h3);
	int rc = fclose(f) == 0 ? 0 : -1;
	sodium_memzero(seal, sizeof seal);
	sodium_memzero(lookup, sizeof lookup);
	sodium_memzero(sk, sizeof sk);
	sodium_memzero(h1, sizeof h1);
	sodium_memzero(h2, sizeof h2);
	sodium_memzero(h3, sizeof h3);
	return rc;
}

static int load(const char *path, struct keyset *k)
{
	FILE *f = fopen(path, "r");
	int found = 0;
	if (!f)
		return -1;
	int rc = parse_file(f, k->seal, k->lookup, k->sign_sk, &found);
	fclose(f);
	if (rc != 0 || found != 7)
		return -2;
	crypto_sign_ed25519_sk_to_pk(k->sign_pk, k->sign_sk);
	keys_kid_of(k->sign_pk, k->kid);
	return 0;
}

/* The fingerprint a database remembers: a hash over the look-up key and the public key. */
static void fingerprint(const struct keyset *k, char out[SHA256_HEX_LEN])
{
	unsigned char both[64], h[32];
	memcpy(both, k->lookup, 32);
	memcpy(both + 32, k->sign_pk, 32);
	crypto_generichash(h, sizeof h, both, sizeof both, NULL, 0);
	sodium_bin2hex(out, SHA256_HEX_LEN, h, sizeof h);
	sodium_memzero(both, sizeof both);
}

static int bind_store(struct store *s, const char *path, const struct keyset *k)
{
	char fp[SHA256_HEX_LEN];
	fingerprint(k, fp);
	struct stmt *st = store_sql(s, "SELECT value FROM settings WHERE key = 'keys.fingerprint'");
	int rc = stmt_step(st);
	if (rc == STORE_ROW) {
		int same = stmt_text(st, 0) && strcmp(stmt_text(st, 0), fp) == 0;
		stmt_done(st);
		if (!same) {
			fprintf(stderr, "anjia: the key file %s is not the one this database was sealed with\n", path);
			return AJ_EINVAL;
		}
		return AJ_OK;
	}
	stmt_done(st);
	if (rc < 0)
		return rc;
	if ((rc = store_begin(s)) != AJ_OK)
		return rc;
	st = store_sql(s, "INSERT INTO settings (key, value) VALUES ('keys.fingerprint', $1)");
	stmt_bind_text(st, 1, fp);
	if ((rc = stmt_exec(st)) == AJ_OK) {
		struct actor a = {0, 0, "system"};
		struct strbuf sb;
		strbuf_init(&sb, 256);
		strbuf_addf(&sb, "{\"keys.fingerprint\":\"%s\",\"kid\":\"%s\"}", fp, k->kid);
		rc = audit_append(s, &a, "keys.bind", "settings", 0, sb.buf, sb.len);
		strbuf_free(&sb);
	}
	if (rc != AJ_OK) {
		store_rollback(s);
		return rc;
	}
	return store_commit(s);
}

int keys_open(const char *path, int create, struct store *s)
{
	struct stat st;
	if (digest_init() != 0)
		return AJ_ESTORE;
	if (stat(path, &st) != 0) {
		int64_t bound = 0;
		stmt_one_int(store_sql(s, "SELECT count(*) FROM settings WHERE key = 'keys.fingerprint'"), &bound);
		if (bound) {
			fprintf(stderr, "anjia: the key file %s is missing; this database needs the one it was "
					"sealed with (restore it from its backup)\n", path);
			return AJ_ENOTFOUND;
		}
		if (!create) {
			fprintf(stderr, "anjia: no key file at %s\n", path);
			return AJ_ENOTFOUND;
		}
		if (write_new(path) != 0) {
			fprintf(stderr, "anjia: cannot create the key file %s: %s\n", path, strerror(errno));
			return AJ_EIO;
		}
	} else if ((st.st_mode & 077) != 0) {
		fprintf(stderr, "anjia: the key file %s must not be readable by others (chmod 600)\n", path);
		return AJ_EINVAL;
	}
	struct keyset k;
	int rc = load(path, &k);
	if (rc != 0) {
		fprintf(stderr, "anjia: cannot read the key file %s%s\n", path, rc == -2 ? " (malformed)" : "");
		sodium_memzero(&k, sizeof k);
		return AJ_EIO;
	}
	if ((rc = bind_store(s, path, &k)) != AJ_OK) {
		sodium_memzero(&k, sizeof k);
		return rc;
	}
	k.ready = 1;
	K = k;
	sodium_memzero(&k, sizeof k);
	return AJ_OK;
}

char *keys_seal(const char *plain)
{
	size_t n = strlen(plain);
	size_t clen = n + crypto_aead_xchacha20poly1305_ietf_ABYTES;
	size_t blen = crypto_aead_xchacha20poly1305_ietf_NPUBBYTES + clen;
	unsigned char *buf = xmalloc(blen);
	randombytes_buf(buf, crypto_aead_xchacha20poly1305_ietf_NPUBBYTES);
	unsigned long long outlen;
	crypto_aead_xchacha20poly1305_ietf_encrypt(buf + crypto_aead_xchacha20poly1305_ietf_NPUBBYTES, &outlen,
						   (const unsigned char *)plain, n,
						   (const unsigned char *)seal_ad, sizeof seal_ad - 1, NULL, buf,
						   K.seal);
	size_t b64 = sodium_base64_encoded_len(blen, sodium_base64_VARIANT_URLSAFE_NO_PADDING);
	char *out = xmalloc(b64);
	sodium_bin2base64(out, b64, buf, blen, sodium_base64_VARIANT_URLSAFE_NO_PADDING);
	free(buf);
	return out;
}

int keys_unseal(const char *sealed, char *out, size_t n)
{
	unsigned char buf[512];
	size_t blen;
	if (sodium_base642bin(buf, sizeof buf, sealed, strlen(sealed), NULL, &blen, NULL,
			      sodium_base64_VARIANT_URLSAFE_NO_PADDING) != 0)
		return -1;
	if (blen < crypto_aead_xchacha20poly1305_ietf_NPUBBYTES + crypto_aead_xchacha20poly1305_ietf_ABYTES)
		return -1;
	size_t clen = blen - crypto_aead_xchacha20poly1305_ietf_NPUBBYTES;
	if (clen - crypto_aead_xchacha20poly1305_ietf_ABYTES >= n)
		return -1;
	unsigned long long plen;
	if (crypto_aead_xchacha20poly1305_ietf_decrypt((unsigned char *)out, &plen, NULL,
						       buf + crypto_aead_xchacha20poly1305_ietf_NPUBBYTES, clen,
						       (const unsigned char *)seal_ad, sizeof seal_ad - 1, buf,
						       K.seal) != 0)
		return -1;
	out[plen] = '\0';
	return 0;
}

void keys_lookup_hash(const char *plain, char out[KEYS_HASH_LEN])
{
	unsigned char h[32];
	crypto_generichash(h, sizeof h, (const unsigned char *)plain, strlen(plain), K.lookup, sizeof K.lookup);
	sodium_bin2hex(out, KEYS_HASH_LEN, h, sizeof h);
}

void keys_sign(const void *m, size_t n, unsigned char sig[64])
{
	crypto_sign_detached(sig, NULL, m, n, K.sign_sk);
}

const char *keys_kid(void)
{
	return K.kid;
}

void keys_public_b64(char out[KEYS_PUBLIC_B64_LEN])
{
	sodium_bin2base64(out, KEYS_PUBLIC_B64_LEN, K.sign_pk, sizeof K.sign_pk,
			  sodium_base64_VARIANT_URLSAFE_NO_PADDING);
}

int keys_verify_with(const unsigned char pk[32], const void *m, size_t n, const unsigned char sig[64])
{
	return crypto_sign_verify_detached(sig, m, n, pk) == 0;
}

int keys_read_public(const char *path, unsigned char pk[32], char kid[KEYS_KID_LEN])
{
	unsigned char seal[32], lookup[32], sk[64];
	int found = 0;
	FILE *f = fopen(path, "r");
	if (!f)
		return -1;
	int rc = parse_file(f, seal, lookup, sk, &found);
	fclose(f);
	if (rc != 0 || !(found & 4))
		return -1;
	crypto_sign_ed25519_sk_to_pk(pk, sk);
	keys_kid_of(pk, kid);
	sodium_memzero(seal, sizeof seal);
	sodium_memzero(lookup, sizeof lookup);
	sodium_memzero(sk, sizeof sk);
	return 0;
}
