"""The one place where Frontdesk makes outgoing HTTP requests (webhooks, connectors' API calls).

Safe against server-side request forgery: the host is resolved once, every address it resolves to is checked
(loopback, private, link-local, shared, multicast, reserved and unspecified ones are refused), and the
connection goes to that checked address, so a second DNS answer cannot slip in between the check and the
connect. HTTPS is verified against the system's trust store with the URL's host name (SNI and the ``Host``
header carry the name, not the address). Redirects are never followed, timeouts are short (connect and total),
and the response body is read up to a cap.

Built on the standard library's ``http.client``: it never follows redirects or reads proxy variables by itself,
and it lets the connection be opened to an address of our choosing while TLS and ``Host`` use the name.

Hosts or networks that may be private (an on-premises receiver, a test server) are allowed by the setting
``FRONTDESK_HTTP_ALLOW_PRIVATE``: ``True`` for all, or a list of host names and addresses or networks
(``["hooks.internal", "10.1.0.0/16", "127.0.0.1"]``).
"""

from __future__ import annotations

import contextlib
import http.client
import ipaddress
import socket
import ssl
import threading
import time
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlsplit

from django.conf import settings

CONNECT_TIMEOUT = 5.0
TOTAL_TIMEOUT = 10.0
MAX_RESPONSE_BYTES = 64 * 1024
USER_AGENT = "Frontdesk"

IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address
_NAT64 = ipaddress.ip_network("64:ff9b::/96")


class HttpError(Exception):
    """A request that got no HTTP answer; ``retryable`` says whether trying again later may help."""

    retryable = True


class InvalidUrl(HttpError):
    retryable = False


class BlockedAddress(HttpError):
    """The host is, or resolves to, an address outgoing requests must not reach."""

    retryable = False


class HttpTimeout(HttpError):
    pass


class HttpConnectionError(HttpError):
    pass


@dataclass(frozen=True)
class Response:
    status: int
    body: bytes
    # Header names in lower case.
    headers: Mapping[str, str] = field(default_factory=dict)
    # The body was longer than the cap and was cut.
    truncated: bool = False
    elapsed_ms: int = 0


def _allow_list() -> tuple[bool, set[str], list[ipaddress.IPv4Network | ipaddress.IPv6Network]]:
    value: Any = getattr(settings, "FRONTDESK_HTTP_ALLOW_PRIVATE", False)
    if value is True:
        return True, set(), []
    if not value:
        return False, set(), []
    entries: Iterable[Any] = [value] if isinstance(value, str) else value
    names: set[str] = set()
    networks: list[ipaddress.IPv4Network | ipaddress.IPv6Network] = []
    for entry in entries:
        text = str(entry).strip().lower()
        try:
            networks.append(ipaddress.ip_network(text, strict=False))
        except ValueError:
            names.add(text.rstrip("."))
    return False, names, networks


def is_blocked_address(address: IPAddress) -> bool:
    """True for an address that is not on the public internet."""
    if isinstance(address, ipaddress.IPv6Address):
        # IPv4 inside IPv6 (mapped, 6to4, NAT64) is judged by the IPv4 address it reaches.
        embedded = address.ipv4_mapped or address.sixtofour
        if embedded is None and address in _NAT64:
            embedded = ipaddress.IPv4Address(int(address) & 0xFFFFFFFF)
        if embedded is not None:
            return is_blocked_address(embedded)
    return (
        not address.is_global
        or address.is_multicast
        or address.is_loopback
        or address.is_link_local
        or address.is_private
        or address.is_reserved
        or address.is_unspecified
    )


