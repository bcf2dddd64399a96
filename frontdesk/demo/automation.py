"""Automation of the demo brands, as their admins would set it up: a few VIP customers and a premium client
company with a faster service level, triggers that put VIP requests up front and flag breaches, status changes
the brand tells its customers of, and (at the hosting company, which answers around the clock) a first-line team
that hands new tickets to the agents on shift in turn."""

from __future__ import annotations

from frontdesk.automation.actions import ActionSpec, create_trigger
from frontdesk.demo.people import BrandWorld
from frontdesk.sla.models import SlaPolicy
from frontdesk.tickets.choices import EventKind, Priority, Status
from frontdesk.users.actions import set_on_shift
from frontdesk.users.actors import SYSTEM
from frontdesk.users.choices import AssignmentMode, CustomerTier
from frontdesk.users.models import Customer, Organization, Team

VIP_CUSTOMERS = 3

VIP_REPLY = {
    "en": "Hello {{ customer_name }},\n\nthank you for writing to us. As one of our VIP customers your request "
    "{{ number }} goes straight to a senior specialist; we will answer within a few minutes.",
    "ru": "Здравствуйте, {{ customer_name }}!\n\nСпасибо за обращение. Как VIP-клиент вы получите ответ "
    "старшего специалиста по заявке {{ number }} в течение нескольких минут.",
    "pl": "Dzień dobry, {{ customer_name }},\n\ndziękujemy za wiadomość. Jako klient VIP otrzymasz odpowiedź "
    "starszego specjalisty na zgłoszenie {{ number }} w ciągu kilku minut.",
}
BREACH_NOTE = {
    "en": "Service level breached on {{ number }} ({{ ticket.priority }}). Team lead: please take it or reassign it.",
    "ru": "Нарушен срок обслуживания по заявке {{ number }} ({{ ticket.priority }}). Руководитель группы: "
    "возьмите её или передайте другому.",
    "pl": "Przekroczony czas obsługi zgłoszenia {{ number }} ({{ ticket.priority }}). Lider zespołu: "
    "przejmij je lub przekaż innej osobie.",
}
# What a brand admin named the policies and triggers, in the brand's working language.
NAMES = {
    "vip_policy": {"en": "VIP", "ru": "VIP", "pl": "VIP"},
    "premium_policy": {"en": "Premium", "ru": "Премиум", "pl": "Premium"},
    "vip_trigger": {
        "en": "VIP requests go up front",
        "ru": "Заявки VIP-клиентов — в первую очередь",
        "pl": "Zgłoszenia klientów VIP na początek kolejki",
    },
    "vip_description": {
        "en": "A VIP's new request is raised to high priority, tagged and answered at once.",
        "ru": "Новой заявке VIP-клиента повышается приоритет, ставится метка, клиент сразу получает ответ.",
        "pl": "Nowe zgłoszenie klienta VIP dostaje wysoki priorytet, etykietę i natychmiastową odpowiedź.",
    },
    "breach_trigger": {
        "en": "Breached requests are flagged for the team lead",
        "ru": "Просроченные заявки отмечаются для руководителя группы",
        "pl": "Przekroczone zgłoszenia są oznaczane dla lidera zespołu",
    },
    "breach_description": {
        "en": "A breach adds a tag and a note; the assignee and the team lead are notified as well.",
        "ru": "При нарушении срока добавляются метка и заметка; исполнитель и руководитель группы получают "
        "уведомление.",
        "pl": "Przekroczenie dodaje etykietę i notatkę; osoba przypisana i lider zespołu dostają powiadomienie.",
    },
    "routing_trigger": {
        "en": "New requests to the first line",
        "ru": "Новые заявки — на первую линию",
        "pl": "Nowe zgłoszenia do pierwszej linii",
    },
    "routing_description": {
        "en": "Every new request without a team goes to the first line.",
        "ru": "Каждая новая заявка без группы уходит на первую линию.",
        "pl": "Każde nowe zgłoszenie bez zespołu trafia do pierwszej linii.",
    },
}


def _name(key: str, language: str) -> str:
    texts = NAMES[key]
    return texts.get(language) or texts["en"]


def create_automation(world: BrandWorld) -> None:
    brand = world.brand
    language = world.spec.working_language
    # Tiers: the first customers are VIPs, the first client company is on a premium plan.
    vip = [customer.pk for customer in world.customers[:VIP_CUSTOMERS]]
    Customer.objects.filter(pk__in=vip).update(tier=CustomerTier.VIP)
    company = Organization.objects.filter(brand=brand).order_by("pk").first()
    if company is not None:
        Organization.objects.filter(pk=company.pk).update(tier=CustomerTier.PREMIUM)
    SlaPolicy.objects.create(
        brand=brand,
        name=_name("vip_policy", language),
        position=10,
        customer_tiers=[CustomerTier.VIP],
        first_response_minutes=3,
        next_response_minutes=15,
        resolution_minutes=4 * 60,
        update_interval_minutes=60,
    )
    SlaPolicy.objects.create(
        brand=brand,
        name=_name("premium_policy", language),
        position=20,
        customer_tiers=[CustomerTier.PREMIUM],
        first_response_minutes=5,
        next_response_minutes=30,
        resolution_minutes=8 * 60,
        update_interval_minutes=4 * 60,
    )
    create_trigger(
        brand.pk,
        actor=SYSTEM,
        name=_name("vip_trigger", language),
        position=1,
        event_kinds=[EventKind.CREATED],
        conditions=[("customer_tier", "is", CustomerTier.VIP)],
        actions=[
            ActionSpec("set_priority", Priority.HIGH),
            ActionSpec("add_tags", "vip"),
            ActionSpec("send_reply", text=VIP_REPLY["en"], texts=VIP_REPLY),
        ],
        description=_name("vip_description", language),
    )
    create_trigger(
        brand.pk,
        actor=SYSTEM,
        name=_name("breach_trigger", language),
        position=2,
        event_kinds=[EventKind.SLA_BREACHED],
        actions=[
            ActionSpec("add_tags", "sla-breached"),
            ActionSpec("add_note", text=BREACH_NOTE.get(language) or BREACH_NOTE["en"]),
        ],
        description=_name("breach_description", language),
    )
    # Customers hear when their request waits for a third party (a supplier, the theatre, the registrar).
    type(brand).objects.filter(pk=brand.pk).update(customer_status_mail=[Status.PENDING_THIRD_PARTY])
    # Each line's team has a lead (who hears of breaches): the first agent of the next line up, else of its own.
    for line, team in world.teams.items():
        lead = (world.agents.get(line + 1) or world.agents.get(line) or [None])[0]
        if lead is not None:
            Team.objects.filter(pk=team.pk).update(lead=lead)
    if world.spec.slug.endswith("hosting"):
        first_line = world.teams[1]
        Team.objects.filter(pk=first_line.pk).update(
            assignment=AssignmentMode.ROUND_ROBIN, max_open_per_agent=25
        )
        for agent in world.agents[1]:
            set_on_shift(agent, on=True)
        # New requests go to the first line, whose agents on shift take them in turn.
        create_trigger(
            brand.pk,
            actor=SYSTEM,
            name=_name("routing_trigger", language),
            position=0,
            event_kinds=[EventKind.CREATED],
            conditions=[("team", "is", "none")],
            actions=[ActionSpec("set_team", str(first_line.pk))],
            description=_name("routing_description", language),
        )
