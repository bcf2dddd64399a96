"""Scoped reads of notifications: an agent sees their own, nobody else's, and only of tickets they still see
(the rule of ``tickets.queries.tickets_visible_to``)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from django.core.cache import cache
from django.db.models import Q, QuerySet
from django.utils.translation import gettext_noop

from frontdesk.core.errors import NotFound
from frontdesk.notifications.models import Notification, NotificationSettings
from frontdesk.notifications.preferences import Choice, all_choices
from frontdesk.users.actors import Actor

PAGE_SIZE = 50
# The bell's count is kept this long; creating or reading notifications forgets it at once.
UNREAD_CACHE_SECONDS = 60


def notifications_visible_to(actor: Actor) -> QuerySet[Notification]:
    """An agent's own notifications shown in the desk, on tickets they may (still) see. Everyone else: none."""
    if not actor.is_agent or actor.user_id is None:
        return Notification.objects.none()
    return on_tickets_seen_by(actor, Notification.objects.filter(user_id=actor.user_id, in_app=True))


def on_tickets_seen_by(actor: Actor, qs: QuerySet[Notification]) -> QuerySet[Notification]:
    """``qs`` narrowed to notifications of tickets ``actor`` sees now."""
    if not actor.is_agent:
        return qs.none()
    if actor.sees_all_brands:
        return qs
    # As ``tickets_visible_to``: the brands served (a notification's brand is its ticket's), and tickets for the
    # management only in the brands the agent manages. A join by key, not a list of every visible ticket.
    qs = qs.filter(brand_id__in=sorted(actor.agent_lines))
    managed = sorted(actor.admin_brand_ids & set(actor.agent_lines))
    if len(managed) < len(actor.agent_lines):
        qs = qs.filter(Q(ticket__for_management=False) | Q(brand_id__in=managed))
    return qs


def access_notification(actor: Actor, notification_id: int) -> Notification:
    try:
        return notifications_visible_to(actor).get(pk=notification_id)
    except Notification.DoesNotExist:
        raise NotFound(gettext_noop("notification")) from None


@dataclass(frozen=True)
class NotificationPage:
    rows: list[Notification]
    # The cursor of the next (older) page, or "" on the last page.
    next_cursor: str


def _cursor(notification: Notification) -> str:
    return f"{notification.created_at.isoformat()}_{notification.pk}"


def _parse_cursor(cursor: str) -> tuple[datetime, int] | None:
    moment, _sep, pk = cursor.rpartition("_")
    try:
        parsed = datetime.fromisoformat(moment)
        return (parsed, int(pk)) if parsed.tzinfo is not None else None
    except ValueError:
        return None


def notification_page(
    actor: Actor, *, cursor: str = "", unread_only: bool = False, size: int = PAGE_SIZE
) -> NotificationPage:
    """Newest first, ``size`` at a time after ``cursor`` (a bad cursor starts from the newest); ticket and
    brand joined, so one query whatever the number of rows."""
    qs = notifications_visible_to(actor).select_related("ticket", "brand")
    if unread_only:
        qs = qs.filter(read_at__isnull=True)
    after = _parse_cursor(cursor) if cursor else None
    if after is not None:
        moment, pk = after
        qs = qs.filter(Q(created_at__lt=moment) | Q(created_at=moment, pk__lt=pk))
    rows = list(qs.order_by("-created_at", "-id")[: size + 1])
    more = len(rows) > size
    rows = rows[:size]
    return NotificationPage(rows=rows, next_cursor=_cursor(rows[-1]) if more and rows else "")


def _unread_key(user_id: int) -> str:
    return f"notifications:unread:{user_id}"


def unread_count(actor: Actor, *, fresh: bool = False) -> int:
    """The number on the bell: unread notifications shown in the desk. Kept in the cache for a minute (pages
    pay no query for it); ``fresh`` counts again."""
    if not actor.is_agent or actor.user_id is None:
        return 0
    key = _unread_key(actor.user_id)
    if not fresh:
        cached = cache.get(key)
        if isinstance(cached, int):
            return cached
    count = notifications_visible_to(actor).filter(read_at__isnull=True).count()
    cache.set(key, count, UNREAD_CACHE_SECONDS)
    return count


def cached_unread_count(actor: Actor) -> int | None:
    """The bell's count if the cache has it, without a query (None: the page fetches it)."""
    if not actor.is_agent or actor.user_id is None:
        return None
    cached = cache.get(_unread_key(actor.user_id))
    return cached if isinstance(cached, int) else None


def forget_unread_counts(user_ids: list[int]) -> None:
    if user_ids:
        cache.delete_many([_unread_key(pk) for pk in user_ids])


@dataclass(frozen=True)
class Preferences:
    choices: dict[str, Choice]
    digest_every: str


def preferences_of(actor: Actor) -> Preferences:
    """The agent's choices with the defaults filled in (one query)."""
    if not actor.is_agent or actor.user_id is None:
        raise NotFound(gettext_noop("notification settings"))
    row = NotificationSettings.objects.filter(user_id=actor.user_id).first()
    if row is None:
        return Preferences(choices=all_choices({}), digest_every=NotificationSettings().digest_every)
    return Preferences(choices=all_choices(row.choices), digest_every=row.digest_every)
