"""Who sees and does what: staff in their region, field workers on the tasks they organise, an
enterprise's contact for its own volunteers, the commander everywhere, auditors read only.
Outside the scope a record answers 404, on the pages and in the API."""

from __future__ import annotations

import uuid

import pytest
from django.test import Client

from lianfang.volunteers.models import Shift, VolunteerTask
from lianfang.volunteers.selectors import shift_list, task_list, volunteer_list
from lianfang.volunteers.services import shift_dispatch
from tests.volunteers.conftest import Corps, new_task
from tests.world import sign_in_with_second_factor

pytestmark = pytest.mark.django_db


def _names(queryset: object) -> set[str]:
    return {v.person.name for v in queryset}  # type: ignore[attr-defined]


@pytest.fixture
def tasks(corps: Corps) -> dict[str, VolunteerTask]:
    jiyuan, zx = corps.user("jiyuan"), corps.user("zx")
    mine = new_task(jiyuan, corps.world.jiyuan_a, needed=5, organiser=corps.user("worker"))
    other = new_task(jiyuan, corps.world.jiyuan_b, needed=5, title="登封路社区核酸检测点值守")
    invited = new_task(jiyuan, corps.world.jiyuan_b, needed=5, title="登封路社区邀请", invited_units=[corps.works])
    far = new_task(zx, corps.world.zhongxin_a, needed=5, title="中心路社区代购", kind="proxy_purchase")
    shift_dispatch(actor=jiyuan, task=mine, volunteers=[corps["张一"], corps["王六"], corps["李四"]])
    shift_dispatch(actor=jiyuan, task=other, volunteers=[corps["张二"], corps["王六"]])
    shift_dispatch(actor=zx, task=far, volunteers=[corps["赵七"]])
    return {"mine": mine, "other": other, "invited": invited, "far": far}


def test_subdistrict_staff_see_their_subdistrict_and_nothing_of_another(
    corps: Corps, tasks: dict[str, VolunteerTask]
) -> None:
    jiyuan = corps.user("jiyuan")
    assert _names(volunteer_list(jiyuan)) == {"张一", "张二", "张三", "王六", "李四", "李五"}
    assert set(task_list(jiyuan)) == {tasks["mine"], tasks["other"], tasks["invited"]}
    assert _names(volunteer_list(corps.user("zx"))) == {"赵七"}
    assert set(task_list(corps.user("zx"))) == {tasks["far"]}


def test_a_field_worker_sees_the_tasks_they_organise_and_the_volunteers_on_them(
    corps: Corps, tasks: dict[str, VolunteerTask]
) -> None:
    worker = corps.user("worker")
    assert set(task_list(worker)) == {tasks["mine"]}
    assert _names(volunteer_list(worker)) == {"张一", "王六", "李四"}
    assert {s.task_id for s in shift_list(worker)} == {tasks["mine"].pk}


def test_an_enterprise_contact_sees_its_volunteers_and_the_tasks_they_serve_or_are_invited_to(
    corps: Corps, tasks: dict[str, VolunteerTask]
) -> None:
    qiye = corps.user("qiye")
    assert _names(volunteer_list(qiye)) == {"张一", "张二", "张三"}
    assert set(task_list(qiye)) == {tasks["mine"], tasks["other"], tasks["invited"]}
    # Only their own volunteers' shifts, not the other enterprise's on the same task.
    assert {s.volunteer.person.name for s in shift_list(qiye)} == {"张一", "张二"}


def test_the_commander_sees_everything_and_department_staff_nothing(
    corps: Corps, tasks: dict[str, VolunteerTask]
) -> None:
    assert volunteer_list(corps.user("commander")).count() == 7
    assert task_list(corps.user("commander")).count() == 4
    assert not volunteer_list(corps.user("market")).exists() and not task_list(corps.user("market")).exists()
    assert not volunteer_list(corps.user("admin")).exists()


@pytest.mark.parametrize(
    "path",
    [
        "/volunteers/{volunteer}/",
        "/volunteers/tasks/{task}/",
        "/api/v1/volunteers/{volunteer}/",
        "/api/v1/volunteer-tasks/{task}/",
        "/api/v1/volunteer-shifts/{shift}/",
    ],
)
def test_records_outside_the_scope_are_not_found(
    corps: Corps, tasks: dict[str, VolunteerTask], client: Client, path: str
) -> None:
    shift = Shift.objects.get(task=tasks["far"])
    url = path.format(volunteer=corps["赵七"].pk, task=tasks["far"].pk, shift=shift.pk)
    for username in ("jiyuan", "worker", "qiye", "market"):
        client.force_login(corps.user(username))
        assert client.get(url).status_code == 404, (username, url)
    client.force_login(corps.user("zx"))
    assert client.get(url).status_code == 200


def test_a_contact_checks_in_their_own_volunteer_but_not_another_enterprises(
    corps: Corps, tasks: dict[str, VolunteerTask], client: Client
) -> None:
    own = Shift.objects.get(task=tasks["mine"], volunteer=corps["张一"])
    other = Shift.objects.get(task=tasks["mine"], volunteer=corps["王六"])
    client.force_login(corps.user("qiye"))
    body = {"client_id": str(uuid.uuid4())}
    assert client.post(f"/api/v1/volunteer-shifts/{own.pk}/check-in/", body).status_code == 201
    assert client.post(f"/api/v1/volunteer-shifts/{other.pk}/check-in/", body).status_code == 404
    # The contact signs volunteers up but does not dispatch them.
    answer = client.post(f"/api/v1/volunteer-tasks/{tasks['invited'].pk}/dispatch/", {"volunteers": [corps["张三"].pk]})
    assert answer.status_code == 403 and "无权" in answer.json()["message"]
    answer = client.post("/api/v1/volunteer-shifts/", {"task": tasks["invited"].pk, "volunteer": corps["张三"].pk})
    assert answer.status_code == 201 and answer.json()["source"] == "signed_up"


def test_staff_of_another_subdistrict_may_not_act_on_a_task_they_cannot_see(
    corps: Corps, tasks: dict[str, VolunteerTask], client: Client
) -> None:
    shift = Shift.objects.get(task=tasks["mine"], volunteer=corps["李四"])
    client.force_login(corps.user("zx"))
    assert client.post(f"/api/v1/volunteer-shifts/{shift.pk}/check-in/", {}).status_code == 404
    assert client.post(f"/volunteers/shifts/{shift.pk}/check-in/", {}).status_code == 404
    shift.refresh_from_db()
    assert shift.checked_in_at is None


def test_the_auditor_reads_but_may_not_act(corps: Corps, tasks: dict[str, VolunteerTask], client: Client) -> None:
    shift = Shift.objects.get(task=tasks["mine"], volunteer=corps["李四"])
    sign_in_with_second_factor(client, corps.user("auditor"))
    assert client.get(f"/api/v1/volunteer-tasks/{tasks['far'].pk}/").status_code == 200
    assert client.get("/volunteers/ledger/").status_code == 200
    assert client.post(f"/api/v1/volunteer-shifts/{shift.pk}/check-in/", {}).status_code == 403
    page = client.get(f"/volunteers/tasks/{tasks['mine'].pk}/").content.decode()
    assert 'data-action="check-in"' not in page and 'data-action="dispatch"' not in page
