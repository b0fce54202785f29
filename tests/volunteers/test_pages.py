"""The volunteer pages: lists and search, a task's shifts with check-in and check-out forms that
carry a client id, dispatch, registration, task creation, hours correction and the Excel ledger."""

from __future__ import annotations

import datetime as dt
import io
import re
import uuid

import pytest
from django.test import Client
from django.utils import timezone
from openpyxl import load_workbook

from lianfang.core.audit.models import AuditEvent
from lianfang.volunteers.models import Shift, Volunteer, VolunteerTask
from lianfang.volunteers.services import shift_dispatch
from tests.ids import resident_id
from tests.volunteers.conftest import Corps, new_task

pytestmark = pytest.mark.django_db


def _messages(client: Client, response: object) -> str:
    return client.get(response["Location"]).content.decode()  # type: ignore[index]


@pytest.fixture
def task(corps: Corps) -> VolunteerTask:
    task = new_task(corps.user("jiyuan"), corps.world.jiyuan_a, needed=3)
    shift_dispatch(actor=corps.user("jiyuan"), task=task, volunteers=[corps["张一"], corps["张二"]])
    return task


def test_the_list_shows_volunteers_with_masked_phones_and_finds_them_by_name_or_skill(
    corps: Corps, client: Client
) -> None:
    client.force_login(corps.user("jiyuan"))
    page = client.get("/volunteers/").content.decode()
    assert "张一" in page and "139****" in page and "赵七" not in page
    found = client.get("/volunteers/", {"q": "代购"}).content.decode()
    assert "李四" in found and "张一" not in found
    enterprise = client.get("/volunteers/", {"organisation": f"unit:{corps.hongda.pk}"}).content.decode()
    assert "王六" in enterprise and "李四" not in enterprise


def test_each_check_in_form_carries_its_own_client_id(corps: Corps, task: VolunteerTask, client: Client) -> None:
    client.force_login(corps.user("jiyuan"))
    page = client.get(f"/volunteers/tasks/{task.pk}/").content.decode()
    ids = re.findall(r'name="client_id" value="([0-9a-f-]{36})"', page)
    assert len(ids) == 2 and len(set(ids)) == 2
    assert page.count('data-action="check-in"') == 2 and "2/3人" in page


def test_checking_in_and_out_on_the_page_shows_the_hours_and_a_resend_is_told_apart(
    corps: Corps, task: VolunteerTask, client: Client
) -> None:
    client.force_login(corps.user("jiyuan"))
    shift = Shift.objects.get(task=task, volunteer=corps["张一"])
    client_id = str(uuid.uuid4())
    answer = client.post(f"/volunteers/shifts/{shift.pk}/check-in/", {"client_id": client_id})
    assert "张一已签到。" in _messages(client, answer)
    answer = client.post(f"/volunteers/shifts/{shift.pk}/check-in/", {"client_id": client_id})
    assert "张一的签到已收到，未重复登记。" in _messages(client, answer)
    other = Shift.objects.get(task=task, volunteer=corps["张二"])
    answer = client.post(f"/volunteers/shifts/{other.pk}/check-in/", {"client_id": client_id})
    assert "提交编号已用于不同的内容" in _messages(client, answer)
    Shift.objects.filter(pk=shift.pk).update(checked_in_at=timezone.now() - dt.timedelta(hours=2))
    answer = client.post(f"/volunteers/shifts/{shift.pk}/check-out/", {"client_id": str(uuid.uuid4())})
    assert answer["Location"].endswith(f"#shift-{shift.pk}")  # back to the row, not the top of the page
    page = _messages(client, answer)
    assert "张一已签退：2.0小时。" in page and 'data-testid="shift-hours">2.0<' in page


HTMX = {"HX-Request": "true"}


def test_checking_in_with_htmx_answers_the_row_and_the_counts_and_not_the_page(
    corps: Corps, task: VolunteerTask, client: Client
) -> None:
    client.force_login(corps.user("jiyuan"))
    shift = Shift.objects.get(task=task, volunteer=corps["张一"])
    answer = client.post(f"/volunteers/shifts/{shift.pk}/check-in/", {"client_id": str(uuid.uuid4())}, headers=HTMX)
    body = answer.content.decode()
    assert answer.status_code == 200 and "<html" not in body
    assert body.count('data-testid="shift-row"') == 1 and f'id="shift-{shift.pk}"' in body
    assert "张一已签到。" in body and 'data-action="check-out"' in body and 'data-action="check-in"' not in body
    assert re.search(r'id="task-summary"[^>]*hx-swap-oob="true"', body)
    assert 'data-testid="on-site">1<' in body and 'data-testid="places">2/3人<' in body
    # Said in the row, so not again on the next page.
    assert "张一已签到。" not in client.get(f"/volunteers/tasks/{task.pk}/").content.decode()


