"""Work queues of the agent desk: which tickets each queue holds, capped counts, sorting and cursor pages.

Every queue starts from ``filter_tickets`` (so from ``tickets_visible_to``): a brand, team or agent id from a
request or a saved view can only narrow what the agent sees, never widen it. Each queue reads one of the
ticket indexes in order (see ``Ticket.Meta.indexes``), and counts stop at ``COUNT_CAP`` rows, so the sidebar costs
the same at a thousand tickets as at a million.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import json
import time
from collections.abc import Callable, Hashable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import datetime, timedelta
from enum import StrEnum
from typing import Any, TypeVar, cast

from django.conf import settings
from django.core.cache import cache
from django.core.exceptions import EmptyResultSet
from django.db import connections
from django.db.models import (
    Case,
    Exists,
    F,
    ForeignKey,
    IntegerField,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Value,
    When,
    prefetch_related_objects,
)
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from frontdesk.brands.models import Brand
from frontdesk.core.errors import NotFound
from frontdesk.tickets.choices import OPEN_STATUSES, Channel, Priority, Status, WorkLogKind
from frontdesk.tickets.models import Ticket, WorkLogEntry
from frontdesk.tickets.queries import TicketFilters, filter_tickets
from frontdesk.users.actors import Actor
from frontdesk.users.models import SavedView, Team
from frontdesk.users.queries import teams_visible_to

E = TypeVar("E", bound=StrEnum)

PAGE_SIZE = 50
# Counts stop here: "999+" says enough, and counting further would read every matching row.
COUNT_CAP = 1000
# How long an agent's queue counts are reused (``remembered_counts``): pages opened one after another within
# this time show the same counts; the agent's own bulk changes count afresh at once.
COUNT_SECONDS = 15
RECENT = timedelta(days=1)
MAX_TAG = 50
WAITING_STATUSES = (Status.PENDING_CUSTOMER, Status.PENDING_THIRD_PARTY)
_OPEN = tuple(sorted(OPEN_STATUSES))


class QueueKind(StrEnum):
    MINE = "mine"
    TEAM = "team"
    UNASSIGNED = "unassigned"
    LINE1 = "line-1"
    LINE2 = "line-2"
    LINE3 = "line-3"
    ESCALATED = "escalated"
    WAITING = "waiting"
    # Open tickets past their service-level warning (or deadline), the soonest due first.
    AT_RISK = "at-risk"
    RECENT = "recent"
    ALL = "all"


QUEUE_LABELS: dict[QueueKind, Promise] = {
    QueueKind.MINE: _("My tickets"),
    QueueKind.TEAM: _("My teams"),
    QueueKind.UNASSIGNED: _("Unassigned"),
    QueueKind.LINE1: _("Line 1"),
    QueueKind.LINE2: _("Line 2"),
    QueueKind.LINE3: _("Line 3"),
    QueueKind.ESCALATED: _("Escalated to me"),
    QueueKind.WAITING: _("Waiting for customer"),
    QueueKind.AT_RISK: _("SLA at risk"),
    QueueKind.RECENT: _("Recently updated"),
    QueueKind.ALL: _("All tickets"),
}


class Sort(StrEnum):
    UPDATED_DESC = "-updated"
    UPDATED = "updated"
    CREATED_DESC = "-created"
    CREATED = "created"
    PRIORITY_DESC = "-priority"
    PRIORITY = "priority"
    NUMBER = "number"
    NUMBER_DESC = "-number"
    # By the service-level deadline; tickets without a running clock are left out of such a list.
    DUE = "due"
    DUE_DESC = "-due"


SORT_LABELS: dict[Sort, Promise] = {
    Sort.UPDATED_DESC: _("Updated, newest first"),
    Sort.UPDATED: _("Updated, oldest first"),
    Sort.CREATED_DESC: _("Created, newest first"),
    Sort.CREATED: _("Created, oldest first"),
    Sort.PRIORITY_DESC: _("Priority, most urgent first"),
    Sort.PRIORITY: _("Priority, lowest first"),
    Sort.NUMBER: _("Number, ascending"),
    Sort.NUMBER_DESC: _("Number, descending"),
    Sort.DUE: _("Service-level deadline, soonest first"),
    Sort.DUE_DESC: _("Service-level deadline, latest first"),
}

# Priorities in the order of their urgency (the stored values sort alphabetically, not by urgency).
PRIORITY_RANK = {Priority.LOW: 1, Priority.NORMAL: 2, Priority.HIGH: 3, Priority.URGENT: 4}


@dataclass(frozen=True)
class QueueFilters:
    """What an agent narrows a queue by, on the page and in a saved view. Ids are only ever filters inside
    ``tickets_visible_to``: a foreign id matches nothing."""

    queue: QueueKind = QueueKind.ALL
    statuses: tuple[str, ...] = ()
    brand_id: int | None = None
    team_id: int | None = None
    assignee_id: int | None = None
    unassigned: bool = False
    line: int | None = None
    priority: str | None = None
    category_id: int | None = None
    channel: str | None = None
    tag: str | None = None
    # None: the queue's own order (``default_sort``).
    sort: Sort | None = None

    @property
    def order(self) -> Sort:
        return self.sort or default_sort(self.queue)

    def to_json(self) -> dict[str, Any]:
        """The filters as a saved view stores them: only what is set."""
        data: dict[str, Any] = {
            "queue": str(self.queue),
            "status": list(self.statuses),
            "brand": self.brand_id,
            "team": self.team_id,
            "assignee": self.assignee_id,
            "unassigned": self.unassigned or None,
            "line": self.line,
            "priority": self.priority,
            "category": self.category_id,
            "channel": self.channel,
            "tag": self.tag,
            "sort": str(self.sort) if self.sort else None,
        }
        return {key: value for key, value in data.items() if value not in (None, [], "")}

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> QueueFilters:
        """Filters from a saved view. Anything unknown or malformed is left out rather than refused: a view
        saved by an older version still opens."""
        if not isinstance(data, Mapping):
            return cls()
        statuses = data.get("status")
        return cls(
            queue=_enum(QueueKind, data.get("queue"), QueueKind.ALL) or QueueKind.ALL,
            statuses=tuple(s for s in statuses if s in Status.values) if isinstance(statuses, list) else (),
            brand_id=_positive(data.get("brand")),
            team_id=_positive(data.get("team")),
            assignee_id=_positive(data.get("assignee")),
            unassigned=data.get("unassigned") is True,
            line=data.get("line") if data.get("line") in (1, 2, 3) else None,
            priority=data.get("priority") if data.get("priority") in Priority.values else None,
            category_id=_positive(data.get("category")),
            channel=data.get("channel") if data.get("channel") in Channel.values else None,
            tag=_tag(data.get("tag")),
            sort=_enum(Sort, data.get("sort"), None),
        )

    def merged(self, **changes: Any) -> QueueFilters:
        return replace(self, **changes)


def _enum(kind: type[E], value: Any, default: E | None) -> E | None:
    try:
        return kind(value)
    except ValueError:
        return default


def _positive(value: Any) -> int | None:
    return value if type(value) is int and 0 < value < 2**63 else None


def _tag(value: Any) -> str | None:
    if not isinstance(value, str):
        return None
    value = value.strip().lower()
    return value if 0 < len(value) <= MAX_TAG else None


@dataclass(frozen=True)
class Desk:
    """What the queues need to know about the agent beyond the ``Actor``: the teams they belong to."""

    actor: Actor
    team_ids: frozenset[int] = field(default_factory=frozenset)


def teams_for_queues(actor: Actor) -> list[Team]:
    """The teams an agent may filter by, each marked ``is_member`` for the agent's own: one query."""
    if not actor.is_agent or actor.user_id is None:
        return []
    qs = teams_visible_to(actor)
    membership = Team.members.through.objects.filter(team_id=OuterRef("pk"), user_id=actor.user_id)
    return list(qs.annotate(is_member=Exists(membership)).order_by("name", "id"))


