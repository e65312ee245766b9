/* json_out.c — a writer that tracks only where commas go; no document tree is built. */
#include "json_out.h"

#include <stdio.h>
#include <string.h>

#include "timefmt.h"

void jw_init(struct jw *w, struct strbuf *sb)
{
	w->sb = sb;
	w->depth = 0;
	w->first = 1;
	w->after_key = 0;
}

/* Writes the separator a new value or key needs at the current depth. */
static void sep(struct jw *w)
{
	if (w->after_key) {
		w->after_key = 0;
		return;
	}
	uint64_t bit = (uint64_t)1 << w->depth;
	if (w->first & bit)
		w->first &= ~bit;
	else
		strbuf_addc(w->sb, ',');
}

static void open_container(struct jw *w, char c)
{
	sep(w);
	strbuf_addc(w->sb, c);
	if (w->depth < JW_MAX_DEPTH - 1)
		w->depth++;
	w->first |= (uint64_t)1 << w->depth;
}

static void close_container(struct jw *w, char c)
{
	if (w->depth > 0)
		w->depth--;
	strbuf_addc(w->sb, c);
}

void jw_obj(struct jw *w)
{
	open_container(w, '{');
}

void jw_obj_end(struct jw *w)
{
	close_container(w, '}');
}

void jw_arr(struct jw *w)
{
	open_container(w, '[');
}

void jw_arr_end(struct jw *w)
{
	close_container(w, ']');
}

/* Length of the valid UTF-8 sequence at p (at most n bytes), or 0 if it is not valid:
 * no overlong forms, no surrogates, nothing above U+10FFFF. */
static size_t utf8_seq(const unsigned char *p, size_t n)
{
	unsigned c = p[0];
	if (c < 0x80)
		return 1;
	if (c >= 0xC2 && c <= 0xDF)
		return n >= 2 && (p[1] & 0xC0) == 0x80 ? 2 : 0;
	if (c >= 0xE0 && c <= 0xEF) {
		if (n < 3 || (p[1] & 0xC0) != 0x80 || (p[2] & 0xC0) != 0x80)
			return 0;
		if (c == 0xE0 && p[1] < 0xA0)
			return 0;
		if (c == 0xED && p[1] >= 0xA0)
			return 0;
		return 3;
	}
	if (c >= 0xF0 && c <= 0xF4) {
		if (n < 4 || (p[1] & 0xC0) != 0x80 || (p[2] & 0xC0) != 0x80 || (p[3] & 0xC0) != 0x80)
			return 0;
		if (c == 0xF0 && p[1] < 0x90)
			return 0;
		if (c == 0xF4 && p[1] >= 0x90)
			return 0;
		return 4;
	}
	return 0;
}

void json_escape(struct strbuf *sb, const char *s, size_t n)
{
	static const char hex[] = "0123456789abcdef";
	const unsigned char *p = (const unsigned char *)s;
	size_t i = 0, run = 0;
	strbuf_addc(sb, '"');
	while (i < n) {
		unsigned c = p[i];
		if (c >= 0x20 && c != '"' && c != '\\' && c < 0x80) {
			i++;
			run++;
			continue;
		}
		if (run) {
			strbuf_add(sb, p + i - run, run);
			run = 0;
		}
		if (c < 0x80) {
			char esc[6] = {'\\', 0, 0, 0, 0, 0};
			switch (c) {
			case '"': esc[1] = '"'; break;
			case '\\': esc[1] = '\\'; break;
			case '\n': esc[1] = 'n'; break;
			case '\r': esc[1] = 'r'; break;
			case '\t': esc[1] = 't'; break;
			case '\b': esc[1] = 'b'; break;
			case '\f': esc[1] = 'f'; break;
			default:
				esc[1] = 'u';
				esc[2] = '0';
				esc[3] = '0';
				esc[4] = hex[c >> 4];
				esc[5] = hex[c & 15];
				strbuf_add(sb, esc, 6);
				i++;
				continue;
			}
			strbuf_add(sb, esc, 2);
			i++;
			continue;
		}
		size_t k = utf8_seq(p + i, n - i);
		if (k == 0) {
			strbuf_add(sb, "\\ufffd", 6);
			i++;
		} else if (k == 3 && c == 0xE2 && p[i + 1] == 0x80 && (p[i + 2] == 0xA8 || p[i + 2] == 0xA9)) {
			strbuf_add(sb, p[i + 2] == 0xA8 ? "\\u2028" : "\\u2029", 6);
			i += 3;
		} else {
			strbuf_add(sb, p + i, k);
			i += k;
		}
	}
	if (run)
		strbuf_add(sb, p + i - run, run);
	strbuf_addc(sb, '"');
}

