-- 004_complaints: complaints with their clocks and timeline, compensation claims, the outbox of
-- notifications, the record of upheld complaints and failed checks, sampling plans and spot checks
-- with their rectification orders.

INSERT INTO standards (key, value) VALUES
  ('complaint_feedback_hours', 48), ('complaint_resolve_days', 7), ('complaint_reopen_days', 7),
  ('claim_decision_days', 7), ('claim_payment_days', 15),
  ('rectification_days', 15), ('spot_check_pass_score', 80);

CREATE TABLE complaints (
  id                  INTEGER PRIMARY KEY,
  tracking_no         TEXT NOT NULL UNIQUE,
  customer_id         INTEGER REFERENCES users (id),  -- NULL: taken for someone without an account
  contact_name        TEXT,                            -- who complained, when taken by an agent
  contact_phone_sealed TEXT,
  channel             TEXT NOT NULL CHECK (channel IN ('web', 'phone', 'walk_in')),
  taken_by            INTEGER REFERENCES users (id),   -- the cs_agent who took it
  booking_id          INTEGER REFERENCES bookings (id),
  company_id          INTEGER NOT NULL REFERENCES orgs (id),
  worker_id           INTEGER REFERENCES workers (id),
  category            TEXT NOT NULL CHECK (category IN ('quality', 'safety', 'privacy', 'property_damage',
                        'punctuality', 'attitude', 'price', 'other')),
  description         TEXT NOT NULL,
  evidence            TEXT NOT NULL DEFAULT '[]',     -- JSON array of references
  status              TEXT NOT NULL CHECK (status IN ('received', 'in_progress', 'waiting_customer',
                        'resolved', 'closed')),
  handler             TEXT NOT NULL DEFAULT 'company' CHECK (handler IN ('company', 'association')),
  responsible_person  TEXT,
  responsible_duty    TEXT,
  created_at          INTEGER NOT NULL,
  month               INTEGER NOT NULL,               -- year*12 + month-1 of intake, local
  feedback_due        INTEGER NOT NULL,
  resolve_due         INTEGER NOT NULL,
  first_feedback_at   INTEGER,
  paused_at           INTEGER,                        -- set while waiting for the customer
  paused_secs         INTEGER NOT NULL DEFAULT 0,
  feedback_breached   INTEGER NOT NULL DEFAULT 0,
  resolve_breached    INTEGER NOT NULL DEFAULT 0,
  feedback_in_time    INTEGER,                        -- settled at the first feedback
  resolved_in_time    INTEGER,                        -- settled at the first resolution
  escalated_at        INTEGER,
  resolved_at         INTEGER,
  first_resolved_at   INTEGER,
  finding             TEXT CHECK (finding IN ('upheld', 'partly_upheld', 'not_upheld')),
  remedy              TEXT,
  reopen_until        INTEGER,
  reopened            INTEGER NOT NULL DEFAULT 0,
  closed_at           INTEGER,
  closed_by           TEXT CHECK (closed_by IN ('customer', 'lapse')),
  rating              INTEGER CHECK (rating BETWEEN 1 AND 5),
  rating_comment      TEXT
);
CREATE INDEX complaints_company ON complaints (company_id, month);
CREATE INDEX complaints_customer ON complaints (customer_id, id);
CREATE INDEX complaints_open ON complaints (status, resolve_due);
CREATE INDEX complaints_booking ON complaints (booking_id);

