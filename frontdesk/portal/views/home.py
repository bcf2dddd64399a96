"""The portal's start page: search the brand's answers, file a request, follow one's requests."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.template.response import TemplateResponse

from frontdesk.portal.site import Portal, portal_view


@portal_view
def home(request: HttpRequest, portal: Portal) -> HttpResponse:
    context = {
        # Pages that other parts of the portal add; the links show once they exist.
        "search_url": portal.url_or_none("kb_search"),
        "kb_url": portal.url_or_none("kb_home"),
        "new_request_url": portal.url_or_none("new_request"),
        "requests_url": portal.url_or_none("requests"),
        "lookup_url": portal.url_or_none("lookup"),
    }
    return TemplateResponse(request, "portal/home.html", context)
