-- A level a head sets holds from day to day until it is changed, or until the person's own
-- declarations change what the rules suggest: each change keeps the suggestion it overrode.
-- (Changes made before this have none, and hold for their own day only, as they did.)
ALTER TABLE risk_changes ADD COLUMN suggested TEXT;
CREATE INDEX risk_changes_person ON risk_changes(unit_code, person_id, id);
