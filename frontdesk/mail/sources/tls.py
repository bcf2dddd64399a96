"""TLS for mail connections: certificates verified against the system's CAs and an optional private CA."""

from __future__ import annotations

import ssl

from django.conf import settings


def tls_context() -> ssl.SSLContext:
    """A client context that verifies certificates and host names; ``FRONTDESK_MAIL_CA_FILE`` adds CAs."""
    context = ssl.create_default_context()
    ca_file = settings.FRONTDESK_MAIL_CA_FILE
    if ca_file:
        try:
            context.load_verify_locations(cafile=ca_file)
        except (OSError, ssl.SSLError) as error:
            raise OSError(
                f"the CA file of FRONTDESK_MAIL_CA_FILE ({ca_file}) cannot be read: {error}"
            ) from None
    return context


def describe_tls_error(error: ssl.SSLError, host: str, port: int) -> str:
    """A reason an administrator can act on, for a failed TLS handshake."""
    if isinstance(error, ssl.SSLCertVerificationError):
        return (
            f"the TLS certificate of {host}:{port} was refused: {error.verify_message}. "
            "A server with a certificate from a private CA needs that CA in FRONTDESK_MAIL_CA_FILE."
        )
    return f"TLS with {host}:{port} failed: {error.reason or error}"
