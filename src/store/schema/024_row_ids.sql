-- 024_row_ids: ids the database hands out for rows whose other values depend on their id before
-- they are written (a complaint's tracking number and the phone sealed to its row, a certificate's
-- serial and its signed token): one counter a table, taken and moved on in the writer's
-- transaction, so two writers at once never take the same id.
CREATE TABLE row_ids (
  name  TEXT PRIMARY KEY,
  last  INTEGER NOT NULL
);
INSERT INTO row_ids (name, last) SELECT 'complaints', coalesce(max(id), 0) FROM complaints;
INSERT INTO row_ids (name, last) SELECT 'certificates', coalesce(max(id), 0) FROM certificates;
