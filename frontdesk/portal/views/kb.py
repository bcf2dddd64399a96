"""A brand's knowledge base in its portal: categories, a category's articles, an article with its files and
"read also", the public search (ranked, typo-tolerant) and "was this helpful".

Only the brand's published public articles are ever shown, in the portal's language where they have it: the
reader is the portal's visitor (or the signed-in customer of this brand), never an agent. Anything else is 404.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from django import forms
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.template.response import TemplateResponse
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_GET, require_POST

from frontdesk.core.errors import DomainError, NotFound
from frontdesk.kb import actions as kb_actions
from frontdesk.kb.queries import (
    access_article,
    access_article_attachment,
    access_category,
    articles_visible_to,
    attachments_of,
    categories_of,
    related_articles,
    translation_for,
)
from frontdesk.kb.render import body_to_text, render_body
from frontdesk.kb.suggest import search_articles
from frontdesk.portal.site import Portal, portal_view

if TYPE_CHECKING:
    from frontdesk.kb.models import Article, ArticleTranslation

MAX_QUERY = 200
SEARCH_RESULTS = 20
CATEGORY_ARTICLES = 200
SNIPPET = 220
IMAGE_TYPES = frozenset({"image/png", "image/jpeg", "image/gif", "image/webp"})
# ``![plan](attachment:12)`` in an article's text: a file of the article, linked where the page is shown.
_ATTACHMENT_REF = re.compile(r"\]\(attachment:(\d+)\)")


@dataclass(frozen=True)
class Entry:
    article: Article
    translation: ArticleTranslation
    url: str
    snippet: str


def _entry(portal: Portal, article: Article, text: ArticleTranslation) -> Entry:
    snippet = body_to_text(text.body)
    if len(snippet) > SNIPPET:
        snippet = snippet[:SNIPPET].rsplit(" ", 1)[0] + "…"
    return Entry(article, text, portal.url("kb_article", public_id=article.public_id), snippet)


def _entries(portal: Portal, articles: list[Article]) -> list[Entry]:
    entries = []
    for article in articles:
        text = translation_for(article, portal.language, portal.languages)
        if text is not None:
            entries.append(_entry(portal, article, text))
    return entries


def _search_ids(portal: Portal, query: str) -> list[int]:
    """The brand's public articles matching ``query``, best first: in the portal's language, else in any of
    the brand's languages."""
    hits = search_articles(portal.brand, query, language=portal.language, limit=SEARCH_RESULTS)
    if not hits:
        hits = search_articles(portal.brand, query, language=None, limit=SEARCH_RESULTS)
    return [hit.article_id for hit in hits]


@require_GET
@portal_view
def kb_home(request: HttpRequest, portal: Portal) -> HttpResponse:
    """The categories with the number of articles in each, and the search box."""
    categories = [
        {"entry": entry, "url": portal.url("kb_category", category=entry.slug)}
        for entry in categories_of(portal.brand, portal.language, actor=portal.actor)
        if entry.article_count
    ]
    recent = list(articles_visible_to(portal.actor, portal.brand).order_by("-published_at", "-id")[:10])
    context = {"categories": categories, "recent": _entries(portal, recent), "q": ""}
    return TemplateResponse(request, "portal/kb/home.html", context)


@require_GET
@portal_view
def kb_category(request: HttpRequest, portal: Portal, category: str) -> HttpResponse:
    found = access_category(portal.brand, category)
    articles = list(
        articles_visible_to(portal.actor, portal.brand)
        .filter(category_id=found.pk)
        .order_by("-published_at", "-id")[:CATEGORY_ARTICLES]
    )
    entries = sorted(_entries(portal, articles), key=lambda e: e.translation.title.casefold())
    context = {
        "category": found,
        "category_name": found.name_in(portal.language, portal.languages),
        "entries": entries,
    }
    return TemplateResponse(request, "portal/kb/category.html", context)


class SearchForm(forms.Form):
    q = forms.CharField(label=_("Search our answers"), required=False, max_length=MAX_QUERY)


@require_GET
@portal_view
def kb_search(request: HttpRequest, portal: Portal) -> HttpResponse:
    """Articles matching the words, best first; the page, or only the results for HTMX as the visitor types."""
    form = SearchForm(request.GET)
    entries: list[Entry] = []
    status = 200
    query = ""
    if form.is_valid():
        query = " ".join(form.cleaned_data["q"].split())
        if query:
            ids = _search_ids(portal, query)
            found = {a.pk: a for a in articles_visible_to(portal.actor, portal.brand).filter(pk__in=ids)}
            entries = _entries(portal, [found[i] for i in ids if i in found])
    else:
        status = 422
    context = {"form": form, "q": query, "entries": entries, "searched": bool(query)}
    template = "portal/kb/partials/results.html" if request.htmx else "portal/kb/search.html"  # type: ignore[attr-defined]
    return TemplateResponse(request, template, context, status=status)


