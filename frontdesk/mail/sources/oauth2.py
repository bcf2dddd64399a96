"""OAuth2 access tokens for XOAUTH2 sign-in (Microsoft 365, Google), refreshed before they expire.

A refresh is one form POST to the token endpoint (RFC 6749, section 6), sent with the standard library over the
same TLS trust as IMAP: the system's CAs plus ``FRONTDESK_MAIL_CA_FILE``. Two workers never refresh the same
mailbox at once: the refresh runs with the mailbox row locked, and the second finds the token already fresh.
"""

from __future__ import annotations

import imaplib
import json
import logging
import urllib.error
import urllib.request
from datetime import datetime, timedelta
from typing import Any
from urllib.parse import urlencode, urlsplit

from django.db import transaction
from django.utils import timezone

from frontdesk.mail.models import Mailbox, is_secure_url
from frontdesk.mail.sources.tls import tls_context

logger = logging.getLogger(__name__)

# A token expiring sooner than this is refreshed before signing in.
REFRESH_MARGIN = timedelta(minutes=5)
TIMEOUT_SECONDS = 20
_MAX_ANSWER_BYTES = 64 * 1024
_TOKEN_FIELDS = ("oauth2_token", "oauth2_token_expires_at", "oauth2_refresh_token")


class TokenError(imaplib.IMAP4.error):
    """No usable access token; the message is a reason for the administrator, free of secrets."""


def needs_refresh(mailbox: Mailbox, now: datetime | None = None) -> bool:
    """A refresh token is set and the access token is missing or expires within ``REFRESH_MARGIN``."""
    if not mailbox.oauth2_refresh_token:
        return False
    expires_at = mailbox.oauth2_token_expires_at
    now = now or timezone.now()
    return not mailbox.oauth2_token or (expires_at is not None and expires_at <= now + REFRESH_MARGIN)


def access_token(mailbox: Mailbox, *, force: bool = False) -> str:
    """The access token to sign in with, refreshed and stored first when it is missing or about to expire
    (or when ``force``: the server refused it). Raises ``TokenError`` with a reason free of secrets."""
    now = timezone.now()
    if not mailbox.oauth2_refresh_token:
        expires_at = mailbox.oauth2_token_expires_at
        if expires_at is not None and expires_at <= now:
            raise TokenError("the OAuth2 access token has expired and no refresh token is set")
        return mailbox.oauth2_token
    if not force and not needs_refresh(mailbox, now):
        return mailbox.oauth2_token
    known = mailbox.oauth2_token
    with transaction.atomic():
        locked = Mailbox.objects.select_for_update().get(pk=mailbox.pk)
        if locked.oauth2_token != known and not needs_refresh(locked, now):
            # Another worker refreshed it while this one waited for the lock.
            _copy_tokens(locked, mailbox)
            return locked.oauth2_token
        answer = _request_refresh(locked)
        expires_in = _seconds(answer.get("expires_in"))
        locked.oauth2_token = answer["access_token"]
        locked.oauth2_token_expires_at = now + timedelta(seconds=expires_in) if expires_in else None
        rotated = answer.get("refresh_token")
        if isinstance(rotated, str) and rotated:
            locked.oauth2_refresh_token = rotated
        Mailbox.objects.filter(pk=locked.pk).update(**{name: getattr(locked, name) for name in _TOKEN_FIELDS})
    _copy_tokens(locked, mailbox)
    logger.info(
        "Mailbox %s: OAuth2 access token refreshed%s",
        mailbox.name,
        ", refresh token rotated" if rotated else "",
    )
    return mailbox.oauth2_token


def _copy_tokens(source: Mailbox, target: Mailbox) -> None:
    for name in _TOKEN_FIELDS:
        setattr(target, name, getattr(source, name))


def _seconds(value: Any) -> int:
    try:
        return max(int(value), 0)
    except (TypeError, ValueError):
        return 0


def _request_refresh(mailbox: Mailbox) -> dict[str, Any]:
    url = mailbox.oauth2_token_url.strip()
    host = urlsplit(url).hostname or url
    if not url or not mailbox.oauth2_client_id:
        raise TokenError("OAuth2 needs the token endpoint and the client ID to refresh the access token")
    if not is_secure_url(url):
        raise TokenError(f"the OAuth2 token endpoint {host} must be an https:// address")
    form = {
        "grant_type": "refresh_token",
        "refresh_token": mailbox.oauth2_refresh_token,
        "client_id": mailbox.oauth2_client_id,
    }
    if mailbox.oauth2_client_secret:
        form["client_secret"] = mailbox.oauth2_client_secret
    if mailbox.oauth2_scope:
        form["scope"] = mailbox.oauth2_scope
    request = urllib.request.Request(  # noqa: S310 - the scheme is checked above (https, or http to loopback)
        url,
        data=urlencode(form).encode(),
        headers={"Accept": "application/json", "Content-Type": "application/x-www-form-urlencoded"},
        method="POST",
    )
    opener = urllib.request.build_opener(urllib.request.HTTPSHandler(context=tls_context()))
    try:
        with opener.open(request, timeout=TIMEOUT_SECONDS) as response:
            status, body = response.status, response.read(_MAX_ANSWER_BYTES)
    except urllib.error.HTTPError as error:  # 400 and 401 carry the OAuth2 error in the body
        status, body = error.code, error.read(_MAX_ANSWER_BYTES)
    except urllib.error.URLError as error:
        raise TokenError(f"the OAuth2 token endpoint {host} is unreachable: {error.reason}") from None
    except (OSError, ValueError) as error:
        raise TokenError(f"the OAuth2 token endpoint {host} is unreachable: {error}") from None
    try:
        answer = json.loads(body)
    except ValueError:
        answer = None
    if not isinstance(answer, dict):
        raise TokenError(f"the OAuth2 token endpoint {host} answered HTTP {status} without a token")
    if status == 200 and isinstance(answer.get("access_token"), str) and answer["access_token"]:
        return answer
    code = _printable(answer.get("error"), 100) or f"HTTP {status}"
    description = _printable(answer.get("error_description"), 300)
    reason = f"the OAuth2 token endpoint {host} refused the refresh: {code}"
    raise TokenError(f"{reason} ({description})" if description else reason)


def _printable(value: Any, limit: int) -> str:
    if not isinstance(value, str):
        return ""
    return "".join(c if c.isprintable() else " " for c in value).strip()[:limit]
