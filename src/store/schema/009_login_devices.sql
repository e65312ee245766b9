-- 009_login_devices: the sign-in throttle's device cookies. A browser that signed in as a user holds
-- a random token (only its SHA-256 is kept); its later sign-in attempts are counted against that
-- device alone (login_failures 'device:<id>'), so failures from elsewhere cannot lock it out.

CREATE TABLE login_devices (
  id          INTEGER PRIMARY KEY AUTOINCREMENT, -- never reused: a new device must not inherit a count
  user_id     INTEGER NOT NULL REFERENCES users (id),
  token_hash  TEXT NOT NULL UNIQUE,
  created_at  INTEGER NOT NULL,
  expires_at  INTEGER NOT NULL
);
CREATE INDEX login_devices_user ON login_devices (user_id, id);
