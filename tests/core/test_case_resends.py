"""Submissions from phones: the same client id and content is the same case, whatever the timing."""

from __future__ import annotations

import threading
import uuid
from typing import Any

import pytest
from django.db import connection
from django.test import Client

from lianfang.core.cases.models import Case, CaseEvent
from lianfang.core.cases.services import case_report, clean_case
from lianfang.core.idempotency import SubmissionConflict, content_digest
from tests.world import World


def _body(world: World, client_id: str, **changes: Any) -> dict[str, Any]:
    return {
        "client_id": client_id,
        "kind": "problem",
        "title": "缺工20人",
        "description": "急需普工",
        "region": world.jiyuan_a.code,
        **changes,
    }


@pytest.mark.django_db
def test_a_resend_with_the_same_id_and_content_returns_the_first_case(world: World, client: Client) -> None:
    client.force_login(world["jiyuan"])
    client_id = str(uuid.uuid4())
    first = client.post("/api/v1/cases/", _body(world, client_id), content_type="application/json")
    again = client.post("/api/v1/cases/", _body(world, client_id), content_type="application/json")
    assert first.status_code == 201 and again.status_code == 200
    assert again.json()["id"] == first.json()["id"]
    assert Case.objects.count() == 1 and CaseEvent.objects.count() == 1


@pytest.mark.django_db
def test_the_same_id_with_other_content_is_a_conflict(world: World, client: Client) -> None:
    client.force_login(world["jiyuan"])
    client_id = str(uuid.uuid4())
    client.post("/api/v1/cases/", _body(world, client_id), content_type="application/json")
    other = client.post("/api/v1/cases/", _body(world, client_id, title="缺工30人"), content_type="application/json")
    assert other.status_code == 409
    assert "提交编号已用于不同的内容" in other.json()["message"]
    assert Case.objects.get().title == "缺工20人"


@pytest.mark.django_db
def test_a_resend_through_the_service_keeps_one_case_and_one_event(world: World) -> None:
    client_id = uuid.uuid4()
    data = clean_case(kind="need", title="独居老人买药", region=world.jiyuan_a)
    first, created = case_report(actor=world["jiyuan"], data=data, client_id=client_id)
    again, created_again = case_report(actor=world["jiyuan"], data=data, client_id=client_id)
    assert created and not created_again and first.pk == again.pk
    other = clean_case(kind="need", title="独居老人买菜", region=world.jiyuan_a)
    with pytest.raises(SubmissionConflict):
        case_report(actor=world["jiyuan"], data=other, client_id=client_id)


def test_the_digest_does_not_depend_on_key_order() -> None:
    assert content_digest({"a": 1, "b": "二"}) == content_digest({"b": "二", "a": 1})
    assert content_digest({"a": 1}) != content_digest({"a": 2})


@pytest.mark.django_db(transaction=True)
def test_five_concurrent_copies_make_one_case(world: World) -> None:
    # A real file database on SQLite (settings: TEST NAME) or PostgreSQL: each thread has its
    # own connection and its own transaction, as five gunicorn threads would.
    assert connection.vendor == "postgresql" or connection.settings_dict["TEST"]["NAME"] not in ("", ":memory:")
    client_id = str(uuid.uuid4())
    clients = []
    for _ in range(5):
        c = Client()
        c.force_login(world["jiyuan"])
        clients.append(c)
    start = threading.Barrier(5)
    answers: list[int] = []
    ids: list[int] = []
    errors: list[BaseException] = []

    def send(c: Client) -> None:
        from django.db import connections

        try:
            start.wait()
            answer = c.post("/api/v1/cases/", _body(world, client_id), content_type="application/json")
            answers.append(answer.status_code)
            ids.append(answer.json()["id"])
        except BaseException as error:
            errors.append(error)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=send, args=(c,)) for c in clients]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)
    assert not errors, errors
    assert sorted(answers) == [200, 200, 200, 200, 201]
    assert len(set(ids)) == 1
    assert Case.objects.filter(client_id=client_id).count() == 1
    assert CaseEvent.objects.filter(case_id=ids[0]).count() == 1


@pytest.mark.django_db
def test_a_report_that_cannot_be_read_names_each_field(world: World, client: Client) -> None:
    client.force_login(world["jiyuan"])
    bad = {
        "kind": 3,
        "title": "x" * 101,
        "unit": "abc",
        "region": "4101",
        "deadline": "2022/01/14",
        "priority": 9,
        "client_id": "not-a-uuid",
    }
    answer = client.post("/api/v1/cases/", bad, content_type="application/json")
    assert answer.status_code == 400
    fields = answer.json()["fields"]
    assert set(fields) == {"kind", "title", "unit", "region", "deadline", "priority", "client_id"}
    assert fields["deadline"] == ["日期格式错误。请从这些格式中选择：YYYY-MM-DD。"]
    assert fields["region"] == ["没有区划代码为 4101 的区域。"]
    assert client.post("/api/v1/cases/", [1, 2], content_type="application/json").status_code == 400
    assert not Case.objects.exists()
