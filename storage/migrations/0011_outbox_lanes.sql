-- Lanes in the outbox: replies to a person's own action (lane 0) go before broadcasts (lane 1:
-- prompts, reminders, summaries, announcements), so that a tap is answered within seconds while
-- the 07:30 prompts are still going out.
ALTER TABLE outbox ADD COLUMN lane INTEGER NOT NULL DEFAULT 1;
CREATE INDEX outbox_lanes ON outbox(channel, lane, id) WHERE state = 'pending';
