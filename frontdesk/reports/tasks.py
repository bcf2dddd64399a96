"""Background work of the reports app: the monthly report by mail."""

from __future__ import annotations

from datetime import timedelta

from frontdesk.core.schedules import scheduled
from frontdesk.reports.monthly import send_monthly_reports


@scheduled("reports.send_monthly_reports", every=timedelta(hours=1))
def send_due_monthly_reports() -> list[int]:
    """Hourly: a brand's time zone may start its month at any hour, and a month is sent once (claimed)."""
    return send_monthly_reports()
