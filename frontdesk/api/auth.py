"""Who is calling: a bearer token or the browser session, resolved to an ``Actor``.

``request.auth`` is the ``Actor``. A signed-in person with no access at all is an actor of kind ``nobody``:
authenticated, yet every query scoped to them is empty, so they get 404 and empty lists like a stranger.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.http import HttpRequest
from django.utils import translation
from ninja.security import APIKeyCookie, HttpBearer
from ninja.utils import check_csrf

from frontdesk.api.errors import CsrfFailed
from frontdesk.users.actions import authenticate_token
from frontdesk.users.actors import actor_for

if TYPE_CHECKING:
    from frontdesk.users.actors import Actor

SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS", "TRACE"})


class BearerToken(HttpBearer):
    """``Authorization: Bearer fd_…``: a hashed, revocable token of one user."""

    def authenticate(self, request: HttpRequest, token: str) -> Actor | None:
        found = authenticate_token(token.strip())
        if found is None:
            return None
        user, actor = found
        request.user = user
        # The language middleware ran before the token was read: the person's own language wins over the
        # client's Accept-Language here too.
        if user.language:
            translation.activate(user.language)
            request.LANGUAGE_CODE = user.language  # type: ignore[attr-defined]
        return actor


class BrowserSession(APIKeyCookie):
    """The signed-in browser session; writes need Django's CSRF token like any form."""

    param_name = settings.SESSION_COOKIE_NAME

    def __call__(self, request: HttpRequest) -> Actor | None:
        user: Any = getattr(request, "user", None)
        if user is None or not user.is_authenticated:
            return None
        if request.method not in SAFE_METHODS and check_csrf(request) is not None:
            raise CsrfFailed
        return actor_for(user)

    def authenticate(
        self, request: HttpRequest, key: str | None
    ) -> Actor | None:  # pragma: no cover - unused
        return None


def current_actor(request: HttpRequest) -> Actor:
    actor: Actor = request.auth  # type: ignore[attr-defined]
    return actor
