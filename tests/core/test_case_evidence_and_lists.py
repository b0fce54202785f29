"""Evidence on cases (served only to those who see the case) and the lists: "my work" and filters."""

from __future__ import annotations

import datetime as dt
import io
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from PIL import Image

from lianfang.core.cases.models import Case, CaseEvent, EventKind
from lianfang.core.cases.selectors import CaseFilters, case_search, my_work
from lianfang.core.cases.services import case_assign, case_report, case_transition, clean_case
from lianfang.core.regions.models import Membership, Role
from tests.world import World, make_user

pytestmark = pytest.mark.django_db


def _photo(name: str = "现场.jpg") -> SimpleUploadedFile:
    out = io.BytesIO()
    Image.new("RGB", (40, 30), (200, 30, 30)).save(out, "JPEG")
    return SimpleUploadedFile(name, out.getvalue(), content_type="image/jpeg")


def _case(world: World, actor: str = "jiyuan", **fields: Any) -> Case:
    data = clean_case(
        kind=fields.pop("kind", "rectification"),
        title=fields.pop("title", "未落实扫码测温"),
        region=fields.pop("region", world.jiyuan_a),
        **fields,
    )
    case, _ = case_report(actor=world[actor], data=data)
    return case


def test_a_case_that_needs_evidence_closes_once_a_photo_is_attached(world: World, client: Client) -> None:
    case = _case(world)
    client.force_login(world["jiyuan"])
    for name in ("accept", "start"):
        case.refresh_from_db()
        case_transition(actor=world["jiyuan"], case=case, name=name, version=case.version)
    answer = client.post(f"/api/v1/cases/{case.pk}/attachments/", {"file": _photo(), "note": "整改后照片"})
    assert answer.status_code == 201, answer.content
    file_id = answer.json()["file_id"]
    assert CaseEvent.objects.filter(case=case, kind=EventKind.ATTACHMENT, note="整改后照片").exists()
    case.refresh_from_db()
    done = case_transition(actor=world["jiyuan"], case=case, name="finish", version=case.version, outcome="已整改")
    assert done.state == "done"
    download = client.get(f"/api/v1/cases/{case.pk}/attachments/{file_id}/")
    assert download.status_code == 200 and download["Content-Type"] == "image/jpeg"
    assert download["X-Content-Type-Options"] == "nosniff"
    assert client.get(f"/cases/{case.pk}/files/{file_id}/").status_code == 200


def test_evidence_is_not_served_outside_the_cases_scope(world: World, client: Client) -> None:
    case = _case(world)
    client.force_login(world["jiyuan"])
    file_id = client.post(f"/api/v1/cases/{case.pk}/attachments/", {"file": _photo()}).json()["file_id"]
    outsider = make_user("zx")
    Membership.objects.create(user=outsider, role=Role.SUBDISTRICT_STAFF, region=world.zhongxin)
    client.force_login(outsider)
    assert client.get(f"/api/v1/cases/{case.pk}/attachments/{file_id}/").status_code == 404
    assert client.get(f"/cases/{case.pk}/files/{file_id}/").status_code == 404
    # Nor through another case the outsider can see.
    theirs = _case(world, actor="commander", region=world.zhongxin_a, title="中心路")
    assert client.get(f"/cases/{theirs.pk}/files/{file_id}/").status_code == 404


def test_a_file_that_is_not_an_accepted_kind_is_refused_with_the_field_named(world: World, client: Client) -> None:
    case = _case(world)
    client.force_login(world["jiyuan"])
    fake = SimpleUploadedFile("照片.jpg", b"<html><script>alert(1)</script></html>", content_type="image/jpeg")
    answer = client.post(f"/api/v1/cases/{case.pk}/attachments/", {"file": fake})
    assert answer.status_code == 400 and "file" in answer.json()["fields"]
    assert not case.attachments.exists()
    assert not CaseEvent.objects.filter(case=case, kind=EventKind.ATTACHMENT).exists()


