"""A whole report — key figures, tables and the trend — for one scope, in one structure that the dashboard,
the CSV and XLSX exports and the report API all present. Who may see which brand is decided here too."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any
from zoneinfo import ZoneInfo

from django.utils.translation import gettext as _

from frontdesk.brands.models import Brand
from frontdesk.chat.queries import ChatCounts, chat_counts
from frontdesk.core.errors import DomainError, NotFound
from frontdesk.kb import queries as kb_queries
from frontdesk.reports import measures
from frontdesk.reports.measures import Scope, Share, Stats
from frontdesk.reports.social import social_summary
from frontdesk.tickets.choices import Channel, Priority, Status
from frontdesk.tickets.models import Category
from frontdesk.users.actors import Actor
from frontdesk.users.models import Team, User

# A report may span at most this many days: longer periods belong in monthly exports.
MAX_DAYS = 400


class ReportInvalid(DomainError):
    code = "report_invalid"
    status = 422
    title = "The report cannot be made"


def report_brands(actor: Actor) -> list[Brand]:
    """Brands whose reports the actor may read: all for provider admins, their own for brand admins."""
    brands = Brand.objects.order_by("name")
    if actor.is_provider_admin or actor.is_system:
        return list(brands)
    return list(brands.filter(pk__in=sorted(actor.admin_brand_ids)))


def report_scope(
    actor: Actor,
    *,
    brand_slug: str = "",
    first_day: dt.date,
    last_day: dt.date,
    channel: str = "",
    priority: str = "",
    line: int | None = None,
    team_id: int | None = None,
) -> tuple[Scope, ZoneInfo, list[Brand]]:
    """The scope of a report the actor asked for: one brand (by slug) or all the actor may read; the days
    inclusive, in the brand's time zone (UTC across several brands). A brand the actor may not read is 404."""
    allowed = report_brands(actor)
    if not allowed:
        raise NotFound("report")
    if brand_slug:
        chosen = [brand for brand in allowed if brand.slug == brand_slug]
        if not chosen:
            raise NotFound("brand")
    else:
        chosen = allowed
    if last_day < first_day:
        raise ReportInvalid(_("The period ends before it starts."), field="end")
    if (last_day - first_day).days >= MAX_DAYS:
        raise ReportInvalid(_("A report covers at most %(days)d days.") % {"days": MAX_DAYS}, field="end")
    if channel and channel not in Channel.values:
        raise ReportInvalid(_("Unknown channel."), field="channel")
    if priority and priority not in Priority.values:
        raise ReportInvalid(_("Unknown priority."), field="priority")
    if team_id is not None and not Team.objects.filter(pk=team_id, brand__in=chosen).exists():
        raise ReportInvalid(_("Unknown team."), field="team")
    zone = ZoneInfo(chosen[0].time_zone if len(chosen) == 1 else "UTC")
    start = dt.datetime.combine(first_day, dt.time(0), tzinfo=zone)
    end = dt.datetime.combine(last_day + dt.timedelta(days=1), dt.time(0), tzinfo=zone)
    scope = Scope(
        brand_ids=frozenset(brand.pk for brand in chosen),
        start=start,
        end=end,
        channel=channel,
        priority=priority,
        line=line,
        team_id=team_id,
    )
    return scope, zone, chosen


@dataclass(frozen=True)
class Figure:
    key: str
    label: str
    value: float | int | None
    previous: float | int | None
    unit: str = ""  # "", "min" or "%"


@dataclass(frozen=True)
class Table:
    key: str
    title: str
    columns: list[str]
    rows: list[list[Any]]
    # How to read the table, shown under its title on the dashboard.
    note: str = ""


@dataclass
class Report:
    scope: Scope
    zone: ZoneInfo
    brands: list[Brand]
    figures: list[Figure] = field(default_factory=list)
    tables: list[Table] = field(default_factory=list)
    trend: list[tuple[dt.date, int, int]] = field(default_factory=list)

    def table(self, key: str) -> Table:
        for table in self.tables:
            if table.key == key:
                return table
        raise NotFound("table")


