-- Zalo updates that cannot be read (no sender, no chat) are set aside here, once, instead of
-- blocking the inbox; groups that Telegram moved to a supergroup; failed attempts counted for
-- limits (invite codes guessed, exports refused) so that a burst is answered and audited once.

CREATE TABLE inbox_set_aside (
    key TEXT PRIMARY KEY,
    channel TEXT NOT NULL,
    body TEXT NOT NULL,
    received_at TEXT NOT NULL,
    reason TEXT NOT NULL
) WITHOUT ROWID;

CREATE TABLE chat_moves (
    channel TEXT NOT NULL,
    old_chat TEXT NOT NULL,
    new_chat TEXT NOT NULL,
    moved_at TEXT NOT NULL,
    PRIMARY KEY (channel, old_chat)
) WITHOUT ROWID;

CREATE TABLE attempts (
    kind TEXT NOT NULL,  -- "invite", "export"
    who TEXT NOT NULL,  -- "telegram:12345"
    at TEXT NOT NULL
);
CREATE INDEX attempts_who ON attempts(kind, who, at);
