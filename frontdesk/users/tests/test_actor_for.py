"""actor_for: who a signed-in person is, cached, and current the moment their access changes."""

from __future__ import annotations

from frontdesk.users.actions import add_agent_membership, create_customer, update_customer
from frontdesk.users.actors import NOBODY, SYSTEM, actor_for
from frontdesk.users.choices import ActorKind, AgentRole
from frontdesk.users.models import User


def test_agents_customers_and_outsiders_resolve_to_their_kind(cast):
    agent = actor_for(cast.opera.line2)
    customer = actor_for(cast.opera.customer_user)

    assert (agent.kind, agent.agent_lines, agent.admin_brand_ids) == (
        ActorKind.AGENT,
        {cast.opera.brand.pk: 2},
        frozenset(),
    )
    assert actor_for(cast.opera.admin).admin_brand_ids == {cast.opera.brand.pk}
    assert (customer.kind, customer.customer_ids) == (
        ActorKind.CUSTOMER,
        {cast.opera.brand.pk: cast.opera.customer.pk},
    )
    assert actor_for(cast.outsider).kind == ActorKind.NOBODY
    assert actor_for(cast.provider_admin).sees_all_brands
    assert actor_for(None) is NOBODY


def test_an_inactive_user_is_nobody(cast):
    user = cast.opera.line1
    user.is_active = False

    assert actor_for(user) is NOBODY


def test_the_actor_is_cached_and_a_new_membership_is_seen_at_once(cast, django_assert_num_queries):
    user = cast.outsider
    actor_for(user)
    with django_assert_num_queries(0):
        assert actor_for(user).kind == ActorKind.NOBODY

    add_agent_membership(user, actor=SYSTEM, brand=cast.tours.brand, line=1, role=AgentRole.BRAND_ADMIN)

    for current in (user, User.objects.get(pk=user.pk)):
        actor = actor_for(current)
        assert (actor.kind, actor.agent_lines) == (ActorKind.AGENT, {cast.tours.brand.pk: 1})
        assert actor.administers(cast.tours.brand.pk)


def test_becoming_a_customer_or_a_manager_is_seen_at_once(cast):
    user = cast.outsider
    assert actor_for(user).customer_ids == {}

    customer = create_customer(cast.opera.brand, actor=SYSTEM, emails=[user.email], user=user)
    assert actor_for(user).customer_ids == {cast.opera.brand.pk: customer.pk}

    update_customer(
        customer, actor=SYSTEM, organization=cast.opera.organization, is_organization_manager=True
    )
    assert actor_for(User.objects.get(pk=user.pk)).managed_organization_ids == {cast.opera.organization.pk}


def test_an_account_that_gets_an_old_id_again_does_not_inherit_the_cached_actor(cast):
    old = cast.opera.line1
    assert actor_for(old).serves(cast.opera.brand.pk)
    pk = old.pk
    User.objects.filter(pk=pk).delete()

    # A recreated or restored database may hand out the same id, with the same access version, again.
    newcomer = User.objects.create_user(
        "newcomer@example.com", "x", pk=pk, name="Newcomer", access_version=old.access_version
    )

    assert actor_for(newcomer).kind == ActorKind.NOBODY


def test_a_request_asks_the_cache_for_its_actor_once(cast, client, monkeypatch):
    """The view, the page's notification bell and the rest ask for the actor of the same user object: it keeps
    the answer for the request instead of asking the cache each time."""
    from frontdesk.testing.cast import PASSWORD
    from frontdesk.users import actors

    asked: list[str] = []
    real_get = actors.cache.get

    def get(key, *args, **kwargs):
        if str(key).startswith("actor:"):
            asked.append(key)
        return real_get(key, *args, **kwargs)

    assert client.login(email=cast.opera.line1.email, password=PASSWORD)
    ticket = cast.opera.ticket()
    client.get(f"/desk/tickets/{ticket.number}/")  # the actor is in the cache now
    monkeypatch.setattr(actors.cache, "get", get)
    assert client.get(f"/desk/tickets/{ticket.number}/").status_code == 200
    assert len(asked) == 1


def test_a_user_object_forgets_its_actor_after_a_moment(cast, monkeypatch):
    """A socket holds its user for hours: what it remembers expires, and the cache (or the database) is asked
    again."""
    from frontdesk.users import actors

    user = User.objects.get(pk=cast.opera.line1.pk)
    first = actor_for(user)
    assert actor_for(user) is first
    now = actors.time.monotonic()
    monkeypatch.setattr(actors.time, "monotonic", lambda: now + actors.REQUEST_MEMO_SECONDS + 1)
    monkeypatch.setattr(actors.cache, "get", lambda key, *a, **k: None)
    assert actor_for(user) is not first
    assert actor_for(user) == first
