"""PostgreSQL search reads a stored, generated tsvector column with a GIN index instead of an expression index, so
a match or a rank never re-tokenises a row (issue 22). SQLite keeps its FTS5 table."""

import importlib

from django.db import migrations

OLD_INDEXES = ["servicedesk_ticket", "servicedesk_note", "knowledge_article", "knowledge_problem"]


def forwards(apps, schema_editor):
    from bspos.knowledge import search

    if schema_editor.connection.vendor == "postgresql":
        for statement in search.postgres_index_sql():
            schema_editor.execute(statement)
        for table in OLD_INDEXES:
            schema_editor.execute(f"DROP INDEX IF EXISTS knowledge_fts_{table}")


def backwards(apps, schema_editor):
    from bspos.knowledge import search

    if schema_editor.connection.vendor == "postgresql":
        for statement in search.postgres_drop_sql():
            schema_editor.execute(statement)
        before = importlib.import_module("bspos.knowledge.migrations.0002_search_index").EXPRESSIONS
        for table, vector in before.items():
            schema_editor.execute(f"CREATE INDEX IF NOT EXISTS knowledge_fts_{table} ON {table} USING gin (({vector}))")


class Migration(migrations.Migration):

    dependencies = [("knowledge", "0003_built_in_playbooks")]

    operations = [migrations.RunPython(forwards, backwards)]
