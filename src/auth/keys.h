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
/* The default key file for a database: anjia.keys beside its file, or in the working directory for a
 * database server (every node of one platform reads the same key file: docs/operations.md). */
void keys_default_path(const char *db_path, char *out, size_t n);
/* 1 once keys_open has succeeded in this process. */
int keys_ready(void);

#define KEYS_SEAL_KID_LEN 9  /* 8 hex digits and NUL */

/* Seals plain text for one field of one row ("table.column" and the row's id, bound to the
 * ciphertext as associated data: a sealed value copied to another row or field does not open).
 * Returns a new string (free it): "s2.<key id>.<base64url of nonce and ciphertext>". */
char *keys_seal_for(const char *field, int64_t row, const char *plain);
/* Opens a value sealed for that field and row, under the current or a retired key (or a value of
 * the first, unbound format, for sealing again) into out (n bytes); 0, or -1 when it was altered,
 * moved, or sealed by a key this file does not hold. */
int keys_unseal_for(const char *field, int64_t row, const char *sealed, char *out, size_t n);
/* 1 when sealed is in today's format under the current key: nothing to seal again. */
int keys_sealed_current(const char *sealed);
/* The current sealing key's id. */
const char *keys_seal_kid(void);
/* Makes a new sealing key current, keeping the old one as retired so values sealed with it still
 * open, and rewrites the key file at path (atomically, mode 0600). The caller then seals every value
 * again (sealed_upgrade). */
int keys_rotate_seal(const char *path);
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
