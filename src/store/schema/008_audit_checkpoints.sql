-- 008_audit_checkpoints: signed checkpoints of the audit chain's head. Each is the association's
-- Ed25519 signature over the last record's id and hash, the time and the key id (the message of
-- docs/api.md), so a history rewritten by someone without the key file no longer matches them.

INSERT INTO standards (key, value) VALUES ('audit_checkpoint_minutes', 60);

CREATE TABLE audit_checkpoints (
  id         INTEGER PRIMARY KEY,
  version    INTEGER NOT NULL,            -- of the signed message
  record_id  INTEGER NOT NULL,            -- the chain's last record when signed
  hash       TEXT NOT NULL,               -- that record's hash
  at         INTEGER NOT NULL,
  kid        TEXT NOT NULL,               -- the signing key's id
  signature  TEXT NOT NULL                -- Ed25519, unpadded base64url
);
