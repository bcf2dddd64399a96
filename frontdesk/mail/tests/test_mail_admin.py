"""The quarantine in the admin: brand admins see their brand's mail only, download it raw and reprocess it."""

from __future__ import annotations

from django.urls import reverse

from frontdesk.mail.actions import store_raw_message
from frontdesk.mail.choices import InboundStatus
from frontdesk.mail.models import InboundMessage
from frontdesk.mail.tests.conftest import make_mail
from frontdesk.testing.cast import PASSWORD
from frontdesk.tickets.models import Ticket


def _quarantined(brand, raw):
    inbound = store_raw_message(raw, brand=brand)
    InboundMessage.objects.filter(pk=inbound.pk).update(status=InboundStatus.QUARANTINED, reason="test")
    return inbound


def _login(client, user):
    user.is_staff = True
    user.save(update_fields=["is_staff"])
    assert client.login(email=user.email, password=PASSWORD)


def test_brand_admin_downloads_the_raw_mail_of_their_brand_only(client, mail_cast):
    raw = make_mail(frm="anna@customer.example")
    mine = _quarantined(mail_cast.opera.brand, raw)
    theirs = _quarantined(mail_cast.tours.brand, make_mail(frm="bob@customer.example"))
    _login(client, mail_cast.opera.admin)
    response = client.get(reverse("admin:mail_inboundmessage_raw", args=[mine.pk]))
    assert response.status_code == 200
    assert response.content == raw
    assert response["Content-Disposition"].startswith("attachment")
    assert client.get(reverse("admin:mail_inboundmessage_raw", args=[theirs.pk])).status_code == 404
    listing = client.get(reverse("admin:mail_inboundmessage_changelist"))
    assert listing.status_code == 200
    assert f"message-{mine.pk}" not in listing.content.decode()  # links, not file names
    assert str(theirs.sender or "bob@customer.example") not in listing.content.decode()


def test_outsider_and_agents_cannot_open_the_quarantine(client, mail_cast):
    inbound = _quarantined(mail_cast.opera.brand, make_mail(frm="anna@customer.example"))
    _login(client, mail_cast.opera.line1)
    assert client.get(reverse("admin:mail_inboundmessage_raw", args=[inbound.pk])).status_code in (
        302,
        403,
        404,
    )


def test_reprocess_action_ingests_a_quarantined_mail(client, mail_cast, django_capture_on_commit_callbacks):
    inbound = _quarantined(mail_cast.opera.brand, make_mail(frm="anna@customer.example"))
    _login(client, mail_cast.opera.admin)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("admin:mail_inboundmessage_changelist"),
            {"action": "reprocess", "_selected_action": [inbound.pk]},
        )
    assert response.status_code == 302
    inbound.refresh_from_db()
    assert inbound.status == InboundStatus.INGESTED
    assert Ticket.objects.count() == 1


def test_the_quarantine_list_says_why_in_a_sentence_and_the_log_has_no_traceback(
    client, mail_cast, pipe, caplog
):
    caplog.set_level("WARNING", logger="frontdesk.mail.tasks")
    inbound = pipe(b"this is not a mail at all\r\n", "--brand", "opera")
    inbound.refresh_from_db()
    assert inbound.status == InboundStatus.QUARANTINED
    assert inbound.reason
    assert inbound.error.startswith("The mail")
    [record] = [r for r in caplog.records if r.name == "frontdesk.mail.tasks"]
    assert inbound.reason in record.getMessage()
    assert record.exc_info is None
    _login(client, mail_cast.opera.admin)
    listing = client.get(reverse("admin:mail_inboundmessage_changelist") + "?status=quarantined")
    assert inbound.error in listing.content.decode()
