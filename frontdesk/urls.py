from django.contrib import admin
from django.urls import include, path

from frontdesk.api.api import api
from frontdesk.desk.views.home import home

urlpatterns = [
    path("", home, name="home"),
    path("desk/", include("frontdesk.desk.urls")),
    path("portal/", include("frontdesk.portal.urls")),
    path("admin/", admin.site.urls),
    path("accounts/", include("allauth.urls")),
    path("api/v1/", api.urls),
    path("i18n/", include("django.conf.urls.i18n")),
]
