"""allauth's mail from a brand's portal (sign-in codes, password resets, address confirmations) in the brand's
name, from its sender address, with links back into its portal. Elsewhere (the desk) allauth's defaults."""

from __future__ import annotations

from types import SimpleNamespace
from typing import Any
from urllib.parse import quote

from allauth.account.adapter import DefaultAccountAdapter
from allauth.core import context as allauth_context

from frontdesk.mail.outbound import portal_url, sender_for
from frontdesk.portal.site import Portal


def _portal() -> Portal | None:
    request = getattr(allauth_context, "request", None)
    portal = getattr(request, "portal", None)
    return portal if isinstance(portal, Portal) else None


class PortalAccountAdapter(DefaultAccountAdapter):  # type: ignore[misc]
    def format_email_subject(self, subject: str) -> str:
        portal = _portal()
        if portal is None:
            return str(super().format_email_subject(subject))
        return f"[{portal.brand.name}] {subject}"

    def get_from_email(self) -> str:
        portal = _portal()
        if portal is None:
            return str(super().get_from_email())
        return sender_for(portal.brand, portal.language)

    def send_mail(self, template_prefix: str, email: str, context: dict[str, Any]) -> None:
        portal = _portal()
        if portal is not None:
            # allauth's templates greet from and sign with "the site": here the brand.
            site = SimpleNamespace(name=portal.brand.name, domain=portal_url(portal.brand).split("/")[2])
            context = {"current_site": site, **context}
        super().send_mail(template_prefix, email, context)

    def get_reset_password_from_key_url(self, key: str) -> str:
        portal = _portal()
        if portal is None:
            return str(super().get_reset_password_from_key_url(key))
        return f"{portal_url(portal.brand)}password/reset/key/{quote(key)}/"
