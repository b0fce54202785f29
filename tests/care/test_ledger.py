"""The household ledger (家庭台账): households, members and tags from Excel, all or nothing, through
the care services (tiers and visit duties follow); back out with the same columns; the tag columns
only for who may see tags; on the upload page and the `lianfang import/export` commands as any
ledger of core/ledgers."""

from __future__ import annotations

import datetime as dt
import io
from pathlib import Path
from typing import Any

import openpyxl
import pytest
from django.core.exceptions import PermissionDenied
from django.core.management import call_command
from django.core.management.base import CommandError
from django.test import Client
from django.utils.translation import gettext_lazy

from lianfang.care.duties import VISIT_GENERAL, VISIT_HIGH
from lianfang.care.ledger import LEDGER, may_import
from lianfang.care.models import Household, Member, Tag
from lianfang.core.audit.models import AuditEvent
from lianfang.core.duties.models import DutySubject
from lianfang.core.ledgers.registry import ledger_kinds, register_ledger
from lianfang.core.ledgers.reports import ImportReport
from lianfang.core.ledgers.services import export_kinds, ledger_export, ledger_import, ledger_template
from lianfang.core.people.models import Person
from tests.care.conftest import SYSTEM, CareWorld, years_ago
from tests.ids import resident_id

HEADER = ["社区（代码）", "地址", "姓名", "证件号码", "手机号", "与户主关系", "标签", "标签有效期至"]
JIYUAN_A = "410106001001"  # 济源路社区
ZHONGXIN_A = "410106002001"  # 中心路社区, outside the carer's area


def xlsx(rows: list[list[Any]]) -> bytes:
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    assert sheet is not None
    for row in rows:
        sheet.append(row)
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


def households_file(*rows: list[Any], header: list[str] = HEADER) -> bytes:
    return xlsx([header, *rows])


def run(data: bytes, actor: Any, **options: Any) -> ImportReport:
    return ledger_import(actor=actor, kind="households", file=io.BytesIO(data), filename="家庭台账.xlsx", **options)


def sheet_rows(data: bytes) -> list[tuple[Any, ...]]:
    sheet = openpyxl.load_workbook(io.BytesIO(data)).worksheets[0]
    return list(sheet.iter_rows(values_only=True))


def errors(report: ImportReport) -> dict[tuple[int, str], str]:
    return {(e.row, e.column): e.reason for e in report.errors}


def ids(care: CareWorld) -> dict[str, str]:
    """Four new people: 赵大爷 (85), his wife 钱奶奶 (83), 孙红 (40) and her son 孙小明 (10)."""
    today = care.today
    return {
        "zhao": resident_id(years_ago(85, today), serial=201),
        "qian": resident_id(years_ago(83, today), serial=202),
        "sun": resident_id(years_ago(40, today), serial=203),
        "sun_son": resident_id(years_ago(10, today), serial=204),
    }


def good_file(care: CareWorld) -> bytes:
    n = ids(care)
    until = care.today + dt.timedelta(days=365)
    return households_file(
        [JIYUAN_A, "济源路8号", "赵大爷", n["zhao"], "13800008888", "户主", "独居老人、高龄老人", ""],
        [JIYUAN_A, "济源路8号", "钱奶奶", n["qian"], "", "妻子", "", ""],
        ["济源路社区", "济源路9号", "孙红", n["sun"], "13900009999", "户主", "低保户", until.isoformat()],
        [f"济源路社区（{JIYUAN_A}）", "济源路9号", "孙小明", n["sun_son"], "", "子女", "困境儿童", ""],
    )


def on_duty(duty: str, household: Household) -> bool:
    return DutySubject.objects.filter(
        duty=duty, subject_type="care.household", subject_id=household.pk, valid_until__isnull=True
    ).exists()


# Importing


