from __future__ import annotations

import json
from io import StringIO

from django.core.management import call_command

from frontdesk.api.management.commands.openapi import SNAPSHOT, render_schema
from frontdesk.api.tests import (
    test_calls,
    test_catalog,
    test_customers,
    test_kb,
    test_messages,
    test_organizations,
    test_reports,
    test_search,
    test_ticket_work,
    test_tickets,
)

ISOLATION_MODULES = (
    test_tickets,
    test_messages,
    test_ticket_work,
    test_customers,
    test_organizations,
    test_catalog,
    test_kb,
    test_search,
    test_calls,
    test_reports,
)


def _operations(schema: dict) -> dict[str, str]:
    return {
        op["operationId"]: f"{method.upper()} {path}"
        for path, ops in schema["paths"].items()
        for method, op in ops.items()
    }


def test_the_served_schema_matches_the_committed_snapshot(client, db):
    response = client.get("/api/v1/openapi.json")
    assert response.status_code == 200
    live = json.loads(json.dumps(response.json()))
    snapshot = json.loads(SNAPSHOT.read_text(encoding="utf-8"))
    assert live == snapshot, "The API changed: review it, then run `frontdesk openapi --write`."


def test_the_served_schema_has_no_duplicate_keys_which_swagger_ui_would_refuse(client, db):
    duplicates: list[str] = []

    def refuse_duplicates(pairs: list[tuple[str, object]]) -> dict:
        keys = [key for key, _value in pairs]
        duplicates.extend(key for key in set(keys) if keys.count(key) > 1)
        return dict(pairs)

    json.loads(client.get("/api/v1/openapi.json").content, object_pairs_hook=refuse_duplicates)
    assert duplicates == []


def test_the_command_prints_the_snapshot_text(db):
    out = StringIO()
    call_command("openapi", stdout=out)
    assert out.getvalue() == render_schema() == SNAPSHOT.read_text(encoding="utf-8")


def test_every_operation_has_an_isolation_test():
    schema = json.loads(render_schema())
    covered = {case.operation_id for module in ISOLATION_MODULES for case in module.ISOLATION}
    missing = {op: where for op, where in _operations(schema).items() if op not in covered}
    assert not missing, f"Operations without an isolation test (add a Case to ISOLATION): {missing}"
    assert covered <= set(_operations(schema)), "An isolation case names an operation the API does not have."


def test_every_operation_is_behind_authentication():
    schema = json.loads(render_schema())
    for path, ops in schema["paths"].items():
        for method, op in ops.items():
            assert op.get("security"), f"{method.upper()} {path} has no security requirement"


def test_the_interactive_docs_are_served(client, db):
    assert client.get("/api/v1/docs").status_code == 200


def test_every_reference_in_the_document_resolves(client, db):
    import json as _json
    import re as _re

    document = client.get("/api/v1/openapi.json").json()
    refs = set(_re.findall(r'"\$ref": "#/components/schemas/([^"]+)"', _json.dumps(document)))
    missing = sorted(refs - set(document["components"]["schemas"]))
    assert missing == []


def test_every_operation_documents_its_problem_answers(client, db):
    document = client.get("/api/v1/openapi.json").json()
    for path, operations in document["paths"].items():
        for method, operation in operations.items():
            problem = operation["responses"]["4XX"]["content"]["application/problem+json"]
            assert problem["schema"] == {"$ref": "#/components/schemas/Problem"}, (method, path)
