"""On SQLite too, audit rows and seals cannot be updated or deleted (see core/audit/append_only.py)."""

from django.db import migrations

from lianfang.core.audit.append_only import sqlite_triggers_create, sqlite_triggers_drop


def forwards(apps, schema_editor):
    if schema_editor.connection.vendor == "sqlite":
        with schema_editor.connection.cursor() as cursor:
            sqlite_triggers_create(cursor)


def backwards(apps, schema_editor):
    if schema_editor.connection.vendor == "sqlite":
        with schema_editor.connection.cursor() as cursor:
            sqlite_triggers_drop(cursor)


class Migration(migrations.Migration):
    dependencies = [("audit", "0006_audit_actor_at_index")]
    operations = [migrations.RunPython(forwards, backwards)]
