"""The district's one calendar: days off, 调休 working days and school terms kept by the
administrators, epidemic periods declared by the commander; every change audited."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.test import Client
from django.urls import reverse

from lianfang.core.accounts.actors import SystemActor
from lianfang.core.audit.models import AuditEvent
from lianfang.core.calendar.days import district_calendar
from lianfang.core.calendar.models import CalendarDay, DayKind, EpidemicPeriod, SchoolTerm
from lianfang.core.calendar.services import (
    calendar_day_delete,
    calendar_day_save,
    epidemic_declare,
    epidemic_end,
    school_term_save,
)
from lianfang.core.demo.loading import DemoContext
from tests.world import World, sign_in_with_second_factor

pytestmark = pytest.mark.django_db

SYSTEM = SystemActor("test")
D = dt.date


def test_a_holiday_and_a_tiaoxiu_weekend_change_which_days_are_working_days(world: World) -> None:
    calendar_day_save(actor=world["admin"], day=D(2022, 1, 29), kind=DayKind.WORKING_DAY, name="春节调休")
    calendar_day_save(actor=world["admin"], day=D(2022, 2, 1), kind=DayKind.DAY_OFF, name="春节")
    school_term_save(
        actor=world["admin"], name="2021—2022学年第一学期", starts_on=D(2021, 9, 1), ends_on=D(2022, 1, 21)
    )
    calendar = district_calendar()
    assert calendar.is_working_day(D(2022, 1, 29))  # a Saturday worked
    assert not calendar.is_working_day(D(2022, 2, 1))  # a Tuesday off
    assert not calendar.is_working_day(D(2022, 1, 23)) and calendar.is_working_day(D(2022, 1, 24))
    assert calendar.is_school_day(D(2022, 1, 21)) and not calendar.is_school_day(D(2022, 1, 24))  # the term ended
    assert calendar.add_working_days(D(2022, 1, 28), 1) == D(2022, 1, 29)
    assert calendar.add_working_days(D(2022, 1, 28), 3) == D(2022, 2, 2)
    assert AuditEvent.objects.filter(verb="calendar.day_create").count() == 2


def test_saving_a_day_again_replaces_it_and_removing_it_makes_it_ordinary_again(world: World) -> None:
    calendar_day_save(actor=world["admin"], day=D(2022, 4, 2), kind=DayKind.DAY_OFF, name="清明")
    record = calendar_day_save(actor=world["admin"], day=D(2022, 4, 2), kind=DayKind.WORKING_DAY, name="清明调休")
    assert CalendarDay.objects.count() == 1 and district_calendar().is_working_day(D(2022, 4, 2))
    calendar_day_delete(actor=world["admin"], record=record)
    assert not district_calendar().is_working_day(D(2022, 4, 2))  # a Saturday again
    assert list(
        AuditEvent.objects.filter(verb__startswith="calendar.day").order_by("pk").values_list("verb", flat=True)
    ) == [
        "calendar.day_create",
        "calendar.day_update",
        "calendar.day_delete",
    ]


def test_only_the_administrators_edit_the_calendar_and_bad_values_name_their_field(world: World) -> None:
    for username in ("commander", "jiyuan", "worker"):
        with pytest.raises(PermissionDenied):
            calendar_day_save(actor=world[username], day=D(2022, 1, 1), kind=DayKind.DAY_OFF, name="元旦")
    assert AuditEvent.objects.filter(verb="calendar.day_save", outcome="denied").count() == 3
    with pytest.raises(ValidationError) as refused:
        calendar_day_save(actor=world["admin"], day="2022-13-01", kind="holiday", name="")
    assert set(refused.value.message_dict) == {"day", "kind", "name"}
    school_term_save(actor=world["admin"], name="上学期", starts_on=D(2022, 2, 14), ends_on=D(2022, 7, 8))
    with pytest.raises(ValidationError) as overlapping:
        school_term_save(actor=world["admin"], name="下学期", starts_on=D(2022, 7, 1), ends_on=D(2022, 12, 31))
    assert "starts_on" in overlapping.value.message_dict
    assert SchoolTerm.objects.count() == 1


def test_the_commander_declares_and_ends_an_epidemic_period_and_periods_do_not_overlap(world: World) -> None:
    with pytest.raises(PermissionDenied):
        epidemic_declare(actor=world["jiyuan"], starts_on=D(2022, 1, 4), level="2")
    period = epidemic_declare(actor=world["commander"], starts_on=D(2022, 1, 4), level="2", note="郑州疫情")
    assert district_calendar().epidemic_level(D(2030, 1, 1)) == "2"  # open-ended
    with pytest.raises(ValidationError):
        epidemic_declare(actor=world["commander"], starts_on=D(2022, 1, 20), level="1")
    ended = epidemic_end(actor=world["commander"], period=period, ends_on=D(2022, 1, 31), version=period.version)
    calendar = district_calendar()
    assert calendar.epidemic_level(D(2022, 1, 31)) == "2" and calendar.epidemic_level(D(2022, 2, 1)) is None
    assert ended.version == 2
    verbs = list(AuditEvent.objects.filter(verb__startswith="epidemic.").order_by("pk").values_list("verb", "outcome"))
    assert verbs == [("epidemic.declare", "denied"), ("epidemic.declare", "ok"), ("epidemic.end", "ok")]


def test_the_calendar_page_adds_a_day_for_the_administrator_and_is_refused_to_others(world: World) -> None:
    client = Client()
    sign_in_with_second_factor(client, world["admin"])
    assert client.get(reverse("calendar:index") + "?year=2022").status_code == 200
    answer = client.post(
        reverse("calendar:index") + "?year=2022",
        {"day": "1", "day-day": "2022-01-29", "day-kind": DayKind.WORKING_DAY, "day-name": "春节调休"},
    )
    assert answer.status_code == 302 and CalendarDay.objects.filter(day=D(2022, 1, 29)).exists()
    page = client.get(reverse("calendar:index") + "?year=2022").content.decode()
    assert "春节调休" in page
    client.force_login(world["commander"])
    assert client.get(reverse("calendar:index")).status_code == 403


def test_the_epidemic_page_declares_for_the_commander_only(world: World) -> None:
    client = Client()
    client.force_login(world["commander"])
    answer = client.post(reverse("calendar:epidemic"), {"starts_on": "2022-01-04", "level": "2", "note": ""})
    assert answer.status_code == 302 and EpidemicPeriod.objects.count() == 1
    client.force_login(world["jiyuan"])
    assert client.get(reverse("calendar:epidemic")).status_code == 403


def test_the_demo_calendar_holds_the_spring_festival_of_2022_and_the_seeds_epidemic_period(world: World) -> None:
    from lianfang.core.calendar import demo

    demo.load(DemoContext())
    calendar = district_calendar()
    assert calendar.is_working_day(D(2022, 1, 29)) and calendar.is_working_day(D(2022, 1, 30))
    assert not calendar.is_working_day(D(2022, 2, 1))
    assert calendar.is_school_day(D(2022, 1, 14)) and calendar.epidemic_level(D(2022, 1, 14)) == "2"
    assert {D(2021, 1, 1), D(2023, 10, 6)} <= set(CalendarDay.objects.values_list("day", flat=True))
