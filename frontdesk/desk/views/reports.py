"""The reports dashboard: a brand admin sees their brand's numbers, a provider admin every brand's; date range
and filters live in the URL so a view can be shared; each table exports as CSV, the whole report as XLSX."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django import forms
from django.http import HttpRequest, HttpResponse
from django.template.response import TemplateResponse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_GET

from frontdesk.core.errors import DomainError, NotFound
from frontdesk.desk.views.access import agent_view
from frontdesk.reports.exports import report_xlsx, table_csv
from frontdesk.reports.summary import Report, build_report, report_brands, report_scope
from frontdesk.tickets.choices import Channel, Priority
from frontdesk.users.actors import Actor

CHART_WIDTH, CHART_HEIGHT = 720, 160


def last_month(today: dt.date) -> tuple[dt.date, dt.date]:
    first_of_this = today.replace(day=1)
    last = first_of_this - dt.timedelta(days=1)
    return last.replace(day=1), last


class ReportForm(forms.Form):
    brand = forms.ChoiceField(label=_("Brand"), required=False)
    # A date input takes ISO dates whatever the language.
    start = forms.DateField(
        label=_("From"), required=False, widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
    )
    end = forms.DateField(
        label=_("To"), required=False, widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
    )
    channel = forms.ChoiceField(
        label=_("Channel"), required=False, choices=[("", _("All")), *Channel.choices]
    )
    priority = forms.ChoiceField(
        label=_("Priority"), required=False, choices=[("", _("All")), *Priority.choices]
    )
    line = forms.TypedChoiceField(
        label=_("Highest line"),
        required=False,
        coerce=int,
        empty_value=None,
        choices=[("", _("All")), ("1", "1"), ("2", "2"), ("3", "3")],
    )

    def __init__(self, *args: Any, brands: list[Any], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        choices = [(brand.slug, brand.name) for brand in brands]
        self.fields["brand"].choices = [("", _("All brands")), *choices] if len(choices) > 1 else choices


def _chart(report: Report) -> dict[str, Any]:
    """Bars of created and solved requests per day, drawn on the server as SVG geometry."""
    days = report.trend
    if not days:
        return {"bars": [], "width": CHART_WIDTH, "height": CHART_HEIGHT, "top": 0}
    top = max(max(created, solved) for _day, created, solved in days) or 1
    step = CHART_WIDTH / len(days)
    bar = max(step / 2 - 1, 1)
    bars = []
    for index, (day, created, solved) in enumerate(days):
        x = index * step
        for offset, value, kind in ((0, created, "created"), (bar, solved, "solved")):
            height = CHART_HEIGHT * value / top
            bars.append(
                {
                    "x": round(x + offset, 2),
                    "y": round(CHART_HEIGHT - height, 2),
                    "w": round(bar, 2),
                    "h": round(height, 2),
                    "kind": kind,
                    "label": f"{day.isoformat()}: {value}",
                }
            )
    return {"bars": bars, "width": CHART_WIDTH, "height": CHART_HEIGHT, "top": top}


def _report(request: HttpRequest, actor: Actor) -> tuple[ReportForm, Report | None, int]:
    brands = report_brands(actor)
    if not brands:
        raise NotFound("report")
    form = ReportForm(request.GET or None, brands=brands)
    if request.GET and not form.is_valid():
        return form, None, 422
    data = form.cleaned_data if request.GET else {}
    first, last = last_month(timezone.localdate())
    try:
        scope, zone, chosen = report_scope(
            actor,
            brand_slug=data.get("brand") or ("" if len(brands) > 1 else brands[0].slug),
            first_day=data.get("start") or first,
            last_day=data.get("end") or last,
            channel=data.get("channel") or "",
            priority=data.get("priority") or "",
            line=data.get("line"),
        )
    except NotFound:
        raise
    except DomainError as refused:
        form.add_error(refused.field if refused.field in form.fields else None, refused.detail)
        return form, None, 422
    if not request.GET:
        form = ReportForm(
            initial={"brand": brands[0].slug if len(brands) == 1 else "", "start": first, "end": last},
            brands=brands,
        )
    return form, build_report(scope, zone=zone, brands=chosen), 200


@require_GET
@agent_view
def reports_page(request: HttpRequest, actor: Actor) -> HttpResponse:
    form, report, status = _report(request, actor)
    context = {
        "form": form,
        "report": report,
        "chart": _chart(report) if report else None,
        "query": request.GET.urlencode(),
        "first_day": report.scope.start.astimezone(report.zone).date() if report else None,
        "last_day": (report.scope.end.astimezone(report.zone) - dt.timedelta(seconds=1)).date()
        if report
        else None,
    }
    return TemplateResponse(request, "desk/reports.html", context, status=status)


@require_GET
@agent_view
def reports_export(request: HttpRequest, actor: Actor, fmt: str) -> HttpResponse:
    if fmt not in ("csv", "xlsx"):
        raise NotFound("export")
    form, report, _status = _report(request, actor)
    if report is None:
        return HttpResponse(
            " ".join(str(e) for errors in form.errors.values() for e in errors),
            status=422,
            content_type="text/plain; charset=utf-8",
        )
    stamp = f"{report.scope.start.astimezone(report.zone).date()}_{(report.scope.end.astimezone(report.zone) - dt.timedelta(seconds=1)).date()}"
    if fmt == "xlsx":
        response = HttpResponse(
            report_xlsx(report),
            content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        )
        response["Content-Disposition"] = f'attachment; filename="report_{stamp}.xlsx"'
        return response
    table = report.table(request.GET.get("table", "figures"))
    response = HttpResponse(table_csv(table), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{table.key}_{stamp}.csv"'
    response["X-Content-Type-Options"] = "nosniff"
    return response
