"""Ticket numbers: the brand's format, a sequence per brand and year, the year of the brand's time zone."""

from __future__ import annotations

import threading
from datetime import UTC, datetime

import pytest
from django.conf import settings
from django.db import connections

from frontdesk.brands.actions import create_brand
from frontdesk.core.errors import InvalidInput
from frontdesk.tickets import actions
from frontdesk.tickets.choices import Channel
from frontdesk.tickets.content import make_body
from frontdesk.tickets.models import Ticket, TicketCounter
from frontdesk.tickets.numbering import format_number, next_ticket_number
from frontdesk.users.actions import find_or_create_customer
from frontdesk.users.actors import SYSTEM

ON_POSTGRES = settings.DATABASES["default"]["ENGINE"].endswith("postgresql")


def _ticket(brand, email="buyer@example.com"):
    customer = find_or_create_customer(brand, actor=SYSTEM, email=email)
    return actions.create_ticket(
        brand,
        actor=SYSTEM,
        customer=customer,
        subject="Where are my tickets?",
        body=make_body(text="They did not arrive."),
        channel=Channel.EMAIL,
    )


def test_the_default_format_gives_prefix_two_digit_year_and_six_digit_sequence(db, time_machine):
    time_machine.move_to(datetime(2026, 3, 1, 12, tzinfo=UTC))
    brand = create_brand(name="Opera", slug="opera", ticket_prefix="OPR")

    assert [_ticket(brand).number for _ in range(3)] == ["OPR-26-000001", "OPR-26-000002", "OPR-26-000003"]


def test_a_format_without_a_year_counts_on_across_years(db, time_machine):
    brand = create_brand(
        name="Hosting", slug="hosting", ticket_prefix="HST", ticket_number_format="{prefix}#{seq}"
    )
    time_machine.move_to(datetime(2026, 12, 31, 12, tzinfo=UTC))
    first = _ticket(brand).number
    time_machine.move_to(datetime(2027, 1, 2, 12, tzinfo=UTC))
    second = _ticket(brand).number

    assert (first, second) == ("HST#1", "HST#2")
    assert list(TicketCounter.objects.filter(brand=brand).values_list("year", "value")) == [(0, 2)]


def test_a_four_digit_year_format_restarts_the_sequence_each_year(db, time_machine):
    brand = create_brand(
        name="Tours", slug="tours", ticket_prefix="TRS", ticket_number_format="{prefix}/{yyyy}/{seq:04}"
    )
    time_machine.move_to(datetime(2026, 6, 1, tzinfo=UTC))
    numbers = [_ticket(brand).number, _ticket(brand).number]
    time_machine.move_to(datetime(2027, 6, 1, tzinfo=UTC))
    numbers.append(_ticket(brand).number)

    assert numbers == ["TRS/2026/0001", "TRS/2026/0002", "TRS/2027/0001"]


def test_each_brand_has_its_own_sequence(db, time_machine):
    time_machine.move_to(datetime(2026, 5, 5, tzinfo=UTC))
    opera = create_brand(name="Opera", slug="opera", ticket_prefix="OPR")
    tours = create_brand(name="Opera Tours", slug="opera-tours", ticket_prefix="OPT")

    numbers = [_ticket(opera).number, _ticket(tours).number, _ticket(opera).number]

    assert numbers == ["OPR-26-000001", "OPT-26-000001", "OPR-26-000002"]


def test_the_year_comes_from_the_brands_time_zone_not_from_utc(db):
    tokyo = create_brand(name="Tokyo", slug="tokyo", ticket_prefix="TYO", time_zone="Asia/Tokyo")
    honolulu = create_brand(
        name="Honolulu", slug="honolulu", ticket_prefix="HNL", time_zone="Pacific/Honolulu"
    )
    # 31 December 2025, 20:00 UTC: already 2026 in Tokyo, still 2025 in Honolulu.
    moment = datetime(2025, 12, 31, 20, tzinfo=UTC)

    assert next_ticket_number(tokyo, now=moment) == "TYO-26-000001"
    assert next_ticket_number(honolulu, now=moment) == "HNL-25-000001"


def test_a_ticket_that_fails_to_be_created_gives_its_number_back(db, time_machine):
    time_machine.move_to(datetime(2026, 1, 10, tzinfo=UTC))
    brand = create_brand(name="Opera", slug="opera", ticket_prefix="OPR")
    customer = find_or_create_customer(brand, actor=SYSTEM, email="buyer@example.com")
    with pytest.raises(InvalidInput, match="subject"):
        actions.create_ticket(
            brand,
            actor=SYSTEM,
            customer=customer,
            subject="   ",
            body=make_body(text="Hello"),
            channel=Channel.EMAIL,
        )

    assert _ticket(brand).number == "OPR-26-000001"


def test_format_number_pads_the_sequence_as_the_format_asks():
    assert format_number("{prefix}-{yy}-{seq:06}", prefix="BLT", year=2026, seq=123) == "BLT-26-000123"
    assert format_number("{prefix}-{yyyy}-{seq}", prefix="BLT", year=2026, seq=1234567) == "BLT-2026-1234567"


CREATORS = 8
TICKETS_EACH = 25


@pytest.mark.postgres
@pytest.mark.skipif(
    not ON_POSTGRES, reason="row locks of parallel creators need PostgreSQL; SQLite runs one writer"
)
@pytest.mark.django_db(transaction=True)
def test_parallel_creators_on_postgresql_get_unique_gap_free_numbers(time_machine):
    time_machine.move_to(datetime(2026, 4, 1, 9, tzinfo=UTC), tick=True)
    brand = create_brand(name="Opera", slug="opera", ticket_prefix="OPR")
    customers = [
        find_or_create_customer(brand, actor=SYSTEM, email=f"buyer{i}@example.com") for i in range(CREATORS)
    ]
    start = threading.Barrier(CREATORS)
    numbers: list[str] = []
    errors: list[BaseException] = []
    lock = threading.Lock()

    def creator(index: int) -> None:
        try:
            start.wait(timeout=30)
            for n in range(TICKETS_EACH):
                ticket = actions.create_ticket(
                    brand,
                    actor=SYSTEM,
                    customer=customers[index],
                    subject=f"Request {index}-{n}",
                    body=make_body(text="Parallel request"),
                    channel=Channel.API,
                )
                with lock:
                    numbers.append(ticket.number)
        except BaseException as exc:  # noqa: BLE001 - reported by the main thread below
            with lock:
                errors.append(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=creator, args=(i,)) for i in range(CREATORS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)

    assert errors == []
    expected = [f"OPR-26-{seq:06}" for seq in range(1, CREATORS * TICKETS_EACH + 1)]
    assert sorted(numbers) == expected
    assert sorted(Ticket.objects.filter(brand=brand).values_list("number", flat=True)) == expected
