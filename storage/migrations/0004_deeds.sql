-- Good people, good deeds: proposals, their photos, and every move of the workflow.

CREATE TABLE stories (
    id INTEGER PRIMARY KEY,
    proposer_id INTEGER NOT NULL REFERENCES people(id),
    nominee_kind TEXT NOT NULL CHECK (nominee_kind IN ('self', 'person', 'unit')),
    nominee_id INTEGER REFERENCES people(id),
    nominee_name TEXT NOT NULL,
    unit_code TEXT NOT NULL REFERENCES units(code),
    category TEXT NOT NULL,
    story TEXT NOT NULL,
    proposed_form TEXT NOT NULL,
    kind TEXT NOT NULL,
    state TEXT NOT NULL,
    decision_form TEXT,
    decision_number TEXT,
    decision_date TEXT,
    note TEXT,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL
);
CREATE INDEX stories_proposer ON stories(proposer_id, created_at);
CREATE INDEX stories_state ON stories(state, unit_code);

CREATE TABLE story_photos (
    story_id INTEGER NOT NULL REFERENCES stories(id),
    position INTEGER NOT NULL,
    channel TEXT NOT NULL,
    file_id TEXT NOT NULL,
    PRIMARY KEY (story_id, position)
) WITHOUT ROWID;

-- Every move, with who made it and when: the record the council and the office rely on.
CREATE TABLE story_moves (
    id INTEGER PRIMARY KEY,
    story_id INTEGER NOT NULL REFERENCES stories(id),
    move TEXT NOT NULL,
    state TEXT NOT NULL,
    actor_id INTEGER NOT NULL REFERENCES people(id),
    at TEXT NOT NULL,
    note TEXT
);
CREATE INDEX story_moves_story ON story_moves(story_id, id);
