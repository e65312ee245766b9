/* claims.h — compensation claims inside a complaint: the amount claimed with its evidence, the
 * decision (approved amount, reason, who pays), the payment, and for the association's advance
 * payment (先行赔付) its recovery; the decision and the payment each have a deadline. */
#ifndef CLAIMS_H
#define CLAIMS_H

#include <stdint.h>

#include "anjia.h"
#include "auth/caps.h"

struct store;

/* CL_ADVANCE: the association steps in for a payer who missed the payment deadline — the approved
 * amount becomes its advance payment (先行赔付), which it pays and later recovers. */
enum claim_action { CL_FILE, CL_DECIDE, CL_PAY, CL_RECOVER, CL_ADVANCE };

/* amount is the one claimed, approved, paid or recovered; text the description or the reason. */
struct claim_in {
	int64_t amount;        /* claimed, approved, paid or recovered */
	const char *text;      /* description or reason */
	const char *evidence;  /* JSON this program wrote */
	const char *payer, *date, *reference;
};

/* Files a claim in complaint id (CL_FILE), or decides, pays or records the recovery of claim id;
 * *claim_id is the claim's. The complaint's timeline and both audit records in the same write. */
int claim_write(struct store *s, const struct actor *a, enum role role, enum claim_action act, int64_t id,
		const struct claim_in *in, int64_t *claim_id, struct fault *f);

/* The deadline job's part: a decision or a payment past its deadline escalates the complaint. One
 * write; running it again changes nothing. */
int claims_deadlines(struct store *s, int *breached);

#endif
