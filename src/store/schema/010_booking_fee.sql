-- 010_booking_fee: a booking's fee is its unit price times the quantity its unit implies (hours,
-- one visit, days), kept in hundredths like money in fen; a check-out before the booked end less the
-- association's tolerance is marked and carries its reason; review scores are 1 to 5 in the store.

INSERT INTO standards (key, value) VALUES ('checkout_tolerance_minutes', 15);

ALTER TABLE bookings ADD COLUMN unit TEXT;
ALTER TABLE bookings ADD COLUMN unit_price_fen INTEGER;
ALTER TABLE bookings ADD COLUMN quantity_centi INTEGER;
ALTER TABLE bookings ADD COLUMN left_early INTEGER;     -- checked out before end - checkout tolerance
ALTER TABLE bookings ADD COLUMN left_early_reason TEXT;

-- the rows written before: their price was the item's unit price whatever the window
UPDATE bookings SET unit = (SELECT si.unit FROM service_items si WHERE si.id = bookings.service_item_id),
  unit_price_fen = price_fen;
UPDATE bookings SET quantity_centi = CASE unit
    WHEN 'hour' THEN greatest(100, (end_at - start_at + 900) / 1800 * 50)
    WHEN 'day' THEN greatest(1, (end_at - start_at + 86399) / 86400) * 100
    ELSE 100 END;
UPDATE bookings SET price_fen = (unit_price_fen * quantity_centi + 50) / 100;
-- services checked out before the end less the tolerance: marked (their reason was never asked), and
-- no longer counted on time in the month of their check-in
UPDATE bookings SET left_early = CASE WHEN checked_out_at < end_at - 60 *
    (SELECT value FROM standards WHERE key = 'checkout_tolerance_minutes') THEN 1 ELSE 0 END
  WHERE checked_out_at IS NOT NULL;
CREATE TABLE left_early_counts (subject TEXT NOT NULL, subject_id INTEGER NOT NULL, month INTEGER NOT NULL,
  n INTEGER NOT NULL, PRIMARY KEY (subject, subject_id, month));
INSERT INTO left_early_counts SELECT 'worker', worker_id, checkin_month, count(*) FROM bookings
  WHERE left_early = 1 AND late = 0 GROUP BY worker_id, checkin_month;
INSERT INTO left_early_counts SELECT 'company', company_id, checkin_month, count(*) FROM bookings
  WHERE left_early = 1 AND late = 0 GROUP BY company_id, checkin_month;
UPDATE monthly_figures SET on_time = on_time - (SELECT n FROM left_early_counts c WHERE c.subject = monthly_figures.subject
    AND c.subject_id = monthly_figures.subject_id AND c.month = monthly_figures.month)
  WHERE EXISTS (SELECT 1 FROM left_early_counts c WHERE c.subject = monthly_figures.subject
    AND c.subject_id = monthly_figures.subject_id AND c.month = monthly_figures.month);
DROP TABLE left_early_counts;

-- reviews: every score 1 to 5, checked by the store as well as by the API (rows outside are brought
-- to the nearest end, and the ratings summed again from them)
CREATE TABLE reviews_checked (
  booking_id   INTEGER PRIMARY KEY REFERENCES bookings (id),
  customer_id  INTEGER NOT NULL REFERENCES users (id),
  worker_id    INTEGER NOT NULL REFERENCES workers (id),
  company_id   INTEGER NOT NULL REFERENCES orgs (id),
  overall      INTEGER NOT NULL CHECK (overall BETWEEN 1 AND 5),
  punctuality  INTEGER NOT NULL CHECK (punctuality BETWEEN 1 AND 5),
  skill        INTEGER NOT NULL CHECK (skill BETWEEN 1 AND 5),
  attitude     INTEGER NOT NULL CHECK (attitude BETWEEN 1 AND 5),
  hygiene      INTEGER NOT NULL CHECK (hygiene BETWEEN 1 AND 5),
  comment      TEXT,
  satisfied    INTEGER NOT NULL CHECK (satisfied IN (0, 1)),
  month        INTEGER NOT NULL,
  created_at   INTEGER NOT NULL
);
INSERT INTO reviews_checked (booking_id, customer_id, worker_id, company_id, overall, punctuality, skill,
    attitude, hygiene, comment, satisfied, month, created_at)
  SELECT booking_id, customer_id, worker_id, company_id, least(5, greatest(1, overall)), least(5, greatest(1, punctuality)),
    least(5, greatest(1, skill)), least(5, greatest(1, attitude)), least(5, greatest(1, hygiene)), comment,
    CASE WHEN least(5, greatest(1, overall)) >= 4 THEN 1 ELSE 0 END, month, created_at FROM reviews;
DROP TABLE reviews;
ALTER TABLE reviews_checked RENAME TO reviews;
CREATE INDEX reviews_worker ON reviews (worker_id, created_at);
CREATE INDEX reviews_month ON reviews (month, company_id);
CREATE INDEX reviews_company_month ON reviews (company_id, month);
CREATE INDEX reviews_worker_month ON reviews (worker_id, month);
DELETE FROM ratings;
INSERT INTO ratings (subject, subject_id, n, total)
  SELECT 'worker', worker_id, count(*), sum(overall) FROM reviews GROUP BY worker_id;
INSERT INTO ratings (subject, subject_id, n, total)
  SELECT 'company', company_id, count(*), sum(overall) FROM reviews GROUP BY company_id;

-- an opening of a booking's address is in the access log (and the audit chain), counted on the
-- booking, no longer a step of its timeline each
DELETE FROM booking_events WHERE action = 'address_view';

-- a booking made for a customer who phoned or came in says so, and names who took it (the timeline's
-- create step); a customer a company registered on the telephone is that company's to book for
ALTER TABLE bookings ADD COLUMN agreement TEXT CHECK (agreement IN ('online', 'phone_call', 'in_person'));
UPDATE bookings SET agreement = 'online';
ALTER TABLE users ADD COLUMN registered_by INTEGER REFERENCES orgs (id);

-- the district a booking is served in (the address stays sealed): a dispatcher sees which workers
-- are already in that district that day
ALTER TABLE bookings ADD COLUMN district TEXT;

-- a month item (a 月嫂, a live-in carer) is a long-term placement, not hours: the family asks the
-- company, with the start they want (or the due date), for how many months, what they need and a
-- number to call; the company answers, accepting or declining, in words
CREATE TABLE service_requests (
  id                    INTEGER PRIMARY KEY,
  customer_id           INTEGER NOT NULL REFERENCES users (id),
  company_id            INTEGER NOT NULL REFERENCES orgs (id),
  service_item_id       INTEGER NOT NULL REFERENCES service_items (id),
  wanted_from           TEXT NOT NULL,            -- YYYY-MM-DD: the start wanted
  due_date              TEXT,                     -- YYYY-MM-DD: the expected birth, for maternity care
  months                INTEGER NOT NULL CHECK (months BETWEEN 1 AND 24),
  needs                 TEXT NOT NULL,
  contact_phone_sealed  TEXT,
  status                TEXT NOT NULL CHECK (status IN ('open', 'accepted', 'declined', 'withdrawn')),
  answer                TEXT,
  answered_by           INTEGER REFERENCES users (id),
  answered_at           INTEGER,
  created_at            INTEGER NOT NULL
);
CREATE INDEX service_requests_company ON service_requests (company_id, status, created_at);
CREATE INDEX service_requests_customer ON service_requests (customer_id, created_at);
