"""The figures page: its period picker, the period it covers, its charts and its drill-downs."""

from __future__ import annotations

import datetime as dt
import json
import re
from typing import Any

import pytest
from django.test import Client
from django.utils import timezone, translation

from lianfang.core.accounts.models import User
from lianfang.core.demo.loading import load_demo
from lianfang.core.figures.forms import period_presets
from lianfang.core.figures.registry import Period, registry
from lianfang.core.regions.models import Membership, Role
from tests.world import World, make_user

pytestmark = pytest.mark.django_db


def test_the_presets_of_a_friday_are_that_day_its_week_fourteen_days_and_its_month() -> None:
    friday = dt.date(2022, 1, 14)
    presets = {p.key: p.period for p in period_presets(friday)}
    assert presets == {
        "today": Period(friday, friday),
        "week": Period(dt.date(2022, 1, 10), friday),
        "14days": Period(dt.date(2022, 1, 1), friday),
        "month": Period(dt.date(2022, 1, 1), friday),
    }


def test_on_a_monday_this_week_is_that_day_alone() -> None:
    monday = dt.date(2022, 2, 7)
    presets = {p.key: p.period for p in period_presets(monday)}
    assert presets["week"] == Period(monday, monday)
    assert presets["month"] == Period(dt.date(2022, 2, 1), monday)


def _presets(page: str) -> dict[str, tuple[str, bool]]:
    links = re.findall(r'<a class="btn btn-sm( btn-primary)?" data-preset="([^"]+)"[^>]*\s+href="([^"]+)"', page)
    return {key: (href.replace("&amp;", "&"), bool(active)) for active, key, href in links}


def test_the_page_offers_the_presets_for_today_and_marks_the_one_shown(world: World, client: Client) -> None:
    client.force_login(world["jiyuan"])
    today = timezone.localdate()
    response = client.get("/command/figures/")
    assert response.status_code == 200
    presets = _presets(response.content.decode())
    assert list(presets) == ["today", "week", "14days", "month"]
    start = today - dt.timedelta(days=13)
    assert presets["14days"][0] == f"?from={start:%Y-%m-%d}&to={today:%Y-%m-%d}&region={world.jiyuan.code}"
    # With no period asked for, the page shows today, and marks 今日 (and no other unless equal to it).
    assert presets["today"][1]
    assert response.context["period"] == Period.day(today)
    asked = client.get("/command/figures/" + presets["14days"][0])
    assert _presets(asked.content.decode())["14days"][1]
    assert not _presets(asked.content.decode())["today"][1]


def test_the_readmes_link_still_answers_that_period_and_region(world: World, client: Client) -> None:
    client.force_login(world["commander"])
    response = client.get("/command/figures/", {"from": "2022-01-01", "to": "2022-01-14", "region": world.jiyuan.code})
    assert response.status_code == 200
    assert response.context["period"] == Period(dt.date(2022, 1, 1), dt.date(2022, 1, 14))
    page = response.content.decode()
    covered = re.search(r'data-testid="period">(.*?)</strong>', page, re.S)
    assert covered is not None
    # The period in words, both days in the page's date format (2022年1月1日 in Chinese).
    text = covered.group(1)
    assert "2022" in text and "1" in text and "14" in text and "-" not in text
    assert 'value="2022-01-01"' in page and 'value="2022-01-14"' in page
    # The presets keep the region asked for.
    assert all(f"region={world.jiyuan.code}" in href for href, _active in _presets(page).values())


def test_a_single_day_is_shown_as_that_day(world: World, client: Client) -> None:
    client.force_login(world["jiyuan"])
    page = client.get("/command/figures/", {"from": "2022-01-14"}).content.decode()
    covered = re.search(r'data-testid="period">(.*?)</strong>', page, re.S)
    assert covered is not None and covered.group(1).count("2022") == 1


def test_a_refused_period_names_the_field_and_still_offers_the_presets(world: World, client: Client) -> None:
    client.force_login(world["jiyuan"])
    response = client.get("/command/figures/", {"from": "2022-01-14", "to": "2022-01-01"})
    assert response.context["period"] is None
    assert "is-invalid" in response.content.decode()
    assert len(_presets(response.content.decode())) == 4


def _chart_data(page: str, practice: str) -> Any:
    data_id = f"chart-{re.escape(practice)}-data"
    found = re.search(rf'<script id="{data_id}" type="application/json">(.*?)</script>', page, re.S)
    assert found is not None, practice
    return json.loads(found.group(1))


