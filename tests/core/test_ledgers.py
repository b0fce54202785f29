"""Excel ledgers (台账): import all or nothing, tolerant of hand-typed sheets, safe against hostile
files, idempotent; export masked unless the user may reveal; users onboarded with memberships.

Workbooks are built in each test with openpyxl; no binary fixture is kept in the repository.
"""

from __future__ import annotations

import datetime as dt
import io
import zipfile
from pathlib import Path
from typing import Any

import openpyxl
import pytest
from django.core.exceptions import PermissionDenied
from django.core.management import call_command
from django.core.management.base import CommandError

from lianfang.core.accounts.actors import SystemActor
from lianfang.core.accounts.models import User
from lianfang.core.audit.models import AuditEvent
from lianfang.core.audit.services import snapshot
from lianfang.core.ledgers.reports import ERROR_HEADERS, ImportReport
from lianfang.core.ledgers.services import LedgerFileError, ledger_export, ledger_import, ledger_template
from lianfang.core.people.models import Person, PersonLink
from lianfang.core.people.services import clean_person, person_register
from lianfang.core.regions.models import Membership, Role
from lianfang.core.units.models import Unit, UnitKind
from lianfang.core.units.services import clean_unit, unit_register
from tests.ids import credit_code, resident_id
from tests.world import World

pytestmark = pytest.mark.django_db

CONSOLE = SystemActor("test")
PEOPLE_HEADER = ["姓名", "证件类型", "证件号码", "手机号码", "住址", "居住地区划代码"]
ID_A = resident_id(dt.date(1985, 6, 15), serial=101)
ID_B = resident_id(dt.date(1990, 2, 1), serial=202)
ID_C = resident_id(dt.date(1972, 11, 30), serial=303)


def xlsx(rows: list[list[Any]]) -> bytes:
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    assert sheet is not None
    for row in rows:
        sheet.append(row)
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


def people_file(*rows: list[Any], header: list[str] = PEOPLE_HEADER) -> bytes:
    return xlsx([header, *rows])


def three_people() -> bytes:
    return people_file(
        ["张三", "居民身份证", ID_A, "13812345678", "济源路1号", "410106001001"],
        ["李四", "", ID_B, "13912345678", "济源路2号", "410106001002"],
        ["王五", "居民身份证", ID_C, "", "中心路3号", "410106002001"],
    )


def run(data: bytes, *, actor: Any = CONSOLE, kind: str = "people", **options: Any) -> ImportReport:
    return ledger_import(actor=actor, kind=kind, file=io.BytesIO(data), filename="台账.xlsx", **options)


def sheet_rows(data: bytes) -> list[tuple[Any, ...]]:
    sheet = openpyxl.load_workbook(io.BytesIO(data)).worksheets[0]
    return list(sheet.iter_rows(values_only=True))


def errors_by_row(report: ImportReport) -> dict[int, set[str]]:
    found: dict[int, set[str]] = {}
    for error in report.errors:
        found.setdefault(error.row, set()).add(error.column)
    return found


# Importing people


def test_a_clean_people_ledger_imports_every_row_encrypted_linked_and_audited(world: World) -> None:
    report = run(three_people(), actor=world["jiyuan"])
    assert report.ok and (report.rows_total, report.created) == (3, 3)
    zhang = Person.objects.get(name="张三")
    assert zhang.document_masked == "410***********" + ID_A[-4:] and ID_A not in zhang.document_cipher
    assert (
        zhang.home_region == world.jiyuan_a and zhang.name_initials == "zs" and zhang.birth_date == dt.date(1985, 6, 15)
    )
    # Registered where they live when the importer serves there, else in the importer's own region.
    assert PersonLink.objects.get(person=zhang).region == world.jiyuan_a
    assert PersonLink.objects.get(person__name="王五").region == world.jiyuan
    event = AuditEvent.objects.get(verb="person.create", target_id=str(zhang.pk))
    assert event.actor_name == "jiyuan" and event.region_code == world.jiyuan_a.code
    assert event.after == snapshot(zhang) and event.target_repr == str(zhang)
    assert AuditEvent.objects.filter(verb="ledger.import").count() == 1


