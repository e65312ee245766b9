/* claims.c — compensation claims: filed by the customer (or an agent for them), decided by whoever
 * handles the complaint, paid by the payer decided (the association itself for an advance payment,
 * which it later records as recovered). The company deciding its own claim does not settle it: its
 * decision is a proposal the customer accepts or disputes (and a worker named to pay accepts or
 * objects to) until claim_accept_days pass; a dispute or an objection goes to the association,
 * whose decision binds. A payment counts once the customer confirms receipt — or, for an insurer or
 * a worker paying, once the payer confirms it or the company gives the settlement's number and is
 * recorded as vouching for it. Each write is one transaction with the complaint's timeline event,
 * the claim's audit record and the notices of the step. */
#include "claims.h"

#include <stdio.h>
#include <string.h>

#include "auth/audit.h"
#include "http/req.h"
#include "http/schema.h"
#include "notify.h"
#include "rights/complaints.h"
#include "rows.h"
#include "standards.h"
#include "store/store.h"
#include "util/clock.h"
#include "util/timefmt.h"
#include "workforce/worker_access.h"

static const char *const payers[] = {"company", "worker", "insurer", "advance", NULL};
static const char *const list_states[] = {"disputed", "proposed", "unconfirmed", "receipt_disputed", "open", "all",
					  NULL};

/* a claim is at most a million yuan */
#define CLAIM_MAX_FEN 100000000
#define CLAIMS_PER_COMPLAINT 5
/* of a reference's letters and digits, at least so many digits: a transfer, a policy or a
 * settlement is numbered */
#define REFERENCE_DIGITS 4

SCHEMA(claim_body, S_INT("amount_fen", F_REQ, 1, CLAIM_MAX_FEN), S_TEXT("description", F_REQ, 2000),
       S_STRS("evidence", F_NULL, 0, 10, 300, NULL));
SCHEMA(decision_body, S_INT("approved_fen", F_REQ, 0, CLAIM_MAX_FEN), S_STR("reason", F_REQ, 2, 500),
       S_ENUM("payer", F_NULL, payers));
SCHEMA(claim_review_body, S_INT("approved_fen", F_REQ, 0, CLAIM_MAX_FEN), S_STR("reason", F_REQ, 2, 500),
       S_ENUM("payer", F_NULL, payers));
SCHEMA(payment_body, S_DATE("paid_on", F_REQ), S_INT("amount_fen", F_REQ, 1, CLAIM_MAX_FEN),
       S_STR("reference", F_REQ, 2, 100), S_STR("proof", F_NULL, 2, 100));
SCHEMA(recovery_body, S_DATE("paid_on", F_REQ), S_INT("amount_fen", F_REQ, 1, CLAIM_MAX_FEN),
       S_STR("reference", F_REQ, 2, 100));
SCHEMA(advance_body, S_STR("reason", F_REQ, 2, 500));
SCHEMA(claim_reason_body, S_STR("reason", F_REQ, 2, 500));
SCHEMA(receipt_body, S_BOOL("received", F_REQ), S_STR("reason", F_NULL, 2, 500));
SCHEMA(claims_query, S_ENUM("state", 0, list_states), S_INT("page", 0, 1, 1000000), S_INT("per_page", 0, 1, 100));

/* The worker named to pay, when it is the one acting (complaint_part gives a worker no part). */
#define CP_WORKER 16

struct claim {
	int64_t id, complaint_id, amount, approved, decided_at, paid, recovered, payment_due;
	int64_t accept_until, accepted_at, worker_accepted_at, final_at, disputed_at, objected_at;
	int64_t paid_at, confirmed_at, receipt_disputed_at;
	int payment_breached, customer_disputed;
	char status[12], payer[12], paid_on[11], confirmed_by[12], first_payer[12], advanced_from[12];
};

static int load(struct store *s, int64_t id, struct claim *c)
{
	struct stmt *st = store_sql(s, "SELECT id, complaint_id, amount_fen, coalesce(approved_fen, 0), status,"
				       " coalesce(payer, ''), coalesce(decided_at, 0), coalesce(paid_fen, 0),"
				       " coalesce(recovered_fen, 0), coalesce(paid_on, ''), payment_breached,"
				       " coalesce(payment_due, 0), coalesce(accept_until, 0), coalesce(accepted_at, 0),"
				       " coalesce(worker_accepted_at, 0), coalesce(final_at, 0), coalesce(disputed_at, 0),"
				       " coalesce(objected_at, 0), coalesce(paid_at, 0), coalesce(confirmed_at, 0),"
				       " coalesce(confirmed_by, ''), coalesce(receipt_disputed_at, 0), coalesce(first_payer, ''),"
				       " coalesce(advanced_from, ''), dispute_reason IS NOT NULL FROM claims WHERE id = $1");
	stmt_bind_int(st, 1, id);
	int rc = stmt_step(st);
	if (rc == STORE_ROW) {
		c->id = stmt_int(st, 0);
		c->complaint_id = stmt_int(st, 1);
		c->amount = stmt_int(st, 2);
		c->approved = stmt_int(st, 3);
		str_copy(c->status, sizeof c->status, stmt_text(st, 4));
		str_copy(c->payer, sizeof c->payer, stmt_text(st, 5));
		c->decided_at = stmt_int(st, 6);
		c->paid = stmt_int(st, 7);
		c->recovered = stmt_int(st, 8);
		str_copy(c->paid_on, sizeof c->paid_on, stmt_text(st, 9));
		c->payment_breached = (int)stmt_int(st, 10);
		c->payment_due = stmt_int(st, 11);
		c->accept_until = stmt_int(st, 12);
		c->accepted_at = stmt_int(st, 13);
		c->worker_accepted_at = stmt_int(st, 14);
		c->final_at = stmt_int(st, 15);
		c->disputed_at = stmt_int(st, 16);
		c->objected_at = stmt_int(st, 17);
		c->paid_at = stmt_int(st, 18);
		c->confirmed_at = stmt_int(st, 19);
		str_copy(c->confirmed_by, sizeof c->confirmed_by, stmt_text(st, 20));
		c->receipt_disputed_at = stmt_int(st, 21);
		str_copy(c->first_payer, sizeof c->first_payer, stmt_text(st, 22));
		str_copy(c->advanced_from, sizeof c->advanced_from, stmt_text(st, 23));
		c->customer_disputed = (int)stmt_int(st, 24);
	}
	stmt_done(st);
	return rc == STORE_ROW ? AJ_OK : rc == STORE_DONE ? AJ_ENOTFOUND : rc;
}

/* ---- the claim as the API shows it ---- */

static void kint_or_null(struct jw *w, const char *key, struct stmt *st, int col)
{
	jw_key(w, key);
	if (stmt_is_null(st, col))
		jw_null(w);
	else
		jw_int(w, stmt_int(st, col));
}

