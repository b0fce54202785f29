"""Volunteers, tasks and shifts through their services: registration, dispatch, hours, states."""

from __future__ import annotations

import datetime as dt
import uuid
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from lianfang.core.audit.models import AuditEvent, Outcome
from lianfang.core.flows.engine import InvalidTransition
from lianfang.core.idempotency import SubmissionConflict
from lianfang.core.people.models import Person, PersonLink
from lianfang.core.privacy.cipher import decrypt
from lianfang.volunteers.models import Shift, ShiftCheck, TaskKind
from lianfang.volunteers.selectors import volunteer_hours, volunteer_list
from lianfang.volunteers.services import (
    clean_task,
    clean_volunteer,
    shift_check_in,
    shift_check_out,
    shift_correct_hours,
    shift_dispatch,
    shift_sign_up,
    shift_withdraw,
    task_transition,
)
from lianfang.volunteers.states import TaskState
from tests.ids import resident_id
from tests.volunteers.conftest import Corps, new_task, register

pytestmark = pytest.mark.django_db


def _messages(error: pytest.ExceptionInfo[ValidationError]) -> str:
    return " ".join(m for ms in error.value.message_dict.values() for m in ms)


def test_a_volunteer_is_a_person_of_the_registry_with_numbers_encrypted_and_masked(corps: Corps) -> None:
    volunteer = register(corps.user("jiyuan"), "孙八", unit=corps.works, phone="+86 138-0013-8000")
    person = Person.objects.get(pk=volunteer.person_id)
    assert person.phone_masked == "138****8000" and "*" in person.document_masked
    assert decrypt(person.phone_cipher, column="person.phone") == "13800138000"
    assert "13800138000" not in str(Person.objects.filter(pk=person.pk).values().get())
    assert PersonLink.objects.filter(person=person, source="volunteers", region=corps.works.region).exists()
    assert volunteer.region == corps.works.region and volunteer.is_enterprise
    assert AuditEvent.objects.filter(verb="volunteer.register", target_id=str(volunteer.pk)).exists()


def test_a_person_becomes_a_volunteer_only_once(corps: Corps) -> None:
    number = resident_id(dt.date(1990, 1, 2), serial=7)
    register(corps.user("jiyuan"), "周九", community=corps.world.jiyuan_a, document_number=number)
    with pytest.raises(ValidationError) as error:
        register(corps.user("jiyuan"), "周九", community=corps.world.jiyuan_b, document_number=number)
    assert "已登记为志愿者" in _messages(error)


def test_every_wrong_field_of_a_volunteer_is_named_in_chinese(corps: Corps) -> None:
    with pytest.raises(ValidationError) as error:
        clean_volunteer(name="", document_number="4101061996030812", phone="", unit=corps.shop)
    fields = error.value.message_dict
    assert {"name", "document_number", "phone", "unit"} <= set(fields)
    assert "不是企业" in " ".join(fields["unit"]) and "手机号" in " ".join(fields["phone"])
    with pytest.raises(ValidationError) as error:
        clean_volunteer(name="孙八", document_number=resident_id(), phone="13800138000")
    assert "organisation" in error.value.message_dict


def test_a_known_resident_keeps_their_address_when_registered_as_a_volunteer(corps: Corps) -> None:
    from lianfang.core.people.services import clean_person, person_register

    number = resident_id(dt.date(1980, 5, 5), serial=31)
    data = clean_person(name="吴十", document_number=number, address="济源路8号", home_region=corps.world.jiyuan_a)
    person, _ = person_register(actor=corps.user("jiyuan"), data=data, region=corps.world.jiyuan)
    volunteer = register(corps.user("jiyuan"), "吴十", community=corps.world.jiyuan_a, document_number=number)
    person.refresh_from_db()
    assert volunteer.person_id == person.pk and person.address == "济源路8号"


