"""Queues: the sidebar of work lists with their counts, a filtered and sorted list a page at a time, saved
views, and changes to many tickets at once after a confirmation."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from django.db.models import QuerySet
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect, QueryDict
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from frontdesk.core.errors import DomainError, NotFound, PermissionDenied
from frontdesk.desk.forms import UNASSIGNED, BulkForm, QueueFilterForm, SavedViewForm, filter_params
from frontdesk.desk.rendering import quick_renderer
from frontdesk.desk.timeline import viewer_zone
from frontdesk.desk.views.access import agent_view
from frontdesk.tickets.bulk import BulkChange, BulkKind, bulk_change, bulk_targets
from frontdesk.tickets.queries import access_category, access_ticket, categories_visible_to
from frontdesk.tickets.queues import (
    QUEUE_LABELS,
    Desk,
    InvalidCursor,
    QueueFilters,
    QueueKind,
    access_saved_view,
    count_label,
    desk_for,
    forget_counts,
    page_of_queue,
    queue_tickets,
    remembered_counts,
    saved_views_visible_to,
    teams_for_queues,
    view_filters,
)
from frontdesk.users import actions as user_actions
from frontdesk.users.actors import Actor
from frontdesk.users.queries import access_agent, access_brand_by_id, agents_visible_to, brands_visible_to

if TYPE_CHECKING:
    from frontdesk.users.models import SavedView

# The order of the sidebar: the agent's own work first.
SIDEBAR = (
    QueueKind.MINE,
    QueueKind.TEAM,
    QueueKind.UNASSIGNED,
    QueueKind.ESCALATED,
    QueueKind.WAITING,
    QueueKind.AT_RISK,
    QueueKind.LINE1,
    QueueKind.LINE2,
    QueueKind.LINE3,
    QueueKind.RECENT,
    QueueKind.ALL,
)


@dataclass(frozen=True)
class SidebarEntry:
    label: str
    url: str
    count: str
    active: bool = False
    shared: bool = False


def _queue_url(queue: QueueKind, query: str = "") -> str:
    url = reverse("desk:queue", args=[queue.value])
    return f"{url}?{query}" if query else url


def sidebar(
    actor: Actor,
    desk: Desk,
    views: list[SavedView],
    *,
    brands: list[Any],
    brand_id: int | None = None,
    active: str = "",
    queue: QueueKind = QueueKind.MINE,
    joined: float | None = None,
) -> dict[str, list[SidebarEntry]]:
    """The queues and saved views with their capped counts, all counted in one statement and remembered for
    a few seconds (``remembered_counts``; ``joined``, the user's join time, tells apart accounts that got the
    same id in a recreated database). With a brand chosen, the queues count that brand's tickets and link to
    it; the brand links open ``queue``."""

    def querysets() -> dict[str, QuerySet[Any]]:
        found = {q.value: queue_tickets(desk, QueueFilters(queue=q, brand_id=brand_id)) for q in SIDEBAR}
        return found | {f"view-{v.pk}": queue_tickets(desk, view_filters(v)) for v in views}

    scope = (joined, brand_id, [(v.pk, v.brand_id, v.filters) for v in views])
    counts = remembered_counts(desk, querysets, scope=scope)
    brand_query = filter_params(QueueFilters(brand_id=brand_id))
    return {
        "queues": [
            SidebarEntry(
                str(QUEUE_LABELS[q]),
                _queue_url(q, brand_query),
                count_label(counts[q.value]),
                active == q.value,
            )
            for q in SIDEBAR
        ],
        "views": [
            SidebarEntry(
                v.name,
                reverse("desk:saved_view", args=[v.pk]),
                count_label(counts[f"view-{v.pk}"]),
                active == f"view-{v.pk}",
                v.is_shared,
            )
            for v in views
        ],
        "brands": [SidebarEntry(str(_("All brands")), _queue_url(queue), "", brand_id is None)]
        + [
            SidebarEntry(
                b.name, _queue_url(queue, filter_params(QueueFilters(brand_id=b.pk))), "", brand_id == b.pk
            )
            for b in brands
        ],
    }


def agent_brands(actor: Actor) -> list[Any]:
    """The brands the agent works for (not those where the same person is a customer)."""
    return [b for b in brands_visible_to(actor) if actor.serves(b.pk)]


def _parse_queue(queue: str) -> QueueKind:
    try:
        return QueueKind(queue)
    except ValueError:
        raise Http404 from None


def _view_id(request: HttpRequest) -> int | None:
    value = request.GET.get("view", "")
    return int(value) if value.isdigit() and 0 < int(value) < 2**63 else None


def _render(
    request: HttpRequest,
    actor: Actor,
    queue: QueueKind,
    form: QueueFilterForm,
    *,
    save_form: SavedViewForm | None = None,
    status: int = 200,
) -> HttpResponse:
    """The queue page, or for HTMX its table only (a filter change, the next page, a refresh after a change)."""
    partial = bool(request.htmx) and request.headers.get("HX-Target") == "queue-table"  # type: ignore[attr-defined]
    needs_teams = not partial or queue in (QueueKind.TEAM, QueueKind.ESCALATED)
    teams = teams_for_queues(actor) if needs_teams else []
    desk = desk_for(actor, teams)
    valid = form.is_valid()
    filters = form.filters(queue) if valid else QueueFilters(queue=queue)
    # The whole page lists the agent's brands and teams for its filters: the tickets take theirs from there.
    brands = None if partial else agent_brands(actor)
    tickets: list[Any] = []
    next_cursor = None
    if valid:
        try:
            page = page_of_queue(
                desk,
                filters,
                form.cleaned_data.get("cursor") or None,
                brands=brands,
                teams=None if partial else teams,
            )
        except InvalidCursor:
            form.add_error("cursor", _("This page link is out of date: start again from the first page."))
            status = 422
        else:
            tickets, next_cursor = page.tickets, page.next_cursor
    else:
        status = 422
    view = request.GET.get("view", "")
    cursor = form.cleaned_data.get("cursor", "") if valid else ""
    context: dict[str, Any] = {
        "queue": queue,
        "queue_label": QUEUE_LABELS[queue],
        "form": form,
        "tickets": tickets,
        "first_url": _queue_url(queue, filter_params(filters, view=view)),
        "self_url": _queue_url(queue, filter_params(filters, view=view, cursor=cursor)),
        "next_url": _queue_url(queue, filter_params(filters, view=view, cursor=next_cursor))
        if next_cursor
        else "",
        "is_later_page": bool(cursor),
        # What "save as a view" saves: the filters on screen (kept current by the table's refreshes).
        "save_query": filter_params(filters),
        "viewer_tz": viewer_zone(getattr(request.user, "time_zone", "")),
    }
    if partial or brands is None:
        return TemplateResponse(request, "desk/partials/queue_table.html", context, status=status)
    agents = list(agents_visible_to(actor).order_by("name", "email"))
    categories = list(categories_visible_to(actor).order_by("path"))
    form.offer(brands=brands, teams=teams, agents=agents, categories=categories)
    views = list(saved_views_visible_to(actor))
    view_id = _view_id(request)
    current_view = next((v for v in views if v.pk == view_id), None)
    # Its fields' ids differ from the filter form's beside it (both have brand, assignee, priority, ...).
    bulk_form = BulkForm(renderer=quick_renderer(), auto_id="bulk_%s")
    bulk_form.offer(agents=agents, categories=categories, brands=brands)
    if save_form is None:
        save_form = SavedViewForm(
            renderer=quick_renderer(),
            auto_id="save_%s",
            initial={
                "queue": queue.value,
                "query": context["save_query"],
                "brand": filters.brand_id,
                "name": current_view.name if current_view else "",
                "shared": current_view.is_shared if current_view else False,
            },
        )
    save_form.fields["brand"].widget.choices = [("", "—")] + [(b.pk, b.name) for b in brands]
    context |= {
        "sidebar": sidebar(
            actor,
            desk,
            views,
            brands=brands,
            brand_id=filters.brand_id,
            active=f"view-{current_view.pk}" if current_view else queue.value,
            queue=queue,
            joined=request.user.date_joined.timestamp(),  # type: ignore[union-attr]
        ),
        "brands": brands,
        "sidebar_url": context["first_url"],
        "current_view": current_view,
        "save_form": save_form,
        "bulk_form": bulk_form,
    }
    return TemplateResponse(request, "desk/queues.html", context, status=status)


@require_GET
@agent_view
def queue_page(request: HttpRequest, actor: Actor, queue: str = QueueKind.MINE.value) -> HttpResponse:
    return _render(
        request, actor, _parse_queue(queue), QueueFilterForm(request.GET, renderer=quick_renderer())
    )


@require_GET
@agent_view
def saved_view_page(request: HttpRequest, actor: Actor, view_id: int) -> HttpResponse:
    """A saved view opens as its queue with its filters in the address, where they can be changed."""
    view = access_saved_view(actor, view_id)
    filters = view_filters(view)
    return HttpResponseRedirect(_queue_url(filters.queue, filter_params(filters, view=str(view.pk))))


def _save_view_or_page(request: HttpRequest, actor: Actor, view: SavedView | None = None) -> HttpResponse:
    form = SavedViewForm(request.POST, auto_id="save_%s")
    filters = form.view_filters() if form.is_valid() else None
    if form.is_valid() and filters is None:
        form.add_error(None, _("The filters of this list are not valid; correct them first."))
    if filters is not None:
        try:
            brand_id = form.cleaned_data.get("brand")
            brand = access_brand_by_id(actor, brand_id) if brand_id else None
            fields: dict[str, Any] = {
                "name": form.cleaned_data["name"],
                "filters": filters.to_json(),
                "brand": brand,
                "shared": form.cleaned_data["shared"],
            }
            if view is None:
                view = user_actions.create_saved_view(actor=actor, **fields)
            else:
                view = user_actions.update_saved_view(view, actor=actor, **fields)
        except NotFound:
            form.add_error("brand", _("Choose one of the offered values."))
        except PermissionDenied:
            raise
        except DomainError as error:
            form.add_error(error.field if error.field in form.fields else None, error.detail)
        else:
            return HttpResponseRedirect(reverse("desk:saved_view", args=[view.pk]))
    # The list the agent was looking at, with the form and its errors above it.
    cleaned = form.cleaned_data
    queue = QueueKind(cleaned.get("queue") or QueueKind.ALL.value)
    page_form = QueueFilterForm(QueryDict(cleaned.get("query") or ""), renderer=quick_renderer())
    return _render(request, actor, queue, page_form, save_form=form, status=422)


@require_POST
@agent_view
def create_view(request: HttpRequest, actor: Actor) -> HttpResponse:
    return _save_view_or_page(request, actor)


@require_POST
@agent_view
def update_view(request: HttpRequest, actor: Actor, view_id: int) -> HttpResponse:
    return _save_view_or_page(request, actor, access_saved_view(actor, view_id))


@require_POST
@agent_view
def delete_view(request: HttpRequest, actor: Actor, view_id: int) -> HttpResponse:
    user_actions.delete_saved_view(access_saved_view(actor, view_id), actor=actor)
    return HttpResponseRedirect(reverse("desk:queues"))


def _bulk_value(actor: Actor, kind: BulkKind, value: Any) -> Any:
    """The agent or category behind an id, looked up within what the agent may see."""
    if kind == BulkKind.ASSIGN:
        return None if value == UNASSIGNED else access_agent(actor, value)
    if kind == BulkKind.CATEGORY:
        return None if value == UNASSIGNED else access_category(actor, value)
    if kind == BulkKind.MERGE:
        return access_ticket(actor, value.strip())
    return value


@require_POST
@agent_view
def bulk(request: HttpRequest, actor: Actor) -> HttpResponse:
    """First post: what will change, to confirm. Second post (``confirm``): the change, ticket by ticket,
    with what was refused and why; the list is told to refresh."""
    form = BulkForm(request.POST, auto_id="bulk_%s")
    context: dict[str, Any] = {"form": form}
    template = "desk/partials/queue_bulk_confirm.html"
    status = 200
    value: Any = None
    if form.is_valid():
        try:
            value = _bulk_value(actor, form.kind, form.value)
        except NotFound:
            form.add_error(BulkForm.VALUE_FIELD[form.kind], _("Choose one of the offered values."))
    if not form.is_valid():
        status = 422
    elif form.cleaned_data["confirm"]:
        try:
            outcome = bulk_change(actor, form.cleaned_data["tickets"], BulkChange(form.kind, value))
        except DomainError as error:
            form.add_error(None, error.detail)
            status = 422
        else:
            template = "desk/partials/queue_bulk_result.html"
            context["outcome"] = outcome
    else:
        tickets, skipped = bulk_targets(actor, form.cleaned_data["tickets"])
        field = BulkForm.VALUE_FIELD[form.kind]
        context |= {
            "targets": tickets,
            "skipped": skipped,
            "label": _describe(form, value),
            "value_field": field,
            "raw_value": form.cleaned_data[field],
        }
    if not request.htmx:  # type: ignore[attr-defined]
        context["template"] = template
        template = "desk/queue_bulk.html"
    response = TemplateResponse(request, template, context, status=status)
    if "outcome" in context:
        forget_counts(actor.user_id)
        response["HX-Trigger"] = "queue-changed"
    return response


def _describe(form: BulkForm, value: Any) -> str:
    """The change in words for the confirmation: "Assign to Anna", "Add tag vip"."""
    kind = form.kind
    if kind == BulkKind.ASSIGN:
        return _("Assign to %(agent)s") % {"agent": value.get_full_name()} if value else _("Unassign")
    if kind == BulkKind.CATEGORY:
        return (
            _("Set category %(category)s") % {"category": value.path} if value else _("Remove the category")
        )
    if kind == BulkKind.MERGE:
        return _("Merge into %(number)s %(subject)s") % {"number": value.number, "subject": value.subject}
    if kind in (BulkKind.STATUS, BulkKind.PRIORITY):
        choices = dict(form.fields[kind.value].choices)  # type: ignore[attr-defined]
        label = _("Set status %(value)s") if kind == BulkKind.STATUS else _("Set priority %(value)s")
        return label % {"value": choices.get(value, value)}
    label = _("Add tag %(tag)s") if kind == BulkKind.ADD_TAG else _("Remove tag %(tag)s")
    return label % {"tag": value}