def desk_for(actor: Actor, teams: Sequence[Team] | None = None) -> Desk:
    """The agent's desk; pass the teams from ``teams_for_queues`` when the page loaded them already."""
    if teams is None:
        teams = teams_for_queues(actor)
    return Desk(actor, frozenset(t.pk for t in teams if getattr(t, "is_member", False)))


def _escalated_to_me(desk: Desk, qs: QuerySet[Ticket]) -> QuerySet[Ticket]:
    """Open tickets whose latest escalation (work log of kind "escalation") aimed at this agent and that are
    still where it put them (on its line; with its team, if it named one), and which are either waiting for
    someone there (unassigned) or were taken by this agent since.

    "Aimed at this agent" is a team the agent belongs to, or, for an escalation to a line without a team, the
    agent's own line in that brand. Handed back to line 1, the ticket leaves the queue (its line no longer
    matches). Each branch leads with a ticket index: the agent's, the teams', or the brand's line."""
    actor = desk.actor
    latest = WorkLogEntry.objects.filter(ticket_id=OuterRef("pk"), kind=WorkLogKind.ESCALATION).order_by(
        "-created_at", "-id"
    )
    qs = qs.annotate(
        escalated_line=Subquery(latest.values("to_line")[:1]),
        escalated_team=Subquery(latest.values("to_team_id")[:1]),
    )
    # The subqueries come last in each branch, after conditions that are false (not NULL: SQL goes on
    # through "NULL AND ...") for the rows they exclude, so PostgreSQL runs them only for the rows the agent,
    # team and line conditions let through, not for every open ticket of the brand. The team branch has no
    # line test: were all branches to share one, PostgreSQL would take it out of the OR and run it first.
    # Its team test is enough: a ticket handed back leaves the team (to no team or a line-1 one it was not
    # escalated to), and a later escalation is the latest.
    still_there = Q(escalated_line=F("line"))
    aimed = Q(assignee__isnull=False) & Q(assignee_id=actor.user_id) & still_there
    if desk.team_ids:
        aimed |= (
            Q(assignee__isnull=True, team__isnull=False)
            & Q(team_id__in=sorted(desk.team_ids))
            & Q(escalated_team=F("team_id"))
        )
    lines = Q()
    for brand_id, line in sorted(actor.agent_lines.items()):
        if line > 1:  # nobody escalates to line 1 without naming a team
            lines |= Q(brand_id=brand_id, line=line)
    if actor.is_provider_admin:
        lines |= Q(line=3) & ~Q(brand_id__in=sorted(actor.agent_lines))
    if lines:
        aimed |= Q(assignee__isnull=True) & lines & Q(escalated_team__isnull=True) & still_there
    return qs.filter(aimed)


