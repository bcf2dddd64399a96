"""The baseline: the least a Django view can do for one request, behind the same server and middleware.

``bare_create`` parses a JSON body and inserts one row with one SQL statement; ``bare_read`` reads one row
by primary key. The ratio of an endpoint's throughput to these says what Frontdesk's own work costs.
"""

from __future__ import annotations

import json

from django.db import connection
from django.http import HttpRequest, JsonResponse
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET, require_POST

from bench.common import BARE_TABLE


@csrf_exempt
@require_POST
def bare_create(request: HttpRequest) -> JsonResponse:
    try:
        payload = json.loads(request.body)
        subject = str(payload["subject"])[:300]
        body = str(payload.get("body", ""))
    except (ValueError, KeyError, TypeError):
        return JsonResponse({"detail": "A JSON object with a subject is expected."}, status=422)
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {BARE_TABLE} (subject, body, created_at) VALUES (%s, %s, now()) RETURNING id",
            [subject, body],
        )
        (pk,) = cursor.fetchone()
    return JsonResponse({"id": pk, "subject": subject}, status=201)


@require_GET
def bare_read(request: HttpRequest, pk: int) -> JsonResponse:
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT id, subject, body, created_at FROM {BARE_TABLE} WHERE id = %s", [pk])
        row = cursor.fetchone()
    if row is None:
        return JsonResponse({"detail": "Not found."}, status=404)
    return JsonResponse({"id": row[0], "subject": row[1], "body": row[2], "created_at": row[3].isoformat()})
