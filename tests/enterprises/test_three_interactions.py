"""工业路街道's three interactions: problems with outcome figures, resources, instructors, figures."""

from __future__ import annotations

import datetime as dt
import re
import uuid
from decimal import Decimal
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.test import Client
from django.utils import timezone

from lianfang.core.cases.models import Case
from lianfang.core.cases.services import case_transition
from lianfang.core.figures.registry import Period, registry
from lianfang.core.people.services import clean_person, person_register
from lianfang.core.regions.models import Membership, Role
from lianfang.core.regions.scoping import Scope
from lianfang.core.units.models import Unit, UnitKind
from lianfang.core.units.services import clean_unit, unit_register
from lianfang.enterprises.models import EnterpriseProblem, GuidanceVisit, ProblemCategory
from lianfang.enterprises.services import (
    dispatch_request,
    instructor_assign,
    offer_create,
    problem_finish,
    problem_report,
    task_force_cover,
    task_force_create,
    visit_log,
)
from tests.core.test_figures import assert_matches_its_drill_down
from tests.ids import credit_code, resident_id
from tests.world import World, make_user

pytestmark = pytest.mark.django_db
TODAY = timezone.localdate()


def enterprise(world: World, name: str = "上街机械厂", code: str = "91410106MA44XXXX0", **fields: Any) -> Unit:
    data = clean_unit(
        name=name,
        credit_code=credit_code(code),
        region=fields.get("region", world.jiyuan_a),
        kinds=fields.get("kinds", [UnitKind.ENTERPRISE]),
        address="工业路1号",
    )
    unit, _ = unit_register(actor=world["commander"], data=data)
    return unit


def report(*, actor: Any, unit: Unit, category: Any, **extra: Any) -> tuple[EnterpriseProblem, bool]:
    """A report as the form sends it: described and confirmed, unless the test says otherwise."""
    extra.setdefault("description", "装配车间缺普工，请协调")
    extra.setdefault("confirmed", True)
    return problem_report(actor=actor, unit=unit, category=category, **extra)


def contact_of(unit: Unit, username: str = "qiye") -> Any:
    user = make_user(username)
    Membership.objects.create(user=user, role=Role.UNIT_CONTACT, region=unit.region, unit=unit)
    return user


def solve(world: World, problem: EnterpriseProblem, **figures: Any) -> EnterpriseProblem:
    case = problem.case
    case = case_transition(actor=world["jiyuan"], case=case, name="accept", version=case.version)
    case = case_transition(actor=world["jiyuan"], case=case, name="start", version=case.version)
    problem = problem_finish(actor=world["jiyuan"], problem=problem, version=case.version, outcome="已解决", **figures)
    case_transition(actor=world["commander"], case=problem.case, name="verify", version=problem.case.version)
    return EnterpriseProblem.objects.get(pk=problem.pk)


def test_an_enterprise_contact_reports_a_problem_about_their_own_enterprise_only(world: World) -> None:
    unit = enterprise(world)
    other = enterprise(world, name="宏达建材", code="91410106MA44YYYY0")
    contact = contact_of(unit)
    problem, created = report(actor=contact, unit=unit, category=ProblemCategory.LABOUR, title="缺工20人")
    assert created and problem.case.kind == "problem" and problem.case.owner_department == world.jiyuan_office
    with pytest.raises(PermissionDenied):
        report(actor=contact, unit=other, category=ProblemCategory.LABOUR)
    assert EnterpriseProblem.objects.count() == 1


def test_a_problem_is_only_for_an_enterprise_and_needs_a_category(world: World) -> None:
    shop = enterprise(world, name="中心面馆", kinds=[UnitKind.SMALL_RESTAURANT])
    with pytest.raises(ValidationError) as refused:
        report(actor=world["jiyuan"], unit=shop, category="nonsense")
    assert set(refused.value.message_dict) == {"category", "unit"}
    assert "不是企业" in refused.value.message_dict["unit"][0]


