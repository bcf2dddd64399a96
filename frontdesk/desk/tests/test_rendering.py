"""The quick form renderer writes the same markup as Django's widget templates, and the ticket rows of a list
show what the agent needs in their language and time zone."""

from __future__ import annotations

import zoneinfo

import pytest
from django import forms
from django.http import QueryDict
from django.utils import timezone, translation

from frontdesk.desk.forms import BulkForm, QueueFilterForm, SavedViewForm
from frontdesk.desk.rendering import QuickRenderer
from frontdesk.desk.templatetags.desk_lists import ticket_rows
from frontdesk.tickets import actions
from frontdesk.tickets.choices import Priority
from frontdesk.users.actors import SYSTEM


class _Person:
    def __init__(self, pk: int, name: str) -> None:
        self.pk, self.name, self.path = pk, name, name

    def get_full_name(self) -> str:
        return self.name


PEOPLE = [_Person(1, "Anna <b>&</b> Petrova"), _Person(2, "Łukasz"), _Person(3, "Ёлкин")]


def _markup(form: forms.Form) -> list[str]:
    parts = []
    for field in form:
        parts += [str(field), field.label_tag(), str(field.errors)]
        if isinstance(field.field.widget, forms.CheckboxSelectMultiple):
            parts += [box.tag() for box in field] + [box.tag(wrap_label=True) for box in field]
    return parts


def _forms(renderer=None):
    data = QueryDict(
        "status=open&status=closed&brand=1&assignee=none&category=3&line=9&priority=high&tag=vip"
    )
    filters = QueueFilterForm(data, renderer=renderer)
    filters.is_valid()
    filters.offer(brands=PEOPLE, teams=PEOPLE, agents=PEOPLE, categories=PEOPLE)
    bulk = BulkForm(renderer=renderer)
    bulk.offer(agents=PEOPLE, categories=PEOPLE)
    bad_bulk = BulkForm({"action": "assign", "tickets": ["x"]}, renderer=renderer)
    bad_bulk.offer(agents=PEOPLE, categories=PEOPLE)
    bad_bulk.is_valid()
    saved = SavedViewForm(
        initial={"name": 'My "view"', "shared": True, "query": "a=1&b=2"}, renderer=renderer
    )
    return [filters, bulk, bad_bulk, saved]


@pytest.mark.parametrize("language", ["en", "ru", "pl"])
def test_the_quick_renderer_writes_what_django_s_templates_write(language):
    with translation.override(language):
        for quick, django in zip(_forms(QuickRenderer()), _forms(), strict=True):
            assert _markup(quick) == _markup(django)


def test_a_select_marks_the_chosen_option_only_on_its_own_page():
    one = QueueFilterForm(QueryDict("assignee=2"), renderer=QuickRenderer())
    other = QueueFilterForm(QueryDict("assignee=3"), renderer=QuickRenderer())
    for form in (one, other):
        form.is_valid()
        form.offer(brands=PEOPLE, teams=PEOPLE, agents=PEOPLE, categories=PEOPLE)
    assert '<option value="2" selected>Łukasz</option>' in str(one["assignee"])
    assert '<option value="3">Ёлкин</option>' in str(one["assignee"])
    assert '<option value="2">Łukasz</option>' in str(other["assignee"])
    assert "Anna &lt;b&gt;&amp;&lt;/b&gt; Petrova" in str(other["assignee"])


def test_ticket_rows_show_the_ticket_in_the_agent_s_language_and_time_zone(cast):
    ticket = cast.opera.ticket("Seats <for> the premiere")
    actions.update_ticket(ticket, actor=SYSTEM, priority=Priority.URGENT, tags=["vip", "<x>"])
    ticket.refresh_from_db()
    with translation.override("ru"), timezone.override(zoneinfo.ZoneInfo("Asia/Tokyo")):
        html = str(ticket_rows([ticket], True))
        local = timezone.localtime(ticket.updated_at)
    assert f'<a href="/desk/tickets/{ticket.number}/">{ticket.number}</a>' in html
    assert "Seats &lt;for&gt; the premiere" in html
    assert '<span class="tag">&lt;x&gt;</span>' in html
    assert f'value="{ticket.pk}" form="bulk-form" aria-label="Отметить {ticket.number}"' in html
    assert '<tr class="priority-urgent">' in html
    assert "<td>Срочный</td>" in html
    assert f'<time datetime="{local.isoformat()}">' in html
    assert local.isoformat().endswith("+09:00")
    assert "<td>—</td>" in html  # no assignee
    assert 'name="tickets"' not in str(ticket_rows([ticket]))
