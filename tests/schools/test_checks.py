"""健康打卡 and 晨午检 in a school: the guardians' link, the head teacher's entries, the 晨午检's
rules (WS/T 772-2020), and what is refused with nothing half-written."""

from __future__ import annotations

import datetime as dt
import uuid
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.test import Client
from django.urls import reverse

from lianfang.core.audit.context import audit_context
from lianfang.core.audit.models import AuditEvent, Outcome
from lianfang.core.calendar.days import calendar_changed
from lianfang.core.calendar.models import DayKind
from lianfang.core.calendar.services import calendar_day_save
from lianfang.core.duties.models import Submission
from lianfang.core.duties.services import duty_submit
from lianfang.schools import guardian
from lianfang.schools.duties import HEALTH_CHECKIN, MORNING_NOON_CHECK
from lianfang.schools.models import Absence, CheckFinding
from lianfang.schools.selectors import checkin_missing, class_days, unreported
from lianfang.schools.services import class_checkin, morning_check_submit

from .conftest import SYSTEM, SchoolWorld

pytestmark = pytest.mark.django_db


def _link(s: SchoolWorld, day: dt.date | None = None) -> str:
    return guardian.link_token(s.class_a, day or s.today)


def _checkin(s: SchoolWorld, name: str, ending: str, *, address: str = "10.0.0.1", token: str | None = None) -> Any:
    with audit_context(ip=address):
        return guardian.guardian_checkin(
            token=token or _link(s),
            name=name,
            id_ending=ending,
            content={"temperature": "36.5"},
            client_id=uuid.uuid4(),
        )


def test_a_guardian_checks_a_child_in_through_the_class_link(schools: SchoolWorld) -> None:
    child = schools.students(schools.class_a)[0]
    submission = _checkin(schools, child.person.name, child.person.document_masked[-4:])
    assert submission.duty == HEALTH_CHECKIN.key and submission.day == schools.today
    assert submission.content == {"temperature": "36.5"}
    row = next(r for r in class_days(schools["head"], schools.today) if r.school_class == schools.class_a)
    assert (row.checked_in, row.enrolled) == (1, 5)
    assert AuditEvent.objects.filter(verb="duty.submit", actor_name="system:guardian_link").count() == 1


def test_the_guardians_page_checks_a_child_in_without_an_account(schools: SchoolWorld, client: Client) -> None:
    child = schools.students(schools.class_a)[1]
    url = reverse("schools:guardian", args=[_link(schools)])
    assert "济源路实验小学" in client.get(url).content.decode()
    answer = client.post(
        url, {"name": child.person.name, "id_ending": child.person.document_masked[-4:], "client_id": str(uuid.uuid4())}
    )
    assert 'data-testid="checked-in"' in answer.content.decode()


def test_a_link_of_another_day_is_refused_as_expired(schools: SchoolWorld, client: Client) -> None:
    child = schools.students(schools.class_a)[0]
    yesterday = _link(schools, schools.today - dt.timedelta(days=1))
    with pytest.raises(guardian.LinkExpired):
        _checkin(schools, child.person.name, child.person.document_masked[-4:], token=yesterday)
    assert client.get(reverse("schools:guardian", args=[yesterday])).status_code == 410
    assert client.get(reverse("schools:guardian", args=[_link(schools) + "x"])).status_code == 410
    assert not Submission.objects.filter(duty=HEALTH_CHECKIN.key).exists()


def test_a_wrong_name_a_wrong_ending_and_another_class_get_the_same_answer(schools: SchoolWorld) -> None:
    mine = schools.students(schools.class_a)[0]
    other = schools.students(schools.class_b)[0]
    answers = []
    for name, ending in (
        (mine.person.name, "0000"),
        ("无此人", mine.person.document_masked[-4:]),
        (other.person.name, other.person.document_masked[-4:]),
    ):
        with pytest.raises(ValidationError) as refused:
            _checkin(schools, name, ending)
        answers.append(refused.value.message_dict)
    assert answers[0] == answers[1] == answers[2]
    assert "name" in answers[0]
    assert AuditEvent.objects.filter(verb=guardian.VERB, outcome=Outcome.DENIED, ip="10.0.0.1").count() == 3
    assert not Submission.objects.filter(duty=HEALTH_CHECKIN.key).exists()


