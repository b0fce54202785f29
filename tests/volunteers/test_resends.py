"""Phones resend: five copies of one check-in (or sign-up) at the same moment make one record, on
a file SQLite database and on PostgreSQL; two dispatches racing for the last places never
overfill a task."""

from __future__ import annotations

import threading
import uuid
from collections.abc import Callable
from typing import Any

import pytest
from django.db import connection
from django.test import Client

from lianfang.volunteers.models import Shift, ShiftCheck
from lianfang.volunteers.services import shift_dispatch
from tests.volunteers.conftest import Corps, new_task

pytestmark = pytest.mark.django_db(transaction=True)


def at_once(copies: int, send: Callable[[int], Any]) -> list[Any]:
    """Run `send` in `copies` threads released together; each thread has its own connection."""
    from django.db import connections

    start = threading.Barrier(copies)
    answers: list[Any] = []
    errors: list[BaseException] = []

    def run(n: int) -> None:
        try:
            start.wait()
            answers.append(send(n))
        except BaseException as error:
            errors.append(error)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run, args=(n,)) for n in range(copies)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)
    assert not errors, errors
    return answers


def _file_database() -> None:
    assert connection.vendor == "postgresql" or connection.settings_dict["TEST"]["NAME"] not in ("", ":memory:")


def _clients(user: Any, n: int) -> list[Client]:
    clients = []
    for _ in range(n):
        c = Client()
        c.force_login(user)
        clients.append(c)
    return clients


def test_five_concurrent_copies_of_a_check_in_make_one_check_in(corps: Corps) -> None:
    _file_database()
    jiyuan = corps.user("jiyuan")
    task = new_task(jiyuan, corps.world.jiyuan_a)
    (shift,) = shift_dispatch(actor=jiyuan, task=task, volunteers=[corps["张一"]])
    clients = _clients(jiyuan, 5)
    body = {"client_id": str(uuid.uuid4())}

    def send(n: int) -> tuple[int, Any]:
        answer = clients[n].post(f"/api/v1/volunteer-shifts/{shift.pk}/check-in/", body)
        return answer.status_code, answer.json()["checked_in_at"]

    answers = at_once(5, send)
    assert sorted(code for code, _ in answers) == [200, 200, 200, 200, 201]
    assert len({at for _, at in answers}) == 1
    assert ShiftCheck.objects.filter(shift=shift).count() == 1
    shift.refresh_from_db()
    assert shift.checked_in_at is not None and shift.version == 2


def test_five_concurrent_copies_of_a_sign_up_make_one_shift(corps: Corps) -> None:
    _file_database()
    task = new_task(corps.user("jiyuan"), corps.world.jiyuan_a, invited_units=[corps.works])
    clients = _clients(corps.user("qiye"), 5)
    body = {"client_id": str(uuid.uuid4()), "task": task.pk, "volunteer": corps["张一"].pk}

    def send(n: int) -> tuple[int, int]:
        answer = clients[n].post("/api/v1/volunteer-shifts/", body)
        return answer.status_code, answer.json()["id"]

    answers = at_once(5, send)
    assert sorted(code for code, _ in answers) == [200, 200, 200, 200, 201]
    assert len({pk for _, pk in answers}) == 1 and Shift.objects.filter(task=task).count() == 1


def test_two_dispatches_racing_for_the_last_places_never_overfill_the_task(corps: Corps) -> None:
    _file_database()
    task = new_task(corps.user("jiyuan"), corps.world.jiyuan_a, needed=3)
    clients = _clients(corps.user("jiyuan"), 2)
    teams = [[corps["张一"].pk, corps["张二"].pk], [corps["张三"].pk, corps["李四"].pk]]

    def send(n: int) -> int:
        answer = clients[n].post(
            f"/api/v1/volunteer-tasks/{task.pk}/dispatch/", {"volunteers": teams[n]}, content_type="application/json"
        )
        return answer.status_code

    assert sorted(at_once(2, send)) == [201, 400]
    assert Shift.objects.filter(task=task).count() == 2
