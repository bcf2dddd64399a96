"""IMAP with TLS (implicit and STARTTLS, a private CA) and OAuth2 sign-in with refreshed tokens, against the local
IMAP server and a token endpoint on 127.0.0.1 that behave like Microsoft 365 and Google."""

from __future__ import annotations

import io
import json
import logging
import secrets
import socket
import ssl
import threading
import time
from collections.abc import Iterator
from datetime import timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any, Self
from urllib.parse import parse_qs

import pytest
import trustme
from django.conf import settings as django_settings
from django.core.exceptions import ValidationError
from django.core.management import CommandError, call_command
from django.db import connection
from django.urls import reverse
from django.utils import timezone

from frontdesk.brands.actions import create_brand
from frontdesk.brands.models import Brand
from frontdesk.mail.choices import ImapSecurity, MailboxKind
from frontdesk.mail.models import InboundMessage, Mailbox
from frontdesk.mail.sources import imap, oauth2
from frontdesk.mail.tests.conftest import make_mail
from frontdesk.mail.tests.imapserver import FakeImapServer, ImapState
from frontdesk.mail.tests.test_imap_server import _wait_for, _watch
from frontdesk.testing.cast import PASSWORD

pytestmark = pytest.mark.django_db(transaction=True)

CLIENT_ID = "frontdesk-client"
CLIENT_SECRET = "client-secret-not-for-logs"
SCOPE = "https://outlook.office.com/IMAP.AccessAsUser.All offline_access"


class FakeTokenEndpoint:
    """An OAuth2 token endpoint (``grant_type=refresh_token`` only) on 127.0.0.1, in a thread.

    Each refresh issues a new access token and makes it the one the IMAP server accepts; with ``rotate`` it also
    issues a new refresh token and forgets the old one, like providers with refresh token rotation.
    """

    def __init__(
        self,
        imap_state: ImapState,
        *,
        refresh_token: str = "refresh-1",  # noqa: S107 - a test value
        rotate: bool = False,
    ) -> None:
        self.imap_state = imap_state
        self.valid_refresh_tokens = {refresh_token}
        self.rotate = rotate
        self.expires_in = 3600
        self.delay = 0.0
        self.requests: list[dict[str, str]] = []
        self.lock = threading.Lock()
        endpoint = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                length = int(self.headers.get("Content-Length", "0"))
                form = {k: v[0] for k, v in parse_qs(self.rfile.read(length).decode()).items()}
                status, answer = endpoint.answer(form)
                body = json.dumps(answer).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, *args: Any) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/oauth2/v2.0/token"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def answer(self, form: dict[str, str]) -> tuple[int, dict[str, Any]]:
        time.sleep(self.delay)
        with self.lock:
            self.requests.append(form)
            if form.get("grant_type") != "refresh_token":
                return 400, {"error": "unsupported_grant_type"}
            if form.get("client_id") != CLIENT_ID or form.get("client_secret") != CLIENT_SECRET:
                return 401, {
                    "error": "invalid_client",
                    "error_description": "AADSTS7000215: Invalid client secret.",
                }
            if form.get("refresh_token") not in self.valid_refresh_tokens:
                return 400, {
                    "error": "invalid_grant",
                    "error_description": "AADSTS70008: The provided authorization code or refresh token has "
                    "expired due to inactivity.",
                }
            access = "access-" + secrets.token_urlsafe(8)
            self.imap_state.access_token = access
            answer: dict[str, Any] = {
                "token_type": "Bearer",
                "scope": SCOPE,
                "expires_in": self.expires_in,
                "access_token": access,
            }
            if self.rotate:
                rotated = "refresh-" + secrets.token_urlsafe(8)
                self.valid_refresh_tokens = {rotated}
                answer["refresh_token"] = rotated
            return 200, answer

    def __enter__(self) -> Self:
        self.thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def brand() -> Brand:
    return create_brand(name="Opera", slug="opera", ticket_prefix="OPR", languages=["en"])


@pytest.fixture(scope="module")
def ca() -> trustme.CA:
    return trustme.CA()


@pytest.fixture
def ca_file(ca: trustme.CA, tmp_path: Path, settings: Any) -> Path:
    """The private CA, trusted through ``FRONTDESK_MAIL_CA_FILE``."""
    path = tmp_path / "private-ca.pem"
    ca.cert_pem.write_to_path(str(path))
    settings.FRONTDESK_MAIL_CA_FILE = str(path)
    return path


