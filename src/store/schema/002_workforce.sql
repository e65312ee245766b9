-- 002_workforce: the worker registry, checks, training, certificates, and the facts the
-- "may serve now" rule is judged on. Dates a person reads (birth, checks, validity) are TEXT
-- 'YYYY-MM-DD' in the platform's zone; instants are integer UTC seconds.

CREATE TABLE settings (
  key    TEXT PRIMARY KEY,
  value  TEXT NOT NULL
);

-- the association's standards, with the seed's defaults
CREATE TABLE standards (
  key    TEXT PRIMARY KEY,
  value  INTEGER NOT NULL
);
INSERT INTO standards (key, value) VALUES
  ('health_valid_months', 12), ('background_valid_months', 12), ('refresher_grace_days', 30),
  ('lapse_warning_days', 30), ('training_pass_target', 98);

CREATE TABLE workers (
  id                 INTEGER PRIMARY KEY,
  name               TEXT NOT NULL,
  id_sealed          TEXT NOT NULL,          -- the resident ID number, sealed (key file)
  id_hash            TEXT NOT NULL UNIQUE,   -- its keyed hash: one person, one record
  id_masked          TEXT NOT NULL,
  birth_date         TEXT NOT NULL,
  sex                TEXT NOT NULL CHECK (sex IN ('female', 'male')),
  phone              TEXT NOT NULL,
  photo_ref          TEXT,
  level              TEXT NOT NULL,
  experience_since   TEXT,
  status             TEXT NOT NULL DEFAULT 'active' CHECK (status IN ('active', 'revoked')),
  revoked_reason     TEXT,
  revoked_at         INTEGER,
  suspended_until    INTEGER,                -- instant the suspension ends (exclusive)
  suspension_reason  TEXT,
  company_id         INTEGER REFERENCES orgs (id),
  employed_since     TEXT,
  user_id            INTEGER UNIQUE REFERENCES users (id),
  created_at         INTEGER NOT NULL,
  updated_at         INTEGER NOT NULL
);
CREATE INDEX workers_company ON workers (company_id);

CREATE TABLE worker_trades (
  worker_id  INTEGER NOT NULL REFERENCES workers (id),
  trade      TEXT NOT NULL,
  PRIMARY KEY (worker_id, trade)
);
CREATE INDEX worker_trades_trade ON worker_trades (trade);

CREATE TABLE employments (
  id          INTEGER PRIMARY KEY,
  worker_id   INTEGER NOT NULL REFERENCES workers (id),
  company_id  INTEGER NOT NULL REFERENCES orgs (id),
  started_on  TEXT NOT NULL,
  ended_on    TEXT,
  end_reason  TEXT
);
CREATE INDEX employments_worker ON employments (worker_id);

CREATE TABLE checks (
  id           INTEGER PRIMARY KEY,
  worker_id    INTEGER NOT NULL REFERENCES workers (id),
  kind         TEXT NOT NULL CHECK (kind IN ('identity', 'background', 'health', 'insurance')),
  result       TEXT NOT NULL CHECK (result IN ('pass', 'fail')),
  checked_on   TEXT NOT NULL,
  valid_until  TEXT,                         -- last day it holds; NULL never lapses
  reference    TEXT,
  note         TEXT,
  recorded_by  INTEGER REFERENCES users (id),
  org_id       INTEGER REFERENCES orgs (id),
  created_at   INTEGER NOT NULL
);
CREATE INDEX checks_worker ON checks (worker_id, kind, checked_on);

CREATE TABLE courses (
  id          INTEGER PRIMARY KEY,
  code        TEXT NOT NULL UNIQUE,
  title       TEXT NOT NULL,
  kind        TEXT NOT NULL CHECK (kind IN ('skill', 'safety_first_aid', 'safety_fire',
                'safety_protection', 'communication', 'privacy', 'emergency', 'ethics')),
  trade       TEXT,
  credits     INTEGER NOT NULL,
  pass_mark   INTEGER NOT NULL,
  refresher   INTEGER NOT NULL DEFAULT 0,
  active      INTEGER NOT NULL DEFAULT 1,
  created_at  INTEGER NOT NULL,
  updated_at  INTEGER NOT NULL
);

CREATE TABLE cert_policies (
  trade            TEXT PRIMARY KEY,
  validity_months  INTEGER NOT NULL,
  renewal_credits  INTEGER NOT NULL,
  updated_at       INTEGER NOT NULL
);
INSERT INTO cert_policies (trade, validity_months, renewal_credits, updated_at) VALUES
  ('household', 12, 6, 0), ('maternity', 12, 6, 0), ('childcare', 12, 6, 0),
  ('elderly_care', 12, 6, 0), ('cleaning', 12, 6, 0), ('cooking', 12, 6, 0);

