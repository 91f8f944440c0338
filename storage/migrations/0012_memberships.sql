-- Roster history: which unit each person belonged to, day by day (local dates, both ends
-- included; an open membership has no last day). Kept by roster imports; summaries, reports and
-- exports of past periods count people as they were on each day. People already on the roster
-- are taken as members of their current unit since before any record.
CREATE TABLE memberships (
    person_id INTEGER NOT NULL REFERENCES people(id),
    unit_code TEXT NOT NULL REFERENCES units(code),
    first_day TEXT NOT NULL,
    last_day TEXT,
    PRIMARY KEY (person_id, first_day)
) WITHOUT ROWID;
CREATE INDEX memberships_unit ON memberships(unit_code, first_day);

INSERT INTO memberships (person_id, unit_code, first_day, last_day)
SELECT id, unit_code, '0001-01-01',
       CASE WHEN active THEN NULL ELSE date(coalesce(deactivated_at, updated_at), '-1 day') END
FROM people;
