"""The knowledge base in the desk: the articles of a brand with filters and search, an article as agents see
it (internal and draft ones too) with its languages, links, files, votes and history, and publishing."""

from __future__ import annotations

import difflib
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any
from urllib.parse import urlencode

from django.core.paginator import Paginator
from django.db.models import Count, Q
from django.http import FileResponse, Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.http.response import HttpResponseBase
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.translation import get_language
from django.views.decorators.http import require_GET, require_POST

from frontdesk.core.errors import DomainError, NotFound, PermissionDenied
from frontdesk.desk import previews
from frontdesk.desk.kb_forms import MAX_RELATED, AttachmentForm, FilterForm, PublishForm, RelatedForm
from frontdesk.desk.kb_shared import (
    category_choices,
    desk_article,
    public_link,
    search_ids,
    served_brand,
    served_brands,
    with_files,
)
from frontdesk.desk.timeline import viewer_zone
from frontdesk.desk.views.access import agent_view
from frontdesk.kb import actions as kb_actions
from frontdesk.kb.queries import (
    access_article,
    access_article_attachment,
    articles_visible_to,
    attachments_of,
    related_articles,
    translation_for,
    versions_of,
)
from frontdesk.kb.render import render_body
from frontdesk.users.actors import Actor

if TYPE_CHECKING:
    from frontdesk.brands.models import Brand
    from frontdesk.kb.models import Article, ArticleTranslation

PAGE_SIZE = 50
RECENT_COMMENTS = 10
RECENT_EVENTS = 30


def article_path(article: Article, *, view: str = "kb_article", language: str = "") -> str:
    url = reverse(f"desk:{view}", args=[article.brand.slug, article.public_id])
    return f"{url}?{urlencode({'lang': language})}" if language else url


@dataclass(frozen=True)
class Row:
    article: Article
    translation: ArticleTranslation | None
    languages: list[str]
    url: str
    category: str


def _language_for(request: HttpRequest, brand: Brand) -> str:
    """The language to show an article in: the one asked for, else the agent's, else the brand's first."""
    asked = request.GET.get("lang", "")
    return asked or get_language() or brand.default_language


def _rows(articles: list[Article], language: str) -> list[Row]:
    rows = []
    for article in articles:
        translations = list(article.translations.all())
        rows.append(
            Row(
                article=article,
                translation=translation_for(article, language, published_only=False),
                languages=sorted(t.language for t in translations),
                url=article_path(article),
                category=article.category.name_in(language, article.brand.languages or [])
                if article.category
                else "",
            )
        )
    return rows


@require_GET
@agent_view
def kb_list(request: HttpRequest, actor: Actor) -> HttpResponse:
    """A brand's articles, newest change first, narrowed by category, language, status and visibility, or
    found by words of their text (ranked, typo-tolerant)."""
    brands = served_brands(actor)
    if not brands:
        raise Http404
    slug = request.GET.get("brand", "")
    brand = served_brand(actor, slug) if slug else brands[0]
    form = FilterForm(request.GET)
    form.offer(category_choices(actor, brand), list(brand.languages or []))
    status = 200
    articles: list[Article] = []
    page = None
    searched = False
    if form.is_valid():
        data = form.cleaned_data
        qs = articles_visible_to(actor, brand)
        if data["category"]:
            qs = qs.filter(category__slug=data["category"])
        if data["language"]:
            qs = qs.filter(translations__language=data["language"])
        if data["status"]:
            qs = qs.filter(status=data["status"])
        if data["visibility"]:
            qs = qs.filter(visibility=data["visibility"])
        ids = search_ids(actor, brand, data["q"], language=data["language"])
        if ids is not None:
            searched = True
            found = {a.pk: a for a in qs.filter(pk__in=ids)}
            articles = [found[i] for i in ids if i in found]
        else:
            paginator = Paginator(qs.order_by("-updated_at", "-id"), PAGE_SIZE)
            page = paginator.get_page(request.GET.get("page"))
            articles = list(page.object_list)
    else:
        status = 422
    language = form.cleaned_data.get("language") or get_language() or brand.default_language
    context = {
        "brand": brand,
        "brands": brands,
        "form": form,
        "rows": _rows(articles, language),
        "page": page,
        "searched": searched,
        "query_without_page": urlencode(
            [(k, v) for k, v in request.GET.items() if k != "page"] or [("brand", brand.slug)]
        ),
        "viewer_tz": viewer_zone(getattr(request.user, "time_zone", "")),
    }
    template = "desk/kb/partials/list_rows.html" if request.htmx else "desk/kb/list.html"  # type: ignore[attr-defined]
    return TemplateResponse(request, template, context, status=status)


