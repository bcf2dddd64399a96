"""The bulk rows: customers with their contacts, and tickets with their messages, events and work logs."""

from __future__ import annotations

import random
import time
from dataclasses import dataclass
from datetime import UTC, datetime
from zoneinfo import ZoneInfo

from bench import corpus
from bench.loading import Clock, Writer, esc
from bench.world import BrandWorld, World


def pick_table(weights: dict[str, int]) -> list[str]:
    """A list of 100 values where each appears as often as its weight, for ``table[int(random() * 100)]``."""
    table = [value for value, weight in weights.items() for _ in range(weight)]
    assert len(table) == 100, weights
    return table


STATUS_BY_AGE = [
    (
        2 * 86400,
        pick_table(
            {
                "new": 35,
                "open": 30,
                "pending_customer": 15,
                "pending_third_party": 5,
                "on_hold": 3,
                "solved": 12,
            }
        ),
    ),
    (
        14 * 86400,
        pick_table(
            {
                "new": 5,
                "open": 20,
                "pending_customer": 20,
                "pending_third_party": 8,
                "on_hold": 7,
                "solved": 30,
                "closed": 10,
            }
        ),
    ),
    (
        60 * 86400,
        pick_table(
            {
                "open": 3,
                "pending_customer": 4,
                "pending_third_party": 3,
                "on_hold": 3,
                "solved": 12,
                "closed": 75,
            }
        ),
    ),
    (10**12, pick_table({"closed": 97, "solved": 2, "on_hold": 1})),
]
CHANNELS = pick_table({"email": 45, "web": 20, "phone": 15, "chat": 12, "social": 5, "api": 3})
PRIORITIES = pick_table({"low": 10, "normal": 65, "high": 20, "urgent": 5})
LINES = [1] * 75 + [2] * 20 + [3] * 5


def load_customers(
    world: World, writer: Writer, n_customers: int, rnd: random.Random, clock: Clock, start: int
) -> None:
    rand = rnd.random
    N = "\\N"
    cid = 1
    contact_id = 1
    customers: list[str] = []
    contacts: list[str] = []
    total_share = sum(b.share for b in world.brands)
    for brand in world.brands:
        count = max(20, int(n_customers * brand.share / total_share))
        brand.customer_first, brand.customer_count = cid, count
        for _ in range(count):
            lang = brand.languages[0] if rand() < 0.8 else brand.languages[-1]
            first = corpus.FIRST_NAMES[lang][int(rand() * 20)]
            last = corpus.LAST_NAMES[lang][int(rand() * len(corpus.LAST_NAMES[lang]))]
            name = f"{first} {last}"
            local = f"{first}.{last}".lower().translate(corpus.TRANSLIT)
            email = f"{local}.{cid}@{corpus.MAIL_DOMAINS[cid % 5]}"
            org = brand.organizations[int(rand() * len(brand.organizations))] if rand() < 0.3 else None
            manager = "t" if org is not None and rand() < 0.05 else "f"
            phone = f"{'+48601' if lang == 'pl' else '+7916'}{cid:07d}" if rand() < 0.4 else ""
            created = clock(start - int(rand() * 365 * 86400))
            ename = esc(name)
            tier_roll = rand()
            tier = "vip" if tier_roll < 0.01 else "premium" if tier_roll < 0.06 else ""
            customers.append(
                f"{cid}\t{created}\t{created}\t{brand.id}\t\\N\t{ename}\t{lang}\t{org or N}\t"
                f"{manager}\t{email}\t{phone}\t\t{tier}\n"
            )
            contacts.append(f"{contact_id}\t{brand.id}\t{cid}\temail\t{email}\t{created}\n")
            contact_id += 1
            if phone:
                contacts.append(f"{contact_id}\t{brand.id}\t{cid}\tphone\t{phone}\t{created}\n")
                contact_id += 1
            world.customers[cid] = (ename, lang, org)
            cid += 1
            if len(customers) >= 50_000:
                writer.put({"customer": customers, "contact": contacts})
                customers, contacts = [], []
    writer.put({"customer": customers, "contact": contacts})


@dataclass
class Texts:
    subjects: dict[tuple[str, str], list[str]]
    customer: dict[str, list[tuple[str, str]]]
    agent: dict[str, list[tuple[str, str]]]
    notes: list[tuple[str, str]]


