/* subject.h — a person's rights over what is held about them: see and copy, correct, close the
 * account; the requests a holder answers. */
#ifndef SUBJECT_H
#define SUBJECT_H

#include <stdint.h>

struct store;
struct jw;

/* Writes the array of who read subject ("worker" or "customer") id's personal data, newest first,
 * at most limit entries. */
void access_views_json(struct store *s, const char *subject, int64_t id, int limit, struct jw *w);

#endif
