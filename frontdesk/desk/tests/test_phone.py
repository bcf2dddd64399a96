"""The phone ticket screen: find the caller as the agent types, or take a new customer, and open the ticket
with its call record in one step; a call logged on an existing ticket. Other brands and outsiders get 404."""

from __future__ import annotations

import pytest

from frontdesk.testing.cast import PASSWORD
from frontdesk.tickets import actions as ticket_actions
from frontdesk.tickets.choices import Channel, MessageKind, Status
from frontdesk.tickets.models import Category, Message, Ticket
from frontdesk.users.actions import create_customer
from frontdesk.users.actors import SYSTEM
from frontdesk.users.models import Customer

URL = "/desk/phone/"
CALLERS = "/desk/phone/callers/"


def _sign_in(client, user):
    assert client.login(email=user.email, password=PASSWORD)
    return client


@pytest.fixture
def kowalski(cast):
    return create_customer(
        cast.opera.brand,
        actor=SYSTEM,
        name="Jan Kowalski",
        phones=["+48 22 123 45 67"],
        emails=["jan@k.example"],
    )


@pytest.fixture
def refunds(cast):
    return Category.objects.create(brand=cast.opera.brand, name="Refunds", path="Refunds")


def _post(client, **fields):
    data = {
        "direction": "inbound",
        "priority": "normal",
        "subject": "Lost tickets",
        "note": "Caller lost them.",
    }
    data.update({k: v for k, v in fields.items() if v is not None})
    return client.post(URL, data, **({"HTTP_HX_REQUEST": "true"} if fields.pop("htmx", False) else {}))


def test_the_page_has_the_caller_search_the_form_and_the_timer(cast, client):
    html = _sign_in(client, cast.opera.line1).get(URL).content.decode()
    assert 'id="caller-q"' in html
    assert "delay:250ms" in html
    assert "data-call-timer" in html
    assert "desk/phone.js" in html
    # One brand: it is chosen already.
    assert f'<option value="{cast.opera.brand.pk}" selected>' in html
    assert cast.tours.brand.name not in html
    assert "New phone ticket" in _sign_in(client, cast.opera.line1).get("/").content.decode()


def test_typing_part_of_a_phone_finds_the_caller_with_brand_organization_and_open_tickets(
    cast, client, kowalski
):
    open_ticket = cast.opera.ticket("Seats for Tosca", by=kowalski)
    solved = cast.opera.ticket("Old refund", by=kowalski)
    ticket_actions.change_status(solved, actor=SYSTEM, status=Status.SOLVED)
    html = _sign_in(client, cast.opera.line1).get(CALLERS, {"q": "123-45"}, HTTP_HX_REQUEST="true")
    html = html.content.decode()
    assert "Jan Kowalski" in html
    assert "Opera Box Office" in html
    assert open_ticket.number in html
    assert solved.number not in html
    assert f"/desk/phone/callers/{kowalski.pk}/" in html
    # By organization member, name with a typo, email and ticket number too.
    html = client.get(CALLERS, {"q": "Custmer of Opera"}).content.decode()
    assert "Customer of Opera Box Office" in html
    assert "Opera Box Office Partners" in html
    assert "Jan Kowalski" in client.get(CALLERS, {"q": "jan@k.exa"}).content.decode()
    html = client.get(CALLERS, {"q": open_ticket.number.lower()}).content.decode()
    assert "Jan Kowalski" in html
    assert "ticket number" in html


def test_no_match_offers_a_new_customer_with_what_was_typed(cast, client):
    html = _sign_in(client, cast.opera.line1).get(CALLERS, {"q": "+48 600 700 800"}).content.decode()
    assert "No customer matches" in html
    assert "/desk/phone/callers/new/?phone=%2B48+600+700+800" in html
    html = client.get("/desk/phone/callers/new/", {"phone": "+48 600 700 800"}).content.decode()
    assert 'value="+48 600 700 800"' in html


def test_a_too_long_search_is_a_message_with_422(cast, client):
    response = _sign_in(client, cast.opera.line1).get(CALLERS, {"q": "x" * 201}, HTTP_HX_REQUEST="true")
    assert response.status_code == 422
    assert "at most 200 characters" in response.content.decode()
    assert client.get(CALLERS, {"q": " "}).status_code == 200


def test_picking_a_caller_fills_the_form_and_chooses_their_brand(cast, client, kowalski):
    html = _sign_in(client, cast.opera.line1).get(f"/desk/phone/callers/{kowalski.pk}/").content.decode()
    assert f'name="customer" value="{kowalski.pk}"' in html
    assert 'id="phone-brand" class="phone-brand" hx-swap-oob="true"' in html
    assert f'<option value="{cast.opera.brand.pk}" selected>' in html