/* The members of the claim at the current row of CLAIM_COLUMNS. */
static void claim_fields(struct jw *w, struct stmt *st)
{
	const char *status = stmt_text(st, 5);
	jw_kint(w, "id", stmt_int(st, 0));
	jw_kint(w, "complaint_id", stmt_int(st, 1));
	jw_kint(w, "amount_fen", stmt_int(st, 2));
	jw_kstr(w, "description", stmt_text(st, 3));
	jw_key(w, "evidence");
	const char *ev = stmt_text(st, 4);
	jw_raw(w, ev ? ev : "[]", ev ? strlen(ev) : 2);
	jw_kstr(w, "status", status);
	jw_ktime(w, "created_at", stmt_int(st, 6));
	jw_ktime(w, "decision_due", stmt_int(st, 7));
	jw_ktime(w, "decided_at", stmt_int(st, 8));
	kint_or_null(w, "approved_fen", st, 9);
	jw_kstr(w, "decision_reason", stmt_text(st, 10));
	jw_kstr(w, "payer", stmt_text(st, 11));
	jw_ktime(w, "payment_due", stmt_int(st, 12));
	jw_kstr(w, "paid_on", stmt_text(st, 13));
	kint_or_null(w, "paid_fen", st, 14);
	jw_kstr(w, "payment_ref", stmt_text(st, 15));
	jw_kstr(w, "recovered_on", stmt_text(st, 16));
	kint_or_null(w, "recovered_fen", st, 17);
	jw_kstr(w, "recovery_ref", stmt_text(st, 18));
	jw_kbool(w, "decision_breached", (int)stmt_int(st, 19));
	jw_kbool(w, "payment_breached", (int)stmt_int(st, 20));
	/* the decision: proposed (waiting for the customer, and a worker named to pay), disputed (with the
	 * association), final */
	jw_kstr(w, "decision_state", strcmp(status, "claimed") == 0 ? NULL
				     : stmt_int(st, 24)	? "final"
				     : stmt_int(st, 26)	? "disputed"
							: "proposed");
	jw_ktime(w, "accept_until", stmt_int(st, 24) ? 0 : stmt_int(st, 21));
	jw_ktime(w, "accepted_at", stmt_int(st, 22));
	jw_ktime(w, "worker_accepted_at", stmt_int(st, 23));
	jw_ktime(w, "final_at", stmt_int(st, 24));
	jw_kstr(w, "final_by", stmt_text(st, 25));
	jw_ktime(w, "disputed_at", stmt_int(st, 26));
	jw_kstr(w, "disputed_by", stmt_text(st, 27));
	jw_kstr(w, "dispute_reason", stmt_text(st, 28));
	jw_ktime(w, "objected_at", stmt_int(st, 29));
	jw_kstr(w, "objection_reason", stmt_text(st, 30));
	jw_ktime(w, "reviewed_at", stmt_int(st, 31));
	jw_key(w, "first_decision");
	if (!stmt_int(st, 31)) {
		jw_null(w);
	} else {
		jw_obj(w);
		kint_or_null(w, "approved_fen", st, 32);
		jw_kstr(w, "payer", stmt_text(st, 33));
		jw_kstr(w, "reason", stmt_text(st, 34));
		jw_obj_end(w);
	}
	/* the payment: confirmed (by the customer, the payer, the payer's settlement document or, for
	 * its advance, the association), unconfirmed, or disputed by the customer */
	jw_kstr(w, "payment_state", stmt_is_null(st, 14) ? NULL
				    : stmt_int(st, 41)	 ? "receipt_disputed"
				    : stmt_int(st, 39)	 ? "confirmed"
							 : "unconfirmed");
	jw_ktime(w, "paid_at", stmt_int(st, 35));
	jw_kstr(w, "proof_ref", stmt_text(st, 36));
	jw_kref(w, "proof_by", stmt_int(st, 37), stmt_text(st, 38));
	jw_ktime(w, "confirmed_at", stmt_int(st, 39));
	jw_kstr(w, "confirmed_by", stmt_text(st, 40));
	jw_ktime(w, "receipt_disputed_at", stmt_int(st, 41));
	jw_kstr(w, "receipt_dispute_reason", stmt_text(st, 42));
	jw_kstr(w, "advanced_from", stmt_text(st, 43));
}

void claim_row_json(struct jw *w, struct stmt *st)
{
	jw_obj(w);
	claim_fields(w, st);
	jw_obj_end(w);
}

static int claim_state(struct store *s, int64_t id, struct strbuf *sb)
{
	struct stmt *st = store_sql(s, "SELECT " CLAIM_COLUMNS " FROM claims WHERE claims.id = $1");
	stmt_bind_int(st, 1, id);
	return audit_row_state(st, claim_row_json, sb);
}

/* ---- what the rules need ---- */

/* "1280.00" */
static void yuan(int64_t fen, char out[24])
{
	snprintf(out, 24, "%lld.%02lld", (long long)(fen / 100), (long long)(fen % 100));
}

/* "2026-12-01 09:00" in the platform's zone */
static void local_minute(int64_t t, char out[20])
{
	char day[11];
	int64_t secs = (t + (int64_t)time_offset() * 60) % 86400;
	if (secs < 0)
		secs += 86400;
	time_format_date(time_local_days(t), day);
	snprintf(out, 20, "%s %02d:%02d", day, (int)(secs / 3600), (int)(secs / 60 % 60));
}

static int says_enough(const struct standards *sd, const char *text)
{
	return complaint_text_substance(text) >= sd->complaint_text_min;
}

/* A payment's or a settlement's reference: at least claim_reference_min letters and digits, at
 * least REFERENCE_DIGITS of them digits, and not one character over and over — the number of a
 * transfer, a receipt or an insurer's settlement, not "xx". */
int claim_reference_ok(const char *ref, int min)
{
	int alnum = 0, digits = 0, distinct = 0;
	unsigned char seen[128] = {0};
	for (const unsigned char *p = (const unsigned char *)(ref ? ref : ""); *p; p++) {
		int c = *p;
		if (c >= 'a' && c <= 'z')
			c -= 'a' - 'A';
		int digit = c >= '0' && c <= '9', letter = c >= 'A' && c <= 'Z';
		if (!digit && !letter)
			continue;
		alnum++;
		digits += digit;
		if (!seen[c]) {
			seen[c] = 1;
			distinct++;
		}
	}
	return alnum >= min && digits >= REFERENCE_DIGITS && distinct >= 3;
}

/* The user account of worker id, active; 0 when it has none. */
static int worker_user(struct store *s, int64_t worker_id, int64_t *user)
{
	*user = 0;
	if (!worker_id)
		return AJ_OK;
	struct stmt *st = store_sql(s, "SELECT w.user_id FROM workers w JOIN users u ON u.id = w.user_id"
				       " WHERE w.id = $1 AND u.status = 'active'");
	stmt_bind_int(st, 1, worker_id);
	int rc = stmt_one_int(st, user);
	return rc == AJ_ENOTFOUND ? AJ_OK : rc;
}

/* Whether the claim names the complaint's worker to pay: now, before the association decided
 * again, or before the association stepped in for them. */
static int names_worker(const struct claim *cl)
{
	return strcmp(cl->payer, "worker") == 0 || strcmp(cl->first_payer, "worker") == 0 ||
	       strcmp(cl->advanced_from, "worker") == 0;
}

/* The customer, or the service centre for a caller without an account: who answers for the claimant. */
static int for_customer(int part, const struct complaint *c)
{
	return (part & CP_CUSTOMER) || ((part & CP_AGENT) && !c->customer_id);
}

/* ---- notices ---- */

static int tell(struct store *s, const struct complaint *c, int64_t org, int64_t user, const char *topic,
		const char *zh, const char *en)
{
	char tzh[512], ten[512];
	snprintf(tzh, sizeof tzh, "投诉 %s：%s", c->tracking_no, zh);
	snprintf(ten, sizeof ten, "Complaint %s: %s", c->tracking_no, en);
	return notify(s, org, user, topic, "complaint", c->id, tzh, ten);
}

/* To the claimant: their account, or — for a caller without one — the service centre, who rings
 * them back. */
static int tell_customer(struct store *s, const struct complaint *c, const char *topic, const char *zh, const char *en)
{
	if (c->customer_id)
		return tell(s, c, 0, c->customer_id, topic, zh, en);
	return complaint_tell_caller(s, c, topic, zh, en, "来电人的赔偿申请有新进展，请回电告知，并代其答复。",
				     "the caller's claim has moved on: ring them back and answer for them.");
}

static int tell_company(struct store *s, const struct complaint *c, const char *topic, const char *zh, const char *en)
{
	return tell(s, c, c->company_id, 0, topic, zh, en);
}

static int tell_association(struct store *s, const struct complaint *c, const char *topic, const char *zh,
			    const char *en)
{
	return tell(s, c, association_org(s), 0, topic, zh, en);
}

/* To the worker named to pay, in their account (subject: the claim, which they see in theirs). */
static int tell_worker(struct store *s, const struct complaint *c, int64_t user, int64_t claim_id, const char *topic,
		       const char *zh, const char *en)
{
	if (!user)
		return AJ_OK;
	char tzh[512], ten[512];
	snprintf(tzh, sizeof tzh, "投诉 %s 的赔偿：%s", c->tracking_no, zh);
	snprintf(ten, sizeof ten, "The claim of complaint %s: %s", c->tracking_no, en);
	return notify(s, 0, user, topic, "claim", claim_id, tzh, ten);
}

static const char *payer_zh(const char *payer)
{
	return strcmp(payer, "worker") == 0 ? "服务人员" : strcmp(payer, "insurer") == 0 ? "保险公司"
					     : strcmp(payer, "advance") == 0 ? "协会（先行赔付）"
									     : "企业";
}

static const char *payer_en(const char *payer)
{
	return strcmp(payer, "worker") == 0 ? "the worker" : strcmp(payer, "insurer") == 0 ? "the insurer"
					     : strcmp(payer, "advance") == 0 ? "the association (in advance)"
									     : "the company";
}

/* Makes the decision final at t (by: accepted, lapse, association): an approved amount is then due
 * within claim_payment_days. */
