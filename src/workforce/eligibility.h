/* eligibility.h — "may serve now": DOMAIN rule 1, the green/yellow/red status of the provincial
 * home-service codes. One pure function judges a worker's facts for a trade at a time; the facts
 * are kept in worker_facts by every write that changes them, so a judgement is two indexed reads.
 * Bookings call this at assignment, confirmation and check-in. */
#ifndef ELIGIBILITY_H
#define ELIGIBILITY_H

#include <stdint.h>

#include "standards.h"
#include "util/json_out.h"

struct store;

enum elig_status { ELIG_GREEN = 0, ELIG_YELLOW = 1, ELIG_RED = 2 };

#define ELIG_MAX_REASONS 24

struct elig_reason {
	const char *code;
	int red;             /* 1 red (may not serve), 0 yellow */
	int64_t date;        /* a local day the reason names (lapse, end of grace, suspension), or -1 */
	char detail[96];     /* e.g. the course or the missing safety topics; may be empty */
};

struct elig_result {
	enum elig_status status;
	int n;
	struct elig_reason r[ELIG_MAX_REASONS];
};

/* Safety topics, bits of safety_mask. */
enum { SAFETY_FIRST_AID = 1, SAFETY_FIRE = 2, SAFETY_PROTECTION = 4, SAFETY_ALL = 7 };

/* What the rule reads about one worker, and about their certificate in the trade asked. */
struct elig_facts {
	int revoked;
	int64_t suspended_until;   /* instant it ends, 0 none */
	int employed;
	unsigned trades_mask;
	int identity_ok;
	int background, health, insurance;             /* 0 none, 1 pass, 2 fail */
	int64_t background_until, health_until, insurance_until; /* instant each lapses, 0 never */
	unsigned safety_mask;
	unsigned fail_mask;
	int fail_general;
	int refresher_q1, refresher_q2;
	int first_cert_q;          /* quarter of the first certificate's first day in any trade, 0 none:
				      the refresher is owed from the quarter after it */
	int cert;                  /* 0 none, 1 valid, 2 revoked */
	int64_t cert_from, cert_until; /* instants */
};

/* What a judgement is for: serving checks everything; issuing a certificate checks what the
 * certificate rests on (not the certificate itself, the employer or the quarter's refresher). */
enum elig_purpose { ELIG_FOR_SERVICE, ELIG_FOR_CERTIFICATE };

/* Whether the quarter of instant at owes a refresher the facts f do not show passed: 0 no, 1 owed
 * and still within the grace period (ending at *grace_end), 2 owed and late. */
int elig_refresher_owed(const struct elig_facts *f, int64_t at, const struct standards *sd, int64_t *grace_end);
/* Judges facts f for trade (an index of trades[]) at instant at. */
void elig_compute(const struct elig_facts *f, int trade, int64_t at, const struct standards *sd,
		  enum elig_purpose purpose, struct elig_result *out);
/* Judges facts f for trade over the whole window [start, end): the judgement at start, with every
 * red reason of any instant inside the window added — the rule's facts only worsen at the instants
 * something lapses (a check, the certificate) or a quarter's refresher falls due, so those are the
 * instants judged. A window of no length is judged at start alone. */
void elig_compute_span(const struct elig_facts *f, int trade, int64_t start, int64_t end,
		       const struct standards *sd, enum elig_purpose purpose, struct elig_result *out);
/* elig_load, the standards, elig_compute_span. */
int elig_evaluate_span(struct store *s, int64_t worker_id, int trade, int64_t start, int64_t end,
		       enum elig_purpose purpose, struct elig_result *out);
/* When facts f let the worker serve trade: from `from` until the earlier of `until` and
 * `refresher_until` + the standard's grace period — the interval that runs furthest into the future
 * (from the quarter of their latest refresher on, or from their certificate while no refresher is
 * owed yet). The grace period is left to the reader so a
 * change of that standard needs no recomputing. The rule decides; this is its projection for
 * search, and tests hold the two together. */
struct elig_window {
	int64_t from, until, refresher_until;
};
/* 0 when there is no such interval. */
int elig_window(const struct elig_facts *f, int trade, struct elig_window *w);
/* The end of the interval under the standards sd. */
int64_t elig_window_end(const struct elig_window *w, const struct standards *sd);
/* Loads worker_id's facts and their best certificate in trade; AJ_ENOTFOUND for no such worker. */
int elig_load(struct store *s, int64_t worker_id, int trade, struct elig_facts *f);
/* Loads only the certificate part of *f for trade (the rest stays). */
int elig_load_cert(struct store *s, int64_t worker_id, int trade, struct elig_facts *f);
/* elig_load, the standards, elig_compute. */
int elig_evaluate(struct store *s, int64_t worker_id, int trade, int64_t at, enum elig_purpose purpose,
		  struct elig_result *out);
/* Recomputes worker_id's facts from their record, checks and training, and their windows per trade;
 * call it inside the write transaction that changed any of these or a certificate. */
int elig_refresh(struct store *s, int64_t worker_id);

const char *elig_status_name(enum elig_status st);
/* Writes the reasons array; with the course detail filled in from the store where one applies. */
void elig_reasons_json(struct jw *w, const struct elig_result *res, int lang);
/* The message of a reason code in lang (0 Chinese, 1 English). */
const char *elig_message(const char *code, int lang);

/* The worker's colour over all their trades, and what lapses within the warning window. */
struct elig_summary {
	enum elig_status status;
	int n_trades;
	int trade[8];
	enum elig_status trade_status[8];
	int n_lapsing;
	struct {
		const char *what;   /* health, background, insurance, certificate, refresher */
		int trade;          /* certificates: the trade; -1 otherwise */
		int64_t date;       /* the local day */
	} lapsing[16];
};
int elig_summary(struct store *s, int64_t worker_id, int64_t at, struct elig_summary *out);
void elig_summary_json(struct jw *w, const struct elig_summary *sum);

#endif
