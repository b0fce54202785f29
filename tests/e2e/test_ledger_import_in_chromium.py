"""A new user imports a ledger through the page in Chromium, sees each bad row, fixes the file,
previews it and imports it."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import openpyxl
import pytest
from playwright.sync_api import Page

from lianfang.core.people.models import Person
from tests.e2e.conftest import sign_in
from tests.ids import resident_id
from tests.world import World

pytestmark = pytest.mark.browser

HEADERS = ["姓名", "证件类型", "证件号码", "手机号码", "住址", "居住地区划代码"]


def _ledger(path: Path, rows: list[list[str]]) -> Path:
    book = openpyxl.Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.append(HEADERS)
    for row in rows:
        sheet.append(row)
    for cell in sheet["C"]:
        cell.number_format = "@"  # IDs as text, as the template has them
    book.save(path)
    return path


def test_a_user_imports_a_ledger_through_the_page_and_sees_each_bad_row(
    page: Page, live_world: World, tmp_path: Path
) -> None:
    good = resident_id(dt.date(1980, 5, 6))
    bad = good[:-1] + ("0" if good[-1] != "0" else "1")
    sign_in(page, "jiyuan")
    page.goto("/registry/ledgers/")
    page.select_option("#kind", "people")
    page.set_input_files("#file", str(_ledger(tmp_path / "bad.xlsx", [
        ["张三", "居民身份证", good, "13812345678", "济源路1号", "410106001001"],
        ["李四", "居民身份证", bad, "12345", "济源路2号", "410106001001"],
    ])))  # fmt: skip
    page.locator("form[enctype] button[type=submit]").click()
    errors = page.locator("[data-testid=errors] tbody tr")
    errors.first.wait_for()
    texts = [errors.nth(i).inner_text() for i in range(errors.count())]
    assert any(t.startswith("3") and "证件号码" in t for t in texts)
    assert any(t.startswith("3") and "手机号码" in t for t in texts)
    assert not any(bad in t for t in texts)  # the value is shown masked
    assert not Person.objects.exists()

    page.goto("/registry/ledgers/")
    page.set_input_files("#file", str(_ledger(tmp_path / "good.xlsx", [
        ["张三", "居民身份证", good, "13812345678", "济源路1号", "410106001001"],
    ])))  # fmt: skip
    page.locator("form[enctype] button[type=submit]").click()
    page.locator("[data-testid=confirm]").wait_for()
    assert not Person.objects.exists()  # a preview writes nothing
    page.locator("[data-testid=confirm]").click()
    page.locator("[data-testid=counts]").wait_for()
    assert Person.objects.get().name == "张三"