static int make_final(struct store *s, const struct standards *sd, int64_t id, const char *by, int64_t t)
{
	struct stmt *st = store_sql(s, "UPDATE claims SET final_at = $2, final_by = $3, payment_due = CASE WHEN"
				       " status = 'approved' THEN $4 ELSE NULL END WHERE id = $1");
	stmt_bind_int(st, 1, id);
	stmt_bind_int(st, 2, t);
	stmt_bind_text(st, 3, by);
	stmt_bind_int(st, 4, t + (int64_t)sd->claim_payment_days * 86400);
	return stmt_exec(st);
}

/* The notices of a decision that became final: the customer, the company and a worker named to pay. */
static int tell_final(struct store *s, const struct standards *sd, const struct complaint *c, const struct claim *cl,
		      int64_t worker, int64_t t)
{
	char amount[24], due[20], zh[320], en[320];
	yuan(cl->approved, amount);
	local_minute(t + (int64_t)sd->claim_payment_days * 86400, due);
	int approved = strcmp(cl->status, "approved") == 0;
	if (approved) {
		snprintf(zh, sizeof zh, "赔偿决定已生效：%s 元，由%s在 %s 前支付。", amount, payer_zh(cl->payer), due);
		snprintf(en, sizeof en, "the compensation decision stands: %s yuan, paid by %s by %s.", amount,
			 payer_en(cl->payer), due);
	} else {
		snprintf(zh, sizeof zh, "不予赔偿的决定已生效。");
		snprintf(en, sizeof en, "the decision to pay nothing stands.");
	}
	int rc = tell_customer(s, c, "claim_final", zh, en);
	if (rc == AJ_OK)
		rc = tell_company(s, c, "claim_final", zh, en);
	if (rc == AJ_OK && approved && strcmp(cl->payer, "worker") == 0)
		rc = tell_worker(s, c, worker, cl->id, "claim_final", zh, en);
	return rc;
}

/* ---- writes ---- */

static int claim_file(struct store *s, const struct actor *a, const struct complaint *c, const struct claim_in *in,
		      int64_t *id, struct fault *f)
{
	struct standards sd;
	int64_t n = 0, now = clock_now();
	struct stmt *st = store_sql(s, "SELECT count(*) FROM claims WHERE complaint_id = $1");
	stmt_bind_int(st, 1, c->id);
	int rc = stmt_one_int(st, &n);
	if (rc || (rc = standards_get(s, &sd)) != AJ_OK)
		return rc;
	if (n >= CLAIMS_PER_COMPLAINT) {
		FAULT(f, "too_many_claims", NULL);
		return AJ_ERULE;
	}
	st = store_sql(s, "INSERT INTO claims (complaint_id, amount_fen, description, evidence, status, created_at,"
			  " created_by, decision_due) VALUES ($1, $2, $3, $4, 'claimed', $5, $6, $7) RETURNING id");
	stmt_bind_int(st, 1, c->id);
	stmt_bind_int(st, 2, in->amount);
	stmt_bind_text(st, 3, in->text);
	stmt_bind_text(st, 4, in->evidence);
	stmt_bind_int(st, 5, now);
	stmt_bind_id(st, 6, a->user_id);
	stmt_bind_int(st, 7, now + (int64_t)sd.claim_decision_days * 86400);
	if ((rc = stmt_one_int(st, id)) != AJ_OK)
		return rc;
	return complaint_tell_company(s, c, "claim_filed", "客户提出了赔偿申请，请在期限内决定。",
				      "a compensation claim was filed; decide it in time.");
}

/* What a decision (the handler's, or the association's on a dispute) must hold: no more than was
 * claimed, a payer for any amount, the association alone paying in advance, a worker to name, and
 * reasons — with content — for granting less than was asked, and always for the association's. */
static int decision_valid(const struct standards *sd, int association, const struct complaint *c,
			  const struct claim *cl, const struct claim_in *in, int reasons, struct fault *f)
{
	if (in->amount > cl->amount) {
		FAULT(f, "approved_above_claim", "approved_fen");
		return AJ_ERULE;
	}
	if (in->amount > 0 && !in->payer) {
		FAULT(f, "missing_field", "payer");
		return AJ_EINVAL;
	}
	if (in->amount > 0 && strcmp(in->payer, "advance") == 0 && !association) {
		FAULT(f, "advance_by_association", "payer");
		return AJ_ERULE;
	}
	if (in->amount > 0 && strcmp(in->payer, "worker") == 0 && !c->worker_id) {
		FAULT(f, "payer_worker_unknown", "payer");
		return AJ_ERULE;
	}
	if ((reasons || in->amount < cl->amount) && !says_enough(sd, in->text)) {
		FAULT(f, "too_little_content", "reason");
		return AJ_ERULE;
	}
	return AJ_OK;
}

/* The handler decides. The company's decision waits for the customer (and a worker named to pay)
 * for claim_accept_days; the association's, as the body that decides disputes, is final at once. */
static int claim_decide(struct store *s, const struct actor *a, int part, const struct complaint *c,
			const struct claim *cl, const struct claim_in *in, int64_t worker, struct fault *f)
{
	struct standards sd;
	int64_t now = clock_now();
	int rc = standards_get(s, &sd);
	if (rc)
		return rc;
	int association = (part & CP_ASSOCIATION) != 0;
	if ((rc = decision_valid(&sd, association, c, cl, in, 0, f)) != AJ_OK)
		return rc;
	struct stmt *st = store_sql(s, "UPDATE claims SET status = $2, decided_at = $3, decided_by = $4, approved_fen = $5,"
				       " decision_reason = $6, payer = $7, payment_due = $8, accept_until = $9,"
				       " final_at = $10, final_by = $11 WHERE id = $1");
	stmt_bind_int(st, 1, cl->id);
	stmt_bind_text(st, 2, in->amount > 0 ? "approved" : "rejected");
	stmt_bind_int(st, 3, now);
	stmt_bind_id(st, 4, a->user_id);
	stmt_bind_int(st, 5, in->amount);
	stmt_bind_text(st, 6, in->text);
	stmt_bind_text(st, 7, in->amount > 0 ? in->payer : NULL);
	if (association && in->amount > 0)
		stmt_bind_int(st, 8, now + (int64_t)sd.claim_payment_days * 86400);
	else
		stmt_bind_null(st, 8);
	if (association) {
		stmt_bind_null(st, 9);
		stmt_bind_int(st, 10, now);
		stmt_bind_text(st, 11, "association");
	} else {
		stmt_bind_int(st, 9, now + (int64_t)sd.claim_accept_days * 86400);
		stmt_bind_null(st, 10);
		stmt_bind_null(st, 11);
	}
	if ((rc = stmt_exec(st)) != AJ_OK)
		return rc;
	char amount[24], asked[24], until[20], zh[400], en[400];
	yuan(in->amount, amount);
	yuan(cl->amount, asked);
	local_minute(now + (int64_t)sd.claim_accept_days * 86400, until);
	if (association)
		snprintf(zh, sizeof zh, "协会对您的赔偿申请作出了决定：批准 %s 元（申请 %s 元）。这是协会的最终决定。", amount,
			 asked);
	else
		snprintf(zh, sizeof zh, "企业对您的赔偿申请作出了决定：批准 %s 元（申请 %s 元）。请在 %s 前接受或提出异议（异议由协会重新决定），逾期视为接受。",
			 amount, asked, until);
	if (association)
		snprintf(en, sizeof en, "the association decided your claim: %s yuan approved of %s claimed. Its decision is final.",
			 amount, asked);
	else
		snprintf(en, sizeof en, "the company decided your claim: %s yuan approved of %s claimed. Accept it or dispute it"
					" (the association decides a dispute) by %s; after that it stands.", amount, asked, until);
	if ((rc = tell_customer(s, c, "claim_decided", zh, en)) != AJ_OK)
		return rc;
	if (association && (rc = tell_company(s, c, "claim_decided", zh, en)) != AJ_OK)
		return rc;
	if (in->amount > 0 && strcmp(in->payer, "worker") == 0) {
		if (association) {
			snprintf(zh, sizeof zh, "协会决定由您承担赔偿 %s 元。这是协会的最终决定。", amount);
			snprintf(en, sizeof en, "the association decided that you pay %s yuan of compensation. Its decision is final.",
				 amount);
		} else {
			snprintf(zh, sizeof zh, "企业决定由您承担赔偿 %s 元（客户申请 %s 元）。如有异议，请在 %s 前提出，协会将重新决定；逾期视为接受。",
				 amount, asked, until);
			snprintf(en, sizeof en, "the company decided that you pay %s yuan of compensation (%s claimed). Object by %s"
						" and the association decides again; after that it stands.", amount, asked, until);
		}
		rc = tell_worker(s, c, worker, cl->id, "claim_payer_named", zh, en);
	}
	return rc;
}

