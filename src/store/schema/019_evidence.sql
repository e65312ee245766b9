-- 019_evidence: evidence that a service happened, and reviews that count (docs/decisions.md,
-- "Evidence that a service happened"). A completed service enters satisfaction, punctuality and the
-- spot-check population only once its customer has confirmed it — in the app, by the one-time code
-- the worker enters at check-out, or on a follow-up call by the service centre; a review comes only
-- from a confirmed service, carries the signals computed when it was written, and the association
-- may exclude it with a reason.

INSERT INTO standards (key, value) VALUES
  ('checkin_early_minutes', 60), ('review_new_account_days', 7), ('review_quick_minutes', 30);

-- how the service was confirmed or denied: NULL while nobody has said; the way (app, code, call,
-- or recorded: completed before this rule), when, by whom, and the customer's or the agent's words
ALTER TABLE bookings ADD COLUMN evidence TEXT CHECK (evidence IN ('confirmed', 'denied'));
ALTER TABLE bookings ADD COLUMN evidence_via TEXT CHECK (evidence_via IN ('app', 'code', 'call', 'recorded'));
ALTER TABLE bookings ADD COLUMN evidence_at INTEGER;
ALTER TABLE bookings ADD COLUMN evidence_by INTEGER REFERENCES users (id);
ALTER TABLE bookings ADD COLUMN evidence_note TEXT;
-- follow-up calls that reached nobody
ALTER TABLE bookings ADD COLUMN followup_unreachable INTEGER NOT NULL DEFAULT 0;
-- the one-time code of the service, issued at check-in: its keyed hash (what the worker enters is
-- checked against it, like every one-time code), a sealed copy the customer's booking shows, the
-- wrong tries; both gone at check-out
ALTER TABLE bookings ADD COLUMN service_code_hash TEXT;
ALTER TABLE bookings ADD COLUMN service_code_sealed TEXT;
ALTER TABLE bookings ADD COLUMN service_code_attempts INTEGER NOT NULL DEFAULT 0;
-- the blind index of the address (privacy/address_index.h), as contact_phone_hash is the phone's;
-- destroyed with the address. Bookings written before get theirs from the pass that seals
-- (the settings row deleted below asks for it)
ALTER TABLE bookings ADD COLUMN address_hash TEXT;
CREATE INDEX bookings_address_hash ON bookings (address_hash);
CREATE INDEX bookings_address_unhashed ON bookings (id) WHERE address_hash IS NULL AND address_sealed <> '';
DELETE FROM settings WHERE key = 'sealed.kid';

-- a review's signals, computed when it was written (1 when it holds), and the association's exclusion
ALTER TABLE reviews ADD COLUMN sig_new_account INTEGER NOT NULL DEFAULT 0;
ALTER TABLE reviews ADD COLUMN sig_shared_phone INTEGER NOT NULL DEFAULT 0;
ALTER TABLE reviews ADD COLUMN sig_shared_address INTEGER NOT NULL DEFAULT 0;
ALTER TABLE reviews ADD COLUMN sig_quick INTEGER NOT NULL DEFAULT 0;
ALTER TABLE reviews ADD COLUMN sig_linked INTEGER NOT NULL DEFAULT 0;
ALTER TABLE reviews ADD COLUMN flagged INTEGER NOT NULL DEFAULT 0;   -- how many signals hold
ALTER TABLE reviews ADD COLUMN excluded_at INTEGER;
ALTER TABLE reviews ADD COLUMN excluded_by INTEGER REFERENCES users (id);
ALTER TABLE reviews ADD COLUMN excluded_reason TEXT;
CREATE INDEX reviews_flagged ON reviews (flagged, created_at);
CREATE INDEX reviews_company_created ON reviews (company_id, created_at);

-- the services completed before this rule were counted under the rules of their time: recorded
UPDATE bookings SET evidence = 'confirmed', evidence_via = 'recorded', evidence_at = checked_out_at
  WHERE status IN ('completed', 'reviewed');

-- the signals SQL can see of the reviews written before (the address has no index yet)
UPDATE reviews SET
  sig_new_account = CASE WHEN (SELECT u.created_at FROM users u WHERE u.id = reviews.customer_id)
      > (SELECT b.created_at FROM bookings b WHERE b.id = reviews.booking_id) - 7 * 86400 THEN 1 ELSE 0 END,
  sig_shared_phone = CASE WHEN EXISTS (SELECT 1 FROM bookings b JOIN bookings x
      ON x.contact_phone_hash = b.contact_phone_hash AND x.customer_id <> b.customer_id
      WHERE b.id = reviews.booking_id AND b.contact_phone_hash <> '') THEN 1 ELSE 0 END,
  sig_quick = CASE WHEN EXISTS (SELECT 1 FROM bookings b WHERE b.id = reviews.booking_id
      AND (b.checked_out_at < b.created_at + 30 * 60 OR b.checked_out_at < b.checked_in_at + 30 * 60)) THEN 1 ELSE 0 END,
  sig_linked = CASE WHEN EXISTS (SELECT 1 FROM users u WHERE u.id = reviews.customer_id
      AND u.registered_by = reviews.company_id) THEN 1 ELSE 0 END;
UPDATE reviews SET flagged = sig_new_account + sig_shared_phone + sig_shared_address + sig_quick + sig_linked;

-- the month figures as the new rule counts them: the confirmed services (checked in, on time,
-- completed) and the reviews; a service checked in but not yet confirmed counts once it is
DELETE FROM monthly_figures;
INSERT INTO monthly_figures (subject, subject_id, month, completed, reviewed, satisfied, checked_in, on_time)
SELECT subject, subject_id, month, sum(completed), sum(reviewed), sum(satisfied), sum(checked_in), sum(on_time) FROM (
  SELECT 'worker' AS subject, worker_id AS subject_id, completed_month AS month, 1 AS completed, 0 AS reviewed,
    0 AS satisfied, 0 AS checked_in, 0 AS on_time FROM bookings WHERE evidence = 'confirmed'
  UNION ALL SELECT 'company', company_id, completed_month, 1, 0, 0, 0, 0 FROM bookings WHERE evidence = 'confirmed'
  UNION ALL SELECT 'worker', worker_id, checkin_month, 0, 0, 0, 1,
    CASE WHEN late = 0 AND coalesce(left_early, 0) = 0 THEN 1 ELSE 0 END FROM bookings WHERE evidence = 'confirmed'
  UNION ALL SELECT 'company', company_id, checkin_month, 0, 0, 0, 1,
    CASE WHEN late = 0 AND coalesce(left_early, 0) = 0 THEN 1 ELSE 0 END FROM bookings WHERE evidence = 'confirmed'
  UNION ALL SELECT 'worker', worker_id, month, 0, 1, satisfied, 0, 0 FROM reviews
  UNION ALL SELECT 'company', company_id, month, 0, 1, satisfied, 0, 0 FROM reviews
) AS f GROUP BY subject, subject_id, month;
