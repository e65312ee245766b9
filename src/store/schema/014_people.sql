-- 014_people: a customer's saved addresses (sealed like a booking's, bound to their row), and the
-- marks that let the deadline job tell a worker once that something of theirs is about to lapse.

CREATE TABLE customer_addresses (
  id              INTEGER PRIMARY KEY,
  customer_id     INTEGER NOT NULL REFERENCES users (id),
  label           TEXT,                    -- the customer's own name for it ("home", "mother's")
  address_sealed  TEXT NOT NULL,           -- sealed (key file), bound to this row
  created_at      INTEGER NOT NULL
);
CREATE INDEX customer_addresses_customer ON customer_addresses (customer_id, id);

-- one notice per thing and its date: a certificate, a check or a quarter's refresher lapsing on a
-- given day is told once; renewed, it has a new date and is told again before that one
CREATE TABLE lapse_notices (
  worker_id  INTEGER NOT NULL REFERENCES workers (id),
  what       TEXT NOT NULL,                -- certificate, refresher, background, health, insurance
  trade      TEXT NOT NULL DEFAULT '',     -- a certificate's trade; '' for the others
  due        TEXT NOT NULL,                -- the last day it holds, YYYY-MM-DD
  at         INTEGER NOT NULL,
  PRIMARY KEY (worker_id, what, trade, due)
);
