"""Canned answers: found per brand and language, rendered with the ticket's facts and nothing else."""

from __future__ import annotations

import pytest

from frontdesk.core.errors import NotFound, PermissionDenied
from frontdesk.tickets.canned import (
    access_canned_answer,
    canned_answers_for,
    create_canned_answer,
    render_canned,
    render_text,
)
from frontdesk.tickets.models import CannedAnswer
from frontdesk.users.actors import SYSTEM, actor_for


def _answer(brand, title, body="Hello {customer_name}", language="", **extra):
    return CannedAnswer.objects.create(brand=brand, title=title, body=body, language=language, **extra)


def test_the_ticket_language_comes_first_then_any_language_then_the_others(cast):
    ticket = cast.opera.ticket()
    ticket.language = "pl"
    ticket.save(update_fields=["language"])
    brand = cast.opera.brand
    _answer(brand, "A refund", language="en")
    _answer(brand, "B refund", language="pl")
    _answer(None, "C refund")
    _answer(cast.tours.brand, "D refund", language="pl")
    _answer(brand, "E refund", language="pl", is_active=False)
    agent = actor_for(cast.opera.line1)
    titles = [a.title for a in canned_answers_for(agent, ticket, "refund")]
    assert titles == ["B refund", "C refund", "A refund"]


def test_the_search_matches_every_word_in_the_title_or_text_in_any_case_and_alphabet(cast):
    ticket = cast.opera.ticket()
    _answer(cast.opera.brand, "Tickets resent", body="We sent the e-tickets again.")
    _answer(cast.opera.brand, "Refund rules", body="Refunds take ten days.")
    _answer(cast.opera.brand, "Билеты отправлены повторно", body="Проверьте папку «Спам».")
    _answer(cast.opera.brand, "Zwrot środków", body="Zwrot trwa DWA tygodnie.")
    agent = actor_for(cast.opera.line1)

    def titles(query):
        return [a.title for a in canned_answers_for(agent, ticket, query)]

    assert titles("  REFUND ") == ["Refund rules"]
    assert titles("days refund") == ["Refund rules"]
    assert titles("again") == ["Tickets resent"]
    assert titles("билеты спам") == ["Билеты отправлены повторно"]
    assert titles("ŚRODKÓW dwa") == ["Zwrot środków"]
    assert titles("refund спам") == []
    assert len(titles("")) == 4


def test_an_agent_of_another_brand_gets_no_answers_and_cannot_reach_one(cast):
    ticket = cast.opera.ticket()
    answer = _answer(cast.opera.brand, "Refund")
    other = actor_for(cast.tours.line1)
    with pytest.raises(PermissionDenied):
        canned_answers_for(other, ticket, "")
    with pytest.raises(PermissionDenied):
        access_canned_answer(other, ticket, answer.pk)


def test_an_answer_of_another_brand_is_not_found_on_this_ticket(cast):
    ticket = cast.opera.ticket()
    foreign = _answer(cast.tours.brand, "Refund")
    with pytest.raises(NotFound):
        access_canned_answer(actor_for(cast.opera.line1), ticket, foreign.pk)


def test_placeholders_are_filled_with_the_ticket_facts(cast):
    ticket = cast.opera.ticket()
    answer = _answer(
        cast.opera.brand,
        "Hi",
        body="Dear {customer_first_name} ({customer_name}), ticket {ticket_number} at {brand_name}. {agent_name}",
    )
    text = render_canned(answer, ticket=ticket, actor=actor_for(cast.opera.line1))
    assert text == (
        f"Dear Customer (Customer of Opera Box Office), ticket {ticket.number} at Opera Box Office. "
        "Line1 Opera Box Office"
    )


