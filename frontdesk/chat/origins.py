"""Which websites may open the chat socket: a brand's allowed origins, or the help desk's own hosts."""

from __future__ import annotations

from urllib.parse import urlsplit

from django.conf import settings
from django.core.exceptions import ValidationError
from django.http.request import validate_host
from django.utils.translation import gettext as _

_DEFAULT_PORTS = {"http": 80, "https": 443}


def normalize_origin(value: str) -> str | None:
    """``scheme://host[:port]`` in lower case without a default port, or None for anything else (a path, a
    query, another scheme, no host)."""
    try:
        parts = urlsplit(value.strip())
        port = parts.port
    except ValueError:
        return None
    if parts.scheme not in _DEFAULT_PORTS or not parts.hostname or parts.username or parts.password:
        return None
    if parts.path not in ("", "/") or parts.query or parts.fragment:
        return None
    host = parts.hostname.lower()
    if ":" in host:
        host = f"[{host}]"
    if port is not None and port != _DEFAULT_PORTS[parts.scheme]:
        host = f"{host}:{port}"
    return f"{parts.scheme}://{host}"


def clean_origins(values: object) -> list[str]:
    """The admin's list of origins, normalized; a ``ValidationError`` naming the first one that is not one."""
    if not isinstance(values, list) or not all(isinstance(v, str) for v in values):
        raise ValidationError(_('Give a list of website addresses, e.g. ["https://www.example.com"].'))
    clean: list[str] = []
    for value in values:
        origin = normalize_origin(value)
        if origin is None:
            raise ValidationError(
                _("%(value)s is not a website origin like https://www.example.com (no path)."),
                params={"value": value},
            )
        if origin not in clean:
            clean.append(origin)
    return clean


def origin_allowed(origin: str | None, allowed: object) -> bool:
    """The socket's ``Origin`` is one of the brand's websites, or a host of the help desk itself."""
    if not origin:
        return False
    normal = normalize_origin(origin)
    if normal is None:
        return False
    listed = (
        {normalize_origin(a) for a in allowed if isinstance(a, str)} if isinstance(allowed, list) else set()
    )
    if normal in listed:
        return True
    hostname = urlsplit(normal).hostname or ""
    if ":" in hostname:
        hostname = f"[{hostname}]"
    return validate_host(hostname, list(settings.ALLOWED_HOSTS))
