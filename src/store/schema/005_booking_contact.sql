-- 005_booking_contact: the telephone number a booking's household is reached on — by the worker and
-- the company while the booking is theirs to serve, and by the inspector who makes the return visit
-- when the booking is drawn for a spot check. Sealed like the address.

ALTER TABLE bookings ADD COLUMN contact_phone_sealed TEXT;