CREATE TABLE cert_requirements (
  trade      TEXT NOT NULL REFERENCES cert_policies (trade),
  course_id  INTEGER NOT NULL REFERENCES courses (id),
  PRIMARY KEY (trade, course_id)
);

CREATE TABLE training_sessions (
  id          INTEGER PRIMARY KEY,
  course_id   INTEGER NOT NULL REFERENCES courses (id),
  org_id      INTEGER NOT NULL REFERENCES orgs (id),
  starts_at   INTEGER NOT NULL,
  ends_at     INTEGER NOT NULL,
  location    TEXT NOT NULL,
  capacity    INTEGER NOT NULL,
  status      TEXT NOT NULL DEFAULT 'scheduled' CHECK (status IN ('scheduled', 'cancelled')),
  created_at  INTEGER NOT NULL,
  updated_at  INTEGER NOT NULL
);
CREATE INDEX training_sessions_org ON training_sessions (org_id, starts_at);
CREATE INDEX training_sessions_course ON training_sessions (course_id, starts_at);

CREATE TABLE enrolments (
  id           INTEGER PRIMARY KEY,
  session_id   INTEGER NOT NULL REFERENCES training_sessions (id),
  worker_id    INTEGER NOT NULL REFERENCES workers (id),
  company_id   INTEGER REFERENCES orgs (id),  -- the employer when the result was recorded
  attended     INTEGER,
  score        INTEGER,
  passed       INTEGER NOT NULL DEFAULT 0,
  credits      INTEGER NOT NULL DEFAULT 0,
  quarter      INTEGER,                       -- year*4 + quarter-1 of the session, once recorded
  recorded_at  INTEGER,
  recorded_by  INTEGER REFERENCES users (id),
  enrolled_at  INTEGER NOT NULL,
  UNIQUE (session_id, worker_id)
);
CREATE INDEX enrolments_worker ON enrolments (worker_id);
CREATE INDEX enrolments_quarter ON enrolments (quarter, company_id);

CREATE TABLE certificates (
  id              INTEGER PRIMARY KEY,
  serial          TEXT NOT NULL UNIQUE,
  worker_id       INTEGER NOT NULL REFERENCES workers (id),
  trade           TEXT NOT NULL,
  level           TEXT NOT NULL,
  valid_from      TEXT NOT NULL,
  valid_until     TEXT NOT NULL,             -- last valid day
  status          TEXT NOT NULL CHECK (status IN ('valid', 'revoked', 'renewed')),
  revoked_reason  TEXT,
  revoked_at      INTEGER,
  renewed_from    INTEGER REFERENCES certificates (id),
  renewed_by      INTEGER REFERENCES certificates (id),
  issued_by       INTEGER REFERENCES users (id),
  issued_at       INTEGER NOT NULL,
  token           TEXT NOT NULL
);
CREATE INDEX certificates_worker ON certificates (worker_id, trade);

-- what the "may serve now" rule reads, kept current by every write that changes it, so that one
-- evaluation is two indexed reads
CREATE TABLE worker_facts (
  worker_id         INTEGER PRIMARY KEY REFERENCES workers (id),
  trades_mask       INTEGER NOT NULL DEFAULT 0,
  identity_ok       INTEGER NOT NULL DEFAULT 0,
  background        INTEGER NOT NULL DEFAULT 0,  -- 0 none, 1 pass, 2 fail (the latest check)
  background_until  INTEGER NOT NULL DEFAULT 0,  -- instant it lapses; 0 never
  health            INTEGER NOT NULL DEFAULT 0,
  health_until      INTEGER NOT NULL DEFAULT 0,
  insurance         INTEGER NOT NULL DEFAULT 0,
  insurance_until   INTEGER NOT NULL DEFAULT 0,
  safety_mask       INTEGER NOT NULL DEFAULT 0,  -- first aid 1, fire 2, protection 4
  fail_mask         INTEGER NOT NULL DEFAULT 0,  -- trades whose latest skill result is a fail
  fail_general      INTEGER NOT NULL DEFAULT 0,  -- a general course's latest result is a fail
  refresher_q1      INTEGER NOT NULL DEFAULT 0,  -- the latest quarter with a refresher passed
  refresher_q2      INTEGER NOT NULL DEFAULT 0,  -- the one before it
  updated_at        INTEGER NOT NULL
);
