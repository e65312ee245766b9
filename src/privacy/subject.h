/* subject.h — a person's rights over what is held about them: see and copy, correct, close the
 * account; the requests a holder answers. */
#ifndef SUBJECT_H
#define SUBJECT_H

#include <stdint.h>

#include "anjia.h"

struct store;
struct jw;

/* Opens a request of kind ("correction", "erasure") by user about field, with whoever holds that
 * part of their record (the employer for a worker's working record, the association for who a
 * person is and for customers), due in the standard's days; the holder is told. Its own
 * transaction. */
int data_request_open(struct store *s, const struct actor *a, int64_t user, const char *kind, const char *field,
		      const char *text, int64_t *id, struct fault *f);
/* Answers request id as done (carrying out an erasure) or refused, with answer; scope limits it to
 * one holder (0: the association, any). Refusals: invalid_transition; AJ_ENOTFOUND. */
int data_request_answer(struct store *s, const struct actor *a, int64_t id, int64_t scope, int done,
			const char *answer, struct fault *f);

/* Writes the array of who read subject ("worker" or "customer") id's personal data, newest first,
 * at most limit entries. */
void access_views_json(struct store *s, const char *subject, int64_t id, int limit, struct jw *w);

#endif
