"""Writes of notifications: read marks and an agent's settings."""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from frontdesk.core.errors import InvalidInput, NotFound
from frontdesk.notifications.choices import DigestEvery, MailChoice, NotificationKind
from frontdesk.notifications.models import NotificationSettings
from frontdesk.notifications.preferences import Choice
from frontdesk.notifications.queries import (
    access_notification,
    forget_unread_counts,
    notifications_visible_to,
)
from frontdesk.users.actors import Actor


def _forget_after_commit(user_id: int) -> None:
    forget_unread_counts([user_id])
    transaction.on_commit(lambda: forget_unread_counts([user_id]))


def mark_read(actor: Actor, notification_id: int) -> bool:
    """Mark one of the agent's notifications read; True if it was unread. Another's or a missing one: NotFound."""
    notification = access_notification(actor, notification_id)
    changed = (
        notifications_visible_to(actor)
        .filter(pk=notification.pk, read_at__isnull=True)
        .update(read_at=timezone.now())
    )
    assert actor.user_id is not None
    _forget_after_commit(actor.user_id)
    return changed == 1


def mark_all_read(actor: Actor) -> int:
    """Mark every unread notification of the agent read; returns how many."""
    if not actor.is_agent or actor.user_id is None:
        raise NotFound("notification")
    changed = notifications_visible_to(actor).filter(read_at__isnull=True).update(read_at=timezone.now())
    _forget_after_commit(actor.user_id)
    return changed


def save_preferences(actor: Actor, *, choices: dict[str, Choice], digest_every: str) -> NotificationSettings:
    """Store the agent's choice for every kind and the digest interval."""
    if not actor.is_agent or actor.user_id is None:
        raise NotFound("notification settings")
    if digest_every not in DigestEvery.values:
        raise InvalidInput(_("Choose hourly or daily."), field="digest_every")
    data = {}
    for kind in NotificationKind.values:
        choice = choices.get(kind)
        if choice is None or choice.mail not in MailChoice.values:
            raise InvalidInput(_("Choose how this notification reaches you."), field=kind)
        data[kind] = choice.as_data()
    row, _created = NotificationSettings.objects.update_or_create(
        user_id=actor.user_id, defaults={"choices": data, "digest_every": digest_every}
    )
    return row
