"""Reads of the knowledge base on behalf of someone, and the deflection figures for reports.

Customers and anonymous visitors see a brand's published public articles that have a published translation;
agents of the brand (and provider admins) see all of its articles: internal ones, drafts and archived ones.
Missing and not-yours both raise ``NotFound``.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime
from functools import cache
from typing import Any

from django.conf import settings
from django.db.models import Count, Exists, OuterRef, Prefetch, Q, QuerySet
from django.utils.module_loading import import_string

from frontdesk.brands.models import Brand
from frontdesk.core.errors import NotFound
from frontdesk.kb.choices import ArticleStatus, DeflectionOutcome, TranslationStatus, Visibility
from frontdesk.kb.models import (
    Article,
    ArticleAttachment,
    ArticleEvent,
    ArticleRelation,
    ArticleTranslation,
    ArticleVersion,
    ArticleVote,
    Category,
    Deflection,
    SuggestionShown,
)
from frontdesk.kb.permissions import can_read_internal_articles
from frontdesk.users.actors import Actor


def _customer_view(brand_id: int) -> Q:
    published_text = ArticleTranslation.objects.filter(
        article_id=OuterRef("pk"), status=TranslationStatus.PUBLISHED
    )
    return Q(brand_id=brand_id, status=ArticleStatus.PUBLISHED, visibility=Visibility.PUBLIC) & Q(
        Exists(published_text)
    )


def sees_drafts(actor: Actor, brand: Brand) -> bool:
    """Whether the actor reads the brand's internal, draft and archived articles (agents of the brand)."""
    return can_read_internal_articles(actor, brand.pk)


def articles_visible_to(actor: Actor, brand: Brand) -> QuerySet[Article]:
    """The brand's articles the actor may read, with brand and category joined and translations prefetched
    (only the published ones for readers who see no drafts)."""
    qs = Article.objects.select_related("brand", "category")
    if sees_drafts(actor, brand):
        translations = ArticleTranslation.objects.all()
        qs = qs.filter(brand_id=brand.pk)
    else:
        translations = ArticleTranslation.objects.filter(status=TranslationStatus.PUBLISHED)
        qs = qs.filter(_customer_view(brand.pk))
    return qs.prefetch_related(Prefetch("translations", queryset=translations))


def articles_of_agent(actor: Actor) -> QuerySet[Article]:
    """Every article of the brands the actor serves as an agent (all brands for provider admins); nothing for
    anyone else. Brand and category joined, all translations prefetched."""
    if not (actor.is_agent or actor.is_system):
        return Article.objects.none()
    return (
        Article.objects.filter(actor.brand_scope())
        .select_related("brand", "category")
        .prefetch_related("translations")
    )


def public_brand(slug: str) -> Brand:
    """The active brand whose public knowledge base is asked for by slug; ``NotFound`` otherwise."""
    try:
        return Brand.objects.get(slug=slug, is_active=True)
    except Brand.DoesNotExist:
        raise NotFound("brand") from None


def access_article(actor: Actor, brand: Brand, public_id: int | str) -> Article:
    try:
        number = int(public_id)
    except (TypeError, ValueError):
        raise NotFound("article") from None
    if number <= 0 or number > 2**31 - 1:
        raise NotFound("article")
    try:
        return articles_visible_to(actor, brand).get(public_id=number)
    except Article.DoesNotExist:
        raise NotFound("article") from None


def access_article_by_pk(actor: Actor, brand: Brand, article_id: int) -> Article:
    """The same check by internal id (suggestion records, forms that carry ids)."""
    try:
        return articles_visible_to(actor, brand).get(pk=article_id)
    except (Article.DoesNotExist, ValueError, TypeError):
        raise NotFound("article") from None


def translation_for(
    article: Article,
    language: str,
    fallbacks: Sequence[str] | None = None,
    *,
    published_only: bool = True,
) -> ArticleTranslation | None:
    """The article's text in ``language``, else in the first of ``fallbacks`` (default: the brand's
    languages) it has, else any; ``None`` when it has none. Uses prefetched translations when present."""
    rows = [
        t for t in article.translations.all() if not published_only or t.status == TranslationStatus.PUBLISHED
    ]
    if not rows:
        return None
    by_language = {t.language: t for t in rows}
    order = [language, *(fallbacks if fallbacks is not None else (article.brand.languages or []))]
    for code in order:
        if code in by_language:
            return by_language[code]
    return min(rows, key=lambda t: t.language)


def translation_for_actor(actor: Actor, article: Article, language: str) -> ArticleTranslation | None:
    """``translation_for`` with drafts for those who may see them."""
    return translation_for(article, language, published_only=not sees_drafts(actor, article.brand))


def versions_of(actor: Actor, translation: ArticleTranslation) -> QuerySet[ArticleVersion]:
    """A translation's versions, newest first: for agents of the brand only."""
    if not can_read_internal_articles(actor, translation.brand_id):
        raise NotFound("article")
    return ArticleVersion.objects.filter(translation=translation).order_by("-number")


