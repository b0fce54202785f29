"""The regions and departments ledgers: a district's tree and its bureaus and offices from Excel,
all or nothing, idempotent, audited, and only by a system administrator (or the console)."""

from __future__ import annotations

import io
from pathlib import Path
from typing import Any

import openpyxl
import pytest
from django.core.exceptions import PermissionDenied
from django.core.management import call_command
from django.core.management.base import CommandError
from django.test import Client

from lianfang.core.accounts.actors import SystemActor
from lianfang.core.accounts.models import User
from lianfang.core.audit.models import AuditEvent
from lianfang.core.ledgers.reports import ImportReport
from lianfang.core.ledgers.services import ledger_export, ledger_import, ledger_template
from lianfang.core.regions.models import Department, DepartmentKind, Region, RegionLevel
from tests.core.test_ledgers import sheet_rows, xlsx
from tests.world import World, sign_in_with_second_factor

CONSOLE = SystemActor("test")
REGIONS_HEADER = ["区划代码", "名称"]
DEPARTMENTS_HEADER = ["部门代码", "部门名称", "类别", "管辖区划代码", "监管单位类别"]


def run(kind: str, rows: list[list[Any]], *, actor: Any = CONSOLE, **options: Any) -> ImportReport:
    header = REGIONS_HEADER if kind == "regions" else DEPARTMENTS_HEADER
    data = xlsx([header, *rows])
    return ledger_import(actor=actor, kind=kind, file=io.BytesIO(data), filename="台账.xlsx", **options)


def errors(report: ImportReport) -> dict[tuple[int, str], str]:
    return {(e.row, e.column): e.reason for e in report.errors}


# A district with a subdistrict, a town, a community and a village; children before their parents.
TREE = [
    ["410106000000", "上街区"],
    ["410106001001", "济源路社区"],
    ["410106001000", "济源路街道"],
    ["410106100200", "峡窝村"],
    ["410106100000", "峡窝镇"],
]


# Regions


@pytest.mark.django_db
def test_a_regions_ledger_builds_the_tree_from_the_codes_alone() -> None:
    report = run("regions", TREE)
    assert report.ok and (report.created, report.rows_total) == (5, 5), report.errors
    levels = {r.code: (r.level, r.parent.code if r.parent else None) for r in Region.objects.select_related("parent")}
    assert levels == {
        "410106000000": (RegionLevel.DISTRICT, None),
        "410106001000": (RegionLevel.SUBDISTRICT, "410106000000"),
        "410106001001": (RegionLevel.COMMUNITY, "410106001000"),
        "410106100000": (RegionLevel.TOWN, "410106000000"),
        "410106100200": (RegionLevel.VILLAGE, "410106100000"),
    }
    assert AuditEvent.objects.filter(verb="region.create").count() == 5
    assert AuditEvent.objects.filter(verb="ledger.import", detail__startswith="regions").count() == 1


@pytest.mark.django_db
def test_it_refuses_a_row_whose_parent_is_unknown_and_names_it() -> None:
    report = run(
        "regions", [["410106000000", "上街区"], ["410106001001", "济源路社区"], ["410106001002", "登封路社区"]]
    )
    found = errors(report)
    assert set(found) == {(3, "区划代码"), (4, "区划代码")}
    assert "410106001000" in found[(3, "区划代码")]
    assert not Region.objects.exists() and report.created == 0


@pytest.mark.django_db
def test_a_row_whose_parent_is_already_in_the_system_needs_no_row_of_its_own(world: World) -> None:
    report = run("regions", [["410106002002", "金华路社区"]])
    assert report.ok and report.created == 1
    assert Region.objects.get(code="410106002002").parent == world.zhongxin


@pytest.mark.django_db
def test_only_the_top_row_may_be_a_district_and_the_system_serves_one_district(world: World) -> None:
    lower = run("regions", [["410106001000", "济源路街道"], ["410106000000", "上街区"]])
    assert set(errors(lower)) == {(3, "区划代码")}
    other = run("regions", [["410122000000", "中牟县"], ["410122001000", "青年路街道"]])
    assert "410106000000" in errors(other)[(2, "区划代码")]
    assert not Region.objects.filter(code__startswith="410122").exists()


