/* audit.h — the hash-chained audit log. Every write appends one record in its own transaction;
 * each record's hash covers the previous record's hash, so altering or removing any row breaks
 * the chain from that row on. */
#ifndef AUDIT_H
#define AUDIT_H

#include <stddef.h>
#include <stdint.h>

#include "../anjia.h"

struct store;

/* Appends a record inside the caller's open write transaction. state is the entity's new state
 * as JSON (its SHA-256 is kept), or NULL when the entity was removed. 0 or a negative error. */
int audit_append(struct store *s, const struct actor *a, const char *action, const char *entity,
		 int64_t entity_id, const char *state, size_t state_len);

struct strbuf;
/* Appends the audit record of entity id's new state, as state() writes it, inside the caller's
 * open write transaction: for a write that changes many entities before one commit. */
int audit_append_state(struct store *s, const struct actor *a, const char *action, const char *entity,
		       int64_t id, int (*state)(struct store *s, int64_t id, struct strbuf *sb));

struct stmt;
struct jw;
/* Writes the one row statement st finds, as row() writes it, into sb — an entity's state for
 * audit_append_state. AJ_ENOTFOUND when there is none. Finishes st. */
int audit_row_state(struct stmt *st, void (*row)(struct jw *w, struct stmt *st), struct strbuf *sb);

struct audit_result {
	int ok;
	int64_t entries;
	int64_t first_bad;   /* id of the first record that fails, 0 when ok */
	/* what is wrong there: records_missing, broken_link, record_altered, head_mismatch,
	 * head_missing, checkpoint_mismatch, checkpoint_forged; NULL when ok */
	const char *reason_code;
	char reason[200];    /* the same, in English words for the command line */
	int64_t checkpoints; /* stored signed checkpoints judged against the chain */
	int64_t checkpoint;  /* id of the first of them that fails, 0 when none does */
	int signatures_checked; /* 0 when no key was at hand: the checkpoints' hashes were compared only */
};

/* Walks the whole chain, then judges the stored checkpoints against it and their signatures under
 * the process's key (when keys_open has loaded it). Returns 0 when it could be read (result in
 * *out), else an error. */
int audit_verify(struct store *s, struct audit_result *out);
/* The same with the checkpoints' signatures checked under pk (32 bytes; NULL: hashes only). */
int audit_verify_key(struct store *s, const unsigned char *pk, struct audit_result *out);

/* The record hash: exposed for tests that tamper with rows. */
void audit_record_hash(const char *prev_hash, int64_t id, int64_t at, int64_t actor_id,
		       const char *actor_label, const char *action, const char *entity,
		       int64_t entity_id, const char *digest, char out[65]);

#endif
