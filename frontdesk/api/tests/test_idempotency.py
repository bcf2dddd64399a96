from __future__ import annotations

import threading

import pytest
from django.db import connection

from frontdesk.api.models import IdempotencyRecord
from frontdesk.api.tests.conftest import Api, assert_problem
from frontdesk.tickets.models import Message, Ticket
from frontdesk.users.models import Customer

NEW_TICKET = {"subject": "Seats missing", "body": "Row 7 is not on my e-ticket."}


def test_a_retried_ticket_creation_returns_the_first_response_and_creates_nothing(api, cast):
    body = {**NEW_TICKET, "customer_id": cast.opera.customer.pk}
    headers = {"Idempotency-Key": "order-7-try"}
    first = api.post("/tickets", cast.opera.line1, body, headers=headers)
    second = api.post("/tickets", cast.opera.line1, body, headers=headers)
    assert first.status == second.status == 201
    assert first.raw == second.raw
    assert second.headers["Idempotent-Replayed"] == "true"
    assert Ticket.objects.count() == 1


def test_the_same_key_with_a_different_body_is_refused(api, cast):
    headers = {"Idempotency-Key": "k-1"}
    api.post(
        "/tickets", cast.opera.line1, {**NEW_TICKET, "customer_id": cast.opera.customer.pk}, headers=headers
    )
    response = api.post(
        "/tickets",
        cast.opera.line1,
        {**NEW_TICKET, "subject": "Other", "customer_id": cast.opera.customer.pk},
        headers=headers,
    )
    assert_problem(response, 422, "idempotency_key_reused", "Idempotency-Key")
    assert Ticket.objects.count() == 1


def test_keys_belong_to_one_user(api, cast):
    headers = {"Idempotency-Key": "shared"}
    body = {**NEW_TICKET, "customer_id": cast.opera.customer.pk}
    assert api.post("/tickets", cast.opera.line1, body, headers=headers).status == 201
    assert api.post("/tickets", cast.opera.line2, body, headers=headers).status == 201
    assert Ticket.objects.count() == 2


def test_a_failed_request_stores_nothing_and_may_be_retried(api, cast):
    headers = {"Idempotency-Key": "retry-me"}
    bad = api.post(
        "/tickets",
        cast.opera.line1,
        {**NEW_TICKET, "body": " ", "customer_id": cast.opera.customer.pk},
        headers=headers,
    )
    assert bad.status == 422
    assert not IdempotencyRecord.objects.exists()


def test_a_retried_message_is_posted_once(api, world):
    headers = {"Idempotency-Key": "reply-1"}
    path = f"/tickets/{world.number}/messages"
    before = Message.objects.count()
    first = api.post(path, world.cast.opera.line1, {"body": "On it"}, headers=headers)
    second = api.post(path, world.cast.opera.line1, {"body": "On it"}, headers=headers)
    assert first.raw == second.raw
    assert Message.objects.count() == before + 1


def test_the_same_key_on_another_ticket_is_refused(api, world):
    other = world.cast.opera.ticket("Another")
    headers = {"Idempotency-Key": "reply-2"}
    api.post(f"/tickets/{world.number}/messages", world.cast.opera.line1, {"body": "x"}, headers=headers)
    response = api.post(
        f"/tickets/{other.number}/messages", world.cast.opera.line1, {"body": "x"}, headers=headers
    )
    assert_problem(response, 422, "idempotency_key_reused")


def test_a_retried_customer_creation_creates_one_customer(api, cast):
    headers = {"Idempotency-Key": "cust-1"}
    body = {"brand": "opera", "emails": ["new@example.org"]}
    first = api.post("/customers", cast.opera.line1, body, headers=headers)
    second = api.post("/customers", cast.opera.line1, body, headers=headers)
    assert first.raw == second.raw
    assert Customer.objects.filter(email="new@example.org").count() == 1


def test_a_key_with_spaces_or_too_long_is_422(api, cast):
    body = {**NEW_TICKET, "customer_id": cast.opera.customer.pk}
    for key in ("has space", "x" * 256):
        response = api.post("/tickets", cast.opera.line1, body, headers={"Idempotency-Key": key})
        assert_problem(response, 422, "invalid_input", "Idempotency-Key")
    assert Ticket.objects.count() == 0


@pytest.mark.django_db(transaction=True)
def test_concurrent_requests_with_one_key_create_one_ticket(cast, is_postgres):
    if not is_postgres:
        pytest.skip("SQLite serialises writers; the race needs PostgreSQL")
    body = {**NEW_TICKET, "customer_id": cast.opera.customer.pk}
    results: list[int] = []
    barrier = threading.Barrier(4)

    def post() -> None:
        try:
            client = Api()
            client.tokens = tokens
            barrier.wait()
            results.append(
                client.post("/tickets", cast.opera.line1, body, headers={"Idempotency-Key": "race"}).status
            )
        finally:
            connection.close()

    tokens = {}
    Api(tokens=tokens).token(cast.opera.line1)
    threads = [threading.Thread(target=post) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert results == [201] * 4
    assert Ticket.objects.count() == 1
