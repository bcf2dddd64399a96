"""The knowledge base: articles for the agents of their brands, and public suggestions for request forms."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from django.http import HttpRequest, HttpResponse
from django.utils.translation import gettext as _
from ninja import Query, Router

from frontdesk.api.auth import BearerToken, BrowserSession, current_actor
from frontdesk.api.idempotency import idempotent, json_response, to_json
from frontdesk.api.pagination import page_schema, paginate
from frontdesk.api.routers.common import id_path, lookup, one_or_404, payload_json, refuse_unknown_params
from frontdesk.api.schemas.kb import (
    ArticleCreateIn,
    ArticleFilterIn,
    ArticleOut,
    SuggestIn,
    SuggestionsOut,
)
from frontdesk.core.errors import InvalidInput, NotFound
from frontdesk.kb import actions as kb_actions
from frontdesk.kb.queries import access_category, articles_of_agent, public_brand
from frontdesk.kb.render import body_to_html
from frontdesk.kb.suggest import suggest_articles
from frontdesk.kb.urls_public import article_url
from frontdesk.users.actors import NOBODY
from frontdesk.users.queries import access_brand

if TYPE_CHECKING:
    from frontdesk.kb.models import Article
    from frontdesk.users.actors import Actor

router = Router(tags=["knowledge base"])

ArticlePage = page_schema(ArticleOut, "ArticlePage")


def anonymous(request: HttpRequest) -> Actor:
    """Public reads need no account: a caller without a token or session is nobody in particular."""
    return NOBODY


def articles_json(rows: Sequence[Article]) -> list[dict[str, Any]]:
    """Articles loaded with brand, category and translations: no further queries."""
    return to_json(
        [
            {
                "id": a.pk,
                "public_id": a.public_id,
                "brand": {"id": a.brand.pk, "slug": a.brand.slug, "name": a.brand.name},
                "category": a.category.slug if a.category else None,
                "visibility": a.visibility,
                "status": a.status,
                "url": article_url(a.brand, a.public_id),
                "created_at": a.created_at,
                "updated_at": a.updated_at,
                "published_at": a.published_at,
                "translations": [
                    {
                        "language": t.language,
                        "title": t.title,
                        "body": t.body,
                        "body_html": body_to_html(t.body),
                        "tags": list(t.tags),
                        "status": t.status,
                        "version": t.version,
                        "updated_at": t.updated_at,
                    }
                    for t in sorted(a.translations.all(), key=lambda t: t.language)
                ],
            }
            for a in rows
        ]
    )


def _article_json(actor: Actor, article_id: int) -> dict[str, Any]:
    return articles_json([one_or_404(articles_of_agent(actor).filter(pk=article_id), "article")])[0]


@router.get(
    "/articles",
    response={200: ArticlePage},
    summary="List knowledge-base articles",
    description="Agents: the articles of the brands they serve, in every state and visibility; newest first. "
    "Others get an empty list.",
)
def list_kb_articles(request: HttpRequest, filters: Query[ArticleFilterIn]) -> HttpResponse:
    actor = current_actor(request)
    refuse_unknown_params(request, ArticleFilterIn)
    qs = articles_of_agent(actor)
    if filters.brand:
        qs = qs.filter(brand__slug=filters.brand)
    if filters.language:
        qs = qs.filter(translations__language=filters.language)
    if filters.status:
        qs = qs.filter(status=filters.status)
    if filters.visibility:
        qs = qs.filter(visibility=filters.visibility)
    return json_response(200, paginate(qs, filters, serialize=articles_json))


@router.post(
    "/articles",
    response={201: ArticleOut},
    summary="Create a knowledge-base article",
    description="Agents of the brand: the article with its first text, a draft unless `publish`. "
    "Honours `Idempotency-Key`.",
)
def create_kb_article(request: HttpRequest, payload: ArticleCreateIn) -> HttpResponse:
    actor = current_actor(request)

    def run() -> tuple[int, Any]:
        if not (actor.is_agent or actor.is_system):
            raise NotFound("brand")
        brand = lookup("brand", access_brand, actor, payload.brand)
        category = lookup("category", access_category, brand, payload.category) if payload.category else None
        article = kb_actions.create_article(
            brand,
            actor=actor,
            language=payload.language,
            title=payload.title,
            body=payload.body,
            tags=payload.tags,
            category=category,
            visibility=payload.visibility,
            publish=payload.publish,
        )
        return 201, _article_json(actor, article.pk)

    return idempotent(
        request, actor, operation="create_kb_article", payload=payload_json(payload), create=run
    )


@router.get(
    "/articles/{article_id}",
    response={200: ArticleOut},
    summary="Read a knowledge-base article",
    description="Agents of the article's brand; 404 for everyone else.",
)
def get_kb_article(request: HttpRequest, article_id: int = id_path("The article id.")) -> HttpResponse:
    return json_response(200, _article_json(current_actor(request), article_id))


@router.get(
    "/suggest",
    response={200: SuggestionsOut},
    auth=[BearerToken(), BrowserSession(), anonymous],
    # The empty requirement says what ``anonymous`` does: no credentials needed.
    openapi_extra={"security": [{}]},
    summary="Suggest articles for a question",
    description="Public, no account needed: the brand's published public articles that best answer `q` in "
    "`language`, best first. `confident` marks those above the threshold a form shows. Internal articles and "
    "drafts are never suggested here, whoever asks.",
)
def suggest_kb_articles(request: HttpRequest, params: Query[SuggestIn]) -> HttpResponse:
    refuse_unknown_params(request, SuggestIn)
    brand = lookup("brand", public_brand, params.brand)
    if params.language not in (brand.languages or ["en"]):
        raise InvalidInput(
            _("The brand does not offer the language %(language)s.") % {"language": params.language},
            field="language",
        )
    found = suggest_articles(
        brand_id=brand.pk, language=params.language, text=params.q, limit=params.limit, include_internal=False
    )
    items = [
        {
            "id": s.article_id,
            "public_id": s.public_id,
            "title": s.title,
            "url": article_url(brand, s.public_id),
            "score": round(float(s.score), 4),
            "confident": bool(s.confident),
            "rank": rank,
        }
        for rank, s in enumerate(found[: params.limit], start=1)
    ]
    return json_response(200, {"items": items})