@pytest.mark.parametrize(
    ("body", "expected"),
    [
        ("{customer_name.__class__.__mro__}", "{customer_name.__class__.__mro__}"),
        ("{unknown}", "{unknown}"),
        ("{ticket_number!r}", "{ticket_number!r}"),
        ("{ticket_number:>40}", "{ticket_number:>40}"),
        ("{0} {}", "{0} {}"),
        ("{% load x %}{{ request }}", "{% load x %}{{ request }}"),
        ("No. {ticket_number}, {customer_name}", "No. OPR-1, Anna"),
    ],
)
def test_anything_but_a_known_placeholder_is_left_as_written(body, expected):
    assert render_text(body, {"customer_name": "Anna", "ticket_number": "OPR-1"}) == expected


def test_a_customer_name_with_braces_is_not_rendered_again():
    assert render_text("{customer_name}", {"customer_name": "{ticket_number}", "ticket_number": "X"}) == (
        "{ticket_number}"
    )


def test_brand_admins_create_answers_for_their_brand_and_only_provider_admins_shared_ones(cast):
    admin = actor_for(cast.opera.admin)
    answer = create_canned_answer(cast.opera.brand, actor=admin, title=" Hi ", body="Hello", language="ru")
    assert (answer.title, answer.language) == ("Hi", "ru")
    with pytest.raises(PermissionDenied):
        create_canned_answer(cast.tours.brand, actor=admin, title="Hi", body="Hello")
    with pytest.raises(PermissionDenied):
        create_canned_answer(None, actor=admin, title="Hi", body="Hello")
    assert create_canned_answer(None, actor=SYSTEM, title="Hi", body="Hello").brand_id is None


# The admin ------------------------------------------------------------------------------------------------


def _admin(client, user):
    from frontdesk.testing.cast import PASSWORD

    assert client.login(email=user.email, password=PASSWORD)
    return client


def test_a_brand_admin_sees_and_edits_only_their_brands_answers(cast, client):
    mine = _answer(cast.opera.brand, "Opera refund")
    theirs = _answer(cast.tours.brand, "Tours refund")
    shared = _answer(None, "Shared greeting")
    admin = _admin(client, cast.opera.admin)
    listing = admin.get("/admin/tickets/cannedanswer/").content.decode()
    assert "Opera refund" in listing
    assert "Tours refund" not in listing
    assert "Shared greeting" not in listing
    assert admin.get(f"/admin/tickets/cannedanswer/{mine.pk}/change/").status_code == 200
    for other in (theirs, shared):
        assert admin.get(f"/admin/tickets/cannedanswer/{other.pk}/change/").status_code == 302


def test_a_brand_admin_adds_answers_to_their_brand_only_never_shared_ones(cast, client):
    admin = _admin(client, cast.opera.admin)
    form = admin.get("/admin/tickets/cannedanswer/add/").content.decode()
    assert "{customer_name}" in form
    assert "Opera Tours" not in form
    data = {"title": "Hi", "body": "Hello {customer_name}", "language": "ru", "is_active": "on"}
    assert admin.post("/admin/tickets/cannedanswer/add/", {**data, "brand": ""}).status_code == 200
    assert (
        admin.post("/admin/tickets/cannedanswer/add/", {**data, "brand": cast.tours.brand.pk}).status_code
        == 200
    )
    assert not CannedAnswer.objects.exists()
    assert (
        admin.post("/admin/tickets/cannedanswer/add/", {**data, "brand": cast.opera.brand.pk}).status_code
        == 302
    )
    assert CannedAnswer.objects.get().brand_id == cast.opera.brand.pk


def test_the_provider_admin_adds_a_shared_answer(cast, client):
    admin = _admin(client, cast.provider_admin)
    data = {"title": "Hi", "body": "Hello", "language": "", "is_active": "on", "brand": ""}
    assert admin.post("/admin/tickets/cannedanswer/add/", data).status_code == 302
    assert CannedAnswer.objects.get().brand_id is None


def test_agents_customers_and_the_outsider_do_not_get_into_the_answers_admin(cast, client):
    for user in (cast.opera.line1, cast.opera.customer_user, cast.outsider):
        response = _admin(client, user).get("/admin/tickets/cannedanswer/")
        assert response.status_code == 302
        client.logout()