def _server_context(ca: trustme.CA) -> ssl.SSLContext:
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    ca.issue_cert("127.0.0.1", "localhost").configure_cert(context)
    return context


@pytest.fixture
def oauth_server(ca: trustme.CA) -> Iterator[FakeImapServer]:
    """Implicit TLS and XOAUTH2, whose current access token nobody has yet."""
    with FakeImapServer(tls=_server_context(ca), access_token="issued-to-someone-else") as running:
        yield running


@pytest.fixture
def endpoint(oauth_server: FakeImapServer) -> Iterator[FakeTokenEndpoint]:
    with FakeTokenEndpoint(oauth_server.state) as running:
        yield running


def _mailbox(brand: Brand, server: FakeImapServer, **fields: Any) -> Mailbox:
    values: dict[str, Any] = {
        "name": "opera-inbox",
        "kind": MailboxKind.IMAP,
        "addresses": ["support@opera.example"],
        "imap_host": "127.0.0.1",
        "imap_port": server.port,
        "imap_security": ImapSecurity.TLS,
        "imap_user": server.state.user,
        "imap_password": server.state.password,
    }
    return Mailbox.objects.create(brand=brand, **{**values, **fields})


def _oauth_mailbox(
    brand: Brand, server: FakeImapServer, endpoint: FakeTokenEndpoint, **fields: Any
) -> Mailbox:
    values: dict[str, Any] = {
        "imap_password": "",
        "oauth2_token_url": endpoint.url,
        "oauth2_client_id": CLIENT_ID,
        "oauth2_client_secret": CLIENT_SECRET,
        "oauth2_scope": SCOPE,
        "oauth2_refresh_token": "refresh-1",
        "oauth2_token": "access-from-yesterday",
        "oauth2_token_expires_at": timezone.now() - timedelta(hours=20),
    }
    return _mailbox(brand, server, **{**values, **fields})


# --- TLS ---------------------------------------------------------------------------------------------------


def test_fetch_over_implicit_tls_verifies_the_server_with_the_private_ca(brand, ca, ca_file):
    with FakeImapServer(tls=_server_context(ca)) as server:
        server.state.append(make_mail(frm="anna@customer.example", subject="Over TLS"))
        mailbox = _mailbox(brand, server)
        result = imap.fetch_mailbox(mailbox)
    assert (result.fetched, result.stored) == (1, 1)
    assert server.state.commands[:2] == ["CAPABILITY", "LOGIN"]
    assert server.state.tls_failures == []
    mailbox.refresh_from_db()
    assert mailbox.last_error == ""


def test_fetch_over_starttls_upgrades_before_signing_in(brand, ca, ca_file):
    with FakeImapServer(tls=_server_context(ca), starttls=True) as server:
        server.state.append(make_mail(frm="anna@customer.example", subject="Over STARTTLS"))
        mailbox = _mailbox(brand, server, imap_security=ImapSecurity.STARTTLS)
        result = imap.fetch_mailbox(mailbox)
    assert result.stored == 1
    commands = server.state.commands
    assert commands.index("STARTTLS") < commands.index("LOGIN")
    assert InboundMessage.objects.get().subject == "Over STARTTLS"


@pytest.mark.parametrize("security", [ImapSecurity.TLS, ImapSecurity.STARTTLS])
def test_a_certificate_from_an_unknown_ca_is_refused_with_a_clear_error(brand, ca, ca_file, security):
    stranger = trustme.CA()  # the server's certificate comes from a CA nobody trusts
    with FakeImapServer(tls=_server_context(stranger), starttls=security == ImapSecurity.STARTTLS) as server:
        server.state.append(make_mail(frm="anna@customer.example"))
        mailbox = _mailbox(brand, server, imap_security=security)
        with pytest.raises(ssl.SSLCertVerificationError):
            imap.fetch_mailbox(mailbox)
        assert _wait_for(lambda: bool(server.state.tls_failures))
    assert "LOGIN" not in server.state.commands  # the password never went out
    assert InboundMessage.objects.count() == 0
    mailbox.refresh_from_db()
    assert f"the TLS certificate of 127.0.0.1:{server.port} was refused" in mailbox.last_error
    assert "unable to get local issuer certificate" in mailbox.last_error
    assert "FRONTDESK_MAIL_CA_FILE" in mailbox.last_error