def test_columns_are_found_in_any_order_and_extra_columns_are_ignored_with_a_warning(world: World) -> None:
    header = ["备注", "居住地区划代码", "手机号码", "证件号码", "姓名", "住址"]
    report = run(people_file(["老住户", "410106001001", "13812345678", ID_A, "张三", "济源路1号"], header=header))
    assert report.ok and report.created == 1
    assert any("备注" in warning for warning in report.warnings)
    person = Person.objects.get()
    assert (person.name, person.address, person.phone_masked) == ("张三", "济源路1号", "138****5678")


def test_a_title_row_above_the_header_is_allowed_and_row_numbers_stay_excel_s(world: World) -> None:
    data = xlsx([["济源路社区人员台账"], PEOPLE_HEADER, ["张三", "", ID_A, "", "", ""], ["", "", "123", "", "", ""]])
    report = run(data)
    assert {e.row for e in report.errors} == {4}


def test_a_missing_required_column_is_named_and_nothing_is_imported(world: World) -> None:
    report = run(people_file(["张三", "13812345678"], header=["姓名", "手机号码"]))
    assert not report.ok and [(e.row, e.column) for e in report.errors] == [(1, "证件号码")]
    assert not Person.objects.exists()


def test_every_bad_row_is_reported_with_its_row_column_and_masked_value(world: World) -> None:
    bad_check_digit = ID_A[:-1] + ("0" if ID_A[-1] != "0" else "1")
    data = people_file(
        ["张三", "", ID_A, "13812345678", "", ""],
        ["", "", bad_check_digit, "12345", "", "999999999999"],
        ["王五", "驾驶证", ID_C, "", "", "4101060010"],
    )
    report = run(data)
    assert not report.ok and report.created == 0
    assert errors_by_row(report) == {
        3: {"姓名", "证件号码", "手机号码", "居住地区划代码"},
        4: {"证件类型", "居住地区划代码"},
    }
    by_column = {(e.row, e.column): e for e in report.errors}
    assert by_column[3, "证件号码"].value == "410***********" + bad_check_digit[-4:]
    assert by_column[3, "手机号码"].value == "*****"  # masked too, even when wrong
    assert by_column[3, "居住地区划代码"].value == "999999999999"
    assert all(error.reason for error in report.errors)
    assert not any(bad_check_digit in e.value or e.value == "12345" for e in report.errors)


def test_one_bad_row_imports_nothing_at_all(world: World) -> None:
    data = people_file(
        ["张三", "", ID_A, "", "", ""], ["李四", "", ID_B, "", "", ""], ["王五", "", "not-an-id", "", "", ""]
    )
    report = run(data)
    assert [e.row for e in report.errors] == [4] and report.created == 0
    assert not Person.objects.exists() and not PersonLink.objects.exists()
    assert not AuditEvent.objects.filter(verb="person.create").exists()
    # The refused import is on the log, as refused, with its counts.
    [refused] = AuditEvent.objects.filter(verb="ledger.import")
    assert refused.outcome == "failed" and "3 rows, 1 errors" in refused.detail


def test_the_same_document_twice_in_one_file_is_refused(world: World) -> None:
    report = run(people_file(["张三", "", ID_A, "", "", ""], ["张三", "", ID_A.lower(), "", "", ""]))
    assert [(e.row, e.column) for e in report.errors] == [(3, "证件号码")]
    assert "2" in report.errors[0].reason and not Person.objects.exists()


def test_importing_the_same_file_again_changes_nothing(world: World) -> None:
    run(three_people(), actor=world["jiyuan"])
    events = AuditEvent.objects.exclude(verb="ledger.import").count()
    ciphers = set(Person.objects.values_list("document_cipher", flat=True))
    report = run(three_people(), actor=world["jiyuan"])
    assert report.ok and (report.created, report.updated, report.linked, report.unchanged) == (0, 0, 0, 3)
    assert Person.objects.count() == 3 and PersonLink.objects.count() == 3
    assert AuditEvent.objects.exclude(verb="ledger.import").count() == events
    assert set(Person.objects.values_list("document_cipher", flat=True)) == ciphers  # not even re-encrypted


