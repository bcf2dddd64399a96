"""Which of a brand's languages a customer writes in."""

import pytest

from frontdesk.core.language import guess_language

ALL = ["ru", "en", "pl"]


@pytest.mark.parametrize(
    ("text", "language"),
    [
        ("Hello, I paid for two tickets yesterday but got no e-mail with them.", "en"),
        ("Здравствуйте! Я оплатил два билета, но письмо с ними не пришло.", "ru"),
        ("Dzień dobry, zapłaciłem za dwa bilety, ale nie dostałem maila.", "pl"),
        ("Dzien dobry, nie dostalem biletow na koncert", "pl"),
    ],
)
def test_the_language_of_a_mail_is_recognised(text, language):
    assert guess_language(text, ALL) == language


def test_only_a_language_the_brand_offers_is_chosen():
    english = "Hello, I paid for two tickets yesterday but got no e-mail with them."
    assert guess_language(english, ["ru", "pl"]) in ("", "ru", "pl")
    assert guess_language(english, ["ru"]) == "ru"
    assert guess_language(english, ["de"]) == ""


def test_too_little_text_tells_nothing():
    assert guess_language("ok", ALL) == ""
    assert guess_language("", ALL) == ""
    assert guess_language("12345 !!!", ALL) == ""
