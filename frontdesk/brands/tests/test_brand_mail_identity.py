"""A brand's mail senders and signatures per language are checked when the brand is saved through the actions."""

from __future__ import annotations

import pytest

from frontdesk.brands.actions import create_brand
from frontdesk.core.errors import InvalidInput

pytestmark = pytest.mark.django_db


def _brand(**kwargs):
    return create_brand(
        name="Parterre",
        slug="parterre",
        ticket_prefix="PT",
        languages=["ru", "en"],
        sender_addresses=["support@parterre.example", "help@parterre.example"],
        **kwargs,
    )


def test_senders_and_signatures_per_language_are_kept():
    brand = _brand(
        mail_from={"ru": "Партер <support@parterre.example>", "en": "Parterre <help@parterre.example>"},
        mail_signatures={"ru": "{agent}\nСлужба поддержки", "en": "{agent}\nSupport"},
    )
    brand.refresh_from_db()
    assert brand.mail_from["ru"] == "Партер <support@parterre.example>"
    assert brand.mail_signatures["en"] == "{agent}\nSupport"


def test_a_sender_outside_the_brands_addresses_is_refused():
    # Incoming mail from our own addresses is recognised as a loop: a sender must be one of them.
    with pytest.raises(InvalidInput) as error:
        _brand(mail_from={"en": "Parterre <noreply@elsewhere.example>"})
    assert error.value.field == "mail_from"


def test_a_sender_that_is_not_an_address_is_refused():
    with pytest.raises(InvalidInput) as error:
        _brand(mail_from={"en": "Parterre support"})
    assert error.value.field == "mail_from"


def test_a_header_injection_in_the_sender_is_refused():
    with pytest.raises(InvalidInput) as error:
        _brand(mail_from={"en": "Parterre <support@parterre.example>\nBcc: x@evil.example"})
    assert error.value.field == "mail_from"


def test_unknown_languages_are_refused():
    with pytest.raises(InvalidInput) as error:
        _brand(mail_signatures={"de": "Ihr Support-Team"})
    assert error.value.field == "mail_signatures"


def test_signatures_must_be_texts_of_reasonable_length():
    with pytest.raises(InvalidInput):
        _brand(mail_signatures={"en": ["not", "a", "text"]})
    with pytest.raises(InvalidInput):
        _brand(mail_signatures={"en": "x" * 2001})
