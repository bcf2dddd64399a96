"""``frontdesk openapi``: print the API's OpenAPI document; ``--write`` refreshes the committed snapshot."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandParser
from django.utils import translation

SNAPSHOT = Path(__file__).resolve().parents[2] / "tests" / "snapshots" / "openapi.json"


def render_schema() -> str:
    """The OpenAPI document as stable text (English, sorted keys), as served at /api/v1/openapi.json."""
    from frontdesk.api.api import api

    with translation.override("en"):
        # Through plain JSON first: status codes are integer keys in the live document.
        schema = json.loads(json.dumps(api.get_openapi_schema(), default=str))
    return json.dumps(schema, indent=2, sort_keys=True, ensure_ascii=False) + "\n"


class Command(BaseCommand):
    help = "Print the OpenAPI document of the REST API; --write updates the snapshot the tests compare."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--write", action="store_true", help=f"Write it to {SNAPSHOT.name} in api/tests.")

    def handle(self, *args: Any, **options: Any) -> None:
        text = render_schema()
        if options["write"]:
            SNAPSHOT.parent.mkdir(parents=True, exist_ok=True)
            SNAPSHOT.write_text(text, encoding="utf-8")
            self.stdout.write(f"Wrote {SNAPSHOT}")
        else:
            self.stdout.write(text, ending="")