/* The customer (or the worker named to pay) accepts the company's decision; once both have, or
 * the worker has no account to answer in, it is final. */
static int claim_accept(struct store *s, int part, const struct complaint *c, const struct claim *cl, int64_t worker,
			struct fault *f)
{
	struct standards sd;
	int64_t now = clock_now();
	int rc = standards_get(s, &sd);
	if (rc)
		return rc;
	int as_worker = !for_customer(part, c);
	if (as_worker ? cl->worker_accepted_at != 0 : cl->accepted_at != 0) {
		FAULT(f, "already_accepted", "status");
		return AJ_ECONFLICT;
	}
	struct stmt *st = as_worker ? store_sql(s, "UPDATE claims SET worker_accepted_at = $2 WHERE id = $1")
				    : store_sql(s, "UPDATE claims SET accepted_at = $2 WHERE id = $1");
	stmt_bind_int(st, 1, cl->id);
	stmt_bind_int(st, 2, now);
	if ((rc = stmt_exec(st)) != AJ_OK)
		return rc;
	int customer_done = as_worker ? cl->accepted_at != 0 : 1;
	int worker_done = as_worker || strcmp(cl->payer, "worker") != 0 || cl->worker_accepted_at || !worker;
	if (as_worker) {
		rc = tell_customer(s, c, "claim_accepted", "服务人员接受了赔偿决定。", "the worker accepted the decision.");
		if (rc == AJ_OK)
			rc = tell_company(s, c, "claim_accepted", "服务人员接受了赔偿决定。", "the worker accepted the decision.");
	} else {
		rc = tell_company(s, c, "claim_accepted", "客户接受了赔偿决定。", "the customer accepted the decision.");
		if (rc == AJ_OK && strcmp(cl->payer, "worker") == 0)
			rc = tell_worker(s, c, worker, cl->id, "claim_accepted", "客户接受了赔偿决定。",
					 "the customer accepted the decision.");
	}
	if (rc || !customer_done || !worker_done)
		return rc;
	if ((rc = make_final(s, &sd, cl->id, "accepted", now)) != AJ_OK)
		return rc;
	return tell_final(s, &sd, c, cl, worker, now);
}

/* The customer disputes the decision, or the worker named to pay objects to it: the association
 * decides it again. */
static int claim_dispute(struct store *s, enum claim_action act, const struct complaint *c, const struct claim *cl,
			 const struct claim_in *in, int64_t worker, struct fault *f)
{
	struct standards sd;
	int64_t now = clock_now();
	int rc = standards_get(s, &sd);
	if (rc)
		return rc;
	int object = act == CL_OBJECT;
	if (object ? cl->objected_at != 0 : cl->customer_disputed) {
		FAULT(f, "already_disputed", "status");
		return AJ_ECONFLICT;
	}
	if (object ? cl->worker_accepted_at != 0 : cl->accepted_at != 0) {
		FAULT(f, "already_accepted", "status");
		return AJ_ECONFLICT;
	}
	if (!says_enough(&sd, in->text)) {
		FAULT(f, "too_little_content", "reason");
		return AJ_ERULE;
	}
	struct stmt *st = object
		? store_sql(s, "UPDATE claims SET objected_at = $2, objection_reason = $3, disputed_at = coalesce(disputed_at, $2),"
			       " disputed_by = coalesce(disputed_by, 'worker'), disputed_month = coalesce(disputed_month, $4)"
			       " WHERE id = $1")
		: store_sql(s, "UPDATE claims SET dispute_reason = $3, disputed_at = coalesce(disputed_at, $2),"
			       " disputed_by = coalesce(disputed_by, 'customer'), disputed_month = coalesce(disputed_month, $4)"
			       " WHERE id = $1");
	stmt_bind_int(st, 1, cl->id);
	stmt_bind_int(st, 2, now);
	stmt_bind_text(st, 3, in->text);
	stmt_bind_int(st, 4, time_month(now));
	if ((rc = stmt_exec(st)) != AJ_OK)
		return rc;
	const char *zh = object ? "被要求承担赔偿的服务人员提出异议，赔偿决定转由协会重新决定。"
				: "客户对赔偿决定提出异议，赔偿决定转由协会重新决定。";
	const char *en = object ? "the worker named to pay objects; the association will decide the claim again."
				: "the customer disputes the decision; the association will decide the claim again.";
	rc = tell_association(s, c, "claim_disputed", zh, en);
	if (rc == AJ_OK)
		rc = tell_company(s, c, "claim_disputed", zh, en);
	if (rc == AJ_OK && object)
		rc = tell_customer(s, c, "claim_disputed", zh, en);
	if (rc == AJ_OK && !object && strcmp(cl->payer, "worker") == 0)
		rc = tell_worker(s, c, worker, cl->id, "claim_disputed", zh, en);
	return rc;
}

/* The association decides a disputed claim again, with its reasons; its decision binds. */
static int claim_review(struct store *s, const struct actor *a, const struct complaint *c, const struct claim *cl,
			const struct claim_in *in, int64_t worker, struct fault *f)
{
	struct standards sd;
	int64_t now = clock_now();
	int rc = standards_get(s, &sd);
	if (rc)
		return rc;
	if ((rc = decision_valid(&sd, 1, c, cl, in, 1, f)) != AJ_OK)
		return rc;
	struct stmt *st = store_sql(s, "UPDATE claims SET first_approved_fen = approved_fen, first_payer = payer,"
				       " first_reason = decision_reason, status = $2, approved_fen = $3, payer = $4,"
				       " decision_reason = $5, decided_at = $6, decided_by = $7, reviewed_at = $6, final_at = $6,"
				       " final_by = 'association', payment_due = $8 WHERE id = $1");
	stmt_bind_int(st, 1, cl->id);
	stmt_bind_text(st, 2, in->amount > 0 ? "approved" : "rejected");
	stmt_bind_int(st, 3, in->amount);
	stmt_bind_text(st, 4, in->amount > 0 ? in->payer : NULL);
	stmt_bind_text(st, 5, in->text);
	stmt_bind_int(st, 6, now);
	stmt_bind_id(st, 7, a->user_id);
	if (in->amount > 0)
		stmt_bind_int(st, 8, now + (int64_t)sd.claim_payment_days * 86400);
	else
		stmt_bind_null(st, 8);
	if ((rc = stmt_exec(st)) != AJ_OK)
		return rc;
	char amount[24], before[24], due[20], zh[400], en[400];
	yuan(in->amount, amount);
	yuan(cl->approved, before);
	local_minute(now + (int64_t)sd.claim_payment_days * 86400, due);
	if (in->amount > 0) {
		snprintf(zh, sizeof zh, "协会重新决定了有争议的赔偿：批准 %s 元（原决定 %s 元），由%s在 %s 前支付。这是协会的最终决定。",
			 amount, before, payer_zh(in->payer), due);
		snprintf(en, sizeof en, "the association decided the disputed claim again: %s yuan (the decision was %s), paid by"
					" %s by %s. Its decision is final.", amount, before, payer_en(in->payer), due);
	} else {
		snprintf(zh, sizeof zh, "协会重新决定了有争议的赔偿：不予赔偿（原决定 %s 元）。这是协会的最终决定。", before);
		snprintf(en, sizeof en, "the association decided the disputed claim again: nothing to pay (the decision was %s)."
					" Its decision is final.", before);
	}
	rc = tell_customer(s, c, "claim_reviewed", zh, en);
	if (rc == AJ_OK)
		rc = tell_company(s, c, "claim_reviewed", zh, en);
	if (rc == AJ_OK && (strcmp(cl->payer, "worker") == 0 || (in->amount > 0 && strcmp(in->payer, "worker") == 0)))
		rc = tell_worker(s, c, worker, cl->id, "claim_reviewed", zh, en);
	return rc;
}

