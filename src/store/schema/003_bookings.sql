-- 003_bookings: the service catalog with its process and price guides, companies' service items,
-- bookings with their checklists and timeline, reviews, and what search reads.

INSERT INTO standards (key, value) VALUES
  ('punctuality_tolerance_minutes', 15), ('address_visible_hours', 24),
  ('satisfaction_target', 95), ('punctuality_target', 98);

CREATE TABLE categories (
  id          INTEGER PRIMARY KEY,
  code        TEXT NOT NULL UNIQUE,
  name_zh     TEXT NOT NULL,
  name_en     TEXT NOT NULL,
  trade       TEXT NOT NULL,
  active      INTEGER NOT NULL DEFAULT 1,
  created_at  INTEGER NOT NULL,
  updated_at  INTEGER NOT NULL
);

CREATE TABLE category_indicators (
  id           INTEGER PRIMARY KEY,
  category_id  INTEGER NOT NULL REFERENCES categories (id),
  code         TEXT NOT NULL,
  name_zh      TEXT NOT NULL,
  name_en      TEXT NOT NULL,
  UNIQUE (category_id, code)
);

-- the standard process: pre-service confirmation, in-service operating items, post-service feedback
CREATE TABLE category_items (
  id           INTEGER PRIMARY KEY,
  category_id  INTEGER NOT NULL REFERENCES categories (id),
  phase        TEXT NOT NULL CHECK (phase IN ('pre', 'in', 'post')),
  position     INTEGER NOT NULL,
  text         TEXT NOT NULL,
  text_en      TEXT,
  indicator    TEXT,                     -- in-service items: the quality indicator they count towards
  active       INTEGER NOT NULL DEFAULT 1
);
CREATE INDEX category_items_category ON category_items (category_id, phase, position);

CREATE TABLE price_guides (
  category_id  INTEGER NOT NULL REFERENCES categories (id),
  unit         TEXT NOT NULL CHECK (unit IN ('hour', 'visit', 'day', 'month')),
  min_fen      INTEGER NOT NULL,
  max_fen      INTEGER NOT NULL,
  PRIMARY KEY (category_id, unit)
);

CREATE TABLE service_items (
  id           INTEGER PRIMARY KEY,
  company_id   INTEGER NOT NULL REFERENCES orgs (id),
  category_id  INTEGER NOT NULL REFERENCES categories (id),
  title        TEXT NOT NULL,
  unit         TEXT NOT NULL,
  price_fen    INTEGER NOT NULL,
  description  TEXT,
  active       INTEGER NOT NULL DEFAULT 1,
  created_at   INTEGER NOT NULL,
  updated_at   INTEGER NOT NULL
);
CREATE INDEX service_items_company ON service_items (company_id, category_id);
CREATE INDEX service_items_category ON service_items (category_id, active, company_id);

CREATE TABLE bookings (
  id                INTEGER PRIMARY KEY,
  customer_id       INTEGER NOT NULL REFERENCES users (id),
  company_id        INTEGER NOT NULL REFERENCES orgs (id),
  service_item_id   INTEGER NOT NULL REFERENCES service_items (id),
  category_id       INTEGER NOT NULL REFERENCES categories (id),
  trade             TEXT NOT NULL,
  worker_id         INTEGER REFERENCES workers (id),
  start_at          INTEGER NOT NULL,
  end_at            INTEGER NOT NULL,
  price_fen         INTEGER NOT NULL,
  address_sealed    TEXT NOT NULL,
  note              TEXT,
  status            TEXT NOT NULL CHECK (status IN ('requested', 'confirmed', 'checked_in', 'completed',
                      'reviewed', 'cancelled', 'no_show')),
  live              INTEGER NOT NULL,      -- holds the worker's time: requested with a worker, confirmed, checked in
  created_at        INTEGER NOT NULL,
  confirmed_at      INTEGER,
  checked_in_at     INTEGER,
  late              INTEGER,               -- checked in after start + tolerance
  checked_out_at    INTEGER,
  checkin_month     INTEGER,               -- year*12 + month-1 of the check-in, local
  completed_month   INTEGER,
  cancelled_at      INTEGER,
  cancelled_by      TEXT,                  -- customer, company, association
  cancel_reason     TEXT,
  no_show_party     TEXT,
  no_show_reason    TEXT,
  no_show_at        INTEGER
);
CREATE INDEX bookings_worker ON bookings (worker_id, live, start_at);
CREATE INDEX bookings_customer ON bookings (customer_id, start_at);
CREATE INDEX bookings_company ON bookings (company_id, start_at);
CREATE INDEX bookings_completed ON bookings (completed_month, company_id);
CREATE INDEX bookings_company_completed ON bookings (company_id, completed_month);
CREATE INDEX bookings_checkin ON bookings (checkin_month, company_id);
CREATE INDEX bookings_company_checkin ON bookings (company_id, checkin_month);

