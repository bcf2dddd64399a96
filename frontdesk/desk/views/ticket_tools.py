"""The ticket page's tools: escalate with a work log, hand back to line 1, find a canned answer and put it into
the reply box, and apply a macro. The tools panel loads with the ticket part, so it always carries the
version the page shows; a change made on an outdated page is refused with a warning, as the composer does."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django import forms
from django.db.models import Q
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_GET, require_POST
from django_htmx.http import reswap, retarget

from frontdesk.core.errors import DomainError, NotFound, PermissionDenied, TicketChanged
from frontdesk.desk.forms import ComposerForm, IdOrNoneField
from frontdesk.desk.views.access import agent_view
from frontdesk.desk.views.ticket import _page
from frontdesk.tickets.canned import access_canned_answer, add_to_reply, canned_answers_for, render_canned
from frontdesk.tickets.escalation import (
    MAX_MINUTES,
    MAX_TEXT,
    WorkLog,
    escalate_ticket,
    log_time,
    return_ticket,
)
from frontdesk.tickets.macros import access_macro, apply_macro, macros_for
from frontdesk.tickets.queries import access_ticket
from frontdesk.users.actors import Actor
from frontdesk.users.queries import teams_visible_to

if TYPE_CHECKING:
    from frontdesk.tickets.models import Ticket
    from frontdesk.users.models import Team


def _text(label: Any, *, required: bool = True, message: Any = None) -> forms.CharField:
    return forms.CharField(
        label=label,
        required=required,
        max_length=MAX_TEXT,
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"required": message} if message else None,
    )


class WorkLogForm(forms.Form):
    """What this line diagnosed and did, what it asks of the next, and the minutes it took."""

    diagnosis = _text(_("Diagnosis"), message=_("Say what was diagnosed."))
    steps_taken = _text(_("Steps taken"), message=_("Say what was already done."))
    request = _text(_("Request to the next line"), required=False)
    minutes_spent = forms.IntegerField(
        label=_("Minutes spent"), required=False, min_value=0, max_value=MAX_MINUTES
    )
    version = forms.IntegerField(widget=forms.HiddenInput, min_value=1)

    def worklog(self) -> WorkLog:
        data = self.cleaned_data
        return WorkLog(
            diagnosis=data.get("diagnosis") or "",
            steps_taken=data["steps_taken"],
            request=data.get("request") or "",
            minutes_spent=data.get("minutes_spent") or 0,
        )


class EscalateForm(WorkLogForm):
    to_line = forms.TypedChoiceField(
        label=_("To line"),
        required=False,
        coerce=int,
        empty_value=None,
        choices=[("", "—"), (2, _("Line 2")), (3, _("Line 3"))],
    )
    to_team = IdOrNoneField(label=_("To team"), none_allowed=False)

    field_order = ("to_line", "to_team", "diagnosis", "steps_taken", "request", "minutes_spent")

    def offer(self, ticket: Ticket, teams: list[Team]) -> None:
        self.fields["to_line"].widget.choices = [("", "—")] + [
            (line, _("Line %(line)d") % {"line": line}) for line in (2, 3) if line > ticket.line
        ]
        self.fields["to_team"].widget.choices = [("", "—")] + [
            (team.pk, _("%(team)s (line %(line)d)") % {"team": team.name, "line": team.line})
            for team in teams
        ]

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or self.cleaned_data
        if not cleaned.get("to_line") and not cleaned.get("to_team") and not self.has_error("to_team"):
            self.add_error("to_line", _("Choose the line or the team to pass the ticket to."))
        return cleaned


class ReturnForm(WorkLogForm):
    to_team = IdOrNoneField(label=_("To team"), none_allowed=False)
    diagnosis = _text(_("What was found"), required=False)
    steps_taken = _text(_("What was done"), message=_("Say what was done."))

    field_order = ("to_team", "diagnosis", "steps_taken", "request", "minutes_spent")

    def offer(self, teams: list[Team]) -> None:
        self.fields["to_team"].widget.choices = [("", "—")] + [
            (team.pk, team.name) for team in teams if team.line == 1
        ]


class LogTimeForm(forms.Form):
    minutes = forms.IntegerField(
        label=_("Minutes"),
        min_value=1,
        max_value=MAX_MINUTES,
        error_messages={"required": _("Say how many minutes.")},
    )
    note = forms.CharField(label=_("What for"), required=False, max_length=300)
    version = forms.IntegerField(widget=forms.HiddenInput, min_value=1)


def _teams(actor: Actor, ticket: Ticket) -> list[Team]:
    """Teams the ticket may go to: the brand's and the shared ones."""
    return list(
        teams_visible_to(actor)
        .filter(Q(brand_id=ticket.brand_id) | Q(brand__isnull=True))
        .order_by("line", "name")
    )


