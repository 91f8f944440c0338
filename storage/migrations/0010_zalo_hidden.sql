-- Zalo withholds the messages of protected users from bots (`message.unsupported.received`):
-- such an account is marked, the person told how to declare instead (once a day at most), and
-- summaries show them apart from the missing.
ALTER TABLE accounts ADD COLUMN hidden_at TEXT;
