"""ASGI entry point: HTTP through Django, websockets through Channels (routes are added by the apps)."""

import os

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "frontdesk.settings")

from channels.auth import AuthMiddlewareStack
from channels.routing import ProtocolTypeRouter, URLRouter
from channels.security.websocket import AllowedHostsOriginValidator
from django.core.asgi import get_asgi_application
from django.urls import path

django_application = get_asgi_application()

from frontdesk.desk.consumers import DeskConsumer

websocket_urlpatterns = [
    path("ws/desk/", DeskConsumer.as_asgi()),
    path("ws/desk/tickets/<str:number>/", DeskConsumer.as_asgi()),
]

application = ProtocolTypeRouter(
    {
        "http": django_application,
        # Sockets open only from our own pages (Origin in ALLOWED_HOSTS), as the signed-in session's user.
        "websocket": AllowedHostsOriginValidator(AuthMiddlewareStack(URLRouter(websocket_urlpatterns))),
    }
)
