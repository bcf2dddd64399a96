"""Incoming calls from a telephone system: the notice and the answer."""

from __future__ import annotations

from ninja import Field, Schema

from frontdesk.api.schemas.common import InputSchema, Phone, ShortText


class IncomingCallIn(InputSchema):
    phone: Phone = Field(..., description="The caller's number as the telephone system shows it.")
    line: int | None = Field(
        None,
        ge=1,
        le=3,
        description="The support line (1 to 3) the call is for; none: every line of the brand.",
    )
    call_id: ShortText | None = Field(None, description="The telephone system's own id of the call, if any.")


class IncomingCallOut(Schema):
    phone: str = Field(..., description="The caller's number, normalized (`+48221234567`).")
    customer_id: int | None = Field(
        ..., description="The brand's customer with this number, if one is known."
    )
