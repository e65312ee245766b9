/* claims.h — compensation claims inside a complaint: the amount claimed with its evidence, the
 * decision (approved amount, reason, who pays) — a proposal the customer accepts or disputes, and a
 * worker named to pay accepts or objects to, until claim_accept_days pass; a dispute decided again
 * by the association, whose decision binds — the payment, confirmed by the customer (or by the
 * payer, or the payer's settlement document), and for the association's advance payment (先行赔付)
 * its recovery; the decision and the payment each have a deadline. */
#ifndef CLAIMS_H
#define CLAIMS_H

#include <stdint.h>

#include "anjia.h"
#include "auth/caps.h"

struct store;

/* CL_ADVANCE: the association steps in for a payer who missed the payment deadline, or whose
 * recorded payment the customer has not confirmed (past its deadline, or disputed) — the approved
 * amount becomes its advance payment (先行赔付), which it pays and later recovers.
 * CL_ACCEPT, CL_DISPUTE: the customer's answer to a decision (CL_ACCEPT also the worker's);
 * CL_OBJECT the worker's objection; CL_REVIEW the association's decision of a disputed claim;
 * CL_RECEIPT, CL_RECEIPT_DISPUTE the customer's word on a payment; CL_PAYER_CONFIRM the worker's. */
enum claim_action { CL_FILE, CL_DECIDE, CL_PAY, CL_RECOVER, CL_ADVANCE, CL_ACCEPT, CL_DISPUTE, CL_OBJECT, CL_REVIEW,
		    CL_RECEIPT, CL_RECEIPT_DISPUTE, CL_PAYER_CONFIRM };

/* amount is the one claimed, approved, paid or recovered; text the description or the reason. */
struct claim_in {
	int64_t amount;        /* claimed, approved, paid or recovered */
	const char *text;      /* description or reason */
	const char *evidence;  /* JSON this program wrote */
	const char *payer, *date, *reference;
	const char *proof;     /* a payment's: the payer's settlement document, its number */
};

/* Files a claim in complaint id (CL_FILE), or makes move act on claim id; *claim_id is the
 * claim's. The complaint's timeline, both audit records and the step's notices in the same write.
 * The worker named to pay acts as ROLE_WORKER. */
int claim_write(struct store *s, const struct actor *a, enum role role, enum claim_action act, int64_t id,
		const struct claim_in *in, int64_t *claim_id, struct fault *f);

/* Whether ref is a payment's or a settlement's reference of the minimum form: at least min letters
 * and digits, four of them digits, not one character repeated. */
int claim_reference_ok(const char *ref, int min);

/* The deadline job's part: a decision nobody answered within claim_accept_days becomes final
 * (*final); a decision, or a payment (unpaid, or recorded and confirmed by nobody), past its
 * deadline escalates the complaint (*breached). One write; running it again changes nothing. */
int claims_deadlines(struct store *s, int *breached, int *final);

#endif
