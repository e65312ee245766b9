-- 017_holds: a customer cannot hold the best workers with requests they never mean to keep — at most
-- live_named_bookings_max requests naming a worker that nobody has confirmed yet — and a request
-- nobody confirms expires: when its start passes, or request_confirm_hours after it was made.
INSERT INTO standards (key, value) VALUES ('live_named_bookings_max', 5), ('request_confirm_hours', 48);
CREATE INDEX bookings_requested ON bookings (status, created_at) WHERE status = 'requested';
