-- Zalo beside Telegram: the messenger each person answered on last, the numbered menu each
-- Zalo chat was shown last (Zalo has no buttons), and an inbox that holds an update from the
-- moment it arrives (Zalo's getUpdates has no offset to confirm with).

ALTER TABLE people ADD COLUMN preferred_channel TEXT;

CREATE TABLE menus (
    channel TEXT NOT NULL,
    chat_id TEXT NOT NULL,
    choices TEXT NOT NULL,  -- JSON list of choice ids, numbered from 1
    shown_at TEXT NOT NULL,
    PRIMARY KEY (channel, chat_id)
) WITHOUT ROWID;

CREATE TABLE inbox (
    key TEXT PRIMARY KEY,
    channel TEXT NOT NULL,
    body TEXT NOT NULL,
    received_at TEXT NOT NULL
) WITHOUT ROWID;
