"""The volunteers' lists cost a fixed number of queries, however many rows they show: each list,
page and API alike, is measured with a few rows and with ten times as many."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from lianfang.volunteers.services import (
    clean_volunteer,
    shift_check_in,
    shift_check_out,
    shift_dispatch,
    volunteer_register,
)
from tests.ids import resident_id
from tests.volunteers.conftest import Corps, new_task

pytestmark = pytest.mark.django_db

LISTS = [
    "/volunteers/",
    "/volunteers/tasks/",
    "/volunteers/ledger/",
    "/api/v1/volunteers/",
    "/api/v1/volunteer-tasks/",
    "/api/v1/volunteer-shifts/",
]
# The most any of these lists may cost: session, user and scope, the page's filters, the rows.
MOST = 14


class Growth:
    """Rows for every list below: for each step a volunteer (of 上街机械厂 or, every other one,
    of 济源路社区), a task in 济源路社区 open to 上街机械厂 and organised by a field worker, and
    the volunteer's shift on the task, served and checked out. The enterprise's contact sees
    the enterprise's half."""

    def __init__(self, corps: Corps) -> None:
        self.corps = corps
        self.made = 0

    def to(self, rows: int) -> None:
        jiyuan = self.corps.user("jiyuan")
        while self.made < rows:
            n = self.made
            data = clean_volunteer(
                name=f"志愿者{n:02d}",
                document_number=resident_id(dt.date(1990, 1, 1) + dt.timedelta(days=n), serial=n),
                phone=f"137{n:08d}",
                unit=self.corps.works if n % 2 else None,
                community=None if n % 2 else self.corps.world.jiyuan_a,
                skills="测温扫码",
            )
            volunteer = volunteer_register(actor=jiyuan, data=data)
            task = new_task(
                jiyuan,
                self.corps.world.jiyuan_a,
                title=f"核酸检测点值守 {n:02d}",
                invited_units=[self.corps.works],
                organiser=self.corps.world["worker"],
            )
            [shift] = shift_dispatch(actor=jiyuan, task=task, volunteers=[volunteer])
            shift_check_in(actor=jiyuan, shift=shift, at=task.starts_at)
            shift_check_out(actor=jiyuan, shift=shift)
            self.made += 1


def _queries(client: Client, path: str, shown: str) -> int:
    with CaptureQueriesContext(connection) as captured:
        answer = client.get(path)
    assert answer.status_code == 200
    assert shown in answer.content.decode()  # the rows are there, not an empty page
    return len(captured)


@pytest.mark.parametrize("username", ["jiyuan", "qiye"])
def test_each_volunteers_list_costs_the_same_queries_for_3_rows_as_for_30(
    corps: Corps, client: Client, username: str
) -> None:
    growth = Growth(corps)
    growth.to(3)
    client.force_login(corps.user(username))
    for path in LISTS:
        client.get(path)  # the first request fills the per-process caches (the scope, the catalogue)
    few = {path: _queries(client, path, _shown(path, 1)) for path in LISTS}
    growth.to(30)
    many = {path: _queries(client, path, _shown(path, 29)) for path in LISTS}
    assert many == few, f"as {username}, queries for 3 rows: {few}; for 30: {many}"
    assert max(many.values()) <= MOST, many


def _shown(path: str, n: int) -> str:
    return f"核酸检测点值守 {n:02d}" if "task" in path else f"志愿者{n:02d}"
