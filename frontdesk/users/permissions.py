"""Who may change people and brand settings."""

from __future__ import annotations

from frontdesk.users.actors import Actor


def can_manage_customers(actor: Actor, brand_id: int) -> bool:
    return actor.serves(brand_id)


def can_configure_brand(actor: Actor, brand_id: int) -> bool:
    return actor.administers(brand_id)


def can_manage_brands(actor: Actor) -> bool:
    return actor.is_system or actor.is_provider_admin
