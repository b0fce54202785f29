"""Retiring personal data when its purpose ends (core/retention): the periods, the people held and
released, the anonymised records, the audit row of each run, and the figures of a closed period,
which retirement leaves as they were."""

from __future__ import annotations

import datetime as dt
import io
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured, PermissionDenied, ValidationError
from django.core.management import call_command
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from lianfang.core.audit.models import AuditEvent
from lianfang.core.demo.loading import DemoContext, load_demo
from lianfang.core.duties.models import Submission
from lianfang.core.figures.registry import Period, registry
from lianfang.core.figures.rollups import rollup_regions
from lianfang.core.people.models import Person, PersonLink
from lianfang.core.people.retention import person_relations, unheld
from lianfang.core.people.services import clean_person, person_register, person_update, person_withdraw
from lianfang.core.regions.scoping import Scope
from lianfang.core.retention.policies import KEEP, policies
from lianfang.core.retention.services import retention_run
from lianfang.schools.duties import HEALTH_CHECKIN, MORNING_NOON_CHECK
from lianfang.schools.models import Absence, AbsenceState, CheckFinding, Enrolment
from lianfang.settings import env_retention
from tests.ids import resident_id
from tests.schools.conftest import build_schools
from tests.world import World

pytestmark = pytest.mark.django_db

ID = resident_id(dt.date(1979, 3, 8))
PHONE = "13912345678"
DOCS = Path(__file__).resolve().parents[2] / "docs" / "data-protection.md"


def _register(world: World, actor: str = "jiyuan", number: str = ID) -> Person:
    data = clean_person(
        name="李四", document_number=number, phone=PHONE, address="济源路2号", home_region=world.jiyuan_a
    )
    person, _how = person_register(actor=world[actor], data=data, region=world.jiyuan)
    return person


def _retired(outcomes: list[Any], key: str) -> int:
    return next(o.rows for o in outcomes if o.policy.key == key)


def _in(days: int) -> dt.date:
    return timezone.localdate() + dt.timedelta(days=days)


def test_a_person_is_anonymised_a_year_after_their_last_registration_was_withdrawn(world: World) -> None:
    person = _register(world)
    assert person_withdraw(actor=world["jiyuan"], person=person, reason="已返回原籍") == 1
    assert not PersonLink.objects.filter(person=person).exists()
    assert _retired(retention_run(apply=True, today=_in(300)), "people.unlinked") == 0  # not a year yet
    outcomes = retention_run(apply=True, today=_in(367))
    assert _retired(outcomes, "people.unlinked") == 1
    person.refresh_from_db()
    assert person.is_retired and person.name == f"匿名{person.pk}"
    assert (person.document_cipher, person.document_masked, person.phone_cipher, person.phone_masked) == ("",) * 4
    assert person.phone_index == "" and person.address == "" and person.document_index == f"retired:{person.pk}"
    assert person.birth_date == dt.date(1979, 3, 8)  # figures count by age; alone it names no one
    # The same number registered again is a new record: the retired one can no longer be found by it.
    again = _register(world)
    assert again.pk != person.pk and again.name == "李四"
    # And a second run finds nothing more to do.
    assert _retired(retention_run(apply=True, today=_in(367)), "people.unlinked") == 0


def _unheld(days: int) -> set[int]:
    cutoff = next(p for p in policies() if p.key == "people.unlinked").cutoff(_in(days))
    assert cutoff is not None
    return set(unheld(cutoff).values_list("pk", flat=True))


def test_a_person_still_registered_or_enrolled_is_kept(world: World) -> None:
    schools = build_schools(world)
    registered = _register(world)
    withdrawn = _register(world, number=resident_id(dt.date(1990, 1, 2)))
    person_withdraw(actor=world["jiyuan"], person=withdrawn, reason="登记有误")
    # A practice's registration holds nothing by itself: its records do, while they have not ended.
    data = clean_person(name="王五", document_number=resident_id(dt.date(2012, 5, 1)), phone="", address="")
    student, _how = person_register(actor=world["jiyuan"], data=data, region=world.jiyuan, source="school")
    assert PersonLink.objects.filter(person=student, source="school").exists()
    assert _unheld(400) == {withdrawn.pk, student.pk}
    enrolment = Enrolment.objects.create(
        person=student, school_class=schools.class_a, number=99, valid_from=timezone.localdate()
    )
    assert _unheld(400) == {withdrawn.pk}
    Enrolment.objects.filter(pk=enrolment.pk).update(valid_until=timezone.localdate())
    assert _unheld(200) == set()  # the withdrawal and the enrolment's end are under a year ago
    assert _unheld(400) == {withdrawn.pk, student.pk}
    assert _retired(retention_run(apply=True, today=_in(400)), "people.unlinked") == 2
    registered.refresh_from_db()
    student.refresh_from_db()
    assert not registered.is_retired and student.is_retired and student.name.startswith("匿名")


