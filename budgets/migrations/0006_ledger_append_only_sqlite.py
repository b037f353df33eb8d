"""The append-only triggers on SQLite too (0003 made them on PostgreSQL only)."""

from django.db import migrations

from budgets import append_only


def forwards(apps, schema_editor):
    append_only.install(schema_editor.connection)


def backwards(apps, schema_editor):
    if schema_editor.connection.vendor == "sqlite":
        append_only.remove(schema_editor.connection)


class Migration(migrations.Migration):
    dependencies = [("budgets", "0005_ledger_period_and_balances")]
    operations = [migrations.RunPython(forwards, backwards)]
