"""Tickets and everything that hangs off them. History (``TicketEvent``) is append-only."""

from __future__ import annotations

from typing import Any, ClassVar

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from frontdesk.brands.models import Brand
from frontdesk.core.models import TimestampedModel
from frontdesk.sla.models import SlaPolicy
from frontdesk.tickets.choices import (
    OPEN_STATUSES,
    AuthorKind,
    CallDirection,
    Channel,
    EventKind,
    MessageKind,
    Priority,
    Rating,
    Status,
    WorkLogKind,
)
from frontdesk.users.models import Customer, Organization, Team

User = settings.AUTH_USER_MODEL


class Category(TimestampedModel):
    """A node of a brand's typology of requests (e.g. Refunds › Cancelled event)."""

    brand = models.ForeignKey(Brand, on_delete=models.PROTECT, related_name="+")
    parent = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="children"
    )
    name = models.CharField(_("name"), max_length=120)
    # "Refunds / Cancelled event": the names from the root, kept by the actions.
    path = models.CharField(_("path"), max_length=500, editable=False)
    is_active = models.BooleanField(_("active"), default=True)
    # The knowledge-base category whose articles answer requests of this category (and of those below it):
    # the reports count a topic's requests before and after an article of it was published.
    kb_category = models.ForeignKey(
        "kb.Category",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("knowledge-base topic"),
        help_text=_("The help articles of this knowledge-base category answer requests of this category."),
    )

    class Meta:
        ordering = ["brand_id", "path"]
        verbose_name = _("category")
        verbose_name_plural = _("categories")
        constraints = [models.UniqueConstraint("brand", "path", name="category_brand_path_unique")]

    def __str__(self) -> str:
        return self.path


class TicketCounter(models.Model):
    """The last sequence number given out per brand and year (year 0 when the format has no year)."""

    brand = models.ForeignKey(Brand, on_delete=models.CASCADE, related_name="+")
    year = models.PositiveSmallIntegerField()
    value = models.PositiveBigIntegerField(default=0)

    class Meta:
        constraints = [models.UniqueConstraint("brand", "year", name="ticket_counter_unique")]

    def __str__(self) -> str:
        return f"{self.brand_id}/{self.year}: {self.value}"


class RequestType(TimestampedModel):
    """What a customer asks for on the portal's form ("refund", "e-ticket not received"): its names and
    instructions per language, the custom fields and documents it asks for, and where its tickets go.

    ``fields`` is a list of ``{"key", "labels": {lang: text}, "kind": text|number|date|choice, "choices":
    [{"value", "labels"}], "required"}``; ``documents`` a list of ``{"key", "labels", "required"}``
    (``tickets/request_types.py`` checks both)."""

    brand = models.ForeignKey(Brand, on_delete=models.PROTECT, related_name="+", verbose_name=_("brand"))
    slug = models.SlugField(_("slug"), max_length=60)
    names = models.JSONField(_("names"), default=dict, help_text=_('By language: {"en": "Refund"}.'))
    instructions = models.JSONField(_("instructions"), default=dict, blank=True)
    position = models.PositiveSmallIntegerField(_("position"), default=0)
    is_active = models.BooleanField(_("active"), default=True)
    category = models.ForeignKey(
        Category,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("category"),
    )
    team = models.ForeignKey(
        Team, null=True, blank=True, on_delete=models.PROTECT, related_name="+", verbose_name=_("team")
    )
    priority = models.CharField(_("priority"), max_length=10, choices=Priority.choices, blank=True)
    fields = models.JSONField(_("custom fields"), default=list, blank=True)
    documents = models.JSONField(_("documents"), default=list, blank=True)

    class Meta:
        ordering = ["brand_id", "position", "slug"]
        verbose_name = _("request type")
        verbose_name_plural = _("request types")
        constraints = [models.UniqueConstraint("brand", "slug", name="request_type_brand_slug_unique")]

    def __str__(self) -> str:
        return self.name_in("en") or self.slug

    def name_in(self, language: str) -> str:
        return text_in(self.names, language) or self.slug

    def instructions_in(self, language: str) -> str:
        return text_in(self.instructions, language)

    def clean(self) -> None:
        from frontdesk.tickets.request_types import check_definition

        errors: dict[str, Any] = {}
        if self.category is not None and self.category.brand_id != self.brand_id:
            errors["category"] = _("Choose a category of the request type's brand.")
        if self.team is not None and self.team.brand_id not in (None, self.brand_id):
            errors["team"] = _("Choose a team of the request type's brand or a shared team.")
        try:
            check_definition(self)
        except ValidationError as error:
            errors.update(error.message_dict)
        if errors:
            raise ValidationError(errors)