-- every event of a complaint; internal ones are not shown to the customer
CREATE TABLE complaint_events (
  id            INTEGER PRIMARY KEY,
  complaint_id  INTEGER NOT NULL REFERENCES complaints (id),
  at            INTEGER NOT NULL,
  actor_id      INTEGER REFERENCES users (id),
  actor_label   TEXT NOT NULL,
  action        TEXT NOT NULL,
  from_status   TEXT,
  to_status     TEXT,
  note          TEXT,
  internal      INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX complaint_events_complaint ON complaint_events (complaint_id, id);

CREATE TABLE claims (
  id              INTEGER PRIMARY KEY,
  complaint_id    INTEGER NOT NULL REFERENCES complaints (id),
  amount_fen      INTEGER NOT NULL,
  description     TEXT NOT NULL,
  evidence        TEXT NOT NULL DEFAULT '[]',
  status          TEXT NOT NULL CHECK (status IN ('claimed', 'approved', 'rejected', 'paid', 'recovered')),
  created_at      INTEGER NOT NULL,
  created_by      INTEGER REFERENCES users (id),
  decision_due    INTEGER NOT NULL,
  decided_at      INTEGER,
  decided_by      INTEGER REFERENCES users (id),
  approved_fen    INTEGER,
  decision_reason TEXT,
  payer           TEXT CHECK (payer IN ('company', 'worker', 'insurer', 'advance')),
  payment_due     INTEGER,
  paid_on         TEXT,                               -- YYYY-MM-DD
  paid_fen        INTEGER,
  paid_month      INTEGER,
  payment_ref     TEXT,
  paid_by         INTEGER REFERENCES users (id),
  recovered_on    TEXT,
  recovered_fen   INTEGER,
  recovery_ref    TEXT,
  decision_breached INTEGER NOT NULL DEFAULT 0,
  payment_breached  INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX claims_complaint ON claims (complaint_id);
CREATE INDEX claims_open ON claims (status);

-- notifications waiting for a delivery channel; the web shows them to their recipients
CREATE TABLE outbox (
  id            INTEGER PRIMARY KEY,
  created_at    INTEGER NOT NULL,
  org_id        INTEGER REFERENCES orgs (id),         -- every user of the organisation
  user_id       INTEGER REFERENCES users (id),        -- or one user
  topic         TEXT NOT NULL,
  subject_kind  TEXT NOT NULL,                        -- complaint, claim, inspection
  subject_id    INTEGER NOT NULL,
  text_zh       TEXT NOT NULL,
  text_en       TEXT NOT NULL,
  sent_at       INTEGER
);
CREATE INDEX outbox_org ON outbox (org_id, id);
CREATE INDEX outbox_user ON outbox (user_id, id);
CREATE INDEX outbox_unsent ON outbox (sent_at, id);

-- what counts against a worker or a company: upheld complaints, failed spot checks
CREATE TABLE conduct_records (
  id           INTEGER PRIMARY KEY,
  subject      TEXT NOT NULL CHECK (subject IN ('worker', 'company')),
  subject_id   INTEGER NOT NULL,
  kind         TEXT NOT NULL CHECK (kind IN ('complaint_upheld', 'complaint_partly_upheld', 'spot_check_failed')),
  source_kind  TEXT NOT NULL,
  source_id    INTEGER NOT NULL,
  note         TEXT,
  at           INTEGER NOT NULL,
  UNIQUE (subject, subject_id, kind, source_kind, source_id)
);
CREATE INDEX conduct_records_subject ON conduct_records (subject, subject_id, at);

-- the association's sampling plans: a share of each company's completed bookings of a month,
-- drawn from a published seed
CREATE TABLE sampling_plans (
  id                 INTEGER PRIMARY KEY,
  month              INTEGER NOT NULL,
  share_percent      INTEGER NOT NULL,
  min_per_company    INTEGER NOT NULL,
  inspection_org_id  INTEGER NOT NULL REFERENCES orgs (id),
  seed               TEXT NOT NULL,
  created_by         INTEGER REFERENCES users (id),
  created_at         INTEGER NOT NULL
);

-- each company's population in a plan, so anyone can recompute the draw
CREATE TABLE sampling_populations (
  plan_id      INTEGER NOT NULL REFERENCES sampling_plans (id),
  company_id   INTEGER NOT NULL REFERENCES orgs (id),
  population   INTEGER NOT NULL,
  drawn        INTEGER NOT NULL,
  PRIMARY KEY (plan_id, company_id)
);

CREATE TABLE inspections (
  id                 INTEGER PRIMARY KEY,
  plan_id            INTEGER NOT NULL REFERENCES sampling_plans (id),
  booking_id         INTEGER NOT NULL REFERENCES bookings (id),
  company_id         INTEGER NOT NULL REFERENCES orgs (id),
  worker_id          INTEGER REFERENCES workers (id),
  inspection_org_id  INTEGER NOT NULL REFERENCES orgs (id),
  inspector_id       INTEGER REFERENCES users (id),
  rank               TEXT NOT NULL,                   -- the draw's hash
  status             TEXT NOT NULL CHECK (status IN ('assigned', 'passed', 'rectifying', 'answered',
                       'verified')),
  visited_at         INTEGER,
  visit_kind         TEXT CHECK (visit_kind IN ('phone', 'home')),
  score              INTEGER,
  findings           TEXT,
  recorded_at        INTEGER,
  month              INTEGER,                         -- of the result, local
  rectify_due        INTEGER,
  rectify_breached   INTEGER NOT NULL DEFAULT 0,
  answer             TEXT,
  answered_at        INTEGER,
  verified_at        INTEGER,
  verify_note        TEXT,
  UNIQUE (plan_id, booking_id)
);
CREATE INDEX inspections_inspector ON inspections (inspector_id, status);
CREATE INDEX inspections_company ON inspections (company_id, month);

CREATE TABLE inspection_scores (
  inspection_id  INTEGER NOT NULL REFERENCES inspections (id),
  indicator_id   INTEGER NOT NULL REFERENCES category_indicators (id),
  score          INTEGER NOT NULL CHECK (score BETWEEN 0 AND 100),
  note           TEXT,
  PRIMARY KEY (inspection_id, indicator_id)
);

CREATE TABLE inspection_events (
  id             INTEGER PRIMARY KEY,
  inspection_id  INTEGER NOT NULL REFERENCES inspections (id),
  at             INTEGER NOT NULL,
  actor_id       INTEGER REFERENCES users (id),
  actor_label    TEXT NOT NULL,
  action         TEXT NOT NULL,
  note           TEXT
);
CREATE INDEX inspection_events_inspection ON inspection_events (inspection_id, id);
