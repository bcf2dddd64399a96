"""Deflection records: what a new-request form suggested, which suggestions were opened, how the request ended.

Anyone may write them (the form is public); they only ever point at articles of the form's brand.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Protocol

from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from frontdesk.brands.models import Brand
from frontdesk.core.errors import InvalidInput
from frontdesk.core.language import SUPPORTED
from frontdesk.kb.choices import DeflectionOutcome
from frontdesk.kb.models import Article, Deflection, SuggestionShown
from frontdesk.users.actors import NOBODY, Actor
from frontdesk.users.models import Customer

MAX_QUERY = 1000
MAX_SUGGESTIONS = 20


def offered_language(brand: Brand, language: str) -> str:
    """``language`` if the brand offers it (of en, ru, pl); ``InvalidInput`` naming the field otherwise."""
    code = (language or "").strip().lower()
    offered = list(brand.languages or []) or list(SUPPORTED)
    if code not in SUPPORTED or code not in offered:
        raise InvalidInput(
            _("The brand does not offer the language %(language)s.") % {"language": code or "-"},
            field="language",
        )
    return code


class Suggested(Protocol):
    """What ``kb.suggest.suggest_articles`` returns per article."""

    @property
    def article_id(self) -> int: ...

    @property
    def score(self) -> float: ...

    @property
    def confident(self) -> bool: ...


SuggestionItem = tuple[int, int, float] | tuple[int, int, float, bool] | Suggested


@dataclass(frozen=True)
class _Item:
    article_id: int
    rank: int
    score: float
    confident: bool


def _items(suggestions: Iterable[SuggestionItem]) -> list[_Item]:
    items: list[_Item] = []
    for position, item in enumerate(suggestions, start=1):
        if isinstance(item, tuple):
            confident = bool(item[3]) if len(item) > 3 else True
            items.append(_Item(int(item[0]), int(item[1]), float(item[2]), confident))
        else:
            items.append(_Item(int(item.article_id), position, float(item.score), bool(item.confident)))
    return items[:MAX_SUGGESTIONS]


def _parse_key(key: uuid.UUID | str | None) -> uuid.UUID | None:
    if key is None or key == "":
        return None
    if isinstance(key, uuid.UUID):
        return key
    try:
        return uuid.UUID(str(key))
    except ValueError:
        return None


@transaction.atomic
def record_suggestions(
    key: uuid.UUID | str | None,
    *,
    brand: Brand,
    language: str,
    query: str,
    suggestions: Iterable[SuggestionItem],
    actor: Actor = NOBODY,
    customer: Customer | None = None,
) -> uuid.UUID:
    """Record what a new-request form suggested for ``query``; returns the deflection's key for the browser.

    A key unknown in this brand (or missing) starts a new deflection. ``suggestions`` are
    ``(article_id, rank, score[, confident])`` or the objects ``suggest_articles`` returns; an article shown
    again keeps its first time and its best rank. Articles of other brands are ignored.
    """
    language = offered_language(brand, language)
    now = timezone.now()
    customer_id = customer.pk if customer is not None and customer.brand_id == brand.pk else None
    customer_id = customer_id or actor.customer_ids.get(brand.pk)
    parsed = _parse_key(key)
    deflection = None
    if parsed is not None:
        deflection = Deflection.objects.select_for_update().filter(key=parsed, brand=brand).first()
    if deflection is None:
        deflection = Deflection.objects.create(
            brand=brand, language=language, customer_id=customer_id, started_at=now, updated_at=now
        )
    items = _items(suggestions)
    ours = set(
        Article.objects.filter(brand=brand, pk__in=[i.article_id for i in items]).values_list("pk", flat=True)
    )
    items = [i for i in items if i.article_id in ours]
    existing = {s.article_id: s for s in SuggestionShown.objects.filter(deflection=deflection)}
    new_rows = []
    for item in items:
        row = existing.get(item.article_id)
        if row is None:
            new_rows.append(
                SuggestionShown(
                    deflection=deflection,
                    article_id=item.article_id,
                    brand=brand,
                    rank=item.rank,
                    score=item.score,
                    confident=item.confident,
                    shown_at=now,
                )
            )
        elif item.rank < row.rank or (item.confident and not row.confident):
            row.rank = min(row.rank, item.rank)
            row.score = max(row.score, item.score)
            row.confident = row.confident or item.confident
            row.save(update_fields=["rank", "score", "confident"])
    SuggestionShown.objects.bulk_create(new_rows)
    deflection.last_query = (query or "").strip()[:MAX_QUERY]
    deflection.queries = F("queries") + 1
    deflection.had_confident = deflection.had_confident or any(i.confident for i in items)
    deflection.updated_at = now
    if customer_id and not deflection.customer_id:
        deflection.customer_id = customer_id
    deflection.save(update_fields=["last_query", "queries", "had_confident", "updated_at", "customer"])
    return deflection.key


def record_article_opened(key: uuid.UUID | str | None, *, article: Article) -> bool:
    """Mark a suggested article as opened (the first time counts); False if it was not suggested there."""
    parsed = _parse_key(key)
    if parsed is None:
        return False
    now = timezone.now()
    marked = SuggestionShown.objects.filter(
        deflection__key=parsed, deflection__brand_id=article.brand_id, article=article, opened_at__isnull=True
    ).update(opened_at=now)
    if marked:
        Deflection.objects.filter(key=parsed).update(updated_at=now)
    return bool(marked)


def finish_deflection(
    key: uuid.UUID | str | None, *, outcome: str, ticket_number: str = "", brand: Brand | None = None
) -> bool:
    """End an open deflection as submitted (with the ticket's number) or abandoned; the first ending counts."""
    if outcome not in (DeflectionOutcome.SUBMITTED, DeflectionOutcome.ABANDONED):
        raise InvalidInput(_("A request is either submitted or abandoned."), field="outcome")
    parsed = _parse_key(key)
    if parsed is None:
        return False
    now = timezone.now()
    rows = Deflection.objects.filter(key=parsed, outcome=DeflectionOutcome.OPEN)
    if brand is not None:
        rows = rows.filter(brand=brand)
    return bool(
        rows.update(
            outcome=outcome, ticket_number=(ticket_number or "")[:40], finished_at=now, updated_at=now
        )
    )
