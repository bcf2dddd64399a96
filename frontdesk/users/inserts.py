"""A new customer with their one contact in one statement on PostgreSQL.

``create_or_find_customer`` runs for every mail and call from someone new. The general path writes the customer
and each contact under a savepoint (four round trips inside a caller's transaction), because a contact another
process has just taken must roll back only that. Here the contact's unique index settles the race without an
error: the customer row is inserted only while no contact has the value, the contact with ``ON CONFLICT DO
NOTHING``; in the rare race where both processes passed the first check, the loser's customer row is deleted
again in the same transaction.
"""

from __future__ import annotations

from django.db import connection
from django.utils import timezone

from frontdesk.users.models import Customer, CustomerContact


def can_insert_at_once() -> bool:
    return connection.vendor == "postgresql"


def insert_customer_with_contact(customer: Customer, kind: str, value: str) -> bool:
    """Insert ``customer`` (unsaved) with one contact; True and ``customer`` has its id, or False and nothing
    is left behind when a customer of the brand has this contact already."""
    fields = [f for f in Customer._meta.local_concrete_fields if not f.primary_key]
    quote = connection.ops.quote_name
    columns = ", ".join(quote(f.column) for f in fields)
    values = [f.get_db_prep_save(f.pre_save(customer, True), connection) for f in fields]
    placeholders = ", ".join(["%s"] * len(values))
    customers = quote(Customer._meta.db_table)
    contacts = quote(CustomerContact._meta.db_table)
    sql = (
        f"WITH c AS (INSERT INTO {customers} ({columns}) SELECT {placeholders} "  # noqa: S608 - names from the models
        f"WHERE NOT EXISTS (SELECT 1 FROM {contacts} WHERE brand_id = %s AND kind = %s AND value = %s) "
        f"RETURNING id), "
        f"k AS (INSERT INTO {contacts} (brand_id, customer_id, kind, value, created_at) "
        f"SELECT %s, c.id, %s, %s, %s FROM c ON CONFLICT (brand_id, kind, value) DO NOTHING RETURNING id) "
        f"SELECT (SELECT id FROM c), (SELECT id FROM k)"
    )
    brand_id = customer.brand_id
    params = [*values, brand_id, kind, value, brand_id, kind, value, timezone.now()]
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        customer_id, contact_id = cursor.fetchone()
        if customer_id is not None and contact_id is None:
            # Another process took the contact between our check and our insert.
            cursor.execute(f"DELETE FROM {customers} WHERE id = %s", [customer_id])  # noqa: S608 - model name
            return False
    if customer_id is None:
        return False
    customer.pk = customer_id
    customer._state.adding = False
    customer._state.db = connection.alias
    return True
