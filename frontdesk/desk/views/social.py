"""The social inbox: public mentions and comments of the agent's brands, newest first, a page at a time, filtered
by brand, sentiment and status; each can be answered (positive ones with the suggested thank-you, editable),
dismissed or turned into a ticket. Another brand's items are 404, like missing ones."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django import forms
from django.db.models import Q, QuerySet
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.http.response import HttpResponseBase
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_GET, require_POST

from frontdesk.connectors import actions
from frontdesk.connectors.choices import ItemStatus, Sentiment
from frontdesk.connectors.queries import access_social_item, latest_reply_states, social_items_visible_to
from frontdesk.core.errors import InvalidInput, InvalidTransition
from frontdesk.desk.timeline import viewer_zone
from frontdesk.desk.views.access import agent_view
from frontdesk.users.actors import Actor
from frontdesk.users.queries import access_brand_by_id, brands_visible_to

PAGE_SIZE = 25
MAX_REPLY_CHARS = actions.MAX_REPLY_CHARS


class InboxFilters(forms.Form):
    brand = forms.ChoiceField(label=_("Brand"), required=False)
    sentiment = forms.ChoiceField(
        label=_("Sentiment"), required=False, choices=[("", _("All")), *Sentiment.choices]
    )
    status = forms.ChoiceField(
        label=_("Status"), required=False, choices=[("", _("All")), *ItemStatus.choices]
    )
    cursor = forms.CharField(required=False, max_length=100, widget=forms.HiddenInput)

    def __init__(self, *args: Any, brands: list[Any], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.brand_ids = {brand.slug: brand.pk for brand in brands}
        brand = self.fields["brand"]
        assert isinstance(brand, forms.ChoiceField)
        brand.choices = [("", _("All brands")), *((b.slug, b.name) for b in brands)]


class ReplyForm(forms.Form):
    text = forms.CharField(
        label=_("Answer"), max_length=MAX_REPLY_CHARS, widget=forms.Textarea(attrs={"rows": 3})
    )


def _cursor(item: Any) -> str:
    return f"{item.posted_at.isoformat()}_{item.pk}"


def _after(items: QuerySet[Any], cursor: str) -> QuerySet[Any]:
    """Items older than the cursor's; a cursor that does not parse starts from the newest."""
    moment, _sep, pk = cursor.rpartition("_")
    try:
        posted, item_id = dt.datetime.fromisoformat(moment), int(pk)
    except ValueError:
        return items
    if posted.tzinfo is None:
        return items
    return items.filter(Q(posted_at__lt=posted) | Q(posted_at=posted, pk__lt=item_id))


def _item_context(
    request: HttpRequest,
    item: Any,
    brand_name: str,
    form: ReplyForm | None = None,
    error: str = "",
    *,
    reply: Any = None,
) -> dict[str, Any]:
    initial = (
        {"text": item.suggested_reply} if item.sentiment == Sentiment.POSITIVE and not item.reply_text else {}
    )
    return {
        "item": item,
        "brand_name": brand_name,
        "form": form or ReplyForm(initial=initial, auto_id=f"reply-{item.pk}-%s"),
        "error": error,
        # Where the item's latest answer stands (queued, sent, retrying, failed), None when never answered.
        "reply": reply,
        "viewer_tz": viewer_zone(getattr(request.user, "time_zone", "")),
    }


@require_GET
@agent_view
def inbox_page(request: HttpRequest, actor: Actor) -> HttpResponse:
    brands = [
        brand
        for brand in brands_visible_to(actor).order_by("name")
        if actor.sees_all_brands or brand.pk in actor.agent_brand_ids
    ]
    filters = InboxFilters(request.GET or None, brands=brands)
    items: list[Any] = []
    next_cursor, status = "", 200
    if request.GET and not filters.is_valid():
        status = 422
    else:
        data = filters.cleaned_data if request.GET else {}
        visible = social_items_visible_to(
            actor,
            brand=filters.brand_ids.get(data.get("brand") or ""),
            status=data.get("status") or None,
            sentiment=data.get("sentiment") or None,
        )
        if data.get("cursor"):
            visible = _after(visible, data["cursor"])
        items = list(visible[: PAGE_SIZE + 1])
        if len(items) > PAGE_SIZE:
            items = items[:PAGE_SIZE]
            next_cursor = _cursor(items[-1])
    names = {brand.pk: brand.name for brand in brands}
    replies = latest_reply_states(item.pk for item in items)
    query = request.GET.copy()
    query.pop("cursor", None)
    context = {
        "filters": filters,
        "rows": [
            _item_context(request, item, names.get(item.brand_id, ""), reply=replies.get(item.pk))
            for item in items
        ],
        "next_cursor": next_cursor,
        "query": query.urlencode(),
        "several_brands": len(brands) > 1,
    }
    template = "desk/partials/social_list.html" if request.htmx else "desk/social.html"  # type: ignore[attr-defined]
    return TemplateResponse(request, template, context, status=status)


def _answer(
    request: HttpRequest, actor: Actor, item: Any, *, status: int = 200, **extra: Any
) -> HttpResponseBase:
    """The item's card again for HTMX; the inbox (where the item is) for a plain form post."""
    if request.htmx:  # type: ignore[attr-defined]
        return TemplateResponse(
            request,
            "desk/partials/social_item.html",
            _item_context(
                request,
                item,
                access_brand_by_id(actor, item.brand_id).name,
                reply=latest_reply_states([item.pk]).get(item.pk),
                **extra,
            ),
            status=status,
        )
    if status != 200:
        return HttpResponse(extra.get("error", ""), status=status, content_type="text/plain; charset=utf-8")
    return HttpResponseRedirect(reverse("desk:social") + f"#social-item-{item.pk}")


@require_POST
@agent_view
def reply(request: HttpRequest, actor: Actor, item_id: int) -> HttpResponseBase:
    item = access_social_item(actor, item_id)
    form = ReplyForm(request.POST, auto_id=f"reply-{item.pk}-%s")
    if not form.is_valid():
        return _answer(
            request,
            actor,
            item,
            status=422,
            form=form,
            error=" ".join(str(e) for e in form.errors.get("text", [])),
        )
    try:
        actions.reply_to_social_item(item, actor=actor, text=form.cleaned_data["text"])
    except InvalidInput as refused:
        return _answer(request, actor, item, status=422, form=form, error=refused.detail)
    return _answer(request, actor, access_social_item(actor, item_id))


@require_POST
@agent_view
def dismiss(request: HttpRequest, actor: Actor, item_id: int) -> HttpResponseBase:
    item = access_social_item(actor, item_id)
    try:
        actions.dismiss_social_item(item, actor=actor)
    except InvalidTransition as refused:
        return _answer(request, actor, item, status=409, error=refused.detail)
    return _answer(request, actor, access_social_item(actor, item_id))


@require_POST
@agent_view
def make_ticket(request: HttpRequest, actor: Actor, item_id: int) -> HttpResponseBase:
    item = access_social_item(actor, item_id)
    ticket = actions.make_ticket_from_item(item, actor=actor)
    if request.htmx:  # type: ignore[attr-defined]
        return _answer(request, actor, access_social_item(actor, item_id))
    return HttpResponseRedirect(reverse("desk:ticket", args=[ticket.number]))


urlpatterns = [
    path("", inbox_page, name="social"),
    path("<int:item_id>/reply/", reply, name="social_reply"),
    path("<int:item_id>/dismiss/", dismiss, name="social_dismiss"),
    path("<int:item_id>/ticket/", make_ticket, name="social_ticket"),
]