def test_without_the_private_ca_the_server_is_not_trusted(brand, ca, settings):
    settings.FRONTDESK_MAIL_CA_FILE = ""
    with FakeImapServer(tls=_server_context(ca)) as server:
        mailbox = _mailbox(brand, server)
        with pytest.raises(ssl.SSLCertVerificationError):
            imap.fetch_mailbox(mailbox)
    mailbox.refresh_from_db()
    assert "was refused" in mailbox.last_error


def test_a_server_without_starttls_is_not_used_in_plain_text(brand, ca_file):
    with FakeImapServer() as server:  # no TLS at all
        mailbox = _mailbox(brand, server, imap_security=ImapSecurity.STARTTLS)
        with pytest.raises(imap.imaplib.IMAP4.error, match="STARTTLS"):
            imap.fetch_mailbox(mailbox)
    assert "LOGIN" not in server.state.commands
    mailbox.refresh_from_db()
    assert "STARTTLS" in mailbox.last_error


def test_no_encryption_is_refused_for_a_remote_host(brand):
    mailbox = Mailbox(
        brand=brand,
        name="remote",
        kind=MailboxKind.IMAP,
        imap_host="imap.example.com",
        imap_security=ImapSecurity.NONE,
    )
    with pytest.raises(ValidationError) as raised:
        mailbox.full_clean()
    assert "only from a server on this machine" in str(raised.value.message_dict["imap_security"])
    for host in ("127.0.0.1", "localhost", "::1"):
        mailbox.imap_host = host
        mailbox.full_clean()
    # A row that slipped past the form is refused at connection time, before any byte is sent.
    mailbox.imap_host = "imap.example.com"
    mailbox.save()
    with pytest.raises(imap.imaplib.IMAP4.error, match="without encryption"):
        imap.fetch_mailbox(mailbox)
    mailbox.refresh_from_db()
    assert "refusing to connect to imap.example.com without encryption" in mailbox.last_error


# --- OAuth2 ------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "expires_in", [timedelta(hours=-20), timedelta(minutes=4), None], ids=["expired", "soon", "missing"]
)
def test_an_expiring_token_is_refreshed_and_stored_before_signing_in(
    brand, ca_file, oauth_server, endpoint, expires_in
):
    oauth_server.state.append(make_mail(frm="anna@customer.example", subject="Via OAuth2"))
    if expires_in is None:
        mailbox = _oauth_mailbox(brand, oauth_server, endpoint, oauth2_token="", oauth2_token_expires_at=None)
    else:
        mailbox = _oauth_mailbox(
            brand, oauth_server, endpoint, oauth2_token_expires_at=timezone.now() + expires_in
        )
    result = imap.fetch_mailbox(mailbox)
    assert result.stored == 1
    issued = oauth_server.state.access_token
    # One refresh, then one sign-in with the new token: the stale one was never offered.
    assert oauth_server.state.xoauth2_tokens == [issued]
    assert endpoint.requests == [
        {
            "grant_type": "refresh_token",
            "refresh_token": "refresh-1",
            "client_id": CLIENT_ID,
            "client_secret": CLIENT_SECRET,
            "scope": SCOPE,
        }
    ]
    stored = Mailbox.objects.get(pk=mailbox.pk)
    assert stored.oauth2_token == issued
    assert stored.oauth2_refresh_token == "refresh-1"  # not rotated: kept
    expected = timezone.now() + timedelta(hours=1)
    assert abs((stored.oauth2_token_expires_at - expected).total_seconds()) < 60
    assert stored.last_error == ""


def test_a_valid_token_is_used_without_a_refresh(brand, ca_file, oauth_server, endpoint):
    oauth_server.state.access_token = "current"
    mailbox = _oauth_mailbox(
        brand,
        oauth_server,
        endpoint,
        oauth2_token="current",
        oauth2_token_expires_at=timezone.now() + timedelta(minutes=30),
    )
    imap.fetch_mailbox(mailbox)
    assert endpoint.requests == []
    assert oauth_server.state.xoauth2_tokens == ["current"]


