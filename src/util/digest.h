/* digest.h — small wrappers over libsodium: SHA-256 in hex, random tokens, constant-time compare. */
#ifndef DIGEST_H
#define DIGEST_H

#include <stddef.h>

#define SHA256_HEX_LEN 65   /* 64 hex digits and NUL */
#define TOKEN_LEN 44        /* 32 random bytes as unpadded base64url (43) and NUL */

/* Initialises libsodium; returns -1 if it cannot. Safe to call more than once. */
int digest_init(void);
void sha256_hex(const void *data, size_t len, char out[SHA256_HEX_LEN]);
/* 256 random bits as unpadded base64url. */
void random_token(char out[TOKEN_LEN]);
/* 1 when the two strings are equal, in time independent of where they differ. */
int str_equal_ct(const char *a, const char *b);

#endif
