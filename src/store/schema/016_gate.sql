-- 016_gate: the hours of the day each pricing unit may be booked in (standards), and the mark a
-- booking carries when its worker could no longer serve while it was under way.

INSERT INTO standards (key, value) VALUES ('hourly_from_hour', 7);
INSERT INTO standards (key, value) VALUES ('hourly_until_hour', 21);
INSERT INTO standards (key, value) VALUES ('day_start_from_hour', 6);
INSERT INTO standards (key, value) VALUES ('day_start_until_hour', 10);

-- set when the company checks out a service whose worker was barred (suspended, revoked, lapsed,
-- no longer employed by the company) while checked in: the first reason, and the company's words
ALTER TABLE bookings ADD COLUMN barred_code TEXT;
ALTER TABLE bookings ADD COLUMN barred_reason TEXT;