@pytest.mark.parametrize(
    ("category", "field", "value", "message"),
    [
        (ProblemCategory.LABOUR, "workers_placed", 20, "请填写协调用工人数。"),
        (ProblemCategory.SUBSIDY, "subsidy_amount", Decimal("500000"), "请填写申领补贴金额（元）。"),
        (ProblemCategory.LOAN, "loan_amount", Decimal("3000000"), "请填写协调贷款金额（元）。"),
        (ProblemCategory.MATERIALS, "materials_supplied", "口罩2000只", "请填写协调的物资。"),
    ],
)
def test_marking_a_problem_done_needs_its_categorys_figure(
    world: World, category: str, field: str, value: Any, message: str
) -> None:
    problem, _ = report(actor=world["jiyuan"], unit=enterprise(world), category=category)
    case = problem.case
    for name in ("accept", "start"):
        case = case_transition(actor=world["jiyuan"], case=case, name=name, version=case.version)
    with pytest.raises(ValidationError) as missing:
        problem_finish(actor=world["jiyuan"], problem=problem, version=case.version, outcome="已解决")
    assert missing.value.message_dict[field] == [message]
    # Nor through the case engine's own 办结, which would leave the figure out.
    with pytest.raises(ValidationError):
        case_transition(actor=world["jiyuan"], case=case, name="finish", version=case.version, outcome="已解决")
    problem.refresh_from_db()
    assert getattr(problem, field) in (None, "") and problem.case.state == "in_progress"
    done = problem_finish(
        actor=world["jiyuan"], problem=problem, version=case.version, outcome="已解决", **{field: value}
    )
    assert done.case.state == "done" and getattr(done, field) == value


def test_amounts_are_checked_and_named_in_chinese(world: World) -> None:
    problem, _ = report(actor=world["jiyuan"], unit=enterprise(world), category=ProblemCategory.SUBSIDY)
    with pytest.raises(ValidationError) as refused:
        problem_finish(
            actor=world["jiyuan"], problem=problem, version=1, outcome="x", subsidy_amount="五十万", workers_placed=-1
        )
    assert refused.value.message_dict == {
        "subsidy_amount": ["请用数字填写金额（元）。"],
        "workers_placed": ["人数须在0到100000之间。"],
    }


def test_the_figures_count_only_verified_problems_and_each_equals_its_drill_down(world: World) -> None:
    unit = enterprise(world)
    solve(world, report(actor=world["jiyuan"], unit=unit, category=ProblemCategory.LABOUR)[0], workers_placed=20)
    solve(
        world,
        report(actor=world["jiyuan"], unit=unit, category=ProblemCategory.SUBSIDY)[0],
        subsidy_amount=Decimal("5170000"),
    )
    solve(
        world,
        report(actor=world["jiyuan"], unit=unit, category=ProblemCategory.LOAN)[0],
        loan_amount=Decimal("18000000"),
    )
    # Done but not verified, and still open: neither counts.
    waiting, _ = report(actor=world["jiyuan"], unit=unit, category=ProblemCategory.LABOUR)
    case = waiting.case
    for name in ("accept", "start"):
        case = case_transition(actor=world["jiyuan"], case=case, name=name, version=case.version)
    problem_finish(actor=world["jiyuan"], problem=waiting, version=case.version, outcome="x", workers_placed=99)
    report(actor=world["jiyuan"], unit=unit, category=ProblemCategory.OTHER)
    period = Period(TODAY, TODAY)
    values = {
        key: assert_matches_its_drill_down(registry.get(key), period, world.district, Scope.everything())  # type: ignore[arg-type]
        for key in (
            "enterprises.problems_solved",
            "enterprises.workers_placed",
            "enterprises.subsidies",
            "enterprises.loans",
        )
    }
    assert values["enterprises.problems_solved"].value == 3
    assert values["enterprises.workers_placed"].value == 20
    assert values["enterprises.subsidies"].value == Decimal("517")
    assert values["enterprises.loans"].value == Decimal("1800")
    # Another subdistrict's figures do not see them.
    other = registry.get("enterprises.problems_solved")
    assert other is not None and other.compute(period, world.zhongxin, Scope.everything()).value == 0


def test_the_api_takes_a_resend_once_and_refuses_other_content_under_the_same_id(world: World, client: Client) -> None:
    unit = enterprise(world)
    client.force_login(contact_of(unit))
    body = {
        "client_id": str(uuid.uuid4()),
        "unit": unit.pk,
        "category": "labour",
        "title": "缺工20人",
        "description": "装配车间缺普工20人",
        "confirmed": True,
    }
    first = client.post("/api/v1/enterprise-problems/", body, content_type="application/json")
    again = client.post("/api/v1/enterprise-problems/", body, content_type="application/json")
    assert first.status_code == 201 and again.status_code == 200 and first.json()["id"] == again.json()["id"]
    other = client.post(
        "/api/v1/enterprise-problems/", {**body, "category": "materials"}, content_type="application/json"
    )
    assert other.status_code == 409
    assert EnterpriseProblem.objects.count() == 1 and Case.objects.count() == 1


