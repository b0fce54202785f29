"""Demo: volunteers of 工业路街道's enterprises at nucleic-acid testing sites, and community volunteers.

The seed period is calibrated to the bulletin: "企业安排26名年轻志愿者参与核酸检测工作" — the
figure `volunteers.enterprise_volunteers_dispatched` for the district (and for 工业路街道) over
SEED_START..SEED_END is 26. Four more enterprise volunteers served only on a door-knocking round
then, which the figure leaves out. Around today there are tasks done yesterday, tasks of today
with volunteers waiting to check in, and a task tomorrow, so that today's pages are not empty.
"""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

from lianfang.core.accounts.models import User
from lianfang.core.demo.loading import SEED_END, SEED_START, DemoContext
from lianfang.core.people.demo import demo_id
from lianfang.core.regions.demo import person_name
from lianfang.core.regions.models import Region
from lianfang.core.units.models import Unit, UnitKind

from .models import Availability, TaskKind, Volunteer, VolunteerTask
from .services import (
    clean_task,
    clean_volunteer,
    shift_check_in,
    shift_check_out,
    shift_dispatch,
    task_create,
    task_transition,
    volunteer_register,
)

GONGYE = "410106004000"  # 工业路街道
ZHONGXIN = "410106002000"  # 中心路街道
SEED_ENTERPRISE_VOLUNTEERS = 26
HELD_BACK = 4  # enterprise volunteers who served elsewhere in the seed period
COMMUNITY_VOLUNTEERS = 14
# Serial numbers of demo ID numbers from here on, apart from the residents' (core.people.demo).
FIRST_SERIAL = 500
SKILLS = ["测温扫码", "信息录入", "秩序维护", "驾驶", "搬运物资", "医护", "心理疏导", "代购跑腿"]
# Seed testing-site shifts: (day of January 2022, start hour, end hour).
SEED_SHIFTS = [(2, 8, 12), (3, 14, 18), (5, 8, 12), (7, 14, 18), (9, 8, 12), (11, 14, 18), (13, 8, 12)]
PER_SHIFT = 6


def _at(day: dt.date, hour: int, minute: int = 0) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time(hour, minute)))


def _phone(ctx: DemoContext) -> str:
    return f"1{ctx.rng.choice('3578')}{ctx.rng.randint(0, 999999999):09d}"


def _volunteer(ctx: DemoContext, serial: int, *, unit: Unit | None, community: Region | None, young: bool) -> Volunteer:
    years = ctx.rng.randint(19, 34) if young else ctx.rng.randint(25, 66)
    born = ctx.today - dt.timedelta(days=years * 365 + ctx.rng.randint(0, 360))
    where = community if community is not None else unit.region if unit is not None else None
    assert where is not None
    data = clean_volunteer(
        name=person_name(ctx),
        document_number=demo_id(born, serial),
        phone=_phone(ctx),
        address=f"{where.name}{ctx.rng.randint(1, 120)}号",
        unit=unit,
        community=community,
        skills="、".join(ctx.rng.sample(SKILLS, ctx.rng.choice((1, 2)))),
        availability=ctx.rng.choice(Availability.values),
        today=ctx.today,
    )
    return volunteer_register(actor=ctx.actor, data=data)


def _task(
    ctx: DemoContext,
    *,
    kind: str,
    title: str,
    place: str,
    region: Region,
    starts: dt.datetime,
    hours: int,
    needed: int,
    organiser: User | None,
    invited: list[Unit] | None = None,
) -> VolunteerTask:
    data = clean_task(
        kind=kind,
        title=title,
        place=place,
        region=region,
        starts_at=starts,
        ends_at=starts + dt.timedelta(hours=hours),
        people_needed=needed,
        organiser=organiser,
        invited_units=invited or [],
    )
    return task_create(actor=ctx.actor, data=data)


def _testing_site(
    ctx: DemoContext,
    site: Region,
    *,
    starts: dt.datetime,
    hours: int,
    needed: int,
    organiser: User | None,
    invited: list[Unit] | None = None,
) -> VolunteerTask:
    """A shift at a community's nucleic-acid testing site (核酸检测点值守)."""
    return _task(
        ctx,
        kind=TaskKind.TESTING_SITE,
        title=f"{site.name}核酸检测点值守",
        place=f"{site.name}全员核酸检测点",
        region=site,
        starts=starts,
        hours=hours,
        needed=needed,
        organiser=organiser,
        invited=invited,
    )


def _serve(ctx: DemoContext, task: VolunteerTask, volunteers: list[Volunteer], *, finish: bool = True) -> None:
    """Dispatch, check in and out (a few minutes around the task's hours), and finish the task."""
    for shift in shift_dispatch(actor=ctx.actor, task=task, volunteers=volunteers):
        arrived = task.starts_at + dt.timedelta(minutes=ctx.rng.randint(-20, 15))
        left = task.ends_at - dt.timedelta(minutes=ctx.rng.randint(0, 40))
        checked, _created = shift_check_in(actor=ctx.actor, shift=shift, at=arrived)
        shift_check_out(actor=ctx.actor, shift=checked, at=left)
    if finish:
        task_transition(actor=ctx.actor, task=task, name="finish", version=None)