def test_checking_out_with_htmx_updates_the_hours_of_the_row_and_of_the_task(
    corps: Corps, task: VolunteerTask, client: Client
) -> None:
    client.force_login(corps.user("jiyuan"))
    shift = Shift.objects.get(task=task, volunteer=corps["张一"])
    client.post(f"/volunteers/shifts/{shift.pk}/check-in/", {"client_id": str(uuid.uuid4())}, headers=HTMX)
    Shift.objects.filter(pk=shift.pk).update(checked_in_at=timezone.now() - dt.timedelta(hours=2))
    answer = client.post(f"/volunteers/shifts/{shift.pk}/check-out/", {"client_id": str(uuid.uuid4())}, headers=HTMX)
    body = answer.content.decode()
    assert "张一已签退：2.0小时。" in body and 'data-testid="shift-hours">2.0<' in body
    assert 'data-testid="task-hours">2.0</span> 小时' in body and 'data-testid="on-site">0<' in body


def test_checking_out_too_soon_on_the_page_is_refused_in_the_row_and_without_htmx_too(
    corps: Corps, task: VolunteerTask, client: Client
) -> None:
    client.force_login(corps.user("jiyuan"))
    shift = Shift.objects.get(task=task, volunteer=corps["张一"])
    client.post(f"/volunteers/shifts/{shift.pk}/check-in/", {"client_id": str(uuid.uuid4())}, headers=HTMX)
    answer = client.post(f"/volunteers/shifts/{shift.pk}/check-out/", {"client_id": str(uuid.uuid4())}, headers=HTMX)
    body = answer.content.decode()
    assert re.search(r'class="alert alert-danger[^"]*"[^>]*data-testid="shift-message">时间：', body)
    assert 'data-action="check-out"' in body  # still to do, later
    plain = client.post(f"/volunteers/shifts/{shift.pk}/check-out/", {"client_id": str(uuid.uuid4())})
    assert plain.status_code == 302 and plain["Location"] == f"/volunteers/tasks/{task.pk}/#shift-{shift.pk}"
    assert "alert-danger" in _messages(client, plain)
    shift.refresh_from_db()
    assert shift.checked_out_at is None and shift.hours is None


def test_dispatching_more_than_needed_on_the_page_says_so_in_chinese(
    corps: Corps, task: VolunteerTask, client: Client
) -> None:
    client.force_login(corps.user("jiyuan"))
    page = client.get(f"/volunteers/tasks/{task.pk}/").content.decode()
    assert f'name="volunteers" value="{corps["张三"].pk}"' in page
    assert f'name="volunteers" value="{corps["张一"].pk}"' not in page  # already on the task
    chosen = [corps["张三"].pk, corps["李四"].pk]
    answer = client.post(f"/volunteers/tasks/{task.pk}/dispatch/", {"volunteers": chosen})
    assert "该任务需要3人，已有2人：最多还能派1人，不能派2人。" in _messages(client, answer)
    answer = client.post(f"/volunteers/tasks/{task.pk}/dispatch/", {"volunteers": [corps["张三"].pk]})
    assert "已派遣1名志愿者。" in _messages(client, answer)
    task.refresh_from_db()
    assert task.state == "full"


def test_staff_correct_hours_on_the_page(corps: Corps, task: VolunteerTask, client: Client) -> None:
    client.force_login(corps.user("jiyuan"))
    shift = Shift.objects.get(task=task, volunteer=corps["张一"])
    answer = client.post(f"/volunteers/shifts/{shift.pk}/hours/", {"version": 1, "hours": "3.5", "reason": "补录"})
    assert "时长已更正。" in _messages(client, answer)
    answer = client.post(f"/volunteers/shifts/{shift.pk}/hours/", {"version": 1, "hours": "4", "reason": "再改"})
    assert "他人已修改该班次" in _messages(client, answer)
    detail = client.get(f"/volunteers/{corps['张一'].pk}/").content.decode()
    assert 'data-testid="hours-served">3.5<' in detail


def test_a_contact_signs_their_volunteer_up_on_the_page_once(corps: Corps, client: Client) -> None:
    task = new_task(corps.user("jiyuan"), corps.world.jiyuan_b, invited_units=[corps.works])
    client.force_login(corps.user("qiye"))
    page = client.get(f"/volunteers/tasks/{task.pk}/").content.decode()
    assert 'data-action="sign-up"' in page and 'data-action="dispatch"' not in page
    client_id = re.findall(r'name="client_id" value="([0-9a-f-]{36})"', page)[0]
    body = {"volunteer": corps["张三"].pk, "client_id": client_id}
    assert "已报名。" in _messages(client, client.post(f"/volunteers/tasks/{task.pk}/sign-up/", body))
    again = _messages(client, client.post(f"/volunteers/tasks/{task.pk}/sign-up/", body))
    assert "该报名已收到，未重复登记。" in again
    assert Shift.objects.filter(task=task).count() == 1


