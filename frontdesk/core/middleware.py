"""Language from the signed-in person's profile, then the browser (Django's LocaleMiddleware order)."""

from __future__ import annotations

from collections.abc import Callable

from django.http import HttpRequest, HttpResponse
from django.utils import translation
from django.utils.cache import patch_vary_headers


class UserLanguageMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        language = None
        user = getattr(request, "user", None)
        # The session middleware runs first; the user is resolved lazily, only when signed in.
        if user is not None and user.is_authenticated:
            language = getattr(user, "language", "") or None
        if language is None:
            language = translation.get_language_from_request(request)
        # The language is restored afterwards: a thread that serves this request may go on to run other work
        # (a background task, the next test) that must not inherit this person's language.
        previous = translation.get_language()
        translation.activate(language)
        try:
            request.LANGUAGE_CODE = translation.get_language()
            response = self.get_response(request)
            response.headers.setdefault("Content-Language", translation.get_language())
        finally:
            translation.activate(previous)
        patch_vary_headers(response, ("Accept-Language", "Cookie"))
        return response