def test_a_row_matching_a_known_person_updates_them_and_counts_as_an_update(world: World) -> None:
    run(three_people(), actor=world["jiyuan"])
    report = run(people_file(["张三", "", ID_A, "13900000000", "济源路99号", "410106001001"]), actor=world["jiyuan"])
    assert report.ok and (report.created, report.updated) == (0, 1)
    zhang = Person.objects.get(name="张三")
    assert zhang.address == "济源路99号" and zhang.phone_masked == "139****0000" and zhang.version == 2
    assert AuditEvent.objects.filter(verb="person.update", target_id=str(zhang.pk)).count() == 1


def test_a_person_on_file_in_another_jurisdiction_is_counted_as_new_and_waits_without_being_changed(
    world: World,
) -> None:
    data = clean_person(name="张三", document_number=ID_A, address="中心路1号", home_region=world.zhongxin_a)
    person, _ = person_register(actor=CONSOLE, data=data, region=world.zhongxin)
    report = run(people_file(["张三丰", "", ID_A, "", "济源路1号", ""]), actor=world["jiyuan"])
    assert report.ok and (report.created, report.linked) == (1, 0)  # the words of a new number
    person.refresh_from_db()
    assert person.name == "张三" and person.links.count() == 1
    [pending] = person.pending_records.all()
    assert pending.name == "张三丰" and pending.address == "济源路1号"


def test_a_person_on_file_where_the_importer_may_look_is_linked_without_being_changed_by_a_worker(
    world: World,
) -> None:
    data = clean_person(name="张三", document_number=ID_A, address="济源路1号", home_region=world.jiyuan_a)
    person, _ = person_register(actor=CONSOLE, data=data, region=world.jiyuan)
    report = run(people_file(["张三", "", ID_A, "", "济源路1号", "410106001001"]), actor=world["jiyuan"])
    assert report.ok and report.linked == 1 and report.created == 0
    assert person.links.count() == 2 and not person.pending_records.exists()


def test_a_dry_run_counts_but_writes_nothing(world: World) -> None:
    report = run(three_people(), dry_run=True)
    assert report.ok and report.dry_run and report.created == 3
    assert not Person.objects.exists() and not AuditEvent.objects.filter(verb="person.create").exists()


def test_dates_typed_in_every_usual_way_or_stored_as_excel_dates_are_read(world: World) -> None:
    header = ["用户名", "姓名", "角色", "管辖区划代码", "起始日期", "截止日期", "下沉"]
    spellings = ["2022-01-14", "2022/1/14", "2022.1.14", "2022年1月14日", dt.date(2022, 1, 14), "２０２２－０１－１４"]
    rows = [
        [f"xiao{i}", f"小{i}", "一线人员", "410106001001", start, "2022年2月1日", "是"]
        for i, start in enumerate(spellings)
    ]
    report = run(xlsx([header, *rows]), kind="users")
    assert report.ok, report.errors
    periods = set(Membership.objects.filter(user__username__startswith="xiao").values_list("valid_from", "valid_until"))
    assert periods == {(dt.date(2022, 1, 14), dt.date(2022, 2, 1))}


def test_full_width_digits_and_stray_spaces_are_tolerated(world: World) -> None:
    wide = ID_A.translate(str.maketrans("0123456789X", "０１２３４５６７８９Ｘ"))
    report = run(
        people_file(
            ["  张　三 ", "居民 身份证", f" {wide} ", "138 1234 5678", " 济源路1号 ", "４１０１０６００１００１"]
        )
    )
    assert report.ok, report.errors
    person = Person.objects.get()
    assert person.name == "张 三" and person.home_region == world.jiyuan_a and person.phone_masked == "138****5678"
    assert run(people_file(["张 三", "", ID_A, "13812345678", "济源路1号", "410106001001"])).unchanged == 1


def test_an_id_number_that_excel_stored_as_a_number_is_refused_with_how_to_fix_it(world: World) -> None:
    report = run(people_file(["张三", "", int(ID_A[:15] + "000"), "", "", ""], ["李四", "", "4.10106E+17", "", "", ""]))
    assert [(e.row, e.column) for e in report.errors] == [(2, "证件号码"), (3, "证件号码")]
    assert all("文本" in e.reason for e in report.errors)  # says to format the column as text
    assert not Person.objects.exists()


