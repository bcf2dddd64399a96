"""Customers, organizations, teams, brands, categories and the caller, per audience."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any

from ninja import Field, Schema
from pydantic import StringConstraints

from frontdesk.api.pagination import PageIn
from frontdesk.api.schemas.common import (
    BrandRef,
    Email,
    Id,
    InputSchema,
    Language,
    Name,
    NoNul,
    Phone,
    QueryId,
    Ref,
    Slug,
)

Domain = Annotated[str, StringConstraints(min_length=1, max_length=253), NoNul]


class CustomerOut(Schema):
    id: int
    brand: BrandRef
    name: str
    email: str
    phone: str
    language: str
    organization: Ref | None
    is_organization_manager: bool
    emails: list[str]
    phones: list[str]
    created_at: datetime
    updated_at: datetime

    @staticmethod
    def resolve_emails(obj: Any) -> list[str]:
        return [c.value for c in obj.contacts.all() if c.kind == "email"]

    @staticmethod
    def resolve_phones(obj: Any) -> list[str]:
        return [c.value for c in obj.contacts.all() if c.kind == "phone"]


class CustomerCreateIn(InputSchema):
    brand: Slug
    name: Name = ""
    emails: list[Email] = Field(default_factory=list, max_length=10)
    phones: list[Phone] = Field(default_factory=list, max_length=10)
    language: Language = ""
    organization: Id | None = None
    is_organization_manager: bool = False


class CustomerUpdateIn(InputSchema):
    """Only the fields sent change; `organization: null` takes the customer out of their organization."""

    name: Name | None = None
    language: Language | None = None
    organization: Id | None = None
    is_organization_manager: bool | None = None
    add_emails: list[Email] = Field(default_factory=list, max_length=10)
    add_phones: list[Phone] = Field(default_factory=list, max_length=10)


class CustomerFilterIn(PageIn):
    brand: Slug | None = None
    organization: QueryId | None = None
    email: Email | None = Field(None, description="Exact address, any of the customer's emails.")


class OrganizationOut(Schema):
    id: int
    brand: BrandRef
    name: str
    domains: list[str]
    created_at: datetime


class OrganizationCreateIn(InputSchema):
    brand: Slug
    name: Annotated[str, StringConstraints(min_length=1, max_length=200), NoNul]
    domains: list[Domain] = Field(default_factory=list, max_length=20)


class OrganizationFilterIn(PageIn):
    brand: Slug | None = None


class BrandOut(Schema):
    """A brand as its agents see it."""

    id: int
    slug: str
    name: str
    languages: list[str]
    sender_addresses: list[str]
    portal_host: str
    ticket_prefix: str
    ticket_number_format: str
    time_zone: str
    logo_url: str
    primary_color: str
    is_active: bool


class BrandForCustomerOut(Schema):
    id: int
    slug: str
    name: str
    languages: list[str]
    portal_host: str
    logo_url: str
    primary_color: str


class TeamOut(Schema):
    id: int
    name: str
    line: int
    brand: BrandRef | None


class CategoryOut(Schema):
    id: int
    brand: BrandRef
    parent_id: int | None
    name: str
    path: str
    is_active: bool


class CategoryCreateIn(InputSchema):
    brand: Slug
    name: Annotated[str, StringConstraints(min_length=1, max_length=120), NoNul]
    parent: Id | None = None


class CategoryFilterIn(PageIn):
    brand: Slug | None = None


class MembershipOut(Schema):
    brand: BrandRef
    line: int
    is_brand_admin: bool


class CustomerOfOut(Schema):
    brand: BrandRef
    customer_id: int
    manages_organization: bool


class MeOut(Schema):
    id: int
    email: str
    name: str
    kind: str
    language: str
    time_zone: str
    is_provider_admin: bool
    agent_of: list[MembershipOut]
    customer_of: list[CustomerOfOut]
