"""The portal names statuses in its own words: agreeing with its noun for a request ("обращение" is neuter in
Russian, "zgłoszenie" in Polish), and a history line says what happened once."""

from __future__ import annotations

import re

import pytest

from frontdesk.tickets import actions as ticket_actions
from frontdesk.tickets.choices import Status
from frontdesk.users.actors import actor_for


def _solved(cast):
    ticket = cast.opera.ticket("Tickets for Tosca")
    agent = actor_for(cast.opera.line1)
    ticket_actions.change_status(ticket, actor=agent, status=Status.OPEN)
    ticket_actions.change_status(ticket, actor=agent, status=Status.PENDING_CUSTOMER)
    ticket_actions.change_status(ticket, actor=agent, status=Status.SOLVED)
    return ticket


def _text(html):
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html))


@pytest.mark.parametrize(
    ("language", "solved", "status_line", "waiting", "doubled"),
    [
        ("ru", "Решено", "Обращение решено", "Статус изменён на «Ждёт вашего ответа»", "Решена"),
        (
            "pl",
            "Rozwiązane",
            "Zgłoszenie rozwiązano",
            "Status zmieniono na „Oczekuje na Twoją odpowiedź”",
            None,
        ),
        ("en", "Solved", "The request was solved", "Status changed to “Waiting for your answer”", None),
    ],
)
def test_the_request_page_and_list_name_the_status_once_in_the_portal_s_words(
    cast, sign_in, language, solved, status_line, waiting, doubled
):
    ticket = _solved(cast)
    cast.opera.brand.languages = ["ru", "en", "pl"]
    cast.opera.brand.save(update_fields=["languages"])
    for person in (cast.opera.customer_user, cast.opera.customer):
        person.language = language
        person.save(update_fields=["language"])
    client = sign_in(cast.opera.customer_user)
    page = _text(
        client.get(f"/portal/opera/tickets/{ticket.number}/", HTTP_ACCEPT_LANGUAGE=language).content.decode()
    )
    assert f"{solved} " in page
    assert status_line in page
    assert waiting in page
    assert f"{status_line}:" not in page
    if doubled:
        assert doubled not in page
    listing = _text(
        client.get("/portal/opera/requests/?status=all", HTTP_ACCEPT_LANGUAGE=language).content.decode()
    )
    assert f" {solved} " in listing