def test_one_submit_opens_the_ticket_for_a_picked_caller_with_the_call_record(
    cast, client, kowalski, refunds
):
    _sign_in(client, cast.opera.line1)
    response = _post(
        client,
        customer=kowalski.pk,
        brand=cast.opera.brand.pk,
        category=refunds.pk,
        priority="high",
        duration="4:05",
        direction="outbound",
    )
    assert response.status_code == 302
    ticket = Ticket.objects.get(customer=kowalski)
    assert response["Location"] == f"/desk/tickets/{ticket.number}/"
    assert (ticket.channel, ticket.priority, ticket.category, ticket.status) == (
        Channel.PHONE,
        "high",
        refunds,
        Status.NEW,
    )
    # The agent who took the call has the ticket.
    assert ticket.assignee_id == cast.opera.line1.pk
    call = Message.objects.get(ticket=ticket)
    assert (call.kind, call.call_direction, call.call_duration_seconds) == (MessageKind.CALL, "outbound", 245)
    assert "Caller lost them." in call.body_text
    html = client.get(response["Location"]).content.decode()
    assert "4 min 05 s" in html
    assert "Outbound" in html


def test_a_new_customer_is_created_in_the_same_step_and_solved_on_the_call(cast, client):
    _sign_in(client, cast.opera.line1)
    response = _post(
        client,
        htmx=True,
        name="Anna Nowak",
        phone="+48 600 700 800",
        email="Anna@Nowak.example",
        language="pl",
        brand=cast.opera.brand.pk,
        duration="95",
        solved="on",
    )
    assert response.status_code == 200
    customer = Customer.objects.get(name="Anna Nowak")
    assert (customer.brand, customer.phone, customer.email, customer.language) == (
        cast.opera.brand,
        "+48600700800",
        "anna@nowak.example",
        "pl",
    )
    ticket = Ticket.objects.get(customer=customer)
    assert response["HX-Redirect"] == f"/desk/tickets/{ticket.number}/"
    assert (ticket.status, ticket.assignee_id) == (Status.SOLVED, cast.opera.line1.pk)
    assert Message.objects.get(ticket=ticket).call_duration_seconds == 95


@pytest.mark.parametrize(
    ("fields", "field_error"),
    [
        ({"subject": ""}, "This field is required."),
        ({"note": "   "}, "Write what the call was about."),
        ({"duration": "4:75"}, "minutes:seconds"),
        ({"duration": "abc"}, "minutes:seconds"),
        ({"duration": "25:00:00"}, "at most 24 hours"),
        ({"phone": "12"}, "is not a valid phone number"),
        ({"phone": "", "email": "not-an-email"}, "is not a valid email address"),
        ({"phone": "", "name": "Nobody"}, "Pick the caller above"),
        ({"brand": ""}, "Choose the brand."),
        ({"brand": "x"}, "Choose one of the offered values."),
        ({"customer": "abc"}, "Choose one of the offered values."),
        ({"customer": str(2**63)}, "Choose one of the offered values."),
        ({"priority": "extreme"}, "Select a valid choice"),
    ],
)
def test_bad_input_is_a_form_error_with_422_and_nothing_is_created(cast, client, fields, field_error):
    _sign_in(client, cast.opera.line1)
    data = {"phone": "+48 600 700 800", "brand": cast.opera.brand.pk} | fields
    response = _post(client, htmx=True, **data)
    assert response.status_code == 422
    html = response.content.decode()
    assert field_error in html
    assert html.lstrip().startswith('<form class="phone-form"')
    assert not Ticket.objects.filter(channel=Channel.PHONE).exists()
    assert not Customer.objects.filter(phone="+48600700800").exists()


def test_a_phone_of_another_customer_is_a_form_error_and_no_customer_is_left_behind(cast, client, kowalski):
    _sign_in(client, cast.opera.line1)
    response = _post(client, htmx=True, name="Someone", phone="+48 22 123-45-67", brand=cast.opera.brand.pk)
    assert response.status_code == 422
    assert "belongs to another customer of this brand" in response.content.decode()
    assert not Customer.objects.filter(name="Someone").exists()


