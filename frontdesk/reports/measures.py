"""The measures, each defined once, over ``TicketFact`` rows. Every function's docstring says exactly what it
counts; the desk's dashboards, the exports and the report API call these and nothing else.

Periods are half-open, ``[start, end)``. "Created in the period" selects by the ticket's creation; "solved in the
period" by its latest solve (a ticket reopened and solved again counts in the period of its last solve). Times
are business minutes of the calendar that applies to the ticket (its team's, else its brand's; real minutes
where the brand has none), so "9 minutes" means nine minutes of working time.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from typing import Any

from django.db import connection
from django.db.models import (
    Aggregate,
    Avg,
    Case,
    Count,
    F,
    Field,
    FloatField,
    Func,
    IntegerField,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Sum,
    Value,
    When,
)
from django.db.models.functions import Coalesce, TruncDay, TruncMonth, TruncWeek
from django.utils import timezone

from frontdesk.kb.choices import TranslationStatus, Visibility
from frontdesk.kb.models import Article, ArticleTranslation
from frontdesk.reports.models import TicketFact
from frontdesk.tickets.choices import OPEN_STATUSES, Rating
from frontdesk.tickets.models import Category, TicketRating

DIMENSIONS = ("channel", "category_id", "priority", "team_id", "assignee_id", "top_line", "organization_id")


@dataclass(frozen=True)
class Scope:
    """Which tickets a measure looks at: brands, a period, and optional filters (empty: all)."""

    brand_ids: frozenset[int]
    start: dt.datetime
    end: dt.datetime
    channel: str = ""
    category_id: int | None = None
    priority: str = ""
    team_id: int | None = None
    assignee_id: int | None = None
    line: int | None = None  # the highest support line a ticket reached

    def filters(self) -> Q:
        q = Q(brand_id__in=sorted(self.brand_ids))
        for field, value in (
            ("channel", self.channel),
            ("category_id", self.category_id),
            ("priority", self.priority),
            ("team_id", self.team_id),
            ("assignee_id", self.assignee_id),
            ("top_line", self.line),
        ):
            if value not in ("", None):
                q &= Q(**{field: value})
        return q

    def previous(self) -> Scope:
        """The period of the same length just before, for trends (this month against the last)."""
        length = self.end - self.start
        return replace(self, start=self.start - length, end=self.start)


@dataclass(frozen=True)
class Stats:
    count: int
    average: float | None
    median: float | None
    p90: float | None


@dataclass(frozen=True)
class Share:
    part: int
    whole: int

    @property
    def ratio(self) -> float | None:
        return self.part / self.whole if self.whole else None


class PercentileCont(Aggregate):
    """PostgreSQL's ``percentile_cont``: the continuous percentile, interpolated between neighbours."""

    function = "PERCENTILE_CONT"
    template = "%(function)s(%(percentile)s) WITHIN GROUP (ORDER BY %(expressions)s)"
    output_field = FloatField()

    def __init__(self, expression: Any, percentile: float, **extra: Any) -> None:
        if not 0 <= percentile <= 1:
            raise ValueError("a percentile is between 0 and 1")
        super().__init__(expression, percentile=float(percentile), **extra)


def percentile(sorted_values: Sequence[float], fraction: float) -> float | None:
    """The same interpolation as ``percentile_cont`` over already sorted values."""
    if not sorted_values:
        return None
    position = (len(sorted_values) - 1) * fraction
    low, high = math.floor(position), math.ceil(position)
    return sorted_values[low] + (sorted_values[high] - sorted_values[low]) * (position - low)


def _facts(scope: Scope) -> QuerySet[TicketFact]:
    return TicketFact.objects.filter(scope.filters())


def created_in(scope: Scope) -> QuerySet[TicketFact]:
    """Tickets created in the period."""
    return _facts(scope).filter(created_at__gte=scope.start, created_at__lt=scope.end)


def solved_in(scope: Scope) -> QuerySet[TicketFact]:
    """Tickets whose latest solve falls in the period."""
    return _facts(scope).filter(solved_at__gte=scope.start, solved_at__lt=scope.end)


