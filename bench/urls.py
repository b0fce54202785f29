"""The application's URLs plus a baseline view, so both sides share one middleware stack."""

from django.http import HttpRequest, HttpResponse, JsonResponse
from django.urls import path

from lianfang import urls as lianfang_urls


def baseline(request: HttpRequest) -> HttpResponse:
    # Small JSON like an API answer, without authentication or queries: what the stack alone costs.
    return JsonResponse({"ok": True, "user": None})


urlpatterns = [path("bench/baseline/", baseline, name="bench-baseline"), *lianfang_urls.urlpatterns]
handler403 = lianfang_urls.handler403
