"""core.http: requests reach only public addresses (or allowed ones), the address checked is the one
connected to, TLS is verified against the host name, redirects are not followed, time and size are capped."""

from __future__ import annotations

import ipaddress
import socket
import ssl
import threading
import time
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
import trustme

from frontdesk.core import http


class _Handler(BaseHTTPRequestHandler):
    def do_POST(self) -> None:
        body = self.rfile.read(int(self.headers.get("Content-Length", "0")))
        self.server.seen.append((self.path, dict(self.headers.items()), body))  # type: ignore[attr-defined]
        path = self.path
        if path == "/slow":
            time.sleep(2)
        if path == "/redirect":
            self.send_response(302)
            self.send_header("Location", "/elsewhere")
            self.send_header("Content-Length", "0")
            self.end_headers()
            return
        answer = b"y" * 100_000 if path == "/big" else b"pong:" + body
        try:
            self.send_response(201)
            self.send_header("Content-Length", str(len(answer)))
            self.end_headers()
            self.wfile.write(answer)
        except OSError:
            pass

    def log_message(self, format: str, *args: object) -> None:
        pass


def _serve(server: ThreadingHTTPServer) -> Iterator[ThreadingHTTPServer]:
    server.seen = []  # type: ignore[attr-defined]
    server.daemon_threads = True
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield server
    server.shutdown()
    server.server_close()


@pytest.fixture
def server() -> Iterator[ThreadingHTTPServer]:
    yield from _serve(ThreadingHTTPServer(("127.0.0.1", 0), _Handler))


@pytest.fixture
def ca() -> trustme.CA:
    return trustme.CA()


@pytest.fixture
def tls_server(ca) -> Iterator[ThreadingHTTPServer]:
    server = ThreadingHTTPServer(("127.0.0.1", 0), _Handler)
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    ca.issue_cert("hooks.example").configure_cert(context)
    server.socket = context.wrap_socket(server.socket, server_side=True)
    yield from _serve(server)


@pytest.fixture
def resolves_to(monkeypatch):
    """Make names resolve to chosen addresses, counting the look-ups."""
    table: dict[str, str] = {}
    calls: list[str] = []
    real = socket.getaddrinfo

    def fake(host, port, *args, **kwargs):
        calls.append(host)
        if host in table:
            family = socket.AF_INET6 if ":" in table[host] else socket.AF_INET
            return [(family, socket.SOCK_STREAM, 6, "", (table[host], port))]
        return real(host, port, *args, **kwargs)

    monkeypatch.setattr(socket, "getaddrinfo", fake)
    table_and_calls = (table, calls)
    return table_and_calls


def _url(server, path: str = "/hook", host: str = "127.0.0.1", scheme: str = "http") -> str:
    return f"{scheme}://{host}:{server.server_address[1]}{path}"


def test_a_post_reaches_an_allowed_local_server(server, settings):
    settings.FRONTDESK_HTTP_ALLOW_PRIVATE = ["127.0.0.1"]

    response = http.post(_url(server), body=b"ping", headers={"X-Test": "1"})

    assert response.status == 201
    assert response.body == b"pong:ping"
    assert not response.truncated
    ((path, headers, _body),) = server.seen
    assert path == "/hook"
    assert headers["X-Test"] == "1"
    assert headers["Host"] == f"127.0.0.1:{server.server_address[1]}"


@pytest.mark.parametrize("address", ["127.0.0.1", "10.1.2.3", "169.254.169.254", "192.168.0.10", "0.0.0.0"])  # noqa: S104
def test_private_and_special_addresses_are_refused_without_the_setting(server, settings, address):
    settings.FRONTDESK_HTTP_ALLOW_PRIVATE = False

    with pytest.raises(http.BlockedAddress):
        http.post(f"http://{address}:{server.server_address[1]}/hook", body=b"x")

    assert server.seen == []


@pytest.mark.parametrize("address", ["127.0.0.1", "10.0.0.7", "169.254.169.254", "::1", "fe80::1", "fd00::1"])
def test_a_host_name_resolving_to_a_private_address_is_refused(settings, resolves_to, address):
    settings.FRONTDESK_HTTP_ALLOW_PRIVATE = False
    table, _ = resolves_to
    table["innocent.example"] = address

    with pytest.raises(http.BlockedAddress):
        http.post("https://innocent.example/hook", body=b"x")


def test_localhost_is_refused_without_the_setting(server, settings):
    settings.FRONTDESK_HTTP_ALLOW_PRIVATE = False

    with pytest.raises(http.BlockedAddress):
        http.post(_url(server, host="localhost"), body=b"x")


def test_an_allowed_network_does_not_allow_others(settings):
    settings.FRONTDESK_HTTP_ALLOW_PRIVATE = ["10.1.0.0/16", "hooks.internal"]

    with pytest.raises(http.BlockedAddress):
        http.post("http://10.2.0.1/hook", body=b"x")


@pytest.mark.parametrize(
    ("address", "blocked"),
    [
        ("93.184.216.34", False),
        ("2606:2800:220:1:248:1893:25c8:1946", False),
        ("::ffff:127.0.0.1", True),
        ("::ffff:10.0.0.1", True),
        ("::ffff:93.184.216.34", False),
        ("2002:a00:1::1", True),
        ("64:ff9b::a00:1", True),
        ("64:ff9b::5db8:d822", False),
        ("100.64.0.1", True),
        ("224.0.0.1", True),
        ("240.0.0.1", True),
        ("255.255.255.255", True),
    ],
)
def test_which_addresses_count_as_not_public(address, blocked):
    assert http.is_blocked_address(ipaddress.ip_address(address)) is blocked


