"""Absences for illness followed until the student returns, cluster alerts, and who sees students."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from lianfang.core.calendar.days import calendar_changed
from lianfang.core.calendar.services import epidemic_declare
from lianfang.core.cases.models import Case
from lianfang.core.figures.registry import Period
from lianfang.core.figures.selectors import figure_drill_down, figure_values
from lianfang.core.notices.models import Notification
from lianfang.core.regions.scoping import scope_for
from lianfang.schools.case_kinds import CLUSTER_KIND
from lianfang.schools.models import Absence, AbsenceState, ClusterAlert, Enrolment
from lianfang.schools.selectors import absences, findings, students
from lianfang.schools.services import absence_certificate, absence_move, morning_check_submit

from .conftest import SYSTEM, SchoolWorld

pytestmark = pytest.mark.django_db


def _png() -> bytes:
    from io import BytesIO

    from PIL import Image

    out = BytesIO()
    Image.new("RGB", (40, 30), (200, 200, 200)).save(out, "PNG")
    return out.getvalue()


def _ill(
    s: SchoolWorld,
    who: list[Enrolment],
    *,
    day: dt.date | None = None,
    session: str = "morning",
    symptom: str = "fever",
    covid: bool = False,
) -> Any:
    entries = [
        {"student": e.pk, "attendance": "absent", "reason": "illness", "symptoms": [symptom], "suspected_covid": covid}
        for e in who
    ]
    return morning_check_submit(
        actor=SYSTEM,
        school_class=who[0].school_class,
        day=day or s.today,
        session=session,
        content={"present": 5 - len(who), "absent": len(who), "entries": entries},
    )


def test_an_absence_for_illness_is_registered_and_followed_until_the_student_returns(schools: SchoolWorld) -> None:
    child = schools.students(schools.class_a)[0]
    _ill(schools, [child], symptom="cough")
    absence = Absence.objects.get(enrolment=child)
    assert absence.state == AbsenceState.REGISTERED and absence.symptoms == ["cough"]
    _ill(schools, [child], session="noon", symptom="cough")  # still away at noon: the same absence
    assert Absence.objects.filter(enrolment=child).count() == 1
    with pytest.raises(PermissionDenied):
        absence_move(actor=schools["head2"], absence=absence, transition="track", version=None, note="随访")
    absence = absence_move(
        actor=schools["head"], absence=absence, transition="track", version=None, note="电话随访，低热"
    )
    absence = absence_move(
        actor=schools["head"], absence=absence, transition="conclude", version=None, diagnosis="感冒"
    )
    with pytest.raises(ValidationError):
        absence_move(actor=schools["head"], absence=absence, transition="back", version=None)
    absence = absence_move(
        actor=schools["head"], absence=absence, transition="back", version=None, returned_on=schools.today
    )
    assert absence.state == AbsenceState.RETURNED and absence.returned_on == schools.today


def test_a_return_after_an_infectious_disease_needs_the_certificate_checked(schools: SchoolWorld) -> None:
    child = schools.students(schools.class_a)[0]
    _ill(schools, [child], symptom="rash")
    absence = Absence.objects.get(enrolment=child)
    absence = absence_move(actor=schools["head"], absence=absence, transition="track", version=None, note="出疹")
    absence = absence_move(
        actor=schools["head"], absence=absence, transition="conclude", version=None, diagnosis="水痘", infectious=True
    )
    with pytest.raises(ValidationError) as refused:
        absence_move(actor=schools["head"], absence=absence, transition="back", version=None, returned_on=schools.today)
    assert "certificate" in refused.value.message_dict
    upload = SimpleUploadedFile("复课证明.png", _png(), content_type="image/png")
    with pytest.raises(PermissionDenied):
        absence_certificate(actor=schools["head"], absence=absence, upload=upload)
    absence = absence_certificate(actor=schools["officer"], absence=absence, upload=upload)
    done = absence_move(
        actor=schools["head"], absence=absence, transition="back", version=None, returned_on=schools.today
    )
    assert done.state == AbsenceState.RETURNED and done.certificate_checked_by == schools["officer"]


def test_three_feverish_students_in_a_day_raise_an_alert_for_the_health_officer(schools: SchoolWorld) -> None:
    a = schools.students(schools.class_a)
    _ill(schools, a[:2])
    assert not ClusterAlert.objects.exists()
    epidemic_declare(actor=SYSTEM, starts_on=schools.today, level="2", note="应急")
    calendar_changed()
    before = timezone.now()
    _ill(schools, a[:3], session="noon")
    alert = ClusterAlert.objects.get()
    assert (alert.students, alert.symptom) == (3, "fever")
    case = alert.case
    assert (
        case.kind == CLUSTER_KIND.key
        and case.assignee == schools["officer"]
        and case.owner_unit_id == schools.school.pk
    )
    assert dt.timedelta(minutes=59) < alert.due_at - before < dt.timedelta(minutes=61)
    assert "张小明" not in case.title + case.description  # the class and the count, never a name
    told = set(Notification.objects.filter(key=f"schools:cluster:{alert.pk}").values_list("user__username", flat=True))
    assert told == {"bureau", "bureau_sensitive", "cdc", "officer"}
    # A fourth that day raises nothing more.
    _ill(schools, a[:4], session="noon")
    assert ClusterAlert.objects.count() == 1


def test_outside_an_epidemic_period_an_alert_is_due_in_a_day(schools: SchoolWorld) -> None:
    before = timezone.now()
    _ill(schools, schools.students(schools.class_a)[:3], symptom="diarrhoea")
    alert = ClusterAlert.objects.get()
    assert dt.timedelta(hours=23, minutes=59) < alert.due_at - before < dt.timedelta(hours=24, minutes=1)


def test_five_in_three_days_raise_an_alert(schools: SchoolWorld) -> None:
    a = schools.students(schools.class_a)
    from lianfang.schools.clusters import gatherings
    from lianfang.schools.models import CheckFinding

    # Two students two days ago and two yesterday (as findings of reports then), one today.
    _ill(schools, a[:1], symptom="vomiting")
    first = CheckFinding.objects.get()
    for offset, who in ((2, a[1:3]), (1, a[3:5])):
        for e in who:
            CheckFinding.objects.create(
                submission=first.submission,
                school_class=schools.class_a,
                enrolment=e,
                day=schools.today - dt.timedelta(days=offset),
                session="morning",
                attendance="absent",
                reason="illness",
                symptoms=["vomiting"],
            )
    found = gatherings(schools.class_a, schools.today)
    assert [(g.symptom, g.students) for g in found] == [("vomiting", 5)]


def test_a_suspected_covid_case_alerts_at_once(schools: SchoolWorld) -> None:
    _ill(schools, schools.students(schools.class_a)[:1], symptom="cough", covid=True)
    alert = ClusterAlert.objects.get()
    assert alert.symptom == "covid" and alert.students == 1
    assert Case.objects.filter(kind=CLUSTER_KIND.key).count() == 1


def test_students_reach_only_their_class_teachers_the_health_officer_and_sensitive_roles(schools: SchoolWorld) -> None:
    _ill(schools, schools.students(schools.class_a)[:1], symptom="cough")
    day = schools.today
    seen = {
        name: students(schools[name], schools.class_a, day).count()
        for name in ("head", "teacher", "officer", "head2", "bureau", "bureau_sensitive", "cdc")
    }
    assert seen == {"head": 5, "teacher": 5, "officer": 5, "head2": 0, "bureau": 0, "bureau_sensitive": 5, "cdc": 0}
    assert findings(schools["head2"]).count() == 0 and findings(schools["bureau"]).count() == 0
    assert absences(schools["head"]).count() == 1 and absences(schools.world["jiyuan"]).count() == 0
    assert students(schools.world["commander"], schools.class_a, day).count() == 5


def test_a_district_officials_drill_down_shows_classes_not_a_students_name(schools: SchoolWorld) -> None:
    """区教育局's officer (no sensitive records) drills into 晨午检 completeness and the absences:
    classes with their counts, never a student's name."""
    _ill(schools, schools.students(schools.class_a)[:1], symptom="cough")
    official = scope_for(schools["bureau"])
    region = schools.world.district
    period = Period.day(schools.today)
    names = {e.person.name for e in Enrolment.objects.select_related("person")}
    for key in (
        "schools.morning_noon_completeness",
        "schools.checkin_completeness",
        "schools.absences_open",
        "schools.students_enrolled",
    ):
        drill = figure_drill_down(scope=official, key=key, period=period, region=region)
        assert drill is not None
        cells = [str(cell) for row in drill.table(drill.rows) for cell in row]
        assert not names & set(cells), key
        assert not any(name in cell for cell in cells for name in names), key
    values = {v.figure.key: v.value for v in figure_values(scope=official, period=period, region=region)}
    assert values["schools.students_enrolled"] == 8 and values["schools.absences_open"] == 1
    drill = figure_drill_down(scope=official, key="schools.absences_open", period=period, region=region)
    assert drill is not None
    [(school, _grade, number, head, count)] = drill.table(drill.rows)
    assert (school, number, head, count) == ("济源路实验小学", 1, "林老师", 1)


def test_the_bureau_and_disease_control_open_the_alert_and_the_bureau_follows_its_case(
    schools: SchoolWorld, client: Any
) -> None:
    from django.urls import reverse

    _ill(schools, schools.students(schools.class_a)[:3])
    alert = ClusterAlert.objects.get()
    url = reverse("schools:alert", args=[alert.pk])
    for name, sees_case in (("bureau", True), ("cdc", False), ("officer", True)):
        client.force_login(schools[name])
        page = client.get(url)
        assert page.status_code == 200, name
        assert ('data-testid="case-link"' in page.content.decode()) is sees_case, name
        assert "张小明" not in page.content.decode()
    client.force_login(schools.world["jiyuan"])  # the subdistrict sees it in its region
    assert client.get(url).status_code == 200
    client.force_login(schools.world["market"])  # another bureau does not
    assert client.get(url).status_code == 404
    assert alert.case.owner_department == schools.education
