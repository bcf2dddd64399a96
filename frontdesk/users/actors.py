"""``Actor``: who is acting and what they may reach, resolved once per request or task.

The resolved actor is cached under the user's ``access_version``; every action that changes a person's
memberships, customer records or admin flag bumps it, so a cached actor is never stale.
"""

from __future__ import annotations

import time
from collections.abc import Iterable
from dataclasses import dataclass, field

from django.conf import settings
from django.core.cache import cache
from django.db import transaction
from django.db.models import F, Q

from frontdesk.users.choices import ActorKind, AgentRole
from frontdesk.users.models import AgentMembership, ApiToken, Customer, User

ACTOR_CACHE_SECONDS = 300
# How long a user object remembers its actor (see actor_for).
REQUEST_MEMO_SECONDS = 2.0


@dataclass(frozen=True)
class Actor:
    kind: ActorKind
    user_id: int | None = None
    label: str = ""
    is_provider_admin: bool = False
    # brand id -> support line of the agent there
    agent_lines: dict[int, int] = field(default_factory=dict)
    # brands where the agent is a brand admin
    admin_brand_ids: frozenset[int] = frozenset()
    # customer records of this person, by brand
    customer_ids: dict[int, int] = field(default_factory=dict)
    # organizations whose tickets this person sees as a manager
    managed_organization_ids: frozenset[int] = frozenset()

    @property
    def is_agent(self) -> bool:
        return self.kind == ActorKind.AGENT

    @property
    def is_customer(self) -> bool:
        return self.kind == ActorKind.CUSTOMER

    @property
    def is_system(self) -> bool:
        return self.kind == ActorKind.SYSTEM

    @property
    def agent_brand_ids(self) -> frozenset[int]:
        """Brands served through memberships; provider admins serve all brands (see ``brand_scope``)."""
        return frozenset(self.agent_lines)

    @property
    def sees_all_brands(self) -> bool:
        return self.is_system or self.is_provider_admin

    def brand_scope(self, field: str = "brand_id") -> Q:
        """A filter on ``field`` for the brands this actor serves as an agent (all for provider admins)."""
        if self.sees_all_brands:
            return Q()
        return Q(**{f"{field}__in": sorted(self.agent_lines)})

    def line_in(self, brand_id: int) -> int:
        """The agent's support line in a brand (provider admins count as line 3)."""
        if brand_id in self.agent_lines:
            return self.agent_lines[brand_id]
        return 3 if self.is_provider_admin else 0

    def serves(self, brand_id: int) -> bool:
        return self.is_system or self.is_provider_admin or brand_id in self.agent_lines

    def administers(self, brand_id: int) -> bool:
        return self.is_system or self.is_provider_admin or brand_id in self.admin_brand_ids


SYSTEM = Actor(kind=ActorKind.SYSTEM, label="Frontdesk")
NOBODY = Actor(kind=ActorKind.NOBODY, label="anonymous")


def _resolve(user: User) -> Actor:
    memberships = list(
        AgentMembership.objects.filter(user_id=user.pk).values_list("brand_id", "line", "role")
    )
    customers = list(
        Customer.objects.filter(user_id=user.pk).values_list(
            "brand_id", "id", "organization_id", "is_organization_manager"
        )
    )
    agent_lines = {brand_id: line for brand_id, line, _role in memberships}
    if user.is_provider_admin or agent_lines:
        kind = ActorKind.AGENT
    elif customers:
        kind = ActorKind.CUSTOMER
    else:
        kind = ActorKind.NOBODY
    return Actor(
        kind=kind,
        user_id=user.pk,
        label=user.name or user.email,
        is_provider_admin=user.is_provider_admin,
        agent_lines=agent_lines,
        admin_brand_ids=frozenset(b for b, _line, role in memberships if role == AgentRole.BRAND_ADMIN),
        customer_ids={brand_id: cid for brand_id, cid, _org, _mgr in customers},
        managed_organization_ids=frozenset(org for _b, _c, org, mgr in customers if mgr and org),
    )