def test_the_connection_goes_to_the_checked_address_with_the_name_in_host(server, settings, resolves_to):
    settings.FRONTDESK_HTTP_ALLOW_PRIVATE = ["hooks.example"]
    table, calls = resolves_to
    table["hooks.example"] = "127.0.0.1"

    response = http.post(_url(server, host="hooks.example"), body=b"x")

    assert response.status == 201
    assert server.seen[0][1]["Host"] == f"hooks.example:{server.server_address[1]}"
    # Resolved once: the check and the connection use the same answer, with no second look-up to rebind.
    assert calls == ["hooks.example"]


def test_https_is_verified_against_the_host_name(tls_server, ca, settings, resolves_to):
    settings.FRONTDESK_HTTP_ALLOW_PRIVATE = True
    table, _ = resolves_to
    table["hooks.example"] = "127.0.0.1"
    table["other.example"] = "127.0.0.1"
    trusting = ssl.create_default_context()
    ca.configure_trust(trusting)

    response = http.post(
        _url(tls_server, host="hooks.example", scheme="https"), body=b"x", ssl_context=trusting
    )
    assert response.status == 201

    # The certificate names another host.
    with pytest.raises(http.HttpConnectionError):
        http.post(_url(tls_server, host="other.example", scheme="https"), body=b"x", ssl_context=trusting)
    # The default trust store does not know the test CA.
    with pytest.raises(http.HttpConnectionError):
        http.post(_url(tls_server, host="hooks.example", scheme="https"), body=b"x")


def test_a_redirect_is_returned_not_followed(server, settings):
    settings.FRONTDESK_HTTP_ALLOW_PRIVATE = True

    response = http.post(_url(server, "/redirect"), body=b"x")

    assert response.status == 302
    assert response.headers["location"] == "/elsewhere"
    assert [path for path, _, _ in server.seen] == ["/redirect"]


def test_a_slow_answer_times_out_within_the_total_time(server, settings):
    settings.FRONTDESK_HTTP_ALLOW_PRIVATE = True
    started = time.monotonic()

    with pytest.raises(http.HttpTimeout):
        http.post(_url(server, "/slow"), body=b"x", total_timeout=0.5)

    assert time.monotonic() - started < 1.5
    assert http.HttpTimeout.retryable


@pytest.fixture
def dripping_server() -> Iterator[int]:
    """Answers a byte of header every 0.1 s for several seconds: no single read ever times out."""
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen(1)
    stop = threading.Event()

    def drip() -> None:
        try:
            conn, _ = listener.accept()
        except OSError:
            return
        with conn:
            conn.recv(65536)
            for byte in b"HTTP/1.1 200 OK\r\nX-Slow: " + b"a" * 100:
                if stop.is_set():
                    return
                try:
                    conn.sendall(bytes([byte]))
                except OSError:
                    return
                time.sleep(0.1)

    thread = threading.Thread(target=drip, daemon=True)
    thread.start()
    yield listener.getsockname()[1]
    stop.set()
    listener.close()


def test_a_server_dripping_its_answer_is_cut_off_at_the_total_time(dripping_server, settings):
    settings.FRONTDESK_HTTP_ALLOW_PRIVATE = True
    started = time.monotonic()

    with pytest.raises(http.HttpTimeout):
        http.post(f"http://127.0.0.1:{dripping_server}/", body=b"x", total_timeout=0.6)

    assert time.monotonic() - started < 1.5


def test_the_body_read_is_capped(server, settings):
    settings.FRONTDESK_HTTP_ALLOW_PRIVATE = True

    response = http.post(_url(server, "/big"), body=b"x", max_response_bytes=1000)

    assert len(response.body) == 1000
    assert response.truncated


def test_a_refused_connection_is_a_connection_error(settings):
    settings.FRONTDESK_HTTP_ALLOW_PRIVATE = True
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]

    with pytest.raises(http.HttpConnectionError):
        http.post(f"http://127.0.0.1:{port}/", body=b"x")


@pytest.mark.parametrize("url", ["ftp://example.com/", "/relative", "http://", "http://host:99999/"])
def test_bad_urls_are_refused(url):
    with pytest.raises(http.InvalidUrl):
        http.post(url, body=b"x")


def test_a_name_look_up_that_hangs_times_out_within_the_connect_time(settings, monkeypatch):
    settings.FRONTDESK_HTTP_ALLOW_PRIVATE = True
    release = threading.Event()

    def hanging_lookup(*args, **kwargs):
        release.wait(5)
        raise socket.gaierror("too late")

    monkeypatch.setattr(socket, "getaddrinfo", hanging_lookup)
    started = time.monotonic()
    try:
        with pytest.raises(http.HttpTimeout):
            http.post("https://slow-dns.example/hook", body=b"{}", connect_timeout=0.3, total_timeout=2)
    finally:
        release.set()
    assert time.monotonic() - started < 1.5


def test_a_name_that_does_not_resolve_is_a_connection_error(settings, monkeypatch):
    def no_such_name(*args, **kwargs):
        raise socket.gaierror(socket.EAI_NONAME, "Name or service not known")

    monkeypatch.setattr(socket, "getaddrinfo", no_such_name)
    with pytest.raises(http.HttpConnectionError, match="cannot resolve"):
        http.post("https://nowhere.example/hook", body=b"{}")