def test_a_good_file_makes_households_with_members_tags_and_tiers(care: CareWorld) -> None:
    report = run(good_file(care), care["carer"])
    assert report.ok, report.errors
    assert (report.rows_total, report.created, report.updated, report.unchanged) == (4, 4, 0, 0)
    zhao = Household.objects.get(address="济源路8号")
    sun = Household.objects.get(address="济源路9号")
    assert {(m.person.name, m.relation) for m in Member.objects.filter(household=zhao).select_related("person")} == {
        ("赵大爷", "head"),
        ("钱奶奶", "spouse"),
    }
    assert {(m.person.name, m.relation) for m in Member.objects.filter(household=sun).select_related("person")} == {
        ("孙红", "head"),
        ("孙小明", "child"),
    }
    tags = {(t.person.name if t.person else "", t.kind, t.valid_until) for t in Tag.objects.filter(household=sun)}
    assert tags == {("孙红", "dibao", care.today + dt.timedelta(days=365)), ("孙小明", "child", None)}
    assert set(Tag.objects.filter(household__in=[zhao, sun]).values_list("source", flat=True)) == {"civil_affairs"}
    # 85 and living alone: 高, weekly; a child in difficulty: 重点.
    assert (zhao.tier, sun.tier) == ("high", "priority")
    assert on_duty(VISIT_HIGH.key, zhao) and not on_duty(VISIT_GENERAL.key, zhao)
    person = Person.objects.get(name="赵大爷")
    assert person.home_region_id == care.world.jiyuan_a.pk and person.address == "济源路8号"
    assert AuditEvent.objects.filter(verb="ledger.import").count() == 1
    assert AuditEvent.objects.filter(verb="care.tag_add", actor=care["carer"]).count() == 4


def test_importing_the_same_file_again_changes_nothing(care: CareWorld) -> None:
    assert run(good_file(care), care["carer"]).ok
    tags = Tag.objects.count()
    again = run(good_file(care), care["carer"])
    assert again.ok and (again.created, again.updated, again.unchanged) == (0, 0, 4)
    assert Tag.objects.count() == tags and Household.objects.count() == 5


def test_a_dry_run_counts_the_households_and_writes_nothing(care: CareWorld) -> None:
    report = run(good_file(care), care["carer"], dry_run=True)
    assert report.ok and report.created == 4
    assert not Household.objects.filter(address__in=["济源路8号", "济源路9号"]).exists()
    assert not Person.objects.filter(name="赵大爷").exists()


def test_it_refuses_a_household_with_two_heads_naming_the_row(care: CareWorld) -> None:
    n = ids(care)
    report = run(
        households_file(
            [JIYUAN_A, "济源路8号", "赵大爷", n["zhao"], "", "户主", "", ""],
            [JIYUAN_A, "济源路8号", "钱奶奶", n["qian"], "", "户主", "", ""],
        ),
        care["carer"],
    )
    assert not report.ok
    found = errors(report)
    assert list(found) == [(3, "与户主关系")]
    assert "2" in found[(3, "与户主关系")]  # where the household's head is
    assert not Household.objects.filter(address="济源路8号").exists()
    assert not Person.objects.filter(name__in=["赵大爷", "钱奶奶"]).exists()


def test_a_bad_row_writes_nothing_and_the_report_names_each_row_and_field(care: CareWorld) -> None:
    n = ids(care)
    bad_check_digit = n["sun"][:-1] + ("0" if n["sun"][-1] != "0" else "1")
    report = run(
        households_file(
            [JIYUAN_A, "济源路8号", "赵大爷", n["zhao"], "", "户主", "独居老人", ""],
            [JIYUAN_A, "济源路9号", "孙红", bad_check_digit, "", "户主", "", ""],
            ["410106001099", "济源路10号", "钱奶奶", n["qian"], "", "户主", "", ""],
            [ZHONGXIN_A, "中心路1号", "孙小明", n["sun_son"], "", "户主", "", ""],
            [JIYUAN_A, "济源路8号", "李四", resident_id(serial=301), "", "女婿", "", ""],
            [JIYUAN_A, "济源路11号", "王五", resident_id(serial=302), "", "户主", "低收入", "明年"],
        ),
        care["carer"],
    )
    found = errors(report)
    assert set(found) == {
        (3, "证件号码"),
        (4, "社区（代码）"),
        (5, "社区（代码）"),
        (6, "与户主关系"),
        (7, "标签"),
        (7, "标签有效期至"),
    }
    assert "check" in found[(3, "证件号码")].lower() or "校验" in found[(3, "证件号码")]
    assert report.created == 0
    assert not Household.objects.filter(address__startswith="济源路8").exists()
    assert not Person.objects.filter(name="赵大爷").exists()
    # The error report: row, column (in Chinese), the value (an ID number masked), the reason.
    rows = sheet_rows(report.errors_xlsx())
    assert rows[0] == ("行号", "列", "值", "原因")
    assert (3, "证件号码") in {(row[0], row[1]) for row in rows[1:]}
    assert bad_check_digit not in repr(rows)


