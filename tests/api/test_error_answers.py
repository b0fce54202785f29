"""The API answers every error in its own shape, never with a server error or an HTML page."""

from __future__ import annotations

import io
import json

import pytest
from django.test import Client
from rest_framework.exceptions import ParseError

from lianfang.core.api.parsers import BoundedJSONParser, nesting_depth
from tests.world import World

pytestmark = pytest.mark.django_db

JSON_WRITES = [
    ("commander", "/api/v1/cases/"),
    ("commander", "/api/v1/people/"),
    ("jiyuan", "/api/v1/enterprise-problems/"),
    ("commander", "/api/v1/notices/"),
    ("jiyuan", "/api/v1/volunteers/"),
]


def _nested(depth: int, opening: str = '{"a":', closing: str = "}") -> str:
    return opening * depth + "1" + closing * depth


@pytest.mark.parametrize("shape", ["object", "array"])
@pytest.mark.parametrize(("username", "path"), JSON_WRITES)
def test_a_body_nested_thousands_deep_is_refused_in_the_error_shape(
    world: World, username: str, path: str, shape: str
) -> None:
    client = Client()
    client.force_login(world[username])
    body = _nested(5000) if shape == "object" else _nested(5000, "[", "]")
    answer = client.post(path, body, content_type="application/json")
    assert answer.status_code == 400, answer.content[:200]
    assert answer["Content-Type"] == "application/json"
    assert "32" in answer.json()["message"] and answer.json()["fields"] == {}


def _parse(text: str) -> object:
    return BoundedJSONParser().parse(io.BytesIO(text.encode()), "application/json", {})


def test_the_parser_takes_32_levels_and_refuses_33() -> None:
    assert nesting_depth(_parse(_nested(32)), 32) == 32
    with pytest.raises(ParseError):
        _parse(_nested(33))


def test_the_depth_limit_is_a_setting(settings: object) -> None:
    settings.LIANFANG_JSON_MAX_DEPTH = 3  # type: ignore[attr-defined]
    assert _parse(json.dumps({"a": {"b": [1]}})) == {"a": {"b": [1]}}
    with pytest.raises(ParseError):
        _parse(json.dumps({"a": {"b": [[1]]}}))


def test_nesting_is_counted_for_scalars_flat_bodies_and_mixed_containers() -> None:
    assert nesting_depth(1, 32) == 0
    assert nesting_depth({"kind": "need", "title": "代购"}, 32) == 1
    assert nesting_depth({"a": [{"b": 1}], "c": 2}, 32) == 3


def test_a_body_over_the_upload_limit_is_a_413_in_the_error_shape(world: World, settings: object) -> None:
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 1000  # type: ignore[attr-defined]
    client = Client()
    client.force_login(world["commander"])
    answer = client.post("/api/v1/cases/", json.dumps({"title": "长" * 2000}), content_type="application/json")
    assert answer.status_code == 413
    assert answer["Content-Type"] == "application/json" and answer.json()["fields"] == {}


@pytest.mark.parametrize("path", ["/api/v1/regions/%00/", "/api/v1/no-such-thing/"])
def test_an_api_address_that_does_not_exist_is_a_404_in_the_error_shape(world: World, path: str) -> None:
    client = Client()
    client.force_login(world["commander"])
    answer = client.get(path)
    assert answer.status_code == 404
    assert answer["Content-Type"] == "application/json" and "message" in answer.json()


def test_a_page_that_does_not_exist_is_still_a_page(world: World) -> None:
    client = Client()
    client.force_login(world["commander"])
    answer = client.get("/no-such-page/")
    assert answer.status_code == 404 and answer["Content-Type"].startswith("text/html")
