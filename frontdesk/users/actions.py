"""Writes on people: customers and their contacts, organizations, agents, teams and API tokens."""

from __future__ import annotations

import copy
import hashlib
import json
import secrets
from collections.abc import Mapping, Sequence
from datetime import timedelta
from typing import Any, cast

from django.conf import settings
from django.core.cache import cache
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.crypto import constant_time_compare, salted_hmac
from django.utils.http import base36_to_int, int_to_base36
from django.utils.translation import gettext as _

from frontdesk.brands.models import Brand
from frontdesk.core.errors import Conflict, InvalidInput, require
from frontdesk.users.actors import (
    SYSTEM,
    Actor,
    actor_for,
    bump_access_version,
    forget_tokens,
    recall_token,
    remember_token,
    token_cache_key,
)
from frontdesk.users.choices import AgentRole, ContactKind, SupportLine
from frontdesk.users.contacts import normalize_email, normalize_phone
from frontdesk.users.inserts import can_insert_at_once, insert_customer_with_contact
from frontdesk.users.models import (
    AgentMembership,
    ApiToken,
    Customer,
    CustomerContact,
    Organization,
    SavedView,
    Team,
    User,
)
from frontdesk.users.permissions import can_configure_brand, can_manage_customers
from frontdesk.users.queries import customer_by_contact

TOKEN_PREFIX = "fd_"  # noqa: S105 - a marker that tells tokens apart, not a secret
LANGUAGES = ("en", "ru", "pl")
# How stale ``ApiToken.last_used_at`` may get: the hot path writes it at most once a minute.
TOKEN_TOUCH_INTERVAL = timedelta(minutes=1)


def _check_language(language: str) -> str:
    if language and language not in LANGUAGES:
        raise InvalidInput(
            _("Unknown language %(language)s; use en, ru or pl.") % {"language": language}, field="language"
        )
    return language


def set_own_language(user: User, *, language: str) -> User:
    """A signed-in person picks the language of the pages they see (and that their profile keeps)."""
    user.language = _check_language(language)
    user.save(update_fields=["language"])
    return user


def set_on_shift(user: User, *, on: bool) -> User:
    """An agent starts (``on``) or ends their shift: while on shift, teams that assign automatically give them
    tickets. Ending a shift leaves their tickets with them. Only agents have shifts."""
    if not actor_for(user).is_agent:
        raise InvalidInput(_("Only agents go on shift."), field="on")
    now = timezone.now()
    # Only a real change moves the time, so two clicks at once record one change.
    if User.objects.filter(pk=user.pk).exclude(is_on_shift=on).update(is_on_shift=on, shift_changed_at=now):
        user.is_on_shift, user.shift_changed_at = on, now
    else:
        user.refresh_from_db(fields=["is_on_shift", "shift_changed_at"])
    return user


def _access_changed(user: User) -> None:
    """Invalidate cached actors of ``user`` and keep the caller's instance current, so that an actor
    resolved from it right away already sees the change."""
    bump_access_version(user.pk)
    user.refresh_from_db(fields=["access_version"])


@transaction.atomic
def create_organization(
    brand: Brand, *, actor: Actor, name: str, domains: Sequence[str] = ()
) -> Organization:
    require(can_manage_customers(actor, brand.pk))
    name = name.strip()
    if not name:
        raise InvalidInput(_("An organization needs a name."), field="name")
    try:
        with transaction.atomic():
            return Organization.objects.create(
                brand=brand, name=name, domains=[d.strip().lower() for d in domains if d.strip()]
            )
    except IntegrityError:
        raise Conflict(
            _("An organization named %(name)s exists in this brand.") % {"name": name}, field="name"
        ) from None


def _add_contacts(customer: Customer, kind: ContactKind, values: Sequence[str]) -> None:
    for value in values:
        try:
            with transaction.atomic():
                CustomerContact.objects.create(
                    brand_id=customer.brand_id, customer=customer, kind=kind, value=value
                )
        except IntegrityError:
            raise _contact_taken(kind, value) from None


def _contact_taken(kind: str, value: str) -> Conflict:
    return Conflict(
        _("%(value)s belongs to another customer of this brand.") % {"value": value},
        field=f"{kind}s",
        value=value,
    )


