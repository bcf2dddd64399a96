"""Mail templates a brand edits in the admin (every mail to customers: acknowledgement, reply, status update,
status change, reminder, rating request), rendered by a sandboxed template engine.

The engine has no loaders and only a short list of tags and filters: no ``load``, ``include``, ``extends``,
``block``, ``ssi``, ``debug``, loops or ``safe``. The subject and the plain text are rendered without escaping, the
HTML part with autoescaping on, so what a customer typed (the subject, the name, the message) cannot add markup.
``ticket`` and ``brand`` are plain read-only views with a few fields, never the database objects.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from datetime import date, datetime
from functools import lru_cache
from typing import TYPE_CHECKING, Any

from django.core.exceptions import ValidationError
from django.template import Context, Engine, Library, TemplateSyntaxError, defaultfilters, defaulttags
from django.template.base import Lexer, Template, TokenType
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.html import urlize
from django.utils.translation import gettext_lazy as _

from frontdesk.brands.models import Brand
from frontdesk.brands.texts import signature_for
from frontdesk.core.html import safe_html, text_to_html
from frontdesk.mail.choices import MailTemplateName
from frontdesk.tickets.choices import Channel, Status
from frontdesk.tickets.customer_words import customer_status_label
from frontdesk.tickets.models import Ticket

if TYPE_CHECKING:
    from django.utils.functional import _StrPromise

    from frontdesk.mail.models import MailTemplate

# Tags a mail template may use, with the tags that close or divide them.
ALLOWED_TAGS = ("if", "with", "firstof", "filter", "spaceless", "now", "comment", "verbatim", "templatetag")
_INNER_TAGS = {
    "elif", "else", "endif", "endwith", "endfilter", "endspaceless", "endcomment", "endverbatim",
}  # fmt: skip
# ``autoescape`` changes nothing in the subject and the plain text (never escaped) and is refused in HTML.
_TEXT_ONLY_TAGS = {"autoescape", "endautoescape"}
ALLOWED_FILTERS = (
    "add", "capfirst", "cut", "date", "default", "default_if_none", "divisibleby", "escape", "first",
    "force_escape", "join", "last", "length", "linebreaks", "linebreaksbr", "lower", "pluralize", "slice",
    "striptags", "time", "timesince", "timeuntil", "title", "truncatechars", "truncatewords", "upper",
    "urlencode", "urlize", "wordcount", "wordwrap", "yesno",
)  # fmt: skip

_COMMON_VARIABLES: tuple[tuple[str, _StrPromise], ...] = (
    ("number", _("the request number")),
    ("subject", _("the subject of the request, as the customer wrote it")),
    ("customer_name", _("the customer's name (may be empty)")),
    ("ticket_url", _("the address of the request in the portal")),
    ("signature", _("the brand's signature for the language (may be empty)")),
    ("brand.name", _("the brand's name")),
    ("brand.slug", _("the brand's short name in addresses")),
    ("ticket.number", _("the request number")),
    ("ticket.subject", _("the subject of the request")),
    ("ticket.status", _("the status of the request")),
    ("ticket.priority", _("the priority of the request")),
    ("ticket.channel", _("how the request arrived")),
    ("ticket.created_at", _("when the request arrived (a date: use the date filter)")),
)
VARIABLES: dict[str, tuple[tuple[str, _StrPromise], ...]] = {
    MailTemplateName.ACKNOWLEDGEMENT: (
        *_COMMON_VARIABLES,
        ("portal_url", _("the address of the brand's portal")),
        ("is_new_customer", _("true when the customer has no portal account yet")),
        ("is_call", _("true when an agent wrote the request down from a phone call")),
        ("is_our_call", _("true when that call was ours (the agent called the customer)")),
        ("is_solved", _("true when the request was solved during that call")),
        (
            "signin_url",
            _("for a customer without an account: a link that makes one and signs in (once, 7 days)"),
        ),
    ),
    MailTemplateName.REPLY: (
        *_COMMON_VARIABLES,
        ("author", _("the name of the agent who replied")),
        ("body_text", _("the agent's reply as plain text")),
        ("body_html", _("the agent's reply as cleaned HTML")),
    ),
    MailTemplateName.STATUS_UPDATE: (
        *_COMMON_VARIABLES,
        ("last_answer", _("the latest public answer of an agent, as plain text (may be empty)")),
    ),
    MailTemplateName.STATUS_CHANGED: (
        *_COMMON_VARIABLES,
        ("status", _("the new status, in the mail's language")),
        (
            "status_code",
            _(
                "the new status as a code to compare in an if tag: open, pending_customer, "
                "pending_third_party, on_hold, solved, closed"
            ),
        ),
        ("previous_status", _("the status before the change, in the mail's language")),
    ),
    MailTemplateName.REMINDER: (
        *_COMMON_VARIABLES,
        ("portal_url", _("the address of the brand's portal")),
        ("last_answer", _("the latest public answer of an agent, as plain text (may be empty)")),
        ("days", _("days until the unanswered request is solved (0: it is not solved by itself)")),
        ("days_text", _("the same days as words in the mail's language, e.g. “4 days”")),
    ),
    MailTemplateName.SATISFACTION: (
        *_COMMON_VARIABLES,
        ("good_url", _("the link that rates the answer good")),
        ("bad_url", _("the link that rates the answer bad")),
    ),
}


class _SandboxEngine(Engine):
    """An engine whose only built-in library is the sandbox's; ``libraries`` is empty, so nothing can be loaded."""

    def __init__(self, library: Library, *, autoescape: bool, string_if_invalid: str = "") -> None:
        self._library = library
        super().__init__(
            dirs=[],
            app_dirs=False,
            loaders=[],
            libraries={},
            autoescape=autoescape,
            debug=False,
            string_if_invalid=string_if_invalid,
        )

    def get_template_builtins(self, builtins: list[str]) -> list[Library]:
        return [self._library]


