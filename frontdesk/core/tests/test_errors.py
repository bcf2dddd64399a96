"""The DomainError family carries a stable code, the HTTP status and the field it is about."""

from __future__ import annotations

import pytest

from frontdesk.core.errors import (
    Conflict,
    DomainError,
    InvalidInput,
    InvalidTransition,
    NotFound,
    PermissionDenied,
    TicketChanged,
    WorklogRequired,
    require,
)


@pytest.mark.parametrize(
    ("error", "code", "status"),
    [
        (NotFound, "not_found", 404),
        (PermissionDenied, "permission_denied", 403),
        (InvalidInput, "invalid_input", 422),
        (InvalidTransition, "invalid_transition", 409),
        (WorklogRequired, "worklog_required", 422),
        (TicketChanged, "ticket_changed", 409),
        (Conflict, "conflict", 409),
    ],
)
def test_each_error_has_its_code_and_status(error, code, status):
    assert issubclass(error, DomainError)
    assert (error.code, error.status) == (code, status)


def test_an_error_keeps_its_detail_field_and_extra_data():
    error = InvalidInput("Too long.", field="subject", limit=300)

    assert (str(error), error.detail, error.field, error.extra) == (
        "Too long.",
        "Too long.",
        "subject",
        {"limit": 300},
    )
    assert InvalidInput().detail == InvalidInput.title


def test_not_found_names_only_the_kind_of_object():
    assert NotFound("ticket").detail == "No such ticket."


def test_require_raises_permission_denied_when_the_condition_fails():
    require(True)
    with pytest.raises(PermissionDenied, match="agents only"):
        require(False, "agents only")
