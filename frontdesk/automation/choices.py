from django.db import models
from django.utils.translation import gettext_lazy as _


class MatchMode(models.TextChoices):
    # Every condition must hold (no conditions: always).
    ALL = "all", _("All conditions")
    # At least one condition must hold (no conditions: always).
    ANY = "any", _("Any condition")


class ConditionField(models.TextChoices):
    # The kind of the ticket event (created, customer_message, ...).
    EVENT_KIND = "event_kind", _("Event")
    # The ticket's status now.
    STATUS = "status", _("Status")
    PRIORITY = "priority", _("Priority")
    # How the request arrived.
    CHANNEL = "channel", _("Channel")
    # A category of the brand, by id or path.
    CATEGORY = "category", _("Category")
    # A team, by id or name.
    TEAM = "team", _("Team")
    # The support line (1, 2 or 3).
    LINE = "line", _("Support line")
    # An agent, by id or email, or "none" for an unassigned ticket.
    ASSIGNEE = "assignee", _("Assignee")
    # One tag (contains / does not contain).
    TAGS = "tags", _("Tags")
    SUBJECT = "subject", _("Subject")
    # The text of the event's message (created, customer_message, replied, note_added).
    MESSAGE_TEXT = "message_text", _("Message text")
    # Who wrote the event's message (customer, agent, system); without a message, who acted.
    AUTHOR_KIND = "author_kind", _("Message author")
    CUSTOMER_EMAIL = "customer_email", _("Customer email")
    # The part of the customer's address after the @.
    CUSTOMER_DOMAIN = "customer_domain", _("Customer mail domain")
    # The customer's own tier, else their organization's, else standard.
    CUSTOMER_TIER = "customer_tier", _("Customer tier")
    # An organization of the brand, by id or name, or "none".
    ORGANIZATION = "organization", _("Organization")
    # A request type of the brand, by id or short name, or "none".
    REQUEST_TYPE = "request_type", _("Request type")
    # Whether the event happened within the business hours of the ticket's team, else of the brand (yes/no).
    BUSINESS_HOURS = "business_hours", _("Within business hours")


class YesNo(models.TextChoices):
    YES = "yes", _("yes")
    NO = "no", _("no")


class Operator(models.TextChoices):
    IS = "is", _("is")
    IS_NOT = "is_not", _("is not")
    CONTAINS = "contains", _("contains")
    NOT_CONTAINS = "not_contains", _("does not contain")
    # One of a comma-separated list.
    IN = "in", _("is one of")


class ActionKind(models.TextChoices):
    # A status value; the move must be allowed by the workflow.
    SET_STATUS = "set_status", _("Set status")
    SET_PRIORITY = "set_priority", _("Set priority")
    # A category of the brand by id or path, or "none".
    SET_CATEGORY = "set_category", _("Set category")
    # A team by id or name, or "none".
    SET_TEAM = "set_team", _("Set team")
    # An agent of the brand by id or email, or "none" to unassign.
    ASSIGN = "assign", _("Assign to")
    # Comma-separated tags.
    ADD_TAGS = "add_tags", _("Add tags")
    REMOVE_TAGS = "remove_tags", _("Remove tags")
    # An internal note from a mail template.
    ADD_NOTE = "add_note", _("Add an internal note")
    # A public reply to the customer from a mail template, in the customer's language.
    SEND_REPLY = "send_reply", _("Send a reply to the customer")
    # A webhook endpoint of the brand, by id.
    CALL_WEBHOOK = "call_webhook", _("Call a webhook")


class RunOutcome(models.TextChoices):
    # Every action was carried out.
    DONE = "done", _("Done")
    # An action was refused; nothing of this run was kept.
    FAILED = "failed", _("Failed")
    # Not run: the event came from a chain of triggers that is too long.
    SKIPPED = "skipped", _("Skipped")
