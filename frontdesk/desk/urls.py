from django.urls import path

from frontdesk.desk.views.ticket import download_attachment, post_message, retry_mail, ticket_page

app_name = "desk"

urlpatterns = [
    path("tickets/<str:number>/", ticket_page, name="ticket"),
    path("tickets/<str:number>/messages/", post_message, name="post_message"),
    path("tickets/<str:number>/mail/<int:outbound_id>/retry/", retry_mail, name="retry_mail"),
    path(
        "tickets/<str:number>/attachments/<int:attachment_id>/",
        download_attachment,
        name="download_attachment",
    ),
]
