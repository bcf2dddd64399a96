"""Which websites may open the chat socket: a brand's allowed origins, or the help desk's own hosts."""

from __future__ import annotations

from urllib.parse import urlsplit

from django.conf import settings
from django.core.exceptions import ValidationError
from django.http.request import split_domain_port, validate_host
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


def own_origin(scope_scheme: str | None, host: str | None) -> str | None:
    """The help desk's own origin as the socket request names it: ``http(s)://`` after the socket's scheme and
    the ``Host`` header, when that host is one of ``ALLOWED_HOSTS``; None otherwise."""
    if not host:
        return None
    domain, _port = split_domain_port(host)
    if not domain or not validate_host(domain, list(settings.ALLOWED_HOSTS)):
        return None
    scheme = "https" if scope_scheme in ("wss", "https") else "http"
    return normalize_origin(f"{scheme}://{host}")


def origin_allowed(
    origin: str | None, allowed: object, *, scheme: str | None = None, host: str | None = None
) -> bool:
    """The socket's ``Origin`` is exactly one of the brand's websites (scheme, host and port), or exactly the
    help desk's own origin (``own_origin``). A pattern in ``ALLOWED_HOSTS`` (".example.com", "*") vouches for
    the ``Host`` the request came to, never for the website that opened the socket."""
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
    return normal == own_origin(scheme, host)
