"""What a notification says, in the language active when it is called."""

from __future__ import annotations

from django.utils.translation import gettext as _

from frontdesk.notifications.choices import NotificationKind


def headline(kind: str, actor_label: str) -> str:
    who = actor_label or _("Someone")
    if kind == NotificationKind.NEW_IN_TEAM:
        return _("New ticket in your team")
    if kind == NotificationKind.ASSIGNED:
        return _("%(who)s assigned the ticket to you") % {"who": who}
    if kind == NotificationKind.CUSTOMER_REPLIED:
        return _("The customer replied")
    if kind == NotificationKind.MENTIONED:
        return _("%(who)s mentioned you in a note") % {"who": who}
    if kind == NotificationKind.ESCALATED:
        return _("%(who)s escalated the ticket to you") % {"who": who}
    if kind == NotificationKind.SLA_WARNING:
        return _("The service level deadline is near")
    if kind == NotificationKind.SLA_BREACHED:
        return _("The service level deadline has passed")
    return str(kind)