def _queue_condition(desk: Desk, queue: QueueKind, qs: QuerySet[Ticket]) -> QuerySet[Ticket]:
    actor = desk.actor
    if queue == QueueKind.MINE:
        return qs.filter(assignee_id=actor.user_id) if actor.user_id else qs.none()
    if queue == QueueKind.TEAM:
        return qs.filter(team_id__in=sorted(desk.team_ids)) if desk.team_ids else qs.none()
    if queue == QueueKind.UNASSIGNED:
        return qs.filter(assignee__isnull=True)
    if queue in (QueueKind.LINE1, QueueKind.LINE2, QueueKind.LINE3):
        return qs.filter(line=int(queue.value[-1]))
    if queue == QueueKind.ESCALATED:
        return _escalated_to_me(desk, qs)
    if queue == QueueKind.RECENT:
        return qs.filter(updated_at__gte=timezone.now() - RECENT)
    if queue == QueueKind.AT_RISK:
        now = timezone.now()
        return qs.filter(Q(sla_warn_at__lte=now) | Q(sla_due_at__lte=now), sla_due_at__isnull=False)
    return qs


def default_sort(queue: QueueKind) -> Sort:
    """Newest first, in the order of the queue indexes (which all end in the id), so that a page reads 51
    index entries; the recently updated list by its update time (the ``ticket_updated`` index)."""
    if queue == QueueKind.AT_RISK:
        return Sort.DUE
    return Sort.UPDATED_DESC if queue == QueueKind.RECENT else Sort.CREATED_DESC


def default_statuses(queue: QueueKind) -> tuple[str, ...]:
    """The statuses a queue shows unless the agent picks others: open work, or the waiting statuses."""
    if queue == QueueKind.WAITING:
        return tuple(WAITING_STATUSES)
    if queue in (QueueKind.RECENT, QueueKind.ALL):
        return ()
    return _OPEN


def _tag_q(tag: str, vendor: str) -> Q:
    if vendor == "postgresql":
        return Q(tags__contains=[tag])
    # SQLite has no JSON containment: match the quoted element in the stored JSON text, which is written
    # with the same escaping as json.dumps gives here (tags are stored lower-case).
    return Q(tags__icontains=json.dumps(tag))