def create_customer(
    brand: Brand,
    *,
    actor: Actor,
    name: str = "",
    emails: Sequence[str] = (),
    phones: Sequence[str] = (),
    language: str = "",
    organization: Organization | None = None,
    is_organization_manager: bool = False,
    user: User | None = None,
) -> Customer:
    """A new customer of ``brand``; every email and phone must be free in that brand."""
    require(can_manage_customers(actor, brand.pk))
    clean_emails = list(dict.fromkeys(normalize_email(e, field="emails") for e in emails))
    clean_phones = list(dict.fromkeys(normalize_phone(p, field="phones") for p in phones))
    if organization is not None and organization.brand_id != brand.pk:
        raise InvalidInput(_("The organization belongs to another brand."), field="organization")
    language = _check_language(language)
    contacts = [(ContactKind.EMAIL, e) for e in clean_emails] + [(ContactKind.PHONE, p) for p in clean_phones]
    try:
        # One savepoint for the customer and all their contacts (inside a caller's transaction): a taken
        # address or account rolls back just this.
        with transaction.atomic():
            customer = Customer.objects.create(
                brand=brand,
                user=user,
                name=name.strip()[:200],
                language=language,
                organization=organization,
                is_organization_manager=is_organization_manager and organization is not None,
                email=clean_emails[0] if clean_emails else "",
                phone=clean_phones[0] if clean_phones else "",
            )
            CustomerContact.objects.bulk_create(
                [
                    CustomerContact(brand_id=brand.pk, customer=customer, kind=kind, value=value)
                    for kind, value in contacts
                ]
            )
            if user is not None:
                _access_changed(user)
    except IntegrityError:
        for kind, value in contacts:
            if CustomerContact.objects.filter(brand_id=brand.pk, kind=kind, value=value).exists():
                raise _contact_taken(kind, value) from None
        raise Conflict(_("This account is already a customer of this brand."), field="user") from None
    return customer


def find_or_create_customer(
    brand: Brand, *, actor: Actor, email: str = "", phone: str = "", name: str = "", language: str = ""
) -> Customer:
    """The brand's customer with this email (or phone), created if new; safe when two callers race."""
    if not email and not phone:
        raise InvalidInput(_("A customer needs an email address or a phone number."), field="customer")
    kind, value = (
        (ContactKind.EMAIL, normalize_email(email)) if email else (ContactKind.PHONE, normalize_phone(phone))
    )
    existing = customer_by_contact(brand.pk, kind, value)
    if existing is not None:
        return existing
    return create_or_find_customer(brand, actor=actor, kind=kind, value=value, name=name, language=language)


def create_or_find_customer(
    brand: Brand, *, actor: Actor, kind: ContactKind, value: str, name: str = "", language: str = ""
) -> Customer:
    """A new customer with this normalized email or phone, or the one another process has just created: for a
    caller that looked the address up a moment ago and found no one."""
    if can_insert_at_once():
        require(can_manage_customers(actor, brand.pk))
        customer = Customer(
            brand=brand,
            name=name.strip()[:200],
            language=_check_language(language),
            email=value if kind == ContactKind.EMAIL else "",
            phone=value if kind == ContactKind.PHONE else "",
        )
        if insert_customer_with_contact(customer, kind, value):
            return customer
        found = customer_by_contact(brand.pk, kind, value)
        if found is None:
            raise _contact_taken(kind, value)
        return found
    try:
        return create_customer(
            brand,
            actor=actor,
            name=name,
            emails=[value] if kind == ContactKind.EMAIL else [],
            phones=[value] if kind == ContactKind.PHONE else [],
            language=language,
        )
    except Conflict:
        # Another process created the same customer in the meantime.
        found = customer_by_contact(brand.pk, kind, value)
        if found is None:
            raise
        return found


