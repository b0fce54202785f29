"""A person's and an enterprise's registry pages show what the three interactions hold about them
(an instructor's assignment and visits), within the viewer's jurisdiction only."""

from __future__ import annotations

import datetime as dt

import pytest
from django.test import Client

from lianfang.core.people.holdings import Holding, person_holdings, unit_holdings
from lianfang.core.regions.models import Membership, Role
from lianfang.enterprises.models import InstructorAssignment
from lianfang.enterprises.services import instructor_assign, task_force_cover, task_force_create, visit_log
from tests.enterprises.test_three_interactions import TODAY, _instructor, contact_of, enterprise
from tests.world import World, make_user

pytestmark = pytest.mark.django_db


@pytest.fixture
def assignment(world: World) -> InstructorAssignment:
    force = task_force_create(actor=world["jiyuan"], region=world.jiyuan)
    unit = enterprise(world)
    task_force_cover(actor=world["jiyuan"], task_force=force, unit=unit)
    instructor = _instructor(world, 21)
    assigned = instructor_assign(
        actor=world["jiyuan"],
        task_force=force,
        instructor=instructor,
        unit=unit,
        starts_on=TODAY - dt.timedelta(days=10),
    )
    for days in (3, 1):
        visit_log(
            actor=world["jiyuan"], assignment=assigned, visited_on=TODAY - dt.timedelta(days=days), notes="检查台账"
        )
    return assigned


def _ours(holdings: list[Holding]) -> list[Holding]:
    return [h for h in holdings if "/enterprises/" in h.url]


def test_an_instructors_registry_page_shows_their_assignment_and_their_visits(
    world: World, assignment: InstructorAssignment, client: Client
) -> None:
    client.force_login(world["jiyuan"])
    page = client.get(f"/registry/people/{assignment.instructor_id}/").content.decode()
    holdings = page[page.index('data-testid="holdings"') :]
    link = f'href="/enterprises/instructors/?instructor={assignment.instructor_id}"'
    assert holdings.count(link) == 2 and "上街机械厂" in holdings
    held = _ours(person_holdings(assignment.instructor, world["jiyuan"]))
    assert [h.count for h in held] == [1, 2]


def test_the_instructors_page_opened_from_the_person_shows_that_instructors_visits(
    world: World, assignment: InstructorAssignment, client: Client
) -> None:
    other = _instructor(world, 22)
    client.force_login(world["jiyuan"])
    page = client.get(f"/enterprises/instructors/?instructor={other.pk}").content.decode()
    assert "检查台账" not in page and "指导员21" not in page
    page = client.get(f"/enterprises/instructors/?instructor={assignment.instructor_id}").content.decode()
    assert page.count("检查台账") == 2 and "指导员21" in page


def test_the_enterprise_page_shows_its_instructor_and_the_visits_it_received(
    world: World, assignment: InstructorAssignment, client: Client
) -> None:
    client.force_login(world["jiyuan"])
    page = client.get(f"/registry/units/{assignment.unit_id}/").content.decode()
    holdings = page[page.index('data-testid="holdings"') :]
    assert holdings.count(f'href="/enterprises/instructors/?unit={assignment.unit_id}"') == 2 and "指导员21" in holdings
    held = _ours(unit_holdings(assignment.unit, world["jiyuan"]))
    assert [h.count for h in held] == [1, 2]
    # The enterprise's own contact sees them too: the assignment is about their enterprise.
    assert [h.count for h in _ours(unit_holdings(assignment.unit, contact_of(assignment.unit)))] == [1, 2]


def test_a_viewer_outside_the_subdistrict_is_shown_nothing_of_it(
    world: World, assignment: InstructorAssignment
) -> None:
    outsider = make_user("zx")
    Membership.objects.create(user=outsider, role=Role.SUBDISTRICT_STAFF, region=world.zhongxin)
    assert _ours(person_holdings(assignment.instructor, outsider)) == []
    assert _ours(unit_holdings(assignment.unit, outsider)) == []