def _library(*, html: bool) -> Library:
    library = Library()
    tags = [*ALLOWED_TAGS] if html else [*ALLOWED_TAGS, "autoescape"]
    for name in tags:
        library.tags[name] = defaulttags.register.tags[name]
    for name in ALLOWED_FILTERS:
        library.filters[name] = defaultfilters.register.filters[name]
    return library


_TEXT_ENGINE = _SandboxEngine(_library(html=False), autoescape=False)
_HTML_ENGINE = _SandboxEngine(_library(html=True), autoescape=True)
# For checking an edit: a variable the mail does not have comes out between these marks instead of as "".
_MISSING = "\x00%s\x00"
_CHECK_ENGINES = {
    False: _SandboxEngine(_library(html=False), autoescape=False, string_if_invalid=_MISSING),
    True: _SandboxEngine(_library(html=True), autoescape=True, string_if_invalid=_MISSING),
}


def _forbidden_tags(source: str, *, html: bool) -> list[str]:
    allowed = {*ALLOWED_TAGS, *_INNER_TAGS} | (set() if html else _TEXT_ONLY_TAGS)
    found = []
    for token in Lexer(source).tokenize():
        if token.token_type != TokenType.BLOCK:
            continue
        words = token.split_contents()
        if words and words[0] not in allowed and words[0] not in found:
            found.append(words[0])
    return found


@lru_cache(maxsize=256)
def compile_template(source: str, *, html: bool) -> Template:
    """The compiled template, or a ``ValidationError`` saying what is wrong with it."""
    forbidden = _forbidden_tags(source, html=html)
    if forbidden:
        raise ValidationError(
            _("These tags are not allowed in mail templates: %(tags)s. Allowed tags: %(allowed)s."),
            code="forbidden_tag",
            params={
                "tags": ", ".join(f"{{% {name} %}}" for name in forbidden),
                "allowed": ", ".join(ALLOWED_TAGS),
            },
        )
    try:
        return (_HTML_ENGINE if html else _TEXT_ENGINE).from_string(source)
    except TemplateSyntaxError as error:
        raise ValidationError(
            _("The template does not compile: %(error)s"), code="syntax", params={"error": str(error)}
        ) from None


# --- The context -----------------------------------------------------------------------------------------


def _ticket_view(ticket: Ticket) -> dict[str, object]:
    return {
        "number": ticket.number,
        "subject": ticket.subject,
        "status": str(ticket.get_status_display()),
        "priority": str(ticket.get_priority_display()),
        "channel": str(ticket.get_channel_display()),
        "language": ticket.language,
        "created_at": timezone.localtime(ticket.created_at) if ticket.created_at else None,
    }


def _brand_view(brand: Brand) -> dict[str, object]:
    return {"name": brand.name, "slug": brand.slug}


def sandbox_context(context: Mapping[str, object]) -> dict[str, object]:
    """The variables the file templates get, as plain values: no model instance reaches a stored template."""
    plain: dict[str, object] = {}
    for key, value in context.items():
        if isinstance(value, Ticket):
            plain[key] = _ticket_view(value)
        elif isinstance(value, Brand):
            plain[key] = _brand_view(value)
        elif isinstance(value, Promise):
            plain[key] = str(value)
        elif value is None or isinstance(value, str | bool | int | float | date | datetime):
            plain[key] = value  # SafeString (the sanitized reply HTML) stays safe
    return plain


