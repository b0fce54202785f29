"""Demo: 红黑旗 in 上街区, calibrated to the seed bulletin (区市场监管局): from 9 to 14 January 2022,
2,022 small shops across the six subdistricts and towns, each inspected every day (每日最少过一遍:
6 × 2,022 = 12,132 家次), by six teams whose members present add up to 760 人次; 75 shops were
given a black flag and 64 of them were ordered to suspend. The last three days and today (half
done) are inspected alike, with a shop suspended yesterday by `jiancha` for `jiancha2` to accept.

Tests load it at a small scale (DemoContext.scale). The flags, suspensions, closure checks and
acceptances go through the services (shop_inspect), as an inspector's phone sends them; the
routine red flags of the other shops are written in bulk, a day at a time, with the same rows the
service writes (the inspection, its answers and inspectors, the markets' row and the day's duty).
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from lianfang.core.accounts.actors import SystemActor
from lianfang.core.accounts.models import User
from lianfang.core.accounts.services import user_create
from lianfang.core.audit.services import audit_record
from lianfang.core.demo.loading import DEMO_PASSWORD, DemoContext
from lianfang.core.duties.models import DutySubject
from lianfang.core.duties.services import duty_submit_many
from lianfang.core.inspections.models import Answer, ChecklistVersion, Inspection
from lianfang.core.regions.demo import person_name
from lianfang.core.regions.models import Membership, Region, RegionLevel, Role
from lianfang.core.regions.services import membership_save
from lianfang.core.units.demo import KIND_OF_WORD, SHOP_WORDS, demo_credit_code
from lianfang.core.units.models import SHOP_KINDS, Unit
from lianfang.core.units.services import clean_unit, unit_register

from .checklists import EPIDEMIC_CHECKLIST, current_version
from .duties import DAILY_INSPECTION, SHOP_SUBJECT
from .models import Round, Shop, ShopInspection, Team
from .services import checklist_for, inspector_save, round_start, shop_inspect, shops_enrol, team_save
from .states import Flag, Kind, Outcome, ShopState
from .teams import TeamMap

SEED_SHOPS = 2_022
SEED_DAYS = [dt.date(2022, 1, 9) + dt.timedelta(days=n) for n in range(6)]
SEED_OFFICERS = 760  # 出动执法人员760人次
SEED_BLACK = 75  # 发放黑旗商户75家
SEED_SUSPENDED = 64  # 责令停业整改64家
TEAM_SIZE = 22
ENROLLED_FROM = dt.date(2022, 1, 1)
RECENT_DAYS = 3  # complete days before today; today is half done
VENUE_CODE, MASKS = 1, 3  # a serious and a required item of the standard checklist
DEMO = SystemActor("markets.demo")


def load(ctx: DemoContext) -> None:
    if Team.objects.exists():
        return
    subdistricts = list(Region.objects.filter(level__in=(RegionLevel.SUBDISTRICT, RegionLevel.TOWN)).order_by("code"))
    if not subdistricts:
        return
    teams = _teams(ctx, subdistricts)
    shops = _shops(ctx, subdistricts)
    version = current_version(EPIDEMIC_CHECKLIST)
    members = _members(ctx, teams)
    team_of = TeamMap()
    by_team: dict[int, list[Shop]] = defaultdict(list)
    for shop in shops:
        by_team[team_of.of(shop.team_id, shop.unit.region.code) or 0].append(shop)
    officers = _officer_counts(ctx, len(teams))
    plan = _plan(
        ctx,
        shops,
        SEED_DAYS,
        ctx.scaled(SEED_SUSPENDED),
        max(ctx.scaled(SEED_SUSPENDED) + 1, ctx.scaled(SEED_BLACK, least=2)),
    )
    for n, day in enumerate(SEED_DAYS):
        _day(ctx, day, teams, members, by_team, version, plan, sizes=officers[n * len(teams) : (n + 1) * len(teams)])
    recent = [ctx.today - dt.timedelta(days=k) for k in range(RECENT_DAYS, 0, -1)]
    recent_plan = _recent_plan(members, by_team, teams, recent[-1])
    for day in recent:
        _day(ctx, day, teams, members, by_team, version, recent_plan)
    _day(ctx, ctx.today, teams, members, by_team, version, recent_plan, share=0.5)
    ctx.notes.append(
        f"{len(shops)} shops, {ShopInspection.objects.filter(day__in=SEED_DAYS).count()} inspections "
        f"from {SEED_DAYS[0]} to {SEED_DAYS[-1]}; "
        f"{Round.objects.filter(day__in=SEED_DAYS).values_list('size', flat=True).count()} rounds"
    )


def _teams(ctx: DemoContext, subdistricts: list[Region]) -> list[Team]:
    names = ["执法一队", "执法二队", "执法三队", "执法四队", "执法五队", "执法六队"]
    return [
        team_save(actor=DEMO, name=names[i % len(names)] if i < len(names) else f"执法{i + 1}队", regions=[region])
        for i, region in enumerate(subdistricts)
    ]


def _members(ctx: DemoContext, teams: list[Team]) -> dict[int, list[User]]:
    """Each team's inspectors (at least three: an order and its acceptance by another member).
    中心路街道's team has the demo accounts jiancha and jiancha2."""
    out: dict[int, list[User]] = {}
    size = max(3, ctx.scaled(TEAM_SIZE))
    serial = 0
    for team in teams:
        region = team.regions.get()
        users = []
        for k in range(size):
            serial += 1
            demo_account = region.name == "中心路街道" and k < 2
            username = ("jiancha", "jiancha2")[k] if demo_account else f"zf{serial:03d}"
            full_name = ("赵执法", "孙执法")[k] if demo_account else person_name(ctx)
            user = User.objects.filter(username=username).first() or user_create(
                actor=ctx.actor,
                username=username,
                full_name=full_name,
                password=DEMO_PASSWORD if demo_account else None,
            )
            if not Membership.objects.filter(user=user, role=Role.DEPARTMENT_STAFF).exists():
                membership_save(
                    actor=ctx.actor,
                    membership=Membership(
                        user=user, role=Role.DEPARTMENT_STAFF, region=region, department=team.department
                    ),
                )
            inspector_save(actor=DEMO, user=user, team=team, badge_number=f"41010620{serial:04d}")
            users.append(user)
        out[team.pk] = users
    ctx.account(
        username="jiancha",
        password=DEMO_PASSWORD,
        role=f"{Role.DEPARTMENT_STAFF.label} · 区市场监管局 · 中心路街道 执法队",
    )
    ctx.account(
        username="jiancha2",
        password=DEMO_PASSWORD,
        role=f"{Role.DEPARTMENT_STAFF.label} · 区市场监管局 · 中心路街道 执法队",
    )
    return out