def text_in(values: object, language: str) -> str:
    """The text of a ``{lang: text}`` object for ``language``, else English, else any."""
    if not isinstance(values, dict):
        return ""
    for code in (language, "en", *values):
        text = values.get(code)
        if isinstance(text, str) and text.strip():
            return text.strip()
    return ""


# Tickets somebody still has to act on (a partial-index condition).
OPEN_Q = Q(status__in=sorted(OPEN_STATUSES))


class Ticket(models.Model):
    # Foreign keys whose lookups the composite indexes below already lead with carry no index of their own:
    # every index costs each of the many inserts, and a million-row table keeps them all.
    brand = models.ForeignKey(Brand, on_delete=models.PROTECT, related_name="+", db_index=False)
    # Unique through Meta.constraints: unique=True would add a second, varchar_pattern_ops index for LIKE
    # on PostgreSQL, and nothing searches numbers by prefix.
    number = models.CharField(_("number"), max_length=40)
    subject = models.CharField(_("subject"), max_length=300)
    status = models.CharField(_("status"), max_length=24, choices=Status.choices, default=Status.NEW)
    priority = models.CharField(
        _("priority"), max_length=10, choices=Priority.choices, default=Priority.NORMAL
    )
    category = models.ForeignKey(
        Category, null=True, blank=True, on_delete=models.PROTECT, related_name="+", db_index=False
    )
    tags = models.JSONField(_("tags"), default=list, blank=True)
    channel = models.CharField(_("channel"), max_length=10, choices=Channel.choices)
    language = models.CharField(_("language"), max_length=8, blank=True)
    customer = models.ForeignKey(Customer, on_delete=models.PROTECT, related_name="+", db_index=False)
    organization = models.ForeignKey(
        Organization, null=True, blank=True, on_delete=models.PROTECT, related_name="+", db_index=False
    )
    team = models.ForeignKey(
        Team, null=True, blank=True, on_delete=models.PROTECT, related_name="+", db_index=False
    )
    assignee = models.ForeignKey(
        User, null=True, blank=True, on_delete=models.SET_NULL, related_name="+", db_index=False
    )
    line = models.PositiveSmallIntegerField(_("support line"), default=1)
    # Optimistic concurrency: agents' edits carry the version they saw.
    version = models.PositiveIntegerField(default=1)
    # Indexed in Meta only where set: almost every ticket leaves these two empty.
    merged_into = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="+", db_index=False
    )
    # A customer's answer to a closed ticket opens a new one that points back here.
    follow_up_of = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="+", db_index=False
    )
    # What the customer chose on the portal's form, and the answers to its custom fields by key.
    request_type = models.ForeignKey(
        RequestType, null=True, blank=True, on_delete=models.PROTECT, related_name="+", db_index=False
    )
    custom_fields = models.JSONField(_("custom fields"), default=dict, blank=True)
    # Written to the brand's management: only its managers (brand admins) among the agents see it.
    for_management = models.BooleanField(_("for management"), default=False)
    created_at = models.DateTimeField(_("created"), default=timezone.now)
    updated_at = models.DateTimeField(_("updated"), default=timezone.now)
    first_response_at = models.DateTimeField(_("first response"), null=True, blank=True)
    solved_at = models.DateTimeField(_("solved"), null=True, blank=True)
    closed_at = models.DateTimeField(_("closed"), null=True, blank=True)
    last_customer_message_at = models.DateTimeField(null=True, blank=True)
    last_agent_message_at = models.DateTimeField(null=True, blank=True)
    minutes_spent = models.PositiveIntegerField(_("minutes spent"), default=0)
    # Service level (``tickets.sla``): the policy that applies and the deadlines of its running clocks, worked
    # out after every change; empty while no policy applies, the ticket is paused or done. ``sla_due_at`` is
    # the earliest response or resolution deadline and ``sla_warn_at`` its warning; the scanner marks each once.
    sla_policy = models.ForeignKey(
        SlaPolicy, null=True, blank=True, on_delete=models.SET_NULL, related_name="+", db_index=False
    )
    first_response_due_at = models.DateTimeField(_("first response due"), null=True, blank=True)
    next_response_due_at = models.DateTimeField(_("next response due"), null=True, blank=True)
    resolution_due_at = models.DateTimeField(_("resolution due"), null=True, blank=True)
    next_update_due_at = models.DateTimeField(_("customer update due"), null=True, blank=True)
    sla_due_at = models.DateTimeField(_("due"), null=True, blank=True)
    sla_warn_at = models.DateTimeField(null=True, blank=True)
    sla_warned_at = models.DateTimeField(null=True, blank=True)
    sla_breached_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-id"]
        verbose_name = _("ticket")
        verbose_name_plural = _("tickets")
        # Every index costs each new ticket, so an index on a column that a new ticket leaves empty covers only
        # the rows where it is set (PostgreSQL skips a partial index whose condition a row fails). A filter on
        # such a column (`team_id = 5`, `organization_id IN (...)`, a foreign-key check) implies it is set, so
        # it still uses the index. tests/test_indexes.py lists the indexes a new ticket has to update.
        indexes = [
            models.Index(fields=["brand", "status", "-id"], name="ticket_brand_status"),
            models.Index(fields=["brand", "-id"], name="ticket_brand"),
            # Unassigned open tickets (the unassigned queue, and most new tickets) are in ticket_unassigned_open.
            models.Index(
                fields=["assignee", "status", "-id"],
                name="ticket_assignee_status",
                condition=Q(assignee__isnull=False) | ~OPEN_Q,
            ),
            models.Index(
                fields=["team", "status", "-id"], name="ticket_team_status", condition=Q(team__isnull=False)
            ),
            # A team's whole list, newest first, read in index order (without it the primary key is walked
            # backwards past every other team's tickets). New tickets have no team: inserts do not touch it.
            models.Index(fields=["team", "-id"], name="ticket_team", condition=Q(team__isnull=False)),
            models.Index(fields=["customer", "-id"], name="ticket_customer"),
            models.Index(
                fields=["organization", "-id"],
                name="ticket_organization",
                condition=Q(organization__isnull=False),
            ),
            models.Index(fields=["brand", "line", "status", "-id"], name="ticket_brand_line_status"),
            models.Index(fields=["updated_at", "id"], name="ticket_updated"),
            models.Index(
                fields=["category", "-id"], name="ticket_category", condition=Q(category__isnull=False)
            ),
            # Work queues list the open tickets of an agent, a team or a brand across statuses, and the
            # unassigned queue a brand's open tickets without an agent (in the order of this index: no sort,
            # which `assignee_id IS NULL` on the agents' index would need).
            models.Index(
                fields=["assignee", "-id"],
                name="ticket_assignee_open",
                condition=OPEN_Q & Q(assignee__isnull=False),
            ),
            models.Index(
                fields=["brand", "-id"],
                name="ticket_unassigned_open",
                condition=OPEN_Q & Q(assignee__isnull=True),
            ),
            models.Index(
                fields=["team", "-id"], name="ticket_team_open", condition=OPEN_Q & Q(team__isnull=False)
            ),
            models.Index(fields=["brand", "-id"], name="ticket_brand_open", condition=OPEN_Q),
            # Only for the foreign keys (merging, protecting a ticket others point to).
            models.Index(
                fields=["merged_into"], name="ticket_merged_into", condition=Q(merged_into__isnull=False)
            ),
            models.Index(
                fields=["follow_up_of"], name="ticket_follow_up_of", condition=Q(follow_up_of__isnull=False)
            ),
            # Tickets by request type (reports, protecting a type in use); tickets without one skip it.
            models.Index(
                fields=["request_type", "-id"],
                name="ticket_request_type",
                condition=Q(request_type__isnull=False),
            ),
            # The service-level scanner's work: deadlines and warnings not yet marked. A new ticket has none
            # until its policy is applied, so inserts skip these.
            models.Index(
                fields=["sla_due_at"],
                name="ticket_sla_due",
                condition=Q(sla_due_at__isnull=False, sla_breached_at__isnull=True),
            ),
            models.Index(
                fields=["sla_warn_at"],
                name="ticket_sla_warn",
                condition=Q(sla_warn_at__isnull=False, sla_warned_at__isnull=True),
            ),
            models.Index(
                fields=["next_update_due_at"],
                name="ticket_update_due",
                condition=Q(next_update_due_at__isnull=False),
            ),
            # The "SLA at risk" queue and lists sorted by deadline, per brand: only tickets with a running clock.
            models.Index(
                fields=["brand", "sla_due_at", "id"],
                name="ticket_brand_due",
                condition=Q(sla_due_at__isnull=False),
            ),
            # The management queue of a brand; no other ticket is in it.
            models.Index(fields=["brand", "-id"], name="ticket_management", condition=Q(for_management=True)),
        ]
        constraints = [
            models.UniqueConstraint(fields=["number"], name="ticket_number_unique"),
            models.CheckConstraint(condition=Q(line__gte=1, line__lte=3), name="ticket_line_1_to_3"),
        ]

    def __str__(self) -> str:
        return f"{self.number} {self.subject}"


