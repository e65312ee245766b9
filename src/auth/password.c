/* password.c — the password rules and Argon2id through libsodium. Lengths count characters, not
 * bytes, so a Chinese passphrase meets the same rule as a Latin one; guessable passwords are found by
 * cracklib (Debian's libcrack2 and its dictionary) and by the rules below it cannot see. */
#include "password.h"

#include <pthread.h>
#include <sodium.h>
#include <stddef.h> /* crack.h uses size_t without it */
#include <crack.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "../anjia.h"
#include "../util/log.h"

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

#define WORD_MAX 256 /* a login or a name, with room to spare */
#define LOGIN_MIN_BYTES 3 /* the shortest login there is */
/* a name this short ("Li", "Ann") is found inside too many passphrases to refuse them all */
#define NAME_MIN_BYTES 4

static int fold(int c)
{
	return c >= 'A' && c <= 'Z' ? c + 32 : c;
}

static int is_letter(int c)
{
	return fold(c) >= 'a' && fold(c) <= 'z';
}

/* The bytes of s lower-cased (ASCII) without spaces, dots, underscores and hyphens, so "Li Wei" and
 * "li.wei" are found in "liwei-2026"; at most n-1 of them. */
static void squash(const char *s, char *out, size_t n)
{
	size_t k = 0;
	for (; *s && k + 1 < n; s++) {
		unsigned char c = (unsigned char)*s;
		if (c == ' ' || c == '.' || c == '_' || c == '-')
			continue;
		out[k++] = (char)fold(c);
	}
	out[k] = '\0';
}

/* 1 when squashed password sq contains word (squashed here) of at least min bytes. */
static int contains_word(const char *sq, const char *word, size_t len, size_t min)
{
	char w[WORD_MAX];
	if (len >= sizeof w)
		len = sizeof w - 1;
	memcpy(w, word, len);
	w[len] = '\0';
	char wq[WORD_MAX];
	squash(w, wq, sizeof wq);
	return strlen(wq) >= min && strstr(sq, wq) != NULL;
}

/* 1 when sq contains the person's name, whole or any space-separated part of it: a surname or a
 * given name alone is as guessable as the two together. */
static int contains_name(const char *sq, const char *name)
{
	if (contains_word(sq, name, strlen(name), NAME_MIN_BYTES))
		return 1;
	for (const char *p = name; *p;) {
		size_t n = strcspn(p, " ");
		if (n && contains_word(sq, p, n, NAME_MIN_BYTES))
			return 1;
		p += n;
		p += strspn(p, " ");
	}
	return 0;
}

/* When pw is one shorter part repeated ("passwordpassword", "密码密码密码…"; ASCII case aside), the
 * characters in that part; otherwise -1. */
static long repeated_unit(const char *pw)
{
	size_t len = strlen(pw);
	for (size_t p = 1; p <= len / 2; p++) {
		if (len % p)
			continue;
		size_t i = p;
		while (i < len && fold(pw[i]) == fold(pw[i - p]))
			i++;
		if (i == len) {
			long n = 0;
			for (size_t j = 0; j < p; j++)
				n += ((unsigned char)pw[j] & 0xC0) != 0x80;
			return n;
		}
	}
	return -1;
}

/* cracklib keeps the dictionary block it last read in static storage, so one caller at a time. */
static pthread_mutex_t crack_lock = PTHREAD_MUTEX_INITIALIZER;
static atomic_int dict_missing_logged;

/* 1 when cracklib's dictionary can be read; the first time it cannot, says so in the log. */
static int dict_present(void)
{
	const char *dict = GetDefaultCracklibDict();
	char p[512];
	int ok = snprintf(p, sizeof p, "%s.pwd", dict) < (int)sizeof p && access(p, R_OK) == 0 &&
		 snprintf(p, sizeof p, "%s.pwi", dict) < (int)sizeof p && access(p, R_OK) == 0;
	if (!ok && atomic_exchange(&dict_missing_logged, 1) == 0)
		log_error("password: cracklib's dictionary %s cannot be read (Debian package cracklib-runtime);"
			  " no password can be set until it is there", dict);
	return ok;
}

/* 1 when cracklib refuses pw: a dictionary word (mangled as crackers mangle), too simple or
 * systematic, too few different characters, or based on the login or name it is given. */
static int crack_refuses(const char *pw, const char *login, const char *name)
{
	pthread_mutex_lock(&crack_lock);
	/* never NULL: cracklib would compare with the Unix account running the server instead */
	const char *why = FascistCheckUser(pw, GetDefaultCracklibDict(), login ? login : "", name ? name : "");
	pthread_mutex_unlock(&crack_lock);
	return why != NULL;
}

/* pw without its leading and trailing digits, punctuation and spaces, and with the usual stand-ins
 * for letters put back ("P@ssw0rd2026!" → "Password"): cracklib trims at most three characters
 * and undoes one kind of stand-in at a time, and a word with a year added is still the word. */
static void core_of(const char *pw, char *out, size_t n)
{
	static const char from[] = "@4310$57", to[] = "aaeiosst";
	const char *b = pw, *e = pw + strlen(pw);
	while (b < e && (unsigned char)*b < 0x80 && !is_letter(*b))
		b++;
	while (e > b && (unsigned char)e[-1] < 0x80 && !is_letter(e[-1]))
		e--;
	size_t k = 0;
	for (; b < e && k + 1 < n; b++) {
		const char *c = *b ? strchr(from, *b) : NULL;
		out[k++] = c ? to[c - from] : *b;
	}
	out[k] = '\0';
}

int password_check_account(const char *pw, const char *login, const char *name, const char **code)
{
	long n = pw ? count_chars(pw) : -1;
	char sq[4 * PASSWORD_MAX_CHARS + 1], core[4 * PASSWORD_MAX_CHARS + 1];
	if (n < 0) {
		*code = "password_invalid";
		return AJ_EINVAL;
	}
	if (n < PASSWORD_MIN_CHARS) {
		*code = "password_too_short";
		return AJ_EINVAL;
	}
	if (n > PASSWORD_MAX_CHARS) {
		*code = "password_too_long";
		return AJ_EINVAL;
	}
	squash(pw, sq, sizeof sq);
	if (login && contains_word(sq, login, strlen(login), LOGIN_MIN_BYTES)) {
		*code = "password_contains_login";
		return AJ_EINVAL;
	}
	if (name && contains_name(sq, name)) {
		*code = "password_contains_name";
		return AJ_EINVAL;
	}
	long unit = repeated_unit(pw);
	if (unit >= 0 && unit < PASSWORD_MIN_CHARS) {
		*code = "password_common";
		return AJ_EINVAL;
	}
	if (!dict_present()) {
		*code = "password_check_unavailable";
		return AJ_EIO;
	}
	core_of(pw, core, sizeof core);
	/* a core under cracklib's six bytes would only be "too short", which says nothing of pw */
	if (crack_refuses(pw, login, name) ||
	    (strcmp(core, pw) != 0 && strlen(core) >= 6 && crack_refuses(core, login, name))) {
		*code = "password_common";
		return AJ_EINVAL;
	}
	return AJ_OK;
}

int password_check(const char *pw, const char **code)
{
	return password_check_account(pw, NULL, NULL, code);
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
