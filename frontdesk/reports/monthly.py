"""The monthly report by mail: each active ``ReportSubscription`` gets the report of the previous calendar month
(in the brand's time zone) once, with the headline figures in the mail and every table in an XLSX attachment.

A month is claimed by a conditional UPDATE of ``last_sent_month`` in the same transaction that inserts the mail
rows, so two workers, a retry or a restart never send it twice, and a rolled-back run leaves the month unsent
for the next run. Only the latest finished month is due: a worker that was down over a month boundary sends
that month when it comes back, not a backlog. Sending goes through the mail queue (retries, the send log).
"""

from __future__ import annotations

import calendar
import datetime as dt
import logging
from dataclasses import dataclass
from urllib.parse import urlencode
from zoneinfo import ZoneInfo

from django.conf import settings
from django.db import transaction
from django.db.models import Q
from django.utils import timezone, translation
from django.utils.formats import number_format
from django.utils.translation import gettext as _

from frontdesk.brands.models import Brand
from frontdesk.mail.report_mail import ReportFile, plan_report_mail, queue_report_mail
from frontdesk.reports import measures
from frontdesk.reports.exports import report_xlsx
from frontdesk.reports.measures import Share
from frontdesk.reports.models import ReportSubscription
from frontdesk.reports.summary import Figure, build_report, report_scope
from frontdesk.users.actors import SYSTEM

logger = logging.getLogger(__name__)

# The dashboard's figures that go into the mail's text, in this order.
MAIL_FIGURES = (
    "created",
    "solved",
    "backlog",
    "first_response_median",
    "resolution_median",
    "line_one",
    "escalated",
    "reopened",
)


def previous_month(today: dt.date) -> tuple[dt.date, dt.date]:
    """The first and the last day of the calendar month before ``today``'s."""
    last = today.replace(day=1) - dt.timedelta(days=1)
    return last.replace(day=1), last


def due_month(subscription: ReportSubscription, now: dt.datetime) -> dt.date | None:
    """The first day of the month whose report ``subscription`` is due to get at ``now``, or None: the month
    before the current one in the brand's time zone, from the subscription's day of the month on, unless sent."""
    today = now.astimezone(ZoneInfo(subscription.brand.time_zone)).date()
    if today.day < subscription.day_of_month:
        return None
    month, _last = previous_month(today)
    if subscription.last_sent_month is not None and subscription.last_sent_month >= month:
        return None
    return month


@dataclass(frozen=True)
class MonthlyContent:
    """What one month's mail carries: its context for ``mail/monthly_report`` and the spreadsheet."""

    context: dict[str, object]
    attachment: ReportFile


def _value(figure: Figure) -> str:
    """The figure as the mail shows it, with the decimal separator of the active language."""
    if figure.value is None:
        return "—"
    if figure.unit == "%":
        return f"{number_format(figure.value, 1)} %"
    if figure.unit == "min":
        return _("%(minutes)s min") % {"minutes": number_format(figure.value, 1)}
    return str(number_format(figure.value))


def _share_figure(key: str, label: str, share: Share) -> Figure:
    return Figure(key, label, None if share.ratio is None else round(100 * share.ratio, 1), None, "%")


def monthly_content(brand: Brand, month: dt.date, *, language: str) -> MonthlyContent:
    """The report of the calendar month starting ``month`` for ``brand``, in ``language``."""
    last_day = month.replace(day=calendar.monthrange(month.year, month.month)[1])
    with translation.override(language):
        scope, zone, chosen = report_scope(SYSTEM, brand_slug=brand.slug, first_day=month, last_day=last_day)
        report = build_report(scope, zone=zone, brands=chosen)
        by_key = {figure.key: figure for figure in report.figures}
        figures = [by_key[key] for key in MAIL_FIGURES if key in by_key]
        figures += [
            _share_figure("satisfaction", _("Good ratings"), measures.satisfaction(scope)),
            _share_figure("within_sla", _("Within the service level"), measures.within_service_level(scope)),
        ]
        lines = [{"key": f.key, "label": str(f.label), "value": _value(f)} for f in figures]
        content = report_xlsx(report)
    filename = f"report-{brand.slug}-{month:%Y-%m}.xlsx"
    query = urlencode({"brand": brand.slug, "start": month.isoformat(), "end": last_day.isoformat()})
    return MonthlyContent(
        context={
            "month_start": month,
            "first_day": month,
            "last_day": last_day,
            "time_zone": zone.key,
            "figures": lines,
            "filename": filename,
            "reports_url": f"{settings.SITE_URL.rstrip('/')}/desk/reports/?{query}",
        },
        attachment=ReportFile(filename=filename, content=content),
    )


def send_monthly_report(subscription_id: int, *, month: dt.date, now: dt.datetime | None = None) -> bool:
    """Mail the report of ``month`` to the subscription's recipients unless it went out already; True when this
    call sent it. The report is built before the claim (it takes a while, and no lock is held meanwhile); the
    claim and the mail rows commit together."""
    now = now or timezone.now()
    subscription = ReportSubscription.objects.select_related("brand").get(pk=subscription_id)
    if not subscription.is_active or (
        subscription.last_sent_month is not None and subscription.last_sent_month >= month
    ):
        return False
    content = monthly_content(subscription.brand, month, language=subscription.language)
    with transaction.atomic():
        unsent = Q(last_sent_month__isnull=True) | Q(last_sent_month__lt=month)
        claimed = ReportSubscription.objects.filter(unsent, pk=subscription_id, is_active=True).update(
            last_sent_month=month, last_sent_at=now
        )
        if claimed != 1:
            return False
        rows = plan_report_mail(
            brand=subscription.brand,
            recipients=subscription.recipients,
            language=subscription.language,
            context=content.context,
            attachment=content.attachment,
        )
        queue_report_mail(rows)
    return True


def send_monthly_reports(now: dt.datetime | None = None) -> list[int]:
    """Mail every due monthly report; returns the subscriptions whose report this call sent."""
    now = now or timezone.now()
    sent = []
    subscriptions = ReportSubscription.objects.filter(is_active=True, brand__is_active=True).select_related(
        "brand"
    )
    for subscription in subscriptions:
        month = due_month(subscription, now)
        if month is None:
            continue
        try:
            if send_monthly_report(subscription.pk, month=month, now=now):
                sent.append(subscription.pk)
        except Exception:  # one brand's report must not stop the others; the month stays due
            logger.exception("The monthly report of subscription %s failed", subscription.pk)
    return sent
