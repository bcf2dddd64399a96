"""Ticket search: ranking, typos in names, Russian inflection, Polish diacritics, scope, query count.

Runs on SQLite and, with DATABASE_URL, on PostgreSQL: each database keeps its own indexes (FTS5 tables kept by
triggers, expression GIN indexes), and tickets written any way at all are found.
"""

from __future__ import annotations

import importlib

import pytest
from django.db import connection

from frontdesk.core.errors import InvalidInput
from frontdesk.core.search import MAX_QUERY_LENGTH, backend_for
from frontdesk.tickets.actions import add_note, create_ticket, reply_to_ticket
from frontdesk.tickets.choices import Channel
from frontdesk.tickets.content import make_body
from frontdesk.tickets.search import SOURCES, Found, search_tickets
from frontdesk.users.actions import create_customer, update_customer
from frontdesk.users.actors import SYSTEM, actor_for


def _ticket(brand_cast, subject, body="Hello.", customer=None):
    return create_ticket(
        brand_cast.brand,
        actor=SYSTEM,
        customer=customer or brand_cast.customer,
        subject=subject,
        body=make_body(text=body),
        channel=Channel.EMAIL,
    )


def _numbers(actor_user, text, **kwargs):
    return [hit.ticket.number for hit in search_tickets(actor_for(actor_user), text, **kwargs)]


def test_the_exact_number_comes_first_then_subjects_then_message_text(cast):
    in_body = _ticket(cast.opera, "Something else", body="The refund never came.")
    in_subject = _ticket(cast.opera, "Refund for the cancelled concert")
    unrelated = _ticket(cast.opera, "Seats", body="Row 5 please")
    by_number = _ticket(cast.opera, "Seats again", body=f"About {in_body.number} and a refund")
    found = _numbers(cast.opera.line1, "refund")
    assert found.index(in_subject.number) < found.index(in_body.number)
    assert unrelated.number not in found
    assert _numbers(cast.opera.line1, in_body.number)[0] == in_body.number
    assert _numbers(cast.opera.line1, in_body.number.lower())[0] == in_body.number
    assert by_number.number in _numbers(cast.opera.line1, "refund")


def test_a_piece_of_the_number_finds_the_ticket(cast):
    ticket = _ticket(cast.opera, "Seats")
    piece = ticket.number[-5:]
    hits = search_tickets(actor_for(cast.opera.line1), piece)
    assert [h.ticket.number for h in hits] == [ticket.number]
    assert Found.NUMBER_PART in hits[0].found


def test_the_exact_number_is_not_looked_for_again_in_pieces(cast):
    ticket = _ticket(cast.opera, "Seats")
    hits = search_tickets(actor_for(cast.opera.line1), ticket.number)
    assert [h.ticket.number for h in hits] == [ticket.number]
    assert hits[0].found == {Found.NUMBER}


def test_message_text_is_searched_only_when_other_places_found_too_few_tickets(cast):
    in_subjects = [_ticket(cast.opera, f"Refund {i}", body="A refund, please.") for i in range(3)]
    in_body = _ticket(cast.opera, "Seats", body="Where is my refund?")
    actor = actor_for(cast.opera.line1)
    enough = search_tickets(actor, "refund", limit=3)
    assert {h.ticket.number for h in enough} == {t.number for t in in_subjects}
    assert {h.found for h in enough} == {frozenset({Found.SUBJECT})}
    more = search_tickets(actor, "refund", limit=10)
    assert {h.found for h in more[:3]} == {frozenset({Found.SUBJECT, Found.MESSAGE})}
    assert more[-1].ticket.number == in_body.number
    assert more[-1].found == {Found.MESSAGE}


def test_a_name_with_a_typo_finds_the_customer_s_tickets(cast):
    petrova = create_customer(cast.opera.brand, actor=SYSTEM, name="Anna Petrova", emails=["anna@p.example"])
    ivanova = create_customer(cast.opera.brand, actor=SYSTEM, name="Olga Ivanova", emails=["olga@i.example"])
    hers = _ticket(cast.opera, "Seats", customer=petrova)
    other = _ticket(cast.opera, "Seats", customer=ivanova)
    found = _numbers(cast.opera.line1, "Petorva")
    assert hers.number in found
    assert other.number not in found
    cyrillic = create_customer(
        cast.opera.brand, actor=SYSTEM, name="Анна Петрова", phones=["+7 912 345-67-89"]
    )
    theirs = _ticket(cast.opera, "Места", customer=cyrillic)
    assert theirs.number in _numbers(cast.opera.line1, "Петорва")