def queue_tickets(desk: Desk, filters: QueueFilters) -> QuerySet[Ticket]:
    """The queue's tickets with the filters applied, details joined up front, not yet sorted. Queues are the
    agents' (customers list their tickets elsewhere)."""
    if not desk.actor.is_agent:
        return Ticket.objects.none()
    statuses = filters.statuses or default_statuses(filters.queue)
    qs = filter_tickets(
        desk.actor,
        TicketFilters(
            status=list(statuses) or None,
            brand_id=filters.brand_id,
            team_id=filters.team_id,
            assignee_id=filters.assignee_id,
            unassigned=filters.unassigned,
            category_id=filters.category_id,
            channel=filters.channel,
            line=filters.line,
            priority=filters.priority,
        ),
    )
    if filters.tag:
        qs = qs.filter(_tag_q(filters.tag, connections[qs.db].vendor))
    return _queue_condition(desk, filters.queue, qs)


def capped_counts(querysets: Mapping[str, QuerySet[Ticket]], *, cap: int = COUNT_CAP) -> dict[str, int]:
    """How many rows each queryset has, up to ``cap``, in one statement (one round trip for the whole
    sidebar). Each count reads at most ``cap`` index entries: ``SELECT COUNT(*) FROM (... LIMIT cap)``."""
    parts: list[str] = []
    params: list[Any] = []
    names: list[str] = []
    counts = dict.fromkeys(querysets, 0)
    db = "default"
    for name, qs in querysets.items():
        db = qs.db
        try:
            sql, sql_params = qs.order_by().values("pk")[:cap].query.sql_with_params()
        except EmptyResultSet:
            continue  # a queue that cannot hold anything for this agent
        # Django's compiler wrote ``sql`` for a queryset built here; every value is in ``sql_params``.
        parts.append(f"(SELECT COUNT(*) FROM ({sql}) capped_{len(parts)})")  # noqa: S608
        params.extend(sql_params)
        names.append(name)
    if not parts:
        return counts
    with connections[db].cursor() as cursor:
        cursor.execute("SELECT " + ", ".join(parts), params)
        row = cursor.fetchone()
    counts.update(zip(names, (int(n) for n in row), strict=True))
    return counts


def remembered_counts(
    desk: Desk,
    build: Callable[[], Mapping[str, QuerySet[Ticket]]],
    *,
    scope: Hashable,
) -> dict[str, int]:
    """``capped_counts(build())``, remembered in the cache for ``FRONTDESK_QUEUE_COUNT_SECONDS`` (default
    ``COUNT_SECONDS``; 0 counts every time) per agent and ``scope`` (what else decides the querysets: the
    brand chosen, the saved views and their filters). One cache read when remembered: neither the querysets
    are built nor the statement run. ``forget_counts`` makes the agent's next page count afresh."""
    seconds = getattr(settings, "FRONTDESK_QUEUE_COUNT_SECONDS", COUNT_SECONDS)
    if seconds <= 0 or desk.actor.user_id is None:
        return capped_counts(build())
    # The actor (its brands, lines and roles) and the teams decide each queue's tickets too.
    raw = repr((desk.actor, sorted(desk.team_ids), scope)).encode()
    key = f"queue-counts:{desk.actor.user_id}:{hashlib.blake2b(raw, digest_size=16).hexdigest()}"
    mark = _changed_key(desk.actor.user_id)
    found = cache.get_many([key, mark])
    entry = found.get(key)
    if entry is not None and entry[0] > found.get(mark, 0.0):
        return dict(entry[1])
    counted_at = time.time()
    counts = capped_counts(build())
    cache.set(key, (counted_at, counts), seconds)
    return counts


def forget_counts(user_id: int | None) -> None:
    """The agent changed tickets: their next page counts its queues again."""
    if user_id is not None:
        seconds = getattr(settings, "FRONTDESK_QUEUE_COUNT_SECONDS", COUNT_SECONDS)
        cache.set(_changed_key(user_id), time.time(), max(seconds, 1))


def _changed_key(user_id: int) -> str:
    return f"queue-counts-changed:{user_id}"


def count_label(count: int, *, cap: int = COUNT_CAP) -> str:
    return f"{cap - 1}+" if count >= cap else str(count)


