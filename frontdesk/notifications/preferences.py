"""What reaches an agent how: the defaults, and an agent's own choices on top of them."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from frontdesk.notifications.choices import DigestEvery, MailChoice, NotificationKind


@dataclass(frozen=True)
class Choice:
    in_app: bool
    mail: MailChoice

    @property
    def wanted(self) -> bool:
        return self.in_app or self.mail != MailChoice.NEVER

    def as_data(self) -> dict[str, Any]:
        return {"in_app": self.in_app, "mail": str(self.mail)}


# Work put in the agent's hands is mailed at once; news about work they may pick up is shown in the desk only.
DEFAULTS: dict[str, Choice] = {
    NotificationKind.NEW_IN_TEAM: Choice(in_app=True, mail=MailChoice.NEVER),
    NotificationKind.ASSIGNED: Choice(in_app=True, mail=MailChoice.IMMEDIATELY),
    NotificationKind.CUSTOMER_REPLIED: Choice(in_app=True, mail=MailChoice.NEVER),
    NotificationKind.MENTIONED: Choice(in_app=True, mail=MailChoice.IMMEDIATELY),
    NotificationKind.ESCALATED: Choice(in_app=True, mail=MailChoice.IMMEDIATELY),
    NotificationKind.SLA_WARNING: Choice(in_app=True, mail=MailChoice.IMMEDIATELY),
    NotificationKind.SLA_BREACHED: Choice(in_app=True, mail=MailChoice.IMMEDIATELY),
}

DIGEST_PERIODS = {DigestEvery.HOURLY: timedelta(hours=1), DigestEvery.DAILY: timedelta(days=1)}


def choice_for(stored: object, kind: str) -> Choice:
    """The agent's choice for ``kind`` from their stored ``choices`` (anything malformed counts as unset)."""
    default = DEFAULTS[kind]
    entry = stored.get(kind) if isinstance(stored, dict) else None
    if not isinstance(entry, dict):
        return default
    in_app = entry.get("in_app")
    mail = entry.get("mail")
    return Choice(
        in_app=in_app if isinstance(in_app, bool) else default.in_app,
        mail=MailChoice(mail) if mail in MailChoice.values else default.mail,
    )


def all_choices(stored: object) -> dict[str, Choice]:
    return {kind: choice_for(stored, kind) for kind in NotificationKind.values}
