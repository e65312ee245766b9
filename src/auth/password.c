/* password.c — Argon2id through libsodium. Lengths count characters, not bytes, so a Chinese
 * passphrase meets the same rule as a Latin one. */
#include "password.h"

#include <pthread.h>
#include <sodium.h>
#include <stdlib.h>
#include <string.h>

#define OPSLIMIT 2ULL
#define MEMLIMIT (19ULL * 1024 * 1024)

/* Counts UTF-8 code points; -1 on a control character. */
static long count_chars(const char *s)
{
	long n = 0;
	for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
		if (*p < 0x20 || *p == 0x7f)
			return -1;
		if ((*p & 0xC0) != 0x80)
			n++;
	}
	return n;
}

int password_check(const char *pw, const char **code)
{
	long n = pw ? count_chars(pw) : -1;
	if (n < 0) {
		*code = "password_invalid";
		return -1;
	}
	if (n < PASSWORD_MIN_CHARS) {
		*code = "password_too_short";
		return -1;
	}
	if (n > PASSWORD_MAX_CHARS) {
		*code = "password_too_long";
		return -1;
	}
	return 0;
}

int password_hash(const char *pw, char out[PASSWORD_HASH_LEN])
{
	return crypto_pwhash_str_alg(out, pw, strlen(pw), OPSLIMIT, MEMLIMIT,
				     crypto_pwhash_ALG_ARGON2ID13) == 0 ? 0 : -1;
}

int password_verify(const char *hash, const char *pw)
{
	return crypto_pwhash_str_verify(hash, pw, strlen(pw)) == 0 ? 0 : -1;
}

int password_needs_rehash(const char *hash)
{
	return crypto_pwhash_str_needs_rehash(hash, OPSLIMIT, MEMLIMIT) != 0;
}

void password_free(char *pw)
{
	if (!pw)
		return;
	sodium_memzero(pw, strlen(pw));
	free(pw);
}

static char dummy[PASSWORD_HASH_LEN];
static pthread_once_t dummy_once = PTHREAD_ONCE_INIT;

static void make_dummy(void)
{
	char pw[33];
	randombytes_buf(pw, 32);
	for (int i = 0; i < 32; i++)
		pw[i] = (char)('a' + ((unsigned char)pw[i] % 26));
	pw[32] = '\0';
	if (password_hash(pw, dummy) != 0)
		dummy[0] = '\0';
}

void password_verify_dummy(const char *pw)
{
	pthread_once(&dummy_once, make_dummy);
	if (dummy[0])
		(void)password_verify(dummy, pw);
}
