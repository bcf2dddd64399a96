"""Public ids under concurrency: parallel writers of one brand each get their own number."""

from __future__ import annotations

import threading

import pytest
from django.db import connection, connections, transaction

from frontdesk.kb import actions
from frontdesk.kb.models import Article
from frontdesk.users.actors import actor_for


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_parallel_writers_of_one_brand_get_distinct_public_ids(cast):
    if connection.vendor != "postgresql":
        pytest.skip("racing connections need PostgreSQL")
    brand = cast.opera.brand
    agent = actor_for(cast.opera.line1)
    start = threading.Barrier(6)
    errors: list[BaseException] = []

    def write(n: int) -> None:
        try:
            start.wait(timeout=30)
            for i in range(5):
                actions.create_article(brand, actor=agent, language="en", title=f"W{n}-{i}", body="")
        except BaseException as exc:  # noqa: BLE001 - reported below
            errors.append(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=write, args=(n,)) for n in range(6)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)

    assert errors == []
    ids = sorted(Article.objects.filter(brand=brand).values_list("public_id", flat=True))
    assert ids == list(range(1, 31))


def test_a_rolled_back_article_gives_its_number_back(cast):
    agent = actor_for(cast.opera.line1)

    def write_then_fail() -> None:
        with transaction.atomic():
            actions.create_article(cast.opera.brand, actor=agent, language="en", title="Gone", body="")
            raise RuntimeError("boom")

    with pytest.raises(RuntimeError, match="boom"):
        write_then_fail()

    again = actions.create_article(cast.opera.brand, actor=agent, language="en", title="Kept", body="")

    assert again.public_id == 1