def test_only_the_holder_of_a_registration_may_withdraw_it_and_with_a_reason(world: World) -> None:
    person = _register(world)
    with pytest.raises(PermissionDenied):
        person_withdraw(actor=world["worker"], person=person, reason="不是我登记的")  # sees, holds not
    with pytest.raises(ValidationError) as error:
        person_withdraw(actor=world["jiyuan"], person=person, reason=" 无 ")
    assert "reason" in error.value.message_dict
    assert PersonLink.objects.filter(person=person).count() == 1
    refused = AuditEvent.objects.filter(verb="person.withdraw", outcome="denied")
    assert refused.count() == 1


def test_an_anonymised_record_cannot_be_edited(world: World) -> None:
    person = _register(world)
    person_withdraw(actor=world["jiyuan"], person=person, reason="已返回原籍")
    retention_run(apply=True, today=_in(367))
    person.refresh_from_db()
    data = clean_person(name="李四", document_number=ID, phone=PHONE, address="", home_region=world.jiyuan_a)
    with pytest.raises(ValidationError):
        person_update(actor=world["commander"], person=person, data=data, version=person.version)


def test_the_person_page_offers_the_withdrawal_to_its_holder_and_shows_an_anonymised_record(
    world: World, client: Client
) -> None:
    person = _register(world)
    client.force_login(world["jiyuan"])
    page = client.get(reverse("people:detail", args=[person.pk])).content.decode()
    assert 'data-testid="withdraw"' in page and "撤销登记" in page
    answer = client.post(reverse("people:withdraw", args=[person.pk]), {"reason": "已返回原籍"}, follow=True)
    assert "已撤销 1 项登记" in answer.content.decode()
    retention_run(apply=True, today=_in(367))
    client.force_login(world["commander"])
    page = client.get(reverse("people:detail", args=[person.pk])).content.decode()
    assert 'data-testid="retired"' in page and "李四" not in page and f"匿名{person.pk}" in page
    assert "已删除" in page and "139****5678" not in page
    assert reverse("people:edit", args=[person.pk]) not in page


def test_each_run_writes_an_audit_row_with_its_counts_and_a_dry_run_changes_nothing(world: World) -> None:
    person = _register(world)
    person_withdraw(actor=world["jiyuan"], person=person, reason="已返回原籍")
    retention_run(apply=False, today=_in(367))
    person.refresh_from_db()
    assert not person.is_retired
    dry = AuditEvent.objects.get(verb="retention.dry_run")
    assert dry.actor_name == "system:retention" and (dry.after or {})["rows"]["people.unlinked"] == 1
    assert "李四" not in str(dry.after) + dry.detail
    retention_run(apply=True, today=_in(367))
    applied = AuditEvent.objects.get(verb="retention.apply")
    counts = (applied.after or {})["rows"]
    assert counts["people.unlinked"] == 1 and "people.unlinked 1" in applied.detail
    assert "audit.log" not in counts  # kept: nothing counted


