/* claims.c — compensation claims: filed by the customer (or an agent for them), decided by whoever
 * handles the complaint, paid by the payer decided (the association itself for an advance payment,
 * which it later records as recovered). Each write is one transaction with the complaint's timeline
 * event and the claim's audit record. */
#include "claims.h"

#include <string.h>

#include "auth/audit.h"
#include "http/req.h"
#include "http/schema.h"
#include "notify.h"
#include "rights/complaints.h"
#include "standards.h"
#include "store/store.h"
#include "util/clock.h"
#include "util/timefmt.h"

static const char *const payers[] = {"company", "worker", "insurer", "advance", NULL};

/* a claim is at most a million yuan */
#define CLAIM_MAX_FEN 100000000
#define CLAIMS_PER_COMPLAINT 5

SCHEMA(claim_body, S_INT("amount_fen", F_REQ, 1, CLAIM_MAX_FEN), S_TEXT("description", F_REQ, 2000),
       S_STRS("evidence", F_NULL, 0, 10, 300, NULL));
SCHEMA(decision_body, S_INT("approved_fen", F_REQ, 0, CLAIM_MAX_FEN), S_STR("reason", F_REQ, 2, 500),
       S_ENUM("payer", F_NULL, payers));
SCHEMA(payment_body, S_DATE("paid_on", F_REQ), S_INT("amount_fen", F_REQ, 1, CLAIM_MAX_FEN),
       S_STR("reference", F_REQ, 2, 100));
SCHEMA(advance_body, S_STR("reason", F_REQ, 2, 500));

struct claim {
	int64_t id, complaint_id, amount, approved, decided_at, paid, recovered;
	int payment_breached;
	char status[12], payer[12], paid_on[11];
};

static int load(struct store *s, int64_t id, struct claim *c)
{
	struct stmt *st = store_sql(s, "SELECT id, complaint_id, amount_fen, coalesce(approved_fen, 0), status,"
				       " coalesce(payer, ''), coalesce(decided_at, 0), coalesce(paid_fen, 0),"
				       " coalesce(recovered_fen, 0), coalesce(paid_on, ''), payment_breached FROM claims"
				       " WHERE id = $1");
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
	}
	stmt_done(st);
	return rc == STORE_ROW ? AJ_OK : rc == STORE_DONE ? AJ_ENOTFOUND : rc;
}

