"""Triggers: a brand's rules that act on tickets when ticket events happen, and the log of their runs."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from frontdesk.automation.choices import ActionKind, ConditionField, MatchMode, Operator, RunOutcome
from frontdesk.brands.models import Brand
from frontdesk.core.models import TimestampedModel
from frontdesk.tickets.choices import EventKind
from frontdesk.tickets.models import Ticket, TicketEvent


def validate_event_kinds(value: object) -> None:
    known = set(EventKind.values)
    if not isinstance(value, list) or not all(isinstance(kind, str) and kind in known for kind in value):
        raise ValidationError(_("Choose events from the list."), code="event_kinds")


class Trigger(TimestampedModel):
    """When one of ``event_kinds`` happens on a ticket of ``brand`` and the conditions hold, the actions run in
    their order. A brand's triggers run in ``position`` order, each at most once per event."""

    brand = models.ForeignKey(Brand, on_delete=models.PROTECT, related_name="+", verbose_name=_("brand"))
    name = models.CharField(_("name"), max_length=120)
    description = models.TextField(_("description"), blank=True)
    position = models.PositiveSmallIntegerField(_("position"), default=0)
    is_active = models.BooleanField(_("active"), default=True)
    # Event kinds (tickets.choices.EventKind values) the trigger runs on.
    event_kinds = models.JSONField(_("events"), default=list, validators=[validate_event_kinds])
    match = models.CharField(_("run when"), max_length=3, choices=MatchMode.choices, default=MatchMode.ALL)

    class Meta:
        ordering = ["brand_id", "position", "id"]
        verbose_name = _("trigger")
        verbose_name_plural = _("triggers")
        indexes = [models.Index(fields=["brand", "is_active", "position"], name="trigger_brand_active")]

    def __str__(self) -> str:
        return self.name

    def clean(self) -> None:
        if not self.event_kinds:
            raise ValidationError({"event_kinds": _("Choose at least one event.")})


class TriggerCondition(models.Model):
    """One test on the event, its ticket, message or customer. ``value`` is stored normalised: choice values,
    ids (or "none"), lower-case text; "is one of" takes a comma-separated list."""

    trigger = models.ForeignKey(Trigger, on_delete=models.CASCADE, related_name="conditions")
    field = models.CharField(_("field"), max_length=20, choices=ConditionField.choices)
    operator = models.CharField(_("operator"), max_length=12, choices=Operator.choices, default=Operator.IS)
    value = models.CharField(_("value"), max_length=500, blank=True)

    class Meta:
        ordering = ["trigger_id", "id"]
        verbose_name = _("condition")
        verbose_name_plural = _("conditions")

    def __str__(self) -> str:
        return f"{self.get_field_display()} {self.get_operator_display()} {self.value}"

    def clean(self) -> None:
        from frontdesk.automation.rules import clean_condition

        self.value = clean_condition(self.field, self.operator, self.value, brand_id=_brand_of(self))


class TriggerAction(models.Model):
    """One thing a trigger does, in ``position`` order. ``value`` holds a status, a priority, an id (or "none")
    or tags; ``text`` the mail template of a note or a reply, ``texts`` the same template in other languages
    (by language code), chosen by the customer's language."""

    trigger = models.ForeignKey(Trigger, on_delete=models.CASCADE, related_name="actions")
    position = models.PositiveSmallIntegerField(_("position"), default=0)
    action = models.CharField(_("action"), max_length=16, choices=ActionKind.choices)
    value = models.CharField(_("value"), max_length=500, blank=True)
    text = models.TextField(_("text"), blank=True)
    texts = models.JSONField(_("text in other languages"), default=dict, blank=True)

    class Meta:
        ordering = ["trigger_id", "position", "id"]
        verbose_name = _("action")
        verbose_name_plural = _("actions")

    def __str__(self) -> str:
        return f"{self.get_action_display()} {self.value}".strip()

    def clean(self) -> None:
        from frontdesk.automation.rules import clean_action

        self.value, self.text, self.texts = clean_action(
            self.action, self.value, self.text, self.texts, brand_id=_brand_of(self)
        )


def _brand_of(row: TriggerCondition | TriggerAction) -> int | None:
    """The brand of the row's trigger, which may not be saved yet (the admin checks rows before saving)."""
    trigger: Trigger | None = row._state.fields_cache.get("trigger")
    if trigger is None and row.trigger_id is not None:
        brand_id: int | None = (
            Trigger.objects.filter(pk=row.trigger_id).values_list("brand_id", flat=True).first()
        )
        return brand_id
    return trigger.brand_id if trigger is not None else None


class TriggerRun(models.Model):
    """A trigger's run on one event: claimed by its insert, so that a trigger runs at most once per event; the
    log the admin shows."""

    brand = models.ForeignKey(Brand, on_delete=models.PROTECT, related_name="+")
    trigger = models.ForeignKey(Trigger, on_delete=models.CASCADE, related_name="runs")
    event = models.ForeignKey(TicketEvent, on_delete=models.PROTECT, related_name="+")
    ticket = models.ForeignKey(Ticket, on_delete=models.PROTECT, related_name="+", db_index=False)
    outcome = models.CharField(_("outcome"), max_length=8, choices=RunOutcome.choices)
    detail = models.CharField(_("detail"), max_length=500, blank=True)
    at = models.DateTimeField(_("at"), default=timezone.now)

    class Meta:
        ordering = ["-at", "-id"]
        verbose_name = _("trigger run")
        verbose_name_plural = _("trigger runs")
        constraints = [models.UniqueConstraint("trigger", "event", name="trigger_run_once")]
        indexes = [models.Index(fields=["trigger", "-at"], name="trigger_run_latest")]

    def __str__(self) -> str:
        return f"{self.trigger_id} on {self.event_id}: {self.outcome}"
