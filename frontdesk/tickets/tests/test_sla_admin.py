"""Brand admins set service-level policies in the admin from their own brand's categories, organizations and
calendars; open tickets take the new targets at once."""

from __future__ import annotations

import pytest

from frontdesk.sla.actions import save_calendar
from frontdesk.sla.models import SlaPolicy
from frontdesk.testing.cast import PASSWORD
from frontdesk.tickets.categories import create_category
from frontdesk.tickets.models import Ticket
from frontdesk.users.actors import SYSTEM, actor_for

pytestmark = pytest.mark.django_db
URL = "/admin/sla/slapolicy/"


@pytest.fixture
def admin_client(client, cast):
    assert client.login(email=cast.opera.admin.email, password=PASSWORD)
    return client


def form(cast, **overrides):
    data = {
        "brand": cast.opera.brand.pk,
        "name": "VIP refunds",
        "position": 1,
        "is_active": "on",
        "priorities": ["high", "urgent"],
        "channels": ["email"],
        "first_response_minutes": 15,
        "next_response_minutes": "",
        "resolution_minutes": 480,
        "update_interval_minutes": "",
        "pause_statuses": ["pending_customer"],
        "warn_at_percent": 75,
        "calendar": "",
    }
    return data | overrides


def test_a_brand_admin_adds_a_policy_and_open_tickets_take_it(cast, admin_client):
    refunds = create_category(cast.opera.brand, actor=SYSTEM, name="Refunds")
    ticket = cast.opera.ticket("Open before the policy")
    response = admin_client.post(
        f"{URL}add/",
        form(cast, priorities=[], channels=[], categories=[], organizations=[cast.opera.organization.pk])
        | {"categories": [refunds.pk], "organizations": []},
    )
    assert response.status_code == 302, response.content.decode()[:3000]
    policy = SlaPolicy.objects.get(name="VIP refunds")
    assert policy.category_ids == [refunds.pk]
    assert policy.pause_statuses == ["pending_customer"]
    assert Ticket.objects.get(pk=ticket.pk).sla_policy_id is None  # not a refund
    catch_all = admin_client.post(
        f"{URL}add/", form(cast, name="Everything", position=2, priorities=[], channels=[])
    )
    assert catch_all.status_code == 302
    assert Ticket.objects.get(pk=ticket.pk).sla_policy.name == "Everything"
    assert Ticket.objects.get(pk=ticket.pk).first_response_due_at is not None


@pytest.mark.parametrize(
    ("field", "value_of", "message"),
    [
        (
            "categories",
            lambda cast: [create_category(cast.tours.brand, actor=SYSTEM, name="Visas").pk],
            "valid choice",
        ),
        ("organizations", lambda cast: [cast.tours.organization.pk], "valid choice"),
        (
            "calendar",
            lambda cast: (
                save_calendar(
                    cast.tours.brand,
                    actor=actor_for(cast.tours.admin),
                    name="Tours",
                    time_zone="UTC",
                    always_open=True,
                ).pk
            ),
            "valid choice",
        ),
        ("warn_at_percent", lambda cast: 150, "Between 1 and 100"),
        ("priorities", lambda cast: ["whenever"], "valid choice"),
        ("resolution_minutes", lambda cast: 99_999_999, "At most a year of business minutes"),
    ],
)
def test_another_brands_objects_and_nonsense_are_form_errors(cast, admin_client, field, value_of, message):
    response = admin_client.post(f"{URL}add/", form(cast, **{field: value_of(cast)}))
    assert response.status_code == 200
    assert message in response.content.decode()
    assert not SlaPolicy.objects.exists()


def test_a_policy_without_targets_is_refused(cast, admin_client):
    response = admin_client.post(f"{URL}add/", form(cast, first_response_minutes="", resolution_minutes=""))
    assert response.status_code == 200
    assert "Set at least one target" in response.content.decode()


def test_another_brands_policies_are_invisible(cast, admin_client):
    theirs = SlaPolicy.objects.create(
        brand=cast.tours.brand, name="Tours standard", first_response_minutes=30
    )
    assert b"Tours standard" not in admin_client.get(URL).content
    assert admin_client.get(f"{URL}{theirs.pk}/change/").status_code == 302
    response = admin_client.post(f"{URL}add/", form(cast, brand=cast.tours.brand.pk))
    assert response.status_code == 200
    assert SlaPolicy.objects.count() == 1


def test_a_new_policy_offers_the_waiting_statuses_as_pausing_the_clock(cast, admin_client):
    page = admin_client.get(f"{URL}add/").content.decode()
    for status in ("pending_customer", "pending_third_party"):
        box = page.split(f'value="{status}"', 1)[1].split(">", 1)[0]
        assert "checked" in box, status


def test_changing_a_customers_tier_in_the_admin_moves_their_open_tickets_to_its_policy(cast, admin_client):
    SlaPolicy.objects.create(
        brand=cast.opera.brand, name="VIP", position=0, customer_tiers=["vip"], first_response_minutes=3
    )
    SlaPolicy.objects.create(brand=cast.opera.brand, name="Everyone", position=1, first_response_minutes=60)
    ticket = cast.opera.ticket("Before the tier")
    from frontdesk.tickets.sla import apply_service_levels

    apply_service_levels([ticket.pk])
    assert Ticket.objects.get(pk=ticket.pk).sla_policy.name == "Everyone"
    customer = cast.opera.customer
    page = admin_client.get(f"/admin/users/customer/{customer.pk}/change/")
    assert page.status_code == 200
    data = {
        "brand": customer.brand_id,
        "name": customer.name,
        "language": customer.language,
        "organization": customer.organization_id or "",
        "notes": "",
        "tier": "vip",
        "contacts-TOTAL_FORMS": "0",
        "contacts-INITIAL_FORMS": "0",
    }
    response = admin_client.post(f"/admin/users/customer/{customer.pk}/change/", data)
    assert response.status_code == 302, response.content.decode()[:3000]
    assert Ticket.objects.get(pk=ticket.pk).sla_policy.name == "VIP"