def test_a_volunteer_is_registered_on_the_page_with_errors_beside_the_fields(corps: Corps, client: Client) -> None:
    client.force_login(corps.user("jiyuan"))
    wrong = client.post(
        "/volunteers/new/",
        {
            "name": "孙八",
            "document_type": "resident_id",
            "document_number": "123",
            "phone": "12345",
            "availability": "any_time",
        },
    )
    page = wrong.content.decode()
    assert wrong.status_code == 200 and 'data-field-error="document_number"' in page
    assert 'data-field-error="phone"' in page and "请选择志愿者所属的企业或社区。" in page
    body = {
        "name": "孙八",
        "document_type": "resident_id",
        "document_number": resident_id(dt.date(1999, 9, 9), serial=77),
        "phone": "13700137000",
        "community": corps.world.jiyuan_b.pk,
        "availability": "evenings",
    }
    answer = client.post("/volunteers/new/", body)
    volunteer = Volunteer.objects.get(person__name="孙八")
    assert answer.status_code == 302 and answer["Location"] == f"/volunteers/{volunteer.pk}/"
    assert volunteer.region == corps.world.jiyuan_b and volunteer.unit is None


def test_a_task_is_created_on_the_page_with_enterprises_invited(corps: Corps, client: Client) -> None:
    client.force_login(corps.user("jiyuan"))
    form = client.get("/volunteers/tasks/new/").content.decode()
    assert 'type="datetime-local"' in form and "上街机械厂" in form and "登封路便利店" not in form
    starts = timezone.localtime() + dt.timedelta(days=1)
    body = {
        "kind": "testing_site",
        "title": "登封路社区核酸检测点值守",
        "place": "登封路社区广场",
        "region": corps.world.jiyuan_b.pk,
        "starts_at": starts.strftime("%Y-%m-%dT%H:%M"),
        "ends_at": (starts + dt.timedelta(hours=5)).strftime("%Y-%m-%dT%H:%M"),
        "people_needed": 8,
        "invited_units": [corps.works.pk, corps.hongda.pk],
    }
    answer = client.post("/volunteers/tasks/new/", body)
    task = VolunteerTask.objects.get(title="登封路社区核酸检测点值守")
    assert answer["Location"] == f"/volunteers/tasks/{task.pk}/"
    assert task.organiser == corps.user("jiyuan") and set(task.invited_units.all()) == {corps.works, corps.hongda}
    client.force_login(corps.user("hongda"))
    assert "登封路社区核酸检测点值守" in client.get("/volunteers/tasks/").content.decode()


def test_the_ledger_is_exported_with_chinese_headers_and_masked_phones_and_audited(
    corps: Corps, task: VolunteerTask, client: Client
) -> None:
    client.force_login(corps.user("jiyuan"))
    page = client.get("/volunteers/ledger/", {"kind": "testing_site"}).content.decode()
    assert "张一" in page and "2个班次" in page
    answer = client.get("/volunteers/ledger/export/", {"kind": "testing_site"})
    assert answer["Content-Type"].startswith("application/vnd.openxmlformats")
    sheet = load_workbook(io.BytesIO(answer.content)).active
    assert sheet is not None
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][:5] == ("志愿者", "手机号码", "所属企业或社区", "任务类别", "任务")
    assert {r[0] for r in rows[1:]} == {"张一", "张二"}
    assert all(str(r[1]).count("*") == 4 for r in rows[1:]) and rows[1][3] == "核酸检测点值守"
    event = AuditEvent.objects.get(verb="volunteer.export")
    assert event.detail.startswith("2 rows") and event.actor_id == corps.user("jiyuan").pk


def test_pages_of_the_practice_answer_for_every_role(corps: Corps, task: VolunteerTask, client: Client) -> None:
    paths = ["/volunteers/", "/volunteers/tasks/", "/volunteers/ledger/", f"/volunteers/{corps['张一'].pk}/"]
    for username in ("commander", "jiyuan", "worker", "qiye", "market", "nobody"):
        client.force_login(corps.user(username))
        for path in paths:
            code = client.get(path).status_code
            assert code in (200, 404), (username, path, code)
    client.force_login(corps.user("market"))
    assert client.get("/volunteers/tasks/new/").status_code == 403
    assert client.get("/volunteers/new/").status_code == 403