@pytest.mark.django_db
def test_every_bad_region_row_is_named_by_row_and_column_and_nothing_is_imported() -> None:
    report = run(
        "regions",
        [
            ["410106000000", "上街区"],
            ["410106", "上街区"],  # the 6-digit administrative code
            ["41010600100", "济源路街道"],  # 11 digits
            ["410106002000", ""],
            ["410106000000", "上街区"],  # twice
            ["410106000001", "无街道的社区"],  # a community straight under the district
        ],
    )
    found = errors(report)
    assert set(found) == {(3, "区划代码"), (4, "区划代码"), (5, "名称"), (6, "区划代码"), (7, "区划代码")}
    assert "000000" in found[(3, "区划代码")]
    assert "2" in found[(6, "区划代码")]  # the row it repeats
    assert not Region.objects.exists()


@pytest.mark.django_db
def test_importing_the_same_regions_again_changes_nothing_and_a_new_name_renames_with_an_audit(world: World) -> None:
    exported = ledger_export(actor=CONSOLE, kind="regions")
    before = AuditEvent.objects.exclude(verb="ledger.import").count()
    again = ledger_import(actor=CONSOLE, kind="regions", file=io.BytesIO(exported), filename="区划.xlsx")
    assert again.ok and again.unchanged == 6 and again.created == again.updated == 0
    assert AuditEvent.objects.exclude(verb="ledger.import").count() == before
    version = User.objects.get(pk=world["jiyuan"].pk).scope_version
    renamed = run("regions", [["410106000000", "上街区"], ["410106001000", "济源路街道办"]])
    assert renamed.ok and (renamed.updated, renamed.unchanged) == (1, 1)
    assert Region.objects.get(code="410106001000").name == "济源路街道办"
    event = AuditEvent.objects.get(verb="region.update")
    assert event.before and event.after
    assert event.before["name"] == "济源路街道" and event.after["name"] == "济源路街道办"
    # Those who serve there see the new name at once: their cached scope expired.
    assert User.objects.get(pk=world["jiyuan"].pk).scope_version > version


@pytest.mark.django_db
def test_a_regions_dry_run_counts_but_writes_nothing() -> None:
    report = run("regions", TREE, dry_run=True)
    assert report.ok and report.created == 5 and not Region.objects.exists()


@pytest.mark.django_db
def test_the_regions_export_has_the_import_layout_and_is_the_blank_template_on_an_empty_database(
    tmp_path: Path,
) -> None:
    template = sheet_rows(ledger_template("regions"))
    assert template == [tuple(REGIONS_HEADER)]
    call_command("export", "regions", "-o", str(tmp_path / "empty.xlsx"), stdout=io.StringIO())
    assert sheet_rows((tmp_path / "empty.xlsx").read_bytes()) == template
    run("regions", TREE)
    call_command("export", "regions", "-o", str(tmp_path / "tree.xlsx"), stdout=io.StringIO())
    rows = sheet_rows((tmp_path / "tree.xlsx").read_bytes())
    assert rows[0] == tuple(REGIONS_HEADER) and rows[1] == ("410106000000", "上街区") and len(rows) == 6
    sheet = openpyxl.load_workbook(tmp_path / "tree.xlsx").worksheets[0]
    assert sheet["A2"].data_type == "s" and sheet.column_dimensions["A"].number_format == "@"


@pytest.mark.django_db
def test_only_a_system_administrator_may_import_regions_or_departments(world: World) -> None:
    for kind in ("regions", "departments"):
        with pytest.raises(PermissionDenied):
            run(kind, [], actor=world["jiyuan"])
        with pytest.raises(PermissionDenied):
            run(kind, [], actor=world["commander"])
    report = run("regions", [["410106003000", "新安路街道"]], actor=world["admin"])
    assert report.ok and report.created == 1
    assert AuditEvent.objects.filter(verb="region.create", actor=world["admin"]).count() == 1


@pytest.mark.django_db
def test_the_import_command_names_a_bad_region_row_and_writes_the_error_report(tmp_path: Path) -> None:
    path = tmp_path / "regions.xlsx"
    path.write_bytes(xlsx([REGIONS_HEADER, ["410106000000", "上街区"], ["410106009001", "孤儿社区"]]))
    err = io.StringIO()
    with pytest.raises(CommandError):
        call_command("import", "regions", str(path), stderr=err)
    assert "410106009000" in err.getvalue()
    assert sheet_rows((tmp_path / "regions.errors.xlsx").read_bytes())[1][:2] == (3, "区划代码")
    assert not Region.objects.exists()