def test_email_and_phone_pieces_find_the_customer_s_tickets(cast):
    customer = create_customer(
        cast.opera.brand,
        actor=SYSTEM,
        name="Jan Kowalski",
        emails=["jan.kowalski@poczta.example"],
        phones=["+48 22 123 45 67"],
    )
    ticket = _ticket(cast.opera, "Bilety", customer=customer)
    assert ticket.number in _numbers(cast.opera.line1, "kowalski@poczta")
    assert ticket.number in _numbers(cast.opera.line1, "22 123-45")
    assert ticket.number in _numbers(cast.opera.line1, "+48221234567")


def test_a_renamed_customer_is_found_by_the_new_name_only(cast):
    customer = create_customer(cast.opera.brand, actor=SYSTEM, name="Marek Nowak", emails=["m@n.example"])
    ticket = _ticket(cast.opera, "Bilety", customer=customer)
    update_customer(customer, actor=actor_for(cast.opera.line1), name="Marek Zieliński")
    assert ticket.number in _numbers(cast.opera.line1, "Zielinski")
    assert ticket.number not in _numbers(cast.opera.line1, "Nowak")


def test_russian_words_are_found_in_another_form(cast):
    ticket = _ticket(cast.opera, "Не пришли билеты", body="Оплатил заказ, билеты на почту не пришли.")
    assert ticket.number in _numbers(cast.opera.line1, "билетов")
    assert ticket.number in _numbers(cast.opera.line1, "оплатил заказ")


def test_russian_words_are_found_with_or_without_yo(cast):
    ticket = _ticket(cast.opera, "Оплата", body="Ваш платёж отклонён банком, ёлка не доставлена.")
    other = _ticket(cast.opera, "Доставка", body="Платеж прошел, ждем билеты.")
    for query in ("платёж", "платеж", "ПЛАТЁЖ", "отклонен", "отклонён банком", "елка", "ёлка"):
        assert ticket.number in _numbers(cast.opera.line1, query), query
    assert set(_numbers(cast.opera.line1, "платеж")) == {ticket.number, other.number}
    assert set(_numbers(cast.opera.line1, "платёж")) == {ticket.number, other.number}
    assert _numbers(cast.opera.line1, "прошёл") == [other.number]


def test_polish_words_typed_without_diacritics_are_found(cast):
    ticket = _ticket(
        cast.opera, "Zwrot pieniędzy za bilety", body="Proszę o zwrot pieniędzy, koncert odwołany."
    )
    hits = search_tickets(actor_for(cast.opera.line1), "zwrot pieniedzy")
    assert [h.ticket.number for h in hits] == [ticket.number]
    assert hits[0].found == {Found.SUBJECT, Found.MESSAGE}
    # SQLite's tokenizer folds only letters that Unicode decomposes: "ł" has to be typed there.
    odwolany = "odwolany" if connection.vendor == "postgresql" else "odwołany"
    assert ticket.number in _numbers(cast.opera.line1, odwolany)


def test_replies_are_searchable_as_soon_as_they_are_written(cast):
    ticket = _ticket(cast.opera, "Seats")
    reply_to_ticket(
        ticket, actor=actor_for(cast.opera.line1), body=make_body(text="Your voucher is XJ-pelican.")
    )
    hits = search_tickets(actor_for(cast.opera.line1), "pelican")
    assert [h.ticket.number for h in hits] == [ticket.number]
    assert hits[0].found == {Found.MESSAGE}


def test_the_other_brand_and_the_outsider_find_nothing(cast):
    ticket = _ticket(cast.opera, "Zwrot pieniędzy")
    for user in (cast.tours.line1, cast.tours.admin, cast.tours.customer_user, cast.outsider):
        assert _numbers(user, "zwrot") == []
        assert _numbers(user, ticket.number) == []
        assert _numbers(user, cast.opera.customer.name) == []
    assert _numbers(cast.opera.line1, "zwrot") == [ticket.number]
    assert _numbers(cast.provider_admin, "zwrot") == [ticket.number]


