"""Demo: the 上街区 tree, its departments, the demo accounts and the staff sent down to communities.

Community names and codes are illustrative; the district and its six subdistricts/towns are the
bulletin's. The seed period's postings are calibrated to the bulletin: 160-odd staff were sent
down in 中心路街道 (the figure `regions.sent_down_staff` for that region and period is 163).
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.utils.translation import gettext as _
from django_otp.plugins.otp_totp.models import TOTPDevice

from lianfang.core.accounts.models import User
from lianfang.core.accounts.services import recovery_codes_issue, user_create
from lianfang.core.demo.loading import DEMO_PASSWORD, SEED_END, SEED_START, DemoContext

from .models import Department, DepartmentKind, Membership, Region, RegionLevel, Role
from .services import department_save, membership_save, region_save

DISTRICT = ("410106000000", "上街区")
SUBDISTRICTS: list[tuple[str, str, str, list[tuple[str, str]]]] = [
    (
        "410106001000",
        "济源路街道",
        RegionLevel.SUBDISTRICT,
        [("001", "济源路社区"), ("002", "登封路社区"), ("003", "新安西路社区")],
    ),
    (
        "410106002000",
        "中心路街道",
        RegionLevel.SUBDISTRICT,
        [("001", "中心路社区"), ("002", "金华路社区"), ("003", "淮阳路社区"), ("004", "汝南路社区")],
    ),
    (
        "410106003000",
        "新安路街道",
        RegionLevel.SUBDISTRICT,
        [("001", "新安路社区"), ("002", "许昌路社区"), ("003", "鼎盛社区")],
    ),
    (
        "410106004000",
        "工业路街道",
        RegionLevel.SUBDISTRICT,
        [("001", "工业路社区"), ("002", "朝阳社区"), ("003", "兴华社区")],
    ),
    (
        "410106005000",
        "矿山街道",
        RegionLevel.SUBDISTRICT,
        [("001", "矿山社区"), ("002", "铝城社区"), ("003", "高新社区")],
    ),
    ("410106100000", "峡窝镇", RegionLevel.TOWN, [("200", "峡窝村"), ("201", "马固村"), ("202", "冯沟村")]),
]
BUREAUS = [
    ("qwb", "区委办"),
    ("scjgj", "区市场监管局"),
    ("zjj", "区住建局"),
    ("jyj", "区教育局"),
    ("swj", "区商务局"),
    ("jwjw", "区纪委监委"),
    ("mzj", "区民政局"),
    ("jkzx", "区疾控中心"),
]
# Which kinds of organisation each bureau supervises (Department.supervises).
SUPERVISES = {
    "scjgj": ["small_restaurant", "small_shop", "small_workshop"],
    "zjj": ["construction_project"],
    "jyj": ["school"],
    "swj": ["supermarket", "hotel", "logistics"],
}
OFFICE_CODES = {
    "济源路街道": "jyljd",
    "中心路街道": "zxljd",
    "新安路街道": "xaljd",
    "工业路街道": "gyljd",
    "矿山街道": "ksjd",
    "峡窝镇": "xwz",
}

SURNAMES = (
    "王李张刘陈杨赵黄周吴徐孙胡朱高林何郭马罗梁宋郑谢韩唐冯于董萧程曹袁邓许傅沈曾彭吕苏卢蒋"
    "蔡贾丁魏薛叶阎余潘杜戴夏钟汪田任姜范方石姚谭廖邹熊金陆郝孔白崔康毛邱秦江史顾侯邵孟龙万段雷钱汤尹黎易常武乔贺赖龚文"
)
GIVEN = "伟芳娜秀敏静丽强磊军洋勇艳杰娟涛明超霞平刚桂英华玉兰萍红鹏辉建国志强海燕文博宇浩然晨阳思雨梓涵子轩欣怡嘉怡俊杰"

SEED_SENT_DOWN = 163  # "共组织160余名下沉人员" (中心路街道)
RECENT_SENT_DOWN = 36

# Demo TOTP secrets (hex) for the accounts that need a second factor; printed in base32.
DEMO_TOTP_KEYS = {
    "admin": "3132333435363738393031323334353637383930",
    "shenji": "4c69616e66616e672d61756469746f722d323032",
    "hecha": "4c69616e66616e672d72657665616c65722d3230",
}
# The demo accounts that may reveal full identity numbers and phones (with a reason, audited).
DEMO_REVEALERS = {"hecha"}


def person_name(ctx: DemoContext) -> str:
    """A plausible Chinese name, the same for the same seed."""
    return ctx.rng.choice(SURNAMES) + "".join(ctx.rng.choice(GIVEN) for _ in range(ctx.rng.choice((1, 2))))


def _region(ctx: DemoContext, code: str, name: str, level: str, parent: Region | None) -> Region:
    region = Region.objects.filter(code=code).first()
    if region is None:
        region = region_save(actor=ctx.actor, region=Region(code=code, name=name, level=level, parent=parent))
    return region


def _department(ctx: DemoContext, code: str, name: str, kind: str, region: Region) -> Department:
    department = Department.objects.filter(code=code).first()
    if department is None:
        department = department_save(
            actor=ctx.actor,
            department=Department(code=code, name=name, kind=kind, region=region, supervises=SUPERVISES.get(code, [])),
        )
    return department


def _user(ctx: DemoContext, username: str, full_name: str, *, password: str | None) -> User:
    user = User.objects.filter(username=username).first()
    if user is None:
        user = user_create(actor=ctx.actor, username=username, full_name=full_name, password=password)
    return user


def _membership(ctx: DemoContext, user: User, role: str, region: Region, **extra: Any) -> Membership:
    existing = Membership.objects.filter(user=user, role=role, region=region, **extra).first()
    if existing is not None:
        return existing
    return membership_save(actor=ctx.actor, membership=Membership(user=user, role=role, region=region, **extra))


def load(ctx: DemoContext) -> None:
    district = _region(ctx, *DISTRICT, RegionLevel.DISTRICT, None)
    subdistricts: dict[str, Region] = {}
    communities: dict[str, list[Region]] = {}
    for code, name, level, children in SUBDISTRICTS:
        sub = _region(ctx, code, name, level, district)
        subdistricts[name] = sub
        communities[name] = [
            _region(
                ctx,
                code[:9] + suffix,
                child,
                RegionLevel.VILLAGE if level == RegionLevel.TOWN else RegionLevel.COMMUNITY,
                sub,
            )
            for suffix, child in children
        ]
    bureaus = {name: _department(ctx, code, name, DepartmentKind.BUREAU, district) for code, name in BUREAUS}
    for name, sub in subdistricts.items():
        office = "峡窝镇人民政府" if name == "峡窝镇" else f"{name}办事处"
        _department(ctx, OFFICE_CODES[name], office, DepartmentKind.SUBDISTRICT_OFFICE, sub)

    _demo_accounts(ctx, district, subdistricts, communities, bureaus)
    _sent_down_staff(ctx, subdistricts, communities, bureaus)


def _demo_accounts(
    ctx: DemoContext,
    district: Region,
    subdistricts: dict[str, Region],
    communities: dict[str, list[Region]],
    bureaus: dict[str, Department],
) -> None:
    people: list[tuple[str, str, str, Region, Department | None, str]] = [
        ("zhihui", "赵指挥", Role.COMMANDER, district, None, "区疫情防控指挥部"),
        ("shijian", "钱监管", Role.DEPARTMENT_STAFF, district, bureaus["区市场监管局"], "区市场监管局"),
        ("jiwei", "孙监督", Role.DEPARTMENT_STAFF, district, bureaus["区纪委监委"], "区纪委监委"),
        ("jiaoyu", "冯教育", Role.DEPARTMENT_STAFF, district, bureaus["区教育局"], "区教育局"),
        ("jikong", "陈疾控", Role.DEPARTMENT_STAFF, district, bureaus["区疾控中心"], "区疾控中心"),
        ("zhongxin", "李中心", Role.SUBDISTRICT_STAFF, subdistricts["中心路街道"], None, "中心路街道"),
        ("gongye", "周工业", Role.SUBDISTRICT_STAFF, subdistricts["工业路街道"], None, "工业路街道"),
        ("hecha", "何核查", Role.SUBDISTRICT_STAFF, subdistricts["中心路街道"], None, "中心路街道"),
        ("wangge", "吴网格", Role.FIELD_WORKER, communities["中心路街道"][1], None, communities["中心路街道"][1].name),
        ("shenji", "郑审计", Role.AUDITOR, district, None, "上街区"),
        ("admin", "王管理", Role.SYSADMIN, district, None, "上街区"),
    ]
    for username, full_name, role, region, department, where in people:
        user = _user(ctx, username, full_name, password=DEMO_PASSWORD)
        revealer = username in DEMO_REVEALERS
        _membership(ctx, user, role, region, department=department, may_reveal=revealer)
        label = f"{Role(role).label} · {where}" + (f" · {_('may reveal full numbers')}" if revealer else "")
        if username in DEMO_TOTP_KEYS:
            device, _created = TOTPDevice.objects.get_or_create(
                user=user, name="demo", defaults={"key": DEMO_TOTP_KEYS[username], "confirmed": True}
            )
            codes = recovery_codes_issue(actor=ctx.actor, user=user)
            secret = device.config_url.split("secret=")[1].split("&")[0]
            label += f" · TOTP secret {secret} · recovery code {codes[0]}"
        ctx.account(username=username, password=DEMO_PASSWORD, role=label)


def _sent_down_staff(
    ctx: DemoContext,
    subdistricts: dict[str, Region],
    communities: dict[str, list[Region]],
    bureaus: dict[str, Department],
) -> None:
    """Office staff posted to communities: in 中心路街道 for the seed period, everywhere recently."""
    departments = list(bureaus.values())
    if not Membership.objects.filter(sent_down=True, valid_until__lte=SEED_END + dt.timedelta(days=30)).exists():
        for n in range(SEED_SENT_DOWN):
            user = _user(ctx, f"xc2022{n + 1:03d}", person_name(ctx), password=None)
            start = SEED_START + dt.timedelta(days=ctx.rng.randint(0, 9))
            _membership(
                ctx,
                user,
                Role.FIELD_WORKER,
                ctx.rng.choice(communities["中心路街道"]),
                department=ctx.rng.choice(departments),
                sent_down=True,
                valid_from=start,
                valid_until=SEED_END + dt.timedelta(days=ctx.rng.randint(0, 17)),
            )
    if not Membership.objects.filter(sent_down=True, valid_until__gte=ctx.recent_start).exists():
        all_communities = [c for cs in communities.values() for c in cs]
        for n in range(RECENT_SENT_DOWN):
            user = _user(ctx, f"xc{ctx.today:%Y}{n + 1:03d}r", person_name(ctx), password=None)
            start = ctx.recent_start + dt.timedelta(days=ctx.rng.randint(0, 6))
            _membership(
                ctx,
                user,
                Role.FIELD_WORKER,
                ctx.rng.choice(all_communities),
                department=ctx.rng.choice(departments),
                sent_down=True,
                valid_from=start,
                valid_until=ctx.today + dt.timedelta(days=ctx.rng.randint(7, 21)),
            )
