"""The shift switch: an agent goes on or off shift (teams that assign automatically give tickets to agents on
shift). The button posts and, under HTMX, is swapped for its new state; without HTMX the page comes back."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponseRedirect
from django.http.response import HttpResponseBase
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_POST

from frontdesk.desk.views.access import agent_view
from frontdesk.tickets.assignment import agent_came_on_shift
from frontdesk.users.actions import set_on_shift
from frontdesk.users.actors import Actor


@agent_view
@require_POST
def shift_toggle(request: HttpRequest, actor: Actor) -> HttpResponseBase:
    on = request.POST.get("on") == "1"
    user = set_on_shift(request.user, on=on)  # type: ignore[arg-type]
    if on:
        agent_came_on_shift(user)
    if request.headers.get("HX-Request"):
        return TemplateResponse(request, "desk/partials/shift_toggle.html", {})
    back = request.POST.get("next", "")
    if not url_has_allowed_host_and_scheme(back, {request.get_host()}, require_https=request.is_secure()):
        back = reverse("desk:queues")
    return HttpResponseRedirect(back)
