"""Every write is validated in one place: the endpoint's serializer decides what a body may hold.

The case report and the people API once read their bodies by hand, and decided some bodies
differently from the serializers that document them (a priority of "2", a title of 123, a
deadline of 2030-1-5, a client id of 5, a null description). Here the answer of each endpoint is
compared with its serializer's verdict: the same accept or reject, the same fields named."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.test import Client
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from lianfang.core.cases.api import CaseReportSerializer
from lianfang.core.cases.models import Case
from lianfang.core.duties.api import SubmissionSerializer
from lianfang.core.people.api import PersonWriteSerializer
from tests.ids import resident_id
from tests.world import World

pytestmark = pytest.mark.django_db

REGION = "410106001001"  # 济源路社区, in jiyuan's jurisdiction

# A deadline the rules of a case accept (ahead, within two years), written in several ways.
NEXT_YEAR = dt.date.today().year + 1
CASE_BODIES: list[dict[str, Any]] = [
    {"kind": "need", "title": "代购药品", "region": REGION, "priority": "2"},
    {"kind": "need", "title": "代购药品", "region": REGION, "priority": 2.0},
    {"kind": "need", "title": "代购药品", "region": REGION, "priority": True},
    {"kind": "need", "title": 123, "region": REGION},
    {"kind": "need", "title": "代购药品", "region": REGION, "deadline": f"{NEXT_YEAR}-1-5"},
    {"kind": "need", "title": "代购药品", "region": REGION, "deadline": f"{NEXT_YEAR}-01-05T00:00"},
    {"kind": "need", "title": "代购药品", "region": REGION, "client_id": 5},
    {"kind": "need", "title": "代购药品", "region": REGION, "client_id": "5"},
    {"kind": "need", "title": "代购药品", "region": REGION, "description": None},
    {"kind": "need", "title": "代购药品", "region": REGION, "person": "0"},
    {"kind": "need", "title": "代购药品", "region": 410106001001},
    {"kind": "need", "title": " ", "region": REGION},
    {"kind": ["need"], "title": "代购药品", "region": REGION},
]


def _post(client: Client, path: str, body: Any) -> Any:
    return client.post(path, body, content_type="application/json")


def _verdict(serializer: Any) -> set[str] | None:
    """The fields the serializer refuses, or None when it accepts the body."""
    return None if serializer.is_valid() else set(serializer.errors)


@pytest.mark.parametrize("body", CASE_BODIES, ids=range(len(CASE_BODIES)))
def test_a_case_report_is_accepted_or_refused_as_its_serializer_decides(world: World, body: dict[str, Any]) -> None:
    client = Client()
    client.force_login(world["jiyuan"])
    refused = _verdict(CaseReportSerializer(data=body))
    answer = _post(client, "/api/v1/cases/", body)
    if refused is None:
        assert answer.status_code == 201, answer.json()
        stored = Case.objects.get(pk=answer.json()["id"])
        assert stored.description == (body.get("description") or "")
    else:
        assert answer.status_code == 400
        assert set(answer.json()["fields"]) == refused


def test_a_whole_number_is_not_taken_for_a_client_id(world: World) -> None:
    assert "client_id" in (_verdict(CaseReportSerializer(data={**CASE_BODIES[0], "client_id": 5})) or set())


PEOPLE_BODIES: list[dict[str, Any]] = [
    {"name": "张三", "document_number": resident_id(dt.date(1980, 1, 1), serial=11)},
    {"name": 123, "document_number": resident_id(dt.date(1980, 1, 1), serial=12)},
    {"name": "李四", "document_number": resident_id(dt.date(1980, 1, 1), serial=13), "phone": None},
    {"name": "王五", "document_number": resident_id(dt.date(1980, 1, 1), serial=14), "phone": 13800138000},
    {"name": "赵六", "document_number": resident_id(dt.date(1980, 1, 1), serial=15), "home_region": 1},
    {"name": "钱七", "document_number": 410106198001011234},
    {"name": "孙八", "document_number": resident_id(dt.date(1980, 1, 1), serial=16), "document_type": None},
    {"name": "周九", "document_number": resident_id(dt.date(1980, 1, 1), serial=17), "address": ["中心路"]},
]


@pytest.mark.parametrize("body", PEOPLE_BODIES, ids=range(len(PEOPLE_BODIES)))
def test_a_person_is_registered_or_refused_as_the_serializer_and_the_registry_decide(
    world: World, body: dict[str, Any]
) -> None:
    client = Client()
    client.force_login(world["jiyuan"])
    refused = _verdict(PersonWriteSerializer(data=body))
    answer = _post(client, "/api/v1/people/", {**body, "home_region": body.get("home_region", REGION)})
    if refused is None:
        assert answer.status_code in (201, 400), answer.content  # 400: a rule of the registry (clean_person)
    else:
        assert answer.status_code == 400
        assert refused <= set(answer.json()["fields"])


_json = st.recursive(
    st.none()
    | st.booleans()
    | st.integers(-(2**40), 2**40)
    | st.floats(allow_nan=False, allow_infinity=False)
    | st.text(max_size=20),
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=5), inner, max_size=3),
    max_leaves=5,
)
_case_value = st.one_of(
    _json,
    st.sampled_from(["need", "problem", "2", "4", REGION, "2030-01-05", "2030-1-5", "1", "0"]),
    st.text(max_size=120),
    st.uuids().map(str),
)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    body=st.fixed_dictionaries(
        {},
        optional={
            name: _case_value
            for name in (
                "kind",
                "title",
                "description",
                "unit",
                "person",
                "region",
                "deadline",
                "priority",
                "client_id",
            )
        },
    )
)
def test_no_generated_case_report_is_decided_apart_from_its_serializer(world: World, body: dict[str, Any]) -> None:
    client = Client()
    client.force_login(world["jiyuan"])
    refused = _verdict(CaseReportSerializer(data=body))
    answer = _post(client, "/api/v1/cases/", body)
    assert answer.status_code < 500
    if refused is not None:
        assert answer.status_code == 400 and set(answer.json()["fields"]) == refused
    else:
        # Past the serializer, the rules of a case (clean_case), scope and resends decide.
        assert answer.status_code in (200, 201, 400, 403, 409)


def test_an_answer_holding_a_decimal_a_uuid_a_date_or_a_lazy_label_is_written_as_text() -> None:
    import decimal
    import json
    import uuid

    from django.utils.translation import gettext_lazy

    from lianfang.core.api.answers import json_answer

    some = uuid.uuid4()
    answer = json_answer(
        {"hours": decimal.Decimal("3.5"), "id": some, "day": dt.date(2022, 1, 14), "label": gettext_lazy("Done")},
        201,
    )
    assert answer.status_code == 201 and answer["Content-Type"] == "application/json"
    assert json.loads(answer.content) == {"hours": "3.5", "id": str(some), "day": "2022-01-14", "label": "已办结"}


# The hot writes' serializers build their fields once (core/api/serializers.FlatSerializer): over
# generated bodies, each decides exactly as a plain DRF serializer of the same fields.


def _plain_twin(flat: type[Any]) -> type[Any]:
    import copy

    from rest_framework import serializers

    fields = {name: copy.deepcopy(field) for name, field in flat._declared_fields.items()}
    return type(f"Plain{flat.__name__}", (serializers.Serializer,), fields)


def _decision(serializer: Any) -> tuple[bool, Any, Any]:
    valid = serializer.is_valid()
    errors = {k: [(str(e), e.code) for e in v] for k, v in serializer.errors.items()}
    return valid, errors, dict(serializer.validated_data) if valid else None


_awkward = st.one_of(
    _json,
    st.integers(-10, 10).map(str),  # numbers as strings
    st.floats(-10, 10, allow_nan=False).map(lambda f: f),
    st.sampled_from(["2030-01-05", "2030-1-5", "2030/01/05", "05.01.2030", "2030-01-05T08:00:00+08:00", ""]),
    st.text(min_size=90, max_size=6000),  # around and over the length limits
    st.uuids().map(str),
    st.sampled_from([REGION, "410106000000", "4101", "410106001001 ", "０１２３４５６７８９０１"]),
)


def _bodies(flat: type[Any], hints: dict[str, Any]) -> Any:
    names = list(flat._declared_fields)
    return st.fixed_dictionaries({}, optional={name: st.one_of(_awkward, hints.get(name, _awkward)) for name in names})


CASE_HINTS = {
    "kind": st.sampled_from(["need", "problem", "finding", "nope"]),
    "priority": st.sampled_from([1, 2, 3, 4, 5, "2", 2.0, 2.5, True]),
    "client_id": st.one_of(st.uuids().map(str), st.integers(0, 9)),
}
PEOPLE_HINTS = {
    "document_type": st.sampled_from(["resident_id", "passport", "hk_macao", "x", None]),
    "document_number": st.sampled_from(["41010619800101123X", "E12345678", "1" * 40]),
    "version": st.one_of(st.integers(-1, 3), st.sampled_from(["1", 1.0])),
}


SUBMISSION_HINTS = {
    "subject": st.one_of(st.integers(-2, 2**64), st.sampled_from(["7", 7.0, 7.5, True])),
    "zero_report": st.sampled_from([True, False, "true", "1", 0, "yes", None]),
    "content": st.one_of(_json, st.dictionaries(st.text(max_size=5), _json, max_size=3)),
    "client_id": st.one_of(st.uuids().map(str), st.integers(0, 9)),
}


@pytest.mark.parametrize(
    ("flat", "hints"),
    [
        (CaseReportSerializer, CASE_HINTS),
        (PersonWriteSerializer, PEOPLE_HINTS),
        (SubmissionSerializer, SUBMISSION_HINTS),
    ],
    ids=["case", "person", "duty-submission"],
)
def test_a_flat_serializer_decides_every_generated_body_as_a_plain_serializer_does(
    world: World, flat: type[Any], hints: dict[str, Any]
) -> None:
    plain = _plain_twin(flat)

    @settings(max_examples=2000, deadline=None, suppress_health_check=list(HealthCheck), database=None)
    @given(body=_bodies(flat, hints))
    def decides_alike(body: dict[str, Any]) -> None:
        assert _decision(flat(data=body)) == _decision(plain(data=body))

    decides_alike()


def test_flat_serializers_used_at_once_by_several_threads_keep_to_their_own_bodies(world: World) -> None:
    from concurrent.futures import ThreadPoolExecutor

    # No valid region code: the threads' connections do not see the test's uncommitted regions.
    bodies: list[dict[str, Any]] = [
        {"kind": "need", "title": f"代购 {n}", "priority": str(1 + n % 4), "deadline": "2030-1-5"} for n in range(400)
    ]
    bodies += [{"kind": n, "title": None, "priority": 9, "region": "4101"} for n in range(100)]
    with ThreadPoolExecutor(4) as pool:
        decided = list(pool.map(lambda body: _decision(CaseReportSerializer(data=body)), bodies))
    plain = _plain_twin(CaseReportSerializer)
    assert decided == [_decision(plain(data=body)) for body in bodies]


def test_a_flat_serializer_refuses_a_nested_field_when_declared() -> None:
    from rest_framework import serializers

    from lianfang.core.api.serializers import FlatSerializer

    with pytest.raises(TypeError, match="nested"):
        type("Nested", (FlatSerializer,), {"ids": serializers.ListField(child=serializers.IntegerField())})
