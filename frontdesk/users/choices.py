from django.db import models
from django.utils.translation import gettext_lazy as _


class SupportLine(models.IntegerChoices):
    # First line: answers in minutes, resolves most requests.
    FIRST = 1, _("Line 1")
    # Second line: specialists, take escalations with a work log.
    SECOND = 2, _("Line 2")
    # Third line: engineers or the client company's own experts.
    THIRD = 3, _("Line 3")


class AgentRole(models.TextChoices):
    # Works tickets of the brand.
    AGENT = "agent", _("Agent")
    # Also edits the brand's settings and reads its reports.
    BRAND_ADMIN = "brand_admin", _("Brand admin")


class ContactKind(models.TextChoices):
    # An email address, stored lower-cased.
    EMAIL = "email", _("Email")
    # A phone number, stored as digits with a leading +.
    PHONE = "phone", _("Phone")


class ActorKind(models.TextChoices):
    # A person served by a brand.
    CUSTOMER = "customer", _("Customer")
    # Staff of the support provider.
    AGENT = "agent", _("Agent")
    # The system itself: mail ingestion, schedules, automation.
    SYSTEM = "system", _("System")
    # Signed in but serving no brand and served by none.
    NOBODY = "nobody", _("No access")
