"""A registration never tells whether a number is on file, and never widens who sees a person.

A number on file where the registrant may not look becomes a pending record holding only what
they typed, with the answer a new number gets; the home jurisdiction confirms it (joining it to
the record on file) or returns it. An organisation's contact registers for the organisation.
"""

from __future__ import annotations

import datetime as dt
import io
import re
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from knox.models import AuthToken

from lianfang.core.accounts.actors import SystemActor
from lianfang.core.audit.models import AuditEvent
from lianfang.core.ledgers.services import ledger_import
from lianfang.core.notices.models import Notification
from lianfang.core.people.models import PendingState, Person, PersonLink
from lianfang.core.people.pending import person_confirm, person_return
from lianfang.core.people.selectors import pending_for_confirmation, person_list, person_search
from lianfang.core.people.services import clean_person, person_register, person_update
from lianfang.core.regions.models import Membership, Role
from lianfang.core.units.models import Unit, UnitKind, UnitProfile
from tests.core.test_ledgers import people_file
from tests.ids import resident_id
from tests.world import World

pytestmark = pytest.mark.django_db

CONSOLE = SystemActor("test")
ON_FILE = resident_id(dt.date(1985, 6, 15), serial=11)
NEW = resident_id(dt.date(1990, 2, 1), serial=22)


def _on_file(world: World) -> Person:
    """A resident of 济源路社区, on file there."""
    data = clean_person(
        name="张三", document_number=ON_FILE, phone="13812345678", address="济源路1号", home_region=world.jiyuan_a
    )
    person, _ = person_register(actor=CONSOLE, data=data, region=world.jiyuan)
    return person


def _zhongxin_staff(world: World) -> Any:
    return Membership.objects.create(user=world["nobody"], role=Role.SUBDISTRICT_STAFF, region=world.zhongxin).user


def _typed(number: str = ON_FILE, name: str = "李四") -> Any:
    return clean_person(name=name, document_number=number, phone="13900000000", address="中心路9号", home_region=None)


def _api(user: Any) -> Client:
    _, token = AuthToken.objects.create(user=user)
    return Client(HTTP_AUTHORIZATION=f"Token {token}")


def test_a_number_on_file_elsewhere_gets_the_answer_a_new_number_gets_and_nothing_of_the_record(
    world: World,
) -> None:
    on_file = _on_file(world)
    staff = _zhongxin_staff(world)
    api = _api(staff)
    answers = [
        api.post("/api/v1/people/", {"name": "李四", "document_number": number}, content_type="application/json")
        for number in (NEW, ON_FILE)
    ]
    assert [a.status_code for a in answers] == [201, 201]
    assert [a.json()["outcome"] for a in answers] == ["created", "created"]
    shown = answers[1].json()["person"]
    assert shown["name"] == "李四" and shown["phone_masked"] == "" and shown["id"] != on_file.pk
    assert api.get(f"/api/v1/people/{on_file.pk}/").status_code == 404
    on_file.refresh_from_db()
    assert on_file.name == "张三" and on_file.links.count() == 1  # nothing changed, no link added


def test_the_registrant_sees_only_what_they_typed_even_in_the_records_history(world: World) -> None:
    on_file = _on_file(world)
    staff = _zhongxin_staff(world)
    pending, outcome = person_register(actor=staff, data=_typed(), region=world.zhongxin)
    assert outcome == "created" and pending.on_file_id == on_file.pk
    assert list(person_search(staff, ON_FILE)) == [pending]
    assert not person_list(staff).filter(pk=on_file.pk).exists()
    [created] = AuditEvent.objects.filter(target_id=str(pending.pk), verb="person.create")
    assert created.after is not None and not {"on_file_id", "pending_state", "pending_note"} & set(created.after)
    client = Client()
    client.force_login(staff)
    page = client.get(reverse("people:detail", args=[pending.pk])).content.decode()
    assert "李四" in page and "张三" not in page and "济源路1号" not in page


def test_registering_the_number_again_changes_the_registrants_own_record_not_a_second_one(world: World) -> None:
    _on_file(world)
    staff = _zhongxin_staff(world)
    first, _ = person_register(actor=staff, data=_typed(), region=world.zhongxin)
    again, outcome = person_register(actor=staff, data=_typed(name="李小四"), region=world.zhongxin)
    assert again.pk == first.pk and outcome == "updated" and again.name == "李小四"
    same, outcome = person_register(actor=staff, data=_typed(name="李小四"), region=world.zhongxin)
    assert same.pk == first.pk and outcome == "unchanged"
    assert Person.objects.filter(document_index=first.document_index).count() == 2


