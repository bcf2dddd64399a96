"""Enumerations of the live chat."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class SessionState(models.TextChoices):
    # The visitor wrote; the chat waits in the brand's queue for an agent to accept it.
    WAITING = "waiting", _("Waiting")
    # An agent accepted it and is chatting.
    ACTIVE = "active", _("Active")
    # Ended by either side; the transcript is in the ticket.
    ENDED = "ended", _("Ended")


class Sender(models.TextChoices):
    # The visitor on the brand's website.
    VISITOR = "visitor", _("Visitor")
    # An agent in the desk's chat panel.
    AGENT = "agent", _("Agent")
    # Frontdesk itself (accepted, transferred, ended).
    SYSTEM = "system", _("System")


# What a welcome frame says when the visitor has no session yet (not a stored state).
NO_SESSION = "none"
