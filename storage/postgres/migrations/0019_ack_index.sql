-- The button presses still to acknowledge are read after every tap. Found through the pending
-- index, each read stepped over every broadcast message still waiting (a slot's prompts: the
-- whole organization) to reach the few presses queued after them; this index holds the
-- presses alone.
CREATE INDEX outbox_acks ON outbox(channel, id) WHERE state = 'pending' AND kind = 'ack';