@transaction.atomic
def update_customer(
    customer: Customer,
    *,
    actor: Actor,
    name: str | None = None,
    language: str | None = None,
    organization: Organization | None | bool = False,
    is_organization_manager: bool | None = None,
    add_emails: Sequence[str] = (),
    add_phones: Sequence[str] = (),
) -> Customer:
    """Change a customer's details. ``organization=False`` leaves it alone; ``None`` removes it."""
    require(can_manage_customers(actor, customer.brand_id))
    fields: list[str] = []
    if name is not None:
        customer.name = name.strip()[:200]
        fields.append("name")
    if language is not None:
        customer.language = _check_language(language)
        fields.append("language")
    if organization is not False:
        if isinstance(organization, Organization) and organization.brand_id != customer.brand_id:
            raise InvalidInput(_("The organization belongs to another brand."), field="organization")
        customer.organization = organization if isinstance(organization, Organization) else None
        fields.append("organization")
    if is_organization_manager is not None:
        customer.is_organization_manager = is_organization_manager and customer.organization_id is not None
        fields.append("is_organization_manager")
    emails = [normalize_email(e, field="add_emails") for e in add_emails]
    phones = [normalize_phone(p, field="add_phones") for p in add_phones]
    _add_contacts(customer, ContactKind.EMAIL, emails)
    _add_contacts(customer, ContactKind.PHONE, phones)
    if emails and not customer.email:
        customer.email = emails[0]
        fields.append("email")
    if phones and not customer.phone:
        customer.phone = phones[0]
        fields.append("phone")
    if fields:
        customer.save(update_fields=[*fields, "updated_at"])
    if customer.user_id and {"organization", "is_organization_manager"} & set(fields):
        # Refresh the account object the caller may hold; otherwise a bump in the database is enough.
        account = customer.user if Customer.user.is_cached(customer) else None
        if account is not None:
            _access_changed(account)
        else:
            bump_access_version(customer.user_id)
    return customer


@transaction.atomic
def create_user(*, email: str, name: str = "", password: str | None = None, language: str = "") -> User:
    email = normalize_email(email)
    language = _check_language(language)
    if User.objects.filter(email__iexact=email).exists():
        raise Conflict(_("A user with %(email)s exists.") % {"email": email}, field="email")
    try:
        with transaction.atomic():
            return User.objects.create_user(email, password, name=name.strip()[:200], language=language)
    except IntegrityError:
        # Created by someone else between the check and the insert.
        raise Conflict(_("A user with %(email)s exists.") % {"email": email}, field="email") from None


@transaction.atomic
def add_agent_membership(
    user: User,
    *,
    actor: Actor,
    brand: Brand,
    line: int = SupportLine.FIRST,
    role: str = AgentRole.AGENT,
) -> AgentMembership:
    require(can_configure_brand(actor, brand.pk))
    if line not in SupportLine.values:
        raise InvalidInput(_("The support line is 1, 2 or 3."), field="line")
    if role not in AgentRole.values:
        raise InvalidInput(_("The role is agent or brand_admin."), field="role")
    membership, _created = AgentMembership.objects.update_or_create(
        user=user, brand=brand, defaults={"line": line, "role": role}
    )
    _access_changed(user)
    return membership


@transaction.atomic
def create_team(
    *, actor: Actor, name: str, brand: Brand | None, line: int = 1, members: Sequence[User] = ()
) -> Team:
    require(
        actor.is_provider_admin or actor.is_system if brand is None else can_configure_brand(actor, brand.pk)
    )
    name = " ".join(name.split())
    if not name or len(name) > 200:
        raise InvalidInput(_("A team needs a name of at most 200 characters."), field="name")
    if line not in SupportLine.values:
        raise InvalidInput(_("The support line is 1, 2 or 3."), field="line")
    try:
        with transaction.atomic():
            team = Team.objects.create(brand=brand, name=name, line=line)
    except IntegrityError:
        raise Conflict(_("A team named %(name)s exists.") % {"name": name}, field="name") from None
    if members:
        team.members.add(*members)
    return team


def _hash_key(raw: str) -> str:
    return hashlib.sha256(raw.encode()).hexdigest()


@transaction.atomic
def create_api_token(user: User, *, name: str = "") -> tuple[ApiToken, str]:
    """A new token; the raw key is returned once and never stored."""
    raw = TOKEN_PREFIX + secrets.token_urlsafe(32)
    token = ApiToken.objects.create(user=user, name=name[:100], prefix=raw[:10], key_hash=_hash_key(raw))
    return token, raw


def revoke_api_token(token: ApiToken, *, actor: Actor) -> ApiToken:
    require(actor.is_provider_admin or actor.user_id == token.user_id)
    ApiToken.objects.filter(pk=token.pk, revoked_at__isnull=True).update(revoked_at=timezone.now())
    forget_tokens([token.key_hash])
    token.refresh_from_db(fields=["revoked_at"])
    return token


