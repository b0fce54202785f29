"""What a review of the schools' practice found, held: staff who leave lose their students, the
guardians' link tells nothing, the generic duty API neither writes nor shows students' health,
and odd input is answered, not a 500."""

from __future__ import annotations

import datetime as dt
import uuid
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.test import Client
from django.urls import reverse
from knox.models import AuthToken

from lianfang.core.audit.context import audit_context
from lianfang.core.audit.models import AuditEvent, Outcome
from lianfang.core.duties.models import DutySubject
from lianfang.core.duties.services import duty_exempt, duty_submit
from lianfang.core.people.selectors import person_list
from lianfang.core.regions.models import Membership, Role
from lianfang.schools import guardian
from lianfang.schools.duties import HEALTH_CHECKIN
from lianfang.schools.selectors import absences, students
from lianfang.schools.services import class_checkin, morning_check_submit

from .conftest import SchoolWorld

pytestmark = pytest.mark.django_db


def _checkin(s: SchoolWorld, name: str, ending: str, *, address: str = "10.0.0.1", **content: Any) -> Any:
    with audit_context(ip=address):
        return guardian.guardian_checkin(
            token=guardian.link_token(s.class_a, s.today),
            name=name,
            id_ending=ending,
            content=content or {"temperature": "36.6"},
            client_id=uuid.uuid4(),
        )


def test_a_head_teacher_who_leaves_the_school_loses_its_students(schools: SchoolWorld) -> None:
    morning_check_submit(
        actor=schools["head"],
        school_class=schools.class_a,
        day=schools.today,
        session="morning",
        content={
            "present": 4,
            "absent": 1,
            "entries": [
                {
                    "student": schools.students(schools.class_a)[0].pk,
                    "attendance": "absent",
                    "reason": "illness",
                    "symptoms": ["cough"],
                }
            ],
        },
    )
    assert students(schools["head"], schools.class_a, schools.today).count() == 5
    assert absences(schools["head"]).count() == 1
    Membership.objects.filter(user=schools["head"]).update(valid_until=schools.today - dt.timedelta(days=1))
    # A membership elsewhere does not carry the class along.
    Membership.objects.create(
        user=schools["head"],
        role=Role.UNIT_CONTACT,
        region=schools.world.zhongxin_a,
        unit=schools.school.unit.__class__.objects.create(name="别的学校", region=schools.world.zhongxin_a),
    )
    schools["head"].scope_version += 1
    schools["head"].save()
    assert students(schools["head"], schools.class_a, schools.today).count() == 0
    assert absences(schools["head"]).count() == 0
    with pytest.raises(PermissionDenied):
        class_checkin(
            actor=schools["head"],
            school_class=schools.class_a,
            day=schools.today,
            enrolments=[e.pk for e in schools.students(schools.class_a)],
        )


def test_the_guardians_link_answers_a_bad_temperature_before_looking_for_the_child(schools: SchoolWorld) -> None:
    child = schools.students(schools.class_a)[0]
    answers = []
    for name, ending in ((child.person.name, child.person.document_masked[-4:]), ("无此人", "0000")):
        with pytest.raises(ValidationError) as refused:
            _checkin(schools, name, ending, temperature="99")
        answers.append(refused.value.message_dict)
    assert answers[0] == answers[1] and "temperature" in answers[0]


def test_a_child_with_nothing_owed_today_gets_the_answer_of_a_child_not_found(schools: SchoolWorld) -> None:
    child = schools.students(schools.class_a)[0]
    row = DutySubject.objects.get(duty=HEALTH_CHECKIN.key, subject_id=child.pk)
    duty_exempt(
        actor=schools["head"],
        subject=row.pk,
        starts_on=schools.today,
        ends_on=schools.today,
        reason="leave",
        practice=True,
    )
    with pytest.raises(ValidationError) as exempt:
        _checkin(schools, child.person.name, child.person.document_masked[-4:])
    with pytest.raises(ValidationError) as unknown:
        _checkin(schools, "无此人", "0000")
    assert exempt.value.message_dict == unknown.value.message_dict
    assert AuditEvent.objects.filter(verb=guardian.VERB, outcome=Outcome.DENIED).count() == 2


def test_a_name_with_a_space_is_the_same_name(schools: SchoolWorld) -> None:
    child = schools.students(schools.class_a)[0]
    child.person.name = "阿依古丽 买买提"
    child.person.save(update_fields=["name"])
    assert _checkin(schools, "阿依古丽买买提", child.person.document_masked[-4:])


