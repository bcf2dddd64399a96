"""Scoped reads of the connectors app: the social inbox, connectors, and daily sentiment counts for reports."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django.db.models import Count, Q, QuerySet
from django.db.models.functions import TruncDay

from frontdesk.connectors.choices import ItemStatus, Sentiment
from frontdesk.connectors.models import Connector, SocialItem, SocialThread
from frontdesk.core.errors import NotFound
from frontdesk.users.actors import Actor


def social_items_visible_to(
    actor: Actor,
    brand: int | None = None,
    status: str | None = None,
    sentiment: str | None = None,
) -> QuerySet[SocialItem]:
    """The social inbox items of the brands the actor serves as an agent (all for provider admins), newest
    first; narrowed to one brand (by id), status and sentiment when given. Nothing for customers and others.

    An unknown status or sentiment matches nothing (no error): the caller validates its filters.
    """
    if not (actor.is_agent or actor.is_system):
        return SocialItem.objects.none()
    items = SocialItem.objects.filter(actor.brand_scope()).select_related("connector", "ticket", "replied_by")
    if brand is not None:
        items = items.filter(brand_id=brand)
    if status:
        items = items.filter(status=status) if status in ItemStatus.values else items.none()
    if sentiment:
        items = items.filter(sentiment=sentiment) if sentiment in Sentiment.values else items.none()
    return items.order_by("-posted_at", "-id")


def access_social_item(actor: Actor, item_id: int | str) -> SocialItem:
    """One inbox item the actor may see; ``NotFound`` for a missing one and another brand's alike."""
    try:
        return social_items_visible_to(actor).get(pk=int(item_id))
    except (SocialItem.DoesNotExist, ValueError, TypeError):
        raise NotFound("social item") from None


def connectors_visible_to(actor: Actor) -> QuerySet[Connector]:
    """Connectors of the brands the actor serves as an agent (all for provider admins)."""
    if not (actor.is_agent or actor.is_system):
        return Connector.objects.none()
    return Connector.objects.filter(actor.brand_scope()).select_related("brand")


def social_thread_of_ticket(ticket_id: int) -> SocialThread | None:
    """The private conversation whose messages go to this ticket now (None for tickets of other channels)."""
    return (
        SocialThread.objects.filter(ticket_id=ticket_id)
        .select_related("connector", "identity")
        .order_by("-id")
        .first()
    )


@dataclass(frozen=True)
class DailySentiment:
    day: dt.date
    brand_id: int
    positive: int
    neutral: int
    negative: int


def daily_sentiment_counts(
    brand_ids: Iterable[int], start: dt.datetime, end: dt.datetime, *, zone: Any = None
) -> list[DailySentiment]:
    """Social inbox items posted in [start, end), counted per day (in ``zone``, default UTC) and brand by
    sentiment; days without items are left out. Ordered by day, then brand."""
    ids = sorted(set(brand_ids))
    if not ids:
        return []
    rows = (
        SocialItem.objects.filter(brand_id__in=ids, posted_at__gte=start, posted_at__lt=end)
        .annotate(day=TruncDay("posted_at", tzinfo=zone or dt.UTC))
        .values("day", "brand_id")
        .annotate(
            positive=Count("pk", filter=Q(sentiment=Sentiment.POSITIVE)),
            neutral=Count("pk", filter=Q(sentiment=Sentiment.NEUTRAL)),
            negative=Count("pk", filter=Q(sentiment=Sentiment.NEGATIVE)),
        )
        .order_by("day", "brand_id")
    )
    return [
        DailySentiment(
            day=row["day"].date() if isinstance(row["day"], dt.datetime) else row["day"],
            brand_id=row["brand_id"],
            positive=row["positive"],
            neutral=row["neutral"],
            negative=row["negative"],
        )
        for row in rows
    ]
