"""Demo: 中心路街道's 敲门行动 + 暖心服务, calibrated to the bulletin, and the work around today.

The seed period (SEED_START..SEED_END) replays the bulletin: "共组织160余名下沉人员、380名志愿者…
帮助困难群众100余人". 中心路街道's staff sent down are the regions' demo (163); the campaign
"中心路街道敲门行动" (3–14 January 2022) lists every household of the subdistrict, gives its doors out
as the day's door-knocking tasks, and brings the subdistrict's volunteers active in the period to 380
(with the volunteers' demo's own); the cadres' visits knock on every door, a second attempt where no
one answered; 80 service orders are delivered and confirmed and 30 relief applications paid, so that
the people helped are 100 or more. Sizes follow LIANFANG_DEMO_SCALE (the volunteers and the people
helped are the bulletin's at scale 1).

Around today: a care worker (guanai), the care lead (guanaizz), the subdistrict's relief approver
(jiuzhu), 区民政局's approver (minzheng), a counsellor (xinli) and a squad volunteer (zhiyuan); visits of
the last weeks (so some households are overdue), open orders for the squad, relief applications in
each state (one under public notice today), today's campaign tasks and day-care attendance.
"""

from __future__ import annotations

import datetime as dt
import io
from decimal import Decimal
from typing import Any

from django.core.files.uploadedfile import SimpleUploadedFile
from django.db.models import Q
from django.utils import timezone
from PIL import Image

from lianfang.core.accounts.actors import SystemActor
from lianfang.core.accounts.models import User
from lianfang.core.demo.loading import SEED_END, SEED_START, DemoContext
from lianfang.core.people.demo import demo_id
from lianfang.core.people.services import clean_person, person_register
from lianfang.core.regions.demo import DEMO_PASSWORD, _membership, _user, person_name
from lianfang.core.regions.models import Department, Membership, Region, Role
from lianfang.volunteers.models import Shift, Squad, Volunteer, VolunteerTask
from lianfang.volunteers.services import (
    clean_volunteer,
    shift_check_in,
    shift_check_out,
    shift_dispatch,
    squad_save,
    volunteer_register,
)

from .models import Household, Need
from .orders import need_to_order, order_confirm, order_deliver, order_dispatch
from .relief import (
    relief_apply,
    relief_approve,
    relief_investigate,
    relief_move,
    relief_pay,
)
from .services import (
    campaign_create,
    campaign_spawn,
    care_role_grant,
    day_care_record,
    household_member_add,
    household_save,
    tag_add,
    visit_record,
)

DEMO = SystemActor("care_demo")
ZHONGXIN = "410106002000"  # 中心路街道
HOUSEHOLDS_PER_COMMUNITY = 150
SEED_VOLUNTEERS = 380  # "380名志愿者"
SEED_ORDERS = 80
SEED_RELIEF = 30  # with the orders: "帮助困难群众100余人"
CAMPAIGN_START = dt.date(2022, 1, 3)
STREETS = ("中心路", "金华路", "淮阳路", "汝南路", "许昌路", "登封路", "工农路", "新安路")
# Demo ID serial numbers: the people demo's are below 500, the volunteers' 500–599.
HOUSEHOLD_SERIAL = 600
VOLUNTEER_SERIAL = 700
# (tag on the head, the head's age range, share of the tagged): tiers follow from the rules.
TAGGED = (
    ("alone", (80, 92), 12),
    ("disabled", (60, 85), 15),
    ("tekun", (45, 80), 5),
    ("dibao", (35, 75), 30),
    ("merchant", (30, 55), 15),
    ("chronic", (50, 80), 13),
    ("empty_nest", (62, 79), 10),
)
ACCOUNTS = (
    ("guanai", "王关爱", Role.FIELD_WORKER, "community", "staff"),
    ("guanaizz", "刘关爱", Role.SUBDISTRICT_STAFF, "subdistrict", "lead"),
    ("jiuzhu", "陈救助", Role.SUBDISTRICT_STAFF, "subdistrict", "approver"),
    ("xinli", "林心理", Role.FIELD_WORKER, "subdistrict", "counsellor"),
    ("zhiyuan", "赵志愿", Role.FIELD_WORKER, "community", None),
)


def _at(day: dt.date, hour: int, minute: int = 0) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time(hour, minute)))


