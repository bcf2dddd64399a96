"""Business-hours calendars in the admin: brand admins set their brands' hours; every value goes through the
same checks as ``sla.actions.save_calendar``."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import admin
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from frontdesk.core.errors import DomainError
from frontdesk.core.work import enqueue_on_commit
from frontdesk.sla.calendars import MAX_ICAL_BYTES, as_json, describe_weekly, parse_settings
from frontdesk.sla.models import Calendar
from frontdesk.sla.tasks import read_ical_feed_task
from frontdesk.users.admin import BrandScopedAdmin


class CalendarForm(forms.ModelForm):  # type: ignore[type-arg]
    ical_url = forms.URLField(
        required=False, assume_scheme="https", label=Calendar._meta.get_field("ical_url").verbose_name
    )
    ical_file = forms.FileField(
        required=False,
        label=_("iCal file"),
        help_text=_("An .ics file of closures; it replaces the iCal data below."),
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
            self.add_error("team", _("The team does not belong to this brand."))
            return data
        upload = data.get("ical_file")
        if upload is not None:
            if upload.size > MAX_ICAL_BYTES:
                self.add_error("ical_file", _("The iCal data is larger than 2 MB."))
                return data
            data["ical_text"] = upload.read().decode("utf-8", errors="replace")
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

    def save_model(self, request: HttpRequest, obj: Calendar, form: Any, change: bool) -> None:
        if "ical_text" in form.changed_data or "ical_file" in form.changed_data:
            obj.ical_read_at = timezone.now() if obj.ical_text.strip() else None
            obj.ical_error = ""
        super().save_model(request, obj, form, change)
        if obj.ical_url and ("ical_url" in form.changed_data or not change):
            # The feed is read by the worker, not in this request; the page shows when it was read.
            enqueue_on_commit(read_ical_feed_task, obj.pk)
