"""What a condition or an action of a trigger may say, checked and normalised when it is saved.

Values are stored as plain text: a choice value, an id (or "none"), lower-case text, or a comma-separated
list for "is one of". Categories, teams, agents, organizations and request types may be entered by id or by
name (path, name, email, short name); they are stored by id and must belong to the trigger's brand (teams may
be shared by all brands).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db.models import Model, Q, QuerySet
from django.utils.translation import gettext as _

from frontdesk.automation.choices import ActionKind, ConditionField, Operator, YesNo
from frontdesk.tickets.choices import AuthorKind, Channel, EventKind, Priority, Status
from frontdesk.tickets.models import Category, RequestType
from frontdesk.users.choices import CustomerTier, SupportLine
from frontdesk.users.models import Organization, Team, User

NONE = "none"
MAX_TEXT = 20_000

# The values of the fields that hold one of a fixed list.
CHOICES: dict[str, Any] = {
    ConditionField.EVENT_KIND: EventKind,
    ConditionField.STATUS: Status,
    ConditionField.PRIORITY: Priority,
    ConditionField.CHANNEL: Channel,
    ConditionField.LINE: SupportLine,
    ConditionField.AUTHOR_KIND: AuthorKind,
    ConditionField.CUSTOMER_TIER: CustomerTier,
    ConditionField.BUSINESS_HOURS: YesNo,
}
ENTITIES = (
    ConditionField.CATEGORY,
    ConditionField.TEAM,
    ConditionField.ASSIGNEE,
    ConditionField.ORGANIZATION,
    ConditionField.REQUEST_TYPE,
)
_EXACT = (Operator.IS, Operator.IS_NOT, Operator.IN)
_TEXT = (Operator.CONTAINS, Operator.NOT_CONTAINS, Operator.IS, Operator.IS_NOT)
OPERATORS: dict[str, tuple[str, ...]] = {
    **dict.fromkeys(CHOICES, _EXACT),
    **dict.fromkeys(ENTITIES, _EXACT),
    ConditionField.TAGS: (Operator.CONTAINS, Operator.NOT_CONTAINS),
    ConditionField.SUBJECT: _TEXT,
    ConditionField.MESSAGE_TEXT: (Operator.CONTAINS, Operator.NOT_CONTAINS),
    ConditionField.CUSTOMER_EMAIL: (*_TEXT, Operator.IN),
    ConditionField.CUSTOMER_DOMAIN: _EXACT,
}
# Actions whose value names one of the brand's rows, by the condition field of the same kind.
ACTION_ENTITIES = {
    ActionKind.SET_CATEGORY: ConditionField.CATEGORY,
    ActionKind.SET_TEAM: ConditionField.TEAM,
    ActionKind.ASSIGN: ConditionField.ASSIGNEE,
}
TEMPLATE_ACTIONS = (ActionKind.ADD_NOTE, ActionKind.SEND_REPLY)


def _error(message: str, field: str = "value") -> ValidationError:
    return ValidationError({field: message})


def _choice(choices: Any, raw: str) -> str:
    """The choice value named by its value or its label (any case)."""
    wanted = raw.strip().lower()
    for value, label in choices.choices:
        if wanted in (str(value).lower(), str(label).lower()):
            return str(value)
    raise _error(
        _("“%(value)s” is not one of: %(choices)s.")
        % {"value": raw.strip(), "choices": ", ".join(str(v) for v in choices.values)}
    )


def entity_rows(field: str, brand_id: int) -> QuerySet[Any]:
    """The rows a value of ``field`` may name for a brand."""
    if field == ConditionField.CATEGORY:
        return Category.objects.filter(brand_id=brand_id)
    if field == ConditionField.TEAM:
        return Team.objects.filter(Q(brand_id=brand_id) | Q(brand__isnull=True))
    if field == ConditionField.ASSIGNEE:
        return User.objects.filter(memberships__brand_id=brand_id, is_active=True)
    if field == ConditionField.ORGANIZATION:
        return Organization.objects.filter(brand_id=brand_id)
    return RequestType.objects.filter(brand_id=brand_id)


_NAME_FIELD: dict[str, str] = {
    ConditionField.CATEGORY: "path",
    ConditionField.TEAM: "name",
    ConditionField.ASSIGNEE: "email",
    ConditionField.ORGANIZATION: "name",
    ConditionField.REQUEST_TYPE: "slug",
}


def _entity(field: str, raw: str, brand_id: int | None) -> str:
    """The id of the brand's row named by ``raw`` (an id or a name), or "none"."""
    raw = raw.strip()
    if raw.lower() == NONE:
        return NONE
    if brand_id is None:
        raise _error(_("Choose the brand first."))
    rows = entity_rows(field, brand_id)
    found: Model | None = None
    if raw.isdigit() and int(raw) < 2**63:
        found = rows.filter(pk=int(raw)).first()
    if found is None:
        found = rows.filter(**{f"{_NAME_FIELD[field]}__iexact": raw}).order_by("pk").first()
    if found is None:
        raise _error(
            _("No %(field)s “%(value)s” in this brand.")
            % {"field": str(ConditionField(field).label).lower(), "value": raw}
        )
    return str(found.pk)


