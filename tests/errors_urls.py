"""A URL configuration for the error tests: the site's, plus a page and an endpoint that fail."""

from django.http import HttpRequest, HttpResponse
from django.urls import path

from lianfang.urls import handler400, handler404, handler500, urlpatterns

__all__ = ["handler400", "handler404", "handler500", "urlpatterns"]


def _fails(request: HttpRequest) -> HttpResponse:
    raise RuntimeError("a bug")


urlpatterns = [path("api/v1/fails/", _fails), path("fails/", _fails), *urlpatterns]