def test_a_caller_or_category_of_another_brand_is_a_form_error_when_the_agent_serves_both(
    cast, client, kowalski, refunds
):
    _sign_in(client, cast.provider_admin)
    response = _post(client, htmx=True, customer=kowalski.pk, brand=cast.tours.brand.pk)
    assert response.status_code == 422
    assert "The caller is a customer of Opera Box Office" in response.content.decode()
    response = _post(client, htmx=True, customer=kowalski.pk, brand=cast.opera.brand.pk, category=999999)
    assert response.status_code == 404
    tours_category = Category.objects.create(brand=cast.tours.brand, name="Tours", path="Tours")
    response = _post(
        client, htmx=True, customer=kowalski.pk, brand=cast.opera.brand.pk, category=tours_category.pk
    )
    assert response.status_code == 422
    assert "Choose a category of Opera Box Office" in response.content.decode()
    assert not Ticket.objects.filter(channel=Channel.PHONE).exists()


def test_ids_of_another_brand_posted_in_the_form_are_404_and_change_nothing(cast, client, kowalski, refunds):
    _sign_in(client, cast.tours.line1)
    assert _post(client, customer=kowalski.pk, brand=cast.tours.brand.pk).status_code == 404
    assert _post(client, phone="+48 600 700 800", brand=cast.opera.brand.pk).status_code == 404
    tours = create_customer(cast.tours.brand, actor=SYSTEM, name="Tourist", phones=["+48 500 000 000"])
    assert _post(client, customer=tours.pk, brand=cast.tours.brand.pk, category=refunds.pk).status_code == 404
    assert client.get(f"/desk/phone/callers/{kowalski.pk}/").status_code == 404
    assert client.get("/desk/phone/brand/", {"brand": cast.opera.brand.pk}).status_code == 404
    html = client.get(CALLERS, {"q": "123-45"}).content.decode()
    assert "Jan Kowalski" not in html
    assert "No customer matches" in html
    assert not Ticket.objects.filter(channel=Channel.PHONE).exists()
    assert not Customer.objects.filter(phone="+48600700800").exists()


def test_the_outsider_and_customers_get_404_and_visitors_the_sign_in_page(cast, client, kowalski):
    urls = [
        URL,
        f"{CALLERS}?q=123",
        "/desk/phone/callers/new/",
        f"/desk/phone/callers/{kowalski.pk}/",
        "/desk/phone/brand/",
    ]
    for user in (cast.outsider, cast.opera.customer_user):
        client.logout()
        _sign_in(client, user)
        for url in urls:
            assert client.get(url).status_code == 404, url
        assert _post(client, customer=kowalski.pk, brand=cast.opera.brand.pk).status_code == 404
    client.logout()
    assert client.get(URL).status_code == 302
    assert not Ticket.objects.filter(channel=Channel.PHONE).exists()


def test_choosing_another_brand_offers_its_categories(cast, client, refunds):
    Category.objects.create(brand=cast.tours.brand, name="Tours", path="Tours")
    _sign_in(client, cast.provider_admin)
    html = client.get("/desk/phone/brand/", {"brand": cast.opera.brand.pk}).content.decode()
    assert ">Refunds<" in html
    assert ">Tours<" not in html
    html = client.get(URL).content.decode()
    assert ">Refunds<" not in html  # no brand chosen yet with two brands


@pytest.mark.parametrize("many", [False, True])
def test_the_caller_results_cost_the_same_queries_for_few_or_many_callers(
    cast, client, count_queries, many, is_postgres
):
    for i in range(10 if many else 1):
        customer = create_customer(
            cast.opera.brand, actor=SYSTEM, name=f"Caller {i}", phones=[f"+4860070{i:04d}"]
        )
        for j in range(3 if many else 1):
            cast.opera.ticket(f"Call {i}.{j}", by=customer)
    _sign_in(client, cast.opera.line1)
    client.get(CALLERS, {"q": "60070"})  # the actor is cached from here on
    with count_queries() as queries:
        html = client.get(CALLERS, {"q": "60070"}, HTTP_HX_REQUEST="true").content.decode()
    assert html.count('class="caller"') == (10 if many else 1)
    assert html.count("Call ") == (30 if many else 1)
    # Session and user; the callers found and their customers; a ticket with that number; open tickets. On
    # PostgreSQL also the search settings, and a savepoint around them inside the test's transaction.
    assert len(queries) == (9 if is_postgres else 6), queries
    few_or_many = len(queries)
    with count_queries(few_or_many):
        client.get(CALLERS, {"q": "60070"}, HTTP_HX_REQUEST="true")


