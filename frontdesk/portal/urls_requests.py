"""The portal's pages for filing: a new request with suggestions, a letter to the management, ratings."""

from django.urls import URLPattern, path

from frontdesk.portal.views import management, new_request, rating

request_pages: list[URLPattern] = [
    path("new/", new_request.new_request, name="new_request"),
    path("new/suggest/", new_request.new_request_suggest, name="new_request_suggest"),
    path("new/cancel/", new_request.new_request_cancel, name="new_request_cancel"),
    path("new/sent/", new_request.new_request_sent, name="new_request_sent"),
    path("management/", management.write_to_management, name="write_to_management"),
    path("rate/<str:token>/", rating.rate_by_link, name="rate"),
    path("tickets/<str:number>/rate/", rating.rate_request, name="ticket_rate"),
]