/* A payment of the approved amount (once the decision is final), or a part of an advance recovered. */
static int claim_pay(struct store *s, const struct actor *a, const struct complaint *c, const struct claim *cl,
		     enum claim_action act, const struct claim_in *in, int64_t worker, struct fault *f)
{
	struct standards sd;
	int64_t day, now = clock_now();
	int rc = standards_get(s, &sd);
	if (rc)
		return rc;
	if (parse_date(in->date, &day) != 0 || time_day_start(day) > now) {
		FAULT(f, "date_in_future", "paid_on");
		return AJ_ERULE;
	}
	/* money moves after the decision, and is recovered after it was advanced (days, as written:
	 * YYYY-MM-DD compares in order) */
	char decided[11];
	time_format_date(time_local_days(cl->decided_at), decided);
	if (act == CL_PAY && strcmp(in->date, decided) < 0) {
		FAULT(f, "date_before_decision", "paid_on");
		return AJ_ERULE;
	}
	if (act == CL_RECOVER && strcmp(in->date, cl->paid_on) < 0) {
		FAULT(f, "date_before_payment", "paid_on");
		return AJ_ERULE;
	}
	if (act == CL_PAY && in->amount != cl->approved) {
		FAULT(f, "amount_mismatch", "amount_fen");
		return AJ_ERULE;
	}
	/* an advance is recovered in one sum or in parts, never beyond what is still owed */
	if (act == CL_RECOVER && in->amount > cl->paid - cl->recovered) {
		FAULT(f, "recovery_exceeds", "amount_fen");
		return AJ_ERULE;
	}
	if (!claim_reference_ok(in->reference, sd.claim_reference_min)) {
		FAULT(f, "weak_reference", "reference");
		return AJ_ERULE;
	}
	int advance = strcmp(cl->payer, "advance") == 0, third = strcmp(cl->payer, "insurer") == 0 ||
								  strcmp(cl->payer, "worker") == 0;
	/* an insurer has no account to confirm in: its settlement's number is the proof */
	const char *proof = act == CL_PAY ? in->proof : NULL;
	if (act == CL_PAY && strcmp(cl->payer, "insurer") == 0 && !proof) {
		FAULT(f, "proof_required", "proof");
		return AJ_ERULE;
	}
	if (proof && !claim_reference_ok(proof, sd.claim_reference_min)) {
		FAULT(f, "weak_reference", "proof");
		return AJ_ERULE;
	}
	if (act == CL_RECOVER) {
		struct stmt *st = store_sql(s, "UPDATE claims SET recovered_on = $2, recovered_fen = coalesce(recovered_fen, 0) + $3,"
					       " recovery_ref = $4, status = CASE WHEN coalesce(recovered_fen, 0) + $3 >= paid_fen"
					       " THEN 'recovered' ELSE status END WHERE id = $1");
		stmt_bind_int(st, 1, cl->id);
		stmt_bind_text(st, 2, in->date);
		stmt_bind_int(st, 3, in->amount);
		stmt_bind_text(st, 4, in->reference);
		if ((rc = stmt_exec(st)) != AJ_OK)
			return rc;
		st = store_sql(s, "INSERT INTO claim_recoveries (claim_id, recovered_on, month, amount_fen, reference,"
				  " recorded_by, recorded_at) VALUES ($1, $2, $3, $4, $5, $6, $7)");
		stmt_bind_int(st, 1, cl->id);
		stmt_bind_text(st, 2, in->date);
		stmt_bind_int(st, 3, time_month(time_day_start(day)));
		stmt_bind_int(st, 4, in->amount);
		stmt_bind_text(st, 5, in->reference);
		stmt_bind_id(st, 6, a->user_id);
		stmt_bind_int(st, 7, now);
		if ((rc = stmt_exec(st)) != AJ_OK)
			return rc;
		char amount[24], zh[320], en[320];
		yuan(in->amount, amount);
		snprintf(zh, sizeof zh, "协会已追回先行赔付款 %s 元（凭证 %s）。", amount, in->reference);
		snprintf(en, sizeof en, "the association recovered %s yuan of its advance payment (reference %s).", amount,
			 in->reference);
		rc = tell_company(s, c, "claim_recovered", zh, en);
		if (rc == AJ_OK && strcmp(cl->advanced_from, "worker") == 0)
			rc = tell_worker(s, c, worker, cl->id, "claim_recovered", zh, en);
		return rc;
	}
	/* confirmed at once: the association's own advance (it answers for it), and an insurer's or a
	 * worker's payment with the settlement's number, vouched for by whoever gave it */
	const char *confirmed = advance ? "association" : third && proof ? "proof" : NULL;
	struct stmt *st = store_sql(s, "UPDATE claims SET status = 'paid', paid_on = $2, paid_fen = $3, payment_ref = $4,"
				       " paid_by = $5, paid_month = $6, paid_at = $7, proof_ref = $8, proof_by = $9,"
				       " confirmed_at = $10, confirmed_by = $11, receipt_disputed_at = NULL,"
				       " receipt_dispute_reason = NULL WHERE id = $1");
	stmt_bind_int(st, 1, cl->id);
	stmt_bind_text(st, 2, in->date);
	stmt_bind_int(st, 3, in->amount);
	stmt_bind_text(st, 4, in->reference);
	stmt_bind_id(st, 5, a->user_id);
	stmt_bind_int(st, 6, time_month(time_day_start(day)));
	stmt_bind_int(st, 7, now);
	stmt_bind_text(st, 8, proof);
	stmt_bind_id(st, 9, proof ? a->user_id : 0);
	if (confirmed)
		stmt_bind_int(st, 10, now);
	else
		stmt_bind_null(st, 10);
	stmt_bind_text(st, 11, confirmed);
	if ((rc = stmt_exec(st)) != AJ_OK)
		return rc;
	char amount[24], zh[400], en[400];
	yuan(in->amount, amount);
	snprintf(zh, sizeof zh, "赔偿款 %s 元已记录为于 %s 支付（凭证 %s）。请确认是否收到；如未收到，请说明，协会可先行赔付。",
		 amount, in->date, in->reference);
	snprintf(en, sizeof en, "%s yuan of compensation is recorded as paid on %s (reference %s). Confirm you received it;"
				" if you did not, say so and the association may pay in advance.", amount, in->date, in->reference);
	rc = tell_customer(s, c, "claim_paid", zh, en);
	if (rc == AJ_OK && strcmp(cl->payer, "worker") == 0 && !proof) {
		snprintf(zh, sizeof zh, "企业记录了您支付的赔偿款 %s 元（凭证 %s），请确认。", amount, in->reference);
		snprintf(en, sizeof en, "the company recorded your payment of %s yuan (reference %s); please confirm it.", amount,
			 in->reference);
		rc = tell_worker(s, c, worker, cl->id, "claim_paid", zh, en);
	}
	return rc;
}

/* The customer confirms receipt of the payment, or says it never came. */
static int claim_receipt(struct store *s, enum claim_action act, const struct complaint *c, const struct claim *cl,
			 const struct claim_in *in, int64_t worker, struct fault *f)
{
	struct standards sd;
	int64_t now = clock_now();
	int rc = standards_get(s, &sd);
	if (rc)
		return rc;
	if (strcmp(cl->confirmed_by, "customer") == 0) {
		FAULT(f, "already_confirmed", "status");
		return AJ_ECONFLICT;
	}
	if (act == CL_RECEIPT) {
		struct stmt *st = store_sql(s, "UPDATE claims SET confirmed_at = $2, confirmed_by = 'customer',"
					       " receipt_disputed_at = NULL, receipt_dispute_reason = NULL WHERE id = $1");
		stmt_bind_int(st, 1, cl->id);
		stmt_bind_int(st, 2, now);
		if ((rc = stmt_exec(st)) != AJ_OK)
			return rc;
		rc = tell_company(s, c, "claim_receipt", "客户确认已收到赔偿款。", "the customer confirmed receiving the compensation.");
		if (rc == AJ_OK && strcmp(cl->payer, "worker") == 0)
			rc = tell_worker(s, c, worker, cl->id, "claim_receipt", "客户确认已收到赔偿款。",
					 "the customer confirmed receiving the compensation.");
		if (rc == AJ_OK && (cl->receipt_disputed_at || strcmp(cl->payer, "advance") == 0))
			rc = tell_association(s, c, "claim_receipt", "客户确认已收到赔偿款。",
					      "the customer confirmed receiving the compensation.");
		return rc;
	}
	if (cl->receipt_disputed_at) {
		FAULT(f, "already_disputed", "status");
		return AJ_ECONFLICT;
	}
	if (!says_enough(&sd, in->text)) {
		FAULT(f, "too_little_content", "reason");
		return AJ_ERULE;
	}
	/* the payer's word, or its document, no longer stands against the customer's */
	struct stmt *st = store_sql(s, "UPDATE claims SET receipt_disputed_at = $2, receipt_dispute_reason = $3,"
				       " confirmed_at = NULL, confirmed_by = NULL WHERE id = $1");
	stmt_bind_int(st, 1, cl->id);
	stmt_bind_int(st, 2, now);
	stmt_bind_text(st, 3, in->text);
	if ((rc = stmt_exec(st)) != AJ_OK)
		return rc;
	const char *zh = "客户表示没有收到记录为已支付的赔偿款；协会可先行赔付。",
		   *en = "the customer says the compensation recorded as paid never came; the association may pay in advance.";
	rc = tell_association(s, c, "claim_receipt_disputed", zh, en);
	if (rc == AJ_OK)
		rc = tell_company(s, c, "claim_receipt_disputed", zh, en);
	if (rc == AJ_OK && strcmp(cl->payer, "worker") == 0)
		rc = tell_worker(s, c, worker, cl->id, "claim_receipt_disputed", zh, en);
	return rc;
}

