"""The portal's forms, with explicit fields."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from frontdesk.tickets.message_forms import MessageFormMixin, MultipleFileField

STATUS_OPEN, STATUS_SOLVED, STATUS_ALL = "open", "solved", "all"
SCOPE_MINE, SCOPE_ORGANIZATION = "mine", "organization"
MAX_QUERY = 200


class RequestFilterForm(forms.Form):
    """The filters of "My requests". Bad values fall back to the defaults rather than fail the page."""

    status = forms.ChoiceField(
        label=_("Status"),
        required=False,
        choices=[
            (STATUS_OPEN, pgettext_lazy("request filter", "Open")),
            (STATUS_SOLVED, _("Solved or closed")),
            (STATUS_ALL, _("All")),
        ],
    )
    q = forms.CharField(label=_("Number or subject"), required=False, max_length=MAX_QUERY, strip=True)
    scope = forms.ChoiceField(
        label=_("Show"),
        required=False,
        choices=[(SCOPE_MINE, _("My requests")), (SCOPE_ORGANIZATION, _("My organization's requests"))],
    )
    before = forms.IntegerField(required=False, min_value=1, max_value=2**63 - 1, widget=forms.HiddenInput)

    def values(self) -> dict[str, Any]:
        """The valid filters, the defaults for anything else."""
        self.is_valid()
        data = getattr(self, "cleaned_data", {})
        return {
            "status": data.get("status") or STATUS_OPEN if "status" not in self.errors else STATUS_OPEN,
            "q": data.get("q") or "",
            "scope": data.get("scope") or SCOPE_MINE if "scope" not in self.errors else SCOPE_MINE,
            "before": data.get("before") if "before" not in self.errors else None,
        }


class ReplyForm(MessageFormMixin):
    """The customer's answer on their request, with attachments."""

    body = forms.CharField(
        label=_("Your message"),
        widget=forms.Textarea(attrs={"rows": 6}),
        strip=False,
        error_messages={"required": _("Write a message first.")},
    )
    attachments = MultipleFileField(label=_("Attachments"), required=False)


class LookupForm(forms.Form):
    """Status by number: the request's number and the address it was filed with."""

    number = forms.CharField(label=_("Request number"), max_length=40, strip=True)
    email = forms.EmailField(label=_("Your email address"), max_length=254)

    def clean_number(self) -> str:
        return str(self.cleaned_data["number"]).strip().upper()
