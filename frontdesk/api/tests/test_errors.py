"""Bad input of every kind is a problem+json 4xx, never a 500."""

from __future__ import annotations

import pytest

from frontdesk.api.tests.conftest import assert_problem


@pytest.mark.parametrize(
    ("method", "path", "raw"),
    [
        ("POST", "/tickets", "{"),
        ("POST", "/tickets", "[1, 2"),
        ("POST", "/tickets", "\xff\xfe"),
        ("PATCH", "/tickets/OPR-26-000001", "null}"),
        ("POST", "/customers", "{'single': 'quotes'}"),
    ],
)
def test_malformed_json_is_400_malformed_body(api, cast, method, path, raw):
    response = api.call(method, path, cast.opera.line1, raw_body=raw)
    assert_problem(response, 400, "malformed_body")


@pytest.mark.parametrize(
    ("path", "payload", "field", "code"),
    [
        ("/tickets", {"subject": 5, "body": "x", "customer_id": 1}, "subject", "string_type"),
        ("/tickets", {"subject": "x", "body": "x", "customer_id": True}, "customer_id", "int_type"),
        ("/tickets", {"subject": "x", "body": "x", "customer_id": 2**64}, "customer_id", "less_than_equal"),
        ("/tickets", {"subject": "x", "body": "x", "customer_id": 1, "channel": "pigeon"}, "channel", "enum"),
        (
            "/tickets",
            {"subject": "x", "body": "x", "customer_id": 1, "tags": ["a" * 51]},
            "tags.0",
            "string_too_long",
        ),
        ("/tickets", {"subject": "x", "body": "x", "customer_id": 1, "tags": ["t"] * 21}, "tags", "too_long"),
        ("/tickets", {"subject": "x\x00", "body": "x", "customer_id": 1}, "subject", "value_error"),
        ("/tickets", {"body": "x", "customer_id": 1}, "subject", "missing"),
        (
            "/tickets",
            {"subject": "x", "body": "x", "customer": {"email": "a@b.c", "age": 3}},
            "customer.age",
            "extra_forbidden",
        ),
        ("/customers", {"brand": "../etc", "name": "x"}, "brand", "string_pattern_mismatch"),
        ("/customers", {"brand": "opera", "emails": "a@b.c"}, "emails", "list_type"),
        ("/organizations", {"brand": "opera", "name": "x" * 201}, "name", "string_too_long"),
    ],
)
def test_wrong_types_unknown_and_oversized_fields_are_422_naming_the_field(
    api, cast, path, payload, field, code
):
    response = api.post(path, cast.opera.line1, payload)
    body = assert_problem(response, 422, "validation_error", field)
    assert {"field": field, "code": code} in [{k: e[k] for k in ("field", "code")} for e in body["errors"]]


def test_a_customer_id_that_does_not_exist_is_404(api, cast):
    response = api.post("/tickets", cast.opera.line1, {"subject": "x", "body": "x", "customer_id": 987654})
    assert_problem(response, 404, "not_found", "customer_id")


def test_an_unknown_path_is_a_problem_404(api, cast):
    assert_problem(api.get("/tickets/OPR-1/nonsense", cast.opera.line1), 404, "not_found")
    assert_problem(api.get("/nowhere"), 404, "not_found")


def test_a_body_over_the_size_limit_is_413(api, cast, settings):
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 1000
    body = {"subject": "x", "body": "y" * 5000, "customer_id": cast.opera.customer.pk}
    assert_problem(api.post("/tickets", cast.opera.line1, body), 413, "request_too_large")


def test_an_unknown_method_is_a_4xx(api, cast):
    response = api.call("PUT", "/tickets", cast.opera.line1, json_body={})
    assert response.status == 405


def test_problem_titles_are_translated(api, cast):
    response = api.client.get("/api/v1/me", HTTP_ACCEPT_LANGUAGE="ru")
    assert response.status_code == 401
    assert response.json()["code"] == "not_authenticated"
    assert response.headers["Content-Language"] == "ru"
