"""The embedded default (SQLite) keeps the append-only promise too: triggers refuse UPDATE and
DELETE of audit rows from any statement, as migration 0008 does on PostgreSQL. The one update
allowed is the on_delete=SET_NULL unlinking of a deleted account or region.

A flush (the test runner's, between transactional tests) empties tables with DELETE, which
SQLite cannot tell from any other: it is allowed only while assessment_audit_purge holds a row.
The application never writes that table; tests/conftest.py does around a flush."""

from django.db import migrations

UNCHANGED = " AND ".join(
    f"NEW.{c} IS OLD.{c}" for c in ("id", "at", "kind", "username", "ip", "detail")
)
FORWARD = [
    "CREATE TABLE IF NOT EXISTS assessment_audit_purge (flag integer)",
    f"""CREATE TRIGGER assessment_audit_no_update BEFORE UPDATE ON assessment_auditevent
    WHEN NOT ({UNCHANGED}
              AND (NEW.user_id IS NULL OR NEW.user_id IS OLD.user_id)
              AND (NEW.region_id IS NULL OR NEW.region_id IS OLD.region_id))
    BEGIN SELECT RAISE(ABORT, 'audit events are append-only (UPDATE refused)'); END""",
    """CREATE TRIGGER assessment_audit_no_delete BEFORE DELETE ON assessment_auditevent
    WHEN NOT EXISTS (SELECT 1 FROM assessment_audit_purge)
    BEGIN SELECT RAISE(ABORT, 'audit events are append-only (DELETE refused)'); END""",
]
BACKWARD = [
    "DROP TRIGGER IF EXISTS assessment_audit_no_update",
    "DROP TRIGGER IF EXISTS assessment_audit_no_delete",
    "DROP TABLE IF EXISTS assessment_audit_purge",
]


def forward(apps, schema_editor):
    if schema_editor.connection.vendor == "sqlite":
        for statement in FORWARD:
            schema_editor.execute(statement)


def backward(apps, schema_editor):
    if schema_editor.connection.vendor == "sqlite":
        for statement in BACKWARD:
            schema_editor.execute(statement)


class Migration(migrations.Migration):
    dependencies = [("assessment", "0013_membership_one_open_per_node")]
    operations = [migrations.RunPython(forward, backward)]
