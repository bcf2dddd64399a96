"""The chat's HTTP endpoints: the widget script (public, for any website), the try-it page (agents of the
brand) and chat files (by a signed link, as the sockets hand them out)."""

from __future__ import annotations

import gzip
import hashlib
from functools import cache
from pathlib import Path

from django.contrib.auth.views import redirect_to_login
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.template.response import TemplateResponse
from django.utils.cache import patch_vary_headers
from django.views.decorators.http import require_GET

from frontdesk.chat.embed import snippet, snippet_html
from frontdesk.chat.frames import message_id_from_link
from frontdesk.chat.queries import enabled_chat_for_slug, message_by_id
from frontdesk.users.actors import actor_for

WIDGET = Path(__file__).resolve().parent / "static" / "chat" / "widget.js"
# Websites load the script on every page: browsers keep it this long, then ask again (cheap with the ETag).
WIDGET_MAX_AGE = 300


@cache
def _widget(mtime: float, gzipped: bool) -> tuple[bytes, str]:
    """The script as it is, or compressed (a third of its size) for browsers that accept gzip; each with its
    own ETag."""
    body = WIDGET.read_bytes()
    tag = hashlib.sha256(body).hexdigest()[:32]
    if gzipped:
        return gzip.compress(body, compresslevel=9, mtime=0), f'"{tag}-gzip"'
    return body, f'"{tag}"'


@require_GET
def widget_js(request: HttpRequest) -> HttpResponse:
    """The widget's JavaScript, loadable by a ``<script>`` tag on any website."""
    gzipped = "gzip" in request.headers.get("Accept-Encoding", "").lower()
    try:
        body, etag = _widget(WIDGET.stat().st_mtime, gzipped)
    except OSError:
        raise Http404 from None
    if request.headers.get("If-None-Match") == etag:
        response = HttpResponse(status=304)
    else:
        response = HttpResponse(body, content_type="text/javascript; charset=utf-8")
        if gzipped:
            response["Content-Encoding"] = "gzip"
    response["ETag"] = etag
    patch_vary_headers(response, ["Accept-Encoding"])
    response["Cache-Control"] = f"public, max-age={WIDGET_MAX_AGE}"
    response["Access-Control-Allow-Origin"] = "*"
    response["Cross-Origin-Resource-Policy"] = "cross-origin"
    response["X-Content-Type-Options"] = "nosniff"
    return response


@require_GET
def try_page(request: HttpRequest, slug: str) -> HttpResponseBase:
    """A plain page with the brand's widget on it, for the brand's agents and admins to try the chat and copy
    the snippet. Anyone else: the sign-in page, or 404 (as for a brand that does not exist)."""
    if not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path())
    chat = enabled_chat_for_slug(slug)
    if chat is None or not actor_for(request.user).serves(chat.brand_id):
        raise Http404
    base = request.build_absolute_uri("/")
    context = {
        "brand": chat.brand,
        "snippet": snippet(chat.brand),
        "embedded": snippet_html(chat.brand, base=base),
    }
    return TemplateResponse(request, "chat/try.html", context)


@require_GET
def chat_file(request: HttpRequest, signed: str) -> HttpResponseBase:
    """A file sent in a chat, by the signed link of its message; always a download, never sniffed."""
    message_id = message_id_from_link(signed)
    message = message_by_id(message_id) if message_id is not None else None
    if message is None or not message.attachment:
        raise Http404
    try:
        handle = message.attachment.open("rb")
    except OSError:
        raise Http404 from None
    response = FileResponse(
        handle, as_attachment=True, filename=message.attachment_name, content_type="application/octet-stream"
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    response["Cache-Control"] = "private, max-age=3600"
    response["Access-Control-Allow-Origin"] = "*"
    response["Cross-Origin-Resource-Policy"] = "cross-origin"
    return response