def _percent(share: Share) -> float | None:
    return None if share.ratio is None else round(100 * share.ratio, 1)


def _round(value: float | None) -> float | None:
    return None if value is None else round(value, 1)


def _figures(scope: Scope) -> dict[str, Any]:
    first, resolution = measures.first_response_time(scope), measures.resolution_time(scope)
    return {
        "created": measures.requests_created(scope),
        "solved": measures.requests_solved(scope),
        "first": first,
        "resolution": resolution,
        "line_one": measures.solved_on_line_one(scope),
        "escalated": measures.escalated(scope),
        "reopened": measures.reopen_rate(scope),
        "one_touch": measures.one_touch(scope),
        "satisfaction": measures.satisfaction(scope),
        "within_sla": measures.within_service_level(scope),
    }


def _stat_figures(key: str, label: str, now: Stats, before: Stats) -> list[Figure]:
    return [
        Figure(
            f"{key}_average",
            _("%(what)s, average") % {"what": label},
            _round(now.average),
            _round(before.average),
            "min",
        ),
        Figure(
            f"{key}_median",
            _("%(what)s, median") % {"what": label},
            _round(now.median),
            _round(before.median),
            "min",
        ),
        Figure(
            f"{key}_p90",
            _("%(what)s, 90th percentile") % {"what": label},
            _round(now.p90),
            _round(before.p90),
            "min",
        ),
    ]


def _labels(model: Any, ids: set[Any], attribute: str = "name") -> dict[Any, str]:
    ids = {pk for pk in ids if pk is not None}
    if not ids:
        return {}
    return {row.pk: getattr(row, attribute) or str(row) for row in model.objects.filter(pk__in=sorted(ids))}


def build_report(scope: Scope, *, zone: ZoneInfo, brands: list[Brand]) -> Report:
    """Every figure and table of the dashboard for ``scope``, with the figures of the period before."""
    now, before = _figures(scope), _figures(scope.previous())
    report = Report(scope=scope, zone=zone, brands=brands)
    report.figures = [
        Figure("created", _("Requests created"), now["created"], before["created"]),
        Figure("solved", _("Requests solved"), now["solved"], before["solved"]),
        Figure("backlog", _("Open now"), measures.backlog(scope), None),
        *_stat_figures("first_response", _("First response"), now["first"], before["first"]),
        *_stat_figures("resolution", _("Resolution"), now["resolution"], before["resolution"]),
        Figure(
            "line_one", _("Solved on line 1"), _percent(now["line_one"]), _percent(before["line_one"]), "%"
        ),
        Figure("escalated", _("Escalated"), _percent(now["escalated"]), _percent(before["escalated"]), "%"),
        Figure("reopened", _("Reopened"), _percent(now["reopened"]), _percent(before["reopened"]), "%"),
        Figure(
            "one_touch",
            _("Solved with one answer"),
            _percent(now["one_touch"]),
            _percent(before["one_touch"]),
            "%",
        ),
    ]
    channels = dict(Channel.choices)
    by_channel = measures.created_by(scope, "channel")
    report.tables.append(
        Table(
            "channels",
            _("Requests per channel"),
            [_("Channel"), _("Requests")],
            [[str(channels.get(k, k)), n] for k, n in by_channel],
        )
    )
    by_category = measures.created_by(scope, "category_id")
    names = _labels(Category, {k for k, _n in by_category}, "path")
    report.tables.append(
        Table(
            "categories",
            _("Requests per category"),
            [_("Category"), _("Requests")],
            [[names.get(k, _("No category")), n] for k, n in by_category],
        )
    )
    minutes = measures.minutes_spent_by_line(scope)
    report.tables.append(
        Table(
            "lines",
            _("Requests per highest line reached"),
            [_("Line"), _("Requests"), _("Minutes spent")],
            [[line, n, spent] for line, n, spent in minutes],
        )
    )
    load = measures.workload(scope)
    agents = _labels(User, {row.assignee_id for row in load})
    report.tables.append(
        Table(
            "agents",
            _("Agents' workload"),
            [_("Agent"), _("Open now"), _("Solved in the period")],
            [[agents.get(row.assignee_id, str(row.assignee_id)), row.open_now, row.solved] for row in load],
        )
    )
    statuses = dict(Status.choices)
    report.tables.append(
        Table(
            "bad_ratings",
            _("Bad ratings and their follow-up"),
            [_("Request"), _("Rated"), _("Comment"), _("Follow-up"), _("Follow-up status")],
            [
                [
                    row.number,
                    row.rated_at.astimezone(zone).strftime("%Y-%m-%d %H:%M"),
                    row.comment,
                    row.follow_up_number or "",
                    str(statuses.get(row.follow_up_status or "", "")),
                ]
                for row in measures.bad_ratings(scope)
            ],
        )
    )
    report.tables.extend(_knowledge_base_tables(scope, brands))
    report.tables.append(_articles_before_after_table(scope, zone, brands))
    created = dict(measures.trend(scope, zone=zone))
    solved = dict(measures.trend(scope, measure="solved", zone=zone))
    day, last = (
        scope.start.astimezone(zone).date(),
        (scope.end.astimezone(zone) - dt.timedelta(seconds=1)).date(),
    )
    while day <= last:
        report.trend.append((day, created.get(day, 0), solved.get(day, 0)))
        day += dt.timedelta(days=1)
    report.tables.append(
        Table(
            "trend",
            _("Requests per day"),
            [_("Day"), _("Created"), _("Solved")],
            [[d.isoformat(), c, s] for d, c, s in report.trend],
        )
    )
    _add_social(report)
    _add_chats(report)
    report.tables.insert(
        0,
        Table(
            "figures",
            _("Key figures"),
            [_("Measure"), _("This period"), _("Period before")],
            [[f.label + (f" ({f.unit})" if f.unit else ""), f.value, f.previous] for f in report.figures],
        ),
    )
    return report


