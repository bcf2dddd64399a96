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


class CustomerTier(models.TextChoices):
    # Most customers; the brand's ordinary service levels.
    STANDARD = "standard", _("Standard")
    # Customers on a paid plan with better service levels.
    PREMIUM = "premium", _("Premium")
    # The brand's most important customers: fastest service levels.
    VIP = "vip", _("VIP")


class AssignmentMode(models.TextChoices):
    # Agents take tickets themselves.
    MANUAL = "manual", _("Manual")
    # New tickets go to the team's agents on shift in turn.
    ROUND_ROBIN = "round_robin", _("Round robin")
    # New tickets go to the agent on shift with the fewest open tickets.
    LOAD = "load", _("Least open tickets")