def _votes(article: Article) -> dict[str, Any]:
    counts = article.votes.aggregate(
        yes=Count("id", filter=Q(helpful=True)), no=Count("id", filter=Q(helpful=False))
    )
    comments = list(article.votes.exclude(comment="").order_by("-updated_at", "-id")[:RECENT_COMMENTS])
    return {"helpful": counts["yes"], "unhelpful": counts["no"], "comments": comments}


def article_context(request: HttpRequest, actor: Actor, article: Article) -> dict[str, Any]:
    brand = article.brand
    language = _language_for(request, brand)
    translation = translation_for(article, language, published_only=False)
    translations = sorted(article.translations.all(), key=lambda t: t.language)
    shown = translation.language if translation else language
    missing = [code for code in brand.languages or [] if code not in {t.language for t in translations}]
    attachments = list(attachments_of(article))
    # Every hand-chosen one (at most MAX_RELATED) comes first, then automatic ones.
    related = related_articles(article, shown, actor=actor, limit=MAX_RELATED + 5)
    urls = {
        a.pk: reverse("desk:kb_attachment", args=[brand.slug, article.public_id, a.pk]) for a in attachments
    }
    return {
        "brand": brand,
        "article": article,
        "translation": translation,
        "translations": translations,
        "missing_languages": missing,
        "body": render_body(with_files(translation.body, urls)) if translation else "",
        "related": related,
        "chosen_related": ", ".join(str(r.article.public_id) for r in related if r.chosen),
        "attachments": [{"file": a, "url": urls[a.pk]} for a in attachments],
        "votes": _votes(article),
        "public_url": public_link(brand, article.public_id),
        "related_form": None,
        "attachment_form": AttachmentForm(),
        "viewer_tz": viewer_zone(getattr(request.user, "time_zone", "")),
    }


def _article_page(
    request: HttpRequest, actor: Actor, article: Article, *, status: int = 200, **extra: Any
) -> HttpResponse:
    context = article_context(request, actor, article) | extra
    if context["related_form"] is None:
        context["related_form"] = RelatedForm(initial={"related": context["chosen_related"]})
    return TemplateResponse(request, "desk/kb/article.html", context, status=status)


@require_GET
@agent_view
def kb_article(request: HttpRequest, actor: Actor, brand: str, public_id: int) -> HttpResponse:
    return _article_page(request, actor, desk_article(actor, brand, public_id))


def _back(article: Article, language: str = "", anchor: str = "") -> HttpResponseRedirect:
    return HttpResponseRedirect(article_path(article, language=language) + (f"#{anchor}" if anchor else ""))


@require_POST
@agent_view
def kb_publish(request: HttpRequest, actor: Actor, brand: str, public_id: int) -> HttpResponse:
    """Publish or unpublish the article or one of its languages, or archive it."""
    article = desk_article(actor, brand, public_id)
    form = PublishForm(request.POST)
    if not form.is_valid():
        return _article_page(request, actor, article, status=422, publish_error=form.errors.as_text())
    language = form.cleaned_data["language"] or None
    action = form.cleaned_data["action"]
    try:
        if action == "publish":
            kb_actions.publish_article(article, actor=actor, languages=[language] if language else None)
        elif action == "unpublish":
            kb_actions.unpublish_article(article, actor=actor, language=language)
        else:
            kb_actions.archive_article(article, actor=actor)
    except (NotFound, PermissionDenied):
        raise
    except DomainError as error:
        return _article_page(request, actor, article, status=422, publish_error=error.detail)
    return _back(article, request.POST.get("lang", "") or (language or ""))


@require_POST
@agent_view
def kb_related(request: HttpRequest, actor: Actor, brand: str, public_id: int) -> HttpResponse:
    """Replace the hand-chosen "read also" articles."""
    article = desk_article(actor, brand, public_id)
    form = RelatedForm(request.POST)
    if not form.is_valid():
        return _article_page(request, actor, article, status=422, related_form=form)
    chosen = []
    for number in form.cleaned_data["related"]:
        try:
            chosen.append(access_article(actor, article.brand, number))
        except NotFound:
            form.add_error("related", f"#{number}: {NotFound('article').detail}")
    if form.errors:
        return _article_page(request, actor, article, status=422, related_form=form)
    try:
        kb_actions.set_related_articles(article, actor=actor, related=chosen)
    except (NotFound, PermissionDenied):
        raise
    except DomainError as error:
        form.add_error("related", error.detail)
        return _article_page(request, actor, article, status=422, related_form=form)
    return _back(article, request.POST.get("lang", ""), "related")