def _stats(rows: QuerySet[TicketFact], field: str) -> Stats:
    rows = rows.filter(**{f"{field}__isnull": False})
    if connection.vendor == "postgresql":
        found = rows.aggregate(
            count=Count("pk"),
            average=Avg(field),
            median=PercentileCont(F(field), 0.5),
            p90=PercentileCont(F(field), 0.9),
        )
        return Stats(found["count"], found["average"], found["median"], found["p90"])
    values = sorted(rows.values_list(field, flat=True))
    return Stats(
        len(values),
        sum(values) / len(values) if values else None,
        percentile(values, 0.5),
        percentile(values, 0.9),
    )


def _share(rows: QuerySet[Any], part: Q) -> Share:
    found = rows.aggregate(part=Count("pk", filter=part), whole=Count("pk"))
    return Share(found["part"], found["whole"])


def requests_created(scope: Scope) -> int:
    """Requests created in the period, whatever became of them."""
    return created_in(scope).count()


def requests_solved(scope: Scope) -> int:
    """Requests whose latest solve falls in the period, whenever they were created."""
    return solved_in(scope).count()


def backlog(scope: Scope) -> int:
    """Requests open now (new, open, pending or on hold) among the scope's brands and filters; the period
    does not apply: a backlog is a state, not a flow."""
    return _facts(scope).filter(status__in=sorted(OPEN_STATUSES)).count()


def created_by(scope: Scope, dimension: str) -> list[tuple[Any, int]]:
    """Requests created in the period per value of ``dimension`` (channel, category, priority, team, agent,
    highest line, organization), the largest first; tickets without a value are counted under ``None``."""
    if dimension not in DIMENSIONS:
        raise ValueError(f"unknown dimension {dimension!r}")
    rows = created_in(scope).values(dimension).annotate(n=Count("pk")).order_by("-n", dimension)
    return [(row[dimension], row["n"]) for row in rows]


def first_response_time(scope: Scope) -> Stats:
    """Business minutes from creation to the first public answer by an agent, over the requests created in
    the period that have one: count, average, median and 90th percentile."""
    return _stats(created_in(scope), "first_response_minutes")


def resolution_time(scope: Scope) -> Stats:
    """Business minutes from creation to the latest solve, leaving out time in a pausing status (pending
    customer, pending third party), over the requests solved in the period."""
    return _stats(solved_in(scope), "resolution_minutes")


def solved_on_line_one(scope: Scope) -> Share:
    """Of the requests solved in the period, those never escalated: solved by line 1 without help."""
    return _share(solved_in(scope), Q(escalations=0))


def escalated(scope: Scope) -> Share:
    """Of the requests created in the period, those escalated at least once."""
    return _share(created_in(scope), Q(escalations__gt=0))


def reopen_rate(scope: Scope) -> Share:
    """Of the requests solved in the period, those reopened at least once before their latest solve."""
    return _share(solved_in(scope), Q(reopens__gt=0))


def one_touch(scope: Scope) -> Share:
    """Of the requests solved in the period, those solved with exactly one public answer and never reopened."""
    return _share(solved_in(scope), Q(agent_replies=1, reopens=0))


def within_service_level(scope: Scope) -> Share:
    """Of the requests created in the period that a service-level policy covered, those that met every
    deadline (no breach marked); a request solved after its policy stopped applying keeps its breaches."""
    return _share(created_in(scope).filter(with_policy=True), Q(breaches=0))


def minutes_spent_by_line(scope: Scope) -> list[tuple[int, int, int]]:
    """Per highest line reached: requests created in the period, and the minutes agents recorded on them."""
    rows = (
        created_in(scope)
        .values("top_line")
        .annotate(n=Count("pk"), minutes=Coalesce(Sum("minutes_spent"), 0))
        .order_by("top_line")
    )
    return [(row["top_line"], row["n"], row["minutes"] or 0) for row in rows]


@dataclass(frozen=True)
class Workload:
    assignee_id: int
    open_now: int
    solved: int


