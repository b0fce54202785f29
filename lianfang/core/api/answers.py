"""Answering the API's hot writes (bench/) in JSON without DRF's content negotiation and rendering
pass, producing the same bytes. Bodies are read and validated by the endpoints' serializers."""

from __future__ import annotations

import json
from collections.abc import Iterable
from typing import Any

from django.core.serializers.json import DjangoJSONEncoder
from django.http import HttpResponse
from rest_framework import status
from rest_framework.negotiation import DefaultContentNegotiation
from rest_framework.renderers import BaseRenderer
from rest_framework.request import Request
from rest_framework.response import Response


class JSONAnswers(DefaultContentNegotiation):
    """JSON is the API's only renderer: answer with it without parsing the Accept header.
    Parsers are chosen as usual."""

    def select_renderer(
        self, request: Request, renderers: Iterable[BaseRenderer], format_suffix: str | None = None
    ) -> tuple[BaseRenderer, str]:
        renderer = next(iter(renderers))
        return renderer, renderer.media_type


def json_answer(body: dict[str, Any], status_code: int) -> HttpResponse:
    """An answer written as JSONRenderer writes it (compact UTF-8, no NaN, U+2028/2029 escaped),
    with Django's encoder, so that a date, a Decimal, a UUID or a lazy label is written as text
    rather than failing the request."""
    text = json.dumps(body, cls=DjangoJSONEncoder, ensure_ascii=False, allow_nan=False, separators=(",", ":"))
    text = text.replace("\u2028", "\\u2028").replace("\u2029", "\\u2029")
    return HttpResponse(text.encode(), status=status_code, content_type="application/json")


def resend_answer(body: Any, created: bool) -> Response:
    """The answer to a submission with a client id: 201 for the record just made, 200 for the
    first record again when the phone resent it."""
    return Response(body, status=status.HTTP_201_CREATED if created else status.HTTP_200_OK)