/* The worker named to pay confirms the payment the company recorded as theirs. */
static int claim_payer_confirm(struct store *s, const struct complaint *c, const struct claim *cl, struct fault *f)
{
	if (cl->receipt_disputed_at) {
		FAULT(f, "receipt_disputed", "status");
		return AJ_ECONFLICT;
	}
	if (cl->confirmed_at) {
		FAULT(f, "already_confirmed", "status");
		return AJ_ECONFLICT;
	}
	struct stmt *st = store_sql(s, "UPDATE claims SET confirmed_at = $2, confirmed_by = 'payer' WHERE id = $1");
	stmt_bind_int(st, 1, cl->id);
	stmt_bind_int(st, 2, clock_now());
	int rc = stmt_exec(st);
	if (rc == AJ_OK)
		rc = tell_customer(s, c, "claim_payer_confirmed", "服务人员确认已支付赔偿款；如未收到，请告知。",
				   "the worker confirmed paying the compensation; tell us if you did not receive it.");
	if (rc == AJ_OK)
		rc = tell_company(s, c, "claim_payer_confirmed", "服务人员确认已支付赔偿款。", "the worker confirmed paying the compensation.");
	return rc;
}

/* The association takes over a payment as its advance: one overdue, or one recorded that the
 * customer has not confirmed — past its deadline, or disputed by the customer. The payer it
 * replaces is told, and will be asked for the money back. */
static int claim_advance(struct store *s, const struct complaint *c, const struct claim *cl, int64_t worker,
			 struct fault *f)
{
	int recorded = strcmp(cl->status, "paid") == 0;
	int may = strcmp(cl->payer, "advance") != 0 && cl->final_at &&
		  (recorded ? !cl->confirmed_at && (cl->receipt_disputed_at || cl->payment_breached ||
						    (cl->payment_due && cl->payment_due < clock_now()))
			    : cl->payment_breached);
	if (!may) {
		FAULT(f, "payment_not_overdue", "status");
		return AJ_ECONFLICT;
	}
	/* what the payer recorded goes (the timeline and the audit chain keep it): the association pays */
	struct stmt *st = store_sql(s, "UPDATE claims SET advanced_from = payer, payer = 'advance', status = 'approved',"
				       " paid_on = NULL, paid_fen = NULL, payment_ref = NULL, paid_by = NULL, paid_month = NULL,"
				       " paid_at = NULL, proof_ref = NULL, proof_by = NULL, confirmed_at = NULL, confirmed_by = NULL"
				       " WHERE id = $1");
	stmt_bind_int(st, 1, cl->id);
	int rc = stmt_exec(st);
	if (rc)
		return rc;
	rc = tell_customer(s, c, "claim_advanced", "协会将先行赔付您的赔偿款。", "the association will pay your compensation in advance.");
	if (rc)
		return rc;
	const char *zh = recorded ? "记录的赔偿款未经客户确认收到，协会先行赔付，并将向责任方追偿。"
				  : "赔偿款逾期未付，协会先行赔付，并将向责任方追偿。";
	const char *en = recorded ? "the payment recorded was not confirmed by the customer; the association pays in advance"
				    " and will recover it."
				  : "the compensation was overdue; the association pays it in advance and will recover it.";
	rc = tell_company(s, c, "claim_advanced", zh, en);
	if (rc == AJ_OK && strcmp(cl->payer, "worker") == 0)
		rc = tell_worker(s, c, worker, cl->id, "claim_advanced", zh, en);
	return rc;
}

/* Who may, and from which state, for each write on an existing claim. */
static int claim_allowed(enum claim_action act, int part, const struct complaint *c, const struct claim *cl,
			 struct fault *f)
{
	int customer = for_customer(part, c) ? part & (CP_CUSTOMER | CP_AGENT) : 0, worker = part & CP_WORKER;
	int decided = strcmp(cl->status, "approved") == 0 || strcmp(cl->status, "rejected") == 0;
	int proposed = decided && !cl->final_at, ok, who;
	int payer_worker = strcmp(cl->payer, "worker") == 0;
	switch (act) {
	case CL_DECIDE:
		who = complaint_handlers(c);
		ok = strcmp(cl->status, "claimed") == 0;
		break;
	case CL_ACCEPT:
		who = customer | (payer_worker && strcmp(cl->status, "approved") == 0 ? worker : 0);
		ok = proposed && !cl->disputed_at;
		break;
	case CL_DISPUTE:
		/* also after the worker objected: both say why */
		who = customer;
		ok = proposed;
		break;
	case CL_OBJECT:
		who = payer_worker ? worker : 0;
		ok = proposed;
		break;
	case CL_REVIEW:
		who = CP_ASSOCIATION;
		ok = proposed && cl->disputed_at;
		break;
	case CL_PAY:
		who = strcmp(cl->payer, "advance") == 0 ? CP_ASSOCIATION : CP_COMPANY | CP_ASSOCIATION;
		ok = strcmp(cl->status, "approved") == 0;
		break;
	case CL_RECEIPT:
	case CL_RECEIPT_DISPUTE:
		who = customer;
		ok = strcmp(cl->status, "paid") == 0 || (act == CL_RECEIPT && strcmp(cl->status, "recovered") == 0);
		break;
	case CL_PAYER_CONFIRM:
		who = payer_worker ? worker : 0;
		ok = strcmp(cl->status, "paid") == 0;
		break;
	case CL_ADVANCE:
		who = CP_ASSOCIATION;
		ok = strcmp(cl->status, "approved") == 0 || strcmp(cl->status, "paid") == 0;
		break;
	case CL_RECOVER:
		who = CP_ASSOCIATION;
		ok = strcmp(cl->status, "paid") == 0 && strcmp(cl->payer, "advance") == 0;
		break;
	default:
		who = 0;
		ok = 0;
	}
	if (!(part & who)) {
		FAULT(f, part & CP_COMPANY && act == CL_DECIDE ? "handled_by_association" : "forbidden", NULL);
		return AJ_EDENIED;
	}
	if (!ok) {
		/* the clearer word where there is one */
		const char *code = "invalid_transition";
		if ((act == CL_ACCEPT || act == CL_DISPUTE || act == CL_OBJECT) && decided && cl->final_at)
			code = "decision_final";
		else if (act == CL_ACCEPT && cl->disputed_at)
			code = "already_disputed";
		else if (act == CL_REVIEW && decided)
			code = "not_disputed";
		FAULT(f, code, "status");
		return AJ_ECONFLICT;
	}
	/* money moves on a decision that stands */
	if (act == CL_PAY && !cl->final_at) {
		FAULT(f, "decision_not_final", "status");
		return AJ_ECONFLICT;
	}
	return AJ_OK;
}

/* A step of a claim: its inputs and outputs, for the write's body (store_write may run it more than once:
 * it sets its outputs afresh). */
struct claim_step {
	const struct actor *a;
	enum role role;
	enum claim_action act;
	int64_t id, *claim_id;
	const struct claim_in *in;
	struct fault *f;
};

