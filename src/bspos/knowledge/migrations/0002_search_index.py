"""Full-text search: GIN expression indexes on PostgreSQL; an FTS5 table kept by triggers on SQLite."""

from django.db import migrations


def forwards(apps, schema_editor):
    from bspos.knowledge import search

    if schema_editor.connection.vendor == "postgresql":
        for statement in search.postgres_index_sql():
            schema_editor.execute(statement)
    elif schema_editor.connection.vendor == "sqlite":
        search.ensure_sqlite_index(schema_editor.connection, rebuild=True)


def backwards(apps, schema_editor):
    from bspos.knowledge import search

    if schema_editor.connection.vendor == "postgresql":
        for statement in search.postgres_drop_sql():
            schema_editor.execute(statement)
    elif schema_editor.connection.vendor == "sqlite":
        with schema_editor.connection.cursor() as cursor:
            for name, *_rest in search.SQLITE_SOURCES:
                for suffix in ("ins", "upd", "del"):
                    cursor.execute(f"DROP TRIGGER IF EXISTS knowledge_fts_{name}_{suffix}")
            cursor.execute("DROP TABLE IF EXISTS knowledge_fts")


class Migration(migrations.Migration):

    dependencies = [
        ("knowledge", "0001_initial"),
        ("servicedesk", "0002_time_entry_client"),
    ]

    operations = [migrations.RunPython(forwards, backwards)]
