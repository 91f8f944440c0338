-- The office: the audit log, exports asked for in the chat (done after the batch commits),
-- and announcements.

CREATE TABLE audit (
    id INTEGER PRIMARY KEY,
    at TEXT NOT NULL,
    actor_id INTEGER REFERENCES people(id),  -- NULL: the command line
    actor TEXT NOT NULL,  -- a name, or "dòng lệnh"
    action TEXT NOT NULL,  -- export, export-refused, purge, backup, announce
    kind TEXT,
    first_day TEXT,
    last_day TEXT,
    unit_code TEXT,
    rows INTEGER,
    detail TEXT
);
CREATE INDEX audit_at ON audit(at);

CREATE TABLE export_requests (
    id INTEGER PRIMARY KEY,
    person_id INTEGER NOT NULL REFERENCES people(id),
    channel TEXT NOT NULL,
    chat_id TEXT NOT NULL,
    kind TEXT NOT NULL,
    first_day TEXT NOT NULL,
    last_day TEXT NOT NULL,
    unit_code TEXT,
    format TEXT NOT NULL CHECK (format IN ('xlsx', 'csv')),
    requested_at TEXT NOT NULL,
    state TEXT NOT NULL DEFAULT 'pending' CHECK (state IN ('pending', 'done', 'failed')),
    rows INTEGER
);
CREATE INDEX export_requests_pending ON export_requests(id) WHERE state = 'pending';

CREATE TABLE announcements (
    id INTEGER PRIMARY KEY,
    person_id INTEGER NOT NULL REFERENCES people(id),
    unit_code TEXT,  -- NULL: everyone
    text TEXT NOT NULL,
    sent_at TEXT NOT NULL,
    queued INTEGER NOT NULL,
    unreachable INTEGER NOT NULL
);
ALTER TABLE outbox ADD COLUMN announcement_id INTEGER REFERENCES announcements(id);
CREATE INDEX outbox_announcement ON outbox(announcement_id) WHERE announcement_id IS NOT NULL;
