"""The volunteers' figures: each equals its drill-down, counts what the bulletin counts, and on the
demo data the seed period gives the bulletin's 26 enterprise volunteers."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.utils import timezone, translation

from lianfang.core.demo.loading import SEED_END, SEED_START, load_demo
from lianfang.core.figures.registry import Period, registry
from lianfang.core.figures.selectors import figure_drill_down, figure_values
from lianfang.core.regions.models import Region
from lianfang.core.regions.scoping import Scope, scope_for
from lianfang.volunteers.models import TaskKind
from lianfang.volunteers.services import shift_check_in, shift_check_out, shift_dispatch, shift_withdraw
from tests.core.test_figures import assert_matches_its_drill_down
from tests.volunteers.conftest import Corps, new_task

pytestmark = pytest.mark.django_db

DISPATCHED = "volunteers.enterprise_volunteers_dispatched"
HOURS = "volunteers.hours"


def _served(corps: Corps, task: object, names: list[str], minutes: int) -> None:
    jiyuan = corps.user("jiyuan")
    for shift in shift_dispatch(actor=jiyuan, task=task, volunteers=[corps[n] for n in names]):  # type: ignore[arg-type]
        start = shift.task.starts_at
        shift, _ = shift_check_in(actor=jiyuan, shift=shift, at=start)
        shift_check_out(actor=jiyuan, shift=shift, at=start + dt.timedelta(minutes=minutes))


@pytest.fixture
def period() -> Period:
    today = timezone.localdate()
    return Period(today - dt.timedelta(days=6), today)


def test_enterprise_volunteers_at_testing_sites_count_each_person_once(corps: Corps, period: Period) -> None:
    jiyuan, world = corps.user("jiyuan"), corps.world
    site = new_task(jiyuan, world.jiyuan_a, needed=6, starts=timezone.now() - dt.timedelta(days=2, hours=1))
    again = new_task(jiyuan, world.jiyuan_b, needed=6, starts=timezone.now() - dt.timedelta(days=1, hours=1))
    knock = new_task(jiyuan, world.jiyuan_a, kind=TaskKind.DOOR_VISIT, needed=6, title="入户排查")
    old = new_task(jiyuan, world.jiyuan_a, needed=6, starts=timezone.now() - dt.timedelta(days=20))
    _served(corps, site, ["张一", "张二", "李四"], 180)  # 李四 is a community volunteer
    _served(corps, again, ["张一", "王六"], 90)  # 张一 twice: one person
    withdrawn = shift_dispatch(actor=jiyuan, task=again, volunteers=[corps["张三"]])[0]
    shift_withdraw(actor=jiyuan, shift=withdrawn)
    shift_dispatch(actor=jiyuan, task=knock, volunteers=[corps["张三"]])  # not a testing site
    shift_dispatch(actor=jiyuan, task=old, volunteers=[corps["张三"]])  # before the period
    values = {
        key: assert_matches_its_drill_down(registry.figures[key], period, world.jiyuan, Scope.everything())
        for key in (DISPATCHED, HOURS)
    }
    assert values[DISPATCHED].value == 3  # 张一, 张二, 王六
    assert values[HOURS].value == Decimal("12")  # 3 × 3 h + 2 × 1.5 h
    assert (
        figure_values(scope=Scope.everything(), period=period, region=world.jiyuan_b, keys=[DISPATCHED])[0].value == 2
    )


def test_a_figure_counts_only_what_the_viewer_may_see(corps: Corps, period: Period) -> None:
    jiyuan, world = corps.user("jiyuan"), corps.world
    site = new_task(jiyuan, world.jiyuan_a, needed=6, starts=timezone.now() - dt.timedelta(days=1))
    _served(corps, site, ["张一", "王六"], 60)
    qiye = corps.user("qiye")
    drill = figure_drill_down(scope=scope_for(qiye), key=DISPATCHED, period=period, region=world.jiyuan_a)
    assert drill is not None and drill.value.value == 1
    assert [row[0] for row in drill.table(drill.rows)] == ["张一"]
    assert "*" in drill.table(drill.rows)[0][1]  # the phone, masked


def test_the_hours_drill_down_shows_the_kind_of_task_in_words(corps: Corps, period: Period) -> None:
    jiyuan, world = corps.user("jiyuan"), corps.world
    site = new_task(jiyuan, world.jiyuan_a, needed=6, starts=timezone.now() - dt.timedelta(days=1))
    _served(corps, site, ["张一"], 60)
    drill = figure_drill_down(scope=Scope.everything(), key=HOURS, period=period, region=world.jiyuan)
    assert drill is not None
    kind = [c.path for c in drill.columns].index("task__kind")
    with translation.override("zh-hans"):
        shown = drill.table(drill.rows)[0][kind]
    assert shown == str(TaskKind.TESTING_SITE.label) != TaskKind.TESTING_SITE.value and "核酸" in shown


def test_the_seed_period_gives_the_bulletins_26_enterprise_volunteers_with_their_hours() -> None:
    load_demo()
    seed = Period(SEED_START, SEED_END)
    for code in ("410106000000", "410106004000"):
        region = Region.objects.get(code=code)
        dispatched = assert_matches_its_drill_down(registry.figures[DISPATCHED], seed, region, Scope.everything())
        hours = assert_matches_its_drill_down(registry.figures[HOURS], seed, region, Scope.everything())
        assert dispatched.value == 26, code
        assert hours.value is not None and hours.value > 26 * 3
    zhongxin = Region.objects.get(code="410106002000")
    assert figure_values(scope=Scope.everything(), period=seed, region=zhongxin, keys=[DISPATCHED])[0].value == 0
