-- 007_privacy: personal data as PIPL asks. No combination of unsealed columns narrows a resident ID
-- number to fewer than a million candidates (the mask keeps the first 3 and the last character; the
-- birth date is read from the sealed number); worker phones are sealed; every read of personal data
-- and every look-up of a person by ID number is logged; a move between companies waits for the
-- worker; nobody sets another person's password (one-time codes instead); a worker's consent opens
-- their full record to a customer; corrections and erasure are requests with a deadline; retention
-- standards for what is destroyed when.

UPDATE workers SET id_masked = substr(id_masked, 1, 3) || '**************' || substr(id_masked, 18, 1);
ALTER TABLE workers DROP COLUMN birth_date;
-- sealed by the program at its next start with the key file (sealed_upgrade), bound to the row
ALTER TABLE workers RENAME COLUMN phone TO phone_sealed;

-- a customer who closed their account: name, login and password replaced, what must stay kept
-- under the pseudonymous identity
ALTER TABLE users ADD COLUMN erased_at INTEGER;

-- destroyed by the retention job (or an account's closing): the sealed values are gone
ALTER TABLE bookings ADD COLUMN contact_destroyed_at INTEGER;
ALTER TABLE complaints ADD COLUMN contact_destroyed_at INTEGER;

INSERT INTO standards (key, value) VALUES
  ('booking_contact_retention_days', 180), ('complaint_contact_retention_days', 180),
  ('session_detail_retention_days', 30), ('data_request_days', 15),
  ('registry_lookups_per_hour', 1000), ('record_grant_max_days', 90);

-- every read of a person's personal data by someone else, and every look-up of a person by ID
-- number (what = 'id_lookup', with its outcome); one audit record covers each request's rows
CREATE TABLE access_log (
  id            INTEGER PRIMARY KEY,
  at            INTEGER NOT NULL,
  actor_id      INTEGER REFERENCES users (id),
  actor_label   TEXT NOT NULL,
  actor_org_id  INTEGER REFERENCES orgs (id),
  subject       TEXT NOT NULL CHECK (subject IN ('worker', 'customer')),
  subject_id    INTEGER NOT NULL,                -- workers.id or users.id (0: a look-up that found nobody)
  what          TEXT NOT NULL,                   -- phone, address, contact_phone, record, full_record, id_lookup
  via           TEXT NOT NULL,                   -- the record or list it was read through: booking:12, worker_list
  outcome       TEXT                             -- a look-up's answer: new, transfer, linked, already_registered, name_mismatch, revoked
);
CREATE INDEX access_log_subject ON access_log (subject, subject_id, at);
CREATE INDEX access_log_org ON access_log (actor_org_id, what, at);

-- one-time codes: an account's set-up or reset (the person chooses the password), and a worker's
-- code for a move they hand to the new company in person; only a keyed hash of each is stored
CREATE TABLE onetime_codes (
  id          INTEGER PRIMARY KEY,
  purpose     TEXT NOT NULL CHECK (purpose IN ('setup', 'reset', 'transfer')),
  user_id     INTEGER REFERENCES users (id),
  worker_id   INTEGER REFERENCES workers (id),
  code_hash   TEXT NOT NULL UNIQUE,
  created_by  INTEGER REFERENCES users (id),
  created_at  INTEGER NOT NULL,
  expires_at  INTEGER NOT NULL,
  used_at     INTEGER,
  attempts    INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX onetime_codes_user ON onetime_codes (user_id, purpose);
CREATE INDEX onetime_codes_worker ON onetime_codes (worker_id, purpose);

-- a company's registration of a person already in the registry: the move waits for the worker
CREATE TABLE worker_transfers (
  id                INTEGER PRIMARY KEY,
  worker_id         INTEGER NOT NULL REFERENCES workers (id),
  from_company_id   INTEGER REFERENCES orgs (id),
  to_company_id     INTEGER NOT NULL REFERENCES orgs (id),
  requested_by      INTEGER REFERENCES users (id),
  requested_at      INTEGER NOT NULL,
  expires_at        INTEGER NOT NULL,
  -- what the registration said, applied when the move is confirmed
  phone_sealed      TEXT NOT NULL,
  level             TEXT NOT NULL,
  trades            TEXT NOT NULL,                -- trade codes, comma-separated
  photo_ref         TEXT,
  experience_since  TEXT,
  status            TEXT NOT NULL CHECK (status IN ('pending', 'accepted', 'declined', 'cancelled')),
  decided_at        INTEGER,
  decided_by        INTEGER REFERENCES users (id),
  decided_how       TEXT CHECK (decided_how IN ('worker', 'code', 'association', 'company')),
  decision_note     TEXT                          -- the association's: how the person confirmed in person
);
CREATE UNIQUE INDEX worker_transfers_pending ON worker_transfers (worker_id, to_company_id) WHERE status = 'pending';
CREATE INDEX worker_transfers_to ON worker_transfers (to_company_id, requested_at);

-- a worker's consent: a customer (for one booking, or for all of theirs) may see the worker's full
-- record until it expires or is withdrawn
CREATE TABLE record_grants (
  id            INTEGER PRIMARY KEY,
  worker_id     INTEGER NOT NULL REFERENCES workers (id),
  customer_id   INTEGER NOT NULL REFERENCES users (id),
  booking_id    INTEGER REFERENCES bookings (id),   -- NULL: every booking of this customer
  granted_at    INTEGER NOT NULL,
  expires_at    INTEGER NOT NULL,
  withdrawn_at  INTEGER
);
CREATE INDEX record_grants_worker ON record_grants (worker_id, granted_at);
CREATE INDEX record_grants_customer ON record_grants (customer_id, worker_id);

-- a customer's request to see a worker's full record, which the worker answers
CREATE TABLE record_requests (
  id            INTEGER PRIMARY KEY,
  worker_id     INTEGER NOT NULL REFERENCES workers (id),
  customer_id   INTEGER NOT NULL REFERENCES users (id),
  booking_id    INTEGER NOT NULL REFERENCES bookings (id),
  requested_at  INTEGER NOT NULL,
  answered_at   INTEGER,
  answer        TEXT CHECK (answer IN ('granted', 'declined'))
);
CREATE UNIQUE INDEX record_requests_open ON record_requests (booking_id) WHERE answered_at IS NULL;
CREATE INDEX record_requests_worker ON record_requests (worker_id, requested_at);

-- a person's request to correct (PIPL Art. 46) or erase (Art. 47) what is held about them, answered
-- by whoever holds the record within the standard's days
CREATE TABLE data_requests (
  id              INTEGER PRIMARY KEY,
  kind            TEXT NOT NULL CHECK (kind IN ('correction', 'erasure')),
  user_id         INTEGER NOT NULL REFERENCES users (id),
  subject         TEXT NOT NULL CHECK (subject IN ('worker', 'customer')),
  subject_id      INTEGER NOT NULL,
  holder_org_id   INTEGER NOT NULL REFERENCES orgs (id),
  field           TEXT,
  requested_text  TEXT NOT NULL,
  created_at      INTEGER NOT NULL,
  due_at          INTEGER NOT NULL,
  status          TEXT NOT NULL CHECK (status IN ('open', 'done', 'refused')),
  answered_at     INTEGER,
  answered_by     INTEGER REFERENCES users (id),
  answer          TEXT,
  breached        INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX data_requests_holder ON data_requests (holder_org_id, status, due_at);
CREATE INDEX data_requests_user ON data_requests (user_id, created_at);
CREATE INDEX data_requests_open ON data_requests (status, due_at);