def test_an_enterprise_contact_registers_their_own_volunteers_only(corps: Corps) -> None:
    volunteer = register(corps.user("qiye"), "钱十一", unit=corps.works)
    assert volunteer in volunteer_list(corps.user("qiye"))
    with pytest.raises(PermissionDenied):
        register(corps.user("qiye"), "钱十二", unit=corps.hongda)
    with pytest.raises(PermissionDenied):
        register(corps.user("zx"), "钱十三", community=corps.world.jiyuan_a)


def test_dispatching_more_volunteers_than_needed_is_refused_as_a_whole(corps: Corps) -> None:
    task = new_task(corps.user("jiyuan"), corps.world.jiyuan_a, needed=3)
    shift_dispatch(actor=corps.user("jiyuan"), task=task, volunteers=[corps["张一"]])
    with pytest.raises(ValidationError) as error:
        shift_dispatch(actor=corps.user("jiyuan"), task=task, volunteers=[corps["张二"], corps["张三"], corps["李四"]])
    assert "最多还能派2人" in _messages(error) and "不能派3人" in _messages(error)
    assert Shift.objects.filter(task=task).count() == 1


def test_the_task_fills_with_its_last_place_and_recruits_again_when_one_frees_up(corps: Corps) -> None:
    jiyuan = corps.user("jiyuan")
    task = new_task(jiyuan, corps.world.jiyuan_a, needed=2)
    first, _second = shift_dispatch(actor=jiyuan, task=task, volunteers=[corps["张一"], corps["张二"]])
    task.refresh_from_db()
    assert task.state == TaskState.FULL
    with pytest.raises(ValidationError) as error:
        shift_sign_up(actor=corps.user("qiye"), task=task, volunteer=corps["张三"])
    assert "已满员" in _messages(error)
    shift_withdraw(actor=jiyuan, shift=first, reason="身体不适")
    task.refresh_from_db()
    assert task.state == TaskState.OPEN
    shift, created = shift_sign_up(actor=corps.user("qiye"), task=task, volunteer=corps["张三"])
    assert created and shift.source == "signed_up"
    assert list(
        AuditEvent.objects.filter(verb__startswith="volunteer_task.").values_list("verb", flat=True).order_by("id")
    ) == ["volunteer_task.create", "volunteer_task.fill", "volunteer_task.free", "volunteer_task.fill"]


def test_check_in_and_out_log_the_hours_to_a_tenth_of_an_hour(corps: Corps) -> None:
    jiyuan = corps.user("jiyuan")
    task = new_task(jiyuan, corps.world.jiyuan_a, starts=timezone.now() - dt.timedelta(hours=5), hours=6)
    (shift,) = shift_dispatch(actor=jiyuan, task=task, volunteers=[corps["张一"]])
    start = task.starts_at + dt.timedelta(minutes=5)
    shift, created = shift_check_in(actor=jiyuan, shift=shift, at=start)
    assert created and shift.status == "checked_in" and shift.hours is None
    shift, _ = shift_check_out(actor=jiyuan, shift=shift, at=start + dt.timedelta(hours=3, minutes=20))
    assert shift.hours == Decimal("3.3") and shift.status == "checked_out"
    assert volunteer_hours(corps["张一"]) == Decimal("3.3")
    assert ShiftCheck.objects.filter(shift=shift).count() == 2


def test_staff_correct_hours_with_a_reason_and_the_correction_is_audited(corps: Corps) -> None:
    jiyuan = corps.user("jiyuan")
    task = new_task(jiyuan, corps.world.jiyuan_a)
    (shift,) = shift_dispatch(actor=jiyuan, task=task, volunteers=[corps["张一"]])
    with pytest.raises(ValidationError) as error:
        shift_correct_hours(actor=jiyuan, shift=shift, hours="4", reason="", version=shift.version)
    assert "请填写理由" in _messages(error)
    with pytest.raises(ValidationError):
        shift_correct_hours(actor=jiyuan, shift=shift, hours="25", reason="补录", version=shift.version)
    with pytest.raises(PermissionDenied):
        shift_correct_hours(actor=corps.user("qiye"), shift=shift, hours="4", reason="补录", version=shift.version)
    corrected = shift_correct_hours(actor=jiyuan, shift=shift, hours="4.0", reason="手机没电，补录", version=1)
    assert corrected.hours == Decimal("4.0") and corrected.hours_corrected
    event = AuditEvent.objects.get(verb="volunteer_shift.correct_hours", outcome=Outcome.OK)
    assert AuditEvent.objects.filter(verb="volunteer_shift.correct_hours", outcome=Outcome.DENIED).count() == 1
    assert event.before is not None and event.after is not None
    assert event.detail == "手机没电，补录" and event.before["hours"] is None and event.after["hours"] == "4.0"
    from lianfang.core.edits import VersionConflict

    with pytest.raises(VersionConflict):
        shift_correct_hours(actor=jiyuan, shift=shift, hours="5", reason="再改", version=1)


