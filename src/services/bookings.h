/* bookings.h — a booking's life: requested → confirmed → checked in → completed → reviewed, or
 * cancelled / no-show. Assigning, confirming and checking in each re-check "may serve now"; a
 * worker's live bookings never overlap, decided inside the write transaction. */
#ifndef BOOKINGS_H
#define BOOKINGS_H

#include <stdint.h>

#include "anjia.h"
#include "auth/caps.h"
#include "workforce/eligibility.h"

struct store;

struct booking_in {
	int64_t customer_id, service_item_id, worker_id; /* worker_id 0: the company assigns */
	int64_t start, end;                              /* instants */
	const char *address, *phone, *note; /* phone: the household's mobile number, NULL for none */
	const char *agreement;   /* how the customer agreed: NULL (online, themselves), phone_call, in_person */
	const char *district;    /* the district served in (as the city's districts are spelt), or NULL */
};

/* A booking's address and telephone, opened for those who may read them. */
struct contact {
	char address[1024];
	char phone[32];   /* "" for a booking made without one */
};

/* Opens booking id's address and telephone into *out, whoever asks: the caller decides who may.
 * AJ_EGONE when they were destroyed (retention, a closed account); AJ_EDENIED when they are sealed
 * under a key this server does not hold; AJ_ENOTFOUND. */
int booking_contact(struct store *s, int64_t id, struct contact *out);
/* The address and telephone for a acting as role, when they may read them now, recorded on the
 * booking's timeline, in the access log and the audit chain (its own transaction). AJ_EDENIED when
 * they may not; as booking_contact otherwise. */
int booking_open_contact(struct store *s, const struct actor *a, enum role role, int64_t id, struct contact *out);
/* Whether the worker and the company may read a booking's address and telephone now: confirmed or
 * checked in, or completed (done) less than visible_hours ago. */
int booking_contact_open_now(const char *status, int64_t confirmed, int64_t done, int64_t now, int visible_hours);

/* Refusals: invalid_period, start_in_past, too_long, item_inactive, worker_not_of_company,
 * worker_not_eligible (with *res), worker_busy; AJ_ENOTFOUND for no such item. */
int booking_create(struct store *s, const struct actor *a, const struct booking_in *in, int64_t *id,
		   struct elig_result *res, struct fault *f);
/* Assigns worker_id to a requested booking of company_scope (0: any). Same refusals, and
 * invalid_transition. */
int booking_assign(struct store *s, const struct actor *a, int64_t id, int64_t worker_id, int64_t company_scope,
		   struct elig_result *res, struct fault *f);

/* Releases worker_id's bookings with company_id that are requested or confirmed and not over yet,
 * when the worker leaves that company: each back to the company's unassigned queue (requested, no
 * worker), with a "release" timeline event and its notices, inside the caller's write. */
int bookings_release_worker(struct store *s, int64_t worker_id, int64_t company_id);

/* Moves a requested or confirmed booking to [start, end) (and, for its company, to worker_id; 0
 * keeps the worker): the rules of booking_create, then back to requested for the worker to confirm.
 * Refusals as booking_create, and forbidden (a customer naming a worker), invalid_transition. */
int booking_reschedule(struct store *s, const struct actor *a, enum role role, int64_t id, int64_t start,
		       int64_t end, int64_t worker_id, const char *reason, struct elig_result *res, struct fault *f);

/* The deadline job's pass: every request not confirmed by its start, or request_confirm_hours after
 * it was made, is cancelled by the platform (the worker's time freed, the parties told), each in its
 * own transaction with its audit record; *expired counts them. */
int bookings_expire(struct store *s, int64_t now, int *expired);

enum booking_action { BA_CONFIRM, BA_CHECKIN, BA_CHECKOUT, BA_CANCEL, BA_NO_SHOW };

/* One answer to a category item. */
struct answer {
	int64_t item_id;
	const char *answer;   /* pre: "done"; in: pass, fail, na; post: yes, no */
	const char *note;
};

/* Makes a move on booking id as actor a in role: confirm (ans: every pre-service item "done"),
 * check in, check out (ans: every in-service item pass/fail/na), cancel (reason), no-show (party,
 * reason). Refusals: invalid_transition (409), forbidden, no_worker, too_early, not_started,
 * worker_not_eligible (with *res), item_unknown, checklist_incomplete; AJ_ENOTFOUND when the actor
 * has no part in it. */
int booking_move(struct store *s, const struct actor *a, enum role role, int64_t id, enum booking_action act,
		 const struct answer *ans, int n, const char *reason, const char *party, struct elig_result *res,
		 struct fault *f);

/* Checks booking id out as booking_move does, with code (NULL: none) the one-time code its customer's
 * booking shows, which confirms the service happened (services/evidence.h). Refusals as
 * booking_move, and service_code_wrong (the try counted), service_code_spent. */
int booking_checkout(struct store *s, const struct actor *a, enum role role, int64_t id, const struct answer *ans,
		     int n, const char *reason, const char *code, struct elig_result *res, struct fault *f);

/* The booking's customer reviews it, once, when completed and confirmed: scores overall, punctuality, skill,
 * attitude, hygiene (1–5), the post-service feedback answers. The review counts in the month the
 * service was completed; its signals are computed and kept with it (services/reviews.h). Refusals:
 * already_reviewed, invalid_transition, service_stopped, service_not_confirmed, item_unknown. */
int review_create(struct store *s, const struct actor *a, enum role role, int64_t id, const int scores[5],
		  const char *comment, const struct answer *ans, int n, struct fault *f);

/* A booking of the past, recorded whole — served, checked in and out, reviewed — with one timeline
 * event and one audit record: for loading an industry's history in bulk. The caller keeps the
 * rules (no overlaps, a worker who could serve then) and calls ratings_rebuild afterwards. */
struct booking_history {
	int64_t customer_id, company_id, service_item_id, category_id, worker_id;
	int64_t price_fen;                               /* the item's unit price: the fee follows from the window */
	const char *trade, *address, *phone, *comment;   /* address and phone in clear: sealed here */
	int64_t created, start, end, confirmed, checked_in, checked_out, reviewed;
	int late;
	int scores[5];
};
int booking_history_add(struct store *s, const struct actor *a, const struct booking_history *h, int64_t *id);
/* Recomputes the running rating sums from the reviews not excluded. */
int ratings_rebuild(struct store *s);

struct strbuf;
/* The booking's audited state, for audit_append_state. */
int booking_audit_state(struct store *s, int64_t id, struct strbuf *sb);
struct req;
/* Replies with booking id as its caller may see it, without its address and telephone. */
void booking_reply(struct req *r, int64_t id, int status);

#endif
