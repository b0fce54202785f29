"""A real district set up without the demo: from an empty database, with the console commands of
the README's "Setting up a real district" alone, then one enterprise problem around its loop."""

from __future__ import annotations

import io
import re
from pathlib import Path

import pytest
from django.core.management import call_command
from django.test import Client

from lianfang.core.accounts.models import User
from lianfang.core.regions.models import Department, Region
from lianfang.core.units.models import Unit
from lianfang.enterprises.models import EnterpriseProblem
from tests.core.test_ledgers import xlsx
from tests.ids import credit_code

pytestmark = pytest.mark.django_db
MACHINERY = credit_code("91410106MA44XXXX0")


def _file(path: Path, rows: list[list[str]]) -> str:
    path.write_bytes(xlsx(rows))
    return str(path)


def _createuser(*args: str) -> str:
    """Run createuser without a terminal; return the one-time password it printed."""
    out = io.StringIO()
    call_command("createuser", *args, stdout=out, stdin=io.StringIO())
    found = re.search(r"[:：]\s*(\S{4}-\S{4}-\S{4})$", out.getvalue(), re.MULTILINE)
    assert found, out.getvalue()
    return found.group(1)


def _first_sign_in(username: str, one_time: str) -> Client:
    """Sign in through the login page with the one-time password and choose a password."""
    client = Client()
    assert client.post("/accounts/login/", {"username": username, "password": one_time}).status_code == 302
    assert client.get("/api/v1/me/").status_code == 403  # nothing before the password is chosen
    chosen = f"{username}-lantern-river-2022"
    answer = client.post("/accounts/password/first/", {"password1": chosen, "password2": chosen})
    assert answer.status_code == 302
    return client


def test_a_district_is_set_up_from_an_empty_database_with_the_console_and_closes_an_enterprise_problem(
    tmp_path: Path,
) -> None:
    assert not (Region.objects.exists() or Department.objects.exists() or User.objects.exists())
    out = io.StringIO()
    call_command(
        "import",
        "regions",
        _file(
            tmp_path / "regions.xlsx",
            [
                ["区划代码", "名称"],
                ["410106000000", "上街区"],
                ["410106004000", "工业路街道"],
                ["410106004001", "工业路社区"],
            ],
        ),
        stdout=out,
    )
    call_command(
        "import",
        "departments",
        _file(
            tmp_path / "departments.xlsx",
            [
                ["部门代码", "部门名称", "类别", "管辖区划代码", "监管单位类别"],
                ["scjgj", "区市场监管局", "区直部门", "410106000000", "小餐饮、小商店、小作坊"],
                ["gyljd", "工业路街道办事处", "街道（镇）办", "410106004000", ""],
            ],
        ),
        stdout=out,
    )
    call_command(
        "import",
        "units",
        _file(
            tmp_path / "units.xlsx",
            [
                ["单位名称", "统一社会信用代码", "类别", "地址", "所在地区划代码"],
                ["上街机械厂", MACHINERY, "企业", "工业路1号", "410106004001"],
            ],
        ),
        stdout=out,
    )
    staff = _createuser("gongye", "--full-name", "龚主任", "--role", "subdistrict_staff", "--region", "410106004000")
    commander = _createuser("zhihui", "--full-name", "智指挥", "--role", "commander", "--region", "410106000000")
    contact = _createuser("qiye", "--full-name", "刘经理", "--role", "unit_contact", "--unit", MACHINERY)
    assert Region.objects.count() == 3 and Department.objects.count() == 2 and Unit.objects.count() == 1

    # The enterprise's contact signs in for the first time and reports a problem from a phone.
    unit = Unit.objects.get(credit_code=MACHINERY)
    phone = _first_sign_in("qiye", contact)
    reported = phone.post(
        "/api/v1/enterprise-problems/",
        {
            "unit": unit.pk,
            "category": "labour",
            "title": "缺工20人",
            "description": "装配车间缺普工20人",
            "confirmed": True,
        },
        content_type="application/json",
    )
    assert reported.status_code == 201, reported.json()
    problem = EnterpriseProblem.objects.select_related("case").get(pk=reported.json()["id"])
    assert problem.case.owner_department == Department.objects.get(code="gyljd")

    # The subdistrict's staff accept it and mark it done with the workers placed …
    office = _first_sign_in("gongye", staff)
    case = problem.case
    for step in ("accept", "start"):
        moved = office.post(
            f"/api/v1/cases/{case.pk}/transition/", {"name": step, "version": case.version}, "application/json"
        )
        assert moved.status_code == 200, moved.json()
        case.refresh_from_db()
    outcome = {"version": case.version, "outcome": "已安置", "workers_placed": "20"}
    done = office.post(f"/enterprises/problems/{case.pk}/close/", outcome)
    assert done.status_code == 302
    # … and someone else, the commander, verifies it.
    command = _first_sign_in("zhihui", commander)
    case.refresh_from_db()
    verified = command.post(
        f"/api/v1/cases/{case.pk}/transition/", {"name": "verify", "version": case.version}, "application/json"
    )
    assert verified.status_code == 200 and verified.json()["state"] == "verified" and verified.json()["is_closed"]
    assert EnterpriseProblem.objects.get(pk=problem.pk).workers_placed == 20

    # The subdistrict sets up its task force and covers the enterprise: the instructors page works.
    force = office.post("/api/v1/task-forces/", {"region": "410106004000"}, "application/json")
    assert force.status_code == 201, force.json()
    covered = office.post(
        f"/api/v1/task-forces/{force.json()['id']}/enterprises/", {"unit": unit.pk}, "application/json"
    )
    assert covered.status_code in (200, 201), covered.json()
    page = office.get("/enterprises/instructors/")
    assert page.status_code == 200 and page.context["assign_form"] is not None
