"""The language switch: Django's ``set_language``, and for a signed-in person their profile's language too (the
profile wins over the browser's choice on every later page)."""

from __future__ import annotations

from contextlib import suppress

from django.http import HttpRequest
from django.http.response import HttpResponseBase
from django.views.decorators.http import require_POST
from django.views.i18n import set_language as django_set_language

from frontdesk.core.errors import DomainError
from frontdesk.users.actions import set_own_language


@require_POST
def set_language(request: HttpRequest) -> HttpResponseBase:
    response = django_set_language(request)
    language = request.POST.get("language", "")
    if request.user.is_authenticated and language:
        # An unknown language changes nothing, as with Django's view.
        with suppress(DomainError):
            set_own_language(request.user, language=language)  # type: ignore[arg-type]
    return response
