"""The networks' calls to us: ``POST /connectors/<kind>/<key>/``, CSRF-exempt, checked by each adapter
(Telegram's secret token header, VK's secret and confirmation handshake, the inbound webhook's HMAC signature).

Bad input answers 4xx with ``{"error": code, "detail": text}``; updates are stored raw before anything else
and processed by the worker, so the answer is quick and a redelivery changes nothing.
"""

from __future__ import annotations

from django.db import transaction
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt

from frontdesk.connectors.base import Refused
from frontdesk.connectors.intake import store_updates
from frontdesk.connectors.models import Connector
from frontdesk.connectors.registry import adapter_for


def _error(status: int, code: str, detail: str) -> JsonResponse:
    return JsonResponse({"error": code, "detail": detail}, status=status)


@csrf_exempt
def inbound(request: HttpRequest, kind: str, key: str) -> HttpResponse:
    if request.method != "POST":
        response = _error(405, "method_not_allowed", _("Send a POST request."))
        response["Allow"] = "POST"
        return response
    connector = Connector.objects.filter(kind=kind, key=key, is_enabled=True).select_related("brand").first()
    if connector is None:
        return _error(404, "not_found", _("No such connector."))
    try:
        received = adapter_for(connector).receive(connector, request)
    except Refused as refused:
        return _error(refused.status, refused.code, refused.message)
    if received.updates:
        with transaction.atomic():
            store_updates(connector, received.updates)
    if isinstance(received.answer, str):
        return HttpResponse(received.answer, content_type="text/plain; charset=utf-8")
    return JsonResponse(received.answer)
