"""Knowledge-base articles for agents, and the public suggestions a request form shows."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Literal

from ninja import Field, Schema
from pydantic import StringConstraints

from frontdesk.api.pagination import PageIn
from frontdesk.api.schemas.common import BodyText, BrandRef, InputSchema, Language, NoNul, Slug, Tag

Title = Annotated[str, StringConstraints(min_length=1, max_length=200), NoNul]
QueryText = Annotated[str, StringConstraints(max_length=500), NoNul]


class ArticleTranslationOut(Schema):
    language: str
    title: str
    body: str = Field(description="The text as written (Markdown).")
    body_html: str = Field(description="The text as sanitized HTML.")
    tags: list[str]
    status: str = Field(description="`draft` or `published`.")
    version: int
    updated_at: datetime


class ArticleOut(Schema):
    id: int
    public_id: int = Field(description="The short number in the portal's address, unique within the brand.")
    brand: BrandRef
    category: str | None = Field(description="The category's slug.")
    visibility: str = Field(description="`public` or `internal`.")
    status: str = Field(description="`draft`, `published` or `archived`.")
    url: str = Field(description="The article's page in the brand's portal.")
    created_at: datetime
    updated_at: datetime
    published_at: datetime | None
    translations: list[ArticleTranslationOut]


class ArticleCreateIn(InputSchema):
    brand: Slug = Field(description="The brand's slug.")
    language: Language = Field(description="Language of this first text: one the brand offers (en, ru, pl).")
    title: Title
    body: BodyText = Field("", description="Markdown: paragraphs, headings, lists, links, images, tables.")
    tags: list[Tag] = Field(default_factory=list, max_length=20)
    visibility: Literal["public", "internal"] = "public"
    category: Slug | None = Field(None, description="Slug of one of the brand's knowledge-base categories.")
    publish: bool = Field(False, description="Publish at once instead of saving a draft.")


class ArticleFilterIn(PageIn):
    brand: Slug | None = Field(None, description="Only this brand's articles.")
    language: Language | None = Field(None, description="Only articles with a text in this language.")
    status: Literal["draft", "published", "archived"] | None = None
    visibility: Literal["public", "internal"] | None = None


class SuggestIn(InputSchema):
    brand: Slug = Field(description="The brand's slug.")
    language: Language = Field(description="The language of the portal page (en, ru, pl).")
    q: QueryText = Field(description="What the customer has typed so far: subject and description.")
    limit: int = Field(5, ge=1, le=20, description="At most this many articles, 1 to 20.")


class SuggestionOut(Schema):
    id: int = Field(description="The article's id.")
    public_id: int
    title: str
    url: str
    score: float
    confident: bool = Field(description="Whether the score is above the threshold for showing it.")
    rank: int


class SuggestionsOut(Schema):
    items: list[SuggestionOut]
