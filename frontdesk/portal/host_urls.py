"""The URL configuration of a brand's own portal host: the portal's pages at the root, with sign-in and the
language switch they use. The desk, the admin and the API are not served there."""

from django.urls import include, path

from frontdesk.portal.urls import pages

urlpatterns = [
    path("", include((pages, "portal"))),
    path("accounts/", include("allauth.urls")),
    path("i18n/", include("django.conf.urls.i18n")),
]
