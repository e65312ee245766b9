/* complaints.h — complaints: intake from any channel, the feedback and resolution clocks (the
 * resolution clock paused only while the complaint waits for the customer's answer to a question,
 * for a limited time and a limited number of times), handling by the company or the association,
 * the customer's acceptance, reopening and rating. Claims (claims.c) live inside a complaint. */
#ifndef COMPLAINTS_H
#define COMPLAINTS_H

#include <stdint.h>

#include "anjia.h"
#include "auth/caps.h"

struct store;
struct strbuf;

/* A complaint as the rules about it need it. */
struct complaint {
	int64_t id, customer_id, company_id, worker_id, booking_id;
	int64_t taken_by, first_feedback_at, paused_at, reopen_until, escalated_at;
	int64_t pause_until;        /* while paused: when the pause ends by itself */
	int pauses;                 /* how many times its clock was paused */
	char status[20], handler[12], tracking_no[24];
	char verification[12];      /* "" (needs none), pending, verified or rejected */
};

/* Whether complaint c is an accusation the service centre has not verified (yet, or at all). */
int complaint_unverified(const struct complaint *c);

/* The parts someone can have in a complaint. */
enum { CP_CUSTOMER = 1, CP_COMPANY = 2, CP_AGENT = 4, CP_ASSOCIATION = 8 };

int complaint_load(struct store *s, int64_t id, struct complaint *c);
int complaint_part(enum role role, const struct actor *a, const struct complaint *c);
/* CP_COMPANY while the company handles it, and the association always: who decides. */
int complaint_handlers(const struct complaint *c);
/* A timeline event of complaint id (internal: hidden from the customer), inside the caller's write. */
int complaint_event(struct store *s, const struct actor *a, int64_t id, const char *action, const char *from,
		    const char *to, const char *note, int internal);
/* Escalates to the association's queue (once) and tells it and the company why, inside the caller's
 * write; note, when set, is the code the timeline's "escalate" event carries (feedback_late,
 * resolve_late, decision_late, payment_late). */
int complaint_escalate(struct store *s, const struct actor *a, const struct complaint *c, const char *topic,
		       const char *why_zh, const char *why_en, const char *note);
/* A notice about complaint c (its tracking number first) to its customer, when they have an
 * account, or to its company; inside the caller's write. complaint_tell_caller reaches the
 * complainant either way: the customer's account, or — for a caller without one — the service
 * centre (the agent who took the call, else the association's people), who rings them back. */
int complaint_tell_customer(struct store *s, const struct complaint *c, const char *topic, const char *zh,
			    const char *en);
int complaint_tell_company(struct store *s, const struct complaint *c, const char *topic, const char *zh,
			   const char *en);
int complaint_tell_caller(struct store *s, const struct complaint *c, const char *topic, const char *zh,
			  const char *en, const char *centre_zh, const char *centre_en);
/* A claim as the API shows it, from a row of CLAIM_COLUMNS selected FROM claims (claims.c writes
 * the claims and their view; a complaint's view carries them). */
#define CLAIM_COLUMNS \
	"claims.id, claims.complaint_id, claims.amount_fen, claims.description, claims.evidence, claims.status," \
	" claims.created_at, claims.decision_due, coalesce(claims.decided_at, 0), claims.approved_fen," \
	" claims.decision_reason, claims.payer, coalesce(claims.payment_due, 0), claims.paid_on, claims.paid_fen," \
	" claims.payment_ref, claims.recovered_on, claims.recovered_fen, claims.recovery_ref, claims.decision_breached," \
	" claims.payment_breached, coalesce(claims.accept_until, 0), coalesce(claims.accepted_at, 0)," \
	" coalesce(claims.worker_accepted_at, 0), coalesce(claims.final_at, 0), claims.final_by," \
	" coalesce(claims.disputed_at, 0), claims.disputed_by, claims.dispute_reason, coalesce(claims.objected_at, 0)," \
	" claims.objection_reason, coalesce(claims.reviewed_at, 0), claims.first_approved_fen, claims.first_payer," \
	" claims.first_reason, coalesce(claims.paid_at, 0), claims.proof_ref, claims.proof_by," \
	" (SELECT u.name FROM users u WHERE u.id = claims.proof_by), coalesce(claims.confirmed_at, 0)," \
	" claims.confirmed_by, coalesce(claims.receipt_disputed_at, 0), claims.receipt_dispute_reason," \
	" claims.advanced_from"
