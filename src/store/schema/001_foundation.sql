-- 001_foundation: organisations, users, sessions, login throttling, the audit chain.
-- Times are integer Unix seconds (UTC); booleans 0/1; hashes and tokens as lower-case hex.

CREATE TABLE orgs (
  id          INTEGER PRIMARY KEY,
  kind        TEXT NOT NULL CHECK (kind IN ('association', 'company', 'training', 'inspection')),
  name        TEXT NOT NULL UNIQUE,
  uscc        TEXT UNIQUE,              -- unified social credit code (GB 32100); required for companies
  district    TEXT,
  created_at  INTEGER NOT NULL,
  updated_at  INTEGER NOT NULL
);

CREATE TABLE users (
  id             INTEGER PRIMARY KEY,
  org_id         INTEGER REFERENCES orgs (id),   -- NULL for customers
  role           TEXT NOT NULL CHECK (role IN ('association_admin', 'cs_agent', 'company_admin',
                   'company_staff', 'trainer', 'inspector', 'worker', 'customer')),
  login          TEXT NOT NULL UNIQUE,
  name           TEXT NOT NULL,
  pw_hash        TEXT NOT NULL,
  status         TEXT NOT NULL DEFAULT 'active' CHECK (status IN ('active', 'disabled')),
  created_at     INTEGER NOT NULL,
  updated_at     INTEGER NOT NULL,
  pw_changed_at  INTEGER NOT NULL
);
CREATE INDEX users_org ON users (org_id);

CREATE TABLE sessions (
  id          INTEGER PRIMARY KEY,
  user_id     INTEGER NOT NULL REFERENCES users (id),
  token_hash  TEXT NOT NULL UNIQUE,     -- SHA-256 of the 256-bit token; the token itself is never stored
  csrf        TEXT NOT NULL,
  created_at  INTEGER NOT NULL,
  last_seen   INTEGER NOT NULL,
  expires_at  INTEGER NOT NULL,         -- the absolute limit
  ended_at    INTEGER,                  -- logged out or ended by the user
  peer        TEXT NOT NULL,
  user_agent  TEXT NOT NULL
);
CREATE INDEX sessions_user ON sessions (user_id, ended_at);

-- failed logins per account ('login:<name>') and per address ('addr:<ip>') in a sliding window
CREATE TABLE login_failures (
  key           TEXT PRIMARY KEY,
  window_start  INTEGER NOT NULL,
  failures      INTEGER NOT NULL
);

-- every write appends one row in the same transaction; each hash covers the previous one
CREATE TABLE audit_log (
  id           INTEGER PRIMARY KEY,
  at           INTEGER NOT NULL,
  actor_id     INTEGER,                 -- NULL: the system (command line, demo, jobs)
  actor_label  TEXT NOT NULL,
  action       TEXT NOT NULL,
  entity       TEXT NOT NULL,
  entity_id    INTEGER,
  digest       TEXT NOT NULL,           -- SHA-256 of the entity's new state as JSON
  prev_hash    TEXT NOT NULL,
  hash         TEXT NOT NULL
);
CREATE INDEX audit_entity ON audit_log (entity, entity_id);

-- the chain's head, so removing the newest rows is detected too
CREATE TABLE audit_head (
  id         INTEGER PRIMARY KEY CHECK (id = 1),
  last_id    INTEGER NOT NULL,
  last_hash  TEXT NOT NULL
);
INSERT INTO audit_head (id, last_id, last_hash)
  VALUES (1, 0, '0000000000000000000000000000000000000000000000000000000000000000');
