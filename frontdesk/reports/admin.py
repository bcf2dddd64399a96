"""Admin: a brand's monthly report subscriptions (who gets last month's report by mail, in which language, from
which day of the month). Scoped like every admin page: brand admins see and edit their brands' rows only."""

from __future__ import annotations

import re

from django import forms
from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from frontdesk.reports.models import ReportSubscription, validate_recipients
from frontdesk.users.admin import BrandScopedAdmin

_SEPARATORS = re.compile(r"[\s,;]+")


class RecipientsField(forms.CharField):
    """Addresses one per line (commas and semicolons also separate them), kept as a list, each once."""

    widget = forms.Textarea(attrs={"rows": 4})

    def prepare_value(self, value: object) -> object:
        if isinstance(value, list):
            return "\n".join(str(address) for address in value)
        return value

    def to_python(self, value: object) -> list[str]:  # type: ignore[override]
        text = super().to_python(value)
        addresses = [part.lower() for part in _SEPARATORS.split(text or "") if part]
        return list(dict.fromkeys(addresses))

    def validate(self, value: object) -> None:
        validate_recipients(value)


class ReportSubscriptionForm(forms.ModelForm):  # type: ignore[type-arg]
    recipients = RecipientsField(
        label=_("recipients"),
        help_text=_("The addresses that get the report, one per line."),
    )

    class Meta:
        model = ReportSubscription
        fields = ("brand", "recipients", "language", "day_of_month", "is_active")
        help_texts = {
            "day_of_month": _(
                "Last month's report goes out on this day (1 to 28) in the brand's time zone, or at the next "
                "run after it."
            ),
            "language": _("The language of the mail and of the spreadsheet."),
        }


@admin.register(ReportSubscription)
class ReportSubscriptionAdmin(BrandScopedAdmin):
    form = ReportSubscriptionForm
    list_display = ("brand", "addresses", "language", "day_of_month", "is_active", "last_sent_month")
    list_filter = ("is_active", "language")
    list_select_related = ("brand",)
    readonly_fields = ("last_sent_month", "last_sent_at")

    @admin.display(description=_("recipients"))
    def addresses(self, obj: ReportSubscription) -> str:
        return ", ".join(obj.recipients or [])