# The forms of the tools panel by kind, with their prefixes (the panel shows them side by side).
PREFIXES = {"escalate": "escalate", "return": "return", "time": "time"}


def _tools_context(
    actor: Actor, ticket: Ticket, *, bound: forms.Form | None = None, stale: bool = False
) -> dict[str, Any]:
    """The panel's context; ``bound`` is a refused form shown again in place of its blank one."""
    initial = {"version": ticket.version}
    teams = _teams(actor, ticket)
    escalate = bound if isinstance(bound, EscalateForm) else EscalateForm(prefix="escalate", initial=initial)
    escalate.offer(ticket, teams)
    hand_back = bound if isinstance(bound, ReturnForm) else None
    if hand_back is None and ticket.line > 1:
        hand_back = ReturnForm(prefix="return", initial=initial)
    if hand_back is not None:
        hand_back.offer(teams)
    log_time = bound if isinstance(bound, LogTimeForm) else LogTimeForm(prefix="time", initial=initial)
    return {
        "ticket": ticket,
        "macros": macros_for(actor, ticket),
        "escalate_form": escalate,
        "return_form": hand_back,
        "time_form": log_time,
        "tools_stale": stale,
    }


@require_GET
@agent_view
def tools(request: HttpRequest, actor: Actor, number: str) -> HttpResponse:
    """The macros and the escalation forms for the ticket as it is now."""
    ticket = access_ticket(actor, number)
    return TemplateResponse(request, "desk/partials/macros.html", _tools_context(actor, ticket))


def _ticket_part(request: HttpRequest, actor: Actor, number: str, **extra: Any) -> HttpResponse:
    """The ticket part for HTMX (the whole page otherwise), with extra context for the tools."""
    ticket = access_ticket(actor, number)
    form = None
    if extra.get("answer_text"):
        form = ComposerForm(initial={"version": ticket.version, "body": extra["answer_text"]})
    response = _page(request, actor, ticket, form, status=extra.pop("status", 200))
    response.context_data = {**(response.context_data or {}), **extra}  # type: ignore[attr-defined]
    return response


def _refused(request: HttpRequest, template: str, context: dict[str, Any], status: int) -> HttpResponse:
    """A refused form comes back in place of itself, not of the ticket part the form aims at."""
    response = TemplateResponse(request, template, context, status=status)
    if request.htmx:  # type: ignore[attr-defined]
        retarget(response, "#ticket-tools")
        reswap(response, "outerHTML")
    return response


def _carry_out(form: forms.Form, ticket: Ticket, actor: Actor, team: Team | None) -> None:
    version = form.cleaned_data["version"]
    if isinstance(form, EscalateForm):
        escalate_ticket(
            ticket,
            actor=actor,
            worklog=form.worklog(),
            to_line=form.cleaned_data.get("to_line"),
            to_team=team,
            version=version,
        )
    elif isinstance(form, ReturnForm):
        return_ticket(ticket, actor=actor, worklog=form.worklog(), to_team=team, version=version)
    else:
        log_time(
            ticket,
            actor=actor,
            minutes=form.cleaned_data["minutes"],
            note=form.cleaned_data.get("note") or "",
            version=version,
        )