def test_problems_outside_the_jurisdiction_answer_404(world: World, client: Client) -> None:
    unit = enterprise(world)
    problem, _ = report(actor=world["jiyuan"], unit=unit, category=ProblemCategory.LABOUR)
    outsider = make_user("zx")
    Membership.objects.create(user=outsider, role=Role.SUBDISTRICT_STAFF, region=world.zhongxin)
    client.force_login(outsider)
    assert client.get("/api/v1/enterprise-problems/").json()["count"] == 0
    assert client.get(f"/api/v1/enterprise-problems/{problem.pk}/").status_code == 404
    assert client.get(f"/enterprises/problems/{problem.pk}/close/").status_code == 404
    answer = client.post(
        f"/api/v1/enterprise-problems/{problem.pk}/finish/",
        {"version": 1, "outcome": "x", "workers_placed": 3},
        content_type="application/json",
    )
    assert answer.status_code == 404


def test_an_enterprise_carries_out_a_resource_request_and_reports_it_done(world: World) -> None:
    unit = enterprise(world)
    contact = contact_of(unit)
    offer = offer_create(actor=contact, unit=unit, title="雾炮车协助消杀")
    with pytest.raises(PermissionDenied):
        dispatch_request(actor=contact, offer=offer)  # the subdistrict asks, not the enterprise
    sent, created = dispatch_request(actor=world["jiyuan"], offer=offer, title="雾炮车消杀济源路")
    assert created and sent.case.owner_unit == unit and sent.case.kind == "resource_request"
    case = sent.case
    for name in ("accept", "start"):
        case = case_transition(actor=contact, case=case, name=name, version=case.version)
    case = case_transition(actor=contact, case=case, name="finish", version=case.version, outcome="消杀2小时")
    assert case.is_closed
    figure = registry.get("enterprises.resource_dispatches")
    assert figure is not None
    assert assert_matches_its_drill_down(figure, Period(TODAY, TODAY), world.district, Scope.everything()).value == 1


def _instructor(world: World, serial: int) -> Any:
    data = clean_person(name=f"指导员{serial}", document_number=resident_id(dt.date(1980, 1, 1), serial=serial))
    person, _ = person_register(actor=world["jiyuan"], data=data, region=world.jiyuan)
    return person


def test_instructors_are_assigned_one_to_one_and_their_visits_resend_once(world: World) -> None:
    force = task_force_create(actor=world["jiyuan"], region=world.jiyuan)
    unit = enterprise(world)
    second = enterprise(world, name="宏达建材", code="91410106MA44YYYY0")
    for covered in (unit, second):
        task_force_cover(actor=world["jiyuan"], task_force=force, unit=covered)
    first_instructor, other_instructor = _instructor(world, 11), _instructor(world, 12)
    start = TODAY - dt.timedelta(days=10)
    assignment = instructor_assign(
        actor=world["jiyuan"], task_force=force, instructor=first_instructor, unit=unit, starts_on=start
    )
    with pytest.raises(ValidationError) as taken:
        instructor_assign(
            actor=world["jiyuan"], task_force=force, instructor=other_instructor, unit=unit, starts_on=start
        )
    assert "已有党建指导员" in taken.value.message_dict["unit"][0]
    with pytest.raises(ValidationError):
        instructor_assign(
            actor=world["jiyuan"], task_force=force, instructor=first_instructor, unit=second, starts_on=start
        )
    client_id = uuid.uuid4()
    visit, created = visit_log(
        actor=world["worker"], assignment=assignment, visited_on=TODAY, notes="检查台账", client_id=client_id
    )
    again, created_again = visit_log(
        actor=world["worker"], assignment=assignment, visited_on=TODAY, notes="检查台账", client_id=client_id
    )
    assert created and not created_again and visit.pk == again.pk and GuidanceVisit.objects.count() == 1
    with pytest.raises(ValidationError) as early:
        visit_log(actor=world["jiyuan"], assignment=assignment, visited_on=start - dt.timedelta(days=1), notes="x")
    assert "visited_on" in early.value.message_dict
    figure = registry.get("enterprises.instructors")
    assert figure is not None
    value = assert_matches_its_drill_down(figure, Period(TODAY, TODAY), world.district, Scope.everything())
    assert value.value == 1


