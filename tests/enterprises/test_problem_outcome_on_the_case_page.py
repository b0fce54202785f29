"""The case page of an enterprise's problem shows its outcome figures (workers placed, amounts)
and the figures it counts toward, to the owner, the verifier and the reporter alike."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.test import Client

from lianfang.core.regions.models import Membership, Role
from lianfang.enterprises.models import ProblemCategory
from lianfang.enterprises.services import problem_report
from tests.enterprises.test_three_interactions import contact_of, enterprise, solve
from tests.world import World, make_user

pytestmark = pytest.mark.django_db


def test_the_owner_the_verifier_and_the_reporter_see_the_outcome_and_the_figures_it_counts_toward(
    world: World, client: Client
) -> None:
    unit = enterprise(world)
    reporter = contact_of(unit)
    verifier = make_user("jiyuan2")
    Membership.objects.create(user=verifier, role=Role.SUBDISTRICT_STAFF, region=world.jiyuan)
    problem, _ = problem_report(
        actor=reporter,
        unit=unit,
        category=ProblemCategory.LABOUR,
        title="缺工20人",
        description="装配车间缺普工20人",
        confirmed=True,
    )
    solve(world, problem, workers_placed=20, subsidy_amount=Decimal("50000.00"))
    for user in (world["jiyuan"], verifier, reporter, world["commander"]):
        client.force_login(user)
        page = client.get(f"/cases/{problem.pk}/")
        assert page.status_code == 200
        html = page.content.decode()
        assert 'data-testid="case-outcome"' in html, user.username
        assert "协调用工（人）" in html and ">20<" in html and ">50000<" in html
        assert 'data-figure="enterprises.problems_solved"' in html
        assert 'data-figure="enterprises.workers_placed"' in html and 'data-figure="enterprises.subsidies"' in html
        assert 'data-figure="enterprises.loans"' not in html  # no loan in this outcome


def test_an_open_problem_shows_its_category_and_counts_toward_nothing_yet(world: World, client: Client) -> None:
    unit = enterprise(world)
    problem, _ = problem_report(
        actor=world["jiyuan"],
        unit=unit,
        category=ProblemCategory.LOAN,
        title="贷款难",
        description="流动资金贷款难",
        confirmed=True,
    )
    client.force_login(world["jiyuan"])
    html = client.get(f"/cases/{problem.pk}/").content.decode()
    assert 'data-testid="case-outcome"' in html and 'data-figure="enterprises.problems_solved"' in html
    assert "bg-green-lt" not in html.split('data-testid="counts-toward"')[1]  # not counted until closed


def test_a_case_of_a_kind_without_a_practice_outcome_shows_no_outcome_card(world: World, client: Client) -> None:
    from lianfang.core.cases.services import case_report, clean_case

    case, _ = case_report(actor=world["worker"], data=clean_case(kind="need", title="缺药", region=world.jiyuan_a))
    client.force_login(world["worker"])
    html = client.get(f"/cases/{case.pk}/").content.decode()
    assert 'data-testid="page-header"' in html and 'data-testid="case-outcome"' not in html
