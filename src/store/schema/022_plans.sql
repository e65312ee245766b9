-- 022_plans: spot checks the association cannot re-draw. One plan a month for the whole industry,
-- made by the deadline job at the month's start with a secret random seed of which only the
-- commitment (the seed's SHA-256) is published; on a fixed day of the next month the job reveals
-- the seed and draws from it, so nobody can draw again or choose the sample. The plans drawn by
-- hand before this rule (several a month were possible) keep their rows; they have no commitment.

-- the seed's SHA-256 in lowercase hex, published from the plan's creation; NULL for a plan drawn by
-- hand at once under the old rule
ALTER TABLE sampling_plans ADD COLUMN commitment TEXT;
-- when the job is to reveal the seed and draw (fixed when the plan is made), and when it did
ALTER TABLE sampling_plans ADD COLUMN draw_at INTEGER;
ALTER TABLE sampling_plans ADD COLUMN drawn_at INTEGER;
UPDATE sampling_plans SET draw_at = created_at, drawn_at = created_at;
-- a plan covers every inspection body: each inspection names its own
ALTER TABLE sampling_plans DROP COLUMN inspection_org_id;
-- one plan per month for the whole industry
CREATE UNIQUE INDEX sampling_plans_month ON sampling_plans (month) WHERE commitment IS NOT NULL;
CREATE INDEX sampling_plans_due ON sampling_plans (drawn_at, draw_at);

-- the population as the draw saw it, so what is published never moves after the draw
CREATE TABLE sampling_members (
  plan_id     INTEGER NOT NULL REFERENCES sampling_plans (id),
  company_id  INTEGER NOT NULL REFERENCES orgs (id),
  booking_id  INTEGER NOT NULL REFERENCES bookings (id),
  PRIMARY KEY (plan_id, company_id, booking_id)
) WITHOUT ROWID;
INSERT INTO sampling_members (plan_id, company_id, booking_id)
  SELECT p.id, b.company_id, b.id FROM sampling_plans p JOIN bookings b ON b.completed_month = p.month
  WHERE b.status IN ('completed', 'reviewed') AND b.created_at <= p.created_at;

-- the association's reassignments of an inspection (at most one while its inspector is active)
ALTER TABLE inspections ADD COLUMN reassigned INTEGER NOT NULL DEFAULT 0;
UPDATE inspections SET reassigned = (SELECT count(*) FROM inspection_events e
  WHERE e.inspection_id = inspections.id AND e.action = 'assign');

-- the share of each company's completed services a plan draws, the least per company, and the day
-- of the next month the draw is made (late check-outs and confirmations are in by then)
INSERT INTO standards (key, value) VALUES
  ('spot_check_share_percent', 5), ('spot_check_min_per_company', 1), ('spot_check_draw_day', 3);
