-- Roles with dates, kept by roster imports as memberships are: who headed a unit, who was the
-- office or the leadership, on any day (a report names a unit's heads over its period). Roles
-- held before this record are taken as held since before any record. Everyone is staff: that
-- role is not kept here.
CREATE TABLE role_terms (
    person_id INTEGER NOT NULL REFERENCES people(id),
    role TEXT NOT NULL,
    unit_code TEXT NOT NULL DEFAULT '',  -- the unit headed; '' for a role of the organization
    first_day TEXT NOT NULL,
    last_day TEXT,
    PRIMARY KEY (person_id, role, unit_code, first_day)
) WITHOUT ROWID;
CREATE INDEX role_terms_role ON role_terms(role, unit_code, first_day);

INSERT INTO role_terms (person_id, role, unit_code, first_day, last_day)
SELECT r.person_id, r.role, '', '0001-01-01',
       CASE WHEN p.active THEN NULL ELSE date(coalesce(p.deactivated_at, p.updated_at), '-1 day') END
FROM person_roles r JOIN people p ON p.id = r.person_id
WHERE r.role NOT IN ('staff', 'head');

INSERT INTO role_terms (person_id, role, unit_code, first_day, last_day)
SELECT h.person_id, 'head', h.unit_code, '0001-01-01',
       CASE WHEN p.active THEN NULL ELSE date(coalesce(p.deactivated_at, p.updated_at), '-1 day') END
FROM unit_heads h JOIN people p ON p.id = h.person_id;
