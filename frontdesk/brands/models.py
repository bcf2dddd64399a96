"""``Brand``: a client company the support provider works for, and the key that isolates its data."""

from __future__ import annotations

from django.core.validators import RegexValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from frontdesk.core.models import TimestampedModel

number_format_validator = RegexValidator(
    r"^[^{}]*(\{(prefix|yy|yyyy|seq(:0[1-9])?)\}[^{}]*)*$",
    _("Use {prefix}, {yy}, {yyyy} and {seq} or {seq:06}; braces for nothing else."),
)


class Brand(TimestampedModel):
    name = models.CharField(_("name"), max_length=200)
    slug = models.SlugField(_("slug"), max_length=50, unique=True)
    # Languages offered to customers, in order of preference; the first is the default.
    languages = models.JSONField(_("languages"), default=list)
    # Addresses mail is sent from and received at, e.g. ["support@opera.example"].
    sender_addresses = models.JSONField(_("sender addresses"), default=list, blank=True)
    portal_host = models.CharField(_("portal host"), max_length=200, blank=True)
    ticket_prefix = models.CharField(
        _("ticket prefix"),
        max_length=10,
        validators=[RegexValidator(r"^[A-Z0-9]{1,10}$", _("Capital letters and digits only."))],
    )
    ticket_number_format = models.CharField(
        _("ticket number format"),
        max_length=60,
        default="{prefix}-{yy}-{seq:06}",
        validators=[number_format_validator],
    )
    time_zone = models.CharField(_("time zone"), max_length=64, default="UTC")
    logo_url = models.URLField(_("logo"), blank=True)
    primary_color = models.CharField(
        _("primary colour"),
        max_length=7,
        default="#2455a4",
        validators=[RegexValidator(r"^#[0-9a-fA-F]{6}$", _("A colour like #2455a4."))],
    )
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("brand")
        verbose_name_plural = _("brands")
        constraints = [
            models.UniqueConstraint(fields=["ticket_prefix"], name="brand_ticket_prefix_unique"),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def default_language(self) -> str:
        return self.languages[0] if self.languages else "en"
