"""On a phone: subdistrict staff dispatch an enterprise volunteer to a testing-site shift, check
them in and out, and the hours appear on the shift, the task and the volunteer's record."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

import pytest
from django.utils import timezone
from playwright.sync_api import Browser, Page, expect

from lianfang.core.regions.models import Membership, Role
from lianfang.core.units.models import UnitKind
from lianfang.core.units.services import clean_unit, unit_register
from lianfang.volunteers.models import Shift
from lianfang.volunteers.services import clean_task, clean_volunteer, task_create, volunteer_register
from tests.e2e.conftest import PHONE, RECORD_CSP_VIOLATIONS, Recorder, sign_in
from tests.ids import credit_code, resident_id
from tests.world import World, make_user

pytestmark = [pytest.mark.browser, pytest.mark.cjk_fonts, pytest.mark.django_db(transaction=True)]


def _enterprise_phone(browser: Browser, live_server: Any) -> Page:
    context = browser.new_context(viewport=PHONE, base_url=live_server.url, locale="en-US")
    context.add_init_script(RECORD_CSP_VIOLATIONS)
    phone = context.new_page()
    sign_in(phone, "qiye")
    return phone


def _bell_asks(page: Page) -> None:
    """What bell.js does when a hidden tab shows again: ask for the count at once, no reload."""
    page.evaluate("document.dispatchEvent(new Event('visibilitychange'))")


def test_staff_check_a_volunteer_in_and_out_on_a_phone_and_the_hours_appear(
    live_world: World, page: Page, recorder: Recorder, browser: Browser, live_server: Any
) -> None:
    world = live_world
    jiyuan = world["jiyuan"]
    works, _ = unit_register(
        actor=jiyuan,
        data=clean_unit(
            name="上街机械厂",
            credit_code=credit_code("91410106MA44AAAA0"),
            region=world.jiyuan_a,
            kinds=[UnitKind.ENTERPRISE],
        ),
    )
    contact = make_user("qiye")  # the enterprise's contact
    Membership.objects.create(user=contact, role=Role.UNIT_CONTACT, region=works.region, unit=works)
    volunteer = volunteer_register(
        actor=jiyuan,
        data=clean_volunteer(
            name="张一", document_number=resident_id(dt.date(1998, 4, 1)), phone="13912345678", unit=works
        ),
    )
    starts = timezone.now() - dt.timedelta(hours=3)
    task = task_create(
        actor=jiyuan,
        data=clean_task(
            kind="testing_site",
            title="济源路社区核酸检测点值守",
            place="济源路社区全员核酸检测点",
            region=world.jiyuan_a,
            starts_at=starts,
            ends_at=starts + dt.timedelta(hours=6),
            people_needed=2,
        ),
    )

    sign_in(page, "jiyuan")
    page.goto("/volunteers/tasks/")
    page.locator("[data-testid=tasks] a", has_text="济源路社区核酸检测点值守").click()
    expect(page.locator("[data-testid=places]")).to_have_text("0/2人")
    page.locator("[data-testid=dispatchable] label", has_text="张一").click()
    page.click("button[data-action=dispatch]")
    expect(page.locator(".alert-success")).to_contain_text("已派遣1名志愿者。")
    # The enterprise, on its own phone, hears that its volunteer was dispatched.
    enterprise = _enterprise_phone(browser, live_server)
    expect(enterprise.locator("[data-testid=unread-count]")).to_have_text("1")
    shift_row = page.locator("[data-testid=shifts] li", has_text="张一")
    expect(shift_row.locator("[data-testid=shift-status]")).to_have_text("待签到")
    expect(shift_row).to_contain_text("139****5678")

    # Check-in and check-out swap the row alone: the page is not drawn again (the mark stays).
    page.evaluate("window.__samePage = true")
    shift_row.locator("button[data-action=check-in]").click()
    expect(shift_row.locator("[data-testid=shift-message]")).to_contain_text("张一已签到。")
    expect(shift_row.locator("[data-testid=shift-status]")).to_have_text("已签到")
    expect(page.locator("[data-testid=on-site]")).to_have_text("1")
    _bell_asks(enterprise)
    expect(enterprise.locator("[data-testid=unread-count]")).to_have_text("2")
    # Checking out at once is refused, in the row, naming the field.
    shift_row.locator("button[data-action=check-out]").click()
    expect(shift_row.locator("[data-testid=shift-message].alert-danger")).to_contain_text("时间：")
    expect(shift_row.locator("[data-testid=shift-status]")).to_have_text("已签到")
    # The volunteer arrived when the site opened, two and a half hours ago.
    shift = Shift.objects.get(task=task, volunteer=volunteer)
    Shift.objects.filter(pk=shift.pk).update(checked_in_at=timezone.now() - dt.timedelta(hours=2, minutes=30))

    shift_row.locator("button[data-action=check-out]").click()
    expect(shift_row.locator("[data-testid=shift-message]")).to_contain_text("张一已签退：2.5小时。")
    expect(shift_row.locator("[data-testid=shift-hours]")).to_have_text("2.5")
    expect(page.locator("[data-testid=task-hours]")).to_have_text("2.5")
    expect(page.locator("[data-testid=on-site]")).to_have_text("0")
    assert page.evaluate("window.__samePage") is True
    # The enterprise hears of the check-out with the hours served.
    _bell_asks(enterprise)
    expect(enterprise.locator("[data-testid=unread-count]")).to_have_text("3")
    enterprise.goto("/notifications/")
    expect(enterprise.locator("[data-testid=notifications]")).to_contain_text("张一已签退")
    expect(enterprise.locator("[data-testid=notifications]")).to_contain_text("2.5小时")
    assert enterprise.evaluate("document.documentElement.scrollWidth") <= PHONE["width"] + 1
    shift.refresh_from_db()
    assert shift.hours == Decimal("2.5") and shift.checked_out_at is not None
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= PHONE["width"] + 1, width

    page.goto(f"/volunteers/{volunteer.pk}/")
    expect(page.locator("[data-testid=hours-served]")).to_have_text("2.5")
    # Nothing overflows sideways on the phone, and nothing broke on the way.
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= PHONE["width"] + 1, width
    assert recorder.console_errors == []
    assert page.evaluate("window.__cspViolations") == []
