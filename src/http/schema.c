/* schema.c — the checks every declared field gets, in one place, so handlers can trust their input. */
#include "schema.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../util/timefmt.h"
#include "req.h"

static const struct field none_fields[1];
const struct schema schema_none = {none_fields, 0};

SCHEMA(schema_page, S_INT("page", 0, 1, 1000000), S_INT("per_page", 0, 1, 100));

long utf8_chars(const char *s, size_t n, int multiline)
{
	long count = 0;
	const unsigned char *p = (const unsigned char *)s;
	for (size_t i = 0; i < n; i++) {
		unsigned c = p[i];
		if (c < 0x20 || c == 0x7f) {
			if (!multiline || (c != '\n' && c != '\t' && c != '\r'))
				return -1;
		}
		if ((c & 0xC0) != 0x80)
			count++;
	}
	return count;
}

int parse_int64(const char *s, int64_t *out)
{
	char *end;
	if (!s || !*s || (*s != '-' && (*s < '0' || *s > '9')))
		return -1;
	errno = 0;
	long long v = strtoll(s, &end, 10);
	if (errno || *end != '\0')
		return -1;
	*out = v;
	return 0;
}

int parse_date(const char *s, int64_t *days)
{
	int y = 0, m = 0, d = 0;
	if (!s || strlen(s) != 10 || s[4] != '-' || s[7] != '-')
		return -1;
	for (int i = 0; i < 10; i++)
		if (i != 4 && i != 7 && (s[i] < '0' || s[i] > '9'))
			return -1;
	y = (s[0] - '0') * 1000 + (s[1] - '0') * 100 + (s[2] - '0') * 10 + (s[3] - '0');
	m = (s[5] - '0') * 10 + (s[6] - '0');
	d = (s[8] - '0') * 10 + (s[9] - '0');
	if (!time_valid_date(y, m, d) || y < 1900)
		return -1;
	*days = time_days_from_civil(y, (unsigned)m, (unsigned)d);
	return 0;
}

static const struct field *find(const struct schema *s, const char *name)
{
	for (size_t i = 0; i < s->n; i++)
		if (strcmp(s->f[i].name, name) == 0)
			return &s->f[i];
	return NULL;
}

static int in_values(const char *const *values, const char *v)
{
	for (; values && *values; values++)
		if (strcmp(*values, v) == 0)
			return 1;
	return 0;
}

void text_trim(const char **s, size_t *n)
{
	const char *p = *s;
	size_t len = *n;
	for (;;) {
		if (len && (*p == ' ' || *p == '\t'))
			p++, len--;
		else if (len >= 3 && memcmp(p, "\xe3\x80\x80", 3) == 0)
			p += 3, len -= 3;
		else
			break;
	}
	for (;;) {
		if (len && (p[len - 1] == ' ' || p[len - 1] == '\t'))
			len--;
		else if (len >= 3 && memcmp(p + len - 3, "\xe3\x80\x80", 3) == 0)
			len -= 3;
		else
			break;
	}
	*s = p;
	*n = len;
}

static int fail(struct schema_err *e, const char *code, const char *field)
{
	e->code = code;
	e->field = field;
	return -1;
}

/* Checks one string against a string field's rules. */
static int check_text(const struct field *f, const char *s, size_t n, int multiline, int64_t max,
		      struct schema_err *e)
{
	long chars = utf8_chars(s, n, multiline);
	if (chars < 0)
		return fail(e, "invalid_characters", f->name);
	if (chars < f->min && f->type != FT_STRINGS)
		return fail(e, "too_short", f->name);
	if (chars > max)
		return fail(e, "too_long", f->name);
	return 0;
}

