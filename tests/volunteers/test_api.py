"""/api/v1/volunteers/, /api/v1/volunteer-tasks/, /api/v1/volunteer-shifts/: register, create,
dispatch, sign up, check in and out with client ids, correct hours; the one error shape."""

from __future__ import annotations

import datetime as dt
import uuid
from typing import Any

import pytest
from django.test import Client
from django.utils import timezone

from lianfang.volunteers.models import Shift, ShiftCheck, Volunteer
from tests.ids import resident_id
from tests.volunteers.conftest import Corps, new_task

pytestmark = pytest.mark.django_db


def _post(client: Client, path: str, body: dict[str, Any]) -> Any:
    return client.post(path, body, content_type="application/json")


def test_a_volunteer_is_registered_and_listed_with_masked_numbers(corps: Corps, client: Client) -> None:
    client.force_login(corps.user("jiyuan"))
    number = resident_id(dt.date(2000, 2, 2), serial=55)
    body = {
        "name": "孙八",
        "document_number": number,
        "phone": "13800138000",
        "unit": corps.works.pk,
        "skills": "驾驶",
        "availability": "weekends",
    }
    answer = _post(client, "/api/v1/volunteers/", body)
    assert answer.status_code == 201, answer.json()
    created = answer.json()
    assert created["phone_masked"] == "138****8000" and created["organisation"] == "enterprise"
    assert created["hours_served"] == "0.0" and created["unit_name"] == "上街机械厂"
    listed = client.get("/api/v1/volunteers/", {"q": "13800138000"}).json()
    assert [v["name"] for v in listed["results"]] == ["孙八"]
    assert number not in client.get("/api/v1/volunteers/").content.decode()
    again = _post(client, "/api/v1/volunteers/", body)
    assert again.status_code == 400 and "已登记为志愿者" in again.json()["fields"]["document_number"][0]


def test_a_task_is_created_and_dispatching_past_its_places_is_a_clear_400(corps: Corps, client: Client) -> None:
    client.force_login(corps.user("jiyuan"))
    starts = timezone.localtime() + dt.timedelta(hours=1)
    answer = _post(
        client,
        "/api/v1/volunteer-tasks/",
        {
            "kind": "testing_site",
            "title": "济源路社区核酸检测点值守",
            "place": "济源路社区广场",
            "region": corps.world.jiyuan_a.code,
            "starts_at": starts.isoformat(),
            "ends_at": (starts + dt.timedelta(hours=4)).isoformat(),
            "people_needed": 2,
            "invited_units": [corps.works.pk],
        },
    )
    assert answer.status_code == 201, answer.json()
    task = answer.json()
    assert task["state"] == "open" and task["places_taken"] == 0 and task["invited_units"] == [corps.works.pk]
    url = f"/api/v1/volunteer-tasks/{task['id']}/dispatch/"
    too_many = _post(client, url, {"volunteers": [corps[n].pk for n in ("张一", "张二", "张三")]})
    assert too_many.status_code == 400
    assert "最多还能派2人，不能派3人" in too_many.json()["fields"]["volunteers"][0]
    done = _post(client, url, {"volunteers": [corps["张一"].pk, corps["张二"].pk]})
    assert done.status_code == 201 and len(done.json()) == 2
    assert client.get(f"/api/v1/volunteer-tasks/{task['id']}/").json()["state"] == "full"


def test_a_sign_up_resent_with_the_same_id_returns_the_first_shift(corps: Corps, client: Client) -> None:
    task = new_task(corps.user("jiyuan"), corps.world.jiyuan_a, invited_units=[corps.works])
    client.force_login(corps.user("qiye"))
    body = {"client_id": str(uuid.uuid4()), "task": task.pk, "volunteer": corps["张一"].pk}
    first = _post(client, "/api/v1/volunteer-shifts/", body)
    again = _post(client, "/api/v1/volunteer-shifts/", body)
    assert first.status_code == 201 and again.status_code == 200 and again.json()["id"] == first.json()["id"]
    other = _post(client, "/api/v1/volunteer-shifts/", {**body, "volunteer": corps["张二"].pk})
    assert other.status_code == 409 and "提交编号已用于不同的内容" in other.json()["message"]
    assert Shift.objects.filter(task=task).count() == 1


