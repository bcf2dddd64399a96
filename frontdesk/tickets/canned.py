"""Canned answers: found for a ticket (its brand's and the shared ones, the ticket's language first) and
rendered with the ticket's facts.

Rendering only replaces ``{name}`` placeholders of a fixed list with plain text: no attribute or index
look-ups, no format specs, no template language. Anything else in braces stays as written, so a typo shows
in the reply box instead of failing."""

from __future__ import annotations

import re

from django.db import transaction
from django.db.models import Case, IntegerField, Q, Value, When
from django.utils.translation import gettext as _

from frontdesk.brands.models import Brand
from frontdesk.brands.texts import signature_for
from frontdesk.core.errors import InvalidInput, NotFound, require
from frontdesk.tickets.models import CannedAnswer, Ticket
from frontdesk.tickets.permissions import can_work_on
from frontdesk.users.actors import Actor

# The most answers one search shows.
MAX_RESULTS = 10
MAX_QUERY = 100
# The most answers one search reads.
MAX_SCANNED = 1000
LANGUAGES = ("", "ru", "en", "pl")
# The languages of mail to customers (the mail app's); a sign-off is looked for in the first one a ticket has.
SIGN_OFF_LANGUAGES = ("en", "ru", "pl")
PLACEHOLDER = re.compile(r"\{([a-z_]{1,40})\}")
# Shown in the admin next to the text.
PLACEHOLDERS = (
    "customer_name",
    "customer_first_name",
    "customer_email",
    "ticket_number",
    "ticket_subject",
    "agent_name",
    "brand_name",
)


def ticket_language(ticket: Ticket) -> str:
    """The language answers are looked for in first: the ticket's, else the customer's."""
    return ticket.language or ticket.customer.language or ""


def canned_answers_for(actor: Actor, ticket: Ticket, query: str = "") -> list[CannedAnswer]:
    """Active answers of the ticket's brand and the shared ones whose title or text holds every typed word:
    those in the ticket's language first, then those for any language, then the others; by title within each.

    Words are compared case-folded in Python: SQLite folds only ASCII letters, and a brand has tens of
    answers, not thousands (at most ``MAX_SCANNED`` are read)."""
    require(can_work_on(actor, ticket))
    language = ticket_language(ticket)
    qs = CannedAnswer.objects.filter(
        Q(brand_id=ticket.brand_id) | Q(brand__isnull=True), is_active=True
    ).annotate(
        rank=Case(
            When(language=language, then=Value(0)),
            When(language="", then=Value(1)),
            default=Value(2),
            output_field=IntegerField(),
        )
    )
    words = query[:MAX_QUERY].casefold().split()
    answers: list[CannedAnswer] = list(qs.order_by("rank", "title", "id")[:MAX_SCANNED])
    return [
        answer
        for answer in answers
        if all(word in f"{answer.title}\n{answer.body}".casefold() for word in words)
    ][:MAX_RESULTS]


def access_canned_answer(actor: Actor, ticket: Ticket, answer_id: int) -> CannedAnswer:
    """An active answer usable on this ticket; another brand's, an inactive or a missing one is NotFound."""
    require(can_work_on(actor, ticket))
    try:
        return CannedAnswer.objects.get(
            Q(brand_id=ticket.brand_id) | Q(brand__isnull=True), pk=answer_id, is_active=True
        )
    except CannedAnswer.DoesNotExist:
        raise NotFound("canned answer") from None


def placeholder_values(ticket: Ticket, actor: Actor) -> dict[str, str]:
    """The values of the placeholders for this ticket, as plain text."""
    customer = ticket.customer
    name = (customer.name or "").strip()
    return {
        "customer_name": name,
        "customer_first_name": name.split()[0] if name else "",
        "customer_email": customer.email or "",
        "ticket_number": ticket.number,
        "ticket_subject": ticket.subject,
        "agent_name": actor.label,
        "brand_name": ticket.brand.name,
    }


def render_text(text: str, values: dict[str, str]) -> str:
    """``text`` with each known ``{placeholder}`` replaced; unknown ones stay as written."""
    return PLACEHOLDER.sub(lambda match: values.get(match.group(1), match.group(0)), text)


def mail_sign_off(ticket: Ticket, author: str) -> str:
    """What the reply mail signs with under the text: the brand's signature in the customer's language
    (``{agent}`` being the author), else the author's name and the brand's (the mail templates' own)."""
    brand = ticket.brand
    languages = (ticket.customer.language, ticket.language, brand.default_language)
    language = next((code for code in languages if code in SIGN_OFF_LANGUAGES), "en")
    return signature_for(brand, language, author=author) or f"{author}, {brand.name}"


def without_sign_off(text: str, sign_off: str) -> str:
    """``text`` without a last paragraph that ends with the mail's own sign-off (lines compared without outer
    spaces); a closing line above it such as "Kind regards," stays."""
    wanted = [line.strip() for line in sign_off.strip().splitlines() if line.strip()]
    lines = text.rstrip().splitlines()
    if not wanted or [line.strip() for line in lines[-len(wanted) :]] != wanted:
        return text
    return "\n".join(lines[: -len(wanted)]).rstrip()


def render_canned(answer: CannedAnswer, *, ticket: Ticket, actor: Actor) -> str:
    """The answer's text for this ticket, written by ``actor``.

    The reply mail signs every answer, so a sign-off the answer ends with that repeats the mail's (say
    ``{agent_name}, {brand_name}`` or the brand's signature) is left out: the customer reads it once."""
    text = render_text(answer.body, placeholder_values(ticket, actor))
    return without_sign_off(text, mail_sign_off(ticket, actor.label))


def add_to_reply(written: str, text: str) -> str:
    """The reply box with ``text`` put below what the agent has ``written``; the answer's first line is left
    out when the reply already opens with the same line (a greeting), so the customer is greeted once."""
    written = written.rstrip()
    if not written:
        return text
    first, _newline, rest = text.partition("\n")
    if first.strip() and written.lstrip().splitlines()[0].strip() == first.strip():
        text = rest.lstrip("\n")
    return f"{written}\n\n{text}" if text.strip() else written


@transaction.atomic
def create_canned_answer(
    brand: Brand | None, *, actor: Actor, title: str, body: str, language: str = ""
) -> CannedAnswer:
    """A new answer for a brand (or, by a provider admin, for all brands)."""
    require(actor.administers(brand.pk) if brand is not None else actor.is_system or actor.is_provider_admin)
    title, body = title.strip(), body.strip()
    if not title or not body:
        raise InvalidInput(_("Give the answer a title and a text."), field="title" if not title else "body")
    if language not in LANGUAGES:
        raise InvalidInput(_("Languages are en, ru and pl."), field="language")
    return CannedAnswer.objects.create(brand=brand, title=title[:200], body=body, language=language)
