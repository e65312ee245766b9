-- 018_held_index: the hold count a booking's creation makes (a customer's unconfirmed requests
-- naming a worker, still to come) reads only those rows, never the customer's whole history.
CREATE INDEX bookings_customer_held ON bookings (customer_id, start_at)
  WHERE status = 'requested' AND worker_id IS NOT NULL;
