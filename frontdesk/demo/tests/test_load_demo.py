"""The demo data: loaded once per module (it takes a few seconds) inside a transaction rolled back at the end."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta

import pytest
from django.contrib.auth import authenticate
from django.core.cache import cache
from django.db import transaction
from django.db.models import Count, Min
from django.utils import timezone

from frontdesk.brands.models import Brand
from frontdesk.demo import load_demo
from frontdesk.demo.content import BRANDS
from frontdesk.tickets.choices import Channel, EventKind, MessageKind, Status, WorkLogKind
from frontdesk.tickets.models import Message, Ticket, TicketEvent, TimeEntry, WorkLogEntry
from frontdesk.tickets.queries import tickets_visible_to
from frontdesk.users.actors import actor_for
from frontdesk.users.models import AgentMembership, Customer, Organization, Team, User

Logins = list[tuple[str, str, str]]


@pytest.fixture(scope="module")
def demo(django_db_setup, django_db_blocker) -> Iterator[Logins]:
    with django_db_blocker.unblock(), transaction.atomic():
        logins = load_demo()
        yield logins
        # Forget cached actors of the demo users: their ids are reused once the rollback frees them.
        for user in User.objects.all():
            cache.delete_many([f"actor:{user.pk}:{version}" for version in range(user.access_version + 1)])
        transaction.set_rollback(True)


def _counts() -> dict[str, int]:
    models = (
        Brand,
        User,
        Customer,
        Organization,
        Team,
        AgentMembership,
        Ticket,
        Message,
        TicketEvent,
        WorkLogEntry,
    )
    return {model.__name__: model.objects.count() for model in models}


def _user(logins: Logins, starts: str) -> User:
    email = next(email for role, email, _password in logins if role.startswith(starts))
    return User.objects.get(email=email)


@pytest.mark.django_db
def test_loading_creates_the_three_brands_with_their_languages(demo: Logins) -> None:
    brands = {b.slug: b for b in Brand.objects.filter(slug__in=[spec.slug for spec in BRANDS])}
    assert {slug: brand.languages for slug, brand in brands.items()} == {
        "parterre-tickets": ["ru", "en"],
        "kompas-travel": ["ru", "en"],
        "chmurka-hosting": ["pl", "en"],
    }
    assert {b.ticket_prefix for b in brands.values()} == {"BOX", "TRV", "HST"}
    ticket_languages = {
        slug: set(Ticket.objects.filter(brand=brand).values_list("language", flat=True))
        for slug, brand in brands.items()
    }
    assert ticket_languages == {
        "parterre-tickets": {"ru", "en"},
        "kompas-travel": {"ru", "en"},
        "chmurka-hosting": {"pl", "en"},
    }


@pytest.mark.django_db
def test_every_brand_has_agents_on_lines_one_to_three_and_a_team_per_line(demo: Logins) -> None:
    for brand in Brand.objects.all():
        lines = set(AgentMembership.objects.filter(brand=brand).values_list("line", flat=True))
        assert lines == {1, 2, 3}, brand.slug
        assert set(Team.objects.filter(brand=brand).values_list("line", flat=True)) == {1, 2, 3}
    serving_several = AgentMembership.objects.values("user").annotate(n=Count("brand")).filter(n__gt=1)
    assert serving_several.exists()


@pytest.mark.django_db
def test_customers_have_names_in_the_brands_languages_and_organizations_have_managers(demo: Logins) -> None:
    for brand in Brand.objects.all():
        customers = Customer.objects.filter(brand=brand)
        assert 38 <= customers.count() <= 45
        names = "".join(customers.values_list("name", flat=True))
        if brand.slug == "chmurka-hosting":
            assert set("ąęłńóśźż") & set(names.lower())
        else:
            assert any("а" <= char <= "я" for char in names.lower())
        organizations = Organization.objects.filter(brand=brand)
        assert organizations.count() >= 3
        for organization in organizations:
            assert organization.members.filter(is_organization_manager=True).exists(), organization.name
            assert organization.members.filter(is_organization_manager=False).exists(), organization.name


@pytest.mark.django_db
def test_tickets_cover_every_status_and_every_channel_in_each_brand(demo: Logins) -> None:
    assert 280 <= Ticket.objects.count() <= 320
    for brand in Brand.objects.all():
        tickets = Ticket.objects.filter(brand=brand)
        assert set(tickets.values_list("status", flat=True)) == set(Status.values), brand.slug
        assert set(tickets.values_list("channel", flat=True)) == set(Channel.values), brand.slug


@pytest.mark.django_db
def test_every_ticket_has_a_history_that_starts_with_its_creation_and_runs_forward(demo: Logins) -> None:
    tickets = Ticket.objects.annotate(events_n=Count("events"), first_at=Min("events__at"))
    assert not tickets.filter(events_n=0).exists()
    now = timezone.now()
    for ticket in tickets:
        events = list(ticket.events.order_by("id"))
        assert events[0].kind == EventKind.CREATED
        assert events[0].at == ticket.created_at
        times = [event.at for event in events]
        assert times == sorted(times), ticket.number
        assert times[-1] == ticket.updated_at <= now


@pytest.mark.django_db
def test_tickets_are_spread_over_the_past_ninety_days(demo: Logins) -> None:
    now = timezone.now()
    created = list(Ticket.objects.values_list("created_at", flat=True))
    assert min(created) >= now - timedelta(days=91)
    assert min(created) <= now - timedelta(days=60)
    assert max(created) >= now - timedelta(days=2)
    weeks = {(now - moment).days // 7 for moment in created}
    assert len(weeks) >= 10


@pytest.mark.django_db
def test_histories_hold_replies_notes_calls_escalations_hand_backs_and_time(demo: Logins) -> None:
    kinds = set(TicketEvent.objects.values_list("kind", flat=True))
    assert {
        EventKind.CREATED,
        EventKind.CUSTOMER_MESSAGE,
        EventKind.REPLIED,
        EventKind.NOTE_ADDED,
        EventKind.CALL_LOGGED,
        EventKind.ASSIGNED,
        EventKind.PRIORITY_CHANGED,
        EventKind.CATEGORIZED,
        EventKind.TAGS_CHANGED,
        EventKind.ESCALATED,
        EventKind.RETURNED,
        EventKind.WORKLOG_ADDED,
        EventKind.REOPENED,
        EventKind.SOLVED,
        EventKind.CLOSED,
    } <= kinds
    assert set(Message.objects.values_list("kind", flat=True)) == set(MessageKind.values)
    assert TimeEntry.objects.exists()
    # Reassignments: a ticket assigned to one agent and then to another.
    assert TicketEvent.objects.filter(kind=EventKind.ASSIGNED, data__before__isnull=False).exists()


@pytest.mark.django_db
def test_escalations_carry_work_logs_up_to_line_three_and_name_the_agent(demo: Logins) -> None:
    escalations = WorkLogEntry.objects.filter(kind=WorkLogKind.ESCALATION)
    assert escalations.filter(to_line=2).count() >= 20
    assert escalations.filter(from_line=2, to_line=3).exists()
    assert WorkLogEntry.objects.filter(kind=WorkLogKind.RETURN, to_line=1).exists()
    for entry in escalations.select_related("author"):
        assert entry.diagnosis
        assert entry.steps_taken
        assert entry.author is not None
        assert entry.author_label == entry.author.name
        assert entry.author.memberships.filter(brand_id=entry.brand_id, line=entry.from_line).exists()
    assert Ticket.objects.filter(line=3).exists()


def _has_cyrillic(text: str) -> bool:
    return any("а" <= char <= "я" or char == "ё" for char in text.lower())


@pytest.mark.django_db
def test_what_the_customer_reads_is_written_in_the_ticket_language(demo: Logins) -> None:
    public = Message.objects.filter(kind__in=[MessageKind.REPLY, MessageKind.CALL]).select_related("ticket")
    for message in public:
        ticket = message.ticket
        text = message.body_text if message.kind == MessageKind.CALL else ticket.subject + message.body_text
        assert _has_cyrillic(text) == (ticket.language == "ru"), (ticket.number, ticket.language, text)
        if ticket.language == "pl":
            assert set("ąćęłńóśźż") & set(text.lower()), (ticket.number, text)


@pytest.mark.django_db
def test_no_template_placeholder_is_left_unfilled(demo: Logins) -> None:
    assert not Message.objects.filter(body_text__contains="{").exists()
    assert not Ticket.objects.filter(subject__contains="{").exists()
    for field in ("diagnosis", "steps_taken", "request"):
        assert not WorkLogEntry.objects.filter(**{f"{field}__contains": "{"}).exists()


@pytest.mark.django_db
def test_a_second_load_creates_nothing_and_returns_the_same_logins(demo: Logins) -> None:
    before = _counts()
    assert load_demo() == demo
    assert _counts() == before


@pytest.mark.django_db
def test_every_returned_login_can_sign_in(demo: Logins) -> None:
    roles = [role for role, _email, _password in demo]
    assert len(roles) == 7
    for _role, email, password in demo:
        assert authenticate(username=email, password=password) is not None, email
    admin = _user(demo, "Provider admin")
    assert admin.is_provider_admin
    assert admin.is_staff
    for line in (1, 2, 3):
        agent = _user(demo, f"Agent, line {line}")
        assert set(agent.memberships.values_list("line", flat=True)) == {line}


@pytest.mark.django_db
def test_the_plain_customer_sees_exactly_their_own_tickets(demo: Logins) -> None:
    user = _user(demo, "Customer (")
    customer = Customer.objects.get(user=user)
    assert customer.organization is None
    visible = set(tickets_visible_to(actor_for(user)).values_list("pk", flat=True))
    assert len(visible) >= 3
    assert visible == set(Ticket.objects.filter(customer=customer).values_list("pk", flat=True))


@pytest.mark.django_db
def test_the_organization_manager_sees_the_organizations_tickets_and_nothing_else(demo: Logins) -> None:
    user = _user(demo, "Customer, organization manager")
    customer = Customer.objects.get(user=user)
    assert customer.is_organization_manager
    assert customer.organization is not None
    visible = set(tickets_visible_to(actor_for(user)).values_list("pk", flat=True))
    organization_tickets = set(
        Ticket.objects.filter(organization=customer.organization).values_list("pk", flat=True)
    )
    assert visible == organization_tickets
    assert Ticket.objects.filter(customer=customer).count() >= 3
    assert Ticket.objects.filter(organization=customer.organization).exclude(customer=customer).exists()


@pytest.mark.django_db
def test_historical_events_are_not_dispatched_again(demo: Logins) -> None:
    assert not TicketEvent.objects.filter(dispatched_at__isnull=True).exists()


@pytest.mark.django_db
def test_every_brand_has_canned_answers_in_its_languages_and_a_macro_using_one(demo: Logins) -> None:
    from frontdesk.tickets.models import CannedAnswer, Macro

    for spec in BRANDS:
        brand = Brand.objects.get(slug=spec.slug)
        languages = set(CannedAnswer.objects.filter(brand=brand).values_list("language", flat=True))
        assert languages == set(spec.languages), spec.slug
        macro = Macro.objects.get(brand=brand)
        assert macro.canned_answer is not None
        assert macro.canned_answer.brand_id == brand.pk
        assert macro.category is not None
        assert macro.category.brand_id == brand.pk


def test_demo_brands_have_business_hours_policies_and_running_clocks(demo):
    from frontdesk.reports.models import TicketFact
    from frontdesk.sla.models import Calendar, SlaPolicy

    assert Calendar.objects.count() == len(BRANDS)
    assert Calendar.objects.filter(holiday_country="RU").exists()
    # Urgent and standard, and faster ones for VIP customers and premium client companies.
    assert SlaPolicy.objects.count() == 5 * len(BRANDS)
    assert Ticket.objects.filter(sla_policy__name="VIP", sla_due_at__isnull=False).exists()
    open_tickets = Ticket.objects.exclude(status__in=[Status.SOLVED, Status.CLOSED])
    waiting = open_tickets.exclude(status__in=[Status.PENDING_CUSTOMER, Status.PENDING_THIRD_PARTY])
    assert waiting.filter(sla_policy__isnull=False, sla_due_at__isnull=False).count() == waiting.count() > 0
    # Every ticket's facts are there for the reports, with times for those answered.
    assert TicketFact.objects.count() == Ticket.objects.count()
    assert TicketFact.objects.filter(first_response_minutes__isnull=False).exists()
    # The past is not news: the first scan after loading marks nothing and mails nobody.
    from frontdesk.tickets.sla import scan_service_levels, send_status_updates

    assert scan_service_levels() == {"warned": [], "breached": []}
    assert send_status_updates() == []


def test_a_demo_brand_admin_reads_last_months_report(demo, client):
    import datetime as dt

    from frontdesk.reports.summary import build_report, report_scope

    admin = next(
        User.objects.get(email=email)
        for role, email, _password in demo
        if "admin" in role.lower() and "@" in email
    )
    today = timezone.localdate()
    last = today.replace(day=1) - dt.timedelta(days=1)
    scope, zone, brands = report_scope(actor_for(admin), first_day=last.replace(day=1), last_day=last)
    figures = {f.key: f.value for f in build_report(scope, zone=zone, brands=brands).figures}
    assert figures["created"] > 0
    assert figures["first_response_median"] is not None


def test_demo_brands_automate_vip_requests_breaches_status_mail_and_assignment(
    demo, django_capture_on_commit_callbacks
):
    from frontdesk.automation.models import Trigger
    from frontdesk.tickets.actions import create_ticket
    from frontdesk.tickets.content import make_body
    from frontdesk.users.actors import SYSTEM
    from frontdesk.users.choices import AssignmentMode, CustomerTier
    from frontdesk.users.models import Customer, Team

    for spec in BRANDS:
        brand = Brand.objects.get(slug=spec.slug)
        routing = 1 if spec.slug.endswith("hosting") else 0
        assert Trigger.objects.filter(brand=brand, is_active=True).count() == 2 + routing
        assert not Team.objects.filter(brand=brand, lead__isnull=True).exists()
        assert brand.customer_status_mail == [Status.PENDING_THIRD_PARTY]
    hosting = Brand.objects.get(slug__endswith="hosting")
    team = Team.objects.get(brand=hosting, line=1)
    assert team.assignment == AssignmentMode.ROUND_ROBIN
    assert team.members.filter(is_on_shift=True).exists()
    # A VIP writes: the trigger raises the priority, tags it, answers at once (not counted as the first
    # response), and the first-line team gives it to an agent on shift.
    vip = Customer.objects.filter(brand=hosting, tier=CustomerTier.VIP).first()
    with django_capture_on_commit_callbacks(execute=True):
        ticket = create_ticket(
            hosting,
            actor=SYSTEM,
            customer=vip,
            subject="Site down",
            body=make_body(text="Our shop is down."),
            channel="web",
        )
    ticket.refresh_from_db()
    assert ticket.priority == "high"
    assert "vip" in ticket.tags
    assert ticket.sla_policy.name == "VIP"
    assert ticket.first_response_at is None
    assert ticket.team == team  # routed to the first line by a trigger
    assert ticket.assignee is not None
    assert ticket.assignee.is_on_shift


def test_the_demo_reports_requests_before_and_after_its_articles(demo):
    from frontdesk.reports.measures import Scope, requests_around_articles

    hosting = Brand.objects.get(slug__endswith="hosting")
    now = timezone.now()
    scope = Scope(brand_ids=frozenset({hosting.pk}), start=now - timedelta(days=90), end=now)
    rows = requests_around_articles(scope, now=now)
    assert rows
    assert any(row.topic and row.before for row in rows)


def test_demo_policies_and_triggers_are_named_in_each_brands_working_language(demo):
    from frontdesk.automation.models import Trigger
    from frontdesk.sla.models import SlaPolicy

    for spec in BRANDS:
        brand = Brand.objects.get(slug=spec.slug)
        policies = set(SlaPolicy.objects.filter(brand=brand).values_list("name", flat=True))
        triggers = set(Trigger.objects.filter(brand=brand).values_list("name", flat=True))
        if spec.working_language == "ru":
            assert {"Срочные", "Стандарт"} <= policies
            assert "Заявки VIP-клиентов — в первую очередь" in triggers
        elif spec.working_language == "pl":
            assert {"Pilne", "Standard"} <= policies
            assert "Nowe zgłoszenia do pierwszej linii" in triggers