def test_customers_find_only_their_own_tickets(cast):
    own = _ticket(cast.opera, "Zwrot pieniędzy")
    colleagues = _ticket(cast.opera, "Zwrot biletów", customer=cast.opera.colleague)
    assert _numbers(cast.opera.customer_user, "zwrot") == [own.number]
    assert _numbers(cast.opera.colleague_user, "zwrot") == [colleagues.number]


def test_customers_do_not_find_words_of_internal_notes(cast):
    ticket = _ticket(cast.opera, "Seats")
    add_note(ticket, actor=actor_for(cast.opera.line1), body=make_body(text="Suspected chargeback fraud."))
    assert _numbers(cast.opera.line1, "chargeback") == [ticket.number]
    assert _numbers(cast.opera.customer_user, "chargeback") == []


def test_an_empty_or_too_long_query_is_refused(cast):
    actor = actor_for(cast.opera.line1)
    for text in ("", "   ", "x" * (MAX_QUERY_LENGTH + 1)):
        with pytest.raises(InvalidInput) as refused:
            search_tickets(actor, text)
        assert refused.value.field == "q"
    assert search_tickets(actor, "!!") == []
    assert search_tickets(actor, "- -") == []


@pytest.mark.parametrize("many", [False, True])
def test_a_search_costs_the_same_queries_with_few_or_many_matches(cast, count_queries, many):
    customer = create_customer(cast.opera.brand, actor=SYSTEM, name="Refund Smith", emails=["r@s.example"])
    for i in range(30 if many else 2):
        ticket = _ticket(cast.opera, f"Refund {i}", body="refund please", customer=customer)
    actor = actor_for(cast.opera.line1)
    # PostgreSQL: a savepoint (the test's transaction; BEGIN outside tests), the settings, the candidates, the
    # release; then the tickets and their brand (with_details; this customer has no organization).
    expected = 6 if connection.vendor == "postgresql" else 3
    with count_queries(expected):
        hits = search_tickets(actor, "refund", limit=50)
    assert len(hits) == (30 if many else 2)
    assert hits[0].ticket.number == ticket.number
    with count_queries(0):
        [(h.ticket.customer.name, h.ticket.brand.name, h.ticket.assignee, h.ticket.team) for h in hits]


def test_the_migration_indexes_the_sources_the_search_reads():
    migration = importlib.import_module("frontdesk.tickets.migrations.0007_search_indexes")
    assert migration.SOURCES == SOURCES


@pytest.mark.django_db
def test_the_sqlite_triggers_that_keep_the_index_current_survive_every_migration():
    if connection.vendor != "sqlite":
        pytest.skip("SQLite keeps its search tables with triggers; PostgreSQL uses expression indexes.")
    backend = backend_for(connection)
    with connection.cursor() as cursor:
        cursor.execute("SELECT name FROM sqlite_master WHERE type = 'trigger'")
        triggers = {name for (name,) in cursor.fetchall()}
    for source in SOURCES:
        assert set(backend.trigger_names(source)) <= triggers, source


@pytest.mark.django_db
def test_postgresql_answers_with_the_search_indexes():
    if connection.vendor != "postgresql":
        pytest.skip("PostgreSQL only.")
    with connection.cursor() as cursor:
        cursor.execute("SELECT indexname FROM pg_indexes WHERE indexname LIKE 'search_%%'")
        names = {name for (name,) in cursor.fetchall()}
    assert {s.index_name for s in SOURCES} <= names


@pytest.mark.parametrize(
    "text",
    [
        "'; DROP TABLE tickets_ticket; --",
        '"unclosed',
        "%_\\",
        "NEAR(a b) OR c*",
        "a:* & !b | (c)",
        "ł ё ß ﬁ",
        "-",
        "'",
        "🎫 билет",
        "a" * 60,
        "x" * MAX_QUERY_LENGTH,
    ],
)
def test_any_text_is_searched_for_literally_and_never_breaks_the_query(cast, text):
    _ticket(cast.opera, "Seats")
    assert search_tickets(actor_for(cast.opera.line1), text) == []