def test_a_resent_check_in_returns_the_first_and_other_content_is_a_conflict(corps: Corps) -> None:
    jiyuan = corps.user("jiyuan")
    task = new_task(jiyuan, corps.world.jiyuan_a)
    shift_a, shift_b = shift_dispatch(actor=jiyuan, task=task, volunteers=[corps["张一"], corps["张二"]])
    client_id = uuid.uuid4()
    first, created = shift_check_in(actor=jiyuan, shift=shift_a, client_id=client_id)
    again, created_again = shift_check_in(actor=jiyuan, shift=shift_a, client_id=client_id)
    assert created and not created_again and again.checked_in_at == first.checked_in_at
    with pytest.raises(SubmissionConflict):
        shift_check_in(actor=jiyuan, shift=shift_b, client_id=client_id)
    with pytest.raises(ValidationError) as error:
        shift_check_in(actor=jiyuan, shift=shift_a, client_id=uuid.uuid4())
    assert "已于" in _messages(error) and "签到" in _messages(error)
    assert ShiftCheck.objects.count() == 1


def test_a_check_out_sooner_than_the_shortest_shift_is_refused_and_records_nothing(
    corps: Corps, settings: object
) -> None:
    settings.MIN_SHIFT_HOURS = Decimal("0.5")  # type: ignore[attr-defined]
    jiyuan = corps.user("jiyuan")
    task = new_task(jiyuan, corps.world.jiyuan_a, starts=timezone.now() - dt.timedelta(hours=2))
    (shift,) = shift_dispatch(actor=jiyuan, task=task, volunteers=[corps["张一"]])
    start = task.starts_at
    shift, _ = shift_check_in(actor=jiyuan, shift=shift, at=start)
    with pytest.raises(ValidationError) as error:
        shift_check_out(actor=jiyuan, shift=shift, at=start + dt.timedelta(minutes=29))
    assert list(error.value.message_dict) == ["at"]
    assert "0.5" in _messages(error) and timezone.localtime(start + dt.timedelta(minutes=30)).strftime("%H:%M") in (
        _messages(error)
    )
    shift.refresh_from_db()
    assert shift.checked_out_at is None and shift.hours is None
    assert not ShiftCheck.objects.filter(shift=shift, kind="check_out").exists()
    shift, _ = shift_check_out(actor=jiyuan, shift=shift, at=start + dt.timedelta(minutes=30))
    assert shift.hours == Decimal("0.5")


def test_the_shortest_shift_is_a_setting(corps: Corps, settings: object) -> None:
    settings.MIN_SHIFT_HOURS = Decimal("2")  # type: ignore[attr-defined]
    jiyuan = corps.user("jiyuan")
    task = new_task(jiyuan, corps.world.jiyuan_a, starts=timezone.now() - dt.timedelta(hours=3))
    (shift,) = shift_dispatch(actor=jiyuan, task=task, volunteers=[corps["张一"]])
    shift, _ = shift_check_in(actor=jiyuan, shift=shift, at=task.starts_at)
    with pytest.raises(ValidationError) as error:
        shift_check_out(actor=jiyuan, shift=shift, at=task.starts_at + dt.timedelta(hours=1, minutes=59))
    assert list(error.value.message_dict) == ["at"]
    shift, _ = shift_check_out(actor=jiyuan, shift=shift, at=task.starts_at + dt.timedelta(hours=2))
    assert shift.hours == Decimal("2.0")