def _shops(ctx: DemoContext, subdistricts: list[Region]) -> list[Shop]:
    """The registry's small shops, and more until there are 2,022 (at full scale)."""
    communities = list(Region.objects.filter(level__in=(RegionLevel.COMMUNITY, RegionLevel.VILLAGE)).order_by("code"))
    have = list(Unit.objects.filter(profiles__kind__in=SHOP_KINDS).distinct())
    wanted = ctx.scaled(SEED_SHOPS, least=18)
    for n in range(len(have), wanted):
        word = SHOP_WORDS[n % len(SHOP_WORDS)]
        community = communities[n % len(communities)]
        data = clean_unit(
            name=f"{community.name[:2]}{word}{n + 1:04d}",
            credit_code=demo_credit_code(ctx),
            region=community,
            kinds=[KIND_OF_WORD[word]],
            address=f"{community.name}{ctx.rng.randint(1, 199)}号",
        )
        have.append(unit_register(actor=ctx.actor, data=data)[0])
    operators = {u.pk: person_name(ctx) for u in have}
    shops_enrol(actor=DEMO, units=have, operators=operators, from_day=ENROLLED_FROM)
    return list(Shop.objects.select_related("unit__region").order_by("unit_id"))


def _officer_counts(ctx: DemoContext, n_teams: int) -> list[int]:
    """The members present in each round of the seed days, adding up to 760 at full scale."""
    rounds = n_teams * len(SEED_DAYS)
    total = max(3 * rounds, ctx.scaled(SEED_OFFICERS))
    base, extra = divmod(total, rounds)
    return [base + (1 if i < extra else 0) for i in range(rounds)]


