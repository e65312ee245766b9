-- 006_notices_seen: how far each person has read their notices (the newest outbox id they have
-- seen), so the menu can say how many are new.

ALTER TABLE users ADD COLUMN notices_seen_id INTEGER NOT NULL DEFAULT 0;