def test_check_in_is_open_from_two_hours_before_the_start_until_the_end(corps: Corps) -> None:
    jiyuan = corps.user("jiyuan")
    later = new_task(jiyuan, corps.world.jiyuan_a, starts=timezone.now() + dt.timedelta(hours=5))
    (shift,) = shift_dispatch(actor=jiyuan, task=later, volunteers=[corps["张一"]])
    with pytest.raises(ValidationError) as error:
        shift_check_in(actor=jiyuan, shift=shift)
    assert "任务开始前2小时" in _messages(error)
    with pytest.raises(ValidationError) as error:
        shift_check_in(actor=jiyuan, shift=shift, at=timezone.now() + dt.timedelta(hours=4))
    assert "晚于现在" in _messages(error)
    with pytest.raises(ValidationError) as error:
        shift_check_out(actor=jiyuan, shift=shift)
    assert "请先签到" in _messages(error)


def test_finishing_and_cancelling_follow_the_table_of_states(corps: Corps) -> None:
    jiyuan = corps.user("jiyuan")
    task = new_task(jiyuan, corps.world.jiyuan_a)
    with pytest.raises(ValidationError):
        task_transition(actor=jiyuan, task=task, name="cancel", version=task.version)
    with pytest.raises(InvalidTransition):
        task_transition(actor=jiyuan, task=task, name="fill", version=task.version)
    with pytest.raises(PermissionDenied):
        task_transition(actor=corps.user("auditor"), task=task, name="finish", version=task.version)
    done = task_transition(actor=jiyuan, task=task, name="finish", version=task.version)
    assert done.state == TaskState.DONE
    with pytest.raises(InvalidTransition):
        task_transition(actor=jiyuan, task=done, name="cancel", version=done.version, reason="重复")
    with pytest.raises(ValidationError) as error:
        shift_dispatch(actor=jiyuan, task=done, volunteers=[corps["张一"]])
    assert "已结束" in _messages(error)


def test_a_task_is_checked_before_it_is_created(corps: Corps) -> None:
    now = timezone.now()
    with pytest.raises(ValidationError) as error:
        clean_task(
            kind="party",
            title="",
            place="",
            region=None,
            starts_at=now,
            ends_at=now - dt.timedelta(hours=1),
            people_needed=0,
            invited_units=[corps.shop],
        )
    assert {"kind", "title", "place", "region", "ends_at", "people_needed", "invited_units"} <= set(
        error.value.message_dict
    )
    with pytest.raises(ValidationError) as error:
        clean_task(
            kind=TaskKind.DOOR_VISIT,
            title="入户排查",
            place="登封路",
            region=corps.world.jiyuan_b,
            starts_at=now,
            ends_at=now + dt.timedelta(hours=30),
            people_needed=2,
            organiser=corps.user("zx"),
        )
    assert {"ends_at", "organiser"} == set(error.value.message_dict)


def test_only_active_volunteers_not_yet_on_the_task_are_dispatched(corps: Corps) -> None:
    from lianfang.volunteers.services import volunteer_update

    jiyuan = corps.user("jiyuan")
    task = new_task(jiyuan, corps.world.jiyuan_a, needed=5)
    shift_dispatch(actor=jiyuan, task=task, volunteers=[corps["张一"]])
    with pytest.raises(ValidationError) as error:
        shift_dispatch(actor=jiyuan, task=task, volunteers=[corps["张一"]])
    assert "张一" in _messages(error)
    resting = volunteer_update(
        actor=jiyuan, volunteer=corps["李四"], skills="", availability="weekends", is_active=False, version=1
    )
    with pytest.raises(ValidationError) as error:
        shift_dispatch(actor=jiyuan, task=task, volunteers=[resting])
    assert "李四" in _messages(error)
    with pytest.raises(ValidationError):
        shift_dispatch(actor=jiyuan, task=task, volunteers=[corps["赵七"]])  # 中心路: not in view
