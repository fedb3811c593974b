"""Refuse parent cycles (A part of B part of A) in the database itself.

A CHECK constraint cannot look at other rows, so a trigger walks the ancestors
of the new parent and raises a check_violation (IntegrityError in Django) if the
row itself is among them.
"""

from django.db import migrations

CREATE = """
CREATE FUNCTION jurisdiction_forbid_parent_cycle() RETURNS trigger AS $$
BEGIN
    IF NEW.parent_id IS NOT NULL AND EXISTS (
        WITH RECURSIVE ancestors(id, parent_id) AS (
            SELECT id, parent_id FROM jurisdictions_jurisdiction WHERE id = NEW.parent_id
            UNION
            SELECT j.id, j.parent_id
            FROM jurisdictions_jurisdiction j JOIN ancestors a ON j.id = a.parent_id
        )
        SELECT 1 FROM ancestors WHERE id = NEW.id
    ) THEN
        RAISE EXCEPTION 'jurisdiction % cannot be part of its own descendant', NEW.id
            USING ERRCODE = 'check_violation', CONSTRAINT = 'jurisdiction_no_parent_cycle';
    END IF;
    RETURN NEW;
END;
$$ LANGUAGE plpgsql;

CREATE TRIGGER jurisdiction_no_parent_cycle
    BEFORE INSERT OR UPDATE OF parent_id ON jurisdictions_jurisdiction
    FOR EACH ROW EXECUTE FUNCTION jurisdiction_forbid_parent_cycle();
"""

DROP = """
DROP TRIGGER IF EXISTS jurisdiction_no_parent_cycle ON jurisdictions_jurisdiction;
DROP FUNCTION IF EXISTS jurisdiction_forbid_parent_cycle();
"""


class Migration(migrations.Migration):
    dependencies = [("jurisdictions", "0001_initial")]

    operations = [migrations.RunSQL(CREATE, DROP)]
