"""The provider's staff and each brand's configuration and customers, created through the users actions."""

from __future__ import annotations

import random
from dataclasses import dataclass, field

from django.db import IntegrityError, transaction

from frontdesk.brands.actions import create_brand
from frontdesk.brands.models import Brand
from frontdesk.core.errors import Conflict
from frontdesk.demo.names import mail_domain, make_person, phone_number
from frontdesk.demo.spec import BrandSpec
from frontdesk.tickets.categories import create_category
from frontdesk.tickets.models import Category
from frontdesk.users import actions as user_actions
from frontdesk.users.actors import SYSTEM
from frontdesk.users.choices import AgentRole
from frontdesk.users.contacts import normalize_phone
from frontdesk.users.models import Customer, Organization, Team, User

PASSWORD = "demo12345"  # noqa: S105 - the published demo password
PROVIDER_DOMAIN = "helpline.example"
CUSTOMERS_PER_BRAND = 40


@dataclass(frozen=True)
class StaffMember:
    key: str
    name: str
    language: str
    # brand slug -> (support line, role)
    memberships: dict[str, tuple[int, str]]

    @property
    def email(self) -> str:
        return f"{self.key}@{PROVIDER_DOMAIN}"


_AGENT = AgentRole.AGENT
_ADMIN = AgentRole.BRAND_ADMIN
BOX, TRV, HST = "parterre-tickets", "kompas-travel", "chmurka-hosting"

PROVIDER_ADMIN = StaffMember("admin", "Alexandra Berg", "en", {})
STAFF: tuple[StaffMember, ...] = (
    StaffMember("anna.orlova", "Анна Орлова", "ru", {BOX: (1, _AGENT), TRV: (1, _AGENT)}),
    StaffMember("dmitry.lebedev", "Дмитрий Лебедев", "ru", {BOX: (1, _AGENT)}),
    StaffMember("olga.komarova", "Ольга Комарова", "ru", {TRV: (1, _AGENT)}),
    StaffMember("agnieszka.lis", "Agnieszka Lis", "pl", {HST: (1, _AGENT)}),
    StaffMember("kamil.wrobel", "Kamil Wróbel", "pl", {HST: (1, _AGENT)}),
    StaffMember("sergey.volkov", "Сергей Волков", "ru", {BOX: (2, _AGENT), TRV: (2, _AGENT)}),
    StaffMember("igor.belov", "Игорь Белов", "ru", {TRV: (2, _AGENT)}),
    StaffMember("marta.zielinska", "Marta Zielińska", "pl", {HST: (2, _AGENT)}),
    StaffMember("pavel.nikitin", "Павел Никитин", "ru", {BOX: (3, _AGENT), TRV: (3, _AGENT)}),
    StaffMember("elena.krylova", "Елена Крылова", "ru", {TRV: (3, _AGENT)}),
    StaffMember("tomasz.grabowski", "Tomasz Grabowski", "pl", {HST: (3, _AGENT)}),
    StaffMember("maria.sokolova", "Мария Соколова", "ru", {BOX: (1, _ADMIN)}),
    StaffMember("viktor.drozdov", "Виктор Дроздов", "ru", {TRV: (1, _ADMIN)}),
    StaffMember("ewa.kaczmarek", "Ewa Kaczmarek", "pl", {HST: (1, _ADMIN)}),
)


def ensure_user(email: str, name: str, language: str, *, superuser: bool = False) -> User:
    """The user with this email, created with the demo password if new (safe when another loader races)."""
    existing = User.objects.filter(email=email).first()
    if existing is not None:
        return existing
    try:
        with transaction.atomic():
            if superuser:
                return User.objects.create_superuser(email, PASSWORD, name=name, language=language)
            return user_actions.create_user(email=email, name=name, password=PASSWORD, language=language)
    except (Conflict, IntegrityError):
        return User.objects.get(email=email)


def ensure_staff() -> dict[str, User]:
    users = {PROVIDER_ADMIN.key: ensure_user(PROVIDER_ADMIN.email, PROVIDER_ADMIN.name, "en", superuser=True)}
    for member in STAFF:
        users[member.key] = ensure_user(member.email, member.name, member.language)
    return users


@dataclass
class BrandWorld:
    """A loaded brand and everything the ticket stories pick from."""

    spec: BrandSpec
    brand: Brand
    teams: dict[int, Team]
    categories: dict[str, Category]
    agents: dict[int, list[User]]
    customers: list[Customer] = field(default_factory=list)
    # customers who sign in, by customer id
    customer_users: dict[int, User] = field(default_factory=dict)
    manager_login: User | None = None
    plain_login: User | None = None


def _create_categories(brand: Brand, paths: tuple[str, ...]) -> dict[str, Category]:
    categories: dict[str, Category] = {}
    for path in paths:
        parent: Category | None = None
        for depth, name in enumerate(path.split(" / ")):
            key = " / ".join(path.split(" / ")[: depth + 1])
            if key not in categories:
                categories[key] = create_category(brand, actor=SYSTEM, name=name, parent=parent)
            parent = categories[key]
    return categories


