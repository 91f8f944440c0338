-- The leadership role ("leader": the director and deputies of the Sở): the organization's
-- tables and a daily digest of alerts, not every alert. SQLite cannot change a CHECK: the
-- table is rebuilt, rows kept.
CREATE TABLE person_roles_new (
    person_id INTEGER NOT NULL REFERENCES people(id),
    role TEXT NOT NULL CHECK (role IN ('staff', 'head', 'office', 'admin', 'leader')),
    PRIMARY KEY (person_id, role)
) WITHOUT ROWID;
INSERT INTO person_roles_new SELECT person_id, role FROM person_roles;
DROP TABLE person_roles;
ALTER TABLE person_roles_new RENAME TO person_roles;
CREATE INDEX person_roles_role ON person_roles(role, person_id);
