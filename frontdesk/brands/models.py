"""``Brand``: a client company the support provider works for, and the key that isolates its data."""

from __future__ import annotations

import re
import zoneinfo
from functools import cache

from django.core.exceptions import ValidationError
from django.core.validators import RegexValidator, validate_email
from django.db import models
from django.utils.translation import gettext_lazy as _

from frontdesk.core.models import TimestampedModel

# The longest ticket number a format may produce (``Ticket.number`` holds 40 characters).
MAX_TICKET_NUMBER_LENGTH = 40
_PLACEHOLDERS = re.compile(r"^[^{}]*(\{(prefix|yy|yyyy|seq(:0[1-9])?)\}[^{}]*)*$")
_SEQ = re.compile(r"\{seq(:0[1-9])?\}")


def validate_ticket_number_format(value: str) -> None:
    """A format that yields numbers unique across brands and years: it starts with the brand's prefix and a
    separator (prefixes are letters and digits, so no two brands' numbers can meet), has one sequence and
    fits the number column even with a ten-character prefix and a ten-digit sequence."""
    if not _PLACEHOLDERS.match(value):
        raise ValidationError(
            _("Use {prefix}, {yy}, {yyyy} and {seq} or {seq:06}; braces for nothing else."),
            code="placeholders",
        )
    rest = value.removeprefix("{prefix}")
    if rest == value or not rest or rest[0].isalnum() or rest[0] == "{":
        raise ValidationError(
            _("Start with {prefix} followed by a separator such as a dash, e.g. {prefix}-{yy}-{seq:06}."),
            code="prefix",
        )
    if len(_SEQ.findall(value)) != 1:
        raise ValidationError(_("Use {seq} exactly once."), code="seq")
    longest = value.format(prefix="X" * 10, yy="00", yyyy="0000", seq=10**10 - 1)
    if len(longest) > MAX_TICKET_NUMBER_LENGTH:
        raise ValidationError(
            _("Numbers of this format could be longer than %(max)d characters."),
            code="length",
            params={"max": MAX_TICKET_NUMBER_LENGTH},
        )


# Languages a brand may speak to customers in (mail templates exist for each).
MAIL_LANGUAGES = ("en", "ru", "pl")
MAX_SIGNATURE_LENGTH = 2000


def _per_language(value: object, code: str) -> dict[str, str]:
    if not isinstance(value, dict) or not all(isinstance(v, str) for v in value.values()):
        raise ValidationError(
            _('Give an object of texts by language, e.g. {"en": "...", "ru": "..."}.'), code=code
        )
    unknown = sorted(set(value) - set(MAIL_LANGUAGES))
    if unknown:
        raise ValidationError(
            _("Languages are chosen from en, ru and pl (not %(languages)s)."),
            code=code,
            params={"languages": ", ".join(unknown)},
        )
    return value


def validate_mail_from(value: object) -> None:
    """``{"ru": "Служба поддержки <support@x.example>"}``: a display name and an address per language."""
    from email.utils import parseaddr

    for text in _per_language(value, "mail_from").values():
        _name, address = parseaddr(text)
        try:
            validate_email(address)
        except ValidationError:
            raise ValidationError(
                _("%(value)s is not a sender like Support <support@example.com>."),
                code="mail_from",
                params={"value": text},
            ) from None
        if "\n" in text or "\r" in text or len(text) > 254:
            raise ValidationError(_("A sender is one line of at most 254 characters."), code="mail_from")


def validate_mail_signatures(value: object) -> None:
    for text in _per_language(value, "mail_signatures").values():
        if len(text) > MAX_SIGNATURE_LENGTH:
            raise ValidationError(
                _("A signature has at most %(max)d characters."),
                code="mail_signatures",
                params={"max": MAX_SIGNATURE_LENGTH},
            )


@cache
def _time_zones() -> frozenset[str]:
    return frozenset(zoneinfo.available_timezones())


def validate_time_zone(value: str) -> None:
    if value not in _time_zones():
        raise ValidationError(
            _("%(zone)s is not a known time zone."), code="time_zone", params={"zone": value}
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
        validators=[validate_ticket_number_format],
    )
    time_zone = models.CharField(
        _("time zone"), max_length=64, default="UTC", validators=[validate_time_zone]
    )
    logo_url = models.URLField(_("logo"), blank=True)
    primary_color = models.CharField(
        _("primary colour"),
        max_length=7,
        default="#2455a4",
        validators=[RegexValidator(r"^#[0-9a-fA-F]{6}$", _("A colour like #2455a4."))],
    )
    # Mail to customers, per language ("en", "ru", "pl"): the From header and the signature under agent replies
    # and acknowledgements. A language without an entry falls back to the brand's default language, then to
    # the brand name with its first sender address and the templates' own signature.
    mail_from = models.JSONField(
        _("mail sender by language"), default=dict, blank=True, validators=[validate_mail_from]
    )
    mail_signatures = models.JSONField(
        _("mail signature by language"), default=dict, blank=True, validators=[validate_mail_signatures]
    )
    # Shared with the brand's telephone system, which signs its incoming-call notices with it (HMAC-SHA256);
    # empty refuses them.
    call_signing_secret = models.CharField(
        _("telephony signing secret"),
        max_length=128,
        blank=True,
        help_text=_("The telephone system signs incoming-call notices with this secret; empty refuses them."),
    )
    # Automatic follow-up of quiet requests, in days (0: never). A solved request closes after
    # ``auto_close_solved_days``; a request waiting for the customer gets a reminder after
    # ``pending_reminder_days`` and is solved after ``pending_close_days`` more without an answer.
    auto_close_solved_days = models.PositiveSmallIntegerField(
        _("close solved requests after (days)"), default=7, help_text=_("0: never.")
    )
    pending_reminder_days = models.PositiveSmallIntegerField(
        _("remind a customer who has not answered after (days)"), default=3, help_text=_("0: never.")
    )
    pending_close_days = models.PositiveSmallIntegerField(
        _("solve a request still unanswered after the reminder (days)"), default=4, help_text=_("0: never.")
    )
    # The status changes customers are told of by mail (status values, e.g. ["solved", "pending_third_party"]).
    customer_status_mail = models.JSONField(_("status changes mailed to customers"), default=list, blank=True)
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

    def clean(self) -> None:
        # Our own addresses are how incoming mail is recognised as ours (loops): a sender must be one of them.
        from email.utils import parseaddr

        own = {str(a).lower() for a in self.sender_addresses or []}
        for text in (self.mail_from or {}).values() if isinstance(self.mail_from, dict) else ():
            address = parseaddr(str(text))[1].lower()
            if address and address not in own:
                raise ValidationError(
                    {
                        "mail_from": _("%(address)s is not one of the brand's sender addresses.")
                        % {"address": address}
                    }
                )

    @property
    def default_language(self) -> str:
        return self.languages[0] if self.languages else "en"
