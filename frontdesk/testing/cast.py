"""The cast every isolation test uses: two look-alike brands, their people, a provider admin and an outsider."""

from __future__ import annotations

from dataclasses import dataclass, field

from frontdesk.brands.actions import create_brand
from frontdesk.brands.models import Brand
from frontdesk.tickets import actions as ticket_actions
from frontdesk.tickets.choices import Channel
from frontdesk.tickets.content import make_body
from frontdesk.tickets.models import Ticket
from frontdesk.users import actions as user_actions
from frontdesk.users.actors import SYSTEM, Actor, actor_for
from frontdesk.users.choices import AgentRole
from frontdesk.users.models import Customer, Organization, User

PASSWORD = "frontdesk-test-pass"


@dataclass
class BrandCast:
    brand: Brand
    line1: User
    line2: User
    admin: User
    customer_user: User
    customer: Customer
    colleague_user: User
    colleague: Customer
    organization: Organization

    def ticket(self, subject: str = "Tickets not received", *, by: Customer | None = None) -> Ticket:
        """A ticket filed through the web form by the customer (or ``by``)."""
        customer = by or self.customer
        actor = actor_for(customer.user) if customer.user else SYSTEM
        return ticket_actions.create_ticket(
            self.brand,
            actor=actor,
            customer=customer,
            subject=subject,
            body=make_body(text="Hello, my e-tickets did not arrive."),
            channel=Channel.WEB,
        )


@dataclass
class Cast:
    opera: BrandCast
    tours: BrandCast
    provider_admin: User
    outsider: User
    extra: dict[str, object] = field(default_factory=dict)

    @staticmethod
    def actor(user: User) -> Actor:
        return actor_for(user)


def _user(email: str, name: str) -> User:
    return user_actions.create_user(email=email, name=name, password=PASSWORD)


def _brand_cast(slug: str, name: str, prefix: str) -> BrandCast:
    brand = create_brand(name=name, slug=slug, ticket_prefix=prefix, languages=["ru", "en"])
    line1, line2, admin = (
        _user(f"{r}@{slug}.example", f"{r.title()} {name}") for r in ("line1", "line2", "admin")
    )
    user_actions.add_agent_membership(line1, actor=SYSTEM, brand=brand, line=1)
    user_actions.add_agent_membership(line2, actor=SYSTEM, brand=brand, line=2)
    user_actions.add_agent_membership(admin, actor=SYSTEM, brand=brand, line=1, role=AgentRole.BRAND_ADMIN)
    organization = user_actions.create_organization(brand, actor=SYSTEM, name=f"{name} Partners")
    customer_user = _user(f"customer@{slug}-mail.example", f"Customer of {name}")
    colleague_user = _user(f"colleague@{slug}-mail.example", f"Colleague of {name}")
    customer = user_actions.create_customer(
        brand,
        actor=SYSTEM,
        name=customer_user.name,
        emails=[customer_user.email],
        user=customer_user,
        organization=organization,
    )
    colleague = user_actions.create_customer(
        brand,
        actor=SYSTEM,
        name=colleague_user.name,
        emails=[colleague_user.email],
        user=colleague_user,
        organization=organization,
    )
    return BrandCast(
        brand, line1, line2, admin, customer_user, customer, colleague_user, colleague, organization
    )


def make_cast() -> Cast:
    opera = _brand_cast("opera", "Opera Box Office", "OPR")
    tours = _brand_cast("opera-tours", "Opera Tours", "OPT")
    provider_admin = User.objects.create_superuser("root@provider.example", PASSWORD, name="Provider Admin")
    outsider = _user("outsider@nowhere.example", "Outsider")
    return Cast(opera=opera, tours=tours, provider_admin=provider_admin, outsider=outsider)