def attachments_of(article: Article) -> QuerySet[ArticleAttachment]:
    """The files of an article already reached through ``access_article``."""
    return ArticleAttachment.objects.filter(article=article, brand_id=article.brand_id)


def access_article_attachment(
    actor: Actor, brand: Brand, public_id: int | str, attachment_id: int
) -> ArticleAttachment:
    article = access_article(actor, brand, public_id)
    try:
        return attachments_of(article).get(pk=attachment_id)
    except (ArticleAttachment.DoesNotExist, ValueError, TypeError):
        raise NotFound("attachment") from None


def events_of(actor: Actor, article: Article) -> QuerySet[ArticleEvent]:
    """An article's history of settings (publishing, visibility, links, files), oldest first: agents only."""
    if not can_read_internal_articles(actor, article.brand_id):
        raise NotFound("article")
    return ArticleEvent.objects.filter(article=article, brand_id=article.brand_id).order_by("at", "id")


@dataclass(frozen=True)
class VoteTotals:
    helpful: int
    not_helpful: int
    # Votes that left a comment.
    comments: int


def vote_totals(brand: Brand, article_ids: Sequence[int]) -> dict[int, VoteTotals]:
    """ "Was this helpful" counts per article of the brand, for the given articles (one grouped query)."""
    rows = (
        ArticleVote.objects.filter(brand_id=brand.pk, article_id__in=list(article_ids))
        .values("article_id")
        .annotate(
            yes=Count("id", filter=Q(helpful=True)),
            no=Count("id", filter=Q(helpful=False)),
            commented=Count("id", filter=~Q(comment="")),
        )
    )
    return {r["article_id"]: VoteTotals(r["yes"], r["no"], r["commented"]) for r in rows}


# ---------------------------------------------------------------------------------------------- related


@dataclass(frozen=True)
class RelatedArticle:
    article: Article
    translation: ArticleTranslation
    # True for the hand-chosen "read also" links, False for automatic suggestions.
    chosen: bool


# (article, language, limit, exclude_ids) -> ids of similar articles of the same brand, best first.
SimilarFinder = Callable[[Article, str, int, set[int]], list[int]]


@cache
def _similar_finder(path: str) -> SimilarFinder | None:
    return import_string(path) if path else None


def _by_tags_and_category(article: Article, language: str, limit: int, exclude: set[int]) -> list[int]:
    """Articles sharing the most tags in ``language``, then those of the same category."""
    own = translation_for(article, language, published_only=False)
    tags = set(own.tags if own else [])
    scored: dict[int, tuple[int, int]] = {}
    pool = ArticleTranslation.objects.filter(brand_id=article.brand_id, language=language).exclude(
        article_id__in=exclude
    )
    category_id = article.category_id
    if not tags:
        if category_id is None:
            return []
        pool = pool.filter(article__category_id=category_id)
    rows = pool.values_list("article_id", "tags", "article__category_id")[:500]
    for article_id, other_tags, other_category_id in rows:
        shared = len(tags & set(other_tags or []))
        same = int(category_id is not None and other_category_id == category_id)
        if shared or same:
            scored[article_id] = (shared, same)
    return [a for a, _s in sorted(scored.items(), key=lambda kv: (-kv[1][0], -kv[1][1], kv[0]))][:limit]


def _text_similar(article: Article, language: str, limit: int, exclude: set[int]) -> list[int]:
    from frontdesk.kb.suggest import similar_articles

    return similar_articles(article, language, limit, exclude)


def related_articles(
    article: Article, language: str, *, actor: Actor, limit: int = 5
) -> list[RelatedArticle]:
    """ "Read also": the hand-chosen links first, then (while fewer than ``limit``) automatic ones — those
    sharing tags or the category, then those whose text is closest (``kb.suggest.similar_articles``, or the
    function the ``FRONTDESK_KB_SIMILAR`` setting names). Only articles the actor may read, each in the best
    language available."""
    brand = article.brand
    visible = articles_visible_to(actor, brand)
    chosen_ids = list(
        ArticleRelation.objects.filter(article=article)
        .order_by("position", "id")
        .values_list("related_id", flat=True)
    )
    wanted = list(chosen_ids)
    if len(chosen_ids) < limit:
        wanted += _by_tags_and_category(article, language, limit * 2, {article.pk, *chosen_ids})
    if len(wanted) < limit * 2:
        finder = _similar_finder(getattr(settings, "FRONTDESK_KB_SIMILAR", "")) or _text_similar
        exclude = {article.pk, *wanted}
        wanted += [i for i in finder(article, language, limit * 2, exclude) if i not in exclude]
    rows = {a.pk: a for a in visible.filter(pk__in=wanted)}
    published_only = not sees_drafts(actor, brand)
    result: list[RelatedArticle] = []
    for article_id in wanted:
        other = rows.get(article_id)
        if other is None or other.status == ArticleStatus.ARCHIVED:
            continue
        text = translation_for(other, language, published_only=published_only)
        if text is not None:
            result.append(RelatedArticle(other, text, article_id in chosen_ids))
        if len(result) >= limit:
            break
    return result


# -------------------------------------------------------------------------------------------- categories


