"""Online teaching for every student (一个不少), 线上家访 and 听评课 with its ledger."""

from __future__ import annotations

import datetime as dt
import uuid
from io import BytesIO
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from openpyxl import load_workbook

from lianfang.core.cases.models import Case
from lianfang.core.figures.registry import Period
from lianfang.core.figures.selectors import figure_drill_down, figure_values
from lianfang.core.regions.scoping import scope_for
from lianfang.schools.case_kinds import IMPROVEMENT_KIND
from lianfang.schools.coverage import coverage
from lianfang.schools.models import HomeVisit, LessonObservation
from lianfang.schools.selectors import lessons, visits
from lianfang.schools.services import (
    home_visit_record,
    lesson_improvement_case,
    lesson_observe,
    morning_check_submit,
    teaching_aid_give,
    teaching_aid_return,
    teaching_gap_record,
    teaching_gap_solve,
)

from .conftest import SchoolWorld

pytestmark = pytest.mark.django_db


def _sheet() -> SimpleUploadedFile:
    from PIL import Image

    out = BytesIO()
    Image.new("RGB", (40, 60), (250, 250, 250)).save(out, "PNG")
    return SimpleUploadedFile("评分表.png", out.getvalue(), content_type="image/png")


def _classes(s: SchoolWorld) -> list[int]:
    return [s.class_a.pk, s.class_b.pk]


def test_a_student_without_a_device_is_covered_only_while_an_aid_reaches_them(schools: SchoolWorld) -> None:
    today = schools.today
    child = schools.students(schools.class_a)[0]
    assert coverage(_classes(schools), today, today) == (8, 8)
    gap = teaching_gap_record(actor=schools["head"], enrolment=child, lack="device", recorded_on=today)
    assert coverage(_classes(schools), today, today) == (7, 8)
    aid = teaching_aid_give(actor=schools["head"], gap=gap, kind="lent_phone", given_on=today)
    assert coverage(_classes(schools), today, today) == (8, 8)
    teaching_aid_return(actor=schools["head"], aid=aid, returned_on=today)  # back the same day: not reached
    assert coverage(_classes(schools), today, today) == (7, 8)
    teaching_gap_solve(actor=schools["head"], gap=gap, solved_on=today)
    assert coverage(_classes(schools), today, today) == (8, 8)


def test_a_personal_absence_leaves_a_student_uncovered_and_an_illness_does_not(schools: SchoolWorld) -> None:
    a = schools.students(schools.class_a)
    morning_check_submit(
        actor=schools["head"],
        school_class=schools.class_a,
        day=schools.today,
        session="morning",
        content={
            "present": 3,
            "absent": 2,
            "entries": [
                {"student": a[0].pk, "attendance": "absent", "reason": "personal"},
                {"student": a[1].pk, "attendance": "absent", "reason": "illness", "symptoms": ["cough"]},
            ],
        },
    )
    assert coverage(_classes(schools), schools.today, schools.today) == (7, 8)
    official = scope_for(schools["bureau"])
    period = Period.day(schools.today)
    values = {v.figure.key: v for v in figure_values(scope=official, period=period, region=schools.world.district)}
    assert (values["schools.online_coverage"].numerator, values["schools.online_coverage"].denominator) == (7, 8)
    drill = figure_drill_down(
        scope=official, key="schools.online_coverage", period=period, region=schools.world.district
    )
    assert drill is not None
    [(_school, _grade, number, _head, missed)] = drill.table(drill.rows)
    assert (number, missed) == (1, 1)


def test_gaps_and_aids_are_refused_outside_the_class_and_with_bad_dates(schools: SchoolWorld) -> None:
    child = schools.students(schools.class_a)[0]
    with pytest.raises(PermissionDenied):
        teaching_gap_record(actor=schools["head2"], enrolment=child, lack="device", recorded_on=schools.today)
    with pytest.raises(ValidationError):
        teaching_gap_record(actor=schools["head"], enrolment=child, lack="tablet", recorded_on=schools.today)
    with pytest.raises(ValidationError):
        teaching_gap_record(
            actor=schools["head"], enrolment=child, lack="device", recorded_on=schools.today + dt.timedelta(days=1)
        )
    gap = teaching_gap_record(actor=schools["head"], enrolment=child, lack="network", recorded_on=schools.today)
    with pytest.raises(ValidationError):
        teaching_gap_record(actor=schools["head"], enrolment=child, lack="device", recorded_on=schools.today)
    aid = teaching_aid_give(actor=schools["head"], gap=gap, kind="data_plan", given_on=schools.today)
    with pytest.raises(ValidationError):
        teaching_aid_return(actor=schools["head"], aid=aid, returned_on=schools.today)