def test_a_revoked_token_is_refreshed_once_and_the_sign_in_retried(brand, ca_file, oauth_server, endpoint):
    mailbox = _oauth_mailbox(
        brand,
        oauth_server,
        endpoint,
        oauth2_token="revoked",
        oauth2_token_expires_at=timezone.now() + timedelta(minutes=30),
    )
    imap.fetch_mailbox(mailbox)
    assert oauth_server.state.xoauth2_tokens == ["revoked", oauth_server.state.access_token]
    assert len(endpoint.requests) == 1
    assert Mailbox.objects.get(pk=mailbox.pk).oauth2_token == oauth_server.state.access_token


def test_a_rotated_refresh_token_replaces_the_stored_one(brand, ca_file, oauth_server, endpoint):
    endpoint.rotate = True
    mailbox = _oauth_mailbox(brand, oauth_server, endpoint)
    imap.fetch_mailbox(mailbox)
    stored = Mailbox.objects.get(pk=mailbox.pk)
    (rotated,) = endpoint.valid_refresh_tokens
    assert stored.oauth2_refresh_token == rotated != "refresh-1"
    # An hour later the next refresh works only because the rotated token was kept (the old one is dead).
    Mailbox.objects.filter(pk=mailbox.pk).update(
        oauth2_token_expires_at=timezone.now() - timedelta(minutes=1)
    )
    oauth_server.state.append(make_mail(frm="later@customer.example"))
    assert imap.fetch_mailbox(Mailbox.objects.get(pk=mailbox.pk)).stored == 1
    assert [r["refresh_token"] for r in endpoint.requests] == ["refresh-1", rotated]
    stored = Mailbox.objects.get(pk=mailbox.pk)
    assert stored.oauth2_refresh_token == next(iter(endpoint.valid_refresh_tokens))
    assert stored.last_error == ""


def test_a_refused_refresh_is_recorded_and_other_mailboxes_are_polled(
    brand, ca_file, oauth_server, endpoint, caplog
):
    endpoint.valid_refresh_tokens = set()  # the refresh token was revoked or expired
    oauth_server.state.append(make_mail(frm="anna@customer.example"))
    broken = _oauth_mailbox(brand, oauth_server, endpoint, name="a-broken")
    with FakeImapServer(tls=oauth_server.server.tls) as other_server:
        other_server.state.append(make_mail(frm="bob@customer.example", subject="To the other mailbox"))
        other = _mailbox(brand, other_server, name="b-other", addresses=["help@opera.example"])
        with caplog.at_level(logging.INFO), pytest.raises(CommandError, match="a-broken"):
            call_command("mail", "fetch", stdout=io.StringIO(), stderr=io.StringIO())
    broken.refresh_from_db()
    assert broken.last_error.startswith(
        "the OAuth2 token endpoint 127.0.0.1 refused the refresh: invalid_grant"
    )
    assert "AADSTS70008" in broken.last_error
    assert broken.last_polled_at is not None
    assert broken.oauth2_refresh_token == "refresh-1"  # kept for the administrator to see what was tried
    assert oauth_server.state.xoauth2_tokens == []  # no sign-in with a stale token
    assert InboundMessage.objects.get().subject == "To the other mailbox"
    other.refresh_from_db()
    assert other.last_error == ""
    assert "invalid_grant" in caplog.text
    for secret in (CLIENT_SECRET, "refresh-1", "access-from-yesterday"):
        assert secret not in caplog.text
        assert secret not in broken.last_error


def test_an_unreachable_token_endpoint_is_recorded(brand, ca_file, oauth_server):
    with socket.socket() as unused:
        unused.bind(("127.0.0.1", 0))
        port = unused.getsockname()[1]
    mailbox = _mailbox(
        brand,
        oauth_server,
        oauth2_token_url=f"http://127.0.0.1:{port}/token",
        oauth2_client_id=CLIENT_ID,
        oauth2_refresh_token="refresh-1",
    )
    result = imap.fetch_mailbox(mailbox)
    assert (result.fetched, result.stored) == (0, 0)
    mailbox.refresh_from_db()
    assert mailbox.last_error.startswith("the OAuth2 token endpoint 127.0.0.1 is unreachable")
    assert "refused" in mailbox.last_error.lower()


def test_an_expired_token_without_a_refresh_token_is_reported(brand, ca_file, oauth_server):
    mailbox = _mailbox(
        brand,
        oauth_server,
        oauth2_token="static",
        oauth2_token_expires_at=timezone.now() - timedelta(minutes=1),
    )
    imap.fetch_mailbox(mailbox)
    mailbox.refresh_from_db()
    assert mailbox.last_error == "the OAuth2 access token has expired and no refresh token is set"
    assert oauth_server.state.xoauth2_tokens == []