def make_texts() -> Texts:
    from frontdesk.tickets.content import make_body

    def bodies(texts: list[str]) -> list[tuple[str, str]]:
        out = []
        for text in texts:
            body = make_body(text=text)
            out.append((esc(body.html), esc(body.text)))
        return out

    subjects = {key: [esc(s) for s in values] for key, values in corpus.SUBJECTS.items()}
    return Texts(
        subjects=subjects,
        customer={lang: bodies(t) for lang, t in corpus.CUSTOMER_TEXTS.items()},
        agent={lang: bodies(t) for lang, t in corpus.AGENT_TEXTS.items()},
        notes=bodies(corpus.NOTES),
    )


def year_boundaries(time_zone: str, first_year: int, last_year: int) -> list[tuple[int, int]]:
    """(epoch of the local New Year, year) for each year, in the brand's time zone."""
    tz = ZoneInfo(time_zone)
    return [(int(datetime(y, 1, 1, tzinfo=tz).timestamp()), y) for y in range(first_year, last_year + 2)]


def load_tickets(
    world: World,
    writer: Writer,
    n: int,
    rnd: random.Random,
    clock: Clock,
    start: int,
    now: int,
    batch_size: int,
    texts: Texts,
) -> dict[tuple[int, int], int]:
    """Generate ``n`` tickets in creation order with their messages, events and work logs."""
    from frontdesk.tickets.numbering import format_number

    rand = rnd.random
    span = now - start - 3600
    total_share = sum(b.share for b in world.brands)
    brand_table: list[BrandWorld] = []
    for b in world.brands:
        brand_table.extend([b] * round(b.share / total_share * 100))
    brand_table = (brand_table + [world.brands[0]] * 100)[:100]
    first_year = datetime.fromtimestamp(start, UTC).year - 1
    last_year = datetime.fromtimestamp(now, UTC).year
    years = {b.id: year_boundaries(b.time_zone, first_year, last_year) for b in world.brands}
    year_pos = {b.id: 0 for b in world.brands}
    counters: dict[tuple[int, int], int] = {}
    customers = world.customers
    shared_team = world.shared_team
    diagnoses = [(esc(d), esc(s)) for d, s in corpus.DIAGNOSES]
    n_msg = n_ev = n_wl = 0
    tickets: list[str] = []
    messages: list[str] = []
    events: list[str] = []
    worklogs: list[str] = []
    N = "\\N"
    last_report = time.monotonic()
    t_started = last_report

    for i in range(n):
        tid = i + 1
        created = start + int(span * ((i + 1) / n) ** 0.75)
        b = brand_table[int(rand() * 100)]
        bid = b.id
        # The number, from the brand's counter for its local year.
        bounds = years[bid]
        pos = year_pos[bid]
        while created >= bounds[pos + 1][0]:
            pos += 1
        year_pos[bid] = pos
        year = bounds[pos][1]
        seq = counters.get((bid, year), 0) + 1
        counters[(bid, year)] = seq
        number = format_number(b.number_format, prefix=b.prefix, year=year, seq=seq)

        cid = b.customer_first + int(b.customer_count * rand() ** 1.5)
        cname, lang, org = customers[cid]
        text_lang = lang if lang != "ru" or b.kind != "hosting" else "en"
        subjects = texts.subjects.get((b.kind, text_lang)) or texts.subjects[(b.kind, "en")]
        subject = subjects[int(rand() * len(subjects))]
        if rand() < 0.3:
            subject = f"{subject} ({b.prefix}{int(rand() * 900000) + 100000})"
        age = now - created
        for limit, table in STATUS_BY_AGE:
            if age < limit:
                status = table[int(rand() * 100)]
                break
        channel = CHANNELS[int(rand() * 100)]
        priority = PRIORITIES[int(rand() * 100)]
        line = 1 if status == "new" else LINES[int(rand() * 100)]
        category = b.categories[int(rand() * len(b.categories))] if rand() < 0.85 else None
        tags = corpus.TAG_SETS[int(rand() * 10)]
        line1 = b.agents[1]
        team1 = shared_team if rand() < 0.1 else b.teams[1]

        ev: list[tuple[str, str, str, str, int, str]] = []  # kind, actor id, label, actor kind, at, data
        msgs_customer = texts.customer[text_lang]
        msgs_agent = texts.agent[text_lang]
        t = created
        mid = n_msg + 1
        # The first message: the customer's words, or the agent's record of a call.
        if channel == "phone":
            agent_id, agent_label = line1[int(rand() * len(line1))]
            body = msgs_customer[int(rand() * len(msgs_customer))]
            messages.append(
                f"{mid}\t{tid}\t{bid}\tcall\tagent\t{agent_id}\t{agent_label}\tphone\t{body[0]}\t{body[1]}\t"
                f"inbound\t{30 + int(rand() * 900)}\t{clock(t)}\n"
            )
            creator = (str(agent_id), agent_label, "agent")
            last_customer = N
        else:
            body = msgs_customer[int(rand() * len(msgs_customer))]
            messages.append(
                f"{mid}\t{tid}\t{bid}\treply\tcustomer\t{N}\t{cname}\t{channel}\t{body[0]}\t{body[1]}\t\t{N}\t"
                f"{clock(t)}\n"
            )
            creator = (N, cname, "customer")
            last_customer = clock(t)
        n_msg += 1
        ev.append(
            (
                "created",
                *creator,
                t,
                f'{{"message": {mid}, "channel": "{channel}", "status": "new", "priority": "{priority}"}}',
            )
        )
        follow_ups = int(rand() * 3) if status == "new" and channel != "phone" else 0
        if rand() < 0.3 or status == "new" and not follow_ups:
            # Routed to a queue by the rules after creation.
            ev.append(
                (
                    "team_changed",
                    N,
                    "Frontdesk",
                    "system",
                    t,
                    f'{{"before": null, "after": {team1[0]}, "after_label": "{team1[1]}"}}',
                )
            )
        first_response = N
        last_agent = N
        assignee = N
        team = team1
        solved_at = closed_at = N
        minutes = 0
        if status == "new":
            # Perhaps the customer wrote again before anyone answered.
            for _ in range(follow_ups):
                t = min(now - 1, t + 600 + int(rand() * 20000))
                mid = n_msg + 1
                body = msgs_customer[int(rand() * len(msgs_customer))]
                messages.append(
                    f"{mid}\t{tid}\t{bid}\treply\tcustomer\t{N}\t{cname}\t{channel}\t{body[0]}\t{body[1]}\t\t{N}\t"
                    f"{clock(t)}\n"
                )
                n_msg += 1
                last_customer = clock(t)
                ev.append(("customer_message", N, cname, "customer", t, f'{{"message": {mid}}}'))
        else:
            agent_id, agent_label = line1[int(rand() * len(line1))]
            t = min(now - 1, t + 300 + int(rand() * 28800))
            ev.append(
                (
                    "assigned",
                    str(agent_id),
                    agent_label,
                    "agent",
                    t,
                    f'{{"before": null, "after": {agent_id}, "after_label": "{agent_label}"}}',
                )
            )
            assignee = str(agent_id)
            mid = n_msg + 1
            body = msgs_agent[int(rand() * len(msgs_agent))]
            messages.append(
                f"{mid}\t{tid}\t{bid}\treply\tagent\t{agent_id}\t{agent_label}\t{channel}\t{body[0]}\t{body[1]}\t\t"
                f"{N}\t{clock(t)}\n"
            )
            n_msg += 1
            first_response = last_agent = clock(t)
            ev.append(("replied", str(agent_id), agent_label, "agent", t, f'{{"message": {mid}}}'))
            # Half the solved tickets are solved by the first answer, with no other step in between.
            quick = status in ("solved", "closed") and line == 1 and rand() < 0.5
            if not quick:
                ev.append(
                    (
                        "status_changed",
                        str(agent_id),
                        agent_label,
                        "agent",
                        t,
                        '{"before": "new", "after": "open"}',
                    )
                )
            if line > 1:
                t = min(now - 1, t + 600 + int(rand() * 7200))
                team = b.teams[line]
                diagnosis, steps = diagnoses[int(rand() * len(diagnoses))]
                wl = n_wl + 1
                spent = 5 + int(rand() * 40)
                minutes += spent
                worklogs.append(
                    f"{wl}\t{tid}\t{bid}\tescalation\t{agent_id}\t{agent_label}\t1\t{line}\t{team1[0]}\t{team[0]}\t"
                    f"{diagnosis}\t{steps}\tPlease take over.\t{spent}\t{clock(t)}\n"
                )
                n_wl += 1
                ev.append(
                    (
                        "escalated",
                        str(agent_id),
                        agent_label,
                        "agent",
                        t,
                        (
                            f'{{"worklog": {wl}, "from_line": 1, "to_line": {line}, "from_team": {team1[0]}, '
                            f'"to_team": {team[0]}, "previous_assignee": {agent_id}, "minutes_spent": {spent}}}'
                        ),
                    )
                )
                higher = b.agents[line]
                agent_id, agent_label = higher[int(rand() * len(higher))]
                assignee = N if rand() < 0.2 else str(agent_id)
            final: list[tuple[str, str]] = []
            if status == "closed":
                final = (
                    [("solved", "solved"), ("closed", "closed")] if rand() < 0.4 else [("closed", "closed")]
                )
            elif status == "solved":
                final = [("solved", "solved")]
            elif status != "open":
                final = [("status_changed", status)]
            room = 8 - len(ev) - len(final)
            extra = 0 if quick else min(room, int(rand() * 4))
            for k in range(extra):
                t = min(now - 1, t + 900 + int(rand() * 86400))
                mid = n_msg + 1
                if k % 2 == 0:
                    body = msgs_customer[int(rand() * len(msgs_customer))]
                    messages.append(
                        f"{mid}\t{tid}\t{bid}\treply\tcustomer\t{N}\t{cname}\t{channel}\t{body[0]}\t{body[1]}\t\t"
                        f"{N}\t{clock(t)}\n"
                    )
                    last_customer = clock(t)
                    ev.append(("customer_message", N, cname, "customer", t, f'{{"message": {mid}}}'))
                elif rand() < 0.25:
                    body = texts.notes[int(rand() * len(texts.notes))]
                    messages.append(
                        f"{mid}\t{tid}\t{bid}\tnote\tagent\t{agent_id}\t{agent_label}\t{channel}\t{body[0]}\t"
                        f"{body[1]}\t\t{N}\t{clock(t)}\n"
                    )
                    ev.append(("note_added", str(agent_id), agent_label, "agent", t, f'{{"message": {mid}}}'))
                else:
                    body = msgs_agent[int(rand() * len(msgs_agent))]
                    messages.append(
                        f"{mid}\t{tid}\t{bid}\treply\tagent\t{agent_id}\t{agent_label}\t{channel}\t{body[0]}\t"
                        f"{body[1]}\t\t{N}\t{clock(t)}\n"
                    )
                    last_agent = clock(t)
                    ev.append(("replied", str(agent_id), agent_label, "agent", t, f'{{"message": {mid}}}'))
                n_msg += 1
            before = "new" if quick else "open"
            for kind, after in final:
                t = min(now - 1, t + 600 + int(rand() * (4 * 86400 if kind == "closed" else 20000)))
                ev.append(
                    (
                        kind,
                        str(agent_id),
                        agent_label,
                        "agent",
                        t,
                        f'{{"before": "{before}", "after": "{after}"}}',
                    )
                )
                if after == "solved":
                    solved_at = clock(t)
                elif after == "closed":
                    closed_at = clock(t)
                before = after
        for kind, actor_id, label, actor_kind, at, data in ev:
            n_ev += 1
            when = clock(at)
            events.append(
                f"{n_ev}\t{tid}\t{bid}\t{kind}\t{actor_id}\t{label}\t{actor_kind}\t{when}\t{data}\t{when}\t{N}\t0\n"
            )
        tickets.append(
            f"{tid}\t{bid}\t{number}\t{subject}\t{status}\t{priority}\t{category if category else N}\t{tags}\t"
            f"{channel}\t{lang}\t{cid}\t{org if org else N}\t{team[0]}\t{assignee}\t{line}\t{len(ev) - 1}\t{N}\t"
            f"{clock(created)}\t{clock(t)}\t{first_response}\t{solved_at}\t{closed_at}\t{last_customer}\t"
            f"{last_agent}\t{minutes}\t{{}}\tf\n"
        )
        if len(tickets) >= batch_size:
            writer.put({"ticket": tickets, "message": messages, "event": events, "worklog": worklogs})
            tickets, messages, events, worklogs = [], [], [], []
            if time.monotonic() - last_report > 15:
                last_report = time.monotonic()
                rate = (i + 1) / (last_report - t_started)
                print(f"  {i + 1:,} tickets generated ({rate:,.0f}/s)", flush=True)
    writer.put({"ticket": tickets, "message": messages, "event": events, "worklog": worklogs})
    return counters