@dataclass(frozen=True)
class CategoryEntry:
    category: Category
    name: str
    # Articles in it the actor may read.
    article_count: int

    @property
    def slug(self) -> str:
        return self.category.slug


def categories_of(brand: Brand, language: str, *, actor: Actor | None = None) -> list[CategoryEntry]:
    """The brand's categories in order, named in ``language`` (or the brand's fallbacks), each with the
    number of articles the actor may read (public published ones when no actor is given). One query."""
    from frontdesk.users.actors import NOBODY

    visible = articles_visible_to(actor or NOBODY, brand).values("pk")
    rows = Category.objects.filter(brand_id=brand.pk).annotate(
        article_count=Count("articles", filter=Q(articles__in=visible), distinct=True)
    )
    fallbacks = list(brand.languages or [])
    return [
        CategoryEntry(c, c.name_in(language, fallbacks), int(c.article_count))
        for c in rows.order_by("position", "id")
    ]


def access_category(brand: Brand, slug: str) -> Category:
    try:
        return Category.objects.get(brand_id=brand.pk, slug=slug)
    except Category.DoesNotExist:
        raise NotFound("category") from None


# ---------------------------------------------------------------------------------------------- deflection


@dataclass(frozen=True)
class ArticleDeflection:
    article_id: int
    public_id: int
    # Deflections (request forms) that showed the article.
    shown: int
    # ...in which the customer opened it.
    opened: int
    # ...opened and then the request was given up: requests the article prevented.
    prevented: int
    # ...shown (opened or not) and then given up.
    abandoned_after_shown: int
    # ...opened and the request was filed anyway.
    submitted_after_open: int


def _period(qs: QuerySet[Any], field: str, since: datetime | None, until: datetime | None) -> QuerySet[Any]:
    if since is not None:
        qs = qs.filter(**{f"{field}__gte": since})
    if until is not None:
        qs = qs.filter(**{f"{field}__lt": until})
    return qs


def deflection_by_article(
    brand: Brand, *, since: datetime | None = None, until: datetime | None = None
) -> list[ArticleDeflection]:
    """Per article of the brand: how often it was suggested, opened, and how many requests it prevented;
    most preventing first. One grouped query."""
    opened = Q(opened_at__isnull=False)
    abandoned = Q(deflection__outcome=DeflectionOutcome.ABANDONED)
    submitted = Q(deflection__outcome=DeflectionOutcome.SUBMITTED)
    rows = (
        _period(SuggestionShown.objects.filter(brand_id=brand.pk), "shown_at", since, until)
        .values("article_id", "article__public_id")
        .annotate(
            shown=Count("id"),
            opened=Count("id", filter=opened),
            prevented=Count("id", filter=opened & abandoned),
            abandoned_after_shown=Count("id", filter=abandoned),
            submitted_after_open=Count("id", filter=opened & submitted),
        )
        .order_by("-prevented", "-opened", "-shown", "article_id")
    )
    return [
        ArticleDeflection(
            article_id=r["article_id"],
            public_id=r["article__public_id"],
            shown=r["shown"],
            opened=r["opened"],
            prevented=r["prevented"],
            abandoned_after_shown=r["abandoned_after_shown"],
            submitted_after_open=r["submitted_after_open"],
        )
        for r in rows
    ]


def unanswered_requests(
    brand: Brand, *, since: datetime | None = None, until: datetime | None = None
) -> QuerySet[Deflection]:
    """Requests filed without any confident suggestion having been shown: the topics the knowledge base does
    not cover yet (``last_query`` is what the customer typed, ``ticket_number`` what it became)."""
    qs = Deflection.objects.filter(
        brand_id=brand.pk, outcome=DeflectionOutcome.SUBMITTED, had_confident=False
    )
    return _period(qs, "started_at", since, until).order_by("-started_at", "-id")


@dataclass(frozen=True)
class DeflectionTotals:
    started: int
    submitted: int
    abandoned: int
    open: int
    # Given up after opening at least one suggestion.
    prevented: int
    # Filed with no confident suggestion shown.
    unanswered: int


def deflection_totals(
    brand: Brand, *, since: datetime | None = None, until: datetime | None = None
) -> DeflectionTotals:
    opened = SuggestionShown.objects.filter(deflection_id=OuterRef("pk"), opened_at__isnull=False)
    qs = _period(Deflection.objects.filter(brand_id=brand.pk), "started_at", since, until)
    totals = qs.aggregate(
        started=Count("id"),
        submitted=Count("id", filter=Q(outcome=DeflectionOutcome.SUBMITTED)),
        abandoned=Count("id", filter=Q(outcome=DeflectionOutcome.ABANDONED)),
        open=Count("id", filter=Q(outcome=DeflectionOutcome.OPEN)),
        prevented=Count("id", filter=Q(Exists(opened), outcome=DeflectionOutcome.ABANDONED)),
        unanswered=Count("id", filter=Q(outcome=DeflectionOutcome.SUBMITTED, had_confident=False)),
    )
    return DeflectionTotals(**{k: int(v or 0) for k, v in totals.items()})
