"""Forms of the desk: explicit fields, checked here, carried out by the domain actions."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, ClassVar
from urllib.parse import urlencode

from django import forms
from django.http import QueryDict
from django.utils.functional import lazy
from django.utils.translation import gettext, ngettext
from django.utils.translation import gettext_lazy as _

from frontdesk.core.errors import InvalidInput
from frontdesk.tickets.actions import Body, make_body
from frontdesk.tickets.bulk import MAX_BULK, BulkKind
from frontdesk.tickets.choices import CallDirection, Channel, MessageKind, Priority, Status
from frontdesk.tickets.message_forms import MessageFormMixin, MultipleFileField
from frontdesk.tickets.queues import MAX_TAG, SORT_LABELS, QueueFilters, QueueKind, Sort
from frontdesk.users.contacts import normalize_email, normalize_phone

REPLY = MessageKind.REPLY.value
NOTE = MessageKind.NOTE.value


class ComposerForm(MessageFormMixin):
    """A reply to the customer or an internal note, with attachments, and a status set with a reply.

    ``version`` is the ticket version the agent's page showed: the actions refuse the post if the ticket
    changed since, and the page asks the agent to confirm."""

    kind = forms.ChoiceField(
        label=_("Send as"),
        choices=[(REPLY, _("Reply to customer")), (NOTE, _("Internal note"))],
        initial=REPLY,
        widget=forms.RadioSelect,
        error_messages={"required": _("Choose a reply or an internal note.")},
    )
    body = forms.CharField(
        label=_("Message"),
        widget=forms.Textarea(attrs={"rows": 6}),
        strip=False,
        error_messages={"required": _("Write a message first.")},
    )
    attachments = MultipleFileField(label=_("Attachments"), required=False)
    status = forms.ChoiceField(
        label=_("Send and set the status"),
        required=False,
        choices=[("", _("Keep the status (a new ticket becomes open)"))]
        + [(value, label) for value, label in Status.choices if value != Status.NEW],
    )
    version = forms.IntegerField(widget=forms.HiddenInput, min_value=1)

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or self.cleaned_data
        if cleaned.get("kind") == NOTE and cleaned.get("status"):
            self.add_error(
                "status", _("A status is set with a reply only: keep the status for an internal note.")
            )
        return cleaned

    @property
    def had_files(self) -> bool:
        """A bound form that came with files: a browser cannot keep them when the form comes back."""
        return self.is_bound and bool(self.files.getlist("attachments"))


# Queues ------------------------------------------------------------------------------------------------------

UNASSIGNED = "none"


def _any(label: Any) -> list[tuple[str, Any]]:
    return [("", label)]


class IdOrNoneField(forms.CharField):
    """An id from a list, or ``none`` for "nobody"/"no category"; anything else is a form error."""

    def __init__(self, *args: Any, none_allowed: bool = True, **kwargs: Any) -> None:
        kwargs.setdefault("required", False)
        kwargs.setdefault("widget", forms.Select)
        super().__init__(*args, **kwargs)
        self.none_allowed = none_allowed

    def clean(self, value: Any) -> int | str | None:
        value = super().clean(value)
        if value in ("", None):
            return None
        if value == UNASSIGNED and self.none_allowed:
            return UNASSIGNED
        if not str(value).isdigit() or not 0 < int(value) < 2**63:
            raise forms.ValidationError(_("Choose one of the offered values."))
        return int(value)


def _line_text(n: int) -> str:
    return gettext("Line %(line)d") % {"line": n}


_line_label = lazy(_line_text, str)


def category_choices(categories: Sequence[Any], brands: Sequence[Any]) -> list[Any]:
    """Categories as select choices: flat for one brand; grouped under each brand's name for several (brands
    have categories of the same name: "Refunds" twice would say nothing)."""
    names = {brand.pk: brand.name for brand in brands}
    if len({getattr(c, "brand_id", None) for c in categories}) <= 1:
        return [(c.pk, c.path) for c in categories]
    groups: dict[int, list[tuple[int, str]]] = {}
    for category in categories:
        groups.setdefault(category.brand_id, []).append((category.pk, category.path))
    return [(names.get(brand_id, str(brand_id)), choices) for brand_id, choices in groups.items()]


class QueueFilterForm(forms.Form):
    """The filters above a queue, in the query string (``?status=open&priority=high``) so that a filtered
    list is a link. Ids are checked as numbers only: the queue reads within what the agent sees, so a foreign
    id finds nothing. Choices are filled in for the page (``offer``), not for a table refresh."""

    status = forms.MultipleChoiceField(
        label=_("Status"), required=False, choices=Status.choices, widget=forms.CheckboxSelectMultiple
    )
    brand = IdOrNoneField(label=_("Brand"), none_allowed=False)
    team = IdOrNoneField(label=_("Team"), none_allowed=False)
    assignee = IdOrNoneField(label=_("Assignee"))
    line = forms.TypedChoiceField(
        label=_("Line"),
        required=False,
        coerce=int,
        empty_value=None,
        # Lazy labels: formatted when shown, in the viewer's language (not once at import, in English).
        choices=_any(_("Any line")) + [(n, _line_label(n)) for n in (1, 2, 3)],
    )
    priority = forms.ChoiceField(
        label=_("Priority"), required=False, choices=_any(_("Any priority")) + Priority.choices
    )
    category = IdOrNoneField(label=_("Category"), none_allowed=False)
    channel = forms.ChoiceField(
        label=_("Channel"), required=False, choices=_any(_("Any channel")) + Channel.choices
    )
    tag = forms.CharField(label=_("Tag"), required=False, max_length=MAX_TAG)
    sort = forms.ChoiceField(
        label=_("Sort"),
        required=False,
        choices=_any(_("Queue order (newest first)"))
        + [(s.value, label) for s, label in SORT_LABELS.items()],
    )
    cursor = forms.CharField(required=False, max_length=400, widget=forms.HiddenInput)

    def offer(
        self,
        *,
        brands: Sequence[Any],
        teams: Sequence[Any],
        agents: Sequence[Any],
        categories: Sequence[Any],
    ) -> None:
        """The choices of the selects, from what the agent may see."""
        fields = self.fields
        fields["brand"].widget.choices = _any(_("All brands")) + [(b.pk, b.name) for b in brands]
        fields["team"].widget.choices = _any(_("Any team")) + [(t.pk, t.name) for t in teams]
        fields["assignee"].widget.choices = (
            _any(_("Anyone")) + [(UNASSIGNED, _("Unassigned"))] + [(a.pk, a.get_full_name()) for a in agents]
        )
        fields["category"].widget.choices = _any(_("Any category")) + category_choices(categories, brands)

    def filters(self, queue: QueueKind) -> QueueFilters:
        """The filters of a valid form on top of ``queue``."""
        data = self.cleaned_data
        assignee = data.get("assignee")
        return QueueFilters(
            queue=queue,
            statuses=tuple(data.get("status") or ()),
            brand_id=data.get("brand"),
            team_id=data.get("team"),
            assignee_id=assignee if isinstance(assignee, int) else None,
            unassigned=assignee == UNASSIGNED,
            line=data.get("line"),
            priority=data.get("priority") or None,
            category_id=data.get("category"),
            channel=data.get("channel") or None,
            tag=(data.get("tag") or "").strip().lower() or None,
            sort=Sort(data["sort"]) if data.get("sort") else None,
        )


def filter_params(filters: QueueFilters, **extra: str) -> str:
    """The query string that ``QueueFilterForm`` reads back as ``filters`` (the queue is in the path)."""
    params: list[tuple[str, Any]] = [("status", s) for s in filters.statuses]
    params += [
        (name, value)
        for name, value in (
            ("brand", filters.brand_id),
            ("team", filters.team_id),
            ("assignee", UNASSIGNED if filters.unassigned else filters.assignee_id),
            ("line", filters.line),
            ("priority", filters.priority),
            ("category", filters.category_id),
            ("channel", filters.channel),
            ("tag", filters.tag),
            ("sort", filters.sort.value if filters.sort else None),
        )
        if value not in (None, "")
    ]
    params += [(name, value) for name, value in extra.items() if value]
    return urlencode(params)


class SavedViewForm(forms.Form):
    """Save the list on screen under a name, for oneself or for every agent of a brand."""

    name = forms.CharField(label=_("View name"), max_length=120)
    shared = forms.BooleanField(label=_("Share with the agents of the brand"), required=False)
    brand = IdOrNoneField(label=_("Brand"), none_allowed=False)
    queue = forms.ChoiceField(choices=[(q.value, q.value) for q in QueueKind], widget=forms.HiddenInput)
    # The filters as the list's query string.
    query = forms.CharField(required=False, max_length=2000, widget=forms.HiddenInput)

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or self.cleaned_data
        if cleaned.get("shared") and not cleaned.get("brand"):
            self.add_error("brand", _("Choose the brand whose agents will see the shared view."))
        return cleaned

    def view_filters(self) -> QueueFilters | None:
        """The filters carried in ``query``; None when they are not valid filters."""
        form = QueueFilterForm(QueryDict(self.cleaned_data.get("query") or ""))
        if not form.is_valid():
            return None
        return form.filters(QueueKind(self.cleaned_data["queue"]))


class TicketIdsField(forms.Field):
    """The ids of the tickets ticked in a list: numbers only; which of them the agent may touch is for
    the bulk action to decide."""

    widget = forms.MultipleHiddenInput

    def to_python(self, value: Any) -> list[int]:
        values = value if isinstance(value, list | tuple) else [value] if value else []
        if not all(str(v).isdigit() and 0 < int(v) < 2**63 for v in values):
            raise forms.ValidationError(_("Tick the tickets in the list."))
        ids = list(dict.fromkeys(int(v) for v in values))
        if len(ids) > MAX_BULK:
            raise forms.ValidationError(
                ngettext(
                    "Select at most %(limit)d ticket at once.",
                    "Select at most %(limit)d tickets at once.",
                    MAX_BULK,
                )
                % {"limit": MAX_BULK}
            )
        return ids


BULK_LABELS = {
    BulkKind.ASSIGN: _("Assign to"),
    BulkKind.STATUS: _("Set status"),
    BulkKind.PRIORITY: _("Set priority"),
    BulkKind.CATEGORY: _("Set category"),
    BulkKind.ADD_TAG: _("Add tag"),
    BulkKind.REMOVE_TAG: _("Remove tag"),
    BulkKind.MERGE: _("Merge into"),
}


class BulkForm(forms.Form):
    """One change for the ticked tickets; sent once to see what it will do, then with ``confirm``."""

    tickets = TicketIdsField(error_messages={"required": _("Tick the tickets to change first.")})
    action = forms.ChoiceField(
        label=_("Change"), choices=[(k.value, label) for k, label in BULK_LABELS.items()]
    )
    assignee = IdOrNoneField(label=_("Agent"))
    status = forms.ChoiceField(
        label=_("Status"),
        required=False,
        choices=_any("—") + [c for c in Status.choices if c[0] != Status.NEW],
    )
    priority = forms.ChoiceField(label=_("Priority"), required=False, choices=_any("—") + Priority.choices)
    category = IdOrNoneField(label=_("Category"))
    tag = forms.CharField(label=_("Tag"), required=False, max_length=MAX_TAG)
    merge_into = forms.CharField(label=_("Ticket number"), required=False, max_length=40)
    confirm = forms.BooleanField(required=False, widget=forms.HiddenInput)

    # The field that carries the value of each change.
    VALUE_FIELD: ClassVar[dict[str, str]] = {
        BulkKind.ASSIGN: "assignee",
        BulkKind.STATUS: "status",
        BulkKind.PRIORITY: "priority",
        BulkKind.CATEGORY: "category",
        BulkKind.ADD_TAG: "tag",
        BulkKind.REMOVE_TAG: "tag",
        BulkKind.MERGE: "merge_into",
    }

    def offer(self, *, agents: Sequence[Any], categories: Sequence[Any], brands: Sequence[Any] = ()) -> None:
        self.fields["assignee"].widget.choices = (
            _any("—") + [(UNASSIGNED, _("Nobody (unassign)"))] + [(a.pk, a.get_full_name()) for a in agents]
        )
        self.fields["category"].widget.choices = (
            _any("—") + [(UNASSIGNED, _("No category"))] + category_choices(categories, brands)
        )

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or self.cleaned_data
        action = cleaned.get("action")
        if action:
            name = self.VALUE_FIELD[action]
            if cleaned.get(name) in (None, ""):
                self.add_error(name, _("Choose the new value."))
        return cleaned

    @property
    def kind(self) -> BulkKind:
        return BulkKind(self.cleaned_data["action"])

    @property
    def value(self) -> Any:
        """The chosen value: an id (or ``none``) for agents and categories, the text for the others."""
        value = self.cleaned_data[self.VALUE_FIELD[self.kind]]
        return value.strip().lower() if self.kind in (BulkKind.ADD_TAG, BulkKind.REMOVE_TAG) else value


# Phone -------------------------------------------------------------------------------------------------------

LANGUAGE_CHOICES = [("", "—"), ("ru", "Русский"), ("en", "English"), ("pl", "Polski")]
# The longest call a record takes (the actions refuse longer ones).
MAX_CALL_SECONDS = 24 * 3600


def parse_duration(text: str) -> int | None:
    """Seconds of ``95``, ``1:35`` or ``1:01:35`` (the timer writes m:ss); None for nothing typed."""
    text = text.strip()
    if not text:
        return None
    parts = text.split(":")
    if len(parts) > 3 or not all(p.strip().isdigit() and len(p.strip()) <= 6 for p in parts):
        raise forms.ValidationError(_("Write the duration as minutes:seconds (4:05) or in seconds (245)."))
    seconds = 0
    for part in parts:
        seconds = seconds * 60 + int(part)
    if len(parts) > 1 and any(int(p) >= 60 for p in parts[1:]):
        raise forms.ValidationError(_("Write the duration as minutes:seconds (4:05) or in seconds (245)."))
    if seconds > MAX_CALL_SECONDS:
        raise forms.ValidationError(_("A call lasts at most 24 hours."))
    return seconds


class CallRecordFields(forms.Form):
    """Direction, duration and what was said: the record of one call."""

    direction = forms.ChoiceField(
        label=_("Call"),
        choices=CallDirection.choices,
        initial=CallDirection.INBOUND,
        widget=forms.RadioSelect,
    )
    duration = forms.CharField(
        label=_("Duration"),
        required=False,
        max_length=20,
        widget=forms.TextInput(attrs={"inputmode": "numeric", "placeholder": "m:ss", "size": 8}),
    )
    note = forms.CharField(
        label=_("What the caller said and what was done"),
        widget=forms.Textarea(attrs={"rows": 5}),
        error_messages={"required": _("Write what the call was about.")},
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.message_body: Body | None = None

    def clean_duration(self) -> int | None:
        return parse_duration(self.cleaned_data["duration"])

    def clean_note(self) -> str:
        text: str = self.cleaned_data["note"]
        try:
            self.message_body = make_body(text=text)
        except InvalidInput as error:
            raise forms.ValidationError(error.detail) from None
        return text

    def valid_body(self) -> Body:
        if self.message_body is None:
            raise ValueError("the form has not been validated")
        return self.message_body


class LogCallForm(CallRecordFields):
    """A call on an existing ticket."""


class PhoneTicketForm(CallRecordFields):
    """A new ticket taken on the phone: the caller (picked, or new in the same form), the ticket and the call.

    Ids are numbers here; the view reads them through the agent's scope (a foreign one is a 404) and checks
    that customer, brand and category belong together."""

    customer = IdOrNoneField(none_allowed=False, widget=forms.HiddenInput)
    name = forms.CharField(label=_("Name"), required=False, max_length=200)
    phone = forms.CharField(label=_("Phone"), required=False, max_length=40)
    email = forms.CharField(label=_("Email"), required=False, max_length=254)
    language = forms.ChoiceField(label=_("Language"), required=False, choices=LANGUAGE_CHOICES)
    brand = IdOrNoneField(
        label=_("Brand"),
        none_allowed=False,
        required=True,
        error_messages={"required": _("Choose the brand.")},
    )
    subject = forms.CharField(label=_("Subject"), max_length=300)
    category = IdOrNoneField(label=_("Category"), none_allowed=False)
    priority = forms.ChoiceField(label=_("Priority"), choices=Priority.choices, initial=Priority.NORMAL)
    solved = forms.BooleanField(label=_("Solved on the call"), required=False)

    field_order = (
        "customer",
        "name",
        "phone",
        "email",
        "language",
        "brand",
        "subject",
        "category",
        "priority",
    )

    def offer(self, *, brands: Sequence[Any], categories: Sequence[Any]) -> None:
        self.fields["brand"].widget.choices = [(b.pk, b.name) for b in brands]
        self.fields["category"].widget.choices = _any("—") + [
            (c.pk, c.path) for c in categories if c.is_active
        ]

    def clean_phone(self) -> str:
        return _normalized(self.cleaned_data["phone"], normalize_phone)

    def clean_email(self) -> str:
        return _normalized(self.cleaned_data["email"], normalize_email)

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or self.cleaned_data
        if not cleaned.get("customer") and not (
            cleaned.get("phone") or cleaned.get("email") or self.has_error("phone") or self.has_error("email")
        ):
            self.add_error(
                "phone", _("Pick the caller above, or give the new customer's phone number or email.")
            )
        return cleaned

    @property
    def new_customer(self) -> bool:
        return not self.cleaned_data.get("customer")


class CustomerEditForm(forms.Form):
    """The customer panel's form: name, language, contacts to take off and one email and phone to add."""

    name = forms.CharField(label=_("Name"), required=False, max_length=200)
    language = forms.ChoiceField(label=_("Language"), required=False, choices=LANGUAGE_CHOICES)
    remove = forms.TypedMultipleChoiceField(
        label=_("Remove"), required=False, coerce=int, choices=[], widget=forms.CheckboxSelectMultiple
    )
    add_email = forms.CharField(label=_("Add an email"), required=False, max_length=254)
    add_phone = forms.CharField(label=_("Add a phone"), required=False, max_length=40)

    def offer(self, contacts: Sequence[Any]) -> None:
        """The customer's contacts, as the boxes to tick for removal (any other id is refused)."""
        field = self.fields["remove"]
        assert isinstance(field, forms.TypedMultipleChoiceField)
        field.choices = [(c.pk, c.value) for c in contacts]

    def clean_add_email(self) -> str:
        return _normalized(self.cleaned_data["add_email"], normalize_email)

    def clean_add_phone(self) -> str:
        return _normalized(self.cleaned_data["add_phone"], normalize_phone)


def _normalized(value: str, normalize: Any) -> str:
    value = value.strip()
    if not value:
        return ""
    try:
        return str(normalize(value))
    except InvalidInput as error:
        raise forms.ValidationError(error.detail) from None