def _tool_post(request: HttpRequest, actor: Actor, number: str, kind: str) -> HttpResponse:
    """Escalate, hand back or log time from the tools panel. A refused form comes back in the panel with its
    errors (422), one made on an outdated page with a warning and the new version (409)."""
    ticket = access_ticket(actor, number)
    form_class = {"escalate": EscalateForm, "return": ReturnForm, "time": LogTimeForm}[kind]
    form = form_class(request.POST, prefix=PREFIXES[kind])

    def refused(status: int = 422, *, stale: bool = False) -> HttpResponse:
        context = _tools_context(actor, ticket, bound=form, stale=stale)
        context["open_form"] = kind
        return _refused(request, "desk/partials/macros.html", context, status)

    if not form.is_valid():
        return refused()
    team = None
    team_id = form.cleaned_data.get("to_team")
    if team_id:
        team = teams_visible_to(actor).filter(pk=team_id).first()
        if team is None:
            form.add_error("to_team", _("Choose a team of this brand."))
            return refused()
    try:
        _carry_out(form, ticket, actor, team)
    except TicketChanged as changed:
        data = request.POST.copy()
        data[form.add_prefix("version")] = str(changed.extra.get("current", ""))
        ticket = access_ticket(actor, number)
        form = form_class(data, prefix=PREFIXES[kind])
        form.is_valid()
        return refused(409, stale=True)
    except (NotFound, PermissionDenied):
        raise
    except DomainError as error:
        name = (error.field or "").removeprefix("worklog.")
        form.add_error(name if name in form.fields else None, error.detail)
        return refused()
    if not request.htmx:  # type: ignore[attr-defined]
        return HttpResponseRedirect(reverse("desk:ticket", args=[number]))
    return _ticket_part(request, actor, number)


@require_POST
@agent_view
def escalate(request: HttpRequest, actor: Actor, number: str) -> HttpResponse:
    """Pass the ticket up a line or to another team with the required work log."""
    return _tool_post(request, actor, number, "escalate")


@require_POST
@agent_view
def hand_back(request: HttpRequest, actor: Actor, number: str) -> HttpResponse:
    """Hand the ticket back to line 1 with what was found and done."""
    return _tool_post(request, actor, number, "return")


@require_POST
@agent_view
def time_spent(request: HttpRequest, actor: Actor, number: str) -> HttpResponse:
    """Minutes spent on the ticket, without moving it."""
    return _tool_post(request, actor, number, "time")


@require_GET
@agent_view
def canned_search(request: HttpRequest, actor: Actor, number: str) -> HttpResponse:
    """Canned answers whose title or text holds the typed words, the ticket's language first."""
    ticket = access_ticket(actor, number)
    query = request.GET.get("q", "")
    answers = canned_answers_for(actor, ticket, query)
    return TemplateResponse(
        request, "desk/partials/canned_results.html", {"ticket": ticket, "answers": answers, "query": query}
    )


@require_POST
@agent_view
def canned_insert(request: HttpRequest, actor: Actor, number: str, answer_id: int) -> HttpResponse:
    """The reply box with the rendered answer added after what the agent already wrote."""
    ticket = access_ticket(actor, number)
    answer = access_canned_answer(actor, ticket, answer_id)
    text = render_canned(answer, ticket=ticket, actor=actor)
    body = add_to_reply(request.POST.get("body", ""), text)
    form = ComposerForm(initial={"body": body, "version": ticket.version})
    return TemplateResponse(
        request, "desk/partials/canned_body.html", {"form": form, "number": ticket.number}
    )


@require_POST
@agent_view
def run_macro(request: HttpRequest, actor: Actor, number: str, macro_id: int) -> HttpResponse:
    """Apply a macro; on an outdated page nothing is applied and the new ticket comes with a warning."""
    ticket = access_ticket(actor, number)
    macro = access_macro(actor, ticket, macro_id)
    version = request.POST.get("version", "")
    try:
        outcome = apply_macro(
            ticket, actor=actor, macro=macro, version=int(version) if version.isdigit() else -1
        )
    except TicketChanged:
        return _ticket_part(request, actor, number, status=409, macro_stale=macro.name)
    except (NotFound, PermissionDenied):
        raise
    except DomainError as error:
        return _ticket_part(request, actor, number, status=422, macro_error=error.detail)
    if not request.htmx:  # type: ignore[attr-defined]
        return HttpResponseRedirect(reverse("desk:ticket", args=[number]))
    return _ticket_part(request, actor, number, answer_text=outcome.answer_text, macro_applied=macro.name)
