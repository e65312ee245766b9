/* password.h — the password rules and Argon2id hashing (libsodium). Hashing takes tens of
 * milliseconds by design: hash and verify on the worker pool, never on an event loop. */
#ifndef PASSWORD_H
#define PASSWORD_H

#include <stddef.h>

#define PASSWORD_MIN_CHARS 12
#define PASSWORD_MAX_CHARS 128
#define PASSWORD_HASH_LEN 128   /* crypto_pwhash_STRBYTES */

/* 0 when pw meets the rules for the account with this login and name (either may be NULL where it
 * is not known); otherwise AJ_EINVAL and *code names the broken rule ("password_too_short",
 * "password_too_long", "password_invalid", "password_contains_login", "password_contains_name",
 * "password_common"), or AJ_EIO ("password_check_unavailable") when cracklib's dictionary is missing.
 * Takes well under a millisecond. */
int password_check_account(const char *pw, const char *login, const char *name, const char **code);
/* The same where no account is known (a password for many accounts). */
int password_check(const char *pw, const char **code);
/* Argon2id at no less than OWASP's minimum (t=2, 19 MiB); 0 or -1. */
int password_hash(const char *pw, char out[PASSWORD_HASH_LEN]);
/* 0 when pw matches hash, -1 otherwise. */
int password_verify(const char *hash, const char *pw);
/* 1 when hash was made with weaker parameters than today's. */
int password_needs_rehash(const char *hash);
/* Wipes and frees a copy of a password; NULL is ignored. */
void password_free(char *pw);
/* Spends the time of one verification against a hash of no account, so an unknown login
 * takes as long to refuse as a wrong password. */
void password_verify_dummy(const char *pw);

#endif
