"""The ticket page's timeline as HTML: ``{% timeline_entries timeline %}`` and ``{% delivery_line delivery %}``.

Written here rather than as templates for the same reason as ``desk_lists.ticket_rows``: a timeline of 30
messages included a template per item and three more inside each (some 150 template renders), a third of the
ticket page's time. Texts and escaping follow the template tags they replace: ``{% translate %}`` and variables
are escaped, the format strings of ``{% blocktranslate %}`` (ours and the translators') are not. Dates are in
the current time zone (the ``{% timezone %}`` around the timeline), words in the current language.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from typing import Any

from django import template
from django.template.defaultfilters import filesizeformat, linebreaksbr
from django.template.loader import get_template
from django.urls import reverse
from django.utils.formats import date_format
from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString
from django.utils.timezone import localtime
from django.utils.translation import gettext, ngettext

from frontdesk.core.html import format_translated
from frontdesk.desk import previews
from frontdesk.desk.timeline import Delivery, EventItem, MessageItem

register = template.Library()

# Stands for a primary key in an address reversed once per page; the real keys replace it.
_PK = 987654321


def _time(at: datetime, css: str = "") -> SafeString:
    """``<time datetime="{{ at|date:'c' }}">{{ at|date:"DATETIME_FORMAT" }}</time>``."""
    local = localtime(at)
    return format_html(
        '<time{} datetime="{}">{}</time>',
        format_html(' class="{}"', css) if css else "",
        local.isoformat(),
        date_format(local, "DATETIME_FORMAT"),
    )


def _csrf_input(context: template.Context) -> SafeString:
    token = str(context.get("csrf_token") or "")
    if token in ("", "NOTPROVIDED"):  # as {% csrf_token %}: nothing without a request
        return SafeString()
    return format_html('<input type="hidden" name="csrfmiddlewaretoken" value="{}">', str(token))


class _Addresses:
    """The page's addresses of one ticket, each reversed once and filled in with each item's key."""

    def __init__(self, number: str) -> None:
        self.number = number
        self._made: dict[str, tuple[str, str] | None] = {}

    def __call__(self, name: str, pk: int) -> str:
        if name not in self._made:
            head, found, tail = reverse(name, args=[self.number, _PK]).rpartition(str(_PK))
            self._made[name] = (head, tail) if found else None
        made = self._made[name]
        if made is None:  # cannot happen with our patterns; reverse each one rather than guess
            return reverse(name, args=[self.number, pk])
        return f"{made[0]}{pk}{made[1]}"


@register.simple_tag(takes_context=True)
def timeline_entries(context: template.Context, timeline: Iterable[MessageItem | EventItem]) -> SafeString:
    """Each item of ``desk.timeline.build_timeline`` as the page shows it."""
    ticket = context["ticket"]
    urls = _Addresses(ticket.number)
    csrf = _csrf_input(context)
    timeline = list(timeline)
    # Messages split off already (the split's event names them) offer no second split.
    split = {
        item.event.data.get("message")
        for item in timeline
        if isinstance(item, EventItem) and isinstance(item.event.data, dict) and "split_to" in item.event.data
    }
    parts = [
        _message(item, ticket, urls, csrf, context, split=split)
        if isinstance(item, MessageItem)
        else _event(item)
        for item in timeline
    ]
    return format_html_join("\n", "{}", ((part,) for part in parts))


@register.simple_tag(takes_context=True)
def delivery_line(context: template.Context, delivery: Delivery) -> SafeString:
    """Where a mail we sent stands (also what "Send again" answers with)."""
    ticket = context["ticket"]
    return _delivery(delivery, _Addresses(ticket.number), _csrf_input(context))


# --- Messages ---------------------------------------------------------------------------------------------------


def _message(
    item: MessageItem,
    ticket: Any,
    urls: _Addresses,
    csrf: SafeString,
    context: template.Context,
    *,
    split: set[Any],
) -> SafeString:
    message = item.message
    if item.is_note:
        css, badge = "entry-note", format_html(' <span class="badge">{}</span>', gettext("Internal note"))
    elif item.is_call:
        css = "entry-call"
        badge = format_html(
            ' <span class="badge">{}</span> {}{}',
            gettext("Phone call"),
            item.call_direction,
            f", {item.call_duration}" if item.call_duration else "",
        )
    else:
        css, badge = "entry-message", SafeString()
    quoted = (
        format_html(
            '\n  <details class="quoted">\n    <summary>{}</summary>\n    {}\n  </details>',
            gettext("Quoted history"),
            item.body.quoted,
        )
        if item.body.quoted
        else _left_out_history(message, urls)
    )
    return format_html(
        '<article class="entry {}" id="message-{}">\n  <header>\n    <strong>{}</strong>{}\n'
        '    <span class="muted">{}</span>\n    {}{}{}\n  </header>\n  <div class="body">{}</div>{}{}{}{}\n'
        "</article>",
        css,
        message.pk,
        message.author_label,
        badge,
        item.channel,
        _time(message.created_at, "muted"),
        "" if item.message.pk in split else _merge_or_split(item, ticket, urls, csrf),
        _answer_button(item, ticket, urls),
        item.body.new,
        quoted,
        _attachments(message, urls),
        _deliveries(item, urls, csrf),
        _social_reply(item, context),
    )


def _left_out_history(message: Any, urls: _Addresses) -> SafeString | str:
    """A mail's answer keeps its new text only: the history it quoted is fetched from the raw mail when
    unfolded (a plain link without scripts)."""
    if not getattr(message, "history_left_out", False):
        return ""
    url = urls("desk:quoted_history", message.pk)
    return format_html(
        '\n  <details class="quoted" hx-get="{}" hx-trigger="toggle once" hx-target="find .quoted-history"'
        ' hx-swap="innerHTML">\n    <summary>{}</summary>\n    <div class="quoted-history"><a href="{}">{}</a>'
        "</div>\n  </details>",
        url,
        gettext("Quoted history"),
        url,
        gettext("Show the quoted history"),
    )


def _merge_or_split(item: MessageItem, ticket: Any, urls: _Addresses, csrf: SafeString) -> SafeString | str:
    """A message of a merged ticket links to it; a later customer message may be split off (the message a
    ticket was opened with carries its creation time: it is the ticket itself)."""
    message = item.message
    origin = getattr(message, "origin_number", None)
    if origin and origin != ticket.number:
        return format_html(
            '\n    <a class="badge badge-merged" href="{}">{}</a>',
            reverse("desk:ticket", args=[origin]),
            format_translated(gettext("from %(number)s"), number=origin),
        )
    if (
        message.author_kind == "customer"
        and not item.is_note
        and not item.is_call
        and not ticket.merged_into_id
        and message.created_at > ticket.created_at
    ):
        url = urls("desk:split_message", message.pk)
        return format_html(
            '\n    <form class="inline split-form" method="post" action="{}" hx-post="{}" hx-target="#ticket-merge"'
            ' hx-swap="outerHTML" hx-confirm="{}">\n      {}\n'
            '      <button type="submit" class="secondary">{}</button>\n    </form>',
            url,
            url,
            gettext("Open a new ticket from this message?"),
            csrf,
            gettext("Split off"),
        )
    return ""


def _answer_button(item: MessageItem, ticket: Any, urls: _Addresses) -> SafeString | str:
    """An agent's answer may become a knowledge-base article (not one shown from a merged ticket)."""
    message = item.message
    origin = getattr(message, "origin_number", None)
    if (
        message.kind == "reply"
        and message.author_kind == "agent"
        and not item.is_call
        and (not origin or origin == ticket.number)
    ):
        return format_html(
            '\n    <a class="kb-from-answer" href="{}">{}</a>',
            urls("desk:kb_from_answer", message.pk),
            gettext("Create an article"),
        )
    return ""


