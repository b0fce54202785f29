"""Demo: 工业路街道's enterprise task force and its three interactions.

The seed period (1–14 January 2022) is calibrated to the bulletin of 14 January 2022: 43 problems
solved, subsidies of 517万元 applied for, loans of 1800万元 coordinated, 153 workers placed and 17
party-building instructors. Open and unverified problems exist too, and are not counted. Every
record is written through the services by the account whose work it is; only the dates are then
moved into the seed period, since the services stamp the present.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from django.utils import timezone

from lianfang.core.accounts.models import User
from lianfang.core.cases.models import Case, CaseEvent
from lianfang.core.cases.services import case_transition
from lianfang.core.demo.loading import DEMO_PASSWORD, SEED_END, SEED_START, DemoContext
from lianfang.core.people.demo import demo_id
from lianfang.core.people.services import clean_person, person_register
from lianfang.core.regions.demo import person_name
from lianfang.core.regions.models import Membership, Region, Role
from lianfang.core.regions.services import membership_save
from lianfang.core.units.models import Unit, UnitKind

from .models import EnterpriseProblem, ProblemCategory, TaskForce
from .services import (
    dispatch_request,
    instructor_assign,
    offer_create,
    problem_finish,
    problem_report,
    task_force_cover,
    task_force_create,
    task_force_member_add,
    visit_log,
)

GONGYELU = "410106004000"
C = ProblemCategory
# The seed's solved problems: (category, figure) per problem; the figures add up to the bulletin's.
WORKERS = [20, 15, 12, 10, 18, 8, 14, 16, 11, 9, 10, 10]  # 153 workers placed
SUBSIDIES = [800_000, 650_000, 500_000, 420_000, 700_000, 380_000, 600_000, 520_000, 600_000]  # 517万元
LOANS = [5_000_000, 3_000_000, 2_000_000, 4_000_000, 2_500_000, 1_500_000]  # 1800万元
MATERIALS = ["口罩2000只", "消毒液50桶", "测温枪10把", "防护服200套", "酒精100瓶", "手套5000副", "护目镜100副"]
MATERIALS += ["消杀喷雾器5台", "体温登记表印制", "隔离帐篷2顶"]  # 10 problems
OTHERS = [
    "员工返岗核酸检测",
    "通勤班车防疫消杀",
    "外地员工隔离安排",
    "食堂分餐指导",
    "防疫物资储备指导",
    "复工复产备案",
]
SOLVED = 43
INSTRUCTORS = 17

TITLES: dict[str, str] = {
    C.LABOUR: "缺工{n}人，急需普工",
    C.SUBSIDY: "申领稳岗补贴",
    C.LOAN: "流动资金贷款",
    C.MATERIALS: "防疫物资紧缺：{what}",
    C.OTHER: "{what}",
}


def _seed_moment(ctx: DemoContext, index: int, total: int) -> dt.datetime:
    """A moment inside the seed period, spread over its days and office hours."""
    days = (SEED_END - SEED_START).days + 1
    day = SEED_START + dt.timedelta(days=index * days // total)
    moment = dt.datetime.combine(day, dt.time(9 + ctx.rng.randint(0, 7), ctx.rng.randint(0, 59)))
    return timezone.make_aware(moment)


def _backdate(case: Case, reported: dt.datetime, closed: dt.datetime | None) -> None:
    Case.objects.filter(pk=case.pk).update(
        created_at=reported, closed_at=closed, deadline=(reported + dt.timedelta(days=7)).date()
    )
    events = list(CaseEvent.objects.filter(case=case).order_by("id"))
    last = closed or reported
    for n, event in enumerate(events):
        step = (last - reported) / max(1, len(events) - 1)
        CaseEvent.objects.filter(pk=event.pk).update(at=reported + step * n)


def _enterprise_contact(ctx: DemoContext, unit: Unit) -> User:
    from lianfang.core.accounts.services import user_create

    user = User.objects.filter(username="qiye").first() or user_create(
        actor=ctx.actor, username="qiye", full_name=f"{unit.name}联系人", password=DEMO_PASSWORD
    )
    if not Membership.objects.filter(user=user, role=Role.UNIT_CONTACT, unit=unit).exists():
        membership_save(
            actor=ctx.actor, membership=Membership(user=user, role=Role.UNIT_CONTACT, region=unit.region, unit=unit)
        )
    ctx.account(username="qiye", password=DEMO_PASSWORD, role=f"{Role.UNIT_CONTACT.label} · {unit.name}")
    return User.objects.get(pk=user.pk)


def _solve(ctx: DemoContext, problem: EnterpriseProblem, staff: User, verifier: User, **figures: Any) -> None:
    case = problem.case
    case = case_transition(actor=staff, case=case, name="accept", version=case.version)
    case = case_transition(actor=staff, case=case, name="start", version=case.version)
    problem = problem_finish(actor=staff, problem=problem, version=case.version, **figures)
    case_transition(actor=verifier, case=problem.case, name="verify", version=problem.case.version)


def load(ctx: DemoContext) -> None:
    if TaskForce.objects.exists():
        return
    staff = User.objects.filter(username="gongye").first()
    verifier = User.objects.filter(username="zhihui").first()
    region = Region.objects.filter(code=GONGYELU).first()
    if staff is None or verifier is None or region is None:
        return
    enterprises = list(
        Unit.objects.filter(region__code__startswith=region.prefix, profiles__kind=UnitKind.ENTERPRISE)
        .select_related("region")
        .order_by("name", "id")
    )
    if len(enterprises) < INSTRUCTORS:
        return
    force = task_force_create(actor=ctx.actor, region=region, name="工业路街道企业疫情防控专班")
    task_force_member_add(actor=ctx.actor, task_force=force, user=staff, duty="组长")
    for unit in enterprises:
        task_force_cover(actor=ctx.actor, task_force=force, unit=unit)
    contact = _enterprise_contact(ctx, next(u for u in enterprises if u.name == "上街机械厂"))

    plan: list[tuple[str, dict[str, Any], str]] = []
    plan += [(C.LABOUR, {"workers_placed": n}, str(n)) for n in WORKERS]
    plan += [(C.SUBSIDY, {"subsidy_amount": Decimal(a)}, "") for a in SUBSIDIES]
    plan += [(C.LOAN, {"loan_amount": Decimal(a)}, "") for a in LOANS]
    plan += [(C.MATERIALS, {"materials_supplied": what}, what) for what in MATERIALS]
    plan += [(C.OTHER, {}, what) for what in OTHERS]
    assert len(plan) == SOLVED
    for index, (category, figures, word) in enumerate(plan):
        unit = enterprises[index % len(enterprises)]
        title = TITLES[category].format(n=word, what=word)
        problem, _ = problem_report(
            actor=staff, unit=unit, category=category, title=title, description=title, confirmed=True
        )
        _solve(ctx, problem, staff, verifier, outcome=f"已协调解决：{title}", **figures)
        reported = _seed_moment(ctx, index, SOLVED)
        # Solved within a few days, and inside the seed period: the bulletin counted them by the 14th.
        last = timezone.make_aware(dt.datetime.combine(SEED_END, dt.time(18, 0)))
        _backdate(problem.case, reported, min(reported + dt.timedelta(hours=20 + ctx.rng.randint(0, 60)), last))

    # Not counted: still open, or done and waiting for the verifier.
    open_problems = [
        (C.LABOUR, "缺工8人，需叉车司机", []),
        (C.MATERIALS, "防疫物资紧缺：N95口罩", ["accept"]),
        (C.SUBSIDY, "申领以工代训补贴", ["accept", "start"]),
    ]
    machinery = next(u for u in enterprises if u.name == "上街机械厂")
    for n, (category, title, steps) in enumerate(open_problems):
        # The first comes from the enterprise's own contact, through their login.
        reporter, unit = (contact, machinery) if n == 0 else (staff, enterprises[n + 1])
        problem, _ = problem_report(
            actor=reporter, unit=unit, category=category, title=title, description=title, confirmed=True
        )
        case = problem.case
        for step in steps:
            case = case_transition(actor=staff, case=case, name=step, version=case.version)
    waiting, _ = problem_report(
        actor=staff,
        unit=enterprises[5],
        category=C.LABOUR,
        title="缺工12人，急需普工",
        description="装配车间缺普工12人，请协调推荐",
        confirmed=True,
    )
    case = case_transition(actor=staff, case=waiting.case, name="accept", version=waiting.case.version)
    case = case_transition(actor=staff, case=case, name="start", version=case.version)
    problem_finish(actor=staff, problem=waiting, version=case.version, outcome="已推荐12人到岗", workers_placed=12)

    _resources(ctx, staff, enterprises)
    _instructors(ctx, staff, force, enterprises)
    ctx.notes.append(
        f"Enterprises: {force.name}, {SOLVED} problems solved in the seed period, {len(enterprises)} enterprises"
    )


def _resources(ctx: DemoContext, staff: User, enterprises: list[Unit]) -> None:
    by_name = {u.name: u for u in enterprises}
    fog = offer_create(actor=staff, unit=by_name["中原耐材"], title="雾炮车协助消杀", description="雾炮车1台，司机1名")
    guides = offer_create(actor=staff, unit=by_name["东方印刷"], title="印制防疫指南", description="每批5000份")
    for n, offer in enumerate([fog, guides]):
        sent, _ = dispatch_request(actor=staff, offer=offer, title=f"{offer.title}（{n + 1}月批次）")
        contact = _contact_for(offer.unit)
        if contact is not None:
            case = sent.case
            for step in ("accept", "start"):
                case = case_transition(actor=contact, case=case, name=step, version=case.version)
            case_transition(actor=contact, case=case, name="finish", version=case.version, outcome="已按要求完成")
        reported = _seed_moment(ctx, 3 + 5 * n, 14)
        _backdate(sent.case, reported, reported + dt.timedelta(hours=6) if contact else None)
    dispatch_request(actor=staff, offer=fog, title="雾炮车协助消杀（工业路社区）")


def _contact_for(unit: Unit) -> User | None:
    membership = Membership.objects.filter(role=Role.UNIT_CONTACT, unit=unit).select_related("user").first()
    return User.objects.get(pk=membership.user_id) if membership else None


def _instructors(ctx: DemoContext, staff: User, force: TaskForce, enterprises: list[Unit]) -> None:
    region = force.region
    for n, unit in enumerate(enterprises[:INSTRUCTORS]):
        born = dt.date(1975, 1, 1) + dt.timedelta(days=ctx.rng.randint(0, 6000))
        data = clean_person(
            name=person_name(ctx),
            document_number=demo_id(born, 700 + n),
            phone=f"139{ctx.rng.randint(0, 99_999_999):08d}",
            address="工业路街道办事处",
            home_region=region,
            today=ctx.today,
        )
        instructor, _ = person_register(actor=staff, data=data, region=region, source="enterprises")
        assignment = instructor_assign(
            actor=staff, task_force=force, instructor=instructor, unit=unit, starts_on=SEED_START + dt.timedelta(days=2)
        )
        for day in (5, 11):
            visit_log(
                actor=staff,
                assignment=assignment,
                visited_on=SEED_START + dt.timedelta(days=day + n % 3),
                notes="检查员工健康监测台账、扫码测温和食堂分餐，指导完善应急预案",
            )
