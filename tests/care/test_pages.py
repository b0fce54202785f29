"""The care pages, as each role that uses them: what they show, what they refuse, and the steps
taken from them."""

from __future__ import annotations

import io
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from lianfang.care.models import Campaign, DayCareAttendance, Need, ReliefApplication, ServiceOrder, Visit
from lianfang.care.orders import need_to_order, order_dispatch
from lianfang.care.relief import relief_apply
from lianfang.care.services import visit_record
from lianfang.core.audit.models import AuditEvent
from tests.care.conftest import CareWorld
from tests.care.test_orders import photo


def _as(user: Any) -> Client:
    client = Client()
    client.force_login(user)
    return client


@pytest.mark.parametrize("who", ["carer", "lead", "approver", "minzheng", "cadre", "volunteer", "commander", "jiyuan"])
def test_every_care_page_answers_each_role_that_uses_it(care: CareWorld, who: str) -> None:
    visit_record(actor=care["carer"], household=care.wang, needs=[{"kind": "shopping"}])
    order = need_to_order(actor=care["carer"], need=Need.objects.get())
    application = relief_apply(
        actor=care["carer"], household=care.zhang, applicant=care.people["zhang"], cause="income_loss"
    )
    client = _as(care[who])
    pages = [
        reverse("care:index"),
        reverse("care:index") + "?q=1234",
        reverse("care:households"),
        reverse("care:household", args=[care.wang.pk]),
        reverse("care:orders"),
        reverse("care:campaigns"),
    ]
    for url in pages:
        answer = client.get(url)
        assert answer.status_code == 200, (url, answer.status_code)
        assert b"Traceback" not in answer.content
    sensitive = who in ("carer", "lead", "approver", "minzheng", "commander")
    assert client.get(reverse("care:relief_list")).status_code == (200 if sensitive else 403)
    assert client.get(reverse("care:relief", args=[application.pk])).status_code == (200 if sensitive else 404)
    # An order is seen by care roles and staff of the area, its assignees and whoever opened it.
    assert client.get(reverse("care:order", args=[order.pk])).status_code == (
        404 if who in ("cadre", "volunteer") else 200
    )


def test_the_visit_form_records_a_visit_with_a_need_and_a_resend_lands_once(care: CareWorld) -> None:
    client = _as(care["cadre"])
    page = client.get(reverse("care:visit", args=[care.wang.pk]))
    assert page.status_code == 200 and 'data-draft="visit:' in page.content.decode()
    client_id = page.context["form"].initial["client_id"]
    body = {
        "client_id": str(client_id),
        "mode": "door",
        "reached": "on",
        "seen": [str(care.people["wang"].pk)],
        "situation": "独居，腿脚不便",
        "need-kind-0": "shopping",
        "need-person-0": str(care.people["wang"].pk),
        "need-detail-0": "降压药",
    }
    first = client.post(reverse("care:visit", args=[care.wang.pk]), body)
    again = client.post(reverse("care:visit", args=[care.wang.pk]), body)
    assert first.status_code == again.status_code == 302
    assert Visit.objects.count() == 1 and Need.objects.get().detail == "降压药"


def test_a_visit_form_with_a_bad_follow_up_date_names_the_need_and_writes_nothing(care: CareWorld) -> None:
    client = _as(care["cadre"])
    answer = client.post(
        reverse("care:visit", args=[care.wang.pk]),
        {"mode": "door", "need-kind-0": "medical", "need-due-0": "2001-01-01"},
    )
    assert answer.status_code == 200 and not Visit.objects.exists()
    assert "跟进期限早于走访日期" in answer.content.decode()  # the refusal, on the form


def test_a_household_outside_the_visitors_area_is_not_found(care: CareWorld) -> None:
    assert _as(care["xiang"]).get(reverse("care:visit", args=[care.wang.pk])).status_code == 404


def test_the_tags_show_to_care_staff_only_and_each_view_is_audited(care: CareWorld) -> None:
    url = reverse("care:household", args=[care.wang.pk])
    assert 'data-testid="tags"' not in _as(care["cadre"]).get(url).content.decode()
    assert 'data-testid="tags"' in _as(care["carer"]).get(url).content.decode()
    assert AuditEvent.objects.filter(verb="care.tag_view").count() == 1


