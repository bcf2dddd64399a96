"""Isolation cases: every API operation, called by the other brand, an outsider and nobody.

Each ``test_<endpoint>.py`` lists its operations as ``ISOLATION``; ``test_openapi.py`` fails when an operation
of the OpenAPI document is missing from those lists.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

import pytest

from frontdesk.api.tests.conftest import Api, World, assert_problem


@dataclass(frozen=True)
class Case:
    operation_id: str
    method: str
    path: Callable[[World], str]
    body: Callable[[World], Any] | None = None
    # Lists answer 200 with none of the opera objects; everything else answers 404.
    is_list: bool = False
    # Text that appears in the answer only if opera's data leaked (for lists).
    marker: Callable[[World], str] | None = None
    # The opera user for whom the same call succeeds, proving the 404s are about scope.
    owner: str = "line1"
    # A field customers may never send: they get 422 for it whatever its value, which reveals nothing.
    refused_to_customers: str | None = None
    # Tells apart several cases of one operation.
    variant: str = ""

    @property
    def id(self) -> str:
        return f"{self.operation_id}-{self.variant}" if self.variant else self.operation_id


def _check(api: Api, world: World, case: Case) -> None:
    cast = world.cast
    path = case.path(world)
    body = case.body(world) if case.body else None

    def call(user: Any) -> Any:
        return api.call(case.method, path, user, json_body=body)

    assert_problem(call(None), 401, "not_authenticated")
    for stranger in (cast.tours.line1, cast.tours.admin, cast.tours.customer_user, cast.outsider):
        response = call(stranger)
        if case.refused_to_customers and stranger == cast.tours.customer_user:
            assert_problem(response, 422, "field_not_allowed", case.refused_to_customers)
        elif case.is_list:
            assert response.status == 200, (stranger, response.raw[:500])
            assert case.marker is not None
            assert case.marker(world) not in response.raw.decode(), (stranger, response.raw[:800])
        else:
            assert_problem(response, 404, "not_found")
    owner = getattr(cast.opera, case.owner)
    response = call(owner)
    assert 200 <= response.status < 300, (case.operation_id, response.raw[:800])
    if case.is_list:
        assert case.marker is not None
        assert case.marker(world) in response.raw.decode(), response.raw[:800]


def isolation_test(cases: Sequence[Case]) -> Callable[..., None]:
    @pytest.mark.parametrize("case", cases, ids=[c.id for c in cases])
    def test_the_other_brand_the_outsider_and_strangers_see_nothing(
        api: Api, world: World, case: Case
    ) -> None:
        _check(api, world, case)

    return test_the_other_brand_the_outsider_and_strangers_see_nothing
