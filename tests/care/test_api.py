"""The care API: households found by phone, visits sent from a phone (resends land once), orders."""

from __future__ import annotations

import uuid
from typing import Any

from rest_framework.test import APIClient

from lianfang.care.models import Need, Visit
from tests.care.conftest import CareWorld


def _client(user: Any) -> APIClient:
    client = APIClient()
    client.force_authenticate(user)
    return client


def test_a_visitor_finds_a_household_by_the_last_four_digits_and_sees_masked_phones(care: CareWorld) -> None:
    answer = _client(care["cadre"]).get("/api/v1/households/", {"q": "1234"})
    assert answer.status_code == 200
    [found] = answer.json()["results"]
    assert found["address"] == "济源路3号"
    assert found["members"][0]["phone"] == "138****1234"
    assert "tags" not in found and "tier" not in found


def test_a_visit_with_a_need_lands_once_however_often_it_is_sent(care: CareWorld) -> None:
    body = {
        "client_id": str(uuid.uuid4()),
        "household": care.wang.pk,
        "mode": "door",
        "seen": [care.people["wang"].pk],
        "situation": "独居，行动不便",
        "needs": [{"kind": "shopping", "person": care.people["wang"].pk, "detail": "降压药"}],
    }
    client = _client(care["cadre"])
    first = client.post("/api/v1/visits/", body, format="json")
    again = client.post("/api/v1/visits/", body, format="json")
    assert (first.status_code, again.status_code) == (201, 200)
    assert first.json()["id"] == again.json()["id"] and first.json()["needs"][0]["kind"] == "shopping"
    assert Visit.objects.count() == 1 and Need.objects.count() == 1
    other = client.post("/api/v1/visits/", {**body, "situation": "别的"}, format="json")
    assert other.status_code == 409


def test_a_visit_to_a_household_outside_the_area_is_refused_naming_the_household(care: CareWorld) -> None:
    answer = _client(care["xiang"]).post("/api/v1/visits/", {"household": care.wang.pk}, format="json")
    assert answer.status_code == 400 and "household" in answer.json()["fields"]
    assert not Visit.objects.exists()


def test_a_bad_need_is_refused_naming_the_field(care: CareWorld) -> None:
    answer = _client(care["cadre"]).post(
        "/api/v1/visits/", {"household": care.wang.pk, "needs": [{"kind": "flying"}]}, format="json"
    )
    assert answer.status_code == 400 and "needs.0.kind" in answer.json()["fields"]


def test_a_member_of_another_household_is_refused_naming_the_need_and_its_row(care: CareWorld) -> None:
    answer = _client(care["cadre"]).post(
        "/api/v1/visits/",
        {"household": care.wang.pk, "needs": [{"kind": "medical", "person": care.people["zhang"].pk}]},
        format="json",
    )
    assert answer.status_code == 400 and "needs.0.person" in answer.json()["fields"]