def test_a_need_becomes_an_order_with_one_tap_on_the_household_page(care: CareWorld) -> None:
    visit_record(actor=care["cadre"], household=care.wang, needs=[{"kind": "medical", "detail": "复诊"}])
    need = Need.objects.get()
    answer = _as(care["cadre"]).post(reverse("care:need_order", args=[need.pk]))
    assert answer.status_code == 302
    assert ServiceOrder.objects.get().need == need


def test_the_squad_delivers_on_the_order_page_and_the_resident_confirms(care: CareWorld) -> None:
    visit_record(actor=care["carer"], household=care.wang, needs=[{"kind": "shopping"}])
    order = order_dispatch(
        actor=care["carer"], order=need_to_order(actor=care["carer"], need=Need.objects.get()), squad=care.squad
    )
    client = _as(care["volunteer"])
    assert 'data-testid="deliver"' in client.get(reverse("care:order", args=[order.pk])).content.decode()
    client.post(
        reverse("care:order_act", args=[order.pk, "deliver"]),
        {"photo": photo(), "amount_advanced": "30", "receipt": photo("r.jpg")},
    )
    client.post(
        reverse("care:order_act", args=[order.pk, "confirm"]), {"confirmed_as": "resident", "proof": photo("s.jpg")}
    )
    assert ServiceOrder.objects.get(pk=order.pk).state == "confirmed"


def test_the_relief_ledger_has_the_civil_affairs_columns(care: CareWorld) -> None:
    answer = _as(care["lead"]).get(reverse("care:ledger"))
    assert answer.status_code == 200
    sheet = load_workbook(io.BytesIO(answer.content)).worksheets[0]
    assert [c.value for c in next(sheet.iter_rows(max_row=1))] == [
        "序号", "姓名", "身份证号", "家庭住址", "家庭人口", "救助类型", "救助事由", "救助金额（元）", "救助方式",
        "审批日期", "发放日期", "经办人",
    ]  # fmt: skip
    assert _as(care["cadre"]).get(reverse("care:ledger")).status_code == 403


def test_the_public_notice_page_masks_names(care: CareWorld) -> None:
    from tests.care.test_relief import _apply, _to_publicity

    _to_publicity(care, _apply(care))
    page = _as(care["carer"]).get(reverse("care:notice", args=[care.world.jiyuan_a.code])).content.decode()
    assert "张*" in page and "张强" not in page


def test_a_campaign_is_started_from_its_page_and_gives_out_todays_doors(care: CareWorld) -> None:
    today = timezone.localdate()
    client = _as(care["lead"])
    client.post(
        reverse("care:campaigns"),
        {
            "name": "走访困难户",
            "region": care.world.jiyuan_a.code,
            "starts_on": today.isoformat(),
            "ends_on": today.isoformat(),
            "doors_per_task": "2",
            "vulnerable_only": "on",
        },
    )
    campaign = Campaign.objects.get()
    assert campaign.doors.count() == 3
    client.post(reverse("care:campaign_spawn", args=[campaign.pk]))
    assert campaign.doors.filter(task__isnull=False).count() == 3


def test_day_care_attendance_is_recorded_for_the_communitys_elders(care: CareWorld) -> None:
    client = _as(care["carer"])
    page = client.get(reverse("care:day_care"))
    assert page.status_code == 200 and "王秀英" in page.content.decode() and "李娜" not in page.content.decode()
    client.post(
        reverse("care:day_care") + f"?region={care.world.jiyuan_a.code}",
        {"day": timezone.localdate().isoformat(), "people": [str(care.people["wang"].pk)]},
    )
    assert DayCareAttendance.objects.count() == 1


def test_the_relief_page_takes_the_application_through_its_steps(care: CareWorld) -> None:
    application = relief_apply(
        actor=care["carer"], household=care.zhang, applicant=care.people["zhang"], cause="income_loss"
    )
    client = _as(care["carer"])
    client.post(reverse("care:relief_act", args=[application.pk, "accept"]))
    client.post(
        reverse("care:relief_act", args=[application.pk, "investigate"]),
        {
            "household_size": "1", "monthly_income": "0", "assets": "500", "findings": "入户核实属实",
            "amount": "1500", "publicity_days": "7",
        },
    )  # fmt: skip
    assert ReliefApplication.objects.get(pk=application.pk).state == "publicity"