def actor_for(user: User | None) -> Actor:
    """The actor for a signed-in user (cached by access version); ``NOBODY`` for anonymous or inactive."""
    if user is None or not user.is_authenticated or not user.is_active:
        return NOBODY
    # The join time tells apart accounts that got the same id in a recreated or restored database.
    key = f"actor:{user.pk}:{user.access_version}:{user.date_joined.timestamp():.6f}"
    # A request asks several times (its view, the page's context, the header): the user object it holds
    # keeps the answer for the same key for a moment, so the cache is asked once. (Only a moment: a socket
    # holds its user for hours and must see the cached actor expire.)
    now = time.monotonic()
    kept = getattr(user, "_frontdesk_actor", None)
    if kept is not None and kept[0] == key and now < kept[2]:
        return kept[1]
    actor = cache.get(key)
    if actor is None:
        actor = _resolve(user)
        cache.set(key, actor, ACTOR_CACHE_SECONDS)
    user._frontdesk_actor = (key, actor, now + REQUEST_MEMO_SECONDS)  # type: ignore[attr-defined]
    return actor


def actor_for_customer(customer: Customer) -> Actor:
    """A known customer acting where no one signs in: a mail from their address, a call, a social message.

    With an account, that account's actor; otherwise a customer actor for this one brand.
    """
    if customer.user_id is not None and customer.user is not None and customer.user.is_active:
        return actor_for(customer.user)
    managed = customer.organization_id if customer.is_organization_manager else None
    return Actor(
        kind=ActorKind.CUSTOMER,
        label=customer.name or customer.email or customer.phone or f"#{customer.pk}",
        customer_ids={customer.brand_id: customer.pk},
        managed_organization_ids=frozenset({managed} if managed else ()),
    )


def actor_in_brand(customer: Customer) -> Actor:
    """The person behind ``customer`` acting as that customer in its brand only (a brand's portal): their own
    tickets there and, as a manager, their organization's; never their records in other brands, nor what they
    may do as an agent."""
    managed = customer.organization_id if customer.is_organization_manager else None
    return Actor(
        kind=ActorKind.CUSTOMER,
        user_id=customer.user_id,
        label=customer.name or customer.email or customer.phone or f"#{customer.pk}",
        customer_ids={customer.brand_id: customer.pk},
        managed_organization_ids=frozenset({managed} if managed else ()),
    )


def bump_access_version(user_id: int) -> None:
    """Invalidate cached actors of a user, and the cached look-ups of their API tokens, after their access
    changed."""
    User.objects.filter(pk=user_id).update(access_version=F("access_version") + 1)
    forget_tokens(ApiToken.objects.filter(user_id=user_id).values_list("key_hash", flat=True))


def token_cache_key(key_hash: str) -> str:
    return f"apitoken:{key_hash}"


# Token look-ups this process made in the last ``FRONTDESK_TOKEN_MEMORY_SECONDS``, by key hash: (until, value).
# They spare the shared cache's round trip on every request. A token revoked here is forgotten here at once;
# other processes go on accepting it for at most that many seconds.
TOKEN_MEMORY_SECONDS = 2.0
_TOKEN_MEMORY_SIZE = 1000
_token_memory: dict[str, tuple[float, object]] = {}
_clock = time.monotonic


def _token_memory_seconds() -> float:
    return float(getattr(settings, "FRONTDESK_TOKEN_MEMORY_SECONDS", TOKEN_MEMORY_SECONDS))


def recall_token(key_hash: str) -> object | None:
    """What ``remember_token`` kept for this token in this process, if it is recent enough."""
    found = _token_memory.get(key_hash)
    if found is None:
        return None
    until, value = found
    if _clock() >= until:
        _token_memory.pop(key_hash, None)
        return None
    return value


def remember_token(key_hash: str, value: object) -> None:
    seconds = _token_memory_seconds()
    if seconds <= 0:
        return
    if len(_token_memory) >= _TOKEN_MEMORY_SIZE:
        _token_memory.clear()
    _token_memory[key_hash] = (_clock() + seconds, value)


def forget_tokens(key_hashes: Iterable[str]) -> None:
    """Drop cached token look-ups (``users.actions.authenticate_token``); the next request reads the row."""
    hashes = list(key_hashes)
    keys = [token_cache_key(h) for h in hashes]
    if keys:
        for key_hash in hashes:
            _token_memory.pop(key_hash, None)
        cache.delete_many(keys)

        def again() -> None:
            # Again after commit: a request that read the old rows meanwhile may have cached them anew.
            for key_hash in hashes:
                _token_memory.pop(key_hash, None)
            cache.delete_many(keys)

        transaction.on_commit(again)
