"""The chat's HTTP side: the widget script, the try-it page and chat files (the sockets are in asgi.py)."""

from django.urls import URLPattern

app_name = "chat"
urlpatterns: list[URLPattern] = []
