"""The knowledge base from the ticket page: a draft article made of an agent's reply, and the reply box's
search that puts an article's public link into the reply. Only the ticket's brand's articles are offered."""

from __future__ import annotations

from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.template.response import TemplateResponse
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from frontdesk.core.errors import DomainError, NotFound, PermissionDenied
from frontdesk.desk.forms import ComposerForm
from frontdesk.desk.kb_forms import MAX_QUERY, FromAnswerForm
from frontdesk.desk.kb_shared import public_link, search_ids
from frontdesk.desk.views.access import agent_view
from frontdesk.desk.views.kb import article_path
from frontdesk.kb import actions as kb_actions
from frontdesk.kb.queries import access_article, articles_visible_to, translation_for
from frontdesk.tickets.choices import AuthorKind, MessageKind
from frontdesk.tickets.queries import access_ticket, messages_visible_to
from frontdesk.users.actors import NOBODY, Actor

LINK_RESULTS = 8


def _ticket_language(ticket: object) -> str:
    brand = ticket.brand  # type: ignore[attr-defined]
    language = getattr(ticket, "language", "") or ""
    return language if language in (brand.languages or []) else brand.default_language


def _title_of(subject: str) -> str:
    return " ".join(subject.split())[:200]


@require_http_methods(["GET", "POST"])
@agent_view
def from_answer(request: HttpRequest, actor: Actor, number: str, message_id: int) -> HttpResponse:
    """A draft article made of an agent's reply on the ticket: prefilled with the reply's text, in the
    ticket's language; the agent corrects it here and finishes it in the editor."""
    ticket = access_ticket(actor, number)
    message = (
        messages_visible_to(actor, ticket)
        .filter(pk=message_id, kind=MessageKind.REPLY, author_kind=AuthorKind.AGENT)
        .first()
    )
    if message is None:
        raise Http404
    brand = ticket.brand
    languages = list(brand.languages or []) or ["en"]
    initial = {
        "language": _ticket_language(ticket),
        "title": _title_of(ticket.subject),
        "body": message.body_text,
    }
    form = FromAnswerForm(request.POST or None, initial=initial)
    form.offer_languages(languages)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            article = kb_actions.create_article_from_ticket_answer(
                brand, actor=actor, title=data["title"], body=data["body"], language=data["language"]
            )
        except (NotFound, PermissionDenied):
            raise
        except DomainError as error:
            form.add_error(error.field if error.field in form.fields else None, error.detail)
        else:
            article.brand = brand
            return HttpResponseRedirect(article_path(article, view="kb_edit", language=data["language"]))
    context = {"ticket": ticket, "message": message, "form": form, "brand": brand}
    return TemplateResponse(request, "desk/kb/from_answer.html", context, status=422 if form.errors else 200)


@require_GET
@agent_view
def link_search(request: HttpRequest, actor: Actor, number: str) -> HttpResponse:
    """The ticket brand's published public articles matching the typed words, in the ticket's language where
    they have it: the ones a customer can open."""
    ticket = access_ticket(actor, number)
    query = request.GET.get("kbq", "")[:MAX_QUERY]
    language = _ticket_language(ticket)
    results = []
    ids = search_ids(NOBODY, ticket.brand, query, language=language, internal=False)
    if ids:
        found = {a.pk: a for a in articles_visible_to(NOBODY, ticket.brand).filter(pk__in=ids)}
        for article in (found[i] for i in ids if i in found):
            text = translation_for(article, language)
            if text is not None:
                results.append({"article": article, "translation": text})
            if len(results) >= LINK_RESULTS:
                break
    context = {"ticket": ticket, "results": results, "query": query.strip()}
    return TemplateResponse(request, "desk/kb/partials/link_results.html", context)


@require_POST
@agent_view
def link_insert(request: HttpRequest, actor: Actor, number: str, public_id: int) -> HttpResponse:
    """The reply box with the article's title and public link added after what the agent already wrote."""
    ticket = access_ticket(actor, number)
    # A link only to what the customer can open: the brand's published public articles.
    article = access_article(NOBODY, ticket.brand, public_id)
    text = translation_for(article, _ticket_language(ticket))
    if text is None:
        raise NotFound("article")
    link = f"{text.title}: {public_link(ticket.brand, article.public_id)}"
    written = request.POST.get("body", "").rstrip()
    body = f"{written}\n\n{link}" if written else link
    form = ComposerForm(initial={"body": body, "version": ticket.version})
    return TemplateResponse(request, "desk/kb/partials/link_body.html", {"form": form})
