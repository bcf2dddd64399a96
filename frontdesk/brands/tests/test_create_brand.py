"""create_brand refuses settings that would break ticket numbering or time zone math later."""

from __future__ import annotations

import pytest

from frontdesk.brands.actions import create_brand
from frontdesk.core.errors import Conflict, InvalidInput


def test_a_brand_is_created_with_its_languages_and_lower_cased_sender_addresses(db):
    brand = create_brand(
        name="Opera",
        slug="opera",
        ticket_prefix="OPR",
        languages=["ru", "en"],
        sender_addresses=["Help@Opera.Example"],
    )

    assert (brand.default_language, brand.sender_addresses) == ("ru", ["help@opera.example"])


@pytest.mark.parametrize(
    "fmt",
    [
        "{yy}-{seq:06}",  # no prefix: two brands would hand out the same numbers
        "{prefix}{seq}",  # prefix OPR with 12 and prefix OPR1 with 2 would both be OPR12
        "{prefix}-{yy}",  # no sequence: the second ticket of a year would collide with the first
        "{prefix}-{seq}-{seq}",
        "{prefix}-{month}-{seq}",
        "{prefix}-{seq:6}",
        "{prefix}-" + "x" * 40 + "-{seq}",  # longer than the number column
    ],
)
def test_a_ticket_number_format_that_cannot_give_unique_numbers_is_refused(db, fmt):
    with pytest.raises(InvalidInput) as refused:
        create_brand(name="Opera", slug="opera", ticket_prefix="OPR", ticket_number_format=fmt)

    assert refused.value.field == "ticket_number_format"


@pytest.mark.parametrize("fmt", ["{prefix}-{yy}-{seq:06}", "{prefix}/{yyyy}/{seq}", "{prefix}#{seq:08}"])
def test_usual_ticket_number_formats_are_accepted(db, fmt):
    assert create_brand(name="Opera", slug="opera", ticket_prefix="OPR", ticket_number_format=fmt).pk


@pytest.mark.parametrize("zone", ["Mars/Olympus", "../../etc/passwd", ""])
def test_an_unknown_time_zone_is_refused(db, zone):
    with pytest.raises(InvalidInput) as refused:
        create_brand(name="Opera", slug="opera", ticket_prefix="OPR", time_zone=zone)

    assert refused.value.field == "time_zone"


def test_languages_outside_en_ru_pl_are_refused(db):
    with pytest.raises(InvalidInput) as refused:
        create_brand(name="Opera", slug="opera", ticket_prefix="OPR", languages=["de"])

    assert refused.value.field == "languages"


def test_a_second_brand_with_the_same_slug_or_prefix_is_a_conflict(db):
    create_brand(name="Opera", slug="opera", ticket_prefix="OPR")

    with pytest.raises(Conflict):
        create_brand(name="Opera again", slug="opera", ticket_prefix="OPX")
    with pytest.raises(Conflict):
        create_brand(name="Opera Tours", slug="opera-tours", ticket_prefix="OPR")