def user_for_token(raw: str) -> User | None:
    """The active user a bearer token belongs to, or None for an unknown or revoked token."""
    found = authenticate_token(raw)
    return found[0] if found is not None else None


# A token look-up as the caches keep it: token id, when it was last used, its user and their actor.
_CachedToken = tuple[int, Any, User, Actor]


def _remember(key_hash: str, cached: _CachedToken) -> None:
    token_id, last_used_at, user, actor = cached
    remember_token(key_hash, (token_id, last_used_at, copy.copy(user), actor))


def authenticate_token(raw: str) -> tuple[User, Actor] | None:
    """The active user of a bearer token and their actor, or None for an unknown or revoked token.

    With a shared cache (``FRONTDESK_TOKEN_CACHE_SECONDS``) a token seen recently costs no query: revoking it,
    and every change of its user's access, removes it from the cache (``forget_tokens``). On top of that, each
    process keeps what it looked up for ``FRONTDESK_TOKEN_MEMORY_SECONDS`` (2 s) and asks the shared cache
    nothing meanwhile: a token revoked in one process stops working there at once and in the others within
    those seconds.
    """
    if not raw.startswith(TOKEN_PREFIX) or len(raw) > 200:
        return None
    key_hash = _hash_key(raw)
    seconds = settings.FRONTDESK_TOKEN_CACHE_SECONDS
    cached: _CachedToken | None = None
    if seconds:
        cached = cast("_CachedToken | None", recall_token(key_hash))
        if cached is None:
            cached = cache.get(token_cache_key(key_hash))
            if cached is not None:
                _remember(key_hash, cached)
    if cached is None:
        token = (
            ApiToken.objects.select_related("user")
            .filter(key_hash=key_hash, revoked_at__isnull=True, user__is_active=True)
            .first()
        )
        if token is None:
            return None
        cached = (token.pk, token.last_used_at, token.user, actor_for(token.user))
        if seconds:
            cache.set(token_cache_key(key_hash), cached, seconds)
            _remember(key_hash, cached)
    token_id, last_used_at, user, actor = cached
    # Each request gets a user instance of its own, as it would from the shared cache.
    user = copy.copy(user)
    now = timezone.now()
    if last_used_at is None or last_used_at < now - TOKEN_TOUCH_INTERVAL:
        # At most one write a minute per token, and none when another request already wrote it.
        ApiToken.objects.filter(pk=token_id).filter(
            Q(last_used_at__isnull=True) | Q(last_used_at__lt=now - TOKEN_TOUCH_INTERVAL)
        ).update(last_used_at=now)
        if seconds:
            cache.set(token_cache_key(key_hash), (token_id, now, user, actor), seconds)
            _remember(key_hash, (token_id, now, user, actor))
    return user, actor


# Saved ticket views ---------------------------------------------------------------------------------------

MAX_VIEW_FILTERS_BYTES = 4000
_KEEP: Any = object()


def _clean_view_name(name: str) -> str:
    name = " ".join(name.split())
    if not name or len(name) > 120:
        raise InvalidInput(_("A view needs a name of at most 120 characters."), field="name")
    return name


def _clean_view_filters(filters: Mapping[str, Any]) -> dict[str, Any]:
    """Filters are the caller's (``tickets.queues`` writes and reads them); here only their shape and size.
    Whatever ids they hold are filters inside the agent's own scope when the view is opened."""
    if not isinstance(filters, Mapping) or not all(isinstance(k, str) for k in filters):
        raise InvalidInput(_("The filters of a view are a set of named values."), field="filters")
    try:
        size = len(json.dumps(dict(filters)))
    except (TypeError, ValueError):
        raise InvalidInput(_("The filters of a view are a set of named values."), field="filters") from None
    if size > MAX_VIEW_FILTERS_BYTES:
        raise InvalidInput(_("The view has too many filters."), field="filters")
    return dict(filters)


def _check_view_brand(actor: Actor, brand: Brand | None, shared: bool) -> None:
    if brand is not None:
        require(actor.serves(brand.pk))
    if shared and brand is None:
        raise InvalidInput(_("Choose the brand whose agents will see the shared view."), field="brand")