def test_refusals_count_an_ipv6_address_with_its_64_and_the_class_from_all_addresses(
    schools: SchoolWorld, settings: Any
) -> None:
    settings.GUARDIAN_LINK_TRIES = 3
    for n in range(3):
        with pytest.raises(ValidationError):
            _checkin(schools, "猜", "1234", address=f"2001:db8:1:2::{n + 1}")
    child = schools.students(schools.class_a)[0]
    with pytest.raises(PermissionDenied):
        _checkin(schools, child.person.name, child.person.document_masked[-4:], address="2001:db8:1:2::ff")
    assert _checkin(schools, child.person.name, child.person.document_masked[-4:], address="2001:db8:1:3::1")
    for n in range(12):  # 15 refusals of the class in all, from many addresses: the class's links wait
        with pytest.raises((ValidationError, PermissionDenied)):
            _checkin(schools, "猜", "1234", address=f"10.1.{n}.1")
    with pytest.raises(PermissionDenied):
        _checkin(schools, child.person.name, child.person.document_masked[-4:], address="10.2.0.1")


def test_the_generic_duty_api_neither_writes_nor_shows_students_health(schools: SchoolWorld) -> None:
    child = schools.students(schools.class_a)[0]
    row = DutySubject.objects.get(duty=HEALTH_CHECKIN.key, subject_id=child.pk)
    with pytest.raises(ValidationError):
        duty_submit(actor=schools["teacher"], subject=row.pk, day=schools.today, session="checkin", content={})
    with pytest.raises(ValidationError):
        duty_exempt(
            actor=schools["teacher"], subject=row.pk, starts_on=schools.today, ends_on=schools.today, reason="leave"
        )
    _checkin(schools, child.person.name, child.person.document_masked[-4:], temperature="37.0", symptoms=["cough"])
    client = Client()
    _token, key = AuthToken.objects.create(user=schools["bureau"])
    answer = client.get(
        f"{reverse('api:duty-submission-list')}?duty={HEALTH_CHECKIN.key}", HTTP_AUTHORIZATION=f"Token {key}"
    )
    assert answer.status_code == 200
    results = answer.json()["results"]
    assert results and all(r["content"] == {} for r in results)


def test_odd_numbers_in_forms_are_answered_not_a_server_error(schools: SchoolWorld, client: Client) -> None:
    client.force_login(schools["head"])
    answer = client.post(reverse("schools:class_checkin", args=[schools.class_a.pk]), {"enrolment": ["²", "9" * 30]})
    assert answer.status_code == 302
    answer = client.post(
        reverse("schools:morning_check", args=[schools.class_a.pk, "morning"]),
        {"add_row": "1", "entries-TOTAL_FORMS": "x", "entries-INITIAL_FORMS": "0"},
    )
    assert answer.status_code == 200


def test_a_contact_who_may_see_minors_elsewhere_does_not_see_the_schools_students(schools: SchoolWorld) -> None:
    teacher = schools["teacher"]
    Membership.objects.create(
        user=teacher, role=Role.SUBDISTRICT_STAFF, region=schools.world.zhongxin, may_view_sensitive=True
    )
    teacher.scope_version += 1
    teacher.save()
    names = set(person_list(teacher).values_list("name", flat=True))
    assert not names & {e.person.name for e in schools.students(schools.class_a)}


def test_a_revealed_people_ledger_still_masks_the_students(schools: SchoolWorld) -> None:
    from io import BytesIO

    from openpyxl import load_workbook

    from lianfang.core.accounts.actors import SystemActor
    from lianfang.core.ledgers.services import ledger_export
    from lianfang.core.people.models import Person
    from lianfang.core.people.services import clean_person, person_register

    adult = clean_person(name="王成年", document_number="11010519491231002X")
    person_register(actor=SystemActor("test"), data=adult, region=schools.world.jiyuan_a)
    sheet = load_workbook(BytesIO(ledger_export(actor=SystemActor("test"), kind="people", reveal=True))).active
    assert sheet is not None
    rows = {row[0]: row for row in sheet.iter_rows(min_row=2, values_only=True)}
    numbers = {name: row[4] for name, row in rows.items()}  # 证件号码, the fifth column
    assert numbers["王成年"] == "11010519491231002X"
    for enrolment in schools.students(schools.class_a):
        assert "*" in str(numbers[enrolment.person.name])
    assert Person.objects.count() == 9


def test_the_missing_list_offers_no_exemption_of_a_duty_kept_by_its_practice(
    schools: SchoolWorld, client: Client
) -> None:
    child = schools.students(schools.class_a)[0]
    row = DutySubject.objects.get(duty=HEALTH_CHECKIN.key, subject_id=child.pk)
    client.force_login(schools.world["commander"])
    assert client.get(reverse("duties:exempt", args=[row.pk])).status_code == 404
    page = client.get(
        f"{reverse('duties:missing')}?duty={HEALTH_CHECKIN.key}&day={schools.today - dt.timedelta(days=1)}"
    )
    assert page.status_code == 200
    assert reverse("duties:exempt", args=[row.pk]) not in page.content.decode()
