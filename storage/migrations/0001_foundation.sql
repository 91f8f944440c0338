-- Units, people and their roles, messenger accounts, invites, consent,
-- conversation state, processed inbound events and the outbox.

CREATE TABLE units (
    code TEXT PRIMARY KEY,
    name TEXT NOT NULL
);

CREATE TABLE people (
    id INTEGER PRIMARY KEY,
    staff_code TEXT NOT NULL UNIQUE,
    full_name TEXT NOT NULL,
    unit_code TEXT NOT NULL REFERENCES units(code),
    phone TEXT NOT NULL DEFAULT '',
    active INTEGER NOT NULL DEFAULT 1,
    updated_at TEXT NOT NULL
);
CREATE INDEX people_unit ON people(unit_code);
CREATE INDEX people_phone ON people(phone) WHERE phone <> '';

CREATE TABLE person_roles (
    person_id INTEGER NOT NULL REFERENCES people(id),
    role TEXT NOT NULL CHECK (role IN ('staff', 'head', 'office', 'admin')),
    PRIMARY KEY (person_id, role)
) WITHOUT ROWID;
CREATE INDEX person_roles_role ON person_roles(role, person_id);

-- One account per person per messenger; external ids are text (Zalo's are opaque strings).
CREATE TABLE accounts (
    channel TEXT NOT NULL,
    external_id TEXT NOT NULL,
    chat_id TEXT NOT NULL,
    person_id INTEGER NOT NULL REFERENCES people(id),
    linked_at TEXT NOT NULL,
    unreachable_at TEXT,
    PRIMARY KEY (channel, external_id)
) WITHOUT ROWID;
CREATE UNIQUE INDEX accounts_person_channel ON accounts(person_id, channel);

CREATE TABLE invites (
    code TEXT PRIMARY KEY,
    person_id INTEGER NOT NULL REFERENCES people(id),
    created_at TEXT NOT NULL,
    expires_at TEXT NOT NULL,
    used_at TEXT,
    used_by TEXT,
    revoked_at TEXT
) WITHOUT ROWID;
CREATE INDEX invites_person ON invites(person_id);

CREATE TABLE consents (
    id INTEGER PRIMARY KEY,
    person_id INTEGER NOT NULL REFERENCES people(id),
    version TEXT NOT NULL,
    accepted_at TEXT NOT NULL,
    channel TEXT NOT NULL,
    withdrawn_at TEXT
);
CREATE INDEX consents_person ON consents(person_id, version);

-- Where a multi-step flow stands, keyed by (channel, account): no state in the process.
CREATE TABLE conversations (
    channel TEXT NOT NULL,
    account_id TEXT NOT NULL,
    flow TEXT NOT NULL,
    state TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    PRIMARY KEY (channel, account_id)
) WITHOUT ROWID;

-- Inbound event keys already handled: the same update delivered twice changes nothing.
CREATE TABLE processed_events (
    key TEXT PRIMARY KEY,
    processed_at TEXT NOT NULL
) WITHOUT ROWID;

CREATE TABLE outbox (
    id INTEGER PRIMARY KEY,
    channel TEXT NOT NULL,
    chat_id TEXT NOT NULL,
    kind TEXT NOT NULL,
    payload TEXT NOT NULL,
    dedupe_key TEXT UNIQUE,
    created_at TEXT NOT NULL,
    not_before TEXT,
    attempts INTEGER NOT NULL DEFAULT 0,
    state TEXT NOT NULL DEFAULT 'pending' CHECK (state IN ('pending', 'sent', 'failed')),
    sent_at TEXT,
    error TEXT
);
CREATE INDEX outbox_pending ON outbox(id) WHERE state = 'pending';