class TicketRating(models.Model):
    """The customer's rating of a solved ticket: one per ticket, changed in place within a window."""

    ticket = models.OneToOneField(Ticket, on_delete=models.PROTECT, related_name="+")
    brand = models.ForeignKey(Brand, on_delete=models.PROTECT, related_name="+", db_index=False)
    rating = models.CharField(_("rating"), max_length=8, choices=Rating.choices)
    comment = models.TextField(_("comment"), blank=True)
    # Who rated, copied in to outlive the account.
    rated_by_label = models.CharField(max_length=200)
    # The ticket a bad rating opened for the team lead.
    follow_up = models.ForeignKey(
        Ticket, null=True, blank=True, on_delete=models.PROTECT, related_name="+", db_index=False
    )
    created_at = models.DateTimeField(_("rated"), default=timezone.now)
    updated_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("rating")
        verbose_name_plural = _("ratings")
        indexes = [models.Index(fields=["brand", "-created_at"], name="rating_brand")]

    def __str__(self) -> str:
        return f"{self.rating} on {self.ticket_id}"


class Message(models.Model):
    """A public reply, an internal note or a phone-call record on a ticket."""

    # The ticket's index is message_ticket. The brand's is none: a brand with tickets cannot be deleted (its
    # tickets are protected, and so are they by their events), so only deleting a brand that never had a
    # ticket reads this column: sequential scans of the messages and of the events (seconds at millions).
    ticket = models.ForeignKey(Ticket, on_delete=models.PROTECT, related_name="messages", db_index=False)
    brand = models.ForeignKey(Brand, on_delete=models.PROTECT, related_name="+", db_index=False)
    kind = models.CharField(max_length=8, choices=MessageKind.choices)
    author_kind = models.CharField(max_length=10, choices=AuthorKind.choices)
    # Keeps its index: deleting a user (an admin action) sets it to NULL, a scan of every message without it.
    author = models.ForeignKey(User, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    # The author's name at the time, kept when the account is gone.
    author_label = models.CharField(max_length=200)
    channel = models.CharField(max_length=10, choices=Channel.choices)
    body_html = models.TextField()
    body_text = models.TextField()
    call_direction = models.CharField(max_length=10, choices=CallDirection.choices, blank=True)
    call_duration_seconds = models.PositiveIntegerField(null=True, blank=True)
    # A mail's answer keeps only its new text; the quoted history it carried is in the raw mail (shown folded).
    history_left_out = models.BooleanField(default=False, db_default=False)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["created_at", "id"]
        indexes = [models.Index(fields=["ticket", "created_at", "id"], name="message_ticket")]

    def __str__(self) -> str:
        return f"{self.kind} on {self.ticket_id}"

    @property
    def is_public(self) -> bool:
        return self.kind == MessageKind.REPLY


class Attachment(models.Model):
    message = models.ForeignKey(Message, on_delete=models.PROTECT, related_name="attachments")
    ticket = models.ForeignKey(Ticket, on_delete=models.PROTECT, related_name="+")
    brand = models.ForeignKey(Brand, on_delete=models.PROTECT, related_name="+")
    file = models.FileField(upload_to="attachments/%Y/%m/", max_length=300)
    filename = models.CharField(max_length=255)
    content_type = models.CharField(max_length=150)
    size = models.PositiveBigIntegerField()
    sha256 = models.CharField(max_length=64)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["id"]

    def __str__(self) -> str:
        return self.filename


class TicketEventQuerySet(models.QuerySet["TicketEvent"]):
    """History is never rewritten: only the dispatch bookkeeping columns may be updated."""

    DISPATCH_FIELDS: ClassVar[frozenset[str]] = frozenset({"dispatched_at", "claimed_until", "attempts"})

    def update(self, **kwargs: Any) -> int:
        if not set(kwargs) <= self.DISPATCH_FIELDS:
            raise TypeError("Ticket events are append-only; only dispatch bookkeeping may change.")
        return super().update(**kwargs)

    def delete(self) -> tuple[int, dict[str, int]]:
        raise TypeError("Ticket events are append-only and are never deleted.")


class TicketEvent(models.Model):
    """One change of a ticket: history, audit trail and the queue notifications and automation read."""

    # Indexed by event_ticket; the brand as on Message (deleting a brand with no tickets scans the events).
    ticket = models.ForeignKey(Ticket, on_delete=models.PROTECT, related_name="events", db_index=False)
    brand = models.ForeignKey(Brand, on_delete=models.PROTECT, related_name="+", db_index=False)
    kind = models.CharField(max_length=24, choices=EventKind.choices)
    # Keeps its index, as Message.author does, for deleting a user.
    actor = models.ForeignKey(User, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    # Who acted, copied in so that history outlives deleted accounts.
    actor_label = models.CharField(max_length=200)
    actor_kind = models.CharField(max_length=10)
    at = models.DateTimeField(default=timezone.now)
    # Before and after values and whatever else describes the change.
    data = models.JSONField(default=dict)
    dispatched_at = models.DateTimeField(null=True, blank=True)
    claimed_until = models.DateTimeField(null=True, blank=True)
    attempts = models.PositiveSmallIntegerField(default=0)

    objects = TicketEventQuerySet.as_manager()

    class Meta:
        ordering = ["at", "id"]
        indexes = [
            models.Index(fields=["ticket", "at", "id"], name="event_ticket"),
            models.Index(fields=["id"], name="event_undispatched", condition=Q(dispatched_at__isnull=True)),
        ]

    def __str__(self) -> str:
        return f"{self.kind} on {self.ticket_id}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        if self.pk is not None and not self._state.adding:
            raise TypeError("Ticket events are append-only; record a new event instead.")
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> tuple[int, dict[str, int]]:
        raise TypeError("Ticket events are append-only and are never deleted.")


class WorkLogEntry(models.Model):
    """What was diagnosed and done on a ticket; required to escalate, recorded when handing back."""

    ticket = models.ForeignKey(Ticket, on_delete=models.PROTECT, related_name="worklog")
    brand = models.ForeignKey(Brand, on_delete=models.PROTECT, related_name="+")
    kind = models.CharField(max_length=12, choices=WorkLogKind.choices)
    author = models.ForeignKey(User, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    author_label = models.CharField(max_length=200)
    from_line = models.PositiveSmallIntegerField()
    to_line = models.PositiveSmallIntegerField()
    from_team = models.ForeignKey(Team, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    to_team = models.ForeignKey(Team, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    diagnosis = models.TextField()
    steps_taken = models.TextField()
    request = models.TextField(blank=True)
    minutes_spent = models.PositiveIntegerField(default=0)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["created_at", "id"]
        indexes = [models.Index(fields=["ticket", "created_at"], name="worklog_ticket")]

    def __str__(self) -> str:
        return f"{self.kind} {self.from_line}->{self.to_line} on {self.ticket_id}"


class TimeEntry(models.Model):
    """Minutes an agent spent on a ticket, on the line they worked at."""

    ticket = models.ForeignKey(Ticket, on_delete=models.PROTECT, related_name="time_entries")
    brand = models.ForeignKey(Brand, on_delete=models.PROTECT, related_name="+")
    agent = models.ForeignKey(User, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    agent_label = models.CharField(max_length=200)
    line = models.PositiveSmallIntegerField()
    minutes = models.PositiveIntegerField()
    note = models.CharField(max_length=300, blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["created_at", "id"]
        indexes = [models.Index(fields=["ticket", "created_at"], name="time_entry_ticket")]

    def __str__(self) -> str:
        return f"{self.minutes} min on {self.ticket_id}"


class CannedAnswer(TimestampedModel):
    """A ready answer agents insert into a reply: for one brand or shared by all, in one language or any.

    The body is plain text with placeholders such as ``{customer_name}`` and ``{ticket_number}``
    (``tickets/canned.py`` lists them); unknown ones are left as written."""

    # Empty: shared by every brand (provider admins manage those).
    brand = models.ForeignKey(Brand, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    # Empty: any language.
    language = models.CharField(_("language"), max_length=8, blank=True)
    title = models.CharField(_("title"), max_length=200)
    body = models.TextField(_("text"))
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        ordering = ["title", "id"]
        verbose_name = _("canned answer")
        verbose_name_plural = _("canned answers")
        indexes = [models.Index(fields=["brand", "is_active", "title"], name="canned_brand_title")]

    def __str__(self) -> str:
        return self.title


class MacroAnswerMode(models.TextChoices):
    # The rendered answer is put into the reply box for the agent to read and send.
    INSERT = "insert", _("Insert into the reply")
    # The rendered answer is sent to the customer at once.
    SEND = "send", _("Send as the reply")


class Macro(TimestampedModel):
    """Several changes applied to a ticket in one click: status, priority, category, team, tags to add and
    a canned answer inserted or sent."""

    brand = models.ForeignKey(Brand, on_delete=models.PROTECT, related_name="+")
    name = models.CharField(_("name"), max_length=120)
    status = models.CharField(_("status"), max_length=24, choices=Status.choices, blank=True)
    priority = models.CharField(_("priority"), max_length=10, choices=Priority.choices, blank=True)
    category = models.ForeignKey(
        Category,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("category"),
    )
    team = models.ForeignKey(
        Team, null=True, blank=True, on_delete=models.PROTECT, related_name="+", verbose_name=_("team")
    )
    # Comma-separated, added to the ticket's tags.
    add_tags = models.CharField(
        _("tags to add"), max_length=300, blank=True, help_text=_("Separated by commas.")
    )
    canned_answer = models.ForeignKey(
        CannedAnswer,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("canned answer"),
    )
    answer_mode = models.CharField(
        _("answer"), max_length=8, choices=MacroAnswerMode.choices, default=MacroAnswerMode.INSERT
    )
    position = models.PositiveSmallIntegerField(_("position"), default=0)
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        ordering = ["position", "name", "id"]
        verbose_name = _("macro")
        verbose_name_plural = _("macros")
        constraints = [models.UniqueConstraint("brand", "name", name="macro_brand_name_unique")]

    def __str__(self) -> str:
        return self.name

    @property
    def tag_list(self) -> list[str]:
        return [tag.strip().lower() for tag in self.add_tags.split(",") if tag.strip()]

    def clean(self) -> None:
        """The category, team and answer belong to the macro's brand (or, for teams and answers, to all)."""
        errors: dict[str, Any] = {}
        if self.category is not None and self.category.brand_id != self.brand_id:
            errors["category"] = _("Choose a category of the macro's brand.")
        if self.team is not None and self.team.brand_id not in (None, self.brand_id):
            errors["team"] = _("Choose a team of the macro's brand or a shared team.")
        if self.canned_answer is not None and self.canned_answer.brand_id not in (None, self.brand_id):
            errors["canned_answer"] = _("Choose an answer of the macro's brand or a shared one.")
        if self.status == Status.NEW:
            errors["status"] = _("A macro cannot make a ticket new again.")
        if errors:
            raise ValidationError(errors)


class TicketLink(models.Model):
    """Two related tickets of one brand. Symmetric: stored once, the lower id first."""

    brand = models.ForeignKey(Brand, on_delete=models.PROTECT, related_name="+", db_index=False)
    low = models.ForeignKey(Ticket, on_delete=models.PROTECT, related_name="+", db_index=False)
    high = models.ForeignKey(Ticket, on_delete=models.PROTECT, related_name="+")
    created_by = models.ForeignKey(User, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["id"]
        constraints = [
            models.UniqueConstraint("low", "high", name="ticket_link_unique"),
            models.CheckConstraint(condition=Q(low__lt=models.F("high")), name="ticket_link_ordered"),
        ]

    def __str__(self) -> str:
        return f"{self.low_id} <-> {self.high_id}"