def workload(scope: Scope) -> list[Workload]:
    """Per agent: requests assigned and open now, and requests solved in the period while assigned to them."""

    def per_agent(rows: QuerySet[TicketFact]) -> dict[int, int]:
        found = rows.filter(assignee_id__isnull=False).values("assignee_id").annotate(n=Count("pk"))
        return {row["assignee_id"]: row["n"] for row in found if row["assignee_id"] is not None}

    open_now = per_agent(_facts(scope).filter(status__in=sorted(OPEN_STATUSES)))
    solved = per_agent(solved_in(scope))
    agents: list[int] = sorted(
        set(open_now) | set(solved), key=lambda pk: (-(open_now.get(pk, 0) + solved.get(pk, 0)), pk)
    )
    return [Workload(pk, open_now.get(pk, 0), solved.get(pk, 0)) for pk in agents]


_BUCKETS = {"day": TruncDay, "week": TruncWeek, "month": TruncMonth}


def trend(
    scope: Scope, *, measure: str = "created", bucket: str = "day", zone: Any = None
) -> list[tuple[dt.date, int]]:
    """Requests created (or solved) per day, week or month of the period, in ``zone`` (default: UTC)."""
    if bucket not in _BUCKETS or measure not in ("created", "solved"):
        raise ValueError("trend: measure is created or solved, bucket day, week or month")
    rows, field = (
        (created_in(scope), "created_at") if measure == "created" else (solved_in(scope), "solved_at")
    )
    truncate = _BUCKETS[bucket](field, tzinfo=zone or dt.UTC)
    found = rows.annotate(bucket=truncate).values("bucket").annotate(n=Count("pk")).order_by("bucket")
    return [(_as_date(row["bucket"]), row["n"]) for row in found]


def _as_date(value: dt.date | dt.datetime) -> dt.date:
    return value.date() if isinstance(value, dt.datetime) else value


def _ratings(scope: Scope) -> QuerySet[TicketRating]:
    """Ratings given in the period on the scope's tickets (every filter of the scope applies to the ticket)."""
    return TicketRating.objects.filter(
        brand_id__in=sorted(scope.brand_ids),
        created_at__gte=scope.start,
        created_at__lt=scope.end,
        ticket_id__in=_facts(scope).values("ticket_id"),
    )


def satisfaction(scope: Scope) -> Share:
    """Of the ratings customers gave in the period (the latest per ticket), the good ones."""
    return _share(_ratings(scope), Q(rating=Rating.GOOD))


@dataclass(frozen=True)
class BadRating:
    number: str
    comment: str
    rated_at: dt.datetime
    follow_up_number: str | None
    follow_up_status: str | None


def bad_ratings(scope: Scope, *, limit: int = 100) -> list[BadRating]:
    """The bad ratings of the period, newest first, with the customer's comment and where the team lead's
    follow-up stands (its status; solved when the customer heard back)."""
    rows = (
        _ratings(scope)
        .filter(rating=Rating.BAD)
        .order_by("-created_at", "-id")
        .values("ticket__number", "comment", "created_at", "follow_up__number", "follow_up__status")[:limit]
    )
    return [
        BadRating(
            number=row["ticket__number"],
            comment=row["comment"],
            rated_at=row["created_at"],
            follow_up_number=row["follow_up__number"],
            follow_up_status=row["follow_up__status"],
        )
        for row in rows
    ]


# Requests before and after an article: the days looked at on each side of its first publication, the days
# that must have passed since before an "after" figure is given, and how many articles a report lists.
ARTICLE_WINDOW_DAYS = 28
ARTICLE_MIN_DAYS_AFTER = 7
ARTICLE_LIMIT = 100


