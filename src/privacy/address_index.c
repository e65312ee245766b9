/* address_index.c — the keyed hash beside a booking's sealed address, and the pass that hashes the
 * ones still without. Derived data, like the telephone's: in no audited state. */
#include "address_index.h"

#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "anjia.h"
#include "privacy/sealed.h"
#include "store/store.h"
#include "util/strbuf.h"

#define BATCH 500

/* The next code point of p (UTF-8) into *cp; its length in bytes (1 for a byte that starts none). */
static int next_cp(const unsigned char *p, unsigned *cp)
{
	if (p[0] < 0x80) {
		*cp = p[0];
		return 1;
	}
	if ((p[0] & 0xE0) == 0xC0 && (p[1] & 0xC0) == 0x80) {
		*cp = (unsigned)(p[0] & 0x1F) << 6 | (p[1] & 0x3F);
		return 2;
	}
	if ((p[0] & 0xF0) == 0xE0 && (p[1] & 0xC0) == 0x80 && (p[2] & 0xC0) == 0x80) {
		*cp = (unsigned)(p[0] & 0x0F) << 12 | (unsigned)(p[1] & 0x3F) << 6 | (p[2] & 0x3F);
		return 3;
	}
	if ((p[0] & 0xF8) == 0xF0 && (p[1] & 0xC0) == 0x80 && (p[2] & 0xC0) == 0x80 && (p[3] & 0xC0) == 0x80) {
		*cp = (unsigned)(p[0] & 0x07) << 18 | (unsigned)(p[1] & 0x3F) << 12 | (unsigned)(p[2] & 0x3F) << 6 |
		      (p[3] & 0x3F);
		return 4;
	}
	*cp = 0xFFFD;
	return 1;
}

/* Punctuation and spaces that say nothing of where someone lives. */
static int ignorable(unsigned cp)
{
	if (cp <= 0x20 || cp == 0x7F)
		return 1;
	if (cp < 0x80)
		return !((cp >= '0' && cp <= '9') || (cp >= 'a' && cp <= 'z') || (cp >= 'A' && cp <= 'Z'));
	switch (cp) {
	case 0x00B7: /* · */
	case 0x2010: case 0x2013: case 0x2014: case 0x2026: /* hyphens, dashes, … */
	case 0x3000: case 0x3001: case 0x3002: /* ideographic space, 、 。 */
	case 0x300C: case 0x300D: case 0x3010: case 0x3011: /* 「」【】 */
	case 0x30FB: /* ・ */
		return 1;
	default:
		return 0;
	}
}

void address_normal(const char *address, char *out, size_t n)
{
	size_t k = 0;
	const unsigned char *p = (const unsigned char *)(address ? address : "");
	while (*p && n) {
		unsigned cp;
		int len = next_cp(p, &cp);
		const unsigned char *from = p;
		p += len;
		if (cp >= 0xFF01 && cp <= 0xFF5E)
			cp -= 0xFEE0; /* full-width ASCII */
		if (ignorable(cp))
			continue;
		if (cp < 0x80) {
			if (k + 1 >= n)
				break;
			out[k++] = (char)(cp >= 'A' && cp <= 'Z' ? cp + 32 : cp);
		} else {
			if (k + (size_t)len >= n)
				break;
			memcpy(out + k, from, (size_t)len);
			k += (size_t)len;
		}
	}
	if (n)
		out[k < n ? k : n - 1] = '\0';
}

void address_index_hash(const char *address, char out[KEYS_HASH_LEN])
{
	char norm[1024], buf[1040];
	address_normal(address, norm, sizeof norm);
	if (!norm[0]) {
		out[0] = '\0';
		return;
	}
	snprintf(buf, sizeof buf, "address:%s", norm);
	keys_lookup_hash(buf, out);
	sodium_memzero(norm, sizeof norm);
	sodium_memzero(buf, sizeof buf);
}

int address_index_fill(struct store *s, int64_t *hashed)
{
	int64_t after = 0;
	for (;;) {
		int64_t ids[BATCH];
		char *vals[BATCH];
		int n = 0, rc;
		struct stmt *st = store_sql(s, "SELECT id, address_sealed FROM bookings WHERE address_hash IS NULL"
					       " AND address_sealed <> '' AND id > $1 ORDER BY id LIMIT $2");
		stmt_bind_int(st, 1, after);
		stmt_bind_int(st, 2, BATCH);
		while ((rc = stmt_step(st)) == STORE_ROW && n < BATCH) {
			ids[n] = stmt_int(st, 0);
			vals[n++] = xstrdup(stmt_text(st, 1));
		}
		stmt_done(st);
		rc = rc < 0 ? rc : AJ_OK;
		for (int i = 0; i < n; i++) {
			char plain[1024], hash[KEYS_HASH_LEN] = "";
			after = ids[i];
			if (keys_unseal_for(SEALED_BOOKING_ADDRESS, ids[i], vals[i], plain, sizeof plain) == 0)
				address_index_hash(plain, hash);
			sodium_memzero(plain, sizeof plain);
			free(vals[i]);
			if (rc != AJ_OK)
				continue;
			st = store_sql(s, "UPDATE bookings SET address_hash = $2 WHERE id = $1");
			stmt_bind_int(st, 1, ids[i]);
			stmt_bind_text(st, 2, hash);
			rc = stmt_exec(st);
			if (hashed)
				(*hashed)++;
		}
		if (rc != AJ_OK || n < BATCH)
			return rc;
	}
}
