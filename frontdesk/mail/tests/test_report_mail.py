"""The monthly report's mail: a row per recipient with the spreadsheet stored in it, sent and retried by the
ordinary send path with the same file, skipped for a suppressed address."""

from __future__ import annotations

import datetime as dt
import smtplib
from datetime import timedelta

import pytest
from django.core import mail
from django.utils import timezone

from frontdesk.mail import outbound as outbound_module
from frontdesk.mail.choices import OutboundKind, OutboundStatus
from frontdesk.mail.models import OutboundMessage, Suppression
from frontdesk.mail.outbound import send_outbound
from frontdesk.mail.report_mail import XLSX, ReportFile, plan_report_mail, queue_report_mail
from frontdesk.mail.tasks import sweep_mail

pytestmark = pytest.mark.django_db

FILE = ReportFile(filename="report-opera-2026-11.xlsx", content=b"PK\x03\x04 not really a workbook \x00\xff")


def _context() -> dict[str, object]:
    return {
        "month_start": dt.date(2026, 11, 1),
        "first_day": dt.date(2026, 11, 1),
        "last_day": dt.date(2026, 11, 30),
        "time_zone": "Europe/Warsaw",
        "figures": [{"key": "created", "label": "Requests created", "value": "12"}],
        "filename": FILE.filename,
        "reports_url": "https://desk.example/desk/reports/?brand=opera",
    }


def _plan(cast, recipients, language="en"):
    return plan_report_mail(
        brand=cast.opera.brand, recipients=recipients, language=language, context=_context(), attachment=FILE
    )


def test_one_report_mail_per_recipient_goes_out_with_the_spreadsheet(
    cast, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        rows = _plan(cast, ["Boss@Opera.example", "cfo@opera.example", "boss@opera.example"])
        queue_report_mail(rows)

    assert sorted(row.recipient for row in rows) == ["boss@opera.example", "cfo@opera.example"]
    assert {row.kind for row in rows} == {OutboundKind.REPORT}
    assert all(row.ticket_id is None and row.event_id is None for row in rows)
    assert sorted(m.to[0] for m in mail.outbox) == ["boss@opera.example", "cfo@opera.example"]
    sent = mail.outbox[0]
    assert sent.subject == f"Monthly report of {cast.opera.brand.name}: November 2026"
    assert "Requests created: 12" in sent.body
    assert sent.attachments == [(FILE.filename, FILE.content, XLSX)]
    message = sent.message()
    assert message["Auto-Submitted"] == "auto-generated"
    assert message["X-Frontdesk-Ticket"] is None
    assert message["Reply-To"] is None
    assert OutboundMessage.objects.filter(status=OutboundStatus.SENT).count() == 2


@pytest.mark.parametrize(
    ("language", "subject", "line"),
    [
        ("ru", "Ежемесячный отчёт", "Основные показатели"),
        ("pl", "Raport miesięczny", "najważniejsze liczby"),
    ],
)
def test_the_report_mail_is_written_in_the_subscriptions_language(cast, language, subject, line):
    [row] = _plan(cast, ["boss@opera.example"], language)

    assert row.language == language
    assert row.subject.startswith(subject)
    assert line in row.body_text
    assert line in row.body_html


def test_a_failed_report_mail_is_retried_with_the_same_file(cast, monkeypatch):
    [row] = _plan(cast, ["boss@opera.example"])

    def failing_send(self, fail_silently=False):
        raise smtplib.SMTPServerDisconnected("gone")

    monkeypatch.setattr(outbound_module.EmailMultiAlternatives, "send", failing_send)
    assert send_outbound(row.pk) == OutboundStatus.PENDING
    monkeypatch.undo()
    row.refresh_from_db()
    assert row.attempts == 1
    assert "gone" in row.last_error
    assert mail.outbox == []

    OutboundMessage.objects.filter(pk=row.pk).update(next_attempt_at=timezone.now() - timedelta(seconds=1))
    sweep_mail.call_local()

    row.refresh_from_db()
    assert row.status == OutboundStatus.SENT
    [sent] = mail.outbox
    assert sent.attachments == [(FILE.filename, FILE.content, XLSX)]
    assert sent.extra_headers["Message-ID"] == f"<{row.message_id}>"


def test_a_suppressed_address_gets_no_report(cast, django_capture_on_commit_callbacks):
    Suppression.objects.create(
        brand=cast.opera.brand,
        address="gone@opera.example",
        until=timezone.now() + timedelta(days=30),
        reason="550",
    )

    with django_capture_on_commit_callbacks(execute=True):
        queue_report_mail(_plan(cast, ["gone@opera.example", "boss@opera.example"]))

    assert [m.to for m in mail.outbox] == [["boss@opera.example"]]
    skipped = OutboundMessage.objects.get(recipient="gone@opera.example")
    assert (skipped.status, skipped.reason) == (OutboundStatus.SKIPPED, "suppressed")