def test_an_address_refused_too_often_is_refused_for_a_while(schools: SchoolWorld, settings: Any) -> None:
    settings.GUARDIAN_LINK_TRIES = 3
    child = schools.students(schools.class_a)[0]
    for _n in range(3):
        with pytest.raises(ValidationError):
            _checkin(schools, "猜名字", "1234", address="10.9.9.9")
    with pytest.raises(PermissionDenied):
        _checkin(schools, child.person.name, child.person.document_masked[-4:], address="10.9.9.9")
    # Another address is not held back.
    assert _checkin(schools, child.person.name, child.person.document_masked[-4:], address="10.9.9.8")


def test_the_head_teacher_enters_the_rest_of_the_class_but_not_another_class(schools: SchoolWorld) -> None:
    a = schools.students(schools.class_a)
    _checkin(schools, a[0].person.name, a[0].person.document_masked[-4:])
    n = class_checkin(
        actor=schools["head"], school_class=schools.class_a, day=schools.today, enrolments=[e.pk for e in a]
    )
    assert n == 4  # the guardian's check-in is kept
    assert checkin_missing(schools["head"], schools.class_a, schools.today) == []
    b = schools.students(schools.class_b)
    with pytest.raises(ValidationError):
        class_checkin(actor=schools["head"], school_class=schools.class_a, day=schools.today, enrolments=[b[0].pk])
    with pytest.raises(PermissionDenied):
        class_checkin(actor=schools["head"], school_class=schools.class_b, day=schools.today, enrolments=[b[0].pk])
    assert Submission.objects.filter(duty=HEALTH_CHECKIN.key, subject__subject_id=b[0].pk).count() == 0


def _report(
    s: SchoolWorld,
    entries: list[dict[str, Any]],
    *,
    absent: int | None = None,
    session: str = "morning",
    day: dt.date | None = None,
    actor: Any = None,
) -> tuple[Submission, bool]:
    absent = sum(1 for e in entries if e.get("attendance") == "absent") if absent is None else absent
    return morning_check_submit(
        actor=actor or s["head"],
        school_class=s.class_a,
        day=day or s.today,
        session=session,
        content={"present": 5 - absent, "absent": absent, "entries": entries},
    )


def _fever(student: Any, temperature: str = "38.2", retest: str | None = None, action: str = "") -> dict[str, Any]:
    return {
        "student": student.pk,
        "attendance": "unwell",
        "temperature": temperature,
        "retest": retest,
        "action": action,
        "symptoms": [],
    }


def test_a_fever_needs_a_retest_before_the_check_is_taken(schools: SchoolWorld) -> None:
    child = schools.students(schools.class_a)[0]
    with pytest.raises(ValidationError) as refused:
        _report(schools, [_fever(child, action="observation")])
    assert "retest" in " ".join(refused.value.message_dict["entries"]) or "复测" in " ".join(
        refused.value.message_dict["entries"]
    )
    assert not Submission.objects.filter(duty=MORNING_NOON_CHECK.key).exists()
    submission, created = _report(schools, [_fever(child, retest="38.0", action="observation")])
    assert created
    finding = CheckFinding.objects.get(submission=submission)
    assert finding.symptoms == ["fever"] and str(finding.retest) == "38.0"


def test_a_retest_that_still_shows_a_fever_leads_to_observation(schools: SchoolWorld) -> None:
    child = schools.students(schools.class_a)[0]
    with pytest.raises(ValidationError):
        _report(schools, [_fever(child, retest="37.9", action="back_to_class")])
    submission, _created = _report(schools, [_fever(child, retest="36.8", action="back_to_class")])
    assert CheckFinding.objects.get(submission=submission).symptoms == []


@pytest.mark.parametrize("temperature", ["33.9", "43.1", "高烧", "nan"])
def test_a_temperature_outside_34_to_43_is_refused(schools: SchoolWorld, temperature: str) -> None:
    child = schools.students(schools.class_a)[0]
    with pytest.raises(ValidationError) as refused:
        _report(schools, [_fever(child, temperature=temperature, retest="36.5", action="observation")])
    assert "entries" in refused.value.message_dict
    assert not Submission.objects.filter(duty=MORNING_NOON_CHECK.key).exists()