def test_the_home_jurisdiction_is_told_and_its_confirmation_joins_the_records(world: World) -> None:
    on_file = _on_file(world)
    staff = _zhongxin_staff(world)
    shop = Unit.objects.create(name="好邻居超市", region=world.zhongxin_a)
    pending, _ = person_register(actor=staff, data=_typed(), region=world.zhongxin)
    Unit.objects.filter(pk=shop.pk).update(contact=pending)
    [told] = Notification.objects.filter(user=world["jiyuan"])
    assert "李四" in told.title and told.link == reverse("people:pending")
    assert list(pending_for_confirmation(world["jiyuan"])) == [pending]
    assert not pending_for_confirmation(staff).exists() and not pending_for_confirmation(world["worker"]).exists()

    joined = person_confirm(actor=world["jiyuan"], pending=pending)

    assert joined.pk == on_file.pk and not Person.objects.filter(pk=pending.pk).exists()
    assert person_list(staff).filter(pk=on_file.pk).exists()  # the registrant's link moved to the record
    assert set(on_file.links.values_list("region__code", flat=True)) == {world.jiyuan.code, world.zhongxin.code}
    assert Unit.objects.get(pk=shop.pk).contact_id == on_file.pk  # the practices' records follow
    joined.refresh_from_db()
    assert joined.name == "张三"  # the record on file stands
    assert Notification.objects.filter(user=staff, link=reverse("people:detail", args=[on_file.pk])).exists()
    assert AuditEvent.objects.filter(verb="person.confirm", target_id=str(on_file.pk)).exists()


def test_a_returned_registration_stays_the_registrants_with_the_reason_until_corrected(world: World) -> None:
    _on_file(world)
    staff = _zhongxin_staff(world)
    pending, _ = person_register(actor=staff, data=_typed(), region=world.zhongxin)
    with pytest.raises(ValidationError) as short:
        person_return(actor=world["jiyuan"], pending=pending, reason="不")
    assert "reason" in short.value.message_dict

    person_return(actor=world["jiyuan"], pending=pending, reason="证件号与本辖区居民不符")

    pending.refresh_from_db()
    assert pending.pending_state == PendingState.RETURNED and not pending_for_confirmation(world["jiyuan"]).exists()
    [told] = Notification.objects.filter(user=staff)
    assert "证件号与本辖区居民不符" in told.body
    client = Client()
    client.force_login(staff)
    assert "证件号与本辖区居民不符" in client.get(reverse("people:detail", args=[pending.pk])).content.decode()
    corrected = person_update(actor=staff, person=pending, data=_typed(number=NEW), version=pending.version)
    assert corrected.on_file_id is None and corrected.pending_state == ""  # a number of its own: on file


def test_only_the_home_jurisdiction_may_confirm_or_return(world: World) -> None:
    _on_file(world)
    staff = _zhongxin_staff(world)
    pending, _ = person_register(actor=staff, data=_typed(), region=world.zhongxin)
    for outsider in (staff, world["worker"], world["market"], world["auditor"]):
        with pytest.raises(PermissionDenied):
            person_confirm(actor=outsider, pending=pending)
    assert AuditEvent.objects.filter(verb="person.confirm", outcome="denied").count() == 4
    client = Client()
    client.force_login(staff)
    assert client.post(reverse("people:pending-confirm", args=[pending.pk])).status_code == 404
    assert "李四" not in client.get(reverse("people:pending")).content.decode()  # their own area's list
    client.force_login(world["worker"])
    assert client.get(reverse("people:pending")).status_code == 403
    assert Person.objects.filter(pk=pending.pk, pending_state=PendingState.PENDING).exists()


def test_a_volunteer_on_both_records_is_settled_before_they_are_joined(world: World) -> None:
    from lianfang.volunteers.models import Volunteer

    on_file = _on_file(world)
    staff = _zhongxin_staff(world)
    pending, _ = person_register(actor=staff, data=_typed(), region=world.zhongxin)
    Volunteer.objects.create(person=on_file, region=world.jiyuan_a)
    Volunteer.objects.create(person=pending, region=world.zhongxin_a)
    with pytest.raises(ValidationError) as refused:
        person_confirm(actor=world["jiyuan"], pending=pending)
    assert "pending_state" in refused.value.message_dict
    assert Person.objects.filter(pk=pending.pk).exists() and Volunteer.objects.count() == 2


def test_changing_a_number_to_one_on_file_elsewhere_says_saved_and_waits(world: World) -> None:
    on_file = _on_file(world)
    staff = _zhongxin_staff(world)
    own, _ = person_register(actor=staff, data=_typed(number=NEW), region=world.zhongxin)
    changed = person_update(actor=staff, person=own, data=_typed(number=ON_FILE), version=own.version)
    assert changed.on_file_id == on_file.pk and changed.pending_state == PendingState.PENDING
    assert list(pending_for_confirmation(world["jiyuan"])) == [changed]


