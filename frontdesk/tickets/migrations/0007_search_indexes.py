"""Search indexes that the database keeps current by itself, whoever writes the rows.

PostgreSQL: the pg_trgm and unaccent extensions (the database user must be allowed to create them, or an
administrator creates them first: see docs/operations.md), a text search configuration, and GIN indexes built
CONCURRENTLY, so that tickets and mail keep coming in meanwhile. SQLite: FTS5 tables kept by triggers.

The sources are written out here as they were when this migration was made; frontdesk/tickets/search.py holds
the same list (a test compares them).
"""

from django.db import migrations

from frontdesk.core.search import Kind, Source, backend_for

SOURCES = (
    Source("ticket_number", "tickets_ticket", "number", Kind.SUBSTRING),
    Source("ticket_subject", "tickets_ticket", "subject", Kind.WORDS),
    Source("message_body", "tickets_message", "body_text", Kind.WORDS, key="ticket_id"),
    Source("customer_name", "users_customer", "name", Kind.NAMES),
    Source("contact_value", "users_customercontact", "value", Kind.SUBSTRING, key="customer_id"),
)


def _run(schema_editor, statements):
    for sql in statements:
        schema_editor.execute(sql, params=None)


def install(apps, schema_editor):
    backend = backend_for(schema_editor.connection)
    _run(schema_editor, backend.setup_sql())
    for source in SOURCES:
        _run(schema_editor, backend.install_sql(source))


def uninstall(apps, schema_editor):
    backend = backend_for(schema_editor.connection)
    for source in SOURCES:
        _run(schema_editor, backend.uninstall_sql(source))


class Migration(migrations.Migration):
    # CREATE INDEX CONCURRENTLY cannot run inside a transaction.
    atomic = False

    dependencies = [
        ("tickets", "0006_team_list_index"),
        ("users", "0002_contact_brand_index_in_unique"),
    ]

    operations = [migrations.RunPython(install, uninstall, elidable=False)]
