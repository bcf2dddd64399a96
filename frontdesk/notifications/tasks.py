"""Background work of notifications: the agents' digests."""

from __future__ import annotations

import logging
from datetime import datetime, timedelta

from django.db import transaction
from django.db.models import Q
from django.utils import timezone, translation

from frontdesk.core.schedules import scheduled
from frontdesk.mail.agent_mail import DigestLine, agent_language, plan_digest, queue_agent_mail
from frontdesk.notifications.choices import DigestEvery, MailChoice
from frontdesk.notifications.models import Notification, NotificationSettings
from frontdesk.notifications.preferences import DIGEST_PERIODS
from frontdesk.notifications.queries import on_tickets_seen_by
from frontdesk.notifications.texts import headline
from frontdesk.users.actors import actor_for

logger = logging.getLogger(__name__)

# Most notifications listed in one digest (the rest wait for the next one).
DIGEST_LIMIT = 100


@scheduled("notifications.send_digests", every=timedelta(minutes=5))
def send_digests() -> list[int]:
    """One digest mail to each agent whose notifications wait for one and whose period has passed since
    their last digest. Returns the users a digest went to."""
    now = timezone.now()
    waiting = sorted(
        Notification.objects.filter(mail=MailChoice.DIGEST, digested_at__isnull=True)
        .order_by()
        .values_list("user_id", flat=True)
        .distinct()
    )
    if not waiting:
        return []
    NotificationSettings.objects.bulk_create(
        [NotificationSettings(user_id=user_id) for user_id in waiting], ignore_conflicts=True
    )
    sent = []
    for user_id, every in NotificationSettings.objects.filter(user_id__in=waiting).values_list(
        "user_id", "digest_every"
    ):
        try:
            if send_digest(user_id, every=every, now=now):
                sent.append(user_id)
        except Exception:  # one agent's digest must not stop the others
            logger.exception("The digest of user %s failed", user_id)
    return sent


def send_digest(user_id: int, *, every: str, now: datetime) -> bool:
    """The digest of one agent, if due: the period is claimed by a conditional UPDATE of ``last_digest_at``, so
    two workers never send it twice, and each notification goes into one digest only."""
    period = DIGEST_PERIODS.get(DigestEvery(every) if every in DigestEvery.values else DigestEvery.DAILY)
    assert period is not None
    with transaction.atomic():
        due = Q(last_digest_at__isnull=True) | Q(last_digest_at__lte=now - period)
        if NotificationSettings.objects.filter(due, user_id=user_id).update(last_digest_at=now) != 1:
            return False
        pending = list(
            Notification.objects.filter(user_id=user_id, mail=MailChoice.DIGEST, digested_at__isnull=True)
            .select_related("user", "ticket", "brand")
            .order_by("created_at", "id")[:DIGEST_LIMIT]
        )
        if not pending:
            return False
        taken = Notification.objects.filter(pk__in=[n.pk for n in pending], digested_at__isnull=True).update(
            digested_at=now
        )
        if taken != len(pending):  # another worker took some of them: leave this period to it
            transaction.set_rollback(True)
            return False
        # What the agent read in the desk meanwhile is not mailed again, nor what they may no longer see.
        user = pending[0].user
        seen = set(
            on_tickets_seen_by(actor_for(user), Notification.objects.filter(pk__in=[n.pk for n in pending]))
            .order_by()
            .values_list("pk", flat=True)
        )
        unread = [n for n in pending if n.read_at is None and n.pk in seen]
        if not unread:
            return False
        language = agent_language(user, unread[-1].brand)
        with translation.override(language):
            lines = [
                DigestLine(
                    number=n.ticket.number, subject=n.ticket.subject, headline=headline(n.kind, n.actor_label)
                )
                for n in unread
            ]
        if not user.email or not user.is_active:
            return False
        outbound = plan_digest(user=user, brand_id=unread[-1].brand_id, language=language, lines=lines)
        Notification.objects.filter(pk__in=[n.pk for n in unread]).update(mailed_at=now)
        queue_agent_mail([outbound])
    return True
