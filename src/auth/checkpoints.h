/* checkpoints.h — signed checkpoints of the audit chain. The association's key (in the key file,
 * outside the database) signs the chain's head now and then; whoever saved a checkpoint can later
 * prove that the history up to it is still the one that was signed, because nobody who can only
 * write the database can sign a rewritten one. The message signed is in docs/api.md. */
#ifndef CHECKPOINTS_H
#define CHECKPOINTS_H

#include <stddef.h>
#include <stdint.h>

struct actor;
struct store;

/* The version of the signed message, its first line "anjia-audit-checkpoint-1". */
#define CHECKPOINT_VERSION 1
#define CHECKPOINT_MESSAGE_MAX 160
#define CHECKPOINT_SIG_B64_LEN 87 /* 64 bytes as unpadded base64url and NUL */

/* One checkpoint, as stored and as published. */
struct checkpoint {
	int64_t id;
	int version;
	int64_t record_id;                 /* the chain's last record when it was signed */
	char hash[65];                     /* that record's hash */
	int64_t at;                        /* UTC seconds */
	char kid[17];
	char signature[CHECKPOINT_SIG_B64_LEN];
};

/* What a checkpoint says of the chain as it stands. */
enum checkpoint_verdict {
	CHECKPOINT_MATCHES = 0,
	CHECKPOINT_FORGED,   /* its signature does not hold under the key (or it names another key) */
	CHECKPOINT_MISSING,  /* the chain no longer has its record */
	CHECKPOINT_DIFFERS,  /* the chain's record there has another hash: history up to it was rewritten */
	CHECKPOINT_UNLISTED, /* genuine and matching, but gone from the database's own checkpoints */
};

/* Writes the signed message of c into out (n bytes, CHECKPOINT_MESSAGE_MAX is enough); returns its
 * length, or 0 when it does not fit. */
size_t checkpoint_message(const struct checkpoint *c, char *out, size_t n);

/* Signs the chain's head as a new checkpoint, in one transaction with its own audit record by a, when
 * the chain has a record newer than the last checkpoint's own and the last checkpoint is at least
 * min_age seconds old (or there is none). *written is 1 when it did. Without the process's keys
 * (keys_open) it writes nothing. 0 or a negative error. */
int checkpoint_sign(struct store *s, const struct actor *a, int64_t min_age, int *written);

/* Judges c: its signature under pk (32 bytes), then the chain's hash at its record; with listed
 * set, also that the database still lists it. A verdict, or a negative error. */
int checkpoint_judge(struct store *s, const struct checkpoint *c, const unsigned char *pk, int listed);

/* What checkpoints_check_stored found. */
struct checkpoint_check {
	int64_t checked;           /* stored checkpoints judged */
	int64_t good_upto;         /* the newest record a matching checkpoint vouches for, 0 for none */
	struct checkpoint bad;     /* the first one that fails, oldest first; bad.id is 0 when none does */
	int verdict;               /* bad's verdict */
};

/* Judges every stored checkpoint against the chain, and its signature under pk (32 bytes; NULL
 * checks the hashes only). 0 or a negative error. */
int checkpoints_check_stored(struct store *s, const unsigned char *pk, struct checkpoint_check *out);

/* Reads checkpoints saved from GET /api/public/audit/checkpoints: the answer's object, or an array
 * of its items. *out (free() it) holds *n of them; on a malformed text returns AJ_EINVAL with why
 * (n bytes) saying what is wrong. */
int checkpoints_parse(const char *text, size_t len, struct checkpoint **out, size_t *n, char *why, size_t why_n);

#endif
