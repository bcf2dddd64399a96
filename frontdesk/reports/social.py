"""Social mentions in the reports: positive, neutral and negative items of the social inbox per brand and day.

An item counts on the day it was posted on the network (in the report's time zone), with the sentiment it was
classified with on arrival (``connectors.sentiment``). The ticket filters of a report (channel, priority, line,
team) do not apply: mentions are not tickets. Two queries whatever the length of the period: the days of the
period grouped in the database, and the totals of the period before.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from zoneinfo import ZoneInfo

from frontdesk.connectors.queries import daily_sentiment_counts
from frontdesk.reports.measures import Scope


@dataclass(frozen=True)
class SentimentCounts:
    positive: int = 0
    neutral: int = 0
    negative: int = 0

    def __add__(self, other: SentimentCounts) -> SentimentCounts:
        return SentimentCounts(
            self.positive + other.positive, self.neutral + other.neutral, self.negative + other.negative
        )

    @property
    def total(self) -> int:
        return self.positive + self.neutral + self.negative


@dataclass(frozen=True)
class SocialDay:
    day: dt.date
    brand_id: int
    counts: SentimentCounts


@dataclass(frozen=True)
class SocialSummary:
    # Every day of the period for each brand that had an item in it (days without items as zeros),
    # ordered by day, then by the order of the brands given.
    days: list[SocialDay]
    total: SentimentCounts
    previous: SentimentCounts


def _days(scope: Scope, zone: ZoneInfo) -> list[dt.date]:
    first = scope.start.astimezone(zone).date()
    last = (scope.end.astimezone(zone) - dt.timedelta(microseconds=1)).date()
    return [first + dt.timedelta(days=n) for n in range((last - first).days + 1)]


def _counted(
    brand_ids: frozenset[int], start: dt.datetime, end: dt.datetime, zone: ZoneInfo
) -> dict[tuple[dt.date, int], SentimentCounts]:
    return {
        (row.day, row.brand_id): SentimentCounts(row.positive, row.neutral, row.negative)
        for row in daily_sentiment_counts(brand_ids, start, end, zone=zone)
    }


def social_summary(scope: Scope, *, zone: ZoneInfo, brand_order: list[int]) -> SocialSummary:
    """The social inbox of the scope's brands in its period: per brand and day, in total, and in the period of
    the same length before."""
    found = _counted(scope.brand_ids, scope.start, scope.end, zone)
    before = scope.previous()
    previous = sum(_counted(scope.brand_ids, before.start, before.end, zone).values(), SentimentCounts())
    active = {brand_id for _day, brand_id in found}
    brands = [pk for pk in brand_order if pk in active] + sorted(active - set(brand_order))
    days = [
        SocialDay(day, brand_id, found.get((day, brand_id), SentimentCounts()))
        for day in _days(scope, zone)
        for brand_id in brands
    ]
    return SocialSummary(days=days, total=sum(found.values(), SentimentCounts()), previous=previous)