def test_a_masked_number_from_an_export_is_refused(world: World) -> None:
    report = run(people_file(["张三", "", "410***********1234", "138****5678", "", ""]))
    assert errors_by_row(report) == {2: {"证件号码", "手机号码"}}


def test_a_user_who_may_not_write_may_not_import_people(world: World) -> None:
    with pytest.raises(PermissionDenied):
        run(three_people(), actor=world["auditor"])
    assert AuditEvent.objects.filter(verb="ledger.import", outcome="denied").exists()


def test_worker_processes_import_exactly_what_one_process_does(world: World) -> None:
    rows = [
        [f"人员{i}", "", resident_id(dt.date(1980, 1, 1) + dt.timedelta(days=i)), "", "", "410106001001"]
        for i in range(30)
    ]
    rows.append(["张三", "", ID_A, "13812345678", "济源路1号", "410106001001"])
    run(people_file(["张三", "", ID_A, "13800000000", "", "410106001001"]), actor=world["jiyuan"])
    report = run(people_file(*rows), actor=world["jiyuan"], workers=1)
    assert report.ok and (report.created, report.updated) == (30, 1)
    person = Person.objects.get(name="人员7")
    assert person.document_masked.endswith(rows[7][2][-4:]) and person.name_initials == "ry"
    assert AuditEvent.objects.get(verb="person.create", target_id=str(person.pk)).after == snapshot(person)
    bad = run(people_file(*rows[:5], ["坏", "", "123", "", "", ""]), workers=1)
    assert [e.row for e in bad.errors] == [7]


@pytest.mark.parametrize("workers", [0, 1])
def test_imported_people_get_their_pinyin_sort_key_in_one_process_or_in_workers(world: World, workers: int) -> None:
    report = run(three_people(), actor=world["jiyuan"], workers=workers)
    assert report.ok and report.created == 3
    assert dict(Person.objects.values_list("name", "name_pinyin")) == {
        "张三": "zhang1san1",
        "李四": "li3si4",
        "王五": "wang2wu3",
    }
    assert list(Person.objects.values_list("name", flat=True)) == ["李四", "王五", "张三"]


# Files that cannot be imported


def test_a_renamed_text_file_is_refused_as_not_a_workbook(world: World) -> None:
    with pytest.raises(LedgerFileError):
        run("姓名,证件号码\n张三,410106198506151234\n".encode())
    word = io.BytesIO()
    with zipfile.ZipFile(word, "w") as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("word/document.xml", "<w:document/>")
    with pytest.raises(LedgerFileError):
        run(word.getvalue())
    assert not Person.objects.exists()


