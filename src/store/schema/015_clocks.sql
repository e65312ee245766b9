-- 015_clocks: complaint clocks that hold against the companies they measure. A question to the
-- customer pauses the resolution clock for at most complaint_pause_max_hours and at most
-- complaint_pauses_max times per complaint; feedback, questions and resolutions need
-- complaint_text_min of content (docs/decisions.md). A claim's deadlines never pause. A reopening
-- takes back "resolved in time": the next resolution settles it again.

INSERT INTO standards (key, value) VALUES
  ('complaint_pause_max_hours', 72), ('complaint_pauses_max', 2), ('complaint_text_min', 10);

-- while paused: when the pause ends by itself (paused_at + the standard's hours when it began)
ALTER TABLE complaints ADD COLUMN pause_until INTEGER;
-- how many times its clock was paused, reopenings included
ALTER TABLE complaints ADD COLUMN pauses INTEGER NOT NULL DEFAULT 0;
-- the customer (or, for a caller without an account, the service centre) was reminded of the
-- question waiting, once per pause
ALTER TABLE complaints ADD COLUMN pause_reminded INTEGER NOT NULL DEFAULT 0;

-- what was paused before: every question so far counts, and a pause under way ends at the limit
-- (the next run of the deadline job resumes those already past it)
UPDATE complaints SET pauses = (SELECT count(*) FROM complaint_events e
  WHERE e.complaint_id = complaints.id AND e.action = 'ask');
UPDATE complaints SET pause_until = paused_at + 72 * 3600 WHERE paused_at IS NOT NULL;

-- "resolved in time" as the new rule settles it: a resolution deadline ever breached is late for
-- good; a reopened complaint is settled by the resolution after its last reopening, against the
-- deadline the reopening set, and not at all while it is open again
UPDATE complaints SET resolved_in_time = CASE
    WHEN EXISTS (SELECT 1 FROM complaint_events e WHERE e.complaint_id = complaints.id
                 AND e.action = 'resolve_breached') THEN 0
    WHEN resolved_at IS NULL THEN NULL
    WHEN resolved_at <= resolve_due THEN 1 ELSE 0 END
  WHERE reopened > 0 OR resolve_breached = 1;

CREATE INDEX complaints_paused ON complaints (pause_until) WHERE paused_at IS NOT NULL;