# A plan: for each day, the shops whose inspection goes through the service, and how.
Plan = dict[dt.date, dict[int, tuple[str, tuple[int, ...]]]]  # day -> shop -> (kind, failed items)


def _plan(ctx: DemoContext, shops: list[Shop], days: list[dt.date], suspended: int, black: int) -> Plan:
    plan: Plan = defaultdict(dict)
    chosen = ctx.rng.sample(shops, min(black, len(shops)))
    for i, shop in enumerate(chosen):
        first = i % (len(days) - 1)
        if i < suspended:
            # Half fail a serious item; the other half get a second black flag the next day.
            if i % 2 == 0:
                plan[days[first]][shop.pk] = (Kind.ROUTINE, (VENUE_CODE,))
                order_day = first
            else:
                plan[days[first]][shop.pk] = (Kind.ROUTINE, (MASKS,))
                plan[days[first + 1]][shop.pk] = (Kind.ROUTINE, (MASKS,))
                order_day = first + 1
            accept_day = order_day + 2
            for d in range(order_day + 1, len(days)):
                if d < accept_day:
                    trading = i == 0 and d == order_day + 1
                    plan[days[d]][shop.pk] = (Kind.CLOSURE, (1,) if trading else ())
                elif d == accept_day:
                    plan[days[d]][shop.pk] = (Kind.ACCEPTANCE, ())
                else:
                    plan[days[d]][shop.pk] = (Kind.ROUTINE, ())
        else:
            plan[days[first]][shop.pk] = (Kind.ROUTINE, (MASKS,))
            for d in range(first + 1, len(days)):
                plan[days[d]][shop.pk] = (Kind.ROUTINE, ())
    return plan


def _recent_plan(
    members: dict[int, list[User]], by_team: dict[int, list[Shop]], teams: list[Team], day: dt.date
) -> Plan:
    """Yesterday jiancha's team suspends one shop (jiancha2 may accept it today) and gives another a
    black flag; each is checked again today."""
    team = next((t for t in teams if members[t.pk][0].username == "jiancha"), teams[0])
    mine = by_team.get(team.pk, [])
    plan: Plan = defaultdict(dict)
    if len(mine) >= 2:
        plan[day][mine[0].pk] = (Kind.ROUTINE, (VENUE_CODE,))
        plan[day][mine[1].pk] = (Kind.ROUTINE, (MASKS,))
    return plan


def _at(ctx: DemoContext, day: dt.date) -> dt.datetime:
    minutes = ctx.rng.randint(0, 8 * 60)
    start = dt.datetime.combine(day, dt.time(8, 30)) + dt.timedelta(minutes=minutes)
    moment = timezone.make_aware(start)
    now = timezone.now()
    return min(moment, now - dt.timedelta(minutes=1)) if day == timezone.localdate() else moment