static int step_write(struct store *s, void *arg)
{
	static const char *const actions[] = {"claim_file", "claim_decide", "claim_pay", "claim_recover", "claim_advance",
					      "claim_accept", "claim_dispute", "claim_object", "claim_review",
					      "claim_receipt", "claim_receipt_dispute", "claim_payer_confirm"};
	struct claim_step *cs = arg;
	const struct actor *a = cs->a;
	enum role role = cs->role;
	enum claim_action act = cs->act;
	int64_t id = cs->id, *claim_id = cs->claim_id;
	const struct claim_in *in = cs->in;
	struct fault *f = cs->f;
	struct complaint c;
	struct claim cl = {0};
	int64_t worker = 0;
	int rc;
	*f = (struct fault){0};
	if (act == CL_FILE) {
		rc = complaint_load(s, id, &c);
	} else if ((rc = load(s, id, &cl)) == AJ_OK && (rc = complaint_load(s, cl.complaint_id, &c)) == AJ_OK) {
		rc = worker_user(s, c.worker_id, &worker);
	}
	if (rc)
		goto fail;
	int part = complaint_part(role, a, &c);
	/* the worker named to pay has a part in the claim (not in the complaint) */
	if (act != CL_FILE && role == ROLE_WORKER && worker && a->user_id == worker && names_worker(&cl))
		part |= CP_WORKER;
	if (!part) {
		rc = AJ_ENOTFOUND;
		goto fail;
	}
	if (act == CL_FILE) {
		if (!(part & (CP_CUSTOMER | CP_AGENT))) {
			FAULT(f, "forbidden", NULL);
			rc = AJ_EDENIED;
			goto fail;
		}
		if (strcmp(c.status, "closed") == 0) {
			FAULT(f, "invalid_transition", "status");
			rc = AJ_ECONFLICT;
			goto fail;
		}
		/* a claim's deadlines run against the company at once: not on an accusation still to verify */
		if (strcmp(c.verification, "pending") == 0) {
			FAULT(f, "awaiting_verification", "verification");
			rc = AJ_ECONFLICT;
			goto fail;
		}
		rc = claim_file(s, a, &c, in, claim_id, f);
	} else if ((rc = claim_allowed(act, part, &c, &cl, f)) == AJ_OK) {
		*claim_id = cl.id;
		switch (act) {
		case CL_DECIDE: rc = claim_decide(s, a, part, &c, &cl, in, worker, f); break;
		case CL_ACCEPT: rc = claim_accept(s, part, &c, &cl, worker, f); break;
		case CL_DISPUTE:
		case CL_OBJECT: rc = claim_dispute(s, act, &c, &cl, in, worker, f); break;
		case CL_REVIEW: rc = claim_review(s, a, &c, &cl, in, worker, f); break;
		case CL_RECEIPT:
		case CL_RECEIPT_DISPUTE: rc = claim_receipt(s, act, &c, &cl, in, worker, f); break;
		case CL_PAYER_CONFIRM: rc = claim_payer_confirm(s, &c, &cl, f); break;
		case CL_ADVANCE: rc = claim_advance(s, &c, &cl, worker, f); break;
		default: rc = claim_pay(s, a, &c, &cl, act, in, worker, f); break;
		}
	}
	if (rc)
		goto fail;
	/* the timeline's note: "#claim amount" and what was said — the amount decided, paid, recovered,
	 * or the one the step is about */
	char note[700];
	int64_t amount = act == CL_FILE || act == CL_DECIDE || act == CL_REVIEW || act == CL_PAY || act == CL_RECOVER
				 ? in->amount
			 : act == CL_RECEIPT || act == CL_RECEIPT_DISPUTE || act == CL_PAYER_CONFIRM ? cl.paid
												     : cl.approved;
	int said = act == CL_ADVANCE || act == CL_DISPUTE || act == CL_OBJECT || act == CL_RECEIPT_DISPUTE ||
		   act == CL_REVIEW;
	snprintf(note, sizeof note, "#%lld %lld%s%s", (long long)*claim_id, (long long)amount, said ? " " : "",
		 said && in->text ? in->text : "");
	if ((rc = complaint_event(s, a, c.id, actions[act], c.status, c.status, note, 0)) != AJ_OK ||
	    (rc = audit_append_state(s, a, "complaint.claim", "complaint", c.id, complaint_state)) != AJ_OK)
		goto fail;
	char action[32];
	snprintf(action, sizeof action, "claim.%s", actions[act] + 6);
	return audit_append_state(s, a, action, "claim", *claim_id, claim_state);
fail:
	return rc;
}

int claim_write(struct store *s, const struct actor *a, enum role role, enum claim_action act, int64_t id,
		const struct claim_in *in, int64_t *claim_id, struct fault *f)
{
	struct claim_step cs = {.a = a, .role = role, .act = act, .id = id, .claim_id = claim_id, .in = in, .f = f};
	return store_write(s, step_write, &cs);
}

/* ---- the deadline job's part ---- */

/* A decision nobody answered by accept_until becomes final then: its payment is due from then. */
static int lapse(struct store *s, const struct actor *a, const struct standards *sd, int64_t id, int64_t complaint)
{
	struct complaint c;
	struct claim cl;
	int64_t worker = 0;
	int rc = load(s, id, &cl);
	if (rc || (rc = complaint_load(s, complaint, &c)) != AJ_OK || (rc = worker_user(s, c.worker_id, &worker)) != AJ_OK ||
	    (rc = make_final(s, sd, id, "lapse", cl.accept_until)) != AJ_OK)
		return rc;
	char note[48];
	snprintf(note, sizeof note, "#%lld %lld", (long long)id, (long long)cl.approved);
	if ((rc = complaint_event(s, a, complaint, "claim_final", c.status, c.status, note, 0)) != AJ_OK ||
	    (rc = tell_final(s, sd, &c, &cl, worker, cl.accept_until)) != AJ_OK)
		return rc;
	return audit_append_state(s, a, "claim.final", "claim", id, claim_state);
}

/* The job's pass over the claims: what it did, for the write's body. */
struct claims_pass {
	int *breached, *final;
};

static int deadlines_write(struct store *s, void *arg)
{
	struct claims_pass *cp = arg;
	struct actor a = {0, 0, "jobs"};
	struct standards sd;
	int64_t now = clock_now();
	int *breached = cp->breached, *final = cp->final;
	*breached = 0;
	*final = 0;
	int rc = standards_get(s, &sd);
	if (rc)
		return rc;
	/* first the decisions that stand now, so a payment due since then breaches in the same pass */
	struct stmt *st = store_sql(s, "SELECT id, complaint_id FROM claims WHERE final_at IS NULL AND disputed_at IS NULL"
				       " AND accept_until < $1 ORDER BY id LIMIT 1");
	for (;;) {
		stmt_bind_int(st, 1, now);
		int64_t id = 0, complaint = 0;
		if ((rc = stmt_step(st)) == STORE_ROW) {
			id = stmt_int(st, 0);
			complaint = stmt_int(st, 1);
		}
		stmt_done(st);
		if (rc != STORE_ROW)
			break;
		if ((rc = lapse(s, &a, &sd, id, complaint)) != AJ_OK)
			break;
		(*final)++;
	}
	if (rc == STORE_DONE)
		rc = AJ_OK;
	for (int payment = 0; payment < 2 && rc == AJ_OK; payment++) {
		/* a claim's deadlines never wait: not for a question the complaint's handler asked. A payment
		 * recorded but confirmed by nobody by its deadline is the payer's word only: overdue too. */
		st = payment ? store_sql(s, "SELECT id, complaint_id FROM claims WHERE (status = 'approved'"
					    " OR (status = 'paid' AND paid_at IS NOT NULL AND confirmed_at IS NULL))"
					    " AND payment_due < $1 AND payment_breached = 0 ORDER BY id LIMIT 1")
			     : store_sql(s, "SELECT id, complaint_id FROM claims WHERE status = 'claimed'"
					    " AND decision_due < $1 AND decision_breached = 0 ORDER BY id LIMIT 1");
		for (;;) {
			stmt_bind_int(st, 1, now);
			int64_t id = 0, complaint = 0;
			if ((rc = stmt_step(st)) == STORE_ROW) {
				id = stmt_int(st, 0);
				complaint = stmt_int(st, 1);
			}
			stmt_done(st);
			if (rc != STORE_ROW)
				break;
			struct complaint c;
			struct stmt *up = payment ? store_sql(s, "UPDATE claims SET payment_breached = 1 WHERE id = $1")
						  : store_sql(s, "UPDATE claims SET decision_breached = 1 WHERE id = $1");
			stmt_bind_int(up, 1, id);
			if ((rc = stmt_exec(up)) != AJ_OK || (rc = complaint_load(s, complaint, &c)) != AJ_OK ||
			    (rc = complaint_event(s, &a, complaint, payment ? "claim_payment_breached" : "claim_decision_breached",
						  c.status, c.status, NULL, 0)) != AJ_OK ||
			    (rc = complaint_escalate(s, &a, &c, payment ? "claim_payment_breached" : "claim_decision_breached",
						     payment ? "赔偿未按期支付（或支付未经确认），已升级至协会。" : "赔偿申请未按期决定，已升级至协会。",
						     payment ? "compensation not paid (or its payment not confirmed) in time; escalated to"
							       " the association."
							     : "claim not decided in time; escalated to the association.",
						     payment ? "payment_late" : "decision_late")) != AJ_OK ||
			    (rc = audit_append_state(s, &a, payment ? "claim.payment_breached" : "claim.decision_breached",
						     "claim", id, claim_state)) != AJ_OK)
				break;
			(*breached)++;
		}
		if (rc == STORE_DONE)
			rc = AJ_OK;
	}
	if (rc)
		return rc;
	if (!(*breached + *final)) /* nothing due: rolled back, no write */
		return STORE_WRITE_NOTHING;
	return AJ_OK;
}

