"""One person, one record: registration, linking, protected numbers, minors, reveal and the API."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection
from django.test import Client
from django.utils import timezone
from knox.models import AuthToken

from lianfang.core.audit.models import AuditEvent
from lianfang.core.people.models import Person, PersonLink
from lianfang.core.people.selectors import person_list, person_search
from lianfang.core.people.services import (
    VersionConflict,
    clean_person,
    person_register,
    person_reveal,
    person_update,
)
from lianfang.core.regions.models import Membership, Role
from tests.ids import resident_id
from tests.world import World

pytestmark = pytest.mark.django_db

ID = resident_id(dt.date(1985, 6, 15))
PHONE = "13812345678"


def _register(world: World, actor: str = "jiyuan", region: Any = None, **fields: Any) -> tuple[Person, str]:
    data = clean_person(
        name=fields.get("name", "张三"),
        document_number=fields.get("document_number", ID),
        phone=fields.get("phone", PHONE),
        address=fields.get("address", "济源路1号"),
        home_region=fields.get("home_region", world.jiyuan_a),
    )
    return person_register(actor=world[actor], data=data, region=region or world.jiyuan)


def test_a_registered_person_keeps_no_plain_number_and_shows_masks_and_age(world: World) -> None:
    person, outcome = _register(world)
    assert outcome == "created"
    assert person.document_masked == "410***********" + ID[-4:] and person.phone_masked == "138****5678"
    assert ID not in person.document_cipher and PHONE not in person.phone_cipher
    assert person.birth_date == dt.date(1985, 6, 15) and person.sex == "M" and person.age and person.age >= 40
    assert person.name_initials == "zs"


def test_the_same_document_registered_elsewhere_links_to_the_same_person(world: World) -> None:
    first, _ = _register(world)
    second, outcome = _register(
        world, actor="commander", region=world.zhongxin, home_region=world.zhongxin_a, name="张三丰"
    )
    assert second.pk == first.pk and outcome == "updated"  # the commander may see (and correct) the record
    assert Person.objects.count() == 1
    assert set(PersonLink.objects.values_list("region__code", flat=True)) == {"410106001000", "410106002000"}


def test_registering_twice_with_the_same_content_changes_nothing(world: World) -> None:
    _register(world)
    events = AuditEvent.objects.count()
    person, outcome = _register(world)
    assert outcome == "unchanged" and AuditEvent.objects.count() == events and person.version == 1


def test_every_invalid_field_is_named_at_once(world: World) -> None:
    with pytest.raises(ValidationError) as error:
        clean_person(name="", document_number=ID[:-1] + "0" if ID[-1] != "0" else ID[:-1] + "1", phone="12345")
    assert set(error.value.message_dict) == {"name", "document_number", "phone"}
    assert "校验位" in error.value.message_dict["document_number"][0]


def test_people_are_found_by_exact_number_mobile_name_and_pinyin_initials(world: World) -> None:
    person, _ = _register(world)
    for query in [ID, ID.lower(), f" {ID[:6]} {ID[6:]} ", PHONE, "+86 138-1234-5678", "张", "zs", "ZS"]:
        assert list(person_search(world["jiyuan"], query)) == [person], query
    assert not person_search(world["jiyuan"], ID[:-1]).exists()  # no partial matches on numbers


def test_a_person_is_visible_where_they_live_and_where_registered_and_nowhere_else(world: World) -> None:
    person, _ = _register(world, home_region=world.jiyuan_b)
    assert person_list(world["jiyuan"]).filter(pk=person.pk).exists()
    assert person_list(world["commander"]).filter(pk=person.pk).exists()
    assert not person_list(world["market"]).exists()
    assert not person_list(world["expired"]).exists()
    assert not person_list(world["admin"]).exists()
    assert person_list(world["worker"]).filter(pk=person.pk).exists() is False  # not registered by them


def test_minors_are_seen_only_by_sensitive_roles_and_each_view_is_audited(world: World, client: Client) -> None:
    child_id = resident_id(timezone.localdate() - dt.timedelta(days=365 * 10))
    child, _ = _register(world, document_number=child_id, name="小明", phone="")
    assert child.is_minor
    assert not person_list(world["jiyuan"]).filter(pk=child.pk).exists()
    client.force_login(world["jiyuan"])
    assert client.get(f"/api/v1/people/{child.pk}/").status_code == 404
    Membership.objects.filter(user=world["jiyuan"]).update(may_view_sensitive=True)
    world["jiyuan"].scope_version += 1
    world["jiyuan"].save()
    assert client.get(f"/api/v1/people/{child.pk}/").json()["is_minor"] is True
    assert AuditEvent.objects.filter(verb="person.view_sensitive", target_id=str(child.pk)).exists()


def test_a_full_value_is_revealed_only_with_the_privilege_and_a_reason_and_is_audited(world: World) -> None:
    person, _ = _register(world)
    with pytest.raises(PermissionDenied):
        person_reveal(actor=world["jiyuan"], person=person, field="document", reason="核实身份")
    Membership.objects.filter(user=world["jiyuan"]).update(may_reveal=True)
    world["jiyuan"].scope_version += 1
    with pytest.raises(ValidationError):
        person_reveal(actor=world["jiyuan"], person=person, field="document", reason="")
    assert person_reveal(actor=world["jiyuan"], person=person, field="document", reason="核实身份") == ID
    assert person_reveal(actor=world["jiyuan"], person=person, field="phone", reason="电话回访") == PHONE
    events = AuditEvent.objects.filter(verb="person.reveal", outcome="ok")
    assert [e.detail for e in events.order_by("id")] == ["document: 核实身份", "phone: 电话回访"]
    assert AuditEvent.objects.filter(verb="person.reveal", outcome="denied").count() == 1


def test_a_stale_edit_is_refused_and_the_first_is_kept(world: World) -> None:
    person, _ = _register(world)
    first = clean_person(name="张三甲", document_number=ID, phone=PHONE, home_region=world.jiyuan_a)
    person_update(actor=world["jiyuan"], person=person, data=first, version=1)
    second = clean_person(name="张三乙", document_number=ID, phone=PHONE, home_region=world.jiyuan_a)
    with pytest.raises(VersionConflict):
        person_update(actor=world["jiyuan"], person=person, data=second, version=1)
    person.refresh_from_db()
    assert person.name == "张三甲" and person.version == 2


def test_a_database_dump_contains_no_plain_document_number_or_phone(world: World) -> None:
    _register(world)
    _register(world, document_number=resident_id(dt.date(1990, 2, 3)), phone="13900001111", name="李四")
    found = []
    with connection.cursor() as cursor:
        for table in connection.introspection.table_names(cursor):
            cursor.execute(f"SELECT * FROM {connection.ops.quote_name(table)}")
            dump = repr(cursor.fetchall())
            found += [(table, v) for v in (ID, PHONE, "13900001111", ID[6:14] + ID[14:]) if v in dump]
    assert not found, found


def _api(user: Any) -> Client:
    _, token = AuthToken.objects.create(user=user)
    return Client(HTTP_AUTHORIZATION=f"Token {token}")


def test_the_api_registers_masks_and_names_bad_fields_in_chinese(world: World) -> None:
    api = _api(world["jiyuan"])
    bad = api.post("/api/v1/people/", {"name": "张三", "document_number": "12345"}, content_type="application/json")
    assert bad.status_code == 400 and "document_number" in bad.json()["fields"]
    assert "证件号码有误" in bad.json()["fields"]["document_number"][0]
    made = api.post(
        "/api/v1/people/",
        {"name": "张三", "document_number": ID, "phone": PHONE, "home_region": world.jiyuan_a.code},
        content_type="application/json",
    )
    assert made.status_code == 201 and made.json()["person"]["document_masked"].endswith(ID[-4:])
    again = api.post(
        "/api/v1/people/",
        {"name": "张三", "document_number": ID, "phone": PHONE, "home_region": world.jiyuan_a.code},
        content_type="application/json",
    )
    assert again.status_code == 200 and again.json()["outcome"] == "unchanged"
    listing = api.get("/api/v1/people/", {"q": ID}).content.decode()
    assert ID not in listing and PHONE not in listing and "1985-06-15" not in listing


def test_the_api_answers_409_to_a_stale_edit(world: World) -> None:
    person, _ = _register(world)
    api = _api(world["jiyuan"])
    body = {"name": "张三甲", "document_number": ID, "phone": PHONE, "home_region": world.jiyuan_a.code, "version": 1}
    assert api.put(f"/api/v1/people/{person.pk}/", body, content_type="application/json").status_code == 200
    body["name"] = "张三乙"
    conflict = api.put(f"/api/v1/people/{person.pk}/", body, content_type="application/json")
    assert conflict.status_code == 409 and conflict.json()["fields"]["version"] == [conflict.json()["message"]]
    assert Person.objects.get(pk=person.pk).name == "张三甲"  # the first save stands


def test_rotating_the_data_key_re_encrypts_everyone_and_keeps_lookups_working(world: World, settings: Any) -> None:
    import base64

    from django.core.management import call_command

    _register(world)
    _register(world, document_number=resident_id(dt.date(1990, 2, 3)), phone="13900001111", name="李四")
    old_key, new_key = settings.DATA_KEY, base64.b64encode(bytes(range(32))).decode()
    before = dict(Person.objects.values_list("pk", "document_cipher"))
    settings.DATA_KEY, settings.DATA_KEY_PREVIOUS = new_key, old_key
    call_command("rotate_data_key")
    settings.DATA_KEY_PREVIOUS = ""  # the old key is gone now
    after = dict(Person.objects.values_list("pk", "document_cipher"))
    assert all(before[pk] != after[pk] for pk in before)
    person = person_search(world["jiyuan"], ID).get()
    assert person_search(world["jiyuan"], "13900001111").get().name == "李四"
    Membership.objects.filter(user=world["jiyuan"]).update(may_reveal=True)
    world["jiyuan"].scope_version += 1
    assert person_reveal(actor=world["jiyuan"], person=person, field="phone", reason="轮换后核对") == PHONE
    assert AuditEvent.objects.filter(verb="data_key.rotate", detail__startswith="2 people re-encrypted").exists()


def test_the_api_registers_a_new_person_with_one_lookup_and_three_inserts(world: World) -> None:
    from django.test.utils import CaptureQueriesContext

    api = _api(world["jiyuan"])
    body = {"name": "张三", "document_number": ID, "phone": PHONE, "home_region": world.jiyuan_a.code}
    assert api.post("/api/v1/people/", body, content_type="application/json").status_code == 201
    body["document_number"] = resident_id(dt.date(1990, 2, 3))
    with CaptureQueriesContext(connection) as queries:
        made = api.post("/api/v1/people/", body, content_type="application/json")
    assert made.status_code == 201 and made.json()["person"]["document_masked"].endswith(body["document_number"][-4:])
    statements = [q["sql"].split()[0].upper() for q in queries.captured_queries]
    # The token (with its user); then the person, the registration link and the audit row, in one
    # transaction (a savepoint inside the test's). The region is known from the first request, and
    # nothing is looked up before the insert.
    transaction = ("BEGIN", "COMMIT", "SAVEPOINT", "RELEASE")
    assert [s for s in statements if s not in transaction] == ["SELECT", "INSERT", "INSERT", "INSERT"]
    person = Person.objects.get(pk=made.json()["person"]["id"])
    assert person.links.get().created_by == world["jiyuan"]
    event = AuditEvent.objects.get(verb="person.create", target_id=str(person.pk))
    assert event.after is not None and event.after["document_cipher"] == event.after["document_index"] == "***"
    assert event.region_code == world.jiyuan_a.code


def test_visibility_of_a_new_registration_without_a_query_agrees_with_the_query_for_every_role(world: World) -> None:
    """person_visible_to_registrant (the API's shortcut) and person_list must never disagree."""
    from lianfang.core.people.selectors import person_visible_to_registrant
    from lianfang.core.people.services import person_build
    from lianfang.core.units.models import Unit

    Membership.objects.filter(user=world["jiyuan"]).update(may_view_sensitive=True, department=world.jiyuan_office)
    world["jiyuan"].scope_version += 1
    world["jiyuan"].save()
    shop = Unit.objects.create(name="好邻居超市", region=world.jiyuan_a)
    Membership.objects.create(user=world["nobody"], role=Role.UNIT_CONTACT, region=world.jiyuan_a, unit=shop)
    homes = [world.jiyuan_a, world.zhongxin_a, None]
    link_regions = [world.jiyuan, world.jiyuan_b, world.zhongxin, world.district, None]
    departments = [None, world.market, world.jiyuan_office]
    units = [None, shop]
    births = [dt.date(1980, 1, 1), timezone.localdate() - dt.timedelta(days=365 * 8)]  # an adult, a minor
    serial = 0
    for username in ("commander", "market", "jiyuan", "worker", "auditor", "admin", "expired", "nobody"):
        user = world[username]
        cases = []
        for home in homes:
            for region in link_regions:
                for department in departments:
                    for unit in units:
                        for born in births:
                            serial += 1
                            number = resident_id(born + dt.timedelta(days=serial // 1000), serial=serial % 1000)
                            person = person_build(clean_person(name="甲", document_number=number, home_region=home))
                            person.save()
                            PersonLink.objects.create(
                                person=person,
                                region=region,
                                department=department,
                                unit=unit,
                                source="api",
                                created_by=user,
                            )
                            cases.append((person, region, department, unit))
        seen = set(person_list(user).filter(pk__in=[c[0].pk for c in cases]).values_list("pk", flat=True))
        for person, region, department, unit in cases:
            quick = person_visible_to_registrant(
                user,
                person,
                region_code=region.code if region else None,
                department_id=department.pk if department else None,
                unit_id=unit.pk if unit else None,
            )
            assert quick is (person.pk in seen), (username, person.home_region, region, department, unit)
    assert serial == 8 * 180


def test_a_prepared_insert_stores_what_save_would_and_skips_a_duplicate(world: World) -> None:
    from django.db import transaction

    from lianfang.core.people.services import _insert_person, person_build

    data = clean_person(name="张三", document_number=ID, phone=PHONE, home_region=world.jiyuan_a)
    inserted = person_build(data)
    saved = person_build(clean_person(name="李四", document_number=resident_id(dt.date(1990, 2, 3))))
    with transaction.atomic():
        assert _insert_person(inserted) is True
        saved.save()  # a second row, written by Model.save()
        assert _insert_person(person_build(data)) is False  # the same document: nothing written, no error
        assert Person.objects.count() == 2
    stored = Person.objects.get(pk=inserted.pk)
    for field in ("name", "name_initials", "document_index", "document_masked", "phone_masked", "birth_date"):
        assert getattr(stored, field) == getattr(inserted, field), field
    assert stored.created_at == inserted.created_at and stored.updated_at == inserted.updated_at
    assert stored.home_region == world.jiyuan_a and stored.version == 1 and not inserted._state.adding


def test_a_region_is_looked_up_by_code_once_and_forgotten_when_it_changes(
    world: World, django_assert_num_queries: Any
) -> None:
    from lianfang.core.regions.scoping import region_by_code

    assert region_by_code(world.jiyuan_a.code) == world.jiyuan_a
    with django_assert_num_queries(0):
        assert region_by_code(world.jiyuan_a.code) == world.jiyuan_a
    assert region_by_code("410106009009") is None
    world.jiyuan_a.code = "410106001009"
    world.jiyuan_a.save()
    assert region_by_code("410106001001") is None and region_by_code("410106001009") == world.jiyuan_a


def test_a_jurisdiction_registers_a_person_once_per_department_and_source(world: World) -> None:
    from django.db import IntegrityError, transaction

    person, _ = _register(world)
    assert person.links.count() == 1  # jiyuan's own registration, without a department
    link = {"person": person, "region": world.jiyuan, "source": "registry"}
    for department in (None, world.market):
        if department is not None:
            PersonLink.objects.create(**link, department=department)
        with pytest.raises(IntegrityError), transaction.atomic():
            PersonLink.objects.create(**link, department=department)
    PersonLink.objects.create(**link, department=world.jiyuan_office)
    PersonLink.objects.create(**{**link, "source": "import"})
    assert person.links.count() == 4


def test_the_people_modules_import_each_other_in_no_cycle() -> None:
    # import-linter's contract, held by a test too: selectors and services both need the blind
    # indexes, which live in a module of their own rather than in either of them.
    import itertools

    import grimp

    graph = grimp.build_graph("lianfang", cache_dir=None)
    modules = sorted(m for m in graph.find_children("lianfang.core.people") if not m.endswith(".migrations"))
    cycles = [
        (a, b)
        for a, b in itertools.combinations(modules, 2)
        if graph.chain_exists(importer=a, imported=b, as_packages=True)
        and graph.chain_exists(importer=b, imported=a, as_packages=True)
    ]
    assert cycles == []


# Order by pinyin

PINYIN_ORDER = ["李四", "王五", "曾六", "张三"]  # by code point: 张 曾 李 王


def _register_four(world: World) -> None:
    for serial, name in enumerate(["张三", "曾六", "王五", "李四"], start=401):
        _register(world, name=name, document_number=resident_id(dt.date(1980, 1, 1), serial=serial), phone="")


def test_people_sort_by_the_pinyin_of_their_names_not_by_character_code(world: World) -> None:
    _register_four(world)
    assert sorted(PINYIN_ORDER) != PINYIN_ORDER
    assert list(Person.objects.values_list("name", flat=True)) == PINYIN_ORDER  # 曾 read as the surname zēng
    assert Person.objects.get(name="李四").name_pinyin == "li3si4"


def test_the_people_page_and_the_api_list_people_in_pinyin_order(world: World, client: Client) -> None:
    _register_four(world)
    client.force_login(world["jiyuan"])
    page = client.get("/registry/people/").content.decode()
    assert [page.index(name) for name in PINYIN_ORDER] == sorted(page.index(name) for name in PINYIN_ORDER)
    answer = _api(world["jiyuan"]).get("/api/v1/people/").json()
    rows = answer["results"] if isinstance(answer, dict) else answer
    assert [row["name"] for row in rows] == PINYIN_ORDER


def test_renaming_a_person_moves_them_to_their_new_place(world: World) -> None:
    person, _ = _register(world)
    data = clean_person(name="艾伦", document_number=ID, phone=PHONE, home_region=world.jiyuan_a)
    person_update(actor=world["jiyuan"], person=person, data=data, version=person.version)
    assert Person.objects.get(pk=person.pk).name_pinyin == "ai4lun2"
    Person.objects.filter(pk=person.pk).update(name_pinyin="")
    renamed = Person.objects.get(pk=person.pk)
    renamed.name = "白雪"
    renamed.save(update_fields=["name"])
    assert Person.objects.get(pk=person.pk).name_pinyin == "bai2xue3"


def test_the_migration_fills_the_sort_key_of_people_registered_before_it(world: World) -> None:
    import importlib

    from django.apps import apps

    _register_four(world)
    Person.objects.update(name_pinyin="")
    importlib.import_module("lianfang.core.people.migrations.0003_name_pinyin").fill_name_pinyin(apps, None)
    assert list(Person.objects.values_list("name", flat=True)) == PINYIN_ORDER
    assert not Person.objects.filter(name_pinyin="").exists()
