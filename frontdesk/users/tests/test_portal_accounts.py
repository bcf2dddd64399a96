"""Portal accounts: a signed-in person becomes the customer of the brand whose portal they use, and the sign-in
link of an acknowledgement works once, for a while, for that customer only."""

from __future__ import annotations

from datetime import timedelta

import time_machine
from django.utils import timezone

from frontdesk.users import actions as user_actions
from frontdesk.users.actors import SYSTEM, actor_for
from frontdesk.users.models import Customer, User


def _mail_customer(brand, email="anna@mail.example", name="Anna"):
    """A customer who wrote by mail and has no account."""
    return user_actions.find_or_create_customer(brand, actor=SYSTEM, email=email, name=name)


def test_signed_in_person_with_an_existing_record_gets_that_record(cast):
    customer = _mail_customer(cast.opera.brand)
    user = user_actions.create_user(email="Anna@mail.example", password="x" * 12)
    linked = user_actions.link_customer_account(cast.opera.brand, user=user)
    assert linked.pk == customer.pk
    customer.refresh_from_db()
    assert customer.user_id == user.pk
    assert actor_for(user).customer_ids == {cast.opera.brand.pk: customer.pk}


def test_signed_in_person_without_a_record_gets_a_new_one_in_that_brand_only(cast):
    user = user_actions.create_user(email="new@mail.example", name="New Person")
    linked = user_actions.link_customer_account(cast.tours.brand, user=user, language="pl")
    assert linked.brand_id == cast.tours.brand.pk
    assert (linked.email, linked.name, linked.language) == ("new@mail.example", "New Person", "pl")
    assert not Customer.objects.filter(brand=cast.opera.brand, user=user).exists()
    # Asked again, the same record.
    assert user_actions.link_customer_account(cast.tours.brand, user=user).pk == linked.pk


def test_address_of_a_customer_with_another_account_is_not_taken_over(cast):
    other = user_actions.create_user(email="someone@mail.example")
    record = user_actions.create_customer(
        cast.opera.brand, actor=SYSTEM, emails=["shared@mail.example"], user=other
    )
    user = user_actions.create_user(email="shared@mail.example")
    assert user_actions.link_customer_account(cast.opera.brand, user=user) is None
    record.refresh_from_db()
    assert record.user_id == other.pk


def test_signin_link_opens_once_for_its_customer_and_brand(cast):
    customer = _mail_customer(cast.opera.brand)
    token = user_actions.signin_link_token(customer)
    assert user_actions.customer_for_signin_token(cast.tours.brand, token) is None
    assert user_actions.customer_for_signin_token(cast.opera.brand, token) == customer
    user = user_actions.account_for_signin_link(customer)
    assert user.email == "anna@mail.example"
    assert not user.has_usable_password()
    # Used: the customer has an account now, and the link is spent.
    assert user_actions.customer_for_signin_token(cast.opera.brand, token) is None


def test_signin_link_expires_and_cannot_be_forged(cast):
    customer = _mail_customer(cast.opera.brand)
    token = user_actions.signin_link_token(customer)
    # Another last character (a token that ends in "0" would otherwise be "forged" into itself).
    forged = token[:-1] + ("1" if token.endswith("0") else "0")
    assert user_actions.customer_for_signin_token(cast.opera.brand, forged) is None
    assert user_actions.customer_for_signin_token(cast.opera.brand, "garbage") is None
    with time_machine.travel(timezone.now() + timedelta(days=user_actions.SIGNIN_LINK_DAYS, hours=1)):
        assert user_actions.customer_for_signin_token(cast.opera.brand, token) is None


def test_signin_link_never_signs_in_an_agent(cast):
    agent = cast.opera.line1
    customer = _mail_customer(cast.tours.brand, email=agent.email)
    assert user_actions.account_for_signin_link(customer) is None
    customer.refresh_from_db()
    assert customer.user_id is None
    assert User.objects.filter(email=agent.email).count() == 1


def test_signin_link_never_signs_in_someone_with_a_second_factor(cast):
    from allauth.mfa.models import Authenticator

    customer = _mail_customer(cast.opera.brand, email="careful@mail.example")
    user = user_actions.create_user(email="careful@mail.example")
    Authenticator.objects.create(user=user, type=Authenticator.Type.TOTP, data={"secret": "x"})
    assert user_actions.account_for_signin_link(customer) is None
    customer.refresh_from_db()
    assert customer.user_id is None
