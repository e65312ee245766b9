/* access.h — the log of every read of a person's personal data by someone else, and of every
 * look-up of a person by resident ID number, with the per-company limit on look-ups. Written in its
 * own transaction (with one audit record), outside the read or the registration it records, so a
 * refused or rolled-back registration still leaves its trace. */
#ifndef ACCESS_H
#define ACCESS_H

#include <stdint.h>

#include "anjia.h"

struct store;
struct req;

/* One person whose data a request read: subject "worker" (workers.id) or "customer" (users.id);
 * what: phone, address, contact_phone, record, full_record. */
struct access_entry {
	const char *subject;
	int64_t subject_id;
	const char *what;
};

/* Starts the writer that records reads in batches, on its own connection to db_path (`serve` does);
 * until then, and after access_writer_stop (which writes what waits first), reads are written at
 * once. */
int access_writer_start(const char *db_path);
void access_writer_stop(void);
/* Waits until every read handed to the writer so far is written: for those who read the log. */
void access_flush(void);

/* Records that actor read the entries (n of them) through via ("booking:12", "worker_list"): handed
 * to the writer when it runs, else in a transaction of its own. It does not make public answers
 * stale. A failure is logged, never fails the read. */
void access_record(struct store *s, const struct actor *a, const struct access_entry *e, int n, const char *via);
/* The same inside the caller's open write transaction (its audit record covers them). */
int access_add(struct store *s, const struct actor *a, const struct access_entry *e, int n, const char *via);
/* The same for the caller of r. */
void access_record_req(struct req *r, const struct access_entry *e, int n, const char *via);

/* Records a look-up of a person by ID number: worker_id found (0: nobody), its outcome (new,
 * transfer, moved, already_registered, name_mismatch, revoked, transfer_pending), via register,
 * import or dry_run. Its own transaction. */
int access_record_lookup(struct store *s, const struct actor *a, int64_t worker_id, const char *outcome,
			 const char *via);
/* How many more look-ups org_id may make in the hour ending now (the association's standard
 * registry_lookups_per_hour); *retry_after, when none are left, the seconds until one is. The
 * association and the command line are not limited (org_id 0). */
int access_lookups_left(struct store *s, int64_t org_id, int64_t now, int64_t *left, int64_t *retry_after);
/* 1 when org_id's look-ups by ID number or name found worker_id at or after instant since. */
int access_found_since(struct store *s, int64_t org_id, int64_t worker_id, int64_t since);

#endif
