from django.db import migrations, models

from frontdesk.core.search import Kind, Source, backend_for

# SQLite adds a non-null column by copying the table into a new one, which drops the table's triggers: the
# full-text table of message texts (from 0007_search_indexes) is set up again after it.
MESSAGE_SOURCES = (Source("message_body", "tickets_message", "body_text", Kind.WORDS, key="ticket_id"),)


def reinstall_message_search(apps, schema_editor):
    if schema_editor.connection.vendor != "sqlite":
        return
    backend = backend_for(schema_editor.connection)
    for source in MESSAGE_SOURCES:
        for sql in [*backend.uninstall_sql(source), *backend.install_sql(source)]:
            schema_editor.execute(sql, params=None)


class Migration(migrations.Migration):
    dependencies = [
        ("tickets", "0016_category_kb_topic"),
    ]

    operations = [
        migrations.AddField(
            model_name="message",
            name="history_left_out",
            field=models.BooleanField(db_default=False, default=False),
        ),
        migrations.RunPython(reinstall_message_search, migrations.RunPython.noop, elidable=False),
    ]