def test_a_home_visit_is_recorded_once_by_the_class_and_seen_only_by_its_staff(schools: SchoolWorld) -> None:
    child = schools.students(schools.class_a)[0]
    client_id = uuid.uuid4()
    fields: dict[str, Any] = {
        "enrolment": child,
        "visited_on": schools.today,
        "family": "父母务工，奶奶陪读",
        "purpose": "了解网课情况",
        "findings": "网络不稳",
        "client_id": client_id,
    }
    visit, created = home_visit_record(actor=schools["head"], **fields)
    again, created_again = home_visit_record(actor=schools["head"], **fields)
    assert created and not created_again and again.pk == visit.pk
    with pytest.raises(ValidationError) as refused:
        home_visit_record(actor=schools["head"], **{**fields, "findings": " ", "client_id": None})
    assert "findings" in refused.value.message_dict
    with pytest.raises(PermissionDenied):
        home_visit_record(actor=schools["head2"], **{**fields, "client_id": None})
    assert HomeVisit.objects.count() == 1
    assert visits(schools["head"]).count() == 1 and visits(schools["head2"]).count() == 0
    assert visits(schools["bureau"]).count() == 0
    value = next(
        v
        for v in figure_values(
            scope=scope_for(schools["bureau"]), period=Period.day(schools.today), region=schools.world.district
        )
        if v.figure.key == "schools.home_visits"
    )
    assert value.value == 1


def test_a_researcher_observes_a_lesson_graded_by_its_score(schools: SchoolWorld) -> None:
    for score, grade in ((80, "A"), (79, "B"), (60, "B"), (59, "C")):
        row = lesson_observe(
            actor=schools["bureau"],
            school=schools.school,
            teacher=schools["head"],
            subject="数学",
            observed_on=schools.today,
            score=score,
            sheet=_sheet(),
        )
        assert row.grade == grade and row.sheet is not None
    for bad in ({"score": 101}, {"score": "x"}, {"teacher": schools["bureau"]}, {"sheet": None}, {"subject": ""}):
        with pytest.raises(ValidationError):
            lesson_observe(
                **{
                    "actor": schools["bureau"],
                    "school": schools.school,
                    "teacher": schools["head"],
                    "subject": "语文",
                    "observed_on": schools.today,
                    "score": 90,
                    "sheet": _sheet(),
                    **bad,
                }
            )
    with pytest.raises(PermissionDenied):
        lesson_observe(
            actor=schools["cdc"],
            school=schools.school,
            teacher=schools["head"],
            subject="语文",
            observed_on=schools.today,
            score=90,
            sheet=_sheet(),
        )
    assert LessonObservation.objects.count() == 4
    # The observed teacher sees their own; a colleague does not; the bureau sees all.
    assert lessons(schools["head"]).count() == 4 and lessons(schools["head2"]).count() == 0
    assert lessons(schools["bureau"]).count() == 4


def test_a_suggestion_opens_one_improvement_case_for_the_school(schools: SchoolWorld) -> None:
    row = lesson_observe(
        actor=schools["bureau"],
        school=schools.school,
        teacher=schools["head"],
        subject="英语",
        observed_on=schools.today,
        score=55,
        suggestions="增加互动",
        sheet=_sheet(),
    )
    done = lesson_improvement_case(actor=schools["bureau"], observation=row)
    assert done.case_id is not None
    case = Case.objects.get(pk=done.case_id)
    assert case.kind == IMPROVEMENT_KIND.key and case.owner_unit_id == schools.school.pk
    assert case.description == "增加互动"
    with pytest.raises(ValidationError):
        lesson_improvement_case(actor=schools["bureau"], observation=done)


def test_the_lesson_ledger_exports_as_excel_with_chinese_headers(schools: SchoolWorld, client: Client) -> None:
    lesson_observe(
        actor=schools["bureau"],
        school=schools.school,
        teacher=schools["head"],
        subject="语文",
        observed_on=schools.today,
        score=88,
        suggestions="好",
        sheet=_sheet(),
    )
    client.force_login(schools["bureau"])
    answer = client.get(reverse("schools:lessons_export"))
    assert answer.status_code == 200
    sheet = load_workbook(BytesIO(answer.content)).active
    assert sheet is not None
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][:5] == ("学校", "授课教师", "学科", "听课日期", "总分")
    assert rows[1][0] == "济源路实验小学" and rows[1][4] == 88 and rows[1][5] == "A"
    page = client.get(reverse("schools:lessons")).content.decode()
    assert "林老师" in page and "88" in page