class VoteForm(forms.Form):
    helpful = forms.TypedChoiceField(
        choices=[("yes", _("Yes")), ("no", _("No"))],
        coerce=lambda value: value == "yes",
        error_messages={"required": _("Say whether the article helped.")},
    )
    comment = forms.CharField(
        label=_("What was missing? (optional)"),
        required=False,
        max_length=kb_actions.MAX_COMMENT,
        widget=forms.Textarea(attrs={"rows": 3}),
    )


def _with_files(body: str, urls: dict[int, str]) -> str:
    """The article's own files referenced as ``attachment:<id>`` pointed at their address on this page."""
    return _ATTACHMENT_REF.sub(lambda m: f"]({urls.get(int(m.group(1)), '#')})", body)


def _vote_key(request: HttpRequest) -> str:
    """The visitor's session, started if need be: one vote per visitor session."""
    if not request.session.session_key:
        request.session.save()
    return request.session.session_key or ""


def _voted(request: HttpRequest, article: Article) -> str:
    return str(request.session.get(f"kb-vote-{article.pk}", ""))


def _article_context(request: HttpRequest, portal: Portal, article: Article) -> dict[str, Any]:
    text = translation_for(article, portal.language, portal.languages)
    if text is None:
        raise NotFound("article")
    files = list(attachments_of(article))
    urls = {f.pk: portal.url("kb_attachment", public_id=article.public_id, attachment_id=f.pk) for f in files}
    related = related_articles(article, text.language, actor=portal.actor, limit=5)
    return {
        "article": article,
        "translation": text,
        "other_language": text.language != portal.language,
        "body": render_body(_with_files(text.body, urls)),
        "category_name": article.category.name_in(portal.language, portal.languages)
        if article.category
        else "",
        "category_url": portal.url("kb_category", category=article.category.slug) if article.category else "",
        "files": [{"file": f, "url": urls[f.pk], "image": f.content_type in IMAGE_TYPES} for f in files],
        "related": [
            {"item": r, "url": portal.url("kb_article", public_id=r.article.public_id)} for r in related
        ],
        "vote_url": portal.url("kb_vote", public_id=article.public_id),
        "voted": _voted(request, article),
        "vote_form": VoteForm(),
    }


@require_GET
@portal_view
def kb_article(request: HttpRequest, portal: Portal, public_id: int) -> HttpResponse:
    """The article; ``?d=`` is the key of a new-request form that suggested it, which counts it as opened."""
    article = access_article(portal.actor, portal.brand, public_id)
    key = request.GET.get("d", "")
    if key:
        kb_actions.record_article_opened(key[:64], article=article)
    return TemplateResponse(request, "portal/kb/article.html", _article_context(request, portal, article))


@require_POST
@portal_view
def kb_vote(request: HttpRequest, portal: Portal, public_id: int) -> HttpResponse:
    """ "Was this helpful?": yes or no with an optional comment; voting again in the same session changes the
    vote. HTMX gets the thanks (or the form with its error, 422) in place; a plain form the article."""
    article = access_article(portal.actor, portal.brand, public_id)
    form = VoteForm(request.POST)
    status = 200
    if form.is_valid():
        text = translation_for(article, portal.language, portal.languages)
        try:
            kb_actions.vote_article(
                article,
                actor=portal.actor,
                language=text.language if text else portal.language,
                helpful=form.cleaned_data["helpful"],
                comment=form.cleaned_data["comment"],
                session_key=_vote_key(request),
            )
        except NotFound:
            raise
        except DomainError as error:
            form.add_error("comment" if error.field == "comment" else None, error.detail)
        else:
            request.session[f"kb-vote-{article.pk}"] = "yes" if form.cleaned_data["helpful"] else "no"
    if form.errors:
        status = 422
    context = {
        "article": article,
        "vote_url": portal.url("kb_vote", public_id=article.public_id),
        "voted": _voted(request, article),
        "vote_form": form,
    }
    if request.htmx:  # type: ignore[attr-defined]
        return TemplateResponse(request, "portal/kb/partials/vote.html", context, status=status)
    context = _article_context(request, portal, article) | {"vote_form": form}
    return TemplateResponse(request, "portal/kb/article.html", context, status=status)


@require_GET
@portal_view
def kb_attachment(
    request: HttpRequest, portal: Portal, public_id: int, attachment_id: int
) -> HttpResponseBase:
    """A file of a public article: images shown in the page, anything else downloaded; never sniffed."""
    attachment = access_article_attachment(portal.actor, portal.brand, public_id, attachment_id)
    try:
        handle = attachment.file.open("rb")
    except OSError:
        raise Http404 from None
    inline = attachment.content_type in IMAGE_TYPES
    response = FileResponse(
        handle,
        as_attachment=not inline,
        filename=attachment.filename,
        content_type=attachment.content_type if inline else "application/octet-stream",
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    return response