def _born(year: int, serial: int) -> dt.date:
    """A birth date in `year` that, with the sequence code serial // 365, no other serial shares."""
    return dt.date(year, 1, 1) + dt.timedelta(days=serial % 365)


def _image(name: str) -> SimpleUploadedFile:
    buffer = io.BytesIO()
    Image.new("RGB", (32, 24), (236, 240, 244)).save(buffer, "JPEG")
    return SimpleUploadedFile(name, buffer.getvalue(), content_type="image/jpeg")


def load(ctx: DemoContext) -> None:
    subdistrict = Region.objects.filter(code=ZHONGXIN).first()
    if subdistrict is None or Household.objects.exists():
        return
    communities = list(Region.objects.filter(parent=subdistrict).order_by("code"))
    accounts = _accounts(ctx, subdistrict, communities[0])
    households = _households(ctx, communities)
    squad = squad_save(
        actor=DEMO,
        name="扶老助残志愿小分队",
        region=communities[0],
        members=[accounts["zhiyuan"], accounts["guanai"]],
        leader=accounts["zhiyuan"],
    )
    _seed(ctx, subdistrict, communities, households, squad, accounts)
    _recent(ctx, communities, households, squad, accounts)
    tagged = Household.objects.exclude(tier="").count()
    ctx.notes.append(
        f"Care: {len(households)} households in 中心路街道 ({tagged} with a visit tier); the seed campaign knocked on "
        f"every door; {Volunteer.objects.filter(region__code__startswith=subdistrict.prefix).count()} community "
        "volunteers there"
    )


def _accounts(ctx: DemoContext, subdistrict: Region, community: Region) -> dict[str, User]:
    users: dict[str, User] = {}
    for username, name, role, where, care in ACCOUNTS:
        user = _user(ctx, username, name, password=DEMO_PASSWORD)
        region = subdistrict if where == "subdistrict" else community
        _membership(ctx, user, role, region)
        if care is not None:
            care_role_grant(actor=DEMO, user=user, kind=care, region=region)
        users[username] = user
        ctx.account(username=username, password=DEMO_PASSWORD, role=f"{region.name}·{name}")
    civil = Department.objects.filter(code="mzj").first()
    if civil is not None:
        user = _user(ctx, "minzheng", "周民政", password=DEMO_PASSWORD)
        _membership(ctx, user, Role.DEPARTMENT_STAFF, civil.region, department=civil)
        users["minzheng"] = user
        ctx.account(username="minzheng", password=DEMO_PASSWORD, role="区民政局")
    return users


def _households(ctx: DemoContext, communities: list[Region]) -> list[Household]:
    """Households at street addresses in each community; a quarter carry vulnerability tags
    (from the civil affairs list), so that each tier has households."""
    made: list[Household] = []
    serial = 0
    per = ctx.scaled(HOUSEHOLDS_PER_COMMUNITY, least=8)
    weights = [w for _kind, _ages, w in TAGGED]
    for community in communities:
        street = STREETS[communities.index(community) % len(STREETS)]
        for n in range(per):
            household = household_save(
                actor=DEMO, region=community, address=f"{community.name}{street}{n // 12 + 1}号院{n % 12 + 1}号"
            )
            tagged = n % 4 == 0
            kind, ages, _w = ctx.rng.choices(TAGGED, weights=weights)[0] if tagged else (None, (28, 70), 0)
            age = ctx.rng.randint(*ages)
            head = _person(ctx, serial, age, community, phone=True)
            serial += 1
            household_member_add(actor=DEMO, household=household, person=head, relation="head")
            if kind not in ("alone", "empty_nest") and ctx.rng.random() < 0.6:
                partner = _person(ctx, serial, max(20, age + ctx.rng.randint(-4, 4)), community, phone=False)
                serial += 1
                household_member_add(actor=DEMO, household=household, person=partner, relation="spouse")
            if kind is not None:
                since = SEED_START - dt.timedelta(days=ctx.rng.randint(30, 700))
                tag_add(
                    actor=DEMO, household=household, person=head, kind=kind, source="civil_affairs",
                    valid_from=since, as_of=since,
                )  # fmt: skip
            made.append(household)
    return made


