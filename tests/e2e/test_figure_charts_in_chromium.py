"""The figures page draws one ECharts bar chart per practice, from its json_script data, under the
strict content security policy, on a phone and on a desk, and follows the window's size."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone
from playwright.sync_api import Page

from lianfang.core.regions.models import Membership, Role
from tests.e2e.conftest import Recorder, sign_in
from tests.world import World, make_user

pytestmark = pytest.mark.browser

DRAWN_PIXELS = """
(el) => {
  const canvas = el.querySelector('canvas');
  if (!canvas || !canvas.width || !canvas.height) return 0;
  const data = canvas.getContext('2d').getImageData(0, 0, canvas.width, canvas.height).data;
  let painted = 0;
  for (let i = 3; i < data.length; i += 4) if (data[i] > 0) painted++;
  return painted;
}
"""


def test_each_practice_has_a_bar_chart_drawn_without_an_error_at_360_and_1280(
    page: Page, recorder: Recorder, live_world: World
) -> None:
    today = timezone.localdate()
    Membership.objects.create(
        user=make_user("posted", password=None),
        role=Role.FIELD_WORKER,
        region=live_world.jiyuan_a,
        sent_down=True,
        valid_from=today - dt.timedelta(days=3),
        valid_until=today,
    )
    sign_in(page, "jiyuan")
    page.goto("/command/figures/?from=" + (today - dt.timedelta(days=13)).isoformat() + "&to=" + today.isoformat())
    practices = page.locator("[data-testid=practice]")
    charts = page.locator("[data-testid=practice] [data-chart=bar][data-chart-drawn=true]")
    charts.first.wait_for()
    assert practices.count() >= 2 and charts.count() == practices.count()
    assert all(charts.nth(i).evaluate(DRAWN_PIXELS) > 100 for i in range(charts.count()))
    # The practices with additive figures draw their trend over the days, and the rates their targets.
    lines = page.locator("[data-testid=practice] [data-chart=line][data-chart-drawn=true]")
    assert lines.count() >= 1 and lines.first.evaluate(DRAWN_PIXELS) > 100
    assert page.locator("[data-testid=targets] [data-chart-drawn=true]").count() == 1
    # No sideways scroll on a phone; the chart fits the screen.
    assert page.evaluate("document.documentElement.scrollWidth <= document.documentElement.clientWidth")
    phone_width = charts.first.evaluate("el => el.querySelector('canvas').getBoundingClientRect().width")
    assert 200 < phone_width <= 360
    # Each value, a link to its rows, stays on one line (a link used to wrap one character a line).
    links = page.locator("[data-testid=figures] a")
    heights = [links.nth(i).bounding_box()["height"] for i in range(links.count())]  # type: ignore[index]
    assert heights and max(heights) < 44

    page.set_viewport_size({"width": 1280, "height": 800})
    page.wait_for_function(
        "() => document.querySelector('[data-chart-drawn] canvas').getBoundingClientRect().width > 360"
    )
    # Beside the table on a desk: the chart's top is level with its table's.
    chart_box = charts.first.bounding_box()
    table_box = page.locator("[data-testid=practice] [data-testid=figures]").first.bounding_box()
    assert chart_box and table_box and chart_box["x"] > table_box["x"] + table_box["width"] - 1
    assert page.evaluate("document.documentElement.scrollWidth <= document.documentElement.clientWidth")

    # The drill-down on a phone: one card per row, each cell labelled, nothing sideways.
    page.set_viewport_size({"width": 360, "height": 640})
    page.locator("[data-key='regions.sent_down_staff'] [data-testid=period-value]").click()
    page.wait_for_url(lambda url: "/command/figures/regions.sent_down_staff/" in url)
    assert page.locator("[data-testid=rows] tbody tr").count() == 1
    assert page.locator("[data-testid=rows] td[data-label]").count() >= 3
    assert page.evaluate("document.documentElement.scrollWidth <= document.documentElement.clientWidth")

    assert recorder.console_errors == []
    assert page.evaluate("window.__cspViolations") == []
    assert all(url.startswith(page.url.split("/command/")[0]) for url in recorder.urls)
