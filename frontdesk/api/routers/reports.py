"""Reports for BI tools: the dashboard's figures and tables for a period, scoped like the dashboard."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from ninja import Query, Router

from frontdesk.api.auth import current_actor
from frontdesk.api.idempotency import json_response
from frontdesk.api.routers.common import refuse_unknown_params
from frontdesk.api.schemas.reports import ReportIn, ReportOut
from frontdesk.reports.summary import build_report, report_scope

router = Router(tags=["reports"])


@router.get(
    "/summary",
    response={200: ReportOut},
    summary="Report for a period",
    description=(
        "Requests created and solved, first response and resolution times (business minutes: average, "
        "median, 90th percentile), the share solved on line 1, escalations, reopens and one-touch "
        "resolutions, each with the period before, and the tables per channel, category, line, agent and "
        "day; positive, neutral and negative social mentions (figures `social_positive`, `social_neutral`, "
        "`social_negative`; table `social`: per brand and day). Brand admins read their brands, provider "
        "admins every brand; others get 404."
    ),
)
def report_summary(request: HttpRequest, params: Query[ReportIn]) -> HttpResponse:
    actor = current_actor(request)
    refuse_unknown_params(request, ReportIn)
    scope, zone, brands = report_scope(
        actor,
        brand_slug=params.brand,
        first_day=params.start,
        last_day=params.end,
        channel=params.channel,
        priority=params.priority,
        line=params.line,
        team_id=params.team,
    )
    report = build_report(scope, zone=zone, brands=brands)
    body = {
        "brands": [brand.slug for brand in brands],
        "time_zone": zone.key,
        "start": scope.start.isoformat(),
        "end": scope.end.isoformat(),
        "figures": [
            {"key": f.key, "label": f.label, "value": f.value, "previous": f.previous, "unit": f.unit}
            for f in report.figures
        ],
        "tables": [
            {"key": t.key, "title": t.title, "columns": t.columns, "rows": t.rows} for t in report.tables
        ],
    }
    return json_response(200, body)
