from django.db import migrations

from frontdesk.core.search import Kind, Source, backend_for

# SQLite adds a non-null column by copying the table into a new one, which drops the table's triggers:
# users 0004 added the customer's tier, so the full-text table of customer names (from 0007_search_indexes)
# is set up again after it.
CUSTOMER_SOURCES = (Source("customer_name", "users_customer", "name", Kind.NAMES),)


def reinstall_customer_search(apps, schema_editor):
    if schema_editor.connection.vendor != "sqlite":
        return
    backend = backend_for(schema_editor.connection)
    for source in CUSTOMER_SOURCES:
        for sql in [*backend.uninstall_sql(source), *backend.install_sql(source)]:
            schema_editor.execute(sql, params=None)


class Migration(migrations.Migration):
    dependencies = [
        ("tickets", "0013_reminder_event"),
        ("users", "0004_automation_settings"),
    ]

    operations = [
        migrations.RunPython(reinstall_customer_search, migrations.RunPython.noop, elidable=False),
    ]