@require_POST
@agent_view
def kb_attach(request: HttpRequest, actor: Actor, brand: str, public_id: int) -> HttpResponse:
    """Attach a file or an image to the article."""
    article = desk_article(actor, brand, public_id)
    form = AttachmentForm(request.POST, request.FILES)
    if form.is_valid():
        upload = form.cleaned_data["file"]
        try:
            kb_actions.add_article_attachment(
                article,
                actor=actor,
                filename=upload.name or "attachment",
                content_type=upload.content_type or "",
                data=upload.read(),
            )
        except (NotFound, PermissionDenied):
            raise
        except DomainError as error:
            form.add_error("file", error.detail)
    if form.errors:
        return _article_page(request, actor, article, status=422, attachment_form=form)
    return _back(article, request.POST.get("lang", ""), "attachments")


def attachment_response(attachment: Any) -> HttpResponseBase:
    """A file of an article: images shown inline when their bytes match their type, anything else a download;
    never sniffed, sandboxed."""
    try:
        handle = attachment.file.open("rb")
    except OSError:
        raise Http404 from None
    inline = previews.preview_kind(attachment.content_type) == "image" and previews.may_show_inline(
        attachment.content_type, handle.read(previews.HEAD_BYTES)
    )
    handle.seek(0)
    response = FileResponse(
        handle,
        as_attachment=not inline,
        filename=attachment.filename,
        content_type=previews.normalized_type(attachment.content_type)
        if inline
        else "application/octet-stream",
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    return response


@require_GET
@agent_view
def kb_attachment(
    request: HttpRequest, actor: Actor, brand: str, public_id: int, attachment_id: int
) -> HttpResponseBase:
    attachment = access_article_attachment(actor, served_brand(actor, brand), public_id, attachment_id)
    response = attachment_response(attachment)
    response["Cache-Control"] = "private, no-store"
    return response


# ------------------------------------------------------------------------------------------------ history


@dataclass(frozen=True)
class DiffLine:
    kind: str  # "add", "del", "same" or "gap"
    text: str


def _version_text(version: Any) -> list[str]:
    return [f"# {version.title}", f"[{', '.join(version.tags)}]", "", *version.body.splitlines()]


def diff_lines(old: Any, new: Any) -> list[DiffLine]:
    """The lines that differ between two versions, with three lines of context around each change."""
    lines: list[DiffLine] = []
    for line in difflib.unified_diff(_version_text(old), _version_text(new), lineterm="", n=3):
        if line.startswith(("---", "+++")):
            continue
        if line.startswith("@@"):
            lines.append(DiffLine("gap", "…"))
        elif line.startswith("+"):
            lines.append(DiffLine("add", line[1:]))
        elif line.startswith("-"):
            lines.append(DiffLine("del", line[1:]))
        else:
            lines.append(DiffLine("same", line[1:]))
    return lines


def _number(value: str) -> int | None:
    return int(value) if value.isdigit() and 0 < int(value) < 2**31 else None


@require_GET
@agent_view
def kb_history(request: HttpRequest, actor: Actor, brand: str, public_id: int) -> HttpResponse:
    """Who changed what: the versions of one language with a diff between two of them (the newest and the one
    before unless ``?a=&b=`` name others), and the article's other changes."""
    article = desk_article(actor, brand, public_id)
    translation = translation_for(article, _language_for(request, article.brand), published_only=False)
    if translation is None:
        raise Http404
    versions = list(versions_of(actor, translation))
    by_number = {v.number: v for v in versions}
    newer = by_number.get(_number(request.GET.get("b", "")) or 0, versions[0] if versions else None)
    older = by_number.get(_number(request.GET.get("a", "")) or 0)
    if older is None and newer is not None:
        older = next((v for v in versions if v.number < newer.number), None)
    context = {
        "brand": article.brand,
        "article": article,
        "translation": translation,
        "translations": sorted(article.translations.all(), key=lambda t: t.language),
        "versions": versions,
        "older": older,
        "newer": newer,
        "diff": diff_lines(older, newer) if older and newer else [],
        "events": list(article.events.order_by("-at", "-id")[:RECENT_EVENTS]),
        "viewer_tz": viewer_zone(getattr(request.user, "time_zone", "")),
    }
    return TemplateResponse(request, "desk/kb/history.html", context)