def _day(
    ctx: DemoContext,
    day: dt.date,
    teams: list[Team],
    members: dict[int, list[User]],
    by_team: dict[int, list[Shop]],
    version: ChecklistVersion,
    plan: Plan,
    *,
    sizes: list[int] | None = None,
    share: float = 1.0,
) -> None:
    planned = plan.get(day, {})
    for i, team in enumerate(teams):
        people = members[team.pk]
        size = min(len(people), sizes[i] if sizes is not None else len(people))
        round_ = round_start(actor=people[0], members=people[: max(3, size)], day=day)
        shops = by_team.get(team.pk, [])
        if share < 1.0:
            shops = shops[: int(len(shops) * share)]
        states = {
            pk: (state, flag)
            for pk, state, flag in Shop.objects.filter(pk__in=[s.pk for s in shops]).values_list("pk", "state", "flag")
        }
        routine = []
        for shop in shops:
            state, flag = states[shop.pk]
            if shop.pk in planned:
                kind, failed = planned[shop.pk]
            elif state == ShopState.SUSPENDED:
                kind, failed = Kind.CLOSURE, ()
            elif flag == Flag.BLACK:
                kind, failed = Kind.ROUTINE, ()
            else:
                routine.append(shop)
                continue
            if state == ShopState.SUSPENDED and kind == Kind.ROUTINE:
                kind = Kind.CLOSURE
            # As the phones send them: a flag and what follows from it.
            actor, partner = (people[1], people[2]) if kind == Kind.ACCEPTANCE else (people[0], people[1])
            checklist = checklist_for(kind)
            answers = {str(item.pk): {"passed": item.position not in failed} for item in checklist.items.all()}
            current = Shop.objects.select_related("unit__region").get(pk=shop.pk)
            shop_inspect(
                actor=actor, shop=current, kind=kind, answers=answers, inspectors=[partner], inspected_at=_at(ctx, day)
            )
        _bulk_red(ctx, day, round_, routine, version)


def _bulk_red(ctx: DemoContext, day: dt.date, round_: Round, shops: list[Shop], version: ChecklistVersion) -> None:
    """Routine inspections that find every required item in order: a red flag each."""
    if not shops:
        return
    items = list(version.items.all())
    present = list(round_.members.all())
    with transaction.atomic():
        made = Inspection.objects.bulk_create(
            [
                Inspection(
                    version=version,
                    unit_id=shop.pk,
                    region_id=shop.unit.region_id,
                    kind=Kind.ROUTINE,
                    outcome=Outcome.RED,
                    inspected_at=_at(ctx, day),
                    recorded_by=present[n % len(present)],
                )
                for n, shop in enumerate(shops)
            ],
            batch_size=500,
        )
        through = Inspection.inspectors.through
        through.objects.bulk_create(
            [
                through(inspection_id=row.pk, user_id=present[(n + k) % len(present)].pk)
                for n, row in enumerate(made)
                for k in (0, 1)
            ],
            batch_size=1000,
        )
        Answer.objects.bulk_create(
            [
                Answer(inspection_id=row.pk, item=item, passed=item.required or ctx.rng.random() > 0.05)
                for row in made
                for item in items
            ],
            batch_size=2000,
        )
        ShopInspection.objects.bulk_create(
            [
                ShopInspection(
                    inspection_id=row.pk,
                    shop_id=shop.pk,
                    round=round_,
                    day=day,
                    kind=Kind.ROUTINE,
                    outcome=Outcome.RED,
                    decided=Outcome.RED,
                )
                for row, shop in zip(made, shops, strict=True)
            ],
            batch_size=1000,
        )
        rows = list(
            DutySubject.objects.filter(
                duty=DAILY_INSPECTION.key, subject_type=SHOP_SUBJECT, subject_id__in=[s.pk for s in shops]
            ).values_list("pk", flat=True)
        )
        duty_submit_many(actor=DEMO, duty=DAILY_INSPECTION.key, subjects=rows, day=day, practice=True)
        last = max(row.inspected_at for row in made)
        Shop.objects.filter(pk__in=[s.pk for s in shops]).update(flag=Flag.RED, flag_since=day, last_inspected_at=last)
        audit_record(
            actor=DEMO,
            verb="inspection.record",
            detail=_("%(team)s %(day)s: %(n)d routine inspections, each a red flag")
            % {"team": round_.team, "day": day, "n": len(made)},
            region_code=round_.team.regions.get().code,
        )
