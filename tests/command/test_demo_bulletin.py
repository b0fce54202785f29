"""The demo's bulletin: issue 1 of 2022 is published, and drafting 1 to 14 January 2022 (dated the
14th) makes issue 2 with a section for each practice that exists, the seed's figures where the
demo is calibrated at every scale (工业路街道's), and each figure equal to its drill-down list."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.test import Client

from lianfang.command.models import Bulletin
from lianfang.command.services import bulletin_draft
from lianfang.command.states import BulletinState
from lianfang.command.text import plain
from lianfang.core.accounts.models import User
from lianfang.core.demo.loading import DemoContext, load_demo
from lianfang.core.figures.models import RolledDay
from lianfang.core.figures.registry import Period, registry
from lianfang.core.figures.rollups import additive_figures
from lianfang.core.regions.scoping import Scope
from tests.core.test_figures import assert_matches_its_drill_down

pytestmark = pytest.mark.django_db


def test_the_demo_bulletin_has_the_practices_sections_with_figures_that_match_their_records() -> None:
    load_demo(DemoContext())
    first = Bulletin.objects.get(year=2022, number=1)
    assert first.state == BulletinState.PUBLISHED and first.signed_by.username == "qianfa"  # type: ignore[union-attr]
    # The demo's days are rolled up.
    assert RolledDay.objects.filter(day=dt.date(2022, 1, 14)).exists() and additive_figures()
    editor = User.objects.get(username="quweiban")
    issue = bulletin_draft(actor=editor, start="2022-01-01", end="2022-01-14", issued_on="2022-01-14")
    assert (issue.year, issue.number) == (2022, 2)
    sections = list(issue.sections.all())
    assert [(s.practice, s.unit) for s in sections] == [
        ("enterprises", "工业路街道"),
        ("care", "中心路街道"),
        ("markets", "区市场监管局"),
        ("schools", "区教育局"),
    ]
    # No section, and no number, for the units whose practice is not built (区住建局, 区商务局, 区纪委监委).
    assert not any(s.unit in ("区住建局", "区商务局", "区纪委监委") for s in sections)
    enterprises = plain(sections[0].text)
    for words in (
        "问题43项",
        "申领补贴517万元",
        "协调贷款1800万元",
        "协调用工153人",
        "17名党建指导员",
        "26名年轻志愿者",
    ):
        assert words in enterprises, words
    period = Period(dt.date(2022, 1, 1), dt.date(2022, 1, 14))
    for bound in issue.figures.all():
        figure = registry.figures[bound.key]
        value = assert_matches_its_drill_down(figure, period, bound.region, Scope.everything()).value
        assert bound.value == (None if value is None else Decimal(value)), bound.key
    client = Client()
    client.force_login(editor)
    page = client.get(f"/command/bulletins/{issue.pk}/").content.decode()
    assert page.count('class="bulletin-figure"') == issue.figures.count()
