-- 012_desk: the 24-hour service centre finds a caller by telephone, and a caller follows their
-- complaint on a public page with its tracking number and the last four digits of the call-back
-- number.
--
-- A telephone is sealed (a different ciphertext every time it is sealed), so it cannot be searched
-- for; beside each sealed telephone a caller is found by goes its keyed look-up hash (BLAKE2b under
-- the key file's look-up key, of "phone:" and the 11 digits): equal numbers, equal hashes, and
-- nothing a reader of the database can reverse without the key file. NULL: not hashed yet; '': a
-- value no key opens. Filled by the program (the key is not the database's): the start after this
-- migration hashes every sealed telephone (the settings row deleted below asks for that pass), and
-- from then on the complaint's intake writes its hash with it, and the pass that runs before every
-- search by telephone and in the deadline job hashes what was written since without one (booking
-- contacts: docs/decisions.md). Destroyed with the telephone.
ALTER TABLE complaints ADD COLUMN contact_phone_hash TEXT;
ALTER TABLE bookings ADD COLUMN contact_phone_hash TEXT;
CREATE INDEX complaints_phone_hash ON complaints (contact_phone_hash);
CREATE INDEX bookings_phone_hash ON bookings (contact_phone_hash);
-- what is still to hash, found without reading every row
CREATE INDEX complaints_phone_unhashed ON complaints (id)
  WHERE contact_phone_hash IS NULL AND contact_phone_sealed IS NOT NULL;
CREATE INDEX bookings_phone_unhashed ON bookings (id)
  WHERE contact_phone_hash IS NULL AND contact_phone_sealed IS NOT NULL;
DELETE FROM settings WHERE key = 'sealed.kid';

-- every look-up on the public tracking page that was answered (the complaint shown, or the same
-- 404 for a wrong last four digits and an unknown number), kept for the rate limits (per address,
-- per tracking number) and for the association to see who asked; the address is forgotten after
-- session_detail_retention_days with the row. The last four digits asked are never kept.
CREATE TABLE complaint_lookups (
  id            INTEGER PRIMARY KEY,
  at            INTEGER NOT NULL,
  peer          TEXT NOT NULL,
  tracking_no   TEXT NOT NULL,                          -- as asked, upper-cased: known or not
  complaint_id  INTEGER REFERENCES complaints (id),     -- the complaint shown; NULL when refused
  outcome       TEXT NOT NULL CHECK (outcome IN ('shown', 'refused'))
);
CREATE INDEX complaint_lookups_peer ON complaint_lookups (peer, at);
CREATE INDEX complaint_lookups_tracking ON complaint_lookups (tracking_no, outcome, at);
CREATE INDEX complaint_lookups_at ON complaint_lookups (at);