def with_part(workbook: bytes, name: str, content: bytes) -> bytes:
    """The workbook with one more part in its zip."""
    out = io.BytesIO()
    source = zipfile.ZipFile(io.BytesIO(workbook))
    with zipfile.ZipFile(out, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for item in source.infolist():
            archive.writestr(item.filename, source.read(item.filename))
        archive.writestr(name, content)
    return out.getvalue()


def test_a_zip_bomb_is_refused_before_it_is_inflated(world: World) -> None:
    bomb = with_part(three_people(), "xl/media/padding.bin", b"\0" * (30 * 1024 * 1024))
    assert len(bomb) < 100_000  # 30 MB in under 100 kB
    with pytest.raises(LedgerFileError):
        run(bomb)
    assert not Person.objects.exists()


def test_a_workbook_that_inflates_past_the_limit_is_refused(world: World, settings: Any) -> None:
    rows = [["张三", "居民身份证", ID_A, "13812345678", "济源路1号", "410106001001"]] * 3000
    data = people_file(*rows)
    inflated = sum(item.file_size for item in zipfile.ZipFile(io.BytesIO(data)).infolist())
    settings.IMPORT_MAX_BYTES = len(data)  # the file itself is allowed...
    assert inflated > 10 * len(data)  # ...but inflates to more than ten times that
    with pytest.raises(LedgerFileError):
        run(data)


def test_an_xml_bomb_is_refused_before_it_is_parsed(world: World) -> None:
    source = zipfile.ZipFile(io.BytesIO(three_people()))
    bomb = io.BytesIO()
    with zipfile.ZipFile(bomb, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for item in source.infolist():
            content = source.read(item.filename)
            if item.filename == "xl/worksheets/sheet1.xml":
                entities = '<!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;&lol;">]>'
                # After the XML declaration where the writer puts one (openpyxl with lxml does not).
                declared = content.replace(b"?>", b"?>" + entities.encode(), 1)
                content = declared if declared != content else entities.encode() + content
                content = content.replace(b"\xe5\xbc\xa0\xe4\xb8\x89", b"&lol2;")
            archive.writestr(item.filename, content)
    with pytest.raises(LedgerFileError):
        run(bomb.getvalue())
    assert not Person.objects.exists()


def test_a_file_over_the_size_limit_is_refused(world: World, settings: Any) -> None:
    data = three_people()
    settings.IMPORT_MAX_BYTES = len(data) - 1
    with pytest.raises(LedgerFileError):
        run(data)
    settings.IMPORT_MAX_BYTES = len(data)
    assert run(data).created == 3


def test_an_old_xls_or_damaged_workbook_gets_a_clear_message(world: World) -> None:
    with pytest.raises(LedgerFileError, match=r"\.xls"):
        run(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 600)
    with pytest.raises(LedgerFileError):
        run(three_people()[:-200])


# The error report


def test_the_error_report_is_a_workbook_with_chinese_headers_and_masked_values(world: World) -> None:
    report = run(people_file(["", "", ID_A[:-1] + "0" if ID_A[-1] != "0" else ID_A[:-1] + "1", "", "", ""]))
    rows = sheet_rows(report.errors_xlsx())
    assert rows[0] == ERROR_HEADERS
    assert {(row[0], row[1]) for row in rows[1:]} == {(2, "姓名"), (2, "证件号码")}
    assert not any(ID_A[:-1] in str(row[2]) for row in rows[1:])


# Units


def unit_file(*rows: list[Any]) -> bytes:
    return xlsx([["单位名称", "统一社会信用代码", "类别", "地址", "所在地区划代码", "联系人证件号码"], *rows])


def test_units_import_with_several_kinds_and_a_registered_contact(world: World) -> None:
    run(people_file(["张三", "", ID_A, "", "", "410106001001"]), actor=world["jiyuan"])
    code = credit_code()
    report = run(
        unit_file(
            ["丹尼斯超市", code, "商超及商贸企业、小商店", "济源路2号", "410106001001", ID_A],
            ["老王面馆", "", "小餐饮", "济源路3号", "410106001002", ""],
        ),
        kind="units",
        actor=world["jiyuan"],
    )
    assert report.ok and report.created == 2, report.errors
    unit = Unit.objects.get(credit_code=code)
    assert sorted(unit.kinds) == [UnitKind.SMALL_SHOP, UnitKind.SUPERMARKET] and unit.contact is not None
    again = run(
        unit_file(["丹尼斯超市", code, "小商店，商超及商贸企业", "济源路2号", "410106001001", ID_A]),
        kind="units",
        actor=world["jiyuan"],
    )
    assert (again.created, again.unchanged) == (0, 1)


def test_a_unit_row_outside_the_jurisdiction_or_with_an_unknown_contact_is_reported(world: World) -> None:
    report = run(
        unit_file(
            ["中心路商店", "", "小商店", "", "410106002001", ""],
            ["济源路商店", "", "杂货铺", "", "410106001001", ID_B],
        ),
        kind="units",
        actor=world["jiyuan"],
    )
    assert errors_by_row(report) == {2: {"所在地区划代码"}, 3: {"类别", "联系人证件号码"}}
    assert not Unit.objects.exists()


def test_a_credit_code_registered_outside_the_jurisdiction_is_reported_and_rolls_everything_back(world: World) -> None:
    code = credit_code()
    data = clean_unit(name="中心路商店", credit_code=code, region=world.zhongxin_a, kinds=[UnitKind.SMALL_SHOP])
    unit_register(actor=CONSOLE, data=data)
    report = run(
        unit_file(
            ["济源路新店", "", "小商店", "", "410106001001", ""], ["改名商店", code, "小商店", "", "410106001001", ""]
        ),
        kind="units",
        actor=world["jiyuan"],
    )
    assert [(e.row, e.column) for e in report.errors] == [(3, "统一社会信用代码")] and report.created == 0
    assert Unit.objects.count() == 1


# Users


def test_users_import_creates_accounts_with_their_memberships(world: World) -> None:
    header = ["用户名", "姓名", "角色", "管辖区划代码", "部门", "起始日期", "截止日期", "下沉", "初始密码"]
    rows = [
        ["xiaowang", "小王", "一线人员", "410106001001", "", "2022-01-03", "2022-01-31", "是", "lantern-river-2022"],
        ["xiaowang", "小王", "街道工作人员", "410106001000", "", "", "", "否", ""],
        ["laoli", "老李", "部门工作人员", "410106000000", "区市场监管局", "", "", "", ""],
    ]
    report = run(xlsx([header, *rows]), kind="users", actor=world["admin"])
    assert report.ok and report.created == 3, report.errors
    wang = User.objects.get(username="xiaowang")
    assert wang.check_password("lantern-river-2022") and wang.full_name == "小王"
    assert set(wang.memberships.values_list("role", "sent_down")) == {
        (Role.FIELD_WORKER, True),
        (Role.SUBDISTRICT_STAFF, False),
    }
    assert Membership.objects.get(user__username="laoli").department == world.market
    assert not User.objects.get(username="laoli").has_usable_password()
    again = run(xlsx([header, *rows]), kind="users", actor=world["admin"])
    assert (again.created, again.updated, again.unchanged) == (0, 0, 3)


def test_a_users_ledger_reports_bad_rows_and_never_echoes_a_password(world: World) -> None:
    header = ["用户名", "姓名", "角色", "管辖区划代码", "部门", "截止日期", "下沉", "初始密码"]
    rows = [
        ["a b", "甲", "站长", "410106001001", "", "", "", "short"],
        ["bing", "丙", "部门工作人员", "410106000000", "", "2022-13-01", "也许", ""],
        ["commander", "别人", "一线人员", "410106001001", "", "", "", ""],
    ]
    report = run(xlsx([header, *rows]), kind="users", actor=world["admin"])
    assert errors_by_row(report) == {
        2: {"用户名", "角色"},
        3: {"部门", "截止日期", "下沉"},
        4: {"姓名"},  # the user name belongs to someone else
    }
    assert not any("short" in e.value for e in report.errors) and not User.objects.filter(username="bing").exists()


def test_only_a_system_administrator_may_import_users(world: World) -> None:
    with pytest.raises(PermissionDenied):
        run(xlsx([["用户名", "姓名", "角色", "管辖区划代码"]]), kind="users", actor=world["commander"])


# Export


def test_an_export_masks_numbers_for_a_user_without_the_reveal_privilege(world: World) -> None:
    run(three_people(), actor=world["jiyuan"])
    rows = sheet_rows(ledger_export(actor=world["jiyuan"], kind="people"))
    assert rows[0][:5] == ("姓名", "性别", "年龄", "证件类型", "证件号码")
    numbers = {row[4] for row in rows[1:]}
    assert numbers == {"410***********" + i[-4:] for i in (ID_A, ID_B, ID_C)}
    with pytest.raises(PermissionDenied):
        ledger_export(actor=world["jiyuan"], kind="people", reveal=True)
    assert AuditEvent.objects.filter(verb="ledger.export_unmasked", outcome="denied").exists()


def test_an_unmasked_export_needs_the_privilege_is_audited_and_imports_back_unchanged(world: World) -> None:
    run(three_people(), actor=world["jiyuan"])
    for membership in Membership.objects.filter(user=world["jiyuan"]):
        membership.may_reveal = True
        membership.save()  # the signal expires the cached scope
    jiyuan = User.objects.get(pk=world["jiyuan"].pk)
    data = ledger_export(actor=jiyuan, kind="people", reveal=True, reason="核对台账")
    sheet = openpyxl.load_workbook(io.BytesIO(data)).worksheets[0]
    assert sheet["E2"].data_type == "s" and sheet["E2"].value in {ID_A, ID_B, ID_C}  # IDs are text cells
    assert AuditEvent.objects.filter(
        verb="ledger.export_unmasked", actor_name="jiyuan", detail__contains="核对台账"
    ).exists()
    report = run(data, actor=jiyuan)
    assert report.ok and report.unchanged == 3 and not report.warnings


def test_the_people_export_lists_people_in_pinyin_order(world: World) -> None:
    run(three_people(), actor=world["jiyuan"])
    rows = sheet_rows(ledger_export(actor=world["jiyuan"], kind="people"))
    assert [row[0] for row in rows[1:]] == ["李四", "王五", "张三"]  # imported 张 李 王


def test_the_console_exports_units_that_import_back_unchanged(world: World) -> None:
    run(people_file(["张三", "", ID_A, "", "", "410106001001"]))
    run(
        unit_file(["丹尼斯超市", credit_code(), "商超及商贸企业、小商店", "济源路2号", "410106001001", ID_A]),
        kind="units",
    )
    masked = sheet_rows(ledger_export(actor=CONSOLE, kind="units"))
    assert masked[1][-1] == "410***********" + ID_A[-4:]
    report = run(ledger_export(actor=CONSOLE, kind="units", reveal=True), kind="units")
    assert report.ok and report.unchanged == 1


def test_an_exported_name_beginning_with_an_equals_sign_stays_text(world: World) -> None:
    person_register(
        actor=CONSOLE, data=clean_person(name='=HYPERLINK("http://x")', document_number=ID_A), region=world.jiyuan
    )
    cell = openpyxl.load_workbook(io.BytesIO(ledger_export(actor=CONSOLE, kind="people"))).worksheets[0]["A2"]
    assert cell.data_type == "s" and cell.value.startswith("=")


def test_the_blank_template_has_the_import_headers_and_text_id_columns(world: World) -> None:
    sheet = openpyxl.load_workbook(io.BytesIO(ledger_template("people"))).worksheets[0]
    assert [c.value for c in sheet[1]] == PEOPLE_HEADER
    assert sheet.column_dimensions["C"].number_format == "@"
    users = openpyxl.load_workbook(io.BytesIO(ledger_template("users"))).worksheets[0]
    assert users["A1"].value == "用户名"


# Commands


def test_the_import_command_prints_counts_and_writes_nothing_on_a_dry_run(world: World, tmp_path: Path) -> None:
    path = tmp_path / "people.xlsx"
    path.write_bytes(three_people())
    out = io.StringIO()
    call_command("import", "people", str(path), "--dry-run", stdout=out)
    assert "3" in out.getvalue() and not Person.objects.exists()
    call_command("import", "people", str(path), stdout=io.StringIO())
    assert Person.objects.count() == 3


def test_the_import_command_lists_each_error_writes_the_report_and_fails(world: World, tmp_path: Path) -> None:
    path = tmp_path / "people.xlsx"
    path.write_bytes(people_file(["张三", "", "123", "", "", ""]))
    err = io.StringIO()
    with pytest.raises(CommandError):
        call_command("import", "people", str(path), stderr=err)
    assert "证件号码" in err.getvalue()
    assert sheet_rows((tmp_path / "people.errors.xlsx").read_bytes())[1][:2] == (2, "证件号码")
    with pytest.raises(CommandError):
        call_command("import", "people", str(tmp_path / "missing.xlsx"))


def test_the_export_command_writes_a_masked_ledger_unless_asked_to_reveal(world: World, tmp_path: Path) -> None:
    run(three_people())
    call_command("export", "people", "-o", str(tmp_path / "masked.xlsx"), stdout=io.StringIO())
    call_command("export", "people", "-o", str(tmp_path / "full.xlsx"), "--reveal", stdout=io.StringIO())
    masked = {row[4] for row in sheet_rows((tmp_path / "masked.xlsx").read_bytes())[1:]}
    full = {row[4] for row in sheet_rows((tmp_path / "full.xlsx").read_bytes())[1:]}
    assert full == {ID_A, ID_B, ID_C} and not masked & full
    assert AuditEvent.objects.filter(verb="ledger.export_unmasked", actor_name="system:export").count() == 1