def test_a_record_that_registrations_wait_on_keeps_its_number(world: World) -> None:
    on_file = _on_file(world)
    person_register(actor=_zhongxin_staff(world), data=_typed(), region=world.zhongxin)
    data = clean_person(name="张三", document_number=NEW, home_region=world.jiyuan_a)
    with pytest.raises(ValidationError) as refused:
        person_update(actor=world["jiyuan"], person=on_file, data=data, version=on_file.version)
    assert "document_number" in refused.value.message_dict


def test_registering_a_person_one_may_see_links_as_before(world: World) -> None:
    on_file = _on_file(world)
    data = clean_person(
        name="张三", document_number=ON_FILE, phone="13812345678", address="济源路1号", home_region=world.jiyuan_a
    )
    same, outcome = person_register(actor=world["jiyuan"], data=data, region=world.jiyuan_b)
    assert same.pk == on_file.pk and outcome == "linked" and not on_file.pending_records.exists()


def _shop_contact(world: World) -> tuple[Any, Unit]:
    shop = Unit.objects.create(name="好邻居超市", region=world.zhongxin_a)
    UnitProfile.objects.create(unit=shop, kind=UnitKind.SMALL_SHOP, department=world.market)
    contact = Membership.objects.create(
        user=world["nobody"], role=Role.UNIT_CONTACT, region=world.zhongxin_a, unit=shop
    ).user
    return contact, shop


def test_an_organisations_registrations_are_the_organisations_not_its_communitys(world: World) -> None:
    contact, shop = _shop_contact(world)
    zhongxin_staff = Membership.objects.create(
        user=world["admin"], role=Role.SUBDISTRICT_STAFF, region=world.zhongxin
    ).user
    numbers = [resident_id(dt.date(1990, 1, 1), serial=n) for n in range(1, 4)]
    sheet = people_file(*[[f"员工{n}", "", number, "", "", world.jiyuan_b.code] for n, number in enumerate(numbers)])
    report = ledger_import(actor=contact, kind="people", file=io.BytesIO(sheet), filename="员工.xlsx")
    assert report.ok and report.created == 3
    links = PersonLink.objects.filter(person__document_masked__endswith=numbers[0][-4:])
    assert set(links.values_list("unit_id", "department_id", "region_id")) == {
        (shop.pk, world.market.pk, world.district.pk)
    }
    staff_people = Person.objects.filter(name__startswith="员工")
    assert person_list(contact).filter(pk__in=staff_people).count() == 3
    assert person_list(world["market"]).filter(pk__in=staff_people).count() == 3  # the supervising department
    assert person_list(world["jiyuan"]).filter(pk__in=staff_people).count() == 3  # where they live
    assert not person_list(zhongxin_staff).filter(pk__in=staff_people).exists()  # not the shop's community


def test_an_organisation_without_a_supervising_department_keeps_its_registrations_to_itself(world: World) -> None:
    contact, shop = _shop_contact(world)
    UnitProfile.objects.filter(unit=shop).update(department=None)
    person, outcome = person_register(actor=contact, data=_typed(number=NEW), region=world.zhongxin_a)
    assert outcome == "created"
    link = person.links.get()
    assert (link.unit_id, link.department_id, link.region_id) == (shop.pk, None, None)
    assert person_list(contact).filter(pk=person.pk).exists()
    assert not person_list(world["market"]).filter(pk=person.pk).exists()


def _preview_counts(client: Client, number: str) -> str:
    sheet = people_file(["李四", "", number, "", "中心路9号", ""])
    answer = client.post(
        "/registry/ledgers/", {"kind": "people", "file": SimpleUploadedFile("台账.xlsx", sheet), "preview": "1"}
    )
    assert answer.status_code == 200
    found = re.search(r'<ul data-testid="counts">(.*?)</ul>', answer.content.decode(), re.S)
    assert found is not None
    return found.group(1)


def test_a_ledger_preview_says_the_same_words_for_a_new_number_and_one_on_file_elsewhere(
    world: World, settings: Any, tmp_path: Any
) -> None:
    settings.MEDIA_ROOT = tmp_path
    _on_file(world)
    client = Client()
    client.force_login(_zhongxin_staff(world))
    assert _preview_counts(client, NEW) == _preview_counts(client, ON_FILE)
    assert AuditEvent.objects.filter(verb="ledger.preview").count() == 2


