/* notify.h — what the platform leaves for people (the outbox a delivery channel sends from, and
 * the web shows), and what it records against a worker or a company (the conduct record). */
#ifndef NOTIFY_H
#define NOTIFY_H

#include <stdint.h>

struct store;

/* A notice to every user of org_id (or, when org_id is 0, to user user_id) about subject
 * (kind "complaint", "claim" or "inspection", id), inside the caller's write. Every event is its own
 * notice; what must happen once (a breach) is guarded by its own mark, written in the same write. */
int notify(struct store *s, int64_t org_id, int64_t user_id, const char *topic, const char *kind, int64_t id,
	   const char *text_zh, const char *text_en);

/* The association's organisation id (its escalation queue), or 0. */
int64_t association_org(struct store *s);

/* Records kind ("complaint_upheld", "complaint_partly_upheld", "spot_check_failed") from source
 * (kind, id) against a worker or company; once per subject and source. Inside the caller's write. */
int conduct_record(struct store *s, const char *subject, int64_t subject_id, const char *kind,
		   const char *source_kind, int64_t source_id, const char *note);

struct jw;
/* Writes "conduct": what was recorded against the worker or company since then, as counts:
 * {"since", "complaints_upheld", "complaints_partly_upheld", "spot_checks_failed"}. */
void conduct_counts_json(struct store *s, const char *subject, int64_t id, int64_t since, struct jw *w);
/* Writes the array of what was recorded against the worker or company, newest first (100 at most):
 * {"kind", "source_kind", "source_id", "at"}. */
void conduct_list_json(struct store *s, const char *subject, int64_t id, struct jw *w);

#endif