def test_a_file_may_hand_a_household_to_a_new_head(care: CareWorld) -> None:
    li, li_na = care.people["li"], care.people["li_na"]
    report = run(
        households_file(
            [JIYUAN_A, "济源路2号", li_na.name, _number(li_na), "", "户主", "", ""],
            [JIYUAN_A, "济源路2号", li.name, _number(li), "", "父母", "失能失智", ""],
        ),
        care["lead"],
    )
    assert report.ok, report.errors
    assert dict(Member.objects.filter(household=care.li).values_list("person__name", "relation")) == {
        "李娜": "head",
        "李建国": "parent",
    }
    assert Tag.objects.filter(household=care.li, kind="disabled").count() == 1  # the one on file, unchanged


def test_a_tag_on_file_gets_the_end_date_the_list_gives(care: CareWorld) -> None:
    wang = care.people["wang"]
    until = care.today + dt.timedelta(days=90)
    report = run(
        households_file([JIYUAN_A, "济源路1号", wang.name, _number(wang), "", "户主", "独居老人", until.isoformat()]),
        care["carer"],
    )
    assert report.ok and report.updated == 1
    assert list(Tag.objects.filter(household=care.wang, kind="alone").values_list("valid_until", flat=True)) == [until]


# Exporting, and the round trip


def test_an_export_imports_back_unchanged(care: CareWorld) -> None:
    assert run(good_file(care), care["carer"]).ok
    data = ledger_export(actor=SYSTEM, kind="households", reveal=True)
    rows = sheet_rows(data)
    assert rows[0] == (
        "社区（代码）",
        "地址",
        "姓名",
        "证件类型",
        "证件号码",
        "年龄",
        "手机号",
        "与户主关系",
        "标签",
        "标签有效期至",
    )
    by_name = {row[2]: row for row in rows[1:]}
    assert by_name["赵大爷"][0] == f"济源路社区（{JIYUAN_A}）"
    assert by_name["赵大爷"][7:9] == ("户主", "独居老人、高龄老人")
    # 张强's household: its 低保 is the whole household's, on the household's own row (no person).
    assert (f"济源路社区（{JIYUAN_A}）", "济源路3号", None) in {row[:3] for row in rows[1:]}
    before = {(t.household_id, t.person_id, t.kind, t.valid_until) for t in Tag.objects.all()}
    members = set(Member.objects.values_list("household_id", "person_id", "relation"))
    households = set(Household.objects.values_list("pk", "region_id", "address"))
    report = run(data, SYSTEM)
    assert report.ok, report.errors
    assert report.rows_total == len(rows) - 1 and report.created == 0
    assert {(t.household_id, t.person_id, t.kind, t.valid_until) for t in Tag.objects.all()} == before
    assert set(Member.objects.values_list("household_id", "person_id", "relation")) == members
    assert set(Household.objects.values_list("pk", "region_id", "address")) == households
    # The world's people were registered without an address: the first import gave them their
    # household's. From then on the ledger goes out and comes back without a change.
    assert Person.objects.get(name="王秀英").address == "济源路1号"
    again = run(ledger_export(actor=SYSTEM, kind="households", reveal=True), SYSTEM)
    assert again.ok and again.unchanged == again.rows_total