static int check_value(const struct field *f, json_t *obj, const char *key, json_t *v,
		       struct schema_err *e)
{
	switch (f->type) {
	case FT_STRING:
	case FT_TEXT: {
		if (!json_is_string(v))
			return fail(e, "invalid_type", f->name);
		const char *s = json_string_value(v);
		size_t n = json_string_length(v);
		if (f->type == FT_STRING) {
			const char *t = s;
			size_t tn = n;
			text_trim(&t, &tn);
			if (tn != n) {
				json_t *copy = json_stringn(t, tn);
				json_object_set_new(obj, key, copy);
				v = copy;
				s = json_string_value(v);
				n = tn;
			}
		}
		return check_text(f, s, n, f->type == FT_TEXT, f->max, e);
	}
	case FT_DATE: {
		int64_t days;
		if (!json_is_string(v))
			return fail(e, "invalid_type", f->name);
		return parse_date(json_string_value(v), &days) == 0 ? 0 : fail(e, "invalid_date", f->name);
	}
	case FT_IDS: {
		if (!json_is_array(v))
			return fail(e, "invalid_type", f->name);
		size_t n = json_array_size(v);
		if ((int64_t)n < f->min)
			return fail(e, "too_short", f->name);
		if ((int64_t)n > f->max)
			return fail(e, "too_many", f->name);
		for (size_t i = 0; i < n; i++) {
			json_t *it = json_array_get(v, i);
			if (!json_is_integer(it))
				return fail(e, "invalid_type", f->name);
			if (json_integer_value(it) < 1)
				return fail(e, "out_of_range", f->name);
		}
		return 0;
	}
	case FT_OBJECTS: {
		if (!json_is_array(v))
			return fail(e, "invalid_type", f->name);
		size_t n = json_array_size(v);
		if ((int64_t)n < f->min)
			return fail(e, "too_short", f->name);
		if ((int64_t)n > f->max)
			return fail(e, "too_many", f->name);
		for (size_t i = 0; i < n; i++) {
			json_t *it = json_array_get(v, i);
			if (schema_check_body(f->sub, it, e) == 0)
				continue;
			/* name the place: items[2].result */
			char inner[64];
			str_copy(inner, sizeof inner, e->field ? e->field : "");
			snprintf(e->path, sizeof e->path, "%s[%zu]%s%s", f->name, i, inner[0] ? "." : "", inner);
			e->field = e->path;
			return -1;
		}
		return 0;
	}
	case FT_SECRET: {
		if (!json_is_string(v))
			return fail(e, "invalid_type", f->name);
		const unsigned char *p = (const unsigned char *)json_string_value(v);
		int64_t chars = 0;
		for (size_t i = 0; i < json_string_length(v); i++)
			chars += (p[i] & 0xC0) != 0x80;
		return chars > f->max ? fail(e, "too_long", f->name) : 0;
	}
	case FT_INT:
		if (!json_is_integer(v))
			return fail(e, "invalid_type", f->name);
		if (json_integer_value(v) < f->min || json_integer_value(v) > f->max)
			return fail(e, "out_of_range", f->name);
		return 0;
	case FT_BOOL:
		return json_is_boolean(v) ? 0 : fail(e, "invalid_type", f->name);
	case FT_ENUM:
		if (!json_is_string(v))
			return fail(e, "invalid_type", f->name);
		return in_values(f->values, json_string_value(v)) ? 0 : fail(e, "invalid_value", f->name);
	case FT_TIME: {
		int64_t t;
		if (!json_is_string(v))
			return fail(e, "invalid_type", f->name);
		return time_parse_iso(json_string_value(v), &t) == 0 ? 0 : fail(e, "invalid_time", f->name);
	}
	case FT_STRINGS: {
		if (!json_is_array(v))
			return fail(e, "invalid_type", f->name);
		size_t n = json_array_size(v);
		if ((int64_t)n < f->min)
			return fail(e, "too_short", f->name);
		if ((int64_t)n > f->max)
			return fail(e, "too_many", f->name);
		for (size_t i = 0; i < n; i++) {
			json_t *it = json_array_get(v, i);
			if (!json_is_string(it))
				return fail(e, "invalid_type", f->name);
			if (check_text(f, json_string_value(it), json_string_length(it), 0, f->item_max, e))
				return -1;
			if (json_string_length(it) == 0)
				return fail(e, "too_short", f->name);
			if (f->values && !in_values(f->values, json_string_value(it)))
				return fail(e, "invalid_value", f->name);
		}
		return 0;
	}
	}
	return fail(e, "invalid_type", f->name);
}

int schema_check_body(const struct schema *s, json_t *obj, struct schema_err *e)
{
	const char *key;
	json_t *v;
	void *tmp;
	if (!json_is_object(obj))
		return fail(e, "body_not_object", NULL);
	json_object_foreach_safe(obj, tmp, key, v) {
		const struct field *f = find(s, key);
		if (!f)
			return fail(e, "unknown_field", key);
		if (json_is_null(v)) {
			if (f->flags & F_NULL)
				continue;
			return fail(e, (f->flags & F_REQ) ? "missing_field" : "invalid_type", f->name);
		}
		if (check_value(f, obj, key, v, e))
			return -1;
	}
	for (size_t i = 0; i < s->n; i++) {
		if (!(s->f[i].flags & F_REQ))
			continue;
		v = json_object_get(obj, s->f[i].name);
		if (!v || (json_is_null(v) && !(s->f[i].flags & F_NULL)))
			return fail(e, "missing_field", s->f[i].name);
	}
	return 0;
}

int schema_check_query(const struct schema *s, const struct qparam *q, int nq, struct schema_err *e)
{
	for (int i = 0; i < nq; i++) {
		const struct field *f = find(s, q[i].name);
		if (!f)
			return fail(e, "unknown_parameter", q[i].name);
		for (int j = 0; j < i; j++)
			if (strcmp(q[j].name, q[i].name) == 0)
				return fail(e, "invalid_parameter", f->name);
		const char *v = q[i].value;
		int64_t n;
		switch (f->type) {
		case FT_INT:
			if (parse_int64(v, &n) || n < f->min || n > f->max)
				return fail(e, "invalid_parameter", f->name);
			break;
		case FT_BOOL:
			if (strcmp(v, "true") && strcmp(v, "false") && strcmp(v, "1") && strcmp(v, "0"))
				return fail(e, "invalid_parameter", f->name);
			break;
		case FT_ENUM:
			if (!in_values(f->values, v))
				return fail(e, "invalid_parameter", f->name);
			break;
		case FT_TIME:
			if (time_parse_iso(v, &n))
				return fail(e, "invalid_parameter", f->name);
			break;
		case FT_DATE:
			if (parse_date(v, &n))
				return fail(e, "invalid_parameter", f->name);
			break;
		default: {
			long chars = utf8_chars(v, strlen(v), 0);
			if (chars < 0 || chars < f->min || chars > (f->max ? f->max : 200))
				return fail(e, "invalid_parameter", f->name);
		}
		}
	}
	for (size_t i = 0; i < s->n; i++) {
		if (!(s->f[i].flags & F_REQ))
			continue;
		int found = 0;
		for (int j = 0; j < nq && !found; j++)
			found = strcmp(q[j].name, s->f[i].name) == 0;
		if (!found)
			return fail(e, "invalid_parameter", s->f[i].name);
	}
	return 0;
}