def test_an_absence_without_a_reason_is_refused_naming_the_student_row(schools: SchoolWorld) -> None:
    child = schools.students(schools.class_a)[0]
    with pytest.raises(ValidationError) as refused:
        _report(schools, [{"student": child.pk, "attendance": "absent", "reason": ""}])
    assert any("1" in m for m in refused.value.message_dict["entries"])


def test_a_student_twice_in_one_report_is_refused(schools: SchoolWorld) -> None:
    child = schools.students(schools.class_a)[0]
    twice = [{"student": child.pk, "attendance": "absent", "reason": "personal"}] * 2
    with pytest.raises(ValidationError) as refused:
        _report(schools, twice)
    assert any("2" in m for m in refused.value.message_dict["entries"])


def test_a_student_of_another_class_is_refused_and_nothing_is_written(schools: SchoolWorld) -> None:
    stranger = schools.students(schools.class_b)[0]
    with pytest.raises(ValidationError):
        _report(schools, [{"student": stranger.pk, "attendance": "absent", "reason": "illness"}])
    assert not Submission.objects.filter(duty=MORNING_NOON_CHECK.key).exists()
    assert not CheckFinding.objects.exists() and not Absence.objects.exists()


def test_counts_that_miss_the_headcount_are_refused(schools: SchoolWorld) -> None:
    with pytest.raises(ValidationError) as refused:
        morning_check_submit(
            actor=schools["head"],
            school_class=schools.class_a,
            day=schools.today,
            session="morning",
            content={"present": 4, "absent": 0, "entries": []},
        )
    assert "present" in refused.value.message_dict
    assert not Submission.objects.filter(duty=MORNING_NOON_CHECK.key).exists()


def test_a_morning_check_on_a_non_school_day_is_refused(schools: SchoolWorld) -> None:
    holiday = schools.today - dt.timedelta(days=1)
    calendar_day_save(actor=SYSTEM, day=holiday, kind=DayKind.DAY_OFF, name="假日")
    calendar_changed()
    with pytest.raises(ValidationError) as refused:
        _report(schools, [], day=holiday)
    assert "day" in refused.value.message_dict


def test_a_zero_report_is_filed_when_all_are_present_and_well(schools: SchoolWorld) -> None:
    submission, created = _report(schools, [])
    assert created and submission.zero_report and submission.content["present"] == 5


def test_only_the_class_staff_report_its_checks(schools: SchoolWorld) -> None:
    with pytest.raises(PermissionDenied):
        _report(schools, [], actor=schools["head2"])
    assert _report(schools, [], actor=schools["teacher"])[1]


def test_the_generic_submission_api_refuses_a_morning_check(schools: SchoolWorld) -> None:
    from lianfang.core.duties.models import DutySubject

    row = DutySubject.objects.get(duty=MORNING_NOON_CHECK.key, subject_id=schools.class_a.pk)
    with pytest.raises(ValidationError) as refused:
        duty_submit(
            actor=schools["head"],
            subject=row.pk,
            day=schools.today,
            session="morning",
            content={"present": 5, "absent": 0, "entries": []},
        )
    assert "subject" in refused.value.message_dict


def test_the_missing_list_empties_as_the_classes_report(schools: SchoolWorld) -> None:
    """The school's 晨检 list: both classes, then one, then none (once the morning is due)."""
    late = dt.datetime.combine(schools.today, dt.time(23, 0)).astimezone()
    from lianfang.core.duties.selectors import missing

    def names() -> list[str]:
        rows = missing(schools["officer"], MORNING_NOON_CHECK, schools.today, now=late)
        return sorted(m.name for m in rows if m.session == "morning")

    assert len(names()) == 2
    _report(schools, [])
    assert len(names()) == 1
    morning_check_submit(
        actor=schools["head2"],
        school_class=schools.class_b,
        day=schools.today,
        session="morning",
        content={"present": 3, "absent": 0, "entries": []},
    )
    assert names() == []
    # The school's own list holds what is owed today even before it is due: the noon checks.
    left = unreported(class_days(schools["officer"], schools.today), schools.today, now=late)
    assert sorted((u.school_class.number, u.session, u.overdue) for u in left) == [(1, "noon", True), (2, "noon", True)]
