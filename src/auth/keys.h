/* keys.h — the platform's secret keys, kept in a file outside the database (mode 0600): the key
 * that seals personal numbers (XChaCha20-Poly1305), the key of their look-up hashes (BLAKE2b), and
 * the association's Ed25519 signing key for credentials. A database remembers the fingerprint of
 * its keys, so a wrong or lost key file is noticed before anything is sealed with a new one. */
#ifndef KEYS_H
#define KEYS_H

#include <stddef.h>
#include <stdint.h>

struct store;

#define KEYS_KID_LEN 17        /* 16 hex digits and NUL */
#define KEYS_HASH_LEN 65       /* 64 hex digits and NUL */
#define KEYS_PUBLIC_B64_LEN 44 /* 32 bytes as unpadded base64url and NUL */

/* Loads the key file at path into the process's keys, creating it when it does not exist and
 * create is set; then binds them to the database s (fingerprint check, or recording it the first
 * time). On failure prints why and returns a negative error. */
int keys_open(const char *path, int create, struct store *s);
/* The default key file for a database: anjia.keys beside it. */
void keys_default_path(const char *db_path, char *out, size_t n);
/* 1 once keys_open has succeeded in this process. */
int keys_ready(void);

/* Seals plain text; returns a new string (free it) of nonce and ciphertext in base64url. */
char *keys_seal(const char *plain);
/* Opens what keys_seal made into out (n bytes); 0 or -1 when it was altered or not ours. */
int keys_unseal(const char *sealed, char *out, size_t n);
/* The keyed look-up hash of plain text, hex. */
void keys_lookup_hash(const char *plain, char out[KEYS_HASH_LEN]);

/* Signs m with the association's key. */
void keys_sign(const void *m, size_t n, unsigned char sig[64]);
/* The key id (hex of the public key's SHA-256, first 16 digits) and the public key. */
const char *keys_kid(void);
void keys_public_b64(char out[KEYS_PUBLIC_B64_LEN]);
/* 1 when sig is pk's signature of m. */
int keys_verify_with(const unsigned char pk[32], const void *m, size_t n, const unsigned char sig[64]);

/* Reads only the public half of a key file (for checking credentials off-line). */
int keys_read_public(const char *path, unsigned char pk[32], char kid[KEYS_KID_LEN]);
/* The key id of a public key. */
void keys_kid_of(const unsigned char pk[32], char kid[KEYS_KID_LEN]);

#endif