void jw_key(struct jw *w, const char *key)
{
	sep(w);
	json_escape(w->sb, key, strlen(key));
	strbuf_addc(w->sb, ':');
	w->after_key = 1;
}

void jw_strn(struct jw *w, const char *s, size_t n)
{
	sep(w);
	json_escape(w->sb, s, n);
}

void jw_str(struct jw *w, const char *s)
{
	if (!s) {
		jw_null(w);
		return;
	}
	jw_strn(w, s, strlen(s));
}

/* Decimal digits of v, written backwards from the end of buf; returns where they start. */
static char *digits_of(int64_t v, char *end)
{
	uint64_t u = v < 0 ? (uint64_t)0 - (uint64_t)v : (uint64_t)v;
	do {
		*--end = (char)('0' + u % 10);
		u /= 10;
	} while (u);
	if (v < 0)
		*--end = '-';
	return end;
}

void jw_int(struct jw *w, int64_t v)
{
	char buf[24];
	char *p = digits_of(v, buf + sizeof buf);
	sep(w);
	strbuf_add(w->sb, p, (size_t)(buf + sizeof buf - p));
}

void jw_tenths(struct jw *w, int64_t tenths)
{
	char buf[32];
	int64_t a = tenths < 0 ? -tenths : tenths;
	int n = snprintf(buf, sizeof buf, "%s%lld.%lld", tenths < 0 ? "-" : "", (long long)(a / 10),
			 (long long)(a % 10));
	sep(w);
	strbuf_add(w->sb, buf, (size_t)n);
}

void jw_bool(struct jw *w, int v)
{
	sep(w);
	strbuf_adds(w->sb, v ? "true" : "false");
}

void jw_null(struct jw *w)
{
	sep(w);
	strbuf_add(w->sb, "null", 4);
}

void jw_time(struct jw *w, int64_t t)
{
	char buf[TIME_ISO_LEN];
	if (t == 0) {
		jw_null(w);
		return;
	}
	time_format_iso(t, buf);
	sep(w);
	strbuf_addc(w->sb, '"');
	strbuf_adds(w->sb, buf);
	strbuf_addc(w->sb, '"');
}

void jw_raw(struct jw *w, const char *json, size_t n)
{
	sep(w);
	strbuf_add(w->sb, json, n);
}

void jw_kstr(struct jw *w, const char *key, const char *s)
{
	jw_key(w, key);
	jw_str(w, s);
}

void jw_kint(struct jw *w, const char *key, int64_t v)
{
	jw_key(w, key);
	jw_int(w, v);
}

void jw_kbool(struct jw *w, const char *key, int v)
{
	jw_key(w, key);
	jw_bool(w, v);
}

void jw_knull(struct jw *w, const char *key)
{
	jw_key(w, key);
	jw_null(w);
}

void jw_ktime(struct jw *w, const char *key, int64_t t)
{
	jw_key(w, key);
	jw_time(w, t);
}

void jw_kid(struct jw *w, const char *key, int64_t id)
{
	jw_key(w, key);
	if (id)
		jw_int(w, id);
	else
		jw_null(w);
}

void jw_kref(struct jw *w, const char *key, int64_t id, const char *name)
{
	jw_key(w, key);
	if (!id) {
		jw_null(w);
		return;
	}
	jw_obj(w);
	jw_kint(w, "id", id);
	jw_kstr(w, "name", name);
	jw_obj_end(w);
}
