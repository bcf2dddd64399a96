"""The configuration-like objects of the generated desk, created through the domain actions."""

from __future__ import annotations

from dataclasses import dataclass, field

from bench import corpus
from bench.loading import esc

BENCH_AGENT_EMAIL = "bench.agent@bench.example"


@dataclass
class BrandWorld:
    id: int
    kind: str
    languages: list[str]
    prefix: str
    number_format: str
    time_zone: str
    share: float
    agents: dict[int, list[tuple[int, str]]] = field(default_factory=dict)  # line -> [(user id, label)]
    teams: dict[int, tuple[int, str]] = field(default_factory=dict)  # line -> (team id, name)
    categories: list[int] = field(default_factory=list)
    organizations: list[int] = field(default_factory=list)
    customer_first: int = 0
    customer_count: int = 0


@dataclass
class World:
    brands: list[BrandWorld]
    shared_team: tuple[int, str]
    # customer id -> (name escaped, language, organization id or None)
    customers: dict[int, tuple[str, str, int | None]] = field(default_factory=dict)


# --- Configuration through the actions --------------------------------------------------------------------------


def build_world(n_tickets: int) -> World:
    from frontdesk.brands.actions import create_brand
    from frontdesk.tickets.categories import create_category
    from frontdesk.users import actions as users
    from frontdesk.users.actors import SYSTEM
    from frontdesk.users.choices import AgentRole

    brands: list[BrandWorld] = []
    per_line = {1: 12, 2: 5, 3: 2}
    bench_agent = users.create_user(email=BENCH_AGENT_EMAIL, name="Bench Agent", language="en")
    shared_members = []
    for name, slug, prefix, languages, tz, share, kind in corpus.BRANDS:
        brand = create_brand(
            name=name,
            slug=slug,
            ticket_prefix=prefix,
            languages=languages,
            sender_addresses=[f"support@{slug}.example"],
            time_zone=tz,
        )
        world = BrandWorld(brand.pk, kind, languages, prefix, brand.ticket_number_format, tz, share)
        lang = languages[0]
        for line, count in per_line.items():
            members = []
            for i in range(count):
                first = corpus.FIRST_NAMES[lang][(i * 7 + line) % 20]
                last = corpus.LAST_NAMES[lang][(i * 5 + line * 3) % len(corpus.LAST_NAMES[lang])]
                user = users.create_user(email=f"{slug}.l{line}.{i}@bench.example", name=f"{first} {last}")
                role = AgentRole.BRAND_ADMIN if line == 3 and i == 0 else AgentRole.AGENT
                users.add_agent_membership(user, actor=SYSTEM, brand=brand, line=line, role=role)
                members.append(user)
            if line == 1 and slug in ("bench-opera", "bench-museum"):
                users.add_agent_membership(bench_agent, actor=SYSTEM, brand=brand, line=1)
                members.append(bench_agent)
            if line == 1:
                shared_members.extend(members[:2])
            team = users.create_team(
                actor=SYSTEM, name=f"{name}: line {line}", brand=brand, line=line, members=members
            )
            world.agents[line] = [(u.pk, esc(u.name)) for u in members]
            world.teams[line] = (team.pk, esc(team.name))
        tree = corpus.CATEGORIES[kind]
        for root_name, children in tree.items():
            root = create_category(brand, actor=SYSTEM, name=root_name)
            for child in children:
                world.categories.append(create_category(brand, actor=SYSTEM, name=child, parent=root).pk)
        n_orgs = max(2, int(n_tickets / 500 * share))
        for i in range(n_orgs):
            org = users.create_organization(
                brand, actor=SYSTEM, name=f"{corpus.LAST_NAMES['en'][i % 18]} & Partners {i + 1}"
            )
            world.organizations.append(org.pk)
        brands.append(world)
    shared = users.create_team(actor=SYSTEM, name="Night shift", brand=None, line=1, members=shared_members)
    return World(brands=brands, shared_team=(shared.pk, esc(shared.name)))