def _may_change_view(actor: Actor, view: SavedView) -> bool:
    """The owner, and for a shared view the admins of its brand."""
    if view.owner_id == actor.user_id:
        return view.brand_id is None or actor.serves(view.brand_id)
    return view.is_shared and view.brand_id is not None and actor.administers(view.brand_id)


def _save_view(view: SavedView, *, fields: Sequence[str] | None = None) -> SavedView:
    try:
        with transaction.atomic():
            if fields is None:
                view.save(force_insert=True)
            else:
                view.save(update_fields=[*fields, "updated_at"])
    except IntegrityError:
        raise Conflict(
            _("You already have a view named %(name)s.") % {"name": view.name}, field="name"
        ) from None
    return view


def create_saved_view(
    *,
    actor: Actor,
    name: str,
    filters: Mapping[str, Any],
    brand: Brand | None = None,
    shared: bool = False,
) -> SavedView:
    """A named ticket list for the agent; shared with the agents of ``brand`` when ``shared``."""
    owner_id = actor.user_id
    require(actor.is_agent and owner_id is not None)
    assert owner_id is not None  # for the type checker: ``require`` refused otherwise
    _check_view_brand(actor, brand, shared)
    view = SavedView(
        owner_id=owner_id,
        brand=brand,
        name=_clean_view_name(name),
        is_shared=shared,
        filters=_clean_view_filters(filters),
    )
    return _save_view(view)


def update_saved_view(
    view: SavedView,
    *,
    actor: Actor,
    name: str = _KEEP,
    filters: Mapping[str, Any] = _KEEP,
    brand: Brand | None = _KEEP,
    shared: bool = _KEEP,
) -> SavedView:
    """Rename, refilter, move or (un)share a view; omitted fields stay. Only its owner, or for a shared view
    an admin of its brand, may change it."""
    require(_may_change_view(actor, view))
    changes: dict[str, Any] = {}
    if name is not _KEEP:
        changes["name"] = _clean_view_name(name)
    if filters is not _KEEP:
        changes["filters"] = _clean_view_filters(filters)
    if brand is not _KEEP:
        changes["brand"] = brand
    if shared is not _KEEP:
        changes["is_shared"] = shared
    new_brand: Brand | None = changes.get("brand", view.brand)
    new_shared: bool = changes.get("is_shared", view.is_shared)
    _check_view_brand(actor, new_brand, new_shared)
    if new_shared and view.owner_id != actor.user_id:
        require(new_brand is not None and actor.administers(new_brand.pk))
    # Checked first, changed after: a refused change leaves the caller's instance as it was.
    for attribute, value in changes.items():
        setattr(view, attribute, value)
    fields = list(changes)
    return _save_view(view, fields=fields) if fields else view


def delete_saved_view(view: SavedView, *, actor: Actor) -> None:
    require(_may_change_view(actor, view))
    SavedView.objects.filter(pk=view.pk).delete()


# Contacts -------------------------------------------------------------------------------------------------


@transaction.atomic
def remove_customer_contacts(customer: Customer, *, actor: Actor, contact_ids: Sequence[int]) -> Customer:
    """Take emails or phones off a customer (ids of other customers' contacts are ignored). The address shown
    as the customer's email or phone moves to the next one they have, or is cleared."""
    require(can_manage_customers(actor, customer.brand_id))
    # The customer row is locked so that two removals do not each leave the other's address as the primary.
    locked = Customer.objects.select_for_update().only("id", "email", "phone").get(pk=customer.pk)
    CustomerContact.objects.filter(customer_id=customer.pk, pk__in=sorted(set(contact_ids))).delete()
    left = list(
        CustomerContact.objects.filter(customer_id=customer.pk).order_by("id").values_list("kind", "value")
    )
    fields = []
    for attribute, kind in (("email", ContactKind.EMAIL), ("phone", ContactKind.PHONE)):
        values = [value for k, value in left if k == kind]
        current = getattr(locked, attribute)
        if current not in values:
            setattr(customer, attribute, values[0] if values else "")
            fields.append(attribute)
        else:
            setattr(customer, attribute, current)
    if fields:
        customer.save(update_fields=[*fields, "updated_at"])
    return customer


# Portal accounts ------------------------------------------------------------------------------------------

