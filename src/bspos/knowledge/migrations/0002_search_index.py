"""Full-text search: GIN expression indexes on PostgreSQL; an FTS5 table kept by triggers on SQLite."""

from django.db import migrations

# Frozen here (migration 0004 replaces these expression indexes with a stored column): the texts as they were.
EXPRESSIONS = {
    "servicedesk_ticket": "to_tsvector('english', subject || ' ' || description)",
    "servicedesk_note": "to_tsvector('english', body)",
    "knowledge_article": "to_tsvector('english', title || ' ' || body)",
    "knowledge_problem": "to_tsvector('english', title || ' ' || clarify || ' ' || explore || ' ' || solve || ' ' "
                         "|| implement)",
}


def forwards(apps, schema_editor):
    from bspos.knowledge import search

    if schema_editor.connection.vendor == "postgresql":
        for table, vector in EXPRESSIONS.items():
            schema_editor.execute(f"CREATE INDEX IF NOT EXISTS knowledge_fts_{table} ON {table} USING gin (({vector}))")
    elif schema_editor.connection.vendor == "sqlite":
        search.ensure_sqlite_index(schema_editor.connection, rebuild=True)


def backwards(apps, schema_editor):
    from bspos.knowledge import search

    if schema_editor.connection.vendor == "postgresql":
        for table in EXPRESSIONS:
            schema_editor.execute(f"DROP INDEX IF EXISTS knowledge_fts_{table}")
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