def _knowledge_base_tables(scope: Scope, brands: list[Brand]) -> list[Table]:
    """Deflection through the knowledge base: totals per brand, the articles that prevented most requests,
    and what customers asked without a good article (the articles to write next)."""
    totals_rows: list[list[Any]] = []
    article_rows: list[list[Any]] = []
    unanswered_rows: list[list[Any]] = []
    for brand in brands:
        totals = kb_queries.deflection_totals(brand, since=scope.start, until=scope.end)
        totals_rows.append(
            [
                brand.name,
                totals.started,
                totals.prevented,
                totals.abandoned,
                totals.submitted,
                totals.unanswered,
            ]
        )
        for row in kb_queries.deflection_by_article(brand, since=scope.start, until=scope.end)[:20]:
            article_rows.append([brand.name, row.public_id, row.shown, row.opened, row.prevented])
        for deflection in kb_queries.unanswered_requests(brand, since=scope.start, until=scope.end)[:50]:
            unanswered_rows.append([brand.name, deflection.last_query, deflection.ticket_number])
    article_rows.sort(key=lambda row: -int(row[4]))
    return [
        Table(
            "kb_totals",
            _("Knowledge base: requests started in the form"),
            [
                _("Brand"),
                _("Started"),
                _("Prevented"),
                _("Given up"),
                _("Filed"),
                _("Filed without a good article"),
            ],
            totals_rows,
        ),
        Table(
            "kb_articles",
            _("Articles that prevented requests"),
            [_("Brand"), _("Article"), _("Suggested"), _("Opened"), _("Prevented")],
            article_rows,
        ),
        Table(
            "kb_missing",
            _("Asked without a good article: what to write next"),
            [_("Brand"), _("What the customer typed"), _("Request")],
            unanswered_rows,
        ),
    ]