def test_idle_signs_in_with_a_fresh_token(brand, ca_file, oauth_server, endpoint):
    oauth_server.state.append(make_mail(frm="early@customer.example"))
    mailbox = _oauth_mailbox(brand, oauth_server, endpoint, poll_interval_seconds=3600)
    stop, thread = _watch(mailbox, idle_seconds=60)
    try:
        assert _wait_for(lambda: "IDLE" in oauth_server.state.commands)
        oauth_server.state.append(make_mail(frm="late@customer.example", subject="Arrived during IDLE"))
        # Watched through the server's flags: the test database is not read while the watch writes to it.
        assert _wait_for(lambda: "\\Seen" in oauth_server.state.flags().get(2, set()))
    finally:
        stop.set()
        thread.join(timeout=10)
    assert not thread.is_alive()
    # Every sign-in (one, unless the watch had to reconnect) used the refreshed token, never the stale one.
    assert set(oauth_server.state.xoauth2_tokens) == {oauth_server.state.access_token}
    assert len(endpoint.requests) == 1
    assert InboundMessage.objects.filter(subject="Arrived during IDLE").exists()
    assert Mailbox.objects.get(pk=mailbox.pk).oauth2_token == oauth_server.state.access_token


def test_idle_signs_in_again_when_the_token_is_about_to_expire(brand, ca_file, oauth_server, endpoint):
    endpoint.expires_in = 301  # just past the refresh margin: due again on the first wake-up
    mailbox = _oauth_mailbox(brand, oauth_server, endpoint, poll_interval_seconds=3600)
    # IDLE would wait a minute; the token is due for a refresh in a second, so the watch signs in again.
    stop, thread = _watch(mailbox, idle_seconds=60)
    try:
        assert _wait_for(lambda: len(oauth_server.state.xoauth2_tokens) >= 2)
    finally:
        stop.set()
        thread.join(timeout=10)
    first, second = oauth_server.state.xoauth2_tokens[:2]
    assert first != second
    assert len(endpoint.requests) >= 2


@pytest.mark.postgres
@pytest.mark.skipif(
    not django_settings.DATABASE_URL,
    reason="threads sharing the in-memory SQLite test database lock each other's tables",
)
def test_two_workers_refresh_a_mailbox_once(brand, ca_file, oauth_server, endpoint):
    endpoint.rotate = True
    endpoint.delay = 0.5
    mailbox = _oauth_mailbox(brand, oauth_server, endpoint)
    tokens: list[str] = []

    def worker() -> None:
        try:
            tokens.append(oauth2.access_token(Mailbox.objects.get(pk=mailbox.pk)))
        finally:
            connection.close()

    threads = [threading.Thread(target=worker) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=20)
    assert len(endpoint.requests) == 1
    assert tokens == [oauth_server.state.access_token] * 2
    assert Mailbox.objects.get(pk=mailbox.pk).oauth2_refresh_token == next(
        iter(endpoint.valid_refresh_tokens)
    )


# --- Admin -------------------------------------------------------------------------------------------------


def _admin_data(mailbox: Mailbox, **changes: str) -> dict[str, str]:
    data = {
        "brand": str(mailbox.brand_id),
        "name": mailbox.name,
        "kind": mailbox.kind,
        "addresses": json.dumps(mailbox.addresses),
        "is_active": "on",
        "imap_host": mailbox.imap_host,
        "imap_port": str(mailbox.imap_port),
        "imap_security": mailbox.imap_security,
        "folder": mailbox.folder,
        "processed_action": mailbox.processed_action,
        "move_to": "",
        "poll_interval_seconds": str(mailbox.poll_interval_seconds),
        "imap_user": mailbox.imap_user,
        "imap_password": "",
        "oauth2_token_url": mailbox.oauth2_token_url,
        "oauth2_client_id": mailbox.oauth2_client_id,
        "oauth2_client_secret": "",
        "oauth2_scope": mailbox.oauth2_scope,
        "oauth2_refresh_token": "",
        "oauth2_token": "",
        "non_participant_replies": mailbox.non_participant_replies,
    }
    data.update(changes)
    return data


