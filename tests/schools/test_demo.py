"""The demo's seed period reproduces the bulletin's schools (区教育局) from records: 18,000 students
at full scale (here the tests' small scale of the same demo), 健康打卡 and 晨午检 at 100%."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.conf import settings

from lianfang.core.demo.loading import SEED_END, SEED_START, DemoContext, load_demo
from lianfang.core.figures.registry import Period, registry
from lianfang.core.regions.models import Region
from lianfang.core.regions.scoping import Scope
from lianfang.schools.demo import (
    CLASS_SIZE,
    FULL_CLASSES,
    SCHOOLS,
    SEED_HOME_VISITS,
    SEED_LESSONS,
    SEED_RESEARCHERS,
    SEED_STUDENTS,
    _classes_per_school,
)
from lianfang.schools.models import Absence, AbsenceState, SchoolClass
from tests.core.test_figures import assert_matches_its_drill_down

pytestmark = pytest.mark.django_db


def test_the_full_demo_is_sized_to_the_seed() -> None:
    """At full scale (too slow for the suite: `lianfang demo` measures it) the demo's sizes are the
    bulletin's: 18,000 students over the twelve schools, 3000+ home visits, 200+ lessons, 14 researchers."""
    ctx = DemoContext(scale=1.0)
    assert sum(_classes_per_school(ctx, len(SCHOOLS))) * CLASS_SIZE == SEED_STUDENTS == 18_000
    assert ctx.scaled(FULL_CLASSES, least=len(SCHOOLS)) == 400
    assert ctx.scaled(SEED_HOME_VISITS) >= 3_000 and ctx.scaled(SEED_LESSONS) >= 200 and SEED_RESEARCHERS == 14


def test_the_seed_period_figures_equal_the_bulletins_at_the_demos_scale() -> None:
    ctx = load_demo(DemoContext())
    classes = SchoolClass.objects.count()
    assert classes == ctx.scaled(FULL_CLASSES, least=2) and settings.DEMO_SCALE < 1
    expected = {
        "schools.students_enrolled": classes * CLASS_SIZE,
        "schools.checkin_completeness": Decimal(100),
        "schools.morning_noon_completeness": Decimal(100),
        "schools.cluster_alerts": 0,
    }
    period = Period(SEED_START, SEED_END)
    district = Region.objects.get(code="410106000000")
    for key, value in expected.items():
        figure = registry.get(key)
        assert figure is not None, key
        assert assert_matches_its_drill_down(figure, period, district, Scope.everything()).value == value, key
    # Students were away now and then; those away for illness were followed back to school.
    assert Absence.objects.filter(first_day__lte=SEED_END, state=AbsenceState.RETURNED).exists()
