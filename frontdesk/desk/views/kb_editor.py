"""Writing the knowledge base in the desk: a new article, one language of it edited (title, text, tags,
category, visibility), and another language of the brand added. A save over a newer version is refused."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django import forms
from django.db import transaction
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.translation import get_language
from django.views.decorators.http import require_http_methods

from frontdesk.core.errors import Conflict, DomainError, NotFound, PermissionDenied
from frontdesk.desk.kb_forms import EditForm, NewArticleForm, TranslationForm
from frontdesk.desk.kb_shared import category_choices, category_named, desk_article, served_brand
from frontdesk.desk.views.access import agent_view
from frontdesk.desk.views.kb import article_path
from frontdesk.kb import actions as kb_actions
from frontdesk.kb.queries import translation_for
from frontdesk.users.actors import Actor

if TYPE_CHECKING:
    from frontdesk.brands.models import Brand


def _refuse(form: forms.Form, error: DomainError) -> None:
    field = error.field if error.field in form.fields else None
    if field is not None and form.fields[field].widget.is_hidden:
        field = None
    form.add_error(field, error.detail)


def _category(actor: Actor, brand: Brand, form: forms.Form) -> Any:
    slug = form.cleaned_data.get("category") or ""
    return category_named(actor, brand, slug) if slug else None


def _render(request: HttpRequest, template: str, context: dict[str, Any], status: int = 200) -> HttpResponse:
    return TemplateResponse(request, template, context, status=status)


@require_http_methods(["GET", "POST"])
@agent_view
def kb_new(request: HttpRequest, actor: Actor, brand: str) -> HttpResponse:
    """A new article in one of the brand's languages; it starts as a draft."""
    the_brand = served_brand(actor, brand)
    languages = list(the_brand.languages or []) or ["en"]
    agent_language = get_language() or ""
    initial = {"language": agent_language if agent_language in languages else languages[0]}
    form = NewArticleForm(request.POST or None, initial=initial)
    form.offer(category_choices(actor, the_brand))
    form.offer_languages(languages)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            article = kb_actions.create_article(
                the_brand,
                actor=actor,
                language=data["language"],
                title=data["title"],
                body=data["body"],
                tags=data["tags"],
                category=_category(actor, the_brand, form),
                visibility=data["visibility"],
            )
        except PermissionDenied:
            raise
        except DomainError as error:
            _refuse(form, error)
        else:
            article.brand = the_brand
            return HttpResponseRedirect(article_path(article, language=data["language"]))
    status = 422 if form.errors else 200
    return _render(request, "desk/kb/new.html", {"brand": the_brand, "form": form}, status)


@require_http_methods(["GET", "POST"])
@agent_view
def kb_edit(request: HttpRequest, actor: Actor, brand: str, public_id: int) -> HttpResponse:
    """One language of the article, with the article's category and visibility."""
    article = desk_article(actor, brand, public_id)
    language = request.GET.get("lang") or request.POST.get("lang") or ""
    translation = translation_for(article, language or get_language() or "", published_only=False)
    if translation is None or (language and translation.language != language):
        raise Http404
    initial = {
        "title": translation.title,
        "body": translation.body,
        "tags": ", ".join(translation.tags),
        "category": article.category.slug if article.category else "",
        "visibility": article.visibility,
        "base_version": translation.version,
    }
    form = EditForm(request.POST or None, initial=initial)
    form.offer(category_choices(actor, article.brand))
    status = 200
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            with transaction.atomic():
                kb_actions.update_translation(
                    translation,
                    actor=actor,
                    title=data["title"],
                    body=data["body"],
                    tags=data["tags"],
                    base_version=data["base_version"],
                )
                kb_actions.set_category(article, actor=actor, category=_category(actor, article.brand, form))
                kb_actions.set_visibility(article, actor=actor, visibility=data["visibility"])
        except Conflict as error:
            _refuse(form, error)
            status = 409
        except (NotFound, PermissionDenied):
            raise
        except DomainError as error:
            _refuse(form, error)
        else:
            return HttpResponseRedirect(article_path(article, language=translation.language))
    if form.errors and status == 200:
        status = 422
    context = {"brand": article.brand, "article": article, "translation": translation, "form": form}
    return _render(request, "desk/kb/edit.html", context, status)


@require_http_methods(["GET", "POST"])
@agent_view
def kb_translate(request: HttpRequest, actor: Actor, brand: str, public_id: int) -> HttpResponse:
    """Another language of the brand for the article, as a draft of that language."""
    article = desk_article(actor, brand, public_id)
    have = {t.language for t in article.translations.all()}
    missing = [code for code in article.brand.languages or [] if code not in have]
    source = translation_for(article, request.GET.get("from", ""), published_only=False)
    initial = {"language": request.GET.get("lang") or (missing[0] if missing else "")}
    if source is not None:
        initial |= {"title": source.title, "body": source.body, "tags": ", ".join(source.tags)}
    form = TranslationForm(request.POST or None, initial=initial)
    form.offer_languages(missing)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            kb_actions.add_translation(
                article,
                actor=actor,
                language=data["language"],
                title=data["title"],
                body=data["body"],
                tags=data["tags"],
            )
        except (NotFound, PermissionDenied):
            raise
        except DomainError as error:
            _refuse(form, error)
        else:
            return HttpResponseRedirect(article_path(article, language=data["language"]))
    context = {"brand": article.brand, "article": article, "source": source, "form": form, "missing": missing}
    return _render(request, "desk/kb/translate.html", context, 422 if form.errors else 200)


def new_article_url(brand: Brand) -> str:
    return reverse("desk:kb_new", args=[brand.slug])
