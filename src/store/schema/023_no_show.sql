-- 023_no_show: a household marked absent by the company or its worker is asked. The mark is final
-- only once the customer acknowledges it or the service centre has checked it: the customer may
-- answer that the service took place or that nobody came, which goes to the centre, and so does a
-- mark the customer leaves unanswered for no_show_answer_hours.
ALTER TABLE bookings ADD COLUMN no_show_state TEXT
  CHECK (no_show_state IN ('pending', 'acknowledged', 'to_check', 'upheld', 'overturned'));
ALTER TABLE bookings ADD COLUMN no_show_answer TEXT CHECK (no_show_answer IN ('served', 'worker_absent'));
ALTER TABLE bookings ADD COLUMN no_show_answer_reason TEXT;
ALTER TABLE bookings ADD COLUMN no_show_answered_at INTEGER;
ALTER TABLE bookings ADD COLUMN no_show_checked_at INTEGER;
ALTER TABLE bookings ADD COLUMN no_show_check_note TEXT;
CREATE INDEX bookings_no_show_open ON bookings (no_show_state, no_show_at)
  WHERE no_show_state IN ('pending', 'to_check');
INSERT INTO standards (key, value) VALUES ('no_show_answer_hours', 72);
