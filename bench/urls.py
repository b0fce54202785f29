"""The application's URLs plus baseline views, so both sides share one middleware stack."""

import json

from django.db import connection
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.urls import path
from django.views.decorators.csrf import csrf_exempt

from lianfang import urls as lianfang_urls

_table_ready = False


def baseline(request: HttpRequest) -> HttpResponse:
    # Small JSON like an API answer, without authentication or queries: what the stack alone costs.
    return JsonResponse({"ok": True, "user": None})


@csrf_exempt
def baseline_insert(request: HttpRequest) -> HttpResponse:
    # A bare insert: parse the JSON, write one row, answer its id. No auth, validation or audit.
    global _table_ready
    data = json.loads(request.body)
    with connection.cursor() as cursor:
        if not _table_ready:
            cursor.execute("CREATE TABLE IF NOT EXISTS bench_insert (id INTEGER PRIMARY KEY, name TEXT, number TEXT)")
            _table_ready = True
        cursor.execute(
            "INSERT INTO bench_insert (name, number) VALUES (%s, %s)", [data["name"], data["document_number"]]
        )
        row_id = cursor.lastrowid
    return JsonResponse({"id": row_id}, status=201)


urlpatterns = [
    path("bench/baseline/", baseline, name="bench-baseline"),
    path("bench/insert/", baseline_insert, name="bench-insert"),
    *lianfang_urls.urlpatterns,
]
handler403 = lianfang_urls.handler403