# How long the sign-in link in an acknowledgement works.
SIGNIN_LINK_DAYS = 7
_SIGNIN_SALT = "frontdesk.users.signin-link"


def link_customer_account(brand: Brand, *, user: User, language: str = "") -> Customer | None:
    """The brand's customer for a person signed in to its portal with a confirmed address: their record there,
    else the record with their address (given their account if it has none), else a new one. None when that
    address belongs to a customer of the brand who already has another account.

    Call only once the person has proved they receive mail at ``user.email``: the record may hold tickets."""
    own = Customer.objects.filter(brand_id=brand.pk, user_id=user.pk).first()
    if own is not None:
        return own
    email = normalize_email(user.email)
    found = customer_by_contact(brand.pk, ContactKind.EMAIL, email, related=())
    if found is None:
        try:
            return create_customer(
                brand,
                actor=SYSTEM,
                name=user.name,
                emails=[email],
                language=language if language in LANGUAGES else "",
                user=user,
            )
        except Conflict:
            # Created meanwhile by mail or by another request of this person.
            found = customer_by_contact(brand.pk, ContactKind.EMAIL, email, related=())
            if found is None:
                return Customer.objects.filter(brand_id=brand.pk, user_id=user.pk).first()
    if found.user_id is None:
        try:
            with transaction.atomic():
                taken = Customer.objects.filter(pk=found.pk, user__isnull=True).update(
                    user=user, updated_at=timezone.now()
                )
        except IntegrityError:
            # This account got a record in the brand meanwhile.
            return Customer.objects.filter(brand_id=brand.pk, user_id=user.pk).first()
        if taken:
            _access_changed(user)
            found.user = user
            return found
        found.refresh_from_db(fields=["user"])
    return found if found.user_id == user.pk else None


def _signin_hash(customer: Customer, timestamp: int) -> str:
    # The customer's account (none yet) is part of the hash: once the link has made one, it no longer works.
    state = f"{customer.pk}:{customer.brand_id}:{customer.email}:{customer.user_id}:{timestamp}"
    return salted_hmac(_SIGNIN_SALT, state, algorithm="sha256").hexdigest()[:32]


def signin_link_token(customer: Customer) -> str:
    """A token for a sign-in link to the customer's portal: it works once, for ``SIGNIN_LINK_DAYS``, and only
    while the customer has no account (the link makes one)."""
    timestamp = int(timezone.now().timestamp())
    return f"{int_to_base36(customer.pk)}-{int_to_base36(timestamp)}-{_signin_hash(customer, timestamp)}"


def customer_for_signin_token(brand: Brand, token: str) -> Customer | None:
    """The brand's customer a sign-in link was made for, if the link is genuine, recent and unused."""
    try:
        customer_part, time_part, digest = token.split("-")
        customer_id, timestamp = base36_to_int(customer_part), base36_to_int(time_part)
    except ValueError:
        return None
    age = timezone.now().timestamp() - timestamp
    if not 0 <= age <= SIGNIN_LINK_DAYS * 86400:
        return None
    customer = Customer.objects.filter(pk=customer_id, brand_id=brand.pk).first()
    if customer is None or not constant_time_compare(digest, _signin_hash(customer, timestamp)):
        return None
    return customer if customer.user_id is None and customer.email else None


def account_for_signin_link(customer: Customer) -> User | None:
    """The account a sign-in link signs in as: the person with the customer's address (created if new), given
    the customer record. None for an account that must sign in with its password and second factor (agents,
    staff, and anyone with an authenticator), and for a disabled account."""
    email = normalize_email(customer.email)
    user = User.objects.filter(email__iexact=email).first()
    if user is None:
        try:
            user = create_user(email=email, name=customer.name, language=customer.language)
        except Conflict:
            user = User.objects.filter(email__iexact=email).first()
            if user is None:
                return None
        user.set_unusable_password()
        user.save(update_fields=["password"])
    if not user.is_active or user.is_staff or user.is_provider_admin or actor_for(user).is_agent:
        return None
    from allauth.mfa.models import Authenticator

    if Authenticator.objects.filter(user_id=user.pk).exists():
        return None
    linked = link_customer_account(customer.brand, user=user)
    return user if linked is not None and linked.pk == customer.pk else None