def test_the_api_lists_confirms_and_returns_pending_registrations(world: World) -> None:
    on_file = _on_file(world)
    staff = _zhongxin_staff(world)
    first, _ = person_register(actor=staff, data=_typed(), region=world.zhongxin)
    api = _api(world["jiyuan"])
    listed = api.get("/api/v1/pending-registrations/").json()
    assert [r["id"] for r in listed["results"]] == [first.pk]
    assert listed["results"][0]["on_file"]["name"] == "张三" and listed["results"][0]["registered_by"]
    assert _api(staff).get("/api/v1/pending-registrations/").json()["results"] == []
    refused = api.post(f"/api/v1/pending-registrations/{first.pk}/return/", {}, content_type="application/json")
    assert refused.status_code == 400 and "reason" in refused.json()["fields"]
    confirmed = api.post(f"/api/v1/pending-registrations/{first.pk}/confirm/")
    assert confirmed.status_code == 200 and confirmed.json()["id"] == on_file.pk
    assert api.post(f"/api/v1/pending-registrations/{first.pk}/confirm/").status_code == 404


def test_the_confirmation_page_shows_both_records_and_confirms_from_a_phone(world: World) -> None:
    _on_file(world)
    staff = _zhongxin_staff(world)
    pending, _ = person_register(actor=staff, data=_typed(), region=world.zhongxin)
    client = Client()
    client.force_login(world["jiyuan"])
    page = client.get(reverse("people:pending")).content.decode()
    assert "李四" in page and "张三" in page and "中心路街道" in page
    answer = client.post(reverse("people:pending-return", args=[pending.pk]), {"reason": "号码不符"}, follow=True)
    assert answer.status_code == 200 and "已退回登记人" in answer.content.decode()
    assert Person.objects.get(pk=pending.pk).pending_state == PendingState.RETURNED


def _edit_to(staff: Any, world: World, number: str) -> str:
    """Register a dummy, then change its number to `number`: what the editor is told."""
    dummy, _ = person_register(
        actor=staff, data=_typed(number=resident_id(dt.date(1970, 3, 3), serial=77)), region=world.zhongxin
    )
    try:
        person_update(actor=staff, person=dummy, data=_typed(number=number), version=dummy.version)
    except ValidationError as error:
        return " ".join(error.messages)
    return "saved"


def test_editing_a_number_one_registered_oneself_answers_the_same_whether_it_was_new_or_on_file(
    world: World,
) -> None:
    _on_file(world)
    staff = _zhongxin_staff(world)
    person_register(actor=staff, data=_typed(number=NEW), region=world.zhongxin)
    person_register(actor=staff, data=_typed(number=ON_FILE), region=world.zhongxin)
    answers = {_edit_to(staff, world, number) for number in (NEW, ON_FILE)}
    assert len(answers) == 1 and answers != {"saved"}  # both a duplicate of their own record


def _minor(serial: int) -> str:
    return resident_id(dt.date.today() - dt.timedelta(days=365 * 8), serial=serial)


def test_a_minors_number_imported_twice_answers_as_any_number_would(world: World) -> None:
    data = clean_person(name="小明", document_number=_minor(5), home_region=world.jiyuan_a)
    person_register(actor=CONSOLE, data=data, region=world.jiyuan)
    staff = _zhongxin_staff(world)
    reports = {}
    for number in (_minor(5), _minor(6)):  # on file elsewhere, and new
        sheet = people_file(["小明", "", number, "", "", ""])
        reports[number] = [
            (r.created, r.updated, r.unchanged, r.linked)
            for r in (
                ledger_import(actor=staff, kind="people", file=io.BytesIO(sheet), filename="a.xlsx") for _ in range(2)
            )
        ]
    assert reports[_minor(5)] == reports[_minor(6)] == [(1, 0, 0, 0), (0, 0, 1, 0)]
    assert Person.objects.filter(pending_state=PendingState.PENDING).count() == 1
    assert not Notification.objects.filter(user=staff).exists()  # never asked to confirm their own


def test_a_minors_registration_is_told_to_staff_who_see_minors_or_else_to_the_commander(world: World) -> None:
    data = clean_person(name="小明", document_number=_minor(5), home_region=world.jiyuan_a)
    person_register(actor=CONSOLE, data=data, region=world.jiyuan)
    staff = _zhongxin_staff(world)
    person_register(actor=staff, data=_typed(number=_minor(5), name="小明"), region=world.zhongxin)
    assert not Notification.objects.filter(user=world["jiyuan"]).exists()  # jiyuan does not see minors
    assert Notification.objects.filter(user=world["commander"], link=reverse("people:pending")).exists()


def test_a_registration_confirmed_twice_is_refused_the_second_time_with_a_message(world: World) -> None:
    _on_file(world)
    pending, _ = person_register(actor=_zhongxin_staff(world), data=_typed(), region=world.zhongxin)
    person_confirm(actor=world["jiyuan"], pending=pending)
    with pytest.raises(PermissionDenied):
        person_confirm(actor=world["jiyuan"], pending=pending)
