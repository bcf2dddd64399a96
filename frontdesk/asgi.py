"""ASGI entry point: HTTP through Django, websockets through Channels (routes are added by the apps)."""

import os

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "frontdesk.settings")

from channels.routing import ProtocolTypeRouter
from django.core.asgi import get_asgi_application

django_application = get_asgi_application()

application = ProtocolTypeRouter({"http": django_application})
