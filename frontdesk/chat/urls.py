"""The chat's HTTP side: the widget script, the try-it page and chat files (the sockets are in asgi.py)."""

from django.urls import URLPattern, path

from frontdesk.chat import views

app_name = "chat"
urlpatterns: list[URLPattern] = [
    path("widget.js", views.widget_js, name="widget"),
    path("try/<slug:slug>/", views.try_page, name="try"),
    path("files/<str:signed>/", views.chat_file, name="file"),
]
