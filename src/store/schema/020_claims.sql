-- 020_claims: compensation that the company deciding it cannot settle on its own (docs/decisions.md,
-- "Complaints and compensation"). A company's decision is a proposal until the customer accepts it
-- (and the worker, when named to pay), or claim_accept_days pass; the customer may dispute it and
-- the worker object, which sends it to the association, whose decision binds. A payment counts as
-- paid when the customer confirms receipt, or — for an insurer or a worker paying — the payer
-- confirms it or the company gives the settlement's number and is recorded as vouching for it.
-- A reference has at least claim_reference_min letters and digits. Recoveries are kept one row per
-- part, so the public figures show them by month, apart from the company's own payments.

INSERT INTO standards (key, value) VALUES ('claim_accept_days', 7), ('claim_reference_min', 8);

-- the decision, until final: when the customer (and a worker named to pay) may still answer it
ALTER TABLE claims ADD COLUMN accept_until INTEGER;
ALTER TABLE claims ADD COLUMN accepted_at INTEGER;          -- the customer accepted it
ALTER TABLE claims ADD COLUMN worker_accepted_at INTEGER;   -- the worker named to pay accepted it
ALTER TABLE claims ADD COLUMN final_at INTEGER;
ALTER TABLE claims ADD COLUMN final_by TEXT CHECK (final_by IN ('accepted', 'lapse', 'association', 'before_rules'));
-- sent to the association: by the customer's dispute or the worker's objection, whichever came first
ALTER TABLE claims ADD COLUMN disputed_at INTEGER;
ALTER TABLE claims ADD COLUMN disputed_by TEXT CHECK (disputed_by IN ('customer', 'worker'));
ALTER TABLE claims ADD COLUMN disputed_month INTEGER;       -- year*12 + month-1, local: the public count's
ALTER TABLE claims ADD COLUMN dispute_reason TEXT;          -- the customer's
ALTER TABLE claims ADD COLUMN objected_at INTEGER;          -- the worker's objection
ALTER TABLE claims ADD COLUMN objection_reason TEXT;
-- the association decided it again: the decision it replaced
ALTER TABLE claims ADD COLUMN reviewed_at INTEGER;
ALTER TABLE claims ADD COLUMN first_approved_fen INTEGER;
ALTER TABLE claims ADD COLUMN first_payer TEXT;
ALTER TABLE claims ADD COLUMN first_reason TEXT;
-- the payment: when it was recorded, the payer's settlement document and who vouched for it, who
-- confirmed it, and the customer saying it never came
ALTER TABLE claims ADD COLUMN paid_at INTEGER;
ALTER TABLE claims ADD COLUMN proof_ref TEXT;
ALTER TABLE claims ADD COLUMN proof_by INTEGER REFERENCES users (id);
ALTER TABLE claims ADD COLUMN confirmed_at INTEGER;
ALTER TABLE claims ADD COLUMN confirmed_by TEXT CHECK (confirmed_by IN ('customer', 'payer', 'proof', 'association'));
ALTER TABLE claims ADD COLUMN receipt_disputed_at INTEGER;
ALTER TABLE claims ADD COLUMN receipt_dispute_reason TEXT;
-- the payer the association stepped in for with its advance: who owes it back
ALTER TABLE claims ADD COLUMN advanced_from TEXT;

CREATE TABLE claim_recoveries (
  id            INTEGER PRIMARY KEY,
  claim_id      INTEGER NOT NULL REFERENCES claims (id),
  recovered_on  TEXT NOT NULL,                        -- YYYY-MM-DD
  month         INTEGER NOT NULL,                     -- of recovered_on
  amount_fen    INTEGER NOT NULL,
  reference     TEXT NOT NULL,
  recorded_by   INTEGER REFERENCES users (id),
  recorded_at   INTEGER NOT NULL
);
CREATE INDEX claim_recoveries_claim ON claim_recoveries (claim_id);

-- the association's queue of disputed claims; the job's decisions waiting to become final
CREATE INDEX claims_disputed ON claims (disputed_at) WHERE disputed_at IS NOT NULL AND final_at IS NULL;
CREATE INDEX claims_proposed ON claims (accept_until) WHERE final_at IS NULL AND disputed_at IS NULL;

-- What was written before: decisions stand as made under the rules of their day (nobody was asked,
-- so nobody can be waited for), and their payment deadlines with them. A payment recorded before is
-- the payer's word only: it waits for the customer's confirmation and does not count as paid until
-- then — except the association's own advances. It has no recording time, so the job does not mark
-- it overdue for want of a confirmation. Recoveries become one part each, dated as recorded.
UPDATE claims SET final_at = decided_at, final_by = 'before_rules' WHERE decided_at IS NOT NULL;
UPDATE claims SET confirmed_by = 'association',
    confirmed_at = coalesce((SELECT max(e.at) FROM complaint_events e WHERE e.complaint_id = claims.complaint_id
                             AND e.action = 'claim_pay'), decided_at)
  WHERE payer = 'advance' AND paid_fen IS NOT NULL;
INSERT INTO claim_recoveries (claim_id, recovered_on, month, amount_fen, reference, recorded_by, recorded_at)
  SELECT id, recovered_on, CAST(substr(recovered_on, 1, 4) AS INTEGER) * 12 + CAST(substr(recovered_on, 6, 2) AS INTEGER) - 1,
         recovered_fen, coalesce(recovery_ref, ''), NULL, coalesce(decided_at, created_at)
  FROM claims WHERE recovered_fen > 0 AND recovered_on IS NOT NULL;
