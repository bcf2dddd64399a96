"""A brand's portal under ``/portal/<slug>/``; ``host_urls`` serves the same ``pages`` at a brand's own host."""

from django.urls import URLPattern, URLResolver, include, path, re_path

from frontdesk.portal.urls_requests import request_pages
from frontdesk.portal.views import account, home, lookup, tickets
from frontdesk.portal.views.kb import kb_article, kb_attachment, kb_category, kb_home, kb_search, kb_vote

app_name = "portal"

pages: list[URLPattern | URLResolver] = [
    path("", home.home, name="home"),
    path("signin/", account.signin, name="signin"),
    path("signin/code/", account.signin_code, name="signin_code"),
    path("signin/code/confirm/", account.signin_code_confirm, name="signin_code_confirm"),
    path("signin/confirm-address/", account.confirm_address, name="confirm_address"),
    path("signup/", account.signup, name="signup"),
    path("signout/", account.signout, name="signout"),
    path("password/reset/", account.password_reset, name="password_reset"),
    path("password/reset/sent/", account.password_reset_done, name="password_reset_done"),
    re_path(
        r"^password/reset/key/(?P<uidb36>[0-9A-Za-z]+)-(?P<key>.+)/$",
        account.password_reset_key,
        name="password_reset_key",
    ),
    path("welcome/<str:token>/", lookup.welcome, name="welcome"),
    path("lookup/", lookup.lookup_form, name="lookup"),
    path("lookup/<str:token>/", lookup.lookup_open, name="lookup_open"),
    path("requests/", tickets.requests_list, name="requests"),
    path("tickets/<str:number>/", tickets.ticket_page, name="ticket"),
    path("tickets/<str:number>/reply/", tickets.reply, name="ticket_reply"),
    path("tickets/<str:number>/solve/", tickets.solve, name="ticket_solve"),
    path("tickets/<str:number>/reopen/", tickets.reopen, name="ticket_reopen"),
    path("tickets/<str:number>/attachments/<int:attachment_id>/", tickets.attachment, name="attachment"),
    path("kb/", kb_home, name="kb_home"),
    path("kb/search/", kb_search, name="kb_search"),
    path("kb/topics/<slug:category>/", kb_category, name="kb_category"),
    path("kb/<int:public_id>/", kb_article, name="kb_article"),
    path("kb/<int:public_id>/vote/", kb_vote, name="kb_vote"),
    path("kb/<int:public_id>/files/<int:attachment_id>/", kb_attachment, name="kb_attachment"),
    *request_pages,
]

urlpatterns: list[URLPattern | URLResolver] = [
    path("<slug:brand>/", include(pages)),
]
