"""Frontdesk's own URLs plus the bare baseline views under ``/bench/bare/``."""

from django.urls import path

from bench.bare import bare_create, bare_read
from frontdesk.urls import urlpatterns as frontdesk_urlpatterns

urlpatterns = [
    path("bench/bare/", bare_create),
    path("bench/bare/<int:pk>", bare_read),
    *frontdesk_urlpatterns,
]
