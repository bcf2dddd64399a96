"""``load_demo``: three brands with their people and about three hundred tickets with real histories.

Everything is written through the domain actions (brands, users, categories, tickets), never by saving models,
so each ticket's history is exactly what the product records. Ticket work is played on a simulated clock (see
``clock.py``) so that tickets are spread over the last ninety days and each history runs forward in time.

Idempotent: demo brands are recognised by slug, and a brand that exists is not loaded again. Two loaders
racing each other end with one set of data: the loser's brand insert fails, its transaction rolls back and it
returns the logins like a second call would.
"""

from __future__ import annotations

import heapq
import itertools
import random
from collections.abc import Sequence
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext

from frontdesk.brands.models import Brand
from frontdesk.core.errors import Conflict
from frontdesk.demo.automation import create_automation
from frontdesk.demo.canned import create_canned_content
from frontdesk.demo.chat import create_chats
from frontdesk.demo.clock import SimulatedClock, simulated_time
from frontdesk.demo.connectors import create_connectors
from frontdesk.demo.content import BRANDS
from frontdesk.demo.knowledge import create_knowledge_base
from frontdesk.demo.people import (
    PASSWORD,
    PROVIDER_ADMIN,
    STAFF,
    BrandWorld,
    create_brand_world,
    create_customers,
    ensure_staff,
)
from frontdesk.demo.request_types import create_request_types
from frontdesk.demo.service_levels import create_service_levels, settle
from frontdesk.demo.spec import BrandSpec
from frontdesk.demo.stories import Step, TicketRun, plan_story
from frontdesk.tickets.choices import Channel, Status
from frontdesk.tickets.models import TicketEvent
from frontdesk.users.models import Customer

DAYS = 90
TICKETS_PER_BRAND = 100
# Final statuses of a brand's hundred tickets: a desk a few months into its life.
STATUS_COUNTS = {
    Status.NEW: 8,
    Status.OPEN: 16,
    Status.PENDING_CUSTOMER: 10,
    Status.PENDING_THIRD_PARTY: 7,
    Status.ON_HOLD: 5,
    Status.SOLVED: 18,
    Status.CLOSED: 36,
}
# How long ago tickets that end in each status were opened, in days (closed ones over the whole period).
AGE_DAYS = {
    Status.NEW: (0.02, 1.5),
    Status.OPEN: (0.5, 18),
    Status.PENDING_CUSTOMER: (1, 20),
    Status.PENDING_THIRD_PARTY: (1, 25),
    Status.ON_HOLD: (3, 35),
    Status.SOLVED: (0.5, 6),
    Status.CLOSED: (12, DAYS),
}


def demo_logins() -> list[tuple[str, str, str]]:
    """The sign-ins shown after loading: (who, email, password)."""
    staff = {member.key: member for member in STAFF}
    box, _travel, hosting = BRANDS
    manager = next(org.manager for org in hosting.organizations if org.manager is not None)
    assert box.plain_customer is not None
    return [
        (gettext("Provider admin"), PROVIDER_ADMIN.email, PASSWORD),
        (
            gettext("Agent, line 1 (%(brands)s)") % {"brands": "Parterre, Kompas"},
            staff["anna.orlova"].email,
            PASSWORD,
        ),
        (
            gettext("Agent, line 2 (%(brands)s)") % {"brands": "Parterre, Kompas"},
            staff["sergey.volkov"].email,
            PASSWORD,
        ),
        (
            gettext("Agent, line 3 (%(brands)s)") % {"brands": "Parterre, Kompas"},
            staff["pavel.nikitin"].email,
            PASSWORD,
        ),
        (gettext("Brand admin (%(brand)s)") % {"brand": box.name}, staff["maria.sokolova"].email, PASSWORD),
        (
            gettext("Customer, organization manager (%(brand)s)") % {"brand": hosting.name},
            manager[1],
            PASSWORD,
        ),
        (gettext("Customer (%(brand)s)") % {"brand": box.name}, box.plain_customer[1], PASSWORD),
    ]


def load_demo(*, seed: int = 7) -> list[tuple[str, str, str]]:
    """Load the demo brands that are not there yet and return the demo logins (role, email, password).

    A second call finds the brands by slug, loads nothing and returns the same logins. Brands, people and
    categories are created at the real time; then every ticket's story is played in time order while
    ``django.utils.timezone.now`` is patched to a simulated clock walking forward from ninety days ago (see
    ``frontdesk.demo.clock``), so the actions stamp each message, event and work log at its moment in the past.
    Call it before web or worker threads start in this process: the patch is process-wide while it lasts.
    ``seed`` makes the content reproducible; times are relative to now.
    """
    missing = [spec for spec in BRANDS if not Brand.objects.filter(slug=spec.slug).exists()]
    if missing:
        try:
            _load(missing, seed=seed)
        except Conflict:
            # Another loader created the same brands first; its data stands.
            if Brand.objects.filter(slug__in=[spec.slug for spec in missing]).count() != len(missing):
                raise
    return demo_logins()


