-- 021_floods: a complaint without a booking is an accusation nobody has checked. It waits for the
-- 24-hour service centre to verify it — reach the complainant and find the account of events holds
-- up — within complaint_verify_hours, or to reject it with a reason the complainant is told; until
-- then it is not in the company's queue, runs none of its clocks, counts in no public figure and
-- reaches no worker's record. A complaint about a booking by that booking's customer needs none
-- (verification NULL). Such complaints against one company are limited per account, per call-back
-- number and per network address: unbooked_complaints_max in unbooked_complaint_days
-- (docs/decisions.md, "Complaints and compensation"). What was filed before stands as it was.
INSERT INTO standards (key, value) VALUES
  ('complaint_verify_hours', 24), ('unbooked_complaints_max', 3), ('unbooked_complaint_days', 30);

-- NULL: needs none (about a booking, by its customer); else pending, verified or rejected
ALTER TABLE complaints ADD COLUMN verification TEXT CHECK (verification IN ('pending', 'verified', 'rejected'));
ALTER TABLE complaints ADD COLUMN verify_due INTEGER;             -- the service centre's deadline
ALTER TABLE complaints ADD COLUMN verified_at INTEGER;            -- when it was verified or rejected
ALTER TABLE complaints ADD COLUMN verified_by INTEGER REFERENCES users (id);
ALTER TABLE complaints ADD COLUMN verify_note TEXT;               -- what the centre found, or why it rejected it
ALTER TABLE complaints ADD COLUMN verify_breached INTEGER NOT NULL DEFAULT 0; -- the deadline passed, once
-- the keyed look-up hash of the network address a customer filed it from on the web (BLAKE2b under
-- the key file's look-up key, of "addr:" and the address), for the per-address limit; forgotten by
-- the deadline job once unbooked_complaint_days have passed
ALTER TABLE complaints ADD COLUMN filed_from_hash TEXT;

-- the limits' counts: a company's complaints without a booking in the period
CREATE INDEX complaints_unbooked ON complaints (company_id, created_at) WHERE verification IS NOT NULL;
-- the service centre's queue and the deadline job's pass
CREATE INDEX complaints_verifying ON complaints (verify_due) WHERE verification = 'pending';
-- the industry's figures: awaiting verification, rejected, per month
CREATE INDEX complaints_unbooked_month ON complaints (month) WHERE verification IS NOT NULL;
-- what the deadline job forgets
CREATE INDEX complaints_filed_from ON complaints (created_at) WHERE filed_from_hash IS NOT NULL;