@dataclass(frozen=True)
class ArticleEffect:
    article_id: int
    brand_id: int
    public_id: int
    title: str
    published_at: dt.datetime
    # Paths of the request categories that make up the article's topic; empty when none matches.
    topic: tuple[str, ...]
    before: int
    after: int
    # Length of each window in days (the "after" one is cut short at "now").
    days_before: float
    days_after: float

    @property
    def per_week_before(self) -> float | None:
        if not self.topic or self.days_before <= 0:
            return None
        return 7 * self.before / self.days_before

    @property
    def per_week_after(self) -> float | None:
        if not self.topic or self.days_after < ARTICLE_MIN_DAYS_AFTER:
            return None
        return 7 * self.after / self.days_after

    @property
    def change(self) -> float | None:
        """The change from before to after in percent; ``None`` without both rates or with none before."""
        before, after = self.per_week_before, self.per_week_after
        if before is None or after is None or before == 0:
            return None
        return 100 * (after - before) / before


def _same_name(text: object) -> str:
    return " ".join(str(text).split()).casefold()


def _topics(articles: list[dict[str, Any]]) -> dict[int, tuple[tuple[str, ...], frozenset[int]]]:
    """Per article: the request categories of its topic (paths, and ids with every category below them)."""
    brand_ids = sorted({row["brand_id"] for row in articles if row["category__slug"]})
    if not brand_ids:
        return {}
    categories = list(
        Category.objects.filter(brand_id__in=brand_ids).values(
            "id", "brand_id", "name", "path", "kb_category_id"
        )
    )
    topics: dict[int, tuple[tuple[str, ...], frozenset[int]]] = {}
    for row in articles:
        if not row["category__slug"]:
            continue
        names = row["category__names"] if isinstance(row["category__names"], dict) else {}
        wanted = {_same_name(row["category__slug"]), *(_same_name(name) for name in names.values() if name)}
        linked = sorted(
            category["path"]
            for category in categories
            if category["brand_id"] == row["brand_id"] and category["kb_category_id"] == row["category_id"]
        )
        roots = linked or sorted(
            category["path"]
            for category in categories
            if category["brand_id"] == row["brand_id"] and _same_name(category["name"]) in wanted
        )
        # A matched category below another matched one is already part of it.
        roots = [path for path in roots if not any(path.startswith(f"{other} / ") for other in roots)]
        ids = frozenset(
            category["id"]
            for category in categories
            if category["brand_id"] == row["brand_id"]
            and any(category["path"] == path or category["path"].startswith(f"{path} / ") for path in roots)
        )
        if ids:
            topics[row["id"]] = (tuple(roots), ids)
    return topics


def _width_bucket(expression: Any, thresholds: Sequence[dt.datetime]) -> Func:
    """PostgreSQL's ``width_bucket(value, thresholds)``: how many of the sorted thresholds are at most
    ``value``, found by binary search."""
    array = Func(Value(list(thresholds), output_field=Field()), template="%(expressions)s::timestamptz[]")
    return Func(expression, array, function="WIDTH_BUCKET", output_field=IntegerField())


def _requests_between(
    scope: Scope,
    topics: dict[int, tuple[tuple[str, ...], frozenset[int]]],
    windows: dict[int, tuple[dt.datetime, dt.datetime, dt.datetime]],
) -> Callable[[frozenset[int], dt.datetime, dt.datetime], int]:
    """Requests of the scope created in some categories between two of the windows' moments, from one
    query: the requests of every topic counted per category and per stretch between consecutive moments."""
    moments = sorted({moment for pk in topics for moment in windows[pk]})
    if len(moments) < 2:
        return lambda ids, since, until: 0
    if connection.vendor == "postgresql":
        stretch: Any = _width_bucket(F("created_at"), moments)
    else:
        stretch = Case(
            *(When(created_at__lt=moment, then=Value(n)) for n, moment in enumerate(moments[1:], start=1)),
            default=Value(len(moments)),
            output_field=IntegerField(),
        )
    rows = (
        _facts(scope)
        .filter(
            category_id__in=sorted(set().union(*(ids for _paths, ids in topics.values()))),
            created_at__gte=moments[0],
            created_at__lt=moments[-1],
        )
        .annotate(stretch=stretch)
        .values("category_id", "stretch")
        .annotate(n=Count("pk"))
        .order_by()
    )
    # Stretch k holds the requests created in [moments[k - 1], moments[k]).
    counts: dict[int, list[int]] = {}
    for row in rows:
        counts.setdefault(row["category_id"], [0] * (len(moments) + 1))[row["stretch"]] += row["n"]
    index = {moment: n for n, moment in enumerate(moments)}

    def between(ids: frozenset[int], since: dt.datetime, until: dt.datetime) -> int:
        if not ids:
            return 0
        first, last = index[since] + 1, index[until]
        return sum(sum(counts[pk][first : last + 1]) for pk in ids if pk in counts)

    return between


