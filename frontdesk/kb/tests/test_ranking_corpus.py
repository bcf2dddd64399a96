"""The article ranking against the labelled sets of the shared corpus: kb_eval (ru, en, pl) and stackfaq (en).

The figures are printed (run with ``-s``) for three sets of candidates: all 45 articles, the articles in the
query's language, and those in the query's language and brand (what the product does). The display threshold is
``ranking.CONFIDENT``, fixed before these figures were taken and the same for every language and mode.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Hashable
from dataclasses import dataclass
from functools import cache
from typing import Any, Self

import pytest

from frontdesk.kb.ranking import CONFIDENT, Document, Index
from frontdesk.testing.corpus import corpus_path

pytestmark = pytest.mark.corpus

LANGUAGES = ("ru", "en", "pl")
# The labelled target: recall@3 at least 0.90 in every language. en and pl meet it exactly (61 of 67, where 60
# would be 0.896), so a ranking change that loses one of their queries fails here.
RECALL_AT_3_PER_LANGUAGE = 0.90
RECALL_AT_3_POOLED = 0.90
OUT_OF_SCOPE_WITHHELD = 0.80


@dataclass
class Figures:
    answerable: int = 0
    recall_at_3: int = 0
    reciprocal_ranks: float = 0.0
    top_1: int = 0
    out_of_scope: int = 0
    out_of_scope_shown: int = 0
    shown: int = 0
    shown_relevant: int = 0

    def add(self, ranked: list[Hashable], confident: bool, relevant: list[str]) -> None:
        if not relevant:
            self.out_of_scope += 1
            self.out_of_scope_shown += confident
            return
        self.answerable += 1
        self.recall_at_3 += any(item in relevant for item in ranked[:3])
        self.top_1 += bool(ranked) and ranked[0] in relevant
        self.reciprocal_ranks += next(
            (1 / rank for rank, item in enumerate(ranked[:10], 1) if item in relevant), 0.0
        )
        if confident:
            self.shown += 1
            self.shown_relevant += ranked[0] in relevant

    def __iadd__(self, other: Figures) -> Self:
        for name in self.__dataclass_fields__:
            setattr(self, name, getattr(self, name) + getattr(other, name))
        return self

    def line(self, label: str) -> str:
        n = max(self.answerable, 1)
        return (
            f"{label:<22} recall@3 {self.recall_at_3 / n:.3f}  MRR@10 {self.reciprocal_ranks / n:.3f}  "
            f"top-1 {self.top_1 / n:.3f}  out of scope shown {self.out_of_scope_shown}/{self.out_of_scope}  "
            f"in scope shown {self.shown / n:.2f} (relevant {self.shown_relevant / max(self.shown, 1):.2f})"
        )


def _load(name: str) -> Any:
    return json.loads(corpus_path("kb_eval", name).read_text(encoding="utf-8"))


def _document(article: dict[str, Any]) -> Document:
    return Document(article["id"], article["language"], article["title"], article["body"], article["tags"])


def _score(candidates: Callable[[dict[str, Any]], tuple[str, ...]]) -> dict[str, Figures]:
    """Figures per language, the index for each query built from the articles sharing its candidate key."""
    articles = _load("articles.json")
    indexes: dict[tuple[str, ...], Index] = {}
    figures = {language: Figures() for language in LANGUAGES}
    for query in _load("queries.json"):
        key = candidates(query)
        if key not in indexes:
            indexes[key] = Index([_document(a) for a in articles if candidates(a)[: len(key)] == key])
        hits = indexes[key].rank(query["text"], language=query["language"], limit=10)
        figures[query["language"]].add(
            [hit.id for hit in hits], bool(hits) and hits[0].confident, query["relevant"]
        )
    return figures


MODES: dict[str, Callable[[dict[str, Any]], tuple[str, ...]]] = {
    "all 45": lambda item: (),
    "language": lambda item: (item["language"],),
    "language and brand": lambda item: (item["language"], item["brand"]),
}


@cache
def _report(mode: str) -> tuple[dict[str, Figures], Figures]:
    figures = _score(MODES[mode])
    pooled = Figures()
    for language in LANGUAGES:
        pooled += figures[language]
    lines = [f"{mode}: {language}" for language in LANGUAGES]
    print(  # noqa: T201 - the figures belong in the test output
        f"\nkb_eval, candidates: {mode}, display threshold {CONFIDENT}",
        *(figures[language].line(label) for language, label in zip(LANGUAGES, lines, strict=True)),
        pooled.line(f"{mode}: all"),
        sep="\n",
    )
    return figures, pooled


@pytest.mark.parametrize("mode", ["all 45", "language"])
def test_each_language_finds_its_article_in_the_top_three(mode: str) -> None:
    figures, pooled = _report(mode)
    for language, figure in figures.items():
        assert figure.recall_at_3 / figure.answerable >= RECALL_AT_3_PER_LANGUAGE, language
    assert pooled.recall_at_3 / pooled.answerable >= RECALL_AT_3_POOLED


@pytest.mark.parametrize("mode", ["all 45", "language", "language and brand"])
def test_out_of_scope_queries_get_no_confident_suggestion(mode: str) -> None:
    _, pooled = _report(mode)
    assert pooled.out_of_scope == 24
    assert 1 - pooled.out_of_scope_shown / pooled.out_of_scope >= OUT_OF_SCOPE_WITHHELD
    # Withholding everything would pass the line above: at least half of the answerable queries see a suggestion.
    assert pooled.shown / pooled.answerable >= 0.5


def test_stackfaq_rephrasings_find_their_faq_item() -> None:
    items = json.loads(corpus_path("stackfaq", "faq_items.json").read_text(encoding="utf-8"))
    queries = [
        query
        for query in json.loads(corpus_path("stackfaq", "queries.json").read_text(encoding="utf-8"))
        if query["query"]
    ]
    results = {}
    for label, body in (("question and answers", True), ("question only", False)):
        index = Index(
            [
                Document(item["faq_id"], "en", item["question"], " ".join(item["answers"]) if body else "")
                for item in items
            ]
        )
        hit_1 = hit_3 = 0
        reciprocal = 0.0
        for query in queries:
            ranked = [hit.id for hit in index.rank(query["query"], language="en", limit=10)]
            hit_1 += ranked[:1] == [query["faq_id"]]
            hit_3 += query["faq_id"] in ranked[:3]
            reciprocal += next((1 / r for r, item in enumerate(ranked, 1) if item == query["faq_id"]), 0.0)
        n = len(queries)
        results[label] = (hit_1 / n, hit_3 / n, reciprocal / n)
        print(  # noqa: T201 - the figures belong in the test output
            f"stackfaq ({label}, {len(items)} items, {n} queries): hit@1 {hit_1 / n:.3f}  "
            f"hit@3 {hit_3 / n:.3f}  MRR@10 {reciprocal / n:.3f}"
        )
    assert results["question and answers"][1] >= 0.75
    assert results["question only"][1] >= 0.75


def test_stackfaq_with_the_answering_item_removed_shows_how_far_the_threshold_carries() -> None:
    """Every fifth FAQ item left out in turn: its rephrasings become questions nothing answers. Printed, not held to
    the 80 % of kb_eval: these items are a line or two, so their scores run higher than help articles'."""
    items = json.loads(corpus_path("stackfaq", "faq_items.json").read_text(encoding="utf-8"))
    queries = [
        query
        for query in json.loads(corpus_path("stackfaq", "queries.json").read_text(encoding="utf-8"))
        if query["query"]
    ]
    documents = [
        Document(item["faq_id"], "en", item["question"], " ".join(item["answers"])) for item in items
    ]
    full = Index(documents)
    answered = [full.rank(query["query"], language="en", limit=1) for query in queries]
    shown = [hits[0] for hits in answered if hits and hits[0].confident]
    right = sum(
        1
        for hits, query in zip(answered, queries, strict=True)
        if hits and hits[0].confident and hits[0].id == query["faq_id"]
    )
    by_item: dict[int, list[str]] = {}
    for query in queries:
        by_item.setdefault(query["faq_id"], []).append(query["query"])
    shown_without = removed = 0
    for faq_id in sorted(by_item)[::5]:  # every fifth item, to keep the test short
        index = Index([document for document in documents if document.id != faq_id])
        for text in by_item[faq_id]:
            hits = index.rank(text, language="en", limit=1)
            shown_without += bool(hits) and hits[0].confident
            removed += 1
    n = len(queries)
    print(  # noqa: T201 - the figures belong in the test output
        f"stackfaq at threshold {CONFIDENT}: shown {len(shown) / n:.2f} of queries (right {right / max(len(shown), 1):.2f}); "
        f"with the answering item removed ({removed} queries), shown {shown_without / removed:.2f}"
    )
    assert right / max(len(shown), 1) >= 0.6
