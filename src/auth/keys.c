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

#define SEAL_KEYBYTES crypto_aead_xchacha20poly1305_ietf_KEYBYTES
#define NONCE_BYTES crypto_aead_xchacha20poly1305_ietf_NPUBBYTES
#define MAX_RETIRED 8

struct keyset {
	int ready;
	unsigned char seal[SEAL_KEYBYTES];          /* the current sealing key */
	char seal_kid[KEYS_SEAL_KID_LEN];
	unsigned char retired[MAX_RETIRED][SEAL_KEYBYTES]; /* earlier sealing keys, to open older values */
	char retired_kid[MAX_RETIRED][KEYS_SEAL_KID_LEN];
	int n_retired;
	unsigned char lookup[crypto_generichash_KEYBYTES];
	unsigned char sign_sk[crypto_sign_SECRETKEYBYTES];
	unsigned char sign_pk[crypto_sign_PUBLICKEYBYTES];
	char kid[KEYS_KID_LEN];
};

/* the process's keys: replaced only by a key file that opened and matched its database */
static struct keyset K;

/* the first format: no key id, and bound to nothing but its use; opened only to be sealed again */
static const char legacy_ad[] = "anjia-sealed-1";
/* today's: "s2.<key id>.<base64url of nonce and ciphertext>", bound to its field and row */
static const char seal_prefix[] = "s2.";

void keys_default_path(const char *db_path, char *out, size_t n)
{
	const char *slash = store_is_server(db_path) ? NULL : strrchr(db_path, '/');
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

/* The key id of a sealing key: 8 hex digits of a hash of it, which tells keys apart and gives
 * nothing of the key away. */
static void seal_kid_of(const unsigned char key[SEAL_KEYBYTES], char out[KEYS_SEAL_KID_LEN])
{
	static const char ctx[] = "anjia-seal-kid";
	unsigned char h[4];
	crypto_generichash_state st;
	crypto_generichash_init(&st, NULL, 0, sizeof h);
	crypto_generichash_update(&st, (const unsigned char *)ctx, sizeof ctx - 1);
	crypto_generichash_update(&st, key, SEAL_KEYBYTES);
	crypto_generichash_final(&st, h, sizeof h);
	sodium_bin2hex(out, KEYS_SEAL_KID_LEN, h, sizeof h);
}

/* Reads "name hex" lines into k: seal (the current sealing key), seal-retired (any earlier ones),
 * lookup, sign. Sets *found's bits 1, 2, 4 for the three required ones; -1 on a malformed file. */
static int parse_file(FILE *f, struct keyset *k, int *found)
{
	char line[512];
	*found = 0;
	k->n_retired = 0;
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
			dst = k->seal, want = 32, bit = 1;
		else if (strcmp(name, "lookup") == 0)
			dst = k->lookup, want = 32, bit = 2;
		else if (strcmp(name, "sign") == 0)
			dst = k->sign_sk, want = 64, bit = 4;
		else if (strcmp(name, "seal-retired") == 0 && k->n_retired < MAX_RETIRED)
			dst = k->retired[k->n_retired++], want = 32;
		if (!dst)
			continue;
		if (sodium_hex2bin(dst, want, hex, strlen(hex), NULL, &len, NULL) != 0 || len != want)
			return -1;
		*found |= bit;
	}
	return 0;
}

/* Writes k's keys to fd (a new file, mode 0600) and closes it; 0 or -1. */
static int write_keys(int fd, const struct keyset *k)
{
	char hex[129];
	FILE *f = fdopen(fd, "w");
	if (!f) {
		close(fd);
		return -1;
	}
	fputs("# Anjia keys. Keep this file secret and back it up apart from the database:\n"
	      "# without it, sealed ID numbers cannot be read and credentials cannot be signed.\n", f);
	sodium_bin2hex(hex, sizeof hex, k->seal, SEAL_KEYBYTES);
	fprintf(f, "seal %s\n", hex);
	for (int i = 0; i < k->n_retired; i++) {
		sodium_bin2hex(hex, sizeof hex, k->retired[i], SEAL_KEYBYTES);
		fprintf(f, "seal-retired %s\n", hex);
	}
	sodium_bin2hex(hex, sizeof hex, k->lookup, sizeof k->lookup);
	fprintf(f, "lookup %s\n", hex);
	sodium_bin2hex(hex, sizeof hex, k->sign_sk, sizeof k->sign_sk);
	fprintf(f, "sign %s\n", hex);
	sodium_memzero(hex, sizeof hex);
	int rc = fflush(f) == 0 && fsync(fileno(f)) == 0 ? 0 : -1;
	return fclose(f) == 0 ? rc : -1;
}

