/* schema.h — what a request may carry, declared next to its handler and checked by the router
 * before the handler runs: body fields (types, required, lengths, ranges, enums) and query
 * parameters. Anything undeclared is refused, so a typo never passes silently. */
#ifndef SCHEMA_H
#define SCHEMA_H

#include <jansson.h>
#include <stddef.h>
#include <stdint.h>

#include "../anjia.h"

enum ftype {
	FT_STRING,   /* one line: trimmed, no control characters; min/max count characters */
	FT_TEXT,     /* several lines: newlines and tabs allowed */
	FT_INT,      /* min/max are the value's range */
	FT_BOOL,
	FT_ENUM,     /* one of values */
	FT_TIME,     /* ISO 8601 with an offset */
	FT_STRINGS,  /* array of one-line strings: min/max count items, item_max their length;
			values, when set, restricts the items */
	FT_SECRET,   /* a password: never trimmed, its characters left to the password rules */
	FT_DATE,     /* a calendar date, YYYY-MM-DD */
	FT_IDS,      /* array of positive integers (ids): min/max count items */
	FT_OBJECTS,  /* array of objects, each checked against sub: min/max count items */
};

#define F_REQ 1u    /* must be present */
#define F_NULL 2u   /* may be null */

struct schema;

struct field {
	const char *name;
	enum ftype type;
	unsigned flags;
	int64_t min, max;
	const char *const *values;   /* NULL-terminated */
	int64_t item_max;
	const struct schema *sub;    /* FT_OBJECTS: what each object must be */
};

struct schema {
	const struct field *f;
	size_t n;
};

#define S_STR(name, flags, min, max) {name, FT_STRING, flags, min, max, NULL, 0, NULL}
#define S_TEXT(name, flags, max) {name, FT_TEXT, flags, 0, max, NULL, 0, NULL}
#define S_INT(name, flags, min, max) {name, FT_INT, flags, min, max, NULL, 0, NULL}
#define S_BOOL(name, flags) {name, FT_BOOL, flags, 0, 0, NULL, 0, NULL}
#define S_ENUM(name, flags, values) {name, FT_ENUM, flags, 0, 0, values, 0, NULL}
#define S_TIME(name, flags) {name, FT_TIME, flags, 0, 0, NULL, 0, NULL}
#define S_DATE(name, flags) {name, FT_DATE, flags, 0, 0, NULL, 0, NULL}
#define S_IDS(name, flags, min, max) {name, FT_IDS, flags, min, max, NULL, 0, NULL}
#define S_SECRET(name, flags) {name, FT_SECRET, flags, 0, 1024, NULL, 0, NULL}
#define S_STRS(name, flags, min, max, item_max, values) {name, FT_STRINGS, flags, min, max, values, item_max, NULL}
#define S_OBJS(name, flags, min, max, sub) {name, FT_OBJECTS, flags, min, max, NULL, 0, sub}

/* Defines a schema object from a list of fields. */
#define SCHEMA(ident, ...) \
	static const struct field ident##_fields[] = {__VA_ARGS__}; \
	const struct schema ident = {ident##_fields, sizeof ident##_fields / sizeof ident##_fields[0]}

/* the schema of requests that take nothing */
extern const struct schema schema_none;
/* page and per_page, the query of every plain list */
extern const struct schema schema_page;

struct schema_err {
	const char *code;    /* from the error catalogue */
	const char *field;   /* the offending field or parameter; points into the input, the schema
				or path */
	char path[96];       /* a field inside an array of objects: "items[2].result" */
};

/* Checks a parsed body object; trims one-line strings in place. 0, or -1 with *e set. */
int schema_check_body(const struct schema *s, json_t *obj, struct schema_err *e);

struct qparam;
/* Checks decoded query parameters. 0, or -1 with *e set. */
int schema_check_query(const struct schema *s, const struct qparam *q, int nq, struct schema_err *e);

/* Narrows s/n to drop leading and trailing spaces, tabs and U+3000 (the ideographic space), as
 * every one-line field is trimmed. */
void text_trim(const char **s, size_t *n);
/* Counts UTF-8 characters of s; -1 when s holds a control character not allowed by multiline. */
long utf8_chars(const char *s, size_t n, int multiline);
/* Parses YYYY-MM-DD (a real date) into its days since 1970-01-01; 0 or -1. */
int parse_date(const char *s, int64_t *days);
/* Parses a decimal integer with nothing around it; 0 or -1. */
int parse_int64(const char *s, int64_t *out);

#endif
