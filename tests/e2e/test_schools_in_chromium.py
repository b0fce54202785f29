"""On phones: a guardian checks a child in through the class link; the head teacher reports 晨检
with a feverish student and is asked for the retest; two more feverish students at 午检 raise the
cluster alert, which the health officer sees; the school's list of unreported checks empties as
the classes report."""

from __future__ import annotations

from typing import Any

import pytest
from playwright.sync_api import Browser, BrowserContext, Page, expect

from lianfang.schools.guardian import link_token
from lianfang.schools.models import ClusterAlert
from tests.e2e.conftest import PHONE, RECORD_CSP_VIOLATIONS, Recorder, sign_in
from tests.schools.conftest import SchoolWorld, build_schools
from tests.world import World

pytestmark = [pytest.mark.browser, pytest.mark.cjk_fonts, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def live_schools(live_world: World) -> SchoolWorld:
    return build_schools(live_world)


def _phone(browser: Browser, live_server: Any) -> tuple[BrowserContext, Page]:
    context = browser.new_context(viewport=PHONE, base_url=live_server.url, locale="en-US")
    context.set_default_timeout(15_000)
    context.add_init_script(RECORD_CSP_VIOLATIONS)
    return context, context.new_page()


def _no_sideways_scroll(page: Page) -> None:
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth + 1"), page.url


def _entry(
    page: Page,
    n: int,
    *,
    student: str,
    attendance: str,
    temperature: str = "",
    reason: str = "",
    symptom: str = "",
    action: str = "",
) -> None:
    row = page.locator(f"fieldset[data-entry='{n}']")
    row.locator("select[name$='-student']").select_option(student)
    row.locator("select[name$='-attendance']").select_option(attendance)
    if reason:
        row.locator("select[name$='-reason']").select_option(reason)
    if symptom:
        row.locator(f"input[name$='-symptoms'][value='{symptom}']").check()
    if temperature:
        row.locator("input[name$='-temperature']").fill(temperature)
    if action:
        row.locator("select[name$='-action']").select_option(action)


def test_a_school_day_on_phones_from_the_guardians_link_to_the_cluster_alert(
    live_schools: SchoolWorld, browser: Browser, live_server: Any, page: Page, recorder: Recorder
) -> None:
    s = live_schools
    a = s.students(s.class_a)
    url = f"/schools/guardian/{link_token(s.class_a, s.today)}/"

    # 1. A guardian, signed in nowhere, checks the first child in.
    guardian_context, guardian = _phone(browser, live_server)
    guardian.goto(url)
    expect(guardian.locator("body")).to_contain_text("济源路实验小学")
    guardian.fill("input[name=name]", a[0].person.name)
    guardian.fill("input[name=id_ending]", a[0].person.document_masked[-4:])
    guardian.locator("[data-testid=guardian-submit]").click()
    expect(guardian.locator("[data-testid=checked-in]")).to_be_visible()
    _no_sideways_scroll(guardian)
    guardian_context.close()

    # 2. The head teacher sees it and reports 晨检 with one feverish student: the retest is asked for.
    sign_in(page, "head")
    page.goto(f"/schools/classes/{s.class_a.pk}/")
    expect(page.locator("[data-count=checked_in]")).to_contain_text("1 / 5")
    page.locator("[data-testid=check-morning]").click()
    page.fill("input[name=present]", "5")
    _entry(page, 1, student=str(a[0].pk), attendance="unwell", temperature="38.5", action="observation")
    page.locator("[data-testid=check-submit]").click()
    expect(page.locator("[data-testid=form-error]").first).to_contain_text("37.3")
    _no_sideways_scroll(page)
    page.locator("fieldset[data-entry='1'] input[name$='-retest']").fill("38.3")
    page.locator("[data-testid=check-submit]").click()
    page.wait_for_url(f"**/schools/classes/{s.class_a.pk}/")
    expect(page.locator("[data-testid=findings-morning]")).to_contain_text(a[0].person.name)

    # 3. At 午检 two more are away with a fever: the third case raises the alert.
    page.locator("[data-testid=check-noon]").click()
    page.fill("input[name=present]", "3")
    page.fill("input[name=absent]", "2")
    page.locator("[data-testid=add-row]").click()
    _entry(page, 1, student=str(a[1].pk), attendance="absent", reason="illness", symptom="fever")
    _entry(page, 2, student=str(a[2].pk), attendance="absent", reason="illness", symptom="fever")
    page.locator("[data-testid=check-submit]").click()
    page.wait_for_url(f"**/schools/classes/{s.class_a.pk}/")
    assert ClusterAlert.objects.count() == 1

    officer_context, officer = _phone(browser, live_server)
    sign_in(officer, "officer")
    officer.goto("/schools/")
    expect(officer.locator("[data-testid=alerts]")).to_contain_text(s.class_a.name)
    officer.locator("[data-testid=alerts] a").first.click()
    expect(officer.locator("body")).to_contain_text("许保健")
    _no_sideways_scroll(officer)

    # 4. The school's list: class 2 owes both checks, class 1 nothing; it empties as class 2 reports.
    officer.goto(f"/schools/{s.school.pk}/")
    missing = officer.locator("[data-testid=missing]")
    expect(missing.locator(f"[data-missing='{s.class_b.pk}-morning']")).to_be_visible()
    expect(missing.locator(f"[data-missing^='{s.class_a.pk}-']")).to_have_count(0)
    head2_context, head2 = _phone(browser, live_server)
    sign_in(head2, "head2")
    for session in ("morning", "noon"):
        head2.goto(f"/schools/classes/{s.class_b.pk}/checks/{session}/")
        head2.locator("[data-testid=check-submit]").click()
        head2.wait_for_url(f"**/schools/classes/{s.class_b.pk}/")
    officer.reload()
    expect(officer.locator("[data-testid=none-missing]")).to_be_visible()
    for context in (officer_context, head2_context):
        context.close()
    assert not recorder.console_errors