static int write_new(const char *path)
{
	struct keyset k = {0};
	unsigned char pk[32];
	crypto_aead_xchacha20poly1305_ietf_keygen(k.seal);
	crypto_generichash_keygen(k.lookup);
	crypto_sign_keypair(pk, k.sign_sk);
	int fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
	int rc = fd < 0 ? -1 : write_keys(fd, &k);
	sodium_memzero(&k, sizeof k);
	return rc;
}

static int load(const char *path, struct keyset *k)
{
	FILE *f = fopen(path, "r");
	int found = 0;
	if (!f)
		return -1;
	int rc = parse_file(f, k, &found);
	fclose(f);
	if (rc != 0 || found != 7)
		return -2;
	crypto_sign_ed25519_sk_to_pk(k->sign_pk, k->sign_sk);
	keys_kid_of(k->sign_pk, k->kid);
	seal_kid_of(k->seal, k->seal_kid);
	for (int i = 0; i < k->n_retired; i++)
		seal_kid_of(k->retired[i], k->retired_kid[i]);
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

/* The key file's fingerprint the database is bound to, for the write's body. */
struct binding {
	const char *fingerprint, *kid;
};

static int bind_write(struct store *s, void *arg)
{
	const struct binding *b = arg;
	struct stmt *st = store_sql(s, "INSERT INTO settings (key, value) VALUES ('keys.fingerprint', $1)");
	stmt_bind_text(st, 1, b->fingerprint);
	int rc = stmt_exec(st);
	if (rc != AJ_OK)
		return rc;
	struct actor a = {0, 0, "system"};
	struct strbuf sb;
	strbuf_init(&sb, 256);
	strbuf_addf(&sb, "{\"keys.fingerprint\":\"%s\",\"kid\":\"%s\"}", b->fingerprint, b->kid);
	rc = audit_append(s, &a, "keys.bind", "settings", 0, sb.buf, sb.len);
	strbuf_free(&sb);
	return rc;
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
	struct binding b = {fp, k->kid};
	return store_write(s, bind_write, &b);
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

/* The associated data a value is sealed with: its field ("table.column") and its row. */
static size_t bound_ad(const char *field, int64_t row, char *out, size_t n)
{
	int len = snprintf(out, n, "anjia-seal-2|%s|%lld", field, (long long)row);
	return len < 0 || (size_t)len >= n ? 0 : (size_t)len;
}

char *keys_seal_for(const char *field, int64_t row, const char *plain)
{
	char ad[160];
	size_t adlen = bound_ad(field, row, ad, sizeof ad);
	size_t n = strlen(plain);
	size_t blen = NONCE_BYTES + n + crypto_aead_xchacha20poly1305_ietf_ABYTES;
	unsigned char *buf = xmalloc(blen);
	randombytes_buf(buf, NONCE_BYTES);
	unsigned long long outlen;
	crypto_aead_xchacha20poly1305_ietf_encrypt(buf + NONCE_BYTES, &outlen, (const unsigned char *)plain, n,
						   (const unsigned char *)ad, adlen, NULL, buf, K.seal);
	size_t b64 = sodium_base64_encoded_len(blen, sodium_base64_VARIANT_URLSAFE_NO_PADDING);
	size_t head = sizeof seal_prefix - 1 + KEYS_SEAL_KID_LEN;
	char *out = xmalloc(head + b64);
	snprintf(out, head + 1, "%s%s.", seal_prefix, K.seal_kid);
	sodium_bin2base64(out + head, b64, buf, blen, sodium_base64_VARIANT_URLSAFE_NO_PADDING);
	free(buf);
	return out;
}

/* Opens nonce|ciphertext in buf (blen bytes) with key and ad into out (n bytes); 0 or -1. */
static int open_with(const unsigned char *key, const unsigned char *buf, size_t blen, const char *ad, size_t adlen,
		     char *out, size_t n)
{
	if (blen < NONCE_BYTES + crypto_aead_xchacha20poly1305_ietf_ABYTES)
		return -1;
	size_t clen = blen - NONCE_BYTES;
	if (clen - crypto_aead_xchacha20poly1305_ietf_ABYTES >= n)
		return -1;
	unsigned long long plen;
	if (crypto_aead_xchacha20poly1305_ietf_decrypt((unsigned char *)out, &plen, NULL, buf + NONCE_BYTES, clen,
						       (const unsigned char *)ad, adlen, buf, key) != 0)
		return -1;
	out[plen] = '\0';
	return 0;
}

int keys_unseal_for(const char *field, int64_t row, const char *sealed, char *out, size_t n)
{
	unsigned char buf[1536];
	size_t blen;
	const char *b64 = sealed;
	const unsigned char *key = K.seal;
	char ad[160];
	size_t adlen = 0;
	if (!sealed)
		return -1;
	if (strncmp(sealed, seal_prefix, sizeof seal_prefix - 1) == 0) {
		const char *kid = sealed + sizeof seal_prefix - 1;
		if (strlen(kid) < KEYS_SEAL_KID_LEN || kid[KEYS_SEAL_KID_LEN - 1] != '.')
			return -1;
		key = NULL;
		if (memcmp(kid, K.seal_kid, KEYS_SEAL_KID_LEN - 1) == 0)
			key = K.seal;
		for (int i = 0; !key && i < K.n_retired; i++)
			if (memcmp(kid, K.retired_kid[i], KEYS_SEAL_KID_LEN - 1) == 0)
				key = K.retired[i];
		if (!key)
			return -1;
		b64 = kid + KEYS_SEAL_KID_LEN;
		if (!(adlen = bound_ad(field, row, ad, sizeof ad)))
			return -1;
	} else {
		memcpy(ad, legacy_ad, sizeof legacy_ad - 1);
		adlen = sizeof legacy_ad - 1;
	}
	if (sodium_base642bin(buf, sizeof buf, b64, strlen(b64), NULL, &blen, NULL,
			      sodium_base64_VARIANT_URLSAFE_NO_PADDING) != 0)
		return -1;
	if (open_with(key, buf, blen, ad, adlen, out, n) == 0)
		return 0;
	/* a value of the first format may predate a rotation */
	for (int i = 0; b64 == sealed && i < K.n_retired; i++)
		if (open_with(K.retired[i], buf, blen, ad, adlen, out, n) == 0)
			return 0;
	return -1;
}

int keys_sealed_current(const char *sealed)
{
	size_t p = sizeof seal_prefix - 1;
	return sealed && strncmp(sealed, seal_prefix, p) == 0 &&
	       strncmp(sealed + p, K.seal_kid, KEYS_SEAL_KID_LEN - 1) == 0 && sealed[p + KEYS_SEAL_KID_LEN - 1] == '.';
}

const char *keys_seal_kid(void)
{
	return K.seal_kid;
}

int keys_rotate_seal(const char *path)
{
	struct keyset k = K;
	char tmp[4200];
	if (!K.ready || snprintf(tmp, sizeof tmp, "%s.new", path) >= (int)sizeof tmp)
		return AJ_EINVAL;
	/* the current key joins the retired ones (the oldest goes when the list is full) */
	int keep = k.n_retired < MAX_RETIRED ? k.n_retired : MAX_RETIRED - 1;
	memmove(k.retired[1], k.retired[0], (size_t)keep * SEAL_KEYBYTES);
	memcpy(k.retired[0], K.seal, SEAL_KEYBYTES);
	k.n_retired = keep + 1;
	crypto_aead_xchacha20poly1305_ietf_keygen(k.seal);
	unlink(tmp);
	int fd = open(tmp, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
	int rc = fd < 0 ? -1 : write_keys(fd, &k);
	if (rc == 0)
		rc = rename(tmp, path);
	if (rc != 0) {
		unlink(tmp);
		sodium_memzero(&k, sizeof k);
		return AJ_EIO;
	}
	seal_kid_of(k.seal, k.seal_kid);
	for (int i = 0; i < k.n_retired; i++)
		seal_kid_of(k.retired[i], k.retired_kid[i]);
	K = k;
	sodium_memzero(&k, sizeof k);
	return AJ_OK;
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
	struct keyset *k = xcalloc(1, sizeof *k);
	int found = 0;
	FILE *f = fopen(path, "r");
	int rc = f ? parse_file(f, k, &found) : -1;
	if (f)
		fclose(f);
	if (rc == 0 && (found & 4)) {
		crypto_sign_ed25519_sk_to_pk(pk, k->sign_sk);
		keys_kid_of(pk, kid);
	}
	sodium_memzero(k, sizeof *k);
	free(k);
	return rc == 0 && (found & 4) ? 0 : -1;
}