def _many(world: World, n: int) -> None:
    for i in range(n):
        _case(world, kind="problem", title=f"问题{i}")


def test_my_work_lists_what_waits_for_each_user(world: World) -> None:
    office = _case(world, kind="problem", title="办事处承办")
    mine = _case(world, kind="problem", title="网格员承办")
    mine = case_assign(actor=world["jiyuan"], case=mine, version=mine.version, assignee=world["worker"])
    bureau = _case(world, actor="market", kind="problem", title="市场监管局承办")
    assert bureau.owner_department == world.market
    assert [c.pk for c in my_work(world["worker"])] == [mine.pk]
    assert set(c.pk for c in my_work(world["market"])) == {bureau.pk}
    # What the office handed to its worker waits for the worker, not for the office.
    assert set(c.pk for c in my_work(world["jiyuan"])) == {office.pk}
    assert list(my_work(world["auditor"])) == []


def test_done_cases_wait_for_a_verifier_other_than_the_one_who_did_them(world: World) -> None:
    case = _case(world, kind="problem")
    for name in ("accept", "start"):
        case.refresh_from_db()
        case_transition(actor=world["jiyuan"], case=case, name=name, version=case.version)
    case.refresh_from_db()
    case_transition(actor=world["jiyuan"], case=case, name="finish", version=case.version, outcome="已解决")
    second = make_user("jiyuan2")
    Membership.objects.create(user=second, role=Role.SUBDISTRICT_STAFF, region=world.jiyuan)
    assert [c.pk for c in my_work(second)] == [case.pk]
    assert case.pk not in [c.pk for c in my_work(world["jiyuan"])]


def test_my_work_takes_a_fixed_number_of_queries_however_many_cases(world: World, client: Client) -> None:
    client.force_login(world["jiyuan"])
    _many(world, 3)
    client.get("/api/v1/cases/my-work/")  # warm the scope cache and the session
    with CaptureQueriesContext(connection) as few:
        assert client.get("/api/v1/cases/my-work/").json()["count"] == 3
    _many(world, 30)
    with CaptureQueriesContext(connection) as many:
        assert client.get("/api/v1/cases/my-work/").json()["count"] == 33
    assert len(many) == len(few)


def test_my_work_page_and_api_pin_their_query_counts(
    world: World, client: Client, django_assert_num_queries: Any
) -> None:
    _many(world, 20)
    client.force_login(world["jiyuan"])
    client.get("/api/v1/cases/my-work/")
    # session, user, count, one page of cases (region, unit, owners and assignee joined), and the
    # idle-timeout session refresh (savepoint, update, release)
    with django_assert_num_queries(7):
        client.get("/api/v1/cases/my-work/")
    client.get("/cases/mine/")
    # the page adds the unread-notification badge and the count of cases to accept
    with django_assert_num_queries(9):
        client.get("/cases/mine/")


def test_the_list_filters_by_state_kind_owner_region_and_overdue(world: World) -> None:
    late = _case(world, kind="problem", title="逾期", deadline=timezone.localdate())
    Case.objects.filter(pk=late.pk).update(deadline=timezone.localdate() - dt.timedelta(days=2))
    other = _case(world, kind="need", title="群众需求", region=world.jiyuan_b)
    user = world["jiyuan"]
    assert [c.pk for c in case_search(user, CaseFilters(overdue=True))] == [late.pk]
    assert [c.pk for c in case_search(user, CaseFilters(kind="need"))] == [other.pk]
    assert [c.pk for c in case_search(user, CaseFilters(region_prefix=world.jiyuan_b.prefix))] == [other.pk]
    assert case_search(user, CaseFilters(owner_department=world.jiyuan_office.pk)).count() == 2
    assert case_search(user, CaseFilters(state="verified")).count() == 0
    assert [c.pk for c in case_search(user, CaseFilters(q=f"#{other.pk}"))] == [other.pk]
