from django.urls import path

from frontdesk.desk.views import customer, kb, kb_editor, kb_ticket, phone, search, ticket_merge, ticket_tools
from frontdesk.desk.views.queues import (
    bulk,
    create_view,
    delete_view,
    queue_page,
    saved_view_page,
    update_view,
)
from frontdesk.desk.views.ticket import download_attachment, post_message, retry_mail, ticket_page

app_name = "desk"

urlpatterns = [
    path("queues/", queue_page, name="queues"),
    path("queues/bulk/", bulk, name="bulk"),
    path("queues/<slug:queue>/", queue_page, name="queue"),
    path("views/", create_view, name="create_view"),
    path("views/<int:view_id>/", saved_view_page, name="saved_view"),
    path("views/<int:view_id>/update/", update_view, name="update_view"),
    path("views/<int:view_id>/delete/", delete_view, name="delete_view"),
    path("search/", search.search_page, name="search"),
    path("phone/", phone.phone_page, name="phone"),
    path("phone/callers/", phone.callers, name="phone_callers"),
    path("phone/callers/new/", phone.pick_caller, name="phone_new_caller"),
    path("phone/callers/<int:customer_id>/", phone.pick_caller, name="phone_caller"),
    path("phone/brand/", phone.phone_brand, name="phone_brand"),
    path("customers/<int:customer_id>/", customer.customer_panel, name="customer"),
    path("kb/", kb.kb_list, name="kb"),
    path("kb/<slug:brand>/new/", kb_editor.kb_new, name="kb_new"),
    path("kb/<slug:brand>/<int:public_id>/", kb.kb_article, name="kb_article"),
    path("kb/<slug:brand>/<int:public_id>/edit/", kb_editor.kb_edit, name="kb_edit"),
    path("kb/<slug:brand>/<int:public_id>/translate/", kb_editor.kb_translate, name="kb_translate"),
    path("kb/<slug:brand>/<int:public_id>/publish/", kb.kb_publish, name="kb_publish"),
    path("kb/<slug:brand>/<int:public_id>/related/", kb.kb_related, name="kb_related"),
    path("kb/<slug:brand>/<int:public_id>/attachments/", kb.kb_attach, name="kb_attach"),
    path(
        "kb/<slug:brand>/<int:public_id>/attachments/<int:attachment_id>/",
        kb.kb_attachment,
        name="kb_attachment",
    ),
    path("kb/<slug:brand>/<int:public_id>/history/", kb.kb_history, name="kb_history"),
    path("tickets/<str:number>/", ticket_page, name="ticket"),
    path("tickets/<str:number>/messages/", post_message, name="post_message"),
    path("tickets/<str:number>/calls/", phone.log_call, name="log_call"),
    path("tickets/<str:number>/tools/", ticket_tools.tools, name="ticket_tools"),
    path("tickets/<str:number>/escalate/", ticket_tools.escalate, name="escalate"),
    path("tickets/<str:number>/hand-back/", ticket_tools.hand_back, name="hand_back"),
    path("tickets/<str:number>/time/", ticket_tools.time_spent, name="time_spent"),
    path("tickets/<str:number>/canned/", ticket_tools.canned_search, name="canned_search"),
    path("tickets/<str:number>/canned/<int:answer_id>/", ticket_tools.canned_insert, name="canned_insert"),
    path("tickets/<str:number>/macros/<int:macro_id>/", ticket_tools.run_macro, name="run_macro"),
    path("tickets/<str:number>/kb/", kb_ticket.link_search, name="kb_link_search"),
    path("tickets/<str:number>/kb/<int:public_id>/", kb_ticket.link_insert, name="kb_link_insert"),
    path(
        "tickets/<str:number>/messages/<int:message_id>/article/",
        kb_ticket.from_answer,
        name="kb_from_answer",
    ),
    path("tickets/<str:number>/related/", ticket_merge.panel, name="ticket_merge"),
    path("tickets/<str:number>/merge/", ticket_merge.merge, name="merge_ticket"),
    path("tickets/<str:number>/links/", ticket_merge.link, name="link_ticket"),
    path("tickets/<str:number>/links/<str:other>/delete/", ticket_merge.unlink, name="unlink_ticket"),
    path("tickets/<str:number>/messages/<int:message_id>/split/", ticket_merge.split, name="split_message"),
    path("tickets/<str:number>/mail/<int:outbound_id>/retry/", retry_mail, name="retry_mail"),
    path(
        "tickets/<str:number>/attachments/<int:attachment_id>/",
        download_attachment,
        name="download_attachment",
    ),
]