def test_a_call_is_logged_on_an_existing_ticket(cast, client):
    ticket = cast.opera.ticket()
    _sign_in(client, cast.opera.line1)
    page = client.get(f"/desk/tickets/{ticket.number}/").content.decode()
    assert "Log a call" in page
    url = f"/desk/tickets/{ticket.number}/calls/"
    response = client.post(url, {"direction": "outbound", "duration": "2:05", "note": "Called back."})
    call = Message.objects.get(ticket=ticket, kind=MessageKind.CALL)
    assert response.status_code == 302
    assert response["Location"].endswith(f"#message-{call.pk}")
    assert (call.call_direction, call.call_duration_seconds) == ("outbound", 125)
    response = client.post(url, {"direction": "sideways", "note": ""}, HTTP_HX_REQUEST="true")
    assert response.status_code == 422
    assert "Select a valid choice" in response.content.decode()
    assert Message.objects.filter(ticket=ticket, kind=MessageKind.CALL).count() == 1


def test_another_brand_and_the_outsider_cannot_log_a_call(cast, client):
    ticket = cast.opera.ticket()
    for user in (cast.tours.line1, cast.outsider, cast.opera.customer_user):
        client.logout()
        _sign_in(client, user)
        response = client.post(f"/desk/tickets/{ticket.number}/calls/", {"direction": "inbound", "note": "x"})
        assert response.status_code == 404
    assert not Message.objects.filter(ticket=ticket, kind=MessageKind.CALL).exists()


def test_the_screen_speaks_russian_and_polish(cast, client):
    user = cast.opera.line1
    for language, text in (("ru", "Новая заявка по телефону"), ("pl", "Nowe zgłoszenie telefoniczne")):
        user.language = language
        user.save(update_fields=["language"])
        client.logout()
        html = _sign_in(client, user).get(URL).content.decode()
        assert text in html


def test_the_incoming_call_link_picks_the_one_customer_with_that_number(cast, client, kowalski):
    _sign_in(client, cast.opera.line1)
    html = client.get(URL, {"phone": "+48221234567", "brand": cast.opera.brand.pk}).content.decode()
    assert f'name="customer" value="{kowalski.pk}"' in html
    assert f'<option value="{cast.opera.brand.pk}" selected>' in html
    html = client.get(URL, {"customer": kowalski.pk}).content.decode()
    assert f'name="customer" value="{kowalski.pk}"' in html


def test_an_unknown_number_from_the_link_becomes_the_new_customer_s_phone_with_the_near_matches(
    cast, client, kowalski
):
    _sign_in(client, cast.opera.line1)
    html = client.get(URL, {"phone": "+48 22 123 45 99"}).content.decode()
    assert 'name="customer" value=' not in html
    assert 'name="phone" value="+48 22 123 45 99"' in html
    assert 'name="q" value="+48 22 123 45 99"' in html
    assert "No customer matches" in html
    # A piece of a known number: the near match is listed to pick from.
    html = client.get(URL, {"phone": "22 123 45"}).content.decode()
    assert "Jan Kowalski" in html
    assert "This is the caller" in html


def test_foreign_or_broken_ids_in_the_link_are_404(cast, client, kowalski):
    _sign_in(client, cast.tours.line1)
    assert client.get(URL, {"customer": kowalski.pk}).status_code == 404
    assert client.get(URL, {"brand": cast.opera.brand.pk}).status_code == 404
    assert client.get(URL, {"customer": "x"}).status_code == 404
    html = client.get(URL, {"phone": "+48221234567"}).content.decode()
    assert "Jan Kowalski" not in html


@pytest.mark.parametrize(
    ("direction", "solved", "says", "not_said"),
    [
        ("inbound", None, ["thank you for calling", "an agent will answer soon"], ["solved during the call"]),
        ("inbound", "on", ["thank you for calling", "it was solved during the call"], ["will answer soon"]),
        ("outbound", None, ["thank you for talking with", "an agent will answer soon"], ["for calling"]),
        ("outbound", "on", ["thank you for talking with", "it was solved during the call"], ["for calling"]),
    ],
)
def test_the_acknowledgement_of_a_call_follows_its_direction_and_whether_it_settled_the_request(
    cast, client, django_capture_on_commit_callbacks, direction, solved, says, not_said
):
    from django.core import mail

    _sign_in(client, cast.opera.line1)
    with django_capture_on_commit_callbacks(execute=True):
        response = _post(
            client,
            name="Jan Kowalczyk",
            email="jan@kowalczyk.example",
            language="en",
            brand=cast.opera.brand.pk,
            direction=direction,
            solved=solved,
        )
    assert response.status_code in (200, 302)
    (ack,) = [m for m in mail.outbox if "Your request has the number" in m.body]
    assert ack.to == ["jan@kowalczyk.example"]
    # Solved on the call: the satisfaction survey follows, as for any solved request.
    others = [m.subject.startswith("How did we do") for m in mail.outbox if m is not ack]
    assert others == ([True] if solved else [])
    for text in says:
        assert text in ack.body
    for text in not_said:
        assert text not in ack.body
