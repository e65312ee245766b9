/* timeline.h — the steps of a booking, a complaint and a spot check: who took which step when, from
 * which status to which, and what they wrote. Each kind of record keeps its steps in a table of its
 * own (booking_events, complaint_events, inspection_events); this module alone writes and reads them,
 * so a record's history is shown the same way wherever it is shown. */
#ifndef TIMELINE_H
#define TIMELINE_H

#include <stddef.h>
#include <stdint.h>

#include "anjia.h"

struct store;
struct jw;

enum timeline_of { TIMELINE_BOOKING, TIMELINE_COMPLAINT, TIMELINE_INSPECTION };

/* Inside the caller's write: adds a step to record id, taken by a now. from and to are the statuses
 * before and after (NULL when it did not move; a spot check's steps keep none); internal marks a
 * complaint's step its customer is not shown (a note between the company and the association). */
int timeline_add(struct store *s, enum timeline_of of, int64_t id, const struct actor *a, const char *action,
		 const char *from, const char *to, const char *note, int internal);

/* What one reader is shown of a timeline. */
struct timeline_view {
	int hide_internal;   /* a complaint's customer: its internal steps left out */
	/* a booking's customer shown by this name (a finished booking's household, to its worker),
	 * or NULL: by their own */
	const char *customer_as;
	/* NULL, or how a worker who took a step is named (for readers who see workers' names masked) */
	void (*mask)(const char *name, char *out, size_t n);
};

/* Writes "key": [{"at","actor","actor_role","action","from","to","note","internal"}…], oldest first;
 * 0 or a negative error (the array is closed either way). */
int timeline_json(struct store *s, struct jw *w, const char *key, enum timeline_of of, int64_t id,
		  const struct timeline_view *v);

/* Writes "key": the steps of complaint id anyone tracking it may see — [{"at","action","from","to"}…]:
 * what happened and when, not who took the step nor what they wrote. */
int timeline_public_json(struct store *s, struct jw *w, const char *key, int64_t id);

/* The latest step of record id. */
struct timeline_step {
	char action[40];
	int64_t actor_id;              /* 0 for the platform itself */
	char actor_name[96], actor_role[24];
	char note[512];                /* empty when the step has none */
};
/* AJ_ENOTFOUND when the record has no step. */
int timeline_last(struct store *s, enum timeline_of of, int64_t id, struct timeline_step *out);

/* Inside the caller's write: every note user wrote on a complaint's steps becomes text (the person's
 * erasure: the steps stay, their words go). */
int timeline_erase_notes(struct store *s, int64_t user, const char *text);

#endif
