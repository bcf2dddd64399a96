"""Who may use the desk: signed-in agents. Others are sent to sign in or get a 404."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any

from django.contrib.auth.views import redirect_to_login
from django.http import Http404, HttpRequest, HttpResponseForbidden
from django.http.response import HttpResponseBase

from frontdesk.core.errors import NotFound, PermissionDenied
from frontdesk.users.actors import Actor, actor_for

DeskView = Callable[..., HttpResponseBase]


def agent_view(view: DeskView) -> DeskView:
    """Anonymous visitors go to the sign-in page; signed-in people who are not agents, and objects they
    may not see, get 404; an action refused on a visible object answers 403."""

    @wraps(view)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
        if not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path())
        actor: Actor = actor_for(request.user)
        if not actor.is_agent:
            raise Http404
        try:
            return view(request, actor, *args, **kwargs)
        except NotFound as error:
            raise Http404(error.detail) from None
        except PermissionDenied as error:
            return HttpResponseForbidden(error.detail)

    return wrapper