def test_each_practice_has_a_chart_of_its_figures_by_the_regions_under_the_one_shown(
    world: World, client: Client
) -> None:
    today = timezone.localdate()
    Membership.objects.create(
        user=make_user("posted", password=None),
        role=Role.FIELD_WORKER,
        region=world.jiyuan_b,
        sent_down=True,
        valid_from=today,
        valid_until=today,
    )
    client.force_login(world["jiyuan"])
    response = client.get("/command/figures/")
    page = response.content.decode()
    practices = [p.key for p in response.context["practices"]]
    assert {"core", "enterprises", "volunteers"} <= set(practices)
    assert all(f'id="chart-{key}" data-chart="bar"' in page for key in practices)
    core = _chart_data(page, "core")
    assert core["categories"] == ["济源路社区", "登封路社区"]
    (sent_down,) = core["series"]
    assert sent_down["values"] == [0, 1] and sent_down["unit"]
    enterprises = _chart_data(page, "enterprises")
    shown = next(p for p in response.context["practices"] if p.key == "enterprises")
    assert len(enterprises["series"]) == len(shown.lines)
    # A bar opens the drill-down of its figure in its region.
    assert enterprises["series"][0]["links"][0].startswith("/command/figures/enterprises.")
    # Every value is a number or nothing (a Decimal would travel as a string).
    assert all(isinstance(v, int | float) or v is None for s in enterprises["series"] for v in s["values"])


def test_the_chart_page_keeps_to_the_strict_content_security_policy(world: World, client: Client) -> None:
    client.force_login(world["commander"])
    page = client.get("/command/figures/").content.decode()
    scripts = re.findall(r"<script([^>]*)>", page)
    assert scripts and all("src=" in attrs or 'type="application/json"' in attrs for attrs in scripts)
    assert "/static/vendor/echarts/echarts.min.js" in page and "/static/js/charts.js" in page
    assert " style=" not in page


def test_a_leaf_region_charts_itself(world: World, client: Client) -> None:
    client.force_login(world["worker"])
    page = client.get("/command/figures/", {"region": world.jiyuan_a.code}).content.decode()
    assert _chart_data(page, "core")["categories"] == ["济源路社区"]


def test_a_figures_measure_follows_its_kind_and_unit() -> None:
    from lianfang.core.figures.registry import Figure, Kind, Units

    with translation.override("en"):
        workers = registry.get("enterprises.workers_placed")
        assert workers is not None and workers.kind == Kind.SUM
        assert workers.measure == "Total (persons)"
        solved = registry.get("enterprises.problems_solved")
        assert solved is not None and solved.measure == "Count (items)"
        instructors = registry.get("enterprises.instructors")
        assert instructors is not None and instructors.measure == "Count, each once (persons)"
        nothing: Any = lambda period, region: None  # noqa: E731 (never called: the measure needs no rows)
        rate = Figure("t.rate", "share", Units.PERCENT, Kind.RATE, "test", nothing, (), denominator=nothing)
        assert rate.measure == "Rate (%)"
        assert str(Kind.SUM.label) == "total"


@pytest.fixture
def demo(db: Any) -> None:
    load_demo()


def test_the_workers_placed_drill_down_counts_people_not_an_amount(demo: None, client: Client) -> None:
    client.force_login(User.objects.get(username="gongye"))
    query = {"from": "2022-01-01", "to": "2022-01-14", "region": "410106004000"}
    response = client.get("/command/figures/enterprises.workers_placed/", query)
    assert response.status_code == 200
    page = response.content.decode()
    assert "金额" not in page  # the old kind label, 金额合计, for a figure of people
    headline = re.search(r'data-testid="headline">(.*?)</div>\s*</div>', page, re.S)
    assert headline is not None
    measure = re.search(r'data-testid="measure">(.*?)</div>', headline.group(1)).group(1)  # type: ignore[union-attr]
    workers = registry.get("enterprises.workers_placed")
    assert workers is not None and str(workers.unit) in measure
    assert re.search(r'data-testid="figure-value">153</span><span class="figure-unit[^"]*">' + str(workers.unit), page)
    # On a phone each cell carries its column's name; the first leads the card.
    rows = re.search(r'data-testid="rows">(.*?)</table>', page, re.S)
    assert rows is not None
    first_row = re.search(r"<tbody><tr>(.*?)</tr>", rows.group(1), re.S)
    assert first_row is not None
    cells = re.findall(r"<td([^>]*)>", first_row.group(1))
    assert cells[0] == ' class="cell-title"' and all("data-label=" in c for c in cells[1:])
    assert len(cells) == len(workers.columns)


def test_the_figures_page_shows_each_number_with_its_unit(demo: None, client: Client) -> None:
    client.force_login(User.objects.get(username="gongye"))
    page = client.get("/command/figures/", {"from": "2022-01-01", "to": "2022-01-14"}).content.decode()
    for key, shown in (("enterprises.workers_placed", "153"), ("enterprises.subsidies", "517")):
        figure = registry.get(key)
        assert figure is not None
        row = re.search(rf'<tr data-key="{re.escape(key)}">(.*?)</tr>', page, re.S)
        assert row is not None
        assert re.search(
            rf'figure-value">{shown}</span><span class="figure-unit[^"]*">{figure.unit}</span>', row.group(1)
        )


def test_a_drill_down_with_no_rows_says_so_and_offers_the_way_back(world: World, client: Client) -> None:
    client.force_login(world["jiyuan"])
    response = client.get("/command/figures/enterprises.problems_solved/", {"from": "2022-01-14"})
    page = response.content.decode()
    assert response.status_code == 200 and 'data-testid="empty"' in page
    assert f'href="/command/figures/?from=2022-01-14&amp;to=2022-01-14&amp;region={world.jiyuan.code}"' in page
