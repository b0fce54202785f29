"""The registry pages: register and edit with errors beside their fields, reveal with a reason."""

from __future__ import annotations

import datetime as dt
from unittest import mock

import pytest
from django.test import Client

from lianfang.core.audit.models import AuditEvent
from lianfang.core.people.models import Person
from lianfang.core.regions.models import Membership, Role
from lianfang.core.units.models import Unit
from tests.ids import credit_code, resident_id
from tests.world import World, make_user, sign_in_with_second_factor

pytestmark = pytest.mark.django_db

ID = resident_id(dt.date(1985, 6, 15))


def _form(world: World, **overrides: str) -> dict[str, str]:
    return {
        "name": "张三",
        "document_type": "resident_id",
        "document_number": ID,
        "phone": "13812345678",
        "address": "济源路1号",
        "home_region": str(world.jiyuan_a.pk),
        **overrides,
    }


def test_a_person_is_registered_through_the_page_and_shown_masked(world: World, client: Client) -> None:
    client.force_login(world["jiyuan"])
    response = client.post("/registry/people/new/", _form(world))
    person = Person.objects.get()
    assert response.status_code == 302 and response["Location"] == f"/registry/people/{person.pk}/"
    page = client.get(response["Location"]).content.decode()
    assert "张三" in page and person.document_masked in page and ID not in page and "13812345678" not in page


def test_each_error_is_shown_beside_its_field_and_nothing_is_saved(world: World, client: Client) -> None:
    client.force_login(world["jiyuan"])
    page = client.post("/registry/people/new/", _form(world, document_number=ID[:-1], phone="12345")).content.decode()
    assert 'data-field-error="document_number"' in page and 'data-field-error="phone"' in page
    assert "证件号码有误" in page and "手机号码有误" in page
    assert not Person.objects.exists()


def test_a_stale_edit_on_the_page_is_refused_with_a_message(world: World, client: Client) -> None:
    client.force_login(world["jiyuan"])
    client.post("/registry/people/new/", _form(world))
    person = Person.objects.get()
    client.post(f"/registry/people/{person.pk}/edit/", _form(world, name="张三甲", version="1"))
    page = client.post(f"/registry/people/{person.pk}/edit/", _form(world, name="张三乙", version="1"))
    assert page.status_code == 200 and "他人已修改" in page.content.decode()
    assert Person.objects.get().name == "张三甲"


def test_the_page_reveals_a_full_number_only_with_the_privilege_and_a_reason(world: World, client: Client) -> None:
    client.force_login(world["jiyuan"])
    client.post("/registry/people/new/", _form(world))
    person = Person.objects.get()
    assert 'name="field"' not in client.get(f"/registry/people/{person.pk}/").content.decode()
    Membership.objects.filter(user=world["jiyuan"]).update(may_reveal=True)
    world["jiyuan"].scope_version += 1
    world["jiyuan"].save()
    # Whoever may reveal full numbers passes a second factor first, like an auditor.
    asked = client.get(f"/registry/people/{person.pk}/")
    assert asked.status_code == 302 and asked["Location"].startswith("/accounts/otp/")
    sign_in_with_second_factor(client, world["jiyuan"])
    no_reason = client.post(f"/registry/people/{person.pk}/", {"field": "document", "reason": ""})
    assert ID not in no_reason.content.decode()
    shown = client.post(f"/registry/people/{person.pk}/", {"field": "document", "reason": "核实身份信息"})
    assert ID in shown.content.decode()
    assert AuditEvent.objects.filter(verb="person.reveal", outcome="ok", detail="document: 核实身份信息").exists()


def test_an_auditor_reads_the_registry_but_may_not_edit_it(world: World, client: Client) -> None:
    sign_in_with_second_factor(client, world["auditor"])
    assert client.get("/registry/people/").status_code == 200
    assert client.get("/registry/people/new/").status_code == 403


def test_an_organisation_is_registered_with_several_kinds_and_a_registered_contact(
    world: World, client: Client
) -> None:
    client.force_login(world["jiyuan"])
    client.post("/registry/people/new/", _form(world))
    response = client.post(
        "/registry/units/new/",
        {
            "name": "宏丽来超市",
            "credit_code": credit_code(),
            "kinds": ["supermarket", "small_shop"],
            "address": "新安路3号",
            "region": str(world.jiyuan_a.pk),
            "contact_document": ID,
        },
    )
    unit = Unit.objects.get()
    assert response.status_code == 302 and sorted(unit.kinds) == ["small_shop", "supermarket"]
    assert unit.contact == Person.objects.get()
    page = client.get(f"/registry/units/{unit.pk}/").content.decode()
    assert "宏丽来超市" in page and "138****5678" in page


def test_dates_on_a_persons_page_read_year_month_day_in_chinese(world: World, client: Client) -> None:
    client.force_login(world["jiyuan"])
    moment = dt.datetime(2022, 1, 14, 9, 5, tzinfo=dt.timezone(dt.timedelta(hours=8)))
    # Registered at that moment, as the audit log records it (its rows cannot be edited afterwards).
    with mock.patch("lianfang.core.audit.services.timezone") as clock:
        clock.now.return_value = moment
        client.post("/registry/people/new/", _form(world))
    person = Person.objects.get()
    assert AuditEvent.objects.filter(target_id=str(person.pk), at=moment).exists()
    page = client.get(f"/registry/people/{person.pk}/").content.decode()
    assert "2022年1月14日 09:05" in page and "2022-01-14" not in page
    client.force_login(world["commander"])
    log = client.get("/audit/", {"from": "2022-01-14", "to": "2022-01-14"}).content.decode()
    assert "2022年1月14日 09:05:00" in log and "2022-01-14 09:05" not in log


def test_an_empty_registry_offers_the_next_step_the_role_may_take(world: World, client: Client) -> None:
    client.force_login(world["jiyuan"])
    page = client.get("/registry/people/").content.decode()
    assert 'data-testid="empty"' in page and page.count('href="/registry/people/new/"') == 2
    sign_in_with_second_factor(client, world["auditor"])
    page = client.get("/registry/people/").content.decode()
    assert 'data-testid="empty"' in page and 'href="/registry/people/new/"' not in page


def test_a_search_that_finds_nobody_offers_to_show_everyone(world: World, client: Client) -> None:
    client.force_login(world["jiyuan"])
    client.post("/registry/people/new/", _form(world))
    page = client.get("/registry/people/", {"q": "不存在"}).content.decode()
    assert 'data-testid="empty"' in page and 'href="/registry/people/"' in page
    found = client.get("/registry/people/").content.decode()
    assert 'class="table card-table table-vcenter table-cards"' in found and 'data-label="' in found
    assert 'data-testid="empty"' not in found and 'data-testid="page-header"' in found


def test_the_forms_choose_the_region_of_a_user_who_serves_in_only_one(world: World, client: Client) -> None:
    community = make_user("community")
    Membership.objects.create(user=community, role=Role.SUBDISTRICT_STAFF, region=world.jiyuan_a)
    client.force_login(community)
    chosen = f'<option value="{world.jiyuan_a.pk}" selected>'
    assert chosen in client.get("/registry/units/new/").content.decode()
    assert chosen in client.get("/registry/people/new/").content.decode()
    client.force_login(world["jiyuan"])  # a subdistrict's staff start from their subdistrict
    assert f'<option value="{world.jiyuan.pk}" selected>' in client.get("/registry/people/new/").content.decode()
    client.force_login(world["commander"])  # district-wide: the user chooses
    select = client.get("/registry/units/new/").content.decode().split('name="region"')[1].split("</select>")[0]
    assert " selected>" not in select
