"""A brand's portal at the root of its own host name (``Brand.portal_host``)."""

from __future__ import annotations

import time
from collections.abc import Callable
from urllib.parse import urlsplit

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.http.request import split_domain_port

from frontdesk.brands.queries import portal_brand_id_for_host

HOST_URLCONF = "frontdesk.portal.host_urls"
# How long this process remembers which brand (or none) a host name belongs to.
MEMORY_SECONDS = 60.0
_MEMORY_SIZE = 1000
_LOCAL = frozenset({"127.0.0.1", "localhost", "[::1]", "::1", "testserver"})


class PortalHostMiddleware:
    """Requests to a brand's portal host get the portal's pages at the root (``host_urls``); every other host
    (the main site's, named by ``FRONTDESK_URL``) goes on as before without a query."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response
        self.main_host = (urlsplit(settings.SITE_URL).hostname or "").lower()
        self.memory: dict[str, tuple[float, int | None]] = {}

    def brand_id(self, host: str) -> int | None:
        now = time.monotonic()
        found = self.memory.get(host)
        if found is not None and found[0] > now:
            return found[1]
        brand_id = portal_brand_id_for_host(host)
        if len(self.memory) >= _MEMORY_SIZE:
            self.memory.clear()
        self.memory[host] = (now + MEMORY_SECONDS, brand_id)
        return brand_id

    def __call__(self, request: HttpRequest) -> HttpResponse:
        host, _port = split_domain_port(request.get_host())
        if host and host != self.main_host and host not in _LOCAL:
            brand_id = self.brand_id(host)
            if brand_id is not None:
                request.urlconf = HOST_URLCONF  # type: ignore[attr-defined]
                request.portal_brand_id = brand_id  # type: ignore[attr-defined]
        return self.get_response(request)