def test_a_check_in_resent_returns_the_first_and_other_content_under_its_id_is_a_409(
    corps: Corps, client: Client
) -> None:
    jiyuan = corps.user("jiyuan")
    task = new_task(jiyuan, corps.world.jiyuan_a)
    from lianfang.volunteers.services import shift_dispatch

    shift, other_shift = shift_dispatch(actor=jiyuan, task=task, volunteers=[corps["张一"], corps["张二"]])
    client.force_login(jiyuan)
    client_id = str(uuid.uuid4())
    url = f"/api/v1/volunteer-shifts/{shift.pk}/check-in/"
    first = _post(client, url, {"client_id": client_id})
    again = _post(client, url, {"client_id": client_id})
    assert first.status_code == 201 and again.status_code == 200
    assert first.json()["checked_in_at"] == again.json()["checked_in_at"] and first.json()["status"] == "checked_in"
    conflict = _post(client, f"/api/v1/volunteer-shifts/{other_shift.pk}/check-in/", {"client_id": client_id})
    assert conflict.status_code == 409 and conflict.json()["fields"]["client_id"]
    Shift.objects.filter(pk=shift.pk).update(checked_in_at=timezone.now() - dt.timedelta(hours=1))
    out_id = str(uuid.uuid4())
    later = (timezone.now() + dt.timedelta(minutes=1)).isoformat()
    out = _post(client, f"/api/v1/volunteer-shifts/{shift.pk}/check-out/", {"client_id": out_id, "at": later})
    assert out.status_code == 201 and out.json()["status"] == "checked_out" and out.json()["hours"] is not None
    assert ShiftCheck.objects.count() == 2


def test_a_check_out_sooner_than_the_shortest_shift_is_refused_on_its_time(corps: Corps, client: Client) -> None:
    jiyuan = corps.user("jiyuan")
    task = new_task(jiyuan, corps.world.jiyuan_a)
    from lianfang.volunteers.services import shift_dispatch

    (shift,) = shift_dispatch(actor=jiyuan, task=task, volunteers=[corps["张一"]])
    client.force_login(jiyuan)
    _post(client, f"/api/v1/volunteer-shifts/{shift.pk}/check-in/", {"client_id": str(uuid.uuid4())})
    out = _post(client, f"/api/v1/volunteer-shifts/{shift.pk}/check-out/", {"client_id": str(uuid.uuid4())})
    assert out.status_code == 400 and list(out.json()["fields"]) == ["at"]
    shift.refresh_from_db()
    assert shift.checked_out_at is None and shift.hours is None
    assert ShiftCheck.objects.filter(kind="check_out").count() == 0


def test_hours_are_corrected_with_the_version_read(corps: Corps, client: Client) -> None:
    jiyuan = corps.user("jiyuan")
    task = new_task(jiyuan, corps.world.jiyuan_a)
    from lianfang.volunteers.services import shift_dispatch

    (shift,) = shift_dispatch(actor=jiyuan, task=task, volunteers=[corps["张一"]])
    client.force_login(jiyuan)
    url = f"/api/v1/volunteer-shifts/{shift.pk}/hours/"
    answer = _post(client, url, {"version": shift.version, "hours": "3.5", "reason": "补录签到"})
    assert answer.status_code == 200 and answer.json()["hours"] == "3.5" and answer.json()["hours_corrected"]
    stale = _post(client, url, {"version": shift.version, "hours": "4", "reason": "再次更正"})
    assert stale.status_code == 409 and "他人已修改该班次" in stale.json()["message"]
    assert client.get(f"/api/v1/volunteers/{corps['张一'].pk}/").json()["hours_served"] == "3.5"


@pytest.mark.parametrize(
    ("path", "body"),
    [
        ("/api/v1/volunteer-tasks/1/dispatch/", {"volunteers": [2**63]}),
        ("/api/v1/volunteer-shifts/", {"task": 2**63, "volunteer": 1}),
        ("/api/v1/volunteers/", {"name": "x", "document_number": "1", "phone": "1", "unit": 2**64}),
        ("/api/v1/volunteer-shifts/1/check-in/", {"at": "0001-01-01T00:00:00"}),
    ],
)
def test_ids_past_64_bits_and_absurd_times_are_refused_before_the_database(
    corps: Corps, client: Client, path: str, body: dict[str, Any]
) -> None:
    new_task(corps.user("jiyuan"), corps.world.jiyuan_a)
    client.force_login(corps.user("commander"))
    answer = _post(client, path, body)
    assert answer.status_code in (400, 404) and answer.json()["message"]


def test_the_list_filters_by_organisation_and_by_region(corps: Corps, client: Client) -> None:
    client.force_login(corps.user("commander"))

    def names(**params: str) -> set[str]:
        return {v["name"] for v in client.get("/api/v1/volunteers/", params).json()["results"]}

    assert names(organisation="community") == {"李四", "李五", "赵七"}
    assert names(organisation=f"unit:{corps.hongda.pk}") == {"王六"}
    assert names(region=corps.world.zhongxin.code) == {"赵七"}
    assert client.get("/api/v1/volunteers/", {"region": "abc"}).status_code == 400
    assert Volunteer.objects.count() == 7