def _attachments(message: Any, urls: _Addresses) -> SafeString | str:
    """Previews come from the same scoped view, inline only for images and PDFs whose bytes match."""
    attachments = list(message.attachments.all())
    if not attachments:
        return ""
    rows = []
    for attachment in attachments:
        download = urls("desk:download_attachment", attachment.pk)
        kind = previews.preview_kind(attachment.content_type or "") or ""
        image = (
            format_html(
                '<a href="{}?inline=1" target="_blank" rel="noopener"><img src="{}?inline=1" alt="{}"'
                ' loading="lazy"></a>\n        ',
                download,
                download,
                attachment.filename,
            )
            if kind == "image"
            else ""
        )
        pdf = (
            format_html(
                ' <a class="attachment-preview" href="{}?inline=1" target="_blank" rel="noopener">{}</a>',
                download,
                gettext("Preview"),
            )
            if kind == "pdf"
            else ""
        )
        rows.append(
            format_html(
                '\n      <li{}>\n        {}<a href="{}" download>{}</a> <span class="muted">{}</span>{}\n      </li>',
                format_html(' class="{}"', "attachment-image") if kind == "image" else "",
                image,
                download,
                attachment.filename,
                filesizeformat(attachment.size),
                pdf,
            )
        )
    return format_html(
        '\n  <ul class="attachments">{}\n  </ul>', format_html_join("", "{}", ((row,) for row in rows))
    )


