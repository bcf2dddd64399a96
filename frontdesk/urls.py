from django.contrib import admin
from django.urls import include, path

from frontdesk.api.api import api
from frontdesk.desk.views.home import home
from frontdesk.desk.views.language import set_language

urlpatterns = [
    path("", home, name="home"),
    path("desk/", include("frontdesk.desk.urls")),
    path("portal/", include("frontdesk.portal.urls")),
    path("chat/", include("frontdesk.chat.urls")),
    path("connectors/", include("frontdesk.connectors.urls")),
    path("admin/", admin.site.urls),
    path("accounts/", include("allauth.urls")),
    path("api/v1/", api.urls),
    # Before Django's own: a signed-in person's choice is kept in their profile, which outranks the cookie.
    path("i18n/setlang/", set_language, name="set_language"),
    path("i18n/", include("django.conf.urls.i18n")),
]