# Sorting and cursors ---------------------------------------------------------------------------------------


class InvalidCursor(ValueError):
    """A cursor this desk did not give out, or one for another sort."""


_RANK = Case(
    *(When(priority=value, then=Value(rank)) for value, rank in PRIORITY_RANK.items()),
    default=Value(0),
    output_field=IntegerField(),
)


def _key_field(sort: Sort) -> str | None:
    """The column a sort orders by before the id; ``None`` when the id alone is the order."""
    return {
        "updated": "updated_at",
        "created": None,  # ids grow with creation, and every queue index ends in the id
        "priority": "priority_rank",
        "number": "number",
        "due": "sla_due_at",
    }[sort.value.lstrip("-")]


def sorted_tickets(qs: QuerySet[Ticket], sort: Sort) -> QuerySet[Ticket]:
    if sort in (Sort.PRIORITY, Sort.PRIORITY_DESC):
        qs = qs.annotate(priority_rank=_RANK)
    if sort in (Sort.DUE, Sort.DUE_DESC):
        qs = qs.filter(sla_due_at__isnull=False)
    key = _key_field(sort)
    desc = sort.value.startswith("-")
    columns = ([key] if key else []) + ["id"]
    return qs.order_by(*(f"-{c}" if desc else c for c in columns))


def encode_cursor(sort: Sort, ticket: Ticket) -> str:
    key = _key_field(sort)
    value: Any = getattr(ticket, key) if key else None
    if isinstance(value, datetime):
        value = value.isoformat()
    raw = json.dumps([sort.value, value, ticket.pk], separators=(",", ":"))
    return base64.urlsafe_b64encode(raw.encode()).decode().rstrip("=")


_KEY_CHECKS: dict[str | None, Any] = {
    "updated_at": lambda value: not timezone.is_naive(value),
    "sla_due_at": lambda value: not timezone.is_naive(value),
    "priority_rank": lambda value: type(value) is int and 0 <= value <= 4,
    "number": lambda value: isinstance(value, str) and len(value) <= 40,
    None: lambda value: value is None,
}


def decode_cursor(sort: Sort, cursor: str) -> tuple[Any, int]:
    """The (sort key, id) after which the next page starts; ``InvalidCursor`` for anything else."""
    try:
        raw = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4))
        name, value, pk = json.loads(raw)
    except (binascii.Error, ValueError, TypeError):
        raise InvalidCursor(cursor) from None
    if name != sort.value or type(pk) is not int or not 0 < pk < 2**63:
        raise InvalidCursor(cursor)
    key = _key_field(sort)
    if key in ("updated_at", "sla_due_at"):
        try:
            value = datetime.fromisoformat(value)
        except (TypeError, ValueError):
            raise InvalidCursor(cursor) from None
    if not _KEY_CHECKS[key](value):
        raise InvalidCursor(cursor)
    return value, pk


def _after(sort: Sort, value: Any, pk: int) -> Q:
    """Rows after (value, pk) in the sort's order; the bound on the key alone lets an index range start."""
    key = _key_field(sort)
    op = "lt" if sort.value.startswith("-") else "gt"
    if key is None:
        return Q(**{f"id__{op}": pk})
    if key == "number":  # unique: the id never breaks a tie
        return Q(**{f"number__{op}": value})
    return Q(**{f"{key}__{op}e": value}) & (Q(**{f"{key}__{op}": value}) | Q(**{key: value, f"id__{op}": pk}))


@dataclass(frozen=True)
class Page:
    tickets: list[Ticket]
    next_cursor: str | None


