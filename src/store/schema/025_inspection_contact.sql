-- When the household's contact was first opened for a spot check: from then on the call is under
-- way (the inspection stays with its inspector) and a result may be recorded. Kept on the
-- inspection itself; its timeline keeps every opening.
ALTER TABLE inspections ADD COLUMN contact_opened_at INTEGER;
UPDATE inspections SET contact_opened_at = (SELECT min(e.at) FROM inspection_events e
  WHERE e.inspection_id = inspections.id AND e.action = 'contact_view');