def _person(ctx: DemoContext, serial: int, age: int, community: Region, *, phone: bool) -> Any:
    data = clean_person(
        name=person_name(ctx),
        document_number=demo_id(_born(ctx.today.year - age, serial), HOUSEHOLD_SERIAL + (serial // 365) % 100),
        phone=f"13{ctx.rng.randint(0, 999999999):09d}" if phone else "",
        home_region=community,
        today=ctx.today,
    )
    person, _how = person_register(actor=DEMO, data=data, region=community, source="care")
    return person


def _cadres(communities: list[Region], day: dt.date) -> dict[int, list[User]]:
    """The sent-down cadres posted to each community on a day."""
    rows = (
        Membership.objects.filter(sent_down=True, region__in=communities)
        .filter(Q(valid_from__lte=day), Q(valid_until__gte=day))
        .select_related("user")
        .order_by("user_id")
    )
    out: dict[int, list[User]] = {}
    for m in rows:
        out.setdefault(m.region_id, []).append(m.user)
    return out


def _seed(
    ctx: DemoContext,
    subdistrict: Region,
    communities: list[Region],
    households: list[Household],
    squad: Squad,
    accounts: dict[str, User],
) -> None:
    campaign = campaign_create(
        actor=DEMO,
        name="中心路街道敲门行动",
        region=subdistrict,
        starts_on=CAMPAIGN_START,
        ends_on=SEED_END,
        households=households,
        # Small tasks, so that the first day's pairs of volunteers are as many as the bulletin's.
        doors_per_task=max(1, len(households) // 200),
    )
    volunteers = _seed_volunteers(ctx, subdistrict, communities)
    turn = 0
    day = CAMPAIGN_START
    while day <= SEED_END:
        tasks = campaign_spawn(actor=DEMO, campaign=campaign, day=day)
        cadres = _cadres(communities, day)
        for task in tasks:
            crew = [volunteers[(turn + k) % len(volunteers)] for k in range(task.people_needed)] if volunteers else []
            turn += task.people_needed
            if crew:
                _serve(ctx, task, crew)
            for door in campaign.doors.filter(task=task).select_related("household__region"):
                visitors = cadres.get(door.household.region_id) or [accounts["guanai"]]
                reached = ctx.rng.random() < 0.88 or door.attempts > 0
                visit_record(
                    actor=DEMO,
                    visitor=ctx.rng.choice(visitors),
                    household=door.household,
                    visited_at=task.starts_at + dt.timedelta(minutes=ctx.rng.randint(0, 420)),
                    reached=reached,
                    situation=""
                    if not reached
                    else ctx.rng.choice(("身体尚好", "精神不错", "生活物资充足", "需要关注")),
                    campaign=campaign,
                )
        day += dt.timedelta(days=1)
    _seed_help(ctx, households, squad, accounts)


def _seed_volunteers(ctx: DemoContext, subdistrict: Region, communities: list[Region]) -> list[Volunteer]:
    """Community volunteers of 中心路街道, enough that those active in the seed period (the volunteers
    demo's proxy-shopping runs included) are the bulletin's 380 at full scale."""
    served = (
        Shift.objects.filter(
            task__region__code__startswith=subdistrict.prefix,
            checked_in_at__date__gte=SEED_START,
            checked_in_at__date__lte=SEED_END,
        )
        .values("volunteer")
        .distinct()
        .count()
    )
    wanted = max(0, ctx.scaled(SEED_VOLUNTEERS, least=4) - served)
    made: list[Volunteer] = []
    for n in range(wanted):
        community = communities[n % len(communities)]
        born = _born(ctx.today.year - ctx.rng.randint(20, 62), n)
        data = clean_volunteer(
            name=person_name(ctx),
            document_number=demo_id(born, VOLUNTEER_SERIAL + (n // 365) % 100),
            phone=f"15{ctx.rng.randint(0, 999999999):09d}",
            address=f"{community.name}{ctx.rng.randint(1, 60)}号院",
            community=community,
            skills=ctx.rng.choice(("入户走访", "代购跑腿", "心理疏导", "医护", "信息录入")),
            today=ctx.today,
        )
        made.append(volunteer_register(actor=DEMO, data=data))
    return made


def _serve(ctx: DemoContext, task: VolunteerTask, crew: list[Volunteer]) -> None:
    for shift in shift_dispatch(actor=DEMO, task=task, volunteers=crew):
        checked, _created = shift_check_in(
            actor=DEMO, shift=shift, at=task.starts_at + dt.timedelta(minutes=ctx.rng.randint(-15, 10))
        )
        shift_check_out(actor=DEMO, shift=checked, at=task.ends_at - dt.timedelta(minutes=ctx.rng.randint(0, 30)))


def _tagged(households: list[Household]) -> list[Household]:
    return [h for h in Household.objects.filter(pk__in=[h.pk for h in households]).exclude(tier="").order_by("id")]


def _seed_help(ctx: DemoContext, households: list[Household], squad: Squad, accounts: dict[str, User]) -> None:
    """Orders delivered and relief paid in the seed period: 100 people or more helped."""
    tagged = _tagged(households)
    volunteer = accounts["zhiyuan"]
    for n, household in enumerate(tagged[: ctx.scaled(SEED_ORDERS, least=3)]):
        day = CAMPAIGN_START + dt.timedelta(days=n % 10)
        head = household.members.filter(relation="head").select_related("person").first()
        if head is None:
            continue
        visit, _created = visit_record(
            actor=DEMO,
            visitor=accounts["guanai"],
            household=household,
            visited_at=_at(day, 10, n % 50),
            seen=[head.person_id],
            situation="居家隔离期间需代购药品和生活物资",
            needs=[
                {
                    "kind": "shopping",
                    "person": head.person_id,
                    "detail": ctx.rng.choice(("降压药", "米面油", "蔬菜水果")),
                }
            ],
        )
        order = need_to_order(actor=DEMO, need=Need.objects.get(visit=visit))
        order = order_dispatch(actor=DEMO, order=order, squad=squad)
        order = order_deliver(
            actor=DEMO,
            order=order,
            photo=_image("delivery.jpg"),
            amount_advanced=Decimal(ctx.rng.randint(20, 160)),
            receipt=_image("receipt.jpg"),
            at=_at(day, 16),
            by=volunteer,
        )
        order_confirm(
            actor=DEMO, order=order, confirmed_as="resident", proof=_image("signature.jpg"), at=_at(day, 16, 5),
            by=volunteer,
        )  # fmt: skip
    for n, household in enumerate(tagged[ctx.scaled(SEED_ORDERS, least=3) :][: ctx.scaled(SEED_RELIEF, least=2)]):
        head = household.members.filter(relation="head").select_related("person").first()
        if head is None:
            continue
        applied = SEED_START + dt.timedelta(days=n % 3)
        application = _relief_to_approval(ctx, household, head.person, applied, accounts)
        relief_approve(actor=DEMO, application=application, at=_at(applied + dt.timedelta(days=8), 10),
                       by=accounts["jiuzhu"])  # fmt: skip
        relief_pay(
            actor=DEMO, application=application, amount=application.amount, method="bank",
            account=f"6222{ctx.rng.randint(0, 10**15 - 1):015d}",
            paid_on=min(SEED_END, applied + dt.timedelta(days=9 + n % 3)),
        )  # fmt: skip
        relief_move(actor=DEMO, application=application, name="archive")


def _relief_to_approval(
    ctx: DemoContext, household: Household, applicant: Any, applied: dt.date, accounts: dict[str, User]
) -> Any:
    application = relief_apply(
        actor=DEMO,
        household=household,
        applicant=applicant,
        cause=ctx.rng.choice(("income_loss", "isolated", "medical", "locked_down")),
        story="疫情期间收入中断，家庭生活出现暂时困难",
        applied_on=applied,
    )
    relief_move(actor=DEMO, application=application, name="accept")
    application = relief_investigate(
        actor=DEMO,
        application=application,
        household_size=household.members.count(),
        monthly_income=Decimal(ctx.rng.randint(0, 6)) * 100,
        assets=Decimal(ctx.rng.randint(0, 30)) * 100,
        findings="入户调查属实，经家庭经济状况核对符合临时救助条件",
        amount=Decimal(application.standard) * ctx.rng.choice((1, 2, 2, 3)),
        publicity_starts=applied + dt.timedelta(days=1),
        at=_at(applied + dt.timedelta(days=1), 9),
    )
    if application.publicity_ends is not None and application.publicity_ends < timezone.localdate():
        relief_move(actor=DEMO, application=application, name="close_publicity")
    return application


def _recent(
    ctx: DemoContext,
    communities: list[Region],
    households: list[Household],
    squad: Squad,
    accounts: dict[str, User],
) -> None:
    tagged = _tagged(households)
    today = ctx.today
    guanai = accounts["guanai"]
    home = communities[0]
    # Visits of the last three weeks to two thirds of the tagged households of the care worker's
    # community: the rest are overdue.
    mine = [h for h in tagged if h.region_id == home.pk]
    for n, household in enumerate(mine):
        if n % 3 == 1:
            continue
        visit_record(
            actor=DEMO,
            visitor=guanai,
            household=household,
            visited_at=_at(today - dt.timedelta(days=n % 20 + 1), 9 + n % 8),
            situation=ctx.rng.choice(("身体尚好", "按时服药", "生活物资充足")),
        )
    # Open work: an order for the squad, one waiting to be dispatched, a counselling order.
    open_homes = [h for h in households if h.region_id == home.pk][-3:]
    for n, household in enumerate(open_homes):
        head = household.members.filter(relation="head").select_related("person").first()
        if head is None:
            continue
        kind = ("shopping", "medical", "counselling")[n]
        visit, _created = visit_record(
            actor=DEMO,
            visitor=guanai,
            household=household,
            visited_at=timezone.now() - dt.timedelta(hours=3 + n),
            seen=[head.person_id],
            situation="今日走访",
            needs=[
                {
                    "kind": kind,
                    "person": head.person_id,
                    "detail": ("代购降压药", "预约医院复诊", "情绪低落，需要疏导")[n],
                }
            ],
        )
        order = need_to_order(actor=DEMO, need=Need.objects.get(visit=visit))
        if kind == "shopping":
            order_dispatch(actor=DEMO, order=order, squad=squad)
        elif kind == "counselling":
            order_dispatch(actor=DEMO, order=order, person=accounts["xinli"])
    # Relief in each state of its way.
    later = [h for h in tagged if h.region_id == home.pk][-2:] + [h for h in tagged if h.region_id != home.pk][-3:]
    states = ("applied", "investigating", "publicity", "approving", "paying")
    for n, household in enumerate(later[: len(states)]):
        head = household.members.filter(relation="head").select_related("person").first()
        if head is None:
            continue
        goal = states[n]
        applied = today - dt.timedelta(days={"publicity": 3, "approving": 12, "paying": 14}.get(goal, 1))
        if goal in ("publicity", "approving", "paying"):
            application = _relief_to_approval(ctx, household, head.person, applied, accounts)
            if goal == "paying":
                relief_approve(actor=DEMO, application=application, by=accounts["jiuzhu"])
        else:
            application = relief_apply(
                actor=DEMO, household=household, applicant=head.person, cause="income_loss",
                story="疫情期间停工，收入中断", applied_on=applied,
            )  # fmt: skip
            if goal == "investigating":
                relief_move(actor=DEMO, application=application, name="accept")
    # Today's campaign in the care worker's community, its doors given out as today's tasks.
    campaign = campaign_create(
        actor=DEMO,
        name=f"{home.name}困难群众走访",
        region=home,
        starts_on=today - dt.timedelta(days=1),
        ends_on=today + dt.timedelta(days=6),
        households=[h for h in households if h.region_id == home.pk][:40],
        doors_per_task=10,
    )
    campaign_spawn(actor=DEMO, campaign=campaign, day=today)
    for n, door in enumerate(campaign.doors.filter(reached_at__isnull=True).select_related("household")[:6]):
        visit_record(
            actor=DEMO, visitor=guanai, household=door.household, campaign=campaign, reached=n % 3 != 2,
            visited_at=timezone.now() - dt.timedelta(minutes=30 * (n + 1)), situation="今日入户",
        )  # fmt: skip
    # Day care: elders of the community at the centre over the last week.
    elders = [m.person for h in tagged if h.region_id == home.pk for m in h.members.select_related("person")]
    elders = [p for p in elders if p.birth_date is not None and p.birth_date.year <= today.year - 60][:12]
    for back in range(1, 7):
        day = today - dt.timedelta(days=back)
        present = elders[back % 3 :: 2] or elders
        if present:
            day_care_record(actor=DEMO, region=home, people=present, day=day)