def _split(raw: str) -> list[str]:
    return [part.strip() for part in raw.split(",") if part.strip()]


def _one(field: str, raw: str, brand_id: int | None) -> str:
    if field in CHOICES:
        return _choice(CHOICES[field], raw)
    if field in ENTITIES:
        return _entity(field, raw, brand_id)
    if field == ConditionField.CUSTOMER_DOMAIN:
        return raw.strip().lower().lstrip("@")
    return " ".join(raw.split()).lower()


def clean_condition(field: str, operator: str, value: str, *, brand_id: int | None) -> str:
    """The stored form of a condition's value; ``ValidationError`` naming what is wrong."""
    allowed = OPERATORS.get(field)
    if allowed is None:
        raise _error(_("Choose a field from the list."), "field")
    if operator not in allowed:
        raise _error(
            _("With this field use: %(operators)s.")
            % {"operators": ", ".join(str(Operator(op).label) for op in allowed)},
            "operator",
        )
    parts = _split(value) if operator == Operator.IN else [value]
    if not parts or not all(part.strip() for part in parts):
        raise _error(_("Enter a value."))
    return ",".join(dict.fromkeys(_one(field, part, brand_id) for part in parts))[:500]


def _tags(raw: str) -> str:
    tags = list(dict.fromkeys(tag.lower() for tag in _split(raw)))
    if not tags:
        raise _error(_("Enter one or more tags, separated by commas."))
    if any(len(tag) > 50 for tag in tags):
        raise _error(_("A tag has at most 50 characters."))
    return ", ".join(tags)


def template_languages() -> list[str]:
    return [code for code, _name in settings.LANGUAGES]


def check_template(source: str, field: str = "text") -> None:
    """Refuse a template the mail sandbox does not compile (forbidden tags, syntax errors)."""
    from frontdesk.mail.mail_templates import compile_template

    if len(source) > MAX_TEXT:
        raise _error(_("At most %(limit)d characters.") % {"limit": MAX_TEXT}, field)
    try:
        compile_template(source, html=False)
    except ValidationError as error:
        raise ValidationError({field: error.messages}) from None


def _webhook(raw: str, brand_id: int | None) -> str:
    from frontdesk.webhooks.models import WebhookEndpoint

    raw = raw.strip()
    if brand_id is None:
        raise _error(_("Choose the brand first."))
    if (
        not (raw.isdigit() and int(raw) < 2**63)
        or not WebhookEndpoint.objects.filter(pk=int(raw), brand_id=brand_id).exists()
    ):
        raise _error(_("Enter the id of a webhook endpoint of this brand."))
    return raw


def clean_action(
    action: str, value: str, text: str, texts: Mapping[str, Any] | None, *, brand_id: int | None
) -> tuple[str, str, dict[str, str]]:
    """The stored value, template and translated templates of an action; ``ValidationError`` if wrong."""
    other_texts = {k: str(v) for k, v in (texts or {}).items() if str(v or "").strip()}
    if action in TEMPLATE_ACTIONS:
        if not text.strip():
            raise _error(_("Write the text of the message."), "text")
        check_template(text)
        for code, source in other_texts.items():
            if code not in template_languages():
                raise _error(_("Unknown language “%(code)s”.") % {"code": code}, "text")
            check_template(source)
        return "", text, other_texts
    if action == ActionKind.SET_STATUS:
        return _choice(Status, value), "", {}
    if action == ActionKind.SET_PRIORITY:
        return _choice(Priority, value), "", {}
    if action in ACTION_ENTITIES:
        if not value.strip():
            raise _error(_("Enter a value, or “none”."))
        return _entity(ACTION_ENTITIES[ActionKind(action)], value, brand_id), "", {}
    if action in (ActionKind.ADD_TAGS, ActionKind.REMOVE_TAGS):
        return _tags(value), "", {}
    if action == ActionKind.CALL_WEBHOOK:
        return _webhook(value, brand_id), "", {}
    raise _error(_("Choose an action from the list."), "action")


def describe(field: str, value: str, brand_id: int) -> str:
    """A stored value as people read it: names instead of ids (for the admin)."""
    if field not in ENTITIES:
        return value
    ids = [int(part) for part in value.split(",") if part.isdigit()]
    names = {row.pk: str(row) for row in entity_rows(field, brand_id).filter(pk__in=ids)}
    return ", ".join(
        NONE if part == NONE else names.get(int(part), f"#{part}") if part.isdigit() else part
        for part in value.split(",")
    )
