"""Business hours and service-level policies of the demo brands, as their admins would set them: the box office
answers in its office hours with Russian holidays, the travel agency likewise, the hosting company around the
clock. Their tickets' deadlines and the reports' facts are worked out once the history is loaded."""

from __future__ import annotations

from django.utils import timezone

from frontdesk.demo.people import BrandWorld
from frontdesk.reports.facts import rebuild_facts
from frontdesk.sla.actions import save_calendar
from frontdesk.sla.models import SlaPolicy
from frontdesk.tickets.choices import OPEN_STATUSES
from frontdesk.tickets.models import Ticket
from frontdesk.tickets.sla import apply_service_levels
from frontdesk.users.actors import SYSTEM

WEEKDAYS = ("mon", "tue", "wed", "thu", "fri")
HOLIDAYS = {"Europe/Moscow": "RU", "Europe/Warsaw": "PL"}
# Policy names in the brand's working language.
URGENT = {"en": "Urgent", "ru": "Срочные", "pl": "Pilne"}
STANDARD = {"en": "Standard", "ru": "Стандарт", "pl": "Standard"}


def create_service_levels(world: BrandWorld) -> None:
    spec, brand = world.spec, world.brand
    around_the_clock = spec.slug.endswith("hosting")
    save_calendar(
        brand,
        actor=SYSTEM,
        name=f"{spec.name}: 24/7" if around_the_clock else f"{spec.name}: 10:00–18:00",
        time_zone=spec.time_zone,
        always_open=around_the_clock,
        weekly_hours={} if around_the_clock else {day: ["10:00-18:00"] for day in WEEKDAYS},
        holiday_country="" if around_the_clock else HOLIDAYS.get(spec.time_zone, ""),
    )
    SlaPolicy.objects.create(
        brand=brand,
        name=URGENT.get(spec.working_language, URGENT["en"]),
        position=30,
        priorities=["urgent"],
        first_response_minutes=5,
        next_response_minutes=30,
        resolution_minutes=4 * 60,
        update_interval_minutes=60,
    )
    SlaPolicy.objects.create(
        brand=brand,
        name=STANDARD.get(spec.working_language, STANDARD["en"]),
        position=40,
        first_response_minutes=9 if not around_the_clock else 15,
        next_response_minutes=60,
        resolution_minutes=16 * 60,
        update_interval_minutes=8 * 60,
    )


def settle(world: BrandWorld) -> None:
    """Deadlines of the open tickets and the report facts of every ticket, after the history was played.

    History is not news: deadlines that passed in the simulated past count as already marked and no status
    update is owed for them, so a demo's first minute sends no flood of breach events and update mails (the
    queues still show those tickets overdue)."""
    tickets = Ticket.objects.filter(brand=world.brand)
    apply_service_levels(list(tickets.filter(status__in=sorted(OPEN_STATUSES)).values_list("pk", flat=True)))
    now = timezone.now()
    tickets.filter(sla_due_at__lte=now, sla_breached_at__isnull=True).update(sla_breached_at=now)
    tickets.filter(sla_warn_at__lte=now, sla_warned_at__isnull=True).update(sla_warned_at=now)
    tickets.filter(next_update_due_at__lte=now).update(next_update_due_at=None)
    rebuild_facts(brand_id=world.brand.pk)
