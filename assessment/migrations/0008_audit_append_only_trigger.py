"""On PostgreSQL, audit rows cannot be updated or deleted by any statement (QuerySet.update,
.delete, raw SQL), not just through the model's save/delete. The one update allowed is the
on_delete=SET_NULL unlinking of a deleted account or region; nothing else in the row may change.
TRUNCATE is not covered (test database flushes use it)."""

from django.db import migrations

FORWARD = """
CREATE OR REPLACE FUNCTION assessment_audit_append_only() RETURNS trigger AS $$
BEGIN
    IF TG_OP = 'UPDATE'
       AND (NEW.user_id IS NULL OR NEW.user_id = OLD.user_id)
       AND (NEW.region_id IS NULL OR NEW.region_id = OLD.region_id)
       AND (to_jsonb(NEW) - 'user_id' - 'region_id') = (to_jsonb(OLD) - 'user_id' - 'region_id')
    THEN
        RETURN NEW;
    END IF;
    RAISE EXCEPTION 'audit events are append-only (%% refused)', TG_OP;
END
$$ LANGUAGE plpgsql;
CREATE TRIGGER assessment_audit_append_only
    BEFORE UPDATE OR DELETE ON assessment_auditevent
    FOR EACH ROW EXECUTE FUNCTION assessment_audit_append_only();
"""
BACKWARD = """
DROP TRIGGER IF EXISTS assessment_audit_append_only ON assessment_auditevent;
DROP FUNCTION IF EXISTS assessment_audit_append_only();
"""


def forward(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(FORWARD)


def backward(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(BACKWARD)


class Migration(migrations.Migration):
    dependencies = [("assessment", "0007_audit_account_disabled")]
    operations = [migrations.RunPython(forward, backward)]
