"""Which websites may open the visitor's socket: a brand's origins exactly, or the help desk's own origin."""

from __future__ import annotations

import pytest
from asgiref.sync import async_to_sync
from django.core.exceptions import ValidationError

from frontdesk.chat.origins import clean_origins, origin_allowed
from frontdesk.desk.tests.sockets import Socket, live_sockets  # noqa: F401 - a fixture

BRAND = ["https://www.opera.example"]


@pytest.mark.parametrize(
    ("origin", "allowed"),
    [
        ("https://www.opera.example", True),
        ("https://www.opera.example:443", True),
        ("http://www.opera.example", False),  # another scheme
        ("https://www.opera.example:8443", False),  # another port
        ("https://opera.example", False),
    ],
)
def test_a_brands_origin_counts_with_its_scheme_host_and_port(origin, allowed):
    assert origin_allowed(origin, BRAND, scheme="wss", host="desk.example") is allowed


@pytest.mark.parametrize(
    ("origin", "scheme", "host", "allowed"),
    [
        ("https://desk.example", "wss", "desk.example", True),
        ("http://desk.example", "wss", "desk.example", False),  # the desk answers on https
        ("https://desk.example:8443", "wss", "desk.example", False),  # another port of our host
        ("http://desk.example:8000", "ws", "desk.example:8000", True),
        ("http://desk.example", "ws", "desk.example:8000", False),
        ("https://desk.example", "wss", "other.example", False),  # not our host at all
    ],
)
def test_the_desks_own_origin_must_match_the_socket_requests_scheme_host_and_port(
    settings, origin, scheme, host, allowed
):
    settings.ALLOWED_HOSTS = ["desk.example"]
    assert origin_allowed(origin, [], scheme=scheme, host=host) is allowed


@pytest.mark.parametrize("pattern", ["*", ".example.com"])
def test_a_wildcard_in_allowed_hosts_lets_no_other_website_in(settings, pattern):
    settings.ALLOWED_HOSTS = [pattern]
    assert not origin_allowed("https://evil.example.com", BRAND, scheme="wss", host="desk.example.com")
    assert not origin_allowed("https://anything.test", BRAND, scheme="wss", host="desk.example.com")
    assert origin_allowed("https://desk.example.com", BRAND, scheme="wss", host="desk.example.com")


@pytest.mark.django_db
@pytest.mark.usefixtures("live_sockets")
@pytest.mark.parametrize(
    ("origin", "connected"),
    [(b"https://desk.example.com", True), (b"https://evil.example.com", False)],
)
def test_the_visitor_socket_under_a_wildcard_host_opens_for_our_own_origin_only(
    settings, opera_chat, origin, connected
):
    settings.ALLOWED_HOSTS = [".example.com"]

    async def scenario():
        socket = Socket("/ws/chat/opera/", [(b"origin", origin), (b"host", b"desk.example.com")])
        socket.scope["scheme"] = "wss"
        opened, code = await socket.connect()
        assert opened is connected
        if not opened:
            assert code == 4403
        await socket.disconnect()

    async_to_sync(scenario)()


@pytest.mark.parametrize(
    ("written", "stored"),
    [
        ("http://exämple.com", "http://xn--exmple-cua.com"),
        ("https://пример.рф", "https://xn--e1afmkfd.xn--p1ai"),
        ("https://ПРИМЕР.РФ:8443/", "https://xn--e1afmkfd.xn--p1ai:8443"),
        ("https://faß.de", "https://xn--fa-hia.de"),  # as browsers map it (UTS #46), not "fass.de"
        ("https://xn--e1afmkfd.xn--p1ai", "https://xn--e1afmkfd.xn--p1ai"),
        ("http://[::1]:8000", "http://[::1]:8000"),
        ("http://127.0.0.1:8000", "http://127.0.0.1:8000"),
    ],
)
def test_an_internationalized_host_is_stored_the_way_browsers_send_it(written, stored):
    assert clean_origins([written]) == [stored]


def test_a_browser_naming_an_internationalized_site_in_punycode_is_let_in():
    allowed = ["https://пример.рф", "http://exämple.com"]
    assert origin_allowed("https://xn--e1afmkfd.xn--p1ai", allowed, scheme="wss", host="desk.example")
    assert origin_allowed("http://xn--exmple-cua.com", allowed, scheme="wss", host="desk.example")
    assert not origin_allowed(
        "https://xn--e1afmkfd.xn--p1ai:8443", allowed, scheme="wss", host="desk.example"
    )


@pytest.mark.parametrize(
    "written",
    [
        "http://foo bar.com",  # a space
        "https://exa<mple.com",
        "https://foo bär.com",
        "https://a..example.com",  # an empty label
        "https://" + "a" * 64 + ".com",  # a label over 63 characters
        "https://" + "ä" * 64 + ".com",
        "https://" + ("a" * 62 + ".") * 4 + "com",  # 255 characters: over 253
        "https://" + "a" * 5000 + ".com",
        "https://[::g]",
    ],
)
def test_a_host_no_browser_can_send_is_refused_with_its_value(written):
    with pytest.raises(ValidationError) as refused:
        clean_origins([written])
    assert refused.value.params == {"value": written}


def test_the_longest_host_and_label_still_count():
    label = "a" * 63
    longest = "https://" + ".".join([label, label, label, "a" * 61])  # 253 characters
    assert clean_origins([longest]) == [longest]