def test_a_member_s_tags_with_two_end_dates_go_out_on_two_rows_and_come_back(care: CareWorld) -> None:
    wang = care.people["wang"]
    until = care.today + dt.timedelta(days=30)
    from lianfang.care.services import tag_add

    tag_add(actor=SYSTEM, household=care.wang, person=wang, kind="dibao", source="civil_affairs", valid_until=until)
    data = ledger_export(actor=SYSTEM, kind="households", reveal=True)
    rows = [row for row in sheet_rows(data) if row[2] == "王秀英"]
    assert [(row[8], row[9]) for row in rows] == [("独居老人", None), ("低保户", until.isoformat())]
    tags = set(Tag.objects.values_list("pk", "valid_until"))
    assert run(data, SYSTEM).ok
    assert set(Tag.objects.values_list("pk", "valid_until")) == tags


def test_an_export_masks_numbers_unless_revealed_and_a_masked_one_is_refused_on_import(care: CareWorld) -> None:
    masked = ledger_export(actor=care["lead"], kind="households")
    rows = sheet_rows(masked)[1:]
    numbers = {row[4] for row in rows if row[2]}
    assert numbers and all("*" in number for number in numbers)
    with pytest.raises(PermissionDenied):
        ledger_export(actor=care["lead"], kind="households", reveal=True)
    report = run(masked, care["lead"])
    assert not report.ok and {e.column for e in report.errors} == {"证件号码", "手机号"}
    assert all("*" in e.reason for e in report.errors if e.column == "证件号码")


# The tag columns


def test_the_tag_columns_are_refused_by_name_to_whoever_may_not_see_tags(care: CareWorld) -> None:
    n = ids(care)
    worker = care["worker"]  # a field worker of 济源路社区 without a care role
    report = run(
        households_file([JIYUAN_A, "济源路8号", "赵大爷", n["zhao"], "", "户主", "独居老人", "2030-01-01"]), worker
    )
    found = errors(report)
    assert set(found) == {(2, "标签"), (2, "标签有效期至")}
    assert "标签" in found[(2, "标签")]
    assert not Household.objects.filter(address="济源路8号").exists()
    # Without tags the same household comes in.
    report = run(households_file([JIYUAN_A, "济源路8号", "赵大爷", n["zhao"], "", "户主", "", ""]), worker)
    assert report.ok and Household.objects.filter(address="济源路8号").exists()
    with pytest.raises(PermissionDenied) as refused:
        ledger_export(actor=worker, kind="households")
    assert "标签" in str(refused.value)
    assert AuditEvent.objects.filter(verb="ledger.export", actor=worker, outcome="denied").exists()


def test_care_staff_civil_affairs_and_the_commander_export_the_tags(care: CareWorld) -> None:
    for name in ("carer", "lead", "commander"):
        rows = sheet_rows(ledger_export(actor=care[name], kind="households"))
        assert "独居老人" in {row[8] for row in rows[1:]}, name


def test_a_community_outside_the_importer_s_area_is_refused(care: CareWorld) -> None:
    report = run(
        households_file([ZHONGXIN_A, "中心路1号", "孙红", ids(care)["sun"], "", "户主", "", ""]), care["carer"]
    )
    assert list(errors(report)) == [(2, "社区（代码）")]


def test_a_user_who_does_no_care_work_may_not_import_households(care: CareWorld) -> None:
    with pytest.raises(PermissionDenied):
        run(good_file(care), care["market"])
    assert AuditEvent.objects.filter(verb="ledger.import", actor=care["market"], outcome="denied").exists()


# Core's ledgers: the page, the template, the commands


def test_the_household_ledger_is_registered_with_core_s_ledgers(care: CareWorld) -> None:
    assert "households" in ledger_kinds() and "households" in export_kinds()
    # Declared again the same way (apps.py's ready() may run twice): harmless. Anything else: an error.
    register_ledger("households", LEDGER, label=gettext_lazy("Households"), offered_to=may_import)
    with pytest.raises(ValueError):
        register_ledger("households", LEDGER, label="家庭台账", offered_to=may_import)
    with pytest.raises(ValueError):
        register_ledger("households", type(LEDGER)(), label=gettext_lazy("Households"), offered_to=may_import)
    with pytest.raises(ValueError):
        register_ledger("people", LEDGER, label="家庭台账")


