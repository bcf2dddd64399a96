from django.urls import path

from frontdesk.connectors import views

app_name = "connectors"
urlpatterns = [
    path("<slug:kind>/<str:key>/", views.inbound, name="inbound"),
]
