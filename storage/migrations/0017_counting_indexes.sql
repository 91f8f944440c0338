-- A slot's counts read only the day's rows: the few people set apart from the expected (consent
-- withdrawn, hidden by Zalo) are found through these partial indexes instead of by looking
-- every person up.
CREATE INDEX consents_withdrawn ON consents(person_id) WHERE withdrawn_at IS NOT NULL;
CREATE INDEX accounts_hidden ON accounts(person_id) WHERE hidden_at IS NOT NULL;