def test_the_blank_template_has_the_import_headers_and_text_id_columns(care: CareWorld) -> None:
    sheet = openpyxl.load_workbook(io.BytesIO(ledger_template("households"))).worksheets[0]
    assert [c.value for c in sheet[1]] == [
        "社区（代码）",
        "地址",
        "姓名",
        "证件类型",
        "证件号码",
        "手机号",
        "与户主关系",
        "标签",
        "标签有效期至",
    ]
    assert sheet.column_dimensions["E"].number_format == "@"


def test_the_upload_page_previews_confirms_and_reports_households(care: CareWorld, client: Client) -> None:
    client.force_login(care["carer"])
    page = client.get("/registry/ledgers/").content.decode()
    assert 'value="households"' in page and 'href="/registry/ledgers/template/households.xlsx"' in page
    assert client.get("/registry/ledgers/template/households.xlsx").status_code == 200
    upload = io.BytesIO(good_file(care))
    upload.name = "家庭台账.xlsx"
    preview = client.post("/registry/ledgers/", {"kind": "households", "file": upload, "preview": "1"})
    assert preview.status_code == 200 and preview.context["report"].created == 4
    assert not Household.objects.filter(address="济源路8号").exists()
    confirmed = client.post("/registry/ledgers/", {"confirm": preview.context["token"]})
    assert confirmed.status_code == 200 and confirmed.context["report"].ok
    assert Household.objects.filter(address="济源路8号").exists()
    bad = io.BytesIO(households_file([ZHONGXIN_A, "中心路1号", "孙红", ids(care)["sun"], "", "户主", "", ""]))
    bad.name = "bad.xlsx"
    refused = client.post("/registry/ledgers/", {"kind": "households", "file": bad})
    assert refused.status_code == 400
    assert sheet_rows(client.get("/registry/ledgers/errors.xlsx").content)[1][:2] == (2, "社区（代码）")
    exported = client.get("/registry/ledgers/export/households.xlsx")
    assert exported.status_code == 200 and "济源路8号" in {row[1] for row in sheet_rows(exported.content)}


def test_the_upload_page_offers_households_only_to_who_does_care_work(care: CareWorld, client: Client) -> None:
    client.force_login(care["market"])
    assert 'value="households"' not in client.get("/registry/ledgers/").content.decode()
    assert client.get("/registry/ledgers/template/households.xlsx").status_code == 403
    assert client.get("/registry/ledgers/export/households.xlsx").status_code == 403
    client.force_login(care["worker"])  # offered, but the export carries tags the worker may not see
    assert client.get("/registry/ledgers/export/households.xlsx").status_code == 403


def test_the_commands_export_and_import_households(care: CareWorld, tmp_path: Path) -> None:
    path = tmp_path / "households.xlsx"
    call_command("export", "households", "-o", str(path), "--reveal", stdout=io.StringIO())
    call_command("import", "households", str(path), stdout=io.StringIO())
    call_command("export", "households", "-o", str(path), "--reveal", stdout=io.StringIO())
    out = io.StringIO()
    call_command("import", "households", str(path), "--dry-run", stdout=out)
    assert "5 unchanged" in out.getvalue() or "未变 5" in out.getvalue()
    assert Household.objects.count() == 3
    bad = tmp_path / "bad.xlsx"
    bad.write_bytes(households_file([ZHONGXIN_A, "中心路1号", "孙红", "123", "", "户主", "", ""]))
    with pytest.raises(CommandError):
        call_command("import", "households", str(bad), stderr=io.StringIO())
    assert sheet_rows((tmp_path / "bad.errors.xlsx").read_bytes())[1][:2] == (2, "证件号码")


def _number(person: Person) -> str:
    from lianfang.core.people.indexes import DOCUMENT_COLUMN
    from lianfang.core.privacy.cipher import decrypt

    return decrypt(person.document_cipher, column=DOCUMENT_COLUMN)
