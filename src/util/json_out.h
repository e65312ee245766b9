/* json_out.h — the streaming JSON writer every response (and every audited state) is written with.
 * Output is always valid JSON and valid UTF-8: strings are escaped, invalid UTF-8 becomes U+FFFD,
 * U+2028/U+2029 are escaped so the text is also a valid JavaScript literal. */
#ifndef JSON_OUT_H
#define JSON_OUT_H

#include <stdint.h>
#include <stddef.h>

#include "strbuf.h"

#define JW_MAX_DEPTH 48

struct jw {
	struct strbuf *sb;   /* where the text goes; not owned */
	int depth;
	uint64_t first;      /* bit d: nothing written yet in the container at depth d */
	int after_key;       /* the next value follows a key, so takes no comma */
};

void jw_init(struct jw *w, struct strbuf *sb);
void jw_obj(struct jw *w);
void jw_obj_end(struct jw *w);
void jw_arr(struct jw *w);
void jw_arr_end(struct jw *w);
void jw_key(struct jw *w, const char *key);
void jw_str(struct jw *w, const char *s);        /* NULL writes null */
void jw_strn(struct jw *w, const char *s, size_t n);
void jw_int(struct jw *w, int64_t v);
void jw_bool(struct jw *w, int v);
void jw_null(struct jw *w);
/* A number with one decimal (ratings): tenths=48 writes 4.8. */
void jw_tenths(struct jw *w, int64_t tenths);
/* A time as ISO 8601 with the configured offset; t == 0 writes null. */
void jw_time(struct jw *w, int64_t t);
/* Pre-serialised JSON, written as it is: only for text this writer produced. */
void jw_raw(struct jw *w, const char *json, size_t n);

/* key + value in one call */
void jw_kstr(struct jw *w, const char *key, const char *s);
void jw_kint(struct jw *w, const char *key, int64_t v);
void jw_kbool(struct jw *w, const char *key, int v);
void jw_knull(struct jw *w, const char *key);
void jw_ktime(struct jw *w, const char *key, int64_t t);
/* An id that may be absent: 0 writes null. */
void jw_kid(struct jw *w, const char *key, int64_t id);
/* A record named by another: key: {"id","name"}, or null when id is 0 (none). */
void jw_kref(struct jw *w, const char *key, int64_t id, const char *name);

/* Appends s as a JSON string literal (with quotes) to sb. */
void json_escape(struct strbuf *sb, const char *s, size_t n);

#endif
