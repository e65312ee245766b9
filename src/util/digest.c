/* digest.c — every hash and random byte of the platform comes from libsodium. */
#include "digest.h"

#include <sodium.h>
#include <string.h>

int digest_init(void)
{
	return sodium_init() < 0 ? -1 : 0;
}

void sha256_hex(const void *data, size_t len, char out[SHA256_HEX_LEN])
{
	unsigned char h[crypto_hash_sha256_BYTES];
	crypto_hash_sha256(h, data, len);
	sodium_bin2hex(out, SHA256_HEX_LEN, h, sizeof h);
}

void random_token(char out[TOKEN_LEN])
{
	unsigned char b[32];
	randombytes_buf(b, sizeof b);
	sodium_bin2base64(out, TOKEN_LEN, b, sizeof b, sodium_base64_VARIANT_URLSAFE_NO_PADDING);
	sodium_memzero(b, sizeof b);
}

int str_equal_ct(const char *a, const char *b)
{
	size_t la = strlen(a), lb = strlen(b);
	if (la != lb)
		return 0;
	return sodium_memcmp(a, b, la) == 0;
}
