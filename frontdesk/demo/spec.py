"""The shapes the demo content is written in: a brand, its people and its ticket templates.

Texts are keyed by language (``ru``, ``en``, ``pl``); a value is one text or a tuple of variants. Placeholders
such as ``{order}`` are filled from the brand's ``facts`` for each ticket, plus ``{first}`` (the customer's
first name) and ``{brand}``.
"""

from __future__ import annotations

import random
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import datetime

Texts = Mapping[str, str | tuple[str, ...]]
Facts = Callable[[random.Random, str, datetime], dict[str, str]]


class _Blank(dict[str, str]):
    """Leaves unknown placeholders visible instead of failing, so a typo in a template shows up in review."""

    def __missing__(self, key: str) -> str:
        return "{" + key + "}"


def pick(rng: random.Random, texts: Texts, lang: str, facts: Mapping[str, str]) -> str:
    """One variant of ``texts`` in ``lang`` (English when the language is missing), placeholders filled."""
    value = texts.get(lang) or texts["en"]
    variant = rng.choice(value) if isinstance(value, tuple) else value
    return variant.format_map(_Blank(facts))


@dataclass(frozen=True)
class Escalation:
    """What each line writes when the ticket climbs: in the brand's working language (agents' notes)."""

    diagnosis: str
    steps: str
    request: str
    # What line 2 found (worklog) and, when it goes further, what it asks line 3.
    line2_finding: str
    line3_request: str = ""
    line3_finding: str = ""
    # Who the ticket waits for while "pending third party" (the theatre, the airline, the registry...).
    third_party: str = ""


@dataclass(frozen=True)
class TicketTemplate:
    category: str
    subject: Texts
    body: Texts
    answer: Texts
    tags: tuple[str, ...] = ()
    priority: str = "normal"
    # The agent asks for something first (ticket goes "pending customer"), the customer answers.
    question: Texts | None = None
    follow_up: Texts | None = None
    escalation: Escalation | None = None


@dataclass(frozen=True)
class OrganizationSpec:
    name: str
    domain: str
    # A named manager who signs in (the others are generated).
    manager: tuple[str, str, str] | None = None  # (name, email, language)


@dataclass(frozen=True)
class BrandSpec:
    name: str
    slug: str
    prefix: str
    languages: tuple[str, ...]
    time_zone: str
    color: str
    # Language the provider's agents write notes and work logs in for this brand.
    working_language: str
    # Weights of the customers' preferred languages.
    customer_languages: Mapping[str, float]
    # Name pool of the local customers ("ru" or "pl").
    people: str
    categories: tuple[str, ...]
    team_names: tuple[str, str, str]
    organizations: tuple[OrganizationSpec, ...]
    channel_weights: Mapping[str, float]
    templates: tuple[TicketTemplate, ...]
    facts: Facts
    # Brand-specific texts: "signoff", "hold", "nudge", "reopen" (by language) and internal-note pools.
    replies: Mapping[str, Texts]
    notes: Mapping[str, tuple[str, ...]] = field(default_factory=dict)
    # A customer with a login who is in no organization: (name, email, language).
    plain_customer: tuple[str, str, str] | None = None

    @property
    def domain(self) -> str:
        return f"{self.slug}.example"
