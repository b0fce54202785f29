"""A URL configuration for the error tests: the site's, plus pages and endpoints that fail (a bug, or
the database out of reach)."""

import psycopg
from django.db import OperationalError
from django.http import HttpRequest, HttpResponse
from django.urls import path

from lianfang.urls import handler400, handler404, handler500, urlpatterns

__all__ = ["handler400", "handler404", "handler500", "urlpatterns"]


def _fails(request: HttpRequest) -> HttpResponse:
    raise RuntimeError("a bug")


def _database_away(request: HttpRequest) -> HttpResponse:
    # As Django raises it when psycopg cannot connect.
    refused = psycopg.OperationalError("connection to server at 127.0.0.1, port 5432 failed: Connection refused")
    raise OperationalError(str(refused)) from refused


def _deadlock(request: HttpRequest) -> HttpResponse:
    deadlock = psycopg.errors.DeadlockDetected("deadlock detected")
    raise OperationalError(str(deadlock)) from deadlock


urlpatterns = [
    path("api/v1/fails/", _fails),
    path("fails/", _fails),
    path("api/v1/database-away/", _database_away),
    path("database-away/", _database_away),
    path("deadlock/", _deadlock),
    *urlpatterns,
]