def create_brand_world(spec: BrandSpec, staff: dict[str, User]) -> BrandWorld:
    """The brand, its agents' memberships, teams per line and its typology of requests."""
    brand = create_brand(
        name=spec.name,
        slug=spec.slug,
        ticket_prefix=spec.prefix,
        languages=spec.languages,
        sender_addresses=[f"support@{spec.domain}"],
        portal_host=f"help.{spec.domain}",
        time_zone=spec.time_zone,
        primary_color=spec.color,
    )
    agents: dict[int, list[User]] = {1: [], 2: [], 3: []}
    for member in STAFF:
        if spec.slug not in member.memberships:
            continue
        line, role = member.memberships[spec.slug]
        user_actions.add_agent_membership(staff[member.key], actor=SYSTEM, brand=brand, line=line, role=role)
        if role == AgentRole.AGENT:
            agents[line].append(staff[member.key])
    teams = {
        line: user_actions.create_team(
            actor=SYSTEM, name=spec.team_names[line - 1], brand=brand, line=line, members=agents[line]
        )
        for line in (1, 2, 3)
    }
    return BrandWorld(
        spec=spec,
        brand=brand,
        teams=teams,
        categories=_create_categories(brand, spec.categories),
        agents=agents,
    )


def _language(rng: random.Random, spec: BrandSpec) -> str:
    languages, weights = zip(*spec.customer_languages.items(), strict=True)
    return rng.choices(languages, weights)[0]


def _new_phone(rng: random.Random, spec: BrandSpec, language: str, taken: set[str]) -> str:
    """A phone number no other customer of the brand has (numbers are unique per brand)."""
    while True:
        phone = phone_number(rng, spec.people, language)
        key = normalize_phone(phone)
        if key not in taken:
            taken.add(key)
            return phone


def _unique(email: str, taken: set[str]) -> str:
    local, domain = email.split("@")
    candidate, n = email, 1
    while candidate in taken:
        n += 1
        candidate = f"{local}{n}@{domain}"
    taken.add(candidate)
    return candidate


def _login_customer(
    world: BrandWorld,
    name: str,
    email: str,
    language: str,
    *,
    organization: Organization | None,
    manager: bool,
    phones: set[str],
) -> Customer:
    user = ensure_user(email, name, language)
    customer = user_actions.create_customer(
        world.brand,
        actor=SYSTEM,
        name=name,
        emails=[email],
        phones=[_new_phone(random.Random(email), world.spec, language, phones)],
        language=language,
        organization=organization,
        is_organization_manager=manager,
        user=user,
    )
    world.customer_users[customer.pk] = user
    return customer


def create_customers(world: BrandWorld, rng: random.Random) -> None:
    """About forty customers: organizations with a manager and members first, then private persons."""
    spec, brand = world.spec, world.brand
    taken: set[str] = set()
    phones: set[str] = set()
    for org_spec in spec.organizations:
        organization = user_actions.create_organization(
            brand, actor=SYSTEM, name=org_spec.name, domains=[org_spec.domain]
        )
        if org_spec.manager is not None:
            name, email, language = org_spec.manager
            taken.add(email)
            world.customers.append(
                _login_customer(
                    world, name, email, language, organization=organization, manager=True, phones=phones
                )
            )
            world.manager_login = world.customer_users[world.customers[-1].pk]
        members = rng.randint(2, 4) if org_spec.manager else rng.randint(3, 4)
        for index in range(members):
            language = spec.languages[0] if rng.random() < 0.9 else "en"
            person = make_person(rng, spec.people, language)
            email = _unique(f"{person.email_local}@{org_spec.domain}", taken)
            world.customers.append(
                user_actions.create_customer(
                    brand,
                    actor=SYSTEM,
                    name=person.name,
                    emails=[email],
                    phones=[_new_phone(rng, spec, language, phones)],
                    language=language,
                    organization=organization,
                    is_organization_manager=index == 0 and org_spec.manager is None,
                )
            )
    if spec.plain_customer is not None:
        name, email, language = spec.plain_customer
        taken.add(email)
        world.customers.append(
            _login_customer(world, name, email, language, organization=None, manager=False, phones=phones)
        )
        world.plain_login = world.customer_users[world.customers[-1].pk]
    while len(world.customers) < CUSTOMERS_PER_BRAND:
        language = _language(rng, spec)
        person = make_person(rng, spec.people, language)
        roll = rng.random()
        emails: list[str] = []
        if roll > 0.08:  # a few are known by phone only
            emails.append(_unique(f"{person.email_local}@{mail_domain(rng, spec.people, language)}", taken))
        if roll > 0.85:
            emails.append(
                _unique(f"{person.email_local}.work@{mail_domain(rng, spec.people, language)}", taken)
            )
        has_phone = roll < 0.1 or rng.random() < 0.65
        customer_phones = [_new_phone(rng, spec, language, phones)] if has_phone else []
        world.customers.append(
            user_actions.create_customer(
                brand,
                actor=SYSTEM,
                name=person.name,
                emails=emails,
                phones=customer_phones,
                language=language,
            )
        )