# Departments

DEPARTMENTS = [
    ["scjgj", "区市场监管局", "区直部门", "410106000000", "小餐饮、小商店、小作坊"],
    ["jyj", "区教育局", "district bureau or office", "410106000000", "学校"],
    ["zxljd", "中心路街道办事处", "街道（镇）办", "410106002000", ""],
]


@pytest.mark.django_db
def test_a_departments_ledger_imports_bureaus_and_offices_with_what_they_supervise(world: World) -> None:
    report = run("departments", DEPARTMENTS)
    assert report.ok, report.errors
    # 区市场监管局 is in the world already, with nothing supervised: the row updates it.
    assert (report.created, report.updated) == (2, 1)
    market = Department.objects.get(code="scjgj")
    assert market.supervises == ["small_restaurant", "small_shop", "small_workshop"]
    # Its staff's cached scope (which shows the department) expired with the change.
    assert User.objects.get(pk=world["market"].pk).scope_version > world["market"].scope_version
    office = Department.objects.get(code="zxljd")
    assert office.kind == DepartmentKind.SUBDISTRICT_OFFICE and office.region == world.zhongxin
    assert Department.objects.get(code="jyj").kind == DepartmentKind.BUREAU
    assert AuditEvent.objects.filter(verb="department.create").count() == 2
    assert AuditEvent.objects.filter(verb="department.update").count() == 1


@pytest.mark.django_db
def test_importing_the_same_departments_again_changes_nothing(world: World) -> None:
    run("departments", DEPARTMENTS)
    exported = ledger_export(actor=CONSOLE, kind="departments")
    assert sheet_rows(exported)[0] == ("部门代码", "部门名称", "类别", "管辖区域", "管辖区划代码", "监管单位类别")
    before = AuditEvent.objects.exclude(verb="ledger.import").count()
    again = ledger_import(actor=CONSOLE, kind="departments", file=io.BytesIO(exported), filename="部门.xlsx")
    assert again.ok and again.unchanged == 4 and again.created == again.updated == 0
    assert AuditEvent.objects.exclude(verb="ledger.import").count() == before


@pytest.mark.django_db
def test_every_bad_department_row_is_named_and_nothing_is_imported(world: World) -> None:
    report = run(
        "departments",
        [
            ["zjj", "区住建局", "区直部门", "410106001000", ""],  # a bureau filed under a subdistrict
            ["xaljd", "新安路街道办事处", "居委会", "410106002000", ""],  # no such kind
            ["qt", "区市场监管局", "区直部门", "410106000000", ""],  # scjgj's name
            ["有 空格", "区商务局", "区直部门", "410106000000", "学校、飞机场"],  # not a short code; unknown kind
            ["mzj", "区民政局", "区直部门", "999999999999", ""],
            ["zjj", "区住建局二", "区直部门", "410106000000", ""],  # zjj twice
        ],
    )
    found = errors(report)
    assert set(found) == {
        (2, "管辖区划代码"),
        (3, "类别"),
        (4, "部门名称"),
        (5, "部门代码"),
        (5, "监管单位类别"),
        (6, "管辖区划代码"),
        (7, "部门代码"),
    }
    assert "scjgj" in found[(4, "部门名称")] and "飞机场" in found[(5, "监管单位类别")]
    assert Department.objects.count() == 2  # the world's, untouched


@pytest.mark.django_db
def test_the_departments_template_is_blank_with_the_import_headers() -> None:
    assert sheet_rows(ledger_template("departments")) == [tuple(DEPARTMENTS_HEADER)]


# The ledgers page


@pytest.mark.django_db
def test_the_ledgers_page_offers_region_and_department_templates_to_the_system_administrator_only(
    world: World, client: Client
) -> None:
    sign_in_with_second_factor(client, world["admin"])
    page = client.get("/registry/ledgers/").content.decode()
    for kind in ("regions", "departments"):
        assert f'href="/registry/ledgers/template/{kind}.xlsx"' in page
        answer = client.get(f"/registry/ledgers/template/{kind}.xlsx")
        assert answer.status_code == 200 and sheet_rows(answer.content)[0][0] in ("区划代码", "部门代码")
    client.force_login(world["jiyuan"])
    assert "template/regions.xlsx" not in client.get("/registry/ledgers/").content.decode()
    assert client.get("/registry/ledgers/template/regions.xlsx").status_code == 403
