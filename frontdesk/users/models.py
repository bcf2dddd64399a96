"""People: one ``User`` per person; ``Customer`` per brand served; agents by ``AgentMembership``."""

from __future__ import annotations

from typing import Any, ClassVar

from django.contrib.auth.models import AbstractBaseUser, BaseUserManager, PermissionsMixin
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from frontdesk.brands.models import Brand
from frontdesk.core.models import TimestampedModel
from frontdesk.users.choices import AgentRole, AssignmentMode, ContactKind, CustomerTier, SupportLine


class UserManager(BaseUserManager["User"]):
    use_in_migrations = True

    def create_user(self, email: str, password: str | None = None, **extra: Any) -> User:
        if not email:
            raise ValueError("An email address is required.")
        user = self.model(email=self.normalize_email(email).lower(), **extra)
        user.set_password(password)
        user.save(using=self._db)
        return user

    def create_superuser(self, email: str, password: str | None = None, **extra: Any) -> User:
        extra.update(is_staff=True, is_superuser=True, is_provider_admin=True)
        return self.create_user(email, password, **extra)


class User(AbstractBaseUser, PermissionsMixin):
    """A person who can sign in: an agent, a customer, or both (in different brands)."""

    email = models.EmailField(_("email"), max_length=254, unique=True)
    name = models.CharField(_("name"), max_length=200, blank=True)
    language = models.CharField(_("language"), max_length=8, blank=True)
    time_zone = models.CharField(_("time zone"), max_length=64, blank=True)
    is_active = models.BooleanField(_("active"), default=True)
    # Staff status opens the Django admin; what is shown there is still scoped by brand.
    is_staff = models.BooleanField(_("staff"), default=False)
    # Provider admins see and configure every brand.
    is_provider_admin = models.BooleanField(_("provider admin"), default=False)
    date_joined = models.DateTimeField(_("joined"), default=timezone.now)
    # Bumped whenever what this person may reach changes; keys the cached ``Actor``.
    access_version = models.PositiveIntegerField(default=0, editable=False)
    # An agent on shift takes automatically assigned tickets; set by the agent in the desk.
    is_on_shift = models.BooleanField(_("on shift"), default=False)
    shift_changed_at = models.DateTimeField(_("shift changed"), null=True, blank=True)

    objects: ClassVar[UserManager] = UserManager()

    USERNAME_FIELD = "email"
    EMAIL_FIELD = "email"
    REQUIRED_FIELDS: ClassVar[list[str]] = ["name"]

    class Meta:
        ordering = ["email"]
        verbose_name = _("user")
        verbose_name_plural = _("users")

    def __str__(self) -> str:
        return self.name or self.email

    def get_full_name(self) -> str:
        return self.name or self.email

    def get_short_name(self) -> str:
        return self.name.split(" ")[0] if self.name else self.email


