"""Fast paths for the API's hot writes (bench/): read a JSON body and answer JSON without DRF's
content negotiation, stream parsers and rendering pass, producing the same bytes they would."""

from __future__ import annotations

import json
from collections.abc import Iterable
from typing import Any

from django.conf import settings
from django.http import HttpResponse
from rest_framework import exceptions, status
from rest_framework.negotiation import DefaultContentNegotiation
from rest_framework.renderers import BaseRenderer
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.utils import json as drf_json


class JSONAnswers(DefaultContentNegotiation):
    """JSON is the API's only renderer: answer with it without parsing the Accept header.
    Parsers are chosen as usual."""

    def select_renderer(
        self, request: Request, renderers: Iterable[BaseRenderer], format_suffix: str | None = None
    ) -> tuple[BaseRenderer, str]:
        renderer = next(iter(renderers))
        return renderer, renderer.media_type


def json_body(request: Request) -> Any:
    """The request's data. A JSON body is parsed as JSONParser would (strictly: no NaN), without its
    stream reader; other media types go through DRF's parsers."""
    if request.content_type.partition(";")[0].strip().lower() != "application/json":
        return request.data
    try:
        encoding = request._request.encoding or settings.DEFAULT_CHARSET  # as DRF's parsers decode
        return drf_json.loads(request.body.decode(encoding))
    except ValueError as error:  # a decoding error too
        raise exceptions.ParseError(f"JSON parse error - {error}") from error


def json_answer(body: dict[str, Any], status_code: int) -> HttpResponse:
    """The bytes JSONRenderer would write (compact UTF-8, no NaN, U+2028/2029 escaped)."""
    text = json.dumps(body, ensure_ascii=False, allow_nan=False, separators=(",", ":"))
    text = text.replace("\u2028", "\\u2028").replace("\u2029", "\\u2029")
    return HttpResponse(text.encode(), status=status_code, content_type="application/json")


def resend_answer(body: Any, created: bool) -> Response:
    """The answer to a submission with a client id: 201 for the record just made, 200 for the
    first record again when the phone resent it."""
    return Response(body, status=status.HTTP_201_CREATED if created else status.HTTP_200_OK)