def load(ctx: DemoContext) -> None:
    if Volunteer.objects.exists():
        return
    gongye = Region.objects.filter(code=GONGYE).first()
    zhongxin = Region.objects.filter(code=ZHONGXIN).first()
    enterprises = list(
        Unit.objects.filter(profiles__kind=UnitKind.ENTERPRISE, region__code__startswith=GONGYE[:9]).order_by("name")
    )
    if gongye is None or zhongxin is None or not enterprises:
        return
    gongye_communities = list(Region.objects.filter(parent=gongye).order_by("code"))
    zhongxin_communities = list(Region.objects.filter(parent=zhongxin).order_by("code"))
    staff = {u.username: u for u in User.objects.filter(username__in=["gongye", "zhongxin", "wangge"])}

    serial = FIRST_SERIAL
    enterprise_volunteers: list[Volunteer] = []
    for n in range(SEED_ENTERPRISE_VOLUNTEERS + HELD_BACK):
        unit = enterprises[n % len(enterprises)]
        enterprise_volunteers.append(_volunteer(ctx, serial, unit=unit, community=None, young=True))
        serial += 1
    community_volunteers: list[Volunteer] = []
    for n in range(COMMUNITY_VOLUNTEERS):
        communities = zhongxin_communities if n < 10 else gongye_communities
        community = communities[n % len(communities)]
        community_volunteers.append(_volunteer(ctx, serial, unit=None, community=community, young=False))
        serial += 1

    _seed_period(ctx, gongye_communities, zhongxin_communities, enterprise_volunteers, community_volunteers, staff)
    _recent(
        ctx, gongye_communities, zhongxin_communities, enterprises, enterprise_volunteers, community_volunteers, staff
    )


def _seed_period(
    ctx: DemoContext,
    gongye_communities: list[Region],
    zhongxin_communities: list[Region],
    enterprise_volunteers: list[Volunteer],
    community_volunteers: list[Volunteer],
    staff: dict[str, User],
) -> None:
    dispatched = enterprise_volunteers[:SEED_ENTERPRISE_VOLUNTEERS]
    # Each shift takes the next six in turn, so that all 26 serve and some serve twice.
    for i, (day, start, end) in enumerate(SEED_SHIFTS):
        community = gongye_communities[i % len(gongye_communities)]
        when = dt.date(SEED_START.year, SEED_START.month, day)
        assert SEED_START <= when <= SEED_END
        task = _testing_site(
            ctx,
            community,
            starts=_at(when, start),
            hours=end - start,
            needed=PER_SHIFT + 2,
            organiser=staff.get("gongye"),
        )
        chosen = [dispatched[(i * 4 + k) % len(dispatched)] for k in range(PER_SHIFT)]
        _serve(ctx, task, chosen)
    held_back = enterprise_volunteers[SEED_ENTERPRISE_VOLUNTEERS:]
    round_ = _task(
        ctx,
        kind=TaskKind.DOOR_VISIT,
        title=f"{gongye_communities[0].name}入户排查",
        place=f"{gongye_communities[0].name}各楼院",
        region=gongye_communities[0],
        starts=_at(dt.date(2022, 1, 6), 9),
        hours=4,
        needed=len(held_back),
        organiser=staff.get("gongye"),
    )
    _serve(ctx, round_, held_back)
    for i, day in enumerate((4, 8, 12)):
        community = zhongxin_communities[i % len(zhongxin_communities)]
        run = _task(
            ctx,
            kind=TaskKind.PROXY_PURCHASE,
            title=f"{community.name}代购代买",
            place=f"{community.name}居家隔离户",
            region=community,
            starts=_at(dt.date(2022, 1, day), 9),
            hours=3,
            needed=3,
            organiser=staff.get("zhongxin"),
        )
        _serve(ctx, run, community_volunteers[i * 3 : i * 3 + 3])


def _recent(
    ctx: DemoContext,
    gongye_communities: list[Region],
    zhongxin_communities: list[Region],
    enterprises: list[Unit],
    enterprise_volunteers: list[Volunteer],
    community_volunteers: list[Volunteer],
    staff: dict[str, User],
) -> None:
    yesterday, today, tomorrow = (ctx.today + dt.timedelta(days=d) for d in (-1, 0, 1))
    site = gongye_communities[0]
    done = _testing_site(
        ctx,
        site,
        starts=_at(yesterday, 8),
        hours=4,
        needed=6,
        organiser=staff.get("gongye"),
    )
    _serve(ctx, done, enterprise_volunteers[:6])
    # Today: the shift is open for check-in, its enterprises invited to sign more volunteers up.
    site = gongye_communities[1 % len(gongye_communities)]
    open_now = _testing_site(
        ctx,
        site,
        starts=_at(today, 8),
        hours=12,
        needed=8,
        organiser=staff.get("gongye"),
        invited=enterprises,
    )
    shift_dispatch(actor=ctx.actor, task=open_now, volunteers=enterprise_volunteers[6:12])
    # A field worker's proxy-shopping run in the community they serve (金华路社区).
    home = zhongxin_communities[1 % len(zhongxin_communities)]
    run = _task(
        ctx,
        kind=TaskKind.PROXY_PURCHASE,
        title=f"{home.name}代购代买",
        place=f"{home.name}独居老人家中",
        region=home,
        starts=_at(today, 9),
        hours=8,
        needed=4,
        organiser=staff.get("wangge") or staff.get("zhongxin"),
    )
    shift_dispatch(actor=ctx.actor, task=run, volunteers=community_volunteers[:3])
    knock = _task(
        ctx,
        kind=TaskKind.DOOR_VISIT,
        title=f"{zhongxin_communities[0].name}入户排查",
        place=f"{zhongxin_communities[0].name}各楼院",
        region=zhongxin_communities[0],
        starts=_at(tomorrow, 9),
        hours=4,
        needed=6,
        organiser=staff.get("zhongxin"),
    )
    shift_dispatch(actor=ctx.actor, task=knock, volunteers=community_volunteers[3:5])