def test_the_pages_report_and_close_a_problem_with_its_figures(world: World, client: Client) -> None:
    unit = enterprise(world)
    client.force_login(contact_of(unit))
    form = client.get("/enterprises/problems/new/")
    assert form.status_code == 200
    posted = client.post(
        "/enterprises/problems/new/",
        {
            "unit": unit.pk,
            "category": "labour",
            "title": "缺工20人",
            "description": "装配车间缺普工20人",
            "confirmed": "on",
            "client_id": form.context["form"].initial["client_id"],
        },
    )
    problem = EnterpriseProblem.objects.get()
    assert posted.status_code == 302 and posted["Location"] == f"/cases/{problem.pk}/"
    client.force_login(world["jiyuan"])
    case = problem.case
    for name in ("accept", "start"):
        case = case_transition(actor=world["jiyuan"], case=case, name=name, version=case.version)
    detail = client.get(f"/cases/{case.pk}/").content.decode()
    assert f'href="/enterprises/problems/{case.pk}/close/"' in detail
    missing = client.post(f"/enterprises/problems/{case.pk}/close/", {"version": case.version, "outcome": "已安置"})
    assert missing.status_code == 200 and "请填写协调用工人数。" in missing.content.decode()
    done = client.post(
        f"/enterprises/problems/{case.pk}/close/",
        {"version": case.version, "outcome": "已安置", "workers_placed": "20"},
    )
    assert done.status_code == 302
    problem.refresh_from_db()
    assert problem.workers_placed == 20 and problem.case.state == "done"
    for url in ("/enterprises/", "/enterprises/problems/", "/enterprises/resources/", "/enterprises/instructors/"):
        assert client.get(url).status_code == 200, url


def test_the_service_refuses_a_report_without_a_description_or_a_confirmation(world: World) -> None:
    unit = enterprise(world)
    with pytest.raises(ValidationError) as refused:
        problem_report(actor=world["jiyuan"], unit=unit, category=ProblemCategory.LABOUR, description="  \n ")
    assert set(refused.value.message_dict) == {"description", "confirmed"}
    with pytest.raises(ValidationError) as refused:
        problem_report(
            actor=world["jiyuan"], unit=unit, category=ProblemCategory.LABOUR, description="缺工20人", confirmed=False
        )
    assert set(refused.value.message_dict) == {"confirmed"}
    assert EnterpriseProblem.objects.count() == 0 and Case.objects.count() == 0


def test_the_api_refuses_an_empty_report_naming_the_fields(world: World, client: Client) -> None:
    unit = enterprise(world)
    client.force_login(contact_of(unit))
    body = {"client_id": str(uuid.uuid4()), "unit": unit.pk, "category": "labour"}
    answer = client.post("/api/v1/enterprise-problems/", body, content_type="application/json")
    assert answer.status_code == 400 and set(answer.json()["fields"]) == {"description", "confirmed"}
    assert Case.objects.count() == 0


def test_the_report_page_marks_the_required_fields_and_refuses_an_empty_report_beside_them(
    world: World, client: Client
) -> None:
    unit = enterprise(world)
    client.force_login(contact_of(unit))
    form = client.get("/enterprises/problems/new/").content.decode()
    assert re.search(r'<label class="form-label required" for="id_description">', form)
    assert re.search(r'name="confirmed"[^>]*>\s*<span class="form-check-label required">', form)
    posted = client.post("/enterprises/problems/new/", {"unit": unit.pk, "category": "labour", "client_id": ""})
    page = posted.content.decode()
    assert posted.status_code == 200
    assert 'data-field-error="description"' in page and 'data-field-error="confirmed"' in page
    assert Case.objects.count() == 0


@pytest.mark.parametrize(
    ("category", "field"),
    [
        (ProblemCategory.LABOUR, "workers_placed"),
        (ProblemCategory.SUBSIDY, "subsidy_amount"),
        (ProblemCategory.LOAN, "loan_amount"),
    ],
)
def test_the_close_form_asks_for_its_number_on_the_numeric_keypad_with_the_unit_beside(
    world: World, client: Client, category: str, field: str
) -> None:
    problem, _ = report(actor=world["jiyuan"], unit=enterprise(world), category=category)
    client.force_login(world["jiyuan"])
    page = client.get(f"/enterprises/problems/{problem.pk}/close/").content.decode()
    assert re.search(rf'<input type="text" inputmode="numeric"[^>]*name="{field}"', page)
    assert re.search(
        rf'name="{field}"[^>]*>\s*<span class="input-group-text" data-testid="unit-{field}">\S+</span>', page
    )