def page_of(
    qs: QuerySet[Ticket],
    sort: Sort,
    cursor: str | None = None,
    *,
    size: int = PAGE_SIZE,
    parts: Sequence[Q] = (),
) -> Page:
    """One page in the sort's order after ``cursor``; one extra row says whether another page follows.

    The page's ids come first, from the ticket table alone; then its tickets with their details, by primary
    key. ``parts`` split the list into disjoint pieces that each lead one index (one brand, one team): on
    PostgreSQL each piece reads its own first rows in index order and the pieces are merged (``UNION ALL``),
    where ``brand_id IN (1, 4)`` would read and sort every open ticket of both brands."""
    ordered = sorted_tickets(qs, sort)
    if cursor:
        ordered = ordered.filter(_after(sort, *decode_cursor(sort, cursor)))
    key = _key_field(sort)
    columns = [key, "id"] if key else ["id"]
    ids_qs = ordered.values_list(*columns)
    if len(parts) > 1 and connections[qs.db].features.supports_slicing_ordering_in_compound:
        pieces = [ordered.filter(part).values_list(*columns)[: size + 1] for part in parts]
        ids_qs = pieces[0].union(*pieces[1:], all=True).order_by(*ordered.query.order_by)
    ids = [row[-1] for row in ids_qs[: size + 1]]
    rows = list(ordered.filter(pk__in=ids)) if ids else []
    more = len(rows) > size
    rows = rows[:size]
    return Page(rows, encode_cursor(sort, rows[-1]) if more and rows else None)


def queue_parts(desk: Desk, filters: QueueFilters) -> list[Q]:
    """How a queue splits into pieces that each lead an index: by team for the teams' queue, by brand for
    an agent of several brands (one piece, no split, when a brand is chosen)."""
    if filters.queue == QueueKind.TEAM and filters.team_id is None and len(desk.team_ids) > 1:
        return [Q(team_id=team_id) for team_id in sorted(desk.team_ids)]
    actor = desk.actor
    if filters.brand_id is None and not actor.sees_all_brands and len(actor.agent_lines) > 1:
        return [Q(brand_id=brand_id) for brand_id in sorted(actor.agent_lines)]
    return []


def page_of_queue(
    desk: Desk,
    filters: QueueFilters,
    cursor: str | None = None,
    *,
    size: int = PAGE_SIZE,
    brands: Sequence[Brand] | None = None,
    teams: Sequence[Team] | None = None,
) -> Page:
    """A page of a queue for the table: tickets with their customer, assignee, brand and team.

    A page that has loaded the agent's ``brands`` and ``teams`` already (for its filters) passes them, and
    the tickets take theirs from those lists instead of two more queries; any other is looked up."""
    qs = queue_tickets(desk, filters).prefetch_related(None)
    if brands is None or teams is None:
        qs = qs.prefetch_related("brand", "team")
    page = page_of(qs, filters.order, cursor, size=size, parts=queue_parts(desk, filters))
    if brands is not None and teams is not None:
        _attach(page.tickets, "brand", {b.pk: b for b in brands})
        _attach(page.tickets, "team", {t.pk: t for t in teams})
    return page


def _attach(tickets: Sequence[Ticket], name: str, known: Mapping[int, Any]) -> None:
    """Set each ticket's ``name`` relation from ``known`` by id; the rest are fetched in one query."""
    field = cast("ForeignKey[Any, Any]", Ticket._meta.get_field(name))
    missing = []
    for ticket in tickets:
        related_id = getattr(ticket, field.attname)
        if related_id is None:
            field.set_cached_value(ticket, None)
        elif related_id in known:
            field.set_cached_value(ticket, known[related_id])
        else:
            missing.append(ticket)
    if missing:
        prefetch_related_objects(missing, name)


# Saved views ------------------------------------------------------------------------------------------------


def saved_views_visible_to(actor: Actor) -> QuerySet[SavedView]:
    """The agent's own views (of the brands they still serve, or of none) and the views shared in their
    brands. Customers and outsiders have none."""
    if not actor.is_agent or actor.user_id is None:
        return SavedView.objects.none()
    own = Q(owner_id=actor.user_id)
    shared = Q(is_shared=True, brand__isnull=False)
    if not actor.sees_all_brands:
        brands = Q(brand_id__in=sorted(actor.agent_brand_ids))
        own &= Q(brand__isnull=True) | brands
        shared &= brands
    return SavedView.objects.filter(own | shared).order_by("name", "id")


def access_saved_view(actor: Actor, view_id: int) -> SavedView:
    try:
        return saved_views_visible_to(actor).get(pk=view_id)
    except SavedView.DoesNotExist:
        raise NotFound("saved view") from None


def view_filters(view: SavedView) -> QueueFilters:
    """A saved view's filters; a view saved for a brand stays within that brand."""
    filters = QueueFilters.from_json(view.filters)
    if view.brand_id is not None:
        filters = filters.merged(brand_id=view.brand_id)
    return filters
