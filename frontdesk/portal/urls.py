"""A brand's portal under ``/portal/<slug>/``; ``host_urls`` serves the same ``pages`` at a brand's own host."""

from django.urls import URLPattern, URLResolver, include, path

from frontdesk.portal.views import home
from frontdesk.portal.views.kb import kb_article, kb_attachment, kb_category, kb_home, kb_search, kb_vote

app_name = "portal"

pages: list[URLPattern | URLResolver] = [
    path("", home.home, name="home"),
    path("kb/", kb_home, name="kb_home"),
    path("kb/search/", kb_search, name="kb_search"),
    path("kb/topics/<slug:category>/", kb_category, name="kb_category"),
    path("kb/<int:public_id>/", kb_article, name="kb_article"),
    path("kb/<int:public_id>/vote/", kb_vote, name="kb_vote"),
    path("kb/<int:public_id>/files/<int:attachment_id>/", kb_attachment, name="kb_attachment"),
]

urlpatterns: list[URLPattern | URLResolver] = [
    path("<slug:brand>/", include(pages)),
]