def requests_around_articles(
    scope: Scope,
    *,
    now: dt.datetime | None = None,
    days: int = ARTICLE_WINDOW_DAYS,
    limit: int = ARTICLE_LIMIT,
) -> list[ArticleEffect]:
    """Request volume in an article's topic before and after the article was first published.

    The articles: the scope's brands' public articles whose first publication (``published_at``, kept when an
    article is unpublished and published again) falls in the period, newest first, at most ``limit``;
    whatever became of them since (archived ones too).

    The topic: requests carry a category of the brand's typology of requests and articles a knowledge-base
    category. An article's topic is every request category linked to its knowledge-base category (the request
    category's "knowledge-base topic", set by the brand admin); where the brand linked none to it, every
    request category whose name equals the knowledge-base category's name in any language or its slug
    (ignoring case and spacing). Each with every category below it ("Refunds" takes in "Refunds / Cancelled
    event"). An article without a category, or whose category has no topic, has no figures. "Topics arriving without a matching article"
    (``kb.queries.unanswered_requests``) are the customer's own words instead, with no category to compare.

    The counts: requests of the article's brand created in its topic (the scope's filters of channel,
    priority, team and line apply; the period does not) in the ``days`` days before the first publication,
    ``[published − days, published)``, and the ``days`` days from it, ``[published, published + days)``, the
    latter cut short at ``now``. Each is given per week (count × 7 / days of its window) so that windows of
    different lengths compare, and the change in percent between the two rates. Fewer than
    ``ARTICLE_MIN_DAYS_AFTER`` days after publication is too early to tell: the rate after and the change are
    ``None``, as is the change when there was no request before.

    Three queries however many articles: the articles, the request categories, and the topics' requests
    counted per category and per stretch between the windows' edges (on PostgreSQL each request finds its
    stretch by binary search, so the count costs little more than reading the requests)."""
    now = now or timezone.now()
    window = dt.timedelta(days=days)
    title = (
        ArticleTranslation.objects.filter(article_id=OuterRef("pk"))
        .order_by(
            Case(
                When(status=TranslationStatus.PUBLISHED, then=Value(0)),
                default=Value(1),
                output_field=IntegerField(),
            ),
            "language",
        )
        .values("title")[:1]
    )
    articles = list(
        Article.objects.filter(
            brand_id__in=sorted(scope.brand_ids),
            visibility=Visibility.PUBLIC,
            published_at__gte=scope.start,
            published_at__lt=scope.end,
        )
        .annotate(title=Subquery(title))
        .order_by("-published_at", "-id")
        .values(
            "id",
            "brand_id",
            "public_id",
            "title",
            "published_at",
            "category_id",
            "category__slug",
            "category__names",
        )[:limit]
    )
    if not articles:
        return []
    topics = _topics(articles)
    windows = {
        row["id"]: (
            row["published_at"] - window,
            row["published_at"],
            max(min(row["published_at"] + window, now), row["published_at"]),
        )
        for row in articles
    }
    between = _requests_between(scope, topics, windows)
    found = []
    for row in articles:
        start, published, end = windows[row["id"]]
        paths, ids = topics.get(row["id"], ((), frozenset()))
        found.append(
            ArticleEffect(
                article_id=row["id"],
                brand_id=row["brand_id"],
                public_id=row["public_id"],
                title=row["title"] or "",
                published_at=published,
                topic=paths,
                before=between(ids, start, published),
                after=between(ids, published, end),
                days_before=(published - start).total_seconds() / 86400,
                days_after=(end - published).total_seconds() / 86400,
            )
        )
    return found
