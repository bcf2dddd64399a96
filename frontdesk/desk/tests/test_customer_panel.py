"""The customer panel beside a ticket: contacts, organization, language and other tickets, edited in place."""

from __future__ import annotations

import pytest

from frontdesk.testing.cast import PASSWORD
from frontdesk.users.actions import create_customer
from frontdesk.users.actors import SYSTEM
from frontdesk.users.models import Customer, CustomerContact


def _sign_in(client, user):
    assert client.login(email=user.email, password=PASSWORD)
    return client


def _url(customer, **query):
    suffix = "&".join(f"{k}={v}" for k, v in query.items())
    return f"/desk/customers/{customer.pk}/" + (f"?{suffix}" if suffix else "")


def test_the_ticket_page_shows_the_customer_panel_with_the_other_tickets(cast, client):
    customer = cast.opera.customer
    older = [cast.opera.ticket(f"Earlier request {i}") for i in range(12)]
    ticket = cast.opera.ticket("Seats for Tosca")
    cast.opera.ticket("Colleague's request", by=cast.opera.colleague)
    html = _sign_in(client, cast.opera.line1).get(f"/desk/tickets/{ticket.number}/").content.decode()
    panel = html[html.index('id="customer-panel"') :]
    assert customer.name in panel
    assert "Opera Box Office Partners" in panel
    assert "mailto:customer@opera-mail.example" in panel
    # The newest ten others, not this one, not the colleague's.
    for other in older[2:]:
        assert other.number in panel
    assert older[0].number not in panel
    assert f">{ticket.number}</a>" not in panel
    assert "Colleague's request" not in panel
    assert panel.count("New</span>") == 10


def test_htmx_posts_on_the_ticket_keep_the_panel_out_of_the_swap(cast, client):
    ticket = cast.opera.ticket()
    _sign_in(client, cast.opera.line1)
    html = client.get(f"/desk/tickets/{ticket.number}/", HTTP_HX_REQUEST="true").content.decode()
    assert 'id="customer-panel"' not in html


def test_an_agent_edits_name_language_and_contacts_inline(cast, client):
    customer = cast.opera.customer
    ticket = cast.opera.ticket()
    _sign_in(client, cast.opera.line1)
    form = client.get(_url(customer, edit=1, ticket=ticket.pk), HTTP_HX_REQUEST="true").content.decode()
    assert 'name="add_phone"' in form
    assert "customer@opera-mail.example" in form
    email = CustomerContact.objects.get(customer=customer)
    response = client.post(
        _url(customer),
        {
            "name": "Maria Rossi",
            "language": "pl",
            "remove": [email.pk],
            "add_email": "Maria@Rossi.example",
            "add_phone": "+48 22 111 22 33",
            "ticket": ticket.pk,
        },
        HTTP_HX_REQUEST="true",
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert html.lstrip().startswith('<section class="customer-panel"')
    assert "Maria Rossi" in html
    assert "polski" in html.lower()
    assert "maria@rossi.example" in html
    assert "+48221112233" in html
    assert "customer@opera-mail.example" not in html
    customer.refresh_from_db()
    assert (customer.name, customer.language, customer.email, customer.phone) == (
        "Maria Rossi",
        "pl",
        "maria@rossi.example",
        "+48221112233",
    )


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"add_email": "not-an-email"}, "is not a valid email address"),
        ({"add_phone": "12"}, "is not a valid phone number"),
        ({"language": "de"}, "Select a valid choice"),
        ({"remove": ["999999"]}, "Select a valid choice"),
        ({"remove": ["x"]}, "Select a valid choice"),
        ({"add_phone": "+48 600 000 001"}, "belongs to another customer of this brand"),
    ],
)
def test_bad_input_and_a_taken_contact_are_form_errors_with_422_and_nothing_changes(
    cast, client, data, message
):
    create_customer(cast.opera.brand, actor=SYSTEM, name="Taken", phones=["+48600000001"])
    customer = cast.opera.customer
    email = CustomerContact.objects.get(customer=customer)
    _sign_in(client, cast.opera.line1)
    post = {"name": "Changed", "remove": [email.pk]} | data
    response = client.post(_url(customer), post, HTTP_HX_REQUEST="true")
    assert response.status_code == 422
    assert message in response.content.decode()
    customer.refresh_from_db()
    assert customer.name == "Customer of Opera Box Office"
    assert CustomerContact.objects.filter(pk=email.pk).exists()


def test_a_contact_of_another_customer_cannot_be_removed_through_the_form(cast, client):
    theirs = CustomerContact.objects.get(customer=cast.opera.colleague)
    _sign_in(client, cast.opera.line1)
    response = client.post(_url(cast.opera.customer), {"remove": [theirs.pk]}, HTTP_HX_REQUEST="true")
    assert response.status_code == 422
    assert CustomerContact.objects.filter(pk=theirs.pk).exists()


def test_another_brand_and_the_outsider_see_and_change_nothing(cast, client):
    customer = cast.opera.customer
    for user in (cast.tours.line1, cast.tours.admin, cast.outsider, cast.opera.customer_user):
        client.logout()
        _sign_in(client, user)
        assert client.get(_url(customer)).status_code == 404
        assert client.get(_url(customer, edit=1)).status_code == 404
        assert (
            client.post(_url(customer), {"name": "Hacked", "add_phone": "+48 600 000 009"}).status_code == 404
        )
    client.logout()
    assert client.get(_url(customer)).status_code == 302
    customer.refresh_from_db()
    assert customer.name == "Customer of Opera Box Office"
    assert not CustomerContact.objects.filter(value="+48600000009").exists()
    assert Customer.objects.filter(name="Hacked").count() == 0


@pytest.mark.parametrize("many", [False, True])
def test_the_panel_costs_the_same_queries_for_few_or_many_tickets_and_contacts(
    cast, client, count_queries, many
):
    customer = cast.opera.customer
    for i in range(15 if many else 1):
        cast.opera.ticket(f"Request {i}")
    if many:
        from frontdesk.users.actions import update_customer

        update_customer(customer, actor=SYSTEM, add_phones=[f"+4850000{i:04d}" for i in range(8)])
    _sign_in(client, cast.opera.line1)
    client.get(_url(customer))  # the actor is cached from here on
    with count_queries() as queries:
        html = client.get(_url(customer), HTTP_HX_REQUEST="true").content.decode()
    assert html.count("Request ") == (10 if many else 1)
    # Session and user; the customer with brand and organization; contacts; other tickets.
    assert len(queries) == 5, queries
    few_or_many = len(queries)
    with count_queries(few_or_many):
        client.get(_url(customer), HTTP_HX_REQUEST="true")


def test_the_panel_speaks_russian_and_polish(cast, client):
    ticket = cast.opera.ticket()
    user = cast.opera.line1
    for language, texts in (
        ("ru", ("Другие заявки", "Организация")),
        ("pl", ("Inne zgłoszenia", "Organizacja")),
    ):
        user.language = language
        user.save(update_fields=["language"])
        client.logout()
        html = _sign_in(client, user).get(f"/desk/tickets/{ticket.number}/").content.decode()
        for text in texts:
            assert text in html
