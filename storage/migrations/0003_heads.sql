-- Which units a head heads (their own, and any other named as head:UNIT in the roster),
-- the 15:00 risk updates (rounds, per-person levels, drafts), and nudges of the missing.

CREATE TABLE unit_heads (
    person_id INTEGER NOT NULL REFERENCES people(id),
    unit_code TEXT NOT NULL REFERENCES units(code),
    PRIMARY KEY (person_id, unit_code)
) WITHOUT ROWID;
CREATE INDEX unit_heads_unit ON unit_heads(unit_code);

INSERT INTO unit_heads (person_id, unit_code)
SELECT p.id, p.unit_code FROM people p JOIN person_roles r ON r.person_id = p.id AND r.role = 'head';

-- One round a day per unit, and another each time a new alert re-opens a confirmed update.
CREATE TABLE risk_rounds (
    day TEXT NOT NULL,
    unit_code TEXT NOT NULL REFERENCES units(code),
    round INTEGER NOT NULL,
    opened_at TEXT NOT NULL,
    reason TEXT NOT NULL,  -- 'daily' or 'alert'
    confirmed_by INTEGER REFERENCES people(id),
    confirmed_at TEXT,
    late INTEGER,
    PRIMARY KEY (day, unit_code, round)
) WITHOUT ROWID;

-- The levels a confirmation put on the map: suggested by the rules, and as the head set them.
CREATE TABLE risk_levels (
    day TEXT NOT NULL,
    unit_code TEXT NOT NULL,
    round INTEGER NOT NULL,
    person_id INTEGER NOT NULL REFERENCES people(id),
    suggested TEXT NOT NULL,
    level TEXT NOT NULL,
    PRIMARY KEY (day, unit_code, round, person_id),
    FOREIGN KEY (day, unit_code, round) REFERENCES risk_rounds(day, unit_code, round)
) WITHOUT ROWID;

-- A head's change of one person's level before confirming (the latest counts).
CREATE TABLE risk_changes (
    id INTEGER PRIMARY KEY,
    day TEXT NOT NULL,
    unit_code TEXT NOT NULL,
    person_id INTEGER NOT NULL REFERENCES people(id),
    level TEXT NOT NULL,
    changed_by INTEGER NOT NULL REFERENCES people(id),
    changed_at TEXT NOT NULL
);
CREATE INDEX risk_changes_day ON risk_changes(day, unit_code);

CREATE TABLE nudges (
    id INTEGER PRIMARY KEY,
    unit_code TEXT NOT NULL,
    day TEXT NOT NULL,
    slot TEXT NOT NULL,
    nudged_by INTEGER NOT NULL REFERENCES people(id),
    nudged_at TEXT NOT NULL,
    people INTEGER NOT NULL
);
CREATE INDEX nudges_unit ON nudges(unit_code, nudged_at);
