"""Reports: the period and filters asked for, and the figures and tables that come back."""

from __future__ import annotations

import datetime as dt
from typing import Any, Literal

from ninja import Field, Schema

from frontdesk.api.schemas.common import InputSchema


class ReportIn(InputSchema):
    start: dt.date = Field(..., description="First day of the period (in the brand's time zone).")
    end: dt.date = Field(..., description="Last day of the period, included; at most 400 days after `start`.")
    brand: str = Field(
        "", max_length=50, description="A brand's slug; empty: every brand the caller may read."
    )
    channel: str = Field("", max_length=10, description="Only requests that came in on this channel.")
    priority: str = Field("", max_length=10, description="Only requests of this priority.")
    line: int | None = Field(
        None, ge=1, le=3, description="Only requests whose highest support line was this."
    )
    team: int | None = Field(None, ge=1, description="Only requests of this team.")


class FigureOut(Schema):
    key: str
    label: str
    value: float | None = Field(description="This period; null when there is nothing to measure.")
    previous: float | None = Field(description="The period of the same length just before.")
    unit: Literal["", "min", "%"]


class TableOut(Schema):
    key: str
    title: str
    columns: list[str]
    rows: list[list[Any]]


class ReportOut(Schema):
    brands: list[str] = Field(description="Slugs of the brands counted.")
    time_zone: str
    start: dt.datetime
    end: dt.datetime = Field(description="The end of the period, excluded.")
    figures: list[FigureOut]
    tables: list[TableOut]
