"""The brand's admin form with the status changes mailed to customers (``Brand.customer_status_mail``) as
check boxes instead of raw JSON. Registered on the brand's admin page by ``mail/admin.py`` (the users app,
which owns that page, sits below mail and does not know ticket statuses)."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from frontdesk.brands.models import Brand
from frontdesk.mail.status_mail import MAILABLE_STATUSES


class BrandMailForm(forms.ModelForm):  # type: ignore[type-arg]
    """``customer_status_mail`` as a multiple choice of the statuses a request can move into; anything else is
    refused. Saved in the order of the workflow, each status once."""

    customer_status_mail = forms.MultipleChoiceField(
        label=_("status changes mailed to customers"),
        choices=[(status.value, status.label) for status in MAILABLE_STATUSES],
        widget=forms.CheckboxSelectMultiple,
        required=False,
        help_text=_(
            "The customer gets a mail in their language when an agent or the system moves their request into "
            "one of these statuses; not for a change they made themselves or one sent together with a reply. "
            "On solving, the rating request goes out instead of the Solved mail (the Solved mail only when "
            "the request was rated already)."
        ),
    )

    class Meta:
        model = Brand
        fields = ("customer_status_mail",)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        stored = self.instance.customer_status_mail if self.instance.pk else []
        if "customer_status_mail" in self.fields and not self.is_bound:
            self.initial["customer_status_mail"] = [
                value for value in (stored if isinstance(stored, list) else []) if isinstance(value, str)
            ]

    def clean_customer_status_mail(self) -> list[str]:
        # The field has refused any value that is not one of the choices.
        chosen = set(self.cleaned_data.get("customer_status_mail") or [])
        return [status.value for status in MAILABLE_STATUSES if status.value in chosen]