@transaction.atomic
def _load(specs: Sequence[BrandSpec], *, seed: int) -> None:
    now = timezone.now()
    staff = ensure_staff()
    worlds = []
    for spec in specs:
        world = create_brand_world(spec, staff)
        create_canned_content(world)
        create_request_types(world)
        create_service_levels(world)
        create_knowledge_base(world)
        create_customers(world, random.Random(f"{seed}:{spec.slug}:people"))
        create_automation(world)
        create_connectors(world)
        worlds.append(world)
    # Memberships changed the users' access versions; resolve their actors from fresh rows.
    for user in [*staff.values(), *(u for w in worlds for u in w.customer_users.values())]:
        user.refresh_from_db(fields=["access_version"])

    clock = SimulatedClock(now - timedelta(days=DAYS + 1), limit=now)
    # Every step of every ticket, in time order; the sequence number keeps a story's own order on ties.
    queue: list[tuple[datetime, int, Step, TicketRun]] = []
    sequence = itertools.count()
    for world in worlds:
        rng = random.Random(f"{seed}:{world.spec.slug}:tickets")
        for run, steps in _plan_brand(world, rng, now):
            for at, step in steps:
                heapq.heappush(queue, (at, next(sequence), step, run))
    with simulated_time(clock):
        while queue:
            at, _sequence, step, run = heapq.heappop(queue)
            clock.move_to(at)
            step(run)
    create_chats(worlds, now)
    # History is not news: the events of the past are marked as already handled so that no notification,
    # connector or automation acts on them now. Only this bookkeeping column of the append-only log changes.
    brand_ids = [world.brand.pk for world in worlds]
    TicketEvent.objects.filter(brand_id__in=brand_ids, dispatched_at__isnull=True).update(
        dispatched_at=F("at")
    )
    # What the consumers of those events would have kept: deadlines and the reports' facts.
    for world in worlds:
        settle(world)


def _pick_customer(rng: random.Random, world: BrandWorld, index: int) -> Customer:
    logins = [c for c in world.customers if c.pk in world.customer_users]
    if index < 4 * len(logins):
        return logins[index % len(logins)]
    return rng.choice(world.customers)


def _channel(rng: random.Random, world: BrandWorld, index: int, customer: Customer) -> Channel:
    if not customer.email:
        return Channel.PHONE
    if index < len(Channel.values):  # every channel at least once per brand
        return Channel(Channel.values[index])
    channels, weights = zip(*world.spec.channel_weights.items(), strict=True)
    return Channel(rng.choices(channels, weights)[0])


def _daytime(moment: datetime, world: BrandWorld, now: datetime) -> datetime:
    """Most requests arrive while the brand's customers are awake: move night hours to the next morning."""
    local = moment.astimezone(ZoneInfo(world.brand.time_zone))
    if local.hour >= 7:
        return moment
    morning = moment + timedelta(hours=8 - local.hour)
    return morning if morning < now - timedelta(minutes=30) else moment


def _plan_brand(
    world: BrandWorld, rng: random.Random, now: datetime
) -> list[tuple[TicketRun, list[tuple[datetime, Step]]]]:
    statuses = [status for status, count in STATUS_COUNTS.items() for _ in range(count)]
    rng.shuffle(statuses)
    plans = []
    for index, status in enumerate(statuses):
        customer = _pick_customer(rng, world, index)
        channel = _channel(rng, world, index, customer)
        template = rng.choice(world.spec.templates)
        lang = customer.language or world.brand.default_language
        low, high = AGE_DAYS[status]
        created = _daytime(now - timedelta(days=rng.uniform(low, high)), world, now)
        facts = world.spec.facts(rng, lang, created)
        facts.update(first=customer.name.split(" ")[0] if customer.name else "", brand=world.spec.name)
        run = TicketRun(world, template, customer, channel, lang, facts, random.Random(rng.random()))
        story = plan_story(run, status)
        # Squeeze a story that would run into the future into the time the ticket has had.
        room = (now - created).total_seconds() / 60 - 5
        scale = min(1.0, room / story.minutes) if story.minutes else 1.0
        story.steps = [(offset * scale, step) for offset, step in story.steps]
        plans.append((run, story.timeline(created)))
    return plans
