"""A brand's portal under ``/portal/<slug>/``; ``host_urls`` serves the same ``pages`` at a brand's own host."""

from django.urls import URLPattern, URLResolver, include, path

from frontdesk.portal.views import home

app_name = "portal"

pages: list[URLPattern | URLResolver] = [
    path("", home.home, name="home"),
]

urlpatterns: list[URLPattern | URLResolver] = [
    path("<slug:brand>/", include(pages)),
]