-- the answers to the category's items: pre (done), in (pass/fail/na), post (yes/no)
CREATE TABLE booking_answers (
  booking_id   INTEGER NOT NULL REFERENCES bookings (id),
  item_id      INTEGER NOT NULL REFERENCES category_items (id),
  answer       TEXT NOT NULL,
  note         TEXT,
  answered_by  INTEGER REFERENCES users (id),
  answered_at  INTEGER NOT NULL,
  PRIMARY KEY (booking_id, item_id)
);

CREATE TABLE booking_events (
  id          INTEGER PRIMARY KEY,
  booking_id  INTEGER NOT NULL REFERENCES bookings (id),
  at          INTEGER NOT NULL,
  actor_id    INTEGER REFERENCES users (id),
  actor_label TEXT NOT NULL,
  action      TEXT NOT NULL,
  from_status TEXT,
  to_status   TEXT,
  note        TEXT
);
CREATE INDEX booking_events_booking ON booking_events (booking_id, id);

CREATE TABLE reviews (
  booking_id   INTEGER PRIMARY KEY REFERENCES bookings (id),
  customer_id  INTEGER NOT NULL REFERENCES users (id),
  worker_id    INTEGER NOT NULL REFERENCES workers (id),
  company_id   INTEGER NOT NULL REFERENCES orgs (id),
  overall      INTEGER NOT NULL,
  punctuality  INTEGER NOT NULL,
  skill        INTEGER NOT NULL,
  attitude     INTEGER NOT NULL,
  hygiene      INTEGER NOT NULL,
  comment      TEXT,
  satisfied    INTEGER NOT NULL,           -- overall 4 or 5
  month        INTEGER NOT NULL,           -- the month the service was completed: year*12 + month-1, local
  created_at   INTEGER NOT NULL
);
CREATE INDEX reviews_worker ON reviews (worker_id, created_at);
CREATE INDEX reviews_month ON reviews (month, company_id);
CREATE INDEX reviews_company_month ON reviews (company_id, month);
CREATE INDEX reviews_worker_month ON reviews (worker_id, month);

-- a month's figures per worker and company, kept by every check-in, check-out and review, so a
-- profile's six months or the industry's month are a few rows: services completed and checked in
-- that month (on time or not), and the reviews of the services completed that month
CREATE TABLE monthly_figures (
  subject     TEXT NOT NULL CHECK (subject IN ('worker', 'company')),
  subject_id  INTEGER NOT NULL,
  month       INTEGER NOT NULL,            -- year*12 + month-1, local
  completed   INTEGER NOT NULL DEFAULT 0,
  reviewed    INTEGER NOT NULL DEFAULT 0,
  satisfied   INTEGER NOT NULL DEFAULT 0,
  checked_in  INTEGER NOT NULL DEFAULT 0,
  on_time     INTEGER NOT NULL DEFAULT 0,
  PRIMARY KEY (subject, subject_id, month)
);
CREATE INDEX monthly_figures_month ON monthly_figures (subject, month);

-- running sums, kept by every review, so a profile or a search result is one read
CREATE TABLE ratings (
  subject     TEXT NOT NULL CHECK (subject IN ('worker', 'company')),
  subject_id  INTEGER NOT NULL,
  n           INTEGER NOT NULL,
  total       INTEGER NOT NULL,            -- sum of overall ratings
  PRIMARY KEY (subject, subject_id)
);

-- when a worker may serve a trade, given their record as it stands: the interval the rule of
-- "may serve now" holds in, kept with worker_facts, so search can ask it in SQL
CREATE TABLE worker_windows (
  worker_id        INTEGER NOT NULL REFERENCES workers (id),
  trade            TEXT NOT NULL,
  ok_from          INTEGER NOT NULL,
  ok_until         INTEGER NOT NULL,     -- the certificate and the checks
  refresher_until  INTEGER NOT NULL,     -- the next quarter's start; its grace period is added on reading
  PRIMARY KEY (worker_id, trade)
);
CREATE INDEX worker_windows_trade ON worker_windows (trade, ok_until);
