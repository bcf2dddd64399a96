"""Business-hours calendars in the admin: brand admins set their brands' hours; every value goes through the
same checks as ``sla.actions.save_calendar``."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import admin

from frontdesk.core.errors import DomainError
from frontdesk.sla.calendars import as_json, describe_weekly, parse_settings
from frontdesk.sla.models import Calendar
from frontdesk.users.admin import BrandScopedAdmin


class CalendarForm(forms.ModelForm):  # type: ignore[type-arg]
    ical_url = forms.URLField(
        required=False, assume_scheme="https", label=Calendar._meta.get_field("ical_url").verbose_name
    )

    class Meta:
        model = Calendar
        fields = [
            "brand",
            "team",
            "name",
            "time_zone",
            "always_open",
            "weekly_hours",
            "holiday_country",
            "holiday_subdivision",
            "closed_dates",
            "special_hours",
            "ical_url",
            "ical_text",
        ]

    def clean(self) -> dict[str, Any]:
        data: dict[str, Any] = super().clean() or {}
        if self.errors:
            return data
        team, brand = data.get("team"), data.get("brand")
        if team is not None and brand is not None and team.brand_id != brand.pk:
            self.add_error("team", "The team does not belong to this brand.")
            return data
        data["holiday_country"] = (data.get("holiday_country") or "").strip().upper()
        data["holiday_subdivision"] = (data.get("holiday_subdivision") or "").strip().upper()
        try:
            parsed = parse_settings(
                time_zone=data["time_zone"],
                always_open=bool(data.get("always_open")),
                weekly_hours=data.get("weekly_hours") or {},
                holiday_country=data["holiday_country"],
                holiday_subdivision=data["holiday_subdivision"],
                closed_dates=data.get("closed_dates") or [],
                special_hours=data.get("special_hours") or {},
                ical_text=data.get("ical_text") or "",
            )
        except DomainError as error:
            field = error.field if error.field in self.fields else None
            self.add_error(field, error.detail)
            return data
        data["weekly_hours"] = describe_weekly(parsed.weekly)
        data["closed_dates"] = as_json(parsed.closed_dates)
        data["special_hours"] = as_json(dict(parsed.special_hours))
        return data


@admin.register(Calendar)
class CalendarAdmin(BrandScopedAdmin):
    form = CalendarForm
    list_display = ("name", "brand", "team", "time_zone", "always_open", "holiday_country")
    list_select_related = ("brand", "team")
    readonly_fields = ("ical_read_at", "ical_error")
