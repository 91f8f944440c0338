-- Data rights (Law 91/2025/QH15, Decree 356/2025/NĐ-CP): when a person left the roster (for
-- the retention of leavers), requests to erase a person's data and what became of them, and
-- who was asked to consent to which version of the notice.

ALTER TABLE people ADD COLUMN deactivated_at TEXT;
UPDATE people SET deactivated_at = updated_at WHERE NOT active;

CREATE TABLE erasure_requests (
    id INTEGER PRIMARY KEY,
    person_id INTEGER NOT NULL REFERENCES people(id),
    asked_at TEXT NOT NULL,
    state TEXT NOT NULL DEFAULT 'asked' CHECK (state IN ('asked', 'erased', 'declined')),
    decided_by INTEGER REFERENCES people(id),
    decided_at TEXT,
    reason TEXT
);
CREATE INDEX erasure_requests_state ON erasure_requests(state, person_id);

CREATE TABLE consent_asks (
    person_id INTEGER NOT NULL REFERENCES people(id),
    version TEXT NOT NULL,
    asked_at TEXT NOT NULL,
    PRIMARY KEY (person_id, version)
) WITHOUT ROWID;