int claims_deadlines(struct store *s, int *breached, int *final)
{
	struct claims_pass cp = {.breached = breached, .final = final};
	return store_write(s, deadlines_write, &cp);
}

/* ---- HTTP ---- */

static void reply_claim(struct req *r, int64_t claim_id, int status)
{
	struct stmt *st = store_sql(r->store, "SELECT " CLAIM_COLUMNS " FROM claims WHERE claims.id = $1");
	stmt_bind_int(st, 1, claim_id);
	if (stmt_step(st) != STORE_ROW) {
		stmt_done(st);
		req_fail(r, AJ_ENOTFOUND);
		return;
	}
	claim_row_json(req_jw(r), st);
	stmt_done(st);
	req_send(r, status);
}

static void write_claim(struct req *r, enum claim_action act)
{
	char *evidence = NULL;
	struct claim_in in = {0};
	in.amount = act == CL_FILE || act == CL_PAY || act == CL_RECOVER ? req_int(r, "amount_fen", 0)
		    : act == CL_DECIDE || act == CL_REVIEW		  ? req_int(r, "approved_fen", 0)
									  : 0;
	in.text = req_str(r, act == CL_FILE ? "description" : "reason");
	in.payer = req_str(r, "payer");
	in.date = req_str(r, "paid_on");
	in.reference = req_str(r, "reference");
	in.proof = req_str(r, "proof");
	if (act == CL_FILE) {
		if (req_blank(r, "description")) {
			req_error(r, 400, "too_short", "description");
			return;
		}
		in.evidence = evidence = req_strings_json(r, "evidence");
	}
	if (act == CL_RECEIPT && !req_bool(r, "received", 1)) {
		/* not received: the customer's reasons */
		if (!in.text) {
			req_error(r, 400, "missing_field", "reason");
			return;
		}
		act = CL_RECEIPT_DISPUTE;
	}
	struct fault f = {0};
	struct actor a = req_actor(r);
	int64_t claim_id = 0;
	int rc = claim_write(r->store, &a, r->user.role, act, r->id[0], &in, &claim_id, &f);
	free(evidence);
	if (rc)
		req_fault(r, rc, &f);
	else
		reply_claim(r, claim_id, act == CL_FILE ? 201 : 200);
}

void api_claims_create(struct req *r)
{
	write_claim(r, CL_FILE);
}

void api_claims_decide(struct req *r)
{
	write_claim(r, CL_DECIDE);
}

void api_claims_pay(struct req *r)
{
	write_claim(r, CL_PAY);
}

void api_claims_recover(struct req *r)
{
	write_claim(r, CL_RECOVER);
}

void api_claims_advance(struct req *r)
{
	write_claim(r, CL_ADVANCE);
}

void api_claims_accept(struct req *r)
{
	write_claim(r, CL_ACCEPT);
}

void api_claims_dispute(struct req *r)
{
	write_claim(r, CL_DISPUTE);
}

void api_claims_object(struct req *r)
{
	write_claim(r, CL_OBJECT);
}

void api_claims_review(struct req *r)
{
	write_claim(r, CL_REVIEW);
}

void api_claims_receipt(struct req *r)
{
	write_claim(r, CL_RECEIPT);
}

void api_claims_payer_confirm(struct req *r)
{
	write_claim(r, CL_PAYER_CONFIRM);
}

/* ---- the lists: the association's queue of disputed claims, a worker's claims to pay ---- */

/* The members of CLAIM_COLUMNS, then the complaint, the company and the worker. */
#define LIST_COLUMNS \
	CLAIM_COLUMNS ", c.tracking_no, c.status, c.category, c.company_id, o.name, c.worker_id, w.name"
#define LIST_FROM \
	" FROM claims JOIN complaints c ON c.id = claims.complaint_id JOIN orgs o ON o.id = c.company_id" \
	" LEFT JOIN workers w ON w.id = c.worker_id"
/* $1 customer, $2 company, $3 the worker's user (0: any), $4 the state ('' any) */
#define LIST_WHERE \
	" WHERE ($1 = 0 OR c.customer_id = $1) AND ($2 = 0 OR c.company_id = $2)" \
	" AND ($3 = 0 OR (w.user_id = $3 AND 'worker' IN (coalesce(claims.payer, ''), coalesce(claims.first_payer, '')," \
	"   coalesce(claims.advanced_from, ''))))" \
	" AND ($4 = '' OR $4 = 'all'" \
	"   OR ($4 = 'disputed' AND claims.disputed_at IS NOT NULL AND claims.final_at IS NULL)" \
	"   OR ($4 = 'proposed' AND claims.status IN ('approved', 'rejected') AND claims.final_at IS NULL" \
	"       AND claims.disputed_at IS NULL)" \
	"   OR ($4 = 'unconfirmed' AND claims.status = 'paid' AND claims.confirmed_at IS NULL" \
	"       AND claims.receipt_disputed_at IS NULL)" \
	"   OR ($4 = 'receipt_disputed' AND claims.status = 'paid' AND claims.receipt_disputed_at IS NOT NULL)" \
	"   OR ($4 = 'open' AND (claims.status IN ('claimed', 'approved') OR (claims.status = 'rejected'" \
	"       AND claims.final_at IS NULL) OR (claims.status = 'paid' AND claims.confirmed_at IS NULL))))"

static void list_row(struct jw *w, struct stmt *st, int full)
{
	jw_obj(w);
	claim_fields(w, st);
	jw_key(w, "complaint");
	jw_obj(w);
	jw_kint(w, "id", stmt_int(st, 1));
	jw_kstr(w, "tracking_no", stmt_text(st, 44));
	jw_kstr(w, "status", stmt_text(st, 45));
	jw_kstr(w, "category", stmt_text(st, 46));
	jw_obj_end(w);
	jw_kref(w, "company", stmt_int(st, 47), stmt_text(st, 48));
	jw_kworker(w, "worker", st, 49, 50, full);
	jw_obj_end(w);
}

static void list_row_full(struct jw *w, struct stmt *st)
{
	list_row(w, st, 1);
}

static void list_row_masked(struct jw *w, struct stmt *st)
{
	list_row(w, st, 0);
}

static void bind_list(struct stmt *st, int64_t customer, int64_t company, int64_t worker, const char *state)
{
	stmt_bind_int(st, 1, customer);
	stmt_bind_int(st, 2, company);
	stmt_bind_int(st, 3, worker);
	stmt_bind_text(st, 4, state ? state : "");
}

void api_claims_list(struct req *r)
{
	int64_t customer = 0, company = 0, worker = 0, total = 0;
	switch (r->user.role) {
	case ROLE_CUSTOMER: customer = r->user.user_id; break;
	case ROLE_COMPANY_ADMIN:
	case ROLE_COMPANY_STAFF: company = r->user.org_id; break;
	case ROLE_WORKER: worker = r->user.user_id; break;
	case ROLE_CS_AGENT:
	case ROLE_ASSOCIATION_ADMIN: break;
	default:
		req_error(r, 403, "forbidden", NULL);
		return;
	}
	struct page pg = req_page(r);
	const char *state = req_qstr(r, "state");
	struct stmt *st = store_sql(r->store, "SELECT count(*)" LIST_FROM LIST_WHERE);
	bind_list(st, customer, company, worker, state);
	int rc = stmt_one_int(st, &total);
	if (rc) {
		req_fail(r, rc);
		return;
	}
	/* the disputed, longest waiting first; the rest newest first */
	st = store_sql(r->store, "SELECT " LIST_COLUMNS LIST_FROM LIST_WHERE
				 " ORDER BY CASE WHEN $4 = 'disputed' THEN claims.disputed_at ELSE -claims.id END, claims.id"
				 " LIMIT $5 OFFSET $6");
	bind_list(st, customer, company, worker, state);
	stmt_bind_int(st, 5, pg.per_page);
	stmt_bind_int(st, 6, pg.offset);
	rows_reply_list(r, st, r->user.role == ROLE_CUSTOMER ? list_row_masked : list_row_full, &pg, total);
}