def _articles_before_after_table(scope: Scope, zone: ZoneInfo, brands: list[Brand]) -> Table:
    """Requests per week in each new article's topic before and after it was first published
    (``measures.requests_around_articles``); empty cells where there is no topic or it is too early."""
    names = {brand.pk: brand.name for brand in brands}
    return Table(
        "kb_before_after",
        _("Requests in an article's topic before and after it was published"),
        [
            _("Brand"),
            _("Article"),
            _("Topic"),
            _("Published"),
            _("Requests per week before"),
            _("Requests per week after"),
            _("Change (%)"),
            _("Days after"),
        ],
        [
            [
                names.get(row.brand_id, str(row.brand_id)),
                f"#{row.public_id} {row.title}".strip(),
                "; ".join(row.topic) or None,
                row.published_at.astimezone(zone).strftime("%Y-%m-%d"),
                _round(row.per_week_before),
                _round(row.per_week_after),
                _round(row.change),
                int(row.days_after),
            ]
            for row in measures.requests_around_articles(scope)
        ],
        note=_(
            "Public articles first published in the period. Their topic is the request categories named like "
            "the article's knowledge-base category (with the categories below them). Requests per week count "
            "the requests created in the topic in the %(days)d days before the publication and the %(days)d "
            "days after it (up to today); the rate after and the change stay empty until %(min)d days have "
            "passed, and the change also when there were no requests before."
        )
        % {"days": measures.ARTICLE_WINDOW_DAYS, "min": measures.ARTICLE_MIN_DAYS_AFTER},
    )


def _chat_total(rows: list[ChatCounts]) -> tuple[int, int, int]:
    return sum(r.started for r in rows), sum(r.accepted for r in rows), sum(r.missed for r in rows)


def _add_chats(report: Report) -> None:
    """Live chats opened in the period: started, accepted, missed (ended before an agent accepted) against the
    period before, and per brand with the median wait for an agent. Like the social mentions, the ticket
    filters do not apply (a chat is counted as a conversation; its ticket counts among the requests)."""
    scope = report.scope
    before = scope.previous()
    rows, rows_before = chat_counts(scope.brand_ids, [(scope.start, scope.end), (before.start, before.end)])
    started, accepted, missed = _chat_total(rows)
    started_before, accepted_before, missed_before = _chat_total(rows_before)
    report.figures.extend(
        [
            Figure("chats", _("Live chats"), started, started_before),
            Figure("chats_accepted", _("Live chats accepted"), accepted, accepted_before),
            Figure("chats_missed", _("Live chats missed"), missed, missed_before),
        ]
    )
    names = {brand.pk: brand.name for brand in report.brands}
    report.tables.append(
        Table(
            "chats",
            _("Live chats per brand"),
            [_("Brand"), _("Chats"), _("Accepted"), _("Missed"), _("Median wait for an agent (s)")],
            [
                [
                    names.get(row.brand_id, str(row.brand_id)),
                    row.started,
                    row.accepted,
                    row.missed,
                    round(row.median_wait) if row.median_wait is not None else "",
                ]
                for row in rows
            ],
            note=_(
                "Chats opened in the period. Missed: ended (by the visitor leaving or going quiet) before an "
                "agent accepted. The wait runs from the visitor's first message to the agent's accept."
            ),
        )
    )


def _add_social(report: Report) -> None:
    """Positive, neutral and negative social mentions: totals against the period before, and per brand and day
    (``reports.social``)."""
    social = social_summary(report.scope, zone=report.zone, brand_order=[brand.pk for brand in report.brands])
    for key, label in (
        ("positive", _("Social mentions, positive")),
        ("neutral", _("Social mentions, neutral")),
        ("negative", _("Social mentions, negative")),
    ):
        report.figures.append(
            Figure(f"social_{key}", label, getattr(social.total, key), getattr(social.previous, key))
        )
    names = {brand.pk: brand.name for brand in report.brands}
    report.tables.append(
        Table(
            "social",
            _("Social mentions per day"),
            [_("Day"), _("Brand"), _("Positive"), _("Neutral"), _("Negative")],
            [
                [
                    row.day.isoformat(),
                    names.get(row.brand_id, str(row.brand_id)),
                    row.counts.positive,
                    row.counts.neutral,
                    row.counts.negative,
                ]
                for row in social.days
            ],
            note=_(
                "Public mentions and comments in the social inbox, by the day they were posted and the sentiment "
                "they were classified with on arrival; every day of the period for each brand that had any. The "
                "channel, priority and line filters do not apply to them."
            ),
        )
    )
