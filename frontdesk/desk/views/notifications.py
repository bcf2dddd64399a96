"""An agent's notifications: the list (newest first, a page at a time), read marks, the bell's count and the
agent's settings of what reaches them how. Nobody sees or marks another person's notifications."""

from __future__ import annotations

from typing import Any

from django import forms
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.http.response import HttpResponseBase
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from frontdesk.core.errors import InvalidInput
from frontdesk.desk.timeline import viewer_zone
from frontdesk.desk.views.access import agent_view
from frontdesk.notifications import actions
from frontdesk.notifications.choices import DigestEvery, MailChoice, NotificationKind
from frontdesk.notifications.preferences import Choice
from frontdesk.notifications.queries import (
    access_notification,
    notification_page,
    preferences_of,
    unread_count,
)
from frontdesk.notifications.texts import headline
from frontdesk.users.actors import Actor


def _rows(page_rows: list[Any]) -> list[dict[str, Any]]:
    return [{"notification": n, "headline": headline(n.kind, n.actor_label)} for n in page_rows]


@require_GET
@agent_view
def notifications_page(request: HttpRequest, actor: Actor) -> HttpResponse:
    unread_only = request.GET.get("show") == "unread"
    page = notification_page(actor, cursor=request.GET.get("cursor", "")[:100], unread_only=unread_only)
    context = {
        "rows": _rows(page.rows),
        "next_cursor": page.next_cursor,
        "unread_only": unread_only,
        "unread": unread_count(actor, fresh=True),
        "viewer_tz": viewer_zone(getattr(request.user, "time_zone", "")),
    }
    template = "desk/partials/notification_list.html" if request.htmx else "desk/notifications.html"  # type: ignore[attr-defined]
    return TemplateResponse(request, template, context)


@require_GET
@agent_view
def notification_bell(request: HttpRequest, actor: Actor) -> HttpResponse:
    """The bell with a fresh count (fetched by the page after a live push, or when the cache had none)."""
    return TemplateResponse(
        request,
        "desk/partials/notification_bell.html",
        {"show": True, "unread": unread_count(actor, fresh=True), "fetch": False},
    )


@require_POST
@agent_view
def mark_read(request: HttpRequest, actor: Actor, notification_id: int) -> HttpResponseBase:
    actions.mark_read(actor, notification_id)
    if request.htmx:  # type: ignore[attr-defined]
        notification = access_notification(actor, notification_id)
        return TemplateResponse(
            request,
            "desk/partials/notification_row.html",
            {
                "row": {
                    "notification": notification,
                    "headline": headline(notification.kind, notification.actor_label),
                },
                "viewer_tz": viewer_zone(getattr(request.user, "time_zone", "")),
            },
        )
    return HttpResponseRedirect(reverse("desk:notifications"))


@require_POST
@agent_view
def open_notification(request: HttpRequest, actor: Actor, notification_id: int) -> HttpResponseBase:
    """Mark it read and go to its ticket."""
    notification = access_notification(actor, notification_id)
    actions.mark_read(actor, notification.pk)
    return HttpResponseRedirect(reverse("desk:ticket", args=[notification.ticket.number]))


@require_POST
@agent_view
def mark_all_read(request: HttpRequest, actor: Actor) -> HttpResponseBase:
    actions.mark_all_read(actor)
    return HttpResponseRedirect(reverse("desk:notifications"))


class PreferencesForm(forms.Form):
    digest_every = forms.ChoiceField(label=_("Digest"), choices=DigestEvery.choices)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for kind, label in NotificationKind.choices:
            self.fields[f"{kind}_in_app"] = forms.BooleanField(label=label, required=False)
            self.fields[f"{kind}_mail"] = forms.ChoiceField(label=label, choices=MailChoice.choices)

    def rows(self) -> list[dict[str, Any]]:
        return [
            {"label": label, "in_app": self[f"{kind}_in_app"], "mail": self[f"{kind}_mail"]}
            for kind, label in NotificationKind.choices
        ]

    def choices(self) -> dict[str, Choice]:
        return {
            kind: Choice(
                in_app=bool(self.cleaned_data[f"{kind}_in_app"]),
                mail=MailChoice(self.cleaned_data[f"{kind}_mail"]),
            )
            for kind in NotificationKind.values
        }


@require_http_methods(["GET", "POST"])
@agent_view
def preferences_page(request: HttpRequest, actor: Actor) -> HttpResponse:
    current = preferences_of(actor)
    initial: dict[str, Any] = {"digest_every": current.digest_every}
    for kind, choice in current.choices.items():
        initial[f"{kind}_in_app"] = choice.in_app
        initial[f"{kind}_mail"] = str(choice.mail)
    status = 200
    saved = False
    if request.method == "POST":
        form = PreferencesForm(request.POST, initial=initial)
        if form.is_valid():
            try:
                actions.save_preferences(
                    actor, choices=form.choices(), digest_every=form.cleaned_data["digest_every"]
                )
                saved = True
            except InvalidInput as error:
                form.add_error(None, error.detail)
        if not saved:
            status = 422
    else:
        form = PreferencesForm(initial=initial)
    return TemplateResponse(
        request, "desk/notifications_settings.html", {"form": form, "saved": saved}, status=status
    )