def _deliveries(item: MessageItem, urls: _Addresses, csrf: SafeString) -> SafeString | str:
    if item.deliveries:
        lines = format_html_join(
            "", "\n    <li>{}</li>", ((_delivery(d, urls, csrf),) for d in item.deliveries)
        )
        return format_html('\n  <ul class="deliveries">{}\n  </ul>', lines)
    if item.mail_pending_to:
        return format_html(
            '\n  <ul class="deliveries">\n    <li><div class="delivery delivery-queued">{} {}</div></li>\n  </ul>',
            format_translated(gettext("Mail to %(to)s:"), to=item.mail_pending_to),
            gettext("queued"),
        )
    return ""


def _social_reply(item: MessageItem, context: template.Context) -> SafeString | str:
    """Where the answer stands on the social network: the same partial as the social inbox shows."""
    if not item.social_reply:
        return ""
    partial = get_template("desk/partials/social_reply_state.html")
    return format_html(
        "\n  {}", partial.render({"reply": item.social_reply, "viewer_tz": context.get("viewer_tz")})
    )


def _delivery(delivery: Delivery, urls: _Addresses, csrf: SafeString) -> SafeString:
    outbound = delivery.outbound
    at = date_format(localtime(delivery.at), "DATETIME_FORMAT") if delivery.at else ""
    state = delivery.state
    if state == "queued":
        said: SafeString | str = gettext("queued")
    elif state == "sending":
        said = gettext("sending")
    elif state == "sent":
        said = format_translated(gettext("sent %(at)s"), at=at)
    elif state == "retrying":
        said = format_translated(gettext("will retry at %(at)s"), at=at)
        if delivery.detail:
            said = format_html('{} <span class="muted">({})</span>', said, delivery.detail)
    elif state == "failed":
        said = format_translated(gettext("failed: %(reason)s"), reason=delivery.detail)
    elif state == "bounced":
        said = format_translated(gettext("bounced: %(reason)s"), reason=delivery.detail)
    elif state == "uncertain":
        said = gettext("uncertain: sending was interrupted, the mail may or may not have left")
    elif state == "skipped":
        said = format_translated(gettext("not sent: %(reason)s"), reason=delivery.detail)
    else:
        said = ""
    retry = ""
    if delivery.can_retry:
        url = urls("desk:retry_mail", outbound.pk)
        retry = format_html(
            '\n    <form class="inline" method="post" action="{}" hx-post="{}" hx-target="#delivery-{}"'
            ' hx-swap="outerHTML">\n      {}\n      <button type="submit">{}</button>\n    </form>',
            url,
            url,
            outbound.pk,
            csrf,
            gettext("Send again"),
        )
    return format_html(
        '<div class="delivery delivery-{}" id="delivery-{}">\n    {}\n    {}{}\n  </div>',
        state,
        outbound.pk,
        format_translated(gettext("Mail to %(to)s:"), to=outbound.recipient),
        said,
        retry,
    )


# --- Events -----------------------------------------------------------------------------------------------------


def _event(item: EventItem) -> SafeString:
    worklog = ""
    if item.worklog:
        log = item.worklog
        request = (
            format_html(
                "\n      <dt>{}</dt><dd>{}</dd>",
                gettext("Request to the next line"),
                linebreaksbr(log["request"], autoescape=True),
            )
            if log["request"]
            else ""
        )
        minutes = log["minutes_spent"]
        spent = (
            format_html(
                "\n      <dt>{}</dt>\n      <dd>{}</dd>",
                gettext("Time spent"),
                ngettext("%(minutes)s minute", "%(minutes)s minutes", minutes) % {"minutes": minutes},
            )
            if minutes
            else ""
        )
        worklog = format_html(
            '\n  <dl class="worklog">\n      <dt>{}</dt><dd>{}</dd>\n      <dt>{}</dt><dd>{}</dd>{}{}\n  </dl>',
            gettext("Diagnosis"),
            linebreaksbr(log["diagnosis"], autoescape=True),
            gettext("Steps taken"),
            linebreaksbr(log["steps_taken"], autoescape=True),
            request,
            spent,
        )
    return format_html(
        '<div class="entry entry-event" id="event-{}">\n  <p>{} {}</p>{}\n</div>',
        item.event.pk,
        item.sentence,
        _time(item.event.at, "muted"),
        worklog,
    )
