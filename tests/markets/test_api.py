"""The phone's API: an inspection sent with a client id lands once; a resend returns it, other
content under the same id answers 409; the gate answers 400 naming the field."""

from __future__ import annotations

import uuid
from typing import Any

import pytest
from django.test import Client

from lianfang.markets.models import ShopInspection
from lianfang.markets.states import Outcome

from .conftest import MarketWorld

pytestmark = pytest.mark.django_db


def _body(m: MarketWorld, client_id: uuid.UUID, *failed: int, shop: int | None = None) -> dict[str, Any]:
    return {
        "client_id": str(client_id),
        "shop": shop or m.shops[0].pk,
        "kind": "routine",
        "answers": [{"item": i.pk, "passed": i.position not in failed} for i in m.epidemic.items.all()],
        "inspectors": [m["a2"].pk],
    }


def test_a_resend_returns_the_first_inspection_and_other_content_answers_409(
    markets: MarketWorld, client: Client
) -> None:
    client.force_login(markets["a1"])
    client_id = uuid.uuid4()
    url = "/api/v1/shop-inspections/"
    first = client.post(url, _body(markets, client_id, 3), content_type="application/json")
    assert first.status_code == 201, first.content
    assert first.json()["outcome"] == Outcome.BLACK
    again = client.post(url, _body(markets, client_id, 3), content_type="application/json")
    assert again.status_code == 200 and again.json()["id"] == first.json()["id"]
    other = client.post(url, _body(markets, client_id, 4), content_type="application/json")
    assert other.status_code == 409
    assert ShopInspection.objects.count() == 1


def test_the_gate_refuses_a_routine_inspection_of_a_suspended_shop_naming_the_field(
    markets: MarketWorld, client: Client
) -> None:
    client.force_login(markets["a1"])
    url = "/api/v1/shop-inspections/"
    assert client.post(url, _body(markets, uuid.uuid4(), 1), content_type="application/json").status_code == 201
    refused = client.post(url, _body(markets, uuid.uuid4()), content_type="application/json")
    assert refused.status_code == 400
    assert "kind" in refused.json()["fields"]


def test_a_shop_outside_the_jurisdiction_is_not_found(markets: MarketWorld, client: Client) -> None:
    client.force_login(markets["a1"])  # 济源路街道's team; 中心路包子铺 lies in 中心路街道
    answer = client.post(
        "/api/v1/shop-inspections/",
        _body(markets, uuid.uuid4(), shop=markets.shops[3].pk),
        content_type="application/json",
    )
    assert answer.status_code == 400 and "shop" in answer.json()["fields"]
    assert client.get(f"/api/v1/shops/{markets.shops[3].pk}/").status_code == 404
    assert client.get(f"/api/v1/shops/{markets.shops[0].pk}/").json()["name"] == "老王烩面馆"


def test_a_shops_contact_reads_its_own_inspections_and_no_other(markets: MarketWorld, client: Client) -> None:
    from lianfang.core.regions.models import Membership, Role
    from lianfang.markets.services import shop_inspect
    from tests.world import make_user

    for shop in markets.shops[:2]:
        shop_inspect(
            actor=markets["a1"],
            shop=shop,
            kind="routine",
            answers=markets.answers(markets.epidemic),
            inspectors=[markets["a2"]],
        )
    owner = make_user("laowang")
    Membership.objects.create(
        user=owner, role=Role.UNIT_CONTACT, region=markets.world.jiyuan_a, unit=markets.shops[0].unit
    )
    client.force_login(owner)
    listed = client.get("/api/v1/shop-inspections/").json()["results"]
    assert [row["shop"] for row in listed] == [markets.shops[0].pk]