def test_the_admin_groups_the_fields_and_never_shows_secrets(client, mail_cast):
    brand = mail_cast.opera.brand
    mailbox = Mailbox.objects.create(
        brand=brand,
        name="opera-365",
        addresses=["support@opera.example"],
        imap_host="outlook.office365.com",
        imap_user="support@opera.example",
        imap_password="old-password-secret",
        oauth2_token_url="https://login.microsoftonline.com/common/oauth2/v2.0/token",
        oauth2_client_id=CLIENT_ID,
        oauth2_client_secret=CLIENT_SECRET,
        oauth2_refresh_token="refresh-token-secret",
        oauth2_token="access-token-secret",
        oauth2_token_expires_at=timezone.now() + timedelta(minutes=30),
    )
    admin = mail_cast.opera.admin
    admin.is_staff = True
    admin.save(update_fields=["is_staff"])
    assert client.login(email=admin.email, password=PASSWORD)
    url = reverse("admin:mail_mailbox_change", args=[mailbox.pk])
    page = client.get(url).content.decode()
    for group in ("IMAP server", "Sign-in", "OAuth2 (Microsoft 365, Google)", "Status"):
        assert group in page
    for secret in ("old-password-secret", CLIENT_SECRET, "refresh-token-secret", "access-token-secret"):
        assert secret not in page
    assert "A value is stored; leave empty to keep it." in page

    # Saving other fields keeps every stored secret.
    response = client.post(url, _admin_data(mailbox, folder="Support"))
    assert response.status_code == 302
    saved = Mailbox.objects.get(pk=mailbox.pk)
    assert saved.folder == "Support"
    assert (
        saved.imap_password,
        saved.oauth2_client_secret,
        saved.oauth2_refresh_token,
        saved.oauth2_token,
    ) == (
        "old-password-secret",
        CLIENT_SECRET,
        "refresh-token-secret",
        "access-token-secret",
    )

    # A new refresh token drops the old access token: the next sign-in refreshes with the new one.
    response = client.post(url, _admin_data(mailbox, oauth2_refresh_token="new-refresh-token"))
    assert response.status_code == 302
    saved = Mailbox.objects.get(pk=mailbox.pk)
    assert (saved.oauth2_refresh_token, saved.oauth2_token, saved.oauth2_token_expires_at) == (
        "new-refresh-token",
        "",
        None,
    )

    # No encryption to a remote server is a form error, not a saved mistake.
    response = client.post(url, _admin_data(mailbox, imap_security=ImapSecurity.NONE))
    assert response.status_code == 200
    assert (
        "Mail without encryption is allowed only from a server on this machine" in response.content.decode()
    )
    assert Mailbox.objects.get(pk=mailbox.pk).imap_security == ImapSecurity.TLS

    response = client.post(url, _admin_data(mailbox, oauth2_token_url="http://login.example.com/token"))
    assert response.status_code == 200
    assert "Enter an https:// address" in response.content.decode()

    # Forgetting OAuth2 returns the mailbox to the password.
    response = client.post(url, _admin_data(mailbox, forget_oauth2="on"))
    assert response.status_code == 302
    saved = Mailbox.objects.get(pk=mailbox.pk)
    assert (saved.oauth2_client_secret, saved.oauth2_refresh_token, saved.oauth2_token) == ("", "", "")
    assert saved.imap_password == "old-password-secret"
    assert not saved.uses_oauth2


def test_an_unreachable_mailbox_does_not_stop_the_others_and_the_command_fails_at_the_end(
    brand, ca_file, oauth_server
):
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        closed_port = probe.getsockname()[1]
    with FakeImapServer(tls=oauth_server.server.tls) as good_server:
        good_server.state.append(make_mail(frm="bob@customer.example", subject="Still fetched"))
        down = _mailbox(brand, good_server, name="a-down", imap_port=closed_port)
        _mailbox(brand, good_server, name="b-good", addresses=["help@opera.example"])
        out, err = io.StringIO(), io.StringIO()
        with pytest.raises(CommandError, match="1 mailbox"):
            call_command("mail", "fetch", stdout=out, stderr=err)
    assert InboundMessage.objects.get().subject == "Still fetched"
    assert "b-good: 1 fetched, 1 new" in out.getvalue()
    assert "a-down: failed:" in err.getvalue()
    down.refresh_from_db()
    assert down.last_error
