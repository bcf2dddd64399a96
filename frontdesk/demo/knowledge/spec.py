"""The shape of a demo brand's knowledge base: categories and articles, each in the brand's languages."""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class Text:
    title: str
    body: str
    tags: tuple[str, ...] = ()


@dataclass(frozen=True)
class ArticleSpec:
    key: str
    category: str
    # language -> text
    texts: dict[str, Text]
    # keys of articles of the same brand to show under "read also"
    related: tuple[str, ...] = ()
    internal: bool = False


@dataclass(frozen=True)
class KnowledgeSpec:
    # (slug, names by language) in display order
    categories: tuple[tuple[str, dict[str, str]], ...]
    articles: tuple[ArticleSpec, ...] = field(default_factory=tuple)
