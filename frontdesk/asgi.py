"""ASGI entry point: HTTP through Django, websockets through Channels (routes are added by the apps)."""

import os
from typing import Any

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "frontdesk.settings")

from channels.auth import AuthMiddlewareStack
from channels.generic.websocket import AsyncWebsocketConsumer
from channels.routing import ProtocolTypeRouter, URLRouter
from channels.security.websocket import AllowedHostsOriginValidator
from django.core.asgi import get_asgi_application
from django.urls import path, re_path

django_application = get_asgi_application()

from frontdesk.chat.consumers import AgentConsumer, VisitorConsumer
from frontdesk.desk.consumers import DeskConsumer

# The close code of a socket to an address that is none of ours (a malformed path).
NO_ROUTE = 4404


class NoRoute(AsyncWebsocketConsumer):
    """Any other socket address: refused with ``NO_ROUTE`` before it opens, not an error in the router."""

    async def connect(self) -> None:
        await self.close(code=NO_ROUTE)


no_route = re_path(r"", NoRoute.as_asgi())

websocket_urlpatterns = [
    path("ws/desk/", DeskConsumer.as_asgi()),
    path("ws/desk/tickets/<str:number>/", DeskConsumer.as_asgi()),
    path("ws/desk/chat/", AgentConsumer.as_asgi()),
    no_route,
]

# Sockets open only from our own pages (Origin in ALLOWED_HOSTS), as the signed-in session's user.
desk_sockets = AllowedHostsOriginValidator(AuthMiddlewareStack(URLRouter(websocket_urlpatterns)))
# The chat widget runs on the brands' own websites: its socket checks the Origin against the brand's allowed
# websites (and our hosts) itself, and knows no signed-in user.
visitor_sockets = URLRouter([path("ws/chat/<slug:brand>/", VisitorConsumer.as_asgi()), no_route])
VISITOR_PREFIX = "/ws/chat/"


async def websockets(scope: dict[str, Any], receive: Any, send: Any) -> None:
    if scope.get("path", "").startswith(VISITOR_PREFIX):
        await visitor_sockets(scope, receive, send)
    else:
        await desk_sockets(scope, receive, send)


application = ProtocolTypeRouter({"http": django_application, "websocket": websockets})