static int claim_state(struct store *s, int64_t id, struct strbuf *sb)
{
	struct stmt *st = store_sql(s, "SELECT " CLAIM_COLUMNS " FROM claims WHERE id = $1");
	stmt_bind_int(st, 1, id);
	return audit_row_state(st, claim_row_json, sb);
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

static int claim_decide(struct store *s, const struct actor *a, const struct complaint *c, const struct claim *cl,
			const struct claim_in *in, struct fault *f)
{
	struct standards sd;
	int64_t now = clock_now();
	int rc = standards_get(s, &sd);
	if (rc)
		return rc;
	if (in->amount > cl->amount) {
		FAULT(f, "approved_above_claim", "approved_fen");
		return AJ_ERULE;
	}
	if (in->amount > 0 && !in->payer) {
		FAULT(f, "missing_field", "payer");
		return AJ_EINVAL;
	}
	if (in->amount > 0 && strcmp(in->payer, "advance") == 0 && a->org_id != association_org(s)) {
		FAULT(f, "advance_by_association", "payer");
		return AJ_ERULE;
	}
	struct stmt *st = store_sql(s, "UPDATE claims SET status = $2, decided_at = $3, decided_by = $4, approved_fen = $5,"
				       " decision_reason = $6, payer = $7, payment_due = $8 WHERE id = $1");
	stmt_bind_int(st, 1, cl->id);
	stmt_bind_text(st, 2, in->amount > 0 ? "approved" : "rejected");
	stmt_bind_int(st, 3, now);
	stmt_bind_id(st, 4, a->user_id);
	stmt_bind_int(st, 5, in->amount);
	stmt_bind_text(st, 6, in->text);
	stmt_bind_text(st, 7, in->amount > 0 ? in->payer : NULL);
	if (in->amount > 0)
		stmt_bind_int(st, 8, now + (int64_t)sd.claim_payment_days * 86400);
	else
		stmt_bind_null(st, 8);
	if ((rc = stmt_exec(st)) != AJ_OK)
		return rc;
	return complaint_tell_customer(s, c, "claim_decided", "您的赔偿申请已有决定。",
				       "your compensation claim has been decided.");
}

static int claim_pay(struct store *s, const struct actor *a, const struct complaint *c, const struct claim *cl,
		     enum claim_action act, const struct claim_in *in, struct fault *f)
{
	int64_t day, now = clock_now();
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
	struct stmt *st = act == CL_PAY
		? store_sql(s, "UPDATE claims SET status = 'paid', paid_on = $2, paid_fen = $3, payment_ref = $4,"
			       " paid_by = $5, paid_month = $6 WHERE id = $1")
		: store_sql(s, "UPDATE claims SET recovered_on = $2, recovered_fen = coalesce(recovered_fen, 0) + $3,"
			       " recovery_ref = $4, status = CASE WHEN coalesce(recovered_fen, 0) + $3 >= paid_fen"
			       " THEN 'recovered' ELSE status END WHERE id = $1");
	stmt_bind_int(st, 1, cl->id);
	stmt_bind_text(st, 2, in->date);
	stmt_bind_int(st, 3, in->amount);
	stmt_bind_text(st, 4, in->reference);
	if (act == CL_PAY) {
		stmt_bind_int(st, 5, a->user_id);
		stmt_bind_int(st, 6, time_month(time_day_start(day)));
	}
	int rc = stmt_exec(st);
	if (rc || act != CL_PAY)
		return rc;
	return complaint_tell_customer(s, c, "claim_paid", "您的赔偿款已支付。", "your compensation has been paid.");
}

/* The association takes over an overdue payment as its advance: the payer it replaces is told, and
 * will be asked for the money back. */
static int claim_advance(struct store *s, const struct complaint *c, const struct claim *cl, struct fault *f)
{
	if (!cl->payment_breached || strcmp(cl->payer, "advance") == 0) {
		FAULT(f, "payment_not_overdue", "status");
		return AJ_ECONFLICT;
	}
	struct stmt *st = store_sql(s, "UPDATE claims SET payer = 'advance' WHERE id = $1");
	stmt_bind_int(st, 1, cl->id);
	int rc = stmt_exec(st);
	if (rc)
		return rc;
	rc = complaint_tell_customer(s, c, "claim_advanced", "协会将先行赔付您的赔偿款。",
				     "the association will pay your compensation in advance.");
	if (rc)
		return rc;
	return complaint_tell_company(s, c, "claim_advanced", "赔偿款逾期未付，协会先行赔付，并将向责任方追偿。",
				      "the compensation was overdue; the association pays it in advance and will recover it.");
}

/* Who may, and from which state, for each write on an existing claim. */
static int claim_allowed(enum claim_action act, int part, const struct complaint *c, const struct claim *cl,
			 struct fault *f)
{
	int who = act == CL_DECIDE ? complaint_handlers(c)
		  : act == CL_PAY ? (strcmp(cl->payer, "advance") == 0 ? CP_ASSOCIATION : CP_COMPANY | CP_ASSOCIATION)
				  : CP_ASSOCIATION;
	const char *from = act == CL_DECIDE ? "claimed" : act == CL_PAY || act == CL_ADVANCE ? "approved" : "paid";
	if (!(part & who)) {
		FAULT(f, part & CP_COMPANY && act == CL_DECIDE ? "handled_by_association" : "forbidden", NULL);
		return AJ_EDENIED;
	}
	if (strcmp(cl->status, from) != 0 || (act == CL_RECOVER && strcmp(cl->payer, "advance") != 0)) {
		FAULT(f, "invalid_transition", "status");
		return AJ_ECONFLICT;
	}
	return AJ_OK;
}

int claim_write(struct store *s, const struct actor *a, enum role role, enum claim_action act, int64_t id,
		       const struct claim_in *in, int64_t *claim_id, struct fault *f)
{
	static const char *const actions[] = {"claim_file", "claim_decide", "claim_pay", "claim_recover", "claim_advance"};
	struct complaint c;
	struct claim cl = {0};
	int rc = store_begin(s);
	if (rc)
		return rc;
	if (act == CL_FILE) {
		rc = complaint_load(s, id, &c);
	} else if ((rc = load(s, id, &cl)) == AJ_OK) {
		rc = complaint_load(s, cl.complaint_id, &c);
	}
	if (rc)
		goto fail;
	int part = complaint_part(role, a, &c);
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
		rc = act == CL_DECIDE	 ? claim_decide(s, a, &c, &cl, in, f)
		     : act == CL_ADVANCE ? claim_advance(s, &c, &cl, f)
					 : claim_pay(s, a, &c, &cl, act, in, f);
	}
	if (rc)
		goto fail;
	char note[700];
	if (act == CL_ADVANCE)
		snprintf(note, sizeof note, "#%lld %lld %s", (long long)*claim_id, (long long)cl.approved, in->text);
	else
		snprintf(note, sizeof note, "#%lld %lld", (long long)*claim_id, (long long)in->amount);
	if ((rc = complaint_event(s, a, c.id, actions[act], c.status, c.status, note, 0)) != AJ_OK ||
	    (rc = audit_append_state(s, a, "complaint.claim", "complaint", c.id, complaint_state)) != AJ_OK)
		goto fail;
	char action[32];
	snprintf(action, sizeof action, "claim.%s", actions[act] + 6);
	return audit_commit(s, a, action, "claim", *claim_id, claim_state);
fail:
	store_rollback(s);
	return rc;
}

/* ---- the deadline job's part ---- */

int claims_deadlines(struct store *s, int *breached)
{
	struct actor a = {0, 0, "jobs"};
	int64_t now = clock_now();
	*breached = 0;
	int rc = store_begin(s);
	if (rc)
		return rc;
	for (int payment = 0; payment < 2 && rc == AJ_OK; payment++) {
		/* a claim's deadlines never wait: not for a question the complaint's handler asked */
		struct stmt *st = payment ? store_sql(s, "SELECT id, complaint_id FROM claims WHERE status = 'approved'"
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
						     payment ? "赔偿未按期支付，已升级至协会。" : "赔偿申请未按期决定，已升级至协会。",
						     payment ? "compensation not paid in time; escalated to the association."
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
	if (rc || !*breached) { /* a failure, or nothing due: no write */
		store_rollback(s);
		return rc;
	}
	return store_commit(s);
}

/* ---- HTTP ---- */

static void reply_claim(struct req *r, int64_t claim_id, int status)
{
	struct stmt *st = store_sql(r->store, "SELECT " CLAIM_COLUMNS " FROM claims WHERE id = $1");
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
	in.amount = act == CL_ADVANCE ? 0 : req_int(r, act == CL_DECIDE ? "approved_fen" : "amount_fen", 0);
	in.text = req_str(r, act == CL_FILE ? "description" : "reason");
	in.payer = req_str(r, "payer");
	in.date = req_str(r, "paid_on");
	in.reference = req_str(r, "reference");
	if (act == CL_FILE) {
		if (req_blank(r, "description")) {
			req_error(r, 400, "too_short", "description");
			return;
		}
		in.evidence = evidence = req_strings_json(r, "evidence");
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
