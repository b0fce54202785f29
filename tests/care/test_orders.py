"""暖心服务: service orders from a visit's need, through dispatch, delivery and confirmation."""

from __future__ import annotations

import io
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from lianfang.care.models import Need, ServiceOrder
from lianfang.care.orders import (
    need_to_order,
    order_confirm,
    order_create,
    order_deliver,
    order_dispatch,
    order_flag_risk,
    order_repaid,
)
from lianfang.care.selectors import order_list
from lianfang.care.services import visit_record
from lianfang.core.flows.engine import InvalidTransition
from lianfang.core.notices.models import Notification
from tests.care.conftest import CareWorld


def photo(name: str = "photo.jpg") -> SimpleUploadedFile:
    buffer = io.BytesIO()
    Image.new("RGB", (8, 8), "white").save(buffer, "JPEG")
    return SimpleUploadedFile(name, buffer.getvalue(), content_type="image/jpeg")


def _medicine_order(care: CareWorld) -> ServiceOrder:
    visit, _ = visit_record(
        actor=care["cadre"],
        household=care.wang,
        needs=[{"kind": "shopping", "person": care.people["wang"].pk, "detail": "降压药两盒"}],
    )
    return need_to_order(actor=care["cadre"], need=Need.objects.get(visit=visit))


def test_a_need_becomes_an_order_with_one_tap_linked_to_the_visit_and_only_once(care: CareWorld) -> None:
    order = _medicine_order(care)
    assert (order.kind, order.person, order.detail, order.state) == (
        "shopping",
        care.people["wang"],
        "降压药两盒",
        "applied",
    )
    assert order.need is not None and order.need.visit.household == care.wang
    assert need_to_order(actor=care["cadre"], need=order.need).pk == order.pk


def test_a_squad_delivers_and_the_residents_confirmation_closes_the_order(care: CareWorld) -> None:
    order = _medicine_order(care)
    order = order_dispatch(actor=care["carer"], order=order, squad=care.squad)
    with pytest.raises(ValidationError) as refused:
        order_deliver(actor=care["volunteer"], order=order, photo=photo(), amount_advanced="56.5")
    assert "receipt" in refused.value.message_dict  # money advanced needs its receipt
    order = order_deliver(
        actor=care["volunteer"], order=order, photo=photo(), amount_advanced="56.5", receipt=photo("receipt.jpg")
    )
    assert (order.state, order.amount_advanced, order.delivered_by) == (
        "delivered",
        Decimal("56.50"),
        care["volunteer"],
    )
    order = order_confirm(actor=care["volunteer"], order=order, confirmed_as="resident", proof=photo("sign.png"))
    assert (order.state, order.confirmed_as) == ("confirmed", "resident")
    order = order_repaid(actor=care["carer"], order=order)
    assert order.repaid


def test_the_deliverer_may_not_confirm_as_the_visitor_when_the_resident_could(care: CareWorld) -> None:
    order = order_dispatch(actor=care["carer"], order=_medicine_order(care), person=care["volunteer"])
    order = order_deliver(actor=care["volunteer"], order=order, photo=photo(), amount_advanced="0")
    with pytest.raises(ValidationError) as refused:
        order_confirm(actor=care["volunteer"], order=order, confirmed_as="visitor", proof=photo())
    assert "confirmed_as" in refused.value.message_dict
    assert ServiceOrder.objects.get(pk=order.pk).state == "delivered"
    # Another visitor may; so may the deliverer when the resident cannot, saying why.
    order = order_confirm(
        actor=care["volunteer"],
        order=order,
        confirmed_as="visitor",
        proof=photo(),
        resident_unable="老人失能，无法签字",
    )
    assert order.state == "confirmed"


def test_only_the_assignee_delivers(care: CareWorld) -> None:
    order = order_dispatch(actor=care["carer"], order=_medicine_order(care), person=care["volunteer"])
    with pytest.raises(PermissionDenied):
        order_deliver(actor=care["volunteer2"], order=order, photo=photo(), amount_advanced="0")


def test_an_order_is_not_confirmed_before_it_is_delivered(care: CareWorld) -> None:
    order = order_dispatch(actor=care["carer"], order=_medicine_order(care), squad=care.squad)
    with pytest.raises(InvalidTransition):
        order_confirm(actor=care["carer"], order=order, confirmed_as="resident", proof=photo())


def test_a_counselling_order_goes_only_to_a_counsellor_and_stays_private(care: CareWorld) -> None:
    order = order_create(
        actor=care["lead"], household=care.zhang, person=care.people["zhang"], kind="counselling", detail="失业后失眠"
    )
    with pytest.raises(ValidationError):
        order_dispatch(actor=care["lead"], order=order, squad=care.squad)
    with pytest.raises(ValidationError):
        order_dispatch(actor=care["lead"], order=order, person=care["volunteer"])
    order = order_dispatch(actor=care["lead"], order=order, person=care["counsellor"])
    assert order in order_list(care["counsellor"]) and order in order_list(care["lead"])
    assert order not in order_list(care["jiyuan"]) and order not in order_list(care["carer"])
    order_flag_risk(actor=care["counsellor"], order=order, referral="转介市心理援助热线并通知家属")
    assert Notification.objects.filter(user=care["lead"]).count() == 1
    assert ServiceOrder.objects.get(pk=order.pk).referral.startswith("转介")


def test_a_counselling_order_goes_only_to_a_counsellor_serving_the_households_area(care: CareWorld) -> None:
    from lianfang.care.services import care_role_grant
    from tests.care.conftest import SYSTEM

    care_role_grant(actor=SYSTEM, user=care["xiang"], kind="counsellor", region=care.village)
    order = order_create(
        actor=care["lead"], household=care.zhang, person=care.people["zhang"], kind="counselling", detail="失眠"
    )
    with pytest.raises(ValidationError):
        order_dispatch(actor=care["lead"], order=order, person=care["xiang"])


def test_a_counselling_need_is_shown_in_full_only_to_its_visitor_the_lead_and_counsellors(care: CareWorld) -> None:
    from django.test import Client

    visit_record(
        actor=care["carer"],
        household=care.zhang,
        needs=[{"kind": "counselling", "detail": "夜里常哭", "self_harm_risk": True}],
    )
    pages = {}
    for who in ("carer", "lead", "jiyuan"):
        client = Client()
        client.force_login(care[who])
        pages[who] = client.get(f"/care/households/{care.zhang.pk}/").content.decode()
    assert "夜里常哭" in pages["carer"] and "夜里常哭" in pages["lead"]
    assert "夜里常哭" not in pages["jiyuan"] and "自伤风险" not in pages["jiyuan"]
