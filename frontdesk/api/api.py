"""The REST API v1: one NinjaAPI, a router per domain, problem+json errors, token or session auth."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.http import HttpRequest, HttpResponse
from django.urls import URLPattern, URLResolver, re_path
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt
from ninja import NinjaAPI
from ninja.errors import ValidationError, ValidationErrorContext

from frontdesk.api import errors
from frontdesk.api.auth import BearerToken, BrowserSession
from frontdesk.api.routers import calls, catalog, kb, messages, people, reports, search, ticket_work, tickets

if TYPE_CHECKING:
    from ninja.operation import Operation

DESCRIPTION = """\
Frontdesk's help desk over HTTP. Authenticate with `Authorization: Bearer <token>` (`frontdesk token create EMAIL`)
or a signed-in browser session (unsafe methods then need the CSRF token).

* Errors are `application/problem+json` with a stable `code`; 422 answers list each invalid field in `errors`.
* Another brand's objects answer 404, exactly like missing ones.
* Lists are pages: `{items, next_cursor}`; pass `cursor=<next_cursor>` for the next page, `limit` up to 100.
* Creating requests honour `Idempotency-Key`: a retry with the same key gets the first response.
"""


def unknown_path(request: HttpRequest, rest: str = "") -> HttpResponse:
    return errors.problem(404, "not_found", str(_("There is no such API path.")))


PROBLEM_SCHEMA: dict[str, Any] = {
    "type": "object",
    "required": ["type", "title", "status", "code"],
    "properties": {
        "type": {"type": "string"},
        "title": {"type": "string"},
        "status": {"type": "integer"},
        "detail": {"type": "string"},
        "code": {"type": "string", "description": "Stable, machine-readable reason, e.g. `not_found`."},
        "field": {"type": "string"},
        "errors": {
            "type": "array",
            "items": {
                "type": "object",
                "properties": {
                    "field": {"type": "string"},
                    "code": {"type": "string"},
                    "message": {"type": "string"},
                },
            },
        },
    },
}


class FrontdeskAPI(NinjaAPI):
    def _get_urls(self) -> list[URLPattern | URLResolver]:
        # Paths the API does not know answer problem+json too, not Django's HTML page.
        return [
            *super()._get_urls(),
            re_path(r"^(?P<rest>.*)$", csrf_exempt(unknown_path), name="unknown-path"),
        ]

    def validation_error_from_error_contexts(
        self, error_contexts: list[ValidationErrorContext[Any]]
    ) -> ValidationError:
        """Like ninja's, but items of list parameters (``status.0``) also lose the schema's parameter name."""
        errors: list[dict[str, Any]] = []
        for context in error_contexts:
            model = context.model
            flatten = getattr(model, "__ninja_flatten_map_reverse__", {})
            for details in context.pydantic_validation_error.errors(include_url=False):
                error: dict[str, Any] = dict(details)
                loc = tuple(error["loc"])
                for cut in range(len(loc), 0, -1):
                    if loc[:cut] in flatten:
                        loc = tuple(flatten[loc[:cut]]) + loc[cut:]
                        break
                error.pop("input", None)
                error.pop("ctx", None)
                errors.append({**error, "loc": (model.__ninja_param_source__, *loc)})
        return ValidationError(errors)

    def get_openapi_schema(self, *args: Any, **kwargs: Any) -> Any:
        """Ninja's document, plus the component schemas that hand-written request bodies refer to."""
        schema = super().get_openapi_schema(*args, **kwargs)
        components = schema.setdefault("components", {}).setdefault("schemas", {})
        for name, definition in messages.request_body_definitions().items():
            components.setdefault(name, definition)
        # Every operation may refuse with a problem document (401, 403, 404, 409, 413, 422...): say so.
        components.setdefault("Problem", PROBLEM_SCHEMA)
        problem = {
            "description": "A problem document (RFC 9457) with a stable `code`; on 422 the fields at fault.",
            "content": {"application/problem+json": {"schema": {"$ref": "#/components/schemas/Problem"}}},
        }
        for path in schema.get("paths", {}).values():
            for operation in path.values():
                operation.setdefault("responses", {}).setdefault("4XX", problem)
        return schema

    def get_openapi_operation_id(self, operation: Operation) -> str:
        # Stable, readable ids (``create_ticket``) that clients and the isolation tests refer to.
        return operation.view_func.__name__


api = FrontdeskAPI(
    title="Frontdesk API",
    version="1.0.0",
    description=DESCRIPTION,
    urls_namespace="api-v1",
    auth=[BearerToken(), BrowserSession()],
)
errors.install(api)

api.add_router("/tickets", tickets.router)
api.add_router("/tickets", messages.router)
api.add_router("/tickets", ticket_work.router)
api.add_router("/customers", people.customers)
api.add_router("/organizations", people.organizations)
api.add_router("/brands", catalog.brands)
api.add_router("/teams", catalog.teams)
api.add_router("/categories", catalog.categories)
api.add_router("/me", catalog.me)
api.add_router("/search", search.router)
api.add_router("/calls", calls.router)
api.add_router("/kb", kb.router)
api.add_router("/reports", reports.router)
