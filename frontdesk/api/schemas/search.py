"""Search: what is asked and what comes back."""

from __future__ import annotations

from typing import Literal

from ninja import Field, Schema

from frontdesk.api.schemas.common import InputSchema
from frontdesk.api.schemas.tickets import TicketForCustomerOut, TicketOut

# Refused by the schema beyond this; the search itself refuses more than 200 characters of text.
MAX_RAW_QUERY = 1000

Found = Literal["number", "number_part", "contact", "customer", "subject", "message"]


class TicketSearchIn(InputSchema):
    q: str = Field(
        ...,
        max_length=MAX_RAW_QUERY,
        description=(
            "What to look for: a ticket number or a piece of one, words of the subject or of a message, the "
            "customer's name (a typo is forgiven), a piece of their email address or phone number. "
            "1 to 200 characters."
        ),
    )
    limit: int = Field(20, ge=1, le=100, description="Tickets to return, 1 to 100.")


class TicketHitOut(Schema):
    ticket: TicketOut | TicketForCustomerOut
    score: float = Field(description="Higher is better; the exact number scores highest.")
    found: list[Found] = Field(description="Where the ticket matched.")


class TicketSearchOut(Schema):
    items: list[TicketHitOut]