def _lookup(host: str, port: int, timeout: float | None) -> list[Any]:
    """``getaddrinfo`` within ``timeout`` seconds (None: as long as the resolver takes). The system resolver
    cannot be interrupted, so a look-up that overruns is left to finish in its own daemon thread."""
    if timeout is None:
        return socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    answer: list[Any] = []

    def look_up() -> None:
        try:
            answer.append(socket.getaddrinfo(host, port, type=socket.SOCK_STREAM))
        except (OSError, UnicodeError) as error:
            answer.append(error)

    thread = threading.Thread(target=look_up, name="frontdesk-dns", daemon=True)
    thread.start()
    thread.join(timeout)
    if not answer:
        raise HttpTimeout(f"looking up {host} timed out")
    if isinstance(answer[0], BaseException):
        raise answer[0]
    return list(answer[0])


def resolve(host: str, port: int, *, timeout: float | None = None) -> list[IPAddress]:
    """The addresses of ``host`` that may be reached; ``BlockedAddress`` if any of them may not. The look-up
    gives up after ``timeout`` seconds (``HttpTimeout``)."""
    try:
        infos = _lookup(host, port, timeout)
    except (socket.gaierror, UnicodeError) as error:
        raise HttpConnectionError(f"cannot resolve {host}: {error}") from None
    addresses: list[IPAddress] = []
    for info in infos:
        address = ipaddress.ip_address(str(info[4][0]).split("%", 1)[0])
        if address not in addresses:
            addresses.append(address)
    if not addresses:
        raise HttpConnectionError(f"cannot resolve {host}")
    allow_all, names, networks = _allow_list()
    if allow_all or host.lower().rstrip(".") in names:
        return addresses
    for address in addresses:
        if is_blocked_address(address) and not any(address in network for network in networks):
            raise BlockedAddress(f"{host} resolves to {address}, which outgoing requests may not reach")
    return addresses


class _Deadline:
    def __init__(self, total: float) -> None:
        self.end = time.monotonic() + total

    def passed(self) -> bool:
        return time.monotonic() >= self.end - 0.05

    def left(self) -> float:
        remaining = self.end - time.monotonic()
        if remaining <= 0:
            raise HttpTimeout("the request took too long")
        return remaining


class _PinnedConnection(http.client.HTTPConnection):
    """An HTTP connection to a checked address; ``Host`` still names the host."""

    def __init__(self, host: str, port: int, addresses: list[IPAddress], connect_timeout: float) -> None:
        super().__init__(host, port, timeout=connect_timeout)
        self.addresses = addresses
        self.connect_timeout = connect_timeout
        self.raw_sock: socket.socket | None = None

    def abort(self) -> None:
        """Cut the connection from another thread: a blocked read or handshake returns at once."""
        sock = self.raw_sock
        if sock is not None:
            with contextlib.suppress(OSError):
                # The plain socket's shutdown, also under TLS: the TLS object stays untouched.
                socket.socket.shutdown(sock, socket.SHUT_RDWR)

    def _open_socket(self) -> socket.socket:
        last: OSError | None = None
        for address in self.addresses:
            family = socket.AF_INET6 if address.version == 6 else socket.AF_INET
            sock = socket.socket(family, socket.SOCK_STREAM)
            self.raw_sock = sock
            try:
                sock.settimeout(self.connect_timeout)
                # A numeric address: nothing is looked up again between the check and the connection.
                sock.connect((str(address), self.port))
                return sock
            except TimeoutError as error:
                sock.close()
                last = error
                break
            except OSError as error:
                sock.close()
                last = error
        if isinstance(last, TimeoutError):
            raise HttpTimeout(f"connecting to {self.host} timed out")
        raise HttpConnectionError(f"cannot connect to {self.host}: {last}")

    def connect(self) -> None:
        self.sock = self._open_socket()
        self.sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)


class _PinnedHTTPSConnection(_PinnedConnection):
    def __init__(
        self,
        host: str,
        port: int,
        addresses: list[IPAddress],
        connect_timeout: float,
        context: ssl.SSLContext,
    ) -> None:
        super().__init__(host, port, addresses, connect_timeout)
        self.context = context

    def connect(self) -> None:
        raw = self._open_socket()
        try:
            # SNI and certificate check against the name in the URL, not the address connected to.
            self.sock = self.context.wrap_socket(raw, server_hostname=self.host)
        except ssl.SSLError as error:
            raw.close()
            raise HttpConnectionError(f"TLS with {self.host} failed: {error}") from None
        except TimeoutError:
            raw.close()
            raise HttpTimeout(f"TLS with {self.host} timed out") from None