def test_a_period_comes_from_settings_as_days_or_keep(settings: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    checkins = next(p for p in policies() if p.key == "schools.health_checkins")
    assert checkins.days == 180 and checkins.cutoff(dt.date(2023, 1, 1)) == dt.date(2022, 7, 5)
    settings.LIANFANG_RETENTION = {"schools.health_checkins": KEEP}
    assert checkins.days is None and checkins.cutoff(dt.date(2023, 1, 1)) is None
    settings.LIANFANG_RETENTION = {"schools.health_checkins": 0}
    with pytest.raises(ImproperlyConfigured):
        checkins.cutoff(dt.date(2023, 1, 1))
    monkeypatch.setenv("LIANFANG_RETENTION", "schools.health_checkins=90, people.unlinked=keep")
    assert env_retention("LIANFANG_RETENTION") == {"schools.health_checkins": 90, "people.unlinked": KEEP}
    monkeypatch.setenv("LIANFANG_RETENTION", "schools.health_checkins=soon")
    with pytest.raises(ImproperlyConfigured):
        env_retention("LIANFANG_RETENTION")


def test_the_command_lists_every_policy_and_refuses_a_bad_day(world: World) -> None:
    out = io.StringIO()
    call_command("retention", "--dry-run", "--today", "2030-01-01", stdout=out)
    text = out.getvalue()
    for policy in policies():
        assert policy.key in text
    assert "audit.log\t" in text and "保留" in text and "未作改动" in text
    assert "网络安全法" not in text  # the grounds only with -v 2
    out = io.StringIO()
    call_command("retention", "--dry-run", "-v", "2", stdout=out)
    assert "《网络安全法》第二十一条" in out.getvalue() and "学生复课或离校之日" in out.getvalue()
    with pytest.raises(Exception, match="YYYY-MM-DD"):
        call_command("retention", "--apply", "--today", "tomorrow")


def test_the_data_protection_page_names_every_policy_with_its_default() -> None:
    text = DOCS.read_text(encoding="utf-8")
    for policy in policies():
        assert f"`{policy.key}`" in text, policy.key
        default = "keep" if policy.default == KEEP else f"{policy.default} days"
        line = next(line for line in text.splitlines() if f"`{policy.key}`" in line)
        assert default in line, policy.key


def test_every_record_naming_a_person_either_ends_or_holds_them_while_it_exists() -> None:
    """A new model naming a registry person must be placed: give it a hold in its app's
    retention.py, or add it here and to docs/data-protection.md as held while it exists."""
    from lianfang.core.people.retention import _HOLDS

    ended = {(label, field) for label, field in _HOLDS}
    while_it_exists = {(m._meta.label, f) for m, f in person_relations()} - ended
    assert ended == {
        ("schools.Enrolment", "person"),
        ("volunteers.Volunteer", "person"),
        ("enterprises.InstructorAssignment", "instructor"),
    }
    assert while_it_exists == {
        ("units.Unit", "contact"),
        ("cases.Case", "person"),
        ("care.Member", "person"),
        ("care.Tag", "person"),
        ("care.Visit", "seen"),
        ("care.Need", "person"),
        ("care.ServiceOrder", "person"),
        ("care.DayCareAttendance", "person"),
        ("care.ReliefApplication", "applicant"),
    }
    text = DOCS.read_text(encoding="utf-8")
    for label, _field in while_it_exists | ended:
        assert label in text, label


def _figures(period: Period) -> dict[tuple[str, str], object]:
    everyone = Scope.everything()
    return {
        (figure.key, region.code): figure.compute(period, region, everyone).value
        for region in rollup_regions()
        for figure in registry.all()
    }


def test_every_figure_of_a_closed_period_is_unchanged_after_retirement() -> None:
    load_demo(DemoContext())
    period = Period(dt.date(2022, 1, 1), dt.date(2022, 1, 14))
    # The students leave at the period's end, so that a year later nothing holds them.
    Enrolment.objects.filter(valid_until__isnull=True, valid_from__lte=period.end).update(valid_until=period.end)
    before = _figures(period)
    assert sum(1 for v in before.values() if v) > 20
    today = dt.date(2030, 1, 1)
    due = {o.policy.key: o.rows for o in retention_run(apply=False, today=today)}
    retired = {o.policy.key: o.rows for o in retention_run(apply=True, today=today)}
    assert retired == due
    assert retired["schools.health_checkins"] > 0 and retired["schools.morning_noon_checks"] > 0
    assert retired["people.unlinked"] > 0
    assert _figures(period) == before
    # What was retired is gone: no temperature, symptom or name is left in the retired rows.
    checkins = Submission.objects.filter(duty=HEALTH_CHECKIN.key)
    assert not checkins.exclude(content={}).exists() and not checkins.filter(retired_at__isnull=True).exists()
    assert not Submission.objects.filter(retired_at__isnull=False).exclude(client_digest="").exists()
    for content in Submission.objects.filter(duty=MORNING_NOON_CHECK.key).values_list("content", flat=True):
        assert all(set(e) <= {"student", "attendance", "reason", "action"} for e in content.get("entries", []))
    assert not CheckFinding.objects.exclude(symptoms=[]).exists()
    assert not CheckFinding.objects.filter(temperature__isnull=False).exists()
    returned = Absence.objects.filter(state=AbsenceState.RETURNED)
    assert not returned.exclude(symptoms=[]).exists() and not returned.exclude(diagnosis="").exists()
    assert not returned.filter(certificate__isnull=False).exists()
    students = Person.objects.filter(pk__in=Enrolment.objects.values("person"))
    assert students.exists() and not students.filter(retired_at__isnull=True).exists()
    assert not students.exclude(document_masked="").exists()
    assert settings.LIANFANG_RETENTION == {}  # the defaults were used


def test_the_monthly_job_retires_on_the_first_of_the_month_at_half_past_three(world: World) -> None:
    from lianfang.core.retention.tasks import retire_personal_data

    task = retire_personal_data.s()
    assert task.validate_datetime(dt.datetime(2027, 2, 1, 3, 30))
    assert not task.validate_datetime(dt.datetime(2027, 2, 2, 3, 30))
    assert not task.validate_datetime(dt.datetime(2027, 2, 1, 4, 30))
    assert retire_personal_data.call_local() == 0  # nothing is due yet, and the run is recorded
    assert AuditEvent.objects.filter(verb="retention.apply").count() == 1


def test_a_jurisdiction_withdraws_its_own_registrations_and_not_those_of_the_communities_below(
    world: World,
) -> None:
    data = clean_person(name="赵六", document_number=ID, phone=PHONE, address="", home_region=world.jiyuan_a)
    person, _how = person_register(actor=world["worker"], data=data, region=world.jiyuan_a)
    with pytest.raises(PermissionDenied):
        person_withdraw(actor=world["jiyuan"], person=person, reason="不是本街道登记的")
    with pytest.raises(PermissionDenied):
        person_withdraw(actor=world["commander"], person=person, reason="不是区里登记的")
    assert person_withdraw(actor=world["worker"], person=person, reason="已返回原籍") == 1


def test_a_deleted_record_that_named_a_person_starts_their_period_again(world: World) -> None:
    schools = build_schools(world)
    data = clean_person(name="王五", document_number=resident_id(dt.date(2012, 5, 1)), phone="", address="")
    student, _how = person_register(actor=world["jiyuan"], data=data, region=world.jiyuan, source="school")
    Person.objects.filter(pk=student.pk).update(created_at=timezone.now() - dt.timedelta(days=800))
    enrolment = Enrolment.objects.create(
        person=student, school_class=schools.class_a, number=99, valid_from=timezone.localdate()
    )
    enrolment.delete()  # enrolled by mistake: the person was held until now, not since registration
    student.refresh_from_db()
    assert student.released_at is not None
    assert student.pk not in _unheld(300) and student.pk in _unheld(400)


def test_retirement_leaves_nothing_that_gives_a_check_in_back_and_key_rotation_passes_over_it(
    world: World, settings: Any
) -> None:
    import base64

    person = _register(world)
    person_withdraw(actor=world["jiyuan"], person=person, reason="已返回原籍")
    retention_run(apply=True, today=_in(367))
    settings.DATA_KEY, settings.DATA_KEY_PREVIOUS = base64.b64encode(bytes(range(32))).decode(), settings.DATA_KEY
    call_command("rotate_data_key")  # an anonymised record has nothing to re-encrypt, and no error
    person.refresh_from_db()
    assert person.document_cipher == "" and person.is_retired


def test_a_misspelt_retention_setting_is_refused_at_start(settings: Any) -> None:
    from lianfang.core.retention.policies import check_settings

    settings.LIANFANG_RETENTION = {"people.unlinkd": KEEP}
    with pytest.raises(ImproperlyConfigured, match=r"people\.unlinkd"):
        check_settings()
    settings.LIANFANG_RETENTION = {"people.unlinked": KEEP}
    check_settings()


def test_a_returned_registration_never_corrected_is_anonymised_and_frees_the_record_on_file(world: World) -> None:
    from lianfang.core.accounts.actors import SystemActor
    from lianfang.core.people.pending import person_return
    from lianfang.core.regions.models import Membership, Role

    on_file = person_register(
        actor=SystemActor("test"),
        data=clean_person(name="张三", document_number=ID, phone=PHONE, address="", home_region=world.jiyuan_a),
        region=world.jiyuan,
    )[0]
    staff = Membership.objects.create(user=world["nobody"], role=Role.SUBDISTRICT_STAFF, region=world.zhongxin).user
    typed = clean_person(name="李四", document_number=ID, phone="13900000000", address="中心路9号", home_region=None)
    pending, _how = person_register(actor=staff, data=typed, region=world.zhongxin)
    assert pending.is_pending
    person_return(actor=world["jiyuan"], pending=pending, reason="证件号与本辖区居民不符")
    PersonLink.objects.filter(person=on_file).delete()  # as if its own registration were withdrawn
    assert on_file.pk not in _unheld(400)  # the returned registration still waits on it
    assert _retired(retention_run(apply=True, today=_in(100)), "people.returned") == 0
    assert _retired(retention_run(apply=True, today=_in(182)), "people.returned") == 1
    pending.refresh_from_db()
    assert pending.is_retired and pending.name == f"匿名{pending.pk}" and pending.phone_cipher == ""
    assert on_file.pk in _unheld(400)  # nothing waits on the record on file any more


def test_the_bells_messages_lose_their_text_after_half_a_year_and_are_no_longer_listed(world: World) -> None:
    from lianfang.core.notices.models import Notification
    from lianfang.core.notices.selectors import notification_list, notification_unread_count

    user = world["jiyuan"]
    old = Notification.objects.create(
        user=user, key="old", title="张三 已签到", body="", created_at=timezone.now() - dt.timedelta(days=200)
    )
    new = Notification.objects.create(user=user, key="new", title="李四 已签到", created_at=timezone.now())
    assert notification_unread_count(user) == 2
    assert _retired(retention_run(apply=True), "notices.bell") == 1
    old.refresh_from_db()
    assert (old.title, old.body, old.link, old.key) == ("", "", "", "old") and old.read_at is not None
    assert list(notification_list(user)) == [new] and notification_unread_count(user) == 1
