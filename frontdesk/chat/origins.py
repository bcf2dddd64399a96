"""Which websites may open the chat socket: a brand's allowed origins, or the help desk's own hosts."""

from __future__ import annotations

import ipaddress
import re
from urllib.parse import urlsplit

from django.conf import settings
from django.core.exceptions import ValidationError
from django.http.request import split_domain_port, validate_host
from django.utils.translation import gettext as _

_DEFAULT_PORTS = {"http": 80, "https": 443}
# A host name as browsers send it in ``Origin`` (ASCII, internationalized names in their xn-- form): labels of
# letters, digits, hyphens and underscores, each 1-63 characters, at most 253 in all (a final dot aside).
_LABEL = re.compile(r"^[a-z0-9_-]{1,63}$")
MAX_HOST = 253


def _ascii_host(host: str) -> str | None:
    """The host as a browser names it (lower case; an internationalized name in IDNA, as UTS #46 maps it, the
    way browsers do), or None for a host no browser can send: other characters, a label over 63 characters, a
    name over 253."""
    if ":" in host:
        try:
            return f"[{ipaddress.IPv6Address(host).compressed}]"
        except ValueError:
            return None
    if not host.isascii():
        try:
            host = _idna(host)
        except UnicodeError:  # idna.IDNAError is one
            return None
    host = host.lower()
    name = host.removesuffix(".")
    if not name or len(name) > MAX_HOST or not all(_LABEL.match(label) for label in name.split(".")):
        return None
    return host


def _idna(host: str) -> str:
    try:
        import idna  # comes with the web server (uvicorn[standard], through anyio); else Python's codec
    except ImportError:  # pragma: no cover
        return host.encode("idna").decode("ascii")
    return str(idna.encode(host, uts46=True).decode("ascii"))


def normalize_origin(value: str) -> str | None:
    """``scheme://host[:port]`` in lower case without a default port, an internationalized host in its ASCII
    (xn--) form as browsers send it, or None for anything else (a path, a query, another scheme, no host, a
    host no browser can send)."""
    try:
        parts = urlsplit(value.strip())
        port = parts.port
    except ValueError:
        return None
    if parts.scheme not in _DEFAULT_PORTS or not parts.hostname or parts.username or parts.password:
        return None
    if parts.path not in ("", "/") or parts.query or parts.fragment:
        return None
    host = _ascii_host(parts.hostname)
    if host is None:
        return None
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
