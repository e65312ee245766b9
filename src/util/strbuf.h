/* strbuf.h — a growable byte buffer with a hard maximum (after curl's dynbuf).
 * An append past the maximum marks the buffer failed and is dropped; out of memory aborts. */
#ifndef STRBUF_H
#define STRBUF_H

#include <stddef.h>
#include <stdarg.h>

struct strbuf {
	char *buf;     /* NUL-terminated when len > 0; owned, freed by strbuf_free */
	size_t len;
	size_t cap;
	size_t max;    /* appends that would exceed it fail */
	int failed;    /* set once an append was refused */
};

void strbuf_init(struct strbuf *sb, size_t max);
void strbuf_free(struct strbuf *sb);
void strbuf_reset(struct strbuf *sb);
/* Each returns 0, or -1 when the append would pass the maximum (the buffer is then failed). */
int strbuf_add(struct strbuf *sb, const void *p, size_t n);
int strbuf_addc(struct strbuf *sb, char c);
int strbuf_adds(struct strbuf *sb, const char *s);
int strbuf_addf(struct strbuf *sb, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* Hands the bytes to the caller (free() them); the buffer is left empty. */
char *strbuf_detach(struct strbuf *sb, size_t *len);
/* A never-NULL view of the contents. */
const char *strbuf_str(const struct strbuf *sb);

/* Allocation that aborts on failure: out of memory is the one fatal path. */
void *xmalloc(size_t n);
void *xcalloc(size_t n, size_t size);
void *xrealloc(void *p, size_t n);
char *xstrdup(const char *s);
char *xstrndup(const char *s, size_t n);

/* Copies src into dst of size n, always terminated; returns -1 when src was cut short. */
int str_copy(char *dst, size_t n, const char *src);

#endif
