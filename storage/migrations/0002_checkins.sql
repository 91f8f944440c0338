-- Declarations (full history), the latest one per person per slot, leave, dispatches, slot runs.

CREATE TABLE declarations (
    id INTEGER PRIMARY KEY,
    person_id INTEGER NOT NULL REFERENCES people(id),
    day TEXT NOT NULL,
    slot TEXT NOT NULL CHECK (slot IN ('morning', 'afternoon')),
    answers TEXT NOT NULL,
    form_version TEXT NOT NULL,
    alert INTEGER NOT NULL,
    late INTEGER NOT NULL,
    declared_at TEXT NOT NULL,
    channel TEXT NOT NULL,
    event_key TEXT NOT NULL UNIQUE
);
CREATE INDEX declarations_person_day ON declarations(person_id, day);
CREATE INDEX declarations_day ON declarations(day, slot);

-- The declaration that counts: the latest per (day, slot, person). Keyed for "who has declared".
CREATE TABLE checkins (
    day TEXT NOT NULL,
    slot TEXT NOT NULL,
    person_id INTEGER NOT NULL REFERENCES people(id),
    declaration_id INTEGER NOT NULL REFERENCES declarations(id),
    alert INTEGER NOT NULL,
    late INTEGER NOT NULL,
    PRIMARY KEY (day, slot, person_id)
) WITHOUT ROWID;

-- The newest declaration of a slot is the one that counts (history stays in declarations).
CREATE TRIGGER declarations_count AFTER INSERT ON declarations BEGIN
    INSERT INTO checkins (day, slot, person_id, declaration_id, alert, late)
    VALUES (NEW.day, NEW.slot, NEW.person_id, NEW.id, NEW.alert, NEW.late)
    ON CONFLICT (day, slot, person_id) DO UPDATE SET
        declaration_id = excluded.declaration_id, alert = excluded.alert, late = excluded.late;
END;

CREATE TABLE leaves (
    id INTEGER PRIMARY KEY,
    person_id INTEGER NOT NULL REFERENCES people(id),
    first_day TEXT NOT NULL,
    last_day TEXT NOT NULL,
    set_by INTEGER NOT NULL REFERENCES people(id),
    created_at TEXT NOT NULL,
    cancelled_at TEXT,
    CHECK (first_day <= last_day)
);
CREATE INDEX leaves_days ON leaves(last_day, first_day);

-- Who was prompted, reminded or nudged for a slot: nobody gets a prompt or a reminder twice.
CREATE TABLE dispatches (
    day TEXT NOT NULL,
    slot TEXT NOT NULL,
    kind TEXT NOT NULL CHECK (kind IN ('prompt', 'reminder', 'nudge')),
    person_id INTEGER NOT NULL REFERENCES people(id),
    created_at TEXT NOT NULL,
    PRIMARY KEY (day, slot, kind, person_id)
) WITHOUT ROWID;

-- Where a person stands in a check-in questionnaire (the symptoms picked so far), kept apart
-- from `conversations` so that a prompt never disturbs a proposal or an export in progress.
CREATE TABLE walks (
    channel TEXT NOT NULL,
    account_id TEXT NOT NULL,
    state TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    PRIMARY KEY (channel, account_id)
) WITHOUT ROWID;

-- Which daily jobs have run on a day ("morning:prompt", "risk:deadline"...), for the catch-up.
CREATE TABLE job_runs (
    day TEXT NOT NULL,
    job TEXT NOT NULL,
    ran_at TEXT NOT NULL,
    PRIMARY KEY (day, job)
) WITHOUT ROWID;
