-- Period reports asked for in the chat (/baocao) arrive as Word documents: a request may be
-- for 'docx' too. SQLite cannot change a CHECK: the table is rebuilt, rows kept.
CREATE TABLE export_requests_new (
    id INTEGER PRIMARY KEY,
    person_id INTEGER NOT NULL REFERENCES people(id),
    channel TEXT NOT NULL,
    chat_id TEXT NOT NULL,
    kind TEXT NOT NULL,
    first_day TEXT NOT NULL,
    last_day TEXT NOT NULL,
    unit_code TEXT,
    format TEXT NOT NULL CHECK (format IN ('xlsx', 'csv', 'docx')),
    requested_at TEXT NOT NULL,
    state TEXT NOT NULL DEFAULT 'pending' CHECK (state IN ('pending', 'done', 'failed')),
    rows INTEGER
);
INSERT INTO export_requests_new SELECT * FROM export_requests;
DROP TABLE export_requests;
ALTER TABLE export_requests_new RENAME TO export_requests;
CREATE INDEX export_requests_pending ON export_requests(id) WHERE state = 'pending';