class Organization(TimestampedModel):
    """A B2B customer company inside one brand."""

    brand = models.ForeignKey(Brand, on_delete=models.PROTECT, related_name="+")
    name = models.CharField(_("name"), max_length=200)
    domains = models.JSONField(_("mail domains"), default=list, blank=True)
    notes = models.TextField(_("notes"), blank=True)
    # The service tier of the company's people (a customer's own tier, when set, comes first).
    tier = models.CharField(_("tier"), max_length=16, choices=CustomerTier.choices, blank=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("organization")
        verbose_name_plural = _("organizations")
        constraints = [models.UniqueConstraint("brand", "name", name="organization_brand_name_unique")]
        indexes = [models.Index(fields=["brand", "name"])]

    def __str__(self) -> str:
        return self.name


class Customer(TimestampedModel):
    """A person served by one brand. Signs in through ``user`` once they have an account."""

    brand = models.ForeignKey(Brand, on_delete=models.PROTECT, related_name="+")
    user = models.ForeignKey(User, null=True, blank=True, on_delete=models.SET_NULL, related_name="customers")
    name = models.CharField(_("name"), max_length=200, blank=True)
    language = models.CharField(_("language"), max_length=8, blank=True)
    organization = models.ForeignKey(
        Organization, null=True, blank=True, on_delete=models.SET_NULL, related_name="members"
    )
    # Managers see every ticket of their organization.
    is_organization_manager = models.BooleanField(_("organization manager"), default=False)
    # The primary address, copied from the contacts for display and notifications.
    email = models.EmailField(_("email"), blank=True)
    phone = models.CharField(_("phone"), max_length=32, blank=True)
    notes = models.TextField(_("notes"), blank=True)
    # Empty: the organization's tier, else standard.
    tier = models.CharField(_("tier"), max_length=16, choices=CustomerTier.choices, blank=True)

    class Meta:
        ordering = ["name", "id"]
        verbose_name = _("customer")
        verbose_name_plural = _("customers")
        constraints = [
            models.UniqueConstraint(
                "brand", "user", name="customer_brand_user_unique", condition=models.Q(user__isnull=False)
            ),
        ]
        indexes = [models.Index(fields=["brand", "name"]), models.Index(fields=["organization"])]

    def __str__(self) -> str:
        return self.name or self.email or self.phone or f"#{self.pk}"


class CustomerContact(models.Model):
    """An email address or phone number of a customer; unique within the brand."""

    # No index of its own: the unique (brand, kind, value) index leads with the brand.
    brand = models.ForeignKey(Brand, on_delete=models.PROTECT, related_name="+", db_index=False)
    customer = models.ForeignKey(Customer, on_delete=models.CASCADE, related_name="contacts")
    kind = models.CharField(max_length=8, choices=ContactKind.choices)
    value = models.CharField(max_length=254)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["kind", "id"]
        constraints = [
            models.UniqueConstraint("brand", "kind", "value", name="customer_contact_unique"),
        ]

    def __str__(self) -> str:
        return self.value


class Team(TimestampedModel):
    """A queue of work, for one brand or shared by all, on one support line."""

    brand = models.ForeignKey(Brand, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    name = models.CharField(_("name"), max_length=200)
    line = models.PositiveSmallIntegerField(_("support line"), choices=SupportLine.choices, default=1)
    members = models.ManyToManyField(User, blank=True, related_name="teams")
    lead = models.ForeignKey(User, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    # How new tickets of the team find an agent; ``last_assigned`` is where round robin goes on from.
    assignment = models.CharField(
        _("assignment"), max_length=16, choices=AssignmentMode.choices, default=AssignmentMode.MANUAL
    )
    max_open_per_agent = models.PositiveSmallIntegerField(
        _("most open tickets per agent"), null=True, blank=True, help_text=_("Empty: no limit.")
    )
    last_assigned = models.ForeignKey(
        User, null=True, blank=True, on_delete=models.SET_NULL, related_name="+", editable=False
    )

    class Meta:
        ordering = ["name"]
        verbose_name = _("team")
        verbose_name_plural = _("teams")
        constraints = [models.UniqueConstraint("brand", "name", name="team_brand_name_unique")]

    def __str__(self) -> str:
        return self.name


class AgentMembership(TimestampedModel):
    """An agent serving one brand: their line there and their role."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="memberships")
    brand = models.ForeignKey(Brand, on_delete=models.CASCADE, related_name="+")
    line = models.PositiveSmallIntegerField(_("support line"), choices=SupportLine.choices, default=1)
    role = models.CharField(_("role"), max_length=16, choices=AgentRole.choices, default=AgentRole.AGENT)

    class Meta:
        ordering = ["brand_id", "user_id"]
        verbose_name = _("agent membership")
        verbose_name_plural = _("agent memberships")
        constraints = [models.UniqueConstraint("user", "brand", name="agent_membership_unique")]

    def __str__(self) -> str:
        return f"{self.user} @ {self.brand_id}"


class ApiToken(models.Model):
    """A bearer token for the API. Only its SHA-256 is stored; revoked tokens stay for the record."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="api_tokens")
    name = models.CharField(_("name"), max_length=100, blank=True)
    prefix = models.CharField(max_length=12)
    key_hash = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(default=timezone.now)
    last_used_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("API token")
        verbose_name_plural = _("API tokens")

    def __str__(self) -> str:
        return f"{self.prefix}… ({self.name or self.user_id})"


class SavedView(TimestampedModel):
    """A ticket list an agent named: a queue with filters and a sort. Shared views are offered to every agent
    of their brand; personal ones to their owner only."""

    # Indexed by the unique (owner, name) constraint.
    owner = models.ForeignKey(User, on_delete=models.CASCADE, related_name="+", db_index=False)
    # Set for shared views: whose agents see it, and the brand its list stays within.
    brand = models.ForeignKey(Brand, null=True, blank=True, on_delete=models.CASCADE, related_name="+")
    name = models.CharField(_("name"), max_length=120)
    is_shared = models.BooleanField(_("shared"), default=False)
    # The queue, filters and sort, as ``tickets.queues.QueueFilters.to_json`` writes them.
    filters = models.JSONField(_("filters"), default=dict, blank=True)

    class Meta:
        ordering = ["name", "id"]
        verbose_name = _("saved view")
        verbose_name_plural = _("saved views")
        constraints = [
            models.UniqueConstraint(fields=["owner", "name"], name="saved_view_owner_name_unique"),
            models.CheckConstraint(
                condition=models.Q(is_shared=False) | models.Q(brand__isnull=False),
                name="saved_view_shared_has_brand",
            ),
        ]

    def __str__(self) -> str:
        return self.name