struct jw;
struct stmt;
void claim_row_json(struct jw *w, struct stmt *st);
/* The audited state of a complaint. */
int complaint_state(struct store *s, int64_t id, struct strbuf *sb);

/* What a complaint is about and who made it; the subject is completed from the booking or the
 * worker. evidence is a JSON array this program wrote. */
struct complaint_in {
	int64_t booking_id, company_id, worker_id, customer_id;
	const char *category, *description, *channel, *contact_name, *contact_phone;
	const char *evidence;   /* a JSON array this program wrote */
	const char *peer;       /* the network address a customer files it from (NULL: none counted) */
	int64_t retry_after;    /* out: past a limit on complaints without a booking, seconds until the
				 * oldest counted leaves its period */
};
/* Files a complaint (customer_id, for a customer, is themself): its tracking number and both
 * deadlines at once, the company notified — unless it is not about a booking of its customer's:
 * then it waits for the service centre's verification (complaint_verify_hours), unseen by the
 * company, its clocks not running, and it is refused past unbooked_complaints_max such complaints
 * against the company in unbooked_complaint_days from one account, call-back number or (for a
 * customer on the web) network address (AJ_ELIMIT, too_many_unbooked_complaints, field account,
 * contact_phone or address). Refusals set *f. */
int complaint_create(struct store *s, const struct actor *a, enum role role, struct complaint_in *in,
		     int64_t *id, struct fault *f);

enum complaint_action { CA_RESPONSIBLE, CA_FEEDBACK, CA_ANSWER, CA_NOTE, CA_ESCALATE, CA_TAKEOVER, CA_RESOLVE,
			CA_ACCEPT, CA_REOPEN, CA_VERIFY, CA_REJECT };

/* What a move carries: text is the feedback, answer, note, remedy, reason or comment (for
 * CA_VERIFY what the service centre found, for CA_REJECT the reason the complainant is told); rating the
 * handling's, when accepting (required) or reopening (optional, 0: none). */
struct move_in {
	const char *text;       /* feedback, answer, note, remedy, reason or comment */
	const char *person, *duty, *finding;
	int ask, rating;
};

/* The content of text as the feedback standard counts it (complaint_text_min): a letter or digit
 * counts 1, a Chinese (Japanese, Korean) character 2, spaces, punctuation and symbols nothing. */
int complaint_text_substance(const char *text);

/* One move by someone with a part in complaint id: 404 without a part, 403 for a part that may not
 * make it, 409 from a state it does not start from — and, while the complaint waits for its
 * verification, for anything but a note, more said by the complainant, and the verification
 * itself (CA_VERIFY: its clocks start and the company is told; CA_REJECT: closed, the complainant
 * told why), which only the service centre and the association make. */
int complaint_move(struct store *s, const struct actor *a, enum role role, int64_t id, enum complaint_action act,
		   const struct move_in *in, struct fault *f);

/* A look-up of people by telephone (the queue's search, the service centre's) on the access log:
 * one row per customer it found (customer ids; 0 stands for a caller without an account), or one
 * for nobody. */
#define COMPLAINT_LOOKUP_MAX 100
struct req;
void complaint_log_phone_lookup(struct req *r, const int64_t *customers, int n, const char *via);

/* The service centre's search: up to 20 complaints, newest first, whose caller, booking household
 * or customer's bookings have the telephone of look-up hash hash, or (like, a LIKE pattern) whose
 * tracking number, caller's or customer's name matches; a JSON array with the members of the list. */
int complaints_found_json(struct store *s, const char *hash, const char *like, struct jw *w);
/* What the public tracking page shows of complaint id: status, category, the caller's own
 * description, the company, the clocks and the steps (when, what, from and to which state) —
 * never a person's name, a telephone or what a handler wrote. */
int complaint_public_json(struct store *s, int64_t id, struct jw *w);

/* The deadline job's part: a question waiting past half its pause reminds the customer (or the
 * service centre, for a caller without an account); a pause past its limit ends and the clock runs
 * again; breaches of the feedback and resolution clocks escalate; resolutions whose reopening window
 * passed close; a verification past its deadline is marked and the association told (never the
 * company, whose clocks have not started). One write; running it again changes nothing. */
struct complaints_job {
	int breached, closed, resumed, reminded;
	int verify_overdue;     /* complaints the service centre did not verify in time: the association told */
};
int complaints_deadlines(struct store *s, struct complaints_job *out);

#endif
