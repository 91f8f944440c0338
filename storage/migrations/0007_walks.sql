-- Databases created before `walks` was added to 0002 (a shipped migration that was edited,
-- which is never done again) lack the table: this brings them up to date. On a database that
-- has it already, nothing changes.
CREATE TABLE IF NOT EXISTS walks (
    channel TEXT NOT NULL,
    account_id TEXT NOT NULL,
    state TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    PRIMARY KEY (channel, account_id)
) WITHOUT ROWID;