def request(
    method: str,
    url: str,
    *,
    body: bytes = b"",
    headers: Mapping[str, str] | None = None,
    connect_timeout: float = CONNECT_TIMEOUT,
    total_timeout: float = TOTAL_TIMEOUT,
    max_response_bytes: int = MAX_RESPONSE_BYTES,
    ssl_context: ssl.SSLContext | None = None,
) -> Response:
    """Send one request and return the answer, whatever its status (3xx included: redirects are not
    followed). Raises ``InvalidUrl``, ``BlockedAddress``, ``HttpTimeout`` or ``HttpConnectionError``."""
    started = time.monotonic()
    deadline = _Deadline(total_timeout)
    try:
        parts = urlsplit(url)
        port = parts.port
    except ValueError:
        raise InvalidUrl("not a valid URL") from None
    host = parts.hostname
    if parts.scheme not in ("http", "https") or not host:
        raise InvalidUrl("only absolute http and https URLs")
    port = port or (443 if parts.scheme == "https" else 80)
    addresses = resolve(host, port, timeout=min(connect_timeout, deadline.left()))
    connect = min(connect_timeout, deadline.left())
    connection: _PinnedConnection
    if parts.scheme == "https":
        context = ssl_context or ssl.create_default_context()
        connection = _PinnedHTTPSConnection(host, port, addresses, connect, context)
    else:
        connection = _PinnedConnection(host, port, addresses, connect)
    target = parts.path or "/"
    if parts.query:
        target += "?" + parts.query
    sent = {"User-Agent": USER_AGENT, "Content-Length": str(len(body)), **(headers or {})}
    # Per-read timeouts alone would let a server that drips a byte at a time hold on for ever: a watchdog
    # cuts the connection when the total time is up.
    watchdog = threading.Timer(deadline.left(), connection.abort)
    watchdog.daemon = True
    watchdog.start()
    try:
        connection.connect()
        assert connection.sock is not None
        connection.sock.settimeout(deadline.left())
        connection.request(method, target, body=body, headers=sent)
        connection.sock.settimeout(deadline.left())
        answer = connection.getresponse()
        chunks: list[bytes] = []
        size = 0
        truncated = False
        while True:
            if connection.sock is not None:
                connection.sock.settimeout(deadline.left())
            chunk = answer.read(min(8192, max_response_bytes + 1 - size))
            if not chunk:
                break
            chunks.append(chunk)
            size += len(chunk)
            if size > max_response_bytes:
                truncated = True
                break
        data = b"".join(chunks)[:max_response_bytes]
        return Response(
            status=answer.status,
            body=data,
            headers={name.lower(): value for name, value in answer.getheaders()},
            truncated=truncated,
            elapsed_ms=int((time.monotonic() - started) * 1000),
        )
    except HttpError as error:
        if not isinstance(error, HttpTimeout) and deadline.passed():
            raise HttpTimeout(f"{host} did not answer in time") from None
        raise
    except TimeoutError:
        raise HttpTimeout(f"{host} did not answer in time") from None
    except (OSError, ValueError, http.client.HTTPException) as error:
        if deadline.passed():
            raise HttpTimeout(f"{host} did not answer in time") from None
        raise HttpConnectionError(f"{host}: {type(error).__name__}: {error}") from None
    finally:
        watchdog.cancel()
        connection.close()


def post(url: str, *, body: bytes, headers: Mapping[str, str] | None = None, **options: Any) -> Response:
    return request("POST", url, body=body, headers=headers, **options)


def get(url: str, *, headers: Mapping[str, str] | None = None, **options: Any) -> Response:
    return request("GET", url, headers=headers, **options)