def text_to_linked_html(text: str) -> str:
    """The HTML part of a template without one: the plain text in paragraphs, escaped, with links."""
    paragraphs = [p for p in re.split(r"\n\s*\n", text.strip()) if p.strip()]
    return "".join("<p>" + urlize(p, autoescape=True).replace("\n", "<br>") + "</p>" for p in paragraphs)


def render_stored(template: MailTemplate, context: Mapping[str, object]) -> tuple[str, str, str]:
    """Subject, plain text and HTML of a stored template; raises ``ValidationError`` if it does not compile."""
    values = sandbox_context(context)
    subject = compile_template(template.subject, html=False).render(Context(values, autoescape=False))
    text = compile_template(template.body_text, html=False).render(Context(values, autoescape=False))
    html: str
    if template.body_html.strip():
        html = compile_template(template.body_html, html=True).render(Context(values, autoescape=True))
    else:
        html = text_to_linked_html(text)
    return subject, text, html


def unknown_variables(template: MailTemplate, context: Mapping[str, object]) -> list[str]:
    """The variables ``template`` prints that ``context`` does not have (a misspelt name, another mail's
    variable, a field ``ticket`` or ``brand`` does not offer), which would print nothing; in order of use.
    The template must compile."""
    values = sandbox_context(context)
    found: list[str] = []
    for source, html in ((template.subject, False), (template.body_text, False), (template.body_html, True)):
        if not source.strip():
            continue
        output = _CHECK_ENGINES[html].from_string(source).render(Context(values, autoescape=html))
        found.extend(name for name in re.findall("\x00([^\x00]*)\x00", output) if name not in found)
    return found


def built_in_sources(name: str, language: str) -> tuple[str, str, str]:
    """The source of the built-in file templates of mail ``name`` in ``language`` (subject, plain text, HTML), to
    start a brand's own template from."""
    from django.template.loader import get_template

    parts = [
        str(get_template(f"mail/{name}.{language}.{part}").template.source).strip()  # type: ignore[attr-defined]
        for part in ("subject.txt", "body.txt", "body.html")
    ]
    return parts[0], parts[1], parts[2]


# --- The preview -----------------------------------------------------------------------------------------


def sample_context(name: str, brand: Brand, language: str) -> dict[str, Any]:
    """What a template gets for an example request of ``brand``, for the preview and for checking an edit."""
    from frontdesk.mail.outbound import portal_url  # outbound renders through this module

    number = f"{brand.ticket_prefix or 'REQ'}-{timezone.now():%y}-000123"
    ticket = Ticket(
        brand=brand,
        number=number,
        subject=str(_("My tickets did not arrive")),
        status=Status.NEW,
        channel=Channel.EMAIL,
        language=language,
        created_at=timezone.now(),
    )
    author = str(_("Maria Agent")) if name == MailTemplateName.REPLY else ""
    answer = str(_("Your tickets are on their way."))
    context: dict[str, Any] = {
        "ticket": ticket,
        "brand": brand,
        "number": number,
        "subject": ticket.subject,
        "customer_name": str(_("Anna Customer")),
        "ticket_url": f"{portal_url(brand)}tickets/{number}/",
        "signature": signature_for(brand, language, author=author),
    }
    if name == MailTemplateName.REPLY:
        context.update(author=author, body_text=answer, body_html=safe_html(text_to_html(answer)))
    elif name == MailTemplateName.STATUS_UPDATE:
        context.update(last_answer=answer)
    elif name == MailTemplateName.STATUS_CHANGED:
        context.update(
            status=customer_status_label(Status.PENDING_THIRD_PARTY),
            status_code=str(Status.PENDING_THIRD_PARTY),
            previous_status=customer_status_label(Status.OPEN),
        )
    elif name == MailTemplateName.REMINDER:
        from frontdesk.mail.reminder import days_text

        days = brand.pending_close_days or 0
        context.update(
            portal_url=portal_url(brand),
            last_answer=str(_("Which seats would you like?")),
            days=days,
            days_text=days_text(days, language),
        )
    elif name == MailTemplateName.SATISFACTION:
        example = f"{portal_url(brand)}rate/{_('example-link')!s}/"
        context.update(good_url=f"{example}?rating=good", bad_url=f"{example}?rating=bad")
    else:
        context.update(
            portal_url=portal_url(brand),
            is_new_customer=True,
            is_call=False,
            is_our_call=False,
            is_solved=False,
            signin_url=f"{portal_url(brand)}welcome/{_('example-link')!s}/",
        )
    return context
